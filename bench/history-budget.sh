#!/bin/bash
# history-budget.sh - issue 17's history budget on bmcsim: the real
# dashboard recording a large fleet, and a week of polls compressed.
#
#   bench/history-budget.sh [-m MINUTES] [-n HOSTS] [-w HOSTS:SCALE] [live|week|both]
#
# live (default 10,000 hosts, 5 minutes): bmcsim serves N BMCs on 127.0.0.1
# and the real bmctop runs in tmux at 200x60 against them, polling every
# 30 s with recording on (always) and the trend columns shown (:cols with
# trend and wtrend).  After a minute of warm-up (the first polls, the first
# inventory) it reads bmctop's CPU time from /proc over the rest of the run:
# that steady CPU is polling + storing + drawing, in % of one core.  Then
# the peak RSS (VmHWM), the store's size on disk (du; the ring file is
# fixed-size: it is allocated once for the series it holds, so a week takes
# no more than a minute), and the dashboard's frame percentiles from its log.
# Targets: RSS <= 200 MB, disk <= 1 GB, CPU <= 10% of a core.
#
# week (default 40 hosts at scale 600): the same dashboard under the
# bench-only BMCTOP_CLOCK_SCALE (HACKING, "A compressed week") and bmcsim
# --speed with the same factor, so both the poll schedule and the
# recorder's clock run SCALE times fast: 30 s polls for a simulated week in
# 604800 / SCALE seconds of real time (1008 s at 600).  The real poll rate is
# HOSTS x SCALE / 30 a second (800 at 40:600): that, not the store, is what
# bounds the fleet of this part on a shared two-core machine.  A --storm at
# simulated day 3 sends half the BMCs' CPU1 hot.  At the end `bmctop
# history` (under the same clock) must find the 1 h, 24 h and 7 d tiers
# filled, and the storm's hour in the 7 d tier must hold the jump in its
# min..max (min below the threshold, max above it).
#
# Results (HACKING, "History budget and a compressed week", has them all):
# live at 10,000 hosts, 6 min: peak RSS 129 MB, 8.5% of one core, store
# 376 MB apparent and fixed, frames median 1.6 ms / p99 5.9 ms; week at
# 40:600: tiers 116/120, 144/144, 168/168 filled, the storm's jump kept in
# one hour bucket (min < 60, max 101), 15.7 MB, 17.7% of a core.
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/bench/bmcsim-lib.sh"
need tmux
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
minutes=5
hosts=10000
week=40:600
while [ $# -gt 0 ]; do
	case $1 in
	-m) minutes=$2; shift 2 ;;
	-n) hosts=$2; shift 2 ;;
	-w) week=$2; shift 2 ;;
	*) break ;;
	esac
done
what=${1:-both}
hz=$(getconf CLK_TCK)
kb_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# dashboard NAME CONF [ENV...]: bmctop in tmux at 200x60 with the trend
# columns; DASH_PID and DASH_SOCK.
dashboard() {
	local name=$1 conf=$2
	shift 2
	DASH_SOCK="$T_TMP/tmux-$name.sock"
	tmux -S "$DASH_SOCK" new-session -d -x 200 -y 60 \
		"exec env XDG_STATE_HOME='$XDG_STATE_HOME' $* '$BMCTOP' -c '$conf'"
	DASH_PID=$(tmux -S "$DASH_SOCK" display-message -p '#{pane_pid}')
	T_PIDS="$T_PIDS $DASH_PID"
	sleep 2
	tmux -S "$DASH_SOCK" send-keys :
	tmux -S "$DASH_SOCK" send-keys -l 'cols name,health,temp,trend,watts,wtrend,new,error'
	tmux -S "$DASH_SOCK" send-keys Enter
}

dashboard_quit() {
	tmux -S "$DASH_SOCK" send-keys Escape q
	wait_for 60 sh -c "! kill -0 $DASH_PID 2>/dev/null"
	tmux -S "$DASH_SOCK" kill-server 2>/dev/null
}

interval_30s() {
	sed -i 's/^interval *=.*/interval = 30s/' "$1"
	grep -q '^interval' "$1" || sed -i '0,/^\[defaults\]/s//[defaults]\ninterval = 30s/' "$1"
}

