/*
 * tui/console.c - hosts' serial consoles in the dashboard: each open console
 * is a terminal (tui/terminal.c) drawn in a pane beside or below the host
 * list, or over the whole screen.
 *
 * This file connects a console (console/console.h) to its terminal: bytes
 * from the host are fed to it, and its damage only asks for a frame (at
 * most one every FRAME_MS while output streams), so a megabyte of boot log
 * costs a few dozen frames, not one per read.  The bytes the terminal hands
 * out (keys, pastes, answers to the host's queries) are queued here for
 * console_write().
 *
 * While a console has the keyboard the terminal is in raw mode and every
 * key is the host's (Ctrl-C included) except one prefix key, Ctrl-] unless
 * BMCTOP_CONSOLE_PREFIX names another, which reaches the commands in
 * prefix_bindings[].
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "core/xalloc.h"
#include "tui/internal.h"
#include "tui/scrollback.h"
#include "tui/terminal.h"

#define SCROLLBACK_LINES 5000
#define FRAME_MS 16
#define RETRY_MS 50
/* Past this many unsent bytes, stop reading the keyboard until they drain. */
#define OUT_PAUSE (64 * 1024)
#define PASTE_MAX (8 * 1024 * 1024)
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

/* Prefix parsing. */

static int parse_prefix(const char *s)
{
	int c;

	if (s == NULL || s[0] == '\0')
		return CONTROL_KEY(']');
	if (s[0] == '^' && s[1] != '\0' && s[2] == '\0')
		c = s[1];
	else if ((s[0] == 'C' || s[0] == 'c') && s[1] == '-' && s[2] != '\0' && s[3] == '\0')
		c = s[2];
	else
		return -1;
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	if (c < '@' || c > '_')
		return -1;
	return CONTROL_KEY(c);
}

/* Frames: output asks for one, at most every FRAME_MS. */

static void on_frame_timer(uv_timer_t *timer)
{
	tui_mark_dirty(timer->data);
}

static void want_frame(struct tui *t)
{
	struct tui_consoles *cs = t->con;
	uint64_t now = uv_now(t->e->loop);

	if (t->dirty || uv_is_active((uv_handle_t *)&cs->frame_timer))
		return;
	if (now - cs->last_frame >= FRAME_MS)
		tui_mark_dirty(t);
	else
		uv_timer_start(&cs->frame_timer, on_frame_timer, FRAME_MS - (now - cs->last_frame),
			       0);
}

/* Bytes toward the host. */

static void out_append(struct pane *p, const void *buf, size_t len)
{
	if (p->nout + len > p->outcap) {
		p->outcap = (p->nout + len) * 2;
		p->out = xrealloc(p->out, p->outcap);
	}
	memcpy(p->out + p->nout, buf, len);
	p->nout += len;
}

/* Terminal callbacks. */

static void on_terminal_write(void *ctx, const char *buf, size_t len)
{
	out_append(ctx, buf, len);
}

static void on_terminal_damage(void *ctx)
{
	struct pane *p = ctx;

	want_frame(p->t);
}

static void on_terminal_dropped(void *ctx)
{
	struct pane *p = ctx;

	if (p->t->con->has_match && p->t->con->match_line > 0)
		p->t->con->match_line--;
}

static const struct terminal_callbacks terminal_callbacks = {
	.write = on_terminal_write,
	.damage = on_terminal_damage,
	.dropped = on_terminal_dropped,
};

static void on_retry_timer(uv_timer_t *timer);

/* Hand what is queued to the console; keep what it cannot take yet. */
static void pane_flush(struct pane *p)
{
	struct tui_consoles *cs = p->t->con;

	while (p->nout > 0) {
		size_t n = p->nout;
		int rc = console_write(p->con, p->out, n);

		if (rc == BMC_EAGAIN && n > 4096) {
			n = 4096;
			rc = console_write(p->con, p->out, n);
		}
		if (rc == BMC_EAGAIN) {
			if (!uv_is_active((uv_handle_t *)&cs->retry_timer))
				uv_timer_start(&cs->retry_timer, on_retry_timer, RETRY_MS,
					       RETRY_MS);
			if (p->nout > OUT_PAUSE)
				tui_input_pause(p->t, 1);
			return;
		}
		if (rc != 0) {
			tui_logf(p->t, "%s: console %s: %zu typed bytes not sent",
				 p->host->cfg->name, console_state_name(p->con->state), p->nout);
			p->nout = 0;
			break;
		}
		memmove(p->out, p->out + n, p->nout - n);
		p->nout -= n;
	}
}

static void flush_all(struct tui *t)
{
	struct tui_consoles *cs = t->con;
	size_t i, left = 0;

	for (i = 0; i < cs->npanes; i++) {
		if (cs->panes[i]->nout > 0)
			pane_flush(cs->panes[i]);
		left += cs->panes[i]->nout;
	}
	if (left == 0)
		uv_timer_stop(&cs->retry_timer);
	if (left <= OUT_PAUSE)
		tui_input_pause(t, 0);
}

static void on_retry_timer(uv_timer_t *timer)
{
	flush_all(timer->data);
}

static void consoles_flush(struct tui *t)
{
	if (t->con != NULL && t->con->npanes > 0)
		flush_all(t);
}

