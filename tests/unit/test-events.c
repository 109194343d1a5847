/*
 * test-events.c - core/events.c (the ring, folding a flapping host,
 * acknowledgements, the file), core/record.c on synthetic hosts (a storm
 * of 500 hosts going critical, history and trends from readings) and
 * core/alert.c running a real hook script (fields, rate limit, no secret
 * in its environment).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "core/alert.h"
#include "core/cred.h"
#include "core/engine.h"
#include "core/events.h"
#include "core/record.h"
#include "core/xalloc.h"
#include "runner.h"

#define T0 1700000000000LL

static struct events *open_ring(const char *path)
{
	struct events *ev = NULL;
	char *err = NULL;

	if (events_open(&ev, path, 1, &err) != 0)
		test_fail(__FILE__, __LINE__, "events_open: %s", err);
	return ev;
}

TEST(events_flap_ack_and_file)
{
	char path[600];
	struct events *ev;
	const struct fleet_event *e, *list[8];
	int i;

	snprintf(path, sizeof path, "%s/events", test_tmpdir());
	ev = open_ring(path);
	/* A host flapping ok/critical ten times in five minutes: one entry. */
	for (i = 0; i < 10; i++)
		events_add(ev, T0 + i * 30000, "n1", FEV_HEALTH, NULL, i % 2 ? "critical" : "ok",
			   i % 2 ? "ok" : "critical", i % 2 ? 1 : 3, "health");
	events_add(ev, T0 + 1000, "n2", FEV_POWER, NULL, "on", "off", 1, "power off");
	ASSERT_EQ(events_count(ev), 2);
	e = events_get(ev, 1);
	ASSERT_STREQ(e->host, "n1");
	ASSERT_EQ(e->count, 10);
	ASSERT_STREQ(e->from, "ok");
	ASSERT_STREQ(e->to, "ok");
	ASSERT_EQ(e->t, T0 + 9 * 30000);
	/* Long after, or once acknowledged, a change is a new entry. */
	events_add(ev, T0 + 3600000, "n1", FEV_HEALTH, NULL, "ok", "critical", 3, "health");
	ASSERT_EQ(events_count(ev), 3);
	ASSERT_EQ(events_ack(ev, events_get(ev, 0)->seq), 0);
	events_add(ev, T0 + 3601000, "n1", FEV_HEALTH, NULL, "critical", "ok", 1, "health");
	ASSERT_EQ(events_count(ev), 4);
	ASSERT_EQ(events_unacked(ev, "n1"), 2);
	ASSERT_EQ(events_ack(ev, 999), -ENOENT);
	ASSERT_EQ(events_since(ev, T0 + 3600000, list, 8), 2);
	ASSERT_EQ(events_ack_matching(ev, NULL, NULL), 3);
	ASSERT_EQ(events_unacked(ev, "n1"), 0);
	events_close(ev);

	/* Back from the file, acknowledgements included; read-only works. */
	ASSERT_EQ(events_open(&ev, path, 0, NULL), 0);
	ASSERT_EQ(events_count(ev), 4);
	ASSERT_EQ(events_get(ev, 3)->count, 10);
	ASSERT(events_get(ev, 0)->acked);
	events_close(ev);
}

TEST(events_ring_is_bounded)
{
	char path[600], host[32];
	struct events *ev;
	size_t i;

	snprintf(path, sizeof path, "%s/events", test_tmpdir());
	ev = open_ring(path);
	for (i = 0; i < EVENTS_CAP + 100; i++) {
		snprintf(host, sizeof host, "h%zu", i);
		events_add(ev, T0 + (int64_t)i, host, FEV_STATE, NULL, "ok", "unreachable", 3, "x");
	}
	ASSERT_EQ(events_count(ev), EVENTS_CAP);
	ASSERT_EQ(events_get(ev, 0)->seq, EVENTS_CAP + 100);
	ASSERT_EQ(events_get(ev, EVENTS_CAP - 1)->seq, 101);
	events_close(ev);
	ev = open_ring(path);
	ASSERT_EQ(events_count(ev), EVENTS_CAP);
	ASSERT_EQ(events_get(ev, EVENTS_CAP - 1)->seq, 101);
	events_close(ev);
}

