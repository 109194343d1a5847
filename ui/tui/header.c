/*
 * tui/header.c - the fleet header above the host list, as htop's meters:
 * hosts by state and health in a bar, power on and off, the total watts
 * and the hottest hosts; one line per group when a tall terminal has room
 * (or the @ group alone when one is chosen); and on a wide terminal the
 * selected host's summary beside the list (from 180 columns: below that
 * the list's own columns need the room).
 *
 * H hides and shows it.  At 80x24 it takes two lines.  Counting walks the
 * fleet once per frame, like the status line, reading each host's hottest
 * temperature and watts as tui.c keeps them, not its sensors.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "core/units.h"
#include "tui/internal.h"

#define MAX_GROUP_LINES 8
#define SIDE_MIN_COLS 180
#define SIDE_WIDTH 40

static void add_hot(struct tui_counts *s, const struct bmc_host *h, double c)
{
	size_t i;

	if (s->nhot == TUI_HOTTEST && c <= s->hot_c[TUI_HOTTEST - 1])
		return;
	i = s->nhot < TUI_HOTTEST ? s->nhot++ : TUI_HOTTEST - 1;
	for (; i > 0 && s->hot_c[i - 1] < c; i--) {
		s->hot[i] = s->hot[i - 1];
		s->hot_c[i] = s->hot_c[i - 1];
	}
	s->hot[i] = h->index;
	s->hot_c[i] = c;
}

static void count(const struct tui *t, struct tui_counts *s, const struct bmc_host *h)
{
	s->hosts++;
	if (h->state == HOST_NEW)
		s->conn++;
	else if (h->state == HOST_UNREACHABLE)
		s->unreach++;
	else if (h->state == HOST_PARKED)
		s->parked++;
	else if (h->state == HOST_ERROR && h->power == BMC_POWER_UNKNOWN)
		s->error++;
	else if (h->power == BMC_POWER_OFF)
		s->off++;
	else
		s->up++;
	if (h->state == HOST_OK || (h->state == HOST_ERROR && h->power != BMC_POWER_UNKNOWN)) {
		if (h->health == BMC_HEALTH_CRITICAL)
			s->crit++;
		else if (h->health == BMC_HEALTH_WARNING)
			s->warn++;
		else if (h->health == BMC_HEALTH_OK)
			s->ok++;
		else
			s->unknown++;
	}
	if (h->power == BMC_POWER_ON)
		s->power_on++;
	else if (h->power == BMC_POWER_OFF)
		s->power_off++;
	/* Kept per host as readings come (tui.c): a frame walks no sensors. */
	if (!isnan(t->host_watts[h->index])) {
		s->watts += t->host_watts[h->index];
		s->has_watts = 1;
	}
	if (!isnan(t->host_temp[h->index]))
		add_hot(s, h, t->host_temp[h->index]);
}

/* One pass over the fleet: s[0] the whole fleet, s[1 + i] group g[i]. */
static void tally(struct tui *t, const char *const *g, size_t ng, struct tui_counts *s)
{
	size_t i, k;

	memset(s, 0, (1 + ng) * sizeof *s);
	for (i = 0; i < t->e->nhosts; i++) {
		const struct bmc_host *h = &t->e->hosts[i];

		count(t, &s[0], h);
		for (k = 0; k < ng && h->cfg->group != NULL; k++) {
			if (strcmp(h->cfg->group, g[k]) == 0) {
				count(t, &s[1 + k], h);
				break;
			}
		}
	}
}

void tui_counts(struct tui *t, struct tui_counts *c)
{
	tally(t, NULL, 0, c);
}

/* A bar `w` wide: ok, warning, critical, unreachable/parked, the rest. */
static void draw_bar(struct tui *t, int y, int x, int w, const struct tui_counts *s)
{
	const struct {
		size_t n;
		int pair;
		char ch;
	} parts[] = { { s->ok, PAIR_OK, '|' },
		      { s->warn, PAIR_WARN, '|' },
		      { s->crit, PAIR_CRIT, '|' },
		      { s->unreach + s->parked + s->error, PAIR_CRIT, 'x' },
		      { s->conn + s->unknown, PAIR_DIM, '.' } };
	size_t i, done = 0;
	int at = 0;

	mvaddch(y, x, '[');
	for (i = 0; i < sizeof parts / sizeof parts[0] && s->hosts > 0; i++) {
		int end;

		done += parts[i].n;
		end = (int)((done * (size_t)w + s->hosts / 2) / s->hosts);
		if (parts[i].n > 0 && end == at && at < w)
			end = at + 1; /* even one host shows */
		tui_set_color(t, parts[i].pair, 1);
		for (; at < end && at < w; at++)
			mvaddch(y, x + 1 + at, (chtype)parts[i].ch);
		tui_set_color(t, parts[i].pair, 0);
	}
	for (; at < w; at++)
		mvaddch(y, x + 1 + at, ' ');
	mvaddch(y, x + 1 + w, ']');
}

