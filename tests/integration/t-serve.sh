# t-serve.sh - bmctop serve against a bmcsim fleet of IPMI and Redfish
# BMCs, read with curl and promtool: the metrics equal `bmctop status
# --json`, the endpoints, the listen rule, TLS and basic auth, and hostile
# clients (oversized heads, slowloris, too many connections).
#
# Passwords: the BMCs' in a 0600 file handed to bmcsim with --password-file;
# the web user's only as a bcrypt hash in the web config and to curl in a
# 0600 netrc file.
. "$SRCDIR/tests/lib/tap.sh"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || skip_all "bmcsim is not built ($BMCSIM)"
need curl timeout openssl
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCTOP=${BMCTOP:-$BUILDDIR/bmctop}
PY=/usr/bin/python3

PW=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16)
(umask 077 && printf '%s\n' "$PW" >"$T_TMP/password")
N=6

spawn "$BMCSIM" --port 0 --count $N --redfish-share 50 --seed 5 --tick 0 \
	--password-file "$T_TMP/password" --fleet-out "$T_TMP/fleet.conf" \
	--ready-file "$T_TMP/sim.ready" </dev/null >"$T_TMP/sim.log" 2>&1
wait_for 30 test -s "$T_TMP/sim.ready" || { fail "bmcsim starts"; diag "$(tail -5 "$T_TMP/sim.log")"; exit 0; }
ok "bmcsim with $N BMCs, half with Redfish, is ready"

# The listen rule: loopback, or TLS and users.  Nothing listens here.
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" serve --listen 0.0.0.0:9 2>&1); rc=$?
is "a non-loopback listen without --web-config exits 2" "$rc" 2
like "... saying why" "$out" "refusing to listen on 0\.0\.0\.0: it is not a loopback address.*--web-config"
printf 'basic_auth_users:\n  alice: $2b$04$abcdefghijklmnopqrstuu5Lq3r1Xy0b6qkSRjz9OVVmSFJ4eAeRe\n' >"$T_TMP/users-only.yml"
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" serve --listen '[::]:9' --web-config "$T_TMP/users-only.yml" 2>&1); rc=$?
is "users without TLS on a non-loopback address: refused" "$rc" 2
like "... naming the file" "$out" "users-only\.yml must give both TLS"
printf 'tls_server_config:\n  cert_file: a.pem\n  client_auth_type: RequireAndVerifyClientCert\n' >"$T_TMP/bad.yml"
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" serve --web-config "$T_TMP/bad.yml" 2>&1); rc=$?
is "an unsupported web config key: exit 2" "$rc" 2
like "... FILE:LINE" "$out" "bad\.yml:3: tls_server_config: client_auth_type is not supported"
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" serve --listen nonsense 2>&1); rc=$?
is "--listen without a port: usage error" "$rc" 2

# The systemd unit, with ExecStart pointed at this build.
if command -v systemd-analyze >/dev/null 2>&1 && [ -f "$BUILDDIR/data/bmctop-serve.service" ]; then
	mkdir -p "$T_TMP/unit"
	sed "s|^ExecStart=[^ ]*|ExecStart=$BMCTOP|" "$BUILDDIR/data/bmctop-serve.service" >"$T_TMP/unit/bmctop-serve.service"
	out=$(systemd-analyze verify --man=no "$T_TMP/unit/bmctop-serve.service" 2>&1); rc=$?
	is "systemd-analyze verify accepts data/bmctop-serve.service" "$rc" 0
	[ "$rc" = 0 ] || diag "$out"
	unit=$(cat "$T_TMP/unit/bmctop-serve.service")
	like "... sandboxed" "$unit" "^ProtectSystem=strict$"
	like "... the password as a credential" "$unit" "^LoadCredential=bmc-password:"
	like "... listening on loopback" "$unit" "serve --listen 127\.0\.0\.1:9623$"
else
	ok "# SKIP systemd-analyze not installed"
fi

PORT=$(free_port)
URL=http://127.0.0.1:$PORT
spawn "$BMCTOP" -c "$T_TMP/fleet.conf" serve --listen 127.0.0.1:$PORT </dev/null >"$T_TMP/serve.log" 2>&1
SERVE_PID=$T_LAST_PID
healthy() { [ "$(curl -s --max-time 5 "$URL/-/healthy")" = OK ]; }
all_up() { curl -s --max-time 5 "$URL/metrics" | grep -qx "bmctop_hosts_up $N"; }
check "serve answers /-/healthy" wait_for 30 healthy
like "... and says where it listens" "$(cat "$T_TMP/serve.log")" "serving $N hosts on http://127\.0\.0\.1:$PORT/metrics"
check "every host polled (bmctop_hosts_up $N)" wait_for 90 all_up

