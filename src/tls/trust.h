/*
 * tls/trust.h - the TLS keys bmctop has seen, per host
 * ($XDG_STATE_HOME/bmctop/known_hosts), for "tls = tofu".
 */
#ifndef BMCTOP_REDFISH_TRUST_H
#define BMCTOP_REDFISH_TRUST_H

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

#endif
