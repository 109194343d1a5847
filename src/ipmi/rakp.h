/*
 * ipmi/rakp.h - RMCP+ session establishment: cipher suites, Open Session,
 * RAKP messages 1-4, and key derivation (SIK, K1, K2).
 *
 * Pure functions over buffers.  Crypto is OpenSSL's HMAC (SHA1, SHA256,
 * MD5).  Every parse checks lengths; every verify compares in constant time.
 */
#ifndef BMCTOP_IPMI_RAKP_H
#define BMCTOP_IPMI_RAKP_H

#include <stddef.h>
#include <stdint.h>

#include "ipmi/msg.h"

/* Authentication algorithms (table 13-17). */
enum ipmi_auth_alg { IPMI_AUTH_NONE = 0, IPMI_AUTH_HMAC_SHA1 = 1, IPMI_AUTH_HMAC_MD5 = 2,
		     IPMI_AUTH_HMAC_SHA256 = 3 };

struct ipmi_cipher {
	int suite;
	enum ipmi_auth_alg auth;
	enum ipmi_integrity integrity;
	enum ipmi_confidentiality confidentiality;
};

/* Cipher suites 0, 1, 2, 3, 15, 16, 17 (table 22-20); -1 for others. */
int ipmi_cipher_lookup(int suite, struct ipmi_cipher *out);

#define IPMI_MAX_USER 16
#define IPMI_MAX_PASSWORD 20

/* Open Session Request (table 13-9): 32 bytes; returns the length. */
size_t ipmi_open_session_build(uint8_t out[32], uint8_t tag, uint8_t max_priv,
			       uint32_t console_sid, const struct ipmi_cipher *c);

struct ipmi_open_session_rsp {
	uint8_t tag;
	uint8_t status; /* RMCP+ status code, 0 = no errors */
	uint8_t max_priv;
	uint32_t console_sid;
	uint32_t bmc_sid;
	enum ipmi_auth_alg auth;
	enum ipmi_integrity integrity;
	enum ipmi_confidentiality confidentiality;
};

/* Parse an Open Session Response (table 13-10); with status != 0 only the
 * first 8 bytes are required.  0 or IPMI_DROP_MALFORMED. */
int ipmi_open_session_parse(const uint8_t *p, size_t len, struct ipmi_open_session_rsp *out);

/* RMCP+ status code text (table 13-15). */
const char *ipmi_rmcpp_status_str(uint8_t status);

/* Everything the RAKP exchange computes over. */
struct ipmi_rakp {
	struct ipmi_cipher cipher;
	uint32_t console_sid; /* SIDm */
	uint32_t bmc_sid;     /* SIDc */
	uint8_t rm[16];	      /* our random number */
	uint8_t rc[16];	      /* the BMC's random number (from RAKP 2) */
	uint8_t guid[16];     /* the BMC's GUID (from RAKP 2) */
	uint8_t role;	      /* requested privilege | 0x10 for name-only lookup */
	uint8_t user[IPMI_MAX_USER];
	size_t user_len;
	uint8_t kuid[IPMI_MAX_PASSWORD]; /* password, zero padded */
	uint8_t kg[IPMI_MAX_PASSWORD];	 /* BMC key, zero padded; equal to kuid when unset */
	uint8_t sik[32];
	size_t sik_len;
	struct ipmi_session_keys keys; /* K1, K2 and the algorithms, after derive */
};

/*
 * Fill in the fixed inputs.  Returns -1 if user is over 16 bytes, password or
 * kg over 20 bytes, or the suite unknown; nothing is sent in that case.
 * kg may be NULL (or kg_len 0) for no BMC key.
 */
int ipmi_rakp_init(struct ipmi_rakp *r, int suite, uint8_t role, const char *user,
		   size_t user_len, const uint8_t *password, size_t password_len,
		   const uint8_t *kg, size_t kg_len, uint32_t console_sid, const uint8_t rm[16]);
/* Wipe keys and password from memory. */
void ipmi_rakp_wipe(struct ipmi_rakp *r);

/* RAKP Message 1 (table 13-11); returns its length (28 + user_len). */
size_t ipmi_rakp1_build(uint8_t *out, size_t cap, uint8_t tag, const struct ipmi_rakp *r);

struct ipmi_rakp2 {
	uint8_t tag;
	uint8_t status;
	uint32_t console_sid;
	uint8_t rc[16];
	uint8_t guid[16];
	const uint8_t *auth_code; /* into the buffer */
	size_t auth_code_len;
};

/* Parse RAKP Message 2 (table 13-12).  0 or IPMI_DROP_MALFORMED. */
int ipmi_rakp2_parse(const uint8_t *p, size_t len, struct ipmi_rakp2 *out);

