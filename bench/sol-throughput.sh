#!/bin/bash
# sol-throughput.sh - Serial-over-LAN throughput and keystroke-to-echo latency
# through bmctop, "ipmitool sol activate" and FreeIPMI's ipmiconsole, one
# after the other against the same ipmi_sim and serial host.
#
#   bench/sol-throughput.sh [BYTES] [KEYS]     (default: 200000 bytes, 50 keys)
#   SOL_BENCH_TOOLS="bmctop ipmitool ipmiconsole"   which clients, in order
#
# Each client runs on a pseudo-terminal, as a person would use it.  After
# logging in to the serial host, the driver types KEYS single characters,
# each only after the previous one came back (the time to the echo is the
# latency), then "bigdump BYTES" and times the output until the host's
# SHA256 line, which it checks against the bytes received.  It prints
# KB/s, latency median and 95th percentile, the client's CPU time and peak
# RSS, and each tool's ratio to bmctop.  Loopback only, ports chosen at run
# time; every process is stopped by its pid.

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
export SRCDIR BUILDDIR BMCTOP
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/ipmisim.sh"
ipmisim_need
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
bytes=${1:-200000}
keys=${2:-50}

# FreeIPMI 1.6's ipmiconsole cannot reach a port other than 623 (its
# getaddrinfo call fails on "HOST:PORT"), so the simulator takes 623 when it
# is free; otherwise ipmiconsole is left out, saying why.
if ipmisim_start bench --sol --port 623 2>/dev/null; then
	at623=1
else
	at623=""
	ipmisim_start bench --sol || { echo "ipmi_sim did not start"; exit 1; }
fi
port=$(ipmisim_port bench)
ipmisim_fleet "$T_TMP/fleet" bench
ipmisim_freeipmi_conf "$T_TMP/freeipmi.conf"

# drive LABEL EXIT-KEYS COMMAND...: one measured session; prints a result line.
drive() {
	local label=$1 quit=$2; shift 2
	/usr/bin/python3 - "$label" "$quit" "$bytes" "$keys" "$@" <<'PY'
import hashlib, os, pty, re, resource, select, signal, sys, time

label, quit, nbytes, nkeys = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cmd = sys.argv[5:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
buf = bytearray()

def read_until(rx, limit):
    end = time.monotonic() + limit
    pat = re.compile(rx, re.S)
    while True:
        m = pat.search(buf)
        if m:
            return m
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError("%s: no /%s/ in %g s; last: %r" % (label, rx.decode(), limit, bytes(buf[-200:])))
        r, _, _ = select.select([fd], [], [], min(left, 0.5))
        if r:
            try:
                d = os.read(fd, 65536)
            except OSError:
                d = b""
            if not d:
                raise TimeoutError("%s: client ended; last: %r" % (label, bytes(buf[-300:])))
            buf.extend(d)

def finish(code):
    try:
        os.write(fd, quit.encode())
    except OSError:
        pass
    end = time.monotonic() + 5
    while time.monotonic() < end:
        p, st, ru = os.wait4(pid, os.WNOHANG)
        if p == pid:
            return ru
        try:
            select.select([fd], [], [], 0.1)
            os.read(fd, 65536)
        except OSError:
            pass
    os.kill(pid, signal.SIGTERM)
    p, st, ru = os.wait4(pid, 0)
    return ru

try:
    time.sleep(1.0)
    os.write(fd, b"\r")
    # The serial host stays logged in from one client to the next.  Its
    # prompt is "sim$ " (serial-host.py) or "root@NAME:~# " (bmcsim, which
    # also asks for a password it does not check).
    PROMPT = rb"sim\$ |:~# "
    if read_until(rb"login: |" + PROMPT, 60).group(0) == b"login: ":
        os.write(fd, b"root\r")
        if read_until(rb"Password: ?|" + PROMPT, 30).group(0).startswith(b"Password"):
            os.write(fd, b"x\r")
            read_until(PROMPT, 30)
    lat = []
    for i in range(nkeys):
        del buf[:]
        t = time.monotonic()
        os.write(fd, b"x")
        read_until(rb"x", 10)
        lat.append((time.monotonic() - t) * 1000)
    os.write(fd, b"\r")
    read_until(PROMPT, 30)
    del buf[:]
    t = time.monotonic()
    os.write(fd, b"bigdump %d\r" % nbytes)
    m = read_until(rb"\r\nSHA256 ([0-9a-f]{64})\r\n", 600)
    secs = time.monotonic() - t
    start = buf.find(b"bigdump %d\r\n" % nbytes) + len(b"bigdump %d\r\n" % nbytes)
    body = bytes(buf[start:m.start()])
    ok = hashlib.sha256(body).hexdigest() == m.group(1).decode() and len(body) == nbytes
    ru = finish(0)
    lat.sort()
    print("%s kbps=%.1f secs=%.3f lat_med=%.2f lat_p95=%.2f cpu=%.3f rss_kb=%d intact=%s" % (
        label, nbytes / 1024 / secs, secs, lat[len(lat) // 2], lat[int(len(lat) * 0.95)],
        ru.ru_utime + ru.ru_stime, ru.ru_maxrss, "yes" if ok else "NO(%d bytes)" % len(body)))
except Exception as e:
    print("%s failed: %s" % (label, e))
    finish(1)
PY
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
ratio() { /usr/bin/python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2fx' % (a/b) if b > 0 else '-')" "$1" "$2"; }

echo "== SOL: $bytes bytes of host output, $keys keystrokes, ipmi_sim on 127.0.0.1:$port"
results=()
for tool in ${SOL_BENCH_TOOLS:-bmctop ipmitool ipmiconsole}; do
	ipmisim_alive bench || { results+=("$tool failed: ipmi_sim is no longer running"); continue; }
	case $tool in
	bmctop)
		results+=("$(drive bmctop '~.' "$BMCTOP" -c "$T_TMP/fleet" sol bench)") ;;
	ipmitool)
		results+=("$(drive ipmitool '~.' timeout 900 ipmitool -I lanplus -C 3 -H 127.0.0.1 \
			-p "$port" -U "$IPMISIM_USER" -E sol activate)") ;;
	ipmiconsole)
		if ! command -v ipmiconsole >/dev/null; then
			results+=("ipmiconsole failed: not installed")
		elif [ -z "$at623" ]; then
			results+=("ipmiconsole failed: port 623 is taken here, and it reaches no other")
		else
			# Without these workarounds ipmi_sim 2.0.33 crashes (SIGSEGV) on
			# what ipmiconsole 1.6.10 asks before activating SOL.
			results+=("$(drive ipmiconsole '&.' timeout 900 ipmiconsole -h 127.0.0.1 \
				--config-file "$T_TMP/freeipmi.conf" --dont-steal \
				-W opensesspriv,solpayloadsize,solport,solstatus)")
		fi ;;
	esac
	sleep 1
done

table() {
	local base=${results[0]} bk bl k l r
	bk=$(echo "$base" | field kbps); bl=$(echo "$base" | field lat_med)
	for r in "${results[@]}"; do
		case $r in
		*" failed: "*) echo "  $r"; continue ;;
		esac
		k=$(echo "$r" | field kbps); l=$(echo "$r" | field lat_med)
		printf '  %-11s %8.1f KB/s (%5s s)  echo median %6.2f ms p95 %6.2f ms  cpu %6.3f s  rss %6.1f MB  intact %s  throughput x%s latency x%s\n' \
			"${r%% *}" "$k" "$(echo "$r" | field secs)" "$l" "$(echo "$r" | field lat_p95)" \
			"$(echo "$r" | field cpu)" "$(echo "$r" | field rss_kb | awk '{print $1/1024}')" \
			"$(echo "$r" | field intact)" "$(ratio "$k" "$bk")" "$(ratio "$l" "$bl")"
	done
}
table
ipmisim_stop bench

