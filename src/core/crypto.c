/*
 * core/crypto.c - HMAC, AES-128-CBC and random bytes for the IPMI codecs.
 *
 * OpenSSL 3 resolves an algorithm by name ("fetches" it, under a global
 * lock) and builds a fresh context inside every one-shot HMAC() and every
 * EVP_CipherInit_ex() given an EVP_aes_128_cbc() handle; at tens of
 * thousands of packets a second that was a quarter of a fleet sweep's CPU.
 * Here each algorithm is fetched once and its context kept: an HMAC context
 * per digest, keyed afresh on each call, and one AES context per direction,
 * given a new key and IV on each call.
 *
 * Random bytes (IVs, nonces, session IDs) come from RAND_bytes in blocks of
 * 4 KiB rather than 16 bytes at a time, because every RAND_bytes call costs
 * a lock and a getpid() for fork detection.  The pool is never shared with
 * a child: bmctop forks only to exec a viewer.
 */
#include "config.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/crypto.h"
#include "core/xalloc.h"

static const char *const digest_names[] = {
    [CRYPTO_MD5] = "MD5",
    [CRYPTO_SHA1] = "SHA1",
    [CRYPTO_SHA256] = "SHA256",
};

static EVP_MAC_CTX *hmac_ctx(enum crypto_digest d)
{
	static EVP_MAC_CTX *ctx[3];

	if (ctx[d] == NULL) {
		EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		OSSL_PARAM params[2];

		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
							     (char *)digest_names[d], 0);
		params[1] = OSSL_PARAM_construct_end();
		if (mac == NULL || (ctx[d] = EVP_MAC_CTX_new(mac)) == NULL ||
		    EVP_MAC_CTX_set_params(ctx[d], params) != 1)
			fatal("no HMAC-%s in OpenSSL", digest_names[d]);
		EVP_MAC_free(mac); /* the context holds its own reference */
	}
	return ctx[d];
}

size_t crypto_hmac(enum crypto_digest d, const uint8_t *key, size_t key_len, const uint8_t *data,
		   size_t len, uint8_t out[CRYPTO_MAX_MAC])
{
	static const uint8_t empty[1];
	EVP_MAC_CTX *ctx = hmac_ctx(d);
	size_t n = 0;

	/* A NULL key would mean "the previous key" to OpenSSL, never "no key". */
	if (EVP_MAC_init(ctx, key_len ? key : empty, key_len, NULL) != 1 ||
	    EVP_MAC_update(ctx, data, len) != 1 || EVP_MAC_final(ctx, out, &n, CRYPTO_MAX_MAC) != 1)
		fatal("HMAC-%s failed", digest_names[d]);
	return n;
}

void crypto_aes128_cbc(int encrypt, const uint8_t key[16], const uint8_t iv[16],
		       const uint8_t *in, size_t len, uint8_t *out)
{
	static EVP_CIPHER_CTX *ctx[2];
	EVP_CIPHER_CTX *c;
	int n = 0, fin = 0;

	encrypt = encrypt != 0;
	if (ctx[encrypt] == NULL) {
		EVP_CIPHER *aes = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);

		if (aes == NULL || (ctx[encrypt] = EVP_CIPHER_CTX_new()) == NULL ||
		    EVP_CipherInit_ex2(ctx[encrypt], aes, NULL, NULL, encrypt, NULL) != 1)
			fatal("no AES-128-CBC in OpenSSL");
		EVP_CIPHER_free(aes);
	}
	c = ctx[encrypt];
	/* Padding is IPMI's own, added and checked by the callers. */
	if (EVP_CipherInit_ex2(c, NULL, key, iv, encrypt, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1 || EVP_CipherUpdate(c, out, &n, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(c, out + n, &fin) != 1 || (size_t)(n + fin) != len)
		fatal("AES-128-CBC failed");
}

void crypto_random(void *p, size_t n)
{
	static uint8_t pool[4096];
	static size_t left;
	uint8_t *o = p;

	while (n > 0) {
		size_t take;

		if (left == 0) {
			if (RAND_bytes(pool, sizeof pool) != 1)
				fatal("no random numbers available from OpenSSL");
			left = sizeof pool;
		}
		take = n < left ? n : left;
		memcpy(o, pool + sizeof pool - left, take);
		/* Bytes handed out are wiped so they are never in memory twice. */
		memset(pool + sizeof pool - left, 0, take);
		left -= take;
		o += take;
		n -= take;
	}
}
