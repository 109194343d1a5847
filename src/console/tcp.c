/*
 * console/tcp.c - serial consoles over TCP: raw bytes (console = tcp:H:P)
 * or telnet (console = telnet:H:P, QEMU's "-serial telnet" and terminal
 * servers), on libuv.
 *
 * Bytes from console_write() wait in a queue of raw (unencoded) bytes and
 * go out one write at a time, encoded just before sending, so telnet
 * escaping follows what was negotiated on the connection that carries
 * them.  A break is a mark at a position in that queue, so it reaches the
 * host between the bytes typed before and after it.  When the server
 * closes or is not there the console reports CON_LOST and reconnects with
 * backoff; queued bytes wait for the new connection, while a write the
 * kernel had not confirmed when the link broke is counted as lost.
 *
 * Telnet answers are owed to what the server sends, so a server that keeps
 * asking and never reads could make them pile up without end.  The codec
 * answers only changes of state, and everything toward the server goes
 * through an outq (core/outq.c) that stops reading while more than
 * REPLY_HIGH_WATER bytes wait to reach the server, resuming below
 * REPLY_LOW_WATER: the server gets our answers at the pace it takes them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "console/telnet.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/outq.h"
#include "core/xalloc.h"

#define READ_SIZE	       65536
#define WRITE_CHUNK	       16384 /* raw bytes per write; encoded they may double */
#define MAX_BREAKS	       16
#define BACKOFF_FIRST_MS       250
#define BACKOFF_MAX_MS	       8000
#define CONNECT_TIMEOUT_MIN_MS 3000
/* Telnet: how long queued bytes wait for the server's opening negotiation. */
#define NEGOTIATION_WAIT_MS 300
/* A connection that lasted this long resets the backoff. */
#define STABLE_MS 2000
/* Bytes written toward the server but not taken by the kernel that stop,
 * then restart, reading from it (a read may owe up to READ_SIZE + 2). */
#define REPLY_HIGH_WATER (64 * 1024)
#define REPLY_LOW_WATER	 (16 * 1024)
/* An encoded data write: raw bytes may double, and breaks take two. */
#define DATA_WRITE_MAX (2 * WRITE_CHUNK + 2 * MAX_BREAKS)
/* Never reached: past high water nothing more is read, and a data write
 * starts only once the queue is empty. */
#define OUT_LIMIT (REPLY_HIGH_WATER + TELNET_REPLY_ROOM(READ_SIZE) + DATA_WRITE_MAX)

struct tcp_console {
	struct console *c;
	int telnet;
	struct telnet tn;

	uv_getaddrinfo_t gai;
	int gai_pending;
	struct addrinfo *addrs, *next_addr;
	uv_connect_t connect;
	uv_tcp_t tcp;
	int tcp_open;	 /* tcp initialised and not yet closed */
	int connected;	 /* connected and reading */
	int negotiating; /* telnet: holding data until the server has spoken */
	int read_paused; /* connected, not reading: our writes wait for the server */
	unsigned long read_pauses;
	uv_timer_t timer; /* connect timeout, then reconnect backoff */
	int timer_open;
	unsigned attempts;  /* failed attempts since the last stable link */
	int ever_connected; /* the next CON_ACTIVE says "reconnected" */
	uint64_t connected_at;
	char *last_error;

	/* Bytes toward the host, not yet handed to the kernel. */
	uint8_t *queue;
	size_t queue_len, queue_cap;
	uint64_t queue_base;	     /* stream position of queue[0] */
	uint64_t breaks[MAX_BREAKS]; /* stream positions of pending breaks */
	size_t nbreaks;
	struct outq out;  /* toward the server: data and telnet answers */
	size_t in_flight; /* raw bytes of the data write still in out */

	int closing;
	uint8_t rbuf[READ_SIZE];
	uint8_t dbuf[READ_SIZE];
	uint8_t replybuf[TELNET_REPLY_ROOM(READ_SIZE)];
	uint8_t wbuf[DATA_WRITE_MAX];
};

