/*
 * core/fleet-keys.c - the keys of the fleet file and the values they take.
 *
 * One table (fleet_keys) names every key, the function that parses and
 * applies its value to a host_config, and where it may appear.  This file
 * is all that knows the fields of a host_config: their built-in defaults,
 * how a value is checked, how a configuration is copied and freed.  The
 * file format itself (sections, ranges, expansion) is core/fleet.c's.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fleet-keys.h"
#include "core/fleet.h"
#include "core/xalloc.h"

/* Durations. */

int fleet_parse_duration(const char *s, uint64_t *ms)
{
	char *end;
	double v;
	double scale;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || v < 0)
		return -1;
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		scale = 1000;
	else if (strcmp(end, "ms") == 0)
		scale = 1;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		scale = 60000;
	else if (strcmp(end, "h") == 0)
		scale = 3600000;
	else
		return -1;
	v *= scale;
	if (v > 7 * 86400000.0)
		return -1;
	*ms = (uint64_t)(v + 0.5);
	return 0;
}

/* Names of enumerations, for messages and "config hosts". */

const char *fleet_protocol_name(enum fleet_protocol p)
{
	static const char *const names[] = { "auto", "ipmi", "redfish", "both" };

	return names[p];
}

const char *fleet_tls_name(enum fleet_tls t)
{
	static const char *const names[] = { "tofu", "verify", "pin", "insecure" };

	return names[t];
}

const char *fleet_privilege_name(enum fleet_privilege p)
{
	switch (p) {
	case PRIV_USER:
		return "user";
	case PRIV_OPERATOR:
		return "operator";
	case PRIV_ADMIN:
		return "admin";
	}
	return "?";
}

const char *fleet_workaround_name(unsigned i)
{
	static const char *const names[FLEET_WA_COUNT] = {
		"authcap",	  "nochecksumcheck", "intel20",	  "supermicro20",
		"sun20",	  "opensesspriv",    "solpayloadsize", "solport",
		"solstatus",	  "solchannelsupport", "serialalertsdeferred",
	};

	return i < FLEET_WA_COUNT ? names[i] : "?";
}

int fleet_workarounds_parse(const char *list, unsigned *bits, char **bad)
{
	char *copy = xstrdup(list), *save = NULL, *tok;
	unsigned i;

	*bits = 0;
	*bad = NULL;
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL; tok = strtok_r(NULL, ", \t", &save)) {
		for (i = 0; i < FLEET_WA_COUNT; i++)
			if (strcmp(tok, fleet_workaround_name(i)) == 0)
				break;
		if (i == FLEET_WA_COUNT) {
			*bad = xstrdup(tok);
			free(copy);
			return -1;
		}
		*bits |= 1u << i;
	}
	free(copy);
	return 0;
}

const char *fleet_workarounds_format(unsigned bits, char *buf, size_t len)
{
	size_t n = 0;
	unsigned i;

	snprintf(buf, len, "none");
	for (i = 0; i < FLEET_WA_COUNT && n < len; i++)
		if (bits & (1u << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      fleet_workaround_name(i));
	return buf;
}

int fleet_parse_hostport(const char *s, char **host, int *port)
{
	const char *colon;
	char *end;
	long p;
	size_t hlen;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		colon = close + 1;
		hlen = (size_t)(close - s - 1);
		s++;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0)
		return -1;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || p < 1 || p > 65535)
		return -1;
	if (host != NULL)
		*host = xstrndup(s, hlen);
	if (port != NULL)
		*port = (int)p;
	return 0;
}

char *fleet_redfish_url(const struct host_config *hc)
{
	if (hc->redfish_url != NULL) {
		char *url = xstrdup(hc->redfish_url);
		size_t n = strlen(url);

		while (n > 0 && url[n - 1] == '/')
			url[--n] = '\0';
		return url;
	}
	if (strchr(hc->address, ':') != NULL)
		return xasprintf("https://[%s]", hc->address);
	return xasprintf("https://%s", hc->address);
}

