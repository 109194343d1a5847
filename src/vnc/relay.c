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
 * This file is the relay's frame: the local listener, the candidates and
 * the viewer, writing and reading with backpressure, and ending.  The BMC
 * side is relay-up.c (TCP, TLS through tls/conn.c, WebSocket, the RFB
 * handshake), and the Redfish session some targets need relay-login.c.
 *
 * Backpressure: each side's writes go through an outq (core/outq.c), which
 * counts the bytes not yet written and says when they cross the water
 * marks.  Reading from either side can make bytes for either (the BMC's
 * pings are answered toward the BMC, TLS answers itself), so once either
 * queue is above VNC_RELAY_HIGH_WATER neither side is read, until both have
 * drained below VNC_RELAY_LOW_WATER.  Pongs are not queued at all beyond
 * one: the decoder keeps the latest ping's payload and the answer goes out
 * when nothing else is waiting to be written to the BMC (the outq drained).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/outq.h"
#include "core/paths.h"
#include "core/xalloc.h"
#include "redfish/session.h"
#include "vnc/relay-int.h"

static void candidate_drop(struct side *c, int failure, const char *why);

void relay_bytes_append(struct bytes *b, const uint8_t *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void relay_bytes_consume(struct bytes *b, size_t n)
{
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
}

void relay_bytes_free(struct bytes *b)
{
	if (b->p != NULL)
		secure_zero(b->p, b->cap);
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Closing and ending. */

void relay_maybe_finish(struct vnc_relay *r)
{
	if (!r->ending || r->pending_handles > 0)
		return;
	tls_conn_free(&r->tls);
	if (r->cb != NULL)
		r->cb(r, r->status, r->msg, r->arg);
	rfb_client_wipe(&r->rc);
	secure_zero(r->otp, sizeof r->otp);
	rf_session_free(&r->rfs);
	relay_bytes_free(&r->pending);
	relay_bytes_free(&r->hs);
	vnc_target_free(&r->t);
	free(r->passwd_path);
	free(r->msg);
	free(r);
}

static void on_relay_handle_closed(uv_handle_t *handle)
{
	struct vnc_relay *r = handle->data;

	r->pending_handles--;
	relay_maybe_finish(r);
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
		relay_bytes_free(&s->in);
		secure_zero(&s->rs, sizeof s->rs);
		free(s);
	}
	relay_maybe_finish(r);
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
	outq_close(&s->out);
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

	if (!s->open || !s->connected || outq_queued(&s->out) > 0) {
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

void relay_end(struct vnc_relay *r, int status, const char *fmt, ...)
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
		log_info("%s: VNC relay on 127.0.0.1:%d ended: %s", relay_host_name(r), r->port,
			 r->msg);
	else
		log_warn("%s: VNC relay on 127.0.0.1:%d ended: %s", relay_host_name(r), r->port,
			 r->msg);
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
		if (r->stage != UP_PASS && outq_queued(&v->out) == 0) {
			rfb_server_result(&v->rs, 0, r->msg);
			if (v->rs.outlen > 0) {
				uv_buf_t b = uv_buf_init((char *)v->rs.out, (unsigned)v->rs.outlen);

				uv_try_write((uv_stream_t *)&v->tcp, &b, 1);
				v->rs.outlen = 0;
			}
		}
		side_close_after_flush(v);
	}
	relay_login_end(r);
	relay_maybe_finish(r);
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

static void on_out_flow(struct outq *q, int full)
{
	struct side *s = q->data;
	struct vnc_relay *r = s->r;

	if (r->ending || !s->open)
		return;
	relay_update_reading(r);
}

static void on_out_drained(struct outq *q)
{
	struct side *s = q->data;
	struct vnc_relay *r = s->r;

	if (r->ending || !s->open)
		return;
	if (s == &r->up)
		relay_up_answer_ping(r);
}

static void on_out_failed(struct outq *q, int status)
{
	struct side *s = q->data;
	struct vnc_relay *r = s->r;

	if (r->ending || !s->open)
		return;
	side_failed(s, status, "writing to");
}

static const struct outq_ops side_out_ops = {
    .flow = on_out_flow,
    .drained = on_out_drained,
    .failed = on_out_failed,
};

void relay_side_init(struct side *s)
{
	struct vnc_relay *r = s->r;

	uv_tcp_init(r->loop, &s->tcp);
	s->tcp.data = s;
	outq_init(&s->out, (uv_stream_t *)&s->tcp, &side_out_ops, VNC_RELAY_LOW_WATER,
		  VNC_RELAY_HIGH_WATER, OUT_LIMIT, s);
	s->open = 1;
	s->handles++;
	r->pending_handles++;
}

/* The outq sends at once what the socket takes and copies only the rest. */
void relay_side_write(struct side *s, const uint8_t *p, size_t n)
{
	struct vnc_relay *r = s->r;
	int rc;

	if (n == 0 || r->ending || !s->open)
		return;
	rc = outq_write(&s->out, p, n);
	if (rc != 0)
		side_failed(s, rc, "writing to");
}

void relay_to_viewer(struct vnc_relay *r, const uint8_t *p, size_t n)
{
	r->to_viewer += n;
	relay_side_write(r->viewer, p, n);
}

/* Reading. */

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	struct side *s = handle->data;

	*buf = uv_buf_init((char *)s->rbuf, sizeof s->rbuf);
}

static void viewer_bytes(struct vnc_relay *r, const uint8_t *p, size_t n);
static void candidate_bytes(struct side *c, const uint8_t *p, size_t n);

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct side *s = stream->data;
	struct vnc_relay *r = s->r;

	if (r->ending || !s->connected || nread == 0)
		return;
	if (nread < 0)
		side_failed(s, (int)nread, "reading from");
	else if (s == &r->up)
		relay_up_bytes(r, (uint8_t *)buf->base, (size_t)nread);
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
void relay_update_reading(struct vnc_relay *r)
{
	int throttled = outq_full(&r->up.out) || (r->viewer != NULL && outq_full(&r->viewer->out));

	if (r->up.connected)
		side_set_reading(&r->up, !r->ending && !throttled);
	if (r->viewer != NULL && r->viewer->connected)
		side_set_reading(r->viewer, !r->ending && !throttled);
	for (size_t i = 0; i < VNC_RELAY_MAX_STARTUPS; i++) {
		struct side *c = r->startups[i];

		if (c != NULL && c->connected)
			side_set_reading(c, !r->ending && !outq_full(&c->out));
	}
}

/* The viewer side. */

void relay_side_flush_handshake(struct side *s)
{
	if (s->rs.outlen > 0) {
		relay_side_write(s, s->rs.out, s->rs.outlen);
		s->rs.outlen = 0;
	}
}

/* From the viewer that authenticated. */
static void viewer_bytes(struct vnc_relay *r, const uint8_t *p, size_t n)
{
	if (r->stage == UP_PASS) {
		relay_up_write(r, p, n);
		return;
	}
	if (r->pending.len + n > PENDING_MAX) {
		relay_end(r, BMC_EPROTO,
			  "the viewer sent more than %d bytes before the console was ready",
			  PENDING_MAX);
		return;
	}
	relay_bytes_append(&r->pending, p, n); /* held until the BMC side is ready */
}

/*
 * Drop a candidate; failure: count it (why says what it did), and end the
 * relay at MAX_FAILURES.
 */
static void candidate_drop(struct side *c, int failure, const char *why)
{
	struct vnc_relay *r = c->r;

	if (failure)
		log_warn("%s: VNC relay on 127.0.0.1:%d: %s", relay_host_name(r), r->port, why);
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
				 relay_host_name(r), r->port);
			side_close(r->startups[i]);
		}
	}
	r->pending.len = 0;
	if (c->in.len > 0)
		relay_bytes_append(&r->pending, c->in.p, c->in.len);
	relay_bytes_free(&c->in);
	log_info("%s: viewer authenticated on 127.0.0.1:%d; connecting to %s", relay_host_name(r),
		 r->port, r->t.url);
	relay_up_start(r);
}

