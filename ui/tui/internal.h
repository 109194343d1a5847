/*
 * tui/internal.h - state shared by the dashboard's files, from the bottom up:
 * tui/draw.c (drawing primitives), tui/help.c (the help overlay, on draw.c
 * alone), tui/core.c (what everything calls on, and
 * the dispatch to the panes), tui/list.c (the host list), tui/detail.c (the
 * detail tabs), the panes behind their tui_pane_ops tables (tui/console.c
 * over tui/console-list.c, tui/terminal.c and tui/scrollback.c: serial
 * consoles; tui/vnc.c: VNC viewers; tui/screen.c and tui/wall.c, over
 * tui/pixels.c: graphical consoles as pictures), tui/keys.c (the key table, actions and
 * dialogs) and tui/tui.c (the loop glue, on top).
 *
 * A file calls only the files below it; the core reaches the panes through
 * their ops tables alone.
 */
#ifndef BMCTOP_TUI_INTERNAL_H
#define BMCTOP_TUI_INTERNAL_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/engine.h"

/* The host list's columns (tui/columns.c). */
enum tui_col {
	TCOL_NAME,
	TCOL_ADDR,
	TCOL_GROUP,
	TCOL_PROTO,
	TCOL_POWER,
	TCOL_HEALTH,
	TCOL_TEMP,
	TCOL_INLET,
	TCOL_CPU,
	TCOL_FANS,
	TCOL_WATTS,
	TCOL_AGE,
	TCOL_MODEL,
	TCOL_SERIAL,
	TCOL_FW,
	TCOL_CONSOLE,
	TCOL_ERROR,
	TCOL_TREND,  /* hottest temperature over the last hour, a sparkline */
	TCOL_WTREND, /* watts over the last hour */
	TCOL_UNSEEN, /* unacknowledged fleet events */
	TCOL__MAX
};

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
	DIALOG_CONSOLE_HELP,
	DIALOG_QUIT,  /* consoles or relays are open: quit anyway? */
	DIALOG_RELAYS /* the VNC relays (tui/vnc.c) */
};
enum tui_sort { SORT_NAME, SORT_HEALTH, SORT_TEMP, SORT_POWER, SORT__MAX };
enum tui_tab {
	TAB_SENSORS,
	TAB_POWER,
	TAB_EVENTS,
	TAB_INVENTORY,
	TAB_CONSOLE,
	TAB_SCREEN, /* the graphical console as a picture (tui/screen.c) */
	TAB__MAX
};

/* What a confirmed action does. */
enum tui_action_kind { ACT_POWER, ACT_BOOT, ACT_IDENTIFY, ACT_RETRY };

struct tui_action {
	enum tui_action_kind kind;
	enum bmc_power_action power;
	enum bmc_boot_device boot;
	char label[48];
};

#define TUI_LOG_MAX 200

struct tui;
struct tui_consoles;

/*
 * A pane: something the dashboard opens for a host beside (or instead of)
 * its own views.  Every operation may be NULL.  The core calls them for
 * each pane in t->panes, in that order.
 */
struct tui_pane_ops {
	void (*init)(struct tui *t);
	/* After the loop: close what is still open, free the rest. */
	void (*free)(struct tui *t);
	/* Open h's pane, or switch to it if it is open. */
	void (*open)(struct tui *t, struct bmc_host *h);
	/* Take a part of a body of `body` lines; returns the lines left for
	 * the list or detail view, drawn first, from the top. */
	int (*layout)(struct tui *t, int body);
	void (*draw)(struct tui *t);
	/* The pane's tab in h's detail view at y; returns the lines it has. */
	int (*draw_host)(struct tui *t, const struct bmc_host *h, int y, int rows);
	/* Append the pane's part of the status bar to buf. */
	void (*status)(struct tui *t, char *buf, size_t len);
	/* The pane's own dialogs, and a key while dialog d was open. */
	void (*draw_dialog)(struct tui *t);
	void (*dialog_key)(struct tui *t, enum tui_dialog d, int key);
	/* Put the terminal cursor in the pane; 0 if it has none showing. */
	int (*cursor)(struct tui *t);
	/* A key read from the terminal (is_code: a KEY_* code, else a
	 * character); 1 if the pane took it. */
	int (*input)(struct tui *t, int key, int is_code);
	/* A click at y, x: 1 if it was the pane's. */
	int (*click)(struct tui *t, int y, int x);
	/* Before each frame: send what the pane queued. */
	void (*flush)(struct tui *t);
	/* Close everything; then(t) runs once all of it is closed. */
	void (*close_all)(struct tui *t, void (*then)(struct tui *t));
	/* The pane's keys for the help overlay, under help_title: see
	 * struct tui_help_source's line. */
	const char *help_title;
	int (*help_line)(const struct tui *t, size_t i, const char **names, const char **help);
	/* How many of the pane's things (open_noun, singular) are open: the
	 * way out asks first when there are any. */
	size_t (*open_count)(struct tui *t);
	const char *open_noun;
};

