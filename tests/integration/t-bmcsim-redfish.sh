# t-bmcsim-redfish.sh - bmcsim's Redfish side, read by reference clients
# (DMTF's redfishtool, curl) and by bmctop, and cross-checked against the
# same BMC's IPMI side (ipmitool) where that is installed.
#
# Passwords: a random one per run in a 0600 file, handed to bmcsim with
# --password-file, to curl with --data @file / --netrc-file, to
# redfishtool in its -c config file (JSON, 0600; its -p would put the
# password in argv), to ipmitool through IPMI_PASSWORD (-E).  Tokens go to
# curl with -H @file.
. "$SRCDIR/tests/lib/tap.sh"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || skip_all "bmcsim is not built ($BMCSIM)"
need curl redfishtool timeout
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

PW=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16)
PWFILE="$T_TMP/password"
(umask 077 && printf '%s\n' "$PW" >"$PWFILE")
USER_=admin

# sim NAME ARGS...: start a bmcsim whose fleet file is $T_TMP/NAME.conf; 0 once ready.
sim() {
	local name=$1 i; shift
	spawn "$BMCSIM" --port 0 --password-file "$PWFILE" --fleet-out "$T_TMP/$name.conf" \
		--ready-file "$T_TMP/$name.ready" "$@" </dev/null >>"$T_TMP/$name.log" 2>&1
	eval "PID_$name=$T_LAST_PID"
	for ((i = 0; i < 300; i++)); do
		[ -s "$T_TMP/$name.ready" ] && [ -s "$T_TMP/$name.conf" ] && return 0
		kill -0 "$T_LAST_PID" 2>/dev/null || break
		sleep 0.1
	done
	diag "bmcsim $name did not get ready:"; diag "$(tail -5 "$T_TMP/$name.log")"
	return 1
}
# rf_hosts NAME: "HOST URL" for each Redfish host of NAME's fleet.
rf_hosts() {
	"$BMCTOP" -c "$T_TMP/$1.conf" config hosts 2>/dev/null |
		sed -n 's/^\([^ ]*\) .* redfish=\(https:[^ ]*:[0-9][0-9]*\) .*/\1 \2/p'
}
# req URL METHOD PATH [HDRFILE [DATA]]: status code on stdout, body in $T_TMP/body.
req() {
	local url=$1 method=$2 path=$3 hdr=${4:-} data=${5:-} a=()
	[ -z "$hdr" ] || a+=(-H @"$hdr")
	[ -z "$data" ] || a+=(-H 'Content-Type: application/json' --data "$data")
	curl -sk --max-time 20 -o "$T_TMP/body" -w '%{http_code}' -X "$method" "${a[@]}" "$url$path"
}
body() { cat "$T_TMP/body"; }
# login URL HDRFILE: POST the credentials from a 0600 file; writes the token
# header to HDRFILE and prints Location; 1 unless 201 with a token.
(umask 077 && /usr/bin/python3 -c 'import json,sys; print(json.dumps({"UserName": sys.argv[1], "Password": open(sys.argv[2]).readline().strip()}))' \
	"$USER_" "$PWFILE" >"$T_TMP/login.json")