# The same three clients against bmcsim's SOL (suite 17), where ipmiconsole
# works too: bmcsim listens below port 32768, which FreeIPMI 1.6 needs.
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || { echo "(no bmcsim at $BMCSIM: the bmcsim table is left out)"; exit 0; }
(umask 077 && printf 'bench-%s\n' "$RANDOM$RANDOM" >"$T_TMP/sim.pw")
for try in 1 2 3 4 5; do
	sport=$(( 20000 + RANDOM % 12000 ))
	rm -f "$T_TMP/sim.ready"
	spawn "$BMCSIM" --count 1 --port "$sport" --password-file "$T_TMP/sim.pw" \
		--fleet-out "$T_TMP/sim.conf" --ready-file "$T_TMP/sim.ready" --max-seconds 1800 \
		2>"$T_TMP/sim.err"
	simpid=$T_LAST_PID
	wait_for 20 test -f "$T_TMP/sim.ready" && break
	kill "$simpid" 2>/dev/null
done
[ -f "$T_TMP/sim.ready" ] || { echo "bmcsim did not start: $(cat "$T_TMP/sim.err")"; exit 1; }
(umask 077 && {
	echo "driver-type LAN_2_0"
	echo "username admin"
	echo "password $(cat "$T_TMP/sim.pw")"
	echo "cipher-suite-id 17"
	echo "privilege-level ADMIN"
} >"$T_TMP/sim-freeipmi.conf")
echo "== SOL: $bytes bytes of host output, $keys keystrokes, bmcsim on 127.0.0.1:$sport"
results=()
for tool in ${SOL_BENCH_TOOLS:-bmctop ipmitool ipmiconsole}; do
	case $tool in
	bmctop)
		results+=("$(drive bmctop '~.' "$BMCTOP" -c "$T_TMP/sim.conf" sol bmc01)") ;;
	ipmitool)
		results+=("$(IPMI_PASSWORD=$(cat "$T_TMP/sim.pw") drive ipmitool '~.' timeout 900 \
			ipmitool -I lanplus -C 17 -H 127.0.0.1 -p "$sport" -U admin -E sol activate)") ;;
	ipmiconsole)
		if command -v ipmiconsole >/dev/null; then
			results+=("$(drive ipmiconsole '&.' timeout 900 ipmiconsole -h "127.0.0.1:$sport" \
				--config-file "$T_TMP/sim-freeipmi.conf")")
		else
			results+=("ipmiconsole failed: not installed")
		fi ;;
	esac
	sleep 1
done
table
kill "$simpid" 2>/dev/null
