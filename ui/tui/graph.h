/*
 * tui/graph.h - sparklines and graphs drawn into plain buffers: no
 * terminal, no loop, so the unit tests read exactly what the dashboard
 * puts on the screen.
 */
#ifndef BMCTOP_TUI_GRAPH_H
#define BMCTOP_TUI_GRAPH_H

#include <stddef.h>

/* Bytes a sparkline of width cells may take (UTF-8: 3 a cell). */
#define GRAPH_SPARK_BYTES(width) ((size_t)(width)*3 + 1)

/*
 * A sparkline of n values (oldest first, NaN where there was no reading)
 * in width cells: each cell the largest value of its share, so a spike
 * survives, scaled between the smallest and largest values; a cell without
 * a value is a space.  utf8: the blocks U+2581..U+2588, else " .:-=+*#".
 * Writes a NUL-terminated string into out; the cells that have a value.
 */
size_t graph_spark(const float *v, size_t n, int width, int utf8, char *out, size_t outlen);

/* One point of a series: a raw reading has min = avg = max; NaN: none. */
struct graph_point {
	double min, avg, max;
};

/* What one cell of a graph shows. */
enum graph_cell {
	GC_EMPTY = ' ',
	GC_BAND = ':',	 /* between the min and the max of a downsampled step */
	GC_LINE = '*',	 /* the average (the reading, at full resolution) */
	GC_THRESH = '-', /* a threshold, where nothing else is drawn */
};

struct graph {
	int rows, cols;
	char *cells;   /* rows * cols enum graph_cell, row 0 at the top */
	double lo, hi; /* the values of the bottom and top rows */
};

/*
 * Draw n points (oldest first) across g->cols columns and g->rows rows of
 * g->cells (the caller's buffer): each column the min, max and average of
 * its share, auto-scaled to the values and the thresholds (nthr of them,
 * NaN ignored), with the thresholds as lines.  The number of columns with
 * a value.
 */
size_t graph_render(struct graph *g, const struct graph_point *p, size_t n, const double *thr,
		    size_t nthr);
/*
 * Several series in one graph (a host's temperatures, fans or power):
 * nseries (at most GRAPH_SERIES_MAX) runs of n points each, series k at
 * p[k * n], drawn across the same columns on one scale.  A column of
 * series k is the cell GRAPH_SERIES(k) on the row of the largest value of
 * its share (so a spike in a downsampled step stays), or the smallest
 * with low (a fan's drop), later series over earlier ones where they
 * meet; no band.  Thresholds as graph_render()
 * (the caller passes them when one series is shown).  The number of
 * columns where some series has a value.
 */
#define GRAPH_SERIES_MAX 8
#define GRAPH_SERIES(k)	 ((char)('A' + (k)))
size_t graph_render_multi(struct graph *g, const struct graph_point *p, size_t nseries, size_t n,
			  int low, const double *thr, size_t nthr);

/* The smallest min and largest max of n points (NaN, NaN: none). */
void graph_extent(const struct graph_point *p, size_t n, double *lo, double *hi);

/* The row value v falls on in g (0 at the top), clamped to the graph. */
int graph_row(const struct graph *g, double v);

#endif
