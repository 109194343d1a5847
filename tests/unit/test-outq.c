/*
 * test-outq.c - core/outq.c against a socket pair whose far end reads only
 * when the test says: high water, low water, the limit, draining, a
 * broken peer, and closing with writes in flight.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "core/outq.h"
#include "runner.h"

#define CHUNK 65536
#define LOW   (64 * 1024)
#define HIGH  (256 * 1024)
#define LIMIT (4 * 1024 * 1024)

struct seen {
	int full, not_full, drained, failed, status;
};

static void on_flow(struct outq *q, int full)
{
	struct seen *s = q->data;

	if (full)
		s->full++;
	else
		s->not_full++;
}

static void on_drained(struct outq *q)
{
	((struct seen *)q->data)->drained++;
}

static void on_failed(struct outq *q, int status)
{
	struct seen *s = q->data;

	s->failed++;
	s->status = status;
}

static const struct outq_ops ops = {on_flow, on_drained, on_failed};

struct rig {
	uv_loop_t loop;
	uv_pipe_t pipe;
	int peer;
	struct outq q;
	struct seen seen;
};

static void rig_open(struct rig *r)
{
	int sv[2];

	memset(r, 0, sizeof(*r));
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	ASSERT_EQ(uv_loop_init(&r->loop), 0);
	ASSERT_EQ(uv_pipe_init(&r->loop, &r->pipe, 0), 0);
	ASSERT_EQ(uv_pipe_open(&r->pipe, sv[0]), 0);
	r->peer = sv[1];
	outq_init(&r->q, (uv_stream_t *)&r->pipe, &ops, LOW, HIGH, LIMIT, &r->seen);
}

static void rig_close(struct rig *r)
{
	outq_close(&r->q);
	uv_close((uv_handle_t *)&r->pipe, NULL);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	ASSERT_EQ(uv_loop_close(&r->loop), 0);
	if (r->peer >= 0)
		close(r->peer);
}

/* Fill until the queue says full; returns the bytes written. */
static size_t fill(struct rig *r, uint8_t *next)
{
	uint8_t buf[CHUNK];
	size_t total = 0;

	for (int i = 0; i < 1000 && !outq_full(&r->q); i++) {
		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = (*next)++;
		ASSERT_EQ(outq_write(&r->q, buf, sizeof(buf)), 0);
		total += sizeof(buf);
	}
	return total;
}

TEST(outq_high_water_then_low_water_then_drained)
{
	struct rig r;
	uint8_t next = 0, expect = 0, buf[CHUNK];
	size_t sent, got = 0;

	rig_open(&r);
	sent = fill(&r, &next);
	ASSERT(outq_full(&r.q));
	ASSERT_EQ(r.seen.full, 1);
	ASSERT(outq_queued(&r.q) > HIGH);
	ASSERT(outq_queued(&r.q) < sent); /* the kernel took the first bytes at once */
	/* The far end reads; the loop completes writes as room appears. */
	for (int i = 0; i < 100000 && r.seen.drained == 0; i++) {
		ssize_t n = read(r.peer, buf, sizeof(buf));

		for (ssize_t k = 0; k < n; k++)
			ASSERT_EQ(buf[k], expect++);
		if (n > 0)
			got += (size_t)n;
		uv_run(&r.loop, UV_RUN_NOWAIT);
	}
	ASSERT_EQ(r.seen.drained, 1);
	ASSERT_EQ(r.seen.not_full, 1);
	ASSERT_EQ(r.seen.full, 1);
	ASSERT_EQ(outq_queued(&r.q), 0);
	ASSERT(!outq_full(&r.q));
	ASSERT_EQ(r.seen.failed, 0);
	rig_close(&r);
}

TEST(outq_refuses_past_the_limit)
{
	struct rig r;
	static uint8_t big[LIMIT];
	size_t queued;

	rig_open(&r);
	ASSERT_EQ(outq_write(&r.q, big, sizeof(big)), 0);
	queued = outq_queued(&r.q);
	ASSERT(queued > 0);
	ASSERT_EQ(outq_write(&r.q, big, LIMIT - queued + 1), UV_ENOBUFS);
	ASSERT_EQ(outq_queued(&r.q), queued);
	ASSERT_EQ(r.seen.full, 1);
	rig_close(&r);
	ASSERT_EQ(r.seen.failed, 0); /* closing cancels quietly */
	ASSERT_EQ(r.seen.drained, 0);
}

TEST(outq_tells_a_broken_peer_once)
{
	struct rig r;
	uint8_t next = 0;

	rig_open(&r);
	fill(&r, &next);
	close(r.peer);
	r.peer = -1;
	for (int i = 0; i < 1000 && r.seen.failed == 0; i++)
		uv_run(&r.loop, UV_RUN_NOWAIT);
	ASSERT_EQ(r.seen.failed, 1);
	ASSERT(r.seen.status < 0 && r.seen.status != UV_ECANCELED);
	ASSERT_EQ(outq_write(&r.q, "x", 1), r.seen.status);
	rig_close(&r);
	ASSERT_EQ(r.seen.failed, 1);
}

TEST(outq_after_close_writes_nothing)
{
	struct rig r;

	rig_open(&r);
	outq_close(&r.q);
	ASSERT_EQ(outq_write(&r.q, "x", 1), UV_ECANCELED);
	rig_close(&r);
}
