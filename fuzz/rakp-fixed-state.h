/*
 * rakp-fixed-state.h - the console's RAKP state that fuzz-rakp.c checks
 * inputs against and make-rakp-seeds.c builds its seeds for: the unit
 * tests' user "admin" with password "s3cret", after a good RAKP 2.
 */
#ifndef BMCTOP_FUZZ_RAKP_FIXED_STATE_H
#define BMCTOP_FUZZ_RAKP_FIXED_STATE_H

#include <stdint.h>
#include <stdlib.h>

#include "ipmi/rakp.h"

static const uint8_t rakp_fixed_rm[16] = {0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
					  0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f};

static inline void rakp_fixed_state(struct ipmi_rakp *r, int suite)
{
	if (ipmi_rakp_init(r, suite, 4, "admin", 5, (const uint8_t *)"s3cret", 6, NULL, 0,
			   0xa0a2a3a4, rakp_fixed_rm) != 0)
		abort();
	r->bmc_sid = 0x02030405;
	for (int i = 0; i < 16; i++) {
		r->rc[i] = (uint8_t)(0x90 + i);
		r->guid[i] = (uint8_t)(0xa0 + i);
	}
}

#endif
