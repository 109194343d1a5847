# t-tui-console.sh - serial consoles in the dashboard's libvterm pane,
# driven in tmux against two raw TCP serial hosts (tests/peers/serial-host.py):
# the pane beside the host list, typing, colours and cursor addressing,
# resizing, two consoles, scrollback search, paste, the prefix key, the log.
. "$SRCDIR/tests/lib/tap.sh"
need tmux
[ -x /usr/bin/python3 ] || skip_all "python3 not installed"
infocmp tmux-256color >/dev/null 2>&1 || skip_all "terminfo tmux-256color missing (ncurses-term)"

start_serial() { # NAME: a serial host on a free port; sets port_NAME
	local port
	port=$(free_port)
	spawn /usr/bin/python3 "$SRCDIR/tests/peers/serial-host.py" "$port" \
		--ready-file "$T_TMP/$1.ready" --log "$T_TMP/$1.in" --max-seconds 600
	wait_for 15 test -s "$T_TMP/$1.ready" || { fail "serial host $1 starts"; exit 0; }
	eval "port_$1=$port"
}
start_serial s1
start_serial s2
# The hosts' BMCs never answer: the list shows them unreachable, the
# consoles do not care.
dead1=$(free_port udp)
dead2=$(free_port udp)
cat >"$T_TMP/fleet.conf" <<EOF
[defaults]
protocol = ipmi
interval = 30s
timeout = 300ms
retries = 1

[host serial1]
address = 127.0.0.1
ipmi-port = $dead1
console = tcp:127.0.0.1:$port_s1

[host serial2]
address = 127.0.0.1
ipmi-port = $dead2
console = tcp:127.0.0.1:$port_s2
EOF

sock="$T_TMP/tmux.sock"
tmux -S "$sock" new-session -d -x 160 -y 40 \
	"TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' -c '$T_TMP/fleet.conf'; echo EXITED \$?; sleep 30"
T_PIDS="$T_PIDS $(tmux -S "$sock" display-message -p '#{pane_pid}')"
screen() { tmux -S "$sock" capture-pane -p; }
keys() { tmux -S "$sock" send-keys "$@"; sleep 0.3; }
type_line() { tmux -S "$sock" send-keys -l "$1"; tmux -S "$sock" send-keys Enter; sleep 0.3; }
prefix() { tmux -S "$sock" send-keys C-]; tmux -S "$sock" send-keys "$@"; sleep 0.3; }
see() {
	if wait_for "${3:-10}" sh -c "tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "wanted /$2/"; return 1; fi
}
unsee() {
	if wait_for 10 sh -c "! tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "unwanted /$2/"; fi
}
# sgr_before TEXT: the SGR attributes in force where TEXT first appears on
# the screen, replayed from the top of the capture: bold 1, underline 4,
# reverse 7, then the foreground and background codes, joined with ;.
sgr_before() {
	tmux -S "$sock" capture-pane -p -e >"$T_TMP/screen.esc"
	/usr/bin/python3 - "$T_TMP/screen.esc" "$1" <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8", errors="replace").read()
i = s.find(sys.argv[2])
st = {}
for m in re.finditer(r"\x1b\[([0-9;:]*)m", s[:max(i, 0)]):
    p = [int(x) if x else 0 for x in m.group(1).split(";")]
    while p:
        c = p.pop(0)
        if c == 0:
            st.clear()
        elif c in (1, 4, 7):
            st[c] = str(c)
        elif c in (22, 24, 27):
            st.pop({22: 1, 24: 4, 27: 7}[c], None)
        elif c in (38, 48) and len(p) >= 2 and p[0] == 5:
            st["fg" if c == 38 else "bg"] = "%d;5;%d" % (c, p[1])
            p = p[2:]
        elif 30 <= c <= 37 or 90 <= c <= 97:
            st["fg"] = str(c)
        elif 40 <= c <= 47 or 100 <= c <= 107:
            st["bg"] = str(c)
        elif c == 39:
            st.pop("fg", None)
        elif c == 49:
            st.pop("bg", None)
print(";".join(st[k] for k in (1, 4, 7, "fg", "bg") if k in st) if i >= 0 else "")
PY
}
# pane_check DESCRIPTION TITLE PYTHON-EXPRESSION: evaluate an expression over
# the screen (rows: list of str, characters not bytes) and the pane's inner
# rectangle found from its title (y0, x0: first inner row and column; w, h).
pane_check() {
	local d=$1 title=$2 expr=$3 i
	for i in $(seq 1 40); do
		screen >"$T_TMP/screen.txt"
		if /usr/bin/python3 - "$T_TMP/screen.txt" "$title" "$expr" <<'PY'
import sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
title, expr = sys.argv[2], sys.argv[3]
top = next((y for y, r in enumerate(rows) if " %s: " % title in r), None)
if top is None:
    sys.exit(1)
x0 = rows[top].index(" %s: " % title) - 1      # the title starts 2 after the corner
corner = rows[top][x0 - 1]
y0 = top + 1
bottom = next((y for y in range(y0, len(rows)) if len(rows[y]) > x0 - 1 and rows[y][x0 - 1] in "└+m"), None)
h = (bottom if bottom is not None else len(rows)) - y0
right = rows[y0].rfind("│") if "│" in rows[y0] else rows[y0].rfind("|")
w = right - x0
def inner(r):
    return rows[y0 + r][x0:x0 + w].ljust(w)
sys.exit(0 if eval(expr) else 1)
PY
		then ok "$d"; return; fi
		sleep 0.25
	done
	fail "$d"; diag "$(cat "$T_TMP/screen.txt")"; diag "wanted: $expr"
}

