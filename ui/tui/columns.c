/*
 * tui/columns.c - the host list's columns: one table of every column a row
 * can show (its name for :cols and the settings file, title, width,
 * priority when narrow, default sort direction), each column's text and
 * its sort order, and the chosen columns and sort saved in
 * $XDG_CONFIG_HOME/bmctop/dashboard.conf.
 *
 * The file is read without following a link and written through a
 * temporary file and a rename (core/state-file.c), never through a link.
 */
#include "config.h"

#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/filter.h"
#include "core/paths.h"
#include "core/record.h"
#include "core/state-file.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "tui/graph.h"
#include "tui/internal.h"

/* Priority 0: always shown; higher numbers go first when the list is narrow. */
static const struct tui_column columns[TCOL__MAX] = {
	[TCOL_NAME] = { "name", "HOST", 16, 0, 0, 0 },
	[TCOL_ADDR] = { "address", "ADDRESS", 15, 0, 6, 0 },
	[TCOL_GROUP] = { "group", "GROUP", 8, 0, 3, 0 },
	[TCOL_PROTO] = { "proto", "PROTO", 7, 0, 4, 0 },
	[TCOL_POWER] = { "power", "POWER", 7, 0, 0, 0 },
	[TCOL_HEALTH] = { "health", "HEALTH", 11, 0, 0, 1 },
	[TCOL_TEMP] = { "temp", "TEMP", 6, 1, 0, 1 },
	[TCOL_INLET] = { "inlet", "INLET", 6, 1, 5, 1 },
	[TCOL_CPU] = { "cpu", "CPU", 6, 1, 5, 1 },
	[TCOL_FANS] = { "fans", "FAN", 6, 1, 2, 0 },
	[TCOL_WATTS] = { "watts", "WATTS", 7, 1, 1, 1 },
	[TCOL_AGE] = { "age", "AGE", 5, 1, 1, 1 },
	[TCOL_MODEL] = { "model", "MODEL", 18, 0, 7, 0 },
	[TCOL_SERIAL] = { "serial", "SERIAL", 12, 0, 8, 0 },
	[TCOL_FW] = { "firmware", "BMC FW", 10, 0, 7, 0 },
	[TCOL_CONSOLE] = { "console", "CONSOLE", 8, 0, 8, 0 },
	[TCOL_ERROR] = { "error", "ERROR", 0, 0, 0, 0 },
	[TCOL_TREND] = { "trend", "TEMP 1H", 12, 0, 9, 1 },
	[TCOL_WTREND] = { "wtrend", "WATTS 1H", 12, 0, 9, 1 },
	[TCOL_UNSEEN] = { "new", "NEW", 4, 1, 8, 1 },
};

/* Shown until the user chooses (:cols); the rest are there to add. */
static const int default_cols[] = { TCOL_NAME,	TCOL_ADDR,  TCOL_GROUP, TCOL_PROTO, TCOL_POWER,
				    TCOL_HEALTH, TCOL_TEMP,  TCOL_TREND, TCOL_FANS,	TCOL_WATTS, TCOL_AGE,
				    TCOL_MODEL,	TCOL_FW,    TCOL_ERROR };

const struct tui_column *tui_column(int c)
{
	return &columns[c];
}

int tui_column_by_name(const char *name)
{
	static const struct {
		const char *alias;
		int col;
	} aliases[] = { { "host", TCOL_NAME }, { "addr", TCOL_ADDR }, { "protocol", TCOL_PROTO },
			{ "temperature", TCOL_TEMP }, { "fan", TCOL_FANS }, { "power-w", TCOL_WATTS },
			{ "fw", TCOL_FW }, { "bmc-firmware", TCOL_FW }, { "err", TCOL_ERROR },
			{ "status", TCOL_HEALTH }, { "state", TCOL_HEALTH },
			{ "sparkline", TCOL_TREND }, { "temp-trend", TCOL_TREND },
			{ "watts-trend", TCOL_WTREND }, { "unseen", TCOL_UNSEEN },
			{ "events", TCOL_UNSEEN } };
	size_t i;
	int c;

	for (c = 0; c < TCOL__MAX; c++)
		if (strcasecmp(columns[c].name, name) == 0)
			return c;
	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcasecmp(aliases[i].alias, name) == 0)
			return aliases[i].col;
	return -1;
}

void tui_columns_default(struct tui *t)
{
	memcpy(t->cols, default_cols, sizeof default_cols);
	t->ncols = (int)(sizeof default_cols / sizeof default_cols[0]);
}

