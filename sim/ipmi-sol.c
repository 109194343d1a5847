/*
 * ipmi-sol.c - Serial over LAN in bmcsim's RMCP+ server: the payload
 * commands (activate, deactivate, status, instance, SOL configuration),
 * the host's characters out with acknowledgement and retransmission, the
 * console's characters in.
 *
 * One session per BMC holds the payload; the sessions holding one are on
 * a list that one timer for the whole simulation walks for retransmits,
 * so ten thousand idle BMCs cost no timers.
 */
#include "config.h"

#include <string.h>

#include "core/bytes.h"
#include "ipmi-internal.h"

static void sol_list_remove(struct sim_ipmi *is, struct sim_ipmi_sess *ss)
{
	if (ss->sol_prev)
		ss->sol_prev->sol_next = ss->sol_next;
	else if (is->sol_list == ss)
		is->sol_list = ss->sol_next;
	if (ss->sol_next)
		ss->sol_next->sol_prev = ss->sol_prev;
	ss->sol_prev = ss->sol_next = NULL;
}

void sim_ipmi_sol_deactivate(struct sim_ipmi_sess *ss)
{
	if (!ss->sol)
		return;
	ss->sol = 0;
	ss->sol_tx_len = 0;
	ss->sol_tx_seq = 0;
	if (ss->ib->sol_holder == ss)
		ss->ib->sol_holder = NULL;
	sol_list_remove(ss->ib->is, ss);
}

const struct ipmi_session_keys *sim_ipmi_sol_keys(struct sim_ipmi_sess *ss,
						  struct ipmi_session_keys *tmp)
{
	if (ss->sol_encrypt && ss->sol_auth)
		return &ss->rakp.keys;
	*tmp = ss->rakp.keys;
	if (!ss->sol_encrypt)
		tmp->confidentiality = IPMI_CONF_NONE;
	if (!ss->sol_auth)
		tmp->integrity = IPMI_INTEG_NONE;
	return tmp;
}

static void sol_send(struct sim_ipmi_sess *ss, const struct sol_packet *p)
{
	uint8_t buf[SOL_HEADER_LEN + SOL_CHUNK];
	struct ipmi_session_keys tmp;
	ssize_t n = sol_build(buf, sizeof(buf), p);

	if (n < 0)
		return;
	sim_ipmi_send_rmcpp(ss->ib, (const struct sockaddr *)&ss->peer, IPMI_PAYLOAD_SOL,
			    ss->console_sid, ++ss->out_seq, buf, (size_t)n,
			    sim_ipmi_sol_keys(ss, &tmp));
}

static void sol_send_data(struct sim_ipmi_sess *ss)
{
	struct sol_packet p = {0};

	p.seq = ss->sol_tx_seq;
	p.data = ss->sol_tx;
	p.len = ss->sol_tx_len;
	ss->sol_tx_ms = sim_ipmi_now(ss->ib);
	ss->sol_tries++;
	sol_send(ss, &p);
}

/* Send the host's next characters if nothing is waiting for an ack. */
static void sol_pump(struct sim_ipmi_sess *ss)
{
	if (!ss->sol || ss->sol_tx_len > 0)
		return;
	ss->sol_tx_len = sim_console_take(ss->ib->b, ss->sol_tx, sizeof(ss->sol_tx));
	if (ss->sol_tx_len == 0)
		return;
	ss->sol_tx_seq = sol_next_seq(ss->sol_last_tx_seq);
	ss->sol_last_tx_seq = ss->sol_tx_seq;
	ss->sol_tries = 0;
	sol_send_data(ss);
}

void sim_ipmi_sol_console_output(struct sim_bmc *b)
{
	struct sim_ipmi *is = b->sim->ipmi;
	struct sim_ipmi_bmc *ib = &is->bmcs[b->index];

	if (ib->sol_holder)
		sol_pump(ib->sol_holder);
}

