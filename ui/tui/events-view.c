/*
 * tui/events-view.c - the fleet-wide Events view (E, and :events): what
 * changed on which host, newest first, from the recorder's event ring
 * (core/record.h), with a filter, "acknowledge" and "acknowledge all
 * shown"; and the terminal bell for the events the fleet's alert-on
 * chooses (alert-bell = yes), at most one ring every few seconds.
 *
 * It is a pane (struct tui_pane_ops): while open it takes the body of the
 * screen and the keys it knows; every other key (:, ?, q) goes on to the
 * key table.
 *
 * The filter: terms separated by spaces must all match, alternatives in a
 * term separated by '|', a leading '-' or '!' negates.  An event's own
 * keys are host: (or name:), kind: (health power state sensor sel), to:,
 * from:, sensor:, severity: (ok warning critical) and acked:yes|no; a bare
 * word is found in the host, kind, sensor, from, to or text; any other
 * term (group:rack4, @rack4, temp>80, health:critical ...) is the host
 * list's language (core/filter.h) applied to the event's host as it is now.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/filter.h"
#include "core/log.h"
#include "core/record.h"
#include "core/xalloc.h"
#include "tui/internal.h"

#define KEY_ESC	     27
#define BELL_GAP_MS  5000 /* at most one bell this often */
#define EV_TERMS_MAX 16

struct ev_term {
	int neg;
	char *text;	   /* the term without its '-', alternatives split by '|' */
	struct filter *hf; /* a host-list term, or NULL */
};

struct tui_events {
	int open;
	int typing;
	char filter[64];
	char filter_err[160];
	struct ev_term terms[EV_TERMS_MAX];
	size_t nterms;
	const struct fleet_event **rows; /* shown, newest first */
	size_t nrows, cap;
	uint64_t seen_version; /* of the ring when rows was made; 0: remake */
	size_t selected, top;
	int body;     /* lines the view has, from the top */
	int cursor_x; /* after the filter in the title line */
	int64_t last_bell_ms;
	unsigned long bells;
};

static struct events *ring(struct tui *t)
{
	struct recorder *r = record_of(t->e);

	return r != NULL ? record_events(r) : NULL;
}

/* The filter. */

static void terms_free(struct tui_events *v)
{
	size_t i;

	for (i = 0; i < v->nterms; i++) {
		free(v->terms[i].text);
		filter_free(v->terms[i].hf);
	}
	v->nterms = 0;
}

/* key:value with a key the events know; *value after the colon. */
static const char *event_key(const char *term, const char **value)
{
	static const char *const keys[] = {"host",   "name",	 "kind",  "to", "from",
					   "sensor", "severity", "acked", NULL};
	const char *colon = strchr(term, ':');
	size_t i, n;

	if (colon == NULL)
		return NULL;
	n = (size_t)(colon - term);
	for (i = 0; keys[i] != NULL; i++) {
		if (strlen(keys[i]) == n && strncasecmp(term, keys[i], n) == 0) {
			*value = colon + 1;
			return keys[i];
		}
	}
	return NULL;
}

/* A term for the host list's language: a key it knows, a comparison, a group. */
static int host_term(const char *term)
{
	const char *v;

	if (event_key(term, &v) != NULL)
		return 0;
	return term[0] == '@' || strchr(term, ':') != NULL || strpbrk(term, "<>=") != NULL ||
	       strchr(term, '[') != NULL;
}

static int compile(struct tui_events *v)
{
	char *copy = xstrdup(v->filter), *w, *save = NULL, err[160];

	terms_free(v);
	v->filter_err[0] = '\0';
	for (w = strtok_r(copy, " ", &save); w != NULL && v->nterms < EV_TERMS_MAX;
	     w = strtok_r(NULL, " ", &save)) {
		struct ev_term *tm = &v->terms[v->nterms];

		tm->neg = w[0] == '-' || w[0] == '!';
		tm->text = xstrdup(w + tm->neg);
		tm->hf = NULL;
		v->nterms++;
		if (tm->text[0] == '\0' || !host_term(tm->text))
			continue;
		if (filter_parse(tm->text, &tm->hf, err, sizeof err) != 0) {
			snprintf(v->filter_err, sizeof v->filter_err, "%s", err);
			terms_free(v);
			free(copy);
			return -1;
		}
	}
	free(copy);
	v->seen_version = 0;
	return 0;
}

