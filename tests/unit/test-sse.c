/*
 * test-sse.c - the text/event-stream parser: fields, comments, line ends
 * split across feeds, the persistent id, retry, and an oversized event
 * dropped while the stream goes on; and where an EventService's stream is
 * (redfish/push.c).
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redfish/push.h"
#include "redfish/sse.h"
#include "runner.h"

struct got {
	char log[4096];
	int n, oversized;
};

static void on_event(void *ctx, const struct sse_event *ev)
{
	struct got *g = ctx;
	size_t l = strlen(g->log);

	g->n++;
	if (ev->oversized) {
		g->oversized++;
		snprintf(g->log + l, sizeof g->log - l, "[%s|%s|OVERSIZED]", ev->type, ev->id);
		return;
	}
	snprintf(g->log + l, sizeof g->log - l, "[%s|%s|%s]", ev->type, ev->id, ev->data);
}

static struct sse_parser *parser(void)
{
	struct sse_parser *p = malloc(sizeof *p);

	sse_init(p);
	return p;
}

TEST(sse_fields_and_comments)
{
	struct sse_parser *p = parser();
	struct got g = {"", 0, 0};
	const char *s = ": hello\n\nid: 7\nevent: Alert\ndata: {\"a\":1}\n\n"
			"data: one\ndata:two\nretry: 3000\n\n";

	ASSERT_EQ(sse_feed(p, s, strlen(s), on_event, &g), 2);
	ASSERT_STREQ(g.log, "[Alert|7|{\"a\":1}][message|7|one\ntwo]");
	ASSERT_EQ(p->retry_ms, 3000);
	sse_free(p);
	free(p);
}

TEST(sse_split_everywhere_and_crlf)
{
	const char *s = "\xef\xbb\xbfid: x1\r\ndata: a\r\n\r\ndata: b\rdata: c\r\rid\n:c\ndata\n\n";
	size_t cut, len = strlen(s);

	for (cut = 0; cut <= len; cut++) {
		struct sse_parser *p = parser();
		struct got g = {"", 0, 0};

		/* One byte at a time up to cut, then the rest. */
		for (size_t i = 0; i < cut; i++)
			sse_feed(p, s + i, 1, on_event, &g);
		sse_feed(p, s + cut, len - cut, on_event, &g);
		ASSERT_STREQ(g.log, "[message|x1|a][message|x1|b\nc][message||]");
		sse_free(p);
		free(p);
	}
}

TEST(sse_oversized_event_dropped_stream_goes_on)
{
	struct sse_parser *p = parser();
	struct got g = {"", 0, 0};
	size_t big = SSE_EVENT_MAX + 100, i;
	char *chunk = malloc(big);

	memset(chunk, 'x', big);
	sse_feed(p, "id: 1\nevent: huge\ndata: ", 24, on_event, &g);
	for (i = 0; i < big; i += 1000)
		sse_feed(p, chunk + i, big - i < 1000 ? big - i : 1000, on_event, &g);
	sse_feed(p, "\n\nid: 2\ndata: small\n\n", 21, on_event, &g);
	ASSERT_STREQ(g.log, "[huge|1|OVERSIZED][message|2|small]");
	ASSERT_EQ(p->dropped, 1);
	ASSERT_EQ(p->events, 1);
	/* Many data lines that add up past the cap: dropped the same way. */
	g.log[0] = '\0';
	for (i = 0; i < SSE_EVENT_MAX / 500 + 2; i++) {
		sse_feed(p, "data: ", 6, on_event, &g);
		sse_feed(p, chunk, 500, on_event, &g);
		sse_feed(p, "\n", 1, on_event, &g);
	}
	sse_feed(p, "\ndata: ok\n\n", 11, on_event, &g);
	ASSERT_STREQ(g.log, "[message|2|OVERSIZED][message|2|ok]");
	/* Grown to the cap for them, and back to small buffers after. */
	ASSERT(p->line_cap <= 4096 && p->data_cap <= 4096);
	/* A large event that fits is whole, and released after it too. */
	g.log[0] = '\0';
	sse_feed(p, "data: ", 6, on_event, &g);
	sse_feed(p, chunk, 30000, on_event, &g);
	sse_feed(p, "\n\n", 2, on_event, &g);
	ASSERT_EQ(p->events, 3);
	ASSERT(p->line_cap <= 4096 && p->data_cap <= 4096);
	free(chunk);
	sse_free(p);
	free(p);
}

TEST(sse_bad_retry_and_id_kept)
{
	struct sse_parser *p = parser();
	struct got g = {"", 0, 0};
	const char *s = "retry: 12x\nid: keep\n\nretry: 5\ndata: z\n\nid\ndata: y\n\n";

	sse_feed(p, s, strlen(s), on_event, &g);
	ASSERT_EQ(p->retry_ms, 5);
	/* An empty event sets the id without being told; "id" alone clears it. */
	ASSERT_STREQ(g.log, "[message|keep|z][message||y]");
	sse_free(p);
	free(p);
}

/* What an EventService offers, as redfish/push.c reads it. */
static int stream_link(const char *es, char *out, size_t outlen)
{
	json_t *j = json_loads(es, 0, NULL);
	int rc = rf_push_stream_link(j, out, outlen);

	json_decref(j);
	return rc;
}

TEST(push_stream_link)
{
	char link[256];

	/* bmcweb's place, with the $filter it takes. */
	ASSERT_EQ(stream_link("{\"ServerSentEventUri\":\"/redfish/v1/EventService/SSE\","
			      "\"SSEFilterPropertiesSupported\":{\"EventFormatType\":true}}",
			      link, sizeof link),
		  0);
	ASSERT_STREQ(link, "/redfish/v1/EventService/SSE?$filter=EventFormatType%20eq%20Event");
	/* Elsewhere, as a full URL, no filter: its path, as given. */
	ASSERT_EQ(stream_link("{\"ServerSentEventUri\":\"https://10.0.0.1/redfish/v1/SSE/Stream\","
			      "\"SSEFilterPropertiesSupported\":{\"EventFormatType\":false}}",
			      link, sizeof link),
		  0);
	ASSERT_STREQ(link, "/redfish/v1/SSE/Stream");
	/* A query of its own is kept, nothing added. */
	ASSERT_EQ(stream_link("{\"ServerSentEventUri\":\"/redfish/v1/Events?x=1\","
			      "\"SSEFilterPropertiesSupported\":{\"EventFormatType\":true}}",
			      link, sizeof link),
		  0);
	ASSERT_STREQ(link, "/redfish/v1/Events?x=1");
	/* None, disabled, outside /redfish/, or with a header break: no stream. */
	ASSERT_EQ(stream_link("{\"ServiceEnabled\":true}", link, sizeof link), -1);
	ASSERT_EQ(stream_link("{\"ServiceEnabled\":false,\"ServerSentEventUri\":\"/redfish/v1/S\"}",
			      link, sizeof link),
		  -1);
	ASSERT_EQ(stream_link("{\"ServerSentEventUri\":\"/sse\"}", link, sizeof link), -1);
	ASSERT_EQ(
	    stream_link("{\"ServerSentEventUri\":\"/redfish/v1/S\\r\\nX: y\"}", link, sizeof link),
	    -1);
	ASSERT_EQ(rf_push_stream_link(NULL, link, sizeof link), -1);
}
