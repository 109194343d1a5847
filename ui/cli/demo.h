/*
 * cli/demo.h - "bmctop --demo": the dashboard on a fleet simulated by bmcsim.
 */
#ifndef BMCTOP_DEMO_H
#define BMCTOP_DEMO_H

#include "cli/cli.h"

/*
 * Start bmcsim with its demo fleet, run the dashboard on it, then stop
 * bmcsim and remove every file the demo made.  Returns an exit status;
 * finishes c (cli_finish) itself, before bmcsim stops.  readonly: as
 * bmctop --readonly (the dashboard only looks).
 */
int demo_run(struct cli *c, int readonly);

#endif
