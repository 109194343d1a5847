/*
 * cli/cmd-history.c - "bmctop history" and "bmctop events": read the
 * history store and the fleet event file that the dashboard (or status
 * --watch) records in the state directory (core/record.h).
 *
 * Both read the files only, so they work beside a running dashboard and
 * need no BMC; the store says what it has, the fleet file is not read.
 *
 * events --follow is the exception: it prints events as they happen.
 * When no other bmctop records (the store's writer lock is free) it runs
 * the engine on the fleet itself, as serve does, and prints what its
 * recorder finds; when a dashboard, serve or status --watch holds the
 * lock, it polls no BMC (that would double the sessions each BMC gives,
 * and its events would not be the ones in the store) but tails the event
 * file that one writes.  Either way a change is printed once, named by
 * its cursor (core/events.h): the replay of --since and the live part
 * join on it.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <uv.h>

#include "cli/cli.h"
#include "core/events.h"
#include "core/history.h"
#include "core/host-json.h"
#include "core/hostrange.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/record.h"
#include "core/sched.h"
#include "core/xalloc.h"

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV };

struct hist_args {
	int64_t since_s; /* how far back */
	enum out_format fmt;
};

/* --since and --csv, taken out of argv by cli_command_options(). */
static int take_args(const struct cli *c, struct hist_args *a)
{
	if (c->since != NULL && events_parse_ago(c->since, &a->since_s) != 0)
		return cli_usage_error("--since takes a time back such as 30m, 1h, 24h, 7d (the "
				       "store keeps a week)");
	if (c->csv)
		a->fmt = OUT_CSV;
	return 0;
}

static char *store_dir(void)
{
	return paths_state_file("history");
}

static void print_value(FILE *f, float v)
{
	fprintf(f, "%.2f", (double)v);
}

/* Stored as float: shown to three decimals, not float noise. */
static json_t *num(float v)
{
	return json_real(round((double)v * 1000) / 1000);
}

static json_t *point_json(const struct hist_point *p, int raw)
{
	json_t *o = json_object();
	char when[32];

	host_json_utc(when, sizeof when, p->t * 1000);
	json_object_set_new(o, "time", json_string(when));
	if (raw) {
		json_object_set_new(o, "value", num(p->avg));
	} else {
		json_object_set_new(o, "min", num(p->min));
		json_object_set_new(o, "avg", num(p->avg));
		json_object_set_new(o, "max", num(p->max));
	}
	return o;
}

static const char *res_name(enum hist_res r)
{
	return r == HIST_RES_RAW ? "30s" : r == HIST_RES_DAY ? "10min" : "1h";
}

/* One series: its points as text lines, CSV rows or a JSON object. */
static size_t show_series(struct history *hs, size_t id, const struct hist_args *a, int64_t now,
			  json_t *arr)
{
	static struct hist_point pts[HIST_WEEK_N];
	enum hist_res res = history_res_for(now - a->since_s, now);
	const char *host = history_series_host(hs, id), *sensor = history_series_sensor(hs, id);
	const char *unit = history_series_unit(hs, id);
	size_t n, i;
	json_t *o, *list;
	char when[32];

	n = history_query(hs, id, res, now - a->since_s, now, pts, HIST_WEEK_N);
	if (n > HIST_WEEK_N)
		n = HIST_WEEK_N;
	if (a->fmt == OUT_JSON) {
		o = json_object();
		json_object_set_new(o, "host", json_string(host));
		json_object_set_new(o, "sensor", json_string(sensor));
		json_object_set_new(o, "unit", json_string(unit));
		json_object_set_new(o, "resolution", json_string(res_name(res)));
		list = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(list, point_json(&pts[i], res == HIST_RES_RAW));
		json_object_set_new(o, "points", list);
		json_array_append_new(arr, o);
		return n;
	}
	if (a->fmt == OUT_TEXT && n > 0)
		printf("%s %s (%s, every %s)%s\n", host, sensor, unit[0] ? unit : "-",
		       res_name(res), res == HIST_RES_RAW ? "" : ": min avg max");
	for (i = 0; i < n; i++) {
		host_json_utc(when, sizeof when, pts[i].t * 1000);
		if (a->fmt == OUT_CSV) {
			printf("%s,\"%s\",\"%s\",%s,", when, host, sensor, unit);
			print_value(stdout, pts[i].min);
			putchar(',');
			print_value(stdout, pts[i].avg);
			putchar(',');
			print_value(stdout, pts[i].max);
			putchar('\n');
			continue;
		}
		printf("  %s  ", when);
		if (res == HIST_RES_RAW) {
			print_value(stdout, pts[i].avg);
		} else {
			print_value(stdout, pts[i].min);
			putchar(' ');
			print_value(stdout, pts[i].avg);
			putchar(' ');
			print_value(stdout, pts[i].max);
		}
		putchar('\n');
	}
	return n;
}