static int has_word(const char *hay, const char *word)
{
	return hay != NULL && strcasestr(hay, word) != NULL;
}

static int starts(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* One alternative of a term against an event. */
static int match_alt(const struct fleet_event *e, const char *alt)
{
	const char *key, *val = NULL, *kind = fev_kind_name((enum fev_kind)e->kind);

	key = event_key(alt, &val);
	if (key == NULL)
		return has_word(e->host, alt) || has_word(kind, alt) || has_word(e->subject, alt) ||
		       has_word(e->from, alt) || has_word(e->to, alt) || has_word(e->text, alt);
	if (strcmp(key, "host") == 0 || strcmp(key, "name") == 0)
		return has_word(e->host, val);
	if (strcmp(key, "kind") == 0)
		return starts(kind, val);
	if (strcmp(key, "to") == 0)
		return starts(e->to, val);
	if (strcmp(key, "from") == 0)
		return starts(e->from, val);
	if (strcmp(key, "sensor") == 0)
		return has_word(e->subject, val);
	if (strcmp(key, "severity") == 0)
		return starts(bmc_health_name((enum bmc_health)e->severity), val);
	/* acked */
	return (starts("yes", val) || starts("true", val)) == (e->acked != 0);
}

static int match_term(struct tui *t, const struct ev_term *tm, const struct fleet_event *e)
{
	char *copy, *alt, *save = NULL;
	int hit = 0;

	if (tm->hf != NULL) {
		struct bmc_host *h = engine_find_host(t->e, e->host);

		hit = h != NULL && filter_match(tm->hf, h, engine_wall_ms());
	} else {
		copy = xstrdup(tm->text);
		for (alt = strtok_r(copy, "|", &save); alt != NULL && !hit;
		     alt = strtok_r(NULL, "|", &save))
			hit = match_alt(e, alt);
		free(copy);
	}
	return hit != tm->neg;
}

static int event_shown(struct tui *t, const struct fleet_event *e)
{
	size_t i;

	for (i = 0; i < t->events->nterms; i++)
		if (!match_term(t, &t->events->terms[i], e))
			return 0;
	return 1;
}

/* The rows, made again when the ring or the filter moved. */
static void refresh_rows(struct tui *t)
{
	struct tui_events *v = t->events;
	struct events *ev = ring(t);
	size_t i, n;
	uint64_t ver;

	if (ev == NULL) {
		v->nrows = 0;
		return;
	}
	ver = events_version(ev);
	if (ver == v->seen_version && v->seen_version != 0)
		return;
	n = events_count(ev);
	if (n > v->cap) {
		v->cap = n;
		v->rows = xreallocarray(v->rows, n, sizeof *v->rows);
	}
	v->nrows = 0;
	for (i = 0; i < n; i++) {
		const struct fleet_event *e = events_get(ev, i);

		if (e != NULL && event_shown(t, e))
			v->rows[v->nrows++] = e;
	}
	v->seen_version = ver ? ver : 1;
	if (v->selected >= v->nrows)
		v->selected = v->nrows ? v->nrows - 1 : 0;
}

/* Opening, acknowledging. */

void tui_events_open(struct tui *t, const char *filter)
{
	struct tui_events *v = t->events;

	if (v == NULL)
		return;
	if (record_of(t->e) == NULL) {
		tui_statusf(t, "no fleet events: recording is off (see the log)");
		return;
	}
	v->open = 1;
	v->typing = 0;
	if (filter != NULL) {
		snprintf(v->filter, sizeof v->filter, "%s", filter);
		compile(v);
	}
	v->seen_version = 0;
	v->selected = v->top = 0;
	tui_statusf(t, "Events: a acknowledge, A acknowledge all shown, / filter, Enter the host, "
		       "Esc back");
	tui_mark_dirty(t);
}

static void ack_selected(struct tui *t)
{
	struct tui_events *v = t->events;
	const struct fleet_event *e;

	refresh_rows(t);
	if (v->nrows == 0)
		return;
	e = v->rows[v->selected];
	if (e->acked)
		return;
	if (events_ack(ring(t), e->seq) == 0)
		tui_statusf(t, "acknowledged: %s %s", e->host,
			    fev_kind_name((enum fev_kind)e->kind));
	if (v->selected + 1 < v->nrows)
		v->selected++;
}

struct ack_ctx {
	struct tui *t;
};

static int ack_match(const struct fleet_event *e, void *ctx)
{
	struct ack_ctx *c = ctx;

	return !e->acked && event_shown(c->t, e);
}

static void ack_shown(struct tui *t)
{
	struct ack_ctx c = {t};
	struct events *ev = ring(t);
	size_t n;

	if (ev == NULL)
		return;
	n = events_ack_matching(ev, ack_match, &c);
	tui_logf(t, "acknowledged %zu event%s%s%s", n, n == 1 ? "" : "s",
		 t->events->filter[0] ? " matching " : "", t->events->filter);
}

/* Enter: the event's host in the host list. */
static void goto_host(struct tui *t)
{
	struct tui_events *v = t->events;
	struct bmc_host *h;
	size_t i;

	if (v->nrows == 0)
		return;
	h = engine_find_host(t->e, v->rows[v->selected]->host);
	if (h == NULL) {
		tui_statusf(t, "%s is not in this fleet", v->rows[v->selected]->host);
		return;
	}
	v->open = 0;
	t->view = VIEW_LIST;
	t->filter[0] = '\0';
	t->group = NULL;
	t->order_dirty = 1;
	tui_list_reorder(t);
	for (i = 0; i < t->norder; i++)
		if (t->order[i] == h->index)
			t->selected = i;
}

/* The bell. */

static void on_event(void *ctx, const struct fleet_event *ev, int bell)
{
	struct tui *t = ctx;
	int64_t now = engine_wall_ms();

	if (t->events->open)
		tui_mark_dirty(t);
	if (!bell || now - t->events->last_bell_ms < BELL_GAP_MS)
		return;
	t->events->last_bell_ms = now;
	t->events->bells++;
	beep();
}

/* The pane. */

static void ev_init(struct tui *t)
{
	struct recorder *r = record_of(t->e);

	t->events = xcalloc(1, sizeof *t->events);
	if (r != NULL)
		record_add_listener(r, on_event, t);
}

static void ev_free(struct tui *t)
{
	struct recorder *r = record_of(t->e);

	if (t->events == NULL)
		return;
	if (t->events->bells > 0)
		log_info("tui: the bell rang %lu times for fleet events", t->events->bells);
	if (r != NULL)
		record_remove_listener(r, on_event, t);
	terms_free(t->events);
	free(t->events->rows);
	free(t->events);
	t->events = NULL;
}

static int ev_layout(struct tui *t, int body)
{
	if (t->events == NULL || !t->events->open)
		return body;
	t->events->body = body;
	return 0;
}

static const char *when(int64_t ms, int64_t now, char *buf, size_t len)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, now - ms < 86400000 ? "%H:%M:%S" : "%b %d %H:%M", &tm);
	return buf;
}