see "both hosts listed" '^ *.? serial2 ' || exit 0
keys C
see "C opens serial1's console: the title says active" 'serial1: active' || exit 0
see "the login prompt appears in the pane" 'bmcsim login:'
see "the host list is still visible beside the pane" '^ *.? serial2 '
see "and laid out to its narrower width (ERROR left of the pane)" 'ERROR +[^ ]*┌─ serial1|ERROR +\+- serial1'
pane_check "the pane is on the right half" serial1 'x0 >= 60 and w >= 60 and "bmcsim login:" in "".join(inner(r) for r in range(h))'

type_line root
see "typed login reaches the host" 'Welcome, root\.'
type_line "seq 20"
see "seq 20: its output appears" 'SEQ-DONE 20'
pane_check "seq 20: numbered lines inside the pane" serial1 'any(inner(r).startswith("line 000020 the quick brown fox") for r in range(h))'

# Colours, clear screen and cursor addressing.
type_line ansi
see "ansi: done marker" 'ANSI-DONE'
pane_check "clear screen: the first inner row starts with RED-BOLD" serial1 'inner(0).startswith("RED-BOLD GREEN WHITE-ON-BLUE ORANGE-256")'
pane_check "clear screen: seq output gone from the pane" serial1 'not any("line 0000" in inner(r) for r in range(h))'
pane_check "cursor addressing: AT-5-10 at row 5, column 10 of the pane" serial1 'inner(4)[9:16] == "AT-5-10" and inner(4)[:9].strip() == ""'
pane_check "cursor addressing: REVERSE at row 10, column 1" serial1 'inner(9).startswith("REVERSE")'
sgr=$(sgr_before RED-BOLD)
like "colour: RED-BOLD drawn bold" "$sgr" '(^|;)1(;|$)'
like "colour: RED-BOLD drawn red (31)" "$sgr" '(^|;)31(;|$)'
like "colour: GREEN drawn green (32)" "$(sgr_before GREEN)" '(^|;)32(;|$)'
sgr=$(sgr_before WHITE-ON-BLUE)
like "colour: WHITE-ON-BLUE has a white foreground (37)" "$sgr" '(^|;)37(;|$)'
like "colour: WHITE-ON-BLUE has a blue background (44)" "$sgr" '(^|;)44(;|$)'
like "colour: 256-colour orange (38;5;208)" "$(sgr_before ORANGE-256)" '(^|;)38;5;208(;|$)'
like "attribute: REVERSE drawn in reverse video (7)" "$(sgr_before REVERSE)" '(^|;)7(;|$)'

# Resize: the pane follows, the console stays usable and wraps at its width.
tmux -S "$sock" resize-window -x 120 -y 30
see "120x30: redrawn" 'serial1: active'
long=abcdefghij0123456789ABCDEFGHIJabcdefghij0123456789ABCDEFGHIJabcdefghij
type_line "echo $long"
pane_check "120x30: output wraps at the pane's new width" serial1 \
	"w < 70 and any(inner(r) == '$long'[:w] and inner(r + 1).startswith('$long'[w:]) for r in range(h - 1))"
