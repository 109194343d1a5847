/*
 * telnet.c - the telnet client codec: option negotiation, IAC escaping and
 * the NVT's CR NUL convention (see telnet.h).
 *
 * The state survives between calls, so a command split across TCP reads
 * decodes the same as one read whole.  Subnegotiations are skipped without
 * being stored: we refuse every option that has them.
 */
#include "config.h"

#include <string.h>

#include "telnet.h"

void telnet_init(struct telnet *t)
{
	memset(t, 0, sizeof *t);
	t->rx = TN_DATA;
}

static int bit_get(const uint8_t *set, uint8_t opt)
{
	return (set[opt / 8] >> (opt % 8)) & 1;
}

static void bit_set(uint8_t *set, uint8_t opt, int on)
{
	if (on)
		set[opt / 8] |= (uint8_t)(1u << (opt % 8));
	else
		set[opt / 8] &= (uint8_t) ~(1u << (opt % 8));
}

int telnet_him(const struct telnet *t, uint8_t opt)
{
	return bit_get(t->him, opt);
}

int telnet_us(const struct telnet *t, uint8_t opt)
{
	return bit_get(t->us, opt);
}

/* Options the server may turn on at its end. */
static int accept_him(uint8_t opt)
{
	return opt == TELNET_OPT_BINARY || opt == TELNET_OPT_ECHO || opt == TELNET_OPT_SGA;
}

/* Options we agree to turn on at ours. */
static int accept_us(uint8_t opt)
{
	return opt == TELNET_OPT_BINARY || opt == TELNET_OPT_SGA;
}

static size_t put_reply(uint8_t *out, uint8_t verb, uint8_t opt)
{
	out[0] = TELNET_IAC;
	out[1] = verb;
	out[2] = opt;
	return 3;
}

/* Answer IAC verb opt; returns the bytes written to reply. */
static size_t negotiate(struct telnet *t, uint8_t verb, uint8_t opt, uint8_t *reply)
{
	switch (verb) {
	case TELNET_WILL:
		if (!accept_him(opt)) {
			t->refused++;
			return put_reply(reply, TELNET_DONT, opt);
		}
		if (telnet_him(t, opt))
			return 0; /* an acknowledgement of our DO */
		bit_set(t->him, opt, 1);
		return put_reply(reply, TELNET_DO, opt);
	case TELNET_WONT:
		if (!telnet_him(t, opt))
			return 0;
		bit_set(t->him, opt, 0);
		return put_reply(reply, TELNET_DONT, opt);
	case TELNET_DO:
		if (!accept_us(opt)) {
			t->refused++;
			return put_reply(reply, TELNET_WONT, opt);
		}
		if (telnet_us(t, opt))
			return 0;
		bit_set(t->us, opt, 1);
		return put_reply(reply, TELNET_WILL, opt);
	case TELNET_DONT:
		if (!telnet_us(t, opt))
			return 0;
		bit_set(t->us, opt, 0);
		return put_reply(reply, TELNET_WONT, opt);
	}
	return 0;
}

void telnet_decode(struct telnet *t, const uint8_t *in, size_t len, uint8_t *data, size_t *ndata,
		   uint8_t *reply, size_t *nreply)
{
	size_t i, nd = 0, nr = 0;

	for (i = 0; i < len; i++) {
		uint8_t b = in[i];

		switch (t->rx) {
		case TN_CR:
			t->rx = TN_DATA;
			/* Outside BINARY, CR NUL is how the server sends a bare CR. */
			if (b == 0 && !telnet_him(t, TELNET_OPT_BINARY))
				break;
			/* fall through */
		case TN_DATA:
			if (b == TELNET_IAC) {
				t->rx = TN_IAC;
				break;
			}
			data[nd++] = b;
			if (b == '\r')
				t->rx = TN_CR;
			break;
		case TN_IAC:
			if (b == TELNET_IAC) {
				data[nd++] = b;
				t->rx = TN_DATA;
				break;
			}
			t->commands++;
			if (b >= TELNET_WILL && b <= TELNET_DONT) {
				t->verb = b;
				t->rx = TN_OPTION;
			} else if (b == TELNET_SB) {
				t->subnegotiations++;
				t->rx = TN_SB;
			} else {
				t->rx = TN_DATA; /* NOP, GA, AYT, ...: nothing for a console */
			}
			break;
		case TN_OPTION:
			nr += negotiate(t, t->verb, b, reply + nr);
			t->rx = TN_DATA;
			break;
		case TN_SB:
			if (b == TELNET_IAC)
				t->rx = TN_SB_IAC;
			break;
		case TN_SB_IAC:
			/* IAC SE ends it; IAC IAC is an escaped 0xFF inside it. */
			t->rx = b == TELNET_SE ? TN_DATA : TN_SB;
			break;
		}
	}
	*ndata = nd;
	*nreply = nr;
}

size_t telnet_encode(const struct telnet *t, const uint8_t *in, size_t len, uint8_t *out)
{
	int binary = telnet_us(t, TELNET_OPT_BINARY);
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		out[n++] = in[i];
		if (in[i] == TELNET_IAC)
			out[n++] = TELNET_IAC;
		else if (in[i] == '\r' && !binary && (i + 1 >= len || in[i + 1] != '\n'))
			out[n++] = 0;
	}
	return n;
}

size_t telnet_break(uint8_t *out)
{
	out[0] = TELNET_IAC;
	out[1] = TELNET_BRK;
	return 2;
}
