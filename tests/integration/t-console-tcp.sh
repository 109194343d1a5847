# t-console-tcp.sh - "bmctop sol" on serial consoles over TCP, raw and telnet,
# against tests/peers/serial-host.py (whose --telnet mode opens like QEMU's
# "-serial telnet"): round trips, 200 KB in order, 0xFF both ways, the
# telnet answers, a server that dies and returns, one that is not there
# yet, backpressure, the console log, and the interactive escapes on a pty.
. "$SRCDIR/tests/lib/tap.sh"
need python3 stty

SERIAL_HOST="$SRCDIR/tests/peers/serial-host.py"
PTY_EXPECT="$SRCDIR/tests/peers/pty-expect.py"
FLEET="$T_TMP/fleet.conf"
# Pipe mode exits once the output has been quiet this long after stdin's
# end; generous, so a loaded machine's slow peer is not cut short.
IDLE=3000

# start_host NAME PORT [OPTION...]: a serial host on PORT; its pid in
# HOST_PID_<NAME>.  Waits until it listens.
start_host() {
	local name=$1 port=$2
	shift 2
	rm -f "$T_TMP/$name.ready"
	# Not holding the fifos' write ends (fds 3, 4) open: their reader must see EOF.
	spawn python3 "$SERIAL_HOST" "$port" --ready-file "$T_TMP/$name.ready" \
		--max-seconds 300 "$@" 3>&- 4>&-
	eval "HOST_PID_$name=$T_LAST_PID"
	wait_for 20 test -s "$T_TMP/$name.ready"
}

PRAW=$(free_port)
PTEL=$(free_port)
PSLOW=$(free_port)
PLATE=$(free_port)
cat >"$FLEET" <<EOF
[defaults]
user = admin
protocol = ipmi

[host raw1]
address = 127.0.0.1
console = tcp:127.0.0.1:$PRAW

[host tel1]
address = 127.0.0.2
console = telnet:127.0.0.1:$PTEL

[host slow1]
address = 127.0.0.3
console = telnet:127.0.0.1:$PSLOW

[host late1]
address = 127.0.0.4
console = tcp:127.0.0.1:$PLATE

[host none1]
address = 127.0.0.5
console = none
EOF

start_host raw "$PRAW" || fail "raw serial host starts"
start_host tel "$PTEL" --telnet || fail "telnet serial host starts"

# sol_pipe HOST NAME INPUT [OPTION...]: pipe INPUT (printf format) through
# bmctop sol; output in NAME.out, status lines in NAME.err, exit status in RC.
sol_pipe() {
	local host=$1 name=$2 input=$3
	shift 3
	# shellcheck disable=SC2059
	printf "$input" >"$T_TMP/$name.in"
	"$BMCTOP" -c "$FLEET" sol "$host" --idle "$IDLE" "$@" <"$T_TMP/$name.in" \
		>"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	RC=$?
}

# check_seq FILE N: N numbered lines, each with its right CRC, then SEQ-DONE N.
check_seq() {
	python3 - "$1" "$2" <<'PY'
import re, sys, zlib
data = open(sys.argv[1], "rb").read().decode("latin-1")
n = int(sys.argv[2])
lines = re.findall(r"^(line (\d{6}) .*?) ([0-9a-f]{8})\r$", data, re.M)
ok = [int(i) for s, i, crc in lines if "%08x" % zlib.crc32(s.encode()) == crc]
sys.exit(0 if ok == list(range(1, n + 1)) and ("SEQ-DONE %d\r\n" % n) in data else 1)
PY
}

# check_bigdump FILE N: the N bytes after the command's echo hash to what
# the host says they hash to.
check_bigdump() {
	python3 - "$1" "$2" <<'PY'
import hashlib, re, sys
data = open(sys.argv[1], "rb").read()
n = int(sys.argv[2])
start = data.find(b"bigdump %d\r\n" % n)
m = re.search(rb"\r\nSHA256 ([0-9a-f]{64})\r\n", data)
if start < 0 or not m:
    sys.exit(1)
body = data[start + len(b"bigdump %d\r\n" % n):m.start()]
sys.exit(0 if len(body) == n and hashlib.sha256(body).hexdigest().encode() == m.group(1) else 1)
PY
}

# check_bytes FILE: the 256 byte values arrived as they were sent.
check_bytes() {
	python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
sys.exit(0 if b"BYTES<" + bytes(range(256)) + b">BYTES" in data else 1)
PY
}

for kind in raw tel; do
	host=${kind}1
	sol_pipe "$host" "$kind-seq" 'root\rseq 50\rhex \377\376\377A\rbytes\r'
	is "$kind: pipe mode exits 0 after stdin's end" "$RC" 0
	like "$kind: status line says connected" "$(cat "$T_TMP/$kind-seq.err")" '^\[connected\]'
	check "$kind: seq 50 arrives whole, every line's CRC right" \
		check_seq "$T_TMP/$kind-seq.out" 50
	like "$kind: bytes 0xFF reach the host as single bytes" \
		"$(tr -d '\r\0' <"$T_TMP/$kind-seq.out")" '^HEX fffeff41$'
	check "$kind: all 256 byte values come back in order" check_bytes "$T_TMP/$kind-seq.out"

	sol_pipe "$host" "$kind-big" 'root\rbigdump 204800\r'
	is "$kind: bigdump run exits 0" "$RC" 0
	check "$kind: 200 KB complete and in order (SHA-256)" \
		check_bigdump "$T_TMP/$kind-big.out" 204800
