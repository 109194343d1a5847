#!/bin/bash
# serve-vs-exporter.sh - bmctop serve against Debian's prometheus-ipmi-exporter
# (FreeIPMI underneath) on the same bmcsim fleet, scraped the same way.
#
#   bench/serve-vs-exporter.sh [--count N] [--interval S] [--duration S]
#                              [--big N] [--big-duration S]
#
# N BMCs (default 200, IPMI only) are scraped host by host every S seconds
# (default 15) for --duration seconds (default 300) by a scraper playing
# Prometheus (16 scrapes at once): bmctop serve through /probe?target=HOST
# (and one /metrics of the whole fleet per cycle), the exporter through
# /ipmi?target=ADDR:PORT with the bmc, ipmi, chassis and sel collectors.
# Printed per tool: CPU per scrape cycle (the process and every child it
# waited for), scrape duration (median and 95th percentile), peak RSS of
# the process tree, and RMCP+ sessions opened per host per hour while
# scraped, as bmcsim counts them (RAKP 1 received); bmctop's first logins,
# before every host is up, are not in it; --count 0 skips this part.
# --big N then starts N BMCs (default 10000; 0 skips it) and reports the
# /metrics render time and serve's CPU share, polling included, over
# --big-duration seconds (default 120) once all are up.
#
# Loopback only; the password is random, in 0600 files (the exporter's in
# its YAML config, 0600); every process is stopped by its pid.

here=$(cd "$(dirname "$0")" && pwd)
SRCDIR=${SRCDIR:-$(cd "$here/.." && pwd)}
BUILDDIR=${BUILDDIR:-$SRCDIR/build}
BMCTOP=${BMCTOP:-$BUILDDIR/bmctop}
EXPORTER=${EXPORTER:-/usr/bin/prometheus-ipmi-exporter}
. "$SRCDIR/tests/lib/tap.sh"
. "$here/bmcsim-lib.sh"

count=200 interval=15 duration=300 big=10000 big_duration=120
while [ $# -gt 0 ]; do
	case $1 in
	--count) count=$2; shift 2 ;;
	--interval) interval=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--big) big=$2; shift 2 ;;
	--big-duration) big_duration=$2; shift 2 ;;
	*) echo "usage: $0 [--count N] [--interval S] [--duration S] [--big N] [--big-duration S]"; exit 2 ;;
	esac
done
[ -x "$BMCTOP" ] || { echo "no bmctop at $BMCTOP (set BUILDDIR)"; exit 2; }
PY=/usr/bin/python3
HZ=$(getconf CLK_TCK)

