/*
 * vnc/relay.c - the RFB relay on the libuv loop.
 *
 * Two sides: the viewer (a TCP connection accepted on 127.0.0.1) and the
 * server (the BMC's console, TCP with optional TLS and WebSocket framing
 * layered on it).  The relay is a VNC server to the viewer and a VNC
 * client to the BMC for the handshake only (vnc/rfb.c); once both handshakes
 * are through it copies bytes.  The viewer's SecurityResult is held back
 * until the BMC side is ready, so a failure there (wrong vnc-password,
 * refused token) reaches the viewer as the reason RFB 3.8 carries.
 *
 * Connections to the local port are candidates until one authenticates
 * with the one-time password: up to VNC_RELAY_MAX_STARTUPS may be in the
 * handshake at once, each for at most VNC_RELAY_GRACE_MS (OpenSSH's
 * MaxStartups and LoginGraceTime), so a silent one holds no one else out.
 * The first to authenticate becomes the viewer and the others are closed;
 * a wrong password, a broken handshake or silence past the grace time is a
 * failure, and MAX_FAILURES of them end the relay.
 *
 * TLS runs over memory BIOs: ciphertext from the socket goes into one BIO,
 * OpenSSL's output is drained from the other and written to the socket, so
 * nothing blocks and one loop serves every relay.
 *
 * Backpressure: each side counts the bytes queued in its pending writes.
 * Reading from either side can make bytes for either (the BMC's pings are
 * answered toward the BMC, TLS answers itself), so once either queue is
 * above VNC_RELAY_HIGH_WATER neither side is read, until both have
 * drained below VNC_RELAY_LOW_WATER.  Pongs are not queued at all beyond
 * one: the decoder keeps the latest ping's payload and the answer goes out
 * when nothing else is waiting to be written to the BMC.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/paths.h"
#include "core/xalloc.h"
#include "redfish/http.h"
#include "redfish/parse.h"
#include "redfish/session.h"
#include "tls/conn.h"
#include "tls/pin.h"
#include "tls/trust.h"
#include "vnc/relay.h"
#include "vnc/rfb.h"
#include "vnc/ws.h"

#define READ_CHUNK	  (64 * 1024)
#define DEFAULT_FRAME_OUT (64 * 1024)
#define MAX_FRAME_IN	  (64 * 1024 * 1024)
#define PENDING_MAX	  (64 * 1024) /* viewer bytes held while the BMC side connects */
#define HANDSHAKE_MAX	  (RFB_MAX_REASON + 1024)
#define MAX_FAILURES	  3

enum up_stage {
	UP_IDLE,    /* no viewer authenticated yet */
	UP_LOGIN,   /* Redfish session */
	UP_RESOLVE, /* getaddrinfo */
	UP_CONNECT,
	UP_TLS,
	UP_UPGRADE, /* HTTP upgrade to WebSocket */
	UP_RFB,	    /* RFB handshake with the BMC */
	UP_PASS	    /* passing bytes through */
};

struct bytes {
	uint8_t *p;
	size_t len, cap;
};

/*
 * One connection: the BMC's (embedded in the relay), or one accepted on the
 * local port (allocated; a candidate until it authenticates, then the
 * viewer).  Freed when its last handle has closed.
 */
struct side {
	uv_tcp_t tcp;
	uv_timer_t grace; /* accepted connections: the login grace time */
	struct vnc_relay *r;
	int handles;   /* of tcp and grace, initialised and not yet closed */
	int open;      /* tcp is initialised and not closing */
	int connected; /* may be read: connected and not shutting down */
	int reading;
	int full;	      /* queued went above high water, not yet below low water */
	size_t queued;	      /* bytes in writes not yet completed */
	struct rfb_server rs; /* accepted connections: the relay as VNC server */
	struct bytes in;      /* candidates: handshake bytes not yet used */
	uint8_t rbuf[READ_CHUNK];
};

struct vnc_relay {
	uv_loop_t *loop;
	struct bmc_host *h;
	struct vnc_target t;
	vnc_relay_end_cb cb;
	void *arg;

	uv_tcp_t listener;
	uv_timer_t timer;
	int port;
	char *passwd_path;
	char otp[RFB_PASSWORD_LEN + 1];
	int failures;

	struct side up;
	struct side *viewer; /* the connection that authenticated, or NULL */
	struct side *startups[VNC_RELAY_MAX_STARTUPS]; /* still in the handshake */
	struct rfb_client rc;
	struct bytes pending; /* viewer bytes before UP_PASS */
	struct bytes hs;      /* BMC bytes during the upgrade and RFB handshake */
	enum up_stage stage;
	uv_getaddrinfo_t gai;

	/* TLS */
	struct tls_conn tls;
	uint8_t plain[READ_CHUNK];

	/* WebSocket */
	char ws_key[32];
	struct ws_decoder wsd;

	/* Redfish session (rfs.http is set once the login starts) */
	struct rf_session rfs;
	int rf_want_pin;
	/* The service root GET or the login POST is in flight: the HTTP
	 * client is not released (nor the relay freed) until it answers. */
	int rf_busy;

	uint64_t to_viewer, to_server;
	unsigned pending_handles; /* handles, requests and the HTTP client still open */
	int ending;
	int status;
	char *msg;
};