s=$(screen)
is "120x30: no line wider than 120" "$(printf '%s\n' "$s" | /usr/bin/python3 -c 'import sys; print(sum(len(l.rstrip("\n")) > 120 for l in sys.stdin))')" 0
type_line "seq 3"
see "120x30: a new command's output appears" 'SEQ-DONE 3'
tmux -S "$sock" resize-window -x 160 -y 40
see "160x40: redrawn" 'serial1: active'

# The prefix reaches the dashboard: focus to the list, open a second console.
prefix o
keys j C
see "second console opens" 'serial2: active +\(2 of 2\)'
see "its login prompt" 'bmcsim login:'
type_line alice
see "typing goes to the second host" 'Welcome, alice\.'
prefix n
see "prefix n switches to serial1" 'serial1: active +\(1 of 2\)'
see "serial1's screen is back" 'SEQ-DONE 3'
check "alice went to serial2 only" grep -q alice "$T_TMP/s2.in"
check "nothing of alice at serial1" sh -c "! grep -q alice '$T_TMP/s1.in'"
prefix w
see "prefix w lists the open consoles" 'Consoles'
see "the list names both" '2 +serial2 +active'
keys Escape
prefix 2
see "prefix 2 selects serial2" 'serial2: active'
prefix 1
see "prefix 1 selects serial1" 'serial1: active'

# Keys pass through raw: Ctrl-C reaches the host, not the dashboard.
keys C-c
wait_for 10 /usr/bin/python3 -c "import sys; sys.exit(0 if b'\x03' in open('$T_TMP/s1.in','rb').read() else 1)" &&
	ok "Ctrl-C reaches the host as 0x03" || fail "Ctrl-C reaches the host as 0x03"
keys Enter
see "the dashboard is still running" 'serial1: active'

# Scrollback and search.
type_line "seq 300"
see "seq 300 done" 'SEQ-DONE 300'
prefix '['
see "prefix [ enters scrollback" 'scrollback: 0 of [0-9]+ lines up'
keys / 'line 000007' Enter
see "search finds a line that scrolled off long ago" 'line 000007 the quick brown fox'
like "the match is highlighted (reverse video)" "$(sgr_before 'line 000007')" '(^|;)7(;|$)'
keys n
see "n: no older match is said so" 'not found above'
keys PPage
see "PgUp scrolls further" 'scrollback: [1-9][0-9]* of'
keys Escape
unsee "Esc leaves scrollback" 'scrollback:'
see "back at the live screen" 'SEQ-DONE 300'

# Bracketed paste: the whole text reaches the host.
tmux -S "$sock" set-buffer "echo PASTED-IN-ONE-PIECE-0123456789"
tmux -S "$sock" paste-buffer -p
keys Enter
see "pasted text reaches the host and its output comes back" '^.*[│|] ?PASTED-IN-ONE-PIECE-0123456789'

# A paste while the host list has the keyboard is not taken as commands.
prefix o
tmux -S "$sock" set-buffer "xyz"
tmux -S "$sock" paste-buffer -p
see "a paste into the host list is ignored, and said so" 'paste ignored'
prefix o

# Console log.
prefix l
see "prefix l starts the console log" 'console log on'
type_line "echo LOGGED-LINE"
log="$XDG_STATE_HOME/bmctop/consoles/serial1.log"
wait_for 10 grep -q 'LOGGED-LINE' "$log" && ok "the log records console output" || fail "the log records console output"
is "the log is private (0600)" "$(stat -c %a "$log" 2>/dev/null)" 600
like "log lines start with a timestamp" "$(grep -m1 'LOGGED-LINE' "$log")" '^\[20[0-9-]+T[0-9:.]+Z\] '
prefix l
see "prefix l again stops it" 'console log stopped'

# Layouts: full screen, stacked, resize.
prefix z
unsee "prefix z: full screen hides the list" '^ *.? serial2 +'
pane_check "full screen: the pane spans the width" serial1 'x0 <= 2 and w >= 150'
prefix z
see "prefix z again: the list is back" '^ *.? serial2 '
prefix s
pane_check "prefix s: stacked below the list" serial1 'y0 > 5 and x0 <= 2 and w >= 150'
see "stacked: the list stays above" '^ *.? serial2 '
prefix s
pane_check "prefix s again: side by side" serial1 'x0 >= 60 and y0 <= 2'
prefix '>'
pane_check "prefix > grows the pane" serial1 'x0 < 80 and w > 80'
type_line "seq 2"
see "after growing, the console still works" 'SEQ-DONE 2'

