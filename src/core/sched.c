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
 *
 * All of this is the scheduler's own (struct sched, one struct sched_host per
 * host at its index), made on the first sched_* call for an engine; the
 * engine only hears of it as an engine_hook, so it never calls in here.
 */
#include "config.h"

#include <stdlib.h>
#include <sys/random.h>

#include "core/engine.h"
#include "core/inflight.h"
#include "core/sched.h"
#include "core/xalloc.h"

/* Per host, at the host's index. */
struct sched_host {
	struct bmc_host *h;
	uv_timer_t timer;
	enum sched_state state;
	unsigned failures;
	uint64_t next_delay_ms; /* last delay chosen */
	struct sched_host *queue_next;
	int poll_requested; /* "poll now" while a poll was running */
	int in_sweep;	    /* counted by the current one-shot sweep */
	int unanswered;	    /* the last poll timed out: queued apart */
	int ran_apart;	    /* this poll counts against slow_in_flight */
	uint64_t queued_ms; /* when it joined a queue */
};

struct sched_queue {
	struct sched_host *head, *tail;
};

struct sched {
	struct bmc_engine *e;
	struct sched_options opts;
	struct sched_host *hosts; /* e->nhosts */
	struct sched_queue queue;
	/* Hosts whose last poll timed out, with a budget of their own. */
	struct sched_queue slow;
	struct inflight_cap cap; /* limit 0 until the scheduler first runs */
	unsigned slow_in_flight;
	unsigned in_flight;
	unsigned peak_in_flight;
	uint64_t rng; /* 0: not seeded yet */
	int polling;
	int dispatching;
	int timers_open; /* not when made during shutdown */
	size_t sweep_left;
	void (*sweep_done)(struct bmc_engine *e);
};

static void sched_closing(void *ctx, struct bmc_engine *e);
static void sched_free(void *ctx);

/* The engine's scheduler, made (idle, with the default options) on first use. */
static struct sched *sched_of(struct bmc_engine *e)
{
	struct engine_hook hook = { sched_closing, sched_free, NULL };
	struct sched *s = e->sched;
	size_t i;

	if (s != NULL)
		return s;
	s = xcalloc(1, sizeof *s);
	s->e = e;
	s->opts.max_in_flight = e->fleet->max_in_flight; /* 0: adaptive */
	s->opts.jitter = 0.1;
	s->opts.backoff_max_ms = 300000;
	s->opts.what = POLL_POWER | POLL_SENSORS | POLL_EVENTS;
	s->hosts = xcalloc(e->nhosts ? e->nhosts : 1, sizeof *s->hosts);
	s->timers_open = !e->closing;
	for (i = 0; i < e->nhosts; i++) {
		s->hosts[i].h = &e->hosts[i];
		if (s->timers_open)
			uv_timer_init(e->loop, &s->hosts[i].timer);
		s->hosts[i].timer.data = &s->hosts[i];
	}
	hook.ctx = s;
	engine_add_hook(e, &hook);
	e->sched = s;
	return s;
}

struct sched_options *sched_options(struct bmc_engine *e)
{
	return &sched_of(e)->opts;
}

