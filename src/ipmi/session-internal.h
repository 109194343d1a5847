/*
 * ipmi/session-internal.h - what the two halves of the session state
 * machine share: ipmi/session.c (requests, retransmission, the established
 * session, closing) and ipmi/session-setup.c (opening it).  Not for users
 * of a session; they have ipmi/session.h.
 */
#ifndef BMCTOP_IPMI_SESSION_INTERNAL_H
#define BMCTOP_IPMI_SESSION_INTERNAL_H

#include "ipmi/session.h"

static inline uint64_t ipmi_session_now(const struct ipmi_session *s)
{
	return uv_now(s->par.loop);
}

/* session.c */

/* Attempts per packet: the configured retries, at least min_attempts. */
unsigned ipmi_session_max_attempts(const struct ipmi_session *s);
/* The session failed: tell the owner why, fail the queue, start over later. */
void ipmi_session_fail(struct ipmi_session *s, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Send (again) the packet in s->pkt. */
void ipmi_session_send_packet(struct ipmi_session *s);
void ipmi_session_arm_timer(struct ipmi_session *s, uint64_t ms);
void ipmi_session_wipe_keys(struct ipmi_session *s);
/* A round trip measured on a first attempt (Karn: never on a retry). */
void ipmi_session_rtt_sample(struct ipmi_session *s, uint64_t ms);
struct ipmi_request *ipmi_session_new_request(uint8_t netfn, uint8_t cmd, const uint8_t *data,
					      size_t len, ipmi_rsp_cb cb, void *arg);
/* One attempt of r, with its timer. */
void ipmi_session_send_request(struct ipmi_session *s, struct ipmi_request *r);
/* The timeout message's tail when answers came and were all dropped. */
void ipmi_session_dropped_answers(struct ipmi_session *s, uint64_t since_ms, char *buf, size_t len);
/* Count a packet dropped for an IPMI_DROP_* reason. */
void ipmi_session_count_drop(struct ipmi_session *s, int why);
void ipmi_session_close_finish(struct ipmi_session *s);

/* session-setup.c */

/* Open the session: resolve the address if need be, then the handshake. */
void ipmi_session_setup_start(struct ipmi_session *s);
/* A datagram in one of the handshake's states (authcap to RAKP 3). */
void ipmi_session_setup_packet(struct ipmi_session *s, const uint8_t *buf, size_t len);
/* The timer ran out in one of those states: retransmit, fall back, or fail. */
void ipmi_session_setup_timeout(struct ipmi_session *s);

#endif