static void candidate_bytes(struct side *c, const uint8_t *p, size_t n)
{
	ssize_t used;

	if (c->in.len + n > PENDING_MAX) {
		candidate_drop(c, 1, "a viewer sent too much before authenticating");
		return;
	}
	relay_bytes_append(&c->in, p, n);
	used = rfb_server_feed(&c->rs, c->in.p, c->in.len);
	relay_side_flush_handshake(c);
	if (used < 0) {
		candidate_drop(c, 1, c->rs.error);
		return;
	}
	relay_bytes_consume(&c->in, (size_t)used);
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
		log_warn("%s: VNC relay on 127.0.0.1:%d %s; refused another", relay_host_name(r),
			 r->port, why);
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
	relay_side_init(c);
	uv_timer_init(r->loop, &c->grace);
	c->grace.data = c;
	c->handles++;
	r->pending_handles++;
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
	relay_side_flush_handshake(c);
	uv_timer_start(&c->grace, on_grace_over, VNC_RELAY_GRACE_MS, 0);
	relay_update_reading(r);
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

	snprintf(name, sizeof name, "vnc-%s-%d.passwd", relay_host_name(r), r->port);
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
	log_info("%s: VNC relay listening on 127.0.0.1:%d for %s%s", relay_host_name(r), r->port,
		 r->t.url, vnc_relay_untested(r) ? " (untested profile)" : "");
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
