#!/bin/bash
# redfish-sweep.sh - one full poll of N Redfish BMCs on loopback, by bmctop
# and by DMTF's redfishtool, side by side on the same test peers.
#
#   bench/redfish-sweep.sh [N...]          (default: 20 100)
#
# The BMCs are tests/peers/redfish-server.py serving the DMTF
# public-rackmount1 mockup over HTTPS with session auth, HOSTS_PER_PEER (20)
# listeners per server process (--extra-ports), each listener its own BMC
# with its own sessions.  For each N it measures:
#   bmctop       "status --json" (service root, login, system, chassis,
#                Sensors collection with $expand, manager, logout): fresh
#                sessions in a new process, then "--sweeps 2" in one process
#                (sweep 2 reuses the sessions and connections of sweep 1)
#   redfishtool  the same resources per host (root, system, chassis, the
#                Sensors collection with the same $expand, manager), as a
#                user would script it: one "raw GET" per resource, each
#                logging in and out, hosts RFT_PARALLEL (8) at a time
# and prints wall time, CPU time (user+system, children included), peak
# RSS (bench/measure.py), the ratio to bmctop, and the CPU the test peers
# spent serving each run: when that is most of the wall time, the Python
# peers are the bottleneck, not the client, and the line says so.
#
# Everything runs on 127.0.0.1 on ports chosen at run time; every peer is
# stopped by pid at the end.

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
: "${HOSTS_PER_PEER:=20}"
: "${RFT_PARALLEL:=8}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/redfish.sh"
redfish_need
M="$SRCDIR/bench/measure.py"
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
sizes=${*:-20 100}
SET=dmtf-public-rackmount1
SYSTEM=/redfish/v1/Systems/437XR1138R2
CHASSIS=/redfish/v1/Chassis/1U
MANAGER=/redfish/v1/Managers/BMC

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
ratio() { /usr/bin/python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.1fx' % (a/b) if b > 0 else '-')" "$1" "$2"; }

# peers_cpu: seconds of CPU the running peers have used so far.
PEERS=""
peers_cpu() {
	local p total=0 t
	for p in $PEERS; do
		t=$(awk '{print $14 + $15}' "/proc/$(redfish_pid "$p")/stat" 2>/dev/null || echo 0)
		total=$((total + t))
	done
	awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'
}

# run LABEL BASE_WALL BASE_CPU COMMAND...: measure, report, return the line.
LINE=""
run() {
	local label=$1 bw=$2 bc=$3 before after w c r rc peer note=""
	shift 3
	before=$(peers_cpu)
	LINE=$("$M" "$label" "$@")
	after=$(peers_cpu)
	w=$(echo "$LINE" | field wall); c=$(echo "$LINE" | field cpu)
	r=$(echo "$LINE" | field rss_kb); rc=$(echo "$LINE" | field rc)
	peer=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a - b }')
	if awk -v p="$peer" -v w="$w" 'BEGIN { exit !(p > 0.6 * w) }'; then
		note="  <- the Python peers were busy $(awk -v p="$peer" -v w="$w" 'BEGIN { printf "%.0f", 100 * p / w }')% of the wall time: they bound this run"
	fi
	[ -n "$bw" ] || bw=$w
	[ -n "$bc" ] || bc=$c
	printf '  %-40s wall %7.3f s  cpu %7.3f s  peak rss %7.1f MB  rc %s  wall x%s cpu x%s  peers cpu %s s%s\n' \
		"$label" "$w" "$c" "$(echo "$r" | awk '{print $1/1024}')" "$rc" \
		"$(ratio "$w" "$bw")" "$(ratio "$c" "$bc")" "$peer" "$note"
}

