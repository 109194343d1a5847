/*
 * tls/pin.h - SPKI pins: "sha256//BASE64" of a certificate's public key,
 * the form libcurl's CURLOPT_PINNEDPUBLICKEY, the fleet file's tls-pin and
 * known_hosts all use.
 */
#ifndef BMCTOP_TLS_PIN_H
#define BMCTOP_TLS_PIN_H

#include <openssl/x509.h>
#include <stddef.h>

/* Room for a pin and its NUL: "sha256//" and 44 base64 characters. */
#define TLS_PIN_MAX 72

/* The pin of cert's public key into out; 0, or -1 when it has no usable key. */
int tls_pin_of_cert(X509 *cert, char *out, size_t outlen);
/* The same for a PEM certificate (libcurl's certinfo "Cert:" text). */
int tls_pin_of_pem(const char *pem, char *out, size_t outlen);
/* Whether pin is one of list's, a ';'-separated list (tls-pin = A;B). */
int tls_pin_listed(const char *list, const char *pin);

#endif
