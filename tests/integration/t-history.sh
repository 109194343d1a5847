# t-history.sh - the history store on bmcsim: bmctop status --watch records
# every host's readings; a second reader (bmctop history) sees them while it
# runs; a kill -9 loses nothing that was visible before it; a restart carries
# on in the same store (day min/max kept); the files are 0600; the output
# formats (text, CSV, JSON) agree; bad arguments get a clear error.
. "$SRCDIR/tests/lib/tap.sh"
need timeout
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
BMCTOP=${BMCTOP:-$BUILDDIR/bmctop}
export XDG_STATE_HOME="$T_TMP/state" XDG_CONFIG_HOME="$T_TMP/config"
STORE="$XDG_STATE_HOME/bmctop/history"

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

(umask 077 && tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16 >"$T_TMP/pw")
spawn "$BMCSIM" --count 3 --port 0 --password-file "$T_TMP/pw" --fleet-out "$T_TMP/f.conf" \
	--ready-file "$T_TMP/ready" --max-seconds 600 2>"$T_TMP/sim.err"
SIM_PID=$T_LAST_PID
wait_for 60 test -f "$T_TMP/ready" || { fail "bmcsim starts"; diag "$(cat "$T_TMP/sim.err")"; exit 0; }
sed -i 's/^\[defaults\]$/[defaults]\ninterval = 1s/' "$T_TMP/f.conf"

# The newest point of bmc01's Inlet Temp at full resolution (Unix seconds), or 0.
newest() {
	"$BMCTOP" history bmc01 "Inlet Temp" --json 2>/dev/null |
		pyj 'import calendar,time
p=[x["time"] for s in d for x in s["points"]]
print(max([calendar.timegm(time.strptime(t,"%Y-%m-%dT%H:%M:%SZ")) for t in p] or [0]))' 2>/dev/null || echo 0
}
# The current 30-second step's start.
step_now() { echo $(( $(date +%s) / 30 * 30 )); }
at_current_step() { [ "$(newest)" -ge "$(step_now)" ]; }

out=$("$BMCTOP" history bmc01 2>&1); rc=$?
is "history before anything was recorded: exit 1" "$rc" 1
like "and it says where it looked" "$out" "no history in .*history yet"

spawn "$BMCTOP" -c "$T_TMP/f.conf" status --watch 300 >/dev/null 2>&1
WATCH_PID=$T_LAST_PID
# A reader sees the step in progress while the dashboard runs: flushed
# within seconds, not at exit.
if wait_for 90 at_current_step; then ok "a reader sees the current step while recording runs"
else fail "a reader sees the current step while recording runs"; fi
# Once more in the next step, so that there are at least two points.
s=$(step_now)
wait_for 90 sh -c "[ \$(date +%s) -ge $((s + 30)) ]"
wait_for 60 at_current_step
before=$("$BMCTOP" history bmc01 "Inlet Temp" --json | pyj 'print(len(d[0]["points"]))')
seen=$(newest)
kill_at=$(date +%s)
kill -9 "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
after=$("$BMCTOP" history bmc01 "Inlet Temp" --json | pyj 'print(len(d[0]["points"]))')
check "at least two points before the kill ($before)" [ "${before:-0}" -ge 2 ]
is "kill -9: every point a reader saw is still there" "$after" "$before"
check "kill -9: the newest point is within a minute of the kill" [ "$(newest)" -ge "$((kill_at - 60))" ]
check "kill -9: the newest point is the one seen before it" [ "$(newest)" -ge "$seen" ]

for f in data series events; do
	is "$f is 0600" "$(stat -c %a "$STORE/$f")" 600
done
is "the store's directory is 0700" "$(stat -c %a "$STORE")" 700

# Restart: the same store, carried on (the lock of the killed writer is gone).
dmax=$("$BMCTOP" history bmc01 "Inlet Temp" --since 1d --json | pyj 'print(max(p["max"] for p in d[0]["points"]))')
restart_step=$(step_now)
timeout 60 "$BMCTOP" -c "$T_TMP/f.conf" status --watch 3 >/dev/null 2>"$T_TMP/w2.err"
check "a restart records again (no lock left by the killed one)" [ "$(newest)" -ge "$restart_step" ]
unlike "and logs no lock conflict" \
	"$(cat "$XDG_STATE_HOME/bmctop/bmctop.log" 2>/dev/null)" "another bmctop is recording"
dmax2=$("$BMCTOP" history bmc01 "Inlet Temp" --since 1d --json | pyj 'print(max(p["max"] for p in d[0]["points"]))')
check "the day view's max survives the restart ($dmax <= $dmax2)" \
	/usr/bin/python3 -c "import sys; sys.exit(0 if $dmax <= $dmax2 else 1)"
check "points of before the restart are still there" \
	[ "$("$BMCTOP" history bmc01 "Inlet Temp" --json | pyj 'print(len(d[0]["points"]))')" -ge "$before" ]

# Formats agree: CSV rows = JSON points, text lists every sensor.
csv=$("$BMCTOP" history bmc01 "Inlet Temp" --csv)
is "CSV header" "$(echo "$csv" | head -1)" "time,host,sensor,unit,min,avg,max"
is "CSV rows = JSON points" "$(( $(echo "$csv" | wc -l) - 1 ))" \
	"$("$BMCTOP" history bmc01 "Inlet Temp" --json | pyj 'print(len(d[0]["points"]))')"
like "text names each sensor with its unit" "$("$BMCTOP" history bmc01)" "^bmc01 FAN1 \(RPM, every 30s\)"
like "a host range reads several hosts" "$("$BMCTOP" history 'bmc0[1-3]' 'Inlet Temp' --csv | cut -d, -f2 | sort -u | tr '\n' ' ')" \
	'"bmc01" "bmc02" "bmc03"'
is "the week view is hourly min/avg/max" \
	"$("$BMCTOP" history bmc02 "Inlet Temp" --since 7d --json | pyj 'print(d[0]["resolution"], sorted(d[0]["points"][0]))')" \
	"1h ['avg', 'max', 'min', 'time']"

out=$("$BMCTOP" history bmc01 --since 9d 2>&1); rc=$?
is "--since beyond the week: usage error" "$rc" 2
like "and says what it keeps" "$out" "the store keeps a week"
out=$("$BMCTOP" history nosuchhost 2>&1); rc=$?
is "an unknown host: exit 1" "$rc" 1
like "and named" "$out" "no history of nosuchhost"
kill "$SIM_PID"
exit 0
