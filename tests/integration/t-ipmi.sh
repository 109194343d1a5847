# t-ipmi.sh - bmctop's IPMI backend against OpenIPMI's ipmi_sim, checked
# against ipmitool (the reference client) on the same simulator.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/ipmisim.sh"
ipmisim_need
need ipmitool

ipmisim_start bmc1 || { fail "ipmi_sim bmc1 starts"; exit 0; }
ipmisim_fleet "$T_TMP/fleet.conf" bmc1
F="$T_TMP/fleet.conf"

# jq-like checks with python, from JSON on stdin.
pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

json=$("$BMCTOP" -c "$F" status --json bmc1 2>"$T_TMP/err"); rc=$?
is "status exits 0" "$rc" 0
[ $rc -eq 0 ] || diag "$(cat "$T_TMP/err")"
is "status reports power on" "$(echo "$json" | pyj 'print(d[0]["power"])')" on
is "status says ipmi" "$(echo "$json" | pyj 'print(d[0]["protocol"])')" ipmi
is "all eight sensors read" "$(echo "$json" | pyj 'print(len(d[0]["sensors"]))')" 8
is "health is warning (Inlet Temp above its upper non-critical)" \
	"$(echo "$json" | pyj 'print(d[0]["health"])')" warning
is "Inlet Temp status is warning" \
	"$(echo "$json" | pyj 'print([s["status"] for s in d[0]["sensors"] if s["name"]=="Inlet Temp"][0])')" warning
is "CPU Temp status is ok" \
	"$(echo "$json" | pyj 'print([s["status"] for s in d[0]["sensors"] if s["name"]=="CPU Temp"][0])')" ok
is "12V converts with M=7, K2=-2" \
	"$(echo "$json" | pyj 'print("%.2f" % [s["value"] for s in d[0]["sensors"] if s["name"]=="12V"][0])')" 12.04
is "3.3V converts with M, B, K1, K2" \
	"$(echo "$json" | pyj 'print("%.3f" % [s["value"] for s in d[0]["sensors"] if s["name"]=="3.3V"][0])')" 3.298
is "units: C, RPM, V, W, A" \
	"$(echo "$json" | pyj 'print(",".join(sorted(set(s["unit"] for s in d[0]["sensors"]))))')" "A,C,RPM,V,W"
is "thresholds converted (FAN1 lower critical)" \
	"$(echo "$json" | pyj 'print("%.0f" % [s["thresholds"]["lower_critical"] for s in d[0]["sensors"] if s["name"]=="FAN1"][0])')" 600
is "no packet was dropped" \
	"$(echo "$json" | pyj 'c=d[0]["counters"]; print(sum(v for k,v in c.items() if k.startswith("dropped")))')" 0
is "one session opened" "$(echo "$json" | pyj 'print(d[0]["counters"]["sessions_opened"])')" 1
like "updated is an ISO time" "$(echo "$json" | pyj 'print(d[0]["updated"])')" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'
like "vendor from Get Device ID" "$(echo "$json" | pyj 'print(d[0]["vendor"])')" '.'

# Every reading equals ipmitool's for the same sensor.
ipmisim_ipmitool bmc1 sdr list >"$T_TMP/sdr.txt" 2>&1
echo "$json" | /usr/bin/python3 -c '
import json, sys, re
d = json.load(sys.stdin)[0]
ours = {s["name"]: s["value"] for s in d["sensors"]}
bad = 0; n = 0
for line in open(sys.argv[1]):
    parts = [p.strip() for p in line.split("|")]
    if len(parts) < 3: continue
    m = re.match(r"^(-?[0-9.]+)", parts[1])
    if not m: continue
    n += 1
    if parts[0] not in ours or abs(ours[parts[0]] - float(m.group(1))) > 0.006:
        print("# mismatch %s: ipmitool %s, bmctop %s" % (parts[0], m.group(1), ours.get(parts[0])))
        bad += 1
print("# compared %d sensors with ipmitool" % n)
sys.exit(1 if bad or n < 8 else 0)' "$T_TMP/sdr.txt"
is "every reading matches ipmitool sdr list" "$?" 0

