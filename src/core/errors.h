/*
 * core/errors.h - the engine's error codes.
 *
 * Functions return 0 or a negative BMC_E* code, libuv style.  The code says
 * what kind of failure it was (the scheduler acts on that); the human text
 * with host and detail is kept separately on the host.
 */
#ifndef BMCTOP_ERRORS_H
#define BMCTOP_ERRORS_H

enum {
	BMC_EAUTH = -1000,	/* credentials rejected: never retry on our own */
	BMC_ETIMEDOUT = -1001,	/* no answer within timeout x retries */
	BMC_EPROTO = -1002,	/* the peer broke the protocol */
	BMC_ENOTSUP = -1003,	/* the BMC or backend does not offer this */
	BMC_ECONFIG = -1004,	/* our configuration is wrong */
	BMC_EREFUSED = -1005,	/* we refuse: insecure or unsupported peer */
	BMC_EIO = -1006,	/* local I/O or system call failure */
	BMC_ECANCELED = -1007,	/* shut down before it finished */
	BMC_EBUSY = -1008,	/* the BMC says busy (session limit, payload active) */
	BMC_ETLS = -1009,	/* TLS trust failure: key changed, not verified */
	BMC_ECOMPLETION = -1010, /* the BMC answered with a failing completion code */
	BMC_EAGAIN = -1011	/* a queue is full: try again after it drains */
};

/* A short description of a BMC_E* code or a negative libuv/errno code. */
const char *bmc_strerror(int err);

#endif
