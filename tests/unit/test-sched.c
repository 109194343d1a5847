/*
 * test-sched.c - the scheduler on a real uv_loop_t with real timers: jitter
 * bounds, backoff, parking on authentication failure, the in-flight cap.
 *
 * The backend here is the test's own: each poll completes on a timer with
 * the status the test scripted for that host.
 */
#include "config.h"

#include <stdlib.h>

#include "backend/backend.h"
#include "core/engine.h"
#include "core/inflight.h"
#include "core/sched.h"
#include "core/xalloc.h"
#include "runner.h"

#define MAX_HOSTS 3000

struct fake {
	int status[MAX_HOSTS];
	unsigned polls[MAX_HOSTS];
	unsigned running, peak;
	uint64_t latency_ms;
	uint64_t host_latency_ms[MAX_HOSTS]; /* 0: latency_ms */
};

static struct fake fake;

struct pending {
	uv_timer_t timer;
	struct bmc_host *h;
	bmc_op_cb cb;
	void *arg;
};

static void pending_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void pending_fire(uv_timer_t *t)
{
	struct pending *p = t->data;

	fake.running--;
	p->cb(p->h, fake.status[p->h->index], p->arg);
	uv_close((uv_handle_t *)&p->timer, pending_closed);
}

static int fake_poll(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg)
{
	struct pending *p = xcalloc(1, sizeof *p);

	fake.polls[h->index]++;
	fake.running++;
	if (fake.running > fake.peak)
		fake.peak = fake.running;
	p->h = h;
	p->cb = cb;
	p->arg = arg;
	uv_timer_init(h->engine->loop, &p->timer);
	p->timer.data = p;
	uv_timer_start(&p->timer, pending_fire,
		       fake.host_latency_ms[h->index] ? fake.host_latency_ms[h->index]
						      : fake.latency_ms,
		       0);
	return 0;
}

static const struct bmc_backend fake_backend = {
	.name = "fake",
	.poll = fake_poll,
};

static const struct bmc_backend *fake_for(enum fleet_protocol p)
{
	(void)p;
	return &fake_backend;
}

static void make_fleet(struct fleet *f, size_t n, uint64_t interval_ms)
{
	char *text = xstrdup("[host h[0000-2999]]\naddress = 127.0.0.1\nipmi-port = [20000-22999]\n");
	char *err = NULL;
	size_t i;

	if (fleet_parse(f, "t.conf", text, strlen(text), &err) != 0)
		test_fail(__FILE__, __LINE__, "%s", err);
	free(text);
	f->nhosts = n; /* the rest stay allocated and are freed by fleet_free */
	for (i = 0; i < n; i++)
		f->hosts[i].interval_ms = interval_ms;
	memset(&fake, 0, sizeof fake);
}

static void stop_loop(uv_timer_t *t)
{
	uv_stop(t->loop);
}

static void run_for(uv_loop_t *loop, uint64_t ms)
{
	uv_timer_t t;

	uv_timer_init(loop, &t);
	uv_timer_start(&t, stop_loop, ms, 0);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
}

static struct sched_stats stats(struct bmc_engine *e)
{
	struct sched_stats st;

	sched_get_stats(e, &st);
	return st;
}

static void closed(struct bmc_engine *e)
{
}

static void finish(struct bmc_engine *e, struct fleet *f, uv_loop_t *loop)
{
	engine_shutdown(e, closed);
	uv_run(loop, UV_RUN_DEFAULT);
	engine_free(e);
	ASSERT_EQ(uv_loop_close(loop), 0);
	f->nhosts = MAX_HOSTS;
	fleet_free(f);
}

TEST(jitter_stays_in_bounds)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	uint64_t lo = UINT64_MAX, hi = 0, sum = 0;
	int i;

	uv_loop_init(&loop);
	make_fleet(&f, 1, 10000);
	engine_init(&e, &loop, &f, fake_for);
	sched_options(&e)->seed = 42;
	sched_options(&e)->jitter = 0.1;
	for (i = 0; i < 10000; i++) {
		uint64_t d = sched_next_delay(&e, &e.hosts[0], 0);

		if (d < lo)
			lo = d;
		if (d > hi)
			hi = d;
		sum += d;
	}
	ASSERT(lo >= 9000);
	ASSERT(hi <= 11000);
	/* The spread is real: close to both ends, centred on the interval. */
	ASSERT(lo < 9100);
	ASSERT(hi > 10900);
	ASSERT_NEAR((double)sum / 10000, 10000, 100);
	finish(&e, &f, &loop);
}

