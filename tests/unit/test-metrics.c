/*
 * test-metrics.c - the Prometheus rendering of hosts: names, labels,
 * escaping, families kept together, OpenMetrics, and one host for /probe.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fleet.h"
#include "core/metrics.h"
#include "runner.h"

static struct host_config cfgs[2];
static struct bmc_sensor sensors[5];
static struct bmc_host hosts[2];

static void add_sensor(struct bmc_sensor *s, const char *name, const char *type, const char *unit,
		       double v, enum bmc_health st)
{
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	snprintf(s->type, sizeof s->type, "%s", type);
	snprintf(s->unit, sizeof s->unit, "%s", unit);
	s->value = v;
	s->has_value = !isnan(v);
	s->status = st;
	s->source = SRC_IPMI;
}

static void setup(void)
{
	memset(cfgs, 0, sizeof cfgs);
	memset(hosts, 0, sizeof hosts);
	cfgs[0].name = "node01";
	cfgs[0].group = "rack \"A\"\\1\n";
	cfgs[0].protocol = PROTO_IPMI;
	cfgs[1].name = "node02";
	cfgs[1].protocol = PROTO_REDFISH;
	add_sensor(&sensors[0], "CPU1 Temp", "temperature", "C", 45.5, BMC_HEALTH_OK);
	add_sensor(&sensors[1], "FAN1", "fan", "RPM", 5400, BMC_HEALTH_WARNING);
	add_sensor(&sensors[2], "Fan Duty", "fan", "%", 40, BMC_HEALTH_CRITICAL);
	add_sensor(&sensors[3], "PSU1 Status", "power supply", "", NAN, BMC_HEALTH_UNKNOWN);
	add_sensor(&sensors[4], "12V \xff bad", "voltage", "V", 12.06, BMC_HEALTH_OK);
	hosts[0].cfg = &cfgs[0];
	hosts[0].state = HOST_OK;
	hosts[0].power = BMC_POWER_ON;
	hosts[0].protocol = SRC_IPMI;
	hosts[0].sensors = sensors;
	hosts[0].nsensors = 5;
	hosts[0].updated_ms = 1700000000123;
	hosts[0].counters[CNT_TX] = 38;
	hosts[0].firmware = "2.15";
	hosts[1].cfg = &cfgs[1];
	hosts[1].state = HOST_PARKED;
	hosts[1].power = BMC_POWER_UNKNOWN;
}

static char *render(const struct bmc_host *h, size_t n, unsigned flags)
{
	struct metrics_text t = { 0 };
	struct metrics_fleet fleet = { 3, 512 };

	metrics_render(&t, h, n, &fleet, flags);
	return t.data;
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p++;
	}
	return 0;
}

#define ASSERT_LINE(text, line)                                                          \
	do {                                                                             \
		if (!has_line(text, line))                                               \
			test_fail(__FILE__, __LINE__, "no line \"%s\" in:\n%s", line, text); \
	} while (0)

TEST(metrics_sensor_families_use_ipmi_exporter_names)
{
	char *t;

	setup();
	t = render(hosts, 2, 0);
	ASSERT_LINE(t, "ipmi_temperature_celsius{host=\"node01\",group=\"rack \\\"A\\\"\\\\1\\n\","
		       "source=\"ipmi\",id=\"1\",name=\"CPU1 Temp\"} 45.5");
	ASSERT_LINE(t, "ipmi_fan_speed_rpm{host=\"node01\",group=\"rack \\\"A\\\"\\\\1\\n\","
		       "source=\"ipmi\",id=\"2\",name=\"FAN1\"} 5400");
	/* A fan in percent is a ratio, as in ipmi_exporter. */
	ASSERT(strstr(t, "ipmi_fan_speed_ratio{") != NULL);
	ASSERT(strstr(t, "id=\"3\",name=\"Fan Duty\"} 0.4\n") != NULL);
	ASSERT(strstr(t, "id=\"2\",name=\"FAN1\"} 1\n") != NULL); /* fan_speed_state warning */
	ASSERT(strstr(t, "id=\"3\",name=\"Fan Duty\"} 2\n") != NULL);
	ASSERT(strstr(t, "name=\"PSU1 Status\",type=\"power supply\"} NaN\n") != NULL);
	ASSERT(strstr(t, "ipmi_voltage_volts{") != NULL);
	ASSERT(strstr(t, "} 12.06\n") != NULL);
	ASSERT(strstr(t, "ipmi_chassis_power_state{host=\"node01\"") != NULL);
	/* Unknown power: no sample rather than a made-up one. */
	ASSERT(strstr(t, "ipmi_chassis_power_state{host=\"node02\"") == NULL);
	ASSERT(strstr(t, "ipmi_up{host=\"node02\",group=\"\",source=\"redfish\",collector=\"ipmi\"} 0\n") !=
	       NULL);
	ASSERT(strstr(t, "bmctop_host_parked{host=\"node02\",group=\"\",source=\"redfish\"} 1\n") != NULL);
	ASSERT(strstr(t, "bmctop_last_update_timestamp_seconds{host=\"node01\"") != NULL);
	ASSERT(strstr(t, "} 1700000000.123\n") != NULL);
	ASSERT(strstr(t, "firmware_revision=\"2.15\"") != NULL);
	ASSERT_LINE(t, "bmctop_polls_in_flight 3");
	free(t);
}

