/*
 * tui/pixels.h - pictures (RGB888, rows top to bottom) turned into what a
 * terminal draws: the kitty graphics protocol, DEC sixel, or Unicode
 * half-blocks (U+2580, the upper pixel as the foreground and the lower as
 * the background) in 24-bit or xterm 256 colours, with an ASCII fallback.
 *
 * Pure: bytes into a growing buffer, no terminal and no loop, so the unit
 * tests read exactly what the Screen tab and the wall write.
 */
#ifndef BMCTOP_TUI_PIXELS_H
#define BMCTOP_TUI_PIXELS_H

#include <stddef.h>
#include <stdint.h>

/* How pictures are drawn (screen-graphics = in the fleet file). */
enum pix_method { PIX_AUTO, PIX_KITTY, PIX_SIXEL, PIX_BLOCKS, PIX_NONE };

const char *pix_method_name(enum pix_method m);
/* "auto", "kitty", "sixel", "blocks", "none": the method, or -1. */
int pix_method_parse(const char *s);

/*
 * What auto means here, from the environment (getenv-like lookup, so a
 * test can pass its own): kitty in kitty, WezTerm, Ghostty and Konsole;
 * half-blocks inside tmux (passthrough is unreliable) and everywhere else,
 * sixel in terminals known for it by TERM (foot, mlterm, contour).  The
 * terminal is not asked (DA1): its answer could arrive after a timeout,
 * among the keys curses reads.
 */
enum pix_method pix_detect(const char *(*env)(const char *name));

/* A growing byte string. */
struct pix_out {
	char *s;
	size_t len, cap;
};
void pix_out_add(struct pix_out *o, const void *p, size_t n);
void pix_out_printf(struct pix_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pix_out_free(struct pix_out *o);

/* The largest w x h inside max_w x max_h with the aspect of sw x sh, where a
 * unit of height is ystretch units of width (2 for cells of 1:2). */
void pix_fit(int sw, int sh, int max_w, int max_h, int ystretch, int *w, int *h);

/*
 * The kitty graphics protocol: transmit and display (a=T) the picture w x h
 * as 24-bit RGB (f=24) over cols x rows cells at the cursor, under image id
 * (a picture sent again with the same id replaces it), quietly (q=2), in
 * base64 chunks of at most 4096 bytes (m=1 on all but the last).
 */
#define PIX_KITTY_CHUNK 4096
void pix_kitty(struct pix_out *o, const uint8_t *rgb, int w, int h, int cols, int rows,
	       unsigned id);
/* Delete image id and its placements (a=d,d=I). */
void pix_kitty_delete(struct pix_out *o, unsigned id);

/* A palette of at most 256 colours by median cut over the picture's colours
 * (5 bits a channel); how many it made (at least 1). */
int pix_palette_median_cut(const uint8_t *rgb, size_t npix, int max, uint8_t pal[][3]);
/* The fixed palette: the xterm 6x6x6 cube and 24 greys (240 colours). */
int pix_palette_fixed(uint8_t pal[][3]);
/* The palette entry nearest to r, g, b. */
int pix_palette_nearest(const uint8_t pal[][3], int n, const uint8_t rgb[3]);

/*
 * DEC sixel: DCS P1=0 P2=1 (unset pixels stay as they are) q, the raster
 * attributes "1;1;w;h, the palette as #n;2;r;g;b in percent, then bands of
 * six rows: per colour #n and one character per column (63 + the six bits,
 * the top row the lowest bit), runs of four or more as !count, $ back to
 * the band's start, - to the next band; ST at the end.  Colours are the
 * picture's median cut to at most ncolors (2..256), or the fixed palette
 * when ncolors is 0.
 */
void pix_sixel(struct pix_out *o, const uint8_t *rgb, int w, int h, int ncolors);

/* Half-blocks. */
enum pix_blocks_mode {
	PIX_RGB,   /* SGR 38;2;r;g;b and 48;2;r;g;b */
	PIX_256,   /* SGR 38;5;n and 48;5;n, the xterm cube and greys */
	PIX_ASCII, /* no UTF-8: a space on the average of both pixels (48;2) */
};
/* The xterm 256-colour index nearest to r, g, b (16..255). */
int pix_xterm256(uint8_t r, uint8_t g, uint8_t b);
/*
 * The picture w x h (h even; an odd last row repeats) as w columns and h/2
 * rows of cells at the terminal's row y, column x (1-based), each row after
 * a cursor position (CSI y;x H), colours only when they change, SGR 0 at the
 * end.
 */
void pix_blocks(struct pix_out *o, const uint8_t *rgb, int w, int h, int y, int x,
		enum pix_blocks_mode mode);

#endif
