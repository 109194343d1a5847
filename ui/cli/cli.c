/*
 * cli/cli.c - plumbing shared by the subcommands.
 *
 * Options may come before or after the subcommand ("bmctop config check -c
 * FILE" and "bmctop -c FILE config check" both work), so each subcommand
 * strips the options it knows from anywhere in its argv.
 */
#include "config.h"

#include <ctype.h>
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
#include "core/suggest.h"
#include "core/xalloc.h"

/* The command whose options are being read, for the hint after an error. */
static const char *usage_command;

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("bmctop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (usage_command != NULL)
		fprintf(stderr, "\nTry 'bmctop %s --help'.\n", usage_command);
	else
		fputs("\nTry 'bmctop --help'.\n", stderr);
	return EXIT_USAGE;
}

int cli_command_usage(struct cli *c, const char *word, const char *const *choices, size_t n)
{
	const char *hint = word != NULL ? suggest_closest(word, choices, n) : NULL;

	if (hint != NULL)
		return cli_usage_error("%s: unknown word \"%s\"; did you mean \"%s\"?",
				       c->command->name, word, hint);
	return cli_usage_error("usage: bmctop [-c FLEET] %s %s", c->command->name,
			       c->command->args);
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

/* The options commands take after their name: what parses them below and
 * what their help lists. */
static const struct cli_option {
	unsigned flag;
	const char *name;
	const char *arg; /* its value's name, or NULL */
	const char *help;
} options[] = {
	{ OPT_JSON, "--json", NULL, "print JSON (the contract in bmctop(1)) instead of a table" },
	{ OPT_WHAT, "--what", "LIST",
	  "what to read: a comma-separated list of power, sensors, events, inventory" },
	{ OPT_SWEEPS, "--sweeps", "N", "poll N times (1-1000) on the same sessions, timing each" },
	{ OPT_WATCH, "--watch", "SECONDS",
	  "poll as the dashboard does for SECONDS, reporting each interval on stderr" },
	{ OPT_PERSISTENT, "--persistent", NULL, "for every boot, not only the next" },
	{ OPT_STEAL, "--steal", NULL, "take the console over from a client that holds it" },
	{ OPT_LOG, "--log", NULL, "also append the output to the host's console log" },
	{ OPT_IDLE, "--idle", "MS",
	  "pipe mode: exit once the output was quiet for MS milliseconds (default 500)" },
	{ OPT_NO_VIEWER, "--no-viewer", NULL,
	  "print the relay's address and password file instead of starting a viewer" },
	{ OPT_NO_REDACT, "--no-redact", NULL,
	  "keep serial numbers, addresses, UUIDs, user names and tokens (see its README)" },
	{ OPT_FORCE, "--force", NULL, "write into a DIR that is not empty" },
	{ OPT_SINCE, "--since", "TIME", "how far back: 30m, 1h, 24h, 7d (the store keeps a week)" },
	{ OPT_FOLLOW, "--follow", NULL,
	  "keep printing events as they happen (NDJSON with --json) until interrupted" },
	{ OPT_CSV, "--csv", NULL, "print comma-separated values instead of a table" },
	{ OPT_LISTEN, "--listen", "ADDR:PORT",
	  "where to serve (default 127.0.0.1:9623; [::1]:PORT for IPv6)" },
	{ OPT_WEB_CONFIG, "--web-config", "FILE",
	  "TLS certificate and key, and basic-auth users with bcrypt hashes (needed off loopback)" },
	{ OPT_OUTPUT, "-o", "FILE", "where to write (a new file; default HOST-TIMESTAMP.png)" },
};

#define NOPTIONS (sizeof options / sizeof options[0])

/* "unknown option", with the closest option cmd takes. */
static int unknown_option(const char *cmd, const char *a, unsigned flags)
{
	const char *names[NOPTIONS + 3] = { "--config", "--help" };
	size_t n = 2, i, len = strcspn(a, "=");
	const char *hint;
	char word[64];

	for (i = 0; i < NOPTIONS; i++)
		if (flags & options[i].flag)
			names[n++] = options[i].name;
	snprintf(word, sizeof word, "%.*s", (int)(len < sizeof word ? len : sizeof word - 1), a);
	hint = suggest_closest(word, names, n);
	if (hint != NULL)
		return cli_usage_error("%s: unknown option %s; did you mean %s?", cmd, a, hint);
	return cli_usage_error("%s: unknown option %s (bmctop %s --help lists its options)", cmd,
			       a, cmd);
}

int cli_options(struct cli *c, int *argc, char **argv, unsigned flags, const char *cmd)
{
	int i, out = 0;

	usage_command = cmd;

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
		} else if ((flags & OPT_NO_REDACT) && strcmp(a, "--no-redact") == 0) {
			c->no_redact = 1;
		} else if ((flags & OPT_FORCE) && strcmp(a, "--force") == 0) {
			c->force = 1;
		} else if ((flags & OPT_SINCE) && strcmp(a, "--since") == 0) {
			if (i + 1 >= *argc)
				return cli_usage_error("--since needs a time back such as 1h");
			c->since = argv[++i];
		} else if ((flags & OPT_FOLLOW) && strcmp(a, "--follow") == 0) {
			c->follow = 1;
		} else if ((flags & OPT_CSV) && strcmp(a, "--csv") == 0) {
			c->csv = 1;
		} else if ((flags & OPT_LISTEN) && strcmp(a, "--listen") == 0) {
			if (i + 1 >= *argc)
				return cli_usage_error("--listen needs ADDR:PORT, such as 127.0.0.1:9623");
			c->listen = argv[++i];
		} else if ((flags & OPT_WEB_CONFIG) && strcmp(a, "--web-config") == 0) {
			if (i + 1 >= *argc)
				return cli_usage_error("--web-config needs a file");
			c->web_config = argv[++i];
		} else if ((flags & OPT_OUTPUT) &&
			   (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)) {
			if (i + 1 >= *argc)
				return cli_usage_error("%s needs a file name", a);
			c->output = argv[++i];
		} else if (strcmp(a, "--") == 0) {
			for (i++; i < *argc; i++)
				argv[out++] = argv[i];
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			return unknown_option(cmd, a, flags);
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
	if (c->screen_graphics_set)
		c->fleet.screen_graphics = c->screen_graphics;
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

int cli_command_options(struct cli *c, int *argc, char **argv)
{
	return cli_options(c, argc, argv, c->command->opts, c->command->name);
}

const struct command *cli_find_command(const char *name)
{
	const struct command *cmd;

	for (cmd = commands; cmd->name != NULL; cmd++)
		if (strcmp(cmd->name, name) == 0)
			return cmd;
	return NULL;
}

int cli_unknown_command(const char *name)
{
	const char *names[64];
	const struct command *cmd;
	const char *hint;
	size_t n = 0;

	for (cmd = commands; cmd->name != NULL && n < 64; cmd++)
		names[n++] = cmd->name;
	hint = suggest_closest(name, names, n);
	if (hint != NULL)
		return cli_usage_error("unknown command \"%s\"; did you mean \"%s\"?", name, hint);
	return cli_usage_error("unknown command \"%s\"", name);
}

int cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

/* One option: the name and value, then its help from column 25, wrapped
 * at 80 columns. */
static void print_option(FILE *out, const char *name, const char *arg, const char *help)
{
	char left[48];
	int col = 0;

	snprintf(left, sizeof left, "%s%s%s", name, arg ? " " : "", arg ? arg : "");
	fprintf(out, "  %-22s", left);
	while (*help != '\0') {
		size_t word = strcspn(help, " ");

		if (col > 0 && col + 1 + (int)word > 80 - 25) {
			fprintf(out, "\n%24s", "");
			col = 0;
		}
		fprintf(out, " %.*s", (int)word, help);
		col += 1 + (int)word;
		help += word;
		help += strspn(help, " ");
	}
	fputc('\n', out);
}

/* Lines of text, each indented by two spaces. */
static void print_indented(FILE *out, const char *text)
{
	while (*text != '\0') {
		size_t n = strcspn(text, "\n");

		fprintf(out, "  %.*s\n", (int)n, text);
		text += n;
		if (*text == '\n')
			text++;
	}
}

void cli_command_help(const struct command *cmd, FILE *out)
{
	size_t i;

	fprintf(out, "Usage: bmctop [-c FLEET] %s %s\n\n", cmd->name, cmd->args);
	fprintf(out, "%c%s.\n", toupper((unsigned char)cmd->help[0]), cmd->help + 1);
	if (cmd->about != NULL)
		fprintf(out, "%s\n", cmd->about);
	fputs("\nOptions:\n", out);
	print_option(out, "-c, --config", "FLEET",
		     "the fleet file (default $BMCTOP_FLEET, then $XDG_CONFIG_HOME/bmctop/fleet.conf)");
	for (i = 0; i < NOPTIONS; i++)
		if (cmd->opts & options[i].flag)
			print_option(out, options[i].name, options[i].arg, options[i].help);
	print_option(out, "-h, --help", NULL, "this help");
	if (cmd->examples != NULL) {
		fputs("\nExamples:\n", out);
		print_indented(out, cmd->examples);
	}
	fputs("\n", out);
	if (strstr(cmd->args, "HOST") != NULL)
		fputs("HOST is a name from the fleet file, a range such as node[01-08], or @GROUP.\n",
		      out);
	fputs("Exit status: 0 all went well; 1 some hosts failed; 2 usage or configuration.\n", out);
}
