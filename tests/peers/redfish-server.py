#!/usr/bin/python3
"""redfish-server.py - bmctop's Redfish test peer.

An HTTPS server (Python standard library only) that serves one DMTF "tall"
mockup tree (PATH/index.json) from tests/data/redfish/<set>/ and enforces
Redfish session authentication over those real vendor payloads.  It binds
127.0.0.1 only.  Started by tests/lib/redfish.sh; see --help for options.

Behaviour:
  * GET /redfish, /redfish/v1 (ServiceRoot), /redfish/v1/odata and
    /redfish/v1/$metadata need no authentication; GET /__stats neither (the
    test peer's counters, as JSON; also written to --stats).
  * Everything else needs a live X-Auth-Token (401 and a Redfish error body
    otherwise).  HTTP Basic is accepted only with --basic.
  * POST <Sessions collection> {"UserName","Password"} -> 201, X-Auth-Token,
    Location of the new session; DELETE of that session -> 204 and the token
    dies.  More than --max-sessions live sessions -> 503 (SessionLimitExceeded,
    "maximum sessions").  A session idle for --token-ttl seconds dies (401);
    with --token-absolute, --token-ttl seconds after login however used.
    The SessionService's SessionTimeout shows --token-ttl.
  * POST <system reset target> {"ResetType"}: honours the set's allowable
    values (the action's ResetType@Redfish.AllowableValues, else its
    @Redfish.ActionInfo if the set has it, else every Redfish ResetType);
    anything else -> 400 naming the allowed values.  PowerState changes in
    memory (the order of the ResetTypes in stats reset_sequence, the
    last 64); with --off-after-reads N, a system told ForceOff or
    GracefulShutdown reads PoweringOff for N GETs of it before Off.  PATCH of
    the system's Boot override is validated and kept in
    memory.
  * $expand=. / * / ~ with ($levels=N) expands the Members of collections, only
    when the ServiceRoot's ProtocolFeaturesSupported.ExpandQuery allows that
    form (NoLinks / ExpandAll / Links, Levels, MaxLevels); otherwise the query
    is ignored, as real services do.  --ignore-expand ignores it always while
    the root still advertises it (a service that silently does not expand).
  * --page-size N serves collections N members at a time, with
    Members@odata.nextLink (?$skip=) to the next page.
  * --no-sessions: the root names no SessionService and no Sessions, logins
    are 404, and HTTP Basic is the way in (a service without sessions).
  * --sessions-missing [CODE]: the root still names SessionService and
    Links.Sessions, but neither is there: a login POST is answered CODE
    (404 by default; 405, 501 as other firmware does) and counted in
    login_attempts, and HTTP Basic is the way in (as the iDRAC9 R6515 and
    Supermicro SYS-510T partial sets are when nothing is synthesized).
    Refused Basic credentials count in basic_failures.
  * --hide PATH: PATH and everything under it are 404, and links to it are
    left out of the resources that name them (e.g. a chassis without a
    Sensors collection).
  * --boot-targets A,B: every system allows only these boot override targets
    (BootSourceOverrideTarget@Redfish.AllowableValues).
  * A system's @odata.etag (as the set has it; --etag header moves it to an
    ETag response header, --etag both sends both) is checked against a
    PATCH's If-Match (412 PreconditionFailed when it differs; every If-Match
    received, or null, in stats if_match) and changes with each PATCH.
  * --log-links: a log's Entries collection lists its members as links only
    ({"@odata.id"}), never expanded: the client must fetch each entry.
  * --reset-types A,B: every system's Reset action allows only these
    ResetTypes (inline AllowableValues, its ActionInfo link dropped).
  * Stats count requests being answered at once (max_in_flight).
  * --extra-ports K: K more listeners on ports the kernel picks, each its own
    BMC (own sessions) over the same tree; the ready file's second line lists
    them (for benchmarks).
  * A path not in the set (e.g. a collection member left out of the mockup)
    -> 404 with a Redfish error (ResourceMissingAtURI).
  * A set without a ServiceRoot, SessionService or top-level collection gets a
    small synthesized one (marked Oem.BmctopTestPeer.Synthesized); stats list
    what was synthesized.
  * Hostile modes, for tests of how a client treats a service that is
    broken or out to hurt it:
      --login-status CODE   every login is answered CODE (no session is made),
                            with Retry-After: --retry-after S when S >= 0
                            (e.g. 400 for a wrong password, 404 for no
                            sessions, 429/503 for busy).
      --get-401             logins succeed, but every authenticated GET is 401
                            while the session stays alive (DELETE still works):
                            a session that stops working.
      --wide-json PATH=N    GET PATH answers about N bytes of [{},{},...]:
                            millions of JSON values in a small body.
      --deep-json PATH=N    GET PATH answers [[[...]]] nested N deep.
      --stall-after-login S the first authenticated GET after each login is
                            answered S seconds late (faults.stall counts them
                            as they start): the client sits just after its
                            login, for a look at its memory.
      --slow-login S        the session is made at once, but the login is
                            answered S seconds late (faults.slow_login counts
                            them as they start): a client that ends meanwhile
                            must still delete it.
    Stats count every login attempt (login_attempts) and every session made,
    deleted, and the most alive at once (sessions_max_live).
  * The password comes from a 0600 --password-file, never from argv, and is
    never logged.  SIGTERM writes --stats and exits; SIGHUP reloads the
    certificate and key (tests change the server key this way).
"""

import argparse
import base64
import copy
import hmac
import json
import os
import re
import secrets
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = "/redfish/v1"
ALL_RESET_TYPES = ["On", "ForceOff", "GracefulShutdown", "GracefulRestart",
                   "ForceRestart", "Nmi", "ForceOn", "PushPowerButton",
                   "PowerCycle", "Suspend", "Pause", "Resume", "FullPowerCycle"]
BOOT_KEYS = ("BootSourceOverrideTarget", "BootSourceOverrideEnabled",
             "BootSourceOverrideMode", "UefiTargetBootSourceOverride")
MAX_BODY = 65536
SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9._~:@!$&'()*+,;=%-]+$")