int tui_columns_set(struct tui *t, const char *list, char *err, size_t errlen)
{
	int cols[TCOL__MAX], n = 0, c, i, has_name = 0;
	char *copy = xstrdup(list), *w, *save = NULL;

	for (w = strtok_r(copy, ", ", &save); w != NULL; w = strtok_r(NULL, ", ", &save)) {
		c = tui_column_by_name(w);
		if (c < 0) {
			snprintf(err, errlen, "no column '%s'; columns: %s", w,
				 "name address group proto power health temp inlet cpu fans "
				 "watts age model serial firmware console error trend wtrend new");
			free(copy);
			return BMC_ECONFIG;
		}
		for (i = 0; i < n; i++)
			if (cols[i] == c)
				break;
		if (i < n)
			continue; /* named twice: the first place counts */
		cols[n++] = c;
		has_name |= c == TCOL_NAME;
	}
	free(copy);
	if (n == 0) {
		snprintf(err, errlen, "name at least one column (:cols name,power,health,temp)");
		return BMC_ECONFIG;
	}
	if (!has_name) {
		memmove(cols + 1, cols, (size_t)n * sizeof *cols);
		cols[0] = TCOL_NAME; /* a row without its host's name says nothing */
		n++;
	}
	memcpy(t->cols, cols, (size_t)n * sizeof *cols);
	t->ncols = n;
	return 0;
}

void tui_columns_list(const struct tui *t, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < t->ncols && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "",
					 columns[t->cols[i]].name);
}

/* Text and sort keys. */

static const char *metric_text(const struct bmc_host *h, enum filter_metric m, const char *unit,
			       char *buf, size_t len)
{
	double v;

	if (!filter_metric(h, m, engine_wall_ms(), &v))
		return "-";
	if (unit[0] == '\0') { /* a count */
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
	return units_format_reading(buf, len, v, unit);
}

/* The "new" column: "!3" for three unacknowledged fleet events. */
static struct bmc_engine *unseen_engine; /* for the sort, which has no tui: set at load */

static size_t unseen_of(struct bmc_engine *e, const struct bmc_host *h)
{
	struct recorder *r = e != NULL ? record_of(e) : NULL;

	return r != NULL ? record_unseen(r, h) : 0;
}

static const char *unseen_text(struct tui *t, const struct bmc_host *h, char *buf, size_t len,
			       int *pair)
{
	size_t n = unseen_of(t->e, h);

	if (n == 0)
		return "";
	*pair = PAIR_WARN;
	snprintf(buf, len, "!%zu", n);
	return buf;
}

static int cmp_unseen(const struct bmc_host *a, const struct bmc_host *b)
{
	size_t x = unseen_of(unseen_engine, a), y = unseen_of(unseen_engine, b);

	return x < y ? -1 : x > y;
}

const char *tui_column_text(struct tui *t, int c, const struct bmc_host *h, char *buf, size_t len,
			    int *pair)
{
	*pair = 0;
	switch (c) {
	case TCOL_NAME:
		return h->cfg->name;
	case TCOL_ADDR:
		return h->cfg->address;
	case TCOL_GROUP:
		return h->cfg->group ? h->cfg->group : "-";
	case TCOL_PROTO:
		return h->protocol ? bmc_source_name(h->protocol) : fleet_protocol_name(h->cfg->protocol);
	case TCOL_POWER:
		*pair = h->power == BMC_POWER_ON ? PAIR_OK : PAIR_DIM;
		return bmc_power_name(h->power);
	case TCOL_HEALTH:
		/* What is known: a host that never answered has no health yet. */
		if (h->state == HOST_OK || h->health != BMC_HEALTH_UNKNOWN) {
			*pair = tui_health_pair(h->health);
			return bmc_health_name(h->health);
		}
		*pair = h->state == HOST_NEW ? PAIR_DIM : h->state == HOST_PARKED ? PAIR_CRIT : PAIR_WARN;
		return filter_state_word(h);
	case TCOL_TEMP:
		return metric_text(h, FILTER_TEMP, "C", buf, len);
	case TCOL_INLET:
		return metric_text(h, FILTER_INLET, "C", buf, len);
	case TCOL_CPU:
		return metric_text(h, FILTER_CPU, "C", buf, len);
	case TCOL_FANS:
		return metric_text(h, FILTER_FANS, "", buf, len);
	case TCOL_WATTS:
		return metric_text(h, FILTER_WATTS, "W", buf, len);
	case TCOL_AGE:
		return tui_age(h->updated_ms, buf, len);
	case TCOL_MODEL:
		return h->model ? h->model : "-";
	case TCOL_SERIAL:
		return h->serial ? h->serial : "-";
	case TCOL_FW:
		return h->firmware ? h->firmware : "-";
	case TCOL_CONSOLE:
		return h->cfg->console ? h->cfg->console : "sol";
	case TCOL_ERROR:
		*pair = h->state == HOST_PARKED ? PAIR_CRIT : PAIR_WARN;
		return h->error ? h->error : "";
	case TCOL_TREND:
	case TCOL_WTREND:
		return tui_column_spark(t, c, h, tui_column(c)->width, buf, len);
	case TCOL_UNSEEN:
		return unseen_text(t, h, buf, len, pair);
	}
	(void)t;
	return "";
}

/* Worst first when descending: parked, unreachable, critical, warning, ok. */
static int health_rank(const struct bmc_host *h)
{
	if (h->state == HOST_PARKED)
		return 6;
	if (h->state == HOST_UNREACHABLE || h->state == HOST_ERROR)
		return 5;
	if (h->health == BMC_HEALTH_CRITICAL)
		return 4;
	if (h->health == BMC_HEALTH_WARNING)
		return 3;
	if (h->state == HOST_NEW)
		return 2;
	return h->health == BMC_HEALTH_OK ? 1 : 0;
}

static int cmp_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL); /* missing last */
	return strcasecmp(a, b);
}