static int open_store(struct history **hs)
{
	char *dir = store_dir(), *err = NULL;
	int rc = history_open(hs, dir, 0, &err);

	if (rc == -ENOENT)
		fprintf(
		    stderr,
		    "bmctop: no history in %s yet: the dashboard and status --watch record it\n",
		    dir);
	else if (rc != 0)
		fprintf(stderr, "bmctop: %s\n", err);
	free(err);
	free(dir);
	return rc == 0 ? 0 : EXIT_SOME_FAILED;
}

static int host_in(char **names, size_t n, const char *host)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], host) == 0)
			return 1;
	return 0;
}

/* HOST as a name or range (node[01-04]): the names; NULL with a message. */
static char **expand_host(const char *arg, size_t *n)
{
	struct hostrange hr;
	char err[256], **v;
	size_t i;

	if (hostrange_parse(&hr, arg, err, sizeof err) != 0) {
		fprintf(stderr, "bmctop: %s\n", err);
		return NULL;
	}
	v = xcalloc(hr.count + 1, sizeof *v);
	for (i = 0; i < hr.count; i++)
		v[i] = hostrange_get(&hr, i);
	*n = hr.count;
	hostrange_free(&hr);
	return v;
}

int cmd_history(struct cli *c, int argc, char **argv)
{
	struct hist_args a = {3600, OUT_TEXT};
	struct history *hs = NULL;
	json_t *arr = json_array();
	char **hosts;
	size_t nhosts = 0, id, series = 0, points = 0;
	int64_t now = (int64_t)time(NULL);
	int rc;

	rc = cli_command_options(c, &argc, argv);
	if (rc == 0)
		rc = take_args(c, &a);
	if (rc != 0) {
		json_decref(arr);
		return rc;
	}
	if (c->json)
		a.fmt = OUT_JSON;
	if (argc < 1 || argc > 2) {
		json_decref(arr);
		return cli_usage_error("history takes HOST [SENSOR]");
	}
	hosts = expand_host(argv[0], &nhosts);
	if (hosts == NULL || open_store(&hs) != 0) {
		json_decref(arr);
		strv_free(hosts);
		return hosts == NULL ? EXIT_USAGE : EXIT_SOME_FAILED;
	}
	if (a.fmt == OUT_CSV)
		printf("time,host,sensor,unit,min,avg,max\n");
	for (id = 0; id < history_nseries(hs); id++) {
		if (!host_in(hosts, nhosts, history_series_host(hs, id)))
			continue;
		if (argc == 2 && strcasecmp(argv[1], history_series_sensor(hs, id)) != 0)
			continue;
		series++;
		points += show_series(hs, id, &a, now, arr);
	}
	if (a.fmt == OUT_JSON) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(arr);
	history_close(hs);
	if (series == 0)
		fprintf(stderr, "bmctop: no history of %s%s%s\n", argv[0], argc == 2 ? " " : "",
			argc == 2 ? argv[1] : "");
	else if (points == 0 && a.fmt == OUT_TEXT)
		fprintf(stderr, "bmctop: nothing recorded for %s in the last %llds\n", argv[0],
			(long long)a.since_s);
	strv_free(hosts);
	return series == 0 ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

static void print_event(const struct fleet_event *e)
{
	char when[32];

	host_json_utc(when, sizeof when, e->t);
	printf("%s  %-16s %-6s %s%s%s -> %s", when, e->host, fev_kind_name(e->kind), e->subject,
	       e->subject[0] ? ": " : "", e->from[0] ? e->from : "-", e->to);
	if (e->count > 1)
		printf(" (x%u)", e->count);
	printf("  %s%s\n", e->text, e->acked ? "  [acked]" : "");
}

/* Does the host filter (events' HOST arguments; none: every host) take host? */
static int wanted(int argc, char **argv, const char *host)
{
	int k;

	if (argc == 0)
		return 1;
	for (k = 0; k < argc; k++)
		if (strcmp(argv[k], host) == 0)
			return 1;
	return 0;
}

#define FOLLOW_TAIL_MS 500 /* how often the tail looks at the event file */
#define FOLLOW_REREAD  10  /* and reads it anyway every this many looks */

struct follow {
	struct cli *cli;
	int argc;
	char **argv;
	struct events_cursor cur; /* the last change printed */
	unsigned long printed;
	int broken; /* stdout went away */
	uv_loop_t *loop;
	/* Tail mode: the event file another bmctop writes. */
	char *path;
	struct stat seen;
	unsigned looks;
	uv_timer_t timer;
	uv_signal_t sigint, sigterm;
};

/* One change, as one flushed line of NDJSON or text, once. */
static void follow_print(struct follow *f, const struct fleet_event *e)
{
	json_t *o;

	if (f->broken || !events_cursor_before(&f->cur, e))
		return;
	f->cur.t = e->t;
	f->cur.seq = e->seq;
	if (!wanted(f->argc, f->argv, e->host))
		return;
	if (f->cli->json) {
		o = events_to_json(e);
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		print_event(e);
	}
	f->printed++;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		f->broken = 1;
		uv_stop(f->loop);
	}
}

