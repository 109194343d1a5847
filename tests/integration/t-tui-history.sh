# t-tui-history.sh - the dashboard's history half, in tmux at 200x60 and
# 80x24 against bmcsim with a transition storm (--storm: half of 600 BMCs
# run hot at once): the trend columns draw sparklines (blocks in UTF-8, an
# ASCII ramp without), hosts with unacknowledged events are marked, the
# Events view lists the storm (the right count of health -> critical
# events), filters and acknowledges them, keys answer during the storm,
# alert-bell = yes rings the bell (rate-limited, counted in the log), a
# sensor's graph (T in the Sensors tab) and a whole host's (T in the list,
# :graph HOST: temperatures, fans and power, a glyph and a legend entry per
# series, thresholds in a one-series panel; UTF-8 and ASCII).
. "$SRCDIR/tests/lib/tap.sh"
need tmux
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || { fail "bmcsim is built at $BMCSIM"; exit 0; }
export XDG_STATE_HOME="$T_TMP/state" XDG_CONFIG_HOME="$T_TMP/config"

(umask 077 && tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16 >"$T_TMP/pw" && echo >>"$T_TMP/pw")
spawn "$BMCSIM" --count 600 --port 0 --password-file "$T_TMP/pw" --fleet-out "$T_TMP/f.conf" \
	--ready-file "$T_TMP/ready" --dump "$T_TMP/dump.json" --max-seconds 600 --seed 7 \
	--storm 40:50 2>"$T_TMP/sim.err"
SIM_PID=$T_LAST_PID
wait_for 60 test -f "$T_TMP/ready" || { fail "bmcsim starts"; diag "$(cat "$T_TMP/sim.err")"; exit 0; }
sed -i 's/^\[defaults\]$/[defaults]\ninterval = 5s\nalert-bell = yes\nalert-on = critical/' "$T_TMP/f.conf"

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
# The storm's hosts not critical before it: each gives one health -> critical event.
fresh=$(pyj 'print(" ".join(sorted(b["name"] for i,b in enumerate(d) if (i+1)*50//100 != i*50//100 and b["health"] != "critical")))' <"$T_TMP/dump.json")
nfresh=$(echo $fresh | wc -w)
check "most storm hosts healthy before it ($nfresh)" [ "$nfresh" -ge 150 ]
first=$(echo $fresh | cut -d' ' -f1)

sock="$T_TMP/tmux.sock"
start() { # start COLS LINES LANG
	tmux -S "$sock" new-session -d -x "$1" -y "$2" \
		"LANG=$3 LC_ALL=$3 XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' '$BMCTOP' -c '$T_TMP/f.conf'; echo EXITED \$?; sleep 60"
	T_PIDS="$T_PIDS $(tmux -S "$sock" display-message -p '#{pane_pid}')"
}
stop() {
	tmux -S "$sock" kill-server 2>/dev/null
	wait_for 10 sh -c "! tmux -S '$sock' has-session 2>/dev/null"
	rm -f "$sock"
}
screen() { tmux -S "$sock" capture-pane -p; }
keys() { tmux -S "$sock" send-keys "$@"; sleep 0.3; }
type_() { tmux -S "$sock" send-keys -l -- "$1"; sleep 0.3; }
unsee() {
	if wait_for 10 sh -c "! tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "unwanted /$2/"; fi
}
see() { # see DESCRIPTION REGEX [SECONDS]
	if wait_for "${3:-20}" sh -c "tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "wanted /$2/"; fi
}
cmd() { keys Escape :; type_ "$1"; keys Enter; }

