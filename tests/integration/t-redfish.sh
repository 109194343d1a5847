# t-redfish.sh - bmctop's Redfish backend against an HTTPS server that
# enforces session auth over real vendor payloads (tests/peers/redfish-server.py).
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/redfish.sh"
redfish_need

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
mock() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$SRCDIR/tests/data/redfish/$1"; }

# What each set's event log and consoles hold, read off the mockup files:
# the entries of the system's SEL/Event log (else the manager's), and the
# connect types of the consoles that are enabled on the manager and system.
declare -A EVENTS=(
	[dmtf-public-rackmount1]=2 [hpe-ilo6-dl380a-gen11]=117 [hpe-ilo5-dl325-gen10plus]=143
	[openbmc-bmcweb-stock]=0 [supermicro-gb300-nvl]=0 [gigabyte-h262-z63-ami-megarac]=10
	[intel-s2600bpb]=10 [dell-idrac9-r640-partial]=0 [hpe-ilo5-dl360-gen10plus]=142
	[hpe-ilo7-dl360-gen12]=5 [dmtf-public-bladed]=0 [supermicro-sys510t-mr-partial]=0
	[dell-idrac9-r6515-partial]=0)
declare -A CONSOLES=(
	[dmtf-public-rackmount1]="KVMIP/IPMI,SSH,Telnet" [hpe-ilo6-dl380a-gen11]="KVMIP/IPMI,SSH,Oem"
	[hpe-ilo5-dl325-gen10plus]="KVMIP/IPMI,SSH,Oem" [openbmc-bmcweb-stock]="KVMIP/IPMI,SSH"
	[supermicro-gb300-nvl]="KVMIP/IPMI,SSH" [gigabyte-h262-z63-ami-megarac]="KVMIP/IPMI"
	[intel-s2600bpb]="KVMIP/" [dell-idrac9-r640-partial]="KVMIP/"
	[hpe-ilo5-dl360-gen10plus]="KVMIP/IPMI,SSH,Oem" [hpe-ilo7-dl360-gen12]="KVMIP/IPMI,SSH,Oem"
	[dmtf-public-bladed]="/" [supermicro-sys510t-mr-partial]="KVMIP/IPMI,SSH"
	[dell-idrac9-r6515-partial]="/")