static void relay_end(struct vnc_relay *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void up_start(struct vnc_relay *r);
static void from_server_stream(struct vnc_relay *r, const uint8_t *p, size_t n);
static void relay_update_reading(struct vnc_relay *r);
static void ws_answer_ping(struct vnc_relay *r);
static void candidate_drop(struct side *c, int failure, const char *why);
static void on_timeout(uv_timer_t *t);

static const char *hname(const struct vnc_relay *r)
{
	return r->h->cfg->name;
}

static void bytes_append(struct bytes *b, const uint8_t *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void bytes_consume(struct bytes *b, size_t n)
{
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
}

static void bytes_free(struct bytes *b)
{
	if (b->p != NULL)
		secure_zero(b->p, b->cap);
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Closing and ending. */

static void maybe_finish(struct vnc_relay *r)
{
	if (!r->ending || r->pending_handles > 0)
		return;
	tls_conn_free(&r->tls);
	if (r->cb != NULL)
		r->cb(r, r->status, r->msg, r->arg);
	rfb_client_wipe(&r->rc);
	secure_zero(r->otp, sizeof r->otp);
	rf_session_free(&r->rfs);
	bytes_free(&r->pending);
	bytes_free(&r->hs);
	vnc_target_free(&r->t);
	free(r->passwd_path);
	free(r->msg);
	free(r);
}

static void on_relay_handle_closed(uv_handle_t *handle)
{
	struct vnc_relay *r = handle->data;

	r->pending_handles--;
	maybe_finish(r);
}

static void close_handle(struct vnc_relay *r, uv_handle_t *handle)
{
	if (!uv_is_closing(handle))
		uv_close(handle, on_relay_handle_closed);
}

static void on_side_handle_closed(uv_handle_t *handle)
{
	struct side *s = handle->data;
	struct vnc_relay *r = s->r;

	s->handles--;
	r->pending_handles--;
	if (s->handles == 0 && s != &r->up) {
		if (r->viewer == s)
			r->viewer = NULL;
		bytes_free(&s->in);
		secure_zero(&s->rs, sizeof s->rs);
		free(s);
	}
	maybe_finish(r);
}

static void startups_remove(struct side *c)
{
	struct vnc_relay *r = c->r;

	for (size_t i = 0; i < VNC_RELAY_MAX_STARTUPS; i++)
		if (r->startups[i] == c)
			r->startups[i] = NULL;
}

/* Close a side's handles now; what is queued to it is dropped. */
static void side_close(struct side *s)
{
	s->open = 0;
	s->connected = 0;
	s->reading = 0;
	if (s != &s->r->up)
		startups_remove(s);
	if (s->handles == 0)
		return;
	if (!uv_is_closing((uv_handle_t *)&s->tcp))
		uv_close((uv_handle_t *)&s->tcp, on_side_handle_closed);
	if (s != &s->r->up && !uv_is_closing((uv_handle_t *)&s->grace))
		uv_close((uv_handle_t *)&s->grace, on_side_handle_closed);
}

static void on_side_shutdown(uv_shutdown_t *req, int status)
{
	struct side *s = req->data;

	free(req);
	side_close(s);
}

/* Close an accepted connection once what was written to it has gone out. */
static void side_close_after_flush(struct side *s)
{
	uv_shutdown_t *req;

	if (!s->open || !s->connected || s->queued > 0) {
		side_close(s);
		return;
	}
	s->connected = 0;
	s->reading = 0;
	uv_read_stop((uv_stream_t *)&s->tcp);
	uv_timer_stop(&s->grace);
	startups_remove(s);
	req = xcalloc(1, sizeof *req);
	req->data = s;
	if (uv_shutdown(req, (uv_stream_t *)&s->tcp, on_side_shutdown) != 0) {
		free(req);
		side_close(s);
	}
}

static void on_http_released(void *arg)
{
	struct vnc_relay *r = arg;

	r->pending_handles--;
	maybe_finish(r);
}

static void on_session_deleted(struct rf_response *rsp, void *arg)
{
	struct vnc_relay *r = arg;

	if (rsp->error == 0 && rsp->status >= 200 && rsp->status < 300)
		log_info("%s: console's Redfish session deleted", hname(r));
	else
		log_warn("%s: could not delete the console's Redfish session (%s)", hname(r),
			 rsp->error ? rsp->message : "HTTP error");
	rf_http_release(r->rfs.http, on_http_released, r);
}

static void end_http(struct vnc_relay *r)
{
	if (r->rfs.http == NULL || r->rf_busy)
		return;
	if (rf_session_delete(&r->rfs, 2000, on_session_deleted, r) == 0)
		return;
	rf_http_release(r->rfs.http, on_http_released, r);
}

static void relay_end(struct vnc_relay *r, int status, const char *fmt, ...)
{
	struct side *v = r->viewer;
	va_list ap;

	if (r->ending)
		return;
	r->ending = 1;
	r->status = status;
	va_start(ap, fmt);
	r->msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (status == 0 || status == BMC_ECANCELED)
		log_info("%s: VNC relay on 127.0.0.1:%d ended: %s", hname(r), r->port, r->msg);
	else
		log_warn("%s: VNC relay on 127.0.0.1:%d ended: %s", hname(r), r->port, r->msg);
	if (r->passwd_path != NULL)
		unlink(r->passwd_path);
	uv_timer_stop(&r->timer);
	close_handle(r, (uv_handle_t *)&r->timer);
	close_handle(r, (uv_handle_t *)&r->listener);
	if (r->stage == UP_RESOLVE)
		uv_cancel((uv_req_t *)&r->gai);
	if (r->up.open)
		side_close(&r->up);
	for (size_t i = 0; i < VNC_RELAY_MAX_STARTUPS; i++)
		if (r->startups[i] != NULL)
			side_close(r->startups[i]);
	if (v != NULL && v->open) {
		/* A viewer still in the handshake hears why (RFB 3.8 reason). */
		if (r->stage != UP_PASS && v->queued == 0) {
			rfb_server_result(&v->rs, 0, r->msg);
			if (v->rs.outlen > 0) {
				uv_buf_t b = uv_buf_init((char *)v->rs.out, (unsigned)v->rs.outlen);

				uv_try_write((uv_stream_t *)&v->tcp, &b, 1);
				v->rs.outlen = 0;
			}
		}
		side_close_after_flush(v);
	}
	end_http(r);
	maybe_finish(r);
}

void vnc_relay_stop(struct vnc_relay *r)
{
	relay_end(r, BMC_ECANCELED, "stopped");
}

/* A side's socket failed or reached its end. */
static void side_failed(struct side *s, int err, const char *doing)
{
	struct vnc_relay *r = s->r;

	if (s == &r->up) {
		if (err == UV_EOF)
			relay_end(r, 0, "the console server closed the connection");
		else
			relay_end(r, BMC_EIO, "%s the console server failed: %s", doing,
				  uv_strerror(err));
	} else if (s == r->viewer) {
		/* However the viewer went (closed, killed, reset), the session is over. */
		if (err == UV_EOF)
			relay_end(r, 0, "the viewer closed the connection");
		else if (err == UV_ECONNRESET || err == UV_EPIPE)
			relay_end(r, 0, "the viewer closed the connection (%s)", uv_strerror(err));
		else
			relay_end(r, BMC_EIO, "%s the viewer failed: %s", doing, uv_strerror(err));
	} else {
		/* A connection that left in its handshake holds nothing: not a failure. */
		candidate_drop(s, 0, NULL);
	}
}

/* Writing with backpressure. */

struct write_req {
	uv_write_t req;
	struct side *s;
	size_t n;
	uint8_t data[];
};

static void on_written(uv_write_t *req, int status)
{
	struct write_req *w = (struct write_req *)req;
	struct side *s = w->s;
	struct vnc_relay *r = s->r;

	s->queued -= w->n;
	free(w);
	if (r->ending || !s->open)
		return;
	if (status < 0) {
		side_failed(s, status, "writing to");
		return;
	}
	if (s->full && s->queued < VNC_RELAY_LOW_WATER) {
		s->full = 0;
		relay_update_reading(r);
	}
	if (s == &r->up && s->queued == 0)
		ws_answer_ping(r);
}

static void side_write(struct side *s, const uint8_t *p, size_t n)
{
	struct vnc_relay *r = s->r;
	struct write_req *w;
	uv_buf_t b;
	int rc;

	if (n == 0 || r->ending || !s->open)
		return;
	/* Most writes go out at once: no copy unless the socket is full. */
	if (s->queued == 0) {
		b = uv_buf_init((char *)p, (unsigned)n);
		rc = uv_try_write((uv_stream_t *)&s->tcp, &b, 1);
		if (rc > 0) {
			p += rc;
			n -= (size_t)rc;
			if (n == 0)
				return;
		}
	}
	w = xmalloc(sizeof *w + n);
	memcpy(w->data, p, n);
	w->s = s;
	w->n = n;
	b = uv_buf_init((char *)w->data, (unsigned)n);
	rc = uv_write(&w->req, (uv_stream_t *)&s->tcp, &b, 1, on_written);
	if (rc != 0) {
		free(w);
		side_failed(s, rc, "writing to");
		return;
	}
	s->queued += n;
	if (!s->full && s->queued > VNC_RELAY_HIGH_WATER) {
		s->full = 1;
		relay_update_reading(r);
	}
}

static void to_viewer(struct vnc_relay *r, const uint8_t *p, size_t n)
{
	r->to_viewer += n;
	side_write(r->viewer, p, n);
}

/* Ciphertext OpenSSL produced goes to the socket. */
static void flush_wbio(struct vnc_relay *r)
{
	uint8_t buf[16384];
	size_t n;

	for (n = tls_conn_drain(&r->tls, buf, sizeof buf); n > 0;
	     n = tls_conn_drain(&r->tls, buf, sizeof buf))
		side_write(&r->up, buf, n);
}

/* Bytes to the BMC below the WebSocket layer (TLS or plain). */
static void up_transport_write(struct vnc_relay *r, const uint8_t *p, size_t n)
{
	if (r->t.tls) {
		if (tls_conn_write(&r->tls, p, n) != 0) {
			relay_end(r, BMC_ETLS, "TLS write to %s failed", r->t.url);
			return;
		}
		flush_wbio(r);
		return;
	}
	side_write(&r->up, p, n);
}

static void ws_send(struct vnc_relay *r, int opcode, const uint8_t *p, size_t n)
{
	uint8_t hdr[WS_MAX_HEADER], mask[4];
	size_t h;
	uint8_t *frame;

	RAND_bytes(mask, sizeof mask);
	h = ws_frame_header(hdr, opcode, 1, n, mask);
	frame = xmalloc(h + n);
	memcpy(frame, hdr, h);
	if (n > 0)
		memcpy(frame + h, p, n);
	ws_apply_mask(frame + h, n, mask, 0);
	up_transport_write(r, frame, h + n);
	free(frame);
}

/* Answer the latest ping, once nothing else waits to go to the BMC. */
static void ws_answer_ping(struct vnc_relay *r)
{
	uint8_t payload[WS_MAX_CONTROL];
	size_t n;

	if (r->ending || r->t.transport != VNC_TRANSPORT_WS || r->up.queued > 0)
		return;
	if (ws_pong_take(&r->wsd, payload, &n))
		ws_send(r, WS_OP_PONG, payload, n);
}

/* Bytes of the RFB stream to the BMC, framed when it speaks WebSocket. */
static void to_server(struct vnc_relay *r, const uint8_t *p, size_t n)
{
	size_t max = r->t.max_frame_out ? r->t.max_frame_out : DEFAULT_FRAME_OUT;

	r->to_server += n;
	if (r->t.transport != VNC_TRANSPORT_WS) {
		up_transport_write(r, p, n);
		return;
	}
	/* bmcweb closes the socket on a frame over 1024 bytes: split. */
	while (n > 0 && !r->ending) {
		size_t c = n < max ? n : max;

		ws_send(r, WS_OP_BINARY, p, c);
		p += c;
		n -= c;
	}
}

/* Reading. */

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	struct side *s = handle->data;

	*buf = uv_buf_init((char *)s->rbuf, sizeof s->rbuf);
}

static void viewer_bytes(struct vnc_relay *r, const uint8_t *p, size_t n);
static void candidate_bytes(struct side *c, const uint8_t *p, size_t n);
static void up_bytes(struct vnc_relay *r, uint8_t *p, size_t n);

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct side *s = stream->data;
	struct vnc_relay *r = s->r;

	if (r->ending || !s->connected || nread == 0)
		return;
	if (nread < 0)
		side_failed(s, (int)nread, "reading from");
	else if (s == &r->up)
		up_bytes(r, (uint8_t *)buf->base, (size_t)nread);
	else if (s == r->viewer)
		viewer_bytes(r, (const uint8_t *)buf->base, (size_t)nread);
	else
		candidate_bytes(s, (const uint8_t *)buf->base, (size_t)nread);
}

static void side_set_reading(struct side *s, int want)
{
	if (want && !s->reading) {
		if (uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read) == 0)
			s->reading = 1;
	} else if (!want && s->reading) {
		uv_read_stop((uv_stream_t *)&s->tcp);
		s->reading = 0;
	}
}

