/*
 * vnc/viewer.c - finding and starting a VNC viewer.
 *
 * Viewers are started with uv_spawn on the loop, so the relay keeps
 * running while the viewer is open and its exit is an event like any
 * other.  A template is split at spaces rather than given to a shell: a
 * password file path or host name can never become shell syntax.  The
 * viewer gets bmctop's environment without its secrets (cred_child_env).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vnc/viewer.h"
#include "core/cred.h"
#include "core/errors.h"
#include "core/xalloc.h"

int vnc_viewer_have_display(void)
{
	const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");

	return (x != NULL && x[0] != '\0') || (w != NULL && w[0] != '\0');
}

/* Whether name is an executable in $PATH. */
static int in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	int found = 0;

	if (path == NULL)
		return 0;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", dir, name);

		found = access(full, X_OK) == 0;
		free(full);
	}
	free(copy);
	return found;
}

/* One word of a template with %h, %p, %f and %% replaced. */
static char *expand_word(const char *w, size_t len, int port, const char *passwd_file)
{
	char *out = xstrdup(""), *tmp;
	size_t i;

	for (i = 0; i < len; i++) {
		if (w[i] == '%' && i + 1 < len) {
			char c = w[++i];

			if (c == 'h')
				tmp = xasprintf("%s127.0.0.1", out);
			else if (c == 'p')
				tmp = xasprintf("%s%d", out, port);
			else if (c == 'f')
				tmp = xasprintf("%s%s", out, passwd_file);
			else
				tmp = xasprintf("%s%c", out, c);
		} else {
			tmp = xasprintf("%s%c", out, w[i]);
		}
		free(out);
		out = tmp;
	}
	return out;
}

static char **split_template(const char *tmpl, int port, const char *passwd_file)
{
	char **argv = NULL;
	size_t n = 0;
	const char *p = tmpl;

	for (;;) {
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, " \t");
		argv = xreallocarray(argv, n + 2, sizeof *argv);
		argv[n++] = expand_word(p, len, port, passwd_file);
		p += len;
	}
	if (argv != NULL)
		argv[n] = NULL;
	return argv;
}

static const struct {
	const char *name;
	const char *tmpl;
	int reads_passwd_file;
} known_viewers[] = {
    /* TigerVNC and TightVNC take HOST::PORT for a port number. */
    {"xtigervncviewer", "xtigervncviewer -passwd %f %h::%p", 1},
    {"vncviewer", "vncviewer -passwd %f %h::%p", 1},
    {"remmina", "remmina -c vnc://%h:%p", 0},
    {"gvncviewer", "gvncviewer %h::%p", 0},
};

char **vnc_viewer_argv(const char *tmpl, int port, const char *passwd_file, char **warning,
		       char **err)
{
	size_t i;
	char **argv;

	*warning = NULL;
	*err = NULL;
	if (tmpl != NULL && tmpl[0] != '\0') {
		argv = split_template(tmpl, port, passwd_file);
		if (argv == NULL)
			*err = xstrdup("vnc-viewer is empty");
		return argv;
	}
	for (i = 0; i < sizeof known_viewers / sizeof known_viewers[0]; i++) {
		if (!in_path(known_viewers[i].name))
			continue;
		if (!known_viewers[i].reads_passwd_file)
			*warning = xasprintf(
			    "%s cannot read a password file and will ask for the relay's one-time "
			    "password; xtigervncviewer (Debian: tigervnc-viewer) can, or set "
			    "vnc-viewer = COMMAND in the fleet file",
			    known_viewers[i].name);
		return split_template(known_viewers[i].tmpl, port, passwd_file);
	}
	*err = xstrdup(
	    "no VNC viewer found (xtigervncviewer, vncviewer, remmina, gvncviewer): install one "
	    "(Debian: tigervnc-viewer) or set vnc-viewer = COMMAND in the fleet file");
	return NULL;
}

int vnc_viewer_spawn(uv_loop_t *loop, uv_process_t *proc, char **argv, int quiet,
		     uv_exit_cb exit_cb, char **err)
{
	uv_process_options_t o;
	uv_stdio_container_t stdio[3];
	int rc;

	memset(&o, 0, sizeof o);
	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = quiet ? UV_IGNORE : UV_INHERIT_FD;
	stdio[1].data.fd = 1;
	stdio[2].flags = quiet ? UV_IGNORE : UV_INHERIT_FD;
	stdio[2].data.fd = 2;
	o.file = argv[0];
	o.args = argv;
	o.exit_cb = exit_cb;
	o.stdio = stdio;
	o.stdio_count = 3;
	o.env = cred_child_env();
	rc = uv_spawn(loop, proc, &o);
	/* uv_spawn returns once the child has exec'd (or failed to). */
	strv_free(o.env);
	if (rc != 0) {
		*err = xasprintf("cannot start the viewer %s: %s", argv[0], uv_strerror(rc));
		return BMC_EIO;
	}
	return 0;
}
