# t-ipmi-quirks.sh - FreeIPMI's catalogue of IPMI 2.0 and SOL firmware
# defects (its -W workarounds), each played by a bmcsim BMC (--quirk NAME):
# bmctop reads its sensors and power and opens its SOL console without being
# told; FreeIPMI (ipmi-sensors, ipmi-chassis, ipmiconsole) agrees once given
# the matching -W flag and fails without it, showing the defect is real
# (ipmitool for solport: ipmiconsole never follows a port off 623).  A wrong
# password still costs exactly one password attempt on every defective BMC,
# counted at the simulator (RAKP 2 messages carrying a proof, RAKP 3s), and
# the one probe that costs a login (intel20's padded user name) is made once
# per host, ever.  The fleet file's "workarounds" key forces and forbids.
. "$SRCDIR/tests/lib/tap.sh"
need ipmi-sensors ipmi-chassis ipmiconsole ipmitool timeout
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"

BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || { fail "bmcsim is built at $BMCSIM"; exit 0; }
PEERS="$SRCDIR/tests/peers"

PW=$(tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16)
PWF="$T_TMP/password"
(umask 077 && printf '%s\n' "$PW" >"$PWF" && printf 'not-%s\n' "$PW" >"$T_TMP/badpw")
(umask 077 && printf 'username admin\npassword %s\n' "$PW" >"$T_TMP/freeipmi.conf")
export IPMI_PASSWORD="$PW"
mkdir -m 700 "$T_TMP/sdrcache"

SESSION_QUIRKS="authcap nochecksumcheck intel20 supermicro20 sun20 opensesspriv"
SOL_QUIRKS="solpayloadsize solport solstatus solchannelsupport serialalertsdeferred"

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# quirk_sim NAME ARGS...: one bmcsim BMC on a port below 32768 (ipmiconsole
# 1.6 reads higher ports as negative), its files $T_TMP/NAME.*; a few
# random bases, in case one is taken.
quirk_sim() {
	local name=$1 try base; shift
	for try in 1 2 3 4 5; do
		base=$((20000 + RANDOM % 12000))
		rm -f "$T_TMP/$name.ready"
		spawn "$BMCSIM" --password-file "$PWF" --port "$base" --tick 0 --max-seconds 900 \
			--fleet-out "$T_TMP/$name.conf" --ready-file "$T_TMP/$name.ready" \
			--dump "$T_TMP/$name.json" "$@" 2>"$T_TMP/$name.err"
		eval "SIM_PID_$name=$T_LAST_PID"
		wait_for 30 test -f "$T_TMP/$name.ready" && return 0
		kill "$T_LAST_PID" 2>/dev/null
	done
	diag "$(cat "$T_TMP/$name.err")"
	return 1
}
sim_port() { env_get "$T_TMP/$1.ready" FIRST_PORT; }
# sim_count NAME FIELD: a counter of the BMC in a fresh model dump.
sim_count() {
	local pid; eval "pid=\$SIM_PID_$1"
	rm -f "$T_TMP/$1.json"
	kill -USR1 "$pid"
	wait_for 20 test -s "$T_TMP/$1.json" || return 1
	pyj "print(d[0]['$2'])" <"$T_TMP/$1.json"
}

# freeipmi TOOL NAME [ARGS...]: a FreeIPMI tool against NAME, suite 3 (the
# one its workarounds know), short timeouts so the failing runs end soon.
freeipmi() {
	local tool=$1 name=$2; shift 2
	timeout 60 "$tool" -D LAN_2_0 -I 3 --config-file "$T_TMP/freeipmi.conf" \
		-h "127.0.0.1:$(sim_port "$name")" --session-timeout 6000 \
		--retransmission-timeout 1000 "$@"
}

# Readings "NAME | ... | VALUE" (ipmi-sensors) or bmctop's JSON against the
# model dump; all must agree within the printed precision.
compare_fi() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, re, sys
model = {s["name"]: s["value"] for s in json.load(open(sys.argv[1]))[0]["sensors"] if s["unit"]}
n = bad = 0
for line in open(sys.argv[2]):
    parts = [p.strip() for p in line.split("|")]
    hit = [i for i, p in enumerate(parts) if p in model]
    if not hit:
        continue
    vals = [re.match(r"^-?[0-9]+(\.[0-9]+)?$", p) for p in parts[hit[0] + 1:]]
    vals = [float(m.group(0)) for m in vals if m]
    if not vals:
        continue
    n += 1
    if abs(vals[0] - model[parts[hit[0]]]) > 0.006:
        print("# %s: FreeIPMI %s, model %s" % (parts[hit[0]], vals[0], model[parts[hit[0]]]))
        bad += 1
