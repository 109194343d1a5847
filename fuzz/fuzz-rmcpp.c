/*
 * fuzz-rmcpp.c - libFuzzer target for everything that reads a LAN packet
 * from a BMC: RMCP+ packets (without keys, with integrity, with AES and
 * with both), IPMI response messages, v1.5 packets and Auth Caps data.
 *
 * The keys are the fixed ones of the unit tests' vectors, so seeds built
 * from those vectors get past the AuthCode; the key set with AES and no
 * integrity is what lets the fuzzer reach the padding checks at all.  Each
 * payload parsed is also rebuilt and parsed again, which must round-trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipmi/msg.h"

static void fixed_keys(struct ipmi_session_keys *k, enum ipmi_integrity integ,
		       enum ipmi_confidentiality conf)
{
	memset(k, 0, sizeof(*k));
	k->integrity = integ;
	k->confidentiality = conf;
	k->k1_len = integ == IPMI_INTEG_HMAC_SHA256_128 ? 32 : 20;
	for (int i = 0; i < 32; i++) {
		k->k1[i] = (uint8_t)i;
		k->k2[i] = (uint8_t)(0x20 + i);
	}
}

/* Whatever a good packet held must survive being built and parsed again. */
static void round_trip(const struct ipmi_rmcpp_packet *p, const struct ipmi_session_keys *k)
{
	static const uint8_t iv[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
				       0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f};
	uint8_t pkt[IPMI_MAX_PACKET + 64], scratch[IPMI_MAX_PACKET + 64];
	struct ipmi_rmcpp_packet q;
	ssize_t n;

	n = ipmi_rmcpp_build(pkt, sizeof(pkt), p->type, p->session_id, p->seq, p->payload,
			     p->payload_len, k, iv);
	if (n < 0)
		return;
	if (ipmi_rmcpp_parse(pkt, (size_t)n, k, &q, scratch, sizeof(scratch)) != 0 ||
	    q.payload_len != p->payload_len || q.type != p->type ||
	    (q.payload_len > 0 && memcmp(q.payload, p->payload, q.payload_len) != 0))
		abort();
}

static void parse_message(const uint8_t *p, size_t len)
{
	struct ipmi_response r;
	struct ipmi_auth_caps caps;

	if (ipmi_msg_parse_response(p, len, &r) == 0) {
		(void)ipmi_ccode_str(r.ccode);
		(void)ipmi_parse_auth_caps(r.data, r.len, &caps);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t scratch[IPMI_MAX_PACKET + 64];
	struct ipmi_session_keys sets[5];
	struct ipmi_rmcpp_packet p;
	struct ipmi_auth_caps caps;
	const uint8_t *msg;
	size_t msg_len;

	if (size > IPMI_MAX_PACKET)
		return 0;
	fixed_keys(&sets[0], IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_AES_CBC_128);
	fixed_keys(&sets[1], IPMI_INTEG_HMAC_SHA256_128, IPMI_CONF_AES_CBC_128);
	fixed_keys(&sets[2], IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_NONE);
	fixed_keys(&sets[3], IPMI_INTEG_NONE, IPMI_CONF_AES_CBC_128);
	fixed_keys(&sets[4], IPMI_INTEG_HMAC_MD5_128, IPMI_CONF_NONE);

	(void)ipmi_is_rmcpp(data, size);
	if (ipmi_rmcpp_parse(data, size, NULL, &p, scratch, size) == 0) {
		parse_message(p.payload, p.payload_len);
		round_trip(&p, NULL);
	}
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		if (ipmi_rmcpp_parse(data, size, &sets[i], &p, scratch, size) == 0) {
			parse_message(p.payload, p.payload_len);
			round_trip(&p, &sets[i]);
		}
	}
	if (ipmi_v15_parse(data, size, &msg, &msg_len) == 0)
		parse_message(msg, msg_len);
	parse_message(data, size);
	(void)ipmi_parse_auth_caps(data, size, &caps);
	return 0;
}
