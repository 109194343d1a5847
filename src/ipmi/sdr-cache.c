/*
 * ipmi/sdr-cache.c - the on-disk SDR cache file.
 *
 * Layout, all integers little-endian:
 *
 *	"bmctop-sdr-cache 1\n"		magic and format version
 *	u32 add_timestamp, u32 erase_timestamp, u32 nrecords
 *	nrecords x (u16 length, length bytes of record)
 *	SHA-256 of everything above
 *
 * The file is only ever a copy of what the BMC can resend, so anything
 * doubtful is -EINVAL and the caller rebuilds: the checksum catches torn
 * or edited files, which is why saving skips fsync().  Saves go through
 * core/state-file.c: queued and written in the thread pool while an engine
 * runs, so a sweep does not stop for ten thousand renames.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/state-file.h"
#include "core/xalloc.h"
#include "ipmi/sdr-cache.h"

#define CACHE_MAGIC	  "bmctop-sdr-cache 1\n"
#define CACHE_MAGIC_LEN	  (sizeof(CACHE_MAGIC) - 1)
#define CACHE_DIGEST_LEN  32
#define CACHE_MAX_RECORDS 65535
#define CACHE_MIN_RECORD  5	    /* the SDR record header */
#define CACHE_MAX_RECORD  (255 + 5) /* header plus a one-byte length's worth */
#define CACHE_HEAD_LEN	  (CACHE_MAGIC_LEN + 12)
#define CACHE_MAX_FILE                                                                             \
	(CACHE_HEAD_LEN + (size_t)CACHE_MAX_RECORDS * (2 + CACHE_MAX_RECORD) + CACHE_DIGEST_LEN)

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int digest(const uint8_t *p, size_t n, uint8_t md[CACHE_DIGEST_LEN])
{
	unsigned int mdlen = 0;

	if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != CACHE_DIGEST_LEN)
		return -EIO;
	return 0;
}

void sdr_cache_add(struct sdr_cache *c, const uint8_t *rec, size_t len)
{
	uint8_t *copy = xmalloc(len ? len : 1);

	memcpy(copy, rec, len);
	c->records = xreallocarray(c->records, c->nrecords + 1, sizeof(*c->records));
	c->lengths = xreallocarray(c->lengths, c->nrecords + 1, sizeof(*c->lengths));
	c->records[c->nrecords] = copy;
	c->lengths[c->nrecords] = len;
	c->nrecords++;
}

void sdr_cache_free(struct sdr_cache *c)
{
	for (size_t i = 0; i < c->nrecords; i++)
		free(c->records[i]);
	free(c->records);
	free(c->lengths);
	memset(c, 0, sizeof(*c));
}

/* Read the whole file; -ENOENT, -errno, or -EINVAL when it cannot be a cache. */
static int read_file(const char *path, uint8_t **data, size_t *len)
{
	int err = state_file_read(path, CACHE_MAX_FILE, data, len);

	return err == -EFBIG ? -EINVAL : err;
}

static int parse_cache(const uint8_t *p, size_t len, struct sdr_cache *c)
{
	uint8_t md[CACHE_DIGEST_LEN];
	size_t body, pos, nrecords;

	if (len < CACHE_HEAD_LEN + CACHE_DIGEST_LEN || memcmp(p, CACHE_MAGIC, CACHE_MAGIC_LEN) != 0)
		return -EINVAL;
	body = len - CACHE_DIGEST_LEN;
	if (digest(p, body, md) != 0 || memcmp(md, p + body, CACHE_DIGEST_LEN) != 0)
		return -EINVAL;
	c->add_timestamp = get_le32(p + CACHE_MAGIC_LEN);
	c->erase_timestamp = get_le32(p + CACHE_MAGIC_LEN + 4);
	nrecords = get_le32(p + CACHE_MAGIC_LEN + 8);
	if (nrecords > CACHE_MAX_RECORDS)
		return -EINVAL;
	pos = CACHE_HEAD_LEN;
	for (size_t i = 0; i < nrecords; i++) {
		size_t rlen;

		if (body - pos < 2)
			return -EINVAL;
		rlen = (size_t)p[pos] | (size_t)p[pos + 1] << 8;
		pos += 2;
		if (rlen < CACHE_MIN_RECORD || rlen > CACHE_MAX_RECORD || rlen > body - pos)
			return -EINVAL;
		sdr_cache_add(c, p + pos, rlen);
		pos += rlen;
	}
	return pos == body ? 0 : -EINVAL;
}

int sdr_cache_load(const char *path, struct sdr_cache *c)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int err;

	memset(c, 0, sizeof(*c));
	/* A save still queued is newer than the file. */
	data = state_file_pending(path, &len);
	if (data == NULL) {
		err = read_file(path, &data, &len);
		if (err != 0)
			return err;
	}
	err = parse_cache(data, len, c);
	free(data);
	if (err != 0)
		sdr_cache_free(c);
	return err;
}

/* The image save writes; -EINVAL when load would refuse it. */
static int build_image(const struct sdr_cache *c, uint8_t **image, size_t *len)
{
	size_t total = CACHE_HEAD_LEN + CACHE_DIGEST_LEN, pos;
	uint8_t *p;
	int err;

	if (c->nrecords > CACHE_MAX_RECORDS)
		return -EINVAL;
	for (size_t i = 0; i < c->nrecords; i++) {
		if (c->lengths[i] < CACHE_MIN_RECORD || c->lengths[i] > CACHE_MAX_RECORD)
			return -EINVAL;
		total += 2 + c->lengths[i];
	}
	p = xmalloc(total);
	memcpy(p, CACHE_MAGIC, CACHE_MAGIC_LEN);
	put_le32(p + CACHE_MAGIC_LEN, c->add_timestamp);
	put_le32(p + CACHE_MAGIC_LEN + 4, c->erase_timestamp);
	put_le32(p + CACHE_MAGIC_LEN + 8, (uint32_t)c->nrecords);
	pos = CACHE_HEAD_LEN;
	for (size_t i = 0; i < c->nrecords; i++) {
		p[pos] = (uint8_t)(c->lengths[i] & 0xFF);
		p[pos + 1] = (uint8_t)(c->lengths[i] >> 8);
		memcpy(p + pos + 2, c->records[i], c->lengths[i]);
		pos += 2 + c->lengths[i];
	}
	err = digest(p, pos, p + pos);
	if (err != 0) {
		free(p);
		return err;
	}
	*image = p;
	*len = total;
	return 0;
}

int sdr_cache_save(const char *path, const struct sdr_cache *c)
{
	uint8_t *image;
	size_t len;
	int err;

	err = build_image(c, &image, &len);
	if (err != 0)
		return err;
	return state_file_write(xstrdup(path), image, len);
}