done

sol_pipe tel1 tel-neg 'root\rtelnet\r'
like "telnet: the client answers the QEMU-style opening (and refuses TTYPE)" \
	"$(cat "$T_TMP/tel-neg.out")" 'TELNET-OK \(DO 1, DO 3, DO 0, WILL 0, WONT 24\)'

# The console log: 0600, a timestamp at each line start.
sol_pipe raw1 raw-log 'root\rseq 5\r' --log
log="$XDG_STATE_HOME/bmctop/consoles/raw1.log"
is "--log run exits 0" "$RC" 0
if [ -f "$log" ]; then
	is "console log is created 0600" "$(stat -c %a "$log")" 600
	like "console log holds the output" "$(cat "$log")" 'SEQ-DONE 5'
	check "every console log line starts with a UTC timestamp" python3 - "$log" <<'PY'
import re, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
lines = [l for l in lines if l]
sys.exit(0 if len(lines) >= 7 and all(
    re.match(rb"\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] ", l) for l in lines) else 1)
PY
else
	fail "console log $log is created"
fi

# A symbolic link planted at the console log is not followed: the run that
# asked for a log stops and says why, and the link's target is untouched.
echo "victim" >"$T_TMP/victim"
chmod 644 "$T_TMP/victim"
ln -sf "$T_TMP/victim" "$XDG_STATE_HOME/bmctop/consoles/tel1.log"
sol_pipe tel1 tel-linklog 'root\rseq 3\r' --log
is "console log link: the link's target is untouched" "$(cat "$T_TMP/victim")" victim
is "console log link: the target keeps its mode" "$(stat -c %a "$T_TMP/victim")" 644
like "console log link: bmctop says why it cannot log" "$(cat "$T_TMP/tel-linklog.err")" \
	'consoles/tel1.log: it is a symbolic link'
check "console log link: and stops (exit $RC)" [ "$RC" -ne 0 ]

sol_pipe none1 none ''
is "console = none: exit 2" "$RC" 2
like "console = none: says so" "$(cat "$T_TMP/none.err")" 'no console configured'
"$BMCTOP" -c "$FLEET" sol nosuch </dev/null >/dev/null 2>"$T_TMP/nosuch.err"
is "unknown host: exit 2" "$?" 2

# Backpressure: 4 MB of every byte value into a host reading at 1 MB/s,
# through a pipe; nothing may be lost and stdin must have been paused.
# Loopback TCP buffers up to about 1.3 MB on our side whatever the reader's
# window (the send buffer starts at twice ten 64 KB segments), and the
# console queues 256 KB more before it refuses: a 1 MB run paused only when
# the host read slower than bmctop wrote, which a loaded machine can turn
# round.  What the kernel holds drains after stdin's end, so the idle wait
# is longer than that.
python3 -c 'import os, sys; sys.stdout.buffer.write(os.urandom(4194304))' >"$T_TMP/blob"
blobsum=$(sha256sum <"$T_TMP/blob" | cut -d' ' -f1)
start_host slow "$PSLOW" --telnet --rx-rate 1000000 || fail "slow serial host starts"
{ printf 'root\rsink 4194304\r'; cat "$T_TMP/blob"; } |
	"$BMCTOP" -c "$FLEET" sol slow1 --idle 8000 >"$T_TMP/slow.out" 2>"$T_TMP/slow.err"
is "backpressure run exits 0" "$?" 0
like "4 MB of binary data reaches a slow host intact (telnet escaping, SHA-256)" \
	"$(tr -d '\r' <"$T_TMP/slow.out")" "^SINK-DONE 4194304 $blobsum\$"
like "stdin was paused while the console queue was full" \
	"$(cat "$XDG_STATE_HOME/bmctop/bmctop.log")" 'slow1: sol: input paused [1-9][0-9]* times'

# A server killed and restarted on the same port, under a session fed
# through a fifo: "[lost", then "[reconnected]", then it works again.
mkfifo "$T_TMP/re.in"
spawn sh -c "exec '$BMCTOP' -c '$FLEET' sol tel1 --idle $IDLE <'$T_TMP/re.in' \
	>'$T_TMP/re.out' 2>'$T_TMP/re.err'"
sol_pid=$T_LAST_PID
exec 3>"$T_TMP/re.in"
printf 'root\r' >&3
wait_for 20 grep -q 'Welcome, root' "$T_TMP/re.out" && ok "fifo session logs in" ||
	fail "fifo session logs in"