# Sensors, SEL and FRU commands.
out=$("$BMCTOP" -c "$F" sensors bmc1 2>&1); rc=$?
is "sensors exits 0" "$rc" 0
like "sensors table lists FAN2 at 4980 RPM" "$out" 'FAN2 +fan +4980 +RPM +ok'
json=$("$BMCTOP" -c "$F" sel bmc1 --json 2>&1)
n_ours=$(echo "$json" | pyj 'print(len(d["events"]))')
n_ref=$(ipmisim_ipmitool bmc1 sel list 2>/dev/null | grep -c '|')
is "SEL has as many entries as ipmitool sel list" "$n_ours" "$n_ref"
like "SEL describes the threshold event" "$(echo "$json" | pyj 'print([e["message"] for e in d["events"]])')" 'Upper Non-critical going high'
is "SEL is newest first" "$(echo "$json" | pyj 'ids=[e["id"] for e in d["events"]]; print(ids == sorted(ids, reverse=True))')" True
json=$("$BMCTOP" -c "$F" fru bmc1 --json 2>&1)
is "FRU board manufacturer" "$(echo "$json" | pyj 'print(d["inventory"].get("board.manufacturer"))')" "Bmctop Labs"
is "FRU product name" "$(echo "$json" | pyj 'print(d["inventory"].get("product.name"))')" "SimServer 9000"
is "FRU product serial" "$(echo "$json" | pyj 'print(d["inventory"].get("product.serial_number"))')" "PSN0005678"
ref=$(ipmisim_ipmitool bmc1 fru print 0 2>/dev/null | sed -n 's/^ *Board Serial *: *//p')
is "FRU board serial equals ipmitool's" "$(echo "$json" | pyj 'print(d["inventory"].get("board.serial_number"))')" "$ref"

# Power: the simulator's own state changes.
out=$("$BMCTOP" -c "$F" power bmc1 off 2>&1); rc=$?
is "power off exits 0" "$rc" 0
is "the simulated host is off" "$(ipmisim_power bmc1)" off
is "bmctop power status says off" "$("$BMCTOP" -c "$F" power bmc1 status 2>&1)" "bmc1: off"
ref=$(ipmisim_ipmitool bmc1 chassis power status 2>&1)
like "ipmitool agrees it is off" "$ref" 'is off'
"$BMCTOP" -c "$F" power bmc1 on >/dev/null 2>&1
is "power on: the simulated host is on" "$(ipmisim_power bmc1)" on
"$BMCTOP" -c "$F" power bmc1 cycle >/dev/null 2>&1; rc=$?
is "power cycle exits 0" "$rc" 0
like "power cycle reached the host" "$(cat "$(ipmisim_dir bmc1)/chassis.log")" 'set power 0|cycle|set power 1'

# Boot device: set, then read back by the reference client.
out=$("$BMCTOP" -c "$F" boot bmc1 pxe 2>&1); rc=$?
is "boot pxe exits 0" "$rc" 0
like "boot pxe is read back and confirmed" "$out" 'bmc1: next boot pxe: done'
like "ipmitool reads back PXE" "$(ipmisim_ipmitool bmc1 chassis bootparam get 5 2>&1)" 'Force PXE'
out=$("$BMCTOP" -c "$F" boot bmc1 disk --persistent 2>&1); rc=$?
is "boot disk --persistent exits 0" "$rc" 0
bp=$(ipmisim_ipmitool bmc1 chassis bootparam get 5 2>&1)
like "ipmitool reads back the hard disk" "$bp" 'Force Boot from default Hard-Drive'
is "the simulated host's boot device is the disk" "$(ipmisim_boot bmc1)" default