/* --- the recorder on synthetic hosts --- */

struct rig {
	uv_loop_t loop;
	struct fleet f;
	struct bmc_engine e;
	char dir[600];
};

static void rig_init(struct rig *r, const char *fleet_text)
{
	char *err = NULL;

	if (fleet_parse(&r->f, "t.conf", fleet_text, strlen(fleet_text), &err) != 0)
		test_fail(__FILE__, __LINE__, "%s", err);
	uv_loop_init(&r->loop);
	engine_init(&r->e, &r->loop, &r->f, NULL);
	snprintf(r->dir, sizeof r->dir, "%s/history", test_tmpdir());
	if (record_enable(&r->e, r->dir, &err) != 0 || err != NULL)
		test_fail(__FILE__, __LINE__, "record_enable: %s", err);
}

static void closed(struct bmc_engine *e)
{
}

static void rig_finish(struct rig *r)
{
	engine_shutdown(&r->e, closed);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	engine_free(&r->e);
	ASSERT_EQ(uv_loop_close(&r->loop), 0);
	fleet_free(&r->f);
}

/* One good poll: powered on, one temperature sensor with this status. */
static void poll_host(struct bmc_host *h, enum bmc_health status, double value)
{
	struct bmc_sensor *s = xcalloc(2, sizeof *s);

	snprintf(s[0].name, sizeof s[0].name, "Inlet Temp");
	snprintf(s[0].type, sizeof s[0].type, "temperature");
	snprintf(s[0].unit, sizeof s[0].unit, "C");
	s[0].value = value;
	s[0].has_value = 1;
	s[0].status = status;
	snprintf(s[1].name, sizeof s[1].name, "PSU1 Power");
	snprintf(s[1].type, sizeof s[1].type, "power");
	snprintf(s[1].unit, sizeof s[1].unit, "W");
	s[1].value = 200;
	s[1].has_value = 1;
	s[1].status = BMC_HEALTH_OK;
	h->state = HOST_OK;
	h->power = BMC_POWER_ON;
	host_set_sensors(h, s, 2);
	host_changed(h, CHANGED_STATE | CHANGED_READINGS);
}

static size_t count_kind(struct events *ev, enum fev_kind k, const char *to)
{
	size_t i, n = 0;

	for (i = 0; i < events_count(ev); i++) {
		const struct fleet_event *e = events_get(ev, i);

		if (e->kind == k && strcmp(e->to, to) == 0)
			n++;
	}
	return n;
}