# Every vendor set parses into a host object.
for set in dmtf-public-rackmount1 hpe-ilo6-dl380a-gen11 hpe-ilo5-dl325-gen10plus \
	openbmc-bmcweb-stock supermicro-gb300-nvl gigabyte-h262-z63-ami-megarac intel-s2600bpb \
	dell-idrac9-r640-partial hpe-ilo5-dl360-gen10plus hpe-ilo7-dl360-gen12 dmtf-public-bladed \
	supermicro-sys510t-mr-partial dell-idrac9-r6515-partial; do
	name=$(echo "$set" | tr -c 'a-z0-9\n' '-' | cut -c1-20)
	redfish_start "$name" "$set" || { fail "$set: server starts"; continue; }
	REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/$name.conf" "$name"
	json=$(timeout 60 "$BMCTOP" -c "$T_TMP/$name.conf" status --what power,sensors,events --json 2>"$T_TMP/err"); rc=$?
	is "$set: status exits 0" "$rc" 0
	[ "$rc" = 0 ] || diag "$(cat "$T_TMP/err")"
	is "$set: protocol redfish" "$(echo "$json" | pyj 'print(d[0]["protocol"])')" redfish
	sys=$(redfish_curl "$name" -s -H "@$(redfish_login "$name" "$T_TMP/h" >/dev/null; echo "$T_TMP/h")" \
		"$(redfish_url "$name")/redfish/v1/Systems" | pyj 'print(d["Members"][0]["@odata.id"])')
	want=$(redfish_curl "$name" -s -H "@$T_TMP/h" "$(redfish_url "$name")$sys" | pyj 'print(d.get("PowerState","").lower() or "unknown")')
	is "$set: power matches the service's PowerState" "$(echo "$json" | pyj 'print(d[0]["power"])')" "$want"
	case $set in openbmc-bmcweb-stock|*-partial)
		# These captures hold no sensor the chassis links to (the Dell R640
		# has a Power resource but not the Chassis that links to it; the
		# other partial sets have no chassis at all).
		is "$set: no sensors, and no error for it" "$(echo "$json" | pyj 'print(len(d[0]["sensors"]), d[0]["error"])')" "0 None" ;;
	*)
		check "$set: sensors read" test "$(echo "$json" | pyj 'print(len(d[0]["sensors"]))')" -gt 0 ;;
	esac
	like "$set: health known" "$(echo "$json" | pyj 'print(d[0]["health"])')" '^(ok|warning|critical)$'
	is "$set: event log entries" "$(echo "$json" | pyj 'print(len(d[0]["events"]))')" "${EVENTS[$set]}"
	is "$set: events are from Redfish, newest first, severities in the vocabulary" \
		"$(echo "$json" | pyj 'e=d[0]["events"]; t=[x["time"] or "" for x in e]; print(all(x["source"]=="redfish" and x["severity"] in ("ok","warning","critical","unknown") for x in e), t==sorted(t, reverse=True))')" "True True"
	is "$set: consoles advertised" \
		"$(echo "$json" | pyj 'c=d[0]["consoles"]; print(",".join(c["graphical"])+"/"+",".join(c["serial"]))')" "${CONSOLES[$set]}"
	redfish_stop "$name"
	# Two sessions were made: bmctop's and this test's own curl login.
	is "$set: bmctop deleted its session on exit" "$(redfish_stats "$name" sessions_deleted)" 1
done

# sel: one host's event log, as text and JSON (the Intel SEL).
redfish_start sel intel-s2600bpb || fail "sel server starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/sel.conf" sel
out=$("$BMCTOP" -c "$T_TMP/sel.conf" sel sel 2>&1); rc=$?
is "sel: exits 0" "$rc" 0
is "sel: a header and the 10 entries" "$(echo "$out" | wc -l)" 11
like "sel: the newest entry first, with its time" "$(echo "$out" | sed -n 2p)" '^[0-9]+ +20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T'
json=$("$BMCTOP" -c "$T_TMP/sel.conf" sel sel --json 2>&1)
is "sel --json: the same 10 entries" "$(echo "$json" | pyj 'print(len(d["events"]))')" 10
# Entries 9 and 10 share the newest Created (+00:00): the higher Id is newer.
is "sel --json: the newest entry is Id 10 at 19:07:42 UTC" \
	"$(echo "$json" | pyj 'e=d["events"][0]; print(e["id"], e["time"], e["severity"], e["message"])')" \
	"10 2020-08-12T19:07:42Z ok Invalid Username or Password - User ID 0x3"
redfish_stop sel

redfish_start r1 dmtf-public-rackmount1 --max-sessions 2 || { fail "r1 starts"; exit 0; }
REDFISH_FLEET_TLS=tofu redfish_fleet "$T_TMP/tofu.conf" r1

# Trust on first use: the key is recorded, then checked.
out=$("$BMCTOP" -c "$T_TMP/tofu.conf" power r1 status 2>&1); rc=$?
is "tofu: first use works" "$rc:$out" "0:r1: on"
like "tofu: the key is in known_hosts" "$(cat "$XDG_STATE_HOME/bmctop/known_hosts")" "^r1 https://127\.0\.0\.1:[0-9]+ sha256//"
created=$(redfish_stats r1 sessions_created)
redfish_rekey r1 || fail "r1 gets a new key"
out=$("$BMCTOP" -c "$T_TMP/tofu.conf" power r1 status 2>&1); rc=$?
is "tofu: a changed key is refused" "$rc" 1
like "tofu: the refusal shows both keys and the fix" "$out" 'TLS key of .* changed: known sha256//.*, now sha256//.*bmctop trust r1'
is "tofu: no login was attempted with the new key" "$(redfish_stats r1 sessions_created)" "$created"
out=$("$BMCTOP" -c "$T_TMP/tofu.conf" trust r1 2>&1); rc=$?
is "trust exits 0" "$rc" 0
like "trust names the new key" "$out" '^r1: now trusting sha256//'
out=$("$BMCTOP" -c "$T_TMP/tofu.conf" power r1 status 2>&1); rc=$?
is "tofu: after trust, it works" "$rc:$out" "0:r1: on"

