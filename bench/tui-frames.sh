#!/bin/bash
# tui-frames.sh - how fast the dashboard draws and answers keys with large
# fleets, and what it costs when idle.
#
#   bench/tui-frames.sh [N...]        (default: 1000 10000)
#
# Each fleet has N hosts on 127.0.0.1 ports where nothing listens, so every
# poll times out (the worst case for a dashboard that must never wait on the
# network).  The real binary runs in tmux at 200x60; the bench types 300
# keys (moves, sorts, a filter, tab switches) and reads the dashboard's own
# frame and key-latency statistics from its log (the median and p99 of the
# last 4096 frames, the worst of all; :stats shows the same live), then
# leaves it idle for BENCH_IDLE_SECONDS (default 60) and reads its CPU time
# from /proc.  Every poll times out here, so the trend columns have nothing
# to draw: bench/history-budget.sh measures frames with them full.
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
need tmux
idle=${BENCH_IDLE_SECONDS:-60}
sizes=${*:-1000 10000}
hz=$(getconf CLK_TCK)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

for n in $sizes; do
	echo "== dashboard with $n hosts (all timing out)"
	fleet="$T_TMP/fleet-$n.conf"
	last=$((20000 + n - 1))
	printf '[defaults]\nprotocol = ipmi\ncipher-suite = 3\ninterval = 30s\ntimeout = 2s\nretries = 3\nmax-in-flight = 512\n\n[host n[%05d-%05d]]\naddress = 127.0.0.1\nipmi-port = [20000-%d]\ngroup = g1\n' \
		0 $((n - 1)) "$last" >"$fleet"
	rm -rf "$XDG_STATE_HOME/bmctop"
	sock="$T_TMP/tmux-$n.sock"
	tmux -S "$sock" new-session -d -x 200 -y 60 \
		"XDG_STATE_HOME='$XDG_STATE_HOME' exec '$BMCTOP' -c '$fleet'"
	pid=$(tmux -S "$sock" display-message -p '#{pane_pid}')
	T_PIDS="$T_PIDS $pid"
	sleep 3
	for i in $(seq 100); do tmux -S "$sock" send-keys j; sleep 0.01; done
	for k in s s s s G g / n 0 0 5 Enter Escape Enter 1 2 3 4 Escape; do
		tmux -S "$sock" send-keys "$k"; sleep 0.05
	done
	for i in $(seq 150); do tmux -S "$sock" send-keys k; sleep 0.01; done
	for i in $(seq 30); do tmux -S "$sock" send-keys PageDown; sleep 0.02; done
	sleep 1
	t0=$(cpu_ticks "$pid")
	sleep "$idle"
	t1=$(cpu_ticks "$pid")
	tmux -S "$sock" send-keys q
	wait_for 30 sh -c "! kill -0 $pid 2>/dev/null"
	tmux -S "$sock" kill-server 2>/dev/null
	grep -E 'tui: .*(frames|keys)' "$XDG_STATE_HOME/bmctop/bmctop.log" | tail -2 | sed 's/^[^ ]* info /  /'
	awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$idle" \
		'BEGIN { printf "  idle for %d s: %.2f s of CPU, %.2f%% of one core\n", s, (b-a)/hz, 100*(b-a)/hz/s }'
done
