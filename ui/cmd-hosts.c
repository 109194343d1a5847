/*
 * cmd-hosts.c - the one-shot commands that poll or act on hosts: status,
 * sensors, sel, fru, power, boot.
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

#include "cli.h"
#include "host-json.h"
#include "redfish-trust.h"
#include "xalloc.h"

struct fanout {
	struct cli *cli;
	struct bmc_host **hosts;
	size_t n, next, running, done;
	unsigned cap;
	int (*start)(struct fanout *f, struct bmc_host *h);
	enum bmc_power_action action;
	enum bmc_boot_device device;
	int *status; /* per host index in hosts[] */
	size_t *slot_of; /* host->index to position in hosts[] */
};

static void fanout_pump(struct fanout *f);

static void on_host_done(struct bmc_host *h, int status, void *arg)
{
	struct fanout *f = arg;

	f->status[f->slot_of[h->index]] = status;
	f->running--;
	f->done++;
	fanout_pump(f);
}

static void fanout_pump(struct fanout *f)
{
	while (f->running < f->cap && f->next < f->n) {
		struct bmc_host *h = f->hosts[f->next++];
		int rc;

		f->running++;
		rc = f->start(f, h);
		if (rc != 0) {
			if (h->error == NULL || h->last_status != rc)
				host_set_error(h, rc, "%s", bmc_strerror(rc));
			f->running--;
			f->done++;
			f->status[f->slot_of[h->index]] = rc;
		}
	}
	if (f->done == f->n)
		uv_stop(&f->cli->loop);
}

/* Run start() on every host and wait for all; returns how many failed. */
static size_t fanout_run(struct cli *c, struct bmc_host **hosts, size_t n,
			 int (*start)(struct fanout *f, struct bmc_host *h), struct fanout *f)
{
	size_t i, failed = 0;

	f->cli = c;
	f->hosts = hosts;
	f->n = n;
	f->cap = c->engine.sched_opts.max_in_flight;
	f->start = start;
	f->status = xcalloc(n ? n : 1, sizeof *f->status);
	f->slot_of = xcalloc(c->engine.nhosts ? c->engine.nhosts : 1, sizeof *f->slot_of);
	for (i = 0; i < n; i++)
		f->slot_of[hosts[i]->index] = i;
	fanout_pump(f);
	if (f->done < f->n)
		uv_run(&c->loop, UV_RUN_DEFAULT);
	for (i = 0; i < n; i++)
		if (f->status[i] != 0)
			failed++;
	return failed;
}

static void fanout_free(struct fanout *f)
{
	free(f->status);
	free(f->slot_of);
}

static unsigned poll_what;

static int start_poll(struct fanout *f, struct bmc_host *h)
{
	return engine_poll(h, poll_what, on_host_done, f);
}

static int start_power(struct fanout *f, struct bmc_host *h)
{
	return engine_power(h, f->action, on_host_done, f);
}

static int start_boot(struct fanout *f, struct bmc_host *h)
{
	return engine_boot(h, f->device, f->cli->persistent, on_host_done, f);
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
	snprintf(buf, len, "%.0fC", best);
	return buf;
}

