/*
 * core/engine.c - hosts, observers, and dispatch to backends.
 *
 * Hosts are one flat array built from the fleet; backends keep their own
 * state behind h->backend_data.  Shutdown counts open things (backend
 * sessions, timers, signal handles) and calls back when the count is zero,
 * so a front end can stop the loop only after every BMC session is closed.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "backend/backend.h"
#include "core/engine.h"
#include "core/log.h"
#include "core/state-file.h"
#include "core/xalloc.h"

const char *bmc_counter_name(enum bmc_counter c)
{
	static const char *const names[CNT__MAX] = {
		"polls",		"poll_failures",      "packets_sent",
		"packets_received",	"retransmits",	      "sessions_opened",
		"dropped_integrity",	"dropped_session_id", "dropped_sequence",
		"dropped_mismatch",	"dropped_malformed",  "dropped_padding",
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

int64_t engine_wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int engine_init(struct bmc_engine *e, uv_loop_t *loop, const struct fleet *fleet,
		const struct bmc_backend *backend)
{
	size_t i;

	memset(e, 0, sizeof *e);
	e->loop = loop;
	e->fleet = fleet;
	e->creds = cred_cache_new();
	e->nhosts = fleet->nhosts;
	e->hosts = xcalloc(fleet->nhosts ? fleet->nhosts : 1, sizeof *e->hosts);
	e->sched_opts.max_in_flight = fleet->max_in_flight; /* 0: adaptive */
	e->sched_opts.jitter = 0.1;
	e->sched_opts.backoff_max_ms = 300000;
	e->sched_opts.what = POLL_POWER | POLL_SENSORS | POLL_EVENTS;
	/* SDR caches and cipher suites are written in the thread pool. */
	state_file_attach(loop);
	for (i = 0; i < fleet->nhosts; i++) {
		struct bmc_host *h = &e->hosts[i];
		char *err = NULL;

		h->engine = e;
		h->cfg = &fleet->hosts[i];
		h->index = i;
		h->backend = backend ? backend : backend_for_protocol(h->cfg->protocol);
		uv_timer_init(loop, &h->sched.timer);
		h->sched.timer.data = h;
		if (h->backend == NULL) {
			host_set_error(h, BMC_ENOTSUP,
				       "no backend for protocol %s is built into this bmctop yet",
				       fleet_protocol_name(h->cfg->protocol));
			continue;
		}
		if (h->backend->attach != NULL && h->backend->attach(h, &err) != 0) {
			host_set_error(h, BMC_ECONFIG, "%s", err ? err : "configuration refused");
			free(err);
			h->backend = NULL;
		}
	}
	return 0;
}

void engine_add_observer(struct bmc_engine *e, const struct engine_observer *obs)
{
	e->observers = xreallocarray(e->observers, e->nobservers + 1, sizeof *e->observers);
	e->observers[e->nobservers++] = *obs;
}

struct bmc_host *engine_find_host(struct bmc_engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nhosts; i++)
		if (strcmp(e->hosts[i].cfg->name, name) == 0)
			return &e->hosts[i];
	return NULL;
}

static const struct secret *host_secret(struct bmc_host *h, const struct secret_source *src,
					char **err)
{
	return cred_cache_get(h->engine->creds, src, err);
}

const struct secret *engine_host_password(struct bmc_host *h, char **err)
{
	return host_secret(h, &h->cfg->password, err);
}

const struct secret *engine_host_kg(struct bmc_host *h, char **err)
{
	return host_secret(h, &h->cfg->kg, err);
}

static int no_backend(struct bmc_host *h)
{
	if (h->engine->closing)
		return BMC_ECANCELED;
	return h->backend == NULL ? (h->last_status ? h->last_status : BMC_ENOTSUP) : 0;
}

/* Every poll, from the scheduler or a command, is counted on its host. */
struct poll_call {
	bmc_op_cb cb;
	void *arg;
};

static void on_poll_counted(struct bmc_host *h, int status, void *arg)
{
	struct poll_call pc = *(struct poll_call *)arg;

	free(arg);
	h->counters[CNT_POLLS]++;
	if (status != 0 && status != BMC_ECANCELED)
		h->counters[CNT_POLL_FAILURES]++;
	pc.cb(h, status, pc.arg);
}

int engine_poll(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg)
{
	struct poll_call *pc;
	int rc = no_backend(h);

	if (rc != 0)
		return rc;
	if (h->backend->poll == NULL)
		return BMC_ENOTSUP;
	pc = xmalloc(sizeof *pc);
	pc->cb = cb;
	pc->arg = arg;
	rc = h->backend->poll(h, what, on_poll_counted, pc);
	if (rc != 0)
		free(pc);
	return rc;
}

int engine_power(struct bmc_host *h, enum bmc_power_action a, bmc_op_cb cb, void *arg)
{
	int rc = no_backend(h);

	if (rc != 0)
		return rc;
	if (h->backend->power == NULL)
		return BMC_ENOTSUP;
	return h->backend->power(h, a, cb, arg);
}