TEST(metrics_invalid_utf8_replaced)
{
	char *t;

	setup();
	t = render(hosts, 1, 0);
	ASSERT(strstr(t, "name=\"12V \xef\xbf\xbd bad\"") != NULL);
	ASSERT(strstr(t, "\xff") == NULL);
	free(t);
}

TEST(metrics_label_value_escapes)
{
	struct metrics_text t = { 0 };

	metrics_label_value(&t, "a\\b\"c\nd\xc3\xa9\xe0\x80\x80");
	/* é kept, an overlong form replaced byte by byte. */
	ASSERT_STREQ(t.data, "a\\\\b\\\"c\\nd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	metrics_text_free(&t);
}

/* Each family once, its samples together: what the text format requires. */
TEST(metrics_each_family_is_one_block)
{
	char *t, *line, *save = NULL, seen[64][64];
	size_t nseen = 0, i;

	setup();
	t = render(hosts, 2, 0);
	for (line = strtok_r(t, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char name[64];

		if (strncmp(line, "# TYPE ", 7) != 0)
			continue;
		sscanf(line + 7, "%63s", name);
		for (i = 0; i < nseen; i++)
			ASSERT(strcmp(seen[i], name) != 0);
		ASSERT(nseen < 64);
		snprintf(seen[nseen++], sizeof seen[0], "%s", name);
	}
	ASSERT(nseen > 10);
	free(t);
}

TEST(metrics_counters_named_per_format)
{
	char *t;

	setup();
	t = render(hosts, 1, 0);
	ASSERT_LINE(t, "# TYPE bmctop_packets_sent_total counter");
	ASSERT(strstr(t, "bmctop_packets_sent_total{host=\"node01\"") != NULL);
	ASSERT(strstr(t, "# EOF") == NULL);
	free(t);
	t = render(hosts, 1, METRICS_OPENMETRICS);
	ASSERT_LINE(t, "# TYPE bmctop_packets_sent counter");
	ASSERT(strstr(t, "bmctop_packets_sent_total{host=\"node01\"") != NULL);
	ASSERT(strlen(t) > 6 && strcmp(t + strlen(t) - 6, "# EOF\n") == 0);
	free(t);
}

TEST(metrics_probe_has_no_host_labels)
{
	char *t;

	setup();
	t = render(&hosts[0], 1, METRICS_NO_HOST);
	ASSERT(strstr(t, "host=") == NULL);
	ASSERT(strstr(t, "group=") == NULL);
	ASSERT(strstr(t, "bmctop_hosts") == NULL);
	ASSERT_LINE(t, "ipmi_temperature_celsius{source=\"ipmi\",id=\"1\",name=\"CPU1 Temp\"} 45.5");
	free(t);
}

TEST(metrics_values_round_trip)
{
	char *t, *p;

	setup();
	sensors[0].value = 0.1 + 0.2; /* needs 17 digits */
	t = render(hosts, 1, 0);
	p = strstr(t, "name=\"CPU1 Temp\"} ");
	ASSERT(p != NULL);
	ASSERT(strtod(p + strlen("name=\"CPU1 Temp\"} "), NULL) == 0.1 + 0.2);
	free(t);
}