login() {
	local code tok
	code=$(curl -sk --max-time 20 -o "$T_TMP/login.body" -D "$T_TMP/login.hdr" -w '%{http_code}' \
		-H 'Content-Type: application/json' --data @"$T_TMP/login.json" \
		"$1/redfish/v1/SessionService/Sessions")
	tok=$(sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: *//p' "$T_TMP/login.hdr" | tr -d '\r')
	[ "$code" = 201 ] && [ -n "$tok" ] || { echo "$code" >"$T_TMP/login.code"; return 1; }
	(umask 077 && printf 'X-Auth-Token: %s\n' "$tok" >"$2")
	sed -n 's/^[Ll]ocation: *//p' "$T_TMP/login.hdr" | tr -d '\r'
}

sim main --count 8 --redfish-share 50 --seed 7 || { fail "bmcsim starts"; exit 0; }
ok "bmcsim with 8 BMCs, half with Redfish, is ready"
rf_hosts main >"$T_TMP/rf"
n=$(wc -l <"$T_TMP/rf")
check "the fleet file lists Redfish hosts ($n)" test "$n" -ge 1
read -r H U < <(head -1 "$T_TMP/rf")
diag "Redfish host $H at $U"

# Unauthenticated: the service root.
is "service root without auth: 200" "$(req "$U" GET /redfish/v1/)" 200
is "... Vendor bmcsim" "$(body | pyj 'print(d["Vendor"])')" bmcsim
is "... ExpandQuery offered" "$(body | pyj 'print(d["ProtocolFeaturesSupported"]["ExpandQuery"]["ExpandAll"])')" True
is "... Links.Sessions" "$(body | pyj 'print(d["Links"]["Sessions"]["@odata.id"])')" /redfish/v1/SessionService/Sessions
is "/Systems without a token: 401" "$(req "$U" GET /redfish/v1/Systems)" 401
like "... with a Redfish error body" "$(body)" '"MessageId":"Base\.[0-9.]+\.NoValidSession"'
printf 'X-Auth-Token: 0123456789abcdef0123456789abcdef\n' >"$T_TMP/bogus.hdr"
is "a made-up token: 401" "$(req "$U" GET /redfish/v1/Systems "$T_TMP/bogus.hdr")" 401
(umask 077 && printf '{"UserName":"%s","Password":"not-%s"}' "$USER_" "$PW" >"$T_TMP/wrong.json")
code=$(curl -sk -o /dev/null -w '%{http_code}' --data @"$T_TMP/wrong.json" "$U/redfish/v1/SessionService/Sessions")
is "a wrong password: 401" "$code" 401

# Sessions.
loc=$(login "$U" "$T_TMP/a.hdr"); rc=$?
is "login: 201 with X-Auth-Token" "$rc" 0
like "login: Location names the session" "$loc" '^/redfish/v1/SessionService/Sessions/[0-9]+$'
is "the token reads Systems/1" "$(req "$U" GET /redfish/v1/Systems/1 "$T_TMP/a.hdr")" 200
power=$(body | pyj 'print(d["PowerState"])')
like "PowerState is On or Off" "$power" '^(On|Off)$'
like "Status.Health" "$(body | pyj 'print(d["Status"]["Health"])')" '^(OK|Warning|Critical)$'
like "Model, SerialNumber, BiosVersion" "$(body | pyj 'print(d["Model"], "/", d["SerialNumber"], "/", d["BiosVersion"])')" '^[^ ].* / [^ ]+ / [^ ]+'
is "Reset allowable values" "$(body | pyj 'print(" ".join(d["Actions"]["#ComputerSystem.Reset"]["ResetType@Redfish.AllowableValues"]))')" \
	"On ForceOn ForceOff GracefulShutdown GracefulRestart ForceRestart PowerCycle Nmi"
is "Boot AllowableValues" "$(body | pyj 'print(" ".join(d["Boot"]["BootSourceOverrideTarget@Redfish.AllowableValues"]))')" "None Pxe Hdd Cd BiosSetup"
like "SerialConsole and GraphicalConsole" "$(body | pyj 'print(d["SerialConsole"]["IPMI"]["ServiceEnabled"], d["GraphicalConsole"]["ServiceEnabled"])')" '^True (True|False)$'
for i in 2 3 4; do login "$U" "$T_TMP/s$i.hdr" >"$T_TMP/s$i.loc" || fail "session $i"; done
login "$U" "$T_TMP/s5.hdr" >/dev/null; rc=$?
is "a fifth session is refused (cap of 4)" "$rc:$(cat "$T_TMP/login.code")" "1:503"
like "... saying maximum sessions" "$(pyj 'print(d["error"]["@Message.ExtendedInfo"][0]["Message"])' <"$T_TMP/login.body")" 'maximum sessions'
is "DELETE of a session: 204" "$(req "$U" DELETE "$(cat "$T_TMP/s4.loc")" "$T_TMP/s4.hdr")" 204
is "... its token is dead" "$(req "$U" GET /redfish/v1/Systems "$T_TMP/s4.hdr")" 401
is "... the others live" "$(req "$U" GET /redfish/v1/Systems "$T_TMP/s3.hdr")" 200
for i in 2 3; do req "$U" DELETE "$(cat "$T_TMP/s$i.loc")" "$T_TMP/s$i.hdr" >/dev/null; done
(umask 077 && printf 'machine 127.0.0.1 login %s password %s\n' "$USER_" "$PW" >"$T_TMP/netrc")
code=$(curl -sk -o /dev/null -w '%{http_code}' --netrc-file "$T_TMP/netrc" "$U/redfish/v1/Systems/1")
is "Basic auth is accepted too" "$code" 200

# Chassis, sensors, manager, SEL.
is "Chassis/1 Sensors collection" "$(req "$U" GET /redfish/v1/Chassis/1/Sensors "$T_TMP/a.hdr")" 200
nsens=$(body | pyj 'print(d["Members@odata.count"])')
check "... with members ($nsens)" test "$nsens" -ge 3
first=$(body | pyj 'print(d["Members"][0]["@odata.id"])')
req "$U" GET "$first" "$T_TMP/a.hdr" >/dev/null
like "a sensor: Reading, ReadingUnits, Status.Health" "$(body | pyj 'print(type(d["Reading"]).__name__, d["ReadingUnits"], d["Status"]["Health"])')" '^(float|int) (Cel|RPM|V|A|W) (OK|Warning|Critical)$'
req "$U" GET '/redfish/v1/Chassis/1/Sensors?$expand=.($levels=1)' "$T_TMP/a.hdr" >/dev/null
is "\$expand=.: members inline, as many" "$(body | pyj 'print(sum(1 for m in d["Members"] if "Reading" in m))')" "$nsens"
req "$U" GET '/redfish/v1/Chassis/1/Sensors?%24expand=%2A' "$T_TMP/a.hdr" >/dev/null
is "\$expand=* percent-encoded works too" "$(body | pyj 'print(sum(1 for m in d["Members"] if "Reading" in m))')" "$nsens"
is "Managers/1" "$(req "$U" GET /redfish/v1/Managers/1 "$T_TMP/a.hdr")" 200
like "... FirmwareVersion" "$(body | pyj 'print(d["FirmwareVersion"])')" '[0-9]'
is "SEL entries" "$(req "$U" GET /redfish/v1/Managers/1/LogServices/SEL/Entries "$T_TMP/a.hdr")" 200
nsel=$(body | pyj 'print(d["Members@odata.count"])')
is "... inline, one per entry" "$(body | pyj 'print(sum(1 for m in d["Members"] if "Created" in m and "Severity" in m))')" "$nsel"

# Bad input: errors, not crashes.
is "unknown resource: 404" "$(req "$U" GET /redfish/v1/Nothing "$T_TMP/a.hdr")" 404
is "PUT: 405" "$(req "$U" PUT /redfish/v1/Systems/1 "$T_TMP/a.hdr" '{}')" 405
is "reset type Bogus: 400" "$(req "$U" POST /redfish/v1/Systems/1/Actions/ComputerSystem.Reset "$T_TMP/a.hdr" '{"ResetType":"Bogus"}')" 400
is "malformed JSON reset: 400" "$(req "$U" POST /redfish/v1/Systems/1/Actions/ComputerSystem.Reset "$T_TMP/a.hdr" '{"ResetType":')" 400
is "PATCH Boot with a target not allowed: 400" "$(req "$U" PATCH /redfish/v1/Systems/1 "$T_TMP/a.hdr" '{"Boot":{"BootSourceOverrideTarget":"Floppy"}}')" 400
code=$(curl -sk -o /dev/null -w '%{http_code}' -H @"$T_TMP/a.hdr" -H "X-Pad: $(head -c 9000 /dev/zero | tr '\0' a)" "$U/redfish/v1/Systems")
is "a 9 KB header: 431" "$code" 431
head -c 100000 /dev/zero | tr '\0' '{' >"$T_TMP/big"
code=$(curl -sk -o /dev/null -w '%{http_code}' -H @"$T_TMP/a.hdr" --data-binary @"$T_TMP/big" "$U/redfish/v1/SessionService/Sessions")
is "a 100 KB body: 413" "$code" 413
/usr/bin/python3 - "${U##*:}" <<'PY' >"$T_TMP/junk.out" 2>&1
import socket, sys
for junk in (b"GET / HTTP/1.1\r\n\r\n", b"\x16\x03\x01\x00\x05hello", b"\x00" * 5000):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
    s.sendall(junk)
    try:
        s.recv(100)
    except OSError:
        pass
    s.close()
print("done")
PY
is "junk instead of TLS is dropped" "$(cat "$T_TMP/junk.out")" done
is "... and the server still answers" "$(req "$U" GET /redfish/v1/)" 200
is "bmcsim is still running" "$(kill -0 "$PID_main" 2>/dev/null && echo yes)" yes

# PATCH Boot reaches the model.
is "PATCH Boot Pxe/Once: 204" "$(req "$U" PATCH /redfish/v1/Systems/1 "$T_TMP/a.hdr" '{"Boot":{"BootSourceOverrideTarget":"Pxe","BootSourceOverrideEnabled":"Once"}}')" 204
req "$U" GET /redfish/v1/Systems/1 "$T_TMP/a.hdr" >/dev/null
is "... read back" "$(body | pyj 'b=d["Boot"]; print(b["BootSourceOverrideTarget"], b["BootSourceOverrideEnabled"])')" "Pxe Once"

# redfishtool, with session auth, credentials from its -c file.
(umask 077 && /usr/bin/python3 -c 'import json,sys; print(json.dumps({"user": sys.argv[1], "password": open(sys.argv[2]).readline().strip()}))' \
	"$USER_" "$PWFILE" >"$T_TMP/rft.json")
rft() { timeout 60 redfishtool -c "$T_TMP/rft.json" -A Session -S Always -T 10 -r "${U#https://}" "$@"; }
out=$(rft Systems get 2>&1); rc=$?
is "redfishtool Systems get: exit 0" "$rc" 0
is "... the same PowerState as curl" "$(printf '%s' "$out" | pyj 'print(d["PowerState"])' 2>&1)" "$power"
out=$(rft Chassis get 2>&1)
is "redfishtool Chassis get: the chassis" "$(printf '%s' "$out" | pyj 'print(d["Id"], d["ChassisType"])' 2>&1)" "1 RackMount"
out=$(rft Chassis Thermal 2>&1)
check "redfishtool Chassis Thermal: temperatures with readings" \
	/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["Temperatures"] and all("ReadingCelsius" in t for t in d["Temperatures"]) else 1)' "$out"
