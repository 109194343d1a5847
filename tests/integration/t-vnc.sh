#!/bin/bash
# t-vnc.sh - "bmctop vnc": the local RFB relay against real VNC peers.
#
# Xvfb shows a plaid pattern; x11vnc serves it (once without a password,
# once with one, from a vncpasswd file); websockify puts a WebSocket in
# front; tests/peers/kvm-ws-server.py plays OpenBMC's /kvm/0 (HTTPS origin
# shared with the Redfish test server, X-Auth-Token checked against that
# server's sessions, frames over 1024 bytes refused).  vncsnapshot, a real
# RFB client, takes the screen through the relay and directly, and the
# images must be identical.  Everything listens on 127.0.0.1 on ports
# chosen at run time; every process is stopped by its pid.
. "$SRCDIR/tests/lib/tap.sh"
need Xvfb x11vnc websockify vncsnapshot compare identify display convert xdpyinfo ss openssl vncpasswd
. "$SRCDIR/tests/lib/redfish.sh"
redfish_need
PEERS="$SRCDIR/tests/peers"
PY=/usr/bin/python3
T="$T_TMP"
LOG="$XDG_STATE_HOME/bmctop/bmctop.log"

# start_xvfb: a display number nobody uses, in XVFB_DISPLAY.
start_xvfb() {
	# Xvfb picks a free display itself (-displayfd), taking each number's
	# lock atomically: two suites at once (CI beside a chroot's, whose
	# lock files are apart but whose abstract sockets are not) never share
	# one.
	local out="$T/xvfb.$RANDOM" d
	spawn sh -c "exec Xvfb -displayfd 3 -screen 0 320x240x24 -nolisten tcp 3>'$out' 2>>'$T/xvfb.log'"
	wait_for 20 grep -q '[0-9]' "$out" || return 1
	d=$(tr -dc '0-9' <"$out")
	wait_for 10 xdpyinfo -display ":$d" || return 1
	XVFB_DISPLAY=":$d"
}

port_listens() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_xvfb || skip_all "Xvfb does not start"
D1=$XVFB_DISPLAY
# Something recognisable: a checkerboard with an orange block in the middle
# (xsetroot's background never reaches Xvfb's framebuffer here; display's does).
convert -size 320x240 pattern:checkerboard -fill '#ff8000' -draw 'rectangle 100,60 220,180' \
	"$T/pattern.png" || skip_all "ImageMagick cannot draw"
DISPLAY=$D1 display -window root "$T/pattern.png" >/dev/null 2>&1
# is_orange IMAGE X Y: the pixel is the block's colour (allowing for JPEG).
is_orange() {
	convert "$1" -format '%[fx:abs(p{'"$2,$3"'}.r-1.0)<0.08 && abs(p{'"$2,$3"'}.g-0.5)<0.08 && p{'"$2,$3"'}.b<0.08]' info: 2>/dev/null | grep -qx 1
}

VNC_PORT=$(free_port)
spawn x11vnc -display "$D1" -rfbport "$VNC_PORT" -localhost -nopw -forever -shared -quiet \
	-o "$T/x11vnc.log" >/dev/null 2>&1
# A second x11vnc that asks for a password (VNC authentication upstream).
VNC_PW=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 8)
(umask 077 && printf '%s' "$VNC_PW" >"$T/vnc.pw" && printf '%s' "$VNC_PW" | vncpasswd -f >"$T/vnc.rfbauth")
VNC2_PORT=$(free_port)
spawn x11vnc -display "$D1" -rfbport "$VNC2_PORT" -localhost -rfbauth "$T/vnc.rfbauth" \
	-forever -shared -quiet -o "$T/x11vnc2.log" >/dev/null 2>&1
WS_PORT=$(free_port)
spawn websockify 127.0.0.1:"$WS_PORT" 127.0.0.1:"$VNC_PORT" >"$T/websockify.log" 2>&1
wait_for 20 port_listens "$VNC_PORT" && wait_for 20 port_listens "$VNC2_PORT" &&
	wait_for 20 port_listens "$WS_PORT" || skip_all "x11vnc or websockify does not listen"

