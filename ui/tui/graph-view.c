/*
 * tui/graph-view.c - the graph view, over the last hour, day or week (1 2
 * 3, or Left Right), from the history store (core/history.h), auto-scaled:
 *   - one sensor (T in the Sensors tab): the min/max band of the
 *     downsampled tiers, the sensor's thresholds as lines; j k step through
 *     the host's sensors;
 *   - a whole host (T in the host list, :graph [HOST]): three panels, its
 *     temperatures, fans and power, several series each told apart by
 *     glyph and colour, a legend with each one's last, min and max, and
 *     the thresholds in a panel that shows one series.
 * The drawing is tui/graph.c's (pure, unit-tested); this is the curses
 * glue, a pane that takes the body while it is open.
 *
 * And the Sensors tab's sparklines (the last hour of each sensor), for
 * tui/detail.c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/history.h"
#include "core/log.h"
#include "core/record.h"
#include "core/xalloc.h"
#include "tui/graph.h"
#include "tui/internal.h"

#define KEY_ESC 27

static const struct {
	const char *name;
	int64_t span_s;
} ranges[] = {{"1 hour", 3600}, {"24 hours", 86400}, {"7 days", 7 * 86400}};
#define NRANGES (sizeof ranges / sizeof ranges[0])

struct tui_graph_view {
	int open;
	int whole_host; /* the host's three panels, not one sensor */
	size_t host;	/* index in the fleet */
	size_t sensor;	/* index in the host's sensors */
	size_t range;
	int body;
	uint64_t last_ns; /* the last graph's drawing time */
	uint64_t max_ns;
	unsigned long draws;
};

static struct tui_graph_view *gv_of(struct tui *t)
{
	return t->graph;
}

/* The series of sensor s of h in the store, or -1. */
static long series_of(struct tui *t, const struct bmc_host *h, const struct bmc_sensor *s,
		      struct history **hs_out)
{
	struct recorder *r = record_of(t->e);
	struct history *hs = r != NULL ? record_history(r) : NULL;
	long id;

	*hs_out = hs;
	if (hs == NULL)
		return -1;
	id = history_series(hs, h->cfg->name, s->name, NULL, 0);
	return id < 0 ? -1 : id;
}

/* The Sensors tab's sparkline of sensor s: its last hour in w cells. */
const char *tui_sensor_spark(struct tui *t, const struct bmc_host *h, const struct bmc_sensor *s,
			     int w, char *buf, size_t len)
{
	struct hist_point pts[64], first;
	float v[64];
	struct history *hs;
	long id = series_of(t, h, s, &hs);
	int64_t now = engine_wall_ms() / 1000, since;
	int i;

	if (w > 64)
		w = 64;
	if (id < 0 || w <= 0 || len < GRAPH_SPARK_BYTES(w)) {
		snprintf(buf, len, "%*s", w > 0 ? w : 0, "");
		return buf;
	}
	/* Until there is an hour of it: from the first reading (a step a cell
	 * at least), as the host list's trend column. */
	since = now - 3600;
	if (history_query(hs, (size_t)id, HIST_RES_RAW, since, now, &first, 1) > 0 &&
	    first.t > since)
		since = first.t;
	if (now - since < (int64_t)w * HIST_STEP_S)
		since = now - (int64_t)w * HIST_STEP_S;
	history_buckets(hs, (size_t)id, since, now + 1, pts, (size_t)w);
	for (i = 0; i < w; i++)
		v[i] = pts[i].max;
	if (graph_spark(v, (size_t)w, w, tui_utf8(), buf, len) == 0)
		snprintf(buf, len, "%*s", w, "");
	return buf;
}

/* Opening. */

