#!/usr/bin/python3
"""hostile-bmc.py - a fake IPMI v2.0 BMC that misbehaves on purpose.

A real BMC (ipmi_sim) cannot be told to send a wrong AuthCode or an old
sequence number, so the misbehaviour tests (t-hostile.sh) talk to this one.
With --mode good it is a small but correct BMC on 127.0.0.1 over UDP: Get
Channel Authentication Capabilities, Open Session, RAKP 1-4 and an
authenticated session with cipher suites 0, 1 and 2 (no AES: suite 2 is
RAKP-HMAC-SHA1, HMAC-SHA1-96 integrity, no confidentiality), answering the
commands a bmctop poll sends.  Every other mode breaks exactly one thing and
keeps everything else valid -- a reply with the wrong session ID still has a
correct AuthCode, a reply with a bad IPMI checksum is still correctly
signed -- so that one check in the client, and only that one, can catch it.

The password comes from --password-file (0600), never from argv, and is
never written to the log.  The log (--log) records what the BMC received,
one line a packet, so a test can prove what the client did and did not send
(no RAKP 3 after a RAKP 2 that does not verify).  The process exits on its
own after --max-seconds.  Standard library only.
"""

import argparse
import hashlib
import hmac
import os
import random
import select
import socket
import stat
import struct
import sys
import time

RMCP_HEADER = b"\x06\x00\xff\x07"
AUTH_NONE = 0x00
AUTH_RMCPP = 0x06
PAYLOAD_AUTHENTICATED = 0x40
PAYLOAD_ENCRYPTED = 0x80

PT_IPMI = 0x00
PT_OPEN_REQ = 0x10
PT_OPEN_RSP = 0x11
PT_RAKP1 = 0x12
PT_RAKP2 = 0x13
PT_RAKP3 = 0x14
PT_RAKP4 = 0x15

NETFN_CHASSIS = 0x00
NETFN_SENSOR = 0x04
NETFN_APP = 0x06
NETFN_STORAGE = 0x0A

# Cipher suites by (auth, integrity, confidentiality) (IPMI v2.0 table 22-20).
SUITES = {
    (0, 0, 0): 0,
    (1, 0, 0): 1,
    (1, 1, 0): 2,
    (1, 1, 1): 3,
    (3, 0, 0): 15,
    (3, 4, 0): 16,
    (3, 4, 1): 17,
}

MODES = (
    "good", "v15-only", "wrong-algorithms", "bad-rakp2", "bad-rakp4",
    "bad-authcode", "wrong-session-id", "replay", "old-seq", "wrong-rqseq",
    "bad-checksum", "truncated", "garbage", "flood", "slow",
)

GUID = bytes(range(0xb0, 0xc0))
IANA_EXAMPLE = 32473  # RFC 5612: the enterprise number for documentation
FLOOD_COUNT = 50


def le32(b, off=0):
    return struct.unpack_from("<I", b, off)[0]


def checksum(data):
    return (-sum(data)) & 0xff


def hmac_sha1(key, data):
    return hmac.new(key, data, hashlib.sha1).digest()


class Session:
    """One RMCP+ session, from Open Session on."""

    def __init__(self, console_sid, bmc_sid, auth, integrity):
        self.console_sid = console_sid  # SIDm: we send with this ID
        self.bmc_sid = bmc_sid          # SIDc: the console sends with this ID
        self.auth = auth
        self.integrity = integrity
        self.rm = b""
        self.rc = b""
        self.role = 0
        self.user = b""
        self.sik = b""
        self.k1 = b""
        self.active = False
        self.out_seq = 0
        self.responses = 0
        self.last_packet = None


