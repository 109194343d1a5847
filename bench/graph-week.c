/*
 * bench/graph-week.c - a week of one sensor's readings written into a
 * history store, for timing the dashboard's 7-day graph (T, then 3) on
 * real data: bench/graph-week DIR HOST SENSOR [DAYS]
 * writes a reading every 30 s for DAYS (default 7) days up to now, a
 * daily sine around 50 C with a one-reading spike to 97 C each day at
 * minute 3, then closes the store (the dashboard takes the lock after).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/history.h"

int main(int argc, char **argv)
{
	struct history *hs = NULL;
	char *err = NULL;
	long id;
	int64_t now = (int64_t)time(NULL), t, from;
	int days = argc > 4 ? atoi(argv[4]) : 7;

	if (argc < 4) {
		fprintf(stderr, "usage: graph-week DIR HOST SENSOR [DAYS]\n");
		return 2;
	}
	if (history_open(&hs, argv[1], 1, &err) != 0) {
		fprintf(stderr, "graph-week: %s\n", err);
		return 1;
	}
	id = history_series(hs, argv[2], argv[3], "C", 1);
	if (id < 0) {
		fprintf(stderr, "graph-week: no series: %ld\n", id);
		return 1;
	}
	from = now - (int64_t)days * 86400;
	for (t = from - from % HIST_STEP_S; t <= now; t += HIST_STEP_S) {
		double v = 50 + 10 * sin((double)(t % 86400) / 86400 * 2 * M_PI);

		if (t % 86400 == 180)
			v = 97;
		history_record(hs, (size_t)id, t, v);
	}
	history_close(hs);
	return 0;
}
