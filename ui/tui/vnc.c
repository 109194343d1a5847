/*
 * tui/vnc.c - the dashboard's graphical-console key: start a local RFB
 * relay to the selected host and a VNC viewer on it, several at once.
 *
 * A relay and its viewer live together: when the viewer exits the relay
 * is stopped, and when the relay ends (the BMC closed, a wrong password)
 * the viewer is told by its connection closing.  Without a display the
 * relay's endpoint and password file go to the action log, for a viewer
 * run elsewhere (through ssh -L).
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/internal.h"
#include "vnc/relay.h"
#include "vnc/viewer.h"

struct tui_vnc {
	struct tui *t;
	struct tui_vnc *next;
	struct vnc_relay *relay; /* NULL once it ended */
	uv_process_t viewer;
	int viewer_running;
	int viewer_handle; /* viewer is initialised and not yet closed */
	char host[64];
};

static struct tui_vnc *relays;

static void release(struct tui_vnc *v)
{
	struct tui_vnc **pp;

	if (v->relay != NULL || v->viewer_handle)
		return;
	for (pp = &relays; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == v) {
			*pp = v->next;
			break;
		}
	}
	free(v);
}

static void on_viewer_closed(uv_handle_t *handle)
{
	struct tui_vnc *v = handle->data;

	v->viewer_handle = 0;
	release(v);
}

static void on_viewer_exit(uv_process_t *p, int64_t exit_status, int term_signal)
{
	struct tui_vnc *v = p->data;

	v->viewer_running = 0;
	if (exit_status != 0 || term_signal != 0)
		tui_logf(v->t, "%s: the VNC viewer exited (status %lld, signal %d)", v->host,
			 (long long)exit_status, term_signal);
	if (v->relay != NULL)
		vnc_relay_stop(v->relay);
	uv_close((uv_handle_t *)p, on_viewer_closed);
}

static void on_relay_end(struct vnc_relay *r, int status, const char *msg, void *arg)
{
	struct tui_vnc *v = arg;

	(void)r;
	v->relay = NULL;
	if (status != 0 && status != BMC_ECANCELED)
		tui_logf(v->t, "%s: graphical console ended: %s", v->host, msg);
	else
		tui_logf(v->t, "%s: graphical console closed", v->host);
	if (v->viewer_running)
		uv_process_kill(&v->viewer, SIGTERM);
	release(v);
}

static void launch(struct tui_vnc *v, struct bmc_host *h)
{
	char *warning = NULL, *err = NULL;
	char **argv;
	int port = vnc_relay_port(v->relay);
	const char *pw = vnc_relay_password_file(v->relay);

	if (!vnc_viewer_have_display()) {
		tui_logf(v->t, "%s: no display for a viewer; VNC relay on 127.0.0.1:%d, password file %s",
			 v->host, port, pw);
		return;
	}
	argv = vnc_viewer_argv(h->cfg->vnc_viewer, port, pw, &warning, &err);
	if (argv == NULL) {
		tui_logf(v->t, "%s: %s; VNC relay on 127.0.0.1:%d, password file %s", v->host, err,
			 port, pw);
		free(err);
		return;
	}
	if (warning != NULL) {
		tui_logf(v->t, "%s: %s", v->host, warning);
		free(warning);
	}
	v->viewer.data = v;
	if (vnc_viewer_spawn(v->t->e->loop, &v->viewer, argv, 1, on_viewer_exit, &err) != 0) {
		tui_logf(v->t, "%s: %s; VNC relay on 127.0.0.1:%d, password file %s", v->host, err,
			 port, pw);
		free(err);
		v->viewer_handle = 1;
		uv_close((uv_handle_t *)&v->viewer, on_viewer_closed);
	} else {
		v->viewer_running = 1;
		v->viewer_handle = 1;
		tui_logf(v->t, "%s: %s started on the VNC relay at 127.0.0.1:%d", v->host, argv[0],
			 port);
	}
	strv_free(argv);
}

/* Start a relay to h's graphical console and a viewer on it. */
static void vnc_open(struct tui *t, struct bmc_host *h)
{
	struct tui_vnc *v = xcalloc(1, sizeof *v);
	char *err = NULL;

	v->t = t;
	snprintf(v->host, sizeof v->host, "%s", h->cfg->name);
	if (vnc_relay_start(&v->relay, h, on_relay_end, v, &err) != 0) {
		tui_logf(t, "%s: no graphical console: %s", v->host, err);
		free(err);
		free(v);
		return;
	}
	v->next = relays;
	relays = v;
	if (vnc_relay_untested(v->relay))
		tui_logf(t, "%s: this console profile is untested against a real BMC (%s)", v->host,
			 vnc_relay_target(v->relay));
	launch(v, h);
}

/* Stop every relay and viewer; their ends run from the loop. */
static void vnc_stop_all(struct tui *t)
{
	struct tui_vnc *v, *next;

	(void)t;
	for (v = relays; v != NULL; v = next) {
		next = v->next;
		if (v->viewer_running) {
			uv_process_kill(&v->viewer, SIGTERM);
			v->viewer_running = 0;
			uv_close((uv_handle_t *)&v->viewer, on_viewer_closed);
		}
		if (v->relay != NULL)
			vnc_relay_stop(v->relay); /* its end callback runs from the loop */
	}
}

static void vnc_close_all(struct tui *t, void (*then)(struct tui *t))
{
	vnc_stop_all(t);
	then(t);
}

static size_t vnc_open_count(struct tui *t)
{
	struct tui_vnc *v;
	size_t n = 0;

	(void)t;
	for (v = relays; v != NULL; v = v->next)
		if (v->relay != NULL)
			n++;
	return n;
}

/* A pane in a window of its own: the dashboard only opens and closes it. */
const struct tui_pane_ops tui_vnc_pane = {
	.free = vnc_stop_all,
	.open = vnc_open,
	.close_all = vnc_close_all,
	.open_count = vnc_open_count,
	.open_noun = "VNC relay",
};
