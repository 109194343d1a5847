/*
 * ipmi/session.h - one RMCP+ session with one BMC, on a libuv loop.
 *
 * A session queues IPMI requests and sends them one at a time; it opens
 * itself on the first request (Get Channel Authentication Capabilities, Open
 * Session, RAKP 1-4, Set Session Privilege Level), keeps itself alive while
 * idle, retransmits on timeout, and opens itself again when the BMC lost it.
 * It knows nothing of hosts: whoever opens it fills a struct
 * ipmi_session_params (the IPMI backend from a host, the SOL console from
 * its host with its own error handling, a unit test from nothing at all).
 * Datagrams come through an endpoint on ipmi/transport.c's shared sockets.
 */
#ifndef BMCTOP_IPMI_SESSION_H
#define BMCTOP_IPMI_SESSION_H

#include <netinet/in.h>
#include <stdint.h>
#include <uv.h>

#include "core/cred.h"
#include "core/fleet.h"
#include "ipmi/msg.h"
#include "ipmi/rakp.h"
#include "ipmi/transport.h"

struct ipmi_session;

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

/*
 * What a session needs from its owner.  Strings and the counters are
 * borrowed: they must outlive the session.
 */
struct ipmi_session_params {
	uv_loop_t *loop;
	/* NULL: the loop's shared sockets.  Else the owner's (from
	 * ipmi_transport_new): the session takes a reference of its own. */
	struct ipmi_transport *transport;
	const char *name;    /* the host, for log lines */
	const char *address; /* the BMC's name or address */
	int port;
	const char *user;    /* NULL: the anonymous user */
	/* The password and K_g: asked for at init, and again when the
	 * handshake needs them (the owner's storage may move meanwhile).
	 * NULL with *err set to a malloc'd message when unavailable. */
	const struct secret *(*password)(void *cfg_ctx, char **err);
	const struct secret *(*kg)(void *cfg_ctx, char **err);
	int kg_given;	      /* the configuration names a K_g */
	enum fleet_privilege privilege;
	int cipher_suite;     /* CIPHER_SUITE_AUTO (17, then 3) or the one suite */
	int cached_suite;     /* auto: the suite that worked last time; 0: none */
	/* auto: a suite worked (to remember for next time); may be NULL. */
	void (*suite_worked)(void *cfg_ctx, int suite);
	void *cfg_ctx;	      /* for password, kg and suite_worked */
	uint64_t timeout_ms;  /* per attempt */
	int retries;	      /* attempts per packet (at least 1) */
	unsigned min_attempts; /* ... but at least this many (a console rides out loss) */
	uint64_t *counters;   /* CNT__MAX counters, indexed by enum bmc_counter */
	/* The session failed (status, and a message for a person); its queued
	 * requests fail next.  Runs inside the session: do not close it here. */
	void (*error)(void *ctx, int status, const char *msg);
	/* Payloads other than IPMI messages (SOL); NULL: dropped and counted. */
	void (*payload)(void *ctx, const struct ipmi_rmcpp_packet *p);
	void *ctx;
	/* Vendor workarounds (FLEET_WA_*, FreeIPMI's names): those forced by
	 * the fleet file, and whether others may be detected ("none": no). */
	unsigned wa_force;
	int wa_detect;
	/* What this host taught earlier runs: the workarounds that worked, and
	 * those that cost a login attempt to find out (tried once, ever). */
	unsigned wa_cached, wa_tried;
	/* A session learned something of the above; may be NULL. */
	void (*wa_learned)(void *cfg_ctx, unsigned used, unsigned tried);
	/* Where the workarounds in use (bits) and the packets they saved are
	 * reported; borrowed like counters, may be NULL. */
	unsigned *wa_in_use;
	uint64_t *wa_fixups;
};

struct ipmi_session {
	struct ipmi_session_params par;
	struct ipmi_transport *transport; /* one reference, released on close */
	struct ipmi_endpoint ep;	  /* the BMC's address, once known */
	enum ipmi_session_state state;
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

	void (*closed_cb)(struct ipmi_session *s);
	int close_requested;
	unsigned wa;	   /* workarounds in use on this session (FLEET_WA_*) */
	int authcap_doubt; /* Get Channel Auth Caps contradicted our login */
	int kg_claimed;	   /* ... and said the BMC has a K_g set */
};

/* Workaround w is forced, or may be used once seen (session-setup.c). */
int ipmi_session_wa_allowed(const struct ipmi_session *s, unsigned w);
/* Workaround w saved the session (n packets): note it for the owner. */
void ipmi_session_wa_note(struct ipmi_session *s, unsigned w, uint64_t n);

/* Set up a session (no traffic yet); *par is copied.  0, or -1 with *err
 * set to a malloc'd message. */
int ipmi_session_init(struct ipmi_session *s, const struct ipmi_session_params *par, char **err);
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
 * BMC_ECANCELED, close the timer, let go of the transport; cb runs when
 * done. */
void ipmi_session_close(struct ipmi_session *s, void (*cb)(struct ipmi_session *s));
/* Forget the session (BMC lost it); queued requests stay queued. */
void ipmi_session_reset(struct ipmi_session *s);
const char *ipmi_session_state_name(enum ipmi_session_state st);

#endif
