# t-bmcsim.sh - bmcsim, the project's BMC simulator, against the real
# clients: ipmitool (suites 3 and 17: sdr, chassis power and boot device, SEL,
# FRU, SOL), FreeIPMI (ipmi-sensors, ipmi-chassis, ipmiconsole) and bmctop
# itself, then its faults: dead BMCs, refused logins, packet loss, reboots,
# drift, and hostile packets.  Every number a client prints is compared with
# bmcsim's own model (--dump), so both sides are checked.
. "$SRCDIR/tests/lib/tap.sh"
need ipmitool timeout
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || { fail "bmcsim is built at $BMCSIM"; exit 0; }
PEERS="$SRCDIR/tests/peers"

PW=$(tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16)
PWF="$T_TMP/password"
(umask 077 && printf '%s\n' "$PW" >"$PWF")
export IPMI_PASSWORD="$PW"

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# low_ports N: a base port below 32768 with N free UDP ports after it on
# 127.0.0.1 (ipmiconsole 1.6 reads ports above 32767 as negative).
low_ports() {
	/usr/bin/python3 - "$1" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
for _ in range(200):
    base = random.randrange(20000, 32768 - n)
    socks = []
    try:
        for p in range(base, base + n):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            socks.append(s)
            s.bind(("127.0.0.1", p))
        print(base)
        sys.exit(0)
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
sys.exit(1)
PY
}

# sim_start NAME ARGS...: bmcsim with files $T_TMP/NAME.{ready,conf,json,err};
# sets SIM_PID.  The model dump is rewritten on SIGUSR1 (sim_dump).
sim_start() {
	local name=$1; shift
	rm -f "$T_TMP/$name.ready"
	spawn "$BMCSIM" --password-file "$PWF" --fleet-out "$T_TMP/$name.conf" \
		--ready-file "$T_TMP/$name.ready" --dump "$T_TMP/$name.json" --max-seconds 900 \
		"$@" 2>"$T_TMP/$name.err"
	SIM_PID=$T_LAST_PID
	wait_for 60 test -f "$T_TMP/$name.ready" || {
		diag "$(cat "$T_TMP/$name.err")"
		return 1
	}
}

# sim_dump NAME PID: a fresh model dump (bmcsim rewrites it on SIGUSR1).
sim_dump() {
	local f="$T_TMP/$1.json"
	rm -f "$f"
	kill -USR1 "$2"
	wait_for 20 test -s "$f"
}

sim_port() { env_get "$T_TMP/$1.ready" FIRST_PORT; }

it() { timeout 60 ipmitool -I lanplus -C "$1" -H 127.0.0.1 -p "$2" -U admin -E "${@:3}"; }

# Compare "NAME | VALUE ..." lines (ipmitool sdr list, ipmi-sensors) with a
# dump's sensors of one BMC; within the printed precision.
compare_readings() {
	/usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import json, re, sys
dump = json.load(open(sys.argv[1]))
bmc = [b for b in dump if b["name"] == sys.argv[2]][0]
# Discrete sensors have states, not readings: compared elsewhere.
model = {s["name"]: s["value"] for s in bmc["sensors"] if s["unit"]}
n = bad = 0
for line in open(sys.argv[3]):
    parts = [p.strip() for p in line.split("|")]
    names = [i for i, p in enumerate(parts) if p in model]
    if not names:
        continue
    i = names[0]
    m = None
    for p in parts[i + 1:]:
        m = re.match(r"^(-?[0-9]+(\.[0-9]+)?)( |$)", p)
        if m:
            break
    if not m:
        continue
    n += 1
    if abs(float(m.group(1)) - model[parts[i]]) > 0.006:
        print("# %s: client %s, model %s" % (parts[i], m.group(1), model[parts[i]]))
        bad += 1
print("# compared %d readings" % n)
sys.exit(1 if bad or n < 9 else 0)
PY
}

# --- Three BMCs, frozen model, ports below 32768 --------------------------
base=$(low_ports 3) || { fail "found three free low UDP ports"; exit 0; }
sim_start main --count 3 --port "$base" --tick 0 --seed 7 ||
	{ fail "bmcsim starts (3 BMCs)"; exit 0; }
ok "bmcsim starts and writes its ready file"
P=$(sim_port main)
is "first BMC on the port asked for" "$P" "$base"
is "fleet file is private" "$(stat -c %a "$T_TMP/main.conf")" 600
unlike "no password in bmcsim's argv" "$(tr '\0' ' ' </proc/$SIM_PID/cmdline)" "$PW"
like "fleet file names the password file" "$(cat "$T_TMP/main.conf")" "password-file = $PWF"
like "fleet file is one range for ordered ports" "$(cat "$T_TMP/main.conf")" \
	"ipmi-port = \[$base-$((base + 2))\]"

