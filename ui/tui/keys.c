/*
 * tui/keys.c - the dashboard's keys: the key table, the actions the keys
 * start on hosts (asked for in a confirmation dialog first), the dashboard's
 * own dialogs, the filter line and mouse clicks.
 *
 * Every key binding lives in one table, bindings[], which the help overlay
 * prints, so the help cannot drift from what the keys do.  A pane sees each
 * key before the table does (tui_panes_input), so a console that has the
 * keyboard gets every key but its prefix.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hostrange.h"
#include "core/sched.h"
#include "core/xalloc.h"
#include "tui/internal.h"

#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27

/* Actions. */

struct action_call {
	struct tui *t;
	struct tui_action a;
};

static void on_action_done(struct bmc_host *h, int status, void *arg)
{
	struct action_call *call = arg;
	struct tui *t = call->t;

	if (status == 0) {
		tui_logf(t, "%s: %s: done", h->cfg->name, call->a.label);
		if (call->a.kind == ACT_POWER || call->a.kind == ACT_BOOT)
			sched_poll_now(h);
	} else if (status != BMC_ECANCELED) {
		tui_logf(t, "%s: %s failed: %s", h->cfg->name, call->a.label,
			 h->error ? h->error : bmc_strerror(status));
	}
	free(call);
}

static void run_action(struct tui *t)
{
	size_t i;

	for (i = 0; i < t->ntargets; i++) {
		struct bmc_host *h = &t->e->hosts[t->targets[i]];
		struct action_call *call = xmalloc(sizeof *call);
		int rc = 0;

		call->t = t;
		call->a = t->pending;
		switch (t->pending.kind) {
		case ACT_POWER:
			rc = engine_power(h, t->pending.power, on_action_done, call);
			break;
		case ACT_BOOT:
			rc = engine_boot(h, t->pending.boot, 0, on_action_done, call);
			break;
		case ACT_IDENTIFY:
			rc = engine_identify(h, 15, on_action_done, call);
			break;
		case ACT_RETRY:
			sched_poll_now(h);
			free(call);
			continue;
		}
		if (rc != 0) {
			tui_logf(t, "%s: %s failed: %s", h->cfg->name, t->pending.label,
				 h->error ? h->error : bmc_strerror(rc));
			free(call);
		}
	}
	if (t->targets_marked) {
		/* Done with them: the next key acts on the selected host. */
		memset(t->marked, 0, t->e->nhosts ? t->e->nhosts : 1);
		t->nmarked = 0;
	}
	if (t->pending.kind == ACT_RETRY)
		tui_logf(t, "%s: polling now", t->ntargets == 1 ? t->e->hosts[t->targets[0]].cfg->name
								 : "marked hosts");
	else
		tui_logf(t, "%s sent to %zu host%s", t->pending.label, t->ntargets,
			 t->ntargets == 1 ? "" : "s");
}

/* The hosts an action applies to: the marked ones, else the selected one. */
static void collect_targets(struct tui *t)
{
	size_t i;

	free(t->targets);
	t->targets = xcalloc(t->e->nhosts ? t->e->nhosts : 1, sizeof *t->targets);
	t->ntargets = 0;
	t->targets_marked = t->nmarked > 0;
	if (t->nmarked > 0) {
		for (i = 0; i < t->e->nhosts; i++)
			if (t->marked[i])
				t->targets[t->ntargets++] = i;
	} else if (tui_selected_host(t) != NULL) {
		t->targets[t->ntargets++] = t->order[t->selected];
	}
}

static void ask(struct tui *t, struct tui_action a)
{
	if (a.kind != ACT_RETRY && tui_readonly_refuses(t, a.label))
		return;
	collect_targets(t);
	if (t->ntargets == 0)
		return;
	t->pending = a;
	/* Polling and blinking a light harm nothing: no question. */
	if (a.kind == ACT_RETRY || a.kind == ACT_IDENTIFY) {
		run_action(t);
		return;
	}
	t->confirm_typed[0] = '\0';
	t->dialog = DIALOG_CONFIRM;
}

