/*
 * cli/main.c - bmctop's entry point: global options, then either a subcommand
 * (the command-line front end) or the dashboard (the TUI front end).
 *
 * Both front ends drive the same engine; the subcommands are listed once,
 * in commands[], which --help prints.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#if defined(__has_include)
#if __has_include(<sys/prctl.h>)
#include <sys/prctl.h>
#endif
#endif

#include "cli/cli.h"
#include "cli/demo.h"
#include "tui/tui.h"

const struct command commands[] = {
	{ "status", "[--json] [--what LIST] [--sweeps N|--watch S] [HOST...]", "power, health and sensor summary of hosts (all by default)",
	  cmd_status },
	{ "sensors", "HOST [--json]", "every sensor of one host with readings and thresholds",
	  cmd_sensors },
	{ "sel", "HOST [--json]", "the event log of one host", cmd_sel },
	{ "fru", "HOST [--json]", "inventory: manufacturer, product, part and serial numbers",
	  cmd_fru },
	{ "power", "HOST... status|on|off|cycle|reset|soft", "show or change power state",
	  cmd_power },
	{ "boot", "HOST... pxe|disk|bios|cdrom [--persistent]", "set the next boot device",
	  cmd_boot },
	{ "sol", "HOST [--steal] [--log] [--idle MS]", "serial console in this terminal; \"~.\" ends it", cmd_sol },
	{ "vnc", "HOST [--no-viewer]", "graphical console through a local RFB relay", cmd_vnc },
	{ "trust", "HOST", "accept a BMC's new TLS key", cmd_trust },
	{ "serve", "[--listen ADDR:PORT] [--web-config FILE]",
	  "poll the fleet and serve it to Prometheus over HTTP", cmd_serve },
	{ "config", "check|hosts", "validate the fleet file, or list its expanded hosts",
	  cmd_config },
	{ NULL, NULL, NULL, NULL }
};

static void usage(FILE *out)
{
	const struct command *cmd;

	fprintf(out,
		"Usage: bmctop [-c FLEET]                 the dashboard\n"
		"       bmctop --demo                     the dashboard on a simulated fleet\n"
		"       bmctop [-c FLEET] COMMAND [ARGS]\n"
		"       bmctop --version | --help\n\n"
		"Commands:\n");
	for (cmd = commands; cmd->name != NULL; cmd++)
		fprintf(out, "  %-8s %-52s %s\n", cmd->name, cmd->args, cmd->help);
	fprintf(out,
		"\nHOST is a name from the fleet file, a range such as node[01-08], or @GROUP.\n"
		"FLEET defaults to $BMCTOP_FLEET, then $XDG_CONFIG_HOME/bmctop/fleet.conf.\n"
		"Exit status: 0 all went well; 1 some hosts failed; 2 usage or configuration.\n"
		"See bmctop(1) and bmctop.conf(5).\n");
}

/*
 * Before anything reads a password: no core file and no ptrace by other
 * processes of the same user can expose it, and a peer that closes its end
 * (a killed viewer, a BMC) gives EPIPE on that one stream instead of
 * killing the process with the relay's password file and Redfish session
 * left behind.
 */
static void process_harden(void)
{
	struct rlimit no_core = { 0, 0 };

	signal(SIGPIPE, SIG_IGN);
	setrlimit(RLIMIT_CORE, &no_core);
#ifdef PR_SET_DUMPABLE
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

int main(int argc, char **argv)
{
	struct cli c;
	const struct command *cmd;
	int i, rc, demo = 0;

	process_harden();
	memset(&c, 0, sizeof c);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return EXIT_ALL_OK;
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("bmctop %s\n", PACKAGE_VERSION);
			return EXIT_ALL_OK;
		} else if (strcmp(a, "--demo") == 0) {
			demo = 1;
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (i + 1 >= argc)
				return cli_usage_error("%s needs a fleet file", a);
			c.fleet_path = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			c.fleet_path = a + 9;
		} else if (a[0] == '-') {
			return cli_usage_error("unknown option %s", a);
		} else {
			break;
		}
	}
	if (i == argc) {
		if (demo)
			return demo_run(&c);
		rc = cli_load_fleet(&c);
		if (rc == 0 && tui_check_terminal() != 0)
			rc = EXIT_USAGE;
		if (rc == 0) {
			cli_start_engine(&c);
			rc = tui_run(&c.engine, c.fleet_path);
		}
		cli_finish(&c);
		return rc;
	}
	for (cmd = commands; cmd->name != NULL; cmd++) {
		if (strcmp(cmd->name, argv[i]) == 0) {
			rc = cmd->run(&c, argc - i - 1, argv + i + 1);
			cli_finish(&c);
			return rc;
		}
	}
	return cli_usage_error("unknown command \"%s\"", argv[i]);
}
