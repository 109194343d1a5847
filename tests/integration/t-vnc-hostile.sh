#!/bin/bash
# t-vnc-hostile.sh - "bmctop vnc" against peers that misbehave.
#
#   * a WebSocket console (tests/peers/ws-rfb-server.py --mode ping-flood,
#     over ws:// and wss://) that floods pings after the RFB handshake and
#     never reads, with a tiny receive buffer, while the viewer keeps
#     sending: the relay's peak RSS stays bounded and it stays up;
#   * silent local connections to the relay's port: the real viewer still
#     gets in while they are open, and the silent ones are dropped after the
#     grace time and counted as failures;
#   * a viewer killed mid-stream, with an OpenBMC-like console behind a
#     Redfish session (kvm-ws-server.py): bmctop says what happened, exits
#     normally (not by SIGPIPE), removes the one-time password file and
#     deletes the Redfish session.
# Everything listens on 127.0.0.1 on ports chosen at run time; every process
# is stopped by its pid.
. "$SRCDIR/tests/lib/tap.sh"
need openssl ss
. "$SRCDIR/tests/lib/redfish.sh"
redfish_need
PEERS="$SRCDIR/tests/peers"
PY=/usr/bin/python3
T="$T_TMP"
LOG="$XDG_STATE_HOME/bmctop/bmctop.log"
RSS_LIMIT_KB=$((100 * 1024))
# A relay past this is stopped at once, to spare the machine.
RSS_GUARD_KB=$((600 * 1024))

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 ||
	skip_all "openssl cannot make a certificate"

# start_rfb NAME [ws-rfb-server options]: sets PORT_NAME.
start_rfb() {
	local name=$1 port; shift
	port=$(free_port)
	spawn "$PY" "$PEERS/ws-rfb-server.py" --port "$port" --stats "$T/$name.stats" \
		--ready-file "$T/$name.ready" --max-seconds 300 "$@" >"$T/$name.log" 2>&1
	wait_for 20 test -s "$T/$name.ready" || { fail "ws-rfb-server $name starts"; return 1; }
	eval "PORT_$name=$port"
}
start_rfb flood --ws --mode ping-flood --rcvbuf 4096
start_rfb floodtls --ws --mode ping-flood --rcvbuf 4096 --cert "$T/cert.pem" --key "$T/key.pem"
# Big updates (1.9 MB each), so a viewer killed mid-stream leaves bytes in
# flight toward it.
start_rfb plain --size 800x600
start_rfb closing --size 800x600 --close-after 20

redfish_start rf openbmc-bmcweb-stock || fail "Redfish test server starts"
RF_URL=$(redfish_url rf)
KVM_PORT=$(free_port)
spawn "$PY" "$PEERS/kvm-ws-server.py" --port "$KVM_PORT" --redfish "$RF_URL" \
	--vnc 127.0.0.1:"$PORT_plain" --cert "$(redfish_cert rf)" --key "$(redfish_dir rf)/key.pem" \
	--stats "$T/kvm.stats" --ready-file "$T/kvm.ready" --max-seconds 300 >"$T/kvm.log" 2>&1
wait_for 20 test -s "$T/kvm.ready" || fail "kvm-ws-server starts"
KVM2_PORT=$(free_port)
spawn "$PY" "$PEERS/kvm-ws-server.py" --port "$KVM2_PORT" --redfish "$RF_URL" \
	--vnc 127.0.0.1:"$PORT_closing" --cert "$(redfish_cert rf)" --key "$(redfish_dir rf)/key.pem" \
	--stats "$T/kvm2.stats" --ready-file "$T/kvm2.ready" --max-seconds 300 >"$T/kvm2.log" 2>&1
wait_for 20 test -s "$T/kvm2.ready" || fail "the second kvm-ws-server starts"

cat >"$T/fleet.conf" <<EOF
[defaults]
user = admin
password-file = $REDFISH_PASSWORD_FILE
protocol = redfish
tls = insecure
timeout = 5s

[host flood]
address = 127.0.0.1
vnc = ws://127.0.0.1:$PORT_flood/

[host floodtls]
address = 127.0.0.1
vnc = wss://127.0.0.1:$PORT_floodtls/

[host plain]
address = 127.0.0.1
vnc = rfb:127.0.0.1:$PORT_plain

