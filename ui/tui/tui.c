/*
 * tui/tui.c - the dashboard's loop glue: start and end, reading the
 * terminal, and drawing a frame.
 *
 * The terminal is read through a uv_poll handle on stdin and drawn from a
 * uv_prepare handle, which runs once per loop iteration just before the loop
 * would block: engine events only mark the screen dirty, so a burst of a
 * thousand host updates costs one frame, and ncurses sends the terminal only
 * the cells that changed.  Idle means no wakeups besides the scheduler's and
 * a once-a-second tick for the "age" column.
 *
 * The panes are listed once, in panes[]; everything else reaches them
 * through tui/core.c's dispatch.  Keys go to tui/keys.c.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sched.h"
#include "core/xalloc.h"
#include "tui/internal.h"
#include "tui/tui.h"

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

static void on_host_changed(void *ctx, struct bmc_host *h, unsigned what)
{
	struct tui *t = ctx;

	tui_mark_dirty(t);
	/* Health and readings move rows when sorted by them. */
	if (t->sort != SORT_NAME || t->filter[0] != '\0')
		t->order_dirty = 1;
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
	tui_panes_status(t, right, sizeof right);
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
		rows = tui_panes_layout(t, body);
		if (rows > 0 && t->view == VIEW_DETAIL && tui_selected_host(t) != NULL)
			tui_detail_draw(t, 0, rows);
		else if (rows > 0)
			tui_list_draw(t, 0, rows);
		tui_panes_draw(t);
		draw_message_line(t);
		draw_status_bar(t);
		tui_keys_draw_dialog(t);
		tui_panes_draw_dialog(t);
	}
	if (t->typing_filter) {
		curs_set(1);
		move(LINES - 2, 1 + (int)strlen(t->filter));
	} else if (!tui_panes_cursor(t)) {
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
		tui_panes_flush(t);
	if (t->dirty && !t->e->closing) {
		t->dirty = 0;
		draw(t);
	}
}

static void on_tick(uv_timer_t *timer)
{
	tui_mark_dirty(timer->data);
}


/* SIGINT/SIGTERM/SIGHUP: the same orderly way out as q. */
static void on_engine_signal(struct bmc_engine *e, int signum)
{
	(void)signum;
	tui_quit(e->front_end);
}

static void on_input(uv_poll_t *p, int status, int events)
{
	struct tui *t = p->data;
	wint_t ch;
	int rc;

	while ((rc = get_wch(&ch)) != ERR) {
		if (t->key_at == 0)
			t->key_at = uv_hrtime();
		tui_keys_handle(t, (int)ch, rc == KEY_CODE_YES);
		if (t->e->closing || t->input_paused)
			return;
	}
}

static void on_sigwinch(uv_signal_t *s, int signum)
{
	struct tui *t = s->data;

	endwin();
	refresh();
	tui_mark_dirty(t);
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

/* In this order: the way out closes the VNC viewers, then the consoles. */
static const struct tui_pane_ops *const panes[] = { &tui_vnc_pane, &tui_console_pane, NULL };

int tui_check_terminal(void)
{
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "bmctop: the dashboard needs a terminal; for scripts use 'bmctop status'\n");
		return -1;
	}
	return 0;
}

int tui_run(struct bmc_engine *e, const char *title)
{
	struct tui t;
	struct engine_observer obs = { on_host_changed, NULL, NULL };
	size_t i;

	memset(&t, 0, sizeof t);
	t.panes = panes;
	t.e = e;
	obs.ctx = &t;
	engine_add_observer(t.e, &obs);
	t.marked = xcalloc(t.e->nhosts ? t.e->nhosts : 1, 1);
	t.order_dirty = 1;
	snprintf(t.status, sizeof t.status, "%s: %zu hosts.  ? for help.", title,
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
	tui_draw_init_colors(&t);
	write_terminal(bracketed_paste_on);
	tui_panes_init(&t);

	uv_poll_init(e->loop, &t.input, 0);
	t.input.data = &t;
	t.on_input = on_input;
	uv_poll_start(&t.input, UV_READABLE, on_input);
	uv_signal_init(e->loop, &t.sigwinch);
	t.sigwinch.data = &t;
	uv_signal_start(&t.sigwinch, on_sigwinch, SIGWINCH);
	uv_prepare_init(e->loop, &t.redraw);
	t.redraw.data = &t;
	uv_prepare_start(&t.redraw, on_redraw);
	uv_timer_init(e->loop, &t.tick);
	t.tick.data = &t;
	uv_timer_start(&t.tick, on_tick, 1000, 1000);

	t.dirty = 1;
	t.e->on_signal = on_engine_signal;
	t.e->front_end = &t;
	sched_start(t.e);
	uv_run(e->loop, UV_RUN_DEFAULT);
	t.e->on_signal = NULL;
	t.e->front_end = NULL;

	tui_panes_free(&t); /* a signal ends the loop without tui_quit() */
	tui_restore_terminal();
	xalloc_set_fatal_hook(NULL);
	log_frame_stats(&t);
	uv_close((uv_handle_t *)&t.input, NULL);
	uv_close((uv_handle_t *)&t.sigwinch, NULL);
	uv_close((uv_handle_t *)&t.redraw, NULL);
	uv_close((uv_handle_t *)&t.tick, NULL);
	uv_run(e->loop, UV_RUN_DEFAULT);
	for (i = 0; i < t.nlog; i++)
		free(t.log[i]);
	free(t.order);
	free(t.marked);
	free(t.targets);
	free(t.frame_ns);
	free(t.key_ns);
	return 0;
}