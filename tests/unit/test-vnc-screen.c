/*
 * unit/test-vnc-screen.c - vnc/rfbclient.c's contract for the Screen tab:
 * a whole picture first, then incremental requests every refresh_ms, a
 * VNC_SCREEN_CHANGED per update with pixels, and nothing sent but
 * ClientInit, SetPixelFormat, SetEncodings and FramebufferUpdateRequest;
 * and lean (the wall's tiles): whole pictures only, none kept between.
 * The server is a scripted RFB 3.8 server on the same loop (loopback).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "core/engine.h"
#include "core/fleet.h"
#include "runner.h"
#include "vnc/rfbclient.h"

struct srv {
	uv_tcp_t listener, conn;
	int port, stage, requests, incremental, bad_type, ended, changes, status, lean;
	uint8_t in[4096];
	size_t len;
	struct vnc_screen *s;
	uint8_t last_pixel[3];
};

static void on_write(uv_write_t *w, int status)
{
	free(w->data);
	free(w);
}

static void srv_send(struct srv *v, const void *p, size_t n)
{
	uv_write_t *w = malloc(sizeof *w);
	uv_buf_t b;

	w->data = malloc(n);
	memcpy(w->data, p, n);
	b = uv_buf_init(w->data, (unsigned)n);
	uv_write(w, (uv_stream_t *)&v->conn, &b, 1, on_write);
}

/* An update: one Raw rectangle of colour c (B, G, R, 0 little-endian) at 0,0 sized w x h. */
static void send_update(struct srv *v, int w, int h, uint8_t r, uint8_t g, uint8_t b)
{
	size_t n = 4 + 12 + (size_t)w * h * 4, i;
	uint8_t *m = calloc(1, n);

	m[3] = 1;
	m[4 + 5] = (uint8_t)w;
	m[4 + 7] = (uint8_t)h;
	for (i = 0; i < (size_t)w * h; i++) {
		m[16 + 4 * i] = b;
		m[16 + 4 * i + 1] = g;
		m[16 + 4 * i + 2] = r;
	}
	srv_send(v, m, n);
	free(m);
}

/* What the client sent: the handshake, then its messages. */
static void srv_take(struct srv *v)
{
	for (;;) {
		size_t need;

		if (v->stage == 0 && v->len >= 12) { /* version */
			srv_send(v, "\x01\x01", 2);
			need = 12;
		} else if (v->stage == 1 && v->len >= 1) { /* security type */
			srv_send(v, "\0\0\0\0", 4);
			need = 1;
		} else if (v->stage == 2 && v->len >= 1) { /* ClientInit */
			static const uint8_t init[] = {0,   8, 0,   8, 32,  24, 0,  1, 0,
						       255, 0, 255, 0, 255, 16, 8,  0, 0,
						       0,   0, 0,   0, 0,   1,	't'};
			srv_send(v, init, sizeof init);
			need = 1;
		} else if (v->stage == 3 && v->len >= 1) {
			uint8_t t = v->in[0];

			if (t == 0)
				need = 20;
			else if (t == 2)
				need = v->len >= 4 ? 4 + 4 * (size_t)(v->in[2] << 8 | v->in[3]) : 4;
			else if (t == 3)
				need = 10;
			else {
				v->bad_type = 1;
				return;
			}
			if (v->len < need)
				return;
			if (t == 3) {
				v->requests++;
				v->incremental += v->in[1];
				if (v->requests == 1)
					send_update(v, 8, 8, 255, 0, 0);
				else if (v->requests == 2)
					send_update(v, 1, 1, 0, 0, 255);
			}
		} else {
			return;
		}
		memmove(v->in, v->in + need, v->len - need);
		v->len -= need;
		if (v->stage < 3)
			v->stage++;
	}
}

static void srv_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct srv *v = h->data;

	*b = uv_buf_init((char *)v->in + v->len, (unsigned)(sizeof v->in - v->len));
}

static void srv_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	struct srv *v = st->data;

	if (n <= 0) {
		if (n < 0)
			uv_read_stop(st);
		return;
	}
	v->len += (size_t)n;
	srv_take(v);
}

static void srv_accept(uv_stream_t *l, int status)
{
	struct srv *v = l->data;

	uv_tcp_init(l->loop, &v->conn);
	v->conn.data = v;
	if (uv_accept(l, (uv_stream_t *)&v->conn) == 0) {
		srv_send(v, "RFB 003.008\n", 12);
		uv_read_start((uv_stream_t *)&v->conn, srv_alloc, srv_read);
	}
}

