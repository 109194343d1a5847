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
 * five retransmissions in a whole burst); a burst cut off in the middle is
 * asked again more slowly for a while (console/sol-link.c says why).
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
 * except when the holder is our own session from before the loss, or this
 * very session (a copy of our Activate Payload sent again after its answer
 * was lost), which is deactivated and activated again without asking.
 *
 * This file is the session and the payload's life; the character stream on
 * an active payload is console/sol-link.c.
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
#include "console/sol-internal.h"
#include "ipmi/host-session.h"
#include "ipmi/rakp.h"
#include "ipmi/session.h"
#include "ipmi/sol.h"

static void send_activate(struct sol_console *sc);
static void end_session(struct sol_console *sc);
static void lost(struct sol_console *sc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void taken_over(struct sol_console *sc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void on_failure_timer(uv_timer_t *t);
static void on_reconnect_timer(uv_timer_t *t);

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
	sol_link_stop_timers(sc);
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
	sc->rx_longest = 0;
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
	uv_timer_start(&sc->check_timer, sol_link_on_check_timer, HOLDER_CHECK_MS, HOLDER_CHECK_MS);
	if (reconnected)
		set_state(sc, CON_ACTIVE, "reconnected");
	else
		set_state(sc, CON_ACTIVE, "SOL active on %s port %d", hc->address, hc->ipmi_port);
	sol_link_send_next(sc);
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
	sc->stole++;
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
	/* Our own Activate Payload, answered once already (the answer was
	 * lost and the session layer sent it again): ipmi_sim refuses the
	 * copy.  Deactivating our own payload and activating again is safe. */
	if (rsp->ccode == 0 && holder != 0 && (holder == s->bmc_sid || holder == s->console_sid)) {
		log_info("%s: SOL is active on this very session (an answer was lost); "
			 "activating it again",
			 host_name(sc));
		start_steal(sc, 1);
		return;
	}
	if (sc->stole) {
		busy(sc, "SOL payload still active elsewhere after Deactivate Payload");
		return;
	}
	if (rsp->ccode == 0 && holder != 0 && sc->lost_sid != 0) {
		/* Ours before the loss, another session's now. */
		taken_over(sc, "BMC session 0x%08x holds SOL now", holder);
		return;
	}
	busy(sc, sol_ccode_str(IPMI_CMD_ACTIVATE_PAYLOAD, sc->refused));
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
		if (sc->stole >= 3) {
			busy(sc, "SOL payload still active elsewhere after Deactivate Payload");
		} else if (sc->steal_wanted) {
			start_steal(sc, 0);
		} else {
			/* Whose is it: ours from before a loss, ours now, or another's? */
			uint8_t data[2];
			size_t n = sol_build_instance_info(data, SOL_INSTANCE);

			sc->phase = PH_CHECKING;
			sc->refused = rsp->ccode;
			if (ipmi_session_request(&sc->session, IPMI_NETFN_APP,
						 IPMI_CMD_GET_PAYLOAD_INSTANCE_INFO, data, n,
						 on_instance_info, sc) != 0)
				lost(sc, "the IPMI session closed");
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
	par.payload = sol_link_on_payload;
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
	sol_link_stop_timers(sc);
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
	sol_link_stop_timers(sc);
	sol_state_reset(&sc->proto);
	sc->holding = 0;
	sc->lost_sid = sc->lost_console_sid = 0; /* not ours to take back without asking */
	sc->break_pending = 0;
	sol_link_queue_consume(sc, sc->qlen);
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
	sc->link_lost = lost;
	sc->link_taken_over = taken_over;
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
	sol_link_queue_append(sc, buf, len);
	sol_link_send_next(sc);
	return 0;
}

static int sol_send_break(struct console *c)
{
	struct sol_console *sc = c->impl;

	if (sc->phase != PH_ACTIVE)
		return BMC_EAGAIN;
	sc->break_pending = 1;
	sol_link_send_next(sc);
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
	sol_link_stop_timers(sc);
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
