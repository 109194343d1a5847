/*
 * core/inflight.h - how many polls may run at once.
 *
 * A number in the fleet file (max-in-flight) is a fixed cap.  Without one
 * the cap starts at INFLIGHT_BASE and grows while hosts wait over a second
 * for a slot, up to INFLIGHT_CEILING: the slots a fleet needs are its size
 * times how long a poll takes over the interval, and a poll on a slow or
 * lossy network takes several times as long as on a clean one.  When the
 * slots go half unused for a minute the cap comes back down.
 */
#ifndef BMCTOP_INFLIGHT_H
#define BMCTOP_INFLIGHT_H

#include <stdint.h>

#define INFLIGHT_BASE	 512
#define INFLIGHT_CEILING 4096

struct inflight_cap {
	unsigned limit;		/* polls allowed at once now */
	unsigned base, ceiling; /* equal when fixed */
	unsigned peak;		/* most in flight since the last change */
	uint64_t changed_ms;
};

/* configured: the fleet's max-in-flight, or 0 for the adaptive cap. */
void inflight_cap_init(struct inflight_cap *c, unsigned configured, uint64_t now_ms);
/* Work has been waiting waited_ms for a slot; may raise the limit.
 * Returns 1 if it did. */
int inflight_cap_wait(struct inflight_cap *c, uint64_t waited_ms, uint64_t now_ms);
/* After starting work: in_flight now, and whether anything still waits;
 * may lower the limit back toward the base. */
void inflight_cap_note(struct inflight_cap *c, unsigned in_flight, int waiting, uint64_t now_ms);

#endif
