/*
 * core/hostrange.h - numeric ranges in names: node[01-40], bmc[1-3,7].
 *
 * Every bracket group whose content is digits, commas and dashes is a range;
 * anything else in brackets (an IPv6 literal such as [::1]) is left as is.
 * All ranges in one string expand in step: "n[1-2]-p[9001-9002]" gives
 * "n1-p9001" and "n2-p9002".  Zero padding is kept per item ([01-10]).
 */
#ifndef BMCTOP_HOSTRANGE_H
#define BMCTOP_HOSTRANGE_H

#include <stddef.h>

#define HOSTRANGE_MAX 1000000

struct hostrange_item {
	unsigned long value;
	int width; /* digits to pad to with zeros; 0 for none */
};

struct hostrange_group {
	size_t start, end; /* byte offsets of '[' and one past ']' */
	struct hostrange_item *items;
	size_t count;
};

struct hostrange {
	char *text;
	struct hostrange_group *groups;
	size_t ngroups;
	size_t count; /* expansions: 1 when there is no range */
};

/*
 * Parse s.  On error returns -1 and writes a message to err (which says what
 * was expected); ranges of different lengths within s are an error.
 */
int hostrange_parse(struct hostrange *hr, const char *s, char *err, size_t errlen);
/* The i-th expansion (0 <= i < count); caller frees. */
char *hostrange_get(const struct hostrange *hr, size_t i);
void hostrange_free(struct hostrange *hr);
/*
 * The inverse, for showing many names in little room: names[0..n) as one
 * comma-separated list with ranges ("node[01-08,10],rack2"), sorted, each
 * name once; each item expands back to the names given.  Caller frees.
 */
char *hostrange_compress(const char *const *names, size_t n);

/*
 * The names as few ranges as they allow, sorted: "node[01-09,11], web1"
 * (the inverse of the above, for showing a list of hosts); caller frees.
 * Names without a number, or alone with theirs, are kept whole.
 */
char *hostrange_compress(const char *const *names, size_t n);

#endif