live() {
	local secs=$((minutes * 60)) warm=60 start t0 t1 w0 w1 hwm rss
	echo "== live: the dashboard on $hosts bmcsim hosts, 30 s polls, trend columns, $minutes min"
	bmcsim_start live --count "$hosts" || return 1
	interval_30s "$T_TMP/live.conf"
	rm -rf "$XDG_STATE_HOME/bmctop"
	dashboard live "$T_TMP/live.conf"
	start=$(date +%s)
	sleep "$warm"
	t0=$(cpu_ticks "$DASH_PID")
	w0=$(date +%s.%N)
	while [ $(($(date +%s) - start)) -lt "$secs" ]; do
		sleep 30
		kill -0 "$DASH_PID" 2>/dev/null || { echo "  bmctop exited early"; break; }
		echo "  after $(($(date +%s) - start)) s: RSS $(mb "$(kb_of "$DASH_PID" VmRSS)"), store $(du -sh "$XDG_STATE_HOME/bmctop/history" 2>/dev/null | cut -f1)"
	done
	t1=$(cpu_ticks "$DASH_PID")
	w1=$(date +%s.%N)
	hwm=$(kb_of "$DASH_PID" VmHWM)
	rss=$(kb_of "$DASH_PID" VmRSS)
	# A frame-statistics line in the log now, then the way out writes the final one.
	tmux -S "$DASH_SOCK" send-keys :
	tmux -S "$DASH_SOCK" send-keys -l stats
	tmux -S "$DASH_SOCK" send-keys Enter
	sleep 1
	dashboard_quit
	echo "  peak RSS $(mb "${hwm:-0}") (at the end $(mb "${rss:-0}"), $(awk -v k="${rss:-0}" -v n="$hosts" 'BEGIN { printf "%.1f KB", k / n }') per host)"
	awk -v a="$t0" -v b="$t1" -v hz="$hz" -v w0="$w0" -v w1="$w1" \
		'BEGIN { printf "  steady CPU (polling + storing + drawing) over %.0f s: %.1f s, %.2f%% of one core\n", w1-w0, (b-a)/hz, 100*(b-a)/hz/(w1-w0) }'
	echo "  bmcsim used $(bmcsim_cpu) s of CPU"
	echo "  store on disk: $(du -sh "$XDG_STATE_HOME/bmctop/history" | cut -f1) allocated, $(du -sh --apparent-size "$XDG_STATE_HOME/bmctop/history" | cut -f1) apparent (fixed-size ring: a week takes no more)"
	ls -l "$XDG_STATE_HOME/bmctop/history" | sed 's/^/    /'
	grep -E 'tui: .*(frames|keys)' "$XDG_STATE_HOME/bmctop/bmctop.log" | tail -3 | sed 's/^[^ ]* [^ ]* /  /'
	awk -v k="${hwm:-0}" 'BEGIN { printf "  target RSS <= 200 MB: %s\n", k <= 200 * 1024 ? "yes" : "NO" }'
	awk -v a="$t0" -v b="$t1" -v hz="$hz" -v w0="$w0" -v w1="$w1" \
		'BEGIN { printf "  target CPU <= 10%% of a core: %s\n", 100*(b-a)/hz/(w1-w0) <= 10 ? "yes" : "NO" }'
	bmcsim_stop
}

week() {
	local n=${week%%:*} scale=${week##*:} secs epoch t0 t1 store host ok=1 now hwm
	secs=$((604800 / scale))
	echo "== week: $n hosts, clock x$scale: a simulated week of 30 s polls in $secs s ($((n * scale / 30)) polls a second)"
	bmcsim_start week --count "$n" --speed "$scale" --storm $((3 * 86400)):50 --seed 7 \
		--dump "$T_TMP/week.json" --max-seconds $((secs + 300)) || return 1
	interval_30s "$T_TMP/week.conf"
	rm -rf "$XDG_STATE_HOME/bmctop"
	# The fast clock meets the real one at EPOCH: it starts a week back and
	# the recording ends at the real now, where plain readers look.
	epoch=$(($(date +%s) + secs))
	dashboard week "$T_TMP/week.conf" "BMCTOP_CLOCK_SCALE=$scale@$epoch"
	t0=$(cpu_ticks "$DASH_PID")
	while now=$(date +%s.%N); awk -v a="$now" -v b="$epoch" 'BEGIN { exit !(a < b - 0.3) }'; do
		sleep 0.2
	done
	t1=$(cpu_ticks "$DASH_PID")
	hwm=$(kb_of "$DASH_PID" VmHWM)
	tmux -S "$DASH_SOCK" send-keys q
	echo "  peak RSS $(mb "${hwm:-0}"), CPU $(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.1f%% of one core", 100*(b-a)/hz/s }') at $((n * scale / 30)) polls a second"
	dashboard_quit
	bmcsim_stop
	store="$XDG_STATE_HOME/bmctop/history"
	echo "  store: $(du -sh "$store" | cut -f1) on disk"
	# A host the storm strikes (as bmcsim's spread_pick chooses) that was not hot before.
	host=$(pyj 'print([b["name"] for i,b in enumerate(d) if (i+1)*50//100 != i*50//100 and b["health"] != "critical"][0])' <"$T_TMP/week.json")
	for span in 1h:120 24h:144 7d:168; do
		got=$("$BMCTOP" history "$host" "Inlet Temp" --since "${span%%:*}" --json 2>/dev/null |
			pyj 'print(sum(1 for p in d[0]["points"] if p.get("value", p.get("avg")) is not None))' 2>/dev/null)
		echo "  $host Inlet Temp over ${span%%:*}: ${got:-0} of ${span##*:} steps filled"
		[ "${got:-0}" -ge $((${span##*:} * 9 / 10)) ] || ok=0
	done
	# The storm's hour: CPU1 from its normal range to 100 C inside one bucket.
	jump=$("$BMCTOP" history "$host" "CPU1 Temp" --since 7d --json 2>/dev/null | pyj '
pts=[p for p in d[0]["points"] if p.get("max") is not None]
hot=[p for p in pts if p["min"] < 60 and p["max"] >= 95]
print(len(pts), len(hot), hot[0]["time"] if hot else "-", max(p["max"] for p in pts) if pts else 0)' 2>/dev/null)
	echo "  $host CPU1 Temp over 7d (hour buckets, buckets holding the jump, its time, week max): $jump"
	echo "  tiers filled (>= 90%): $([ $ok = 1 ] && echo yes || echo NO)"
}

case $what in
live) live ;;
week) week ;;
both) live; week ;;
*) echo "usage: $0 [-m MINUTES] [-n HOSTS] [-w HOSTS:SCALE] [live|week|both]"; exit 2 ;;
esac
