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

#endif
