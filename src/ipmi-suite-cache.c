/*
 * ipmi-suite-cache.c - which cipher suite worked for each host.
 *
 * "cipher-suite = auto" tries 17 then 3; once a suite has worked it is
 * remembered in $XDG_STATE_HOME/bmctop/ipmi-cipher-suites, so later runs go
 * straight to it instead of probing every start.  The file is append-only
 * (one line per change, the last line for a host wins) so that ten thousand
 * hosts learning their suite in one sweep cost ten thousand small appends,
 * not ten thousand rewrites.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipmi-session.h"
#include "paths.h"
#include "xalloc.h"

struct suite_entry {
	char *key;
	int suite;
};

static struct suite_entry *entries;
static size_t nentries;
static int loaded;

static char *entry_key(const struct host_config *hc)
{
	return xasprintf("%s %s %d", hc->name, hc->address, hc->ipmi_port);
}

static struct suite_entry *find(const char *key)
{
	size_t i;

	for (i = 0; i < nentries; i++)
		if (strcmp(entries[i].key, key) == 0)
			return &entries[i];
	return NULL;
}

static void remember(const char *key, int suite)
{
	struct suite_entry *e = find(key);

	if (e == NULL) {
		entries = xreallocarray(entries, nentries + 1, sizeof *entries);
		e = &entries[nentries++];
		e->key = xstrdup(key);
	}
	e->suite = suite;
}

static void load(void)
{
	char *path = paths_state_file("ipmi-cipher-suites");
	FILE *fp = fopen(path, "r");
	char line[512];

	loaded = 1;
	free(path);
	if (fp == NULL)
		return;
	while (fgets(line, sizeof line, fp) != NULL) {
		char *last = strrchr(line, ' ');
		int suite;

		if (last == NULL)
			continue;
		suite = atoi(last + 1);
		*last = '\0';
		if (suite == 3 || suite == 17)
			remember(line, suite);
	}
	fclose(fp);
}

int ipmi_suite_cache_get(const struct host_config *hc)
{
	char *key = entry_key(hc);
	struct suite_entry *e;

	if (!loaded)
		load();
	e = find(key);
	free(key);
	return e ? e->suite : 0;
}

void ipmi_suite_cache_put(const struct host_config *hc, int suite)
{
	char *key = entry_key(hc);
	struct suite_entry *e;
	char *path, *line;
	int fd;

	if (!loaded)
		load();
	e = find(key);
	if (e != NULL && e->suite == suite) {
		free(key);
		return;
	}
	remember(key, suite);
	path = paths_state_file("ipmi-cipher-suites");
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		line = xasprintf("%s %d\n", key, suite);
		if (write(fd, line, strlen(line)) < 0)
			(void)0; /* a cache that fails to write only costs a probe */
		free(line);
		close(fd);
	}
	free(path);
	free(key);
}
