# t-tui-screen.sh - the dashboard's Screen tab (6) and wall (W, :wall),
# driven in tmux at 80x24 and 200x60 against x11vnc on Xvfb showing known
# pictures: four coloured quadrants (red, green, blue, white) on one
# screen, yellow over magenta on another.  With screen-graphics = blocks and
# 24-bit colour, the half-blocks in "tmux capture-pane -e" must carry the
# picture's colours in the right places; the tab's client must be gone from
# the peer when the tab is left; the wall shows one labelled tile a host
# with that host's colours; Enter on a tile starts a VNC relay as V does;
# without UTF-8 the picture is spaces on the colours.  Loopback only; every
# process is stopped by its pid.
. "$SRCDIR/tests/lib/tap.sh"
need tmux Xvfb x11vnc convert display xdpyinfo ss
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
. "$SRCDIR/tests/lib/vncpeer.sh"
CELLS="/usr/bin/python3 $SRCDIR/tests/lib/sgr-cells.py"

vncpeer_quadrants 640x480 "$T_TMP/quad.png" '#ff0000' '#00ff00' '#0000ff' '#ffffff' ||
	skip_all "ImageMagick cannot draw"
vncpeer_quadrants 640x480 "$T_TMP/ym.png" '#ffff00' '#ffff00' '#ff00ff' '#ff00ff'
vncpeer_start 640x480 "$T_TMP/quad.png" || skip_all "x11vnc on Xvfb does not start"
PORT_Q=$VNC_PORT
vncpeer_start 640x480 "$T_TMP/ym.png" || skip_all "a second x11vnc does not start"
PORT_Y=$VNC_PORT

# Hosts whose IPMI never answers (nothing listens on their port): the
# pictures do not need it.  scrnone has no graphical console.
fleet() {
	vncpeer_fleet "$T_TMP/fleet.conf" "$1" scra="$PORT_Q" scrb="$PORT_Y" scrc="$PORT_Q" scrnone=none
}

sock="$T_TMP/tmux.sock"
# start W H [ENV...]: the dashboard in a new tmux server, in a UTF-8
# locale whatever the caller's (ENV may say LANG=C).
start() {
	local w=$1 h=$2
	shift 2
	tmux -S "$sock" -f /dev/null new-session -d -x "$w" -y "$h" \
		"env -u DISPLAY COLORTERM=truecolor LANG=C.UTF-8 LC_ALL=C.UTF-8 $* XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' '$BMCTOP' ${START_ARGS:-} -c '$T_TMP/fleet.conf' 2>'$T_TMP/bmctop.err'; echo EXITED \$?; sleep 60"
	T_PIDS="$T_PIDS $(tmux -S "$sock" display-message -p '#{pane_pid}')"
	wait_for 15 sh -c "tmux -S '$sock' capture-pane -p | grep -q 'scra'"
}
stop() {
	tmux -S "$sock" kill-server 2>/dev/null
	wait_for 10 sh -c "! tmux -S '$sock' has-session 2>/dev/null"
	rm -f "$sock"
}
screen() { tmux -S "$sock" capture-pane -p; }
screen_e() { tmux -S "$sock" capture-pane -e -p; }
keys() { tmux -S "$sock" send-keys "$@"; sleep 0.3; }
see() {
	if wait_for 20 sh -c "tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "wanted /$2/"; fi
}
# The picture's bounding box once it is drawn: BOX="top left bottom right".
picture_box() {
	wait_for 20 sh -c "tmux -S '$sock' capture-pane -e -p | $CELLS box | grep -qv none" || return 1
	sleep 0.5
	BOX=$(screen_e | $CELLS box)
}
# quadrants_right SIZE: the cells a quarter and three quarters into the
# picture carry red, green, blue and white, upper and lower pixel alike.
quadrants_right() {
	local t l b r y1 y2 x1 x2 got
	read -r t l b r <<<"$BOX"
	y1=$((t + (b - t) / 4)); y2=$((b - (b - t) / 4))
	x1=$((l + (r - l) / 4)); x2=$((r - (r - l) / 4))
	got="$(screen_e | $CELLS at $y1 $x1) $(screen_e | $CELLS at $y1 $x2) $(screen_e | $CELLS at $y2 $x1) $(screen_e | $CELLS at $y2 $x2)"
	is "$1: red, green, blue, white quadrants where they belong" "$got" \
		"ff0000 ff0000 00ff00 00ff00 0000ff 0000ff ffffff ffffff"
}
# aspect_right: 640x480 in half-blocks (square pixels, two a cell) is 4:3,
# width / (2 * height) within one cell.
aspect_right() {
	local t l b r w h
	read -r t l b r <<<"$BOX"
	w=$((r - l + 1)); h=$((b - t + 1))
	check "$1: the picture keeps its 4:3 aspect (${w}x${h} cells)" \
		test $((w * 3)) -ge $((h * 2 * 4 - 8)) -a $((w * 3)) -le $((h * 2 * 4 + 8))
}

