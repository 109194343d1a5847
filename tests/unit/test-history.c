/*
 * test-history.c - core/history.c: readings survive a reopen, the day and
 * week views keep a spike's min/max, stale ring slots read as no data,
 * series numbering, the writer's lock, and files that are not ours.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/history.h"
#include "runner.h"

#define T0 1700000000 /* a Unix time on a week boundary or not: it does not matter */

static struct history *open_store(const char *dir, int writer)
{
	struct history *hs = NULL;
	char *err = NULL;
	int rc = history_open(&hs, dir, writer, &err);

	if (rc != 0)
		test_fail(__FILE__, __LINE__, "history_open: %s", err ? err : "?");
	return hs;
}

static char *store_dir(void)
{
	static char dir[512];

	snprintf(dir, sizeof dir, "%s/history", test_tmpdir());
	return dir;
}

TEST(history_survives_reopen)
{
	struct history *hs = open_store(store_dir(), 1);
	struct hist_point pts[200];
	long a, b;
	size_t n, i;
	struct stat st;
	char path[600];

	a = history_series(hs, "node01", "Inlet Temp", "C", 1);
	b = history_series(hs, "node02", "Fan1", "C", 1);
	ASSERT_EQ(a, 0);
	ASSERT_EQ(b, 1);
	ASSERT_EQ(history_series(hs, "node01", "Inlet Temp", "C", 1), 0);
	for (i = 0; i < 60; i++) {
		ASSERT_EQ(history_record(hs, (size_t)a, T0 + (int64_t)i * 30, 20.0 + (double)i), 0);
		ASSERT_EQ(history_record(hs, (size_t)b, T0 + (int64_t)i * 30, 5000), 0);
	}
	history_close(hs);

	snprintf(path, sizeof path, "%s/data", store_dir());
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0600);

	hs = open_store(store_dir(), 0);
	ASSERT_EQ(history_nseries(hs), 2);
	ASSERT_EQ(history_series(hs, "node02", "Fan1", NULL, 0), 1);
	ASSERT_EQ(history_series(hs, "node03", "Fan1", "C", 1), -ENOENT);
	n = history_query(hs, 0, HIST_RES_RAW, T0, T0 + 59 * 30, pts, 200);
	ASSERT_EQ(n, 60);
	ASSERT_EQ(pts[0].t, T0 / 30 * 30);
	ASSERT_NEAR(pts[0].avg, 20.0, 1e-6);
	ASSERT_NEAR(pts[59].avg, 79.0, 1e-6);
	ASSERT_STREQ(history_series_sensor(hs, 0), "Inlet Temp");
	history_close(hs);

	/* A writer reopening carries on where it stopped. */
	hs = open_store(store_dir(), 1);
	ASSERT_EQ(history_record(hs, 0, T0 + 60 * 30, 99.0), 0);
	n = history_query(hs, 0, HIST_RES_RAW, T0, T0 + 60 * 30, pts, 200);
	ASSERT_EQ(n, 61);
	ASSERT_NEAR(pts[60].max, 99.0, 1e-6);
	history_close(hs);
}

/* A spike of one reading at minute 3 shows in the 24-hour and 7-day views. */
TEST(history_downsampling_keeps_spike)
{
	struct history *hs = open_store(store_dir(), 1);
	struct hist_point pts[HIST_WEEK_N], b[48];
	int64_t t, end = T0 + 6 * 3600;
	size_t n, i;
	int seen = 0;

	ASSERT_EQ(history_series(hs, "node01", "CPU1 Temp", "C", 1), 0);
	for (t = T0; t <= end; t += 30)
		ASSERT_EQ(history_record(hs, 0, t, t == T0 + 180 ? 95.0 : 40.0), 0);
	ASSERT_EQ(history_flush(hs), 0);

	/* The hour view no longer holds minute 3: it is six hours ago. */
	n = history_query(hs, 0, HIST_RES_RAW, end - 3600, end, pts, HIST_WEEK_N);
	for (i = 0; i < n; i++)
		ASSERT(pts[i].max < 41);

	n = history_query(hs, 0, HIST_RES_DAY, end - 86400, end, pts, HIST_WEEK_N);
	ASSERT(n >= 36);
	for (i = 0; i < n; i++) {
		if (pts[i].max > 90) {
			seen++;
			ASSERT_NEAR(pts[i].min, 40.0, 1e-6);
			ASSERT(pts[i].avg > 40 && pts[i].avg < 50);
		}
	}
	ASSERT_EQ(seen, 1);

	n = history_query(hs, 0, HIST_RES_WEEK, end - 7 * 86400, end, pts, HIST_WEEK_N);
	ASSERT(n >= 6);
	ASSERT_NEAR(pts[0].max, 95.0, 1e-6);

	/* The graph's buckets over 24 h: one bucket with the spike. */
	ASSERT_EQ(history_buckets(hs, 0, end - 86400, end, b, 48), 48);
	seen = 0;
	for (i = 0; i < 48; i++)
		if (!isnan(b[i].max) && b[i].max > 90)
			seen++;
	ASSERT_EQ(seen, 1);
	ASSERT(isnan(b[0].max)); /* nothing a day ago */
	history_close(hs);
}

