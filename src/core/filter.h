/*
 * core/filter.h - the host filter language: parse an expression once, then
 * match hosts against it.
 *
 *   critical            a word: case-insensitive, found in the name, address,
 *                       group, protocol, model, error, or starting the
 *                       health, state or power word a row shows
 *   health:critical     health: ok warning critical unknown
 *   power:off           power: on off unknown
 *   state:unreachable   state: ok connecting unreachable error parked
 *   group:rack4 @rack4  the group, whole (case-insensitive)
 *   proto:redfish       ipmi redfish auto both (configured or answering)
 *   name: addr: error: model: serial: fw:   a substring of that field
 *   node0[1-3]          a host range: exactly those names
 *   temp>80             temp (hottest), inlet, cpu, watts, fans (lowest),
 *                       age (seconds): > >= < <= = !=; a host without the
 *                       reading never matches
 *
 * Terms separated by spaces must all match (AND); alternatives inside a term
 * are separated by '|' (health:warning|critical, web|db); a leading '-' or
 * '!' negates a term.  Double quotes keep spaces in a word.
 *
 * Pure: no loop, no terminal; the dashboard, the events view and `serve`
 * share it.
 */
#ifndef BMCTOP_FILTER_H
#define BMCTOP_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/host.h"

struct filter;

/* The numbers a host's row shows, as the filter and the sort see them. */
enum filter_metric {
	FILTER_TEMP,  /* hottest temperature, C */
	FILTER_INLET, /* inlet (or intake, ambient) temperature, C */
	FILTER_CPU,   /* hottest CPU temperature, C */
	FILTER_WATTS, /* sum of W readings */
	FILTER_FANS,  /* lowest fan, RPM */
	FILTER_AGE,   /* seconds since the last good poll */
	FILTER__METRICS
};

/*
 * Parse expr (an empty one matches every host).  0 and *out set, or a
 * negative BMC_E* code with a message for a person in err.
 */
int filter_parse(const char *expr, struct filter **out, char *err, size_t errlen);
/* 1 when h matches; now_ms is the wall clock, for age. */
int filter_match(const struct filter *f, const struct bmc_host *h, int64_t now_ms);
void filter_free(struct filter *f);

/* For completion: the keys a filter knows ("health", ..., NULL-terminated)
 * and the values of one (NULL when it takes free text). */
extern const char *const filter_key_names[];
const char *const *filter_key_values(const char *key);

/* A metric of h in *value; 0 when the host has no such reading. */
int filter_metric(const struct bmc_host *h, enum filter_metric m, int64_t now_ms, double *value);
/* The state word a row and the status line show: connecting, ok,
 * unreachable, error, parked. */
const char *filter_state_word(const struct bmc_host *h);

#endif