fleet blocks
for size in 80x24 200x60; do
	start "${size%x*}" "${size#*x}"
	keys Enter
	keys 6
	see "$size: the Screen tab says how it draws" 'SCREEN +via half-blocks, 24-bit'
	see "$size: ... and the resolution and encoding once there is a picture" \
		'640x480 +(Tight|ZRLE|Hextile|Raw)[A-Za-z,-]* +updated [0-9]+s ago'
	if picture_box; then
		ok "$size: the picture is drawn in 24-bit half-blocks"
		quadrants_right "$size"
		aspect_right "$size"
	else
		fail "$size: the picture is drawn in 24-bit half-blocks"; diag "$(screen)"
	fi
	check "$size: the tab's client is connected to x11vnc" \
		wait_for 10 sh -c "[ \$(ss -Htn state established '( dport = :$PORT_Q )' | grep -c .) -ge 1 ]"
	keys 1
	check "$size: leaving the tab closes its client at the peer" \
		wait_for 20 sh -c "[ \$(ss -Htn state established '( dport = :$PORT_Q )' | grep -c .) -eq 0 ]"
	if wait_for 5 sh -c "tmux -S '$sock' capture-pane -p | grep -q '▀'"; then
		fail "$size: the Sensors tab shows no half-blocks left over"; diag "$(screen)"
	else ok "$size: the Sensors tab shows no half-blocks left over"; fi
	stop
done

# A host without a graphical console: the tab says so.
start 80 24
keys End
keys Enter
keys 6
see "scrnone: the Screen tab says there is no graphical console" 'scrnone.*|no (graphical|VNC)'
see "... in its status text" 'SCREEN +via .*(no|not|none)'
stop

# The wall at 200x60: one labelled tile a host (scrnone's says why it has
# no picture), each with its own picture's colours.
start 200 60
keys W
see "wall: a title with the hosts and the method" 'WALL +4 hosts \(shown\) +page 1/1 +via half-blocks'
see "wall: scra's tile is labelled" ' scra +unknown'
see "wall: scrnone's tile is labelled" ' scrnone +unknown'
wait_for 30 sh -c "tmux -S '$sock' capture-pane -e -p | $CELLS colours scrc 12 | grep -q ff0000"
# has_colours LABEL WANT NOT: the tile under LABEL shows every colour in
# WANT and none in NOT (cells on an edge between two colours may blend).
has_colours() {
	local got c bad=""
	got=$(screen_e | $CELLS colours "$1" 12)
	for c in $2; do case " $got " in *" $c "*) ;; *) bad="$bad missing $c" ;; esac; done
	for c in $3; do case " $got " in *" $c "*) bad="$bad has $c" ;; esac; done
	[ -z "$bad" ] || diag "$1: $got:$bad"
	[ -z "$bad" ]
}
check "wall: scra's tile has the quadrants' colours" \
	has_colours scra "ff0000 00ff00 0000ff ffffff" "ffff00 ff00ff"
check "wall: scrb's tile has yellow over magenta" \
	has_colours scrb "ffff00 ff00ff" "ff0000 00ff00 0000ff ffffff"
check "wall: scrc's tile has the quadrants' colours" \
	has_colours scrc "ff0000 00ff00 0000ff ffffff" "ffff00 ff00ff"
is "wall: scrnone's tile has no picture" "$(screen_e | $CELLS colours scrnone 12)" ""
check "wall: three clients at the peers, none more" \
	test "$(( $(vncpeer_conns "$PORT_Q") + $(vncpeer_conns "$PORT_Y") ))" -eq 3
# ? on the wall: its own keys.
keys '?'
see "wall: ? lists the wall's keys" 'Wall keys'
see "... with Enter's relay" 'Enter +open the tile.s console in a VNC viewer'
keys Escape
see "... and Esc goes back to the wall" 'WALL +4 hosts'
# Enter on scrb's tile: a relay, and (without a display) the relay list
# opens by itself with its endpoint, as V does.
keys Right
keys Enter
see "wall: Enter on scrb's tile starts a VNC relay (the relay list names it)" \
	'scrb +127\.0\.0\.1::[0-9]+'
keys Escape
keys Escape
check "wall: Esc closes the wall's clients at the peers" \
	wait_for 20 sh -c "[ \$(( \$(ss -Htn state established '( dport = :$PORT_Q )' | grep -c .) )) -eq 0 ]"
