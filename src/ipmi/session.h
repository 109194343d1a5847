/*
 * ipmi/session.h - one RMCP+ session with one BMC, on the engine's loop.
 *
 * A session queues IPMI requests and sends them one at a time; it opens
 * itself on the first request (Get Channel Authentication Capabilities, Open
 * Session, RAKP 1-4, Set Session Privilege Level), keeps itself alive while
 * idle, retransmits on timeout, and opens itself again when the BMC lost it.
 * All hosts share one UDP socket per address family (ipmi/transport.c), so
 * ten thousand BMCs cost two file descriptors.
 */
#ifndef BMCTOP_IPMI_SESSION_H
#define BMCTOP_IPMI_SESSION_H

#include <netinet/in.h>
#include <stdint.h>
#include <uv.h>

#include "core/engine.h"
#include "ipmi/msg.h"
#include "ipmi/rakp.h"

struct ipmi_session;
struct ipmi_transport;

/* A request's completion: status 0 with rsp (whose ccode may be non-zero),
 * or a negative BMC_E* with rsp NULL. */
typedef void (*ipmi_rsp_cb)(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			    void *arg);

enum ipmi_session_state {
	IPMI_S_IDLE,	 /* no session */
	IPMI_S_RESOLVING,
	IPMI_S_AUTHCAP,	 /* Get Channel Authentication Capabilities sent */
	IPMI_S_OPEN,	 /* Open Session Request sent */
	IPMI_S_RAKP1,	 /* RAKP 1 sent, waiting for RAKP 2 */
	IPMI_S_RAKP3,	 /* RAKP 3 sent, waiting for RAKP 4 */
	IPMI_S_SETPRIV,	 /* Set Session Privilege Level sent */
	IPMI_S_ACTIVE,
	IPMI_S_CLOSING,	 /* Close Session sent */
	IPMI_S_CLOSED	 /* handles closed; free to detach */
};

struct ipmi_request {
	struct ipmi_request *next;
	uint8_t netfn;
	uint8_t cmd;
	uint8_t data[64];
	size_t len;
	ipmi_rsp_cb cb;
	void *arg;
	unsigned attempts;
	int reopened;	    /* already retried once on a new session */
	uint8_t first_rqseq; /* rqSeq of the first attempt; each retry takes the next */
	uint64_t first_sent_ms; /* when the first attempt went out */
};

struct ipmi_session {
	struct bmc_host *host;
	struct ipmi_transport *transport;
	enum ipmi_session_state state;
	struct sockaddr_storage addr;
	int addr_ok;
	uv_getaddrinfo_t resolver;
	int resolving;

	/* Session parameters. */
	int suite;	       /* in use or being tried */
	int suite_fixed;       /* from the fleet file; no fallback */
	int suite_fallback;    /* auto: the suite to try after this one */
	uint8_t privilege;
	uint32_t console_sid;
	uint32_t bmc_sid;
	uint32_t out_seq;      /* our outbound session sequence number */
	uint32_t in_seq;       /* highest inbound sequence number seen */
	uint32_t in_seen;      /* bitmap: bit n = in_seq - n was seen */
	uint8_t rqseq;	       /* IPMI request sequence, 6 bits */
	uint8_t tag;	       /* RMCP+ message tag */
	struct ipmi_rakp rakp;
	struct ipmi_session_keys keys;
	int have_keys;

	/* The packet in flight, kept for retransmission. */
	uv_timer_t timer;
	uint8_t pkt[IPMI_MAX_PACKET];
	size_t pkt_len;
	unsigned setup_attempts;
	unsigned handshake_restarts; /* bounded: a lossy link must not loop */
	uint64_t last_rx_ms;
	uint64_t step_start_ms; /* the current setup step's first attempt */
	/* Round-trip estimate from answered first attempts (RFC 6298's
	 * smoothing); kept across sessions with the same BMC. */
	uint32_t srtt_ms, rttvar_ms;
	int have_rtt;

	struct ipmi_request *queue_head, *queue_tail;
	struct ipmi_request *inflight;

	/* SOL and other payloads route here when set (console issue). */
	void (*payload_cb)(struct ipmi_session *s, const struct ipmi_rmcpp_packet *p);
	void *payload_arg;
	/* When set, a failed session reports here instead of on the host: a
	 * console's own session must not mark a host failed that polls well. */
	void (*error_cb)(struct ipmi_session *s, int status, const char *msg);
	/* At least this many attempts per packet, whatever the fleet's
	 * retries (a console rides out loss that a poll would report). */
	unsigned min_attempts;

	void (*closed_cb)(struct ipmi_session *s);
	int close_requested;
	struct ipmi_session *hash_next; /* ipmi/transport.c's address table */
	int registered;
};

/* Set up a session for h (no traffic yet).  0, or -1 with *err set. */
int ipmi_session_init(struct ipmi_session *s, struct bmc_host *h, char **err);
/* The same on transport t (from ipmi_transport_new, still the caller's to
 * release): a second session to a BMC that has one on the shared sockets. */
int ipmi_session_init_transport(struct ipmi_session *s, struct bmc_host *h,
				struct ipmi_transport *t, char **err);
/* Queue a request; the session opens itself if needed.  Returns 0 (cb will
 * run) or a negative code when it cannot even be queued. */
int ipmi_session_request(struct ipmi_session *s, uint8_t netfn, uint8_t cmd, const uint8_t *data,
			 size_t len, ipmi_rsp_cb cb, void *arg);
/* Send a payload of another type (SOL) on the active session, with its
 * integrity and confidentiality and the next sequence number.  Not kept for
 * retransmission.  0, BMC_EAGAIN when the session is not active, or a
 * negative libuv code from the socket. */
int ipmi_session_send_payload(struct ipmi_session *s, enum ipmi_payload_type type,
			      const uint8_t *payload, size_t len);
/* Send Close Session (waiting briefly), fail queued requests with
 * BMC_ECANCELED, close the timer; cb runs when done. */
void ipmi_session_close(struct ipmi_session *s, void (*cb)(struct ipmi_session *s));
/* Forget the session (BMC lost it); queued requests stay queued. */
void ipmi_session_reset(struct ipmi_session *s);
const char *ipmi_session_state_name(enum ipmi_session_state st);

/* For ipmi/transport.c: a datagram from this session's BMC. */
void ipmi_session_on_packet(struct ipmi_session *s, const uint8_t *buf, size_t len);

/* The shared sockets. */
struct ipmi_transport *ipmi_transport_get(uv_loop_t *loop);
/* A transport of one's own, with its own sockets (one reference). */
struct ipmi_transport *ipmi_transport_new(uv_loop_t *loop);
void ipmi_transport_add(struct ipmi_transport *t, struct ipmi_session *s);
void ipmi_transport_remove(struct ipmi_transport *t, struct ipmi_session *s);
/* Send a datagram to s's BMC; 0 or a negative libuv code. */
int ipmi_transport_send(struct ipmi_transport *t, struct ipmi_session *s, const uint8_t *buf,
			size_t len);
/* Drop one reference; the last closes the sockets, then calls cb. */
void ipmi_transport_release(struct ipmi_transport *t, void (*cb)(void *arg), void *arg);

/* Cipher suites that worked, remembered per host in the state directory. */
int ipmi_suite_cache_get(const struct host_config *hc);
void ipmi_suite_cache_put(const struct host_config *hc, int suite);

#endif
