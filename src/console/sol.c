/*
 * console/sol.c - a host's serial console over IPMI Serial-over-LAN.
 *
 * The console opens an RMCP+ session of its own, so polling goes on while
 * it is open.  That session gets a private UDP socket (ipmi_transport_new):
 * the shared transport routes datagrams by the BMC's address and port, and
 * two sessions with one BMC would collide there.  Routing by session ID
 * instead would touch every session's hot path for the sake of one console;
 * a socket per open console costs one descriptor and keeps the two apart
 * (BMCs also tell sessions apart more reliably by source port).
 *
 * Once the session is up: Activate Payload (SOL, instance 1, encrypted and
 * authenticated as the session is), then characters both ways, one packet
 * in flight in each direction (ipmi/sol.c has the receive rules).  Our
 * packet is retransmitted on the fleet's timeout, a bounded number of
 * times; characters the BMC did not accept go out again in the next packet.
 * When a stream from the BMC stalls after a full packet, a few "guess"
 * acknowledgements ask for the lost packet at once instead of waiting for
 * the BMC's own timer (ipmi_sim waits a second, and gives the data up after
 * five retransmissions in a whole burst).
 *
 * Another client may take the console (Deactivate Payload from its own
 * session, then Activate).  The spec has the BMC send us a packet with the
 * "SOL deactivating" status; ipmi_sim just goes silent.  So every few
 * seconds, and at once when a packet of ours goes unanswered, we ask which
 * session holds the payload (Get Payload Instance Info, which also keeps
 * the session alive and tells us whether it still is): another session, or
 * none, means the console was taken over.  That is CON_TAKEN, said at once
 * and not retried (the other user meant it), rather than a lost link found
 * out after the retransmissions; console_steal() takes the console back.
 *
 * A lost link (no acknowledgement after the retries, acknowledgements that
 * match nothing we sent, the session failing) closes the session, reports
 * CON_LOST and reconnects with backoff.  "Payload already active" is
 * CON_BUSY, and console_steal() deactivates the other instance first --
 * except when the holder is our own session from before the loss, which is
 * taken back without asking.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "ipmi/host-session.h"
#include "ipmi/rakp.h"
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
#define GUESS_ROUNDS   5
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
	int steal_wanted;    /* steal as soon as "already active" comes */
	int stole;	     /* this activation follows a steal: no second one */
	int was_active;	     /* a payload was active before: say "reconnected" */
	uint32_t active_sid; /* BMC session ID our payload is on */
	uint32_t lost_sid;   /* ... and of the one we lost, to know it again */
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
};

