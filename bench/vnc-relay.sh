#!/bin/bash
# vnc-relay.sh - throughput and CPU of a sustained framebuffer stream through
# bmctop's VNC relay and through websockify, side by side.
#
#   bench/vnc-relay.sh [SECONDS] [WIDTHxHEIGHT]      (default: 10 1280x1024)
#
# x11vnc serves an Xvfb screen; tests/peers/rfb-client.py asks for full,
# non-incremental Raw updates for SECONDS (two requests in flight), so the
# stream is as heavy as RFB gets.  The same client and server are measured
#   websockify   client --WebSocket--> websockify --TCP--> x11vnc
#   relay        client --TCP--> bmctop relay --TCP--> x11vnc
#   relay+ws     client --TCP--> bmctop relay --ws://--> websockify --> x11vnc
# Each relay process runs under bench/measure.py for exactly one session, so
# its CPU (user+system) and peak RSS are its own.  Printed: MB/s at the
# client, the relay's CPU seconds per GB carried, and bmctop's ratios to
# websockify.  Loopback only, ports chosen at run time, every process
# stopped by its pid.
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
need Xvfb x11vnc websockify xdpyinfo openssl convert display
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
SECS=${1:-10}
GEOM=${2:-1280x1024}
M="$SRCDIR/bench/measure.py"
CLIENT="$SRCDIR/tests/peers/rfb-client.py"
PY=/usr/bin/python3
T="$T_TMP"

for d in $(seq $((30 + RANDOM % 60)) 99); do
	[ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ] || break
done
spawn Xvfb ":$d" -screen 0 "${GEOM}x24" -nolisten tcp 2>/dev/null
wait_for 10 xdpyinfo -display ":$d" || { echo "Xvfb :$d does not start"; exit 1; }
convert -size "$GEOM" plasma:fractal "$T/screen.png" 2>/dev/null &&
	DISPLAY=":$d" display -window root "$T/screen.png" >/dev/null 2>&1
VNC=$(free_port)
spawn x11vnc -display ":$d" -rfbport "$VNC" -localhost -nopw -forever -shared -quiet \
	-o "$T/x11vnc.log" >/dev/null 2>&1
port_listens() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for 20 port_listens "$VNC" || { echo "x11vnc does not listen"; exit 1; }

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
json() { "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }

# websockify_once OUTFILE: websockify for one session under measure.py;
# its port in WS_PORT.  (Run in this shell, not $(...), so spawn records
# the pid for cleanup.)
websockify_once() {
	WS_PORT=$(free_port)
	spawn "$M" websockify websockify --run-once 127.0.0.1:"$WS_PORT" 127.0.0.1:"$VNC" >"$1"
	wait_for 20 port_listens "$WS_PORT"
}

# relay_once NAME VNC-SPEC OUTFILE: a bmctop relay for one session; sets
# RELAY_PORT and RELAY_PW.
relay_once() {
	local name=$1 spec=$2 out=$3
	cat >"$T/$name.conf" <<EOF
[defaults]
protocol = ipmi
[host $name]
address = 127.0.0.1
vnc = $spec
EOF
	chmod 600 "$T/$name.conf"
	BENCH_KEEP_OUTPUT="$T/$name.endpoint" spawn "$M" "$name" "$BMCTOP" -c "$T/$name.conf" \
		vnc "$name" --no-viewer >"$out"
	wait_for 20 sh -c "[ \$(wc -l <'$T/$name.endpoint' 2>/dev/null || echo 0) -ge 2 ]" || return 1
	RELAY_PORT=$(sed -n '1s/^127\.0\.0\.1://p' "$T/$name.endpoint")
	RELAY_PW=$(sed -n 2p "$T/$name.endpoint")
}

wait_line() { wait_for 30 test -s "$1"; cat "$1"; }

echo "# bench/vnc-relay.sh: ${SECS}s of full Raw updates of a ${GEOM} screen, 32 bpp"

# websockify alone.
websockify_once "$T/ws.m" || { echo "websockify does not start"; exit 1; }
ws_json=$("$PY" "$CLIENT" 127.0.0.1:"$WS_PORT" --ws / --stream "$SECS")
ws_m=$(wait_line "$T/ws.m")

# bmctop relay, native RFB upstream.
relay_once relay "rfb:127.0.0.1:$VNC" "$T/relay.m" || { echo "relay does not start"; exit 1; }
rl_json=$("$PY" "$CLIENT" 127.0.0.1:"$RELAY_PORT" --passwd "$RELAY_PW" --stream "$SECS")
rl_m=$(wait_line "$T/relay.m")

# bmctop relay through websockify (the WebSocket decoding side).
websockify_once "$T/ws2.m" || exit 1
relay_once relayws "ws://127.0.0.1:$WS_PORT/" "$T/relayws.m" || exit 1
rw_json=$("$PY" "$CLIENT" 127.0.0.1:"$RELAY_PORT" --passwd "$RELAY_PW" --stream "$SECS")
rw_m=$(wait_line "$T/relayws.m")
ws2_m=$(wait_line "$T/ws2.m")

report() { # LABEL JSON MEASURE
	local mbs bytes cpu rss per_gb
	mbs=$(printf '%s' "$2" | json mb_per_s)
	bytes=$(printf '%s' "$2" | json bytes)
	cpu=$(printf '%s\n' "$3" | field cpu)
	rss=$(printf '%s\n' "$3" | field rss_kb)
	per_gb=$("$PY" -c "import sys; print('%.3f' % (float(sys.argv[1]) / (float(sys.argv[2]) / 1e9)))" "$cpu" "$bytes")
	printf '%-34s %8s MB/s  cpu=%7ss  %6s cpu-s/GB  rss=%s kB\n' "$1" "$mbs" "$cpu" "$per_gb" "$rss"
	eval "R_${4}_MBS=$mbs R_${4}_PERGB=$per_gb"
}
report "websockify (client over ws)" "$ws_json" "$ws_m" WS
report "bmctop relay (rfb upstream)" "$rl_json" "$rl_m" RL
report "bmctop relay (ws:// upstream)" "$rw_json" "$rw_m" RW
report "  websockify behind it" "$rw_json" "$ws2_m" WS2
ratio() { "$PY" -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2fx' % (a/b) if b > 0 else '-')" "$1" "$2"; }
echo "# ratios to websockify: throughput relay $(ratio "$R_RL_MBS" "$R_WS_MBS"), relay+ws $(ratio "$R_RW_MBS" "$R_WS_MBS");" \
	"CPU per GB: websockify/relay $(ratio "$R_WS_PERGB" "$R_RL_PERGB"), websockify/relay+ws $(ratio "$R_WS_PERGB" "$R_RW_PERGB")"
