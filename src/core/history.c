/*
 * core/history.c - the history store: a ring file of readings per series.
 *
 * Two files in the store's directory:
 *   series  a header, then one fixed record (host, sensor) per series, in
 *           the order they were first seen: a series' number is its place.
 *   data    a header page, then one block per HIST_BLOCK series.  A block is
 *           a page of row stamps (which step or bucket each ring slot holds,
 *           plus one; 0 for none), then three rings laid out time-major:
 *           raw [HIST_RAW_N][HIST_BLOCK] floats, day and week
 *           [N][HIST_BLOCK][min, avg, max].  Slot = step number % N.
 * A slot whose stamp is not the step asked for is stale and reads as no
 * data, so nothing needs clearing when time moves on or bmctop was off.
 *
 * The row in progress of each ring of each block lives in memory; it is
 * written (data, then stamp) when the next row starts and at each flush.
 * The average of a bucket restarted after a reopen weighs what was stored
 * as one reading.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/history.h"
#include "core/paths.h"
#include "core/xalloc.h"

#define DATA_MAGIC   "BMCTHST1"
#define SERIES_MAGIC "BMCTSER1"
#define HEADER_BYTES 4096
#define STAMP_BYTES  4096
#define NAME_BYTES   (HIST_HOST_MAX + HIST_SENSOR_MAX + HIST_UNIT_MAX)

enum { T_RAW, T_DAY, T_WEEK, T__N };

struct tier {
	int64_t step; /* seconds */
	size_t n;     /* slots */
	size_t width; /* floats per series: 1 or 3 */
	size_t stamp_off;
	uint64_t off; /* of slot 0 in the block */
};

static const struct tier tiers[T__N] = {
    {HIST_STEP_S, HIST_RAW_N, 1, 0, STAMP_BYTES},
    {HIST_DAY_STEP_S, HIST_DAY_N, 3, HIST_RAW_N * 8, STAMP_BYTES + HIST_RAW_N *HIST_BLOCK * 4},
    {HIST_WEEK_STEP_S, HIST_WEEK_N, 3, (HIST_RAW_N + HIST_DAY_N) * 8,
     STAMP_BYTES + (HIST_RAW_N + 3 * HIST_DAY_N) * HIST_BLOCK * 4},
};

#define BLOCK_BYTES                                                                                \
	((uint64_t)STAMP_BYTES +                                                                   \
	 (uint64_t)(HIST_RAW_N + 3 * HIST_DAY_N + 3 * HIST_WEEK_N) * HIST_BLOCK * 4)

/* The row in progress of one ring of one block. */
struct row {
	int64_t idx; /* step number; -1 none */
	int dirty;
	float *v;      /* HIST_BLOCK * width */
	uint16_t *cnt; /* readings in each bucket, for the average */
};

struct block {
	struct row rows[T__N];
};

struct name {
	char host[HIST_HOST_MAX];
	char sensor[HIST_SENSOR_MAX];
	char unit[HIST_UNIT_MAX];
};

struct history {
	int data_fd, series_fd;
	int writer;
	struct name *names;
	size_t nnames, cap;
	uint32_t *hash; /* id + 1; 0 empty */
	size_t hash_size;
	struct block **blocks;
	size_t nblocks; /* in the data file */
};

static uint32_t name_hash(const char *host, const char *sensor)
{
	uint32_t h = 2166136261u;

	for (; *host != '\0'; host++)
		h = (h ^ (uint8_t)*host) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (; *sensor != '\0'; sensor++)
		h = (h ^ (uint8_t)*sensor) * 16777619u;
	return h;
}

static void hash_insert(struct history *hs, size_t id)
{
	size_t mask = hs->hash_size - 1;
	size_t i = name_hash(hs->names[id].host, hs->names[id].sensor) & mask;

	while (hs->hash[i] != 0)
		i = (i + 1) & mask;
	hs->hash[i] = (uint32_t)id + 1;
}

static void hash_grow(struct history *hs)
{
	size_t i;

	if (hs->hash_size >= 2 * (hs->nnames + 1))
		return;
	free(hs->hash);
	hs->hash_size = hs->hash_size ? hs->hash_size * 2 : 1024;
	while (hs->hash_size < 2 * (hs->nnames + 1))
		hs->hash_size *= 2;
	hs->hash = xcalloc(hs->hash_size, sizeof *hs->hash);
	for (i = 0; i < hs->nnames; i++)
		hash_insert(hs, i);
}

