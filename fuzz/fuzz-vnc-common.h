/*
 * fuzz-vnc-common.h - the shared body of the fuzz-vnc-* targets: a small
 * framebuffer in a pixel format and size the input picks, then
 * rectangles of one encoding, one after another on the same decoder (so
 * the persistent zlib streams carry over), each tried with half its bytes
 * first (which must answer "more" without a trace) and then whole.  Consumption must never run past the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnc/decode.h"
#include "vnc/fb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void pick_format(struct vnc_pixfmt *pf, uint8_t b)
{
	vnc_pixfmt_default(pf);
	switch (b % 4) {
	case 1: /* 16-bit 565 big-endian */
		pf->bpp = 16;
		pf->depth = 16;
		pf->big_endian = 1;
		pf->red_max = 31;
		pf->green_max = 63;
		pf->blue_max = 31;
		pf->red_shift = 11;
		pf->green_shift = 5;
		pf->blue_shift = 0;
		break;
	case 2: /* 8-bit 332 */
		pf->bpp = 8;
		pf->depth = 8;
		pf->red_max = 7;
		pf->green_max = 7;
		pf->blue_max = 3;
		pf->red_shift = 5;
		pf->green_shift = 2;
		pf->blue_shift = 0;
		break;
	case 3: /* 32-bit, colours in the top 3 bytes */
		pf->red_shift = 24;
		pf->green_shift = 16;
		pf->blue_shift = 8;
		break;
	default:
		break;
	}
}

static int fuzz_rects(const uint8_t *data, size_t size, int32_t enc)
{
	struct vnc_pixfmt pf;
	struct vnc_fb fb;
	struct vnc_decoder d;
	int n;

	if (size < 3)
		return 0;
	pick_format(&pf, data[0]);
	if (vnc_fb_init(&fb, 1 + data[1] % 160, 1 + data[2] % 130, &pf) != 0)
		abort();
	vnc_decoder_init(&d, &fb);
	data += 3;
	size -= 3;
	for (n = 0; n < 64 && size >= 4; n++) {
		struct vnc_rect r = {data[0] % 200, data[1] % 160, data[2] % 200, data[3] % 160,
				     enc};
		int more = 0, jpeg = 0;
		ssize_t used;

		data += 4;
		size -= 4;
		/* Half first: "more" must leave no trace; then all of it. */
		used = vnc_decode_rect(&d, &r, data, size / 2, &more, &jpeg);
		if (more)
			used = vnc_decode_rect(&d, &r, data, size, &more, &jpeg);
		if (used < 0 || more)
			break;
		if ((size_t)used > size)
			abort();
		data += used;
		size -= (size_t)used;
	}
	vnc_decoder_free(&d);
	vnc_fb_free(&fb);
	return 0;
}
