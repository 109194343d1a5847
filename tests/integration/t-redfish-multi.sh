# t-redfish-multi.sh - protocol = auto and protocol = both, with a Redfish
# test peer (tests/peers/redfish-server.py) and an ipmi_sim standing in for
# the two faces of one BMC: the same "host" with `ipmi-port =` and
# `redfish =` on different loopback ports.
. "$SRCDIR/tests/lib/tap.sh"
# One account for both peers, as on a real BMC.
REDFISH_PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16)
IPMISIM_PASSWORD=$REDFISH_PASSWORD
. "$SRCDIR/tests/lib/redfish.sh"
. "$SRCDIR/tests/lib/ipmisim.sh"
redfish_need
ipmisim_need

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

redfish_start rf dmtf-public-rackmount1 || fail "Redfish peer starts"
ipmisim_start ipmi1 || fail "ipmi_sim 1 starts"
ipmisim_start ipmi2 || fail "ipmi_sim 2 starts"
nothing=$(free_port) # a loopback port where no Redfish service listens
noipmi=$(free_port)  # and one where no BMC listens (one BMC per endpoint)

fleet="$T_TMP/multi.conf"
(umask 077 && printf '%s\n' "$REDFISH_PASSWORD" >"$fleet.pw")
cat >"$fleet" <<EOF
[defaults]
user = admin
password-file = $fleet.pw
tls = insecure
cipher-suite = 3
privilege = admin
timeout = 2s
retries = 2
vnc = none
console = none

# Redfish answers: auto goes Redfish.
[host autorf]
protocol = auto
address = 127.0.0.1
ipmi-port = $noipmi
redfish = https://127.0.0.1:$(redfish_port rf)

# Nothing answers on the Redfish URL: auto goes IPMI, and remembers.
[host autoipmi]
protocol = auto
address = 127.0.0.1
ipmi-port = $(ipmisim_port ipmi2)
redfish = https://127.0.0.1:$nothing

# Both: Redfish inventory, power and events; IPMI sensors.
[host both]
protocol = both
address = 127.0.0.1
ipmi-port = $(ipmisim_port ipmi1)
redfish = https://127.0.0.1:$(redfish_port rf)
EOF
chmod 600 "$fleet"

# auto, three sweeps in one process: decided once per host.
roots=$(redfish_stats rf requests | pyj 'print(d.get("/redfish/v1", 0))')
json=$(timeout 120 "$BMCTOP" -c "$fleet" status --sweeps 3 --what power,sensors,events --json autorf autoipmi 2>"$T_TMP/err"); rc=$?
is "auto: status exits 0" "$rc" 0
[ "$rc" = 0 ] || diag "$(cat "$T_TMP/err")"
is "auto: the host with a Redfish service is polled over Redfish" \
	"$(echo "$json" | pyj 'h=[x for x in d if x["name"]=="autorf"][0]; print(h["protocol"], h["vendor"], h["power"], len(h["events"]))')" \
	"redfish DMTF mockup on 2"
is "auto: the host without one over IPMI" \
	"$(echo "$json" | pyj 'h=[x for x in d if x["name"]=="autoipmi"][0]; print(h["protocol"], h["power"], h["error"])')" "ipmi on None"
check "auto: IPMI sensors on the IPMI host" \
	test "$(echo "$json" | pyj 'h=[x for x in d if x["name"]=="autoipmi"][0]; print(len([s for s in h["sensors"] if s["source"]=="ipmi"]))')" -gt 0
log="$XDG_STATE_HOME/bmctop/bmctop.log"
is "auto: the IPMI host was probed once in three sweeps" \
	"$(grep -c 'autoipmi: protocol auto: no Redfish service answers; using IPMI' "$log")" 1
is "auto: the Redfish host was decided once too" \
	"$(grep -c 'autorf: protocol auto: the Redfish service answers; using Redfish' "$log")" 1
# One root per sweep (it settles trust each poll); the first sweep's is the
# probe's, not read twice.
is "auto: service root GETs: one per sweep, the probe's serving the first" \
	"$(( $(redfish_stats rf requests | pyj 'print(d.get("/redfish/v1", 0))') - roots ))" 3

# Power through auto goes where the host was found (IPMI: the chassis
# control program's state changes, Redfish's does not).
"$BMCTOP" -c "$fleet" power autoipmi off >/dev/null 2>&1
is "auto: power off over IPMI" "$(ipmisim_power ipmi2)" off
"$BMCTOP" -c "$fleet" power autoipmi on >/dev/null 2>&1
is "auto: power on over IPMI" "$(ipmisim_power ipmi2)" on

# both: one host, two protocols, each value with its source.
json=$(timeout 120 "$BMCTOP" -c "$fleet" status --what power,sensors,events --json both 2>"$T_TMP/err"); rc=$?
is "both: status exits 0" "$rc" 0
[ "$rc" = 0 ] || diag "$(cat "$T_TMP/err")"
is "both: protocol both, identity from Redfish, no error" \
	"$(echo "$json" | pyj 'h=d[0]; print(h["protocol"], h["vendor"], h["model"], h["error"])')" \
	"both DMTF mockup 3500 None"
is "both: sensors from IPMI, events from Redfish" \
	"$(echo "$json" | pyj 'h=d[0]; print(sorted(set(s["source"] for s in h["sensors"])), sorted(set(e["source"] for e in h["events"])), len(h["events"]))')" \
	"['ipmi'] ['redfish'] 2"
is "both: consoles from Redfish" "$(echo "$json" | pyj 'print(d[0]["consoles"]["graphical"])')" "['KVMIP']"
ipmi_names=$(SRCDIR=$SRCDIR "$BMCTOP" -c "$fleet" status --json autoipmi 2>/dev/null | pyj 'print(sorted(s["name"] for s in d[0]["sensors"]))')
is "both: the same sensors as IPMI alone gives" \
	"$(echo "$json" | pyj 'print(sorted(s["name"] for s in d[0]["sensors"]))')" "$ipmi_names"

# both: power goes to Redfish.
out=$("$BMCTOP" -c "$fleet" power both off 2>&1); rc=$?
is "both: power off exits 0" "$rc" 0
is "both: the Redfish service says Off" "$(redfish_stats rf power_state | pyj 'print(list(d.values())[0])')" Off
is "both: ipmi_sim's chassis untouched" "$(ipmisim_power ipmi1)" on
"$BMCTOP" -c "$fleet" power both on >/dev/null 2>&1

# both with the Redfish half gone: IPMI still fills the host; the error names Redfish.
redfish_stop rf
json=$(timeout 120 "$BMCTOP" -c "$fleet" status --json both 2>"$T_TMP/err"); rc=$?
is "both, Redfish down: still exit 0 (IPMI answered)" "$rc" 0
is "both, Redfish down: protocol ipmi, power and sensors from IPMI" \
	"$(echo "$json" | pyj 'h=d[0]; print(h["protocol"], h["power"], len(h["sensors"]) > 0)')" "ipmi on True"
like "both, Redfish down: the error names the Redfish half" "$(echo "$json" | pyj 'print(d[0]["error"])')" '^redfish: '

ipmisim_stop ipmi1
ipmisim_stop ipmi2