/*
 * Read whatever may be read: nothing while the relay ends, the BMC and the
 * viewer only while neither queue is over high water, a candidate while
 * its own queue is not.
 */
static void relay_update_reading(struct vnc_relay *r)
{
	int throttled = r->up.full || (r->viewer != NULL && r->viewer->full);

	if (r->up.connected)
		side_set_reading(&r->up, !r->ending && !throttled);
	if (r->viewer != NULL && r->viewer->connected)
		side_set_reading(r->viewer, !r->ending && !throttled);
	for (size_t i = 0; i < VNC_RELAY_MAX_STARTUPS; i++) {
		struct side *c = r->startups[i];

		if (c != NULL && c->connected)
			side_set_reading(c, !r->ending && !c->full);
	}
}

/* The viewer side. */

static void side_flush_handshake(struct side *s)
{
	if (s->rs.outlen > 0) {
		side_write(s, s->rs.out, s->rs.outlen);
		s->rs.outlen = 0;
	}
}

/* From the viewer that authenticated. */
static void viewer_bytes(struct vnc_relay *r, const uint8_t *p, size_t n)
{
	if (r->stage == UP_PASS) {
		to_server(r, p, n);
		return;
	}
	if (r->pending.len + n > PENDING_MAX) {
		relay_end(r, BMC_EPROTO,
			  "the viewer sent more than %d bytes before the console was ready",
			  PENDING_MAX);
		return;
	}
	bytes_append(&r->pending, p, n); /* held until the BMC side is ready */
}

