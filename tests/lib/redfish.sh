# redfish.sh - Redfish test peers (tests/peers/redfish-server.py) serving the
# vendor mockups in tests/data/redfish/<set>/ over HTTPS with session auth.
#
# Source it after tap.sh:
#     . "$SRCDIR/tests/lib/tap.sh"
#     . "$SRCDIR/tests/lib/redfish.sh"
#     redfish_need                              # skip_all without python3/openssl/curl
#     redfish_start bmc1 hpe-ilo6-dl380a-gen11 --max-sessions 2 || fail "bmc1 starts"
#     url=$(redfish_url bmc1)                   # https://127.0.0.1:PORT
#
# Each server listens on 127.0.0.1 on a TCP port free at run time, with one
# account, user "admin" ($REDFISH_USER), whose password is $REDFISH_PASSWORD:
# random per run unless the test sets it first, exported, and written to the
# 0600 file $REDFISH_PASSWORD_FILE (the server reads it with --password-file).
# It never appears in the argv of any process started here.
#
# Per server NAME everything lives in $T_TMP/redfish/NAME/ (mode 0700):
#     env            PORT=, PID=, SET=, URL=, CERT=, KEY=, FPR= (sourceable);
#                    FPR is the certificate's SHA-256 fingerprint (AA:BB:...)
#     cert.pem, key.pem   a self-signed P-256 certificate for IP:127.0.0.1 and
#                    DNS:localhost, made with the openssl CLI at the first
#                    start (kept across restarts of NAME unless --regen)
#     stats.json     the server's counters (redfish_stats)
#     server.log     what the server said (request lines, never bodies)
#
# Functions (all take the NAME given to redfish_start):
#   redfish_start NAME SET [--regen] [--port N] [server options...]
#       start a server for tests/data/redfish/SET; 0 once it listens.  --regen
#       makes a new key and certificate first; --port N reuses a port (a
#       restart).  Other options go to redfish-server.py (--basic,
#       --max-sessions N (default 4), --token-ttl S (an idle timeout;
#       --token-absolute counts from login), --delay-ms MS, --slow-body
#       [PATH], --slow-rate B, --break PATH, --bad-json PATH, --huge PATH,
#       --huge-bytes N, --redirect PATH=URL, --expand-loop; the hostile
#       modes --login-status CODE [--retry-after S], --get-401, --wide-json
#       PATH=BYTES, --deep-json PATH=DEPTH, --stall-after-login S; see its
#       --help).
#       Sets REDFISH_LAST_PORT and REDFISH_LAST_PID.  Must run in the test's
#       own shell (not in $(...)) so the pid reaches T_PIDS for cleanup.
#   redfish_port / redfish_pid / redfish_url / redfish_dir / redfish_cert /
#   redfish_fpr / redfish_set NAME     one value (work in $(...) too)
#   redfish_alive NAME      the server process still runs
#   redfish_stop NAME       SIGTERM (stats are written), SIGKILL after 3 s;
#                           by pid; the pid leaves T_PIDS
#   redfish_stats NAME [KEY...]   the counters as JSON (GET /__stats while it
#                           runs, else the file written at exit); with KEYs,
#                           the value at d[KEY][KEY]... alone
#   redfish_rekey NAME      a new key and certificate, loaded by the running
#                           server (SIGHUP); returns once it serves the new one
#   redfish_curl NAME [curl args...]   curl against NAME with its certificate
#                           as the only trusted CA, bounded by --max-time 20;
#                           relative paths are not expanded: pass full URLs
#   redfish_login NAME HDRFILE   log in (POST to the Sessions collection,
#                           credentials from a 0600 file via --data @file);
#                           on 201 writes "X-Auth-Token: ..." to the 0600
#                           HDRFILE (for curl -H @HDRFILE) and prints the
#                           session's Location; 1 otherwise
#   redfish_fleet FILE NAME...   a 0600 bmctop fleet file (see below)
#
# redfish_fleet writes [defaults] with user, password-file = FILE.pw (0600,
# holding $REDFISH_PASSWORD), protocol = redfish and tls = $REDFISH_FLEET_TLS,
# then one [host NAME] per server: address = 127.0.0.1 and
# redfish = https://127.0.0.1:PORT.  REDFISH_FLEET_TLS defaults to "insecure"
# for now (the servers' certificates are self-signed per run); "verify" adds
# ca-file = NAME's certificate to each host, "pin" adds tls-pin =
# sha256//BASE64 of NAME's public key, "tofu" adds nothing.  Set
# REDFISH_FLEET_EXTRA to add lines to [defaults] (e.g. "interval = 1s").
#
# Every process is started through spawn (pid in T_PIDS) and stopped by pid;
# each server exits by itself after $REDFISH_MAX_SECONDS (default 900).

