/*
 * tui/pixels.c - pictures into terminal bytes: the kitty graphics
 * protocol, DEC sixel with a median-cut palette, and half-blocks.
 * See tui/pixels.h.  Base64 is OpenSSL's.
 */
#include "config.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/pixels.h"

static const char *const method_names[] = {"auto", "kitty", "sixel", "blocks", "none"};

const char *pix_method_name(enum pix_method m)
{
	return (unsigned)m < sizeof method_names / sizeof method_names[0] ? method_names[m] : "?";
}

int pix_method_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof method_names / sizeof method_names[0]; i++)
		if (strcmp(s, method_names[i]) == 0)
			return (int)i;
	return -1;
}

static int env_is(const char *(*env)(const char *), const char *name, const char *value)
{
	const char *v = env(name);

	return v != NULL && strcmp(v, value) == 0;
}

static int env_set(const char *(*env)(const char *), const char *name)
{
	const char *v = env(name);

	return v != NULL && v[0] != '\0';
}

enum pix_method pix_detect(const char *(*env)(const char *name))
{
	static const char *const sixel_terms[] = {"foot", "foot-extra", "mlterm", "contour",
						  "xterm-sixel"};
	const char *term = env("TERM");
	size_t i;

	/* tmux passes neither protocol through reliably. */
	if (env_set(env, "TMUX") || (term != NULL && strncmp(term, "tmux", 4) == 0))
		return PIX_BLOCKS;
	if (env_is(env, "TERM", "xterm-kitty") || env_set(env, "KITTY_WINDOW_ID") ||
	    env_is(env, "TERM_PROGRAM", "WezTerm") || env_is(env, "TERM_PROGRAM", "ghostty") ||
	    env_is(env, "TERM", "xterm-ghostty") || env_set(env, "KONSOLE_VERSION"))
		return PIX_KITTY;
	for (i = 0; term != NULL && i < sizeof sixel_terms / sizeof sixel_terms[0]; i++)
		if (strcmp(term, sixel_terms[i]) == 0)
			return PIX_SIXEL;
	return PIX_BLOCKS;
}

/* The byte string. */

void pix_out_add(struct pix_out *o, const void *p, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;

		while (cap < o->len + n + 1)
			cap *= 2;
		o->s = xrealloc(o->s, cap);
		o->cap = cap;
	}
	memcpy(o->s + o->len, p, n);
	o->len += n;
	o->s[o->len] = '\0';
}

