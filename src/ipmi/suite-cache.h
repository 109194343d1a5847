/*
 * ipmi/suite-cache.h - the cipher suite that worked, remembered per host
 * (name, address and port) in the state directory, with the vendor
 * workarounds the host needs.
 */
#ifndef BMCTOP_IPMI_SUITE_CACHE_H
#define BMCTOP_IPMI_SUITE_CACHE_H

#include "core/fleet.h"

/* The suite that worked for hc last time, or 0. */
int ipmi_suite_cache_get(const struct host_config *hc);
void ipmi_suite_cache_put(const struct host_config *hc, int suite);
/* The workarounds (FLEET_WA_*) found needed for hc, and those that cost a
 * login attempt to find out (never tried again). */
void ipmi_wa_cache_get(const struct host_config *hc, unsigned *used, unsigned *tried);
void ipmi_wa_cache_put(const struct host_config *hc, unsigned used, unsigned tried);

#endif
