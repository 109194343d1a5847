/*
 * tui/tui.c - the dashboard: loop glue, the key table, dialogs and actions.
 *
 * The terminal is read through a uv_poll handle on stdin and drawn from a
 * uv_prepare handle, which runs once per loop iteration just before the loop
 * would block: engine events only mark the screen dirty, so a burst of a
 * thousand host updates costs one frame, and ncurses sends the terminal only
 * the cells that changed.  Idle means no wakeups besides the scheduler's and
 * a once-a-second tick for the "age" column.
 *
 * Every key binding lives in one table, bindings[], which the help overlay
 * prints, so the help cannot drift from what the keys do.
 */
#include "config.h"

#include <ctype.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sched.h"
#include "core/xalloc.h"
#include "tui/internal.h"
#include "tui/tui.h"

#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27

/* Terminals wrap a paste in ESC [200~ ... ESC [201~ while this is on. */
static const char bracketed_paste_on[] = "\033[?2004h", bracketed_paste_off[] = "\033[?2004l";

static void write_terminal(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void tui_restore_terminal(void)
{
	if (!isendwin()) {
		endwin();
		write_terminal(bracketed_paste_off);
	}
}

void tui_mark_dirty(struct tui *t)
{
	t->dirty = 1;
}

void tui_logf(struct tui *t, const char *fmt, ...)
{
	char when[16], *msg;
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	snprintf(t->status, sizeof t->status, "%s", msg);
	if (t->nlog == TUI_LOG_MAX) {
		free(t->log[0]);
		memmove(t->log, t->log + 1, (TUI_LOG_MAX - 1) * sizeof *t->log);
		t->nlog--;
	}
	t->log[t->nlog++] = xasprintf("%s  %s", when, msg);
	free(msg);
	tui_mark_dirty(t);
}

struct bmc_host *tui_selected_host(struct tui *t)
{
	if (t->norder == 0 || t->selected >= t->norder)
		return NULL;
	return &t->e->hosts[t->order[t->selected]];
}

static void on_host_changed(void *ctx, struct bmc_host *h, unsigned what)
{
	struct tui *t = ctx;

	tui_mark_dirty(t);
	/* Health and readings move rows when sorted by them. */
	if (t->sort != SORT_NAME || t->filter[0] != '\0')
		t->order_dirty = 1;
}

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
	collect_targets(t);
	if (t->ntargets == 0)
		return;
	t->pending = a;
	if (a.kind == ACT_RETRY) {
		run_action(t);
		return;
	}
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
		tui_console_open(t, h);
}

static void k_vnc(struct tui *t, int key)
{
	struct bmc_host *h = tui_selected_host(t);

	(void)key;
	if (h != NULL)
		tui_vnc_open(t, h);
}

