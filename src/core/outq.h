/*
 * core/outq.h - bytes toward a uv_stream_t, with backpressure.
 *
 * Every queue toward a peer has a high-water mark (HACKING, "Security
 * rules"): over it, the owner stops reading what feeds the queue; under
 * the low-water mark it reads again.  An outq counts the bytes of its
 * writes that libuv has not completed, tells its owner when that count
 * crosses high water going up and low water going down, refuses a write
 * past a hard limit, and tells when nothing is left in flight.
 *
 * A write goes to the kernel at once when nothing waits before it
 * (uv_try_write): only what the kernel did not take is copied and queued.
 * Each queued write frees itself in its callback, canceled ones too, so
 * closing the stream frees everything: the outq itself must live until
 * the stream's close callback, which libuv runs after every write's.
 */
#ifndef BMCTOP_CORE_OUTQ_H
#define BMCTOP_CORE_OUTQ_H

#include <stddef.h>
#include <uv.h>

struct outq;

/* What an outq tells its owner; any may be NULL.  None is called from
 * inside outq_write() but flow (going full), nor after outq_close(). */
struct outq_ops {
	/* Over high water (full 1): stop reading what feeds the queue; back
	 * under low water (full 0): read again. */
	void (*flow)(struct outq *q, int full);
	/* The last write in flight has completed. */
	void (*drained)(struct outq *q);
	/* A write failed (a libuv error, never UV_ECANCELED): the stream is
	 * broken.  Told once; later writes return the same error. */
	void (*failed)(struct outq *q, int status);
};

struct outq {
	uv_stream_t *stream;
	const struct outq_ops *ops;
	void *data; /* the owner's */
	size_t low, high, limit;
	size_t queued;	 /* bytes in writes not yet completed */
	int full;	 /* went over high water, not yet back under low water */
	int error;	 /* the first failure, or 0 */
	int closed;	 /* outq_close() was called */
};

/* Start a queue on stream, which must be open (initialised) already. */
void outq_init(struct outq *q, uv_stream_t *stream, const struct outq_ops *ops, size_t low,
	       size_t high, size_t limit, void *data);
/*
 * Send len bytes of buf (copied if they must wait).  0, or a negative
 * libuv error: UV_ENOBUFS past the limit and UV_ECANCELED after
 * outq_close() (nothing sent), the stream's error once it failed, or what
 * uv_write() said (some bytes may have gone: close the stream).
 */
int outq_write(struct outq *q, const void *buf, size_t len);
size_t outq_queued(const struct outq *q);
int outq_full(const struct outq *q);
/* The owner closes the stream: no more callbacks; writes in flight end
 * with UV_ECANCELED when libuv closes it, and free themselves. */
void outq_close(struct outq *q);

#endif
