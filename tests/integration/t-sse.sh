# t-sse.sh - Redfish push: bmctop serve subscribes to each bmcsim BMC's
# Server-Sent Events stream and an event reaches /events long before the
# next poll (the poll interval is 300 s); exactly one stream per BMC;
# Last-Event-ID resume after a dropped stream (no duplicate, no gap); a BMC
# reboot mid-stream (re-subscribed with one re-login); an oversized event
# (stream dropped with a logged reason, re-subscribed, later events
# arrive, memory bounded); a BMC without SSE polled as before; a wrong
# password costs exactly one login and opens no stream.
#
# bmcsim counts, per BMC, the streams open and ever opened, the events it
# replayed after a Last-Event-ID, and the Redfish logins it was sent
# (--dump); bmctop's side is read from /metrics and its log.  Passwords:
# in 0600 files (bmcsim's, and curl's netrc for the test's own requests).
. "$SRCDIR/tests/lib/tap.sh"
BMCSIM=${BMCSIM:-$BUILDDIR/bmcsim}
[ -x "$BMCSIM" ] || skip_all "bmcsim is not built ($BMCSIM)"
need curl timeout
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
BMCTOP=${BMCTOP:-$BUILDDIR/bmctop}
export XDG_STATE_HOME="$T_TMP/state" XDG_CONFIG_HOME="$T_TMP/config"

PW=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16)
(umask 077 && printf '%s\n' "$PW" >"$T_TMP/password" && printf 'wrong-%s\n' "$PW" >"$T_TMP/wrong" &&
	printf 'machine 127.0.0.1 login admin password %s\n' "$PW" >"$T_TMP/netrc")

# Three Redfish BMCs: bmc01 without SSE, bmc02 and bmc03 with it.  The
# model is frozen (--tick 0): log entries come only from the test.
spawn "$BMCSIM" --port 0 --count 3 --redfish-share 100 --sse-share 67 --tick 0 --seed 3 \
	--password-file "$T_TMP/password" --fleet-out "$T_TMP/fleet.conf" --dump "$T_TMP/dump.json" \
	--ready-file "$T_TMP/sim.ready" --max-seconds 600 </dev/null >"$T_TMP/sim.log" 2>&1
SIM_PID=$T_LAST_PID
wait_for 30 test -s "$T_TMP/sim.ready" || { fail "bmcsim starts"; diag "$(tail -5 "$T_TMP/sim.log")"; exit 0; }

