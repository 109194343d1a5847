#!/usr/bin/python3
"""mksdr.py - turn a readable BMC description into ipmi_sim emulator commands.

Reads a description (a file, or "-" for stdin) and prints ipmi_sim_cmd(5)
lines for one management controller: a hand-built IPMI v2.0 Full Sensor
Record (SDR type 0x01, table 43-1) per sensor as `main_sdr_add`, plus the
`sensor_add`, `sensor_set_threshold` and `sensor_set_value` lines that give
the live readings, `mc_add_fru_data` for FRU inventory and `sel_add` for SEL
entries.  Only the Python standard library is used.

Description format: one directive a line, shell-style quoting, "#" comments.

  sensor NUM "NAME" type=TYPE units=UNITS value=REAL [m=1] [b=0] [k1=0] [k2=0]
         [lnr=REAL] [lc=REAL] [lnc=REAL] [unc=REAL] [uc=REAL] [unr=REAL]
         [entity=ID] [instance=N] [signed=0|1]
      TYPE  temperature|voltage|current|fan|power-supply|other or a number
      UNITS degC|degF|volts|amps|watts|rpm|joules|hz|percent or a number
      Reading y = (M*x + B*10^K1) * 10^K2 for raw byte x; all real values
      (value and thresholds) are given in real units and converted to the
      nearest raw byte here.  M and B are 10-bit signed, K1/K2 4-bit signed.
  fru [board-manufacturer=S] [board-product=S] [board-serial=S]
      [board-part=S] [product-manufacturer=S] [product-name=S]
      [product-part=S] [product-version=S] [product-serial=S]
      [product-asset=S] [chassis-part=S] [chassis-serial=S] [id=0]
  sel SENSOR EVENT [deassert]   EVENT: lnc-low lc-low lnr-low unc-high
      uc-high unr-high (a threshold event; reading = the sensor's value,
      threshold = that threshold, both as raw bytes)
  sel-raw B1 ... B13            a system event record's 13 bytes after
                                the record type (timestamp first)

Options: --owner 0x20 (the MC's IPMB address), --check (print each sensor's
raw and re-converted values to stderr).
"""

import argparse
import math
import shlex
import sys
import time

SENSOR_TYPES = {
    "temperature": 0x01, "temp": 0x01, "voltage": 0x02, "current": 0x03,
    "fan": 0x04, "power-supply": 0x08, "other": 0x0B,
}
UNITS = {
    "unspecified": 0, "degC": 1, "degF": 2, "degK": 3, "volts": 4,
    "amps": 5, "watts": 6, "joules": 7, "rpm": 18, "hz": 19, "percent": 0,
}
DEFAULT_ENTITY = {0x01: 0x07, 0x02: 0x07, 0x03: 0x0A, 0x04: 0x1D,
                  0x08: 0x0A, 0x0B: 0x07}
# Threshold order used by ipmi_sim's sensor_set_threshold (value5..value0)
# and by the SDR threshold bytes 37..42.
THRESH = ["unr", "uc", "unc", "lnr", "lc", "lnc"]
# Readable/settable mask bit per threshold (table 43-1 bytes 19-20).
TBIT = {"lnc": 0, "lc": 1, "lnr": 2, "unc": 3, "uc": 4, "unr": 5}
# Event offsets (table 42-2) and the assertion-mask bit of each.
EVENTS = {"lnc-low": 0x0, "lc-low": 0x2, "lnr-low": 0x4,
          "unc-high": 0x7, "uc-high": 0x9, "unr-high": 0xB}
EVENT_THRESH = {"lnc-low": "lnc", "lc-low": "lc", "lnr-low": "lnr",
                "unc-high": "unc", "uc-high": "uc", "unr-high": "unr"}


class DescError(Exception):
    pass


def num(s):
    return int(s, 0)


def twos(v, bits, what):
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if not lo <= v <= hi:
        raise DescError("%s=%d out of range %d..%d" % (what, v, lo, hi))
    return v & ((1 << bits) - 1)


