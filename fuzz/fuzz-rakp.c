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

#include "ipmi/rakp.h"
#include "rakp-fixed-state.h"

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
		rakp_fixed_state(&r, suites[i]);
		if (ipmi_rakp2_parse(data, size, &m2) == 0 && ipmi_rakp2_verify(&r, &m2) == 0) {
			ipmi_rakp_derive_keys(&r);
			if (ipmi_rakp3_build(out, sizeof(out), m2.tag, 0, &r) == 0)
				abort();
		}
		rakp_fixed_state(&r, suites[i]);
		ipmi_rakp_derive_keys(&r);
		if (ipmi_rakp4_parse(data, size, &m4) == 0)
			(void)ipmi_rakp4_verify(&r, &m4);
		(void)ipmi_rakp3_verify(&r, data, size);
		ipmi_rakp_wipe(&r);
	}
	return 0;
}
