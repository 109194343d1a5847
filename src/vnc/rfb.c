/*
 * vnc/rfb.c - the RFB 3.3/3.7/3.8 handshake, client and server side.
 *
 * Each feed call consumes whole messages only, so the caller keeps what it
 * received in one buffer and feeds it again as more arrives; every length
 * field (the security type count, a failure reason's length) is checked
 * against RFB_MAX_REASON and against the bytes present before it is used.
 *
 * DES is single DES in ECB mode.  OpenSSL 3 keeps single DES in its legacy
 * provider, which may not be loaded; three-key DES with the same key three
 * times is single DES, and is in the default provider.
 */
#include "config.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/xalloc.h"
#include "vnc/rfb.h"

/* The key every VNC implementation uses to hide vncpasswd files, as
 * standard DES wants it (the original's bytes, each bit-reversed). */
static const uint8_t vncpasswd_key[8] = {0xe8, 0x4a, 0xd6, 0x60, 0xc4, 0x72, 0x1a, 0xe0};

static uint8_t reverse_bits(uint8_t b)
{
	b = (uint8_t)((b & 0xf0) >> 4 | (b & 0x0f) << 4);
	b = (uint8_t)((b & 0xcc) >> 2 | (b & 0x33) << 2);
	b = (uint8_t)((b & 0xaa) >> 1 | (b & 0x55) << 1);
	return b;
}

static int des_ecb(const uint8_t key[8], int encrypt, const uint8_t *in, uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t k3[24];
	int n = 0, rc = -1;

	if (ctx == NULL)
		return -1;
	memcpy(k3, key, 8);
	memcpy(k3 + 8, key, 8);
	memcpy(k3 + 16, key, 8);
	if (EVP_CipherInit_ex(ctx, EVP_des_ede3_ecb(), NULL, k3, NULL, encrypt) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 && (size_t)n == len)
		rc = 0;
	EVP_CIPHER_CTX_free(ctx);
	secure_zero(k3, sizeof k3);
	return rc;
}

static void password_key(const char *password, size_t len, uint8_t key[8])
{
	size_t i;

	memset(key, 0, 8);
	for (i = 0; i < len && i < RFB_PASSWORD_LEN; i++)
		key[i] = (uint8_t)password[i];
}

int rfb_vnc_auth_response(const uint8_t challenge[RFB_CHALLENGE_LEN], const char *password,
			  size_t len, uint8_t out[RFB_CHALLENGE_LEN])
{
	uint8_t key[8];
	int i, rc;

	password_key(password, len, key);
	for (i = 0; i < 8; i++)
		key[i] = reverse_bits(key[i]);
	rc = des_ecb(key, 1, challenge, out, RFB_CHALLENGE_LEN);
	secure_zero(key, sizeof key);
	return rc;
}

int rfb_vncpasswd_encode(const char *password, size_t len, uint8_t out[8])
{
	uint8_t plain[8];
	int rc;

	password_key(password, len, plain);
	rc = des_ecb(vncpasswd_key, 1, plain, out, 8);
	secure_zero(plain, sizeof plain);
	return rc;
}

int rfb_vncpasswd_decode(const uint8_t in[8], char out[RFB_PASSWORD_LEN + 1])
{
	uint8_t plain[8];

	if (des_ecb(vncpasswd_key, 0, in, plain, 8) != 0)
		return -1;
	memcpy(out, plain, 8);
	out[8] = '\0';
	secure_zero(plain, sizeof plain);
	return 0;
}

int rfb_version_parse(const uint8_t *buf, size_t len, int *minor)
{
	int major = 0, m = 0, i;

	if (len < RFB_VERSION_LEN || memcmp(buf, "RFB ", 4) != 0 || buf[7] != '.' ||
	    buf[11] != '\n')
		return -1;
	for (i = 4; i < 11; i++) {
		if (i == 7)
			continue;
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
		if (i < 7)
			major = major * 10 + (buf[i] - '0');
		else
			m = m * 10 + (buf[i] - '0');
	}
	if (major != 3 || m < 3)
		return -1;
	*minor = m >= 8 ? 8 : (m == 7 ? 7 : 3);
	return 0;
}

