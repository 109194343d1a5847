/*
 * redfish/sse.c - the text/event-stream parser (redfish/sse.h).
 *
 * Bytes gather into a line; a line end processes it as a field, and an
 * empty line dispatches the event gathered so far.  A line or an event
 * over the cap sets too_long: the rest of the event is skipped and the
 * event is told as oversized at its empty line.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "redfish/sse.h"

#define SSE_KEEP 4096 /* a buffer grown past this is released after its event */

void sse_init(struct sse_parser *p)
{
	memset(p, 0, sizeof *p);
	p->retry_ms = -1;
}

void sse_free(struct sse_parser *p)
{
	free(p->line);
	free(p->data);
	p->line = p->data = NULL;
	p->line_cap = p->data_cap = 0;
}

/* Room for need bytes in *buf (need <= SSE_EVENT_MAX + 1). */
static char *reserve(char **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 256;

	if (need <= *cap)
		return *buf;
	while (n < need)
		n *= 2;
	if (n > SSE_EVENT_MAX + 1)
		n = SSE_EVENT_MAX + 1;
	*buf = xrealloc(*buf, n);
	*cap = n;
	return *buf;
}

static void shrink(char **buf, size_t *cap)
{
	if (*cap > SSE_KEEP) {
		free(*buf);
		*buf = NULL;
		*cap = 0;
	}
}

static void copy_field(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static size_t dispatch(struct sse_parser *p, sse_event_cb cb, void *ctx)
{
	struct sse_event ev;
	size_t told = 0;

	if (p->too_long) {
		ev.type = p->type[0] ? p->type : "message";
		ev.id = p->id;
		ev.data = NULL;
		ev.len = 0;
		ev.oversized = 1;
		p->dropped++;
		cb(ctx, &ev);
		told = 1;
	} else if (p->data_len > 0) {
		p->data_len--; /* the LF after the last data line */
		p->data[p->data_len] = '\0';
		ev.type = p->type[0] ? p->type : "message";
		ev.id = p->id;
		ev.data = p->data;
		ev.len = p->data_len;
		ev.oversized = 0;
		p->events++;
		cb(ctx, &ev);
		told = 1;
	}
	p->data_len = 0;
	p->type[0] = '\0';
	p->too_long = 0;
	shrink(&p->data, &p->data_cap);
	shrink(&p->line, &p->line_cap);
	return told;
}

static void field(struct sse_parser *p, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n), *v;
	size_t name_len = colon != NULL ? (size_t)(colon - line) : n, vlen;

	if (n == 0 || name_len == 0)
		return; /* empty lines are handled before; ':' is a comment */
	v = colon != NULL ? colon + 1 : line + n;
	vlen = (size_t)(line + n - v);
	if (vlen > 0 && *v == ' ') {
		v++;
		vlen--;
	}
	if (name_len == 4 && memcmp(line, "data", 4) == 0) {
		if (p->data_len + vlen + 1 > SSE_EVENT_MAX) {
			p->too_long = 1;
			return;
		}
		reserve(&p->data, &p->data_cap, p->data_len + vlen + 2);
		memcpy(p->data + p->data_len, v, vlen);
		p->data_len += vlen;
		p->data[p->data_len++] = '\n';
	} else if (name_len == 5 && memcmp(line, "event", 5) == 0) {
		copy_field(p->type, sizeof p->type, v, vlen);
	} else if (name_len == 2 && memcmp(line, "id", 2) == 0) {
		if (memchr(v, '\0', vlen) == NULL && vlen < SSE_ID_MAX)
			copy_field(p->id, sizeof p->id, v, vlen);
	} else if (name_len == 5 && memcmp(line, "retry", 5) == 0) {
		long ms = 0;
		size_t i;

		for (i = 0; i < vlen && v[i] >= '0' && v[i] <= '9' && ms < 100000000; i++)
			ms = ms * 10 + (v[i] - '0');
		if (vlen > 0 && i == vlen)
			p->retry_ms = ms;
	}
}

/* A line has ended: an empty one dispatches, any other is a field. */
static size_t line_end(struct sse_parser *p, sse_event_cb cb, void *ctx)
{
	size_t told = 0;

	if (p->line_len == 0)
		told = dispatch(p, cb, ctx);
	else if (!p->too_long)
		field(p, p->line, p->line_len);
	p->line_len = 0;
	return told;
}

size_t sse_feed(struct sse_parser *p, const char *buf, size_t n, sse_event_cb cb, void *ctx)
{
	size_t i, told = 0;

	for (i = 0; i < n; i++) {
		char ch = buf[i];

		if (p->started < 3) {
			static const char bom[3] = {'\xef', '\xbb', '\xbf'};

			if (ch == bom[p->started]) {
				p->started++;
				continue;
			}
			/* Not a byte-order mark after all: what it matched is text. */
			reserve(&p->line, &p->line_cap, (size_t)p->started + 1);
			memcpy(p->line, bom, (size_t)p->started);
			p->line_len = (size_t)p->started;
			p->started = 3;
		}
		if (ch == '\n' && p->after_cr) {
			p->after_cr = 0;
			continue;
		}
		p->after_cr = ch == '\r';
		if (ch == '\r' || ch == '\n') {
			told += line_end(p, cb, ctx);
			continue;
		}
		if (p->line_len >= SSE_EVENT_MAX) {
			p->too_long = 1; /* the line is dropped; so is its event */
			continue;
		}
		reserve(&p->line, &p->line_cap, p->line_len + 1);
		p->line[p->line_len++] = ch;
	}
	return told;
}
