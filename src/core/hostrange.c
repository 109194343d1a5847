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
