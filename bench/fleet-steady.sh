#!/bin/bash
# fleet-steady.sh - steady-state polling of 10,000 simulated BMCs at a 30 s
# interval, as the dashboard polls, measured headless with
# "bmctop status --watch SECONDS".
#
#   bench/fleet-steady.sh [MINUTES [N]]        (default 5 minutes, 10000 BMCs)
#   MAX_IN_FLIGHT=2048 bench/fleet-steady.sh    a larger max-in-flight in the fleet
#   ONLY=faults bench/fleet-steady.sh           one of the two runs (clean, faults)
#
# Two runs: no faults, then 2% loss, 0-200 ms jitter and 5% dead BMCs.  For
# each it prints bmctop's CPU as a share of one core over the whole run and
# over the steady part (after the first interval, which holds the start-up
# sweep), its peak RSS, and whether every live host was updated in every
# cycle (the --watch summary: hosts updated within 1.5 intervals of each
# other), against the issue's target of under 10% of one core.

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/bench/bmcsim-lib.sh"
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
minutes=${1:-5}
n=${2:-10000}
secs=$(echo "$minutes * 60 / 1" | bc)
[ "$secs" -ge 60 ] || { echo "at least one minute (two 30 s cycles)"; exit 2; }
TCK=$(getconf CLK_TCK)

cpu_of() { awk '{ printf "%.2f\n", ($14 + $15) / '"$TCK"' }' "/proc/$1/stat" 2>/dev/null; }
rss_of() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

run() { # LABEL BMCSIM-ARGS...
	local label=$1 pid c1 c2 t1 t2 cend rss live; shift
	echo "== $label: $n BMCs, interval 30 s, $minutes min"
	bmcsim_start steady --count "$n" "$@" || return 1
	# The interval under test, whatever bmcsim wrote.
	sed -i 's/^interval *=.*/interval = 30s/' "$T_TMP/steady.conf"
	grep -q '^interval' "$T_TMP/steady.conf" ||
		sed -i '0,/^\[defaults\]/s//[defaults]\ninterval = 30s/' "$T_TMP/steady.conf"
	[ -z "${MAX_IN_FLIGHT:-}" ] ||
		sed -i "0,/^\[defaults\]/s//[defaults]\nmax-in-flight = $MAX_IN_FLIGHT/" "$T_TMP/steady.conf"
	rm -rf "$XDG_STATE_HOME/bmctop"
	"$BMCTOP" -c "$T_TMP/steady.conf" status --watch "$secs" --json >"$T_TMP/steady.json" 2>"$T_TMP/steady.err" &
	pid=$!
	T_PIDS="$T_PIDS $pid"
	sleep 35
	c1=$(cpu_of "$pid"); t1=$(date +%s.%N)
	s1=$(bmcsim_cpu)
	sleep $((secs - 40))
	c2=$(cpu_of "$pid"); t2=$(date +%s.%N); rss=$(rss_of "$pid")
	s2=$(bmcsim_cpu)
	wait "$pid"
	cend=$(grep -c '^watch [0-9]' "$T_TMP/steady.err")
	printf '  bmctop: steady CPU %.1f%% of one core (from 35 s to %d s); start-up sweep and first cycle %.1f cpu s; peak RSS %.1f MB\n' \
		"$(echo "($c2 - $c1) * 100 / ($t2 - $t1)" | bc -l)" "$((secs - 5))" "$c1" "$(echo "${rss:-0} / 1024" | bc -l)"
	printf '  bmcsim: %.1f%% of one core in the same window\n' "$(echo "($s2 - $s1) * 100 / ($t2 - $t1)" | bc -l)"
	grep '^watch ' "$T_TMP/steady.err" | sed 's/^/  /'
	live=$(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for h in d if h['error'] is None))" "$T_TMP/steady.json" 2>/dev/null)
	echo "  $cend interval reports; hosts answering at the end: ${live:-?} of $n"
	/usr/bin/python3 - "$T_TMP/steady.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
up = [h["counters"] for h in d if h["error"] is None]
sent = sum(c["packets_sent"] for c in up); polls = sum(c["polls"] for c in up)
print("  answering hosts: %.1f packets sent per host over the run, %.1f per poll; %.2f retransmits and %.2f sessions opened per host"
      % (sent / max(len(up), 1), sent / max(polls, 1), sum(c["retransmits"] for c in up) / max(len(up), 1),
         sum(c["sessions_opened"] for c in up) / max(len(up), 1)))
PY
	bmcsim_stop
}

[ "${ONLY:-clean}" = clean ] && run "no faults"
[ "${ONLY:-faults}" = faults ] && run "faults: --loss 0.02 --jitter 200 --dead 5" --loss 0.02 --jitter 200 --dead 5
