# t-tui-view.sh - the dashboard's view of a fleet, driven in tmux at 80x24
# and 200x60 against bmcsim's 64-host demo fleet (readings frozen) plus one
# BMC that never answers in time: the filter language, the status line's
# counts, sorting by any column, choosing columns (saved without following
# links), command mode, and the fleet header.
. "$SRCDIR/tests/lib/tap.sh"
need tmux
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || { fail "bmcsim is built at $BMCSIM"; exit 0; }

PWF="$T_TMP/password"
(umask 077 && tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16 >"$PWF" && echo >>"$PWF")
spawn "$BMCSIM" --demo --tick 0 --seed 1 --password-file "$PWF" --fleet-out "$T_TMP/fleet.conf" \
	--ready-file "$T_TMP/sim.ready" --dump "$T_TMP/sim.json" --max-seconds 900 2>"$T_TMP/sim.err"
SIM_PID=$T_LAST_PID
wait_for 60 test -f "$T_TMP/sim.ready" || { fail "bmcsim starts"; diag "$(cat "$T_TMP/sim.err")"; exit 0; }
# Quick polls, and a 65th host that stays "connecting": nothing answers on its port.
sed -i 's/^vnc = none$/vnc = none\ninterval = 3s\ntimeout = 300ms\nretries = 1/' "$T_TMP/fleet.conf"
printf '\n[host pending1]\naddress = 127.0.0.1\nipmi-port = %s\ntimeout = 5m\ngroup = rack9\n' \
	"$(free_port udp)" >>"$T_TMP/fleet.conf"

# The hottest host and the powered-off ones, from bmcsim's own model.
model() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$T_TMP/sim.json')); $1"; }
hottest=$(model "print(max((s['value'],b['name']) for b in d if not b['dead'] for s in b['sensors'] if s.get('unit')=='C')[1])")
sim_power() { rm -f "$T_TMP/sim.json"; kill -USR1 "$SIM_PID"; wait_for 20 test -s "$T_TMP/sim.json"; model "print(' '.join(b['name'] for b in d if b['power']=='$1'))"; }

sock="$T_TMP/tmux.sock"
start() {
	tmux -S "$sock" new-session -d -x "$1" -y "$2" \
		"XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' '$BMCTOP' -c '$T_TMP/fleet.conf'; echo EXITED \$?; sleep 60"
	T_PIDS="$T_PIDS $(tmux -S "$sock" display-message -p '#{pane_pid}')"
}
# stop: end the tmux server and wait until it is gone, before the next start.
stop() {
	tmux -S "$sock" kill-server 2>/dev/null
	wait_for 10 sh -c "! tmux -S '$sock' has-session 2>/dev/null"
	rm -f "$sock"
}
screen() { tmux -S "$sock" capture-pane -p; }
keys() { tmux -S "$sock" send-keys "$@"; sleep 0.3; }
type_() { tmux -S "$sock" send-keys -l -- "$1"; sleep 0.3; }
see() {
	if wait_for 15 sh -c "tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "wanted /$2/"; fi
}
unsee() {
	if wait_for 10 sh -c "! tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "unwanted /$2/"; fi
}
# The host rows shown: their names, one a line.
rows() { screen | sed -nE 's/^ *\*? +((node|pending)[0-9]+) .*/\1/p'; }
nrows() { rows | wc -l | tr -d ' '; }
# rows_are DESCRIPTION WANT: the names shown, space-separated, become WANT.
rows_are() {
	if wait_for 10 sh -c "[ \"\$(tmux -S '$sock' capture-pane -p | sed -nE 's/^ *\\*? +((node|pending)[0-9]+) .*/\\1/p' | tr '\\n' ' ')\" = '$2 ' ]"; then
		ok "$1"; else fail "$1"; diag "$(screen)"; diag "wanted rows: $2"; fi
}
# filter EXPR: type it after / and keep it.
filter() { keys Escape Escape; keys /; type_ "$1"; keys Enter; }

start 80 24
# Defect 8: a host not answered yet is "connecting", not "unknown" and "down 0".
see "80x24: the slow host counts as connecting" ' 65: up [0-9]+ .*conn 1( |$)'
# The first sweep: 54 up, 4 off, 6 unreachable (the demo's mix), one connecting.
see "80x24: status counts hosts honestly (powered-off hosts are not up)" \
	' 65: up 54 off 4 conn 1 unr 6 .*warn [0-9]+ crit 6'

