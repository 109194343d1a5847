/*
 * tui.c - the dashboard's host list.
 *
 * The terminal is read through a uv_poll handle on stdin and drawn from a
 * uv_prepare handle, which runs once per loop iteration just before the loop
 * would block: engine events only mark the screen dirty, so a burst of a
 * thousand host updates costs one redraw.  Idle means no wakeups besides the
 * scheduler's and a once-a-second tick for the "age" column.
 */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"
#include "tui.h"
#include "xalloc.h"

enum { PAIR_OK = 1, PAIR_WARN, PAIR_CRIT, PAIR_DIM, PAIR_BAR };

struct tui {
	struct cli *cli;
	struct bmc_engine *e;
	uv_poll_t input;
	uv_signal_t sigwinch;
	uv_prepare_t redraw;
	uv_timer_t tick;
	int dirty;
	int colors;
	size_t selected;
	size_t top;
};

static struct tui *active_tui;

static void tui_restore_terminal(void)
{
	if (!isendwin())
		endwin();
}

static void mark_dirty(struct tui *t)
{
	t->dirty = 1;
}

static void on_host_changed(void *ctx, struct bmc_host *h, unsigned what)
{
	mark_dirty(ctx);
}

static const char *age_text(int64_t updated_ms, char *buf, size_t len)
{
	int64_t s;

	if (updated_ms == 0)
		return "-";
	s = (engine_wall_ms() - updated_ms) / 1000;
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 7200)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	return buf;
}

/* Hottest temperature, lowest fan and total power, as short strings. */
static void summarize(const struct bmc_host *h, char *temp, char *fan, char *watts, size_t len)
{
	double t = -1e9, f = 1e18, w = 0;
	int has_t = 0, has_f = 0, has_w = 0;
	size_t i;

	for (i = 0; i < h->nsensors; i++) {
		const struct bmc_sensor *s = &h->sensors[i];

		if (!s->has_value)
			continue;
		if (strcmp(s->type, "temperature") == 0 && s->value > t) {
			t = s->value;
			has_t = 1;
		} else if (strcmp(s->type, "fan") == 0 && strcmp(s->unit, "RPM") == 0 &&
			   s->value < f) {
			f = s->value;
			has_f = 1;
		} else if (strcmp(s->type, "power") == 0 && strcmp(s->unit, "W") == 0) {
			w += s->value;
			has_w = 1;
		}
	}
	snprintf(temp, len, has_t ? "%.0fC" : "-", t);
	snprintf(fan, len, has_f ? "%.0f" : "-", f);
	snprintf(watts, len, has_w ? "%.0fW" : "-", w);
}

static int health_pair(enum bmc_health hl)
{
	switch (hl) {
	case BMC_HEALTH_OK:
		return PAIR_OK;
	case BMC_HEALTH_WARNING:
		return PAIR_WARN;
	case BMC_HEALTH_CRITICAL:
		return PAIR_CRIT;
	case BMC_HEALTH_UNKNOWN:
		break;
	}
	return PAIR_DIM;
}

static void draw_row(struct tui *t, int y, const struct bmc_host *h, int selected)
{
	char temp[16], fan[16], watts[16], age[16];
	const char *proto;
	int cols = COLS;

	summarize(h, temp, fan, watts, sizeof temp);
	proto = h->protocol ? bmc_source_name(h->protocol) : fleet_protocol_name(h->cfg->protocol);
	if (selected)
		attron(A_REVERSE);
	mvprintw(y, 0, "%-*s", cols, "");
	mvprintw(y, 0, "%-16.16s %-8.8s %-7.7s", h->cfg->name, h->cfg->group ? h->cfg->group : "-",
		 proto);
	if (t->colors && !selected)
		attron(COLOR_PAIR(h->power == BMC_POWER_ON ? PAIR_OK : PAIR_DIM));
	mvprintw(y, 34, "%-7s", bmc_power_name(h->power));
	if (t->colors && !selected) {
		attroff(COLOR_PAIR(h->power == BMC_POWER_ON ? PAIR_OK : PAIR_DIM));
		attron(COLOR_PAIR(health_pair(h->health)));
	}
	mvprintw(y, 42, "%-9s", bmc_health_name(h->health));
	if (t->colors && !selected)
		attroff(COLOR_PAIR(health_pair(h->health)));
	mvprintw(y, 52, "%6s %6s %7s %5s ", temp, fan, watts,
		 age_text(h->updated_ms, age, sizeof age));
	if (h->error != NULL && cols > 82) {
		if (t->colors && !selected)
			attron(COLOR_PAIR(h->state == HOST_PARKED ? PAIR_CRIT : PAIR_WARN));
		mvprintw(y, 81, "%.*s", cols - 81, h->error);
		if (t->colors && !selected)
			attroff(COLOR_PAIR(h->state == HOST_PARKED ? PAIR_CRIT : PAIR_WARN));
	}
	if (selected)
		attroff(A_REVERSE);
}

