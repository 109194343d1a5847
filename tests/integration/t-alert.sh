# t-alert.sh - the fleet's alert-command on bmcsim: a storm (bmcsim --storm)
# while status --watch runs makes the hook run once per host that went
# critical, once (the per-host rate limit holds back its sensor event),
# with the event in BMCTOP_* variables and as JSON on stdin, its arguments
# passed without a shell, and neither the BMC password nor the variable
# that holds it in its environment.  Bad alert keys are refused by name.
. "$SRCDIR/tests/lib/tap.sh"
need timeout
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
BMCTOP=${BMCTOP:-$BUILDDIR/bmctop}
export XDG_STATE_HOME="$T_TMP/state" XDG_CONFIG_HOME="$T_TMP/config"

(umask 077 && tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16 >"$T_TMP/pw")
spawn "$BMCSIM" --count 8 --port 0 --password-file "$T_TMP/pw" --fleet-out "$T_TMP/f.conf" \
	--ready-file "$T_TMP/ready" --dump "$T_TMP/dump.json" --max-seconds 300 --seed 3 \
	--storm 4:50 2>"$T_TMP/sim.err"
SIM_PID=$T_LAST_PID
wait_for 60 test -f "$T_TMP/ready" || { fail "bmcsim starts"; diag "$(cat "$T_TMP/sim.err")"; exit 0; }

cat >"$T_TMP/hook.sh" <<'EOF'
#!/bin/sh
# $1: where to write; $2: an argument a shell would have expanded.
env >"$1.$BMCTOP_HOST.env"
cat >"$1.$BMCTOP_HOST.json"
printf '%s %s\n' "$BMCTOP_HOST" "$2" >>"$1.log"
EOF
chmod 700 "$T_TMP/hook.sh"
# The password from a variable, which the hook must not inherit.
export BMCT_ALERT_PW="$(cat "$T_TMP/pw")"
sed -i -e 's|^password-file = .*|password-env = BMCT_ALERT_PW|' \
	-e "s|^\\[defaults\\]\$|[defaults]\\ninterval = 1s\\nalert-command = $T_TMP/hook.sh $T_TMP/hook \$HOME;id\\nalert-on = critical, sensor\\nalert-interval = 1h|" \
	"$T_TMP/f.conf"
check "the fleet file with alert keys passes config check" "$BMCTOP" -c "$T_TMP/f.conf" config check

fresh=$(/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted(b["name"] for i, b in enumerate(d) if (i+1)*50//100 != i*50//100 and b["health"] != "critical")))' "$T_TMP/dump.json")
check "storm hosts healthy before it: $fresh" [ -n "$fresh" ]

timeout 120 "$BMCTOP" -c "$T_TMP/f.conf" status --watch 12 --what power,sensors >/dev/null 2>&1
wait_for 20 test -f "$T_TMP/hook.log"
ran=$(cut -d' ' -f1 "$T_TMP/hook.log" | sort | tr '\n' ' ')
for h in $fresh; do
	like "the hook ran for $h, which went critical" "$ran" "(^| )$h "
done
is "at most once per host (a sensor crossing on a host already critical included)" \
	"$(cut -d' ' -f1 "$T_TMP/hook.log" | sort | uniq -d)" ""
is "its arguments came without a shell" "$(cut -d' ' -f2- "$T_TMP/hook.log" | sort -u)" '$HOME;id'
h=$(echo $fresh | cut -d' ' -f1)
env=$(cat "$T_TMP/hook.$h.env")
like "BMCTOP_HOST" "$env" "^BMCTOP_HOST=$h\$"
like "BMCTOP_EVENT" "$env" "^BMCTOP_EVENT=critical\$"
like "BMCTOP_KIND and FROM/TO" "$(echo "$env" | grep -E '^BMCTOP_(KIND|TO)=' | sort | tr '\n' ' ')" \
	"^BMCTOP_KIND=health BMCTOP_TO=critical $"
like "BMCTOP_TIME is Unix seconds" "$env" "^BMCTOP_TIME=[0-9]{10}\$"
unlike "no password in its environment" "$env" "$(cat "$T_TMP/pw")"
unlike "nor the variable that holds it" "$env" "BMCT_ALERT_PW"
is "JSON on stdin names the host and event" \
	"$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["host"], d["event"], d["kind"], d["to"])' "$T_TMP/hook.$h.json")" \
	"$h critical health critical"

printf '[defaults]\nalert-on = critical, meltdown\n[host a]\naddress = 127.0.0.1\n' >"$T_TMP/bad.conf"
out=$("$BMCTOP" -c "$T_TMP/bad.conf" config check 2>&1); rc=$?
is "an unknown alert-on name: exit 2" "$rc" 2
like "and the list of names" "$out" "bad.conf:2:.*critical, warning, recovered"
printf '[host a]\naddress = 127.0.0.1\nalert-command = /bin/true\n' >"$T_TMP/bad2.conf"
out=$("$BMCTOP" -c "$T_TMP/bad2.conf" config check 2>&1); rc=$?
is "alert-command in a host section: exit 2" "$rc" 2
kill "$SIM_PID"
exit 0
