/*
 * fuzz-sse.c - libFuzzer target for the text/event-stream parser
 * (redfish/sse.c).
 *
 * Fed whole or split at a point the input chooses, the parser tells the
 * same events; an event's data is NUL-terminated at its length and never
 * over the cap; ids and types stay NUL-terminated within their fields.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redfish/sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tally {
	unsigned long n, bytes;
};

static void on_event(void *ctx, const struct sse_event *ev)
{
	struct tally *t = ctx;

	if (strlen(ev->id) >= SSE_ID_MAX || strlen(ev->type) >= SSE_TYPE_MAX)
		__builtin_trap();
	if (!ev->oversized &&
	    (ev->data == NULL || ev->len > SSE_EVENT_MAX || ev->data[ev->len] != '\0'))
		__builtin_trap();
	t->n++;
	t->bytes += ev->len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sse_parser a, b;
	struct tally ta = {0, 0}, tb = {0, 0};
	size_t cut = size > 0 ? data[0] % (size + 1) : 0;

	sse_init(&a);
	sse_init(&b);
	sse_feed(&a, (const char *)data, size, on_event, &ta);
	sse_feed(&b, (const char *)data, cut, on_event, &tb);
	sse_feed(&b, (const char *)data + cut, size - cut, on_event, &tb);
	if (ta.n != tb.n || ta.bytes != tb.bytes || a.dropped != b.dropped)
		__builtin_trap();
	sse_free(&a);
	sse_free(&b);
	return 0;
}