[host obmc]
address = 127.0.0.1
redfish = https://127.0.0.1:$KVM_PORT
vnc = openbmc

[host obmcviewer]
address = 127.0.0.1
redfish = https://127.0.0.1:$KVM_PORT
vnc = openbmc
vnc-viewer = $PY $PEERS/rfb-client.py %h:%p --passwd %f --stream 3

[host obmcclosing]
address = 127.0.0.1
redfish = https://127.0.0.1:$KVM2_PORT
vnc = openbmc
EOF
chmod 600 "$T/fleet.conf"
F="$T/fleet.conf"

. "$SRCDIR/tests/lib/relay.sh"
vm_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null; }

# 1. A console that floods pings and never reads, while the viewer keeps
# sending: memory stays bounded, the relay stays up.
flood_case() { # NAME
	local name=$1 pid port pw cpid rss peak=0 guard=0 i
	relay_start "$name" "$name" || return
	eval "pid=\$RELAY_PID_$name port=\$RELAY_PORT_$name pw=\$RELAY_PW_$name"
	"$PY" "$PEERS/rfb-client.py" 127.0.0.1:"$port" --passwd "$pw" --hold 10 --timeout 30 \
		>"$T/$name.client" 2>&1 &
	cpid=$!
	T_PIDS="$T_PIDS $cpid"
	for i in $(seq 1 300); do
		kill -0 "$cpid" 2>/dev/null || break
		rss=$(vm_kb "$pid" VmRSS)
		if [ -n "$rss" ] && [ "$rss" -gt "$RSS_GUARD_KB" ]; then
			guard=$rss
			peak=$(vm_kb "$pid" VmHWM)
			kill -9 "$pid"
			break
		fi
		sleep 0.1
	done
	wait "$cpid" 2>/dev/null
	[ "$guard" -gt 0 ] || peak=$(vm_kb "$pid" VmHWM)
	diag "$name: peak RSS ${peak:-?} kB; viewer: $(cat "$T/$name.client")"
	if [ "$guard" -gt 0 ]; then
		fail "$name: peak RSS stays under $((RSS_LIMIT_KB / 1024)) MB (stopped at ${guard} kB)"
	elif [ -z "$peak" ]; then
		fail "$name: the relay is still running after the flood"
		diag "$(cat "$T/$name.err")"
	else
		check "$name: peak RSS stays under $((RSS_LIMIT_KB / 1024)) MB" test "$peak" -lt "$RSS_LIMIT_KB"
		like "$name: the viewer stayed connected for the whole flood" "$(cat "$T/$name.client")" '"sent": [0-9]+'
	fi
	kill "$pid" 2>/dev/null
	relay_wait "$name"
	check "$name: SIGTERM then ends the relay with a message" grep -q "^bmctop: $name: " "$T/$name.err"
}
flood_case flood
check "the flooding console sent pings" test "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["pings_sent"])' "$T/flood.stats")" -gt 10000
flood_case floodtls

# 2. Silent connections do not lock the viewer out.
relay_start silent plain
exec {s1}<>"/dev/tcp/127.0.0.1/$RELAY_PORT_silent"
exec {s2}<>"/dev/tcp/127.0.0.1/$RELAY_PORT_silent"
exec {s3}<>"/dev/tcp/127.0.0.1/$RELAY_PORT_silent"
out=$("$PY" "$PEERS/rfb-client.py" 127.0.0.1:"$RELAY_PORT_silent" --passwd "$RELAY_PW_silent" \
	--cut-text 10 2>&1)
like "a viewer gets the framebuffer while three silent connections are open" "$out" "^ok 800x600 cut=10"
exec {s1}>&- {s2}>&- {s3}>&-
relay_wait silent
is "that relay ends normally with its viewer" "$RELAY_RC" "0"

# Silent connections are dropped after the grace time, each a failure:
# three end the relay.
relay_start grace plain
exec {s1}<>"/dev/tcp/127.0.0.1/$RELAY_PORT_grace"
if timeout 30 head -c 12 <&$s1 | grep -q '^RFB 003.008'; then
	ok "the relay greets a connection at once"
else
	fail "the relay greets a connection at once"
fi
if timeout 40 cat <&$s1 >/dev/null; then
	ok "a silent connection is dropped after the grace time"
else
	fail "a silent connection is dropped after the grace time"