kill "$HOST_PID_tel"
wait "$HOST_PID_tel" 2>/dev/null
wait_for 20 grep -q '^\[lost: .*closed by the server' "$T_TMP/re.err" &&
	ok "server gone: [lost: ... closed by the server]" ||
	{ fail "server gone: [lost: ... closed by the server]"; diag "$(cat "$T_TMP/re.err")"; }
start_host tel "$PTEL" --telnet || fail "telnet serial host restarts on the same port"
wait_for 30 grep -q '^\[reconnected\]' "$T_TMP/re.err" && ok "server back: [reconnected]" ||
	{ fail "server back: [reconnected]"; diag "$(cat "$T_TMP/re.err")"; }
printf 'root\rseq 20\r' >&3
wait_for 20 grep -q 'SEQ-DONE 20' "$T_TMP/re.out" && ok "the console works after reconnecting" ||
	fail "the console works after reconnecting"
exec 3>&-
wait_for 30 sh -c "! kill -0 $sol_pid" && ok "fifo session ends after stdin's end" ||
	fail "fifo session ends after stdin's end"
wait "$sol_pid"
is "fifo session exits 0" "$?" 0

# A server that is not there yet: the console waits for it.
mkfifo "$T_TMP/late.in"
spawn sh -c "exec '$BMCTOP' -c '$FLEET' sol late1 --idle $IDLE <'$T_TMP/late.in' \
	>'$T_TMP/late.out' 2>'$T_TMP/late.err'"
late_pid=$T_LAST_PID
exec 4>"$T_TMP/late.in"
printf 'root\rseq 3\r' >&4
wait_for 20 grep -q '^\[lost: .*refused' "$T_TMP/late.err" &&
	ok "no server yet: [lost: ... connection refused]" ||
	{ fail "no server yet: [lost: ... connection refused]"; diag "$(cat "$T_TMP/late.err")"; }
start_host late "$PLATE" || fail "late serial host starts"
wait_for 30 grep -q '^\[connected\]' "$T_TMP/late.err" && ok "server appears: [connected]" ||
	fail "server appears: [connected]"
wait_for 20 grep -q 'SEQ-DONE 3' "$T_TMP/late.out" &&
	ok "input typed before the server existed is delivered once it does" ||
	{ fail "input typed before the server existed is delivered once it does"; diag "$(cat "$T_TMP/late.out")"; }
exec 4>&-
wait_for 30 sh -c "! kill -0 $late_pid"
wait "$late_pid"
is "late session exits 0" "$?" 0

# Interactive, on a pty: raw mode (Ctrl-C is a key, not a signal), ~? ~B ~~
# ~. and the terminal restored afterwards.
python3 "$PTY_EXPECT" --timeout 30 --transcript "$T_TMP/pty.txt" \
	'expect:\[connected\]' 'expect:login: ' 'send:root\r' 'expect:sim\$ ' \
	'send:~?' 'expect:~B +send a break' \
	'send:~B' 'expect:BREAK-SEEN' \
	'send:\x03' 'expect:\x03' 'send:\r' 'expect:sim\$ ' \
	'send:~~abc\r' 'expect:unknown command: ~abc' \
	'send:~.' 'expect:EXIT=0' 'expect:speed' 'eof' \
	-- sh -c "'$BMCTOP' -c '$FLEET' sol tel1; echo EXIT=\$?; stty -a" \
	>"$T_TMP/pty.err" 2>&1
rc=$?
is "interactive session: every step, ~. ends it with 0" "$rc" 0
[ "$rc" -eq 0 ] || diag "$(cat "$T_TMP/pty.err")"
after=$(tr -d '\r' <"$T_TMP/pty.txt" | sed -n '/EXIT=0/,$p')
like "the terminal is back in canonical mode after ~." "$after" '(^| )icanon( |$)'
like "the terminal echoes again after ~." "$after" '(^| )echo( |$)'

# SIGTERM in the middle of an interactive session restores the terminal too.
spawn python3 "$PTY_EXPECT" --timeout 40 --transcript "$T_TMP/pty-term.txt" \
	'expect:\[connected\]' 'expect:EXIT=143' 'expect:speed' 'eof' \
	-- sh -c "'$BMCTOP' -c '$FLEET' sol tel1 </dev/tty & echo \$! >'$T_TMP/sol.pid'; \
	wait \$!; echo EXIT=\$?; stty -a"
pty_pid=$T_LAST_PID
if wait_for 30 grep -q 'connected' "$T_TMP/pty-term.txt" && [ -s "$T_TMP/sol.pid" ]; then
	T_PIDS="$T_PIDS $(cat "$T_TMP/sol.pid")"
	kill -TERM "$(cat "$T_TMP/sol.pid")"
	wait "$pty_pid"
	is "SIGTERM ends the session with 128+15" "$?" 0
	like "the terminal is restored after SIGTERM" \
		"$(tr -d '\r' <"$T_TMP/pty-term.txt" | sed -n '/EXIT=143/,$p')" '(^| )icanon'
else
	fail "interactive session under SIGTERM connects"
	diag "$(cat "$T_TMP/pty-term.txt" 2>/dev/null)"
fi

check "serial hosts survived" kill -0 "$HOST_PID_raw"
exit 0
