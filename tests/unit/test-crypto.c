/*
 * test-crypto.c - HMAC and AES-128-CBC with contexts kept between calls:
 * published test vectors (RFC 2202, RFC 4231, NIST SP 800-38A), keys and
 * directions interleaved so a context carrying state over would show.
 */
#include "config.h"

#include <string.h>

#include "core/crypto.h"
#include "runner.h"

static const char jefe_data[] = "what do ya want for nothing?";

static void check_hmac(enum crypto_digest d, const uint8_t *key, size_t klen, const char *data,
		       const char *want_hex)
{
	uint8_t want[CRYPTO_MAX_MAC], got[CRYPTO_MAX_MAC];
	size_t n = test_unhex(want_hex, want);

	ASSERT_EQ(crypto_hmac(d, key, klen, (const uint8_t *)data, strlen(data), got), n);
	ASSERT_MEMEQ(got, want, n);
}

TEST(crypto_hmac_vectors_interleaved)
{
	uint8_t k0b[20];

	memset(k0b, 0x0b, sizeof k0b);
	for (int round = 0; round < 2; round++) {
		/* RFC 2202 case 1 (SHA-1), RFC 4231 case 2 (SHA-256), RFC 2202 case 2 (MD5) */
		check_hmac(CRYPTO_SHA1, k0b, sizeof k0b, "Hi There",
			   "b617318655057264e28bc0b6fb378c8ef146be00");
		check_hmac(CRYPTO_SHA256, (const uint8_t *)"Jefe", 4, jefe_data,
			   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
		check_hmac(CRYPTO_SHA1, (const uint8_t *)"Jefe", 4, jefe_data,
			   "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
		check_hmac(CRYPTO_MD5, (const uint8_t *)"Jefe", 4, jefe_data,
			   "750c783e6ab0b503eaa86e310a5db738");
	}
}

TEST(crypto_hmac_empty_key)
{
	/* An empty password is an empty key, never "the previous key". */
	check_hmac(CRYPTO_SHA256, (const uint8_t *)"Jefe", 4, jefe_data,
		   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	check_hmac(CRYPTO_SHA256, NULL, 0, "",
		   "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(crypto_aes128_cbc_vector_both_ways)
{
	/* NIST SP 800-38A F.2.1/F.2.2, first two blocks */
	uint8_t key[16], iv[16], plain[32], cipher[32], buf[32], other[16];

	test_unhex("2b7e151628aed2a6abf7158809cf4f3c", key);
	test_unhex("000102030405060708090a0b0c0d0e0f", iv);
	test_unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", plain);
	test_unhex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2", cipher);
	for (int round = 0; round < 2; round++) {
		crypto_aes128_cbc(1, key, iv, plain, sizeof plain, buf);
		ASSERT_MEMEQ(buf, cipher, sizeof cipher);
		/* another key in between, in place */
		memset(other, 0x5a, sizeof other);
		crypto_aes128_cbc(1, iv, key, other, sizeof other, other);
		memcpy(buf, cipher, sizeof buf);
		crypto_aes128_cbc(0, key, iv, buf, sizeof buf, buf);
		ASSERT_MEMEQ(buf, plain, sizeof plain);
	}
}

TEST(crypto_random_across_pool_refills)
{
	static uint8_t a[5000], b[5000];
	size_t zeros = 0;

	crypto_random(a, sizeof a);
	crypto_random(b, sizeof b);
	ASSERT(memcmp(a, b, sizeof a) != 0);
	for (size_t i = 0; i < sizeof a; i++)
		zeros += a[i] == 0;
	ASSERT(zeros < 100); /* about 20 expected; a wiped pool would give 5000 */
}
