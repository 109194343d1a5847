/*
 * core/metrics.c - the fleet in the Prometheus text format or OpenMetrics.
 *
 * The exposition format wants every sample of a metric family together,
 * under one HELP and TYPE, so each family is one pass over the hosts; a
 * family's header is written with its first sample, so a fleet without
 * fans has no empty fan family.  Sensors are sorted into families the way
 * ipmi_exporter's collector_ipmi.go does it, by unit ("C", "RPM", "V", "A",
 * "W", and "%" of a fan), the rest under ipmi_sensor_value with a type
 * label.  The id label is the sensor's place in its host's list (the SDR
 * order for IPMI), which keeps two sensors of one name apart.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fleet.h"
#include "core/metrics.h"
#include "core/xalloc.h"

enum sensor_class { SC_TEMP, SC_FAN_RPM, SC_FAN_RATIO, SC_VOLT, SC_CURRENT, SC_POWER, SC_OTHER };

#define CLASS(c) (1u << (c))

struct sensor_family {
	const char *name;
	const char *help;
	unsigned classes; /* CLASS() bits of the sensors it holds */
	int is_state;	  /* the *_state of the family before it */
	double scale;
};

static const struct sensor_family sensor_families[] = {
	{ "ipmi_temperature_celsius", "Temperature reading in degree Celsius.", CLASS(SC_TEMP), 0,
	  1 },
	{ "ipmi_temperature_state",
	  "Reported state of a temperature sensor (0=nominal, 1=warning, 2=critical).",
	  CLASS(SC_TEMP), 1, 1 },
	{ "ipmi_fan_speed_rpm", "Fan speed in rotations per minute.", CLASS(SC_FAN_RPM), 0, 1 },
	{ "ipmi_fan_speed_ratio", "Fan speed as a proportion of the maximum speed.",
	  CLASS(SC_FAN_RATIO), 0, 0.01 },
	{ "ipmi_fan_speed_state",
	  "Reported state of a fan speed sensor (0=nominal, 1=warning, 2=critical).",
	  CLASS(SC_FAN_RPM) | CLASS(SC_FAN_RATIO), 1, 1 },
	{ "ipmi_voltage_volts", "Voltage reading in Volts.", CLASS(SC_VOLT), 0, 1 },
	{ "ipmi_voltage_state",
	  "Reported state of a voltage sensor (0=nominal, 1=warning, 2=critical).",
	  CLASS(SC_VOLT), 1, 1 },
	{ "ipmi_current_amperes", "Current reading in Amperes.", CLASS(SC_CURRENT), 0, 1 },
	{ "ipmi_current_state",
	  "Reported state of a current sensor (0=nominal, 1=warning, 2=critical).",
	  CLASS(SC_CURRENT), 1, 1 },
	{ "ipmi_power_watts", "Power reading in Watts.", CLASS(SC_POWER), 0, 1 },
	{ "ipmi_power_state", "Reported state of a power sensor (0=nominal, 1=warning, 2=critical).",
	  CLASS(SC_POWER), 1, 1 },
	{ "ipmi_sensor_value",
	  "Generic data read from an IPMI sensor of unknown type, relying on labels for context.",
	  CLASS(SC_OTHER), 0, 1 },
	{ "ipmi_sensor_state",
	  "Indicates the severity of the state reported by an IPMI sensor (0=nominal, 1=warning, 2=critical).",
	  CLASS(SC_OTHER), 1, 1 },
};

