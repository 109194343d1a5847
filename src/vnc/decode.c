/*
 * vnc/decode.c - Raw, CopyRect, Hextile, ZRLE and Tight decoders (see decode.h).
 *
 * Each decoder first walks its rectangle's headers over a bounded cursor
 * to learn its whole length (answering "more" when it is not all there),
 * and only then inflates and writes pixels.  The writes go through fb.c
 * into a rectangle already checked against the framebuffer.
 */
#include "config.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE and size_t */

#include "core/xalloc.h"
#include "vnc/decode.h"

#define ZRLE_TILE 64

struct cur {
	const uint8_t *p;
	size_t n;
};

static const uint8_t *take(struct cur *c, size_t k)
{
	const uint8_t *p = c->p;

	if (k > c->n)
		return NULL;
	c->p += k;
	c->n -= k;
	return p;
}

/* d->error = prefix what; -1. */
static int fail(struct vnc_decoder *d, const char *prefix, const char *what)
{
	snprintf(d->error, sizeof d->error, "%s%s", prefix, what);
	return -1;
}

void vnc_decoder_init(struct vnc_decoder *d, struct vnc_fb *fb)
{
	memset(d, 0, sizeof *d);
	d->fb = fb;
}

void vnc_decoder_free(struct vnc_decoder *d)
{
	int i;

	if (d->zrle_live)
		inflateEnd(&d->zrle);
	for (i = 0; i < 4; i++)
		if (d->tight_live[i])
			inflateEnd(&d->tight[i]);
	free(d->buf);
	memset(d, 0, sizeof *d);
}

int vnc_decode_known(int32_t enc)
{
	return enc == VNC_ENC_RAW || enc == VNC_ENC_COPYRECT || enc == VNC_ENC_ZRLE ||
	       enc == VNC_ENC_TIGHT || enc == VNC_ENC_HEXTILE;
}

const char *vnc_encoding_name(int32_t enc)
{
	switch (enc) {
	case VNC_ENC_RAW:
		return "Raw";
	case VNC_ENC_COPYRECT:
		return "CopyRect";
	case VNC_ENC_ZRLE:
		return "ZRLE";
	case VNC_ENC_TIGHT:
		return "Tight";
	case VNC_ENC_HEXTILE:
		return "Hextile";
	case VNC_ENC_DESKTOPSIZE:
		return "DesktopSize";
	case VNC_ENC_LASTRECT:
		return "LastRect";
	default:
		return "unknown";
	}
}

/*
 * Inflate all of in on z into d->buf, which holds at most cap bytes: more
 * output than that is a zlib bomb.  *out gets the bytes made.  0 or -1.
 */
static int inflate_all(struct vnc_decoder *d, z_stream *z, int *live, const uint8_t *in,
		       size_t inlen, size_t cap, size_t *out)
{
	if (!*live) {
		memset(z, 0, sizeof *z);
		if (inflateInit(z) != Z_OK)
			return fail(d, "", "zlib: cannot start a stream");
		*live = 1;
	}
	if (d->cap < cap + 1) {
		free(d->buf);
		d->buf = xmalloc(cap + 1);
		d->cap = cap + 1;
	}
	z->next_in = (Bytef *)in;
	z->avail_in = (uInt)inlen;
	z->next_out = d->buf;
	z->avail_out = (uInt)(cap + 1);
	while (z->avail_in > 0) {
		int rc = inflate(z, Z_SYNC_FLUSH);

		if (z->avail_out == 0)
			return fail(d, "", "compressed data inflates past the rectangle's size");
		if (rc == Z_BUF_ERROR || rc == Z_STREAM_END)
			break;
		if (rc != Z_OK)
			return fail(d, "zlib: ", z->msg ? z->msg : "corrupt data");
	}
	if (z->avail_in > 0)
		return fail(d, "", "zlib: data left over");
	*out = cap + 1 - z->avail_out;
	return 0;
}

/* ZRLE (RFC 6143 7.7.6). */

static void put(struct vnc_fb *fb, int x, int y, const uint8_t rgb[3])
{
	memcpy(fb->rgb + ((size_t)y * fb->w + x) * 3, rgb, 3);
}