/*
 * Drop a candidate; failure: count it (why says what it did), and end the
 * relay at MAX_FAILURES.
 */
static void candidate_drop(struct side *c, int failure, const char *why)
{
	struct vnc_relay *r = c->r;

	if (failure)
		log_warn("%s: VNC relay on 127.0.0.1:%d: %s", hname(r), r->port, why);
	side_close_after_flush(c);
	if (failure && ++r->failures >= MAX_FAILURES)
		relay_end(r, BMC_EAUTH, "%d viewers failed to authenticate; relay closed",
			  r->failures);
}

/* The first candidate to authenticate: the viewer, and the others go. */
static void viewer_chosen(struct side *c)
{
	struct vnc_relay *r = c->r;

	startups_remove(c);
	uv_timer_stop(&c->grace);
	r->viewer = c;
	for (size_t i = 0; i < VNC_RELAY_MAX_STARTUPS; i++) {
		if (r->startups[i] != NULL) {
			log_info("%s: VNC relay on 127.0.0.1:%d: a viewer authenticated; closing "
				 "another connection still in its handshake",
				 hname(r), r->port);
			side_close(r->startups[i]);
		}
	}
	r->pending.len = 0;
	if (c->in.len > 0)
		bytes_append(&r->pending, c->in.p, c->in.len);
	bytes_free(&c->in);
	log_info("%s: viewer authenticated on 127.0.0.1:%d; connecting to %s", hname(r), r->port,
		 r->t.url);
	up_start(r);
}

static void candidate_bytes(struct side *c, const uint8_t *p, size_t n)
{
	ssize_t used;

	if (c->in.len + n > PENDING_MAX) {
		candidate_drop(c, 1, "a viewer sent too much before authenticating");
		return;
	}
	bytes_append(&c->in, p, n);
	used = rfb_server_feed(&c->rs, c->in.p, c->in.len);
	side_flush_handshake(c);
	if (used < 0) {
		candidate_drop(c, 1, c->rs.error);
		return;
	}
	bytes_consume(&c->in, (size_t)used);
	if (c->rs.state == RFB_S_AUTHED)
		viewer_chosen(c);
}

static void on_grace_over(uv_timer_t *t)
{
	struct side *c = t->data;
	char why[128];

	if (c->r->ending || c == c->r->viewer)
		return;
	snprintf(why, sizeof why, "a viewer sent no valid authentication within %d s; dropped",
		 VNC_RELAY_GRACE_MS / 1000);
	candidate_drop(c, 1, why);
}

static void free_handle(uv_handle_t *handle)
{
	free(handle);
}

