/*
 * ipmi/suite-cache.h - the cipher suite that worked, remembered per host
 * (name, address and port) in the state directory.
 */
#ifndef BMCTOP_IPMI_SUITE_CACHE_H
#define BMCTOP_IPMI_SUITE_CACHE_H

#include "core/fleet.h"

/* The suite that worked for hc last time, or 0. */
int ipmi_suite_cache_get(const struct host_config *hc);
void ipmi_suite_cache_put(const struct host_config *hc, int suite);

#endif
