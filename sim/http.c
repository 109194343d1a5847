/*
 * http.c - bmcsim's HTTPS server: one listener per simulated BMC that has
 * a redfish_port, all on the simulation's libuv loop, and the connections
 * they accept.  What a request means is the handler's business (Redfish,
 * redfish.c); this file parses, answers, and protects itself.
 *
 * TLS runs over memory BIOs: bytes from the socket are written into the SSL
 * object's read BIO, and whatever OpenSSL puts in its write BIO goes out
 * through an outq (core/outq.c), so OpenSSL never touches a socket and
 * nothing blocks.
 *
 * Each connection handles one request at a time (HTTP/1.1 keep-alive; a
 * pipelined request waits in the buffer).  Both directions are bounded:
 * reading stops while HTTP_RBIO_MAX bytes wait to be decrypted, and while
 * the answers a client has not read pass HTTP_OUT_HIGH (until they drain
 * under HTTP_OUT_LOW), no request is answered and nothing read.  A dead or
 * rebooting BMC's listener does not accept: the kernel's backlog takes the
 * connection and the client times out, as with a hung BMC.
 */
#include "config.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/http-request.h"
#include "core/outq.h"
#include "core/xalloc.h"
#include "http.h"

#define HTTP_IN_MAX	(HTTP_HEAD_MAX + HTTP_BODY_MAX)
#define HTTP_MAX_CONNS	32	     /* per BMC; more are closed at once */
#define HTTP_IDLE_MS	60000	     /* a connection must finish a request this often */
#define HTTP_LINGER_MS	2000	     /* after a last answer, wait this long for EOF */
#define HTTP_RBIO_MAX	(256 * 1024) /* stop reading while this much waits */
#define HTTP_OUT_HIGH	(256 * 1024) /* answers not taken that stop reading */
#define HTTP_OUT_LOW	(64 * 1024)  /* and resume it */
#define HTTP_OUT_LIMIT	(16 * 1024 * 1024)
#define HTTP_REVIVE_MS	1000
#define HTTP_BACKLOG	64
#define HTTP_MAX_STREAMS 4	     /* event streams per BMC; more get 503 */
#define HTTP_STREAM_TICK_MS 1000     /* a stream checks its BMC this often */
#define HTTP_KEEPALIVE_TICKS 15	     /* and sends a comment every so many ticks */

#define MSG "Base.1.16."

struct http_bmc {
	struct sim_bmc *b;
	uv_tcp_t listener;
	int held; /* a connection left unaccepted while the BMC was dead */
	unsigned nconns;
	unsigned nstreams;
};

struct http_conn {
	uv_tcp_t tcp;
	uv_timer_t timer; /* idle limit, or the delay of a pending response */
	struct http_bmc *hb;
	SSL *ssl;
	BIO *rbio, *wbio; /* network side: we fill rbio and drain wbio */
	struct outq out;  /* toward the client */
	char *in;
	size_t in_len, in_cap;
	uint64_t epoch;
	int closing;
	int close_after; /* close once what is queued is written */
	int reading;
	int lingering; /* answered and shut down for writing; reading until EOF */
	uv_shutdown_t shut;
	char *pending; /* a delayed response, plaintext */
	size_t pending_len;
	int handles;
	int stream;	    /* an event stream: held open, nothing more read */
	unsigned ticks;	    /* ... its timer's, for keep-alive comments */
	struct http_conn *prev, *next;
};

struct http_server {
	struct sim *sim;
	sim_http_handler *handle;
	SSL_CTX *ctx;
	struct http_bmc *bmcs;
	size_t nbmcs;
	uv_timer_t revive;
	struct http_conn *conns;
	unsigned open_handles;
	int stopping;
};

static struct http_server *server;

/* The server goes once its last handle has closed. */
static void server_release(void)
{
	if (--server->open_handles > 0)
		return;
	SSL_CTX_free(server->ctx);
	free(server->bmcs);
	free(server);
	server = NULL;
}

/* Replies. */