void rfb_version_format(uint8_t out[RFB_VERSION_LEN], int minor)
{
	char tmp[16];

	snprintf(tmp, sizeof tmp, "RFB 003.%03d\n", minor);
	memcpy(out, tmp, RFB_VERSION_LEN);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A reason string from the wire, made printable, for messages. */
static void reason_text(char *out, size_t outlen, const uint8_t *p, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 1 < outlen; i++)
		out[o++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	out[o] = '\0';
}

/*
 * A reason (u32 length, then text) at buf: its total size in *need, or -1
 * when the length is beyond RFB_MAX_REASON.
 */
static int reason_need(const uint8_t *buf, size_t len, size_t *need)
{
	uint32_t n;

	if (len < 4) {
		*need = 4;
		return 0;
	}
	n = be32(buf);
	if (n > RFB_MAX_REASON)
		return -1;
	*need = 4 + (size_t)n;
	return 0;
}

static ssize_t client_fail(struct rfb_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static ssize_t client_fail(struct rfb_client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof c->error, fmt, ap);
	va_end(ap);
	c->state = RFB_C_FAILED;
	return -1;
}

void rfb_client_init(struct rfb_client *c, const char *password, size_t len)
{
	memset(c, 0, sizeof *c);
	c->state = RFB_C_VERSION;
	if (password != NULL) {
		c->has_password = 1;
		c->pwlen = len < RFB_PASSWORD_LEN ? len : RFB_PASSWORD_LEN;
		memcpy(c->password, password, c->pwlen);
	}
}

void rfb_client_wipe(struct rfb_client *c)
{
	secure_zero(c->password, sizeof c->password);
	c->pwlen = 0;
}

static void client_out(struct rfb_client *c, const void *p, size_t n)
{
	if (c->outlen + n <= sizeof c->out) {
		memcpy(c->out + c->outlen, p, n);
		c->outlen += n;
	}
}

/* The server refused: 3.3 type 0, or 3.7+ with no types. */
static ssize_t client_refused(struct rfb_client *c, const uint8_t *buf, size_t len, size_t at)
{
	char text[256];
	size_t need;

	if (reason_need(buf + at, len - at, &need) != 0)
		return client_fail(
		    c, "the VNC server refused the connection with an over-long reason");
	if (len - at < need)
		return 0;
	reason_text(text, sizeof text, buf + at + 4, need - 4);
	return client_fail(c, "the VNC server refused the connection: %s", text);
}

static ssize_t client_choose(struct rfb_client *c, uint8_t type)
{
	c->sectype = type;
	if (type == RFB_SEC_NONE) {
		/* Only 3.8 sends a SecurityResult after None. */
		c->state = c->minor == 8 ? RFB_C_RESULT : RFB_C_DONE;
		return 0;
	}
	if (!c->has_password)
		return client_fail(c, "the VNC server asks for a password: set vnc-password (or "
				      "vnc-password-file, -env, -command) for this host");
	c->state = RFB_C_CHALLENGE;
	return 0;
}

static ssize_t client_step(struct rfb_client *c, const uint8_t *buf, size_t len)
{
	uint8_t reply[RFB_CHALLENGE_LEN];
	size_t n, i, need;
	int have_none = 0, have_vnc = 0;
	char types[128];
	size_t tl = 0;

	switch (c->state) {
	case RFB_C_VERSION:
		if (len < RFB_VERSION_LEN)
			return 0;
		if (rfb_version_parse(buf, len, &c->minor) != 0)
			return client_fail(c, "the peer is not an RFB 3.x (VNC) server");
		rfb_version_format(reply, c->minor);
		client_out(c, reply, RFB_VERSION_LEN);
		c->state = c->minor >= 7 ? RFB_C_SECTYPES : RFB_C_SECTYPE33;
		return RFB_VERSION_LEN;
	case RFB_C_SECTYPES:
		if (len < 1)
			return 0;
		n = buf[0];
		if (n == 0)
			return client_refused(c, buf, len, 1);
		if (len < 1 + n)
			return 0;
		for (i = 0; i < n; i++) {
			have_none |= buf[1 + i] == RFB_SEC_NONE;
			have_vnc |= buf[1 + i] == RFB_SEC_VNC;
			if (tl + 6 < sizeof types)
				tl += (size_t)snprintf(types + tl, sizeof types - tl, "%s%u",
						       i ? ", " : "", buf[1 + i]);
		}
		if (!have_none && !have_vnc)
			return client_fail(c,
					   "the VNC server offers only security types %s; bmctop "
					   "speaks None (1) and VNC authentication (2)",
					   types);
		reply[0] = have_none ? RFB_SEC_NONE : RFB_SEC_VNC;
		client_out(c, reply, 1);
		if (client_choose(c, reply[0]) != 0)
			return -1;
		return (ssize_t)(1 + n);
	case RFB_C_SECTYPE33:
		if (len < 4)
			return 0;
		switch (be32(buf)) {
		case RFB_SEC_INVALID:
			return client_refused(c, buf, len, 4) < 0 ? -1 : 0;
		case RFB_SEC_NONE:
		case RFB_SEC_VNC:
			if (client_choose(c, (uint8_t)be32(buf)) != 0)
				return -1;
			return 4;
		default:
			return client_fail(c,
					   "the VNC server (RFB 3.3) wants security type %u; "
					   "bmctop speaks None (1) and VNC authentication (2)",
					   be32(buf));
		}
	case RFB_C_CHALLENGE:
		if (len < RFB_CHALLENGE_LEN)
			return 0;
		if (rfb_vnc_auth_response(buf, c->password, c->pwlen, reply) != 0)
			return client_fail(c, "DES is not available from OpenSSL");
		client_out(c, reply, RFB_CHALLENGE_LEN);
		c->state = RFB_C_RESULT;
		return RFB_CHALLENGE_LEN;
	case RFB_C_RESULT:
		if (len < 4)
			return 0;
		if (be32(buf) == 0) {
			c->state = RFB_C_DONE;
			return 4;
		}
		c->auth_failed = c->sectype == RFB_SEC_VNC;
		if (c->minor == 8) {
			char text[256];

			if (reason_need(buf + 4, len - 4, &need) != 0)
				return client_fail(
				    c, "the VNC server refused with an over-long reason");
			if (len - 4 < need)
				return 0;
			reason_text(text, sizeof text, buf + 8, need - 4);
			return client_fail(c, "the VNC server refused %s: %s",
					   c->auth_failed ? "the password (vnc-password)" : "us",
					   text);
		}
		return client_fail(c, "the VNC server refused %s",
				   c->auth_failed ? "the password (vnc-password)" : "us");
	default:
		return 0;
	}
}

ssize_t rfb_client_feed(struct rfb_client *c, const uint8_t *buf, size_t len)
{
	size_t used = 0;

	if (c->state == RFB_C_FAILED)
		return -1;
	while (c->state != RFB_C_DONE) {
		ssize_t n = client_step(c, buf + used, len - used);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	return (ssize_t)used;
}

/* Server side. */

static ssize_t server_fail(struct rfb_server *s, const char *why)
{
	snprintf(s->error, sizeof s->error, "%s", why);
	s->state = RFB_S_FAILED;
	return -1;
}

static void server_out(struct rfb_server *s, const void *p, size_t n)
{
	if (s->outlen + n <= sizeof s->out) {
		memcpy(s->out + s->outlen, p, n);
		s->outlen += n;
	}
}

int rfb_server_init(struct rfb_server *s, const char *password, size_t len,
		    const uint8_t challenge[RFB_CHALLENGE_LEN])
{
	uint8_t v[RFB_VERSION_LEN];

	memset(s, 0, sizeof *s);
	memcpy(s->challenge, challenge, RFB_CHALLENGE_LEN);
	if (rfb_vnc_auth_response(challenge, password, len, s->expect) != 0)
		return -1;
	rfb_version_format(v, 8);
	server_out(s, v, sizeof v);
	s->state = RFB_S_VERSION;
	return 0;
}

static ssize_t server_step(struct rfb_server *s, const uint8_t *buf, size_t len)
{
	uint8_t tmp[4];

	switch (s->state) {
	case RFB_S_VERSION:
		if (len < RFB_VERSION_LEN)
			return 0;
		if (rfb_version_parse(buf, len, &s->minor) != 0)
			return server_fail(s, "the viewer did not answer with an RFB 3.x version");
		if (s->minor >= 7) {
			tmp[0] = 1;
			tmp[1] = RFB_SEC_VNC;
			server_out(s, tmp, 2);
			s->state = RFB_S_SECTYPE;
		} else {
			put_be32(tmp, RFB_SEC_VNC);
			server_out(s, tmp, 4);
			server_out(s, s->challenge, RFB_CHALLENGE_LEN);
			s->state = RFB_S_RESPONSE;
		}
		return RFB_VERSION_LEN;
	case RFB_S_SECTYPE:
		if (len < 1)
			return 0;
		if (buf[0] != RFB_SEC_VNC) {
			if (s->minor == 8)
				rfb_server_result(s, 0, "only VNC authentication is offered");
			return server_fail(s,
					   "the viewer chose a security type that was not offered");
		}
		server_out(s, s->challenge, RFB_CHALLENGE_LEN);
		s->state = RFB_S_RESPONSE;
		return 1;
	case RFB_S_RESPONSE:
		if (len < RFB_CHALLENGE_LEN)
			return 0;
		if (CRYPTO_memcmp(buf, s->expect, RFB_CHALLENGE_LEN) != 0) {
			rfb_server_result(s, 0, "authentication failed: wrong one-time password");
			return server_fail(s, "the viewer gave a wrong one-time password");
		}
		s->state = RFB_S_AUTHED;
		return RFB_CHALLENGE_LEN;
	default:
		return 0;
	}
}

ssize_t rfb_server_feed(struct rfb_server *s, const uint8_t *buf, size_t len)
{
	size_t used = 0;

	if (s->state == RFB_S_FAILED)
		return -1;
	while (s->state != RFB_S_AUTHED) {
		ssize_t n = server_step(s, buf + used, len - used);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	return (ssize_t)used;
}

void rfb_server_result(struct rfb_server *s, int ok, const char *reason)
{
	uint8_t tmp[4];
	size_t n;

	put_be32(tmp, ok ? 0 : 1);
	server_out(s, tmp, 4);
	if (!ok && s->minor == 8) {
		n = strlen(reason);
		if (n > 400)
			n = 400;
		put_be32(tmp, (uint32_t)n);
		server_out(s, tmp, 4);
		server_out(s, reason, n);
	}
}
