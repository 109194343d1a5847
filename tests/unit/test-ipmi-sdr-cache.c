/*
 * test-ipmi-sdr-cache.c - the SDR cache file: round trip, mode, and every
 * way a file can be corrupt.
 *
 * Some corrupt files are built with a valid SHA-256 on purpose (the test
 * computes it), so the structural checks behind the checksum are reached.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/xalloc.h"
#include "ipmi/sdr-cache.h"
#include "runner.h"

#define MAGIC "bmctop-sdr-cache 1\n"

static char *cache_path(const char *name)
{
	return xasprintf("%s/%s", test_tmpdir(), name);
}

static void write_bytes(const char *path, const uint8_t *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ASSERT(fd >= 0);
	ASSERT_EQ(write(fd, p, n), (long long)n);
	close(fd);
}

static uint8_t *read_bytes(const char *path, size_t *n)
{
	struct stat st;
	uint8_t *p;
	int fd = open(path, O_RDONLY);

	ASSERT(fd >= 0);
	ASSERT_EQ(fstat(fd, &st), 0);
	p = xmalloc((size_t)st.st_size + 1);
	ASSERT_EQ(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	*n = (size_t)st.st_size;
	return p;
}

/* Three records of different sizes, the largest at the 260-byte limit. */
static void fill(struct sdr_cache *c)
{
	uint8_t rec[260];

	memset(c, 0, sizeof(*c));
	c->add_timestamp = 0x60000001;
	c->erase_timestamp = 0x5FFFFFFF;
	for (size_t i = 0; i < sizeof(rec); i++)
		rec[i] = (uint8_t)(i * 7);
	sdr_cache_add(c, rec, 5);
	sdr_cache_add(c, rec, 56);
	sdr_cache_add(c, rec, 260);
}

static int load_ok(const char *path, struct sdr_cache *c)
{
	int rc = sdr_cache_load(path, c);

	if (rc == 0)
		sdr_cache_free(c);
	return rc;
}

/* A file from body bytes plus a correct SHA-256 of them. */
static void write_signed(const char *path, const uint8_t *body, size_t n)
{
	uint8_t *p = xmalloc(n + 32);
	unsigned int mdlen = 0;

	memcpy(p, body, n);
	ASSERT_EQ(EVP_Digest(body, n, p + n, &mdlen, EVP_sha256(), NULL), 1);
	write_bytes(path, p, n + 32);
	free(p);
}

/* Header bytes: magic, two timestamps, record count. */
static size_t header(uint8_t *p, uint32_t nrecords)
{
	size_t m = strlen(MAGIC);

	memcpy(p, MAGIC, m);
	memset(p + m, 0, 8);
	p[m + 8] = (uint8_t)nrecords;
	p[m + 9] = (uint8_t)(nrecords >> 8);
	p[m + 10] = (uint8_t)(nrecords >> 16);
	p[m + 11] = (uint8_t)(nrecords >> 24);
	return m + 12;
}

TEST(sdr_cache_round_trip)
{
	char *path = cache_path("bmc1.sdr");
	char *tmp = xasprintf("%s.tmp", path);
	struct sdr_cache c, back;
	struct stat st;

	fill(&c);
	ASSERT_EQ(sdr_cache_save(path, &c), 0);
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0600);
	ASSERT(access(tmp, F_OK) != 0);
	ASSERT_EQ(sdr_cache_load(path, &back), 0);
	ASSERT_EQ(back.add_timestamp, 0x60000001);
	ASSERT_EQ(back.erase_timestamp, 0x5FFFFFFF);
	ASSERT_EQ(back.nrecords, 3);
	for (size_t i = 0; i < 3; i++) {
		ASSERT_EQ(back.lengths[i], c.lengths[i]);
		ASSERT_MEMEQ(back.records[i], c.records[i], c.lengths[i]);
	}
	sdr_cache_free(&back);
	ASSERT_EQ(back.nrecords, 0);
	ASSERT(back.records == NULL);

	/* An empty cache is a valid cache. */
	sdr_cache_free(&c);
	ASSERT_EQ(sdr_cache_save(path, &c), 0);
	ASSERT_EQ(sdr_cache_load(path, &back), 0);
	ASSERT_EQ(back.nrecords, 0);
	sdr_cache_free(&back);
	free(tmp);
	free(path);
}

TEST(sdr_cache_replaces_with_0600)
{
	char *path = cache_path("bmc2.sdr");
	char *tmp = xasprintf("%s.tmp", path);
	struct sdr_cache c;
	struct stat st;

	write_bytes(path, (const uint8_t *)"old", 3);
	ASSERT_EQ(chmod(path, 0644), 0);
	write_bytes(tmp, (const uint8_t *)"stale", 5);
	ASSERT_EQ(chmod(tmp, 0666), 0);
	fill(&c);
	ASSERT_EQ(sdr_cache_save(path, &c), 0);
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0600);
	ASSERT_EQ(load_ok(path, &c), 0);
	free(tmp);
	free(path);
}

