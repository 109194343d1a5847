/*
 * backend/registry.c - which backend serves which fleet protocol.
 *
 * auto and both are the composite backend (backend/multi.c) over the two
 * protocol backends; a protocol with no backend gives hosts a clear "not
 * built" error instead of silence.
 */
#include "config.h"

#include <stddef.h>

#include "backend/multi.h"

const struct bmc_backend *backend_for_protocol(enum fleet_protocol p)
{
	switch (p) {
	case PROTO_AUTO:
		return &auto_backend;
	case PROTO_IPMI:
		return &ipmi_backend;
	case PROTO_REDFISH:
		return &redfish_backend;
	case PROTO_BOTH:
		return &both_backend;
	}
	return NULL;
}