void sim_http_reply_header(struct http_reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->headers + r->hlen, sizeof r->headers - r->hlen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof r->headers - r->hlen)
		r->hlen += (size_t)n;
}

void sim_http_reply_json(struct http_reply *r, int status, json_t *body)
{
	r->status = status;
	if (r->body != NULL)
		json_decref(r->body);
	r->body = body;
}

void sim_http_reply_error(struct http_reply *r, int status, const char *id, const char *fmt, ...)
{
	char msg[256], mid[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(mid, sizeof mid, MSG "%s", id);
	sim_http_reply_json(r, status,
		   json_pack("{s:{s:s, s:s, s:[{s:s, s:s, s:s, s:s}]}}", "error", "code", mid,
			     "message", msg, "@Message.ExtendedInfo", "MessageId", mid, "Message",
			     msg, "Severity", "Critical", "Resolution", "None."));
}

void sim_http_reply_missing(struct http_reply *r, const char *path)
{
	sim_http_reply_error(r, 404, "ResourceMissingAtURI", "The resource at the URI %s was not found.",
			     path);
}

void sim_http_reply_not_allowed(struct http_reply *r, const char *allow)
{
	sim_http_reply_header(r, "Allow: %s\r\n", allow);
	sim_http_reply_error(r, 405, "OperationNotAllowed",
			     "The HTTP method is not allowed for this URI.");
}

static uint64_t now_ms(void)
{
	return uv_now(server->sim->loop);
}

/* Connections. */

static void conn_close(struct http_conn *c);
static void conn_pump(struct http_conn *c);
static void on_conn_timer(uv_timer_t *t);
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

/* Done once what is queued is out, and no delayed answer is still to come. */
static int conn_finished(const struct http_conn *c)
{
	return c->close_after && outq_queued(&c->out) == 0 && c->pending == NULL;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	(void)req;
	(void)status;
}

/*
 * Close after the last answer without losing it: closing a socket with
 * unread bytes (say, the rest of a refused 1 MB body) sends a reset that
 * can destroy the answer in flight, so shut down writing and read (and
 * drop) what comes until the peer closes or HTTP_LINGER_MS pass.
 */
static void conn_linger(struct http_conn *c)
{
	if (c->lingering || c->closing)
		return;
	c->lingering = 1;
	if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
		conn_close(c);
		return;
	}
	uv_timer_start(&c->timer, on_conn_timer, HTTP_LINGER_MS, 0);
	if (!c->reading && uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
		c->reading = 1;
}

/* Writing, bounded: the outq tells when to stop and resume. */

static void on_out_flow(struct outq *q, int full)
{
	struct http_conn *c = q->data;

	if (full && c->reading && !c->lingering) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = 0;
	} else if (!full) {
		conn_pump(c);
	}
}

static void on_out_drained(struct outq *q)
{
	struct http_conn *c = q->data;

	if (conn_finished(c))
		conn_linger(c);
}

static void on_out_failed(struct outq *q, int status)
{
	conn_close(q->data);
}

static const struct outq_ops out_ops = {
    .flow = on_out_flow,
    .drained = on_out_drained,
    .failed = on_out_failed,
};

/* Send whatever OpenSSL has produced. */
static void conn_flush(struct http_conn *c)
{
	static char slab[65536]; /* one loop: the outq copies what must wait */
	int n;

	while (!c->closing && !c->lingering && BIO_ctrl_pending(c->wbio) > 0) {
		n = BIO_read(c->wbio, slab, sizeof slab);
		if (n <= 0)
			break;
		if (outq_write(&c->out, slab, (size_t)n) != 0) {
			conn_close(c);
			return;
		}
	}
	if (conn_finished(c))
		conn_linger(c);
}

#ifdef BMCSIM_FUZZ
/* Fuzz builds: a connection without TLS (ssl NULL) hands its answers here. */
static void (*fuzz_sent)(const char *buf, size_t len);
#endif

static void conn_send_plain(struct http_conn *c, const char *buf, size_t len)
{
#ifdef BMCSIM_FUZZ
	if (c->ssl == NULL) {
		fuzz_sent(buf, len);
		return;
	}
#endif
	if (len > 0 && SSL_write(c->ssl, buf, (int)len) <= 0)
		c->close_after = 1;
	conn_flush(c);
}