void tui_graph_open(struct tui *t, size_t sensor)
{
	struct tui_graph_view *v = gv_of(t);
	struct bmc_host *h = tui_selected_host(t);

	if (v == NULL || h == NULL)
		return;
	if (h->nsensors == 0) {
		tui_statusf(t, "%s: no sensor readings yet", h->cfg->name);
		return;
	}
	if (record_of(t->e) == NULL) {
		tui_statusf(t, "no history: recording is off (see the log)");
		return;
	}
	v->open = 1;
	v->whole_host = 0;
	v->host = h->index;
	v->sensor = sensor < h->nsensors ? sensor : 0;
	tui_statusf(t, "graph: 1 2 3 hour/day/week (Left Right), j k sensor, Esc back");
	tui_mark_dirty(t);
}

/* The selected host's temperatures, fans and power. */
void tui_graph_open_host(struct tui *t)
{
	struct tui_graph_view *v = gv_of(t);

	tui_graph_open(t, 0);
	if (v == NULL || !v->open)
		return;
	v->whole_host = 1;
	tui_statusf(t, "graph: 1 2 3 hour/day/week (Left Right), Esc back");
}

/* T: the sensor at the top of the Sensors tab, else the whole host. */
void tui_graph_key_open(struct tui *t, int key)
{
	(void)key;
	if (tui_selected_host(t) == NULL)
		return;
	if (t->view == VIEW_DETAIL && t->tab == TAB_SENSORS)
		tui_graph_open(t, t->detail_scroll);
	else
		tui_graph_open_host(t);
}

/* Drawing. */

static void put_cell(struct tui *t, int y, int x, char c, int utf8)
{
	switch (c) {
	case GC_LINE:
		tui_set_color(t, PAIR_OK, 1);
		if (utf8)
			mvaddstr(y, x, "\xe2\x96\x88"); /* full block */
		else
			mvaddch(y, x, '*');
		tui_set_color(t, PAIR_OK, 0);
		break;
	case GC_BAND:
		tui_set_color(t, PAIR_DIM, 1);
		if (utf8)
			mvaddstr(y, x, "\xe2\x96\x92"); /* medium shade */
		else
			mvaddch(y, x, ':');
		tui_set_color(t, PAIR_DIM, 0);
		break;
	case GC_THRESH:
		tui_set_color(t, PAIR_WARN, 1);
		if (utf8)
			mvaddstr(y, x, "\xe2\x94\x80"); /* light horizontal */
		else
			mvaddch(y, x, '-');
		tui_set_color(t, PAIR_WARN, 0);
		break;
	default:
		break;
	}
}

/* The thresholds the sensor has, NaN for the others. */
static size_t thresholds(const struct bmc_sensor *s, double thr[4], const char *names[4])
{
	static const enum bmc_threshold which[4] = {TH_LCR, TH_LNC, TH_UNC, TH_UCR};
	static const char *const label[4] = {"LCR", "LNC", "UNC", "UCR"};
	size_t i;

	for (i = 0; i < 4; i++) {
		thr[i] = (s->threshold_mask & (1u << which[i])) ? s->threshold[which[i]] : NAN;
		names[i] = label[i];
	}
	return 4;
}

static void time_axis(int y, int x, int w, int64_t span_s)
{
	char left[16];

	if (span_s <= 3600)
		snprintf(left, sizeof left, "-60 min");
	else if (span_s <= 86400)
		snprintf(left, sizeof left, "-24 h");
	else
		snprintf(left, sizeof left, "-7 d");
	mvhline(y, x, ' ', w);
	mvaddstr(y, x, left);
	if (w > 20)
		mvaddstr(y, x + w / 2 - 2,
			 span_s <= 3600	   ? "-30"
			 : span_s <= 86400 ? "-12 h"
					   : "-3.5 d");
	mvaddstr(y, x + w - 3, "now");
}

/* The view's first line, cut at the screen's edge (not wrapped onto the next). */
static void title_line(struct tui *t, const char *text)
{
	tui_set_color(t, PAIR_TITLE, 1);
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 1, text, COLS - 2);
	tui_set_color(t, PAIR_TITLE, 0);
}

/* The whole host: three panels of several series. */

