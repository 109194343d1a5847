/*
 * tui/terminal.h - a terminal emulator (libvterm) drawn with curses: fed the
 * bytes a host sends, asked to draw its lines, and handing the bytes for
 * the host (keys, pastes, answers to terminal queries) to a callback.
 *
 * It knows nothing of where the bytes come from or go: the console pane
 * connects it to a console.  Lines it scrolls off the top go to a
 * scrollback ring (tui/scrollback.h); lines are numbered from the oldest
 * in the ring, then the screen's rows.
 */
#ifndef BMCTOP_TUI_TERMINAL_H
#define BMCTOP_TUI_TERMINAL_H

#include <stddef.h>
#include <stdint.h>

#include "tui/scrollback.h"

struct terminal;

struct terminal_callbacks {
	/* Bytes for the host. */
	void (*write)(void *ctx, const char *buf, size_t len);
	/* The screen or the cursor changed: a frame is wanted. */
	void (*damage)(void *ctx);
	/* The scrollback ring was full and dropped its oldest line. */
	void (*dropped)(void *ctx);
};

/* Curses colour pairs for the terminals' colours, made on first use and
 * shared by every terminal drawn on one screen. */
struct terminal_palette {
	int colors;	    /* 0 draws attributes only */
	int first_pair;	    /* pairs from here up are the palette's */
	int highlight_pair; /* search matches */
	int *pair_of;
	int next_pair, max_pair;
};

struct terminal *terminal_new(int rows, int cols, size_t scrollback_lines,
			      const struct terminal_callbacks *cb, void *ctx);
void terminal_free(struct terminal *tm);
/* At least 1 x 1. */
void terminal_resize(struct terminal *tm, int rows, int cols);
int terminal_rows(const struct terminal *tm);
int terminal_cols(const struct terminal *tm);
struct scrollback *terminal_scrollback(struct terminal *tm);

/* Output of the host. */
void terminal_feed(struct terminal *tm, const uint8_t *buf, size_t len);
/* A key read by curses (is_code: a KEY_* code, else a character), in the
 * modes the host asked for; control characters go out as they are.
 * Returns 0 for a key the host cannot be told about. */
int terminal_key(struct terminal *tm, int key, int is_code);
/* A paste in one write, in the host's paste brackets if it asked for them. */
void terminal_paste(struct terminal *tm, const uint8_t *buf, size_t len);

/* The characters of line v, one per column; returns the columns filled. */
int terminal_text(struct terminal *tm, size_t v, uint32_t *out, int max);
/* Draw line v at y, x, reversing the columns hl marks. */
void terminal_draw_line(struct terminal *tm, struct terminal_palette *pal, int y, int x, size_t v,
			const unsigned char *hl);
/* Where the cursor is on the screen; 0 if it is hidden or off the screen. */
int terminal_cursor(struct terminal *tm, int *row, int *col);

void terminal_palette_free(struct terminal_palette *pal);

#endif