static void k_enter(struct tui *t, int key)
{
	if (t->view == VIEW_DETAIL && t->tab == TAB_CONSOLE) {
		k_console(t, key);
		return;
	}
	if (tui_selected_host(t) != NULL) {
		t->view = VIEW_DETAIL;
		t->detail_scroll = 0;
	}
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

static void k_tab_n(struct tui *t, int key)
{
	k_enter(t, key);
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
	tui_logf(t, "group: %s", next ? next : "all");
}

static void k_sort(struct tui *t, int key)
{
	t->sort = (enum tui_sort)((t->sort + 1) % SORT__MAX);
	t->order_dirty = 1;
	tui_logf(t, "sorted by %s", tui_sort_name(t->sort));
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
	tui_logf(t, "%zu hosts marked", t->nmarked);
}

static void k_mark_all(struct tui *t, int key)
{
	size_t i;

	for (i = 0; i < t->norder; i++)
		set_mark(t, t->order[i], 1);
	tui_logf(t, "%zu hosts marked", t->nmarked);
}

static void k_unmark_all(struct tui *t, int key)
{
	memset(t->marked, 0, t->e->nhosts ? t->e->nhosts : 1);
	t->nmarked = 0;
	tui_logf(t, "marks cleared");
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
	t->dialog = DIALOG_LOG;
}

static void k_help(struct tui *t, int key)
{
	t->dialog = DIALOG_HELP;
}

static void quit(struct tui *t);

static void k_quit(struct tui *t, int key)
{
	quit(t);
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
	{ { '1', '2', '3', '4' }, "1-5", "Sensors, Power, Events, Inventory, Console tab", k_tab_n },
	{ { '5' }, NULL, NULL, k_tab_n },
	{ { '/' }, "/", "filter hosts by name, group, address or error", k_filter },
	{ { '@' }, "@", "cycle through groups", k_group },
	{ { 's' }, "s", "sort by name, health, temperature, power", k_sort },
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
	{ { 'b' }, "b", "next boot device", k_boot },
	{ { 'r' }, "r", "poll now; retry a parked host", k_retry },
	{ { 'L' }, "L", "action log", k_log },
	{ { '?' }, "?", "this help", k_help },
	{ { KEY_CTRL('l') }, "^L", "redraw the screen", k_redraw },
	{ { 'q' }, "q", "quit (closes every BMC session)", k_quit },
};

#define NBINDINGS (sizeof bindings / sizeof bindings[0])

/* Dialogs. */

/* A line-drawing border around h rows and w columns at y, x. */
void tui_draw_frame(int y, int x, int h, int w)
{
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
}

void tui_draw_box(int y, int x, int h, int w, const char *title)
{
	int i;

	for (i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	tui_draw_frame(y, x, h, w);
	attron(A_BOLD);
	mvprintw(y, x + 2, " %s ", title);
	attroff(A_BOLD);
}

static void draw_confirm(struct tui *t)
{
	int w = COLS > 70 ? 66 : COLS - 4, h = 8, y = (LINES - h) / 2, x = (COLS - w) / 2;
	char names[512];
	size_t i, len = 0;

	names[0] = '\0';
	for (i = 0; i < t->ntargets && len + 40 < sizeof names; i++)
		len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "",
					t->e->hosts[t->targets[i]].cfg->name);
	if (i < t->ntargets)
		snprintf(names + len, sizeof names - len, " and %zu more", t->ntargets - i);
	tui_draw_box(y, x, h, w, "Confirm");
	tui_set_color(t, PAIR_WARN, 1);
	mvprintw(y + 2, x + 2, "%s on %zu host%s:", t->pending.label, t->ntargets,
		 t->ntargets == 1 ? "" : "s");
	tui_set_color(t, PAIR_WARN, 0);
	mvaddnstr(y + 3, x + 2, names, w - 4);
	if ((int)strlen(names) > w - 4)
		mvaddnstr(y + 4, x + 2, names + w - 4, w - 4);
	mvprintw(y + 6, x + 2, "y: do it    n, Esc: cancel");
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

static void draw_help(struct tui *t)
{
	int w = COLS > 72 ? 68 : COLS - 2, h = (int)NBINDINGS + 3, y, x = (COLS - w) / 2, row = 0;
	size_t i;

	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	tui_draw_box(y, x, h, w, "Keys  (any key closes)");
	for (i = 0; i < NBINDINGS && row < h - 2; i++) {
		if (bindings[i].names == NULL)
			continue;
		mvprintw(y + 1 + row, x + 2, "%-10s", bindings[i].names);
		mvaddnstr(y + 1 + row, x + 13, bindings[i].help, w - 15);
		row++;
	}
}

static void draw_log(struct tui *t)
{
	int w = COLS - 4, h = LINES - 4, y = 2, x = 2, i, rows = h - 2;
	size_t start = t->nlog > (size_t)rows ? t->nlog - (size_t)rows : 0, k;

	tui_draw_box(y, x, h, w, "Action log  (any key closes)");
	if (t->nlog == 0)
		mvprintw(y + 1, x + 2, "No actions yet.");
	for (k = start, i = 0; k < t->nlog; k++, i++)
		mvaddnstr(y + 1 + i, x + 2, t->log[k], w - 4);
}

static void dialog_key(struct tui *t, int key)
{
	enum tui_dialog d = t->dialog;

	t->dialog = DIALOG_NONE;
	if (d == DIALOG_CONFIRM) {
		if (key == 'y' || key == 'Y')
			run_action(t);
		else
			tui_logf(t, "%s canceled", t->pending.label);
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
		t->dialog = DIALOG_CONFIRM;
	} else if (d == DIALOG_CONSOLES) {
		tui_console_dialog_key(t, key);
	}
}

/* Drawing. */

static void draw_status_bar(struct tui *t)
{
	struct bmc_engine *e = t->e;
	size_t up = 0, down = 0, warn = 0, crit = 0, parked = 0, i;
	char left[256], right[128];

	for (i = 0; i < e->nhosts; i++) {
		const struct bmc_host *h = &e->hosts[i];

		if (h->state == HOST_OK)
			up++;
		else if (h->state == HOST_UNREACHABLE)
			down++;
		else if (h->state == HOST_PARKED)
			parked++;
		if (h->health == BMC_HEALTH_WARNING)
			warn++;
		else if (h->health == BMC_HEALTH_CRITICAL)
			crit++;
	}
	snprintf(left, sizeof left, " hosts %zu  up %zu  down %zu  warning %zu  critical %zu  parked %zu",
		 e->nhosts, up, down, warn, crit, parked);
	if (t->nmarked)
		snprintf(right, sizeof right, "marked %zu  ", t->nmarked);
	else
		right[0] = '\0';
	if (tui_console_count(t) > 0)
		snprintf(right + strlen(right), sizeof right - strlen(right), "consoles %zu %s:keys  ",
			 tui_console_count(t), tui_console_prefix_name(t));
	snprintf(right + strlen(right), sizeof right - strlen(right), "%s%s%ssort:%s  ?:help q:quit ",
		 t->group ? "@" : "", t->group ? t->group : "", t->group ? "  " : "",
		 tui_sort_name(t->sort));
	tui_set_color(t, PAIR_BAR, 1);
	mvhline(LINES - 1, 0, ' ', COLS);
	mvaddnstr(LINES - 1, 0, left, COLS);
	if ((int)(strlen(left) + strlen(right)) < COLS)
		mvaddstr(LINES - 1, COLS - (int)strlen(right), right);
	tui_set_color(t, PAIR_BAR, 0);
}

static void draw_message_line(struct tui *t)
{
	mvhline(LINES - 2, 0, ' ', COLS);
	if (t->typing_filter || t->filter[0] != '\0') {
		attron(A_BOLD);
		mvprintw(LINES - 2, 0, "/%s", t->filter);
		attroff(A_BOLD);
		printw("   %zu of %zu hosts%s", t->norder, t->e->nhosts,
		       t->typing_filter ? "  (Enter keeps, Esc clears)" : "");
	} else {
		mvaddnstr(LINES - 2, 0, t->status, COLS);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void draw(struct tui *t)
{
	uint64_t start = uv_hrtime(), ns;
	int body = LINES - 2, rows;

	if (t->order_dirty)
		tui_list_reorder(t);
	erase();
	if (LINES < 5 || COLS < 20) {
		mvaddnstr(0, 0, "terminal too small", COLS);
	} else {
		/* The list goes first, the console pane over or below it. */
		rows = tui_console_layout(t, body);
		if (rows > 0 && t->view == VIEW_DETAIL && tui_selected_host(t) != NULL)
			tui_detail_draw(t, 0, rows);
		else if (rows > 0)
			tui_list_draw(t, 0, rows);
		tui_console_draw(t);
		draw_message_line(t);
		draw_status_bar(t);
		if (t->dialog == DIALOG_CONFIRM)
			draw_confirm(t);
		else if (t->dialog == DIALOG_BOOT)
			draw_boot(t);
		else if (t->dialog == DIALOG_HELP)
			draw_help(t);
		else if (t->dialog == DIALOG_LOG)
			draw_log(t);
		else
			tui_console_draw_dialog(t);
	}
	if (t->typing_filter) {
		curs_set(1);
		move(LINES - 2, 1 + (int)strlen(t->filter));
	} else if (!tui_console_cursor(t)) {
		curs_set(0);
	}
	refresh();
	ns = uv_hrtime() - start;
	t->frames++;
	t->frame_ns_total += ns;
	if (ns > t->frame_ns_max)
		t->frame_ns_max = ns;
	if (t->nframe_ns < 4096) {
		t->frame_ns = xreallocarray(t->frame_ns, t->nframe_ns + 1, sizeof *t->frame_ns);
		t->frame_ns[t->nframe_ns++] = ns;
	}
	if (t->key_at != 0 && t->nkey_ns < 4096) {
		t->key_ns = xreallocarray(t->key_ns, t->nkey_ns + 1, sizeof *t->key_ns);
		t->key_ns[t->nkey_ns++] = uv_hrtime() - t->key_at;
	}
	t->key_at = 0;
}

static void on_redraw(uv_prepare_t *p)
{
	struct tui *t = p->data;

	if (!t->e->closing)
		tui_console_flush(t);
	if (t->dirty && !t->e->closing) {
		t->dirty = 0;
		draw(t);
	}
}

static void on_tick(uv_timer_t *timer)
{
	tui_mark_dirty(timer->data);
}

static void on_closed_stop(struct bmc_engine *e)
{
	uv_stop(e->loop);
}

static void shutdown_engine(struct tui *t)
{
	engine_shutdown(t->e, on_closed_stop);
}

/* SIGINT/SIGTERM/SIGHUP: the same orderly way out as q. */
static void on_engine_signal(struct bmc_engine *e, int signum)
{
	(void)signum;
	quit(e->front_end);
}

static void quit(struct tui *t)
{
	if (t->quitting)
		return;
	t->quitting = 1;
	uv_poll_stop(&t->input);
	uv_timer_stop(&t->tick);
	uv_prepare_stop(&t->redraw);
	uv_signal_stop(&t->sigwinch);
	tui_vnc_stop_all(t);
	/* Consoles first: SOL's Deactivate Payload needs the BMC session. */
	tui_console_close_all(t, shutdown_engine);
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
		return;
	}
	if (tui_console_click(t, ev.y, ev.x))
		return;
	if (t->view == VIEW_DETAIL) {
		if (ev.y == 2)
			t->tab = (enum tui_tab)tui_tab_at(ev.x);
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

/* key: a KEY_* code when is_code, else a character (wide ones included). */
static void handle_key(struct tui *t, int key, int is_code)
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
	if (tui_console_input(t, key, is_code))
		return;
	if (!is_code && key > 255)
		return; /* no dashboard key is a wide character */
	if (t->typing_filter) {
		filter_key(t, key);
		tui_mark_dirty(t);
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
}

static void on_input(uv_poll_t *p, int status, int events)
{
	struct tui *t = p->data;
	wint_t ch;
	int rc;

	while ((rc = get_wch(&ch)) != ERR) {
		if (t->key_at == 0)
			t->key_at = uv_hrtime();
		handle_key(t, (int)ch, rc == KEY_CODE_YES);
		if (t->e->closing || t->input_paused)
			return;
	}
}

void tui_input_pause(struct tui *t, int paused)
{
	if (t->e->closing || t->input_paused == paused)
		return;
	t->input_paused = paused;
	if (paused)
		uv_poll_stop(&t->input);
	else
		uv_poll_start(&t->input, UV_READABLE, on_input);
}

static void on_sigwinch(uv_signal_t *s, int signum)
{
	struct tui *t = s->data;

	endwin();
	refresh();
	tui_mark_dirty(t);
}

static void init_colors(struct tui *t)
{
	const char *no_color = getenv("NO_COLOR");
	int rich;

	if (!has_colors() || (no_color != NULL && no_color[0] != '\0'))
		return;
	start_color();
	use_default_colors();
	rich = COLORS >= 256;
	init_pair(PAIR_OK, rich ? 34 : COLOR_GREEN, -1);
	init_pair(PAIR_WARN, rich ? 214 : COLOR_YELLOW, -1);
	init_pair(PAIR_CRIT, rich ? 196 : COLOR_RED, -1);
	init_pair(PAIR_DIM, rich ? 245 : COLOR_WHITE, -1);
	init_pair(PAIR_BAR, COLOR_BLACK, rich ? 67 : COLOR_CYAN);
	init_pair(PAIR_TITLE, rich ? 111 : COLOR_CYAN, -1);
	init_pair(PAIR_MARK, rich ? 213 : COLOR_MAGENTA, -1);
	t->colors = rich ? 256 : 8;
}

/* Frame and key latency statistics, for bench/tui-frames.sh. */
static void log_frame_stats(struct tui *t)
{
	if (t->nframe_ns > 0) {
		qsort(t->frame_ns, t->nframe_ns, sizeof *t->frame_ns, cmp_u64);
		log_info("tui: %llu frames for %zu hosts, median %.3f ms, worst %.3f ms",
			 (unsigned long long)t->frames, t->e->nhosts,
			 (double)t->frame_ns[t->nframe_ns / 2] / 1e6,
			 (double)t->frame_ns_max / 1e6);
	}
	if (t->nkey_ns > 0) {
		qsort(t->key_ns, t->nkey_ns, sizeof *t->key_ns, cmp_u64);
		log_info("tui: %zu keys answered, key to screen median %.3f ms, worst %.3f ms",
			 t->nkey_ns, (double)t->key_ns[t->nkey_ns / 2] / 1e6,
			 (double)t->key_ns[t->nkey_ns - 1] / 1e6);
	}
}

int tui_run(struct cli *c)
{
	struct tui t;
	struct engine_observer obs = { on_host_changed, NULL, NULL };
	size_t i;

	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "bmctop: the dashboard needs a terminal; for scripts use 'bmctop status'\n");
		return EXIT_USAGE;
	}
	memset(&t, 0, sizeof t);
	t.cli = c;
	t.e = &c->engine;
	cli_start_engine(c);
	obs.ctx = &t;
	engine_add_observer(t.e, &obs);
	t.marked = xcalloc(t.e->nhosts ? t.e->nhosts : 1, 1);
	t.order_dirty = 1;
	snprintf(t.status, sizeof t.status, "%s: %zu hosts.  ? for help.", c->fleet_path,
		 t.e->nhosts);

	setlocale(LC_ALL, "");
	/* Esc must not wait a second for a possible escape sequence. */
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	initscr();
	xalloc_set_fatal_hook(tui_restore_terminal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED, NULL);
	mouseinterval(200);
	init_colors(&t);
	write_terminal(bracketed_paste_on);
	tui_console_init(&t);

	uv_poll_init(&c->loop, &t.input, 0);
	t.input.data = &t;
	uv_poll_start(&t.input, UV_READABLE, on_input);
	uv_signal_init(&c->loop, &t.sigwinch);
	t.sigwinch.data = &t;
	uv_signal_start(&t.sigwinch, on_sigwinch, SIGWINCH);
	uv_prepare_init(&c->loop, &t.redraw);
	t.redraw.data = &t;
	uv_prepare_start(&t.redraw, on_redraw);
	uv_timer_init(&c->loop, &t.tick);
	t.tick.data = &t;
	uv_timer_start(&t.tick, on_tick, 1000, 1000);

	t.dirty = 1;
	t.e->on_signal = on_engine_signal;
	t.e->front_end = &t;
	sched_start(t.e);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	t.e->on_signal = NULL;
	t.e->front_end = NULL;

	tui_vnc_stop_all(&t); /* a signal ends the loop without quit() */
	tui_console_free(&t);
	tui_restore_terminal();
	xalloc_set_fatal_hook(NULL);
	log_frame_stats(&t);
	uv_close((uv_handle_t *)&t.input, NULL);
	uv_close((uv_handle_t *)&t.sigwinch, NULL);
	uv_close((uv_handle_t *)&t.redraw, NULL);
	uv_close((uv_handle_t *)&t.tick, NULL);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	for (i = 0; i < t.nlog; i++)
		free(t.log[i]);
	free(t.order);
	free(t.marked);
	free(t.targets);
	free(t.frame_ns);
	free(t.key_ns);
	return EXIT_ALL_OK;
}
