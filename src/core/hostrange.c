/*
 * core/hostrange.c - parse and expand bracketed numeric ranges.
 *
 * A group is only a range when its content is made of digits, ',' and '-';
 * that rule lets IPv6 literals in URLs pass through untouched.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hostrange.h"
#include "core/xalloc.h"

static int is_range_body(const char *p, const char *end)
{
	if (p == end)
		return 0;
	for (; p < end; p++)
		if (!isdigit((unsigned char)*p) && *p != ',' && *p != '-')
			return 0;
	return 1;
}

static int parse_number(const char **pp, const char *end, unsigned long *value, int *width)
{
	const char *p = *pp;
	unsigned long v = 0;
	int digits = 0;

	while (p < end && isdigit((unsigned char)*p)) {
		if (v > (HOSTRANGE_MAX * 100UL))
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
		digits++;
		p++;
	}
	if (digits == 0)
		return -1;
	*width = ((*pp)[0] == '0' && digits > 1) ? digits : 0;
	*value = v;
	*pp = p;
	return 0;
}

static int parse_group(struct hostrange_group *g, const char *body, const char *end,
		       char *err, size_t errlen)
{
	const char *p = body;
	size_t cap = 0;
	int blen = (int)(end - body);

	while (p < end) {
		unsigned long lo, hi, v;
		int wlo, whi;

		if (parse_number(&p, end, &lo, &wlo) != 0)
			goto bad;
		hi = lo;
		whi = wlo;
		if (p < end && *p == '-') {
			p++;
			if (parse_number(&p, end, &hi, &whi) != 0)
				goto bad;
		}
		if (hi < lo) {
			snprintf(err, errlen, "range [%.*s] goes backwards: expected [LOW-HIGH]",
				 blen, body);
			return -1;
		}
		if (hi - lo + 1 > HOSTRANGE_MAX - g->count) {
			snprintf(err, errlen, "range [%.*s] is too large: at most %d names",
				 blen, body, HOSTRANGE_MAX);
			return -1;
		}
		for (v = lo; v <= hi; v++) {
			if (g->count == cap) {
				cap = cap ? cap * 2 : 16;
				g->items = xreallocarray(g->items, cap, sizeof *g->items);
			}
			g->items[g->count].value = v;
			/* [01-10]: the low bound's width pads every item. */
			g->items[g->count].width = wlo ? wlo : 0;
			g->count++;
		}
		(void)whi;
		if (p < end) {
			if (*p != ',')
				goto bad;
			p++;
			if (p == end)
				goto bad;
		}
	}
	return 0;
bad:
	snprintf(err, errlen, "bad range [%.*s]: expected [LOW-HIGH] or a list such as [1-4,7]",
		 blen, body);
	return -1;
}

int hostrange_parse(struct hostrange *hr, const char *s, char *err, size_t errlen)
{
	const char *p;

	memset(hr, 0, sizeof *hr);
	hr->text = xstrdup(s);
	hr->count = 1;
	for (p = hr->text; *p != '\0'; p++) {
		const char *close;
		struct hostrange_group *g;

		if (*p != '[')
			continue;
		close = strchr(p + 1, ']');
		if (close == NULL || !is_range_body(p + 1, close))
			continue;
		hr->groups = xreallocarray(hr->groups, hr->ngroups + 1, sizeof *hr->groups);
		g = &hr->groups[hr->ngroups++];
		memset(g, 0, sizeof *g);
		g->start = (size_t)(p - hr->text);
		g->end = (size_t)(close + 1 - hr->text);
		if (parse_group(g, p + 1, close, err, errlen) != 0) {
			hostrange_free(hr);
			return -1;
		}
		if (hr->ngroups == 1) {
			hr->count = g->count;
		} else if (g->count != hr->count) {
			snprintf(err, errlen,
				 "ranges in \"%s\" differ in length (%zu and %zu): ranges expand in step, so they must match",
				 s, hr->count, g->count);
			hostrange_free(hr);
			return -1;
		}
		p = close;
	}
	return 0;
}

char *hostrange_get(const struct hostrange *hr, size_t i)
{
	size_t len = strlen(hr->text) + hr->ngroups * 24 + 1;
	char *out = xmalloc(len);
	size_t pos = 0, o = 0, g;

	for (g = 0; g < hr->ngroups; g++) {
		const struct hostrange_group *grp = &hr->groups[g];
		const struct hostrange_item *it = &grp->items[i];

		memcpy(out + o, hr->text + pos, grp->start - pos);
		o += grp->start - pos;
		o += (size_t)snprintf(out + o, len - o, "%0*lu", it->width, it->value);
		pos = grp->end;
	}
	strcpy(out + o, hr->text + pos);
	return out;
}

