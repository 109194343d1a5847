/*
 * tui/console.c - the console pane: hosts' serial consoles drawn beside or
 * below the host list, or over the whole screen, and the keys that drive
 * them.  The open consoles themselves are tui/console-list.c's; each one's
 * screen is a terminal (tui/terminal.c) with a scrollback ring
 * (tui/scrollback.c).
 *
 * While a console has the keyboard the terminal is in raw mode and every
 * key is the host's (Ctrl-C included) except one prefix key, Ctrl-] unless
 * BMCTOP_CONSOLE_PREFIX names another, which reaches the commands in
 * prefix_bindings[]; the help overlay prints that table.  In scrollback
 * mode the keys move through the history and search it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console/console.h"
#include "core/xalloc.h"
#include "tui/console-list.h"
#include "tui/internal.h"
#include "tui/scrollback.h"
#include "tui/terminal.h"

#define PASTE_MAX (8 * 1024 * 1024)

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

static void console_pane_draw(struct tui *t)
{
	struct tui_consoles *cs = t->con;
	struct pane *p = console_list_current(t);
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

static int console_pane_cursor(struct tui *t)
{
	struct tui_consoles *cs = t->con;
	struct pane *p = console_list_current(t);
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
		tui_statusf(t, "%s: \"%s\" found %ld lines up", p->host->cfg->name, pat,
			 (long)p->sb->count + rows - 1 - v);
		return;
	}
	tui_statusf(t, "%s: \"%s\" not found %s", p->host->cfg->name, pat,
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
	long page = rows_of(p) > 1 ? rows_of(p) - 1 : 1, up = (long)p->sb->scroll, from;

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
		from = cs->has_match ? (long)cs->match_line - 1
				     : (long)top_line(p) + rows_of(p) - 1;
		search(t, p, from, -1);
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
	if (tui_readonly_refuses(p->t, "console input"))
		return;
	if (terminal_key(p->term, key, is_code))
		console_list_flush(p);
}

/* Prefix commands. */

static void p_close(struct tui *t, int key)
{
	struct pane *p = console_list_current(t);

	tui_logf(t, "%s: console closed", p->host->cfg->name);
	console_list_close(t, t->con->cur);
}

static void p_focus(struct tui *t, int key)
{
	struct tui_consoles *cs = t->con;

	if (cs->hidden) {
		cs->hidden = 0;
		console_list_focus(t, 1);
	} else {
		console_list_focus(t, !cs->focus);
	}
}


static void p_next(struct tui *t, int key)
{
	console_list_select(t, (t->con->cur + 1) % t->con->npanes);
}

static void p_prev(struct tui *t, int key)
{
	console_list_select(t, (t->con->cur + t->con->npanes - 1) % t->con->npanes);
}

static void p_number(struct tui *t, int key)
{
	if ((size_t)(key - '1') < t->con->npanes)
		console_list_select(t, (size_t)(key - '1'));
	else
		tui_statusf(t, "no console %c: %zu open", key, t->con->npanes);
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
	struct pane *p = console_list_current(t);

	p->scrollback = 1;
	scroll_to(p, 0);
	t->con->hidden = 0;
}

