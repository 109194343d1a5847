/*
 * test-filter.c - the host filter language: words, keys, comparisons,
 * ranges, groups, alternatives, negation, and the errors a person sees.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/filter.h"
#include "core/fleet.h"
#include "core/host.h"
#include "runner.h"

#define NOW 1000000000

struct fixture {
	struct host_config cfg[4];
	struct bmc_host h[4];
	struct bmc_sensor s[4][4];
};

static void sensor(struct bmc_sensor *s, const char *name, const char *unit, double v)
{
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	snprintf(s->unit, sizeof s->unit, "%s", unit);
	s->value = v;
	s->has_value = 1;
}

/* node01: ok, on, hot CPU; node02: critical, off; node03: unreachable;
 * Web1: connecting, in another group, over Redfish. */
static void setup(struct fixture *f)
{
	static char *names[] = { "node01", "node02", "node03", "Web1" };
	static char *addrs[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3", "192.168.1.9" };
	static char *groups[] = { "rack4", "rack4", "Rack40", "front" };
	int i;

	memset(f, 0, sizeof *f);
	for (i = 0; i < 4; i++) {
		f->cfg[i].name = names[i];
		f->cfg[i].address = addrs[i];
		f->cfg[i].group = groups[i];
		f->cfg[i].protocol = i == 3 ? PROTO_REDFISH : PROTO_IPMI;
		f->h[i].cfg = &f->cfg[i];
		f->h[i].index = (size_t)i;
		f->h[i].sensors = f->s[i];
	}
	f->h[0].state = HOST_OK;
	f->h[0].power = BMC_POWER_ON;
	f->h[0].health = BMC_HEALTH_OK;
	f->h[0].updated_ms = NOW - 5000;
	sensor(&f->s[0][0], "Inlet Temp", "C", 24);
	sensor(&f->s[0][1], "CPU1 Temp", "C", 85);
	sensor(&f->s[0][2], "FAN1", "RPM", 4200);
	sensor(&f->s[0][3], "PSU Power", "W", 310);
	f->h[0].nsensors = 4;
	f->h[1].state = HOST_OK;
	f->h[1].power = BMC_POWER_OFF;
	f->h[1].health = BMC_HEALTH_CRITICAL;
	sensor(&f->s[1][0], "Inlet Temp", "C", 31);
	f->h[1].nsensors = 1;
	f->h[2].state = HOST_UNREACHABLE;
	f->h[2].error = "no response from the BMC (timed out)";
	f->h[3].state = HOST_NEW;
}

/* Which of the four hosts expr matches, as "1010". */
static const char *which(struct fixture *f, const char *expr)
{
	static char out[5];
	struct filter *flt;
	char err[256];
	int i;

	if (filter_parse(expr, &flt, err, sizeof err) != 0)
		test_fail(__FILE__, __LINE__, "parse '%s': %s", expr, err);
	for (i = 0; i < 4; i++)
		out[i] = filter_match(flt, &f->h[i], NOW) ? '1' : '0';
	out[4] = '\0';
	filter_free(flt);
	return out;
}

static const char *error_of(const char *expr)
{
	static char err[256];
	struct filter *flt = NULL;

	err[0] = '\0';
	if (filter_parse(expr, &flt, err, sizeof err) == 0) {
		filter_free(flt);
		test_fail(__FILE__, __LINE__, "'%s' parsed, expected an error", expr);
	}
	ASSERT(flt == NULL);
	return err;
}

TEST(filter_empty_matches_all)
{
	struct fixture f;

	setup(&f);
	ASSERT_STREQ(which(&f, ""), "1111");
	ASSERT_STREQ(which(&f, "   "), "1111");
}

TEST(filter_words_case_insensitive_everywhere_a_row_shows)
{
	struct fixture f;

	setup(&f);
	ASSERT_STREQ(which(&f, "NODE"), "1110");
	ASSERT_STREQ(which(&f, "web"), "0001");
	ASSERT_STREQ(which(&f, "critical"), "0100");
	ASSERT_STREQ(which(&f, "crit"), "0100");
	ASSERT_STREQ(which(&f, "unreachable"), "0010");
	ASSERT_STREQ(which(&f, "Connecting"), "0001");
	ASSERT_STREQ(which(&f, "timed web"), "0000"); /* two words: both must match */
	ASSERT_STREQ(which(&f, "\"timed out\""), "0010");
	ASSERT_STREQ(which(&f, "192.168"), "0001");
	ASSERT_STREQ(which(&f, "redfish"), "0001");
	ASSERT_STREQ(which(&f, "off"), "0100");
}

TEST(filter_keys)
{
	struct fixture f;

	setup(&f);
	ASSERT_STREQ(which(&f, "health:critical"), "0100");
	ASSERT_STREQ(which(&f, "HEALTH:OK"), "1000");
	ASSERT_STREQ(which(&f, "health:unknown"), "0011");
	ASSERT_STREQ(which(&f, "power:off"), "0100");
	ASSERT_STREQ(which(&f, "power:on"), "1000");
	ASSERT_STREQ(which(&f, "state:unreachable"), "0010");
	ASSERT_STREQ(which(&f, "state:connecting"), "0001");
	ASSERT_STREQ(which(&f, "state:ok"), "1100");
	ASSERT_STREQ(which(&f, "group:rack4"), "1100"); /* whole: not Rack40 */
	ASSERT_STREQ(which(&f, "group:RACK40"), "0010");
	ASSERT_STREQ(which(&f, "@rack4"), "1100");
	ASSERT_STREQ(which(&f, "proto:redfish"), "0001");
	ASSERT_STREQ(which(&f, "proto:ipmi"), "1110");
	ASSERT_STREQ(which(&f, "addr:10.0.0.3"), "0010");
	ASSERT_STREQ(which(&f, "error:timed"), "0010");
	ASSERT_STREQ(which(&f, "name:02"), "0100");
}

TEST(filter_comparisons)
{
	struct fixture f;

	setup(&f);
	ASSERT_STREQ(which(&f, "temp>80"), "1000");
	ASSERT_STREQ(which(&f, "temp>=31"), "1100");
	ASSERT_STREQ(which(&f, "temp<40"), "0100"); /* no reading: never matches */
	ASSERT_STREQ(which(&f, "inlet<=24"), "1000");
	ASSERT_STREQ(which(&f, "cpu>80C"), "1000");
	ASSERT_STREQ(which(&f, "watts>300"), "1000");
	ASSERT_STREQ(which(&f, "fans<5000"), "1000");
	ASSERT_STREQ(which(&f, "fan=4200"), "1000");
	ASSERT_STREQ(which(&f, "temp!=31"), "1000");
	ASSERT_STREQ(which(&f, "age<10s"), "1000");
	ASSERT_STREQ(which(&f, "age>10"), "0000");
}

TEST(filter_ranges)
{
	struct fixture f;

	setup(&f);
	ASSERT_STREQ(which(&f, "node0[1-2]"), "1100");
	ASSERT_STREQ(which(&f, "node[01,03]"), "1010");
	ASSERT_STREQ(which(&f, "node[1-3]"), "0000"); /* no padding: node1, not node01 */
	ASSERT_STREQ(which(&f, "name:node[02-03]"), "0110");
	ASSERT_STREQ(which(&f, "web[1-2]"), "0001");
	ASSERT_STREQ(which(&f, "node0[1-3]0"), "0000");
}

TEST(filter_and_or_not)
{
	struct fixture f;

	setup(&f);
	ASSERT_STREQ(which(&f, "@rack4 power:on"), "1000");
	ASSERT_STREQ(which(&f, "health:ok|critical"), "1100");
	ASSERT_STREQ(which(&f, "state:unreachable|connecting"), "0011");
	ASSERT_STREQ(which(&f, "node01|web"), "1001");
	ASSERT_STREQ(which(&f, "-@rack4"), "0011");
	ASSERT_STREQ(which(&f, "!node -state:connecting"), "0000");
	ASSERT_STREQ(which(&f, "node -state:ok"), "0010");
	ASSERT_STREQ(which(&f, "@rack4|@front temp>20"), "1100");
}

TEST(filter_errors_say_what_was_expected)
{
	ASSERT_CONTAINS(error_of("health:bad"), "expected unknown, ok, warning, critical");
	ASSERT_CONTAINS(error_of("colour:red"), "unknown filter key 'colour:'");
	ASSERT_CONTAINS(error_of("temp>"), "expected a number after temp>");
	ASSERT_CONTAINS(error_of("temp>hot"), "expected a number");
	ASSERT_CONTAINS(error_of("tmp>80"), "'tmp' cannot be compared");
	ASSERT_CONTAINS(error_of("power:"), "needs a value");
	ASSERT_CONTAINS(error_of("-"), "negates nothing");
	ASSERT_CONTAINS(error_of("@"), "needs a group name");
	ASSERT_CONTAINS(error_of("web|"), "empty alternative");
	ASSERT_CONTAINS(error_of("a||b"), "empty alternative");
	ASSERT_CONTAINS(error_of("\"open"), "not closed");
	ASSERT_CONTAINS(error_of("node[3-1]"), "node[3-1]");
	ASSERT_CONTAINS(error_of("n[1-200000]"), "more than");
	ASSERT_CONTAINS(error_of("state:maybe"), "connecting");
}

TEST(filter_metrics_and_state_words)
{
	struct fixture f;
	double v;

	setup(&f);
	ASSERT(filter_metric(&f.h[0], FILTER_TEMP, NOW, &v) && v == 85);
	ASSERT(filter_metric(&f.h[0], FILTER_INLET, NOW, &v) && v == 24);
	ASSERT(filter_metric(&f.h[0], FILTER_FANS, NOW, &v) && v == 4200);
	ASSERT(filter_metric(&f.h[0], FILTER_WATTS, NOW, &v) && v == 310);
	ASSERT(!filter_metric(&f.h[2], FILTER_TEMP, NOW, &v));
	ASSERT(!filter_metric(&f.h[1], FILTER_CPU, NOW, &v));
	ASSERT_STREQ(filter_state_word(&f.h[3]), "connecting");
	ASSERT_STREQ(filter_state_word(&f.h[2]), "unreachable");
}

TEST(filter_long_range_found_by_search)
{
	struct fixture f;

	setup(&f);
	f.cfg[1].name = "n05000";
	f.cfg[2].name = "n5000";
	ASSERT_STREQ(which(&f, "n[00001-99999]"), "0100");
	ASSERT_STREQ(which(&f, "n[1-99999]"), "0010");
	ASSERT_STREQ(which(&f, "NODE0[1-2]"), "1000");
	ASSERT_STREQ(which(&f, "n[5000,5000]"), "0010"); /* a number listed twice */
	ASSERT_STREQ(which(&f, "n[04999-05001]x"), "0000");
}

TEST(filter_keys_and_values_for_completion)
{
	const char *const *v = filter_key_values("health");
	size_t i;
	int found = 0;

	for (i = 0; filter_key_names[i] != NULL; i++)
		found |= strcmp(filter_key_names[i], "state") == 0;
	ASSERT(found);
	ASSERT(v != NULL);
	ASSERT_STREQ(v[3], "critical");
	ASSERT_STREQ(filter_key_values("STATE")[1], "connecting");
	ASSERT(filter_key_values("name") == NULL);
	/* Every value offered parses. */
	for (i = 0; filter_key_names[i] != NULL; i++) {
		const char *const *vals = filter_key_values(filter_key_names[i]);
		size_t j;

		for (j = 0; vals != NULL && vals[j] != NULL; j++) {
			struct filter *f;
			char expr[64], err[160];

			snprintf(expr, sizeof expr, "%s:%s", filter_key_names[i], vals[j]);
			ASSERT_EQ(filter_parse(expr, &f, err, sizeof err), 0);
			filter_free(f);
		}
	}
}