static const struct {
	const char *title, *unit;
	int prec; /* decimals in the legend */
	int low;  /* drawn at each step's min (a fan's drop), else its max */
} kinds[] = {{"Temperatures", "C", 1, 0}, {"Fans", "RPM", 0, 1}, {"Power", "W", 0, 0}};
#define NKINDS	 (sizeof kinds / sizeof kinds[0])
#define LEGEND_W 46 /* the legend at the right, on a wide screen */

/* Series k's colour and glyph: told apart by both, so by glyph without colour. */
static const int series_pair[] = {PAIR_OK, PAIR_WARN, PAIR_TITLE, PAIR_MARK, PAIR_CRIT, PAIR_DIM};
static const char series_ascii[GRAPH_SERIES_MAX + 1] = "*+ox#@%&";
static const char *const series_utf8[GRAPH_SERIES_MAX] = {
    "\xe2\x97\x8f", "\xe2\x96\xa0",
    "\xe2\x96\xb2", "\xe2\x97\x86", /* filled: circle square up diamond */
    "\xe2\x97\x8b", "\xe2\x96\xa1",
    "\xe2\x96\xb3", "\xe2\x97\x87", /* and hollow */
};

static void put_series(struct tui *t, int y, int x, size_t k, int utf8)
{
	int pair = series_pair[k % (sizeof series_pair / sizeof series_pair[0])];

	tui_set_color(t, pair, 1);
	if (utf8)
		mvaddstr(y, x, series_utf8[k]);
	else
		mvaddch(y, x, (chtype)(unsigned char)series_ascii[k]);
	tui_set_color(t, pair, 0);
}

/* The host's sensors of panel kind: up to GRAPH_SERIES_MAX in idx, all counted. */
static size_t kind_sensors(const struct bmc_host *h, size_t kind, size_t *idx, size_t *shown)
{
	size_t i, n = 0;

	*shown = 0;
	for (i = 0; i < h->nsensors; i++) {
		if (strcmp(h->sensors[i].unit, kinds[kind].unit) != 0)
			continue;
		if (*shown < GRAPH_SERIES_MAX)
			idx[(*shown)++] = i;
		n++;
	}
	return n;
}

/* One legend entry: glyph, name, last, min..max of the range. */
static int legend_entry(struct tui *t, int y, int x, int w, size_t k, const struct bmc_sensor *s,
			const struct graph_point *p, size_t n, int prec, int narrow)
{
	double lo, hi;
	char last[16], mn[16], mx[16], text[96];
	int len;

	graph_extent(p, n, &lo, &hi);
	snprintf(last, sizeof last, "-");
	snprintf(mn, sizeof mn, "-");
	snprintf(mx, sizeof mx, "-");
	if (s->has_value)
		snprintf(last, sizeof last, "%.*f", prec, s->value);
	if (!isnan(lo)) {
		snprintf(mn, sizeof mn, "%.*f", prec, lo);
		snprintf(mx, sizeof mx, "%.*f", prec, hi);
	}
	if (narrow)
		len = snprintf(text, sizeof text, "%.14s %s (%s..%s)", s->name, last, mn, mx);
	else
		len = snprintf(text, sizeof text, "%-16.16s %7s %7s..%-7s", s->name, last, mn, mx);
	if (len + 2 > w)
		return 0;
	put_series(t, y, x, k, tui_utf8());
	mvaddnstr(y, x + 2, text, w - 2);
	return len + 2;
}