static int zrle_palette(struct vnc_decoder *d, struct cur *c, int n, uint8_t pal[][3])
{
	int i;

	for (i = 0; i < n; i++) {
		const uint8_t *p = take(c, (size_t)d->fb->cpixel);

		if (p == NULL)
			return fail(d, "", "ZRLE: tile palette truncated");
		vnc_fb_cpixel_rgb(d->fb, p, pal[i]);
	}
	return 0;
}

/* A run length: 1 + the sum of bytes up to and including the first < 255. */
static int run_length(struct cur *c, size_t left, size_t *len)
{
	const uint8_t *b;

	*len = 1;
	do {
		b = take(c, 1);
		if (b == NULL)
			return -1;
		*len += *b;
		if (*len > left)
			return -1;
	} while (*b == 255);
	return 0;
}

static int zrle_tile(struct vnc_decoder *d, struct cur *c, int tx, int ty, int tw, int th)
{
	struct vnc_fb *fb = d->fb;
	uint8_t pal[128][3], rgb[3];
	const uint8_t *b = take(c, 1), *p;
	size_t total = (size_t)tw * th, k = 0, run;
	int sub, bits, i, j;

	if (b == NULL)
		return fail(d, "", "ZRLE: tile truncated");
	sub = *b;
	if (sub == 0) {
		for (k = 0; k < total; k++) {
			p = take(c, (size_t)fb->cpixel);
			if (p == NULL)
				return fail(d, "", "ZRLE: raw tile truncated");
			vnc_fb_cpixel_rgb(fb, p, rgb);
			put(fb, tx + (int)(k % tw), ty + (int)(k / tw), rgb);
		}
		return 0;
	}
	if (sub == 1) {
		if (zrle_palette(d, c, 1, pal) != 0)
			return -1;
		vnc_fb_fill(fb, tx, ty, tw, th, pal[0]);
		return 0;
	}
	if (sub >= 2 && sub <= 16) {
		bits = sub == 2 ? 1 : sub <= 4 ? 2 : 4;
		if (zrle_palette(d, c, sub, pal) != 0)
			return -1;
		for (j = 0; j < th; j++) {
			p = take(c, ((size_t)tw * bits + 7) / 8);
			if (p == NULL)
				return fail(d, "", "ZRLE: packed tile truncated");
			for (i = 0; i < tw; i++) {
				size_t bit = (size_t)i * bits;
				int idx = (p[bit / 8] >> (8 - bits - bit % 8)) & ((1 << bits) - 1);

				if (idx >= sub)
					return fail(d, "", "ZRLE: palette index out of range");
				put(fb, tx + i, ty + j, pal[idx]);
			}
		}
		return 0;
	}
	if (sub == 128) {
		while (k < total) {
			p = take(c, (size_t)fb->cpixel);
			if (p == NULL || run_length(c, total - k, &run) != 0)
				return fail(d, "", "ZRLE: bad run");
			vnc_fb_cpixel_rgb(fb, p, rgb);
			for (; run > 0; run--, k++)
				put(fb, tx + (int)(k % tw), ty + (int)(k / tw), rgb);
		}
		return 0;
	}
	if (sub >= 130) {
		int n = sub - 128;

		if (zrle_palette(d, c, n, pal) != 0)
			return -1;
		while (k < total) {
			int idx;

			b = take(c, 1);
			if (b == NULL)
				return fail(d, "", "ZRLE: palette run truncated");
			idx = *b & 127;
			if (idx >= n)
				return fail(d, "", "ZRLE: palette index out of range");
			run = 1;
			if ((*b & 128) && run_length(c, total - k, &run) != 0)
				return fail(d, "", "ZRLE: bad run");
			for (; run > 0; run--, k++)
				put(fb, tx + (int)(k % tw), ty + (int)(k / tw), pal[idx]);
		}
		return 0;
	}
	snprintf(d->error, sizeof d->error, "ZRLE: unknown tile subencoding %d", sub);
	return -1;
}

