/*
 * tui/core.c - what every part of the dashboard calls on: asking for a
 * frame, the action log, the selected host, pausing the keyboard, the way
 * out, and the dispatch to the panes.
 *
 * The panes (the console pane, the VNC viewers) are reached only through
 * their tui_pane_ops tables, listed in t->panes by tui/tui.c; nothing here
 * names a pane, so the panes call down into this file and never the other
 * way round.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "tui/internal.h"

void tui_mark_dirty(struct tui *t)
{
	t->dirty = 1;
}

void tui_statusf(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof t->status, fmt, ap);
	va_end(ap);
	tui_mark_dirty(t);
}

void tui_logf(struct tui *t, const char *fmt, ...)
{
	char when[16], *msg;
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	snprintf(t->status, sizeof t->status, "%s", msg);
	if (t->nlog == TUI_LOG_MAX) {
		free(t->log[0]);
		memmove(t->log, t->log + 1, (TUI_LOG_MAX - 1) * sizeof *t->log);
		t->nlog--;
	}
	t->log[t->nlog++] = xasprintf("%s  %s", when, msg);
	free(msg);
	tui_mark_dirty(t);
}

/* Wrapping long text: breaks after a space or a comma. */

size_t tui_wrap_cut(const char *s, int w)
{
	size_t n = strlen(s), cut;

	if (w < 1)
		w = 1;
	if (n <= (size_t)w)
		return n;
	for (cut = (size_t)w; cut > 0; cut--)
		if (s[cut - 1] == ' ' || s[cut - 1] == ',')
			break;
	return cut > (size_t)w / 3 ? cut : (size_t)w;
}

int tui_wrap_lines(const char *s, int w, int indent)
{
	int n = 0, width = w;

	while (*s != '\0') {
		s += tui_wrap_cut(s, width);
		while (*s == ' ')
			s++;
		n++;
		width = w - indent;
	}
	return n > 0 ? n : 1;
}

int tui_draw_wrapped(int y, int x, int w, int skip, int rows, const char *s, int indent)
{
	int line = 0, width = w;

	while (*s != '\0' && line - skip < rows) {
		size_t cut = tui_wrap_cut(s, width);

		if (line >= skip)
			mvaddnstr(y + line - skip, x + (line ? indent : 0), s, (int)cut);
		s += cut;
		while (*s == ' ')
			s++;
		line++;
		width = w - indent;
	}
	return line > skip ? line - skip : 0;
}

int tui_readonly_refuses(struct tui *t, const char *what)
{
	if (t->e->fleet == NULL || !t->e->fleet->readonly)
		return 0;
	tui_statusf(t, "read-only: %s refused", what);
	return 1;
}

struct bmc_host *tui_selected_host(struct tui *t)
{
	if (t->norder == 0 || t->selected >= t->norder)
		return NULL;
	return &t->e->hosts[t->order[t->selected]];
}

void tui_input_pause(struct tui *t, int paused)
{
	if (t->e->closing || t->input_paused == paused)
		return;
	t->input_paused = paused;
	if (paused)
		uv_poll_stop(&t->input);
	else
		uv_poll_start(&t->input, UV_READABLE, t->on_input);
}

/* The way out: panes in their order, then the engine. */

static void on_closed_stop(struct bmc_engine *e)
{
	uv_stop(e->loop);
}

/* Close the panes from t->closing_pane on; each one's close_all may finish
 * later and comes back here. */
static void close_next_pane(struct tui *t)
{
	while (t->panes[t->closing_pane] != NULL) {
		const struct tui_pane_ops *ops = t->panes[t->closing_pane++];

		if (ops->close_all != NULL) {
			ops->close_all(t, close_next_pane);
			return;
		}
	}
	engine_shutdown(t->e, on_closed_stop);
}

void tui_quit(struct tui *t)
{
	if (t->quitting)
		return;
	t->quitting = 1;
	tui_help_close(t);
	uv_poll_stop(&t->input);
	uv_timer_stop(&t->tick);
	uv_prepare_stop(&t->redraw);
	uv_signal_stop(&t->sigwinch);
	/* Consoles before the engine: SOL's Deactivate Payload needs the BMC session. */
	t->closing_pane = 0;
	close_next_pane(t);
}

/* Dispatch to the panes. */

void tui_panes_init(struct tui *t)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->init != NULL)
			(*p)->init(t);
}

void tui_panes_free(struct tui *t)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->free != NULL)
			(*p)->free(t);
}

int tui_panes_layout(struct tui *t, int body)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->layout != NULL)
			body = (*p)->layout(t, body);
	return body;
}

void tui_panes_draw(struct tui *t)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->draw != NULL)
			(*p)->draw(t);
}

int tui_panes_draw_host(struct tui *t, const struct bmc_host *h, int y, int rows)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->draw_host != NULL)
			return (*p)->draw_host(t, h, y, rows);
	return 0;
}

void tui_panes_status(struct tui *t, char *buf, size_t len)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->status != NULL)
			(*p)->status(t, buf + strlen(buf), len - strlen(buf));
}

void tui_panes_draw_dialog(struct tui *t)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->draw_dialog != NULL)
			(*p)->draw_dialog(t);
}

void tui_panes_dialog_key(struct tui *t, enum tui_dialog d, int key)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->dialog_key != NULL)
			(*p)->dialog_key(t, d, key);
}

int tui_panes_cursor(struct tui *t)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->cursor != NULL && (*p)->cursor(t))
			return 1;
	return 0;
}

int tui_panes_input(struct tui *t, int key, int is_code)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->input != NULL && (*p)->input(t, key, is_code))
			return 1;
	return 0;
}

int tui_panes_click(struct tui *t, int y, int x)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->click != NULL && (*p)->click(t, y, x))
			return 1;
	return 0;
}

void tui_panes_flush(struct tui *t)
{
	const struct tui_pane_ops *const *p;

	for (p = t->panes; *p != NULL; p++)
		if ((*p)->flush != NULL)
			(*p)->flush(t);
}

size_t tui_panes_open(struct tui *t, char *buf, size_t len)
{
	const struct tui_pane_ops *const *p;
	size_t total = 0, n, used = 0;

	buf[0] = '\0';
	for (p = t->panes; *p != NULL; p++) {
		if ((*p)->open_count == NULL)
			continue;
		n = (*p)->open_count(t);
		if (n == 0)
			continue;
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%zu %s%s",
						 total ? ", " : "", n, (*p)->open_noun,
						 n == 1 ? "" : "s");
		total += n;
	}
	return total;
}
