# t-tui.sh - the dashboard, driven in tmux as a person would, against
# ipmi_sim hosts and a host that never answers.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/ipmisim.sh"
ipmisim_need
need tmux

ipmisim_start web1 || { fail "ipmi_sim web1 starts"; exit 0; }
ipmisim_start db1 || { fail "ipmi_sim db1 starts"; exit 0; }
ipmisim_set_power db1 off
IPMISIM_FLEET_EXTRA="interval = 2s
timeout = 300ms
retries = 2
group = rack1" ipmisim_fleet "$T_TMP/fleet.conf" web1 db1
dead=$(free_port udp)
printf '\n[host ghost]\naddress = 127.0.0.1\nipmi-port = %s\ngroup = rack2\n' "$dead" >>"$T_TMP/fleet.conf"

sock="$T_TMP/tmux.sock"
tmux -S "$sock" new-session -d -x 160 -y 40 \
	"XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' -c '$T_TMP/fleet.conf'; echo EXITED \$?; sleep 30"
T_PIDS="$T_PIDS $(tmux -S "$sock" display-message -p '#{pane_pid}')"
screen() { tmux -S "$sock" capture-pane -p; }
row() { screen | grep -E "^ *.? $1 "; }
keys() { tmux -S "$sock" send-keys "$@"; sleep 0.4; }
shows() { wait_for "${2:-10}" sh -c "tmux -S '$sock' capture-pane -p | grep -qE -- '$1'"; }
# see / unsee DESCRIPTION REGEX: the screen shows (or stops showing) REGEX
# within 10 s, so a loaded machine only makes the test slower, not red.
see() {
	if wait_for 10 sh -c "tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "wanted /$2/"; fi
}
unsee() {
	if wait_for 10 sh -c "! tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "unwanted /$2/"; fi
}

shows '^ *web1 .* on ' 15 && ok "web1 listed with power on" || { fail "web1 listed with power on"; diag "$(screen)"; }
shows '^ *db1 .* off ' && ok "db1 listed with power off" || fail "db1 listed with power off"
like "web1 summary: health, hottest temperature, lowest fan, watts" "$(row web1)" 'warning +45C +4980 +236W'
shows '^ *ghost .*no response' && ok "the dead host shows its error" || fail "the dead host shows its error"
see "status bar totals" 'hosts 3 +up 1 +off 1 +connecting 0 +unreachable 1 +parked 0 +warning 2 +critical 0'

# Filter narrows the list; Esc clears it.
keys / w e b
see "filter line shows the pattern and count" '/web +1 of 3 hosts'
unsee "filter hides db1" '^ *.? db1 '
keys Enter Escape
see "Esc clears the filter" 'db1 '

# Group filter.
keys @
unsee "group rack1 hides ghost" 'ghost '
keys @ @
see "cycling groups returns to all" 'ghost '

# Detail view: the simulator's sensors with values.
keys g Enter
see "detail header names the host" '^ web1 +127\.0\.0\.1:'
see "Sensors tab: 12V at 12.04 V" '12V +voltage +12\.04 V +ok'
see "Sensors tab: Inlet Temp warning with thresholds" 'Inlet Temp +temperature +42 C +warning'
keys 3
see "Events tab lists the SEL" 'Upper Non-critical going high'
keys 4
see "Inventory tab shows the FRU" 'product.serial_number +PSN0005678'
keys Escape

# Power off web1 through the confirmation dialog.
keys g x
see "confirmation names the action and the host" 'power off on 1 host:'
see "confirmation lists web1 (box drawing in Unicode, or ASCII without a UTF-8 locale)" '(│|[|x]) web1 '
is "nothing happens before confirming" "$(ipmisim_power web1)" on
keys y
wait_for 10 sh -c "[ \"\$(cat '$(ipmisim_dir web1)/power')\" = 0 ]" && ok "confirmed power off reaches the simulator" || fail "confirmed power off reaches the simulator"
shows '^ *web1 .* off ' && ok "the row updates to off" || { fail "the row updates to off"; diag "$(screen)"; }
see "the status line reports the result" 'web1: power off: done'
keys n x n
is "n cancels: db1 untouched" "$(ipmisim_power db1)" off

