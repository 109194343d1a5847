/*
 * tui/cmdline.c - command mode (':', as in vim and k9s): a line typed on
 * the message line, run by the command table tui_commands[] (name,
 * arguments, help: what the help overlay lists), with Tab completion of
 * commands, their words, host names and groups, and a history on Up/Down.
 *
 * Actions (power, boot, identify) go through tui/keys.c's confirmation
 * dialog, the same path as the keys; targets are host names, ranges
 * (node[01-08]) and @groups, or nothing for the marked hosts, else the
 * selected one.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/filter.h"
#include "core/hostrange.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "tui/internal.h"

#define CMD_MAX 256
#define CMD_HISTORY 50
#define KEY_ESC 27
#define KEY_CTRL(c) ((c) & 0x1f)

struct tui_cmdline {
	int open;
	char buf[CMD_MAX];
	char *history[CMD_HISTORY]; /* oldest first */
	size_t nhistory;
	size_t browse; /* nhistory: the line being typed */
	char typed[CMD_MAX]; /* what was typed before browsing */
};

/* A message on the message line, not in the action log. */
static void say(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof t->status, fmt, ap);
	va_end(ap);
	tui_mark_dirty(t);
}

/* Targets. */

static int find_host(const struct tui *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->e->nhosts; i++)
		if (strcmp(t->e->hosts[i].cfg->name, name) == 0)
			return (int)i;
	for (i = 0; i < t->e->nhosts; i++)
		if (strcasecmp(t->e->hosts[i].cfg->name, name) == 0)
			return (int)i;
	return -1;
}

static void add_target(size_t *out, size_t *n, unsigned char *seen, size_t host)
{
	if (!seen[host]) {
		seen[host] = 1;
		out[(*n)++] = host;
	}
}

/* One word: @group, a range, or a name. */
static int add_word(struct tui *t, const char *w, size_t *out, size_t *n, unsigned char *seen,
		    char *err, size_t errlen)
{
	struct hostrange hr;
	char msg[128];
	size_t i, before = *n;
	int h;

	if (w[0] == '@') {
		for (i = 0; i < t->e->nhosts; i++) {
			const char *g = t->e->hosts[i].cfg->group;

			if (g != NULL && strcasecmp(g, w + 1) == 0)
				add_target(out, n, seen, i);
		}
		if (*n == before) {
			snprintf(err, errlen, "no host is in group '%s'", w + 1);
			return -1;
		}
		return 0;
	}
	if (hostrange_parse(&hr, w, msg, sizeof msg) != 0) {
		snprintf(err, errlen, "%s: %s", w, msg);
		return -1;
	}
	for (i = 0; i < hr.count; i++) {
		char *name = hostrange_get(&hr, i);

		h = find_host(t, name);
		if (h < 0) {
			snprintf(err, errlen, "no host '%s' in the fleet", name);
			free(name);
			hostrange_free(&hr);
			return -1;
		}
		add_target(out, n, seen, (size_t)h);
		free(name);
	}
	hostrange_free(&hr);
	return 0;
}

size_t *tui_cmdline_targets(struct tui *t, const char *words, size_t *n, char *err, size_t errlen)
{
	size_t *out = xcalloc(t->e->nhosts ? t->e->nhosts : 1, sizeof *out);
	unsigned char *seen = xcalloc(t->e->nhosts ? t->e->nhosts : 1, 1);
	char *copy = xstrdup(words), *w, *save = NULL;

	*n = 0;
	for (w = strtok_r(copy, " \t,", &save); w != NULL; w = strtok_r(NULL, " \t,", &save)) {
		if (add_word(t, w, out, n, seen, err, errlen) != 0) {
			free(out);
			out = NULL;
			break;
		}
	}
	free(copy);
	free(seen);
	return out;
}

/* Commands. */

static char *next_arg(char **args)
{
	char *p = *args + strspn(*args, " \t"), *end;

	if (*p == '\0')
		return NULL;
	end = p + strcspn(p, " \t");
	if (*end != '\0')
		*end++ = '\0';
	*args = end;
	return p;
}

static int word_in(const char *w, const char *const *words)
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(words[i], w) == 0)
			return i;
	return -1;
}

