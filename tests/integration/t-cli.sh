# t-cli.sh - the command line and the fleet file, as a user meets them.
. "$SRCDIR/tests/lib/tap.sh"

out=$("$BMCTOP" --version); rc=$?
is "--version exits 0" "$rc" 0
like "--version names the program and version" "$out" '^bmctop [0-9]+\.[0-9]+'

out=$("$BMCTOP" --help); rc=$?
is "--help exits 0" "$rc" 0
for cmd in status sensors sel fru power boot sol vnc trust config; do
	like "--help lists $cmd" "$out" "^  $cmd "
done

out=$("$BMCTOP" config check -c "$SRCDIR/data/fleet.example.conf" 2>&1); rc=$?
is "example fleet passes config check" "$rc" 0
like "config check counts the example's hosts" "$out" 'OK, 53 hosts'

out=$("$BMCTOP" -c "$SRCDIR/data/fleet.local.conf" config check 2>&1); rc=$?
is "local fleet passes config check (-c before the command)" "$rc" 0
like "local fleet has 8 hosts" "$out" 'OK, 8 hosts'

# A syntax error on line 7.
cat > "$T_TMP/bad.conf" <<'F'
[defaults]
user = admin
# comments
# do not
# count

interval 30s
[host a]
address = 127.0.0.1
F
out=$("$BMCTOP" config check -c "$T_TMP/bad.conf" 2>&1); rc=$?
is "syntax error exits 2" "$rc" 2
like "syntax error names FILE:7" "$out" "bad.conf:7: expected KEY = VALUE"

printf '[defaults]\nintervl = 30s\n[host a]\naddress = 127.0.0.1\n' > "$T_TMP/typo.conf"
out=$("$BMCTOP" config check -c "$T_TMP/typo.conf" 2>&1)
like "unknown key gets a did-you-mean" "$out" 'typo.conf:2: unknown key "intervl": did you mean "interval"\?'

# Password files must be private.
printf 's3cret-pw\n' > "$T_TMP/pw"
chmod 640 "$T_TMP/pw"
printf '[defaults]\npassword-file = %s\n[host a]\naddress = 127.0.0.1\n' "$T_TMP/pw" > "$T_TMP/pwf.conf"
out=$("$BMCTOP" config check -c "$T_TMP/pwf.conf" 2>&1); rc=$?
is "group-readable password file refused" "$rc" 2
like "the refusal names the file and the fix" "$out" "$T_TMP/pw: password file is readable by group or others .*chmod 600 $T_TMP/pw"
unlike "the refusal does not show the password" "$out" 's3cret-pw'
chmod 600 "$T_TMP/pw"
out=$("$BMCTOP" config check -c "$T_TMP/pwf.conf" 2>&1); rc=$?
is "private password file accepted" "$rc" 0

# Inline secrets: the fleet file itself must be private, and hosts shows ***.
printf '[defaults]\npassword = inl1ne-pw\n[host n[1-3]]\naddress = 127.0.0.1\nipmi-port = [9001-9003]\n' > "$T_TMP/inline.conf"
chmod 644 "$T_TMP/inline.conf"
out=$("$BMCTOP" config check -c "$T_TMP/inline.conf" 2>&1); rc=$?
is "world-readable fleet file with a password refused" "$rc" 2
like "fleet file refusal gives chmod 600" "$out" 'holds a password but is readable by group or others.*chmod 600'
chmod 600 "$T_TMP/inline.conf"
out=$("$BMCTOP" config hosts -c "$T_TMP/inline.conf" 2>&1); rc=$?
is "config hosts exits 0" "$rc" 0
is "config hosts lists each expanded host" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 3
like "config hosts shows each port" "$out" '^n2 address=127\.0\.0\.1 .*ipmi-port=9002'
like "config hosts masks the password" "$out" 'password=\*\*\*'
printf '[host v]\naddress = 127.0.0.1\nvnc = rfb:127.0.0.1:5901\nvnc-viewer = xtigervncviewer -passwd %%f %%h::%%p\n' >"$T_TMP/viewer.conf"
like "config hosts shows the viewer command" "$("$BMCTOP" config hosts -c "$T_TMP/viewer.conf" 2>&1)" \
	'vnc=rfb:127\.0\.0\.1:5901 .*vnc-viewer="xtigervncviewer -passwd %f %h::%p"'
unlike "config hosts never prints the password" "$out" 'inl1ne-pw'

