#!/bin/bash
# screen-wall.sh - the budget of the wall and the Screen tab (issue 19):
# 16 tiles refreshed every 5 s within 5% of a core and 50 MB of extra
# resident memory, and the Screen tab's first picture of a 1280x1024
# screen within a second, on loopback.
#
#   bench/screen-wall.sh [-s SECONDS] [WxH...]   (default: 60 s; 1024x768 1280x1024)
#
# For each screen size, one Xvfb shows a picture (a plasma, which JPEG and
# zlib do not shrink to nothing, beside solid blocks) and one x11vnc serves
# it to all 16 hosts of the fleet (16 connections to one server: a server a
# tile would measure 16 x11vnc processes, not bmctop).  Half of the time
# the screen is redrawn whole every 5 s (two pictures in turn), so each
# tile's refresh carries a full update; the other half it is still (the
# wall asks each tile for a whole picture anyway: its clients are lean,
# vnc_screen_set_lean, keeping no framebuffer between refreshes).  The
# real binary runs in tmux at 200x60 (a 4x4 wall) with screen-graphics =
# blocks: first the dashboard alone, then the wall, each measured over
# SECONDS from /proc (CPU as % of one core: utime + stime; RSS and its
# peak).  Then the Screen tab of one host is opened three times on a
# 1280x1024 screen and its log gives the time from the start to the first
# picture.  Loopback only; every process is stopped by its pid.
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/vncpeer.sh"
need tmux Xvfb x11vnc convert display xdpyinfo
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
secs=60
if [ "${1:-}" = -s ]; then
	secs=$2
	shift 2
fi
sizes=${*:-1024x768 1280x1024}
tck=$(getconf CLK_TCK)

kb_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

# pictures WxH: two pictures of the size, to show in turn.
pictures() {
	local w=${1%x*} h=${1#*x}
	convert -seed 7 -size "$((w / 2))x$h" plasma:red-blue \( -size "$((w - w / 2))x$((h / 2))" \
		xc:'#00c000' -size "$((w - w / 2))x$((h - h / 2))" xc:'#ffff00' -append \) +append \
		"$T_TMP/a.png"
	convert "$T_TMP/a.png" -flop "$T_TMP/b.png"
}

# fleet PORT: 16 hosts on the one x11vnc; their IPMI answers nowhere.
fleet() {
	local i nothing
	nothing=$(free_port udp)
	{
		printf '[defaults]\nprotocol = ipmi\nuser = admin\nipmi-port = %s\n' "$nothing"
		printf 'timeout = 1s\nretries = 1\ninterval = 30s\nscreen-graphics = blocks\n'
		for i in $(seq -w 1 16); do
			printf '\n[host tile%s]\naddress = 127.0.1.%d\nvnc = rfb:127.0.0.1:%s\n' \
				"$i" "$((10#$i))" "$1"
		done
	} >"$T_TMP/fleet.conf"
	chmod 600 "$T_TMP/fleet.conf"
}

sock="$T_TMP/tmux.sock"
start() {
	rm -rf "$XDG_STATE_HOME/bmctop"
	tmux -S "$sock" -f /dev/null new-session -d -x 200 -y 60 \
		"exec env -u DISPLAY COLORTERM=truecolor XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' -c '$T_TMP/fleet.conf'"
	pid=$(tmux -S "$sock" display-message -p '#{pane_pid}')
	T_PIDS="$T_PIDS $pid"
	sleep 3
}
stop() {
	tmux -S "$sock" send-keys q
	wait_for 30 sh -c "! kill -0 $pid 2>/dev/null"
	tmux -S "$sock" kill-server 2>/dev/null
	rm -f "$sock"
}

# measure LABEL: CPU and memory over secs, the screen redrawn whole every 5 s
# in the first half.  Sets CPU_PCT, RSS_KB, HWM_KB.
measure() {
	local t0 t1 n=0 end=$(($(date +%s) + secs)) half=$(($(date +%s) + secs / 2))
	t0=$(ticks "$pid")
	while [ "$(date +%s)" -lt "$end" ]; do
		if [ "$(date +%s)" -lt "$half" ]; then
			n=$((n + 1))
			DISPLAY=$XVFB_DISPLAY display -window root "$T_TMP/$([ $((n % 2)) = 0 ] && echo a || echo b).png" \
				>/dev/null 2>&1
		fi
		sleep 5
	done
	t1=$(ticks "$pid")
	CPU_PCT=$(awk -v d="$((t1 - t0))" -v hz="$tck" -v s="$secs" 'BEGIN { printf "%.1f", 100 * d / hz / s }')
	RSS_KB=$(kb_of "$pid" VmRSS)
	HWM_KB=$(kb_of "$pid" VmHWM)
	echo "  $1: cpu ${CPU_PCT}% of a core over $secs s, RSS $(mb "$RSS_KB"), peak $(mb "$HWM_KB")"
}

for size in $sizes; do
	echo "== 16 tiles of a $size screen (one x11vnc, 16 connections), each refreshed every 5 s"
	pictures "$size" || { echo "  ImageMagick cannot draw"; continue; }
	vncpeer_start "$size" "$T_TMP/a.png" || { echo "  x11vnc on Xvfb does not start"; continue; }
	fleet "$VNC_PORT"
	start
	measure "dashboard alone"
	base_rss=$RSS_KB base_cpu=$CPU_PCT
	tmux -S "$sock" send-keys W
	sleep 8 # every tile's first picture (one client starts every 0.3 s)
	tiles=$(vncpeer_conns "$VNC_PORT")
	echo "  wall open: $tiles connections at x11vnc"
	measure "with the wall"
	extra=$((HWM_KB - base_rss))
	echo "  the wall's cost: cpu $(awk -v a="$CPU_PCT" -v b="$base_cpu" 'BEGIN { printf "%.1f", a - b }')% of a core, extra RSS $(mb "$extra") (peak over the dashboard alone)"
	echo "  target: <= 5% of a core: $(awk -v a="$CPU_PCT" -v b="$base_cpu" 'BEGIN { print (a - b <= 5) ? "yes" : "NO" }'), <= 50 MB extra: $([ "$extra" -le $((50 * 1024)) ] && echo yes || echo NO)"
	stop
done

echo "== the Screen tab's first picture of a 1280x1024 screen, three times"
pictures 1280x1024
vncpeer_start 1280x1024 "$T_TMP/a.png" || { echo "  x11vnc on Xvfb does not start"; exit 0; }
fleet "$VNC_PORT"
start
tmux -S "$sock" send-keys Enter
for i in 1 2 3; do
	tmux -S "$sock" send-keys 6
	wait_for 20 grep -q "first picture" "$XDG_STATE_HOME/bmctop/bmctop.log"
	sleep 2
	tmux -S "$sock" send-keys 1
	sleep 1
	wait_for 20 sh -c "[ \$(grep -c 'first picture' '$XDG_STATE_HOME/bmctop/bmctop.log') -ge $i ]"
done
firsts=$(sed -n 's/.*screen: first picture [0-9x]* in \([0-9.]*\) s.*/\1/p' "$XDG_STATE_HOME/bmctop/bmctop.log" | tr '\n' ' ')
echo "  first picture after: ${firsts}s"
echo "  target: <= 1 s: $(echo "$firsts" | awk '{ ok = NF > 0; for (i = 1; i <= NF; i++) if ($i > 1) ok = 0; print ok ? "yes" : "NO" }')"
stop
