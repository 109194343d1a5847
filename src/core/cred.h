/*
 * core/cred.h - reading secrets (passwords, BMC keys) from where the fleet file
 * says they live: an environment variable, a 0600 file, or a command.
 *
 * Secrets never come from argv and never appear in messages: errors name the
 * source (variable, file, command's line in the fleet file), not the value.
 */
#ifndef BMCTOP_CRED_H
#define BMCTOP_CRED_H

#include <stddef.h>

#include "core/fleet.h"

#define SECRET_MAX 4096

struct secret {
	char *data; /* NUL-terminated; may hold NULs before len for K_g */
	size_t len;
};

/*
 * Read a secret.  Returns 0, or -1 with *err set to a malloc'd message that
 * says which source failed and how to fix it.  SECRET_NONE gives an empty
 * secret.
 */
int cred_read(const struct secret_source *src, struct secret *out, char **err);
void secret_free(struct secret *s);

/*
 * A cache so that ten thousand hosts sharing [defaults] read one file or run
 * one command once.  Entries live until cred_cache_free().
 */
struct cred_cache;

struct cred_cache *cred_cache_new(void);
/* The secret for src, read on first use; NULL with *err on failure. */
const struct secret *cred_cache_get(struct cred_cache *c, const struct secret_source *src,
				    char **err);
void cred_cache_free(struct cred_cache *c);

/* Check that a secret-holding file is private; 0, or -1 with *err set. */
int cred_check_private(const char *path, const char *what, char **err);

/*
 * The environment of every child bmctop starts (a password-command, the
 * VNC viewer, the demo's bmcsim): a copy of environ without the variables
 * that hold secrets, that is those hidden here (every *-env key of a
 * loaded fleet: password-env, kg-env, vnc-password-env) and VNC_PASSWORD
 * and VNC_PASSWD.  Free with strv_free.
 */
void cred_hide_env(const char *name);
void cred_hide_fleet_env(const struct fleet *f);
char **cred_child_env(void);

#endif