static int cmp_metric(const struct bmc_host *a, const struct bmc_host *b, enum filter_metric m,
		      int desc)
{
	int64_t now = engine_wall_ms();
	double x, y;
	int hx = filter_metric(a, m, now, &x), hy = filter_metric(b, m, now, &y);

	if (hx != hy)
		return hy - hx; /* without a reading: last either way */
	if (!hx || x == y)
		return 0;
	return (x < y ? -1 : 1) * (desc ? -1 : 1);
}

/* Order of a and b by column c; desc reverses it, hosts without a value
 * stay last.  0 when equal (the caller falls back to fleet order). */
int tui_column_cmp(int c, const struct bmc_host *a, const struct bmc_host *b, int desc)
{
	int r = 0, sign = desc ? -1 : 1;

	switch (c) {
	case TCOL_NAME:
		r = a->index < b->index ? -1 : a->index > b->index;
		break;
	case TCOL_ADDR:
		r = cmp_str(a->cfg->address, b->cfg->address);
		break;
	case TCOL_GROUP:
		r = cmp_str(a->cfg->group, b->cfg->group);
		if (a->cfg->group == NULL || b->cfg->group == NULL)
			return r;
		break;
	case TCOL_PROTO:
		r = a->protocol - b->protocol;
		break;
	case TCOL_POWER:
		r = (int)a->power - (int)b->power;
		break;
	case TCOL_HEALTH:
		r = health_rank(a) - health_rank(b);
		break;
	case TCOL_TEMP:
		return cmp_metric(a, b, FILTER_TEMP, desc);
	case TCOL_INLET:
		return cmp_metric(a, b, FILTER_INLET, desc);
	case TCOL_CPU:
		return cmp_metric(a, b, FILTER_CPU, desc);
	case TCOL_FANS:
		return cmp_metric(a, b, FILTER_FANS, desc);
	case TCOL_WATTS:
		return cmp_metric(a, b, FILTER_WATTS, desc);
	case TCOL_AGE:
		return cmp_metric(a, b, FILTER_AGE, desc);
	case TCOL_MODEL:
		r = cmp_str(a->model, b->model);
		if (a->model == NULL || b->model == NULL)
			return r;
		break;
	case TCOL_SERIAL:
		r = cmp_str(a->serial, b->serial);
		if (a->serial == NULL || b->serial == NULL)
			return r;
		break;
	case TCOL_FW:
		r = cmp_str(a->firmware, b->firmware);
		if (a->firmware == NULL || b->firmware == NULL)
			return r;
		break;
	case TCOL_CONSOLE:
		r = cmp_str(a->cfg->console ? a->cfg->console : "sol",
			    b->cfg->console ? b->cfg->console : "sol");
		break;
	case TCOL_ERROR:
		r = cmp_str(a->error, b->error);
		if (a->error == NULL || b->error == NULL)
			return r;
		break;
	case TCOL_TREND: /* by what the trend ends at: now */
		return cmp_metric(a, b, FILTER_TEMP, desc);
	case TCOL_WTREND:
		return cmp_metric(a, b, FILTER_WATTS, desc);
	case TCOL_UNSEEN:
		r = cmp_unseen(a, b);
		break;
	}
	return r * sign;
}

/* Sparklines: the recorder's last hour in memory (core/record.h), no disk
 * read, so every visible row of every frame may ask. */

