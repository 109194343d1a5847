/*
 * test-pixels.c - the Screen tab's encoders (tui/pixels.c) against their
 * specifications' byte formats: the kitty graphics protocol's keys, base64
 * chunks of at most 4096 with m=1 then m=0, decoded back to the pixels;
 * sixel's header, raster attributes, palette and bands, decoded back by a
 * small sixel reader here to the same palette indices; the half-blocks'
 * SGR colours; the terminal detection.
 */
#include "config.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "tui/pixels.h"

/* A test picture: four quadrants (red, green, blue, white) w x h. */
static uint8_t *quadrants(int w, int h)
{
	static const uint8_t col[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
	uint8_t *p = malloc((size_t)w * (size_t)h * 3);
	int x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			memcpy(p + ((size_t)y * (size_t)w + (size_t)x) * 3,
			       col[(y >= h / 2) * 2 + (x >= w / 2)], 3);
	return p;
}

/* A noisy picture (many colours) so the kitty stream needs several chunks. */
static uint8_t *noise(int w, int h)
{
	uint8_t *p = malloc((size_t)w * (size_t)h * 3);
	unsigned s = 12345;
	size_t i;

	for (i = 0; i < (size_t)w * (size_t)h * 3; i++) {
		s = s * 1103515245u + 12345u;
		p[i] = (uint8_t)(s >> 16);
	}
	return p;
}

TEST(pixels_kitty_chunks_keys_and_payload)
{
	int w = 40, h = 50; /* 6000 bytes: two chunks, 4096 + 3904 base64 */
	uint8_t *rgb = noise(w, h), *back = malloc(6000 + 8);
	struct pix_out o = {0};
	const char *p;
	size_t got = 0;
	int chunks = 0, last_m = -1;

	pix_kitty(&o, rgb, w, h, 20, 12, 7);
	p = o.s;
	ASSERT(strncmp(p, "\033_Ga=T,f=24,s=40,v=50,c=20,r=12,i=7,C=1,q=2,m=1;", 48) == 0);
	while (*p != '\0') {
		const char *semi, *end;
		unsigned char dec[4096];
		int n;

		ASSERT(strncmp(p, "\033_G", 3) == 0);
		semi = strchr(p, ';');
		end = strstr(p, "\033\\");
		ASSERT(semi != NULL && end != NULL && semi < end);
		if (chunks > 0)
			ASSERT(strncmp(p + 3, "q=2,m=", 6) == 0);
		last_m = semi[-1] - '0';
		ASSERT((size_t)(end - semi - 1) <= PIX_KITTY_CHUNK);
		/* Every chunk but the last is a multiple of 4 in length. */
		ASSERT((end - semi - 1) % 4 == 0);
		n = EVP_DecodeBlock(dec, (const unsigned char *)semi + 1, (int)(end - semi - 1));
		ASSERT(n > 0);
		/* EVP_DecodeBlock counts padding as bytes; the size is known. */
		if (got + (size_t)n > 6000)
			n = (int)(6000 - got);
		memcpy(back + got, dec, (size_t)n);
		got += (size_t)n;
		if (end[2] != '\0')
			ASSERT_EQ(last_m, 1);
		chunks++;
		p = end + 2;
	}
	ASSERT_EQ(chunks, 2);
	ASSERT_EQ(last_m, 0);
	ASSERT_EQ(got, 6000);
	ASSERT(memcmp(back, rgb, 6000) == 0);
	pix_out_free(&o);
	pix_kitty_delete(&o, 7);
	ASSERT_STREQ(o.s, "\033_Ga=d,d=I,i=7,q=2\033\\");
	pix_out_free(&o);
	free(rgb);
	free(back);
}

TEST(pixels_kitty_small_picture_one_chunk_m0)
{
	uint8_t rgb[6] = {1, 2, 3, 4, 5, 6};
	struct pix_out o = {0};

	pix_kitty(&o, rgb, 2, 1, 1, 1, 3);
	ASSERT_STREQ(o.s, "\033_Ga=T,f=24,s=2,v=1,c=1,r=1,i=3,C=1,q=2,m=0;AQIDBAUG\033\\");
	pix_out_free(&o);
}

/*
 * A sixel reader for the test: DCS, raster attributes, colour
 * introducers, the sixel characters with ! repeats, $ and -.  Fills
 * idx (w x h palette indices, -1 where nothing was drawn) and pal.
 */
static int sixel_read(const char *s, int *w, int *h, int **idx, int pal[256][3])
{
	int x = 0, band = 0, cur = 0, a, b;
	const char *p;

	if (strncmp(s, "\033P0;1q\"", 7) != 0)
		return -1;
	p = s + 7;
	if (sscanf(p, "1;1;%d;%d", w, h) != 2)
		return -1;
	*idx = malloc((size_t)*w * (size_t)*h * sizeof **idx);
	memset(*idx, 0xff, (size_t)*w * (size_t)*h * sizeof **idx);
	while (*p != '#' && *p != '\0')
		p++;
	while (*p != '\0') {
		if (p[0] == '\033' && p[1] == '\\')
			return p[2] == '\0' ? 0 : -1;
		if (*p == '#') {
			int n, k, r, g, bl;

			if (sscanf(p, "#%d;2;%d;%d;%d%n", &n, &r, &g, &bl, &k) == 4) {
				if (n > 255 || r > 100 || g > 100 || bl > 100)
					return -1;
				pal[n][0] = r;
				pal[n][1] = g;
				pal[n][2] = bl;
				p += k;
				continue;
			}
			if (sscanf(p, "#%d%n", &n, &k) != 1)
				return -1;
			cur = n;
			p += k;
			continue;
		}
		if (*p == '$') {
			x = 0;
			p++;
			continue;
		}
		if (*p == '-') {
			x = 0;
			band++;
			p++;
			continue;
		}
		a = 1;
		if (*p == '!') {
			int k;

			if (sscanf(p, "!%d%n", &a, &k) != 1)
				return -1;
			p += k;
		}
		if (*p < 63 || *p > 126)
			return -1;
		for (b = 0; b < a; b++, x++) {
			int k;

			for (k = 0; k < 6; k++)
				if ((*p - 63) & (1 << k)) {
					int y = band * 6 + k;

					if (x >= *w || y >= *h)
						return -1;
					(*idx)[y * *w + x] = cur;
				}
		}
		p++;
	}
	return -1;
}

TEST(pixels_sixel_round_trip_quadrants)
{
	int w = 30, h = 20, rw, rh, *idx = NULL, pal[256][3], x, y;
	uint8_t *rgb = quadrants(w, h);
	struct pix_out o = {0};

	pix_sixel(&o, rgb, w, h, 16);
	ASSERT(strncmp(o.s, "\033P0;1q\"1;1;30;20#", 17) == 0);
	ASSERT(o.len > 2 && strcmp(o.s + o.len - 2, "\033\\") == 0);
	/* 20 rows: four bands, three '-' between them. */
	ASSERT(strchr(o.s, '!') != NULL); /* runs of 15 are coded */
	ASSERT_EQ(sixel_read(o.s, &rw, &rh, &idx, pal), 0);
	ASSERT_EQ(rw, w);
	ASSERT_EQ(rh, h);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			const uint8_t *p = rgb + (y * w + x) * 3;
			int i = idx[y * w + x], c;

			ASSERT(i >= 0);
			for (c = 0; c < 3; c++)
				ASSERT_EQ(pal[i][c], (p[c] * 100 + 127) / 255);
		}
	free(idx);
	pix_out_free(&o);
	free(rgb);
}

