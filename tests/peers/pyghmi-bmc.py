#!/usr/bin/python3
"""pyghmi-bmc.py - a real RMCP+ BMC for bmctop's integration tests.

pyghmi.ipmi.bmc.Bmc is the server-side IPMI v2.0 implementation VirtualBMC is
built on.  This subclass keeps the simulated host's state in files under
--dir, so a test reads the host's own truth:

  DIR/power     "on" or "off"
  DIR/boot      the next boot device ("default", "network", "hd", ...)
  DIR/actions   one line per chassis control or boot change received
  DIR/ready     written once the socket is bound and the loop is running

The password comes from a 0600 file (never argv).  The process exits after
--max-seconds, so a forgotten peer never outlives its test.

What pyghmi 1.5.34's server does (found by experiment with ipmitool -C N):
it answers every Open Session request with cipher suite 3's algorithms
(RAKP-HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128) whatever the console proposed,
and lists only suite 3 in Get Channel Cipher Suites.  ipmitool -C 17 then
refuses the session ("Authentication algorithm 0x01 is not what we requested
0x03"); -C 1 and -C 2 are refused the same way.  It has no SDR, SEL, FRU or
SOL (SOL needs an iohandler, which this peer does not give).

--suites 17,3 adds cipher suite 17 (RAKP-HMAC-SHA256, HMAC-SHA256-128,
AES-CBC-128) in this file: the RAKP exchange is redone with SHA-256 here,
while pyghmi's own session code (which takes its hash from currhashlib, as
its client side does for suite 17) does the per-packet integrity and AES.
Proposals of anything else still get pyghmi's suite 3 answer.  Check this
extension with ipmitool -C 17, the reference client, before trusting it.
"""

import argparse
import hashlib
import hmac
import os
import stat
import struct
import sys
import time

import pyghmi.ipmi.bmc as bmc
import pyghmi.ipmi.command as ipmicommand
import pyghmi.ipmi.private.constants as constants
import pyghmi.ipmi.private.serversession as serversession
import pyghmi.ipmi.private.session as ipmisession

# Auth, integrity and confidentiality algorithm numbers of the two suites.
SUITE3 = (1, 1, 1)
SUITE17 = (3, 4, 1)


class Suite17Session(serversession.ServerSession):
    """pyghmi's server session, also speaking suite 17 when proposed."""

    def create_open_session_response(self, request):
        proposed = (request[12] & 0x3f, request[20] & 0x3f, request[28] & 0x3f)
        if proposed != SUITE17:
            self.suite = 3
            self.currhashlib = hashlib.sha1
            self.currhashlen = 12
            return super().create_open_session_response(request)
        self.suite = 17
        self.currhashlib = hashlib.sha256
        self.currhashlen = 16
        self.clientsessionid = request[4:8]
        self.managedsessionid = os.urandom(4)
        self.privlevel = 4
        a, i, c = SUITE17
        return (bytearray([request[0], 0, self.privlevel, 0])
                + self.clientsessionid + self.managedsessionid
                + bytearray([0, 0, 0, 8, a, 0, 0, 0,
                             1, 0, 0, 8, i, 0, 0, 0,
                             2, 0, 0, 8, c, 0, 0, 0]))

    def _hmac(self, key, data):
        return hmac.new(key, bytes(data), self.currhashlib).digest()

    def _got_rakp1(self, data):
        if self.suite != 17:
            return super()._got_rakp1(data)
        self.Rm = data[8:24]
        self.rolem = data[24]
        self.maxpriv = self.rolem & 0b111
        if data[27] == 0:
            return
        self.username = bytes(data[28:28 + data[27]])
        name = self.username.decode("utf-8", "replace")
        if name not in self.authdata:
            return
        self.uuiddata = self.uuid.bytes
        self.Rc = os.urandom(16)
        self.kuid = self.authdata[name].encode("utf-8")
        if self.kg is None:
            self.kg = self.kuid
        authcode = self._hmac(self.kuid, self.clientsessionid + self.managedsessionid
                              + self.Rm + self.Rc + self.uuiddata
                              + bytearray([self.rolem, len(self.username)])
                              + self.username)
        self.send_payload(bytearray([data[0], 0, 0, 0]) + self.clientsessionid
                          + self.Rc + self.uuiddata + authcode,
                          constants.payload_types["rakp2"], retry=False)

    def _got_rakp3(self, data):
        if self.suite != 17:
            return super()._got_rakp3(data)
        if not hasattr(self, "Rc") or data[1] != 0:
            return
        who = struct.pack("2B", self.rolem, len(self.username)) + self.username
        expected = self._hmac(self.kuid, self.Rc + self.clientsessionid + who)
        if expected != bytes(data[8:]):
            return  # like pyghmi: a bad RAKP 3 is dropped
        self.sik = self._hmac(self.kg, self.Rm + self.Rc + who)
        self.k1 = self._hmac(self.sik, b"\x01" * 20)
        self.k2 = self._hmac(self.sik, b"\x02" * 20)
        self.aeskey = self.k2[0:16]
        self.localsid = struct.unpack("<I", self.managedsessionid)[0]
        self.ipmicallback = self.handle_client_request
        self._send_rakp4(data[0], 0)

    def _send_rakp4(self, tagvalue, statuscode):
        if self.suite != 17:
            return super()._send_rakp4(tagvalue, statuscode)
        icv = self._hmac(self.sik, self.Rm + self.managedsessionid
                         + self.uuiddata)[:self.currhashlen]
        self.send_payload(bytearray([tagvalue, statuscode, 0, 0])
                          + self.clientsessionid + icv,
                          constants.payload_types["rakp4"], retry=False)
        self.confalgo = "aes"
        self.integrityalgo = "sha256"
        self.sequencenumber = 1
        self.sessionid = struct.unpack("<I", bytes(self.clientsessionid))[0]


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


