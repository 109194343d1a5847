#!/bin/bash
# ipmi-sweep.sh - a full sensor sweep over N ipmi_sim BMCs on loopback, by
# bmctop and by the reference tools, side by side on the same simulators.
#
#   bench/ipmi-sweep.sh [N...]          (default: 50 200)
#
# For each N it starts N simulators (six-plus sensors each), then measures:
#   bmctop      "status --json" with fresh sessions and an empty SDR cache,
#               then a second sweep on the kept-alive sessions (--sweeps 2)
#   freeipmi    ipmi-sensors -F 64 and -F 256 over all hosts (fresh caches)
#   ipmitool    one "sdr list" process per host, all in parallel
# and prints wall time, CPU time (user+system, children included), peak RSS
# and each tool's ratio to bmctop.  Everything runs on 127.0.0.1 on ports
# chosen at run time; every simulator is stopped by pid at the end.

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/ipmisim.sh"
ipmisim_need
M="$SRCDIR/bench/measure.py"
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
sizes=${*:-50 200}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
ratio() { /usr/bin/python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.1fx' % (a/b) if b > 0 else '-')" "$1" "$2"; }

report() { # LABEL LINE BASE_WALL BASE_CPU
	local w c r rc
	w=$(echo "$2" | field wall); c=$(echo "$2" | field cpu); r=$(echo "$2" | field rss_kb); rc=$(echo "$2" | field rc)
	printf '  %-34s wall %7.3f s  cpu %7.3f s  peak rss %7.1f MB  rc %s  wall x%s cpu x%s\n' \
		"$1" "$w" "$c" "$(echo "$r" | awk '{print $1/1024}')" "$rc" \
		"$(ratio "$w" "$3")" "$(ratio "$c" "$4")"
}

for n in $sizes; do
	echo "== $n ipmi_sim BMCs"
	t0=$(date +%s.%N)
	ipmisim_start_many b "$n" || { echo "could not start $n simulators"; ipmisim_stop_many $IPMISIM_MANY; exit 1; }
	echo "  started in $(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || echo '?') s"
	fleet="$T_TMP/fleet-$n.conf"
	IPMISIM_FLEET_EXTRA="max-in-flight = 1024
timeout = 2s
retries = 3" ipmisim_fleet "$fleet" $IPMISIM_MANY

	# bmctop, fresh: no SDR cache, no remembered state; then with its cache.
	# "--what sensors" reads what ipmi-sensors reads; the default status
	# also reads chassis power (ipmi_sim runs a program for each one).
	rm -rf "$XDG_STATE_HOME/bmctop"
	line=$("$M" bmctop "$BMCTOP" -c "$fleet" status --json --what sensors)
	bw=$(echo "$line" | field wall); bc_=$(echo "$line" | field cpu)
	report "bmctop sensors sweep, fresh" "$line" "$bw" "$bc_"
	line=$("$M" bmctop "$BMCTOP" -c "$fleet" status --json --what sensors)
	report "bmctop sensors sweep, SDR cache warm" "$line" "$bw" "$bc_"
	line=$("$M" bmctop "$BMCTOP" -c "$fleet" status --json)
	report "bmctop status (power + sensors)" "$line" "$bw" "$bc_"
	rm -rf "$XDG_STATE_HOME/bmctop"
	"$BMCTOP" -c "$fleet" status --json --what sensors --sweeps 2 >"$T_TMP/sweeps.json" 2>"$T_TMP/sweeps.txt"
	fresh=$(sed -n 's/^sweep 1: .*, \([0-9.]*\) s$/\1/p' "$T_TMP/sweeps.txt")
	kept=$(sed -n 's/^sweep 2: .*, \([0-9.]*\) s$/\1/p' "$T_TMP/sweeps.txt")
	okhosts=$(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for h in d if h['error'] is None and len(h['sensors'])>=6))" "$T_TMP/sweeps.json")
	echo "  bmctop in one process: sweep 1 (fresh sessions, SDR read) ${fresh} s, sweep 2 (kept-alive sessions) ${kept} s; $okhosts/$n hosts complete"

	# FreeIPMI.
	if command -v ipmi-sensors >/dev/null; then
		conf="$T_TMP/freeipmi.conf"; ipmisim_freeipmi_conf "$conf"
		hosts=$(for h in $IPMISIM_MANY; do printf '127.0.0.1:%s,' "$(ipmisim_port "$h")"; done)
		hosts=${hosts%,}
		for fan in 64 256; do
			cache="$T_TMP/fcache-$n-$fan"; rm -rf "$cache"; mkdir -m 700 "$cache"
			line=$("$M" "freeipmi-F$fan" ipmi-sensors --config-file "$conf" -h "$hosts" -F "$fan" \
				--sdr-cache-directory "$cache" --session-timeout 2000 --retransmission-timeout 500)
			report "FreeIPMI ipmi-sensors -F $fan" "$line" "$bw" "$bc_"
		done
	fi

	# ipmitool, one process per host, in parallel.
	if command -v ipmitool >/dev/null; then
		script="$T_TMP/ipmitool-$n.sh"
		{
			echo "#!/bin/bash"
			for h in $IPMISIM_MANY; do
				echo "ipmitool -I lanplus -C 3 -H 127.0.0.1 -p $(ipmisim_port "$h") -U $IPMISIM_USER -E sdr list >/dev/null 2>&1 &"
			done
			echo "wait"
		} >"$script"
		line=$("$M" ipmitool-parallel bash "$script")
		report "ipmitool sdr list, $n processes" "$line" "$bw" "$bc_"
	fi
	ipmisim_stop_many $IPMISIM_MANY
done
