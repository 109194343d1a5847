/*
 * ipmi/msg.c - IPMI v2.0 LAN packet codec: RMCP+ session packets with
 * their integrity trailer and AES-CBC-128 payloads, IPMI request/response
 * messages, and the v1.5 packet that carries Get Channel Auth Caps.
 *
 * The non-obvious part is the order of checks on receive: lengths first
 * (against the payload length field and the bytes received), then the
 * AuthCode over the raw bytes, and only then decryption, so no unverified
 * ciphertext ever reaches AES.  Pad bytes are checked after decryption in
 * full, without stopping at the first bad one.
 */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "core/bytes.h"
#include "core/crypto.h"
#include "core/xalloc.h"
#include "ipmi/msg.h"

#define RMCP_HEADER_LEN	      4
#define SESSION_HEADER_LEN    12 /* auth type .. payload length */
#define PACKET_HEADER_LEN     (RMCP_HEADER_LEN + SESSION_HEADER_LEN)
#define AUTH_TYPE_NONE	      0x00
#define AUTH_TYPE_RMCPP	      0x06
#define PAYLOAD_ENCRYPTED     0x80
#define PAYLOAD_AUTHENTICATED 0x40
#define PAYLOAD_TYPE_MASK     0x3f
#define PAYLOAD_TYPE_OEM      0x02
#define NEXT_HEADER	      0x07
#define AES_BLOCK	      16
/* v1.5: auth type, seq, session ID, message length */
#define V15_HEADER_LEN (RMCP_HEADER_LEN + 10)
/* rqAddr netFn chk rsAddr seq cmd ccode chk */
#define MSG_MIN_RESPONSE 8

static const uint8_t rmcp_header[RMCP_HEADER_LEN] = {0x06, 0x00, 0xff, 0x07};

uint8_t ipmi_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

size_t ipmi_integrity_len(enum ipmi_integrity alg)
{
	switch (alg) {
	case IPMI_INTEG_HMAC_SHA1_96:
		return 12;
	case IPMI_INTEG_HMAC_MD5_128:
	case IPMI_INTEG_MD5_128:
	case IPMI_INTEG_HMAC_SHA256_128:
		return 16;
	case IPMI_INTEG_NONE:
		break;
	}
	return 0;
}

/* The HMAC digest behind an integrity algorithm; -1 for none and for the
 * keyless MD5-128, which no cipher suite we offer uses. */
static int integrity_digest(enum ipmi_integrity alg)
{
	switch (alg) {
	case IPMI_INTEG_HMAC_SHA1_96:
		return CRYPTO_SHA1;
	case IPMI_INTEG_HMAC_MD5_128:
		return CRYPTO_MD5;
	case IPMI_INTEG_HMAC_SHA256_128:
		return CRYPTO_SHA256;
	case IPMI_INTEG_NONE:
	case IPMI_INTEG_MD5_128:
		break;
	}
	return -1;
}

/* The truncated HMAC_K1 over data into code; returns its length or 0. */
static size_t auth_code(const struct ipmi_session_keys *keys, const uint8_t *data, size_t len,
			uint8_t code[CRYPTO_MAX_MAC])
{
	int d = integrity_digest(keys->integrity);

	if (d < 0)
		return 0;
	crypto_hmac((enum crypto_digest)d, keys->k1, keys->k1_len, data, len, code);
	return ipmi_integrity_len(keys->integrity);
}

static size_t aes_padded_len(size_t len)
{
	return (len + 1 + AES_BLOCK - 1) / AES_BLOCK * AES_BLOCK;
}