out=$(rft Systems reset ForceOff 2>&1); rc=$?
is "redfishtool Systems reset ForceOff: exit 0" "$rc" 0
req "$U" GET /redfish/v1/Systems/1 "$T_TMP/a.hdr" >/dev/null
is "... PowerState Off (curl)" "$(body | pyj 'print(d["PowerState"])')" Off
out=$(rft Systems reset On 2>&1)
is "redfishtool reset On: On again (redfishtool)" "$(rft Systems get 2>&1 | pyj 'print(d["PowerState"])' 2>&1)" On
req "$U" GET /redfish/v1/SessionService/Sessions "$T_TMP/a.hdr" >/dev/null
is "redfishtool logged out each time: only our session is left" "$(body | pyj 'print(d["Members@odata.count"])')" 1

# bmctop on the whole fleet: bmcsim writes protocol = auto for the BMCs
# that serve Redfish; the copy says redfish, to see that side alone.
json=$(timeout 120 "$BMCTOP" -c "$T_TMP/main.conf" status --json $(cut -d' ' -f1 "$T_TMP/rf") 2>"$T_TMP/err"); rc=$?
is "bmctop status of those hosts with bmcsim's fleet file (protocol = auto): exit 0" "$rc" 0
[ "$rc" = 0 ] || diag "$(head -5 "$T_TMP/err")"
sed 's/^protocol = auto$/protocol = redfish/' "$T_TMP/main.conf" >"$T_TMP/rf.conf"
chmod 600 "$T_TMP/rf.conf"
json=$(timeout 120 "$BMCTOP" -c "$T_TMP/rf.conf" status --json --what power,sensors,events \
	$(cut -d' ' -f1 "$T_TMP/rf") 2>"$T_TMP/err"); rc=$?
