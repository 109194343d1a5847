/*
 * core/filter.c - the host filter language (see core/filter.h): a tokenizer
 * (words, double quotes), a parser turning each word into a term of
 * alternatives, and a matcher over struct bmc_host.
 *
 * A parsed filter is a list of terms (all must match); a term is a list of
 * atoms (any may match), possibly negated.  Host ranges keep their parsed
 * groups and are matched by formatting each item in place, so a range is
 * never expanded into names.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"
#include "core/filter.h"
#include "core/fleet.h"
#include "core/hostrange.h"
#include "core/xalloc.h"

/* A filter longer than this is refused: it is typed, not generated. */
#define FILTER_MAX_LEN 1024
/* A host range in a filter names at most this many hosts. */
#define FILTER_MAX_RANGE 100000

enum atom_kind {
	A_TEXT,	  /* a word anywhere a row shows it */
	A_HEALTH, /* value: enum bmc_health */
	A_POWER,  /* value: enum bmc_power */
	A_STATE,  /* text: a state word */
	A_GROUP,
	A_PROTO,
	A_NAME,
	A_ADDR,
	A_ERROR,
	A_MODEL,
	A_SERIAL,
	A_FW,
	A_RANGE,
	A_CMP
};

enum cmp_op { OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ, OP_NE };

/* A range's first numbers in order, to find a name's expansion by search. */
struct range_key {
	unsigned long value;
	size_t index;
};

struct atom {
	enum atom_kind kind;
	char *text; /* lowercase where it is compared case-insensitively */
	int value;
	struct hostrange range;
	struct range_key *keys; /* A_RANGE: range.count keys, by value */
	enum filter_metric metric;
	enum cmp_op op;
	double number;
};

struct term {
	int negate;
	struct atom *atoms;
	size_t natoms;
};

struct filter {
	struct term *terms;
	size_t nterms;
};

/* Metrics. */

static int name_has(const char *name, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcasestr(name, *words) != NULL)
			return 1;
	return 0;
}

static int sensor_extreme(const struct bmc_host *h, const char *unit, const char *const *names,
			  int lowest, double *value)
{
	int has = 0;
	size_t i;

	for (i = 0; i < h->nsensors; i++) {
		const struct bmc_sensor *s = &h->sensors[i];

		if (!s->has_value || strcmp(s->unit, unit) != 0)
			continue;
		if (names != NULL && !name_has(s->name, names))
			continue;
		if (!has || (lowest ? s->value < *value : s->value > *value))
			*value = s->value;
		has = 1;
	}
	return has;
}

int filter_metric(const struct bmc_host *h, enum filter_metric m, int64_t now_ms, double *value)
{
	static const char *const inlet[] = { "inlet", "intake", "ambient", NULL };
	static const char *const cpu[] = { "cpu", "proc", NULL };
	size_t i;
	int has = 0;

	*value = 0;
	switch (m) {
	case FILTER_TEMP:
		return sensor_extreme(h, "C", NULL, 0, value);
	case FILTER_INLET:
		return sensor_extreme(h, "C", inlet, 0, value);
	case FILTER_CPU:
		return sensor_extreme(h, "C", cpu, 0, value);
	case FILTER_FANS:
		return sensor_extreme(h, "RPM", NULL, 1, value);
	case FILTER_WATTS:
		/* Vendors file power meters under "power" or "current"; the unit tells. */
		for (i = 0; i < h->nsensors; i++) {
			if (h->sensors[i].has_value && strcmp(h->sensors[i].unit, "W") == 0) {
				*value += h->sensors[i].value;
				has = 1;
			}
		}
		return has;
	case FILTER_AGE:
		if (h->updated_ms == 0)
			return 0;
		*value = now_ms > h->updated_ms ? (double)(now_ms - h->updated_ms) / 1000.0 : 0;
		return 1;
	case FILTER__METRICS:
		break;
	}
	return 0;
}

const char *filter_state_word(const struct bmc_host *h)
{
	switch (h->state) {
	case HOST_NEW:
		return "connecting";
	case HOST_OK:
		return "ok";
	case HOST_UNREACHABLE:
		return "unreachable";
	case HOST_ERROR:
		return "error";
	case HOST_PARKED:
		return "parked";
	}
	return "unknown";
}

/* Names of keys and values. */

