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
#include "core/suggest.h"
#include "tui/tui.h"

static int cmd_help(struct cli *c, int argc, char **argv);

const struct command commands[] = {
	{ "status", "[--json] [--what LIST] [--sweeps N|--watch S] [HOST...]",
	  "power, health and sensor summary of hosts (all by default)", cmd_status,
	  OPT_JSON | OPT_WHAT | OPT_SWEEPS | OPT_WATCH,
	  "Polls the hosts once, concurrently, and prints power, health, the hottest\n"
	  "temperature and any error for each.",
	  "bmctop status\nbmctop status --json @rack4\nbmctop status --what power,events 'node[01-08]'" },
	{ "sensors", "HOST... [--json]", "every sensor with readings and thresholds", cmd_sensors,
	  OPT_JSON,
	  "Each sensor's reading, unit, status and thresholds (LNR LCR LNC UNC UCR UNR,\n"
	  "\"-\" where the BMC gives none); discrete sensors show their asserted states.\n"
	  "With several hosts, hosts whose tables are the same are shown once, under\n"
	  "their names as ranges (node[01-08]).",
	  "bmctop sensors node07\nbmctop sensors @rack4\nbmctop sensors node07 --json" },
	{ "sel", "HOST... [--json]", "the system event log, newest first", cmd_sel, OPT_JSON,
	  "With several hosts, hosts whose logs are the same are shown once, under their\n"
	  "names as ranges.",
	  "bmctop sel node07\nbmctop sel 'node[01-08]'" },
	{ "fru", "HOST... [--json]", "inventory: manufacturer, product, part and serial numbers",
	  cmd_fru, OPT_JSON,
	  "With several hosts, hosts whose inventories are the same are shown once, under\n"
	  "their names as ranges.",
	  "bmctop fru node07\nbmctop fru @rack4 --json" },
	{ "power", "HOST... status|on|off|cycle|reset|soft", "show or change power state",
	  cmd_power, 0, "\"soft\" asks the operating system to shut down (ACPI).",
	  "bmctop power node07 status\nbmctop power @rack4 cycle" },
	{ "boot", "HOST... pxe|disk|bios|cdrom [--persistent]", "set the next boot device",
	  cmd_boot, OPT_PERSISTENT, "The setting is read back from the BMC to confirm it.",
	  "bmctop boot node07 pxe\nbmctop boot 'node[01-08]' disk --persistent" },
	{ "sol", "HOST [--steal] [--log] [--idle MS]",
	  "serial console in this terminal; \"~.\" ends it", cmd_sol,
	  OPT_STEAL | OPT_LOG | OPT_IDLE,
	  "Escapes at the start of a line: ~. end, ~B break, ~S take over, ~~ a ~, ~? list.\n"
	  "With standard input not a terminal it is a pipe for scripts.",
	  "bmctop sol node07\nbmctop sol node07 --steal --log\necho reboot | bmctop sol node07" },
	{ "vnc", "HOST [--no-viewer]", "graphical console through a local RFB relay", cmd_vnc,
	  OPT_NO_VIEWER, NULL, "bmctop vnc node07\nbmctop vnc node07 --no-viewer" },
	{ "screenshot", "HOST [-o FILE.png]", "the graphical console's screen as a PNG",
	  cmd_screenshot, OPT_OUTPUT,
	  "Reads the screen once through the same relay as \"vnc\" (read-only: no key or\n"
	  "pointer event is sent) and writes it as a PNG, mode 0600 (a screen may show\n"
	  "secrets), never over an existing file or through a link.  Prints the file's name,\n"
	  "the size and the encodings the server used.",
	  "bmctop screenshot node07\nbmctop screenshot node07 -o node07.png" },
	{ "trust", "HOST", "accept a BMC's new TLS key", cmd_trust, 0, NULL,
	  "bmctop trust node07" },
	{ "capture", "HOST DIR [--no-redact] [--force]",
	  "record what bmctop reads, for bmcsim --replay", cmd_capture,
	  OPT_NO_REDACT | OPT_FORCE,
	  "Polls the host once and writes DIR/redfish/ (a mockup tree), DIR/ipmi.txt (the IPMI\n"
	  "answers) and DIR/README (every redaction made).  Serial numbers, MAC and IP addresses,\n"
	  "UUIDs, user names and tokens are redacted unless --no-redact; a DIR that is not\n"
	  "empty is refused unless --force.",
	  "bmctop capture node07 node07-capture\nbmcsim --replay node07-capture" },
	{ "history", "HOST [SENSOR] [--since TIME] [--json|--csv]",
	  "recorded readings: an hour in full, a day and a week as min/avg/max", cmd_history,
	  OPT_SINCE | OPT_JSON | OPT_CSV,
	  "TIME is how far back: 30m, 1h (the default), 24h, 7d (the store keeps a week).\n"
	  "Without SENSOR, every sensor of the host.  The dashboard, serve and the one-shot\n"
	  "commands record into $XDG_STATE_HOME/bmctop/history/.",
	  "bmctop history node07 --since 24h\nbmctop history node07 'CPU1 Temp' --csv" },
	{ "events", "[HOST...] [--since TIME] [--json] [--follow]",
	  "fleet events: state changes, threshold crossings, new log entries", cmd_events,
	  OPT_SINCE | OPT_JSON | OPT_FOLLOW,
	  "TIME is how far back: 30m, 1h, 24h (the default), 7d.  A flapping host is one line\n"
	  "with a count.  --follow prints events as they happen (one JSON object a line with\n"
	  "--json), after those since TIME when given; it polls the fleet itself unless\n"
	  "another bmctop records, whose event file it then follows.",
	  "bmctop events\nbmctop events node07 --since 7d --json\n"
	  "bmctop events --follow --json --since 1h" },
	{ "serve", "[--listen ADDR:PORT] [--web-config FILE]",
	  "poll the fleet and serve it to Prometheus over HTTP", cmd_serve,
	  OPT_LISTEN | OPT_WEB_CONFIG,
	  "Endpoints: /metrics (ipmi_exporter's names, for the whole fleet), /probe?target=HOST\n"
	  "and /ipmi?target=HOST (one host), /discover (Prometheus HTTP service discovery),\n"
	  "/events (fleet events as Server-Sent Events; Last-Event-ID or ?since=1h resume),\n"
	  "/-/healthy.  Scrapes never cause BMC traffic: the engine polls on its own schedule.\n"
	  "An address other than loopback needs --web-config with TLS and users.",
	  "bmctop serve\nbmctop -c site1.conf serve --listen 127.0.0.1:9623\n"
	  "bmctop serve --listen [::]:9623 --web-config /etc/bmctop/web.yml" },
	{ "config", "check|hosts|groups",
	  "validate the fleet file, or list its expanded hosts or its groups", cmd_config, 0,
	  "\"check\" reads every password file the fleet names but runs no password command.\n"
	  "\"groups\" prints each group, its number of hosts and their names as ranges.",
	  "bmctop config check\nbmctop -c fleet.conf config hosts\nbmctop config groups" },
	{ "help", "[COMMAND]", "this help, or a command's", cmd_help, 0, NULL,
	  "bmctop help sensors\nbmctop sensors --help" },
	{ NULL, NULL, NULL, NULL, 0, NULL, NULL }
};