it 3 "$P" sdr list >"$T_TMP/sdr3.txt" 2>&1
check "ipmitool -C 3 sdr list equals the model" compare_readings "$T_TMP/main.json" bmc01 "$T_TMP/sdr3.txt"
it 17 "$P" sdr list >"$T_TMP/sdr17.txt" 2>&1
check "ipmitool -C 17 sdr list equals the model" compare_readings "$T_TMP/main.json" bmc01 "$T_TMP/sdr17.txt"
like "discrete PSU sensor listed" "$(cat "$T_TMP/sdr3.txt")" 'PSU1 Status +\| 0x0[13]'

json=$("$BMCTOP" -c "$T_TMP/main.conf" status --json 2>"$T_TMP/err"); rc=$?
is "bmctop status exits 0" "$rc" 0
[ $rc -eq 0 ] || diag "$(cat "$T_TMP/err")"
echo "$json" | /usr/bin/python3 -c '
import json, sys
st = json.load(sys.stdin)
dump = {b["name"]: b for b in json.load(open(sys.argv[1]))}
bad = 0
for h in st:
    b = dump[h["name"]]
    model = {s["name"]: (s["value"], s["status"]) for s in b["sensors"]}
    ours = {s["name"]: (s["value"], s["status"]) for s in h["sensors"]}
    for k, (v, status) in model.items():
        got = ours.get(k)
        # A discrete sensor has no numeric value, only its status.
        if got is None or got[1] != status or (got[0] is not None and abs(got[0] - v) > 1e-6):
            print("# %s %s: bmctop %s, model %s" % (h["name"], k, got, (v, status)))
            bad += 1
    if h["power"] != b["power"] or h["health"] != b["health"]:
        print("# %s: power/health %s/%s, model %s/%s" % (h["name"], h["power"], h["health"], b["power"], b["health"]))
        bad += 1
print("# %d hosts compared" % len(st))
sys.exit(1 if bad or len(st) != 3 else 0)' "$T_TMP/main.json"
is "bmctop sees every reading, status, power and health of the model" "$?" 0

# Chassis power: each change is seen by a second query, and logged.
sel_before=$(it 3 "$P" sel list 2>/dev/null | grep -c '|')
it 3 "$P" chassis power off >/dev/null 2>&1
is "power off, then status says off" "$(it 3 "$P" chassis power status 2>&1)" "Chassis Power is off"
is "bmctop agrees: off" "$("$BMCTOP" -c "$T_TMP/main.conf" status --json bmc01 2>/dev/null | pyj 'print(d[0]["power"])')" off
it 17 "$P" chassis power on >/dev/null 2>&1
is "power on (suite 17), then on" "$(it 17 "$P" chassis power status 2>&1)" "Chassis Power is on"
it 3 "$P" chassis power cycle >/dev/null 2>&1
is "power cycle leaves it on" "$(it 3 "$P" chassis power status 2>&1)" "Chassis Power is on"
sel_after=$(it 3 "$P" sel list 2>/dev/null | grep -c '|')
is "off, on and cycle each logged a SEL entry" "$sel_after" "$((sel_before + 3))"
sim_dump main "$SIM_PID"
is "sel list count equals the model's" "$sel_after" \
	"$(pyj 'print([b["sel_entries"] for b in d if b["name"]=="bmc01"][0])' <"$T_TMP/main.json")"

it 3 "$P" chassis bootdev pxe >/dev/null 2>&1
like "bootdev pxe read back" "$(it 3 "$P" chassis bootparam get 5 2>&1)" 'Boot Device Selector : Force PXE'
sim_dump main "$SIM_PID"
is "model boot device is PXE (1)" \
	"$(pyj 'print([b["boot_device"] for b in d if b["name"]=="bmc01"][0])' <"$T_TMP/main.json")" 1
out=$("$BMCTOP" -c "$T_TMP/main.conf" boot bmc02 bios 2>&1); rc=$?
is "bmctop boot bios exits 0" "$rc" 0
like "ipmitool reads bmctop's boot device" "$(it 17 "$((P + 1))" chassis bootparam get 5 2>&1)" 'Force Boot into BIOS Setup'

