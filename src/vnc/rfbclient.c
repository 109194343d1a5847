/*
 * vnc/rfbclient.c - the read-only RFB client behind screenshots and the
 * Screen tab (see rfbclient.h): a vnc_relay to the BMC, and this client
 * as its viewer on loopback, authenticating with the relay's one-time
 * password (vnc/rfb.c's client side), then ClientInit, ServerInit,
 * SetPixelFormat, SetEncodings and FramebufferUpdateRequests, the updates
 * decoded by vnc/decode.c into a vnc/fb.c framebuffer.
 *
 * Bytes from the relay are buffered (at most IN_MAX) until a whole message
 * or rectangle is there.  Nothing but those four client messages is ever
 * sent: no key, pointer or cut-text events.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/state-file.h"
#include "core/xalloc.h"
#include "vnc/decode.h"
#include "vnc/relay.h"
#include "vnc/rfb.h"
#include "vnc/rfbclient.h"

#define IN_MAX	     (VNC_ZRLE_MAX_LEN + 64 * 1024)
#define READ_SIZE    (64 * 1024)
#define IN_KEEP	     (256 * 1024)
#define NAME_MAX_LEN 4096
#define CUT_MAX	     (1024 * 1024)
#define MAX_ENCS     12

enum stage { ST_HANDSHAKE, ST_SERVERINIT, ST_MSG, ST_RECT_HDR, ST_RECT_DATA, ST_SKIP };

enum used_bit {
	U_RAW = 1,
	U_COPYRECT = 2,
	U_ZRLE = 4,
	U_TIGHT = 8,
	U_JPEG = 16,
	U_RESIZE = 32,
	U_HEXTILE = 64
};

struct vnc_screen {
	uv_loop_t *loop;
	struct bmc_host *h;
	struct vnc_relay *relay;
	uv_tcp_t tcp;
	uv_timer_t timer;
	int handles, tcp_open;
	struct rfb_client rc;
	enum stage stage;
	uint8_t *in;
	size_t len, off, cap;
	uint8_t rbuf[READ_SIZE];
	struct vnc_fb fb;
	int have_fb;
	struct vnc_decoder dec;
	int32_t encs[MAX_ENCS];
	int nenc;
	unsigned refresh_ms;
	int lean; /* no picture kept between refreshes (vnc_screen_set_lean) */
	unsigned rects_left;
	int update_pixels;
	struct vnc_rect rect;
	size_t skip;
	uint64_t generation;
	unsigned used;
	char used_str[96];
	char *name;
	vnc_screen_cb cb;
	void *arg;
	int ending, status;
	char *msg;
};

static void maybe_finish(struct vnc_screen *s)
{
	if (!s->ending || s->handles > 0 || s->relay != NULL)
		return;
	if (s->cb != NULL)
		s->cb(s, VNC_SCREEN_ENDED, s->status, s->msg ? s->msg : "ended", s->arg);
	vnc_decoder_free(&s->dec);
	vnc_fb_free(&s->fb);
	rfb_client_wipe(&s->rc);
	free(s->in);
	free(s->name);
	free(s->msg);
	free(s);
}

static void on_closed(uv_handle_t *hd)
{
	struct vnc_screen *s = hd->data;

	s->handles--;
	maybe_finish(s);
}