static void start_connect(struct tcp_console *t);
static void pump_writes(struct tcp_console *t);
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static const char *target_kind(const struct tcp_console *t)
{
	return t->telnet ? "telnet" : "tcp";
}

static void free_addrs(struct tcp_console *t)
{
	if (t->addrs != NULL)
		uv_freeaddrinfo(t->addrs);
	t->addrs = NULL;
	t->next_addr = NULL;
}

/* The last step of closing: every handle and request has come back. */
static void maybe_finish_close(struct tcp_console *t)
{
	struct console *c = t->c;

	if (!t->closing || t->gai_pending || t->tcp_open || t->timer_open)
		return;
	free_addrs(t);
	free(t->queue);
	free(t->last_error);
	free(t);
	c->impl = NULL;
	console_closed(c);
}

static uint64_t backoff_ms(unsigned attempts)
{
	uint64_t ms = BACKOFF_FIRST_MS;

	while (attempts-- > 1 && ms < BACKOFF_MAX_MS)
		ms *= 2;
	return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

static void on_retry_timer(uv_timer_t *timer)
{
	struct tcp_console *t = timer->data;

	if (!t->closing)
		start_connect(t);
}

static void schedule_retry(struct tcp_console *t)
{
	uint64_t ms;

	if (t->closing)
		return;
	t->attempts++;
	ms = backoff_ms(t->attempts);
	log_debug("%s: console reconnect in %llu ms", t->c->host->cfg->name,
		  (unsigned long long)ms);
	uv_timer_start(&t->timer, on_retry_timer, ms, 0);
}

static void on_tcp_closed(uv_handle_t *h)
{
	struct tcp_console *t = h->data;

	t->tcp_open = 0;
	if (t->closing) {
		maybe_finish_close(t);
		return;
	}
	/* Another address of the same name, or a later attempt. */
	if (t->next_addr != NULL)
		start_connect(t);
	else
		schedule_retry(t);
}

static void close_tcp(struct tcp_console *t)
{
	if (t->read_pauses > 0)
		log_info("%s: console: reading paused %lu times while the server did not "
			 "take our telnet answers",
			 t->c->host->cfg->name, t->read_pauses);
	t->read_pauses = 0;
	if (t->in_flight > 0)
		log_warn("%s: console: %zu bytes toward the host may be lost (%s)",
			 t->c->host->cfg->name, t->in_flight, uv_strerror(UV_ECANCELED));
	t->in_flight = 0;
	if (t->tcp_open)
		outq_close(&t->out);
	t->connected = 0;
	t->negotiating = 0;
	t->read_paused = 0;
	uv_timer_stop(&t->timer);
	if (t->tcp_open && !uv_is_closing((uv_handle_t *)&t->tcp))
		uv_close((uv_handle_t *)&t->tcp, on_tcp_closed);
}

/* Say why the link is down; each failed retry would say the same again,
 * so only a change is reported. */
static void report_lost(struct tcp_console *t, const char *why)
{
	struct console *c = t->c;

	if (c->state == CON_LOST && t->last_error != NULL && strcmp(t->last_error, why) == 0)
		return;
	free(t->last_error);
	t->last_error = xstrdup(why);
	console_set_state(c, CON_LOST, "%s:%d: %s; reconnecting", c->target_host, c->target_port,
			  why);
}

/* The link is gone (or never came): say why, then retry. */
static void link_lost(struct tcp_console *t, const char *why)
{
	if (t->connected && uv_now(t->c->loop) - t->connected_at >= STABLE_MS)
		t->attempts = 0;
	if (t->connected || t->next_addr == NULL) {
		free_addrs(t);
		report_lost(t, why);
	}
	close_tcp(t);
}

/* Stop reading from a server that does not take what we write to it;
 * start again once it has taken most of it. */
static void on_out_flow(struct outq *q, int full)
{
	struct tcp_console *t = q->data;
	int rc;

	if (!t->connected || t->closing)
		return;
	if (full) {
		uv_read_stop((uv_stream_t *)&t->tcp);
		t->read_paused = 1;
		t->read_pauses++;
		log_debug("%s: console: %zu bytes wait to reach the server; reading paused",
			  t->c->host->cfg->name, outq_queued(q));
	} else if (t->read_paused) {
		t->read_paused = 0;
		rc = uv_read_start((uv_stream_t *)&t->tcp, on_alloc, on_read);
		if (rc != 0)
			link_lost(t, uv_strerror(rc));
	}
}

/* Everything written has gone: the next data write may start. */
static void on_out_drained(struct outq *q)
{
	struct tcp_console *t = q->data;

	t->in_flight = 0;
	pump_writes(t);
}

static void on_out_failed(struct outq *q, int status)
{
	struct tcp_console *t = q->data;

	if (t->in_flight > 0)
		log_warn("%s: console: %zu bytes toward the host may be lost (%s)",
			 t->c->host->cfg->name, t->in_flight, uv_strerror(status));
	t->in_flight = 0;
	link_lost(t, uv_strerror(status));
}

static const struct outq_ops out_ops = {
    .flow = on_out_flow,
    .drained = on_out_drained,
    .failed = on_out_failed,
};

/* Encode up to WRITE_CHUNK queued bytes, and the breaks among them, into
 * wbuf; they leave the queue.  Sets *took to the raw bytes taken. */
static size_t encode_chunk(struct tcp_console *t, size_t *took)
{
	size_t take = 0, n = 0;

	while (take < WRITE_CHUNK) {
		uint64_t pos = t->queue_base + take;
		size_t run = t->queue_len - take;

		if (t->nbreaks > 0 && t->breaks[0] == pos) {
			if (t->telnet)
				n += telnet_break(t->wbuf + n);
			memmove(t->breaks, t->breaks + 1, --t->nbreaks * sizeof t->breaks[0]);
			continue;
		}
		if (run == 0)
			break;
		if (t->nbreaks > 0 && t->breaks[0] - pos < run)
			run = (size_t)(t->breaks[0] - pos);
		if (run > WRITE_CHUNK - take)
			run = WRITE_CHUNK - take;
		if (t->telnet) {
			n += telnet_encode(&t->tn, t->queue + take, run, t->wbuf + n);
		} else {
			memcpy(t->wbuf + n, t->queue + take, run);
			n += run;
		}
		take += run;
	}
	memmove(t->queue, t->queue + take, t->queue_len - take);
	t->queue_len -= take;
	t->queue_base += take;
	*took = take;
	return n;
}

/* Start data writes while the link is up and nothing waits in out: one
 * write at a time, encoded just before it goes. */
static void pump_writes(struct tcp_console *t)
{
	size_t take, n;
	int rc;

	while (t->connected && !t->negotiating && !t->closing && outq_queued(&t->out) == 0 &&
	       (t->queue_len > 0 || t->nbreaks > 0)) {
		n = encode_chunk(t, &take);
		if (n == 0)
			return;
		/* The bytes are the write's now; queued() counts them until it ends. */
		t->in_flight = take;
		rc = outq_write(&t->out, t->wbuf, n);
		if (rc != 0) {
			t->in_flight = 0;
			log_warn("%s: console: %zu bytes toward the host lost (%s)",
				 t->c->host->cfg->name, take, uv_strerror(rc));
			link_lost(t, uv_strerror(rc));
			return;
		}
		if (outq_queued(&t->out) == 0)
			t->in_flight = 0; /* the kernel took it all at once */
	}
}

/* Negotiation answers go out at once, ahead of queued data. */
static void send_reply(struct tcp_console *t, const uint8_t *buf, size_t len)
{
	int rc = outq_write(&t->out, buf, len);

	if (rc != 0)
		link_lost(t, uv_strerror(rc));
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct tcp_console *t = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)t->rbuf, sizeof t->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct tcp_console *t = s->data;
	size_t ndata, nreply;

	if (nread == 0)
		return;
	if (nread < 0) {
		link_lost(t, nread == UV_EOF ? "closed by the server" : uv_strerror((int)nread));
		return;
	}
	if (!t->telnet) {
		console_deliver(t->c, (const uint8_t *)buf->base, (size_t)nread);
		return;
	}
	telnet_decode(&t->tn, (const uint8_t *)buf->base, (size_t)nread, t->dbuf, &ndata,
		      t->replybuf, &nreply);
	if (nreply > 0)
		send_reply(t, t->replybuf, nreply);
	if (t->negotiating && t->connected) {
		/* Our answers are on their way: data may follow them now. */
		t->negotiating = 0;
		uv_timer_stop(&t->timer);
		pump_writes(t);
	}
	if (ndata > 0 && t->connected)
		console_deliver(t->c, t->dbuf, ndata);
}

