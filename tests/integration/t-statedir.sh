#!/bin/bash
# t-statedir.sh - the state directory belongs to the user alone.
#
# Another local user who could write into $XDG_STATE_HOME/bmctop could plant
# symbolic links there and have bmctop (often run as root) append to,
# truncate or chmod any file.  So: links planted at bmctop.log, known_hosts,
# and at every temporary name a writer ever used are not followed (their
# targets keep content and mode); the directories bmctop makes are 0700
# whatever the umask; and a state or config directory that is writable by
# group or others, or owned by someone else, is refused with exit status 2
# and the fix (chmod 700 DIR), as OpenSSH refuses a loose ~/.ssh.
#
# bmcsim plays the BMC: its Redfish side (trust on first use writes
# known_hosts) and its IPMI side (the cipher-suite and SDR caches).
. "$SRCDIR/tests/lib/tap.sh"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || skip_all "bmcsim is not built ($BMCSIM)"
need timeout stat

PW=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16)
PWFILE="$T_TMP/password"
(umask 077 && printf '%s\n' "$PW" >"$PWFILE")
S="$XDG_STATE_HOME/bmctop"
V="$T_TMP/victim"
mkdir -m 755 "$V"

spawn "$BMCSIM" --port 0 --count 1 --redfish-share 100 --password-file "$PWFILE" \
	--fleet-out "$T_TMP/sim.conf" --ready-file "$T_TMP/sim.ready" </dev/null >"$T_TMP/sim.log" 2>&1
wait_for 30 test -s "$T_TMP/sim.ready" -a -s "$T_TMP/sim.conf" || { fail "bmcsim starts"; exit 0; }
# One fleet for each side of the same BMC.
sed 's/^protocol = auto$/protocol = redfish/' "$T_TMP/sim.conf" >"$T_TMP/rf.conf"
sed -e '/^protocol = auto$/d' -e '/^redfish = /d' "$T_TMP/sim.conf" >"$T_TMP/ipmi.conf"
chmod 600 "$T_TMP/rf.conf" "$T_TMP/ipmi.conf"
H=$(sed -n 's/^\[host \(.*\)\]$/\1/p' "$T_TMP/sim.conf")
IPMI_PORT=$(sed -n 's/^ipmi-port = //p' "$T_TMP/sim.conf")
RF_URL=$(sed -n 's/^redfish = //p' "$T_TMP/sim.conf")

# victim NAME: a file of someone else's, 0644, that bmctop must never touch.
victim() { printf 'precious %s\n' "$1" >"$V/$1"; chmod 644 "$V/$1"; }
# untouched NAME: the victim kept its content and mode.
untouched() {
	is "the target of the link at $2 keeps its content" "$(cat "$V/$1")" "precious $1"
	is "the target of the link at $2 keeps its mode" "$(stat -c %a "$V/$1")" 644
}
# run FLEET ARGS...: bmctop with a bounded run time; output in $OUT, status in $RC.
run() {
	local f=$1; shift
	OUT=$(timeout 120 "$BMCTOP" -c "$f" "$@" 2>&1 </dev/null); RC=$?
}

