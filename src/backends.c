/*
 * backends.c - which backend serves which fleet protocol.
 *
 * Protocol backends register here as they are built; a protocol with no
 * backend yet gives hosts a clear "not built" error instead of silence.
 */
#include "config.h"

#include <stddef.h>

#include "backend.h"

const struct bmc_backend *backend_for_protocol(enum fleet_protocol p)
{
	switch (p) {
	case PROTO_AUTO: /* IPMI until the Redfish backend exists */
	case PROTO_IPMI:
		return &ipmi_backend;
	case PROTO_REDFISH:
		return &redfish_backend;
	case PROTO_BOTH:
		break;
	}
	return NULL;
}
