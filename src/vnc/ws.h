/*
 * vnc/ws.h - the client side of WebSocket (RFC 6455) as pure functions over
 * buffers: the HTTP upgrade request and its answer, frame headers and
 * masking, and an incremental frame decoder with limits.
 *
 * The decoder never buffers a data frame: payload bytes are handed back as
 * they arrive (WS_EV_DATA, pointing into the caller's buffer, unmasked in
 * place), so a frame of any permitted size costs no memory.  Control frames
 * (at most 125 bytes by the RFC) are collected whole.  Whatever breaks the
 * RFC - an unknown opcode, reserved bits, a fragmented or long control
 * frame, a length beyond the limit or with its top bit set, a continuation
 * with nothing to continue, a close code that may not be sent - is an
 * error with a reason for a person; the connection is then unusable.
 *
 * The decoder also keeps the payload of the latest ping not yet answered:
 * RFC 6455 (5.5.3) lets an endpoint answer only the most recent of several
 * pings, so a peer that floods pings costs one pending pong, whatever the
 * rate.  The I/O code takes it with ws_pong_take() when its socket has room.
 */
#ifndef BMCTOP_WS_H
#define BMCTOP_WS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum ws_opcode {
	WS_OP_CONT = 0x0,
	WS_OP_TEXT = 0x1,
	WS_OP_BINARY = 0x2,
	WS_OP_CLOSE = 0x8,
	WS_OP_PING = 0x9,
	WS_OP_PONG = 0xa
};

/* Longest frame header: 2 bytes, 8 of length, 4 of mask. */
#define WS_MAX_HEADER  14
#define WS_MAX_CONTROL 125

/* Close codes (RFC 6455 7.4.1). */
#define WS_CLOSE_NORMAL	  1000
#define WS_CLOSE_PROTOCOL 1002
#define WS_CLOSE_TOO_BIG  1009

enum ws_event_type { WS_EV_NONE, WS_EV_DATA, WS_EV_PING, WS_EV_PONG, WS_EV_CLOSE };

struct ws_event {
	enum ws_event_type type;
	const uint8_t *data; /* DATA: payload bytes; PING/PONG/CLOSE: the whole payload */
	size_t len;
	int text;	     /* DATA from a text message */
	uint16_t close_code; /* CLOSE: 0 when the peer sent none */
};

struct ws_decoder {
	/* Limits, set before use (ws_decoder_init gives defaults). */
	uint64_t max_frame; /* largest data frame payload accepted */
	int want_masked;    /* 1: frames must be masked (we are the server) */

	/* State. */
	uint8_t hdr[WS_MAX_HEADER];
	size_t hdr_len;
	int in_payload;
	int opcode; /* of the frame being read */
	int fin;
	int masked;
	uint8_t mask[4];
	uint64_t left;	  /* payload bytes still to come */
	uint64_t offset;  /* payload bytes already seen (for the mask phase) */
	int message_open; /* a fragmented data message awaits continuation */
	int message_text;
	uint8_t ctl[WS_MAX_CONTROL];
	size_t ctl_len;
	int closed; /* a close frame was decoded; nothing may follow */
	const char *error;
	/* The latest ping, until answered. */
	uint8_t pong[WS_MAX_CONTROL];
	size_t pong_len;
	int pong_due;
};

void ws_decoder_init(struct ws_decoder *d, uint64_t max_frame, int want_masked);
/*
 * Decode from buf (len bytes, modified in place when frames are masked).
 * Returns the bytes consumed (ev->type says whether an event is ready:
 * WS_EV_NONE means more bytes are needed), or -1 with d->error set.
 * Call again with the rest of buf until everything is consumed.
 */
ssize_t ws_decode(struct ws_decoder *d, uint8_t *buf, size_t len, struct ws_event *ev);
/*
 * The pong owed for the latest ping decoded since the last call: 1 with
 * its payload in out (*len bytes, at most WS_MAX_CONTROL), or 0 when no
 * ping awaits an answer.  Earlier pings it replaced are not answered.
 */
int ws_pong_take(struct ws_decoder *d, uint8_t out[WS_MAX_CONTROL], size_t *len);

/*
 * Write a frame header to out (WS_MAX_HEADER bytes at least); mask is NULL
 * for an unmasked frame.  Returns the header length.
 */
size_t ws_frame_header(uint8_t *out, int opcode, int fin, uint64_t len, const uint8_t *mask);
/* XOR data with mask, as for payload bytes starting at offset. */
void ws_apply_mask(uint8_t *data, size_t len, const uint8_t mask[4], uint64_t offset);
/*
 * A whole frame (header and payload, masked when mask is not NULL) in out;
 * returns its length, or 0 when cap is too small or a control payload is
 * longer than 125 bytes.
 */
size_t ws_build_frame(uint8_t *out, size_t cap, int opcode, const uint8_t *payload, size_t len,
		      const uint8_t *mask);
/* The payload of a close frame: code then reason (cut to fit 125). */
size_t ws_close_payload(uint8_t *out, uint16_t code, const char *reason);
/* Whether a close code may appear on the wire (RFC 6455 7.4). */
int ws_close_code_valid(unsigned code);

/* The handshake. */

/* Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)); out >= 29. */
void ws_accept_for_key(const char *key, char *out, size_t outlen);
/* A fresh Sec-WebSocket-Key from 16 random bytes; out >= 25. */
void ws_key_from_bytes(const uint8_t nonce[16], char *out, size_t outlen);
/*
 * The upgrade request (malloc'd): GET path, Host, key, the subprotocols
 * offered (comma-separated, or NULL) and extra header lines (each ending
 * in \r\n, or NULL).
 */
char *ws_upgrade_request(const char *host, const char *path, const char *key, const char *protocols,
			 const char *extra_headers);

#define WS_MAX_RESPONSE_HEAD 8192

struct ws_upgrade_result {
	int status;	   /* HTTP status */
	char protocol[64]; /* the subprotocol the server chose, or "" */
	size_t head_len;   /* bytes of the head, including the blank line */
	char why[256];	   /* what is wrong, when the result is an error */
};

/*
 * Check the server's answer in buf (what has arrived so far).  Returns 1
 * when the head is complete and valid (res->head_len bytes; anything after
 * is frames), 0 when more bytes are needed, -1 with res->why when the
 * server refused or broke the handshake (a status other than 101, a wrong
 * Sec-WebSocket-Accept, a subprotocol not offered, an oversized head).
 */
int ws_upgrade_check(const char *buf, size_t len, const char *key, const char *offered,
		     struct ws_upgrade_result *res);

#endif