fru=$(it 3 "$P" fru print 0 2>&1)
like "fru print: board manufacturer" "$fru" 'Board Mfg +: Bmctop Labs'
like "fru print: product serial" "$fru" 'Product Serial +: PSN000001'
like "fru print: asset tag" "$fru" 'Product Asset Tag +: ASSET-000001'
is "bmctop reads the same product serial" \
	"$("$BMCTOP" -c "$T_TMP/main.conf" fru bmc01 --json 2>/dev/null | pyj 'print(d["inventory"].get("product.serial_number"))')" PSN000001

# FreeIPMI, with its own config file (no password in argv).
if command -v ipmi-sensors >/dev/null 2>&1; then
	(umask 077 && printf 'username admin\npassword %s\n' "$PW" >"$T_TMP/freeipmi.conf")
	mkdir -m 700 "$T_TMP/sdrcache"
	timeout 60 ipmi-sensors -D LAN_2_0 -I 17 --config-file "$T_TMP/freeipmi.conf" \
		-h "127.0.0.1:$P" --sdr-cache-directory "$T_TMP/sdrcache" >"$T_TMP/fi.txt" 2>&1
	check "FreeIPMI ipmi-sensors equals the model" compare_readings "$T_TMP/main.json" bmc01 "$T_TMP/fi.txt"
	like "ipmi-chassis reads power on" \
		"$(timeout 60 ipmi-chassis -D LAN_2_0 -I 3 --config-file "$T_TMP/freeipmi.conf" -h "127.0.0.1:$P" --get-chassis-status 2>&1)" \
		'System Power +: on'
else
	fail "FreeIPMI ipmi-sensors installed (freeipmi-tools)"
fi

# SOL with ipmitool (needs a pty): login prompt, echo, a command's output.
timeout 90 /usr/bin/python3 "$PEERS/pty-expect.py" --timeout 20 --transcript "$T_TMP/sol1.txt" \
	'expect:login:' 'send:root\r' 'expect:Password:' 'send:secret\r' 'expect:# ' \
	'send:echo sol-hello\r' 'expect:sol-hello\r\nroot@' 'send:seq 500\r' 'expect:\r\n500\r\n' \
	'send:exit\r' 'expect:login:' 'send:~.' 'eof' -- \
	ipmitool -I lanplus -C 17 -H 127.0.0.1 -p "$P" -U admin -E sol activate >"$T_TMP/sol1.err" 2>&1
rc=$?
is "ipmitool sol activate: login, echo, seq 500, exit" "$rc" 0
[ $rc -eq 0 ] || diag "$(tail -c 600 "$T_TMP/sol1.txt"; cat "$T_TMP/sol1.err")"

# A second activation while one is open: "payload already active".
timeout 90 /usr/bin/python3 "$PEERS/pty-expect.py" --timeout 20 'expect:login:' 'sleep:6' 'send:~.' 'eof' -- \
	ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$P" -U admin -E sol activate >/dev/null 2>&1 &
holder=$!
wait_for 20 sh -c "kill -USR1 $SIM_PID; grep -q 'SOL activations [1-9]' '$T_TMP/main.err' && \
	[ \$(grep -o 'SOL activations [0-9]*' '$T_TMP/main.err' | tail -1 | cut -d' ' -f3) -ge 2 ]"