# The OpenBMC-like origin: Redfish server behind kvm-ws-server.py, same key.
redfish_start rf openbmc-bmcweb-stock || fail "Redfish test server starts"
RF_URL=$(redfish_url rf)
start_kvm() { # NAME [--hostile MODE]
	local name=$1 port; shift
	port=$(free_port)
	spawn "$PY" "$PEERS/kvm-ws-server.py" --port "$port" --redfish "$RF_URL" \
		--vnc 127.0.0.1:"$VNC_PORT" --cert "$(redfish_cert rf)" \
		--key "$(redfish_dir rf)/key.pem" --stats "$T/$name.stats" \
		--ready-file "$T/$name.ready" --max-seconds 600 "$@" >"$T/$name.log" 2>&1
	wait_for 20 test -s "$T/$name.ready" || { fail "kvm-ws-server $name starts"; return 1; }
	eval "KVM_PORT_$name=$port"
}
start_kvm obmc
kvm_stat() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/$1.stats" "$2"; }

cat >"$T/fleet.conf" <<EOF
[defaults]
user = admin
password-file = $REDFISH_PASSWORD_FILE
protocol = redfish
tls = insecure
timeout = 5s

[host native]
address = 127.0.0.1
vnc = rfb:127.0.0.1:$VNC_PORT

[host locked]
address = 127.0.0.1
vnc = rfb:127.0.0.1:$VNC2_PORT
vnc-password-file = $T/vnc.pw

[host wrongpw]
address = 127.0.0.1
vnc = rfb:127.0.0.1:$VNC2_PORT
vnc-password-file = $T/wrong.pw

[host wsock]
address = 127.0.0.1
vnc = ws://127.0.0.1:$WS_PORT/

[host obmc]
address = 127.0.0.1
redfish = https://127.0.0.1:$KVM_PORT_obmc
vnc = openbmc
tls = tofu

[host ilo]
address = 127.0.0.1
vnc = ilo

[host unknown]
address = 127.0.0.1
protocol = ipmi
vnc = auto
EOF
(umask 077 && printf 'not-it!' >"$T/wrong.pw")
chmod 600 "$T/fleet.conf"
F="$T/fleet.conf"

# The picture, straight from x11vnc.
timeout 60 vncsnapshot -quiet 127.0.0.1::"$VNC_PORT" "$T/direct.jpg" >"$T/snap-direct.log" 2>&1
check "vncsnapshot reads x11vnc directly" test -s "$T/direct.jpg"
is "the snapshot is the Xvfb screen's size" "$(identify -format '%wx%h' "$T/direct.jpg" 2>/dev/null)" "320x240"
check "and shows the picture drawn on it" is_orange "$T/direct.jpg" 160 120

. "$SRCDIR/tests/lib/relay.sh"
# same_image A B: identical size and no differing pixel.
same_image() {
	[ -s "$1" ] && [ -s "$2" ] || return 1
	[ "$(identify -format '%wx%h' "$1")" = "$(identify -format '%wx%h' "$2")" ] || return 1
	[ "$(compare -metric AE "$1" "$2" null: 2>&1)" = "0" ]
}
snap() { # PORT PWFILE OUT
	timeout 60 vncsnapshot -quiet -passwd "$2" 127.0.0.1::"$1" "$3" >"$3.log" 2>&1
}

