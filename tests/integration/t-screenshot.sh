#!/bin/bash
# t-screenshot.sh - "bmctop screenshot": the RFB client and its decoders
# against real VNC servers, its pictures checked against vncsnapshot's.
#
# x11vnc serves a 1280x1024 Xvfb showing a known picture (a plasma that
# makes Tight use JPEG, beside solid blocks), natively, behind websockify
# and behind tests/peers/kvm-ws-server.py (OpenBMC's /kvm/0 with a Redfish
# session); QEMU's own VNC server shows SeaBIOS's screen.  The encoding
# asked for is forced per run (BMCTOP_VNC_ENCODINGS) so ZRLE, Tight/JPEG,
# Hextile and Raw are each exercised, and each run logs the encodings the server
# used.  The mean absolute difference from vncsnapshot's JPEG must be
# small (ImageMagick's compare -metric MAE).  Loopback only; every process
# is stopped by its pid.
. "$SRCDIR/tests/lib/tap.sh"
need Xvfb x11vnc websockify vncsnapshot compare convert display xdpyinfo openssl curl
. "$SRCDIR/tests/lib/redfish.sh"
redfish_need
T="$T_TMP"

start_xvfb() {
	local out="$T/xvfb.$RANDOM" d
	spawn sh -c "exec Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>'$out' 2>>'$T/xvfb.log'"
	wait_for 20 grep -q '[0-9]' "$out" || return 1
	d=$(tr -dc '0-9' <"$out")
	wait_for 10 xdpyinfo -display ":$d" || return 1
	XVFB_DISPLAY=":$d"
}
port_listens() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# mae A B: ImageMagick's normalised mean absolute error, 0..1.
mae() { compare -metric MAE "$1" "$2" null: 2>&1 | sed -n 's/.*(\(.*\)).*/\1/p'; }
# mae_below A B BOUND
mae_below() {
	local m
	m=$(mae "$1" "$2")
	diag "MAE $(basename "$1") vs $(basename "$2"): $m"
	awk -v m="$m" -v b="$3" 'BEGIN { exit !(m != "" && m < b) }'
}

start_xvfb || skip_all "Xvfb does not start"
convert -seed 7 -size 640x1024 plasma:red-blue \( -size 640x512 xc:'#00c000' -size 640x512 \
	xc:'#ffff00' -append \) +append "$T/picture.png" || skip_all "ImageMagick cannot draw"
DISPLAY=$XVFB_DISPLAY display -window root "$T/picture.png" >/dev/null 2>&1

VNC_PORT=$(free_port)
spawn x11vnc -display "$XVFB_DISPLAY" -rfbport "$VNC_PORT" -localhost -nopw -forever -shared \
	-quiet -o "$T/x11vnc.log" >/dev/null 2>&1
WS_PORT=$(free_port)
spawn websockify 127.0.0.1:"$WS_PORT" 127.0.0.1:"$VNC_PORT" >"$T/websockify.log" 2>&1
wait_for 20 port_listens "$VNC_PORT" && wait_for 20 port_listens "$WS_PORT" ||
	skip_all "x11vnc or websockify does not listen"

cat >"$T/fleet.conf" <<EOT
[defaults]
protocol = ipmi
user = admin
timeout = 5s

[host native]
address = 127.0.0.11
vnc = rfb:127.0.0.1:$VNC_PORT

[host wsock]
address = 127.0.0.12
vnc = ws://127.0.0.1:$WS_PORT/
EOT
chmod 600 "$T/fleet.conf"
F="$T/fleet.conf"

timeout 60 vncsnapshot -quiet 127.0.0.1::"$VNC_PORT" "$T/direct.jpg" >"$T/snap.log" 2>&1
check "vncsnapshot reads x11vnc" test -s "$T/direct.jpg"

# shot NAME HOST ENCODINGS: bmctop screenshot; its stdout line in SHOT.
shot() {
	rm -f "$T/$1.png"
	SHOT=$(cd "$T" && BMCTOP_VNC_ENCODINGS=$3 timeout 60 "$BMCTOP" -c "$F" screenshot "$2" \
		-o "$T/$1.png" 2>"$T/$1.err")
	diag "$1: $SHOT"
}

