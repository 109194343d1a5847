/*
 * redfish-events.c - bmcsim's Redfish push: the EventService, its
 * Server-Sent Events stream, SubmitTestEvent, and Manager.Reset (a BMC
 * reboot on demand, which ends streams and sessions).
 *
 * Every log entry the model adds (threshold crossings, power changes,
 * memory errors, test events) is pushed to the BMC's open streams as a
 * Redfish Event, with an id; the last RF_EVENT_RING are kept, so a stream
 * opened with Last-Event-ID gets what it missed first.  BMCs without SSE
 * (--sse-share) have an EventService that names no ServerSentEventUri.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "redfish.h"

#define SSE_URI	     ROOT "/EventService/SSE"
#define SSE_FILTER   "EventFormatType eq Event" /* the one $filter taken */
#define PAD_MAX	     (1024 * 1024)
#define ST_SYSTEM_EV 0x12 /* sensor type System Event, for test events */

static json_t *event_service(struct sim_bmc *b)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:b, s:[s], s:{s:{s:s}}, s:{s:s, s:s}}", "@odata.type",
		      "#EventService.v1_10_0.EventService", "@odata.id", ROOT "/EventService", "Id",
		      "EventService", "Name", "Event Service", "ServiceEnabled", 1,
		      "EventFormatTypes", "Event", "Actions", "#EventService.SubmitTestEvent",
		      "target", ROOT "/EventService/Actions/EventService.SubmitTestEvent", "Status",
		      "State", "Enabled", "Health", "OK");

	if (b->sse) {
		json_object_set_new(o, "ServerSentEventUri", json_string(SSE_URI));
		json_object_set_new(o, "SSEFilterPropertiesSupported",
				    json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
					      "EventFormatType", 1, "MessageId", 0,
					      "RegistryPrefix", 0, "ResourceType", 0,
					      "OriginResource", 0, "SubordinateResources", 0,
					      "MetricReportDefinition", 0));
	}
	return o;
}

/* The Event pushed for log entry e, as SSE text with its id. */
static char *event_text(struct sim_redfish_bmc *rb, const struct sim_sel_entry *e, unsigned id,
			size_t *len)
{
	json_t *entry = sim_redfish_resource_sel_entry(rb->b, e);
	json_t *ev, *record;
	char sid[16], *data, *text;

	snprintf(sid, sizeof sid, "%u", id);
	record = json_pack("{s:s, s:s, s:O, s:O, s:O, s:O, s:s, s:{s:O}}", "EventType", "Other",
			   "EventId", sid, "EventTimestamp", json_object_get(entry, "Created"),
			   "Severity", json_object_get(entry, "Severity"), "MessageSeverity",
			   json_object_get(entry, "Severity"), "Message",
			   json_object_get(entry, "Message"), "MessageId",
			   "ResourceEvent.1.3.ResourceCreated", "OriginOfCondition", "@odata.id",
			   json_object_get(entry, "@odata.id"));
	if (rb->pad_next > 0) {
		char *pad = xmalloc(rb->pad_next + 1);

		memset(pad, 'x', rb->pad_next);
		pad[rb->pad_next] = '\0';
		json_object_set_new(record, "Oem",
				    json_pack("{s:{s:s}}", "Bmcsim", "Padding", pad));
		free(pad);
		rb->pad_next = 0;
	}
	ev = json_pack("{s:s, s:s, s:s, s:s, s:[o]}", "@odata.type", "#Event.v1_7_0.Event", "Id",
		       sid, "Name", "Event Array", "Context", "bmcsim", "Events", record);
	data = json_dumps(ev, JSON_COMPACT);
	text = xasprintf("id: %u\ndata: %s\n\n", id, data);
	*len = strlen(text);
	free(data);
	json_decref(ev);
	json_decref(entry);
	return text;
}

static void on_sel_added(struct sim_bmc *b, const struct sim_sel_entry *e)
{
	struct sim_redfish_bmc *rb = b->redfish;
	struct sim_redfish_event *slot;
	unsigned id;

	if (rb == NULL || !b->sse)
		return;
	if (rb->next_event == 0)
		rb->next_event = 1;
	id = rb->next_event++;
	slot = &rb->ring[id % RF_EVENT_RING];
	free(slot->text);
	slot->id = id;
	slot->text = event_text(rb, e, id, &slot->len);
	sim_http_stream_send(b, slot->text, slot->len);
}

void sim_redfish_events_start(struct sim *s)
{
	size_t i, k = 0;

	s->sel_added = on_sel_added;
	for (i = 0; i < s->nbmcs; i++) {
		struct sim_bmc *b = &s->bmcs[i];

		if (b->redfish == NULL)
			continue;
		/* --sse-share percent of the Redfish BMCs, spread evenly. */
		b->sse = (k + 1) * s->opt.sse_share / 100 != k * s->opt.sse_share / 100;
		k++;
	}
}

