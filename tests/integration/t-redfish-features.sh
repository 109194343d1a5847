# t-redfish-features.sh - the Redfish backend's finer behaviour against the
# test peer (tests/peers/redfish-server.py): $expand and the member GETs it
# falls back to (never more than two requests in flight), the newer
# ThermalSubsystem/PowerSubsystem schema, event logs served in pages, boot
# override through a Boot PATCH, and Basic auth for a service without
# sessions.  Request counts come from the peer's own statistics.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/redfish.sh"
redfish_need

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
# sensors_of FILE: the host's sensors as sorted "name=value unit status" lines.
sensors_of() {
	pyj 'print("\n".join(sorted("%s=%s %s %s" % (s["name"], s["value"], s["unit"], s["status"]) for s in d[0]["sensors"])))' <"$1"
}
# requests NAME PREFIX: requests the peer answered for paths under PREFIX/.
requests() {
	redfish_stats "$1" requests | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(v for k, v in d.items() if k.startswith(sys.argv[1] + "/")))' "$2"
}
S=dmtf-public-rackmount1
MEMBERS=$(/usr/bin/python3 -c '
import json, sys
print(len(json.load(open(sys.argv[1]))["Members"]))' "$REDFISH_DATA/$S/redfish/v1/Chassis/1U/Sensors/index.json")

# $expand: the service root offers it, so the Sensors collection comes with
# its members; a service that ignores it gets the member GETs instead, two
# at a time.  Both ways give the same sensors.
redfish_start ex "$S" --delay-ms 50 || fail "ex starts"
redfish_start noex "$S" --delay-ms 50 --ignore-expand || fail "noex starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/ex.conf" ex
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/noex.conf" noex
"$BMCTOP" -c "$T_TMP/ex.conf" status --json >"$T_TMP/ex.json" 2>"$T_TMP/err"
is "expand: status exits 0" "$?" 0
"$BMCTOP" -c "$T_TMP/noex.conf" status --json >"$T_TMP/noex.json" 2>"$T_TMP/err"
is "expand ignored: status exits 0" "$?" 0
check "expand: the mockup's $MEMBERS Sensors members give sensors" \
	test "$(sensors_of "$T_TMP/ex.json" | wc -l)" -gt 20
is "expand ignored: the same sensors, values and statuses" \
	"$(sensors_of "$T_TMP/noex.json")" "$(sensors_of "$T_TMP/ex.json")"
check "expand: the peer expanded a collection" test "$(redfish_stats ex expands)" -ge 1
is "expand: no Sensor member was fetched on its own" "$(requests ex /redfish/v1/Chassis/1U/Sensors)" 0
check "expand ignored: the peer saw the \$expand and ignored it" test "$(redfish_stats noex expands_ignored)" -ge 1
is "expand ignored: each of the $MEMBERS members fetched once" \
	"$(requests noex /redfish/v1/Chassis/1U/Sensors)" "$MEMBERS"
is "expand ignored: the member GETs ran two at a time, never more" \
	"$(redfish_stats noex max_in_flight)" 2
redfish_stop ex
redfish_stop noex

# An $expand that loops (members naming the collection and each other) is
# read as data, not followed.
redfish_start loop "$S" --expand-loop || fail "loop starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/loop.conf" loop
timeout 60 "$BMCTOP" -c "$T_TMP/loop.conf" status --json >"$T_TMP/loop.json" 2>"$T_TMP/err"
is "expand loop: status exits 0" "$?" 0
check "expand loop: the sensors are still read" test "$(sensors_of "$T_TMP/loop.json" | wc -l)" -gt 20
check "expand loop: a bounded number of requests" test "$(redfish_stats loop requests | pyj 'print(sum(d.values()))')" -lt 40
redfish_stop loop

# ThermalSubsystem and PowerSubsystem, for a chassis without a Sensors
# collection: the fans (RPM), ThermalMetrics temperatures and power supplies
# (watts from PowerSupplyMetrics) of the mockup; the voltages, which neither
# has, from the legacy Power (each kind from the first source that has it).
redfish_start sub "$S" --hide /redfish/v1/Chassis/1U/Sensors || fail "sub starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/sub.conf" sub
"$BMCTOP" -c "$T_TMP/sub.conf" status --json >"$T_TMP/sub.json" 2>"$T_TMP/err"
is "subsystems: status exits 0" "$?" 0
is "subsystems: fans, temperatures and the present power supply" "$(sensors_of "$T_TMP/sub.json")" \
"Exhaust=40.5 C ok
Fan Bay 1=2200.0 RPM ok
Fan Bay 2=2400.0 RPM ok
Fan for CPU 1=1490.0 RPM ok
Fan for CPU 2=1490.0 RPM ok
Intake=24.8 C ok
Power Supply Bay 1=937.4 W warning
VRM1 Voltage=12.0 V ok
VRM2 Voltage=5.0 V ok"
is "subsystems: the hidden Sensors collection was not asked for" "$(requests sub /redfish/v1/Chassis/1U/Sensors)" 0
is "subsystems: legacy Thermal not needed, legacy Power read once for its voltages" \
	"$(redfish_stats sub requests | pyj 'print(d.get("/redfish/v1/Chassis/1U/Thermal", 0), d.get("/redfish/v1/Chassis/1U/Power", 0))')" "0 1"
redfish_stop sub

# iLO 6: its Sensors collection is only temperatures; the fans and supplies
# come from the subsystems, and the legacy Power is asked once for volts it
# does not have.  Later polls read only the sources that gave something.
redfish_start i6 hpe-ilo6-dl380a-gen11 || fail "i6 starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/i6.conf" i6
"$BMCTOP" -c "$T_TMP/i6.conf" status --json --sweeps 3 >"$T_TMP/i6.json" 2>"$T_TMP/err"
is "ilo6: status --sweeps 3 exits 0" "$?" 0
is "ilo6: 29 temperatures, 6 fans and 4 supplies, each once" \
	"$(pyj 't = [s["type"] for s in d[0]["sensors"]]; print(t.count("temperature"), t.count("fan"), t.count("power"), len(t))' <"$T_TMP/i6.json")" "29 6 4 39"
is "ilo6: the Sensors collection read at each of the 3 polls" \
	"$(redfish_stats i6 requests | pyj 'print(d.get("/redfish/v1/Chassis/1/Sensors", 0))')" 3
is "ilo6: the legacy Power (no volts there) asked once, the legacy Thermal never" \
	"$(redfish_stats i6 requests | pyj 'print(d.get("/redfish/v1/Chassis/1/Power", 0), d.get("/redfish/v1/Chassis/1/Thermal", 0))')" "1 0"
redfish_stop i6

# An event log in pages (Members@odata.nextLink): every entry, newest first.
redfish_start pg hpe-ilo6-dl380a-gen11 --page-size 50 || fail "pg starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/pg.conf" pg
json=$("$BMCTOP" -c "$T_TMP/pg.conf" sel pg --json 2>"$T_TMP/err"); rc=$?
is "pages: sel exits 0" "$rc" 0
is "pages: all 117 IML entries, from three pages" \
	"$(echo "$json" | pyj 'print(len(d["events"]))') $(redfish_stats pg requests | pyj 'print(d["/redfish/v1/Systems/1/LogServices/IML/Entries"])')" "117 3"
is "pages: newest first across pages" \
	"$(echo "$json" | pyj 'e=d["events"]; t=[x["time"] for x in e if x["time"]]; print(e[0]["id"], len(set(x["id"] for x in e)), t == sorted(t, reverse=True))')" "117 117 True"
redfish_stop pg

# Log entries listed as links only ({"@odata.id"}, no body): each fetched,
# the newest 50 at most (by the number their links end with).
entry_gets() {
	redfish_stats "$1" requests | /usr/bin/python3 -c '
import json, re, sys
d = json.load(sys.stdin)
ids = sorted(int(m.group(1)) for k in d for m in [re.match(re.escape(sys.argv[1]) + r"/(\d+)$", k)] if m)
print(len(ids), ids[0] if ids else "-", ids[-1] if ids else "-")' "$2"
}
redfish_start ll hpe-ilo7-dl360-gen12 --log-links || fail "ll starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/ll.conf" ll
json=$("$BMCTOP" -c "$T_TMP/ll.conf" sel ll --json 2>"$T_TMP/err"); rc=$?
is "linked entries: sel exits 0" "$rc" 0
is "linked entries: the 5 entries, fetched one by one, newest first" \
	"$(echo "$json" | pyj 'print(len(d["events"]), [e["id"] for e in d["events"]])') $(entry_gets ll /redfish/v1/Systems/1/LogServices/IML/Entries)" \
	"5 [5, 4, 3, 2, 1] 5 1 5"
redfish_stop ll
redfish_start ll6 hpe-ilo6-dl380a-gen11 --log-links || fail "ll6 starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/ll6.conf" ll6
json=$("$BMCTOP" -c "$T_TMP/ll6.conf" sel ll6 --json 2>"$T_TMP/err"); rc=$?
is "117 linked entries: sel exits 0, no error" "$rc:$(cat "$T_TMP/err")" "0:"
is "117 linked entries: only the newest 50 asked for (68 to 117)" \
	"$(entry_gets ll6 /redfish/v1/Systems/1/LogServices/IML/Entries)" "50 68 117"
redfish_stop ll6

# Boot override: PATCH Boot, read back; the peer keeps what was set.
boot_of() { redfish_stats "$1" boot | pyj 'b=list(d.values())[0]; print(b.get("BootSourceOverrideTarget"), b.get("BootSourceOverrideEnabled"))'; }
redfish_start bt "$S" || fail "bt starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/bt.conf" bt
out=$("$BMCTOP" -c "$T_TMP/bt.conf" boot bt cdrom 2>&1); rc=$?
is "boot cdrom: exit 0 and said" "$rc:$out" "0:bt: next boot cdrom: done"
is "boot cdrom: the service has Cd, once" "$(boot_of bt)" "Cd Once"
out=$("$BMCTOP" -c "$T_TMP/bt.conf" boot bt bios --persistent 2>&1); rc=$?
is "boot bios --persistent: exit 0" "$rc:$out" "0:bt: next boot bios (persistent): done"
is "boot bios --persistent: BiosSetup, continuous" "$(boot_of bt)" "BiosSetup Continuous"
"$BMCTOP" -c "$T_TMP/bt.conf" boot bt disk >/dev/null 2>&1
is "boot disk: Hdd, once" "$(boot_of bt)" "Hdd Once"
"$BMCTOP" -c "$T_TMP/bt.conf" boot bt pxe >/dev/null 2>&1
is "boot pxe: Pxe, once; every PATCH accepted" "$(boot_of bt) $(redfish_stats bt patches_rejected)" "Pxe Once 0"
redfish_stop bt
redfish_start bt2 "$S" --boot-targets None,Pxe,Hdd || fail "bt2 starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/bt2.conf" bt2
out=$("$BMCTOP" -c "$T_TMP/bt2.conf" boot bt2 bios 2>&1); rc=$?
is "boot: a target the BMC does not allow: exit 1" "$rc" 1
like "boot: ... and the message names the allowed ones" "$out" 'next boot bios \(BiosSetup\) is not offered by this BMC; it allows: None, Pxe, Hdd'
is "boot: ... without sending a PATCH" "$(redfish_stats bt2 patches)/$(redfish_stats bt2 patches_rejected)" "0/0"
out=$("$BMCTOP" -c "$T_TMP/bt2.conf" boot bt2 disk 2>&1); rc=$?
is "boot: an allowed target works" "$rc:$(boot_of bt2)" "0:Hdd Once"
redfish_stop bt2
# If-Match: the system's ETag (@odata.etag, or the ETag header) guards the
# PATCH; none is sent where the service gives none (bt above).
is "boot, no ETag given: no If-Match sent" "$(redfish_stats bt if_match | pyj 'print(d)')" "[None, None, None, None]"
redfish_start et gigabyte-h262-z63-ami-megarac || fail "et starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/et.conf" et
out=$("$BMCTOP" -c "$T_TMP/et.conf" boot et pxe 2>&1); rc=$?
is "boot, @odata.etag: done" "$rc:$out" "0:et: next boot pxe: done"
"$BMCTOP" -c "$T_TMP/et.conf" boot et disk >/dev/null 2>&1
is "boot, @odata.etag: If-Match carried the payload's, then the new one" \
	"$(redfish_stats et if_match | pyj 'print(" ".join(d))')" \
	"$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["@odata.etag"])' \
		"$REDFISH_DATA/gigabyte-h262-z63-ami-megarac/redfish/v1/Systems/Self/index.json") W/\"bmctop-peer-1\""
is "boot, @odata.etag: both PATCHes accepted" "$(redfish_stats et patches) $(redfish_stats et patches_rejected)" "2 0"
redfish_stop et
redfish_start et2 supermicro-sys510t-mr-partial --etag header || fail "et2 starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/et2.conf" et2
out=$("$BMCTOP" -c "$T_TMP/et2.conf" boot et2 cdrom 2>&1); rc=$?
is "boot, ETag header only: done" "$rc:$out" "0:et2: next boot cdrom: done"
is "boot, ETag header only: If-Match carried it" "$(redfish_stats et2 if_match | pyj 'print(" ".join(d))')" \
	'"27ffd39c216000b3013c84008394dffd"'
redfish_stop et2

# A service without sessions: Basic auth on each request, no login.
redfish_start nb "$S" --no-sessions || fail "nb starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/nb.conf" nb
out=$("$BMCTOP" -c "$T_TMP/nb.conf" power nb status 2>&1); rc=$?
is "no sessions: Basic auth works" "$rc:$out" "0:nb: on"
check "no sessions: requests carried Basic credentials" test "$(redfish_stats nb basic_auth)" -ge 1
is "no sessions: no login was tried" "$(redfish_stats nb sessions_created)/$(redfish_stats nb login_failures)" "0/0"
printf 'wrong-basic-pw\n' >"$T_TMP/bad.pw"; chmod 600 "$T_TMP/bad.pw"
sed "s|^password-file = .*|password-file = $T_TMP/bad.pw|" "$T_TMP/nb.conf" >"$T_TMP/nbbad.conf"; chmod 600 "$T_TMP/nbbad.conf"
before=$(redfish_stats nb unauthorized)
out=$("$BMCTOP" -c "$T_TMP/nbbad.conf" status 2>&1); rc=$?
is "no sessions, wrong password: exit 1" "$rc" 1
like "no sessions, wrong password: named" "$out" 'nb: wrong password for user "admin" \(the Redfish service refused Basic auth\)'
is "no sessions, wrong password: tried once, not in a loop" "$(( $(redfish_stats nb unauthorized) - before ))" 1
unlike "no sessions: no password in any message" "$out$(cat "$XDG_STATE_HOME/bmctop/bmctop.log")" "$REDFISH_PASSWORD|wrong-basic-pw"
# Basic credentials too only go where the key is the one trusted.
REDFISH_FLEET_TLS=tofu redfish_fleet "$T_TMP/nbt.conf" nb
"$BMCTOP" -c "$T_TMP/nbt.conf" power nb status >/dev/null 2>&1
is "no sessions, tofu: first use works" "$?" 0
redfish_rekey nb || fail "nb gets a new key"
sent=$(redfish_stats nb basic_auth); tried=$(redfish_stats nb unauthorized)
out=$("$BMCTOP" -c "$T_TMP/nbt.conf" power nb status 2>&1); rc=$?
is "no sessions, tofu: a changed key is refused" "$rc" 1
like "no sessions, tofu: ... before any credential" "$out" 'changed: known sha256//.*no credential was sent'
is "no sessions, tofu: no Basic credential reached the new key" \
	"$(redfish_stats nb basic_auth)/$(redfish_stats nb unauthorized)" "$sent/$tried"
redfish_stop nb

# Sessions named by the root but not there (the iDRAC9 R6515 and Supermicro
# SYS-510T partial sets as captured): the login is 404, 405 or 501, and
# bmctop goes on with HTTP Basic, as sushy does.  A wrong password is
# still one attempt: the login (no password check) then one Basic request.
for sm in "dell-idrac9-r6515-partial 404" "supermicro-sys510t-mr-partial 405" "dell-idrac9-r6515-partial 501"; do
	set -- $sm
	redfish_start sm "$1" --sessions-missing "$2" || fail "sm $1 starts"
	REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/sm.conf" sm
	want=$(/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["PowerState"].lower())' "$(ls -d "$REDFISH_DATA/$1"/redfish/v1/Systems/*/index.json | head -1)")
	out=$("$BMCTOP" -c "$T_TMP/sm.conf" power sm status 2>&1); rc=$?
	is "$1, login $2: power status on Basic auth" "$rc:$out" "0:sm: $want"
	is "$1, login $2: one login attempt, then Basic" \
		"$(redfish_stats sm login_attempts) $(test "$(redfish_stats sm basic_auth)" -ge 1 && echo basic)" "1 basic"
	sed "s|^password-file = .*|password-file = $T_TMP/bad.pw|" "$T_TMP/sm.conf" >"$T_TMP/smbad.conf"; chmod 600 "$T_TMP/smbad.conf"
	out=$("$BMCTOP" -c "$T_TMP/smbad.conf" status 2>&1); rc=$?
	is "$1, login $2, wrong password: exit 1" "$rc" 1
	like "$1, login $2, wrong password: named as such" "$out" 'sm: wrong password for user "admin" \(the Redfish service refused Basic auth\)'
	is "$1, login $2, wrong password: one more login, one Basic refusal, nothing else" \
		"$(redfish_stats sm login_attempts) $(redfish_stats sm basic_failures) $(redfish_stats sm unauthorized)" "2 1 1"
	redfish_stop sm
done

# A login refused with 401 (a wrong password on a service with sessions)
# never falls back to Basic, even where Basic would be accepted.
redfish_start wp "$S" --basic || fail "wp starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/wp.conf" wp
sed "s|^password-file = .*|password-file = $T_TMP/bad.pw|" "$T_TMP/wp.conf" >"$T_TMP/wpbad.conf"; chmod 600 "$T_TMP/wpbad.conf"
out=$("$BMCTOP" -c "$T_TMP/wpbad.conf" status 2>&1); rc=$?
is "login 401: exit 1" "$rc" 1
like "login 401: a wrong password" "$out" 'wp: wrong password for user "admin" \(the Redfish service refused the login with HTTP 401\)'
is "login 401: one login, no Basic attempt" \
	"$(redfish_stats wp login_attempts) $(redfish_stats wp basic_failures) $(redfish_stats wp basic_auth)" "1 0 0"
redfish_stop wp

# power cycle where the service offers no PowerCycle (DMTF rackmount1: On,
# ForceOff, ..., no PowerCycle): ForceOff, the state re-read until Off (the
# peer says PoweringOff for two reads first), then On; the result says so.
redfish_start cy "$S" --off-after-reads 2 || fail "cy starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/cy.conf" cy
# (The action's own message, which says how, is printed, logged and shown on
# the dashboard.)
rflog() { cat "$XDG_STATE_HOME/bmctop/bmctop.log"; }
out=$("$BMCTOP" -c "$T_TMP/cy.conf" power cy cycle 2>&1); rc=$?
is "cycle emulated: exit 0, and it says so" "$rc:$out" \
	"0:cy: power cycle: done, emulated: ForceOff, then On once it read Off (the BMC offers no PowerCycle)"
like "cycle emulated: the result says how" "$(rflog)" \
	'cy: power cycle: done, emulated: ForceOff, then On once it read Off \(the BMC offers no PowerCycle\)'
is "cycle emulated: the peer got ForceOff, then On" "$(redfish_stats cy reset_sequence | pyj 'print(" ".join(d))')" "ForceOff On"
is "cycle emulated: the system read once, then twice more until it read Off" \
	"$(redfish_stats cy requests | pyj 'print(d["/redfish/v1/Systems/437XR1138R2"])')" 3
is "cycle emulated: the host is on again" "$("$BMCTOP" -c "$T_TMP/cy.conf" power cy status 2>&1)" "cy: on"
# From off, the emulation only powers on.
"$BMCTOP" -c "$T_TMP/cy.conf" power cy off >/dev/null 2>&1
"$BMCTOP" -c "$T_TMP/cy.conf" status >/dev/null 2>&1 # two reads: PoweringOff settles
"$BMCTOP" -c "$T_TMP/cy.conf" status >/dev/null 2>&1
out=$("$BMCTOP" -c "$T_TMP/cy.conf" power cy cycle 2>&1); rc=$?
is "cycle emulated from off: On alone" "$rc:$out $(redfish_stats cy reset_sequence | pyj 'print(" ".join(d))')" \
	"0:cy: power cycle: done, as On: the host was off (the BMC offers no PowerCycle) ForceOff On ForceOff On"
like "cycle emulated from off: the result says so" "$(rflog)" \
	'cy: power cycle: done, as On: the host was off \(the BMC offers no PowerCycle\)'
# soft where GracefulShutdown is not offered: the power button, once, while on.
redfish_start sf "$S" || fail "sf starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/sf.conf" sf
out=$("$BMCTOP" -c "$T_TMP/sf.conf" power sf soft 2>&1); rc=$?
is "soft: GracefulShutdown where offered" "$rc:$out $(redfish_stats sf reset_sequence | pyj 'print(" ".join(d))')" \
	"0:sf: power soft: done GracefulShutdown"
redfish_stop sf
redfish_start sf2 "$S" --reset-types On,ForceOff,PushPowerButton,GracefulRestart || fail "sf2 starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/sf2.conf" sf2
out=$("$BMCTOP" -c "$T_TMP/sf2.conf" power sf2 soft 2>&1); rc=$?
is "soft without GracefulShutdown: the power button, while on" \
	"$rc:$out $(redfish_stats sf2 reset_sequence | pyj 'print(" ".join(d))')" \
	"0:sf2: power soft: done, as PushPowerButton (the BMC does not offer GracefulShutdown) PushPowerButton"
like "soft without GracefulShutdown: the result names it" "$(rflog)" \
	'sf2: power soft: done, as PushPowerButton \(the BMC does not offer GracefulShutdown\)'
out=$("$BMCTOP" -c "$T_TMP/sf2.conf" power sf2 soft 2>&1); rc=$?
is "soft without GracefulShutdown, host off: refused, the button not pressed again" \
	"$rc $(redfish_stats sf2 reset_sequence | pyj 'print(" ".join(d))')" "1 PushPowerButton"
like "... naming what the BMC allows" "$out" 'power soft is not offered by this BMC; it allows: On, ForceOff, PushPowerButton, GracefulRestart'
out=$("$BMCTOP" -c "$T_TMP/sf2.conf" power sf2 reset 2>&1); rc=$?
is "reset without ForceRestart or PowerCycle: GracefulRestart" \
	"$rc:$out $(redfish_stats sf2 reset_sequence | pyj 'print(" ".join(d))')" \
	"0:sf2: power reset: done, as GracefulRestart (the BMC does not offer ForceRestart) PushPowerButton GracefulRestart"
redfish_stop sf2
redfish_stop cy
# A service that offers PowerCycle gets it, alone.
redfish_start cy2 openbmc-bmcweb-stock || fail "cy2 starts"
REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/cy2.conf" cy2
out=$("$BMCTOP" -c "$T_TMP/cy2.conf" power cy2 cycle 2>&1); rc=$?
is "cycle offered: PowerCycle, done" "$rc:$out $(redfish_stats cy2 reset_sequence | pyj 'print(" ".join(d))')" \
	"0:cy2: power cycle: done PowerCycle"
redfish_stop cy2