void pix_out_printf(struct pix_out *o, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		pix_out_add(o, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void pix_out_free(struct pix_out *o)
{
	free(o->s);
	memset(o, 0, sizeof *o);
}

/* Sizes (scaling is vnc_fb_scale()'s). */

void pix_fit(int sw, int sh, int max_w, int max_h, int ystretch, int *w, int *h)
{
	/* Height in the unit of width: sh / ystretch. */
	long ww = max_w, hh;

	if (sw <= 0 || sh <= 0 || max_w <= 0 || max_h <= 0) {
		*w = *h = 0;
		return;
	}
	hh = (long)ww * sh / ((long)sw * ystretch);
	if (hh > max_h) {
		hh = max_h;
		ww = (long)hh * sw * ystretch / sh;
	}
	*w = ww > 0 ? (int)ww : 1;
	*h = hh > 0 ? (int)hh : 1;
}

/* Kitty. */

void pix_kitty(struct pix_out *o, const uint8_t *rgb, int w, int h, int cols, int rows, unsigned id)
{
	/* 3072 raw bytes make 4096 of base64: every chunk but the last a
	 * multiple of 4, as the protocol asks. */
	size_t total = (size_t)w * (size_t)h * 3, off = 0, raw = PIX_KITTY_CHUNK / 4 * 3;
	unsigned char b64[PIX_KITTY_CHUNK + 1];
	int first = 1;

	do {
		size_t n = total - off < raw ? total - off : raw;
		int len = EVP_EncodeBlock(b64, rgb + off, (int)n);
		int more = off + n < total;

		if (first)
			pix_out_printf(o, "\033_Ga=T,f=24,s=%d,v=%d,c=%d,r=%d,i=%u,C=1,q=2,m=%d;",
				       w, h, cols, rows, id, more);
		else
			pix_out_printf(o, "\033_Gq=2,m=%d;", more);
		pix_out_add(o, b64, (size_t)len);
		pix_out_add(o, "\033\\", 2);
		first = 0;
		off += n;
	} while (off < total);
}

void pix_kitty_delete(struct pix_out *o, unsigned id)
{
	pix_out_printf(o, "\033_Ga=d,d=I,i=%u,q=2\033\\", id);
}

/* Palettes. */

struct box {
	int lo[3], hi[3]; /* 5-bit channel bounds, inclusive */
	unsigned long count;
};

#define BIN(r, g, b) (((r) >> 3) << 10 | ((g) >> 3) << 5 | ((b) >> 3))

static void box_shrink(struct box *b, const unsigned *hist)
{
	int lo[3] = {31, 31, 31}, hi[3] = {0, 0, 0}, r, g, bl;

	b->count = 0;
	for (r = b->lo[0]; r <= b->hi[0]; r++)
		for (g = b->lo[1]; g <= b->hi[1]; g++)
			for (bl = b->lo[2]; bl <= b->hi[2]; bl++) {
				unsigned n = hist[r << 10 | g << 5 | bl];
				int v[3] = {r, g, bl}, c;

				if (n == 0)
					continue;
				b->count += n;
				for (c = 0; c < 3; c++) {
					if (v[c] < lo[c])
						lo[c] = v[c];
					if (v[c] > hi[c])
						hi[c] = v[c];
				}
			}
	if (b->count > 0) {
		memcpy(b->lo, lo, sizeof lo);
		memcpy(b->hi, hi, sizeof hi);
	}
}

/* Count of pixels in b whose channel c is at most v. */
static unsigned long box_count_upto(const struct box *b, const unsigned *hist, int c, int v)
{
	int lo[3], hi[3], r, g, bl;
	unsigned long n = 0;

	memcpy(lo, b->lo, sizeof lo);
	memcpy(hi, b->hi, sizeof hi);
	hi[c] = v;
	for (r = lo[0]; r <= hi[0]; r++)
		for (g = lo[1]; g <= hi[1]; g++)
			for (bl = lo[2]; bl <= hi[2]; bl++)
				n += hist[r << 10 | g << 5 | bl];
	return n;
}

static void box_mean(const struct box *b, const unsigned *hist, uint8_t out[3])
{
	unsigned long sum[3] = {0, 0, 0}, n = 0;
	int r, g, bl;

	for (r = b->lo[0]; r <= b->hi[0]; r++)
		for (g = b->lo[1]; g <= b->hi[1]; g++)
			for (bl = b->lo[2]; bl <= b->hi[2]; bl++) {
				unsigned k = hist[r << 10 | g << 5 | bl];

				sum[0] += (unsigned long)k * (unsigned long)(r << 3 | r >> 2);
				sum[1] += (unsigned long)k * (unsigned long)(g << 3 | g >> 2);
				sum[2] += (unsigned long)k * (unsigned long)(bl << 3 | bl >> 2);
				n += k;
			}
	if (n == 0)
		n = 1;
	out[0] = (uint8_t)(sum[0] / n);
	out[1] = (uint8_t)(sum[1] / n);
	out[2] = (uint8_t)(sum[2] / n);
}

int pix_palette_median_cut(const uint8_t *rgb, size_t npix, int max, uint8_t pal[][3])
{
	unsigned *hist = xcalloc(32768, sizeof *hist);
	struct box *boxes;
	int nb = 1, i;
	size_t p;

	if (max < 1)
		max = 1;
	if (max > 256)
		max = 256;
	boxes = xcalloc((size_t)max, sizeof *boxes);
	for (p = 0; p < npix; p++)
		hist[BIN(rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2])]++;
	boxes[0].hi[0] = boxes[0].hi[1] = boxes[0].hi[2] = 31;
	box_shrink(&boxes[0], hist);
	while (nb < max) {
		int best = -1, bc = 0, span = 0, c, lo, hi;

		/* The box with the longest side that can still be split. */
		for (i = 0; i < nb; i++)
			for (c = 0; c < 3; c++)
				if (boxes[i].hi[c] - boxes[i].lo[c] > span) {
					span = boxes[i].hi[c] - boxes[i].lo[c];
					best = i;
					bc = c;
				}
		if (best < 0)
			break;
		/* The median along that side. */
		lo = boxes[best].lo[bc];
		hi = boxes[best].hi[bc] - 1;
		while (lo < hi) {
			int mid = (lo + hi) / 2;

			if (box_count_upto(&boxes[best], hist, bc, mid) * 2 < boxes[best].count)
				lo = mid + 1;
			else
				hi = mid;
		}
		boxes[nb] = boxes[best];
		boxes[best].hi[bc] = lo;
		boxes[nb].lo[bc] = lo + 1;
		box_shrink(&boxes[best], hist);
		box_shrink(&boxes[nb], hist);
		nb++;
	}
	for (i = 0; i < nb; i++)
		box_mean(&boxes[i], hist, pal[i]);
	free(boxes);
	free(hist);
	return nb;
}

static const uint8_t cube_level[6] = {0, 95, 135, 175, 215, 255};

int pix_palette_fixed(uint8_t pal[][3])
{
	int i, n = 0;

	for (i = 0; i < 216; i++, n++) {
		pal[n][0] = cube_level[i / 36];
		pal[n][1] = cube_level[i / 6 % 6];
		pal[n][2] = cube_level[i % 6];
	}
	for (i = 0; i < 24; i++, n++)
		pal[n][0] = pal[n][1] = pal[n][2] = (uint8_t)(8 + 10 * i);
	return n;
}

static long dist2(const uint8_t a[3], const uint8_t b[3])
{
	long d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2];

	return d0 * d0 + d1 * d1 + d2 * d2;
}

