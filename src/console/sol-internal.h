/*
 * console/sol-internal.h - what the SOL console's two files share:
 * console/sol.c (the session, activating and taking over the payload,
 * losing it and reconnecting, the console operations) and
 * console/sol-link.c (the character stream on an active payload).
 */
#ifndef BMCTOP_CONSOLE_SOL_INTERNAL_H
#define BMCTOP_CONSOLE_SOL_INTERNAL_H

#include "console/console.h"
#include "ipmi/session.h"
#include "ipmi/sol.h"

#define SOL_INSTANCE 1

/* Tries per packet toward the BMC, at least (the fleet's retries may say more). */
#define SOL_MIN_TRIES 7
/*
 * Ask the BMC who holds the payload this often, busy or not: SOL traffic
 * does not keep a session alive everywhere (ipmi_sim closes a session after
 * 30 s without an IPMI message, in the middle of a stream), the answer
 * tells whether the session is still the one SOL runs on, and it is how an
 * idle console learns that another client took it over.
 */
#define HOLDER_CHECK_MS 3000
/*
 * A stream stalled after a packet this long: guess.  Echoed keys are short.
 * The wait is a few round trips (measured from our ack to the BMC's next
 * packet in a stream), so a slow link is not flooded with guesses.
 */
#define GUESS_MIN_LEN  64
#define GUESS_RTTS     4
#define GUESS_MIN_MS   20
#define GUESS_MAX_MS   1000
#define GUESS_FIRST_MS 100
/* After the fast rounds, a burst cut off is asked again this often (well
 * inside ipmi_sim's one second) for this long after its last packet. */
#define GUESS_SLOW_MS  250
#define GUESS_PROBE_MS 10000
/* Acknowledgements in a row that match nothing we sent: the BMC restarted. */
#define STRAY_LIMIT	   8
#define RECONNECT_FIRST_MS 1000
#define RECONNECT_MAX_MS   10000
/*
 * Deactivate Payload on close is polite, and spares the next client an
 * "already active" until the BMC times our session out: three tries of the
 * fleet's timeout, within these bounds.
 */
#define CLOSE_WAIT_MIN_MS 1500
#define CLOSE_WAIT_MAX_MS 6000

enum sol_phase {
	PH_IDLE,       /* no session: waiting to reconnect */
	PH_ACTIVATING, /* Activate Payload queued or sent */
	PH_CHECKING,   /* "already active": asking which session holds it */
	PH_BUSY,       /* another session holds it; console_steal() takes it */
	PH_STEALING,   /* Deactivate Payload sent; Activate follows */
	PH_ACTIVE,
	PH_TAKEN,  /* another client took the payload; console_steal() takes it back */
	PH_FAILED, /* gave up; waiting for console_close() */
	PH_CLOSING
};

struct sol_console {
	struct console *c;
	struct ipmi_transport *transport;
	struct ipmi_session session;
	int session_live;    /* initialised and not closed yet */
	int session_closing; /* ipmi_session_close() called, callback pending */
	enum sol_phase phase;
	int steal_wanted;	   /* steal as soon as "already active" comes */
	int stole;		   /* Deactivate Payloads sent before this activation */
	uint8_t refused;	   /* Activate Payload's refusal, while we ask whose it is */
	int was_active;		   /* a payload was active before: say "reconnected" */
	uint32_t active_sid;	   /* BMC session ID our payload is on */
	uint32_t lost_sid;	   /* ... and of the one we lost, to know it again */
	uint32_t lost_console_sid; /* its ID at our end, which some BMCs name */

	struct sol_state proto;
	size_t chars_per_packet;
	int synced;  /* our first (empty) packet was answered */
	int holding; /* the BMC said NACK or unavailable */
	/* Characters toward the host: q[qhead .. qhead + qlen). */
	uint8_t *q;
	size_t qhead, qlen, qcap;
	int break_pending;
	uint8_t pkt[SOL_HEADER_LEN + SOL_MAX_CHARS]; /* in flight */
	size_t pkt_len;
	unsigned tries;
	unsigned guess_round;
	size_t rx_longest; /* the longest packet from the BMC this activation */
	int stream_cut;	   /* the stream stopped after a packet that long */
	uint64_t cut_ms;   /* ... at this loop time */
	uint64_t srtt_us;  /* smoothed round trip in a stream; 0: none yet */
	uint64_t acked_us; /* when we acked the last new packet; 0: no sample */
	uint8_t acked_seq; /* ... which was this one */
	int check_pending; /* Get Payload Instance Info in flight */
	int holder_named;  /* ... and it named our session as the holder */

	uv_timer_t retx_timer, guess_timer, check_timer, failure_timer, reconnect_timer;
	unsigned open_handles;

	/* A session failure, handled from the loop rather than inside the session. */
	int failure_status;
	char *failure_msg;
	uint64_t backoff_ms;

	/* For the log at close. */
	uint64_t retransmits, duplicates, guesses, clamped, overruns;

	/* What the link (console/sol-link.c) reports to the console, which
	 * sets these at open: the link was lost (the console reconnects), or
	 * another client took the payload over (it does not). */
	void (*link_lost)(struct sol_console *sc, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
	void (*link_taken_over)(struct sol_console *sc, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
};

static inline const char *host_name(const struct sol_console *sc)
{
	return sc->c->host->cfg->name;
}

static inline uint64_t timeout_ms(const struct sol_console *sc)
{
	return sc->c->host->cfg->timeout_ms > 0 ? sc->c->host->cfg->timeout_ms : 2000;
}

static inline unsigned max_tries(const struct sol_console *sc)
{
	int r = sc->c->host->cfg->retries;

	return r + 1 > SOL_MIN_TRIES ? (unsigned)r + 1 : SOL_MIN_TRIES;
}

/* sol-link.c */

void sol_link_queue_append(struct sol_console *sc, const uint8_t *buf, size_t len);
void sol_link_queue_consume(struct sol_console *sc, size_t n);
/* Send our next packet (characters, a break, acks) if none is in flight. */
void sol_link_send_next(struct sol_console *sc);
void sol_link_stop_timers(struct sol_console *sc);
/* Ask which session holds the payload (unless a question is out already). */
void sol_link_check_holder(struct sol_console *sc);
void sol_link_on_check_timer(uv_timer_t *t);
/* A payload other than an IPMI message from the session (the session's payload callback). */
void sol_link_on_payload(void *ctx, const struct ipmi_rmcpp_packet *rp);

#endif