/* Value parsers.  Each returns NULL when the value is good, else what was expected. */

static void set_str(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

static const char *apply_address(struct host_config *hc, const char *v, struct fleet *f)
{
	if (v[0] == '\0' || strpbrk(v, " \t/") != NULL)
		return "a host name or IP address";
	set_str(&hc->address, v);
	return NULL;
}

static const char *apply_user(struct host_config *hc, const char *v, struct fleet *f)
{
	set_str(&hc->user, v);
	return NULL;
}

static const char *apply_secret(struct secret_source *s, enum secret_kind kind, const char *v)
{
	if (v[0] == '\0' && kind != SECRET_INLINE)
		return "a non-empty value";
	free(s->arg);
	s->kind = kind;
	s->arg = xstrdup(v);
	return NULL;
}

#define SECRET_KEYS(field)                                                                      \
	static const char *apply_##field##_inline(struct host_config *hc, const char *v,       \
						  struct fleet *f)                              \
	{                                                                                       \
		f->has_inline_secret = 1;                                                       \
		return apply_secret(&hc->field, SECRET_INLINE, v);                              \
	}                                                                                       \
	static const char *apply_##field##_env(struct host_config *hc, const char *v,          \
					       struct fleet *f)                                 \
	{                                                                                       \
		return apply_secret(&hc->field, SECRET_ENV, v);                                 \
	}                                                                                       \
	static const char *apply_##field##_file(struct host_config *hc, const char *v,         \
						struct fleet *f)                                \
	{                                                                                       \
		return apply_secret(&hc->field, SECRET_FILE, v);                                \
	}                                                                                       \
	static const char *apply_##field##_command(struct host_config *hc, const char *v,      \
						   struct fleet *f)                             \
	{                                                                                       \
		return apply_secret(&hc->field, SECRET_COMMAND, v);                             \
	}

SECRET_KEYS(password)
SECRET_KEYS(kg)
SECRET_KEYS(vnc_password)

static const char *apply_protocol(struct host_config *hc, const char *v, struct fleet *f)
{
	static const char *const names[] = { "auto", "ipmi", "redfish", "both" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcmp(v, names[i]) == 0) {
			hc->protocol = (enum fleet_protocol)i;
			return NULL;
		}
	}
	return "auto, ipmi, redfish or both";
}

static const char *apply_interval(struct host_config *hc, const char *v, struct fleet *f)
{
	uint64_t ms;

	if (fleet_parse_duration(v, &ms) != 0 || ms < 1000)
		return "a duration of at least 1s, such as 30s or 2m";
	hc->interval_ms = ms;
	return NULL;
}

static const char *apply_timeout(struct host_config *hc, const char *v, struct fleet *f)
{
	uint64_t ms;

	if (fleet_parse_duration(v, &ms) != 0 || ms < 50 || ms > 600000)
		return "a duration from 50ms to 10m, such as 2s";
	hc->timeout_ms = ms;
	return NULL;
}

