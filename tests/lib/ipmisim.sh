# ipmisim.sh - real OpenIPMI ipmi_sim BMCs for integration tests and benchmarks.
#
# Source it after tap.sh:
#     . "$SRCDIR/tests/lib/tap.sh"
#     . "$SRCDIR/tests/lib/ipmisim.sh"
#     ipmisim_need                      # skip_all unless ipmi_sim is installed
#     ipmisim_start bmc1 --sol || fail "bmc1 starts"
#     port=$(ipmisim_port bmc1)
#
# Each simulator listens on 127.0.0.1 on a UDP port free at run time, with
# user 2 "admin" (privilege admin, RMCP+ cipher suite 3, IPMI 1.5 auth md5)
# whose password is $IPMISIM_PASSWORD.  Unless the test sets it first, the
# password is random per run; it is exported as IPMISIM_PASSWORD and as
# IPMI_PASSWORD (for "ipmitool -E") and written to $IPMISIM_PASSWORD_FILE
# (0600, for "ipmitool -f" and fleet files).  It never appears in the argv of
# any process started here.  User 1 (anonymous) is disabled.
#
# Per simulator NAME everything lives in $T_TMP/ipmisim/NAME/:
#     env          PORT=, PID= (ipmi_sim), WPID= (its timeout wrapper),
#                  DIR=, SOL_PORT=, SOL_PID=, CONSOLE_PORT=   (sourceable)
#     lan.conf, bmc.emu, sim.log     what ipmi_sim was given and said
#     power, boot, resets, chassis.log   the chassis-control state (the
#                                     simulated host's own truth)
#     serial.in                      bytes the serial host received (--sol)
# Read them with ipmisim_port/ipmisim_pid/ipmisim_dir/ipmisim_sol_port NAME,
# which also work in $(...) subshells.  ipmisim_start itself must run in the
# test's own shell (not in a subshell), so its pids reach T_PIDS for cleanup.
#
# Every process is started through spawn (pid in T_PIDS) and stopped by pid.
# Each ipmi_sim runs under "timeout $IPMISIM_MAX_SECONDS" (default 900) so a
# test killed with SIGKILL cannot leave simulators behind for long.

IPMISIM_PEERS="${SRCDIR:?SRCDIR must be set}/tests/peers"
IPMISIM_BASE="$T_TMP/ipmisim"
: "${IPMISIM_MAX_SECONDS:=900}"
: "${IPMISIM_DESC:=$IPMISIM_PEERS/bmc-default.desc}"
IPMISIM_USER="admin"

mkdir -p "$IPMISIM_BASE"
chmod 700 "$IPMISIM_BASE"
if [ -z "${IPMISIM_PASSWORD:-}" ]; then
	IPMISIM_PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16)
fi
export IPMISIM_PASSWORD
export IPMI_PASSWORD="$IPMISIM_PASSWORD"
IPMISIM_PASSWORD_FILE="$IPMISIM_BASE/password"
(umask 077 && printf '%s\n' "$IPMISIM_PASSWORD" >"$IPMISIM_PASSWORD_FILE")

# ipmisim_need: skip_all unless ipmi_sim and python3 are installed.
ipmisim_need() {
	need ipmi_sim timeout
	[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
}

# _ipmisim_get NAME KEY: one value from NAME's env file (internal).
_ipmisim_get() { env_get "$IPMISIM_BASE/$1/env" "$2"; }

# ipmisim_port NAME: the UDP port NAME's ipmi_sim listens on (127.0.0.1).
ipmisim_port() { _ipmisim_get "$1" PORT; }
# ipmisim_pid NAME: the pid of NAME's ipmi_sim process.
ipmisim_pid() { _ipmisim_get "$1" PID; }
# ipmisim_dir NAME: NAME's directory (configuration, logs, chassis state).
ipmisim_dir() { printf '%s\n' "$IPMISIM_BASE/$1"; }
# ipmisim_sol_port NAME: the TCP port of NAME's serial host (with --sol).
ipmisim_sol_port() { _ipmisim_get "$1" SOL_PORT; }

# _ipmisim_udp_bound PORT: true if something is bound to 127.0.0.1:PORT/udp.
# (Builtins only: forks are slow here and this runs in polling loops.)
_ipmisim_udp_bound() {
	local hex lines
	printf -v hex '%04X' "$1"
	mapfile -t lines </proc/net/udp
	case " ${lines[*]} " in
	*" 0100007F:$hex "*|*" 00000000:$hex "*) return 0 ;;
	esac
	return 1
}