# 1. Native RFB through the relay.
relay_start native native
like "endpoint is 127.0.0.1:PORT" "$(head -1 "$T/native.out")" '^127\.0\.0\.1:[0-9]+$'
is "password file is 0600" "$(stat -c %a "$RELAY_PW_native")" "600"
is "password file holds 8 bytes (vncpasswd format)" "$(stat -c %s "$RELAY_PW_native")" "8"
listen=$(ss -Hltn "sport = :$RELAY_PORT_native" | awk '{print $4}')
is "the relay listens on 127.0.0.1 only" "$listen" "127.0.0.1:$RELAY_PORT_native"
snap "$RELAY_PORT_native" "$RELAY_PW_native" "$T/relay.jpg"
check "vncsnapshot through the relay gets the same picture as directly" same_image "$T/relay.jpg" "$T/direct.jpg"
relay_wait native
is "the relay ends with its viewer (exit 0)" "$RELAY_RC" "0"
check "the password file is removed at the end" test ! -e "$RELAY_PW_native"

# 2. A wrong one-time password is refused; the right one still works.
relay_start otp native
printf 'badpass1' | vncpasswd -f >"$T/bad.rfbauth"
if snap "$RELAY_PORT_otp" "$T/bad.rfbauth" "$T/bad.jpg"; then
	fail "a wrong one-time password is refused"
else
	ok "a wrong one-time password is refused"
fi
check "no picture with a wrong password" test ! -s "$T/bad.jpg"
like "the refusal is logged" "$(cat "$LOG")" "wrong one-time password"
snap "$RELAY_PORT_otp" "$RELAY_PW_otp" "$T/otp.jpg"
check "the right password works after a wrong one" same_image "$T/otp.jpg" "$T/direct.jpg"
relay_wait otp

# 3. The BMC's own VNC authentication (vnc-password), right and wrong.
relay_start locked locked
snap "$RELAY_PORT_locked" "$RELAY_PW_locked" "$T/locked.jpg"
check "upstream VNC authentication with vnc-password" same_image "$T/locked.jpg" "$T/direct.jpg"
relay_wait locked
relay_start wrongpw wrongpw
out=$("$PY" "$PEERS/rfb-client.py" 127.0.0.1:"$RELAY_PORT_wrongpw" --passwd "$RELAY_PW_wrongpw" 2>&1)
like "a wrong vnc-password reaches the viewer as the reason" "$out" "refused the password"
relay_wait wrongpw
is "a wrong vnc-password: exit 1" "$RELAY_RC" "1"
like "and says so" "$(cat "$T/wrongpw.err")" "refused the password \(vnc-password\)"
unlike "the BMC's password is never printed" "$(cat "$T/wrongpw.err" "$T/locked.err" "$LOG")" "$VNC_PW"

# 4. WebSocket (websockify) and two relays at once.
relay_start ws1 wsock
relay_start two native
snap "$RELAY_PORT_ws1" "$RELAY_PW_ws1" "$T/ws1.jpg" &
p1=$!
snap "$RELAY_PORT_two" "$RELAY_PW_two" "$T/two.jpg" &
p2=$!
wait "$p1" "$p2"
check "through websockify (ws://)" same_image "$T/ws1.jpg" "$T/direct.jpg"
check "a second relay at the same time" same_image "$T/two.jpg" "$T/direct.jpg"
relay_wait ws1
relay_wait two
like "websockify was offered the binary subprotocol" "$(cat "$T/websockify.log")" "WebSocket connection"