static void on_screen(struct vnc_screen *s, enum vnc_screen_event ev, int status, const char *msg,
		      void *arg)
{
	struct srv *v = arg;
	const struct vnc_fb *fb;

	if (ev == VNC_SCREEN_ENDED) {
		v->ended = 1;
		v->status = status;
		v->s = NULL;
		return;
	}
	v->changes++;
	fb = vnc_screen_fb(s);
	memcpy(v->last_pixel, fb->rgb, 3);
	if (v->changes == 1)
		ASSERT_MEMEQ(fb->rgb + (8 * 8 - 1) * 3, "\xff\x00\x00", 3);
	if (v->changes == 2) {
		ASSERT_EQ(vnc_screen_generation(s), 2);
		/* (1,0) untouched; lean: a new picture, black where the server drew nothing */
		ASSERT_MEMEQ(fb->rgb + 3, v->lean ? "\x00\x00\x00" : "\xff\x00\x00", 3);
		vnc_screen_stop(s);
	}
}

static void closed(uv_handle_t *h)
{
}

static void shut(struct bmc_engine *e)
{
}

static void run(int lean)
{
	static struct srv v;
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	struct sockaddr_in sa;
	struct sockaddr_storage bound;
	int len = sizeof bound, i;
	char text[256], state[600], *err = NULL;

	const char *old = getenv("XDG_STATE_HOME");
	char *saved = old ? strdup(old) : NULL;

	memset(&v, 0, sizeof v);
	v.lean = lean;
	snprintf(state, sizeof state, "%s/state", test_tmpdir());
	setenv("XDG_STATE_HOME", state, 1); /* the relay's password file */
	uv_loop_init(&loop);
	uv_tcp_init(&loop, &v.listener);
	v.listener.data = &v;
	uv_ip4_addr("127.0.0.1", 0, &sa);
	ASSERT_EQ(uv_tcp_bind(&v.listener, (const struct sockaddr *)&sa, 0), 0);
	uv_tcp_getsockname(&v.listener, (struct sockaddr *)&bound, &len);
	v.port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
	ASSERT_EQ(uv_listen((uv_stream_t *)&v.listener, 4, srv_accept), 0);
	snprintf(text, sizeof text,
		 "[host a]\naddress = 127.0.0.1\nprotocol = ipmi\nvnc = rfb:127.0.0.1:%d\n",
		 v.port);
	if (fleet_parse(&f, "t.conf", text, strlen(text), &err) != 0)
		test_fail(__FILE__, __LINE__, "%s", err);
	engine_init(&e, &loop, &f, NULL);
	ASSERT_EQ(vnc_screen_start(&v.s, &e.hosts[0], NULL, 10, "raw", on_screen, &v, &err), 0);
	vnc_screen_set_lean(v.s, lean);
	for (i = 0; i < 20000 && !v.ended; i++)
		uv_run(&loop, UV_RUN_ONCE);
	ASSERT(v.ended);
	ASSERT_EQ(v.status, BMC_ECANCELED);
	ASSERT_EQ(v.changes, 2);
	ASSERT_MEMEQ(v.last_pixel, "\x00\x00\xff", 3);
	ASSERT(v.requests >= 2);
	/* All but the first are incremental; lean: none is. */
	ASSERT_EQ(v.incremental, lean ? 0 : v.requests - 1);
	ASSERT_EQ(v.bad_type, 0); /* no key, pointer or cut text */
	uv_close((uv_handle_t *)&v.listener, closed);
	if (v.stage > 0)
		uv_close((uv_handle_t *)&v.conn, closed);
	engine_shutdown(&e, shut);
	uv_run(&loop, UV_RUN_DEFAULT);
	engine_free(&e);
	ASSERT_EQ(uv_loop_close(&loop), 0);
	fleet_free(&f);
	if (saved != NULL)
		setenv("XDG_STATE_HOME", saved, 1);
	else
		unsetenv("XDG_STATE_HOME");
	free(saved);
}

TEST(vnc_screen_refreshes_incrementally_and_reads_only)
{
	run(0);
}

TEST(vnc_screen_lean_asks_whole_pictures_and_keeps_none)
{
	run(1);
}