/*
 * An event stream's tick: it ends when its BMC reboots or dies (as the
 * connection would), and says something now and then so that a client can
 * tell a quiet stream from a dead one.
 */
static void stream_tick(struct http_conn *c)
{
	static const char keepalive[] = ": keep-alive\n\n";

	if (c->epoch != c->hb->b->boot_epoch || !sim_bmc_alive(c->hb->b, now_ms())) {
		conn_close(c);
		return;
	}
	if (++c->ticks % HTTP_KEEPALIVE_TICKS == 0)
		conn_send_plain(c, keepalive, sizeof keepalive - 1);
}

static void on_conn_timer(uv_timer_t *t)
{
	struct http_conn *c = t->data;

	if (c->stream) {
		stream_tick(c);
		return;
	}

	if (c->pending != NULL && !c->lingering) {
		char *buf = c->pending;

		c->pending = NULL;
		conn_send_plain(c, buf, c->pending_len);
		free(buf);
		if (c->closing)
			return;
		uv_timer_start(&c->timer, on_conn_timer, HTTP_IDLE_MS, 0);
		conn_pump(c);
		return;
	}
	conn_close(c); /* idle, or too slow to finish a request */
}

/* Hold the connection open as an event stream: the head, then what r has first. */
static void conn_stream(struct http_conn *c, struct http_reply *r)
{
	static const char head[] = "HTTP/1.1 200 OK\r\n"
				   "Content-Type: text/event-stream\r\n"
				   "Cache-Control: no-cache\r\n"
				   "OData-Version: 4.0\r\n"
				   "Connection: close\r\n\r\n";
	struct sim_bmc *b = c->hb->b;

	if (r->body != NULL)
		json_decref(r->body);
	c->stream = 1;
	c->hb->nstreams++;
	b->sse_open++;
	b->sse_opened++;
	conn_send_plain(c, head, sizeof head - 1);
	if (!c->closing && r->stream_first_len > 0)
		conn_send_plain(c, r->stream_first, r->stream_first_len);
	free(r->stream_first);
	if (!c->closing)
		uv_timer_start(&c->timer, on_conn_timer, HTTP_STREAM_TICK_MS, HTTP_STREAM_TICK_MS);
}

void sim_http_stream_send(struct sim_bmc *b, const char *text, size_t len)
{
	struct http_conn *c, *next;

	if (server == NULL)
		return;
	for (c = server->conns; c != NULL; c = next) {
		next = c->next;
		if (!c->stream || c->hb->b != b || c->closing)
			continue;
		if (outq_queued(&c->out) > HTTP_OUT_HIGH)
			conn_close(c); /* a reader this slow is cut, not waited for */
		else
			conn_send_plain(c, text, len);
	}
}

void sim_http_stream_drop(struct sim_bmc *b)
{
	struct http_conn *c, *next;

	if (server == NULL)
		return;
	for (c = server->conns; c != NULL; c = next) {
		next = c->next;
		if (c->stream && c->hb->b == b)
			conn_close(c);
	}
}

