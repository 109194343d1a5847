/*
 * fuzz-sim.h - one simulated BMC for the fuzz targets of bmcsim's server
 * side: options as bmcsim's command line would set them, no sockets.
 */
#ifndef BMCTOP_FUZZ_SIM_H
#define BMCTOP_FUZZ_SIM_H

#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* Aborts if the simulator cannot be set up: the target would test nothing. */
static inline void fuzz_sim_init(struct sim *sim, uv_loop_t *loop, const char *user,
				 const char *password, unsigned seed)
{
	struct sim_options o;
	char *err = NULL;

	memset(&o, 0, sizeof(o));
	o.count = 1;
	o.addresses = 1;
	o.seed = seed;
	strcpy(o.address, "127.0.0.1");
	strcpy(o.user, user);
	strcpy(o.password, password);
	if (uv_loop_init(loop) != 0 || sim_init(sim, loop, &o, &err) != 0)
		abort();
}

#endif
