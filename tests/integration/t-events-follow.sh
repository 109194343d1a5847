# t-events-follow.sh - fleet events as they happen, on bmcsim with a
# transition storm (--storm: a quarter of the BMCs run hot at once):
# `events --follow --json` running the engine prints one NDJSON line per
# change, exactly the changes the store keeps; a second one, finding the
# store's writer lock taken, tails the event file and prints the same lines;
# serve's /events streams them as Server-Sent Events, resumes from a
# Last-Event-ID or ?since=, and caps its clients; --since replays.
. "$SRCDIR/tests/lib/tap.sh"
need timeout curl
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
BMCTOP=${BMCTOP:-$BUILDDIR/bmctop}
export XDG_STATE_HOME="$T_TMP/state" XDG_CONFIG_HOME="$T_TMP/config"
N=200

pyj() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
# ndj FILE EXPR: EXPR over d, the NDJSON lines of FILE as a list.
ndj() {
	local f=$1 e=$2
	shift 2
	/usr/bin/python3 -c "import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; $e" "$f" "$@"
}
# sse_check KIND LIVE OTHER [ID]: compare a resumed stream OTHER with the
# live one LIVE: every entry changed after ID (or any, without) in LIVE is
# in OTHER, nothing in OTHER is at or before ID, nothing twice.
sse_check() {
	/usr/bin/python3 - "$@" <<'PY'
import json, sys
def events(path):
    out, ev = [], {}
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("id: "): ev["id"] = line[4:]
        elif line.startswith("data: "): ev["data"] = json.loads(line[6:])
        elif line == "" and "id" in ev: out.append(ev); ev = {}
    return out
def key(i): t, s = i.split("-"); return (int(t), int(s))
live, other = events(sys.argv[1]), events(sys.argv[2])
cut = key(sys.argv[3]) if len(sys.argv) > 3 else (0, 0)
want = {e["data"]["seq"] for e in live if key(e["id"]) > cut}
got = [(e["data"]["seq"], e["data"]["count"]) for e in other]
bad = [e["id"] for e in other if key(e["id"]) <= cut]
missing = sorted(want - {s for s, c in got})
print("missing %s, not after the cursor %s, twice %d" % (missing, bad, len(got) - len(set(got))))
PY
}

(umask 077 && tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16 >"$T_TMP/pw")
spawn "$BMCSIM" --count $N --port 0 --password-file "$T_TMP/pw" --fleet-out "$T_TMP/f.conf" \
	--ready-file "$T_TMP/ready" --dump "$T_TMP/dump.json" --max-seconds 400 --seed 7 \
	--storm 25:25 2>"$T_TMP/sim.err"
SIM_PID=$T_LAST_PID
wait_for 60 test -f "$T_TMP/ready" || { fail "bmcsim starts"; diag "$(cat "$T_TMP/sim.err")"; exit 0; }
sed -i 's/^\[defaults\]$/[defaults]\ninterval = 5s/' "$T_TMP/f.conf"
fresh=$(pyj 'print(" ".join(sorted(b["name"] for i,b in enumerate(d) if (i+1)*25//100 != i*25//100 and b["health"] != "critical")))' <"$T_TMP/dump.json")
want=$(/usr/bin/python3 -c "import sys; print(sorted(sys.argv[1:]))" $fresh)
check "most of the 50 storm hosts healthy before it ($(echo $fresh | wc -w))" [ "$(echo $fresh | wc -w)" -ge 35 ]

# The first follower records (it runs the engine and takes the store).
spawn "$BMCTOP" -c "$T_TMP/f.conf" events --follow --json >"$T_TMP/f1.ndjson" 2>"$T_TMP/f1.err"
F1=$T_LAST_PID
locked() { ! flock -n "$T_TMP/state/bmctop/history/data" true; }
check "the engine follower takes the store's writer lock" wait_for 60 locked

# serve, beside it: its own engine, its events in memory.
PORT=$(free_port)
URL=http://127.0.0.1:$PORT
spawn "$BMCTOP" -c "$T_TMP/f.conf" serve --listen 127.0.0.1:$PORT </dev/null >"$T_TMP/serve.log" 2>&1
SERVE_PID=$T_LAST_PID
check "serve answers" wait_for 30 sh -c "[ \"\$(curl -s --max-time 5 $URL/-/healthy)\" = OK ]"
spawn curl -sN --max-time 300 "$URL/events" -o "$T_TMP/sse.txt"
CURL=$T_LAST_PID

# The second follower finds the lock taken: it tails the event file.
spawn "$BMCTOP" events --follow --json >"$T_TMP/f2.ndjson" 2>"$T_TMP/f2.err"
F2=$T_LAST_PID
crit_all() {
	[ "$(ndj "$1" "print(sorted(e['host'] for e in d if e['kind']=='health' and e['to']=='critical' and e['host'] in sys.argv[2].split()))" "$fresh" 2>/dev/null)" = "$want" ]
}
sse_crit_all() {
	grep '^data: ' "$T_TMP/sse.txt" | cut -c7- >"$T_TMP/sse.ndjson"
	crit_all "$T_TMP/sse.ndjson"
}
check "the engine follower prints every fresh storm host going critical" wait_for 150 crit_all "$T_TMP/f1.ndjson"
check "so does serve's /events" wait_for 60 sse_crit_all
# (The tail reads the file every half second: two folds of one entry
# between two reads are one line there, so entries are compared, not lines.)
final() { ndj "$1" "m={}; [m.__setitem__(e['seq'],e['count']) for e in d]; print(sorted(m.items()))"; }
same_final() { [ "$(final "$T_TMP/f1.ndjson")" = "$(final "$T_TMP/f2.ndjson")" ]; }
wait_for 20 same_final
kill -INT "$F1"; wait "$F1"; rc=$?
is "SIGINT ends the engine follower cleanly" "$rc" 0
kill -TERM "$F2"; wait "$F2"; rc=$?
is "SIGTERM ends the tailing follower cleanly" "$rc" 0
like "the second follower says it follows the file" "$(cat "$T_TMP/f2.err")" "another bmctop records.*following its event file"