static struct tui_action power_action(enum bmc_power_action p)
{
	struct tui_action a = { .kind = ACT_POWER, .power = p };

	snprintf(a.label, sizeof a.label, "power %s", bmc_power_action_name(p));
	return a;
}

/* Key handlers. */

typedef void (*key_fn)(struct tui *t, int key);

static void move_by(struct tui *t, long delta)
{
	long pos = (long)t->selected + delta;

	if (pos >= (long)t->norder)
		pos = (long)t->norder - 1;
	if (pos < 0)
		pos = 0;
	t->selected = (size_t)pos;
	t->detail_scroll = 0;
}

static size_t page(void)
{
	return LINES > 6 ? (size_t)LINES - 6 : 1;
}

static void k_down(struct tui *t, int key)
{
	if (t->view == VIEW_DETAIL && t->tab != TAB_POWER)
		t->detail_scroll++;
	else
		move_by(t, 1);
}

static void k_up(struct tui *t, int key)
{
	if (t->view == VIEW_DETAIL && t->tab != TAB_POWER) {
		if (t->detail_scroll > 0)
			t->detail_scroll--;
	} else {
		move_by(t, -1);
	}
}

static void k_pgdown(struct tui *t, int key)
{
	if (t->view == VIEW_DETAIL)
		t->detail_scroll += page();
	else
		move_by(t, (long)page());
}

static void k_pgup(struct tui *t, int key)
{
	if (t->view == VIEW_DETAIL)
		t->detail_scroll = t->detail_scroll > page() ? t->detail_scroll - page() : 0;
	else
		move_by(t, -(long)page());
}

static void k_home(struct tui *t, int key)
{
	t->selected = 0;
	t->detail_scroll = 0;
}

static void k_end(struct tui *t, int key)
{
	t->selected = t->norder ? t->norder - 1 : 0;
}

static void k_console(struct tui *t, int key)
{
	struct bmc_host *h = tui_selected_host(t);

	if (h != NULL)
		tui_console_pane.open(t, h);
}

static void k_vnc(struct tui *t, int key)
{
	struct bmc_host *h = tui_selected_host(t);

	(void)key;
	/* A viewer sends keys and clicks to the host: not while read-only. */
	if (h != NULL && !tui_readonly_refuses(t, "graphical console (a VNC viewer sends input)"))
		tui_vnc_pane.open(t, h);
}

static void open_detail(struct tui *t)
{
	if (tui_selected_host(t) != NULL) {
		t->view = VIEW_DETAIL;
		t->detail_scroll = 0;
	}
}

static void k_relays(struct tui *t, int key)
{
	tui_vnc_list_dialog(t);
}

static void k_enter(struct tui *t, int key)
{
	if (t->view == VIEW_DETAIL && t->tab == TAB_CONSOLE)
		k_console(t, key);
	else
		open_detail(t);
}

static void k_back(struct tui *t, int key)
{
	if (t->view == VIEW_DETAIL)
		t->view = VIEW_LIST;
	else if (t->filter[0] != '\0' || t->group != NULL) {
		t->filter[0] = '\0';
		t->group = NULL;
		t->order_dirty = 1;
	}
}

static void k_tab(struct tui *t, int key)
{
	if (t->view == VIEW_LIST) {
		k_enter(t, key);
		return;
	}
	t->tab = (enum tui_tab)((t->tab + (key == KEY_BTAB ? TAB__MAX - 1 : 1)) % TAB__MAX);
	t->detail_scroll = 0;
}

/* A tab by number: never opens a console (on a real BMC that activates
 * the payload and can take a colleague's console); C and Enter do. */
/* Left and right: the previous and next tab of a host; right opens the
 * selected host from the list. */
static void k_left_right(struct tui *t, int key)
{
	if (t->view == VIEW_LIST) {
		if (key == KEY_RIGHT)
			open_detail(t);
		return;
	}
	t->tab = (enum tui_tab)((t->tab + (key == KEY_LEFT ? TAB__MAX - 1 : 1)) % TAB__MAX);
	t->detail_scroll = 0;
}

