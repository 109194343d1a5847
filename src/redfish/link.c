/*
 * redfish/link.c - the link rule: a link a BMC sends is followed only when
 * it resolves to the service's own origin, under /redfish/, with no dot
 * segments and no character that could change what is asked for.
 *
 * Every request the backend makes after the service root goes through
 * redfish_resolve_link(), so a BMC cannot send us to another host, nor
 * along a path that is not Redfish.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redfish/parse.h"

struct origin {
	const char *scheme; /* "http" or "https" */
	const char *host;   /* not NUL-terminated */
	size_t hostlen;
	unsigned port;
	const char *end; /* first byte after the authority */
};

/* Parse "scheme://host[:port]" at the start of url. */
static int parse_origin(const char *url, struct origin *o)
{
	const char *p, *a;
	unsigned long port = 0;

	if (strncasecmp(url, "https://", 8) == 0) {
		o->scheme = "https";
		a = url + 8;
		o->port = 443;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		o->scheme = "http";
		a = url + 7;
		o->port = 80;
	} else {
		return -1;
	}
	p = a;
	if (*p == '[') {
		while (*p != '\0' && *p != ']')
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.' && *p != '[')
				return -1;
			else
				p++;
		if (*p != ']')
			return -1;
		p++;
	} else {
		while (isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_')
			p++;
	}
	o->host = a;
	o->hostlen = (size_t)(p - a);
	if (o->hostlen == 0 || memmem(a, o->hostlen, "..", 2) != NULL)
		return -1;
	if (*p == ':') {
		const char *d = ++p;

		while (isdigit((unsigned char)*p) && p - d < 6)
			port = port * 10 + (unsigned long)(*p++ - '0');
		if (p == d || p - d > 5 || port == 0 || port > 65535)
			return -1;
		o->port = (unsigned)port;
	}
	/* Anything else here (userinfo, a stray character) is not an origin. */
	if (*p != '\0' && *p != '/' && *p != '?' && *p != '#')
		return -1;
	o->end = p;
	return 0;
}

static int same_origin(const struct origin *a, const struct origin *b)
{
	return strcmp(a->scheme, b->scheme) == 0 && a->port == b->port &&
	       a->hostlen == b->hostlen && strncasecmp(a->host, b->host, a->hostlen) == 0;
}

/* Characters no link may hold, anywhere, even in a fragment. */
static int link_chars_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7F || c == '\\')
			return 0;
		if (c == '%') {
			if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
				return 0;
			/* Encoded controls, dots and slashes only serve to hide a path. */
			if (s[1] < '2' || strncasecmp(s + 1, "2e", 2) == 0 ||
			    strncasecmp(s + 1, "2f", 2) == 0 || strncasecmp(s + 1, "5c", 2) == 0 ||
			    strncasecmp(s + 1, "7f", 2) == 0)
				return 0;
		}
	}
	return 1;
}

/* A path (up to any query) with no "." or ".." segment, under /redfish/. */
static int path_ok(const char *path, size_t len)
{
	size_t i, seg = 0;

	if (len < 9 || strncmp(path, "/redfish/", 9) != 0)
		return 0;
	for (i = 0; i <= len; i++) {
		if (i == len || path[i] == '/' || path[i] == '?') {
			size_t n = i - seg;

			if ((n == 1 && path[seg] == '.') ||
			    (n == 2 && path[seg] == '.' && path[seg + 1] == '.'))
				return 0;
			if (i < len && path[i] == '?')
				break;
			seg = i + 1;
		}
	}
	return memmem(path, len, "..", 2) == NULL;
}

int redfish_resolve_link(const char *base, const char *link, char *out, size_t outlen)
{
	struct origin b, l;
	const char *path;
	size_t pathlen, originlen;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (base == NULL || link == NULL || out == NULL || outlen == 0)
		return -1;
	if (parse_origin(base, &b) != 0 || !(b.end[0] == '\0' || strcmp(b.end, "/") == 0))
		return -1;
	if (link[0] == '\0' || !link_chars_ok(link))
		return -1;
	if (link[0] == '/' && link[1] != '/') {
		path = link;
	} else if (parse_origin(link, &l) == 0 && same_origin(&b, &l)) {
		path = l.end;
	} else {
		return -1;
	}
	pathlen = strcspn(path, "#");
	if (!path_ok(path, pathlen))
		return -1;
	originlen = (size_t)(b.end - base);
	if (originlen + pathlen >= outlen)
		return -1;
	memcpy(out, base, originlen);
	memcpy(out + originlen, path, pathlen);
	out[originlen + pathlen] = '\0';
	return 0;
}
