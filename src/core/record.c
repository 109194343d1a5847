/*
 * core/record.c - the engine observer that feeds history, fleet events and
 * alert hooks.
 *
 * What a host showed at the last look is kept per host (state, power,
 * health, each sensor's status and series number, the event-log ids), so a
 * change is a comparison.  The first look at a host is its baseline and
 * never an event: a host found unreachable at start-up, or a log's old
 * entries, are not news.  The store opens at the first sensor readings;
 * its rows are flushed every RECORD_FLUSH_MS.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/record.h"
#include "core/xalloc.h"

#define SEL_NEW_MAX 64 /* new log entries taken per host per poll */

struct sensor_seen {
	char name[HIST_SENSOR_MAX];
	uint8_t status;
	long series; /* -1: not yet; < -1: not kept (too long a name) */
};

struct host_rec {
	uint8_t state, power, health;
	struct sensor_seen *sensors;
	size_t nsensors;
	uint32_t *sel; /* sel_key() of each log entry, sorted */
	size_t nsel;
	int sel_seen;
	int64_t trend_step; /* newest step in trend */
	float trend[TREND__N][HIST_RAW_N];
};

struct recorder {
	struct bmc_engine *engine;
	char *dir;
	int store_tried; /* the store is opened at the first readings */
	struct history *hs;
	struct events *ev; /* in memory until the store opens */
	struct alerter *alert;
	struct host_rec *hosts;
	uv_timer_t timer;
	int timer_open;
	struct {
		record_listener_fn cb;
		void *ctx;
	} listeners[RECORD_LISTENERS_MAX];
	size_t nlisteners;
	/* record_unseen(): per host, recounted when the ring's version moved. */
	uint32_t *unseen;
	uint64_t unseen_version;
	uint32_t *by_name; /* host index + 1 by name hash; 0 empty */
	size_t by_name_size;
};

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

struct recorder *record_of(const struct bmc_engine *e)
{
	return e->recorder;
}

struct history *record_history(struct recorder *r)
{
	return r->hs;
}

struct events *record_events(struct recorder *r)
{
	return r->ev;
}

static void index_names(struct recorder *r)
{
	struct bmc_engine *e = r->engine;
	size_t i, k, mask;

	r->by_name_size = 16;
	while (r->by_name_size < 2 * e->nhosts)
		r->by_name_size *= 2;
	mask = r->by_name_size - 1;
	r->by_name = xcalloc(r->by_name_size, sizeof *r->by_name);
	for (i = 0; i < e->nhosts; i++) {
		for (k = name_hash(e->hosts[i].cfg->name) & mask; r->by_name[k] != 0;
		     k = (k + 1) & mask)
			;
		r->by_name[k] = (uint32_t)i + 1;
	}
}

/* The engine's host of that name, or -1 (a host since removed from the fleet). */
static long host_by_name(const struct recorder *r, const char *name)
{
	size_t mask = r->by_name_size - 1, k;

	for (k = name_hash(name) & mask; r->by_name[k] != 0; k = (k + 1) & mask)
		if (strcmp(r->engine->hosts[r->by_name[k] - 1].cfg->name, name) == 0)
			return (long)r->by_name[k] - 1;
	return -1;
}

size_t record_unseen(struct recorder *r, const struct bmc_host *h)
{
	size_t i, n;

	if (r == NULL || h->index >= r->engine->nhosts)
		return 0;
	if (r->unseen == NULL || r->unseen_version != events_version(r->ev)) {
		if (r->by_name == NULL)
			index_names(r);
		if (r->unseen == NULL)
			r->unseen =
			    xcalloc(r->engine->nhosts ? r->engine->nhosts : 1, sizeof *r->unseen);
		memset(r->unseen, 0, r->engine->nhosts * sizeof *r->unseen);
		n = events_count(r->ev);
		for (i = 0; i < n; i++) {
			const struct fleet_event *e = events_get(r->ev, i);
			long k = e->acked ? -1 : host_by_name(r, e->host);

			if (k >= 0)
				r->unseen[k]++;
		}
		r->unseen_version = events_version(r->ev);
	}
	return r->unseen[h->index];
}

void record_alert_counts(const struct recorder *r, unsigned long *runs, unsigned long *dropped)
{
	alert_counts(r != NULL ? r->alert : NULL, runs, dropped);
}

int record_add_listener(struct recorder *r, record_listener_fn cb, void *ctx)
{
	if (r->nlisteners >= RECORD_LISTENERS_MAX)
		return -ENOSPC;
	r->listeners[r->nlisteners].cb = cb;
	r->listeners[r->nlisteners].ctx = ctx;
	r->nlisteners++;
	return 0;
}