/* Every change of ev after the cursor, oldest first. */
static void follow_catch_up(struct follow *f, const struct events *ev)
{
	const struct fleet_event **list = xcalloc(EVENTS_CAP, sizeof *list);
	size_t n = events_after(ev, &f->cur, list, EVENTS_CAP), i;

	for (i = 0; i < n; i++)
		follow_print(f, list[i]);
	free(list);
}

/* The stored events after the cursor (--since's replay, or the tail's
 * news): 0, or -ENOENT when there is no event file yet. */
static int follow_read_file(struct follow *f)
{
	struct events *ev = NULL;
	char *err = NULL;
	int rc = events_open(&ev, f->path, 0, &err);

	if (rc == 0) {
		follow_catch_up(f, ev);
		events_close(ev);
	} else if (rc != -ENOENT) {
		log_warn("events --follow: %s", err);
	}
	free(err);
	return rc;
}

static void on_follow_event(void *ctx, const struct fleet_event *ev, int bell)
{
	(void)bell;
	follow_print(ctx, ev);
}

static void on_follow_signal(struct bmc_engine *e, int signum)
{
	(void)signum;
	sched_stop(e);
	uv_stop(e->loop);
}

/* The engine on the fleet, its recorder's events printed as they come. */
static int follow_engine(struct follow *f)
{
	struct cli *c = f->cli;
	struct recorder *r;

	cli_start_engine(c);
	f->loop = &c->loop;
	r = record_of(&c->engine);
	if (r == NULL) {
		fprintf(stderr, "bmctop: events --follow: fleet events are not recorded (see the "
				"log)\n");
		return EXIT_SOME_FAILED;
	}
	record_add_listener(r, on_follow_event, f);
	c->engine.on_signal = on_follow_signal;
	sched_start(&c->engine);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	c->engine.on_signal = NULL;
	return EXIT_ALL_OK;
}

static void on_tail_timer(uv_timer_t *t)
{
	struct follow *f = t->data;
	struct stat st;

	if (stat(f->path, &st) != 0)
		return;
	/* Two writes within one tick of the file system's clock leave the
	 * same mtime: an unchanged file is read again now and then. */
	if (++f->looks % FOLLOW_REREAD != 0 && st.st_mtim.tv_sec == f->seen.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == f->seen.st_mtim.tv_nsec && st.st_size == f->seen.st_size &&
	    st.st_ino == f->seen.st_ino)
		return;
	f->seen = st;
	follow_read_file(f);
}