REDFISH_PEERS="${SRCDIR:?SRCDIR must be set}/tests/peers"
REDFISH_DATA="$SRCDIR/tests/data/redfish"
REDFISH_BASE="$T_TMP/redfish"
: "${REDFISH_MAX_SECONDS:=900}"
: "${REDFISH_FLEET_TLS:=insecure}"
REDFISH_USER="admin"

mkdir -p "$REDFISH_BASE"
chmod 700 "$REDFISH_BASE"
if [ -z "${REDFISH_PASSWORD:-}" ]; then
	REDFISH_PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 20)
fi
export REDFISH_PASSWORD
REDFISH_PASSWORD_FILE="$REDFISH_BASE/password"
(umask 077 && printf '%s\n' "$REDFISH_PASSWORD" >"$REDFISH_PASSWORD_FILE")
export REDFISH_PASSWORD_FILE

# redfish_need: skip_all unless python3, openssl and curl are installed.
redfish_need() {
	[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
	need openssl curl
}

# _redfish_get NAME KEY: one value from NAME's env file (internal).
_redfish_get() { env_get "$REDFISH_BASE/$1/env" "$2"; }

redfish_port() { _redfish_get "$1" PORT; }
redfish_pid() { _redfish_get "$1" PID; }
redfish_url() { _redfish_get "$1" URL; }
redfish_cert() { _redfish_get "$1" CERT; }
redfish_fpr() { _redfish_get "$1" FPR; }
redfish_set() { _redfish_get "$1" SET; }
redfish_dir() { printf '%s\n' "$REDFISH_BASE/$1"; }

# _redfish_running PID: PID exists and is not a zombie.
_redfish_running() {
	local stat
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	case $stat in *") Z "*|*") X "*) return 1 ;; esac
	return 0
}

redfish_alive() { _redfish_running "$(redfish_pid "$1")"; }

# _redfish_mkcert DIR CN: a new self-signed P-256 certificate and key.
_redfish_mkcert() {
	local dir=$1 cn=$2
	rm -f "$dir/key.new" "$dir/cert.new"
	(umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$dir/key.new" -out "$dir/cert.new" -days 7 \
		-subj "/CN=$cn" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		>"$dir/openssl.log" 2>&1) || { diag "$(cat "$dir/openssl.log")"; return 1; }
	chmod 600 "$dir/key.new"
	chmod 644 "$dir/cert.new"
	mv "$dir/key.new" "$dir/key.pem" && mv "$dir/cert.new" "$dir/cert.pem"
}

# _redfish_fpr CERT: SHA-256 fingerprint of a PEM certificate (AA:BB:...).
_redfish_fpr() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null | sed 's/^.*=//'
}

# _redfish_write_env NAME KEY=VALUE...: replace NAME's env file.
_redfish_write_env() {
	local dir="$REDFISH_BASE/$1"; shift
	printf '%s\n' "$@" >"$dir/env.tmp" && mv "$dir/env.tmp" "$dir/env"
}