TEST(backoff_doubles_to_cap)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	struct bmc_host *h;

	uv_loop_init(&loop);
	make_fleet(&f, 1, 10000);
	engine_init(&e, &loop, &f, fake_for);
	sched_options(&e)->jitter = 0;
	sched_options(&e)->backoff_max_ms = 60000;
	h = &e.hosts[0];
	ASSERT_EQ(sched_next_delay(&e, h, 1), 10000);
	ASSERT_EQ(sched_next_delay(&e, h, 2), 20000);
	ASSERT_EQ(sched_next_delay(&e, h, 3), 40000);
	ASSERT_EQ(sched_next_delay(&e, h, 4), 60000);
	ASSERT_EQ(sched_next_delay(&e, h, 64), 60000);
	/* Success resets to the interval. */
	ASSERT_EQ(sched_next_delay(&e, h, 0), 10000);
	finish(&e, &f, &loop);
}

TEST(periodic_polls_and_backoff_on_a_real_loop)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;

	uv_loop_init(&loop);
	make_fleet(&f, 2, 40);
	engine_init(&e, &loop, &f, fake_for);
	sched_options(&e)->jitter = 0;
	sched_options(&e)->backoff_max_ms = 100000;
	fake.latency_ms = 1;
	fake.status[1] = BMC_ETIMEDOUT;
	sched_start(&e);
	run_for(&loop, 450);
	/* Host 0 every ~41 ms: about 11 polls.  Host 1 backs off: 0, 41, 82,
	 * 163, 324 ms, ... so about 5. */
	ASSERT(fake.polls[0] >= 7 && fake.polls[0] <= 12);
	ASSERT(fake.polls[1] >= 4 && fake.polls[1] <= 6);
	ASSERT_EQ(e.hosts[1].state, HOST_UNREACHABLE);
	ASSERT_EQ(e.hosts[0].state, HOST_OK);
	ASSERT(e.hosts[0].updated_ms > 0);
	ASSERT_EQ(e.hosts[1].counters[CNT_POLL_FAILURES], fake.polls[1]);
	finish(&e, &f, &loop);
}

TEST(auth_failure_parks_until_asked)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;

	uv_loop_init(&loop);
	make_fleet(&f, 2, 20);
	engine_init(&e, &loop, &f, fake_for);
	fake.latency_ms = 1;
	fake.status[1] = BMC_EAUTH;
	sched_start(&e);
	run_for(&loop, 300);
	ASSERT_EQ(fake.polls[1], 1); /* exactly one attempt: no lockout */
	ASSERT(fake.polls[0] >= 5);
	ASSERT_EQ(e.hosts[1].state, HOST_PARKED);
	ASSERT_EQ(sched_host_state(&e.hosts[1]), SCH_PARKED);
	ASSERT_STREQ(bmc_host_state_name(e.hosts[1].state), "authentication failed");
	/* The user asks for a retry: one more attempt, parked again. */
	sched_poll_now(&e.hosts[1]);
	run_for(&loop, 200);
	ASSERT_EQ(fake.polls[1], 2);
	ASSERT_EQ(e.hosts[1].state, HOST_PARKED);
	/* Fixed on the BMC side: the retry succeeds and polling resumes. */
	fake.status[1] = 0;
	sched_poll_now(&e.hosts[1]);
	run_for(&loop, 200);
	ASSERT(fake.polls[1] >= 5);
	ASSERT_EQ(e.hosts[1].state, HOST_OK);
	finish(&e, &f, &loop);
}

TEST(login_refused_to_a_command_parks_the_waiting_host)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;

	uv_loop_init(&loop);
	make_fleet(&f, 1, 20);
	engine_init(&e, &loop, &f, fake_for);
	sched_options(&e)->jitter = 0;
	fake.latency_ms = 1;
	sched_start(&e);
	run_for(&loop, 5);
	ASSERT_EQ(fake.polls[0], 1);
	ASSERT_EQ(sched_host_state(&e.hosts[0]), SCH_WAITING);
	/* A power command's login is refused between two polls. */
	host_set_error(&e.hosts[0], BMC_EAUTH, "wrong password");
	run_for(&loop, 200);
	ASSERT_EQ(fake.polls[0], 1); /* no poll with the refused password */
	ASSERT_EQ(sched_host_state(&e.hosts[0]), SCH_PARKED);
	ASSERT_EQ(e.hosts[0].state, HOST_PARKED);
	/* Asked again, it polls again. */
	sched_poll_now(&e.hosts[0]);
	run_for(&loop, 5);
	ASSERT_EQ(fake.polls[0], 2);
	finish(&e, &f, &loop);
}

static int sweep_finished;

