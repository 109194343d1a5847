/*
 * core/outq.c - bytes toward a uv_stream_t, with backpressure: the count
 * of bytes in flight, the high and low water marks, the hard limit.
 *
 * The counter covers only what waits in libuv's queue: what uv_try_write
 * handed to the kernel at once never counts, so a peer that reads keeps
 * the queue at zero and costs no copies.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/outq.h"
#include "core/xalloc.h"

struct outq_write {
	uv_write_t req;
	struct outq *q;
	size_t len;
	char data[];
};

void outq_init(struct outq *q, uv_stream_t *stream, const struct outq_ops *ops, size_t low,
	       size_t high, size_t limit, void *data)
{
	memset(q, 0, sizeof(*q));
	q->stream = stream;
	q->ops = ops;
	q->low = low;
	q->high = high;
	q->limit = limit;
	q->data = data;
}

static void on_written(uv_write_t *req, int status)
{
	struct outq_write *w = (struct outq_write *)req;
	struct outq *q = w->q;

	q->queued -= w->len;
	free(w);
	if (q->closed)
		return;
	if (status < 0) {
		if (status == UV_ECANCELED || q->error != 0)
			return;
		q->error = status;
		if (q->ops->failed != NULL)
			q->ops->failed(q, status);
		return;
	}
	if (q->full && q->queued < q->low) {
		q->full = 0;
		if (q->ops->flow != NULL)
			q->ops->flow(q, 0);
		if (q->closed)
			return;
	}
	if (q->queued == 0 && q->ops->drained != NULL)
		q->ops->drained(q);
}

int outq_write(struct outq *q, const void *buf, size_t len)
{
	const char *p = buf;
	struct outq_write *w;
	uv_buf_t b;
	int rc;

	if (q->closed)
		return UV_ECANCELED;
	if (q->error != 0)
		return q->error;
	if (len == 0)
		return 0;
	if (q->queued + len > q->limit)
		return UV_ENOBUFS;
	if (q->queued == 0) {
		b = uv_buf_init((char *)p, (unsigned)len);
		rc = uv_try_write(q->stream, &b, 1);
		if (rc > 0) {
			p += rc;
			len -= (size_t)rc;
			if (len == 0)
				return 0;
		}
	}
	w = xmalloc(sizeof(*w) + len);
	memcpy(w->data, p, len);
	w->q = q;
	w->len = len;
	b = uv_buf_init(w->data, (unsigned)len);
	rc = uv_write(&w->req, q->stream, &b, 1, on_written);
	if (rc != 0) {
		free(w);
		return rc;
	}
	q->queued += len;
	if (!q->full && q->queued > q->high) {
		q->full = 1;
		if (q->ops->flow != NULL)
			q->ops->flow(q, 1);
	}
	return 0;
}

size_t outq_queued(const struct outq *q)
{
	return q->queued;
}

int outq_full(const struct outq *q)
{
	return q->full;
}

void outq_close(struct outq *q)
{
	q->closed = 1;
}