class HostileBMC:
    def __init__(self, args, password):
        self.args = args
        self.mode = args.mode
        self.kuid = password.ljust(20, b"\0")
        self.user = args.user.encode()
        self.suites = set(int(s) for s in args.suites.split(",") if s != "")
        self.rng = random.Random(args.seed)
        self.sessions = {}
        self.tag = 0
        self.log = open(args.log, "a", buffering=1) if args.log else None
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", args.port))

    def note(self, text):
        if self.log:
            self.log.write("%.3f %s\n" % (time.monotonic(), text))

    # Sending.

    def send(self, data, peer, session=None, msg=None):
        """Send one answer, as the mode wants it sent.

        For an answer in a session, session and msg (the IPMI message) let
        the flood include correctly signed packets that are still wrong."""
        if self.mode == "slow":
            time.sleep(self.args.delay_ms / 1000.0)
        if self.mode == "flood":
            for _ in range(FLOOD_COUNT):
                self.sock.sendto(self.junk(session, msg), peer)
        self.sock.sendto(data, peer)
        if self.mode == "replay":
            self.sock.sendto(data, peer)
        if session is not None:
            session.last_packet = data

    def junk(self, s=None, msg=None):
        """A datagram no correct client can accept, of one of several kinds."""
        kinds = 5
        if s is not None and s.k1:
            kinds = 7 if s.last_packet is not None else 6
        kind = self.rng.randrange(kinds)
        if kind == 0:
            # Not RMCP at all.
            n = self.rng.randrange(1, 200)
            b = bytearray(self.rng.getrandbits(8) for _ in range(n))
            b[0] = 0x42
            return bytes(b)
        if kind == 1:
            # RMCP, v1.5 framing, a length that disagrees with the datagram.
            return RMCP_HEADER + bytes(9) + bytes([200]) + bytes(10)
        if kind == 2:
            # RMCP+ header promising far more payload than there is.
            return RMCP_HEADER + bytes([AUTH_RMCPP, PAYLOAD_AUTHENTICATED]) + \
                bytes(8) + struct.pack("<H", 900) + bytes(20)
        if kind == 3:
            # RMCP+ with an OEM payload type, which nobody asked for.
            return RMCP_HEADER + bytes([AUTH_RMCPP, 0x02]) + \
                bytes(self.rng.getrandbits(8) for _ in range(30))
        if kind == 4:
            # RMCP+ then random bytes: random flags, IDs and length fields.
            n = self.rng.randrange(0, 300)
            return RMCP_HEADER + bytes([AUTH_RMCPP]) + \
                bytes(self.rng.getrandbits(8) for _ in range(n))
        if kind == 5:
            # This very answer, correctly signed, but for another session.
            s.out_seq += 1
            return self.rmcpp(PT_IPMI, s.console_sid ^ 0x00FF00FF, s.out_seq, msg, s.k1)
        # The previous answer again: a replay.
        return s.last_packet

    def rmcpp(self, ptype, sid, seq, payload, k1=None):
        """An RMCP+ packet; with k1 it carries the integrity trailer."""
        flags = PAYLOAD_AUTHENTICATED if k1 is not None else 0
        body = bytes([AUTH_RMCPP, ptype | flags]) + struct.pack("<IIH", sid, seq, len(payload)) + payload
        if k1 is None:
            return RMCP_HEADER + body
        pad = (4 - (len(body) + 2) % 4) % 4
        body += b"\xff" * pad + bytes([pad, 0x07])
        return RMCP_HEADER + body + hmac_sha1(k1, body)[:12]

    @staticmethod
    def ipmi_response(req, ccode, data=b""):
        netfn, rqseq, cmd = req
        head = bytes([0x81, ((netfn | 1) << 2)])
        tail = bytes([0x20, rqseq << 2, cmd, ccode]) + data
        return head + bytes([checksum(head)]) + tail + bytes([checksum(tail)])

    # Receiving.

    def handle(self, data, peer):
        if len(data) < 5 or data[:4] != RMCP_HEADER:
            self.note("rx not-rmcp len=%d" % len(data))
            return
        if self.mode == "garbage":
            self.note("rx packet; answering garbage")
            n = self.rng.randrange(0, 600)
            junk = bytes(self.rng.getrandbits(8) for _ in range(n))
            if self.rng.randrange(2):
                # Past the RMCP header check, into the parsers behind it.
                junk = RMCP_HEADER + bytes([self.rng.choice((AUTH_NONE, AUTH_RMCPP))]) + junk
            self.sock.sendto(junk, peer)
            return
        if data[4] == AUTH_NONE:
            self.handle_v15(data, peer)
        elif data[4] == AUTH_RMCPP:
            self.handle_rmcpp(data, peer)
        else:
            self.note("rx unsupported-authtype 0x%02x" % data[4])

    def handle_v15(self, data, peer):
        if len(data) < 14 or len(data) < 14 + data[13]:
            self.note("rx v15 malformed")
            return
        msg = data[14:14 + data[13]]
        req = self.parse_request(msg)
        if req is None:
            self.note("rx v15 bad-message")
            return
        netfn, rqseq, cmd, body = req
        if (netfn, cmd) != (NETFN_APP, 0x38):
            self.note("rx v15 netfn=0x%02x cmd=0x%02x (ignored)" % (netfn, cmd))
            return
        self.note("rx authcap data=%s" % body.hex())
        if self.mode == "v15-only":
            # No extended-capabilities bit: an IPMI v1.5-only BMC.
            caps = bytes([0x01, 0x04, 0x04, 0x00, 0, 0, 0, 0])
        else:
            caps = bytes([0x01, 0x80 | 0x04, 0x04, 0x02, 0, 0, 0, 0])
        rsp = self.ipmi_response((netfn, rqseq, cmd), 0x00, caps)
        pkt = RMCP_HEADER + bytes(9) + bytes([len(rsp)]) + rsp
        self.send(pkt, peer)

    @staticmethod
    def parse_request(msg):
        if len(msg) < 7:
            return None
        if checksum(msg[0:2]) != msg[2] or checksum(msg[3:-1]) != msg[-1]:
            return None
        return msg[1] >> 2, msg[4] >> 2, msg[5], msg[6:-1]

    def handle_rmcpp(self, data, peer):
        if len(data) < 16:
            self.note("rx rmcpp short")
            return
        ptype = data[5] & 0x3f
        if data[5] & PAYLOAD_ENCRYPTED:
            self.note("rx encrypted payload (unsupported)")
            return
        sid, seq, plen = struct.unpack_from("<IIH", data, 6)
        if 16 + plen > len(data):
            self.note("rx rmcpp length-exceeds-datagram")
            return
        payload = data[16:16 + plen]
        if ptype == PT_OPEN_REQ:
            self.on_open_session(payload, peer)
        elif ptype == PT_RAKP1:
            self.on_rakp1(payload, peer)
        elif ptype == PT_RAKP3:
            self.on_rakp3(payload, peer)
        elif ptype == PT_IPMI:
            self.on_session_packet(data, sid, payload, peer)
        else:
            self.note("rx payload-type 0x%02x (ignored)" % ptype)

    def on_open_session(self, p, peer):
        if len(p) < 32:
            self.note("rx open-session malformed")
            return
        tag, console_sid = p[0], le32(p, 4)
        algs = (p[12] & 0x3f, p[20] & 0x3f, p[28] & 0x3f)
        suite = SUITES.get(algs)
        self.note("rx open-session suite=%s algs=%d,%d,%d" % (suite, algs[0], algs[1], algs[2]))
        if suite not in self.suites:
            rsp = bytes([tag, 0x11, 0, 0]) + struct.pack("<I", console_sid)
            self.send(self.rmcpp(PT_OPEN_RSP, 0, 0, rsp), peer)
            return
        bmc_sid = 0
        while bmc_sid == 0 or bmc_sid in self.sessions:
            bmc_sid = self.rng.getrandbits(32)
        auth, integrity, conf = algs
        self.sessions[bmc_sid] = Session(console_sid, bmc_sid, auth, integrity)
        if self.mode == "wrong-algorithms":
            # HMAC-MD5-128, which the console did not offer.
            integrity = 2 if integrity != 2 else 1
        rsp = bytes([tag, 0x00, 0x04, 0]) + struct.pack("<II", console_sid, bmc_sid)
        rsp += bytes([0, 0, 0, 8, auth, 0, 0, 0])
        rsp += bytes([1, 0, 0, 8, integrity, 0, 0, 0])
        rsp += bytes([2, 0, 0, 8, conf, 0, 0, 0])
        self.send(self.rmcpp(PT_OPEN_RSP, 0, 0, rsp), peer)

    def mac(self, s, key, data):
        return hmac_sha1(key, data) if s.auth == 1 else b""

    def on_rakp1(self, p, peer):
        if len(p) < 28 or len(p) < 28 + p[27]:
            self.note("rx rakp1 malformed")
            return
        tag, bmc_sid = p[0], le32(p, 4)
        s = self.sessions.get(bmc_sid)
        user = p[28:28 + p[27]]
        self.note("rx rakp1 user=%s" % user.decode("latin-1"))
        if s is None:
            self.send(self.rmcpp(PT_RAKP2, 0, 0, bytes([tag, 0x02, 0, 0]) + bytes(4)), peer)
            return
        if user != self.user:
            rsp = bytes([tag, 0x0D, 0, 0]) + struct.pack("<I", s.console_sid)
            self.send(self.rmcpp(PT_RAKP2, 0, 0, rsp), peer)
            return
        s.rm, s.role, s.user = p[8:24], p[24], user
        s.rc = bytes(self.rng.getrandbits(8) for _ in range(16))
        ids = struct.pack("<II", s.console_sid, s.bmc_sid)
        tail = bytes([s.role, len(user)]) + user
        kuid = self.kuid
        if self.mode == "bad-rakp2":
            # Keyed with another password: the console must see a wrong password.
            kuid = b"not-the-password".ljust(20, b"\0")
        code = self.mac(s, kuid, ids + s.rm + s.rc + GUID + tail)
        sik = self.mac(s, self.kuid, s.rm + s.rc + tail)
        s.k1 = self.mac(s, sik, b"\x01" * 20)
        s.sik = sik
        rsp = bytes([tag, 0x00, 0, 0]) + struct.pack("<I", s.console_sid) + s.rc + GUID + code
        self.send(self.rmcpp(PT_RAKP2, 0, 0, rsp), peer)

    def on_rakp3(self, p, peer):
        if len(p) < 8:
            self.note("rx rakp3 malformed")
            return
        tag, status, bmc_sid = p[0], p[1], le32(p, 4)
        s = self.sessions.get(bmc_sid)
        if s is None or not s.rc:
            self.note("rx rakp3 unknown-session")
            return
        tail = bytes([s.role, len(s.user)]) + s.user
        want = self.mac(s, self.kuid, s.rc + struct.pack("<I", s.console_sid) + tail)
        good = status == 0 and hmac.compare_digest(want, bytes(p[8:]))
        self.note("rx rakp3 status=%d code=%s" % (status, "good" if good else "bad"))
        if not good:
            rsp = bytes([tag, 0x0F, 0, 0]) + struct.pack("<I", s.console_sid)
            self.send(self.rmcpp(PT_RAKP4, 0, 0, rsp), peer)
            del self.sessions[bmc_sid]
            return
        icv = self.mac(s, s.sik, s.rm + struct.pack("<I", s.bmc_sid) + GUID)[:12]
        if self.mode == "bad-rakp4" and icv:
            icv = bytes([icv[0] ^ 0x01]) + icv[1:]
        s.active = True
        rsp = bytes([tag, 0x00, 0, 0]) + struct.pack("<I", s.console_sid) + icv
        self.send(self.rmcpp(PT_RAKP4, 0, 0, rsp), peer)

    def on_session_packet(self, data, sid, payload, peer):
        s = self.sessions.get(sid)
        if s is None or not s.active:
            self.note("rx ipmi unknown-session")
            return
        authenticated = bool(data[5] & PAYLOAD_AUTHENTICATED)
        if s.integrity != 0:
            # Verify the console's AuthCode as a real BMC would.
            if not authenticated or len(data) < 16 + len(payload) + 14:
                self.note("rx ipmi unauthenticated (dropped)")
                return
            body, code = data[4:-12], data[-12:]
            if not hmac.compare_digest(hmac_sha1(s.k1, body)[:12], code):
                self.note("rx ipmi bad-authcode (dropped)")
                return
        elif authenticated:
            self.note("rx ipmi authenticated without integrity (dropped)")
            return
        req = self.parse_request(payload)
        if req is None:
            self.note("rx ipmi bad-message")
            return
        netfn, rqseq, cmd, body = req
        self.note("rx ipmi netfn=0x%02x cmd=0x%02x" % (netfn, cmd))
        ccode, rdata = self.command(s, netfn, cmd, body)
        self.respond(s, (netfn, rqseq, cmd), ccode, rdata, peer)
        if (netfn, cmd) == (NETFN_APP, 0x3C) and ccode == 0:
            del self.sessions[sid]

    def command(self, s, netfn, cmd, body):
        if netfn == NETFN_APP and cmd == 0x3B:  # Set Session Privilege Level
            return 0, bytes([body[0] & 0x0f if body else 4])
        if netfn == NETFN_APP and cmd == 0x01:  # Get Device ID
            mfr = struct.pack("<I", IANA_EXAMPLE)[:3]
            return 0, bytes([0x20, 0x81, 0x01, 0x23, 0x02, 0x0f]) + mfr + struct.pack("<H", 0x4b1d) + bytes(4)
        if netfn == NETFN_APP and cmd == 0x3C:  # Close Session
            if len(body) < 4 or le32(body) != s.bmc_sid:
                return 0x87, b""  # invalid session ID in request
            return 0, b""
        if netfn == NETFN_CHASSIS and cmd == 0x01:  # Get Chassis Status: power on
            return 0, bytes([0x01, 0x00, 0x00, 0x00])
        if netfn == NETFN_STORAGE and cmd == 0x20:  # Get SDR Repository Info
            count = 0 if self.args.empty_sdr else 1
            return 0, bytes([0x51]) + struct.pack("<HHIIB", count, 0x1000, 1000, 1000, 0x02)
        if netfn == NETFN_STORAGE and cmd == 0x22:  # Reserve SDR Repository
            return 0, struct.pack("<H", 0x0042)
        if netfn == NETFN_STORAGE and cmd == 0x23:  # Get SDR
            if len(body) < 6:
                return 0xC7, b""
            record_id, offset, count = struct.unpack_from("<H", body, 2)[0], body[4], body[5]
            if self.args.empty_sdr or record_id not in (0x0000, 0x0001):
                return 0xCB, b""
            rec = self.sdr_record()
            return 0, struct.pack("<H", 0xFFFF) + rec[offset:offset + count]
        if netfn == NETFN_STORAGE and cmd == 0x40:  # Get SEL Info: empty
            return 0, bytes([0x51]) + struct.pack("<HHIIB", 0, 0x4000, 0xFFFFFFFF, 0xFFFFFFFF, 0x02)
        if netfn == NETFN_STORAGE and cmd == 0x10:  # Get FRU Inventory Area Info
            return 0xCB, b""
        return 0xC1, b""  # invalid command

    @staticmethod
    def sdr_record():
        """A Management Controller Device Locator record (type 0x12) for the BMC."""
        name = b"hostile-bmc"
        body = bytes([0x20, 0x00, 0x00, 0x0f, 0, 0, 0, 0x2E, 0x01, 0x00, 0xC0 | len(name)]) + name
        return struct.pack("<HBBB", 0x0001, 0x51, 0x12, len(body)) + body

    def respond(self, s, req, ccode, rdata, peer):
        netfn, rqseq, cmd = req
        first = s.responses == 0
        s.responses += 1
        if self.mode == "wrong-rqseq":
            rqseq = (rqseq + 1) & 0x3f
        msg = self.ipmi_response((netfn, rqseq, cmd), ccode, rdata)
        if self.mode == "bad-checksum":
            msg = msg[:-1] + bytes([msg[-1] ^ 0x5a])
        s.out_seq += 1
        seq = s.out_seq
        if self.mode == "old-seq":
            # The first answer sets the console's window; every later one is
            # from far behind it (correctly signed, so only the window catches it).
            seq = 100000 if first else 100000 - 1000 - s.responses
        sid = s.console_sid
        if self.mode == "wrong-session-id":
            sid = s.console_sid ^ 0x5A5A5A5A
        k1 = s.k1 if s.integrity != 0 else None
        pkt = self.rmcpp(PT_IPMI, sid, seq, msg, k1)
        if self.mode == "bad-authcode" and k1 is not None:
            pkt = pkt[:-1] + bytes([pkt[-1] ^ 0x80])
        if self.mode == "truncated":
            # The length field promises the whole message; the datagram ends halfway.
            pkt = pkt[:16 + len(msg) // 2]
        self.send(pkt, peer, s, msg)

    def run(self):
        deadline = time.monotonic() + self.args.max_seconds
        if self.args.ready_file:
            tmp = self.args.ready_file + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d\n" % self.sock.getsockname()[1])
            os.rename(tmp, self.args.ready_file)
        self.note("listening mode=%s suites=%s" % (self.mode, ",".join(str(x) for x in sorted(self.suites))))
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.note("lifetime over")
                return
            r, _, _ = select.select([self.sock], [], [], min(left, 1.0))
            if not r:
                continue
            data, peer = self.sock.recvfrom(4096)
            if peer[0] != "127.0.0.1":
                continue
            self.handle(data, peer)


def read_password(path):
    st = os.stat(path)
    if stat.S_IMODE(st.st_mode) & 0o077:
        sys.exit("hostile-bmc: %s must not be readable by group or others" % path)
    with open(path, "rb") as f:
        pw = f.readline().rstrip(b"\r\n")
    if len(pw) > 20:
        sys.exit("hostile-bmc: the password is longer than 20 bytes")
    return pw


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, required=True, help="UDP port on 127.0.0.1")
    ap.add_argument("--mode", choices=MODES, default="good")
    ap.add_argument("--password-file", required=True, help="0600 file, password on line 1")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--suites", default="0,1,2", help="cipher suites accepted (0, 1, 2)")
    ap.add_argument("--ready-file", help="written (with the port) once listening")
    ap.add_argument("--log", help="append what was received here")
    ap.add_argument("--max-seconds", type=float, default=60.0)
    ap.add_argument("--delay-ms", type=int, default=150, help="for --mode slow")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--empty-sdr", action="store_true",
                    help="an SDR repository with no records (else one MC locator)")
    args = ap.parse_args()
    password = read_password(args.password_file)
    try:
        bmc = HostileBMC(args, password)
    except OSError as e:
        sys.exit("hostile-bmc: cannot listen on 127.0.0.1:%d: %s" % (args.port, e))
    try:
        bmc.run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
