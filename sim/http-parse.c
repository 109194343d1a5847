/*
 * http-parse.c - the head of an HTTP/1.1 request to bmcsim: request line,
 * the headers the server acts on (Content-Length, Transfer-Encoding,
 * X-Auth-Token, Authorization, Connection), $expand in the query.
 *
 * Pure: a NUL-terminated head in, a filled request or the status of a
 * refusal out.  What is refused is what a strict server refuses
 * (obsolete line folding, a Content-Length given twice and different,
 * chunked bodies, heads and bodies over their caps).
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "http.h"

int sim_http_parse_method_is(const struct http_req *q, const char *m)
{
	return strcmp(q->method, m) == 0;
}

static void trim(char **s, char **end)
{
	while (*s < *end && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*end > *s && ((*end)[-1] == ' ' || (*end)[-1] == '\t'))
		(*end)--;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The query, percent-decoded into dec (HTTP_PATH_MAX bytes). */
static void query_decode(const char *q, size_t len, char *dec)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < HTTP_PATH_MAX; i++) {
		if (q[i] == '%' && i + 2 < len && hexval(q[i + 1]) >= 0 && hexval(q[i + 2]) >= 0) {
			dec[n++] = (char)(hexval(q[i + 1]) * 16 + hexval(q[i + 2]));
			i += 2;
		} else {
			dec[n++] = q[i];
		}
	}
	dec[n] = '\0';
}

int sim_http_parse_head(char *head, struct http_req *q)
{
	char *end = head + strlen(head), *line = head, *next, *eol, *sp1, *sp2, *target, *qm;
	size_t plen;

	memset(q, 0, sizeof *q);
	q->clen = -1;
	eol = strstr(line, "\r\n");
	if (eol == NULL)
		eol = end;
	next = eol < end ? eol + 2 : end;
	*eol = '\0';
	sp1 = strchr(line, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (sp1 == NULL || sp2 == NULL || (size_t)(sp1 - line) >= sizeof q->method)
		return 400;
	memcpy(q->method, line, (size_t)(sp1 - line));
	target = sp1 + 1;
	*sp2 = '\0';
	if (strcmp(sp2 + 1, "HTTP/1.1") == 0)
		q->http10 = 0;
	else if (strcmp(sp2 + 1, "HTTP/1.0") == 0)
		q->http10 = 1;
	else
		return strncmp(sp2 + 1, "HTTP/", 5) == 0 ? 505 : 400;
	if (target[0] != '/')
		return 400;
	qm = strchr(target, '?');
	plen = qm ? (size_t)(qm - target) : strlen(target);
	if (plen >= sizeof q->path)
		return 414;
	memcpy(q->path, target, plen);
	while (plen > 1 && q->path[plen - 1] == '/')
		q->path[--plen] = '\0';
	if (qm != NULL) {
		/* $expand: any of ".", "*", "~", with or without levels. */
		query_decode(qm + 1, strlen(qm + 1), q->query);
		q->expand = strstr(q->query, "$expand=") != NULL;
	}

	for (line = next; line < end; line = next) {
		char *colon, *name, *name_end, *val, *val_end;

		eol = strstr(line, "\r\n");
		if (eol == NULL)
			eol = end;
		next = eol < end ? eol + 2 : end;
		if (line[0] == ' ' || line[0] == '\t')
			return 400; /* obsolete line folding */
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon == NULL)
			return 400;
		name = line;
		name_end = colon;
		val = colon + 1;
		val_end = eol;
		trim(&val, &val_end);
		if (name_end == name || name_end[-1] == ' ' || name_end[-1] == '\t')
			return 400;
#define IS(h) ((size_t)(name_end - name) == strlen(h) && strncasecmp(name, h, strlen(h)) == 0)
		if (IS("Content-Length")) {
			long v = 0;
			char *c;

			if (val == val_end || val_end - val > 9)
				return 400;
			for (c = val; c < val_end; c++) {
				if (!isdigit((unsigned char)*c))
					return 400;
				v = v * 10 + (*c - '0');
			}
			if (q->clen >= 0 && q->clen != v)
				return 400;
			q->clen = v;
		} else if (IS("Transfer-Encoding")) {
			q->chunked = 1;
		} else if (IS("X-Auth-Token")) {
			if ((size_t)(val_end - val) >= sizeof q->token)
				q->token_too_long = 1;
			else
				memcpy(q->token, val, (size_t)(val_end - val));
		} else if (IS("Authorization")) {
			if ((size_t)(val_end - val) < sizeof q->auth)
				memcpy(q->auth, val, (size_t)(val_end - val));
		} else if (IS("Last-Event-ID")) {
			if ((size_t)(val_end - val) < sizeof q->last_event_id)
				memcpy(q->last_event_id, val, (size_t)(val_end - val));
		} else if (IS("Connection")) {
			char *c;

			for (c = val; c + 5 <= val_end; c++)
				if (strncasecmp(c, "close", 5) == 0)
					q->close = 1;
			for (c = val; c + 10 <= val_end; c++)
				if (strncasecmp(c, "keep-alive", 10) == 0)
					q->keep_alive = 1;
		}
#undef IS
	}
	if (q->chunked)
		return 501;
	if (q->clen > HTTP_BODY_MAX)
		return 413;
	return 0;
}
