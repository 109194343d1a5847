# t-prometheus.sh - bmctop serve in a real Prometheus setup: two "sites",
# each a bmcsim fleet with its own bmctop serve scraped by its own
# Prometheus (the whole fleet through /metrics, and host by host through
# /discover's HTTP service discovery), and a third Prometheus federating
# the two.  The third's HTTP API must return every host's temperatures as
# `bmctop status --json` reads them.
#
# Every Prometheus runs on 127.0.0.1 with its TSDB in the test's temp
# directory and a 1 s scrape interval, and is stopped by its pid.
#
# PORT_a, PORT_b, PROM_a, PROM_b and PROM_g are set by site() and prom().
# shellcheck disable=SC2154
. "$SRCDIR/tests/lib/tap.sh"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || skip_all "bmcsim is not built ($BMCSIM)"
need curl prometheus
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCTOP=${BMCTOP:-$BUILDDIR/bmctop}
PY=/usr/bin/python3

PW=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16)
(umask 077 && printf '%s\n' "$PW" >"$T_TMP/password")
N=3

# site NAME SEED: a bmcsim fleet and its bmctop serve; sets PORT_NAME.
site() {
	local name=$1 seed=$2 port
	spawn "$BMCSIM" --port 0 --count $N --redfish-share 40 --seed "$seed" --tick 0 \
		--password-file "$T_TMP/password" --fleet-out "$T_TMP/$name.conf" \
		--ready-file "$T_TMP/$name.ready" </dev/null >"$T_TMP/$name-sim.log" 2>&1
	wait_for 30 test -s "$T_TMP/$name.ready" || return 1
	port=$(free_port)
	spawn "$BMCTOP" -c "$T_TMP/$name.conf" serve --listen "127.0.0.1:$port" </dev/null \
		>"$T_TMP/$name-serve.log" 2>&1
	eval "PORT_$name=$port"
	wait_for 30 curl -sf --max-time 5 -o /dev/null "http://127.0.0.1:$port/-/healthy"
}

# prom NAME CONFIG: start a Prometheus; sets PROM_NAME to its port.
prom() {
	local name=$1 port
	port=$(free_port)
	printf '%s\n' "$2" >"$T_TMP/$name.yml"
	mkdir -p "$T_TMP/tsdb-$name"
	spawn prometheus --config.file="$T_TMP/$name.yml" --storage.tsdb.path="$T_TMP/tsdb-$name" \
		--web.listen-address="127.0.0.1:$port" --log.level=warn </dev/null >"$T_TMP/$name.log" 2>&1
	eval "PROM_$name=$port"
	wait_for 60 curl -sf --max-time 5 -o /dev/null "http://127.0.0.1:$port/-/ready"
}

# query PORT PROMQL: the JSON result of an instant query.
query() { curl -s --max-time 10 --get --data-urlencode "query=$2" "http://127.0.0.1:$1/api/v1/query"; }
count() { query "$1" "$2" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["result"]))' 2>/dev/null; }
count_is() { [ "$(count "$1" "$2")" = "$3" ]; }

site a 11 || { fail "site a starts"; exit 0; }
site b 12 || { fail "site b starts"; exit 0; }
ok "two sites, each $N BMCs with a bmctop serve"

site_prom() { # the configuration of the Prometheus of site $1
	cat <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels:
    site: $1
scrape_configs:
  - job_name: bmctop
    static_configs:
      - targets: ['127.0.0.1:$2']
  - job_name: bmc
    http_sd_configs:
      - url: http://127.0.0.1:$2/discover
        refresh_interval: 2s
EOF
}
prom a "$(site_prom a "$PORT_a")" || { fail "Prometheus of site a starts"; diag "$(tail -5 "$T_TMP/a.log")"; exit 0; }
prom b "$(site_prom b "$PORT_b")" || { fail "Prometheus of site b starts"; diag "$(tail -5 "$T_TMP/b.log")"; exit 0; }
ok "a Prometheus per site"

check "site a's Prometheus scrapes /metrics (up == 1, bmctop_hosts_up == $N)" \
	wait_for 120 count_is "$PROM_a" "bmctop_hosts_up{job=\"bmctop\"} == $N" 1
check "... and through /discover finds and probes every host (up == 1 for $N targets)" \
	wait_for 120 count_is "$PROM_a" 'up{job="bmc"} == 1' $N
check "site b's too" wait_for 120 count_is "$PROM_b" 'up{job="bmc"} == 1' $N
is "service discovery's labels reach the series (host, no instance per host)" \
	"$(query "$PROM_a" 'count by (host) (ipmi_temperature_celsius{job="bmc"})' | "$PY" -c 'import json,sys; print(sorted(r["metric"].get("host","") for r in json.load(sys.stdin)["data"]["result"]))')" \
	"$("$PY" -c 'import sys; print(sorted("bmc%02d" % i for i in range(1, int(sys.argv[1]) + 1)))' $N)"

prom g "$(cat <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: federate
    honor_labels: true
    metrics_path: /federate
    params:
      'match[]': ['{job="bmc"}']
    static_configs:
      - targets: ['127.0.0.1:$PROM_a', '127.0.0.1:$PROM_b']
EOF
)" || { fail "the global Prometheus starts"; diag "$(tail -5 "$T_TMP/g.log")"; exit 0; }
ok "a global Prometheus federating both"

"$BMCTOP" -c "$T_TMP/a.conf" status --json >"$T_TMP/a.json" 2>/dev/null
"$BMCTOP" -c "$T_TMP/b.conf" status --json >"$T_TMP/b.json" 2>/dev/null
temps=$("$PY" -c '
import json, sys
print(sum(1 for f in sys.argv[1:] for h in json.load(open(f)) for s in h["sensors"] if s["unit"] == "C" and s.get("value") is not None))' "$T_TMP/a.json" "$T_TMP/b.json")
check "every temperature of both sites reaches the global Prometheus ($temps series)" \
	wait_for 120 count_is "$PROM_g" 'ipmi_temperature_celsius' "$temps"
query "$PROM_g" 'ipmi_temperature_celsius' >"$T_TMP/g.json"
cmp_out=$("$PY" - "$T_TMP/g.json" "$T_TMP/a.json" "$T_TMP/b.json" <<'PY'
import json, sys
got = {}
for r in json.load(open(sys.argv[1]))["data"]["result"]:
    m = r["metric"]
    got[(m.get("site"), m.get("host"), m.get("name"))] = float(r["value"][1])
n = bad = 0
for site, path in (("a", sys.argv[2]), ("b", sys.argv[3])):
    for h in json.load(open(path)):
        for s in h["sensors"]:
            if s["unit"] != "C" or s.get("value") is None:
                continue
            n += 1
            v = got.get((site, h["name"], s["name"]))
            if v is None or abs(v - s["value"]) > 1e-9:
                print("mismatch", site, h["name"], s["name"], s["value"], v); bad += 1
print("compared", n, "bad", bad)
PY
)
like "the global view's temperatures equal bmctop status --json, host by host" "$cmp_out" "^compared [1-9][0-9]* bad 0$"
diag "$cmp_out"
is "... labelled by site, host, name, id and source" \
	"$(query "$PROM_g" 'ipmi_temperature_celsius' | "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"][0]["metric"]; print(all(k in r for k in ("site","host","name","id","source","job")))')" True
exit 0