def norm(path):
    """Normalized request path: no query, no trailing slash, %-decoded."""
    path = urllib.parse.urlsplit(path).path
    path = urllib.parse.unquote(path)
    path = re.sub(r"/+", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    return path or "/"


def odata_id(obj):
    if isinstance(obj, dict) and isinstance(obj.get("@odata.id"), str):
        return norm(obj["@odata.id"])
    return None


def error_body(message_id, message, args=(), severity="Critical", resolution="None."):
    return {"error": {
        "code": "Base.1.8.GeneralError",
        "message": "A general error has occurred. See ExtendedInfo for more information.",
        "@Message.ExtendedInfo": [{
            "@odata.type": "#Message.v1_1_1.Message",
            "MessageId": "Base.1.8." + message_id,
            "Message": message,
            "MessageArgs": [str(a) for a in args],
            "MessageSeverity": severity,
            "Severity": severity,
            "Resolution": resolution,
        }]}}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {
            "requests": {}, "methods": {}, "status": {},
            "sessions_created": 0, "sessions_deleted": 0, "sessions_expired": 0,
            "sessions_live": 0, "sessions_max_live": 0, "login_failures": 0, "login_attempts": 0,
            "session_limit_rejections": 0, "unauthorized": 0, "basic_auth": 0, "basic_failures": 0,
            "resets": 0, "reset_types": {}, "reset_sequence": [], "resets_rejected": 0,
            "patches": 0, "patches_rejected": 0, "if_match": [], "etag_changes": 0, "expands": 0, "expands_ignored": 0, "pages": 0,
            "in_flight": 0, "max_in_flight": 0,
            "not_found": 0, "tls_handshake_failures": 0, "rekeys": 0,
            "faults": {"delay": 0, "slow": 0, "break": 0, "bad_json": 0,
                       "huge": 0, "redirect": 0, "expand_loop": 0, "get_401": 0,
                       "wide_json": 0, "deep_json": 0, "stall": 0},
        }

    def inc(self, key, sub=None, n=1):
        with self.lock:
            if sub is None:
                self.c[key] += n
            else:
                d = self.c[key]
                d[sub] = d.get(sub, 0) + n

    def append(self, key, value, keep=64):
        with self.lock:
            self.c[key] = (self.c[key] + [value])[-keep:]

    def set(self, key, value):
        with self.lock:
            self.c[key] = value

    def snapshot(self, extra):
        with self.lock:
            d = copy.deepcopy(self.c)
        d.update(extra)
        return d


class Session:
    def __init__(self, sid, user, token):
        self.id = sid
        self.user = user
        self.token = token
        self.created = time.monotonic()
        self.last_used = self.created


class Mockup:
    """The resource tree: files on disk plus in-memory state."""

    def __init__(self, top, stats):
        self.top = os.path.realpath(top)
        self.stats = stats
        self.lock = threading.RLock()
        self.cache = {}          # path -> (raw bytes, parsed) from disk
        self.modified = {}       # path -> dict changed in memory
        self.synth = {}          # path -> dict synthesized
        if not os.path.isdir(os.path.join(self.top, "redfish", "v1")):
            raise SystemExit("redfish-server: %s has no redfish/v1 tree" % top)
        self._synthesize()
        root = self.get(ROOT)[1]
        self.root = root
        links = root.get("Links") if isinstance(root.get("Links"), dict) else {}
        self.sessions_path = odata_id(links.get("Sessions")) or ROOT + "/SessionService/Sessions"
        self.session_service = odata_id(root.get("SessionService")) or ROOT + "/SessionService"
        pfs = root.get("ProtocolFeaturesSupported")
        eq = pfs.get("ExpandQuery") if isinstance(pfs, dict) else None
        self.expand = eq if isinstance(eq, dict) else {}
        self.systems = self._find_systems()

    # -- files ---------------------------------------------------------------
    def _file(self, path):
        if not (path == "/redfish" or path == ROOT or path.startswith(ROOT + "/")):
            return None
        parts = path.strip("/").split("/")
        for p in parts:
            if p in (".", "..") or not SAFE_SEGMENT.match(p):
                return None
        f = os.path.realpath(os.path.join(self.top, *parts, "index.json"))
        if not f.startswith(self.top + os.sep):
            return None
        return f

    def exists(self, path):
        if path in self.synth or path in self.modified:
            return True
        f = self._file(path)
        return f is not None and os.path.isfile(f)

    def get(self, path):
        """(raw bytes or None, dict) for path, or None if absent."""
        with self.lock:
            if path in self.modified:
                return None, self.modified[path]
            if path in self.synth:
                return None, self.synth[path]
            if path in self.cache:
                return self.cache[path]
        f = self._file(path)
        if f is None or not os.path.isfile(f):
            return None
        with open(f, "rb") as fh:
            raw = fh.read()
        try:
            parsed = json.loads(raw.decode("utf-8-sig"))
        except ValueError:
            parsed = None
        with self.lock:
            self.cache[path] = (raw, parsed)
        return raw, parsed

    def mutable(self, path):
        """A dict for path that may be changed (copy on first write)."""
        with self.lock:
            if path not in self.modified:
                got = self.get(path)
                self.modified[path] = copy.deepcopy(got[1]) if got else {}
            return self.modified[path]

    # -- synthesis for partial sets --------------------------------------------
    def _subdirs(self, rel):
        d = os.path.join(self.top, *rel.strip("/").split("/"))
        if not os.path.isdir(d):
            return []
        return sorted(e for e in os.listdir(d) if os.path.isdir(os.path.join(d, e)))

    def _synthesize(self):
        mark = {"BmctopTestPeer": {"Synthesized": True}}
        colls = {"Systems": "#ComputerSystemCollection.ComputerSystemCollection",
                 "Chassis": "#ChassisCollection.ChassisCollection",
                 "Managers": "#ManagerCollection.ManagerCollection"}
        for name, otype in colls.items():
            path = ROOT + "/" + name
            members = self._subdirs(path)
            if members and not self.exists(path):
                self.synth[path] = {
                    "@odata.id": path, "@odata.type": otype, "Name": name + " Collection",
                    "Members": [{"@odata.id": path + "/" + m} for m in members],
                    "Members@odata.count": len(members), "Oem": mark}
        if not self.exists(ROOT):
            root = {"@odata.id": ROOT, "@odata.type": "#ServiceRoot.v1_5_0.ServiceRoot",
                    "Id": "RootService", "Name": "Root Service (synthesized by the test peer)",
                    "RedfishVersion": "1.6.0", "Oem": mark,
                    "Links": {"Sessions": {"@odata.id": ROOT + "/SessionService/Sessions"}},
                    "SessionService": {"@odata.id": ROOT + "/SessionService"}}
            for name in colls:
                if self.exists(ROOT + "/" + name):
                    root[name] = {"@odata.id": ROOT + "/" + name}
            self.synth[ROOT] = root
        root = self.get(ROOT)[1] or {}
        links = root.get("Links") if isinstance(root.get("Links"), dict) else {}
        sessions = odata_id(links.get("Sessions")) or ROOT + "/SessionService/Sessions"
        service = odata_id(root.get("SessionService")) or ROOT + "/SessionService"
        if not self.exists(service):
            self.synth[service] = {
                "@odata.id": service, "@odata.type": "#SessionService.v1_1_8.SessionService",
                "Id": "SessionService", "Name": "Session Service", "ServiceEnabled": True,
                "SessionTimeout": 1800, "Sessions": {"@odata.id": sessions}, "Oem": mark}
        if not self.exists(sessions):
            self.synth[sessions] = {
                "@odata.id": sessions, "@odata.type": "#SessionCollection.SessionCollection",
                "Name": "Session Collection", "Members": [], "Members@odata.count": 0,
                "Oem": mark}

    # -- systems and their reset actions ---------------------------------------
    def _find_systems(self):
        """{reset target path: system path} for every system in the set."""
        found = {}
        coll = self.get(ROOT + "/Systems")
        paths = []
        if coll and isinstance(coll[1], dict):
            paths = [odata_id(m) for m in coll[1].get("Members", []) if odata_id(m)]
        paths += [ROOT + "/Systems/" + d for d in self._subdirs(ROOT + "/Systems")]
        for p in paths:
            got = self.get(p)
            if not got or not isinstance(got[1], dict):
                continue
            act = (got[1].get("Actions") or {}).get("#ComputerSystem.Reset") or {}
            target = norm(act["target"]) if isinstance(act.get("target"), str) \
                else p + "/Actions/ComputerSystem.Reset"
            found[target] = p
        return found

    def allowed_resets(self, system):
        """(list of allowed ResetType values, where the list came from)."""
        d = self.get(system)[1]
        act = (d.get("Actions") or {}).get("#ComputerSystem.Reset") or {}
        if isinstance(act.get("ResetType@Redfish.AllowableValues"), list):
            return act["ResetType@Redfish.AllowableValues"], "AllowableValues"
        info = act.get("@Redfish.ActionInfo")
        if isinstance(info, str):
            got = self.get(norm(info))
            if got and isinstance(got[1], dict):
                for p in got[1].get("Parameters", []):
                    if p.get("Name") == "ResetType" and isinstance(p.get("AllowableValues"), list):
                        return p["AllowableValues"], "ActionInfo"
        return list(ALL_RESET_TYPES), "default"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, opts, mockup, stats, password):
        self.opts = opts
        self.mockup = mockup
        self.stats = stats
        self.password = password
        self.sessions = {}            # token -> Session
        self.sessions_lock = threading.Lock()
        self.next_session = 1
        self.stall_next = False       # --stall-after-login: the next GET waits
        self.powering_off = {}        # --off-after-reads: system path -> GETs left
        self.ctx = self.make_context()
        super().__init__(("127.0.0.1", opts.port), Handler)

    def make_context(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(self.opts.cert, self.opts.key)
        return ctx

    def rekey(self):
        try:
            self.ctx = self.make_context()
            self.stats.inc("rekeys")
            log("reloaded certificate %s" % self.opts.cert)
        except (OSError, ssl.SSLError) as e:
            log("rekey failed: %s" % e)

    def finish_request(self, request, client_address):
        # The TLS handshake happens here, in the request's own thread, so a
        # client that never finishes it cannot stall the accept loop.
        request.settimeout(30)
        try:
            tls = self.ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            self.stats.inc("tls_handshake_failures")
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        log("error serving %s: %s" % (client_address, sys.exc_info()[1]))

    # -- sessions ------------------------------------------------------------------
    def expire_sessions(self):
        ttl = self.opts.token_ttl
        now = time.monotonic()
        with self.sessions_lock:
            for tok, s in list(self.sessions.items()):
                since = s.created if self.opts.token_absolute else s.last_used
                if now - since > ttl:
                    del self.sessions[tok]
                    self.stats.inc("sessions_expired")
            self.stats.set("sessions_live", len(self.sessions))

    def session_by_token(self, token):
        self.expire_sessions()
        with self.sessions_lock:
            for tok, s in self.sessions.items():
                if hmac.compare_digest(tok.encode(), token.encode()):
                    s.last_used = time.monotonic()
                    return s
        return None

    def stats_json(self):
        self.expire_sessions()
        with self.sessions_lock:
            live = sorted(s.id for s in self.sessions.values())
        m = self.mockup
        power, boot = {}, {}
        for sysp in set(m.systems.values()):
            d = m.get(sysp)[1]
            power[sysp] = d.get("PowerState")
            b = d.get("Boot") if isinstance(d.get("Boot"), dict) else {}
            boot[sysp] = {k: b.get(k) for k in BOOT_KEYS if k in b}
        return self.stats.snapshot({
            "set": os.path.basename(m.top), "port": self.server_address[1], "pid": os.getpid(),
            "power_state": power, "boot": boot, "synthesized": sorted(m.synth),
            "sessions_path": m.sessions_path, "token_ttl": self.opts.token_ttl,
            "token_absolute": self.opts.token_absolute,
            "max_sessions": self.opts.max_sessions,
            "live_sessions": live,
        })

    def write_stats(self):
        if not self.opts.stats:
            return
        data = json.dumps(self.stats_json(), indent=1, sort_keys=True).encode() + b"\n"
        tmp = "%s.%d.tmp" % (self.opts.stats, threading.get_ident())
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, self.opts.stats)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bmctop-redfish-peer/1"
    sys_version = ""
    timeout = 30

    def log_message(self, fmt, *args):
        if not self.server.opts.quiet:
            # The request line and status only: never headers or bodies.
            log("%s %s" % (self.address_string(), fmt % args))

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    # -- plumbing --------------------------------------------------------------------
    def handle_one_request(self):
        # Requests being answered at once (from parsing to the last byte), so
        # tests can check how many a client keeps open.
        self.counted = False
        try:
            super().handle_one_request()
        finally:
            if self.counted:
                self.server.stats.inc("in_flight", n=-1)

    def setup_request(self):
        self.path_n = norm(self.path)
        st0 = self.server.stats
        if self.path_n != "/__stats":
            self.counted = True
            with st0.lock:
                st0.c["in_flight"] += 1
                st0.c["max_in_flight"] = max(st0.c["max_in_flight"], st0.c["in_flight"])
        q = urllib.parse.urlsplit(self.path).query
        self.query = urllib.parse.parse_qs(q, keep_blank_values=True)
        st = self.server.stats
        st.inc("requests", self.path_n)
        st.inc("methods", self.command)
        # Read any body now, so a request refused early (401, 404) leaves
        # nothing behind on a kept-alive connection.
        self.body = self.read_body() if self.command in ("POST", "PATCH", "PUT", "DELETE") else b""
        opts = self.server.opts
        if opts.delay_ms and self.path_n != "/__stats":
            st.inc("faults", "delay")
            time.sleep(opts.delay_ms / 1000.0)

    def read_body(self):
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = -1
        if n < 0 or n > MAX_BODY:
            self.close_connection = True
            return None
        return self.rfile.read(n) if n else b""

    def json_body(self):
        raw = self.body
        if raw is None:
            self.send_error_json(413, "PayloadTooLarge", "The request body is too large.")
            return None
        try:
            d = json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            d = None
        if not isinstance(d, dict):
            self.send_error_json(400, "MalformedJSON",
                                 "The request body submitted was malformed JSON and could not be parsed by the receiving service.")
            return None
        return d

    def faulted(self, name):
        return self.path_n in getattr(self.server.opts, name)

    def send_body(self, status, body, headers=(), ctype="application/json; charset=utf-8"):
        """Send status, headers and body, applying the fault options."""
        st = self.server.stats
        opts = self.server.opts
        st.inc("status", str(status))
        if status == 401:
            st.inc("unauthorized")
        if status == 404:
            st.inc("not_found")
        if isinstance(body, (dict, list)):
            body = json.dumps(body, indent=1).encode()
        if self.command == "HEAD":
            body_out = b""
        else:
            body_out = body
        if body_out and status == 200 and self.faulted("bad_json"):
            st.inc("faults", "bad_json")
            # Truncated mid-object, then garbage: not JSON by any parser.
            body_out = body_out[:max(1, len(body_out) // 2)] + b'\x00,,"}{]'
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("OData-Version", "4.0")
        self.send_header("Cache-Control", "no-cache")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if self.command == "HEAD" else len(body_out)))
        self.end_headers()
        if not body_out:
            return
        if self.faulted("break") and self.path_n != "/__stats":
            st.inc("faults", "break")
            self.wfile.write(body_out[:max(1, len(body_out) // 3)])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if self.path_n != "/__stats" and ("*" in opts.slow_body or self.faulted("slow_body")):
            st.inc("faults", "slow")
            rate = max(1, opts.slow_rate)
            end = time.monotonic() + opts.slow_max_seconds
            for i in range(0, len(body_out), rate):
                self.wfile.write(body_out[i:i + rate])
                self.wfile.flush()
                if time.monotonic() > end:
                    self.close_connection = True
                    return
                time.sleep(1.0)
            return
        self.wfile.write(body_out)

    def send_error_json(self, status, msg_id, message, args=(), headers=()):
        self.send_body(status, error_body(msg_id, message, args), headers)

    def send_no_content(self, status=204, headers=()):
        self.server.stats.inc("status", str(status))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("OData-Version", "4.0")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def unauthorized(self, why):
        hdrs = []
        if self.server.opts.basic or self.server.opts.no_sessions:
            hdrs.append(("WWW-Authenticate", 'Basic realm="Redfish"'))
        self.send_error_json(401, "NoValidSession",
                             "There is no valid session established with the implementation. (%s)" % why,
                             headers=hdrs)

    def authenticate(self):
        """The Session (or "basic") for this request, or None (401 sent)."""
        tok = self.headers.get("X-Auth-Token")
        if tok and self.server.opts.no_sessions:
            self.unauthorized("this service has no sessions")
            return None
        if tok:
            s = self.server.session_by_token(tok.strip())
            if s:
                return s
            self.unauthorized("unknown or expired X-Auth-Token")
            return None
        auth = self.headers.get("Authorization") or ""
        if auth.lower().startswith("basic "):
            if not (self.server.opts.basic or self.server.opts.no_sessions):
                self.unauthorized("Basic authentication is disabled")
                return None
            try:
                user, _, pw = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                user, pw = "", None
            if pw is not None and self.check_credentials(user, pw):
                self.server.stats.inc("basic_auth")
                return "basic"
            self.server.stats.inc("basic_failures")
            self.unauthorized("wrong user name or password")
            return None
        self.unauthorized("no credentials")
        return None

    def check_credentials(self, user, pw):
        ok_user = hmac.compare_digest(str(user).encode(), self.server.opts.user.encode())
        ok_pw = hmac.compare_digest(str(pw).encode(), self.server.password.encode())
        return ok_user and ok_pw

    # -- methods -----------------------------------------------------------------------
    def do_GET(self):
        self.setup_request()
        p = self.path_n
        if p == "/__stats":
            self.server.write_stats()
            return self.send_body(200, self.server.stats_json())
        if p == "/redfish":
            return self.send_resource(p, {"v1": "/redfish/v1/"})
        if p in (ROOT, ROOT + "/odata", ROOT + "/$metadata"):
            return self.send_resource(p)
        if not self.authenticate():
            return None
        if self.server.opts.get_401:
            self.server.stats.inc("faults", "get_401")
            return self.unauthorized("this session is refused (test peer --get-401)")
        with self.server.sessions_lock:
            stall, self.server.stall_next = self.server.stall_next, False
        if stall:
            self.server.stats.inc("faults", "stall")
            time.sleep(self.server.opts.stall_after_login)
        return self.send_resource(p)

    do_HEAD = do_GET

    def send_resource(self, p, fallback=None):
        opts = self.server.opts
        st = self.server.stats
        m = self.server.mockup
        if p in opts.redirect:
            st.inc("faults", "redirect")
            return self.send_body(302, {"Redirect": opts.redirect[p]},
                                  [("Location", opts.redirect[p])])
        if self.faulted("huge") and self.command == "GET":
            return self.send_huge(p)
        if p in opts.wide_json and self.command == "GET":
            st.inc("faults", "wide_json")
            n = max(1, opts.wide_json[p] // 3)
            return self.send_body(200, b"[" + b",".join([b"{}"] * n) + b"]")
        if p in opts.deep_json and self.command == "GET":
            st.inc("faults", "deep_json")
            n = opts.deep_json[p]
            return self.send_body(200, b"[" * n + b"]" * n)
        if self.hidden(p) or (opts.no_sessions and (
                p == m.sessions_path or p.startswith(m.sessions_path + "/") or p == m.session_service)):
            return self.send_error_json(404, "ResourceMissingAtURI",
                                        "The resource at the URI '%s' was not found." % p, [p])
        if p == m.sessions_path:
            return self.send_body(200, self.sessions_collection())
        sess = self.session_resource(p)
        if sess is not None:
            return self.send_body(200, sess)
        self.power_off_settles(p)
        got = m.get(p)
        if got is None:
            if p == ROOT + "/odata":
                return self.send_body(200, self.odata_document())
            if fallback is not None:
                return self.send_body(200, fallback)
            return self.send_error_json(404, "ResourceMissingAtURI",
                                        "The resource at the URI '%s' was not found." % p, [p])
        raw, d = got
        if p == m.session_service and isinstance(d, dict):
            d = dict(d)
            d["SessionTimeout"] = self.server.opts.token_ttl
            raw = None
        if p == ROOT and opts.no_sessions and not opts.sessions_missing and isinstance(d, dict):
            d = copy.deepcopy(d)
            d.pop("SessionService", None)
            if isinstance(d.get("Links"), dict):
                d["Links"].pop("Sessions", None)
            raw = None
        if opts.hide and isinstance(d, dict):
            d = {k: v for k, v in d.items() if not (isinstance(v, dict) and self.hidden(odata_id(v) or ""))}
            raw = None
        if opts.log_links and p.endswith("/Entries") and isinstance(d, dict) \
                and isinstance(d.get("Members"), list):
            d = dict(d)
            d["Members"] = [{"@odata.id": odata_id(x)} for x in d["Members"] if odata_id(x)]
            return self.send_body(200, d)
        if isinstance(d, dict) and isinstance(d.get("Members"), list):
            expanded = self.expand(p, d)
            if expanded is not None:
                d, raw = expanded, None
            paged = self.paginate(p, d)
            if paged is not None:
                return self.send_body(200, paged)
            if expanded is not None:
                return self.send_body(200, expanded)
        etag_hdrs = []
        if opts.etag != "body" and p in m.systems.values() and isinstance(d, dict) \
                and isinstance(d.get("@odata.etag"), str):
            etag_hdrs = [("ETag", d["@odata.etag"])]
            if opts.etag == "header":
                d = {k: v for k, v in d.items() if k != "@odata.etag"}
                raw = None
        if raw is not None:
            ctype = "application/xml" if p.endswith("$metadata") else "application/json; charset=utf-8"
            return self.send_body(200, raw, etag_hdrs, ctype=ctype)
        return self.send_body(200, d, etag_hdrs)

    def power_off_settles(self, p):
        """--off-after-reads: a system powering off reads Off after N GETs."""
        srv = self.server
        with srv.mockup.lock:
            left = srv.powering_off.get(p)
            if left is None:
                return
            if left > 1:
                srv.powering_off[p] = left - 1
                return
            del srv.powering_off[p]
            srv.mockup.mutable(p)["PowerState"] = "Off"

    def hidden(self, p):
        return any(p == h or p.startswith(h + "/") for h in self.server.opts.hide)

    def paginate(self, p, d):
        """d with one page of Members and a nextLink, or None (no paging)."""
        size = self.server.opts.page_size
        members = d.get("Members")
        if size <= 0 or p == self.server.mockup.sessions_path or len(members) <= size:
            return None
        try:
            skip = max(0, int((self.query.get("$skip") or ["0"])[0]))
        except ValueError:
            skip = 0
        out = dict(d)
        out["Members"] = members[skip:skip + size]
        out["Members@odata.count"] = len(members)
        out.pop("Members@odata.nextLink", None)
        if skip + size < len(members):
            out["Members@odata.nextLink"] = "%s?$skip=%d" % (p, skip + size)
        self.server.stats.inc("pages")
        return out

    def odata_document(self):
        root = self.server.mockup.root
        value = [{"name": k, "kind": "Singleton", "url": v["@odata.id"]}
                 for k, v in sorted(root.items())
                 if isinstance(v, dict) and isinstance(v.get("@odata.id"), str)]
        return {"@odata.context": "/redfish/v1/$metadata", "value": value}

    def parse_expand(self):
        """Levels to expand Members to, or 0 (absent, malformed, unsupported)."""
        vals = self.query.get("$expand")
        if not vals:
            return 0
        if self.server.opts.ignore_expand:
            self.server.stats.inc("expands_ignored")
            return 0
        mt = re.match(r"^([.*~])(?:\(\$levels=(\d+)\))?$", vals[0])
        eq = self.server.mockup.expand
        need = {".": "NoLinks", "*": "ExpandAll", "~": "Links"}
        if not mt or eq.get(need[mt.group(1)]) is not True:
            self.server.stats.inc("expands_ignored")
            return 0
        levels = 1
        if mt.group(2) is not None:
            if eq.get("Levels") is not True:
                self.server.stats.inc("expands_ignored")
                return 0
            levels = int(mt.group(2))
        maxl = eq.get("MaxLevels") if isinstance(eq.get("MaxLevels"), int) else 1
        return max(0, min(levels, maxl, 6))

    def expand(self, p, d):
        levels = self.parse_expand()
        if levels <= 0:
            return None
        self.server.stats.inc("expands")
        loop = self.server.opts.expand_loop
        if loop:
            self.server.stats.inc("faults", "expand_loop")
        return self.expand_members(p, d, levels, loop)

    def expand_members(self, p, d, levels, loop):
        m = self.server.mockup
        out = dict(d)
        members = []
        refs = [odata_id(x) for x in d.get("Members", [])]
        for i, x in enumerate(d.get("Members", [])):
            mp = odata_id(x)
            got = m.get(mp) if mp else None
            if not got or not isinstance(got[1], dict):
                members.append(x)      # absent from the set: left as a link
                continue
            md = got[1]
            if levels > 1 and isinstance(md.get("Members"), list):
                md = self.expand_members(mp, md, levels - 1, False)
            if loop:
                md = dict(md)
                other = refs[(i + 1) % len(refs)]
                md["Members"] = [{"@odata.id": p}, {"@odata.id": other}]
                md["Members@odata.count"] = 2
            members.append(md)
        out["Members"] = members
        return out

    def send_huge(self, p):
        st = self.server.stats
        st.inc("faults", "huge")
        st.inc("status", "200")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("OData-Version", "4.0")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True

        def chunk(b):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(b), b))

        chunk(b'{"@odata.id": "%s", "Padding": "' % p.encode())
        block = b"x" * 65536
        sent = 0
        end = time.monotonic() + self.server.opts.huge_max_seconds
        while sent < self.server.opts.huge_bytes and time.monotonic() < end:
            chunk(block)
            sent += len(block)
        chunk(b'"}')
        self.wfile.write(b"0\r\n\r\n")

    def sessions_collection(self):
        m = self.server.mockup
        got = m.get(m.sessions_path)
        d = dict(got[1]) if got and isinstance(got[1], dict) else {}
        self.server.expire_sessions()
        with self.server.sessions_lock:
            ids = sorted(s.id for s in self.server.sessions.values())
        d["Members"] = [{"@odata.id": m.sessions_path + "/" + i} for i in ids]
        d["Members@odata.count"] = len(ids)
        return d

    def session_resource(self, p):
        m = self.server.mockup
        if not p.startswith(m.sessions_path + "/"):
            return None
        sid = p[len(m.sessions_path) + 1:]
        with self.server.sessions_lock:
            for s in self.server.sessions.values():
                if s.id == sid:
                    return {"@odata.id": p, "@odata.type": "#Session.v1_3_0.Session",
                            "Id": s.id, "Name": "User Session", "UserName": s.user,
                            "SessionType": "Redfish"}
        return None

    def do_POST(self):
        self.setup_request()
        p = self.path_n
        m = self.server.mockup
        srv = self.server
        if p == m.sessions_path and srv.opts.sessions_missing:
            srv.stats.inc("login_attempts")
            return self.send_error_json(srv.opts.sessions_missing, "ResourceMissingAtURI",
                                        "The resource at the URI '%s' was not found." % p, [p])
        if p == m.sessions_path and not srv.opts.no_sessions:
            return self.login()
        if not self.authenticate():
            return None
        if p in srv.opts.redirect:
            return self.send_resource(p)
        if p in m.systems:
            return self.reset(m.systems[p])
        if m.exists(p):
            return self.send_error_json(405, "OperationNotAllowed",
                                        "The %s method is not allowed on %s." % (self.command, p), [p])
        return self.send_error_json(404, "ResourceMissingAtURI",
                                    "The resource at the URI '%s' was not found." % p, [p])

    def login(self):
        srv = self.server
        st = srv.stats
        st.inc("login_attempts")
        code = srv.opts.login_status
        if code:
            hdrs = [("Retry-After", str(srv.opts.retry_after))] if srv.opts.retry_after >= 0 else []
            if code in (401, 403):
                st.inc("login_failures")
            return self.send_error_json(code, "GeneralError",
                                        "The login is refused (test peer --login-status %d)." % code,
                                        headers=hdrs)
        d = self.json_body()
        if d is None:
            return None
        if not isinstance(d.get("UserName"), str) or not isinstance(d.get("Password"), str):
            missing = "UserName" if not isinstance(d.get("UserName"), str) else "Password"
            return self.send_error_json(400, "PropertyMissing",
                                        "The property %s is a required property and must be included in the request." % missing,
                                        [missing])
        if not self.check_credentials(d["UserName"], d["Password"]):
            st.inc("login_failures")
            return self.unauthorized("wrong user name or password")
        srv.expire_sessions()
        with srv.sessions_lock:
            if len(srv.sessions) >= srv.opts.max_sessions:
                st.inc("session_limit_rejections")
                full = True
            else:
                full = False
                sid = "%d%s" % (srv.next_session, secrets.token_hex(6))
                srv.next_session += 1
                token = secrets.token_hex(16)
                srv.sessions[token] = Session(sid, d["UserName"], token)
                st.set("sessions_live", len(srv.sessions))
                with st.lock:
                    st.c["sessions_max_live"] = max(st.c["sessions_max_live"], len(srv.sessions))
        if full:
            return self.send_error_json(
                503, "SessionLimitExceeded",
                "The session establishment failed due to the number of simultaneous sessions "
                "exceeding the limit of the implementation: maximum sessions (%d) reached."
                % srv.opts.max_sessions)
        st.inc("sessions_created")
        if srv.opts.slow_login > 0:
            st.inc("faults", "slow_login")
            time.sleep(srv.opts.slow_login)
        if srv.opts.stall_after_login > 0:
            with srv.sessions_lock:
                srv.stall_next = True
        loc = srv.mockup.sessions_path + "/" + sid
        body = self.session_resource(loc)
        self.send_body(201, body, [("X-Auth-Token", token), ("Location", loc)])
        return None

    def reset(self, system):
        st = self.server.stats
        m = self.server.mockup
        d = self.json_body()
        if d is None:
            return None
        rt = d.get("ResetType")
        allowed, _src = m.allowed_resets(system)
        if not isinstance(rt, str):
            st.inc("resets_rejected")
            return self.send_error_json(400, "ActionParameterMissing",
                                        "The action ComputerSystem.Reset requires the parameter ResetType to be present "
                                        "in the request body. Allowed values: %s." % ", ".join(allowed),
                                        ["ComputerSystem.Reset", "ResetType"])
        if rt not in allowed:
            st.inc("resets_rejected")
            return self.send_error_json(
                400, "ActionParameterValueNotInList",
                "The value '%s' for the parameter ResetType in the action ComputerSystem.Reset is not in the "
                "list of acceptable values: %s." % (rt, ", ".join(allowed)),
                [rt, "ResetType", "ComputerSystem.Reset"])
        with m.lock:
            sysd = m.mutable(system)
            cur = sysd.get("PowerState")
            if rt in ("On", "ForceOn", "ForceRestart", "GracefulRestart", "PowerCycle",
                      "FullPowerCycle", "Resume"):
                new = "On"
            elif rt in ("ForceOff", "GracefulShutdown"):
                new = "Off"
                if self.server.opts.off_after_reads > 0 and cur != "Off":
                    new = "PoweringOff"
                    self.server.powering_off[system] = self.server.opts.off_after_reads
            elif rt == "PushPowerButton":
                new = "Off" if cur == "On" else "On"
            else:                       # Nmi, Suspend, Pause: power unchanged
                new = cur
            sysd["PowerState"] = new
        st.inc("resets")
        st.inc("reset_types", rt)
        st.append("reset_sequence", rt)
        self.send_no_content(204)
        return None

    def do_PATCH(self):
        self.setup_request()
        p = self.path_n
        m = self.server.mockup
        st = self.server.stats
        if not self.authenticate():
            return None
        if p not in m.systems.values():
            if m.exists(p):
                return self.send_error_json(405, "OperationNotAllowed",
                                            "PATCH is not supported on %s by this test peer." % p, [p])
            return self.send_error_json(404, "ResourceMissingAtURI",
                                        "The resource at the URI '%s' was not found." % p, [p])
        d = self.json_body()
        if d is None:
            return None
        if_match = self.headers.get("If-Match")
        st.append("if_match", if_match, keep=16)
        with m.lock:
            etag = m.get(p)[1].get("@odata.etag")
        if if_match is not None and isinstance(etag, str) and if_match != etag:
            st.inc("patches_rejected")
            return self.send_error_json(412, "PreconditionFailed",
                                        "The ETag supplied did not match the ETag required to change this resource.")
        for k in d:
            if k != "Boot":
                st.inc("patches_rejected")
                return self.send_error_json(400, "PropertyNotWritable",
                                            "The property %s is a read only property and cannot be assigned a value." % k, [k])
        boot = d.get("Boot")
        if not isinstance(boot, dict) or not boot:
            st.inc("patches_rejected")
            return self.send_error_json(400, "PropertyValueTypeError",
                                        "The value for the property Boot is of a different type than the property can accept.",
                                        [json.dumps(boot), "Boot"])
        with m.lock:
            cur = m.get(p)[1].get("Boot") or {}
            for k, v in boot.items():
                if k not in BOOT_KEYS:
                    st.inc("patches_rejected")
                    return self.send_error_json(400, "PropertyUnknown",
                                                "The property Boot/%s is not in the list of valid properties for the resource." % k,
                                                ["Boot/" + k])
                allowed = cur.get(k + "@Redfish.AllowableValues")
                if allowed is None:
                    allowed = {"BootSourceOverrideEnabled": ["Disabled", "Once", "Continuous"],
                               "BootSourceOverrideMode": ["Legacy", "UEFI"]}.get(k)
                if not isinstance(v, str) or (isinstance(allowed, list) and v not in allowed):
                    st.inc("patches_rejected")
                    return self.send_error_json(
                        400, "PropertyValueNotInList",
                        "The value '%s' for the property Boot/%s is not in the list of acceptable values: %s."
                        % (v, k, ", ".join(allowed or [])), [str(v), "Boot/" + k])
            sysd = m.mutable(p)
            b = sysd.get("Boot") if isinstance(sysd.get("Boot"), dict) else {}
            sysd["Boot"] = b
            b.update(boot)
            if isinstance(sysd.get("@odata.etag"), str):
                st.inc("etag_changes")
                sysd["@odata.etag"] = 'W/"bmctop-peer-%d"' % st.c["etag_changes"]
        st.inc("patches")
        self.send_no_content(204)
        return None

    def do_DELETE(self):
        self.setup_request()
        p = self.path_n
        srv = self.server
        m = srv.mockup
        if not self.authenticate():
            return None
        if p.startswith(m.sessions_path + "/"):
            sid = p[len(m.sessions_path) + 1:]
            with srv.sessions_lock:
                for tok, s in list(srv.sessions.items()):
                    if s.id == sid:
                        del srv.sessions[tok]
                        srv.stats.set("sessions_live", len(srv.sessions))
                        break
                else:
                    tok = None
            if tok:
                srv.stats.inc("sessions_deleted")
                return self.send_no_content(204)
        if m.exists(p):
            return self.send_error_json(405, "OperationNotAllowed",
                                        "DELETE is not allowed on %s." % p, [p])
        return self.send_error_json(404, "ResourceMissingAtURI",
                                    "The resource at the URI '%s' was not found." % p, [p])

    def do_PUT(self):
        self.setup_request()
        if not self.authenticate():
            return None
        return self.send_error_json(405, "OperationNotAllowed", "PUT is not supported.", [self.path_n])


def log(msg):
    sys.stderr.write("redfish-server[%d]: %s\n" % (os.getpid(), msg))
    sys.stderr.flush()


def read_password(path):
    st = os.stat(path)
    if st.st_mode & 0o077:
        raise SystemExit("redfish-server: %s must not be readable by group or others (chmod 600)" % path)
    with open(path, encoding="utf-8") as f:
        pw = f.readline().rstrip("\r\n")
    if not pw:
        raise SystemExit("redfish-server: %s holds no password" % path)
    return pw


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Redfish test peer (HTTPS, sessions) over a mockup tree; 127.0.0.1 only.")
    ap.add_argument("--mockup", required=True, help="mockup set directory (holds redfish/v1/index.json)")
    ap.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1 (0: any)")
    ap.add_argument("--cert", required=True, help="PEM certificate (SIGHUP reloads it)")
    ap.add_argument("--key", required=True, help="PEM private key")
    ap.add_argument("--user", default="admin", help="the one account's user name (default admin)")
    ap.add_argument("--password-file", required=True, help="0600 file whose first line is the password")
    ap.add_argument("--basic", action="store_true", help="also accept HTTP Basic authentication")
    ap.add_argument("--max-sessions", type=int, default=4, help="live sessions allowed (default 4); beyond: 503")
    ap.add_argument("--token-ttl", type=int, default=1800,
                    help="a session unused this many seconds dies (default 1800; Redfish SessionTimeout)")
    ap.add_argument("--token-absolute", action="store_true",
                    help="--token-ttl counts from login, not from the last use")
    ap.add_argument("--delay-ms", type=int, default=0, help="delay every response by this much")
    ap.add_argument("--slow-body", action="append", nargs="?", const="*", default=[], metavar="PATH",
                    help="send the body of PATH (all paths if none is given) --slow-rate bytes a second")
    ap.add_argument("--slow-rate", type=int, default=4, help="bytes a second for --slow-body (default 4)")
    ap.add_argument("--slow-max-seconds", type=int, default=120, help="then close the connection (default 120)")
    ap.add_argument("--break", dest="break_", action="append", default=[], metavar="PATH",
                    help="close the connection a third of the way into PATH's body")
    ap.add_argument("--bad-json", action="append", default=[], metavar="PATH", help="serve malformed JSON at PATH")
    ap.add_argument("--huge", action="append", default=[], metavar="PATH",
                    help="serve PATH as an endless chunked JSON body (up to --huge-bytes)")
    ap.add_argument("--huge-bytes", type=int, default=1 << 30, help="stop --huge after this many bytes (default 1 GiB)")
    ap.add_argument("--huge-max-seconds", type=int, default=120, help="or after this many seconds (default 120)")
    ap.add_argument("--redirect", action="append", default=[], metavar="PATH=URL",
                    help="answer PATH with 302 to URL (also for POST)")
    ap.add_argument("--expand-loop", action="store_true",
                    help="expanded collection members reference the collection and each other")
    ap.add_argument("--ignore-expand", action="store_true",
                    help="advertise $expand as the set does, but never expand (a service that ignores it)")
    ap.add_argument("--page-size", type=int, default=0, metavar="N",
                    help="serve collections N members a page, with Members@odata.nextLink")
    ap.add_argument("--no-sessions", action="store_true",
                    help="no SessionService: logins are 404, HTTP Basic is accepted")
    ap.add_argument("--sessions-missing", type=int, nargs="?", const=404, default=0, metavar="CODE",
                    help="the root names a SessionService that is not there: logins are CODE "
                         "(default 404), HTTP Basic is accepted")
    ap.add_argument("--etag", choices=("body", "header", "both"), default="body",
                    help="where a system's ETag is given: its @odata.etag as in the set (body, "
                         "the default), an ETag header alone, or both")
    ap.add_argument("--log-links", action="store_true",
                    help="serve log entry collections (.../Entries) with their Members as links "
                         "only, whatever $expand asks")
    ap.add_argument("--reset-types", metavar="A,B",
                    help="every system's Reset action allows only these ResetType values (inline)")
    ap.add_argument("--off-after-reads", type=int, default=0, metavar="N",
                    help="after ForceOff or GracefulShutdown the system reads PoweringOff for "
                         "N GETs of it, then Off")
    ap.add_argument("--hide", action="append", default=[], metavar="PATH",
                    help="PATH and below are 404, and links to them are left out")
    ap.add_argument("--boot-targets", metavar="A,B",
                    help="every system allows only these BootSourceOverrideTarget values")
    ap.add_argument("--extra-ports", type=int, default=0, metavar="K",
                    help="also listen on K more kernel-chosen ports, each its own BMC")
    ap.add_argument("--login-status", type=int, default=0, metavar="CODE",
                    help="answer every login with this HTTP status, making no session")
    ap.add_argument("--retry-after", type=int, default=-1, metavar="S",
                    help="with --login-status: send Retry-After: S")
    ap.add_argument("--get-401", action="store_true",
                    help="logins succeed but every authenticated GET is 401 (the session stays alive)")
    ap.add_argument("--wide-json", action="append", default=[], metavar="PATH=BYTES",
                    help="GET PATH answers about BYTES bytes of [{},{},...]")
    ap.add_argument("--deep-json", action="append", default=[], metavar="PATH=DEPTH",
                    help="GET PATH answers [[[...]]] nested DEPTH deep")
    ap.add_argument("--stall-after-login", type=float, default=0, metavar="S",
                    help="answer the first authenticated GET after each login S seconds late")
    ap.add_argument("--slow-login", type=float, default=0, metavar="S",
                    help="make each session at once, but answer its login S seconds late")
    ap.add_argument("--stats", help="write counters here as JSON on SIGTERM, on exit and on GET /__stats")
    ap.add_argument("--ready-file", help="written (port, pid) once listening")
    ap.add_argument("--max-seconds", type=float, default=900, help="exit after this long (default 900)")
    ap.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    o = ap.parse_args(argv)
    o.break_paths = set(norm(p) for p in o.break_)
    setattr(o, "break", o.break_paths)
    o.bad_json = set(norm(p) for p in o.bad_json)
    o.huge = set(norm(p) for p in o.huge)
    o.hide = set(norm(p) for p in o.hide)
    if o.sessions_missing:
        o.no_sessions = True    # the same service, but its root still names them
    if o.extra_ports < 0 or o.extra_ports > 1000:
        ap.error("--extra-ports takes 0 to 1000")
    o.slow_body = set(p if p == "*" else norm(p) for p in o.slow_body)
    redir = {}
    for r in o.redirect:
        path, sep, url = r.partition("=")
        if not sep or not url:
            ap.error("--redirect PATH=URL")
        redir[norm(path)] = url
    o.redirect = redir
    for name in ("wide_json", "deep_json"):
        sized = {}
        for r in getattr(o, name):
            path, sep, n = r.partition("=")
            if not sep or not n.isdigit() or not 0 < int(n) <= 1 << 30:
                ap.error("--%s PATH=N" % name.replace("_", "-"))
            sized[norm(path)] = int(n)
        setattr(o, name, sized)
    if o.max_sessions < 0 or o.token_ttl < 1:
        ap.error("--max-sessions must be >= 0 and --token-ttl >= 1")
    return o


def main(argv):
    opts = parse_args(argv)
    password = read_password(opts.password_file)
    stats = Stats()
    mockup = Mockup(opts.mockup, stats)
    if opts.boot_targets:
        for sysp in set(mockup.systems.values()):
            d = mockup.mutable(sysp)
            b = d.get("Boot") if isinstance(d.get("Boot"), dict) else {}
            b["BootSourceOverrideTarget@Redfish.AllowableValues"] = opts.boot_targets.split(",")
            d["Boot"] = b
    if opts.reset_types:
        for sysp in set(mockup.systems.values()):
            d = mockup.mutable(sysp)
            acts = d.get("Actions") if isinstance(d.get("Actions"), dict) else {}
            act = dict(acts.get("#ComputerSystem.Reset") or {})
            act.pop("@Redfish.ActionInfo", None)
            act["ResetType@Redfish.AllowableValues"] = opts.reset_types.split(",")
            acts["#ComputerSystem.Reset"] = act
            d["Actions"] = acts
    srv = Server(opts, mockup, stats, password)
    port = srv.server_address[1]
    extra = []
    if opts.extra_ports:
        base_port = opts.port
        opts.port = 0
        for _ in range(opts.extra_ports):
            extra.append(Server(opts, mockup, stats, password))
        opts.port = base_port
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGHUP, lambda *_: srv.rekey())
    for s_ in [srv] + extra:
        t = threading.Thread(target=s_.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        t.start()
    log("serving %s on https://127.0.0.1:%d (expand %s, %d systems, synthesized %s)" % (
        os.path.basename(mockup.top), port,
        "yes" if mockup.expand.get("NoLinks") is True else "no",
        len(mockup.systems), ",".join(sorted(mockup.synth)) or "nothing"))
    if opts.ready_file:
        tmp = opts.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d %d\n" % (port, os.getpid()))
            if extra:
                f.write("extra %s\n" % " ".join(str(x.server_address[1]) for x in extra))
        os.replace(tmp, opts.ready_file)
    deadline = time.monotonic() + opts.max_seconds
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            log("--max-seconds reached")
            break
        stop.wait(min(left, 1.0))
    try:
        srv.write_stats()
    except OSError as e:
        log("cannot write stats: %s" % e)
    for s_ in [srv] + extra:
        s_.shutdown()
        s_.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