lines=$(wc -l <"$T_TMP/f1.ndjson")
diag "engine follower: $lines NDJSON lines; tail follower: $(wc -l <"$T_TMP/f2.ndjson")"
is "every line is one JSON object with the fields of events --json" \
	"$(ndj "$T_TMP/f1.ndjson" "print(sorted(set(tuple(sorted(e)) for e in d)))")" \
	"[('acked', 'count', 'first', 'from', 'host', 'kind', 'seq', 'subject', 'text', 'time', 'to')]"
is "health -> critical: each fresh storm host exactly once" \
	"$(ndj "$T_TMP/f1.ndjson" "print(sorted(e['host'] for e in d if e['kind']=='health' and e['to']=='critical' and e['host'] in sys.argv[2].split()))" "$fresh")" "$want"
is "no change printed twice (seq and count unique)" \
	"$(ndj "$T_TMP/f1.ndjson" "k=[(e['seq'],e['count']) for e in d]; print(len(k)-len(set(k)))")" 0
"$BMCTOP" events --since 1h --json >"$T_TMP/store.json"
is "no gap: the last line of each entry is the store's entry" "$(final "$T_TMP/f1.ndjson")" \
	"$(pyj "print(sorted((e['seq'],e['count']) for e in d))" <"$T_TMP/store.json")"
is "the tailing follower printed the same entries, each to its last count" \
	"$(final "$T_TMP/f2.ndjson")" "$(final "$T_TMP/f1.ndjson")"
is "... each change once" \
	"$(ndj "$T_TMP/f2.ndjson" "k=[(e['seq'],e['count']) for e in d]; print(len(k)-len(set(k)))")" 0

# serve's stream (still open: a snapshot of what it had).
cp "$T_TMP/sse.txt" "$T_TMP/sse-snap.txt"
sse_ids() { grep '^id: ' "$1" | cut -c5-; }
nsse=$(sse_ids "$T_TMP/sse-snap.txt" | wc -l)
diag "serve's /events: $nsse events"
is "each SSE event has an id, an event kind and one data line" \
	"$(grep -c '^event: ' "$T_TMP/sse-snap.txt") $(grep -c '^data: ' "$T_TMP/sse-snap.txt")" "$nsse $nsse"
like "the event line names the kind" "$(grep -A1 '^id: ' "$T_TMP/sse-snap.txt" | grep '^event: ' | sort -u | tr '\n' ' ')" "event: health"
fifth=$(sse_ids "$T_TMP/sse-snap.txt" | sed -n 5p)
curl -sN --max-time 3 -H "Last-Event-ID: $fifth" "$URL/events" -o "$T_TMP/resume.txt"
is "Last-Event-ID resumes right after that event: every entry changed since, once" \
	"$(sse_check "$T_TMP/sse-snap.txt" "$T_TMP/resume.txt" "$fifth")" "missing [], not after the cursor [], twice 0"
curl -sN --max-time 3 "$URL/events?since=1h" -o "$T_TMP/since.txt"
is "?since=1h replays every entry of the stream" \
	"$(sse_check "$T_TMP/sse-snap.txt" "$T_TMP/since.txt")" "missing [], not after the cursor [], twice 0"
kill "$CURL" 2>/dev/null; wait "$CURL" 2>/dev/null
is "a bad ?since: 400" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/events?since=forever")" 400
is "a foreign Last-Event-ID: 400" "$(curl -s -o /dev/null -w '%{http_code}' -H 'Last-Event-ID: x' "$URL/events")" 400
like "the stream's type" "$(curl -sI --max-time 5 "$URL/events")" "Content-Type: text/event-stream"
pids=""
for i in $(seq 16); do
	curl -sN --max-time 20 "$URL/events" -o /dev/null & pids="$pids $!"
done
sleep 2
is "a 17th stream client: 503" "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$URL/events")" 503
is "... while /metrics still answers" "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$URL/metrics")" 200
kill $pids 2>/dev/null; wait $pids 2>/dev/null
kill -INT "$SERVE_PID"; wait "$SERVE_PID"; rc=$?
is "serve ends cleanly with streams open before" "$rc" 0

# --since with the lock free: the engine again, after a replay of the store.
timeout -s INT --preserve-status 8 "$BMCTOP" -c "$T_TMP/f.conf" events --follow --json --since 1h \
	>"$T_TMP/f3.ndjson" 2>"$T_TMP/f3.err"; rc=$?
is "--since then SIGINT: exit 0" "$rc" 0
is "--since replays every stored entry first" \
	"$(ndj "$T_TMP/f3.ndjson" "print(sorted((e['seq'],e['count']) for e in d[:$(pyj 'print(len(d))' <"$T_TMP/store.json")]))")" \
	"$(pyj "print(sorted((e['seq'],e['count']) for e in d))" <"$T_TMP/store.json")"
text=$(timeout -s INT 3 "$BMCTOP" -c "$T_TMP/f.conf" events --follow --since 1h 2>/dev/null | head -3)
like "text lines without --json" "$text" "health|sensor|sel"
kill "$SIM_PID"
exit 0