static void send_activate(struct sol_console *sc);
static void send_next(struct sol_console *sc);
static void end_session(struct sol_console *sc);
static void lost(struct sol_console *sc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void taken_over(struct sol_console *sc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void check_holder(struct sol_console *sc);
static void on_failure_timer(uv_timer_t *t);
static void on_reconnect_timer(uv_timer_t *t);

static const char *host_name(const struct sol_console *sc)
{
	return sc->c->host->cfg->name;
}

static uint64_t timeout_ms(const struct sol_console *sc)
{
	return sc->c->host->cfg->timeout_ms > 0 ? sc->c->host->cfg->timeout_ms : 2000;
}

static unsigned max_tries(const struct sol_console *sc)
{
	int r = sc->c->host->cfg->retries;

	return r + 1 > SOL_MIN_TRIES ? (unsigned)r + 1 : SOL_MIN_TRIES;
}

static void stop_link_timers(struct sol_console *sc)
{
	uv_timer_stop(&sc->retx_timer);
	uv_timer_stop(&sc->guess_timer);
	uv_timer_stop(&sc->check_timer);
}

/* The queue toward the host. */

static void queue_append(struct sol_console *sc, const uint8_t *buf, size_t len)
{
	if (sc->qhead + sc->qlen + len > sc->qcap) {
		if (sc->qhead > 0) {
			memmove(sc->q, sc->q + sc->qhead, sc->qlen);
			sc->qhead = 0;
		}
		if (sc->qlen + len > sc->qcap) {
			size_t cap = sc->qcap ? sc->qcap : 1024;

			while (cap < sc->qlen + len)
				cap *= 2;
			sc->q = xrealloc(sc->q, cap);
			sc->qcap = cap;
		}
	}
	memcpy(sc->q + sc->qhead + sc->qlen, buf, len);
	sc->qlen += len;
}

static void queue_consume(struct sol_console *sc, size_t n)
{
	if (n > sc->qlen)
		n = sc->qlen;
	sc->qhead += n;
	sc->qlen -= n;
	if (sc->qlen == 0)
		sc->qhead = 0;
}

/* Packets. */

static void send_sol(struct sol_console *sc, const uint8_t *buf, size_t len)
{
	int rc = ipmi_session_send_payload(&sc->session, IPMI_PAYLOAD_SOL, buf, len);

	/* BMC_EAGAIN: the session is being re-opened; the retransmit
	 * timer or the holder check finds out what became of it. */
	if (rc != 0 && rc != BMC_EAGAIN)
		log_debug("%s: SOL send: %s", host_name(sc), bmc_strerror(rc));
}

static void send_ack(struct sol_console *sc, uint8_t seq, uint8_t count)
{
	struct sol_packet p = {.seq = 0, .ack_seq = seq, .accepted = count};
	uint8_t buf[SOL_HEADER_LEN];
	ssize_t n = sol_build(buf, sizeof buf, &p);

	if (n > 0)
		send_sol(sc, buf, (size_t)n);
}

static void on_retx_timer(uv_timer_t *t);

static void send_next(struct sol_console *sc)
{
	struct sol_packet p;
	size_t n = 0;
	ssize_t len;

	if (sc->phase != PH_ACTIVE || sc->proto.tx_seq != 0 || sc->holding)
		return;
	if (sc->synced) {
		n = sc->qlen < sc->chars_per_packet ? sc->qlen : sc->chars_per_packet;
		if (n == 0 && !sc->break_pending)
			return;
	}
	/*
	 * Until synced, an empty packet goes first: a BMC that remembers the
	 * sequence number of the last packet of an earlier SOL session
	 * (ipmi_sim does) would take our first one for a retransmission and
	 * drop its characters.
	 */
	memset(&p, 0, sizeof p);
	p.flags = sc->break_pending ? SOL_OP_BREAK : 0;
	p.data = sc->q + sc->qhead;
	p.len = n;
	p.seq = sol_tx_begin(&sc->proto, n);
	sc->break_pending = 0;
	len = sol_build(sc->pkt, sizeof sc->pkt, &p);
	if (len < 0)
		fatal("sol: packet does not fit");
	sc->pkt_len = (size_t)len;
	sc->tries = 1;
	send_sol(sc, sc->pkt, sc->pkt_len);
	uv_timer_start(&sc->retx_timer, on_retx_timer, timeout_ms(sc), 0);
}

static void on_retx_timer(uv_timer_t *t)
{
	struct sol_console *sc = t->data;

	if (sc->phase != PH_ACTIVE)
		return;
	if (sc->proto.tx_seq == 0) {
		/* Held after a NACK and no word since: try again. */
		sc->holding = 0;
		send_next(sc);
		return;
	}
	if (sc->tries >= max_tries(sc)) {
		lost(sc, "no acknowledgement from the BMC after %u tries of %llu ms", sc->tries,
		     (unsigned long long)timeout_ms(sc));
		return;
	}
	sc->tries++;
	sc->retransmits++;
	sc->c->host->counters[CNT_RETRANSMITS]++;
	send_sol(sc, sc->pkt, sc->pkt_len);
	uv_timer_start(&sc->retx_timer, on_retx_timer, timeout_ms(sc), 0);
	/* Lost, or ignored because the payload is no longer ours: ask. */
	if (sc->tries == 2)
		check_holder(sc);
}

static uint64_t guess_wait_ms(const struct sol_console *sc)
{
	uint64_t ms;

	if (sc->srtt_us == 0)
		return GUESS_FIRST_MS;
	ms = GUESS_RTTS * sc->srtt_us / 1000 + GUESS_MIN_MS / 2;
	if (ms < GUESS_MIN_MS)
		return GUESS_MIN_MS;
	return ms > GUESS_MAX_MS ? GUESS_MAX_MS : ms;
}

/* In a stream the BMC answers our ack with its next packet at once. */
static void measure_round_trip(struct sol_console *sc, uint8_t prev_seq, const struct sol_packet *p,
			       const struct sol_rx_result *r)
{
	uint64_t now = uv_hrtime() / 1000;

	if (r->deliver_len == 0) {
		sc->acked_us = 0;
		return;
	}
	if (sc->acked_us != 0 && prev_seq == sc->acked_seq && p->seq == sol_next_seq(prev_seq)) {
		uint64_t sample = now - sc->acked_us;

		sc->srtt_us = sc->srtt_us == 0 ? sample : (7 * sc->srtt_us + sample) / 8;
	}
	sc->acked_us = now;
	sc->acked_seq = p->seq;
}

static void on_guess_timer(uv_timer_t *t)
{
	struct sol_console *sc = t->data;
	unsigned k;

	if (sc->phase != PH_ACTIVE)
		return;
	if (sc->guess_round >= GUESS_ROUNDS) {
		sol_guess_clear(&sc->proto);
		return;
	}
	/*
	 * Round k guesses k numbers ahead: a guess the BMC took makes it
	 * resend under the next number, and that packet may be lost too.
	 * The repeated acknowledgement covers the other case, where our
	 * last acknowledgement was lost and the BMC is still waiting.
	 */
	sc->guess_round++;
	sc->acked_us = 0; /* the next packet's delay includes the stall */
	for (k = 1; k <= sc->guess_round; k++) {
		uint8_t g = sol_guess(&sc->proto, k);

		if (g != 0) {
			send_ack(sc, g, 0);
			sc->guesses++;
		}
	}
	send_ack(sc, sc->proto.rx_seq, sc->proto.rx_accepted);
	uv_timer_start(&sc->guess_timer, on_guess_timer, guess_wait_ms(sc), 0);
}

static void on_holder_rsp(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			  void *arg)
{
	struct sol_console *sc = arg;
	uint32_t holder;

	sc->check_pending = 0;
	/* A failed session has already called on_session_error. */
	if (status != 0 || sc->phase != PH_ACTIVE)
		return;
	if (s->bmc_sid != sc->active_sid) {
		/* The session layer opened a new session under us (the BMC
		 * forgot the old one): the payload went with the old one. */
		lost(sc, "the BMC lost the IPMI session SOL was running on");
		return;
	}
	/* A BMC without the command still answered: the session is alive. */
	if (rsp->ccode != 0 || sol_parse_instance_info(rsp->data, rsp->len, &holder) != 0)
		return;
	/* Some BMCs may name the session by our end's ID: ours too.  "None"
	 * counts once the BMC has named us: one that always says 0 does not
	 * fill the field in. */
	if (holder == sc->active_sid || holder == s->console_sid)
		sc->holder_named = 1;
	else if (holder != 0)
		taken_over(sc, "BMC session 0x%08x holds SOL now", holder);
	else if (sc->holder_named)
		taken_over(sc, "SOL was deactivated on the BMC");
}

/* Ask which session holds the payload (unless a question is out already). */
static void check_holder(struct sol_console *sc)
{
	uint8_t data[2];
	size_t n = sol_build_instance_info(data, SOL_INSTANCE);

	if (sc->phase != PH_ACTIVE || sc->check_pending)
		return;
	sc->check_pending = 1;
	if (ipmi_session_request(&sc->session, IPMI_NETFN_APP, IPMI_CMD_GET_PAYLOAD_INSTANCE_INFO, data,
				 n, on_holder_rsp, sc) != 0)
		lost(sc, "the IPMI session closed");
}

static void on_check_timer(uv_timer_t *t)
{
	check_holder(t->data);
}

/* Packets from the BMC. */

static void on_payload(void *ctx, const struct ipmi_rmcpp_packet *rp)
{
	struct sol_console *sc = ctx;
	struct sol_packet p;
	struct sol_rx_result r;
	uint8_t prev_seq;

	if (rp->type != IPMI_PAYLOAD_SOL || sc->phase != PH_ACTIVE) {
		sc->c->host->counters[CNT_DROP_MISMATCH]++;
		return;
	}
	if (sol_parse(rp->payload, rp->payload_len, &p) != 0) {
		sc->c->host->counters[CNT_DROP_MALFORMED]++;
		return;
	}
	prev_seq = sc->proto.rx_seq;
	sol_receive(&sc->proto, &p, &r);
	if (r.ack)
		send_ack(sc, r.ack_seq, r.ack_count);
	measure_round_trip(sc, prev_seq, &p, &r);
	if (r.duplicate)
		sc->duplicates++;
	if (r.tx_done) {
		uv_timer_stop(&sc->retx_timer);
		/* The first, empty packet may draw a stale count: not news. */
		if (r.tx_clamped && sc->synced && sc->clamped++ == 0)
			log_warn("%s: the BMC acknowledged more SOL characters than we sent; "
				 "counting only ours",
				 host_name(sc));
		queue_consume(sc, r.tx_accepted);
		sc->synced = 1;
	}
	if (r.stray && sc->proto.stray_acks >= STRAY_LIMIT) {
		lost(sc,
		     "SOL sequence numbers out of step with the BMC (%u acknowledgements of "
		     "packets never sent; did it restart?)",
		     sc->proto.stray_acks);
		return;
	}
	if (r.status & SOL_ST_DEACTIVATING) {
		taken_over(sc, "the BMC is deactivating SOL on ours");
		return;
	}
	if ((r.status & SOL_ST_OVERRUN) && sc->overruns++ == 0)
		log_warn(
		    "%s: the BMC reports host output lost before it reached SOL (transmit overrun)",
		    host_name(sc));
	if (r.hold) {
		if (!sc->holding)
			log_debug("%s: the BMC holds SOL input (status 0x%02x)", host_name(sc),
				  r.status);
		sc->holding = 1;
		if (sc->proto.tx_seq == 0)
			uv_timer_start(&sc->retx_timer, on_retx_timer, timeout_ms(sc), 0);
	} else if (sc->holding) {
		sc->holding = 0;
		if (sc->proto.tx_seq == 0)
			uv_timer_stop(&sc->retx_timer); /* the probe, not a retransmission */
	}
	if (p.len >= GUESS_MIN_LEN) {
		/* A stream (refused copies too: the BMC has more to send). */
		sc->guess_round = 0;
		uv_timer_start(&sc->guess_timer, on_guess_timer, guess_wait_ms(sc), 0);
	} else if (p.seq != 0) {
		uv_timer_stop(&sc->guess_timer);
	}
	if (r.deliver_len > 0) {
		console_deliver(sc->c, r.deliver, r.deliver_len);
		if (sc->phase != PH_ACTIVE)
			return; /* the front end closed the console */
	}
	send_next(sc);
}

/* Activation. */

static void set_state(struct sol_console *sc, enum console_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_state(struct sol_console *sc, enum console_state st, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	console_set_state(sc->c, st, "%s", msg);
	free(msg);
}

static void fail(struct sol_console *sc, const char *msg)
{
	sc->phase = PH_FAILED;
	stop_link_timers(sc);
	end_session(sc);
	set_state(sc, CON_FAILED, "%s", msg);
}

static void activated(struct sol_console *sc, const struct sol_activate_rsp *ar)
{
	const struct host_config *hc = sc->c->host->cfg;
	int reconnected = sc->was_active;

	sc->phase = PH_ACTIVE;
	sc->active_sid = sc->session.bmc_sid;
	sc->lost_sid = sc->lost_console_sid = 0;
	sc->was_active = 1;
	sc->stole = 0;
	sc->steal_wanted = 0;
	sc->backoff_ms = 0;
	sc->chars_per_packet = sol_chars_per_packet(ar->inbound_size);
	sol_state_reset(&sc->proto);
	sc->synced = 0;
	sc->holding = 0;
	sc->guess_round = 0;
	sc->srtt_us = 0;
	sc->acked_us = 0;
	if (ar->port != 0 && ar->port != hc->ipmi_port && ar->port != 623)
		log_info("%s: the BMC names UDP port %u for SOL; staying on port %d, where the "
			 "session is",
			 hc->name, ar->port, hc->ipmi_port);
	log_info("%s: SOL active (BMC session 0x%08x, %zu characters a packet, BMC sends up to %u)",
		 hc->name, sc->active_sid, sc->chars_per_packet, ar->outbound_size);
	sc->check_pending = 0;
	sc->holder_named = 0;
	uv_timer_start(&sc->check_timer, on_check_timer, HOLDER_CHECK_MS, HOLDER_CHECK_MS);
	if (reconnected)
		set_state(sc, CON_ACTIVE, "reconnected");
	else
		set_state(sc, CON_ACTIVE, "SOL active on %s port %d", hc->address, hc->ipmi_port);
	send_next(sc);
}

static void busy(struct sol_console *sc, const char *why)
{
	sc->phase = PH_BUSY;
	set_state(sc, CON_BUSY, "%s on %s; steal it to take over (the other session loses it)", why,
		  host_name(sc));
}

static void on_deactivate_rsp(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			      void *arg);

static void start_steal(struct sol_console *sc, int quiet)
{
	uint8_t data[6];
	size_t n = sol_build_deactivate(data, SOL_INSTANCE);

	sc->phase = PH_STEALING;
	sc->stole = 1;
	sc->steal_wanted = 0;
	if (!quiet)
		set_state(sc, CON_CONNECTING, "taking over SOL on %s (Deactivate Payload)",
			  host_name(sc));
	if (sc->phase != PH_STEALING)
		return;
	if (ipmi_session_request(&sc->session, IPMI_NETFN_APP, IPMI_CMD_DEACTIVATE_PAYLOAD, data, n,
				 on_deactivate_rsp, sc) != 0)
		lost(sc, "the IPMI session closed");
}

static void on_deactivate_rsp(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			      void *arg)
{
	struct sol_console *sc = arg;

	if (sc->phase == PH_CLOSING) {
		end_session(sc);
		return;
	}
	if (status != 0 || sc->phase != PH_STEALING)
		return;
	if (rsp->ccode != 0 && rsp->ccode != SOL_CC_ALREADY_ACTIVE) {
		char *why = xasprintf("cannot take over SOL: Deactivate Payload failed: %s",
				      sol_ccode_str(IPMI_CMD_DEACTIVATE_PAYLOAD, rsp->ccode));

		busy(sc, why);
		free(why);
		return;
	}
	log_info("%s: deactivated the other SOL session", host_name(sc));
	send_activate(sc);
}

static void on_instance_info(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			     void *arg)
{
	struct sol_console *sc = arg;
	uint32_t holder = 0;

	if (status != 0 || sc->phase != PH_CHECKING)
		return;
	if (rsp->ccode == 0 && sol_parse_instance_info(rsp->data, rsp->len, &holder) == 0 &&
	    holder != 0 && (holder == sc->lost_sid || holder == sc->lost_console_sid)) {
		log_info(
		    "%s: SOL is still held by our session from before the loss; taking it back",
		    host_name(sc));
		start_steal(sc, 1);
		return;
	}
	if (rsp->ccode == 0 && holder != 0) {
		/* Ours before the loss, another session's now. */
		taken_over(sc, "BMC session 0x%08x holds SOL now", holder);
		return;
	}
	busy(sc, "SOL payload already active");
}

static void on_activate_rsp(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			    void *arg)
{
	struct sol_console *sc = arg;
	struct sol_activate_rsp ar;
	char *msg;

	if (status != 0 || sc->phase != PH_ACTIVATING)
		return;
	if (rsp->ccode == SOL_CC_ALREADY_ACTIVE || rsp->ccode == SOL_CC_LIMIT_REACHED) {
		if (sc->stole) {
			busy(sc, "SOL payload still active elsewhere after Deactivate Payload");
		} else if (sc->steal_wanted) {
			start_steal(sc, 0);
		} else if (sc->lost_sid != 0) {
			uint8_t data[2];
			size_t n = sol_build_instance_info(data, SOL_INSTANCE);

			sc->phase = PH_CHECKING;
			if (ipmi_session_request(&sc->session, IPMI_NETFN_APP,
						 IPMI_CMD_GET_PAYLOAD_INSTANCE_INFO, data, n,
						 on_instance_info, sc) != 0)
				lost(sc, "the IPMI session closed");
		} else {
			busy(sc, sol_ccode_str(IPMI_CMD_ACTIVATE_PAYLOAD, rsp->ccode));
		}
		return;
	}
	if (rsp->ccode != 0) {
		msg = xasprintf("cannot activate SOL on %s: %s", host_name(sc),
				sol_ccode_str(IPMI_CMD_ACTIVATE_PAYLOAD, rsp->ccode));
		if (rsp->ccode == 0xC0)
			lost(sc, "%s", msg); /* node busy: try again later */
		else
			fail(sc, msg);
		free(msg);
		return;
	}
	if (sol_parse_activate(rsp->data, rsp->len, &ar) != 0) {
		fail(sc, "the BMC's Activate Payload response is malformed");
		return;
	}
	activated(sc, &ar);
}

static void send_activate(struct sol_console *sc)
{
	struct ipmi_cipher cipher;
	uint8_t data[6];
	size_t n;

	/* Encrypted and authenticated when the session is: the suite says. */
	memset(&cipher, 0, sizeof cipher);
	ipmi_cipher_lookup(sc->session.suite, &cipher);
	n = sol_build_activate(data, SOL_INSTANCE, cipher.confidentiality != IPMI_CONF_NONE,
			       cipher.integrity != IPMI_INTEG_NONE);
	sc->phase = PH_ACTIVATING;
	if (ipmi_session_request(&sc->session, IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, data, n,
				 on_activate_rsp, sc) != 0)
		lost(sc, "the IPMI session closed");
}

/* Session lifecycle. */

/* The console's own session reports here, not on the host: a console that
 * failed must not mark a host failed that polls well. */
static void on_session_error(void *ctx, int status, const char *msg)
{
	struct sol_console *sc = ctx;

	/* Inside the session's own failure path: act from the loop. */
	free(sc->failure_msg);
	sc->failure_msg = xstrdup(msg);
	sc->failure_status = status;
	uv_timer_start(&sc->failure_timer, on_failure_timer, 0, 0);
}

static int session_begin(struct sol_console *sc, char **err)
{
	struct ipmi_session_params par;

	ipmi_host_session_params(&par, sc->c->host);
	par.transport = sc->transport;
	par.min_attempts = SOL_MIN_TRIES;
	par.error = on_session_error;
	par.payload = on_payload;
	par.ctx = sc;
	if (ipmi_session_init(&sc->session, &par, err) != 0)
		return BMC_ECONFIG;
	sc->session_live = 1;
	sc->session_closing = 0;
	send_activate(sc);
	return 0;
}

static void finish_close(struct sol_console *sc);

static void on_session_closed(struct ipmi_session *s)
{
	struct sol_console *sc = s->par.ctx;

	sc->session_live = 0;
	sc->session_closing = 0;
	if (sc->phase == PH_CLOSING)
		finish_close(sc);
	else if (sc->phase == PH_IDLE)
		uv_timer_start(&sc->reconnect_timer, on_reconnect_timer, sc->backoff_ms, 0);
}

static void end_session(struct sol_console *sc)
{
	if (sc->session_live && !sc->session_closing) {
		sc->session_closing = 1;
		ipmi_session_close(&sc->session, on_session_closed);
	} else if (!sc->session_live && sc->phase == PH_CLOSING) {
		finish_close(sc);
	}
}

static void lost(struct sol_console *sc, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	if (sc->phase == PH_ACTIVE) {
		sc->lost_sid = sc->active_sid;
		sc->lost_console_sid = sc->session.console_sid;
	}
	stop_link_timers(sc);
	sol_state_reset(&sc->proto);
	sc->holding = 0;
	sc->phase = PH_IDLE;
	sc->backoff_ms = sc->backoff_ms == 0 ? RECONNECT_FIRST_MS : sc->backoff_ms * 2;
	if (sc->backoff_ms > RECONNECT_MAX_MS)
		sc->backoff_ms = RECONNECT_MAX_MS;
	end_session(sc);
	if (!sc->session_live && !sc->session_closing)
		uv_timer_start(&sc->reconnect_timer, on_reconnect_timer, sc->backoff_ms, 0);
	set_state(sc, CON_LOST, "%s %s: %s; reconnecting in %llu s",
		  sc->was_active ? "connection to" : "cannot reach", host_name(sc), why,
		  (unsigned long long)(sc->backoff_ms / 1000));
	free(why);
}

/*
 * Another client has the payload now: say so, drop what was typed for the
 * console we no longer have, and leave the BMC alone (no reconnecting: the
 * other user meant it).  console_steal() takes it back.
 */
static void taken_over(struct sol_console *sc, const char *fmt, ...)
{
	size_t dropped = sc->qlen;
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	stop_link_timers(sc);
	sol_state_reset(&sc->proto);
	sc->holding = 0;
	sc->lost_sid = sc->lost_console_sid = 0; /* not ours to take back without asking */
	sc->break_pending = 0;
	queue_consume(sc, sc->qlen);
	sc->phase = PH_TAKEN;
	end_session(sc);
	if (dropped > 0)
		set_state(sc, CON_TAKEN,
			  "console taken over by another session (%s); %zu typed bytes not "
			  "delivered",
			  why, dropped);
	else
		set_state(sc, CON_TAKEN, "console taken over by another session (%s)", why);
	free(why);
}

static void on_failure_timer(uv_timer_t *t)
{
	struct sol_console *sc = t->data;
	int status = sc->failure_status;
	char *msg = sc->failure_msg;

	sc->failure_msg = NULL;
	if (msg == NULL)
		return;
	if (sc->phase == PH_CLOSING || sc->phase == PH_FAILED || sc->phase == PH_IDLE ||
	    sc->phase == PH_TAKEN) {
		free(msg);
		return;
	}
	if (status == BMC_EAUTH || status == BMC_ECONFIG || status == BMC_EREFUSED)
		fail(sc, msg); /* a wrong password is not retried in a loop */
	else
		lost(sc, "%s", msg);
	free(msg);
}

static void on_reconnect_timer(uv_timer_t *t)
{
	struct sol_console *sc = t->data;
	char *err = NULL;

	if (sc->phase != PH_IDLE || sc->session_live)
		return;
	if (session_begin(sc, &err) != 0) {
		fail(sc, err != NULL ? err : "cannot open an IPMI session");
		free(err);
	}
}

/* The console operations. */

static void timer_init(struct sol_console *sc, uv_timer_t *t)
{
	uv_timer_init(sc->c->loop, t);
	t->data = sc;
	sc->open_handles++;
}

static void on_handle_closed(uv_handle_t *h);

static int sol_open(struct console *c, char **err)
{
	struct sol_console *sc = xcalloc(1, sizeof *sc);
	int rc;

	sc->c = c;
	sc->transport = ipmi_transport_new(c->loop);
	timer_init(sc, &sc->retx_timer);
	timer_init(sc, &sc->guess_timer);
	timer_init(sc, &sc->check_timer);
	timer_init(sc, &sc->failure_timer);
	timer_init(sc, &sc->reconnect_timer);
	c->impl = sc;
	rc = session_begin(sc, err);
	if (rc != 0) {
		/* Nothing was sent; console_open frees c, so let go of it now. */
		c->impl = NULL;
		sc->c = NULL;
		sc->phase = PH_CLOSING;
		finish_close(sc);
		return rc;
	}
	return 0;
}

static int sol_write(struct console *c, const uint8_t *buf, size_t len)
{
	struct sol_console *sc = c->impl;

	if (sc->phase == PH_FAILED || sc->phase == PH_CLOSING || sc->phase == PH_TAKEN)
		return BMC_ECANCELED;
	if (sc->qlen + len > CONSOLE_MAX_QUEUED)
		return BMC_EAGAIN;
	queue_append(sc, buf, len);
	send_next(sc);
	return 0;
}

static int sol_send_break(struct console *c)
{
	struct sol_console *sc = c->impl;

	if (sc->phase != PH_ACTIVE)
		return BMC_EAGAIN;
	sc->break_pending = 1;
	send_next(sc);
	return 0;
}

static int sol_steal(struct console *c)
{
	struct sol_console *sc = c->impl;

	switch (sc->phase) {
	case PH_BUSY:
		start_steal(sc, 0);
		return 0;
	case PH_IDLE:
	case PH_ACTIVATING:
	case PH_CHECKING:
		sc->steal_wanted = 1;
		return 0;
	case PH_TAKEN:
		/* A new session, which finds the payload active and steals it. */
		sc->phase = PH_IDLE;
		sc->steal_wanted = 1;
		sc->backoff_ms = 0;
		set_state(sc, CON_CONNECTING, "taking SOL on %s back", host_name(sc));
		if (!sc->session_live && !sc->session_closing)
			uv_timer_start(&sc->reconnect_timer, on_reconnect_timer, 0, 0);
		return 0;
	case PH_STEALING:
	case PH_ACTIVE:
		return 0;
	case PH_FAILED:
	case PH_CLOSING:
		break;
	}
	return BMC_ECANCELED;
}

static size_t sol_queued(const struct console *c)
{
	const struct sol_console *sc = c->impl;

	return sc->qlen;
}

static void on_close_wait(uv_timer_t *t)
{
	end_session(t->data);
}

static void sol_close(struct console *c)
{
	struct sol_console *sc = c->impl;
	enum sol_phase was = sc->phase;

	sc->phase = PH_CLOSING;
	stop_link_timers(sc);
	uv_timer_stop(&sc->failure_timer);
	uv_timer_stop(&sc->reconnect_timer);
	log_info(
	    "%s: SOL closing (%llu retransmissions, %llu duplicates from the BMC, %llu guesses)",
	    host_name(sc), (unsigned long long)sc->retransmits, (unsigned long long)sc->duplicates,
	    (unsigned long long)sc->guesses);
	if (was == PH_ACTIVE && sc->session_live && !sc->session_closing &&
	    sc->session.state == IPMI_S_ACTIVE) {
		uint8_t data[6];
		size_t n = sol_build_deactivate(data, SOL_INSTANCE);

		if (ipmi_session_request(&sc->session, IPMI_NETFN_APP, IPMI_CMD_DEACTIVATE_PAYLOAD, data,
					 n, on_deactivate_rsp, sc) == 0) {
			uint64_t wait = 3 * timeout_ms(sc);

			if (wait < CLOSE_WAIT_MIN_MS)
				wait = CLOSE_WAIT_MIN_MS;
			if (wait > CLOSE_WAIT_MAX_MS)
				wait = CLOSE_WAIT_MAX_MS;
			uv_timer_start(&sc->retx_timer, on_close_wait, wait, 0);
			return;
		}
	}
	end_session(sc);
}

static void on_transport_released(void *arg)
{
	struct sol_console *sc = arg;
	struct console *c = sc->c;

	free(sc->q);
	free(sc->failure_msg);
	free(sc);
	if (c != NULL)
		console_closed(c);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct sol_console *sc = h->data;

	if (--sc->open_handles == 0)
		ipmi_transport_release(sc->transport, on_transport_released, sc);
}

static void finish_close(struct sol_console *sc)
{
	if (uv_is_closing((uv_handle_t *)&sc->retx_timer))
		return;
	uv_close((uv_handle_t *)&sc->retx_timer, on_handle_closed);
	uv_close((uv_handle_t *)&sc->guess_timer, on_handle_closed);
	uv_close((uv_handle_t *)&sc->check_timer, on_handle_closed);
	uv_close((uv_handle_t *)&sc->failure_timer, on_handle_closed);
	uv_close((uv_handle_t *)&sc->reconnect_timer, on_handle_closed);
}

const struct console_ops console_sol_ops = {
    .name = "sol",
    .open = sol_open,
    .write = sol_write,
    .send_break = sol_send_break,
    .steal = sol_steal,
    .queued = sol_queued,
    .close = sol_close,
};
