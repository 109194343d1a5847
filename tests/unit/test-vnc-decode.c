/*
 * unit/test-vnc-decode.c - the RFB rectangle decoders (vnc/decode.c) on
 * hand-built rectangles, good and hostile.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "runner.h"
#include "vnc/decode.h"
#include "vnc/fb.h"

static void setup(struct vnc_fb *fb, struct vnc_decoder *d, int w, int h)
{
	struct vnc_pixfmt pf;

	vnc_pixfmt_default(&pf);
	ASSERT_EQ(vnc_fb_init(fb, w, h, &pf), 0);
	vnc_decoder_init(d, fb);
}

static void done(struct vnc_fb *fb, struct vnc_decoder *d)
{
	vnc_decoder_free(d);
	vnc_fb_free(fb);
}

static const uint8_t *px(const struct vnc_fb *fb, int x, int y)
{
	return fb->rgb + ((size_t)y * fb->w + x) * 3;
}

TEST(vnc_decode_raw_and_copyrect)
{
	struct vnc_fb fb;
	struct vnc_decoder d;
	struct vnc_rect r = {1, 1, 2, 1, VNC_ENC_RAW};
	/* little-endian 32-bit: B, G, R, pad */
	uint8_t raw[8] = {0x30, 0x20, 0x10, 0, 0xff, 0, 0, 0}, cr[4] = {0, 1, 0, 1};
	int more, jpeg;

	setup(&fb, &d, 4, 3);
	ASSERT_EQ(vnc_decode_rect(&d, &r, raw, 7, &more, &jpeg), 0);
	ASSERT(more);
	ASSERT_EQ(vnc_decode_rect(&d, &r, raw, 8, &more, &jpeg), 8);
	ASSERT_MEMEQ(px(&fb, 1, 1), "\x10\x20\x30", 3);
	ASSERT_MEMEQ(px(&fb, 2, 1), "\x00\x00\xff", 3);
	r = (struct vnc_rect){0, 2, 2, 1, VNC_ENC_COPYRECT};
	ASSERT_EQ(vnc_decode_rect(&d, &r, cr, 4, &more, &jpeg), 4);
	ASSERT_MEMEQ(px(&fb, 0, 2), "\x10\x20\x30", 3);
	ASSERT_MEMEQ(px(&fb, 1, 2), "\x00\x00\xff", 3);
	/* Past the edge, and a CopyRect source past it. */
	r = (struct vnc_rect){3, 0, 2, 1, VNC_ENC_RAW};
	ASSERT_EQ(vnc_decode_rect(&d, &r, raw, 8, &more, &jpeg), -1);
	ASSERT_CONTAINS(d.error, "outside");
	r = (struct vnc_rect){0, 0, 2, 1, VNC_ENC_COPYRECT};
	cr[1] = 3;
	ASSERT_EQ(vnc_decode_rect(&d, &r, cr, 4, &more, &jpeg), -1);
	r = (struct vnc_rect){65535, 65535, 65535, 65535, VNC_ENC_RAW};
	ASSERT_EQ(vnc_decode_rect(&d, &r, raw, 8, &more, &jpeg), -1);
	r = (struct vnc_rect){0, 0, 1, 1, 6}; /* zlib: never asked for */
	ASSERT_EQ(vnc_decode_rect(&d, &r, raw, 8, &more, &jpeg), -1);
	done(&fb, &d);
}

/* A ZRLE payload: length, then the zlib data of tiles. */
static size_t zrle_payload(uint8_t *out, size_t cap, const uint8_t *tiles, size_t n)
{
	uLongf zl = (uLongf)(cap - 4);

	ASSERT_EQ(compress(out + 4, &zl, tiles, n), Z_OK);
	out[0] = (uint8_t)(zl >> 24);
	out[1] = (uint8_t)(zl >> 16);
	out[2] = (uint8_t)(zl >> 8);
	out[3] = (uint8_t)zl;
	return zl + 4;
}

