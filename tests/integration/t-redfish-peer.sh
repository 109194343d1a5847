# t-redfish-peer.sh - the Redfish test peer (tests/peers/redfish-server.py)
# proven with reference clients only: DMTF's redfishtool and curl.  bmctop
# itself is not run here.  Passwords reach clients through 0600 files only:
# curl --data @file / --netrc-file, redfishtool -c (a JSON config file;
# redfishtool -p would put the password in argv).  Tokens go to curl with
# -H @file.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/redfish.sh"
redfish_need
need redfishtool timeout

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# redfishtool's -c file: {"user": ..., "password": ...}, 0600.
RFT_CFG="$T_TMP/redfishtool.json"
(umask 077 && /usr/bin/python3 -c '
import json, sys
print(json.dumps({"user": sys.argv[1], "password": open(sys.argv[2]).readline().rstrip("\n")}))' \
	"$REDFISH_USER" "$REDFISH_PASSWORD_FILE" >"$RFT_CFG")
# rft NAME ARGS...: redfishtool with session auth over https (it never
# verifies the certificate: it calls requests with verify=False).
rft() {
	local port; port=$(redfish_port "$1") || return 1; shift
	timeout 60 redfishtool -c "$RFT_CFG" -A Session -S Always -T 10 -r "127.0.0.1:$port" "$@"
}

# req NAME METHOD PATH [HDRFILE [DATA]]: HTTP status on stdout, body in $T_TMP/body.
req() {
	local name=$1 method=$2 path=$3 hdr=${4:-} data=${5:-} a=()
	[ -z "$hdr" ] || a+=(-H @"$hdr")
	[ -z "$data" ] || a+=(-H 'Content-Type: application/json' --data "$data")
	redfish_curl "$name" -o "$T_TMP/body" -w '%{http_code}' -X "$method" "${a[@]}" \
		"$(redfish_url "$name")$path"
}
body() { cat "$T_TMP/body"; }

# Expected per set: does $expand=. work (from ProtocolFeaturesSupported)?
declare -A EXPAND=(
	[dmtf-public-rackmount1]=yes [hpe-ilo6-dl380a-gen11]=yes [openbmc-bmcweb-stock]=no
	[dell-idrac9-r640-partial]=no [supermicro-gb300-nvl]=yes [gigabyte-h262-z63-ami-megarac]=yes)
# ... and a reset type that is a real Redfish value but not allowed there.
declare -A NOT_ALLOWED=(
	[dmtf-public-rackmount1]=PowerCycle [hpe-ilo6-dl380a-gen11]=PowerCycle
	[openbmc-bmcweb-stock]=PushPowerButton [dell-idrac9-r640-partial]=ForceOn
	[supermicro-gb300-nvl]="" [gigabyte-h262-z63-ami-megarac]=Nmi)

# A wrong-password login body, from a file.
(umask 077 && printf '{"UserName":"%s","Password":"not-the-password"}' "$REDFISH_USER" >"$T_TMP/wrong.json")

for set in dmtf-public-rackmount1 hpe-ilo6-dl380a-gen11 openbmc-bmcweb-stock \
	dell-idrac9-r640-partial supermicro-gb300-nvl gigabyte-h262-z63-ami-megarac; do
	n=$set
	redfish_start "$n" "$set" --max-sessions 2 || { fail "$set: server starts"; continue; }
	diag "$set on $(redfish_url "$n")"

	# Unauthenticated: /redfish, the service root, odata.
	is "$set: GET /redfish/v1/ without auth is 200" "$(req "$n" GET /redfish/v1/)" 200
	is "$set: the service root is the root" "$(body | pyj 'print(d["@odata.id"].rstrip("/"))')" /redfish/v1
	is "$set: GET /redfish lists v1" "$(req "$n" GET /redfish)$(body | pyj 'print(d["v1"])')" 200/redfish/v1/
	is "$set: GET /redfish/v1/odata without auth is 200" "$(req "$n" GET /redfish/v1/odata)" 200
	is "$set: /Systems without a token is 401" "$(req "$n" GET /redfish/v1/Systems)" 401
	like "$set: ... with a Redfish error body" "$(body)" '"MessageId": "Base\.[0-9.]+NoValidSession"'
	(umask 077 && printf 'machine 127.0.0.1 login %s password %s\n' "$REDFISH_USER" "$REDFISH_PASSWORD" >"$T_TMP/netrc")
	code=$(redfish_curl "$n" -o /dev/null -w '%{http_code}' --netrc-file "$T_TMP/netrc" "$(redfish_url "$n")/redfish/v1/Systems")
	is "$set: Basic auth is refused without --basic" "$code" 401
	printf 'X-Auth-Token: 0123456789abcdef0123456789abcdef\n' >"$T_TMP/bogus.hdr"
	is "$set: a made-up token is 401" "$(req "$n" GET /redfish/v1/Systems "$T_TMP/bogus.hdr")" 401
	sp=$(redfish_stats "$n" sessions_path)
	code=$(redfish_curl "$n" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		--data @"$T_TMP/wrong.json" "$(redfish_url "$n")$sp")
	is "$set: a wrong password is 401" "$code" 401

	# Session login with curl (password from a 0600 file via --data @file).
	loc=$(redfish_login "$n" "$T_TMP/a.hdr"); rc=$?
	is "$set: session login with curl: 201, token and Location" "$rc" 0
	like "$set: Location names the new session" "$loc" "^$sp/[0-9a-f]+$"
	is "$set: the token reads /Systems" "$(req "$n" GET /redfish/v1/Systems "$T_TMP/a.hdr")" 200
	sys=$(body | pyj 'print(d["Members"][0]["@odata.id"].rstrip("/"))')
	is "$set: the token reads the system" "$(req "$n" GET "$sys" "$T_TMP/a.hdr")" 200
	power=$(body | pyj 'print(d["PowerState"])')
	is "$set: the session is listed in the Sessions collection" \
		"$(req "$n" GET "$sp" "$T_TMP/a.hdr")$(body | pyj 'print([m["@odata.id"] for m in d["Members"]])')" "200['$loc']"

	# redfishtool (session auth, credentials from its -c file) reads Systems.
	out=$(rft "$n" Systems -L "$sys" get 2>&1); rc=$?
	is "$set: redfishtool Systems -L $sys get exits 0" "$rc" 0
	is "$set: redfishtool sees the same PowerState as curl" \
		"$(printf '%s' "$out" | pyj 'print(d["PowerState"])' 2>&1)" "$power"
	is "$set: redfishtool logged out: one live session left" "$(redfish_stats "$n" sessions_live)" 1

	# Reset: the power state changes in memory.
	# The allowed values as a client finds them: inline, else the ActionInfo.
	req "$n" GET "$sys" "$T_TMP/a.hdr" >/dev/null
	act=$(body | pyj 'a=d.get("Actions",{}).get("#ComputerSystem.Reset",{}); v=a.get("ResetType@Redfish.AllowableValues"); print(" ".join(v) if v is not None else "@"+a.get("@Redfish.ActionInfo",""))')
	allowed=$act rft_reset=ok
	case $act in @/*)
		if [ "$(req "$n" GET "${act#@}" "$T_TMP/a.hdr")" = 200 ]; then
			allowed=$(body | pyj 'print(" ".join([p for p in d["Parameters"] if p["Name"]=="ResetType"][0]["AllowableValues"]))')
		else
			allowed="" rft_reset=no-actioninfo
			diag "$set: the ResetActionInfo ${act#@} is not in the set"
		fi ;;
	@) allowed="" ;;
	esac
	diag "$set: allowed reset types: ${allowed:-(not given: every Redfish ResetType)}"
	off=ForceOff; on=On
	code=$(req "$n" POST "$sys/Actions/ComputerSystem.Reset" "$T_TMP/a.hdr" "{\"ResetType\":\"$off\"}")
	is "$set: reset $off is 204" "$code" 204
	req "$n" GET "$sys" "$T_TMP/a.hdr" >/dev/null
	is "$set: PowerState is Off after $off" "$(body | pyj 'print(d["PowerState"])')" Off
	code=$(req "$n" POST "$sys/Actions/ComputerSystem.Reset" "$T_TMP/a.hdr" "{\"ResetType\":\"$on\"}")
	req "$n" GET "$sys" "$T_TMP/a.hdr" >/dev/null
	is "$set: reset On: 204 and PowerState On" "$code $(body | pyj 'print(d["PowerState"])')" "204 On"
	out=$(rft "$n" Systems -L "$sys" reset GracefulShutdown 2>&1); rc=$?
	req "$n" GET "$sys" "$T_TMP/a.hdr" >/dev/null
	is "$set: redfishtool reset GracefulShutdown turns it Off" "$rc $(body | pyj 'print(d["PowerState"])')" "0 Off"
	[ "$rc" = 0 ] || diag "$out"
	if [ "$rft_reset" = no-actioninfo ]; then
		# redfishtool reads the linked ResetActionInfo first, complains, and resets anyway.
		like "$set: ... after complaining the ResetActionInfo is missing" "$out" 'Error getting AllowableValues.*404'
	fi

	# Disallowed reset types: 400 naming the allowed values.
	code=$(req "$n" POST "$sys/Actions/ComputerSystem.Reset" "$T_TMP/a.hdr" '{"ResetType":"Bogus"}')
	is "$set: reset type Bogus is 400" "$code" 400
	like "$set: ... naming the allowed values" "$(body)" "not in the list of acceptable values: .*On.*ForceOff|not in the list of acceptable values: .*ForceOff.*On"
	if [ -n "$allowed" ]; then
		msg=$(body | pyj 'print(d["error"]["@Message.ExtendedInfo"][0]["Message"])')
		missing=""
		for v in $allowed; do case $msg in *"$v"*) ;; *) missing="$missing $v" ;; esac; done
		is "$set: the error names every AllowableValue of the system" "$missing" ""
	fi
	if [ -n "${NOT_ALLOWED[$set]}" ]; then
		code=$(req "$n" POST "$sys/Actions/ComputerSystem.Reset" "$T_TMP/a.hdr" "{\"ResetType\":\"${NOT_ALLOWED[$set]}\"}")
		is "$set: ${NOT_ALLOWED[$set]} (a Redfish value this set does not allow) is 400" "$code" 400
	fi
	is "$set: stats count the resets" "$(redfish_stats "$n" resets)/$(redfish_stats "$n" resets_rejected)" \
		"3/$([ -n "${NOT_ALLOWED[$set]}" ] && echo 2 || echo 1)"

	# PATCH of the boot override is kept.
	code=$(req "$n" PATCH "$sys" "$T_TMP/a.hdr" '{"Boot":{"BootSourceOverrideTarget":"Pxe","BootSourceOverrideEnabled":"Once"}}')
	req "$n" GET "$sys" "$T_TMP/a.hdr" >/dev/null
	is "$set: PATCH Boot Pxe/Once is kept" "$code $(body | pyj 'b=d["Boot"]; print(b["BootSourceOverrideTarget"], b["BootSourceOverrideEnabled"])')" "204 Pxe Once"
	is "$set: PATCH Boot with a target not allowed is 400" \
		"$(req "$n" PATCH "$sys" "$T_TMP/a.hdr" '{"Boot":{"BootSourceOverrideTarget":"Floppy8"}}')" 400

	# $expand, only where the service root says so.
	req "$n" GET '/redfish/v1/Systems?$expand=.($levels=1)' "$T_TMP/a.hdr" >/dev/null
	got=$(body | pyj 'print("yes" if "Id" in d["Members"][0] else "no")')
	is "$set: \$expand=.(\$levels=1) expanded: ${EXPAND[$set]}" "$got" "${EXPAND[$set]}"

	# A member listed in a collection but left out of the set: 404.
	absent=$(/usr/bin/python3 - "$REDFISH_DATA/$set" "$sp" <<'PY'
import json, os, sys
top, sp = sys.argv[1], sys.argv[2]
for dp, dn, fn in sorted(os.walk(top)):
    if "index.json" not in fn:
        continue
    d = json.load(open(os.path.join(dp, "index.json"), encoding="utf-8-sig"))
    for m in d.get("Members") or [] if isinstance(d.get("Members"), list) else []:
        i = m.get("@odata.id", "").rstrip("/") if isinstance(m, dict) else ""
        if i and not i.startswith(sp) and not os.path.exists(os.path.join(top, i.strip("/"), "index.json")):
            print(i); sys.exit(0)
# A partial set with synthesized collections: a synthesized member.
for c in ("Chassis", "Managers", "Systems"):
    d = os.path.join(top, "redfish/v1", c)
    for e in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if not os.path.exists(os.path.join(d, e, "index.json")):
            print("/redfish/v1/%s/%s" % (c, e)); sys.exit(0)
PY
)
	if [ -n "$absent" ]; then
		is "$set: $absent (listed, not in the set) is 404" "$(req "$n" GET "$absent" "$T_TMP/a.hdr")" 404
		like "$set: ... with ResourceMissingAtURI" "$(body)" 'ResourceMissingAtURI'
	fi

	# Session limit (--max-sessions 2): the third live session is refused.
	redfish_login "$n" "$T_TMP/b.hdr" >"$T_TMP/b.loc"
	is "$set: a second session is allowed" "$?" 0
	redfish_login "$n" "$T_TMP/c.hdr" >/dev/null; rc=$?
	is "$set: a third session is refused" "$rc" 1
	(umask 077 && /usr/bin/python3 -c 'import json,sys; print(json.dumps({"UserName": sys.argv[1], "Password": open(sys.argv[2]).readline().rstrip("\n")}))' \
		"$REDFISH_USER" "$REDFISH_PASSWORD_FILE" >"$T_TMP/login.json")
	code=$(redfish_curl "$n" -o "$T_TMP/body" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data @"$T_TMP/login.json" "$(redfish_url "$n")$sp")
	is "$set: ... with 503" "$code" 503
	like "$set: ... and a message saying maximum sessions" "$(body | pyj 'print(d["error"]["@Message.ExtendedInfo"][0]["Message"])')" 'maximum sessions'

	# DELETE of a session: 204, then its token is dead; the slot is free.
	is "$set: DELETE of the second session is 204" "$(req "$n" DELETE "$(cat "$T_TMP/b.loc")" "$T_TMP/b.hdr")" 204
	is "$set: its token is rejected" "$(req "$n" GET /redfish/v1/Systems "$T_TMP/b.hdr")" 401
	is "$set: the first token still works" "$(req "$n" GET /redfish/v1/Systems "$T_TMP/a.hdr")" 200
	redfish_login "$n" "$T_TMP/c.hdr" >/dev/null
	is "$set: a new session fits in the freed slot" "$?" 0

	# Secrets stay out of argv, logs and stats.
	pid=$(redfish_pid "$n")
	unlike "$set: the password is not in the server's argv" "$(tr '\0' ' ' </proc/"$pid"/cmdline)" "$REDFISH_PASSWORD"
	redfish_stop "$n"
	is "$set: stopped by pid" "$?" 0
	unlike "$set: the password is in neither log nor stats" \
		"$(cat "$(redfish_dir "$n")/server.log" "$(redfish_dir "$n")/stats.json")" "$REDFISH_PASSWORD"
	is "$set: stats written on SIGTERM: created/deleted" \
		"$(redfish_stats "$n" sessions_created)/$(redfish_stats "$n" sessions_deleted)" "5/3"
done

# Token expiry (--token-ttl 2, an idle timeout): used every second it lives,
# left idle for 3 s it dies.
S=dmtf-public-rackmount1
redfish_start ttl "$S" --token-ttl 2 || fail "ttl server starts"
redfish_login ttl "$T_TMP/t.hdr" >/dev/null
alive=0
for i in 1 2 3; do sleep 1; [ "$(req ttl GET /redfish/v1/Systems "$T_TMP/t.hdr")" = 200 ] && alive=$((alive + 1)); done
is "ttl: a token in use every second outlives a 2 s idle timeout" "$alive" 3
is "ttl: SessionService shows SessionTimeout 2" \
	"$(req ttl GET /redfish/v1/SessionService "$T_TMP/t.hdr") $(body | pyj 'print(d["SessionTimeout"])')" "200 2"
sleep 3
is "ttl: idle 3 s, the token is 401" "$(req ttl GET /redfish/v1/Systems "$T_TMP/t.hdr")" 401
is "ttl: stats count the expiry" "$(redfish_stats ttl sessions_expired)" 1
redfish_stop ttl
# --token-absolute: 4 s after login, however much it is used (it is never
# idle for more than about 2.5 s here).
redfish_start ttla "$S" --token-ttl 4 --token-absolute || fail "ttla server starts"
redfish_login ttla "$T_TMP/t.hdr" >/dev/null
codes=""
for i in 1 1 2.5; do sleep "$i"; codes="$codes $(req ttla GET /redfish/v1/Systems "$T_TMP/t.hdr")"; done
is "ttl: with --token-absolute a token in use dies after 4 s" "$codes" " 200 200 401"
redfish_stop ttla

# Basic auth with --basic (credentials from a netrc file).
redfish_start basic "$S" --basic || fail "basic server starts"
code=$(redfish_curl basic -o /dev/null -w '%{http_code}' --netrc-file "$T_TMP/netrc" "$(redfish_url basic)/redfish/v1/Systems")
is "basic: Basic auth works with --basic" "$code" 200
is "basic: redfishtool with Basic auth reads the root" \
	"$(timeout 60 redfishtool -c "$RFT_CFG" -A Basic -S Always -r "127.0.0.1:$(redfish_port basic)" Systems 2>&1 | pyj 'print(d["Members@odata.count"])')" 1
redfish_stop basic

# Delay: every response waits --delay-ms.
redfish_start slow "$S" --delay-ms 400 || fail "delay server starts"
t=$(redfish_curl slow -o /dev/null -w '%{time_total}' "$(redfish_url slow)/redfish/v1/")
check "delay: the root took at least 0.4 s ($t s)" /usr/bin/python3 -c "import sys; sys.exit(0 if $t >= 0.4 else 1)"
t=$(redfish_curl slow -o /dev/null -w '%{time_total}' "$(redfish_url slow)/redfish/v1/Systems")
check "delay: so did a 401 ($t s)" /usr/bin/python3 -c "import sys; sys.exit(0 if $t >= 0.4 else 1)"
redfish_stop slow

# The other faults, on one server: the token comes first, then the fault.
redfish_start other "$S" --max-sessions 8 || fail "redirect target starts"
redfish_start faults "$S" --break /redfish/v1/Systems --bad-json /redfish/v1/Managers \
	--huge /redfish/v1/Chassis --slow-body /redfish/v1/Chassis/1U --slow-rate 20 \
	--redirect "/redfish/v1/Managers/BMC=$(redfish_url other)/redfish/v1/Managers/BMC" \
	--expand-loop || fail "faults server starts"
redfish_login faults "$T_TMP/f.hdr" >/dev/null || fail "faults: login"
U=$(redfish_url faults)
redfish_curl faults -o "$T_TMP/body" -H @"$T_TMP/f.hdr" "$U/redfish/v1/Systems"; rc=$?
check "break: curl sees the connection close mid-body (exit $rc)" test "$rc" = 18 -o "$rc" = 56
check "break: a part of the body came first ($(wc -c <"$T_TMP/body") bytes)" test -s "$T_TMP/body"
out=$(rft faults Systems 2>&1); rc=$?
check "break: redfishtool fails too (exit $rc)" test "$rc" != 0
is "bad-json: status 200" "$(req faults GET /redfish/v1/Managers "$T_TMP/f.hdr")" 200
check "bad-json: the body is not JSON" sh -c "! /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' '$T_TMP/body' 2>/dev/null"
out=$(rft faults Managers 2>&1); rc=$?
like "bad-json: redfishtool reports it" "$rc $out" '^[1-9].*|[Ee]rror'
n=$(redfish_curl faults -H @"$T_TMP/f.hdr" "$U/redfish/v1/Chassis" | head -c 8000000 | wc -c)
is "huge: the body goes on past 8 MB" "$n" 8000000
is "huge: the server still answers afterwards" "$(req faults GET /redfish/v1/ )" 200
redfish_curl faults -o "$T_TMP/body" --max-time 2 -H @"$T_TMP/f.hdr" "$U/redfish/v1/Chassis/1U"; rc=$?
is "slow-body: 20 B/s does not finish in 2 s (curl exit 28)" "$rc" 28
check "slow-body: but some bytes came ($(wc -c <"$T_TMP/body"))" test "$(wc -c <"$T_TMP/body")" -gt 0 -a "$(wc -c <"$T_TMP/body")" -lt 200
code=$(redfish_curl faults -o /dev/null -D "$T_TMP/rh" -w '%{http_code}' -H @"$T_TMP/f.hdr" "$U/redfish/v1/Managers/BMC")
is "redirect: status 302" "$code" 302
is "redirect: Location is the other origin" "$(sed -n 's/^[Ll]ocation: *//p' "$T_TMP/rh" | tr -d '\r')" \
	"$(redfish_url other)/redfish/v1/Managers/BMC"
is "redirect: still 401 without a token" "$(req faults GET /redfish/v1/Managers/BMC)" 401
req faults GET '/redfish/v1/Chassis/1U/Sensors?$expand=.($levels=1)' "$T_TMP/f.hdr" >/dev/null
is "expand-loop: expanded members point back at the collection and each other" \
	"$(body | pyj 'm=d["Members"]; print(all(x["Members"][0]["@odata.id"]=="/redfish/v1/Chassis/1U/Sensors" for x in m), m[0]["Members"][1]["@odata.id"]==m[1]["@odata.id"])')" "True True"
is "faults: stats count each fault" \
	"$(redfish_stats faults faults | pyj 'print(*[d[k] > 0 for k in ("break","bad_json","huge","slow","redirect","expand_loop")])')" \
	"True True True True True True"
redfish_stop faults
redfish_stop other

# The key can change: in place (SIGHUP) or at a restart with --regen; a
# plain restart keeps it.
redfish_start key "$S" || fail "key server starts"
cp "$(redfish_cert key)" "$T_TMP/old.pem"
f1=$(redfish_fpr key)
redfish_rekey key
is "rekey: the running server now serves a new certificate" "$?" 0
check "rekey: the fingerprint changed" test "$(redfish_fpr key)" != "$f1"
curl -s --max-time 10 --cacert "$T_TMP/old.pem" -o /dev/null "$(redfish_url key)/redfish/v1/"; rc=$?
is "rekey: the old certificate no longer verifies (curl exit 60)" "$rc" 60
is "rekey: the new one does" "$(req key GET /redfish/v1/)" 200
f2=$(redfish_fpr key); port=$(redfish_port key)
redfish_stop key
redfish_start key "$S" --port "$port" || fail "key server restarts"
is "restart without --regen keeps the key" "$(redfish_fpr key)" "$f2"
redfish_stop key
redfish_start key "$S" --regen || fail "key server restarts with --regen"
check "restart with --regen changes it" test "$(redfish_fpr key)" != "$f2"

# The fleet file for bmctop.
redfish_fleet "$T_TMP/fleet.conf" key
is "fleet: file is 0600" "$(stat -c %a "$T_TMP/fleet.conf")" 600
is "fleet: password file is 0600" "$(stat -c %a "$T_TMP/fleet.conf.pw")" 600
like "fleet: names the host's Redfish URL" "$(cat "$T_TMP/fleet.conf")" "redfish = https://127\.0\.0\.1:$(redfish_port key)$"
like "fleet: protocol redfish, tls insecure" "$(cat "$T_TMP/fleet.conf")" '^protocol = redfish$'
unlike "fleet: no password in the fleet file" "$(cat "$T_TMP/fleet.conf")" "$REDFISH_PASSWORD"
REDFISH_FLEET_TLS=pin redfish_fleet "$T_TMP/pin.conf" key
like "fleet: tls = pin adds the key's pin" "$(cat "$T_TMP/pin.conf")" '^tls-pin = sha256//[A-Za-z0-9+/]{43}=$'
redfish_stop key
