/*
 * ipmi/rakp.c - RMCP+ session establishment: cipher suites, Open Session
 * Request/Response, RAKP messages 1-4 and the SIK/K1/K2 key derivation.
 *
 * Every MAC here is one HMAC over a short concatenation of fields that the
 * two sides already share, so each is built in a small stack buffer.  The
 * thing easy to get wrong: the session IDs go in little-endian, RAKP 2 and 3
 * are keyed with Kuid but the SIK with Kg (which falls back to Kuid), and
 * RAKP 4's ICV is truncated while RAKP 2 and 3's codes are not.
 */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "core/bytes.h"
#include "core/crypto.h"
#include "core/xalloc.h"
#include "ipmi/rakp.h"

#define RAKP1_FIXED_LEN	     28
#define RAKP2_FIXED_LEN	     40
#define RAKP34_FIXED_LEN     8
#define OPEN_SESSION_RSP_LEN 36
#define ROLE_NAME_ONLY	     0x10
#define ALG_PAYLOAD_LEN	     8
/* The largest HMAC input: RAKP 2's SIDm SIDc Rm Rc GUID Role ULength UName. */
#define MAX_HMAC_INPUT (4 + 4 + 16 + 16 + 16 + 1 + 1 + IPMI_MAX_USER)

static const struct ipmi_cipher cipher_suites[] = {
    {0, IPMI_AUTH_NONE, IPMI_INTEG_NONE, IPMI_CONF_NONE},
    {1, IPMI_AUTH_HMAC_SHA1, IPMI_INTEG_NONE, IPMI_CONF_NONE},
    {2, IPMI_AUTH_HMAC_SHA1, IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_NONE},
    {3, IPMI_AUTH_HMAC_SHA1, IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_AES_CBC_128},
    {15, IPMI_AUTH_HMAC_SHA256, IPMI_INTEG_NONE, IPMI_CONF_NONE},
    {16, IPMI_AUTH_HMAC_SHA256, IPMI_INTEG_HMAC_SHA256_128, IPMI_CONF_NONE},
    {17, IPMI_AUTH_HMAC_SHA256, IPMI_INTEG_HMAC_SHA256_128, IPMI_CONF_AES_CBC_128},
};

int ipmi_cipher_lookup(int suite, struct ipmi_cipher *out)
{
	for (size_t i = 0; i < sizeof(cipher_suites) / sizeof(cipher_suites[0]); i++) {
		if (cipher_suites[i].suite == suite) {
			*out = cipher_suites[i];
			return 0;
		}
	}
	return -1;
}

/* HMAC with the authentication algorithm; returns the length (0 for none). */
static size_t auth_hmac(enum ipmi_auth_alg alg, const uint8_t *key, size_t key_len,
			const uint8_t *data, size_t len, uint8_t out[CRYPTO_MAX_MAC])
{
	switch (alg) {
	case IPMI_AUTH_HMAC_SHA1:
		return crypto_hmac(CRYPTO_SHA1, key, key_len, data, len, out);
	case IPMI_AUTH_HMAC_MD5:
		return crypto_hmac(CRYPTO_MD5, key, key_len, data, len, out);
	case IPMI_AUTH_HMAC_SHA256:
		return crypto_hmac(CRYPTO_SHA256, key, key_len, data, len, out);
	case IPMI_AUTH_NONE:
		break;
	}
	return 0;
}

size_t ipmi_auth_code_len(enum ipmi_auth_alg alg)
{
	switch (alg) {
	case IPMI_AUTH_HMAC_SHA1:
		return 20;
	case IPMI_AUTH_HMAC_MD5:
		return 16;
	case IPMI_AUTH_HMAC_SHA256:
		return 32;
	case IPMI_AUTH_NONE:
		break;
	}
	return 0;
}

/* RAKP 4's ICV is the HMAC truncated to the integrity algorithm's size. */
static size_t rakp4_icv_len(enum ipmi_auth_alg alg)
{
	switch (alg) {
	case IPMI_AUTH_HMAC_SHA1:
		return 12;
	case IPMI_AUTH_HMAC_MD5:
	case IPMI_AUTH_HMAC_SHA256:
		return 16;
	case IPMI_AUTH_NONE:
		break;
	}
	return 0;
}