static void rng_seed(struct sched *s)
{
	uint64_t seed = s->opts.seed;

	if (seed == 0 && getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
		seed = (uint64_t)engine_wall_ms();
	s->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
}

static uint64_t rng_next(struct sched *s)
{
	/* xorshift64*: enough to spread timers, and reproducible in tests. */
	uint64_t x;

	if (s->rng == 0)
		rng_seed(s);
	x = s->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static double rng_unit(struct sched *s)
{
	return (double)(rng_next(s) >> 11) / (double)(1ULL << 53);
}

uint64_t sched_next_delay(struct bmc_engine *e, const struct bmc_host *h, unsigned failures)
{
	struct sched *s = sched_of(e);
	uint64_t base = h->cfg->interval_ms;
	uint64_t cap = s->opts.backoff_max_ms > base ? s->opts.backoff_max_ms : base;
	uint64_t delay = base;
	double spread;

	if (failures > 1) {
		unsigned shift = failures - 1;

		delay = shift >= 20 || (base << shift) > cap ? cap : base << shift;
	}
	spread = s->opts.jitter * (2.0 * rng_unit(s) - 1.0);
	/* Divided by the bench-only clock scale (engine.h), else 1. */
	delay = (uint64_t)((double)delay * (1.0 + spread) / engine_clock_scale());
	return delay ? delay : 1;
}

static void push(struct sched *s, struct sched_queue *q, struct sched_host *sh)
{
	sh->state = SCH_QUEUED;
	sh->queued_ms = uv_now(s->e->loop);
	sh->queue_next = NULL;
	if (q->tail != NULL)
		q->tail->queue_next = sh;
	else
		q->head = sh;
	q->tail = sh;
}

static struct sched_host *pop(struct sched_queue *q)
{
	struct sched_host *sh = q->head;

	if (sh != NULL) {
		q->head = sh->queue_next;
		if (q->head == NULL)
			q->tail = NULL;
		sh->queue_next = NULL;
	}
	return sh;
}

/*
 * A host whose last poll went unanswered waits in a queue of its own: a
 * dead BMC holds its slot for timeout x retries, and five hundred of them
 * in the main queue would leave the live ones waiting past their interval.
 */
static void enqueue(struct sched *s, struct sched_host *sh)
{
	push(s, sh->unanswered ? &s->slow : &s->queue, sh);
}

/* Someone asked for this host: it goes with the answering ones. */
static void enqueue_now(struct sched *s, struct sched_host *sh)
{
	push(s, &s->queue, sh);
}

/* An eighth of the cap, on top of it, for hosts that did not answer. */
static unsigned slow_budget(const struct sched *s)
{
	unsigned n = s->cap.limit / 8;

	return n ? n : 1;
}

static void dispatch(struct sched *s);

static void on_timer(uv_timer_t *t)
{
	struct sched_host *sh = t->data;
	struct bmc_host *h = sh->h;
	struct sched *s = h->engine->sched;

	if (!s->polling || sh->state != SCH_WAITING)
		return;
	/* A command of the user's (power, boot) had its login refused while
	 * this host waited: park it, rather than poll once more with the
	 * password the BMC just refused. */
	if (h->state == HOST_PARKED && h->last_status == BMC_EAUTH) {
		sh->state = SCH_PARKED;
		return;
	}
	enqueue(s, sh);
	dispatch(s);
}

/*
 * The next poll is due next_delay_ms after this one was due, not after it
 * ended: a poll that took 3 s on a lossy link, or waited for a slot, does not
 * stretch a 30 s interval to 33 s.  A poll that ran longer than the interval
 * still leaves the BMC a quarter of it before the next.
 */
static uint64_t time_to_next(const struct sched *s, const struct sched_host *sh)
{
	uint64_t due = sh->queued_ms + sh->next_delay_ms, now = uv_now(s->e->loop);
	uint64_t floor = sh->next_delay_ms / 4 ? sh->next_delay_ms / 4 : 1;

	return due > now + floor ? due - now : floor;
}

/* Count the poll out; 1 if the host is to be neither retried nor rescheduled. */
static int poll_counted_out(struct sched *s, struct sched_host *sh, int status)
{
	s->in_flight--;
	if (sh->ran_apart) {
		sh->ran_apart = 0;
		s->slow_in_flight--;
	}
	if (sh->in_sweep) {
		sh->in_sweep = 0;
		s->sweep_left--;
	}
	if (status == BMC_ECANCELED || s->e->closing) {
		sh->state = SCH_IDLE;
		return 1;
	}
	return 0;
}

/* Record the outcome on the host, for a person to see. */
static void note_outcome(struct sched_host *sh, int status)
{
	struct bmc_host *h = sh->h;

	/* Only silence moves a host apart: a BMC that answers, even with an
	 * error, gives its slot back quickly. */
	sh->unanswered = status == BMC_ETIMEDOUT;
	if (status == 0) {
		sh->failures = 0;
		host_clear_error(h);
		host_changed(h, CHANGED_STATE);
	} else {
		sh->failures++;
		if (h->last_status != status || h->error == NULL)
			host_set_error(h, status, "%s", bmc_strerror(status));
	}
}

static void poll_finished(struct sched *s, struct sched_host *sh, int status)
{
	struct bmc_host *h = sh->h;

	if (poll_counted_out(s, sh, status))
		return;
	note_outcome(sh, status);
	if (status == BMC_EAUTH) {
		sh->state = SCH_PARKED;
		h->state = HOST_PARKED;
		host_changed(h, CHANGED_STATE);
		return;
	}
	if (!s->polling) {
		sh->state = SCH_IDLE;
		return;
	}
	if (sh->poll_requested) {
		sh->poll_requested = 0;
		enqueue_now(s, sh);
		return;
	}
	sh->next_delay_ms = sched_next_delay(s->e, h, sh->failures);
	sh->state = SCH_WAITING;
	uv_timer_start(&sh->timer, on_timer, time_to_next(s, sh), 0);
}

static void check_sweep(struct sched *s)
{
	if (s->sweep_done != NULL && s->sweep_left == 0) {
		void (*done)(struct bmc_engine *) = s->sweep_done;

		s->sweep_done = NULL;
		done(s->e);
	}
}

static void on_poll_done(struct bmc_host *h, int status, void *arg)
{
	struct sched *s = h->engine->sched;

	(void)arg;
	poll_finished(s, &s->hosts[h->index], status);
	dispatch(s);
	check_sweep(s);
}

/* The next host to poll, answering hosts first; NULL when none may start. */
static struct sched_host *next_host(struct sched *s)
{
	struct sched_host *sh;
	uint64_t now = uv_now(s->e->loop);

	if (s->queue.head != NULL && s->in_flight - s->slow_in_flight >= s->cap.limit)
		inflight_cap_wait(&s->cap, now - s->queue.head->queued_ms, now);
	if (s->in_flight - s->slow_in_flight < s->cap.limit) {
		sh = pop(&s->queue);
		if (sh != NULL)
			return sh;
	}
	if (s->slow_in_flight < slow_budget(s) && s->in_flight < s->cap.limit + slow_budget(s)) {
		sh = pop(&s->slow);
		if (sh != NULL) {
			sh->ran_apart = 1;
			s->slow_in_flight++;
		}
		return sh;
	}
	return NULL;
}

/* The cap is set up on first use (a limit of 0): tests change the options
 * after the scheduler is made. */
static void cap_ready(struct sched *s)
{
	if (s->cap.limit == 0)
		inflight_cap_init(&s->cap, s->opts.max_in_flight, uv_now(s->e->loop));
}

static void dispatch(struct sched *s)
{
	cap_ready(s);
	/* A poll that fails at once re-enters here through poll_finished. */
	if (s->dispatching)
		return;
	s->dispatching = 1;
	while (!s->e->closing) {
		struct sched_host *sh = next_host(s);
		struct bmc_host *h;
		int rc;

		if (sh == NULL)
			break;
		h = sh->h;
		sh->state = SCH_RUNNING;
		s->in_flight++;
		if (s->in_flight > s->peak_in_flight)
			s->peak_in_flight = s->in_flight;
		/* Inventory rarely changes: read it until one poll got it. */
		rc = engine_poll(h, s->opts.what | (h->ninventory ? 0 : POLL_INVENTORY),
				 on_poll_done, NULL);
		if (rc != 0)
			poll_finished(s, sh, rc);
	}
	inflight_cap_note(&s->cap, s->in_flight, s->queue.head != NULL, uv_now(s->e->loop));
	s->dispatching = 0;
}

/* Queue each idle host with a backend (of those picked, when given), in index order. */
static void start_polling(struct sched *s, const unsigned char *picked)
{
	struct bmc_engine *e = s->e;
	size_t i;

	rng_seed(s);
	s->polling = 1;
	for (i = 0; i < e->nhosts; i++) {
		struct sched_host *sh = &s->hosts[i];

		if (e->hosts[i].backend == NULL || sh->state != SCH_IDLE)
			continue;
		if (picked != NULL && !picked[i])
			continue;
		enqueue(s, sh);
	}
	dispatch(s);
}

void sched_start(struct bmc_engine *e)
{
	start_polling(sched_of(e), NULL);
}

void sched_start_hosts(struct bmc_engine *e, struct bmc_host **hosts, size_t n)
{
	struct sched *s = sched_of(e);
	unsigned char *picked = xcalloc(e->nhosts ? e->nhosts : 1, 1);
	size_t i;

	for (i = 0; i < n; i++)
		picked[hosts[i]->index] = 1;
	start_polling(s, picked);
	free(picked);
}

void sched_stop(struct bmc_engine *e)
{
	struct sched *s = sched_of(e);
	size_t i;

	s->polling = 0;
	for (i = 0; i < e->nhosts; i++) {
		struct sched_host *sh = &s->hosts[i];

		if (sh->state == SCH_WAITING || sh->state == SCH_QUEUED) {
			uv_timer_stop(&sh->timer);
			sh->state = SCH_IDLE;
		}
		sh->queue_next = NULL;
	}
	s->queue.head = s->queue.tail = NULL;
	s->slow.head = s->slow.tail = NULL;
}

int sched_polling(const struct bmc_engine *e)
{
	return e->sched != NULL && e->sched->polling;
}

void sched_poll_now(struct bmc_host *h)
{
	struct bmc_engine *e = h->engine;
	struct sched *s;
	struct sched_host *sh;

	if (h->backend == NULL || e->closing)
		return;
	s = sched_of(e);
	sh = &s->hosts[h->index];
	switch (sh->state) {
	case SCH_RUNNING:
		sh->poll_requested = 1;
		return;
	case SCH_QUEUED:
		return;
	case SCH_PARKED:
		sh->failures = 0;
		h->state = HOST_NEW;
		host_changed(h, CHANGED_STATE);
		break;
	case SCH_WAITING:
		uv_timer_stop(&sh->timer);
		break;
	case SCH_IDLE:
		break;
	}
	enqueue_now(s, sh);
	dispatch(s);
}

void sched_sweep(struct bmc_engine *e, struct bmc_host **hosts, size_t n,
		 void (*done)(struct bmc_engine *e))
{
	struct sched *s = sched_of(e);
	size_t i;

	s->sweep_done = done;
	s->sweep_left = 0;
	for (i = 0; i < n; i++) {
		struct sched_host *sh = &s->hosts[hosts[i]->index];

		if (hosts[i]->backend == NULL || sh->state != SCH_IDLE)
			continue;
		sh->in_sweep = 1;
		s->sweep_left++;
		enqueue(s, sh);
	}
	dispatch(s);
	check_sweep(s);
}

enum sched_state sched_host_state(const struct bmc_host *h)
{
	const struct sched *s = h->engine->sched;

	return s != NULL ? s->hosts[h->index].state : SCH_IDLE;
}

void sched_get_stats(struct bmc_engine *e, struct sched_stats *st)
{
	const struct sched *s = sched_of(e);

	st->in_flight = s->in_flight;
	st->peak_in_flight = s->peak_in_flight;
	st->slow_in_flight = s->slow_in_flight;
	st->limit = s->cap.limit;
}

/*
 * The one-shot fan-out: the same cap, counted apart from the periodic
 * polls, with hosts taken in order rather than queued.
 */
struct fanout {
	struct bmc_engine *e;
	struct bmc_host **hosts;
	size_t n, next, running, done;
	struct inflight_cap cap; /* max-in-flight, or grown while hosts wait */
	uint64_t started_ms;	 /* every host was waiting from here */
	sched_op_fn op;
	void *arg;
	int *status;	 /* per position in hosts[] */
	size_t *slot_of; /* host->index to position in hosts[] */
};

static void fanout_pump(struct fanout *f);

static void on_fanout_done(struct bmc_host *h, int status, void *arg)
{
	struct fanout *f = arg;

	f->status[f->slot_of[h->index]] = status;
	f->running--;
	f->done++;
	fanout_pump(f);
}

static void fanout_pump(struct fanout *f)
{
	uint64_t now = uv_now(f->e->loop);

	/* Hosts left after the first pump have been waiting for a slot. */
	if (f->next > 0 && f->next < f->n)
		inflight_cap_wait(&f->cap, now - f->started_ms, now);
	while (f->running < f->cap.limit && f->next < f->n) {
		struct bmc_host *h = f->hosts[f->next++];
		int rc;

		f->running++;
		rc = f->op(h, on_fanout_done, f, f->arg);
		if (rc != 0) {
			if (h->error == NULL || h->last_status != rc)
				host_set_error(h, rc, "%s", bmc_strerror(rc));
			f->running--;
			f->done++;
			f->status[f->slot_of[h->index]] = rc;
		}
	}
	if (f->done == f->n)
		uv_stop(f->e->loop);
}

size_t sched_fanout(struct bmc_engine *e, struct bmc_host **hosts, size_t n, sched_op_fn op,
		    void *arg, int *status)
{
	struct fanout f = { 0 };
	size_t i, failed = 0;

	f.e = e;
	f.hosts = hosts;
	f.n = n;
	uv_update_time(e->loop);
	f.started_ms = uv_now(e->loop);
	inflight_cap_init(&f.cap, sched_of(e)->opts.max_in_flight, f.started_ms);
	f.op = op;
	f.arg = arg;
	f.status = status;
	f.slot_of = xcalloc(e->nhosts ? e->nhosts : 1, sizeof *f.slot_of);
	for (i = 0; i < n; i++)
		f.slot_of[hosts[i]->index] = i;
	fanout_pump(&f);
	if (f.done < f.n)
		uv_run(e->loop, UV_RUN_DEFAULT);
	free(f.slot_of);
	for (i = 0; i < n; i++)
		if (status[i] != 0)
			failed++;
	return failed;
}

/* Shutdown: no more polls, and each host's timer closed. */

static void on_timer_closed(uv_handle_t *handle)
{
	struct sched_host *sh = handle->data;

	engine_release(sh->h->engine);
}

static void sched_closing(void *ctx, struct bmc_engine *e)
{
	struct sched *s = ctx;
	size_t i;

	sched_stop(e);
	for (i = 0; s->timers_open && i < e->nhosts; i++) {
		engine_hold(e);
		uv_close((uv_handle_t *)&s->hosts[i].timer, on_timer_closed);
	}
}

static void sched_free(void *ctx)
{
	struct sched *s = ctx;

	s->timers_open = 0;
	s->e->sched = NULL;
	free(s->hosts);
	free(s);
}
