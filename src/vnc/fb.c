/*
 * vnc/fb.c - the RGB888 framebuffer and pixel-format conversion (see fb.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "vnc/fb.h"

void vnc_pixfmt_default(struct vnc_pixfmt *pf)
{
	memset(pf, 0, sizeof *pf);
	pf->bpp = 32;
	pf->depth = 24;
	pf->true_colour = 1;
	pf->red_max = pf->green_max = pf->blue_max = 255;
	pf->red_shift = 16;
	pf->green_shift = 8;
	pf->blue_shift = 0;
}

static int max_ok(unsigned max, unsigned shift, unsigned bpp)
{
	return max > 0 && shift < bpp && (uint64_t)max << shift < (uint64_t)1 << bpp;
}

int vnc_pixfmt_parse(struct vnc_pixfmt *pf, const uint8_t p[16])
{
	pf->bpp = p[0];
	pf->depth = p[1];
	pf->big_endian = p[2] != 0;
	pf->true_colour = p[3] != 0;
	pf->red_max = (uint16_t)(p[4] << 8 | p[5]);
	pf->green_max = (uint16_t)(p[6] << 8 | p[7]);
	pf->blue_max = (uint16_t)(p[8] << 8 | p[9]);
	pf->red_shift = p[10];
	pf->green_shift = p[11];
	pf->blue_shift = p[12];
	if (pf->bpp != 8 && pf->bpp != 16 && pf->bpp != 32)
		return -1;
	if (!pf->true_colour)
		return -1;
	if (!max_ok(pf->red_max, pf->red_shift, pf->bpp) ||
	    !max_ok(pf->green_max, pf->green_shift, pf->bpp) ||
	    !max_ok(pf->blue_max, pf->blue_shift, pf->bpp))
		return -1;
	return 0;
}

void vnc_pixfmt_write(const struct vnc_pixfmt *pf, uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = pf->bpp;
	out[1] = pf->depth;
	out[2] = pf->big_endian;
	out[3] = pf->true_colour;
	out[4] = (uint8_t)(pf->red_max >> 8);
	out[5] = (uint8_t)pf->red_max;
	out[6] = (uint8_t)(pf->green_max >> 8);
	out[7] = (uint8_t)pf->green_max;
	out[8] = (uint8_t)(pf->blue_max >> 8);
	out[9] = (uint8_t)pf->blue_max;
	out[10] = pf->red_shift;
	out[11] = pf->green_shift;
	out[12] = pf->blue_shift;
}

static int size_ok(int w, int h)
{
	return w > 0 && h > 0 && w <= VNC_FB_MAX_SIDE && h <= VNC_FB_MAX_SIDE &&
	       (int64_t)w * h <= VNC_FB_MAX_PIXELS;
}

static int fits(const struct vnc_pixfmt *pf, int shift_min, int limit_bits)
{
	uint64_t lim = (uint64_t)1 << limit_bits;

	return pf->red_shift >= shift_min && pf->green_shift >= shift_min &&
	       pf->blue_shift >= shift_min && ((uint64_t)pf->red_max << pf->red_shift) < lim &&
	       ((uint64_t)pf->green_max << pf->green_shift) < lim &&
	       ((uint64_t)pf->blue_max << pf->blue_shift) < lim;
}

void vnc_fb_set_format(struct vnc_fb *fb, const struct vnc_pixfmt *pf)
{
	fb->pf = *pf;
	fb->bytes = pf->bpp / 8;
	fb->cpixel = fb->bytes;
	fb->cpix_high = 0;
	/* RFC 6143 7.7.6: 32 bpp, depth <= 24, every colour in 3 bytes. */
	if (pf->bpp == 32 && pf->depth <= 24 && pf->true_colour) {
		if (fits(pf, 0, 24)) {
			fb->cpixel = 3;
		} else if (fits(pf, 8, 32)) {
			fb->cpixel = 3;
			fb->cpix_high = 1;
		}
	}
	/* Tight: 3 bytes R, G, B for 32 bpp, depth 24, 8 bits each. */
	fb->tpixel = pf->bpp == 32 && pf->depth == 24 && pf->red_max == 255 &&
			     pf->green_max == 255 && pf->blue_max == 255
			 ? 3
			 : fb->bytes;
}

int vnc_fb_init(struct vnc_fb *fb, int w, int h, const struct vnc_pixfmt *pf)
{
	memset(fb, 0, sizeof *fb);
	if (!size_ok(w, h))
		return -1;
	fb->w = w;
	fb->h = h;
	fb->rgb = xcalloc((size_t)w * (size_t)h, 3);
	vnc_fb_set_format(fb, pf);
	return 0;
}

int vnc_fb_resize(struct vnc_fb *fb, int w, int h)
{
	if (!size_ok(w, h))
		return -1;
	free(fb->rgb);
	fb->w = w;
	fb->h = h;
	fb->rgb = xcalloc((size_t)w * (size_t)h, 3);
	return 0;
}