static void refuse_connection(struct vnc_relay *r, uv_stream_t *server, const char *why)
{
	uv_tcp_t *extra = xcalloc(1, sizeof *extra);

	uv_tcp_init(r->loop, extra);
	if (uv_accept(server, (uv_stream_t *)extra) == 0)
		log_warn("%s: VNC relay on 127.0.0.1:%d %s; refused another", hname(r), r->port,
			 why);
	uv_close((uv_handle_t *)extra, free_handle);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct vnc_relay *r = server->data;
	uint8_t challenge[RFB_CHALLENGE_LEN];
	struct side *c;
	size_t slot = VNC_RELAY_MAX_STARTUPS;

	if (status < 0 || r->ending)
		return;
	if (r->viewer != NULL) {
		refuse_connection(r, server, "already has a viewer");
		return;
	}
	for (size_t i = 0; i < VNC_RELAY_MAX_STARTUPS && slot == VNC_RELAY_MAX_STARTUPS; i++)
		if (r->startups[i] == NULL)
			slot = i;
	if (slot == VNC_RELAY_MAX_STARTUPS) {
		refuse_connection(r, server, "has the most connections it takes in the handshake");
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->r = r;
	uv_tcp_init(r->loop, &c->tcp);
	c->tcp.data = c;
	uv_timer_init(r->loop, &c->grace);
	c->grace.data = c;
	c->handles = 2;
	c->open = 1;
	r->pending_handles += 2;
	r->startups[slot] = c;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
		side_close(c);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	RAND_bytes(challenge, sizeof challenge);
	if (rfb_server_init(&c->rs, r->otp, strlen(r->otp), challenge) != 0) {
		relay_end(r, BMC_EIO, "DES is not available from OpenSSL");
		return;
	}
	c->connected = 1;
	side_flush_handshake(c);
	uv_timer_start(&c->grace, on_grace_over, VNC_RELAY_GRACE_MS, 0);
	relay_update_reading(r);
}

/* The BMC side: the RFB handshake and the stream. */

static void from_server_stream(struct vnc_relay *r, const uint8_t *p, size_t n)
{
	ssize_t used;

	if (r->stage == UP_PASS) {
		to_viewer(r, p, n);
		return;
	}
	if (r->hs.len + n > HANDSHAKE_MAX) {
		relay_end(r, BMC_EPROTO, "the console server at %s sent an over-long handshake",
			  r->t.url);
		return;
	}
	bytes_append(&r->hs, p, n);
	used = rfb_client_feed(&r->rc, r->hs.p, r->hs.len);
	if (r->rc.outlen > 0) {
		to_server(r, r->rc.out, r->rc.outlen);
		r->to_server -= r->rc.outlen; /* counted as handshake, not stream */
		r->rc.outlen = 0;
	}
	if (used < 0) {
		relay_end(r, r->rc.auth_failed ? BMC_EAUTH : BMC_EPROTO, "%s: %s", r->t.url,
			  r->rc.error);
		return;
	}
	bytes_consume(&r->hs, (size_t)used);
	if (r->rc.state != RFB_C_DONE)
		return;
	rfb_client_wipe(&r->rc);
	uv_timer_stop(&r->timer);
	r->stage = UP_PASS;
	log_info("%s: VNC relay on 127.0.0.1:%d connected to %s (RFB 3.%d, security %s)", hname(r),
		 r->port, r->t.url, r->rc.minor,
		 r->rc.sectype == RFB_SEC_VNC ? "VNC authentication" : "none");
	rfb_server_result(&r->viewer->rs, 1, NULL);
	side_flush_handshake(r->viewer);
	if (r->hs.len > 0)
		to_viewer(r, r->hs.p, r->hs.len);
	r->hs.len = 0;
	if (r->pending.len > 0)
		to_server(r, r->pending.p, r->pending.len);
	r->pending.len = 0;
}

static void ws_frames(struct vnc_relay *r, uint8_t *p, size_t n)
{
	while (n > 0 && !r->ending) {
		struct ws_event ev;
		ssize_t used = ws_decode(&r->wsd, p, n, &ev);
		uint8_t close[WS_MAX_CONTROL];

		if (used < 0) {
			size_t cl = ws_close_payload(close, WS_CLOSE_PROTOCOL, r->wsd.error);

			ws_send(r, WS_OP_CLOSE, close, cl);
			relay_end(r, BMC_EPROTO,
				  "malformed WebSocket frame from %s: %s; relay closed", r->t.url,
				  r->wsd.error);
			return;
		}
		switch (ev.type) {
		case WS_EV_DATA:
			if (ev.text) {
				relay_end(r, BMC_EPROTO,
					  "%s sends text WebSocket frames (base64?); only binary "
					  "frames carry RFB",
					  r->t.url);
				return;
			}
			from_server_stream(r, ev.data, ev.len);
			break;
		case WS_EV_PING: /* answered below, the latest only */
			break;
		case WS_EV_CLOSE: {
			char reason[WS_MAX_CONTROL];
			size_t rl = ev.len > 2 ? ev.len - 2 : 0;

			memcpy(reason, ev.data + (ev.len > 2 ? 2 : 0), rl);
			reason[rl] = '\0';
			ws_send(r, WS_OP_CLOSE, ev.data, ev.len >= 2 ? 2 : 0);
			relay_end(
			    r,
			    ev.close_code == WS_CLOSE_NORMAL || ev.close_code == 0 ? 0 : BMC_EPROTO,
			    "%s closed the WebSocket (code %u%s%s)", r->t.url, ev.close_code,
			    rl ? ": " : "", reason);
			return;
		}
		default:
			break;
		}
		p += used;
		n -= (size_t)used;
	}
	ws_answer_ping(r);
}

static void start_rfb(struct vnc_relay *r)
{
	const struct secret *pw = NULL;
	char *err = NULL;

	if (r->h->cfg->vnc_password.kind != SECRET_NONE) {
		pw = cred_cache_get(r->h->engine->creds, &r->h->cfg->vnc_password, &err);
		if (pw == NULL) {
			relay_end(r, BMC_ECONFIG, "%s", err);
			free(err);
			return;
		}
	}
	rfb_client_init(&r->rc, pw ? pw->data : NULL, pw ? pw->len : 0);
	r->stage = UP_RFB;
}

static void send_upgrade(struct vnc_relay *r)
{
	uint8_t nonce[16];
	char *extra = NULL, *req;
	const char *authority = r->t.origin + strlen("https://");

	RAND_bytes(nonce, sizeof nonce);
	ws_key_from_bytes(nonce, r->ws_key, sizeof r->ws_key);
	if (r->rfs.token[0] != '\0')
		extra = xasprintf("X-Auth-Token: %s\r\n", r->rfs.token);
	req = ws_upgrade_request(authority, r->t.path, r->ws_key, "binary", extra);
	r->stage = UP_UPGRADE;
	up_transport_write(r, (const uint8_t *)req, strlen(req));
	secure_zero(req, strlen(req));
	free(req);
	if (extra != NULL) {
		secure_zero(extra, strlen(extra));
		free(extra);
	}
}

static void upgrade_bytes(struct vnc_relay *r, uint8_t *p, size_t n)
{
	struct ws_upgrade_result res;
	size_t head, rest;
	int rc;

	bytes_append(&r->hs, p, n);
	rc = ws_upgrade_check((const char *)r->hs.p, r->hs.len, r->ws_key, "binary", &res);
	if (rc == 0)
		return;
	if (rc < 0) {
		relay_end(r, res.status == 401 || res.status == 403 ? BMC_EAUTH : BMC_EPROTO,
			  "%s: %s", r->t.url, res.why);
		return;
	}
	head = res.head_len;
	rest = r->hs.len - head;
	ws_decoder_init(&r->wsd, MAX_FRAME_IN, 0);
	start_rfb(r);
	if (r->ending)
		return;
	if (rest > 0) {
		uint8_t *tail = xmalloc(rest);

		memcpy(tail, r->hs.p + head, rest);
		r->hs.len = 0;
		ws_frames(r, tail, rest);
		free(tail);
	} else {
		r->hs.len = 0;
	}
}

/* Plaintext from the BMC (after TLS, before WebSocket). */
static void from_transport(struct vnc_relay *r, uint8_t *p, size_t n)
{
	if (r->stage == UP_UPGRADE)
		upgrade_bytes(r, p, n);
	else if (r->t.transport == VNC_TRANSPORT_WS)
		ws_frames(r, p, n);
	else
		from_server_stream(r, p, n);
}

/* The TLS handshake is done: is this the BMC we mean? */
static int tls_trusted(struct vnc_relay *r)
{
	char pin[TLS_PIN_MAX], *why = NULL;
	int rc;

	if (tls_conn_peer_pin(&r->tls, pin, sizeof pin) != 0) {
		relay_end(r, BMC_ETLS, "%s: no usable TLS certificate", r->t.url);
		return 0;
	}
	rc = trust_policy_check(r->h->cfg, r->t.origin, r->t.url, pin,
				tls_conn_verified(&r->tls), &why);
	if (rc != 0) {
		relay_end(r, rc, "%s", why);
		free(why);
		return 0;
	}
	return 1;
}

static void tls_error(struct vnc_relay *r, const char *what)
{
	char buf[256];

	tls_conn_error(buf, sizeof buf);
	relay_end(r, BMC_ETLS, "%s: TLS %s failed: %s", r->t.url, what, buf);
}

static void tls_bytes(struct vnc_relay *r, const uint8_t *p, size_t n)
{
	ssize_t got;
	int rc;

	tls_conn_feed(&r->tls, p, n);
	if (!r->tls.done) {
		rc = tls_conn_handshake(&r->tls);
		flush_wbio(r);
		if (rc != 1) {
			if (rc < 0)
				tls_error(r, "handshake");
			return;
		}
		if (!tls_trusted(r))
			return;
		send_upgrade(r);
	}
	while (!r->ending) {
		got = tls_conn_read(&r->tls, r->plain, sizeof r->plain);
		if (got > 0) {
			from_transport(r, r->plain, (size_t)got);
			continue;
		}
		if (got == TLS_CONN_CLOSED)
			relay_end(r, 0, "the console server closed the connection");
		else if (got < 0)
			tls_error(r, "read");
		break;
	}
	if (!r->ending)
		flush_wbio(r);
}

static void up_bytes(struct vnc_relay *r, uint8_t *p, size_t n)
{
	if (r->t.tls)
		tls_bytes(r, p, n);
	else
		from_transport(r, p, n);
}

static void on_up_connected(uv_connect_t *req, int status)
{
	struct vnc_relay *r = req->data;

	free(req);
	if (r->ending)
		return;
	if (status < 0) {
		relay_end(r, BMC_ETIMEDOUT, "cannot connect to %s: %s", r->t.url,
			  uv_strerror(status));
		return;
	}
	uv_tcp_nodelay(&r->up.tcp, 1);
	r->up.connected = 1;
	relay_update_reading(r);
	if (r->t.tls) {
		const struct host_config *hc = r->h->cfg;

		r->stage = UP_TLS;
		if (tls_conn_init(&r->tls, r->t.host, hc->tls == TLS_VERIFY, hc->ca_file) != 0) {
			tls_error(r, "setup");
			return;
		}
		if (tls_conn_handshake(&r->tls) < 0) {
			tls_error(r, "handshake");
			return;
		}
		flush_wbio(r);
	} else if (r->t.transport == VNC_TRANSPORT_WS) {
		send_upgrade(r);
	} else {
		start_rfb(r);
	}
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct vnc_relay *r = req->data;
	uv_connect_t *c;
	int rc;

	r->pending_handles--;
	if (r->ending) {
		uv_freeaddrinfo(res);
		maybe_finish(r);
		return;
	}
	if (status < 0 || res == NULL) {
		uv_freeaddrinfo(res);
		relay_end(r, BMC_ETIMEDOUT, "cannot resolve %s: %s", r->t.host,
			  uv_strerror(status));
		return;
	}
	uv_tcp_init(r->loop, &r->up.tcp);
	r->up.tcp.data = &r->up;
	r->up.open = 1;
	r->up.handles = 1;
	r->pending_handles++;
	c = xcalloc(1, sizeof *c);
	c->data = r;
	r->stage = UP_CONNECT;
	rc = uv_tcp_connect(c, &r->up.tcp, res->ai_addr, on_up_connected);
	uv_freeaddrinfo(res);
	if (rc != 0) {
		free(c);
		relay_end(r, BMC_ETIMEDOUT, "cannot connect to %s: %s", r->t.url, uv_strerror(rc));
	}
}

static void up_connect(struct vnc_relay *r)
{
	struct addrinfo hints;
	char port[16];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%d", r->t.port);
	r->gai.data = r;
	r->stage = UP_RESOLVE;
	rc = uv_getaddrinfo(r->loop, &r->gai, on_resolved, r->t.host, port, &hints);
	if (rc != 0) {
		relay_end(r, BMC_ETIMEDOUT, "cannot resolve %s: %s", r->t.host, uv_strerror(rc));
		return;
	}
	r->pending_handles++;
}

/* The Redfish session for targets that want a token (OpenBMC's /kvm/0). */

static void on_login(struct rf_response *rsp, void *arg)
{
	struct vnc_relay *r = arg;
	const char *user = r->h->cfg->user ? r->h->cfg->user : "";
	enum rf_login_result res = rf_session_login_done(&r->rfs, rsp);

	r->rf_busy = 0;
	if (r->ending) {
		/* Ended while the login was on its way: a session it made is
		 * deleted now, and the HTTP client released. */
		end_http(r);
		return;
	}
	if (rsp->error != 0) {
		relay_end(r, rsp->error, "Redfish login at %s for the console: %s", r->rfs.base,
			  rsp->message);
		return;
	}
	if (res == RF_LOGIN_REFUSED) {
		relay_end(r, BMC_EAUTH,
			  "wrong password for user \"%s\" (the Redfish service refused the "
			  "console's login); not retrying",
			  user);
		return;
	}
	if (res != RF_LOGIN_OK) {
		relay_end(r, BMC_EPROTO, "Redfish login at %s for the console failed (HTTP %ld)",
			  r->rfs.base, rsp->status);
		return;
	}
	log_info("%s: Redfish session opened for the console", hname(r));
	up_connect(r);
}

static void on_root(struct rf_response *rsp, void *arg)
{
	struct vnc_relay *r = arg;
	const struct host_config *hc = r->h->cfg;
	const struct secret *pw;
	struct rf_root root;
	struct rf_request_opts o;
	char url[RF_LINK_MAX], *err = NULL, *body;
	size_t len;
	json_t *j;

	r->rf_busy = 0;
	if (r->ending) {
		end_http(r);
		return;
	}
	if (rsp->error != 0) {
		relay_end(r, rsp->error, "Redfish service root at %s: %s", r->rfs.base,
			  rsp->message);
		return;
	}
	if (r->rf_want_pin && rf_session_trust_learn(&r->rfs, rsp->pin, &err) != 0) {
		relay_end(r, BMC_ETLS, "%s", err);
		free(err);
		return;
	}
	j = rsp->status == 200 ? redfish_json_load_kind(rsp->body, rsp->len, RF_BODY_RESOURCE, &err)
				: NULL;
	if (j == NULL) {
		relay_end(r, BMC_EPROTO, "no Redfish service root at %s (HTTP %ld%s%s)", r->rfs.base,
			  rsp->status, err ? ": " : "", err ? err : "");
		free(err);
		return;
	}
	memset(&root, 0, sizeof root);
	rf_parse_root(j, &root);
	json_decref(j);
	/* No sessions at all: the backend would use Basic auth, which gives
	 * no token for the console. */
	if ((root.sessions[0] == '\0' && root.session_service[0] == '\0') ||
	    rf_session_login_url(&r->rfs, &root, url, sizeof url) != 0) {
		relay_end(r, BMC_EPROTO,
			  "the Redfish service at %s offers no sessions to log in with",
			  r->rfs.base);
		return;
	}
	pw = engine_host_password(r->h, &err);
	if (pw == NULL) {
		relay_end(r, BMC_ECONFIG, "%s", err);
		free(err);
		return;
	}
	body = rf_login_body(hc->user ? hc->user : "", pw->data, pw->len, &len);
	rf_session_opts(&r->rfs, &o, "POST", url, RF_BODY_RESOURCE);
	o.secret_body = body; /* taken: sent without a copy, wiped and freed at the end */
	o.secret_len = len;
	if (rf_http_request(r->rfs.http, &o, on_login, r) != 0)
		relay_end(r, BMC_EIO, "cannot start the Redfish login");
	else
		r->rf_busy = 1;
}

static void login_start(struct vnc_relay *r)
{
	struct rf_request_opts o;
	char *url, *err = NULL;

	r->stage = UP_LOGIN;
	r->rfs.http = rf_http_get(r->loop);
	r->pending_handles++; /* released in end_http */
	if (rf_session_trust_begin(&r->rfs, &r->rf_want_pin, &err) != 0) {
		relay_end(r, BMC_ETLS, "%s", err);
		free(err);
		return;
	}
	url = xasprintf("%s/redfish/v1/", r->rfs.base);
	rf_session_opts(&r->rfs, &o, "GET", url, RF_BODY_RESOURCE);
	o.want_pin = r->rf_want_pin;
	if (rf_http_request(r->rfs.http, &o, on_root, r) != 0)
		relay_end(r, BMC_EIO, "cannot start a Redfish request to %s", url);
	else
		r->rf_busy = 1;
	free(url);
}

static void on_timeout(uv_timer_t *t)
{
	struct vnc_relay *r = t->data;

	if (!r->ending)
		relay_end(r, BMC_ETIMEDOUT, "no console session from %s in time", r->t.url);
}

static void up_start(struct vnc_relay *r)
{
	uint64_t ms = r->h->cfg->timeout_ms * 10;

	if (ms < 20000)
		ms = 20000;
	uv_timer_start(&r->timer, on_timeout, ms, 0);
	if (r->t.redfish_session)
		login_start(r);
	else
		up_connect(r);
}

/* Starting. */

static void make_otp(char out[RFB_PASSWORD_LEN + 1])
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	size_t i = 0;
	uint8_t b;

	while (i < RFB_PASSWORD_LEN) {
		if (RAND_bytes(&b, 1) != 1)
			fatal("no random bytes from OpenSSL");
		if (b < 248) /* 248 = 4 * 62: no bias */
			out[i++] = alphabet[b % 62];
	}
	out[i] = '\0';
}