for enc in zrle tight hextile raw; do
	shot "native-$enc" native "$enc"
	check "screenshot through native RFB with $enc writes a PNG" test -s "$T/native-$enc.png"
	like "$enc: 1280x1024" "$SHOT" " 1280x1024 "
	check "$enc: the picture matches vncsnapshot's" mae_below "$T/native-$enc.png" "$T/direct.jpg" 0.02
	eval "SHOT_$enc=\$SHOT"
done
like "ZRLE was what x11vnc used" "$SHOT_zrle" " ZRLE"
like "Tight with JPEG was used for the plasma" "$SHOT_tight" "Tight-JPEG"
like "Raw was used" "$SHOT_raw" " Raw "
like "Hextile was used" "$SHOT_hextile" " Hextile"
# pixel IMAGE X Y: its colour as #RRGGBB.
pixel() { convert "$1" -format "%[hex:p{$2,$3}]" info: 2>/dev/null | cut -c1-6; }
is "ZRLE: the green block is green" "$(pixel "$T/native-zrle.png" 900 200)" "00C000"
is "ZRLE: the yellow block is yellow" "$(pixel "$T/native-zrle.png" 900 800)" "FFFF00"
is "Raw: the yellow block is yellow" "$(pixel "$T/native-raw.png" 1279 1023)" "FFFF00"

shot ws wsock ""
check "screenshot through websockify writes a PNG" test -s "$T/ws.png"
check "websockify: the picture matches vncsnapshot's" mae_below "$T/ws.png" "$T/direct.jpg" 0.02
is "the PNG is 0600" "$(stat -c %a "$T/ws.png")" "600"
# The first picture's time on loopback (printed, not asserted: shared machine).
diag "first picture: $(awk '{print $NF}' <<<"$SHOT")"

# OpenBMC's /kvm/0: the relay's Redfish session and wss://, played by
# tests/peers/kvm-ws-server.py in front of x11vnc (frames to it at most 1024
# bytes, X-Auth-Token checked against the Redfish test server's sessions).
redfish_start rf openbmc-bmcweb-stock || fail "Redfish test server starts"
KVM_PORT=$(free_port)
spawn /usr/bin/python3 "$SRCDIR/tests/peers/kvm-ws-server.py" --port "$KVM_PORT" \
	--redfish "$(redfish_url rf)" --vnc 127.0.0.1:"$VNC_PORT" --cert "$(redfish_cert rf)" \
	--key "$(redfish_dir rf)/key.pem" --stats "$T/kvm.stats" --ready-file "$T/kvm.ready" \
	--max-seconds 600 >"$T/kvm.log" 2>&1
if wait_for 20 test -s "$T/kvm.ready"; then
	cat >>"$F" <<EOT

[host obmc]
address = 127.0.0.14
protocol = redfish
user = admin
password-file = $REDFISH_PASSWORD_FILE
redfish = https://127.0.0.1:$KVM_PORT
vnc = openbmc
tls = tofu
EOT
	shot obmc obmc zrle
	check "screenshot through OpenBMC's /kvm/0 writes a PNG" test -s "$T/obmc.png"
	check "/kvm/0: the picture matches vncsnapshot's" mae_below "$T/obmc.png" "$T/direct.jpg" 0.02
	kvm_stat() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/kvm.stats" "$1"; }
	is "the KVM endpoint accepted the relay's token" "$(kvm_stat token_ok)" "1"
	is "no frame over 1024 bytes went to it" "$(kvm_stat oversize_frames)" "0"
else
	fail "kvm-ws-server starts"
fi

# Never over an existing file, never through a link.
ln -s "$T/victim" "$T/link.png"
(cd "$T" && timeout 60 "$BMCTOP" -c "$F" screenshot native -o "$T/link.png" >/dev/null 2>"$T/link.err")
check "a link is not followed" test ! -e "$T/victim"
like "the link is refused with a reason" "$(cat "$T/link.err")" "cannot write"
cp "$T/ws.png" "$T/keep.png"
(cd "$T" && timeout 60 "$BMCTOP" -c "$F" screenshot native -o "$T/keep.png" >/dev/null 2>"$T/keep.err")
check "an existing file is kept" cmp -s "$T/ws.png" "$T/keep.png"
like "an existing file is refused" "$(cat "$T/keep.err")" "exists"
(cd "$T" && timeout 60 "$BMCTOP" -c "$F" screenshot native >/dev/null 2>"$T/def.err")
check "the default name is HOST-TIMESTAMP.png" sh -c "ls '$T' | grep -Eq '^native-[0-9]{8}T[0-9]{6}Z\.png$'"