static const char *const metric_names[FILTER__METRICS] = { "temp", "inlet", "cpu",
							    "watts", "fans", "age" };

struct key_name {
	const char *name;
	enum atom_kind kind;
};

static const struct key_name keys[] = {
	{ "health", A_HEALTH }, { "power", A_POWER },	{ "state", A_STATE }, { "group", A_GROUP },
	{ "proto", A_PROTO },	{ "protocol", A_PROTO }, { "name", A_NAME },   { "host", A_NAME },
	{ "addr", A_ADDR },	{ "address", A_ADDR },	{ "error", A_ERROR }, { "err", A_ERROR },
	{ "model", A_MODEL },	{ "vendor", A_MODEL },	{ "serial", A_SERIAL }, { "fw", A_FW },
	{ "firmware", A_FW },
};

static const char *const health_words[] = { "unknown", "ok", "warning", "critical", NULL };
static const char *const power_words[] = { "unknown", "on", "off", NULL };
static const char *const state_words[] = { "ok", "connecting", "unreachable", "error", "parked",
					   NULL };
static const char *const proto_words[] = { "ipmi", "redfish", "auto", "both", NULL };

const char *const filter_key_names[] = { "health", "power", "state", "group", "proto", "name",
					 "addr",   "error", "model", "serial", "fw",    NULL };

const char *const *filter_key_values(const char *key)
{
	if (strcasecmp(key, "health") == 0)
		return health_words;
	if (strcasecmp(key, "power") == 0)
		return power_words;
	if (strcasecmp(key, "state") == 0)
		return state_words;
	if (strcasecmp(key, "proto") == 0 || strcasecmp(key, "protocol") == 0)
		return proto_words;
	return NULL;
}

static int word_index(const char *const *words, const char *s)
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(words[i], s) == 0)
			return i;
	/* Abbreviations that are not ambiguous: crit, warn, unreach. */
	for (i = 0; words[i] != NULL; i++) {
		size_t n = strlen(s);
		int j, again = 0;

		if (n < 2 || strncasecmp(words[i], s, n) != 0)
			continue;
		for (j = i + 1; words[j] != NULL; j++)
			again |= strncasecmp(words[j], s, n) == 0;
		return again ? -1 : i;
	}
	return -1;
}

static void list_words(const char *const *words, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; words[i] != NULL && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", words[i]);
}

static char *lower_dup(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
	return out;
}

/* Parsing one atom. */

static int parse_number(const char *s, double *out)
{
	char *end;

	if (*s == '\0')
		return -1;
	*out = strtod(s, &end);
	/* A unit a person may type after the number: 80C, 300W, 30s. */
	if (*end != '\0' && strchr("cCwWsS", *end) != NULL && end[1] == '\0')
		end++;
	return *end == '\0' && isfinite(*out) ? 0 : -1;
}

/* "temp>80": returns 1 and fills a when s is a comparison, 0 when it is not
 * one, BMC_ECONFIG when it is one gone wrong. */
static int parse_cmp(const char *s, struct atom *a, char *err, size_t errlen)
{
	static const struct {
		const char *op;
		enum cmp_op code;
	} ops[] = { { ">=", OP_GE }, { "<=", OP_LE }, { "!=", OP_NE },
		    { ">", OP_GT },  { "<", OP_LT },  { "=", OP_EQ } };
	size_t n = strcspn(s, "<>=!"), i;
	int m;

	if (s[n] == '\0' || n == 0)
		return 0;
	for (m = 0; m < FILTER__METRICS; m++)
		if (strlen(metric_names[m]) == n && strncasecmp(s, metric_names[m], n) == 0)
			break;
	if (m == FILTER__METRICS && n == 3 && strncasecmp(s, "fan", 3) == 0)
		m = FILTER_FANS;
	if (m == FILTER__METRICS && n == 4 && strncasecmp(s, "watt", 4) == 0)
		m = FILTER_WATTS;
	if (m == FILTER__METRICS) {
		snprintf(err, errlen,
			 "'%.*s' cannot be compared: use temp, inlet, cpu, watts, fans or age",
			 (int)(n > 40 ? 40 : n), s);
		return BMC_ECONFIG;
	}
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strncmp(s + n, ops[i].op, strlen(ops[i].op)) == 0)
			break;
	if (i == sizeof ops / sizeof ops[0]) {
		snprintf(err, errlen, "'%s': expected >, >=, <, <=, = or != after %s", s,
			 metric_names[m]);
		return BMC_ECONFIG;
	}
	if (parse_number(s + n + strlen(ops[i].op), &a->number) != 0) {
		snprintf(err, errlen, "'%s': expected a number after %s%s", s, metric_names[m],
			 ops[i].op);
		return BMC_ECONFIG;
	}
	a->kind = A_CMP;
	a->metric = (enum filter_metric)m;
	a->op = ops[i].code;
	return 1;
}

