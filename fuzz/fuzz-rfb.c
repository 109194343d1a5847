/*
 * fuzz-rfb.c - libFuzzer target for the RFB handshake codec: what a VNC
 * server sends to bmctop's relay (with and without a vnc-password), and
 * what a viewer sends to the relay's own server side, whole and a few
 * bytes at a time.  Consumption must never run past the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnc/rfb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t challenge[RFB_CHALLENGE_LEN] = {1, 2,  3,	4,  5,	6,  7,	8,
						     9, 10, 11, 12, 13, 14, 15, 16};

static void client(const uint8_t *data, size_t size, const char *pw, size_t step)
{
	struct rfb_client c;
	size_t used = 0, have = 0;

	rfb_client_init(&c, pw, pw ? strlen(pw) : 0);
	while (have < size) {
		ssize_t n;

		have = have + step < size ? have + step : size;
		n = rfb_client_feed(&c, data + used, have - used);
		if (n < 0)
			break;
		used += (size_t)n;
		if (used > have || c.outlen > sizeof c.out)
			abort();
		c.outlen = 0;
	}
	rfb_client_wipe(&c);
}

static void server(const uint8_t *data, size_t size, size_t step)
{
	struct rfb_server s;
	size_t used = 0, have = 0;

	if (rfb_server_init(&s, "otp12345", 8, challenge) != 0)
		abort();
	while (have < size) {
		ssize_t n;

		have = have + step < size ? have + step : size;
		n = rfb_server_feed(&s, data + used, have - used);
		if (n < 0)
			break;
		used += (size_t)n;
		if (used > have || s.outlen > sizeof s.out)
			abort();
		s.outlen = 0;
	}
	if (s.state == RFB_S_AUTHED)
		rfb_server_result(&s, 0, "fuzz");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int minor;

	(void)rfb_version_parse(data, size, &minor);
	client(data, size, NULL, size ? size : 1);
	client(data, size, "s3cret", 3);
	server(data, size, size ? size : 1);
	server(data, size, 1);
	return 0;
}