see "wall: Esc goes back to the list" ' scra +127\.0\.0\.1'
# :wall with two marked hosts.
keys Space
keys j
keys j
keys Space
keys :
tmux -S "$sock" send-keys -l -- "wall"
keys Enter
see ":wall: the marked hosts only" 'WALL +2 hosts \(marked\)'
keys Escape
stop

# Pages: at 80x20 two tiles a page; only the page's tiles have a client.
start 80 20
keys W
see "80x20 wall: two tiles a page, page 1 of 2" 'WALL +4 hosts \(shown\) +page 1/2'
see "80x20 wall: scrb's tile on page 1" ' scrb +unknown'
check "80x20 wall: page 1 has clients at both peers" \
	wait_for 20 sh -c "[ \$(ss -Htn state established '( dport = :$PORT_Y )' | grep -c .) -eq 1 ]"
keys NPage
see "80x20 wall: PgDn shows page 2 of 2" 'WALL +4 hosts \(shown\) +page 2/2'
see "80x20 wall: scrc's tile on page 2" ' scrc +unknown'
check "80x20 wall: page 1's tiles closed their clients (none at scrb's peer)" \
	wait_for 20 sh -c "[ \$(ss -Htn state established '( dport = :$PORT_Y )' | grep -c .) -eq 0 ]"
check "80x20 wall: one client for page 2 (scrc; scrnone has no console)" \
	wait_for 20 sh -c "[ \$(ss -Htn state established '( dport = :$PORT_Q )' | grep -c .) -eq 1 ]"
keys PPage
see "80x20 wall: PgUp goes back to page 1" 'page 1/2'
keys Escape
stop

# Without UTF-8: no half-blocks, spaces on the colours.
start 80 24 LANG=C LC_ALL=C
keys Enter
keys 6
see "LANG=C: the tab says ASCII" 'SCREEN +via ASCII'
wait_for 20 sh -c "tmux -S '$sock' capture-pane -e -p | $CELLS ascii | grep -qv '^0 '"
like "LANG=C: the picture is spaces on 24-bit colours, no half-blocks" \
	"$(screen_e | $CELLS ascii)" '^[0-9]{2,} nohalfblocks$'
stop

# A host whose BMC rejected the password (parked): its console is not
# started, since a console behind a Redfish login would spend another
# attempt of that password.
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
(umask 077 && echo right-password >"$T_TMP/pw.right" && echo wrong-password >"$T_TMP/pw.wrong")
spawn "$BMCSIM" --count 1 --port 0 --password-file "$T_TMP/pw.right" --fleet-out "$T_TMP/sim.conf" \
	--ready-file "$T_TMP/sim.ready" --max-seconds 600 >"$T_TMP/sim.log" 2>&1
if wait_for 30 test -s "$T_TMP/sim.ready"; then
	simport=$(sed -n 's/^ipmi-port = //p' "$T_TMP/sim.conf")
	fleet blocks
	printf '\n[host scrpark]\naddress = 127.0.0.1\nipmi-port = %s\npassword-file = %s\nvnc = rfb:127.0.0.1:%s\n' \
		"$simport" "$T_TMP/pw.wrong" "$PORT_Y" >>"$T_TMP/fleet.conf"
	start 80 24
	see "scrpark: the BMC rejects the password (parked)" 'park 1'
	keys End
	keys Enter
	keys 6
	see "scrpark: the Screen tab says the credentials were rejected" 'rejected the credentials'
	sleep 2
	check "scrpark: no client at its console's peer" test "$(vncpeer_conns "$PORT_Y")" -eq 0
	stop
else
	fail "bmcsim starts"; diag "$(cat "$T_TMP/sim.log")"
fi

# screen-graphics = none: no client at all.
fleet none
start 80 24
keys Enter
keys 6
see "screen-graphics = none: the tab says pictures are off" 'screen-graphics = none'
check "screen-graphics = none: no client at the peer" test "$(vncpeer_conns "$PORT_Q")" -eq 0
stop

# --screen-graphics overrides the fleet file.
fleet blocks
START_ARGS="--screen-graphics none" start 80 24
keys Enter
keys 6
see "--screen-graphics none over the fleet's blocks: pictures are off" 'screen-graphics = none'
check "... and no client at the peer" test "$(vncpeer_conns "$PORT_Q")" -eq 0
stop
out=$("$BMCTOP" --screen-graphics=pictures -c "$T_TMP/fleet.conf" status 2>&1); rc=$?
is "--screen-graphics=pictures: exit 2" "$rc" 2
like "... with the choices" "$out" '--screen-graphics takes auto, kitty, sixel, blocks or none'

# A bad value is refused with the choices.
fleet pictures
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" status 2>&1)
like "screen-graphics = pictures is refused with the choices" "$out" \
	'screen-graphics.*auto, kitty, sixel, blocks or none'