TEST(vnc_decode_zrle)
{
	struct vnc_fb fb;
	struct vnc_decoder d;
	struct vnc_rect r = {0, 0, 4, 2, VNC_ENC_ZRLE};
	/* one tile, palette RLE with 2 colours: red run of 5, blue run of 3 */
	uint8_t tiles[] = {130, 0, 0, 0xff, 0xff, 0, 0, 0x80, 4, 0x81, 2}, buf[256];
	uint8_t *bomb;
	size_t n = zrle_payload(buf, sizeof buf, tiles, sizeof tiles);
	int more, jpeg;

	setup(&fb, &d, 4, 2);
	ASSERT_EQ(vnc_decode_rect(&d, &r, buf, n - 1, &more, &jpeg), 0);
	ASSERT(more);
	ASSERT_EQ(vnc_decode_rect(&d, &r, buf, n, &more, &jpeg), (long long)n);
	ASSERT_STREQ(d.error, "");
	/* CPIXEL little-endian: 0,0,0xff is B,G,R -> red. */
	ASSERT_MEMEQ(px(&fb, 0, 0), "\xff\x00\x00", 3);
	ASSERT_MEMEQ(px(&fb, 0, 1), "\xff\x00\x00", 3);
	ASSERT_MEMEQ(px(&fb, 1, 1), "\x00\x00\xff", 3);
	done(&fb, &d);

	/* A run past the tile's end. */
	setup(&fb, &d, 4, 2);
	tiles[8] = 9;
	n = zrle_payload(buf, sizeof buf, tiles, sizeof tiles);
	ASSERT_EQ(vnc_decode_rect(&d, &r, buf, n, &more, &jpeg), -1);
	done(&fb, &d);

	/* A zlib bomb: 16 MiB of zeros for a 4x2 rectangle. */
	setup(&fb, &d, 4, 2);
	bomb = calloc(1, 16 << 20);
	{
		uint8_t *z = malloc(1 << 20);
		size_t zn = zrle_payload(z, 1 << 20, bomb, 16 << 20);

		ASSERT_EQ(vnc_decode_rect(&d, &r, z, zn, &more, &jpeg), -1);
		ASSERT_CONTAINS(d.error, "inflates past");
		free(z);
	}
	free(bomb);
	done(&fb, &d);
}

TEST(vnc_decode_tight)
{
	struct vnc_fb fb;
	struct vnc_decoder d;
	struct vnc_rect r = {1, 0, 2, 2, VNC_ENC_TIGHT};
	uint8_t fill[] = {0x80, 0x12, 0x34, 0x56};
	/* A JPEG that stops after its start marker. */
	uint8_t jpg[] = {0x90, 6, 0xff, 0xd8, 0xff, 0xe0, 0, 16};
	/* Basic, palette filter, 2 colours, 1 bit a pixel: 2 bytes, sent raw. */
	uint8_t pal[] = {0x40, 1, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0x80, 0x40};
	int more, jpeg;

	setup(&fb, &d, 4, 2);
	ASSERT_EQ(vnc_decode_rect(&d, &r, fill, 3, &more, &jpeg), 0);
	ASSERT(more);
	ASSERT_EQ(vnc_decode_rect(&d, &r, fill, 4, &more, &jpeg), 4);
	ASSERT_MEMEQ(px(&fb, 2, 1), "\x12\x34\x56", 3);
	ASSERT_MEMEQ(px(&fb, 0, 0), "\x00\x00\x00", 3);
	ASSERT_EQ(vnc_decode_rect(&d, &r, pal, sizeof pal, &more, &jpeg), (long long)sizeof pal);
	ASSERT_MEMEQ(px(&fb, 1, 0), "\xff\xff\xff", 3);
	ASSERT_MEMEQ(px(&fb, 2, 0), "\x00\x00\x00", 3);
	ASSERT_MEMEQ(px(&fb, 2, 1), "\xff\xff\xff", 3);
	jpeg = 0;
	ASSERT_EQ(vnc_decode_rect(&d, &r, jpg, sizeof jpg, &more, &jpeg), -1);
	ASSERT(jpeg);
	ASSERT_CONTAINS(d.error, "JPEG");
	/* Palette index past the palette (3 colours, index 7). */
	{
		uint8_t bad[] = {0x40, 1, 2, 0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 7, 0, 0};

		ASSERT_EQ(vnc_decode_rect(&d, &r, bad, sizeof bad, &more, &jpeg), -1);
	}
	/* Compressed data said to be 0 bytes long (datalen 12 >= 12: compressed). */
	{
		struct vnc_rect big = {0, 0, 2, 2, VNC_ENC_TIGHT};
		uint8_t empty[] = {0x00, 0};

		ASSERT_EQ(vnc_decode_rect(&d, &big, empty, sizeof empty, &more, &jpeg), -1);
		ASSERT_CONTAINS(d.error, "short");
	}
	/* Gradient filter, 2x1 sent raw: the second pixel is predicted from the first. */
	{
		struct vnc_rect g = {1, 0, 2, 1, VNC_ENC_TIGHT};
		uint8_t grad[] = {0x40, 2, 10, 20, 30, 5, 5, 5};

		ASSERT_EQ(vnc_decode_rect(&d, &g, grad, sizeof grad, &more, &jpeg), 8);
		ASSERT_MEMEQ(px(&fb, 1, 0), "\x0a\x14\x1e", 3);
		ASSERT_MEMEQ(px(&fb, 2, 0), "\x0f\x19\x23", 3);
	}
	fill[0] = 0xa0; /* PNG, never asked for */
	ASSERT_EQ(vnc_decode_rect(&d, &r, fill, 4, &more, &jpeg), -1);
	done(&fb, &d);
}