static void on_sweep(struct bmc_engine *e)
{
	sweep_finished = 1;
	uv_stop(e->loop);
}

TEST(in_flight_cap_holds)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	struct bmc_host *list[MAX_HOSTS];
	size_t i;

	uv_loop_init(&loop);
	make_fleet(&f, 150, 60000);
	engine_init(&e, &loop, &f, fake_for);
	sched_options(&e)->max_in_flight = 7;
	fake.latency_ms = 5;
	for (i = 0; i < 150; i++)
		list[i] = &e.hosts[i];
	sweep_finished = 0;
	sched_sweep(&e, list, 150, on_sweep);
	run_for(&loop, 10000);
	ASSERT(sweep_finished);
	ASSERT_EQ(fake.peak, 7);
	ASSERT_EQ(stats(&e).peak_in_flight, 7);
	for (i = 0; i < 150; i++)
		ASSERT_EQ(fake.polls[i], 1);
	ASSERT_EQ(stats(&e).in_flight, 0);
	finish(&e, &f, &loop);
}

/* Without max-in-flight the cap grows while hosts wait over a second for a
 * slot: 3000 polls of 400 ms would take 2.4 s through 512 slots. */
TEST(adaptive_cap_grows_under_backlog)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	static struct bmc_host *list[MAX_HOSTS];
	size_t i;

	uv_loop_init(&loop);
	make_fleet(&f, MAX_HOSTS, 60000);
	engine_init(&e, &loop, &f, fake_for);
	ASSERT_EQ(sched_options(&e)->max_in_flight, 0);
	fake.latency_ms = 400;
	for (i = 0; i < MAX_HOSTS; i++)
		list[i] = &e.hosts[i];
	sweep_finished = 0;
	sched_sweep(&e, list, MAX_HOSTS, on_sweep);
	ASSERT_EQ(stats(&e).in_flight, INFLIGHT_BASE);
	run_for(&loop, 20000);
	ASSERT(sweep_finished);
	ASSERT(stats(&e).peak_in_flight > INFLIGHT_BASE);
	ASSERT(stats(&e).peak_in_flight <= INFLIGHT_CEILING);
	ASSERT(stats(&e).limit > INFLIGHT_BASE);
	for (i = 0; i < MAX_HOSTS; i++)
		ASSERT_EQ(fake.polls[i], 1);
	finish(&e, &f, &loop);
}

TEST(inflight_cap_fixed_never_moves)
{
	struct inflight_cap c;

	inflight_cap_init(&c, 7, 0);
	ASSERT_EQ(c.limit, 7);
	ASSERT_EQ(inflight_cap_wait(&c, 60000, 5000), 0);
	inflight_cap_note(&c, 0, 0, 600000);
	ASSERT_EQ(c.limit, 7);
}

TEST(inflight_cap_grows_at_most_once_a_second_to_the_ceiling)
{
	struct inflight_cap c;
	uint64_t t = 10000;

	inflight_cap_init(&c, 0, t);
	ASSERT_EQ(c.limit, INFLIGHT_BASE);
	ASSERT_EQ(inflight_cap_wait(&c, 999, t + 1000), 0); /* not waiting long enough */
	ASSERT_EQ(inflight_cap_wait(&c, 1500, t + 1000), 1);
	ASSERT_EQ(c.limit, 640);
	ASSERT_EQ(inflight_cap_wait(&c, 1500, t + 1500), 0); /* too soon */
	ASSERT_EQ(inflight_cap_wait(&c, 1500, t + 2000), 1);
	ASSERT_EQ(c.limit, 800);
	for (int k = 3; k < 40; k++)
		inflight_cap_wait(&c, 5000, t + 1000 * (uint64_t)k);
	ASSERT_EQ(c.limit, INFLIGHT_CEILING);
}

TEST(inflight_cap_shrinks_after_an_idle_minute_not_below_base)
{
	struct inflight_cap c;
	uint64_t t = 0;

	inflight_cap_init(&c, 0, t);
	for (int k = 1; k <= 3; k++)
		inflight_cap_wait(&c, 5000, t + 1000 * (uint64_t)k);
	ASSERT_EQ(c.limit, 1000);
	t = 3000;
	inflight_cap_note(&c, 600, 0, t + 10000); /* over half used: kept */
	inflight_cap_note(&c, 10, 0, t + 61000);
	ASSERT_EQ(c.limit, 1000);
	inflight_cap_init(&c, 0, 0);
	for (int k = 1; k <= 3; k++)
		inflight_cap_wait(&c, 5000, 1000 * (uint64_t)k);
	inflight_cap_note(&c, 10, 1, t + 61000); /* something waits: kept */
	ASSERT_EQ(c.limit, 1000);
	inflight_cap_note(&c, 10, 0, t + 61000);
	ASSERT_EQ(c.limit, 750);
	for (int k = 2; k < 10; k++)
		inflight_cap_note(&c, 0, 0, t + 61000 * (uint64_t)k);
	ASSERT_EQ(c.limit, INFLIGHT_BASE);
}

