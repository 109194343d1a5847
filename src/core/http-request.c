/*
 * core/http-request.c - parse the head of an HTTP/1.1 request.
 *
 * Lines end in CRLF (a bare LF is taken too, as most servers do).  A
 * header line that starts with white space (obsolete folding), a field
 * name that is not a token, a control byte in a value, or a request that
 * announces a body is refused: a read-only server has no use for them and
 * they are where request smuggling lives.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/http-request.h"

/* Where the head ends (past its blank line) in buf[0..len), or 0. */
static size_t head_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Copy a value into a fixed field: -1 when it does not fit. */
static int copy_field(char *dst, size_t dstlen, const char *v, size_t n)
{
	if (n >= dstlen)
		return -1;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int has_token(const char *v, size_t n, const char *token)
{
	size_t tl = strlen(token), i = 0;

	while (i < n) {
		size_t start, end;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (end - start == tl && strncasecmp(v + start, token, tl) == 0)
			return 1;
	}
	return 0;
}

/* Accept-Encoding: is gzip among the codings, with a q other than 0? */
static int accepts_gzip(const char *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start, end, next;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		next = i;
		end = start;
		while (end < next && v[end] != ';' && v[end] != ' ' && v[end] != '\t')
			end++;
		if (end - start == 4 && strncasecmp(v + start, "gzip", 4) == 0) {
			const char *q = memchr(v + end, '=', next - end);
			size_t k;
			int zero = q != NULL && q + 1 < v + next && q[1] == '0';

			/* q=0, q=0.0, q=0.000: not acceptable. */
			for (k = q ? (size_t)(q + 2 - v) : next; zero && k < next; k++)
				zero = v[k] == '.' || v[k] == '0' || v[k] == ' ';
			if (!zero)
				return 1;
		}
	}
	return 0;
}

static int parse_request_line(struct http_request *r, const char *line, size_t n)
{
	const char *sp1 = memchr(line, ' ', n), *sp2;
	size_t i;

	if (sp1 == NULL || sp1 == line)
		return -400;
	if (copy_field(r->method, sizeof r->method, line, (size_t)(sp1 - line)) != 0)
		return -400;
	for (i = 0; r->method[i] != '\0'; i++)
		if (!is_tchar((unsigned char)r->method[i]))
			return -400;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line));
	if (sp2 == NULL || sp2 == sp1 + 1)
		return -400;
	if ((size_t)(sp2 - sp1 - 1) >= sizeof r->target)
		return -431;
	copy_field(r->target, sizeof r->target, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	for (i = 0; r->target[i] != '\0'; i++)
		if ((unsigned char)r->target[i] <= ' ' || r->target[i] == 0x7f)
			return -400;
	if (r->target[0] != '/')
		return -400;
	n -= (size_t)(sp2 + 1 - line);
	line = sp2 + 1;
	if (n < 8 || strncmp(line, "HTTP/", 5) != 0)
		return -400;
	if (n != 8 || line[5] != '1' || line[6] != '.' || line[7] < '0' || line[7] > '9')
		return -505;
	r->http_minor = line[7] - '0';
	r->keep_alive = r->http_minor >= 1;
	return 0;
}

static int parse_header(struct http_request *r, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n), *v;
	size_t name_len, vn, i;

	if (line[0] == ' ' || line[0] == '\t' || colon == NULL || colon == line)
		return -400;
	name_len = (size_t)(colon - line);
	for (i = 0; i < name_len; i++)
		if (!is_tchar((unsigned char)line[i]))
			return -400;
	v = colon + 1;
	vn = n - name_len - 1;
	while (vn > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vn--;
	}
	while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	for (i = 0; i < vn; i++)
		if (((unsigned char)v[i] < ' ' && v[i] != '\t') || v[i] == 0x7f)
			return -400;