static void fmt_watts(const struct tui_counts *s, char *buf, size_t len)
{
	if (!s->has_watts)
		snprintf(buf, len, "-");
	else if (s->watts >= 10000)
		snprintf(buf, len, "%.1f kW", s->watts / 1000);
	else
		snprintf(buf, len, "%.0f W", s->watts);
}

/* "ok 40 warn 8 crit 6 unreach 6" with the zero ones left out. */
static void fmt_health(const struct tui_counts *s, char *buf, size_t len)
{
	const struct {
		const char *name;
		size_t n;
	} parts[] = { { "ok", s->ok },		 { "warn", s->warn },	  { "crit", s->crit },
		      { "unreach", s->unreach }, { "parked", s->parked }, { "error", s->error },
		      { "conn", s->conn },	 { "unknown", s->unknown } };
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof parts / sizeof parts[0] && used < len; i++)
		if (parts[i].n > 0)
			used += (size_t)snprintf(buf + used, len - used, "%s%s %zu",
						 used ? " " : "", parts[i].name, parts[i].n);
}

static void draw_group_line(struct tui *t, int y, const char *group, const struct tui_counts *s,
			    int width)
{
	char health[128], watts[32], line[256];

	fmt_health(s, health, sizeof health);
	fmt_watts(s, watts, sizeof watts);
	snprintf(line, sizeof line, "%-8.8s %4zu ", group, s->hosts);
	mvaddnstr(y, 1, line, width - 1);
	draw_bar(t, y, 15, 20, s);
	snprintf(line, sizeof line, " %s  on %zu off %zu  %s", health, s->power_on, s->power_off,
		 watts);
	if (s->nhot > 0)
		snprintf(line + strlen(line), sizeof line - strlen(line), "  hottest %s %.0fC",
			 t->e->hosts[s->hot[0]].cfg->name, s->hot_c[0]);
	if (width > 38)
		mvaddnstr(y, 37, line, width - 37);
}

/* The distinct groups, in fleet order, up to max. */
static size_t groups(struct tui *t, const char **out, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < t->e->nhosts && n <= max; i++) {
		const char *g = t->e->hosts[i].cfg->group;

		if (g == NULL)
			continue;
		for (j = 0; j < n && strcmp(out[j], g) != 0; j++)
			;
		if (j == n) {
			if (n == max)
				return max + 1;
			out[n++] = g;
		}
	}
	return n;
}

int tui_header_lines(struct tui *t, int body)
{
	const char *g[MAX_GROUP_LINES];
	size_t n;

	/* A pane beside the list takes the room; the header comes back with it gone. */
	if (t->header_off || body < 12 || t->view != VIEW_LIST ||
	    (t->list_cols > 0 && t->list_cols < COLS))
		return 0;
	if (t->group != NULL)
		return 3; /* the fleet, then the group chosen with @ */
	n = groups(t, g, MAX_GROUP_LINES);
	/* One line per group when there is room for them and a screen of hosts. */
	if (n >= 2 && n <= MAX_GROUP_LINES && body >= 30 + (int)n)
		return 2 + (int)n;
	return 2;
}