static void p_log(struct tui *t, int key)
{
	struct pane *p = console_list_current(t);
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
	struct pane *p = console_list_current(t);
	int rc;

	if (tui_readonly_refuses(t, "break"))
		return;
	rc = console_send_break(p->con);
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
	struct pane *p = console_list_current(t);
	int rc;

	if (tui_readonly_refuses(t, "console takeover"))
		return;
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
	console_list_focus(t, 0);
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

/* The prefix keys in the dashboard's help overlay, then the prefix itself. */
static int console_pane_help_line(const struct tui *t, size_t i, const char **names,
				  const char **help)
{
	if (i < NPREFIX) {
		*names = prefix_bindings[i].names;
		*help = prefix_bindings[i].help;
		return 1;
	}
	if (i > NPREFIX)
		return 0;
	*names = t->con->prefix_name;
	*help = "twice: send the prefix key itself to the host";
	return 1;
}

static void prefix_command(struct tui *t, int key, int is_code)
{
	struct tui_consoles *cs = t->con;
	size_t i;
	int k;

	if (!is_code && key == cs->prefix) {
		send_key(console_list_current(t), key, 0);
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
	struct pane *p = console_list_current(t);
	size_t i;

	if (p != NULL && cs->focus && cs->visible && !p->scrollback) {
		if (tui_readonly_refuses(t, "paste into the console")) {
			cs->npaste = 0;
			return;
		}
		/* One write, wrapped in the host's own paste brackets if it
		 * asked for them (DECSET 2004). */
		terminal_paste(p->term, cs->paste, cs->npaste);
		console_list_flush(p);
	} else if (t->typing_filter) {
		size_t n = strlen(t->filter);

		for (i = 0; i < cs->npaste && n + 1 < sizeof t->filter; i++)
			if (cs->paste[i] >= 0x20 && cs->paste[i] < 0x7f)
				t->filter[n++] = (char)cs->paste[i];
		t->filter[n] = '\0';
		t->order_dirty = 1;
	} else if (cs->npaste > 0) {
		tui_statusf(t, "paste ignored: no console has the keyboard (%s o gives it one)",
			 cs->prefix_name);
	}
	cs->npaste = 0;
	tui_mark_dirty(t);
}

/* Input: everything the dashboard reads goes through here first. */
static int console_pane_input(struct tui *t, int key, int is_code)
{
	struct tui_consoles *cs = t->con;
	struct pane *p = console_list_current(t);

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
		/* The key after the prefix is the prefix's even with no
		 * console open: ^] q must not reach the dashboard's q. */
		cs->prefix_armed = 0;
		if (p != NULL)
			prefix_command(t, key, is_code);
		else if (!is_code && key == '?')
			p_help(t, key);
		else
			tui_statusf(t, "%s: no console is open (C opens the selected host's)",
				 cs->prefix_name);
		tui_mark_dirty(t);
		return 1;
	}
	if (!is_code && key == cs->prefix) {
		cs->prefix_armed = 1;
		tui_statusf(t, "%s  (? lists the console keys)", cs->prefix_name);
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

static int console_pane_click(struct tui *t, int y, int x)
{
	struct tui_consoles *cs = t->con;

	if (cs->visible && y >= cs->py && y < cs->py + cs->ph && x >= cs->px &&
	    x < cs->px + cs->pw) {
		console_list_focus(t, 1);
		return 1;
	}
	if (!cs->full)
		console_list_focus(t, 0);
	return cs->visible && cs->full;
}

/* Dialogs: the list of consoles and the prefix keys. */

static void console_pane_dialog_key(struct tui *t, enum tui_dialog d, int key)
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
		console_list_select(t, cs->dialog_sel);
	} else if (key >= '1' && key <= '9') {
		console_list_select(t, (size_t)(key - '1'));
	} else if (key == 'x') {
		if (cs->dialog_sel < cs->npanes) {
			struct pane *p = cs->panes[cs->dialog_sel];

			tui_logf(t, "%s: console closed", p->host->cfg->name);
			console_list_close(t, cs->dialog_sel);
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
	int w = COLS > 78 ? 74 : COLS - 4, h, y, x, row;
	size_t i;

	h = tui_draw_dialog(w, (int)cs->npanes + 4,
			    "Consoles  (Enter or 1-9 selects, x closes, Esc)", &y, &x);
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
	int w = COLS > 72 ? 68 : COLS - 2, h, y, x, row = 0;
	char title[64];
	size_t i;

	snprintf(title, sizeof title, "Console keys: %s, then  (any key closes)", cs->prefix_name);
	h = tui_draw_dialog(w, (int)NPREFIX + 3, title, &y, &x);
	for (i = 0; i < NPREFIX && row < h - 3; i++) {
		if (prefix_bindings[i].names == NULL)
			continue;
		tui_draw_key_line(y + 1 + row, x, w, 8, prefix_bindings[i].names,
				  prefix_bindings[i].help);
		row++;
	}
	tui_draw_key_line(y + 1 + row, x, w, 8, cs->prefix_name,
			  "send the prefix key itself to the host");
}

static void console_pane_draw_dialog(struct tui *t)
{
	if (t->dialog == DIALOG_CONSOLES)
		draw_console_list(t);
	else if (t->dialog == DIALOG_CONSOLE_HELP)
		draw_console_help(t);
}


/* The console tab of h's detail view. */
static int console_pane_draw_host(struct tui *t, const struct bmc_host *h, int y, int rows)
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


static size_t console_pane_open_count(struct tui *t)
{
	return t->con->npanes;
}

/* Ctrl-C reaches the dashboard as a key, not as SIGINT, so that quitting
 * with consoles open can ask first (a focused console sends it to the
 * host, as before); def_prog_mode() keeps it through cbreak() and raw(),
 * and endwin() gives the terminal back as it was.  Read-only says so from
 * the start. */
static void console_pane_init(struct tui *t)
{
	struct termios tio;

	console_list_init(t);
	if (t->e->fleet != NULL && t->e->fleet->readonly)
		tui_statusf(t, "read-only: power, boot, identify, console input and VNC are "
			       "refused");
	if (tcgetattr(STDIN_FILENO, &tio) != 0)
		return;
	tio.c_cc[VINTR] = _POSIX_VDISABLE;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) == 0)
		def_prog_mode();
}

static void console_pane_status(struct tui *t, char *buf, size_t len)
{
	size_t n;

	/* Until the status bar has a place of its own for it. */
	if (t->e->fleet != NULL && t->e->fleet->readonly) {
		snprintf(buf, len, "READ-ONLY  ");
		n = strlen(buf);
		buf += n;
		len -= n;
	}
	if (t->con->npanes > 0)
		snprintf(buf, len, "consoles %zu %s:keys  ", t->con->npanes, t->con->prefix_name);
}

const struct tui_pane_ops tui_console_pane = {
	.init = console_pane_init,
	.free = console_list_free,
	.open = console_list_open,
	.layout = console_list_layout,
	.draw = console_pane_draw,
	.draw_host = console_pane_draw_host,
	.status = console_pane_status,
	.draw_dialog = console_pane_draw_dialog,
	.dialog_key = console_pane_dialog_key,
	.cursor = console_pane_cursor,
	.input = console_pane_input,
	.click = console_pane_click,
	.flush = console_list_flush_all,
	.close_all = console_list_close_all,
	.help_title = "Console keys: the prefix (^] or BMCTOP_CONSOLE_PREFIX), then",
	.help_line = console_pane_help_line,
	.open_count = console_pane_open_count,
	.open_noun = "console",
};
