/*
 * test-ipmi-sol.c - the SOL codec and its receive rules.
 *
 * Packets are laid out by hand from IPMI v2.0 table 15-2 and the payload
 * commands from tables 24-2 to 24-5; the receive-rule tests play the BMC's
 * side of each loss and retransmission case the console must survive.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ipmi/msg.h"
#include "ipmi/sol.h"
#include "runner.h"

static struct sol_packet parsed(const uint8_t *buf, size_t len)
{
	struct sol_packet p;

	ASSERT_EQ(sol_parse(buf, len, &p), 0);
	return p;
}

TEST(sol_next_seq_cycles_1_to_15)
{
	ASSERT_EQ(sol_next_seq(0), 1);
	ASSERT_EQ(sol_next_seq(1), 2);
	ASSERT_EQ(sol_next_seq(14), 15);
	ASSERT_EQ(sol_next_seq(15), 1);
}

TEST(sol_build_data_packet)
{
	static const uint8_t want[] = {0x03, 0x00, 0x00, 0x10, 'l', 's', '\r'};
	struct sol_packet p = {
	    .seq = 3, .flags = SOL_OP_BREAK, .data = (const uint8_t *)"ls\r", .len = 3};
	uint8_t buf[32];

	ASSERT_EQ(sol_build(buf, sizeof buf, &p), sizeof want);
	ASSERT_MEMEQ(buf, want, sizeof want);
}

TEST(sol_build_ack_only)
{
	static const uint8_t want[] = {0x00, 0x0f, 0xff, 0x40};
	struct sol_packet p = {.seq = 0, .ack_seq = 15, .accepted = 255, .flags = SOL_OP_NACK};
	uint8_t buf[4];

	ASSERT_EQ(sol_build(buf, sizeof buf, &p), 4);
	ASSERT_MEMEQ(buf, want, 4);
}

TEST(sol_build_refuses_what_cannot_be_sent)
{
	uint8_t data[256] = {0}, buf[300];
	struct sol_packet p = {.seq = 1, .data = data, .len = 256};

	ASSERT_EQ(sol_build(buf, sizeof buf, &p), -1); /* count byte cannot say 256 */
	p.len = 255;
	ASSERT_EQ(sol_build(buf, sizeof buf, &p), 259);
	ASSERT_EQ(sol_build(buf, 258, &p), -1); /* no room */
	p.seq = 0;
	ASSERT_EQ(sol_build(buf, sizeof buf, &p), -1); /* characters on an ack-only packet */
	p.seq = 16;
	p.len = 1;
	ASSERT_EQ(sol_build(buf, sizeof buf, &p), -1);
	p.seq = 1;
	p.ack_seq = 16;
	ASSERT_EQ(sol_build(buf, sizeof buf, &p), -1);
}

TEST(sol_parse_every_status_bit)
{
	static const struct {
		uint8_t bit;
	} bits[] = {{SOL_ST_NACK},
		    {SOL_ST_UNAVAILABLE},
		    {SOL_ST_DEACTIVATING},
		    {SOL_ST_OVERRUN},
		    {SOL_ST_BREAK}};
	uint8_t buf[6] = {0x05, 0x02, 0x07, 0x00, 'h', 'i'};
	struct sol_packet p;
	size_t i;

	for (i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		buf[3] = bits[i].bit;
		p = parsed(buf, sizeof buf);
		ASSERT_EQ(p.flags, bits[i].bit);
		ASSERT_EQ(p.seq, 5);
		ASSERT_EQ(p.ack_seq, 2);
		ASSERT_EQ(p.accepted, 7);
		ASSERT_EQ(p.len, 2);
		ASSERT_MEMEQ(p.data, "hi", 2);
	}
	buf[3] = 0xff; /* bit 7 is reserved and dropped */
	p = parsed(buf, sizeof buf);
	ASSERT_EQ(p.flags, 0x7f);
}