# dump NAME FIELD: bmcsim's count, read fresh.
dump() {
	rm -f "$T_TMP/dump.json"
	kill -USR1 "$SIM_PID"
	wait_for 10 test -s "$T_TMP/dump.json"
	/usr/bin/python3 -c "import json,sys; print([b for b in json.load(open(sys.argv[1])) if b['name'] == sys.argv[2]][0][sys.argv[3]])" \
		"$T_TMP/dump.json" "$1" "$2" 2>/dev/null
}
is "bmcsim: bmc01 has no SSE, bmc02 and bmc03 have" "$(dump bmc01 sse) $(dump bmc02 sse) $(dump bmc03 sse)" "False True True"
port() { sed -n "/^\[host $1\]/,/^\[/s|^redfish = https://127.0.0.1:||p" "$T_TMP/fleet.conf"; }
# post HOST ACTION [JSON]: a POST to bmcsim's Redfish as the test's own client.
post() {
	local body='{}'
	[ $# -ge 3 ] && body=$3
	curl -sk --netrc-file "$T_TMP/netrc" --max-time 10 -o /dev/null -w '%{http_code}' -X POST \
		-H 'Content-Type: application/json' -d "$body" "https://127.0.0.1:$(port "$1")$2"
}
TEST_EVENT=/redfish/v1/EventService/Actions/EventService.SubmitTestEvent

# Polls every 300 s: only push brings an event sooner.  bmc01 (no SSE) is
# polled every 3 s; bmc03 has a wrong password.
sed -i 's/^protocol = auto$/protocol = redfish/; s/^\[defaults\]$/[defaults]\ninterval = 300s/' "$T_TMP/fleet.conf"
sed -i "s|^\[host bmc01\]\$|[host bmc01]\ninterval = 3s|; s|^\[host bmc03\]\$|[host bmc03]\npassword-file = $T_TMP/wrong|" "$T_TMP/fleet.conf"

PORT=$(free_port)
URL=http://127.0.0.1:$PORT
spawn "$BMCTOP" -c "$T_TMP/fleet.conf" serve --listen 127.0.0.1:$PORT </dev/null >"$T_TMP/serve.log" 2>&1
SERVE_PID=$T_LAST_PID
check "serve answers" wait_for 30 sh -c "[ \"\$(curl -s --max-time 5 $URL/-/healthy)\" = OK ]"
spawn curl -sN --max-time 500 "$URL/events" -o "$T_TMP/events.txt"
LOG=$T_TMP/state/bmctop/bmctop.log

# metric NAME HOST: its value on /metrics, "" when absent.
metric() {
	curl -s --max-time 10 "$URL/metrics" | awk -v m="$1" -v h="$2" \
		'index($0, m "{host=\"" h "\"") == 1 { print $NF }'
}
subscribed() { [ "$(metric bmctop_push_subscribed "$1")" = 1 ] && [ "$(dump "$1" sse_open)" = 1 ]; }
check "bmc02 subscribed (bmctop_push_subscribed 1, one stream open at bmcsim)" wait_for 60 subscribed bmc02
check "bmc03 is parked (wrong password)" wait_for 60 sh -c "curl -s --max-time 10 $URL/metrics | grep -q '^bmctop_host_parked{host=\"bmc03\"[^}]*} 1'"
like "bmc01: no ServerSentEventUri, said in the log" "$(cat "$LOG")" "bmc01: push: the EventService offers no ServerSentEventUri; polling goes on"
like "bmc02: subscribed at the URI its EventService gave, with the \$filter it takes" "$(cat "$LOG")" \
	'bmc02: push: subscribing at /redfish/v1/EventService/SSE\?\$filter=EventFormatType%20eq%20Event'
is "bmctop_push_subscribed of bmc01 (no SSE): 0" "$(metric bmctop_push_subscribed bmc01)" 0

# events_of HOST: the SEL events /events has streamed for HOST.
events_of() { grep -c "^data: .*\"host\":\"$1\".*\"kind\":\"sel\"" "$T_TMP/events.txt"; }
more_events() { [ "$(events_of "$1")" -gt "$2" ]; }

before=$(events_of bmc02)
is "a test event at bmc02: 204" "$(post bmc02 $TEST_EVENT)" 204
check "... reaches /events within 20 s, though the next poll is 300 s away" wait_for 20 more_events bmc02 "$before"
is "... pushed once (bmctop_push_events_total 1)" "$(metric bmctop_push_events_total bmc02)" 1

before=$(events_of bmc01)
is "a test event at bmc01 (no SSE): 204" "$(post bmc01 $TEST_EVENT)" 204
check "... reaches /events through polling" wait_for 30 more_events bmc01 "$before"

# Resume: bmcsim drops the stream, then logs an event no stream sees.
opened=$(dump bmc02 sse_opened)
is "an event at bmc02 after its stream was dropped: 204" \
	"$(post bmc02 $TEST_EVENT '{"Oem":{"Bmcsim":{"DropStreams":true}}}')" 204
resumed() { [ "$(dump bmc02 sse_opened)" -gt "$opened" ] && [ "$(metric bmctop_push_events_total bmc02)" = 2 ]; }
check "... the stream is opened again and the event arrives on it" wait_for 30 resumed
is "... bmcsim replayed exactly that one event after the Last-Event-ID (no duplicate, no gap)" \
	"$(dump bmc02 sse_replayed)" 1
sleep 2
is "... and bmctop counted it once" "$(metric bmctop_push_events_total bmc02)" 2

# An event over 64 KB, then two ordinary ones.
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVE_PID/status"; }
rss0=$(rss)
opened=$(dump bmc02 sse_opened)
is "an oversized event at bmc02 (100 KB): 204" \
	"$(post bmc02 $TEST_EVENT '{"Oem":{"Bmcsim":{"PadBytes":100000}}}')" 204
is "... then two ordinary ones" "$(post bmc02 $TEST_EVENT) $(post bmc02 $TEST_EVENT)" "204 204"
after_big() { [ "$(metric bmctop_push_events_total bmc02)" = 4 ] && [ "$(metric bmctop_push_events_dropped_total bmc02)" = 1 ]; }
check "... the big one dropped (bmctop_push_events_dropped_total 1), the two after it pushed" wait_for 30 after_big
like "... the log says why the stream was dropped" "$(cat "$LOG")" "bmc02: push: an event over 64 KB: stream dropped"
check "... and bmc02 is subscribed again" wait_for 30 subscribed bmc02
check "... on a new stream" [ "$(dump bmc02 sse_opened)" -gt "$opened" ]
check "... serve's memory grew by less than 16 MB ($rss0 kB, now $(rss) kB)" [ $(($(rss) - rss0)) -lt 16384 ]

# A BMC reboot mid-stream: the stream ends, the session is gone.
logins=$(dump bmc02 redfish_logins)
opened=$(dump bmc02 sse_opened)
is "bmc02's Manager.Reset (a BMC reboot): 204" "$(post bmc02 /redfish/v1/Managers/1/Actions/Manager.Reset)" 204
resubscribed() { [ "$(dump bmc02 sse_opened)" -gt "$opened" ] && subscribed bmc02; }
check "... bmctop subscribes again after the reboot" wait_for 90 resubscribed
is "... having logged in once more (no storm)" "$(dump bmc02 redfish_logins)" $((logins + 1))
before=$(events_of bmc02)
pushed=$(metric bmctop_push_events_total bmc02)
is "a test event at bmc02 after the reboot: 204" "$(post bmc02 $TEST_EVENT)" 204
check "... reaches /events within 20 s" wait_for 20 more_events bmc02 "$before"
is "... pushed" "$(metric bmctop_push_events_total bmc02)" $((pushed + 1))

# bmc03 and the stream counts at the end.
is "bmc03 (wrong password): exactly one login, no stream" \
	"$(dump bmc03 redfish_logins) $(dump bmc03 sse_opened)" "1 0"
is "bmc01 (no SSE): no stream" "$(dump bmc01 sse_opened)" 0
is "one stream per BMC open at the end (bmc01 bmc02 bmc03)" \
	"$(dump bmc01 sse_open) $(dump bmc02 sse_open) $(dump bmc03 sse_open)" "0 1 0"

kill "$SERVE_PID"
check "serve stops on SIGTERM" wait_for 20 sh -c "! kill -0 $SERVE_PID 2>/dev/null"
check "... and its stream is closed at bmcsim" wait_for 20 sh -c "[ \"\$(kill -USR1 $SIM_PID; sleep 1; /usr/bin/python3 -c 'import json; print(sum(b[\"sse_open\"] for b in json.load(open(\"$T_TMP/dump.json\"))))')\" = 0 ]"
# status --watch polls as the dashboard does: push too, said in its JSON.
"$BMCTOP" -c "$T_TMP/fleet.conf" status --watch 8 --json bmc01 bmc02 >"$T_TMP/status.json" 2>"$T_TMP/status.err"
is "status --watch --json: push per host (bmc01 without SSE, bmc02 with)" \
	"$(/usr/bin/python3 -c "import json,sys; print(' '.join('%s=%s/%s' % (h['name'], h.get('push'), h['counters']['push_streams']) for h in json.load(open(sys.argv[1]))))" "$T_TMP/status.json" 2>&1)" \
	"bmc01=unsupported/0 bmc02=subscribed/1"
# redfish-push = no: polling only, no stream asked for.
sed 's/^\[defaults\]$/[defaults]\nredfish-push = no/' "$T_TMP/fleet.conf" >"$T_TMP/nopush.conf"
opened=$(dump bmc02 sse_opened)
"$BMCTOP" -c "$T_TMP/nopush.conf" status --watch 6 --json bmc02 >"$T_TMP/nopush.json" 2>"$T_TMP/nopush.err"
is "redfish-push = no: no push state, no stream opened at bmcsim" \
	"$(/usr/bin/python3 -c "import json,sys; h=json.load(open(sys.argv[1]))[0]; print(h['state'], h.get('push'), h['counters']['push_streams'])" "$T_TMP/nopush.json" 2>&1) $(dump bmc02 sse_opened)" \
	"ok None 0 $opened"

# redfish-push-max = 1: two hosts (both bmc02, under two names), one stream.
{
	sed 's/^\[defaults\]$/[defaults]\nredfish-push-max = 1/' "$T_TMP/fleet.conf"
	printf '\n[host bmc02b]\n'
	sed -n '/^\[host bmc02\]/,/^\[/{/^address\|^redfish\|^ipmi-port\|^protocol/p}' "$T_TMP/fleet.conf"
} >"$T_TMP/max.conf"
opened=$(dump bmc02 sse_opened)
"$BMCTOP" -c "$T_TMP/max.conf" status --watch 6 --json bmc02 bmc02b >"$T_TMP/max.json" 2>"$T_TMP/max.err"
is "redfish-push-max = 1: one host subscribed, the other capped; one stream opened at bmcsim" \
	"$(/usr/bin/python3 -c "import json,sys; print(' '.join(sorted(str(h.get('push')) for h in json.load(open(sys.argv[1])))))" "$T_TMP/max.json" 2>&1) $(($(dump bmc02 sse_opened) - opened))" \
	"capped subscribed 1"

# A real peer: redfish-server.py serving bmcweb's mockup, whose root links
# an EventService the mockup does not hold (404): polled only, asked once.
. "$SRCDIR/tests/lib/redfish.sh"
need openssl
if redfish_start peer openbmc-bmcweb-stock; then
	redfish_fleet "$T_TMP/peer.conf" peer
	sed -i 's/^\[defaults\]$/[defaults]\ninterval = 300s/' "$T_TMP/peer.conf"
	PORT2=$(free_port)
	spawn "$BMCTOP" -c "$T_TMP/peer.conf" serve --listen 127.0.0.1:$PORT2 </dev/null >"$T_TMP/serve2.log" 2>&1
	SERVE2=$T_LAST_PID
	peer_said() { grep -q "peer: push: .*polling goes on" "$LOG"; }
	check "the peer without an EventService resource: push gives up, saying so" wait_for 60 peer_said
	like "... after reading the EventService link from the service root" "$(grep 'peer: push' "$LOG")" \
		"peer: push: GET the EventService: .*polling goes on"
	is "... bmctop_push_subscribed 0, the host up" \
		"$(curl -s --max-time 10 http://127.0.0.1:$PORT2/metrics | awk '/^bmctop_push_subscribed\{host="peer"/ {a=$NF} /^bmctop_up\{host="peer"/ {b=$NF} END {print a, b}')" "0 1"
	sleep 3
	is "... the EventService asked for once, no stream tried" \
		"$(grep -c 'GET /redfish/v1/EventService ' "$(redfish_dir peer)/server.log") $(grep -c 'SSE' "$(redfish_dir peer)/server.log")" "1 0"
	kill "$SERVE2"
else
	fail "redfish-server.py starts"
fi

unlike "the password is in no log" "$(cat "$LOG" "$T_TMP/serve.log" "$T_TMP/sim.log")" "$PW"
exit 0
