/*
 * cli/serve-http.c - the HTTP/1.1 server of `bmctop serve` over libuv.
 *
 * A connection reads into one head-sized buffer, parses complete heads
 * with core/http-request.c and answers each in order (pipelined requests
 * included), writing through core/outq.c; while a client does not read
 * what it asked for, its further requests are not read either.  One timer
 * per connection bounds both the wait for a head that has started (or
 * for the TLS handshake) and the idle time between requests.  After an
 * answer that ends the connection, the socket is shut down for writing and
 * what the client still sends is discarded until it closes or a short
 * timer does, so a refusal is delivered instead of reset.
 *
 * TLS, when the web configuration names a certificate, runs over memory
 * BIOs: ciphertext from the socket goes into OpenSSL, and what OpenSSL
 * writes goes out through the same outq.
 */
#include "config.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/serve-http.h"
#include "core/outq.h"
#include "core/xalloc.h"

#define OUTQ_LOW (256 * 1024)
#define OUTQ_HIGH (1024 * 1024)
#define OUTQ_LIMIT ((size_t)512 * 1024 * 1024) /* a whole /metrics of a big fleet */
#define LINGER_MS 2000
#define TLS_CHUNK 16384

enum timer_mode { T_IDLE, T_HEAD, T_LINGER };

struct conn {
	struct serve_http *srv;
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_shutdown_t shut;
	struct outq q;
	SSL *ssl; /* NULL: plain HTTP */
	BIO *rbio, *wbio;
	char head[HTTP_REQUEST_HEAD_MAX];
	size_t len;
	/* Plain requests read past a full head while the client was not
	 * reading its answers (at most one read's worth): taken when it has. */
	char *pending;
	size_t npending;
	enum timer_mode mode;
	size_t queued_at_arm; /* bytes still to send when the timer was armed */
	int closing, lingering, reading;
	int authing; /* a bcrypt check for this request is on a worker thread */
	int streaming; /* a stream answer: the connection is the handler's */
	void (*gone)(void *arg);
	void *gone_arg;
	unsigned answered; /* requests answered on this connection */
	int handles;
	struct conn *prev, *next;
};

struct serve_http {
	uv_loop_t *loop;
	uv_tcp_t listener;
	SSL_CTX *tls;
	struct webconfig *web;
	serve_handler handler;
	void *ctx;
	struct conn *conns;
	struct serve_http_stats stats;
	int port;
	int stopping, listener_open;
	size_t unfreed; /* connections not yet freed (closing ones too) */
	unsigned auth_jobs; /* bcrypt checks on worker threads */
	void (*done)(void *arg);
	void *done_arg;
};

static void conn_close(struct conn *c);
static void process(struct conn *c);
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);

static void maybe_done(struct serve_http *s)
{
	if (s->stopping && !s->listener_open && s->unfreed == 0) {
		void (*done)(void *) = s->done;
		void *arg = s->done_arg;

		SSL_CTX_free(s->tls);
		free(s);
		if (done != NULL)
			done(arg);
	}
}

/* One of the connection's handles (or its bcrypt check) has ended. */
static void conn_unref(struct conn *c)
{
	struct serve_http *s = c->srv;

	if (--c->handles > 0)
		return;
	SSL_free(c->ssl);
	free(c->pending);
	free(c);
	s->unfreed--;
	maybe_done(s);
}

static void on_conn_closed(uv_handle_t *h)
{
	conn_unref(h->data);
}

