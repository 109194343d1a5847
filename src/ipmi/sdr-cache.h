/*
 * ipmi/sdr-cache.h - the on-disk SDR cache, one file per BMC.
 *
 * Reading a BMC's SDR repository takes dozens of round trips; the cache
 * keeps the raw records with the repository's add and erase timestamps, so
 * a later run reads them back after one Get SDR Repository Info.  A file
 * whose checksum, version or structure is wrong is reported as corrupt and
 * rebuilt by the caller.  Files are written atomically and 0600.
 */
#ifndef BMCTOP_IPMI_SDR_CACHE_H
#define BMCTOP_IPMI_SDR_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct sdr_cache {
	uint32_t add_timestamp;
	uint32_t erase_timestamp;
	size_t nrecords;
	uint8_t **records;   /* each a malloc'd whole record, header included */
	size_t *lengths;
};

/* 0 loaded; -ENOENT no cache; -EINVAL corrupt (caller rebuilds). */
int sdr_cache_load(const char *path, struct sdr_cache *c);
/*
 * 0 or -errno.  Writes a mkstemp temporary then renames, later in the
 * thread pool while an engine runs (core/state-file.h); load sees a queued save
 * at once.  Neither follows a symbolic link at path.
 */
int sdr_cache_save(const char *path, const struct sdr_cache *c);
void sdr_cache_add(struct sdr_cache *c, const uint8_t *rec, size_t len);
void sdr_cache_free(struct sdr_cache *c);

#endif