/* Console callbacks. */

static void on_console_data(void *ctx, struct console *c, const uint8_t *buf, size_t len)
{
	struct pane *p = ctx;
	struct tui_consoles *cs = p->t->con;

	terminal_feed(p->term, buf, len);
	if (cs->npanes > 0 && cs->panes[cs->cur] != p)
		p->activity = 1;
	/* Terminal answers (cursor reports) go out from the next loop pass,
	 * not from inside the transport's receive path. */
}

static void on_console_state(void *ctx, struct console *c, enum console_state st, const char *msg)
{
	struct pane *p = ctx;

	p->state = st;
	free(p->msg);
	p->msg = msg != NULL ? xstrdup(msg) : NULL;
	if (st == CON_BUSY)
		tui_logf(p->t, "%s: console busy, %s S takes it over%s%s", p->host->cfg->name,
			 p->t->con->prefix_name, msg ? ": " : "", msg ? msg : "");
	else if (st == CON_TAKEN)
		tui_logf(p->t, "%s: %s; %s S takes it back", p->host->cfg->name,
			 msg ? msg : "console taken over by another session", p->t->con->prefix_name);
	else
		tui_logf(p->t, "%s: console %s%s%s", p->host->cfg->name, console_state_name(st),
			 msg ? ": " : "", msg ? msg : "");
}

/* Panes. */

static struct pane *current(struct tui *t)
{
	struct tui_consoles *cs = t->con;

	return cs->npanes > 0 ? cs->panes[cs->cur] : NULL;
}

static void set_focus(struct tui *t, int console_has_it)
{
	struct tui_consoles *cs = t->con;

	console_has_it = console_has_it && cs->npanes > 0 && !cs->hidden;
	if (cs->focus == console_has_it)
		return;
	cs->focus = console_has_it;
	/* Ctrl-C, Ctrl-Z and Ctrl-S belong to the host while it has the keys. */
	if (console_has_it)
		raw();
	else
		cbreak();
	tui_mark_dirty(t);
}

static void pane_free(struct pane *p)
{
	terminal_free(p->term);
	free(p->msg);
	free(p->out);
	free(p);
}

static void on_console_done(struct console *c)
{
	struct tui *t = c->user;
	struct tui_consoles *cs = t->con;

	if (cs == NULL)
		return; /* the dashboard is already gone */
	if (cs->closing > 0 && --cs->closing == 0 && cs->all_closed != NULL) {
		void (*then)(struct tui *t) = cs->all_closed;

		cs->all_closed = NULL;
		uv_timer_stop(&cs->close_timer);
		then(t);
	}
}

/* Close console i; done (if any) hears when the transport has let go. */
static void pane_close(struct tui *t, size_t i, void (*done)(struct console *c))
{
	struct tui_consoles *cs = t->con;
	struct pane *p = cs->panes[i];

	if (p->nout > 0)
		pane_flush(p);
	p->con->user = t;
	if (done != NULL)
		cs->closing++;
	console_close(p->con, done);
	pane_free(p);
	memmove(cs->panes + i, cs->panes + i + 1, (cs->npanes - i - 1) * sizeof *cs->panes);
	cs->npanes--;
	if (cs->cur > i || cs->cur >= cs->npanes)
		cs->cur = cs->cur > 0 ? cs->cur - 1 : 0;
	cs->typing_search = 0;
	cs->has_match = 0;
	if (cs->npanes == 0) {
		set_focus(t, 0);
		cs->full = 0;
		cs->hidden = 0;
	}
	tui_mark_dirty(t);
}

/* Layout. */

/* Place the pane in a body of rows lines; returns the lines left for the
 * list or detail view above it (all of them side by side, none full screen). */
static int place(struct tui *t, int body)
{
	struct tui_consoles *cs = t->con;
	int pct = cs->split_pct;

	if (!cs->full && !cs->stacked && COLS >= 60) {
		cs->pw = COLS * pct / 100;
		if (cs->pw < 30)
			cs->pw = 30;
		if (cs->pw > COLS - 24)
			cs->pw = COLS - 24;
		cs->px = COLS - cs->pw;
		cs->py = 0;
		cs->ph = body;
		return body;
	}
	if (!cs->full && body >= 12) {
		cs->ph = body * pct / 100;
		if (cs->ph < 6)
			cs->ph = 6;
		if (cs->ph > body - 4)
			cs->ph = body - 4;
		cs->py = body - cs->ph;
		cs->px = 0;
		cs->pw = COLS;
		return body - cs->ph;
	}
	/* Full screen, asked for or because a split would not fit. */
	cs->py = 0;
	cs->px = 0;
	cs->ph = body;
	cs->pw = COLS;
	return 0;
}

static int consoles_layout(struct tui *t, int body)
{
	struct tui_consoles *cs = t->con;
	struct pane *p = current(t);
	int rows;

	cs->visible = 0;
	t->list_cols = COLS;
	if (p == NULL || cs->hidden || body < 3 || COLS < 4)
		return body;
	rows = place(t, body);
	cs->visible = 1;
	if (cs->px > 0)
		t->list_cols = cs->px; /* side by side: the list ends where the pane starts */
	terminal_resize(p->term, cs->ph - 2, cs->pw - 2);
	return rows;
}

