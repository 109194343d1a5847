/*
 * cli/cli.c - plumbing shared by the subcommands.
 *
 * Options may come before or after the subcommand ("bmctop config check -c
 * FILE" and "bmctop -c FILE config check" both work), so each subcommand
 * strips the options it knows from anywhere in its argv.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "cli/cli.h"
#include "core/cred.h"
#include "core/hostrange.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/record.h"
#include "core/xalloc.h"

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("bmctop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'bmctop --help'.\n", stderr);
	return EXIT_USAGE;
}

static int parse_what(const char *list, unsigned *what)
{
	static const struct {
		const char *name;
		unsigned bit;
	} parts[] = { { "power", POLL_POWER },
		      { "sensors", POLL_SENSORS },
		      { "events", POLL_EVENTS },
		      { "inventory", POLL_INVENTORY } };
	const char *p = list;

	*what = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ","), i;
		int found = 0;

		for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
			if (strlen(parts[i].name) == n && strncmp(p, parts[i].name, n) == 0) {
				*what |= parts[i].bit;
				found = 1;
			}
		}
		if (!found)
			return -1;
		p += n;
		if (*p == ',')
			p++;
	}
	return *what ? 0 : -1;
}

int cli_options(struct cli *c, int *argc, char **argv, unsigned flags, const char *cmd)
{
	int i, out = 0;

	for (i = 0; i < *argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (i + 1 >= *argc)
				return cli_usage_error("%s needs a fleet file", a);
			c->fleet_path = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			c->fleet_path = a + 9;
		} else if ((flags & OPT_JSON) && strcmp(a, "--json") == 0) {
			c->json = 1;
		} else if ((flags & OPT_PERSISTENT) && strcmp(a, "--persistent") == 0) {
			c->persistent = 1;
		} else if ((flags & OPT_SWEEPS) && strcmp(a, "--sweeps") == 0) {
			if (i + 1 >= *argc || atoi(argv[i + 1]) < 1 || atoi(argv[i + 1]) > 1000)
				return cli_usage_error("--sweeps needs a count from 1 to 1000");
			c->sweeps = atoi(argv[++i]);
		} else if ((flags & OPT_WATCH) && strcmp(a, "--watch") == 0) {
			if (i + 1 >= *argc || atoi(argv[i + 1]) < 1 || atoi(argv[i + 1]) > 86400)
				return cli_usage_error("--watch needs a number of seconds from 1 to 86400");
			c->watch = atoi(argv[++i]);
		} else if ((flags & OPT_WHAT) && strcmp(a, "--what") == 0) {
			if (i + 1 >= *argc || parse_what(argv[i + 1], &c->what) != 0)
				return cli_usage_error("--what takes a list of power, sensors, events, inventory");
			i++;
		} else if ((flags & OPT_STEAL) && strcmp(a, "--steal") == 0) {
			c->steal = 1;
		} else if ((flags & OPT_LOG) && strcmp(a, "--log") == 0) {
			c->log_console = 1;
		} else if ((flags & OPT_IDLE) && strcmp(a, "--idle") == 0) {
			if (i + 1 >= *argc || atoi(argv[i + 1]) < 1 || atoi(argv[i + 1]) > 600000)
				return cli_usage_error("--idle needs milliseconds from 1 to 600000");
			c->idle_ms = atoi(argv[++i]);
		} else if ((flags & OPT_NO_VIEWER) && strcmp(a, "--no-viewer") == 0) {
			c->no_viewer = 1;
		} else if (strcmp(a, "--") == 0) {
			for (i++; i < *argc; i++)
				argv[out++] = argv[i];
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage_error("%s: unknown option %s", cmd, a);
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	return 0;
}

int cli_load_fleet(struct cli *c)
{
	char *errors = NULL;
	int rc;

	if (c->fleet_path == NULL) {
		c->fleet_path_owned = paths_default_fleet();
		c->fleet_path = c->fleet_path_owned;
	}
	/* Before anything is read from or written to them. */
	if (paths_check_dirs(c->fleet_path, &errors) != 0) {
		fprintf(stderr, "bmctop: %s\n", errors);
		free(errors);
		return EXIT_USAGE;
	}
	rc = fleet_load(&c->fleet, c->fleet_path, &errors);
	if (rc != 0) {
		fputs(errors, stderr);
		free(errors);
		return EXIT_USAGE;
	}
	c->fleet_loaded = 1;
	/* Its secrets' variables are kept from every child bmctop starts. */
	cred_hide_fleet_env(&c->fleet);
	return 0;
}

