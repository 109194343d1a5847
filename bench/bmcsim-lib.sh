# bmcsim-lib.sh - shared by the fleet benchmarks: start and stop bmcsim.
#
# Source after tests/lib/tap.sh (T_TMP, spawn).  The password is random per
# run, in a 0600 file handed over with --password-file; clients get it from
# files or the environment, never from argv.
#
#   bmcsim_start NAME ARGS...   bmcsim with its fleet file in $T_TMP/NAME.conf;
#                               0 once ready; BMCSIM_PID is its pid
#   bmcsim_stop                 SIGTERM by pid, SIGKILL after 10 s
#   bmcsim_cpu                  bmcsim's CPU seconds so far (utime+stime)

: "${BMCSIM:=$BUILDDIR/bmcsim}"
[ -x "$BMCSIM" ] || { echo "no bmcsim at $BMCSIM (set BUILDDIR or BMCSIM)"; exit 2; }
BMCSIM_PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16)
BMCSIM_PWFILE="$T_TMP/bmcsim.pw"
(umask 077 && printf '%s\n' "$BMCSIM_PASSWORD" >"$BMCSIM_PWFILE")
BMCSIM_USER=admin
# Ten thousand BMCs: a socket each, and bmctop's sockets too.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null

bmcsim_start() {
	local name=$1 i; shift
	rm -f "$T_TMP/$name.ready" "$T_TMP/$name.conf"
	spawn "$BMCSIM" --port 0 --password-file "$BMCSIM_PWFILE" --fleet-out "$T_TMP/$name.conf" \
		--ready-file "$T_TMP/$name.ready" "$@" </dev/null >"$T_TMP/$name.log" 2>&1
	BMCSIM_PID=$T_LAST_PID
	for ((i = 0; i < 1200; i++)); do
		[ -s "$T_TMP/$name.ready" ] && [ -s "$T_TMP/$name.conf" ] && return 0
		kill -0 "$BMCSIM_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "bmcsim $name did not get ready:"; tail -5 "$T_TMP/$name.log"
	return 1
}

bmcsim_stop() {
	local i
	[ -n "${BMCSIM_PID:-}" ] || return 0
	kill "$BMCSIM_PID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$BMCSIM_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$BMCSIM_PID" 2>/dev/null
	wait "$BMCSIM_PID" 2>/dev/null
	BMCSIM_PID=""
}

bmcsim_cpu() {
	awk '{ printf "%.2f\n", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$BMCSIM_PID/stat" 2>/dev/null || echo 0
}