TEST(events_storm_of_500)
{
	struct rig r;
	struct events *ev;
	struct history *hs;
	struct hist_point p[4];
	float trend[10];
	size_t i;
	long id;

	memset(&r, 0, sizeof r);
	rig_init(&r,
		 "[defaults]\nalert-command = /bin/true\n[host h[000-499]]\naddress = 127.0.0.1\n"
		 "ipmi-port = [20000-20499]\n");
	for (i = 0; i < 500; i++)
		poll_host(&r.e.hosts[i], BMC_HEALTH_OK, 25);
	/* The ring moved into the store's file at the first readings. */
	ev = record_events(record_of(&r.e));
	ASSERT(record_history(record_of(&r.e)) != NULL);
	ASSERT_EQ(events_count(ev), 0); /* the first look is a baseline */
	for (i = 0; i < 500; i++)
		poll_host(&r.e.hosts[i], BMC_HEALTH_CRITICAL, 60);
	ASSERT_EQ(events_count(ev), 1000);
	ASSERT_EQ(count_kind(ev, FEV_HEALTH, "critical"), 500);
	ASSERT_EQ(count_kind(ev, FEV_SENSOR, "critical"), 500);
	for (i = 0; i < 500; i++)
		ASSERT_EQ(record_unseen(record_of(&r.e), &r.e.hosts[i]), 2);
	/* One unreachable host, then back. */
	host_set_error(&r.e.hosts[7], BMC_ETIMEDOUT, "no answer");
	r.e.hosts[7].state = HOST_UNREACHABLE;
	host_changed(&r.e.hosts[7], CHANGED_STATE);
	ASSERT_EQ(count_kind(ev, FEV_STATE, "unreachable"), 1);
	ASSERT_CONTAINS(events_get(ev, 0)->text, "no answer");

	/* The storm did not fork a storm: the cap held, the rest dropped. */
	{
		unsigned long runs, dropped;

		record_alert_counts(record_of(&r.e), &runs, &dropped);
		ASSERT_EQ(runs, ALERT_MAX_CHILDREN);
		ASSERT_EQ(runs + dropped, 501);
	}

	/* Readings went to the store, and to the in-memory trend. */
	hs = record_history(record_of(&r.e));
	id = history_series(hs, "h123", "Inlet Temp", NULL, 0);
	ASSERT(id >= 0);
	ASSERT_EQ(history_query(hs, (size_t)id, HIST_RES_RAW, engine_wall_ms() / 1000 - 60,
				engine_wall_ms() / 1000, p, 4),
		  1);
	ASSERT_NEAR(p[0].max, 60, 1e-6);
	ASSERT_NEAR(p[0].min, 60, 1e-6); /* the same step: the last reading */
	ASSERT_EQ(record_trend(record_of(&r.e), &r.e.hosts[3], TREND_TEMP_MAX,
			       engine_wall_ms() / 1000, trend, 10),
		  10);
	ASSERT_NEAR(trend[9], 60, 1e-6);
	ASSERT(isnan(trend[0]));
	ASSERT_EQ(record_trend(record_of(&r.e), &r.e.hosts[3], TREND_POWER, engine_wall_ms() / 1000,
			       trend, 10),
		  10);
	ASSERT_NEAR(trend[9], 200, 1e-6);
	rig_finish(&r);
}

TEST(events_flapping_host_is_one_line)
{
	struct rig r;
	struct events *ev;
	int i;

	memset(&r, 0, sizeof r);
	rig_init(&r, "[host a]\naddress = 127.0.0.1\n[host b]\naddress = 127.0.0.2\n");
	poll_host(&r.e.hosts[0], BMC_HEALTH_OK, 25);
	ev = record_events(record_of(&r.e));
	for (i = 0; i < 10; i++)
		poll_host(&r.e.hosts[0], i % 2 ? BMC_HEALTH_OK : BMC_HEALTH_WARNING, 25 + i);
	ASSERT_EQ(count_kind(ev, FEV_HEALTH, "ok"), 1);
	ASSERT_EQ(events_count(ev), 2); /* health, and the sensor */
	ASSERT_EQ(events_get(ev, 0)->count, 10);
	/* Unseen marks: host a has two, b none; acknowledged, none. */
	ASSERT_EQ(record_unseen(record_of(&r.e), &r.e.hosts[0]), 2);
	ASSERT_EQ(record_unseen(record_of(&r.e), &r.e.hosts[1]), 0);
	ASSERT_EQ(events_ack(ev, events_get(ev, 0)->seq), 0);
	ASSERT_EQ(record_unseen(record_of(&r.e), &r.e.hosts[0]), 1);
	ASSERT_EQ(events_ack_matching(ev, NULL, NULL), 1);
	ASSERT_EQ(record_unseen(record_of(&r.e), &r.e.hosts[0]), 0);
	rig_finish(&r);
}

/* --- listeners and the bell --- */

struct heard {
	int calls, bells;
	struct recorder *r; /* set: remove itself at the first call */
};

static void on_heard(void *ctx, const struct fleet_event *ev, int bell)
{
	struct heard *h = ctx;

	(void)ev;
	h->calls++;
	h->bells += bell != 0;
	if (h->r != NULL)
		record_remove_listener(h->r, on_heard, h);
}

