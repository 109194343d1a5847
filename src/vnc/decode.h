/*
 * vnc/decode.h - RFB rectangle decoders: Raw, CopyRect, Hextile, ZRLE and
 * Tight (with JPEG), into a vnc_fb (vnc/fb.h).  Pure codecs over buffers.
 *
 * A rectangle is decoded only once all its bytes are in the buffer: the
 * call returns 0 ("more, please") without touching anything until then,
 * so the persistent zlib streams (one for ZRLE, four for Tight, as RFC 6143
 * and the Tight spec require) only ever see whole rectangles.  Every
 * rectangle is checked against the framebuffer before a pixel is written,
 * every length against what is left of the buffer and against a cap, and
 * every inflate against the exact (Tight) or greatest possible (ZRLE)
 * size of its output: a zlib bomb is an error, not an allocation.
 */
#ifndef BMCTOP_VNC_DECODE_H
#define BMCTOP_VNC_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <zlib.h>

#include "vnc/fb.h"

enum vnc_encoding {
	VNC_ENC_RAW = 0,
	VNC_ENC_COPYRECT = 1,
	VNC_ENC_HEXTILE = 5,
	VNC_ENC_TIGHT = 7,
	VNC_ENC_ZRLE = 16,
	VNC_ENC_JPEG_QUALITY_8 = -24, /* Tight's JPEG quality 8 (of 0..9) */
	VNC_ENC_DESKTOPSIZE = -223,
	VNC_ENC_LASTRECT = -224,
};

#define VNC_ZRLE_MAX_LEN  (64 * 1024 * 1024)
#define VNC_TIGHT_MAX_LEN (4 * 1024 * 1024) /* what a compact length can say */
#define VNC_DECODE_KEEP	  (256 * 1024)	    /* inflate buffer kept between rectangles */

struct vnc_rect {
	int x, y, w, h;
	int32_t enc;
};

struct vnc_decoder {
	struct vnc_fb *fb;
	z_stream zrle;
	z_stream tight[4];
	int zrle_live, tight_live[4];
	uint8_t *buf; /* inflated bytes */
	size_t cap;
	char error[256];
};

void vnc_decoder_init(struct vnc_decoder *d, struct vnc_fb *fb);
void vnc_decoder_free(struct vnc_decoder *d);
/* Whether enc is one vnc_decode_rect knows (pseudo-encodings excepted). */
int vnc_decode_known(int32_t enc);
/* A short name for logs: "ZRLE", "Tight", ... */
const char *vnc_encoding_name(int32_t enc);
/*
 * Decode one rectangle whose header said r, from its payload at buf.
 * Returns the bytes used (> 0, or 0 for a payload that is empty), 0 with
 * *more set when the payload has not all arrived, or -1 with d->error.
 * Tight's JPEG rectangles set *jpeg (for the log of what was used).
 */
ssize_t vnc_decode_rect(struct vnc_decoder *d, const struct vnc_rect *r, const uint8_t *buf,
			size_t len, int *more, int *jpeg);

#endif