#define IS(s) (name_len == sizeof s - 1 && strncasecmp(line, s, name_len) == 0)
	if (IS("Host")) {
		if (r->has_host)
			return -400;
		r->has_host = 1;
		if (copy_field(r->host, sizeof r->host, v, vn) != 0)
			r->host[0] = '\0';
	} else if (IS("Connection")) {
		if (has_token(v, vn, "close"))
			r->keep_alive = 0;
		else if (has_token(v, vn, "keep-alive"))
			r->keep_alive = 1;
	} else if (IS("Content-Length")) {
		if (vn != 1 || v[0] != '0')
			return vn == 0 ? -400 : -501;
	} else if (IS("Transfer-Encoding")) {
		return -501;
	} else if (IS("Accept-Encoding")) {
		r->accepts_gzip = accepts_gzip(v, vn);
	} else if (IS("Accept")) {
		size_t keep = vn < sizeof r->accept ? vn : sizeof r->accept - 1;

		copy_field(r->accept, sizeof r->accept, v, keep);
	} else if (IS("Authorization")) {
		if (copy_field(r->authorization, sizeof r->authorization, v, vn) != 0)
			return -431;
	} else if (IS("Last-Event-ID")) {
		if (copy_field(r->last_event_id, sizeof r->last_event_id, v, vn) != 0)
			return -400;
	}
#undef IS
	return 0;
}

int http_request_parse(struct http_request *r, const char *buf, size_t len)
{
	size_t end, pos = 0;
	int first = 1, rc;

	memset(r, 0, sizeof *r);
	end = head_end(buf, len < HTTP_REQUEST_HEAD_MAX ? len : HTTP_REQUEST_HEAD_MAX);
	if (end == 0)
		return len >= HTTP_REQUEST_HEAD_MAX ? -431 : 0;
	/* RFC 9112 2.2: empty lines before the request line are ignored. */
	while (pos < end && (buf[pos] == '\r' || buf[pos] == '\n'))
		pos++;
	if (pos == end)
		return 0;
	end = head_end(buf + pos, end - pos);
	if (end == 0)
		return 0;
	end += pos;
	while (pos < end) {
		const char *nl = memchr(buf + pos, '\n', end - pos);
		size_t n = (size_t)(nl - (buf + pos));

		if (n > 0 && buf[pos + n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		if (memchr(buf + pos, '\0', n) != NULL || memchr(buf + pos, '\r', n) != NULL)
			return -400;
		rc = first ? parse_request_line(r, buf + pos, n) : parse_header(r, buf + pos, n);
		if (rc != 0)
			return rc;
		first = 0;
		pos = (size_t)(nl - buf) + 1;
	}
	if (r->http_minor >= 1 && !r->has_host)
		return -400;
	return (int)end;
}

int http_request_path(const char *target, char *out, size_t outlen)
{
	size_t n = strcspn(target, "?#");

	if (n >= outlen)
		return -1;
	memcpy(out, target, n);
	out[n] = '\0';
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode in[0..n) into out ('+' is a space, as forms send it). */
static int decode(const char *in, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)in[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = hex_value(in[i + 1]);
			lo = hex_value(in[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == 0 || o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

int http_request_query(const char *target, const char *key, char *out, size_t outlen)
{
	const char *q = strchr(target, '?');
	size_t kl = strlen(key);

	if (q == NULL)
		return 0;
	q++;
	while (*q != '\0' && *q != '#') {
		size_t n = strcspn(q, "&#");
		const char *eq = memchr(q, '=', n);

		if (eq != NULL && (size_t)(eq - q) == kl && strncmp(q, key, kl) == 0)
			return decode(eq + 1, n - kl - 1, out, outlen) == 0 ? 1 : -1;
		q += n;
		if (*q == '&')
			q++;
	}
	return 0;
}

int http_request_accepts(const struct http_request *r, const char *type)
{
	const char *p = r->accept;
	size_t tl = strlen(type);

	while (*p != '\0') {
		size_t n;

		while (*p == ' ' || *p == ',')
			p++;
		n = strcspn(p, ",;");
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == tl && strncasecmp(p, type, tl) == 0)
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 411:
		return "Length Required";
	case 413:
		return "Payload Too Large";
	case 414:
		return "URI Too Long";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Unknown";
	}
}
