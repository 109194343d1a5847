/*
 * test-ws.c - the WebSocket codec against RFC 6455's own examples (section
 * 5.7 frames, section 1.3's handshake key), and every frame the decoder
 * must refuse.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "vnc/ws.h"

/* Decode all of buf (len bytes, fed step by step bytes at a time); the
 * events' payloads are concatenated into data.  Returns the last event
 * type, or -1 on error. */
static int decode_all(struct ws_decoder *d, const char *hex, size_t step, uint8_t *data,
		      size_t *dlen, struct ws_event *last)
{
	uint8_t buf[70000];
	size_t len = test_unhex(hex, buf), off = 0;
	int type = WS_EV_NONE;

	*dlen = 0;
	while (off < len) {
		size_t n = len - off < step ? len - off : step;
		size_t in = 0;

		while (in < n) {
			struct ws_event ev;
			ssize_t used = ws_decode(d, buf + off + in, n - in, &ev);

			if (used < 0)
				return -1;
			if (ev.type == WS_EV_DATA) {
				memcpy(data + *dlen, ev.data, ev.len);
				*dlen += ev.len;
			}
			if (ev.type != WS_EV_NONE) {
				type = ev.type;
				*last = ev;
			}
			in += (size_t)used;
			if (used == 0 && ev.type == WS_EV_NONE)
				break;
		}
		off += n;
	}
	return type;
}

TEST(ws_rfc_unmasked_hello)
{
	struct ws_decoder d;
	struct ws_event ev;
	uint8_t data[16];
	size_t n;

	ws_decoder_init(&d, 1024, 0);
	ASSERT_EQ(decode_all(&d, "81 05 48 65 6c 6c 6f", 100, data, &n, &ev), WS_EV_DATA);
	ASSERT_EQ(n, 5);
	ASSERT_MEMEQ(data, "Hello", 5);
	ASSERT(ev.text);
}

TEST(ws_rfc_masked_hello_server_side)
{
	struct ws_decoder d;
	struct ws_event ev;
	uint8_t data[16];
	size_t n, step;

	/* The RFC's masked frame, byte by byte and whole. */
	for (step = 1; step <= 11; step += 10) {
		ws_decoder_init(&d, 1024, 1);
		ASSERT_EQ(decode_all(&d, "81 85 37 fa 21 3d 7f 9f 4d 51 58", step, data, &n, &ev),
			  WS_EV_DATA);
		ASSERT_EQ(n, 5);
		ASSERT_MEMEQ(data, "Hello", 5);
	}
	/* A client must refuse it: servers never mask. */
	ws_decoder_init(&d, 1024, 0);
	ASSERT_EQ(decode_all(&d, "81 85 37 fa 21 3d 7f 9f 4d 51 58", 100, data, &n, &ev), -1);
	ASSERT_CONTAINS(d.error, "masked frame from the server");
}

TEST(ws_build_masked_hello_matches_rfc)
{
	static const uint8_t mask[4] = {0x37, 0xfa, 0x21, 0x3d};
	uint8_t want[16], out[32];
	size_t wn = test_unhex("81 85 37 fa 21 3d 7f 9f 4d 51 58", want);
	size_t n = ws_build_frame(out, sizeof out, WS_OP_TEXT, (const uint8_t *)"Hello", 5, mask);

	ASSERT_EQ(n, wn);
	ASSERT_MEMEQ(out, want, wn);
	/* The masked pong of the RFC is the same bytes with opcode 0xA. */
	n = ws_build_frame(out, sizeof out, WS_OP_PONG, (const uint8_t *)"Hello", 5, mask);
	ASSERT_EQ(out[0], 0x8a);
	ASSERT_EQ(n, 11);
	ASSERT_EQ(ws_build_frame(out, 8, WS_OP_BINARY, (const uint8_t *)"Hello", 5, mask), 0);
}

TEST(ws_rfc_fragmented_and_ping)
{
	struct ws_decoder d;
	struct ws_event ev;
	uint8_t data[16];
	size_t n;

	ws_decoder_init(&d, 1024, 0);
	/* "Hel", a ping in the middle (allowed between fragments), "lo". */
	ASSERT_EQ(
	    decode_all(&d, "01 03 48 65 6c 89 05 48 65 6c 6c 6f 80 02 6c 6f", 3, data, &n, &ev),
	    WS_EV_DATA);
	ASSERT_EQ(n, 5);
	ASSERT_MEMEQ(data, "Hello", 5);
	ASSERT(!d.message_open);
	ws_decoder_init(&d, 1024, 0);
	ASSERT_EQ(decode_all(&d, "89 05 48 65 6c 6c 6f", 2, data, &n, &ev), WS_EV_PING);
	ASSERT_EQ(ev.len, 5);
	ASSERT_MEMEQ(ev.data, "Hello", 5);
}

