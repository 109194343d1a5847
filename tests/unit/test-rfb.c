/*
 * test-rfb.c - the RFB handshake codec: versions, both sides of 3.3/3.7/3.8
 * security, length checks, and the DES of VNC authentication.
 *
 * The VNC authentication response is checked against OpenSSL's own
 * single-DES routine (DES_ecb_encrypt, not the EVP path vnc/rfb.c uses) keyed
 * with the password's bits reversed by hand here; the vncpasswd bytes
 * against TigerVNC's "vncpasswd -f" when it is installed, and against a
 * constant it produced.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "config.h"

#include <openssl/des.h>
#include <stdio.h>
#include <stdlib.h>

#include "runner.h"
#include "vnc/rfb.h"

static const uint8_t challenge[16] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
				      0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f};

/* The expected response, by OpenSSL's DES_ecb_encrypt. */
static void reference_response(const char *pw, uint8_t out[16])
{
	DES_cblock key;
	DES_key_schedule ks;
	size_t i;
	int b;

	memset(key, 0, sizeof key);
	for (i = 0; i < 8 && pw[i]; i++) {
		uint8_t c = (uint8_t)pw[i], r = 0;

		for (b = 0; b < 8; b++)
			if (c & (1 << b))
				r |= (uint8_t)(0x80 >> b);
		key[i] = r;
	}
	DES_set_key_unchecked(&key, &ks);
	DES_ecb_encrypt((const_DES_cblock *)challenge, (DES_cblock *)out, &ks, DES_ENCRYPT);
	DES_ecb_encrypt((const_DES_cblock *)(challenge + 8), (DES_cblock *)(out + 8), &ks,
			DES_ENCRYPT);
}

TEST(rfb_vnc_auth_des_matches_openssl)
{
	static const char *const pws[] = {"s3cret", "12345678", "longer than eight", "\x7f\x80"};
	uint8_t got[16], want[16];
	size_t i;

	for (i = 0; i < sizeof pws / sizeof pws[0]; i++) {
		ASSERT_EQ(rfb_vnc_auth_response(challenge, pws[i], strlen(pws[i]), got), 0);
		reference_response(pws[i], want);
		ASSERT_MEMEQ(got, want, 16);
	}
	/* Only 8 bytes count. */
	rfb_vnc_auth_response(challenge, "12345678xyz", 11, want);
	rfb_vnc_auth_response(challenge, "12345678", 8, got);
	ASSERT_MEMEQ(got, want, 16);
}

TEST(rfb_vncpasswd_file_format)
{
	uint8_t enc[8], want[8];
	char pw[9];
	FILE *p;

	/* What TigerVNC's "vncpasswd -f" wrote for "hello123". */
	test_unhex("83 9e 10 63 0d 24 87 30", want);
	ASSERT_EQ(rfb_vncpasswd_encode("hello123", 8, enc), 0);
	ASSERT_MEMEQ(enc, want, 8);
	ASSERT_EQ(rfb_vncpasswd_decode(enc, pw), 0);
	ASSERT_STREQ(pw, "hello123");
	rfb_vncpasswd_encode("ab", 2, enc);
	rfb_vncpasswd_decode(enc, pw);
	ASSERT_STREQ(pw, "ab");
	/* And the installed vncpasswd, on a password chosen here. */
	p = popen("printf 'Zq9-xW2!' | vncpasswd -f 2>/dev/null", "r");
	if (p != NULL) {
		size_t n = fread(want, 1, 8, p);

		pclose(p);
		if (n == 8) {
			rfb_vncpasswd_encode("Zq9-xW2!", 8, enc);
			ASSERT_MEMEQ(enc, want, 8);
		}
	}
}

TEST(rfb_versions)
{
	int minor = 0;

	ASSERT_EQ(rfb_version_parse((const uint8_t *)"RFB 003.008\n", 12, &minor), 0);
	ASSERT_EQ(minor, 8);
	ASSERT_EQ(rfb_version_parse((const uint8_t *)"RFB 003.889\n", 12, &minor), 0);
	ASSERT_EQ(minor, 8);
	ASSERT_EQ(rfb_version_parse((const uint8_t *)"RFB 003.005\n", 12, &minor), 0);
	ASSERT_EQ(minor, 3);
	ASSERT_EQ(rfb_version_parse((const uint8_t *)"RFB 003.007\n", 12, &minor), 0);
	ASSERT_EQ(minor, 7);
	ASSERT_EQ(rfb_version_parse((const uint8_t *)"RFB 004.001\n", 12, &minor), -1);
	ASSERT_EQ(rfb_version_parse((const uint8_t *)"RFB 003.008 ", 12, &minor), -1);
	ASSERT_EQ(rfb_version_parse((const uint8_t *)"RFB 003.0a8\n", 12, &minor), -1);
	ASSERT_EQ(rfb_version_parse((const uint8_t *)"RFB 003.008", 11, &minor), -1);
}