/* Serialize a reply and send it now, or after the configured delay. */
static void conn_reply(struct http_conn *c, struct http_reply *r, int keep)
{
	char *body = r->body ? json_dumps(r->body, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	size_t blen = body ? strlen(body) : 0;
	unsigned delay = server->sim->opt.redfish_delay_ms;
	char *out;
	int hl;

	if (r->status == 0)
		r->status = 500;
	if (r->close)
		keep = 0;
	out = xasprintf("HTTP/1.1 %d %s\r\n"
			"Content-Type: application/json; charset=utf-8\r\n"
			"Content-Length: %zu\r\n"
			"OData-Version: 4.0\r\n"
			"Cache-Control: no-store\r\n"
			"%.*s"
			"Connection: %s\r\n\r\n",
			r->status, http_status_text(r->status), blen, (int)r->hlen,
			r->headers, keep ? "keep-alive" : "close");
	hl = (int)strlen(out);
	if (blen > 0) {
		out = xrealloc(out, (size_t)hl + blen + 1);
		memcpy(out + hl, body, blen + 1);
	}
	free(body);
	if (r->body != NULL)
		json_decref(r->body);
	/* The token went out in a header: do not leave it in freed memory. */
	secure_zero(r->headers, sizeof r->headers);
	if (!keep)
		c->close_after = 1;
	if (delay > 0) {
		c->pending = out;
		c->pending_len = (size_t)hl + blen;
		uv_timer_start(&c->timer, on_conn_timer, delay, 0);
		return;
	}
	conn_send_plain(c, out, (size_t)hl + blen);
	secure_zero(out, (size_t)hl);
	free(out);
}

static void conn_refuse(struct http_conn *c, int status, const char *why)
{
	struct http_reply r;

	memset(&r, 0, sizeof r);
	sim_http_reply_error(&r, status, status == 413 ? "RequestTooLarge" : "MalformedRequest",
			     "%s", why);
	r.close = 1;
	conn_reply(c, &r, 0);
}

/* Handle one complete request from the buffer: 1 done, 0 need more bytes. */
static int conn_request(struct http_conn *c)
{
	char head[HTTP_HEAD_MAX];
	struct http_reply r;
	struct http_req q;
	char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	size_t head_len, total;
	int keep, bad;

	if (end == NULL) {
		if (c->in_len >= HTTP_HEAD_MAX)
			conn_refuse(c, 431, "The request head is larger than 8 KiB.");
		return 0;
	}
	head_len = (size_t)(end - c->in) + 4;
	if (head_len > HTTP_HEAD_MAX) {
		conn_refuse(c, 431, "The request head is larger than 8 KiB.");
		return 0;
	}
	/* Parsed from a copy: the head is parsed again while a body comes in. */
	memcpy(head, c->in, head_len - 4);
	head[head_len - 4] = '\0';
	bad = sim_http_parse_head(head, &q);
	secure_zero(head, head_len);
	if (bad != 0) {
		conn_refuse(c, bad,
			    bad == 413 ? "The request body is larger than 64 KiB."
			    : bad == 501
				? "Transfer-Encoding is not supported; send Content-Length."
			    : bad == 414 ? "The URI is too long."
					 : "The request is not valid HTTP/1.1.");
		return 0;
	}
	if (q.clen < 0 &&
	    (sim_http_parse_method_is(&q, "POST") || sim_http_parse_method_is(&q, "PATCH"))) {
		conn_refuse(c, 411, "POST and PATCH need a Content-Length.");
		return 0;
	}
	total = head_len + (size_t)(q.clen > 0 ? q.clen : 0);
	if (c->in_len < total) {
		if (total > c->in_cap) {
			c->in_cap = total;
			c->in = xrealloc(c->in, c->in_cap);
		}
		return 0;
	}
	q.body = c->in + head_len;
	q.body_len = total - head_len;
	keep = q.http10 ? q.keep_alive && !q.close : !q.close;
	memset(&r, 0, sizeof r);
	if (c->epoch != c->hb->b->boot_epoch || !sim_bmc_alive(c->hb->b, now_ms())) {
		/* The BMC rebooted or died under this connection: drop it. */
		conn_close(c);
		return 0;
	}
	server->handle(c->hb->b, &q, &r);
	secure_zero(q.auth, sizeof q.auth);
	secure_zero(q.token, sizeof q.token);
	/* The body may hold a password: wipe it before the buffer moves on. */
	secure_zero(c->in, total);
	memmove(c->in, c->in + total, c->in_len - total);
	c->in_len -= total;
	if (r.stream && c->hb->nstreams >= HTTP_MAX_STREAMS) {
		free(r.stream_first);
		r.stream = 0;
		sim_http_reply_error(&r, 503, "ServiceTemporarilyUnavailable",
				     "This BMC has %d event streams open already.",
				     HTTP_MAX_STREAMS);
	}
	if (r.stream) {
		conn_stream(c, &r);
		return 1;
	}
	conn_reply(c, &r, keep);
	if (!c->closing && c->pending == NULL)
		uv_timer_start(&c->timer, on_conn_timer, HTTP_IDLE_MS, 0);
	return 1;
}

/* Decrypt what has arrived and answer complete requests, one at a time. */
static void conn_pump(struct http_conn *c)
{
	while (!c->closing && !c->close_after && !c->stream && c->pending == NULL &&
	       !outq_full(&c->out)) {
		while (1) {
			int n, err;

			if (c->in_len == c->in_cap) {
				if (c->in_cap >= HTTP_IN_MAX)
					break;
				c->in_cap =
				    c->in_cap * 2 > HTTP_IN_MAX ? HTTP_IN_MAX : c->in_cap * 2;
				c->in = xrealloc(c->in, c->in_cap);
			}
			n = SSL_read(c->ssl, c->in + c->in_len, (int)(c->in_cap - c->in_len));
			if (n > 0) {
				c->in_len += (size_t)n;
				continue;
			}
			err = SSL_get_error(c->ssl, n);
			if (err == SSL_ERROR_WANT_READ)
				break;
			/* Closed by the peer, or a TLS error: send any alert, then close. */
			ERR_clear_error();
			c->close_after = 1;
			conn_flush(c);
			return;
		}
		if (conn_request(c) != 1)
			break;
	}
	if (!c->closing)
		conn_flush(c);
	if (!c->closing && !c->reading && !outq_full(&c->out) &&
	    BIO_ctrl_pending(c->rbio) < HTTP_RBIO_MAX) {
		if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
			c->reading = 1;
	}
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static char slab[65536];

	(void)h;
	(void)suggested;
	/* One loop, one read at a time: the bytes go into the BIO at once. */
	*buf = uv_buf_init(slab, sizeof slab);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct http_conn *c = s->data;

	if (nread < 0) {
		conn_close(c);
		return;
	}
	if (nread == 0 || c->lingering)
		return;
	if (BIO_write(c->rbio, buf->base, (int)nread) != (int)nread) {
		conn_close(c);
		return;
	}
	/* Bounded: a client that sends while its answer waits is paused. */
	if (BIO_ctrl_pending(c->rbio) >= HTTP_RBIO_MAX) {
		uv_read_stop(s);
		c->reading = 0;
	}
	conn_pump(c);
}

static void on_conn_closed(uv_handle_t *h)
{
	struct http_conn *c = h->data;

	if (--c->handles > 0)
		return;
	SSL_free(c->ssl); /* frees both BIOs */
	if (c->in != NULL)
		secure_zero(c->in, c->in_cap);
	free(c->in);
	free(c->pending);
	free(c);
	server_release();
}

static void conn_close(struct http_conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	c->hb->nconns--;
	if (c->stream) {
		c->hb->nstreams--;
		c->hb->b->sse_open--;
	}
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		server->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	outq_close(&c->out);
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
	uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

/* A connection with its handles initialized and counted, no socket yet. */
static struct http_conn *conn_new(struct http_bmc *hb)
{
	struct http_conn *c = xcalloc(1, sizeof *c);
	uv_loop_t *loop = server->sim->loop;

	uv_tcp_init(loop, &c->tcp);
	uv_timer_init(loop, &c->timer);
	c->tcp.data = c;
	c->timer.data = c;
	c->handles = 2;
	c->hb = hb;
	outq_init(&c->out, (uv_stream_t *)&c->tcp, &out_ops, HTTP_OUT_LOW, HTTP_OUT_HIGH,
		  HTTP_OUT_LIMIT, c);
	server->open_handles++;
	hb->nconns++;
	c->next = server->conns;
	if (c->next != NULL)
		c->next->prev = c;
	server->conns = c;
	return c;
}

static void conn_accept(struct http_bmc *hb)
{
	struct http_conn *c = conn_new(hb);

	if (uv_accept((uv_stream_t *)&hb->listener, (uv_stream_t *)&c->tcp) != 0) {
		conn_close(c);
		return;
	}
	if (hb->nconns > HTTP_MAX_CONNS || !sim_bmc_alive(hb->b, now_ms())) {
		conn_close(c);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	c->epoch = hb->b->boot_epoch;
	c->ssl = SSL_new(server->ctx);
	c->rbio = BIO_new(BIO_s_mem());
	c->wbio = BIO_new(BIO_s_mem());
	if (c->ssl == NULL || c->rbio == NULL || c->wbio == NULL)
		fatal("bmcsim: out of memory for a TLS connection");
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	SSL_set_accept_state(c->ssl);
	c->in_cap = 4096;
	c->in = xmalloc(c->in_cap);
	uv_timer_start(&c->timer, on_conn_timer, HTTP_IDLE_MS, 0);
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
		conn_close(c);
		return;
	}
	c->reading = 1;
}

static void on_connection(uv_stream_t *listener, int status)
{
	struct http_bmc *hb = listener->data;

	if (status < 0)
		return;
	if (!sim_bmc_alive(hb->b, now_ms())) {
		/* Leave it unaccepted: libuv stops watching the listener until
		 * the BMC comes back (on_revive) and the kernel backlog fills. */
		hb->held = 1;
		uv_timer_again(&server->revive);
		return;
	}
	conn_accept(hb);
}

static void on_revive(uv_timer_t *t)
{
	size_t i;
	int still_held = 0;

	for (i = 0; i < server->nbmcs; i++) {
		struct http_bmc *hb = &server->bmcs[i];

		if (!hb->held)
			continue;
		if (!sim_bmc_alive(hb->b, now_ms())) {
			still_held = 1;
			continue;
		}
		hb->held = 0;
		conn_accept(hb); /* a stale connection, probably; it resumes listening */
	}
	if (!still_held)
		uv_timer_stop(t);
}

/* Start and stop. */

static int listen_bmc(struct http_bmc *hb, char **err)
{
	struct sim_bmc *b = hb->b;
	struct sockaddr_storage addr = b->ipmi_addr;
	struct sockaddr_storage got;
	char ip[64] = "?";
	int rc, len = sizeof got;
	in_port_t port = (in_port_t)(b->redfish_port > 0 ? b->redfish_port : 0);

	/* Initialized first: a failure here is cleaned up by closing it. */
	uv_tcp_init(server->sim->loop, &hb->listener);
	hb->listener.data = hb;
	server->open_handles++;
	if (b->redfish_port > 65535) {
		*err =
		    xasprintf("%s: Redfish port %d is out of range; choose a lower --redfish-port",
			      b->name, b->redfish_port);
		return -1;
	}
	if (addr.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&addr)->sin6_port = htons(port);
		uv_ip6_name((struct sockaddr_in6 *)&addr, ip, sizeof ip);
	} else {
		((struct sockaddr_in *)&addr)->sin_port = htons(port);
		uv_ip4_name((struct sockaddr_in *)&addr, ip, sizeof ip);
	}
	rc = uv_tcp_bind(&hb->listener, (struct sockaddr *)&addr, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&hb->listener, HTTP_BACKLOG, on_connection);
	if (rc == 0)
		rc = uv_tcp_getsockname(&hb->listener, (struct sockaddr *)&got, &len);
	if (rc != 0) {
		*err = xasprintf("%s: cannot listen for Redfish on %s port %d: %s", b->name, ip,
				 (int)port, uv_strerror(rc));
		return -1;
	}
	b->redfish_port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
							  : ((struct sockaddr_in *)&got)->sin_port);
	return 0;
}


