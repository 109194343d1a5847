#!/usr/bin/python3
"""serial-host.py - a TCP server playing a host's serial port for SOL tests.

ipmi_sim's lan.conf line `sol "tcp:127.0.0.1:PORT" 115200` makes the
simulator connect here; whatever a SOL client types reaches us, and what we
write reaches the SOL client (only while a SOL session is active: ipmi_sim
drops host output otherwise).

Behaviour, per connection:
  - on connect, and on every empty line, prints "\\r\\nbmcsim login: ";
  - echoes what it receives (CR or LF ends a line, BS/DEL erase);
  - NUL bytes are ignored (ipmi_sim may send one on SOL activation);
  - any non-command line at the login prompt logs in, the prompt becomes
    "sim$ ";
  - commands (at either prompt):
      seq N        N lines "line 000001 <text> <crc32 of the line so far>"
      ansi         colours, clear screen, cursor addressing, then ANSI-DONE
      bigdump N    N bytes of deterministic text, then "SHA256 <hex>" of them
      echo TEXT    prints TEXT
      hex TEXT     prints "HEX " and the hex of TEXT's bytes as received
      bytes        prints "BYTES<", the 256 byte values in order, ">BYTES"
      sink N       reads the next N bytes without echo, then prints
                   "SINK-DONE N <sha256 of them>"
      telnet       (--telnet) "TELNET-OK" if the client answered the opening
                   negotiation as a client should, else "TELNET-BAD ..."
      logout|exit  back to the login prompt
      help         lists these

--telnet plays a telnet server as QEMU's "-serial telnet" does: it opens
with IAC WILL ECHO, WILL SGA, WILL BINARY, DO BINARY, and also DO TTYPE,
which a console client should refuse.  It escapes 0xFF in what it sends,
strips the client's telnet commands from what it reads (CR NUL becomes CR
until the client agrees to BINARY), and answers IAC BRK with "BREAK-SEEN".

Options: PORT (positional), --ready-file F (written once listening),
--log F (every byte received, appended raw, after telnet decoding),
--max-seconds S (default 600: the server exits by itself then), --telnet,
--rx-rate BYTES_PER_SECOND (read no faster, with a small receive buffer,
like a slow serial line).  SIGTERM ends it.  Binds 127.0.0.1 only.
"""

import argparse
import hashlib
import os
import signal
import socket
import sys
import threading
import time
import zlib

TEXT = "the quick brown fox jumps over the lazy dog"
LOGIN = b"\r\nbmcsim login: "
SHELL = b"sim$ "


def seq_line(i):
    s = "line %06d %s" % (i, TEXT)
    return "%s %08x" % (s, zlib.crc32(s.encode()))


def bigdump_bytes(n):
    out = []
    total = 0
    i = 0
    while total < n:
        line = ("%08d:" % i) + "".join(chr(33 + (i * 7 + k) % 94) for k in range(60)) + "\r\n"
        out.append(line)
        total += len(line)
        i += 1
    return "".join(out).encode()[:n]


IAC, DONT, DO, WONT, WILL, SB, SE, BRK = 255, 254, 253, 252, 251, 250, 240, 243
OPT_BINARY, OPT_ECHO, OPT_SGA, OPT_TTYPE = 0, 1, 3, 24
TELNET_OPENING = bytes([IAC, WILL, OPT_ECHO, IAC, WILL, OPT_SGA, IAC, WILL, OPT_BINARY,
                        IAC, DO, OPT_BINARY, IAC, DO, OPT_TTYPE])
# What a console client must answer to the opening, and nothing else.
TELNET_WANT = {(DO, OPT_ECHO), (DO, OPT_SGA), (DO, OPT_BINARY), (WILL, OPT_BINARY),
               (WONT, OPT_TTYPE)}
VERBS = {WILL: "WILL", WONT: "WONT", DO: "DO", DONT: "DONT"}

ANSI = (
    b"\x1b[2J\x1b[H"                      # clear screen, home
    b"\x1b[1;31mRED-BOLD\x1b[0m "
    b"\x1b[32mGREEN\x1b[0m "
    b"\x1b[44;37mWHITE-ON-BLUE\x1b[0m "
    b"\x1b[38;5;208mORANGE-256\x1b[0m\r\n"
    b"\x1b[5;10HAT-5-10"                  # cursor addressing (row 5, col 10)
    b"\x1b[10;1H\x1b[7mREVERSE\x1b[0m"
    b"\x1b[12;1H\x1b[KANSI-DONE\r\n"
)


