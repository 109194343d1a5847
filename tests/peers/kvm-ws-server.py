#!/usr/bin/python3
"""kvm-ws-server.py - an OpenBMC-like KVM WebSocket endpoint for the tests.

    kvm-ws-server.py --port P --redfish https://127.0.0.1:R --vnc 127.0.0.1:V
                     [--cert C --key K] [--max-frame 1024] [--stats FILE]
                     [--ready-file F] [--hostile MODE] [--max-seconds S]

Like bmcweb, one HTTPS origin serves both Redfish and the console:
  * GET /kvm/0 with "Upgrade: websocket" is the console.  The upgrade must
    carry an X-Auth-Token that the Redfish test server (--redfish) accepts:
    it is checked by a GET of /redfish/v1/SessionService with that token,
    so only tokens issued by that server's SessionService pass (401
    otherwise).  Then the stream is relayed to the VNC server (--vnc).  A
    frame from the client longer than --max-frame bytes is counted and
    closes the connection (code 1009), as bmcweb does.
  * Every other request is passed through unchanged to the Redfish server,
    so a client can log in at this origin.
With --hostile MODE the console sends a malformed frame after the upgrade
instead of relaying: bad-opcode, huge-length, fragmented-ping,
bad-close-code, masked, reserved-bits.

Each connection is served by one thread, which alone reads and writes its
TLS socket (an ssl.SSLSocket read in one thread while written in another
fails at random under load).

Counters go to --stats as JSON (upgrades, token_ok, token_rejected,
client_frames, client_bytes, max_client_frame, oversize_frames,
client_close_codes, proxied).  Listens on 127.0.0.1 only; exits after
--max-seconds.
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import select
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
LOCK = threading.Lock()
STATS = {"upgrades": 0, "token_ok": 0, "token_rejected": 0, "client_frames": 0,
         "client_bytes": 0, "max_client_frame": 0, "oversize_frames": 0,
         "client_close_codes": [], "proxied": 0, "server_bytes": 0}
OPTS = None


def bump(key, n=1):
    with LOCK:
        STATS[key] += n
        write_stats()


def write_stats():
    if OPTS.stats:
        tmp = OPTS.stats + ".tmp"
        with open(tmp, "w") as f:
            json.dump(STATS, f)
        os.replace(tmp, OPTS.stats)


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return None, b""
        data += chunk
        if len(data) > 65536:
            return None, b""
    head, rest = data.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def headers_of(head):
    lines = head.split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()
    return lines[0], hdrs


def token_valid(token):
    """Ask the Redfish server whether it issued this token."""
    u = OPTS.redfish.split("://", 1)[1]
    host, port = u.rsplit(":", 1)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=10)
    try:
        conn.request("GET", "/redfish/v1/SessionService", headers={"X-Auth-Token": token})
        rsp = conn.getresponse()
        rsp.read()
        return rsp.status == 200
    except OSError:
        return False
    finally:
        conn.close()


def frame(opcode, payload, fin=True):
    b0 = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        hdr = struct.pack("!BB", b0, n)
    elif n < 65536:
        hdr = struct.pack("!BBH", b0, 126, n)
    else:
        hdr = struct.pack("!BBQ", b0, 127, n)
    return hdr + payload


def hostile_frame(mode):
    if mode == "bad-opcode":
        return bytes([0x83, 0x01, 0x00])
    if mode == "huge-length":
        return bytes([0x82, 127]) + struct.pack("!Q", 1 << 40)
    if mode == "fragmented-ping":
        return bytes([0x09, 0x00])
    if mode == "bad-close-code":
        return bytes([0x88, 0x02]) + struct.pack("!H", 1005)
    if mode == "masked":
        return bytes([0x82, 0x81, 1, 2, 3, 4, 0x55])
    if mode == "reserved-bits":
        return bytes([0xc2, 0x01, 0x00])
    raise ValueError(mode)


def relay(a, b, limit=120):
    """Both directions in one thread: an SSL socket read in one thread and
    written in another (as a thread per direction did) can lose bytes, which
    showed as a truncated Redfish login under load."""
    other = {a: b, b: a}
    end = time.time() + limit
    while time.time() < end:
        ready = [x for x in (a, b) if isinstance(x, ssl.SSLSocket) and x.pending()]
        if not ready:
            ready, _, _ = select.select([a, b], [], [], 1.0)
        for x in ready:
            try:
                data = x.recv(65536)
            except ssl.SSLWantReadError:
                continue
            except OSError:
                data = b""
            if not data:
                for y in (a, b):
                    try:
                        y.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            try:
                other[x].sendall(data)
            except OSError:
                return


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.settimeout(120)
        try:
            head, rest = read_head(sock)
        except (OSError, ssl.SSLError):
            return
        if head is None:
            return
        first, hdrs = headers_of(head)
        parts = first.split(" ")
        path = parts[1] if len(parts) > 1 else ""
        if hdrs.get("upgrade", "").lower() == "websocket":
            self.console(sock, path, hdrs, rest)
        else:
            self.proxy(sock, head, rest)

    def proxy(self, sock, head, rest):
        bump("proxied")
        u = OPTS.redfish.split("://", 1)[1]
        host, port = u.rsplit(":", 1)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        up = ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=30))
        up.sendall(head.encode("latin-1") + b"\r\n\r\n" + rest)
        relay(sock, up)
        up.close()

    def reply(self, sock, status, extra=""):
        sock.sendall(("HTTP/1.1 %s\r\n%sContent-Length: 0\r\nConnection: close\r\n\r\n"
                      % (status, extra)).encode())

    def console(self, sock, path, hdrs, rest):
        bump("upgrades")
        if path != "/kvm/0":
            self.reply(sock, "404 Not Found")
            return
        token = hdrs.get("x-auth-token", "")
        if not token or not token_valid(token):
            bump("token_rejected")
            self.reply(sock, "401 Unauthorized")
            return
        bump("token_ok")
        key = hdrs.get("sec-websocket-key", "")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        protos = [p.strip() for p in hdrs.get("sec-websocket-protocol", "").split(",")]
        proto = "Sec-WebSocket-Protocol: binary\r\n" if "binary" in protos else ""
        sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n%s\r\n"
                      % (accept, proto)).encode())
        if OPTS.hostile:
            sock.sendall(hostile_frame(OPTS.hostile))
            self.ws_loop(sock, rest, None)
            return
        h, p = OPTS.vnc.rsplit(":", 1)
        vnc = socket.create_connection((h, int(p)), timeout=30)
        try:
            self.ws_loop(sock, rest, vnc)
        finally:
            vnc.close()

    def ws_loop(self, sock, buf, vnc, limit=600):
        """Both directions of the console in this one thread: an SSL socket
        read in one thread while written in another can fail at random (a
        read that sees the writer's state reports a bogus EOF), which
        showed as the console closing (code 1000) under load."""
        buf = bytearray(buf)
        watch = [sock] if vnc is None else [sock, vnc]
        end = time.time() + limit
        while time.time() < end:
            ready = [sock] if sock.pending() else []
            if not ready:
                ready, _, _ = select.select(watch, [], [], 1.0)
            if sock in ready:
                try:
                    data = sock.recv(65536)
                except ssl.SSLWantReadError:
                    data = None
                except OSError as e:
                    print("kvm-ws-server: reading the client: %s" % e, file=sys.stderr)
                    return
                if data == b"":
                    return
                buf += data or b""
                if not self.client_frames(sock, buf, vnc):
                    return
            if vnc is not None and vnc in ready:
                try:
                    data = vnc.recv(65536)
                except OSError:
                    data = b""
                try:
                    if not data:
                        sock.sendall(frame(8, struct.pack("!H", 1000)))
                        return
                    bump("server_bytes", len(data))
                    sock.sendall(frame(2, data))
                except OSError as e:
                    print("kvm-ws-server: writing to the client: %s" % e, file=sys.stderr)
                    return

    def client_frames(self, sock, buf, vnc):
        """Handle every whole frame in buf (consumed); False once the
        connection is to end."""
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            n, off = b1 & 0x7f, 2
            if n == 126:
                if len(buf) < 4:
                    return True
                n, off = struct.unpack("!H", buf[2:4])[0], 4
            elif n == 127:
                if len(buf) < 10:
                    return True
                n, off = struct.unpack("!Q", buf[2:10])[0], 10
            masked = b1 & 0x80
            if masked and len(buf) < off + 4:
                return True
            mask = bytes(buf[off:off + 4]) if masked else b"\0\0\0\0"
            off += 4 if masked else 0
            op = b0 & 0x0f
            if off + n > len(buf) and n <= OPTS.max_frame:
                return True
            with LOCK:
                STATS["client_frames"] += 1
                STATS["max_client_frame"] = max(STATS["max_client_frame"], n)
            if n > OPTS.max_frame:
                bump("oversize_frames")
                sock.sendall(frame(8, struct.pack("!H", 1009)))
                return False
            data = bytes(c ^ mask[i & 3] for i, c in enumerate(buf[off:off + n]))
            del buf[:off + n]
            if op == 8:
                code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 0
                with LOCK:
                    STATS["client_close_codes"].append(code)
                    write_stats()
                return False
            if op == 9:
                sock.sendall(frame(10, data))
            elif op in (0, 2):
                bump("client_bytes", len(data))
                if vnc is not None:
                    vnc.sendall(data)
        return True


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def get_request(self):
        sock, addr = self.socket.accept()
        if OPTS.cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(OPTS.cert, OPTS.key)
            sock.settimeout(30)
            sock = ctx.wrap_socket(sock, server_side=True)
        return sock, addr

    def handle_error(self, request, client_address):
        pass


def main():
    global OPTS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--redfish", required=True)
    ap.add_argument("--vnc", default="127.0.0.1:5900")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--max-frame", type=int, default=1024)
    ap.add_argument("--stats")
    ap.add_argument("--ready-file")
    ap.add_argument("--hostile")
    ap.add_argument("--max-seconds", type=int, default=900)
    OPTS = ap.parse_args()
    srv = Server(("127.0.0.1", OPTS.port), Handler)
    write_stats()
    if OPTS.ready_file:
        with open(OPTS.ready_file, "w") as f:
            f.write("%d\n" % os.getpid())
    threading.Timer(OPTS.max_seconds, lambda: os._exit(0)).start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
