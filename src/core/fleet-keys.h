/*
 * core/fleet-keys.h - the fleet file's key table, for core/fleet.c only.
 *
 * What a key is (its value parser and where it may appear) and the
 * lifetime of a host_config; the rest of bmctop sees only core/fleet.h.
 */
#ifndef BMCTOP_FLEET_KEYS_H
#define BMCTOP_FLEET_KEYS_H

#include "core/fleet.h"

/* Parses and applies one value; NULL when good, else what was expected. */
typedef const char *(*apply_fn)(struct host_config *hc, const char *value, struct fleet *f);

enum key_scope { SCOPE_ANY, SCOPE_DEFAULTS, SCOPE_HOST };

struct fleet_key {
	const char *name;
	apply_fn apply;
	enum key_scope scope;
};

/* The key of that name; NULL when there is none. */
const struct fleet_key *fleet_key_find(const char *name);
/* A known key close to a mistyped one, or NULL. */
const char *fleet_key_suggest(const char *name);
/* The key's value is a secret written inline (wiped after use). */
int fleet_key_is_inline_secret(const struct fleet_key *k);

/* The built-in defaults, under [defaults]. */
void fleet_config_defaults(struct host_config *d);
void fleet_config_copy(struct host_config *dst, const struct host_config *src);
void fleet_config_free(struct host_config *hc);
/* Record where a secret key was configured, for messages from core/cred.c. */
void fleet_config_note_secret(struct host_config *hc, const char *key, const char *file, int line);

#endif