static void screen_end(struct vnc_screen *s, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void screen_end(struct vnc_screen *s, int status, const char *fmt, ...)
{
	va_list ap;

	if (s->ending)
		return;
	s->ending = 1;
	s->status = status;
	va_start(ap, fmt);
	s->msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (status != 0 && status != BMC_ECANCELED)
		log_warn("%s: screen: %s", s->h->cfg->name, s->msg);
	uv_close((uv_handle_t *)&s->timer, on_closed);
	if (s->tcp_open) {
		s->tcp_open = 0;
		uv_close((uv_handle_t *)&s->tcp, on_closed);
	}
	if (s->relay != NULL)
		vnc_relay_stop(s->relay);
	maybe_finish(s);
}

static void on_relay_end(struct vnc_relay *r, int status, const char *msg, void *arg)
{
	struct vnc_screen *s = arg;

	s->relay = NULL;
	if (!s->ending)
		screen_end(s, status, "%s", msg);
	maybe_finish(s);
}

static void on_written(uv_write_t *w, int status)
{
	free(w->data);
	free(w);
}

static void send_bytes(struct vnc_screen *s, const uint8_t *p, size_t n)
{
	uv_write_t *w;
	uv_buf_t b;

	if (s->ending || !s->tcp_open)
		return;
	w = xmalloc(sizeof *w);
	w->data = xmalloc(n);
	memcpy(w->data, p, n);
	b = uv_buf_init(w->data, (unsigned)n);
	if (uv_write(w, (uv_stream_t *)&s->tcp, &b, 1, on_written) != 0) {
		free(w->data);
		free(w);
		screen_end(s, BMC_EPROTO, "cannot write to the local relay");
	}
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void request_update(struct vnc_screen *s, int incremental)
{
	uint8_t m[10] = {3, (uint8_t)incremental};

	put16(m + 6, (unsigned)s->fb.w);
	put16(m + 8, (unsigned)s->fb.h);
	send_bytes(s, m, sizeof m);
}

/* A lean client's picture again, black, before an update: 0 or -1. */
static int picture_back(struct vnc_screen *s)
{
	if (s->fb.rgb != NULL)
		return 0;
	if (vnc_fb_resize(&s->fb, s->fb.w, s->fb.h) != 0) {
		screen_end(s, BMC_EPROTO, "the console's screen size %dx%d is not one bmctop takes",
			   s->fb.w, s->fb.h);
		return -1;
	}
	return 0;
}

static void on_refresh(uv_timer_t *t)
{
	struct vnc_screen *s = t->data;

	/* A lean client has no picture to update: a whole one. */
	if (s->lean) {
		if (picture_back(s) == 0)
			request_update(s, 0);
		return;
	}
	request_update(s, 1);
}

/* The messages after ServerInit: our pixel format, encodings, a whole picture. */
static void send_setup(struct vnc_screen *s)
{
	uint8_t pf[20] = {0}, enc[4 + 4 * MAX_ENCS] = {2};
	int i;

	vnc_pixfmt_write(&s->fb.pf, pf + 4);
	send_bytes(s, pf, sizeof pf);
	put16(enc + 2, (unsigned)s->nenc);
	for (i = 0; i < s->nenc; i++)
		put32(enc + 4 + 4 * i, (uint32_t)s->encs[i]);
	send_bytes(s, enc, 4 + 4 * (size_t)s->nenc);
	request_update(s, 0);
}

/* ServerInit: 0 (wait), 1 (done) or -1 (ended). */
static int server_init(struct vnc_screen *s, const uint8_t *p, size_t n, size_t *used)
{
	struct vnc_pixfmt theirs, ours;
	uint32_t nl;
	int w, h;

	if (n < 24)
		return 0;
	nl = get32(p + 20);
	if (nl > NAME_MAX_LEN) {
		screen_end(s, BMC_EPROTO, "the console server sent a desktop name over %d bytes",
			   NAME_MAX_LEN);
		return -1;
	}
	if (n < 24 + (size_t)nl)
		return 0;
	w = p[0] << 8 | p[1];
	h = p[2] << 8 | p[3];
	vnc_pixfmt_default(&ours);
	if (vnc_fb_init(&s->fb, w, h, &ours) != 0) {
		screen_end(s, BMC_EPROTO, "the console's screen size %dx%d is not one bmctop takes",
			   w, h);
		return -1;
	}
	s->have_fb = 1;
	vnc_decoder_init(&s->dec, &s->fb);
	s->name = xstrndup((const char *)p + 24, nl);
	if (vnc_pixfmt_parse(&theirs, p + 4) != 0)
		log_info("%s: screen: the server's own pixel format is not true colour; asking "
			 "for 32-bit true colour",
			 s->h->cfg->name);
	log_info("%s: screen: %dx%d \"%s\", %d bpp depth %d", s->h->cfg->name, w, h, s->name, p[4],
		 p[5]);
	*used = 24 + nl;
	send_setup(s);
	return 1;
}

static void mark_used(struct vnc_screen *s, int32_t enc, int jpeg)
{
	switch (enc) {
	case VNC_ENC_RAW:
		s->used |= U_RAW;
		break;
	case VNC_ENC_COPYRECT:
		s->used |= U_COPYRECT;
		break;
	case VNC_ENC_ZRLE:
		s->used |= U_ZRLE;
		break;
	case VNC_ENC_HEXTILE:
		s->used |= U_HEXTILE;
		break;
	case VNC_ENC_TIGHT:
		s->used |= jpeg ? U_JPEG : U_TIGHT;
		break;
	default:
		break;
	}
}

static void update_done(struct vnc_screen *s)
{
	s->stage = ST_MSG;
	if (s->update_pixels) {
		s->generation++;
		s->cb(s, VNC_SCREEN_CHANGED, 0, NULL, s->arg);
		if (s->ending)
			return;
		if (s->lean) {
			free(s->fb.rgb);
			s->fb.rgb = NULL;
		}
	}
	if (s->refresh_ms > 0)
		uv_timer_start(&s->timer, on_refresh, s->refresh_ms, 0);
}

/* A rectangle header: 0 (wait), 1 (go on), -1 (ended). */
static int rect_header(struct vnc_screen *s, const uint8_t *p, size_t n, size_t *used)
{
	struct vnc_rect *r = &s->rect;

	if (n < 12)
		return 0;
	*used = 12;
	r->x = p[0] << 8 | p[1];
	r->y = p[2] << 8 | p[3];
	r->w = p[4] << 8 | p[5];
	r->h = p[6] << 8 | p[7];
	r->enc = (int32_t)get32(p + 8);
	if (r->enc == VNC_ENC_LASTRECT) {
		s->rects_left = 0;
		update_done(s);
		return 1;
	}
	if (r->enc == VNC_ENC_DESKTOPSIZE) {
		if (vnc_fb_resize(&s->fb, r->w, r->h) != 0) {
			screen_end(s, BMC_EPROTO,
				   "the console's new screen size %dx%d is not one bmctop takes",
				   r->w, r->h);
			return -1;
		}
		s->used |= U_RESIZE;
		s->update_pixels = 1;
	} else if (!vnc_decode_known(r->enc)) {
		screen_end(s, BMC_EPROTO, "the console server used encoding %d, never asked for",
			   (int)r->enc);
		return -1;
	} else {
		s->stage = ST_RECT_DATA;
		return 1;
	}
	if (--s->rects_left == 0)
		update_done(s);
	return 1;
}

static int rect_data(struct vnc_screen *s, const uint8_t *p, size_t n, size_t *used)
{
	int more = 0, jpeg = 0;
	ssize_t got = vnc_decode_rect(&s->dec, &s->rect, p, n, &more, &jpeg);

	if (got < 0) {
		screen_end(s, BMC_EPROTO, "bad %s rectangle from the console: %s",
			   vnc_encoding_name(s->rect.enc), s->dec.error);
		return -1;
	}
	if (more)
		return 0;
	*used = (size_t)got;
	mark_used(s, s->rect.enc, jpeg);
	s->update_pixels = 1;
	s->stage = ST_RECT_HDR;
	if (--s->rects_left == 0)
		update_done(s);
	return 1;
}

/* A server message's first bytes. */
static int message(struct vnc_screen *s, const uint8_t *p, size_t n, size_t *used)
{
	size_t k;

	switch (p[0]) {
	case 0: /* FramebufferUpdate */
		if (n < 4)
			return 0;
		*used = 4;
		if (picture_back(s) != 0)
			return -1;
		s->rects_left = (unsigned)(p[2] << 8 | p[3]);
		s->update_pixels = 0;
		s->stage = ST_RECT_HDR;
		if (s->rects_left == 0)
			update_done(s);
		return 1;
	case 1: /* SetColourMapEntries: not for true colour; skipped */
		if (n < 6)
			return 0;
		*used = 6;
		s->skip = (size_t)(p[4] << 8 | p[5]) * 6;
		s->stage = ST_SKIP;
		return 1;
	case 2: /* Bell */
		*used = 1;
		return 1;
	case 3: /* ServerCutText: skipped */
		if (n < 8)
			return 0;
		k = get32(p + 4);
		if (k > CUT_MAX) {
			screen_end(s, BMC_EPROTO, "the console server sent %zu bytes of cut text",
				   k);
			return -1;
		}
		*used = 8;
		s->skip = k;
		s->stage = ST_SKIP;
		return 1;
	default:
		screen_end(s, BMC_EPROTO, "the console server sent unknown message type %u", p[0]);
		return -1;
	}
}

static int handshake(struct vnc_screen *s, const uint8_t *p, size_t n, size_t *used)
{
	ssize_t got = rfb_client_feed(&s->rc, p, n);
	uint8_t shared = 1;

	if (s->rc.outlen > 0) {
		send_bytes(s, s->rc.out, s->rc.outlen);
		s->rc.outlen = 0;
	}
	if (got < 0) {
		screen_end(s, s->rc.auth_failed ? BMC_EAUTH : BMC_EPROTO, "local relay: %s",
			   s->rc.error);
		return -1;
	}
	*used = (size_t)got;
	if (s->rc.state != RFB_C_DONE)
		return got > 0;
	rfb_client_wipe(&s->rc);
	send_bytes(s, &shared, 1); /* ClientInit: share the console with other viewers */
	s->stage = ST_SERVERINIT;
	return 1;
}

/* One step over the buffered bytes: 1 (progress), 0 (wait) or -1 (ended). */
static int step(struct vnc_screen *s, const uint8_t *p, size_t n, size_t *used)
{
	*used = 0;
	switch (s->stage) {
	case ST_HANDSHAKE:
		return handshake(s, p, n, used);
	case ST_SERVERINIT:
		if (server_init(s, p, n, used) == 1) {
			s->stage = ST_MSG;
			return 1;
		}
		return s->ending ? -1 : 0;
	case ST_MSG:
		return n == 0 ? 0 : message(s, p, n, used);
	case ST_RECT_HDR:
		return rect_header(s, p, n, used);
	case ST_RECT_DATA:
		return rect_data(s, p, n, used);
	case ST_SKIP:
		*used = n < s->skip ? n : s->skip;
		s->skip -= *used;
		if (s->skip == 0)
			s->stage = ST_MSG;
		return *used > 0 || s->skip == 0;
	}
	return -1;
}

static void take_bytes(struct vnc_screen *s, const uint8_t *p, size_t n)
{
	int rc;

	if (s->len - s->off + n > IN_MAX) {
		screen_end(s, BMC_EPROTO, "the console server's message is over %d MiB",
			   IN_MAX >> 20);
		return;
	}
	if (s->off > 0 && s->len + n > s->cap) {
		memmove(s->in, s->in + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
	}
	if (s->len + n > s->cap) {
		s->cap = s->len + n > 2 * s->cap ? s->len + n : 2 * s->cap;
		s->in = xrealloc(s->in, s->cap);
	}
	memcpy(s->in + s->len, p, n);
	s->len += n;
	do {
		size_t used = 0;

		rc = step(s, s->in + s->off, s->len - s->off, &used);
		s->off += used;
	} while (rc > 0 && !s->ending);
	if (s->off == s->len) {
		s->off = s->len = 0;
		if (s->cap > IN_KEEP) { /* an idle screen keeps little besides its picture */
			free(s->in);
			s->in = NULL;
			s->cap = 0;
		}
	}
}

static void on_alloc(uv_handle_t *hd, size_t hint, uv_buf_t *b)
{
	struct vnc_screen *s = hd->data;

	*b = uv_buf_init((char *)s->rbuf, sizeof s->rbuf);
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	struct vnc_screen *s = st->data;

	if (s->ending)
		return;
	if (n > 0) {
		take_bytes(s, (const uint8_t *)b->base, (size_t)n);
		return;
	}
	if (n == 0)
		return;
	uv_read_stop(st);
	/* The relay closed us: its end callback says why; without it, we do. */
	if (s->relay == NULL)
		screen_end(s, BMC_EPROTO, "the local relay closed the connection");
}

static void on_connected(uv_connect_t *c, int status)
{
	struct vnc_screen *s = c->data;

	free(c);
	if (s->ending)
		return;
	if (status < 0) {
		screen_end(s, BMC_EPROTO, "cannot reach the local relay: %s", uv_strerror(status));
		return;
	}
	uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read);
}

static int parse_encodings(struct vnc_screen *s, const char *list, char **err)
{
	char *copy = xstrdup(list), *tok, *save = NULL;
	int tight = 0;

	s->nenc = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		int32_t e;

		if (strcmp(tok, "tight") == 0) {
			e = VNC_ENC_TIGHT;
			tight = 1;
		} else if (strcmp(tok, "zrle") == 0) {
			e = VNC_ENC_ZRLE;
		} else if (strcmp(tok, "hextile") == 0) {
			e = VNC_ENC_HEXTILE;
		} else if (strcmp(tok, "copyrect") == 0) {
			e = VNC_ENC_COPYRECT;
		} else if (strcmp(tok, "raw") == 0) {
			e = VNC_ENC_RAW;
		} else {
			*err = xasprintf(
			    "unknown VNC encoding \"%s\" (tight, zrle, hextile, copyrect, raw)",
			    tok);
			free(copy);
			return BMC_ECONFIG;
		}
		if (s->nenc < MAX_ENCS - 3)
			s->encs[s->nenc++] = e;
	}
	free(copy);
	if (tight)
		s->encs[s->nenc++] = VNC_ENC_JPEG_QUALITY_8;
	s->encs[s->nenc++] = VNC_ENC_DESKTOPSIZE;
	s->encs[s->nenc++] = VNC_ENC_LASTRECT;
	return 0;
}

/* The relay's one-time password, from its 0600 vncpasswd file. */
static int read_otp(struct vnc_relay *r, char otp[RFB_PASSWORD_LEN + 1], char **err)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = state_file_read(vnc_relay_password_file(r), 64, &data, &len);

	if (rc != 0 || len < 8 || rfb_vncpasswd_decode(data, otp) != 0) {
		*err = xasprintf("cannot read the relay's password file %s",
				 vnc_relay_password_file(r));
		free(data);
		return BMC_EPROTO;
	}
	secure_zero(data, len);
	free(data);
	return 0;
}