/*
 * Check RAKP 2's key exchange auth code, HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc,
 * Role, ULength, UName), after copying rc/guid/bmc_sid into r.  0 when it
 * matches (the password is right); -1 when not: then send no RAKP 3.
 */
int ipmi_rakp2_verify(struct ipmi_rakp *r, const struct ipmi_rakp2 *m2);

/* The length of an untruncated auth code (HMAC) of the algorithm: 20, 16, 32, or 0. */
size_t ipmi_auth_code_len(enum ipmi_auth_alg alg);

/* Derive SIK, K1 and K2 into r (call after a good RAKP 2). */
void ipmi_rakp_derive_keys(struct ipmi_rakp *r);

/* RAKP Message 3 (table 13-13) with HMAC_Kuid(Rc, SIDm, Role, ULength, UName). */
size_t ipmi_rakp3_build(uint8_t *out, size_t cap, uint8_t tag, uint8_t status,
			const struct ipmi_rakp *r);

struct ipmi_rakp4 {
	uint8_t tag;
	uint8_t status;
	uint32_t console_sid;
	const uint8_t *icv;
	size_t icv_len;
};

int ipmi_rakp4_parse(const uint8_t *p, size_t len, struct ipmi_rakp4 *out);
/* Check RAKP 4's integrity check value HMAC_SIK(Rm, SIDc, GUIDc), truncated. */
int ipmi_rakp4_verify(const struct ipmi_rakp *r, const struct ipmi_rakp4 *m4);

/*
 * The server side of the same exchange, for bmcsim: compute the RAKP 2 auth
 * code and the RAKP 4 ICV that a BMC sends (returns their lengths), and
 * check a RAKP 3 auth code (0 = good).
 */
size_t ipmi_rakp2_auth_code(const struct ipmi_rakp *r, uint8_t out[32]);
int ipmi_rakp3_verify(const struct ipmi_rakp *r, const uint8_t *code, size_t len);
size_t ipmi_rakp4_icv(const struct ipmi_rakp *r, uint8_t out[32]);

/* Open Session Request as a BMC reads it (table 13-9). */
struct ipmi_open_session_req {
	uint8_t tag;
	uint8_t max_priv; /* 0: the highest the user may have */
	uint32_t console_sid;
	/* Proposed algorithms; -1 where the console left the choice to the BMC
	 * (an algorithm payload of length 0). */
	int auth, integrity, confidentiality;
};

/* 0, or IPMI_DROP_MALFORMED (short, or payload types out of order). */
int ipmi_open_session_req_parse(const uint8_t *p, size_t len, struct ipmi_open_session_req *out);

/*
 * Open Session Response: 36 bytes with status 0 (using rsp->bmc_sid and the
 * algorithms), else the 8-byte refusal.  Returns the length.
 */
size_t ipmi_open_session_rsp_build(uint8_t out[36], const struct ipmi_open_session_rsp *rsp);

/* RAKP Message 1 as a BMC reads it (table 13-11). */
struct ipmi_rakp1 {
	uint8_t tag;
	uint32_t bmc_sid;
	uint8_t rm[16];
	uint8_t role; /* as sent, name-only lookup bit included */
	uint8_t user[IPMI_MAX_USER];
	size_t user_len;
};

/* 0, or IPMI_DROP_MALFORMED (short, or a name over 16 bytes or the bytes sent). */
int ipmi_rakp1_parse(const uint8_t *p, size_t len, struct ipmi_rakp1 *out);

/*
 * RAKP Message 2 from the BMC's ipmi_rakp (rc, guid, bmc_sid filled in): the
 * 40 fixed bytes and the auth code, or the 8-byte refusal when status != 0.
 * Returns the length, 0 when cap is too small.
 */
size_t ipmi_rakp2_build(uint8_t *out, size_t cap, uint8_t tag, uint8_t status,
			const struct ipmi_rakp *r);

/* RAKP Message 3 as a BMC reads it (table 13-13). */
struct ipmi_rakp3 {
	uint8_t tag;
	uint8_t status;
	uint32_t bmc_sid;
	const uint8_t *auth_code; /* into the buffer */
	size_t auth_code_len;
};

int ipmi_rakp3_parse(const uint8_t *p, size_t len, struct ipmi_rakp3 *out);

/* RAKP Message 4 with the ICV (after ipmi_rakp_derive_keys), or the 8-byte
 * refusal when status != 0.  Returns the length, 0 when cap is too small. */
size_t ipmi_rakp4_build(uint8_t *out, size_t cap, uint8_t tag, uint8_t status,
			const struct ipmi_rakp *r);

#endif
