/*
 * fuzz-rakp.c - libFuzzer target for the RMCP+ session setup messages a BMC
 * sends: Open Session Response, RAKP 2 and RAKP 4, parsed and verified
 * against fixed session state for cipher suites 0, 3 and 17, and RAKP 3 as
 * the BMC side checks it.
 *
 * The state matches the unit tests' (user "admin", password "s3cret"), so
 * seeds with real auth codes take the success paths too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipmi-rakp.h"

static const uint8_t rm[16] = {0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
			       0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f};

/* The console's state after a good RAKP 2 from the unit tests' BMC. */
static void fixed_state(struct ipmi_rakp *r, int suite)
{
	if (ipmi_rakp_init(r, suite, 4, "admin", 5, (const uint8_t *)"s3cret", 6, NULL, 0,
			   0xa0a2a3a4, rm) != 0)
		abort();
	r->bmc_sid = 0x02030405;
	for (int i = 0; i < 16; i++) {
		r->rc[i] = (uint8_t)(0x90 + i);
		r->guid[i] = (uint8_t)(0xa0 + i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int suites[] = {0, 3, 17};
	struct ipmi_open_session_rsp o;
	struct ipmi_rakp2 m2;
	struct ipmi_rakp4 m4;
	struct ipmi_rakp r;
	uint8_t out[64];

	if (ipmi_open_session_parse(data, size, &o) == 0)
		(void)ipmi_rmcpp_status_str(o.status);
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		fixed_state(&r, suites[i]);
		if (ipmi_rakp2_parse(data, size, &m2) == 0 && ipmi_rakp2_verify(&r, &m2) == 0) {
			ipmi_rakp_derive_keys(&r);
			if (ipmi_rakp3_build(out, sizeof(out), m2.tag, 0, &r) == 0)
				abort();
		}
		fixed_state(&r, suites[i]);
		ipmi_rakp_derive_keys(&r);
		if (ipmi_rakp4_parse(data, size, &m4) == 0)
			(void)ipmi_rakp4_verify(&r, &m4);
		(void)ipmi_rakp3_verify(&r, data, size);
		ipmi_rakp_wipe(&r);
	}
	return 0;
}