/* Append Role, ULength, UName: the tail every RAKP MAC and the SIK share. */
static size_t put_role_user(uint8_t *p, const struct ipmi_rakp *r)
{
	p[0] = r->role;
	p[1] = (uint8_t)r->user_len;
	memcpy(p + 2, r->user, r->user_len);
	return 2 + r->user_len;
}

size_t ipmi_open_session_build(uint8_t out[32], uint8_t tag, uint8_t max_priv, uint32_t console_sid,
			       const struct ipmi_cipher *c)
{
	const uint8_t algs[3] = {(uint8_t)c->auth, (uint8_t)c->integrity,
				 (uint8_t)c->confidentiality};

	memset(out, 0, 32);
	out[0] = tag;
	out[1] = max_priv & 0x0f;
	put_le32(out + 4, console_sid);
	for (int i = 0; i < 3; i++) {
		uint8_t *alg = out + 8 + i * ALG_PAYLOAD_LEN;

		alg[0] = (uint8_t)i; /* 0 authentication, 1 integrity, 2 confidentiality */
		alg[3] = ALG_PAYLOAD_LEN;
		alg[4] = algs[i];
	}
	return 32;
}

int ipmi_open_session_parse(const uint8_t *p, size_t len, struct ipmi_open_session_rsp *out)
{
	if (len < RAKP34_FIXED_LEN)
		return IPMI_DROP_MALFORMED;
	memset(out, 0, sizeof(*out));
	out->tag = p[0];
	out->status = p[1];
	out->max_priv = p[2] & 0x0f;
	out->console_sid = get_le32(p + 4);
	if (out->status != 0)
		return 0;
	if (len < OPEN_SESSION_RSP_LEN)
		return IPMI_DROP_MALFORMED;
	out->bmc_sid = get_le32(p + 8);
	for (int i = 0; i < 3; i++) {
		if (p[12 + i * ALG_PAYLOAD_LEN] != i)
			return IPMI_DROP_MALFORMED;
	}
	out->auth = (enum ipmi_auth_alg)(p[16] & 0x3f);
	out->integrity = (enum ipmi_integrity)(p[24] & 0x3f);
	out->confidentiality = (enum ipmi_confidentiality)(p[32] & 0x3f);
	return 0;
}

const char *ipmi_rmcpp_status_str(uint8_t status)
{
	static const char *const text[] = {
	    "no errors",
	    "insufficient resources to create a session",
	    "invalid session ID",
	    "invalid payload type",
	    "invalid authentication algorithm",
	    "invalid integrity algorithm",
	    "no matching authentication payload",
	    "no matching integrity payload",
	    "inactive session ID",
	    "invalid role",
	    "unauthorized role or privilege level requested",
	    "insufficient resources to create a session at the requested role",
	    "invalid name length",
	    "unauthorized name",
	    "unauthorized GUID",
	    "invalid integrity check value",
	    "invalid confidentiality algorithm",
	    "no cipher suite match with proposed security algorithms",
	    "illegal or unrecognized parameter",
	};

	if (status < sizeof(text) / sizeof(text[0]))
		return text[status];
	return "unknown RMCP+ status code";
}

static int all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;

	while (len--)
		acc |= *p++;
	return acc == 0;
}

int ipmi_rakp_init(struct ipmi_rakp *r, int suite, uint8_t role, const char *user, size_t user_len,
		   const uint8_t *password, size_t password_len, const uint8_t *kg, size_t kg_len,
		   uint32_t console_sid, const uint8_t rm[16])
{
	memset(r, 0, sizeof(*r));
	if (user_len > IPMI_MAX_USER || password_len > IPMI_MAX_PASSWORD ||
	    kg_len > IPMI_MAX_PASSWORD || ipmi_cipher_lookup(suite, &r->cipher) != 0)
		return -1;
	r->console_sid = console_sid;
	memcpy(r->rm, rm, sizeof(r->rm));
	r->role = role | ROLE_NAME_ONLY;
	if (user_len > 0)
		memcpy(r->user, user, user_len);
	r->user_len = user_len;
	if (password_len > 0)
		memcpy(r->kuid, password, password_len);
	/* An all-zero K_g is the spec's "not set": the BMC then uses K_uid. */
	if (kg != NULL && kg_len > 0 && !all_zero(kg, kg_len))
		memcpy(r->kg, kg, kg_len);
	else
		memcpy(r->kg, r->kuid, sizeof(r->kg));
	return 0;
}