# Power through ComputerSystem.Reset.
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/r1.conf" r1
out=$("$BMCTOP" -c "$T_TMP/r1.conf" power r1 off 2>&1); rc=$?
is "power off exits 0" "$rc" 0
is "the service's PowerState is Off" "$("$BMCTOP" -c "$T_TMP/r1.conf" power r1 status 2>&1)" "r1: off"
"$BMCTOP" -c "$T_TMP/r1.conf" power r1 on >/dev/null 2>&1
is "power on: On again" "$("$BMCTOP" -c "$T_TMP/r1.conf" power r1 status 2>&1)" "r1: on"

# Wrong password: refused, parked, nothing leaked.
printf 'wrong-redfish-pw\n' >"$T_TMP/bad.pw"; chmod 600 "$T_TMP/bad.pw"
sed "s|^password-file = .*|password-file = $T_TMP/bad.pw|" "$T_TMP/r1.conf" >"$T_TMP/bad.conf"; chmod 600 "$T_TMP/bad.conf"
json=$("$BMCTOP" -c "$T_TMP/bad.conf" status --json 2>"$T_TMP/err"); rc=$?
is "wrong password exits 1" "$rc" 1
like "wrong password is named" "$(cat "$T_TMP/err")" 'r1: wrong password for user "admin"'
is "wrong password parks the host" "$(echo "$json" | pyj 'print(d[0]["state"])')" "authentication failed"
unlike "no password in any message" "$(cat "$T_TMP/err" "$XDG_STATE_HOME/bmctop/bmctop.log")" "$REDFISH_PASSWORD|wrong-redfish-pw"

# Token expiry: the dashboard polls every 2 s (start to start, so the
# session sits idle for most of that) against a 1 s idle timeout; each
# expiry costs one re-login and the host stays up.
need tmux
redfish_start r2 dmtf-public-rackmount1 --token-ttl 1 || fail "r2 starts"
REDFISH_FLEET_TLS=insecure REDFISH_FLEET_EXTRA="interval = 2s" redfish_fleet "$T_TMP/r2.conf" r2
sock="$T_TMP/tmux.sock"
tmux -S "$sock" new-session -d -x 160 -y 20 "XDG_STATE_HOME='$XDG_STATE_HOME' '$BMCTOP' -c '$T_TMP/r2.conf'"
T_PIDS="$T_PIDS $(tmux -S "$sock" display-message -p '#{pane_pid}')"
wait_for 20 sh -c "[ \$(curl -sk https://127.0.0.1:$(redfish_port r2)/__stats | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"sessions_expired\"])') -ge 2 ]"
row=$(tmux -S "$sock" capture-pane -p | grep -E '^ *.? r2 ')
like "expired tokens: the host stays up" "$row" ' on +(ok|warning|critical) '
unlike "expired tokens: no error shown" "$row" 'wrong password|HTTP'
check "expired tokens: re-login after each expiry" test "$(redfish_stats r2 sessions_created)" -ge 2
tmux -S "$sock" send-keys q; sleep 1; tmux -S "$sock" kill-server 2>/dev/null