static void k_tab_n(struct tui *t, int key)
{
	open_detail(t);
	t->tab = (enum tui_tab)(key - '1');
}

static void k_filter(struct tui *t, int key)
{
	t->typing_filter = 1;
	t->view = VIEW_LIST;
}

static void k_group(struct tui *t, int key)
{
	struct bmc_engine *e = t->e;
	const char *next = NULL;
	int take = t->group == NULL;
	size_t i;

	/* Cycle through the groups in fleet order, then back to all. */
	for (i = 0; i < e->nhosts && next == NULL; i++) {
		const char *g = e->hosts[i].cfg->group;
		size_t j;
		int seen = 0;

		if (g == NULL)
			continue;
		for (j = 0; j < i && !seen; j++)
			seen = e->hosts[j].cfg->group && strcmp(e->hosts[j].cfg->group, g) == 0;
		if (seen)
			continue;
		if (take)
			next = g;
		else if (strcmp(g, t->group) == 0)
			take = 1;
	}
	t->group = next;
	t->order_dirty = 1;
	tui_statusf(t, "group: %s", next ? next : "all");
}

static void k_sort(struct tui *t, int key)
{
	tui_list_sort_cycle(t); /* the status line shows the sort */
}

static void set_mark(struct tui *t, size_t host, int on)
{
	if (t->marked[host] == on)
		return;
	t->marked[host] = (unsigned char)on;
	if (on)
		t->nmarked++;
	else
		t->nmarked--;
}

static void k_mark(struct tui *t, int key)
{
	struct bmc_host *h = tui_selected_host(t);

	if (h == NULL)
		return;
	set_mark(t, h->index, !t->marked[h->index]);
	t->mark_anchor = t->selected;
	move_by(t, 1);
}

static void k_mark_range(struct tui *t, int key)
{
	size_t a = t->mark_anchor < t->selected ? t->mark_anchor : t->selected;
	size_t b = t->mark_anchor < t->selected ? t->selected : t->mark_anchor;

	for (; a <= b && a < t->norder; a++)
		set_mark(t, t->order[a], 1);
	tui_statusf(t, "%zu hosts marked", t->nmarked);
}

static void k_mark_all(struct tui *t, int key)
{
	size_t i;

	for (i = 0; i < t->norder; i++)
		set_mark(t, t->order[i], 1);
	tui_statusf(t, "%zu hosts marked", t->nmarked);
}

static void k_unmark_all(struct tui *t, int key)
{
	memset(t->marked, 0, t->e->nhosts ? t->e->nhosts : 1);
	t->nmarked = 0;
	tui_statusf(t, "marks cleared");
}

static void k_power_on(struct tui *t, int key)
{
	ask(t, power_action(POWER_ON));
}

static void k_power_off(struct tui *t, int key)
{
	ask(t, power_action(POWER_OFF));
}

static void k_power_cycle(struct tui *t, int key)
{
	ask(t, power_action(POWER_CYCLE));
}

static void k_power_reset(struct tui *t, int key)
{
	ask(t, power_action(POWER_RESET));
}

static void k_power_soft(struct tui *t, int key)
{
	ask(t, power_action(POWER_SOFT));
}

static void k_identify(struct tui *t, int key)
{
	struct tui_action a = { .kind = ACT_IDENTIFY, .label = "identify (15 s)" };

	ask(t, a);
}

static void k_boot(struct tui *t, int key)
{
	if (tui_readonly_refuses(t, "next boot device"))
		return;
	collect_targets(t);
	if (t->ntargets > 0)
		t->dialog = DIALOG_BOOT;
}

static void k_retry(struct tui *t, int key)
{
	struct tui_action a = { .kind = ACT_RETRY, .label = "poll now" };

	ask(t, a);
}

static void k_log(struct tui *t, int key)
{
	t->log_scroll = 0;
	t->dialog = DIALOG_LOG;
}

/* E: the Events view (tui/events-view.c); T: a host's or a sensor's graph (tui/graph-view.c). */
static void k_history(struct tui *t, int key)
{
	if (key == 'E')
		tui_events_key_open(t, key);
	else
		tui_graph_key_open(t, key);
}