void sim_ipmi_sol_timer(uv_timer_t *t)
{
	struct sim_ipmi *is = t->data;
	uint64_t now = uv_now(is->sim->loop);

	for (struct sim_ipmi_sess *ss = is->sol_list, *next; ss; ss = next) {
		next = ss->sol_next;
		if (ss->sol_tx_len == 0 || now - ss->sol_tx_ms < SOL_RETRY_MS)
			continue;
		if (ss->sol_tries >= SOL_RETRIES) {
			/* The console is gone or deaf: these characters are lost. */
			ss->sol_tx_len = 0;
			sol_pump(ss);
			continue;
		}
		sol_send_data(ss);
	}
}

void sim_ipmi_sol_receive(struct sim_ipmi_sess *ss, const uint8_t *payload, size_t len)
{
	struct sol_packet p;

	if (!ss->sol || sol_parse(payload, len, &p) != 0) {
		ss->ib->is->malformed++;
		return;
	}
	/* serialalertsdeferred: a BMC sharing the port with IPMI over serial
	 * takes no keystrokes unless serial alerts were deferred. */
	if (p.len > 0 && !ss->sol_deferred && sim_ipmi_quirk(ss->ib, FLEET_WA_SERIALALERTSDEFERRED))
		return;
	if (p.ack_seq != 0 && p.ack_seq == ss->sol_tx_seq && ss->sol_tx_len > 0) {
		if (p.flags & SOL_OP_NACK) {
			/* The console is full: wait a retry interval, then resend. */
			ss->sol_tx_ms = sim_ipmi_now(ss->ib);
		} else {
			size_t took = p.accepted < ss->sol_tx_len ? p.accepted : ss->sol_tx_len;

			memmove(ss->sol_tx, ss->sol_tx + took, ss->sol_tx_len - took);
			ss->sol_tx_len -= took;
			if (ss->sol_tx_len > 0) {
				/* What it did not take goes again under a new number. */
				ss->sol_tx_seq = sol_next_seq(ss->sol_last_tx_seq);
				ss->sol_last_tx_seq = ss->sol_tx_seq;
				ss->sol_tries = 0;
				sol_send_data(ss);
			} else {
				ss->sol_tx_seq = 0;
			}
		}
	}
	if (p.seq != 0) {
		struct sol_packet ack = {0};
		int dup = p.seq == ss->sol_rx_seq;

		ack.ack_seq = p.seq;
		ack.accepted = dup ? ss->sol_rx_count : (uint8_t)p.len;
		sol_send(ss, &ack);
		if (!dup) {
			ss->sol_rx_seq = p.seq;
			ss->sol_rx_count = (uint8_t)p.len;
			sim_console_input(ss->ib->b, p.data, p.len);
		}
	}
	sol_pump(ss);
}

/* Payload commands. */

static uint16_t swap16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

void sim_ipmi_sol_activate(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			   const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	uint8_t out[12];

	if ((rq->data[0] & 0x3f) != IPMI_PAYLOAD_SOL) {
		r->ccode = SOL_CC_TYPE_DISABLED;
		return;
	}
	if ((rq->data[1] & 0x0f) != 1) {
		r->ccode = CC_INVALID_DATA;
		return;
	}
	if (ib->sol_holder != NULL) {
		r->ccode = SOL_CC_ALREADY_ACTIVE;
		return;
	}
	if ((rq->data[2] & SOL_AUX_ENCRYPT) && ss->rakp.keys.confidentiality == IPMI_CONF_NONE) {
		r->ccode = SOL_CC_NO_ENCRYPTION;
		return;
	}
	ss->sol = 1;
	ss->sol_encrypt = (rq->data[2] & SOL_AUX_ENCRYPT) != 0;
	ss->sol_auth = (rq->data[2] & SOL_AUX_AUTHENTICATE) != 0;
	ss->sol_deferred = (rq->data[2] & 0x0c) == 0x04;
	ss->sol_tx_len = 0;
	ss->sol_tx_seq = ss->sol_last_tx_seq = 0;
	ss->sol_rx_seq = ss->sol_rx_count = 0;
	ib->sol_holder = ss;
	ss->sol_next = ib->is->sol_list;
	ss->sol_prev = NULL;
	if (ss->sol_next)
		ss->sol_next->sol_prev = ss;
	ib->is->sol_list = ss;
	ib->is->sol_activations++;
	memset(out, 0, 4);
	put_le16(out + 4, SOL_SIZE);
	put_le16(out + 6, SOL_SIZE);
	put_le16(out + 8, ntohs(((const struct sockaddr_in *)&ib->b->ipmi_addr)->sin_port));
	put_le16(out + 10, 0xffff);
	/* solpayloadsize, solport: firmware that writes these two fields in
	 * the wrong byte order (the sizes then read 1, the port another). */
	if (sim_ipmi_quirk(ib, FLEET_WA_SOLPAYLOADSIZE)) {
		put_le16(out + 4, swap16(SOL_SIZE));
		put_le16(out + 6, swap16(SOL_SIZE));
	}
	if (sim_ipmi_quirk(ib, FLEET_WA_SOLPORT))
		put_le16(out + 8,
			 swap16(ntohs(((const struct sockaddr_in *)&ib->b->ipmi_addr)->sin_port)));
	reply_data(r, out, sizeof(out));
	r->after = AFTER_SOL_ATTACH;
}

