/*
 * cli/cmd-serve.c - bmctop serve: the engine without a screen, polling the
 * fleet on its own schedule, and its readings over HTTP for Prometheus.
 *
 * A scrape never causes BMC traffic: every endpoint renders what the
 * engine already holds (core/metrics.c), so a Prometheus that scrapes
 * every second costs rendering time only, and a /probe of a name that is
 * not in the fleet is refused rather than polled.  Anything but a
 * loopback address needs a web configuration with TLS and users: the
 * metrics name every BMC of the fleet and its firmware.
 *
 * /events is the fleet events (core/events.h) as Server-Sent Events: the
 * recorder's listener hands each change to every stream client, whose
 * cursor keeps it from seeing a change twice; a client resumes from its
 * Last-Event-ID or starts from ?since=TIME.  Clients are capped, and one
 * that falls behind is cut (serve-http.c bounds its queue).
 */
#include "config.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli/cli.h"
#include "cli/serve-http.h"
#include "core/events.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/record.h"
#include "core/sched.h"
#include "core/webconfig.h"
#include "core/xalloc.h"

#define SERVE_DEFAULT_LISTEN "127.0.0.1:9623"
/* Smaller answers go out as they are: gzip would not pay for itself. */
#define SERVE_GZIP_MIN 4096
#define SERVE_EVENT_CLIENTS_MAX 16
#define SERVE_KEEPALIVE_MS 15000

/* One /events client. */
struct sse_client {
	struct serve *srv;
	struct serve_stream *st;  /* NULL once it is ending */
	struct events_cursor cur; /* the last change sent */
	struct sse_client *prev, *next;
};

struct serve {
	struct cli *cli;
	struct serve_http *http;
	struct metrics_text text;
	unsigned char *gz; /* the gzip form of text, when the client takes it */
	size_t gz_cap;
	char *json;
	char *listen_host;
	int listen_port;
	int tls;
	struct sse_client *clients;
	size_t nclients;
	struct events_cursor start; /* of the stream being opened */
	uv_timer_t keepalive;
	int keepalive_open;
};

static void reply_text(struct serve_reply *r, int status, const char *body)
{
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	r->body = body;
	r->body_len = strlen(body);
}

/*
 * Compress the reply's body with gzip (level 1: a scrape of ten thousand
 * hosts is tens of megabytes, and speed matters more than the last few
 * percent) when the client takes it.  The body stays as it is on failure.
 */
static void maybe_gzip(struct serve *s, const struct http_request *req, struct serve_reply *r)
{
	z_stream z;
	size_t bound;

	if (!req->accepts_gzip || r->body_len < SERVE_GZIP_MIN)
		return;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	bound = deflateBound(&z, r->body_len);
	if (bound > s->gz_cap) {
		free(s->gz);
		s->gz = xmalloc(bound);
		s->gz_cap = bound;
	}
	z.next_in = (unsigned char *)r->body;
	z.avail_in = (uInt)r->body_len;
	z.next_out = s->gz;
	z.avail_out = (uInt)bound;
	if (r->body_len <= UINT32_MAX && bound <= UINT32_MAX &&
	    deflate(&z, Z_FINISH) == Z_STREAM_END) {
		r->body = (const char *)s->gz;
		r->body_len = z.total_out;
		r->content_encoding = "gzip";
	}
	deflateEnd(&z);
}

/* Render hosts[0..n) into the reply, in the format the client asked for. */
static void reply_metrics(struct serve *s, const struct http_request *req,
			  const struct bmc_host *hosts, size_t n, const struct metrics_fleet *fleet,
			  unsigned flags, struct serve_reply *r)
{
	int om = http_request_accepts(req, "application/openmetrics-text");

	s->text.len = 0;
	metrics_render(&s->text, hosts, n, fleet, flags | (om ? METRICS_OPENMETRICS : 0));
	r->status = 200;
	r->content_type = om ? METRICS_TYPE_OPENMETRICS : METRICS_TYPE_TEXT;
	r->body = s->text.data;
	r->body_len = s->text.len;
	maybe_gzip(s, req, r);
}

static void serve_metrics(struct serve *s, const struct http_request *req,
			  struct serve_reply *r)
{
	struct bmc_engine *e = &s->cli->engine;
	struct metrics_fleet fleet = { 0, 0 };
	struct sched_stats st;

	sched_get_stats(e, &st);
	fleet.polls_in_flight = st.in_flight;
	fleet.in_flight_limit = st.limit;
	reply_metrics(s, req, e->hosts, e->nhosts, &fleet, 0, r);
}

