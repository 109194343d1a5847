/*
 * test-cred.c - secret sources and the permission check; the environment
 * a child gets, without the fleet's secret variables.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/cred.h"
#include "core/xalloc.h"
#include "runner.h"

static char *write_file(const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", test_tmpdir(), name);
	FILE *fp = fopen(path, "w");

	ASSERT(fp != NULL);
	fputs(text, fp);
	fclose(fp);
	ASSERT_EQ(chmod(path, mode), 0);
	return path;
}

static struct secret_source source(enum secret_kind kind, const char *arg)
{
	struct secret_source s = { kind, (char *)arg, "fleet.conf", 12 };

	return s;
}

TEST(file_first_line_only)
{
	char *path = write_file("pw", "s3cret\r\nsecond line\n", 0600);
	struct secret_source src = source(SECRET_FILE, path);
	struct secret s;
	char *err = NULL;

	ASSERT_EQ(cred_read(&src, &s, &err), 0);
	ASSERT_STREQ(s.data, "s3cret");
	ASSERT_EQ(s.len, 6);
	secret_free(&s);
	ASSERT(s.data == NULL);
	free(path);
}

TEST(group_readable_file_refused_with_fix)
{
	char *path = write_file("pw", "s3cret\n", 0640);
	struct secret_source src = source(SECRET_FILE, path);
	struct secret s;
	char *err = NULL;

	ASSERT_EQ(cred_read(&src, &s, &err), -1);
	ASSERT_CONTAINS(err, "readable by group or others");
	ASSERT_CONTAINS(err, "chmod 600");
	ASSERT_CONTAINS(err, path);
	ASSERT(strstr(err, "s3cret") == NULL);
	free(err);
	ASSERT_EQ(chmod(path, 0604), 0);
	ASSERT_EQ(cred_read(&src, &s, &err), -1);
	free(err);
	free(path);
}

TEST(missing_file)
{
	struct secret_source src = source(SECRET_FILE, "/nonexistent/pw");
	struct secret s;
	char *err = NULL;

	ASSERT_EQ(cred_read(&src, &s, &err), -1);
	ASSERT_CONTAINS(err, "/nonexistent/pw: cannot open password file (fleet.conf:12)");
	free(err);
}

TEST(environment)
{
	struct secret_source src = source(SECRET_ENV, "BMCTOP_TEST_PW");
	struct secret s;
	char *err = NULL;

	unsetenv("BMCTOP_TEST_PW");
	ASSERT_EQ(cred_read(&src, &s, &err), -1);
	ASSERT_CONTAINS(err, "BMCTOP_TEST_PW is not set");
	ASSERT_CONTAINS(err, "fleet.conf:12");
	free(err);
	setenv("BMCTOP_TEST_PW", "pa ss", 1);
	ASSERT_EQ(cred_read(&src, &s, &err), 0);
	ASSERT_STREQ(s.data, "pa ss");
	secret_free(&s);
}

TEST(command)
{
	struct secret_source src = source(SECRET_COMMAND, "printf 'from-cmd\\nignored\\n'");
	struct secret s;
	char *err = NULL;

	ASSERT_EQ(cred_read(&src, &s, &err), 0);
	ASSERT_STREQ(s.data, "from-cmd");
	secret_free(&s);
}

TEST(failing_command_does_not_leak_output)
{
	struct secret_source src = source(SECRET_COMMAND, "echo leaked; exit 3");
	struct secret s;
	char *err = NULL;

	ASSERT_EQ(cred_read(&src, &s, &err), -1);
	ASSERT_CONTAINS(err, "exited with status 3");
	ASSERT(strstr(err, "leaked") == NULL);
	free(err);
}

TEST(command_gets_no_stdin)
{
	struct secret_source src = source(SECRET_COMMAND, "cat; echo done");
	struct secret s;
	char *err = NULL;

	ASSERT_EQ(cred_read(&src, &s, &err), 0);
	ASSERT_STREQ(s.data, "done");
	secret_free(&s);
}

TEST(command_runs_with_sigpipe_at_its_default)
{
	/* bmctop's main() ignores SIGPIPE; the command must not inherit that. */
	struct secret_source src =
	    source(SECRET_COMMAND, "awk '/^SigIgn:/ { print $2 }' /proc/self/status");
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	struct secret s;
	char *err = NULL;
	unsigned long long ignored;

	ASSERT_EQ(cred_read(&src, &s, &err), 0);
	signal(SIGPIPE, old);
	ignored = strtoull(s.data, NULL, 16);
	ASSERT_EQ(ignored & (1ULL << (SIGPIPE - 1)), 0);
	secret_free(&s);
}