TEST(sol_op_bits_round_trip)
{
	static const uint8_t ops[] = {
	    SOL_OP_NACK,	 SOL_OP_RING_WOR,      SOL_OP_BREAK,	     SOL_OP_CTS_PAUSE,
	    SOL_OP_DROP_DCD_DSR, SOL_OP_FLUSH_INBOUND, SOL_OP_FLUSH_OUTBOUND};
	uint8_t buf[8];
	size_t i;

	for (i = 0; i < sizeof ops; i++) {
		struct sol_packet p = {.seq = 9, .ack_seq = 4, .accepted = 1, .flags = ops[i]};
		struct sol_packet q;

		ASSERT_EQ(sol_build(buf, sizeof buf, &p), 4);
		ASSERT_EQ(buf[3], ops[i]);
		q = parsed(buf, 4);
		ASSERT_EQ(q.flags, ops[i]);
		ASSERT_EQ(q.seq, 9);
		ASSERT_EQ(q.ack_seq, 4);
		ASSERT_EQ(q.accepted, 1);
		ASSERT_EQ(q.len, 0);
	}
}

TEST(sol_parse_rejects_malformed)
{
	static const uint8_t short3[] = {0x01, 0x00, 0x00};
	static const uint8_t high_seq[] = {0x11, 0x00, 0x00, 0x00};
	static const uint8_t high_ack[] = {0x01, 0x20, 0x00, 0x00};
	static const uint8_t ackonly_data[] = {0x00, 0x01, 0x01, 0x00, 'x'};
	struct sol_packet p;

	ASSERT_EQ(sol_parse(short3, 0, &p), -1);
	ASSERT_EQ(sol_parse(short3, sizeof short3, &p), -1);
	ASSERT_EQ(sol_parse(high_seq, sizeof high_seq, &p), -1);
	ASSERT_EQ(sol_parse(high_ack, sizeof high_ack, &p), -1);
	ASSERT_EQ(sol_parse(ackonly_data, sizeof ackonly_data, &p), -1);
	ASSERT_EQ(sol_parse(ackonly_data, 4, &p), 0); /* the same without the character */
	ASSERT_EQ(p.len, 0);
}

TEST(sol_activate_request)
{
	/* Serial alerts deferred in every request (FreeIPMI's serialalertsdeferred). */
	static const uint8_t both[] = {0x01, 0x01, 0xc4, 0x00, 0x00, 0x00};
	static const uint8_t plain[] = {0x01, 0x02, 0x04, 0x00, 0x00, 0x00};
	uint8_t buf[6];

	ASSERT_EQ(sol_build_activate(buf, 1, 1, 1), 6);
	ASSERT_MEMEQ(buf, both, 6);
	ASSERT_EQ(sol_build_activate(buf, 2, 0, 0), 6);
	ASSERT_MEMEQ(buf, plain, 6);
	sol_build_activate(buf, 1, 1, 0);
	ASSERT_EQ(buf[2], SOL_AUX_ENCRYPT | SOL_AUX_ALERTS_DEFERRED);
	sol_build_activate(buf, 1, 0, 1);
	ASSERT_EQ(buf[2], SOL_AUX_AUTHENTICATE | SOL_AUX_ALERTS_DEFERRED);
}

TEST(sol_activate_response_from_ipmi_sim)
{
	/* What ipmi_sim answers, after the completion code: aux 0, inbound
	 * 32, outbound 16384, port 0x26f (623), no VLAN. */
	static const uint8_t rsp[] = {0x00, 0x00, 0x00, 0x00, 0x20, 0x00,
				      0x00, 0x40, 0x6f, 0x02, 0xff, 0xff};
	struct sol_activate_rsp ar;

	ASSERT_EQ(sol_parse_activate(rsp, sizeof rsp, &ar), 0);
	ASSERT_EQ(ar.inbound_size, 32);
	ASSERT_EQ(ar.outbound_size, 16384);
	ASSERT_EQ(ar.port, 623);
	ASSERT_EQ(ar.vlan, 0xffff);
	ASSERT_EQ(sol_chars_per_packet(ar.inbound_size), 28);
	/* Without the VLAN field (some BMCs stop there). */
	ASSERT_EQ(sol_parse_activate(rsp, 10, &ar), 0);
	ASSERT_EQ(ar.vlan, 0xffff);
	ASSERT_EQ(sol_parse_activate(rsp, 9, &ar), -1);
	ASSERT_EQ(sol_parse_activate(rsp, 0, &ar), -1);
}

