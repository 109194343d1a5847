/*
 * core/state-file.h - state files written off the hot path.
 *
 * A sweep of ten thousand BMCs learns ten thousand SDR caches and cipher
 * suites; writing each as it arrives costs an open, write, close and rename
 * on the event loop per host.  Writes are queued instead (a later write of
 * the same path replaces the queued one) and a batch goes to the libuv
 * thread pool a moment later; readers see queued data first, so a queued
 * file is as good as a written one.  Without an attached loop every write
 * is done at once, as before.
 */
#ifndef BMCTOP_STATE_FILE_H
#define BMCTOP_STATE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

/*
 * Write data (len bytes, ownership taken) to path atomically and 0600: a
 * temporary from mkstemp in the same directory, then rename, so a link at
 * path or at any temporary name is never written through.  Queued when a
 * loop is attached; 0 or -errno.
 */
int state_file_write(char *path, uint8_t *data, size_t len);
/* The same, at once on this thread (for a file whose errors the caller reports). */
int state_file_write_now(const char *path, const uint8_t *data, size_t len);
/* A copy of the queued contents of path, or NULL when none is queued. */
uint8_t *state_file_pending(const char *path, size_t *len);
/*
 * Read a state file whole: never through a link at path (-ELOOP), only a
 * regular file (-EINVAL), at most max bytes (-EFBIG).  *data is malloc'd
 * with a NUL after its *len bytes.  0 or -errno (-ENOENT: none).
 */
int state_file_read(const char *path, size_t max, uint8_t **data, size_t *len);

/*
 * Called before each batch and each flush: for writers that gather data
 * and write one file for many changes.  state_file_kick asks for a batch
 * soon (without a loop: runs the hooks and writes now).
 */
void state_file_add_hook(void (*hook)(void));
void state_file_kick(void);

/* Queue writes on loop from now on. */
void state_file_attach(uv_loop_t *loop);
/*
 * Write out everything queued and stop queueing; cb runs once nothing is
 * in flight (at once when nothing is).
 */
void state_file_detach(void (*cb)(void *arg), void *arg);
/* Write everything queued now, on this thread; the number of failures. */
int state_file_flush(void);

#endif
