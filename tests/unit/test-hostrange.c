/*
 * test-hostrange.c - range parsing and in-step expansion.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/hostrange.h"
#include "runner.h"

static char *expand(const char *s, size_t i)
{
	struct hostrange hr;
	char err[256];
	char *out;

	if (hostrange_parse(&hr, s, err, sizeof err) != 0)
		test_fail(__FILE__, __LINE__, "parse %s: %s", s, err);
	out = hostrange_get(&hr, i);
	hostrange_free(&hr);
	return out;
}

TEST(plain_name_is_one)
{
	struct hostrange hr;
	char err[256];
	char *s;

	ASSERT_EQ(hostrange_parse(&hr, "node1", err, sizeof err), 0);
	ASSERT_EQ(hr.count, 1);
	s = hostrange_get(&hr, 0);
	ASSERT_STREQ(s, "node1");
	free(s);
	hostrange_free(&hr);
}

TEST(zero_padding_kept)
{
	struct hostrange hr;
	char err[256];
	char *first, *last;

	ASSERT_EQ(hostrange_parse(&hr, "node[01-40]", err, sizeof err), 0);
	ASSERT_EQ(hr.count, 40);
	first = hostrange_get(&hr, 0);
	last = hostrange_get(&hr, 39);
	ASSERT_STREQ(first, "node01");
	ASSERT_STREQ(last, "node40");
	free(first);
	free(last);
	hostrange_free(&hr);
}

TEST(no_padding_without_leading_zero)
{
	char *s = expand("n[8-10]", 0), *t = expand("n[8-10]", 2);

	ASSERT_STREQ(s, "n8");
	ASSERT_STREQ(t, "n10");
	free(s);
	free(t);
}

TEST(lists_and_ranges)
{
	struct hostrange hr;
	char err[256];
	char *s;

	ASSERT_EQ(hostrange_parse(&hr, "r[1-3,7,009-010]", err, sizeof err), 0);
	ASSERT_EQ(hr.count, 6);
	s = hostrange_get(&hr, 3);
	ASSERT_STREQ(s, "r7");
	free(s);
	s = hostrange_get(&hr, 5);
	ASSERT_STREQ(s, "r010");
	free(s);
	hostrange_free(&hr);
}

TEST(ranges_expand_in_step)
{
	char *s = expand("bmc[01-40].dc1.example:[9001-9040]", 4);

	ASSERT_STREQ(s, "bmc05.dc1.example:9005");
	free(s);
}

TEST(mismatched_lengths_refused)
{
	struct hostrange hr;
	char err[256];

	ASSERT_EQ(hostrange_parse(&hr, "n[1-4]-p[1-5]", err, sizeof err), -1);
	ASSERT_CONTAINS(err, "differ in length");
}

TEST(backwards_range_refused)
{
	struct hostrange hr;
	char err[256];

	ASSERT_EQ(hostrange_parse(&hr, "n[40-01]", err, sizeof err), -1);
	ASSERT_CONTAINS(err, "backwards");
}

TEST(malformed_range_refused)
{
	struct hostrange hr;
	char err[256];

	ASSERT_EQ(hostrange_parse(&hr, "n[1-]", err, sizeof err), -1);
	ASSERT_CONTAINS(err, "expected [LOW-HIGH]");
	ASSERT_EQ(hostrange_parse(&hr, "n[1,,2]", err, sizeof err), -1);
}

TEST(huge_range_refused)
{
	struct hostrange hr;
	char err[256];

	ASSERT_EQ(hostrange_parse(&hr, "n[0-99999999]", err, sizeof err), -1);
	ASSERT_CONTAINS(err, "too large");
}

TEST(ipv6_literal_is_not_a_range)
{
	char *s = expand("https://[::1]:8443", 0);

	ASSERT_STREQ(s, "https://[::1]:8443");
	free(s);
}

TEST(compress_joins_a_padded_run)
{
	static const char *const names[] = { "node03", "node01", "node02", "node08",
					     "node04", "node05", "node06", "node07" };
	char *s = hostrange_compress(names, 8);

	ASSERT_STREQ(s, "node[01-08]");
	free(s);
}

TEST(compress_keeps_gaps_families_and_loners)
{
	static const char *const names[] = { "node10", "rack2-n1", "node09", "mgmt",
					     "node12", "rack2-n2", "node08", "node01" };
	char *s = hostrange_compress(names, 8);

	ASSERT_STREQ(s, "mgmt,node[01,08-10,12],rack2-n[1-2]");
	free(s);
}

TEST(compress_one_name_and_repeats)
{
	static const char *const one[] = { "node07" };
	static const char *const twice[] = { "a1", "a1", "a2" };
	char *s = hostrange_compress(one, 1), *t = hostrange_compress(twice, 3), *u = hostrange_compress(one, 0);

	ASSERT_STREQ(s, "node07");
	ASSERT_STREQ(t, "a[1-2]");
	ASSERT_STREQ(u, "");
	free(s);
	free(t);
	free(u);
}

TEST(compress_unpadded_crosses_a_digit)
{
	static const char *const names[] = { "n9", "n10", "n8", "n11", "bmc-1.example" };
	char *s = hostrange_compress(names, 5);

	ASSERT_STREQ(s, "bmc-1.example,n[8-11]");
	free(s);
}

/* Whatever the padding, the bracket expands back to exactly the names. */
TEST(compress_expands_back)
{
	static const char *const names[] = { "x098", "x099", "x100", "x8", "x08", "x101" };
	struct hostrange hr;
	char err[256], *s = hostrange_compress(names, 6), *e;
	size_t i, j, found;

	ASSERT_STREQ(s, "x[8,08,098-101]");
	ASSERT_EQ(hostrange_parse(&hr, s, err, sizeof err), 0);
	ASSERT_EQ(hr.count, 6);
	for (i = 0; i < hr.count; i++) {
		e = hostrange_get(&hr, i);
		for (j = 0, found = 0; j < 6; j++)
			found += strcmp(e, names[j]) == 0;
		ASSERT_EQ(found, 1);
		free(e);
	}
	hostrange_free(&hr);
	free(s);
}
