/*
 * core/host-json.c - a host as JSON, for "status --json" and friends.
 *
 * The member names and value vocabularies are a published contract
 * (power: on|off|unknown; health and status: ok|warning|critical|unknown);
 * scripts parse them, so change them only with the man page.
 */
#include "config.h"

#include <time.h>

#include "core/fleet.h"
#include "core/host-json.h"

void host_json_utc(char *buf, size_t len, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *sensor_to_json(const struct bmc_sensor *s)
{
	static const char *const th_names[TH__MAX] = {
		"lower_non_recoverable", "lower_critical",	  "lower_non_critical",
		"upper_non_critical",	 "upper_critical",	  "upper_non_recoverable",
	};
	json_t *o = json_object();
	int i;

	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "type", json_string(s->type));
	json_object_set_new(o, "value", s->has_value ? json_real(s->value) : json_null());
	json_object_set_new(o, "unit", json_string(s->unit));
	json_object_set_new(o, "status", json_string(bmc_health_name(s->status)));
	if (s->threshold_mask != 0) {
		json_t *th = json_object();

		for (i = 0; i < TH__MAX; i++)
			if (s->threshold_mask & (1u << i))
				json_object_set_new(th, th_names[i], json_real(s->threshold[i]));
		json_object_set_new(o, "thresholds", th);
	}
	if (s->state[0] != '\0')
		json_object_set_new(o, "state", json_string(s->state));
	if (s->source != SRC_NONE)
		json_object_set_new(o, "source", json_string(bmc_source_name(s->source)));
	return o;
}

static json_t *event_to_json(const struct bmc_event *ev)
{
	json_t *o = json_object();
	char when[32];

	json_object_set_new(o, "id", json_integer(ev->id));
	if (ev->timestamp > 0) {
		host_json_utc(when, sizeof when, ev->timestamp * 1000);
		json_object_set_new(o, "time", json_string(when));
	} else {
		json_object_set_new(o, "time", json_null());
	}
	json_object_set_new(o, "sensor", json_string(ev->sensor));
	json_object_set_new(o, "message", json_string(ev->message));
	json_object_set_new(o, "severity", json_string(bmc_health_name(ev->severity)));
	if (ev->source != SRC_NONE)
		json_object_set_new(o, "source", json_string(bmc_source_name(ev->source)));
	return o;
}

/* The consoles a BMC advertised, by kind; NULL when it was not asked. */
static json_t *consoles_to_json(unsigned caps)
{
	static const struct {
		unsigned bit;
		const char *kind, *name;
	} names[] = {
	    {CONSOLE_CAP_KVMIP, "graphical", "KVMIP"},
	    {CONSOLE_CAP_GFX_OEM, "graphical", "Oem"},
	    {CONSOLE_CAP_SERIAL_IPMI, "serial", "IPMI"},
	    {CONSOLE_CAP_SERIAL_SSH, "serial", "SSH"},
	    {CONSOLE_CAP_SERIAL_TELNET, "serial", "Telnet"},
	    {CONSOLE_CAP_SERIAL_OEM, "serial", "Oem"},
	};
	json_t *o;
	size_t i;

	if (!(caps & CONSOLE_CAP_KNOWN))
		return NULL;
	o = json_object();
	json_object_set_new(o, "graphical", json_array());
	json_object_set_new(o, "serial", json_array());
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (caps & names[i].bit)
			json_array_append_new(json_object_get(o, names[i].kind),
					      json_string(names[i].name));
	return o;
}

/* The IPMI workarounds in use, by FreeIPMI's names. */
static json_t *workarounds_to_json(unsigned bits)
{
	json_t *arr = json_array();
	unsigned i;

	for (i = 0; i < FLEET_WA_COUNT; i++)
		if (bits & (1u << i))
			json_array_append_new(arr, json_string(fleet_workaround_name(i)));
	return arr;
}

json_t *host_to_json(const struct bmc_host *h, unsigned parts)
{
	json_t *o = json_object();
	char when[32];
	size_t i;

	json_object_set_new(o, "name", json_string(h->cfg->name));
	if (parts & HJ_SUMMARY) {
		const char *proto = h->protocol != SRC_NONE ? bmc_source_name(h->protocol)
							    : fleet_protocol_name(h->cfg->protocol);
		int reachable = h->state == HOST_OK || h->state == HOST_ERROR ||
				h->state == HOST_PARKED;

		json_object_set_new(o, "address", json_string(h->cfg->address));
		json_object_set_new(o, "protocol", json_string(proto));
		json_object_set_new(o, "group", str_or_null(h->cfg->group));
		json_object_set_new(o, "state", json_string(bmc_host_state_name(h->state)));
		json_object_set_new(o, "reachable", json_boolean(reachable));
		json_object_set_new(o, "power", json_string(bmc_power_name(h->power)));
		json_object_set_new(o, "health", json_string(bmc_health_name(h->health)));
		json_object_set_new(o, "vendor", str_or_null(h->vendor));
		json_object_set_new(o, "model", str_or_null(h->model));
		json_object_set_new(o, "serial", str_or_null(h->serial));
		json_object_set_new(o, "firmware", str_or_null(h->firmware));
		if (h->console_caps & CONSOLE_CAP_KNOWN)
			json_object_set_new(o, "consoles", consoles_to_json(h->console_caps));
	}
	if (parts & HJ_SENSORS) {
		json_t *arr = json_array();

		for (i = 0; i < h->nsensors; i++)
			json_array_append_new(arr, sensor_to_json(&h->sensors[i]));
		json_object_set_new(o, "sensors", arr);
	}
	if (parts & HJ_EVENTS) {
		json_t *arr = json_array();

		for (i = 0; i < h->nevents; i++)
			json_array_append_new(arr, event_to_json(&h->events[i]));
		json_object_set_new(o, "events", arr);
	}
	if (parts & HJ_INVENTORY) {
		json_t *inv = json_object();

		for (i = 0; i < h->ninventory; i++)
			json_object_set_new(inv, h->inventory[i].key,
					    json_string(h->inventory[i].value));
		json_object_set_new(o, "inventory", inv);
	}
	if (parts & HJ_COUNTERS) {
		json_t *cnt = json_object();
		int c;

		for (c = 0; c < CNT__MAX; c++)
			json_object_set_new(cnt, bmc_counter_name((enum bmc_counter)c),
					    json_integer((json_int_t)h->counters[c]));
		json_object_set_new(cnt, "workaround_fixups",
				    json_integer((json_int_t)h->workaround_fixups));
		json_object_set_new(o, "counters", cnt);
	}
	json_object_set_new(o, "workarounds", workarounds_to_json(h->workarounds));
	if (h->push_state != NULL)
		json_object_set_new(o, "push", json_string(h->push_state));
	json_object_set_new(o, "error", str_or_null(h->error));
	if (h->updated_ms > 0) {
		host_json_utc(when, sizeof when, h->updated_ms);
		json_object_set_new(o, "updated", json_string(when));
	} else {
		json_object_set_new(o, "updated", json_null());
	}
	return o;
}