/* Encrypt payload into out: IV, then the ciphertext.  Returns bytes written. */
static size_t encrypt_payload(uint8_t *out, const struct ipmi_session_keys *keys,
			      const uint8_t iv[16], const uint8_t *payload, size_t len)
{
	size_t total = aes_padded_len(len);
	uint8_t pad = (uint8_t)(total - len - 1);
	uint8_t *body = out + AES_BLOCK;

	memcpy(out, iv, AES_BLOCK);
	if (len > 0)
		memmove(body, payload, len);
	for (uint8_t i = 1; i <= pad; i++)
		body[len + i - 1] = i;
	body[total - 1] = pad;
	crypto_aes128_cbc(1, keys->k2, iv, body, total, body); /* IPMI's padding, added above */
	return AES_BLOCK + total;
}

/* Decrypt an IV+ciphertext payload field into scratch and strip the pad. */
static int decrypt_payload(const struct ipmi_session_keys *keys, const uint8_t *field, size_t len,
			   uint8_t *scratch, size_t scratch_cap, struct ipmi_rmcpp_packet *out)
{
	size_t body = len - AES_BLOCK, pad;
	uint8_t bad = 0;

	if (len < 2 * AES_BLOCK || body % AES_BLOCK != 0 || scratch_cap < body)
		return IPMI_DROP_MALFORMED;
	crypto_aes128_cbc(0, keys->k2, field, field + AES_BLOCK, body, scratch);
	pad = scratch[body - 1];
	if (pad >= AES_BLOCK)
		return IPMI_DROP_PADDING;
	for (size_t i = 1; i <= pad; i++)
		bad |= scratch[body - 1 - pad + i - 1] ^ (uint8_t)i;
	if (bad)
		return IPMI_DROP_PADDING;
	out->payload = scratch;
	out->payload_len = body - 1 - pad;
	return 0;
}

ssize_t ipmi_rmcpp_build(uint8_t *out, size_t cap, enum ipmi_payload_type type, uint32_t session_id,
			 uint32_t seq, const uint8_t *payload, size_t len,
			 const struct ipmi_session_keys *keys, const uint8_t iv[16])
{
	int encrypt = keys && keys->confidentiality == IPMI_CONF_AES_CBC_128;
	int authenticate = keys && keys->integrity != IPMI_INTEG_NONE;
	size_t field_len = encrypt ? AES_BLOCK + aes_padded_len(len) : len;
	size_t total = PACKET_HEADER_LEN + field_len, code_len = 0, pad = 0;
	uint8_t *p = out;

	if (keys && keys->confidentiality != IPMI_CONF_NONE && !encrypt)
		return -1;
	if (encrypt && iv == NULL)
		return -1;
	if (authenticate) {
		if (integrity_digest(keys->integrity) < 0)
			return -1;
		code_len = ipmi_integrity_len(keys->integrity);
		pad = (4 - (SESSION_HEADER_LEN + field_len + 2) % 4) % 4;
		total += pad + 2 + code_len;
	}
	if (field_len > 0xffff || total > cap)
		return -1;

	memcpy(p, rmcp_header, RMCP_HEADER_LEN);
	p += RMCP_HEADER_LEN;
	*p++ = AUTH_TYPE_RMCPP;
	*p++ = (uint8_t)((type & PAYLOAD_TYPE_MASK) | (encrypt ? PAYLOAD_ENCRYPTED : 0) |
			 (authenticate ? PAYLOAD_AUTHENTICATED : 0));
	put_le32(p, session_id);
	put_le32(p + 4, seq);
	p[8] = field_len & 0xff;
	p[9] = (uint8_t)(field_len >> 8);
	p += 10;
	if (encrypt) {
		p += encrypt_payload(p, keys, iv, payload, len);
	} else {
		if (len > 0)
			memmove(p, payload, len);
		p += len;
	}
	if (authenticate) {
		uint8_t code[CRYPTO_MAX_MAC];

		memset(p, 0xff, pad);
		p += pad;
		*p++ = (uint8_t)pad;
		*p++ = NEXT_HEADER;
		auth_code(keys, out + RMCP_HEADER_LEN, (size_t)(p - out) - RMCP_HEADER_LEN, code);
		memcpy(p, code, code_len);
		secure_zero(code, sizeof(code));
		p += code_len;
	}
	return (ssize_t)(p - out);
}

