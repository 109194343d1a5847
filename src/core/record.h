/*
 * core/record.h - recording what the engine sees: readings into the
 * history store, changes into fleet events, events to the alert hook.
 *
 * One call (record_enable) after engine_init, from any front end: it adds
 * an observer and a hook, so the engine knows nothing of it.  Front ends
 * find it again with record_of(engine).  For sparklines it keeps, per
 * host, the last hour of two trends in memory (no disk read per frame).
 */
#ifndef BMCTOP_RECORD_H
#define BMCTOP_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"
#include "core/events.h"
#include "core/history.h"

#define RECORD_FLUSH_MS 2000 /* a kill -9 loses at most this much history */

enum record_trend {
	TREND_TEMP_MAX, /* the host's hottest temperature sensor */
	TREND_POWER,	/* the sum of its power (W) sensors */
	TREND__N
};

struct recorder;

/*
 * Record into dir (NULL: the state directory's "history"): readings into
 * the history store and changes into fleet events, and run the fleet's
 * alert hook.  The store (and the writer's lock) is taken at the first
 * sensor readings, so commands that poll none never hold it; when another
 * bmctop holds it, this one logs so and keeps its events in memory.  0, or
 * a negative errno with *err a message for a person.
 */
int record_enable(struct bmc_engine *e, const char *dir, char **err);
/* The engine's recorder, or NULL when recording is off. */
struct recorder *record_of(const struct bmc_engine *e);

/* The store (NULL until the first readings, or when another bmctop
 * records) and the event ring; ask each time: the ring moves into the
 * store's file when that opens. */
struct history *record_history(struct recorder *r);
struct events *record_events(struct recorder *r);

/*
 * The last n steps (HIST_STEP_S each, n <= HIST_RAW_N) of a trend of host
 * h, oldest first, NaN where there was no reading.  Memory only: cheap
 * enough for every row of every frame.
 */
size_t record_trend(const struct recorder *r, const struct bmc_host *h, enum record_trend which,
		    int64_t now_s, float *out, size_t n);

/*
 * Unacknowledged fleet events of host h, for the host list's "unseen"
 * mark: counted for every host in one walk of the ring when it changed
 * (events_version), else a lookup, so cheap for every row of every frame.
 * Acknowledge through events_ack() / events_ack_matching() on
 * record_events().
 */
size_t record_unseen(struct recorder *r, const struct bmc_host *h);

/* Alert hook runs so far, and events the hook's limits dropped. */
void record_alert_counts(const struct recorder *r, unsigned long *runs, unsigned long *dropped);

/*
 * Listeners, told of every fleet event as it is recorded (the dashboard's
 * bell and refresh, serve's /events, events --follow); bell says the fleet
 * asked for alert-bell = yes and alert-on chose the event.  Up to
 * RECORD_LISTENERS_MAX at once, each called in the order added; 0, or
 * -ENOSPC when that many are in place.  Removing one (the same cb and ctx)
 * never disturbs the others; removing one not there does nothing.
 */
#define RECORD_LISTENERS_MAX 8
typedef void (*record_listener_fn)(void *ctx, const struct fleet_event *ev, int bell);
int record_add_listener(struct recorder *r, record_listener_fn cb, void *ctx);
void record_remove_listener(struct recorder *r, record_listener_fn cb, void *ctx);

#endif
