/*
 * tls/trust.c - the TLS trust policy, and known_hosts for trust on first use.
 *
 * The policy (trust_policy_check) is for connections that check the key
 * themselves; libcurl's requests get the same rules as its options
 * (redfish/session.c).  Both decide first use through trust_tofu().
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

#include "core/errors.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/state-file.h"
#include "core/xalloc.h"
#include "tls/pin.h"
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

int trust_tofu(const char *host, const char *url, const char *pin, char *known, size_t knownlen)
{
	int found = trust_lookup(host, url, known, knownlen);

	if (found < 0)
		return found;
	if (found == 0)
		return strcmp(known, pin) == 0 ? 0 : TRUST_CHANGED;
	if (trust_store(host, url, pin) != 0)
		log_warn("%s: cannot record the TLS key in known_hosts", host);
	return TRUST_NONE;
}

char *trust_changed_message(const char *host, const char *url, const char *known, const char *pin,
			    const char *unsent)
{
	return xasprintf("the TLS key of %s changed: known %s, now %s; %s was sent. If the change "
			 "is expected, run: bmctop trust %s",
			 url, known, pin, unsent, host);
}

int trust_policy_check(const struct host_config *hc, const char *origin, const char *target,
		       const char *pin, int verified, char **why)
{
	char known[TLS_PIN_MAX];
	int ok = 0, rc;

	*why = NULL;
	switch (hc->tls) {
	case TLS_INSECURE:
		ok = 1;
		break;
	case TLS_VERIFY:
		ok = verified;
		break;
	case TLS_PIN:
		ok = hc->tls_pin != NULL && tls_pin_listed(hc->tls_pin, pin);
		break;
	case TLS_TOFU:
		rc = trust_tofu(hc->name, origin, pin, known, sizeof known);
		if (rc < 0) {
			*why = trust_unreadable_message(rc);
			return BMC_ETLS;
		}
		if (rc == TRUST_CHANGED) {
			*why = trust_changed_message(hc->name, origin, known, pin, "nothing");
			return BMC_ETLS;
		}
		if (rc == TRUST_NONE)
			log_info("%s: trusting TLS key %s of %s on first use", hc->name, pin,
				 origin);
		ok = 1;
		break;
	}
	if (ok)
		return 0;
	*why = xasprintf("%s: the TLS key %s is not trusted (tls = %s)", target, pin,
			 fleet_tls_name(hc->tls));
	return BMC_ETLS;
}