/* Lines: the scrollback ring, then the screen, numbered from the oldest. */

static size_t top_line(const struct pane *p)
{
	return scrollback_top(p->sb);
}

static int rows_of(const struct pane *p)
{
	return terminal_rows(p->term);
}

/* Mark the columns of line v that are part of a match. */
static void line_highlight(struct pane *p, size_t v, unsigned char *hl, int cols)
{
	struct tui_consoles *cs = p->t->con;
	uint32_t buf[1024];
	int n = terminal_text(p->term, v, buf, cols < 1024 ? cols : 1024);

	memset(hl, 0, (size_t)cols);
	if (cs->nsearch == 0 || cs->typing_search || !p->scrollback)
		return;
	sb_highlight(buf, n, cs->search, cs->nsearch, hl);
}

static void draw_border(struct tui *t, struct pane *p)
{
	struct tui_consoles *cs = t->con;
	int y = cs->py, x = cs->px, h = cs->ph, w = cs->pw, pair;
	char title[256], status[256], hint[64];

	pair = cs->focus ? PAIR_TITLE : PAIR_DIM;
	tui_set_color(t, pair, 1);
	tui_draw_frame(y, x, h, w);
	tui_set_color(t, pair, 0);

	snprintf(title, sizeof title, " %s: %s%s%s%s", p->host->cfg->name,
		 console_state_name(p->state), p->msg && p->state != CON_ACTIVE ? " - " : "",
		 p->msg && p->state != CON_ACTIVE ? p->msg : "",
		 p->con->log_fd >= 0 ? "  [log]" : "");
	if (cs->npanes > 1)
		snprintf(title + strlen(title), sizeof title - strlen(title), "  (%zu of %zu)",
			 cs->cur + 1, cs->npanes);
	snprintf(title + strlen(title), sizeof title - strlen(title), " ");
	attron(A_BOLD);
	if (cs->focus)
		attron(A_REVERSE);
	mvaddnstr(y, x + 2, title, w - 4 > 0 ? w - 4 : 0);
	attroff(A_BOLD | A_REVERSE);

	status[0] = '\0';
	pair = 0;
	if (cs->typing_search) {
		size_t i, len = 0;

		status[len++] = ' ';
		status[len++] = '/';
		for (i = 0; i < cs->nsearch && len + 2 < sizeof status; i++)
			status[len++] = cs->search[i] < 128 ? (char)cs->search[i] : '?';
		status[len++] = ' ';
		status[len] = '\0';
	} else if (p->scrollback) {
		snprintf(status, sizeof status,
			 " scrollback: %zu of %zu lines up  / n N search  Esc leaves ",
			 p->sb->scroll, p->sb->count);
	} else if (p->state == CON_BUSY) {
		snprintf(status, sizeof status, " busy: %s S takes it over%s%s ", cs->prefix_name,
			 p->msg ? " - " : "", p->msg ? p->msg : "");
		pair = PAIR_WARN;
	} else if (p->state == CON_TAKEN) {
		snprintf(status, sizeof status, " taken over: %s S takes it back%s%s ",
			 cs->prefix_name, p->msg ? " - " : "", p->msg ? p->msg : "");
		pair = PAIR_WARN;
	} else if (p->state != CON_ACTIVE) {
		snprintf(status, sizeof status, " %s%s%s ", console_state_name(p->state),
			 p->msg ? ": " : "", p->msg ? p->msg : "");
		pair = p->state == CON_CONNECTING ? PAIR_DIM : PAIR_WARN;
	}
	snprintf(hint, sizeof hint, cs->focus ? " %s ? keys " : " %s o types here ",
		 cs->prefix_name);
	if (status[0] != '\0') {
		if (pair)
			tui_set_color(t, pair, 1);
		attron(A_REVERSE);
		mvaddnstr(y + h - 1, x + 1, status, w - 2 > 0 ? w - 2 : 0);
		attroff(A_REVERSE);
		if (pair)
			tui_set_color(t, pair, 0);
	}
	if ((int)(strlen(status) + strlen(hint)) + 4 < w)
		mvaddstr(y + h - 1, x + w - 1 - (int)strlen(hint), hint);
}

static void consoles_draw(struct tui *t)
{
	struct tui_consoles *cs = t->con;
	struct pane *p = current(t);
	unsigned char *hl;
	size_t top;
	int r;

	cs->last_frame = uv_now(t->e->loop);
	if (!cs->visible || p == NULL)
		return;
	p->activity = 0;
	draw_border(t, p);
	hl = xcalloc((size_t)terminal_cols(p->term) + 1, 1);
	top = p->scrollback ? top_line(p) : p->sb->count;
	for (r = 0; r < rows_of(p) && r < cs->ph - 2; r++) {
		size_t v = top + (size_t)r;

		line_highlight(p, v, hl, terminal_cols(p->term));
		terminal_draw_line(p->term, &cs->palette, cs->py + 1 + r, cs->px + 1, v, hl);
	}
	free(hl);
}