# Marks: power on both rack1 hosts at once.
keys g Space Space
see "two hosts marked" 'marked 2 '
keys o
see "confirmation for marked hosts" 'power on on 2 hosts:'
keys y
wait_for 10 sh -c "[ \"\$(cat '$(ipmisim_dir web1)/power')\$(cat '$(ipmisim_dir db1)/power')\" = 11 ]" &&
	ok "both marked hosts powered on" || fail "both marked hosts powered on"
# Identify without a dialog (it is harmless); the marks went with the power
# on, so it is for the selected host: the chassis light gets its command.
keys g i
see "identify runs at once, for the selected host" 'identify \(15 s\)( sent to 1 host|: done)'
wait_for 10 grep -q identify "$(ipmisim_dir web1)/chassis.log" &&
	ok "identify reaches the simulator" || fail "identify reaches the simulator"
keys L
see "action log lists the actions" 'Action log'
keys Escape u

# Help overlay from the binding table.
keys '?'
see "help overlay" 'Keys +[0-9]+-[0-9]+ of [0-9]+'
see "help lists power off" 'x +power off'
keys Escape

# Keys answer while a host times out: move and come back.
t0=$(date +%s%N)
keys G
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
like "G selects the last row while ghost times out" "$(screen | grep -E '^ *.? ghost')" 'ghost'

# Resizes redraw cleanly.
tmux -S "$sock" resize-window -x 80 -y 24
see "80x24: redrawn" '^ +HOST +POWER +HEALTH +TEMP +(FAN +)?WATTS'
s=$(screen)
like "80x24: header fits" "$(echo "$s" | grep -m1 HOST)" '^ +HOST +POWER +HEALTH +TEMP'
is "80x24: no line is wider than 80" "$(echo "$s" | awk '{ if (length($0) > 80) n++ } END { print n+0 }')" 0
like "80x24: status bar at the bottom" "$(echo "$s" | tail -1)" '^ 3: up '
tmux -S "$sock" resize-window -x 200 -y 60
see "200x60: redrawn" 'HOST +ADDRESS +GROUP +PROTO'
s=$(screen)
like "200x60: wide header has every column" "$(echo "$s" | grep -m1 HOST)" 'HOST +ADDRESS +GROUP +PROTO +POWER +HEALTH +TEMP +FAN +WATTS +AGE +MODEL +BMC FW +ERROR'
is "200x60: status bar on line 60" "$(echo "$s" | sed -n 60p | cut -c1-8)" " hosts 3"
is "200x60: one row per host, no leftovers" "$(echo "$s" | grep -cE '^ *.? (web1|db1|ghost) ')" 3

keys q
shows 'EXITED 0' && ok "q quits with status 0" || { fail "q quits with status 0"; diag "$(screen)"; }
tmux -S "$sock" kill-server 2>/dev/null

# SIGTERM closes sessions and gives the terminal back.
sock="$T_TMP/tmux2.sock"
tmux -S "$sock" new-session -d -x 120 -y 30 \
	"XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' -c '$T_TMP/fleet.conf'; echo EXITED \$?; stty -a | grep -o ' icanon'; sleep 30"
pane=$(tmux -S "$sock" display-message -p '#{pane_pid}')
T_PIDS="$T_PIDS $pane"
shows '^ *.? web1 ' 15 || fail "dashboard up again"
kill -TERM "$(pgrep -P "$pane" -x bmctop)"
shows 'EXITED' && ok "SIGTERM ends the dashboard" || { fail "SIGTERM ends the dashboard"; diag "$(screen)"; }
see "the terminal is back in canonical mode" ' icanon'
tmux -S "$sock" kill-server 2>/dev/null
