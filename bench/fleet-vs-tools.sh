#!/bin/bash
# fleet-vs-tools.sh - bmctop side by side with FreeIPMI and ipmitool on the
# same bmcsim fleet (200 IPMI BMCs by default): a sensor sweep and a power
# status sweep, with wall time, CPU time, peak RSS and each tool's ratio to
# bmctop.
#
#   bench/fleet-vs-tools.sh [N]        (default 200)
#   CS=3 bench/fleet-vs-tools.sh       cipher suite for every tool (default 17)
#
#   bmctop     status --json --what sensors | power; fresh state each time
#   FreeIPMI   ipmi-sensors / ipmipower over all hosts in one process, with
#              its fanout (-F 64), fresh SDR cache
#   ipmitool   one process per host ("sdr list" / "chassis power status"),
#              32 at a time with xargs -P 32
# Passwords go to FreeIPMI in a 0600 config file and to ipmitool through
# IPMI_PASSWORD (-E): never in argv.

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/bench/bmcsim-lib.sh"
M="$SRCDIR/bench/measure.py"
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
n=${1:-200}
CS=${CS:-17}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
ratio() { /usr/bin/python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.1fx' % (a/b) if b > 0 else '-')" "$1" "$2"; }
report() { # LABEL LINE BASE_WALL BASE_CPU
	local w c r rc
	w=$(echo "$2" | field wall); c=$(echo "$2" | field cpu); r=$(echo "$2" | field rss_kb); rc=$(echo "$2" | field rc)
	printf '  %-40s wall %7.3f s  cpu %7.3f s  peak rss %7.1f MB  rc %s  wall x%s cpu x%s\n' \
		"$1" "$w" "$c" "$(echo "$r" | awk '{print $1/1024}')" "$rc" \
		"$(ratio "$w" "$3")" "$(ratio "$c" "$4")"
}

echo "== $n bmcsim BMCs (IPMI only), cipher suite $CS"
bmcsim_start vs --count "$n" --redfish-share 0 || exit 1
fleet="$T_TMP/vs.conf"
sed -i "s/^cipher-suite *=.*/cipher-suite = $CS/" "$fleet"
grep -q '^cipher-suite' "$fleet" || sed -i "0,/^\[defaults\]/s//[defaults]\ncipher-suite = $CS/" "$fleet"
"$BMCTOP" -c "$fleet" config hosts | sed -n 's/^[^ ]* address=\([^ ]*\) .*ipmi-port=\([0-9]*\) .*/\1:\2/p' >"$T_TMP/hosts"
[ "$(wc -l <"$T_TMP/hosts")" = "$n" ] || { echo "expected $n hosts in $fleet"; exit 1; }
hostlist=$(paste -sd, "$T_TMP/hosts")
conf="$T_TMP/freeipmi.conf"
(umask 077 && printf 'driver-type LAN_2_0\nusername %s\npassword %s\ncipher-suite-id %s\nprivilege-level ADMIN\n' \
	"$BMCSIM_USER" "$BMCSIM_PASSWORD" "$CS" >"$conf")
export IPMI_PASSWORD=$BMCSIM_PASSWORD

for what in sensors power; do
	echo "-- $what"
	rm -rf "$XDG_STATE_HOME/bmctop"
	line=$("$M" bmctop "$BMCTOP" -c "$fleet" status --json --what "$what")
	bw=$(echo "$line" | field wall); bc_=$(echo "$line" | field cpu)
	report "bmctop status --what $what" "$line" "$bw" "$bc_"
	if [ "$what" = sensors ]; then
		if command -v ipmi-sensors >/dev/null; then
			cache="$T_TMP/fcache"; rm -rf "$cache"; mkdir -m 700 "$cache"
			line=$("$M" freeipmi ipmi-sensors --config-file "$conf" -h "$hostlist" -F 64 \
				--sdr-cache-directory "$cache" --session-timeout 5000 --retransmission-timeout 500)
			report "FreeIPMI ipmi-sensors -F 64" "$line" "$bw" "$bc_"
		fi
		cmd="sdr list"
	else
		if command -v ipmipower >/dev/null; then
			line=$("$M" freeipmi ipmipower --config-file "$conf" -h "$hostlist" -F 64 --stat \
				--session-timeout 5000 --retransmission-timeout 500)
			report "FreeIPMI ipmipower --stat -F 64" "$line" "$bw" "$bc_"
		fi
		cmd="chassis power status"
	fi
	if command -v ipmitool >/dev/null; then
		line=$("$M" ipmitool xargs -P 32 -a "$T_TMP/hosts" -I{} sh -c \
			"h={}; ipmitool -I lanplus -C $CS -H \${h%:*} -p \${h##*:} -U $BMCSIM_USER -E $cmd >/dev/null 2>&1")
		report "ipmitool $cmd, xargs -P 32" "$line" "$bw" "$bc_"
	fi
done
bmcsim_stop
