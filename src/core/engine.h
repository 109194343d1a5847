/*
 * core/engine.h - the fleet model and the engine's public interface.
 *
 * The engine owns one bmc_host per configured host: its last readings, its
 * error, its counters.  Backends (IPMI, Redfish) fill hosts in; front ends
 * (the command line, the TUI) subscribe as observers and never poke at
 * backend state.  Everything runs on one uv_loop_t.
 */
#ifndef BMCTOP_ENGINE_H
#define BMCTOP_ENGINE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/cred.h"
#include "core/errors.h"
#include "core/fleet.h"
#include "core/host.h"
#include "core/inflight.h"


/* Scheduler state kept on each host; private to core/sched.c. */
enum sched_state { SCH_IDLE, SCH_WAITING, SCH_QUEUED, SCH_RUNNING, SCH_PARKED };

struct sched_host {
	uv_timer_t timer;
	enum sched_state state;
	unsigned failures;
	uint64_t next_delay_ms; /* last delay chosen, for tests and the UI */
	struct bmc_host *queue_next;
	int poll_requested; /* "poll now" while a poll was running */
	int in_sweep;	    /* counted by the current one-shot sweep */
	int unanswered;	    /* the last poll timed out: queued apart */
	int ran_apart;	    /* this poll counts against slow_in_flight */
	uint64_t queued_ms; /* when it joined a queue */
};

struct bmc_backend;
struct bmc_engine;

struct bmc_host {
	struct bmc_engine *engine;
	const struct host_config *cfg;
	size_t index;

	enum bmc_host_state state;
	enum bmc_power power;
	enum bmc_health health;
	enum bmc_source protocol; /* which backend answered */
	char *vendor;
	char *model;
	char *serial;
	char *firmware;
	char *last_power_event;
	enum bmc_boot_device boot_device;
	int boot_persistent;

	struct bmc_sensor *sensors;
	size_t nsensors;
	struct bmc_event *events;
	size_t nevents;
	struct bmc_kv *inventory;
	size_t ninventory;

	/* Consoles the BMC advertises (Redfish GraphicalConsole/SerialConsole of
	 * the Manager and ComputerSystem): CONSOLE_CAP_* bits, 0 when unknown. */
	unsigned console_caps;

	char *error;	 /* what went wrong last, for a person to read */
	int last_status; /* 0 or BMC_E* */
	int64_t updated_ms; /* wall clock of the last good poll; 0 never */
	uint64_t counters[CNT__MAX];

	struct sched_host sched;
	const struct bmc_backend *backend;
	void *backend_data;
};

/* Completion of an asynchronous backend operation. */
typedef void (*bmc_op_cb)(struct bmc_host *h, int status, void *arg);

enum poll_what {
	POLL_POWER = 1,
	POLL_SENSORS = 2,
	POLL_EVENTS = 4,
	POLL_INVENTORY = 8,
	POLL_ALL = 15
};

/* What changed on a host, for observers. */
enum host_change {
	CHANGED_STATE = 1,
	CHANGED_READINGS = 2,
	CHANGED_EVENTS = 4,
	CHANGED_INVENTORY = 8
};

struct engine_observer {
	void (*host_changed)(void *ctx, struct bmc_host *h, unsigned what);
	/* An action (power, boot, identify) finished; msg says what happened. */
	void (*action_done)(void *ctx, struct bmc_host *h, const char *action, int status,
			    const char *msg);
	void *ctx;
};

struct sched_options {
	unsigned max_in_flight;	 /* a fixed cap; 0: adaptive (core/inflight.h) */
	double jitter;		 /* delays vary by +-jitter * delay */
	uint64_t backoff_max_ms; /* longest wait after repeated failures */
	uint64_t seed;		 /* 0: random */
	unsigned what;		 /* POLL_* asked of each periodic poll */
};

struct bmc_engine {
	uv_loop_t *loop;
	const struct fleet *fleet;
	struct bmc_host *hosts;
	size_t nhosts;
	struct cred_cache *creds;

	struct engine_observer *observers;
	size_t nobservers;

	/* Scheduler. */
	struct sched_options sched_opts;
	struct bmc_host *queue_head, *queue_tail;
	/* Hosts whose last poll timed out, with a budget of their own. */
	struct bmc_host *slow_head, *slow_tail;
	struct inflight_cap cap; /* limit 0 until the scheduler first runs */
	unsigned slow_in_flight;
	unsigned in_flight;
	unsigned peak_in_flight;
	uint64_t rng;
	int polling;
	size_t sweep_left;
	void (*sweep_done)(struct bmc_engine *e);

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
};

/*
 * Set up one host per fleet entry.  Each host gets the backend its protocol
 * asks for, or `backend` for all of them when it is not NULL (tests).
 */
int engine_init(struct bmc_engine *e, uv_loop_t *loop, const struct fleet *fleet,
		const struct bmc_backend *backend);
void engine_add_observer(struct bmc_engine *e, const struct engine_observer *obs);
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

/* For backends: record results and tell observers. */
void host_set_error(struct bmc_host *h, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void host_set_errorv(struct bmc_host *h, int status, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
void host_clear_error(struct bmc_host *h);
void host_set_string(char **slot, const char *value);
void host_set_sensors(struct bmc_host *h, struct bmc_sensor *s, size_t n);
void host_set_events(struct bmc_host *h, struct bmc_event *ev, size_t n);
void host_set_inventory(struct bmc_host *h, struct bmc_kv *kv, size_t n);
void host_free_inventory(struct bmc_kv *kv, size_t n);
/* Worst of the sensor statuses (and any backend-reported health). */
enum bmc_health host_rollup_health(const struct bmc_host *h);
void host_changed(struct bmc_host *h, unsigned what);
void host_action_done(struct bmc_host *h, const char *action, int status, const char *msg);
int64_t engine_wall_ms(void);


/* Scheduler (core/sched.c). */
void sched_start(struct bmc_engine *e);
void sched_stop(struct bmc_engine *e);
/* Un-park a host (or cut its wait short) and poll it as soon as a slot is free. */
void sched_poll_now(struct bmc_host *h);
/*
 * Poll each of hosts once (n of them), max_in_flight at a time, without
 * arming timers; done runs when the last one has finished.  For the
 * command-line front end.
 */
void sched_sweep(struct bmc_engine *e, struct bmc_host **hosts, size_t n,
		 void (*done)(struct bmc_engine *e));
/* The delay after a poll that ended with status, for h's interval. */
uint64_t sched_next_delay(struct bmc_engine *e, struct bmc_host *h, int status);

#endif
