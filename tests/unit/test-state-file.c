/*
 * test-state-file.c - queued state-file writes on a real loop: a queued SDR
 * cache is readable before it reaches the disk, the last of several saves
 * wins, detaching writes everything, and the cipher-suite cache writes one
 * whole file for many hosts.  And the rules that keep the state directory
 * the user's: no writer or reader follows a symbolic link planted at its
 * file or at a temporary name, and a directory others can write to is
 * refused with the fix.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fleet.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/state-file.h"
#include "core/xalloc.h"
#include "ipmi/sdr-cache.h"
#include "ipmi/suite-cache.h"
#include "runner.h"
#include "tls/trust.h"

static void one_record(struct sdr_cache *c, uint8_t id)
{
	uint8_t rec[5 + 8] = { id, 0, 0x51, 0x01, 8 };

	memset(c, 0, sizeof *c);
	sdr_cache_add(c, rec, sizeof rec);
}

static int detached;

static void on_detached(void *arg)
{
	(void)arg;
	detached++;
}

TEST(state_file_queued_save_is_read_back_then_written)
{
	uv_loop_t loop;
	struct sdr_cache c, back;
	char *path = xasprintf("%s/q.sdr", test_tmpdir());
	struct stat st;

	uv_loop_init(&loop);
	state_file_attach(&loop);
	one_record(&c, 1);
	ASSERT_EQ(sdr_cache_save(path, &c), 0);
	sdr_cache_free(&c);
	one_record(&c, 2);
	ASSERT_EQ(sdr_cache_save(path, &c), 0);
	sdr_cache_free(&c);
	/* Queued, not written: the loop has not run. */
	ASSERT_EQ(stat(path, &st), -1);
	ASSERT_EQ(sdr_cache_load(path, &back), 0);
	ASSERT_EQ(back.nrecords, 1);
	ASSERT_EQ(back.records[0][0], 2);
	sdr_cache_free(&back);
	detached = 0;
	state_file_detach(on_detached, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	ASSERT_EQ(detached, 1);
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0600);
	ASSERT_EQ(sdr_cache_load(path, &back), 0);
	ASSERT_EQ(back.records[0][0], 2);
	sdr_cache_free(&back);
	ASSERT_EQ(uv_loop_close(&loop), 0);
	free(path);
}

/* The batch goes to the thread pool while the loop runs on. */
static void stop_soon(uv_timer_t *t)
{
	uv_stop(t->loop);
}

TEST(state_file_batches_in_the_thread_pool)
{
	uv_loop_t loop;
	uv_timer_t t;
	struct sdr_cache c;
	char *path[50];
	struct stat st;
	int i;

	uv_loop_init(&loop);
	state_file_attach(&loop);
	one_record(&c, 7);
	for (i = 0; i < 50; i++) {
		path[i] = xasprintf("%s/b%d.sdr", test_tmpdir(), i);
		ASSERT_EQ(sdr_cache_save(path[i], &c), 0);
	}
	sdr_cache_free(&c);
	uv_timer_init(&loop, &t);
	uv_timer_start(&t, stop_soon, 5000, 0);
	/* Poll until the files appear (the batch starts after ~200 ms). */
	for (i = 0; i < 500 && stat(path[49], &st) != 0; i++)
		uv_run(&loop, UV_RUN_ONCE);
	ASSERT_EQ(stat(path[49], &st), 0);
	ASSERT_EQ(stat(path[0], &st), 0);
	uv_close((uv_handle_t *)&t, NULL);
	state_file_detach(NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	ASSERT_EQ(uv_loop_close(&loop), 0);
	for (i = 0; i < 50; i++)
		free(path[i]);
}

TEST(state_file_write_error_without_loop)
{
	uint8_t *data = xmalloc(3);

	memcpy(data, "abc", 3);
	ASSERT_EQ(state_file_write(xstrdup("/nonexistent-bmctop-dir/x"), data, 3), -ENOENT);
}

TEST(suite_cache_one_file_for_many_hosts)
{
	uv_loop_t loop;
	struct host_config hc;
	char *dir = xasprintf("%s/state", test_tmpdir());
	char *file = xasprintf("%s/bmctop/ipmi-cipher-suites", dir);
	char line[128], name[32], addr[] = "127.0.0.1";
	FILE *fp;
	int i, lines = 0;

	setenv("XDG_STATE_HOME", dir, 1);
	uv_loop_init(&loop);
	state_file_attach(&loop);
	memset(&hc, 0, sizeof hc);
	hc.address = addr;
	hc.name = name;
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "bmc%d", i);
		hc.ipmi_port = 20000 + i;
		ipmi_suite_cache_put(&hc, i % 2 ? 3 : 17);
	}
	/* Changed twice, and a repeat that is no change. */
	snprintf(name, sizeof name, "bmc%d", 4);
	hc.ipmi_port = 20004;
	ipmi_suite_cache_put(&hc, 3);
	ipmi_suite_cache_put(&hc, 3);
	ASSERT_EQ(ipmi_suite_cache_get(&hc), 3);
	snprintf(name, sizeof name, "bmc%d", 5);
	hc.ipmi_port = 20005;
	ASSERT_EQ(ipmi_suite_cache_get(&hc), 3);
	ASSERT_EQ(access(file, F_OK), -1); /* not yet: written later, once */
	state_file_detach(NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	ASSERT_EQ(uv_loop_close(&loop), 0);
	fp = fopen(file, "r");
	ASSERT(fp != NULL);
	while (fgets(line, sizeof line, fp) != NULL) {
		lines++;
		if (strncmp(line, "bmc4 ", 5) == 0)
			ASSERT_STREQ(line, "bmc4 127.0.0.1 20004 3\n");
	}
	fclose(fp);
	ASSERT_EQ(lines, 300);
	unsetenv("XDG_STATE_HOME");
	free(file);
	free(dir);
}

