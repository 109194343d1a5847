/*
 * core/fleet.c - fleet file parser.
 *
 * Parsing is two passes.  The first reads the text into sections of raw
 * key/value lines, remembering line numbers; the second applies [defaults]
 * and then expands each [host] section, range by range, validating every
 * value as it is applied.  Two passes let [defaults] appear anywhere, and let
 * every error name the line the value came from.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fleet.h"
#include "core/hostrange.h"
#include "core/paths.h"
#include "core/xalloc.h"

#define FLEET_MAX_SIZE (16 * 1024 * 1024)

struct raw_kv {
	char *key;
	char *value;
	int line;
};

struct raw_section {
	int is_defaults;
	char *name;
	int line;
	struct raw_kv *kvs;
	size_t nkvs;
};

struct parser {
	const char *file;
	char *errors;
	size_t errlen;
	int nerrors;
	struct raw_section *sections;
	size_t nsections;
	int defaults_line;
};

static void perr(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg, *full;
	size_t n;

	p->nerrors++;
	if (p->nerrors > FLEET_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (p->nerrors == FLEET_MAX_ERRORS)
		full = xasprintf("%s:%d: %s\n%s: too many errors, stopping\n", p->file, line, msg,
				 p->file);
	else
		full = xasprintf("%s:%d: %s\n", p->file, line, msg);
	n = strlen(full);
	p->errors = xrealloc(p->errors, p->errlen + n + 1);
	memcpy(p->errors + p->errlen, full, n + 1);
	p->errlen += n;
	free(msg);
	free(full);
}

/* Durations. */

int duration_parse(const char *s, uint64_t *ms)
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

/* Keys.  Each returns NULL when the value is good, else what was expected. */

typedef const char *(*apply_fn)(struct host_config *hc, const char *value, struct fleet *f);

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

	if (duration_parse(v, &ms) != 0 || ms < 1000)
		return "a duration of at least 1s, such as 30s or 2m";
	hc->interval_ms = ms;
	return NULL;
}

static const char *apply_timeout(struct host_config *hc, const char *v, struct fleet *f)
{
	uint64_t ms;

	if (duration_parse(v, &ms) != 0 || ms < 50 || ms > 600000)
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

static const char *apply_max_in_flight(struct host_config *hc, const char *v, struct fleet *f)
{
	long n;

	if (parse_int(v, 1, 65536, &n) != 0)
		return "a whole number from 1 to 65536";
	f->max_in_flight = (unsigned)n;
	return NULL;
}

enum key_scope { SCOPE_ANY, SCOPE_DEFAULTS, SCOPE_HOST };

struct fleet_key {
	const char *name;
	apply_fn apply;
	enum key_scope scope;
};

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

static const char *suggest_key(const char *key)
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

static const struct fleet_key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(fleet_keys[i].name, name) == 0)
			return &fleet_keys[i];
	return NULL;
}

/* Pass one: text to raw sections. */

