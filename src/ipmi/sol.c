/*
 * ipmi/sol.c - SOL packets, the payload commands, and the receive rules.
 *
 * Field layouts follow IPMI v2.0 table 15-2 (SOL payload) and tables
 * 24-2 to 24-5 (Activate/Deactivate Payload, Get Payload Activation Status,
 * Get Payload Instance Info).  Every multi-byte field is little-endian.
 */
#include "config.h"

#include <string.h>

#include "core/bytes.h"
#include "ipmi/msg.h"
#include "ipmi/sol.h"

uint8_t sol_next_seq(uint8_t seq)
{
	return (uint8_t)(seq >= 15 ? 1 : seq + 1);
}

ssize_t sol_build(uint8_t *out, size_t cap, const struct sol_packet *p)
{
	if (p->seq > 15 || p->ack_seq > 15 || p->len > SOL_MAX_CHARS ||
	    (p->seq == 0 && p->len > 0) || cap < SOL_HEADER_LEN + p->len)
		return -1;
	out[0] = p->seq;
	out[1] = p->ack_seq;
	out[2] = p->accepted;
	out[3] = p->flags & 0x7f;
	if (p->len > 0)
		memcpy(out + SOL_HEADER_LEN, p->data, p->len);
	return (ssize_t)(SOL_HEADER_LEN + p->len);
}

int sol_parse(const uint8_t *buf, size_t len, struct sol_packet *out)
{
	memset(out, 0, sizeof *out);
	if (len < SOL_HEADER_LEN)
		return -1;
	/* The high nibbles are reserved: a BMC that sets them speaks
	 * something else, and guessing what would corrupt the stream. */
	if (buf[0] > 15 || buf[1] > 15)
		return -1;
	out->seq = buf[0];
	out->ack_seq = buf[1];
	out->accepted = buf[2];
	out->flags = buf[3] & 0x7f;
	out->data = buf + SOL_HEADER_LEN;
	out->len = len - SOL_HEADER_LEN;
	if (out->seq == 0 && out->len > 0)
		return -1; /* characters nobody could acknowledge */
	return 0;
}

size_t sol_build_activate(uint8_t out[6], uint8_t instance, int encrypt, int authenticate)
{
	out[0] = 0x01; /* payload type SOL */
	out[1] = instance & 0x0f;
	out[2] = (uint8_t)((encrypt ? SOL_AUX_ENCRYPT : 0) |
			   (authenticate ? SOL_AUX_AUTHENTICATE : 0) | SOL_AUX_ALERTS_DEFERRED);
	out[3] = 0;
	out[4] = 0;
	out[5] = 0;
	return 6;
}

int sol_parse_activate(const uint8_t *data, size_t len, struct sol_activate_rsp *out)
{
	memset(out, 0, sizeof *out);
	/* aux(4) inbound(2) outbound(2) port(2), then VLAN(2), which some
	 * BMCs leave out. */
	if (len < 10)
		return -1;
	memcpy(out->aux, data, 4);
	out->inbound_size = get_le16(data + 4);
	out->outbound_size = get_le16(data + 6);
	out->port = get_le16(data + 8);
	out->vlan = len >= 12 ? get_le16(data + 10) : 0xffff;
	return 0;
}

size_t sol_build_deactivate(uint8_t out[6], uint8_t instance)
{
	out[0] = 0x01;
	out[1] = instance & 0x0f;
	memset(out + 2, 0, 4);
	return 6;
}

size_t sol_build_activation_status(uint8_t out[1])
{
	out[0] = 0x01;
	return 1;
}

int sol_parse_activation_status(const uint8_t *data, size_t len, struct sol_activation_status *out)
{
	memset(out, 0, sizeof *out);
	if (len < 3)
		return -1;
	out->capacity = data[0] & 0x0f;
	out->active = get_le16(data + 1);
	return 0;
}

size_t sol_build_instance_info(uint8_t out[2], uint8_t instance)
{
	out[0] = 0x01;
	out[1] = instance & 0x0f;
	return 2;
}

int sol_parse_instance_info(const uint8_t *data, size_t len, uint32_t *session_id)
{
	*session_id = 0;
	if (len < 4)
		return -1;
	*session_id = get_le32(data);
	return 0;
}

const char *sol_ccode_str(uint8_t cmd, uint8_t ccode)
{
	if (cmd == IPMI_CMD_DEACTIVATE_PAYLOAD) {
		if (ccode == 0x80)
			return "the payload was already deactivated";
		if (ccode == 0x81)
			return "the payload type is disabled";
		return ipmi_ccode_str(ccode);
	}
	switch (ccode) {
	case SOL_CC_ALREADY_ACTIVE:
		return "SOL payload already active on another session";
	case SOL_CC_TYPE_DISABLED:
		return "SOL is disabled on this BMC";
	case SOL_CC_LIMIT_REACHED:
		return "the BMC's payload activation limit is reached";
	case SOL_CC_NO_ENCRYPTION:
		return "the BMC cannot activate SOL with encryption";
	case SOL_CC_NEEDS_ENCRYPTION:
		return "the BMC requires encryption for SOL";
	default:
		return ipmi_ccode_str(ccode);
	}
}