static void draw_panel(struct tui *t, const struct bmc_host *h, size_t kind, int y, int rows,
		       int cols, int span, int64_t now)
{
	size_t idx[GRAPH_SERIES_MAX], shown, total = kind_sensors(h, kind, idx, &shown), k, n, i;
	int wide = COLS >= 120, gx = 10, x, lines, r, c, utf8 = tui_utf8();
	struct hist_point *pts;
	struct graph_point *gp;
	struct history *hs;
	double thr[4];
	const char *thr_names[4];
	struct graph g;
	size_t have;

	tui_set_color(t, PAIR_TITLE, 1);
	mvprintw(y, 1, "%s (%s)", kinds[kind].title, kinds[kind].unit);
	if (wide && total > 0)
		mvaddstr(y, COLS - LEGEND_W + 2 + 17, "   last  min..max");
	tui_set_color(t, PAIR_TITLE, 0);
	if (total == 0) {
		mvaddstr(y + 1, gx, "No such sensor on this host.");
		return;
	}
	n = (size_t)cols;
	pts = xcalloc(n, sizeof *pts);
	gp = xcalloc(shown * n, sizeof *gp);
	for (k = 0; k < shown; k++) {
		long id = series_of(t, h, &h->sensors[idx[k]], &hs);

		memset(pts, 0, n * sizeof *pts);
		if (id >= 0)
			history_buckets(hs, (size_t)id, now - span, now, pts, n);
		for (i = 0; i < n; i++) {
			gp[k * n + i].min = id >= 0 ? pts[i].min : NAN;
			gp[k * n + i].avg = id >= 0 ? pts[i].avg : NAN;
			gp[k * n + i].max = id >= 0 ? pts[i].max : NAN;
		}
	}
	/* The legend: at the right of the graph on a wide screen, else after the title. */
	lines = 0;
	x = 3 + (int)strlen(kinds[kind].title) + (int)strlen(kinds[kind].unit) + 2;
	for (k = 0; k < shown; k++) {
		const struct bmc_sensor *s = &h->sensors[idx[k]];
		int used;

		if (wide) {
			if (1 + (int)k < rows)
				legend_entry(t, y + 1 + (int)k, COLS - LEGEND_W, LEGEND_W - 1, k, s,
					     gp + k * n, n, kinds[kind].prec, 0);
			continue;
		}
		used = legend_entry(t, y + lines, x, COLS - x - 1, k, s, gp + k * n, n,
				    kinds[kind].prec, 1);
		if (used == 0 && lines + 1 < rows - 3) {
			lines++;
			x = 3;
			used = legend_entry(t, y + lines, x, COLS - x - 1, k, s, gp + k * n, n,
					    kinds[kind].prec, 1);
		}
		if (used == 0)
			break;
		x += used + 2;
	}
	if (total > k && !wide && x + 8 < COLS)
		mvprintw(y + lines, x, "+%zu", total - k);
	else if (total > shown && wide && 1 + (int)shown < rows)
		mvprintw(y + 1 + (int)shown, COLS - LEGEND_W, "  +%zu more", total - shown);
	g.rows = rows - 1 - lines;
	g.cols = cols;
	if (g.rows >= 2) {
		g.cells = xmalloc((size_t)g.rows * n);
		if (shown == 1)
			thresholds(&h->sensors[idx[0]], thr, thr_names);
		have =
		    graph_render_multi(&g, gp, shown, n, kinds[kind].low, thr, shown == 1 ? 4 : 0);
		y += 1 + lines;
		mvprintw(y, 0, "%8.1f ", g.hi);
		mvprintw(y + g.rows - 1, 0, "%8.1f ", g.lo);
		for (r = 0; r < g.rows; r++) {
			mvaddch(y + r, gx - 1, utf8 ? ' ' : '|');
			for (c = 0; c < g.cols; c++) {
				char cell = g.cells[(size_t)r * n + (size_t)c];

				if (cell >= GRAPH_SERIES(0) &&
				    cell < GRAPH_SERIES(GRAPH_SERIES_MAX))
					put_series(t, y + r, gx + c,
						   (size_t)(cell - GRAPH_SERIES(0)), utf8);
				else
					put_cell(t, y + r, gx + c, cell, utf8);
			}
		}
		for (i = 0; shown == 1 && i < 4; i++)
			if (!isnan(thr[i]))
				mvaddstr(y + graph_row(&g, thr[i]), gx + g.cols - 4, thr_names[i]);
		if (have == 0)
			mvaddstr(y + g.rows / 2, gx + 2, "No history in this range yet.");
		free(g.cells);
	}
	free(pts);
	free(gp);
}