print("# FreeIPMI: compared %d readings" % n)
sys.exit(1 if bad or n < 9 else 0)
PY
}
compare_bmctop() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
model = {s["name"]: s["value"] for s in json.load(open(sys.argv[1]))[0]["sensors"] if s["unit"]}
host = json.load(open(sys.argv[2]))[0]
n = bad = 0
for s in host["sensors"]:
    if s["name"] in model and s.get("value") is not None:
        n += 1
        if abs(s["value"] - model[s["name"]]) > 0.006:
            print("# %s: bmctop %s, model %s" % (s["name"], s["value"], model[s["name"]]))
            bad += 1
print("# bmctop: compared %d readings" % n)
sys.exit(1 if bad or n < 9 else 0)
PY
}

# A console session: whatever the fake host shows (login prompt or shell),
# log in, echo a token (its output, not the typed line), log out.  Every
# keystroke must reach the host.
SOL_STEPS=("send:\r" "expect:login:|# " "send:root\r" "expect:Password:|# " "send:x\r"
	"expect:# " "send:echo quirk-token\r" "expect:\nquirk-token\r\n" "send:exit\r" "expect:login:")
sol_bmctop() {
	timeout 90 /usr/bin/python3 "$PEERS/pty-expect.py" --timeout 15 \
		--transcript "$T_TMP/$1.bsol.txt" "${SOL_STEPS[@]}" 'send:\r~.' 'eof' -- \
		"$BMCTOP" -c "$T_TMP/$1.conf" sol bmc01 --steal >/dev/null 2>&1
}
sol_ipmiconsole() {
	local name=$1; shift
	timeout 90 /usr/bin/python3 "$PEERS/pty-expect.py" --timeout 10 \
		--transcript "$T_TMP/$name.isol.txt" "${SOL_STEPS[@]}" 'send:&.' 'eof' -- \
		ipmiconsole -I 3 --config-file "$T_TMP/freeipmi.conf" \
		-h "127.0.0.1:$(sim_port "$name")" "$@" >/dev/null 2>&1
}
sol_ipmitool() {
	timeout 90 /usr/bin/python3 "$PEERS/pty-expect.py" --timeout 10 \
		--transcript "$T_TMP/$1.tsol.txt" "${SOL_STEPS[@]}" 'send:~.' 'eof' -- \
		ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$(sim_port "$1")" -U admin -E \
		sol activate >/dev/null 2>&1
}

# What bmctop's status --json says of a quirk (workarounds in use): sun20's
# RAKP 2 defect is Supermicro's; opensesspriv never bites bmctop (it names
# the same privilege in Open Session and RAKP 1); the SOL ones show in SOL.
expected_wa() {
	case $1 in
	sun20) echo supermicro20 ;;
	opensesspriv | sol*) echo "" ;;
	serialalertsdeferred) echo "" ;;
	*) echo "$1" ;;
	esac
}

for q in $SESSION_QUIRKS $SOL_QUIRKS; do
	quirk_sim "$q" --quirk "$q" || { fail "bmcsim --quirk $q starts"; continue; }
done