/* A fleet host by name, or by its address as ipmi_exporter's targets are. */
static const struct bmc_host *find_target(struct bmc_engine *e, const char *target)
{
	size_t i;
	struct bmc_host *h = engine_find_host(e, target);

	if (h != NULL)
		return h;
	for (i = 0; i < e->nhosts; i++)
		if (strcmp(e->hosts[i].cfg->address, target) == 0)
			return &e->hosts[i];
	return NULL;
}

/* /probe?target=HOST and ipmi_exporter's /ipmi?target=HOST: one host,
 * without host labels (Prometheus adds its own target labels). */
static void serve_probe(struct serve *s, const struct http_request *req, struct serve_reply *r)
{
	char target[256];
	const struct bmc_host *h;
	int rc = http_request_query(req->target, "target", target, sizeof target);

	if (rc <= 0) {
		reply_text(r, 400,
			   rc == 0 ? "the target parameter is missing (?target=HOST)\n"
				   : "the target parameter is malformed\n");
		return;
	}
	h = find_target(&s->cli->engine, target);
	if (h == NULL) {
		/* Not polled on demand: a scrape never makes BMC traffic. */
		reply_text(r, 404, "no such host in the fleet\n");
		return;
	}
	reply_metrics(s, req, h, 1, NULL, METRICS_NO_HOST, r);
}

/* A Host header fit to name this server in a target, or NULL. */
static const char *usable_host_header(const struct http_request *req)
{
	const char *p;

	if (req->host[0] == '\0')
		return NULL;
	for (p = req->host; *p != '\0'; p++)
		if (*p == '/' || *p == '@' || *p == ' ' || *p == '?' || *p == '#' || *p == '\\')
			return NULL;
	return req->host;
}

/*
 * Prometheus HTTP service discovery: one target group per host, whose
 * address is this server and whose metrics path and parameter make
 * Prometheus scrape /probe?target=HOST, labelled host and group.
 */
static void serve_discover(struct serve *s, const struct http_request *req,
			   struct serve_reply *r)
{
	struct bmc_engine *e = &s->cli->engine;
	const char *self = usable_host_header(req);
	char fallback[300];
	json_t *arr = json_array();
	size_t i;

	if (self == NULL) {
		snprintf(fallback, sizeof fallback,
			 strchr(s->listen_host, ':') ? "[%s]:%d" : "%s:%d", s->listen_host,
			 s->listen_port);
		self = fallback;
	}
	for (i = 0; i < e->nhosts; i++) {
		const struct host_config *hc = e->hosts[i].cfg;
		json_t *labels = json_pack("{s:s, s:s, s:s, s:s}", "host", hc->name, "group",
					   hc->group ? hc->group : "", "__metrics_path__", "/probe",
					   "__param_target", hc->name);

		json_array_append_new(arr,
				      json_pack("{s:[s], s:o}", "targets", self, "labels", labels));
	}
	free(s->json);
	s->json = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	r->status = 200;
	r->content_type = "application/json";
	r->body = s->json;
	r->body_len = strlen(s->json);
}

static const char sse_cut[] = ": too slow: this client fell behind and is cut; reconnect with "
			      "Last-Event-ID\n\n";

/* One change to one client, as an SSE event, once. */
static void sse_send(struct sse_client *cl, const struct fleet_event *e)
{
	char id[48], *data, *msg;
	json_t *o;

	if (cl->st == NULL || !events_cursor_before(&cl->cur, e))
		return;
	cl->cur.t = e->t;
	cl->cur.seq = e->seq;
	events_cursor_format(e, id, sizeof id);
	o = events_to_json(e);
	data = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	msg = xasprintf("id: %s\nevent: %s\ndata: %s\n\n", id, fev_kind_name(e->kind),
			data != NULL ? data : "{}");
	if (serve_stream_write(cl->st, msg, strlen(msg), sse_cut) != 0)
		cl->st = NULL;
	free(msg);
	free(data);
}

static void on_serve_event(void *ctx, const struct fleet_event *ev, int bell)
{
	struct serve *s = ctx;
	struct sse_client *cl;

	(void)bell;
	for (cl = s->clients; cl != NULL; cl = cl->next)
		sse_send(cl, ev);
}

static void on_sse_gone(void *arg)
{
	struct sse_client *cl = arg;
	struct serve *s = cl->srv;

	if (cl->prev != NULL)
		cl->prev->next = cl->next;
	else
		s->clients = cl->next;
	if (cl->next != NULL)
		cl->next->prev = cl->prev;
	s->nclients--;
	free(cl);
}

static void on_keepalive(uv_timer_t *t)
{
	static const char ping[] = ": keep-alive\n\n";
	struct serve *s = t->data;
	struct sse_client *cl;

	for (cl = s->clients; cl != NULL; cl = cl->next)
		if (cl->st != NULL &&
		    serve_stream_write(cl->st, ping, sizeof ping - 1, sse_cut) != 0)
			cl->st = NULL;
}