static void conn_close(struct conn *c)
{
	struct serve_http *s = c->srv;

	if (c->closing)
		return;
	c->closing = 1;
	outq_close(&c->q);
	uv_timer_stop(&c->timer);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	s->stats.conns--;
	if (c->gone != NULL)
		c->gone(c->gone_arg);
	c->gone = NULL;
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
	uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

static void arm(struct conn *c, enum timer_mode mode);

/* Out of time, unless an answer is still going out and the client has
 * taken some of it since the timer was armed: a large /metrics to a slow
 * reader is not idle. */
static void on_timer(uv_timer_t *t)
{
	struct conn *c = t->data;
	size_t queued = outq_queued(&c->q);

	if (c->mode != T_HEAD && queued > 0 && queued < c->queued_at_arm) {
		arm(c, c->mode);
		return;
	}
	if (c->mode != T_LINGER)
		c->srv->stats.timeouts++;
	conn_close(c);
}

static void arm(struct conn *c, enum timer_mode mode)
{
	static const uint64_t ms[] = { SERVE_HTTP_IDLE_TIMEOUT_MS, SERVE_HTTP_HEAD_TIMEOUT_MS,
				       LINGER_MS };

	c->mode = mode;
	c->queued_at_arm = outq_queued(&c->q);
	uv_timer_start(&c->timer, on_timer, ms[mode], 0);
}

/* What OpenSSL wrote, out to the socket. */
static int tls_flush(struct conn *c)
{
	char buf[TLS_CHUNK];
	int n, rc = 0;

	while (rc == 0 && (n = BIO_read(c->wbio, buf, sizeof buf)) > 0)
		rc = outq_write(&c->q, buf, (size_t)n);
	return rc;
}

static int conn_write(struct conn *c, const char *p, size_t n)
{
	if (c->ssl == NULL)
		return outq_write(&c->q, p, n);
	while (n > 0) {
		int chunk = n > TLS_CHUNK ? TLS_CHUNK : (int)n;
		int rc;

		if (SSL_write(c->ssl, p, chunk) != chunk)
			return -1;
		p += chunk;
		n -= (size_t)chunk;
		rc = tls_flush(c);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	(void)req;
	(void)status;
}

/* The answer was the last: send what is queued, then a FIN, and discard
 * what the client still sends until it closes or the linger timer fires. */
static void conn_finish(struct conn *c)
{
	if (c->lingering || c->closing)
		return;
	c->lingering = 1;
	c->len = 0;
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		tls_flush(c);
	}
	if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
		conn_close(c);
		return;
	}
	arm(c, T_LINGER);
	if (!c->reading && uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
		c->reading = 1;
}

static void respond(struct conn *c, int status, const char *type, const char *extra,
		    const char *body, size_t len, int head_only, int keep_alive)
{
	char h[512];
	int n;

	n = snprintf(h, sizeof h,
		     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
		     "Cache-Control: no-store\r\nConnection: %s\r\n\r\n",
		     status, http_status_text(status), type, len, extra ? extra : "",
		     keep_alive ? "keep-alive" : "close");
	c->srv->stats.requests++;
	c->answered++;
	if (conn_write(c, h, (size_t)n) != 0 ||
	    (!head_only && len > 0 && conn_write(c, body, len) != 0)) {
		conn_close(c);
		return;
	}
	if (!keep_alive)
		conn_finish(c);
}

static void respond_error(struct conn *c, int status, const char *extra, int keep_alive)
{
	char body[80];
	int n = snprintf(body, sizeof body, "%d %s\n", status, http_status_text(status));

	respond(c, status, "text/plain; charset=utf-8", extra, body, (size_t)n, 0, keep_alive);
}

/* The head of a stream answer, then the connection is the handler's. */
static void start_stream(struct conn *c, const struct serve_reply *r)
{
	char h[256];
	int n = snprintf(h, sizeof h,
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nCache-Control: no-store\r\n"
			 "X-Accel-Buffering: no\r\nConnection: close\r\n\r\n",
			 r->status, http_status_text(r->status), r->content_type);

	c->srv->stats.requests++;
	c->answered++;
	if (conn_write(c, h, (size_t)n) != 0) {
		conn_close(c);
		return;
	}
	c->streaming = 1;
	c->len = 0;
	uv_timer_stop(&c->timer);
	r->opened(r->opened_arg, (struct serve_stream *)c);
}

int serve_stream_write(struct serve_stream *st, const char *p, size_t n, const char *last)
{
	struct conn *c = (struct conn *)st;

	if (c->closing || c->lingering)
		return -1;
	if (outq_queued(&c->q) + n > SERVE_STREAM_QUEUE_MAX) {
		if (last != NULL)
			conn_write(c, last, strlen(last));
		conn_finish(c);
		return -1;
	}
	if (conn_write(c, p, n) != 0) {
		conn_close(c);
		return -1;
	}
	return 0;
}

void serve_stream_on_gone(struct serve_stream *st, void (*gone)(void *arg), void *arg)
{
	struct conn *c = (struct conn *)st;

	c->gone = gone;
	c->gone_arg = arg;
}

/* The connection takes no more requests for now: its client is not reading
 * its answers, or a password is being checked. */
static int conn_paused(struct conn *c)
{
	return outq_full(&c->q) || c->authing;
}

static void dispatch_authorized(struct conn *c, const struct http_request *req)
{
	struct serve_http *s = c->srv;
	struct serve_reply reply = { 404, "text/plain; charset=utf-8", NULL, "404 Not Found\n", 14,
				     NULL, NULL };
	char extra[80] = "";
	char path[HTTP_REQUEST_TARGET_MAX];
	int head_only = strcmp(req->method, "HEAD") == 0;

	http_request_path(req->target, path, sizeof path);
	s->handler(s->ctx, req, path, &reply);
	if (reply.opened != NULL && !head_only) {
		start_stream(c, &reply);
		return;
	}
	if (reply.content_encoding != NULL)
		snprintf(extra, sizeof extra, "Content-Encoding: %s\r\nVary: Accept-Encoding\r\n",
			 reply.content_encoding);
	respond(c, reply.status, reply.content_type, extra, reply.body, reply.body_len, head_only,
		req->keep_alive);
}

static void refuse_auth(struct conn *c)
{
	/* Closed after it: a client without credentials holds no slot. */
	respond_error(c, 401, "WWW-Authenticate: Basic realm=\"bmctop\", charset=\"UTF-8\"\r\n",
		      0);
}

struct auth_job {
	uv_work_t work;
	struct conn *c;
	struct http_request req;
	uint8_t mac[32];
	int ok;
};

/* On a worker thread: bcrypt, which is slow on purpose. */
static void auth_work(uv_work_t *w)
{
	struct auth_job *j = w->data;

	j->ok = webconfig_auth_verify(j->c->srv->web, j->req.authorization);
}

static void conn_resume(struct conn *c);

static void auth_done(uv_work_t *w, int status)
{
	struct auth_job *j = w->data;
	struct conn *c = j->c;

	c->srv->auth_jobs--;
	c->authing = 0;
	if (!c->closing && !c->lingering) {
		if (status == 0 && j->ok) {
			webconfig_auth_remember(c->srv->web, j->mac);
			dispatch_authorized(c, &j->req);
		} else {
			refuse_auth(c);
		}
		if (!c->closing && !c->lingering && !c->streaming) {
			arm(c, c->len > 0 ? T_HEAD : T_IDLE);
			conn_resume(c);
		}
	}
	secure_zero(j, sizeof *j);
	free(j);
	conn_unref(c);
}

/*
 * Check the request's credentials, then answer it.  A header that passed
 * before is answered at once; a new one is checked on the thread pool, the
 * connection reading nothing meanwhile, at most SERVE_AUTH_JOBS_MAX at a
 * time for the whole server: past that, 503 with Retry-After.
 */
static void dispatch(struct conn *c, const struct http_request *req)
{
	struct serve_http *s = c->srv;
	struct auth_job *j;
	uint8_t mac[32];
	int rc;

	if (strcmp(req->method, "HEAD") != 0 && strcmp(req->method, "GET") != 0) {
		respond_error(c, 405, "Allow: GET, HEAD\r\n", req->keep_alive);
		return;
	}
	rc = webconfig_auth_cached(s->web, req->authorization, mac);
	if (rc > 0) {
		dispatch_authorized(c, req);
		return;
	}
	if (rc < 0) {
		refuse_auth(c);
		return;
	}
	if (s->auth_jobs >= SERVE_AUTH_JOBS_MAX) {
		s->stats.auth_busy++;
		respond_error(c, 503, "Retry-After: 1\r\n", 0);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->c = c;
	j->req = *req;
	memcpy(j->mac, mac, sizeof mac);
	j->work.data = j;
	if (uv_queue_work(s->loop, &j->work, auth_work, auth_done) != 0) {
		free(j);
		respond_error(c, 503, "Retry-After: 1\r\n", 0);
		return;
	}
	s->auth_jobs++;
	c->authing = 1;
	c->handles++;
	uv_timer_stop(&c->timer);
	if (c->reading) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = 0;
	}
}

/* Answer every complete head in the buffer, as long as the client reads. */
static void process(struct conn *c)
{
	while (!c->closing && !c->lingering && !c->streaming && !conn_paused(c)) {
		struct http_request req;
		int rc = http_request_parse(&req, c->head, c->len);

		if (rc == 0) {
			if (c->len > 0 && c->mode == T_IDLE)
				arm(c, T_HEAD);
			return;
		}
		if (rc < 0) {
			respond_error(c, -rc, NULL, 0);
			return;
		}
		memmove(c->head, c->head + rc, c->len - (size_t)rc);
		c->len -= (size_t)rc;
		dispatch(c, &req);
		if (!c->closing && !c->lingering && !c->streaming && !c->authing)
			arm(c, c->len > 0 ? T_HEAD : T_IDLE);
	}
}

/* Plaintext in, as much as the buffer takes; process makes room. */
static void take_plain(struct conn *c, const char *p, size_t n)
{
	while (n > 0 && !c->closing && !c->lingering && !c->streaming) {
		size_t room = sizeof c->head - c->len, k = n < room ? n : room;

		memcpy(c->head + c->len, p, k);
		c->len += k;
		p += k;
		n -= k;
		process(c);
		if (n > 0 && conn_paused(c)) {
			/* Reading has stopped (on_flow, dispatch); keep the rest. */
			c->pending = xmalloc(n);
			memcpy(c->pending, p, n);
			c->npending = n;
			return;
		}
		if (n > 0 && c->len == sizeof c->head) {
			/* No complete head in a full buffer (process answered 431). */
			if (!c->closing && !c->lingering)
				respond_error(c, 431, NULL, 0);
			return;
		}
	}
}

/* Ciphertext in (n may be 0: read what OpenSSL already holds, when the
 * client has caught up with its answers). */
static void take_tls(struct conn *c, const char *p, size_t n)
{
	if (n > 0)
		BIO_write(c->rbio, p, (int)n);
	if (!SSL_is_init_finished(c->ssl)) {
		int rc = SSL_do_handshake(c->ssl);

		tls_flush(c);
		if (rc != 1) {
			int e = SSL_get_error(c->ssl, rc);

			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
				conn_close(c);
			return;
		}
	}
	while (!c->closing && !c->lingering && !c->streaming && !conn_paused(c)) {
		size_t room = sizeof c->head - c->len;
		int got;

		if (room == 0) {
			process(c);
			if (c->len == sizeof c->head && !conn_paused(c)) {
				if (!c->closing && !c->lingering)
					respond_error(c, 431, NULL, 0);
				return;
			}
			continue;
		}
		got = SSL_read(c->ssl, c->head + c->len, (int)room);
		if (got <= 0) {
			int e = SSL_get_error(c->ssl, got);

			tls_flush(c);
			if (e != SSL_ERROR_WANT_READ)
				conn_close(c);
			else
				process(c);
			return;
		}
		c->len += (size_t)got;
	}
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static char chunk[65536];

	(void)h;
	(void)suggested;
	buf->base = chunk;
	buf->len = sizeof chunk;
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = stream->data;

	if (nread < 0) {
		conn_close(c);
		return;
	}
	if (nread == 0 || c->lingering)
		return;
	if (c->streaming) {
		/* A stream's client has nothing more to ask; TLS records
		 * (alerts, a close_notify) are dropped with the rest. */
		return;
	}
	if (c->len == 0 && c->mode == T_IDLE)
		arm(c, T_HEAD);
	if (c->ssl != NULL)
		take_tls(c, buf->base, (size_t)nread);
	else
		take_plain(c, buf->base, (size_t)nread);
}

static void on_flow(struct outq *q, int full)
{
	struct conn *c = q->data;

	if (c->closing || c->lingering)
		return;
	if (full) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = 0;
		return;
	}
	conn_resume(c);
}