curl -s --max-time 10 -D "$T_TMP/m.hdr" -o "$T_TMP/metrics" "$URL/metrics"
like "/metrics is the text format 0.0.4" "$(cat "$T_TMP/m.hdr")" "Content-Type: text/plain; version=0\.0\.4"
for fam in ipmi_up ipmi_chassis_power_state ipmi_temperature_celsius ipmi_temperature_state \
	ipmi_fan_speed_rpm ipmi_fan_speed_state ipmi_voltage_volts ipmi_power_watts ipmi_sel_logs_count \
	ipmi_bmc_info bmctop_last_update_timestamp_seconds bmctop_packets_sent_total \
	bmctop_sessions_opened_total bmctop_retransmits_total bmctop_packets_dropped_total bmctop_hosts_parked; do
	grep -q "^# TYPE $fam " "$T_TMP/metrics" || fail "family $fam is missing"
done
ok "the ipmi_exporter and bmctop families are there"
is "bmctop_poll_duration_seconds: a gauge, one sample per host" \
	"$(grep -c '^bmctop_poll_duration_seconds{' "$T_TMP/metrics") $(grep -c '^# TYPE bmctop_poll_duration_seconds gauge$' "$T_TMP/metrics")" "$N 1"
is "... each a duration above 0 and under the 60 s a poll may take" \
	"$(awk '/^bmctop_poll_duration_seconds\{/ && !($2 > 0 && $2 < 60)' "$T_TMP/metrics")" ""
like "Redfish hosts carry source=\"redfish\"" "$(cat "$T_TMP/metrics")" '^ipmi_temperature_celsius\{host="[^"]*",group="",source="redfish"'
like "IPMI hosts carry source=\"ipmi\"" "$(cat "$T_TMP/metrics")" '^ipmi_temperature_celsius\{host="[^"]*",group="",source="ipmi"'

if command -v promtool >/dev/null 2>&1; then
	lint=$(promtool check metrics <"$T_TMP/metrics" 2>&1); rc=$?
	# ipmi_exporter's own name ipmi_sel_logs_count is kept for its dashboards;
	# promtool's naming lint about it is the only complaint allowed.
	is "promtool check metrics: nothing but the inherited ipmi_sel_logs_count name" \
		"$(printf '%s\n' "$lint" | grep -v '^ipmi_sel_logs_count non-histogram and non-summary metrics should not have "_count" suffix$')" ""
	grep -v '^ipmi_sel_logs_count\|^# [A-Z]* ipmi_sel_logs_count ' "$T_TMP/metrics" | promtool check metrics >/dev/null 2>&1
	is "... and passes without it (exit 0)" "$?" 0
	curl -s --max-time 10 -H 'Accept: application/openmetrics-text; version=1.0.0' "$URL/metrics" |
		grep -v 'ipmi_sel_logs_count' >"$T_TMP/om"
	like "OpenMetrics ends with # EOF" "$(tail -1 "$T_TMP/om")" '^# EOF$'
else
	ok "# SKIP promtool not installed (Debian package prometheus)"
fi
curl -s --max-time 10 -D "$T_TMP/om.hdr" -o "$T_TMP/om.txt" -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5' "$URL/metrics"
like "OpenMetrics when the Accept header asks" "$(cat "$T_TMP/om.hdr")" "Content-Type: application/openmetrics-text; version=1\.0\.0"
like "... counters' TYPE without _total" "$(cat "$T_TMP/om.txt")" "^# TYPE bmctop_packets_sent counter$"

hdr=$(curl -s --max-time 10 -D - -o "$T_TMP/m.gz" -H 'Accept-Encoding: gzip' "$URL/metrics")
like "gzip when the client takes it (Prometheus does)" "$hdr" "Content-Encoding: gzip"
is "... and it unpacks to the same families" "$(gzip -dc "$T_TMP/m.gz" | grep -c '^# TYPE')" "$(grep -c '^# TYPE' "$T_TMP/metrics")"