static void k_help(struct tui *t, int key);

static void k_quit(struct tui *t, int key)
{
	char open[128];

	if (tui_panes_open(t, open, sizeof open) == 0)
		tui_quit(t);
	else
		t->dialog = DIALOG_QUIT;
}

static void k_redraw(struct tui *t, int key)
{
	clearok(curscr, TRUE);
}

struct binding {
	int keys[4];
	const char *names;
	const char *help;
	key_fn fn;
};

static const struct binding bindings[] = {
	{ { 'j', KEY_DOWN }, "j Down", "next host (scroll in a tab)", k_down },
	{ { 'k', KEY_UP }, "k Up", "previous host (scroll in a tab)", k_up },
	{ { KEY_NPAGE, KEY_CTRL('f') }, "PgDn ^F", "page down", k_pgdown },
	{ { KEY_PPAGE, KEY_CTRL('b') }, "PgUp ^B", "page up", k_pgup },
	{ { KEY_HOME, 'g' }, "Home g", "first host", k_home },
	{ { KEY_END, 'G' }, "End G", "last host", k_end },
	{ { '\r', '\n', KEY_ENTER }, "Enter", "open the host (on the Console tab: its console)",
	  k_enter },
	{ { KEY_ESC, KEY_BACKSPACE, 127, 'h' }, "Esc h", "back to the list; clear the filter", k_back },
	{ { '\t', KEY_BTAB }, "Tab S-Tab", "next / previous tab", k_tab },
	{ { KEY_LEFT, KEY_RIGHT }, "Left Right", "previous / next tab (Right opens the host)",
	  k_left_right },
	{ { '1', '2', '3', '4' }, "1-6", "Sensors, Power, Events, Inventory, Console, Screen tab",
	  k_tab_n },
	{ { '5', '6' }, NULL, NULL, k_tab_n },
	{ { '/' }, "/", "filter: words, health:crit temp>80 node[1-3] @rack",
	  k_filter },
	{ { '@' }, "@", "cycle through groups", k_group },
	{ { 's' }, "s", "sort by name, health, temperature, watts", k_sort },
	/* The view (tui/list.c, cmdline.c, header.c). */
	{ { '<', '>' }, "< >", "sort by the previous / next column", tui_list_key_sort_step },
	{ { 'I' }, "I", "reverse the sort", tui_list_key_sort_reverse },
	{ { ':' }, ":", "command mode (:help; Tab completes)", tui_cmdline_key_open },
	{ { 'H' }, "H", "show or hide the fleet header", tui_header_key_toggle },
	{ { ' ' }, "Space", "mark or unmark the host", k_mark },
	{ { 'v' }, "v", "mark the range from the last mark to here", k_mark_range },
	{ { 'a' }, "a", "mark every host shown", k_mark_all },
	{ { 'u' }, "u", "clear the marks", k_unmark_all },
	{ { 'o' }, "o", "power on (marked hosts, else this one)", k_power_on },
	{ { 'x' }, "x", "power off", k_power_off },
	{ { 'c' }, "c", "power cycle", k_power_cycle },
	{ { 'R' }, "R", "hard reset", k_power_reset },
	{ { 'S' }, "S", "soft (ACPI) shutdown", k_power_soft },
	{ { 'i' }, "i", "identify: blink the chassis light", k_identify },
	{ { 'C' }, "C", "serial console in a pane (^] then ? for its keys)", k_console },
	{ { 'V' }, "V", "graphical console: a VNC viewer through a local relay", k_vnc },
	{ { 'w' }, "w", "VNC relays: where to point a viewer; x stops one", k_relays },
	{ { 'W' }, "W", "the wall: screens of the marked (else shown) hosts as tiles",
	  tui_wall_key_open },
	{ { 'b' }, "b", "next boot device", k_boot },
	{ { 'r' }, "r", "poll now; retry a parked host", k_retry },
	{ { 'L' }, "L", "action log", k_log },
	{ { 'E', 'T' }, "E T", "fleet Events view (ack) / graph of the host, or of a sensor in Sensors",
	  k_history },
	{ { '?' }, "?", "this help", k_help },
	{ { KEY_CTRL('l') }, "^L", "redraw the screen", k_redraw },
	{ { 'q', KEY_CTRL('c') }, "q ^C", "quit (asks first while consoles or relays are open)",
	  k_quit },
};

