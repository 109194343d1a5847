# t-pyghmi.sh - bmctop's IPMI backend against pyghmi's server-side RMCP+
# (the code VirtualBMC runs), checked against ipmitool, the reference client.
#
# Two peers from tests/peers/pyghmi-bmc.py:
#   stock  pyghmi as packaged: answers every Open Session with cipher suite 3's
#          algorithms, whatever was proposed (ipmitool -C 17 refuses that).
#   s17    the same plus suite 17 (RAKP-HMAC-SHA256, HMAC-SHA256-128,
#          AES-CBC-128), done in the peer file; ipmitool -C 17 vouches for it
#          before bmctop is judged against it.
# pyghmi has no SDR (Get SDR Repository Info answers 0xc1), so polls here
# ask for power only (status --what power).
. "$SRCDIR/tests/lib/tap.sh"
need ipmitool
/usr/bin/python3 -c 'import pyghmi.ipmi.bmc' 2>/dev/null || skip_all "python3-pyghmi not installed"

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# A password of our own, in 0600 files only.
PW_FILE="$T_TMP/bmc.pw"
(umask 077 && /usr/bin/python3 -c 'import secrets; print("pg-" + secrets.token_hex(8))' >"$PW_FILE")
chmod 600 "$PW_FILE"
PW=$(cat "$PW_FILE")

# start_peer NAME SUITES: run a peer in $T_TMP/NAME on a free UDP port;
# sets P_PORT and T_LAST_PID.
start_peer() {
	local suites=$2 dir=$T_TMP/$1
	P_PORT=$(free_port udp)
	mkdir -p "$dir"
	spawn /usr/bin/python3 "$SRCDIR/tests/peers/pyghmi-bmc.py" --dir "$dir" --port "$P_PORT" \
		--user admin --password-file "$PW_FILE" --suites "$suites" --max-seconds 180 \
		>"$dir/peer.log" 2>&1
	wait_for 10 test -s "$dir/ready"
}
alive() { kill -0 "$1" 2>/dev/null; }

# fleet FILE PORT SUITE [PASSWORD-FILE]: a 0600 fleet naming host "pg".
fleet() {
	{
		echo "[defaults]"
		echo "user = admin"
		echo "password-file = ${4:-$PW_FILE}"
		echo "protocol = ipmi"
		echo "cipher-suite = $3"
		echo "privilege = admin"
		echo "timeout = 1s"
		echo "retries = 3"
		echo "vnc = none"
		echo "console = none"
		echo
		echo "[host pg]"
		echo "address = 127.0.0.1"
		echo "ipmi-port = $2"
	} >"$1"
	chmod 600 "$1"
}

# ipmitool_pg PORT SUITE ARGS...: the reference client; password via -E.
ipmitool_pg() {
	local port=$1 suite=$2; shift 2
	IPMI_PASSWORD=$PW timeout 20 ipmitool -I lanplus -H 127.0.0.1 -p "$port" -U admin -E \
		-C "$suite" "$@"
}

start_peer stock 3 || { fail "stock pyghmi peer starts"; diag "$(cat "$T_TMP/stock/peer.log")"; exit 0; }
PORT_stock=$P_PORT PID_stock=$T_LAST_PID
start_peer s17 17,3 || { fail "suite-17 pyghmi peer starts"; diag "$(cat "$T_TMP/s17/peer.log")"; exit 0; }
PORT_s17=$P_PORT PID_s17=$T_LAST_PID
ok "both pyghmi peers listen (ports $PORT_stock, $PORT_s17)"

# --- pyghmi as packaged: what it accepts -----------------------------------

like "stock pyghmi: ipmitool -C 3 opens a session" \
	"$(ipmitool_pg "$PORT_stock" 3 chassis power status 2>&1)" '^Chassis Power is on$'
like "stock pyghmi: ipmitool -C 17 refuses its suite-3 answer" \
	"$(ipmitool_pg "$PORT_stock" 17 chassis power status 2>&1)" 'Authentication algorithm 0x01 is not what we requested 0x03'