TEST(cache_reads_each_source_once)
{
	char *counter = xasprintf("%s/count", test_tmpdir());
	char *cmd = xasprintf("echo x >> %s; echo pw", counter);
	struct secret_source src = source(SECRET_COMMAND, cmd);
	struct cred_cache *c = cred_cache_new();
	const struct secret *a, *b;
	char *err = NULL;
	char buf[64] = "";
	FILE *fp;

	a = cred_cache_get(c, &src, &err);
	b = cred_cache_get(c, &src, &err);
	ASSERT(a != NULL && a == b);
	ASSERT_STREQ(a->data, "pw");
	fp = fopen(counter, "r");
	ASSERT(fp != NULL);
	ASSERT_EQ(fread(buf, 1, sizeof buf - 1, fp), 2); /* one "x\n": one run */
	fclose(fp);
	cred_cache_free(c);
	free(cmd);
	free(counter);
}

TEST(cache_remembers_failure)
{
	struct secret_source src = source(SECRET_ENV, "BMCTOP_TEST_UNSET");
	struct cred_cache *c = cred_cache_new();
	char *err = NULL;

	unsetenv("BMCTOP_TEST_UNSET");
	ASSERT(cred_cache_get(c, &src, &err) == NULL);
	free(err);
	err = NULL;
	ASSERT(cred_cache_get(c, &src, &err) == NULL);
	ASSERT_CONTAINS(err, "BMCTOP_TEST_UNSET");
	free(err);
	cred_cache_free(c);
}

TEST(check_private)
{
	char *path = write_file("f", "x", 0644);
	char *err = NULL;

	ASSERT_EQ(cred_check_private(path, "fleet file", &err), -1);
	ASSERT_CONTAINS(err, "chmod 600");
	free(err);
	chmod(path, 0600);
	ASSERT_EQ(cred_check_private(path, "fleet file", &err), 0);
	free(path);
}

/* The child environment. */

static int env_has(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return 1;
	return 0;
}

TEST(child_env_drops_the_fleet_secret_variables)
{
	static const char text[] = "[defaults]\nkg-env = BMCTOP_T_KG\n"
				   "[host a]\naddress = 10.0.0.1\npassword-env = BMCTOP_T_PW\n"
				   "[host b]\naddress = 10.0.0.2\npassword-env = BMCTOP_T_PW\n"
				   "vnc-password-env = BMCTOP_T_VNC\n"
				   "[host c]\naddress = 10.0.0.3\npassword-file = /nonexistent\n";
	struct fleet f;
	char *errors = NULL, **env;

	ASSERT_EQ(fleet_parse(&f, "fleet.conf", text, sizeof text - 1, &errors), 0);
	setenv("BMCTOP_T_PW", "pw-value", 1);
	setenv("BMCTOP_T_KG", "kg-value", 1);
	setenv("BMCTOP_T_VNC", "vnc-value", 1);
	setenv("VNC_PASSWORD", "viewer-value", 1);
	setenv("BMCTOP_T_PW_NOT", "a longer name is another variable", 1);
	setenv("BMCTOP_T_MARKER", "kept", 1);
	env = cred_child_env();
	ASSERT(env_has(env, "BMCTOP_T_PW"));
	strv_free(env);
	cred_hide_fleet_env(&f);
	fleet_free(&f);
	env = cred_child_env();
	ASSERT(!env_has(env, "BMCTOP_T_PW"));
	ASSERT(!env_has(env, "BMCTOP_T_KG"));
	ASSERT(!env_has(env, "BMCTOP_T_VNC"));
	ASSERT(!env_has(env, "VNC_PASSWORD"));
	ASSERT(env_has(env, "BMCTOP_T_PW_NOT"));
	ASSERT(env_has(env, "BMCTOP_T_MARKER"));
	ASSERT(env_has(env, "PATH") == (getenv("PATH") != NULL));
	strv_free(env);
	/* bmctop itself still reads them. */
	ASSERT_STREQ(getenv("BMCTOP_T_PW"), "pw-value");
}

TEST(password_command_does_not_see_hidden_variables)
{
	struct secret_source src =
	    source(SECRET_COMMAND, "printf '%s %s\\n' \"${BMCTOP_T_PW-unset}\" \"$BMCTOP_T_MARKER\"");
	struct secret s;
	char *err = NULL;

	setenv("BMCTOP_T_PW", "pw-value", 1);
	setenv("BMCTOP_T_MARKER", "kept", 1);
	cred_hide_env("BMCTOP_T_PW");
	ASSERT_EQ(cred_read(&src, &s, &err), 0);
	ASSERT_STREQ(s.data, "unset kept");
	secret_free(&s);
}