RFT_CFG="$T_TMP/redfishtool.json"
(umask 077 && /usr/bin/python3 -c '
import json, sys
print(json.dumps({"user": sys.argv[1], "password": open(sys.argv[2]).readline().rstrip("\n")}))' \
	"$REDFISH_USER" "$REDFISH_PASSWORD_FILE" >"$RFT_CFG")

for n in $sizes; do
	echo "== $n Redfish BMCs ($SET, $HOSTS_PER_PEER per peer process)"
	PEERS="" ports=""
	peers=$(( (n + HOSTS_PER_PEER - 1) / HOSTS_PER_PEER ))
	for ((p = 1; p <= peers; p++)); do
		k=$(( n - (p - 1) * HOSTS_PER_PEER )); [ "$k" -gt "$HOSTS_PER_PEER" ] && k=$HOSTS_PER_PEER
		redfish_start "peer$n-$p" "$SET" --quiet --max-sessions 8 --extra-ports $((k - 1)) ||
			{ echo "peer $p did not start"; exit 1; }
		PEERS="$PEERS peer$n-$p"
		ports="$ports $(redfish_port "peer$n-$p") $(sed -n 's/^extra //p' "$(redfish_dir "peer$n-$p")/ready")"
	done
	fleet="$T_TMP/fleet-$n.conf"
	(umask 077 && printf '%s\n' "$REDFISH_PASSWORD" >"$fleet.pw")
	{
		echo "[defaults]"
		echo "user = $REDFISH_USER"
		echo "password-file = $fleet.pw"
		echo "protocol = redfish"
		echo "tls = insecure"
		echo "timeout = 10s"
		echo "max-in-flight = 1024"
		echo "vnc = none"
		echo "console = none"
		i=0
		for port in $ports; do
			i=$((i + 1))
			printf '[host h%03d]\naddress = 127.0.0.1\nredfish = https://127.0.0.1:%s\n' "$i" "$port"
		done
	} >"$fleet"
	chmod 600 "$fleet"

	rm -rf "$XDG_STATE_HOME/bmctop"
	run "bmctop status, fresh sessions" "" "" "$BMCTOP" -c "$fleet" status --json
	bw=$(echo "$LINE" | field wall); bc=$(echo "$LINE" | field cpu)
	BENCH_KEEP_OUTPUT="$T_TMP/sweeps.json" run "bmctop status --sweeps 2 (both sweeps)" "$bw" "$bc" \
		sh -c '"$0" -c "$1" status --json --sweeps 2 2>"$2"' "$BMCTOP" "$fleet" "$T_TMP/sweeps.txt"
	s1=$(sed -n 's/^sweep 1: .*, \([0-9.]*\) s$/\1/p' "$T_TMP/sweeps.txt")
	s2=$(sed -n 's/^sweep 2: .*, \([0-9.]*\) s$/\1/p' "$T_TMP/sweeps.txt")
	okhosts=$(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for h in d if h['error'] is None and len(h['sensors']) > 20))" "$T_TMP/sweeps.json")
	echo "  bmctop in one process: sweep 1 (fresh sessions) $s1 s, sweep 2 (sessions and connections reused) $s2 s; $okhosts/$n hosts complete"

	if command -v redfishtool >/dev/null; then
		script="$T_TMP/redfishtool-$n.sh"
		{
			echo "#!/bin/bash"
			echo "host() {"
			echo "  local a=(-c '$RFT_CFG' -A Session -S Always -T 10 -r \"127.0.0.1:\$1\" raw GET)"
			for path in /redfish/v1 "$SYSTEM" "$CHASSIS" "$CHASSIS/Sensors?\$expand=.(\$levels=1)" "$MANAGER"; do
				echo "  redfishtool \"\${a[@]}\" '$path' >/dev/null || echo fail"
			done
			echo "}"
			echo "export -f host"
			echo "fails=\$(printf '%s\\n' $ports | xargs -P $RFT_PARALLEL -I{} bash -c 'host {}' | grep -c fail)"
			echo "exit \$((fails > 0))"
		} >"$script"
		run "redfishtool, 5 GETs/host, $RFT_PARALLEL hosts at once" "$bw" "$bc" bash "$script"
	fi
	for p in $PEERS; do redfish_stop "$p"; done
done
