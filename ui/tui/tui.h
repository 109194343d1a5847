/*
 * tui/tui.h - the dashboard: an ncurses front end on the engine's loop.
 */
#ifndef BMCTOP_TUI_H
#define BMCTOP_TUI_H

#include "cli/cli.h"

/* Run the dashboard on c's fleet until the user quits; returns an exit code. */
int tui_run(struct cli *c);

#endif
