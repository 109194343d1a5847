/*
 * redfish/push.c - the Server-Sent Events subscription of one BMC
 * (redfish/push.h).
 *
 * Per host: after a good poll, the service root gives the EventService,
 * which gives ServerSentEventUri (and which $filter properties it takes);
 * one streaming GET then stays open on a client of its own (streams are
 * long and must not hold the polls' two connections).  Bytes go through
 * the SSE parser (redfish/sse.c); each event counts and asks for a poll.
 * The stream ends on silence (PUSH_IDLE_MS), an event over SSE_EVENT_MAX,
 * a transfer error or EOF, and is opened again after a backoff that
 * doubles up to PUSH_BACKOFF_MAX_MS, sending Last-Event-ID.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/sched.h"
#include "core/xalloc.h"
#include "redfish/job.h"
#include "redfish/push.h"
#include "redfish/sse.h"

enum push_phase {
	PH_IDLE,       /* waiting for a good poll */
	PH_ROOT,       /* GET the service root */
	PH_SERVICE,    /* GET the EventService */
	PH_STREAM,     /* the stream is open or opening */
	PH_BACKOFF,    /* waiting to open it again */
	PH_WAIT_LOGIN, /* a 401: waiting for a poll to log in again */
	PH_DONE	       /* unsupported, refused or off: polling only */
};

struct rf_push {
	struct bmc_host *h;
	enum push_phase phase;
	uv_timer_t timer; /* backoff, or silence on the stream */
	int closing;
	char link[RF_LINK_MAX]; /* the stream's path and query, from the service */
	char last_id[SSE_ID_MAX];
	struct sse_parser *parser; /* while a stream is open */
	uint64_t backoff_ms;
	uint64_t opened_ms; /* uv_now() when the stream was asked for */
	int got_200;	    /* this stream was answered 200 */
	int events_now;	    /* events on this stream */
	int refused_401;    /* the last stream was refused 401 */
	unsigned gen_401;   /* ... with the token of this login (rf_session.gen) */
	int polls_401;	    /* good polls since, with that same token */
	int oversized;	    /* this stream is ended for an event over the cap */
	int counted;	    /* holds one of the process' streams */
};

static struct rf_http *streams;
static unsigned nstreams, streams_open;

static struct rf_push *push_of(struct bmc_host *h)
{
	return rf_host_of(h)->push;
}

static void set_state(struct rf_push *p, const char *state)
{
	if (p->h->push_state != state) {
		p->h->push_state = state;
		host_changed(p->h, CHANGED_STATE);
	}
}

static void uncount(struct rf_push *p)
{
	if (p->counted) {
		p->counted = 0;
		streams_open--;
	}
}

/* Stop for good on this host, saying why. */
static void give_up(struct rf_push *p, const char *state, const char *why)
{
	uncount(p);
	p->phase = PH_DONE;
	set_state(p, state);
	log_info("%s: push: %s; polling goes on", p->h->cfg->name, why);
}

static void open_stream(struct rf_push *p);

static void on_timer(uv_timer_t *t)
{
	struct rf_push *p = t->data;

	if (p->phase == PH_BACKOFF) {
		open_stream(p);
	} else if (p->phase == PH_STREAM) {
		log_info("%s: push: nothing on the stream for %d s: reconnecting", p->h->cfg->name,
			 PUSH_IDLE_MS / 1000);
		rf_http_cancel(streams, p);
	}
}

static void backoff(struct rf_push *p)
{
	p->phase = PH_BACKOFF;
	set_state(p, "connecting");
	if (p->backoff_ms < PUSH_BACKOFF_MIN_MS)
		p->backoff_ms = PUSH_BACKOFF_MIN_MS;
	uv_timer_start(&p->timer, on_timer, p->backoff_ms, 0);
	p->backoff_ms *= 2;
	if (p->backoff_ms > PUSH_BACKOFF_MAX_MS)
		p->backoff_ms = PUSH_BACKOFF_MAX_MS;
}

/* Ask for a poll now, unless the host is parked (refused credentials: no
 * login is tried again for an event). */
static void poke(struct bmc_host *h)
{
	if (sched_host_state(h) != SCH_PARKED)
		sched_poll_now(h);
}