int sim_http_start(struct sim *s, sim_http_handler *handle, char **err)
{
	size_t i, n = 0;

	if (server != NULL) {
		*err = xasprintf("the Redfish side is already running");
		return -1;
	}
	server = xcalloc(1, sizeof *server);
	server->sim = s;
	server->handle = handle;
	server->ctx = sim_http_tls_ctx(err);
	if (server->ctx == NULL) {
		free(server);
		server = NULL;
		return -1;
	}
	for (i = 0; i < s->nbmcs; i++)
		if (s->bmcs[i].redfish_port != 0)
			n++;
	server->bmcs = xcalloc(n ? n : 1, sizeof *server->bmcs);
	uv_timer_init(s->loop, &server->revive);
	uv_timer_start(&server->revive, on_revive, HTTP_REVIVE_MS, HTTP_REVIVE_MS);
	uv_timer_stop(&server->revive);
	server->open_handles++;
	for (i = 0; i < s->nbmcs; i++) {
		struct sim_bmc *b = &s->bmcs[i];
		struct http_bmc *hb;

		if (b->redfish_port == 0)
			continue;
		hb = &server->bmcs[server->nbmcs++];
		hb->b = b;
		b->http = hb;
		if (listen_bmc(hb, err) != 0) {
			sim_http_stop(s);
			return -1;
		}
	}
	return 0;
}

