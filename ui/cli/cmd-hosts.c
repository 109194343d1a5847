/*
 * cli/cmd-hosts.c - the one-shot commands that poll or act on hosts: status,
 * sensors, sel, fru, power, boot.  sensors, sel and fru over several hosts
 * print each distinct table once, under the hosts that gave it.
 *
 * Each loads the fleet, starts the engine, runs the operation on every
 * chosen host concurrently (at most max-in-flight at once), prints, and
 * closes the BMC sessions before exiting.  Exit status: 0 all went well, 1
 * some hosts failed (each named on stderr), 2 usage or configuration.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/host-json.h"
#include "core/hostrange.h"
#include "core/sched.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "tls/trust.h"

/* One command's run over its hosts: what to do, and each host's result. */
struct fanout {
	struct cli *cli;
	struct bmc_host **hosts;
	size_t n;
	enum bmc_power_action action;
	enum bmc_boot_device device;
	int *status; /* per host in hosts[] */
};

/* Run start() on every host (the scheduler's fan-out, under max-in-flight)
 * and wait for all; returns how many failed. */
static size_t fanout_run(struct cli *c, struct bmc_host **hosts, size_t n, sched_op_fn start,
			 struct fanout *f)
{
	f->cli = c;
	f->hosts = hosts;
	f->n = n;
	f->status = xcalloc(n ? n : 1, sizeof *f->status);
	return sched_fanout(&c->engine, hosts, n, start, f, f->status);
}

static void fanout_free(struct fanout *f)
{
	free(f->status);
}

static unsigned poll_what;

static int start_poll(struct bmc_host *h, bmc_op_cb cb, void *cb_arg, void *arg)
{
	(void)arg;
	return engine_poll(h, poll_what, cb, cb_arg);
}

static int start_power(struct bmc_host *h, bmc_op_cb cb, void *cb_arg, void *arg)
{
	struct fanout *f = arg;

	return engine_power(h, f->action, cb, cb_arg);
}

static int start_boot(struct bmc_host *h, bmc_op_cb cb, void *cb_arg, void *arg)
{
	struct fanout *f = arg;

	return engine_boot(h, f->device, f->cli->persistent, cb, cb_arg);
}

static void report_failures(struct fanout *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->status[i] != 0)
			fprintf(stderr, "bmctop: %s: %s\n", f->hosts[i]->cfg->name,
				f->hosts[i]->error ? f->hosts[i]->error : bmc_strerror(f->status[i]));
}

/* Load, start, select: the common opening of every command here. */
static int open_hosts(struct cli *c, char **names, int n, int all_if_none,
		      struct bmc_host ***hosts, size_t *count)
{
	int rc = cli_load_fleet(c);
	size_t i;

	if (rc != 0)
		return rc;
	cli_start_engine(c);
	if (n == 0 && all_if_none) {
		*hosts = xcalloc(c->engine.nhosts ? c->engine.nhosts : 1, sizeof **hosts);
		for (i = 0; i < c->engine.nhosts; i++)
			(*hosts)[i] = &c->engine.hosts[i];
		*count = c->engine.nhosts;
	} else {
		rc = cli_select_hosts(c, names, n, hosts, count);
		if (rc != 0)
			return rc;
	}
	rc = cli_require_backend(*hosts, *count);
	if (rc != 0) {
		free(*hosts);
		*hosts = NULL;
	}
	return rc;
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));

	puts(s);
	free(s);
	json_decref(j);
}

/*
 * The status array one host at a time, formatted as print_json would: the
 * whole array as one JSON tree would take hundreds of megabytes for ten
 * thousand hosts.
 */
static void print_json_hosts(struct bmc_host **hosts, size_t n, unsigned parts)
{
	size_t i;
	char *s, *p, *q;

	if (n == 0) {
		puts("[]");
		return;
	}
	fputs("[", stdout);
	for (i = 0; i < n; i++) {
		json_t *j = host_to_json(hosts[i], parts);

		s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		json_decref(j);
		fputs(i ? ",\n  " : "\n  ", stdout);
		/* Each line of the host's object, indented one level deeper. */
		for (p = s; (q = strchr(p, '\n')) != NULL; p = q + 1) {
			fwrite(p, 1, (size_t)(q - p) + 1, stdout);
			fputs("  ", stdout);
		}
		fputs(p, stdout);
		free(s);
	}
	fputs("\n]\n", stdout);
}