/* Links and directories. */

/* A file of someone else's (0644, known text) in its own directory. */
static char *make_victim(const char *name)
{
	char *dir = xasprintf("%s/victim", test_tmpdir());
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp;

	mkdir(dir, 0755);
	fp = fopen(path, "w");
	ASSERT(fp != NULL);
	fprintf(fp, "precious %s\n", name);
	fclose(fp);
	chmod(path, 0644);
	free(dir);
	return path;
}

static void assert_untouched(const char *path, const char *name)
{
	char want[128], got[128] = "";
	struct stat st;
	FILE *fp = fopen(path, "r");

	ASSERT(fp != NULL);
	ASSERT(fgets(got, sizeof got, fp) != NULL || got[0] == '\0');
	ASSERT(fgets(got + strlen(got), (int)(sizeof got - strlen(got)), fp) == NULL);
	fclose(fp);
	snprintf(want, sizeof want, "precious %s\n", name);
	ASSERT_STREQ(got, want);
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0644);
}

/* $XDG_STATE_HOME under the test's directory; the bmctop directory in it, 0700. */
static char *private_state_dir(void)
{
	char *home = xasprintf("%s/state", test_tmpdir());
	char *dir = xasprintf("%s/bmctop", home);

	setenv("XDG_STATE_HOME", home, 1);
	ASSERT_EQ(paths_mkdir_p(dir, 0700), 0);
	free(home);
	return dir;
}

static int is_link(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

/* Entries of dir other than . and ..; a leftover temporary shows here. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ASSERT(d != NULL);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

TEST(state_file_write_follows_no_link)
{
	char *victim = make_victim("v"), *victim_tmp = make_victim("t");
	char *dir = xasprintf("%s/w", test_tmpdir());
	char *path = xasprintf("%s/cache", dir);
	char *tmp = xasprintf("%s.tmp", path);
	uint8_t *data = xmalloc(5), *back;
	size_t len;
	struct stat st;

	ASSERT_EQ(mkdir(dir, 0700), 0);
	ASSERT_EQ(symlink(victim, path), 0);
	ASSERT_EQ(symlink(victim_tmp, tmp), 0);
	memcpy(data, "fresh", 5);
	ASSERT_EQ(state_file_write(xstrdup(path), data, 5), 0);
	assert_untouched(victim, "v");
	assert_untouched(victim_tmp, "t");
	/* The link at path was replaced by the new file, not written through. */
	ASSERT_EQ(lstat(path, &st), 0);
	ASSERT(S_ISREG(st.st_mode));
	ASSERT_EQ(st.st_mode & 0777, 0600);
	ASSERT_EQ(state_file_read(path, 100, &back, &len), 0);
	ASSERT_EQ(len, 5);
	ASSERT_MEMEQ(back, "fresh", 5);
	ASSERT_EQ(back[5], 0);
	free(back);
	/* cache and the planted cache.tmp: no temporary of ours is left. */
	ASSERT_EQ(count_entries(dir), 2);
	free(victim);
	free(victim_tmp);
	free(tmp);
	free(path);
	free(dir);
}