static int severity_pair(const struct fleet_event *e)
{
	return tui_health_pair((enum bmc_health)e->severity);
}

static void draw_event(struct tui *t, int y, const struct fleet_event *e, int sel, int hostw,
		       int64_t now)
{
	char tbuf[32], what[384], count[16] = "";
	int x, w = COLS;

	if (e->count > 1)
		snprintf(count, sizeof count, "x%u", e->count);
	/* A change: from -> to, then its text; a log entry: its text. */
	if ((e->kind == FEV_HEALTH || e->kind == FEV_POWER) && e->from[0] && e->to[0])
		snprintf(what, sizeof what, "%s -> %s", e->from, e->to);
	else if (e->kind != FEV_SEL && e->from[0] && e->to[0])
		snprintf(what, sizeof what, "%s%s%s -> %s  %s", e->subject,
			 e->subject[0] ? ": " : "", e->from, e->to, e->text);
	else if (e->subject[0])
		snprintf(what, sizeof what, "%s: %s", e->subject, e->text);
	else
		snprintf(what, sizeof what, "%s", e->text);
	if (sel)
		attron(A_REVERSE);
	mvhline(y, 0, ' ', w);
	if (!e->acked) {
		if (!sel)
			tui_set_color(t, PAIR_MARK, 1);
		mvaddch(y, 0, '!');
		if (!sel)
			tui_set_color(t, PAIR_MARK, 0);
	}
	mvaddnstr(y, 2, when(e->t, now, tbuf, sizeof tbuf), 12);
	x = 15;
	mvprintw(y, x, "%-*.*s", hostw, hostw, e->host);
	x += hostw + 1;
	if (!sel)
		tui_set_color(t, severity_pair(e), 1);
	mvprintw(y, x, "%-6.6s", fev_kind_name((enum fev_kind)e->kind));
	if (!sel)
		tui_set_color(t, severity_pair(e), 0);
	x += 7;
	mvprintw(y, x, "%5s ", count);
	x += 6;
	if (x < w)
		mvaddnstr(y, x, what, w - x);
	if (!e->acked && !sel)
		mvchgat(y, 2, x - 2, A_BOLD, 0, NULL);
	if (sel)
		attroff(A_REVERSE);
}