# The SDR cache: a second run reads no SDR records.
rm -rf "$XDG_STATE_HOME/bmctop/sdr"
a=$("$BMCTOP" -c "$F" status --json bmc1 | pyj 'print(d[0]["counters"]["packets_sent"])')
b=$("$BMCTOP" -c "$F" status --json bmc1 | pyj 'print(d[0]["counters"]["packets_sent"])')
check "the SDR cache saves requests on the second run ($a then $b packets)" test "$b" -lt "$a"
cache=$(ls "$XDG_STATE_HOME"/bmctop/sdr/*.sdr 2>/dev/null | head -1)
is "the SDR cache file is 0600" "$(stat -c %a "$cache" 2>/dev/null)" 600
printf 'garbage' | dd of="$cache" bs=1 seek=40 conv=notrunc 2>/dev/null
json=$("$BMCTOP" -c "$F" status --json bmc1 2>&1)
is "a corrupt SDR cache is rebuilt: still eight sensors" "$(echo "$json" | pyj 'print(len(d[0]["sensors"]))')" 8
like "the corrupt cache is logged" "$(cat "$XDG_STATE_HOME/bmctop/bmctop.log")" 'SDR cache .* is corrupt'

# cipher-suite = auto: ipmi_sim refuses 17, so 3 is used and remembered.
sed 's/^cipher-suite = 3/cipher-suite = auto/' "$F" >"$T_TMP/auto.conf"; chmod 600 "$T_TMP/auto.conf"
rm -f "$XDG_STATE_HOME/bmctop/ipmi-cipher-suites"
out=$("$BMCTOP" -c "$T_TMP/auto.conf" power bmc1 status 2>&1); rc=$?
is "auto falls back from suite 17 to 3" "$rc:$out" "0:bmc1: on"
like "the working suite is remembered" "$(cat "$XDG_STATE_HOME/bmctop/ipmi-cipher-suites" 2>/dev/null)" '^bmc1 127\.0\.0\.1 [0-9]+ 3$'

# Wrong password: one attempt, a clear error, exit 1, no password anywhere.
printf 'not-the-password\n' >"$T_TMP/wrong.pw"; chmod 600 "$T_TMP/wrong.pw"
sed "s|^password-file = .*|password-file = $T_TMP/wrong.pw|" "$F" >"$T_TMP/wrong.conf"; chmod 600 "$T_TMP/wrong.conf"
json=$("$BMCTOP" -c "$T_TMP/wrong.conf" status --json bmc1 2>"$T_TMP/err"); rc=$?
is "wrong password exits 1" "$rc" 1
like "wrong password is named on stderr" "$(cat "$T_TMP/err")" 'bmc1: wrong password for user "admin"'
is "wrong password parks the host" "$(echo "$json" | pyj 'print(d[0]["state"])')" "authentication failed"
is "exactly one attempt: auth caps, open session, RAKP 1" "$(echo "$json" | pyj 'print(d[0]["counters"]["packets_sent"])')" 3
unlike "the password is in no message" "$(cat "$T_TMP/err" "$XDG_STATE_HOME/bmctop/bmctop.log")" "$IPMISIM_PASSWORD|not-the-password"

# Credentials too long for IPMI are refused before anything is sent.
printf '123456789012345678901\n' >"$T_TMP/long.pw"; chmod 600 "$T_TMP/long.pw"
sed "s|^password-file = .*|password-file = $T_TMP/long.pw|" "$F" >"$T_TMP/long.conf"; chmod 600 "$T_TMP/long.conf"
json=$("$BMCTOP" -c "$T_TMP/long.conf" status --json bmc1 2>"$T_TMP/err"); rc=$?
is "a 21-byte password: exit 2 before any packet" "$rc" 2
like "the refusal says why" "$(cat "$T_TMP/err")" 'longer than 20 bytes'
sed "s|^user = .*|user = a-user-name-of-17b|" "$F" >"$T_TMP/longuser.conf"; chmod 600 "$T_TMP/longuser.conf"
"$BMCTOP" -c "$T_TMP/longuser.conf" status bmc1 >/dev/null 2>"$T_TMP/err"
like "a 17-byte user name is refused" "$(cat "$T_TMP/err")" 'longer than 16 bytes'

# 30% loss both ways (51% of round trips fail): polls still complete, given
# retries for that loss (16 sends: a request fails with p = 0.51^16, 2e-5).
need_proxy=1
pport=$(free_port udp)
spawn /usr/bin/python3 "$SRCDIR/tests/peers/udp-lossy-proxy.py" --listen "$pport" \
	--target "$(ipmisim_port bmc1)" --loss 0.3 --seed 7 --max-seconds 120 \
	--stats "$T_TMP/proxy.stats" >/dev/null 2>&1
proxy=$T_LAST_PID
sleep 0.3
sed "s/^ipmi-port = .*/ipmi-port = $pport/; s/^retries = .*/retries = 16/; s/^timeout = .*/timeout = 250ms/" "$F" >"$T_TMP/lossy.conf"
chmod 600 "$T_TMP/lossy.conf"
ok_runs=0
for i in 1 2 3; do
	json=$("$BMCTOP" -c "$T_TMP/lossy.conf" status --json bmc1 2>/dev/null) &&
		[ "$(echo "$json" | pyj 'print(len(d[0]["sensors"]))')" = 8 ] && ok_runs=$((ok_runs + 1))
done
is "3 of 3 polls complete through 30% loss" "$ok_runs" 3
check "lost packets were retransmitted" test "$(echo "$json" | pyj 'print(d[0]["counters"]["retransmits"])')" -gt 0
kill "$proxy" 2>/dev/null

# Unreachable: nothing listens; unreachable within timeout x retries.
dead=$(free_port udp)
sed "s/^ipmi-port = .*/ipmi-port = $dead/; s/^timeout = .*/timeout = 300ms/; s/^retries = .*/retries = 3/" "$F" >"$T_TMP/dead.conf"
chmod 600 "$T_TMP/dead.conf"
start=$(date +%s%N)
json=$("$BMCTOP" -c "$T_TMP/dead.conf" status --json bmc1 2>"$T_TMP/err"); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "unreachable exits 1" "$rc" 1
is "unreachable state" "$(echo "$json" | pyj 'print(d[0]["state"])')" unreachable
like "the error says no response" "$(cat "$T_TMP/err")" 'bmc1: no response from the BMC at 127\.0\.0\.1 port'
check "unreachable after timeout x retries ($ms ms for 3 x 300 ms)" test "$ms" -lt 3000
check "ipmi_sim is still alive after all this" ipmisim_alive bmc1