/* Read again, and take what waited, when nothing holds the connection. */
static void conn_resume(struct conn *c)
{
	if (conn_paused(c))
		return;
	if (!c->reading && uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
		c->reading = 1;
	if (c->streaming)
		return;
	if (c->ssl != NULL && SSL_is_init_finished(c->ssl)) {
		take_tls(c, NULL, 0);
	} else if (c->pending != NULL) {
		char *p = c->pending;

		c->pending = NULL;
		take_plain(c, p, c->npending);
		free(p);
	} else {
		process(c);
	}
}

static void on_failed(struct outq *q, int status)
{
	(void)status;
	conn_close(q->data);
}

static const struct outq_ops conn_outq_ops = { on_flow, NULL, on_failed };

static int conn_tls_init(struct conn *c)
{
	c->ssl = SSL_new(c->srv->tls);
	c->rbio = BIO_new(BIO_s_mem());
	c->wbio = BIO_new(BIO_s_mem());
	if (c->ssl == NULL || c->rbio == NULL || c->wbio == NULL) {
		BIO_free(c->rbio);
		BIO_free(c->wbio);
		return -1;
	}
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	SSL_set_accept_state(c->ssl);
	return 0;
}

static void on_refused_closed(uv_handle_t *h)
{
	free(h);
}

/* The oldest connection that has not had an answer yet, or NULL. */
static struct conn *oldest_unanswered(struct serve_http *s)
{
	struct conn *c, *found = NULL;

	for (c = s->conns; c != NULL; c = c->next)
		if (c->answered == 0 && !c->lingering)
			found = c;
	return found;
}

static void on_connection(uv_stream_t *listener, int status)
{
	struct serve_http *s = listener->data;
	struct conn *c;

	if (status != 0 || s->stopping)
		return;
	/* Full: a connection that never sent a request gives way to the new
	 * one, so silent clients cannot keep Prometheus out; when every slot
	 * is a working client, the new one is refused. */
	if (s->stats.conns >= SERVE_HTTP_MAX_CONNS) {
		c = oldest_unanswered(s);
		if (c != NULL) {
			s->stats.evicted++;
			conn_close(c);
		}
	}
	if (s->stats.conns >= SERVE_HTTP_MAX_CONNS) {
		uv_tcp_t *t = xmalloc(sizeof *t);

		uv_tcp_init(s->loop, t);
		if (uv_accept(listener, (uv_stream_t *)t) == 0)
			s->stats.refused++;
		uv_close((uv_handle_t *)t, on_refused_closed);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->srv = s;
	uv_tcp_init(s->loop, &c->tcp);
	uv_timer_init(s->loop, &c->timer);
	c->tcp.data = c->timer.data = c;
	c->handles = 2;
	s->unfreed++;
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	s->stats.conns++;
	outq_init(&c->q, (uv_stream_t *)&c->tcp, &conn_outq_ops, OUTQ_LOW, OUTQ_HIGH, OUTQ_LIMIT,
		  c);
	if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0 ||
	    (s->tls != NULL && conn_tls_init(c) != 0)) {
		conn_close(c);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	/* The first request (and the TLS handshake) within the head timeout. */
	arm(c, T_HEAD);
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
		c->reading = 1;
	else
		conn_close(c);
}

static SSL_CTX *tls_context(const struct webconfig *web, char **err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	const char *what = "set up TLS";

	if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
		what = "set up TLS";
	} else if (SSL_CTX_use_certificate_chain_file(ctx, web->cert_file) != 1) {
		what = web->cert_file;
	} else if (SSL_CTX_use_PrivateKey_file(ctx, web->key_file, SSL_FILETYPE_PEM) != 1 ||
		   SSL_CTX_check_private_key(ctx) != 1) {
		what = web->key_file;
	} else {
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
		return ctx;
	}
	{
		const char *reason = ERR_reason_error_string(ERR_get_error());
		const char *doing = "start";

		if (what == web->cert_file)
			doing = "load the certificate";
		else if (what == web->key_file)
			doing = "load the key (or it does not match the certificate)";
		*err = xasprintf("%s: %s: cannot %s: %s", web->path, what, doing,
				 reason ? reason : "OpenSSL failed");
	}
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

int serve_http_is_loopback(const char *addr)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, addr, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, addr, a) == 1) {
		static const unsigned char v6_loopback[16] = { [15] = 1 };
		static const unsigned char v4_mapped[12] = { [10] = 0xff, [11] = 0xff };

		return memcmp(a, v6_loopback, 16) == 0 ||
		       (memcmp(a, v4_mapped, 12) == 0 && a[12] == 127);
	}
	return 0;
}