static void ev_draw(struct tui *t)
{
	struct tui_events *v = t->events;
	struct events *ev;
	size_t i, unacked = 0, total;
	int rows, hostw = 16, y;
	int64_t now = engine_wall_ms();

	if (v == NULL || !v->open || v->body < 3)
		return;
	refresh_rows(t);
	ev = ring(t);
	total = ev != NULL ? events_count(ev) : 0;
	for (i = 0; i < v->nrows; i++)
		unacked += !v->rows[i]->acked;
	for (i = 0; i < v->nrows && i < 200; i++)
		if ((int)strlen(v->rows[i]->host) > hostw)
			hostw = (int)strlen(v->rows[i]->host);
	if (hostw > 24)
		hostw = 24;
	tui_set_color(t, PAIR_TITLE, 1);
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 0, " EVENTS  %zu shown of %zu, %zu unacknowledged", v->nrows, total, unacked);
	if (v->typing || v->filter[0])
		printw("   /%s", v->filter);
	v->cursor_x = getcurx(stdscr);
	tui_set_color(t, PAIR_TITLE, 0);
	if (v->filter_err[0]) {
		tui_set_color(t, PAIR_WARN, 1);
		printw("  %s", v->filter_err);
		tui_set_color(t, PAIR_WARN, 0);
	}
	attron(A_BOLD);
	mvhline(1, 0, ' ', COLS);
	mvprintw(1, 2, "%-12s %-*s %-6s %5s %s", "TIME", hostw, "HOST", "KIND", "COUNT", "WHAT");
	attroff(A_BOLD);
	rows = v->body - 2;
	if (v->selected < v->top)
		v->top = v->selected;
	if (v->selected >= v->top + (size_t)rows)
		v->top = v->selected - (size_t)rows + 1;
	for (i = v->top, y = 2; i < v->nrows && y < v->body; i++, y++)
		draw_event(t, y, v->rows[i], i == v->selected, hostw, now);
	if (v->nrows == 0)
		mvaddnstr(3, 2, total ? "No event matches the filter." : "No fleet events yet.",
			  COLS - 2);
}