static ssize_t decode_zrle(struct vnc_decoder *d, const struct vnc_rect *r, const uint8_t *buf,
			   size_t len, int *more)
{
	struct vnc_fb *fb = d->fb;
	struct cur c;
	size_t zlen, tiles, cap, got;
	int tx, ty;

	if (len < 4) {
		*more = 1;
		return 0;
	}
	zlen = (size_t)buf[0] << 24 | (size_t)buf[1] << 16 | (size_t)buf[2] << 8 | buf[3];
	if (zlen > VNC_ZRLE_MAX_LEN)
		return fail(d, "", "ZRLE: rectangle's data is over 64 MiB");
	if (len - 4 < zlen) {
		*more = 1;
		return 0;
	}
	/* The most a rectangle's tiles can take: per tile a subencoding byte
	 * and a 127-colour palette, per pixel a CPIXEL and a run byte. */
	tiles = (size_t)((r->w + ZRLE_TILE - 1) / ZRLE_TILE) * ((r->h + ZRLE_TILE - 1) / ZRLE_TILE);
	cap = tiles * (1 + 127 * (size_t)fb->cpixel) + (size_t)r->w * r->h * (fb->cpixel + 1);
	if (inflate_all(d, &d->zrle, &d->zrle_live, buf + 4, zlen, cap, &got) != 0)
		return -1;
	c.p = d->buf;
	c.n = got;
	for (ty = 0; ty < r->h; ty += ZRLE_TILE)
		for (tx = 0; tx < r->w; tx += ZRLE_TILE) {
			int tw = r->w - tx < ZRLE_TILE ? r->w - tx : ZRLE_TILE;
			int th = r->h - ty < ZRLE_TILE ? r->h - ty : ZRLE_TILE;

			if (zrle_tile(d, &c, r->x + tx, r->y + ty, tw, th) != 0)
				return -1;
		}
	if (c.n != 0)
		return fail(d, "", "ZRLE: bytes left over after the last tile");
	return (ssize_t)(4 + zlen);
}

/* Hextile (RFC 6143 7.7.4): walked once to find its length, then again to draw. */

enum { HX_RAW = 1, HX_BG = 2, HX_FG = 4, HX_ANY = 8, HX_COLOURED = 16 };

/* 1 (walked, *used), 0 (more) or -1 (bad). */
static int hextile_walk(struct vnc_decoder *d, const struct vnc_rect *r, const uint8_t *buf,
			size_t len, int draw, size_t *used)
{
	struct vnc_fb *fb = d->fb;
	struct cur c = {buf, len};
	uint8_t bg[3] = {0, 0, 0}, fg[3] = {0, 0, 0}, rgb[3];
	size_t bpp = (size_t)fb->bytes;
	const uint8_t *b, *p;
	int tx, ty, i, n;

	for (ty = 0; ty < r->h; ty += 16)
		for (tx = 0; tx < r->w; tx += 16) {
			int tw = r->w - tx < 16 ? r->w - tx : 16,
			    th = r->h - ty < 16 ? r->h - ty : 16;
			int x0 = r->x + tx, y0 = r->y + ty;

			if ((b = take(&c, 1)) == NULL)
				return 0;
			if (*b & HX_RAW) {
				if ((p = take(&c, (size_t)tw * th * bpp)) == NULL)
					return 0;
				if (draw)
					vnc_fb_put_raw(fb, x0, y0, tw, th, p);
				continue;
			}
			if (*b & HX_BG) {
				if ((p = take(&c, bpp)) == NULL)
					return 0;
				vnc_fb_pixel_rgb(fb, p, bg);
			}
			if (*b & HX_FG) {
				if ((p = take(&c, bpp)) == NULL)
					return 0;
				vnc_fb_pixel_rgb(fb, p, fg);
			}
			if (draw)
				vnc_fb_fill(fb, x0, y0, tw, th, bg);
			if (!(*b & HX_ANY))
				continue;
			if ((p = take(&c, 1)) == NULL)
				return 0;
			n = *p;
			for (i = 0; i < n; i++) {
				const uint8_t *col = NULL;
				int sx, sy, sw, sh;

				if ((*b & HX_COLOURED) && (col = take(&c, bpp)) == NULL)
					return 0;
				if ((p = take(&c, 2)) == NULL)
					return 0;
				sx = p[0] >> 4;
				sy = p[0] & 15;
				sw = (p[1] >> 4) + 1;
				sh = (p[1] & 15) + 1;
				if (sx + sw > tw || sy + sh > th) {
					fail(d, "", "Hextile: subrectangle outside its tile");
					return -1;
				}
				if (!draw)
					continue;
				if (col != NULL)
					vnc_fb_pixel_rgb(fb, col, rgb);
				vnc_fb_fill(fb, x0 + sx, y0 + sy, sw, sh, col ? rgb : fg);
			}
		}
	*used = len - c.n;
	return 1;
}