TEST(sol_chars_per_packet_bounds)
{
	/* Too small for a character (solpayloadsize): the other byte order
	 * when that fits, else 32. */
	ASSERT_EQ(sol_chars_per_packet(0), 32);
	ASSERT_EQ(sol_chars_per_packet(4), 255);
	ASSERT_EQ(sol_chars_per_packet(1), 252);
	ASSERT_EQ(sol_payload_size_bad(1), 1);
	ASSERT_EQ(sol_payload_size_bad(5), 0);
	ASSERT_EQ(sol_chars_per_packet(5), 1);
	ASSERT_EQ(sol_chars_per_packet(100), 96);
	ASSERT_EQ(sol_chars_per_packet(259), 255);
	ASSERT_EQ(sol_chars_per_packet(0xffff), 255);
}

TEST(sol_deactivate_status_and_instance_info)
{
	static const uint8_t deact[] = {0x01, 0x01, 0x00, 0x00, 0x00, 0x00};
	/* ipmi_sim's answers: capacity 1, instance 1 active; held by session
	 * 0x00000182. */
	static const uint8_t status[] = {0x01, 0x01, 0x00};
	static const uint8_t info[] = {0x82, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
	struct sol_activation_status st;
	uint8_t buf[6];
	uint32_t sid;

	ASSERT_EQ(sol_build_deactivate(buf, 1), 6);
	ASSERT_MEMEQ(buf, deact, 6);
	ASSERT_EQ(sol_build_activation_status(buf), 1);
	ASSERT_EQ(buf[0], 0x01);
	ASSERT_EQ(sol_build_instance_info(buf, 1), 2);
	ASSERT_EQ(buf[0], 0x01);
	ASSERT_EQ(buf[1], 0x01);
	ASSERT_EQ(sol_parse_activation_status(status, sizeof status, &st), 0);
	ASSERT_EQ(st.capacity, 1);
	ASSERT_EQ(st.active, 1);
	ASSERT_EQ(sol_parse_activation_status(status, 2, &st), -1);
	ASSERT_EQ(sol_parse_instance_info(info, sizeof info, &sid), 0);
	ASSERT_EQ(sid, 0x182);
	ASSERT_EQ(sol_parse_instance_info(info, 3, &sid), -1);
	ASSERT_EQ(sid, 0);
}

TEST(sol_completion_code_texts)
{
	ASSERT_CONTAINS(sol_ccode_str(IPMI_CMD_ACTIVATE_PAYLOAD, 0x80), "already active");
	ASSERT_CONTAINS(sol_ccode_str(IPMI_CMD_ACTIVATE_PAYLOAD, 0x81), "disabled");
	ASSERT_CONTAINS(sol_ccode_str(IPMI_CMD_ACTIVATE_PAYLOAD, 0x82), "limit");
	ASSERT_CONTAINS(sol_ccode_str(IPMI_CMD_ACTIVATE_PAYLOAD, 0x83), "with encryption");
	ASSERT_CONTAINS(sol_ccode_str(IPMI_CMD_ACTIVATE_PAYLOAD, 0x84), "requires encryption");
	ASSERT_CONTAINS(sol_ccode_str(IPMI_CMD_DEACTIVATE_PAYLOAD, 0x80), "already deactivated");
	/* Anything else is the generic text. */
	ASSERT(strcmp(sol_ccode_str(IPMI_CMD_ACTIVATE_PAYLOAD, 0xd4), "") != 0);
}

/* The receive rules. */

static struct sol_packet bmc_data(uint8_t seq, const char *text)
{
	struct sol_packet p = {.seq = seq, .data = (const uint8_t *)text, .len = strlen(text)};

	return p;
}

static struct sol_packet bmc_ack(uint8_t ack, uint8_t count, uint8_t status)
{
	struct sol_packet p = {.ack_seq = ack, .accepted = count, .flags = status};

	return p;
}

TEST(sol_rx_new_data_is_delivered_and_acked)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(1, "login: ");

	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 7);
	ASSERT_MEMEQ(r.deliver, "login: ", 7);
	ASSERT(r.ack);
	ASSERT_EQ(r.ack_seq, 1);
	ASSERT_EQ(r.ack_count, 7);
	ASSERT(!r.duplicate);
	ASSERT(!r.tx_done);
	ASSERT(!r.stray);
}