# --- Every quirk: bmctop reads it, FreeIPMI needs the flag -----------------
for q in $SESSION_QUIRKS $SOL_QUIRKS; do
	[ -f "$T_TMP/$q.ready" ] || continue
	is "$q: the simulator shows the quirk" \
		"$(pyj "print(','.join(d[0]['quirks']))" <"$T_TMP/$q.json")" "$q"
	timeout 60 "$BMCTOP" -c "$T_TMP/$q.conf" status --json >"$T_TMP/$q.status" 2>"$T_TMP/$q.status.err"
	is "$q: bmctop status: state ok, power on" \
		"$(pyj "h=d[0]; print(h['state'], h['power'])" <"$T_TMP/$q.status" 2>&1)" "ok on"
	check "$q: bmctop's readings equal the model" compare_bmctop "$T_TMP/$q.json" "$T_TMP/$q.status"
	is "$q: bmctop names the workaround in use" \
		"$(pyj "print(','.join(d[0]['workarounds']))" <"$T_TMP/$q.status" 2>&1)" "$(expected_wa "$q")"

	case " $SESSION_QUIRKS " in
	*" $q "*)
		freeipmi ipmi-sensors "$q" -W "$q" --sdr-cache-directory "$T_TMP/sdrcache" \
			>"$T_TMP/$q.fi" 2>&1
		check "$q: FreeIPMI ipmi-sensors -W $q equals the model" compare_fi "$T_TMP/$q.json" "$T_TMP/$q.fi"
		like "$q: FreeIPMI ipmi-chassis -W $q reads power on" \
			"$(freeipmi ipmi-chassis "$q" -W "$q" --get-chassis-status 2>&1)" 'System Power +: on'
		out=$(freeipmi ipmi-chassis "$q" --get-chassis-status 2>&1)
		unlike "$q: without -W $q FreeIPMI fails" "$out" 'System Power +: on'
		;;
	*)
		freeipmi ipmi-sensors "$q" --sdr-cache-directory "$T_TMP/sdrcache" >"$T_TMP/$q.fi" 2>&1
		check "$q: FreeIPMI ipmi-sensors equals the model" compare_fi "$T_TMP/$q.json" "$T_TMP/$q.fi"
		like "$q: FreeIPMI ipmi-chassis reads power on" \
			"$(freeipmi ipmi-chassis "$q" --get-chassis-status 2>&1)" 'System Power +: on'
		;;
	esac

	# SOL: bmctop, then the reference client with and without the flag.
	check "$q: bmctop sol: login, echo, logout" sol_bmctop "$q"
	if [ "$q" = solport ]; then
		check "$q: ipmitool sol activate works (it stays on the session's port)" sol_ipmitool "$q"
		like "$q: bmctop noted the bad port" "$(cat "$XDG_STATE_HOME/bmctop/bmctop.log")" \
			'"solport"'
	else
		check "$q: ipmiconsole -W $q: login, echo, logout" sol_ipmiconsole "$q" -W "$q"
		sol_ipmiconsole "$q"
		rc=$?
		check "$q: ipmiconsole without -W $q fails" test "$rc" -ne 0
	fi
done
like "solpayloadsize: bmctop noted the impossible payload size" \
	"$(cat "$XDG_STATE_HOME/bmctop/bmctop.log")" '"solpayloadsize"'

# --- A wrong password costs exactly one attempt -----------------------------
# (A state directory that knows none of these hosts yet.)
export XDG_STATE_HOME="$T_TMP/state-badpw"
for q in $SESSION_QUIRKS; do
	[ -f "$T_TMP/$q.ready" ] || continue
	sed "s#^password-file = .*#password-file = $T_TMP/badpw#" "$T_TMP/$q.conf" >"$T_TMP/$q.bad.conf"
	p0=$(sim_count "$q" rakp2_proofs); r0=$(sim_count "$q" rakp3s); l0=$(sim_count "$q" logins)
	timeout 60 "$BMCTOP" -c "$T_TMP/$q.bad.conf" status --json >"$T_TMP/$q.bad" 2>/dev/null
	like "$q: wrong password: a clear error" \
		"$(pyj "print(d[0]['error'])" <"$T_TMP/$q.bad" 2>&1)" 'wrong password'
	p1=$(sim_count "$q" rakp2_proofs); r1=$(sim_count "$q" rakp3s); l1=$(sim_count "$q" logins)
	is "$q: wrong password: one RAKP 2 proof, no RAKP 3" "$((p1 - p0)) $((r1 - r0))" "1 0"
	# A second run: still one, intel20's probe is not made again.
	timeout 60 "$BMCTOP" -c "$T_TMP/$q.bad.conf" status --json >/dev/null 2>&1
	p2=$(sim_count "$q" rakp2_proofs); l2=$(sim_count "$q" logins)
	is "$q: wrong password again: one more proof, one more RAKP 1" "$((p2 - p1)) $((l2 - l1))" "1 1"
	[ "$q" = intel20 ] && is "intel20: the first run probed the padded name once (2 RAKP 1s, the first refused by name)" \
		"$((l1 - l0))" 2
done

# --- workarounds = LIST forces, none forbids ----------------------------------
if [ -f "$T_TMP/intel20.ready" ]; then
	export XDG_STATE_HOME="$T_TMP/state2"
	printf 'workarounds = intel20\n' >"$T_TMP/force.extra"
	sed '/^\[defaults\]/r '"$T_TMP/force.extra" "$T_TMP/intel20.conf" >"$T_TMP/intel20.force.conf"
	l0=$(sim_count intel20 logins)
	timeout 60 "$BMCTOP" -c "$T_TMP/intel20.force.conf" status --json >"$T_TMP/force.json" 2>"$T_TMP/force.err"
	l1=$(sim_count intel20 logins)
	is "workarounds = intel20: one RAKP 1, padded from the start" "$((l1 - l0))" 1
	is "workarounds = intel20: host ok, intel20 listed" \
		"$(pyj "h=d[0]; print(h['state'], ','.join(h['workarounds']))" <"$T_TMP/force.json" 2>&1)" "ok intel20"
