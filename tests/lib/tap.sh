# tap.sh - helpers for integration tests written in bash.
#
# Source it, then use ok/fail/is/like/skip_all.  Every process a test starts
# goes through spawn, which records its pid; cleanup kills exactly those pids
# on exit.  Ports come from free_port, which asks the kernel for a free one.

T_NAME=$(basename "$0" .sh)
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/bmctop-$T_NAME.XXXXXX")
T_PIDS=""
T_FAILED=0

t_cleanup() {
	local p
	for p in $T_PIDS; do
		kill "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $T_PIDS; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"
}
trap t_cleanup EXIT

ok() { echo "ok - $T_NAME: $*"; }
fail() { echo "not ok - $T_NAME: $*"; T_FAILED=1; }
diag() { echo "$*" | sed 's/^/# /'; }

# check DESCRIPTION COMMAND...: ok if the command succeeds.
check() {
	local d=$1; shift
	if "$@"; then ok "$d"; else fail "$d"; fi
}

# is DESCRIPTION GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1"; diag "got:  $2"; diag "want: $3"; fi
}

# like DESCRIPTION TEXT REGEX (grep -E)
like() {
	if printf '%s\n' "$2" | grep -qE -- "$3"; then ok "$1"; else
		fail "$1"; diag "text: $(printf '%s' "$2" | head -c 2000)"; diag "wanted /$3/"; fi
}

# unlike DESCRIPTION TEXT REGEX
unlike() {
	if printf '%s\n' "$2" | grep -qE -- "$3"; then
		fail "$1"; diag "text: $(printf '%s' "$2" | head -c 2000)"; diag "unwanted /$3/"; else ok "$1"; fi
}

# skip_all REASON: skip the rest of this file (a failure under BMCTOP_REQUIRE_PEERS).
skip_all() {
	if [ -n "${BMCTOP_REQUIRE_PEERS:-}" ]; then
		echo "not ok - $T_NAME: required peer missing: $*"
	else
		echo "ok - $T_NAME # SKIP $*"
	fi
	exit 0
}

# need CMD...: skip_all unless each command exists.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed"
	done
}

# free_port [udp]: a port the kernel says is free on 127.0.0.1 now.
free_port() {
	/usr/bin/python3 - "$1" <<'PY'
import socket, sys
kind = socket.SOCK_DGRAM if len(sys.argv) > 1 and sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

# spawn CMD...: start in the background, remember the pid in $!/T_LAST_PID.
spawn() {
	"$@" &
	T_LAST_PID=$!
	T_PIDS="$T_PIDS $T_LAST_PID"
}

# wait_for SECONDS COMMAND...: poll until the command succeeds (bounded).
wait_for() {
	local limit=$1; shift
	local end=$(( $(date +%s) + limit ))
	while [ "$(date +%s)" -le "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# env_get FILE KEY: the value of KEY= in a FILE of KEY=VALUE lines (peer harnesses).
env_get() {
	local line
	[ -f "$1" ] || return 1
	while IFS= read -r line; do
		case $line in "$2="*) printf '%s\n' "${line#*=}"; return 0 ;; esac
	done <"$1"
	return 1
}

# A private XDG tree so tests never touch the user's state or config.
export XDG_STATE_HOME="$T_TMP/state" XDG_CONFIG_HOME="$T_TMP/config"
unset BMCTOP_FLEET
