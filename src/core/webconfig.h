/*
 * core/webconfig.h - the web configuration file of `bmctop serve`, in the
 * Prometheus exporter-toolkit's format: a TLS certificate and key, and
 * basic-auth users with bcrypt hashes.
 *
 * Only the subset bmctop acts on is read; any other key is an error
 * naming FILE:LINE, so a setting the operator relies on (client
 * certificates, say) is never silently ignored.
 */
#ifndef BMCTOP_WEBCONFIG_H
#define BMCTOP_WEBCONFIG_H

#include <stddef.h>
#include <stdint.h>

/* Credentials that passed bcrypt, remembered as keyed MACs so a scraper
 * that sends them every few seconds costs a hash, not a bcrypt run. */
#define WEBCONFIG_AUTH_CACHE 32

struct webconfig_user {
	char *name;
	char *hash; /* bcrypt: $2a$, $2b$ or $2y$ */
};

struct webconfig {
	char *path;
	char *cert_file; /* relative names are taken from the file's folder */
	char *key_file;
	struct webconfig_user *users;
	size_t nusers;
	uint8_t cache_key[32]; /* random per load */
	uint8_t cache[WEBCONFIG_AUTH_CACHE][32];
	size_t ncache, cache_next;
};

/*
 * Read path.  0, or -1 with *errors a malloc'd text of "FILE:LINE: message"
 * lines.  A file with a certificate needs its key and the other way round.
 */
int webconfig_load(struct webconfig *wc, const char *path, char **errors);
/* The same from memory; name is used in messages and to resolve files. */
int webconfig_parse(struct webconfig *wc, const char *name, const char *text, size_t len,
		    char **errors);
void webconfig_free(struct webconfig *wc);

/*
 * Check an Authorization header value ("Basic base64(user:password)")
 * against the users: 1 allowed, 0 refused.  Allowed when the file names no
 * users.  An unknown user costs the same bcrypt work as a known one; a
 * header that passed before is found in the cache.
 */
int webconfig_check_auth(struct webconfig *wc, const char *authorization);

/*
 * The same in three steps, so the bcrypt work can run off the loop (it
 * takes tens of milliseconds by design):
 * webconfig_auth_cached: 1 allowed (no users, or this header passed
 * before), -1 refused (not Basic), 0 to be verified; mac gets the header's
 * cache key.  webconfig_auth_verify: the bcrypt check, 1 or 0; it changes
 * nothing in wc, so it may run on another thread.
 * webconfig_auth_remember: a verified header, into the cache (on the loop).
 */
int webconfig_auth_cached(struct webconfig *wc, const char *authorization, uint8_t mac[32]);
int webconfig_auth_verify(const struct webconfig *wc, const char *authorization);
void webconfig_auth_remember(struct webconfig *wc, const uint8_t mac[32]);

#endif
