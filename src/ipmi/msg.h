/*
 * ipmi/msg.h - IPMI v2.0 LAN packet codec: RMCP, RMCP+ session packets
 * (integrity and AES-CBC-128 confidentiality), IPMI request/response
 * messages, and the one IPMI v1.5-format packet we send (Get Channel
 * Authentication Capabilities, which the spec sends unauthenticated).
 *
 * Pure functions over buffers: no sockets, no loop, no allocation.  Every
 * parse checks lengths against both the length fields and the bytes
 * received, and says why a packet is dropped (IPMI_DROP_*), so the session
 * layer can count drops per host.
 */
#ifndef BMCTOP_IPMI_MSG_H
#define BMCTOP_IPMI_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IPMI_MAX_PACKET 1024 /* bigger than any LAN packet we send or accept */

/* RMCP+ payload types (IPMI v2.0 table 13-16). */
enum ipmi_payload_type {
	IPMI_PAYLOAD_IPMI = 0x00,
	IPMI_PAYLOAD_SOL = 0x01,
	IPMI_PAYLOAD_OPEN_SESSION_REQ = 0x10,
	IPMI_PAYLOAD_OPEN_SESSION_RSP = 0x11,
	IPMI_PAYLOAD_RAKP1 = 0x12,
	IPMI_PAYLOAD_RAKP2 = 0x13,
	IPMI_PAYLOAD_RAKP3 = 0x14,
	IPMI_PAYLOAD_RAKP4 = 0x15
};

/* Why a packet was dropped; each maps to a per-host counter. */
enum ipmi_drop {
	IPMI_DROP_MALFORMED = -1, /* too short, bad RMCP header, length fields disagree */
	IPMI_DROP_INTEGRITY = -2, /* AuthCode does not match, or missing when required */
	IPMI_DROP_PADDING = -3,	  /* AES-CBC pad bytes or length wrong */
	IPMI_DROP_CHECKSUM = -4,  /* IPMI message checksum wrong */
	IPMI_DROP_V15 = -5,	  /* an IPMI v1.5 session packet where v2.0 was expected */
	IPMI_DROP_UNENCRYPTED = -6 /* session requires encryption but packet is plain */
};

/* Integrity algorithms (table 13-18) and confidentiality (table 13-19). */
enum ipmi_integrity { IPMI_INTEG_NONE = 0, IPMI_INTEG_HMAC_SHA1_96 = 1,
		      IPMI_INTEG_HMAC_MD5_128 = 2, IPMI_INTEG_MD5_128 = 3,
		      IPMI_INTEG_HMAC_SHA256_128 = 4 };
enum ipmi_confidentiality { IPMI_CONF_NONE = 0, IPMI_CONF_AES_CBC_128 = 1 };

/* Keys of an established session (from RAKP, see ipmi/rakp.h). */
struct ipmi_session_keys {
	enum ipmi_integrity integrity;
	enum ipmi_confidentiality confidentiality;
	uint8_t k1[32]; /* integrity key: HMAC key for AuthCode */
	size_t k1_len;	/* 20 for SHA1/MD5 suites, 32 for SHA256 */
	uint8_t k2[32]; /* first 16 bytes are the AES-128 key */
};

/* Length in bytes of the AuthCode for an integrity algorithm (0 for none). */
size_t ipmi_integrity_len(enum ipmi_integrity alg);

/*
 * Build an RMCP+ (IPMI v2.0, auth type 6) packet into out.
 * keys NULL: unauthenticated, unencrypted (session setup payloads).
 * Otherwise the payload is encrypted when keys->confidentiality says so
 * (with the 16-byte iv the caller supplies: random in use, fixed in tests)
 * and an AuthCode is appended when keys->integrity says so.
 * Returns the packet length, or -1 when it does not fit in cap.
 */
ssize_t ipmi_rmcpp_build(uint8_t *out, size_t cap, enum ipmi_payload_type type,
			 uint32_t session_id, uint32_t seq, const uint8_t *payload, size_t len,
			 const struct ipmi_session_keys *keys, const uint8_t iv[16]);

