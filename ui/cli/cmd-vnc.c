/*
 * cli/cmd-vnc.c - "bmctop vnc HOST [--no-viewer]": a graphical console
 * through a local RFB relay.
 *
 * The relay listens on 127.0.0.1 only.  With a display and a viewer, the
 * viewer is started at it and the command ends when the relay does.
 * Without (--no-viewer, no $DISPLAY, e.g. over ssh), the endpoint and the
 * password file are printed, one a line, for "ssh -L" and a viewer
 * elsewhere, and the relay waits until interrupted or its session ends.
 *
 * However it ends - the viewer gone, the console closed, a signal, an
 * error - the relay is ended before anything else (it removes its password
 * file and deletes its Redfish session), and what happened is printed.
 * SIGINT and SIGTERM reach this file first (engine on_signal), so the
 * relay's DELETE goes out before the engine shuts down.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "vnc/relay.h"
#include "vnc/viewer.h"

struct vnc_cmd {
	struct cli *cli;
	struct vnc_relay *relay;
	uv_process_t viewer;
	int viewer_running;
	int ended;
	int status;
	char *msg;
	int signum;	     /* the signal that stopped it, or 0 */
	char viewer_why[64]; /* how the launched viewer ended, when it did */
};

/* Static: the viewer's exit callback may run from cli_finish's loop. */
static struct vnc_cmd vnc_cmd;

static void on_relay_end(struct vnc_relay *r, int status, const char *msg, void *arg)
{
	struct vnc_cmd *v = arg;

	v->ended = 1;
	v->status = status;
	v->msg = xstrdup(msg);
	v->relay = NULL;
	if (v->viewer_running)
		uv_process_kill(&v->viewer, SIGTERM);
	uv_stop(&v->cli->loop);
}

static void on_viewer_closed(uv_handle_t *h)
{
}

static void on_viewer_exit(uv_process_t *p, int64_t exit_status, int term_signal)
{
	struct vnc_cmd *v = p->data;

	v->viewer_running = 0;
	uv_close((uv_handle_t *)p, on_viewer_closed);
	if (v->relay != NULL) {
		if (term_signal != 0)
			snprintf(v->viewer_why, sizeof v->viewer_why,
				 "the viewer was killed (signal %d)", term_signal);
		else
			snprintf(v->viewer_why, sizeof v->viewer_why,
				 "the viewer exited (status %lld)", (long long)exit_status);
		log_info("%s; ending the relay", v->viewer_why);
		vnc_relay_stop(v->relay);
	}
}

/* SIGINT, SIGTERM, SIGHUP: end the relay; cli_finish shuts the engine down. */
static void on_engine_signal(struct bmc_engine *e, int signum)
{
	struct vnc_cmd *v = &vnc_cmd;

	v->signum = signum;
	if (v->relay != NULL)
		vnc_relay_stop(v->relay);
	else
		uv_stop(&v->cli->loop);
}

static void on_polled(struct bmc_host *h, int status, void *arg)
{
	uv_stop(&((struct cli *)arg)->loop);
}

int cli_console_host(struct cli *c, char *name, struct bmc_host **out)
{
	struct bmc_host **hosts = NULL, *h;
	size_t n;
	int rc = cli_load_fleet(c);

	if (rc != 0)
		return rc;
	cli_start_engine(c);
	rc = cli_select_hosts(c, &name, 1, &hosts, &n);
	if (rc != 0)
		return rc;
	if (n != 1) {
		free(hosts);
		return cli_usage_error("%s takes one host; %s names %zu", c->command->name, name, n);
	}
	h = hosts[0];
	free(hosts);
	/* "vnc = auto" needs the vendor: ask the BMC once. */
	if (strcmp(h->cfg->vnc ? h->cfg->vnc : "auto", "auto") == 0 && h->vendor == NULL &&
	    h->backend != NULL && engine_poll(h, POLL_POWER, on_polled, c) == 0)
		uv_run(&c->loop, UV_RUN_DEFAULT);
	*out = h;
	return 0;
}

