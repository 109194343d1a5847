#!/usr/bin/python3
"""ws-rfb-server.py - a small RFB server, plain or behind a WebSocket, well
behaved or hostile, for the VNC relay's tests.

    ws-rfb-server.py --port P [--ws] [--cert C --key K] [--mode MODE]
                     [--size WxH] [--close-after N] [--rcvbuf BYTES] [--stats FILE]
                     [--ready-file F] [--max-seconds S]

It speaks RFB 3.8 with security None and serves a framebuffer of --size
(64x48 by default) at 32 bits per pixel: each FramebufferUpdateRequest is
answered with the whole screen, Raw, in a colour that changes every time.
--ws puts an HTTP upgrade to WebSocket in front (any path; the subprotocol
"binary" when offered; frames of any size); --cert/--key wrap the
connection in TLS first.  Each connection is served by one thread that
alone reads and writes its socket (an ssl.SSLSocket must not be read in one
thread while written in another).

--mode serve       (default) answer FramebufferUpdateRequests, forever or,
                   with --close-after N, closing the connection after the
                   Nth update (a console that goes away mid-stream)
--mode ping-flood  (--ws only) after ServerInit, which it sends without
                   waiting for ClientInit, flood 125-byte pings as fast as
                   the socket takes them and never read again: a peer that
                   makes the relay's answers (pongs) pile up

--rcvbuf sets SO_RCVBUF on the listening socket (inherited by each
connection), so a peer that stops reading stops the sender soon.  Counters
go to --stats as JSON (connections, handshakes, updates, pings_sent).
Listens on 127.0.0.1 only; exits after --max-seconds.
"""
import argparse
import base64
import hashlib
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
W, H = 64, 48  # --size
LOCK = threading.Lock()
STATS = {"connections": 0, "handshakes": 0, "updates": 0, "pings_sent": 0}
OPTS = None


def bump(key, n=1):
    with LOCK:
        STATS[key] += n
        if OPTS.stats:
            tmp = OPTS.stats + ".tmp"
            with open(tmp, "w") as f:
                json.dump(STATS, f)
            os.replace(tmp, OPTS.stats)


class Conn:
    """Bytes in and out of one connection, raw or in WebSocket frames."""

    def __init__(self, sock):
        self.sock = sock
        self.ws = False
        self.buf = bytearray()  # raw bytes received, not yet parsed
        self.data = bytearray()  # RFB bytes received

    def fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("the client closed the connection")
        self.buf += chunk

    def head(self):
        while b"\r\n\r\n" not in self.buf:
            self.fill()
            if len(self.buf) > 65536:
                raise EOFError("over-long HTTP head")
        head, rest = bytes(self.buf).split(b"\r\n\r\n", 1)
        self.buf = bytearray(rest)
        return head.decode("latin-1")

    def frame_once(self):
        """Parse one client frame from buf into data; False if incomplete."""
        b = self.buf
        if len(b) < 2:
            return False
        n, off = b[1] & 0x7f, 2
        if n == 126:
            if len(b) < 4:
                return False
            n, off = struct.unpack("!H", b[2:4])[0], 4
        elif n == 127:
            if len(b) < 10:
                return False
            n, off = struct.unpack("!Q", b[2:10])[0], 10
        if len(b) < off + 4 + n:
            return False
        mask = b[off:off + 4]
        payload = bytes(c ^ mask[i & 3] for i, c in enumerate(b[off + 4:off + 4 + n]))
        op = b[0] & 0x0f
        del b[:off + 4 + n]
        if op == 8:
            raise EOFError("the client closed the WebSocket")
        if op == 9:
            self.send_frame(10, payload)
        elif op in (0, 2):
            self.data += payload
        return True

    def get(self, n):
        while len(self.data) < n:
            if self.ws:
                if not self.frame_once():
                    self.fill()
            else:
                self.fill()
                self.data += self.buf
                self.buf = bytearray()
        out = bytes(self.data[:n])
        del self.data[:n]
        return out

    def send_frame(self, op, payload):
        n = len(payload)
        if n < 126:
            hdr = struct.pack("!BB", 0x80 | op, n)
        elif n < 65536:
            hdr = struct.pack("!BBH", 0x80 | op, 126, n)
        else:
            hdr = struct.pack("!BBQ", 0x80 | op, 127, n)
        self.sock.sendall(hdr + payload)

    def send(self, data):
        if self.ws:
            self.send_frame(2, data)
        else:
            self.sock.sendall(data)


