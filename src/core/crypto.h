/*
 * core/crypto.h - the few OpenSSL primitives the IPMI codecs use per packet,
 * with the algorithm lookups and contexts kept between calls.
 *
 * Loop thread only: the contexts are shared and unlocked.
 */
#ifndef BMCTOP_CRYPTO_H
#define BMCTOP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

enum crypto_digest { CRYPTO_MD5, CRYPTO_SHA1, CRYPTO_SHA256 };

#define CRYPTO_MAX_MAC 32

/* HMAC of data under key into out (CRYPTO_MAX_MAC bytes); returns its length. */
size_t crypto_hmac(enum crypto_digest d, const uint8_t *key, size_t key_len, const uint8_t *data,
		   size_t len, uint8_t out[CRYPTO_MAX_MAC]);

/* AES-128-CBC over whole blocks, no padding; in may equal out. */
void crypto_aes128_cbc(int encrypt, const uint8_t key[16], const uint8_t iv[16],
		       const uint8_t *in, size_t len, uint8_t *out);

/* Cryptographically random bytes, drawn from OpenSSL in blocks. */
void crypto_random(void *p, size_t n);

#endif