#define NBINDINGS (sizeof bindings / sizeof bindings[0])

/* The help overlay: this table, then each pane's keys. */

static int bindings_help_line(const struct tui *t, size_t i, const char **names,
			      const char **help)
{
	(void)t;
	if (i >= NBINDINGS)
		return 0;
	*names = bindings[i].names;
	*help = bindings[i].help;
	return 1;
}

static void k_help(struct tui *t, int key)
{
	struct tui_help_source src[8];
	const struct tui_pane_ops *const *p;
	size_t n = 0;

	src[n].title = "Dashboard keys";
	src[n++].line = bindings_help_line;
	src[n].title = "Commands (type : then the command; Tab completes)";
	src[n++].line = tui_cmdline_help_line;
	for (p = t->panes; *p != NULL && n < sizeof src / sizeof src[0]; p++) {
		if ((*p)->help_line == NULL)
			continue;
		src[n].title = (*p)->help_title;
		src[n++].line = (*p)->help_line;
	}
	tui_help_open(t, src, n);
}

/* Dialogs. */

/* The targets' names as ranges ("node[01-64], web1"): a space after each
 * comma between names, so that the dialog wraps between them. */
static char *target_names(struct tui *t)
{
	const char **names = xcalloc(t->ntargets ? t->ntargets : 1, sizeof *names);
	char *s, *out;
	size_t i, o = 0;
	int depth = 0;

	for (i = 0; i < t->ntargets; i++)
		names[i] = t->e->hosts[t->targets[i]].cfg->name;
	s = hostrange_compress(names, t->ntargets);
	free(names);
	out = xmalloc(2 * strlen(s) + 1);
	for (i = 0; s[i] != '\0'; i++) {
		depth += s[i] == '[' ? 1 : s[i] == ']' ? -1 : 0;
		out[o++] = s[i];
		if (s[i] == ',' && depth == 0)
			out[o++] = ' ';
	}
	out[o] = '\0';
	free(s);
	return out;
}

/* Targets whose last poll failed: no answer, an error, or a parked login. */
static size_t targets_unreachable(struct tui *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->ntargets; i++) {
		enum bmc_host_state st = t->e->hosts[t->targets[i]].state;

		if (st == HOST_UNREACHABLE || st == HOST_PARKED || st == HOST_ERROR)
			n++;
	}
	return n;
}

static void draw_confirm(struct tui *t)
{
	int w = COLS > 80 ? 76 : COLS - 4, h = 12, y, x, line, rows;
	size_t down = targets_unreachable(t);
	char *names = target_names(t), msg[128];

	h = tui_draw_dialog(w, h, "Confirm", &y, &x);
	tui_set_color(t, PAIR_WARN, 1);
	mvprintw(y + 2, x + 2, "%s on %zu host%s:", t->pending.label, t->ntargets,
		 t->ntargets == 1 ? "" : "s");
	tui_set_color(t, PAIR_WARN, 0);
	rows = h - 8;
	if (tui_wrap_lines(names, w - 4, 0) > rows) {
		tui_draw_wrapped(y + 3, x + 2, w - 4, 0, rows - 1, names, 0);
		mvaddnstr(y + 2 + rows, x + 2, "... (more: narrow them with ranges or a filter)",
			  w - 4);
	} else {
		tui_draw_wrapped(y + 3, x + 2, w - 4, 0, rows, names, 0);
	}
	free(names);
	line = y + h - 4;
	if (down > 0) {
		snprintf(msg, sizeof msg,
			 "warning: %zu of them are unreachable or failing (last poll)", down);
		tui_set_color(t, PAIR_CRIT, 1);
		mvaddnstr(line, x + 2, msg, w - 4);
		tui_set_color(t, PAIR_CRIT, 0);
	}
	if (t->ntargets > TUI_CONFIRM_TYPED) {
		snprintf(msg, sizeof msg, "type %zu and Enter to do it: %s", t->ntargets,
			 t->confirm_typed);
		mvaddnstr(y + h - 2, x + 2, msg, w - 4);
		addstr("    Esc: cancel");
	} else {
		mvaddnstr(y + h - 2, x + 2, "y: do it    n, Esc: cancel", w - 4);
	}
}

