# t-tui-fix.sh - the dashboard's defects of issue 16 that are not about the
# list (help overlay, consoles opened only on purpose, quitting, bulk
# confirmation, the action log, the detail view, --readonly, VNC relays,
# the boot override read back), driven in tmux at 80x24 and 200x60 against
# bmcsim's BMCs and one host that never answers.
. "$SRCDIR/tests/lib/tap.sh"
need tmux ipmitool timeout
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || { fail "bmcsim is built at $BMCSIM"; exit 0; }

PW=$(tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16)
PWF="$T_TMP/password"
(umask 077 && printf '%s\n' "$PW" >"$PWF")

spawn "$BMCSIM" --count 12 --seed 3 --password-file "$PWF" --fleet-out "$T_TMP/sim.conf" \
	--ready-file "$T_TMP/sim.ready" --max-seconds 900 2>"$T_TMP/sim.err"
wait_for 60 test -f "$T_TMP/sim.ready" || { fail "bmcsim starts"; diag "$(cat "$T_TMP/sim.err")"; exit 0; }
port_of() { sed -n "/^\[host $1\]/,/^\$/s/^ipmi-port = //p" "$T_TMP/sim.conf"; }
# ghost's BMC: a UDP port held open that never answers (a port merely
# free now could be taken by another test's simulator later).
spawn /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(900)' "$T_TMP/dead.port"
wait_for 20 test -s "$T_TMP/dead.port" || { fail "the silent UDP port opens"; exit 0; }
dead=$(cat "$T_TMP/dead.port")
{
	sed '/^\[defaults\]$/a interval = 2s\ntimeout = 300ms\nretries = 1' "$T_TMP/sim.conf"
	printf '\n[host ghost]\naddress = 127.0.0.1\nipmi-port = %s\n' "$dead"
	# A graphical console nothing serves: the relay listens all the same.
	printf 'vnc = rfb:127.0.0.1:%s\nvnc-viewer = vncviewer -passwd %%f %%h::%%p\n' "$(free_port)"
} >"$T_TMP/fleet.conf"

# start NAME W H [ARGS...]: a dashboard in tmux session NAME; sets sock.
start() {
	local name=$1 w=$2 h=$3
	shift 3
	sock="$T_TMP/$name.sock"
	tmux -S "$sock" new-session -d -x "$w" -y "$h" \
		"env -u DISPLAY -u WAYLAND_DISPLAY LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' -c '${FLEET:-$T_TMP/fleet.conf}' $*; echo EXITED \$?; sleep 60"
	T_PIDS="$T_PIDS $(tmux -S "$sock" display-message -p '#{pane_pid}')"
	see "$name: dashboard up" '^ *.? bmc01 .* on ' 20
}
screen() { tmux -S "$sock" capture-pane -p; }
keys() { tmux -S "$sock" send-keys "$@"; sleep 0.4; }
see() {
	if wait_for "${3:-10}" sh -c "tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "wanted /$2/"; return 1; fi
}
unsee() {
	if wait_for 10 sh -c "! tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "unwanted /$2/"; fi
}
it() { timeout 30 ipmitool -I lanplus -H 127.0.0.1 -p "$(port_of "$1")" -U admin -f "$PWF" "${@:2}"; }

start small 80 24

# Defect 1: the help overlay fits 80x24, scrolls, is searched, and lists
# every key of the table and the console's prefix keys.
keys '?'
see "80x24: help opens at its first line" 'j Down +next host'
keys j j PageDown
see "80x24: j and PgDn scroll the help, not close it" 'Keys .*[0-9]+-[0-9]+ of [0-9]+'
keys G
see "80x24: G shows the end of the help (the console keys)" 'q +close this console'
see "... the console keys have their own heading" 'Console keys'
keys g
see "80x24: g is back at the top" 'j Down +next host'
keys / q u i t Enter
see "80x24: / finds quit" 'q \^C +quit'
see "80x24: the help's footer (its keys) is on the screen" 'j k PgDn PgUp g G scroll'
# The command table is in the overlay too, from the same table : uses.
keys g / : p o w e r Enter
see "80x24: / finds the :power command, from the command table" ':power +power action, asked first'
see "... with its arguments" ':power on\|off\|cycle'
keys Escape
unsee "Esc closes the help" 'Keys .*of [0-9]+'

# Defect 2: number keys switch tabs and never open a console; Enter on the
# Console tab (or C) does.
keys g Enter 5
see "Enter, 5: the Console tab" 'Console: +sol'
keys 1
see "1 leaves for the Sensors tab" 'SENSOR +TYPE'
keys 5 2
see "5 then 2: the Power tab" 'Power state:'
sleep 1
unlike "no console opened by the number keys" "$(screen)" 'consoles 1|bmc01: (connecting|active)'
keys 5 Enter
see "Enter on the Console tab opens the console" 'bmc01: (connecting|active)'