static int consoles_cursor(struct tui *t)
{
	struct tui_consoles *cs = t->con;
	struct pane *p = current(t);
	int row, col;

	if (p == NULL || !cs->visible || !cs->focus || p->scrollback || t->dialog != DIALOG_NONE)
		return 0;
	if (!terminal_cursor(p->term, &row, &col))
		return 0;
	curs_set(1);
	move(cs->py + 1 + row, cs->px + 1 + col);
	return 1;
}

/* Scrollback mode. */

static void scroll_to(struct pane *p, long lines_up)
{
	scrollback_scroll_to(p->sb, lines_up);
}

static int pane_text(void *ctx, size_t v, uint32_t *out, int max)
{
	struct pane *p = ctx;

	return terminal_text(p->term, v, out, max);
}

/* Look for the search from line `from` toward older (dir -1) or newer
 * (dir 1) lines, and bring the match into view. */
static void search(struct tui *t, struct pane *p, long from, int dir)
{
	struct tui_consoles *cs = t->con;
	long rows = rows_of(p), total = (long)p->sb->count + rows, v, top;
	char pat[SEARCH_MAX + 1];
	size_t i;

	for (i = 0; i < cs->nsearch; i++)
		pat[i] = cs->search[i] < 128 ? (char)cs->search[i] : '?';
	pat[cs->nsearch] = '\0';
	if (cs->nsearch == 0)
		return;
	v = sb_search(from, dir, total, cs->search, cs->nsearch, pane_text, p);
	if (v >= 0) {
		cs->has_match = 1;
		cs->match_line = (size_t)v;
		top = (long)top_line(p);
		if (v < top || v >= top + rows) {
			top = v - rows / 3;
			scroll_to(p, (long)p->sb->count - top);
		}
		tui_logf(t, "%s: \"%s\" found %ld lines up", p->host->cfg->name, pat,
			 (long)p->sb->count + rows - 1 - v);
		return;
	}
	tui_logf(t, "%s: \"%s\" not found %s", p->host->cfg->name, pat,
		 dir < 0 ? "above" : "below");
}

static void leave_scrollback(struct tui *t, struct pane *p)
{
	p->scrollback = 0;
	scroll_to(p, 0);
	t->con->typing_search = 0;
	t->con->has_match = 0;
}

static void search_typing_key(struct tui *t, struct pane *p, int key, int is_code)
{
	struct tui_consoles *cs = t->con;

	if (!is_code && key == 27) {
		cs->typing_search = 0;
		cs->nsearch = 0;
	} else if ((!is_code && (key == '\r' || key == '\n')) || (is_code && key == KEY_ENTER)) {
		cs->typing_search = 0;
		cs->has_match = 0;
		search(t, p, (long)top_line(p) + rows_of(p) - 1, -1);
	} else if ((is_code && key == KEY_BACKSPACE) || (!is_code && (key == 127 || key == 8))) {
		if (cs->nsearch > 0)
			cs->nsearch--;
	} else if (!is_code && key >= 0x20 && key != 0x7f && cs->nsearch < SEARCH_MAX) {
		cs->search[cs->nsearch++] = (uint32_t)key;
	}
}

static void scrollback_key(struct tui *t, struct pane *p, int key, int is_code)
{
	struct tui_consoles *cs = t->con;
	long page = rows_of(p) > 1 ? rows_of(p) - 1 : 1, up = (long)p->sb->scroll;

	if (cs->typing_search) {
		search_typing_key(t, p, key, is_code);
		return;
	}
	if (is_code) {
		if (key == KEY_PPAGE)
			scroll_to(p, up + page);
		else if (key == KEY_NPAGE)
			scroll_to(p, up - page);
		else if (key == KEY_UP)
			scroll_to(p, up + 1);
		else if (key == KEY_DOWN)
			scroll_to(p, up - 1);
		else if (key == KEY_HOME)
			scroll_to(p, (long)p->sb->count);
		else if (key == KEY_END)
			scroll_to(p, 0);
		return;
	}
	switch (key) {
	case 'k':
		scroll_to(p, up + 1);
		break;
	case 'j':
		scroll_to(p, up - 1);
		break;
	case CONTROL_KEY('b'):
		scroll_to(p, up + page);
		break;
	case CONTROL_KEY('f'):
	case ' ':
		scroll_to(p, up - page);
		break;
	case 'g':
		scroll_to(p, (long)p->sb->count);
		break;
	case 'G':
		scroll_to(p, 0);
		break;
	case '/':
		cs->typing_search = 1;
		cs->nsearch = 0;
		cs->has_match = 0;
		break;
	case 'n':
		search(t, p,
		       cs->has_match ? (long)cs->match_line - 1 : (long)top_line(p) + rows_of(p) - 1,
		       -1);
		break;
	case 'N':
		search(t, p, cs->has_match ? (long)cs->match_line + 1 : (long)top_line(p), 1);
		break;
	case 'q':
	case 27:
		leave_scrollback(t, p);
		break;
	default:
		break;
	}
}

/* Keys toward the host. */

static void send_key(struct pane *p, int key, int is_code)
{
	if (terminal_key(p->term, key, is_code))
		pane_flush(p);
}

/* Prefix commands. */

static void p_close(struct tui *t, int key)
{
	struct pane *p = current(t);

	tui_logf(t, "%s: console closed", p->host->cfg->name);
	pane_close(t, t->con->cur, on_console_done);
}