/* The stream is open: a hello, the replay from its cursor, then live. */
static void sse_opened(void *arg, struct serve_stream *st)
{
	static const char hello[] = ": bmctop fleet events\nretry: 5000\n\n";
	struct serve *s = arg;
	struct sse_client *cl = xcalloc(1, sizeof *cl);
	struct recorder *r = record_of(&s->cli->engine);
	const struct fleet_event **list;
	size_t n, i;

	cl->srv = s;
	cl->st = st;
	cl->cur = s->start;
	cl->next = s->clients;
	if (s->clients != NULL)
		s->clients->prev = cl;
	s->clients = cl;
	s->nclients++;
	serve_stream_on_gone(st, on_sse_gone, cl);
	if (serve_stream_write(st, hello, sizeof hello - 1, NULL) != 0) {
		cl->st = NULL;
		return;
	}
	if (r == NULL || record_events(r) == NULL)
		return;
	list = xcalloc(EVENTS_CAP, sizeof *list);
	n = events_after(record_events(r), &cl->cur, list, EVENTS_CAP);
	for (i = 0; i < n && cl->st != NULL; i++)
		sse_send(cl, list[i]);
	free(list);
}

/*
 * GET /events: where the client starts (its Last-Event-ID, ?since=TIME,
 * or now), then a stream.
 */
static void serve_events(struct serve *s, const struct http_request *req, struct serve_reply *r)
{
	char since[32];
	int64_t ago;
	int rc;

	if (s->nclients >= SERVE_EVENT_CLIENTS_MAX) {
		reply_text(r, 503, "too many event-stream clients; try again later\n");
		return;
	}
	s->start.t = engine_wall_ms();
	s->start.seq = UINT64_MAX;
	rc = http_request_query(req->target, "since", since, sizeof since);
	if (req->last_event_id[0] != '\0') {
		if (events_cursor_parse(req->last_event_id, &s->start) != 0) {
			reply_text(r, 400, "Last-Event-ID is not an id this server sent\n");
			return;
		}
	} else if (rc < 0 || (rc > 0 && events_parse_ago(since, &ago) != 0)) {
		reply_text(r, 400, "since takes a time back such as 30m, 1h, 24h, 7d\n");
		return;
	} else if (rc > 0) {
		s->start.t -= ago * 1000;
		s->start.seq = 0;
		s->start.t--;
	}
	r->status = 200;
	r->content_type = "text/event-stream";
	r->body = "";
	r->body_len = 0;
	r->opened = sse_opened;
	r->opened_arg = s;
}

static const char index_page[] =
	"bmctop serve\n\n"
	"/metrics             the whole fleet (Prometheus text, or OpenMetrics when asked)\n"
	"/probe?target=HOST   one host, without host labels (also /ipmi?target=HOST)\n"
	"/discover            Prometheus HTTP service discovery of the fleet\n"
	"/events              fleet events as Server-Sent Events (?since=1h, Last-Event-ID)\n"
	"/-/healthy           200 while serving\n";

/* The routes. */
static void serve_handle(void *ctx, const struct http_request *req, const char *path,
			 struct serve_reply *r)
{
	struct serve *s = ctx;

	if (strcmp(path, "/metrics") == 0)
		serve_metrics(s, req, r);
	else if (strcmp(path, "/probe") == 0 || strcmp(path, "/ipmi") == 0)
		serve_probe(s, req, r);
	else if (strcmp(path, "/discover") == 0)
		serve_discover(s, req, r);
	else if (strcmp(path, "/events") == 0)
		serve_events(s, req, r);
	else if (strcmp(path, "/-/healthy") == 0 || strcmp(path, "/-/ready") == 0)
		reply_text(r, 200, "OK\n");
	else if (strcmp(path, "/") == 0)
		reply_text(r, 200, index_page);
	else
		reply_text(r, 404, "404 Not Found: try /metrics, /probe?target=HOST, /discover\n");
}

/* Close the listener and every connection, saying in the log what it did. */
static void serve_stop_http(struct serve *s)
{
	struct serve_http_stats st;

	if (s->http == NULL)
		return;
	serve_http_get_stats(s->http, &st);
	log_info("serve: stopping after %llu requests (%llu connections refused, %llu silent ones "
		 "closed for others, %llu timed out)",
		 (unsigned long long)st.requests, (unsigned long long)st.refused,
		 (unsigned long long)st.evicted, (unsigned long long)st.timeouts);
	serve_http_stop(s->http, NULL, NULL);
	s->http = NULL;
	if (s->keepalive_open) {
		uv_close((uv_handle_t *)&s->keepalive, NULL);
		s->keepalive_open = 0;
	}
}

