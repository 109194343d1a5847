/*
 * runner.h - a small TAP unit-test framework.
 *
 * TEST(name) { ... } registers a test at load time, so a test file needs no
 * entry in a shared list.  The runner forks each test with a time limit, so
 * a crash or a hang fails one test, not the suite.
 */
#ifndef BMCTOP_TEST_RUNNER_H
#define BMCTOP_TEST_RUNNER_H

#include <stddef.h>
#include <string.h>

struct test_case {
	const char *name;
	const char *file;
	void (*fn)(void);
	struct test_case *next;
};

void test_register(struct test_case *tc);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void test_skip(const char *reason) __attribute__((noreturn));
/* Hex text (spaces allowed) to bytes; returns the byte count. */
size_t test_unhex(const char *hex, unsigned char *out);
/* A temporary directory for this test, removed by the runner afterwards. */
const char *test_tmpdir(void);

#define TEST(name)                                                                    \
	static void test_##name(void);                                                \
	static struct test_case tc_##name = { #name, __FILE__, test_##name, NULL };   \
	__attribute__((constructor)) static void register_##name(void)                \
	{                                                                             \
		test_register(&tc_##name);                                            \
	}                                                                             \
	static void test_##name(void)

#define ASSERT(c)                                                                     \
	do {                                                                          \
		if (!(c))                                                             \
			test_fail(__FILE__, __LINE__, "assertion failed: %s", #c);    \
	} while (0)

#define ASSERT_EQ(a, b)                                                               \
	do {                                                                          \
		long long a_ = (long long)(a), b_ = (long long)(b);                   \
		if (a_ != b_)                                                         \
			test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a,   \
				  #b, a_, b_);                                        \
	} while (0)

#define ASSERT_STREQ(a, b)                                                            \
	do {                                                                          \
		const char *a_ = (a), *b_ = (b);                                      \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                  \
			test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"",   \
				  #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");    \
	} while (0)

#define ASSERT_CONTAINS(hay, needle)                                                  \
	do {                                                                          \
		const char *h_ = (hay), *n_ = (needle);                               \
		if (h_ == NULL || strstr(h_, n_) == NULL)                             \
			test_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", \
				  h_ ? h_ : "(null)", n_);                            \
	} while (0)

#define ASSERT_MEMEQ(a, b, n)                                                         \
	do {                                                                          \
		if (memcmp((a), (b), (n)) != 0)                                       \
			test_fail(__FILE__, __LINE__, "%s and %s differ in %zu bytes", \
				  #a, #b, (size_t)(n));                               \
	} while (0)

#define ASSERT_NEAR(a, b, eps)                                                        \
	do {                                                                          \
		double a_ = (a), b_ = (b);                                            \
		if (!(a_ - b_ <= (eps) && b_ - a_ <= (eps)))                          \
			test_fail(__FILE__, __LINE__, "%s ~= %s: %g != %g", #a, #b,   \
				  a_, b_);                                            \
	} while (0)

#endif