class Sensor:
    def __init__(self, number, name, kv):
        self.number = number
        self.name = name
        if len(name.encode("latin-1")) > 16:
            raise DescError("sensor name %r longer than 16 bytes" % name)
        t = kv.pop("type", None)
        if t is None:
            raise DescError("sensor %s: type= missing" % name)
        self.stype = SENSOR_TYPES[t] if t in SENSOR_TYPES else num(t)
        u = kv.pop("units", "unspecified")
        self.units = UNITS[u] if u in UNITS else num(u)
        self.percent = u == "percent"
        self.m = int(kv.pop("m", "1"))
        self.b = int(kv.pop("b", "0"))
        self.k1 = int(kv.pop("k1", "0"))
        self.k2 = int(kv.pop("k2", "0"))
        if self.m == 0:
            raise DescError("sensor %s: m must not be 0" % name)
        twos(self.m, 10, "m"), twos(self.b, 10, "b")
        twos(self.k1, 4, "k1"), twos(self.k2, 4, "k2")
        self.signed = kv.pop("signed", "0") == "1"
        self.entity = num(kv.pop("entity", str(DEFAULT_ENTITY.get(self.stype, 7))))
        self.instance = num(kv.pop("instance", "1"))
        if "value" not in kv:
            raise DescError("sensor %s: value= missing" % name)
        self.value = float(kv.pop("value"))
        self.thresh = {}
        for t in THRESH:
            if t in kv:
                self.thresh[t] = float(kv.pop(t))
        if kv:
            raise DescError("sensor %s: unknown keys %s" % (name, ", ".join(kv)))

    def to_real(self, raw):
        x = raw
        if self.signed and x >= 128:
            x -= 256
        return (self.m * x + self.b * 10.0 ** self.k1) * 10.0 ** self.k2

    def to_raw(self, real, what):
        x = (real / 10.0 ** self.k2 - self.b * 10.0 ** self.k1) / self.m
        r = int(math.floor(x + 0.5))
        lo, hi = (-128, 127) if self.signed else (0, 255)
        if not lo <= r <= hi:
            raise DescError("sensor %s: %s %g needs raw %d, outside %d..%d"
                            % (self.name, what, real, r, lo, hi))
        return r & 0xFF

    def sdr(self, owner, record_id):
        name = self.name.encode("latin-1")
        mask = 0
        for t in self.thresh:
            mask |= 1 << TBIT[t]
        # Assertion/deassertion events supported for each threshold present:
        # lower thresholds going low, upper going high.
        ev = 0
        for e, off in EVENTS.items():
            if EVENT_THRESH[e] in self.thresh:
                ev |= 1 << off
        lower_read = ((mask >> 0) & 7) << 12      # LNC, LC, LNR -> bits 12..14
        upper_read = ((mask >> 3) & 7) << 12      # UNC, UC, UNR -> bits 12..14
        assert_mask = ev | lower_read
        deassert_mask = ev | upper_read
        m = twos(self.m, 10, "m")
        b = twos(self.b, 10, "b")
        raw_th = {t: self.to_raw(v, t) for t, v in self.thresh.items()}
        body = [
            owner, 0x00, self.number,               # 6-8 record key
            self.entity, self.instance,             # 9-10
            0x7F,                                   # 11 initialisation
            0x48 if self.thresh else 0x40,          # 12 capabilities: auto re-arm,
                                                    #    thresholds readable+settable
            self.stype, 0x01,                       # 13 sensor type, 14 threshold
            assert_mask & 0xFF, assert_mask >> 8,   # 15-16
            deassert_mask & 0xFF, deassert_mask >> 8,  # 17-18
            mask, mask,                             # 19 readable, 20 settable
            (0x80 if self.signed else 0x00) | (1 if self.percent else 0),  # 21
            self.units, 0x00,                       # 22 base unit, 23 modifier
            0x00,                                   # 24 linear
            m & 0xFF, (m >> 8) << 6,                # 25-26 M, tolerance 0
            b & 0xFF, (b >> 8) << 6,                # 27-28 B, accuracy 0
            0x00,                                   # 29 accuracy, direction
            (twos(self.k2, 4, "k2") << 4) | twos(self.k1, 4, "k1"),  # 30
            0x00, 0x00, 0x00, 0x00,                 # 31-34 no nominal/normal
            0x7F if self.signed else 0xFF,          # 35 sensor max
            0x80 if self.signed else 0x00,          # 36 sensor min
        ]
        body += [raw_th.get(t, 0) for t in THRESH]  # 37-42
        body += [0x00, 0x00, 0x00, 0x00, 0x00]      # 43-44 hyst, 45-46 rsvd, 47 OEM
        body += [0xC0 | len(name)] + list(name)     # 48.. ID string, 8-bit
        header = [record_id & 0xFF, record_id >> 8, 0x51, 0x01, len(body)]
        return header + body, raw_th

    def emu(self, owner, record_id):
        rec, raw_th = self.sdr(owner, record_id)
        out = ["# %s: sensor %d, type 0x%02x, units %d, M=%d B=%d K1=%d K2=%d"
               % (self.name, self.number, self.stype, self.units, self.m,
                  self.b, self.k1, self.k2)]
        out.append("main_sdr_add 0x%02x %s" % (owner, " ".join("0x%02x" % x for x in rec)))
        out.append("sensor_add 0x%02x 0 %d 0x%02x 0x01" % (owner, self.number, self.stype))
        if self.thresh:
            enabled = "".join("1" if t in self.thresh else "0" for t in THRESH)
            vals = " ".join("0x%02x" % raw_th.get(t, 0) for t in THRESH)
            out.append("sensor_set_threshold 0x%02x 0 %d settable %s %s"
                       % (owner, self.number, enabled, vals))
        out.append("sensor_set_value 0x%02x 0 %d 0x%02x 0"
                   % (owner, self.number, self.to_raw(self.value, "value")))
        return out


