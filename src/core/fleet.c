/*
 * core/fleet.c - fleet file parser.
 *
 * Parsing is two passes.  The first reads the text into sections of raw
 * key/value lines, remembering line numbers; the second applies [defaults]
 * and then expands each [host] section, range by range, validating every
 * value as it is applied.  Two passes let [defaults] appear anywhere, and let
 * every error name the line the value came from.  What each key means and
 * which values it takes is core/fleet-keys.c's table.
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

#include "core/fleet-keys.h"
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

static int check_key(struct parser *p, const struct raw_kv *kv, int is_defaults,
		     const struct fleet_key **out)
{
	const struct fleet_key *k = fleet_key_find(kv->key);

	if (k == NULL) {
		const char *hint = fleet_key_suggest(kv->key);

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
	fleet_config_note_secret(hc, kv->key, p->file, kv->line);
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

		fleet_config_copy(&hc, &f->defaults);
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
			if (fleet_key_is_inline_secret(keys[i]))
				secure_zero(v, strlen(v));
			free(v);
		}
		if (hc.address == NULL) {
			perr(p, s->line, "[host %s] has no address: expected address = HOST", s->name);
			bad = 1;
		}
		if (bad) {
			fleet_config_free(&hc);
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
	f->alert_on = FLEET_ALERT_DEFAULT;
	f->alert_interval_ms = 300000;
	p.file = f->path;
	fleet_config_defaults(&f->defaults);
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
		fleet_config_free(&f->hosts[i]);
	free(f->hosts);
	fleet_config_free(&f->defaults);
	free(f->path);
	free(f->alert_command);
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