void record_remove_listener(struct recorder *r, record_listener_fn cb, void *ctx)
{
	size_t i;

	for (i = 0; i < r->nlisteners; i++) {
		if (r->listeners[i].cb != cb || r->listeners[i].ctx != ctx)
			continue;
		memmove(&r->listeners[i], &r->listeners[i + 1],
			(r->nlisteners - i - 1) * sizeof r->listeners[0]);
		r->nlisteners--;
		return;
	}
}

static void emit(struct recorder *r, struct bmc_host *h, int64_t now, enum fev_kind kind,
		 const char *subject, const char *from, const char *to, int severity,
		 const char *text)
{
	const struct fleet_event *ev;
	struct fleet_event change;
	size_t i;
	int bell;

	ev = events_add(r->ev, now, h->cfg->name, kind, subject, from, to, severity, text);
	if (ev == NULL)
		return;
	/* The hook hears of this change, even when it folded into an entry. */
	change = *ev;
	snprintf(change.from, sizeof change.from, "%s", from);
	alert_fire(r->alert, &change, h->index, now);
	/* The bell is the fleet's choice alone, with or without an alert-command. */
	bell = r->engine->fleet->alert_bell && (alert_class(&change) & r->engine->fleet->alert_on);
	/* A listener may remove itself: the next one then moved into its place. */
	for (i = 0; i < r->nlisteners; i++) {
		record_listener_fn cb = r->listeners[i].cb;
		void *ctx = r->listeners[i].ctx;
		size_t n = r->nlisteners;

		cb(ctx, ev, bell);
		if (r->nlisteners < n)
			i--;
	}
}

static int state_severity(enum bmc_host_state s)
{
	if (s == HOST_UNREACHABLE)
		return BMC_HEALTH_CRITICAL;
	return s == HOST_OK ? BMC_HEALTH_OK : BMC_HEALTH_WARNING;
}

static void check_state(struct recorder *r, struct bmc_host *h, struct host_rec *hr, int64_t now)
{
	enum bmc_health health = h->state == HOST_OK ? host_rollup_health(h) : BMC_HEALTH_UNKNOWN;
	char text[160];

	if (h->state != hr->state && hr->state != HOST_NEW && h->state != HOST_NEW) {
		snprintf(text, sizeof text, "%s%s%s", bmc_host_state_name(h->state),
			 h->error && h->state != HOST_OK ? ": " : "",
			 h->error && h->state != HOST_OK ? h->error : "");
		emit(r, h, now, FEV_STATE, NULL, bmc_host_state_name(hr->state),
		     bmc_host_state_name(h->state), state_severity(h->state), text);
	}
	hr->state = (uint8_t)h->state;
	if (h->power != hr->power && h->power != BMC_POWER_UNKNOWN) {
		if (hr->power != BMC_POWER_UNKNOWN) {
			snprintf(text, sizeof text, "power %s", bmc_power_name(h->power));
			emit(r, h, now, FEV_POWER, NULL, bmc_power_name(hr->power),
			     bmc_power_name(h->power), BMC_HEALTH_OK, text);
		}
		hr->power = (uint8_t)h->power;
	}
	if (health != hr->health && health != BMC_HEALTH_UNKNOWN) {
		if (hr->health != BMC_HEALTH_UNKNOWN) {
			snprintf(text, sizeof text, "health %s", bmc_health_name(health));
			emit(r, h, now, FEV_HEALTH, NULL, bmc_health_name(hr->health),
			     bmc_health_name(health), health, text);
		}
		hr->health = (uint8_t)health;
	}
}

static struct sensor_seen *sensor_find(struct host_rec *hr, size_t i, const char *name)
{
	size_t k;

	if (i < hr->nsensors && strcmp(hr->sensors[i].name, name) == 0)
		return &hr->sensors[i];
	for (k = 0; k < hr->nsensors; k++)
		if (strcmp(hr->sensors[k].name, name) == 0)
			return &hr->sensors[k];
	return NULL;
}

static void trend_put(struct host_rec *hr, int64_t step, int which, float v)
{
	int64_t s;
	int t;

	if (step < hr->trend_step - (HIST_RAW_N - 1))
		return;
	for (s = hr->trend_step + 1; s <= step && s <= hr->trend_step + HIST_RAW_N; s++)
		for (t = 0; t < TREND__N; t++)
			hr->trend[t][s % HIST_RAW_N] = NAN;
	if (step > hr->trend_step)
		hr->trend_step = step;
	hr->trend[which][step % HIST_RAW_N] = v;
}