/* A key in the confirmation: 1 while it stays open. */
static int confirm_key(struct tui *t, int key)
{
	char want[24];
	size_t n = strlen(t->confirm_typed);

	if (t->ntargets <= TUI_CONFIRM_TYPED) {
		if (key == 'y' || key == 'Y')
			run_action(t);
		else
			tui_logf(t, "%s canceled", t->pending.label);
		return 0;
	}
	if (key >= '0' && key <= '9' && n + 1 < sizeof t->confirm_typed) {
		t->confirm_typed[n] = (char)key;
		t->confirm_typed[n + 1] = '\0';
		return 1;
	}
	if ((key == KEY_BACKSPACE || key == 127 || key == 8) && n > 0) {
		t->confirm_typed[n - 1] = '\0';
		return 1;
	}
	if (key != '\r' && key != '\n' && key != KEY_ENTER) {
		tui_logf(t, "%s canceled", t->pending.label);
		return 0;
	}
	snprintf(want, sizeof want, "%zu", t->ntargets);
	if (strcmp(want, t->confirm_typed) == 0) {
		run_action(t);
		return 0;
	}
	tui_logf(t, "%s canceled: typed %s, not %zu (the number of hosts)", t->pending.label,
		 t->confirm_typed[0] ? t->confirm_typed : "nothing", t->ntargets);
	return 0;
}

static void draw_quit(struct tui *t)
{
	char open[128], line[160];
	int h, y, x, w = COLS > 64 ? 60 : COLS - 4;

	tui_panes_open(t, open, sizeof open);
	h = tui_draw_dialog(w, 7, "Quit?", &y, &x);
	snprintf(line, sizeof line, "%s open; quitting closes them.", open);
	tui_set_color(t, PAIR_WARN, 1);
	mvaddnstr(y + 2, x + 2, line, w - 4);
	tui_set_color(t, PAIR_WARN, 0);
	mvaddnstr(y + h - 2, x + 2, "y: quit    n, Esc: stay", w - 4);
}

static void draw_boot(struct tui *t)
{
	int w = 50, h = 8, y = (LINES - h) / 2, x = (COLS - w) / 2;

	tui_draw_box(y, x, h, w, "Next boot device");
	mvprintw(y + 2, x + 2, "for %zu host%s (next boot only)", t->ntargets,
		 t->ntargets == 1 ? "" : "s");
	mvprintw(y + 3, x + 2, "p  network (PXE)     d  disk");
	mvprintw(y + 4, x + 2, "B  BIOS setup        C  CD/DVD");
	mvprintw(y + 6, x + 2, "Esc: cancel");
}

/* The action log, newest at the bottom, long entries wrapped under their
 * text; it opens at the bottom and scrolls (t->log_scroll lines below). */
static int log_rows(void)
{
	return LINES - 6 > 1 ? LINES - 6 : 1;
}

static size_t log_lines(struct tui *t, int w)
{
	size_t k, n = 0;

	for (k = 0; k < t->nlog; k++)
		n += (size_t)tui_wrap_lines(t->log[k], w, 10);
	return n;
}