# _ipmisim_running PID COMM: PID exists, is not a zombie, and runs COMM.
_ipmisim_running() {
	local stat comm
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	case $stat in *") Z "*|*") X "*) return 1 ;; esac
	[ -z "$2" ] && return 0
	read -r comm 2>/dev/null <"/proc/$1/comm"
	[ "$comm" = "$2" ]
}

# _ipmisim_free_udp_ports N: N distinct UDP ports free on 127.0.0.1 now, one
# a line (one python start for all of them; free_port udp does one).
_ipmisim_free_udp_ports() {
	/usr/bin/python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print("\n".join(str(s.getsockname()[1]) for s in socks))
PY
}

# _ipmisim_emu DESC: path of the emulator commands generated from DESC by
# mksdr.py (generated once per run and description, then reused).
_ipmisim_emu() {
	local desc=$1 key out
	key=${desc//[^A-Za-z0-9]/_}
	out="$IPMISIM_BASE/desc$key.emu"
	if [ ! -s "$out" ]; then
		/usr/bin/python3 "$IPMISIM_PEERS/mksdr.py" "$desc" >"$out.tmp" || {
			rm -f "$out.tmp"; return 1; }
		mv "$out.tmp" "$out"
	fi
	printf '%s\n' "$out"
}

# ipmisim_start NAME [OPTIONS]: start one ipmi_sim called NAME; 0 once it
# listens, 1 (with diagnostics) if it did not come up.  Options:
#   --sol            also start tests/peers/serial-host.py on a free TCP port,
#                    wait until it listens, and give ipmi_sim a SOL line to it
#   --desc FILE      sensors/FRU/SEL from this mksdr.py description
#                    (default $IPMISIM_DESC = tests/peers/bmc-default.desc)
#   --emu FILE       extra emulator commands, run after the description
#   --port N         listen on port N instead of a free one (a restart)
#   --power on|off   initial power state (default on, or as it was when
#                    NAME ran before in this test)
#   --console        open ipmi_sim's command console on a free loopback TCP
#                    port (CONSOLE_PORT; see ipmisim_cmd)
# Sets IPMISIM_LAST_PORT and IPMISIM_LAST_PID as well.
ipmisim_start() {
	local name=$1; shift
	local sol="" desc=$IPMISIM_DESC extra="" want_port="" power="" console=""
	while [ $# -gt 0 ]; do
		case $1 in
		--sol) sol=1 ;;
		--desc) desc=$2; shift ;;
		--emu) extra=$2; shift ;;
		--port) want_port=$2; shift ;;
		--power) case $2 in on) power=1 ;; off) power=0 ;; *) diag "ipmisim_start: --power on|off"; return 1 ;; esac; shift ;;
		--console) console=1 ;;
		*) diag "ipmisim_start: unknown option $1"; return 1 ;;
		esac
		shift
	done
	case $name in ''|*[!A-Za-z0-9_.-]*) diag "ipmisim_start: bad name '$name'"; return 1 ;; esac
	local dir="$IPMISIM_BASE/$name"
	case "$dir$IPMISIM_PEERS" in *[[:space:]\"\']*)
		diag "ipmisim_start: paths with spaces or quotes are not supported: $dir"; return 1 ;; esac
	if [ -f "$dir/env" ] && ipmisim_alive "$name"; then
		diag "ipmisim_start: $name is already running"; return 1
	fi
	mkdir -p "$dir" && chmod 700 "$dir" || return 1
	rm -f "$dir/env" "$dir/serial.ready"
	# The host keeps its power state across a BMC restart unless told.
	if [ -n "$power" ] || [ ! -f "$dir/power" ]; then echo "${power:-1}" >"$dir/power"; fi
	: >"$dir/chassis.log"

	local emu
	emu=$(_ipmisim_emu "$desc") || { diag "ipmisim_start: mksdr.py failed on $desc"; return 1; }
	{
		echo "# bmc.emu for $name (generated by tests/lib/ipmisim.sh)"
		echo "mc_setbmc 0x20"
		echo "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02"
		echo "sel_enable 0x20 1000 0x0a"
		echo "include \"$emu\""
		[ -z "$extra" ] || echo "include \"$extra\""
		echo "mc_enable 0x20"
	} >"$dir/bmc.emu"

	local sol_port="" sol_pid=""
	if [ -n "$sol" ]; then
		local try
		for _ in 1 2 3; do
			sol_port=$(free_port)
			spawn /usr/bin/python3 "$IPMISIM_PEERS/serial-host.py" "$sol_port" \
				--ready-file "$dir/serial.ready" --log "$dir/serial.in" \
				--max-seconds "$IPMISIM_MAX_SECONDS" </dev/null >>"$dir/serial.log" 2>&1
			sol_pid=$T_LAST_PID
			wait_for 5 test -f "$dir/serial.ready" && break
			kill "$sol_pid" 2>/dev/null; wait "$sol_pid" 2>/dev/null
			sol_pid=""
		done
		[ -n "$sol_pid" ] || { diag "ipmisim_start: serial host for $name did not start"; diag "$(cat "$dir/serial.log" 2>/dev/null)"; return 1; }
	fi

	local attempt port wpid pid="" console_port="" i
	for attempt in 1 2 3; do
		port=${want_port:-$(free_port udp)}
		[ -z "$console" ] || console_port=$(free_port)
		{
			echo "# lan.conf for $name (generated by tests/lib/ipmisim.sh)"
			echo "name \"$name\""
			echo "set_working_mc 0x20"
			echo "  startlan 1"
			echo "    addr 127.0.0.1 $port"
			echo "    priv_limit admin"
			echo "    allowed_auths_callback md5"
			echo "    allowed_auths_user md5"
			echo "    allowed_auths_operator md5"
			echo "    allowed_auths_admin md5"
			echo "    guid a123456789abcdefa123456789abcdef"
			echo "  endlan"
			echo "  chassis_control \"$IPMISIM_PEERS/chassis-control $dir\""
			[ -z "$sol" ] || echo "  sol \"tcp:127.0.0.1:$sol_port\" 115200"
			echo "  user 1 false \"\" \"\" user 10 none"
			echo "  user 2 true \"$IPMISIM_USER\" \"$IPMISIM_PASSWORD\" admin 10 md5"
			[ -z "$console" ] || echo "console 127.0.0.1 $console_port"
		} >"$dir/lan.conf"
		chmod 600 "$dir/lan.conf"
		mkdir -p "$dir/state"
		spawn timeout -k 5 "$IPMISIM_MAX_SECONDS" ipmi_sim -c "$dir/lan.conf" \
			-f "$dir/bmc.emu" -s "$dir/state" -n -p </dev/null >"$dir/sim.log" 2>&1
		wpid=$T_LAST_PID
		pid=""
		# Up to 5 s: the wrapper's child is ipmi_sim; it is ready once bound.
		for ((i = 0; i < 500; i++)); do
			if [ -z "$pid" ]; then
				read -r pid 2>/dev/null <"/proc/$wpid/task/$wpid/children"
				[ -z "$pid" ] || _ipmisim_running "$pid" ipmi_sim || pid=""
			fi
			if [ -n "$pid" ] && _ipmisim_udp_bound "$port"; then
				break
			fi
			_ipmisim_running "$wpid" || break
			sleep 0.01
		done
		if [ -n "$pid" ] && _ipmisim_running "$pid" ipmi_sim && _ipmisim_udp_bound "$port"; then
			break
		fi
		kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null
		diag "ipmisim_start: $name did not come up on port $port (attempt $attempt):"
		diag "$(cat "$dir/sim.log" 2>/dev/null)"
		pid=""
		[ -z "$want_port" ] || break
	done
	if [ -z "$pid" ]; then
		[ -z "$sol_pid" ] || { kill "$sol_pid" 2>/dev/null; wait "$sol_pid" 2>/dev/null; }
		return 1
	fi
	{
		echo "PORT=$port"
		echo "PID=$pid"
		echo "WPID=$wpid"
		echo "DIR=$dir"
		echo "SOL_PORT=$sol_port"
		echo "SOL_PID=$sol_pid"
		echo "CONSOLE_PORT=$console_port"
	} >"$dir/env.tmp" && mv "$dir/env.tmp" "$dir/env"
	IPMISIM_LAST_PORT=$port
	IPMISIM_LAST_PID=$pid
	return 0
}