TEST(sdr_cache_missing)
{
	char *path = cache_path("nothing.sdr");
	struct sdr_cache c;

	ASSERT_EQ(sdr_cache_load(path, &c), -ENOENT);
	ASSERT_EQ(c.nrecords, 0);
	free(path);
}

TEST(sdr_cache_corrupt_byte)
{
	char *path = cache_path("bmc3.sdr");
	struct sdr_cache c;
	uint8_t *img;
	size_t n;

	fill(&c);
	ASSERT_EQ(sdr_cache_save(path, &c), 0);
	sdr_cache_free(&c);
	img = read_bytes(path, &n);
	/* Any single flipped bit anywhere is caught. */
	for (size_t i = 0; i < n; i += 7) {
		img[i] ^= 0x10;
		write_bytes(path, img, n);
		ASSERT_EQ(load_ok(path, &c), -EINVAL);
		ASSERT_EQ(c.nrecords, 0);
		img[i] ^= 0x10;
	}
	write_bytes(path, img, n);
	ASSERT_EQ(load_ok(path, &c), 0);
	free(img);
	free(path);
}

TEST(sdr_cache_truncated_and_trailing)
{
	char *path = cache_path("bmc4.sdr");
	struct sdr_cache c;
	uint8_t *img;
	size_t n;

	fill(&c);
	ASSERT_EQ(sdr_cache_save(path, &c), 0);
	sdr_cache_free(&c);
	img = read_bytes(path, &n);
	for (size_t len = 0; len < n; len++) {
		write_bytes(path, img, len);
		ASSERT_EQ(load_ok(path, &c), -EINVAL);
	}
	img = xrealloc(img, n + 1);
	img[n] = '\n';
	write_bytes(path, img, n + 1);
	ASSERT_EQ(load_ok(path, &c), -EINVAL);
	free(img);
	free(path);
}

TEST(sdr_cache_structure_behind_checksum)
{
	char *path = cache_path("bmc5.sdr");
	struct sdr_cache c;
	uint8_t body[64 + 2 + 261];
	size_t n;

	/* Right checksum, wrong magic. */
	n = header(body, 0);
	body[0] = 'B';
	write_signed(path, body, n);
	ASSERT_EQ(load_ok(path, &c), -EINVAL);

	/* A record of 261 bytes. */
	n = header(body, 1);
	body[n++] = 0x05;
	body[n++] = 0x01;
	memset(body + n, 0xAA, 261);
	write_signed(path, body, n + 261);
	ASSERT_EQ(load_ok(path, &c), -EINVAL);
	/* The same at 260 is fine. */
	body[n - 2] = 0x04;
	write_signed(path, body, n + 260);
	ASSERT_EQ(load_ok(path, &c), 0);

	/* A record shorter than an SDR header. */
	n = header(body, 1);
	body[n++] = 0x04;
	body[n++] = 0x00;
	write_signed(path, body, n + 4);
	ASSERT_EQ(load_ok(path, &c), -EINVAL);

	/* More records claimed than present, and too many to be real. */
	n = header(body, 2);
	body[n++] = 0x05;
	body[n++] = 0x00;
	write_signed(path, body, n + 5);
	ASSERT_EQ(load_ok(path, &c), -EINVAL);
	n = header(body, 65536);
	write_signed(path, body, n);
	ASSERT_EQ(load_ok(path, &c), -EINVAL);

	/* Bytes after the last record, inside the checksum. */
	n = header(body, 1);
	body[n++] = 0x05;
	body[n++] = 0x00;
	write_signed(path, body, n + 5 + 1);
	ASSERT_EQ(load_ok(path, &c), -EINVAL);
	write_signed(path, body, n + 5);
	ASSERT_EQ(load_ok(path, &c), 0);
	free(path);
}

TEST(sdr_cache_save_refuses_bad_records)
{
	char *path = cache_path("bmc6.sdr");
	uint8_t rec[261] = {0};
	struct sdr_cache c;

	memset(&c, 0, sizeof(c));
	sdr_cache_add(&c, rec, sizeof(rec));
	ASSERT_EQ(sdr_cache_save(path, &c), -EINVAL);
	ASSERT(access(path, F_OK) != 0);
	sdr_cache_free(&c);
	sdr_cache_add(&c, rec, 4);
	ASSERT_EQ(sdr_cache_save(path, &c), -EINVAL);
	sdr_cache_free(&c);
	ASSERT_EQ(sdr_cache_save("/nonexistent-dir/x.sdr", &c), -ENOENT);
	free(path);
}