int pix_palette_nearest(const uint8_t pal[][3], int n, const uint8_t rgb[3])
{
	long best = -1;
	int i, bi = 0;

	for (i = 0; i < n; i++) {
		long d = dist2(pal[i], rgb);

		if (best < 0 || d < best) {
			best = d;
			bi = i;
		}
	}
	return bi;
}

/* Sixel. */

/* One colour's row of sixel characters, run-length coded. */
static void sixel_run(struct pix_out *o, int ch, int n)
{
	char c = (char)ch;

	if (n >= 4) {
		pix_out_printf(o, "!%d%c", n, c);
		return;
	}
	while (n-- > 0)
		pix_out_add(o, &c, 1);
}

static void sixel_band(struct pix_out *o, const uint8_t *idx, int w, int h, int y0, int ncol,
		       int *lo, int *hi)
{
	int c, x, k, first = 1;

	for (c = 0; c < ncol; c++)
		lo[c] = -1;
	for (k = 0; k < 6 && y0 + k < h; k++)
		for (x = 0; x < w; x++) {
			c = idx[(size_t)(y0 + k) * (size_t)w + (size_t)x];
			if (lo[c] < 0 || x < lo[c])
				lo[c] = x;
			if (x > hi[c])
				hi[c] = x;
		}
	for (c = 0; c < ncol; c++) {
		int run = 0, prev = -1;

		if (lo[c] < 0)
			continue;
		if (!first)
			pix_out_add(o, "$", 1);
		first = 0;
		pix_out_printf(o, "#%d", c);
		/* Columns before lo[c] are empty: one run of '?'. */
		prev = '?';
		run = lo[c];
		for (x = lo[c]; x <= hi[c]; x++) {
			int bits = 0;

			for (k = 0; k < 6 && y0 + k < h; k++)
				if (idx[(size_t)(y0 + k) * (size_t)w + (size_t)x] == c)
					bits |= 1 << k;
			if (63 + bits == prev) {
				run++;
				continue;
			}
			sixel_run(o, prev, run);
			prev = 63 + bits;
			run = 1;
		}
		sixel_run(o, prev, run);
	}
}

