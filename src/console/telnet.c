/*
 * console/telnet.c - the telnet client codec: option negotiation, IAC escaping and
 * the NVT's CR NUL convention (see console/telnet.h).
 *
 * The state survives between calls, so a command split across TCP reads
 * decodes the same as one read whole.  Subnegotiations are skipped without
 * being stored: we refuse every option that has them.
 */
#include "config.h"

#include <string.h>

#include "console/telnet.h"

void telnet_init(struct telnet *t)
{
	memset(t, 0, sizeof *t);
	t->rx = TN_DATA;
}

int telnet_him(const struct telnet *t, uint8_t opt)
{
	return t->him[opt] == TELNET_Q_YES;
}

int telnet_us(const struct telnet *t, uint8_t opt)
{
	return t->us[opt] == TELNET_Q_YES;
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

/*
 * A request to enable an option at one side (WILL: his, DO: ours), in
 * state *q: agree once, refuse once, and ignore it when it changes
 * nothing.  Returns the bytes written to reply.
 */
static size_t request_on(struct telnet *t, uint8_t *q, int acceptable, uint8_t yes, uint8_t no,
			 uint8_t opt, uint8_t *reply)
{
	if (*q != TELNET_Q_NO)
		return 0; /* on already, or refused already */
	if (!acceptable) {
		*q = TELNET_Q_REFUSED;
		t->refused++;
		return put_reply(reply, no, opt);
	}
	*q = TELNET_Q_YES;
	return put_reply(reply, yes, opt);
}

/* A request to disable it (WONT, DONT): agreed to at once, if it was on. */
static size_t request_off(uint8_t *q, uint8_t no, uint8_t opt, uint8_t *reply)
{
	if (*q != TELNET_Q_YES)
		return 0;
	*q = TELNET_Q_NO;
	return put_reply(reply, no, opt);
}

/* Answer IAC verb opt; returns the bytes written to reply. */
static size_t negotiate(struct telnet *t, uint8_t verb, uint8_t opt, uint8_t *reply)
{
	switch (verb) {
	case TELNET_WILL:
		return request_on(t, &t->him[opt], accept_him(opt), TELNET_DO, TELNET_DONT, opt,
				  reply);
	case TELNET_WONT:
		return request_off(&t->him[opt], TELNET_DONT, opt, reply);
	case TELNET_DO:
		return request_on(t, &t->us[opt], accept_us(opt), TELNET_WILL, TELNET_WONT, opt,
				  reply);
	case TELNET_DONT:
		return request_off(&t->us[opt], TELNET_WONT, opt, reply);
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