static const char *hottest(const struct bmc_host *h, char *buf, size_t len)
{
	double best = -1e9;
	size_t i;
	int found = 0;

	for (i = 0; i < h->nsensors; i++) {
		const struct bmc_sensor *s = &h->sensors[i];

		if (s->has_value && strcmp(s->type, "temperature") == 0 && s->value > best) {
			best = s->value;
			found = 1;
		}
	}
	if (!found)
		return "-";
	return units_format_reading(buf, len, best, "C");
}

/*
 * status --watch SECONDS: the dashboard's periodic polling without the
 * dashboard, for benchmarks and scripts.  Every interval it prints how many
 * hosts were updated since the last line; at the end, how many kept up
 * (updated within 1.5 intervals of the start, of each other and of the end).
 */
struct watch {
	struct cli *cli;
	struct bmc_host **hosts;
	size_t n;
	int64_t *first, *last, *gap; /* per host index: updated_ms seen, longest gap */
	unsigned char *in_window;
	size_t window_updates;
	uint64_t interval_ms;
	int64_t start_ms;
	uv_timer_t report, stop;
};

static void watch_changed(void *ctx, struct bmc_host *h, unsigned what)
{
	struct watch *w = ctx;
	size_t i = h->index;

	(void)what;
	if (h->updated_ms == 0 || h->updated_ms == w->last[i])
		return;
	if (w->last[i] == 0)
		w->first[i] = h->updated_ms;
	else if (h->updated_ms - w->last[i] > w->gap[i])
		w->gap[i] = h->updated_ms - w->last[i];
	w->last[i] = h->updated_ms;
	if (!w->in_window[i]) {
		w->in_window[i] = 1;
		w->window_updates++;
	}
}

static void watch_report(uv_timer_t *t)
{
	struct watch *w = t->data;
	size_t i, failing = 0;

	for (i = 0; i < w->n; i++)
		if (w->hosts[i]->error != NULL)
			failing++;
	fprintf(stderr, "watch %.0f s: %zu of %zu hosts updated in the last %.0f s, %zu failing\n",
		(double)(engine_wall_ms() - w->start_ms) / 1000, w->window_updates, w->n,
		(double)w->interval_ms / 1000, failing);
	memset(w->in_window, 0, w->cli->engine.nhosts);
	w->window_updates = 0;
}

static void watch_stop(uv_timer_t *t)
{
	struct watch *w = t->data;

	sched_stop(&w->cli->engine);
	uv_timer_stop(&w->report);
	uv_stop(&w->cli->loop);
}

static void watch_summary(struct watch *w)
{
	int64_t end = engine_wall_ms(), slack = (int64_t)w->interval_ms * 3 / 2, worst = 0;
	size_t i, ever = 0, kept = 0, polls = 0;
	const char *worst_name = "-";

	for (i = 0; i < w->n; i++) {
		size_t k = w->hosts[i]->index;

		polls += w->hosts[i]->counters[CNT_POLLS];
		if (w->last[k] == 0)
			continue;
		ever++;
		if (w->first[k] - w->start_ms <= slack && w->gap[k] <= slack &&
		    end - w->last[k] <= slack)
			kept++;
		if (w->gap[k] > worst) {
			worst = w->gap[k];
			worst_name = w->hosts[i]->cfg->name;
		}
	}
	fprintf(stderr,
		"watch done: %zu hosts, %zu updated at least once, %zu kept up (every %.0f s or better), longest gap %.1f s (%s), %zu polls\n",
		w->n, ever, kept, (double)slack / 1000, (double)worst / 1000, worst_name, polls);
}

