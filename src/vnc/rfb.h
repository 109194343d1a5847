/*
 * vnc/rfb.h - the RFB (VNC) handshake, versions 3.3, 3.7 and 3.8 (RFC 6143),
 * as pure state machines over buffers, both sides of it: the client that
 * bmctop's relay is toward a BMC, and the server it is toward the viewer.
 *
 * Only the handshake lives here: version, security type, VNC
 * authentication and the security result.  Everything after it (ClientInit,
 * ServerInit, the messages) is passed through by the relay unchanged, so
 * the versions negotiated on the two sides need not match.
 *
 * VNC authentication encrypts the server's 16-byte challenge with DES,
 * keyed by the password cut or padded to 8 bytes, each byte with its bits
 * reversed (the original VNC code fed keys to a DES whose bit order is the
 * mirror of the standard's).  The vncpasswd file is the same 8-byte key
 * encrypted with a fixed key that every VNC implementation shares: it
 * hides the password from a glance, not from anyone; the file's mode
 * (0600) is what protects it.
 */
#ifndef BMCTOP_RFB_H
#define BMCTOP_RFB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RFB_VERSION_LEN	  12
#define RFB_CHALLENGE_LEN 16
#define RFB_PASSWORD_LEN  8    /* VNC authentication uses at most 8 bytes */
#define RFB_MAX_REASON	  4096 /* longer failure reasons are refused */

enum rfb_security { RFB_SEC_INVALID = 0, RFB_SEC_NONE = 1, RFB_SEC_VNC = 2 };

/*
 * "RFB 003.008\n" -> minor version 8.  The minor version is normalised to
 * what the protocol defines: 3 (3.3, and 3.4 to 3.6), 7, or 8 (anything
 * later).  0, or -1 when the 12 bytes are not an RFB 3.x version.
 */
int rfb_version_parse(const uint8_t *buf, size_t len, int *minor);
void rfb_version_format(uint8_t out[RFB_VERSION_LEN], int minor);

/* The response to a VNC authentication challenge.  0, or -1 (crypto). */
int rfb_vnc_auth_response(const uint8_t challenge[RFB_CHALLENGE_LEN], const char *password,
			  size_t len, uint8_t out[RFB_CHALLENGE_LEN]);
/* The 8 bytes of a vncpasswd file for a password (cut to 8 bytes). */
int rfb_vncpasswd_encode(const char *password, size_t len, uint8_t out[8]);
/* The password in a vncpasswd file's first 8 bytes; out gets up to 8 + NUL. */
int rfb_vncpasswd_decode(const uint8_t in[8], char out[RFB_PASSWORD_LEN + 1]);

enum rfb_client_state {
	RFB_C_VERSION,
	RFB_C_SECTYPES,	 /* 3.7+: the list of security types */
	RFB_C_SECTYPE33, /* 3.3: the type the server decided */
	RFB_C_CHALLENGE, /* VNC authentication */
	RFB_C_RESULT,	 /* SecurityResult */
	RFB_C_DONE,	 /* security is over: what follows is ServerInit */
	RFB_C_FAILED
};

/* bmctop as the client of a VNC server (the BMC's). */
struct rfb_client {
	enum rfb_client_state state;
	int minor;
	uint8_t sectype;
	char password[RFB_PASSWORD_LEN];
	size_t pwlen;
	int has_password;
	uint8_t out[64]; /* bytes to send to the server */
	size_t outlen;
	int auth_failed; /* the server rejected our password */
	char error[512];
};

/* password NULL: none configured (only security None will do). */
void rfb_client_init(struct rfb_client *c, const char *password, size_t len);
/*
 * Feed what the server sent.  Returns the bytes consumed (0 when a whole
 * message has not arrived yet; bytes after the handshake are not
 * consumed), or -1 with c->error.  Send c->out (c->outlen bytes) after
 * each call and set outlen to 0.
 */
ssize_t rfb_client_feed(struct rfb_client *c, const uint8_t *buf, size_t len);
/* Wipe the password. */
void rfb_client_wipe(struct rfb_client *c);

enum rfb_server_state {
	RFB_S_VERSION,	/* waiting for the viewer's version */
	RFB_S_SECTYPE,	/* 3.7+: waiting for its choice */
	RFB_S_RESPONSE, /* waiting for the 16-byte response */
	RFB_S_AUTHED,	/* good password; rfb_server_result() says the rest */
	RFB_S_FAILED
};

/* bmctop as the VNC server a viewer connects to: VNC authentication only. */
struct rfb_server {
	enum rfb_server_state state;
	int minor;
	uint8_t challenge[RFB_CHALLENGE_LEN];
	uint8_t expect[RFB_CHALLENGE_LEN];
	uint8_t out[512];
	size_t outlen;
	char error[256];
};

/* Start: c->out holds our version.  challenge must be fresh random bytes. */
int rfb_server_init(struct rfb_server *s, const char *password, size_t len,
		    const uint8_t challenge[RFB_CHALLENGE_LEN]);
/* Like rfb_client_feed, for what the viewer sent. */
ssize_t rfb_server_feed(struct rfb_server *s, const uint8_t *buf, size_t len);
/* Queue the SecurityResult (with the reason, in 3.8, when !ok). */
void rfb_server_result(struct rfb_server *s, int ok, const char *reason);

#endif