static void draw(struct tui *t)
{
	struct bmc_engine *e = t->e;
	size_t up = 0, down = 0, warn = 0, crit = 0, parked = 0, i;
	int rows = LINES - 3;

	erase();
	attron(A_BOLD);
	mvprintw(0, 0, "%-16s %-8s %-7s %-7s %-9s %6s %6s %7s %5s %s", "HOST", "GROUP", "PROTO",
		 "POWER", "HEALTH", "TEMP", "FAN", "WATTS", "AGE", COLS > 82 ? "ERROR" : "");
	attroff(A_BOLD);
	if (rows < 1)
		rows = 1;
	if (t->selected >= e->nhosts && e->nhosts > 0)
		t->selected = e->nhosts - 1;
	if (t->selected < t->top)
		t->top = t->selected;
	if (t->selected >= t->top + (size_t)rows)
		t->top = t->selected - (size_t)rows + 1;
	for (i = 0; i < e->nhosts; i++) {
		const struct bmc_host *h = &e->hosts[i];

		if (h->state == HOST_OK)
			up++;
		else if (h->state == HOST_UNREACHABLE)
			down++;
		if (h->state == HOST_PARKED)
			parked++;
		if (h->health == BMC_HEALTH_WARNING)
			warn++;
		else if (h->health == BMC_HEALTH_CRITICAL)
			crit++;
	}
	for (i = t->top; i < e->nhosts && i < t->top + (size_t)rows; i++)
		draw_row(t, 1 + (int)(i - t->top), &e->hosts[i], i == t->selected);
	if (e->nhosts == 0)
		mvprintw(2, 2, "The fleet file %s defines no hosts.", t->cli->fleet_path);
	if (t->colors)
		attron(COLOR_PAIR(PAIR_BAR));
	else
		attron(A_REVERSE);
	mvprintw(LINES - 1, 0, "%-*s", COLS, "");
	mvprintw(LINES - 1, 0,
		 " hosts %zu  up %zu  down %zu  warning %zu  critical %zu  parked %zu   q:quit  r:retry  j/k:move",
		 e->nhosts, up, down, warn, crit, parked);
	if (t->colors)
		attroff(COLOR_PAIR(PAIR_BAR));
	else
		attroff(A_REVERSE);
	refresh();
}

static void on_redraw(uv_prepare_t *p)
{
	struct tui *t = p->data;

	if (t->dirty && !t->e->closing) {
		t->dirty = 0;
		draw(t);
	}
}

static void on_tick(uv_timer_t *timer)
{
	mark_dirty(timer->data);
}

static void on_closed_stop(struct bmc_engine *e)
{
	uv_stop(e->loop);
}

static void quit(struct tui *t)
{
	uv_poll_stop(&t->input);
	uv_timer_stop(&t->tick);
	uv_prepare_stop(&t->redraw);
	uv_signal_stop(&t->sigwinch);
	engine_shutdown(t->e, on_closed_stop);
}

static void handle_key(struct tui *t, int ch)
{
	struct bmc_engine *e = t->e;
	size_t page = LINES > 4 ? (size_t)LINES - 4 : 1;

	switch (ch) {
	case 'q':
		quit(t);
		return;
	case KEY_DOWN:
	case 'j':
		if (t->selected + 1 < e->nhosts)
			t->selected++;
		break;
	case KEY_UP:
	case 'k':
		if (t->selected > 0)
			t->selected--;
		break;
	case KEY_NPAGE:
		t->selected = t->selected + page < e->nhosts ? t->selected + page
							     : (e->nhosts ? e->nhosts - 1 : 0);
		break;
	case KEY_PPAGE:
		t->selected = t->selected > page ? t->selected - page : 0;
		break;
	case KEY_HOME:
	case 'g':
		t->selected = 0;
		break;
	case KEY_END:
	case 'G':
		t->selected = e->nhosts ? e->nhosts - 1 : 0;
		break;
	case 'r':
		if (e->nhosts > 0)
			sched_poll_now(&e->hosts[t->selected]);
		break;
	case KEY_RESIZE:
		break;
	default:
		return;
	}
	mark_dirty(t);
}

static void on_input(uv_poll_t *p, int status, int events)
{
	struct tui *t = p->data;
	int ch;

	while ((ch = getch()) != ERR) {
		handle_key(t, ch);
		if (t->e->closing)
			return;
	}
}

static void on_sigwinch(uv_signal_t *s, int signum)
{
	struct tui *t = s->data;

	endwin();
	refresh();
	mark_dirty(t);
}

static void init_colors(struct tui *t)
{
	const char *no_color = getenv("NO_COLOR");

	if (!has_colors() || (no_color != NULL && no_color[0] != '\0'))
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_CRIT, COLOR_RED, -1);
	init_pair(PAIR_DIM, COLORS >= 16 ? 8 : COLOR_WHITE, -1);
	init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
	t->colors = 1;
}

int tui_run(struct cli *c)
{
	struct tui t;
	struct engine_observer obs = { on_host_changed, NULL, NULL };

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
	active_tui = &t;

	setlocale(LC_ALL, "");
	initscr();
	xalloc_set_fatal_hook(tui_restore_terminal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	init_colors(&t);

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
	sched_start(t.e);
	uv_run(&c->loop, UV_RUN_DEFAULT);

	tui_restore_terminal();
	xalloc_set_fatal_hook(NULL);
	uv_close((uv_handle_t *)&t.input, NULL);
	uv_close((uv_handle_t *)&t.sigwinch, NULL);
	uv_close((uv_handle_t *)&t.redraw, NULL);
	uv_close((uv_handle_t *)&t.tick, NULL);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	active_tui = NULL;
	return EXIT_ALL_OK;
}