/* Slots left from an earlier lap of the ring read as no data. */
TEST(history_stale_slots)
{
	struct history *hs = open_store(store_dir(), 1);
	struct hist_point pts[HIST_RAW_N];
	size_t n;

	ASSERT_EQ(history_series(hs, "a", "s", "C", 1), 0);
	ASSERT_EQ(history_record(hs, 0, T0, 1.0), 0);
	ASSERT_EQ(history_record(hs, 0, T0 + 30, 2.0), 0);
	/* Two hours later: the ring went round; only the new reading. */
	ASSERT_EQ(history_record(hs, 0, T0 + 7200 + 30, 3.0), 0);
	n = history_query(hs, 0, HIST_RES_RAW, T0 + 7200 + 30 - 3600, T0 + 7200 + 30, pts,
			  HIST_RAW_N);
	ASSERT_EQ(n, 1);
	ASSERT_NEAR(pts[0].avg, 3.0, 1e-6);
	/* A clock stepped back is refused, not written over the present. */
	ASSERT_EQ(history_record(hs, 0, T0, 5.0), -ERANGE);
	history_close(hs);
}

TEST(history_lock_and_foreign_files)
{
	struct history *hs = open_store(store_dir(), 1), *second = NULL;
	char *err = NULL, path[600], other[700];
	int fd;

	ASSERT_EQ(history_open(&second, store_dir(), 1, &err), -EAGAIN);
	ASSERT_CONTAINS(err, "another bmctop");
	free(err);
	err = NULL;
	history_close(hs);

	/* Not a store: refused with a message, nothing overwritten. */
	snprintf(path, sizeof path, "%s/notastore", test_tmpdir());
	ASSERT_EQ(mkdir(path, 0700), 0);
	snprintf(other, sizeof other, "%s/data", path);
	fd = open(other, O_WRONLY | O_CREAT, 0600);
	ASSERT(fd >= 0);
	ASSERT_EQ(write(fd, "hello world, not ours", 21), 21);
	close(fd);
	ASSERT(history_open(&second, path, 1, &err) < 0);
	ASSERT_CONTAINS(err, "not a bmctop history store");
	free(err);
	err = NULL;

	/* A store directory others may write to is refused, naming the fix. */
	snprintf(path, sizeof path, "%s/open", test_tmpdir());
	ASSERT_EQ(mkdir(path, 0700), 0);
	ASSERT_EQ(chmod(path, 0777), 0);
	ASSERT(history_open(&second, path, 1, &err) < 0);
	ASSERT_CONTAINS(err, "chmod");
	free(err);
	err = NULL;

	/* A symbolic link in place of a file is not followed. */
	snprintf(path, sizeof path, "%s/linked", test_tmpdir());
	ASSERT_EQ(mkdir(path, 0700), 0);
	snprintf(other, sizeof other, "%s/data", path);
	ASSERT_EQ(symlink("/etc/passwd", other), 0);
	ASSERT_EQ(history_open(&second, path, 1, &err), -ELOOP);
	free(err);
}

/* Many series spread over blocks; names too long are refused. */
TEST(history_many_series)
{
	struct history *hs = open_store(store_dir(), 1);
	struct hist_point p;
	char host[32];
	size_t i;

	for (i = 0; i < 3 * HIST_BLOCK; i++) {
		snprintf(host, sizeof host, "h%zu", i);
		ASSERT_EQ(history_series(hs, host, "Temp", "C", 1), (long)i);
		ASSERT_EQ(history_record(hs, i, T0, (double)i), 0);
	}
	ASSERT_EQ(history_series(
		      hs,
		      "this-host-name-is-far-too-long-to-be-kept-in-a-history-record-xxxxxxxxxx",
		      "s", "C", 1),
		  -ENAMETOOLONG);
	history_close(hs);
	hs = open_store(store_dir(), 0);
	ASSERT_EQ(history_series(hs, "h2500", "Temp", NULL, 0), 2500);
	ASSERT_EQ(history_query(hs, 2500, HIST_RES_DAY, T0 - 600, T0, &p, 1), 1);
	ASSERT_NEAR(p.max, 2500.0, 1e-3);
	history_close(hs);
}

/* A sparkline's hour in 60 buckets of two readings; a gap stays NaN; a
 * query with room for fewer points says how many there were. */
TEST(history_buckets_for_sparklines)
{
	struct history *hs = open_store(store_dir(), 1);
	struct hist_point b[60], few[5];
	int64_t t, end = T0 / 30 * 30 + 3600 - 30;
	size_t i;

	ASSERT_EQ(history_series(hs, "n", "Pwr", "W", 1), 0);
	for (t = T0 / 30 * 30, i = 0; t <= end; t += 30, i++)
		if (i < 40 || i >= 50) /* five minutes without readings */
			ASSERT_EQ(history_record(hs, 0, t, (double)(100 + i)), 0);
	ASSERT_EQ(history_buckets(hs, 0, T0 / 30 * 30, end, b, 60), 60);
	ASSERT_NEAR(b[0].min, 100, 1e-6);
	ASSERT_NEAR(b[0].max, 101, 1e-6);
	ASSERT_NEAR(b[0].avg, 100.5, 1e-6);
	ASSERT(isnan(b[21].avg) && isnan(b[22].avg) && isnan(b[24].max));
	ASSERT_NEAR(b[59].max, 219, 1e-6);
	ASSERT_EQ(history_query(hs, 0, HIST_RES_RAW, T0 / 30 * 30, end, few, 5), 110);
	ASSERT_NEAR(few[4].avg, 104, 1e-6);
	ASSERT_EQ(history_buckets(hs, 0, T0, end, b, 0), 0);
	history_close(hs);
}