static ssize_t decode_hextile(struct vnc_decoder *d, const struct vnc_rect *r, const uint8_t *buf,
			      size_t len, int *more)
{
	size_t used = 0;
	int rc = hextile_walk(d, r, buf, len, 0, &used);

	if (rc <= 0) {
		*more = rc == 0;
		return rc == 0 ? 0 : -1;
	}
	hextile_walk(d, r, buf, used, 1, &used);
	return (ssize_t)used;
}

/* Tight (the TightVNC / RFB community spec). */

/* 1 to 3 bytes, 7 bits each but the third's 8.  1, 0 (more) or -1. */
static int compact_len(struct cur *c, size_t *len)
{
	const uint8_t *b;
	int i;

	*len = 0;
	for (i = 0; i < 3; i++) {
		b = take(c, 1);
		if (b == NULL)
			return 0;
		if (i == 2) {
			*len |= (size_t)*b << 14;
			return 1;
		}
		*len |= (size_t)(*b & 0x7f) << (7 * i);
		if (!(*b & 0x80))
			return 1;
	}
	return 1;
}

static void tpixel_rgb(const struct vnc_fb *fb, const uint8_t *p, uint8_t rgb[3])
{
	if (fb->tpixel == 3)
		memcpy(rgb, p, 3);
	else
		vnc_fb_pixel_rgb(fb, p, rgb);
}

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
	int warned;
	char msg[JMSG_LENGTH_MAX];
};

static void jpeg_exit(j_common_ptr ci)
{
	struct jerr *e = (struct jerr *)ci->err;

	(*ci->err->format_message)(ci, e->msg);
	longjmp(e->jb, 1);
}

/* Warnings (corrupt data, a premature end) are errors here. */
static void jpeg_emit(j_common_ptr ci, int level)
{
	struct jerr *e = (struct jerr *)ci->err;

	if (level < 0 && !e->warned) {
		e->warned = 1;
		(*ci->err->format_message)(ci, e->msg);
	}
}

static int decode_jpeg(struct vnc_decoder *d, const struct vnc_rect *r, const uint8_t *p, size_t n)
{
	struct jpeg_decompress_struct ci;
	struct jerr e;
	struct vnc_fb *fb = d->fb;

	memset(&e, 0, sizeof e);
	ci.err = jpeg_std_error(&e.mgr);
	e.mgr.error_exit = jpeg_exit;
	e.mgr.emit_message = jpeg_emit;
	if (setjmp(e.jb)) {
		jpeg_destroy_decompress(&ci);
		return fail(d, "Tight JPEG: ", e.msg);
	}
	jpeg_create_decompress(&ci);
	jpeg_mem_src(&ci, p, (unsigned long)n);
	jpeg_read_header(&ci, TRUE);
	if ((int)ci.image_width != r->w || (int)ci.image_height != r->h) {
		jpeg_destroy_decompress(&ci);
		return fail(d, "", "Tight JPEG: the picture's size is not the rectangle's");
	}
	ci.out_color_space = JCS_RGB;
	jpeg_start_decompress(&ci);
	if (ci.output_components != 3 || (int)ci.output_width != r->w) {
		jpeg_destroy_decompress(&ci);
		return fail(d, "", "Tight JPEG: not an RGB picture of the rectangle's size");
	}
	while (ci.output_scanline < ci.output_height && !e.warned) {
		JSAMPROW row =
		    fb->rgb + ((size_t)(r->y + (int)ci.output_scanline) * fb->w + r->x) * 3;

		jpeg_read_scanlines(&ci, &row, 1);
	}
	if (!e.warned)
		jpeg_finish_decompress(&ci);
	jpeg_destroy_decompress(&ci);
	if (e.warned)
		return fail(d, "Tight JPEG: ", e.msg);
	return 0;
}