int engine_boot(struct bmc_host *h, enum bmc_boot_device dev, int persistent, bmc_op_cb cb,
		void *arg)
{
	int rc = no_backend(h);

	if (rc != 0)
		return rc;
	if (h->backend->boot == NULL)
		return BMC_ENOTSUP;
	return h->backend->boot(h, dev, persistent, cb, arg);
}

int engine_identify(struct bmc_host *h, int seconds, bmc_op_cb cb, void *arg)
{
	int rc = no_backend(h);

	if (rc != 0)
		return rc;
	if (h->backend->identify == NULL)
		return BMC_ENOTSUP;
	return h->backend->identify(h, seconds, cb, arg);
}

int engine_trust(struct bmc_host *h, bmc_op_cb cb, void *arg)
{
	int rc = no_backend(h);

	if (rc != 0)
		return rc;
	if (h->backend->trust == NULL)
		return BMC_ENOTSUP;
	return h->backend->trust(h, cb, arg);
}

void host_changed(struct bmc_host *h, unsigned what)
{
	struct bmc_engine *e = h->engine;
	size_t i;

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

void host_set_sensors(struct bmc_host *h, struct bmc_sensor *s, size_t n)
{
	free(h->sensors);
	h->sensors = s;
	h->nsensors = n;
}

void host_set_events(struct bmc_host *h, struct bmc_event *ev, size_t n)
{
	free(h->events);
	h->events = ev;
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

/* Shutdown: count down open things, then call back. */

static void engine_release(struct bmc_engine *e)
{
	if (--e->open_handles == 0 && e->closed_cb != NULL) {
		void (*cb)(struct bmc_engine *) = e->closed_cb;

		e->closed_cb = NULL;
		cb(e);
	}
}

static void on_handle_closed(uv_handle_t *handle)
{
	struct bmc_engine *e = handle->data;

	engine_release(e);
}

static void on_timer_closed(uv_handle_t *handle)
{
	struct bmc_host *h = handle->data;

	engine_release(h->engine);
}

static void on_backend_closed(struct bmc_host *h)
{
	engine_release(h->engine);
}

static void on_state_files_written(void *arg)
{
	engine_release(arg);
}

void engine_shutdown(struct bmc_engine *e, void (*cb)(struct bmc_engine *e))
{
	size_t i;

	if (e->closing)
		return;
	e->closing = 1;
	e->closed_cb = cb;
	e->open_handles = 1; /* held until the loop below is done */
	sched_stop(e);
	for (i = 0; i < e->nhosts; i++) {
		struct bmc_host *h = &e->hosts[i];

		e->open_handles++;
		uv_close((uv_handle_t *)&h->sched.timer, on_timer_closed);
		if (h->backend != NULL && h->backend->close != NULL) {
			e->open_handles++;
			h->backend->close(h, on_backend_closed);
		}
	}
	if (e->signals_installed) {
		uv_signal_t *sigs[] = { &e->sigint, &e->sigterm, &e->sighup };

		for (i = 0; i < 3; i++) {
			e->open_handles++;
			sigs[i]->data = e;
			uv_close((uv_handle_t *)sigs[i], on_handle_closed);
		}
		e->signals_installed = 0;
	}
	e->open_handles++;
	state_file_detach(on_state_files_written, e);
	engine_release(e);
}

static void on_closed_stop_loop(struct bmc_engine *e)
{
	uv_stop(e->loop);
}

static void on_signal(uv_signal_t *sig, int signum)
{
	struct bmc_engine *e = sig->data;

	log_info("signal %d: closing sessions and exiting", signum);
	if (e->closing || e->signal_seen) {
		/* A second signal: stop waiting for BMCs to answer. */
		uv_stop(e->loop);
		return;
	}
	e->signal_seen = 1;
	if (e->on_signal != NULL) {
		/* The front end ends its own work (consoles, relays) first and
		 * then calls engine_shutdown itself. */
		e->on_signal(e, signum);
		return;
	}
	engine_shutdown(e, on_closed_stop_loop);
}

void engine_handle_signals(struct bmc_engine *e)
{
	uv_signal_init(e->loop, &e->sigint);
	uv_signal_init(e->loop, &e->sigterm);
	uv_signal_init(e->loop, &e->sighup);
	e->sigint.data = e->sigterm.data = e->sighup.data = e;
	uv_signal_start(&e->sigint, on_signal, SIGINT);
	uv_signal_start(&e->sigterm, on_signal, SIGTERM);
	uv_signal_start(&e->sighup, on_signal, SIGHUP);
	e->signals_installed = 1;
}

void engine_free(struct bmc_engine *e)
{
	size_t i;

	/* Anything saved after shutdown (or without one) is written now. */
	state_file_flush();
	for (i = 0; i < e->nhosts; i++) {
		struct bmc_host *h = &e->hosts[i];

		if (h->backend != NULL && h->backend->detach != NULL)
			h->backend->detach(h);
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
	free(e->hosts);
	free(e->observers);
	cred_cache_free(e->creds);
	memset(e, 0, sizeof *e);
}
