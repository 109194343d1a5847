/*
 * vnc/viewer.h - starting a VNC viewer at a local relay, for "bmctop vnc"
 * and the dashboard's key.
 *
 * The command comes from the fleet's vnc-viewer = template (split at
 * spaces, never through a shell; %h host, %p port, %f password file, %%
 * a percent sign), else the first installed of xtigervncviewer,
 * vncviewer, remmina and gvncviewer.
 */
#ifndef BMCTOP_VNC_VIEWER_H
#define BMCTOP_VNC_VIEWER_H

#include <uv.h>

/* Whether a graphical display is there to open a viewer on. */
int vnc_viewer_have_display(void);
/*
 * The viewer's argv (malloc'd, NULL-terminated; free with
 * strv_free), or NULL with *err when none is installed.
 * *warning, when set (malloc'd), is a caveat for the user (a viewer that
 * cannot read the password file).
 */
char **vnc_viewer_argv(const char *tmpl, int port, const char *passwd_file, char **warning,
		       char **err);
/*
 * Start the viewer on loop; exit_cb runs when it exits (then close proc).
 * It gets bmctop's environment without secrets (cred_child_env).
 * quiet: its output goes to /dev/null (the dashboard owns the terminal).
 * 0, or a negative code with *err.
 */
int vnc_viewer_spawn(uv_loop_t *loop, uv_process_t *proc, char **argv, int quiet,
		     uv_exit_cb exit_cb, char **err);

#endif