fi
if [ -f "$T_TMP/supermicro20.ready" ]; then
	export XDG_STATE_HOME="$T_TMP/state3"
	printf 'workarounds = none\n' >"$T_TMP/none.extra"
	sed '/^\[defaults\]/r '"$T_TMP/none.extra" "$T_TMP/supermicro20.conf" >"$T_TMP/sm.none.conf"
	timeout 60 "$BMCTOP" -c "$T_TMP/sm.none.conf" status --json >"$T_TMP/none.json" 2>"$T_TMP/none.err"
	is "workarounds = none: supermicro20's long RAKP 2 is refused, nothing listed" \
		"$(pyj "h=d[0]; print(h['state'], h['workarounds'])" <"$T_TMP/none.json" 2>&1)" \
		"authentication failed []"
fi
# The detail view's Power tab names the workarounds in use.
if [ -f "$T_TMP/supermicro20.ready" ] && command -v tmux >/dev/null 2>&1; then
	sock="$T_TMP/tmux.sock"
	tmux -S "$sock" new-session -d -x 140 -y 30 \
		"XDG_STATE_HOME='$T_TMP/state-tui' '$BMCTOP' -c '$T_TMP/supermicro20.conf'; sleep 30"
	T_PIDS="$T_PIDS $(tmux -S "$sock" display-message -p '#{pane_pid}')"
	tui_shows() { wait_for 15 sh -c "tmux -S '$sock' capture-pane -p | grep -qE -- '$1'"; }
	tui_shows '^ *.? ?bmc01 .* on ' || diag "$(tmux -S "$sock" capture-pane -p)"
	tmux -S "$sock" send-keys Enter
	tui_shows '^ bmc01 +127\.0\.0\.1:'
	tmux -S "$sock" send-keys 2
	if tui_shows 'IPMI workarounds: supermicro20'; then
		ok "detail view, Power tab: IPMI workarounds: supermicro20"
	else
		fail "detail view, Power tab: IPMI workarounds: supermicro20"
		diag "$(tmux -S "$sock" capture-pane -p)"
	fi
	tmux -S "$sock" send-keys Escape q
	tmux -S "$sock" kill-server 2>/dev/null
fi

printf '[defaults]\nworkarounds = intel20,bogus\n[host a]\naddress = 127.0.0.1\n' >"$T_TMP/bad.conf"
out=$(timeout 30 "$BMCTOP" -c "$T_TMP/bad.conf" status --json 2>&1); rc=$?
check "workarounds = bogus: the fleet file is refused" test "$rc" -ne 0
like "workarounds = bogus: the error names the known workarounds" "$out" 'workarounds.*supermicro20'

# --- bmcsim: a share of a fleet, unknown names ----------------------------------
if quirk_sim share --count 4 --quirk intel20,solport --quirk-share 50; then
	is "--quirk-share 50: two BMCs of four have the quirks" \
		"$(pyj "print(sum(1 for b in d if b['quirks'] == ['intel20', 'solport']), sum(1 for b in d if not b['quirks']))" <"$T_TMP/share.json")" "2 2"
else
	fail "bmcsim --quirk-share starts"
fi
out=$("$BMCSIM" --password-file "$PWF" --quirk intel21 2>&1); rc=$?
check "--quirk intel21: refused" test "$rc" -ne 0
like "--quirk intel21: the error lists the known quirks" "$out" 'unknown quirk "intel21".*serialalertsdeferred'