# The readings equal what `bmctop status --json` reads from the same BMCs
# (bmcsim --tick 0 freezes them).
"$BMCTOP" -c "$T_TMP/fleet.conf" status --json >"$T_TMP/status.json" 2>"$T_TMP/status.err"
cmp_out=$("$PY" - "$T_TMP/metrics" "$T_TMP/status.json" <<'PY'
import json, re, sys
fam = {"C": "ipmi_temperature_celsius", "RPM": "ipmi_fan_speed_rpm", "V": "ipmi_voltage_volts",
       "A": "ipmi_current_amperes", "W": "ipmi_power_watts"}
got = {}
line_re = re.compile(r'^(\w+)\{(.*)\} (\S+)$')
for line in open(sys.argv[1]):
    m = line_re.match(line.strip())
    if not m:
        continue
    labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2)))
    got[(m.group(1), labels.get("host"), labels.get("name"))] = float(m.group(3))
n = bad = 0
for h in json.load(open(sys.argv[2])):
    p = 1.0 if h["power"] == "on" else 0.0
    if got.get(("ipmi_chassis_power_state", h["name"], None)) != p:
        print("power", h["name"]); bad += 1
    for s in h["sensors"]:
        if s.get("value") is None or s["unit"] not in fam:
            continue
        n += 1
        v = got.get((fam[s["unit"]], h["name"], s["name"]))
        if v is None or abs(v - s["value"]) > 1e-9:
            print("mismatch", h["name"], s["name"], s["value"], v); bad += 1
print("compared", n, "bad", bad)
PY
)
like "every reading of every host equals status --json" "$cmp_out" "^compared [1-9][0-9]* bad 0$"
diag "$cmp_out"

# /probe and ipmi_exporter's /ipmi: one host, no host labels.
H=$(sed -n 's/^\[host \(.*\)\]$/\1/p' "$T_TMP/fleet.conf" | head -1)
probe=$(curl -s --max-time 10 "$URL/probe?target=$H")
like "/probe?target=$H has the host's temperatures" "$probe" '^ipmi_temperature_celsius\{source="(ipmi|redfish)",id="1",name="[^"]+"\} [0-9.]+$'
unlike "... without host or group labels" "$probe" 'host=|group='
is "/ipmi?target=$H is the same" "$(curl -s --max-time 10 "$URL/ipmi?target=$H" | grep -c '^ipmi_temperature_celsius')" \
	"$(printf '%s\n' "$probe" | grep -c '^ipmi_temperature_celsius')"
is "/probe of a host not in the fleet: 404, never polled" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/probe?target=10.1.2.3")" 404
is "/probe without a target: 400" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/probe")" 400
is "/probe with a bad escape: 400" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/probe?target=%zz")" 400
is "an unknown path: 404" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/nope")" 404

disc=$(curl -s --max-time 10 "$URL/discover")
is "/discover lists every host" "$(printf '%s' "$disc" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" $N
is "... each scraped through /probe with its name as target" \
	"$(printf '%s' "$disc" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(all(g["labels"]["__param_target"]==g["labels"]["host"] and g["labels"]["__metrics_path__"]=="/probe" and g["targets"]==["127.0.0.1:'"$PORT"'"] for g in d))')" True

# Scrapes cost no BMC traffic: thirty scrapes, the polls barely move.
polls() { curl -s --max-time 10 "$URL/metrics" | awk '/^bmctop_polls_total/ {s += $2} END {print s}'; }
before=$(polls)
for _ in $(seq 30); do curl -s -o /dev/null --max-time 10 "$URL/metrics"; done
after=$(polls)
check "30 scrapes start no polls of their own ($before -> $after polls, at most one sweep)" test $((after - before)) -le $N

# HTTP details.
is "HEAD: headers only" "$(curl -s -I --max-time 5 "$URL/-/healthy" | grep -ic '^content-length: 3')" 1
is "HEAD body empty" "$(curl -s --head --max-time 5 -o - "$URL/metrics" | grep -c '^ipmi_')" 0
is "POST: 405" "$(curl -s -o /dev/null -w '%{http_code}' -X POST --max-time 5 "$URL/metrics")" 405
v=$(curl -sv --max-time 10 "$URL/-/healthy" "$URL/-/healthy" 2>&1 >/dev/null)
like "keep-alive: a second request reuses the connection" "$v" "Re-using existing connection|Reusing existing connection"

