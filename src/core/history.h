/*
 * core/history.h - the history store: every host's sensor readings, kept
 * across restarts in the state directory.
 *
 * A fixed-size ring file (HACKING, "History store"): full resolution (one
 * value per HIST_STEP_S) for the last hour, then min/avg/max buckets of ten
 * minutes for a day and of an hour for a week.  Series (host, sensor) are
 * numbered as first seen; HIST_BLOCK series share a block laid out time-major,
 * so one poll round writes a few contiguous rows, not one page per series.
 * Rows in progress are kept in memory and written with pwrite by
 * history_flush(): a kill -9 loses what came since the last flush.
 *
 * Plain files and no loop: the engine glue (core/record.c) calls flush on a
 * timer.  One writer at a time (a lock on the data file); readers (bmctop
 * history) open it read-only and see what was flushed.
 */
#ifndef BMCTOP_HISTORY_H
#define BMCTOP_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define HIST_STEP_S	 30   /* full resolution */
#define HIST_RAW_N	 120  /* one hour of it */
#define HIST_DAY_STEP_S	 600  /* ten minutes */
#define HIST_DAY_N	 144  /* one day of those */
#define HIST_WEEK_STEP_S 3600 /* one hour */
#define HIST_WEEK_N	 168  /* one week of those */
#define HIST_BLOCK	 1024 /* series per block of the data file */
#define HIST_HOST_MAX	 64   /* host names longer are refused */
#define HIST_SENSOR_MAX	 48   /* as struct bmc_sensor's name */
#define HIST_UNIT_MAX	 16   /* as its unit */

/* One point: at full resolution min == avg == max.  NaN: no reading. */
struct hist_point {
	int64_t t; /* Unix seconds, start of the step or bucket */
	float min, avg, max;
};

enum hist_res { HIST_RES_RAW, HIST_RES_DAY, HIST_RES_WEEK };

struct history;

/*
 * Open (creating, 0700 directory and 0600 files, never through a link) the
 * store in dir.  writer: take the writer's lock (-EAGAIN when another
 * process holds it).  0 or -errno with *err a message for a person.
 */
int history_open(struct history **out, const char *dir, int writer, char **err);
/* Flush (a writer) and free. */
void history_close(struct history *hs);

/*
 * The series of host's sensor: its number, or -ENOENT; with create (unit
 * non-NULL) a new one, with its unit kept for display.
 */
long history_series(struct history *hs, const char *host, const char *sensor, const char *unit,
		    int create);
size_t history_nseries(const struct history *hs);
/* Names of series id (pointers into the store, valid until close). */
const char *history_series_host(const struct history *hs, size_t id);
const char *history_series_sensor(const struct history *hs, size_t id);
const char *history_series_unit(const struct history *hs, size_t id);

/*
 * A reading of series id at Unix time t (seconds).  Readings older than the
 * rows in progress are dropped (a clock stepped back): 0, or -ERANGE then.
 */
int history_record(struct history *hs, size_t id, int64_t t, double v);
/* Write the rows in progress; 0 or -errno. */
int history_flush(struct history *hs);

/* The resolution that covers since..now: raw for an hour, day, week. */
enum hist_res history_res_for(int64_t since, int64_t now);
/*
 * The points of series id at resolution res from since to until (both Unix
 * seconds), oldest first, with readings only; at most max into out.  The
 * count (which may exceed max: only max were written).
 */
size_t history_query(struct history *hs, size_t id, enum hist_res res, int64_t since, int64_t until,
		     struct hist_point *out, size_t max);
/*
 * For graphs and sparklines: since..until cut into n equal buckets, each
 * the min/avg/max of the points that fall in it (NaN for none), at the
 * resolution history_res_for picks.  Returns n, or 0 when n is 0.
 */
size_t history_buckets(struct history *hs, size_t id, int64_t since, int64_t until,
		       struct hist_point *out, size_t n);

/* Bytes the store takes on disk (allocated blocks). */
uint64_t history_disk_bytes(const struct history *hs);

#endif