is "bmctop status of the Redfish hosts: exit 0" "$rc" 0
[ -n "$json" ] || json='[]'
diag "status exit $rc; $(head -3 "$T_TMP/err")"
host() {
	local code=$1; shift
	printf '%s' "$json" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); h=[x for x in d if x['name']=='$H'][0]; $code" "$@"
}
is "bmctop: $H answered over Redfish" "$(host 'print(h["protocol"], h["error"])')" "redfish None"
is "bmctop: $H power on" "$(host 'print(h["power"])')" on
check "bmctop: $H has sensors" test "$(host 'print(len(h["sensors"]))')" -ge 3
like "bmctop: $H sensors have values and units" "$(host 'print(" ".join(s["unit"] for s in h["sensors"]))')" '(C|RPM|V)'
like "bmctop: $H health" "$(host 'print(h["health"])')" '^(ok|warning|critical)$'
# The SEL grows as readings drift: every event bmctop shows is in it.
req "$U" GET /redfish/v1/Managers/1/LogServices/SEL/Entries "$T_TMP/a.hdr" >/dev/null
body >"$T_TMP/sel.json"
check "bmctop: $H has events" test "$(host 'print(len(h.get("events") or []))')" -ge 1
is "bmctop: $H events are the SEL's entries, with their messages" \
	"$(host 'import json; sel={m["Id"]: m["Message"] for m in json.load(open(sys.argv[1]))["Members"]}; print(all(sel.get(str(e["id"])) == e["message"] for e in h["events"]))' "$T_TMP/sel.json")" True