fi
like "and the drop is logged" "$(cat "$LOG")" "no valid authentication within [0-9]+ s"
exec {s2}<>"/dev/tcp/127.0.0.1/$RELAY_PORT_grace"
exec {s3}<>"/dev/tcp/127.0.0.1/$RELAY_PORT_grace"
relay_wait grace
exec {s1}>&- {s2}>&- {s3}>&-
is "three silent connections end the relay (exit 1)" "$RELAY_RC" "1"
like "saying why" "$(cat "$T/grace.err")" "3 viewers failed to authenticate"

# 3. Every way a relay with a Redfish session ends mid-stream: the viewer
# killed (three times), SIGTERM, SIGINT, the console closing.  Each time:
# a message, no death by SIGPIPE, no password file left, no Redfish session
# left (kvm-ws-server.py passes the DELETE to the Redfish server).
updates() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["updates"])' "$T/$1.stats"; }
ending_case() { # NAME HOST SERVER HOW EXPECTED-STATUS MESSAGE-REGEX
	local name=$1 host=$2 server=$3 how=$4 want=$5 msg=$6 pid port pw cpid before
	relay_start "$name" "$host" || return
	eval "pid=\$RELAY_PID_$name port=\$RELAY_PORT_$name pw=\$RELAY_PW_$name"
	before=$(updates "$server")
	"$PY" "$PEERS/rfb-client.py" 127.0.0.1:"$port" --passwd "$pw" --stream 60 \
		>"$T/$name.client" 2>&1 &
	cpid=$!
	T_PIDS="$T_PIDS $cpid"
	wait_for 30 sh -c "[ \$(\"$PY\" -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"updates\"])' '$T/$server.stats') -gt $((before + 10)) ]" ||
		diag "$name: the stream did not start"
	case $how in
	kill-viewer) kill -9 "$cpid"; wait "$cpid" 2>/dev/null ;;
	SIGTERM) kill -TERM "$pid" ;;
	SIGINT) kill -INT "$pid" ;;
	esac
	relay_wait "$name"
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	[ "$RELAY_RC" != 141 ] && ok "$name: bmctop is not killed by SIGPIPE (exit $RELAY_RC)" ||
		fail "$name: bmctop is not killed by SIGPIPE (exit $RELAY_RC)"
	is "$name: exit $want" "$RELAY_RC" "$want"
	like "$name: says what happened" "$(cat "$T/$name.err")" "^bmctop: $host: $msg"
	check "$name: the password file is removed" test ! -e "$pw"
	is "$name: the Redfish session is deleted" "$(redfish_stats rf live_sessions)" "[]"
}
for run in 1 2 3; do
	ending_case kill$run obmc plain kill-viewer 0 "the viewer closed the connection"
done
ending_case term obmc plain SIGTERM 143 "stopped by signal 15"
ending_case int obmc plain SIGINT 130 "stopped by signal 2"
ending_case closing obmcclosing closing console-closes 0 "wss://127.0.0.1:$KVM2_PORT/kvm/0 closed the WebSocket \(code 1000\)"
# The viewer bmctop started exits by itself.
DISPLAY=:bmctop-test-no-such-display "$BMCTOP" -c "$F" vnc obmcviewer >"$T/viewer.out" 2>"$T/viewer.err" &
vpid=$!
T_PIDS="$T_PIDS $vpid"
if wait_for 60 sh -c "! kill -0 $vpid 2>/dev/null"; then
	wait "$vpid"
	is "viewer exits: exit 0" "$?" "0"
else
	fail "viewer exits: bmctop ends with its viewer"
fi
like "viewer exits: bmctop names the viewer it started" "$(cat "$T/viewer.err")" "viewer [^ ]*python3 at 127.0.0.1:[0-9]+"
like "viewer exits: says what happened" "$(cat "$T/viewer.err")" "^bmctop: obmcviewer: the viewer (closed the connection|exited \(status 0\))"
is "viewer exits: no password file is left" "$(ls "$XDG_STATE_HOME/bmctop" | grep -c '^vnc-.*\.passwd$')" "0"
is "viewer exits: the Redfish session is deleted" "$(redfish_stats rf live_sessions)" "[]"
like "the sessions were deleted with DELETE" "$(cat "$LOG")" "console's Redfish session deleted"

unlike "no sanitizer report from any relay" "$(cat "$T"/*.err 2>/dev/null)" "Sanitizer|runtime error"
exit 0
