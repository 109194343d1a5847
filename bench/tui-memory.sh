#!/bin/bash
# tui-memory.sh - what the dashboard holds per host on a live simulated
# fleet, and whether it still draws fast while holding it.
#
#   bench/tui-memory.sh [-m MINUTES] [N...]     (default: 10 minutes; 2000 10000)
#
# For each N, bmcsim serves N BMCs on 127.0.0.1 and the real binary runs in
# tmux at 200x60 against them, polling every 30 s (sensors, events and the
# first inventory, as the dashboard does).  Every minute the bench prints
# bmctop's resident set; at the end it types keys (moves, sorts, a filter, a
# host's tabs), quits, and prints the peak RSS, the RSS per host and the
# dashboard's own frame statistics from its log, against the issue's target:
# 10,000 hosts after 10 minutes under 150 MB, frames under 10 ms.  Read the
# frame figures knowing how the dashboard keeps them: the median and p99 are
# over its last 4096 frames, the worst over all of them (wall time, so one frame
# preempted on a busy machine shows), and the key-to-screen figures come
# from the keys typed at the end, a frame each, on the full fleet.
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/bench/bmcsim-lib.sh"
need tmux
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
minutes=10
if [ "${1:-}" = -m ]; then
	minutes=$2
	shift 2
fi
sizes=${*:-2000 10000}
secs=$(echo "$minutes * 60 / 1" | bc)
[ "$secs" -ge 30 ] || { echo "at least half a minute"; exit 2; }

kb_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }

for n in $sizes; do
	echo "== dashboard with $n bmcsim hosts, interval 30 s, $minutes min"
	bmcsim_start mem --count "$n" || continue
	sed -i 's/^interval *=.*/interval = 30s/' "$T_TMP/mem.conf"
	grep -q '^interval' "$T_TMP/mem.conf" ||
		sed -i '0,/^\[defaults\]/s//[defaults]\ninterval = 30s/' "$T_TMP/mem.conf"
	rm -rf "$XDG_STATE_HOME/bmctop"
	sock="$T_TMP/tmux-$n.sock"
	tmux -S "$sock" new-session -d -x 200 -y 60 \
		"XDG_STATE_HOME='$XDG_STATE_HOME' exec '$BMCTOP' -c '$T_TMP/mem.conf'"
	pid=$(tmux -S "$sock" display-message -p '#{pane_pid}')
	T_PIDS="$T_PIDS $pid"
	start=$(date +%s)
	while :; do
		now=$(date +%s)
		[ $((now - start)) -lt "$secs" ] || break
		left=$((secs - (now - start)))
		sleep $((left < 60 ? left : 60))
		kill -0 "$pid" 2>/dev/null || { echo "  bmctop exited early"; break; }
		echo "  after $(($(date +%s) - start)) s: RSS $(mb "$(kb_of "$pid" VmRSS)")"
	done
	rss=$(kb_of "$pid" VmRSS)
	hwm=$(kb_of "$pid" VmHWM)
	for i in $(seq 100); do tmux -S "$sock" send-keys j; sleep 0.01; done
	for k in s s s s G g / n 0 0 5 Enter Escape Enter 1 2 3 4 Escape; do
		tmux -S "$sock" send-keys "$k"; sleep 0.05
	done
	for i in $(seq 30); do tmux -S "$sock" send-keys PageDown; sleep 0.02; done
	sleep 1
	tmux -S "$sock" send-keys q
	wait_for 60 sh -c "! kill -0 $pid 2>/dev/null"
	tmux -S "$sock" kill-server 2>/dev/null
	echo "  at the end: RSS $(mb "${rss:-0}"), peak $(mb "${hwm:-0}"), $(awk -v k="${rss:-0}" -v n="$n" 'BEGIN { printf "%.1f KB", k / n }') per host"
	grep -E 'tui: .*(frames|keys)' "$XDG_STATE_HOME/bmctop/bmctop.log" | tail -2 | sed 's/^[^ ]* info /  /'
	awk -v k="${rss:-0}" -v n="$n" 'n >= 10000 { printf "  target (10,000 hosts): under 150 MB: %s\n", k < 150 * 1024 ? "yes" : "NO" }' </dev/null
	bmcsim_stop
done
