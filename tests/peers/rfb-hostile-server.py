#!/usr/bin/env python3
"""rfb-hostile-server.py - an RFB 3.8 server (security None, 64x64) that
answers the first FramebufferUpdateRequest with a hostile update, for
t-screenshot.sh.

  rfb-hostile-server.py --port P --mode MODE [--ready-file F] [--max-seconds S]

MODE: edge (a Raw rectangle past the screen's edge), bomb (a ZRLE
rectangle whose zlib data inflates to 64 MiB), cuttext (ServerCutText
claiming 4 GiB), bigscreen (ServerInit of 65535x65535).  Serves one
connection at a time on 127.0.0.1; exits after --max-seconds.
"""
import argparse
import socket
import struct
import threading
import time
import zlib


def recv_exact(c, n):
    b = b""
    while len(b) < n:
        k = c.recv(n - len(b))
        if not k:
            raise EOFError
        b += k
    return b


def serve(c, mode):
    c.sendall(b"RFB 003.008\n")
    recv_exact(c, 12)
    c.sendall(bytes([1, 1]))  # one security type: None
    recv_exact(c, 1)
    c.sendall(struct.pack(">I", 0))  # SecurityResult OK
    recv_exact(c, 1)  # ClientInit
    w, h = (65535, 65535) if mode == "bigscreen" else (64, 64)
    pf = bytes([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0])
    name = b"hostile"
    c.sendall(struct.pack(">HH", w, h) + pf + struct.pack(">I", len(name)) + name)
    # SetPixelFormat (20), SetEncodings (4 + 4n), FramebufferUpdateRequest (10)
    while True:
        t = recv_exact(c, 1)[0]
        if t == 0:
            recv_exact(c, 19)
        elif t == 2:
            n = struct.unpack(">xH", recv_exact(c, 3))[0]
            recv_exact(c, 4 * n)
        elif t == 3:
            recv_exact(c, 9)
            break
        else:
            return
    if mode == "edge":
        c.sendall(struct.pack(">BxH", 0, 1) + struct.pack(">HHHHi", 60, 60, 10, 10, 0)
                  + bytes(10 * 10 * 4))
    elif mode == "bomb":
        z = zlib.compressobj()
        data = z.compress(bytes(64 << 20)) + z.flush(zlib.Z_SYNC_FLUSH)
        c.sendall(struct.pack(">BxH", 0, 1) + struct.pack(">HHHHi", 0, 0, 64, 64, 16)
                  + struct.pack(">I", len(data)) + data)
    elif mode == "cuttext":
        c.sendall(struct.pack(">BxxxI", 3, 0xFFFFFFFF) + b"x" * 1024)
    time.sleep(2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--ready-file")
    ap.add_argument("--max-seconds", type=float, default=300)
    o = ap.parse_args()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", o.port))
    s.listen(4)
    s.settimeout(1)
    if o.ready_file:
        with open(o.ready_file, "w") as f:
            f.write("ready\n")
    end = time.time() + o.max_seconds
    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        c.settimeout(30)

        def run(c=c):
            try:
                serve(c, o.mode)
            except (OSError, EOFError):
                pass
            finally:
                c.close()
        threading.Thread(target=run, daemon=True).start()


if __name__ == "__main__":
    main()