# Default fleet location.
mkdir -p -m 700 "$XDG_CONFIG_HOME/bmctop"
cp "$SRCDIR/data/fleet.local.conf" "$XDG_CONFIG_HOME/bmctop/fleet.conf"
out=$("$BMCTOP" config check 2>&1); rc=$?
is "default fleet from XDG_CONFIG_HOME" "$rc" 0
out=$(BMCTOP_FLEET="$T_TMP/typo.conf" "$BMCTOP" config check 2>&1); rc=$?
is "BMCTOP_FLEET overrides the default" "$rc" 2

# Usage errors exit 2.
"$BMCTOP" frobnicate >/dev/null 2>&1; is "unknown command exits 2" "$?" 2
"$BMCTOP" --bogus >/dev/null 2>&1; is "unknown option exits 2" "$?" 2
"$BMCTOP" power local1 >/dev/null 2>&1; is "power without an action exits 2" "$?" 2
out=$("$BMCTOP" -c "$SRCDIR/data/fleet.local.conf" sensors nosuchhost 2>&1); rc=$?
is "unknown host exits 2" "$rc" 2
like "unknown host is named" "$out" 'no host named nosuchhost'
out=$("$BMCTOP" -c "$SRCDIR/data/fleet.local.conf" power 'local[1-9]' status 2>&1); rc=$?
is "hostrange naming a missing host exits 2" "$rc" 2
like "the missing host of the range is named" "$out" 'no host named local9'
"$BMCTOP" -c "$SRCDIR/data/fleet.local.conf" status </dev/null >/dev/null 2>&1 &
p=$!; T_PIDS="$T_PIDS $p"
wait_for 20 sh -c "! kill -0 $p" && ok "status on an unreachable fleet ends" || fail "status on an unreachable fleet ends"

# Nothing is ever logged to the terminal, but the log file exists.
[ -f "$XDG_STATE_HOME/bmctop/bmctop.log" ] && ok "log file in XDG_STATE_HOME" || fail "log file in XDG_STATE_HOME"
mode=$(stat -c %a "$XDG_STATE_HOME/bmctop/bmctop.log" 2>/dev/null)
is "log file is 0600" "$mode" 600