# 5. OpenBMC: Redfish session token on wss://.../kvm/0, frames <= 1024 bytes.
relay_start obmc obmc
snap "$RELAY_PORT_obmc" "$RELAY_PW_obmc" "$T/obmc.jpg"
check "OpenBMC /kvm/0 over wss with a session token" same_image "$T/obmc.jpg" "$T/direct.jpg"
relay_wait obmc
is "the KVM endpoint accepted the token" "$(kvm_stat obmc token_ok)" "1"
is "the Redfish session is deleted when the relay ends" "$(redfish_stats rf live_sessions)" "[]"
like "tls = tofu recorded the BMC's key" "$(cat "$XDG_STATE_HOME/bmctop/known_hosts" 2>/dev/null)" "^obmc https://127.0.0.1:$KVM_PORT_obmc sha256//"
relay_start obmc2 obmc
out=$("$PY" "$PEERS/rfb-client.py" 127.0.0.1:"$RELAY_PORT_obmc2" --passwd "$RELAY_PW_obmc2" --cut-text 5000 2>&1)
like "a 5000-byte RFB message reaches the BMC" "$out" "^ok 320x240 cut=5000"
relay_wait obmc2
is "no frame over 1024 bytes was sent" "$(kvm_stat obmc oversize_frames)" "0"
check "the largest frame was 1024 bytes" test "$(kvm_stat obmc max_client_frame)" -le 1024
check "the message arrived whole (split over frames)" test "$(kvm_stat obmc client_bytes)" -ge 5000
code=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Upgrade: websocket' -H 'Connection: Upgrade' \
	-H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
	-H 'X-Auth-Token: forged' --max-time 20 "https://127.0.0.1:$KVM_PORT_obmc/kvm/0")
is "the KVM endpoint refuses a token Redfish did not issue" "$code" "401"

