# t-ipmi-faults.sh - a BMC that dies and comes back, seen in the dashboard
# (the real binary in tmux) against ipmi_sim.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/ipmisim.sh"
ipmisim_need
need tmux

ipmisim_start bmc1 || { fail "ipmi_sim bmc1 starts"; exit 0; }
ipmisim_start bmc2 || { fail "ipmi_sim bmc2 starts"; exit 0; }
port1=$(ipmisim_port bmc1)
IPMISIM_FLEET_EXTRA="interval = 1s
timeout = 300ms
retries = 2" ipmisim_fleet "$T_TMP/fleet.conf" bmc1 bmc2

sock="$T_TMP/tmux.sock"
tmux -S "$sock" new-session -d -x 160 -y 20 \
	"XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' -c '$T_TMP/fleet.conf'; echo EXITED \$?; sleep 30"
tpid=$(tmux -S "$sock" display-message -p '#{pane_pid}')
T_PIDS="$T_PIDS $tpid"
screen() { tmux -S "$sock" capture-pane -p; }
row() { screen | grep "^ *$1 "; }

wait_for 15 sh -c "tmux -S '$sock' capture-pane -p | grep -q '^ *bmc1 .* on  '" &&
	ok "bmc1 shows power on" || { fail "bmc1 shows power on"; diag "$(screen)"; }
like "bmc1 row has the hottest temperature" "$(row bmc1)" ' 45C '

# Kill the BMC mid-session: unreachable within interval + timeout x retries.
ipmisim_stop bmc1
t0=$(date +%s%N)
if wait_for 10 sh -c "tmux -S '$sock' capture-pane -p | grep '^ *bmc1 ' | grep -q 'no response'"; then
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	ok "killed BMC marked unreachable"
	check "within interval + timeout x retries + slack ($ms ms <= 1000 + 600 + 2400)" test "$ms" -le 4000
else
	fail "killed BMC marked unreachable"; diag "$(screen)"
fi
like "the other BMC is still fine" "$(row bmc2)" ' on +warning'
like "the status bar counts one down" "$(screen | tail -1)" 'unreachable 1'

# Keys still answer while a host times out.
tmux -S "$sock" send-keys j
sleep 0.3
check "the dashboard still answers keys" sh -c "! tmux -S '$sock' capture-pane -p | grep -q EXITED"

# Restart it on the same port: a new session, the row recovers.
ipmisim_start bmc1 --port "$port1" || fail "bmc1 restarts"
if wait_for 20 sh -c "tmux -S '$sock' capture-pane -p | grep '^ *bmc1 ' | grep -v 'no response' | grep -q ' on '"; then
	ok "restarted BMC: session re-established, row recovers"
else
	fail "restarted BMC: session re-established, row recovers"; diag "$(screen)"
fi

# q closes sessions and exits cleanly.
tmux -S "$sock" send-keys q
wait_for 10 sh -c "tmux -S '$sock' capture-pane -p | grep -q 'EXITED 0'" &&
	ok "q exits with status 0" || { fail "q exits with status 0"; diag "$(screen)"; }
check "ipmi_sim survived the whole test" ipmisim_alive bmc2
tmux -S "$sock" kill-server 2>/dev/null
