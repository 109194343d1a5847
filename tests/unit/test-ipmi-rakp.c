/*
 * test-ipmi-rakp.c - RMCP+ session establishment: cipher suites, Open
 * Session, RAKP 1-4 and the SIK/K1/K2 derivation.
 *
 * Every MAC is checked against the openssl command-line tool run on the
 * same bytes laid out by hand here, so the field order and byte order are
 * verified independently of the code under test (skipped without openssl).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "ipmi/rakp.h"
#include "runner.h"

static const uint8_t rm[16] = {0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
			       0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f};
static const uint8_t rc[16] = {0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
			       0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f};
static const uint8_t guid[16] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
				 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf};
#define CONSOLE_SID 0xa0a2a3a4u
#define BMC_SID	    0x02030405u
#define USER	    "admin"
#define PASSWORD    "s3cret"


static void hex(char *out, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * len] = '\0';
}

/* HMAC computed by the openssl command-line tool; returns the MAC length. */
static size_t cli_hmac(const char *digest, const uint8_t *key, size_t key_len, const uint8_t *data,
		       size_t len, uint8_t out[64])
{
	char keyhex[2 * 64 + 1], cmd[512], line[256];
	char path[256];
	FILE *f;
	size_t n = 0;

	if (system("command -v openssl >/dev/null 2>&1") != 0)
		test_skip("the openssl command is not installed");
	snprintf(path, sizeof(path), "%s/hmac-input", test_tmpdir());
	f = fopen(path, "wb");
	ASSERT(f != NULL);
	ASSERT(fwrite(data, 1, len, f) == len);
	ASSERT(fclose(f) == 0);
	hex(keyhex, key, key_len);
	snprintf(cmd, sizeof(cmd), "openssl dgst -%s -mac HMAC -macopt hexkey:%s -r '%s'", digest,
		 keyhex, path);
	f = popen(cmd, "r");
	ASSERT(f != NULL);
	ASSERT(fgets(line, sizeof(line), f) != NULL);
	ASSERT(pclose(f) == 0);
	for (char *p = line; isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]);
	     p += 2) {
		unsigned v;

		ASSERT(n < 64);
		ASSERT(sscanf(p, "%2x", &v) == 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static const char *digest_of(int suite)
{
	return suite >= 15 ? "sha256" : "sha1";
}

static void init_rakp(struct ipmi_rakp *r, int suite, const char *password)
{
	ASSERT_EQ(ipmi_rakp_init(r, suite, 4, USER, strlen(USER), (const uint8_t *)password,
				 strlen(password), NULL, 0, CONSOLE_SID, rm),
		  0);
	r->bmc_sid = BMC_SID;
}

/* Kuid: the password zero-padded to 20 bytes. */
static void kuid_of(uint8_t kuid[20], const char *password)
{
	memset(kuid, 0, 20);
	memcpy(kuid, password, strlen(password));
}

/* Role, ULength, UName as the spec lays them out. */
static size_t put_role_user(uint8_t *p)
{
	p[0] = 0x14;
	p[1] = (uint8_t)strlen(USER);
	memcpy(p + 2, USER, strlen(USER));
	return 2 + strlen(USER);
}

/* A RAKP 2 as a BMC knowing the password would send it. */
static size_t bmc_rakp2(int suite, uint8_t *msg)
{
	uint8_t in[128], kuid[20];
	size_t n = test_unhex("42 00 00 00 a4 a3 a2 a0", msg);

	memcpy(msg + n, rc, 16);
	memcpy(msg + n + 16, guid, 16);
	n += 32;
	/* SIDm, SIDc little-endian, Rm, Rc, GUIDc, Role, ULength, UName */
	test_unhex("a4 a3 a2 a0 05 04 03 02", in);
	memcpy(in + 8, rm, 16);
	memcpy(in + 24, rc, 16);
	memcpy(in + 40, guid, 16);
	kuid_of(kuid, PASSWORD);
	return n + cli_hmac(digest_of(suite), kuid, 20, in, 56 + put_role_user(in + 56), msg + n);
}

TEST(ipmi_cipher_suites)
{
	struct ipmi_cipher c;
	static const int unknown[] = {-1, 4, 5, 14, 18, 255};

	ASSERT_EQ(ipmi_cipher_lookup(0, &c), 0);
	ASSERT_EQ(c.auth, IPMI_AUTH_NONE);
	ASSERT_EQ(c.integrity, IPMI_INTEG_NONE);
	ASSERT_EQ(c.confidentiality, IPMI_CONF_NONE);
	ASSERT_EQ(ipmi_cipher_lookup(1, &c), 0);
	ASSERT_EQ(c.auth, IPMI_AUTH_HMAC_SHA1);
	ASSERT_EQ(c.integrity, IPMI_INTEG_NONE);
	ASSERT_EQ(ipmi_cipher_lookup(2, &c), 0);
	ASSERT_EQ(c.integrity, IPMI_INTEG_HMAC_SHA1_96);
	ASSERT_EQ(c.confidentiality, IPMI_CONF_NONE);
	ASSERT_EQ(ipmi_cipher_lookup(3, &c), 0);
	ASSERT_EQ(c.suite, 3);
	ASSERT_EQ(c.auth, IPMI_AUTH_HMAC_SHA1);
	ASSERT_EQ(c.integrity, IPMI_INTEG_HMAC_SHA1_96);
	ASSERT_EQ(c.confidentiality, IPMI_CONF_AES_CBC_128);
	ASSERT_EQ(ipmi_cipher_lookup(15, &c), 0);
	ASSERT_EQ(c.auth, IPMI_AUTH_HMAC_SHA256);
	ASSERT_EQ(c.integrity, IPMI_INTEG_NONE);
	ASSERT_EQ(ipmi_cipher_lookup(16, &c), 0);
	ASSERT_EQ(c.integrity, IPMI_INTEG_HMAC_SHA256_128);
	ASSERT_EQ(c.confidentiality, IPMI_CONF_NONE);
	ASSERT_EQ(ipmi_cipher_lookup(17, &c), 0);
	ASSERT_EQ(c.auth, IPMI_AUTH_HMAC_SHA256);
	ASSERT_EQ(c.integrity, IPMI_INTEG_HMAC_SHA256_128);
	ASSERT_EQ(c.confidentiality, IPMI_CONF_AES_CBC_128);
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		ASSERT_EQ(ipmi_cipher_lookup(unknown[i], &c), -1);
}

TEST(ipmi_open_session_request_bytes)
{
	struct ipmi_cipher c;
	uint8_t out[32], want[32];

	ASSERT_EQ(ipmi_cipher_lookup(3, &c), 0);
	test_unhex("00 04 00 00 a4 a3 a2 a0 00 00 00 08 01 00 00 00"
	      " 01 00 00 08 01 00 00 00 02 00 00 08 01 00 00 00",
	      want);
	ASSERT_EQ(ipmi_open_session_build(out, 0, 4, CONSOLE_SID, &c), 32);
	ASSERT_MEMEQ(out, want, 32);

	ASSERT_EQ(ipmi_cipher_lookup(17, &c), 0);
	test_unhex("09 04 00 00 a4 a3 a2 a0 00 00 00 08 03 00 00 00"
	      " 01 00 00 08 04 00 00 00 02 00 00 08 01 00 00 00",
	      want);
	ASSERT_EQ(ipmi_open_session_build(out, 9, 4, CONSOLE_SID, &c), 32);
	ASSERT_MEMEQ(out, want, 32);
}

TEST(ipmi_open_session_response_parse)
{
	uint8_t buf[64];
	size_t n = test_unhex("09 00 04 00 a4 a3 a2 a0 05 04 03 02"
			 " 00 00 00 08 03 00 00 00 01 00 00 08 04 00 00 00"
			 " 02 00 00 08 01 00 00 00",
			 buf);
	struct ipmi_open_session_rsp o;

	ASSERT_EQ(n, 36);
	ASSERT_EQ(ipmi_open_session_parse(buf, n, &o), 0);
	ASSERT_EQ(o.tag, 9);
	ASSERT_EQ(o.status, 0);
	ASSERT_EQ(o.max_priv, 4);
	ASSERT_EQ(o.console_sid, CONSOLE_SID);
	ASSERT_EQ(o.bmc_sid, BMC_SID);
	ASSERT_EQ(o.auth, IPMI_AUTH_HMAC_SHA256);
	ASSERT_EQ(o.integrity, IPMI_INTEG_HMAC_SHA256_128);
	ASSERT_EQ(o.confidentiality, IPMI_CONF_AES_CBC_128);
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ(ipmi_open_session_parse(buf, i, &o), IPMI_DROP_MALFORMED);
	buf[20] = 0x02; /* integrity payload marked as confidentiality */
	ASSERT_EQ(ipmi_open_session_parse(buf, n, &o), IPMI_DROP_MALFORMED);

	/* A refusal carries only the first eight bytes. */
	n = test_unhex("09 11 00 00 a4 a3 a2 a0", buf);
	ASSERT_EQ(ipmi_open_session_parse(buf, n, &o), 0);
	ASSERT_EQ(o.status, 0x11);
	ASSERT_EQ(o.console_sid, CONSOLE_SID);
	ASSERT_STREQ(ipmi_rmcpp_status_str(o.status),
		     "no cipher suite match with proposed security algorithms");
}

TEST(ipmi_rmcpp_status_text)
{
	ASSERT_STREQ(ipmi_rmcpp_status_str(0x00), "no errors");
	ASSERT_STREQ(ipmi_rmcpp_status_str(0x01), "insufficient resources to create a session");
	ASSERT_STREQ(ipmi_rmcpp_status_str(0x0d), "unauthorized name");
	ASSERT_STREQ(ipmi_rmcpp_status_str(0x0f), "invalid integrity check value");
	ASSERT_STREQ(ipmi_rmcpp_status_str(0x12), "illegal or unrecognized parameter");
	ASSERT_CONTAINS(ipmi_rmcpp_status_str(0x13), "unknown");
	ASSERT_CONTAINS(ipmi_rmcpp_status_str(0xff), "unknown");
}

TEST(ipmi_rakp_init_limits)
{
	struct ipmi_rakp r;
	const char user17[] = "abcdefghijklmnopq";
	const uint8_t pw21[] = "abcdefghijklmnopqrstu";

	ASSERT_EQ(ipmi_rakp_init(&r, 3, 4, user17, 17, pw21, 20, NULL, 0, 1, rm), -1);
	ASSERT_EQ(ipmi_rakp_init(&r, 3, 4, user17, 16, pw21, 21, NULL, 0, 1, rm), -1);
	ASSERT_EQ(ipmi_rakp_init(&r, 3, 4, user17, 16, pw21, 20, pw21, 21, 1, rm), -1);
	ASSERT_EQ(ipmi_rakp_init(&r, 4, 4, user17, 16, pw21, 20, NULL, 0, 1, rm), -1);
	ASSERT_EQ(ipmi_rakp_init(&r, 3, 4, user17, 16, pw21, 20, pw21, 20, 1, rm), 0);
	ASSERT_EQ(r.user_len, 16);
	ASSERT_EQ(r.role, 0x14);
	ASSERT_MEMEQ(r.kuid, pw21, 20);
	/* The null user with an empty password. */
	ASSERT_EQ(ipmi_rakp_init(&r, 17, 0x14, NULL, 0, NULL, 0, NULL, 0, 1, rm), 0);
	ASSERT_EQ(r.user_len, 0);
	ASSERT_EQ(r.role, 0x14);
}

TEST(ipmi_rakp1_bytes)
{
	struct ipmi_rakp r;
	uint8_t out[64], want[64];
	size_t n = test_unhex("07 00 00 00 05 04 03 02"
			 " 80 81 82 83 84 85 86 87 88 89 8a 8b 8c 8d 8e 8f"
			 " 14 00 00 05 61 64 6d 69 6e",
			 want);

	init_rakp(&r, 3, PASSWORD);
	ASSERT_EQ(n, 28 + 5);
	ASSERT_EQ(ipmi_rakp1_build(out, sizeof(out), 7, &r), n);
	ASSERT_MEMEQ(out, want, n);
	ASSERT_EQ(ipmi_rakp1_build(out, n - 1, 7, &r), 0);
}

static void check_key_derivation(int suite, const uint8_t *kg, size_t kg_len)
{
	struct ipmi_rakp r;
	uint8_t in[64], key[20], sik[64], k[64], c1[20], c2[20];
	size_t n, sik_len;

	ASSERT_EQ(ipmi_rakp_init(&r, suite, 4, USER, strlen(USER), (const uint8_t *)PASSWORD,
				 strlen(PASSWORD), kg, kg_len, CONSOLE_SID, rm),
		  0);
	r.bmc_sid = BMC_SID;
	memcpy(r.rc, rc, 16);
	memcpy(r.guid, guid, 16);
	ipmi_rakp_derive_keys(&r);

	/* SIK = HMAC_Kg(Rm, Rc, Role, ULength, UName); Kg is Kuid unless set. */
	memcpy(in, rm, 16);
	memcpy(in + 16, rc, 16);
	n = 32 + put_role_user(in + 32);
	kuid_of(key, PASSWORD);
	if (kg_len > 0) {
		memset(key, 0, 20);
		memcpy(key, kg, kg_len);
	}
	sik_len = cli_hmac(digest_of(suite), key, 20, in, n, sik);
	ASSERT_EQ(sik_len, suite >= 15 ? 32 : 20);
	ASSERT_EQ(r.sik_len, sik_len);
	ASSERT_MEMEQ(r.sik, sik, sik_len);

	memset(c1, 0x01, 20);
	memset(c2, 0x02, 20);
	ASSERT_EQ(cli_hmac(digest_of(suite), sik, sik_len, c1, 20, k), sik_len);
	ASSERT_EQ(r.keys.k1_len, sik_len);
	ASSERT_MEMEQ(r.keys.k1, k, sik_len);
	ASSERT_EQ(cli_hmac(digest_of(suite), sik, sik_len, c2, 20, k), sik_len);
	ASSERT_MEMEQ(r.keys.k2, k, sik_len);
	ASSERT_EQ(r.keys.integrity, r.cipher.integrity);
	ASSERT_EQ(r.keys.confidentiality, IPMI_CONF_AES_CBC_128);
	ipmi_rakp_wipe(&r);
}

TEST(ipmi_rakp_keys_suite3)
{
	check_key_derivation(3, NULL, 0);
}

TEST(ipmi_rakp_keys_suite17)
{
	check_key_derivation(17, NULL, 0);
}

TEST(ipmi_rakp_keys_with_kg)
{
	const uint8_t kg[] = "bmc-key-0123";

	check_key_derivation(3, kg, 12);
	check_key_derivation(17, kg, 12);
}

TEST(ipmi_rakp_zero_kg_is_unset)
{
	struct ipmi_rakp a, b;
	const uint8_t zero[20] = {0};

	init_rakp(&a, 3, PASSWORD);
	ASSERT_EQ(ipmi_rakp_init(&b, 3, 4, USER, strlen(USER), (const uint8_t *)PASSWORD,
				 strlen(PASSWORD), zero, 20, CONSOLE_SID, rm),
		  0);
	ASSERT_MEMEQ(a.kg, b.kg, 20);
	ASSERT_MEMEQ(b.kg, b.kuid, 20);
}

static void check_rakp2(int suite)
{
	struct ipmi_rakp r, wrong;
	struct ipmi_rakp2 m2;
	uint8_t msg[128], code[32];
	size_t n = bmc_rakp2(suite, msg);

	ASSERT_EQ(n, 40 + (suite >= 15 ? 32 : 20));
	ASSERT_EQ(ipmi_rakp2_parse(msg, n, &m2), 0);
	ASSERT_EQ(m2.tag, 0x42);
	ASSERT_EQ(m2.status, 0);
	ASSERT_EQ(m2.console_sid, CONSOLE_SID);
	ASSERT_MEMEQ(m2.rc, rc, 16);
	ASSERT_MEMEQ(m2.guid, guid, 16);
	ASSERT_EQ(m2.auth_code_len, n - 40);

	init_rakp(&r, suite, PASSWORD);
	ASSERT_EQ(ipmi_rakp2_verify(&r, &m2), 0);
	ASSERT_MEMEQ(r.rc, rc, 16);
	ASSERT_MEMEQ(r.guid, guid, 16);
	/* The BMC side computes the same code. */
	ASSERT_EQ(ipmi_rakp2_auth_code(&r, code), m2.auth_code_len);
	ASSERT_MEMEQ(code, m2.auth_code, m2.auth_code_len);

	init_rakp(&wrong, suite, "s3cret!");
	ASSERT_EQ(ipmi_rakp2_verify(&wrong, &m2), -1);
	init_rakp(&wrong, suite, "s3cre");
	ASSERT_EQ(ipmi_rakp2_verify(&wrong, &m2), -1);
	/* A truncated code, a flipped bit, a different session, an error status. */
	m2.auth_code_len--;
	ASSERT_EQ(ipmi_rakp2_verify(&r, &m2), -1);
	m2.auth_code_len++;
	msg[n - 1] ^= 0x80;
	ASSERT_EQ(ipmi_rakp2_verify(&r, &m2), -1);
	msg[n - 1] ^= 0x80;
	ASSERT_EQ(ipmi_rakp2_verify(&r, &m2), 0);
	m2.console_sid++;
	ASSERT_EQ(ipmi_rakp2_verify(&r, &m2), -1);
	m2.console_sid--;
	m2.status = 0x0d;
	ASSERT_EQ(ipmi_rakp2_verify(&r, &m2), -1);
}

TEST(ipmi_rakp2_verify_suite3)
{
	check_rakp2(3);
}

TEST(ipmi_rakp2_verify_suite17)
{
	check_rakp2(17);
}

TEST(ipmi_rakp2_parse_lengths)
{
	uint8_t msg[128];
	struct ipmi_rakp2 m2;
	size_t n = bmc_rakp2(3, msg);

	for (size_t i = 0; i < 40; i++)
		ASSERT_EQ(ipmi_rakp2_parse(msg, i, &m2), IPMI_DROP_MALFORMED);
	ASSERT_EQ(ipmi_rakp2_parse(msg, 40, &m2), 0);
	ASSERT_EQ(m2.auth_code_len, 0);
	ASSERT_EQ(ipmi_rakp2_parse(msg, n, &m2), 0);
	/* A refusal needs only eight bytes. */
	msg[1] = 0x0d;
	ASSERT_EQ(ipmi_rakp2_parse(msg, 8, &m2), 0);
	ASSERT_EQ(m2.status, 0x0d);
	ASSERT_EQ(ipmi_rakp2_parse(msg, 7, &m2), IPMI_DROP_MALFORMED);
}

static void check_rakp3(int suite)
{
	struct ipmi_rakp r, bmc, wrong;
	struct ipmi_rakp2 m2;
	uint8_t msg[128], in[64], kuid[20], want[64];
	size_t n, want_len;

	n = bmc_rakp2(suite, msg);
	ASSERT_EQ(ipmi_rakp2_parse(msg, n, &m2), 0);
	init_rakp(&r, suite, PASSWORD);
	ASSERT_EQ(ipmi_rakp2_verify(&r, &m2), 0);

	/* HMAC_Kuid(Rc, SIDm, Role, ULength, UName) */
	memcpy(in, rc, 16);
	test_unhex("a4 a3 a2 a0", in + 16);
	kuid_of(kuid, PASSWORD);
	want_len = cli_hmac(digest_of(suite), kuid, 20, in, 20 + put_role_user(in + 20), want);

	n = ipmi_rakp3_build(msg, sizeof(msg), 0x42, 0, &r);
	ASSERT_EQ(n, 8 + want_len);
	ASSERT_EQ(msg[0], 0x42);
	ASSERT_EQ(msg[1], 0);
	ASSERT_EQ(msg[4], 0x05);
	ASSERT_EQ(msg[7], 0x02);
	ASSERT_MEMEQ(msg + 8, want, want_len);
	ASSERT_EQ(ipmi_rakp3_build(msg, n - 1, 0x42, 0, &r), 0);

	/* The BMC's side: the same inputs, learned from the messages. */
	init_rakp(&bmc, suite, PASSWORD);
	memcpy(bmc.rc, rc, 16);
	ASSERT_EQ(ipmi_rakp3_verify(&bmc, msg + 8, n - 8), 0);
	ASSERT_EQ(ipmi_rakp3_verify(&bmc, msg + 8, n - 9), -1);
	msg[9] ^= 1;
	ASSERT_EQ(ipmi_rakp3_verify(&bmc, msg + 8, n - 8), -1);
	msg[9] ^= 1;
	init_rakp(&wrong, suite, "other");
	memcpy(wrong.rc, rc, 16);
	ASSERT_EQ(ipmi_rakp3_verify(&wrong, msg + 8, n - 8), -1);

	/* With an error status, no code. */
	ASSERT_EQ(ipmi_rakp3_build(msg, sizeof(msg), 0x42, 0x0f, &r), 8);
	ASSERT_EQ(msg[1], 0x0f);
}

TEST(ipmi_rakp3_round_trip_suite3)
{
	check_rakp3(3);
}

TEST(ipmi_rakp3_round_trip_suite17)
{
	check_rakp3(17);
}

static void check_rakp4(int suite)
{
	struct ipmi_rakp r;
	struct ipmi_rakp4 m4;
	uint8_t in[64], icv[64], msg[64], server[32];
	size_t icv_len = suite >= 15 ? 16 : 12, n;

	init_rakp(&r, suite, PASSWORD);
	memcpy(r.rc, rc, 16);
	memcpy(r.guid, guid, 16);
	ipmi_rakp_derive_keys(&r);

	/* HMAC_SIK(Rm, SIDc, GUIDc), truncated */
	memcpy(in, rm, 16);
	test_unhex("05 04 03 02", in + 16);
	memcpy(in + 20, guid, 16);
	ASSERT(cli_hmac(digest_of(suite), r.sik, r.sik_len, in, 36, icv) > icv_len);
	ASSERT_EQ(ipmi_rakp4_icv(&r, server), icv_len);
	ASSERT_MEMEQ(server, icv, icv_len);

	n = test_unhex("42 00 00 00 a4 a3 a2 a0", msg);
	memcpy(msg + n, icv, icv_len);
	n += icv_len;
	for (size_t i = 0; i < 8; i++)
		ASSERT_EQ(ipmi_rakp4_parse(msg, i, &m4), IPMI_DROP_MALFORMED);
	ASSERT_EQ(ipmi_rakp4_parse(msg, n, &m4), 0);
	ASSERT_EQ(m4.tag, 0x42);
	ASSERT_EQ(m4.console_sid, CONSOLE_SID);
	ASSERT_EQ(m4.icv_len, icv_len);
	ASSERT_EQ(ipmi_rakp4_verify(&r, &m4), 0);

	msg[n - 1] ^= 1;
	ASSERT_EQ(ipmi_rakp4_verify(&r, &m4), -1);
	msg[n - 1] ^= 1;
	/* The untruncated HMAC is not accepted either. */
	memcpy(msg + 8, icv, 20);
	ASSERT_EQ(ipmi_rakp4_parse(msg, 28, &m4), 0);
	ASSERT_EQ(ipmi_rakp4_verify(&r, &m4), -1);
	ASSERT_EQ(ipmi_rakp4_parse(msg, n, &m4), 0);
	m4.status = 0x0f;
	ASSERT_EQ(ipmi_rakp4_verify(&r, &m4), -1);
	m4.status = 0;
	m4.console_sid = 1;
	ASSERT_EQ(ipmi_rakp4_verify(&r, &m4), -1);
	m4.console_sid = CONSOLE_SID;
	/* Keys from the wrong password give a different ICV. */
	init_rakp(&r, suite, "other");
	memcpy(r.rc, rc, 16);
	memcpy(r.guid, guid, 16);
	ipmi_rakp_derive_keys(&r);
	ASSERT_EQ(ipmi_rakp4_verify(&r, &m4), -1);
}

TEST(ipmi_rakp4_verify_suite3)
{
	check_rakp4(3);
}

TEST(ipmi_rakp4_verify_suite17)
{
	check_rakp4(17);
}

TEST(ipmi_rakp_suite0_has_no_codes)
{
	struct ipmi_rakp r;
	struct ipmi_rakp2 m2;
	struct ipmi_rakp4 m4;
	uint8_t msg[64], out[32];
	size_t n = test_unhex("01 00 00 00 a4 a3 a2 a0", msg);

	memcpy(msg + n, rc, 16);
	memcpy(msg + n + 16, guid, 16);
	init_rakp(&r, 0, PASSWORD);
	ASSERT_EQ(ipmi_rakp2_parse(msg, 40, &m2), 0);
	ASSERT_EQ(ipmi_rakp2_verify(&r, &m2), 0);
	ASSERT_EQ(ipmi_rakp2_parse(msg, 41, &m2), 0);
	ASSERT_EQ(ipmi_rakp2_verify(&r, &m2), -1);
	ipmi_rakp_derive_keys(&r);
	ASSERT_EQ(r.sik_len, 0);
	ASSERT_EQ(r.keys.integrity, IPMI_INTEG_NONE);
	ASSERT_EQ(r.keys.confidentiality, IPMI_CONF_NONE);
	ASSERT_EQ(ipmi_rakp3_build(out, sizeof(out), 1, 0, &r), 8);
	ASSERT_EQ(ipmi_rakp4_icv(&r, out), 0);
	ASSERT_EQ(ipmi_rakp4_parse(msg, 8, &m4), 0);
	ASSERT_EQ(ipmi_rakp4_verify(&r, &m4), 0);
}

/* The derived keys drive the packet codec: both ends agree on a session packet. */
static void check_session_packet(int suite)
{
	struct ipmi_rakp r;
	struct ipmi_rmcpp_packet p;
	uint8_t iv[16] = {0}, pkt[128], scratch[128];
	const uint8_t msg[] = {0x20, 0x18, 0xc8, 0x81, 0x04, 0x3b, 0x04, 0x3c};
	ssize_t n;

	init_rakp(&r, suite, PASSWORD);
	memcpy(r.rc, rc, 16);
	memcpy(r.guid, guid, 16);
	ipmi_rakp_derive_keys(&r);
	n = ipmi_rmcpp_build(pkt, sizeof(pkt), IPMI_PAYLOAD_IPMI, BMC_SID, 1, msg, sizeof(msg),
			     &r.keys, iv);
	ASSERT(n > 0);
	ASSERT_EQ(pkt[5], 0xc0);
	ASSERT_EQ(ipmi_rmcpp_parse(pkt, (size_t)n, &r.keys, &p, scratch, sizeof(scratch)), 0);
	ASSERT_EQ(p.payload_len, sizeof(msg));
	ASSERT_MEMEQ(p.payload, msg, sizeof(msg));
	ipmi_rakp_wipe(&r);
	ASSERT_EQ(r.keys.k1[0] | r.kuid[0] | r.sik[0], 0);
}

TEST(ipmi_rakp_session_packet_suite3)
{
	check_session_packet(3);
}

TEST(ipmi_rakp_session_packet_suite17)
{
	check_session_packet(17);
}

TEST(ipmi_open_session_server_side)
{
	uint8_t req[32], rsp[36];
	struct ipmi_cipher c;
	struct ipmi_open_session_req q;
	struct ipmi_open_session_rsp r = {0}, back;

	ASSERT_EQ(ipmi_cipher_lookup(17, &c), 0);
	ipmi_open_session_build(req, 0x21, 4, CONSOLE_SID, &c);
	for (size_t i = 0; i < 32; i++)
		ASSERT_EQ(ipmi_open_session_req_parse(req, i, &q), IPMI_DROP_MALFORMED);
	ASSERT_EQ(ipmi_open_session_req_parse(req, 32, &q), 0);
	ASSERT_EQ(q.tag, 0x21);
	ASSERT_EQ(q.max_priv, 4);
	ASSERT_EQ(q.console_sid, CONSOLE_SID);
	ASSERT_EQ(q.auth, IPMI_AUTH_HMAC_SHA256);
	ASSERT_EQ(q.integrity, IPMI_INTEG_HMAC_SHA256_128);
	ASSERT_EQ(q.confidentiality, IPMI_CONF_AES_CBC_128);
	/* A zero-length algorithm payload lets the BMC choose. */
	req[8 + 8 + 3] = 0;
	ASSERT_EQ(ipmi_open_session_req_parse(req, 32, &q), 0);
	ASSERT_EQ(q.integrity, -1);
	/* Payload types out of order. */
	req[8 + 8] = 2;
	ASSERT_EQ(ipmi_open_session_req_parse(req, 32, &q), IPMI_DROP_MALFORMED);

	r.tag = 0x21;
	r.max_priv = 4;
	r.console_sid = CONSOLE_SID;
	r.bmc_sid = BMC_SID;
	r.auth = c.auth;
	r.integrity = c.integrity;
	r.confidentiality = c.confidentiality;
	ASSERT_EQ(ipmi_open_session_rsp_build(rsp, &r), 36);
	ASSERT_EQ(ipmi_open_session_parse(rsp, 36, &back), 0);
	ASSERT_EQ(back.tag, 0x21);
	ASSERT_EQ(back.status, 0);
	ASSERT_EQ(back.max_priv, 4);
	ASSERT_EQ(back.console_sid, CONSOLE_SID);
	ASSERT_EQ(back.bmc_sid, BMC_SID);
	ASSERT_EQ(back.auth, c.auth);
	ASSERT_EQ(back.integrity, c.integrity);
	ASSERT_EQ(back.confidentiality, c.confidentiality);
	r.status = 0x11;
	ASSERT_EQ(ipmi_open_session_rsp_build(rsp, &r), 8);
	ASSERT_EQ(ipmi_open_session_parse(rsp, 8, &back), 0);
	ASSERT_EQ(back.status, 0x11);
}

/* A whole login with both ends in this file: the console's functions
 * against the BMC's, for a right and a wrong password. */
static void check_server_handshake(int suite)
{
	struct ipmi_rakp con, bmc;
	struct ipmi_rakp1 m1;
	struct ipmi_rakp2 m2;
	struct ipmi_rakp3 m3;
	struct ipmi_rakp4 m4;
	uint8_t msg[128];
	size_t n;

	init_rakp(&con, suite, PASSWORD);
	n = ipmi_rakp1_build(msg, sizeof(msg), 7, &con);
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ(ipmi_rakp1_parse(msg, i, &m1), IPMI_DROP_MALFORMED);
	ASSERT_EQ(ipmi_rakp1_parse(msg, n, &m1), 0);
	ASSERT_EQ(m1.tag, 7);
	ASSERT_EQ(m1.bmc_sid, BMC_SID);
	ASSERT_MEMEQ(m1.rm, rm, 16);
	ASSERT_EQ(m1.role, 0x14);
	ASSERT_EQ(m1.user_len, strlen(USER));
	ASSERT_MEMEQ(m1.user, USER, strlen(USER));

	/* The BMC: same inputs, its own Rc and GUID, the role byte as sent. */
	ASSERT_EQ(ipmi_rakp_init(&bmc, suite, 0, (const char *)m1.user, m1.user_len,
				 (const uint8_t *)PASSWORD, strlen(PASSWORD), NULL, 0, CONSOLE_SID,
				 m1.rm),
		  0);
	bmc.role = m1.role;
	bmc.bmc_sid = BMC_SID;
	memcpy(bmc.rc, rc, 16);
	memcpy(bmc.guid, guid, 16);
	n = ipmi_rakp2_build(msg, sizeof(msg), m1.tag, 0, &bmc);
	ASSERT_EQ(n, 40 + (suite >= 15 ? 32 : 20));
	ASSERT_EQ(ipmi_rakp2_build(msg, n - 1, m1.tag, 0, &bmc), 0);
	ASSERT_EQ(ipmi_rakp2_parse(msg, n, &m2), 0);
	ASSERT_EQ(ipmi_rakp2_verify(&con, &m2), 0);
	ipmi_rakp_derive_keys(&con);
	ipmi_rakp_derive_keys(&bmc);
	ASSERT_MEMEQ(con.sik, bmc.sik, con.sik_len);

	n = ipmi_rakp3_build(msg, sizeof(msg), 8, 0, &con);
	ASSERT_EQ(ipmi_rakp3_parse(msg, 7, &m3), IPMI_DROP_MALFORMED);
	ASSERT_EQ(ipmi_rakp3_parse(msg, n, &m3), 0);
	ASSERT_EQ(m3.tag, 8);
	ASSERT_EQ(m3.status, 0);
	ASSERT_EQ(m3.bmc_sid, BMC_SID);
	ASSERT_EQ(ipmi_rakp3_verify(&bmc, m3.auth_code, m3.auth_code_len), 0);

	n = ipmi_rakp4_build(msg, sizeof(msg), 8, 0, &bmc);
	ASSERT_EQ(n, 8 + (suite >= 15 ? 16 : 12));
	ASSERT_EQ(ipmi_rakp4_build(msg, n - 1, 8, 0, &bmc), 0);
	ASSERT_EQ(ipmi_rakp4_parse(msg, n, &m4), 0);
	ASSERT_EQ(ipmi_rakp4_verify(&con, &m4), 0);

	/* Refusals are eight bytes and carry the status. */
	ASSERT_EQ(ipmi_rakp2_build(msg, sizeof(msg), 1, 0x0d, &bmc), 8);
	ASSERT_EQ(ipmi_rakp2_parse(msg, 8, &m2), 0);
	ASSERT_EQ(m2.status, 0x0d);
	ASSERT_EQ(m2.console_sid, CONSOLE_SID);
	ASSERT_EQ(ipmi_rakp4_build(msg, sizeof(msg), 1, 0x0f, &bmc), 8);
	ASSERT_EQ(ipmi_rakp4_parse(msg, 8, &m4), 0);
	ASSERT_EQ(m4.status, 0x0f);

	/* A BMC holding another password: the console refuses its RAKP 2. */
	memcpy(bmc.kuid, "other", 5);
	n = ipmi_rakp2_build(msg, sizeof(msg), m1.tag, 0, &bmc);
	ASSERT_EQ(ipmi_rakp2_parse(msg, n, &m2), 0);
	init_rakp(&con, suite, PASSWORD);
	ASSERT_EQ(ipmi_rakp2_verify(&con, &m2), -1);

	/* A name over 16 bytes is malformed. */
	n = ipmi_rakp1_build(msg, sizeof(msg), 7, &con);
	msg[27] = 17;
	ASSERT_EQ(ipmi_rakp1_parse(msg, sizeof(msg), &m1), IPMI_DROP_MALFORMED);
}

TEST(ipmi_rakp_server_handshake_suite3)
{
	check_server_handshake(3);
}

TEST(ipmi_rakp_server_handshake_suite17)
{
	check_server_handshake(17);
}