/* A flood of pings owes one pong: the latest one's payload (RFC 6455 5.5.3). */
TEST(ws_ping_flood_owes_one_pong)
{
	struct ws_decoder d;
	struct ws_event ev;
	uint8_t buf[1000 * 127], pong[WS_MAX_CONTROL];
	size_t len = 0, off = 0, n = 0;
	int pings = 0;

	ws_decoder_init(&d, 1024, 0);
	ASSERT_EQ(ws_pong_take(&d, pong, &n), 0);
	for (int i = 0; i < 1000; i++) {
		buf[len++] = 0x89;
		buf[len++] = 125;
		memset(buf + len, 'a' + i % 26, 125);
		len += 125;
	}
	while (off < len) {
		ssize_t used = ws_decode(&d, buf + off, len - off, &ev);

		ASSERT(used > 0);
		if (ev.type == WS_EV_PING)
			pings++;
		off += (size_t)used;
	}
	ASSERT_EQ(pings, 1000);
	ASSERT_EQ(ws_pong_take(&d, pong, &n), 1);
	ASSERT_EQ(n, 125);
	ASSERT_EQ(pong[0], 'a' + 999 % 26);
	ASSERT_EQ(pong[124], 'a' + 999 % 26);
	ASSERT_EQ(ws_pong_take(&d, pong, &n), 0);
	/* An empty ping after data still owes an (empty) pong. */
	ASSERT_EQ(decode_all(&d, "82 01 78 89 00", 5, pong, &n, &ev), WS_EV_PING);
	ASSERT_EQ(ws_pong_take(&d, pong, &n), 1);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(ws_pong_take(&d, pong, &n), 0);
}