static void act(struct tui *t, struct tui_action a, const char *targets)
{
	char err[200];
	size_t n, *hosts = tui_cmdline_targets(t, targets, &n, err, sizeof err);

	if (hosts == NULL) {
		say(t, "%s: %s", a.label, err);
		return;
	}
	if (n == 0 && tui_selected_host(t) == NULL && t->nmarked == 0)
		say(t, "%s: no host is marked or selected", a.label);
	else
		tui_keys_ask_hosts(t, a, hosts, n);
	free(hosts);
}

/* The first argument, one of words; -1 (and the usage said) otherwise. */
static int pick(struct tui *t, char **args, const char *const *words, const char *usage)
{
	char *w = next_arg(args);
	int i = w ? word_in(w, words) : -1;

	if (i < 0)
		say(t, "%s", usage);
	return i;
}

static void c_power(struct tui *t, char *args)
{
	static const char *const words[] = { "on", "off", "cycle", "reset", "soft", NULL };
	static const enum bmc_power_action acts[] = { POWER_ON, POWER_OFF, POWER_CYCLE, POWER_RESET,
						      POWER_SOFT };
	struct tui_action a = { .kind = ACT_POWER };
	int i = pick(t, &args, words, ":power: expected on, off, cycle, reset or soft, then hosts");

	if (i < 0)
		return;
	a.power = acts[i];
	snprintf(a.label, sizeof a.label, "power %s", bmc_power_action_name(a.power));
	act(t, a, args);
}

static void c_boot(struct tui *t, char *args)
{
	static const char *const words[] = { "pxe", "disk", "bios", "cdrom", NULL };
	static const enum bmc_boot_device devs[] = { BOOT_PXE, BOOT_DISK, BOOT_BIOS, BOOT_CDROM };
	struct tui_action a = { .kind = ACT_BOOT };
	int i = pick(t, &args, words, ":boot: expected pxe, disk, bios or cdrom, then hosts");

	if (i < 0)
		return;
	a.boot = devs[i];
	snprintf(a.label, sizeof a.label, "next boot %s", bmc_boot_device_name(a.boot));
	act(t, a, args);
}

static void c_identify(struct tui *t, char *args)
{
	struct tui_action a = { .kind = ACT_IDENTIFY, .label = "identify (15 s)" };

	act(t, a, args);
}

static void c_sort(struct tui *t, char *args)
{
	char *w = next_arg(&args), *dir = next_arg(&args), buf[48];
	int c = w ? tui_column_by_name(w) : -1;

	if (c < 0 || (dir != NULL && strcasecmp(dir, "asc") != 0 && strcasecmp(dir, "desc") != 0)) {
		say(t, ":sort COLUMN [asc|desc]: columns as in :cols");
		return;
	}
	tui_list_sort_by(t, c, dir ? strcasecmp(dir, "desc") == 0 : tui_column(c)->desc);
	say(t, "sorted by %s", tui_list_sort_text(t, buf, sizeof buf));
}

static void c_filter(struct tui *t, char *args)
{
	args += strspn(args, " \t");
	t->view = VIEW_LIST;
	if (strlen(args) >= sizeof t->filter) {
		say(t, ":filter: at most %zu characters", sizeof t->filter - 1);
		return;
	}
	if (tui_list_set_filter(t, args) != 0)
		say(t, "filter: %s", t->filt_err);
	else if (args[0] != '\0')
		say(t, "%zu of %zu hosts", t->norder, t->e->nhosts);
	else
		say(t, "filter cleared");
}

static void c_cols(struct tui *t, char *args)
{
	char err[256], list[512];

	args += strspn(args, " \t");
	if (*args == '\0') {
		tui_columns_list(t, list, sizeof list);
		say(t, "columns: %s", list);
		return;
	}
	if (strcasecmp(args, "default") == 0) {
		tui_columns_default(t);
	} else if (tui_columns_set(t, args, err, sizeof err) != 0) {
		say(t, ":cols: %s", err);
		return;
	}
	if (tui_columns_save(t, err, sizeof err) != 0) {
		say(t, "%s", err);
		return;
	}
	tui_columns_list(t, list, sizeof list);
	say(t, "columns: %s (saved)", list);
}