# 200x60, UTF-8: trends, marks, and the storm in the Events view.
start 200 60 C.UTF-8
see "200x60: the fleet answers" 'Fleet 600 ' 60
cmd 'cols name,health,temp,trend,watts,wtrend,new,error'
see ":cols adds the trend columns (and new: unacknowledged events)" 'HOST +HEALTH +TEMP +TEMP 1H +WATTS +WATTS 1H +NEW'
B='(▁|▂|▃|▄|▅|▆|▇|█)'
see "the temperature trend is a sparkline of blocks" "^ .bmc[0-9]+ .*[0-9]+C +$B+ "
# The storm (40 s after bmcsim started): keys answer while it breaks.
see "the storm: hosts go critical" 'crit (2[0-9]{2}|3[0-9]{2})' 120
keys /
type_ 'health:critical'
keys Enter
see "during the storm, / still filters the list" '^/health:critical +[0-9]+ of 600 hosts' 10
keys Escape Escape
see "hosts with unacknowledged events are counted in the new column" '^ +bmc[0-9]+ .*W .* ![1-9][0-9]* '
# A step every 30 s: the sparkline grows a cell a step until it holds an hour.
see "... the trend grows a cell a step (several cells on a row)" "^ .bmc[0-9]+ .*[0-9]+C +$B{3,}" 120

keys E
see "E opens the Events view" '^ EVENTS +[0-9]+ shown of [0-9]+, [0-9]+ unacknowledged'
see "... newest first, with time, host, kind and what changed" \
	'^! [0-9:]{8} +bmc[0-9]+ +(health|sensor|sel|power|state) '
keys /
type_ "kind:health to:critical"
keys Enter
see "the storm's health -> critical events: one per fresh host ($nfresh)" \
	"^ EVENTS +$nfresh shown of [0-9]+, $nfresh unacknowledged" 120
see "... each a change from -> to" 'health +(ok|warning) -> critical'
keys Escape /
type_ "host:$first"
keys Enter
see "filter by host: $first only" "^! [0-9:]{8} +$first +"
is "no other host shown" "$(screen | sed -nE 's/^[! ] [0-9:]{8} +(bmc[0-9]+) .*/\1/p' | sort -u)" "$first"
keys Escape /
type_ "host:$first kind:health to:critical"
keys Enter
see "... and its health -> critical event alone" "^ EVENTS +1 shown"
keys a
see "a acknowledges the selected event" "acknowledged: $first "
keys Escape /
type_ "kind:health to:critical"
keys Enter
keys A
see "A acknowledges every event shown" "acknowledged $((nfresh - 1)) events matching"
see "... none of them left unacknowledged" "^ EVENTS +$nfresh shown of [0-9]+, 0 unacknowledged"
keys Escape /
type_ "-acked:no kind:health"
keys Enter
see "acked:no negated: the acknowledged ones ($nfresh)" "^ EVENTS +$nfresh shown"
keys Escape /
type_ 'temp>'
see "a bad host term in the events filter says so" 'expected a number after temp>'
keys Escape Escape Escape
see "Esc goes back to the host list" 'HOST +HEALTH +TEMP'
cmd 'events kind:sel'
see ":events FILTER opens the view filtered" '^ EVENTS +[0-9]+ shown .*/kind:sel'
keys Escape /
type_ "host:$first"
keys Enter Enter
see "Enter on an event: its host selected in the list" "^ .$first "
# The Sensors tab's sparklines, and the graph of a sensor.
keys Enter
see "the Sensors tab: a last-hour sparkline per sensor" "^>CPU1 Temp .* (ok|warning|critical) +$B+ "
keys T
see "T: the graph of the top sensor, over the last hour" "^ GRAPH +$first +CPU1 Temp \(C\) +last 1 hour"
see "... with its thresholds as lines" '─+UNC─.*|─+UCR─'
see "... auto-scaled: a value scale at the left" '^ +[0-9]+\.[0-9] +'
keys 3
see "3: the last week" "GRAPH +$first +CPU1 Temp \(C\) +last 7 days"
see "... the time axis says so" '^ +-7 d .* now'
keys 2 j
see "2 and j: the next sensor over a day" "GRAPH +$first +CPU2 Temp \(C\) +last 24 hours"
keys Escape
see "Esc: back to the Sensors tab" 'SENSOR +TYPE .*LAST HOUR'
keys Escape
# The graph of the whole host: temperatures, fans and power.
cmd "graph $first"
keys 1
see ":graph HOST: the host's graph over the last hour" "^ GRAPH +$first +temperatures, fans, power +last 1 hour"
see "... a panel of temperatures" '^ Temperatures \(C\) .*last +min\.\.max'
see "... a legend entry per series: glyph, name, last, min..max" '● CPU1 Temp +[0-9]+\.[0-9] +[0-9]+\.[0-9]\.\.[0-9]+\.[0-9]'
see "... the next series with another glyph" '■ CPU2 Temp +[0-9]+\.[0-9] '
see "... a panel of fans, with two" '^ Fans \(RPM\) .*last'
see "... FAN2 in the legend" '■ FAN2 +[0-9]+ +[0-9]+\.\.[0-9]+'
see "... a panel of power" '^ Power \(W\) '
see "... one power series: its thresholds drawn" '─+UCR─'
see "... the series drawn in their glyphs beside a scale" '^ +[0-9]+\.[0-9] +.*[●■▲]'
keys 3
see "3: the host over the week" "^ GRAPH +$first +temperatures, fans, power +last 7 days"
see "... one time axis under the panels" '^ +-7 d .* now'
keys Escape
see "Esc: back to the host list" 'HOST +HEALTH +TEMP'
keys T
see "T in the host list: the selected host's graph" "^ GRAPH +$first +temperatures, fans, power"
keys Escape
cmd "graph nosuchhost"
see ":graph with an unknown host says so" "no host .nosuchhost. in the fleet"
keys E ?
see "? in the Events view lists its keys, from its table" 'Events view keys'
see "... acknowledge among them" 'acknowledge every event shown'
keys Escape
unsee "Esc closes the view's help" 'Events view keys'
keys E
see "... and E again goes back to the host list" 'HOST +HEALTH +TEMP'
keys ?
see "the main help lists E and T" "│ E T +fleet Events view"
keys Escape q
see "q quits" 'EXITED 0'
like "the bell rang for the storm, rate-limited, and the log says so" \
	"$(grep -oE 'bell rang [0-9]+ times' "$XDG_STATE_HOME/bmctop/bmctop.log" 2>/dev/null)" 'bell rang [1-9][0-9]* times'
