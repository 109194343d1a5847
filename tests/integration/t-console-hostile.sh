# t-console-hostile.sh - serial consoles against servers that misbehave on purpose.
#
# tests/peers/telnet-flood.py floods option negotiation and never reads:
# "all" asks WILL/DO/DONT/WONT for every option, round after round (the
# codec must answer each option once per change of state, refusals once);
# "toggle" turns ECHO and BINARY on and off, so every request is owed an
# answer (reading must pause while the answers wait for the server).  In
# both, "bmctop sol" in pipe mode must keep its memory bounded, keep the
# console output flowing as far as the server lets it, and stay alive.
. "$SRCDIR/tests/lib/tap.sh"
need timeout
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"

FLOOD="$SRCDIR/tests/peers/telnet-flood.py"
# How long bmctop faces the flood, and the peak RSS it may reach meanwhile:
# the unbounded queue passed 2 GB in 10 s; a bounded one stays near 10 MB.
RUN_SECONDS=8
RSS_LIMIT_KB=$((100 * 1024))

# vmhwm PID: the process's peak resident set, in kB (empty once it is gone).
vmhwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null; }

# flood_run MODE: bmctop sol against the flood peer in MODE for RUN_SECONDS.
flood_run() {
	local mode=$1 port kb peak=0 start rc alive fleet="$T_TMP/$1.conf" flood_pid sol_pid
	port=$(free_port)
	printf '[defaults]\nuser = admin\nprotocol = ipmi\n\n[host flood1]\n%s\n%s\n' \
		"address = 127.0.0.1" "console = telnet:127.0.0.1:$port" >"$fleet"
	spawn /usr/bin/python3 "$FLOOD" "$port" --mode "$mode" --ready-file "$T_TMP/$mode.ready" \
		--stats "$T_TMP/$mode.stats" --max-seconds $((RUN_SECONDS + 60))
	flood_pid=$T_LAST_PID
	wait_for 20 test -s "$T_TMP/$mode.ready" || { fail "$mode: telnet-flood peer starts"; return; }

	# Pipe mode, stdin a fifo we hold open: the session lasts until we end it.
	mkfifo "$T_TMP/$mode.in"
	spawn sh -c "exec '$BMCTOP' -c '$fleet' sol flood1 <'$T_TMP/$mode.in' \
		>'$T_TMP/$mode.out' 2>'$T_TMP/$mode.err'"
	sol_pid=$T_LAST_PID
	exec 3>"$T_TMP/$mode.in"

	# Sampled until the run ends, bmctop ends, or the limit is passed (then
	# the test has its answer and the machine is spared the rest).
	start=$(date +%s)
	while [ "$(date +%s)" -lt $((start + RUN_SECONDS)) ]; do
		kb=$(vmhwm "$sol_pid")
		[ -n "$kb" ] || break
		peak=$kb
		[ "$kb" -lt "$RSS_LIMIT_KB" ] || break
		sleep 0.2
	done
	diag "$mode: bmctop peak RSS ${peak} kB after $(($(date +%s) - start)) s of flood;" \
		"peer: $(tr '\n' ' ' <"$T_TMP/$mode.stats" 2>/dev/null)"

	if kill -0 "$sol_pid" 2>/dev/null; then
		ok "$mode: bmctop sol is alive after ${RUN_SECONDS} s of option flood"
		alive=1
	else
		wait "$sol_pid"
		rc=$?
		alive=0
		# Ending is acceptable only with a status other than a crash and a reason.
		if [ "$rc" -gt 0 ] && [ "$rc" -lt 128 ] && grep -q . "$T_TMP/$mode.err"; then
			ok "$mode: bmctop sol ended with a clear error (status $rc)"
		else
			fail "$mode: bmctop sol is alive or ends with a clear error (status $rc)"
			diag "$(head -c 2000 "$T_TMP/$mode.err")"
		fi
	fi
	check "$mode: peak RSS stays under $((RSS_LIMIT_KB / 1024)) MB (was ${peak} kB)" \
		test "$peak" -gt 0 -a "$peak" -lt "$RSS_LIMIT_KB"
	like "$mode: the console text between the floods still arrives" \
		"$(head -c 100000 "$T_TMP/$mode.out")" 'flood round'
	like "$mode: the session said it was connected" "$(cat "$T_TMP/$mode.err")" '^\[connected\]'

	# Stopped before the fifo closes, so a big queue cannot keep it busy.
	[ "$alive" = 1 ] && kill "$sol_pid" 2>/dev/null
	exec 3>&-
	wait "$sol_pid" 2>/dev/null
	check "$mode: the flood peer survived" kill -0 "$flood_pid"
	kill "$flood_pid"
	wait "$flood_pid" 2>/dev/null
}

flood_run all
flood_run toggle
like "toggle: reading paused while the server did not take the answers" \
	"$(cat "$XDG_STATE_HOME/bmctop/bmctop.log" 2>/dev/null)" \
	'flood1: console: reading paused [1-9][0-9]* times'
exit 0