/* Feed hex to a client, one byte at a time or whole; returns the result of
 * the last feed and the total consumed in *used. */
static ssize_t client_feed_hex(struct rfb_client *c, const char *hex, int bytewise, size_t *used,
			       uint8_t *sent, size_t *nsent)
{
	static uint8_t buf[8192];
	size_t len = test_unhex(hex, buf), have = 0;
	ssize_t r = 0;

	*used = 0;
	*nsent = 0;
	while (have < len) {
		have = bytewise ? have + 1 : len;
		r = rfb_client_feed(c, buf + *used, have - *used);
		memcpy(sent + *nsent, c->out, c->outlen);
		*nsent += c->outlen;
		c->outlen = 0;
		if (r < 0)
			return r;
		*used += (size_t)r;
	}
	return r;
}

TEST(rfb_client_38_none_and_leftover)
{
	struct rfb_client c;
	uint8_t sent[64];
	size_t used, n;
	int bytewise;

	for (bytewise = 0; bytewise < 2; bytewise++) {
		rfb_client_init(&c, NULL, 0);
		/* version, types [1, 2], SecurityResult OK, then ServerInit bytes. */
		ASSERT(client_feed_hex(&c,
				       "52 46 42 20 30 30 33 2e 30 30 38 0a 02 01 02 00 00 00 00 "
				       "01 40 00 f0",
				       bytewise, &used, sent, &n) >= 0);
		ASSERT_EQ(c.state, RFB_C_DONE);
		ASSERT_EQ(used, 19); /* the ServerInit bytes are not consumed */
		ASSERT_EQ(n, 13);
		ASSERT_MEMEQ(sent, "RFB 003.008\n\x01", 13);
	}
}

TEST(rfb_client_38_vnc_auth)
{
	struct rfb_client c;
	uint8_t sent[64], want[16];
	size_t used, n;
	char hex[512];
	size_t i, p;

	rfb_client_init(&c, "s3cret", 6);
	p = (size_t)sprintf(hex, "52 46 42 20 30 30 33 2e 30 30 38 0a 01 02");
	for (i = 0; i < 16; i++)
		p += (size_t)sprintf(hex + p, " %02x", challenge[i]);
	sprintf(hex + p, " 00 00 00 00");
	ASSERT(client_feed_hex(&c, hex, 1, &used, sent, &n) >= 0);
	ASSERT_EQ(c.state, RFB_C_DONE);
	ASSERT_EQ(n, 12 + 1 + 16);
	ASSERT_EQ(sent[12], RFB_SEC_VNC);
	reference_response("s3cret", want);
	ASSERT_MEMEQ(sent + 13, want, 16);

	/* Refused, with a reason. */
	rfb_client_init(&c, "wrong", 5);
	p = (size_t)sprintf(hex, "52 46 42 20 30 30 33 2e 30 30 38 0a 01 02");
	for (i = 0; i < 16; i++)
		p += (size_t)sprintf(hex + p, " 00");
	sprintf(hex + p, " 00 00 00 01 00 00 00 03 62 61 64");
	ASSERT_EQ(client_feed_hex(&c, hex, 0, &used, sent, &n), -1);
	ASSERT(c.auth_failed);
	ASSERT_CONTAINS(c.error, "refused the password (vnc-password): bad");
}

TEST(rfb_client_37_and_33)
{
	struct rfb_client c;
	uint8_t sent[64];
	size_t used, n;

	/* 3.7 with None: no SecurityResult follows. */
	rfb_client_init(&c, NULL, 0);
	ASSERT(client_feed_hex(&c, "52 46 42 20 30 30 33 2e 30 30 37 0a 01 01", 0, &used, sent,
			       &n) >= 0);
	ASSERT_EQ(c.state, RFB_C_DONE);
	ASSERT_MEMEQ(sent, "RFB 003.007\n\x01", 13);
	/* 3.3: the server decides, as a u32. */
	rfb_client_init(&c, NULL, 0);
	ASSERT(client_feed_hex(&c, "52 46 42 20 30 30 33 2e 30 30 33 0a 00 00 00 01", 1, &used,
			       sent, &n) >= 0);
	ASSERT_EQ(c.state, RFB_C_DONE);
	ASSERT_EQ(n, 12);
	rfb_client_init(&c, NULL, 0);
	ASSERT_EQ(client_feed_hex(&c,
				  "52 46 42 20 30 30 33 2e 30 30 33 0a 00 00 00 00 00 00 00 04 "
				  "62 75 73 79",
				  1, &used, sent, &n),
		  -1);
	ASSERT_CONTAINS(c.error, "refused the connection: busy");
	rfb_client_init(&c, NULL, 0);
	ASSERT_EQ(client_feed_hex(&c, "52 46 42 20 30 30 33 2e 30 30 33 0a 00 00 00 10", 0, &used,
				  sent, &n),
		  -1);
	ASSERT_CONTAINS(c.error, "security type 16");
}

