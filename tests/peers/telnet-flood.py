#!/usr/bin/python3
"""telnet-flood.py - a hostile telnet server: floods option negotiation and never reads.

It accepts clients on 127.0.0.1:PORT and writes to each, as fast as the
client takes them, rounds of negotiation with a line of console text
("flood round") between rounds:
  --mode all     (default) IAC WILL, DO, DONT and WONT for every option
                 0..255: options the client accepts toggle on and off each
                 round, options it refuses are requested again and again;
  --mode toggle  IAC WILL ECHO, WONT ECHO, DO BINARY, DONT BINARY: every
                 request changes a state the client agrees to, so a client
                 following RFC 1143 owes one answer per request.
It never reads what the client sends back, and its receive buffer is small,
so a client that queues its answers without stopping to read grows without
bound.

Options: PORT (positional), --mode all|toggle, --ready-file F (written once listening),
--stats F (rewritten once a second: "sent N" bytes so far, "clients N"),
--max-seconds S (default 60: the server exits by itself then).  SIGTERM ends
it.  Binds 127.0.0.1 only.
"""

import argparse
import os
import signal
import socket
import threading
import time

IAC, WILL, WONT, DO, DONT = 255, 251, 252, 253, 254


ECHO, BINARY = 1, 0


def one_round(mode):
    out = bytearray()
    if mode == "toggle":
        for _ in range(1024):
            out += bytes((IAC, WILL, ECHO, IAC, WONT, ECHO, IAC, DO, BINARY, IAC, DONT, BINARY))
    else:
        for verb in (WILL, DO, DONT, WONT):
            for opt in range(256):
                out += bytes((IAC, verb, opt))
    out += b"flood round\r\n"
    return bytes(out)


class Stats:
    def __init__(self):
        self.sent = 0
        self.clients = 0


def serve(conn, stats, deadline, chunk):
    conn.settimeout(1.0)
    try:
        while time.monotonic() < deadline:
            try:
                stats.sent += conn.send(chunk)
            except socket.timeout:
                continue  # the client stopped reading: keep the pressure on
    except OSError:
        pass
    finally:
        conn.close()


def write_stats(path, stats, deadline):
    while time.monotonic() < deadline:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("sent %d\nclients %d\n" % (stats.sent, stats.clients))
        os.rename(tmp, path)
        time.sleep(1.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("port", type=int)
    ap.add_argument("--mode", choices=("all", "toggle"), default="all")
    ap.add_argument("--ready-file")
    ap.add_argument("--stats")
    ap.add_argument("--max-seconds", type=float, default=60)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    deadline = time.monotonic() + args.max_seconds
    stats = Stats()
    chunk = one_round(args.mode) * 4  # about 48 KB per send

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Set before listen() so accepted sockets start with a small window.
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(4)
    srv.settimeout(1.0)
    if args.stats:
        threading.Thread(target=write_stats, args=(args.stats, stats, deadline),
                         daemon=True).start()
    if args.ready_file:
        with open(args.ready_file, "w") as f:
            f.write("%d\n" % args.port)
    while time.monotonic() < deadline:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        stats.clients += 1
        threading.Thread(target=serve, args=(conn, stats, deadline, chunk), daemon=True).start()


if __name__ == "__main__":
    main()