/*
 * A table of the help overlay (tui/help.c): its heading, and its i-th line
 * (the key names and what they do); 0 past its end.  *names NULL: a line
 * not shown (a second row of the same binding).
 */
struct tui_help_source {
	const char *title;
	int (*line)(const struct tui *t, size_t i, const char **names, const char **help);
};
struct tui_help;

struct tui {
	struct bmc_engine *e;
	const struct tui_pane_ops *const *panes; /* NULL-terminated */
	size_t closing_pane;			 /* tui_quit() has come this far */
	uv_poll_t input;
	uv_poll_cb on_input;
	uv_signal_t sigwinch;
	uv_prepare_t redraw;
	uv_timer_t tick;
	uv_timer_t data_frame; /* new readings: one frame per TUI_DATA_FRAME_MS at most */
	int data_frame_armed;
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
	/* Per host, its hottest temperature and its watts (NaN: none), kept as
	 * readings come (tui.c), so the header's fleet count per frame walks
	 * numbers, not every host's sensors. */
	double *host_temp, *host_watts;
	int name_w; /* the name column's width, measured once (list.c) */
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
	uint64_t *frame_ns;	/* the last TUI_FRAMES_KEPT frames' times, a ring */
	size_t nframe_ns;
	uint64_t key_at;	/* when the first unanswered key was read */
	uint64_t *key_ns;	/* key-to-screen latencies */
	size_t nkey_ns;

	struct tui_consoles *con; /* the console pane's (tui/console-list.h) */
	int list_cols;		  /* columns the host list may use (a pane beside it) */
	int quitting;		  /* quit() has begun: q, or a signal */
	int input_paused;	  /* a console cannot take more keys yet */

	struct tui_help *help;	/* the help overlay while it is open (tui/help.c) */
	char confirm_typed[16]; /* the count typed to confirm a large bulk action */
	int targets_marked;	/* the targets are the marked hosts */
	size_t log_scroll;	/* the action log's lines below the view */
	int tab_row;		/* the detail view's tab bar, for mouse clicks */
	/* The view (tui/list.c, columns.c, header.c, cmdline.c). */
	struct filter *filt;	/* t->filter parsed; NULL: every host */
	char filt_src[64];	/* the text filt was parsed from */
	char filt_err[160];	/* why t->filter does not parse, or "" */
	int sort_col;		/* enum tui_col */
	int sort_desc;
	int sort_jump;		/* the sort was chosen: show the top of the list */
	int cols[TCOL__MAX];	/* the columns chosen, in order */
	int ncols;
	int list_y;		/* where the list's header line was drawn, -1: not shown */
	int col_x[TCOL__MAX];	/* where each shown column starts, -1 when hidden */
	int header_off;		/* the fleet header is hidden (H) */
	struct tui_cmdline *cmd; /* command mode (tui/cmdline.c) */
	struct tui_events *events; /* the Events view (tui/events-view.c) */
	struct tui_graph_view *graph; /* the graph view (tui/graph-view.c) */
	struct tui_screen *screen;    /* the Screen tab and pictures (tui/screen.c) */
	struct tui_wall *wall;	      /* the wall (tui/wall.c) */
};