int tui_utf8(void)
{
	static int known = -1;
	const char *cs;

	if (known < 0) {
		cs = nl_langinfo(CODESET);
		known = cs != NULL && strcmp(cs, "UTF-8") == 0;
	}
	return known;
}

const char *tui_column_spark(struct tui *t, int c, const struct bmc_host *h, int w, char *buf,
			     size_t len)
{
	const struct recorder *r = record_of(t->e);
	float v[HIST_RAW_N];
	size_t n, i;

	if (c != TCOL_TREND && c != TCOL_WTREND)
		return NULL;
	if (r == NULL || w <= 0 || len < GRAPH_SPARK_BYTES(w)) {
		snprintf(buf, len, "-");
		return buf;
	}
	n = record_trend(r, h, c == TCOL_TREND ? TREND_TEMP_MAX : TREND_POWER,
			 engine_wall_ms() / 1000, v, HIST_RAW_N);
	/* Until there is an hour of it: a step a cell, from the first reading
	 * (a fleet started together shares the scale), not one cell at the end. */
	for (i = 0; i < n && isnan(v[i]); i++)
		;
	if (n - i < (size_t)w)
		i = n > (size_t)w ? n - (size_t)w : 0;
	if (graph_spark(v + i, n - i, w, tui_utf8(), buf, len) == 0)
		snprintf(buf, len, "%*s", w, "-");
	return buf;
}

/* Settings: $XDG_CONFIG_HOME/bmctop/dashboard.conf. */

#define SETTINGS_NAME "dashboard.conf"
#define SETTINGS_MAX 4096

static char *settings_path(void)
{
	char *dir = paths_config_dir(), *path = xasprintf("%s/" SETTINGS_NAME, dir);

	free(dir);
	return path;
}

static int apply_line(struct tui *t, char *line, char *err, size_t errlen)
{
	char *eq = strchr(line, '='), *key = line, *value, *end;
	int c;

	if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
		return 0;
	if (eq == NULL) {
		snprintf(err, errlen, "expected KEY = VALUE");
		return BMC_ECONFIG;
	}
	*eq = '\0';
	value = eq + 1 + strspn(eq + 1, " \t");
	for (end = eq; end > key && (end[-1] == ' ' || end[-1] == '\t'); end--)
		end[-1] = '\0';
	if (strcmp(key, "columns") == 0)
		return tui_columns_set(t, value, err, errlen);
	if (strcmp(key, "sort") == 0) {
		char name[32] = "", dir[8] = "";

		if (sscanf(value, "%31s %7s", name, dir) < 1)
			name[0] = '\0';
		c = tui_column_by_name(name);
		if (c < 0) {
			snprintf(err, errlen, "sort: no column '%s'", name);
			return BMC_ECONFIG;
		}
		t->sort_col = c;
		t->sort_desc = strcmp(dir, "desc") == 0;
		return 0;
	}
	snprintf(err, errlen, "unknown setting '%s'", key);
	return BMC_ECONFIG;
}

void tui_columns_load(struct tui *t)
{
	char *path = settings_path(), *line, *save = NULL, err[200];
	uint8_t *data = NULL;
	size_t len = 0;
	int rc, n = 0;

	unseen_engine = t->e;
	rc = state_file_read(path, SETTINGS_MAX, &data, &len);
	if (rc == 0) {
		for (line = strtok_r((char *)data, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save)) {
			n++;
			if (apply_line(t, line, err, sizeof err) != 0) {
				tui_logf(t, "%s:%d: %s", path, n, err);
				break;
			}
		}
	} else if (rc != -ENOENT) {
		tui_logf(t, "settings not read (%s), defaults shown: %s", paths_strerror(rc), path);
	}
	free(data);
	free(path);
}

int tui_columns_save(struct tui *t, char *err, size_t errlen)
{
	char *dir = paths_config_dir(), *path = settings_path(), list[512], *text;
	int rc;

	tui_columns_list(t, list, sizeof list);
	text = xasprintf("# bmctop dashboard settings (written by :cols and the sort keys)\n"
			 "columns = %s\nsort = %s %s\n",
			 list, columns[t->sort_col].name, t->sort_desc ? "desc" : "asc");
	rc = paths_mkdir_p(dir, 0700);
	if (rc == 0)
		rc = state_file_write_now(path, (const uint8_t *)text, strlen(text));
	if (rc != 0)
		snprintf(err, errlen, "cannot save %s: %s", path, paths_strerror(rc));
	free(text);
	free(dir);
	free(path);
	return rc;
}
