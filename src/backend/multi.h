/*
 * backend/multi.h - protocol = auto and protocol = both: one host served by
 * the IPMI and the Redfish backends together (backend/multi.c).
 */
#ifndef BMCTOP_BACKEND_MULTI_H
#define BMCTOP_BACKEND_MULTI_H

#include "backend/backend.h"

/* auto: Redfish when the service root answers, else IPMI; kept once decided. */
extern const struct bmc_backend auto_backend;
/* both: Redfish for power, inventory and events, IPMI for sensors. */
extern const struct bmc_backend both_backend;

/*
 * The per-protocol host a composite backend drives for h (its own
 * backend_data, counters and error), or NULL when h is not composite or
 * that protocol is not attached.  For code that needs one protocol's
 * session, such as an IPMI SOL console on a host polled over both.
 */
struct bmc_host *multi_sub_host(struct bmc_host *h, enum bmc_source which);

#endif