static int ev_cursor(struct tui *t)
{
	struct tui_events *v = t->events;

	if (v == NULL || !v->open || !v->typing)
		return 0;
	curs_set(1);
	move(0, v->cursor_x < COLS ? v->cursor_x : COLS - 1);
	return 1;
}

static void filter_key(struct tui *t, int key)
{
	struct tui_events *v = t->events;
	size_t n = strlen(v->filter);

	if (key == KEY_ESC) {
		v->filter[0] = '\0';
		v->typing = 0;
	} else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		v->typing = 0;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (n > 0)
			v->filter[n - 1] = '\0';
	} else if (key >= 32 && key < 127 && n + 1 < sizeof v->filter) {
		v->filter[n] = (char)key;
		v->filter[n + 1] = '\0';
	}
	compile(v);
	v->selected = v->top = 0;
}

static void move_sel(struct tui_events *v, long step)
{
	long s = (long)v->selected + step;

	if (s >= (long)v->nrows)
		s = (long)v->nrows - 1;
	v->selected = s < 0 ? 0 : (size_t)s;
}

#define EV_NKEYS 6
static const struct tui_key_help ev_keys[EV_NKEYS];

static int ev_input(struct tui *t, int key, int is_code)
{
	struct tui_events *v = t->events;
	long page;

	if (v == NULL || !v->open || tui_cmdline_active(t) || t->dialog != DIALOG_NONE)
		return 0;
	if (v->typing) {
		filter_key(t, key);
		tui_mark_dirty(t);
		return 1;
	}
	refresh_rows(t);
	page = v->body > 4 ? v->body - 3 : 1;
	if (is_code || key < 128) {
		switch (key) {
		case 'j':
		case KEY_DOWN:
			move_sel(v, 1);
			break;
		case 'k':
		case KEY_UP:
			move_sel(v, -1);
			break;
		case KEY_NPAGE:
			move_sel(v, page);
			break;
		case KEY_PPAGE:
			move_sel(v, -page);
			break;
		case 'g':
		case KEY_HOME:
			v->selected = 0;
			break;
		case 'G':
		case KEY_END:
			move_sel(v, (long)v->nrows);
			break;
		case '/':
			v->typing = 1;
			break;
		case 'a':
		case ' ':
			ack_selected(t);
			break;
		case 'A':
			ack_shown(t);
			break;
		case '?': /* the view's own keys, from its table below */
			tui_help_open_keys(t, "Events view keys", ev_keys, EV_NKEYS);
			break;
		case '\r':
		case '\n':
		case KEY_ENTER:
			goto_host(t);
			break;
		case 'E':
		case KEY_ESC:
		case 'h':
		case KEY_BACKSPACE:
		case 127:
			if (key == KEY_ESC && v->filter[0]) {
				v->filter[0] = '\0';
				compile(v);
				break;
			}
			v->open = 0;
			tui_statusf(t, "host list");
			break;
		default:
			return 0; /* : ? q ^L and the rest: the key table's */
		}
		tui_mark_dirty(t);
		return 1;
	}
	return 0;
}

static void ev_status(struct tui *t, char *buf, size_t len)
{
	struct tui_events *v = t->events;
	size_t used = strlen(buf);

	if (v != NULL && v->open && used < len)
		snprintf(buf + used, len - used, "events view  ");
}

static const struct tui_key_help ev_keys[EV_NKEYS] = {
    {"a Space", "acknowledge the selected event"},
    {"A", "acknowledge every event shown"},
    {"/", "filter: words, host: kind: to: acked:no, @group temp>80"},
    {"Enter", "the event's host in the list"},
    {"Esc E", "back to the host list"},
    {": q", "command mode (:events FILTER), quit: as in the host list"},
};

const struct tui_pane_ops tui_events_pane = {
    .init = ev_init,
    .free = ev_free,
    .layout = ev_layout,
    .draw = ev_draw,
    .cursor = ev_cursor,
    .input = ev_input,
    .status = ev_status,
};

/* E in the host list. */
void tui_events_key_open(struct tui *t, int key)
{
	(void)key;
	tui_events_open(t, NULL);
}