check "bmctop: every Redfish host answered" test "$(printf '%s' "$json" | pyj 'print(sum(1 for h in d if h["protocol"] == "redfish" and h["error"] is None))')" -eq "$n"

# Power off through bmctop changes bmcsim's state.
out=$("$BMCTOP" -c "$T_TMP/rf.conf" power "$H" off 2>&1); rc=$?
is "bmctop power $H off: exit 0" "$rc" 0
req "$U" GET /redfish/v1/Systems/1 "$T_TMP/a.hdr" >/dev/null
is "... curl sees PowerState Off" "$(body | pyj 'print(d["PowerState"])')" Off
is "... redfishtool too" "$(rft Systems get 2>&1 | pyj 'print(d["PowerState"])' 2>&1)" Off
if command -v ipmitool >/dev/null; then
	port=$("$BMCTOP" -c "$T_TMP/main.conf" config hosts | sed -n "s/^$H .* ipmi-port=\([0-9]*\) .*/\1/p")
	out=$(IPMI_PASSWORD=$PW timeout 30 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$port" -U "$USER_" -E chassis power status 2>&1)
	is "... and the same BMC's IPMI side (ipmitool)" "$out" "Chassis Power is off"
fi
"$BMCTOP" -c "$T_TMP/rf.conf" power "$H" on >/dev/null 2>&1
is "bmctop power on: On again" "$(req "$U" GET /redfish/v1/Systems/1 "$T_TMP/a.hdr" >/dev/null; body | pyj 'print(d["PowerState"])')" On

# Faults, each on its own bmcsim with one BMC.
sim authfail --count 1 --redfish-share 100 --authfail 100 || fail "bmcsim --authfail starts"
read -r _ UA < <(rf_hosts authfail)
code=$(curl -sk -o /dev/null -w '%{http_code}' --data @"$T_TMP/login.json" "$UA/redfish/v1/SessionService/Sessions")
is "authfail: the right password is refused with 401" "$code" 401
code=$(curl -sk -o /dev/null -w '%{http_code}' --netrc-file "$T_TMP/netrc" "$UA/redfish/v1/Systems")
is "authfail: Basic too" "$code" 401
"$BMCTOP" -c "$T_TMP/authfail.conf" status >/dev/null 2>"$T_TMP/err"
like "authfail: bmctop says wrong password" "$(cat "$T_TMP/err")" 'wrong password'

sim slow --count 1 --redfish-share 100 --redfish-delay 500 || fail "bmcsim --redfish-delay starts"
read -r _ US < <(rf_hosts slow)
t=$(curl -sk -o /dev/null -w '%{time_total}' "$US/redfish/v1/")
check "delay: the root took at least 0.5 s ($t s)" /usr/bin/python3 -c "import sys; sys.exit(0 if $t >= 0.5 else 1)"
code=$(curl -sk -o /dev/null -w '%{http_code}' --netrc-file "$T_TMP/netrc" "$US/redfish/v1/Systems/1")
is "delay: the answer still comes" "$code" 200

sim dead --count 1 --redfish-share 100 --dead 100 || fail "bmcsim --dead starts"
read -r _ UD < <(rf_hosts dead)
if [ -n "$UD" ]; then
	curl -sk -o /dev/null --max-time 3 "$UD/redfish/v1/"; rc=$?
	is "dead: nothing answers (curl times out, exit 28)" "$rc" 28
else
	ok "dead: the fleet file lists no Redfish URL for a dead BMC"
fi

# Secrets stay out of argv and logs.
unlike "the password is not in bmcsim's argv" "$(tr '\0' ' ' </proc/"$PID_main"/cmdline)" "$PW"
kill "$PID_main"
for ((i = 0; i < 50; i++)); do kill -0 "$PID_main" 2>/dev/null || break; sleep 0.1; done
check "bmcsim exits on SIGTERM" sh -c "! kill -0 $PID_main 2>/dev/null"
unlike "the password is in no log" "$(cat "$T_TMP"/*.log "$XDG_STATE_HOME/bmctop/bmctop.log" 2>/dev/null)" "$PW"