/* Check the integrity trailer of an authenticated packet whose payload ends at end. */
static int verify_trailer(const uint8_t *buf, size_t len, size_t end,
			  const struct ipmi_session_keys *keys)
{
	size_t code_len = ipmi_integrity_len(keys->integrity);
	uint8_t code[CRYPTO_MAX_MAC];
	int bad;

	if (integrity_digest(keys->integrity) < 0)
		return IPMI_DROP_INTEGRITY;
	if (len < end + 2 + code_len)
		return IPMI_DROP_MALFORMED;
	/* Pad length and next header sit just before the AuthCode. */
	if (end + buf[len - code_len - 2] + 2 + code_len != len ||
	    buf[len - code_len - 1] != NEXT_HEADER)
		return IPMI_DROP_MALFORMED;
	auth_code(keys, buf + RMCP_HEADER_LEN, len - code_len - RMCP_HEADER_LEN, code);
	bad = CRYPTO_memcmp(code, buf + len - code_len, code_len);
	secure_zero(code, sizeof(code));
	return bad ? IPMI_DROP_INTEGRITY : 0;
}

int ipmi_rmcpp_parse(const uint8_t *buf, size_t len, const struct ipmi_session_keys *keys,
		     struct ipmi_rmcpp_packet *out, uint8_t *scratch, size_t scratch_cap)
{
	size_t field_len, end;
	int rc;

	if (len < PACKET_HEADER_LEN || memcmp(buf, rmcp_header, RMCP_HEADER_LEN) != 0)
		return IPMI_DROP_MALFORMED;
	if (buf[4] != AUTH_TYPE_RMCPP)
		return buf[4] <= 0x05 ? IPMI_DROP_V15 : IPMI_DROP_MALFORMED;

	memset(out, 0, sizeof(*out));
	/* OEM explicit payloads carry six more header bytes; we never ask for them. */
	if ((buf[5] & PAYLOAD_TYPE_MASK) == PAYLOAD_TYPE_OEM)
		return IPMI_DROP_MALFORMED;
	out->type = (enum ipmi_payload_type)(buf[5] & PAYLOAD_TYPE_MASK);
	out->encrypted = (buf[5] & PAYLOAD_ENCRYPTED) != 0;
	out->authenticated = (buf[5] & PAYLOAD_AUTHENTICATED) != 0;
	out->session_id = get_le32(buf + 6);
	out->seq = get_le32(buf + 10);
	field_len = (size_t)buf[14] | (size_t)buf[15] << 8;
	end = PACKET_HEADER_LEN + field_len;
	if (end > len)
		return IPMI_DROP_MALFORMED;

	if (out->authenticated) {
		if (keys == NULL || keys->integrity == IPMI_INTEG_NONE)
			return IPMI_DROP_INTEGRITY;
		rc = verify_trailer(buf, len, end, keys);
		if (rc != 0)
			return rc;
	} else if (keys && keys->integrity != IPMI_INTEG_NONE) {
		return IPMI_DROP_INTEGRITY;
	}
	/* Unauthenticated packets have no trailer; stray bytes after the payload
	 * are ignored, as they are covered by nothing. */

	if (out->encrypted) {
		if (keys == NULL || keys->confidentiality != IPMI_CONF_AES_CBC_128)
			return IPMI_DROP_MALFORMED;
		return decrypt_payload(keys, buf + PACKET_HEADER_LEN, field_len, scratch,
				       scratch_cap, out);
	}
	if (keys && keys->confidentiality != IPMI_CONF_NONE)
		return IPMI_DROP_UNENCRYPTED;
	out->payload = buf + PACKET_HEADER_LEN;
	out->payload_len = field_len;
	return 0;
}