static int set_err(char **err, int rc, const char *what, const char *path)
{
	if (err != NULL) {
		size_t n = strlen(what) + strlen(path) + 64;

		*err = xmalloc(n);
		snprintf(*err, n, "%s %s: %s", what, path, paths_strerror(rc));
	}
	return rc;
}

static int open_file(const char *dir, const char *name, int writer, char **err)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	int fd;

	fd = paths_open_regular(path, writer ? O_RDWR | O_CREAT : O_RDONLY, 0600, &st);
	if (fd >= 0 && writer && (st.st_mode & 0777) != 0600 && fchmod(fd, 0600) != 0)
		fd = -errno;
	if (fd < 0)
		set_err(err, fd, "cannot open", path);
	free(path);
	return fd;
}

/* A new file gets its header; an old one must have it. */
static int check_header(int fd, const char *magic, int writer)
{
	char buf[8];
	ssize_t n = pread(fd, buf, sizeof buf, 0);

	if (n == 0 && writer) {
		char page[16] = {0};

		memcpy(page, magic, 8);
		return pwrite(fd, page, sizeof page, 0) == (ssize_t)sizeof page ? 0 : -errno;
	}
	if (n != (ssize_t)sizeof buf || memcmp(buf, magic, 8) != 0)
		return -EPROTO;
	return 0;
}

static int load_names(struct history *hs)
{
	struct stat st;
	size_t n, i;

	if (fstat(hs->series_fd, &st) != 0)
		return -errno;
	n = st.st_size > 16 ? (size_t)(st.st_size - 16) / NAME_BYTES : 0;
	/* A record torn by a kill is dropped (and cut off by a writer). */
	if (hs->writer && (off_t)(16 + n * NAME_BYTES) != st.st_size && st.st_size > 16)
		if (ftruncate(hs->series_fd, 16 + n * NAME_BYTES) != 0)
			return -errno;
	hs->cap = n + 64;
	hs->names = xcalloc(hs->cap, sizeof *hs->names);
	if (n > 0 &&
	    pread(hs->series_fd, hs->names, n * NAME_BYTES, 16) != (ssize_t)(n * NAME_BYTES))
		return -EIO;
	for (i = 0; i < n; i++) {
		hs->names[i].host[HIST_HOST_MAX - 1] = '\0';
		hs->names[i].sensor[HIST_SENSOR_MAX - 1] = '\0';
		hs->names[i].unit[HIST_UNIT_MAX - 1] = '\0';
	}
	hs->nnames = n;
	hash_grow(hs);
	return 0;
}

int history_open(struct history **out, const char *dir, int writer, char **err)
{
	struct history *hs = xcalloc(1, sizeof *hs);
	struct stat st;
	int rc;

	*out = NULL;
	hs->data_fd = hs->series_fd = -1;
	hs->writer = writer;
	rc = writer ? paths_mkdir_p(dir, 0700) : 0;
	if (rc != 0) {
		history_close(hs);
		return set_err(err, rc, "cannot make", dir);
	}
	/* Nobody else may plant files or links beside the store. */
	rc = writer ? paths_check_private_dir(dir, "XDG_STATE_HOME", err) : 0;
	if (rc != 0) {
		history_close(hs);
		return rc;
	}
	hs->data_fd = open_file(dir, "data", writer, err);
	if (hs->data_fd < 0) {
		rc = hs->data_fd;
		history_close(hs);
		return rc;
	}
	if (writer && flock(hs->data_fd, LOCK_EX | LOCK_NB) != 0) {
		rc = -EAGAIN;
		history_close(hs);
		return set_err(err, rc, "another bmctop is recording into", dir);
	}
	hs->series_fd = open_file(dir, "series", writer, err);
	if (hs->series_fd < 0) {
		rc = hs->series_fd;
		history_close(hs);
		return rc;
	}
	rc = check_header(hs->data_fd, DATA_MAGIC, writer);
	if (rc == 0)
		rc = check_header(hs->series_fd, SERIES_MAGIC, writer);
	if (rc == 0)
		rc = load_names(hs);
	if (rc == 0 && fstat(hs->data_fd, &st) != 0)
		rc = -errno;
	if (rc != 0) {
		history_close(hs);
		return set_err(err, rc, "not a bmctop history store:", dir);
	}
	hs->nblocks =
	    st.st_size > HEADER_BYTES ? (size_t)((st.st_size - HEADER_BYTES) / BLOCK_BYTES) : 0;
	*out = hs;
	return 0;
}