int vnc_screen_start(struct vnc_screen **out, struct bmc_host *h, struct vnc_target *t,
		     unsigned refresh_ms, const char *encodings, vnc_screen_cb cb, void *arg,
		     char **err)
{
	struct vnc_screen *s = xcalloc(1, sizeof *s);
	char otp[RFB_PASSWORD_LEN + 1];
	struct sockaddr_in sa;
	uv_connect_t *c;
	int rc;

	s->h = h;
	s->loop = h->engine->loop;
	s->refresh_ms = refresh_ms;
	s->cb = cb;
	s->arg = arg;
	rc = parse_encodings(s, encodings ? encodings : VNC_SCREEN_ENCODINGS, err);
	if (rc == 0)
		rc = t ? vnc_relay_start_target(&s->relay, h, t, on_relay_end, s, err)
		       : vnc_relay_start(&s->relay, h, on_relay_end, s, err);
	if (rc != 0) {
		free(s);
		return rc;
	}
	rc = read_otp(s->relay, otp, err);
	if (rc != 0) {
		vnc_relay_stop(s->relay); /* its callback finds s->ending and frees s */
		s->ending = 1;
		s->status = BMC_ECANCELED;
		s->cb = NULL;
		return rc;
	}
	rfb_client_init(&s->rc, otp, strlen(otp));
	secure_zero(otp, sizeof otp);
	uv_timer_init(s->loop, &s->timer);
	s->timer.data = s;
	uv_tcp_init(s->loop, &s->tcp);
	s->tcp.data = s;
	s->handles = 2;
	s->tcp_open = 1;
	*out = s;
	uv_ip4_addr("127.0.0.1", vnc_relay_port(s->relay), &sa);
	c = xcalloc(1, sizeof *c);
	c->data = s;
	rc = uv_tcp_connect(c, &s->tcp, (const struct sockaddr *)&sa, on_connected);
	if (rc != 0) {
		free(c);
		screen_end(s, BMC_EPROTO, "cannot reach the local relay: %s", uv_strerror(rc));
	}
	return 0;
}