TEST(sol_rx_retransmission_delivered_once)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(4, "abc");

	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 3);
	/* Our ack was lost: the BMC sends the same packet again. */
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 0);
	ASSERT(r.duplicate);
	ASSERT(r.ack);
	ASSERT_EQ(r.ack_seq, 4);
	ASSERT_EQ(r.ack_count, 3);
	/* The next number is new again. */
	p = bmc_data(5, "def");
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 3);
	ASSERT_MEMEQ(r.deliver, "def", 3);
}

TEST(sol_rx_first_packet_may_have_any_number)
{
	/* A BMC keeps its numbering across activations (ipmi_sim does). */
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(11, "x");

	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 1);
	ASSERT_EQ(r.ack_seq, 11);
}

TEST(sol_rx_oversized_packet_accepted_in_part)
{
	uint8_t big[300];
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = {.seq = 2, .data = big, .len = sizeof big};

	memset(big, 'z', sizeof big);
	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 255);
	ASSERT_EQ(r.ack_count, 255); /* the BMC resends the other 45 */
}

TEST(sol_rx_empty_data_packet_acked)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(3, "");

	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 0);
	ASSERT(r.ack);
	ASSERT_EQ(r.ack_seq, 3);
	ASSERT_EQ(r.ack_count, 0);
}

TEST(sol_tx_full_ack)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p;

	sol_state_reset(&st);
	ASSERT_EQ(sol_tx_begin(&st, 5), 1);
	p = bmc_ack(1, 5, 0);
	sol_receive(&st, &p, &r);
	ASSERT(r.tx_done);
	ASSERT_EQ(r.tx_accepted, 5);
	ASSERT(!r.tx_clamped);
	ASSERT(!r.ack); /* nothing to acknowledge in an ack-only packet */
	ASSERT_EQ(st.tx_seq, 0);
	ASSERT_EQ(sol_tx_begin(&st, 1), 2);
}

TEST(sol_tx_partial_accept)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p;

	sol_state_reset(&st);
	sol_tx_begin(&st, 28);
	p = bmc_ack(1, 10, 0);
	sol_receive(&st, &p, &r);
	ASSERT(r.tx_done);
	ASSERT_EQ(r.tx_accepted, 10); /* the other 18 go in packet 2 */
	ASSERT_EQ(sol_tx_begin(&st, 18), 2);
}

TEST(sol_tx_impossible_count_clamped)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p;

	sol_state_reset(&st);
	sol_tx_begin(&st, 3);
	p = bmc_ack(1, 200, 0);
	sol_receive(&st, &p, &r);
	ASSERT(r.tx_done);
	ASSERT_EQ(r.tx_accepted, 3);
	ASSERT(r.tx_clamped);
}

TEST(sol_tx_nack_holds)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p;

	sol_state_reset(&st);
	sol_tx_begin(&st, 28);
	/* ipmi_sim: took 4, its buffer is now full. */
	p = bmc_ack(1, 4, SOL_ST_NACK);
	sol_receive(&st, &p, &r);
	ASSERT(r.tx_done);
	ASSERT_EQ(r.tx_accepted, 4);
	ASSERT(r.hold);
	/* "Ready again": the same ack without NACK is no stray. */
	p = bmc_ack(1, 4, 0);
	sol_receive(&st, &p, &r);
	ASSERT(!r.tx_done);
	ASSERT(!r.hold);
	ASSERT(!r.stray);
	ASSERT_EQ(st.stray_acks, 0);
	/* Character transfer unavailable holds too. */
	p = bmc_ack(0, 0, SOL_ST_UNAVAILABLE);
	sol_receive(&st, &p, &r);
	ASSERT(r.hold);
}

TEST(sol_tx_stray_acks_counted)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p;
	int i;

	sol_state_reset(&st);
	sol_tx_begin(&st, 1);
	for (i = 0; i < 5; i++) {
		p = bmc_ack(9, 1, 0);
		sol_receive(&st, &p, &r);
		ASSERT(r.stray);
		ASSERT(!r.tx_done);
	}
	ASSERT_EQ(st.stray_acks, 5);
	p = bmc_ack(1, 1, 0);
	sol_receive(&st, &p, &r);
	ASSERT(r.tx_done);
	ASSERT_EQ(st.stray_acks, 0);
}

TEST(sol_tx_ack_piggybacked_on_data)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(7, "echo");

	sol_state_reset(&st);
	sol_tx_begin(&st, 4);
	p.ack_seq = 1;
	p.accepted = 4;
	sol_receive(&st, &p, &r);
	ASSERT(r.tx_done);
	ASSERT_EQ(r.tx_accepted, 4);
	ASSERT_EQ(r.deliver_len, 4);
	ASSERT_EQ(r.ack_seq, 7);
}