# Closing from the prefix; quitting.
prefix q
unsee "prefix q closes serial1's console" 'serial1: active'
see "serial2's console is still open" 'serial2: active'
prefix '?'
see "prefix ? lists the console keys" 'Console keys: \^\], then'
keys Escape
prefix q
unsee "the last console closes: no pane" 'serial2: active'
see "the host list is whole again" 'AGE +(MODEL +BMC FW +)?ERROR'
keys q
see "q quits with status 0" 'EXITED 0'
tmux -S "$sock" kill-server 2>/dev/null

# An 8-colour terminal and another prefix key.
sock="$T_TMP/tmux2.sock"
tmux -S "$sock" new-session -d -x 120 -y 30 \
	"TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 BMCTOP_CONSOLE_PREFIX=^A XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' -c '$T_TMP/fleet.conf'; echo EXITED \$?; sleep 30"
T_PIDS="$T_PIDS $(tmux -S "$sock" display-message -p '#{pane_pid}')"
see "8 colours: dashboard up" '^ *.? serial2 ' || exit 0
keys 5
see "the Console tab says it is not open" 'State: +not open'
keys Enter
see "Enter on the Console tab opens the console" 'bmcsim login:'
see "the Console tab shows it active" 'State: +active'
type_line "ansi"
see "8 colours: ansi done" 'ANSI-DONE'
unlike "8 colours: no 256-colour codes sent" "$(tmux -S "$sock" capture-pane -p -e)" '38;5;'
like "8 colours: orange comes out as a basic colour" "$(sgr_before ORANGE-256)" '(^|;)3[1-7](;|$)'
keys C-]
wait_for 10 /usr/bin/python3 -c "import sys; sys.exit(0 if b'\x1d' in open('$T_TMP/s1.in','rb').read() else 1)" &&
	ok "with prefix ^A, ^] goes to the host" || fail "with prefix ^A, ^] goes to the host"
tmux -S "$sock" send-keys C-a q
unsee "BMCTOP_CONSOLE_PREFIX=^A: ^A q closes the console" 'serial1: active'
keys C
see "C opens it again" 'serial1: active'
tmux -S "$sock" send-keys C-a o
keys q
see "q with a console open asks first" '1 console open; quitting closes them'
keys y
see "q with a console open quits with status 0" 'EXITED 0'
like "the console was closed on the way out" "$(grep -c 'serial1: console closed' "$XDG_STATE_HOME/bmctop/bmctop.log")" '^[3-9]$'
tmux -S "$sock" kill-server 2>/dev/null

# The same pane on IPMI Serial-over-LAN: ipmi_sim with its SOL line on a
# serial host, the payload first held by a "bmctop sol" in pipe mode.
if ! command -v ipmi_sim >/dev/null 2>&1; then
	if [ -n "${BMCTOP_REQUIRE_PEERS:-}" ]; then fail "SOL pane: ipmi_sim not installed"
	else echo "ok - $T_NAME: SOL pane # SKIP ipmi_sim not installed"; fi
	exit 0
fi
. "$SRCDIR/tests/lib/ipmisim.sh"
ipmisim_start solbmc --sol || { fail "ipmi_sim with SOL starts"; exit 0; }
ipmisim_fleet "$T_TMP/sol.conf" solbmc
mkfifo "$T_TMP/other.in"
exec {other}<>"$T_TMP/other.in" # read-write: opening it does not wait for a reader
# The FIFO is opened inside: bash gives a background command /dev/null for
# its standard input unless the command itself redirects it.
spawn sh -c 'exec "$@" <"$0"' "$T_TMP/other.in" "$BMCTOP" -c "$T_TMP/sol.conf" sol solbmc \
	>"$T_TMP/other.out" 2>"$T_TMP/other.err"
other_pid=$T_LAST_PID
wait_for 30 grep -q '^\[connected\]' "$T_TMP/other.err"
printf '\r' >&"$other"
wait_for 30 grep -qa 'login: ' "$T_TMP/other.out" && ok "SOL: another client holds the payload" ||
	{ fail "SOL: another client holds the payload"; diag "$(cat "$T_TMP/other.err")"; }