/* A '#' that starts the line or follows white space starts a comment. */
static void strip_comment(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

static struct raw_section *add_section(struct parser *p, int is_defaults, const char *name,
				       int line)
{
	struct raw_section *s;

	p->sections = xreallocarray(p->sections, p->nsections + 1, sizeof *p->sections);
	s = &p->sections[p->nsections++];
	memset(s, 0, sizeof *s);
	s->is_defaults = is_defaults;
	s->name = name ? xstrdup(name) : NULL;
	s->line = line;
	return s;
}

static int valid_host_name(const char *name)
{
	const char *c;

	if (name[0] == '\0' || name[0] == '-' || name[0] == '@')
		return 0;
	for (c = name; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && strchr("-_.[],", *c) == NULL)
			return 0;
	return 1;
}

static void parse_header(struct parser *p, char *s, int line, struct raw_section **cur)
{
	char *close = strrchr(s, ']');
	char *inner;

	if (close == NULL || close[1] != '\0') {
		perr(p, line, "section header not closed: expected [defaults] or [host NAME]");
		*cur = NULL;
		return;
	}
	*close = '\0';
	inner = str_trim(s + 1);
	if (strcmp(inner, "defaults") == 0) {
		if (p->defaults_line != 0) {
			perr(p, line, "second [defaults] section (the first is on line %d): expected one",
			     p->defaults_line);
			*cur = NULL;
			return;
		}
		p->defaults_line = line;
		*cur = add_section(p, 1, NULL, line);
		return;
	}
	if (strncmp(inner, "host", 4) == 0 && isspace((unsigned char)inner[4])) {
		char *name = str_trim(inner + 5);

		if (!valid_host_name(name)) {
			perr(p, line,
			     "bad host name \"%s\": expected letters, digits, '-', '_', '.' and ranges such as node[01-40]",
			     name);
			*cur = NULL;
			return;
		}
		*cur = add_section(p, 0, name, line);
		return;
	}
	perr(p, line, "unknown section [%s]: expected [defaults] or [host NAME]", inner);
	*cur = NULL;
}

static void parse_text(struct parser *p, const char *text, size_t len)
{
	struct raw_section *cur = NULL;
	int skipping = 0;
	size_t pos = 0;
	int line = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *start = text + pos;
		char *buf, *s, *eq, *key, *value;

		pos += n + 1;
		line++;
		if (memchr(start, '\0', n) != NULL) {
			perr(p, line, "NUL byte in line: expected text");
			continue;
		}
		buf = xstrndup(start, n);
		strip_comment(buf);
		s = str_trim(buf);
		if (*s == '\0') {
			free(buf);
			continue;
		}
		if (*s == '[') {
			parse_header(p, s, line, &cur);
			skipping = (cur == NULL);
			free(buf);
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL) {
			perr(p, line, "expected KEY = VALUE, a comment or a [section], got \"%s\"", s);
			free(buf);
			continue;
		}
		*eq = '\0';
		key = str_trim(s);
		value = str_trim(eq + 1);
		if (cur == NULL) {
			if (!skipping)
				perr(p, line, "\"%s\" outside any section: expected [defaults] or [host NAME] first",
				     key);
			free(buf);
			continue;
		}
		if (*key == '\0') {
			perr(p, line, "missing key before '=': expected KEY = VALUE");
			free(buf);
			continue;
		}
		cur->kvs = xreallocarray(cur->kvs, cur->nkvs + 1, sizeof *cur->kvs);
		cur->kvs[cur->nkvs].key = xstrdup(key);
		cur->kvs[cur->nkvs].value = xstrdup(value);
		cur->kvs[cur->nkvs].line = line;
		cur->nkvs++;
		free(buf);
	}
}

/* Pass two: apply sections. */

static void host_config_copy(struct host_config *dst, const struct host_config *src)
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

static void host_config_free(struct host_config *hc)
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

static void set_builtin_defaults(struct host_config *d)
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
}

/* Record where each secret was configured, for messages from core/cred.c. */
static void note_secret_origin(struct host_config *hc, const char *key, const char *file, int line)
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

static int check_key(struct parser *p, const struct raw_kv *kv, int is_defaults,
		     const struct fleet_key **out)
{
	const struct fleet_key *k = find_key(kv->key);

	if (k == NULL) {
		const char *hint = suggest_key(kv->key);

		if (hint != NULL)
			perr(p, kv->line, "unknown key \"%s\": did you mean \"%s\"?", kv->key, hint);
		else
			perr(p, kv->line, "unknown key \"%s\": see bmctop.conf(5) for the keys",
			     kv->key);
		return -1;
	}
	if (is_defaults && k->scope == SCOPE_HOST) {
		perr(p, kv->line, "\"%s\" belongs in a [host] section, not [defaults]", kv->key);
		return -1;
	}
	if (!is_defaults && k->scope == SCOPE_DEFAULTS) {
		perr(p, kv->line, "\"%s\" belongs in [defaults], not a [host] section", kv->key);
		return -1;
	}
	*out = k;
	return 0;
}

static int apply_value(struct parser *p, struct fleet *f, struct host_config *hc,
		       const struct fleet_key *k, const struct raw_kv *kv, const char *value)
{
	const char *expected = k->apply(hc, value, f);

	if (expected != NULL) {
		perr(p, kv->line, "bad %s \"%s\": expected %s", kv->key, value, expected);
		return -1;
	}
	note_secret_origin(hc, kv->key, p->file, kv->line);
	return 0;
}

static void apply_defaults(struct parser *p, struct fleet *f, const struct raw_section *s)
{
	size_t i;

	for (i = 0; i < s->nkvs; i++) {
		const struct raw_kv *kv = &s->kvs[i];
		const struct fleet_key *k;
		struct hostrange hr;
		char err[256];

		if (check_key(p, kv, 1, &k) != 0)
			continue;
		if (hostrange_parse(&hr, kv->value, err, sizeof err) != 0) {
			perr(p, kv->line, "%s", err);
			continue;
		}
		if (hr.ngroups > 0)
			perr(p, kv->line, "range in [defaults]: ranges belong in [host] sections");
		else
			apply_value(p, f, &f->defaults, k, kv, kv->value);
		hostrange_free(&hr);
	}
}

static void add_host(struct fleet *f, struct host_config *hc)
{
	if ((f->nhosts & (f->nhosts - 1)) == 0)
		f->hosts = xreallocarray(f->hosts, f->nhosts ? f->nhosts * 2 : 1, sizeof *f->hosts);
	f->hosts[f->nhosts++] = *hc;
}

