# t-redfish-vendors.sh - every vendor mockup set in tests/data/redfish, served
# by tests/peers/redfish-server.py (HTTPS, session auth), read by bmctop:
# `status --json` shows the system's power state and the temperatures and
# fans the payload has, and `sel HOST --json` the events of its log.  The
# expected values are read from the payload files themselves (expect.py
# below), not written down by hand; only which log service holds the events
# is named per set.  Where a set truly lacks something (the partial sets have
# no chassis, no log), it must read as absent (no sensors, no events), not as
# an error.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/redfish.sh"
redfish_need

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# The log each set's events come from (bmctop: the system's SEL or event log,
# else the manager's), relative to redfish/v1; "-" for a set without one.
log_of() {
	case $1 in
	dmtf-public-rackmount1) echo Systems/437XR1138R2/LogServices/Log1/Entries ;;
	dmtf-public-bladed) echo Managers/Blade1BMC/LogServices/Log/Entries ;;
	hpe-ilo5-dl325-gen10plus | hpe-ilo5-dl360-gen10plus | hpe-ilo6-dl380a-gen11 | hpe-ilo7-dl360-gen12)
		echo Systems/1/LogServices/IML/Entries ;;
	gigabyte-h262-z63-ami-megarac) echo Managers/Self/LogServices/SEL/Entries ;;
	intel-s2600bpb) echo Systems/QSBP74100021/LogServices/SEL/Entries ;;
	openbmc-bmcweb-stock) echo Systems/system/LogServices/EventLog/Entries ;;
	*) echo - ;;
	esac
}

# expect.py SETDIR LOG: what the payload holds, as JSON: the power state of
# the first system; per kind (temperature, fan) the readings of the first
# source that has any (Sensors collection, then ThermalSubsystem, then the
# legacy Thermal), with one sample name and value; the log's entry count and
# one message.
cat >"$T_TMP/expect.py" <<'EOF'
import glob, json, os, sys

top, log = sys.argv[1], sys.argv[2]
v1 = os.path.join(top, "redfish", "v1")

def load(path):
    f = os.path.join(v1, path.replace("/redfish/v1/", "", 1).strip("/"), "index.json")
    try:
        with open(f) as fh:
            return json.load(fh)
    except OSError:
        return None

def members(path):
    c = load(path) or {}
    return [m["@odata.id"] for m in c.get("Members", []) if isinstance(m, dict) and "@odata.id" in m]

def absent(d):
    return ((d.get("Status") or {}).get("State") or "") == "Absent"

def first_system():
    links = members("Systems") or sorted(
        "/redfish/v1/Systems/" + os.path.basename(os.path.dirname(p))
        for p in glob.glob(os.path.join(v1, "Systems", "*", "index.json")))
    return load(links[0]) if links else {}

def sensor_kind(d):
    rt, ru = d.get("ReadingType"), d.get("ReadingUnits")
    hpe = ((d.get("Oem") or {}).get("Hpe") or {}).get("@odata.type") or ""
    if rt == "Temperature" or (rt is None and ru == "Cel") or (rt is None and ru is None and "HpeSeaOfSensors" in hpe):
        return "temperature"
    if rt == "Rotational" or (rt is None and ru in ("RPM", "{rev}/min")):
        return "fan"
    return None

def from_sensors(ch, kind):
    out = []
    for link in members((ch.get("Sensors") or {}).get("@odata.id", "")):
        d = load(link)
        if d and not absent(d) and sensor_kind(d) == kind:
            out.append((d.get("Name") or d.get("Id"), d.get("Reading")))
    return out

def from_subsystem(ch, kind):
    sub = load((ch.get("ThermalSubsystem") or {}).get("@odata.id", "")) or {}
    out = []
    if kind == "fan":
        for link in members((sub.get("Fans") or {}).get("@odata.id", "")):
            d = load(link)
            if d and not absent(d):
                sp = d.get("SpeedPercent") or {}
                out.append((d.get("Name") or d.get("Id"), sp.get("SpeedRPM", sp.get("Reading"))))
    else:
        tm = load((sub.get("ThermalMetrics") or {}).get("@odata.id", "")) or {}
        for r in tm.get("TemperatureReadingsCelsius", []):
            if isinstance(r.get("Reading"), (int, float)):
                out.append((r.get("DeviceName"), r["Reading"]))
    return out

def from_legacy(ch, kind):
    th = load((ch.get("Thermal") or {}).get("@odata.id", "")) or {}
    key, reading = ("Temperatures", "ReadingCelsius") if kind == "temperature" else ("Fans", "Reading")
    out = []
    for m in th.get(key, []):
        if absent(m):
            continue
        val = m.get(reading)
        if val is None and kind == "fan":
            val = m.get("ReadingRPM")
        if val is None and not (m.get("Status") or {}).get("Health"):
            continue
        out.append((m.get("Name"), val))
    return out

def readings(ch, kind):
    for src in (from_sensors, from_subsystem, from_legacy):
        got = src(ch, kind)
        if got:
            return got
    return []

# The first chassis (of the first eight) with temperatures or fans; bmctop
# skips chassis without sensors (a BMC's own, a riser) the same way.
chassis = [load(link) or {} for link in members("Chassis")[:8]]
ch = next((c for c in chassis if readings(c, "temperature") or readings(c, "fan")), {})
out = {"power": (first_system().get("PowerState") or "unknown").lower()}
for kind in ("temperature", "fan"):
    got = readings(ch, kind)
    sample = next(([n, v] for n, v in got if isinstance(v, (int, float)) and n), None)
    out[kind] = {"count": len(got), "sample": sample}
