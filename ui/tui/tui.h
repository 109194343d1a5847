/*
 * tui/tui.h - the dashboard: an ncurses front end on the engine's loop.
 */
#ifndef BMCTOP_TUI_H
#define BMCTOP_TUI_H

#include "core/engine.h"

/* 0 when stdin and stdout are a terminal, else -1 (said on stderr): asked
 * before the engine is started. */
int tui_check_terminal(void);
/* Run the dashboard on a started engine until the user quits; title names
 * the fleet on the status line.  Returns 0 (the exit code). */
int tui_run(struct bmc_engine *e, const char *title);

#endif
