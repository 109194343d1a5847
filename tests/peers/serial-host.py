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
      logout|exit  back to the login prompt
      help         lists these

Options: PORT (positional), --ready-file F (written once listening),
--log F (every byte received, appended raw), --max-seconds S (default 600:
the server exits by itself then).  SIGTERM ends it.  Binds 127.0.0.1 only.
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

    def send(self, data):
        self.sock.sendall(data)

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
        elif cmd == "echo":
            self.send(line.split(None, 1)[1].encode() + b"\r\n" if len(words) > 1 else b"\r\n")
        elif cmd in ("logout", "exit"):
            self.logged_in = False
            self.send(LOGIN)
            return
        elif cmd == "help":
            self.send(b"commands: seq N, ansi, bigdump N, echo TEXT, logout, help\r\n")
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
            self.send(LOGIN)
            while True:
                data = self.sock.recv(4096)
                if not data:
                    break
                if self.args.log:
                    with open(self.args.log, "ab") as f:
                        f.write(data)
                for b in data:
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
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