void ipmi_rakp_wipe(struct ipmi_rakp *r)
{
	secure_zero(r, sizeof(*r));
}

size_t ipmi_rakp1_build(uint8_t *out, size_t cap, uint8_t tag, const struct ipmi_rakp *r)
{
	size_t len = RAKP1_FIXED_LEN + r->user_len;

	if (len > cap)
		return 0;
	memset(out, 0, RAKP1_FIXED_LEN);
	out[0] = tag;
	put_le32(out + 4, r->bmc_sid);
	memcpy(out + 8, r->rm, 16);
	out[24] = r->role;
	out[27] = (uint8_t)r->user_len;
	memcpy(out + 28, r->user, r->user_len);
	return len;
}

int ipmi_rakp2_parse(const uint8_t *p, size_t len, struct ipmi_rakp2 *out)
{
	if (len < RAKP34_FIXED_LEN)
		return IPMI_DROP_MALFORMED;
	memset(out, 0, sizeof(*out));
	out->tag = p[0];
	out->status = p[1];
	out->console_sid = get_le32(p + 4);
	/* A BMC refusing the login may send only the first eight bytes. */
	if (out->status != 0)
		return 0;
	if (len < RAKP2_FIXED_LEN)
		return IPMI_DROP_MALFORMED;
	memcpy(out->rc, p + 8, 16);
	memcpy(out->guid, p + 24, 16);
	out->auth_code = p + RAKP2_FIXED_LEN;
	out->auth_code_len = len - RAKP2_FIXED_LEN;
	return 0;
}

size_t ipmi_rakp2_auth_code(const struct ipmi_rakp *r, uint8_t out[32])
{
	uint8_t in[MAX_HMAC_INPUT], code[CRYPTO_MAX_MAC];
	size_t n;

	put_le32(in, r->console_sid);
	put_le32(in + 4, r->bmc_sid);
	memcpy(in + 8, r->rm, 16);
	memcpy(in + 24, r->rc, 16);
	memcpy(in + 40, r->guid, 16);
	n = 56 + put_role_user(in + 56, r);
	n = auth_hmac(r->cipher.auth, r->kuid, sizeof(r->kuid), in, n, code);
	memcpy(out, code, n);
	secure_zero(code, sizeof(code));
	return n;
}

int ipmi_rakp2_verify(struct ipmi_rakp *r, const struct ipmi_rakp2 *m2)
{
	uint8_t code[32];
	size_t n;
	int bad;

	if (m2->status != 0 || m2->console_sid != r->console_sid)
		return -1;
	memcpy(r->rc, m2->rc, sizeof(r->rc));
	memcpy(r->guid, m2->guid, sizeof(r->guid));
	n = ipmi_rakp2_auth_code(r, code);
	if (m2->auth_code_len != n)
		return -1;
	bad = CRYPTO_memcmp(code, m2->auth_code, n);
	secure_zero(code, sizeof(code));
	return bad ? -1 : 0;
}

void ipmi_rakp_derive_keys(struct ipmi_rakp *r)
{
	uint8_t in[MAX_HMAC_INPUT], out[CRYPTO_MAX_MAC];
	uint8_t const1[20], const2[20];
	size_t n;

	memcpy(in, r->rm, 16);
	memcpy(in + 16, r->rc, 16);
	n = 32 + put_role_user(in + 32, r);
	r->sik_len = auth_hmac(r->cipher.auth, r->kg, sizeof(r->kg), in, n, out);
	memcpy(r->sik, out, r->sik_len);

	/* The constants are 20 bytes for every algorithm, SHA256 included. */
	memset(const1, 0x01, sizeof(const1));
	memset(const2, 0x02, sizeof(const2));
	memset(&r->keys, 0, sizeof(r->keys));
	r->keys.integrity = r->cipher.integrity;
	r->keys.confidentiality = r->cipher.confidentiality;
	r->keys.k1_len = auth_hmac(r->cipher.auth, r->sik, r->sik_len, const1, 20, out);
	memcpy(r->keys.k1, out, r->keys.k1_len);
	n = auth_hmac(r->cipher.auth, r->sik, r->sik_len, const2, 20, out);
	memcpy(r->keys.k2, out, n);
	secure_zero(out, sizeof(out));
	secure_zero(in, sizeof(in));
}