/* The position of host h in the list, clearing the filter if it hides h. */
static size_t position_of(struct tui *t, size_t h)
{
	size_t i;

	for (i = 0; i < t->norder; i++)
		if (t->order[i] == h)
			return i;
	t->filter[0] = '\0';
	t->group = NULL;
	t->order_dirty = 1;
	tui_list_reorder(t);
	for (i = 0; i < t->norder; i++)
		if (t->order[i] == h)
			return i;
	return 0;
}

/* Select host w in the list, or say there is none: 0 or -1. */
static int select_named(struct tui *t, const char *w)
{
	int h = find_host(t, w);

	if (h < 0) {
		say(t, "no host '%s' in the fleet", w);
		return -1;
	}
	t->view = VIEW_LIST;
	t->selected = position_of(t, (size_t)h);
	t->detail_scroll = 0;
	return 0;
}

static void c_goto(struct tui *t, char *args)
{
	char *w = next_arg(&args);

	if (w == NULL)
		say(t, ":goto HOST");
	else
		select_named(t, w);
}

static void c_sel(struct tui *t, char *args)
{
	char err[200];
	size_t n, i, *hosts = tui_cmdline_targets(t, args, &n, err, sizeof err);

	if (hosts == NULL) {
		say(t, ":sel: %s", err);
		return;
	}
	if (n == 0) {
		say(t, ":sel HOSTS (names, node[01-08], @group)");
		free(hosts);
		return;
	}
	memset(t->marked, 0, t->e->nhosts);
	for (i = 0; i < n; i++)
		t->marked[hosts[i]] = 1;
	t->nmarked = n;
	say(t, "%zu host%s marked", n, n == 1 ? "" : "s");
	free(hosts);
}

static void c_relays(struct tui *t, char *args)
{
	(void)args;
	tui_vnc_list_dialog(t);
}

static void c_events(struct tui *t, char *args)
{
	tui_events_open(t, args);
}

static void c_graph(struct tui *t, char *args)
{
	char *w = next_arg(&args);

	if (w == NULL)
		tui_graph_key_open(t, 'T');
	else if (select_named(t, w) == 0)
		tui_graph_open_host(t);
}

static void c_stats(struct tui *t, char *args)
{
	double p50, p99, max;

	(void)args;
	tui_frame_stats(t, &p50, &p99, &max);
	say(t, "frames: %llu, %zu hosts; last %zu: median %.2f ms, p99 %.2f ms, worst %.2f ms",
	    (unsigned long long)t->frames, t->e->nhosts, t->nframe_ns, p50, p99, max);
	log_info("tui: %s", t->status);
}

static void c_wall(struct tui *t, char *args)
{
	(void)args;
	tui_wall_open(t);
}

static void c_quit(struct tui *t, char *args)
{
	(void)args;
	tui_keys_handle(t, 'q', 0); /* as the key does, with its questions */
}

static void c_help(struct tui *t, char *args)
{
	char *w = next_arg(&args);
	size_t i;

	for (i = 0; w != NULL && i < tui_ncommands; i++) {
		if (strcasecmp(tui_commands[i].name, w) == 0) {
			say(t, ":%s %s - %s", tui_commands[i].name, tui_commands[i].args,
			    tui_commands[i].help);
			return;
		}
	}
	t->dialog = DIALOG_HELP;
}

const struct tui_command tui_commands[] = {
	{ "power", "on|off|cycle|reset|soft [HOSTS]", "power action, asked first", c_power },
	{ "boot", "pxe|disk|bios|cdrom [HOSTS]", "next boot device, asked first", c_boot },
	{ "identify", "[HOSTS]", "blink the chassis light for 15 s", c_identify },
	{ "sort", "COLUMN [asc|desc]", "sort the list by a column", c_sort },
	{ "filter", "[EXPR]", "filter the list (empty: clear); the language of /", c_filter },
	{ "cols", "[COL,...|default]", "choose the columns and their order (saved)", c_cols },
	{ "sel", "HOSTS", "mark exactly these hosts", c_sel },
	{ "goto", "HOST", "move the cursor to a host", c_goto },
	{ "relays", "", "list the VNC relays", c_relays },
	{ "graph", "[HOST]", "graph a host's temperatures, fans, power (T)", c_graph },
	{ "wall", "", "the screens of the marked (else shown) hosts as tiles (W)", c_wall },
	{ "events", "[FILTER]", "the Events view (E), filtered: host: kind: to: acked:no", c_events },
	{ "stats", "", "frame times: median, p99, worst (also to the log)", c_stats },
	{ "quit", "", "quit, as q", c_quit },
	{ "help", "[COMMAND]", "a command's use, or the keys", c_help },
};