static void on_tail_signal(uv_signal_t *s, int signum)
{
	struct follow *f = s->data;

	(void)signum;
	uv_stop(f->loop);
}

static void on_tail_closed(uv_handle_t *h)
{
	(void)h;
}

/* Another bmctop records: read its event file as it grows, poll no BMC. */
static int follow_tail(struct follow *f)
{
	uv_loop_t loop;

	uv_loop_init(&loop);
	f->loop = &loop;
	uv_timer_init(&loop, &f->timer);
	uv_signal_init(&loop, &f->sigint);
	uv_signal_init(&loop, &f->sigterm);
	f->timer.data = f->sigint.data = f->sigterm.data = f;
	uv_signal_start(&f->sigint, on_tail_signal, SIGINT);
	uv_signal_start(&f->sigterm, on_tail_signal, SIGTERM);
	uv_timer_start(&f->timer, on_tail_timer, FOLLOW_TAIL_MS, FOLLOW_TAIL_MS);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&f->timer, on_tail_closed);
	uv_close((uv_handle_t *)&f->sigint, on_tail_closed);
	uv_close((uv_handle_t *)&f->sigterm, on_tail_closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return EXIT_ALL_OK;
}

/*
 * events --follow: replay the stored changes since --since (none without
 * it), then print new ones until SIGINT or SIGTERM.
 */
static int follow_events(struct cli *c, const struct hist_args *a, int argc, char **argv)
{
	struct follow f;
	struct history *hs = NULL;
	char *dir = store_dir(), *err = NULL;
	int rc, tail;

	memset(&f, 0, sizeof f);
	f.cli = c;
	f.argc = argc;
	f.argv = argv;
	f.path = xasprintf("%s/events", dir);
	f.cur.t = c->since != NULL ? ((int64_t)time(NULL) - a->since_s) * 1000 - 1
				   : (int64_t)time(NULL) * 1000;
	/* Who records: the writer's lock of the store says. */
	rc = history_open(&hs, dir, 1, &err);
	tail = rc == -EAGAIN;
	if (rc == 0)
		history_close(hs);
	free(err);
	free(dir);
	if (tail)
		fprintf(stderr, "bmctop: events --follow: another bmctop records this state "
				"directory: following its event file, polling no BMC\n");
	/* The fleet first: a bad one is said before anything is printed. */
	rc = tail ? 0 : cli_load_fleet(c);
	if (rc == 0 && c->since != NULL)
		follow_read_file(&f);
	if (rc == 0)
		rc = tail ? follow_tail(&f) : follow_engine(&f);
	fflush(stdout);
	free(f.path);
	return rc;
}

int cmd_events(struct cli *c, int argc, char **argv)
{
	struct hist_args a = {86400, OUT_TEXT};
	const struct fleet_event **list = xcalloc(EVENTS_CAP, sizeof *list);
	struct events *ev = NULL;
	char *dir, *path, *err = NULL;
	size_t n, i;
	json_t *arr;
	int rc;

	rc = cli_command_options(c, &argc, argv);
	if (rc == 0)
		rc = take_args(c, &a);
	if (rc != 0) {
		free(list);
		return rc;
	}
	if (c->follow) {
		free(list);
		return follow_events(c, &a, argc, argv);
	}
	dir = store_dir();
	path = xasprintf("%s/events", dir);
	rc = events_open(&ev, path, 0, &err);
	if (rc == -ENOENT) {
		fprintf(stderr, "bmctop: no fleet events in %s yet\n", dir);
	} else if (rc != 0) {
		fprintf(stderr, "bmctop: %s\n", err);
	}
	free(err);
	free(path);
	free(dir);
	if (rc != 0) {
		free(list);
		return EXIT_SOME_FAILED;
	}
	n = events_since(ev, ((int64_t)time(NULL) - a.since_s) * 1000, list, EVENTS_CAP);
	arr = json_array();
	for (i = 0; i < n && i < EVENTS_CAP; i++) {
		if (!wanted(argc, argv, list[i]->host))
			continue;
		if (c->json)
			json_array_append_new(arr, events_to_json(list[i]));
		else
			print_event(list[i]);
	}
	if (c->json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(arr);
	events_close(ev);
	free(list);
	return EXIT_ALL_OK;
}