void sim_redfish_events_free(struct sim_redfish_bmc *rb)
{
	size_t i;

	for (i = 0; i < RF_EVENT_RING; i++) {
		free(rb->ring[i].text);
		rb->ring[i].text = NULL;
	}
}

/* What a stream resuming after last missed: the kept events after it, in order. */
static void replay(struct sim_redfish_bmc *rb, const char *last, struct http_reply *r)
{
	char *end;
	unsigned long after = strtoul(last, &end, 10);
	unsigned id;
	size_t len = 0;

	if (last[0] == '\0' || *end != '\0' || rb->next_event == 0)
		return;
	for (id = after + 1; id < rb->next_event; id++) {
		const struct sim_redfish_event *ev = &rb->ring[id % RF_EVENT_RING];

		if (ev->id != id || ev->text == NULL)
			continue; /* older than the ring: gone */
		r->stream_first = xrealloc(r->stream_first, len + ev->len);
		memcpy(r->stream_first + len, ev->text, ev->len);
		len += ev->len;
		rb->b->sse_replayed++;
	}
	r->stream_first_len = len;
}

static void open_stream(struct sim_redfish_bmc *rb, const struct http_req *q, struct http_reply *r)
{
	const char *filter = strstr(q->query, "$filter=");

	if (!rb->b->sse) {
		sim_http_reply_missing(r, q->path);
		return;
	}
	if (!sim_http_parse_method_is(q, "GET")) {
		sim_http_reply_not_allowed(r, "GET");
		return;
	}
	if (filter != NULL) {
		size_t n = strcspn(filter + 8, "&");

		if (n != strlen(SSE_FILTER) || strncmp(filter + 8, SSE_FILTER, n) != 0) {
			sim_http_reply_error(r, 400, "QueryNotSupported",
					     "Only $filter=%s is supported on this stream.",
					     SSE_FILTER);
			return;
		}
	}
	r->stream = 1;
	replay(rb, q->last_event_id, r);
}

/*
 * POST SubmitTestEvent: a log entry (and so an event).  Oem.Bmcsim.PadBytes
 * makes the event that big; Oem.Bmcsim.DropStreams ends the streams first,
 * so that the event waits for a stream to resume.
 */
static void submit_test_event(struct sim_redfish_bmc *rb, const struct http_req *q,
			      struct http_reply *r)
{
	static const uint8_t data[3] = {0x00, 0xff, 0xff};
	json_t *j = json_loadb(q->body, q->body_len, 0, NULL);
	json_t *oem = json_object_get(json_object_get(j, "Oem"), "Bmcsim");
	json_int_t pad = json_integer_value(json_object_get(oem, "PadBytes"));
	int drop = json_is_true(json_object_get(oem, "DropStreams"));

	json_decref(j);
	if (drop)
		sim_http_stream_drop(rb->b);
	if (pad < 0 || pad > PAD_MAX) {
		sim_http_reply_error(r, 400, "PropertyValueOutOfRange",
				     "Oem.Bmcsim.PadBytes must be from 0 to %d.", PAD_MAX);
		return;
	}
	rb->pad_next = (size_t)pad;
	sim_sel_add(rb->b, ST_SYSTEM_EV, 0xf0, 0x6f, data);
	rb->pad_next = 0;
	r->status = 204;
}

int sim_redfish_events_route(struct sim_redfish_bmc *rb, const struct http_req *q,
			     struct http_reply *r)
{
	const char *p = q->path;

	if (strcmp(p, ROOT "/EventService") == 0) {
		if (sim_http_parse_method_is(q, "GET"))
			sim_http_reply_json(r, 200, event_service(rb->b));
		else
			sim_http_reply_not_allowed(r, "GET");
		return 1;
	}
	if (strcmp(p, SSE_URI) == 0) {
		open_stream(rb, q, r);
		return 1;
	}
	if (strcmp(p, ROOT "/EventService/Actions/EventService.SubmitTestEvent") == 0) {
		if (sim_http_parse_method_is(q, "POST"))
			submit_test_event(rb, q, r);
		else
			sim_http_reply_not_allowed(r, "POST");
		return 1;
	}
	if (strcmp(p, ROOT "/Managers/1/Actions/Manager.Reset") == 0) {
		if (sim_http_parse_method_is(q, "POST")) {
			sim_bmc_reboot(rb->b, uv_now(rb->b->sim->loop));
			r->status = 204;
		} else {
			sim_http_reply_not_allowed(r, "POST");
		}
		return 1;
	}
	return 0;
}