class Conn(threading.Thread):
    def __init__(self, sock, args):
        super().__init__(daemon=True)
        self.sock = sock
        self.args = args
        self.logged_in = False
        self.tn_state = "data"
        self.tn_verb = 0
        self.tn_answers = []
        self.client_binary = False
        self.last_cr = False
        self.sink_left = 0
        self.sink_n = 0
        self.sink_hash = None

    def send(self, data):
        if self.args.telnet:
            data = data.replace(b"\xff", b"\xff\xff")
        self.sock.sendall(data)

    def telnet_decode(self, data):
        """Strip the client's telnet commands; returns its data bytes."""
        out = bytearray()
        for b in data:
            st = self.tn_state
            if st == "data":
                if b == IAC:
                    self.tn_state = "iac"
                elif b == 0 and self.last_cr and not self.client_binary:
                    self.last_cr = False
                else:
                    out.append(b)
                    self.last_cr = b == 13
            elif st == "iac":
                self.tn_state = "data"
                if b == IAC:
                    out.append(b)
                    self.last_cr = False
                elif b in VERBS:
                    self.tn_verb = b
                    self.tn_state = "opt"
                elif b == SB:
                    self.tn_state = "sb"
                elif b == BRK:
                    self.send(b"\r\nBREAK-SEEN\r\n")
            elif st == "opt":
                self.tn_state = "data"
                self.tn_answers.append((self.tn_verb, b))
                if b == OPT_BINARY and self.tn_verb in (WILL, WONT):
                    self.client_binary = self.tn_verb == WILL
            elif st == "sb":
                if b == IAC:
                    self.tn_state = "sb-iac"
            elif st == "sb-iac":
                self.tn_state = "data" if b == SE else "sb"
        return bytes(out)

    def telnet_report(self):
        got = set(self.tn_answers)
        names = ", ".join("%s %d" % (VERBS[v], o) for v, o in self.tn_answers)
        if got == TELNET_WANT and len(self.tn_answers) == len(TELNET_WANT):
            return b"TELNET-OK (%s)\r\n" % names.encode()
        return b"TELNET-BAD got [%s]\r\n" % names.encode()

    def prompt(self):
        self.send(SHELL if self.logged_in else LOGIN)

    def command(self, line):
        words = line.split()
        if not words:
            if not self.logged_in:
                self.send(LOGIN)
            else:
                self.send(SHELL)
            return
        cmd = words[0]
        try:
            n = int(words[1]) if len(words) > 1 else 0
        except ValueError:
            n = -1
        if cmd == "seq" and 0 <= n <= 10_000_000:
            for i in range(1, n + 1):
                self.send((seq_line(i) + "\r\n").encode())
            self.send(b"SEQ-DONE %d\r\n" % n)
        elif cmd == "ansi":
            self.send(ANSI)
        elif cmd == "bigdump" and 0 <= n <= 100_000_000:
            data = bigdump_bytes(n)
            for off in range(0, len(data), 4096):
                self.send(data[off:off + 4096])
            self.send(b"\r\nSHA256 %s\r\n" % hashlib.sha256(data).hexdigest().encode())
        elif cmd == "hex":
            rest = line.encode("latin-1")[4:] if len(line) > 4 else b""
            self.send(b"HEX " + rest.hex().encode() + b"\r\n")
        elif cmd == "sink" and 0 < n <= 100_000_000:
            # The next n bytes are swallowed whole, then summed up.
            self.sink_left = self.sink_n = n
            self.sink_hash = hashlib.sha256()
            return
        elif cmd == "bytes":
            self.send(b"BYTES<" + bytes(range(256)) + b">BYTES\r\n")
        elif cmd == "telnet" and self.args.telnet:
            self.send(self.telnet_report())
        elif cmd == "echo":
            self.send(line.split(None, 1)[1].encode() + b"\r\n" if len(words) > 1 else b"\r\n")
        elif cmd in ("logout", "exit"):
            self.logged_in = False
            self.send(LOGIN)
            return
        elif cmd == "help":
            self.send(b"commands: seq N, ansi, bigdump N, echo TEXT, hex TEXT, bytes, "
                      b"sink N, telnet, logout, help\r\n")
        elif not self.logged_in:
            self.logged_in = True
            self.send(b"Welcome, %s.\r\n" % cmd.encode(errors="replace"))
        else:
            self.send(b"unknown command: %s\r\n" % cmd.encode(errors="replace"))
        self.prompt()

    def run(self):
        buf = bytearray()
        last_cr = False
        try:
            if self.args.telnet:
                self.sock.sendall(TELNET_OPENING)
            self.send(LOGIN)
            while True:
                data = self.sock.recv(4096)
                if not data:
                    break
                if self.args.rx_rate:
                    time.sleep(len(data) / self.args.rx_rate)
                if self.args.telnet:
                    data = self.telnet_decode(data)
                if self.args.log:
                    with open(self.args.log, "ab") as f:
                        f.write(data)
                i = 0
                while i < len(data):
                    if self.sink_left:
                        take = data[i:i + self.sink_left]
                        self.sink_hash.update(take)
                        self.sink_left -= len(take)
                        i += len(take)
                        if not self.sink_left:
                            self.send(b"SINK-DONE %d %s\r\n" % (
                                self.sink_n, self.sink_hash.hexdigest().encode()))
                            self.prompt()
                        continue
                    b = data[i]
                    i += 1
                    if b == 0:
                        continue
                    if b in (13, 10):
                        if b == 10 and last_cr:
                            last_cr = False
                            continue
                        last_cr = b == 13
                        self.send(b"\r\n")
                        line = buf.decode("latin-1")
                        buf.clear()
                        self.command(line)
                        continue
                    last_cr = False
                    if b in (8, 127):
                        if buf:
                            buf.pop()
                            self.send(b"\b \b")
                        continue
                    if len(buf) < 4096:
                        buf.append(b)
                    self.send(bytes([b]))
        except OSError:
            pass
        finally:
            self.sock.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("port", type=int)
    ap.add_argument("--ready-file")
    ap.add_argument("--log")
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--telnet", action="store_true")
    ap.add_argument("--rx-rate", type=float, default=0)
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.rx_rate:
        # Accepted sockets inherit it: the client feels the slow line at once.
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(8)
    srv.settimeout(0.5)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d %d\n" % (os.getpid(), srv.getsockname()[1]))
        os.rename(tmp, args.ready_file)
    end = time.monotonic() + args.max_seconds
    while time.monotonic() < end:
        try:
            c, _ = srv.accept()
        except socket.timeout:
            continue
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        Conn(c, args).start()
    print("serial-host: --max-seconds reached, exiting", file=sys.stderr)
    os._exit(0)


if __name__ == "__main__":
    main()