/* The stream. */

/* In the log: the event's first MessageId (a Redfish Event has Events[]). */
static void log_event(struct bmc_host *h, const struct sse_event *ev)
{
	json_t *body = json_loadb(ev->data, ev->len, 0, NULL);
	json_t *first = json_array_get(json_object_get(body, "Events"), 0);
	const char *id = json_string_value(json_object_get(first, "MessageId"));

	log_debug("%s: push: event %s: %s (%zu in it)", h->cfg->name,
		  ev->id[0] ? ev->id : "without id", id ? id : "no MessageId",
		  json_array_size(json_object_get(body, "Events")));
	json_decref(body);
}

static void on_event(void *ctx, const struct sse_event *ev)
{
	struct rf_push *p = ctx;
	struct bmc_host *h = p->h;

	if (ev->id[0] != '\0')
		snprintf(p->last_id, sizeof p->last_id, "%s", ev->id);
	if (ev->oversized) {
		h->counters[CNT_PUSH_DROPPED]++;
		p->oversized = 1;
		return;
	}
	h->counters[CNT_PUSH_EVENTS]++;
	p->events_now++;
	log_event(h, ev);
	/* What the event says is read by a poll now, into fleet events. */
	poke(h);
}

static int on_data(void *arg, const char *buf, size_t n)
{
	struct rf_push *p = arg;

	if (p->closing)
		return -1;
	if (!p->got_200) {
		p->got_200 = 1;
		p->refused_401 = 0;
		set_state(p, "subscribed");
	}
	uv_timer_start(&p->timer, on_timer, PUSH_IDLE_MS, 0);
	sse_feed(p->parser, buf, n, on_event, p);
	if (p->parser->too_long && !p->oversized) {
		/* Over the cap already: no need to read the rest of it. */
		p->h->counters[CNT_PUSH_DROPPED]++;
		p->oversized = 1;
		if (p->parser->id[0] != '\0')
			snprintf(p->last_id, sizeof p->last_id, "%s", p->parser->id);
	}
	if (p->oversized) {
		log_warn("%s: push: an event over %d KB: stream dropped, reopened after it "
			 "(id %s); a poll reads what it said",
			 p->h->cfg->name, SSE_EVENT_MAX / 1024,
			 p->last_id[0] ? p->last_id : "none");
		return -1;
	}
	return 0;
}

static void stream_ended(struct rf_push *p, struct rf_response *rsp)
{
	struct bmc_host *h = p->h;

	if (rsp->status == 401) {
		if (p->refused_401) {
			give_up(p, "refused",
				"the stream was refused (HTTP 401) with a fresh session");
			return;
		}
		/* The session ended (a BMC reboot): a poll logs in again, then we retry. */
		p->refused_401 = 1;
		p->gen_401 = rf_host_of(h)->s.gen;
		p->polls_401 = 0;
		p->phase = PH_WAIT_LOGIN;
		set_state(p, "connecting");
		poke(h);
		return;
	}
	if (!p->got_200 && ((rsp->error == 0 && rsp->status == 200) || rsp->too_big)) {
		give_up(p, "unsupported",
			"the ServerSentEventUri answered, but not with text/event-stream");
		return;
	}
	if (!p->got_200 && rsp->status >= 400 && rsp->status < 500 && rsp->status != 408 &&
	    rsp->status != 429) {
		char why[RF_LINK_MAX + 64];

		snprintf(why, sizeof why, "GET %s: HTTP %ld: no event stream here", p->link,
			 rsp->status);
		give_up(p, "unsupported", why);
		return;
	}
	if (p->oversized) {
		p->oversized = 0;
		poke(h);
		p->backoff_ms = 0;
		open_stream(p);
		return;
	}
	if (p->got_200 &&
	    (p->events_now > 0 || uv_now(h->engine->loop) - p->opened_ms >= PUSH_STABLE_MS))
		p->backoff_ms = 0; /* it worked: the next failure starts small again */
	if (p->got_200)
		log_info("%s: push: the stream ended (%s): reconnecting", h->cfg->name,
			 rsp->error ? rsp->message : "closed by the BMC");
	else
		log_info("%s: push: GET %s: %s: retrying", h->cfg->name, p->link,
			 rsp->error ? rsp->message : "no stream");
	/* Whatever happened meanwhile is read by the next poll. */
	if (p->got_200)
		poke(h);
	backoff(p);
}

