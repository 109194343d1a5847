# t-ipmisim.sh - the ipmi_sim harness (tests/lib/ipmisim.sh and tests/peers/),
# proved with the reference clients only: ipmitool and FreeIPMI.  Nothing
# here uses bmctop's IPMI backend; bmctop is used only for "config check" of
# the generated fleet file.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/ipmisim.sh"
ipmisim_need
need ipmitool ipmi-sensors ipmi-sel ipmi-fru

PEERS="$SRCDIR/tests/peers"
PY=/usr/bin/python3

# --- the generator refuses what it cannot encode ----------------------------
printf 'sensor 1 "Too Hot" type=temperature units=degC m=1 value=300\n' >"$T_TMP/bad.desc"
out=$("$PY" "$PEERS/mksdr.py" "$T_TMP/bad.desc" 2>&1); rc=$?
is "mksdr.py refuses a value outside the raw range" "$rc" 2
like "mksdr.py names FILE:LINE" "$out" 'bad\.desc:1: sensor Too Hot: value 300 needs raw 300'
out=$("$PY" "$PEERS/mksdr.py" "$PEERS/bmc-default.desc" 2>&1); rc=$?
is "mksdr.py accepts the default description" "$rc" 0
is "default description has 8 SDRs" "$(printf '%s\n' "$out" | grep -c '^main_sdr_add ')" 8
# Record length byte = bytes after the 5-byte header (IPMI v2.0 table 43-1).
bad=0
while read -r _ _ b1 b2 b3 b4 len rest; do
	# shellcheck disable=SC2086 # split the record into its bytes
	set -- $b1 $b2 $b3 $b4 $len $rest
	(( len == $# - 5 && b4 == 1 && b3 == 0x51 )) || bad=$((bad + 1))
done < <(printf '%s\n' "$out" | grep '^main_sdr_add ')
is "every SDR is a v1.51 full record whose length byte matches its body" "$bad" 0

# --- one simulator, with a serial host for SOL --------------------------------
t0=$EPOCHREALTIME
ipmisim_start bmc1 --sol; rc=$?
t1=$EPOCHREALTIME
is "ipmisim_start bmc1 --sol succeeds" "$rc" 0
[ "$rc" = 0 ] || { diag "cannot go on without a simulator"; exit 0; }
diag "start took $(awk "BEGIN { printf \"%d\", ($t1 - $t0) * 1000 }") ms (with the serial host)"
port=$(ipmisim_port bmc1)
pid=$(ipmisim_pid bmc1)
dir=$(ipmisim_dir bmc1)
like "the port is a number" "$port" '^[0-9]+$'
check "ipmisim_alive after start" ipmisim_alive bmc1
check "the env file records the pid" grep -qx "PID=$pid" "$dir/env"
like "the pid is ipmi_sim's" "$(cat "/proc/$pid/comm")" '^ipmi_sim$'
unlike "the password is not in ipmi_sim's argv" "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "$IPMISIM_PASSWORD"
is "lan.conf (holding the password) is 0600" "$(stat -c %a "$dir/lan.conf")" 600
is "the password file is 0600" "$(stat -c %a "$IPMISIM_PASSWORD_FILE")" 600
diag "ipmi_sim RSS: $(awk '/^VmRSS/ { print $2, $3 }' "/proc/$pid/status")"

IT() { ipmisim_ipmitool bmc1 -N 1 -R 3 "$@" 2>&1; }

# --- SDR: names, values, units, statuses ----------------------------------------
out=$(IT sdr list)
is "sdr list shows 8 sensors" "$(printf '%s\n' "$out" | grep -c '|')" 8
like "sdr: CPU Temp 45 degrees C ok"          "$out" '^CPU Temp +\| 45 degrees C +\| ok$'
like "sdr: Inlet Temp 42 degrees C nc"        "$out" '^Inlet Temp +\| 42 degrees C +\| nc$'
like "sdr: FAN1 5400 RPM ok"                  "$out" '^FAN1 +\| 5400 RPM +\| ok$'
like "sdr: FAN2 4980 RPM ok"                  "$out" '^FAN2 +\| 4980 RPM +\| ok$'
like "sdr: 12V 12.04 Volts (M=7, K2=-2)"      "$out" '^12V +\| 12\.04 Volts +\| ok$'
like "sdr: 3.3V 3.30 Volts (M=16 B=5 K1=1 K2=-3)" "$out" '^3\.3V +\| 3\.30 Volts +\| ok$'
like "sdr: Pwr Consumption 236 Watts"         "$out" '^Pwr Consumption +\| 236 Watts +\| ok$'
like "sdr: PSU1 Current 1.20 Amps"            "$out" '^PSU1 Current +\| 1\.20 Amps +\| ok$'

out=$(IT sensor)
N='na +\| '
like "sensor: CPU Temp upper thresholds 80/90/100" "$out" "^CPU Temp +\| 45\.000 +\| degrees C +\| ok +\| ${N}${N}na +\| 80\.000 +\| 90\.000 +\| 100\.000"
like "sensor: Inlet Temp is nc with lnc 5, 38/45/50" "$out" "^Inlet Temp +\| 42\.000 +\| degrees C +\| nc +\| ${N}${N}5\.000 +\| 38\.000 +\| 45\.000 +\| 50\.000"
like "sensor: FAN1 lower thresholds 600/1200" "$out" "^FAN1 +\| 5400\.000 +\| RPM +\| ok +\| ${N}600\.000 +\| 1200\.000 +\| na"
like "sensor: 12V thresholds 10.5/11.41/12.6/13.23" "$out" "^12V +\| 12\.040 +\| Volts +\| ok +\| ${N}10\.500 +\| 11\.410 +\| 12\.600 +\| 13\.230 +\| na"
like "sensor: 3.3V reads 3.298, thresholds 2.978/3.138/3.458/3.634" "$out" "^3\.3V +\| 3\.298 +\| Volts +\| ok +\| ${N}2\.978 +\| 3\.138 +\| 3\.458 +\| 3\.634 +\| na"
like "sensor: Pwr Consumption 720/800 W" "$out" "^Pwr Consumption +\| 236\.000 +\| Watts +\| ok +\| ${N}${N}na +\| 720\.000 +\| 800\.000"

# --- power: the simulator's own truth follows the client -------------------------
is "host starts powered on" "$(ipmisim_power bmc1)" on
out=$(IT chassis power off)
like "ipmitool chassis power off" "$out" 'Chassis Power Control: Down/Off'
is "chassis-control state says off" "$(ipmisim_power bmc1)" off
like "chassis power status reports off" "$(IT chassis power status)" 'Chassis Power is off'
out=$(IT chassis power on)
like "ipmitool chassis power on" "$out" 'Chassis Power Control: Up/On'
is "chassis-control state says on" "$(ipmisim_power bmc1)" on
ipmisim_set_power bmc1 off
like "a power change behind the BMC's back shows in status" "$(IT chassis power status)" 'Chassis Power is off'
ipmisim_set_power bmc1 on
IT chassis power reset >/dev/null
is "chassis power reset reaches chassis-control" "$(cat "$dir/resets" 2>/dev/null)" 1
IT chassis bootdev pxe >/dev/null
is "chassis bootdev pxe reaches chassis-control" "$(ipmisim_boot bmc1)" pxe
like "boot parameter 5 reads back PXE" "$(IT chassis bootparam get 5)" 'Boot Device Selector : Force PXE'

# --- SEL -------------------------------------------------------------------------
out=$(IT sel elist)
is "sel has 3 entries" "$(printf '%s\n' "$out" | grep -c '^ *[0-9a-f]* |')" 3
like "sel: Inlet Temp upper non-critical asserted" "$out" 'Temperature Inlet Temp \| Upper Non-critical going high +\| Asserted \| Reading 42 > Threshold 38'
like "sel: FAN2 lower non-critical deasserted" "$out" 'Fan FAN2 \| Lower Non-critical going low +\| Deasserted'

# --- FRU -------------------------------------------------------------------------
out=$(IT fru)
like "fru: board manufacturer" "$out" 'Board Mfg +: Bmctop Labs$'
like "fru: board product"      "$out" 'Board Product +: SIM-MB-2000$'
like "fru: board serial"       "$out" 'Board Serial +: BSN0001234$'
like "fru: board part number"  "$out" 'Board Part Number +: MB-PART-42$'
like "fru: product name"       "$out" 'Product Name +: SimServer 9000$'
like "fru: product serial"     "$out" 'Product Serial +: PSN0005678$'

# --- ipmitool -f FILE works too (the other way to keep the password off argv) ----
out=$(IPMI_PASSWORD='' timeout 30 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$port" -U admin \
	-f "$IPMISIM_PASSWORD_FILE" -N 1 -R 3 chassis power status 2>&1)
like "ipmitool -f PASSWORD_FILE authenticates" "$out" 'Chassis Power is on'
out=$(IPMI_PASSWORD=wrong-password timeout 30 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$port" \
	-U admin -E -N 1 -R 1 chassis power status 2>&1)
unlike "a wrong password is refused" "$out" 'Chassis Power is'
check "the simulator survives one bad login" ipmisim_alive bmc1

# --- FreeIPMI ----------------------------------------------------------------------
ipmisim_freeipmi_conf "$T_TMP/freeipmi.conf"
mkdir -p "$T_TMP/sdr-cache" && chmod 700 "$T_TMP/sdr-cache"
FI="--config-file=$T_TMP/freeipmi.conf -h 127.0.0.1:$port -W opensesspriv --sdr-cache-directory=$T_TMP/sdr-cache"
# shellcheck disable=SC2086
out=$(timeout 60 ipmi-sensors $FI --quiet-cache --output-sensor-thresholds 2>&1); rc=$?
is "ipmi-sensors exits 0" "$rc" 0
like "ipmi-sensors: CPU Temp 45.00 C OK" "$out" "CPU Temp +\| Temperature +\| 45\.00 +\| C +\|.*'OK'"
like "ipmi-sensors: Inlet Temp at/above upper non-critical" "$out" "Inlet Temp +\| Temperature +\| 42\.00 +\| C +\| N/A +\| N/A +\| 5\.00 +\| 38\.00 +\| 45\.00 +\| 50\.00 +\| 'At or Above \(>=\) Upper Non-Critical Threshold'"
like "ipmi-sensors: FAN2 4980.00 RPM" "$out" "FAN2 +\| Fan +\| 4980\.00 +\| RPM"
like "ipmi-sensors: 12V 12.04 V" "$out" "12V +\| Voltage +\| 12\.04 +\| V +\| N/A +\| 10\.50 +\| 11\.41 +\| 12\.60 +\| 13\.23"
like "ipmi-sensors: 3.3V 3.30 V" "$out" "3\.3V +\| Voltage +\| 3\.30 +\| V"
like "ipmi-sensors: Pwr Consumption 236.00 W" "$out" "Pwr Consumption +\| Current +\| 236\.00 +\| W"
like "ipmi-sensors: PSU1 Current 1.20 A" "$out" "PSU1 Current +\| Current +\| 1\.20 +\| A"
# shellcheck disable=SC2086
out=$(timeout 60 ipmi-sel $FI 2>&1)
like "ipmi-sel: Inlet Temp event with reading and threshold" "$out" 'Inlet Temp +\| Temperature +\| Upper Non-critical - going high ; Sensor Reading = 42\.00 C ; Threshold = 38\.00 C'
# shellcheck disable=SC2086
out=$(timeout 60 ipmi-fru $FI 2>&1)
like "ipmi-fru: board manufacturer" "$out" 'FRU Board Manufacturer: Bmctop Labs'
like "ipmi-fru: product serial" "$out" 'FRU Product Serial Number: PSN0005678'

# --- 30% loss both ways -------------------------------------------------------------
lport=$(free_port udp)
spawn "$PY" "$PEERS/udp-lossy-proxy.py" --listen "$lport" --target "$port" --loss 0.3 --seed 2 \
	--stats "$T_TMP/loss.stats" --ready-file "$T_TMP/loss.ready" --max-seconds 300 2>"$T_TMP/loss.err"
proxy=$T_LAST_PID
wait_for 5 test -f "$T_TMP/loss.ready"
# Session set-up through loss is fragile with ipmitool and ipmi_sim (a lost
# RAKP reply is not answered again), so allow a few whole attempts; with
# seed 2 the first one completes.
ok_loss=""
for try in 1 2 3 4; do
	out=$(timeout 40 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$lport" -U admin -E -N 1 -R 3 \
		chassis power status 2>&1) && { ok_loss=$try; break; }
done
kill "$proxy" 2>/dev/null; wait "$proxy" 2>/dev/null
like "chassis power status completes through 30% loss" "$out" 'Chassis Power is on'
diag "through the lossy proxy after $try attempt(s): $(tr '\n' ' ' <"$T_TMP/loss.stats" 2>/dev/null)"
stats=$(cat "$T_TMP/loss.stats" 2>/dev/null)
like "the proxy dropped requests" "$stats" '^up_drop=[1-9]'
like "the proxy dropped replies" "$stats" '^down_drop=[1-9]'
"$PY" "$PEERS/udp-lossy-proxy.py" --listen "$lport" --target "$port" --target-host 10.0.0.1 \
	--max-seconds 1 >/dev/null 2>&1
is "the proxy refuses a non-loopback target" "$?" 2
check "the simulator is alive after the loss test" ipmisim_alive bmc1

# --- SOL through ipmitool on a pty -------------------------------------------------
out=$(timeout 60 "$PY" "$PEERS/pty-expect.py" --timeout 15 --transcript "$T_TMP/sol.txt" \
	'expect:SOL Session operational' 'sleep:0.5' 'send:\r' 'expect:login: ' \
	'send:admin\r' 'expect:sim\$ ' 'send:seq 5\r' 'expect:SEQ-DONE 5' 'send:\r~.' 'eof' \
	-- ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$port" -U admin -E sol activate 2>&1); rc=$?
is "ipmitool sol activate session runs to ~." "$rc" 0
[ "$rc" = 0 ] || diag "$out"
sol=$(tr -d '\r' <"$T_TMP/sol.txt" 2>/dev/null)
like "SOL shows the login prompt" "$sol" 'bmcsim login: admin'
like "SOL shows line 1 of seq 5 with its CRC" "$sol" '^line 000001 the quick brown fox jumps over the lazy dog bb1cd0f3$'
like "SOL shows line 5 of seq 5 with its CRC" "$sol" '^line 000005 the quick brown fox jumps over the lazy dog 58d77b00$'
unlike "SOL shows no line 6" "$sol" '^line 000006'
like "the serial host received the keystrokes" "$(tr '\r' '\n' <"$dir/serial.in" 2>/dev/null)" '^seq 5$'

# The serial host on its own: a plain TCP client, bigdump with its SHA-256.
out=$("$PY" - "$(ipmisim_sol_port bmc1)" <<'PY'
import hashlib, re, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
buf = b""
end = time.monotonic() + 20
def until(tok):
    global buf
    while tok not in buf and time.monotonic() < end:
        d = s.recv(65536)
        if not d:
            break
        buf += d
until(b"login: "); s.sendall(b"\x00u\r"); until(b"sim$ ")
buf = b""
s.sendall(b"bigdump 200000\r"); until(b"sim$ ")
m = re.search(rb"bigdump 200000\r\n(.*)\r\nSHA256 ([0-9a-f]{64})\r\n", buf, re.S)
if not m:
    print("no dump"); sys.exit(1)
print(len(m.group(1)), "ok" if hashlib.sha256(m.group(1)).hexdigest() == m.group(2).decode() else "bad")
buf = b""
s.sendall(b"ansi\r"); until(b"ANSI-DONE")
print("ansi", "ok" if b"\x1b[2J" in buf and b"\x1b[5;10HAT-5-10" in buf and b"\x1b[1;31m" in buf else "bad")
PY
)
like "serial host bigdump: 200000 bytes, SHA-256 matches" "$out" '^200000 ok$'
like "serial host ansi: clear, colour, cursor addressing" "$out" '^ansi ok$'

# --- fleet file ---------------------------------------------------------------------
ipmisim_start bmc2 --power off; rc=$?
is "a second simulator starts (powered off)" "$rc" 0
is "second host is off" "$(ipmisim_power bmc2)" off
like "second simulator agrees it is off" "$(ipmisim_ipmitool bmc2 chassis power status 2>&1)" 'Chassis Power is off'
ipmisim_fleet "$T_TMP/fleet.conf" bmc1 bmc2
is "fleet file is 0600" "$(stat -c %a "$T_TMP/fleet.conf")" 600
is "fleet password file is 0600" "$(stat -c %a "$T_TMP/fleet.conf.pw")" 600
unlike "fleet file does not hold the password" "$(cat "$T_TMP/fleet.conf")" "$IPMISIM_PASSWORD"
out=$("$BMCTOP" config check -c "$T_TMP/fleet.conf" 2>&1); rc=$?
is "bmctop config check accepts the generated fleet" "$rc" 0
like "the fleet has 2 hosts" "$out" 'OK, 2 hosts'
out=$("$BMCTOP" config hosts -c "$T_TMP/fleet.conf" 2>&1)
like "bmc1's port is in the fleet" "$out" "^bmc1 address=127\.0\.0\.1 .*ipmi-port=$port"

# --- several at once, and their cost ---------------------------------------------
t0=$EPOCHREALTIME
ipmisim_start_many bench 5; rc=$?
t1=$EPOCHREALTIME
is "ipmisim_start_many bench 5" "$rc" 0
ms=$(awk "BEGIN { printf \"%d\", ($t1 - $t0) * 1000 / 5 }")
diag "mean start time over 5: $ms ms"
check "mean start under 1 s" test "$ms" -lt 1000
like "bench5 answers" "$(ipmisim_ipmitool bench5 mc info 2>&1)" 'Manufacturer ID +: 4753'
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$(ipmisim_pid bench3)/status")
diag "RSS of one idle ipmi_sim: $rss kB"
check "one ipmi_sim stays under 32 MB" test "${rss:-999999}" -lt 32768
# shellcheck disable=SC2086 # a list of names
check "ipmisim_stop_many stops them" ipmisim_stop_many $IPMISIM_MANY

# --- crash detection and stop -------------------------------------------------------
bpid=$(ipmisim_pid bmc2)
kill -SEGV "$bpid"
wait_for 5 sh -c "! kill -0 $bpid 2>/dev/null || grep -q '^State:.*Z' /proc/$bpid/status"
if ipmisim_alive bmc2; then fail "ipmisim_alive notices a crashed simulator"; else ok "ipmisim_alive notices a crashed simulator"; fi
ipmisim_stop bmc2 >/dev/null

ipmisim_stop bmc1; rc=$?
is "ipmisim_stop bmc1 succeeds (port closed)" "$rc" 0
check "ipmi_sim's pid is gone" sh -c "! kill -0 $pid 2>/dev/null"
if ipmisim_alive bmc1; then fail "ipmisim_alive is false after stop"; else ok "ipmisim_alive is false after stop"; fi
hex=$(printf '%04X' "$port")
unlike "nothing is bound to the port any more" "$(cat /proc/net/udp)" ":$hex "
out=$(timeout 20 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$port" -U admin -E -N 1 -R 1 chassis power status 2>&1)
unlike "ipmitool gets no answer after stop" "$out" 'Chassis Power is'
