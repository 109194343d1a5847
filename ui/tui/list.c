/*
 * tui/list.c - the host list: which hosts show, in what order, and how
 * each row is drawn at the width the terminal has.
 *
 * Columns have a priority: at 80 columns the list keeps name, power,
 * health, temperature and the error; wider terminals add group, protocol,
 * fan, watts and age.  Only the visible rows are drawn, so the cost of a
 * frame does not grow with the fleet beyond the sort.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/internal.h"

const char *tui_sort_name(enum tui_sort s)
{
	static const char *const names[] = { "name", "health", "temperature", "power" };

	return names[s];
}

static double hottest(const struct bmc_host *h, int *has)
{
	double t = -1e9;
	size_t i;

	*has = 0;
	for (i = 0; i < h->nsensors; i++) {
		const struct bmc_sensor *s = &h->sensors[i];

		if (s->has_value && strcmp(s->unit, "C") == 0 && s->value > t) {
			t = s->value;
			*has = 1;
		}
	}
	return t;
}

static double watts(const struct bmc_host *h, int *has)
{
	double w = 0;
	size_t i;

	*has = 0;
	for (i = 0; i < h->nsensors; i++) {
		const struct bmc_sensor *s = &h->sensors[i];

		/* Vendors file power meters under "power" or "current"; the unit tells. */
		if (s->has_value && strcmp(s->unit, "W") == 0) {
			w += s->value;
			*has = 1;
		}
	}
	return w;
}

static void host_summary(const struct bmc_host *h, char *temp, char *fan, char *watt, size_t len)
{
	double f = 1e18, t, w;
	int has_t, has_w, has_f = 0;
	size_t i;

	for (i = 0; i < h->nsensors; i++) {
		const struct bmc_sensor *s = &h->sensors[i];

		if (s->has_value && strcmp(s->unit, "RPM") == 0 && s->value < f) {
			f = s->value;
			has_f = 1;
		}
	}
	t = hottest(h, &has_t);
	w = watts(h, &has_w);
	snprintf(temp, len, has_t ? "%.0fC" : "-", t);
	snprintf(fan, len, has_f ? "%.0f" : "-", f);
	snprintf(watt, len, has_w ? "%.0fW" : "-", w);
}

/* Sorting and filtering. */

static struct tui *sort_tui;

static int health_rank(const struct bmc_host *h)
{
	if (h->state == HOST_PARKED)
		return 5;
	if (h->state == HOST_UNREACHABLE || h->state == HOST_ERROR)
		return 4;
	return h->health == BMC_HEALTH_CRITICAL ? 3 : h->health == BMC_HEALTH_WARNING ? 2
									 : h->health;
}

static int cmp_hosts(const void *a, const void *b)
{
	const struct bmc_host *x = &sort_tui->e->hosts[*(const size_t *)a];
	const struct bmc_host *y = &sort_tui->e->hosts[*(const size_t *)b];
	double dx, dy;
	int hx, hy;

	switch (sort_tui->sort) {
	case SORT_HEALTH:
		hx = health_rank(x);
		hy = health_rank(y);
		if (hx != hy)
			return hy - hx;
		break;
	case SORT_TEMP:
		dx = hottest(x, &hx);
		dy = hottest(y, &hy);
		if (hx != hy)
			return hy - hx;
		if (dx != dy)
			return dx < dy ? 1 : -1;
		break;
	case SORT_POWER:
		dx = watts(x, &hx);
		dy = watts(y, &hy);
		if (hx != hy)
			return hy - hx;
		if (dx != dy)
			return dx < dy ? 1 : -1;
		break;
	case SORT_NAME:
	case SORT__MAX:
		break;
	}
	/* Fleet order is the name order the user wrote; keep it stable. */
	return x->index < y->index ? -1 : x->index > y->index;
}

static int matches(const struct tui *t, const struct bmc_host *h)
{
	if (t->group != NULL && (h->cfg->group == NULL || strcmp(h->cfg->group, t->group) != 0))
		return 0;
	if (t->filter[0] == '\0')
		return 1;
	return strstr(h->cfg->name, t->filter) != NULL ||
	       (h->cfg->group != NULL && strstr(h->cfg->group, t->filter) != NULL) ||
	       strstr(h->cfg->address, t->filter) != NULL ||
	       (h->error != NULL && strstr(h->error, t->filter) != NULL);
}

void tui_list_reorder(struct tui *t)
{
	struct bmc_engine *e = t->e;
	size_t keep = t->norder ? t->order[t->selected < t->norder ? t->selected : 0] : 0;
	size_t i;

	if (t->order == NULL)
		t->order = xcalloc(e->nhosts ? e->nhosts : 1, sizeof *t->order);
	t->norder = 0;
	for (i = 0; i < e->nhosts; i++)
		if (matches(t, &e->hosts[i]))
			t->order[t->norder++] = i;
	sort_tui = t;
	if (t->sort != SORT_NAME)
		qsort(t->order, t->norder, sizeof *t->order, cmp_hosts);
	/* The selection follows its host when the order changes. */
	t->selected = 0;
	for (i = 0; i < t->norder; i++) {
		if (t->order[i] == keep) {
			t->selected = i;
			break;
		}
	}
	t->order_dirty = 0;
}

/* Columns, in the order drawn; lower priority columns go first when narrow. */
struct column {
	const char *title;
	int width;
	int priority; /* 0 always shown */
};

enum { COL_MARK, COL_NAME, COL_GROUP, COL_PROTO, COL_POWER, COL_HEALTH, COL_TEMP, COL_FAN,
       COL_WATTS, COL_AGE, COL_ERROR, COL__MAX };