static void on_stream_done(struct rf_response *rsp, void *arg)
{
	struct rf_push *p = arg;

	uv_timer_stop(&p->timer);
	sse_free(p->parser);
	free(p->parser);
	p->parser = NULL;
	if (p->closing)
		return;
	stream_ended(p, rsp);
}

static void open_stream(struct rf_push *p)
{
	struct rf_host *rh = rf_host_of(p->h);
	struct rf_request_opts o;
	char url[RF_LINK_MAX + 256];
	int rc;

	snprintf(url, sizeof url, "%s%s", rh->s.base, p->link);
	if (rf_job_request_opts(p->h, &o, "GET", url, RF_BODY_RESOURCE) != 0) {
		give_up(p, "failed", "no credentials for the stream");
		return;
	}
	o.on_data = on_data;
	o.accept = "text/event-stream";
	o.last_event_id = p->last_id[0] ? p->last_id : NULL;
	o.max_body = 16 * 1024; /* of an error's body; the stream itself goes to on_data */
	p->parser = xmalloc(sizeof *p->parser);
	sse_init(p->parser);
	p->got_200 = 0;
	p->events_now = 0;
	p->oversized = 0;
	p->phase = PH_STREAM;
	set_state(p, "connecting");
	p->h->counters[CNT_PUSH_STREAMS]++;
	p->opened_ms = uv_now(p->h->engine->loop);
	rc = rf_http_request(streams, &o, on_stream_done, p);
	if (rc != 0) {
		sse_free(p->parser);
		free(p->parser);
		p->parser = NULL;
		backoff(p);
		return;
	}
	uv_timer_start(&p->timer, on_timer, PUSH_IDLE_MS, 0);
}

/* Finding the stream. */

int rf_push_stream_link(json_t *es, char *out, size_t outlen)
{
	const char *uri = json_string_value(json_object_get(es, "ServerSentEventUri"));
	json_t *filters = json_object_get(es, "SSEFilterPropertiesSupported");
	const char *rel;

	if (json_is_false(json_object_get(es, "ServiceEnabled")) || uri == NULL || uri[0] == '\0')
		return -1;
	/* A full URL is taken for its path: the stream goes where the polls go. */
	rel = strstr(uri, "/redfish/");
	if (rel == NULL || strpbrk(rel, " \r\n\"") != NULL)
		return -1;
	if (json_is_true(json_object_get(filters, "EventFormatType")) && strchr(rel, '?') == NULL)
		snprintf(out, outlen, "%s?$filter=EventFormatType%%20eq%%20Event", rel);
	else
		snprintf(out, outlen, "%s", rel);
	return 0;
}

/* Discovery failed for now: tried again after the next good poll. */
static void retry_later(struct rf_push *p)
{
	p->phase = PH_IDLE;
	uncount(p);
}

/* The JSON of a discovery answer, or NULL (the host closing, or what failed handled). */
static json_t *answer_body(struct rf_push *p, struct rf_response *rsp, const char *what)
{
	json_t *body;

	if (p->closing)
		return NULL;
	if (rsp->error != 0 || rsp->status != 200) {
		char why[RF_LINK_MAX + 320];

		if (rsp->error == BMC_ECANCELED)
			return NULL;
		snprintf(why, sizeof why, "GET %s: %s", what,
			 rsp->error ? rsp->message : "not answered 200");
		if (rsp->status == 404 || rsp->status == 405 || rsp->status == 501)
			give_up(p, "unsupported", why);
		else {
			log_info("%s: push: %s: trying again after a poll", p->h->cfg->name, why);
			retry_later(p);
		}
		return NULL;
	}
	body = json_loadb(rsp->body, rsp->len, 0, NULL);
	if (body == NULL)
		retry_later(p);
	return body;
}

