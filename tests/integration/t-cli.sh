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