static int host_matches_group(const struct host_config *hc, const char *group)
{
	return hc->group != NULL && strcmp(hc->group, group) == 0;
}

int cli_select_hosts(struct cli *c, char **names, int n, struct bmc_host ***out, size_t *count)
{
	struct bmc_engine *e = &c->engine;
	char *picked = xcalloc(e->nhosts ? e->nhosts : 1, 1);
	int i, bad = 0;
	size_t j, k;

	for (i = 0; i < n; i++) {
		struct hostrange hr;
		char err[256];
		size_t matched = 0;

		if (names[i][0] == '@') {
			for (j = 0; j < e->nhosts; j++) {
				if (host_matches_group(e->hosts[j].cfg, names[i] + 1)) {
					picked[j] = 1;
					matched++;
				}
			}
			if (matched == 0) {
				fprintf(stderr, "bmctop: no host in group %s in %s\n", names[i] + 1,
					c->fleet_path);
				bad = 1;
			}
			continue;
		}
		if (hostrange_parse(&hr, names[i], err, sizeof err) != 0) {
			fprintf(stderr, "bmctop: %s\n", err);
			bad = 1;
			continue;
		}
		for (k = 0; k < hr.count; k++) {
			char *name = hostrange_get(&hr, k);
			struct bmc_host *h = engine_find_host(e, name);

			if (h == NULL) {
				fprintf(stderr, "bmctop: no host named %s in %s\n", name,
					c->fleet_path);
				bad = 1;
			} else {
				picked[h->index] = 1;
			}
			free(name);
		}
		hostrange_free(&hr);
	}
	*count = 0;
	*out = xcalloc(e->nhosts ? e->nhosts : 1, sizeof **out);
	for (j = 0; j < e->nhosts; j++)
		if (picked[j])
			(*out)[(*count)++] = &e->hosts[j];
	free(picked);
	if (bad) {
		free(*out);
		*out = NULL;
		return EXIT_USAGE;
	}
	return 0;
}

int cli_start_engine(struct cli *c)
{
	char *logpath, *err = NULL;
	int rc;

	logpath = paths_state_file("bmctop.log");
	rc = log_open(logpath);
	if (rc != 0) {
		fprintf(stderr, "bmctop: not logging to %s: %s\n", logpath, paths_strerror(rc));
		log_open(NULL);
	}
	free(logpath);
	uv_loop_init(&c->loop);
	engine_init(&c->engine, &c->loop, &c->fleet, backend_for_protocol);
	engine_handle_signals(&c->engine);
	/* History, fleet events and alert hooks (core/record.h). */
	if (record_enable(&c->engine, NULL, &err) != 0)
		log_warn("history and fleet events: %s", err != NULL ? err : "not recorded");
	free(err);
	c->engine_started = 1;
	return 0;
}

static void on_engine_closed(struct bmc_engine *e)
{
}

void cli_finish(struct cli *c)
{
	if (c->engine_started) {
		engine_shutdown(&c->engine, on_engine_closed);
		uv_run(&c->loop, UV_RUN_DEFAULT);
		engine_free(&c->engine);
		uv_loop_close(&c->loop);
		c->engine_started = 0;
	}
	if (c->fleet_loaded)
		fleet_free(&c->fleet);
	c->fleet_loaded = 0;
	free(c->fleet_path_owned);
	c->fleet_path_owned = NULL;
	log_close();
}

int cli_require_backend(struct bmc_host **hosts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hosts[i]->backend != NULL)
			return 0;
	for (i = 0; i < n; i++)
		fprintf(stderr, "bmctop: %s: %s\n", hosts[i]->cfg->name,
			hosts[i]->error ? hosts[i]->error : "no backend");
	return EXIT_USAGE;
}