static int cmp_keys(const void *a, const void *b)
{
	const struct range_key *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int parse_range(const char *s, struct atom *a, char *err, size_t errlen)
{
	char msg[128];
	size_t i;

	if (strchr(s, '[') == NULL)
		return 0;
	if (hostrange_parse(&a->range, s, msg, sizeof msg) != 0) {
		snprintf(err, errlen, "'%s': %s", s, msg);
		return BMC_ECONFIG;
	}
	if (a->range.ngroups == 0) {
		hostrange_free(&a->range);
		return 0;
	}
	if (a->range.count > FILTER_MAX_RANGE) {
		hostrange_free(&a->range);
		snprintf(err, errlen, "'%s' names more than %d hosts", s, FILTER_MAX_RANGE);
		return BMC_ECONFIG;
	}
	a->kind = A_RANGE;
	a->keys = xcalloc(a->range.count, sizeof *a->keys);
	for (i = 0; i < a->range.count; i++) {
		a->keys[i].value = a->range.groups[0].items[i].value;
		a->keys[i].index = i;
	}
	qsort(a->keys, a->range.count, sizeof *a->keys, cmp_keys);
	return 1;
}

static int parse_enum(struct atom *a, const char *key, const char *value,
		      const char *const *words, char *err, size_t errlen)
{
	char list[128];

	a->value = word_index(words, value);
	if (a->value >= 0)
		return 0;
	list_words(words, list, sizeof list);
	snprintf(err, errlen, "%s:%s: expected %s", key, value, list);
	return BMC_ECONFIG;
}

static int parse_keyed(const char *s, size_t keylen, struct atom *a, char *err, size_t errlen)
{
	const char *value = s + keylen + 1;
	char key[16];
	size_t i;

	snprintf(key, sizeof key, "%.*s", (int)(keylen < 15 ? keylen : 15), s);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcasecmp(keys[i].name, key) == 0)
			break;
	if (i == sizeof keys / sizeof keys[0] || keylen > 15) {
		snprintf(err, errlen,
			 "unknown filter key '%s:' (health: power: state: group: proto: name: "
			 "addr: error: model: serial: fw:)",
			 key);
		return BMC_ECONFIG;
	}
	if (*value == '\0') {
		snprintf(err, errlen, "%s: needs a value", key);
		return BMC_ECONFIG;
	}
	a->kind = keys[i].kind;
	switch (a->kind) {
	case A_HEALTH:
		return parse_enum(a, key, value, health_words, err, errlen);
	case A_POWER:
		return parse_enum(a, key, value, power_words, err, errlen);
	case A_STATE:
		return parse_enum(a, key, value, state_words, err, errlen);
	case A_PROTO:
		return parse_enum(a, key, value, proto_words, err, errlen);
	case A_NAME:
		if (parse_range(value, a, err, errlen) != 0)
			return a->kind == A_RANGE ? 0 : BMC_ECONFIG;
		break;
	default:
		break;
	}
	a->text = lower_dup(value, strlen(value));
	return 0;
}

static int parse_atom(const char *s, struct atom *a, char *err, size_t errlen)
{
	size_t keylen = strcspn(s, ":<>=![");
	int rc;

	memset(a, 0, sizeof *a);
	if (*s == '\0') {
		snprintf(err, errlen, "an empty alternative ('|' with nothing beside it)");
		return BMC_ECONFIG;
	}
	if (s[0] == '@') {
		if (s[1] == '\0') {
			snprintf(err, errlen, "@ needs a group name (@rack4)");
			return BMC_ECONFIG;
		}
		a->kind = A_GROUP;
		a->text = lower_dup(s + 1, strlen(s + 1));
		return 0;
	}
	if (s[keylen] == ':' && keylen > 0)
		return parse_keyed(s, keylen, a, err, errlen);
	rc = parse_cmp(s, a, err, errlen);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = parse_range(s, a, err, errlen);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	a->kind = A_TEXT;
	a->text = lower_dup(s, strlen(s));
	return 0;
}

