/*
 * core/capture.h - the recorder behind `bmctop capture HOST DIR`: what the
 * backends read from one BMC, written as a replayable capture.
 *
 * DIR/redfish/v1/.../index.json holds every Redfish resource read (a DMTF
 * mockup tree); DIR/ipmi.txt every IPMI request and its answer, one line
 * each ("NETFN CMD REQUEST -> CCODE RESPONSE", hex, "-" when empty);
 * DIR/README says what was captured and lists every redaction.  Serial
 * numbers, UUIDs and GUIDs, MAC and IP addresses, host and user names and
 * tokens are replaced (unless CAPTURE_KEEP_SECRETS) by placeholders of the
 * same shape, the same value always by the same placeholder.
 *
 * The recorder is process-wide (capture_recorder): the command polls one
 * host, and its backends may run on shadow hosts of their own
 * (backend/multi.c), which a per-host pointer would not reach.  The
 * backends call capture_redfish() and capture_ipmi() at one place each when
 * it is set.  Files are made 0600 and directories 0700, each created anew
 * (O_EXCL) and never through a symbolic link.
 */
#ifndef BMCTOP_CAPTURE_H
#define BMCTOP_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture;

/* The capture running in this process, or NULL (the backends' hooks). */
extern struct capture *capture_recorder;

enum { CAPTURE_KEEP_SECRETS = 1, CAPTURE_FORCE = 2 };

/*
 * Start a capture into dir: made 0700 when missing; an existing one must be
 * empty unless CAPTURE_FORCE.  0, or a negative BMC_E* with *err (malloc'd).
 */
int capture_open(struct capture **out, const char *dir, unsigned flags, char **err);
/* A Redfish answer: a GET's 2xx body is written into the tree at url's path. */
void capture_redfish(struct capture *c, const char *method, const char *url, long status,
		     const char *body, size_t len);
/* An IPMI request (data after netfn and cmd) and its answer (after ccode). */
void capture_ipmi(struct capture *c, uint8_t netfn, uint8_t cmd, const uint8_t *req, size_t req_len,
		  uint8_t ccode, const uint8_t *rsp, size_t rsp_len);
/*
 * Write what waits for the end (paged collections, members read expanded,
 * ipmi.txt) and the README (note: a line for it, or NULL), say how many
 * Redfish resources and IPMI answers the capture holds (either may be
 * NULL), and free c.  0, or a negative BMC_E* with *err: the first error.
 */
int capture_close(struct capture *c, const char *note, size_t *resources, size_t *answers,
		  char **err);

#endif