int ipmi_is_rmcpp(const uint8_t *buf, size_t len)
{
	return len > RMCP_HEADER_LEN && memcmp(buf, rmcp_header, RMCP_HEADER_LEN) == 0 &&
	       buf[4] == AUTH_TYPE_RMCPP;
}

ssize_t ipmi_v15_build(uint8_t *out, size_t cap, const uint8_t *msg, size_t len)
{
	if (len > 0xff || V15_HEADER_LEN + len > cap)
		return -1;
	memcpy(out, rmcp_header, RMCP_HEADER_LEN);
	memset(out + RMCP_HEADER_LEN, 0, 9); /* auth type NONE, seq 0, session 0 */
	out[RMCP_HEADER_LEN + 9] = (uint8_t)len;
	if (len > 0)
		memmove(out + V15_HEADER_LEN, msg, len);
	return (ssize_t)(V15_HEADER_LEN + len);
}

int ipmi_v15_parse(const uint8_t *buf, size_t len, const uint8_t **msg, size_t *msg_len)
{
	size_t n;

	if (len < V15_HEADER_LEN || memcmp(buf, rmcp_header, RMCP_HEADER_LEN) != 0)
		return IPMI_DROP_MALFORMED;
	if (buf[4] != AUTH_TYPE_NONE || get_le32(buf + 9) != 0)
		return IPMI_DROP_MALFORMED;
	n = buf[RMCP_HEADER_LEN + 9];
	/* Some BMCs add the one-byte legacy pad of v1.5 after the message. */
	if (len != V15_HEADER_LEN + n && len != V15_HEADER_LEN + n + 1)
		return IPMI_DROP_MALFORMED;
	*msg = buf + V15_HEADER_LEN;
	*msg_len = n;
	return 0;
}

ssize_t ipmi_msg_build_request(uint8_t *out, size_t cap, uint8_t netfn, uint8_t cmd, uint8_t rqseq,
			       const uint8_t *data, size_t len)
{
	if (len + 7 > cap)
		return -1;
	out[0] = IPMI_BMC_SLAVE_ADDR;
	out[1] = (uint8_t)(netfn << 2);
	out[2] = ipmi_checksum(out, 2);
	out[3] = IPMI_REMOTE_SWID;
	out[4] = (uint8_t)((rqseq & 0x3f) << 2);
	out[5] = cmd;
	if (len > 0)
		memmove(out + 6, data, len);
	out[6 + len] = ipmi_checksum(out + 3, 3 + len);
	return (ssize_t)(7 + len);
}

int ipmi_msg_parse_response(const uint8_t *buf, size_t len, struct ipmi_response *out)
{
	if (len < MSG_MIN_RESPONSE)
		return IPMI_DROP_MALFORMED;
	if (ipmi_checksum(buf, 2) != buf[2] || ipmi_checksum(buf + 3, len - 4) != buf[len - 1])
		return IPMI_DROP_CHECKSUM;
	return ipmi_msg_parse_response_unchecked(buf, len, out);
}

int ipmi_msg_parse_response_unchecked(const uint8_t *buf, size_t len, struct ipmi_response *out)
{
	if (len < MSG_MIN_RESPONSE)
		return IPMI_DROP_MALFORMED;
	out->netfn = buf[1] >> 2;
	out->rqseq = buf[4] >> 2;
	out->cmd = buf[5];
	out->ccode = buf[6];
	out->data = buf + 7;
	out->len = len - MSG_MIN_RESPONSE;
	return 0;
}

int ipmi_msg_parse_request(const uint8_t *buf, size_t len, struct ipmi_msg_request *out)
{
	/* rsAddr netFn chk rqAddr seq cmd chk */
	if (len < 7)
		return IPMI_DROP_MALFORMED;
	if (ipmi_checksum(buf, 2) != buf[2] || ipmi_checksum(buf + 3, len - 4) != buf[len - 1])
		return IPMI_DROP_CHECKSUM;
	out->rs_addr = buf[0];
	out->netfn = buf[1] >> 2;
	out->rs_lun = buf[1] & 0x03;
	out->rq_addr = buf[3];
	out->rqseq = buf[4] >> 2;
	out->rq_lun = buf[4] & 0x03;
	out->cmd = buf[5];
	out->data = buf + 6;
	out->len = len - 7;
	return 0;
}

