/*
 * ipmi/host-session.h - a session's parameters taken from a host.
 */
#ifndef BMCTOP_IPMI_HOST_SESSION_H
#define BMCTOP_IPMI_HOST_SESSION_H

#include "core/engine.h"
#include "ipmi/session.h"

/*
 * Fill *par for a session with h's BMC: its loop, address, user, secrets,
 * privilege, cipher suite, timeout, retries and counters.  Errors go on the
 * host (host_set_error) and other payloads are dropped, until the caller
 * says otherwise.
 */
void ipmi_host_session_params(struct ipmi_session_params *par, struct bmc_host *h);

#endif
