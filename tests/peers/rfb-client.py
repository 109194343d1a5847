#!/usr/bin/python3
"""rfb-client.py - a small RFB (VNC) client for the tests and the benchmark.

    rfb-client.py HOST:PORT [--passwd FILE] [--ws PATH] [--cut-text N]
                  [--stream SECONDS] [--hold SECONDS]

Does the RFB 3.3/3.7/3.8 handshake (None, or VNC authentication with the
password in a vncpasswd-format FILE), ClientInit (shared) and reads
ServerInit.  --ws speaks WebSocket to HOST:PORT (websockify) on PATH first.
Then:
  --cut-text N     sends a ClientCutText of N bytes (one RFB message larger
                   than a WebSocket frame to bmcweb may be), then asks for
                   one update and reads it: prints "ok WxH cut=N"
  --stream S       asks for full, non-incremental Raw updates for S seconds,
                   keeping two requests in flight; prints JSON with bytes,
                   updates, seconds and MB/s
  --hold S         stays connected S seconds, sending ClientCutText as fast
                   as the socket takes it and reading whatever comes; prints
                   JSON with the bytes sent and received (an error if the
                   server closes first)
Without either it prints "ok WxH NAME" after ServerInit.  Exit status 0 on
success, 1 with a message on stderr otherwise.

DES comes from the openssl command-line tool (three-key DES with the key
repeated is single DES), as Python's standard library has none.
"""
import argparse
import base64
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

VNCPASSWD_KEY = bytes([0xe8, 0x4a, 0xd6, 0x60, 0xc4, 0x72, 0x1a, 0xe0])


def des(key, data, decrypt=False):
    cmd = ["openssl", "enc", "-des-ede3", "-nopad", "-nosalt", "-K", (key * 3).hex()]
    if decrypt:
        cmd.insert(2, "-d")
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout


def reverse_bits(b):
    return int("{:08b}".format(b)[::-1], 2)


