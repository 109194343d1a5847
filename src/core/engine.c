/*
 * core/engine.c - hosts, observers, and dispatch to backends.
 *
 * Hosts are one flat array built from the fleet; backends keep their own
 * state behind h->backend_data, the scheduler behind e->sched.  Shutdown
 * counts open things (backend sessions, the hooks' timers, signal handles)
 * and calls back when the count is zero, so a front end can stop the loop
 * only after every BMC session is closed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "core/engine.h"
#include "core/log.h"
#include "core/state-file.h"
#include "core/xalloc.h"

static double clock_scale = -1; /* not read yet */
static int64_t clock_epoch_ms = -1;

double engine_clock_scale(void)
{
	const char *v = getenv("BMCTOP_CLOCK_SCALE");
	char *end = NULL;
	double n;

	if (clock_scale > 0)
		return clock_scale;
	clock_scale = 1;
	if (v == NULL || *v == '\0')
		return clock_scale;
	n = strtod(v, &end);
	if (end == v || !(n >= 1))
		return clock_scale;
	clock_scale = n > 10000 ? 10000 : n;
	if (*end == '@')
		clock_epoch_ms = strtoll(end + 1, NULL, 10) * 1000;
	return clock_scale;
}

int64_t engine_clock_scaled(int64_t real_ms)
{
	if (clock_scale < 0)
		engine_clock_scale();
	if (clock_scale == 1)
		return real_ms;
	if (clock_epoch_ms < 0)
		clock_epoch_ms = real_ms;
	return clock_epoch_ms + (int64_t)((double)(real_ms - clock_epoch_ms) * clock_scale);
}

int engine_init(struct bmc_engine *e, uv_loop_t *loop, const struct fleet *fleet,
		engine_backend_for backend_for)
{
	size_t i;

	memset(e, 0, sizeof *e);
	e->loop = loop;
	e->fleet = fleet;
	e->creds = cred_cache_new();
	e->nhosts = fleet->nhosts;
	e->hosts = xcalloc(fleet->nhosts ? fleet->nhosts : 1, sizeof *e->hosts);
	/* SDR caches and cipher suites are written in the thread pool. */
	state_file_attach(loop);
	if (engine_clock_scale() != 1)
		log_warn("BMCTOP_CLOCK_SCALE: the clock runs %g times fast (benchmarks only)",
			 engine_clock_scale());
	for (i = 0; i < fleet->nhosts; i++) {
		struct bmc_host *h = &e->hosts[i];
		char *err = NULL;

		h->engine = e;
		h->cfg = &fleet->hosts[i];
		h->index = i;
		h->backend = backend_for ? backend_for(h->cfg->protocol) : NULL;
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

void engine_remove_observer(struct bmc_engine *e, const void *ctx)
{
	size_t i = 0;

	while (i < e->nobservers) {
		if (e->observers[i].ctx == ctx)
			e->observers[i] = e->observers[--e->nobservers];
		else
			i++;
	}
}

void engine_add_hook(struct bmc_engine *e, const struct engine_hook *hook)
{
	e->hooks = xreallocarray(e->hooks, e->nhooks + 1, sizeof *e->hooks);
	e->hooks[e->nhooks++] = *hook;
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
	uint64_t started_ns; /* uv_hrtime(): the poll's duration is on the host */
};

static void on_poll_counted(struct bmc_host *h, int status, void *arg)
{
	struct poll_call pc = *(struct poll_call *)arg;

	free(arg);
	h->counters[CNT_POLLS]++;
	h->poll_ns = uv_hrtime() - pc.started_ns;
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
	pc->started_ns = uv_hrtime();
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

/* Shutdown: count down open things, then call back. */

void engine_hold(struct bmc_engine *e)
{
	e->open_handles++;
}

void engine_release(struct bmc_engine *e)
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
	e->open_handles = 1; /* held until the loops below are done */
	for (i = 0; i < e->nhooks; i++)
		if (e->hooks[i].closing != NULL)
			e->hooks[i].closing(e->hooks[i].ctx, e);
	for (i = 0; i < e->nhosts; i++) {
		struct bmc_host *h = &e->hosts[i];

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
	for (i = 0; i < e->nhooks; i++)
		if (e->hooks[i].free != NULL)
			e->hooks[i].free(e->hooks[i].ctx);
	for (i = 0; i < e->nhosts; i++) {
		struct bmc_host *h = &e->hosts[i];

		if (h->backend != NULL && h->backend->detach != NULL)
			h->backend->detach(h);
		host_free_values(h);
	}
	free(e->hosts);
	free(e->observers);
	free(e->hooks);
	cred_cache_free(e->creds);
	memset(e, 0, sizeof *e);
}