class FileBmc(bmc.Bmc):
    def __init__(self, authdata, port, address, statedir):
        self.statedir = statedir
        super().__init__(authdata, port=port, address=address)
        if not os.path.exists(self._p("power")):
            write_atomic(self._p("power"), "on\n")
        if not os.path.exists(self._p("boot")):
            write_atomic(self._p("boot"), "default\n")

    def _p(self, name):
        return os.path.join(self.statedir, name)

    def _log(self, what):
        with open(self._p("actions"), "a") as f:
            f.write(what + "\n")

    def _set_power(self, state):
        write_atomic(self._p("power"), state + "\n")

    # Power.  Each returns None (completion code 0).
    def get_power_state(self):
        with open(self._p("power")) as f:
            state = f.read().strip()
        return "on" if state == "on" else "off"

    def power_on(self):
        self._log("on")
        self._set_power("on")

    def power_off(self):
        self._log("off")
        self._set_power("off")

    def power_shutdown(self):
        self._log("shutdown")
        self._set_power("off")

    def power_cycle(self):
        self._log("cycle")
        self._set_power("on")

    def power_reset(self):
        self._log("reset")
        self._set_power("on")

    def pulse_diag(self):
        self._log("diag")

    def cold_reset(self):
        self._log("cold-reset")
        return 0

    # Boot device: pyghmi passes names in and wants a name (or the raw
    # boot-flags byte) back.
    def get_boot_device(self):
        with open(self._p("boot")) as f:
            name = f.read().strip()
        return name if name in ipmicommand.boot_devices else "default"

    def set_boot_device(self, bootdevice):
        self._log("boot " + str(bootdevice))
        write_atomic(self._p("boot"), str(bootdevice) + "\n")


def read_password(path):
    st = os.stat(path)
    if stat.S_IMODE(st.st_mode) & 0o077:
        sys.exit("pyghmi-bmc: %s must not be readable by group or others" % path)
    with open(path) as f:
        pw = f.readline().rstrip("\n")
    if not pw:
        sys.exit("pyghmi-bmc: %s is empty" % path)
    return pw


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True, help="state directory")
    ap.add_argument("--port", required=True, type=int)
    ap.add_argument("--address", default="::ffff:127.0.0.1",
                    help="an IPv4-mapped IPv6 address: pyghmi binds AF_INET6")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--max-seconds", type=float, default=300)
    ap.add_argument("--suites", default="3",
                    help="3: pyghmi as packaged; 17,3: also suite 17 (this file)")
    args = ap.parse_args()

    suites = set(args.suites.split(","))
    if not suites <= {"3", "17"} or "3" not in suites:
        sys.exit("pyghmi-bmc: --suites is 3 or 17,3")
    if "17" in suites:
        # IpmiServer.sessionless_data creates serversession.ServerSession.
        serversession.ServerSession = Suite17Session

    if not args.address.startswith("::ffff:127.") and args.address != "::1":
        sys.exit("pyghmi-bmc: loopback addresses only")
    os.makedirs(args.dir, exist_ok=True)
    authdata = {args.user: read_password(args.password_file)}
    server = FileBmc(authdata, args.port, args.address, args.dir)
    server.mfgid = 0xA2B3  # visible in Get Device ID
    server.prodid = 0x0017
    write_atomic(os.path.join(args.dir, "ready"), "%d %d\n" % (os.getpid(), args.port))

    deadline = time.monotonic() + args.max_seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ipmisession.Session.wait_for_rsp(timeout=min(left, 0.5))
    return 0


if __name__ == "__main__":
    sys.exit(main())
