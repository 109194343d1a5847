/*
 * test-ipmi-msg.c - the IPMI LAN packet codec: byte-exact packets, parse
 * round trips, AES-CBC pad edge cases and every drop rule.
 *
 * The expected bytes of the authenticated and encrypted packets were
 * computed outside this code, with the openssl command-line tool
 * (openssl enc -aes-128-cbc -nopad, openssl dgst -mac HMAC), so a mistake
 * shared by builder and parser cannot pass unnoticed.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ipmi/msg.h"
#include "runner.h"


static const char get_device_id_hex[] = "20 18 c8 81 14 01 6a";

/* Keys of the fixed-key vectors: K1 = 00 01 .. , K2 = 20 21 .., IV = 40 41 .. */
static void fixed_keys(struct ipmi_session_keys *k, enum ipmi_integrity integ,
		       enum ipmi_confidentiality conf)
{
	memset(k, 0, sizeof(*k));
	k->integrity = integ;
	k->confidentiality = conf;
	k->k1_len = integ == IPMI_INTEG_HMAC_SHA256_128 ? 32 : 20;
	for (int i = 0; i < 32; i++) {
		k->k1[i] = (uint8_t)i;
		k->k2[i] = (uint8_t)(0x20 + i);
	}
}

static void fixed_iv(uint8_t iv[16])
{
	for (int i = 0; i < 16; i++)
		iv[i] = (uint8_t)(0x40 + i);
}

TEST(ipmi_checksum_is_twos_complement)
{
	const uint8_t a[] = {0x20, 0x18};
	const uint8_t b[] = {0xff, 0x01};

	ASSERT_EQ(ipmi_checksum(a, 2), 0xc8);
	ASSERT_EQ(ipmi_checksum(b, 2), 0x00);
	ASSERT_EQ(ipmi_checksum(a, 0), 0x00);
}

TEST(ipmi_get_device_id_request_bytes)
{
	uint8_t want[16], out[16];
	size_t n = test_unhex(get_device_id_hex, want);

	ASSERT_EQ(ipmi_msg_build_request(out, sizeof(out), 0x06, 0x01, 5, NULL, 0), n);
	ASSERT_MEMEQ(out, want, n);
	ASSERT_EQ(ipmi_msg_build_request(out, n - 1, 0x06, 0x01, 5, NULL, 0), -1);
	/* rqSeq is six bits: 0x45 wraps to 5. */
	ASSERT_EQ(ipmi_msg_build_request(out, sizeof(out), 0x06, 0x01, 0x45, NULL, 0), n);
	ASSERT_MEMEQ(out, want, n);
}

TEST(ipmi_v15_auth_caps_packet_bytes)
{
	const uint8_t data[] = {0x8e, 0x04}; /* this channel, v2.0 data; admin */
	uint8_t msg[32], out[64], want[64];
	size_t want_len = test_unhex("06 00 ff 07 00 00 00 00 00 00 00 00 00 09"
				" 20 18 c8 81 00 38 8e 04 b5",
				want);
	ssize_t mlen = ipmi_msg_build_request(msg, sizeof(msg), 0x06, 0x38, 0, data, 2);
	const uint8_t *m;
	size_t m_len;

	ASSERT_EQ(mlen, 9);
	ASSERT_EQ(ipmi_v15_build(out, sizeof(out), msg, (size_t)mlen), want_len);
	ASSERT_MEMEQ(out, want, want_len);
	ASSERT_EQ(ipmi_v15_build(out, want_len - 1, msg, (size_t)mlen), -1);

	ASSERT_EQ(ipmi_v15_parse(out, want_len, &m, &m_len), 0);
	ASSERT_EQ(m_len, 9);
	ASSERT_MEMEQ(m, msg, 9);
	/* One trailing legacy pad byte is accepted, two are not. */
	out[want_len] = 0;
	out[want_len + 1] = 0;
	ASSERT_EQ(ipmi_v15_parse(out, want_len + 1, &m, &m_len), 0);
	ASSERT_EQ(m_len, 9);
	ASSERT_EQ(ipmi_v15_parse(out, want_len + 2, &m, &m_len), IPMI_DROP_MALFORMED);
	for (size_t i = 0; i < want_len; i++)
		ASSERT_EQ(ipmi_v15_parse(out, i, &m, &m_len), IPMI_DROP_MALFORMED);
	ASSERT(!ipmi_is_rmcpp(out, want_len));
}