static int parse_int(const char *v, long lo, long hi, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static const char *apply_retries(struct host_config *hc, const char *v, struct fleet *f)
{
	long n;

	if (parse_int(v, 0, 20, &n) != 0)
		return "a whole number from 0 to 20";
	hc->retries = (int)n;
	return NULL;
}

static const char *apply_cipher_suite(struct host_config *hc, const char *v, struct fleet *f)
{
	long n;

	if (strcmp(v, "auto") == 0) {
		hc->cipher_suite = CIPHER_SUITE_AUTO;
		return NULL;
	}
	if (parse_int(v, 0, 17, &n) != 0 || (n > 3 && n != 17))
		return "auto, 17, 3, 2, 1 or 0";
	hc->cipher_suite = (int)n;
	return NULL;
}

static const char *apply_privilege(struct host_config *hc, const char *v, struct fleet *f)
{
	if (strcmp(v, "user") == 0)
		hc->privilege = PRIV_USER;
	else if (strcmp(v, "operator") == 0)
		hc->privilege = PRIV_OPERATOR;
	else if (strcmp(v, "admin") == 0 || strcmp(v, "administrator") == 0)
		hc->privilege = PRIV_ADMIN;
	else
		return "user, operator or admin";
	return NULL;
}

static const char *apply_ipmi_port(struct host_config *hc, const char *v, struct fleet *f)
{
	long n;

	if (parse_int(v, 1, 65535, &n) != 0)
		return "a port number from 1 to 65535";
	hc->ipmi_port = (int)n;
	return NULL;
}

static int is_url(const char *v, const char *const *schemes)
{
	for (; *schemes != NULL; schemes++) {
		size_t n = strlen(*schemes);

		if (strncmp(v, *schemes, n) == 0 && v[n] != '\0' && v[n] != '/' &&
		    strpbrk(v, " \t") == NULL)
			return 1;
	}
	return 0;
}

static const char *apply_redfish(struct host_config *hc, const char *v, struct fleet *f)
{
	static const char *const schemes[] = { "https://", "http://", NULL };

	if (!is_url(v, schemes))
		return "a base URL such as https://bmc.example";
	set_str(&hc->redfish_url, v);
	return NULL;
}

static const char *apply_group(struct host_config *hc, const char *v, struct fleet *f)
{
	if (v[0] == '\0' || strpbrk(v, " \t,") != NULL)
		return "a group name without spaces or commas";
	set_str(&hc->group, v);
	return NULL;
}

static const char *apply_console(struct host_config *hc, const char *v, struct fleet *f)
{
	if (strcmp(v, "sol") != 0 && strcmp(v, "none") != 0 &&
	    !(strncmp(v, "tcp:", 4) == 0 && fleet_parse_hostport(v + 4, NULL, NULL) == 0) &&
	    !(strncmp(v, "telnet:", 7) == 0 && fleet_parse_hostport(v + 7, NULL, NULL) == 0))
		return "sol, none, tcp:HOST:PORT or telnet:HOST:PORT";
	set_str(&hc->console, v);
	return NULL;
}

static const char *apply_vnc(struct host_config *hc, const char *v, struct fleet *f)
{
	static const char *const profiles[] = { "auto",	      "none", "openbmc", "idrac",
						"supermicro", "xcc",  "ilo",	 NULL };
	static const char *const schemes[] = { "ws://", "wss://", NULL };
	size_t i;

	for (i = 0; profiles[i] != NULL; i++)
		if (strcmp(v, profiles[i]) == 0)
			goto ok;
	if (strncmp(v, "rfb:", 4) == 0 && fleet_parse_hostport(v + 4, NULL, NULL) == 0)
		goto ok;
	if (is_url(v, schemes))
		goto ok;
	return "auto, none, rfb:HOST:PORT, ws://URL, wss://URL, openbmc, idrac, supermicro, xcc or ilo";
ok:
	set_str(&hc->vnc, v);
	return NULL;
}

static const char *apply_vnc_viewer(struct host_config *hc, const char *v, struct fleet *f)
{
	if (v[0] == '\0')
		return "a viewer command such as: xtigervncviewer -passwd %f %h::%p";
	set_str(&hc->vnc_viewer, v);
	return NULL;
}

static const char *apply_tls(struct host_config *hc, const char *v, struct fleet *f)
{
	static const char *const names[] = { "tofu", "verify", "pin", "insecure" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcmp(v, names[i]) == 0) {
			hc->tls = (enum fleet_tls)i;
			return NULL;
		}
	}
	return "tofu, verify, pin or insecure";
}

static int is_pin(const char *p, size_t len)
{
	size_t i;

	/* sha256// then the base64 of 32 bytes: 43 characters and '='. */
	if (len != 8 + 44 || strncmp(p, "sha256//", 8) != 0 || p[len - 1] != '=')
		return 0;
	for (i = 8; i < len - 1; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '+' && p[i] != '/')
			return 0;
	return 1;
}

