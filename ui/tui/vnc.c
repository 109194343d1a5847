/*
 * tui/vnc.c - the dashboard's graphical-console key: start a local RFB
 * relay to the selected host and a VNC viewer on it, several at once, one
 * relay a host (V again reuses it), and the list of relays (W), where one
 * can be stopped.
 *
 * A relay and its viewer live together: when the viewer exits the relay
 * is stopped, and when the relay ends (the BMC closed, a wrong password)
 * the viewer is told by its connection closing.  Without a display the
 * relay's endpoint (127.0.0.1::PORT, the form viewers read as a port), its
 * password file, the whole viewer command and an ssh -L line for a
 * workstation go to the action log and the relay list, for a viewer run
 * elsewhere.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
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
	int stopping;	   /* asked to stop; its end is on the way */
	char host[64];
	const struct bmc_host *h;
	char *command; /* the viewer's command line, for a person to run */
	char *ssh;     /* the ssh -L line for a viewer on a workstation */
};

static struct tui_vnc *relays;
static size_t dialog_sel; /* the relay list's selected line */

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
	free(v->command);
	free(v->ssh);
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

/* argv as one line a person can paste into a shell. */
static char *join_command(char *const *argv)
{
	size_t len = 1, i;
	char *out, *o;

	for (i = 0; argv[i] != NULL; i++)
		len += strlen(argv[i]) * 4 + 3;
	out = o = xmalloc(len);
	for (i = 0; argv[i] != NULL; i++) {
		const char *c = argv[i];
		int quote = c[0] == '\0' || strpbrk(c, " \t'\"$\\`;&|<>()*?[]#~") != NULL;

		if (i > 0)
			*o++ = ' ';
		if (quote)
			*o++ = '\'';
		for (; *c != '\0'; c++) {
			if (*c == '\'') {
				memcpy(o, "'\\''", 4);
				o += 4;
			} else {
				*o++ = *c;
			}
		}
		if (quote)
			*o++ = '\'';
	}
	*o = '\0';
	return out;
}

/* What a person needs to reach the relay without us: the viewer command
 * (the fleet's, the installed one, or vncviewer) and an ssh -L line. */
static void describe(struct tui_vnc *v, const struct bmc_host *h)
{
	int port = vnc_relay_port(v->relay);
	const char *pw = vnc_relay_password_file(v->relay);
	char *warning = NULL, *err = NULL, **argv;
	char host[256] = "THIS-HOST";
	size_t hlen = sizeof host;
	const char *user = getenv("USER");

	argv = vnc_viewer_argv(h->cfg->vnc_viewer, port, pw, &warning, &err);
	if (argv != NULL) {
		v->command = join_command(argv);
		strv_free(argv);
	} else {
		v->command = xasprintf("vncviewer -passwd %s 127.0.0.1::%d", pw, port);
	}
	free(warning);
	free(err);
	if (uv_os_gethostname(host, &hlen) != 0)
		snprintf(host, sizeof host, "THIS-HOST");
	v->ssh = xasprintf("ssh -L %d:127.0.0.1:%d %s%s%s", port, port, user ? user : "",
			   user ? "@" : "", host);
}

static void launch(struct tui_vnc *v, struct bmc_host *h)
{
	char *warning = NULL, *err = NULL;
	char **argv;
	int port = vnc_relay_port(v->relay);
	const char *pw = vnc_relay_password_file(v->relay);

	describe(v, h);
	if (!vnc_viewer_have_display()) {
		tui_logf(
		    v->t,
		    "%s: no display for a viewer; VNC relay on 127.0.0.1::%d, password file %s",
		    v->host, port, pw);
		tui_logf(v->t, "%s: viewer: %s", v->host, v->command);
		tui_logf(v->t,
			 "%s: from a workstation: %s, then the viewer there at 127.0.0.1::%d "
			 "with a copy of the password file",
			 v->host, v->ssh, port);
		tui_statusf(v->t,
			    "%s: VNC relay on 127.0.0.1::%d; no display here (w: how to reach it)",
			    v->host, port);
		tui_vnc_list_dialog(v->t);
		return;
	}
	argv = vnc_viewer_argv(h->cfg->vnc_viewer, port, pw, &warning, &err);
	if (argv == NULL) {
		tui_logf(v->t, "%s: %s; VNC relay on 127.0.0.1::%d, password file %s", v->host, err,
			 port, pw);
		free(err);
		tui_vnc_list_dialog(v->t);
		return;
	}
	if (warning != NULL) {
		tui_logf(v->t, "%s: %s", v->host, warning);
		free(warning);
	}
	v->viewer.data = v;
	if (vnc_viewer_spawn(v->t->e->loop, &v->viewer, argv, 1, on_viewer_exit, &err) != 0) {
		tui_logf(v->t, "%s: %s; VNC relay on 127.0.0.1::%d, password file %s", v->host, err,
			 port, pw);
		free(err);
		v->viewer_handle = 1;
		uv_close((uv_handle_t *)&v->viewer, on_viewer_closed);
	} else {
		v->viewer_running = 1;
		v->viewer_handle = 1;
		tui_logf(v->t, "%s: %s started on the VNC relay at 127.0.0.1::%d", v->host, argv[0],
			 port);
	}
	strv_free(argv);
}