struct ipmi_rmcpp_packet {
	enum ipmi_payload_type type;
	int encrypted;
	int authenticated;
	uint32_t session_id;
	uint32_t seq;
	const uint8_t *payload; /* into buf (plain) or scratch (decrypted) */
	size_t payload_len;
};

/*
 * Parse an RMCP+ packet of len bytes.  With keys, an authenticated packet's
 * AuthCode is verified and an encrypted payload decrypted into scratch
 * (scratch_cap >= len); a packet that is not authenticated when
 * keys->integrity != NONE is dropped (IPMI_DROP_INTEGRITY), one that is
 * not encrypted when keys->confidentiality != NONE is dropped
 * (IPMI_DROP_UNENCRYPTED).  Without keys, only unauthenticated packets are
 * accepted.  Returns 0 or an IPMI_DROP_* code.
 */
int ipmi_rmcpp_parse(const uint8_t *buf, size_t len, const struct ipmi_session_keys *keys,
		     struct ipmi_rmcpp_packet *out, uint8_t *scratch, size_t scratch_cap);

/* True when buf holds an RMCP packet of class IPMI with auth type 6. */
int ipmi_is_rmcpp(const uint8_t *buf, size_t len);

/*
 * IPMI v1.5-format packet with auth type NONE and session 0, as used for Get
 * Channel Authentication Capabilities.  Returns length or -1.
 */
ssize_t ipmi_v15_build(uint8_t *out, size_t cap, const uint8_t *msg, size_t len);
/* Parse one; only auth type NONE and session ID 0 are accepted. */
int ipmi_v15_parse(const uint8_t *buf, size_t len, const uint8_t **msg, size_t *msg_len);

/* The BMC's address and ours on the IPMB (software ID 0x81, remote console). */
#define IPMI_BMC_SLAVE_ADDR 0x20
#define IPMI_REMOTE_SWID 0x81

/* Network functions (requests; a response is the request's + 1) and the
 * commands bmctop and bmcsim speak, IPMI v2.0 appendix G. */
#define IPMI_NETFN_CHASSIS   0x00
#define IPMI_NETFN_SENSOR    0x04
#define IPMI_NETFN_APP	     0x06
#define IPMI_NETFN_STORAGE   0x0A
#define IPMI_NETFN_TRANSPORT 0x0C

/* App */
#define IPMI_CMD_GET_DEVICE_ID			0x01
#define IPMI_CMD_GET_CHANNEL_AUTH_CAPS		0x38
#define IPMI_CMD_SET_SESSION_PRIVILEGE		0x3B
#define IPMI_CMD_CLOSE_SESSION			0x3C
#define IPMI_CMD_ACTIVATE_PAYLOAD		0x48
#define IPMI_CMD_DEACTIVATE_PAYLOAD		0x49
#define IPMI_CMD_GET_PAYLOAD_ACTIVATION_STATUS	0x4A
#define IPMI_CMD_GET_PAYLOAD_INSTANCE_INFO	0x4B
#define IPMI_CMD_GET_SYSTEM_GUID		0x37
#define IPMI_CMD_GET_CHANNEL_INFO		0x42
#define IPMI_CMD_GET_CHANNEL_PAYLOAD_SUPPORT	0x4E
#define IPMI_CMD_GET_CHANNEL_PAYLOAD_VERSION	0x4F
#define IPMI_CMD_GET_CHANNEL_CIPHER_SUITES	0x54
/* Chassis */
#define IPMI_CMD_GET_CHASSIS_STATUS 0x01
#define IPMI_CMD_CHASSIS_CONTROL    0x02
#define IPMI_CMD_CHASSIS_IDENTIFY   0x04
#define IPMI_CMD_SET_BOOT_OPTIONS   0x08
#define IPMI_CMD_GET_BOOT_OPTIONS   0x09
/* Sensor/Event */
#define IPMI_CMD_GET_SENSOR_READING 0x2D
#define IPMI_CMD_GET_SENSOR_THRESHOLDS 0x27
/* Storage */
#define IPMI_CMD_GET_FRU_AREA_INFO 0x10
#define IPMI_CMD_READ_FRU_DATA	   0x11
#define IPMI_CMD_GET_SDR_REPO_INFO 0x20
#define IPMI_CMD_RESERVE_SDR_REPO  0x22
#define IPMI_CMD_GET_SDR	   0x23
#define IPMI_CMD_GET_SEL_INFO	   0x40
#define IPMI_CMD_GET_SEL_ENTRY	   0x43
#define IPMI_CMD_RESERVE_SEL	   0x42
#define IPMI_CMD_GET_SEL_TIME	   0x48
/* Transport */
#define IPMI_CMD_SET_SOL_CONFIG 0x21
#define IPMI_CMD_GET_SOL_CONFIG 0x22