entries = load(log) if log != "-" else None
ev = (entries or {}).get("Members", [])
out["events"] = {"count": len(ev) if entries is not None else 0,
                 "message": next((m.get("Message") for m in ev if m.get("Message")), None)}
print(json.dumps(out))
EOF

# got.py STATUS_JSON SEL_JSON: the same facts from bmctop's output.
cat >"$T_TMP/got.py" <<'EOF'
import json, sys
st = json.load(open(sys.argv[1]))[0]
sel = json.load(open(sys.argv[2]))
sensors = st.get("sensors") or []
out = {"power": st.get("power"), "state": st.get("state"), "error": st.get("error")}
for kind in ("temperature", "fan"):
    out[kind] = {s["name"]: s.get("value") for s in sensors if s.get("type") == kind}
out["events"] = [e.get("message") for e in sel.get("events", [])]
print(json.dumps(out))
EOF

# compare NAME: what bmctop read ($T_TMP/NAME.got) against the payload ($T_TMP/NAME.want).
compare() {
	/usr/bin/python3 - "$T_TMP/$1.want" "$T_TMP/$1.got" <<'EOF'
import json, sys
want, got = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
lines = ["power " + got["power"]]
for kind in ("temperature", "fan"):
    w, g = want[kind], got[kind]
    lines.append("%s %d" % (kind, len(g)))
    if w["sample"]:
        name, val = w["sample"]
        ok = name in g and g[name] is not None and abs(g[name] - val) < 1e-6
        lines.append("%s %s=%s %s" % (kind, name, val, "read" if ok else "NOT READ (%r)" % g.get(name)))
lines.append("events %d" % len(got["events"]))
if want["events"]["message"] is not None:
    lines.append("event message %s" % ("read" if want["events"]["message"] in got["events"] else "NOT READ"))
print("\n".join(lines))
EOF
}

# expected NAME: the same lines from the payload alone.
expected() {
	/usr/bin/python3 - "$T_TMP/$1.want" <<'EOF'
import json, sys
w = json.load(open(sys.argv[1]))
lines = ["power " + w["power"]]
for kind in ("temperature", "fan"):
    lines.append("%s %d" % (kind, w[kind]["count"]))
    if w[kind]["sample"]:
        lines.append("%s %s=%s read" % (kind, w[kind]["sample"][0], w[kind]["sample"][1]))
lines.append("events %d" % w["events"]["count"])
if w["events"]["message"] is not None:
    lines.append("event message read")
print("\n".join(lines))
EOF
}

sets=$(cd "$REDFISH_DATA" && for d in */; do [ -d "$d/redfish/v1" ] && echo "${d%/}"; done)
check "there are vendor sets to read" test -n "$sets"
for set in $sets; do
	name=$(printf '%s' "$set" | tr -c 'A-Za-z0-9\n' '-' | cut -c1-40)
	redfish_start "$name" "$set" || { fail "$set: the peer starts"; continue; }
	REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/$name.conf" "$name"
	/usr/bin/python3 "$T_TMP/expect.py" "$REDFISH_DATA/$set" "$(log_of "$set")" >"$T_TMP/$name.want"
	"$BMCTOP" -c "$T_TMP/$name.conf" status --json --what power,sensors >"$T_TMP/$name.status" 2>"$T_TMP/$name.err"
	is "$set: status --json exits 0" "$?" 0
	"$BMCTOP" -c "$T_TMP/$name.conf" sel "$name" --json >"$T_TMP/$name.sel" 2>>"$T_TMP/$name.err"
	is "$set: sel --json exits 0" "$?" 0
	if ! /usr/bin/python3 "$T_TMP/got.py" "$T_TMP/$name.status" "$T_TMP/$name.sel" >"$T_TMP/$name.got" 2>>"$T_TMP/$name.err"; then
		fail "$set: bmctop's JSON reads: $(cat "$T_TMP/$name.err")"
		redfish_stop "$name"
		continue
	fi
	is "$set: no error on the host, what is missing is absent" \
		"$(pyj 'print(d["state"], d["error"])' <"$T_TMP/$name.got")" "ok None"
	is "$set: power state, temperatures, fans and events as in the payload" \
		"$(compare "$name")" "$(expected "$name")"
	is "$set: one login, and the session deleted" \
		"$(redfish_stats "$name" login_attempts) $(redfish_stats "$name" sessions_live)" "2 0"
	redfish_stop "$name"
done

# The sets that have them show them: a regression to no temperatures (AMI
# MegaRAC before bmctop read each kind from its own source) fails here.
is "gigabyte-h262-z63-ami-megarac: 17 temperatures from its legacy Thermal" \
	"$(pyj 'print(len(d["temperature"]))' <"$T_TMP/gigabyte-h262-z63-ami-megarac.got")" 17
is "hpe-ilo6-dl380a-gen11: 6 fans from ThermalSubsystem beside its Sensors temperatures" \
	"$(pyj 'print(len(d["fan"]), len(d["temperature"]))' <"$T_TMP/hpe-ilo6-dl380a-gen11.got")" "6 29"