/* Start a relay to h's graphical console and a viewer on it. */
static void vnc_open(struct tui *t, struct bmc_host *h)
{
	struct tui_vnc *v;
	char *err = NULL;
	size_t i = 0;

	/* One relay a host: V again shows the one there is. */
	for (v = relays; v != NULL; v = v->next, i++) {
		if (v->h != h || v->relay == NULL || v->stopping)
			continue;
		if (v->viewer_running) {
			tui_statusf(t, "%s: its VNC viewer is open (w lists the relays)", v->host);
		} else {
			dialog_sel = i;
			t->dialog = DIALOG_RELAYS;
		}
		return;
	}
	v = xcalloc(1, sizeof *v);
	v->t = t;
	v->h = h;
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
		v->stopping = 1;
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

/* The relay list. */

static struct tui_vnc *nth(size_t i)
{
	struct tui_vnc *v;

	for (v = relays; v != NULL && i > 0; v = v->next)
		i--;
	return v;
}

void tui_vnc_list_dialog(struct tui *t)
{
	if (vnc_open_count(t) == 0) {
		tui_statusf(t, "no VNC relay is running (V starts one for the selected host)");
		return;
	}
	if (nth(dialog_sel) == NULL)
		dialog_sel = 0;
	t->dialog = DIALOG_RELAYS;
}

static void stop_one(struct tui *t, struct tui_vnc *v)
{
	if (v->relay == NULL || v->stopping)
		return;
	v->stopping = 1;
	tui_logf(t, "%s: stopping the VNC relay on 127.0.0.1::%d", v->host,
		 vnc_relay_port(v->relay));
	if (v->viewer_running)
		uv_process_kill(&v->viewer, SIGTERM);
	vnc_relay_stop(v->relay); /* its end callback runs from the loop */
}

static void vnc_dialog_key(struct tui *t, enum tui_dialog d, int key)
{
	size_t n = 0;
	struct tui_vnc *v;

	if (d != DIALOG_RELAYS)
		return;
	for (v = relays; v != NULL; v = v->next)
		n++;
	if (n == 0)
		return;
	if (key == 'j' || key == KEY_DOWN) {
		dialog_sel = (dialog_sel + 1) % n;
	} else if (key == 'k' || key == KEY_UP) {
		dialog_sel = (dialog_sel + n - 1) % n;
	} else if (key == 'x' || key == KEY_DC) {
		if (nth(dialog_sel) != NULL)
			stop_one(t, nth(dialog_sel));
	} else {
		return; /* Esc, q and the rest close it */
	}
	t->dialog = DIALOG_RELAYS;
}

static void vnc_draw_dialog(struct tui *t)
{
	int w = COLS > 104 ? 100 : COLS - 4, h, y, x, row = 0, tw = w - 4;
	struct tui_vnc *v, *sel;
	size_t i, n = 0;
	char line[256];

	if (t->dialog != DIALOG_RELAYS)
		return;
	for (v = relays; v != NULL; v = v->next)
		n++;
	if (dialog_sel >= n)
		dialog_sel = n ? n - 1 : 0;
	sel = nth(dialog_sel);
	h = tui_draw_dialog(w, (int)n + 14, "VNC relays  (j k select, x stops, Esc closes)", &y,
			    &x);
	for (v = relays, i = 0; v != NULL && row < h - 10; v = v->next, i++, row++) {
		uint64_t to_viewer = 0, to_server = 0;

		if (v->relay != NULL)
			vnc_relay_counters(v->relay, &to_viewer, &to_server);
		if (v->relay != NULL)
			snprintf(line, sizeof line,
				 "%c %-16.16s 127.0.0.1::%-6d %-10s %llu B out, %llu B in",
				 i == dialog_sel ? '>' : ' ', v->host, vnc_relay_port(v->relay),
				 v->stopping	     ? "stopping"
				 : v->viewer_running ? "viewer"
						     : "no viewer",
				 (unsigned long long)to_viewer, (unsigned long long)to_server);
		else
			snprintf(line, sizeof line, "%c %-16.16s ended",
				 i == dialog_sel ? '>' : ' ', v->host);
		if (i == dialog_sel)
			attron(A_REVERSE);
		mvaddnstr(y + 1 + row, x + 2, line, tw);
		if (i == dialog_sel)
			attroff(A_REVERSE);
	}
	row++;
	if (sel == NULL || sel->relay == NULL)
		return;
	snprintf(line, sizeof line, "password file: %s", vnc_relay_password_file(sel->relay));
	row += tui_draw_wrapped(y + 1 + row, x + 2, tw, 0, 2, line, 4);
	if (sel->command != NULL)
		row += tui_draw_wrapped(y + 1 + row, x + 2, tw, 0, 3, "viewer here:", 4);
	if (sel->command != NULL)
		row +=
		    tui_draw_wrapped(y + 1 + row, x + 4, tw - 2, 0, h - 5 - row, sel->command, 4);
	if (sel->ssh != NULL && row < h - 4) {
		row +=
		    tui_draw_wrapped(y + 1 + row, x + 2, tw, 0, 2,
				     "from a workstation: this, then the viewer there with a copy "
				     "of the password file:",
				     4);
		tui_draw_wrapped(y + 1 + row, x + 4, tw - 2, 0, h - 3 - row, sel->ssh, 4);
	}
}

/* A pane in a window of its own: the dashboard only opens and closes it. */
const struct tui_pane_ops tui_vnc_pane = {
	.free = vnc_stop_all,
	.open = vnc_open,
	.close_all = vnc_close_all,
	.open_count = vnc_open_count,
	.open_noun = "VNC relay",
	.draw_dialog = vnc_draw_dialog,
	.dialog_key = vnc_dialog_key,
};