# cpu PID: CPU seconds of the process and the children it waited for.
cpu() { awk -v hz="$HZ" '{ printf "%.3f\n", ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# logins: RMCP+ sessions bmcsim has seen opened (RAKP 1), all BMCs.
logins() {
	rm -f "$T_TMP/dump.json"
	kill -USR1 "$BMCSIM_PID"
	wait_for 20 test -s "$T_TMP/dump.json"
	"$PY" -c 'import json,sys; print(sum(b["logins"] for b in json.load(open(sys.argv[1]))))' "$T_TMP/dump.json"
}

# scrape PID OUT URL...: the Prometheus stand-in.  Every cycle it scrapes
# each URL (16 at once), spread over the interval; it prints the samples
# and the peak RSS of PID's process tree, sampled each second.
scrape() {
	local pid=$1 out=$2; shift 2
	"$PY" - "$pid" "$interval" "$duration" "$out" "$@" <<'PY'
import os, sys, time, threading, urllib.request, concurrent.futures as cf
pid, interval, duration, out = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
urls = sys.argv[5:]
peak = [0]
stop = threading.Event()
def tree_rss():
    kids = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    st = f.read().rsplit(")", 1)[1].split()
                kids.setdefault(int(st[1]), []).append(int(p))
            except OSError:
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
        todo.extend(kids.get(p, []))
    return total
def sampler():
    while not stop.is_set():
        peak[0] = max(peak[0], tree_rss())
        stop.wait(1)
threading.Thread(target=sampler, daemon=True).start()
def get(u):
    t = time.monotonic()
    try:
        with urllib.request.urlopen(u, timeout=max(interval * 4, 60)) as r:
            ok = r.status == 200 and len(r.read()) > 0
    except Exception:
        ok = False
    return time.monotonic() - t, ok, u
with open(out, "w") as f, cf.ThreadPoolExecutor(16) as pool:
    end = time.monotonic() + duration
    cycle = 0
    while time.monotonic() < end:
        start = time.monotonic()
        for d, ok, u in pool.map(get, urls):
            f.write("%d %.6f %d %s\n" % (cycle, d, ok, u))
        f.flush()
        cycle += 1
        left = interval - (time.monotonic() - start)
        if left > 0:
            time.sleep(left)
stop.set()
print(peak[0])
PY
}

# summary LABEL SAMPLES CPU0 CPU1 LOGINS0 LOGINS1 RSS_KB: one table row.
summary() {
	"$PY" - "$@" "$count" "$duration" <<'PY'
import sys, statistics
label, path, c0, c1, l0, l1, rss, n, dur = sys.argv[1:10]
rows = [l.split() for l in open(path)]
ncyc = max(len({int(r[0]) for r in rows}), 1)
ds = sorted(float(r[1]) for r in rows if "/metrics" not in r[3]) or [0]
fails = sum(1 for r in rows if r[2] == "0")
hours = float(dur) / 3600
cpu = (float(c1) - float(c0)) / ncyc
sess = (int(l1) - int(l0)) / int(n) / max(hours, 1e-9)
print("%-28s %10.3f %10.1f %10.1f %8d %10.1f %6d %5d" % (label, cpu, statistics.median(ds) * 1000,
      ds[int(len(ds) * 0.95) - 1 if len(ds) > 1 else 0] * 1000, int(rss) // 1024, sess, ncyc, fails))
PY
}

# (Not indented: the Python here-documents end at column 0.)
if [ "$count" -gt 0 ]; then
echo "== $count BMCs, scraped every ${interval}s for ${duration}s"
bmcsim_start fleet --count "$count" --redfish-share 0 --dump "$T_TMP/dump.json" || exit 1
fleet="$T_TMP/fleet.conf"
# Poll as often as Prometheus scrapes: the same freshness as the exporter.
sed -i "0,/^\[defaults\]/s//[defaults]\ninterval = ${interval}s/" "$fleet"
"$BMCTOP" -c "$fleet" config hosts | sed -n 's/^\([^ ]*\) address=\([^ ]*\) .*ipmi-port=\([0-9]*\) .*/\1 \2:\3/p' >"$T_TMP/hosts"
[ "$(wc -l <"$T_TMP/hosts")" = "$count" ] || { echo "expected $count hosts in $fleet"; exit 1; }

# bmctop serve.
port=$(free_port)
spawn "$BMCTOP" -c "$fleet" serve --listen "127.0.0.1:$port" </dev/null >"$T_TMP/serve.log" 2>&1
serve_pid=$T_LAST_PID
up() { curl -s --max-time 10 "http://127.0.0.1:$port/metrics" | grep -qx "bmctop_hosts_up $count"; }
wait_for 300 up || { echo "bmctop serve: not every host came up"; tail -5 "$T_TMP/serve.log"; exit 1; }
urls=()
while read -r name addr; do urls+=("http://127.0.0.1:$port/probe?target=$name"); done <"$T_TMP/hosts"
urls+=("http://127.0.0.1:$port/metrics")
l0=$(logins); c0=$(cpu "$serve_pid")
rss=$(scrape "$serve_pid" "$T_TMP/serve.samples" "${urls[@]}")
c1=$(cpu "$serve_pid"); l1=$(logins)
metrics_ms=$(awk '/\/metrics/ { s += $2; n++ } END { if (n) printf "%.1f", s / n * 1000; else print "-" }' "$T_TMP/serve.samples")
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null

# Debian's prometheus-ipmi-exporter on the same BMCs.
if [ -x "$EXPORTER" ]; then
	eport=$(free_port)
	(umask 077 && printf 'modules:\n  default:\n    user: "%s"\n    pass: "%s"\n    driver: "LAN_2_0"\n    privilege: "admin"\n    timeout: 20000\n    collectors: [bmc, ipmi, chassis, sel]\n' \
		"$BMCSIM_USER" "$BMCSIM_PASSWORD" >"$T_TMP/ipmi_exporter.yml")
	spawn "$EXPORTER" --config.file="$T_TMP/ipmi_exporter.yml" --web.listen-address="127.0.0.1:$eport" \
		</dev/null >"$T_TMP/exporter.log" 2>&1
	exp_pid=$T_LAST_PID
	wait_for 30 curl -sf --max-time 5 -o /dev/null "http://127.0.0.1:$eport/metrics" || { echo "exporter did not start"; tail -5 "$T_TMP/exporter.log"; }
	eurls=()
	while read -r name addr; do eurls+=("http://127.0.0.1:$eport/ipmi?module=default&target=$addr"); done <"$T_TMP/hosts"
	el0=$(logins); ec0=$(cpu "$exp_pid")
	erss=$(scrape "$exp_pid" "$T_TMP/exporter.samples" "${eurls[@]}")
	ec1=$(cpu "$exp_pid"); el1=$(logins)
	kill "$exp_pid"; wait "$exp_pid" 2>/dev/null
else
	echo "($EXPORTER not installed: apt-get install prometheus-ipmi-exporter)"
fi

printf '%-28s %10s %10s %10s %8s %10s %6s %5s\n' tool "cpu/cycle" "p50 ms" "p95 ms" "rss MB" "sess/h/host" cycles fails
summary "bmctop serve (/probe)" "$T_TMP/serve.samples" "$c0" "$c1" "$l0" "$l1" "$rss"
[ -x "$EXPORTER" ] && summary "prometheus-ipmi-exporter" "$T_TMP/exporter.samples" "$ec0" "$ec1" "$el0" "$el1" "$erss"
echo "bmctop serve: one /metrics of all $count hosts took $metrics_ms ms on average"
if [ -x "$EXPORTER" ]; then
	"$PY" - "$T_TMP/serve.samples" "$T_TMP/exporter.samples" "$c0" "$c1" "$ec0" "$ec1" <<'PY'
import sys
def cycles(p):
    return max(len({l.split()[0] for l in open(p)}), 1)
b = (float(sys.argv[4]) - float(sys.argv[3])) / cycles(sys.argv[1])
e = (float(sys.argv[6]) - float(sys.argv[5])) / cycles(sys.argv[2])
print("CPU per scrape cycle: exporter / bmctop = %.1fx" % (e / b if b > 0 else float("inf")))
PY
fi
bmcsim_stop
fi

# Ten thousand hosts: render time and steady CPU share.
if [ "$big" -gt 0 ]; then
	echo "== $big BMCs: /metrics render and serve's CPU share, polling included"
	# One address each (127.0.0.x), one port: no ephemeral ports used up.
	bmcsim_start big --count "$big" --redfish-share 0 --spread --port "$(free_port udp)" || exit 1
	port=$(free_port)
	spawn "$BMCTOP" -c "$T_TMP/big.conf" serve --listen "127.0.0.1:$port" </dev/null >"$T_TMP/big-serve.log" 2>&1
	big_pid=$T_LAST_PID
	most_up() { [ "$(curl -s --max-time 30 "http://127.0.0.1:$port/metrics" | awk '/^bmctop_hosts_up / {print $2}')" -ge $((big * 99 / 100)) ]; }
	if wait_for 900 most_up; then
		b0=$(cpu "$big_pid"); t0=$(date +%s.%N)
		times=() gztimes=()
		for _ in 1 2 3 4 5; do
			times+=("$(curl -s -o "$T_TMP/big.metrics" --max-time 60 -w '%{time_total}' "http://127.0.0.1:$port/metrics")")
			gztimes+=("$(curl -s -o "$T_TMP/big.gz" -H 'Accept-Encoding: gzip' --max-time 60 -w '%{time_total}' "http://127.0.0.1:$port/metrics")")
			sleep $((big_duration / 5))
		done
		b1=$(cpu "$big_pid"); t1=$(date +%s.%N)
		"$PY" - "$b0" "$b1" "$t0" "$t1" "$T_TMP/big.metrics" "$T_TMP/big.gz" "${times[@]}" "${gztimes[@]}" <<'PY'
import sys, os
b0, b1, t0, t1 = map(float, sys.argv[1:5])
both = [float(x) for x in sys.argv[7:]]
for what, path, times in (("plain", sys.argv[5], sorted(both[:5])), ("gzip", sys.argv[6], sorted(both[5:]))):
    print("/metrics (%s) of %s bytes: median %.3f s, worst %.3f s (5 scrapes)" % (what, os.path.getsize(path), times[len(times) // 2], times[-1]))
print("serve CPU share over %.0f s, polling and scrapes included: %.1f%% of a core" % (t1 - t0, (b1 - b0) / (t1 - t0) * 100))
PY
	else
		echo "not 99% of $big hosts came up in 900 s"
	fi
	kill "$big_pid"; wait "$big_pid" 2>/dev/null
	bmcsim_stop
fi