const size_t tui_ncommands = sizeof tui_commands / sizeof tui_commands[0];

#define NCOMMANDS (sizeof tui_commands / sizeof tui_commands[0])

/* The help overlay's lines for the command table: ":name" and what it does
 * with its arguments, made on first use (the overlay keeps the pointers). */
int tui_cmdline_help_line(const struct tui *t, size_t i, const char **names, const char **help)
{
	static char name_buf[NCOMMANDS][24], help_buf[NCOMMANDS][160];

	(void)t;
	if (i >= NCOMMANDS)
		return 0;
	if (name_buf[i][0] == '\0') {
		snprintf(name_buf[i], sizeof name_buf[i], ":%s", tui_commands[i].name);
		snprintf(help_buf[i], sizeof help_buf[i], "%s (:%s%s%s)", tui_commands[i].help,
			 tui_commands[i].name, tui_commands[i].args[0] ? " " : "",
			 tui_commands[i].args);
	}
	*names = name_buf[i];
	*help = help_buf[i];
	return 1;
}

static const struct tui_command *find_command(const char *name)
{
	const struct tui_command *found = NULL;
	size_t i, n = strlen(name), matches = 0;

	for (i = 0; i < tui_ncommands; i++) {
		if (strcasecmp(tui_commands[i].name, name) == 0)
			return &tui_commands[i];
		if (strncasecmp(tui_commands[i].name, name, n) == 0) {
			found = &tui_commands[i];
			matches++;
		}
	}
	/* A unique prefix names its command (:q, :pow). */
	return matches == 1 ? found : NULL;
}

void tui_cmdline_run(struct tui *t, const char *line)
{
	char *copy = xstrdup(line), *args = copy, *name;
	const struct tui_command *c;

	name = next_arg(&args);
	if (name == NULL) {
		free(copy);
		return;
	}
	c = find_command(name);
	if (c == NULL)
		say(t, "no command '%s' (Tab lists them; :help)", name);
	else
		c->fn(t, args);
	free(copy);
	tui_mark_dirty(t);
}

/* Completion. */

struct candidates {
	const char *word[64];
	size_t n, total;
};

static void offer(struct candidates *c, const char *prefix, const char *w)
{
	size_t i;

	if (strncasecmp(w, prefix, strlen(prefix)) != 0)
		return;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->word[i], w) == 0)
			return;
	c->total++;
	if (c->n < sizeof c->word / sizeof c->word[0])
		c->word[c->n++] = w;
}

static void offer_words(struct candidates *c, const char *prefix, const char *const *words)
{
	for (; *words != NULL; words++)
		offer(c, prefix, *words);
}

static void offer_hosts(struct tui *t, struct candidates *c, const char *prefix)
{
	static char at[64][40];
	size_t i, nat = 0;

	if (prefix[0] == '@') {
		for (i = 0; i < t->e->nhosts && nat < 64; i++) {
			const char *g = t->e->hosts[i].cfg->group;
			size_t before = c->n;

			if (g == NULL)
				continue;
			snprintf(at[nat], sizeof at[nat], "@%s", g);
			offer(c, prefix, at[nat]);
			if (c->n > before)
				nat++;
		}
		return;
	}
	for (i = 0; i < t->e->nhosts; i++)
		offer(c, prefix, t->e->hosts[i].cfg->name);
}

static void offer_columns(struct candidates *c, const char *prefix)
{
	int i;

	for (i = 0; i < TCOL__MAX; i++)
		offer(c, prefix, tui_column(i)->name);
}

/* A filter's words: keys (health:), a key's values (health:critical),
 * groups and host names. */