void vnc_screen_stop(struct vnc_screen *s)
{
	screen_end(s, BMC_ECANCELED, "stopped");
}

void vnc_screen_set_lean(struct vnc_screen *s, int lean)
{
	s->lean = lean;
}

const struct vnc_fb *vnc_screen_fb(const struct vnc_screen *s)
{
	return s->have_fb && s->fb.rgb != NULL ? &s->fb : NULL;
}

uint64_t vnc_screen_generation(const struct vnc_screen *s)
{
	return s->generation;
}

int vnc_screen_scale(const struct vnc_screen *s, uint8_t *out, int w, int h)
{
	if (s->generation == 0 || s->fb.rgb == NULL || w <= 0 || h <= 0)
		return -1;
	vnc_fb_scale(&s->fb, out, w, h);
	return 0;
}

const char *vnc_screen_encodings_used(const struct vnc_screen *s)
{
	static const char *const names[] = {"Raw",	  "CopyRect",	 "ZRLE",   "Tight",
					    "Tight-JPEG", "DesktopSize", "Hextile"};
	struct vnc_screen *m = (struct vnc_screen *)s;
	size_t i, n = 0;

	m->used_str[0] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (s->used & (1u << i))
			n += (size_t)snprintf(m->used_str + n, sizeof m->used_str - n, "%s%s",
					      n ? "," : "", names[i]);
	return s->used_str;
}

const char *vnc_screen_name(const struct vnc_screen *s)
{
	return s->name ? s->name : "";
}
