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

/* Compression: the names, sorted by what is around their last number. */

struct cname {
	const char *name;
	size_t ds, de; /* the last run of digits, [ds, de); ds == de for none */
	unsigned long value;
};

static void split_name(struct cname *c, const char *name)
{
	size_t len = strlen(name), e = len;

	c->name = name;
	c->value = 0;
	while (e > 0 && !isdigit((unsigned char)name[e - 1]))
		e--;
	c->de = e;
	while (e > 0 && isdigit((unsigned char)name[e - 1]))
		e--;
	c->ds = e;
	if (c->de == 0 || c->de - c->ds > 9) /* too long to be a counter: keep the name whole */
		c->ds = c->de = len;
	else if (c->de > c->ds)
		c->value = strtoul(name + c->ds, NULL, 10);
}

/* Same text before and after the number: -1, 0, 1 as strcmp. */
static int cmp_around(const struct cname *a, const struct cname *b)
{
	size_t n = a->ds < b->ds ? a->ds : b->ds;
	int r = memcmp(a->name, b->name, n);

	if (r != 0)
		return r;
	if (a->ds != b->ds)
		return a->ds < b->ds ? -1 : 1;
	if ((a->de > a->ds) != (b->de > b->ds))
		return a->de > a->ds ? 1 : -1;
	return strcmp(a->name + a->de, b->name + b->de);
}

static int cmp_cname(const void *pa, const void *pb)
{
	const struct cname *a = pa, *b = pb;
	int r = cmp_around(a, b);

	if (r != 0)
		return r;
	return a->value < b->value ? -1 : a->value > b->value;
}

/* The zero-padding width a number is written with (0: none). */
static int cname_width(const struct cname *c)
{
	return c->name[c->ds] == '0' && c->de - c->ds > 1 ? (int)(c->de - c->ds) : 0;
}

/* c written with width w reads as it is. */
static int cname_fits(const struct cname *c, int w)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%0*lu", w, c->value);

	return (size_t)n == c->de - c->ds && memcmp(buf, c->name + c->ds, (size_t)n) == 0;
}

static void append(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*out = xrealloc(*out, *cap);
	}
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = '\0';
}

/* The numbers of c[0..n) (one group) as "01-09,11". */
static void append_items(char **out, size_t *len, size_t *cap, const struct cname *c, size_t n)
{
	size_t i = 0, j;
	char buf[64];

	while (i < n) {
		int w = cname_width(&c[i]);

		j = i;
		while (j + 1 < n &&
		       (c[j + 1].value == c[j].value ||
			(c[j + 1].value == c[j].value + 1 && cname_fits(&c[j + 1], w))))
			j++;
		if (c[j].value == c[i].value)
			snprintf(buf, sizeof buf, "%s%.*s", i ? "," : "", (int)(c[i].de - c[i].ds),
				 c[i].name + c[i].ds);
		else
			snprintf(buf, sizeof buf, "%s%.*s-%.*s", i ? "," : "",
				 (int)(c[i].de - c[i].ds), c[i].name + c[i].ds,
				 (int)(c[j].de - c[j].ds), c[j].name + c[j].ds);
		append(out, len, cap, buf, strlen(buf));
		i = j + 1;
	}
}

char *hostrange_compress(const char *const *names, size_t n)
{
	struct cname *c = xcalloc(n ? n : 1, sizeof *c);
	char *out = xstrdup("");
	size_t len = 0, cap = 1, i, j;

	for (i = 0; i < n; i++)
		split_name(&c[i], names[i]);
	qsort(c, n, sizeof *c, cmp_cname);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && c[j].de > c[j].ds && cmp_around(&c[i], &c[j]) == 0; j++)
			;
		if (len > 0)
			append(&out, &len, &cap, ", ", 2);
		if (c[i].de == c[i].ds || (j == i + 1)) {
			append(&out, &len, &cap, c[i].name, strlen(c[i].name));
			continue;
		}
		append(&out, &len, &cap, c[i].name, c[i].ds);
		append(&out, &len, &cap, "[", 1);
		append_items(&out, &len, &cap, c + i, j - i);
		append(&out, &len, &cap, "]", 1);
		append(&out, &len, &cap, c[i].name + c[i].de, strlen(c[i].name + c[i].de));
	}
	free(c);
	return out;
}