TEST(events_listeners_and_bell)
{
	struct heard a = {0}, b = {0}, c = {0}, extra[RECORD_LISTENERS_MAX];
	struct recorder *rec;
	struct rig r;
	size_t i;

	memset(&r, 0, sizeof r);
	/* alert-bell without an alert-command: the bell is the fleet's choice alone. */
	memset(extra, 0, sizeof extra);
	rig_init(&r, "[defaults]\nalert-bell = yes\nalert-on = critical\n[host a]\n"
		     "address = 127.0.0.1\n");
	rec = record_of(&r.e);
	ASSERT_EQ(record_add_listener(rec, on_heard, &a), 0);
	ASSERT_EQ(record_add_listener(rec, on_heard, &b), 0);
	c.r = rec;
	ASSERT_EQ(record_add_listener(rec, on_heard, &c), 0);
	poll_host(&r.e.hosts[0], BMC_HEALTH_OK, 25);
	poll_host(&r.e.hosts[0], BMC_HEALTH_WARNING, 45); /* health + sensor, not chosen */
	ASSERT_EQ(a.calls, 2);
	ASSERT_EQ(a.bells, 0);
	ASSERT_EQ(b.calls, 2);
	ASSERT_EQ(c.calls, 1); /* removed itself, and b after it still heard */
	poll_host(&r.e.hosts[0], BMC_HEALTH_CRITICAL, 70); /* chosen by alert-on: bell */
	ASSERT_EQ(a.calls, 4);
	ASSERT_EQ(a.bells, 1); /* health critical; the sensor is alert-on = sensor */
	ASSERT_EQ(b.bells, 1);
	ASSERT_EQ(c.calls, 1);
	/* Removing one leaves the other; the array is bounded. */
	record_remove_listener(rec, on_heard, &a);
	record_remove_listener(rec, on_heard, &a); /* not there: nothing */
	for (i = 0; i < RECORD_LISTENERS_MAX - 1; i++)
		ASSERT_EQ(record_add_listener(rec, on_heard, &extra[i]), 0);
	ASSERT_EQ(record_add_listener(rec, on_heard, &extra[i]), -ENOSPC);
	poll_host(&r.e.hosts[0], BMC_HEALTH_OK, 25);
	ASSERT_EQ(a.calls, 4);
	ASSERT_EQ(b.calls, 6);
	ASSERT_EQ(b.bells, 1); /* recovered is not in alert-on */
	rig_finish(&r);
}

/* --- the alert hook, a real child --- */

