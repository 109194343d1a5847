/*
 * ipmi/sol.h - IPMI v2.0 Serial-over-LAN codec (section 15) and the
 * payload commands that start and stop it (section 24).
 *
 * Pure functions over buffers, plus the one piece of SOL that is easy to get
 * wrong and worth testing without sockets: the receive rules (struct
 * sol_state), which decide for every packet from the BMC what is new, what
 * is a retransmission, what to acknowledge, and what happened to our own
 * packet in flight.  console/sol.c owns the timers and the socket.
 *
 * SOL is stop-and-wait in each direction: a packet carries a 4-bit sequence
 * number (1-15; 0 marks an ack-only packet), and the other side answers with
 * that number and how many of its characters it accepted.  Characters not
 * accepted are sent again in a new packet with a new sequence number.
 */
#ifndef BMCTOP_IPMI_SOL_H
#define BMCTOP_IPMI_SOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SOL_HEADER_LEN 4
/* The accepted-character count is one byte: no packet carries more. */
#define SOL_MAX_CHARS 255

/* Operation bits, console to BMC (table 15-2, byte 4). */
#define SOL_OP_NACK	      0x40 /* we could not take the acked packet's characters */
#define SOL_OP_RING_WOR	      0x20 /* assert ring indicator / wake on ring */
#define SOL_OP_BREAK	      0x10 /* generate a serial break */
#define SOL_OP_CTS_PAUSE      0x08 /* deassert CTS to the host: pause its output */
#define SOL_OP_DROP_DCD_DSR   0x04 /* deassert DCD/DSR */
#define SOL_OP_FLUSH_INBOUND  0x02 /* drop characters queued toward the host */
#define SOL_OP_FLUSH_OUTBOUND 0x01 /* drop characters queued toward us */

/* Status bits, BMC to console. */
#define SOL_ST_NACK	    0x40 /* the BMC cannot take more characters now */
#define SOL_ST_UNAVAILABLE  0x20 /* character transfer unavailable */
#define SOL_ST_DEACTIVATING 0x10 /* the BMC is ending this SOL session */
#define SOL_ST_OVERRUN	    0x08 /* the BMC dropped characters from the host */
#define SOL_ST_BREAK	    0x04 /* the host sent a serial break */

struct sol_packet {
	uint8_t seq;	  /* 1-15; 0: ack-only, carries no characters */
	uint8_t ack_seq;  /* the packet acked or nacked; 0: none */
	uint8_t accepted; /* characters accepted from that packet */
	uint8_t flags;	  /* SOL_OP_* (to the BMC) or SOL_ST_* (from it) */
	const uint8_t *data;
	size_t len;
};

/* The next data sequence number after seq: 1..15, never 0. */
uint8_t sol_next_seq(uint8_t seq);
/* Build a SOL payload; -1 when it does not fit, has more than
 * SOL_MAX_CHARS characters, or carries characters with sequence 0. */
ssize_t sol_build(uint8_t *out, size_t cap, const struct sol_packet *p);
/* Parse one (data points into buf).  0, or -1: shorter than the header,
 * a sequence number above 15, or characters on an ack-only packet. */
int sol_parse(const uint8_t *buf, size_t len, struct sol_packet *out);

/* Activate Payload completion codes (table 24-2). */
#define SOL_CC_ALREADY_ACTIVE	0x80 /* Deactivate: already deactivated */
#define SOL_CC_TYPE_DISABLED	0x81
#define SOL_CC_LIMIT_REACHED	0x82
#define SOL_CC_NO_ENCRYPTION	0x83 /* cannot activate with encryption */
#define SOL_CC_NEEDS_ENCRYPTION 0x84 /* cannot activate without encryption */

/* Auxiliary request data, byte 1, for SOL. */
#define SOL_AUX_ENCRYPT	     0x80
#define SOL_AUX_AUTHENTICATE 0x40
#define SOL_AUX_TEST_MODE    0x02 /* leave CTS and DCD/DSR deasserted */
/* Shared serial alerts deferred while SOL is active (bits 3:2 = 01b): what
 * boards sharing the port with IPMI over serial need to take keystrokes
 * (FreeIPMI's serialalertsdeferred), harmless to others; always sent. */
#define SOL_AUX_ALERTS_DEFERRED 0x04
#define SOL_AUX_ALERTS_MASK	0x0c

/* Activate Payload request: type SOL, instance, encryption and
 * authentication as asked, serial alerts deferred.  Returns the length (6). */
size_t sol_build_activate(uint8_t out[6], uint8_t instance, int encrypt, int authenticate);

struct sol_activate_rsp {
	uint8_t aux[4];
	uint16_t inbound_size;	/* largest payload the BMC accepts from us */
	uint16_t outbound_size; /* largest payload it sends */
	uint16_t port;		/* UDP port for the payload */
	uint16_t vlan;		/* 0xFFFF: none */
};

/* Parse a successful response's data (after the completion code).  0 or -1. */
int sol_parse_activate(const uint8_t *data, size_t len, struct sol_activate_rsp *out);

/* Deactivate Payload request (type SOL, instance, no aux data); length 6. */
size_t sol_build_deactivate(uint8_t out[6], uint8_t instance);
/* Get Payload Activation Status request (type SOL); length 1. */
size_t sol_build_activation_status(uint8_t out[1]);