sock="$T_TMP/tmux3.sock"
tmux -S "$sock" new-session -d -x 140 -y 35 \
	"TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' -c '$T_TMP/sol.conf'; echo EXITED \$?; sleep 30"
T_PIDS="$T_PIDS $(tmux -S "$sock" display-message -p '#{pane_pid}')"
see "SOL: dashboard up" '^ *.? solbmc ' 15 || exit 0
keys C
see "SOL: the pane says the console is busy elsewhere" 'solbmc: busy' 30
see "SOL: and how to take it over" 'busy: \^\] S takes it over'
prefix S
see "SOL: prefix S takes the console over" 'solbmc: active' 30
keys Enter
see "SOL: the login prompt through SOL" 'bmcsim login:' 30
type_line root
type_line "seq 5"
see "SOL: a command's output in the pane" 'SEQ-DONE 5' 30
prefix b
see "SOL: prefix b sends a break (or says why not)" 'solbmc: break'
printf 'echo from-the-old-holder\r' >&"$other"
wait_for 30 grep -q '^\[console taken over by another session' "$T_TMP/other.err" &&
	ok "SOL: the other client is told its console was taken over" ||
	{ fail "SOL: the other client is told its console was taken over"; diag "$(cat "$T_TMP/other.err")"; }
exec {other}>&-
# Taken in its turn: a "bmctop sol --steal" takes the payload from the pane,
# which says so at once; prefix S takes it back.
mkfifo "$T_TMP/thief.in"
exec {thief}<>"$T_TMP/thief.in"
spawn sh -c 'exec "$@" <"$0"' "$T_TMP/thief.in" "$BMCTOP" -c "$T_TMP/sol.conf" sol solbmc \
	--steal >"$T_TMP/thief.out" 2>"$T_TMP/thief.err"
thief_pid=$T_LAST_PID
see "SOL: the pane says its console was taken over" 'solbmc: taken over - console taken over by another' 30
see "SOL: ... and how to take it back" 'taken over: \^\] S takes it back'
prefix S
see "SOL: prefix S takes it back" 'solbmc: active' 30
if wait_for 30 sh -c "! kill -0 $thief_pid 2>/dev/null"; then
	wait "$thief_pid"
	rc=$?
else
	kill "$thief_pid"
	wait "$thief_pid"
	rc=timeout
fi
is "SOL: the client it was taken back from ends with status 1" "$rc" 1
like "SOL: ... saying its console was taken over" "$(cat "$T_TMP/thief.err")" \
	'^\[console taken over by another session'
exec {thief}>&-
prefix o
keys q y
see "SOL: q, y quits with status 0" 'EXITED 0' 30
tmux -S "$sock" kill-server 2>/dev/null

# SIGTERM with a SOL console open goes the same way as q: the console is
# closed (Deactivate Payload) while its session is still up.
sol_active() {
	local out
	out=$(ipmisim_ipmitool solbmc raw 0x06 0x4a 0x01 2>&1) || { echo "error: $out"; return; }
	set -- $out
	case $(( 0x$2 & 1 )) in 1) echo yes ;; *) echo no ;; esac
}
sock="$T_TMP/tmux4.sock"
tmux -S "$sock" new-session -d -x 140 -y 35 \
	"TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME='$XDG_STATE_HOME' exec '$BMCTOP' -c '$T_TMP/sol.conf'"
tuipid=$(tmux -S "$sock" display-message -p '#{pane_pid}')
T_PIDS="$T_PIDS $tuipid"
see "SOL/SIGTERM: dashboard up" '^ *.? solbmc ' 15 || exit 0
# The other client ended when the dashboard took its console; make sure.
kill -TERM "$other_pid" 2>/dev/null
wait_for 30 sh -c "! kill -0 $other_pid 2>/dev/null"
sol_free() { [ "$(sol_active)" = no ]; }
wait_for 45 sol_free
keys C
see "SOL/SIGTERM: the console is active" 'solbmc: active' 40
is "SOL/SIGTERM: the BMC has the payload active" "$(sol_active)" yes
kill -TERM "$tuipid"
wait_for 30 sh -c "! kill -0 $tuipid 2>/dev/null"
check "SOL/SIGTERM: bmctop exits" sh -c "! kill -0 $tuipid 2>/dev/null"
is "SOL/SIGTERM: the payload was deactivated on the way out" "$(sol_active)" no
tmux -S "$sock" kill-server 2>/dev/null