static void block_free(struct block *b)
{
	int t;

	if (b == NULL)
		return;
	for (t = 0; t < T__N; t++) {
		free(b->rows[t].v);
		free(b->rows[t].cnt);
	}
	free(b);
}

void history_close(struct history *hs)
{
	size_t i;

	if (hs == NULL)
		return;
	if (hs->writer && hs->data_fd >= 0)
		history_flush(hs);
	if (hs->data_fd >= 0)
		close(hs->data_fd);
	if (hs->series_fd >= 0)
		close(hs->series_fd);
	for (i = 0; i < hs->nblocks; i++)
		if (hs->blocks != NULL)
			block_free(hs->blocks[i]);
	free(hs->blocks);
	free(hs->names);
	free(hs->hash);
	free(hs);
}

long history_series(struct history *hs, const char *host, const char *sensor, const char *unit,
		    int create)
{
	size_t mask, i;
	struct name nm;

	if (strlen(host) >= HIST_HOST_MAX || strlen(sensor) >= HIST_SENSOR_MAX)
		return -ENAMETOOLONG;
	if (hs->hash_size > 0) {
		mask = hs->hash_size - 1;
		for (i = name_hash(host, sensor) & mask; hs->hash[i] != 0; i = (i + 1) & mask) {
			const struct name *n = &hs->names[hs->hash[i] - 1];

			if (strcmp(n->host, host) == 0 && strcmp(n->sensor, sensor) == 0)
				return (long)hs->hash[i] - 1;
		}
	}
	if (!create || !hs->writer)
		return -ENOENT;
	memset(&nm, 0, sizeof nm);
	memcpy(nm.host, host, strlen(host));
	memcpy(nm.sensor, sensor, strlen(sensor));
	if (unit != NULL)
		snprintf(nm.unit, sizeof nm.unit, "%s", unit);
	if (pwrite(hs->series_fd, &nm, sizeof nm, 16 + hs->nnames * NAME_BYTES) !=
	    (ssize_t)sizeof nm)
		return -EIO;
	if (hs->nnames == hs->cap) {
		hs->cap = hs->cap * 2 + 64;
		hs->names = xreallocarray(hs->names, hs->cap, sizeof *hs->names);
	}
	hs->names[hs->nnames++] = nm;
	hash_grow(hs);
	hash_insert(hs, hs->nnames - 1);
	return (long)hs->nnames - 1;
}

size_t history_nseries(const struct history *hs)
{
	return hs->nnames;
}

const char *history_series_host(const struct history *hs, size_t id)
{
	return id < hs->nnames ? hs->names[id].host : NULL;
}

const char *history_series_sensor(const struct history *hs, size_t id)
{
	return id < hs->nnames ? hs->names[id].sensor : NULL;
}

static uint64_t block_off(size_t b)
{
	return HEADER_BYTES + (uint64_t)b * BLOCK_BYTES;
}

static uint64_t slot_off(size_t b, int t, int64_t idx)
{
	return block_off(b) + tiers[t].off +
	       (uint64_t)(idx % (int64_t)tiers[t].n) * HIST_BLOCK * tiers[t].width * 4;
}

static uint64_t stamp_off(size_t b, int t, int64_t idx)
{
	return block_off(b) + tiers[t].stamp_off + (uint64_t)(idx % (int64_t)tiers[t].n) * 8;
}

static int row_write(struct history *hs, size_t b, int t, struct row *r)
{
	size_t len = HIST_BLOCK * tiers[t].width * 4;
	int64_t stamp = r->idx + 1;

	if (!r->dirty || r->idx < 0)
		return 0;
	if (pwrite(hs->data_fd, r->v, len, slot_off(b, t, r->idx)) != (ssize_t)len)
		return -EIO;
	if (pwrite(hs->data_fd, &stamp, 8, stamp_off(b, t, r->idx)) != 8)
		return -EIO;
	r->dirty = 0;
	return 0;
}

