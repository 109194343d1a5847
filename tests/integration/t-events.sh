# t-events.sh - fleet events on bmcsim: a transition storm (bmcsim --storm:
# 500 of 2000 BMCs run hot at once) recorded by status --watch becomes
# exactly one health, one sensor and one log event per host that went
# critical, none for the others; bmctop events filters by host and time, in
# text and JSON; the store has the hot readings.
. "$SRCDIR/tests/lib/tap.sh"
need timeout
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
BMCTOP=${BMCTOP:-$BUILDDIR/bmctop}
export XDG_STATE_HOME="$T_TMP/state" XDG_CONFIG_HOME="$T_TMP/config"

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

out=$("$BMCSIM" --storm 5 2>&1); rc=$?
is "bmcsim --storm without a percent: refused" "$rc" 2
like "with the form it wants" "$out" "AT_SECONDS:PERCENT"

(umask 077 && tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16 >"$T_TMP/pw")
spawn "$BMCSIM" --count 2000 --port 0 --password-file "$T_TMP/pw" --fleet-out "$T_TMP/f.conf" \
	--ready-file "$T_TMP/ready" --dump "$T_TMP/dump.json" --max-seconds 300 --seed 7 \
	--storm 20:25 2>"$T_TMP/sim.err"
SIM_PID=$T_LAST_PID
wait_for 60 test -f "$T_TMP/ready" || { fail "bmcsim starts"; diag "$(cat "$T_TMP/sim.err")"; exit 0; }
sed -i 's/^\[defaults\]$/[defaults]\ninterval = 5s/' "$T_TMP/f.conf"

# The storm's hosts (every fourth: bmc0004, bmc0008, ...) and, of those, the ones
# not critical before it: each of these must give one event of each kind.
storm=$(pyj 'print(" ".join(b["name"] for i,b in enumerate(d) if (i+1)*25//100 != i*25//100))' <"$T_TMP/dump.json")
fresh=$(pyj 'print(" ".join(sorted(b["name"] for i,b in enumerate(d) if (i+1)*25//100 != i*25//100 and b["health"] != "critical")))' <"$T_TMP/dump.json")
nfresh=$(echo $fresh | wc -w)
is "500 storm hosts" "$(echo $storm | wc -w)" 500
check "most of them healthy before ($nfresh)" [ "$nfresh" -ge 400 ]

timeout 180 "$BMCTOP" -c "$T_TMP/f.conf" status --watch 45 --what power,sensors,events \
	>"$T_TMP/watch.out" 2>&1
like "every host was polled through the storm" "$(grep "watch done" "$T_TMP/watch.out")" "2000 updated at least once"
diag "$(grep "watch done" "$T_TMP/watch.out")"

"$BMCTOP" events --json >"$T_TMP/ev.json"; rc=$?
is "bmctop events --json exits 0" "$rc" 0
count() { pyj "print(sorted(e['host'] for e in d if $1))" <"$T_TMP/ev.json"; }
want=$(/usr/bin/python3 -c "import sys; print(sorted(sys.argv[1:]))" $fresh)
is "health -> critical: exactly the storm's fresh hosts, once each" \
	"$(count "e['kind']=='health' and e['to']=='critical'")" "$want"
# (Hosts critical before the storm have CPU1 hovering across its threshold
# anyway: only the fresh ones are counted here.)
is "sensor CPU1 Temp -> critical: the same hosts, once each" \
	"$(count "e['kind']=='sensor' and e['subject']=='CPU1 Temp' and e['to']=='critical' and e['host'] in '$fresh'.split()")" "$want"
is "a new critical log entry: the same hosts, once each" \
	"$(pyj "print(sorted(set(e['host'] for e in d if e['kind']=='sel' and e['to']=='critical' and e['host'] in '$fresh'.split())))" <"$T_TMP/ev.json")" "$want"
is "no host outside the storm went critical" \
	"$(pyj "print([e['host'] for e in d if e['kind']=='health' and e['to']=='critical' and e['host'] not in '$storm'.split()])" <"$T_TMP/ev.json")" "[]"
is "events carry seq, time, count and acked" \
	"$(pyj 'e=d[0]; print(sorted(k for k in e if k in ("seq","time","first","count","acked","from","to","text")))' <"$T_TMP/ev.json")" \
	"['acked', 'count', 'first', 'from', 'seq', 'text', 'time', 'to']"

first=$(echo $fresh | cut -d' ' -f1)
text=$("$BMCTOP" events "$first")
like "text: one host's events" "$text" "$first +health ok -> critical"
is "and only that host's" "$(echo "$text" | awk '{ print $2 }' | sort -u)" "$first"
is "--since 5m: all of this run's events" \
	"$("$BMCTOP" events --since 5m --json | pyj 'print(len(d))')" \
	"$(pyj 'print(len(d))' <"$T_TMP/ev.json")"

hot=$("$BMCTOP" history "$first" "CPU1 Temp" --json | pyj 'print(max(p["value"] for p in d[0]["points"]))')
check "the store has the storm's readings ($first CPU1 Temp $hot)" \
	/usr/bin/python3 -c "import sys; sys.exit(0 if $hot >= 95 else 1)"

out=$("$BMCTOP" events --since forever 2>&1); rc=$?
is "a bad --since: usage error" "$rc" 2
kill "$SIM_PID"
exit 0
