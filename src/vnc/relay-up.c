/*
 * vnc/relay-up.c - the relay's BMC side: resolve and connect, TLS over
 * memory BIOs (tls/conn.c) with the fleet's trust policy, the WebSocket
 * upgrade and framing, and the RFB handshake as a client (vnc/rfb.c).
 *
 * Bytes from the BMC climb the layers (TLS, then WebSocket frames, then the
 * RFB stream); bytes to it go down them.  Until the RFB handshake is done
 * they are the relay's own; then they are the viewer's, passed through.
 * bmcweb closes the socket on a frame over 1024 bytes, so the stream to
 * the BMC is split into frames of the profile's size.
 */
#include "config.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/outq.h"
#include "core/xalloc.h"
#include "tls/conn.h"
#include "tls/pin.h"
#include "tls/trust.h"
#include "vnc/relay-int.h"

static void from_server_stream(struct vnc_relay *r, const uint8_t *p, size_t n);
static void send_upgrade(struct vnc_relay *r);
static void start_rfb(struct vnc_relay *r);
static void from_transport(struct vnc_relay *r, uint8_t *p, size_t n);

/* Ciphertext OpenSSL produced goes to the socket. */
static void flush_wbio(struct vnc_relay *r)
{
	uint8_t buf[16384];
	size_t n;

	for (n = tls_conn_drain(&r->tls, buf, sizeof buf); n > 0;
	     n = tls_conn_drain(&r->tls, buf, sizeof buf))
		relay_side_write(&r->up, buf, n);
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
	relay_side_write(&r->up, p, n);
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
void relay_up_answer_ping(struct vnc_relay *r)
{
	uint8_t payload[WS_MAX_CONTROL];
	size_t n;

	if (r->ending || r->t.transport != VNC_TRANSPORT_WS || outq_queued(&r->up.out) > 0)
		return;
	if (ws_pong_take(&r->wsd, payload, &n))
		ws_send(r, WS_OP_PONG, payload, n);
}

/* Bytes of the RFB stream to the BMC, framed when it speaks WebSocket. */
void relay_up_write(struct vnc_relay *r, const uint8_t *p, size_t n)
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

/* The BMC side: the RFB handshake and the stream. */

static void from_server_stream(struct vnc_relay *r, const uint8_t *p, size_t n)
{
	ssize_t used;

	if (r->stage == UP_PASS) {
		relay_to_viewer(r, p, n);
		return;
	}
	if (r->hs.len + n > HANDSHAKE_MAX) {
		relay_end(r, BMC_EPROTO, "the console server at %s sent an over-long handshake",
			  r->t.url);
		return;
	}
	relay_bytes_append(&r->hs, p, n);
	used = rfb_client_feed(&r->rc, r->hs.p, r->hs.len);
	if (r->rc.outlen > 0) {
		relay_up_write(r, r->rc.out, r->rc.outlen);
		r->to_server -= r->rc.outlen; /* counted as handshake, not stream */
		r->rc.outlen = 0;
	}
	if (used < 0) {
		relay_end(r, r->rc.auth_failed ? BMC_EAUTH : BMC_EPROTO, "%s: %s", r->t.url,
			  r->rc.error);
		return;
	}
	relay_bytes_consume(&r->hs, (size_t)used);
	if (r->rc.state != RFB_C_DONE)
		return;
	rfb_client_wipe(&r->rc);
	uv_timer_stop(&r->timer);
	r->stage = UP_PASS;
	log_info("%s: VNC relay on 127.0.0.1:%d connected to %s (RFB 3.%d, security %s)",
		 relay_host_name(r), r->port, r->t.url, r->rc.minor,
		 r->rc.sectype == RFB_SEC_VNC ? "VNC authentication" : "none");
	rfb_server_result(&r->viewer->rs, 1, NULL);
	relay_side_flush_handshake(r->viewer);
	if (r->hs.len > 0)
		relay_to_viewer(r, r->hs.p, r->hs.len);
	r->hs.len = 0;
	if (r->pending.len > 0)
		relay_up_write(r, r->pending.p, r->pending.len);
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
	relay_up_answer_ping(r);
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

	relay_bytes_append(&r->hs, p, n);
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
	rc = trust_policy_check(r->h->cfg, r->t.origin, r->t.url, pin, tls_conn_verified(&r->tls),
				&why);
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

void relay_up_bytes(struct vnc_relay *r, uint8_t *p, size_t n)
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
		relay_maybe_finish(r);
		return;
	}
	if (status < 0 || res == NULL) {
		uv_freeaddrinfo(res);
		relay_end(r, BMC_ETIMEDOUT, "cannot resolve %s: %s", r->t.host,
			  uv_strerror(status));
		return;
	}
	relay_side_init(&r->up);
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

void relay_up_connect(struct vnc_relay *r)
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

static void on_timeout(uv_timer_t *t)
{
	struct vnc_relay *r = t->data;

	if (!r->ending)
		relay_end(r, BMC_ETIMEDOUT, "no console session from %s in time", r->t.url);
}

void relay_up_start(struct vnc_relay *r)
{
	uint64_t ms = r->h->cfg->timeout_ms * 10;

	if (ms < 20000)
		ms = 20000;
	uv_timer_start(&r->timer, on_timeout, ms, 0);
	if (r->t.redfish_session)
		relay_login_start(r, relay_up_connect);
	else
		relay_up_connect(r);
}