/* Above this many hosts, a bulk action is confirmed by typing the count. */
#define TUI_CONFIRM_TYPED 8

/* tui/draw.c */
void tui_draw_init_colors(struct tui *t);
/* Colour when there are colours; attributes that mean the same otherwise. */
void tui_set_color(struct tui *t, int pair, int on);
int tui_health_pair(enum bmc_health hl);
/* A line-drawing border around h rows and w columns at y, x. */
void tui_draw_frame(int y, int x, int h, int w);
/* A cleared box with a frame and a title. */
void tui_draw_box(int y, int x, int h, int w, const char *title);
/* A box w wide and h high (at most LINES - 2) in the middle of the screen;
 * sets *y, *x to its corner and returns its height. */
int tui_draw_dialog(int w, int h, const char *title, int *y, int *x);
/* A line of a key list in a box at x, w wide: the keys' names in a column
 * name_width wide, then what they do. */
void tui_draw_key_line(int y, int x, int w, int name_width, const char *names, const char *help);
const char *tui_age(int64_t updated_ms, char *buf, size_t len);

/* tui/core.c */
void tui_mark_dirty(struct tui *t);
/* A user action or its result: the message line and the action log. */
void tui_logf(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A view change or a hint: the message line only. */
void tui_statusf(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct bmc_host *tui_selected_host(struct tui *t);
/* Under --readonly (or readonly = yes): says "read-only: WHAT refused" and
 * returns 1; else 0. */
int tui_readonly_refuses(struct tui *t, const char *what);
/* Long text in lines of w columns, broken after a space or a comma, the
 * lines after the first indented by indent: the bytes of s the first line
 * takes, how many lines s takes, and drawing lines skip to skip + rows - 1
 * of them from y, x (returns how many it drew). */
size_t tui_wrap_cut(const char *s, int w);
int tui_wrap_lines(const char *s, int w, int indent);
int tui_draw_wrapped(int y, int x, int w, int skip, int rows, const char *s, int indent);
/* Stop or resume reading the keyboard (a console's output queue is full). */
void tui_input_pause(struct tui *t, int paused);
/* Close the panes, then the engine, then stop the loop (q, or a signal). */
void tui_quit(struct tui *t);
/* The pane operations, for every pane in turn (see struct tui_pane_ops);
 * those returning int stop at the first pane that answers 1. */
void tui_panes_init(struct tui *t);
void tui_panes_free(struct tui *t);
int tui_panes_layout(struct tui *t, int body);
void tui_panes_draw(struct tui *t);
int tui_panes_draw_host(struct tui *t, const struct bmc_host *h, int y, int rows);
void tui_panes_status(struct tui *t, char *buf, size_t len);
void tui_panes_draw_dialog(struct tui *t);
void tui_panes_dialog_key(struct tui *t, enum tui_dialog d, int key);
int tui_panes_cursor(struct tui *t);
int tui_panes_input(struct tui *t, int key, int is_code);
int tui_panes_click(struct tui *t, int y, int x);
void tui_panes_flush(struct tui *t);
/* What the panes have open, as "2 consoles, 1 VNC relay" in buf; the count. */
size_t tui_panes_open(struct tui *t, char *buf, size_t len);

/* tui/help.c: the help overlay, from the tables in src[] in turn. */
void tui_help_open(struct tui *t, const struct tui_help_source *src, size_t nsrc);
/* One key and what it does, for a view's own table of keys. */
struct tui_key_help {
	const char *names, *help;
};
/* The overlay with one view's table of n keys under title. */
void tui_help_open_keys(struct tui *t, const char *title, const struct tui_key_help *keys,
			size_t n);
void tui_help_close(struct tui *t);
/* A key while the overlay is open: 0 once it has closed. */
int tui_help_key(struct tui *t, int key);
void tui_help_draw(struct tui *t);

/* tui/list.c */
void tui_list_reorder(struct tui *t);
void tui_list_draw(struct tui *t, int y0, int rows);
const char *tui_sort_name(enum tui_sort s);

/* tui/detail.c */
void tui_detail_draw(struct tui *t, int y0, int rows);
/* Column where tab i starts in the tab bar, for mouse clicks. */
int tui_tab_at(int x);

/* The panes. */
extern const struct tui_pane_ops tui_console_pane; /* tui/console.c */
extern const struct tui_pane_ops tui_vnc_pane;	   /* tui/vnc.c */
extern const struct tui_pane_ops tui_events_pane;  /* tui/events-view.c */
/* The Events view (E, :events), with a filter when filter is not NULL. */
void tui_events_open(struct tui *t, const char *filter);
void tui_events_key_open(struct tui *t, int key);
extern const struct tui_pane_ops tui_graph_pane; /* tui/graph-view.c */
/* The graph of sensor number `sensor` of the selected host (T, :graph). */
void tui_graph_open(struct tui *t, size_t sensor);
void tui_graph_key_open(struct tui *t, int key);
void tui_graph_open_host(struct tui *t); /* the selected host's temperatures, fans, power */
/* Frame times over the last TUI_FRAMES_KEPT frames (ms), for :stats and the log. */
#define TUI_FRAMES_KEPT 4096
void tui_frame_stats(const struct tui *t, double *p50, double *p99, double *max);
/* The Sensors tab's sparkline of s: its last hour in w cells. */
const char *tui_sensor_spark(struct tui *t, const struct bmc_host *h, const struct bmc_sensor *s,
			     int w, char *buf, size_t len);
/* The list of VNC relays, where one can be stopped (w, and :relays). */
void tui_vnc_list_dialog(struct tui *t);
extern const struct tui_pane_ops tui_screen_pane; /* tui/screen.c */
/* The Screen tab of h at y (tui/detail.c's tab table). */
int tui_screen_tab_draw(struct tui *t, const struct bmc_host *h, int y, int rows);
/* After curses' refresh: write the frame's pictures (tui/tui.c's draw). */
void tui_screen_after_refresh(struct tui *t);
extern const struct tui_pane_ops tui_wall_pane; /* tui/wall.c */
/* The wall of the marked (else shown) hosts' screens (W, :wall). */
void tui_wall_open(struct tui *t);
void tui_wall_key_open(struct tui *t, int key);

/* tui/keys.c */
/* A key read from the terminal (is_code: a KEY_* code, else a character,
 * wide ones included). */
void tui_keys_handle(struct tui *t, int key, int is_code);
/* The dialog open, if it is one of the dashboard's own. */
void tui_keys_draw_dialog(struct tui *t);

/* tui/columns.c */
struct tui_column {
	const char *name;  /* for :cols, :sort and the settings file */
	const char *title; /* in the header */
	int width;	   /* 0: the rest of the line */
	int right;	   /* right-aligned (numbers) */
	int priority;	   /* 0 always shown; higher ones go first when narrow */
	int desc;	   /* sorted descending when first chosen (hottest first) */
};
const struct tui_column *tui_column(int c);
/* A column by name or alias; -1 when there is none. */
int tui_column_by_name(const char *name);
void tui_columns_default(struct tui *t);
/* Choose the columns from "name,power,temp" (commas or spaces). */
int tui_columns_set(struct tui *t, const char *list, char *err, size_t errlen);
void tui_columns_list(const struct tui *t, char *buf, size_t len);
/* Column c's text for h (buf holds it when made), and its colour pair. */
const char *tui_column_text(struct tui *t, int c, const struct bmc_host *h, char *buf, size_t len,
			    int *pair);
int tui_column_cmp(int c, const struct bmc_host *a, const struct bmc_host *b, int desc);
/* A sparkline column (trend, wtrend): its text, exactly w cells (UTF-8
 * blocks when the terminal has them) in buf; NULL for any other column. */
const char *tui_column_spark(struct tui *t, int c, const struct bmc_host *h, int w, char *buf,
			     size_t len);
int tui_utf8(void);
/* $XDG_CONFIG_HOME/bmctop/dashboard.conf: read at start, written on a change. */
void tui_columns_load(struct tui *t);
int tui_columns_save(struct tui *t, char *err, size_t errlen);

/* tui/list.c (the view) */
/* Sort by column c (desc: largest first) and show the top of the list. */
void tui_list_sort_by(struct tui *t, int c, int desc);
/* s: cycle name, health, temperature, watts; < >: the shown columns; I: reverse. */
void tui_list_sort_cycle(struct tui *t);
void tui_list_sort_step(struct tui *t, int step);
void tui_list_sort_reverse(struct tui *t);
/* "temp desc" for the status line and the log. */
const char *tui_list_sort_text(const struct tui *t, char *buf, size_t len);
/* A click at y, x: 1 when it was the list's (a header click sorts), 2 when
 * it was a second click on the selected row (open it). */
int tui_list_click(struct tui *t, int y, int x, int dbl);
/* Set the filter (as / and :filter do); 0, or an error in t->filt_err. */
int tui_list_set_filter(struct tui *t, const char *expr);

/* tui/header.c */
#define TUI_HOTTEST 3
/* Hosts by what is known of them: each in exactly one of up (answering and
 * not off), off, conn (not answered yet), unreach, parked and error, so
 * they add up; the answering ones by health; power; the hottest. */
struct tui_counts {
	size_t hosts, up, off, conn, unreach, parked, error;
	size_t ok, warn, crit, unknown;
	size_t power_on, power_off;
	double watts;
	int has_watts;
	size_t hot[TUI_HOTTEST]; /* host indices, hottest first */
	double hot_c[TUI_HOTTEST];
	size_t nhot;
};
void tui_counts(struct tui *t, struct tui_counts *c);
/* Lines the fleet header takes at the top of a body of `body` lines. */
int tui_header_lines(struct tui *t, int body);
void tui_header_draw(struct tui *t, int y, int lines);
/* Columns the host summary takes at the right of a wide list (0: none). */
int tui_header_side_cols(const struct tui *t);
void tui_header_draw_side(struct tui *t, int y, int x, int rows, int cols);

/* tui/cmdline.c */
struct tui_command {
	const char *name;
	const char *args;
	const char *help;
	void (*fn)(struct tui *t, char *args);
};
extern const struct tui_command tui_commands[];
extern const size_t tui_ncommands;
/* The command table as help overlay lines (struct tui_help_source's line). */
int tui_cmdline_help_line(const struct tui *t, size_t i, const char **names, const char **help);
void tui_cmdline_init(struct tui *t);
void tui_cmdline_free(struct tui *t);
/* Open the command line (:). */
void tui_cmdline_open(struct tui *t);
int tui_cmdline_active(const struct tui *t);
/* A key while the command line is open. */
void tui_cmdline_key(struct tui *t, int key);
/* Draw it on the message line; 1 when it is open (the cursor is in it). */
int tui_cmdline_draw(struct tui *t, int y);
/* Run one command line ("power off @rack4"), as if typed after ':'. */
void tui_cmdline_run(struct tui *t, const char *line);
/* Hosts named by a target list (names, ranges, @group); NULL names none
 * and fills err.  *n may be 0 with a non-NULL result: no words given. */
size_t *tui_cmdline_targets(struct tui *t, const char *words, size_t *n, char *err,
			    size_t errlen);

/* Key handlers the key table binds: < > I (tui/list.c), : (tui/cmdline.c),
 * H (tui/header.c). */
void tui_list_key_sort_step(struct tui *t, int key);
void tui_list_key_sort_reverse(struct tui *t, int key);
void tui_cmdline_key_open(struct tui *t, int key);
void tui_header_key_toggle(struct tui *t, int key);

/* tui/keys.c: what command mode needs of the key actions. */
/* Ask for a (confirmation, then run) on these hosts, or on the marked
 * (else selected) hosts when n is 0: the same path as the keys. */
void tui_keys_ask_hosts(struct tui *t, struct tui_action a, const size_t *hosts, size_t n);

#endif
