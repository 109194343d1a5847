/*
 * bench/history-proto.c - the history store's two candidates under the
 * issue's load, written directly (no BMCs, no loop): HOSTS x SENSORS series,
 * one reading each per 30 s step, for SECONDS of simulated time.
 *
 *   history-proto ring   DIR HOSTS SENSORS SECONDS   core/history.c (the ring file)
 *   history-proto sqlite DIR HOSTS SENSORS SECONDS   SQLite, the same three tiers
 *
 * The ring is flushed 15 times per simulated step, as bmctop's 2 s flush
 * timer does in a real 30 s; SQLite commits once per step (its best case).
 * Prints CPU seconds per simulated step and per reading, the CPU share of
 * one core that means at one step per 30 s, the store's bytes on disk and
 * the peak RSS.  Built and run by bench/history.sh.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "core/history.h"

#ifdef HAVE_SQLITE
#include <sqlite3.h>
#endif

#define T0 1700000010 /* a multiple of 30 */

static double cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

static long rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A drifting reading with a spike now and then, as bmcsim's are. */
static double reading(size_t series, int64_t t)
{
	return 40 + 10 * sin((double)t / 600.0 + (double)series) +
	       ((t / 30 + series) % 997 == 0 ? 40 : 0);
}

static void report(const char *what, double cpu, double steps, double readings, double bytes)
{
	printf("%s: %.0f steps, %.3g readings\n", what, steps, readings);
	printf(
	    "  CPU %.4f s per 30 s step, %.3f us per reading: %.2f%% of one core at 30 s polls\n",
	    cpu / steps, cpu / readings * 1e6, cpu / steps / 30 * 100);
	printf("  store on disk %.1f MB; peak RSS %.1f MB\n", bytes / 1e6, (double)rss_kb() / 1024);
}

static int run_ring(const char *dir, size_t hosts, size_t sensors, int64_t seconds)
{
	struct history *hs;
	char *err = NULL, host[32], sensor[32];
	size_t h, s, n = hosts * sensors;
	int64_t t;
	double c0;
	int f;

	if (history_open(&hs, dir, 1, &err) != 0) {
		fprintf(stderr, "history-proto: %s\n", err);
		return 1;
	}
	for (h = 0; h < hosts; h++)
		for (s = 0; s < sensors; s++) {
			snprintf(host, sizeof host, "host%05zu", h);
			snprintf(sensor, sizeof sensor, "Sensor %zu", s);
			history_series(hs, host, sensor, "C", 1);
		}
	c0 = cpu_now();
	for (t = T0; t < T0 + seconds; t += HIST_STEP_S) {
		for (s = 0; s < n; s++)
			history_record(hs, s, t + (int64_t)(s % HIST_STEP_S), reading(s, t));
		for (f = 0; f < 15; f++)
			history_flush(hs);
	}
	report("ring", cpu_now() - c0, (double)seconds / HIST_STEP_S,
	       (double)seconds / HIST_STEP_S * (double)n, (double)history_disk_bytes(hs));
	history_close(hs);
	return 0;
}

#ifdef HAVE_SQLITE
static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "history-proto: %s: %s\n", sql, err);
		exit(1);
	}
}