void pix_sixel(struct pix_out *o, const uint8_t *rgb, int w, int h, int ncolors)
{
	uint8_t(*pal)[3] = xcalloc(256, sizeof *pal);
	uint8_t *idx = xmalloc((size_t)w * (size_t)h);
	int16_t *cache = xmalloc(32768 * sizeof *cache);
	int *lo = xcalloc(256, sizeof *lo), *hi = xcalloc(256, sizeof *hi);
	int n, i, y;
	size_t p, npix = (size_t)w * (size_t)h;

	n = ncolors > 0 ? pix_palette_median_cut(rgb, npix, ncolors, pal) : pix_palette_fixed(pal);
	memset(cache, 0xff, 32768 * sizeof *cache);
	for (p = 0; p < npix; p++) {
		unsigned b = BIN(rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2]);

		if (cache[b] < 0)
			cache[b] =
			    (int16_t)pix_palette_nearest((const uint8_t(*)[3])pal, n, rgb + p * 3);
		idx[p] = (uint8_t)cache[b];
	}
	/* DCS 0;1 q: pixels not drawn keep what is behind them. */
	pix_out_printf(o, "\033P0;1q\"1;1;%d;%d", w, h);
	for (i = 0; i < n; i++)
		pix_out_printf(o, "#%d;2;%d;%d;%d", i, (pal[i][0] * 100 + 127) / 255,
			       (pal[i][1] * 100 + 127) / 255, (pal[i][2] * 100 + 127) / 255);
	for (y = 0; y < h; y += 6) {
		for (i = 0; i < n; i++)
			hi[i] = -1;
		sixel_band(o, idx, w, h, y, n, lo, hi);
		if (y + 6 < h)
			pix_out_add(o, "-", 1);
	}
	pix_out_add(o, "\033\\", 2);
	free(lo);
	free(hi);
	free(cache);
	free(idx);
	free(pal);
}

/* Half-blocks. */

int pix_xterm256(uint8_t r, uint8_t g, uint8_t b)
{
	uint8_t want[3] = {r, g, b}, c[3], grey[3];
	int i, ci[3], gi;

	for (i = 0; i < 3; i++) {
		int v = want[i];

		ci[i] = v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40;
		c[i] = cube_level[ci[i]];
	}
	gi = ((r + g + b) / 3 - 3) / 10;
	if (gi < 0)
		gi = 0;
	if (gi > 23)
		gi = 23;
	grey[0] = grey[1] = grey[2] = (uint8_t)(8 + 10 * gi);
	if (dist2(grey, want) < dist2(c, want))
		return 232 + gi;
	return 16 + 36 * ci[0] + 6 * ci[1] + ci[2];
}

static void sgr_colour(struct pix_out *o, int ground, const uint8_t *p, enum pix_blocks_mode mode)
{
	if (mode == PIX_256)
		pix_out_printf(o, "%d;5;%d", ground, pix_xterm256(p[0], p[1], p[2]));
	else
		pix_out_printf(o, "%d;2;%d;%d;%d", ground, p[0], p[1], p[2]);
}

void pix_blocks(struct pix_out *o, const uint8_t *rgb, int w, int h, int y, int x,
		enum pix_blocks_mode mode)
{
	int r, c;

	for (r = 0; r < (h + 1) / 2; r++) {
		uint8_t pfg[3] = {0, 0, 0}, pbg[3] = {0, 0, 0};
		int have = 0;

		pix_out_printf(o, "\033[%d;%dH", y + r, x);
		for (c = 0; c < w; c++) {
			const uint8_t *up = rgb + ((size_t)(2 * r) * (size_t)w + (size_t)c) * 3;
			const uint8_t *dn = 2 * r + 1 < h ? up + (size_t)w * 3 : up;
			uint8_t avg[3];

			if (mode == PIX_ASCII) {
				avg[0] = (uint8_t)((up[0] + dn[0]) / 2);
				avg[1] = (uint8_t)((up[1] + dn[1]) / 2);
				avg[2] = (uint8_t)((up[2] + dn[2]) / 2);
				if (!have || memcmp(avg, pbg, 3) != 0) {
					pix_out_add(o, "\033[", 2);
					sgr_colour(o, 48, avg, PIX_RGB);
					pix_out_add(o, "m", 1);
					memcpy(pbg, avg, 3);
				}
				pix_out_add(o, " ", 1);
				have = 1;
				continue;
			}
			if (!have || memcmp(up, pfg, 3) != 0 || memcmp(dn, pbg, 3) != 0) {
				pix_out_add(o, "\033[", 2);
				sgr_colour(o, 38, up, mode);
				pix_out_add(o, ";", 1);
				sgr_colour(o, 48, dn, mode);
				pix_out_add(o, "m", 1);
				memcpy(pfg, up, 3);
				memcpy(pbg, dn, 3);
			}
			pix_out_add(o, "\xe2\x96\x80", 3);
			have = 1;
		}
		pix_out_add(o, "\033[0m", 4);
	}
}