static void on_service(struct rf_response *rsp, void *arg)
{
	struct rf_push *p = arg;
	json_t *body = answer_body(p, rsp, "the EventService");

	if (body == NULL)
		return;
	if (rf_push_stream_link(body, p->link, sizeof p->link) != 0) {
		json_decref(body);
		give_up(p, "unsupported", "the EventService offers no ServerSentEventUri");
		return;
	}
	json_decref(body);
	log_info("%s: push: subscribing at %s", p->h->cfg->name, p->link);
	open_stream(p);
}

static void get_link(struct rf_push *p, const char *link, rf_http_cb cb)
{
	struct rf_host *rh = rf_host_of(p->h);
	struct rf_request_opts o;
	char url[RF_LINK_MAX + 256];

	snprintf(url, sizeof url, "%s%s", rh->s.base, link);
	if (rf_job_request_opts(p->h, &o, "GET", url, RF_BODY_RESOURCE) != 0 ||
	    rf_http_request(rh->s.http, &o, cb, p) != 0)
		retry_later(p);
}

static void on_root(struct rf_response *rsp, void *arg)
{
	struct rf_push *p = arg;
	json_t *body = answer_body(p, rsp, "the service root");
	char link[RF_LINK_MAX];

	if (body == NULL)
		return;
	if (rf_parse_link(body, "EventService", link, sizeof link) != 0 ||
	    strstr(link, "/redfish/") == NULL) {
		json_decref(body);
		give_up(p, "unsupported", "the service has no EventService");
		return;
	}
	json_decref(body);
	p->phase = PH_SERVICE;
	get_link(p, strstr(link, "/redfish/"), on_service);
}

static void get_root(struct rf_push *p)
{
	unsigned max = p->h->engine->fleet->redfish_push_max;

	if (max == 0)
		max = PUSH_MAX_DEFAULT;
	if (streams_open >= max) {
		if (p->h->push_state == NULL)
			log_info("%s: push: redfish-push-max (%u) streams are open: polling only",
				 p->h->cfg->name, max);
		set_state(p, "capped");
		return; /* tried again after the next poll */
	}
	streams_open++;
	p->counted = 1;
	p->phase = PH_ROOT;
	get_link(p, "/redfish/v1/", on_root);
}

static struct rf_push *push_new(struct bmc_host *h)
{
	struct rf_push *p = xcalloc(1, sizeof *p);

	p->h = h;
	uv_timer_init(h->engine->loop, &p->timer);
	p->timer.data = p;
	if (streams == NULL)
		streams = rf_http_new(h->engine->loop);
	nstreams++;
	rf_host_of(h)->push = p;
	return p;
}

void rf_push_poll_done(struct bmc_host *h, int status)
{
	struct rf_push *p = push_of(h);

	if (status != 0 || h->engine->closing || !h->cfg->redfish_push)
		return;
	if (p == NULL) {
		if (!sched_polling(h->engine))
			return; /* a one-shot command: nothing to push to */
		p = push_new(h);
	}
	switch (p->phase) {
	case PH_IDLE:
		get_root(p);
		break;
	case PH_WAIT_LOGIN:
		/* A poll that ran on the old token may end first: the one asked for comes next. */
		if (rf_host_of(h)->s.gen == p->gen_401 && p->polls_401++ == 0)
			break;
		open_stream(p);
		break;
	default:
		break;
	}
}

static void on_closed(uv_handle_t *t)
{
	struct rf_push *p = t->data;
	struct bmc_engine *e = p->h->engine;

	free(p);
	engine_release(e);
}

static void on_streams_released(void *arg)
{
	engine_release(arg);
}

void rf_push_stop(struct bmc_host *h)
{
	struct rf_push *p = push_of(h);

	if (p == NULL)
		return;
	rf_host_of(h)->push = NULL;
	p->closing = 1;
	uncount(p);
	rf_http_cancel(streams, p);
	rf_http_cancel(rf_host_of(h)->s.http, p);
	uv_timer_stop(&p->timer);
	engine_hold(h->engine);
	uv_close((uv_handle_t *)&p->timer, on_closed);
	if (--nstreams == 0) {
		struct rf_http *s = streams;

		streams = NULL;
		engine_hold(h->engine);
		rf_http_release(s, on_streams_released, h->engine);
	}
}