# Defect 6 and the filter language: case-insensitive, every word a row shows.
filter critical
see "/critical: 6 of 65 in the message line" '^/critical +6 of 65 hosts'
see "... and the counter and filter in the status line" '6 of 65 +/critical +sort:name asc'
is "/critical: six rows, all critical" "$(screen | grep -cE '^ *\*? +node[0-9]+ .* critical ')" 6
filter CRIT
is "/CRIT: case-insensitive, a prefix of the health word" "$(nrows)" 6
filter unreachable
rows_are "/unreachable: the six dead BMCs" "node59 node60 node61 node62 node63 node64"
filter 'node0[1-3]'
rows_are "/node0[1-3]: a host range" "node01 node02 node03"
filter 'power:off'
rows_are "power:off: the four hosts off" "$(sim_power off)"
filter 'state:connecting'
rows_are "state:connecting" "pending1"
filter '@rack4 health:critical'
is "@rack4 health:critical (AND)" "$(nrows)" 6
filter 'state:unreachable|connecting'
is "state:unreachable|connecting (OR)" "$(nrows)" 7
filter '-state:ok'
is "-state:ok (NOT)" "$(nrows)" 7
filter 'temp>90'
temps=$(screen | sed -nE 's/^ *\*? +node[0-9]+ .* ([0-9]+)C .*/\1/p')
like "temp>90: hot hosts shown" "$(echo "$temps" | wc -l)" '^[1-9]'
is "temp>90: every row shown is above 90C" "$(echo "$temps" | awk '$1 <= 90' | wc -l | tr -d ' ')" 0
keys Escape Escape /
type_ 'temp>'
see "an unfinished comparison says what it expects" 'expected a number after temp>'
type_ 'x'
see "an unknown key... a bad number too, on the message line" 'expected a number'
keys Escape Escape /
type_ 'colour:red'
see "an unknown key is named, with the keys there are" "unknown filter key .colour:."
keys Escape Escape
see "the dashboard lives on after bad filters" ' 65: up 54 '
like "Esc clears: a screenful of hosts back" "$(nrows)" '^(1[5-9]|2[0-9])$'

# Defect 7 and sorting: after choosing a sort the top shows, with an arrow.
keys G
like "G: the end of the list shows" "$(rows | tail -1)" pending1
keys s s
see "s s: sorted by temperature, arrow in the 80-column header" 'TEMP(↓|v) '
is "the hottest host is the first row, not above the screen" "$(rows | head -1)" "$hottest"
see "the sort shows in the status line" 'sort:temp desc'
keys I
see "I reverses: the arrow turns" 'TEMP(↑|\^) '
unlike "reversed: the hottest is not first" "$(rows | head -1)" "^$hottest\$"
keys '>'
see "> sorts by the next column shown (fans, lowest first)" 'FAN(↑|\^) '
keys '<'
see "< goes back (temperature)" 'TEMP(↓|v) '

# Command mode.
keys :
type_ 'po'
keys Tab
see "Tab completes a command" '^:power *$'
type_ 'of'
keys Tab
see "Tab completes its word" '^:power off *$'
type_ 'node6'
keys Tab
see "Tab lists host names" 'node60 node61 node62'
keys C-u
type_ 'filter hea'
keys Tab
see "Tab completes a filter key" '^:filter health: *$'
type_ 'cr'
keys Tab
see "... and its value" '^:filter health:critical *$'
keys C-u
type_ 'cols name,po'
keys Tab
see "Tab completes a column after a comma" '^:cols name,power *$'
keys C-u
type_ 'power off node0[1-2]'
keys Enter
see ":power off node0[1-2] asks first, for two hosts" 'power off on 2 hosts'
is "nothing is off before y" "$(sim_power off | grep -c node01)" 0
keys y
for i in $(seq 20); do
	off=$(sim_power off | grep -oE 'node0[12]' | tr '\n' ' ')
	[ "$off" = "node01 node02 " ] && break
	sleep 1
done
is "confirmed: bmcsim's node01 and node02 are off" "$off" "node01 node02 "
keys : Up
see "Up recalls the last command" '^:power off node0\[1-2\]'
keys C-u
type_ 'boot pxe @rack2'
keys Enter
see ":boot pxe @rack2: a group as targets, asked first" 'next boot pxe on 16 hosts'
keys n
keys :
type_ 'identify node05'
keys Enter
see ":identify node05: one host, through the keys' path" 'identify \(15 s\)(: done| on 1 host| sent to 1 host)'
screen | grep -q 'identify (15 s) on 1 host' && keys y
see "... and the BMC answers" 'node05: identify \(15 s\): done'
keys :
type_ 'relays'
keys Enter
see ":relays answers (a list, or says there is none yet)" '[Rr]elay'
keys Escape Escape
keys :
type_ 'sort watts asc'
keys Enter
see ":sort watts asc" 'WATTS(↑|\^)'
keys :
type_ 'filter health:critical'
keys Enter
see ":filter sets the filter" '^/health:critical +6 of 65 hosts'
keys :
type_ 'filter'
keys Enter
see ":filter with nothing clears it" '^filter cleared'
unsee "... and the counter goes" ' of 65 '
keys :
type_ 'sel node0[1-4]'
keys Enter
see ":sel marks hosts" 'marked 4'
keys u :
type_ 'goto node42'
keys Enter Enter
see ":goto node42 moves there (Enter opens it)" '^ node42 +127\.0\.0\.1'
keys Escape :
type_ 'frobnicate'
keys Enter
see "an unknown command says so" "no command .frobnicate."
keys :
type_ 'help sort'
keys Enter
see ":help COMMAND shows its use" ':sort COLUMN \[asc\|desc\]'
keys :
type_ 'power off nosuchhost'
keys Enter
see "an unknown host is named, nothing asked" "no host .nosuchhost. in the fleet"

