/*
 * test-events-stream.c - the stream half of core/events.c: cursors (what
 * events --follow and serve's /events send once, in order of change, and
 * resume from), their text form, and "ago" times.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "core/events.h"
#include "runner.h"

#define T0 1700000000000LL

static struct events *ring(void)
{
	struct events *ev = NULL;
	char *err = NULL;

	if (events_open(&ev, NULL, 1, &err) != 0)
		test_fail(__FILE__, __LINE__, "events_open: %s", err);
	return ev;
}

TEST(events_after_orders_by_change_and_folds_come_again)
{
	struct events *ev = ring();
	const struct fleet_event *out[8];
	struct events_cursor c = {T0 - 1, 0};
	size_t n;

	events_add(ev, T0, "a", FEV_HEALTH, "", "ok", "critical", 2, "a hot");
	events_add(ev, T0, "b", FEV_HEALTH, "", "ok", "critical", 2, "b hot");
	events_add(ev, T0 + 5, "c", FEV_POWER, "", "on", "off", 0, "c off");
	n = events_after(ev, &c, out, 8);
	ASSERT_EQ(n, 3);
	ASSERT_STREQ(out[0]->host, "a");
	ASSERT_STREQ(out[1]->host, "b");
	ASSERT_STREQ(out[2]->host, "c");
	/* Everything sent: the cursor is the last change. */
	c.t = out[2]->t;
	c.seq = out[2]->seq;
	ASSERT_EQ(events_after(ev, &c, out, 8), 0);
	/* a flaps back: its entry (seq 1) folds and is news again, after c. */
	events_add(ev, T0 + 9, "a", FEV_HEALTH, "", "critical", "ok", 0, "a ok");
	n = events_after(ev, &c, out, 8);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(out[0]->seq, 1);
	ASSERT_EQ(out[0]->count, 2);
	ASSERT(events_cursor_before(&c, out[0]));
	/* Two changes in one millisecond: seq breaks the tie. */
	c.t = T0;
	c.seq = 1;
	n = events_after(ev, &c, out, 8);
	ASSERT_EQ(n, 3);
	ASSERT_STREQ(out[0]->host, "b");
	events_close(ev);
}

TEST(events_cursor_text_round_trip)
{
	struct events *ev = ring();
	const struct fleet_event *e =
	    events_add(ev, T0, "h", FEV_SEL, "CPU", "", "critical", 2, "x");
	struct events_cursor c;
	char id[48];

	events_cursor_format(e, id, sizeof id);
	ASSERT_STREQ(id, "1700000000000-1");
	ASSERT_EQ(events_cursor_parse(id, &c), 0);
	ASSERT_EQ(c.t, T0);
	ASSERT_EQ(c.seq, 1);
	ASSERT(!events_cursor_before(&c, e));
	ASSERT_EQ(events_cursor_parse("", &c), -1);
	ASSERT_EQ(events_cursor_parse("12", &c), -1);
	ASSERT_EQ(events_cursor_parse("12-", &c), -1);
	ASSERT_EQ(events_cursor_parse("-1-2", &c), -1);
	ASSERT_EQ(events_cursor_parse("1-2x", &c), -1);
	ASSERT_EQ(events_cursor_parse("99999999999999999999999-1", &c), -1);
	events_close(ev);
}

TEST(events_parse_ago_units_and_limits)
{
	int64_t s;

	ASSERT_EQ(events_parse_ago("90", &s), 0);
	ASSERT_EQ(s, 90);
	ASSERT_EQ(events_parse_ago("30m", &s), 0);
	ASSERT_EQ(s, 1800);
	ASSERT_EQ(events_parse_ago("1.5h", &s), 0);
	ASSERT_EQ(s, 5400);
	ASSERT_EQ(events_parse_ago("1w", &s), 0);
	ASSERT_EQ(s, 7 * 86400);
	ASSERT_EQ(events_parse_ago("8d", &s), -1);
	ASSERT_EQ(events_parse_ago("0", &s), -1);
	ASSERT_EQ(events_parse_ago("forever", &s), -1);
	ASSERT_EQ(events_parse_ago("3x", &s), -1);
}