void hostrange_free(struct hostrange *hr)
{
	size_t g;

	for (g = 0; g < hr->ngroups; g++)
		free(hr->groups[g].items);
	free(hr->groups);
	free(hr->text);
	memset(hr, 0, sizeof *hr);
}

/*
 * Compression: the inverse of expansion, for showing many names at once.
 * Each name splits at its last run of digits into prefix, number and
 * suffix; names that share prefix and suffix share one bracket, their
 * numbers sorted and joined into runs.  A run keeps the zero padding of the
 * name it starts with, and only names written exactly as the run would
 * write them join it, so the result expands back to the same names.
 */
struct compress_name {
	const char *name;
	size_t plen, dlen; /* prefix length; digits after it (0: no number) */
	unsigned long value;
};

static void split_name(struct compress_name *c, const char *name)
{
	size_t len = strlen(name), end = len, start;

	c->name = name;
	while (end > 0 && !isdigit((unsigned char)name[end - 1]))
		end--;
	start = end;
	while (start > 0 && isdigit((unsigned char)name[start - 1]))
		start--;
	c->plen = start;
	c->dlen = end - start;
	c->value = 0;
	if (c->dlen == 0 || c->dlen > 9) { /* no number, or too long to be a count */
		c->plen = len;
		c->dlen = 0;
		return;
	}
	c->value = strtoul(name + start, NULL, 10);
}

/* Same prefix and suffix: the names one bracket may hold. */
static int compress_family_cmp(const struct compress_name *a, const struct compress_name *b)
{
	size_t n = a->plen < b->plen ? a->plen : b->plen;
	int d = strncmp(a->name, b->name, n);

	if (d != 0)
		return d;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	if ((a->dlen == 0) != (b->dlen == 0))
		return a->dlen == 0 ? -1 : 1;
	return strcmp(a->name + a->plen + a->dlen, b->name + b->plen + b->dlen);
}

static int compress_cmp(const void *pa, const void *pb)
{
	const struct compress_name *a = pa, *b = pb;
	int d = compress_family_cmp(a, b);

	if (d != 0)
		return d;
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return a->dlen < b->dlen ? -1 : a->dlen > b->dlen;
}

/* Does c read as value written at width (zero padded to it, 0: not)? */
static int written_as(const struct compress_name *c, unsigned long value, int width)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%0*lu", width, value);
	return strlen(buf) == c->dlen && strncmp(buf, c->name + c->plen, c->dlen) == 0;
}

/* The runs of one family's numbers, "01-08,10", at out (size: its names' bytes). */
static size_t compress_runs(const struct compress_name *c, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		int width = c[i].name[c[i].plen] == '0' && c[i].dlen > 1 ? (int)c[i].dlen : 0;
		size_t j = i;

		while (j + 1 < n && c[j + 1].value == c[j].value + 1 &&
		       written_as(&c[j + 1], c[j + 1].value, width))
			j++;
		if (o > 0)
			out[o++] = ',';
		memcpy(out + o, c[i].name + c[i].plen, c[i].dlen);
		o += c[i].dlen;
		if (j > i) {
			out[o++] = '-';
			memcpy(out + o, c[j].name + c[j].plen, c[j].dlen);
			o += c[j].dlen;
		}
		i = j + 1;
	}
	return o;
}

char *hostrange_compress(const char *const *names, size_t n)
{
	struct compress_name *c = xcalloc(n ? n : 1, sizeof *c);
	size_t i, k, total = 1, o = 0, m = 0;
	char *out;

	for (i = 0; i < n; i++) {
		total += strlen(names[i]) + 3;
		split_name(&c[m], names[i]);
		m++;
	}
	qsort(c, m, sizeof *c, compress_cmp);
	/* Repeats name one host once. */
	for (i = 0, k = 0; i < m; i++)
		if (k == 0 || strcmp(c[k - 1].name, c[i].name) != 0)
			c[k++] = c[i];
	m = k;
	out = xmalloc(total);
	for (i = 0; i < m; i = k) {
		for (k = i + 1; k < m && compress_family_cmp(&c[i], &c[k]) == 0; k++)
			;
		if (o > 0)
			out[o++] = ',';
		if (k - i == 1 || c[i].dlen == 0) {
			/* One name (names without a number are each their own family). */
			k = i + 1;
			o += (size_t)sprintf(out + o, "%s", c[i].name);
			continue;
		}
		memcpy(out + o, c[i].name, c[i].plen);
		o += c[i].plen;
		out[o++] = '[';
		o += compress_runs(c + i, k - i, out + o);
		o += (size_t)sprintf(out + o, "]%s", c[i].name + c[i].plen + c[i].dlen);
	}
	out[o] = '\0';
	free(c);
	return out;
}