static void tight_gradient(struct vnc_fb *fb, const struct vnc_rect *r, const uint8_t *src)
{
	int i, j, c;

	for (j = 0; j < r->h; j++)
		for (i = 0; i < r->w; i++)
			for (c = 0; c < 3; c++) {
				uint8_t *row = fb->rgb + ((size_t)(r->y + j) * fb->w + r->x) * 3;
				uint8_t *up = row - (size_t)fb->w * 3;
				int left = i > 0 ? row[3 * (i - 1) + c] : 0;
				int above = j > 0 ? up[3 * i + c] : 0;
				int corner = i > 0 && j > 0 ? up[3 * (i - 1) + c] : 0;
				int pred = left + above - corner;

				pred = pred < 0 ? 0 : pred > 255 ? 255 : pred;
				row[3 * i + c] =
				    (uint8_t)(pred + src[((size_t)j * r->w + i) * 3 + c]);
			}
}

static void tight_pixels(struct vnc_fb *fb, const struct vnc_rect *r, int filter, int ncol,
			 uint8_t pal[][3], const uint8_t *src)
{
	int i, j;

	if (filter == 2) {
		tight_gradient(fb, r, src);
		return;
	}
	for (j = 0; j < r->h; j++)
		for (i = 0; i < r->w; i++) {
			uint8_t rgb[3];

			if (filter == 0) {
				tpixel_rgb(fb, src + ((size_t)j * r->w + i) * fb->tpixel, rgb);
				put(fb, r->x + i, r->y + j, rgb);
			} else if (ncol == 2) {
				size_t rowb = ((size_t)r->w + 7) / 8;
				int bit = (src[j * rowb + i / 8] >> (7 - i % 8)) & 1;

				put(fb, r->x + i, r->y + j, pal[bit]);
			} else {
				put(fb, r->x + i, r->y + j, pal[src[(size_t)j * r->w + i]]);
			}
		}
}

static ssize_t decode_tight(struct vnc_decoder *d, const struct vnc_rect *r, const uint8_t *buf,
			    size_t len, int *more, int *jpeg)
{
	struct vnc_fb *fb = d->fb;
	struct cur c = {buf, len};
	uint8_t pal[256][3];
	const uint8_t *b, *data;
	size_t datalen = 0, zlen = 0, got;
	int ctl, type, filter = 0, ncol = 0, i, rc, compressed = 0;

	b = take(&c, 1);
	if (b == NULL)
		goto need;
	ctl = *b;
	type = ctl >> 4;
	if (type == 8) {
		b = take(&c, (size_t)fb->tpixel);
		if (b == NULL)
			goto need;
		tpixel_rgb(fb, b, pal[0]);
	} else if (type == 9) {
		rc = compact_len(&c, &zlen);
		if (rc == 0 || (data = take(&c, zlen)) == NULL)
			goto need;
	} else if (type > 9) {
		return fail(d, "", "Tight: unknown compression type (PNG was not asked for)");
	} else {
		if (type & 4) {
			b = take(&c, 1);
			if (b == NULL)
				goto need;
			filter = *b;
		}
		if (filter > 2)
			return fail(d, "", "Tight: unknown filter");
		if (filter == 2 && fb->tpixel != 3)
			return fail(d, "", "Tight: gradient filter needs 24-bit colour");
		datalen = (size_t)r->w * r->h * fb->tpixel;
		if (filter == 1) {
			b = take(&c, 1);
			if (b == NULL)
				goto need;
			ncol = *b + 1;
			b = take(&c, (size_t)ncol * fb->tpixel);
			if (b == NULL)
				goto need;
			for (i = 0; i < ncol; i++)
				tpixel_rgb(fb, b + (size_t)i * fb->tpixel, pal[i]);
			datalen = ncol == 2 ? ((size_t)r->w + 7) / 8 * r->h : (size_t)r->w * r->h;
		}
		if (datalen < 12) {
			data = take(&c, datalen);
			if (data == NULL)
				goto need;
			zlen = 0;
		} else {
			rc = compact_len(&c, &zlen);
			if (rc == 0 || (data = take(&c, zlen)) == NULL)
				goto need;
			compressed = 1;
		}
	}
	/* All of the rectangle is here: reset the streams it asks to, then decode. */
	for (i = 0; i < 4; i++)
		if ((ctl & (1 << i)) && d->tight_live[i])
			inflateReset(&d->tight[i]);
	if (type == 8) {
		vnc_fb_fill(fb, r->x, r->y, r->w, r->h, pal[0]);
	} else if (type == 9) {
		*jpeg = 1;
		if (decode_jpeg(d, r, data, zlen) != 0)
			return -1;
	} else {
		if (compressed) {
			int s = type & 3;

			if (inflate_all(d, &d->tight[s], &d->tight_live[s], data, zlen, datalen,
					&got) != 0)
				return -1;
			if (got != datalen)
				return fail(d, "", "Tight: compressed data is short");
			data = d->buf;
		}
		if (filter == 1 && ncol > 2)
			for (i = 0; (size_t)i < datalen; i++)
				if (data[i] >= ncol)
					return fail(d, "", "Tight: palette index out of range");
		tight_pixels(fb, r, filter, ncol, pal, data);
	}
	return (ssize_t)(len - c.n);
need:
	*more = 1;
	return 0;
}