# pipeline PORT N [tls CAFILE AUTH]: send N requests for /metrics at once,
# read nothing for a second (the answers pile up past the queue's high
# water, and serve stops reading), then read every answer: prints how many
# came back 200 with their whole body.
pipeline() {
	"$PY" - "$@" <<'PY'
import socket, ssl, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=30)
extra = b""
if len(sys.argv) > 3:
    ctx = ssl.create_default_context(cafile=sys.argv[4])
    s = ctx.wrap_socket(s, server_hostname="127.0.0.1")
    extra = b"Authorization: " + sys.argv[5].encode() + b"\r\n"
s.sendall((b"GET /metrics HTTP/1.1\r\nHost: a\r\n" + extra + b"\r\n") * n)
time.sleep(1)
buf, good = b"", 0
def fill(k):
    global buf
    while len(buf) < k:
        d = s.recv(1 << 16)
        if not d:
            raise EOFError
        buf += d
try:
    for i in range(n):
        while b"\r\n\r\n" not in buf:
            fill(len(buf) + 1)
        head, buf = buf.split(b"\r\n\r\n", 1)
        clen = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0])
        fill(clen)
        body, buf = buf[:clen], buf[clen:]
        good += head.startswith(b"HTTP/1.1 200") and len(body) == clen and b"# TYPE ipmi_up" in body
except (EOFError, socket.timeout, ConnectionResetError) as e:
    pass
print(good)
PY
}
is "1000 pipelined scrapes, read late: all answered" "$(pipeline "$PORT" 1000)" 1000

raw() { # raw TEXT [SECONDS]: send TEXT, print the first line of the answer
	"$PY" - "$PORT" "$1" "${2:-5}" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=float(sys.argv[3]))
s.sendall(sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1"))
data = b""
try:
    while b"\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
except socket.timeout:
    print("timeout"); sys.exit(0)
print(data.split(b"\r\n")[0].decode() if data else "closed")
PY
}
is "a malformed request line: 400" "$(raw 'GARBAGE\r\n\r\n')" "HTTP/1.1 400 Bad Request"
is "HTTP/2 preface: 505" "$(raw 'GET / HTTP/2.0\r\nHost: a\r\n\r\n')" "HTTP/1.1 505 HTTP Version Not Supported"
is "no Host in HTTP/1.1: 400" "$(raw 'GET / HTTP/1.1\r\n\r\n')" "HTTP/1.1 400 Bad Request"
is "a body: 501" "$(raw 'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n')" "HTTP/1.1 501 Not Implemented"
big=$("$PY" -c 'print("X-Pad: " + "a" * 9000)')
is "9 KB of headers: 431" "$(raw "GET / HTTP/1.1\\r\\nHost: a\\r\\n$big\\r\\n\\r\\n")" "HTTP/1.1 431 Request Header Fields Too Large"

# Slowloris: a head that never ends is cut off by the head timeout (10 s),
# and the server keeps answering others meanwhile.
slow=$("$PY" - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=40)
s.sendall(b"GET /metrics HTTP/1.1\r\nHost: a\r\n")
start = time.time()
try:
    while time.time() - start < 40:
        s.sendall(b"X-Slow: 1\r\n")
        s.settimeout(2)
        try:
            d = s.recv(4096)
            if not d or d.startswith(b"HTTP/1.1 408"):
                print("closed" if not d else "408"); sys.exit(0)
        except socket.timeout:
            pass
except (BrokenPipeError, ConnectionResetError):
    print("closed"); sys.exit(0)
print("still open")
PY
)
like "slowloris: the dribbling head is cut off" "$slow" "^(closed|408)$"
check "... and serve still answers" healthy