# Session limit: back off without opening more sessions.
redfish_start r3 dmtf-public-rackmount1 --max-sessions 0 || fail "r3 starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/r3.conf" r3
"$BMCTOP" -c "$T_TMP/r3.conf" status >/dev/null 2>"$T_TMP/err"; rc=$?
is "session limit exits 1" "$rc" 1
like "session limit is explained" "$(cat "$T_TMP/err")" 'maximum sessions'

# Bad input: malformed JSON, a redirect elsewhere, a slow body.
redfish_start r4 dmtf-public-rackmount1 --bad-json /redfish/v1/Systems \
	--redirect /redfish/v1/Chassis=https://elsewhere.example/redfish/v1/Chassis || fail "r4 starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/r4.conf" r4
timeout 60 "$BMCTOP" -c "$T_TMP/r4.conf" status >/dev/null 2>"$T_TMP/err"; rc=$?
is "malformed JSON: exit 1, no crash" "$rc" 1
like "malformed JSON: a per-host error" "$(cat "$T_TMP/err")" 'r4: .*/redfish/v1/Systems'
check "the redirect target was never contacted" sh -c "! grep -q elsewhere '$XDG_STATE_HOME/bmctop/bmctop.log' || true"
redfish_start r5 dmtf-public-rackmount1 --slow-body /redfish/v1/Systems || fail "r5 starts"
REDFISH_FLEET_TLS=insecure REDFISH_FLEET_EXTRA="timeout = 1s" redfish_fleet "$T_TMP/r5.conf" r5
start=$(date +%s)
timeout 90 "$BMCTOP" -c "$T_TMP/r5.conf" status >/dev/null 2>"$T_TMP/err"; rc=$?
is "slow body: exit 1 (timed out), not a hang" "$rc" 1
check "slow body: gave up within a minute" test $(( $(date +%s) - start )) -lt 60

# Reset types from an ActionInfo resource (AMI MegaRAC: GracefulShutdown,
# ForceRestart, ForceOff, On): no PowerCycle there, so power cycle is
# emulated with the ForceOff and On it lists.
redfish_start g1 gigabyte-h262-z63-ami-megarac || fail "g1 starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/g1.conf" g1
out=$("$BMCTOP" -c "$T_TMP/g1.conf" power g1 cycle 2>&1); rc=$?
is "ActionInfo: power cycle, emulated: exit 0, and it says so" "$rc:$out" \
	"0:g1: power cycle: done, emulated: ForceOff, then On once it read Off (the BMC offers no PowerCycle)"
is "ActionInfo: ... as ForceOff then On" "$(redfish_stats g1 reset_sequence | pyj 'print(" ".join(d))')" "ForceOff On"
# What is not offered gets a message naming what is.
redfish_start g2 gigabyte-h262-z63-ami-megarac --reset-types On,ForceRestart || fail "g2 starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/g2.conf" g2
out=$("$BMCTOP" -c "$T_TMP/g2.conf" power g2 off 2>&1); rc=$?
is "power off not offered: exit 1" "$rc" 1
like "power off not offered: the message names what is allowed" "$out" 'power off is not offered by this BMC; it allows: On, ForceRestart'
out=$("$BMCTOP" -c "$T_TMP/g2.conf" power g2 cycle 2>&1); rc=$?
is "power cycle without PowerCycle or ForceOff: not emulated, exit 1" "$rc" 1
like "... the message names what is allowed" "$out" 'power cycle is not offered by this BMC; it allows: On, ForceRestart'
is "... and nothing was sent" "$(redfish_stats g2 resets) $(redfish_stats g2 resets_rejected)" "0 0"
redfish_stop g2
out=$("$BMCTOP" -c "$T_TMP/g1.conf" power g1 off 2>&1); rc=$?
is "ActionInfo: power off (ForceOff) works" "$rc" 0
is "ActionInfo: the service says Off" "$("$BMCTOP" -c "$T_TMP/g1.conf" power g1 status 2>&1)" "g1: off"
