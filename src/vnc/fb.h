/*
 * vnc/fb.h - a framebuffer decoded from RFB, kept as RGB888 (3 bytes a
 * pixel, rows top to bottom), and the server's pixel format turned into it.
 *
 * Pure: no I/O.  Every write names a rectangle that fb_rect_ok() has
 * checked against the framebuffer's size first; the size itself is capped
 * (VNC_FB_MAX_SIDE, VNC_FB_MAX_PIXELS), so a hostile ServerInit cannot make
 * bmctop allocate gigabytes.
 */
#ifndef BMCTOP_VNC_FB_H
#define BMCTOP_VNC_FB_H

#include <stddef.h>
#include <stdint.h>

#define VNC_FB_MAX_SIDE	  8192
#define VNC_FB_MAX_PIXELS (4096 * 4096)

/* RFC 6143 7.4: PIXEL_FORMAT. */
struct vnc_pixfmt {
	uint8_t bpp, depth, big_endian, true_colour;
	uint16_t red_max, green_max, blue_max;
	uint8_t red_shift, green_shift, blue_shift;
};

struct vnc_fb {
	int w, h;
	uint8_t *rgb; /* w * h * 3 */
	struct vnc_pixfmt pf;
	int bytes;     /* bytes of a pixel on the wire (bpp / 8) */
	int cpixel;    /* ZRLE's CPIXEL size */
	int cpix_high; /* CPIXEL is the most significant 3 bytes */
	int tpixel;    /* Tight's TPIXEL size (3: R, G, B bytes) */
};

/* The 32-bit true-colour format bmctop asks for (little-endian, shifts 16/8/0). */
void vnc_pixfmt_default(struct vnc_pixfmt *pf);
/* Parse the 16 bytes of a PIXEL_FORMAT.  0, or -1 when bmctop cannot use it
 * (not true colour, bpp other than 8/16/32, a max of 0, a shift past bpp). */
int vnc_pixfmt_parse(struct vnc_pixfmt *pf, const uint8_t p[16]);
void vnc_pixfmt_write(const struct vnc_pixfmt *pf, uint8_t out[16]);

/* Allocate a black framebuffer.  0, or -1 when the size is 0 or over the caps. */
int vnc_fb_init(struct vnc_fb *fb, int w, int h, const struct vnc_pixfmt *pf);
/* A new size (DesktopSize): the picture is black again.  0 or -1. */
int vnc_fb_resize(struct vnc_fb *fb, int w, int h);
void vnc_fb_set_format(struct vnc_fb *fb, const struct vnc_pixfmt *pf);
void vnc_fb_free(struct vnc_fb *fb);

/* The rectangle lies inside the framebuffer (and is not empty-overflowing). */
int vnc_fb_rect_ok(const struct vnc_fb *fb, int x, int y, int w, int h);

/* A pixel value (already assembled from its bytes) to R, G, B. */
void vnc_fb_value_rgb(const struct vnc_fb *fb, uint32_t v, uint8_t rgb[3]);
/* One wire pixel (fb->bytes bytes) to R, G, B. */
void vnc_fb_pixel_rgb(const struct vnc_fb *fb, const uint8_t *p, uint8_t rgb[3]);
/* One ZRLE CPIXEL (fb->cpixel bytes) to R, G, B. */
void vnc_fb_cpixel_rgb(const struct vnc_fb *fb, const uint8_t *p, uint8_t rgb[3]);

/* Fill a checked rectangle with one colour. */
void vnc_fb_fill(struct vnc_fb *fb, int x, int y, int w, int h, const uint8_t rgb[3]);
/* Raw pixels (w * h wire pixels) into a checked rectangle. */
void vnc_fb_put_raw(struct vnc_fb *fb, int x, int y, int w, int h, const uint8_t *pixels);
/* CopyRect: both rectangles checked; overlapping is fine. */
void vnc_fb_copy(struct vnc_fb *fb, int dx, int dy, int w, int h, int sx, int sy);

/* Scale the whole picture to out (ow * oh * 3), each output pixel the mean
 * of the source pixels it covers (box filter). */
void vnc_fb_scale(const struct vnc_fb *fb, uint8_t *out, int ow, int oh);

#endif
