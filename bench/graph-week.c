/*
 * bench/graph-week.c - a week of a host's readings written into a history
 * store, for timing the dashboard's 7-day graphs (T then 3: the whole
 * host; T in the Sensors tab then 3: one sensor) on real data:
 *   bench/graph-week DIR HOST SENSOR[,SENSOR...] [DAYS]
 * writes a reading every 30 s for DAYS (default 7) days up to now for each
 * sensor, then closes the store (the dashboard takes the lock after).  The
 * unit follows the name as bmcsim's do: FAN* in RPM, *Pwr* or *Power* in
 * W, else C.  Each a daily sine of its own phase with a one-reading spike
 * each day at minute 3 (97 C, or a fan's drop, or a power peak).
 *
 * Build and run (bench/history-budget.sh's header has the numbers):
 *   cc -I. -Isrc -Ibuild bench/graph-week.c build/src/libbmcengine.a -luv -lm \
 *      -o build/graph-week
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/history.h"

/* The unit, centre, swing and spike of a sensor by its name. */
static const char *shape(const char *name, double *centre, double *swing, double *spike)
{
	if (strncmp(name, "FAN", 3) == 0) {
		*centre = 5400, *swing = 400, *spike = 900;
		return "RPM";
	}
	if (strstr(name, "Pwr") != NULL || strstr(name, "Power") != NULL) {
		*centre = 240, *swing = 40, *spike = 760;
		return "W";
	}
	*centre = 50, *swing = 10, *spike = 97;
	return "C";
}

/* The sensors' series, written step by step together: the store moves forward in time. */
static int write_week(struct history *hs, const char *host, char **sensors, size_t n, int days,
		      int64_t now)
{
	double centre[16], swing[16], spike[16];
	long id[16];
	int64_t t, from = now - (int64_t)days * 86400;
	size_t k;

	for (k = 0; k < n; k++) {
		const char *unit = shape(sensors[k], &centre[k], &swing[k], &spike[k]);

		id[k] = history_series(hs, host, sensors[k], unit, 1);
		if (id[k] < 0) {
			fprintf(stderr, "graph-week: no series for %s: %ld\n", sensors[k], id[k]);
			return 1;
		}
	}
	for (t = from - from % HIST_STEP_S; t <= now; t += HIST_STEP_S)
		for (k = 0; k < n; k++) {
			double v =
			    centre[k] +
			    swing[k] * sin((double)(t % 86400) / 86400 * 2 * M_PI + (double)k);

			if (t % 86400 == 180)
				v = spike[k];
			history_record(hs, (size_t)id[k], t, v);
		}
	return 0;
}

int main(int argc, char **argv)
{
	struct history *hs = NULL;
	char *err = NULL, *list, *sensor, *save = NULL, *sensors[16];
	int64_t now = (int64_t)time(NULL);
	int days = argc > 4 ? atoi(argv[4]) : 7, rc;
	size_t n = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: graph-week DIR HOST SENSOR[,SENSOR...] [DAYS]\n");
		return 2;
	}
	if (history_open(&hs, argv[1], 1, &err) != 0) {
		fprintf(stderr, "graph-week: %s\n", err);
		return 1;
	}
	list = strdup(argv[3]);
	for (sensor = strtok_r(list, ",", &save); sensor != NULL && n < 16;
	     sensor = strtok_r(NULL, ",", &save))
		sensors[n++] = sensor;
	rc = write_week(hs, argv[2], sensors, n, days, now);
	free(list);
	history_close(hs);
	return rc;
}
