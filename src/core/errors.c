/*
 * core/errors.c - text for the engine's error codes.
 *
 * Negative codes that are not ours are libuv's (which are negated errno
 * values on Unix), so they are passed to uv_strerror().
 */
#include "config.h"

#include <uv.h>

#include "core/errors.h"

const char *bmc_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case BMC_EAUTH:
		return "authentication failed";
	case BMC_ETIMEDOUT:
		return "no response (timed out)";
	case BMC_EPROTO:
		return "protocol error";
	case BMC_ENOTSUP:
		return "not supported";
	case BMC_ECONFIG:
		return "configuration error";
	case BMC_EREFUSED:
		return "refused";
	case BMC_EIO:
		return "I/O error";
	case BMC_ECANCELED:
		return "canceled";
	case BMC_EBUSY:
		return "busy";
	case BMC_ETLS:
		return "TLS trust failure";
	case BMC_ECOMPLETION:
		return "command failed on the BMC";
	case BMC_EAGAIN:
		return "queue full; try again";
	}
	return uv_strerror(err);
}