TEST(pixels_sixel_fixed_palette_and_noise_decode)
{
	int w = 37, h = 13, rw, rh, *idx = NULL, pal[256][3], x, y, bad = 0;
	uint8_t *rgb = noise(w, h);
	struct pix_out o = {0};

	/* The fixed palette: 240 registers, every pixel drawn, each the
	 * nearest colour's register. */
	pix_sixel(&o, rgb, w, h, 0);
	ASSERT_EQ(sixel_read(o.s, &rw, &rh, &idx, pal), 0);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			bad += idx[y * w + x] < 0 || idx[y * w + x] >= 240;
	ASSERT_EQ(bad, 0);
	ASSERT(strstr(o.s, "#239;2;") != NULL);
	ASSERT(strstr(o.s, "#240;") == NULL);
	free(idx);
	pix_out_free(&o);
	/* Median cut to 256 of many colours: at most 256 registers. */
	pix_sixel(&o, rgb, w, h, 256);
	ASSERT(strstr(o.s, "#256;") == NULL);
	ASSERT_EQ(sixel_read(o.s, &rw, &rh, &idx, pal), 0);
	free(idx);
	pix_out_free(&o);
	free(rgb);
}

TEST(pixels_median_cut_finds_the_colours)
{
	uint8_t *rgb = quadrants(8, 8), pal[256][3];
	int n = pix_palette_median_cut(rgb, 64, 8, pal), i, red = 0, white = 0;

	ASSERT_EQ(n, 4); /* four colours: no more boxes to split */
	for (i = 0; i < n; i++) {
		red += pal[i][0] == 255 && pal[i][1] == 0 && pal[i][2] == 0;
		white += pal[i][0] == 255 && pal[i][1] == 255 && pal[i][2] == 255;
	}
	ASSERT_EQ(red, 1);
	ASSERT_EQ(white, 1);
	free(rgb);
}