static void run_until_file(uv_loop_t *loop, const char *path, int lines)
{
	int i;

	for (i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");
		int n = 0, c;

		if (f != NULL) {
			while ((c = fgetc(f)) != EOF)
				n += c == '\n';
			fclose(f);
		}
		if (n >= lines)
			return;
		uv_run(loop, UV_RUN_NOWAIT);
		usleep(10000);
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = xcalloc(1, 65536);

	if (f != NULL) {
		size_t n = fread(buf, 1, 65535, f);

		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

TEST(events_alert_hook)
{
	struct rig r;
	char script[700], out[700], text[2048], *got;
	FILE *f;
	unsigned long runs, dropped;

	memset(&r, 0, sizeof r);
	snprintf(script, sizeof script, "%s/hook.sh", test_tmpdir());
	snprintf(out, sizeof out, "%s/hook.out", test_tmpdir());
	f = fopen(script, "w");
	ASSERT(f != NULL);
	fputs("#!/bin/sh\nenv > \"$1.env\"\ncat >> \"$1.json\"\necho >> \"$1.json\"\n"
	      "echo ran >> \"$1\"\n",
	      f);
	fclose(f);
	ASSERT_EQ(chmod(script, 0700), 0);
	setenv("BMCTOP_TEST_SECRET", "hunter2-in-env", 1);
	snprintf(text, sizeof text,
		 "[defaults]\nalert-command = %s %s\nalert-on = critical, unreachable\n"
		 "password-env = BMCTOP_TEST_SECRET\n[host h[1-2]]\naddress = 127.0.0.1\n"
		 "ipmi-port = [20001-20002]\n",
		 script, out);
	rig_init(&r, text);
	cred_hide_fleet_env(&r.f);
	poll_host(&r.e.hosts[0], BMC_HEALTH_OK, 25);
	poll_host(&r.e.hosts[0], BMC_HEALTH_WARNING, 30); /* not chosen */
	poll_host(&r.e.hosts[0], BMC_HEALTH_CRITICAL, 70);
	poll_host(&r.e.hosts[0], BMC_HEALTH_OK, 25);
	poll_host(&r.e.hosts[0], BMC_HEALTH_CRITICAL, 71); /* rate-limited */
	run_until_file(&r.loop, out, 1);
	record_alert_counts(record_of(&r.e), &runs, &dropped);
	ASSERT_EQ(runs, 1);
	ASSERT_EQ(dropped, 1);
	got = slurp(out);
	ASSERT_STREQ(got, "ran\n");
	free(got);
	snprintf(text, sizeof text, "%s.env", out);
	got = slurp(text);
	ASSERT_CONTAINS(got, "BMCTOP_HOST=h1\n");
	ASSERT_CONTAINS(got, "BMCTOP_EVENT=critical\n");
	ASSERT_CONTAINS(got, "BMCTOP_KIND=health\n");
	ASSERT_CONTAINS(got, "BMCTOP_FROM=warning\n");
	ASSERT_CONTAINS(got, "BMCTOP_TO=critical\n");
	ASSERT(strstr(got, "hunter2") == NULL);
	ASSERT(strstr(got, "BMCTOP_TEST_SECRET") == NULL);
	free(got);
	snprintf(text, sizeof text, "%s.json", out);
	got = slurp(text);
	ASSERT_CONTAINS(got, "\"host\":\"h1\"");
	ASSERT_CONTAINS(got, "\"event\":\"critical\"");
	free(got);
	rig_finish(&r);
	/* Only one run reached the file: the second critical was too soon. */
	got = slurp(out);
	ASSERT_STREQ(got, "ran\n");
	free(got);
}

/* The alert keys of the fleet file: defaults, lists, and refusals by name. */
TEST(events_alert_keys)
{
	struct fleet f;
	char *err = NULL;
	const char *ok =
	    "[defaults]\nalert-command = /usr/local/bin/page --quiet\n"
	    "alert-on = power,sel , recovered\nalert-interval = 30s\nalert-bell = yes\n"
	    "[host a]\naddress = 127.0.0.1\n";
	const char *plain = "[host a]\naddress = 127.0.0.1\n";
	const char *all = "[defaults]\nalert-on = all\n[host a]\naddress = 127.0.0.1\n";
	const char *bad =
	    "[defaults]\nalert-on = critical, meltdown\n[host a]\naddress = 127.0.0.1\n";
	const char *empty = "[defaults]\nalert-on = ,\n[host a]\naddress = 127.0.0.1\n";
	const char *in_host = "[host a]\naddress = 127.0.0.1\nalert-command = /bin/true\n";

	ASSERT_EQ(fleet_parse(&f, "t.conf", ok, strlen(ok), &err), 0);
	ASSERT_STREQ(f.alert_command, "/usr/local/bin/page --quiet");
	ASSERT_EQ(f.alert_on, FLEET_ALERT_POWER | FLEET_ALERT_SEL | FLEET_ALERT_RECOVERED);
	ASSERT_EQ(f.alert_interval_ms, 30000);
	ASSERT_EQ(f.alert_bell, 1);
	fleet_free(&f);

	ASSERT_EQ(fleet_parse(&f, "t.conf", plain, strlen(plain), &err), 0);
	ASSERT(f.alert_command == NULL);
	ASSERT_EQ(f.alert_on, FLEET_ALERT_DEFAULT);
	ASSERT_EQ(f.alert_interval_ms, 300000);
	ASSERT_EQ(f.alert_bell, 0);
	fleet_free(&f);

	ASSERT_EQ(fleet_parse(&f, "t.conf", all, strlen(all), &err), 0);
	ASSERT_EQ(f.alert_on, 511);
	fleet_free(&f);

	ASSERT(fleet_parse(&f, "t.conf", bad, strlen(bad), &err) < 0);
	ASSERT_CONTAINS(err, "t.conf:2:");
	ASSERT_CONTAINS(err, "critical, warning, recovered");
	free(err);
	err = NULL;
	ASSERT(fleet_parse(&f, "t.conf", empty, strlen(empty), &err) < 0);
	free(err);
	err = NULL;
	ASSERT(fleet_parse(&f, "t.conf", in_host, strlen(in_host), &err) < 0);
	ASSERT_CONTAINS(err, "alert-command");
	free(err);
}

/* A command that polls no sensors never opens the store (nor takes its
 * lock); events seen before the first readings move into the file. */
TEST(events_store_opens_at_first_readings)
{
	struct rig r;
	struct history *hs = NULL;
	struct events *ev;
	char *err = NULL, path[700];
	struct stat st;

	memset(&r, 0, sizeof r);
	rig_init(&r, "[host a]\naddress = 127.0.0.1\n[host b]\naddress = 127.0.0.2\n");
	r.e.hosts[1].state = HOST_OK;
	r.e.hosts[1].power = BMC_POWER_ON;
	host_changed(&r.e.hosts[1], CHANGED_STATE);
	r.e.hosts[1].power = BMC_POWER_OFF;
	host_changed(&r.e.hosts[1], CHANGED_STATE);
	ASSERT(record_history(record_of(&r.e)) == NULL);
	snprintf(path, sizeof path, "%s/data", r.dir);
	ASSERT_EQ(stat(path, &st), -1);
	/* Meanwhile another writer may take the store. */
	ASSERT_EQ(history_open(&hs, r.dir, 1, &err), 0);
	history_close(hs);

	poll_host(&r.e.hosts[0], BMC_HEALTH_OK, 25);
	ASSERT(record_history(record_of(&r.e)) != NULL);
	ev = record_events(record_of(&r.e));
	ASSERT_EQ(events_count(ev), 1);
	ASSERT_STREQ(events_get(ev, 0)->text, "power off");
	rig_finish(&r);
	/* It is in the file. */
	snprintf(path, sizeof path, "%s/events", r.dir);
	ASSERT_EQ(events_open(&ev, path, 0, NULL), 0);
	ASSERT_EQ(events_count(ev), 1);
	ASSERT_STREQ(events_get(ev, 0)->host, "b");
	events_close(ev);
}

/* A hook that cannot start is logged, not fatal; one that hangs is ended
 * with bmctop (the runner's time limit would catch a shutdown that waits). */
TEST(events_alert_hook_missing_or_hanging)
{
	struct rig r;
	unsigned long runs, dropped;

	memset(&r, 0, sizeof r);
	rig_init(&r, "[defaults]\nalert-command = /nonexistent/bmctop-hook\n"
		     "[host a]\naddress = 127.0.0.1\n");
	poll_host(&r.e.hosts[0], BMC_HEALTH_OK, 25);
	poll_host(&r.e.hosts[0], BMC_HEALTH_CRITICAL, 99);
	record_alert_counts(record_of(&r.e), &runs, &dropped);
	ASSERT_EQ(runs, 0);
	ASSERT_EQ(events_count(record_events(record_of(&r.e))), 2);
	rig_finish(&r);

	memset(&r, 0, sizeof r);
	rig_init(&r, "[defaults]\nalert-command = /bin/sleep 600\n"
		     "[host a]\naddress = 127.0.0.1\n");
	poll_host(&r.e.hosts[0], BMC_HEALTH_OK, 25);
	poll_host(&r.e.hosts[0], BMC_HEALTH_CRITICAL, 99);
	record_alert_counts(record_of(&r.e), &runs, &dropped);
	ASSERT_EQ(runs, 1);
	uv_run(&r.loop, UV_RUN_NOWAIT);
	rig_finish(&r); /* SIGTERM to the sleeping hook, then its handles close */
}

static void set_log(struct bmc_host *h, const char *const *msgs, size_t n)
{
	struct bmc_event *ev = xcalloc(n, sizeof *ev);
	size_t i;

	for (i = 0; i < n; i++) {
		ev[i].id = (uint32_t)(i + 1); /* by place, as a Redfish log without numeric Ids */
		ev[i].timestamp = 1700000000 + (int64_t)(n - i);
		snprintf(ev[i].sensor, sizeof ev[i].sensor, "PSU1");
		snprintf(ev[i].message, sizeof ev[i].message, "%s", msgs[i]);
		ev[i].severity = BMC_HEALTH_WARNING;
	}
	host_set_events(h, ev, n);
	host_changed(h, CHANGED_EVENTS);
}

/* New log entries are events; old ones, even renumbered, are not. */
TEST(events_new_log_entries)
{
	static const char *const before[] = {"b: fan slow", "a: boot"};
	static const char *const after[] = {"d: psu lost", "c: psu degraded", "b: fan slow",
					    "a: boot"};
	struct rig r;
	struct events *ev;

	memset(&r, 0, sizeof r);
	rig_init(&r, "[host a]\naddress = 127.0.0.1\n");
	poll_host(&r.e.hosts[0], BMC_HEALTH_OK, 25);
	set_log(&r.e.hosts[0], before, 2);
	ev = record_events(record_of(&r.e));
	ASSERT_EQ(events_count(ev), 0); /* the log's old entries are the baseline */
	set_log(&r.e.hosts[0], after, 4);
	ASSERT_EQ(events_count(ev), 2);
	ASSERT_STREQ(events_get(ev, 0)->text, "c: psu degraded");
	ASSERT_STREQ(events_get(ev, 1)->text, "d: psu lost");
	ASSERT_STREQ(events_get(ev, 0)->subject, "PSU1");
	ASSERT_EQ(events_get(ev, 0)->kind, FEV_SEL);
	set_log(&r.e.hosts[0], after, 4);
	ASSERT_EQ(events_count(ev), 2);
	rig_finish(&r);
}

/* The first n of log, copied in (the host takes what it is given). */
static void set_same(struct bmc_host *h, const struct bmc_event *log, size_t n)
{
	struct bmc_event *ev = xcalloc(n, sizeof *ev);

	memcpy(ev, log, n * sizeof *ev);
	host_set_events(h, ev, n);
	host_changed(h, CHANGED_EVENTS);
}

/* The same entry twice in one second (a test event sent twice) is two. */
TEST(events_same_log_entry_twice_is_news)
{
	struct rig r;
	struct events *ev;
	struct bmc_event log[3];
	size_t i;

	memset(&r, 0, sizeof r);
	memset(log, 0, sizeof log);
	for (i = 0; i < 3; i++) {
		log[i].id = (uint32_t)(i + 1);
		log[i].timestamp = 1700000000;
		snprintf(log[i].sensor, sizeof log[i].sensor, "EventService");
		snprintf(log[i].message, sizeof log[i].message, "Test event");
		log[i].severity = BMC_HEALTH_OK;
	}
	rig_init(&r, "[host a]\naddress = 127.0.0.1\n");
	poll_host(&r.e.hosts[0], BMC_HEALTH_OK, 25);
	ev = record_events(record_of(&r.e));
	set_same(&r.e.hosts[0], log, 1);
	ASSERT_EQ(events_count(ev), 0); /* the baseline */
	set_same(&r.e.hosts[0], log, 2);
	ASSERT_EQ(events_count(ev), 1);
	set_same(&r.e.hosts[0], log, 3);
	ASSERT_EQ(events_count(ev), 2);
	/* Read again, unchanged: nothing new. */
	set_same(&r.e.hosts[0], log, 3);
	ASSERT_EQ(events_count(ev), 2);
	/* One dropped off the end of the log, none added: nothing new. */
	set_same(&r.e.hosts[0], log, 2);
	ASSERT_EQ(events_count(ev), 2);
	rig_finish(&r);
}