static void usage(FILE *out)
{
	const struct command *cmd;

	fprintf(out,
		"Usage: bmctop [-c FLEET] [--readonly]    the dashboard (read-only: look, never act)\n"
		"       bmctop --demo                     the dashboard on a simulated fleet\n"
		"         either with --screen-graphics auto|kitty|sixel|blocks|none (the Screen tab)\n"
		"       bmctop [-c FLEET] COMMAND [ARGS]\n"
		"       bmctop --version | --help\n\n"
		"Commands:\n");
	for (cmd = commands; cmd->name != NULL; cmd++)
		fprintf(out, "  %-11s %s\n", cmd->name, cmd->help);
	fprintf(out,
		"\n'bmctop help COMMAND' or 'bmctop COMMAND --help' shows a command's options.\n"
		"HOST is a name from the fleet file, a range such as node[01-08], or @GROUP.\n"
		"FLEET defaults to $BMCTOP_FLEET, then $XDG_CONFIG_HOME/bmctop/fleet.conf.\n"
		"Exit status: 0 all went well; 1 some hosts failed; 2 usage or configuration.\n"
		"See bmctop(1) and bmctop.conf(5).\n");
}

/* An unknown option before the command, with the closest of those above. */
static int unknown_option(const char *a)
{
	static const char *const known[] = {"--config", "--demo", "--help", "--readonly",
					    "--screen-graphics", "--version"};
	const char *hint = suggest_closest(a, known, sizeof known / sizeof known[0]);

	if (hint != NULL)
		return cli_usage_error("unknown option %s; did you mean %s?", a, hint);
	return cli_usage_error("unknown option %s", a);
}

/* bmctop help [COMMAND] */
static int cmd_help(struct cli *c, int argc, char **argv)
{
	const struct command *cmd;

	(void)c;
	if (argc == 0) {
		usage(stdout);
		return EXIT_ALL_OK;
	}
	if (argc > 1)
		return cli_usage_error("usage: bmctop help [COMMAND]");
	cmd = cli_find_command(argv[0]);
	if (cmd == NULL)
		return cli_unknown_command(argv[0]);
	cli_command_help(cmd, stdout);
	return EXIT_ALL_OK;
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
	int i, rc, demo = 0, readonly = 0;

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
		} else if (strcmp(a, "--readonly") == 0) {
			readonly = 1;
		} else if (strcmp(a, "--screen-graphics") == 0 ||
			   strncmp(a, "--screen-graphics=", 18) == 0) {
			const char *v = a[17] == '=' ? a + 18 : (i + 1 < argc ? argv[++i] : "");

			c.screen_graphics = fleet_screen_graphics_parse(v);
			if (c.screen_graphics < 0)
				return cli_usage_error("--screen-graphics takes %s",
						       FLEET_SCREEN_GRAPHICS_NAMES);
			c.screen_graphics_set = 1;
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (i + 1 >= argc)
				return cli_usage_error("%s needs a fleet file", a);
			c.fleet_path = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			c.fleet_path = a + 9;
		} else if (a[0] == '-') {
			return unknown_option(a);
		} else {
			break;
		}
	}
	if (i == argc) {
		if (demo)
			return demo_run(&c, readonly);
		rc = cli_load_fleet(&c);
		if (rc == 0 && readonly)
			c.fleet.readonly = 1;
		if (rc == 0 && tui_check_terminal() != 0)
			rc = EXIT_USAGE;
		if (rc == 0) {
			cli_start_engine(&c);
			rc = tui_run(&c.engine, c.fleet_path);
		}
		cli_finish(&c);
		return rc;
	}
	cmd = cli_find_command(argv[i]);
	if (cmd == NULL)
		return cli_unknown_command(argv[i]);
	if (cli_wants_help(argc - i - 1, argv + i + 1)) {
		cli_command_help(cmd, stdout);
		return EXIT_ALL_OK;
	}
	c.command = cmd;
	rc = cmd->run(&c, argc - i - 1, argv + i + 1);
	cli_finish(&c);
	return rc;
}