static void on_negotiation_wait(uv_timer_t *timer)
{
	struct tcp_console *t = timer->data;

	t->negotiating = 0; /* a server that does not negotiate */
	pump_writes(t);
}

static void on_connect(uv_connect_t *req, int status)
{
	struct tcp_console *t = req->data;
	struct console *c = t->c;
	int rc;

	if (t->closing || !t->tcp_open)
		return;
	uv_timer_stop(&t->timer);
	if (status != 0) {
		link_lost(t, uv_strerror(status));
		return;
	}
	free_addrs(t);
	rc = uv_read_start((uv_stream_t *)&t->tcp, on_alloc, on_read);
	if (rc != 0) {
		link_lost(t, uv_strerror(rc));
		return;
	}
	uv_tcp_nodelay(&t->tcp, 1);
	t->connected = 1;
	t->connected_at = uv_now(c->loop);
	telnet_init(&t->tn);
	/* Bytes typed before the link was up go out after the server's opening
	 * negotiation, encoded as it settles (BINARY or CR NUL). */
	t->negotiating = t->telnet;
	if (t->negotiating)
		uv_timer_start(&t->timer, on_negotiation_wait, NEGOTIATION_WAIT_MS, 0);
	if (t->ever_connected)
		console_set_state(c, CON_ACTIVE, "reconnected");
	else
		console_set_state(c, CON_ACTIVE, "connected to %s:%d (%s)", c->target_host,
				  c->target_port, target_kind(t));
	t->ever_connected = 1;
	pump_writes(t);
}