TEST(sol_guess_lost_packet_then_resend)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(3, "AAAA");

	sol_state_reset(&st);
	ASSERT_EQ(sol_guess(&st, 1), 0); /* nothing received yet: no guess */
	sol_receive(&st, &p, &r);
	/* Packet 4 is lost; we guess it and the BMC resends its bytes as 5. */
	ASSERT_EQ(sol_guess(&st, 1), 4);
	p = bmc_data(5, "BBBB");
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 4);
	ASSERT_MEMEQ(r.deliver, "BBBB", 4);
}

TEST(sol_guess_late_original_refused)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(3, "AAAA");

	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	ASSERT_EQ(sol_guess(&st, 1), 4);
	/* Packet 4 was only late: we told the BMC we took none of it. */
	p = bmc_data(4, "BBBB");
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 0);
	ASSERT(r.duplicate);
	ASSERT_EQ(r.ack_seq, 4);
	ASSERT_EQ(r.ack_count, 0);
	/* The BMC resends them as 5: now they count, once. */
	p = bmc_data(5, "BBBB");
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 4);
}

TEST(sol_guess_refused_copy_taken_after_repeats)
{
	/* A BMC that resends under the same number after a 0 accept (or
	 * never saw our refusals): its bytes arrive in the end, once. */
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(3, "AAAA");
	int i, delivered = 0;

	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	sol_guess(&st, 1);
	p = bmc_data(4, "BBBB");
	for (i = 0; i < 6; i++) {
		sol_receive(&st, &p, &r);
		if (r.deliver_len > 0)
			delivered++;
	}
	ASSERT_EQ(delivered, 1);
	/* After it was taken, further copies are plain duplicates. */
	ASSERT(r.duplicate);
	ASSERT_EQ(r.ack_count, 4);
}

TEST(sol_guess_further_rounds_and_clear)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(14, "x");

	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	ASSERT_EQ(sol_guess(&st, 1), 15);
	ASSERT_EQ(sol_guess(&st, 2), 1); /* wraps past 15 to 1, never 0 */
	ASSERT_EQ(sol_guess(&st, 0), 0);
	ASSERT_EQ(sol_guess(&st, 15), 0);
	sol_guess_clear(&st);
	p = bmc_data(15, "y");
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 1); /* no longer refused */
}

TEST(sol_guess_never_marks_the_received_packet)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(6, "q");
	unsigned k;

	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	for (k = 1; k <= 14; k++)
		ASSERT(sol_guess(&st, k) != 6);
	/* A retransmission of 6 is still a duplicate, re-acked in full. */
	sol_receive(&st, &p, &r);
	ASSERT(r.duplicate);
	ASSERT_EQ(r.ack_count, 1);
}

TEST(sol_guess_forgotten_once_the_bmc_moved_past)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet p = bmc_data(3, "AAAA");

	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	ASSERT_EQ(sol_guess(&st, 1), 4);
	ASSERT_EQ(sol_guess(&st, 2), 5);
	ASSERT_EQ(sol_guess(&st, 3), 6);
	/* The BMC took guesses 4 and 5; its resend as 6 is refused ... */
	p = bmc_data(6, "BBBB");
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 0);
	/* ... and taken as 7. */
	p = bmc_data(7, "BBBB");
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 4);
	/* A lap later, 4 and 5 carry new characters: not refused. */
	for (uint8_t s = 8; s != 6; s = sol_next_seq(s)) {
		p = bmc_data(s, "C");
		sol_receive(&st, &p, &r);
		ASSERT_EQ(r.deliver_len, 1);
	}
	/* Guesses ahead of the newest packet stay. */
	ASSERT_EQ(sol_guess(&st, 2), 7);
	p = bmc_data(6, "D");
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 1);
	p = bmc_data(7, "E");
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 0);
}

/*
 * ipmi_sim's side of a stream (OpenIPMI 2.0.33, lanserv/sol.c), as far as
 * a stall goes: an acknowledgement counts only under the number it is
 * waiting on (curr); then it resends what was not accepted, or sends its
 * next characters, under the next number.  After its retransmissions it
 * gives the packet up (with its whole buffer), moves to the next number
 * and, its buffer having been full, stops reading the host: nothing more
 * until acknowledged under that number.
 */