static void atom_free(struct atom *a)
{
	free(a->text);
	free(a->keys);
	if (a->kind == A_RANGE)
		hostrange_free(&a->range);
}

/* Parsing a term: "-health:warning|critical". */

static int parse_term(const char *word, struct term *t, char *err, size_t errlen)
{
	const char *p = word;
	char *copy, *alt, *save = NULL;
	int rc = 0;

	memset(t, 0, sizeof *t);
	if (*p == '-' || *p == '!') {
		t->negate = 1;
		p++;
	}
	if (*p == '\0') {
		snprintf(err, errlen, "'%s' negates nothing", word);
		return BMC_ECONFIG;
	}
	/* "key:a|b" shares its key across the alternatives. */
	copy = xstrdup(p);
	for (alt = strtok_r(copy, "|", &save); alt != NULL && rc == 0;
	     alt = strtok_r(NULL, "|", &save)) {
		size_t keylen = strcspn(p, ":<>=![");
		char *full = NULL;

		if (alt != copy && p[keylen] == ':' && strchr(alt, ':') == NULL && alt[0] != '@')
			full = xasprintf("%.*s%s", (int)keylen + 1, p, alt);
		t->atoms = xreallocarray(t->atoms, t->natoms + 1, sizeof *t->atoms);
		rc = parse_atom(full ? full : alt, &t->atoms[t->natoms], err, errlen);
		if (rc == 0)
			t->natoms++;
		free(full);
	}
	free(copy);
	if (rc == 0 && (t->natoms == 0 || p[strlen(p) - 1] == '|' || p[0] == '|' ||
			strstr(p, "||") != NULL)) {
		snprintf(err, errlen, "'%s': an empty alternative beside '|'", word);
		rc = BMC_ECONFIG;
	}
	return rc;
}

static void term_free(struct term *t)
{
	size_t i;

	for (i = 0; i < t->natoms; i++)
		atom_free(&t->atoms[i]);
	free(t->atoms);
}

void filter_free(struct filter *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nterms; i++)
		term_free(&f->terms[i]);
	free(f->terms);
	free(f);
}

/* The next word of *s into buf (quotes removed); 0 at the end, -1 when a
 * quote is not closed. */
static int next_word(const char **s, char *buf)
{
	const char *p = *s;
	size_t n = 0;
	int quoted = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		*s = p;
		return 0;
	}
	for (; *p != '\0' && (quoted || (*p != ' ' && *p != '\t')); p++) {
		if (*p == '"')
			quoted = !quoted;
		else
			buf[n++] = *p;
	}
	buf[n] = '\0';
	*s = p;
	return quoted ? -1 : 1;
}