# 1. Links at the log and at every temporary name, under umask 000.
mkdir -p -m 700 "$S/sdr"
SDR_NAME="$H-127.0.0.1-$IPMI_PORT.sdr"
for v in log kh-tmp suites-tmp sdr-tmp; do victim "$v"; done
ln -s "$V/log" "$S/bmctop.log"
ln -s "$V/kh-tmp" "$S/known_hosts.tmp"
ln -s "$V/suites-tmp" "$S/ipmi-cipher-suites.tmp"
ln -s "$V/sdr-tmp" "$S/sdr/$SDR_NAME.tmp"
umask 000
run "$T_TMP/rf.conf" status
is "Redfish status with links planted in the state directory: exit 0" "$RC" 0
[ "$RC" = 0 ] || diag "$OUT"
run "$T_TMP/ipmi.conf" status
is "IPMI status with links planted in the state directory: exit 0" "$RC" 0
[ "$RC" = 0 ] || diag "$OUT"
umask 022
untouched log bmctop.log
untouched kh-tmp known_hosts.tmp
untouched suites-tmp ipmi-cipher-suites.tmp
untouched sdr-tmp "sdr/$SDR_NAME.tmp"
check "bmctop.log is still the planted link (not followed, not replaced)" test -L "$S/bmctop.log"
like "and bmctop says why it does not log" "$OUT" "bmctop.log.*(symbolic link|Too many levels)"
check "known_hosts was written, as a regular file" test -f "$S/known_hosts" -a ! -L "$S/known_hosts"
is "known_hosts is 0600" "$(stat -c %a "$S/known_hosts" 2>/dev/null)" 600
like "known_hosts holds the BMC's key" "$(cat "$S/known_hosts" 2>/dev/null)" "^$H $RF_URL sha256//"
check "the cipher-suite cache is a regular file" test -f "$S/ipmi-cipher-suites" -a ! -L "$S/ipmi-cipher-suites"
is "the cipher-suite cache is 0600 under umask 000" "$(stat -c %a "$S/ipmi-cipher-suites" 2>/dev/null)" 600
check "the SDR cache is a regular file" test -f "$S/sdr/$SDR_NAME" -a ! -L "$S/sdr/$SDR_NAME"
is "the SDR cache is 0600 under umask 000" "$(stat -c %a "$S/sdr/$SDR_NAME" 2>/dev/null)" 600
is "no temporary is left behind" "$(cd "$S" && find . -type f -name '*.tmp*' -o -type f -name '*.XXXXXX' | head -3)" ""

# 2. A link at known_hosts itself, pointing at a file with a different key
#    for this host: it is neither read (no "key changed") nor written, and
#    not taken for first use either: the keys it holds could not be
#    checked, so the host fails with the reason and no password is sent.
rm -f "$S/known_hosts"
printf '%s %s sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n' "$H" "$RF_URL" >"$V/kh"
chmod 644 "$V/kh"
cp "$V/kh" "$T_TMP/kh.orig"
ln -s "$V/kh" "$S/known_hosts"
run "$T_TMP/rf.conf" status
unlike "the key in the linked file is not used" "$OUT" "TLS key .* changed"
check "a known_hosts that cannot be read is not first use: status fails (exit $RC)" [ "$RC" -ne 0 ]
like "and says why, naming the fix" "$OUT" \
	"known_hosts \(it is a symbolic link\), so the BMC's TLS key cannot be checked"
is "the target of the link at known_hosts keeps its content" "$(cat "$V/kh")" "$(cat "$T_TMP/kh.orig")"
is "the target of the link at known_hosts keeps its mode" "$(stat -c %a "$V/kh")" 644
run "$T_TMP/rf.conf" trust "$H"
is "the target of the link at known_hosts survives bmctop trust" "$(cat "$V/kh")" "$(cat "$T_TMP/kh.orig")"
rm -f "$S/known_hosts" "$S/bmctop.log"

# 3. Directories bmctop makes are 0700 whatever the umask.
rm -rf "$XDG_STATE_HOME"
(umask 000 && timeout 120 "$BMCTOP" -c "$T_TMP/ipmi.conf" status >/dev/null 2>&1 </dev/null)
is "the state directory is made 0700 under umask 000" "$(stat -c %a "$S" 2>/dev/null)" 700
is "so is \$XDG_STATE_HOME when it is missing" "$(stat -c %a "$XDG_STATE_HOME" 2>/dev/null)" 700
is "so is its sdr directory" "$(stat -c %a "$S/sdr" 2>/dev/null)" 700
is "the log is 0600 under umask 000" "$(stat -c %a "$S/bmctop.log" 2>/dev/null)" 600

# 4. A state directory others could write to is refused, before anything is written.
refused() { # DESCRIPTION DIR MODE COMMAND...
	local d=$1 dir=$2 mode=$3; shift 3
	chmod "$mode" "$dir"
	OUT=$(timeout 60 "$BMCTOP" "$@" 2>&1 </dev/null); RC=$?
	chmod 700 "$dir"
	is "$d: exit 2" "$RC" 2
	like "$d: the message names the directory and chmod 700" "$OUT" "$dir.*chmod 700 $dir"
}
rm -f "$S/bmctop.log"
refused "a 0777 state directory" "$S" 777 -c "$T_TMP/rf.conf" status
# Group-writable counts when the group holds anyone but the owner, or no
# one (OpenSSH's rule); root's own group holding root alone is like a
# user-private group.
if [ "$(id -u)" = 0 ]; then
	chgrp 65534 "$S"
	refused "a state directory writable by another group" "$S" 770 -c "$T_TMP/rf.conf" status
	chgrp 0 "$S"
	chmod 770 "$S"
	run "$T_TMP/rf.conf" status
	chmod 700 "$S"
	is "group-writable by root's own group (root alone in it): accepted" "$RC" 0
	rm -f "$S/bmctop.log"
