/*
 * redfish-trust.h - the TLS keys bmctop has seen, per host
 * ($XDG_STATE_HOME/bmctop/known_hosts), for "tls = tofu".
 */
#ifndef BMCTOP_REDFISH_TRUST_H
#define BMCTOP_REDFISH_TRUST_H

/* The pin recorded for host at url into out; 0, or -1 when none. */
int trust_lookup(const char *host, const char *url, char *out, size_t outlen);
/* Record (or replace) the pin for host at url; 0 or -errno. */
int trust_store(const char *host, const char *url, const char *pin);

#endif