static void expand_host_section(struct parser *p, struct fleet *f, const struct raw_section *s)
{
	struct hostrange name_hr;
	struct hostrange *values;
	const struct fleet_key **keys;
	char err[256];
	size_t count, i, j;
	int ok = 1;

	if (hostrange_parse(&name_hr, s->name, err, sizeof err) != 0) {
		perr(p, s->line, "%s", err);
		return;
	}
	count = name_hr.count;
	values = xcalloc(s->nkvs, sizeof *values);
	keys = xcalloc(s->nkvs, sizeof *keys);
	for (i = 0; i < s->nkvs; i++) {
		const struct raw_kv *kv = &s->kvs[i];

		if (check_key(p, kv, 0, &keys[i]) != 0) {
			ok = 0;
			continue;
		}
		if (hostrange_parse(&values[i], kv->value, err, sizeof err) != 0) {
			perr(p, kv->line, "%s", err);
			keys[i] = NULL;
			ok = 0;
			continue;
		}
		if (values[i].ngroups > 0 && values[i].count != count) {
			if (name_hr.ngroups == 0)
				perr(p, kv->line,
				     "range of %zu in a value, but the section name \"%s\" has none: name the hosts with a range of the same length",
				     values[i].count, s->name);
			else
				perr(p, kv->line,
				     "range of %zu does not match the %zu hosts of [host %s]: ranges in a section expand in step",
				     values[i].count, count, s->name);
			ok = 0;
		}
	}
	for (j = 0; ok && j < count; j++) {
		struct host_config hc;
		int bad = 0;

		host_config_copy(&hc, &f->defaults);
		free(hc.name);
		hc.name = hostrange_get(&name_hr, j);
		hc.line = s->line;
		for (i = 0; i < s->nkvs; i++) {
			char *v;

			if (keys[i] == NULL)
				continue;
			v = hostrange_get(&values[i], values[i].ngroups ? j : 0);
			if (apply_value(p, f, &hc, keys[i], &s->kvs[i], v) != 0)
				bad = 1;
			if (keys[i]->apply == apply_password_inline ||
			    keys[i]->apply == apply_kg_inline ||
			    keys[i]->apply == apply_vnc_password_inline)
				secure_zero(v, strlen(v));
			free(v);
		}
		if (hc.address == NULL) {
			perr(p, s->line, "[host %s] has no address: expected address = HOST", s->name);
			bad = 1;
		}
		if (bad) {
			host_config_free(&hc);
			break; /* one report per section, not one per expanded host */
		}
		add_host(f, &hc);
	}
	for (i = 0; i < s->nkvs; i++)
		hostrange_free(&values[i]);
	free(values);
	free(keys);
	hostrange_free(&name_hr);
}

