/*
 * fuzz-sol.c - libFuzzer target for the SOL codec and its receive rules.
 *
 * The whole input is parsed as one SOL packet and as each payload command
 * response.  Then it is cut into a stream of packets (a length byte, then
 * that many bytes) fed to one receive state, with our own packets started
 * and guesses made in between as the stream says, while the invariants the
 * console relies on are checked: characters delivered lie inside the packet
 * and are never more than an ack can count, an ack never accepts more than
 * we sent, and a parsed packet builds back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipmi/sol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const uint8_t *buf, size_t len, const struct sol_packet *p)
{
	uint8_t out[SOL_HEADER_LEN + SOL_MAX_CHARS];
	ssize_t n;

	if (p->len > SOL_MAX_CHARS)
		return;
	n = sol_build(out, sizeof out, p);
	if (n != (ssize_t)len || out[0] != buf[0] || out[1] != buf[1] || out[2] != buf[2] ||
	    out[3] != (buf[3] & 0x7f) || memcmp(out + 4, buf + 4, len - 4) != 0)
		__builtin_trap();
}

static void feed(struct sol_state *st, const uint8_t *buf, size_t len)
{
	struct sol_packet p;
	struct sol_rx_result r;
	size_t sent = st->tx_len;
	uint8_t expect = st->tx_seq;

	if (sol_parse(buf, len, &p) != 0)
		return;
	round_trip(buf, len, &p);
	sol_receive(st, &p, &r);
	if (r.deliver_len > 0 &&
	    (r.deliver < p.data || r.deliver + r.deliver_len > p.data + p.len ||
	     r.deliver_len > SOL_MAX_CHARS || r.ack_count != r.deliver_len))
		__builtin_trap();
	if (r.tx_done && (r.tx_accepted > sent || expect == 0 || p.ack_seq != expect))
		__builtin_trap();
	if (r.ack && (r.ack_seq == 0 || r.ack_seq > 15 || (!r.duplicate && r.ack_count > p.len)))
		__builtin_trap();
	if (r.deliver_len > 0 && r.duplicate)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sol_packet p;
	struct sol_activate_rsp ar;
	struct sol_activation_status as;
	struct sol_state st;
	uint32_t sid;
	size_t off = 0;

	if (sol_parse(data, size, &p) == 0)
		round_trip(data, size, &p);
	(void)sol_parse_activate(data, size, &ar);
	if (sol_chars_per_packet(ar.inbound_size) == 0 ||
	    sol_chars_per_packet(ar.inbound_size) > SOL_MAX_CHARS)
		__builtin_trap();
	(void)sol_parse_activation_status(data, size, &as);
	(void)sol_parse_instance_info(data, size, &sid);

	sol_state_reset(&st);
	while (off < size) {
		uint8_t ctl = data[off++];
		size_t len = ctl & 0x3f;

		/* The top bits of the length byte act for our side. */
		if ((ctl & 0x80) && st.tx_seq == 0)
			sol_tx_begin(&st, len);
		if (ctl & 0x40) {
			uint8_t g = sol_guess(&st, 1 + (len & 3));

			if (st.rx_seq != 0 && (g == 0 || g == st.rx_seq))
				__builtin_trap();
		}
		if (len > size - off)
			len = size - off;
		feed(&st, data + off, len);
		off += len;
	}
	return 0;
}
