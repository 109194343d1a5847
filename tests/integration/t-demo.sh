# t-demo.sh - "bmctop --demo" in tmux: bmcsim starts with the 64-host demo
# fleet, the dashboard shows a mix of states, and on quit bmcsim is stopped
# and the demo's files are gone.
. "$SRCDIR/tests/lib/tap.sh"
need tmux script
[ -x "$BUILDDIR/bmcsim" ] || [ -x "$BUILDDIR/sim/bmcsim" ] || skip_all "bmcsim is not built"

# Without a terminal the demo refuses at once, and starts nothing.
out=$("$BMCTOP" --demo </dev/null 2>&1); rc=$?
is "no terminal: exit 2" "$rc" 2
like "no terminal: says why" "$out" 'needs a terminal'

# Without bmcsim: a clear message naming the fix.
out=$(BMCTOP_BMCSIM=/nonexistent/bmcsim script -qec "'$BMCTOP' --demo" /dev/null 2>&1 </dev/null); rc=$?
like "no bmcsim: says so and how to fix it" "$out" 'needs bmcsim.*BMCTOP_BMCSIM'

mkdir -p "$T_TMP/tmp"
sock="$T_TMP/tmux.sock"
tmux -S "$sock" new-session -d -x 160 -y 80 \
	"TMPDIR='$T_TMP/tmp' XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' --demo; echo EXITED \$?; sleep 60"
pane=$(tmux -S "$sock" display-message -p '#{pane_pid}')
T_PIDS="$T_PIDS $pane"
screen() { tmux -S "$sock" capture-pane -p; }
see() {
	if wait_for "${3:-20}" sh -c "tmux -S '$sock' capture-pane -p | grep -qE -- '$2'"; then ok "$1"; else
		fail "$1"; diag "$(screen)"; diag "wanted /$2/"; fi
}
children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }

see "the dashboard lists 64 hosts" 'hosts 64 ' 60
# Wait for the first sweep: the dead hosts time out and retry first.
wait_for 60 sh -c "tmux -S '$sock' capture-pane -p | grep -qE 'hosts 64 +up [1-9][0-9]* +off [0-9]+ +connecting [0-9]+ +unreachable [1-9]'"
bar=$(screen | grep -E 'hosts 64 ' | head -1)
diag "$bar"
like "some hosts are up" "$bar" 'up [1-9]'
like "some are down (unreachable)" "$bar" 'unreachable [1-9]'
like "some warn" "$bar" 'warning [1-9]'
like "some are critical" "$bar" 'critical [1-9]'
see "some are powered off" '^ *.? *[A-Za-z0-9_.-]+ .* off '
see "a Redfish host is listed" 'redfish'
see "hosts are grouped in racks" ' rack1 '

bmctop_pid=$(children "$pane" | head -1)
sim_pid=""
for p in $(children "$bmctop_pid"); do
	[ "$(cat /proc/"$p"/comm 2>/dev/null)" = bmcsim ] && sim_pid=$p
done
check "bmcsim runs as bmctop's child" test -n "$sim_pid"
args=$(tr '\0' ' ' </proc/"$sim_pid"/cmdline 2>/dev/null)
like "bmcsim gets the password by file" "$args" '--password-file '
unlike "no password option in its argv" "$args" '--password [^-]'
demo_dir=$(printf '%s' "$args" | sed -n 's|.*--fleet-out \([^ ]*\)/fleet.conf.*|\1|p')
like "the demo's files are in a private directory" "$demo_dir" "^$T_TMP/tmp/bmctop-demo\."
is "... made 0700" "$(stat -c %a "$demo_dir" 2>/dev/null)" 700
is "the password file is 0600" "$(stat -c %a "$demo_dir/password" 2>/dev/null)" 600

# Open a host that prints on its console?  The demo fleet's consoles are
# exercised by bmcsim's own tests; here: quit, and nothing is left behind.
tmux -S "$sock" send-keys q
see "bmctop exits 0" 'EXITED 0' 30
check "bmcsim is gone after quitting" sh -c "! kill -0 $sim_pid 2>/dev/null"
check "no bmcsim is left as a child" test -z "$(children "$bmctop_pid")"
check "the demo's directory is removed" test ! -e "$demo_dir"
unlike "no bmctop state was written outside the demo" "$(ls "$XDG_STATE_HOME/bmctop" 2>/dev/null)" 'known_hosts'
tmux -S "$sock" kill-server 2>/dev/null

# --demo --readonly: the demo's dashboard only looks.
sock="$T_TMP/tmux-ro.sock"
tmux -S "$sock" new-session -d -x 100 -y 30 \
	"TMPDIR='$T_TMP/tmp' XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' --demo --readonly; echo EXITED \$?; sleep 60"
pane=$(tmux -S "$sock" display-message -p '#{pane_pid}')
T_PIDS="$T_PIDS $pane"
see "--demo --readonly: the dashboard starts" 'node01' 60
tmux -S "$sock" send-keys x
see "--demo --readonly: power off is refused" 'read-only: power off refused'
tmux -S "$sock" send-keys q
see "--demo --readonly: exits 0" 'EXITED 0' 30
tmux -S "$sock" kill-server 2>/dev/null