# 6. Malformed frames from a hostile server close the relay with a reason.
for mode in bad-opcode huge-length fragmented-ping bad-close-code masked reserved-bits; do
	name=h${mode//-/_}
	start_kvm "$name" --hostile "$mode" || continue
	eval "kp=\$KVM_PORT_$name"
	cat >>"$F" <<EOF

[host $name]
address = 127.0.0.1
redfish = https://127.0.0.1:$kp
vnc = openbmc
EOF
	relay_start "$name" "$name" || continue
	"$PY" "$PEERS/rfb-client.py" 127.0.0.1:"$(eval echo \$RELAY_PORT_$name)" \
		--passwd "$(eval echo \$RELAY_PW_$name)" >"$T/$name.client" 2>&1
	relay_wait "$name"
	is "$mode: the relay ends with exit 1" "$RELAY_RC" "1"
	like "$mode: with the reason" "$(cat "$T/$name.err")" "malformed WebSocket frame from wss://127.0.0.1:$kp/kvm/0: .*relay closed"
	like "$mode: the viewer hears it" "$(cat "$T/$name.client")" "malformed WebSocket frame"
	wait_for 10 grep -q 1002 "$T/$name.stats"
	like "$mode: the server gets close code 1002" "$(kvm_stat "$name" client_close_codes)" "1002"
	check "$mode: the password file is removed" test ! -e "$(eval echo \$RELAY_PW_$name)"
	is "$mode: the Redfish session is deleted" "$(redfish_stats rf live_sessions)" "[]"
done
like "malformed frames are logged" "$(cat "$LOG")" "warn .*malformed WebSocket frame"

# 7. What cannot be done is said.
out=$("$BMCTOP" -c "$F" vnc ilo --no-viewer 2>&1)
like "HPE iLO: not supported, with the reason" "$out" "not supported: iLO's remote console uses HPE's proprietary protocol"
out=$("$BMCTOP" -c "$F" vnc unknown --no-viewer 2>&1)
like "vnc = auto without a known vendor says what to configure" "$out" "set vnc = rfb:HOST:PORT"
out=$("$BMCTOP" -c "$F" vnc native --bogus 2>&1)
like "an unknown option is a usage error" "$out" "unknown option --bogus"

# 8. A real viewer under a second Xvfb, started by bmctop through vnc-viewer.
if command -v xtigervncviewer >/dev/null && command -v import >/dev/null && start_xvfb; then
	D2=$XVFB_DISPLAY
	cat >>"$F" <<EOF

[host viewer]
address = 127.0.0.1
vnc = rfb:127.0.0.1:$VNC_PORT
vnc-viewer = xtigervncviewer -passwd %f -geometry +0+0 -NoJPEG -PreferredEncoding raw %h::%p
EOF
	DISPLAY=$D2 spawn "$BMCTOP" -c "$F" vnc viewer >"$T/viewer.out" 2>"$T/viewer.err"
	vpid=$T_LAST_PID
	shot_ok() {
		import -display "$D2" -window root "$T/viewer.png" 2>/dev/null &&
			is_orange "$T/viewer.png" 150 110 && ! is_orange "$T/viewer.png" 20 20
	}
	if wait_for 30 shot_ok; then ok "xtigervncviewer shows the Xvfb screen through the relay"; else
		fail "xtigervncviewer shows the Xvfb screen through the relay"; diag "$(cat "$T/viewer.err")"; fi
	like "bmctop names the viewer it started" "$(cat "$T/viewer.err")" "viewer xtigervncviewer at 127.0.0.1:[0-9]+"
	[ -z "${VNC_SCREENSHOT:-}" ] || cp "$T/viewer.png" "$VNC_SCREENSHOT"
	kill "$vpid" 2>/dev/null
	wait_for 20 sh -c "! kill -0 $vpid 2>/dev/null"
	check "SIGTERM ends the relay and its viewer" sh -c "! kill -0 $vpid 2>/dev/null"
fi
# 9. The dashboard's V key: a relay for the selected host; without a display
# its endpoint goes to the message line, and quitting ends it.
if command -v tmux >/dev/null; then
	cat >"$T/tui.conf" <<EOF
[defaults]
protocol = ipmi
console = none
timeout = 1s
retries = 1

[host native]
address = 127.0.0.1
ipmi-port = $(free_port)
vnc = rfb:127.0.0.1:$VNC_PORT
EOF
	chmod 600 "$T/tui.conf"
	TS="$T/tmux.sock"
	tmux -S "$TS" new-session -d -x 160 -y 30 \
		"env -u DISPLAY '$BMCTOP' -c '$T/tui.conf' 2>'$T/tui.err'; echo exited >'$T/tui.done'"
	tpane() { tmux -S "$TS" capture-pane -p 2>/dev/null; }
	wait_for 30 sh -c "tmux -S '$TS' capture-pane -p | grep -q native"
	tmux -S "$TS" send-keys V
	if wait_for 30 sh -c "tmux -S '$TS' capture-pane -p | grep -q 'VNC relay on 127.0.0.1:'"; then
		ok "V starts a relay and shows its endpoint (no display)"
	else
		fail "V starts a relay and shows its endpoint (no display)"; diag "$(tpane)"
	fi
	# The relay list V opens: the endpoint as viewers read a port
	# (127.0.0.1::PORT) and the password file.
	line=$(tpane | grep -o 'native  *127\.0\.0\.1::[0-9]*' | head -1)
	tport=$(echo "$line" | sed -n 's/.*127\.0\.0\.1::\([0-9]*\).*/\1/p')
	tpw=$(tpane | grep -o 'password file: [^ ]*' | head -1 | sed 's/^password file: //')
	snap "$tport" "$tpw" "$T/tui.jpg"
	if same_image "$T/tui.jpg" "$T/direct.jpg"; then
		ok "a viewer through the dashboard's relay gets the same picture"
	else
		fail "a viewer through the dashboard's relay gets the same picture"
		diag "endpoint: $tport, password file: $tpw"; diag "$(tpane)"
	fi
	# q asks first while a relay is open; y quits.
	tmux -S "$TS" send-keys Escape q
	wait_for 10 sh -c "tmux -S '$TS' capture-pane -p | grep -q 'VNC relay open'"
	tmux -S "$TS" send-keys y
	wait_for 30 test -f "$T/tui.done"
	check "quitting the dashboard ends it" test -f "$T/tui.done"
	check "and its relay stops listening" sh -c "! (exec 3<>/dev/tcp/127.0.0.1/$tport) 2>/dev/null"
	check "and the one-time password file is removed" test ! -e "$tpw"
	tmux -S "$TS" kill-server 2>/dev/null
fi

unlike "no sanitizer report from any relay" "$(cat "$T"/*.err 2>/dev/null)" "Sanitizer|runtime error"
exit 0
