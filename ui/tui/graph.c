/*
 * tui/graph.c - sparklines and graphs drawn into plain buffers (see
 * tui/graph.h): the dashboard's trend column, the Sensors tab's
 * sparklines and the graph view put these on the screen.
 *
 * Downsampling keeps the extremes: a sparkline cell is the largest value
 * of its share and a graph column spans the min and max of its share, so a
 * spike of one reading still shows in a week's graph.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/graph.h"

static const char *const blocks_utf8[8] = {
    "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
    "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char blocks_ascii[] = " .:-=+*#";

/* The largest value of cell c's share of n values in width cells. */
static float cell_max(const float *v, size_t n, int width, int c)
{
	size_t from = (size_t)c * n / (size_t)width, to = (size_t)(c + 1) * n / (size_t)width, i;
	float m = NAN;

	if (to <= from)
		to = from + 1;
	for (i = from; i < to && i < n; i++)
		if (!isnan(v[i]) && (isnan(m) || v[i] > m))
			m = v[i];
	return m;
}

size_t graph_spark(const float *v, size_t n, int width, int utf8, char *out, size_t outlen)
{
	float lo = NAN, hi = NAN, m;
	size_t used = 0, have = 0, i;
	int c, level;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (width <= 0 || outlen < GRAPH_SPARK_BYTES(width))
		return 0;
	for (i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		if (isnan(lo) || v[i] < lo)
			lo = v[i];
		if (isnan(hi) || v[i] > hi)
			hi = v[i];
	}
	for (c = 0; c < width; c++) {
		m = n > 0 ? cell_max(v, n, width, c) : NAN;
		if (isnan(m)) {
			out[used++] = ' ';
			continue;
		}
		have++;
		/* A flat line sits low: level 0 is a reading, not nothing. */
		level = hi > lo ? (int)lroundf((m - lo) / (hi - lo) * 7.0f) : 0;
		level = level < 0 ? 0 : level > 7 ? 7 : level;
		if (utf8) {
			memcpy(out + used, blocks_utf8[level], 3);
			used += 3;
		} else {
			/* The ASCII ramp's first step is a space: a reading gets a dot at least. */
			out[used++] = blocks_ascii[level == 0 ? 1 : level];
		}
	}
	out[used] = '\0';
	return have;
}

int graph_row(const struct graph *g, double v)
{
	double f = g->hi > g->lo ? (v - g->lo) / (g->hi - g->lo) : 0.5;
	int r = (g->rows - 1) - (int)lround(f * (g->rows - 1));

	return r < 0 ? 0 : r >= g->rows ? g->rows - 1 : r;
}

/* The min, avg and max of column c's share of n points; 0 when it has none. */
static int column_of(const struct graph_point *p, size_t n, int cols, int c,
		     struct graph_point *out)
{
	size_t from = (size_t)c * n / (size_t)cols, to = (size_t)(c + 1) * n / (size_t)cols, i,
	       k = 0;
	double sum = 0;

	if (to <= from)
		to = from + 1;
	out->min = out->max = NAN;
	for (i = from; i < to && i < n; i++) {
		if (isnan(p[i].avg) && isnan(p[i].max))
			continue;
		if (isnan(out->min) || p[i].min < out->min)
			out->min = p[i].min;
		if (isnan(out->max) || p[i].max > out->max)
			out->max = p[i].max;
		sum += isnan(p[i].avg) ? p[i].max : p[i].avg;
		k++;
	}
	out->avg = k ? sum / (double)k : NAN;
	return k > 0;
}

void graph_extent(const struct graph_point *p, size_t n, double *lo, double *hi)
{
	size_t i;

	*lo = *hi = NAN;
	for (i = 0; i < n; i++) {
		if (!isnan(p[i].min) && (isnan(*lo) || p[i].min < *lo))
			*lo = p[i].min;
		if (!isnan(p[i].max) && (isnan(*hi) || p[i].max > *hi))
			*hi = p[i].max;
	}
}

static void scale(struct graph *g, const struct graph_point *p, size_t n, const double *thr,
		  size_t nthr)
{
	double lo, hi, pad;
	size_t i;

	graph_extent(p, n, &lo, &hi);
	for (i = 0; i < nthr; i++) {
		if (isnan(thr[i]))
			continue;
		if (isnan(lo) || thr[i] < lo)
			lo = thr[i];
		if (isnan(hi) || thr[i] > hi)
			hi = thr[i];
	}
	if (isnan(lo)) {
		lo = 0;
		hi = 1;
	}
	if (hi <= lo) {
		pad = fabs(lo) > 1 ? fabs(lo) * 0.1 : 1;
		lo -= pad;
		hi += pad;
	}
	g->lo = lo;
	g->hi = hi;
}

size_t graph_render(struct graph *g, const struct graph_point *p, size_t n, const double *thr,
		    size_t nthr)
{
	struct graph_point col;
	size_t have = 0, i;
	int c, r, top, bottom;

	if (g->rows <= 0 || g->cols <= 0)
		return 0;
	memset(g->cells, GC_EMPTY, (size_t)g->rows * (size_t)g->cols);
	scale(g, p, n, thr, nthr);
	for (i = 0; i < nthr; i++) {
		if (isnan(thr[i]))
			continue;
		r = graph_row(g, thr[i]);
		memset(g->cells + (size_t)r * (size_t)g->cols, GC_THRESH, (size_t)g->cols);
	}
	for (c = 0; n > 0 && c < g->cols; c++) {
		if (!column_of(p, n, g->cols, c, &col))
			continue;
		have++;
		top = graph_row(g, col.max);
		bottom = graph_row(g, col.min);
		for (r = top; r <= bottom; r++)
			g->cells[(size_t)r * (size_t)g->cols + (size_t)c] = GC_BAND;
		g->cells[(size_t)graph_row(g, col.avg) * (size_t)g->cols + (size_t)c] = GC_LINE;
	}
	return have;
}

size_t graph_render_multi(struct graph *g, const struct graph_point *p, size_t nseries, size_t n,
			  int low, const double *thr, size_t nthr)
{
	struct graph_point col;
	size_t have = 0, k, i;
	unsigned char *any;
	int c, r;

	if (g->rows <= 0 || g->cols <= 0)
		return 0;
	if (nseries > GRAPH_SERIES_MAX)
		nseries = GRAPH_SERIES_MAX;
	memset(g->cells, GC_EMPTY, (size_t)g->rows * (size_t)g->cols);
	scale(g, p, nseries * n, thr, nthr);
	for (i = 0; i < nthr; i++) {
		if (isnan(thr[i]))
			continue;
		r = graph_row(g, thr[i]);
		memset(g->cells + (size_t)r * (size_t)g->cols, GC_THRESH, (size_t)g->cols);
	}
	any = xcalloc((size_t)g->cols, 1);
	for (k = 0; n > 0 && k < nseries; k++) {
		for (c = 0; c < g->cols; c++) {
			if (!column_of(p + k * n, n, g->cols, c, &col))
				continue;
			any[c] = 1;
			r = graph_row(g, low ? col.min : col.max);
			g->cells[(size_t)r * (size_t)g->cols + (size_t)c] = GRAPH_SERIES(k);
		}
	}
	for (c = 0; c < g->cols; c++)
		have += any[c];
	free(any);
	return have;
}
