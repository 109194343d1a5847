/*
 * console/telnet.h - the client half of the telnet protocol (RFC 854, 855, 856, 858,
 * 857), as a pure codec for serial consoles such as QEMU's "-serial telnet".
 *
 * The decoder splits what the server sends into console data and the
 * negotiation replies we owe it; the encoder escapes what we send.  We agree
 * to the server's ECHO and SUPPRESS-GO-AHEAD, to BINARY in both directions
 * and to suppressing our own go-aheads (we never send any), and refuse every
 * other option.  Replies follow RFC 1143's Q method on the answering side:
 * each option has a state on each side, a request that would not change it
 * is ignored, so two peers cannot loop and a server repeating itself gets
 * no more answers than its options change states.  A refusal is said once
 * per option and connection (the server has heard it; asking again does
 * not change our mind), which bounds the refusals a hostile server can
 * draw to 2 * 256 whatever it sends.
 */
#ifndef BMCTOP_TELNET_H
#define BMCTOP_TELNET_H

#include <stddef.h>
#include <stdint.h>

enum {
	TELNET_SE = 240,
	TELNET_NOP = 241,
	TELNET_BRK = 243,
	TELNET_SB = 250,
	TELNET_WILL = 251,
	TELNET_WONT = 252,
	TELNET_DO = 253,
	TELNET_DONT = 254,
	TELNET_IAC = 255
};

enum { TELNET_OPT_BINARY = 0, TELNET_OPT_ECHO = 1, TELNET_OPT_SGA = 3 };

enum telnet_rx_state {
	TN_DATA,
	TN_CR,	   /* data, and the last data byte was CR */
	TN_IAC,	   /* after IAC */
	TN_OPTION, /* after IAC WILL/WONT/DO/DONT */
	TN_SB,	   /* inside a subnegotiation */
	TN_SB_IAC  /* IAC inside a subnegotiation */
};

/* An option's state on one side (RFC 1143's NO and YES; we never ask for
 * an option ourselves, so its WANTNO and WANTYES never arise). */
enum telnet_q {
	TELNET_Q_NO,
	TELNET_Q_YES,
	TELNET_Q_REFUSED /* NO, and we have refused it once already */
};

struct telnet {
	enum telnet_rx_state rx;
	uint8_t verb;	  /* the WILL/WONT/DO/DONT awaiting its option byte */
	uint8_t him[256]; /* enum telnet_q: the option at the server's end */
	uint8_t us[256];  /* enum telnet_q: the option at ours */
	/* What the server sent, for logs and tests. */
	unsigned long commands, refused, subnegotiations;
};

void telnet_init(struct telnet *t);

/* Whether an option is on, on the server's side (him) or ours (us). */
int telnet_him(const struct telnet *t, uint8_t opt);
int telnet_us(const struct telnet *t, uint8_t opt);

/* Room the reply buffer needs for len input bytes: a command split across
 * calls may finish with its last byte and owe a three-byte answer.  (This
 * is only the worst case of one call: repeated requests draw nothing.) */
#define TELNET_REPLY_ROOM(len) ((len) + 2)

/*
 * Decode len bytes from the server.  Console data goes to data (*ndata
 * bytes, never more than len), replies for the server to reply (*nreply
 * bytes, never more than TELNET_REPLY_ROOM(len)).
 */
void telnet_decode(struct telnet *t, const uint8_t *in, size_t len, uint8_t *data, size_t *ndata,
		   uint8_t *reply, size_t *nreply);

/*
 * Encode len data bytes for the server into out, which must hold 2 * len
 * bytes; returns the encoded length.  0xFF is doubled; outside BINARY a
 * CR not followed by LF in the same call becomes CR NUL.
 */
size_t telnet_encode(const struct telnet *t, const uint8_t *in, size_t len, uint8_t *out);

/* IAC BRK into out (2 bytes); returns 2. */
size_t telnet_break(uint8_t *out);

#endif
