/*
 * tls/trust.h - the fleet file's TLS trust policy (tls = verify, pin,
 * tofu, insecure) and the TLS keys bmctop has seen, per host
 * ($XDG_STATE_HOME/bmctop/known_hosts), for "tls = tofu".
 */
#ifndef BMCTOP_TLS_TRUST_H
#define BMCTOP_TLS_TRUST_H

#include <stddef.h>

#include "core/fleet.h"

/* trust_lookup's answer when known_hosts holds no key for the host. */
#define TRUST_NONE 1
/*
 * The pin recorded for host at url into out: 0; TRUST_NONE when there is
 * none (first use); or -errno when known_hosts exists but cannot be read (a
 * link, not a regular file, too big, no permission), which callers must
 * not take for first use: the keys it holds could not be checked.
 */
int trust_lookup(const char *host, const char *url, char *out, size_t outlen);
/* A message for trust_lookup's -errno, naming the file and the fix. */
char *trust_unreadable_message(int err);
/* Record (or replace) the pin for host at url; 0 or -errno. */
int trust_store(const char *host, const char *url, const char *pin);

/* trust_tofu's answer when known_hosts holds another key for the host. */
#define TRUST_CHANGED 2
/*
 * The trust-on-first-use decision for the key pin seen at url: 0 when it
 * is the key recorded; TRUST_NONE when none was, and pin is recorded now (a
 * failure to write is logged: the key is trusted this once); TRUST_CHANGED
 * with the recorded pin in known; or trust_lookup's -errno.
 */
int trust_tofu(const char *host, const char *url, const char *pin, char *known, size_t knownlen);
/* The message for TRUST_CHANGED; unsent says what was held back ("nothing"). */
char *trust_changed_message(const char *host, const char *url, const char *known, const char *pin,
			    const char *unsent);
/*
 * Whether the key pin of a TLS server at origin (https://HOST:PORT) is one
 * hc's policy accepts, for connections that check it themselves (libcurl's
 * are checked by its options): 0, or BMC_ETLS with *why (malloc'd; target
 * names the connection).  verified: the chain checked out against the CAs.
 */
int trust_policy_check(const struct host_config *hc, const char *origin, const char *target,
		       const char *pin, int verified, char **why);

#endif
