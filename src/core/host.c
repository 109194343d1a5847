/*
 * core/host.c - one host's values: names for them, and the setters that
 * backends fill a host in with.
 *
 * Every setter that changes what a person would see ends in host_changed(),
 * which tells the engine's observers (the front ends); a backend never
 * calls a front end itself.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/host.h"
#include "core/log.h"
#include "core/xalloc.h"

const char *bmc_counter_name(enum bmc_counter c)
{
	static const char *const names[CNT__MAX] = {
		"polls",		"poll_failures",      "packets_sent",
		"packets_received",	"retransmits",	      "sessions_opened",
		"dropped_integrity",	"dropped_session_id", "dropped_sequence",
		"dropped_mismatch",	"dropped_malformed",  "dropped_padding",
		"push_streams",		"push_events",	      "push_dropped",
	};

	return names[c];
}

const char *bmc_power_name(enum bmc_power p)
{
	static const char *const names[] = { "unknown", "on", "off" };

	return names[p];
}

const char *bmc_health_name(enum bmc_health hl)
{
	static const char *const names[] = { "unknown", "ok", "warning", "critical" };

	return names[hl];
}

const char *bmc_host_state_name(enum bmc_host_state s)
{
	static const char *const names[] = { "new", "ok", "unreachable", "error",
					     "authentication failed" };

	return names[s];
}

const char *bmc_power_action_name(enum bmc_power_action a)
{
	static const char *const names[] = { "status", "on", "off", "cycle", "reset", "soft" };

	return names[a];
}

const char *bmc_boot_device_name(enum bmc_boot_device d)
{
	static const char *const names[] = { "none", "pxe", "disk", "bios", "cdrom" };

	return names[d];
}

const char *bmc_source_name(enum bmc_source s)
{
	static const char *const names[] = { "none", "ipmi", "redfish" };

	return names[s];
}

void host_changed(struct bmc_host *h, unsigned what)
{
	struct bmc_engine *e = h->engine;
	size_t i;

	if (h->power != h->power_seen) {
		if (h->power_seen != BMC_POWER_UNKNOWN && h->power != BMC_POWER_UNKNOWN) {
			h->power_from = h->power_seen;
			h->power_to = h->power;
			h->power_changed_ms = engine_wall_ms();
		}
		h->power_seen = h->power;
	}
	for (i = 0; i < e->nobservers; i++)
		if (e->observers[i].host_changed != NULL)
			e->observers[i].host_changed(e->observers[i].ctx, h, what);
}

void host_action_done(struct bmc_host *h, const char *action, int status, const char *msg)
{
	struct bmc_engine *e = h->engine;
	size_t i;

	if (status == 0)
		log_info("%s: %s: %s", h->cfg->name, action, msg ? msg : "done");
	else
		log_warn("%s: %s failed: %s", h->cfg->name, action, msg ? msg : bmc_strerror(status));
	for (i = 0; i < e->nobservers; i++)
		if (e->observers[i].action_done != NULL)
			e->observers[i].action_done(e->observers[i].ctx, h, action, status, msg);
}

void host_set_string(char **slot, const char *value)
{
	if (*slot != NULL && value != NULL && strcmp(*slot, value) == 0)
		return;
	free(*slot);
	*slot = value ? xstrdup(value) : NULL;
}

void host_set_error(struct bmc_host *h, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	host_set_errorv(h, status, fmt, ap);
	va_end(ap);
}

void host_set_errorv(struct bmc_host *h, int status, const char *fmt, va_list ap)
{
	char *msg = xvasprintf(fmt, ap);

	if (h->error == NULL || strcmp(h->error, msg) != 0)
		log_warn("%s: %s", h->cfg->name, msg);
	free(h->error);
	h->error = msg;
	h->last_status = status;
	if (status == BMC_EAUTH)
		h->state = HOST_PARKED;
	else if (status == BMC_ETIMEDOUT)
		h->state = HOST_UNREACHABLE;
	else
		h->state = HOST_ERROR;
	host_changed(h, CHANGED_STATE);
}

void host_clear_error(struct bmc_host *h)
{
	free(h->error);
	h->error = NULL;
	h->last_status = 0;
	h->state = HOST_OK;
	h->updated_ms = engine_wall_ms();
}

enum bmc_health host_rollup_health(const struct bmc_host *h)
{
	enum bmc_health worst = BMC_HEALTH_UNKNOWN;
	size_t i;

	for (i = 0; i < h->nsensors; i++)
		if (h->sensors[i].status > worst)
			worst = h->sensors[i].status;
	return worst;
}

/*
 * A host keeps only what its BMC holds: the array a poll filled may have
 * room for more (a log read into a ring of the most entries it keeps), and
 * ten thousand hosts each keeping a few hundred empty slots would be most
 * of the dashboard's memory.
 */
static void *fit(void *array, size_t n, size_t size)
{
	if (n == 0) {
		free(array);
		return NULL;
	}
	return xreallocarray(array, n, size);
}

void host_set_sensors(struct bmc_host *h, struct bmc_sensor *s, size_t n)
{
	free(h->sensors);
	h->sensors = fit(s, n, sizeof *s);
	h->nsensors = n;
}

void host_set_events(struct bmc_host *h, struct bmc_event *ev, size_t n)
{
	free(h->events);
	h->events = fit(ev, n, sizeof *ev);
	h->nevents = n;
}

void host_free_inventory(struct bmc_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void host_set_inventory(struct bmc_host *h, struct bmc_kv *kv, size_t n)
{
	host_free_inventory(h->inventory, h->ninventory);
	h->inventory = kv;
	h->ninventory = n;
}

void host_free_values(struct bmc_host *h)
{
	free(h->vendor);
	free(h->model);
	free(h->serial);
	free(h->firmware);
	free(h->last_power_event);
	free(h->sensors);
	free(h->events);
	host_free_inventory(h->inventory, h->ninventory);
	free(h->error);
}
