/*
 * ipmi/poll-sel.c - the poll's events: Get SEL Info, and when the log's
 * add timestamp moved, its entries, newest MAX_EVENTS_KEPT kept, each named
 * after its sensor when the SDRs are known.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "ipmi/poll.h"

#define MAX_SEL_READ	4096
#define MAX_EVENTS_KEPT 512

static void on_sel_entry(struct ipmi_job *j, const struct ipmi_response *rsp);

/* As many as the log said it holds, up to MAX_EVENTS_KEPT: newer entries
 * added while it is read push the oldest out. */
static size_t events_room(const struct ipmi_job *j)
{
	return j->sel.entries < MAX_EVENTS_KEPT ? j->sel.entries : MAX_EVENTS_KEPT;
}

static void request_sel_entry(struct ipmi_job *j)
{
	uint8_t data[6];

	sel_build_get_entry(data, 0, j->sel_next);
	ipmi_job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_GET_SEL_ENTRY, data, sizeof data,
		      on_sel_entry, "Get SEL Entry");
}

static void sel_done(struct ipmi_job *j)
{
	struct bmc_host *h = j->h;
	size_t i;

	/* Newest first, keeping the most recent MAX_EVENTS_KEPT. */
	for (i = 0; i < j->nevents / 2; i++) {
		struct bmc_event tmp = j->events[i];

		j->events[i] = j->events[j->nevents - 1 - i];
		j->events[j->nevents - 1 - i] = tmp;
	}
	host_set_events(h, j->events, j->nevents);
	j->events = NULL;
	j->nevents = 0;
	j->ih->have_sel = 1;
	j->ih->sel_add_ts = j->sel.add_timestamp;
	j->ih->sel_entries = j->sel.entries;
	host_changed(h, CHANGED_EVENTS);
	j->step_done(j);
}

/* The record of the sensor an event is about, when the SDRs are known. */
static const struct sdr_sensor *find_sdr(const struct ipmi_host *ih, const struct sel_record *r)
{
	size_t i;

	for (i = 0; i < ih->nsdrs; i++)
		if (ih->sdrs[i].number == r->sensor_number &&
		    ih->sdrs[i].owner_id == (r->generator_id & 0xff) &&
		    ih->sdrs[i].sensor_type == r->sensor_type)
			return &ih->sdrs[i];
	return NULL;
}

/* The SDR name of the sensor an event is about, when the SDRs are known. */
static const char *sensor_name(const struct ipmi_host *ih, const struct sel_record *r)
{
	static char buf[48];

	if (find_sdr(ih, r) != NULL)
		return find_sdr(ih, r)->name;
	snprintf(buf, sizeof buf, "%s #0x%02x", sdr_sensor_type_name(r->sensor_type),
		 r->sensor_number);
	return buf;
}

static void on_sel_entry(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	uint16_t next;
	const uint8_t *rec;
	size_t n;
	struct sel_record r;
	struct bmc_event *ev;

	if (rsp->ccode == 0xCB && j->sel_read == 0) { /* empty log */
		sel_done(j);
		return;
	}
	if (ipmi_job_check_ccode(j, rsp))
		return;
	if (sel_parse_get_entry(rsp->data, rsp->len, &next, &rec, &n) != 0 ||
	    sel_parse_record(rec, n, &r) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		ipmi_job_fail(j, BMC_EPROTO, "malformed SEL entry");
		return;
	}
	if (j->nevents == events_room(j)) {
		memmove(j->events, j->events + 1, (j->nevents - 1) * sizeof *j->events);
		j->nevents--;
	}
	ev = &j->events[j->nevents++];
	memset(ev, 0, sizeof *ev);
	ev->id = r.record_id;
	ev->timestamp = sel_unix_time(&r);
	snprintf(ev->sensor, sizeof ev->sensor, "%s", sensor_name(j->ih, &r));
	sel_describe_sensor(&r, find_sdr(j->ih, &r), ev->message, sizeof ev->message);
	ev->severity = ipmi_poll_health(sel_severity(&r));
	ev->source = SRC_IPMI;
	j->sel_read++;
	if (next == 0xFFFF || next == j->sel_next || j->sel_read >= MAX_SEL_READ) {
		sel_done(j);
		return;
	}
	j->sel_next = next;
	request_sel_entry(j);
}

static void on_sel_info(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	struct ipmi_host *ih = j->ih;

	if (rsp->ccode == 0xC1) { /* no SEL on this BMC */
		j->step_done(j);
		return;
	}
	if (ipmi_job_check_ccode(j, rsp))
		return;
	if (sel_parse_info(rsp->data, rsp->len, &j->sel) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		ipmi_job_fail(j, BMC_EPROTO, "malformed SEL info");
		return;
	}
	if (ih->have_sel && ih->sel_add_ts == j->sel.add_timestamp &&
	    ih->sel_entries == j->sel.entries) {
		j->step_done(j);
		return;
	}
	if (j->sel.entries == 0) {
		sel_done(j);
		return;
	}
	j->events = xcalloc(events_room(j), sizeof *j->events);
	j->nevents = 0;
	j->sel_next = 0;
	j->sel_read = 0;
	request_sel_entry(j);
}

void ipmi_poll_events(struct ipmi_job *j)
{
	ipmi_job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_GET_SEL_INFO, NULL, 0, on_sel_info,
		      "Get SEL Info");
}