/* Start row idx: what the file holds for it (a reopen), or no data. */
static void row_start(struct history *hs, size_t b, int t, struct row *r, int64_t idx)
{
	size_t k, n = HIST_BLOCK * tiers[t].width, len = n * 4;
	int64_t stamp = 0;

	r->idx = idx;
	r->dirty = 1;
	if (pread(hs->data_fd, &stamp, 8, stamp_off(b, t, idx)) == 8 && stamp == idx + 1 &&
	    pread(hs->data_fd, r->v, len, slot_off(b, t, idx)) == (ssize_t)len) {
		for (k = 0; k < HIST_BLOCK; k++)
			r->cnt[k] = isnan(r->v[k * tiers[t].width]) ? 0 : 1;
		return;
	}
	for (k = 0; k < n; k++)
		r->v[k] = NAN;
	memset(r->cnt, 0, HIST_BLOCK * sizeof *r->cnt);
}

static struct block *block_get(struct history *hs, size_t b)
{
	size_t i;
	int t;

	if (b >= hs->nblocks) {
		if (ftruncate(hs->data_fd, (off_t)block_off(b + 1)) != 0)
			return NULL;
		hs->blocks = xreallocarray(hs->blocks, b + 1, sizeof *hs->blocks);
		for (i = hs->nblocks; i <= b; i++)
			hs->blocks[i] = NULL;
		hs->nblocks = b + 1;
	} else if (hs->blocks == NULL) {
		hs->blocks = xcalloc(hs->nblocks, sizeof *hs->blocks);
	}
	if (hs->blocks[b] == NULL) {
		struct block *bl = xcalloc(1, sizeof *bl);

		for (t = 0; t < T__N; t++) {
			bl->rows[t].idx = -1;
			bl->rows[t].v = xcalloc(HIST_BLOCK * tiers[t].width, sizeof(float));
			bl->rows[t].cnt = xcalloc(HIST_BLOCK, sizeof(uint16_t));
		}
		hs->blocks[b] = bl;
	}
	return hs->blocks[b];
}

static void bucket_add(float *p, uint16_t *cnt, double v)
{
	if (*cnt == 0 || isnan(p[0])) {
		p[0] = p[1] = p[2] = (float)v;
		*cnt = 1;
		return;
	}
	if (v < p[0])
		p[0] = (float)v;
	if (v > p[2])
		p[2] = (float)v;
	p[1] = (float)((p[1] * (double)*cnt + v) / (*cnt + 1));
	if (*cnt < UINT16_MAX)
		(*cnt)++;
}

int history_record(struct history *hs, size_t id, int64_t t, double v)
{
	size_t b = id / HIST_BLOCK, col = id % HIST_BLOCK;
	struct block *bl;
	int ti, rc;

	if (!hs->writer || id >= hs->nnames || t < 0 || isnan(v))
		return -EINVAL;
	bl = block_get(hs, b);
	if (bl == NULL)
		return -errno;
	for (ti = 0; ti < T__N; ti++) {
		struct row *r = &bl->rows[ti];
		int64_t idx = t / tiers[ti].step;

		if (idx < r->idx)
			return -ERANGE;
		if (idx != r->idx) {
			rc = row_write(hs, b, ti, r);
			if (rc != 0)
				return rc;
			row_start(hs, b, ti, r, idx);
		}
		if (tiers[ti].width == 1) {
			r->v[col] = (float)v;
			r->cnt[col] = 1;
		} else {
			bucket_add(&r->v[col * 3], &r->cnt[col], v);
		}
		r->dirty = 1;
	}
	return 0;
}

int history_flush(struct history *hs)
{
	size_t b;
	int t, rc = 0;

	for (b = 0; hs->blocks != NULL && b < hs->nblocks; b++) {
		if (hs->blocks[b] == NULL)
			continue;
		for (t = 0; t < T__N; t++)
			if (row_write(hs, b, t, &hs->blocks[b]->rows[t]) != 0)
				rc = -EIO;
	}
	return rc;
}

enum hist_res history_res_for(int64_t since, int64_t now)
{
	if (now - since <= (int64_t)HIST_RAW_N * HIST_STEP_S)
		return HIST_RES_RAW;
	if (now - since <= (int64_t)HIST_DAY_N * HIST_DAY_STEP_S)
		return HIST_RES_DAY;
	return HIST_RES_WEEK;
}

