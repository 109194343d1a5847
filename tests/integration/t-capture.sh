# t-capture.sh - bmctop capture and bmcsim --replay: a BMC recorded, then
# served again, reads the same (modulo redaction, address and time); every
# vendor mockup replayed reads as redfish-server.py serving it does; sushy
# agrees with bmctop on a replay; redaction leaves no serial number behind;
# a broken capture is refused naming file:line.
#
# One password for everything, in a 0600 file (bmcsim --password-file, the
# fleet files, redfish.sh's REDFISH_PASSWORD_FILE, sushy's stdin).
. "$SRCDIR/tests/lib/tap.sh"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || skip_all "bmcsim is not built ($BMCSIM)"
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
need timeout openssl curl

PW=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16)
PWFILE="$T_TMP/password"
(umask 077 && printf '%s\n' "$PW" >"$PWFILE")
export REDFISH_PASSWORD=$PW
. "$SRCDIR/tests/lib/redfish.sh"

# sim NAME ARGS...: a bmcsim whose fleet file is $T_TMP/NAME.conf; 0 once ready.
sim() {
	local name=$1 i; shift
	spawn "$BMCSIM" --port 0 --tick 0 --password-file "$PWFILE" --fleet-out "$T_TMP/$name.conf" \
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
unsim() { local p; eval "p=\$PID_$1"; kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; }

# same FILE1 FILE2: the two JSON answers agree but for names, addresses,
# times and (with REDACTED=1) serial numbers.
same() {
	REDACTED=${REDACTED:-0} /usr/bin/python3 - "$1" "$2" <<'PY'
import json, os, sys
drop = {"name", "address", "updated", "time", "counters"}
red = os.environ["REDACTED"] == "1"
def norm(v, top=True):
    if isinstance(v, list):
        return [norm(x, top) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if top and k in drop or k in ("updated", "time", "counters"):
                continue
            if red and "serial" in k.lower():
                continue
            out[k] = norm(x, False)
        return out
    return v
a, b = (norm(json.load(open(f))) for f in sys.argv[1:3])
if a != b:
    print(json.dumps(a, sort_keys=True, indent=1)[:3000]); print("----")
    print(json.dumps(b, sort_keys=True, indent=1)[:3000])
    sys.exit(1)
PY
}

# (a) a capture of each kind of bmcsim BMC, replayed.
sim live --count 2 --redfish-share 50 --seed 3 || { fail "bmcsim starts"; exit 0; }
ok "bmcsim with an IPMI BMC and a Redfish one is ready"
mapfile -t HOSTS < <(sed -n 's/^\[host \(.*\)\]$/\1/p' "$T_TMP/live.conf")
is "two hosts in its fleet" "${#HOSTS[@]}" 2
for h in "${HOSTS[@]}"; do
	kind=ipmi
	grep -A5 "^\[host $h\]" "$T_TMP/live.conf" | grep -q '^redfish' && kind=redfish
	dir="$T_TMP/cap-$kind"
	timeout 120 "$BMCTOP" -c "$T_TMP/live.conf" capture "$h" "$dir" 2>"$T_TMP/cap-$kind.err"
	is "$kind: capture exits 0" "$?" 0
	check "$kind: the capture has a README" test -s "$dir/README"
	check "$kind: the capture has ipmi.txt" test -s "$dir/ipmi.txt"
	if [ $kind = redfish ]; then
		check "$kind: the capture has a service root" test -s "$dir/redfish/v1/index.json"
	fi
	is "$kind: files are 0600" "$(find "$dir" -type f ! -perm 0600 | wc -l)" 0
	is "$kind: directories are 0700" "$(find "$dir" -type d ! -perm 0700 | wc -l)" 0
	sim "rp$kind" --replay "$dir" || { fail "$kind: bmcsim --replay starts"; continue; }
	rh=$(sed -n 's/^\[host \(.*\)\]$/\1/p' "$T_TMP/rp$kind.conf")
	for cmd in status sensors sel fru; do
		timeout 60 "$BMCTOP" -c "$T_TMP/live.conf" $cmd "$h" --json >"$T_TMP/l.json" 2>"$T_TMP/l.err"
		timeout 60 "$BMCTOP" -c "$T_TMP/rp$kind.conf" $cmd "$rh" --json >"$T_TMP/r.json" 2>"$T_TMP/r.err"
		if REDACTED=1 same "$T_TMP/l.json" "$T_TMP/r.json" >"$T_TMP/diff" 2>&1; then
			ok "$kind: $cmd --json of the replay equals the live BMC's"
		else
			fail "$kind: $cmd --json of the replay equals the live BMC's"
			diag "$(cat "$T_TMP/diff" "$T_TMP/r.err" | head -60)"
		fi
	done
	n=$(timeout 60 "$BMCTOP" -c "$T_TMP/rp$kind.conf" sensors "$rh" --json |
		/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["sensors"]))')
	check "$kind: the replay has sensors ($n)" test "${n:-0}" -gt 0

	# A reference client on the IPMI replay: ipmitool reads SDR records and
	# FRU data in chunks other than bmctop's, so these come from the records
	# and image the replay put together.  Serial numbers differ (redacted).
	if command -v ipmitool >/dev/null; then
		lport=$(grep -A3 "^\[host $h\]" "$T_TMP/live.conf" | sed -n 's/^ipmi-port = //p')
		rport=$(env_get "$T_TMP/rp$kind.ready" FIRST_PORT)
		for c in "sdr list" "fru print" "sel list" "chassis status"; do
			for p in "$lport" "$rport"; do
				# shellcheck disable=SC2086
				timeout 60 ipmitool -I lanplus -H 127.0.0.1 -p "$p" -U admin -f "$PWFILE" $c 2>&1 |
					grep -v 'Serial' >"$T_TMP/it-$p.txt"
			done
			if [ -s "$T_TMP/it-$rport.txt" ] && cmp -s "$T_TMP/it-$lport.txt" "$T_TMP/it-$rport.txt"; then
				ok "$kind: ipmitool $c: the replay answers as the live BMC ($(wc -l <"$T_TMP/it-$rport.txt") lines)"
			else
				fail "$kind: ipmitool $c: the replay answers as the live BMC"
				diag "$(diff "$T_TMP/it-$lport.txt" "$T_TMP/it-$rport.txt" | head -20)"
			fi
		done
	fi

	# (b) redaction: the live BMC's serial number is nowhere in the capture.
	serial=$(timeout 60 "$BMCTOP" -c "$T_TMP/live.conf" status "$h" --json |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["serial"] or "")')
	# IPMI gives it in the FRU inventory.
	[ -n "$serial" ] || serial=$(timeout 60 "$BMCTOP" -c "$T_TMP/live.conf" fru "$h" --json |
		/usr/bin/python3 -c 'import json,sys; inv = json.load(sys.stdin)["inventory"]
print(next((v for k, v in inv.items() if "serial" in k.lower() and v), ""))')
	if [ -n "$serial" ]; then
		is "$kind: the serial number $serial is not in the capture" \
			"$(grep -rlF "$serial" "$dir" | wc -l)" 0
		like "$kind: the README lists a serial number redaction" "$(cat "$dir/README")" \
			'SerialNumber: serial number|FRU .* serial number: serial number'
	else
		fail "$kind: the live BMC shows a serial number"
	fi
	unsim "rp$kind"
done

# --no-redact keeps it; an existing non-empty directory is refused.
timeout 120 "$BMCTOP" -c "$T_TMP/live.conf" capture "${HOSTS[0]}" "$T_TMP/cap-ipmi" 2>"$T_TMP/err"
is "capture into a non-empty directory: exit 2" "$?" 2
like "... saying so" "$(cat "$T_TMP/err")" 'not empty'
ln -s "$T_TMP/elsewhere" "$T_TMP/cap-link"
timeout 120 "$BMCTOP" -c "$T_TMP/live.conf" capture "${HOSTS[0]}" "$T_TMP/cap-link" 2>"$T_TMP/err"
check "capture into a symbolic link: refused" test $? -ne 0 -a ! -e "$T_TMP/elsewhere"
timeout 120 "$BMCTOP" -c "$T_TMP/live.conf" capture "${HOSTS[0]}" "$T_TMP/cap-raw" --no-redact 2>/dev/null
like "--no-redact: the README says so" "$(cat "$T_TMP/cap-raw/README")" 'NOT REDACTED'
unsim live

# (c) every vendor set: bmcsim --replay reads as redfish-server.py does.
if true; then
	for set in $(cd "$SRCDIR/tests/data/redfish" && ls -d */ | tr -d /); do
		redfish_start "v$set" "$set" || { fail "$set: redfish-server.py starts"; continue; }
		REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/py.conf" "v$set"
		sim "rp" --replay "$SRCDIR/tests/data/redfish/$set" --user "$REDFISH_USER" ||
			{ fail "$set: bmcsim --replay starts"; redfish_stop "v$set"; continue; }
		rh=$(sed -n 's/^\[host \(.*\)\]$/\1/p' "$T_TMP/rp.conf")
		timeout 60 "$BMCTOP" -c "$T_TMP/py.conf" status --json "v$set" >"$T_TMP/p.json" 2>/dev/null
		timeout 60 "$BMCTOP" -c "$T_TMP/rp.conf" status --json "$rh" >"$T_TMP/r.json" 2>"$T_TMP/r.err"
		if same "$T_TMP/p.json" "$T_TMP/r.json" >"$T_TMP/diff" 2>&1; then
			ok "$set: status --json of the replay equals redfish-server.py's"
		else
			fail "$set: status --json of the replay equals redfish-server.py's"
			diag "$(cat "$T_TMP/diff" "$T_TMP/r.err" | head -40)"
		fi
		# (d) a reference client on the replay: python3-sushy.
		if [ "$set" = hpe-ilo5-dl360-gen10plus ]; then
			if /usr/bin/python3 -c 'import sushy' 2>/dev/null; then
				url=$(sed -n 's/^redfish = //p' "$T_TMP/rp.conf")
				/usr/bin/python3 "$SRCDIR/tests/peers/sushy-read.py" "$url" "$REDFISH_USER" \
					<"$PWFILE" >"$T_TMP/sushy.json" 2>"$T_TMP/sushy.err"
				is "sushy reads the replay" "$?" 0
				timeout 60 "$BMCTOP" -c "$T_TMP/rp.conf" sensors --json "$rh" >"$T_TMP/s.json"
				/usr/bin/python3 - "$T_TMP/sushy.json" "$T_TMP/r.json" "$T_TMP/s.json" >"$T_TMP/cmp" 2>&1 <<'PY'
import json, sys
su = json.load(open(sys.argv[1])); st = json.load(open(sys.argv[2]))[0]
se = {s["name"]: s for s in json.load(open(sys.argv[3]))["sensors"]}
bad = []
if su["power"].lower() != st["power"]:
    bad.append("power: sushy %s, bmctop %s" % (su["power"], st["power"]))
for kind, d in (("temperature", su["temperatures"]), ("fan", su["fans"])):
    for name, v in d.items():
        s = se.get(name)
        if s is None or s.get("value") is None or abs(s["value"] - v) > 1e-6:
            bad.append("%s %s: sushy %s, bmctop %s" % (kind, name, v, s and s.get("value")))
print("%d temperatures, %d fans" % (len(su["temperatures"]), len(su["fans"])))
print("\n".join(bad)); sys.exit(1 if bad or not su["temperatures"] else 0)
PY
				if [ $? = 0 ]; then ok "sushy and bmctop agree on power, temperatures and fans ($(head -1 "$T_TMP/cmp"))"
				else fail "sushy and bmctop agree on power, temperatures and fans"; diag "$(cat "$T_TMP/cmp" "$T_TMP/sushy.err" | head -20)"; fi
			else
				skip_note="python3-sushy not installed"
				echo "ok - $T_NAME: sushy cross-check # SKIP $skip_note"
			fi
		fi
		unsim rp
		redfish_stop "v$set"
	done
fi

# A capture of a vendor service (redfish-server.py) whose collections come
# in pages of 2: the pages are put together, and the replay reads the same.
set=hpe-ilo6-dl380a-gen11
if redfish_start pg "$set" --page-size 2; then
	REDFISH_FLEET_TLS=insecure redfish_fleet "$T_TMP/pg.conf" pg
	timeout 120 "$BMCTOP" -c "$T_TMP/pg.conf" capture pg "$T_TMP/cap-pg" 2>"$T_TMP/err"
	is "$set in pages: capture exits 0" "$?" 0
	unlike "... no collection keeps a next page" \
		"$(grep -rl 'Members@odata.nextLink' "$T_TMP/cap-pg" 2>/dev/null)" .
	sim rppg --replay "$T_TMP/cap-pg" --user "$REDFISH_USER" || fail "$set in pages: replay starts"
	rh=$(sed -n 's/^\[host \(.*\)\]$/\1/p' "$T_TMP/rppg.conf")
	for cmd in status sensors sel; do
		timeout 60 "$BMCTOP" -c "$T_TMP/pg.conf" $cmd pg --json >"$T_TMP/p.json" 2>/dev/null
		timeout 60 "$BMCTOP" -c "$T_TMP/rppg.conf" $cmd "$rh" --json >"$T_TMP/r.json" 2>"$T_TMP/r.err"
		if REDACTED=1 same "$T_TMP/p.json" "$T_TMP/r.json" >"$T_TMP/diff" 2>&1; then
			ok "$set in pages: $cmd --json of the capture's replay equals the service's"
		else
			fail "$set in pages: $cmd --json of the capture's replay equals the service's"
			diag "$(cat "$T_TMP/diff" "$T_TMP/r.err" | head -40)"
		fi
	done
	unsim rppg
	redfish_stop pg
else
	fail "$set in pages: redfish-server.py starts"
fi

# A capture of a real IPMI peer, OpenIPMI's ipmi_sim, replayed.
if command -v ipmi_sim >/dev/null; then
	IPMISIM_PASSWORD=$PW
	. "$SRCDIR/tests/lib/ipmisim.sh"
	export -n IPMI_PASSWORD IPMISIM_PASSWORD # no child of this test needs them
	if ipmisim_start real; then
		ipmisim_fleet "$T_TMP/real.conf" real
		timeout 120 "$BMCTOP" -c "$T_TMP/real.conf" capture real "$T_TMP/cap-real" 2>"$T_TMP/err"
		is "ipmi_sim: capture exits 0" "$?" 0
		sim rpreal --replay "$T_TMP/cap-real" || fail "ipmi_sim: replay starts"
		rh=$(sed -n 's/^\[host \(.*\)\]$/\1/p' "$T_TMP/rpreal.conf")
		for cmd in status sensors sel fru; do
			timeout 60 "$BMCTOP" -c "$T_TMP/real.conf" $cmd real --json >"$T_TMP/p.json" 2>/dev/null
			timeout 60 "$BMCTOP" -c "$T_TMP/rpreal.conf" $cmd "$rh" --json >"$T_TMP/r.json" 2>"$T_TMP/r.err"
			if REDACTED=1 same "$T_TMP/p.json" "$T_TMP/r.json" >"$T_TMP/diff" 2>&1; then
				ok "ipmi_sim: $cmd --json of the capture's replay equals ipmi_sim's"
			else
				fail "ipmi_sim: $cmd --json of the capture's replay equals ipmi_sim's"
				diag "$(cat "$T_TMP/diff" "$T_TMP/r.err" | head -40)"
			fi
		done
		unsim rpreal
	else
		fail "ipmi_sim starts"
	fi
else
	echo "ok - $T_NAME: a capture of ipmi_sim # SKIP ipmi_sim not installed"
fi

# (e) hostile captures: refused, naming file and line.
mkdir -p "$T_TMP/bad1" "$T_TMP/bad2/redfish/v1/Systems"
printf '# a comment\n06 01 - -> 00 20\n06 01 zz -> 00\n' >"$T_TMP/bad1/ipmi.txt"
"$BMCSIM" --password-file "$PWFILE" --replay "$T_TMP/bad1" --max-seconds 5 2>"$T_TMP/err" </dev/null
is "malformed ipmi.txt: bmcsim exits 2" "$?" 2
like "... naming ipmi.txt:3" "$(cat "$T_TMP/err")" 'bad1/ipmi.txt:3: expected NETFN CMD'
printf '{"@odata.id": "/redfish/v1"}\n' >"$T_TMP/bad2/redfish/v1/index.json"
printf '{\n  "Members": [\n    oops\n' >"$T_TMP/bad2/redfish/v1/Systems/index.json"
"$BMCSIM" --password-file "$PWFILE" --replay "$T_TMP/bad2" --max-seconds 5 2>"$T_TMP/err" </dev/null
is "malformed resource: bmcsim exits 2" "$?" 2
like "... naming Systems/index.json:3" "$(cat "$T_TMP/err")" 'Systems/index.json:3: not JSON'
ln -s /etc "$T_TMP/bad2/redfish/v1/Managers"
rm "$T_TMP/bad2/redfish/v1/Systems/index.json"
"$BMCSIM" --password-file "$PWFILE" --replay "$T_TMP/bad2" --max-seconds 5 2>"$T_TMP/err" </dev/null
like "a symbolic link in the capture: refused" "$(cat "$T_TMP/err")" 'Managers: a symbolic link'