# ipmisim_alive NAME: true while NAME's ipmi_sim process runs and still holds
# its UDP port.  ipmi_sim has crashed here under repeated failing sessions, so
# a test that sees a client fail should check this and say which it was.
ipmisim_alive() {
	local pid port
	pid=$(ipmisim_pid "$1") || return 1
	port=$(ipmisim_port "$1") || return 1
	_ipmisim_running "$pid" ipmi_sim && _ipmisim_udp_bound "$port"
}

# ipmisim_stop NAME: stop NAME's ipmi_sim (SIGTERM, then SIGKILL after 3 s)
# and its serial host, by pid, and forget those pids.  NAME's port is free
# when it returns 0.
ipmisim_stop() {
	local name=$1 pid wpid spid port i p keep=""
	local PORT="" PID="" WPID="" DIR="" SOL_PORT="" SOL_PID="" CONSOLE_PORT=""
	[ -f "$IPMISIM_BASE/$name/env" ] || return 1
	. "$IPMISIM_BASE/$name/env"	# no fork: this runs 200 times in a row
	pid=$PID wpid=$WPID spid=$SOL_PID port=$PORT
	_ipmisim_running "$pid" ipmi_sim && kill "$pid" 2>/dev/null
	for ((i = 0; i < 300; i++)); do
		_ipmisim_running "$wpid" || break
		sleep 0.01
	done
	if _ipmisim_running "$wpid"; then
		_ipmisim_running "$pid" ipmi_sim && kill -9 "$pid" 2>/dev/null
		kill -9 "$wpid" 2>/dev/null
	fi
	wait "$wpid" 2>/dev/null
	if [ -n "$spid" ]; then
		kill "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
	fi
	for p in $T_PIDS; do
		[ "$p" = "$wpid" ] || [ "$p" = "$spid" ] || keep="$keep $p"
	done
	T_PIDS=$keep
	! _ipmisim_udp_bound "$port"
}

