#!/bin/bash
# fleet-sweep.sh - one-shot "bmctop status --json" sweeps over fleets
# simulated by bmcsim: 1,000 and 10,000 BMCs by default, fresh sessions and
# no SDR cache; then the same with faults (2% loss each way, 0-200 ms
# jitter, 5% dead BMCs).
#
#   bench/fleet-sweep.sh [N...]
#   BENCH_FAULTS=no bench/fleet-sweep.sh [N...]   only the runs without faults
#
# Each fleet is swept twice, both times with fresh sessions: first with no
# SDR cache (a new user's first run: every BMC's SDR repository is read and
# cached), then with the caches the first sweep wrote (every run after).
# For each sweep it prints bmctop's wall time, CPU time and peak RSS, the
# hosts that answered, and packets sent and received per host (from the
# counters in the JSON), against the issue's targets: 10,000 BMCs in under
# 5 s and under 150 MB.  bmcsim runs on the same two cores; its CPU time for
# the sweep is shown too.  Everything is on 127.0.0.1, on ports the kernel
# picks; bmcsim is stopped by its pid.

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/bench/bmcsim-lib.sh"
M="$SRCDIR/bench/measure.py"
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
sizes=${*:-1000 10000}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

# summary JSONFILE: hosts answered, by protocol, packets per host.
summary() {
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ok = [h for h in d if h["error"] is None]
proto = {}
for h in ok:
    proto[h["protocol"]] = proto.get(h["protocol"], 0) + 1
def per(key, hosts):
    c = [h.get("counters", {}).get(key, 0) for h in hosts]
    return (sum(c) / len(c)) if c else 0
ipmi = [h for h in d if h.get("protocol") == "ipmi" or h.get("counters", {}).get("packets_sent", 0)]
print("  answered %d of %d (%s); per IPMI host: %.1f packets sent, %.1f received, max sent %d; failed: %s"
      % (len(ok), len(d), ", ".join("%s %d" % kv for kv in sorted(proto.items())),
         per("packets_sent", ipmi), per("packets_received", ipmi),
         max([h.get("counters", {}).get("packets_sent", 0) for h in d] or [0]),
         ", ".join(sorted(set((h["error"] or "")[:60] for h in d if h["error"])))[:300] or "none"))
PY
}

sweep() { # N WHAT
	local n=$1 what=$2 line w c r rc s0 s1
	s0=$(bmcsim_cpu)
	line=$(BENCH_KEEP_OUTPUT="$T_TMP/out.json" "$M" bmctop "$BMCTOP" -c "$T_TMP/s$n.conf" status --json)
	s1=$(bmcsim_cpu)
	w=$(echo "$line" | field wall); c=$(echo "$line" | field cpu)
	r=$(echo "$line" | field rss_kb); rc=$(echo "$line" | field rc)
	printf '  %s: wall %.3f s  cpu %.3f s  peak rss %.1f MB  exit %s;  bmcsim cpu %.2f s\n' \
		"$what" "$w" "$c" "$(echo "$r" | awk '{print $1/1024}')" "$rc" "$(echo "$s1 - $s0" | bc)"
	summary "$T_TMP/out.json"
	# The issue's wall and memory targets are for the fault-free sweep.
	if [ "$n" -ge 10000 ] && [ -z "$faults" ]; then
		/usr/bin/python3 -c "import sys; w,r=float(sys.argv[1]),float(sys.argv[2])/1024
print('  targets: wall < 5 s: %s (%.2f s); peak RSS < 150 MB: %s (%.1f MB)' % ('met' if w < 5 else 'MISSED', w, 'met' if r < 150 else 'MISSED', r))" "$w" "$r"
	fi
}

run() { # LABEL N BMCSIM-ARGS...
	local label=$1 n=$2; shift 2
	faults="$*"
	echo "== $label: $n BMCs"
	bmcsim_start "s$n" --count "$n" "$@" || return 1
	# A state directory never used before: deleting the last run's 10,000
	# SDR cache files just before would make ext4 skip their freshly freed
	# inodes one by one when the new files are created (a fifth of bmctop's
	# CPU), which no user's first run pays.
	export XDG_STATE_HOME
	XDG_STATE_HOME=$(mktemp -d "$T_TMP/state.XXXXXX")
	sweep "$n" "first sweep (no SDR cache yet), bmctop status --json"
	sweep "$n" "second sweep (SDR caches from the first), bmctop status --json"
	bmcsim_stop
}

for n in $sizes; do
	run "no faults" "$n"
done
[ "${BENCH_FAULTS:-yes}" = no ] && exit 0
for n in $sizes; do
	run "faults: --loss 0.02 --jitter 200 --dead 5" "$n" --loss 0.02 --jitter 200 --dead 5
done