static const char *apply_tls_pin(struct host_config *hc, const char *v, struct fleet *f)
{
	const char *p = v;

	for (;;) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);

		if (!is_pin(p, len))
			return "sha256//BASE64 (the SHA-256 of the public key, base64), several separated by ';'";
		if (semi == NULL)
			break;
		p = semi + 1;
	}
	set_str(&hc->tls_pin, v);
	return NULL;
}

static const char *apply_ca_file(struct host_config *hc, const char *v, struct fleet *f)
{
	if (v[0] == '\0')
		return "a path to a PEM file";
	set_str(&hc->ca_file, v);
	return NULL;
}

static const char *apply_workarounds(struct host_config *hc, const char *v, struct fleet *f)
{
	unsigned bits;
	char *bad;

	if (strcmp(v, "none") == 0) {
		hc->workarounds = 0;
		hc->workarounds_detect = 0;
		return NULL;
	}
	if (strcmp(v, "auto") == 0) {
		hc->workarounds = 0;
		hc->workarounds_detect = 1;
		return NULL;
	}
	if (fleet_workarounds_parse(v, &bits, &bad) != 0 || bits == 0) {
		free(bad);
		return "auto, none, or a list of authcap, nochecksumcheck, intel20, supermicro20, sun20, opensesspriv, solpayloadsize, solport, solstatus, solchannelsupport, serialalertsdeferred";
	}
	hc->workarounds = bits;
	hc->workarounds_detect = 1;
	return NULL;
}

static const char *apply_max_in_flight(struct host_config *hc, const char *v, struct fleet *f)
{
	long n;

	if (parse_int(v, 1, 65536, &n) != 0)
		return "a whole number from 1 to 65536";
	f->max_in_flight = (unsigned)n;
	return NULL;
}

static const char *apply_redfish_push(struct host_config *hc, const char *v, struct fleet *f)
{
	(void)f;
	if (strcmp(v, "auto") == 0 || strcmp(v, "yes") == 0)
		hc->redfish_push = 1;
	else if (strcmp(v, "no") == 0)
		hc->redfish_push = 0;
	else
		return "auto or no";
	return NULL;
}

static const char *apply_redfish_push_max(struct host_config *hc, const char *v, struct fleet *f)
{
	long n;

	(void)hc;
	if (parse_int(v, 1, 100000, &n) != 0)
		return "a whole number from 1 to 100000";
	f->redfish_push_max = (unsigned)n;
	return NULL;
}

static const char *apply_readonly(struct host_config *hc, const char *v, struct fleet *f)
{
	(void)hc;
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
		f->readonly = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
		f->readonly = 0;
	else
		return "yes or no";
	return NULL;
}

static const char *apply_alert_command(struct host_config *hc, const char *v, struct fleet *f)
{
	if (v[0] == '\0')
		return "a program and its arguments, such as: /usr/local/bin/page-oncall --quiet";
	set_str(&f->alert_command, v);
	return NULL;
}

static const char *apply_alert_on(struct host_config *hc, const char *v, struct fleet *f)
{
	static const char *const names[] = { "critical", "warning", "recovered", "unreachable",
					     "reachable", "parked", "power", "sensor", "sel" };
	unsigned bits = 0;
	size_t i, n;

	for (; *v != '\0'; v += n + (v[n] == ',')) {
		while (*v == ' ')
			v++;
		n = strcspn(v, ", ");
		if (n == 3 && strncmp(v, "all", 3) == 0) {
			bits |= (1u << 9) - 1;
			n += strspn(v + n, " ");
			continue;
		}
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i]) == n && strncmp(v, names[i], n) == 0)
				break;
		if (i == sizeof names / sizeof names[0])
			return "a list of critical, warning, recovered, unreachable, reachable, parked, "
			       "power, sensor, sel, all";
		bits |= 1u << i;
		n += strspn(v + n, " ");
	}
	if (bits == 0)
		return "a list of critical, warning, recovered, unreachable, reachable, parked, "
		       "power, sensor, sel, all";
	f->alert_on = bits;
	return NULL;
}