out=$(timeout 60 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$P" -U admin -E sol activate 2>&1 </dev/null)
like "second activation: payload already active" "$out" 'already active'
wait "$holder"
is "the first SOL session ended cleanly" "$?" 0

# bmctop's own SOL against bmcsim: 100 KB of output arrive whole (bigdump's
# SHA-256 line checks every byte).
{ printf '\r'; sleep 1; printf 'root\r'; sleep 0.5; printf 'x\r'; sleep 0.5
  printf 'bigdump 100000\r'; sleep 4; printf 'exit\r'; sleep 0.5; } |
	timeout 60 "$BMCTOP" -c "$T_TMP/main.conf" sol bmc01 --idle 2000 >"$T_TMP/dump.out" 2>"$T_TMP/dump.err"
dump_ok=$(/usr/bin/python3 - "$T_TMP/dump.out" <<'PY'
import hashlib, re, sys
d = open(sys.argv[1], "rb").read()
i = d.find(b"bigdump 100000\r\n")
m = re.search(rb"\r\nSHA256 ([0-9a-f]{64})\r\n", d[i:]) if i >= 0 else None
if not m:
    print("no bigdump output"); sys.exit()
body = d[i + len(b"bigdump 100000\r\n"):i + m.start()]
print("intact" if len(body) == 100000 and hashlib.sha256(body).hexdigest() == m.group(1).decode()
      else "got %d bytes, hash %s" % (len(body), "ok" if hashlib.sha256(body).hexdigest() == m.group(1).decode() else "wrong"))
PY
)
is "bmctop sol: 100 KB from bmcsim's console arrive intact" "$dump_ok" intact

if command -v ipmiconsole >/dev/null 2>&1; then
	timeout 90 /usr/bin/python3 "$PEERS/pty-expect.py" --timeout 20 --transcript "$T_TMP/sol2.txt" \
		'send:\r' 'expect:login:' 'send:root\r' 'expect:Password:' 'send:x\r' 'expect:# ' \
		'send:uname -a\r' 'expect:Linux bmc01 ' 'send:exit\r' 'expect:login:' 'send:&.' 'eof' -- \
		ipmiconsole -I 17 --config-file "$T_TMP/freeipmi.conf" -h "127.0.0.1:$P" >/dev/null 2>&1
	rc=$?
	is "FreeIPMI ipmiconsole: login prompt, echoed command" "$rc" 0
	[ $rc -eq 0 ] || diag "$(tail -c 600 "$T_TMP/sol2.txt")"
else
	fail "FreeIPMI ipmiconsole installed (freeipmi-tools)"
fi

# Hostile packets: garbage of every length, a bad session, an ASF ping.
/usr/bin/python3 - "$P" >"$T_TMP/hostile.txt" 2>&1 <<'PY'
import os, socket, struct, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for n in range(0, 200, 3):
    s.sendto(os.urandom(n), ("127.0.0.1", port))
    s.sendto(b"\x06\x00\xff\x07\x06" + os.urandom(n), ("127.0.0.1", port))
    s.sendto(b"\x06\x00\xff\x07\x00" + os.urandom(n), ("127.0.0.1", port))
# An RMCP+ packet for a session that does not exist, claiming integrity.
s.sendto(b"\x06\x00\xff\x07\x06\xc0\x01\x02\x03\x04\x01\x00\x00\x00\x10\x00" + bytes(40), ("127.0.0.1", port))
# ASF Presence Ping: the Pong must say IPMI is supported.
s.sendto(b"\x06\x00\xff\x06\x00\x00\x11\xbe\x80\x42\x00\x00", ("127.0.0.1", port))
while True:
    d, _ = s.recvfrom(2048)
    if d[3] == 0x06:
        break
ok = len(d) == 28 and d[8] == 0x40 and d[9] == 0x42 and d[20] & 0x80
print("pong" if ok else "bad pong %r" % d)
PY
like "ASF ping answered with a pong saying IPMI" "$(cat "$T_TMP/hostile.txt")" '^pong'
is "bmcsim alive and answering after garbage" "$(it 3 "$P" chassis power status 2>&1)" "Chassis Power is on"

kill -TERM "$SIM_PID"
wait "$SIM_PID"
is "SIGTERM: bmcsim exits 0" "$?" 0
like "prints a summary on exit" "$(cat "$T_TMP/main.err")" 'bmcsim: 3 BMCs .*packets: [0-9]+ received'
unlike "the password never reaches its output" "$(cat "$T_TMP/main.err")" "$PW"

# --- A hundred BMCs: bmctop sees all of them ---------------------------------
sim_start fleet100 --count 100 --tick 0 || { fail "bmcsim starts (100 BMCs)"; exit 0; }
json=$("$BMCTOP" -c "$T_TMP/fleet100.conf" status --json 2>"$T_TMP/err"); rc=$?
is "status over 100 BMCs exits 0" "$rc" 0
is "all 100 reachable, powered on, with 10 sensors" \
	"$(echo "$json" | pyj 'print(sum(1 for h in d if h["reachable"] and h["power"]=="on" and len(h["sensors"])==10))')" 100
sim_dump fleet100 "$SIM_PID"
is "health of each host as the model says" \
	"$(echo "$json" | /usr/bin/python3 -c '
import json, sys
st = {h["name"]: h["health"] for h in json.load(sys.stdin)}
m = {b["name"]: b["health"] for b in json.load(open(sys.argv[1]))}
print(sum(1 for k in m if st.get(k) == m[k]))' "$T_TMP/fleet100.json")" 100
kill "$SIM_PID"

# --- Dead BMCs, refused logins -----------------------------------------------
sim_start faults --count 20 --dead 50 --authfail 20 --tick 0 || { fail "bmcsim starts (faults)"; exit 0; }
sed -i 's/^\[defaults\]$/[defaults]\ntimeout = 300ms\nretries = 1\ninterval = 1s/' "$T_TMP/faults.conf"
json=$("$BMCTOP" -c "$T_TMP/faults.conf" status --json 2>"$T_TMP/err"); rc=$?
is "status with faults exits 1 (some hosts failed)" "$rc" 1
is "--dead 50: half of 20 unreachable" \
	"$(echo "$json" | pyj 'print(sum(1 for h in d if not h["reachable"] and "no response" in (h["error"] or "")))')" 10
is "--authfail 20: two of the ten live BMCs refuse the login" \
	"$(echo "$json" | pyj 'print(sum(1 for h in d if h["state"]=="authentication failed"))')" 2
like "refused as an unknown user name" "$(cat "$T_TMP/err")" 'rejected user "admin".*unauthorized name'
like "refused as a wrong password (RAKP 2 HMAC mismatch)" "$(cat "$T_TMP/err")" 'wrong password for user "admin"'
# Watching: the parked hosts get no second login attempt.
sim_dump faults "$SIM_PID"
before=$(pyj 'print(",".join(str(b["logins"]) for b in d if b["authfail"]))' <"$T_TMP/faults.json")
"$BMCTOP" -c "$T_TMP/faults.conf" status --watch 4 >/dev/null 2>&1
sim_dump faults "$SIM_PID"
after=$(pyj 'print(",".join(str(b["logins"]) for b in d if b["authfail"]))' <"$T_TMP/faults.json")
# The unknown-user BMC also got bmctop's one intel20 probe (the name padded
# to 16 bytes), made once per host, ever: 2 then 3.
is "refused BMCs saw one login each per run (and one intel20 probe, ever), none from retries" \
	"$before / $after" "2,1 / 3,2"
kill "$SIM_PID"

# --- Packet loss: retries carry every host -----------------------------------
sim_start lossy --count 4 --loss 0.2 --tick 0 || { fail "bmcsim starts (loss)"; exit 0; }
sed -i 's/^\[defaults\]$/[defaults]\ntimeout = 500ms\nretries = 8/' "$T_TMP/lossy.conf"
json=$("$BMCTOP" -c "$T_TMP/lossy.conf" status --json 2>"$T_TMP/err"); rc=$?
is "--loss 0.2: status exits 0" "$rc" 0
is "--loss 0.2: all four hosts read in full" \
	"$(echo "$json" | pyj 'print(sum(1 for h in d if h["reachable"] and len(h["sensors"])==10))')" 4
like "--loss 0.2: retransmissions were needed" \
	"$(echo "$json" | pyj 'print(sum(h["counters"]["retransmits"] for h in d))')" '^[1-9]'
kill "$SIM_PID"

# Retransmission on the round-trip estimate: once a session has measured its
# BMC, a lost read costs half a second (doubling on each retry), not the 4 s
# timeout.  Sweeps 2 to 4 (about 36 round trips per host, more than a
# quarter of them lost) take about 12 s so; on the fixed timeout, about 55 s.
sim_start rto --count 2 --loss 0.15 --tick 0 || { fail "bmcsim starts (rto)"; exit 0; }
sed -i 's/^\[defaults\]$/[defaults]\ntimeout = 4s\nretries = 8/' "$T_TMP/rto.conf"
json=$("$BMCTOP" -c "$T_TMP/rto.conf" status --sweeps 4 --json 2>"$T_TMP/err"); rc=$?
is "--loss 0.15, 4 sweeps: status exits 0" "$rc" 0
is "--loss 0.15: every sweep read both hosts" "$(grep -c '^sweep [1-4]: 2 hosts, 0 failed' "$T_TMP/err")" 4
retx=$(echo "$json" | pyj 'print(sum(h["counters"]["retransmits"] for h in d))')
like "--loss 0.15: packets were lost and retransmitted" "$retx" '^([6-9]|[1-9][0-9]+)$'
later=$(awk '/^sweep [234]:/ { t += $(NF-1) } END { printf "%.1f", t }' "$T_TMP/err")
check "--loss 0.15: sweeps 2-4 took ${later} s with $retx retransmissions (under 30 s: retries on the estimate, not the 4 s timeout)" \
	awk -v t="$later" 'BEGIN { exit !(t < 30) }'
kill "$SIM_PID"

# --- Latency and jitter: every reply is held back ---------------------------
# A second sweep on open sessions is a dozen round trips per host (chassis,
# SDR repository info, ten readings), each at least --latency: the sweep
# cannot be quicker than that, however fast the machine.
sim_start slow --count 3 --latency 60 --jitter 40 --tick 0 || { fail "bmcsim starts (latency)"; exit 0; }
json=$("$BMCTOP" -c "$T_TMP/slow.conf" status --sweeps 2 --json 2>"$T_TMP/err"); rc=$?
is "--latency 60 --jitter 40: status exits 0" "$rc" 0
is "--latency 60 --jitter 40: all three hosts read in full" \
	"$(echo "$json" | pyj 'print(sum(1 for h in d if h["reachable"] and len(h["sensors"])==10))')" 3
t2=$(awk '/^sweep 2:/ { print $(NF-1) }' "$T_TMP/err")
check "--latency 60: the second sweep took ${t2:-?} s, at least 12 delayed round trips (0.72 s)" \
	awk -v t="${t2:-0}" 'BEGIN { exit !(t >= 0.72) }'
kill "$SIM_PID"

# --- Drift, threshold crossings, reboots -------------------------------------
sim_start live --count 20 --tick 100 --speed 200 --reboot-every 3 --seed 3 ||
	{ fail "bmcsim starts (live model)"; exit 0; }
sim_dump live "$SIM_PID"
cp "$T_TMP/live.json" "$T_TMP/live0.json"
sleep 5
sim_dump live "$SIM_PID"
/usr/bin/python3 - "$T_TMP/live0.json" "$T_TMP/live.json" >"$T_TMP/drift.txt" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
moved = sum(1 for x, y in zip(a, b) for s, t in zip(x["sensors"], y["sensors"]) if s["value"] != t["value"])
grew = sum(y["sel_entries"] - x["sel_entries"] for x, y in zip(a, b))
reboots = min(y["boot_epoch"] for y in b)
print(moved, grew, reboots)
PY
read -r moved grew reboots <"$T_TMP/drift.txt"
like "readings drift" "$moved" '^[1-9]'
like "threshold crossings add SEL entries" "$grew" '^[1-9]'
like "every BMC rebooted at least once" "$reboots" '^[1-9]'
kill "$SIM_PID"

# After a BMC reboot its old sessions are gone; a new login works.
sim_start reboots --count 10 --tick 100 --reboot-every 6 || { fail "bmcsim starts (reboots)"; exit 0; }
rebooted() {
	sim_dump reboots "$SIM_PID" &&
		[ "$(pyj 'print(min(b["boot_epoch"] for b in d))' <"$T_TMP/reboots.json")" -ge 1 ]
}
check "every BMC reboots within its period" wait_for 30 rebooted
json=$("$BMCTOP" -c "$T_TMP/reboots.conf" status --json 2>"$T_TMP/err")
like "bmctop logs in again after the reboots" \
	"$(echo "$json" | pyj 'print(sum(1 for h in d if h["reachable"]))')" '^(8|9|10)$'
kill "$SIM_PID"

# A BMC that reboots in the middle of a poll forgets the session: bmctop
# opens a new one and the poll still succeeds, instead of failing it.
sim_start midpoll --count 6 --tick 100 --reboot-every 3 || { fail "bmcsim starts (midpoll)"; exit 0; }
sed -i 's/^\[defaults\]$/[defaults]\ninterval = 1s\ntimeout = 1s\nretries = 2/' "$T_TMP/midpoll.conf"
json=$(timeout 120 "$BMCTOP" -c "$T_TMP/midpoll.conf" status --watch 12 --json 2>"$T_TMP/err")
is "polls across reboots: none failed" \
	"$(echo "$json" | pyj 'print(sum(h["counters"]["poll_failures"] for h in d))')" 0
like "and sessions were opened again" \
	"$(echo "$json" | pyj 'print(sum(h["counters"]["sessions_opened"] for h in d) - len(d))')" '^[1-9]'
kill "$SIM_PID"

# --- Bad options are refused clearly ------------------------------------------
chmod 644 "$PWF"
out=$("$BMCSIM" --password-file "$PWF" --count 1 2>&1); rc=$?
is "a readable password file is refused" "$rc" 2
like "and the fix is named" "$out" 'chmod 600'
chmod 600 "$PWF"
out=$("$BMCSIM" --password-file "$PWF" --address 10.0.0.1 2>&1)
like "a non-loopback address is refused" "$out" 'loopback'
out=$("$BMCSIM" --password-file "$PWF" --count 10001 2>&1)
like "more than 10000 BMCs refused" "$out" '--count'
exit 0