# sensors, sel and fru over several hosts: one consolidated table, as
# FreeIPMI's -B prints, checked against each host's own output.  bmcsim's
# model is frozen (--tick 0), so a host answers the same every time; its
# hosts' logs hold the same power-on entry, their sensors differ.
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
if [ -x "$BMCSIM" ]; then
	(umask 077 && printf 'sim-%s\n' "$$" >"$T_TMP/sim.pw")
	spawn "$BMCSIM" --count 4 --tick 0 --password-file "$T_TMP/sim.pw" \
		--fleet-out "$T_TMP/sim.conf" --ready-file "$T_TMP/sim.ready" --max-seconds 600 \
		2>"$T_TMP/sim.err"
	wait_for 60 test -s "$T_TMP/sim.ready" || diag "$(cat "$T_TMP/sim.err")"
	awk '{ print } /^\[host bmc0[1-4]\]/ { print "group = quad" }' "$T_TMP/sim.conf" >"$T_TMP/quad.conf"
	chmod 600 "$T_TMP/quad.conf"
	q() { "$BMCTOP" -c "$T_TMP/quad.conf" "$@"; }
	for kind in sel sensors fru; do
		for h in bmc01 bmc02 bmc03 bmc04; do
			q "$kind" "$h" >"$T_TMP/$kind.$h" 2>&1 || diag "$kind $h: $(cat "$T_TMP/$kind.$h")"
		done
		out=$(q "$kind" @quad 2>&1); rc=$?
		is "$kind @group exits 0" "$rc" 0
		printf '%s\n' "$out" >"$T_TMP/$kind.all"
		verdict=$(/usr/bin/python3 - "$T_TMP" "$kind" <<'PY'
import re, sys
tmp, kind = sys.argv[1], sys.argv[2]
own = {h: open("%s/%s.%s" % (tmp, kind, h)).read() for h in ("bmc01", "bmc02", "bmc03", "bmc04")}
text = open("%s/%s.all" % (tmp, kind)).read()
# Blocks: a rule, the hosts, a rule, then the hosts' common output.
parts = re.split(r"(?m)^-{16}\n(.*)\n-{16}\n", text)
if parts[0] != "":
    sys.exit("text before the first block: %r" % parts[0][:80])
seen, blocks = set(), []
for names, body in zip(parts[1::2], parts[2::2]):
    m = re.fullmatch(r"bmc\[(.*)\]|(bmc\d+)", names)
    if not m:
        sys.exit("host list %r is not compressed to a range" % names)
    hosts = [m.group(2)] if m.group(2) else []
    for item in (m.group(1) or "").split(",") if m.group(1) else []:
        lo, _, hi = item.partition("-")
        hosts += ["bmc%02d" % i for i in range(int(lo), int(hi or lo) + 1)]
    body = body[:-1] if body.endswith("\n\n") else body
    for h in hosts:
        if own[h] != body:
            sys.exit("%s's block is not its own output" % h)
        seen.add(h)
    blocks.append(len(hosts))
if seen != set(own):
    sys.exit("hosts missing: %s" % sorted(set(own) - seen))
if len(blocks) != len(set(own.values())):
    sys.exit("%d blocks for %d different outputs" % (len(blocks), len(set(own.values()))))
print("ok %d" % max(blocks))
PY
)
		like "$kind @group: each different output once, under its hosts as a range" "$verdict" '^ok '
		case $kind in
		sel) like "sel: hosts with the same log are shown once" "$verdict" '^ok [2-4]$' ;;
		*) is "$kind: hosts that differ each get their own block" "$verdict" 'ok 1' ;;
		esac
	done
	out=$(q sel 'bmc0[1-2]' bmc04 2>&1)
	like "ranges and names mix, the hosts compressed" "$out" '^bmc\[01-02,04\]$'
	# A host that does not answer is named on stderr; the others still print.
	printf '\n[host gone]\naddress = 127.0.0.1\nipmi-port = %s\ntimeout = 300ms\nretries = 1\n' \
		"$(free_port udp)" >>"$T_TMP/quad.conf"
	q fru bmc01 bmc02 gone >"$T_TMP/gone.out" 2>"$T_TMP/gone.err"; rc=$?
	is "a host that fails among several: exit 1" "$rc" 1
	like "... named on stderr" "$(cat "$T_TMP/gone.err")" '^bmctop: gone: '
	is "... the others printed, one block each" "$(grep -cE '^bmc0[12]$' "$T_TMP/gone.out")" 2
	unlike "... the failed host in no block" "$(cat "$T_TMP/gone.out")" 'gone'

	# JSON: one host's object as before; several hosts, an array of them.
	q sensors bmc01 --json >"$T_TMP/one.json" 2>&1
	q sensors 'bmc0[1-2]' --json >"$T_TMP/two.json" 2>&1
	verdict=$(/usr/bin/python3 - "$T_TMP/one.json" "$T_TMP/two.json" <<'PY'
import json, sys
one, two = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert isinstance(one, dict) and one["name"] == "bmc01" and one["sensors"], "one host: an object"
assert [h["name"] for h in two] == ["bmc01", "bmc02"], "two hosts: an array"
assert all("sensors" in h and "power" not in h for h in two), "only the sensors part"
print("ok")
PY
)
	is "sensors --json: an object for one host, an array for several" "$verdict" ok

	# The text shows each sensor's thresholds, written as its value is.
	verdict=$(/usr/bin/python3 - "$T_TMP/one.json" "$T_TMP/sensors.bmc01" <<'PY'
import json, sys
host = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
assert lines[0].split()[:11] == ["SENSOR", "TYPE", "VALUE", "UNIT", "STATUS", "LNR", "LCR", "LNC", "UNC", "UCR", "UNR"], lines[0]
def fmt(v, unit):
    s = "%.*f" % (0 if unit in ("C", "RPM", "W", "%") else 2, v)
    return s[1:] if s.startswith("-") and s.strip("-0.") == "" else s
checked = 0
for s in host["sensors"]:
    if s.get("value") is None:
        continue
    line = next(l for l in lines if l.startswith(s["name"] + " "))
    rest = line[len(s["name"]):].split()
    rest = rest[len(s["type"].split()):]
    th = s.get("thresholds", {})
    want = [fmt(s["value"], s["unit"]), s["unit"], s["status"]] + \
        [fmt(th[k], s["unit"]) if k in th else "-" for k in ("lower_non_recoverable", "lower_critical", "lower_non_critical", "upper_non_critical", "upper_critical", "upper_non_recoverable")]
    assert rest[:9] == want, "%s: %s, want %s" % (s["name"], rest[:9], want)
    checked += 1
assert checked >= 5, "only %d sensors with values" % checked
assert any(s.get("thresholds") for s in host["sensors"]), "no thresholds at all"
print("ok")
PY
)
	is "sensors text: value and every threshold in the one number format" "$verdict" ok
	out=$(q status bmc01 2>&1)
	like "status writes the hottest temperature the same way" "$out" '^bmc01 +ipmi +on +[a-z]+ +[0-9]+C '
else
	fail "bmcsim is built at $BMCSIM"
fi