static int cmp_name(const void *a, const void *b)
{
	const struct host_config *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* IPMI endpoints, with Redfish-only hosts sorted apart (they have none). */
static int cmp_ipmi_endpoint(const void *a, const void *b)
{
	const struct host_config *const *x = a, *const *y = b;
	int rx = (*x)->protocol == PROTO_REDFISH, ry = (*y)->protocol == PROTO_REDFISH;
	int c;

	if (rx != ry)
		return rx - ry;
	c = strcmp((*x)->address, (*y)->address);
	if (c != 0)
		return c;
	return (*x)->ipmi_port - (*y)->ipmi_port;
}

static void check_duplicates(struct parser *p, struct fleet *f)
{
	const struct host_config **sorted;
	size_t i, j;

	if (f->nhosts < 2)
		return;
	sorted = xcalloc(f->nhosts, sizeof *sorted);
	for (i = 0; i < f->nhosts; i++)
		sorted[i] = &f->hosts[i];
	qsort(sorted, f->nhosts, sizeof *sorted, cmp_name);
	for (i = 1; i < f->nhosts; i++) {
		if (strcmp(sorted[i - 1]->name, sorted[i]->name) == 0) {
			int a = sorted[i - 1]->line, b = sorted[i]->line;

			perr(p, a > b ? a : b, "host \"%s\" is defined twice (also on line %d)",
			     sorted[i]->name, a > b ? b : a);
		}
	}
	/*
	 * Two IPMI hosts on one address and port would be one BMC polled twice,
	 * and the shared socket routes answers by source address: refuse.
	 */
	qsort(sorted, f->nhosts, sizeof *sorted, cmp_ipmi_endpoint);
	for (i = 0; i + 1 < f->nhosts; i = j) {
		const struct host_config *x = sorted[i], *y = sorted[i + 1];

		for (j = i + 1; j < f->nhosts && cmp_ipmi_endpoint(&sorted[i], &sorted[j]) == 0; j++)
			;
		if (j - i < 2 || x->protocol == PROTO_REDFISH)
			continue;
		/* One error per endpoint, however many hosts share it. */
		perr(p, y->line, "hosts %s and %s%s have the same address and ipmi-port (%s:%d); "
		     "each BMC may appear once", x->name, y->name,
		     j - i > 2 ? " (and others)" : "", x->address, x->ipmi_port);
	}
	free(sorted);
}

static void check_hosts(struct parser *p, struct fleet *f)
{
	size_t i;

	for (i = 0; i < f->nhosts; i++) {
		struct host_config *hc = &f->hosts[i];

		if (hc->tls == TLS_PIN && hc->tls_pin == NULL) {
			perr(p, hc->line, "host %s: tls = pin needs tls-pin = sha256//BASE64", hc->name);
			break;
		}
	}
}

static void free_sections(struct parser *p)
{
	size_t i, j;

	for (i = 0; i < p->nsections; i++) {
		struct raw_section *s = &p->sections[i];

		for (j = 0; j < s->nkvs; j++) {
			/* Raw values may be inline secrets. */
			secure_zero(s->kvs[j].value, strlen(s->kvs[j].value));
			free(s->kvs[j].key);
			free(s->kvs[j].value);
		}
		free(s->kvs);
		free(s->name);
	}
	free(p->sections);
}

int fleet_parse(struct fleet *f, const char *name, const char *text, size_t len, char **errors)
{
	struct parser p;
	size_t i;

	memset(f, 0, sizeof *f);
	memset(&p, 0, sizeof p);
	f->path = xstrdup(name);
	f->max_in_flight = 0; /* adaptive unless set */
	p.file = f->path;
	set_builtin_defaults(&f->defaults);
	parse_text(&p, text, len);
	for (i = 0; i < p.nsections; i++)
		if (p.sections[i].is_defaults)
			apply_defaults(&p, f, &p.sections[i]);
	for (i = 0; i < p.nsections; i++)
		if (!p.sections[i].is_defaults)
			expand_host_section(&p, f, &p.sections[i]);
	if (p.nerrors == 0)
		check_duplicates(&p, f);
	if (p.nerrors == 0)
		check_hosts(&p, f);
	free_sections(&p);
	if (p.nerrors > 0) {
		if (errors != NULL)
			*errors = p.errors;
		else
			free(p.errors);
		f->path = NULL;
		fleet_free(f);
		free((char *)p.file);
		return -(p.nerrors > FLEET_MAX_ERRORS ? FLEET_MAX_ERRORS : p.nerrors);
	}
	if (errors != NULL)
		*errors = NULL;
	return 0;
}

int fleet_load(struct fleet *f, const char *path, char **errors)
{
	struct stat st;
	char *text;
	ssize_t n;
	size_t got = 0;
	int fd, rc;

	memset(f, 0, sizeof *f);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*errors = xasprintf("%s: cannot open fleet file: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*errors = xasprintf("%s: not a regular file\n", path);
		close(fd);
		return -1;
	}
	/* The fleet file names programs bmctop runs (password-command, the
	 * viewer): whoever may edit it may run them as us, as with ssh_config. */
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		*errors = xasprintf("%s: owned by another user (uid %u); bmctop runs the programs "
				    "a fleet file names: use your own copy\n",
				    path, (unsigned)st.st_uid);
		close(fd);
		return -1;
	}
	if (paths_others_may_write(&st)) {
		*errors = xasprintf("%s: writable by group or others (mode %03o), and bmctop runs "
				    "the programs a fleet file names: run chmod go-w %s\n",
				    path, (unsigned)(st.st_mode & 0777), path);
		close(fd);
		return -1;
	}
	if (st.st_size > FLEET_MAX_SIZE) {
		*errors = xasprintf("%s: fleet file is larger than %d MiB\n", path,
				    FLEET_MAX_SIZE >> 20);
		close(fd);
		return -1;
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		n = read(fd, text + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	rc = fleet_parse(f, path, text, got, errors);
	secure_zero(text, got);
	free(text);
	if (rc == 0 && f->has_inline_secret && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		*errors = xasprintf(
			"%s: holds a password but is readable by group or others (mode %03o): run chmod 600 %s\n",
			path, (unsigned)(st.st_mode & 0777), path);
		fleet_free(f);
		return -1;
	}
	return rc;
}

void fleet_free(struct fleet *f)
{
	size_t i;

	for (i = 0; i < f->nhosts; i++)
		host_config_free(&f->hosts[i]);
	free(f->hosts);
	host_config_free(&f->defaults);
	free(f->path);
	memset(f, 0, sizeof *f);
}

const struct host_config *fleet_find(const struct fleet *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nhosts; i++)
		if (strcmp(f->hosts[i].name, name) == 0)
			return &f->hosts[i];
	return NULL;
}