TEST(ipmi_v15_parse_drops)
{
	uint8_t pkt[64];
	size_t n = test_unhex("06 00 ff 07 00 00 00 00 00 00 00 00 00 09"
			 " 81 1c 63 20 00 38 00 01 97 04 03 00 00 00 00 09",
			 pkt);
	const uint8_t *m;
	size_t m_len;

	pkt[13] = (uint8_t)(n - 14);
	ASSERT_EQ(ipmi_v15_parse(pkt, n, &m, &m_len), 0);
	ASSERT_EQ(m_len, 16);
	pkt[4] = 0x02; /* MD5 authentication: not what we asked for */
	ASSERT_EQ(ipmi_v15_parse(pkt, n, &m, &m_len), IPMI_DROP_MALFORMED);
	pkt[4] = 0x00;
	pkt[10] = 0x01; /* a session ID */
	ASSERT_EQ(ipmi_v15_parse(pkt, n, &m, &m_len), IPMI_DROP_MALFORMED);
	pkt[10] = 0x00;
	pkt[13] = (uint8_t)(n - 14 + 1); /* message length past the end */
	ASSERT_EQ(ipmi_v15_parse(pkt, n, &m, &m_len), IPMI_DROP_MALFORMED);
	pkt[13] = (uint8_t)(n - 14);
	pkt[3] = 0x06; /* ASF class */
	ASSERT_EQ(ipmi_v15_parse(pkt, n, &m, &m_len), IPMI_DROP_MALFORMED);
}

static const char open_session_3_hex[] = "00 04 00 00 a4 a3 a2 a0"
					 " 00 00 00 08 01 00 00 00"
					 " 01 00 00 08 01 00 00 00"
					 " 02 00 00 08 01 00 00 00";

TEST(ipmi_rmcpp_unauthenticated_bytes_and_round_trip)
{
	uint8_t payload[64], want[128], out[128], scratch[128];
	size_t plen = test_unhex(open_session_3_hex, payload);
	size_t want_len = test_unhex("06 00 ff 07 06 10 00 00 00 00 00 00 00 00 20 00", want);
	struct ipmi_rmcpp_packet p;

	memcpy(want + want_len, payload, plen);
	want_len += plen;
	ASSERT_EQ(ipmi_rmcpp_build(out, sizeof(out), IPMI_PAYLOAD_OPEN_SESSION_REQ, 0, 0, payload,
				   plen, NULL, NULL),
		  want_len);
	ASSERT_MEMEQ(out, want, want_len);
	ASSERT(ipmi_is_rmcpp(out, want_len));
	ASSERT_EQ(ipmi_rmcpp_build(out, want_len - 1, IPMI_PAYLOAD_OPEN_SESSION_REQ, 0, 0, payload,
				   plen, NULL, NULL),
		  -1);

	ASSERT_EQ(ipmi_rmcpp_parse(want, want_len, NULL, &p, scratch, sizeof(scratch)), 0);
	ASSERT_EQ(p.type, IPMI_PAYLOAD_OPEN_SESSION_REQ);
	ASSERT_EQ(p.encrypted, 0);
	ASSERT_EQ(p.authenticated, 0);
	ASSERT_EQ(p.session_id, 0);
	ASSERT_EQ(p.seq, 0);
	ASSERT_EQ(p.payload_len, plen);
	ASSERT(p.payload == want + 16);

	/* Session ID and sequence are little-endian. */
	ASSERT(ipmi_rmcpp_build(out, sizeof(out), IPMI_PAYLOAD_IPMI, 0x01020304, 0x0a0b0c0d,
				payload, 3, NULL, NULL) == 19);
	ASSERT_EQ(out[6], 0x04);
	ASSERT_EQ(out[9], 0x01);
	ASSERT_EQ(out[10], 0x0d);
	ASSERT_EQ(out[13], 0x0a);
	ASSERT_EQ(ipmi_rmcpp_parse(out, 19, NULL, &p, scratch, sizeof(scratch)), 0);
	ASSERT_EQ(p.session_id, 0x01020304);
	ASSERT_EQ(p.seq, 0x0a0b0c0d);
	ASSERT_EQ(p.payload_len, 3);
}

