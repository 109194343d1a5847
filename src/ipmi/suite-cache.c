/*
 * ipmi/suite-cache.c - which cipher suite worked for each host.
 *
 * "cipher-suite = auto" tries 17 then 3; once a suite has worked it is
 * remembered in $XDG_STATE_HOME/bmctop/ipmi-cipher-suites, so later runs go
 * straight to it instead of probing every start.  The file is read once
 * into a hash table and rewritten whole (one line per host, atomically
 * through core/state-file.c) a moment after changes, so a sweep that teaches ten
 * thousand hosts their suite writes the file a handful of times, not ten
 * thousand.  Older files with several lines per host still load: the last
 * line for a host wins.
 *
 * The same line remembers the vendor workarounds (FLEET_WA_* bits) bmctop
 * found the host needs, and those it spent a login attempt finding out
 * (tried once per host, ever): "NAME ADDRESS PORT SUITE w=USED/TRIED", in
 * hex, the w= field only when either is non-zero.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"
#include "core/state-file.h"
#include "core/xalloc.h"
#include "ipmi/suite-cache.h"

/* Far more than one line per host of the largest fleet. */
#define SUITE_FILE_MAX (64u << 20)

struct suite_entry {
	char *key; /* NULL for an empty slot */
	int suite; /* 0: none learned yet */
	unsigned wa_used, wa_tried;
};

/* Open addressing, linear probing, at most half full. */
static struct suite_entry *slots;
static size_t nslots, nentries;
static int loaded, dirty;

static char *entry_key(const struct host_config *hc)
{
	return xasprintf("%s %s %d", hc->name, hc->address, hc->ipmi_port);
}

static size_t hash(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key != '\0'; key++)
		h = (h ^ (uint8_t)*key) * 1099511628211ULL;
	return (size_t)h;
}

static struct suite_entry *slot_for(struct suite_entry *table, size_t size, const char *key)
{
	size_t i = hash(key) & (size - 1);

	while (table[i].key != NULL && strcmp(table[i].key, key) != 0)
		i = (i + 1) & (size - 1);
	return &table[i];
}

static struct suite_entry *find(const char *key)
{
	struct suite_entry *e;

	if (nslots == 0)
		return NULL;
	e = slot_for(slots, nslots, key);
	return e->key ? e : NULL;
}

static void grow(void)
{
	size_t size = nslots ? nslots * 2 : 64, i;
	struct suite_entry *table = xcalloc(size, sizeof *table);

	for (i = 0; i < nslots; i++)
		if (slots[i].key != NULL)
			*slot_for(table, size, slots[i].key) = slots[i];
	free(slots);
	slots = table;
	nslots = size;
}

static struct suite_entry *remember(const char *key)
{
	struct suite_entry *e;

	if ((nentries + 1) * 2 > nslots)
		grow();
	e = slot_for(slots, nslots, key);
	if (e->key == NULL) {
		e->key = xstrdup(key);
		nentries++;
	}
	return e;
}

/* A line's trailing " w=USED/TRIED", cut off the line; 0 when it has none. */
static int take_workarounds(char *line, unsigned *used, unsigned *tried)
{
	char *last = strrchr(line, ' ');

	*used = *tried = 0;
	if (last == NULL || strncmp(last, " w=", 3) != 0 ||
	    sscanf(last + 3, "%x/%x", used, tried) != 2)
		return 0;
	*used &= (1u << FLEET_WA_COUNT) - 1;
	*tried &= (1u << FLEET_WA_COUNT) - 1;
	*last = '\0';
	return 1;
}

static void load(void)
{
	char *path = paths_state_file("ipmi-cipher-suites");
	uint8_t *data;
	size_t len;
	char *line, *save = NULL;

	loaded = 1;
	/* A cache that cannot be read (missing, a link, too big) costs a probe. */
	if (state_file_read(path, SUITE_FILE_MAX, &data, &len) != 0) {
		free(path);
		return;
	}
	free(path);
	for (line = strtok_r((char *)data, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned used, tried;
		int wa = take_workarounds(line, &used, &tried);
		char *last = strrchr(line, ' ');
		struct suite_entry *e;
		int suite;

		if (last == NULL)
			continue;
		suite = atoi(last + 1);
		*last = '\0';
		if (suite != 3 && suite != 17 && !(wa && suite == 0))
			continue;
		e = remember(line);
		e->suite = suite;
		e->wa_used = used;
		e->wa_tried = tried;
	}
	free(data);
}

/* state-file hook: the whole file, when something changed. */
static void save(void)
{
	size_t cap = 4096, len = 0, i;
	char *buf;

	if (!dirty)
		return;
	dirty = 0;
	buf = xmalloc(cap);
	for (i = 0; i < nslots; i++) {
		size_t need;

		if (slots[i].key == NULL)
			continue;
		need = strlen(slots[i].key) + 48;
		if (len + need > cap) {
			cap = (len + need) * 2;
			buf = xrealloc(buf, cap);
		}
		len += (size_t)snprintf(buf + len, cap - len, "%s %d", slots[i].key,
					slots[i].suite);
		if (slots[i].wa_used != 0 || slots[i].wa_tried != 0)
			len += (size_t)snprintf(buf + len, cap - len, " w=%x/%x", slots[i].wa_used,
						slots[i].wa_tried);
		buf[len++] = '\n';
	}
	/* A cache that fails to write only costs a probe next run. */
	state_file_write(paths_state_file("ipmi-cipher-suites"), (uint8_t *)buf, len);
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

/* hc's entry, made if missing. */
static struct suite_entry *entry_for(const struct host_config *hc)
{
	char *key = entry_key(hc);
	struct suite_entry *e;

	if (!loaded)
		load();
	e = find(key);
	if (e == NULL)
		e = remember(key);
	free(key);
	return e;
}

static void changed(void)
{
	dirty = 1;
	state_file_add_hook(save);
	state_file_kick();
}

void ipmi_suite_cache_put(const struct host_config *hc, int suite)
{
	struct suite_entry *e = entry_for(hc);

	if (e->suite != suite) {
		e->suite = suite;
		changed();
	}
}

void ipmi_wa_cache_get(const struct host_config *hc, unsigned *used, unsigned *tried)
{
	char *key = entry_key(hc);
	struct suite_entry *e;

	if (!loaded)
		load();
	e = find(key);
	free(key);
	*used = e ? e->wa_used : 0;
	*tried = e ? e->wa_tried : 0;
}

void ipmi_wa_cache_put(const struct host_config *hc, unsigned used, unsigned tried)
{
	struct suite_entry *e = entry_for(hc);

	if (e->wa_used != used || e->wa_tried != tried) {
		e->wa_used = used;
		e->wa_tried = tried;
		changed();
	}
}
