/*
 * core/inflight.c - the cap on polls running at once; see core/inflight.h.
 *
 * Growth is by a quarter at most once a second, so a backlog of ten
 * thousand hosts takes the cap from 512 to 4096 in about ten seconds, and
 * one slow second never does.  The cap shrinks by a quarter when a minute
 * has passed since the last change, nothing waits, and the slots never
 * were half used in that minute.
 */
#include "config.h"

#include "core/inflight.h"
#include "core/log.h"

#define WAIT_MS	       1000
#define GROW_EVERY_MS  1000
#define SHRINK_IDLE_MS 60000

void inflight_cap_init(struct inflight_cap *c, unsigned configured, uint64_t now_ms)
{
	c->base = configured ? configured : INFLIGHT_BASE;
	c->ceiling = configured ? configured : INFLIGHT_CEILING;
	c->limit = c->base;
	c->peak = 0;
	c->changed_ms = now_ms;
}

int inflight_cap_wait(struct inflight_cap *c, uint64_t waited_ms, uint64_t now_ms)
{
	unsigned step;

	if (c->limit >= c->ceiling || waited_ms < WAIT_MS || now_ms < c->changed_ms + GROW_EVERY_MS)
		return 0;
	step = c->limit / 4 ? c->limit / 4 : 1;
	c->limit = c->limit + step < c->ceiling ? c->limit + step : c->ceiling;
	c->changed_ms = now_ms;
	c->peak = 0;
	log_info("polls waited %llu ms for a slot: up to %u now run at once",
		 (unsigned long long)waited_ms, c->limit);
	return 1;
}

void inflight_cap_note(struct inflight_cap *c, unsigned in_flight, int waiting, uint64_t now_ms)
{
	unsigned lower;

	if (in_flight > c->peak)
		c->peak = in_flight;
	if (waiting || c->limit <= c->base || now_ms < c->changed_ms + SHRINK_IDLE_MS ||
	    c->peak >= c->limit / 2)
		return;
	lower = c->limit - c->limit / 4;
	c->limit = lower > c->base ? lower : c->base;
	c->changed_ms = now_ms;
	c->peak = in_flight;
	log_info("polls ran well under the cap for a minute: up to %u now run at once", c->limit);
}