void tui_header_draw(struct tui *t, int y, int lines)
{
	struct tui_counts all[1 + MAX_GROUP_LINES], *s = &all[0];
	const char *g[MAX_GROUP_LINES];
	char health[128], watts[32], line[256];
	int bar = COLS >= 120 ? 30 : 16, i;
	size_t n = 0, k;

	if (lines <= 0)
		return;
	if (t->group != NULL) {
		g[0] = t->group;
		n = 1;
	} else if (lines > 2) {
		n = groups(t, g, MAX_GROUP_LINES);
		n = n > MAX_GROUP_LINES ? 0 : n;
	}
	tally(t, g, n, all);
	fmt_health(s, health, sizeof health);
	fmt_watts(s, watts, sizeof watts);
	attron(A_BOLD);
	mvprintw(y, 1, "Fleet %zu", s->hosts);
	attroff(A_BOLD);
	draw_bar(t, y, 11, bar, s);
	snprintf(line, sizeof line, " %s", health);
	mvaddnstr(y, 13 + bar, line, COLS - 13 - bar);
	snprintf(line, sizeof line, " Power on %zu  off %zu  unknown %zu   Total %s", s->power_on,
		 s->power_off, s->hosts - s->power_on - s->power_off, watts);
	if (lines > 1) {
		mvaddnstr(y + 1, 0, line, COLS);
		if (s->nhot > 0) {
			int x = (int)strlen(line) + 3;

			if (x < COLS)
				mvaddnstr(y + 1, x, "Hottest", COLS - x);
			x += 7;
			for (k = 0; k < s->nhot && x < COLS; k++) {
				char hot[64];
				int pair = s->hot_c[k] >= 80 ? PAIR_CRIT : PAIR_WARN;

				snprintf(hot, sizeof hot, "  %s %.0fC", t->e->hosts[s->hot[k]].cfg->name,
					 s->hot_c[k]);
				tui_set_color(t, pair, 1);
				mvaddnstr(y + 1, x, hot, COLS - x);
				tui_set_color(t, pair, 0);
				x += (int)strlen(hot);
			}
		}
	}
	for (i = 2; i < lines && (size_t)(i - 2) < n; i++)
		draw_group_line(t, y + i, g[i - 2], &all[i - 1], COLS);
}

/* The selected host beside the list. */

int tui_header_side_cols(const struct tui *t)
{
	if (t->header_off || t->view != VIEW_LIST || COLS < SIDE_MIN_COLS ||
	    (t->list_cols > 0 && t->list_cols < COLS))
		return 0;
	return SIDE_WIDTH;
}

static void side_line(int *y, int end, int x, int w, const char *label, const char *value)
{
	if (*y >= end)
		return;
	mvprintw(*y, x, "%-9s", label);
	mvaddnstr(*y, x + 10, value ? value : "-", w - 10);
	(*y)++;
}

void tui_header_draw_side(struct tui *t, int y, int x, int rows, int cols)
{
	const struct bmc_host *h = tui_selected_host(t);
	int end = y + rows, yy = y + 1, pair;
	char buf[64], age[16];
	size_t i;

	mvvline(y, x - 1, ACS_VLINE, rows);
	if (h == NULL)
		return;
	attron(A_BOLD);
	mvaddnstr(y, x, h->cfg->name, cols);
	attroff(A_BOLD);
	side_line(&yy, end, x, cols, "address", h->cfg->address);
	side_line(&yy, end, x, cols, "group", h->cfg->group);
	side_line(&yy, end, x, cols, "state", filter_state_word(h));
	side_line(&yy, end, x, cols, "health", bmc_health_name(h->health));
	side_line(&yy, end, x, cols, "power", bmc_power_name(h->power));
	side_line(&yy, end, x, cols, "protocol",
		  tui_column_text(t, TCOL_PROTO, h, buf, sizeof buf, &pair));
	side_line(&yy, end, x, cols, "vendor", h->vendor);
	side_line(&yy, end, x, cols, "model", h->model);
	side_line(&yy, end, x, cols, "serial", h->serial);
	side_line(&yy, end, x, cols, "firmware", h->firmware);
	side_line(&yy, end, x, cols, "updated", tui_age(h->updated_ms, age, sizeof age));
	yy++;
	for (i = 0; i < h->nsensors && yy < end - 4; i++) {
		const struct bmc_sensor *s = &h->sensors[i];

		if (!s->has_value)
			continue;
		units_format_reading(buf, sizeof buf, s->value, s->unit);
		if (s->status >= BMC_HEALTH_WARNING)
			tui_set_color(t, tui_health_pair(s->status), 1);
		mvprintw(yy, x, "%-22.22s", s->name);
		mvaddnstr(yy, x + 23, buf, cols - 23);
		if (s->status >= BMC_HEALTH_WARNING)
			tui_set_color(t, tui_health_pair(s->status), 0);
		yy++;
	}
	if (h->error != NULL && yy < end - 1) {
		size_t len = strlen(h->error), at = 0;

		yy++;
		tui_set_color(t, PAIR_WARN, 1);
		for (; at < len && yy < end; yy++, at += (size_t)cols)
			mvaddnstr(yy, x, h->error + at, cols);
		tui_set_color(t, PAIR_WARN, 0);
	}
}

void tui_header_key_toggle(struct tui *t, int key)
{
	(void)key;
	t->header_off = !t->header_off;
}