static const char *apply_alert_interval(struct host_config *hc, const char *v, struct fleet *f)
{
	uint64_t ms;

	if (fleet_parse_duration(v, &ms) != 0 || ms > 86400000)
		return "a duration up to a day, such as 5m";
	f->alert_interval_ms = ms;
	return NULL;
}

static const char *apply_alert_bell(struct host_config *hc, const char *v, struct fleet *f)
{
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
		return "yes or no";
	f->alert_bell = strcmp(v, "yes") == 0;
	return NULL;
}

int fleet_screen_graphics_parse(const char *v)
{
	static const char *const names[] = { "auto", "kitty", "sixel", "blocks", "none" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(v, names[i]) == 0)
			return (int)i;
	return -1;
}

static const char *apply_screen_graphics(struct host_config *hc, const char *v, struct fleet *f)
{
	int mode = fleet_screen_graphics_parse(v);

	(void)hc;
	if (mode < 0)
		return FLEET_SCREEN_GRAPHICS_NAMES;
	f->screen_graphics = mode;
	return NULL;
}

static const struct fleet_key fleet_keys[] = {
	{ "address", apply_address, SCOPE_HOST },
	{ "user", apply_user, SCOPE_ANY },
	{ "password", apply_password_inline, SCOPE_ANY },
	{ "password-env", apply_password_env, SCOPE_ANY },
	{ "password-file", apply_password_file, SCOPE_ANY },
	{ "password-command", apply_password_command, SCOPE_ANY },
	{ "kg", apply_kg_inline, SCOPE_ANY },
	{ "kg-env", apply_kg_env, SCOPE_ANY },
	{ "kg-file", apply_kg_file, SCOPE_ANY },
	{ "kg-command", apply_kg_command, SCOPE_ANY },
	{ "vnc-password", apply_vnc_password_inline, SCOPE_ANY },
	{ "vnc-password-env", apply_vnc_password_env, SCOPE_ANY },
	{ "vnc-password-file", apply_vnc_password_file, SCOPE_ANY },
	{ "vnc-password-command", apply_vnc_password_command, SCOPE_ANY },
	{ "protocol", apply_protocol, SCOPE_ANY },
	{ "interval", apply_interval, SCOPE_ANY },
	{ "timeout", apply_timeout, SCOPE_ANY },
	{ "retries", apply_retries, SCOPE_ANY },
	{ "cipher-suite", apply_cipher_suite, SCOPE_ANY },
	{ "privilege", apply_privilege, SCOPE_ANY },
	{ "ipmi-port", apply_ipmi_port, SCOPE_ANY },
	{ "redfish", apply_redfish, SCOPE_HOST },
	{ "group", apply_group, SCOPE_ANY },
	{ "console", apply_console, SCOPE_ANY },
	{ "vnc", apply_vnc, SCOPE_ANY },
	{ "vnc-viewer", apply_vnc_viewer, SCOPE_ANY },
	{ "tls", apply_tls, SCOPE_ANY },
	{ "tls-pin", apply_tls_pin, SCOPE_ANY },
	{ "ca-file", apply_ca_file, SCOPE_ANY },
	{ "max-in-flight", apply_max_in_flight, SCOPE_DEFAULTS },
	{ "readonly", apply_readonly, SCOPE_DEFAULTS },
	{ "redfish-push", apply_redfish_push, SCOPE_ANY },
	{ "redfish-push-max", apply_redfish_push_max, SCOPE_DEFAULTS },
	{ "workarounds", apply_workarounds, SCOPE_ANY },
	{ "alert-command", apply_alert_command, SCOPE_DEFAULTS },
	{ "alert-on", apply_alert_on, SCOPE_DEFAULTS },
	{ "alert-interval", apply_alert_interval, SCOPE_DEFAULTS },
	{ "alert-bell", apply_alert_bell, SCOPE_DEFAULTS },
	{ "screen-graphics", apply_screen_graphics, SCOPE_DEFAULTS },
};