/* Returns how many hosts are failing at the end. */
static size_t status_watch(struct cli *c, struct bmc_host **hosts, size_t n)
{
	struct engine_observer obs = { watch_changed, NULL, NULL };
	size_t i, nh = c->engine.nhosts ? c->engine.nhosts : 1, failed = 0;
	struct watch w;

	memset(&w, 0, sizeof w);
	w.cli = c;
	w.hosts = hosts;
	w.n = n;
	w.first = xcalloc(nh, sizeof *w.first);
	w.last = xcalloc(nh, sizeof *w.last);
	w.gap = xcalloc(nh, sizeof *w.gap);
	w.in_window = xcalloc(nh, 1);
	for (i = 0; i < n; i++)
		if (hosts[i]->cfg->interval_ms > w.interval_ms)
			w.interval_ms = hosts[i]->cfg->interval_ms;
	if (w.interval_ms == 0)
		w.interval_ms = 30000;
	obs.ctx = &w;
	engine_add_observer(&c->engine, &obs);
	sched_options(&c->engine)->what = poll_what;
	uv_timer_init(&c->loop, &w.report);
	uv_timer_init(&c->loop, &w.stop);
	w.report.data = w.stop.data = &w;
	w.start_ms = engine_wall_ms();
	uv_timer_start(&w.report, watch_report, w.interval_ms, w.interval_ms);
	uv_timer_start(&w.stop, watch_stop, (uint64_t)c->watch * 1000, 0);
	/* Only the chosen hosts: the others stay idle. */
	sched_start_hosts(&c->engine, hosts, n);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	watch_summary(&w);
	uv_close((uv_handle_t *)&w.report, NULL);
	uv_close((uv_handle_t *)&w.stop, NULL);
	uv_run(&c->loop, UV_RUN_NOWAIT);
	/* The observer points into this frame: nothing may call it after. */
	c->engine.nobservers--;
	for (i = 0; i < n; i++) {
		if (hosts[i]->error != NULL) {
			fprintf(stderr, "bmctop: %s: %s\n", hosts[i]->cfg->name, hosts[i]->error);
			failed++;
		}
	}
	free(w.first);
	free(w.last);
	free(w.gap);
	free(w.in_window);
	return failed;
}