# Defect 5: quitting with a console open asks first; so does Ctrl-C; ^] q
# with no console open does not quit.
prefix() { tmux -S "$sock" send-keys C-]; tmux -S "$sock" send-keys "$@"; sleep 0.4; }
prefix o
keys q
see "q with a console open asks first" '1 console open; quitting closes them'
keys n
unsee "n stays" 'Quit\?'
keys C-c
see "Ctrl-C with a console open asks too" '1 console open; quitting closes them'
keys Escape
unsee "Esc stays" 'Quit\?'
prefix q
see "^] q closes the console" 'bmc01: console closed'
prefix q
see "^] q with no console open says so" 'no console is open'
sleep 1
unlike "... and does not quit" "$(screen)" 'EXITED'
keys Escape

# 200x60 from here on (the small dashboard stays open for the end).
small_sock=$sock
start big 200 60
big_sock=$sock

# Defect 1 at 200x60: the dashboard's keys fit one screen; the commands and
# the console's keys follow.
keys '?'
see "200x60: the help shows every dashboard key at once" 'q \^C +quit'
keys G
see "... and ends with the console's last key" 'q +close this console'
keys q
unsee "q closes the help (and does not quit)" 'Keys +1-'

# Defect 9: a bulk confirmation names the hosts as ranges, warns of the
# unreachable ones, wants the count typed above 8 hosts; marks are cleared
# once the action ran; identify does not ask.
see "ghost is unreachable before marking" '^ *.? ghost .*(no response|unreachable)' 20
keys a x
see "the confirmation compresses the names to ranges" 'bmc\[01-12\], ghost'
see "... warns of the unreachable host" 'warning: 1 of them are unreachable'
see "... and wants the count typed" 'type 13 and Enter to do it'
keys 1 2 Enter
see "a wrong count cancels" 'power off canceled: typed 12, not 13'
see "... and the marks stay" 'marked 13 '
is "nothing was powered off" "$(it bmc05 chassis power status)" "Chassis Power is on"
keys o 1 3 Enter
unsee "the right count runs the action and clears the marks" 'marked 13 '
keys g Space Space i
unsee "identify runs without asking and clears the marks too" 'marked 2 |Confirm'
keys L
see "the log: power on sent to 13 hosts" 'power on sent to 13 hosts'
see "the log: identify sent to 2 hosts" 'identify \(15 s\) sent to 2 hosts'
see "the log: identify reached the BMCs" 'bmc02: identify \(15 s\): done'
keys Escape

# Defect 10 (back at 80x24): sorting and marking are not logged; long
# entries wrap; the log scrolls.
sock=$small_sock
keys s s s a u
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	tmux -S "$sock" send-keys r
done
keys G o y
see "the power on of ghost fails" 'ghost: power on failed'
keys L
see "80x24: the log opens at its newest line" 'ghost: power on failed'
unlike "the log has no sorted-by or marks lines" "$(screen)" 'sorted by|hosts marked|marks cleared'
see "the long entry wraps: its end is on the next line" '^ *│ +[^ ].*300 ms\)'
keys g
see "g: the oldest entries (the console of defect 2)" 'bmc01: console (connecting|active)'
unsee "... and the newest is out of view" '│ .*ghost: power on failed'
keys G
see "G: the newest again" 'ghost: power on failed'
keys k k k
see "k scrolls up a line at a time" 'Action log +[0-9]+-[0-9]+ of [0-9]+ lines'
keys Escape
unsee "Esc closes the log" 'Action log'

# Defect 11 (80x24): the error line wraps; unknown keys answer; Left and
# Right switch tabs.
keys G Enter 2
see "80x24: ghost's error wraps: its end is on the next line" '^   .*attempts of 300 ms\)'
keys Right
see "Right: the next tab (Events)" 'ID +TIME +SENSOR'
keys Left Left
see "Left twice: the Sensors tab" 'SENSOR +TYPE'
keys Escape Z
see "an unknown key says so" 'unknown key Z - \? for help'

# Defect 4 (80x24): V with no display starts one relay, shows where to
# point a viewer (127.0.0.1::PORT, the whole command, ssh -L) without
# cutting it; V again reuses it; the list stops it.
keys G V
see "80x24: V opens the relay list" 'VNC relays'
see "... the relay as 127.0.0.1::PORT" 'ghost +127\.0\.0\.1::[0-9]+ +no viewer'
see "... the whole viewer command (wrapped)" 'vncviewer -passwd .*'
see "... its end: the endpoint in viewer form" '127\.0\.0\.1::[0-9]+ *│'
see "... an ssh -L line" 'ssh -L ([0-9]+):127\.0\.0\.1:\1 '
keys Escape V
see "V again shows the same relay" 'ghost +127\.0\.0\.1::[0-9]+ +no viewer'
is "... one relay, not two" "$(screen | grep -cE 'ghost +127\.0\.0\.1::')" 1
keys Escape q
see "q with a relay open asks first" '1 VNC relay open'
keys n L
see "the log has the viewer command" 'viewer: vncviewer -passwd'
keys Escape w x
see "x in the list stops the relay" 'ghost: (stopping the VNC relay|graphical console closed)'
keys Escape w
see "w: no relay left" 'no VNC relay is running'

