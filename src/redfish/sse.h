/*
 * redfish/sse.h - Server-Sent Events (text/event-stream), parsed from
 * bytes: what a BMC's EventService sends at its ServerSentEventUri.
 *
 * A pure codec: no sockets.  Its two buffers (the line, the event's data)
 * grow with what arrives, up to the cap, and go back to nothing after an
 * event over 4 KB, so an idle stream holds a few hundred bytes.  It
 * follows the WHATWG event-stream rules (lines end in CR, LF or CRLF,
 * split anywhere between feeds; ':' starts a comment; data lines join with
 * LF; the last id persists across events, for Last-Event-ID) and caps an
 * event at SSE_EVENT_MAX bytes: a larger one is reported as oversized,
 * without its data, and the stream goes on after it.
 */
#ifndef BMCTOP_REDFISH_SSE_H
#define BMCTOP_REDFISH_SSE_H

#include <stddef.h>

#define SSE_EVENT_MAX (64 * 1024) /* data of one event, and one line */
#define SSE_ID_MAX    128
#define SSE_TYPE_MAX  64

struct sse_event {
	const char *type; /* "message" unless an event: field said otherwise */
	const char *id;	  /* the last id seen on the stream, or "" */
	const char *data; /* NUL-terminated, without the final LF; NULL when oversized */
	size_t len;
	int oversized; /* the event was over SSE_EVENT_MAX and is dropped */
};

struct sse_parser {
	char *line;
	size_t line_len, line_cap;
	char *data;
	size_t data_len, data_cap;
	char type[SSE_TYPE_MAX];
	char id[SSE_ID_MAX];
	long retry_ms; /* the last retry: field, or -1 */
	int after_cr;  /* the last byte was a CR: an LF next is the same line end */
	int started;   /* bytes of a leading byte-order mark matched; 3: past it */
	int too_long;  /* the current line or event went over the cap */
	unsigned long events, dropped;
};

typedef void (*sse_event_cb)(void *ctx, const struct sse_event *ev);

void sse_init(struct sse_parser *p);
/* Release the buffers; the parser may be sse_init'ed again. */
void sse_free(struct sse_parser *p);
/*
 * Take n bytes of the stream; cb is called once per complete event (an
 * oversized one too, with oversized set).  The number of events told.
 */
size_t sse_feed(struct sse_parser *p, const char *buf, size_t n, sse_event_cb cb, void *ctx);

#endif