# --- K_g (the BMC key) against OpenIPMI's ipmi_sim ----------------------------
# ipmi_sim takes the key as "bmc_key" in its LAN section.  bmctop reads it
# from kg-file (0600), ipmitool from IPMI_KGKEY (-K), FreeIPMI from its
# configuration file (k_g): never on a command line.
if command -v ipmi_sim >/dev/null 2>&1; then
	KG=$(tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 12)
	kdir="$T_TMP/kgsim"
	mkdir -m 700 "$kdir" "$kdir/state"
	(umask 077 && printf '%s\n' "$KG" >"$kdir/kg" && printf 'wrong%s\n' "$KG" >"$kdir/badkg")
	kport=$(free_port udp)
	{
		echo "name \"kgsim\""
		echo "set_working_mc 0x20"
		echo "  startlan 1"
		echo "    addr 127.0.0.1 $kport"
		echo "    priv_limit admin"
		echo "    allowed_auths_admin md5"
		echo "    guid a123456789abcdefa123456789abcdef"
		echo "    bmc_key \"$KG\""
		echo "  endlan"
		echo "  user 1 false \"\" \"\" user 10 none"
		echo "  user 2 true \"admin\" \"$PW\" admin 10 md5"
	} >"$kdir/lan.conf"
	chmod 600 "$kdir/lan.conf"
	printf 'mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02\nmc_enable 0x20\n' \
		>"$kdir/bmc.emu"
	spawn timeout -k 5 600 ipmi_sim -c "$kdir/lan.conf" -f "$kdir/bmc.emu" -s "$kdir/state" -n -p \
		</dev/null >"$kdir/sim.log" 2>&1
	kg_fleet() {
		printf '[defaults]\nuser = admin\npassword-file = %s\nprotocol = ipmi\ncipher-suite = 3\n' "$PWF"
		[ -z "$1" ] || printf 'kg-file = %s\n' "$1"
		printf '[host kgbmc]\naddress = 127.0.0.1\nipmi-port = %s\n' "$2"
	}
	kg_fleet "$kdir/kg" "$kport" >"$kdir/good.conf"
	wait_for 20 sh -c "IPMI_KGKEY='$KG' timeout 10 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p $kport -U admin -E -K mc info" ||
		diag "$(cat "$kdir/sim.log")"
	timeout 60 "$BMCTOP" -c "$kdir/good.conf" status --json >"$kdir/good.json" 2>"$kdir/good.err"
	is "K_g: bmctop with kg-file reads the host (state, firmware)" \
		"$(pyj "h=d[0]; print(h['state'], h['firmware'])" <"$kdir/good.json" 2>&1)" "ok 9.08"
	bpower=$(pyj "print(d[0]['power'])" <"$kdir/good.json" 2>&1)
	like "K_g: ipmitool -K (key from IPMI_KGKEY) agrees on power" \
		"$(IPMI_KGKEY="$KG" timeout 30 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$kport" -U admin -E -K chassis power status 2>&1)" \
		"Chassis Power is $bpower"
	(umask 077 && printf 'username admin\npassword %s\nk_g %s\n' "$PW" "$KG" >"$kdir/freeipmi.conf")
	like "K_g: FreeIPMI (k_g in its configuration file) agrees on power" \
		"$(timeout 30 ipmi-chassis -D LAN_2_0 -I 3 --config-file "$kdir/freeipmi.conf" -h "127.0.0.1:$kport" -W opensesspriv --get-chassis-status 2>&1)" \
		"System Power +: $bpower"
	unlike "K_g: no key in bmctop's arguments or the fleet file" "$(cat "$kdir/good.conf")" "$KG"

	# A wrong key, through a proxy that counts datagrams: Get Channel Auth
	# Caps, Open Session, RAKP 1, RAKP 3, and nothing more.
	pport=$(free_port udp)
	spawn /usr/bin/python3 "$PEERS/udp-lossy-proxy.py" --listen "$pport" --target "$kport" \
		--ready-file "$kdir/proxy.ready" --stats "$kdir/proxy.stats" --max-seconds 120
	ppid=$T_LAST_PID
	wait_for 10 test -f "$kdir/proxy.ready"
	kg_fleet "$kdir/badkg" "$pport" >"$kdir/bad.conf"
	timeout 60 "$BMCTOP" -c "$kdir/bad.conf" status --json >"$kdir/bad.json" 2>"$kdir/bad.err"
	like "K_g: a wrong key fails with a clear error" \
		"$(pyj "print(d[0]['error'])" <"$kdir/bad.json" 2>&1)" 'wrong K_g'
	kill "$ppid"
	wait_for 10 test -s "$kdir/proxy.stats"
	is "K_g: a wrong key costs one handshake (4 datagrams to the BMC)" \
		"$(env_get "$kdir/proxy.stats" up_in)" 4
	kg_fleet "" "$kport" >"$kdir/none.conf"
	timeout 60 "$BMCTOP" -c "$kdir/none.conf" status --json >"$kdir/none.json" 2>"$kdir/none.err"
	like "K_g: none configured: the error says the BMC has one" \
		"$(pyj "print(d[0]['error'])" <"$kdir/none.json" 2>&1)" 'K_g\) set and the fleet file gives none'
else
	fail "ipmi_sim installed (openipmi), for the K_g test"
fi