/* Polls come an interval apart, start to start: a 40 ms poll every 100 ms
 * gives 10 polls a second, not the 7 of waiting 100 ms after each ends. */
TEST(interval_runs_start_to_start)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;

	uv_loop_init(&loop);
	make_fleet(&f, 1, 100);
	engine_init(&e, &loop, &f, fake_for);
	sched_options(&e)->jitter = 0;
	fake.latency_ms = 40;
	sched_start(&e);
	run_for(&loop, 1050);
	ASSERT(fake.polls[0] >= 9);
	ASSERT(fake.polls[0] <= 12);
	finish(&e, &f, &loop);
}

TEST(cap_holds_with_periodic_polling)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	size_t i;

	uv_loop_init(&loop);
	make_fleet(&f, 100, 30);
	engine_init(&e, &loop, &f, fake_for);
	sched_options(&e)->max_in_flight = 10;
	fake.latency_ms = 3;
	sched_start(&e);
	run_for(&loop, 300);
	ASSERT(fake.peak <= 10);
	ASSERT_EQ(fake.peak, 10);
	for (i = 0; i < 100; i++)
		ASSERT(fake.polls[i] >= 1);
	finish(&e, &f, &loop);
}

/* Dead BMCs (a poll that times out after a long wait) keep to their own
 * budget: the answering hosts still get polled at their interval. */
TEST(unanswered_hosts_do_not_starve_live_ones)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	size_t i;
	unsigned live_min = ~0u, dead_max = 0;

	uv_loop_init(&loop);
	make_fleet(&f, 60, 50);
	engine_init(&e, &loop, &f, fake_for);
	sched_options(&e)->max_in_flight = 8;
	sched_options(&e)->backoff_max_ms = 50; /* dead hosts come back every interval */
	fake.latency_ms = 2;
	for (i = 0; i < 20; i++) {
		fake.status[i] = BMC_ETIMEDOUT;
		fake.host_latency_ms[i] = 400;
	}
	sched_start(&e);
	run_for(&loop, 2000);
	for (i = 0; i < 60; i++) {
		if (i < 20 && fake.polls[i] > dead_max)
			dead_max = fake.polls[i];
		if (i >= 20 && fake.polls[i] < live_min)
			live_min = fake.polls[i];
	}
	/* Sharing 8 slots, 20 hosts taking 400 ms each would allow the live
	 * ones a handful of polls in 2 s; apart, they get about one per 50 ms
	 * interval (at least 10 even on a slow machine), and the dead ones
	 * still get tried, one at a time. */
	ASSERT(live_min >= 10);
	ASSERT(dead_max >= 1);
	ASSERT(stats(&e).peak_in_flight <= 8 + 1);
	ASSERT(stats(&e).slow_in_flight <= 1);
	finish(&e, &f, &loop);
}

TEST(shutdown_cancels_timers)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;

	uv_loop_init(&loop);
	make_fleet(&f, 3, 10000);
	engine_init(&e, &loop, &f, fake_for);
	fake.latency_ms = 1;
	sched_start(&e);
	run_for(&loop, 50);
	ASSERT_EQ(fake.polls[0], 1);
	/* finish() asserts that uv_loop_close finds no open handle. */
	finish(&e, &f, &loop);
}

/* status --watch HOST...: periodic polls of the chosen hosts only. */
TEST(start_hosts_polls_only_those)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	struct bmc_host *list[2];

	uv_loop_init(&loop);
	make_fleet(&f, 4, 20);
	engine_init(&e, &loop, &f, fake_for);
	fake.latency_ms = 1;
	list[0] = &e.hosts[3];
	list[1] = &e.hosts[1];
	sched_start_hosts(&e, list, 2);
	run_for(&loop, 100);
	ASSERT_EQ(fake.polls[0], 0);
	ASSERT_EQ(fake.polls[2], 0);
	ASSERT(fake.polls[1] >= 2);
	ASSERT(fake.polls[3] >= 2);
	ASSERT_EQ(sched_host_state(&e.hosts[0]), SCH_IDLE);
	sched_stop(&e);
	finish(&e, &f, &loop);
}

