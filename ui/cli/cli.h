/*
 * cli/cli.h - shared plumbing of the command-line front end: options, loading
 * the fleet, choosing hosts, running the engine until a command is done.
 */
#ifndef BMCTOP_CLI_H
#define BMCTOP_CLI_H

#include <stddef.h>
#include <uv.h>

#include "core/engine.h"
#include "core/fleet.h"

/* Exit statuses (bmctop(1)). */
#define EXIT_ALL_OK 0
#define EXIT_SOME_FAILED 1
#define EXIT_USAGE 2

struct cli {
	const char *fleet_path; /* -c, or NULL for the default */
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
};

struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(struct cli *c, int argc, char **argv);
};

extern const struct command commands[];

/* Options allowed after a subcommand. */
enum { OPT_JSON = 1, OPT_PERSISTENT = 2, OPT_NO_VIEWER = 4, OPT_SWEEPS = 8, OPT_WHAT = 16,
       OPT_WATCH = 32, OPT_STEAL = 64, OPT_LOG = 128, OPT_IDLE = 256 };

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
int cmd_trust(struct cli *c, int argc, char **argv);
int cmd_serve(struct cli *c, int argc, char **argv);

#endif
