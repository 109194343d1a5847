/*
 * tls/pin.c - SPKI pins: the SHA-256 of a certificate's DER public key
 * (SubjectPublicKeyInfo), base64, after "sha256//".
 *
 * A pin names the key, not the certificate, so a BMC that renews its
 * certificate with the same key keeps its pin.  One function computes it,
 * for the Redfish client (from libcurl's PEM) and the VNC relay's own TLS
 * (from OpenSSL's X509), so the two always agree on what a key is called.
 */
#include "config.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

#include "tls/pin.h"

int tls_pin_of_cert(X509 *cert, char *out, size_t outlen)
{
	unsigned char *der = NULL, digest[32], b64[48];
	int len = i2d_PUBKEY(X509_get0_pubkey(cert), &der), rc = -1;

	if (len > 0 && EVP_Digest(der, (size_t)len, digest, NULL, EVP_sha256(), NULL) == 1) {
		EVP_EncodeBlock(b64, digest, 32);
		snprintf(out, outlen, "sha256//%s", b64);
		rc = 0;
	}
	OPENSSL_free(der);
	return rc;
}

int tls_pin_of_pem(const char *pem, char *out, size_t outlen)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	int rc = -1;

	if (cert != NULL) {
		rc = tls_pin_of_cert(cert, out, outlen);
		X509_free(cert);
	}
	BIO_free(bio);
	return rc;
}

int tls_pin_listed(const char *list, const char *pin)
{
	size_t n = strlen(pin);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, pin, n) == 0 && (p[n] == '\0' || p[n] == ';'))
			return 1;
		p = strchr(p, ';');
		if (p != NULL)
			p++;
	}
	return 0;
}
