/*
 * core/sched.c - when each host is polled.
 *
 * Every host has a timer for its next poll.  When it fires the host joins a
 * FIFO queue, and the queue drains while fewer polls are running than the
 * cap (core/inflight.h: max-in-flight, or one that grows while hosts wait for a
 * slot), so ten thousand hosts never mean ten thousand simultaneous
 * sessions.  Hosts whose last poll timed out queue apart with an eighth of
 * that budget (on top of it), so dead BMCs cannot hold the slots the live
 * ones need to be polled every interval.  A poll is due an interval after
 * the last one was due (not after it ended), spread by jitter so
 * that a fleet started together does not stay in lock step; failures double
 * it up to backoff_max.  A rejected password parks the host: BMCs lock
 * accounts after a few bad logins, so a parked host is never retried until
 * someone asks (sched_poll_now).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/engine.h"
#include "core/xalloc.h"

static uint64_t rng_next(struct bmc_engine *e)
{
	/* xorshift64*: enough to spread timers, and reproducible in tests. */
	uint64_t x = e->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	e->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static double rng_unit(struct bmc_engine *e)
{
	return (double)(rng_next(e) >> 11) / (double)(1ULL << 53);
}

static void rng_seed(struct bmc_engine *e)
{
	uint64_t seed = e->sched_opts.seed;

	if (seed == 0 && getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
		seed = (uint64_t)engine_wall_ms();
	e->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
}

uint64_t sched_next_delay(struct bmc_engine *e, struct bmc_host *h, int status)
{
	uint64_t base = h->cfg->interval_ms;
	uint64_t cap = e->sched_opts.backoff_max_ms > base ? e->sched_opts.backoff_max_ms : base;
	uint64_t delay = base;
	double spread;

	if (status != 0 && h->sched.failures > 1) {
		unsigned shift = h->sched.failures - 1;

		delay = shift >= 20 || (base << shift) > cap ? cap : base << shift;
	}
	spread = e->sched_opts.jitter * (2.0 * rng_unit(e) - 1.0);
	delay = (uint64_t)((double)delay * (1.0 + spread));
	return delay ? delay : 1;
}

static void push(struct bmc_host **head, struct bmc_host **tail, struct bmc_host *h)
{
	h->sched.state = SCH_QUEUED;
	h->sched.queued_ms = uv_now(h->engine->loop);
	h->sched.queue_next = NULL;
	if (*tail != NULL)
		(*tail)->sched.queue_next = h;
	else
		*head = h;
	*tail = h;
}

static struct bmc_host *pop(struct bmc_host **head, struct bmc_host **tail)
{
	struct bmc_host *h = *head;

	if (h != NULL) {
		*head = h->sched.queue_next;
		if (*head == NULL)
			*tail = NULL;
		h->sched.queue_next = NULL;
	}
	return h;
}

/*
 * A host whose last poll went unanswered waits in a queue of its own: a
 * dead BMC holds its slot for timeout x retries, and five hundred of them
 * in the main queue would leave the live ones waiting past their interval.
 */
static void enqueue(struct bmc_host *h)
{
	struct bmc_engine *e = h->engine;

	if (h->sched.unanswered)
		push(&e->slow_head, &e->slow_tail, h);
	else
		push(&e->queue_head, &e->queue_tail, h);
}

/* Someone asked for this host: it goes with the answering ones. */
static void enqueue_now(struct bmc_host *h)
{
	push(&h->engine->queue_head, &h->engine->queue_tail, h);
}

/* An eighth of the cap, on top of it, for hosts that did not answer. */
static unsigned slow_budget(const struct bmc_engine *e)
{
	unsigned n = e->cap.limit / 8;

	return n ? n : 1;
}

static void dispatch(struct bmc_engine *e);

static void on_timer(uv_timer_t *t)
{
	struct bmc_host *h = t->data;

	if (!h->engine->polling || h->sched.state != SCH_WAITING)
		return;
	/* A command of the user's (power, boot) had its login refused while
	 * this host waited: park it, rather than poll once more with the
	 * password the BMC just refused. */
	if (h->state == HOST_PARKED && h->last_status == BMC_EAUTH) {
		h->sched.state = SCH_PARKED;
		return;
	}
	enqueue(h);
	dispatch(h->engine);
}

/*
 * The next poll is due next_delay_ms after this one was due, not after it
 * ended: a poll that took 3 s on a lossy link, or waited for a slot, does not
 * stretch a 30 s interval to 33 s.  A poll that ran longer than the interval
 * still leaves the BMC a quarter of it before the next.
 */
static uint64_t time_to_next(const struct bmc_engine *e, const struct bmc_host *h)
{
	uint64_t due = h->sched.queued_ms + h->sched.next_delay_ms, now = uv_now(e->loop);
	uint64_t floor = h->sched.next_delay_ms / 4 ? h->sched.next_delay_ms / 4 : 1;

	return due > now + floor ? due - now : floor;
}

static void poll_finished(struct bmc_host *h, int status)
{
	struct bmc_engine *e = h->engine;

	e->in_flight--;
	if (h->sched.ran_apart) {
		h->sched.ran_apart = 0;
		e->slow_in_flight--;
	}
	if (h->sched.in_sweep) {
		h->sched.in_sweep = 0;
		e->sweep_left--;
	}
	if (status == BMC_ECANCELED || e->closing) {
		h->sched.state = SCH_IDLE;
		return;
	}
	/* Only silence moves a host apart: a BMC that answers, even with an
	 * error, gives its slot back quickly. */
	h->sched.unanswered = status == BMC_ETIMEDOUT;
	if (status == 0) {
		h->sched.failures = 0;
		host_clear_error(h);
		host_changed(h, CHANGED_STATE);
	} else {
		h->sched.failures++;
		if (h->last_status != status || h->error == NULL)
			host_set_error(h, status, "%s", bmc_strerror(status));
	}
	if (status == BMC_EAUTH) {
		h->sched.state = SCH_PARKED;
		h->state = HOST_PARKED;
		host_changed(h, CHANGED_STATE);
		return;
	}
	if (!e->polling) {
		h->sched.state = SCH_IDLE;
		return;
	}
	if (h->sched.poll_requested) {
		h->sched.poll_requested = 0;
		enqueue_now(h);
		return;
	}
	h->sched.next_delay_ms = sched_next_delay(e, h, status);
	h->sched.state = SCH_WAITING;
	uv_timer_start(&h->sched.timer, on_timer, time_to_next(e, h), 0);
}

static void check_sweep(struct bmc_engine *e)
{
	if (e->sweep_done != NULL && e->sweep_left == 0) {
		void (*done)(struct bmc_engine *) = e->sweep_done;

		e->sweep_done = NULL;
		done(e);
	}
}

static void on_poll_done(struct bmc_host *h, int status, void *arg)
{
	struct bmc_engine *e = h->engine;

	poll_finished(h, status);
	dispatch(e);
	check_sweep(e);
}

/* The next host to poll, answering hosts first; NULL when none may start. */
static struct bmc_host *next_host(struct bmc_engine *e)
{
	struct bmc_host *h;
	uint64_t now = uv_now(e->loop);

	if (e->queue_head != NULL && e->in_flight - e->slow_in_flight >= e->cap.limit)
		inflight_cap_wait(&e->cap, now - e->queue_head->sched.queued_ms, now);
	if (e->in_flight - e->slow_in_flight < e->cap.limit) {
		h = pop(&e->queue_head, &e->queue_tail);
		if (h != NULL)
			return h;
	}
	if (e->slow_in_flight < slow_budget(e) &&
	    e->in_flight < e->cap.limit + slow_budget(e)) {
		h = pop(&e->slow_head, &e->slow_tail);
		if (h != NULL) {
			h->sched.ran_apart = 1;
			e->slow_in_flight++;
		}
		return h;
	}
	return NULL;
}

/* The cap is set up on first use (a limit of 0): tests change sched_opts
 * after engine_init. */
static void cap_ready(struct bmc_engine *e)
{
	if (e->cap.limit == 0)
		inflight_cap_init(&e->cap, e->sched_opts.max_in_flight, uv_now(e->loop));
}

static void dispatch(struct bmc_engine *e)
{
	static int dispatching;

	cap_ready(e);
	/* A poll that fails at once re-enters here through poll_finished. */
	if (dispatching)
		return;
	dispatching = 1;
	while (!e->closing) {
		struct bmc_host *h = next_host(e);
		int rc;

		if (h == NULL)
			break;
		h->sched.state = SCH_RUNNING;
		e->in_flight++;
		if (e->in_flight > e->peak_in_flight)
			e->peak_in_flight = e->in_flight;
		/* Inventory rarely changes: read it until one poll got it. */
		rc = engine_poll(h, e->sched_opts.what | (h->ninventory ? 0 : POLL_INVENTORY),
				 on_poll_done, NULL);
		if (rc != 0)
			poll_finished(h, rc);
	}
	inflight_cap_note(&e->cap, e->in_flight, e->queue_head != NULL, uv_now(e->loop));
	dispatching = 0;
}

void sched_start(struct bmc_engine *e)
{
	size_t i;

	rng_seed(e);
	e->polling = 1;
	for (i = 0; i < e->nhosts; i++) {
		struct bmc_host *h = &e->hosts[i];

		if (h->backend == NULL || h->sched.state != SCH_IDLE)
			continue;
		enqueue(h);
	}
	dispatch(e);
}

void sched_stop(struct bmc_engine *e)
{
	size_t i;

	e->polling = 0;
	for (i = 0; i < e->nhosts; i++) {
		struct bmc_host *h = &e->hosts[i];

		if (h->sched.state == SCH_WAITING || h->sched.state == SCH_QUEUED) {
			uv_timer_stop(&h->sched.timer);
			h->sched.state = SCH_IDLE;
		}
		h->sched.queue_next = NULL;
	}
	e->queue_head = e->queue_tail = NULL;
	e->slow_head = e->slow_tail = NULL;
}

void sched_poll_now(struct bmc_host *h)
{
	struct bmc_engine *e = h->engine;

	if (h->backend == NULL || e->closing)
		return;
	switch (h->sched.state) {
	case SCH_RUNNING:
		h->sched.poll_requested = 1;
		return;
	case SCH_QUEUED:
		return;
	case SCH_PARKED:
		h->sched.failures = 0;
		h->state = HOST_NEW;
		host_changed(h, CHANGED_STATE);
		break;
	case SCH_WAITING:
		uv_timer_stop(&h->sched.timer);
		break;
	case SCH_IDLE:
		break;
	}
	enqueue_now(h);
	dispatch(e);
}

void sched_sweep(struct bmc_engine *e, struct bmc_host **hosts, size_t n,
		 void (*done)(struct bmc_engine *e))
{
	size_t i;

	e->sweep_done = done;
	e->sweep_left = 0;
	for (i = 0; i < n; i++) {
		struct bmc_host *h = hosts[i];

		if (h->backend == NULL || h->sched.state != SCH_IDLE)
			continue;
		h->sched.in_sweep = 1;
		e->sweep_left++;
		enqueue(h);
	}
	dispatch(e);
	check_sweep(e);
}