static void p_focus(struct tui *t, int key)
{
	struct tui_consoles *cs = t->con;

	if (cs->hidden) {
		cs->hidden = 0;
		set_focus(t, 1);
	} else {
		set_focus(t, !cs->focus);
	}
}

static void select_pane(struct tui *t, size_t i)
{
	struct tui_consoles *cs = t->con;

	if (i >= cs->npanes)
		return;
	cs->cur = i;
	cs->hidden = 0;
	cs->typing_search = 0;
	cs->has_match = 0;
	set_focus(t, 1);
	tui_mark_dirty(t);
}

static void p_next(struct tui *t, int key)
{
	select_pane(t, (t->con->cur + 1) % t->con->npanes);
}

static void p_prev(struct tui *t, int key)
{
	select_pane(t, (t->con->cur + t->con->npanes - 1) % t->con->npanes);
}

static void p_number(struct tui *t, int key)
{
	if ((size_t)(key - '1') < t->con->npanes)
		select_pane(t, (size_t)(key - '1'));
	else
		tui_logf(t, "no console %c: %zu open", key, t->con->npanes);
}

static void p_list(struct tui *t, int key)
{
	t->con->dialog_sel = t->con->cur;
	t->dialog = DIALOG_CONSOLES;
}

static void p_full(struct tui *t, int key)
{
	t->con->full = !t->con->full;
	t->con->hidden = 0;
}

static void p_orientation(struct tui *t, int key)
{
	t->con->stacked = !t->con->stacked;
	t->con->full = 0;
	t->con->hidden = 0;
}

static void p_resize(struct tui *t, int key)
{
	struct tui_consoles *cs = t->con;

	cs->split_pct += key == '>' ? 5 : -5;
	if (cs->split_pct < 20)
		cs->split_pct = 20;
	if (cs->split_pct > 85)
		cs->split_pct = 85;
	cs->full = 0;
}

static void p_scrollback(struct tui *t, int key)
{
	struct pane *p = current(t);

	p->scrollback = 1;
	scroll_to(p, 0);
	t->con->hidden = 0;
}

static void p_log(struct tui *t, int key)
{
	struct pane *p = current(t);
	char *err = NULL;
	int rc;

	if (p->con->log_fd >= 0) {
		console_log_stop(p->con);
		tui_logf(t, "%s: console log stopped", p->host->cfg->name);
		return;
	}
	rc = console_log_start(p->con, &err);
	if (rc != 0)
		tui_logf(t, "%s: console log: %s", p->host->cfg->name,
			 err ? err : bmc_strerror(rc));
	else
		tui_logf(t, "%s: console log on (consoles/ in the state directory)",
			 p->host->cfg->name);
	free(err);
}

static void p_break(struct tui *t, int key)
{
	struct pane *p = current(t);
	int rc = console_send_break(p->con);

	if (rc == 0)
		tui_logf(t, "%s: break sent", p->host->cfg->name);
	else
		tui_logf(t, "%s: break not sent: %s", p->host->cfg->name,
			 rc == BMC_ENOTSUP ? "this console has no break"
			 : rc == BMC_EAGAIN ? "the console is not active"
					    : bmc_strerror(rc));
}

static void p_steal(struct tui *t, int key)
{
	struct pane *p = current(t);
	int rc;

	if (p->state != CON_BUSY && p->state != CON_TAKEN) {
		tui_logf(t, "%s: nothing to take over (console %s)", p->host->cfg->name,
			 console_state_name(p->state));
		return;
	}
	rc = console_steal(p->con);
	if (rc == 0)
		tui_logf(t, "%s: taking the console over", p->host->cfg->name);
	else
		tui_logf(t, "%s: cannot take the console over: %s", p->host->cfg->name,
			 bmc_strerror(rc));
}

static void p_hide(struct tui *t, int key)
{
	t->con->hidden = 1;
	set_focus(t, 0);
}

static void p_help(struct tui *t, int key)
{
	t->dialog = DIALOG_CONSOLE_HELP;
}

struct prefix_binding {
	int keys[3];
	const char *names;
	const char *help;
	void (*fn)(struct tui *t, int key);
};

static const struct prefix_binding prefix_bindings[] = {
	{ { 'o', '\t' }, "o Tab", "keyboard to the console / to the host list", p_focus },
	{ { 'n' }, "n", "next console", p_next },
	{ { 'p' }, "p", "previous console", p_prev },
	{ { '1', '2', '3' }, "1-9", "console number N", p_number },
	{ { '4', '5', '6' }, NULL, NULL, p_number },
	{ { '7', '8', '9' }, NULL, NULL, p_number },
	{ { 'w' }, "w", "list of open consoles", p_list },
	{ { 'z' }, "z", "full screen, or back to the split", p_full },
	{ { 's' }, "s", "split side by side / stacked", p_orientation },
	{ { '<', '>' }, "< >", "shrink / grow the console pane", p_resize },
	{ { '[' }, "[", "scrollback: PgUp PgDn, / search, n N, Esc leaves", p_scrollback },
	{ { 'l' }, "l", "console log on / off", p_log },
	{ { 'b' }, "b", "send a break", p_break },
	{ { 'S' }, "S", "take over a busy console, or take it back (SOL)", p_steal },
	{ { 'h' }, "h", "hide the pane (consoles stay open; C shows it)", p_hide },
	{ { 'q' }, "q", "close this console", p_close },
	{ { '?' }, "?", "this help", p_help },
};

