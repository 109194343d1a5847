/*
 * tui/console-list.h - the console pane's state, shared by its two files:
 * tui/console-list.c (the open consoles, their placement and output queue)
 * and tui/console.c (drawing, the prefix keys, scrollback mode), which
 * calls down into the first and never the other way round.
 */
#ifndef BMCTOP_TUI_CONSOLE_LIST_H
#define BMCTOP_TUI_CONSOLE_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "tui/internal.h"
#include "tui/scrollback.h"
#include "tui/terminal.h"

#define SEARCH_MAX 64
#define CONTROL_KEY(c) ((c) & 0x1f)

struct pane {
	struct tui *t;
	struct bmc_host *host;
	struct console *con;
	struct terminal *term;
	enum console_state state;
	char *msg;
	int activity; /* output since it was last shown */

	struct scrollback *sb; /* the terminal's */
	int scrollback;	       /* the keys scroll it */

	uint8_t *out; /* bytes for the host that console_write() has not taken */
	size_t nout, outcap;
};

struct tui_consoles {
	struct pane **panes;
	size_t npanes;
	size_t cur;
	int focus; /* the current console has the keyboard */
	int full;
	int stacked;
	int hidden;
	int split_pct; /* the pane's share of the width (or height, stacked) */
	int prefix;
	char prefix_name[8]; /* "^]" */
	int prefix_armed;
	size_t dialog_sel;

	/* Where the current pane is, for drawing and mouse clicks. */
	int py, px, ph, pw;
	int visible;

	/* Bracketed paste being collected. */
	int pasting;
	uint8_t *paste;
	size_t npaste, pastecap;

	/* Scrollback search. */
	uint32_t search[SEARCH_MAX];
	size_t nsearch;
	int typing_search;
	int has_match;
	size_t match_line;

	struct terminal_palette palette;

	uv_timer_t frame_timer;
	uv_timer_t retry_timer;
	uv_timer_t close_timer;
	int open_timers; /* while the state is being freed */
	uint64_t last_frame;
	size_t closing;
	void (*all_closed)(struct tui *t);
};

struct pane *console_list_current(struct tui *t);
/* Give the keyboard to the current console (raw mode) or take it back. */
void console_list_focus(struct tui *t, int console_has_it);
/* Show console i, with the keyboard. */
void console_list_select(struct tui *t, size_t i);
/* Close console i (the user asked). */
void console_list_close(struct tui *t, size_t i);
/* Hand what is queued to the console; keep what it cannot take yet. */
void console_list_flush(struct pane *p);

/* The pane operations of the same names (struct tui_pane_ops). */
void console_list_init(struct tui *t);
void console_list_free(struct tui *t);
void console_list_open(struct tui *t, struct bmc_host *h);
int console_list_layout(struct tui *t, int body);
void console_list_flush_all(struct tui *t);
void console_list_close_all(struct tui *t, void (*then)(struct tui *t));

#endif