static void draw_log(struct tui *t)
{
	int w = COLS - 4, h = LINES - 4, y = 2, x = 2, rows = log_rows(), tw = w - 4;
	size_t total = log_lines(t, tw), first, line = 0, k;
	char title[96];

	if (t->log_scroll + (size_t)rows > total)
		t->log_scroll = total > (size_t)rows ? total - (size_t)rows : 0;
	first = total > (size_t)rows + t->log_scroll ? total - (size_t)rows - t->log_scroll : 0;
	snprintf(title, sizeof title, "Action log  %zu-%zu of %zu lines", total ? first + 1 : 0,
		 first + (size_t)rows < total ? first + (size_t)rows : total, total);
	tui_draw_box(y, x, h, w, title);
	if (t->nlog == 0)
		mvprintw(y + 1, x + 2, "No actions yet.");
	for (k = 0; k < t->nlog && line < first + (size_t)rows; k++) {
		int n = tui_wrap_lines(t->log[k], tw, 10);

		if (line + (size_t)n > first) {
			int skip = line < first ? (int)(first - line) : 0;

			int at = (int)(line + (size_t)skip - first);

			tui_draw_wrapped(y + 1 + at, x + 2, tw, skip, rows - at, t->log[k], 10);
		}
		line += (size_t)n;
	}
	mvhline(y + h - 3, x + 1, ACS_HLINE, w - 2);
	mvaddnstr(y + h - 2, x + 2, "j k PgDn PgUp g G scroll  Esc q L closes", tw);
}

/* A key in the action log: 1 while it stays open. */
static int log_key(struct tui *t, int key)
{
	size_t page = (size_t)(log_rows() > 1 ? log_rows() - 1 : 1);

	switch (key) {
	case 'k':
	case KEY_UP:
		t->log_scroll++;
		break;
	case 'j':
	case KEY_DOWN:
		if (t->log_scroll > 0)
			t->log_scroll--;
		break;
	case KEY_PPAGE:
	case KEY_CTRL('b'):
		t->log_scroll += page;
		break;
	case KEY_NPAGE:
	case KEY_CTRL('f'):
	case ' ':
		t->log_scroll = t->log_scroll > page ? t->log_scroll - page : 0;
		break;
	case 'g':
	case KEY_HOME:
		t->log_scroll = (size_t)-1 / 2; /* draw_log brings it back to the top */
		break;
	case 'G':
	case KEY_END:
		t->log_scroll = 0;
		break;
	default:
		return 0;
	}
	return 1;
}

static void dialog_key(struct tui *t, int key)
{
	enum tui_dialog d = t->dialog;

	t->dialog = DIALOG_NONE;
	if (d == DIALOG_CONFIRM) {
		if (confirm_key(t, key))
			t->dialog = DIALOG_CONFIRM;
	} else if (d == DIALOG_BOOT) {
		struct tui_action a = { .kind = ACT_BOOT };

		switch (key) {
		case 'p':
			a.boot = BOOT_PXE;
			break;
		case 'd':
			a.boot = BOOT_DISK;
			break;
		case 'B':
			a.boot = BOOT_BIOS;
			break;
		case 'C':
			a.boot = BOOT_CDROM;
			break;
		default:
			return;
		}
		snprintf(a.label, sizeof a.label, "next boot %s", bmc_boot_device_name(a.boot));
		t->pending = a;
		t->confirm_typed[0] = '\0';
		t->dialog = DIALOG_CONFIRM;
	} else if (d == DIALOG_QUIT) {
		if (key == 'y' || key == 'Y')
			tui_quit(t);
	} else if (d == DIALOG_LOG) {
		if (log_key(t, key))
			t->dialog = DIALOG_LOG;
	} else if (d == DIALOG_HELP) {
		if (tui_help_key(t, key))
			t->dialog = DIALOG_HELP;
	} else {
		tui_panes_dialog_key(t, d, key);
	}
}

/* Input. */

static void filter_key(struct tui *t, int key)
{
	size_t n = strlen(t->filter);

	if (key == KEY_ESC) {
		t->filter[0] = '\0';
		t->typing_filter = 0;
	} else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		t->typing_filter = 0;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (n > 0)
			t->filter[n - 1] = '\0';
	} else if (key >= 32 && key < 127 && n + 1 < sizeof t->filter) {
		t->filter[n] = (char)key;
		t->filter[n + 1] = '\0';
	}
	t->order_dirty = 1;
}