#define NPREFIX (sizeof prefix_bindings / sizeof prefix_bindings[0])

static void prefix_command(struct tui *t, int key, int is_code)
{
	struct tui_consoles *cs = t->con;
	size_t i;
	int k;

	if (!is_code && key == cs->prefix) {
		send_key(current(t), key, 0);
		return;
	}
	for (i = 0; i < NPREFIX && !is_code; i++) {
		for (k = 0; k < 3; k++) {
			if (prefix_bindings[i].keys[k] == key && key != 0) {
				prefix_bindings[i].fn(t, key);
				tui_mark_dirty(t);
				return;
			}
		}
	}
}

/* Bracketed paste. */

static void paste_append(struct tui_consoles *cs, uint32_t c)
{
	uint8_t u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (uint8_t)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (uint8_t)(0xc0 | (c >> 6));
		u[1] = (uint8_t)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (uint8_t)(0xe0 | (c >> 12));
		u[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (uint8_t)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | ((c >> 18) & 0x07));
		u[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (uint8_t)(0x80 | (c & 0x3f));
		n = 4;
	}
	if (cs->npaste + n > PASTE_MAX)
		return;
	if (cs->npaste + n > cs->pastecap) {
		cs->pastecap = (cs->npaste + n) * 2;
		cs->paste = xrealloc(cs->paste, cs->pastecap);
	}
	memcpy(cs->paste + cs->npaste, u, n);
	cs->npaste += n;
}

static void paste_done(struct tui *t)
{
	struct tui_consoles *cs = t->con;
	struct pane *p = current(t);
	size_t i;

	if (p != NULL && cs->focus && cs->visible && !p->scrollback) {
		/* One write, wrapped in the host's own paste brackets if it
		 * asked for them (DECSET 2004). */
		terminal_paste(p->term, cs->paste, cs->npaste);
		pane_flush(p);
	} else if (t->typing_filter) {
		size_t n = strlen(t->filter);

		for (i = 0; i < cs->npaste && n + 1 < sizeof t->filter; i++)
			if (cs->paste[i] >= 0x20 && cs->paste[i] < 0x7f)
				t->filter[n++] = (char)cs->paste[i];
		t->filter[n] = '\0';
		t->order_dirty = 1;
	} else if (cs->npaste > 0) {
		tui_logf(t, "paste ignored: no console has the keyboard (%s o gives it one)",
			 cs->prefix_name);
	}
	cs->npaste = 0;
	tui_mark_dirty(t);
}

/* Input: everything the dashboard reads goes through here first. */
static int consoles_input(struct tui *t, int key, int is_code)
{
	struct tui_consoles *cs = t->con;
	struct pane *p = current(t);

	if (cs->pasting) {
		if (is_code && key == TUI_KEY_PASTE_END) {
			cs->pasting = 0;
			paste_done(t);
		} else if (!is_code) {
			paste_append(cs, (uint32_t)key);
		}
		return 1;
	}
	if (is_code && key == TUI_KEY_PASTE_BEGIN) {
		cs->pasting = 1;
		cs->npaste = 0;
		return 1;
	}
	if (is_code && key == TUI_KEY_PASTE_END)
		return 1;
	if (cs->prefix_armed) {
		cs->prefix_armed = 0;
		if (p != NULL)
			prefix_command(t, key, is_code);
		tui_mark_dirty(t);
		return 1;
	}
	if (!is_code && key == cs->prefix) {
		if (p == NULL) {
			tui_logf(t, "%s: no console is open (C opens the selected host's)",
				 cs->prefix_name);
			return 1;
		}
		cs->prefix_armed = 1;
		tui_logf(t, "%s  (? lists the console keys)", cs->prefix_name);
		return 1;
	}
	if (p == NULL || !cs->focus || !cs->visible)
		return 0;
	if (p->scrollback)
		scrollback_key(t, p, key, is_code);
	else
		send_key(p, key, is_code);
	tui_mark_dirty(t);
	return 1;
}

static int consoles_click(struct tui *t, int y, int x)
{
	struct tui_consoles *cs = t->con;

	if (cs->visible && y >= cs->py && y < cs->py + cs->ph && x >= cs->px &&
	    x < cs->px + cs->pw) {
		set_focus(t, 1);
		return 1;
	}
	if (!cs->full)
		set_focus(t, 0);
	return cs->visible && cs->full;
}

/* Dialogs: the list of consoles and the prefix keys. */