TEST(state_file_read_refuses_links_fifos_and_big_files)
{
	char *victim = make_victim("r");
	char *link = xasprintf("%s/link", test_tmpdir());
	char *fifo = xasprintf("%s/fifo", test_tmpdir());
	uint8_t *data = NULL;
	size_t len;

	ASSERT_EQ(symlink(victim, link), 0);
	ASSERT_EQ(state_file_read(link, 100, &data, &len), -ELOOP);
	ASSERT_EQ(mkfifo(fifo, 0600), 0);
	ASSERT_EQ(state_file_read(fifo, 100, &data, &len), -EINVAL); /* and no hang */
	ASSERT_EQ(state_file_read(victim, 4, &data, &len), -EFBIG);
	ASSERT_EQ(state_file_read(fifo + 1, 100, &data, &len), -ENOENT);
	ASSERT_EQ(state_file_read(victim, 100, &data, &len), 0);
	ASSERT_EQ(len, strlen("precious r\n"));
	free(data);
	free(fifo);
	free(link);
	free(victim);
}

TEST(trust_store_follows_no_link_at_its_temporary)
{
	char *dir = private_state_dir();
	char *victim = make_victim("kh-tmp");
	char *tmp = xasprintf("%s/known_hosts.tmp", dir);
	char *kh = xasprintf("%s/known_hosts", dir);
	char pin[128];
	struct stat st;

	ASSERT_EQ(symlink(victim, tmp), 0);
	ASSERT_EQ(trust_store("bmc1", "https://127.0.0.1:1", "sha256//one="), 0);
	ASSERT_EQ(trust_store("bmc2", "https://127.0.0.1:2", "sha256//two="), 0);
	ASSERT_EQ(trust_store("bmc1", "https://127.0.0.1:1", "sha256//new="), 0);
	assert_untouched(victim, "kh-tmp");
	ASSERT_EQ(lstat(kh, &st), 0);
	ASSERT(S_ISREG(st.st_mode));
	ASSERT_EQ(st.st_mode & 0777, 0600);
	ASSERT_EQ(trust_lookup("bmc1", "https://127.0.0.1:1", pin, sizeof pin), 0);
	ASSERT_STREQ(pin, "sha256//new=");
	ASSERT_EQ(trust_lookup("bmc2", "https://127.0.0.1:2", pin, sizeof pin), 0);
	ASSERT_STREQ(pin, "sha256//two=");
	ASSERT_EQ(trust_lookup("bmc2", "https://127.0.0.1:3", pin, sizeof pin), TRUST_NONE);
	/* known_hosts, the planted known_hosts.tmp, and nothing else. */
	ASSERT_EQ(count_entries(dir), 2);
	free(kh);
	free(tmp);
	free(victim);
	free(dir);
}

TEST(trust_known_hosts_link_is_neither_read_nor_written)
{
	char *dir = private_state_dir();
	char *victim = xasprintf("%s/pins", test_tmpdir());
	char *kh = xasprintf("%s/known_hosts", dir);
	char pin[128], text[256] = "";
	FILE *fp = fopen(victim, "w");

	ASSERT(fp != NULL);
	fprintf(fp, "bmc1 https://127.0.0.1:1 sha256//planted=\n");
	fclose(fp);
	ASSERT_EQ(symlink(victim, kh), 0);
	ASSERT_EQ(trust_lookup("bmc1", "https://127.0.0.1:1", pin, sizeof pin), -ELOOP);
	ASSERT(trust_store("bmc1", "https://127.0.0.1:1", "sha256//real=") != 0);
	ASSERT(is_link(kh));
	fp = fopen(victim, "r");
	ASSERT(fp != NULL);
	ASSERT(fgets(text, sizeof text, fp) != NULL);
	fclose(fp);
	ASSERT_STREQ(text, "bmc1 https://127.0.0.1:1 sha256//planted=\n");
	free(kh);
	free(victim);
	free(dir);
}