def fru_field(s):
    b = s.encode("latin-1")
    if len(b) > 63:
        raise DescError("FRU field %r too long" % s)
    return [0xC0 | len(b)] + list(b)


def fru_area(fields, pre):
    data = [0x01, 0x00] + pre
    for f in fields:
        data += fru_field(f)
    data.append(0xC1)
    while (len(data) + 1) % 8:
        data.append(0x00)
    data[1] = (len(data) + 1) // 8
    data.append((-sum(data)) & 0xFF)
    return data


def build_fru(kv):
    g = lambda k, d="": kv.get(k, d)
    chassis = fru_area([g("chassis-part"), g("chassis-serial")], [0x17])
    # Board manufacturing date: minutes since 1996-01-01 (fixed for repeatability).
    mins = int(kv.get("board-date-minutes", "14716800"))
    board = fru_area([g("board-manufacturer"), g("board-product"),
                      g("board-serial"), g("board-part"), ""],
                     [0x00, mins & 0xFF, (mins >> 8) & 0xFF, (mins >> 16) & 0xFF])
    product = fru_area([g("product-manufacturer"), g("product-name"),
                        g("product-part"), g("product-version"),
                        g("product-serial"), g("product-asset"), ""], [0x00])
    off = 8
    hdr = [0x01, 0x00, off // 8, (off + len(chassis)) // 8,
           (off + len(chassis) + len(board)) // 8, 0x00, 0x00]
    hdr.append((-sum(hdr)) & 0xFF)
    data = hdr + chassis + board + product
    return data


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("desc", help="description file, or - for stdin")
    ap.add_argument("--owner", default="0x20")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    owner = num(a.owner)
    f = sys.stdin if a.desc == "-" else open(a.desc, encoding="utf-8")
    sensors = {}
    order = []
    out = []
    rec_id = 1
    ts = int(time.time())
    try:
        for lineno, line in enumerate(f, 1):
            words = shlex.split(line, comments=True)
            if not words:
                continue
            try:
                kind = words[0]
                pos = [w for w in words[1:] if "=" not in w]
                kv = dict(w.split("=", 1) for w in words[1:] if "=" in w)
                if kind == "sensor":
                    if len(pos) != 2:
                        raise DescError("sensor NUM NAME key=value...")
                    s = Sensor(num(pos[0]), pos[1], kv)
                    if s.number in [x.number for x in sensors.values()]:
                        raise DescError("sensor number %d used twice" % s.number)
                    sensors[s.name] = s
                    order.append(s)
                    out += s.emu(owner, rec_id)
                    rec_id += 1
                    if a.check:
                        raw = s.to_raw(s.value, "value")
                        print("%-16s raw=0x%02x real=%g %s" % (
                            s.name, raw, s.to_real(raw),
                            " ".join("%s=%g" % (t, s.to_real(s.to_raw(v, t)))
                                     for t, v in s.thresh.items())),
                              file=sys.stderr)
                elif kind == "fru":
                    data = build_fru(kv)
                    fid = num(kv.get("id", "0"))
                    out.append("mc_add_fru_data 0x%02x %d %d data %s" % (
                        owner, fid, len(data), " ".join("0x%02x" % x for x in data)))
                elif kind == "sel":
                    if len(pos) < 2 or pos[1] not in EVENTS:
                        raise DescError("sel SENSOR-NAME EVENT [deassert]; EVENT one of "
                                        + " ".join(EVENTS))
                    s = sensors.get(pos[0])
                    if s is None:
                        raise DescError("sel: no sensor named %r (define it first)" % pos[0])
                    t = EVENT_THRESH[pos[1]]
                    if t not in s.thresh:
                        raise DescError("sel: sensor %r has no %s threshold" % (s.name, t))
                    deassert = len(pos) > 2 and pos[2] == "deassert"
                    ts += 60
                    b = [ts & 0xFF, (ts >> 8) & 0xFF, (ts >> 16) & 0xFF, ts >> 24,
                         owner, 0x00, 0x04, s.stype, s.number,
                         (0x80 if deassert else 0x00) | 0x01,
                         0x50 | EVENTS[pos[1]], s.to_raw(s.value, "value"),
                         s.to_raw(s.thresh[t], t)]
                    out.append("sel_add 0x%02x 0x02 %s" % (owner, " ".join("0x%02x" % x for x in b)))
                elif kind == "sel-raw":
                    if len(pos) != 13:
                        raise DescError("sel-raw wants 13 bytes")
                    out.append("sel_add 0x%02x 0x02 %s" % (owner, " ".join(
                        "0x%02x" % (num(x) & 0xFF) for x in pos)))
                else:
                    raise DescError("unknown directive %r" % kind)
            except (DescError, ValueError, KeyError) as e:
                print("%s:%d: %s" % (a.desc, lineno, e), file=sys.stderr)
                return 2
    finally:
        if f is not sys.stdin:
            f.close()
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
