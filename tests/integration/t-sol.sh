# t-sol.sh - IPMI Serial-over-LAN through "bmctop sol" in pipe mode, against
# ipmi_sim whose SOL line goes to tests/peers/serial-host.py: a command and
# its output; 200 KB arriving complete and in order, directly and through a
# proxy losing 20% of the datagrams each way; Deactivate Payload on exit; a
# second client told "already active" and taking over with --steal, the
# first told at once that its console was taken over (by --steal, and by
# ipmitool's "sol deactivate" then "sol activate"), as ipmitool and conman
# do, and not seconds later as a lost link; the simulator killed under an
# open console, the loss reported, and the console back by itself once the
# simulator is.  bmcsim goes first: on a takeover it sends the old holder
# the "SOL deactivating" status the spec describes (ipmi_sim says nothing).
#
# Each bmctop reads its stdin from a FIFO the test writes to, so every step
# waits for what the host printed instead of sleeping.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/ipmisim.sh"

PY=/usr/bin/python3
PEERS="$SRCDIR/tests/peers"

# sol_open ID FLEET HOST [ARGS...]: start "bmctop sol" as client ID, its
# stdin a FIFO, its output in $T_TMP/ID.out and .err.  A sleeping process
# holds the FIFO open for writing (this shell only opens it to write a
# line), so that nothing started later inherits a write end and keeps the
# client from seeing the end of its input.
sol_open() {
	local id=$1 fleet=$2 host=$3; shift 3
	mkfifo "$T_TMP/$id.in"
	# Not through spawn: the FIFO must be opened in the background job.
	"$BMCTOP" -c "$fleet" sol "$host" --idle 1000 "$@" \
		<"$T_TMP/$id.in" >"$T_TMP/$id.out" 2>"$T_TMP/$id.err" &
	T_PIDS="$T_PIDS $!"
	eval "SOL_PID_$id=$!"
	sleep 900 >"$T_TMP/$id.in" &
	T_PIDS="$T_PIDS $!"
	eval "SOL_HOLD_$id=$!"
}
# sol_send ID TEXT: type TEXT (printf escapes: \r) into client ID.
sol_send() {
	local pid; eval "pid=\$SOL_PID_$1"
	kill -0 "$pid" 2>/dev/null || return 1 # no reader: opening would block
	printf '%b' "$2" >"$T_TMP/$1.in"
}
# sol_end ID: end client ID's input; it exits after a quiet second.
sol_end() {
	local pid i; eval "pid=\$SOL_HOLD_$1"
	kill "$pid" 2>/dev/null
	# A TERM that lands while bash is still opening the FIFO for it is
	# caught by bash and lost; KILL cannot be.
	for ((i = 0; i < 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
# sol_wait ID REGEX SECONDS: wait until client ID's stdout matches.
sol_wait() { wait_for "$3" grep -qaE -- "$2" "$T_TMP/$1.out"; }
# sol_wait_err ID REGEX SECONDS: the same on its stderr (status lines).
sol_wait_err() { wait_for "$3" grep -qaE -- "$2" "$T_TMP/$1.err"; }
# sol_exit ID SECONDS: wait for client ID to exit; its status in SOL_RC
# ("timeout" if it had to be killed).  Not in $(...): only this shell can
# wait for it.
sol_exit() {
	local pid i; eval "pid=\$SOL_PID_$1"
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		SOL_RC=timeout
		return
	fi
	wait "$pid" 2>/dev/null
	SOL_RC=$?
}
# sol_login ID: get client ID to the shell prompt (the serial host stays
# logged in from one SOL session to the next, as a real one would).
sol_login() {
	sol_send "$1" '\r'
	sol_wait "$1" '(login: |sim\$ )' 30 || return 1
	grep -qa 'sim\$ ' "$T_TMP/$1.out" && return 0
	sol_send "$1" 'root\r'
	sol_wait "$1" 'sim\$ ' 30
}
# bigdump_ok FILE N: the bytes after "bigdump N" are N long and hash to what
# serial-host.py says it sent.
bigdump_ok() {
	"$PY" - "$1" "$2" <<'PY'
import hashlib, re, sys
data = open(sys.argv[1], "rb").read()
n = int(sys.argv[2])
start = data.find(b"bigdump %d\r\n" % n)
m = re.search(rb"\r\nSHA256 ([0-9a-f]{64})\r\n", data[start:]) if start >= 0 else None
if not m:
    print("no bigdump output or no SHA256 line"); sys.exit(1)
body = data[start + len(b"bigdump %d\r\n" % n):start + m.start()]
got = hashlib.sha256(body).hexdigest()
if len(body) != n or got != m.group(1).decode():
    print("got %d bytes, sha256 %s; the host sent %d, sha256 %s"
          % (len(body), got, n, m.group(1).decode()))
    sys.exit(1)
PY
}
# sol_active NAME: "yes" while instance 1 of NAME's SOL payload is active.
sol_active() {
	local out
	out=$(ipmisim_ipmitool "$1" raw 0x06 0x4a 0x01 2>&1) || { echo "error: $out"; return; }
	set -- $out
	case $(( 0x$2 & 1 )) in 1) echo yes ;; *) echo no ;; esac
}
sol_inactive() { [ "$(sol_active "$1")" = no ]; }
# taken_over_ok ID WHAT: client ID, whose console was just taken over by WHAT,
# says so at once and ends with status 1.  It waits for either ending, then
# checks which came: the takeover message, not the "[lost: ... no
# acknowledgement after 7 tries]" of a link given up for lost.
taken_over_ok() {
	local id=$1 what=$2
	sol_wait_err "$id" '(taken over|^\[lost|^\[already active)' 60
	like "$what: the old holder is told its console was taken over" \
		"$(cat "$T_TMP/$id.err")" '^\[console taken over by another session'
	unlike "$what: ... at once, not as a lost link after retransmissions" \
		"$(cat "$T_TMP/$id.err")" '^\[lost|no acknowledgement'
	sol_exit "$id" 30
	is "$what: the old holder ends with status 1" "$SOL_RC" 1
	sol_end "$id"
}

# --- bmcsim: taken over, told by the SOL deactivating status ----------------------
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
if [ -x "$BMCSIM" ]; then
	(umask 077 && tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16 >"$T_TMP/sim.pw")
	spawn "$BMCSIM" --password-file "$T_TMP/sim.pw" --count 1 --fleet-out "$T_TMP/sim.conf" \
		--ready-file "$T_TMP/sim.ready" --max-seconds 600 2>"$T_TMP/sim.err"
	sim_pid=$T_LAST_PID
	if wait_for 60 test -f "$T_TMP/sim.ready"; then
		simhost=$(sed -n 's/^\[host \(.*\)\]$/\1/p' "$T_TMP/sim.conf" | head -1)
		sol_open sa "$T_TMP/sim.conf" "$simhost"
		check "bmcsim: a first client holds SOL" sol_wait_err sa '^\[connected\]' 30
		sol_open sb "$T_TMP/sim.conf" "$simhost" --steal
		check "bmcsim: --steal takes the console over" sol_wait_err sb '^\[connected\]' 60
		taken_over_ok sa "bmcsim"
		sol_send sb 'echo thief-ok\r'
		check "bmcsim: the thief's console works" sol_wait sb 'thief-ok' 30
		sol_end sb
		sol_exit sb 30
		is "bmcsim: the thief exits 0" "$SOL_RC" 0
	else
		fail "bmcsim starts"
		diag "$(cat "$T_TMP/sim.err")"
	fi
	kill "$sim_pid" 2>/dev/null
	wait "$sim_pid" 2>/dev/null
else
	fail "bmcsim is built at $BMCSIM"
fi

ipmisim_need
need ipmitool

ipmisim_start bmc1 --sol || { fail "ipmi_sim with a serial host starts"; exit 0; }
port=$(ipmisim_port bmc1)
ipmisim_fleet "$T_TMP/fleet" bmc1

# --- a command and its output ----------------------------------------------------
sol_open a "$T_TMP/fleet" bmc1
check "bmctop sol connects" sol_wait_err a '^\[connected\]' 30
check "the serial host's login prompt arrives" sol_login a
sol_send a 'echo hello-from-the-host\r'
check "a typed command gets its output" sol_wait a $'^hello-from-the-host\r' 30
like "what was typed reached the host" "$(cat "$(ipmisim_dir bmc1)/serial.in")" 'echo hello-from-the-host'

# --- 200 KB in order -------------------------------------------------------------
sol_send a 'bigdump 200000\r'
if sol_wait a 'SHA256 [0-9a-f]{64}' 120; then
	out=$(bigdump_ok "$T_TMP/a.out" 200000); rc=$?
	is "200 KB of host output arrive complete and in order" "$rc" 0
	[ "$rc" = 0 ] || diag "$out"
else
	fail "200 KB of host output arrive complete and in order (no end in 120 s)"
fi
is "the payload is active while the console is open" "$(sol_active bmc1)" yes
sol_end a
sol_exit a 30
is "bmctop sol exits 0 after its input ends" "$SOL_RC" 0
is "closing deactivates the SOL payload" "$(sol_active bmc1)" no

# --- the same through a proxy losing 20% each way -------------------------------
pport=$(free_port udp)
spawn "$PY" "$PEERS/udp-lossy-proxy.py" --listen "$pport" --target "$port" --loss 0.2 \
	--seed 6 --ready-file "$T_TMP/proxy.ready" --stats "$T_TMP/proxy.stats" 2>"$T_TMP/proxy.log"
proxy_pid=$T_LAST_PID
wait_for 10 test -f "$T_TMP/proxy.ready" || fail "the lossy proxy starts"
sed "s/^ipmi-port = .*/ipmi-port = $pport/" "$T_TMP/fleet" >"$T_TMP/fleet-lossy"
chmod 600 "$T_TMP/fleet-lossy"
sol_open l "$T_TMP/fleet-lossy" bmc1
check "bmctop sol connects through 20% loss" sol_wait_err l '^\[connected\]' 60
check "the login prompt arrives through 20% loss" sol_login l
sol_send l 'bigdump 200000\r'
lossy_t0=$(date +%s)
if sol_wait l 'SHA256 [0-9a-f]{64}' 300; then
	diag "200 KB through 20% loss took $(( $(date +%s) - lossy_t0 )) s"
	out=$(bigdump_ok "$T_TMP/l.out" 200000); rc=$?
	is "200 KB arrive complete and in order through 20% loss" "$rc" 0
	[ "$rc" = 0 ] || diag "$out"
else
	fail "200 KB arrive complete and in order through 20% loss (no end in 300 s)"
	diag "$(tail -c 300 "$T_TMP/l.out")"
fi
sol_end l
sol_exit l 60
is "the lossy session ends cleanly" "$SOL_RC" 0
kill "$proxy_pid" 2>/dev/null
wait_for 10 test -f "$T_TMP/proxy.stats"
drops=$(env_get "$T_TMP/proxy.stats" down_drop)
like "the proxy did drop datagrams from the BMC" "${drops:-0}" '^[1-9][0-9]*$'
grep -q '^\[lost' "$T_TMP/l.err" && diag "reconnected during the lossy run: $(grep '^\[lost' "$T_TMP/l.err" | head -3)"

# --- already active, and --steal -------------------------------------------------
# A Deactivate Payload lost to the proxy leaves the payload to ipmi_sim's
# session timeout (30 s).
wait_for 60 sol_inactive bmc1 || fail "the payload is free again after the lossy session"
sol_open h "$T_TMP/fleet" bmc1
check "a first client holds SOL" sol_wait_err h '^\[connected\]' 30
sol_open b "$T_TMP/fleet" bmc1
# Its input ends only once it has heard back: an end of input before the
# BMC's answer would be a client with nothing more to say, not a refusal.
sol_wait_err b 'already active' 60
sol_end b
sol_exit b 60
is "a second client without --steal gives up (exit 1)" "$SOL_RC" 1
like "... saying the payload is already active" "$(cat "$T_TMP/b.err")" 'already active'
unlike "... without opening the console" "$(cat "$T_TMP/b.err")" '^\[connected\]'
sol_open s "$T_TMP/fleet" bmc1 --steal
check "--steal takes the console over" sol_wait_err s '^\[connected\]' 60
check "the thief has a working console" sol_login s
sol_send s 'echo stolen-ok\r'
check "... which runs commands" sol_wait s $'^stolen-ok\r' 30
# Keys typed after the takeover: ipmi_sim drops them without a word.
sol_send h 'echo from-the-old-holder\r'
taken_over_ok h "--steal"
unlike "the old holder's keys never reach the host" "$(cat "$(ipmisim_dir bmc1)/serial.in")" 'from-the-old-holder'
sol_end s
sol_exit s 30
is "the thief exits 0" "$SOL_RC" 0

# --- taken over by ipmitool: "sol deactivate", then "sol activate" ----------------
# The holder is idle: nothing of its own goes unanswered, so only asking the
# BMC who holds SOL can tell it.
wait_for 10 sol_inactive bmc1
sol_open i "$T_TMP/fleet" bmc1
check "a console before ipmitool takes it" sol_wait_err i '^\[connected\]' 30
sol_login i >/dev/null
ipmisim_ipmitool bmc1 sol deactivate >"$T_TMP/it-deact.out" 2>&1
# ipmitool's stdin: a FIFO held open by a sleep, so it stays on the console.
mkfifo "$T_TMP/it.in"
# Not through spawn: the FIFO must be opened in the background job.
timeout 120 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$port" -U "$IPMISIM_USER" -E \
	sol activate <"$T_TMP/it.in" >"$T_TMP/it-act.out" 2>&1 &
it_pid=$!
sleep 120 >"$T_TMP/it.in" &
it_hold=$!
T_PIDS="$T_PIDS $it_pid $it_hold"
taken_over_ok i "ipmitool"
kill "$it_hold" "$it_pid" 2>/dev/null
wait "$it_hold" "$it_pid" 2>/dev/null
ipmisim_ipmitool bmc1 sol deactivate >/dev/null 2>&1

# --- the BMC dies under an open console and comes back ----------------------------
wait_for 10 sol_inactive bmc1
sol_open k "$T_TMP/fleet" bmc1
check "a console before the BMC restarts" sol_wait_err k '^\[connected\]' 30
sol_login k >/dev/null
ipmisim_stop bmc1 || diag "ipmi_sim did not stop cleanly"
sol_send k 'echo while-the-bmc-is-down\r'
check "the loss is reported" sol_wait_err k '^\[lost: .*(no acknowledgement|no response|session)' 60
ipmisim_start bmc1 --sol --port "$port" || fail "ipmi_sim restarts on port $port"
check "the console reconnects by itself" sol_wait_err k '^\[reconnected\]' 90
: >"$T_TMP/k.out"
sol_send k '\r'
check "the reconnected console reaches the (new) host" sol_wait k 'login: ' 30
sol_send k 'root\r'
sol_wait k 'sim\$ ' 30
sol_send k 'echo after-restart\r'
check "... and runs commands" sol_wait k $'^after-restart\r' 30
sol_end k
sol_exit k 30
is "the reconnected session ends cleanly" "$SOL_RC" 0
ipmisim_alive bmc1 || diag "note: ipmi_sim is no longer running"