static void offer_filter(struct tui *t, struct candidates *c, const char *prefix)
{
	static char made[64][48];
	char key[16];
	const char *colon = strchr(prefix, ':');
	const char *const *values;
	size_t i, nmade = 0;

	if (colon == NULL) {
		for (i = 0; filter_key_names[i] != NULL && nmade < 64; i++) {
			snprintf(made[nmade], sizeof made[nmade], "%s:", filter_key_names[i]);
			offer(c, prefix, made[nmade++]);
		}
		offer_hosts(t, c, prefix);
		return;
	}
	if (strncasecmp(prefix, "group:", 6) == 0) {
		for (i = 0; i < t->e->nhosts && nmade < 64; i++) {
			size_t before = c->n;

			if (t->e->hosts[i].cfg->group == NULL)
				continue;
			snprintf(made[nmade], sizeof made[nmade], "group:%s",
				 t->e->hosts[i].cfg->group);
			offer(c, prefix, made[nmade]);
			nmade += c->n > before;
		}
		return;
	}
	snprintf(key, sizeof key, "%.*s", (int)(colon - prefix), prefix);
	values = filter_key_values(key);
	for (i = 0; values != NULL && values[i] != NULL && nmade < 64; i++) {
		snprintf(made[nmade], sizeof made[nmade], "%.*s%s", (int)(colon - prefix + 1), prefix,
			 values[i]);
		offer(c, prefix, made[nmade++]);
	}
}

/* Candidates for the word being typed (nth word of the line, after cmd). */
static void complete_word(struct tui *t, const char *cmd, int nth, const char *prefix,
			  struct candidates *c)
{
	static const char *const power[] = { "on", "off", "cycle", "reset", "soft", NULL };
	static const char *const boot[] = { "pxe", "disk", "bios", "cdrom", NULL };
	static const char *const dirs[] = { "asc", "desc", NULL };
	size_t i;

	if (nth == 0) {
		for (i = 0; i < tui_ncommands; i++)
			offer(c, prefix, tui_commands[i].name);
		return;
	}
	if (strcmp(cmd, "power") == 0 && nth == 1)
		offer_words(c, prefix, power);
	else if (strcmp(cmd, "boot") == 0 && nth == 1)
		offer_words(c, prefix, boot);
	else if (strcmp(cmd, "sort") == 0 && nth == 1)
		offer_columns(c, prefix);
	else if (strcmp(cmd, "sort") == 0)
		offer_words(c, prefix, dirs);
	else if (strcmp(cmd, "cols") == 0)
		offer_columns(c, prefix);
	else if (strcmp(cmd, "filter") == 0)
		offer_filter(t, c, prefix);
	else if (strcmp(cmd, "help") != 0)
		offer_hosts(t, c, prefix);
	else if (strcmp(cmd, "help") == 0)
		for (i = 0; i < tui_ncommands; i++)
			offer(c, prefix, tui_commands[i].name);
}

static void complete(struct tui *t)
{
	struct tui_cmdline *cl = t->cmd;
	char *buf = cl->buf, cmd[32] = "", list[200];
	size_t len = strlen(buf), start = len, common, i, used = 0;
	struct candidates c = { .n = 0 };
	int nth = 0;
	const char *p;

	while (start > 0 && !strchr(" \t,", buf[start - 1]))
		start--;
	for (p = buf; p < buf + start; p += strcspn(p, " \t")) {
		p += strspn(p, " \t");
		if (p >= buf + start)
			break;
		if (nth == 0)
			snprintf(cmd, sizeof cmd, "%.*s", (int)strcspn(p, " \t"), p);
		nth++;
	}
	if (nth > 0 && find_command(cmd) != NULL)
		snprintf(cmd, sizeof cmd, "%s", find_command(cmd)->name);
	complete_word(t, cmd, nth, buf + start, &c);
	if (c.n == 0) {
		say(t, "nothing to complete");
		return;
	}
	common = strlen(c.word[0]);
	for (i = 1; i < c.n; i++) {
		size_t k = 0;

		while (k < common && tolower((unsigned char)c.word[i][k]) ==
					     tolower((unsigned char)c.word[0][k]))
			k++;
		common = k;
	}
	/* One match ends the word, unless it is a filter key waiting for its value. */
	if (start + common < CMD_MAX - 1)
		snprintf(buf + start, CMD_MAX - start, "%.*s%s", (int)common, c.word[0],
			 c.n == 1 && start + common < CMD_MAX - 2 && c.word[0][common - 1] != ':'
				 ? " "
				 : "");
	if (c.n > 1) {
		list[0] = '\0';
		for (i = 0; i < c.n && used < sizeof list; i++)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s ", c.word[i]);
		say(t, "%zu: %s%s", c.total, list, c.total > c.n ? "..." : "");
	}
}