static const struct column columns[COL__MAX] = {
	{ "", 1, 0 },	   { "HOST", 16, 0 },	{ "GROUP", 8, 3 },  { "PROTO", 7, 4 },
	{ "POWER", 7, 0 }, { "HEALTH", 9, 0 },	{ "TEMP", 6, 0 },   { "FAN", 6, 2 },
	{ "WATTS", 7, 1 }, { "AGE", 5, 1 },	{ "ERROR", 0, 0 },
};

/* The host list's width: the screen's, less a console pane beside it. */
static int list_width(const struct tui *t)
{
	return t->list_cols > 0 && t->list_cols < COLS ? t->list_cols : COLS;
}

static void layout(int width, int shown[COL__MAX])
{
	int used, c, prio;

	for (c = 0; c < COL__MAX; c++)
		shown[c] = 1;
	for (prio = 4; prio >= 1; prio--) {
		used = 0;
		for (c = 0; c < COL_ERROR; c++)
			if (shown[c])
				used += columns[c].width + 1;
		if (width - used >= 20)
			break;
		for (c = 0; c < COL__MAX; c++)
			if (columns[c].priority == prio)
				shown[c] = 0;
	}
}

static void draw_header(struct tui *t, int y, const int shown[COL__MAX])
{
	int c, x = 0;

	tui_set_color(t, PAIR_TITLE, 1);
	mvhline(y, 0, ' ', list_width(t));
	for (c = 0; c < COL__MAX; c++) {
		if (!shown[c])
			continue;
		if (c == COL_ERROR) {
			if (x < list_width(t))
				mvaddnstr(y, x, "ERROR", list_width(t) - x);
			break;
		}
		if (c >= COL_TEMP && c <= COL_AGE)
			mvprintw(y, x, "%*s", columns[c].width, columns[c].title);
		else
			mvprintw(y, x, "%-*s", columns[c].width, columns[c].title);
		x += columns[c].width + 1;
	}
	tui_set_color(t, PAIR_TITLE, 0);
}

static void draw_row(struct tui *t, int y, const struct bmc_host *h, int selected,
		     const int shown[COL__MAX])
{
	char temp[16], fan[16], watt[16], age[16];
	int c, x = 0;

	host_summary(h, temp, fan, watt, sizeof temp);
	if (selected)
		attron(A_REVERSE);
	mvhline(y, 0, ' ', list_width(t));
	for (c = 0; c < COL__MAX; c++) {
		int w = columns[c].width, pair = 0;
		const char *text = "";
		char buf[32];

		if (!shown[c])
			continue;
		switch (c) {
		case COL_MARK:
			text = t->marked[h->index] ? "*" : " ";
			pair = t->marked[h->index] ? PAIR_MARK : 0;
			break;
		case COL_NAME:
			text = h->cfg->name;
			break;
		case COL_GROUP:
			text = h->cfg->group ? h->cfg->group : "-";
			break;
		case COL_PROTO:
			text = h->protocol ? bmc_source_name(h->protocol)
					   : fleet_protocol_name(h->cfg->protocol);
			break;
		case COL_POWER:
			text = bmc_power_name(h->power);
			pair = h->power == BMC_POWER_ON ? PAIR_OK : PAIR_DIM;
			break;
		case COL_HEALTH:
			text = bmc_health_name(h->health);
			pair = tui_health_pair(h->health);
			break;
		case COL_TEMP:
			text = temp;
			break;
		case COL_FAN:
			text = fan;
			break;
		case COL_WATTS:
			text = watt;
			break;
		case COL_AGE:
			text = tui_age(h->updated_ms, age, sizeof age);
			break;
		case COL_ERROR:
			text = h->error ? h->error : "";
			/* Narrow: the gist, with the full text in the detail view. */
			if (h->error != NULL && list_width(t) - x < 40 && h->state == HOST_UNREACHABLE)
				text = "unreachable";
			else if (h->error != NULL && list_width(t) - x < 40 && h->state == HOST_PARKED)
				text = "auth failed (r: retry)";
			pair = h->state == HOST_PARKED ? PAIR_CRIT : PAIR_WARN;
			break;
		}
		if (pair && !selected)
			tui_set_color(t, pair, 1);
		if (c == COL_ERROR) {
			if (x < list_width(t))
				mvaddnstr(y, x, text, list_width(t) - x);
		} else if (c >= COL_TEMP && c <= COL_AGE) {
			snprintf(buf, sizeof buf, "%*.*s", w, w, text);
			mvaddstr(y, x, buf);
		} else {
			snprintf(buf, sizeof buf, "%-*.*s", w, w, text);
			mvaddstr(y, x, buf);
		}
		if (pair && !selected)
			tui_set_color(t, pair, 0);
		x += w + 1;
	}
	if (selected)
		attroff(A_REVERSE);
}

void tui_list_draw(struct tui *t, int y0, int rows)
{
	int shown[COL__MAX];
	size_t i;

	layout(list_width(t), shown);
	draw_header(t, y0, shown);
	rows--;
	if (rows < 1)
		return;
	if (t->selected >= t->norder && t->norder > 0)
		t->selected = t->norder - 1;
	if (t->selected < t->top)
		t->top = t->selected;
	if (t->selected >= t->top + (size_t)rows)
		t->top = t->selected - (size_t)rows + 1;
	if (t->top + (size_t)rows > t->norder)
		t->top = t->norder > (size_t)rows ? t->norder - (size_t)rows : 0;
	for (i = t->top; i < t->norder && i < t->top + (size_t)rows; i++)
		draw_row(t, y0 + 1 + (int)(i - t->top), &t->e->hosts[t->order[i]],
			 i == t->selected, shown);
	if (t->norder == 0)
		mvprintw(y0 + 2, 2, t->e->nhosts ? "No host matches the filter." :
						   "The fleet file defines no hosts.");
}
