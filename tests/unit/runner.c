/*
 * runner.c - runs the registered unit tests and prints TAP.
 *
 * Each test runs in a child process with its own temporary directory and a
 * time limit (TEST_TIMEOUT seconds, default 60, generous because the limit
 * only catches hangs).  Arguments select tests whose "file:name" contains
 * them.  Exit 77 from a test means skipped.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

static struct test_case *tests;
static size_t ntests;
static char tmpdir[256];

void test_register(struct test_case *tc)
{
	tc->next = tests;
	tests = tc;
	ntests++;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	_exit(1);
}

void test_skip(const char *reason)
{
	printf("# skip: %s\n", reason);
	fflush(stdout);
	_exit(77);
}

size_t test_unhex(const char *s, unsigned char *out)
{
	size_t n = 0;

	while (*s) {
		unsigned v;

		if (*s == ' ' || *s == '\n' || *s == '\t') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1)
			test_fail(__FILE__, __LINE__, "bad hex in a test vector: %s", s);
		out[n++] = (unsigned char)v;
		s += 2;
	}
	return n;
}

const char *test_tmpdir(void)
{
	return tmpdir;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int cmp_tests(const void *a, const void *b)
{
	const struct test_case *const *x = a, *const *y = b;
	int c = strcmp((*x)->file, (*y)->file);

	return c ? c : strcmp((*x)->name, (*y)->name);
}

static const char *short_file(const char *file)
{
	const char *slash = strrchr(file, '/');
	const char *base = slash ? slash + 1 : file;

	return strncmp(base, "test-", 5) == 0 ? base + 5 : base;
}

static int selected(const struct test_case *tc, int argc, char **argv)
{
	char full[256];
	int i;

	if (argc < 2)
		return 1;
	snprintf(full, sizeof full, "%s:%s", short_file(tc->file), tc->name);
	for (i = 1; i < argc; i++)
		if (strstr(full, argv[i]) != NULL)
			return 1;
	return 0;
}

static int run_one(const struct test_case *tc, int timeout)
{
	pid_t pid;
	int status;
	time_t start = time(NULL);

	snprintf(tmpdir, sizeof tmpdir, "%s/bmctop-unit.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		printf("# mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		tc->fn();
		fflush(stdout);
		_exit(0);
	}
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (time(NULL) - start > timeout) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			printf("# timed out after %d s\n", timeout);
			nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
			return 1;
		}
		usleep(2000);
	}
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (WIFSIGNALED(status)) {
		printf("# killed by signal %d\n", WTERMSIG(status));
		return 1;
	}
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	struct test_case **list = calloc(ntests ? ntests : 1, sizeof *list);
	struct test_case *tc;
	size_t i, n = 0, count = 0;
	int timeout = getenv("TEST_TIMEOUT") ? atoi(getenv("TEST_TIMEOUT")) : 60;
	int failed = 0, passed = 0, skipped = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	for (tc = tests; tc != NULL; tc = tc->next)
		list[n++] = tc;
	qsort(list, n, sizeof *list, cmp_tests);
	for (i = 0; i < n; i++)
		count += selected(list[i], argc, argv);
	printf("1..%zu\n", count);
	count = 0;
	for (i = 0; i < n; i++) {
		int rc;

		if (!selected(list[i], argc, argv))
			continue;
		count++;
		rc = run_one(list[i], timeout);
		if (rc == 0) {
			passed++;
			printf("ok %zu - unit/%s:%s\n", count, short_file(list[i]->file),
			       list[i]->name);
		} else if (rc == 77) {
			skipped++;
			printf("ok %zu - unit/%s:%s # SKIP\n", count, short_file(list[i]->file),
			       list[i]->name);
		} else {
			failed++;
			printf("not ok %zu - unit/%s:%s\n", count, short_file(list[i]->file),
			       list[i]->name);
		}
	}
	free(list);
	printf("# unit: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