static void draw_host(struct tui *t, struct tui_graph_view *v, const struct bmc_host *h)
{
	int64_t now = engine_wall_ms() / 1000, span = ranges[v->range].span_s;
	int gx = 10, cols = COLS - gx - 2 - (COLS >= 120 ? LEGEND_W : 0);
	int ph = (v->body - 2) / (int)NKINDS;
	char title[256];
	size_t k;

	snprintf(title, sizeof title,
		 "GRAPH  %s  temperatures, fans, power  last %s   1 hour  2 day  3 week  Esc back",
		 h->cfg->name, ranges[v->range].name);
	title_line(t, title);
	if (cols < 10 || ph < 3)
		return;
	for (k = 0; k < NKINDS; k++)
		draw_panel(t, h, k, 1 + (int)k * ph, ph, cols, (int)span, now);
	time_axis(1 + (int)NKINDS * ph, gx, cols, span);
}

/* One sensor: the band, the average, the thresholds. */
static void draw_sensor(struct tui *t, struct tui_graph_view *v, const struct bmc_host *h)
{
	const struct bmc_sensor *s;
	struct hist_point *pts;
	struct graph_point *gp;
	struct graph g;
	struct history *hs;
	double thr[4];
	const char *thr_names[4];
	char title[256];
	int64_t now = engine_wall_ms() / 1000, span;
	int gx = 10, gy = 2, r, c, utf8 = tui_utf8();
	long id;
	size_t i, have = 0, n;

	if (v->sensor >= h->nsensors) {
		v->open = 0;
		return;
	}
	s = &h->sensors[v->sensor];
	span = ranges[v->range].span_s;
	g.rows = v->body - 5;
	g.cols = COLS - gx - 2;
	if (g.cols < 10)
		return;
	snprintf(title, sizeof title,
		 "GRAPH  %s  %s (%s)  last %s   1 hour  2 day  3 week   j k sensor  Esc back",
		 h->cfg->name, s->name, s->unit, ranges[v->range].name);
	title_line(t, title);
	id = series_of(t, h, s, &hs);
	n = (size_t)g.cols;
	pts = xcalloc(n, sizeof *pts);
	gp = xcalloc(n, sizeof *gp);
	g.cells = xmalloc((size_t)g.rows * n);
	if (id >= 0)
		history_buckets(hs, (size_t)id, now - span, now, pts, n);
	for (i = 0; i < n; i++) {
		gp[i].min = id >= 0 ? pts[i].min : NAN;
		gp[i].avg = id >= 0 ? pts[i].avg : NAN;
		gp[i].max = id >= 0 ? pts[i].max : NAN;
	}
	thresholds(s, thr, thr_names);
	have = graph_render(&g, gp, n, thr, 4);
	/* The scale at the left: top, middle, bottom; threshold names at the right. */
	mvprintw(gy, 0, "%8.1f ", g.hi);
	mvprintw(gy + g.rows / 2, 0, "%8.1f ", (g.hi + g.lo) / 2);
	mvprintw(gy + g.rows - 1, 0, "%8.1f ", g.lo);
	for (r = 0; r < g.rows; r++) {
		mvaddch(gy + r, gx - 1, utf8 ? ' ' : '|');
		for (c = 0; c < g.cols; c++)
			put_cell(t, gy + r, gx + c, g.cells[(size_t)r * n + (size_t)c], utf8);
	}
	for (i = 0; i < 4; i++)
		if (!isnan(thr[i]))
			mvaddstr(gy + graph_row(&g, thr[i]), gx + g.cols - 4, thr_names[i]);
	time_axis(gy + g.rows, gx, g.cols, span);
	if (have == 0)
		mvaddstr(gy + g.rows / 2 - 1, gx + 2,
			 "No history of this sensor in this range yet.");
	mvprintw(gy + g.rows + 1, 1, "now %s%s  %s", s->has_value ? "" : "-",
		 s->has_value ? "" : "", bmc_health_name(s->status));
	if (s->has_value)
		mvprintw(gy + g.rows + 1, 1, "now %.2f %s  %s   %s", s->value, s->unit,
			 bmc_health_name(s->status),
			 v->range ? "band: min..max of each step, line: its average" : "");
	free(pts);
	free(gp);
	free(g.cells);
}