class Plain:
    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()

    def recv_some(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise EOFError("connection closed")
        return data

    def send(self, data):
        self.sock.sendall(data)


class WebSocket(Plain):
    def __init__(self, sock, host, path):
        super().__init__(sock)
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n"
                      % (path, host, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                raise EOFError("no upgrade answer")
            head += chunk
        head, self.raw = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise EOFError("upgrade refused: %r" % head.split(b"\r\n")[0])
        self.raw = bytearray(self.raw)

    def recv_some(self):
        while True:
            if len(self.raw) >= 2:
                n = self.raw[1] & 0x7f
                off = 2
                if n == 126:
                    if len(self.raw) < 4:
                        n = None
                    else:
                        n = struct.unpack("!H", self.raw[2:4])[0]
                        off = 4
                elif n == 127:
                    if len(self.raw) < 10:
                        n = None
                    else:
                        n = struct.unpack("!Q", self.raw[2:10])[0]
                        off = 10
                if n is not None and len(self.raw) >= off + n:
                    op = self.raw[0] & 0x0f
                    payload = bytes(self.raw[off:off + n])
                    del self.raw[:off + n]
                    if op == 8:
                        raise EOFError("websocket closed")
                    if op in (0, 1, 2) and payload:
                        return payload
                    continue
            data = self.sock.recv(1 << 20)
            if not data:
                raise EOFError("connection closed")
            self.raw += data

    def send(self, data):
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            hdr = struct.pack("!BB", 0x82, 0x80 | n)
        elif n < 65536:
            hdr = struct.pack("!BBH", 0x82, 0x80 | 126, n)
        else:
            hdr = struct.pack("!BBQ", 0x82, 0x80 | 127, n)
        body = bytes(c ^ mask[i & 3] for i, c in enumerate(data))
        self.sock.sendall(hdr + mask + body)


class Reader:
    def __init__(self, t):
        self.t = t
        self.buf = bytearray()
        self.total = 0

    def get(self, n):
        while len(self.buf) < n:
            data = self.t.recv_some()
            self.total += len(data)
            self.buf += data
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def skip(self, n):
        while n > 0:
            if not self.buf:
                data = self.t.recv_some()
                self.total += len(data)
                self.buf += data
            k = min(n, len(self.buf))
            del self.buf[:k]
            n -= k


def handshake(r, t, passwd_file):
    ver = r.get(12)
    if not ver.startswith(b"RFB 003."):
        raise EOFError("not RFB: %r" % ver)
    minor = int(ver[8:11])
    minor = 8 if minor >= 8 else (7 if minor == 7 else 3)
    t.send(b"RFB 003.%03d\n" % minor)
    if minor >= 7:
        n = r.get(1)[0]
        if n == 0:
            ln = struct.unpack("!I", r.get(4))[0]
            raise EOFError("refused: %s" % r.get(ln).decode(errors="replace"))
        types = r.get(n)
        sec = 1 if 1 in types else 2
        t.send(bytes([sec]))
    else:
        sec = struct.unpack("!I", r.get(4))[0]
        if sec == 0:
            ln = struct.unpack("!I", r.get(4))[0]
            raise EOFError("refused: %s" % r.get(ln).decode(errors="replace"))
    if sec == 2:
        if not passwd_file:
            raise EOFError("the server wants a password")
        with open(passwd_file, "rb") as f:
            pw = des(VNCPASSWD_KEY, f.read(8), decrypt=True)
        key = bytes(reverse_bits(b) for b in pw)
        t.send(des(key, r.get(16)))
    if sec == 2 or minor == 8:
        res = struct.unpack("!I", r.get(4))[0]
        if res != 0:
            why = ""
            if minor == 8:
                ln = struct.unpack("!I", r.get(4))[0]
                why = r.get(ln).decode(errors="replace")
            raise EOFError("authentication failed: %s" % why)
    t.send(b"\x01")
    w, h = struct.unpack("!HH", r.get(4))
    pf = r.get(16)
    ln = struct.unpack("!I", r.get(4))[0]
    name = r.get(ln).decode(errors="replace")
    return w, h, pf[0] // 8, name


def read_update(r, bpp):
    """Read one server message; returns True for a FramebufferUpdate."""
    mtype = r.get(1)[0]
    if mtype == 0:
        nrect = struct.unpack("!xH", r.get(3))[0]
        for _ in range(nrect):
            x, y, w, h, enc = struct.unpack("!HHHHi", r.get(12))
            if enc != 0:
                raise EOFError("unexpected encoding %d" % enc)
            r.skip(w * h * bpp)
        return True
    if mtype == 1:
        _, n = struct.unpack("!xHH", r.get(5))
        r.skip(6 * n)
    elif mtype == 2:
        pass
    elif mtype == 3:
        n = struct.unpack("!xxxI", r.get(7))[0]
        r.skip(n)
    else:
        raise EOFError("unknown server message %d" % mtype)
    return False


def hold(sock, t, secs):
    """Push bytes at the server for secs seconds without ever blocking."""
    sock.setblocking(False)
    out = bytearray()
    sent = got = 0
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if not out:
            out += struct.pack("!BxxxI", 6, 65536) + b"x" * 65536
        r, w, _ = select.select([sock], [sock], [], 0.2)
        if r:
            try:
                data = sock.recv(1 << 20)
            except BlockingIOError:
                data = None
            if data == b"":
                raise EOFError("the server closed the connection after %.1f s"
                               % (secs - (end - time.monotonic())))
            got += len(data or b"")
        if w:
            try:
                k = sock.send(out)
            except BlockingIOError:
                k = 0
            del out[:k]
            sent += k
        elif not r:
            time.sleep(0.05)
    return {"sent": sent, "received": got, "seconds": secs}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--passwd")
    ap.add_argument("--ws")
    ap.add_argument("--cut-text", type=int)
    ap.add_argument("--stream", type=float)
    ap.add_argument("--hold", type=float)
    ap.add_argument("--timeout", type=float, default=60)
    o = ap.parse_args()
    host, port = o.target.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=o.timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        t = WebSocket(sock, o.target, o.ws) if o.ws else Plain(sock)
        r = Reader(t)
        w, h, bpp, name = handshake(r, t, o.passwd)
        t.send(struct.pack("!BxHi", 2, 1, 0))  # SetEncodings: Raw only
        req = struct.pack("!BBHHHH", 3, 0, 0, 0, w, h)
        if o.cut_text is not None:
            t.send(struct.pack("!BxxxI", 6, o.cut_text) + b"x" * o.cut_text)
            t.send(req)
            while not read_update(r, bpp):
                pass
            print("ok %dx%d cut=%d" % (w, h, o.cut_text))
        elif o.stream is not None:
            t.send(req + req)
            start = time.monotonic()
            base = r.total
            updates = 0
            while time.monotonic() - start < o.stream:
                if read_update(r, bpp):
                    updates += 1
                    t.send(req)
            secs = time.monotonic() - start
            nbytes = r.total - base
            print(json.dumps({"bytes": nbytes, "updates": updates, "seconds": round(secs, 3),
                              "mb_per_s": round(nbytes / secs / 1e6, 1), "width": w,
                              "height": h}))
        elif o.hold is not None:
            if o.ws:
                raise EOFError("--hold speaks plain RFB only")
            print(json.dumps(hold(sock, t, o.hold)))
        else:
            print("ok %dx%d %s" % (w, h, name))
    except (EOFError, OSError, subprocess.CalledProcessError) as e:
        print("rfb-client: %s" % e, file=sys.stderr)
        return 1
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