/*
 * An IPMI request message: rsAddr, netFn/LUN, checksum, rqAddr, rqSeq/LUN,
 * cmd, data, checksum.  rqseq is 6 bits.  Returns length or -1.
 */
ssize_t ipmi_msg_build_request(uint8_t *out, size_t cap, uint8_t netfn, uint8_t cmd,
			       uint8_t rqseq, const uint8_t *data, size_t len);

struct ipmi_response {
	uint8_t netfn; /* the response netFn (request netFn + 1) */
	uint8_t cmd;
	uint8_t rqseq;
	uint8_t ccode; /* completion code */
	const uint8_t *data; /* after the completion code, into buf */
	size_t len;
};

/* Parse a response message; checks both checksums.  0 or IPMI_DROP_*. */
int ipmi_msg_parse_response(const uint8_t *buf, size_t len, struct ipmi_response *out);
/* The same without checking either checksum (FreeIPMI's nochecksumcheck),
 * for a message whose packet passed its integrity check. */
int ipmi_msg_parse_response_unchecked(const uint8_t *buf, size_t len, struct ipmi_response *out);

/* A request message as a BMC reads it (bmcsim). */
struct ipmi_msg_request {
	uint8_t rs_addr;
	uint8_t netfn; /* the request netFn (even) */
	uint8_t rs_lun;
	uint8_t rq_addr;
	uint8_t rqseq;
	uint8_t rq_lun;
	uint8_t cmd;
	const uint8_t *data; /* into buf */
	size_t len;
};

/* Parse a request message; checks both checksums.  0 or IPMI_DROP_*. */
int ipmi_msg_parse_request(const uint8_t *buf, size_t len, struct ipmi_msg_request *out);

/*
 * The response to rq: addresses swapped, netFn + 1, the same rqSeq and
 * LUNs, ccode, then data.  Returns length or -1 when it does not fit.
 */
ssize_t ipmi_msg_build_response(uint8_t *out, size_t cap, const struct ipmi_msg_request *rq,
				uint8_t ccode, const uint8_t *data, size_t len);

/* The checksum IPMI uses: two's complement of the byte sum. */
uint8_t ipmi_checksum(const uint8_t *p, size_t len);

/* Get Channel Authentication Capabilities response (table 22-15). */
struct ipmi_auth_caps {
	uint8_t channel;
	int ipmi20;	  /* the BMC supports IPMI v2.0 / RMCP+ */
	int kg_set;	  /* K_g is set to a non-zero value (two-key login) */
	int per_msg_auth_disabled;
	int user_auth_disabled;
	int null_users;	  /* non-null usernames and/or null user enabled */
	int anonymous;	  /* anonymous login (null user, null password) enabled */
	uint8_t v15_auth_types; /* bitmask: none, MD2, MD5, password, OEM */
	int non_null_users; /* non-null user names enabled */
};

int ipmi_parse_auth_caps(const uint8_t *data, size_t len, struct ipmi_auth_caps *out);

/* Completion code text ("invalid data field in request", ...). */
const char *ipmi_ccode_str(uint8_t ccode);

#endif