/* The line editor. */

void tui_cmdline_init(struct tui *t)
{
	t->cmd = xcalloc(1, sizeof *t->cmd);
}

void tui_cmdline_free(struct tui *t)
{
	size_t i;

	if (t->cmd == NULL)
		return;
	for (i = 0; i < t->cmd->nhistory; i++)
		free(t->cmd->history[i]);
	free(t->cmd);
	t->cmd = NULL;
}

void tui_cmdline_open(struct tui *t)
{
	t->cmd->open = 1;
	t->cmd->buf[0] = '\0';
	t->cmd->browse = t->cmd->nhistory;
	t->status[0] = '\0';
}

int tui_cmdline_active(const struct tui *t)
{
	return t->cmd != NULL && t->cmd->open;
}

static void remember(struct tui_cmdline *cl, const char *line)
{
	if (line[strspn(line, " \t")] == '\0')
		return;
	if (cl->nhistory > 0 && strcmp(cl->history[cl->nhistory - 1], line) == 0)
		return;
	if (cl->nhistory == CMD_HISTORY) {
		free(cl->history[0]);
		memmove(cl->history, cl->history + 1, (CMD_HISTORY - 1) * sizeof *cl->history);
		cl->nhistory--;
	}
	cl->history[cl->nhistory++] = xstrdup(line);
}

static void browse(struct tui_cmdline *cl, int step)
{
	if (cl->browse == cl->nhistory)
		snprintf(cl->typed, sizeof cl->typed, "%s", cl->buf);
	if (step < 0 && cl->browse > 0)
		cl->browse--;
	else if (step > 0 && cl->browse < cl->nhistory)
		cl->browse++;
	snprintf(cl->buf, sizeof cl->buf, "%s",
		 cl->browse < cl->nhistory ? cl->history[cl->browse] : cl->typed);
}

void tui_cmdline_key(struct tui *t, int key)
{
	struct tui_cmdline *cl = t->cmd;
	size_t n = strlen(cl->buf);
	char line[CMD_MAX];

	if (key != '\t')
		t->status[0] = '\0'; /* the last completion's list is old news */
	if (key == KEY_ESC || key == KEY_CTRL('c')) {
		cl->open = 0;
	} else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		cl->open = 0;
		snprintf(line, sizeof line, "%s", cl->buf);
		remember(cl, line);
		tui_cmdline_run(t, line);
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (n == 0)
			cl->open = 0;
		else
			cl->buf[n - 1] = '\0';
	} else if (key == KEY_CTRL('u')) {
		cl->buf[0] = '\0';
	} else if (key == '\t') {
		complete(t);
	} else if (key == KEY_UP || key == KEY_DOWN) {
		browse(cl, key == KEY_UP ? -1 : 1);
	} else if (key >= 32 && key < 127 && n + 1 < sizeof cl->buf) {
		cl->buf[n] = (char)key;
		cl->buf[n + 1] = '\0';
	}
	tui_mark_dirty(t);
}

int tui_cmdline_draw(struct tui *t, int y)
{
	const char *buf;
	int len, skip;

	if (!tui_cmdline_active(t))
		return 0;
	buf = t->cmd->buf;
	len = (int)strlen(buf);
	/* A line longer than the screen shows its end, where the typing is. */
	skip = len + 2 > COLS ? len + 2 - COLS : 0;
	mvhline(y, 0, ' ', COLS);
	attron(A_BOLD);
	mvaddch(y, 0, ':');
	attroff(A_BOLD);
	addnstr(buf + skip, COLS - 1);
	if (t->status[0] != '\0' && len + 4 + (int)strlen(t->status) < COLS) {
		tui_set_color(t, PAIR_DIM, 1);
		mvaddstr(y, COLS - (int)strlen(t->status) - 1, t->status);
		tui_set_color(t, PAIR_DIM, 0);
	}
	move(y, 1 + len - skip);
	return 1;
}

void tui_cmdline_key_open(struct tui *t, int key)
{
	(void)key;
	tui_cmdline_open(t);
}
