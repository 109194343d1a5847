/*
 * core/engine.h - the engine: the fleet's hosts, observers, operations.
 *
 * The engine owns one bmc_host (core/host.h) per configured host.  Backends
 * (IPMI, Redfish) fill hosts in; front ends (the command line, the TUI)
 * subscribe as observers and never poke at backend state.  When hosts are
 * polled is the scheduler's (core/sched.h), which the engine never calls:
 * it hears of shutdown through an engine_hook.  Everything runs on one
 * uv_loop_t.
 */
#ifndef BMCTOP_ENGINE_H
#define BMCTOP_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <uv.h>

#include "core/cred.h"
#include "core/errors.h"
#include "core/fleet.h"
#include "core/host.h"

struct recorder;
struct sched;
struct sched_options;

/* Completion of an asynchronous backend operation. */
typedef void (*bmc_op_cb)(struct bmc_host *h, int status, void *arg);

enum poll_what {
	POLL_POWER = 1,
	POLL_SENSORS = 2,
	POLL_EVENTS = 4,
	POLL_INVENTORY = 8,
	POLL_ALL = 15,
	POLL_CAPTURE = 16 /* bmctop capture: what a report needs besides (IPMI) */
};

struct engine_observer {
	void (*host_changed)(void *ctx, struct bmc_host *h, unsigned what);
	/* An action (power, boot, identify) finished; msg says what happened. */
	void (*action_done)(void *ctx, struct bmc_host *h, const char *action, int status,
			    const char *msg);
	void *ctx;
};

/*
 * A module that lives as long as the engine (the scheduler): told when the
 * engine shuts down and when it is freed, so the engine needs to know
 * nothing of it.
 */
struct engine_hook {
	/* engine_shutdown: stop starting work and close handles, holding the
	 * engine (engine_hold) until each is closed (engine_release). */
	void (*closing)(void *ctx, struct bmc_engine *e);
	/* engine_free: free memory; the loop is no longer run. */
	void (*free)(void *ctx);
	void *ctx;
};

struct bmc_engine {
	uv_loop_t *loop;
	const struct fleet *fleet;
	struct bmc_host *hosts;
	size_t nhosts;
	struct cred_cache *creds;

	struct engine_observer *observers;
	size_t nobservers;

	struct engine_hook *hooks;
	size_t nhooks;

	/* The scheduler's state (core/sched.h), made on its first use and
	 * opaque here; its options through sched_options(). */
	struct sched *sched;

	/* Shutdown. */
	int closing;
	size_t open_handles;
	void (*closed_cb)(struct bmc_engine *e);
	uv_signal_t sigint, sigterm, sighup;
	int signals_installed;
	int signal_seen;
	/* Set by a front end that must wind down before the engine does
	 * (open consoles); it then calls engine_shutdown itself. */
	void (*on_signal)(struct bmc_engine *e, int signum);
	void *front_end;

	/* History, fleet events and alert hooks (core/record.h), when a
	 * front end enabled them; NULL otherwise. */
	struct recorder *recorder;
};

/* Which backend serves a protocol: backend_for_protocol() (the registry,
 * backend/registry.c), or a test's own.  Handed in by the front end, so the
 * engine never names the backends that sit above it. */
typedef const struct bmc_backend *(*engine_backend_for)(enum fleet_protocol p);

/*
 * Set up one host per fleet entry, each with the backend backend_for gives
 * its protocol (none, with an error on the host, when it gives NULL or is
 * NULL).
 */
int engine_init(struct bmc_engine *e, uv_loop_t *loop, const struct fleet *fleet,
		engine_backend_for backend_for);
void engine_add_observer(struct bmc_engine *e, const struct engine_observer *obs);
/* Forget the observers added with ctx (their ctx is about to go). */
void engine_remove_observer(struct bmc_engine *e, const void *ctx);
void engine_add_hook(struct bmc_engine *e, const struct engine_hook *hook);
/* Keep engine_shutdown's callback waiting for one more thing to close. */
void engine_hold(struct bmc_engine *e);
void engine_release(struct bmc_engine *e);
/* Close every backend session and handle; cb runs when all are closed. */
void engine_shutdown(struct bmc_engine *e, void (*cb)(struct bmc_engine *e));
/* Free memory after shutdown has completed (or if the loop never ran). */
void engine_free(struct bmc_engine *e);
/* SIGINT, SIGTERM and SIGHUP start an orderly shutdown, then stop the loop. */
void engine_handle_signals(struct bmc_engine *e);

struct bmc_host *engine_find_host(struct bmc_engine *e, const char *name);

/* The host's login password / K_g, read once per source. NULL and *err. */
const struct secret *engine_host_password(struct bmc_host *h, char **err);
const struct secret *engine_host_kg(struct bmc_host *h, char **err);

/* Operations on one host; they go to its backend. */
int engine_poll(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg);
int engine_power(struct bmc_host *h, enum bmc_power_action a, bmc_op_cb cb, void *arg);
int engine_boot(struct bmc_host *h, enum bmc_boot_device dev, int persistent, bmc_op_cb cb,
		void *arg);
int engine_identify(struct bmc_host *h, int seconds, bmc_op_cb cb, void *arg);
/* Accept the BMC's current TLS key (Redfish; "bmctop trust"). */
int engine_trust(struct bmc_host *h, bmc_op_cb cb, void *arg);

/*
 * Benchmarks only (HACKING, "A compressed week"): BMCTOP_CLOCK_SCALE=N or
 * N@EPOCH makes the wall clock below run N times fast, meeting the real
 * clock at EPOCH (Unix seconds; default: the first look), and the
 * scheduler's intervals N times short, so a week of 30 s polls fits in a
 * bench: with EPOCH a week / N ahead, the recording ends at the real now
 * and plain readers (bmctop history) find it.  1 without it; N is clamped
 * to 1..10000.  Read once, in engine_clock_scale().
 */
double engine_clock_scale(void);
int64_t engine_clock_scaled(int64_t real_ms);

/* Wall clock in Unix milliseconds (inline: host.c needs it and calls no
 * other engine function); scaled only under BMCTOP_CLOCK_SCALE. */
static inline int64_t engine_wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return engine_clock_scaled((int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000);
}

#endif