/* RAKP 3's code: HMAC_Kuid(Rc, SIDm, Role, ULength, UName), untruncated. */
static size_t rakp3_auth_code(const struct ipmi_rakp *r, uint8_t out[CRYPTO_MAX_MAC])
{
	uint8_t in[MAX_HMAC_INPUT];
	size_t n;

	memcpy(in, r->rc, 16);
	put_le32(in + 16, r->console_sid);
	n = 20 + put_role_user(in + 20, r);
	return auth_hmac(r->cipher.auth, r->kuid, sizeof(r->kuid), in, n, out);
}

/* RAKP 3 and 4 share a frame: tag, status, two reserved bytes, the peer's
 * session ID, then the auth code or ICV.  0 when it does not fit. */
static size_t rakp34_frame(uint8_t *out, size_t cap, uint8_t tag, uint8_t status, uint32_t sid,
			   const uint8_t *code, size_t n)
{
	if (RAKP34_FIXED_LEN + n > cap)
		return 0;
	out[0] = tag;
	out[1] = status;
	out[2] = 0;
	out[3] = 0;
	put_le32(out + 4, sid);
	memcpy(out + RAKP34_FIXED_LEN, code, n);
	return RAKP34_FIXED_LEN + n;
}

/* The fields of a RAKP 3 or 4 frame of len >= RAKP34_FIXED_LEN bytes. */
static void rakp34_unframe(const uint8_t *p, size_t len, uint8_t *tag, uint8_t *status,
			   uint32_t *sid, const uint8_t **code, size_t *code_len)
{
	*tag = p[0];
	*status = p[1];
	*sid = get_le32(p + 4);
	*code = p + RAKP34_FIXED_LEN;
	*code_len = len - RAKP34_FIXED_LEN;
}

size_t ipmi_rakp3_build(uint8_t *out, size_t cap, uint8_t tag, uint8_t status,
			const struct ipmi_rakp *r)
{
	uint8_t code[CRYPTO_MAX_MAC];
	size_t n = 0, len;

	/* With an error status the BMC only needs to learn the session failed. */
	if (status == 0)
		n = rakp3_auth_code(r, code);
	len = rakp34_frame(out, cap, tag, status, r->bmc_sid, code, n);
	secure_zero(code, sizeof(code));
	return len;
}

int ipmi_rakp3_verify(const struct ipmi_rakp *r, const uint8_t *code, size_t len)
{
	uint8_t want[CRYPTO_MAX_MAC];
	size_t n = rakp3_auth_code(r, want);
	int bad = len != n || CRYPTO_memcmp(want, code, n) != 0;

	secure_zero(want, sizeof(want));
	return bad ? -1 : 0;
}

int ipmi_rakp4_parse(const uint8_t *p, size_t len, struct ipmi_rakp4 *out)
{
	if (len < RAKP34_FIXED_LEN)
		return IPMI_DROP_MALFORMED;
	memset(out, 0, sizeof(*out));
	rakp34_unframe(p, len, &out->tag, &out->status, &out->console_sid, &out->icv, &out->icv_len);
	return 0;
}

size_t ipmi_rakp4_icv(const struct ipmi_rakp *r, uint8_t out[32])
{
	uint8_t in[36], code[CRYPTO_MAX_MAC];
	size_t n = rakp4_icv_len(r->cipher.auth);

	memcpy(in, r->rm, 16);
	put_le32(in + 16, r->bmc_sid);
	memcpy(in + 20, r->guid, 16);
	if (auth_hmac(r->cipher.auth, r->sik, r->sik_len, in, sizeof(in), code) < n)
		n = 0;
	memcpy(out, code, n);
	secure_zero(code, sizeof(code));
	return n;
}

int ipmi_rakp4_verify(const struct ipmi_rakp *r, const struct ipmi_rakp4 *m4)
{
	uint8_t icv[32];
	size_t n;
	int bad;

	if (m4->status != 0 || m4->console_sid != r->console_sid)
		return -1;
	n = ipmi_rakp4_icv(r, icv);
	bad = m4->icv_len != n || CRYPTO_memcmp(icv, m4->icv, n) != 0;
	secure_zero(icv, sizeof(icv));
	return bad ? -1 : 0;
}

/* The server side: what a BMC reads and sends.  Used by bmcsim. */

