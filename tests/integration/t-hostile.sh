# t-hostile.sh - bmctop against a BMC that misbehaves on purpose.
#
# tests/peers/hostile-bmc.py is a small IPMI v2.0 BMC (cipher suites 0-2,
# no AES) that breaks one thing per --mode and keeps the rest valid.  For
# each mode bmctop must refuse or drop the bad thing, say why in the host's
# "error", count it in the right counter, and neither crash nor hang.  The
# "good" mode comes first: it proves the fake is a correct BMC, so that each
# other mode tests what it claims to.
. "$SRCDIR/tests/lib/tap.sh"
need timeout
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"

PEER="$SRCDIR/tests/peers/hostile-bmc.py"
USER_NAME=admin
PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16)
PWFILE="$T_TMP/bmc.pw"
(umask 077 && printf '%s\n' "$PASSWORD" >"$PWFILE")
BMCTOP_LOG="$XDG_STATE_HOME/bmctop/bmctop.log"
# Far above what any mode needs with timeout 300 ms and 2 retries (about
# 0.7 s; "slow" about 2 s), far below the 30 s that would mean a hang.
HANG_MS=8000

# pyj EXPR: evaluate EXPR with d = the first host of the JSON on stdin.
pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin)[0]; $1"; }
# The host object of the last poll, flattened once into "key=value" lines
# (counters as counters.NAME, drops = the sum of dropped_*), then read by:
field() { printf '%s\n' "$FLAT" | sed -n "s/^$1=//p" | grep . || echo none; }
counter() { field "counters.$1"; }
drops() { field drops; }
flatten() {
	FLAT=$(printf '%s\n' "$OUT" | pyj '
for k, v in d.items():
    if isinstance(v, dict):
        for k2, v2 in v.items():
            print("%s.%s=%s" % (k, k2, v2))
    elif not isinstance(v, list):
        print("%s=%s" % (k, str(v).replace("\n", " ")))
print("drops=%d" % sum(v for k, v in d["counters"].items() if k.startswith("dropped_")))
' 2>/dev/null)
}

# hostile_start MODE [OPTIONS]: start the fake BMC on a free loopback port and
# wait until it listens.  Sets HB_PORT, HB_PID and HB_LOG (what it received).
hostile_start() {
	local mode=$1 attempt; shift
	HB_LOG="$T_TMP/$mode.peer.log"
	rm -f "$HB_LOG"
	for attempt in 1 2 3; do
		HB_PORT=$(free_port udp)
		rm -f "$T_TMP/ready"
		spawn /usr/bin/python3 "$PEER" --port "$HB_PORT" --mode "$mode" \
			--password-file "$PWFILE" --user "$USER_NAME" --ready-file "$T_TMP/ready" \
			--log "$HB_LOG" --max-seconds 60 "$@" </dev/null >>"$T_TMP/peer.err" 2>&1
		HB_PID=$T_LAST_PID
		wait_for 5 test -f "$T_TMP/ready" && return 0
		# The port was taken meanwhile, or the peer failed: try a new one.
		hostile_stop
	done
	diag "$(cat "$T_TMP/peer.err")"
	return 1
}

# hostile_stop: stop the fake BMC by its pid and forget the pid.
hostile_stop() {
	local p keep=""
	kill "$HB_PID" 2>/dev/null
	wait "$HB_PID" 2>/dev/null
	for p in $T_PIDS; do
		[ "$p" = "$HB_PID" ] || keep="$keep $p"
	done
	T_PIDS=$keep
}

# fleet NAME SUITE: a 0600 fleet file for host NAME on the fake BMC's port.
fleet() {
	FLEET="$T_TMP/$1.conf"
	{
		echo "[defaults]"
		echo "user = $USER_NAME"
		echo "password-file = $PWFILE"
		echo "protocol = ipmi"
		echo "cipher-suite = $2"
		echo "privilege = admin"
		echo "timeout = 300ms"
		echo "retries = 2"
		echo "console = none"
		echo "vnc = none"
		echo
		echo "[host $1]"
		echo "address = 127.0.0.1"
		echo "ipmi-port = $HB_PORT"
	} >"$FLEET"
	chmod 600 "$FLEET"
}

# poll NAME [ARGS...]: "bmctop status --json NAME" under a 30 s timeout.
# Sets OUT (stdout), ERR (stderr), RC and MS (wall time).
poll() {
	local name=$1 start; shift
	start=$(date +%s%N)
	OUT=$(timeout 30 "$BMCTOP" -c "$FLEET" status --json "$@" "$name" 2>"$T_TMP/err")
	RC=$?
	MS=$(( ($(date +%s%N) - start) / 1000000 ))
	ERR=$(cat "$T_TMP/err")
	flatten
}

# sane MODE: the checks every run gets: no crash, no hang, no sanitizer
# report, JSON on stdout, and the fake BMC still running (so what bmctop saw
# was the misbehaviour, not a dead peer).
sane() {
	check "$1: bmctop neither crashed nor hung (exit $RC after $MS ms)" \
		test "$RC" -lt 124 -a "$MS" -lt "$HANG_MS"
	unlike "$1: no sanitizer report" "$ERR" 'AddressSanitizer|runtime error|LeakSanitizer'
	check "$1: status printed JSON" test "$(field name)" != none
	check "$1: the fake BMC is still running" kill -0 "$HB_PID"
}

# run_mode MODE [PEER OPTIONS...]: start the fake in MODE, poll it once with
# cipher suite 2, stop it.  The host is called bmc-MODE.
run_mode() {
	local mode=$1; shift
	NAME="bmc-$mode"
	if ! hostile_start "$mode" "$@"; then
		fail "$mode: the fake BMC starts"
		return 1
	fi
	fleet "$NAME" 2
	poll "$NAME"
	sane "$mode"
	hostile_stop
	PEERLOG=$(cut -d' ' -f2- "$HB_LOG" 2>/dev/null)
}

# A refusal during session setup: exit 1, STATE, error matching REGEX.
refused() {
	is "$1: exits 1" "$RC" 1
	is "$1: state" "$(field state)" "$2"
	like "$1: the error names the reason" "$(field error)" "$3"
	like "$1: stderr names the host and the reason" "$ERR" "$NAME: .*$3"
}

# A request that never got a valid answer: exit 1, unreachable, COUNTER > 0,
# and an error that says the BMC answered but the answers were dropped.
dropped() {
	local mode=$1 cnt=$2 why=$3
	is "$mode: exits 1" "$RC" 1
	is "$mode: state" "$(field state)" unreachable
	check "$mode: $cnt counts the bad answers ($(counter "$cnt"))" test "$(counter "$cnt")" -gt 0
	like "$mode: the error says the BMC answered but was not believed" "$(field error)" \
		"^no valid response from the BMC at 127\.0\.0\.1 port $HB_PORT .*answered"
	like "$mode: the error names why ($why)" "$(field error)" "$why"
	check "$mode: bmctop retried before giving up ($(counter retransmits) retransmits)" \
		test "$(counter retransmits)" -ge 1
}

# good: a correct BMC.  If this fails, every other result means nothing.
run_mode good
is "good: exits 0" "$RC" 0
[ "$RC" -eq 0 ] || diag "$ERR"
is "good: state ok" "$(field state)" ok
is "good: power on" "$(field power)" on
is "good: vendor from Get Device ID" "$(field vendor)" "IANA 32473"
is "good: one session opened" "$(counter sessions_opened)" 1
is "good: no packet dropped" "$(drops)" 0
is "good: no retransmission" "$(counter retransmits)" 0
is "good: every packet answered once" "$(counter packets_received)" "$(counter packets_sent)"
is "good: no error" "$(field error)" None
like "good: the fake verified bmctop's RAKP 3" "$PEERLOG" 'rx rakp3 status=0 code=good'
unlike "good: the fake found no bad AuthCode from bmctop" "$PEERLOG" 'bad-authcode|unauthenticated|bad-message'
like "good: bmctop closed the session" "$PEERLOG" 'rx ipmi netfn=0x06 cmd=0x3c'
hostile_start good
fleet bmc-good-all 2
poll bmc-good-all --what power,sensors,events,inventory
sane good-all
hostile_stop
is "good, all parts: exits 0" "$RC" 0
is "good, all parts: the empty SEL is read" "$(printf '%s\n' "$OUT" | pyj 'print(d["events"])')" "[]"
is "good, all parts: no FRU (0xCB) leaves the inventory from Get Device ID" \
	"$(printf '%s\n' "$OUT" | pyj 'print(d["inventory"].get("bmc.manufacturer_id"))')" 32473
like "good, all parts: Get SEL Info was asked" "$(cut -d' ' -f2- "$HB_LOG")" 'netfn=0x0a cmd=0x40'
like "good, all parts: Get FRU Inventory Area Info was asked" "$(cut -d' ' -f2- "$HB_LOG")" \
	'netfn=0x0a cmd=0x10'

# An empty SDR repository is a BMC without sensors, not an error.
run_mode good --empty-sdr
is "empty SDR repository: exits 0" "$RC" 0
is "empty SDR repository: state ok" "$(field state)" ok
is "empty SDR repository: no sensors" "$(printf '%s\n' "$OUT" | pyj 'print(len(d["sensors"]))')" 0
unlike "empty SDR repository: no Get SDR for a record that is not there" "$PEERLOG" 'netfn=0x0a cmd=0x23'

# Refusals during session setup.
run_mode v15-only
refused v15-only error 'offers only IPMI v1.5'
unlike "v15-only: no Open Session was sent" "$PEERLOG" 'open-session'

run_mode wrong-algorithms
refused wrong-algorithms error 'chose algorithms we did not offer \(auth 1, integrity 2, confidentiality 0 for suite 2\)'
unlike "wrong-algorithms: no RAKP 1 was sent" "$PEERLOG" 'rakp1'

run_mode bad-rakp2
refused bad-rakp2 "authentication failed" "wrong password for user \"$USER_NAME\""
like "bad-rakp2: the fake received RAKP 1" "$PEERLOG" 'rx rakp1'
unlike "bad-rakp2: bmctop sent no RAKP 3" "$PEERLOG" 'rakp3'
is "bad-rakp2: one attempt only (auth caps, open session, RAKP 1)" "$(counter packets_sent)" 3

run_mode bad-rakp4
refused bad-rakp4 error 'RAKP 4 integrity check value is wrong'
like "bad-rakp4: bmctop's own RAKP 3 was right" "$PEERLOG" 'rx rakp3 status=0 code=good'
unlike "bad-rakp4: bmctop sent nothing in the session" "$PEERLOG" 'rx ipmi'
is "bad-rakp4: no session counted" "$(counter sessions_opened)" 0

# Answers inside the session that must be dropped.
run_mode bad-authcode
dropped bad-authcode dropped_integrity 'failed the integrity check'
like "bad-authcode: the session was set up first" "$PEERLOG" 'rx ipmi netfn=0x06 cmd=0x3b'

run_mode wrong-session-id
dropped wrong-session-id dropped_session_id 'another session ID'

run_mode old-seq
dropped old-seq dropped_sequence 'replayed or outside the sequence window'
# The first answer (in the window) opens the session; when nothing after it
# is believed, bmctop tries one new session (a rebooted BMC) and no more.
is "old-seq: the session opened, and was reopened once when it went silent" "$(counter sessions_opened)" 2

run_mode wrong-rqseq
dropped wrong-rqseq dropped_mismatch 'did not match the request'

# Bad message checksums in packets whose integrity code verifies: FreeIPMI's
# nochecksumcheck (Supermicro X9), taken and counted.
run_mode bad-checksum
is "bad-checksum: exits 0 (taken as FreeIPMI's nochecksumcheck)" "$RC" 0
is "bad-checksum: state" "$(field state)" ok
check "bad-checksum: counted as workaround fixups ($(counter workaround_fixups))" \
	test "$(counter workaround_fixups)" -gt 0

run_mode truncated
dropped truncated dropped_malformed 'malformed'

run_mode garbage
is "garbage: exits 1" "$RC" 1
is "garbage: state" "$(field state)" unreachable
check "garbage: dropped_malformed counts it ($(counter dropped_malformed))" \
	test "$(counter dropped_malformed)" -gt 0
like "garbage: the error says the answers were not believed" "$(field error)" \
	'^no valid response from the BMC .*session setup, authcap.*answered.*malformed'

# Misbehaviour the poll must survive.
run_mode replay
is "replay: exits 0" "$RC" 0
is "replay: power on" "$(field power)" on
check "replay: dropped_sequence counts the copies ($(counter dropped_sequence))" \
	test "$(counter dropped_sequence)" -gt 0
is "replay: one session" "$(counter sessions_opened)" 1

run_mode flood
is "flood: exits 0" "$RC" 0
is "flood: power on" "$(field power)" on
sent=$(counter packets_sent)
check "flood: 50 junk datagrams dropped per answer ($(drops) for $sent packets sent)" \
	test "$(drops)" -ge $((50 * sent))
for c in dropped_malformed dropped_session_id dropped_sequence; do
	check "flood: $c > 0 ($(counter $c))" test "$(counter $c)" -gt 0
done
is "flood: no retransmission was needed" "$(counter retransmits)" 0

run_mode slow --delay-ms 150
is "slow: exits 0" "$RC" 0
is "slow: power on" "$(field power)" on
is "slow: no retransmission (150 ms is inside 300 ms)" "$(counter retransmits)" 0
check "slow: the answers really were late ($MS ms for $(counter packets_received) answers)" \
	test "$MS" -ge $((150 * $(counter packets_received)))

# Cipher suites without integrity: only when the fleet file names one.
if hostile_start good --suites 1; then
	fleet bmc-suite1 1
	poll bmc-suite1
	sane suite-1
	is "suite 1 named: exits 0" "$RC" 0
	is "suite 1 named: power on" "$(field power)" on
	like "suite 1 named: the fake saw suite 1" "$(cut -d' ' -f2- "$HB_LOG")" 'open-session suite=1 '
	unlike "suite 1 named: the fake dropped nothing bmctop sent" "$(cut -d' ' -f2- "$HB_LOG")" \
		'dropped|bad-message'
	like "suite 1 named: bmctop warns there is no integrity" "$(cat "$BMCTOP_LOG" 2>/dev/null)" \
		'bmc-suite1: cipher suite 1 has no integrity protection; used because the fleet file names it'
	: >"$HB_LOG"
	fleet bmc-suite-auto auto
	poll bmc-suite-auto
	sane suite-auto
	is "suite auto on a suite-1-only BMC: exits 1" "$RC" 1
	like "suite auto: refused, naming the suite" "$(field error)" \
		'refused to open a session with cipher suite 3: no cipher suite match'
	like "suite auto: bmctop offered 17, then 3" "$(cut -d' ' -f2- "$HB_LOG" | tr '\n' ' ')" \
		'open-session suite=17 .*open-session suite=3 '
	unlike "suite auto: bmctop never offered a suite without integrity" \
		"$(cut -d' ' -f2- "$HB_LOG")" 'open-session suite=(0|1|15) '
	hostile_stop
else
	fail "suite 1: the fake BMC starts"
fi
if hostile_start good --suites 0; then
	fleet bmc-suite0 0
	poll bmc-suite0
	sane suite-0
	is "suite 0 named: exits 0" "$RC" 0
	hostile_stop
else
	fail "suite 0: the fake BMC starts"
fi

# The password is in no argv (checked above by construction), log or message.
unlike "the password is in no log or message" \
	"$(cat "$BMCTOP_LOG" "$T_TMP"/*.peer.log "$T_TMP/peer.err" 2>/dev/null)" "$PASSWORD"