struct sim_bmc {
	uint8_t curr;
	int wedged;
	char chunk; /* the characters in flight: 'A', 'B', ... */
	int sent;   /* it sent curr (chunk) in answer to the last round */
};

static void sim_round(struct sim_bmc *b, const struct sol_packet *acks, size_t n)
{
	size_t i;

	b->sent = 0;
	for (i = 0; i < n; i++) {
		if (acks[i].ack_seq != b->curr)
			continue;
		b->curr = sol_next_seq(b->curr);
		if (b->wedged)
			b->wedged = 0; /* reading again: its next characters */
		else if (acks[i].accepted > 0)
			b->chunk++;
		b->sent = 1;
	}
}

/* A stream stops after packet 6; fast_acks_arrive: whether the fast
 * rounds reach ipmi_sim (its answers are all lost either way).  Returns
 * the characters the console takes after ipmi_sim gave up. */
static char stall_then_give_up(int fast_acks_arrive)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet acks[SOL_STALL_MAX_ACKS];
	struct sim_bmc b = {.curr = 7, .chunk = 'B'};
	struct sol_packet p = bmc_data(6, "A");
	char text[2] = {0, 0};
	unsigned round;
	size_t n;

	sol_state_reset(&st);
	sol_receive(&st, &p, &r);
	ASSERT_EQ(r.deliver_len, 1);
	for (round = 1; round <= SOL_STALL_FAST_ROUNDS; round++) {
		n = sol_stall_acks(&st, round, acks);
		ASSERT(n > 0);
		ASSERT_EQ(acks[n - 1].ack_seq, 6); /* our last ack, again */
		ASSERT_EQ(acks[n - 1].accepted, 1);
		if (fast_acks_arrive)
			sim_round(&b, acks, n);
	}
	/* A second without an answer, five times: it gives chunk B up. */
	b.curr = sol_next_seq(b.curr);
	b.wedged = 1;
	b.chunk = 'C';
	/* The next round reaches it: it must name that number. */
	n = sol_stall_acks(&st, round, acks);
	sim_round(&b, acks, n);
	ASSERT(b.sent);
	/* What it sends now must be taken, once (a guessed number is
	 * refused, and the characters come again under the next). */
	for (;;) {
		text[0] = b.chunk;
		p = bmc_data(b.curr, text);
		sol_receive(&st, &p, &r);
		if (r.deliver_len > 0)
			break;
		ASSERT(r.ack);
		ASSERT_EQ(r.ack_count, 0);
		sim_round(&b, &(struct sol_packet){.ack_seq = r.ack_seq}, 1);
		ASSERT(b.sent);
	}
	return (char)r.deliver[0];
}

TEST(sol_stall_rounds_restart_an_ipmi_sim_that_gave_up)
{
	/* The fast rounds lost: it gave 7 up and waits under 8. */
	ASSERT_EQ(stall_then_give_up(0), 'C');
	/* The fast rounds took it to 12 (its resends lost); it gave that
	 * up and waits under 13, seven ahead of what we have. */
	ASSERT_EQ(stall_then_give_up(1), 'C');
}

TEST(sol_stall_acks_never_guess_the_received_packet)
{
	struct sol_state st;
	struct sol_rx_result r;
	struct sol_packet acks[SOL_STALL_MAX_ACKS];
	struct sol_packet p = bmc_data(15, "A");
	unsigned round;
	size_t i, n;

	sol_state_reset(&st);
	ASSERT_EQ(sol_stall_acks(&st, 1, acks), 0); /* nothing received yet */
	sol_receive(&st, &p, &r);
	for (round = 1; round <= 40; round++) {
		n = sol_stall_acks(&st, round, acks);
		ASSERT_EQ(n,
			  (round <= SOL_STALL_FAST_ROUNDS ? round : SOL_STALL_FAST_ROUNDS + 2) + 1);
		for (i = 0; i + 1 < n; i++) {
			ASSERT(acks[i].ack_seq >= 1 && acks[i].ack_seq <= 15);
			ASSERT(acks[i].ack_seq != 15);
			ASSERT_EQ(acks[i].accepted, 0);
		}
	}
}