static void on_engine_signal(struct bmc_engine *e, int signum)
{
	struct serve *s = e->front_end;

	(void)signum;
	serve_stop_http(s);
	sched_stop(e);
	uv_stop(e->loop);
}

/* The rule for a listen address: loopback, or TLS and users from FILE. */
static int check_exposure(const char *host, const char *web_path, const struct webconfig *web)
{
	if (serve_http_is_loopback(host))
		return 0;
	if (web_path == NULL) {
		fprintf(stderr,
			"bmctop: serve: refusing to listen on %s: it is not a loopback address, and the "
			"metrics name every BMC of the fleet; give --web-config FILE with "
			"tls_server_config and basic_auth_users (bmctop(1), \"serve\")\n",
			host);
		return EXIT_USAGE;
	}
	if (web->cert_file == NULL || web->nusers == 0) {
		fprintf(stderr,
			"bmctop: serve: refusing to listen on %s: %s must give both TLS "
			"(tls_server_config) and users (basic_auth_users) for a non-loopback "
			"address\n",
			host, web_path);
		return EXIT_USAGE;
	}
	return 0;
}

static int serve_run(struct cli *c, struct serve *s, struct webconfig *web)
{
	char *err = NULL;

	cli_start_engine(c);
	s->http = serve_http_start(&c->loop, s->listen_host, s->listen_port, web, serve_handle, s,
				   &err);
	if (s->http == NULL) {
		fprintf(stderr, "bmctop: serve: %s\n", err);
		free(err);
		return EXIT_USAGE;
	}
	s->listen_port = serve_http_port(s->http);
	if (record_of(&c->engine) != NULL)
		record_add_listener(record_of(&c->engine), on_serve_event, s);
	uv_timer_init(&c->loop, &s->keepalive);
	s->keepalive.data = s;
	s->keepalive_open = 1;
	uv_timer_start(&s->keepalive, on_keepalive, SERVE_KEEPALIVE_MS, SERVE_KEEPALIVE_MS);
	c->engine.front_end = s;
	c->engine.on_signal = on_engine_signal;
	fprintf(stderr, "bmctop: serving %zu hosts on %s://%s%s%s:%d/metrics\n", c->engine.nhosts,
		s->tls ? "https" : "http", strchr(s->listen_host, ':') ? "[" : "", s->listen_host,
		strchr(s->listen_host, ':') ? "]" : "", s->listen_port);
	log_info("serve: %zu hosts on %s port %d%s%s", c->engine.nhosts, s->listen_host,
		 s->listen_port, s->tls ? ", TLS" : "",
		 web != NULL && web->nusers > 0 ? ", basic auth" : "");
	sched_start(&c->engine);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	c->engine.on_signal = NULL;
	serve_stop_http(s);
	if (record_of(&c->engine) != NULL)
		record_remove_listener(record_of(&c->engine), on_serve_event, s);
	return EXIT_ALL_OK;
}

int cmd_serve(struct cli *c, int argc, char **argv)
{
	const char *listen_arg = SERVE_DEFAULT_LISTEN, *web_path = NULL;
	struct webconfig web;
	struct serve s;
	char *errors = NULL;
	int rc, have_web = 0;

	memset(&s, 0, sizeof s);
	s.cli = c;
	rc = cli_command_options(c, &argc, argv);
	if (c->listen != NULL)
		listen_arg = c->listen;
	web_path = c->web_config;
	if (rc == 0 && argc > 0)
		rc = cli_usage_error("serve: unexpected argument \"%s\"", argv[0]);
	if (rc == 0 && (fleet_parse_hostport(listen_arg, &s.listen_host, &s.listen_port) != 0 ||
			s.listen_port < 0 || s.listen_port > 65535))
		rc = cli_usage_error("serve: --listen takes ADDRESS:PORT, such as %s or [::1]:9623",
				     SERVE_DEFAULT_LISTEN);
	if (rc == 0 && web_path != NULL) {
		if (webconfig_load(&web, web_path, &errors) != 0) {
			fprintf(stderr, "bmctop: serve: %s", errors);
			free(errors);
			rc = EXIT_USAGE;
		} else {
			have_web = 1;
			s.tls = web.cert_file != NULL;
		}
	}
	if (rc == 0)
		rc = check_exposure(s.listen_host, web_path, have_web ? &web : NULL);
	if (rc == 0)
		rc = cli_load_fleet(c);
	if (rc == 0)
		rc = serve_run(c, &s, have_web ? &web : NULL);
	/* The server's handles close with the engine's, in cli_finish: the
	 * web configuration must outlive them. */
	cli_finish(c);
	if (have_web)
		webconfig_free(&web);
	metrics_text_free(&s.text);
	free(s.gz);
	free(s.json);
	free(s.listen_host);
	return rc;
}
