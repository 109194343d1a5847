# t-tui-sixel.sh - the Screen tab and the wall drawn in sixel by a real
# terminal: xterm as a VT340 (sixel graphics) on Xvfb, keys typed with
# xdotool, the X screen read with ImageMagick's import.  x11vnc on another
# Xvfb shows four quadrants (red, green, blue, white); with
# screen-graphics = sixel the quadrants' colours must appear on xterm's
# window below the tab's title, at the left; go when the tab is left (the
# cells go back to curses); and twice over in a wall of two hosts.
# Loopback only; every process is stopped by its pid.
. "$SRCDIR/tests/lib/tap.sh"
need Xvfb x11vnc xterm xdotool import convert display xdpyinfo
. "$SRCDIR/tests/lib/vncpeer.sh"

vncpeer_quadrants 640x480 "$T_TMP/quad.png" '#ff0000' '#00ff00' '#0000ff' '#ffffff' ||
	skip_all "ImageMagick cannot draw"
vncpeer_start 640x480 "$T_TMP/quad.png" || skip_all "x11vnc on Xvfb does not start"
vncpeer_fleet "$T_TMP/fleet.conf" sixel sxa="$VNC_PORT" sxb="$VNC_PORT"

# The terminal: xterm 100x30 at the top left of its own X screen.
vncpeer_xvfb 1024x768 || skip_all "a second Xvfb does not start"
XT=$XVFB_DISPLAY
spawn env DISPLAY="$XT" xterm -ti vt340 -xrm 'XTerm*decTerminalID: vt340' \
	-xrm 'XTerm*numColorRegisters: 256' -geometry 100x30+0+0 -e env -u TMUX \
	XDG_STATE_HOME="$XDG_STATE_HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" "$BMCTOP" -c "$T_TMP/fleet.conf"
if ! wait_for 20 env DISPLAY="$XT" xdotool search --class xterm; then
	fail "xterm starts on $XT"; exit 0
fi
win=$(DISPLAY=$XT xdotool search --class xterm | head -1)
sleep 2
key() { DISPLAY=$XT xdotool windowfocus --sync "$win" key "$@" 2>/dev/null; sleep 0.5; }
shot() { DISPLAY=$XT import -window root "$T_TMP/shot.png" 2>/dev/null; }
# count COLOUR: pixels of exactly that colour on xterm's screen.
count() {
	convert "$T_TMP/shot.png" -fill black +opaque "$1" -fill white -opaque "$1" \
		-format '%[fx:round(mean*w*h)]' info: 2>/dev/null
}
# box COLOUR: where the pixels of that colour are, as "X Y W H".
box() {
	convert "$T_TMP/shot.png" -fill black +opaque "$1" -trim -format '%X %Y %w %h' info: 2>/dev/null |
		tr -d '+'
}
# Window geometry, for the size of a cell.
read -r ww wh < <(DISPLAY=$XT xdotool getwindowgeometry "$win" | sed -n 's/.*Geometry: \([0-9]*\)x\([0-9]*\).*/\1 \2/p')
cell_h=$((wh / 30))

key Return
key 6
wait_for 20 sh -c "DISPLAY=$XT import -window root '$T_TMP/shot.png' 2>/dev/null && [ \$(convert '$T_TMP/shot.png' -fill black +opaque '#ff0000' -fill white -opaque '#ff0000' -format '%[fx:round(mean*w*h)]' info:) -gt 1000 ]"
sleep 1
shot
red=$(count '#ff0000') green=$(count '#00ff00') blue=$(count '#0000ff')
diag "sixel tab: red $red green $green blue $blue pixels, cell height $cell_h"
check "sixel tab: red, green and blue quadrants on xterm's screen" \
	test "${red:-0}" -gt 1000 -a "${green:-0}" -gt 1000 -a "${blue:-0}" -gt 1000
check "sixel tab: as much red as green and blue (four equal quadrants)" \
	awk -v r="${red:-0}" -v g="${green:-0}" -v b="${blue:-0}" \
	'BEGIN { exit !(r > 0 && g / r > 0.9 && g / r < 1.1 && b / r > 0.9 && b / r < 1.1) }'
read -r rx ry rw rh <<<"$(box '#ff0000')"
read -r gx gy gw gh <<<"$(box '#00ff00')"
read -r bx by bw bh <<<"$(box '#0000ff')"
check "sixel tab: red at the left, below the tab's title line (row 5 or lower)" \
	test "${rx:-999}" -lt 20 -a "${ry:-0}" -ge $((4 * cell_h))
check "sixel tab: green right of red, blue below it" \
	test "${gx:-0}" -ge $((rx + rw - 2)) -a $((gy - ry)) -le 2 -a $((ry - gy)) -le 2 -a "${by:-0}" -ge $((ry + rh - 2)) -a $((bx - rx)) -le 2 -a $((rx - bx)) -le 2
check "sixel tab: the picture keeps 4:3 (red ${rw}x${rh})" \
	awk -v w="${rw:-0}" -v h="${rh:-1}" 'BEGIN { exit !(w / h > 1.25 && w / h < 1.42) }'

key 1
sleep 1
shot
is "sixel: leaving the tab takes the picture away" "$(count '#ff0000')" 0

key W
wait_for 20 sh -c "DISPLAY=$XT import -window root '$T_TMP/shot.png' 2>/dev/null && [ \$(convert '$T_TMP/shot.png' -fill black +opaque '#0000ff' -fill white -opaque '#0000ff' -format '%[fx:round(mean*w*h)]' info:) -gt 200 ]"
sleep 6 # the second tile's client starts 0.3 s later; both pictures in
shot
read -r bx by bw bh <<<"$(box '#0000ff')"
diag "wall: blue spans $bx $by $bw $bh"
check "sixel wall: two tiles side by side (blue spans most of the width)" \
	test "${bw:-0}" -gt $((ww / 2))
key Escape
sleep 1
shot
is "sixel wall: Esc takes the tiles away" "$(count '#0000ff')" 0
key q