static int bind_listener(struct serve_http *s, const char *addr, int port, char **err)
{
	struct sockaddr_storage ss;
	int namelen = sizeof ss, rc, v6 = strchr(addr, ':') != NULL;

	if (v6)
		rc = uv_ip6_addr(addr, port, (struct sockaddr_in6 *)&ss);
	else
		rc = uv_ip4_addr(addr, port, (struct sockaddr_in *)&ss);
	if (rc != 0) {
		*err = xasprintf("%s is not a numeric IPv4 or IPv6 address", addr);
		return -1;
	}
	uv_tcp_init(s->loop, &s->listener);
	s->listener.data = s;
	s->listener_open = 1;
	rc = uv_tcp_bind(&s->listener, (struct sockaddr *)&ss, v6 ? UV_TCP_IPV6ONLY : 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&s->listener, 128, on_connection);
	if (rc != 0) {
		*err = xasprintf("cannot listen on %s%s%s:%d: %s", v6 ? "[" : "", addr,
				 v6 ? "]" : "", port, uv_strerror(rc));
		return -1;
	}
	uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &namelen);
	s->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						 : ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

static void on_listener_closed(uv_handle_t *h)
{
	struct serve_http *s = h->data;

	s->listener_open = 0;
	maybe_done(s);
}

struct serve_http *serve_http_start(uv_loop_t *loop, const char *addr, int port,
				    struct webconfig *web, serve_handler handler, void *ctx,
				    char **err)
{
	struct serve_http *s = xcalloc(1, sizeof *s);

	s->loop = loop;
	s->web = web;
	s->handler = handler;
	s->ctx = ctx;
	*err = NULL;
	if (web != NULL && web->cert_file != NULL) {
		s->tls = tls_context(web, err);
		if (s->tls == NULL) {
			free(s);
			return NULL;
		}
	}
	if (bind_listener(s, addr, port, err) != 0) {
		s->stopping = 1;
		if (s->listener_open)
			uv_close((uv_handle_t *)&s->listener, on_listener_closed);
		else
			maybe_done(s);
		return NULL;
	}
	return s;
}

int serve_http_port(const struct serve_http *s)
{
	return s->port;
}

void serve_http_get_stats(const struct serve_http *s, struct serve_http_stats *st)
{
	*st = s->stats;
}

void serve_http_stop(struct serve_http *s, void (*done)(void *arg), void *arg)
{
	s->stopping = 1;
	s->done = done;
	s->done_arg = arg;
	while (s->conns != NULL)
		conn_close(s->conns);
	uv_close((uv_handle_t *)&s->listener, on_listener_closed);
}