int cmd_status(struct cli *c, int argc, char **argv)
{
	struct bmc_host **hosts = NULL;
	struct fanout f = { 0 };
	size_t n, i, failed = 0;
	int sweep, rc = cli_options(c, &argc, argv, OPT_JSON | OPT_SWEEPS | OPT_WHAT, "status");

	if (rc == 0)
		rc = open_hosts(c, argv, argc, 1, &hosts, &n);
	if (rc != 0)
		return rc;
	poll_what = c->what ? c->what : POLL_POWER | POLL_SENSORS;
	/* --sweeps N: poll again on the same sessions, timing each sweep. */
	for (sweep = 1; sweep <= (c->sweeps ? c->sweeps : 1); sweep++) {
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
		json_t *arr = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(arr, host_to_json(hosts[i], HJ_STATUS |
								    (poll_what & POLL_EVENTS ? HJ_EVENTS : 0) |
								    (poll_what & POLL_INVENTORY ? HJ_INVENTORY : 0)));
		print_json(arr);
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

static void print_sensors(const struct bmc_host *h)
{
	size_t i;

	printf("%-24s %-12s %12s %-6s %-9s %s\n", "SENSOR", "TYPE", "VALUE", "UNIT", "STATUS",
	       "STATE");
	for (i = 0; i < h->nsensors; i++) {
		const struct bmc_sensor *s = &h->sensors[i];
		char v[32];

		if (s->has_value)
			snprintf(v, sizeof v, "%.3f", s->value);
		else
			snprintf(v, sizeof v, "-");
		printf("%-24s %-12s %12s %-6s %-9s %s\n", s->name, s->type, v, s->unit,
		       bmc_health_name(s->status), s->state);
	}
}

static void print_events(const struct bmc_host *h)
{
	size_t i;

	printf("%-6s %-20s %-24s %-9s %s\n", "ID", "TIME", "SENSOR", "SEVERITY", "EVENT");
	for (i = 0; i < h->nevents; i++) {
		const struct bmc_event *ev = &h->events[i];
		char when[32] = "-";

		if (ev->timestamp > 0)
			format_utc(when, sizeof when, ev->timestamp * 1000);
		printf("%-6u %-20s %-24s %-9s %s\n", ev->id, when, ev->sensor,
		       bmc_health_name(ev->severity), ev->message);
	}
}

static void print_inventory(const struct bmc_host *h)
{
	size_t i;

	for (i = 0; i < h->ninventory; i++)
		printf("%-28s %s\n", h->inventory[i].key, h->inventory[i].value);
}

/* sensors, sel and fru: one host, one kind of data. */
static int one_host_query(struct cli *c, int argc, char **argv, const char *cmd,
			  unsigned what, unsigned part, void (*print)(const struct bmc_host *))
{
	struct bmc_host **hosts = NULL;
	struct fanout f = { 0 };
	size_t n, failed;
	int rc = cli_options(c, &argc, argv, OPT_JSON, cmd);

	if (rc != 0)
		return rc;
	if (argc != 1)
		return cli_usage_error("usage: bmctop [-c FLEET] %s HOST [--json]", cmd);
	rc = open_hosts(c, argv, argc, 0, &hosts, &n);
	if (rc != 0)
		return rc;
	if (n != 1) {
		free(hosts);
		return cli_usage_error("%s takes one host; %s names %zu", cmd, argv[0], n);
	}
	poll_what = what;
	failed = fanout_run(c, hosts, n, start_poll, &f);
	if (!failed) {
		if (c->json)
			print_json(host_to_json(hosts[0], part));
		else
			print(hosts[0]);
	}
	report_failures(&f);
	fanout_free(&f);
	free(hosts);
	return failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

int cmd_sensors(struct cli *c, int argc, char **argv)
{
	return one_host_query(c, argc, argv, "sensors", POLL_SENSORS, HJ_SENSORS, print_sensors);
}

int cmd_sel(struct cli *c, int argc, char **argv)
{
	return one_host_query(c, argc, argv, "sel", POLL_EVENTS, HJ_EVENTS, print_events);
}

int cmd_fru(struct cli *c, int argc, char **argv)
{
	return one_host_query(c, argc, argv, "fru", POLL_INVENTORY, HJ_INVENTORY, print_inventory);
}

static int parse_power_action(const char *s, enum bmc_power_action *a)
{
	static const enum bmc_power_action all[] = { POWER_STATUS, POWER_ON,	POWER_OFF,
						     POWER_CYCLE,  POWER_RESET, POWER_SOFT };
	size_t i;

	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (strcmp(s, bmc_power_action_name(all[i])) == 0) {
			*a = all[i];
			return 0;
		}
	}
	return -1;
}

int cmd_power(struct cli *c, int argc, char **argv)
{
	struct bmc_host **hosts = NULL;
	struct fanout f = { 0 };
	enum bmc_power_action action;
	size_t n, i, failed;
	int rc = cli_options(c, &argc, argv, 0, "power");

	if (rc != 0)
		return rc;
	if (argc < 2 || parse_power_action(argv[argc - 1], &action) != 0)
		return cli_usage_error("usage: bmctop [-c FLEET] power HOST... status|on|off|cycle|reset|soft");
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
		f.action = action;
		failed = fanout_run(c, hosts, n, start_power, &f);
		for (i = 0; i < n; i++)
			if (f.status[i] == 0)
				printf("%s: power %s: done\n", hosts[i]->cfg->name,
				       bmc_power_action_name(action));
	}
	report_failures(&f);
	fanout_free(&f);
	free(hosts);
	return failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

int cmd_boot(struct cli *c, int argc, char **argv)
{
	static const enum bmc_boot_device devs[] = { BOOT_PXE, BOOT_DISK, BOOT_BIOS, BOOT_CDROM };
	struct bmc_host **hosts = NULL;
	struct fanout f = { 0 };
	size_t n, i, failed;
	int rc = cli_options(c, &argc, argv, OPT_PERSISTENT, "boot");

	if (rc != 0)
		return rc;
	f.device = BOOT_NONE;
	for (i = 0; argc >= 2 && i < 4; i++)
		if (strcmp(argv[argc - 1], bmc_boot_device_name(devs[i])) == 0)
			f.device = devs[i];
	if (f.device == BOOT_NONE)
		return cli_usage_error("usage: bmctop [-c FLEET] boot HOST... pxe|disk|bios|cdrom [--persistent]");
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

static int not_built(const char *what)
{
	fprintf(stderr, "bmctop: %s is not built into this bmctop yet\n", what);
	return EXIT_USAGE;
}

int cmd_sol(struct cli *c, int argc, char **argv)
{
	int rc = cli_options(c, &argc, argv, 0, "sol");

	if (rc != 0)
		return rc;
	if (argc != 1)
		return cli_usage_error("usage: bmctop [-c FLEET] sol HOST");
	return not_built("the serial console (sol)");
}

int cmd_vnc(struct cli *c, int argc, char **argv)
{
	int rc = cli_options(c, &argc, argv, OPT_NO_VIEWER, "vnc");

	if (rc != 0)
		return rc;
	if (argc != 1)
		return cli_usage_error("usage: bmctop [-c FLEET] vnc HOST [--no-viewer]");
	return not_built("the graphical console relay (vnc)");
}

static int start_trust(struct fanout *f, struct bmc_host *h)
{
	return engine_trust(h, on_host_done, f);
}

int cmd_trust(struct cli *c, int argc, char **argv)
{
	struct bmc_host **hosts = NULL;
	struct fanout f = { 0 };
	size_t n, i, failed;
	int rc = cli_options(c, &argc, argv, 0, "trust");

	if (rc != 0)
		return rc;
	if (argc != 1)
		return cli_usage_error("usage: bmctop [-c FLEET] trust HOST");
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
