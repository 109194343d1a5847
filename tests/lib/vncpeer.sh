# vncpeer.sh - x11vnc on Xvfb showing a known picture, for tests and
# benchmarks of the RFB client.  Source after tap.sh (spawn, wait_for,
# free_port); every process is started with spawn, so stopped by its pid.

# vncpeer_xvfb WxH: a new Xvfb; sets XVFB_DISPLAY.
vncpeer_xvfb() {
	local out="$T_TMP/xvfb.$RANDOM" d
	spawn sh -c "exec Xvfb -displayfd 3 -screen 0 ${1}x24 -nolisten tcp 3>'$out' 2>>'$T_TMP/xvfb.log'"
	wait_for 20 grep -q '[0-9]' "$out" || return 1
	d=$(tr -dc '0-9' <"$out")
	wait_for 10 xdpyinfo -display ":$d" || return 1
	XVFB_DISPLAY=":$d"
}

# vncpeer_quadrants WxH FILE C1 C2 C3 C4: a picture of four quadrants
# (top left, top right, bottom left, bottom right).
vncpeer_quadrants() {
	local w=${1%x*} h=${1#*x}
	convert -size "$((w / 2))x$((h / 2))" xc:"$3" -size "$((w - w / 2))x$((h / 2))" xc:"$4" \
		+append \( -size "$((w / 2))x$((h - h / 2))" xc:"$5" \
		-size "$((w - w / 2))x$((h - h / 2))" xc:"$6" +append \) -append "$2"
}

# vncpeer_start WxH PICTURE: Xvfb showing PICTURE served by x11vnc; sets
# VNC_PORT.  1 when either does not start.
vncpeer_start() {
	vncpeer_xvfb "$1" || return 1
	DISPLAY=$XVFB_DISPLAY display -window root "$2" >/dev/null 2>&1
	VNC_PORT=$(free_port)
	spawn x11vnc -display "$XVFB_DISPLAY" -rfbport "$VNC_PORT" -localhost -nopw -forever \
		-shared -quiet -o "$T_TMP/x11vnc.$VNC_PORT.log" >/dev/null 2>&1
	wait_for 20 bash -c "(exec 3<>/dev/tcp/127.0.0.1/$VNC_PORT) 2>/dev/null"
}

# vncpeer_conns PORT: the TCP connections established to PORT on loopback.
vncpeer_conns() {
	ss -Htn state established "( dport = :$1 )" 2>/dev/null | grep -c .
}

# vncpeer_fleet FILE METHOD NAME=PORT...: a fleet file of hosts used for
# their graphical consoles alone (their IPMI port answers nothing), at
# 127.0.0.11 on, with screen-graphics = METHOD; NAME=none has no console.
vncpeer_fleet() {
	local f=$1 m=$2 i=11 h vnc
	shift 2
	[ -n "${VNCPEER_NOTHING:-}" ] || VNCPEER_NOTHING=$(free_port udp)
	{
		printf '[defaults]\nprotocol = ipmi\nuser = admin\nipmi-port = %s\n' "$VNCPEER_NOTHING"
		printf 'timeout = 300ms\nretries = 1\nscreen-graphics = %s\n' "$m"
		for h in "$@"; do
			vnc="rfb:127.0.0.1:${h#*=}"
			[ "${h#*=}" = none ] && vnc=none
			printf '\n[host %s]\naddress = 127.0.0.%d\nvnc = %s\n' "${h%%=*}" "$i" "$vnc"
			i=$((i + 1))
		done
	} >"$f"
	chmod 600 "$f"
}