static void on_server_handle_closed(uv_handle_t *h)
{
	(void)h;
	server_release();
}

void sim_http_stop(struct sim *s)
{
	size_t i;

	if (server == NULL || server->stopping)
		return;
	server->stopping = 1;
	for (i = 0; i < server->nbmcs; i++) {
		server->bmcs[i].b->http = NULL;
		uv_close((uv_handle_t *)&server->bmcs[i].listener, on_server_handle_closed);
	}
	while (server->conns != NULL)
		conn_close(server->conns);
	(void)s;
	/* Connections and the rest are freed in their close callbacks; the
	 * caller runs the loop once more to let them finish. */
	uv_close((uv_handle_t *)&server->revive, on_server_handle_closed);
}

#ifdef BMCSIM_FUZZ
/*
 * For fuzz/fuzz-sim-http.c: every BMC's HTTP state with no listeners and
 * no TLS.  A connection from sim_http_fuzz_open() has no socket and no
 * SSL object; sim_http_fuzz_feed() puts plaintext where SSL_read would
 * have, answers go to `sent`, and after sim_http_fuzz_close() one turn of
 * the loop frees the connection.
 */
void sim_http_fuzz_start(struct sim *s, sim_http_handler *handle,
			 void (*sent)(const char *buf, size_t len))
{
	size_t i;

	server = xcalloc(1, sizeof *server);
	server->sim = s;
	server->handle = handle;
	server->bmcs = xcalloc(s->nbmcs, sizeof *server->bmcs);
	server->nbmcs = s->nbmcs;
	server->open_handles = 1; /* never released */
	for (i = 0; i < s->nbmcs; i++) {
		server->bmcs[i].b = &s->bmcs[i];
		s->bmcs[i].http = &server->bmcs[i];
	}
	fuzz_sent = sent;
}