void sim_ipmi_sol_deactivate_cmd(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
				 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	if ((rq->data[0] & 0x3f) != IPMI_PAYLOAD_SOL || (rq->data[1] & 0x0f) != 1 ||
	    ss->ib->sol_holder == NULL) {
		r->ccode = SOL_CC_ALREADY_ACTIVE; /* here: already deactivated */
		return;
	}
	if (ss->ib->sol_holder != ss) {
		/* Taken over: tell the holder, as the spec has a BMC do, with a
		 * packet whose status says "SOL deactivating". */
		struct sol_packet bye = {.flags = SOL_ST_DEACTIVATING};

		sol_send(ss->ib->sol_holder, &bye);
	}
	sim_ipmi_sol_deactivate(ss->ib->sol_holder);
}

void sim_ipmi_sol_status(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	/* solstatus: firmware without Get Payload Activation Status. */
	if (sim_ipmi_quirk(ib, FLEET_WA_SOLSTATUS)) {
		r->ccode = CC_INVALID_CMD;
		return;
	}
	if ((rq->data[0] & 0x3f) == IPMI_PAYLOAD_SOL) {
		r->data[r->len++] = 1;
		r->data[r->len++] = ss->ib->sol_holder ? 1 : 0;
	} else {
		r->data[r->len++] = 0;
		r->data[r->len++] = 0;
	}
	r->data[r->len++] = 0;
}

void sim_ipmi_sol_instance(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			   const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	uint8_t out[12] = {0};

	if ((rq->data[0] & 0x3f) != IPMI_PAYLOAD_SOL || (rq->data[1] & 0x0f) != 1) {
		r->ccode = CC_INVALID_DATA;
		return;
	}
	if (ss->ib->sol_holder) {
		put_le32(out, ss->ib->sol_holder->bmc_sid);
		out[4] = 1; /* serial port 1 */
	}
	reply_data(r, out, sizeof(out));
}

void sim_ipmi_sol_get_config(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			     const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	uint16_t port = ntohs(((const struct sockaddr_in *)&ib->b->ipmi_addr)->sin_port);

	r->data[r->len++] = 0x11; /* parameter revision */
	if (rq->data[0] & 0x80)
		return;
	switch (rq->data[1]) {
	case 0: /* set in progress */
		r->data[r->len++] = 0;
		break;
	case 1: /* SOL enable */
		r->data[r->len++] = 1;
		break;
	case 2: /* authentication: user privilege, nothing forced */
		r->data[r->len++] = PRIV_USER;
		break;
	case 3: /* character accumulate interval, send threshold */
		r->data[r->len++] = 0x0c;
		r->data[r->len++] = 0x60;
		break;
	case 4: /* retry count, interval */
		r->data[r->len++] = 0x07;
		r->data[r->len++] = 0x32;
		break;
	case 5: /* bit rates: 115200 */
	case 6:
		r->data[r->len++] = 0x0a;
		break;
	case 7: /* payload channel */
		r->data[r->len++] = 0x01;
		break;
	case 8: /* payload port */
		put_le16(r->data + r->len, port);
		r->len += 2;
		break;
	default:
		r->len = 0;
		r->ccode = CC_PARAM_UNSUPP;
		break;
	}
}
