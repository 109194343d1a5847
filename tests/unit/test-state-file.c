/*
 * test-state-file.c - queued state-file writes on a real loop: a queued SDR
 * cache is readable before it reaches the disk, the last of several saves
 * wins, detaching writes everything, and the cipher-suite cache writes one
 * whole file for many hosts.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet.h"
#include "ipmi-sdr-cache.h"
#include "ipmi-session.h"
#include "runner.h"
#include "state-file.h"
#include "xalloc.h"

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