/* Per-host counters, as bmctop_<name>_total. */
static const struct {
	enum bmc_counter counter;
	const char *name;
	const char *help;
} counter_families[] = {
	{ CNT_POLLS, "bmctop_polls", "Polls of the BMC that finished." },
	{ CNT_POLL_FAILURES, "bmctop_poll_failures", "Polls of the BMC that failed." },
	{ CNT_TX, "bmctop_packets_sent", "Packets (IPMI) or requests (Redfish) sent to the BMC." },
	{ CNT_RX, "bmctop_packets_received",
	  "Packets (IPMI) or responses (Redfish) received from the BMC." },
	{ CNT_RETRANSMITS, "bmctop_retransmits", "Requests sent again for want of an answer." },
	{ CNT_SESSIONS, "bmctop_sessions_opened", "Sessions (RMCP+ or Redfish) opened with the BMC." },
	{ CNT_PUSH_STREAMS, "bmctop_push_streams_opened",
	  "Redfish event streams (Server-Sent Events) opened with the BMC." },
	{ CNT_PUSH_EVENTS, "bmctop_push_events", "Events the BMC pushed over its event stream." },
	{ CNT_PUSH_DROPPED, "bmctop_push_events_dropped",
	  "Pushed events over the size cap: the stream was dropped and opened again." },
};

/* Packets dropped, by reason (bmctop_packets_dropped_total{reason}). */
static const struct {
	enum bmc_counter counter;
	const char *reason;
} drop_reasons[] = {
	{ CNT_DROP_INTEGRITY, "integrity" }, { CNT_DROP_SESSION_ID, "session_id" },
	{ CNT_DROP_SEQUENCE, "sequence" },   { CNT_DROP_MISMATCH, "mismatch" },
	{ CNT_DROP_MALFORMED, "malformed" }, { CNT_DROP_PADDING, "padding" },
};

static void text_reserve(struct metrics_text *o, size_t more)
{
	if (o->len + more + 1 <= o->cap)
		return;
	o->cap = o->cap ? o->cap : 4096;
	while (o->len + more + 1 > o->cap)
		o->cap *= 2;
	o->data = xrealloc(o->data, o->cap);
}

static void put_mem(struct metrics_text *o, const char *s, size_t n)
{
	text_reserve(o, n);
	memcpy(o->data + o->len, s, n);
	o->len += n;
	o->data[o->len] = '\0';
}