fi
refused "a 0777 state directory, config check" "$S" 777 -c "$T_TMP/rf.conf" config check
refused "a 0777 state directory, the dashboard" "$S" 777 -c "$T_TMP/rf.conf"
check "nothing was written into the refused directory" test ! -e "$S/bmctop.log"
run "$T_TMP/rf.conf" status
is "back at 0700 it is used again: exit 0" "$RC" 0
chmod 755 "$S"
run "$T_TMP/rf.conf" status
is "0755 (readable, not writable, by others) is accepted" "$RC" 0
chmod 700 "$S"
if [ "$(id -u)" = 0 ]; then
	chown 65534 "$S"
	run "$T_TMP/rf.conf" status
	chown 0 "$S"
	is "a state directory owned by another user: exit 2" "$RC" 2
	like "... the message names the directory and its owner" "$OUT" "$S.*owned by .*65534"
	mkdir -m 700 "$T_TMP/other"
	ln -s "$T_TMP/other" "$T_TMP/linkstate"
	chown -h 65534 "$T_TMP/linkstate"
	mkdir -m 700 "$T_TMP/ls"
	mv "$T_TMP/linkstate" "$T_TMP/ls/bmctop"
	OUT=$(XDG_STATE_HOME="$T_TMP/ls" timeout 60 "$BMCTOP" -c "$T_TMP/rf.conf" status 2>&1 </dev/null); RC=$?
	is "a state directory that is another user's link to one of ours: exit 2" "$RC" 2
fi

# 4b. Above the state directory: a directory others may write to (not
#     sticky) would let them swap the state directory for a link after the
#     check; a sticky one (as /tmp) would not.
mkdir -m 700 "$T_TMP/up" "$T_TMP/up/st"
chmod 777 "$T_TMP/up"
OUT=$(XDG_STATE_HOME="$T_TMP/up/st" timeout 60 "$BMCTOP" -c "$T_TMP/rf.conf" config check 2>&1 </dev/null); RC=$?
is "a state directory under a 0777 directory: exit 2" "$RC" 2
like "... naming that directory and the fix" "$OUT" "$T_TMP/up, above .*chmod go-w $T_TMP/up"
check "... and nothing is made inside" test ! -e "$T_TMP/up/st/bmctop"
chmod 1777 "$T_TMP/up"
OUT=$(XDG_STATE_HOME="$T_TMP/up/st" timeout 60 "$BMCTOP" -c "$T_TMP/rf.conf" config check 2>&1 </dev/null); RC=$?
is "under a sticky 1777 directory (as /tmp) it is accepted: exit 0" "$RC" 0

# 5. The config directory, when the fleet file comes from it.
mkdir -m 700 -p "$XDG_CONFIG_HOME/bmctop"
cp "$T_TMP/rf.conf" "$XDG_CONFIG_HOME/bmctop/fleet.conf"
OUT=$("$BMCTOP" config check 2>&1); RC=$?
is "a 0700 config directory: config check exits 0" "$RC" 0
refused "a 0777 config directory" "$XDG_CONFIG_HOME/bmctop" 777 config check
if [ "$(id -u)" = 0 ]; then
	chgrp 65534 "$XDG_CONFIG_HOME/bmctop"
	refused "a config directory writable by another group" "$XDG_CONFIG_HOME/bmctop" 775 status
	chgrp 0 "$XDG_CONFIG_HOME/bmctop"
fi
chmod 777 "$XDG_CONFIG_HOME/bmctop"
run "$T_TMP/rf.conf" config check
chmod 700 "$XDG_CONFIG_HOME/bmctop"
is "a loose config directory does not matter with -c elsewhere" "$RC" 0
exit 0
