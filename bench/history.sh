#!/bin/bash
# history.sh - the history store against the issue's budget: 10,000 hosts x
# 20 sensors, polled every 30 s, one simulated week: dashboard RSS <= 200 MB,
# store <= 1 GB on disk, steady CPU <= 10% of one core for polling + storing.
#
#   bench/history.sh [DAYS]          the store alone (default 7 simulated days)
#   LIVE=MINUTES bench/history.sh    and a live run on 10,000 bmcsim BMCs
#   LIVE=MINUTES bench/history.sh 0  the live run alone
#
# A simulated week cannot be polled live: bmcsim's --speed makes its
# readings drift faster, but polls stay 30 s apart in real time.  So the
# week is written directly (bench/history-proto.c): the ring store
# (core/history.c) at full scale, 200,000 series for DAYS simulated days,
# flushed as often as bmctop flushes it; and the rejected candidate, SQLite
# with the same three tiers, at 1/100 of the scale for one simulated day,
# scaled up per reading and per stored row.  The live run (LIVE=minutes)
# then measures what polling + recording costs together: bmctop status
# --watch on 10,000 BMCs, which records as the dashboard does, its steady
# CPU share, its peak RSS, and the store's size.
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
days=${1:-7}
hosts=10000
sensors=20

proto="$T_TMP/history-proto"
sqlite=""
[ -f /usr/include/sqlite3.h ] && sqlite="-DHAVE_SQLITE -lsqlite3"
# shellcheck disable=SC2086
cc -O2 -I"$BUILDDIR" -I"$SRCDIR/src" -o "$proto" "$SRCDIR/bench/history-proto.c" \
	"$SRCDIR/src/core/history.c" "$SRCDIR/src/core/paths.c" "$SRCDIR/src/core/xalloc.c" \
	$sqlite -lm || { echo "cannot build bench/history-proto.c"; exit 2; }

if [ "$days" -gt 0 ]; then
	echo "== ring store: $hosts hosts x $sensors sensors, $days simulated days"
	/usr/bin/time -f '  wall %e s' "$proto" ring "$T_TMP/ring" "$hosts" "$sensors" $((days * 86400))
	echo "  du: $(du -sh "$T_TMP/ring" | cut -f1) (a week writes every slot: the file's full size is the bound)"
	ls -l "$T_TMP/ring" | awk 'NR > 1 { printf "  %s %.1f MB\n", $9, $5 / 1e6 }'
	rm -rf "$T_TMP/ring"
fi

if [ "$days" -eq 0 ]; then
	:
elif [ -n "$sqlite" ]; then
	mkdir -p "$T_TMP/sqlite"
	echo "== SQLite: $((hosts / 100)) hosts x $sensors sensors, 1 simulated day (1/100 scale)"
	out=$(/usr/bin/time -f '  wall %e s' "$proto" sqlite "$T_TMP/sqlite" $((hosts / 100)) "$sensors" 86400 2>&1)
	echo "$out"
	us=$(echo "$out" | sed -n 's/.* \([0-9.]*\) us per reading.*/\1/p')
	row=$(echo "$out" | sed -n 's/.*bytes per stored row: \([0-9.]*\)/\1/p')
	awk -v us="$us" -v row="$row" -v n=$((hosts * sensors)) 'BEGIN {
		printf "  at full scale: %.1f%% of one core for storing alone (%d readings / 30 s)\n", us * n / 30 / 1e4, n
		printf "  a week of it (1 h raw + day + week rows): %.2f GB on disk\n", row * n * (120 + 144 + 168) / 1e9
	}'
	rm -rf "$T_TMP/sqlite"
else
	echo "== SQLite: skipped (no /usr/include/sqlite3.h; apt-get install libsqlite3-dev)"
fi

[ -n "${LIVE:-}" ] || exit 0
. "$SRCDIR/bench/bmcsim-lib.sh"
TCK=$(getconf CLK_TCK)
secs=$((LIVE * 60))
[ "$secs" -ge 120 ] || { echo "LIVE: at least 2 minutes"; exit 2; }
cpu_of() { awk '{ printf "%.2f\n", ($14 + $15) / '"$TCK"' }' "/proc/$1/stat" 2>/dev/null; }
rss_of() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
export XDG_STATE_HOME="$T_TMP/state"
echo "== live: $hosts bmcsim BMCs, interval 30 s, $LIVE min, recording"
bmcsim_start hist --count "$hosts" --speed 60 || exit 1
sed -i '0,/^\[defaults\]/s//[defaults]\ninterval = 30s/' "$T_TMP/hist.conf"
"$BMCTOP" -c "$T_TMP/hist.conf" status --watch "$secs" >/dev/null 2>"$T_TMP/hist.err" &
pid=$!
T_PIDS="$T_PIDS $pid"
sleep 45
c1=$(cpu_of "$pid"); t1=$(date +%s.%N)
sleep $((secs - 50))
c2=$(cpu_of "$pid"); t2=$(date +%s.%N); rss=$(rss_of "$pid")
wait "$pid"
printf '  bmctop (polling + recording): steady CPU %.1f%% of one core; peak RSS %.1f MB\n' \
	"$(echo "($c2 - $c1) * 100 / ($t2 - $t1)" | bc -l)" "$(echo "${rss:-0} / 1024" | bc -l)"
echo "  store: $(du -sh "$XDG_STATE_HOME/bmctop/history" | cut -f1) on disk after $LIVE min"
grep '^watch done' "$T_TMP/hist.err" | sed 's/^/  /'
bmcsim_stop