int cmd_status(struct cli *c, int argc, char **argv)
{
	struct bmc_host **hosts = NULL;
	struct fanout f = { 0 };
	size_t n, i, failed = 0;
	int sweep, rc = cli_command_options(c, &argc, argv);

	if (rc == 0 && c->watch && c->sweeps)
		rc = cli_usage_error("status: --watch and --sweeps do not go together");
	if (rc == 0)
		rc = open_hosts(c, argv, argc, 1, &hosts, &n);
	if (rc != 0)
		return rc;
	poll_what = c->what ? c->what : POLL_POWER | POLL_SENSORS;
	if (c->watch)
		failed = status_watch(c, hosts, n);
	/* --sweeps N: poll again on the same sessions, timing each sweep. */
	for (sweep = 1; !c->watch && sweep <= (c->sweeps ? c->sweeps : 1); sweep++) {
		uint64_t start = uv_hrtime();

		if (sweep > 1)
			fanout_free(&f);
		memset(&f, 0, sizeof f);
		failed = fanout_run(c, hosts, n, start_poll, &f);
		if (c->sweeps)
			fprintf(stderr, "sweep %d: %zu hosts, %zu failed, %.3f s\n", sweep, n, failed,
				(double)(uv_hrtime() - start) / 1e9);
	}
	if (c->json) {
		print_json_hosts(hosts, n, HJ_STATUS | (poll_what & POLL_EVENTS ? HJ_EVENTS : 0) |
						   (poll_what & POLL_INVENTORY ? HJ_INVENTORY : 0));
	} else {
		printf("%-20s %-8s %-6s %-9s %-8s %s\n", "HOST", "PROTO", "POWER", "HEALTH", "TEMP",
		       "ERROR");
		for (i = 0; i < n; i++) {
			struct bmc_host *h = hosts[i];
			char t[16];

			printf("%-20s %-8s %-6s %-9s %-8s %s\n", h->cfg->name,
			       h->protocol ? bmc_source_name(h->protocol)
					   : fleet_protocol_name(h->cfg->protocol),
			       bmc_power_name(h->power), bmc_health_name(h->health),
			       hottest(h, t, sizeof t), h->error ? h->error : "");
		}
	}
	report_failures(&f);
	fanout_free(&f);
	free(hosts);
	return failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

/* A threshold as the sensor's value would be written, "-" when absent. */
static const char *threshold_text(const struct bmc_sensor *s, enum bmc_threshold th, char *buf,
				  size_t len)
{
	if (!(s->threshold_mask & (1u << th)))
		return "-";
	return units_format_value(buf, len, s->threshold[th], s->unit);
}

static void print_sensors(FILE *out, const struct bmc_host *h)
{
	static const enum bmc_threshold order[] = { TH_LNR, TH_LCR, TH_LNC,
						    TH_UNC, TH_UCR, TH_UNR };
	size_t i, k;

	fprintf(out, "%-24s %-12s %9s %-5s %-9s %7s %7s %7s %7s %7s %7s  %s\n", "SENSOR", "TYPE",
		"VALUE", "UNIT", "STATUS", "LNR", "LCR", "LNC", "UNC", "UCR", "UNR", "STATE");
	for (i = 0; i < h->nsensors; i++) {
		const struct bmc_sensor *s = &h->sensors[i];
		char v[32], th[6][24];

		if (s->has_value)
			units_format_value(v, sizeof v, s->value, s->unit);
		else
			snprintf(v, sizeof v, "-");
		fprintf(out, "%-24s %-12s %9s %-5s %-9s", s->name, s->type, v, s->unit,
			bmc_health_name(s->status));
		for (k = 0; k < 6; k++)
			fprintf(out, " %7s", threshold_text(s, order[k], th[k], sizeof th[k]));
		fprintf(out, "%s%s\n", s->state[0] ? "  " : "", s->state);
	}
}

static void print_events(FILE *out, const struct bmc_host *h)
{
	size_t i;

	fprintf(out, "%-6s %-20s %-24s %-9s %s\n", "ID", "TIME", "SENSOR", "SEVERITY", "EVENT");
	for (i = 0; i < h->nevents; i++) {
		const struct bmc_event *ev = &h->events[i];
		char when[32] = "-";

		if (ev->timestamp > 0)
			host_json_utc(when, sizeof when, ev->timestamp * 1000);
		fprintf(out, "%-6u %-20s %-24s %-9s %s\n", ev->id, when, ev->sensor,
			bmc_health_name(ev->severity), ev->message);
	}
}

static void print_inventory(FILE *out, const struct bmc_host *h)
{
	size_t i;

	for (i = 0; i < h->ninventory; i++)
		fprintf(out, "%-28s %s\n", h->inventory[i].key, h->inventory[i].value);
}

/*
 * Several hosts' tables, consolidated as FreeIPMI's -B does: hosts whose
 * text is the same are printed once, under their names compressed to
 * ranges, in the order of the first host of each.  Hosts that failed are
 * left out (report_failures names them).
 */
struct consolidated {
	char *text;
	const char **names;
	size_t n;
};

static char *host_text(const struct bmc_host *h, void (*print)(FILE *, const struct bmc_host *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (out == NULL)
		fatal("open_memstream: out of memory");
	print(out, h);
	fclose(out);
	return text;
}

static void print_consolidated(struct fanout *f, void (*print)(FILE *, const struct bmc_host *))
{
	struct consolidated *groups = xcalloc(f->n ? f->n : 1, sizeof *groups);
	size_t i, g, ngroups = 0;

	for (i = 0; i < f->n; i++) {
		char *text;

		if (f->status[i] != 0)
			continue;
		text = host_text(f->hosts[i], print);
		for (g = 0; g < ngroups && strcmp(groups[g].text, text) != 0; g++)
			;
		if (g == ngroups) {
			groups[ngroups].text = text;
			groups[ngroups++].names = xcalloc(f->n, sizeof *groups[g].names);
		} else {
			free(text);
		}
		groups[g].names[groups[g].n++] = f->hosts[i]->cfg->name;
	}
	for (g = 0; g < ngroups; g++) {
		char *list = hostrange_compress(groups[g].names, groups[g].n);

		printf("%s----------------\n%s\n----------------\n%s", g ? "\n" : "", list,
		       groups[g].text);
		free(list);
		free(groups[g].text);
		free(groups[g].names);
	}
	free(groups);
}

/* One plain host name: the output is that host's alone (an object in JSON). */
static int names_one_host(int argc, char **argv)
{
	return argc == 1 && argv[0][0] != '@' && strchr(argv[0], '[') == NULL;
}

/* sensors, sel and fru: one kind of data, from one host or consolidated from several. */
static int hosts_query(struct cli *c, int argc, char **argv, unsigned what, unsigned part,
		       void (*print)(FILE *, const struct bmc_host *))
{
	struct bmc_host **hosts = NULL;
	struct fanout f = { 0 };
	size_t n, failed;
	int rc = cli_command_options(c, &argc, argv);

	if (rc != 0)
		return rc;
	if (argc < 1)
		return cli_command_usage(c, NULL, NULL, 0);
	rc = open_hosts(c, argv, argc, 0, &hosts, &n);
	if (rc != 0)
		return rc;
	poll_what = what;
	failed = fanout_run(c, hosts, n, start_poll, &f);
	if (names_one_host(argc, argv)) {
		if (!failed && c->json)
			print_json(host_to_json(hosts[0], part));
		else if (!failed)
			print(stdout, hosts[0]);
	} else if (c->json) {
		struct bmc_host **answered = xcalloc(n, sizeof *answered);
		size_t i, k = 0;

		/* The hosts that answered, as status --json lists hosts. */
		for (i = 0; i < n; i++)
			if (f.status[i] == 0)
				answered[k++] = hosts[i];
		print_json_hosts(answered, k, part);
		free(answered);
	} else {
		print_consolidated(&f, print);
	}
	report_failures(&f);
	fanout_free(&f);
	free(hosts);
	return failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

int cmd_sensors(struct cli *c, int argc, char **argv)
{
	return hosts_query(c, argc, argv, POLL_SENSORS, HJ_SENSORS, print_sensors);
}

int cmd_sel(struct cli *c, int argc, char **argv)
{
	return hosts_query(c, argc, argv, POLL_EVENTS, HJ_EVENTS, print_events);
}

int cmd_fru(struct cli *c, int argc, char **argv)
{
	return hosts_query(c, argc, argv, POLL_INVENTORY, HJ_INVENTORY, print_inventory);
}

static const enum bmc_power_action power_actions[] = { POWER_STATUS, POWER_ON,	  POWER_OFF,
						       POWER_CYCLE,  POWER_RESET, POWER_SOFT };
#define NPOWER_ACTIONS (sizeof power_actions / sizeof power_actions[0])

static int parse_power_action(const char *s, enum bmc_power_action *a)
{
	size_t i;

	for (i = 0; i < NPOWER_ACTIONS; i++) {
		if (strcmp(s, bmc_power_action_name(power_actions[i])) == 0) {
			*a = power_actions[i];
			return 0;
		}
	}
	return -1;
}

/* The usage, or "did you mean" for a last word close to an action. */
static int power_usage(struct cli *c, int argc, char **argv)
{
	const char *names[NPOWER_ACTIONS];
	size_t i;

	for (i = 0; i < NPOWER_ACTIONS; i++)
		names[i] = bmc_power_action_name(power_actions[i]);
	return cli_command_usage(c, argc >= 2 ? argv[argc - 1] : NULL, names, NPOWER_ACTIONS);
}

/* What each host's action said ("done", "done, emulated: ..."), by host. */
struct action_msgs {
	struct bmc_host **hosts;
	size_t n;
	char **msg;
};

static void power_action_done(void *ctx, struct bmc_host *h, const char *action, int status,
			      const char *msg)
{
	struct action_msgs *am = ctx;
	size_t i;

	(void)action;
	for (i = 0; i < am->n; i++) {
		if (am->hosts[i] == h && status == 0 && msg != NULL)
			host_set_string(&am->msg[i], msg);
	}
}

int cmd_power(struct cli *c, int argc, char **argv)
{
	struct action_msgs am = { 0 };
	struct bmc_host **hosts = NULL;
	struct fanout f = { 0 };
	enum bmc_power_action action;
	size_t n, i, failed;
	int rc = cli_command_options(c, &argc, argv);

	if (rc != 0)
		return rc;
	if (argc < 2 || parse_power_action(argv[argc - 1], &action) != 0)
		return power_usage(c, argc, argv);
	rc = open_hosts(c, argv, argc - 1, 0, &hosts, &n);
	if (rc != 0)
		return rc;
	if (action == POWER_STATUS) {
		poll_what = POLL_POWER;
		failed = fanout_run(c, hosts, n, start_poll, &f);
		for (i = 0; i < n; i++)
			if (f.status[i] == 0)
				printf("%s: %s\n", hosts[i]->cfg->name, bmc_power_name(hosts[i]->power));
	} else {
		struct engine_observer obs = { NULL, power_action_done, &am };

		am.hosts = hosts;
		am.n = n;
		am.msg = xcalloc(n ? n : 1, sizeof *am.msg);
		engine_add_observer(&c->engine, &obs);
		f.action = action;
		failed = fanout_run(c, hosts, n, start_power, &f);
		for (i = 0; i < n; i++)
			if (f.status[i] == 0)
				printf("%s: power %s: %s\n", hosts[i]->cfg->name,
				       bmc_power_action_name(action), am.msg[i] ? am.msg[i] : "done");
		engine_remove_observer(&c->engine, &am);
		for (i = 0; i < n; i++)
			free(am.msg[i]);
		free(am.msg);
	}
	report_failures(&f);
	fanout_free(&f);
	free(hosts);
	return failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

int cmd_boot(struct cli *c, int argc, char **argv)
{
	static const enum bmc_boot_device devs[] = { BOOT_PXE, BOOT_DISK, BOOT_BIOS, BOOT_CDROM };
	const char *names[4];
	struct bmc_host **hosts = NULL;
	struct fanout f = { 0 };
	size_t n, i, failed;
	int rc = cli_command_options(c, &argc, argv);

	if (rc != 0)
		return rc;
	f.device = BOOT_NONE;
	for (i = 0; i < 4; i++) {
		names[i] = bmc_boot_device_name(devs[i]);
		if (argc >= 2 && strcmp(argv[argc - 1], names[i]) == 0)
			f.device = devs[i];
	}
	if (f.device == BOOT_NONE)
		return cli_command_usage(c, argc >= 2 ? argv[argc - 1] : NULL, names, 4);
	rc = open_hosts(c, argv, argc - 1, 0, &hosts, &n);
	if (rc != 0)
		return rc;
	failed = fanout_run(c, hosts, n, start_boot, &f);
	for (i = 0; i < n; i++)
		if (f.status[i] == 0)
			printf("%s: next boot %s%s: done\n", hosts[i]->cfg->name,
			       bmc_boot_device_name(f.device), c->persistent ? " (persistent)" : "");
	report_failures(&f);
	fanout_free(&f);
	free(hosts);
	return failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

static int start_trust(struct bmc_host *h, bmc_op_cb cb, void *cb_arg, void *arg)
{
	(void)arg;
	return engine_trust(h, cb, cb_arg);
}

int cmd_trust(struct cli *c, int argc, char **argv)
{
	struct bmc_host **hosts = NULL;
	struct fanout f = { 0 };
	size_t n, i, failed;
	int rc = cli_command_options(c, &argc, argv);

	if (rc != 0)
		return rc;
	if (argc != 1)
		return cli_command_usage(c, NULL, NULL, 0);
	rc = open_hosts(c, argv, argc, 0, &hosts, &n);
	if (rc != 0)
		return rc;
	failed = fanout_run(c, hosts, n, start_trust, &f);
	for (i = 0; i < n; i++) {
		char *url = fleet_redfish_url(hosts[i]->cfg);
		char pin[72];

		if (f.status[i] == 0 && trust_lookup(hosts[i]->cfg->name, url, pin, sizeof pin) == 0)
			printf("%s: now trusting %s\n", hosts[i]->cfg->name, pin);
		free(url);
	}
	report_failures(&f);
	fanout_free(&f);
	free(hosts);
	return failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}