TEST(pixels_blocks_rgb_256_ascii)
{
	/* 2 x 2: upper red and green, lower blue and blue. */
	uint8_t rgb[12] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255};
	struct pix_out o = {0};

	pix_blocks(&o, rgb, 2, 2, 3, 5, PIX_RGB);
	ASSERT_STREQ(o.s, "\033[3;5H\033[38;2;255;0;0;48;2;0;0;255m\xe2\x96\x80"
			  "\033[38;2;0;255;0;48;2;0;0;255m\xe2\x96\x80\033[0m");
	pix_out_free(&o);
	pix_blocks(&o, rgb, 2, 2, 1, 1, PIX_256);
	ASSERT_STREQ(o.s, "\033[1;1H\033[38;5;196;48;5;21m\xe2\x96\x80"
			  "\033[38;5;46;48;5;21m\xe2\x96\x80\033[0m");
	pix_out_free(&o);
	/* No UTF-8: spaces on the average colour, the same colour once. */
	pix_blocks(&o, rgb, 2, 2, 1, 1, PIX_ASCII);
	ASSERT_STREQ(o.s, "\033[1;1H\033[48;2;127;0;127m \033[48;2;0;127;127m \033[0m");
	pix_out_free(&o);
	/* Same colours in a row: one SGR. */
	memcpy(rgb + 3, rgb, 3);
	pix_blocks(&o, rgb, 2, 2, 1, 1, PIX_RGB);
	ASSERT_STREQ(o.s,
		     "\033[1;1H\033[38;2;255;0;0;48;2;0;0;255m\xe2\x96\x80\xe2\x96\x80\033[0m");
	pix_out_free(&o);
}

TEST(pixels_xterm256_cube_and_greys)
{
	ASSERT_EQ(pix_xterm256(0, 0, 0), 16);
	ASSERT_EQ(pix_xterm256(255, 255, 255), 231);
	ASSERT_EQ(pix_xterm256(255, 0, 0), 196);
	ASSERT_EQ(pix_xterm256(128, 128, 128), 244);
	ASSERT_EQ(pix_xterm256(95, 135, 175), 16 + 36 * 1 + 6 * 2 + 3);
}

TEST(pixels_fit_keeps_the_aspect)
{
	int w, h;

	/* 1280x1024 into 80x20 cells of 1:2: 50 cells wide, 20 high. */
	pix_fit(1280, 1024, 80, 20, 2, &w, &h);
	ASSERT_EQ(w, 50);
	ASSERT_EQ(h, 20);
	/* Half-blocks: square pixels, 80 wide x 40 high at most. */
	pix_fit(1280, 1024, 80, 40, 1, &w, &h);
	ASSERT_EQ(w, 50);
	ASSERT_EQ(h, 40);
	/* A wide screen in a tall box: the width decides. */
	pix_fit(1600, 400, 40, 100, 2, &w, &h);
	ASSERT_EQ(w, 40);
	ASSERT_EQ(h, 5);
}

static const char *const *test_env;

static const char *fake_env(const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; test_env[i] != NULL; i++)
		if (strncmp(test_env[i], name, n) == 0 && test_env[i][n] == '=')
			return test_env[i] + n + 1;
	return NULL;
}

TEST(pixels_detect_terminals)
{
	static const char *const kitty[] = {"TERM=xterm-kitty", NULL};
	static const char *const wez[] = {"TERM=xterm-256color", "TERM_PROGRAM=WezTerm", NULL};
	static const char *const konsole[] = {"TERM=xterm-256color", "KONSOLE_VERSION=230800",
					      NULL};
	static const char *const tmux[] = {"TERM=tmux-256color", "TMUX=/tmp/x,1,0",
					   "KITTY_WINDOW_ID=1", NULL};
	static const char *const foot[] = {"TERM=foot", NULL};
	static const char *const xterm[] = {"TERM=xterm-256color", NULL};

	test_env = kitty;
	ASSERT_EQ(pix_detect(fake_env), PIX_KITTY);
	test_env = wez;
	ASSERT_EQ(pix_detect(fake_env), PIX_KITTY);
	test_env = konsole;
	ASSERT_EQ(pix_detect(fake_env), PIX_KITTY);
	test_env = tmux;
	ASSERT_EQ(pix_detect(fake_env), PIX_BLOCKS);
	test_env = foot;
	ASSERT_EQ(pix_detect(fake_env), PIX_SIXEL);
	test_env = xterm;
	ASSERT_EQ(pix_detect(fake_env), PIX_BLOCKS);
	ASSERT_EQ(pix_method_parse("sixel"), PIX_SIXEL);
	ASSERT_EQ(pix_method_parse("pictures"), -1);
	ASSERT_STREQ(pix_method_name(PIX_BLOCKS), "blocks");
}