/* From openssl enc/dgst: Get Device ID, session 0x11223344, seq 5, fixed keys and IV. */
static const char sha1_aes_hex[] =
    "0600ff07 06c04433 22110500 00002000 40414243 44454647 48494a4b 4c4d4e4f"
    "4ac30c4b 6af8f8c7 501f8b0f 196577cc ffff0207 8c5a2a6d 0a338e58 89dc0078";
static const char sha256_aes_hex[] =
    "0600ff07 06c04433 22110500 00002000 40414243 44454647 48494a4b 4c4d4e4f"
    "4ac30c4b 6af8f8c7 501f8b0f 196577cc ffff0207 ae7e7ed3 7a7f18e5 6bcc56cb"
    "267afbea";

static void check_encrypted_vector(enum ipmi_integrity integ, const char *hex)
{
	struct ipmi_session_keys k;
	struct ipmi_rmcpp_packet p;
	uint8_t msg[16], iv[16], want[128], out[128], scratch[128];
	size_t msg_len = test_unhex(get_device_id_hex, msg);
	size_t want_len = test_unhex(hex, want);

	fixed_keys(&k, integ, IPMI_CONF_AES_CBC_128);
	fixed_iv(iv);
	ASSERT_EQ(ipmi_rmcpp_build(out, sizeof(out), IPMI_PAYLOAD_IPMI, 0x11223344, 5, msg, msg_len,
				   &k, iv),
		  want_len);
	ASSERT_MEMEQ(out, want, want_len);
	ASSERT_EQ(ipmi_rmcpp_build(out, want_len - 1, IPMI_PAYLOAD_IPMI, 0x11223344, 5, msg,
				   msg_len, &k, iv),
		  -1);

	ASSERT_EQ(ipmi_rmcpp_parse(want, want_len, &k, &p, scratch, sizeof(scratch)), 0);
	ASSERT_EQ(p.type, IPMI_PAYLOAD_IPMI);
	ASSERT_EQ(p.encrypted, 1);
	ASSERT_EQ(p.authenticated, 1);
	ASSERT_EQ(p.session_id, 0x11223344);
	ASSERT_EQ(p.seq, 5);
	ASSERT_EQ(p.payload_len, msg_len);
	ASSERT_MEMEQ(p.payload, msg, msg_len);
	ASSERT(p.payload == scratch);
	/* The decrypted payload must not fit in a scratch buffer that is too small. */
	ASSERT_EQ(ipmi_rmcpp_parse(want, want_len, &k, &p, scratch, 15), IPMI_DROP_MALFORMED);

	/* Every AuthCode byte matters. */
	for (size_t i = want_len - ipmi_integrity_len(integ); i < want_len; i++) {
		want[i] ^= 0x01;
		ASSERT_EQ(ipmi_rmcpp_parse(want, want_len, &k, &p, scratch, sizeof(scratch)),
			  IPMI_DROP_INTEGRITY);
		want[i] ^= 0x01;
	}
	/* And so does every byte it covers (some flips break a length field first). */
	for (size_t i = 4; i < want_len; i++) {
		want[i] ^= 0x20;
		ASSERT(ipmi_rmcpp_parse(want, want_len, &k, &p, scratch, sizeof(scratch)) < 0);
		want[i] ^= 0x20;
	}
	/* Truncated anywhere: never accepted. */
	for (size_t i = 0; i < want_len; i++)
		ASSERT(ipmi_rmcpp_parse(want, i, &k, &p, scratch, sizeof(scratch)) < 0);
	/* Without keys, an authenticated packet cannot be checked. */
	ASSERT_EQ(ipmi_rmcpp_parse(want, want_len, NULL, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_INTEGRITY);
}

TEST(ipmi_rmcpp_sha1_aes_vector)
{
	check_encrypted_vector(IPMI_INTEG_HMAC_SHA1_96, sha1_aes_hex);
}

TEST(ipmi_rmcpp_sha256_aes_vector)
{
	check_encrypted_vector(IPMI_INTEG_HMAC_SHA256_128, sha256_aes_hex);
}

TEST(ipmi_rmcpp_integrity_only_round_trip)
{
	struct ipmi_session_keys k;
	struct ipmi_rmcpp_packet p;
	uint8_t payload[40], out[128], scratch[128];

	fixed_keys(&k, IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_NONE);
	for (size_t len = 0; len <= sizeof(payload); len++) {
		ssize_t n;

		for (size_t i = 0; i < len; i++)
			payload[i] = (uint8_t)(i * 7);
		n = ipmi_rmcpp_build(out, sizeof(out), IPMI_PAYLOAD_IPMI, 9, 1, payload, len, &k,
				     NULL);
		ASSERT(n > 0);
		/* AuthType .. Next Header is a multiple of four. */
		ASSERT_EQ((n - 4 - 12) % 4, 0);
		ASSERT_EQ(out[5], 0x40);
		ASSERT_EQ(ipmi_rmcpp_parse(out, (size_t)n, &k, &p, scratch, sizeof(scratch)), 0);
		ASSERT_EQ(p.payload_len, len);
		ASSERT(len == 0 || memcmp(p.payload, payload, len) == 0);
		ASSERT(p.payload == out + 16);
	}
}

TEST(ipmi_rmcpp_drop_rules)
{
	struct ipmi_session_keys k, kplain;
	struct ipmi_rmcpp_packet p;
	uint8_t payload[8] = {1, 2, 3, 4, 5, 6, 7, 8}, plain[64], out[128], scratch[128];
	uint8_t v15[64];
	ssize_t plain_len, n;

	plain_len = ipmi_rmcpp_build(plain, sizeof(plain), IPMI_PAYLOAD_IPMI, 7, 3, payload,
				     sizeof(payload), NULL, NULL);
	ASSERT_EQ(plain_len, 24);
	/* Truncated at every length. */
	for (ssize_t i = 0; i < plain_len; i++)
		ASSERT_EQ(ipmi_rmcpp_parse(plain, (size_t)i, NULL, &p, scratch, sizeof(scratch)),
			  IPMI_DROP_MALFORMED);
	/* Payload length larger than the bytes received. */
	plain[14] = 9;
	ASSERT_EQ(ipmi_rmcpp_parse(plain, (size_t)plain_len, NULL, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_MALFORMED);
	plain[14] = 0;
	plain[15] = 1;
	ASSERT_EQ(ipmi_rmcpp_parse(plain, (size_t)plain_len, NULL, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_MALFORMED);
	plain[14] = 8;
	plain[15] = 0;
	ASSERT_EQ(ipmi_rmcpp_parse(plain, (size_t)plain_len, NULL, &p, scratch, sizeof(scratch)),
		  0);
	/* Each byte of the RMCP header. */
	for (int i = 0; i < 4; i++) {
		plain[i] ^= 0x10;
		ASSERT_EQ(
		    ipmi_rmcpp_parse(plain, (size_t)plain_len, NULL, &p, scratch, sizeof(scratch)),
		    IPMI_DROP_MALFORMED);
		ASSERT(!ipmi_is_rmcpp(plain, (size_t)plain_len));
		plain[i] ^= 0x10;
	}
	/* OEM explicit payloads are not supported. */
	plain[5] = 0x02;
	ASSERT_EQ(ipmi_rmcpp_parse(plain, (size_t)plain_len, NULL, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_MALFORMED);
	plain[5] = 0x00;

	/* A plain packet where the session needs integrity, or confidentiality. */
	fixed_keys(&k, IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_AES_CBC_128);
	ASSERT_EQ(ipmi_rmcpp_parse(plain, (size_t)plain_len, &k, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_INTEGRITY);
	fixed_keys(&kplain, IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_NONE);
	n = ipmi_rmcpp_build(out, sizeof(out), IPMI_PAYLOAD_IPMI, 7, 3, payload, sizeof(payload),
			     &kplain, NULL);
	ASSERT(n > 0);
	ASSERT_EQ(ipmi_rmcpp_parse(out, (size_t)n, &kplain, &p, scratch, sizeof(scratch)), 0);
	ASSERT_EQ(ipmi_rmcpp_parse(out, (size_t)n, &k, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_UNENCRYPTED);
	/* Authenticated but not with our key. */
	kplain.k1[0] ^= 1;
	ASSERT_EQ(ipmi_rmcpp_parse(out, (size_t)n, &kplain, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_INTEGRITY);
	/* A pad length that does not add up to the packet's length. */
	kplain.k1[0] ^= 1;
	out[n - 14] ^= 0x01;
	ASSERT_EQ(ipmi_rmcpp_parse(out, (size_t)n, &kplain, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_MALFORMED);

	/* A v1.5 packet where v2.0 is expected. */
	n = ipmi_v15_build(v15, sizeof(v15), payload, sizeof(payload));
	ASSERT(n > 0);
	ASSERT_EQ(ipmi_rmcpp_parse(v15, (size_t)n, NULL, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_V15);
	v15[4] = 0x02; /* MD5 */
	ASSERT_EQ(ipmi_rmcpp_parse(v15, (size_t)n, NULL, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_V15);
	v15[4] = 0x33;
	ASSERT_EQ(ipmi_rmcpp_parse(v15, (size_t)n, NULL, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_MALFORMED);
}

/*
 * An encrypted, unauthenticated packet whose plaintext (already padded or
 * deliberately mis-padded) the test chooses: the only way to reach the
 * padding checks.
 */
static size_t encrypted_packet(uint8_t *out, const uint8_t *plain, size_t len)
{
	struct ipmi_session_keys k;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t iv[16];
	int n = 0;

	fixed_keys(&k, IPMI_INTEG_NONE, IPMI_CONF_AES_CBC_128);
	fixed_iv(iv);
	memcpy(out, "\x06\x00\xff\x07\x06\x80\x01\x00\x00\x00\x01\x00\x00\x00", 14);
	out[14] = (uint8_t)(16 + len);
	out[15] = 0;
	memcpy(out + 16, iv, 16);
	ASSERT(ctx != NULL);
	ASSERT(EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, k.k2, iv) == 1);
	ASSERT(EVP_CIPHER_CTX_set_padding(ctx, 0) == 1);
	ASSERT(EVP_EncryptUpdate(ctx, out + 32, &n, plain, (int)len) == 1);
	ASSERT_EQ(n, len);
	EVP_CIPHER_CTX_free(ctx);
	return 32 + len;
}

TEST(ipmi_aes_pad_edge_cases)
{
	static const size_t lens[] = {0, 15, 16, 17};
	static const size_t padded[] = {16, 16, 32, 32};
	struct ipmi_session_keys k;
	struct ipmi_rmcpp_packet p;
	uint8_t payload[32], out[128], scratch[128], iv[16];

	fixed_keys(&k, IPMI_INTEG_NONE, IPMI_CONF_AES_CBC_128);
	fixed_iv(iv);
	for (size_t t = 0; t < 4; t++) {
		size_t len = lens[t], pad = padded[t] - len - 1;
		uint8_t plain[32], expect[128];
		ssize_t n;

		for (size_t i = 0; i < len; i++)
			payload[i] = (uint8_t)(0xa0 + i);
		n = ipmi_rmcpp_build(out, sizeof(out), IPMI_PAYLOAD_SOL, 1, 1, payload, len, &k,
				     iv);
		ASSERT_EQ(n, 16 + 16 + padded[t]);
		ASSERT_EQ(out[5], 0x81);
		ASSERT_EQ(out[14], 16 + padded[t]);
		/* The same bytes as an independent encryption of data, 1 .. N, N. */
		memcpy(plain, payload, len);
		for (size_t i = 0; i < pad; i++)
			plain[len + i] = (uint8_t)(i + 1);
		plain[padded[t] - 1] = (uint8_t)pad;
		ASSERT_EQ(encrypted_packet(expect, plain, padded[t]), (size_t)n);
		ASSERT_MEMEQ(out + 16, expect + 16, (size_t)n - 16);

		ASSERT_EQ(ipmi_rmcpp_parse(out, (size_t)n, &k, &p, scratch, sizeof(scratch)), 0);
		ASSERT_EQ(p.type, IPMI_PAYLOAD_SOL);
		ASSERT_EQ(p.encrypted, 1);
		ASSERT_EQ(p.authenticated, 0);
		ASSERT_EQ(p.payload_len, len);
		ASSERT(len == 0 || memcmp(p.payload, payload, len) == 0);
	}
}

TEST(ipmi_aes_bad_padding)
{
	struct ipmi_session_keys k;
	struct ipmi_rmcpp_packet p;
	uint8_t plain[32], pkt[128], scratch[128];
	size_t n;

	fixed_keys(&k, IPMI_INTEG_NONE, IPMI_CONF_AES_CBC_128);
	/* Good: 10 data bytes, pad 1..5, length 5. */
	memset(plain, 0xee, sizeof(plain));
	for (int i = 0; i < 5; i++)
		plain[10 + i] = (uint8_t)(i + 1);
	plain[15] = 5;
	n = encrypted_packet(pkt, plain, 16);
	ASSERT_EQ(ipmi_rmcpp_parse(pkt, n, &k, &p, scratch, sizeof(scratch)), 0);
	ASSERT_EQ(p.payload_len, 10);
	/* A wrong pad byte, first or last. */
	plain[10] = 0;
	n = encrypted_packet(pkt, plain, 16);
	ASSERT_EQ(ipmi_rmcpp_parse(pkt, n, &k, &p, scratch, sizeof(scratch)), IPMI_DROP_PADDING);
	plain[10] = 1;
	plain[14] = 4;
	n = encrypted_packet(pkt, plain, 16);
	ASSERT_EQ(ipmi_rmcpp_parse(pkt, n, &k, &p, scratch, sizeof(scratch)), IPMI_DROP_PADDING);
	plain[14] = 5;
	/* Pad length 16 or more: more than one block of padding. */
	plain[15] = 16;
	n = encrypted_packet(pkt, plain, 16);
	ASSERT_EQ(ipmi_rmcpp_parse(pkt, n, &k, &p, scratch, sizeof(scratch)), IPMI_DROP_PADDING);
	plain[15] = 0xff;
	n = encrypted_packet(pkt, plain, 16);
	ASSERT_EQ(ipmi_rmcpp_parse(pkt, n, &k, &p, scratch, sizeof(scratch)), IPMI_DROP_PADDING);
	/* Ciphertext that is not whole blocks, or no ciphertext at all. */
	plain[15] = 5;
	n = encrypted_packet(pkt, plain, 16);
	pkt[14] = 16 + 15;
	ASSERT_EQ(ipmi_rmcpp_parse(pkt, n - 1, &k, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_MALFORMED);
	pkt[14] = 16;
	ASSERT_EQ(ipmi_rmcpp_parse(pkt, 32, &k, &p, scratch, sizeof(scratch)), IPMI_DROP_MALFORMED);
	/* Encrypted, but the session has no confidentiality to decrypt with. */
	pkt[14] = 32;
	ASSERT_EQ(ipmi_rmcpp_parse(pkt, n, NULL, &p, scratch, sizeof(scratch)),
		  IPMI_DROP_MALFORMED);
}

TEST(ipmi_response_parse)
{
	uint8_t buf[64];
	size_t n = test_unhex("81 1c 63 20 14 01 00 20 81 03 02 02 bf 57 01 00 31 0b d0", buf);
	struct ipmi_response r;

	ASSERT_EQ(ipmi_msg_parse_response(buf, n, &r), 0);
	ASSERT_EQ(r.netfn, 0x07);
	ASSERT_EQ(r.cmd, 0x01);
	ASSERT_EQ(r.rqseq, 5);
	ASSERT_EQ(r.ccode, 0x00);
	ASSERT_EQ(r.len, 11);
	ASSERT_EQ(r.data[0], 0x20);
	ASSERT_EQ(r.data[10], 0x0b);

	for (size_t i = 0; i < 8; i++)
		ASSERT_EQ(ipmi_msg_parse_response(buf, i, &r), IPMI_DROP_MALFORMED);
	buf[2] ^= 1;
	ASSERT_EQ(ipmi_msg_parse_response(buf, n, &r), IPMI_DROP_CHECKSUM);
	buf[2] ^= 1;
	buf[n - 1] ^= 1;
	ASSERT_EQ(ipmi_msg_parse_response(buf, n, &r), IPMI_DROP_CHECKSUM);
	buf[n - 1] ^= 1;
	buf[9] ^= 1;
	ASSERT_EQ(ipmi_msg_parse_response(buf, n, &r), IPMI_DROP_CHECKSUM);
	buf[9] ^= 1;

	/* The shortest response: a completion code and no data. */
	n = test_unhex("81 1c 63 20 14 01 c1 0a", buf);
	ASSERT_EQ(ipmi_msg_parse_response(buf, n, &r), 0);
	ASSERT_EQ(r.ccode, 0xc1);
	ASSERT_EQ(r.len, 0);
}

TEST(ipmi_auth_caps_parse)
{
	uint8_t buf[64];
	size_t n = test_unhex("81 1c 63 20 00 38 00 01 97 04 03 00 00 00 00 09", buf);
	struct ipmi_response r;
	struct ipmi_auth_caps c;
	const uint8_t v15_only[] = {0x02, 0x15, 0x2b, 0x00, 0, 0, 0, 0};
	const uint8_t ext_short[] = {0x01, 0x80, 0x00};

	ASSERT_EQ(ipmi_msg_parse_response(buf, n, &r), 0);
	ASSERT_EQ(r.cmd, 0x38);
	ASSERT_EQ(r.ccode, 0);
	ASSERT_EQ(ipmi_parse_auth_caps(r.data, r.len, &c), 0);
	ASSERT_EQ(c.channel, 1);
	ASSERT_EQ(c.ipmi20, 1);
	ASSERT_EQ(c.kg_set, 0);
	ASSERT_EQ(c.per_msg_auth_disabled, 0);
	ASSERT_EQ(c.user_auth_disabled, 0);
	ASSERT_EQ(c.null_users, 0);
	ASSERT_EQ(c.anonymous, 0);
	ASSERT_EQ(c.v15_auth_types, 0x17);

	ASSERT_EQ(ipmi_parse_auth_caps(v15_only, sizeof(v15_only), &c), 0);
	ASSERT_EQ(c.channel, 2);
	ASSERT_EQ(c.ipmi20, 0);
	ASSERT_EQ(c.kg_set, 1);
	ASSERT_EQ(c.per_msg_auth_disabled, 0);
	ASSERT_EQ(c.user_auth_disabled, 1);
	ASSERT_EQ(c.null_users, 1);
	ASSERT_EQ(c.anonymous, 1);
	ASSERT_EQ(c.v15_auth_types, 0x15);

	for (size_t i = 0; i < 3; i++)
		ASSERT_EQ(ipmi_parse_auth_caps(v15_only, i, &c), IPMI_DROP_MALFORMED);
	ASSERT_EQ(ipmi_parse_auth_caps(ext_short, sizeof(ext_short), &c), IPMI_DROP_MALFORMED);
}

TEST(ipmi_ccode_text)
{
	ASSERT_STREQ(ipmi_ccode_str(0x00), "command completed normally");
	ASSERT_STREQ(ipmi_ccode_str(0xc1), "invalid command");
	ASSERT_STREQ(ipmi_ccode_str(0xcc), "invalid data field in request");
	ASSERT_STREQ(ipmi_ccode_str(0xd4), "insufficient privilege level");
	ASSERT_STREQ(ipmi_ccode_str(0xff), "unspecified error");
	ASSERT_CONTAINS(ipmi_ccode_str(0x81), "command-specific");
	ASSERT_CONTAINS(ipmi_ccode_str(0x01), "OEM");
	ASSERT_CONTAINS(ipmi_ccode_str(0xe0), "unknown");
}

TEST(ipmi_integrity_lengths)
{
	ASSERT_EQ(ipmi_integrity_len(IPMI_INTEG_NONE), 0);
	ASSERT_EQ(ipmi_integrity_len(IPMI_INTEG_HMAC_SHA1_96), 12);
	ASSERT_EQ(ipmi_integrity_len(IPMI_INTEG_HMAC_MD5_128), 16);
	ASSERT_EQ(ipmi_integrity_len(IPMI_INTEG_HMAC_SHA256_128), 16);
}

/* The BMC side (bmcsim): read a request, answer it. */
TEST(ipmi_request_parse_and_response_build)
{
	uint8_t buf[64], out[64];
	size_t n = test_unhex(get_device_id_hex, buf);
	struct ipmi_msg_request rq;
	struct ipmi_response rsp;
	const uint8_t data[3] = {0x20, 0x81, 0x02};
	ssize_t m;

	ASSERT_EQ(ipmi_msg_parse_request(buf, n, &rq), 0);
	ASSERT_EQ(rq.rs_addr, 0x20);
	ASSERT_EQ(rq.netfn, 0x06);
	ASSERT_EQ(rq.rq_addr, 0x81);
	ASSERT_EQ(rq.rqseq, 5);
	ASSERT_EQ(rq.cmd, 0x01);
	ASSERT_EQ(rq.len, 0);
	for (size_t i = 0; i < 7; i++)
		ASSERT_EQ(ipmi_msg_parse_request(buf, i, &rq), IPMI_DROP_MALFORMED);
	buf[2] ^= 1;
	ASSERT_EQ(ipmi_msg_parse_request(buf, n, &rq), IPMI_DROP_CHECKSUM);
	buf[2] ^= 1;
	buf[n - 1] ^= 1;
	ASSERT_EQ(ipmi_msg_parse_request(buf, n, &rq), IPMI_DROP_CHECKSUM);
	buf[n - 1] ^= 1;

	/* The answer is what the client codec expects, byte for byte. */
	ASSERT_EQ(ipmi_msg_parse_request(buf, n, &rq), 0);
	m = ipmi_msg_build_response(out, sizeof(out), &rq, 0, data, sizeof(data));
	ASSERT_EQ(m, 11);
	ASSERT_EQ(out[0], 0x81);
	ASSERT_EQ(out[1], 0x1c);
	ASSERT_EQ(out[3], 0x20);
	ASSERT_EQ(out[4], 0x14);
	ASSERT_EQ(ipmi_msg_parse_response(out, (size_t)m, &rsp), 0);
	ASSERT_EQ(rsp.netfn, 0x07);
	ASSERT_EQ(rsp.rqseq, 5);
	ASSERT_EQ(rsp.ccode, 0);
	ASSERT_EQ(rsp.len, 3);
	ASSERT_MEMEQ(rsp.data, data, 3);
	ASSERT_EQ(ipmi_msg_build_response(out, 10, &rq, 0, data, sizeof(data)), -1);
	m = ipmi_msg_build_response(out, sizeof(out), &rq, 0xc1, NULL, 0);
	ASSERT_EQ(m, 8);
	ASSERT_EQ(ipmi_msg_parse_response(out, (size_t)m, &rsp), 0);
	ASSERT_EQ(rsp.ccode, 0xc1);

	/* A request with data: Get Sensor Reading for sensor 3. */
	n = (size_t)ipmi_msg_build_request(buf, sizeof(buf), 0x04, 0x2d, 9, data + 2, 1);
	ASSERT_EQ(ipmi_msg_parse_request(buf, n, &rq), 0);
	ASSERT_EQ(rq.netfn, 0x04);
	ASSERT_EQ(rq.cmd, 0x2d);
	ASSERT_EQ(rq.rqseq, 9);
	ASSERT_EQ(rq.len, 1);
	ASSERT_EQ(rq.data[0], 0x02);
}