TEST(log_open_follows_no_link)
{
	char *victim = make_victim("log");
	char *link = xasprintf("%s/bmctop.log", test_tmpdir());
	char *real = xasprintf("%s/real.log", test_tmpdir());
	struct stat st;
	int fd;

	ASSERT_EQ(symlink(victim, link), 0);
	ASSERT_EQ(log_open(link), -ELOOP);
	log_error("this line must reach no file");
	log_close();
	assert_untouched(victim, "log");
	/* A log left 0644 by something else becomes 0600. */
	fd = open(real, O_WRONLY | O_CREAT, 0644);
	ASSERT(fd >= 0);
	close(fd);
	chmod(real, 0644);
	ASSERT_EQ(log_open(real), 0);
	log_error("a line");
	log_close();
	ASSERT_EQ(stat(real, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0600);
	ASSERT(st.st_size > 0);
	free(real);
	free(link);
	free(victim);
}

TEST(private_dir_rule)
{
	char *dir = xasprintf("%s/d", test_tmpdir());
	char *file = make_victim("notadir");
	char *err = NULL, *want;

	ASSERT_EQ(paths_check_private_dir(dir, "XDG_STATE_HOME", &err), 0); /* missing */
	ASSERT_EQ(mkdir(dir, 0700), 0);
	ASSERT_EQ(paths_check_private_dir(dir, "XDG_STATE_HOME", &err), 0);
	chmod(dir, 0755);
	ASSERT_EQ(paths_check_private_dir(dir, "XDG_STATE_HOME", &err), 0);
	chmod(dir, 0777);
	ASSERT_EQ(paths_check_private_dir(dir, "XDG_STATE_HOME", &err), -EPERM);
	want = xasprintf("%s is writable by group or others (mode 777)", dir);
	ASSERT_CONTAINS(err, want);
	free(want);
	want = xasprintf("chmod 700 %s", dir);
	ASSERT_CONTAINS(err, want);
	free(want);
	free(err);
	chmod(dir, 0702);
	ASSERT_EQ(paths_check_private_dir(dir, "XDG_STATE_HOME", &err), -EPERM);
	free(err);
	/* Writable by a group of others (nogroup: members could be added). */
	if (getuid() == 0) {
		ASSERT_EQ(chown(dir, (uid_t)-1, 65534), 0);
		chmod(dir, 0720);
		ASSERT_EQ(paths_check_private_dir(dir, "XDG_STATE_HOME", &err), -EPERM);
		free(err);
		ASSERT_EQ(chown(dir, (uid_t)-1, 0), 0);
	}
	ASSERT_EQ(paths_check_private_dir(file, "XDG_STATE_HOME", &err), -ENOTDIR);
	ASSERT_CONTAINS(err, "not a directory");
	free(err);
	if (getuid() == 0) {
		chmod(dir, 0700);
		ASSERT_EQ(chown(dir, 65534, 65534), 0);
		ASSERT_EQ(paths_check_private_dir(dir, "XDG_STATE_HOME", &err), -EPERM);
		ASSERT_CONTAINS(err, "owned by another user (uid 65534)");
		ASSERT_CONTAINS(err, "XDG_STATE_HOME");
		free(err);
	}
	free(file);
	free(dir);
}

TEST(check_dirs_makes_the_state_dir_and_checks_config_only_when_used)
{
	char *home = xasprintf("%s/st/ate", test_tmpdir());
	char *state = xasprintf("%s/bmctop", home);
	char *config_home = xasprintf("%s/cfg", test_tmpdir());
	char *config = xasprintf("%s/bmctop", config_home);
	char *fleet = xasprintf("%s/fleet.conf", config);
	char *err = NULL;
	struct stat st;
	mode_t old = umask(0);

	setenv("XDG_STATE_HOME", home, 1);
	setenv("XDG_CONFIG_HOME", config_home, 1);
	ASSERT_EQ(paths_check_dirs("/elsewhere/fleet.conf", &err), 0);
	umask(old);
	ASSERT_EQ(stat(state, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0700);
	ASSERT_EQ(stat(home, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0700);
	ASSERT_EQ(mkdir(config_home, 0700), 0);
	ASSERT_EQ(mkdir(config, 0777), 0);
	chmod(config, 0777);
	ASSERT_EQ(paths_check_dirs("/elsewhere/fleet.conf", &err), 0);
	ASSERT_EQ(paths_check_dirs(fleet, &err), -EPERM);
	ASSERT_CONTAINS(err, config);
	ASSERT_CONTAINS(err, "chmod 700");
	free(err);
	chmod(state, 0707);
	ASSERT_EQ(paths_check_dirs("/elsewhere/fleet.conf", &err), -EPERM);
	ASSERT_CONTAINS(err, state);
	free(err);
	free(fleet);
	free(config);
	free(config_home);
	free(state);
	free(home);
}