static void record_sensor(struct recorder *r, struct bmc_host *h, struct sensor_seen *ss,
			  const struct bmc_sensor *s, int64_t now_s)
{
	if (r->hs == NULL || !s->has_value || isnan(s->value))
		return;
	if (ss->series == -1)
		ss->series = history_series(r->hs, h->cfg->name, s->name, s->unit, 1);
	if (ss->series == -1)
		ss->series = -2; /* the store refused it: do not ask every poll */
	if (ss->series >= 0)
		history_record(r->hs, (size_t)ss->series, now_s, s->value);
}

static void check_sensors(struct recorder *r, struct bmc_host *h, struct host_rec *hr, int64_t now)
{
	struct sensor_seen *next = xcalloc(h->nsensors ? h->nsensors : 1, sizeof *next);
	int64_t now_s = now / 1000;
	double temp = NAN, power = NAN;
	char text[160];
	size_t i;

	for (i = 0; i < h->nsensors; i++) {
		const struct bmc_sensor *s = &h->sensors[i];
		struct sensor_seen *old = sensor_find(hr, i, s->name);

		snprintf(next[i].name, sizeof next[i].name, "%s", s->name);
		next[i].status = (uint8_t)s->status;
		next[i].series = old != NULL ? old->series : -1;
		if (old != NULL && old->status != s->status && s->status != BMC_HEALTH_UNKNOWN &&
		    old->status != BMC_HEALTH_UNKNOWN) {
			snprintf(text, sizeof text, "%s %.1f %s: %s", s->name, s->value, s->unit,
				 bmc_health_name(s->status));
			emit(r, h, now, FEV_SENSOR, s->name, bmc_health_name(old->status),
			     bmc_health_name(s->status), s->status, text);
		}
		record_sensor(r, h, &next[i], s, now_s);
		if (s->has_value && strcmp(s->type, "temperature") == 0 &&
		    (isnan(temp) || s->value > temp))
			temp = s->value;
		if (s->has_value && strcmp(s->unit, "W") == 0)
			power = isnan(power) ? s->value : power + s->value;
	}
	free(hr->sensors);
	hr->sensors = next;
	hr->nsensors = h->nsensors;
	if (!isnan(temp))
		trend_put(hr, now_s / HIST_STEP_S, TREND_TEMP_MAX, (float)temp);
	if (!isnan(power))
		trend_put(hr, now_s / HIST_STEP_S, TREND_POWER, (float)power);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * What identifies a log entry across polls: its time, sensor and text, not
 * its id (a Redfish log without numeric Ids numbers entries by place, which
 * moves as the log grows).
 */
static uint32_t sel_key(const struct bmc_event *e)
{
	uint32_t h = name_hash(e->message) ^ (name_hash(e->sensor) * 31u);

	return (h ^ (uint32_t)e->timestamp ^ (uint32_t)(e->timestamp >> 32)) * 16777619u;
}

/*
 * The first unused place of key in the sorted old keys, or -1.  Equal keys
 * are counted, not merged: a log may hold the same entry twice in one
 * second (a test event sent twice), and the second one is news.
 */
static long take_old(const uint32_t *old, size_t n, uint8_t *used, uint32_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (old[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && old[lo] == key; lo++) {
		if (!used[lo]) {
			used[lo] = 1;
			return (long)lo;
		}
	}
	return -1;
}

static void check_sel(struct recorder *r, struct bmc_host *h, struct host_rec *hr, int64_t now)
{
	uint32_t *keys = xcalloc(h->nevents ? h->nevents : 1, sizeof *keys);
	uint8_t *used = xcalloc(hr->nsel ? hr->nsel : 1, 1);
	size_t i, fresh = 0;

	for (i = 0; i < h->nevents; i++) {
		const struct bmc_event *e = &h->events[i];

		keys[i] = sel_key(e);
		if (take_old(hr->sel, hr->nsel, used, keys[i]) >= 0 || !hr->sel_seen ||
		    fresh >= SEL_NEW_MAX)
			continue;
		fresh++;
		emit(r, h, now, FEV_SEL, e->sensor, "", bmc_health_name(e->severity), e->severity,
		     e->message);
	}
	free(used);
	qsort(keys, h->nevents, sizeof *keys, cmp_u32);
	free(hr->sel);
	hr->sel = keys;
	hr->nsel = h->nevents;
	hr->sel_seen = 1;
}

/*
 * The store and the event file, opened at the first sensor readings: a
 * command that reads none (sol, vnc, power) never takes the writer's lock
 * from a dashboard started later.  Events seen before move into the file.
 */
static void open_store(struct recorder *r)
{
	struct events *file = NULL;
	char *err = NULL, *path;
	size_t i, n;

	r->store_tried = 1;
	if (history_open(&r->hs, r->dir, 1, &err) != 0) {
		log_warn("history: not recorded: %s", err);
		free(err);
		return;
	}
	path = xasprintf("%s/events", r->dir);
	if (events_open(&file, path, 1, &err) != 0) {
		log_warn("fleet events: kept in memory only: %s", err);
		free(err);
	} else {
		n = events_count(r->ev);
		for (i = 0; i < n; i++)
			events_import(file, events_get(r->ev, n - 1 - i));
		events_close(r->ev);
		r->ev = file;
	}
	free(path);
}

static void on_host_changed(void *ctx, struct bmc_host *h, unsigned what)
{
	struct recorder *r = ctx;
	struct host_rec *hr = &r->hosts[h->index];
	int64_t now = engine_wall_ms();

	if (!r->store_tried && (what & CHANGED_READINGS))
		open_store(r);
	/* The host's state first: its hook run is about the host, not a sensor. */
	check_state(r, h, hr, now);
	if (what & CHANGED_READINGS)
		check_sensors(r, h, hr, now);
	if (what & CHANGED_EVENTS)
		check_sel(r, h, hr, now);
}

size_t record_trend(const struct recorder *r, const struct bmc_host *h, enum record_trend which,
		    int64_t now_s, float *out, size_t n)
{
	const struct host_rec *hr;
	int64_t step = now_s / HIST_STEP_S, s;
	size_t i;

	if (n > HIST_RAW_N)
		n = HIST_RAW_N;
	if (r == NULL || h->index >= r->engine->nhosts || (unsigned)which >= TREND__N)
		return 0;
	hr = &r->hosts[h->index];
	for (i = 0; i < n; i++) {
		s = step - (int64_t)(n - 1 - i);
		out[i] = s <= hr->trend_step && s > hr->trend_step - HIST_RAW_N && s >= 0
			     ? hr->trend[which][s % HIST_RAW_N]
			     : NAN;
	}
	return n;
}

static void on_flush(uv_timer_t *t)
{
	struct recorder *r = t->data;

	if (r->hs != NULL && history_flush(r->hs) != 0)
		log_warn("history: cannot write the store; readings since the last flush are lost");
}

static void timer_closed(uv_handle_t *hd)
{
	struct recorder *r = hd->data;

	engine_release(r->engine);
}

static void alerts_closed(void *arg)
{
	engine_release(((struct recorder *)arg)->engine);
}

static void on_closing(void *ctx, struct bmc_engine *e)
{
	struct recorder *r = ctx;

	if (r->timer_open) {
		engine_hold(e);
		uv_timer_stop(&r->timer);
		uv_close((uv_handle_t *)&r->timer, timer_closed);
		r->timer_open = 0;
	}
	if (r->hs != NULL)
		history_flush(r->hs);
	if (r->alert != NULL) {
		engine_hold(e);
		alert_close(r->alert, alerts_closed, r);
	}
}

static void on_free(void *ctx)
{
	struct recorder *r = ctx;
	size_t i;

	history_close(r->hs);
	events_close(r->ev);
	alert_free(r->alert);
	free(r->dir);
	for (i = 0; i < r->engine->nhosts; i++) {
		free(r->hosts[i].sensors);
		free(r->hosts[i].sel);
	}
	free(r->hosts);
	free(r->unseen);
	free(r->by_name);
	r->engine->recorder = NULL;
	free(r);
}

int record_enable(struct bmc_engine *e, const char *dir, char **err)
{
	struct recorder *r;
	struct engine_observer obs = {on_host_changed, NULL, NULL};
	struct engine_hook hook = {on_closing, on_free, NULL};
	size_t i;
	int rc, t;

	*err = NULL;
	if (e->recorder != NULL)
		return 0;
	r = xcalloc(1, sizeof *r);
	r->engine = e;
	r->dir = dir != NULL ? xstrdup(dir) : paths_state_file("history");
	rc = events_open(&r->ev, NULL, 1, err);
	if (rc != 0) {
		free(r->dir);
		free(r);
		return rc;
	}
	r->hosts = xcalloc(e->nhosts ? e->nhosts : 1, sizeof *r->hosts);
	for (i = 0; i < e->nhosts; i++) {
		r->hosts[i].trend_step = -1;
		for (t = 0; t < TREND__N; t++)
			memset(r->hosts[i].trend[t], 0xff, sizeof r->hosts[i].trend[t]); /* NaN */
	}
	r->alert = alert_new(e->loop, e->fleet, e->nhosts);
	uv_timer_init(e->loop, &r->timer);
	r->timer.data = r;
	r->timer_open = 1;
	uv_timer_start(&r->timer, on_flush, RECORD_FLUSH_MS, RECORD_FLUSH_MS);
	uv_unref((uv_handle_t *)&r->timer); /* a one-shot command still ends */
	obs.ctx = hook.ctx = r;
	engine_add_observer(e, &obs);
	engine_add_hook(e, &hook);
	e->recorder = r;
	return 0;
}
