/*
 * core/alert.h - alert hooks: the fleet's alert-command run on chosen
 * fleet events.
 *
 * The command is split at spaces and run without a shell (uv_spawn); the
 * event comes as BMCTOP_* environment variables and as one JSON object on
 * its stdin; its environment is bmctop's without secrets (cred_child_env).
 * At most one run per host per alert-interval, and ALERT_MAX_CHILDREN at
 * once: an event past either limit is logged and dropped, so a storm never
 * forks a storm.  A hook running past ALERT_TIMEOUT_MS is killed, and at
 * shutdown the running ones get SIGTERM.
 */
#ifndef BMCTOP_ALERT_H
#define BMCTOP_ALERT_H

#include <stddef.h>
#include <uv.h>

#include "core/events.h"
#include "core/fleet.h"

#define ALERT_MAX_CHILDREN 8
#define ALERT_TIMEOUT_MS   60000 /* a hook running longer is killed */

struct alerter;

/* NULL when the fleet has no alert-command. */
struct alerter *alert_new(uv_loop_t *loop, const struct fleet *f, size_t nhosts);
/* The FLEET_ALERT_* class of an event (0: none). */
unsigned alert_class(const struct fleet_event *e);
/*
 * Run the hook for e (of host number host_index) if alert-on takes it:
 * 1 started, 0 not chosen, -EBUSY rate-limited or at the cap, or a
 * negative errno when the command could not start.
 */
int alert_fire(struct alerter *a, const struct fleet_event *e, size_t host_index, int64_t now_ms);
/* Runs so far, and events dropped by the limits. */
void alert_counts(const struct alerter *a, unsigned long *runs, unsigned long *dropped);
/*
 * Stop: children still running get SIGTERM; done(arg) once every handle is
 * closed (at once when none is open).
 */
void alert_close(struct alerter *a, void (*done)(void *arg), void *arg);
/* After done: free. */
void alert_free(struct alerter *a);

#endif