TEST(rfb_client_refusals_and_limits)
{
	struct rfb_client c;
	uint8_t sent[64];
	size_t used, n;

	rfb_client_init(&c, NULL, 0);
	ASSERT_EQ(client_feed_hex(&c,
				  "52 46 42 20 30 30 33 2e 30 30 38 0a 00 00 00 00 05 68 65 6c "
				  "6c 6f",
				  0, &used, sent, &n),
		  -1);
	ASSERT_CONTAINS(c.error, "refused the connection: hello");
	/* A reason longer than RFB_MAX_REASON is refused from its length alone. */
	rfb_client_init(&c, NULL, 0);
	ASSERT_EQ(client_feed_hex(&c, "52 46 42 20 30 30 33 2e 30 30 38 0a 00 7f ff ff ff", 0,
				  &used, sent, &n),
		  -1);
	ASSERT_CONTAINS(c.error, "over-long");
	rfb_client_init(&c, NULL, 0);
	ASSERT_EQ(
	    client_feed_hex(&c, "52 46 42 20 30 30 33 2e 30 30 38 0a 02 10 12", 0, &used, sent, &n),
	    -1);
	ASSERT_CONTAINS(c.error, "only security types 16, 18");
	rfb_client_init(&c, NULL, 0);
	ASSERT_EQ(
	    client_feed_hex(&c, "52 46 42 20 30 30 33 2e 30 30 38 0a 01 02", 0, &used, sent, &n),
	    -1);
	ASSERT_CONTAINS(c.error, "set vnc-password");
	rfb_client_init(&c, NULL, 0);
	ASSERT_EQ(client_feed_hex(&c, "48 54 54 50 2f 31 2e 31 20 34 30 30 20", 0, &used, sent, &n),
		  -1);
	ASSERT_CONTAINS(c.error, "not an RFB 3.x");
}

TEST(rfb_server_38_good_and_wrong)
{
	struct rfb_server s;
	uint8_t resp[16], in[64];
	ssize_t r;

	ASSERT_EQ(rfb_server_init(&s, "otp12345", 8, challenge), 0);
	ASSERT_EQ(s.outlen, 12);
	ASSERT_MEMEQ(s.out, "RFB 003.008\n", 12);
	s.outlen = 0;
	ASSERT_EQ(rfb_server_feed(&s, (const uint8_t *)"RFB 003.008\n", 12), 12);
	ASSERT_EQ(s.outlen, 2);
	ASSERT_MEMEQ(s.out, "\x01\x02", 2);
	s.outlen = 0;
	ASSERT_EQ(rfb_server_feed(&s, (const uint8_t *)"\x02", 1), 1);
	ASSERT_MEMEQ(s.out, challenge, 16);
	s.outlen = 0;
	reference_response("otp12345", resp);
	memcpy(in, resp, 16);
	in[16] = 1; /* ClientInit, which belongs to the pass-through */
	r = rfb_server_feed(&s, in, 17);
	ASSERT_EQ(r, 16);
	ASSERT_EQ(s.state, RFB_S_AUTHED);
	rfb_server_result(&s, 1, NULL);
	ASSERT_EQ(s.outlen, 4);
	ASSERT_MEMEQ(s.out, "\0\0\0\0", 4);

	rfb_server_init(&s, "otp12345", 8, challenge);
	rfb_server_feed(&s, (const uint8_t *)"RFB 003.008\n\x02", 13);
	s.outlen = 0;
	reference_response("otp12346", resp);
	ASSERT_EQ(rfb_server_feed(&s, resp, 16), -1);
	ASSERT_EQ(s.state, RFB_S_FAILED);
	ASSERT_CONTAINS(s.error, "wrong one-time password");
	ASSERT(s.outlen > 8);
	ASSERT_MEMEQ(s.out, "\0\0\0\1", 4);
}

TEST(rfb_server_33_and_bad_choice)
{
	struct rfb_server s;
	uint8_t resp[16];

	rfb_server_init(&s, "pw", 2, challenge);
	s.outlen = 0;
	ASSERT_EQ(rfb_server_feed(&s, (const uint8_t *)"RFB 003.003\n", 12), 12);
	ASSERT_EQ(s.outlen, 20);
	ASSERT_MEMEQ(s.out, "\0\0\0\2", 4);
	ASSERT_MEMEQ(s.out + 4, challenge, 16);
	reference_response("pw", resp);
	ASSERT_EQ(rfb_server_feed(&s, resp, 16), 16);
	ASSERT_EQ(s.state, RFB_S_AUTHED);

	rfb_server_init(&s, "pw", 2, challenge);
	ASSERT_EQ(rfb_server_feed(&s, (const uint8_t *)"RFB 003.008\n\x01", 13), -1);
	ASSERT_CONTAINS(s.error, "not offered");
	rfb_server_init(&s, "pw", 2, challenge);
	ASSERT_EQ(rfb_server_feed(&s, (const uint8_t *)"GET / HTTP/1.1\r\n", 16), -1);
}