F3="$T_TMP/stock3.conf"; fleet "$F3" "$PORT_stock" 3
out=$("$BMCTOP" -c "$F3" power pg status 2>&1); rc=$?
is "stock pyghmi: bmctop suite 3 reads power" "$rc:$out" "0:pg: on"

F17s="$T_TMP/stock17.conf"; fleet "$F17s" "$PORT_stock" 17
json=$("$BMCTOP" -c "$F17s" status --what power --json pg 2>"$T_TMP/err"); rc=$?
is "stock pyghmi: bmctop suite 17 (fixed) refuses the suite-3 answer, exit 1" "$rc" 1
like "stock pyghmi: the error names the algorithms the BMC chose" "$(cat "$T_TMP/err")" \
	'pg: the BMC chose algorithms we did not offer \(auth 1, integrity 1, confidentiality 1 for suite 17\)'

# cipher-suite = auto (the default) must still reach it, through suite 3.
Fas="$T_TMP/stock-auto.conf"; fleet "$Fas" "$PORT_stock" auto
rm -f "$XDG_STATE_HOME/bmctop/ipmi-cipher-suites"
out=$("$BMCTOP" -c "$Fas" power pg status 2>&1); rc=$?
is "stock pyghmi: cipher-suite = auto falls back from 17 to 3" "$rc:$out" "0:pg: on"
like "stock pyghmi: auto remembers suite 3" \
	"$(cat "$XDG_STATE_HOME/bmctop/ipmi-cipher-suites" 2>/dev/null)" "^pg 127\\.0\\.0\\.1 $PORT_stock 3\$"
check "stock pyghmi peer is still alive" alive "$PID_stock"

# --- suite 17 ----------------------------------------------------------------

S="$T_TMP/s17"
ref=$(ipmitool_pg "$PORT_s17" 17 chassis power status 2>&1)
like "s17 peer: ipmitool -C 17 opens a session (the peer's suite 17 is sound)" "$ref" '^Chassis Power is on$'
like "s17 peer: ipmitool -C 3 still works" \
	"$(ipmitool_pg "$PORT_s17" 3 chassis power status 2>&1)" '^Chassis Power is on$'

F="$T_TMP/fleet.conf"; fleet "$F" "$PORT_s17" 17

# The full poll asks Get SDR Repository Info, which pyghmi lacks.
json=$("$BMCTOP" -c "$F" status --json pg 2>/dev/null)
diag "full poll: $(echo "$json" | pyj 'print(d[0]["state"], "-", d[0]["error"])' 2>&1)"

json=$("$BMCTOP" -c "$F" status --what power --json pg 2>"$T_TMP/err"); rc=$?
is "suite 17: status --what power exits 0" "$rc" 0
[ $rc -eq 0 ] || diag "$(cat "$T_TMP/err")"
is "suite 17: state ok" "$(echo "$json" | pyj 'print(d[0]["state"])')" ok
is "suite 17: power matches the peer's state file" \
	"$(echo "$json" | pyj 'print(d[0]["power"])')" "$(cat "$S/power")"
is "suite 17: one session opened" "$(echo "$json" | pyj 'print(d[0]["counters"]["sessions_opened"])')" 1
is "suite 17: no packet dropped" \
	"$(echo "$json" | pyj 'c=d[0]["counters"]; print(sum(v for k,v in c.items() if k.startswith("dropped")))')" 0
is "suite 17: no retransmits" "$(echo "$json" | pyj 'print(d[0]["counters"]["retransmits"])')" 0
is "suite 17: manufacturer from Get Device ID (IANA 0xA2B3)" \
	"$(echo "$json" | pyj 'print(d[0]["vendor"])')" "IANA 41651"