static void on_connect_timeout(uv_timer_t *timer)
{
	struct tcp_console *t = timer->data;

	link_lost(t, "connection timed out");
}

static void try_next_address(struct tcp_console *t)
{
	const struct host_config *hc = t->c->host->cfg;
	struct addrinfo *ai = t->next_addr;
	uint64_t limit = hc->timeout_ms * (uint64_t)(hc->retries + 1);
	int rc;

	t->next_addr = ai->ai_next;
	uv_tcp_init(t->c->loop, &t->tcp);
	t->tcp.data = t;
	t->tcp_open = 1;
	outq_init(&t->out, (uv_stream_t *)&t->tcp, &out_ops, REPLY_LOW_WATER, REPLY_HIGH_WATER,
		  OUT_LIMIT, t);
	t->connect.data = t;
	rc = uv_tcp_connect(&t->connect, &t->tcp, ai->ai_addr, on_connect);
	if (rc != 0) {
		link_lost(t, uv_strerror(rc));
		return;
	}
	uv_timer_start(&t->timer, on_connect_timeout,
		       limit > CONNECT_TIMEOUT_MIN_MS ? limit : CONNECT_TIMEOUT_MIN_MS, 0);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct tcp_console *t = req->data;
	char why[200];

	t->gai_pending = 0;
	if (t->closing) {
		if (res != NULL)
			uv_freeaddrinfo(res);
		maybe_finish_close(t);
		return;
	}
	if (status != 0 || res == NULL) {
		if (res != NULL)
			uv_freeaddrinfo(res);
		snprintf(why, sizeof why, "cannot resolve %s: %s", t->c->target_host,
			 uv_strerror(status));
		report_lost(t, why);
		if (!t->closing)
			schedule_retry(t);
		return;
	}
	t->addrs = res;
	t->next_addr = res;
	try_next_address(t);
}