struct sol_activation_status {
	uint8_t capacity; /* instances the BMC supports, 1-15 */
	uint16_t active;  /* bit n-1 set: instance n is active */
};

int sol_parse_activation_status(const uint8_t *data, size_t len, struct sol_activation_status *out);
/* Get Payload Instance Info request (type SOL, instance); length 2. */
size_t sol_build_instance_info(uint8_t out[2], uint8_t instance);
/* Its answer: the session ID holding the instance (0: none).  0 or -1. */
int sol_parse_instance_info(const uint8_t *data, size_t len, uint32_t *session_id);

/* Text for an Activate/Deactivate Payload completion code. */
const char *sol_ccode_str(uint8_t cmd, uint8_t ccode);

/*
 * Characters per packet toward the BMC, from the inbound payload size it
 * gave at activation.  The size is read as including the 4-byte header
 * (the safe reading: some BMCs mean characters only), and capped by the
 * one-byte accepted count.  Never 0.  A size too small to carry a
 * character is a firmware defect (FreeIPMI's solpayloadsize): read in the
 * other byte order when that makes sense, else 32 characters.
 */
size_t sol_chars_per_packet(uint16_t inbound_size);
/* The inbound or outbound payload size cannot be right (under 5 bytes). */
int sol_payload_size_bad(uint16_t size);

/*
 * The receive rules.  A BMC retransmits a packet whose acknowledgement was
 * lost: its characters must reach the console once.  To get a lost packet
 * back sooner than the BMC's own retransmission timer, the console may
 * "guess" (sol_guess): acknowledge the sequence number the BMC will use
 * next with an accepted count of 0.  A BMC that had sent that packet resends
 * its characters under the following number; a BMC that had not ignores it.
 * The first copy of a guessed packet that still arrives is therefore
 * refused (acknowledged with 0), or its characters would arrive twice.
 * Guesses up to 7 numbers behind a newly accepted packet are forgotten:
 * the BMC has moved past them.
 */
struct sol_state {
	/* Toward the BMC. */
	uint8_t tx_seq; /* our packet in flight; 0: none */
	size_t tx_len;	/* its characters */
	uint8_t last_tx_seq;
	unsigned stray_acks; /* acks in a row that matched nothing we sent */

	/* From the BMC. */
	uint8_t rx_seq;	      /* the last packet we acknowledged; 0: none yet */
	uint8_t rx_accepted;  /* what we told the BMC we took from it */
	unsigned rx_refusals; /* copies of rx_seq refused so far (it was guessed) */
	uint16_t guessed;     /* bit n: we acked sequence n with 0 unseen */
	uint8_t last_guess;
};

/* What one packet from the BMC means. */
struct sol_rx_result {
	const uint8_t *deliver; /* new characters for the console (into the packet) */
	size_t deliver_len;
	int ack; /* acknowledge ack_seq with ack_count */
	uint8_t ack_seq, ack_count;
	int duplicate;	    /* a copy of a packet already handled */
	int tx_done;	    /* our packet in flight was answered */
	size_t tx_accepted; /* characters of it the BMC took (clamped) */
	int tx_clamped;	    /* the BMC claimed more than we sent */
	int stray;	    /* an ack for nothing of ours */
	int hold;	    /* NACK / unavailable: send nothing more for now */
	uint8_t status;	    /* SOL_ST_* bits as received */
};

/* Refuse a guessed packet this many times before taking its characters
 * (a BMC that resends under the same number after a 0 accept). */
#define SOL_MAX_REFUSALS 3

void sol_state_reset(struct sol_state *st);
/* Start a packet of len characters (0 for a break alone); its sequence. */
uint8_t sol_tx_begin(struct sol_state *st, size_t len);
void sol_receive(struct sol_state *st, const struct sol_packet *p, struct sol_rx_result *r);
/* The sequence number to acknowledge with 0 after guess-1 guesses in this
 * stall (guess counts from 1); 0 before anything was received. */
uint8_t sol_guess(struct sol_state *st, unsigned guess);
/* The stall is over (or given up): forget the guesses. */
void sol_guess_clear(struct sol_state *st);

/*
 * What to send in round `round` (from 1) of a stall: guesses (acks with
 * 0, from sol_guess), then our last acknowledgement again, in case it was
 * the one lost.  Round k of the first SOL_STALL_FAST_ROUNDS guesses k
 * numbers ahead: a guess the BMC took makes it resend under the next
 * number, and that packet may be lost too.  Later rounds guess
 * SOL_STALL_GUESSES ahead: the fast rounds can move ipmi_sim's number up
 * to 6 ahead, and giving a packet up moves it one more, and a stalled
 * ipmi_sim only starts again when acknowledged under that number (see
 * console/sol.c).  Returns the count, 0 before anything was received.
 */
#define SOL_STALL_FAST_ROUNDS 5
#define SOL_STALL_GUESSES     (SOL_STALL_FAST_ROUNDS + 2)
#define SOL_STALL_MAX_ACKS    (SOL_STALL_GUESSES + 1)
size_t sol_stall_acks(struct sol_state *st, unsigned round,
		      struct sol_packet acks[SOL_STALL_MAX_ACKS]);

#endif