ssize_t ipmi_msg_build_response(uint8_t *out, size_t cap, const struct ipmi_msg_request *rq,
				uint8_t ccode, const uint8_t *data, size_t len)
{
	if (len + MSG_MIN_RESPONSE > cap)
		return -1;
	out[0] = rq->rq_addr;
	out[1] = (uint8_t)(((rq->netfn | 1) << 2) | rq->rq_lun);
	out[2] = ipmi_checksum(out, 2);
	out[3] = rq->rs_addr;
	out[4] = (uint8_t)(((rq->rqseq & 0x3f) << 2) | rq->rs_lun);
	out[5] = rq->cmd;
	out[6] = ccode;
	if (len > 0)
		memmove(out + 7, data, len);
	out[7 + len] = ipmi_checksum(out + 3, 4 + len);
	return (ssize_t)(MSG_MIN_RESPONSE + len);
}

int ipmi_parse_auth_caps(const uint8_t *data, size_t len, struct ipmi_auth_caps *out)
{
	if (len < 3)
		return IPMI_DROP_MALFORMED;
	memset(out, 0, sizeof(*out));
	out->channel = data[0] & 0x0f;
	out->v15_auth_types = data[1] & 0x3f;
	out->kg_set = (data[2] & 0x20) != 0;
	out->per_msg_auth_disabled = (data[2] & 0x10) != 0;
	out->user_auth_disabled = (data[2] & 0x08) != 0;
	out->null_users = (data[2] & 0x02) != 0;
	out->non_null_users = (data[2] & 0x04) != 0;
	out->anonymous = (data[2] & 0x01) != 0;
	/* Bit 7 of byte 2 says the extended capabilities byte is meaningful. */
	if (data[1] & 0x80) {
		if (len < 4)
			return IPMI_DROP_MALFORMED;
		out->ipmi20 = (data[3] & 0x02) != 0;
	}
	return 0;
}

const char *ipmi_ccode_str(uint8_t ccode)
{
	switch (ccode) {
	case 0x00:
		return "command completed normally";
	case 0xc0:
		return "node busy";
	case 0xc1:
		return "invalid command";
	case 0xc2:
		return "command invalid for given LUN";
	case 0xc3:
		return "timeout while processing command";
	case 0xc4:
		return "out of space";
	case 0xc5:
		return "reservation canceled or invalid reservation ID";
	case 0xc6:
		return "request data truncated";
	case 0xc7:
		return "request data length invalid";
	case 0xc8:
		return "request data field length limit exceeded";
	case 0xc9:
		return "parameter out of range";
	case 0xca:
		return "cannot return number of requested data bytes";
	case 0xcb:
		return "requested sensor, data, or record not present";
	case 0xcc:
		return "invalid data field in request";
	case 0xcd:
		return "command illegal for specified sensor or record type";
	case 0xce:
		return "command response could not be provided";
	case 0xcf:
		return "cannot execute duplicated request";
	case 0xd0:
		return "SDR repository in update mode";
	case 0xd1:
		return "device in firmware update mode";
	case 0xd2:
		return "BMC initialization in progress";
	case 0xd3:
		return "destination unavailable";
	case 0xd4:
		return "insufficient privilege level";
	case 0xd5:
		return "command not supported in present state";
	case 0xd6:
		return "command sub-function disabled or unavailable";
	case 0xff:
		return "unspecified error";
	}
	if (ccode >= 0x01 && ccode <= 0x7e)
		return "device-specific (OEM) completion code";
	if (ccode >= 0x80 && ccode <= 0xbe)
		return "command-specific completion code";
	return "unknown completion code";
}