redfish_start() {
	local name=$1 set=$2; shift 2 || { diag "redfish_start NAME SET [options]"; return 1; }
	local regen="" want_port="" args=()
	while [ $# -gt 0 ]; do
		case $1 in
		--regen) regen=1 ;;
		--port) want_port=$2; shift ;;
		*) args+=("$1") ;;
		esac
		shift
	done
	case $name in ''|*[!A-Za-z0-9_.-]*) diag "redfish_start: bad name '$name'"; return 1 ;; esac
	case $set in ''|*[!A-Za-z0-9_.-]*) diag "redfish_start: bad set '$set'"; return 1 ;; esac
	[ -f "$REDFISH_DATA/$set/redfish/v1/index.json" ] || [ -d "$REDFISH_DATA/$set/redfish/v1" ] ||
		{ diag "redfish_start: no mockup set $REDFISH_DATA/$set"; return 1; }
	local dir="$REDFISH_BASE/$name"
	if [ -f "$dir/env" ] && redfish_alive "$name"; then
		diag "redfish_start: $name is already running"; return 1
	fi
	mkdir -p "$dir" && chmod 700 "$dir" || return 1
	if [ -n "$regen" ] || [ ! -s "$dir/cert.pem" ]; then
		_redfish_mkcert "$dir" "$name" || { diag "redfish_start: openssl failed for $name"; return 1; }
	fi
	rm -f "$dir/ready" "$dir/env"
	local attempt port pid="" i
	for attempt in 1 2 3; do
		port=${want_port:-$(free_port)}
		rm -f "$dir/ready"
		spawn /usr/bin/python3 "$REDFISH_PEERS/redfish-server.py" \
			--mockup "$REDFISH_DATA/$set" --port "$port" \
			--cert "$dir/cert.pem" --key "$dir/key.pem" \
			--user "$REDFISH_USER" --password-file "$REDFISH_PASSWORD_FILE" \
			--ready-file "$dir/ready" --stats "$dir/stats.json" \
			--max-seconds "$REDFISH_MAX_SECONDS" "${args[@]}" \
			</dev/null >>"$dir/server.log" 2>&1
		pid=$T_LAST_PID
		# Up to 10 s (a cold python start on a loaded machine).
		for ((i = 0; i < 1000; i++)); do
			[ -s "$dir/ready" ] && break
			_redfish_running "$pid" || break
			sleep 0.01
		done
		if [ -s "$dir/ready" ] && _redfish_running "$pid"; then
			break
		fi
		kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
		diag "redfish_start: $name did not come up on port $port (attempt $attempt):"
		diag "$(tail -5 "$dir/server.log" 2>/dev/null)"
		pid=""
		[ -z "$want_port" ] || break
	done
	[ -n "$pid" ] || return 1
	_redfish_write_env "$name" "PORT=$port" "PID=$pid" "SET=$set" \
		"URL=https://127.0.0.1:$port" "CERT=$dir/cert.pem" "KEY=$dir/key.pem" \
		"FPR=$(_redfish_fpr "$dir/cert.pem")" "DIR=$dir"
	REDFISH_LAST_PORT=$port
	REDFISH_LAST_PID=$pid
	return 0
}

redfish_stop() {
	local name=$1 pid p i keep=""
	pid=$(redfish_pid "$name") || return 1
	_redfish_running "$pid" && kill "$pid" 2>/dev/null
	for ((i = 0; i < 300; i++)); do
		_redfish_running "$pid" || break
		sleep 0.01
	done
	_redfish_running "$pid" && kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for p in $T_PIDS; do
		[ "$p" = "$pid" ] || keep="$keep $p"
	done
	T_PIDS=$keep
	! _redfish_running "$pid"
}

redfish_curl() {
	local name=$1 cert; shift
	cert=$(redfish_cert "$name") || return 1
	curl -s --max-time 20 --cacert "$cert" "$@"
}