stop

# 80x24 without UTF-8: the ASCII ramp, and the Events view fits.
start 80 24 C
see "80x24: the fleet answers" 'Fleet 600 |hosts 600' 60
cmd 'cols name,temp,trend'
see "80x24, no UTF-8: the trend is an ASCII ramp" '^ .bmc[0-9]+ +[0-9]+C +[ .:=+*#-]*[.:=+*#-]'
unlike "... without a block character" "$(screen)" '[▁▂▃▄▅▆▇█]'
keys E
see "80x24: the Events view" '^ EVENTS +[0-9]+ shown'
see "... with its rows" '^[! ] [0-9:]{8} +bmc[0-9]+ '
keys Escape T
see "80x24: T graphs the host's temperatures, fans, power" '^ GRAPH +bmc[0-9]+ +temperatures, fans, power'
see "... the title cut at the edge, not wrapped onto the panel" '^ Temperatures \(C\) '
see "... the legend beside the title: glyph, name, last (min..max)" '^ Temperatures \(C\) \* CPU1 Temp [0-9.]+ \([0-9.]+\.\.[0-9.]+\)'
see "... the next series with another glyph" ' \+ CPU2 Temp [0-9.]+ \('
see "... fans, another glyph each" '^ Fans \(RPM\) \* FAN1 [0-9]+ \([0-9]+\.\.[0-9]+\) +\+ FAN2'
see "... in ASCII: the power's thresholds as dashes" '-{5,}(UNC|UCR)-'
see "... series drawn in ASCII glyphs beside a scale" '^ +[0-9]+\.[0-9] \|.*[*+o]'
unlike "... without a UTF-8 glyph" "$(screen)" '[●■▲◆─]'
keys 3
see "... and over the week" 'last 7 days'
keys Escape Enter
keys 1
see "80x24: the Sensors tab" 'SENSOR +TYPE'
keys T
see "... where T graphs one sensor" '^ GRAPH +bmc[0-9]+ +[A-Za-z0-9 .]+ \([A-Za-z%]*\) +last'
keys Escape Escape q
stop