static void consoles_dialog_key(struct tui *t, enum tui_dialog d, int key)
{
	struct tui_consoles *cs = t->con;

	if (d != DIALOG_CONSOLES || cs->npanes == 0)
		return;
	if (key == 'j' || key == KEY_DOWN) {
		cs->dialog_sel = (cs->dialog_sel + 1) % cs->npanes;
		t->dialog = DIALOG_CONSOLES;
	} else if (key == 'k' || key == KEY_UP) {
		cs->dialog_sel = (cs->dialog_sel + cs->npanes - 1) % cs->npanes;
		t->dialog = DIALOG_CONSOLES;
	} else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		select_pane(t, cs->dialog_sel);
	} else if (key >= '1' && key <= '9') {
		select_pane(t, (size_t)(key - '1'));
	} else if (key == 'x') {
		if (cs->dialog_sel < cs->npanes) {
			struct pane *p = cs->panes[cs->dialog_sel];

			tui_logf(t, "%s: console closed", p->host->cfg->name);
			pane_close(t, cs->dialog_sel, on_console_done);
		}
		if (cs->dialog_sel >= cs->npanes && cs->dialog_sel > 0)
			cs->dialog_sel--;
		if (cs->npanes > 0)
			t->dialog = DIALOG_CONSOLES;
	}
}

static void format_bytes(uint64_t n, char *buf, size_t len)
{
	if (n < 10000)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else if (n < 10000000)
		snprintf(buf, len, "%llu KB", (unsigned long long)(n / 1024));
	else
		snprintf(buf, len, "%llu MB", (unsigned long long)(n / (1024 * 1024)));
}

static void draw_console_list(struct tui *t)
{
	struct tui_consoles *cs = t->con;
	int w = COLS > 78 ? 74 : COLS - 4, h = (int)cs->npanes + 4, y, x = (COLS - w) / 2, row;
	size_t i;

	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	tui_draw_box(y, x, h, w, "Consoles  (Enter or 1-9 selects, x closes, Esc)");
	for (i = 0, row = 0; i < cs->npanes && row < h - 3; i++, row++) {
		const struct pane *p = cs->panes[i];
		char in[24], line[256];

		format_bytes(p->con->bytes_in, in, sizeof in);
		snprintf(line, sizeof line, "%c %zu  %-16.16s %-10s %-24.24s %9s in %s",
			 i == cs->cur ? '>' : ' ', i + 1, p->host->cfg->name,
			 console_state_name(p->state), p->host->cfg->console ? p->host->cfg->console
									     : "sol",
			 in, p->activity ? "*" : "");
		if (i == cs->dialog_sel)
			attron(A_REVERSE);
		mvaddnstr(y + 1 + row, x + 2, line, w - 4);
		if (i == cs->dialog_sel)
			attroff(A_REVERSE);
	}
	mvaddnstr(y + h - 2, x + 2, "* output not seen yet", w - 4);
}

static void draw_console_help(struct tui *t)
{
	struct tui_consoles *cs = t->con;
	int w = COLS > 72 ? 68 : COLS - 2, h = (int)NPREFIX + 3, y, x = (COLS - w) / 2, row = 0;
	char title[64];
	size_t i;

	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	snprintf(title, sizeof title, "Console keys: %s, then  (any key closes)", cs->prefix_name);
	tui_draw_box(y, x, h, w, title);
	for (i = 0; i < NPREFIX && row < h - 3; i++) {
		if (prefix_bindings[i].names == NULL)
			continue;
		mvprintw(y + 1 + row, x + 2, "%-8s", prefix_bindings[i].names);
		mvaddnstr(y + 1 + row, x + 11, prefix_bindings[i].help, w - 13);
		row++;
	}
	mvprintw(y + 1 + row, x + 2, "%-8s", cs->prefix_name);
	mvaddnstr(y + 1 + row, x + 11, "send the prefix key itself to the host", w - 13);
}

static void consoles_draw_dialog(struct tui *t)
{
	if (t->dialog == DIALOG_CONSOLES)
		draw_console_list(t);
	else if (t->dialog == DIALOG_CONSOLE_HELP)
		draw_console_help(t);
}

/* Opening and closing. */

static void on_close_timeout(uv_timer_t *timer)
{
	struct tui *t = timer->data;
	void (*then)(struct tui *t) = t->con->all_closed;

	t->con->all_closed = NULL;
	if (then != NULL) {
		tui_logf(t, "consoles did not close within 5 s; going on");
		then(t);
	}
}

static void consoles_open(struct tui *t, struct bmc_host *h)
{
	struct tui_consoles *cs = t->con;
	struct console_callbacks cb = { on_console_data, on_console_state, NULL };
	char *err = NULL;
	struct pane *p;
	size_t i;
	int rc;

	for (i = 0; i < cs->npanes; i++) {
		if (cs->panes[i]->host == h) {
			select_pane(t, i);
			return;
		}
	}
	p = xcalloc(1, sizeof *p);
	p->t = t;
	p->host = h;
	p->state = CON_CONNECTING;
	/* The size the pane will have; the first frame corrects it if not. */
	cs->hidden = 0;
	place(t, LINES - 2 > 3 ? LINES - 2 : 3);
	p->term = terminal_new(cs->ph - 2 > 0 ? cs->ph - 2 : 1, cs->pw - 2 > 0 ? cs->pw - 2 : 1,
			       SCROLLBACK_LINES, &terminal_callbacks, p);
	p->sb = terminal_scrollback(p->term);
	cb.ctx = p;
	rc = console_open(&p->con, h, &cb, &err);
	if (rc != 0) {
		tui_logf(t, "%s: console: %s", h->cfg->name, err ? err : bmc_strerror(rc));
		free(err);
		pane_free(p);
		return;
	}
	p->state = p->con->state;
	cs->panes = xreallocarray(cs->panes, cs->npanes + 1, sizeof *cs->panes);
	cs->panes[cs->npanes++] = p;
	select_pane(t, cs->npanes - 1);
	tui_logf(t, "%s: console %s (%s); %s then ? lists the console keys", h->cfg->name,
		 console_state_name(p->state), h->cfg->console ? h->cfg->console : "sol",
		 cs->prefix_name);
}

