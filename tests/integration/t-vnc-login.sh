#!/bin/bash
# t-vnc-login.sh - the VNC relay's own Redfish login (vnc = openbmc, which
# logs in for a session token) obeys the same TLS rule as the Redfish
# backend: an http:// service URL is refused unless tls = insecure, before
# a single byte reaches it.  And a relay stopped while its login is on its
# way still deletes the session that login makes.  tests/peers/http-recorder.py is a plain-HTTP
# service that records every byte it receives; with tls = insecure it gets
# the login (which proves the path is taken), with verify, pin or tofu it
# gets nothing.  Loopback only; every process is stopped by its pid.
. "$SRCDIR/tests/lib/tap.sh"
need timeout
. "$SRCDIR/tests/lib/redfish.sh"
redfish_need
T="$T_TMP"
PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 20)
(umask 077 && printf '%s\n' "$PASSWORD" >"$T/pw")

# run_relay TLS: a relay in front of a fresh recorder; a viewer logs in to
# it if it comes up (which is what sets the Redfish login going).  Sets OUT
# (what bmctop printed), RC (its exit status, 143 when it had to be stopped)
# and REC (the recorder's file).
run_relay() {
	local tls=$1 port pin="" rec_pid relay rport
	port=$(free_port)
	REC="$T/$tls.rec"
	spawn /usr/bin/python3 "$SRCDIR/tests/peers/http-recorder.py" --port "$port" \
		--record "$REC" --ready-file "$T/$tls.ready" --max-seconds 120
	rec_pid=$T_LAST_PID
	wait_for 20 test -s "$T/$tls.ready" || fail "http-recorder starts ($tls)"
	[ "$tls" = pin ] && pin="tls-pin = sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	cat >"$T/$tls.conf" <<EOC
[defaults]
user = admin
password-file = $T/pw
protocol = redfish
timeout = 2s

[host bmc]
address = 127.0.0.1
redfish = http://127.0.0.1:$port
vnc = openbmc
tls = $tls
$pin
EOC
	spawn "$BMCTOP" -c "$T/$tls.conf" vnc bmc --no-viewer >"$T/$tls.out" 2>"$T/$tls.err" </dev/null
	relay=$T_LAST_PID
	wait_for 30 sh -c "[ \$(wc -l <'$T/$tls.out') -ge 2 ] || ! kill -0 $relay"
	if kill -0 "$relay" 2>/dev/null; then
		rport=$(sed -n '1s/^127\.0\.0\.1://p' "$T/$tls.out")
		timeout 60 /usr/bin/python3 "$SRCDIR/tests/peers/rfb-client.py" "127.0.0.1:$rport" \
			--passwd "$(sed -n 2p "$T/$tls.out")" --timeout 20 >"$T/$tls.client" 2>&1
		wait_for 10 grep -q "POST" "$REC"
		kill "$relay" 2>/dev/null
	fi
	wait "$relay" 2>/dev/null
	RC=$?
	OUT=$(cat "$T/$tls.out" "$T/$tls.err")
	kill "$rec_pid" 2>/dev/null
	wait "$rec_pid" 2>/dev/null
}

for tls in verify pin tofu; do
	run_relay "$tls"
	check "tls = $tls: http:// refused at once (exit $RC)" [ "$RC" -eq 1 -o "$RC" -eq 2 ]
	like "tls = $tls: the error says why" "$OUT" "plain HTTP: credentials would travel in clear"
	is "tls = $tls: the plain-HTTP service received nothing" "$(wc -c <"$REC")" 0
	unlike "tls = $tls: the password is never printed" "$OUT" "$PASSWORD"
done

# The control: with tls = insecure the relay does log in over http://, so
# the recorder above would have seen the password had the rule not held.
run_relay insecure
check "tls = insecure: the relay logged in over http://" grep -q "POST /redfish/v1/SessionService/Sessions" "$REC"
check "tls = insecure: the login carried the password" grep -qF "$PASSWORD" "$REC"

# Stopped while the login is in flight: the Redfish service makes the
# session at once but answers 3 s late; the relay, stopped meanwhile, waits
# for the answer and deletes the session (it used to forget it, and to free
# itself under the request).
redfish_start slow openbmc-bmcweb-stock --slow-login 3 || fail "Redfish test server starts"
F="$T/slow.conf"
cat >"$F" <<EOC
[defaults]
user = admin
password-file = $REDFISH_PASSWORD_FILE
protocol = redfish
timeout = 10s

[host bmc]
address = 127.0.0.1
redfish = $(redfish_url slow)
vnc = openbmc
tls = insecure
EOC
. "$SRCDIR/tests/lib/relay.sh"
if relay_start slow bmc; then
	spawn timeout 60 /usr/bin/python3 "$SRCDIR/tests/peers/rfb-client.py" \
		"127.0.0.1:$RELAY_PORT_slow" --passwd "$RELAY_PW_slow" --timeout 30
	for _ in $(seq 300); do
		[ "$(redfish_stats slow faults slow_login)" = 1 ] && break
		sleep 0.1
	done
	is "the login reached the service and waits there" "$(redfish_stats slow faults slow_login)" 1
	kill -TERM "$RELAY_PID_slow"
	relay_wait slow
	is "stopped mid-login: exit 128+15" "$RELAY_RC" 143
	is "the session the late login made was deleted" "$(redfish_stats slow live_sessions)" "[]"
	is "one session was made" "$(redfish_stats slow sessions_created)" 1
	check "the password file is gone" test ! -e "$RELAY_PW_slow"
	unlike "no sanitizer report" "$(cat "$T/slow.err")" "Sanitizer|runtime error"
fi
exit 0
