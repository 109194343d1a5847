/*
 * core/alert.c - running the alert-command for fleet events.
 *
 * Each run is a child with a pipe on stdin that gets the event's JSON and
 * is then closed; stdout and stderr go to /dev/null (the dashboard owns the
 * terminal).  A child is one struct run, freed when its process handle and
 * pipe are both closed.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/alert.h"
#include "core/cred.h"
#include "core/host.h"
#include "core/log.h"
#include "core/xalloc.h"

struct run {
	struct alerter *a;
	uv_process_t proc;
	uv_pipe_t in;
	uv_timer_t timer; /* ALERT_TIMEOUT_MS, then SIGKILL */
	uv_write_t wr;
	char *json;
	int open;    /* handles not yet closed */
	int running; /* the process has not exited */
	struct run *next, **prev;
};

struct alerter {
	uv_loop_t *loop;
	char **argv;
	unsigned on;
	int64_t interval_ms;
	int64_t *last; /* per host: when its hook last ran; 0 never */
	size_t nhosts;
	int children, handles;
	struct run *runs_head; /* running children */
	unsigned long runs, dropped;
	int closing;
	void (*done)(void *arg);
	void *done_arg;
};

static char **split_words(const char *s)
{
	char **v = xcalloc(strlen(s) / 2 + 2, sizeof *v);
	size_t n = 0;

	while (*s != '\0') {
		size_t len;

		s += strspn(s, " \t");
		len = strcspn(s, " \t");
		if (len == 0)
			break;
		v[n++] = xstrndup(s, len);
		s += len;
	}
	v[n] = NULL;
	return v;
}

struct alerter *alert_new(uv_loop_t *loop, const struct fleet *f, size_t nhosts)
{
	struct alerter *a;

	if (f->alert_command == NULL)
		return NULL;
	a = xcalloc(1, sizeof *a);
	a->loop = loop;
	a->argv = split_words(f->alert_command);
	a->on = f->alert_on;
	a->interval_ms = (int64_t)f->alert_interval_ms;
	a->nhosts = nhosts;
	a->last = xcalloc(nhosts ? nhosts : 1, sizeof *a->last);
	if (a->argv[0] == NULL) {
		alert_free(a);
		return NULL;
	}
	return a;
}

unsigned alert_class(const struct fleet_event *e)
{
	switch (e->kind) {
	case FEV_HEALTH:
		if (strcmp(e->to, "critical") == 0)
			return FLEET_ALERT_CRITICAL;
		if (strcmp(e->to, "warning") == 0)
			return FLEET_ALERT_WARNING;
		return strcmp(e->to, "ok") == 0 ? FLEET_ALERT_RECOVERED : 0;
	case FEV_STATE:
		if (strcmp(e->to, "parked") == 0)
			return FLEET_ALERT_PARKED;
		if (strcmp(e->to, "ok") == 0)
			return FLEET_ALERT_REACHABLE;
		return FLEET_ALERT_UNREACHABLE;
	case FEV_POWER:
		return FLEET_ALERT_POWER;
	case FEV_SENSOR:
		return FLEET_ALERT_SENSOR;
	case FEV_SEL:
		return FLEET_ALERT_SEL;
	}
	return 0;
}

static const char *class_name(unsigned c)
{
	static const char *const names[] = {"critical",	   "warning",	"recovered",
					    "unreachable", "reachable", "parked",
					    "power",	   "sensor",	"sel"};
	unsigned i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (c == 1u << i)
			return names[i];
	return "event";
}

static void run_closed(uv_handle_t *hd)
{
	struct run *r = hd->data;
	struct alerter *a = r->a;

	a->handles--;
	if (--r->open > 0)
		return;
	free(r->json);
	free(r);
	if (a->closing && a->handles == 0 && a->done != NULL) {
		a->done(a->done_arg);
		a->done = NULL;
	}
}

static void unlink_run(struct run *r)
{
	if (!r->running)
		return;
	r->running = 0;
	r->a->children--;
	*r->prev = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
}

static void on_exit_cb(uv_process_t *p, int64_t status, int sig)
{
	struct run *r = p->data;

	unlink_run(r);
	uv_timer_stop(&r->timer);
	uv_close((uv_handle_t *)&r->timer, run_closed);
	if (status != 0 || sig != 0)
		log_warn("alert-command exited with status %lld%s", (long long)status,
			 sig ? " (killed by a signal)" : "");
	uv_close((uv_handle_t *)p, run_closed);
}

static void on_timeout(uv_timer_t *t)
{
	struct run *r = t->data;

	log_warn("alert-command %s still running after %d s: killed", r->a->argv[0],
		 ALERT_TIMEOUT_MS / 1000);
	uv_process_kill(&r->proc, SIGKILL);
}

static void on_written(uv_write_t *w, int status)
{
	struct run *r = w->data;

	(void)status; /* a hook that does not read its stdin is its business */
	uv_close((uv_handle_t *)&r->in, run_closed);
}