# Power: the peer's own state changes, and ipmitool -C 17 agrees.
out=$("$BMCTOP" -c "$F" power pg off 2>&1); rc=$?
is "suite 17: power off exits 0" "$rc" 0
is "suite 17: the host's state file says off" "$(cat "$S/power")" off
is "suite 17: the peer received chassis control off" "$(tail -1 "$S/actions" 2>/dev/null)" off
is "suite 17: bmctop power status says off" "$("$BMCTOP" -c "$F" power pg status 2>&1)" "pg: off"
like "suite 17: ipmitool -C 17 agrees it is off" "$(ipmitool_pg "$PORT_s17" 17 chassis power status 2>&1)" 'is off$'
out=$("$BMCTOP" -c "$F" power pg on 2>&1); rc=$?
is "suite 17: power on exits 0" "$rc" 0
is "suite 17: the host's state file says on" "$(cat "$S/power")" on
like "suite 17: ipmitool -C 17 agrees it is on" "$(ipmitool_pg "$PORT_s17" 17 chassis power status 2>&1)" 'is on$'
# The host changes behind the BMC's back: bmctop reads the new truth.
printf 'off\n' >"$S/power"
is "suite 17: a host turned off outside bmctop reads off" "$("$BMCTOP" -c "$F" power pg status 2>&1)" "pg: off"
printf 'on\n' >"$S/power"
"$BMCTOP" -c "$F" power pg cycle >/dev/null 2>&1; rc=$?
is "suite 17: power cycle exits 0 and reaches the peer" "$rc:$(tail -1 "$S/actions" 2>/dev/null)" "0:cycle"

# Boot device (pyghmi keeps the device, ignores persistence).
out=$("$BMCTOP" -c "$F" boot pg pxe 2>&1); rc=$?
is "suite 17: boot pxe is set and read back" "$rc:$out" "0:pg: next boot pxe: done"
is "suite 17: the peer's boot device is network" "$(cat "$S/boot")" network
like "suite 17: ipmitool -C 17 reads back PXE" "$(ipmitool_pg "$PORT_s17" 17 chassis bootparam get 5 2>&1)" 'Force PXE'

# cipher-suite = auto: 17 works, so 17 is what is remembered.
Fa="$T_TMP/auto.conf"; fleet "$Fa" "$PORT_s17" auto
rm -f "$XDG_STATE_HOME/bmctop/ipmi-cipher-suites"
out=$("$BMCTOP" -c "$Fa" power pg status 2>&1); rc=$?
is "auto: power status works" "$rc:$out" "0:pg: on"
like "auto: the remembered suite for pg is 17" \
	"$(cat "$XDG_STATE_HOME/bmctop/ipmi-cipher-suites" 2>/dev/null)" "^pg 127\\.0\\.0\\.1 $PORT_s17 17\$"

# Wrong password: RAKP 2 (HMAC-SHA256 here) does not verify.
WPW="$T_TMP/wrong.pw"
(umask 077 && printf 'not-the-password\n' >"$WPW"); chmod 600 "$WPW"
Fw="$T_TMP/wrong.conf"; fleet "$Fw" "$PORT_s17" 17 "$WPW"
json=$("$BMCTOP" -c "$Fw" status --what power --json pg 2>"$T_TMP/err"); rc=$?
is "wrong password exits 1" "$rc" 1
like "wrong password is named in the error" "$(echo "$json" | pyj 'print(d[0]["error"])')" 'wrong password for user "admin"'
is "wrong password: state authentication failed" "$(echo "$json" | pyj 'print(d[0]["state"])')" "authentication failed"
is "wrong password: one attempt (auth caps, open session, RAKP 1)" \
	"$(echo "$json" | pyj 'print(d[0]["counters"]["packets_sent"])')" 3
unlike "no password in any message or log" \
	"$(cat "$T_TMP/err" "$XDG_STATE_HOME/bmctop/bmctop.log" 2>/dev/null)" "$PW|not-the-password"

check "s17 peer is still alive" alive "$PID_s17"