# Columns: chosen, in that order, saved under XDG_CONFIG_HOME.
keys :
type_ 'cols name,power,temp,model'
keys Enter
see ":cols: the chosen columns, in order" '^ +HOST +POWER +TEMP +MODEL'
unsee "... and no others" 'HEALTH'
conf="$XDG_CONFIG_HOME/bmctop/dashboard.conf"
like "saved in \$XDG_CONFIG_HOME/bmctop" "$(cat "$conf" 2>/dev/null)" 'columns = name,power,temp,model'

# The fleet header at 80x24 (two lines), hidden and shown with H.
see "80x24: the fleet header" '^ Fleet 65 '
see "... with the hottest host" "Hottest +$hottest "
keys H
unsee "H hides the header" '^ Fleet 65 '
keys H
see "H shows it again" '^ Fleet 65 '
s=$(screen)
is "80x24: no line is wider than 80" "$(echo "$s" | awk '{ if (length($0) > 80) n++ } END { print n+0 }')" 0

# 200x60: the width is used, the sort arrow and the header's groups.
keys :
type_ 'cols default'
keys Enter
tmux -S "$sock" resize-window -x 200 -y 60
see "200x60: the wide header has the added columns" 'HOST.* ADDRESS +GROUP +PROTO +POWER +HEALTH +TEMP +FAN +WATTS(↑|\^)? +AGE MODEL +BMC FW +ERROR'
see "200x60: the status line in full words" ' hosts 65  up [0-9]+  off [0-9]+  connecting 1  unreachable 6  parked 0 '
see "200x60: one header line per group" '^ rack4 +16 \[.*crit 6'
see "200x60: the selected host's summary beside the list" '(│|\||x)address +127\.0\.0\.1'
widest=$(screen | awk '{ if (length($0) > n) n = length($0) } END { print n }')
check "200x60: rows reach past column 150 (was 90)" test "$widest" -gt 150
# A click on the header's TEMP sorts by it.
hdr=$(screen | grep -nE '^ +HOST' | head -1 | cut -d: -f1)
col=$(screen | sed -n "${hdr}p" | /usr/bin/python3 -c "import sys; print(sys.stdin.read().index('TEMP'))")
click=$(/usr/bin/python3 -c "import sys; x=$col; y=$hdr-1; sys.stdout.write('\x1b[M'+chr(32)+chr(33+x)+chr(33+y)+'\x1b[M'+chr(35)+chr(33+x)+chr(33+y))")
tmux -S "$sock" send-keys -l "$click"
see "200x60: a click on TEMP sorts by it" 'TEMP(↓|v) '
is "200x60: the hottest host on top after the click" "$(rows | head -1)" "$hottest"
filter 'node0[1-3]|node1[0-1]'
see "200x60: the filter and counter in the status line" '5 of 65 +/node0\[1-3\]\|node1\[0-1\] +sort:temp desc'
keys Escape Escape

# The settings file is never written through a link, and a link is not read.
keys q
see "q quits" 'EXITED 0'
stop
echo "precious" >"$T_TMP/victim"
rm -f "$conf"
ln -s "$T_TMP/victim" "$conf"
start 80 24
see "a linked settings file is refused, and said" 'settings not read \(it is a symbolic link\)'
keys :
type_ 'cols name,health'
keys Enter
see ":cols saves" 'columns: name,health \(saved\)'
is "the link's target is untouched" "$(cat "$T_TMP/victim")" precious
check "the link is replaced by a regular file" test -f "$conf" -a ! -L "$conf"
keys :
type_ 'quit'
keys Enter
see ":quit quits" 'EXITED 0'
stop

# The saved columns and sort come back.
start 80 24
see "the columns chosen before are back" '^ +HOST(↑|\^)? +HEALTH *$'
keys q
stop