# More connections than slots (64).  Silent ones give way: the oldest that
# never sent a request is closed for a newcomer.  When every slot is a
# working client, the newcomer is closed at once; once they leave, serving
# goes on.
conns=$("$PY" - "$PORT" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.settimeout(5)
    return s
def ask(s):
    try:
        s.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: a\r\n\r\n")
        d = s.recv(4096)
        return "answered" if d.startswith(b"HTTP/1.1 200") else "closed"
    except (ConnectionResetError, BrokenPipeError):
        return "closed"
    except socket.timeout:
        return "hung"
silent = [conn() for i in range(64)]
time.sleep(0.5)
new = conn()
r1 = ask(new)
try:
    first = "closed" if silent[0].recv(10) == b"" else "open"
except (ConnectionResetError, socket.timeout):
    first = "closed" if not isinstance(sys.exc_info()[1], socket.timeout) else "open"
for s in silent + [new]:
    s.close()
time.sleep(0.5)
busy = [conn() for i in range(64)]
answers = [ask(s) for s in busy]
extra = conn()
r2 = ask(extra)
for s in busy + [extra]:
    s.close()
print(r1, first, answers.count("answered"), r2)
PY
)
is "64 silent connections: a newcomer is answered, the oldest silent one closed; 64 working ones: the 65th is closed" \
	"$conns" "answered closed 64 closed"
check "... and after they leave, serve answers" wait_for 10 healthy

# TLS and basic auth from a web config (on loopback: nothing else listens).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" >/dev/null 2>&1
WPW=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16)
HASH=$(printf '%s' "$WPW" | "$PY" -c 'import crypt,sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' 2>/dev/null)
# web_config FILE HASH: TLS with the test's certificate, user prometheus with HASH.
web_config() {
	(umask 077 && printf 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  prometheus: %s\n' "$2" >"$1")
}
# tls_serve WEB LOG: serve on a free port with that web config; TURL, TLS_PID.
tls_serve() {
	TPORT=$(free_port)
	TURL=https://127.0.0.1:$TPORT
	spawn "$BMCTOP" -c "$T_TMP/fleet.conf" serve --listen 127.0.0.1:$TPORT --web-config "$1" </dev/null >"$2" 2>&1
	TLS_PID=$T_LAST_PID
}
tls_up() { curl -s --cacert "$T_TMP/cert.pem" --max-time 5 -o /dev/null "$TURL/-/healthy"; }
web_config "$T_TMP/web.yml" "$HASH"
(umask 077 && printf 'machine 127.0.0.1 login prometheus password %s\n' "$WPW" >"$T_TMP/netrc")
(umask 077 && printf 'machine 127.0.0.1 login prometheus password wrong%s\n' "$WPW" >"$T_TMP/netrc.bad")
(umask 077 && printf 'machine 127.0.0.1 login mallory password %s\n' "$WPW" >"$T_TMP/netrc.who")
tls_serve "$T_TMP/web.yml" "$T_TMP/tls.log"
check "TLS serve starts" wait_for 30 tls_up
like "... and says https" "$(cat "$T_TMP/tls.log")" "on https://127\.0\.0\.1:$TPORT/metrics"
is "no credentials: 401" "$(curl -s --cacert "$T_TMP/cert.pem" -o /dev/null -w '%{http_code}' "$TURL/metrics")" 401
hdr=$(curl -s --cacert "$T_TMP/cert.pem" -D - -o /dev/null "$TURL/metrics")
like "... with WWW-Authenticate" "$hdr" 'WWW-Authenticate: Basic realm="bmctop"'
like "... closing the connection (it holds no slot)" "$hdr" 'Connection: close'
is "a wrong password: 401" "$(curl -s --cacert "$T_TMP/cert.pem" --netrc-file "$T_TMP/netrc.bad" -o /dev/null -w '%{http_code}' "$TURL/metrics")" 401
is "an unknown user: 401" "$(curl -s --cacert "$T_TMP/cert.pem" --netrc-file "$T_TMP/netrc.who" -o /dev/null -w '%{http_code}' "$TURL/metrics")" 401
code=$(curl -s --cacert "$T_TMP/cert.pem" --netrc-file "$T_TMP/netrc" -o "$T_TMP/tls.metrics" -w '%{http_code}' "$TURL/metrics")
is "the user with its password: 200, verified TLS" "$code" 200
like "... the metrics" "$(cat "$T_TMP/tls.metrics")" "^# TYPE ipmi_up gauge$"
AUTH="Basic $(printf 'prometheus:%s' "$WPW" | base64 -w0)"
is "... 1000 pipelined scrapes over TLS, read late: all answered" "$(pipeline "$TPORT" 1000 tls "$T_TMP/cert.pem" "$AUTH")" 1000
is "plain HTTP to the TLS port gets nothing" "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$TPORT/metrics")" 000
unlike "the password is in no log" "$(cat "$T_TMP/tls.log" "$T_TMP/serve.log" "$T_TMP/state/bmctop/bmctop.log" 2>/dev/null)" "$WPW"