static void start_connect(struct tcp_console *t)
{
	struct addrinfo hints;
	char port[16];
	int rc;

	if (t->next_addr != NULL) {
		try_next_address(t);
		return;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%d", t->c->target_port);
	t->gai.data = t;
	rc = uv_getaddrinfo(t->c->loop, &t->gai, on_resolved, t->c->target_host, port, &hints);
	if (rc != 0) {
		report_lost(t, uv_strerror(rc));
		if (!t->closing)
			schedule_retry(t);
		return;
	}
	t->gai_pending = 1;
}

static int tcp_open(struct console *c, char **err)
{
	struct tcp_console *t;

	if (c->target_host == NULL || c->target_port <= 0) {
		*err = xasprintf("%s: console needs tcp:HOST:PORT or telnet:HOST:PORT",
				 c->host->cfg->name);
		return BMC_ECONFIG;
	}
	t = xcalloc(1, sizeof *t);
	t->c = c;
	t->telnet = c->kind == CONSOLE_TELNET;
	telnet_init(&t->tn);
	uv_timer_init(c->loop, &t->timer);
	t->timer.data = t;
	t->timer_open = 1;
	c->impl = t;
	console_set_state(c, CON_CONNECTING, "connecting to %s:%d (%s)", c->target_host,
			  c->target_port, target_kind(t));
	start_connect(t);
	return 0;
}

static int tcp_write(struct console *c, const uint8_t *buf, size_t len)
{
	struct tcp_console *t = c->impl;

	if (t->queue_len + t->in_flight + len > CONSOLE_MAX_QUEUED)
		return BMC_EAGAIN;
	if (t->queue_len + len > t->queue_cap) {
		size_t cap = t->queue_cap ? t->queue_cap : 4096;

		while (cap < t->queue_len + len)
			cap *= 2;
		t->queue = xrealloc(t->queue, cap);
		t->queue_cap = cap;
	}
	memcpy(t->queue + t->queue_len, buf, len);
	t->queue_len += len;
	pump_writes(t);
	return 0;
}

static int tcp_send_break(struct console *c)
{
	struct tcp_console *t = c->impl;

	if (!t->telnet)
		return BMC_ENOTSUP; /* a raw byte stream has no out-of-band signal */
	if (t->nbreaks == MAX_BREAKS)
		return BMC_EAGAIN;
	t->breaks[t->nbreaks++] = t->queue_base + t->queue_len;
	pump_writes(t);
	return 0;
}

static size_t tcp_queued(const struct console *c)
{
	const struct tcp_console *t = c->impl;

	return t != NULL ? t->queue_len + t->in_flight + t->nbreaks : 0;
}

static void on_timer_closed(uv_handle_t *h)
{
	struct tcp_console *t = h->data;

	t->timer_open = 0;
	maybe_finish_close(t);
}

static void tcp_close(struct console *c)
{
	struct tcp_console *t = c->impl;

	t->closing = 1;
	if (t->gai_pending)
		uv_cancel((uv_req_t *)&t->gai);
	close_tcp(t);
	uv_close((uv_handle_t *)&t->timer, on_timer_closed);
}

const struct console_ops console_tcp_ops = {
    .name = "tcp",
    .open = tcp_open,
    .write = tcp_write,
    .send_break = tcp_send_break,
    .steal = NULL,
    .queued = tcp_queued,
    .close = tcp_close,
};