static ssize_t decode_one(struct vnc_decoder *d, const struct vnc_rect *r, const uint8_t *buf,
			  size_t len, int *more, int *jpeg);

/* Between rectangles, a large inflate buffer is given back: a wall of idle
 * screens keeps only its framebuffers. */
ssize_t vnc_decode_rect(struct vnc_decoder *d, const struct vnc_rect *r, const uint8_t *buf,
			size_t len, int *more, int *jpeg)
{
	ssize_t n = decode_one(d, r, buf, len, more, jpeg);

	if (d->cap > VNC_DECODE_KEEP) {
		free(d->buf);
		d->buf = NULL;
		d->cap = 0;
	}
	return n;
}

static ssize_t decode_one(struct vnc_decoder *d, const struct vnc_rect *r, const uint8_t *buf,
			  size_t len, int *more, int *jpeg)
{
	struct vnc_fb *fb = d->fb;
	size_t need;

	*more = 0;
	if (!vnc_fb_rect_ok(fb, r->x, r->y, r->w, r->h)) {
		snprintf(d->error, sizeof d->error,
			 "rectangle %dx%d at %d,%d is outside the %dx%d screen", r->w, r->h, r->x,
			 r->y, fb->w, fb->h);
		return -1;
	}
	switch (r->enc) {
	case VNC_ENC_RAW:
		need = (size_t)r->w * r->h * fb->bytes;
		if (len < need) {
			*more = 1;
			return 0;
		}
		vnc_fb_put_raw(fb, r->x, r->y, r->w, r->h, buf);
		return (ssize_t)need;
	case VNC_ENC_COPYRECT: {
		int sx, sy;

		if (len < 4) {
			*more = 1;
			return 0;
		}
		sx = buf[0] << 8 | buf[1];
		sy = buf[2] << 8 | buf[3];
		if (!vnc_fb_rect_ok(fb, sx, sy, r->w, r->h))
			return fail(d, "", "CopyRect: the source is outside the screen");
		vnc_fb_copy(fb, r->x, r->y, r->w, r->h, sx, sy);
		return 4;
	}
	case VNC_ENC_ZRLE:
		return decode_zrle(d, r, buf, len, more);
	case VNC_ENC_TIGHT:
		return decode_tight(d, r, buf, len, more, jpeg);
	case VNC_ENC_HEXTILE:
		return decode_hextile(d, r, buf, len, more);
	default:
		snprintf(d->error, sizeof d->error, "the server used encoding %d, never asked for",
			 (int)r->enc);
		return -1;
	}
}
