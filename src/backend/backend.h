/*
 * backend/backend.h - the operations table a protocol backend implements.
 *
 * The scheduler and the front ends call these through engine_*() without
 * knowing whether a host speaks IPMI or Redfish.  Every operation is
 * asynchronous: it returns 0 once started (the callback will run exactly
 * once) or a negative BMC_E* code when it could not start (the callback will
 * not run).  A NULL entry means the backend does not offer the operation.
 */
#ifndef BMCTOP_BACKEND_H
#define BMCTOP_BACKEND_H

#include "core/engine.h"

struct bmc_backend {
	const char *name;
	/* Allocate per-host state in h->backend_data; may refuse the config. */
	int (*attach)(struct bmc_host *h, char **err);
	/* Discover the BMC (device ID, service root); part of the first poll. */
	int (*probe)(struct bmc_host *h, bmc_op_cb cb, void *arg);
	int (*poll)(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg);
	int (*power)(struct bmc_host *h, enum bmc_power_action a, bmc_op_cb cb, void *arg);
	int (*boot)(struct bmc_host *h, enum bmc_boot_device dev, int persistent, bmc_op_cb cb,
		    void *arg);
	int (*identify)(struct bmc_host *h, int seconds, bmc_op_cb cb, void *arg);
	/*
	 * End sessions politely (bounded in time) and close handles; done runs
	 * once everything is closed.  Must cancel operations in flight, whose
	 * callbacks then run with BMC_ECANCELED.
	 */
	void (*close)(struct bmc_host *h, void (*done)(struct bmc_host *h));
	/* Learn the BMC's current TLS key and record it as trusted ("bmctop trust"). */
	int (*trust)(struct bmc_host *h, bmc_op_cb cb, void *arg);
	/* Free h->backend_data after close completed. */
	void (*detach)(struct bmc_host *h);
};

extern const struct bmc_backend ipmi_backend;
extern const struct bmc_backend redfish_backend;

/* The built-in backends; NULL when not compiled in yet. */
const struct bmc_backend *backend_for_protocol(enum fleet_protocol p);

#endif
