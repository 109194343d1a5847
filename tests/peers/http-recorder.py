#!/usr/bin/python3
"""http-recorder.py - a plain-HTTP "Redfish service" on 127.0.0.1 that
records every byte it receives, for tests that check what a client sends
in clear.

It answers the service root with a Sessions link, a POST to the sessions
collection with a session (token and Location), and anything else with an
empty object, so a client that (wrongly) logs in over plain HTTP gets as
far as sending its password.  Everything received is appended to --record.
"""
import argparse
import json
import os
import signal
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, data):
        with open(self.server.record, "ab") as f:
            f.write(data)

    def reply(self, status, obj, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def head_bytes(self):
        return (self.requestline + "\r\n" + str(self.headers)).encode()

    def do_GET(self):
        self.record(self.head_bytes())
        if self.path.rstrip("/") == "/redfish/v1":
            self.reply(200, {"@odata.id": "/redfish/v1/", "RedfishVersion": "1.15.0",
                             "Links": {"Sessions": {"@odata.id": "/redfish/v1/SessionService/Sessions"}},
                             "SessionService": {"@odata.id": "/redfish/v1/SessionService"}})
        else:
            self.reply(200, {})

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(n, 65536))
        self.record(self.head_bytes() + body)
        self.reply(201, {"Id": "1"}, [("X-Auth-Token", "recorded-token"),
                                      ("Location", "/redfish/v1/SessionService/Sessions/1")])

    def do_DELETE(self):
        self.record(self.head_bytes())
        self.reply(200, {})


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--record", required=True, help="file that gets every byte received")
    ap.add_argument("--ready-file", required=True, help="written once listening")
    ap.add_argument("--max-seconds", type=int, default=300, help="then exit")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.record = a.record
    open(a.record, "ab").close()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Timer(a.max_seconds, lambda: os._exit(0)).start()
    with open(a.ready_file, "w") as f:
        f.write("%d\n" % os.getpid())
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
