/*
 * tui/internal.h - state shared by the dashboard's files: tui/tui.c (loop, keys,
 * dialogs), tui/list.c (the host list), tui/detail.c (the detail tabs) and
 * tui/console.c (serial consoles in a libvterm pane).
 */
#ifndef BMCTOP_TUI_INTERNAL_H
#define BMCTOP_TUI_INTERNAL_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "cli/cli.h"
#include "core/engine.h"

enum tui_pair {
	PAIR_OK = 1,
	PAIR_WARN,
	PAIR_CRIT,
	PAIR_DIM,
	PAIR_BAR,
	PAIR_TITLE,
	PAIR_MARK,
	PAIR_CONSOLE_FIRST = 16 /* and up: consoles' colours, made on first use */
};

/* Key codes for the brackets terminals put around a paste (define_key). */
#define TUI_KEY_PASTE_BEGIN (KEY_MAX + 1)
#define TUI_KEY_PASTE_END (KEY_MAX + 2)

enum tui_view { VIEW_LIST, VIEW_DETAIL };
enum tui_dialog {
	DIALOG_NONE,
	DIALOG_CONFIRM,
	DIALOG_HELP,
	DIALOG_LOG,
	DIALOG_BOOT,
	DIALOG_CONSOLES,
	DIALOG_CONSOLE_HELP
};
enum tui_sort { SORT_NAME, SORT_HEALTH, SORT_TEMP, SORT_POWER, SORT__MAX };
enum tui_tab { TAB_SENSORS, TAB_POWER, TAB_EVENTS, TAB_INVENTORY, TAB_CONSOLE, TAB__MAX };

/* What a confirmed action does. */
enum tui_action_kind { ACT_POWER, ACT_BOOT, ACT_IDENTIFY, ACT_RETRY };

struct tui_action {
	enum tui_action_kind kind;
	enum bmc_power_action power;
	enum bmc_boot_device boot;
	char label[48];
};

#define TUI_LOG_MAX 200

struct tui_consoles;

struct tui {
	struct cli *cli;
	struct bmc_engine *e;
	uv_poll_t input;
	uv_signal_t sigwinch;
	uv_prepare_t redraw;
	uv_timer_t tick;
	int dirty;	 /* something must be drawn */
	int order_dirty; /* filter or sort inputs changed */
	int colors;	 /* 0, 8 or 256 */

	enum tui_view view;
	enum tui_tab tab;
	enum tui_dialog dialog;
	enum tui_sort sort;
	size_t *order; /* host indices shown, filtered and sorted */
	size_t norder;
	size_t selected; /* position in order[] */
	size_t top;
	size_t detail_scroll;
	unsigned char *marked;
	size_t nmarked;
	size_t mark_anchor;

	char filter[64];
	int typing_filter;
	const char *group; /* group filter, NULL for all */

	struct tui_action pending;
	size_t *targets; /* hosts the pending action applies to */
	size_t ntargets;

	char *log[TUI_LOG_MAX];
	size_t nlog;
	char status[256];

	/* Frame statistics (bench/tui-frames.sh reads them from the log). */
	uint64_t frames;
	uint64_t frame_ns_total;
	uint64_t frame_ns_max;
	uint64_t *frame_ns;
	size_t nframe_ns;
	uint64_t key_at;	/* when the first unanswered key was read */
	uint64_t *key_ns;	/* key-to-screen latencies */
	size_t nkey_ns;

	struct tui_consoles *con; /* open consoles; private to tui/console.c */
	int list_cols;		  /* columns the host list may use (a pane beside it) */
	int quitting;		  /* quit() has begun: q, or a signal */
	int input_paused;	  /* a console cannot take more keys yet */
};

/* tui/tui.c */
void tui_mark_dirty(struct tui *t);
void tui_logf(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct bmc_host *tui_selected_host(struct tui *t);
void tui_draw_box(int y, int x, int h, int w, const char *title);
void tui_draw_frame(int y, int x, int h, int w);
/* Stop or resume reading the keyboard (a console's output queue is full). */
void tui_input_pause(struct tui *t, int paused);

/* tui/list.c */
void tui_list_reorder(struct tui *t);
void tui_list_draw(struct tui *t, int y0, int rows);
const char *tui_sort_name(enum tui_sort s);
void tui_host_summary(const struct bmc_host *h, char *temp, char *fan, char *watts, size_t len);
int tui_health_pair(enum bmc_health hl);
void tui_set_color(struct tui *t, int pair, int on);
const char *tui_age(int64_t updated_ms, char *buf, size_t len);

/* tui/detail.c */
void tui_detail_draw(struct tui *t, int y0, int rows);
const char *tui_tab_name(enum tui_tab tab);
/* Column where tab i starts in the tab bar, for mouse clicks. */
int tui_tab_at(int x);

/* tui/vnc.c */
/* Start a relay to h's graphical console and a viewer on it. */
void tui_vnc_open(struct tui *t, struct bmc_host *h);
size_t tui_vnc_count(void);
/* Stop every relay and viewer (on quit); their ends run from the loop. */
void tui_vnc_stop_all(struct tui *t);

/* tui/console.c */
struct console;
void tui_console_init(struct tui *t);
/* After the loop: close what is still open, free the rest. */
void tui_console_free(struct tui *t);
/* Open h's console in the pane, or switch to it if it is open. */
void tui_console_open(struct tui *t, struct bmc_host *h);
/* Close every console; then(t) runs once they are all closed. */
void tui_console_close_all(struct tui *t, void (*then)(struct tui *t));
/* Place the pane in the body (rows lines); returns the lines left for the
 * list or detail view, drawn first, from the top. */
int tui_console_layout(struct tui *t, int body);
void tui_console_draw(struct tui *t);
void tui_console_draw_dialog(struct tui *t);
void tui_console_dialog_key(struct tui *t, int key);
/* Put the terminal cursor on the console's; 0 if it is not showing. */
int tui_console_cursor(struct tui *t);
/* A key read from the terminal (is_code: a KEY_* code, else a character);
 * 1 if a console or its prefix took it. */
int tui_console_input(struct tui *t, int key, int is_code);
/* A click at y, x: 1 if it was the pane's. */
int tui_console_click(struct tui *t, int y, int x);
/* Send what keys and terminal answers queued for the hosts. */
void tui_console_flush(struct tui *t);
size_t tui_console_count(struct tui *t);
int tui_console_has_focus(struct tui *t);
const struct console *tui_console_of(struct tui *t, const struct bmc_host *h);
const char *tui_console_prefix_name(struct tui *t);

#endif