# bcrypt is slow on purpose: new credentials are checked off the loop, two
# at a time; the rest wait outside (503, Retry-After) while scrapes with
# credentials that passed before are answered.
SLOW=$(printf '%s' "$WPW" | "$PY" -W ignore -c 'import crypt,sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=2**14)))' 2>/dev/null)
web_config "$T_TMP/web-slow.yml" "$SLOW"
FIRST_TLS_PID=$TLS_PID
tls_serve "$T_TMP/web-slow.yml" "$T_TMP/slow.log"
SLOW_PID=$TLS_PID SURL=$TURL
check "serve with a costly hash starts" wait_for 30 tls_up
is "... the right password once (checked, then remembered): 200" "$(curl -s --cacert "$T_TMP/cert.pem" --netrc-file "$T_TMP/netrc" --max-time 60 -o /dev/null -w '%{http_code}' "$SURL/metrics")" 200
wrong=""
for i in 1 2 3 4 5 6; do
	curl -s --cacert "$T_TMP/cert.pem" --netrc-file "$T_TMP/netrc.bad" --max-time 60 -o /dev/null -w '%{http_code}\n' "$SURL/metrics" >"$T_TMP/slow.$i" &
	wrong="$wrong $!"
done
code=$(curl -s --cacert "$T_TMP/cert.pem" --netrc-file "$T_TMP/netrc" --max-time 60 -o /dev/null -w '%{http_code}' "$SURL/metrics")
# shellcheck disable=SC2086
wait $wrong
codes=$(cat "$T_TMP"/slow.[1-6] | sort | uniq -c | tr -s ' \n' ' ')
is "... a remembered password during six wrong ones: 200" "$code" 200
like "... the wrong ones: only 401 and 503 ($codes)" "$codes" '^ *([0-9]+ (401|503) *)+$'
like "... two checked at once, the others told to come back (503)" "$codes" '[1-9][0-9]* 503'
kill "$SLOW_PID" 2>/dev/null; wait "$SLOW_PID" 2>/dev/null
TLS_PID=$FIRST_TLS_PID

(umask 077 && printf 'tls_server_config:\n  cert_file: missing.pem\n  key_file: key.pem\n' >"$T_TMP/nocert.yml")
out=$(timeout 30 "$BMCTOP" -c "$T_TMP/fleet.conf" serve --listen "127.0.0.1:$(free_port)" --web-config "$T_TMP/nocert.yml" 2>&1); rc=$?
is "a certificate that cannot be read: exit 2" "$rc" 2
like "... naming the web config and the file" "$out" "nocert\.yml: .*missing\.pem: cannot load the certificate"

# IPv6 loopback is loopback.
if "$PY" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	V6PORT=$("$PY" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0)); print(s.getsockname()[1])')
	spawn "$BMCTOP" -c "$T_TMP/fleet.conf" serve --listen "[::1]:$V6PORT" </dev/null >"$T_TMP/v6.log" 2>&1
	V6_PID=$T_LAST_PID
	v6_up() { [ "$(curl -sg --max-time 5 "http://[::1]:$V6PORT/-/healthy")" = OK ]; }
	check "serve --listen [::1]:PORT answers without a web config" wait_for 30 v6_up
	like "... and /discover names it in brackets" "$(curl -sg --max-time 5 "http://[::1]:$V6PORT/discover")" "\"targets\":\[\"\[::1\]:$V6PORT\"\]"
	kill "$V6_PID"
else
	ok "# SKIP no IPv6 loopback"
fi

# SIGTERM: an orderly exit, with a kept-alive client still connected.
spawn "$PY" - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
s.recv(65536)
time.sleep(30)
PY
sleep 1
kill -TERM "$SERVE_PID" "$TLS_PID"
gone() { ! kill -0 "$SERVE_PID" 2>/dev/null && ! kill -0 "$TLS_PID" 2>/dev/null; }
check "SIGTERM ends serve" wait_for 30 gone
wait "$SERVE_PID"; is "... with status 0" "$?" 0
like "the log says what serve answered" "$(cat "$T_TMP/state/bmctop/bmctop.log" 2>/dev/null)" "serve: stopping after [1-9][0-9]* requests \([0-9]+ connections refused, [1-9][0-9]* silent ones closed for others, [1-9][0-9]* timed out\)"
exit 0