#define NKEYS (sizeof fleet_keys / sizeof fleet_keys[0])

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

const char *fleet_key_suggest(const char *key)
{
	const char *best = NULL;
	size_t best_d = 3, i;

	for (i = 0; i < NKEYS; i++) {
		size_t d = edit_distance(key, fleet_keys[i].name);

		if (d < best_d) {
			best_d = d;
			best = fleet_keys[i].name;
		}
	}
	return best;
}

const struct fleet_key *fleet_key_find(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(fleet_keys[i].name, name) == 0)
			return &fleet_keys[i];
	return NULL;
}

int fleet_key_is_inline_secret(const struct fleet_key *k)
{
	return k->apply == apply_password_inline || k->apply == apply_kg_inline ||
	       k->apply == apply_vnc_password_inline;
}

/* A host's configuration: built-in defaults, copies, freeing. */

void fleet_config_copy(struct host_config *dst, const struct host_config *src)
{
#define DUP(field) dst->field = src->field ? xstrdup(src->field) : NULL
	*dst = *src;
	DUP(name);
	DUP(address);
	DUP(user);
	DUP(password.arg);
	DUP(kg.arg);
	DUP(vnc_password.arg);
	DUP(redfish_url);
	DUP(group);
	DUP(console);
	DUP(vnc);
	DUP(vnc_viewer);
	DUP(tls_pin);
	DUP(ca_file);
#undef DUP
}

void fleet_config_free(struct host_config *hc)
{
	free(hc->name);
	free(hc->address);
	free(hc->user);
	if (hc->password.kind == SECRET_INLINE && hc->password.arg != NULL)
		secure_zero(hc->password.arg, strlen(hc->password.arg));
	if (hc->kg.kind == SECRET_INLINE && hc->kg.arg != NULL)
		secure_zero(hc->kg.arg, strlen(hc->kg.arg));
	if (hc->vnc_password.kind == SECRET_INLINE && hc->vnc_password.arg != NULL)
		secure_zero(hc->vnc_password.arg, strlen(hc->vnc_password.arg));
	free(hc->password.arg);
	free(hc->kg.arg);
	free(hc->vnc_password.arg);
	free(hc->redfish_url);
	free(hc->group);
	free(hc->console);
	free(hc->vnc);
	free(hc->vnc_viewer);
	free(hc->tls_pin);
	free(hc->ca_file);
	memset(hc, 0, sizeof *hc);
}

void fleet_config_defaults(struct host_config *d)
{
	memset(d, 0, sizeof *d);
	d->protocol = PROTO_AUTO;
	d->interval_ms = 30000;
	d->timeout_ms = 2000;
	d->retries = 3;
	d->cipher_suite = CIPHER_SUITE_AUTO;
	d->privilege = PRIV_OPERATOR;
	d->ipmi_port = 623;
	d->console = xstrdup("sol");
	d->vnc = xstrdup("auto");
	d->tls = TLS_TOFU;
	d->workarounds_detect = 1;
	d->redfish_push = 1;
}

/* Record where each secret was configured, for messages from core/cred.c. */
void fleet_config_note_secret(struct host_config *hc, const char *key, const char *file, int line)
{
	struct secret_source *s = NULL;

	if (strncmp(key, "password", 8) == 0)
		s = &hc->password;
	else if (strncmp(key, "kg", 2) == 0)
		s = &hc->kg;
	else if (strncmp(key, "vnc-password", 12) == 0)
		s = &hc->vnc_password;
	if (s != NULL) {
		s->file = file;
		s->line = line;
	}
}
