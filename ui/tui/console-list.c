/*
 * tui/console-list.c - the consoles open in the dashboard: each one a
 * console (console/console.h) connected to a terminal (tui/terminal.c),
 * which one is shown, whether it has the keyboard, where its pane goes,
 * and the bytes queued toward each host.
 *
 * Bytes from the host are fed to the terminal, whose damage only asks for
 * a frame (at most one every FRAME_MS while output streams), so a megabyte
 * of boot log costs a few dozen frames, not one per read.  The bytes the
 * terminal hands out (keys, pastes, answers to the host's terminal
 * queries) wait here for console_write(); over OUT_PAUSE of them, the
 * dashboard stops reading the keyboard until they drain.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "core/xalloc.h"
#include "tui/console-list.h"
#include "tui/terminal.h"

#define SCROLLBACK_LINES 5000
#define FRAME_MS 16
#define RETRY_MS 50
/* Past this many unsent bytes, stop reading the keyboard until they drain. */
#define OUT_PAUSE (64 * 1024)

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
void console_list_flush(struct pane *p)
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
			console_list_flush(cs->panes[i]);
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

void console_list_flush_all(struct tui *t)
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

struct pane *console_list_current(struct tui *t)
{
	struct tui_consoles *cs = t->con;

	return cs->npanes > 0 ? cs->panes[cs->cur] : NULL;
}

void console_list_focus(struct tui *t, int console_has_it)
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
		console_list_flush(p);
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
		console_list_focus(t, 0);
		cs->full = 0;
		cs->hidden = 0;
	}
	tui_mark_dirty(t);
}

void console_list_close(struct tui *t, size_t i)
{
	pane_close(t, i, on_console_done);
}

/* Layout. */

/* Place the pane in a body of rows lines; returns the lines left for the
 * list or detail view above it (all of them side by side, none full screen). */
/* The pane's pct share of total lines or columns: at least min, and at
 * most all but leave. */
static int share(int total, int pct, int min, int leave)
{
	int n = total * pct / 100;

	if (n < min)
		n = min;
	if (n > total - leave)
		n = total - leave;
	return n;
}

static int place(struct tui *t, int body)
{
	struct tui_consoles *cs = t->con;
	int pct = cs->split_pct;

	if (!cs->full && !cs->stacked && COLS >= 60) {
		cs->pw = share(COLS, pct, 30, 24);
		cs->px = COLS - cs->pw;
		cs->py = 0;
		cs->ph = body;
		return body;
	}
	if (!cs->full && body >= 12) {
		cs->ph = share(body, pct, 6, 4);
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

int console_list_layout(struct tui *t, int body)
{
	struct tui_consoles *cs = t->con;
	struct pane *p = console_list_current(t);
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


void console_list_select(struct tui *t, size_t i)
{
	struct tui_consoles *cs = t->con;

	if (i >= cs->npanes)
		return;
	cs->cur = i;
	cs->hidden = 0;
	cs->typing_search = 0;
	cs->has_match = 0;
	console_list_focus(t, 1);
	tui_mark_dirty(t);
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

void console_list_open(struct tui *t, struct bmc_host *h)
{
	struct tui_consoles *cs = t->con;
	struct console_callbacks cb = { on_console_data, on_console_state, NULL };
	char *err = NULL;
	struct pane *p;
	size_t i;
	int rc;

	for (i = 0; i < cs->npanes; i++) {
		if (cs->panes[i]->host == h) {
			console_list_select(t, i);
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
	console_list_select(t, cs->npanes - 1);
	tui_logf(t, "%s: console %s (%s); %s then ? lists the console keys", h->cfg->name,
		 console_state_name(p->state), h->cfg->console ? h->cfg->console : "sol",
		 cs->prefix_name);
}

void console_list_close_all(struct tui *t, void (*then)(struct tui *t))
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

void console_list_init(struct tui *t)
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

void console_list_free(struct tui *t)
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