void vnc_fb_free(struct vnc_fb *fb)
{
	free(fb->rgb);
	fb->rgb = NULL;
	fb->w = fb->h = 0;
}

int vnc_fb_rect_ok(const struct vnc_fb *fb, int x, int y, int w, int h)
{
	return x >= 0 && y >= 0 && w >= 0 && h >= 0 && (int64_t)x + w <= fb->w &&
	       (int64_t)y + h <= fb->h;
}

static uint8_t scale8(uint32_t v, unsigned max)
{
	return (uint8_t)(max == 255 ? v : (v * 255 + max / 2) / max);
}

void vnc_fb_value_rgb(const struct vnc_fb *fb, uint32_t v, uint8_t rgb[3])
{
	const struct vnc_pixfmt *pf = &fb->pf;

	rgb[0] = scale8((v >> pf->red_shift) & pf->red_max, pf->red_max);
	rgb[1] = scale8((v >> pf->green_shift) & pf->green_max, pf->green_max);
	rgb[2] = scale8((v >> pf->blue_shift) & pf->blue_max, pf->blue_max);
}

static uint32_t assemble(const uint8_t *p, int n, int big)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint32_t)p[big ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

void vnc_fb_pixel_rgb(const struct vnc_fb *fb, const uint8_t *p, uint8_t rgb[3])
{
	vnc_fb_value_rgb(fb, assemble(p, fb->bytes, fb->pf.big_endian), rgb);
}

void vnc_fb_cpixel_rgb(const struct vnc_fb *fb, const uint8_t *p, uint8_t rgb[3])
{
	uint32_t v;

	if (fb->cpixel != 3) {
		vnc_fb_pixel_rgb(fb, p, rgb);
		return;
	}
	v = assemble(p, 3, fb->pf.big_endian);
	if (fb->cpix_high)
		v <<= 8;
	vnc_fb_value_rgb(fb, v, rgb);
}

void vnc_fb_fill(struct vnc_fb *fb, int x, int y, int w, int h, const uint8_t rgb[3])
{
	int i, j;

	for (j = 0; j < h; j++) {
		uint8_t *row = fb->rgb + ((size_t)(y + j) * fb->w + x) * 3;

		for (i = 0; i < w; i++)
			memcpy(row + 3 * i, rgb, 3);
	}
}

void vnc_fb_put_raw(struct vnc_fb *fb, int x, int y, int w, int h, const uint8_t *pixels)
{
	int i, j;

	for (j = 0; j < h; j++) {
		uint8_t *row = fb->rgb + ((size_t)(y + j) * fb->w + x) * 3;

		for (i = 0; i < w; i++) {
			vnc_fb_pixel_rgb(fb, pixels, row + 3 * i);
			pixels += fb->bytes;
		}
	}
}

void vnc_fb_copy(struct vnc_fb *fb, int dx, int dy, int w, int h, int sx, int sy)
{
	size_t stride = (size_t)fb->w * 3;
	int j;

	if (w == 0 || h == 0)
		return;
	if (dy <= sy) {
		for (j = 0; j < h; j++)
			memmove(fb->rgb + (size_t)(dy + j) * stride + (size_t)dx * 3,
				fb->rgb + (size_t)(sy + j) * stride + (size_t)sx * 3,
				(size_t)w * 3);
	} else {
		for (j = h - 1; j >= 0; j--)
			memmove(fb->rgb + (size_t)(dy + j) * stride + (size_t)dx * 3,
				fb->rgb + (size_t)(sy + j) * stride + (size_t)sx * 3,
				(size_t)w * 3);
	}
}

void vnc_fb_scale(const struct vnc_fb *fb, uint8_t *out, int ow, int oh)
{
	int ox, oy;

	for (oy = 0; oy < oh; oy++) {
		int y0 = (int)((int64_t)oy * fb->h / oh),
		    y1 = (int)((int64_t)(oy + 1) * fb->h / oh);

		if (y1 <= y0)
			y1 = y0 + 1;
		for (ox = 0; ox < ow; ox++) {
			int x0 = (int)((int64_t)ox * fb->w / ow);
			int x1 = (int)((int64_t)(ox + 1) * fb->w / ow);
			uint64_t sum[3] = {0, 0, 0}, n;
			int x, y, c;

			if (x1 <= x0)
				x1 = x0 + 1;
			for (y = y0; y < y1; y++)
				for (x = x0; x < x1; x++)
					for (c = 0; c < 3; c++)
						sum[c] += fb->rgb[((size_t)y * fb->w + x) * 3 + c];
			n = (uint64_t)(y1 - y0) * (uint64_t)(x1 - x0);
			for (c = 0; c < 3; c++)
				out[((size_t)oy * ow + ox) * 3 + c] = (uint8_t)(sum[c] / n);
		}
	}
}