static void gv_draw(struct tui *t)
{
	struct tui_graph_view *v = gv_of(t);
	uint64_t start = uv_hrtime();

	if (v == NULL || !v->open || v->body < 8 || v->host >= t->e->nhosts)
		return;
	if (v->whole_host)
		draw_host(t, v, &t->e->hosts[v->host]);
	else
		draw_sensor(t, v, &t->e->hosts[v->host]);
	if (!v->open)
		return;
	v->last_ns = uv_hrtime() - start;
	if (v->last_ns > v->max_ns)
		v->max_ns = v->last_ns;
	v->draws++;
}

/* The pane. */

static void gv_init(struct tui *t)
{
	t->graph = xcalloc(1, sizeof *t->graph);
}

static void gv_free(struct tui *t)
{
	if (t->graph == NULL)
		return;
	if (t->graph->draws > 0)
		log_info("tui: %lu graphs drawn, the slowest in %.3f ms", t->graph->draws,
			 (double)t->graph->max_ns / 1e6);
	free(t->graph);
	t->graph = NULL;
}

static int gv_layout(struct tui *t, int body)
{
	if (t->graph == NULL || !t->graph->open)
		return body;
	t->graph->body = body;
	return 0;
}

#define GV_NKEYS 3
static const struct tui_key_help gv_keys[GV_NKEYS];

static int gv_input(struct tui *t, int key, int is_code)
{
	struct tui_graph_view *v = gv_of(t);
	const struct bmc_host *h;

	if (v == NULL || !v->open || tui_cmdline_active(t) || t->dialog != DIALOG_NONE)
		return 0;
	(void)is_code;
	h = &t->e->hosts[v->host];
	switch (key) {
	case '1':
	case '2':
	case '3':
		v->range = (size_t)(key - '1');
		break;
	case KEY_RIGHT:
	case 'l':
		v->range = (v->range + 1) % NRANGES;
		break;
	case KEY_LEFT:
		v->range = (v->range + NRANGES - 1) % NRANGES;
		break;
	case 'j':
	case KEY_DOWN:
		if (!v->whole_host && v->sensor + 1 < h->nsensors)
			v->sensor++;
		break;
	case 'k':
	case KEY_UP:
		if (!v->whole_host && v->sensor > 0)
			v->sensor--;
		break;
	case KEY_ESC:
	case 'T':
	case 'h':
	case KEY_BACKSPACE:
	case 127:
		v->open = 0;
		if (!v->whole_host && t->view == VIEW_DETAIL && t->tab == TAB_SENSORS)
			t->detail_scroll = v->sensor;
		break;
	case '?': /* the view's own keys, from its table below */
		tui_help_open_keys(t, "Graph view keys", gv_keys, GV_NKEYS);
		break;
	default:
		return 0;
	}
	tui_mark_dirty(t);
	return 1;
}

static void gv_status(struct tui *t, char *buf, size_t len)
{
	struct tui_graph_view *v = gv_of(t);
	size_t used = strlen(buf);

	if (v != NULL && v->open && used < len)
		snprintf(buf + used, len - used, "graph %.1f ms  ", (double)v->last_ns / 1e6);
}

static const struct tui_key_help gv_keys[GV_NKEYS] = {
    {"1 2 3", "the last hour, day, week (Left Right step)"},
    {"j k", "the next / previous sensor of the host (one sensor's graph)"},
    {"Esc T", "back"},
};

const struct tui_pane_ops tui_graph_pane = {
    .init = gv_init,
    .free = gv_free,
    .layout = gv_layout,
    .draw = gv_draw,
    .input = gv_input,
    .status = gv_status,
};
