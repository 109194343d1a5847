/*
 * core/events.h - fleet events: what changed on which host, and when.
 *
 * State transitions (ok/warning/critical, power, reachable/unreachable,
 * parked), sensor threshold crossings and new event-log entries, kept in a
 * bounded ring (newest overwrite oldest) that front ends read, and in a
 * ring file of the same size beside the history store so `bmctop events`
 * sees them after the dashboard is gone.  A host flapping (the same kind
 * of change again within EVENTS_FLAP_S, unacknowledged) is one entry whose
 * count grows.  No loop here: core/record.c finds the changes.
 */
#ifndef BMCTOP_EVENTS_H
#define BMCTOP_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#define EVENTS_CAP    4096 /* entries kept, in memory and on disk */
#define EVENTS_FLAP_S 600  /* changes closer than this collapse */

enum fev_kind {
	FEV_HEALTH, /* ok / warning / critical */
	FEV_POWER,  /* on / off */
	FEV_STATE,  /* ok / unreachable / error / parked (reachability) */
	FEV_SENSOR, /* one sensor's status changed: a threshold crossed */
	FEV_SEL,    /* a new entry in the BMC's event log */
	FEV__MAX
};

struct fleet_event {
	uint64_t seq;	 /* 1, 2, ... in the order first recorded */
	int64_t t_first; /* Unix milliseconds of the first change */
	int64_t t;	 /* and of the latest (flapping: count > 1) */
	uint32_t count;	 /* changes collapsed into this entry */
	uint8_t kind;	 /* enum fev_kind */
	uint8_t acked;
	uint8_t severity; /* enum bmc_health of the new state, for filters */
	uint8_t pad;
	char host[64];
	char subject[48]; /* the sensor, for FEV_SENSOR and FEV_SEL; else "" */
	char from[24], to[24];
	char text[160];
};

struct events;

/*
 * A ring, stored in path when path is not NULL (created 0600, never
 * through a link; read back if it exists).  writer 0: read-only (for
 * bmctop events).  0 or -errno with *err a message for a person.
 */
int events_open(struct events **out, const char *path, int writer, char **err);
void events_close(struct events *ev);

/*
 * Record one change (t in Unix ms), or fold it into the host's entry of
 * the same kind and subject when that one is recent and unacknowledged.
 * The entry, valid until the next add; NULL on bad arguments.
 */
const struct fleet_event *events_add(struct events *ev, int64_t t, const char *host,
				     enum fev_kind kind, const char *subject, const char *from,
				     const char *to, int severity, const char *text);

/* Copy an entry from another ring (counts and acknowledgement kept) as the
 * newest, with a new seq. */
void events_import(struct events *ev, const struct fleet_event *e);

/* Entries held, and the i-th newest first (i < events_count). */
size_t events_count(const struct events *ev);
const struct fleet_event *events_get(const struct events *ev, size_t i);
/* Entries whose latest change is at or after since_ms, newest first; the count. */
size_t events_since(const struct events *ev, int64_t since_ms, const struct fleet_event **out,
		    size_t max);

/* Acknowledge one entry by seq: 0, or -ENOENT when it is gone. */
int events_ack(struct events *ev, uint64_t seq);
/* Acknowledge every entry match() accepts; the number newly acknowledged. */
size_t events_ack_matching(struct events *ev, int (*match)(const struct fleet_event *e, void *ctx),
			   void *ctx);
/* Bumped by every add, fold, import and acknowledgement: a front end
 * recomputes what it derives from the ring only when this moved. */
uint64_t events_version(const struct events *ev);
/* Unacknowledged entries of one host (a walk of the ring; for many hosts
 * see record_unseen()). */
size_t events_unacked(const struct events *ev, const char *host);

/* One entry as a JSON object (jansson), for bmctop events --json and hooks. */
struct json_t;
struct json_t *events_to_json(const struct fleet_event *e);

const char *fev_kind_name(enum fev_kind k);
/* "health", ... back to a kind; -1 when none. */
int fev_kind_parse(const char *name);

/*
 * Streams (bmctop events --follow, serve's /events).  A change is named by
 * its cursor: the entry's latest change time and seq, so a flapping
 * entry's new count is news again and a replay then live join without
 * duplicates.  The text form "T-SEQ" is an SSE event id.
 */
struct events_cursor {
	int64_t t;
	uint64_t seq;
};

/* Is e's change after cursor c (time, then seq)? */
int events_cursor_before(const struct events_cursor *c, const struct fleet_event *e);
/* Entries changed after c, oldest change first, into out[0..max); the count. */
size_t events_after(const struct events *ev, const struct events_cursor *c,
		    const struct fleet_event **out, size_t max);
void events_cursor_format(const struct fleet_event *e, char *buf, size_t len);
/* "T-SEQ" back into c: 0, or -1 when malformed. */
int events_cursor_parse(const char *s, struct events_cursor *c);
/* "90s", "30m", "1h", "2d", "1w" into seconds, up to a week: 0, or -1. */
int events_parse_ago(const char *s, int64_t *seconds);

#endif