int filter_parse(const char *expr, struct filter **out, char *err, size_t errlen)
{
	struct filter *f;
	const char *p = expr;
	char *word;
	int rc = 0, more;

	*out = NULL;
	if (strlen(expr) > FILTER_MAX_LEN) {
		snprintf(err, errlen, "a filter is at most %d characters", FILTER_MAX_LEN);
		return BMC_ECONFIG;
	}
	f = xcalloc(1, sizeof *f);
	word = xmalloc(strlen(expr) + 1);
	while (rc == 0 && (more = next_word(&p, word)) != 0) {
		if (more < 0) {
			snprintf(err, errlen, "a double quote is not closed");
			rc = BMC_ECONFIG;
			break;
		}
		f->terms = xreallocarray(f->terms, f->nterms + 1, sizeof *f->terms);
		rc = parse_term(word, &f->terms[f->nterms], err, errlen);
		f->nterms++;
	}
	free(word);
	if (rc != 0) {
		filter_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

/* Matching. */

static int has_sub(const char *field, const char *lower_needle)
{
	return field != NULL && strcasestr(field, lower_needle) != NULL;
}

static int starts(const char *word, const char *lower_prefix)
{
	return strncasecmp(word, lower_prefix, strlen(lower_prefix)) == 0;
}

static const char *proto_shown(const struct bmc_host *h)
{
	return h->protocol ? bmc_source_name(h->protocol) : fleet_protocol_name(h->cfg->protocol);
}

static int match_text(const struct bmc_host *h, const char *s)
{
	return has_sub(h->cfg->name, s) || has_sub(h->cfg->address, s) ||
	       has_sub(h->cfg->group, s) || has_sub(h->error, s) || has_sub(h->model, s) ||
	       has_sub(h->vendor, s) || has_sub(proto_shown(h), s) ||
	       starts(bmc_health_name(h->health), s) || starts(filter_state_word(h), s) ||
	       (h->power != BMC_POWER_UNKNOWN && starts(bmc_power_name(h->power), s));
}

/* The name is the range's idx-th expansion (compared without expanding it). */
static int match_range_at(const struct hostrange *r, const char *name, size_t idx)
{
	size_t from = 0, at = 0, i;

	for (i = 0; i < r->ngroups; i++) {
		const struct hostrange_group *gr = &r->groups[i];
		char num[32];
		size_t lit = gr->start - from, n;

		if (strncasecmp(name + at, r->text + from, lit) != 0)
			return 0;
		at += lit;
		n = (size_t)snprintf(num, sizeof num, "%0*lu", gr->items[idx].width,
				     gr->items[idx].value);
		if (strncmp(name + at, num, n) != 0 || isdigit((unsigned char)name[at + n]))
			return 0;
		at += n;
		from = gr->end;
	}
	return strcasecmp(name + at, r->text + from) == 0;
}

/* Find the expansions whose first number is the one in the name, by
 * binary search, so a long range costs a few steps per host. */
static int match_range(const struct atom *a, const char *name)
{
	const struct hostrange *r = &a->range;
	size_t lit = r->groups[0].start, lo = 0, hi = r->count, n;
	unsigned long v = 0;

	if (strlen(name) <= lit || strncasecmp(name, r->text, lit) != 0)
		return 0;
	for (n = 0; isdigit((unsigned char)name[lit + n]); n++) {
		if (n >= 20)
			return 0;
		v = v * 10 + (unsigned long)(name[lit + n] - '0');
	}
	if (n == 0)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->keys[mid].value < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < r->count && a->keys[lo].value == v; lo++)
		if (match_range_at(r, name, a->keys[lo].index))
			return 1;
	return 0;
}

static int compare(double v, enum cmp_op op, double x)
{
	switch (op) {
	case OP_GT:
		return v > x;
	case OP_GE:
		return v >= x;
	case OP_LT:
		return v < x;
	case OP_LE:
		return v <= x;
	case OP_EQ:
		return v == x;
	case OP_NE:
		return v != x;
	}
	return 0;
}

static int match_atom(const struct atom *a, const struct bmc_host *h, int64_t now_ms)
{
	double v;

	switch (a->kind) {
	case A_TEXT:
		return match_text(h, a->text);
	case A_HEALTH:
		return (int)h->health == a->value;
	case A_POWER:
		return (int)h->power == a->value;
	case A_STATE:
		return strcmp(filter_state_word(h), state_words[a->value]) == 0;
	case A_GROUP:
		return h->cfg->group != NULL && strcasecmp(h->cfg->group, a->text) == 0;
	case A_PROTO:
		return strcmp(proto_shown(h), proto_words[a->value]) == 0 ||
		       strcmp(fleet_protocol_name(h->cfg->protocol), proto_words[a->value]) == 0;
	case A_NAME:
		return has_sub(h->cfg->name, a->text);
	case A_ADDR:
		return has_sub(h->cfg->address, a->text);
	case A_ERROR:
		return has_sub(h->error, a->text);
	case A_MODEL:
		return has_sub(h->model, a->text) || has_sub(h->vendor, a->text);
	case A_SERIAL:
		return has_sub(h->serial, a->text);
	case A_FW:
		return has_sub(h->firmware, a->text);
	case A_RANGE:
		return match_range(a, h->cfg->name);
	case A_CMP:
		return filter_metric(h, a->metric, now_ms, &v) && compare(v, a->op, a->number);
	}
	return 0;
}

int filter_match(const struct filter *f, const struct bmc_host *h, int64_t now_ms)
{
	size_t i, j;

	if (f == NULL)
		return 1;
	for (i = 0; i < f->nterms; i++) {
		const struct term *t = &f->terms[i];
		int any = 0;

		for (j = 0; j < t->natoms && !any; j++)
			any = match_atom(&t->atoms[j], h, now_ms);
		if (any == t->negate)
			return 0;
	}
	return 1;
}