static int launch_viewer(struct vnc_cmd *v, struct bmc_host *h)
{
	char *warning = NULL, *err = NULL;
	char **argv = vnc_viewer_argv(h->cfg->vnc_viewer, vnc_relay_port(v->relay),
				      vnc_relay_password_file(v->relay), &warning, &err);
	int rc;

	if (argv == NULL) {
		fprintf(stderr, "bmctop: %s\n", err);
		free(err);
		return -1;
	}
	if (warning != NULL) {
		fprintf(stderr, "bmctop: %s\n", warning);
		free(warning);
	}
	v->viewer.data = v;
	rc = vnc_viewer_spawn(&v->cli->loop, &v->viewer, argv, 0, on_viewer_exit, &err);
	if (rc != 0) {
		fprintf(stderr, "bmctop: %s\n", err);
		free(err);
		uv_close((uv_handle_t *)&v->viewer, on_viewer_closed);
	} else {
		v->viewer_running = 1;
		fprintf(stderr, "bmctop: %s: viewer %s at 127.0.0.1:%d\n", h->cfg->name, argv[0],
			vnc_relay_port(v->relay));
	}
	strv_free(argv);
	return rc;
}

int cmd_vnc(struct cli *c, int argc, char **argv)
{
	struct bmc_host *h;
	struct vnc_target t;
	struct vnc_cmd *v = &vnc_cmd;
	char *err = NULL;
	int rc = cli_command_options(c, &argc, argv);

	if (rc != 0)
		return rc;
	if (argc != 1)
		return cli_usage_error("usage: bmctop [-c FLEET] vnc HOST [--no-viewer]");
	rc = cli_console_host(c, argv[0], &h);
	if (rc != 0)
		return rc;
	rc = vnc_target_resolve(h, &t, &err);
	if (rc != 0) {
		fprintf(stderr, "bmctop: %s\n", err);
		free(err);
		return rc == BMC_ENOTSUP || rc == BMC_ECONFIG ? EXIT_USAGE : EXIT_SOME_FAILED;
	}
	if (t.profile != NULL && t.status != VNC_TESTED)
		fprintf(stderr,
			"bmctop: %s: the %s console profile is untested: it has not been checked "
			"against a real BMC yet (%s)\n",
			h->cfg->name, t.profile, t.url);
	memset(v, 0, sizeof *v);
	v->cli = c;
	rc = vnc_relay_start_target(&v->relay, h, &t, on_relay_end, v, &err);
	vnc_target_free(&t);
	if (rc == 0)
		c->engine.on_signal = on_engine_signal;
	if (rc != 0) {
		fprintf(stderr, "bmctop: %s: %s\n", h->cfg->name, err);
		free(err);
		return EXIT_SOME_FAILED;
	}
	if (c->no_viewer || !vnc_viewer_have_display() || launch_viewer(v, h) != 0) {
		printf("127.0.0.1:%d\n%s\n", vnc_relay_port(v->relay),
		       vnc_relay_password_file(v->relay));
		fflush(stdout);
	}
	/* Until the relay ends; a signal shuts the engine down and stops the
	 * loop first, and then the relay is ended too. */
	uv_run(&c->loop, UV_RUN_DEFAULT);
	if (!v->ended && v->relay != NULL) {
		vnc_relay_stop(v->relay);
		while (!v->ended && uv_run(&c->loop, UV_RUN_ONCE) != 0)
			;
	}
	if (v->viewer_running)
		uv_process_kill(&v->viewer, SIGTERM);
	c->engine.on_signal = NULL;
	if (v->status != 0 && v->status != BMC_ECANCELED) {
		fprintf(stderr, "bmctop: %s: %s\n", h->cfg->name, v->msg);
		rc = v->status == BMC_ECONFIG ? EXIT_USAGE : EXIT_SOME_FAILED;
	} else if (v->status == BMC_ECANCELED && v->signum != 0) {
		fprintf(stderr, "bmctop: %s: stopped by signal %d; relay closed\n", h->cfg->name,
			v->signum);
		rc = 128 + v->signum;
	} else if (v->status == BMC_ECANCELED && v->viewer_why[0] != '\0') {
		fprintf(stderr, "bmctop: %s: %s; relay closed\n", h->cfg->name, v->viewer_why);
		rc = EXIT_ALL_OK;
	} else {
		fprintf(stderr, "bmctop: %s: %s\n", h->cfg->name, v->msg);
		rc = EXIT_ALL_OK;
	}
	free(v->msg);
	return rc;
}