# Hostile servers: each refused with a reason, no file written, nothing leaked.
hn=30
for mode in edge bomb cuttext bigscreen; do
	hn=$((hn + 1))
	hp=$(free_port)
	spawn /usr/bin/python3 "$SRCDIR/tests/peers/rfb-hostile-server.py" --port "$hp" --mode "$mode" \
		--ready-file "$T/hostile-$mode.ready" --max-seconds 120 >"$T/hostile-$mode.log" 2>&1
	wait_for 20 test -s "$T/hostile-$mode.ready" || { fail "hostile server $mode starts"; continue; }
	printf '\n[host h-%s]\naddress = 127.0.0.%d\nvnc = rfb:127.0.0.1:%s\n' "$mode" "$hn" "$hp" >>"$F"
	(cd "$T" && timeout 60 "$BMCTOP" -c "$F" screenshot "h-$mode" -o "$T/h-$mode.png" \
		>/dev/null 2>"$T/h-$mode.err")
	is "hostile $mode: exit status 1" "$?" 1
	check "hostile $mode: no file" test ! -e "$T/h-$mode.png"
	diag "hostile $mode: $(cat "$T/h-$mode.err")"
done
like "a rectangle past the edge is named" "$(cat "$T/h-edge.err")" "outside the 64x64 screen"
like "a zlib bomb is refused" "$(cat "$T/h-bomb.err")" "inflates past"
like "4 GiB of cut text is refused" "$(cat "$T/h-cuttext.err")" "cut text"
like "a 65535x65535 screen is refused" "$(cat "$T/h-bigscreen.err")" "65535x65535"

# QEMU: SeaBIOS's screen through QEMU's own VNC server.
if command -v qemu-system-x86_64 >/dev/null 2>&1; then
	QP=""
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$((5900 + RANDOM % 1000))
		port_listens "$p" || { QP=$p; break; }
	done
	spawn qemu-system-x86_64 -display none -vnc 127.0.0.1:$((QP - 5900)) -net none -m 64 \
		-no-reboot >"$T/qemu.log" 2>&1
	if wait_for 30 port_listens "$QP"; then
		cat >>"$F" <<EOT

[host qemu]
address = 127.0.0.13
vnc = rfb:127.0.0.1:$QP
EOT
		# Wait until SeaBIOS's screen holds still: two pictures alike but
		# for the blinking text cursor (a character cell: at most 9x16
		# pixels differ).
		same=0
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
			shot "q$i" qemu zrle
			timeout 60 vncsnapshot -quiet 127.0.0.1::"$QP" "$T/qemu.jpg" >/dev/null 2>&1
			shot "q$i-b" qemu tight
			if [ -s "$T/q$i.png" ] && [ -s "$T/q$i-b.png" ] &&
				[ "$(compare -metric AE "$T/q$i.png" "$T/q$i-b.png" null: 2>&1)" -le 144 ]; then
				same=$i
				break
			fi
			sleep 1
		done
		if [ "$same" -gt 0 ]; then
			ok "QEMU: two screenshots (ZRLE, Tight) agree once the screen holds still"
		else
			fail "QEMU: two screenshots (ZRLE, Tight) agree once the screen holds still"
			diag "pixels apart, last try: $(compare -metric AE "$T/q15.png" "$T/q15-b.png" null: 2>&1)"
		fi
		check "QEMU: the picture matches vncsnapshot's" mae_below "$T/q$same.png" "$T/qemu.jpg" 0.02
		# SeaBIOS's grey text on black: light pixels in the first line, none at the bottom right.
		is "QEMU: SeaBIOS's first line has text" \
			"$(convert "$T/q$same.png" -crop 300x16+0+0 -format '%[fx:maxima.r>0.5]' info:)" 1
		is "QEMU: the bottom right is black" \
			"$(convert "$T/q$same.png" -crop 100x50+600+340 -format '%[fx:maxima.r]' info:)" 0
	else
		fail "qemu's VNC server listens"
	fi
else
	diag "qemu-system-x86_64 not installed: QEMU part skipped (apt-get install qemu-system-x86)"
fi
unlike "no sanitizer report" "$(cat "$T"/*.err 2>/dev/null)" "Sanitizer|runtime error"
exit 0