static void consoles_close_all(struct tui *t, void (*then)(struct tui *t))
{
	struct tui_consoles *cs = t->con;

	while (cs->npanes > 0)
		pane_close(t, cs->npanes - 1, on_console_done);
	if (cs->closing == 0) {
		then(t);
		return;
	}
	/* Closing is bounded by each transport; this bounds it here too. */
	cs->all_closed = then;
	uv_timer_start(&cs->close_timer, on_close_timeout, 5000, 0);
}

static void consoles_init(struct tui *t)
{
	struct tui_consoles *cs = xcalloc(1, sizeof *cs);
	const char *env = getenv("BMCTOP_CONSOLE_PREFIX");

	t->con = cs;
	cs->split_pct = 50;
	cs->palette.colors = t->colors;
	cs->palette.first_pair = PAIR_CONSOLE_FIRST;
	cs->palette.highlight_pair = PAIR_WARN;
	cs->prefix = parse_prefix(env);
	if (cs->prefix < 0) {
		cs->prefix = CONTROL_KEY(']');
		tui_logf(t, "BMCTOP_CONSOLE_PREFIX=\"%s\": expected ^X or C-x; using ^]", env);
	}
	snprintf(cs->prefix_name, sizeof cs->prefix_name, "^%c", cs->prefix + '@');
	uv_timer_init(t->e->loop, &cs->frame_timer);
	uv_timer_init(t->e->loop, &cs->retry_timer);
	uv_timer_init(t->e->loop, &cs->close_timer);
	cs->frame_timer.data = cs->retry_timer.data = cs->close_timer.data = t;
	/* Terminals wrap a paste in these once bracketed paste is on. */
	define_key("\033[200~", TUI_KEY_PASTE_BEGIN);
	define_key("\033[201~", TUI_KEY_PASTE_END);
}

static void on_timer_closed(uv_handle_t *handle)
{
	struct tui_consoles *cs = handle->data;

	/* The timers live inside the state: free it with the last one. */
	if (--cs->open_timers > 0)
		return;
	terminal_palette_free(&cs->palette);
	free(cs->paste);
	free(cs->panes);
	free(cs);
}

static void consoles_free(struct tui *t)
{
	struct tui_consoles *cs = t->con;

	if (cs == NULL)
		return;
	/* After the loop: close what is left without waiting for anyone. */
	while (cs->npanes > 0)
		pane_close(t, cs->npanes - 1, NULL);
	cs->all_closed = NULL;
	t->con = NULL;
	cs->frame_timer.data = cs->retry_timer.data = cs->close_timer.data = cs;
	cs->open_timers = 3;
	uv_close((uv_handle_t *)&cs->frame_timer, on_timer_closed);
	uv_close((uv_handle_t *)&cs->retry_timer, on_timer_closed);
	uv_close((uv_handle_t *)&cs->close_timer, on_timer_closed);
}

/* The console tab of h's detail view. */
static int consoles_draw_host(struct tui *t, const struct bmc_host *h, int y, int rows)
{
	const struct console *c = NULL;
	size_t i;

	for (i = 0; i < t->con->npanes; i++)
		if (t->con->panes[i]->host == h)
			c = t->con->panes[i]->con;

	mvprintw(y, 2, "Console:  %s", h->cfg->console ? h->cfg->console : "sol");
	if (c != NULL)
		mvprintw(y + 1, 2, "State:    %s%s%s  (%llu bytes in, %llu out)%s",
			 console_state_name(c->state), c->state_msg ? ": " : "",
			 c->state_msg ? c->state_msg : "", (unsigned long long)c->bytes_in,
			 (unsigned long long)c->bytes_out, c->log_fd >= 0 ? "  logging" : "");
	else
		mvprintw(y + 1, 2, "State:    not open");
	mvprintw(y + 3, 2, "Enter or C opens it in a pane beside the host list; keys then go to");
	mvprintw(y + 4, 2, "the host, and %s followed by ? lists the console commands.",
		 t->con->prefix_name);
	return 5;
}


static void consoles_status(struct tui *t, char *buf, size_t len)
{
	if (t->con->npanes > 0)
		snprintf(buf, len, "consoles %zu %s:keys  ", t->con->npanes, t->con->prefix_name);
}

const struct tui_pane_ops tui_console_pane = {
	.init = consoles_init,
	.free = consoles_free,
	.open = consoles_open,
	.layout = consoles_layout,
	.draw = consoles_draw,
	.draw_host = consoles_draw_host,
	.status = consoles_status,
	.draw_dialog = consoles_draw_dialog,
	.dialog_key = consoles_dialog_key,
	.cursor = consoles_cursor,
	.input = consoles_input,
	.click = consoles_click,
	.flush = consoles_flush,
	.close_all = consoles_close_all,
};