static void put(struct metrics_text *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

void metrics_text_free(struct metrics_text *o)
{
	free(o->data);
	memset(o, 0, sizeof *o);
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void metrics_label_value(struct metrics_text *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	text_reserve(o, n * 3);
	while (n > 0) {
		size_t len = utf8_len(p, n);

		if (len == 0) {
			put(o, "\xef\xbf\xbd");
			len = 1;
		} else if (*p == '\\') {
			put(o, "\\\\");
		} else if (*p == '"') {
			put(o, "\\\"");
		} else if (*p == '\n') {
			put(o, "\\n");
		} else {
			put_mem(o, (const char *)p, len);
		}
		p += len;
		n -= len;
	}
}

/* A sample's value: integers plainly, others in the fewest digits that
 * read back as the same double. */
static void put_value(struct metrics_text *o, double v)
{
	char buf[40];

	if (isnan(v)) {
		put(o, "NaN");
		return;
	}
	if (isinf(v)) {
		put(o, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == (double)(long long)v && fabs(v) < 1e15) {
		snprintf(buf, sizeof buf, "%lld", (long long)v);
	} else {
		snprintf(buf, sizeof buf, "%.15g", v);
		if (strtod(buf, NULL) != v)
			snprintf(buf, sizeof buf, "%.17g", v);
	}
	put(o, buf);
}

static void put_u64(struct metrics_text *o, unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%llu", v);
	put(o, buf);
}

/* The text format names a counter's family after its samples
 * (name_total); OpenMetrics names it without the suffix. */
static void put_header(struct metrics_text *o, const char *name, const char *help, int counter,
		       unsigned flags)
{
	const char *suffix = counter && !(flags & METRICS_OPENMETRICS) ? "_total" : "";

	put(o, "# HELP ");
	put(o, name);
	put(o, suffix);
	put(o, " ");
	put(o, help);
	put(o, "\n# TYPE ");
	put(o, name);
	put(o, suffix);
	put(o, counter ? " counter\n" : " gauge\n");
}

/* A family's header goes out with its first sample. */
struct family {
	const char *name;
	const char *help;
	int counter;
	int started;
};

static void start_sample(struct metrics_text *o, struct family *f, unsigned flags)
{
	if (!f->started) {
		put_header(o, f->name, f->help, f->counter, flags);
		f->started = 1;
	}
	put(o, f->name);
	if (f->counter)
		put(o, "_total");
}

static const char *host_source(const struct bmc_host *h)
{
	if (h->protocol == SRC_IPMI || h->protocol == SRC_REDFISH)
		return bmc_source_name(h->protocol);
	return h->cfg->protocol == PROTO_REDFISH ? "redfish" : "ipmi";
}

/* "{host=..,group=..,source=.." without the closing brace. */
static void open_labels(struct metrics_text *o, const struct bmc_host *h, const char *source,
			unsigned flags)
{
	if (flags & METRICS_NO_HOST) {
		put(o, "{source=\"");
	} else {
		put(o, "{host=\"");
		metrics_label_value(o, h->cfg->name);
		put(o, "\",group=\"");
		metrics_label_value(o, h->cfg->group ? h->cfg->group : "");
		put(o, "\",source=\"");
	}
	put(o, source);
	put(o, "\"");
}

static void end_sample(struct metrics_text *o, double v)
{
	put(o, "} ");
	put_value(o, v);
	put(o, "\n");
}

static enum sensor_class sensor_class(const struct bmc_sensor *s)
{
	if (strcmp(s->unit, "C") == 0)
		return SC_TEMP;
	if (strcmp(s->unit, "RPM") == 0)
		return SC_FAN_RPM;
	if (strcmp(s->unit, "V") == 0)
		return SC_VOLT;
	if (strcmp(s->unit, "A") == 0)
		return SC_CURRENT;
	if (strcmp(s->unit, "W") == 0)
		return SC_POWER;
	if (strcmp(s->unit, "%") == 0 && strcmp(s->type, "fan") == 0)
		return SC_FAN_RATIO;
	return SC_OTHER;
}

static double health_value(enum bmc_health hl)
{
	switch (hl) {
	case BMC_HEALTH_OK:
		return 0;
	case BMC_HEALTH_WARNING:
		return 1;
	case BMC_HEALTH_CRITICAL:
		return 2;
	default:
		return NAN;
	}
}

static void render_sensor_family(struct metrics_text *o, const struct sensor_family *sf,
				 const struct bmc_host *hosts, size_t n, unsigned flags)
{
	struct family f = { sf->name, sf->help, 0, 0 };
	char id[24];
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct bmc_host *h = &hosts[i];

		for (j = 0; j < h->nsensors; j++) {
			const struct bmc_sensor *s = &h->sensors[j];
			const char *source;
			double v;

			if (!(CLASS(sensor_class(s)) & sf->classes))
				continue;
			if (sf->is_state)
				v = health_value(s->status);
			else
				v = s->has_value ? s->value * sf->scale : NAN;
			source = s->source == SRC_NONE ? host_source(h)
							: bmc_source_name(s->source);
			start_sample(o, &f, flags);
			open_labels(o, h, source, flags);
			snprintf(id, sizeof id, "%zu", j + 1);
			put(o, ",id=\"");
			put(o, id);
			put(o, "\",name=\"");
			metrics_label_value(o, s->name);
			if (sf->classes == CLASS(SC_OTHER)) {
				put(o, "\",type=\"");
				metrics_label_value(o, s->type);
			}
			put(o, "\"");
			end_sample(o, v);
		}
	}
}

static void render_up(struct metrics_text *o, const struct bmc_host *hosts, size_t n,
		      unsigned flags)
{
	static const char *const collectors[] = { "ipmi", "chassis", "sel" };
	struct family f = {
		"ipmi_up", "'1' if a scrape of the IPMI device was successful, '0' otherwise.", 0, 0
	};
	size_t i, c;

	for (i = 0; i < n; i++) {
		for (c = 0; c < sizeof collectors / sizeof collectors[0]; c++) {
			start_sample(o, &f, flags);
			open_labels(o, &hosts[i], host_source(&hosts[i]), flags);
			put(o, ",collector=\"");
			put(o, collectors[c]);
			put(o, "\"");
			end_sample(o, hosts[i].state == HOST_OK);
		}
	}
}

static void render_power(struct metrics_text *o, const struct bmc_host *hosts, size_t n,
			 unsigned flags)
{
	struct family f = { "ipmi_chassis_power_state", "Current power state (1=on, 0=off).", 0,
			    0 };
	size_t i;

	for (i = 0; i < n; i++) {
		if (hosts[i].power == BMC_POWER_UNKNOWN)
			continue;
		start_sample(o, &f, flags);
		open_labels(o, &hosts[i], host_source(&hosts[i]), flags);
		end_sample(o, hosts[i].power == BMC_POWER_ON);
	}
}

static void render_sel(struct metrics_text *o, const struct bmc_host *hosts, size_t n,
		       unsigned flags)
{
	struct family f = { "ipmi_sel_logs_count", "Current number of log entries in the SEL.", 0,
			    0 };
	size_t i;

	for (i = 0; i < n; i++) {
		if (hosts[i].updated_ms == 0)
			continue;
		start_sample(o, &f, flags);
		open_labels(o, &hosts[i], host_source(&hosts[i]), flags);
		end_sample(o, (double)hosts[i].nevents);
	}
}

static void render_bmc_info(struct metrics_text *o, const struct bmc_host *hosts, size_t n,
			    unsigned flags)
{
	struct family f = { "ipmi_bmc_info",
			    "Constant metric with value '1' providing details about the BMC.", 0,
			    0 };
	size_t i;

	for (i = 0; i < n; i++) {
		const struct bmc_host *h = &hosts[i];

		if (h->firmware == NULL && h->vendor == NULL)
			continue;
		start_sample(o, &f, flags);
		open_labels(o, h, host_source(h), flags);
		put(o, ",firmware_revision=\"");
		metrics_label_value(o, h->firmware ? h->firmware : "N/A");
		put(o, "\",manufacturer_id=\"");
		metrics_label_value(o, h->vendor ? h->vendor : "N/A");
		put(o, "\",system_firmware_version=\"N/A\",bmc_url=\"N/A\"");
		end_sample(o, 1);
	}
}

/* bmctop's own view of each host: up, last update, parked, counters. */
static void render_host_state(struct metrics_text *o, const struct bmc_host *hosts, size_t n,
			      unsigned flags)
{
	struct family up = { "bmctop_up", "1 if bmctop's last poll of the BMC succeeded.", 0, 0 };
	struct family upd = { "bmctop_last_update_timestamp_seconds",
			      "When bmctop last polled the BMC successfully (Unix time).", 0, 0 };
	struct family parked = { "bmctop_host_parked",
				 "1 if the BMC refused the credentials and is no longer polled.", 0,
				 0 };
	struct family dur = { "bmctop_poll_duration_seconds",
			      "How long bmctop's last finished poll of the BMC took.", 0, 0 };
	struct family push = { "bmctop_push_subscribed",
			       "1 if the BMC's events are pushed to bmctop (Redfish SSE).", 0, 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		start_sample(o, &up, flags);
		open_labels(o, &hosts[i], host_source(&hosts[i]), flags);
		end_sample(o, hosts[i].state == HOST_OK);
	}
	for (i = 0; i < n; i++) {
		if (hosts[i].updated_ms == 0)
			continue;
		start_sample(o, &upd, flags);
		open_labels(o, &hosts[i], host_source(&hosts[i]), flags);
		end_sample(o, (double)hosts[i].updated_ms / 1000);
	}
	for (i = 0; i < n; i++) {
		start_sample(o, &parked, flags);
		open_labels(o, &hosts[i], host_source(&hosts[i]), flags);
		end_sample(o, hosts[i].state == HOST_PARKED);
	}
	for (i = 0; i < n; i++) {
		if (hosts[i].counters[CNT_POLLS] == 0)
			continue;
		start_sample(o, &dur, flags);
		open_labels(o, &hosts[i], host_source(&hosts[i]), flags);
		end_sample(o, (double)hosts[i].poll_ns / 1e9);
	}
	for (i = 0; i < n; i++) {
		if (hosts[i].push_state == NULL)
			continue;
		start_sample(o, &push, flags);
		open_labels(o, &hosts[i], host_source(&hosts[i]), flags);
		end_sample(o, strcmp(hosts[i].push_state, "subscribed") == 0);
	}
}

static void render_counters(struct metrics_text *o, const struct bmc_host *hosts, size_t n,
			    unsigned flags)
{
	struct family drops = { "bmctop_packets_dropped",
				"Packets from the BMC dropped, by reason.", 1, 0 };
	size_t c, i;

	for (c = 0; c < sizeof counter_families / sizeof counter_families[0]; c++) {
		struct family f = { counter_families[c].name, counter_families[c].help, 1, 0 };

		for (i = 0; i < n; i++) {
			start_sample(o, &f, flags);
			open_labels(o, &hosts[i], host_source(&hosts[i]), flags);
			put(o, "} ");
			put_u64(o, hosts[i].counters[counter_families[c].counter]);
			put(o, "\n");
		}
	}
	for (i = 0; i < n; i++) {
		for (c = 0; c < sizeof drop_reasons / sizeof drop_reasons[0]; c++) {
			start_sample(o, &drops, flags);
			open_labels(o, &hosts[i], host_source(&hosts[i]), flags);
			put(o, ",reason=\"");
			put(o, drop_reasons[c].reason);
			put(o, "\"} ");
			put_u64(o, hosts[i].counters[drop_reasons[c].counter]);
			put(o, "\n");
		}
	}
}

static void render_fleet(struct metrics_text *o, const struct bmc_host *hosts, size_t n,
			 const struct metrics_fleet *fleet)
{
	char line[160];
	size_t i, parked = 0, ok = 0;

	for (i = 0; i < n; i++) {
		parked += hosts[i].state == HOST_PARKED;
		ok += hosts[i].state == HOST_OK;
	}
	snprintf(line, sizeof line,
		 "# HELP bmctop_hosts Hosts in the fleet.\n# TYPE bmctop_hosts gauge\nbmctop_hosts %zu\n",
		 n);
	put(o, line);
	snprintf(line, sizeof line,
		 "# HELP bmctop_hosts_up Hosts whose last poll succeeded.\n"
		 "# TYPE bmctop_hosts_up gauge\nbmctop_hosts_up %zu\n",
		 ok);
	put(o, line);
	snprintf(line, sizeof line,
		 "# HELP bmctop_hosts_parked Hosts parked after refused credentials.\n"
		 "# TYPE bmctop_hosts_parked gauge\nbmctop_hosts_parked %zu\n",
		 parked);
	put(o, line);
	snprintf(line, sizeof line,
		 "# HELP bmctop_polls_in_flight Polls running now.\n"
		 "# TYPE bmctop_polls_in_flight gauge\nbmctop_polls_in_flight %u\n",
		 fleet->polls_in_flight);
	put(o, line);
	snprintf(line, sizeof line,
		 "# HELP bmctop_polls_in_flight_limit The cap on polls running at once.\n"
		 "# TYPE bmctop_polls_in_flight_limit gauge\nbmctop_polls_in_flight_limit %u\n",
		 fleet->in_flight_limit);
	put(o, line);
}

void metrics_render(struct metrics_text *o, const struct bmc_host *hosts, size_t n,
		    const struct metrics_fleet *fleet, unsigned flags)
{
	size_t i;

	text_reserve(o, 256 + n * 2048);
	render_up(o, hosts, n, flags);
	render_power(o, hosts, n, flags);
	for (i = 0; i < sizeof sensor_families / sizeof sensor_families[0]; i++)
		render_sensor_family(o, &sensor_families[i], hosts, n, flags);
	render_sel(o, hosts, n, flags);
	render_bmc_info(o, hosts, n, flags);
	render_host_state(o, hosts, n, flags);
	render_counters(o, hosts, n, flags);
	if (fleet != NULL && !(flags & METRICS_NO_HOST))
		render_fleet(o, hosts, n, fleet);
	if (flags & METRICS_OPENMETRICS)
		put(o, "# EOF\n");
}