/* Slot idx of ring t of series id: from the row in memory, else the file. */
static int point_at(struct history *hs, size_t id, int t, int64_t idx, const int64_t *stamps,
		    struct hist_point *p)
{
	size_t b = id / HIST_BLOCK, col = id % HIST_BLOCK, w = tiers[t].width;
	struct block *bl = hs->blocks != NULL && b < hs->nblocks ? hs->blocks[b] : NULL;
	float v[3];

	if (bl != NULL && bl->rows[t].idx == idx) {
		memcpy(v, &bl->rows[t].v[col * w], w * 4);
	} else {
		if (stamps[idx % (int64_t)tiers[t].n] != idx + 1)
			return 0;
		if (pread(hs->data_fd, v, w * 4, slot_off(b, t, idx) + col * w * 4) !=
		    (ssize_t)(w * 4))
			return 0;
	}
	if (w == 1)
		v[1] = v[2] = v[0];
	if (isnan(v[0]) || isnan(v[1]) || isnan(v[2]))
		return 0;
	p->t = idx * tiers[t].step;
	p->min = v[0];
	p->avg = v[1];
	p->max = v[2];
	return 1;
}

size_t history_query(struct history *hs, size_t id, enum hist_res res, int64_t since, int64_t until,
		     struct hist_point *out, size_t max)
{
	int t = res == HIST_RES_RAW ? T_RAW : res == HIST_RES_DAY ? T_DAY : T_WEEK;
	int64_t stamps[HIST_WEEK_N], idx, first, last;
	size_t b = id / HIST_BLOCK, count = 0;
	struct hist_point p;

	if (id >= hs->nnames || b >= hs->nblocks || since < 0 || until < since)
		return 0;
	memset(stamps, 0, sizeof stamps);
	if (pread(hs->data_fd, stamps, tiers[t].n * 8, block_off(b) + tiers[t].stamp_off) < 0)
		return 0;
	first = since / tiers[t].step;
	last = until / tiers[t].step;
	if (last - first >= (int64_t)tiers[t].n)
		first = last - (int64_t)tiers[t].n + 1;
	for (idx = first; idx <= last; idx++) {
		if (!point_at(hs, id, t, idx, stamps, &p))
			continue;
		if (count < max)
			out[count] = p;
		count++;
	}
	return count;
}

size_t history_buckets(struct history *hs, size_t id, int64_t since, int64_t until,
		       struct hist_point *out, size_t n)
{
	struct hist_point pts[HIST_WEEK_N];
	size_t np, i, k;
	double span;

	if (n == 0)
		return 0;
	np = history_query(hs, id, history_res_for(since, until), since, until, pts, HIST_WEEK_N);
	if (np > HIST_WEEK_N)
		np = HIST_WEEK_N;
	span = (double)(until - since + 1) / (double)n;
	for (i = 0; i < n; i++) {
		double sum = 0;
		size_t c = 0;

		out[i].t = since + (int64_t)(span * (double)i);
		out[i].min = out[i].avg = out[i].max = NAN;
		for (k = 0; k < np; k++) {
			size_t at =
			    pts[k].t < since ? 0 : (size_t)((double)(pts[k].t - since) / span);

			if (at != i && !(at >= n && i == n - 1))
				continue;
			if (c == 0 || pts[k].min < out[i].min)
				out[i].min = pts[k].min;
			if (c == 0 || pts[k].max > out[i].max)
				out[i].max = pts[k].max;
			sum += pts[k].avg;
			c++;
		}
		if (c > 0)
			out[i].avg = (float)(sum / (double)c);
	}
	return n;
}

const char *history_series_unit(const struct history *hs, size_t id)
{
	return id < hs->nnames ? hs->names[id].unit : NULL;
}

uint64_t history_disk_bytes(const struct history *hs)
{
	struct stat a, b;
	uint64_t n = 0;

	if (fstat(hs->data_fd, &a) == 0)
		n += (uint64_t)a.st_blocks * 512;
	if (fstat(hs->series_fd, &b) == 0)
		n += (uint64_t)b.st_blocks * 512;
	return n;
}
