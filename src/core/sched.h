/*
 * core/sched.h - the poll scheduler: when each host is polled, and how many
 * polls run at once.
 *
 * The scheduler keeps its state to itself (core/sched.c), made on the first
 * call for an engine; it hears of the engine's shutdown through an
 * engine_hook.  Front ends start it, ask it to poll a host now, or run a
 * one-shot operation across hosts under the same in-flight cap.
 */
#ifndef BMCTOP_SCHED_H
#define BMCTOP_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

struct sched_options {
	unsigned max_in_flight;	 /* a fixed cap; 0: adaptive (core/inflight.h) */
	double jitter;		 /* delays vary by +-jitter * delay */
	uint64_t backoff_max_ms; /* longest wait after repeated failures */
	uint64_t seed;		 /* 0: random */
	unsigned what;		 /* POLL_* asked of each periodic poll */
};

/* Where a host stands with the scheduler. */
enum sched_state { SCH_IDLE, SCH_WAITING, SCH_QUEUED, SCH_RUNNING, SCH_PARKED };

/* How many polls run, for tests and the UI. */
struct sched_stats {
	unsigned in_flight;
	unsigned peak_in_flight;
	unsigned slow_in_flight; /* of in_flight, hosts whose last poll went unanswered */
	unsigned limit;		 /* the in-flight cap now */
};

/* The options, to change before sched_start (the fleet's max-in-flight,
 * a 10% jitter, 5 min backoff, power, sensors and events). */
struct sched_options *sched_options(struct bmc_engine *e);

/* Poll every host with a backend, each at its interval, until sched_stop. */
void sched_start(struct bmc_engine *e);
/* The same for only these hosts (n of them); the others stay idle. */
void sched_start_hosts(struct bmc_engine *e, struct bmc_host **hosts, size_t n);
void sched_stop(struct bmc_engine *e);
/* Whether hosts are polled periodically now (sched_start, not a sweep). */
int sched_polling(const struct bmc_engine *e);
/* Un-park a host (or cut its wait short) and poll it as soon as a slot is free. */
void sched_poll_now(struct bmc_host *h);
/*
 * Poll each of hosts once (n of them), max_in_flight at a time, without
 * arming timers; done runs when the last one has finished.
 */
void sched_sweep(struct bmc_engine *e, struct bmc_host **hosts, size_t n,
		 void (*done)(struct bmc_engine *e));

/* Starts one host's operation, which ends in cb(h, status, cb_arg). */
typedef int (*sched_op_fn)(struct bmc_host *h, bmc_op_cb cb, void *cb_arg, void *arg);
/*
 * The one-shot commands' fan-out: run op on each of hosts (n of them) under
 * the in-flight cap, no queue or timer, and run the loop until every one has
 * finished.  status[i] gets hosts[i]'s result; an op that could not start
 * sets its host's error.  Returns how many failed.
 */
size_t sched_fanout(struct bmc_engine *e, struct bmc_host **hosts, size_t n, sched_op_fn op,
		    void *arg, int *status);

/* The delay before h's next poll after `failures` failed polls in a row
 * (0: the last one succeeded): h's interval, backed off, with jitter. */
uint64_t sched_next_delay(struct bmc_engine *e, const struct bmc_host *h, unsigned failures);
enum sched_state sched_host_state(const struct bmc_host *h);
void sched_get_stats(struct bmc_engine *e, struct sched_stats *st);

#endif
