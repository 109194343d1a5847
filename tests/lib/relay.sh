# relay.sh - start and wait for "bmctop vnc HOST --no-viewer" in tests.
# Source after tap.sh; uses $BMCTOP, the fleet file $F and the folder $T.

# relay_start NAME HOST [args]: bmctop vnc HOST --no-viewer in the background;
# sets RELAY_PORT_NAME, RELAY_PW_NAME (the password file), RELAY_PID_NAME.
relay_start() {
	local name=$1 host=$2; shift 2
	spawn "$BMCTOP" -c "$F" vnc "$host" --no-viewer "$@" >"$T/$name.out" 2>"$T/$name.err"
	eval "RELAY_PID_$name=$T_LAST_PID"
	if ! wait_for 30 sh -c "[ \$(wc -l <'$T/$name.out') -ge 2 ]"; then
		fail "$name: relay prints its endpoint"; diag "$(cat "$T/$name.err")"; return 1
	fi
	eval "RELAY_PORT_$name=$(sed -n '1s/^127\.0\.0\.1://p' "$T/$name.out")"
	eval "RELAY_PW_$name=$(sed -n 2p "$T/$name.out")"
}

# relay_wait NAME: wait (bounded) for the relay to exit; its status in RELAY_RC.
relay_wait() {
	local pid
	eval "pid=\$RELAY_PID_$1"
	if ! wait_for 30 sh -c "! kill -0 $pid 2>/dev/null"; then
		fail "relay $1 ends by itself"
		kill "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	RELAY_RC=$?
}
