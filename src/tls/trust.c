/*
 * tls/trust.c - known_hosts for Redfish TLS keys (trust on first use).
 *
 * One line per host: NAME URL sha256//BASE64.  The file is small (one line
 * per Redfish host) and rewritten whole through core/state-file.c's writer (a
 * mkstemp temporary, then rename) whenever a key is recorded or replaced
 * by "bmctop trust".  It is read and written at once, not queued: a key
 * that cannot be recorded is reported to the caller.  A known_hosts that
 * is a symbolic link, or that cannot be read, is neither trusted nor
 * overwritten: its pins may be someone else's, and losing the user's
 * would silently turn every host back to first use.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/paths.h"
#include "core/state-file.h"
#include "core/xalloc.h"
#include "tls/trust.h"

/* Tens of thousands of hosts at under 200 bytes a line. */
#define KNOWN_HOSTS_MAX (16u << 20)

/* known_hosts whole, NUL-terminated; NULL and *err (0: none yet) otherwise. */
static char *read_known_hosts(const char *path, int *err)
{
	uint8_t *data;
	size_t len;

	*err = state_file_read(path, KNOWN_HOSTS_MAX, &data, &len);
	if (*err == -ENOENT) {
		*err = 0;
		return NULL;
	}
	if (*err != 0) {
		log_warn("cannot read %s: %s", path, paths_strerror(*err));
		return NULL;
	}
	return (char *)data;
}

/* Whether line (NUL-terminated, no newline) is the entry for host at url. */
static int line_is(const char *line, const char *host, const char *url, char *pin, size_t pinlen)
{
	char name[256], u[512], p[128];
	int n = sscanf(line, "%255s %511s %127s", name, u, p);

	if (n < 2 || strcmp(name, host) != 0 || strcmp(u, url) != 0)
		return 0;
	if (pin != NULL) {
		if (n != 3)
			return 0;
		snprintf(pin, pinlen, "%s", p);
	}
	return 1;
}

int trust_lookup(const char *host, const char *url, char *out, size_t outlen)
{
	char *path = paths_state_file("known_hosts");
	char *text, *line, *save = NULL;
	int err, rc = TRUST_NONE;

	text = read_known_hosts(path, &err);
	free(path);
	if (text == NULL)
		return err != 0 ? err : TRUST_NONE;
	/* The last entry for a host wins, as the file has always been read. */
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (line_is(line, host, url, out, outlen))
			rc = 0;
	free(text);
	return rc;
}

char *trust_unreadable_message(int err)
{
	char *path = paths_state_file("known_hosts");
	char *msg = xasprintf("cannot read %s (%s), so the BMC's TLS key cannot be checked and "
			      "nothing is sent: make it a regular file of yours or remove it",
			      path, paths_strerror(err));

	free(path);
	return msg;
}

int trust_store(const char *host, const char *url, const char *pin)
{
	char *path = paths_state_file("known_hosts");
	char *text, *line, *save = NULL, *out;
	size_t cap, len = 0;
	int err;

	text = read_known_hosts(path, &err);
	if (err != 0) {
		free(path);
		return err;
	}
	/* The kept lines (one may gain a newline), the new one, its NUL. */
	cap = (text != NULL ? strlen(text) + 1 : 0) + strlen(host) + strlen(url) + strlen(pin) + 4;
	out = xmalloc(cap);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line_is(line, host, url, NULL, 0))
			continue;
		len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
	}
	len += (size_t)snprintf(out + len, cap - len, "%s %s %s\n", host, url, pin);
	err = state_file_write_now(path, (const uint8_t *)out, len);
	if (err != 0)
		log_warn("cannot write %s: %s", path, strerror(-err));
	free(out);
	free(text);
	free(path);
	return err;
}