# ipmisim_power NAME: "on" or "off", from the chassis-control state file:
# what the simulated host is, whatever any IPMI client believes.
ipmisim_power() {
	case $(cat "$IPMISIM_BASE/$1/power" 2>/dev/null) in
	1) echo on ;;
	0) echo off ;;
	*) echo unknown; return 1 ;;
	esac
}

# ipmisim_boot NAME: the boot device last set through IPMI (none if never).
ipmisim_boot() {
	local v
	v=$(cat "$IPMISIM_BASE/$1/boot" 2>/dev/null)
	echo "${v:-none}"
}

# ipmisim_set_power NAME on|off: flip the simulated host's power behind the
# BMC's back (as a person at the machine would).
ipmisim_set_power() {
	case $2 in on) echo 1 ;; off) echo 0 ;; *) return 1 ;; esac >"$IPMISIM_BASE/$1/power"
}

# ipmisim_fleet FILE NAME...: write a bmctop fleet file (0600) naming each
# simulator as [host NAME] on 127.0.0.1 and its port, with a 0600 password
# file FILE.pw beside it holding $IPMISIM_PASSWORD.  Hosts started with --sol
# get console = sol, others console = none.  Set IPMISIM_FLEET_EXTRA to add
# lines to [defaults] (e.g. "interval = 1s").
ipmisim_fleet() {
	local file=$1 name port; shift
	(umask 077 && printf '%s\n' "$IPMISIM_PASSWORD" >"$file.pw") || return 1
	chmod 600 "$file.pw"
	{
		echo "# Generated by tests/lib/ipmisim.sh for ipmi_sim peers."
		echo "[defaults]"
		echo "user = $IPMISIM_USER"
		echo "password-file = $file.pw"
		echo "protocol = ipmi"
		echo "cipher-suite = 3"
		echo "privilege = admin"
		echo "timeout = 1s"
		echo "retries = 2"
		echo "vnc = none"
		[ -z "${IPMISIM_FLEET_EXTRA:-}" ] || printf '%s\n' "$IPMISIM_FLEET_EXTRA"
		for name in "$@"; do
			port=$(ipmisim_port "$name") || { echo "# $name: not started" >&2; return 1; }
			echo
			echo "[host $name]"
			echo "address = 127.0.0.1"
			echo "ipmi-port = $port"
			if [ -n "$(_ipmisim_get "$name" SOL_PORT)" ]; then
				echo "console = sol"
			else
				echo "console = none"
			fi
		done
	} >"$file" || return 1
	chmod 600 "$file"
}