TEST(ws_rfc_extended_lengths)
{
	static char hex[3 * 65536 + 64];
	static uint8_t data[65536];
	struct ws_decoder d;
	struct ws_event ev;
	size_t n, i, p;
	uint8_t hdr[WS_MAX_HEADER];

	/* 256 bytes: 16-bit length; 65536 bytes: 64-bit length. */
	ASSERT_EQ(ws_frame_header(hdr, WS_OP_BINARY, 1, 256, NULL), 4);
	ASSERT_MEMEQ(hdr, "\x82\x7e\x01\x00", 4);
	ASSERT_EQ(ws_frame_header(hdr, WS_OP_BINARY, 1, 65536, NULL), 10);
	ASSERT_MEMEQ(hdr, "\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10);
	p = (size_t)sprintf(hex, "82 7f 00 00 00 00 00 01 00 00");
	for (i = 0; i < 65536; i++)
		p += (size_t)sprintf(hex + p, " %02x", (unsigned)(i & 0xff));
	ws_decoder_init(&d, 65536, 0);
	ASSERT_EQ(decode_all(&d, hex, 1000, data, &n, &ev), WS_EV_DATA);
	ASSERT_EQ(n, 65536);
	ASSERT_EQ(data[65535], 0xff);
	/* One byte over the limit is refused before any payload arrives. */
	ws_decoder_init(&d, 65535, 0);
	ASSERT_EQ(decode_all(&d, "82 7f 00 00 00 00 00 01 00 00", 100, data, &n, &ev), -1);
	ASSERT_CONTAINS(d.error, "larger than the limit");
}

static const char *refusal(const char *hex)
{
	static struct ws_decoder d;
	static uint8_t data[256];
	struct ws_event ev;
	size_t n;

	ws_decoder_init(&d, 1024, 0);
	if (decode_all(&d, hex, 100, data, &n, &ev) != -1)
		return NULL;
	return d.error;
}

TEST(ws_malformed_frames_refused)
{
	ASSERT_CONTAINS(refusal("83 01 00"), "unknown frame opcode");
	ASSERT_CONTAINS(refusal("8b 00"), "unknown frame opcode");
	ASSERT_CONTAINS(refusal("c2 01 00"), "reserved bits");
	ASSERT_CONTAINS(refusal("09 00"), "fragmented control frame");
	ASSERT_CONTAINS(refusal("89 7e 00 7e"), "control frame longer than 125");
	ASSERT_CONTAINS(refusal("82 7f 80 00 00 00 00 00 00 00"), "top bit");
	ASSERT_CONTAINS(refusal("80 01 00"), "continuation frame with no message");
	ASSERT_CONTAINS(refusal("02 01 00 82 01 00"), "new message before");
	ASSERT_CONTAINS(refusal("88 02 03 ed"), "code that may not be sent"); /* 1005 */
	ASSERT_CONTAINS(refusal("88 02 03 f7"), "code that may not be sent"); /* 1015 */
	ASSERT_CONTAINS(refusal("88 02 13 88"), "code that may not be sent"); /* 5000 */
	ASSERT_CONTAINS(refusal("88 01 03"), "one-byte payload");
	ASSERT_CONTAINS(refusal("88 04 03 e8 c3 28"), "not UTF-8");
	ASSERT_CONTAINS(refusal("88 00 82 00"), "after the close frame");
	ASSERT(refusal("82 00") == NULL);
}

TEST(ws_close_event)
{
	struct ws_decoder d;
	struct ws_event ev;
	uint8_t data[16], out[WS_MAX_CONTROL];
	size_t n;

	ws_decoder_init(&d, 1024, 0);
	ASSERT_EQ(decode_all(&d, "88 04 03 e8 6f 6b", 1, data, &n, &ev), WS_EV_CLOSE);
	ASSERT_EQ(ev.close_code, 1000);
	ASSERT_EQ(ev.len, 4);
	ASSERT(ws_close_code_valid(1000) && ws_close_code_valid(4999) && ws_close_code_valid(1011));
	ASSERT(!ws_close_code_valid(999) && !ws_close_code_valid(1004) &&
	       !ws_close_code_valid(1006) && !ws_close_code_valid(2999));
	n = ws_close_payload(out, 1002, "bad frame");
	ASSERT_EQ(n, 11);
	ASSERT_EQ(out[0], 0x03);
	ASSERT_EQ(out[1], 0xea);
}

TEST(ws_handshake_rfc_key)
{
	char accept[32], key[32];
	uint8_t nonce[16];

	/* RFC 6455 section 1.3. */
	ws_accept_for_key("dGhlIHNhbXBsZSBub25jZQ==", accept, sizeof accept);
	ASSERT_STREQ(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	test_unhex("74 68 65 20 73 61 6d 70 6c 65 20 6e 6f 6e 63 65", nonce);
	ws_key_from_bytes(nonce, key, sizeof key);
	ASSERT_STREQ(key, "dGhlIHNhbXBsZSBub25jZQ==");
}

TEST(ws_upgrade_request_and_answers)
{
	const char *key = "dGhlIHNhbXBsZSBub25jZQ==";
	char *req = ws_upgrade_request("bmc:443", "/kvm/0", key, "binary", "X-Auth-Token: t\r\n");
	struct ws_upgrade_result res;
	const char *good = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\n"
			   "Connection: keep-alive, Upgrade\r\n"
			   "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
			   "Sec-WebSocket-Protocol: binary\r\n\r\n\x82\x00";
	char buf[WS_MAX_RESPONSE_HEAD + 16];

	ASSERT_CONTAINS(req, "GET /kvm/0 HTTP/1.1\r\nHost: bmc:443\r\n");
	ASSERT_CONTAINS(req, "Sec-WebSocket-Protocol: binary\r\n");
	ASSERT_CONTAINS(req, "X-Auth-Token: t\r\n\r\n");
	free(req);
	ASSERT_EQ(ws_upgrade_check(good, strlen(good) + 2, key, "binary", &res), 1);
	ASSERT_EQ(res.head_len, strlen(good) - 1); /* the frame byte after the head */
	ASSERT_STREQ(res.protocol, "binary");
	ASSERT_EQ(ws_upgrade_check(good, 40, key, "binary", &res), 0);
	ASSERT_EQ(ws_upgrade_check(good, strlen(good), key, NULL, &res), -1);
	ASSERT_CONTAINS(res.why, "was not offered");
	ASSERT_EQ(ws_upgrade_check(good, strlen(good), "AAAAAAAAAAAAAAAAAAAAAA==", "binary", &res),
		  -1);
	ASSERT_CONTAINS(res.why, "does not match");
	ASSERT_EQ(ws_upgrade_check("HTTP/1.1 401 Unauthorized\r\n\r\n", 30, key, "binary", &res),
		  -1);
	ASSERT_EQ(res.status, 401);
	ASSERT_CONTAINS(res.why, "HTTP 401 Unauthorized");
	ASSERT_EQ(
	    ws_upgrade_check("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n\r\n", 39, key, NULL, &res),
	    -1);
	ASSERT_EQ(ws_upgrade_check("SSH-2.0-OpenSSH\r\n\r\n", 19, key, NULL, &res), -1);
	memset(buf, 'a', sizeof buf);
	ASSERT_EQ(ws_upgrade_check(buf, sizeof buf, key, NULL, &res), -1);
	ASSERT_CONTAINS(res.why, "longer than");
}
