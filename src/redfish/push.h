/*
 * redfish/push.h - Redfish push: one Server-Sent Events stream per BMC,
 * at the ServerSentEventUri its EventService advertises, so that events
 * reach the screen at once instead of at the next poll.
 *
 * Polling goes on at its schedule whatever happens here: an event on the
 * stream only asks the scheduler to poll that host now (its event log,
 * health and power), which turns what changed into fleet events.  The
 * stream borrows the poll's session (its token, or Basic) and never logs
 * in itself: a 401 asks for a poll, which logs in again under the session
 * rules; a second 401 in a row stops push for the host.  Streams start
 * only while the scheduler polls periodically (the dashboard, serve,
 * events --follow), after a good poll, and at most redfish-push-max at
 * once in the process.
 */
#ifndef BMCTOP_REDFISH_PUSH_H
#define BMCTOP_REDFISH_PUSH_H

#include <jansson.h>
#include <stddef.h>

#include "backend/backend.h"

#define PUSH_IDLE_MS	    120000 /* no byte (keep-alive comments count) for this long: reconnect */
#define PUSH_BACKOFF_MIN_MS 1000
#define PUSH_BACKOFF_MAX_MS 300000
#define PUSH_STABLE_MS	    60000 /* a stream that lasted this long resets the backoff */
#define PUSH_MAX_DEFAULT    1000

/* A poll of h ended with status: start, resume or leave the stream. */
void rf_push_poll_done(struct bmc_host *h, int status);
/* The host is closing: end its stream and timers now (no callback after). */
void rf_push_stop(struct bmc_host *h);

/*
 * What an EventService body offers: 0 with the stream's link (uri, and the
 * $filter the service takes appended), or -1 when it offers no stream
 * (ServiceEnabled false, or no ServerSentEventUri).  Pure, for the tests.
 */
int rf_push_stream_link(json_t *event_service, char *out, size_t outlen);

#endif
