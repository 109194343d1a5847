/*
 * tls/conn.c - a TLS client over memory BIOs.
 *
 * Ciphertext from the socket goes into one BIO, OpenSSL's output is drained
 * from the other and written by the caller, so nothing blocks.  The
 * handshake and reads clear OpenSSL's error queue first: an error left by
 * another connection on the same thread must not be taken for ours.
 */
#include "config.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "tls/conn.h"
#include "tls/pin.h"

int tls_conn_init(struct tls_conn *c, const char *host, int verify, const char *ca_file)
{
	struct in6_addr a6;
	struct in_addr a4;

	memset(c, 0, sizeof *c);
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (c->ctx == NULL)
		return -1;
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	if (verify) {
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
		if (ca_file != NULL)
			SSL_CTX_load_verify_locations(c->ctx, ca_file, NULL);
		else
			SSL_CTX_set_default_verify_paths(c->ctx);
	} else {
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	}
	c->ssl = SSL_new(c->ctx);
	if (c->ssl == NULL)
		return -1;
	c->rbio = BIO_new(BIO_s_mem());
	c->wbio = BIO_new(BIO_s_mem());
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	SSL_set_connect_state(c->ssl);
	if (inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1) {
		if (verify)
			X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host);
	} else {
		SSL_set_tlsext_host_name(c->ssl, host);
		if (verify)
			SSL_set1_host(c->ssl, host);
	}
	return 0;
}

void tls_conn_free(struct tls_conn *c)
{
	if (c->ssl != NULL)
		SSL_free(c->ssl); /* frees the BIOs too */
	if (c->ctx != NULL)
		SSL_CTX_free(c->ctx);
	memset(c, 0, sizeof *c);
}

void tls_conn_feed(struct tls_conn *c, const uint8_t *p, size_t n)
{
	BIO_write(c->rbio, p, (int)n);
}

size_t tls_conn_drain(struct tls_conn *c, uint8_t *buf, size_t len)
{
	int n = BIO_read(c->wbio, buf, (int)len);

	return n > 0 ? (size_t)n : 0;
}

int tls_conn_handshake(struct tls_conn *c)
{
	int rc, e;

	ERR_clear_error();
	rc = SSL_do_handshake(c->ssl);
	if (rc == 1) {
		c->done = 1;
		return 1;
	}
	e = SSL_get_error(c->ssl, rc);
	return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 0 : -1;
}

int tls_conn_write(struct tls_conn *c, const uint8_t *p, size_t n)
{
	if (n > 0 && SSL_write(c->ssl, p, (int)n) <= 0)
		return -1;
	return 0;
}

ssize_t tls_conn_read(struct tls_conn *c, uint8_t *buf, size_t len)
{
	int rc;

	ERR_clear_error();
	rc = SSL_read(c->ssl, buf, (int)len);
	if (rc > 0)
		return rc;
	rc = SSL_get_error(c->ssl, rc);
	if (rc == SSL_ERROR_ZERO_RETURN)
		return TLS_CONN_CLOSED;
	return rc == SSL_ERROR_WANT_READ || rc == SSL_ERROR_WANT_WRITE ? 0 : -1;
}

int tls_conn_peer_pin(struct tls_conn *c, char *out, size_t outlen)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	X509 *cert = SSL_get1_peer_certificate(c->ssl);
#else
	X509 *cert = SSL_get_peer_certificate(c->ssl);
#endif
	int rc = cert != NULL ? tls_pin_of_cert(cert, out, outlen) : -1;

	X509_free(cert);
	return rc;
}

int tls_conn_verified(struct tls_conn *c)
{
	return SSL_get_verify_result(c->ssl) == X509_V_OK;
}

void tls_conn_error(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e != 0)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "connection closed");
	ERR_clear_error();
}