static int run_sqlite(const char *dir, size_t hosts, size_t sensors, int64_t seconds)
{
	char path[4096];
	sqlite3 *db;
	sqlite3_stmt *raw, *day, *week, *prune_raw, *prune_day, *prune_week;
	size_t s, n = hosts * sensors;
	int64_t t;
	double c0;
	struct stat st, stw;

	snprintf(path, sizeof path, "%s/history.sqlite", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	exec(db,
	     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	     "CREATE TABLE raw(series INTEGER, t INTEGER, v REAL, PRIMARY KEY(series, t)) WITHOUT "
	     "ROWID;"
	     "CREATE TABLE day(series INTEGER, t INTEGER, mn REAL, av REAL, mx REAL, n INTEGER,"
	     " PRIMARY KEY(series, t)) WITHOUT ROWID;"
	     "CREATE TABLE week(series INTEGER, t INTEGER, mn REAL, av REAL, mx REAL, n INTEGER,"
	     " PRIMARY KEY(series, t)) WITHOUT ROWID;");
	sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO raw VALUES(?1, ?2, ?3)", -1, &raw, NULL);
	sqlite3_prepare_v2(
	    db,
	    "INSERT INTO day VALUES(?1, ?2, ?3, ?3, ?3, 1) ON CONFLICT DO UPDATE SET"
	    " mn = min(mn, ?3), mx = max(mx, ?3), av = (av * n + ?3) / (n + 1), n = n + 1",
	    -1, &day, NULL);
	sqlite3_prepare_v2(
	    db,
	    "INSERT INTO week VALUES(?1, ?2, ?3, ?3, ?3, 1) ON CONFLICT DO UPDATE SET"
	    " mn = min(mn, ?3), mx = max(mx, ?3), av = (av * n + ?3) / (n + 1), n = n + 1",
	    -1, &week, NULL);
	sqlite3_prepare_v2(db, "DELETE FROM raw WHERE t < ?1", -1, &prune_raw, NULL);
	sqlite3_prepare_v2(db, "DELETE FROM day WHERE t < ?1", -1, &prune_day, NULL);
	sqlite3_prepare_v2(db, "DELETE FROM week WHERE t < ?1", -1, &prune_week, NULL);
	c0 = cpu_now();
	for (t = T0; t < T0 + seconds; t += HIST_STEP_S) {
		exec(db, "BEGIN");
		for (s = 0; s < n; s++) {
			double v = reading(s, t);
			sqlite3_stmt *st3[3] = {raw, day, week};
			int64_t tt[3] = {t, t / HIST_DAY_STEP_S * HIST_DAY_STEP_S,
					 t / HIST_WEEK_STEP_S * HIST_WEEK_STEP_S};
			int k;

			for (k = 0; k < 3; k++) {
				sqlite3_bind_int64(st3[k], 1, (sqlite3_int64)s);
				sqlite3_bind_int64(st3[k], 2, tt[k]);
				sqlite3_bind_double(st3[k], 3, v);
				sqlite3_step(st3[k]);
				sqlite3_reset(st3[k]);
			}
		}
		/* Keep an hour, a day, a week: prune once a simulated 10 minutes. */
		if ((t - T0) % 600 == 0) {
			sqlite3_bind_int64(prune_raw, 1, t - 3600);
			sqlite3_step(prune_raw);
			sqlite3_reset(prune_raw);
			sqlite3_bind_int64(prune_day, 1, t - 86400);
			sqlite3_step(prune_day);
			sqlite3_reset(prune_day);
			sqlite3_bind_int64(prune_week, 1, t - 7 * 86400);
			sqlite3_step(prune_week);
			sqlite3_reset(prune_week);
		}
		exec(db, "COMMIT");
	}
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	memset(&stw, 0, sizeof stw);
	stat(path, &st);
	report("sqlite", cpu_now() - c0, (double)seconds / HIST_STEP_S,
	       (double)seconds / HIST_STEP_S * (double)n, (double)st.st_blocks * 512);
	{
		sqlite3_stmt *q;
		const char *tables[] = {"raw", "day", "week"};
		int k;

		for (k = 0; k < 3; k++) {
			char sql[64];

			snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[k]);
			sqlite3_prepare_v2(db, sql, -1, &q, NULL);
			sqlite3_step(q);
			printf("  %s rows: %lld\n", tables[k],
			       (long long)sqlite3_column_int64(q, 0));
			sqlite3_finalize(q);
		}
	}
	printf("  bytes per stored row: %.1f\n",
	       (double)st.st_blocks * 512 /
		   ((double)n * (double)(HIST_RAW_N + HIST_DAY_N + HIST_WEEK_N)));
	sqlite3_finalize(raw);
	sqlite3_finalize(day);
	sqlite3_finalize(week);
	sqlite3_finalize(prune_raw);
	sqlite3_finalize(prune_day);
	sqlite3_finalize(prune_week);
	sqlite3_close(db);
	return 0;
}
#endif

int main(int argc, char **argv)
{
	size_t hosts, sensors;
	int64_t seconds;

	if (argc != 6) {
		fprintf(stderr, "usage: history-proto ring|sqlite DIR HOSTS SENSORS SECONDS\n");
		return 2;
	}
	hosts = strtoul(argv[3], NULL, 10);
	sensors = strtoul(argv[4], NULL, 10);
	seconds = strtoll(argv[5], NULL, 10);
	if (strcmp(argv[1], "ring") == 0)
		return run_ring(argv[2], hosts, sensors, seconds);
#ifdef HAVE_SQLITE
	if (strcmp(argv[1], "sqlite") == 0)
		return run_sqlite(argv[2], hosts, sensors, seconds);
#endif
	fprintf(stderr, "history-proto: %s not built in\n", argv[1]);
	return 2;
}