static void mouse_key(struct tui *t)
{
	MEVENT ev;

	if (getmouse(&ev) != OK || !(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
						  BUTTON1_DOUBLE_CLICKED)))
		return;
	if (t->dialog != DIALOG_NONE) {
		t->dialog = DIALOG_NONE;
		tui_help_close(t);
		return;
	}
	if (tui_panes_click(t, ev.y, ev.x))
		return;
	if (t->view == VIEW_DETAIL) {
		if (ev.y == t->tab_row)
			t->tab = (enum tui_tab)tui_tab_at(ev.x);
		return;
	}
	switch (tui_list_click(t, ev.y, ev.x, (ev.bstate & BUTTON1_DOUBLE_CLICKED) != 0)) {
	case 1:
		return;
	case 2:
		k_enter(t, 0);
		return;
	}
	if (ev.y >= 1 && ev.y < LINES - 2) {
		size_t pos = t->top + (size_t)(ev.y - 1);

		if (pos < t->norder) {
			if (pos == t->selected && (ev.bstate & BUTTON1_DOUBLE_CLICKED))
				k_enter(t, 0);
			t->selected = pos;
		}
	}
}

static void unknown_key(struct tui *t, int key, int is_code)
{
	const char *name = NULL;

	if (is_code || key < 256)
		name = keyname(key);
	if (name != NULL)
		tui_statusf(t, "unknown key %s - ? for help", name);
	else
		tui_statusf(t, "unknown key U+%04X - ? for help", (unsigned)key);
}

void tui_keys_handle(struct tui *t, int key, int is_code)
{
	size_t i;
	int k;

	if (key == KEY_RESIZE) {
		tui_mark_dirty(t);
		return;
	}
	if (key == KEY_MOUSE) {
		mouse_key(t);
		tui_mark_dirty(t);
		return;
	}
	if (t->dialog != DIALOG_NONE) {
		dialog_key(t, key);
		tui_mark_dirty(t);
		return;
	}
	if (tui_panes_input(t, key, is_code))
		return;
	if (!is_code && key > 255) {
		unknown_key(t, key, is_code); /* no dashboard key is a wide character */
		return;
	}
	if (t->typing_filter) {
		filter_key(t, key);
		tui_mark_dirty(t);
		return;
	}
	if (tui_cmdline_active(t)) {
		tui_cmdline_key(t, key);
		return;
	}
	for (i = 0; i < NBINDINGS; i++) {
		for (k = 0; k < 4; k++) {
			if (bindings[i].keys[k] == key && (key != 0 || k == 0)) {
				bindings[i].fn(t, key);
				tui_mark_dirty(t);
				return;
			}
		}
	}
	unknown_key(t, key, is_code);
}

void tui_keys_draw_dialog(struct tui *t)
{
	if (t->dialog == DIALOG_CONFIRM)
		draw_confirm(t);
	else if (t->dialog == DIALOG_BOOT)
		draw_boot(t);
	else if (t->dialog == DIALOG_HELP)
		tui_help_draw(t);
	else if (t->dialog == DIALOG_LOG)
		draw_log(t);
	else if (t->dialog == DIALOG_QUIT)
		draw_quit(t);
}

/* Command mode (tui/cmdline.c): its actions take this same path. */
void tui_keys_ask_hosts(struct tui *t, struct tui_action a, const size_t *hosts, size_t n)
{
	unsigned char *marks = t->marked;
	size_t nmarks = t->nmarked, i;

	if (n == 0) {
		ask(t, a);
		return;
	}
	/* ask() takes the marked hosts: mark exactly these for the call, then
	 * give the user's marks back. */
	t->marked = xcalloc(t->e->nhosts ? t->e->nhosts : 1, 1);
	t->nmarked = 0;
	for (i = 0; i < n; i++) {
		if (!t->marked[hosts[i]]) {
			t->marked[hosts[i]] = 1;
			t->nmarked++;
		}
	}
	ask(t, a);
	free(t->marked);
	t->marked = marks;
	t->nmarked = nmarks;
}