static int write_password_file(struct vnc_relay *r, char **err)
{
	uint8_t enc[8];
	char name[128];
	size_t i;
	int fd, tries;

	snprintf(name, sizeof name, "vnc-%s-%d.passwd", hname(r), r->port);
	for (i = 4; name[i] != '\0'; i++)
		if (name[i] == '/' || name[i] == ' ')
			name[i] = '_';
	r->passwd_path = paths_state_file(name);
	if (rfb_vncpasswd_encode(r->otp, strlen(r->otp), enc) != 0) {
		*err = xstrdup("DES is not available from OpenSSL");
		return BMC_EIO;
	}
	for (tries = 0; tries < 2; tries++) {
		fd = open(r->passwd_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  0600);
		if (fd >= 0 || errno != EEXIST)
			break;
		unlink(r->passwd_path); /* left by a relay that did not end cleanly */
	}
	if (fd < 0 || write(fd, enc, sizeof enc) != (ssize_t)sizeof enc) {
		*err = xasprintf("cannot write the one-time password file %s: %s", r->passwd_path,
				 strerror(errno));
		if (fd >= 0)
			close(fd);
		return BMC_EIO;
	}
	close(fd);
	secure_zero(enc, sizeof enc);
	return 0;
}

int vnc_relay_start_target(struct vnc_relay **out, struct bmc_host *h, struct vnc_target *t,
			   vnc_relay_end_cb cb, void *arg, char **err)
{
	struct vnc_relay *r;
	struct sockaddr_in sa;
	struct sockaddr_storage bound;
	int len = sizeof bound, rc;

	*err = NULL;
	if (t->redfish_session) {
		/* The Redfish backend's TLS rule, checked before a viewer can
		 * set the login going. */
		struct rf_session rfs;

		rc = rf_session_init(&rfs, h->cfg, err);
		if (rc != 0)
			return rc;
		r = xcalloc(1, sizeof *r);
		r->rfs = rfs;
	} else {
		r = xcalloc(1, sizeof *r);
	}
	r->loop = h->engine->loop;
	r->h = h;
	r->t = *t;
	memset(t, 0, sizeof *t);
	r->cb = cb;
	r->arg = arg;
	r->up.r = r;
	uv_tcp_init(r->loop, &r->listener);
	r->listener.data = r;
	uv_timer_init(r->loop, &r->timer);
	r->timer.data = r;
	r->pending_handles = 2;
	/* Loopback only, whatever the host's address family: the relay is for
	 * this machine's viewers (and ssh -L). */
	uv_ip4_addr("127.0.0.1", 0, &sa);
	rc = uv_tcp_bind(&r->listener, (const struct sockaddr *)&sa, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&r->listener, 4, on_connection);
	if (rc == 0)
		rc = uv_tcp_getsockname(&r->listener, (struct sockaddr *)&bound, &len);
	if (rc != 0) {
		*err = xasprintf("cannot listen on 127.0.0.1: %s", uv_strerror(rc));
		rc = BMC_EIO;
		goto fail;
	}
	r->port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
	make_otp(r->otp);
	rc = write_password_file(r, err);
	if (rc != 0)
		goto fail;
	log_info("%s: VNC relay listening on 127.0.0.1:%d for %s%s", hname(r), r->port, r->t.url,
		 vnc_relay_untested(r) ? " (untested profile)" : "");
	*out = r;
	return 0;
fail:
	/* Nothing has run yet: close quietly; the callback is not called. */
	r->cb = NULL;
	r->ending = 1;
	if (r->passwd_path != NULL)
		unlink(r->passwd_path);
	uv_close((uv_handle_t *)&r->listener, on_relay_handle_closed);
	uv_close((uv_handle_t *)&r->timer, on_relay_handle_closed);
	return rc;
}

static void no_callback(struct vnc_relay *r, int status, const char *msg, void *arg)
{
}

int vnc_relay_start(struct vnc_relay **out, struct bmc_host *h, vnc_relay_end_cb cb, void *arg,
		    char **err)
{
	struct vnc_target t;
	int rc = vnc_target_resolve(h, &t, err);

	if (rc != 0)
		return rc;
	rc = vnc_relay_start_target(out, h, &t, cb ? cb : no_callback, arg, err);
	vnc_target_free(&t);
	return rc;
}

int vnc_relay_port(const struct vnc_relay *r)
{
	return r->port;
}

const char *vnc_relay_password_file(const struct vnc_relay *r)
{
	return r->passwd_path;
}

const char *vnc_relay_target(const struct vnc_relay *r)
{
	return r->t.url;
}

int vnc_relay_untested(const struct vnc_relay *r)
{
	return r->t.profile != NULL && r->t.status != VNC_TESTED;
}

struct bmc_host *vnc_relay_host(const struct vnc_relay *r)
{
	return r->h;
}

void vnc_relay_counters(const struct vnc_relay *r, uint64_t *to_viewer, uint64_t *to_server)
{
	*to_viewer = r->to_viewer;
	*to_server = r->to_server;
}