# (200x60) a watt meter typed "current" by its BMC shows as power; events
# show threshold values in units.
sock=$big_sock
keys g Enter 1
see "200x60: Pwr Consumption is a power sensor" 'Pwr Consumption +power +[0-9.]+ +W '
keys Escape j Enter 3
see "200x60: threshold events in units, as ipmitool shows them" 'going high, reading [0-9.]+ C, threshold [0-9.]+ C' 20
unlike "... and not in hex" "$(screen)" 'reading 0x'
keys Escape

# Defect 3 (200x60): the Power tab reads the BMC's own boot override (set
# here by ipmitool) and shows the power transitions it saw.
keys g j j Enter 2
see "bmc03's Power tab: no override yet" 'Next boot device: none'
see "... no power change seen yet" 'Last power event: no change seen'
it bmc03 chassis bootdev pxe >/dev/null
see "an override set by ipmitool is read back" 'Next boot device: pxe' 20
it bmc03 chassis power off >/dev/null
see "a power change seen: on -> off with its time" 'Last power event: on -> off at [0-9-]+ [0-9:]+' 20
it bmc03 chassis power on >/dev/null
see "... and back: off -> on" 'Last power event: off -> on at ' 20
keys Escape

# ... and over Redfish (80x24): an override set by "bmctop boot" in another
# process is read back from ComputerSystem.Boot.
spawn "$BMCSIM" --count 1 --redfish-share 100 --seed 5 --password-file "$PWF" \
	--fleet-out "$T_TMP/rfsim.conf" --ready-file "$T_TMP/rfsim.ready" --max-seconds 900 \
	2>"$T_TMP/rfsim.err"
if wait_for 60 test -f "$T_TMP/rfsim.ready"; then
	sed 's/^protocol = auto$/protocol = redfish/; /^\[defaults\]$/a interval = 2s' \
		"$T_TMP/rfsim.conf" >"$T_TMP/rf.conf"
	FLEET="$T_TMP/rf.conf" start rf 80 24
	keys g Enter 2
	see "Redfish: no override yet" 'Next boot device: none'
	"$BMCTOP" -c "$T_TMP/rf.conf" boot bmc01 bios >"$T_TMP/rfboot.out" 2>&1
	see "Redfish: the override set by bmctop boot is read back" 'Next boot device: bios' 20
	keys q
	see "rf: q quits" 'EXITED 0'
else
	fail "bmcsim (Redfish) starts"
	diag "$(cat "$T_TMP/rfsim.err")"
fi

# --readonly (80x24): nothing that acts on a BMC, and each refusal says so.
tmux -S "$small_sock" send-keys q y
start ro 80 24 --readonly
see "--readonly says so at the start" 'read-only: power, boot, identify'
keys g x
see "x: power off refused" 'read-only: power off refused'
keys c
see "c: power cycle refused" 'read-only: power cycle refused'
keys b
see "b: boot device refused" 'read-only: next boot device refused'
keys i
see "i: identify refused" 'read-only: identify \(15 s\) refused'
keys V
see "V: the VNC viewer refused (it sends input)" 'read-only: graphical console \(a VNC viewer sends input\) refused'
unlike "no dialog opened" "$(screen)" 'Confirm|Next boot device'
is "bmc01 still on" "$(it bmc01 chassis power status)" "Chassis Power is on"
keys C
see "C: the console opens to look at" 'bmc01: active'
tmux -S "$sock" send-keys -l "reboot"
see "typing into it is refused" 'read-only: console input refused'
prefix S
see "^] S: takeover refused" 'read-only: console takeover refused'
prefix q
keys q
see "... q quits at once with no console open" 'EXITED 0'

# readonly = yes in the fleet file (200x60), and a bad value is refused.
sed '/^\[defaults\]$/a readonly = yes' "$T_TMP/fleet.conf" >"$T_TMP/ro.conf"
FLEET="$T_TMP/ro.conf" start rofile 200 60
see "readonly = yes: READ-ONLY in the status bar" 'READ-ONLY '
keys g o
see "o: power on refused" 'read-only: power on refused'
keys q
see "q quits" 'EXITED 0'
sed '/^\[defaults\]$/a readonly = maybe' "$T_TMP/fleet.conf" >"$T_TMP/bad.conf"
out=$("$BMCTOP" -c "$T_TMP/bad.conf" config check 2>&1)
is "readonly = maybe: exit 2" "$?" 2
like "... with what was expected" "$out" 'readonly.*yes or no'