# ipmisim_start_many PREFIX N [OPTIONS]: start PREFIX1..PREFIXN (options as
# for ipmisim_start); stops at the first failure and returns 1.  Sets
# IPMISIM_MANY to the list of names started.
ipmisim_start_many() {
	local prefix=$1 n=$2 i ports; shift 2
	IPMISIM_MANY=""
	mapfile -t ports < <(_ipmisim_free_udp_ports "$n")
	[ "${#ports[@]}" -eq "$n" ] || return 1
	for ((i = 1; i <= n; i++)); do
		# A port taken meanwhile: ipmisim_start --port fails; retry on a fresh one.
		ipmisim_start "$prefix$i" --port "${ports[i-1]}" "$@" ||
			ipmisim_start "$prefix$i" "$@" || return 1
		IPMISIM_MANY="$IPMISIM_MANY $prefix$i"
	done
}

# ipmisim_stop_many NAME...: ipmisim_stop each (all are sent SIGTERM first,
# so they shut down in parallel).
ipmisim_stop_many() {
	local n p rc=0
	for n in "$@"; do
		p=$(_ipmisim_get "$n" PID) && _ipmisim_running "$p" ipmi_sim && kill "$p" 2>/dev/null
	done
	for n in "$@"; do ipmisim_stop "$n" || rc=1; done
	return $rc
}

# ipmisim_ipmitool NAME ARGS...: run the reference client ipmitool against
# NAME (lanplus, cipher suite 3, password from the environment via -E),
# bounded by a 60 s timeout.
ipmisim_ipmitool() {
	local port; port=$(ipmisim_port "$1") || return 1; shift
	timeout 60 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$port" \
		-U "$IPMISIM_USER" -E "$@"
}

# ipmisim_freeipmi_conf FILE: write a 0600 FreeIPMI config file (for
# --config-file) holding user, password, cipher suite 3, privilege admin and
# the opensesspriv workaround this ipmi_sim needs.
ipmisim_freeipmi_conf() {
	(umask 077 && {
		echo "driver-type LAN_2_0"
		echo "username $IPMISIM_USER"
		echo "password $IPMISIM_PASSWORD"
		echo "cipher-suite-id 3"
		echo "privilege-level ADMIN"
		echo "workaround-flags opensesspriv"
	} >"$1") && chmod 600 "$1"
}

# ipmisim_cmd NAME COMMAND...: run ipmi_sim_cmd(5) commands (one per
# argument, e.g. "sensor_set_value 0x20 0 1 0x50 1") in NAME's running
# simulator through its console (start it with --console).  Prints what the
# console answered; bounded to 10 s.
ipmisim_cmd() {
	local cport; cport=$(_ipmisim_get "$1" CONSOLE_PORT) || return 1; shift
	[ -n "$cport" ] || { diag "ipmisim_cmd: start the simulator with --console"; return 1; }
	/usr/bin/python3 - "$cport" "$@" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
end = time.monotonic() + 10
def until_prompt():
    buf = b""
    while not buf.rstrip().endswith(b">") and time.monotonic() < end:
        try:
            d = s.recv(4096)
        except socket.timeout:
            break
        if not d:
            break
        buf += d
    return buf
until_prompt()
for c in sys.argv[2:]:
    s.sendall(c.encode() + b"\n")
    sys.stdout.write(until_prompt().decode("latin-1").replace("\r", ""))
s.close()
PY
}
