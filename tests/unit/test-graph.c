/*
 * test-graph.c - the dashboard's sparklines and graphs (tui/graph.c): a
 * spike of one reading survives downsampling into a day's graph, the
 * thresholds sit on the right rows, sparklines scale and fall back to
 * ASCII, and a host's panel draws several series on one scale.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "runner.h"
#include "tui/graph.h"

TEST(graph_spark_ascii_scales_and_keeps_the_spike)
{
	float v[120];
	char out[GRAPH_SPARK_BYTES(12)];
	size_t i;

	for (i = 0; i < 120; i++)
		v[i] = 40.0f;
	v[6] = 90.0f; /* one reading, three minutes in */
	ASSERT_EQ(graph_spark(v, 120, 12, 0, out, sizeof out), 12);
	/* 120 readings in 12 cells: the spike's cell is the first, at the top. */
	ASSERT_STREQ(out, "#...........");
}

TEST(graph_spark_utf8_and_gaps)
{
	float v[4] = {NAN, 10.0f, 20.0f, NAN};
	char out[GRAPH_SPARK_BYTES(4)];

	ASSERT_EQ(graph_spark(v, 4, 4, 1, out, sizeof out), 2);
	ASSERT_STREQ(out, " \xe2\x96\x81\xe2\x96\x88 ");
	/* Too small a buffer: nothing, not an overflow. */
	ASSERT_EQ(graph_spark(v, 4, 4, 1, out, 5), 0);
	ASSERT_STREQ(out, "");
}

/* A day of ten-minute steps (min/avg/max), flat at 30 C but for one
 * reading of 85 C at minute 3 of the first step. */
TEST(graph_day_view_keeps_a_spike_at_minute_3)
{
	struct graph_point p[144];
	char cells[10 * 60];
	struct graph g = {10, 60, cells, 0, 0};
	double thr[1] = {70.0};
	size_t i;
	int r, c, top_hits = 0;

	for (i = 0; i < 144; i++)
		p[i].min = p[i].avg = p[i].max = 30.0;
	p[0].max = 85.0; /* the spike, inside the first step */
	p[0].avg = 35.5; /* averaged away ... */
	ASSERT_EQ(graph_render(&g, p, 144, thr, 1), 60);
	ASSERT(g.hi >= 85.0 && g.lo <= 30.0);
	/* ... but the band reaches the top row in the first column only. */
	for (c = 0; c < 60; c++)
		top_hits += cells[c] == GC_BAND || cells[c] == GC_LINE;
	ASSERT_EQ(top_hits, 1);
	ASSERT(cells[0] == GC_BAND);
	/* The threshold: a line on the row 70 C falls on, where no data is. */
	r = graph_row(&g, 70.0);
	ASSERT_EQ(r, (int)((10 - 1) - lround((70.0 - g.lo) / (g.hi - g.lo) * 9)));
	ASSERT(cells[r * 60 + 30] == GC_THRESH);
	ASSERT(cells[r * 60 + 0] == GC_BAND); /* the spike crosses it */
	/* The flat readings sit on the bottom row. */
	ASSERT(cells[9 * 60 + 30] == GC_LINE);
}

TEST(graph_thresholds_scale_and_gaps)
{
	struct graph_point p[4] = {{NAN, NAN, NAN}, {20, 20, 20}, {20, 20, 20}, {NAN, NAN, NAN}};
	char cells[5 * 4];
	struct graph g = {5, 4, cells, 0, 0};
	double thr[2] = {100.0, NAN};

	ASSERT_EQ(graph_render(&g, p, 4, thr, 2), 2);
	/* The scale takes in the threshold: it is the top row, the readings the bottom. */
	ASSERT_EQ(graph_row(&g, 100.0), 0);
	ASSERT(memcmp(cells, "----", 4) == 0);
	ASSERT(memcmp(cells + 16, " ** ", 4) == 0);
}

/* A host's panel: two series on one scale, each in its own cell, the
 * larger value of a step kept (or the smaller with low), a threshold only
 * when asked. */
TEST(graph_multi_series_share_a_scale)
{
	struct graph_point p[2 * 6];
	char cells[5 * 6];
	struct graph g = {5, 6, cells, 0, 0};
	double thr[1] = {100.0};
	size_t i;
	int c;

	for (i = 0; i < 6; i++) {
		p[i].min = p[i].avg = p[i].max = 40.0;		   /* series A: flat at 40 */
		p[6 + i].min = p[6 + i].avg = p[6 + i].max = 60.0; /* series B: flat at 60 */
	}
	p[2].max = 80.0;		   /* a spike of A inside a downsampled step */
	p[6 + 4].min = p[6 + 4].avg = NAN; /* B has no reading in column 4 */
	p[6 + 4].max = NAN;
	ASSERT_EQ(graph_render_multi(&g, p, 2, 6, 0, thr, 0), 6);
	ASSERT_NEAR(g.lo, 40.0, 1e-9);
	ASSERT_NEAR(g.hi, 80.0, 1e-9);
	/* A on the bottom row but where its spike lifts it to the top. */
	for (c = 0; c < 6; c++)
		if (c != 2)
			ASSERT_EQ(cells[4 * 6 + c], GRAPH_SERIES(0));
	ASSERT_EQ(cells[0 * 6 + 2], GRAPH_SERIES(0));
	/* B half way up, with a gap. */
	ASSERT_EQ(graph_row(&g, 60.0), 2);
	ASSERT(memcmp(cells + 2 * 6, "BBBB B", 6) == 0);
	/* No band and no threshold line in a panel of two. */
	ASSERT(memchr(cells, GC_BAND, sizeof cells) == NULL);
	ASSERT(memchr(cells, GC_THRESH, sizeof cells) == NULL);
	/* low: a step at its smallest value (a fan's drop), so the spike is gone. */
	p[3].min = 20.0;
	ASSERT_EQ(graph_render_multi(&g, p, 2, 6, 1, thr, 0), 6);
	ASSERT_NEAR(g.lo, 20.0, 1e-9);
	ASSERT_EQ(cells[4 * 6 + 3], GRAPH_SERIES(0));
	ASSERT(cells[0 * 6 + 2] != GRAPH_SERIES(0));
	/* One series with its threshold: the line and the scale take it in. */
	ASSERT_EQ(graph_render_multi(&g, p, 1, 6, 0, thr, 1), 6);
	ASSERT_NEAR(g.hi, 100.0, 1e-9);
	ASSERT(memcmp(cells, "------", 6) == 0);
	/* More series than GRAPH_SERIES_MAX: the rest are not drawn, nothing overflows. */
	{
		struct graph_point many[(GRAPH_SERIES_MAX + 2) * 2];

		for (i = 0; i < sizeof many / sizeof many[0]; i++)
			many[i].min = many[i].avg = many[i].max = (double)(i / 2);
		ASSERT_EQ(graph_render_multi(&g, many, GRAPH_SERIES_MAX + 2, 2, 0, thr, 0), 6);
		ASSERT_NEAR(g.hi, (double)GRAPH_SERIES_MAX - 1, 1e-9);
	}
}