static int start_fake_poll(struct bmc_host *h, bmc_op_cb cb, void *cb_arg, void *arg)
{
	unsigned *started = arg;

	(*started)++;
	if (h->index == 2)
		return BMC_ENOTSUP;
	return engine_poll(h, POLL_POWER, cb, cb_arg);
}

/* The one-shot commands' fan-out: every host once, under the cap, each
 * result in its slot, a failure to start on its host. */
TEST(fanout_runs_each_host_once_under_the_cap)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	struct bmc_host *list[40];
	int status[40] = { 0 };
	unsigned started = 0;
	size_t i;

	uv_loop_init(&loop);
	make_fleet(&f, 40, 60000);
	engine_init(&e, &loop, &f, fake_for);
	sched_options(&e)->max_in_flight = 5;
	fake.latency_ms = 2;
	fake.status[7] = BMC_ETIMEDOUT;
	for (i = 0; i < 40; i++)
		list[i] = &e.hosts[39 - i];
	ASSERT_EQ(sched_fanout(&e, list, 40, start_fake_poll, &started, status), 2);
	ASSERT_EQ(started, 40);
	ASSERT_EQ(fake.peak, 5);
	ASSERT_EQ(status[39 - 7], BMC_ETIMEDOUT);
	ASSERT_EQ(status[39 - 2], BMC_ENOTSUP);
	ASSERT_EQ(e.hosts[2].last_status, BMC_ENOTSUP);
	ASSERT(e.hosts[2].error != NULL);
	ASSERT_EQ(status[0], 0);
	for (i = 0; i < 40; i++)
		ASSERT_EQ(fake.polls[i], i == 2 ? 0 : 1);
	/* The periodic scheduler never ran. */
	ASSERT_EQ(stats(&e).peak_in_flight, 0);
	finish(&e, &f, &loop);
}

/* A front end that never polls periodically (a console) makes no scheduler;
 * shutdown and free still work. */
TEST(engine_without_scheduler_shuts_down)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;

	uv_loop_init(&loop);
	make_fleet(&f, 3, 10000);
	engine_init(&e, &loop, &f, fake_for);
	ASSERT(e.sched == NULL);
	finish(&e, &f, &loop);
}

struct hooked {
	struct bmc_engine *e;
	uv_timer_t timer;
	int closing_calls, freed, closed_before_release;
};

static int engine_closed;

static void on_engine_closed(struct bmc_engine *e)
{
	engine_closed = 1;
}

static void hooked_timer_closed(uv_handle_t *handle)
{
	struct hooked *k = handle->data;

	k->closed_before_release = engine_closed;
	engine_release(k->e);
}

static void hooked_closing(void *ctx, struct bmc_engine *e)
{
	struct hooked *k = ctx;

	k->closing_calls++;
	engine_hold(e);
	uv_close((uv_handle_t *)&k->timer, hooked_timer_closed);
}

static void hooked_free(void *ctx)
{
	struct hooked *k = ctx;

	k->freed = 1;
}

/* How the scheduler hears of shutdown without the engine calling it: a
 * hook's closing runs once, the engine waits for what it holds, then free. */
TEST(engine_hooks_hold_shutdown_until_released)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	struct hooked k = { 0 };
	struct engine_hook hook = { hooked_closing, hooked_free, &k };

	uv_loop_init(&loop);
	k.e = &e;
	make_fleet(&f, 1, 10000);
	engine_init(&e, &loop, &f, fake_for);
	uv_timer_init(&loop, &k.timer);
	k.timer.data = &k;
	engine_add_hook(&e, &hook);
	engine_closed = 0;
	engine_shutdown(&e, on_engine_closed);
	engine_shutdown(&e, on_engine_closed); /* a second call does nothing */
	ASSERT_EQ(k.closing_calls, 1);
	ASSERT_EQ(engine_closed, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	ASSERT_EQ(engine_closed, 1);
	ASSERT_EQ(k.closed_before_release, 0);
	ASSERT_EQ(k.freed, 0);
	engine_free(&e);
	ASSERT_EQ(k.freed, 1);
	ASSERT_EQ(uv_loop_close(&loop), 0);
	f.nhosts = MAX_HOSTS;
	fleet_free(&f);
}

TEST(no_backend_gives_an_error_not_silence)
{
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;

	uv_loop_init(&loop);
	make_fleet(&f, 1, 10000);
	engine_init(&e, &loop, &f, NULL);
	if (e.hosts[0].backend == NULL) {
		ASSERT(e.hosts[0].error != NULL);
		ASSERT_EQ(e.hosts[0].state, HOST_ERROR);
		ASSERT(engine_poll(&e.hosts[0], POLL_ALL, NULL, NULL) != 0);
	}
	finish(&e, &f, &loop);
}