struct http_conn *sim_http_fuzz_open(struct sim_bmc *b)
{
	struct http_conn *c = conn_new(b->http);

	c->epoch = b->boot_epoch;
	c->in_cap = 4096;
	c->in = xmalloc(c->in_cap);
	return c;
}

/* 0 while the connection takes more; -1 once the server ends it. */
int sim_http_fuzz_feed(struct http_conn *c, const char *buf, size_t len)
{
	while (len > 0 && !c->closing && !c->close_after) {
		size_t n;

		if (c->in_len == c->in_cap) {
			if (c->in_cap >= HTTP_IN_MAX)
				break; /* as conn_pump: the rest would wait unread */
			c->in_cap = c->in_cap * 2 > HTTP_IN_MAX ? HTTP_IN_MAX : c->in_cap * 2;
			c->in = xrealloc(c->in, c->in_cap);
		}
		n = c->in_cap - c->in_len < len ? c->in_cap - c->in_len : len;
		memcpy(c->in + c->in_len, buf, n);
		c->in_len += n;
		buf += n;
		len -= n;
		while (!c->closing && !c->close_after && c->pending == NULL && conn_request(c) == 1)
			;
	}
	return c->closing || c->close_after ? -1 : 0;
}

void sim_http_fuzz_close(struct http_conn *c)
{
	conn_close(c);
}
#endif