def upgrade(c):
    head = c.head()
    hdrs = {}
    for line in head.split("\r\n")[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()
    key = hdrs.get("sec-websocket-key", "")
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    protos = [p.strip() for p in hdrs.get("sec-websocket-protocol", "").split(",")]
    proto = "Sec-WebSocket-Protocol: binary\r\n" if "binary" in protos else ""
    c.sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n%s\r\n"
                    % (accept, proto)).encode())
    c.ws = True


def server_init():
    pf = struct.pack("!BBBBHHHBBBxxx", 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
    name = b"ws-rfb-server"
    return struct.pack("!HH", W, H) + pf + struct.pack("!I", len(name)) + name


def handshake(c, early_init):
    c.send(b"RFB 003.008\n")
    ver = c.get(12)
    if not ver.startswith(b"RFB 003."):
        raise EOFError("not RFB: %r" % ver)
    c.send(b"\x01\x01")  # one security type: None
    if c.get(1) != b"\x01":
        raise EOFError("the client chose another security type")
    c.send(struct.pack("!I", 0))
    if early_init:
        c.send(server_init())
        return
    c.get(1)  # ClientInit
    c.send(server_init())
    bump("handshakes")


def serve(c):
    n = 0
    while True:
        t = c.get(1)[0]
        if t == 0:  # SetPixelFormat
            c.get(19)
        elif t == 2:  # SetEncodings
            k = struct.unpack("!xH", c.get(3))[0]
            c.get(4 * k)
        elif t == 3:  # FramebufferUpdateRequest
            c.get(9)
            n += 1
            px = struct.pack("<I", (n * 0x050709) & 0xffffff)
            c.send(struct.pack("!BxH", 0, 1) + struct.pack("!HHHHi", 0, 0, W, H, 0) + px * (W * H))
            bump("updates")
            if OPTS.close_after and n >= OPTS.close_after:
                raise EOFError("closed after %d updates (--close-after)" % n)
        elif t == 4:  # KeyEvent
            c.get(7)
        elif t == 5:  # PointerEvent
            c.get(5)
        elif t == 6:  # ClientCutText
            k = struct.unpack("!xxxI", c.get(7))[0]
            c.get(k)
        else:
            raise EOFError("unknown client message %d" % t)


def ping_flood(c):
    bump("handshakes")
    ping = struct.pack("!BB", 0x89, 125) + b"p" * 125
    batch = ping * 512
    while True:
        c.sock.sendall(batch)
        bump("pings_sent", 512)


def handle(sock):
    bump("connections")
    try:
        if OPTS.cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(OPTS.cert, OPTS.key)
            sock = ctx.wrap_socket(sock, server_side=True)
        c = Conn(sock)
        if OPTS.ws:
            upgrade(c)
        handshake(c, OPTS.mode == "ping-flood")
        if OPTS.mode == "ping-flood":
            ping_flood(c)
        else:
            serve(c)
    except (EOFError, OSError) as e:
        print("ws-rfb-server: connection ended: %s" % e, file=sys.stderr, flush=True)
    finally:
        try:
            sock.close()
        except OSError:
            pass


def main():
    global OPTS, W, H
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ws", action="store_true")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--mode", choices=("serve", "ping-flood"), default="serve")
    ap.add_argument("--size", default="64x48")
    ap.add_argument("--close-after", type=int)
    ap.add_argument("--rcvbuf", type=int)
    ap.add_argument("--stats")
    ap.add_argument("--ready-file")
    ap.add_argument("--max-seconds", type=int, default=300)
    OPTS = ap.parse_args()
    W, H = (int(x) for x in OPTS.size.split("x"))
    if OPTS.mode == "ping-flood" and not OPTS.ws:
        ap.error("--mode ping-flood needs --ws")
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if OPTS.rcvbuf:
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, OPTS.rcvbuf)
    srv.bind(("127.0.0.1", OPTS.port))
    srv.listen(8)
    bump("connections", 0)
    if OPTS.ready_file:
        with open(OPTS.ready_file, "w") as f:
            f.write("%d\n" % os.getpid())
    threading.Timer(OPTS.max_seconds, lambda: os._exit(0)).start()
    while True:
        sock, _ = srv.accept()
        sock.settimeout(OPTS.max_seconds)
        threading.Thread(target=handle, args=(sock,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
