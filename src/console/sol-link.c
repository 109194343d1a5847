/*
 * console/sol-link.c - the SOL character stream on an active payload.
 *
 * One packet in flight in each direction (ipmi/sol.c has the receive
 * rules): ours is retransmitted on the fleet's timeout a bounded number of
 * times, and characters the BMC did not accept go out again in the next
 * one.  When a stream from the BMC stalls after a full packet, a few
 * "guess" acknowledgements ask for the lost packet at once instead of
 * waiting for the BMC's own timer (ipmi_sim waits a second, and gives the
 * data up after five retransmissions in a whole burst).  A stream that
 * stopped in the middle of a burst is asked again, more slowly, for
 * GUESS_PROBE_MS: ipmi_sim (2.0.33) gives a packet up with its whole
 * buffer, and if that buffer was full it stops reading the host and sends
 * nothing more, on this session or the next, until some packet
 * acknowledges the number after the one it gave up.  The slow rounds keep
 * its timer from firing, and restart it if it did.  Every few
 * seconds Get Payload Instance Info asks which session holds the payload,
 * which is how a console learns it was taken over.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "console/sol-internal.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/xalloc.h"

void sol_link_stop_timers(struct sol_console *sc)
{
	uv_timer_stop(&sc->retx_timer);
	uv_timer_stop(&sc->guess_timer);
	uv_timer_stop(&sc->check_timer);
}

/* The queue toward the host. */

void sol_link_queue_append(struct sol_console *sc, const uint8_t *buf, size_t len)
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

void sol_link_queue_consume(struct sol_console *sc, size_t n)
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

void sol_link_send_next(struct sol_console *sc)
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
		sol_link_send_next(sc);
		return;
	}
	if (sc->tries >= max_tries(sc)) {
		sc->link_lost(sc, "no acknowledgement from the BMC after %u tries of %llu ms",
			      sc->tries, (unsigned long long)timeout_ms(sc));
		return;
	}
	sc->tries++;
	sc->retransmits++;
	sc->c->host->counters[CNT_RETRANSMITS]++;
	send_sol(sc, sc->pkt, sc->pkt_len);
	uv_timer_start(&sc->retx_timer, on_retx_timer, timeout_ms(sc), 0);
	/* Lost, or ignored because the payload is no longer ours: ask. */
	if (sc->tries == 2)
		sol_link_check_holder(sc);
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

/*
 * In a stream the BMC answers our ack with its next packet at once.  Short
 * packets (echo, prompts) are not a stream: the next one waits for the
 * host, or for the BMC's retransmission timer when our ack was lost, and a
 * sample of ipmi_sim's second would make every guess wait as long.
 */
static void measure_round_trip(struct sol_console *sc, uint8_t prev_seq, const struct sol_packet *p,
			       const struct sol_rx_result *r)
{
	uint64_t now = uv_hrtime() / 1000;

	if (r->deliver_len < GUESS_MIN_LEN) {
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
	struct sol_packet acks[SOL_STALL_MAX_ACKS];
	uint64_t wait;
	size_t i, n;

	if (sc->phase != PH_ACTIVE)
		return;
	if (sc->guess_round >= SOL_STALL_FAST_ROUNDS &&
	    (!sc->stream_cut || uv_now(sc->c->loop) - sc->cut_ms >= GUESS_PROBE_MS)) {
		sol_guess_clear(&sc->proto);
		return;
	}
	/* Guesses, then our last acknowledgement again (ipmi/sol.h). */
	sc->guess_round++;
	sc->acked_us = 0; /* the next packet's delay includes the stall */
	n = sol_stall_acks(&sc->proto, sc->guess_round, acks);
	for (i = 0; i < n; i++)
		send_ack(sc, acks[i].ack_seq, acks[i].accepted);
	sc->guesses += n > 0 ? n - 1 : 0;
	wait = guess_wait_ms(sc);
	if (sc->guess_round >= SOL_STALL_FAST_ROUNDS && wait < GUESS_SLOW_MS)
		wait = GUESS_SLOW_MS;
	uv_timer_start(&sc->guess_timer, on_guess_timer, wait, 0);
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
		sc->link_lost(sc, "the BMC lost the IPMI session SOL was running on");
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
		sc->link_taken_over(sc, "BMC session 0x%08x holds SOL now", holder);
	else if (sc->holder_named)
		sc->link_taken_over(sc, "SOL was deactivated on the BMC");
}

/* Ask which session holds the payload (unless a question is out already). */
void sol_link_check_holder(struct sol_console *sc)
{
	uint8_t data[2];
	size_t n = sol_build_instance_info(data, SOL_INSTANCE);

	if (sc->phase != PH_ACTIVE || sc->check_pending)
		return;
	sc->check_pending = 1;
	if (ipmi_session_request(&sc->session, IPMI_NETFN_APP, IPMI_CMD_GET_PAYLOAD_INSTANCE_INFO, data,
				 n, on_holder_rsp, sc) != 0)
		sc->link_lost(sc, "the IPMI session closed");
}

void sol_link_on_check_timer(uv_timer_t *t)
{
	sol_link_check_holder(t->data);
}

/* Packets from the BMC. */

void sol_link_on_payload(void *ctx, const struct ipmi_rmcpp_packet *rp)
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
		sol_link_queue_consume(sc, r.tx_accepted);
		sc->synced = 1;
	}
	if (r.stray && sc->proto.stray_acks >= STRAY_LIMIT) {
		sc->link_lost(
		    sc,
		    "SOL sequence numbers out of step with the BMC (%u acknowledgements of "
		    "packets never sent; did it restart?)",
		    sc->proto.stray_acks);
		return;
	}
	if (r.status & SOL_ST_DEACTIVATING) {
		sc->link_taken_over(sc, "the BMC is deactivating SOL on ours");
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
		if (p.len > sc->rx_longest)
			sc->rx_longest = p.len;
		sc->stream_cut = p.len >= sc->rx_longest;
		sc->cut_ms = uv_now(sc->c->loop);
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
	sol_link_send_next(sc);
}
