/*
 * tls/conn.h - a TLS client over memory BIOs, for connections that own
 * their socket (the VNC relay's wss:// target).
 *
 * No I/O here: ciphertext read from the socket goes in with
 * tls_conn_feed(), what OpenSSL wants sent comes out of tls_conn_drain(),
 * so nothing blocks and one loop serves every connection.
 */
#ifndef BMCTOP_TLS_CONN_H
#define BMCTOP_TLS_CONN_H

#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tls_conn {
	SSL_CTX *ctx;
	SSL *ssl; /* owns the two BIOs */
	BIO *rbio, *wbio;
	int done; /* the handshake has completed */
};

/* tls_conn_read's answer when the server closed the TLS stream. */
#define TLS_CONN_CLOSED (-2)

/*
 * Set up a client for host (a name gets SNI; an address does not).  verify:
 * check the chain against ca_file (or the system's CAs) and the host's name
 * or address.  0, or -1 (tls_conn_error says why).
 */
int tls_conn_init(struct tls_conn *c, const char *host, int verify, const char *ca_file);
/* Free what init made; c may be zeroed or half set up. */
void tls_conn_free(struct tls_conn *c);
/* Ciphertext from the socket. */
void tls_conn_feed(struct tls_conn *c, const uint8_t *p, size_t n);
/* Ciphertext for the socket, at most len bytes: how many (0: none waiting). */
size_t tls_conn_drain(struct tls_conn *c, uint8_t *buf, size_t len);
/* Drive the handshake: 1 done, 0 wants more bytes, -1 failed. */
int tls_conn_handshake(struct tls_conn *c);
/* Plaintext to send: 0, or -1. */
int tls_conn_write(struct tls_conn *c, const uint8_t *p, size_t n);
/* Plaintext received: bytes (> 0), 0 (wants more), TLS_CONN_CLOSED or -1. */
ssize_t tls_conn_read(struct tls_conn *c, uint8_t *buf, size_t len);
/* The pin of the server's key (tls/pin.h); 0, or -1 with no usable certificate. */
int tls_conn_peer_pin(struct tls_conn *c, char *out, size_t outlen);
/* The chain checked out (when init was asked to verify). */
int tls_conn_verified(struct tls_conn *c);
/* OpenSSL's last error for a person ("connection closed" when none), cleared. */
void tls_conn_error(char *buf, size_t len);

#endif
