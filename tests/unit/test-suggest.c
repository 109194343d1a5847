/*
 * test-suggest.c - did-you-mean: distances and when a guess is close enough.
 */
#include "config.h"

#include <stddef.h>

#include "core/suggest.h"
#include "runner.h"

static const char *const commands[] = { "status", "sensors", "sel", "fru", "power",
					"boot", "sol", "vnc", "trust", "config" };
#define NCMD (sizeof commands / sizeof commands[0])

TEST(distance_counts_edits)
{
	ASSERT_EQ(suggest_distance("sensors", "sensors"), 0);
	ASSERT_EQ(suggest_distance("sensor", "sensors"), 1);
	ASSERT_EQ(suggest_distance("snesors", "sensors"), 1);
	ASSERT_EQ(suggest_distance("", "fru"), 3);
	ASSERT_EQ(suggest_distance("kitten", "sitting"), 3);
}

TEST(typos_find_their_command)
{
	ASSERT_STREQ(suggest_closest("statsu", commands, NCMD), "status");
	ASSERT_STREQ(suggest_closest("sensor", commands, NCMD), "sensors");
	ASSERT_STREQ(suggest_closest("pwoer", commands, NCMD), "power");
	ASSERT_STREQ(suggest_closest("sle", commands, NCMD), "sel");
	ASSERT_STREQ(suggest_closest("conf", commands, NCMD), "config");
}

TEST(a_tie_goes_to_the_name_typed_so_far)
{
	static const char *const actions[] = { "status", "on", "off", "cycle", "reset", "soft" };

	ASSERT_STREQ(suggest_closest("of", actions, 6), "off");
	ASSERT_STREQ(suggest_closest("ob", actions, 6), "on");
}

TEST(far_words_get_no_guess)
{
	ASSERT(suggest_closest("frobnicate", commands, NCMD) == NULL);
	ASSERT(suggest_closest("x", commands, NCMD) == NULL);
	/* "s" begins several commands: no guess between them. */
	ASSERT(suggest_closest("s", commands, NCMD) == NULL);
	ASSERT(suggest_closest("", commands, NCMD) == NULL);
}