int ipmi_open_session_req_parse(const uint8_t *p, size_t len, struct ipmi_open_session_req *out)
{
	int *alg[3];

	if (len < 32)
		return IPMI_DROP_MALFORMED;
	memset(out, 0, sizeof(*out));
	out->tag = p[0];
	out->max_priv = p[1] & 0x0f;
	out->console_sid = get_le32(p + 4);
	alg[0] = &out->auth;
	alg[1] = &out->integrity;
	alg[2] = &out->confidentiality;
	for (int i = 0; i < 3; i++) {
		const uint8_t *a = p + 8 + i * ALG_PAYLOAD_LEN;

		if (a[0] != i)
			return IPMI_DROP_MALFORMED;
		/* A zero payload length leaves the choice of algorithm to the BMC. */
		*alg[i] = a[3] == 0 ? -1 : a[4] & 0x3f;
	}
	return 0;
}

size_t ipmi_open_session_rsp_build(uint8_t out[36], const struct ipmi_open_session_rsp *rsp)
{
	const uint8_t algs[3] = {(uint8_t)rsp->auth, (uint8_t)rsp->integrity,
				 (uint8_t)rsp->confidentiality};

	memset(out, 0, OPEN_SESSION_RSP_LEN);
	out[0] = rsp->tag;
	out[1] = rsp->status;
	out[2] = rsp->max_priv & 0x0f;
	put_le32(out + 4, rsp->console_sid);
	if (rsp->status != 0)
		return RAKP34_FIXED_LEN;
	put_le32(out + 8, rsp->bmc_sid);
	for (int i = 0; i < 3; i++) {
		uint8_t *alg = out + 12 + i * ALG_PAYLOAD_LEN;

		alg[0] = (uint8_t)i;
		alg[3] = ALG_PAYLOAD_LEN;
		alg[4] = algs[i];
	}
	return OPEN_SESSION_RSP_LEN;
}

int ipmi_rakp1_parse(const uint8_t *p, size_t len, struct ipmi_rakp1 *out)
{
	size_t user_len;

	if (len < RAKP1_FIXED_LEN)
		return IPMI_DROP_MALFORMED;
	user_len = p[27];
	if (user_len > IPMI_MAX_USER || RAKP1_FIXED_LEN + user_len > len)
		return IPMI_DROP_MALFORMED;
	memset(out, 0, sizeof(*out));
	out->tag = p[0];
	out->bmc_sid = get_le32(p + 4);
	memcpy(out->rm, p + 8, 16);
	out->role = p[24];
	memcpy(out->user, p + RAKP1_FIXED_LEN, user_len);
	out->user_len = user_len;
	return 0;
}

size_t ipmi_rakp2_build(uint8_t *out, size_t cap, uint8_t tag, uint8_t status,
			const struct ipmi_rakp *r)
{
	uint8_t code[32];
	size_t n = 0;

	if (status == 0)
		n = ipmi_rakp2_auth_code(r, code);
	if ((status == 0 ? RAKP2_FIXED_LEN + n : RAKP34_FIXED_LEN) > cap) {
		secure_zero(code, sizeof(code));
		return 0;
	}
	memset(out, 0, RAKP34_FIXED_LEN);
	out[0] = tag;
	out[1] = status;
	put_le32(out + 4, r->console_sid);
	if (status != 0)
		return RAKP34_FIXED_LEN;
	memcpy(out + 8, r->rc, 16);
	memcpy(out + 24, r->guid, 16);
	memcpy(out + RAKP2_FIXED_LEN, code, n);
	secure_zero(code, sizeof(code));
	return RAKP2_FIXED_LEN + n;
}

int ipmi_rakp3_parse(const uint8_t *p, size_t len, struct ipmi_rakp3 *out)
{
	if (len < RAKP34_FIXED_LEN)
		return IPMI_DROP_MALFORMED;
	memset(out, 0, sizeof(*out));
	rakp34_unframe(p, len, &out->tag, &out->status, &out->bmc_sid, &out->auth_code,
		       &out->auth_code_len);
	return 0;
}

size_t ipmi_rakp4_build(uint8_t *out, size_t cap, uint8_t tag, uint8_t status,
			const struct ipmi_rakp *r)
{
	uint8_t icv[32];
	size_t n = 0, len;

	if (status == 0)
		n = ipmi_rakp4_icv(r, icv);
	len = rakp34_frame(out, cap, tag, status, r->console_sid, icv, n);
	secure_zero(icv, sizeof(icv));
	return len;
}