TEST(vnc_fb_limits)
{
	struct vnc_fb fb;
	struct vnc_pixfmt pf;
	uint8_t raw[16] = {8, 8, 0, 0};

	vnc_pixfmt_default(&pf);
	ASSERT_EQ(vnc_fb_init(&fb, 0, 10, &pf), -1);
	ASSERT_EQ(vnc_fb_init(&fb, 8193, 10, &pf), -1);
	ASSERT_EQ(vnc_fb_init(&fb, 8192, 8192, &pf), -1);
	ASSERT_EQ(vnc_pixfmt_parse(&pf, raw), -1); /* colour map */
}

TEST(vnc_decode_hextile)
{
	struct vnc_fb fb;
	struct vnc_decoder d;
	struct vnc_rect r = {0, 0, 20, 2, VNC_ENC_HEXTILE};
	/* Tile 1 (16x2): background blue, one foreground (red) subrect 2x1 at 1,1.
	 * Tile 2 (4x2): nothing new: the background carries over. */
	uint8_t t[] = {2 | 4 | 8, 0xff, 0, 0, 0, 0, 0, 0xff, 0, 1, 0x11, 0x10, 0};
	uint8_t bad[] = {8, 1, 0xf0, 0x10}; /* subrect at x 15, 2 wide */
	int more, jpeg;

	setup(&fb, &d, 20, 2);
	ASSERT_EQ(vnc_decode_rect(&d, &r, t, sizeof t - 1, &more, &jpeg), 0);
	ASSERT(more);
	ASSERT_MEMEQ(px(&fb, 0, 0), "\x00\x00\x00", 3); /* nothing drawn while waiting */
	ASSERT_EQ(vnc_decode_rect(&d, &r, t, sizeof t, &more, &jpeg), (long long)sizeof t);
	ASSERT_MEMEQ(px(&fb, 0, 0), "\x00\x00\xff", 3);
	ASSERT_MEMEQ(px(&fb, 1, 1), "\xff\x00\x00", 3);
	ASSERT_MEMEQ(px(&fb, 2, 1), "\xff\x00\x00", 3);
	ASSERT_MEMEQ(px(&fb, 3, 1), "\x00\x00\xff", 3);
	ASSERT_MEMEQ(px(&fb, 19, 1), "\x00\x00\xff", 3);
	r.w = 16;
	ASSERT_EQ(vnc_decode_rect(&d, &r, bad, sizeof bad, &more, &jpeg), -1);
	ASSERT_CONTAINS(d.error, "outside its tile");
	done(&fb, &d);
}

TEST(vnc_fb_scale_box)
{
	struct vnc_fb fb;
	struct vnc_pixfmt pf;
	uint8_t out[2 * 1 * 3], one[3];
	const uint8_t red[3] = {255, 0, 0}, blue[3] = {0, 0, 255};

	vnc_pixfmt_default(&pf);
	ASSERT_EQ(vnc_fb_init(&fb, 4, 2, &pf), 0);
	vnc_fb_fill(&fb, 0, 0, 2, 2, red);
	vnc_fb_fill(&fb, 2, 0, 2, 2, blue);
	vnc_fb_scale(&fb, out, 2, 1);
	ASSERT_MEMEQ(out, "\xff\x00\x00\x00\x00\xff", 6);
	vnc_fb_scale(&fb, one, 1, 1); /* the mean of all eight */
	ASSERT_MEMEQ(one, "\x7f\x00\x7f", 3);
	vnc_fb_free(&fb);
}