/* BMCTOP_HOST=..., the event for the child; appended to a copy of env. */
static char **child_env(const struct fleet_event *e, unsigned cls)
{
	char **base = cred_child_env(), **env;
	size_t n = 0, i = 0;
	char count[24], seq[24], when[24];

	while (base[n] != NULL)
		n++;
	env = xcalloc(n + 12, sizeof *env);
	for (; i < n; i++)
		env[i] = base[i];
	free(base);
	snprintf(count, sizeof count, "%u", e->count);
	snprintf(seq, sizeof seq, "%llu", (unsigned long long)e->seq);
	snprintf(when, sizeof when, "%lld", (long long)(e->t / 1000));
	env[i++] = xasprintf("BMCTOP_HOST=%s", e->host);
	env[i++] = xasprintf("BMCTOP_EVENT=%s", class_name(cls));
	env[i++] = xasprintf("BMCTOP_KIND=%s", fev_kind_name(e->kind));
	env[i++] = xasprintf("BMCTOP_FROM=%s", e->from);
	env[i++] = xasprintf("BMCTOP_TO=%s", e->to);
	env[i++] = xasprintf("BMCTOP_SUBJECT=%s", e->subject);
	env[i++] = xasprintf("BMCTOP_TEXT=%s", e->text);
	env[i++] = xasprintf("BMCTOP_TIME=%s", when);
	env[i++] = xasprintf("BMCTOP_COUNT=%s", count);
	env[i++] = xasprintf("BMCTOP_SEQ=%s", seq);
	env[i] = NULL;
	return env;
}

static int spawn(struct alerter *a, const struct fleet_event *e, unsigned cls)
{
	struct run *r = xcalloc(1, sizeof *r);
	uv_process_options_t o;
	uv_stdio_container_t stdio[3];
	json_t *j = events_to_json(e);
	uv_buf_t buf;
	char **env;
	int rc;

	json_object_set_new(j, "event", json_string(class_name(cls)));
	r->a = a;
	r->json = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	uv_pipe_init(a->loop, &r->in, 0);
	r->in.data = r->proc.data = r->wr.data = r->timer.data = r;
	memset(&o, 0, sizeof o);
	memset(stdio, 0, sizeof stdio);
	stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
	stdio[0].data.stream = (uv_stream_t *)&r->in;
	stdio[1].flags = UV_IGNORE;
	stdio[2].flags = UV_IGNORE;
	o.file = a->argv[0];
	o.args = a->argv;
	o.env = env = child_env(e, cls);
	o.stdio = stdio;
	o.stdio_count = 3;
	o.exit_cb = on_exit_cb;
	rc = uv_spawn(a->loop, &r->proc, &o);
	strv_free(env);
	r->open = 2;
	a->handles += 2;
	if (rc != 0) {
		log_warn("alert-command %s: %s", a->argv[0], uv_strerror(rc));
		uv_close((uv_handle_t *)&r->proc, run_closed);
		uv_close((uv_handle_t *)&r->in, run_closed);
		return rc;
	}
	a->children++;
	r->running = 1;
	r->next = a->runs_head;
	r->prev = &a->runs_head;
	if (a->runs_head != NULL)
		a->runs_head->prev = &r->next;
	a->runs_head = r;
	r->open++;
	a->handles++;
	uv_timer_init(a->loop, &r->timer);
	uv_timer_start(&r->timer, on_timeout, ALERT_TIMEOUT_MS, 0);
	buf = uv_buf_init(r->json, (unsigned)strlen(r->json));
	if (uv_write(&r->wr, (uv_stream_t *)&r->in, &buf, 1, on_written) != 0)
		uv_close((uv_handle_t *)&r->in, run_closed);
	return 1;
}

int alert_fire(struct alerter *a, const struct fleet_event *e, size_t host_index, int64_t now_ms)
{
	unsigned cls;
	int rc;

	if (a == NULL || a->closing)
		return 0;
	cls = alert_class(e);
	if ((cls & a->on) == 0)
		return 0;
	if (host_index < a->nhosts && a->last[host_index] != 0 &&
	    now_ms - a->last[host_index] < a->interval_ms) {
		a->dropped++;
		return -EBUSY;
	}
	if (a->children >= ALERT_MAX_CHILDREN) {
		a->dropped++;
		log_warn("alert-command: %d already running; %s %s not sent", a->children, e->host,
			 class_name(cls));
		return -EBUSY;
	}
	rc = spawn(a, e, cls);
	if (rc == 1) {
		a->runs++;
		if (host_index < a->nhosts)
			a->last[host_index] = now_ms;
	}
	return rc;
}

void alert_counts(const struct alerter *a, unsigned long *runs, unsigned long *dropped)
{
	*runs = a != NULL ? a->runs : 0;
	*dropped = a != NULL ? a->dropped : 0;
}

void alert_close(struct alerter *a, void (*done)(void *arg), void *arg)
{
	struct run *r;

	/* bmctop is ending: a hook still running is asked to end too. */
	for (r = a->runs_head; r != NULL; r = r->next)
		uv_process_kill(&r->proc, SIGTERM);
	a->closing = 1;
	if (a->handles == 0) {
		done(arg);
		return;
	}
	a->done = done;
	a->done_arg = arg;
}

void alert_free(struct alerter *a)
{
	if (a == NULL)
		return;
	strv_free(a->argv);
	free(a->last);
	free(a);
}
