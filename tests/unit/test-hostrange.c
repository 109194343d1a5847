/*
 * test-hostrange.c - range parsing and in-step expansion.
 */
#include "config.h"

#include <stdlib.h>

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

static char *compress(const char *const *names, size_t n)
{
	return hostrange_compress(names, n);
}

TEST(compress_ranges)
{
	static const char *const a[] = { "node03", "node01", "node02", "node10", "node09",
					 "web1", "zz",	   "node11", "rack2-n7", "rack2-n8" };
	static const char *const b[] = { "bmc1", "bmc2", "bmc3", "bmc10", "bmc11" };
	static const char *const c[] = { "n08", "n9", "n10", "x5y", "x6y", "x6y" };
	char *s;

	s = compress(a, 10);
	ASSERT_STREQ(s, "node[01-03,09-11], rack2-n[7-8], web1, zz");
	free(s);
	s = compress(b, 5);
	ASSERT_STREQ(s, "bmc[1-3,10-11]");
	free(s);
	/* Padding is not mixed within a range; duplicates show once. */
	s = compress(c, 6);
	ASSERT_STREQ(s, "n[08,9-10], x[5-6]y");
	free(s);
	s = compress(a, 0);
	ASSERT_STREQ(s, "");
	free(s);
}

TEST(compress_expands_back)
{
	static const char *const a[] = { "node01", "node02", "node03", "node04" };
	struct hostrange hr;
	char err[256], *s, *e;

	s = compress(a, 4);
	ASSERT_STREQ(s, "node[01-04]");
	ASSERT_EQ(hostrange_parse(&hr, s, err, sizeof err), 0);
	ASSERT_EQ(hr.count, 4);
	e = hostrange_get(&hr, 3);
	ASSERT_STREQ(e, "node04");
	free(e);
	hostrange_free(&hr);
	free(s);
}
