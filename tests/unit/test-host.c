/*
 * test-host.c - what a host keeps of the arrays a poll hands it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/host.h"
#include "core/xalloc.h"
#include "runner.h"

/* A SEL read fills a ring sized for the most it keeps; the host keeps only
 * the entries there are. */
TEST(events_kept_to_their_number)
{
	struct bmc_host h;
	struct bmc_event *ev = xcalloc(512, sizeof *ev);

	memset(&h, 0, sizeof h);
	strcpy(ev[2].message, "third");
	host_set_events(&h, ev, 3);
	ASSERT_EQ(h.nevents, 3);
	ASSERT_STREQ(h.events[2].message, "third");
#if defined(__GLIBC__)
	ASSERT(malloc_usable_size(h.events) < 4 * sizeof *ev);
#endif
	host_set_events(&h, xcalloc(8, sizeof *ev), 0);
	ASSERT(h.events == NULL);
	ASSERT_EQ(h.nevents, 0);
	host_free_values(&h);
}

TEST(sensors_kept_to_their_number)
{
	struct bmc_host h;
	struct bmc_sensor *s = xcalloc(64, sizeof *s);

	memset(&h, 0, sizeof h);
	strcpy(s[0].name, "CPU1 Temp");
	host_set_sensors(&h, s, 1);
	ASSERT_EQ(h.nsensors, 1);
	ASSERT_STREQ(h.sensors[0].name, "CPU1 Temp");
#if defined(__GLIBC__)
	ASSERT(malloc_usable_size(h.sensors) < 2 * sizeof *s);
#endif
	host_free_values(&h);
}