int sol_payload_size_bad(uint16_t size)
{
	return size <= SOL_HEADER_LEN;
}

size_t sol_chars_per_packet(uint16_t inbound_size)
{
	uint16_t swapped = (uint16_t)(inbound_size << 8 | inbound_size >> 8);
	size_t n;

	if (sol_payload_size_bad(inbound_size))
		inbound_size = sol_payload_size_bad(swapped) ? 32 + SOL_HEADER_LEN : swapped;
	n = inbound_size - SOL_HEADER_LEN;
	return n > SOL_MAX_CHARS ? SOL_MAX_CHARS : n;
}

/* The receive rules. */

void sol_state_reset(struct sol_state *st)
{
	memset(st, 0, sizeof *st);
}

uint8_t sol_tx_begin(struct sol_state *st, size_t len)
{
	st->tx_seq = sol_next_seq(st->last_tx_seq);
	st->last_tx_seq = st->tx_seq;
	st->tx_len = len;
	return st->tx_seq;
}

static void answer(struct sol_rx_result *r, uint8_t seq, uint8_t count)
{
	r->ack = 1;
	r->ack_seq = seq;
	r->ack_count = count;
}

/*
 * A new packet s means the BMC is past the numbers just before it: a guess
 * for one of those can no longer be answered, and keeping it would refuse
 * that number's next, unrelated packet a lap later.  Guesses ahead of s
 * stay: they may be in flight.
 */
static void forget_guesses_behind(struct sol_state *st, uint8_t s)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		st->guessed &= (uint16_t) ~(1u << s);
		s = s <= 1 ? 15 : s - 1;
	}
}

static void receive_data(struct sol_state *st, const struct sol_packet *p, struct sol_rx_result *r)
{
	uint16_t bit = (uint16_t)(1u << p->seq);
	size_t take = p->len > SOL_MAX_CHARS ? SOL_MAX_CHARS : p->len;

	if (st->rx_seq != 0 && p->seq == st->rx_seq &&
	    (st->rx_refusals == 0 || st->rx_refusals < SOL_MAX_REFUSALS)) {
		/* A retransmission: our ack was lost.  Say the same again. */
		r->duplicate = 1;
		if (st->rx_refusals > 0)
			st->rx_refusals++;
		answer(r, st->rx_seq, st->rx_accepted);
		return;
	}
	if (st->guessed & bit) {
		/* We already told the BMC we took none of this one. */
		st->guessed &= (uint16_t)~bit;
		st->rx_seq = p->seq;
		st->rx_accepted = 0;
		st->rx_refusals = 1;
		r->duplicate = 1;
		answer(r, p->seq, 0);
		return;
	}
	st->rx_seq = p->seq;
	st->rx_accepted = (uint8_t)take;
	st->rx_refusals = 0;
	forget_guesses_behind(st, p->seq);
	r->deliver = p->data;
	r->deliver_len = take;
	answer(r, p->seq, (uint8_t)take);
}

void sol_receive(struct sol_state *st, const struct sol_packet *p, struct sol_rx_result *r)
{
	memset(r, 0, sizeof *r);
	r->status = p->flags;
	if (p->seq != 0)
		receive_data(st, p, r);
	if (p->ack_seq != 0) {
		if (st->tx_seq != 0 && p->ack_seq == st->tx_seq) {
			r->tx_done = 1;
			r->tx_accepted = p->accepted;
			if (r->tx_accepted > st->tx_len) {
				r->tx_accepted = st->tx_len;
				r->tx_clamped = 1;
			}
			st->tx_seq = 0;
			st->tx_len = 0;
			st->stray_acks = 0;
		} else if (p->ack_seq == st->last_tx_seq) {
			/* Answered already: a repeat, or "ready again" after a NACK. */
			st->stray_acks = 0;
		} else {
			r->stray = 1;
			st->stray_acks++;
		}
	}
	r->hold = (p->flags & (SOL_ST_NACK | SOL_ST_UNAVAILABLE)) != 0;
}

uint8_t sol_guess(struct sol_state *st, unsigned guess)
{
	uint8_t seq = st->rx_seq;
	unsigned i;

	if (st->rx_seq == 0 || guess == 0 || guess > 14)
		return 0;
	for (i = 0; i < guess; i++)
		seq = sol_next_seq(seq);
	st->guessed |= (uint16_t)(1u << seq);
	st->last_guess = seq;
	return seq;
}

void sol_guess_clear(struct sol_state *st)
{
	st->guessed = 0;
	st->last_guess = 0;
}

size_t sol_stall_acks(struct sol_state *st, unsigned round,
		      struct sol_packet acks[SOL_STALL_MAX_ACKS])
{
	unsigned guesses = round <= SOL_STALL_FAST_ROUNDS ? round : SOL_STALL_GUESSES;
	size_t n = 0;
	unsigned k;

	if (st->rx_seq == 0 || round == 0)
		return 0;
	for (k = 1; k <= guesses; k++) {
		memset(&acks[n], 0, sizeof acks[n]);
		acks[n++].ack_seq = sol_guess(st, k);
	}
	memset(&acks[n], 0, sizeof acks[n]);
	acks[n].ack_seq = st->rx_seq;
	acks[n++].accepted = st->rx_accepted;
	return n;
}
