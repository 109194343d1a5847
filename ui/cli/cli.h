/*
 * cli/cli.h - shared plumbing of the command-line front end: options, loading
 * the fleet, choosing hosts, running the engine until a command is done.
 */
#ifndef BMCTOP_CLI_H
#define BMCTOP_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <uv.h>

#include "core/engine.h"
#include "core/fleet.h"

/* Exit statuses (bmctop(1)). */
#define EXIT_ALL_OK 0
#define EXIT_SOME_FAILED 1
#define EXIT_USAGE 2

struct command;

struct cli {
	const char *fleet_path; /* -c, or NULL for the default */
	int screen_graphics_set; /* --screen-graphics was given: */
	int screen_graphics;	 /* fleet.h's 0..4, over the fleet file's */
	char *fleet_path_owned;
	struct fleet fleet;
	int fleet_loaded;
	uv_loop_t loop;
	struct bmc_engine engine;
	int engine_started;
	/* Options a subcommand may accept. */
	int json;
	int persistent;
	int no_viewer;
	int sweeps;	/* status --sweeps N */
	int watch;	/* status --watch SECONDS: the scheduler, headless */
	unsigned what; /* status --what LIST: POLL_* bits, 0 for the default */
	int steal;	/* sol --steal */
	int log_console; /* sol --log */
	int idle_ms;	/* sol --idle MS: pipe mode's quiet time before exiting */
	int no_redact;	/* capture --no-redact */
	int force;	/* capture --force */
	const char *since; /* history, events --since TIME */
	int csv;	/* history --csv */
	int follow;	/* events --follow */
	const char *listen;	/* serve --listen ADDR:PORT */
	const char *web_config; /* serve --web-config FILE */
	const char *output;     /* screenshot -o FILE */
	const struct command *command; /* the one running */
};

/*
 * A subcommand: the dispatcher finds it by name, "bmctop --help" lists its
 * first three fields, and "bmctop help NAME" (or NAME --help) prints all of
 * them with the options in opts, so help and parsing come from one table.
 */
struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(struct cli *c, int argc, char **argv);
	unsigned opts;	      /* the OPT_* it takes besides -c, for its help */
	const char *about;    /* more for its help, or NULL */
	const char *examples; /* one command line a line, or NULL */
};

extern const struct command commands[];

/* Options allowed after a subcommand. */
enum { OPT_JSON = 1, OPT_PERSISTENT = 2, OPT_NO_VIEWER = 4, OPT_SWEEPS = 8, OPT_WHAT = 16,
       OPT_WATCH = 32, OPT_STEAL = 64, OPT_LOG = 128, OPT_IDLE = 256, OPT_NO_REDACT = 512,
       OPT_FORCE = 1024, OPT_SINCE = 2048, OPT_CSV = 4096,
       OPT_LISTEN = 8192, OPT_WEB_CONFIG = 16384, OPT_FOLLOW = 32768,
       OPT_OUTPUT = 65536 };

/* The command named name, or NULL. */
const struct command *cli_find_command(const char *name);
/* "bmctop: unknown command" with a did-you-mean; EXIT_USAGE. */
int cli_unknown_command(const char *name);
/* Does argv (a command's arguments) ask for its help (-h or --help before "--")? */
int cli_wants_help(int argc, char **argv);
/* A command's help: usage, what it does, its options, examples. */
void cli_command_help(const struct command *cmd, FILE *out);
/*
 * cli_options() with the options of the running command's table entry
 * (struct cli's command, set by the dispatcher).
 */
int cli_command_options(struct cli *c, int *argc, char **argv);

/*
 * Take the options in flags (and -c) out of argv, wherever they are; the
 * positional arguments stay in argv[0..*argc).  EXIT_USAGE on a bad option.
 */
int cli_options(struct cli *c, int *argc, char **argv, unsigned flags, const char *cmd);
int cli_load_fleet(struct cli *c);
/*
 * Resolve names, hostranges (node[01-04]) and @group to hosts, in fleet
 * order without repeats.  EXIT_USAGE naming any that match nothing.
 */
int cli_select_hosts(struct cli *c, char **names, int n, struct bmc_host ***out, size_t *count);
int cli_start_engine(struct cli *c);
/* Shut the engine down, closing BMC sessions, and free everything. */
void cli_finish(struct cli *c);
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The running command's usage line, from its table entry; or, when word is
 * close to one of choices[0..n) (a mistyped action), "did you mean" that.
 * EXIT_USAGE.
 */
int cli_command_usage(struct cli *c, const char *word, const char *const *choices, size_t n);
/* Exit 2 with a message when none of hosts has a backend built in. */
int cli_require_backend(struct bmc_host **hosts, size_t n);

int cmd_config(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);
int cmd_sensors(struct cli *c, int argc, char **argv);
int cmd_sel(struct cli *c, int argc, char **argv);
int cmd_fru(struct cli *c, int argc, char **argv);
int cmd_power(struct cli *c, int argc, char **argv);
int cmd_boot(struct cli *c, int argc, char **argv);
int cmd_sol(struct cli *c, int argc, char **argv);
int cmd_vnc(struct cli *c, int argc, char **argv);
/*
 * The one host a graphical-console command (vnc, screenshot) names: loads
 * the fleet, starts the engine and, under "vnc = auto", asks the BMC once
 * for its vendor.  EXIT_USAGE unless name is exactly one host.
 */
int cli_console_host(struct cli *c, char *name, struct bmc_host **out);
int cmd_screenshot(struct cli *c, int argc, char **argv);
int cmd_trust(struct cli *c, int argc, char **argv);
int cmd_capture(struct cli *c, int argc, char **argv);
int cmd_history(struct cli *c, int argc, char **argv);
int cmd_events(struct cli *c, int argc, char **argv);
int cmd_serve(struct cli *c, int argc, char **argv);

#endif