redfish_stats() {
	local name=$1 json; shift
	if redfish_alive "$name"; then
		json=$(redfish_curl "$name" "$(redfish_url "$name")/__stats") || return 1
	else
		json=$(cat "$REDFISH_BASE/$name/stats.json" 2>/dev/null) || return 1
	fi
	[ $# -gt 0 ] || { printf '%s\n' "$json"; return 0; }
	printf '%s' "$json" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in sys.argv[1:]:
    d = d.get(k) if isinstance(d, dict) else None
print(json.dumps(d) if isinstance(d, (dict, list)) or d is None else d)' "$@"
}

redfish_login() {
	local name=$1 hdrfile=$2 dir tmp code loc tok
	dir="$REDFISH_BASE/$name"
	tmp="$dir/login.$$"
	(umask 077 && /usr/bin/python3 -c '
import json, sys
print(json.dumps({"UserName": sys.argv[1], "Password": open(sys.argv[2]).readline().rstrip("\r\n")}))' \
		"$REDFISH_USER" "$REDFISH_PASSWORD_FILE" >"$tmp.json") || return 1
	code=$(redfish_curl "$name" -o /dev/null -D "$tmp.hdr" -w '%{http_code}' \
		-H 'Content-Type: application/json' --data @"$tmp.json" \
		"$(redfish_url "$name")$(redfish_stats "$name" sessions_path)")
	rm -f "$tmp.json"
	tok=$(sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: *//p' "$tmp.hdr" | tr -d '\r')
	loc=$(sed -n 's/^[Ll]ocation: *//p' "$tmp.hdr" | tr -d '\r')
	rm -f "$tmp.hdr"
	[ "$code" = 201 ] && [ -n "$tok" ] || return 1
	(umask 077 && printf 'X-Auth-Token: %s\n' "$tok" >"$hdrfile") || return 1
	printf '%s\n' "$loc"
}

redfish_rekey() {
	local name=$1 dir old new i pid port
	dir="$REDFISH_BASE/$name"
	pid=$(redfish_pid "$name") || return 1
	port=$(redfish_port "$name") || return 1
	old=$(redfish_fpr "$name")
	_redfish_mkcert "$dir" "$name" || return 1
	new=$(_redfish_fpr "$dir/cert.pem")
	kill -HUP "$pid" 2>/dev/null || return 1
	for ((i = 0; i < 50; i++)); do
		if [ "$(openssl s_client -connect "127.0.0.1:$port" </dev/null 2>/dev/null |
			openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/^.*=//')" = "$new" ]; then
			sed -i "s/^FPR=.*/FPR=$new/" "$dir/env"
			[ "$old" != "$new" ]
			return
		fi
		sleep 0.1
	done
	return 1
}

# _redfish_pin CERT: sha256//BASE64 of the certificate's public key (SPKI).
_redfish_pin() {
	printf 'sha256//%s\n' "$(openssl x509 -in "$1" -noout -pubkey 2>/dev/null |
		openssl pkey -pubin -outform DER 2>/dev/null | openssl dgst -sha256 -binary | base64)"
}

redfish_fleet() {
	local file=$1 name port; shift
	(umask 077 && printf '%s\n' "$REDFISH_PASSWORD" >"$file.pw") || return 1
	chmod 600 "$file.pw"
	{
		echo "# Generated by tests/lib/redfish.sh for redfish-server.py peers."
		echo "# tls = $REDFISH_FLEET_TLS: the peers' certificates are self-signed per run."
		echo "[defaults]"
		echo "user = $REDFISH_USER"
		echo "password-file = $file.pw"
		echo "protocol = redfish"
		echo "tls = $REDFISH_FLEET_TLS"
		echo "vnc = none"
		echo "console = none"
		[ -z "${REDFISH_FLEET_EXTRA:-}" ] || printf '%s\n' "$REDFISH_FLEET_EXTRA"
		for name in "$@"; do
			port=$(redfish_port "$name") || { echo "# $name: not started" >&2; return 1; }
			echo
			echo "[host $name]"
			echo "address = 127.0.0.1"
			echo "redfish = https://127.0.0.1:$port"
			case $REDFISH_FLEET_TLS in
			verify) echo "ca-file = $(redfish_cert "$name")" ;;
			pin) echo "tls-pin = $(_redfish_pin "$(redfish_cert "$name")")" ;;
			esac
		done
	} >"$file" || return 1
	chmod 600 "$file"
}
