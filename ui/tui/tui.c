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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/filter.h"
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

/*
 * New readings draw a frame at most every TUI_DATA_FRAME_MS: 10,000 hosts
 * polled every 30 s change 333 times a second, and a frame for each would
 * take a whole core.  Keys still draw at once.
 */
#define TUI_DATA_FRAME_MS 200

static void on_data_frame(uv_timer_t *timer)
{
	struct tui *t = timer->data;

	t->data_frame_armed = 0;
	tui_mark_dirty(t);
}

static void on_host_changed(void *ctx, struct bmc_host *h, unsigned what)
{
	struct tui *t = ctx;
	double v;

	t->host_temp[h->index] = filter_metric(h, FILTER_TEMP, 0, &v) ? v : NAN;
	t->host_watts[h->index] = filter_metric(h, FILTER_WATTS, 0, &v) ? v : NAN;

	if (!t->data_frame_armed && !t->e->closing) {
		t->data_frame_armed = 1;
		uv_timer_start(&t->data_frame, on_data_frame, TUI_DATA_FRAME_MS, 0);
	}
	/* Health and readings move rows when sorted or filtered by them. */
	if (t->sort_col != TCOL_NAME || t->sort_desc || t->filter[0] != '\0')
		t->order_dirty = 1;
}

/* Drawing. */

/* One count of the short form; zeros left out when terse. */
static size_t put_count(char *buf, size_t len, size_t n, const char *name, size_t value,
			int terse)
{
	if (n >= len || (terse && value == 0))
		return n;
	return n + (size_t)snprintf(buf + n, len - n, " %s %zu", name, value);
}

/* The counts: long, short (80 columns), or short without the zeros. */
static void fmt_counts(const struct bmc_engine *e, const struct tui_counts *c, int level,
		       char *buf, size_t len)
{
	size_t n;
	int terse = level > 1;

	if (level == 0) {
		n = (size_t)snprintf(buf, len,
				     " hosts %zu  up %zu  off %zu  connecting %zu  unreachable %zu"
				     "  parked %zu",
				     e->nhosts, c->up, c->off, c->conn, c->unreach, c->parked);
		if (c->error > 0 && n < len)
			n += (size_t)snprintf(buf + n, len - n, "  error %zu", c->error);
		if (n < len)
			snprintf(buf + n, len - n, "  warning %zu  critical %zu", c->warn, c->crit);
		return;
	}
	n = (size_t)snprintf(buf, len, " %zu: up %zu", e->nhosts, c->up);
	n = put_count(buf, len, n, "off", c->off, terse);
	n = put_count(buf, len, n, "conn", c->conn, terse);
	n = put_count(buf, len, n, "unr", c->unreach, terse);
	n = put_count(buf, len, n, "park", c->parked, terse);
	n = put_count(buf, len, n, "err", c->error, 1);
	n = put_count(buf, len, n, "warn", c->warn, terse);
	put_count(buf, len, n, "crit", c->crit, terse);
}

/* The right side: "6 of 64  /crit  @rack1  sort:temp desc  ?:help q:quit". */
static void fmt_view(struct tui *t, int filter_room, int brief, char *buf, size_t len)
{
	char sort[48];
	size_t n;

	buf[0] = '\0';
	if (t->nmarked)
		snprintf(buf, len, "marked %zu  ", t->nmarked);
	tui_panes_status(t, buf, len);
	n = strlen(buf);
	if ((t->filter[0] != '\0' || t->group != NULL) && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%zu of %zu  ", t->norder, t->e->nhosts);
	if (t->filter[0] != '\0' && n < len) {
		int flen = (int)strlen(t->filter);

		if (flen > filter_room)
			n += (size_t)snprintf(buf + n, len - n, "/%.*s~  ",
					      filter_room > 1 ? filter_room - 1 : 1, t->filter);
		else
			n += (size_t)snprintf(buf + n, len - n, "/%s  ", t->filter);
	}
	if (t->group != NULL && n < len)
		n += (size_t)snprintf(buf + n, len - n, "@%s  ", t->group);
	if (n < len)
		snprintf(buf + n, len - n, "sort:%s %s", tui_list_sort_text(t, sort, sizeof sort),
			 brief ? "? " : " ?:help q:quit ");
}

static void draw_status_bar(struct tui *t)
{
	struct tui_counts c;
	char left[256], right[256];
	int brief;

	tui_counts(t, &c);
	/* Long words while they fit, then short ones, then a shorter filter. */
	for (brief = 0; brief < 4; brief++) {
		fmt_counts(t->e, &c, brief, left, sizeof left);
		fmt_view(t, brief < 3 ? 24 : 8, brief > 0, right, sizeof right);
		if ((int)(strlen(left) + strlen(right)) < COLS)
			break;
	}
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
	if (tui_cmdline_draw(t, LINES - 2))
		return;
	if (t->typing_filter || t->filter[0] != '\0') {
		attron(A_BOLD);
		mvaddnstr(LINES - 2, 0, "/", COLS);
		addnstr(t->filter, COLS - 1);
		attroff(A_BOLD);
		if (t->filt_err[0] != '\0') {
			tui_set_color(t, PAIR_WARN, 1);
			printw("   %.*s", COLS > 40 ? COLS - 8 : 32, t->filt_err);
			tui_set_color(t, PAIR_WARN, 0);
		} else {
			printw("   %zu of %zu hosts%s", t->norder, t->e->nhosts,
			       t->typing_filter ? "  (Enter keeps, Esc clears)" : "");
		}
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
		/* The list goes first, the console pane over or below it; the
		 * fleet header above the list. */
		rows = tui_panes_layout(t, body);
		t->list_y = -1;
		if (rows > 0 && t->view == VIEW_DETAIL && tui_selected_host(t) != NULL) {
			tui_detail_draw(t, 0, rows);
		} else if (rows > 0) {
			int head = tui_header_lines(t, rows);

			tui_header_draw(t, 0, head);
			tui_list_draw(t, head, rows - head);
		}
		tui_panes_draw(t);
		draw_message_line(t);
		draw_status_bar(t);
		tui_keys_draw_dialog(t);
		tui_panes_draw_dialog(t);
	}
	if (tui_cmdline_active(t)) {
		curs_set(1);
		tui_cmdline_draw(t, LINES - 2); /* leaves the cursor in it */
	} else if (t->typing_filter) {
		curs_set(1);
		move(LINES - 2, 1 + (int)strlen(t->filter));
	} else if (!tui_panes_cursor(t)) {
		curs_set(0);
	}
	refresh();
	tui_screen_after_refresh(t); /* pictures go over what curses drew */
	ns = uv_hrtime() - start;
	t->frames++;
	t->frame_ns_total += ns;
	if (ns > t->frame_ns_max)
		t->frame_ns_max = ns;
	if (t->frame_ns == NULL)
		t->frame_ns = xcalloc(TUI_FRAMES_KEPT, sizeof *t->frame_ns);
	t->frame_ns[(t->frames - 1) % TUI_FRAMES_KEPT] = ns;
	if (t->nframe_ns < TUI_FRAMES_KEPT)
		t->nframe_ns++;
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


void tui_frame_stats(const struct tui *t, double *p50, double *p99, double *max)
{
	uint64_t *sorted;
	size_t n = t->nframe_ns;

	*p50 = *p99 = 0;
	*max = (double)t->frame_ns_max / 1e6;
	if (n == 0)
		return;
	sorted = xmalloc(n * sizeof *sorted);
	memcpy(sorted, t->frame_ns, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_u64);
	*p50 = (double)sorted[n / 2] / 1e6;
	*p99 = (double)sorted[n - 1 - n / 100] / 1e6;
	free(sorted);
}

/* Frame and key latency statistics, for bench/tui-frames.sh. */
static void log_frame_stats(struct tui *t)
{
	double p50, p99, max;

	if (t->nframe_ns > 0) {
		tui_frame_stats(t, &p50, &p99, &max);
		log_info("tui: %llu frames for %zu hosts, median %.3f ms, p99 %.3f ms, worst %.3f ms "
			 "(median and p99 of the last %zu)",
			 (unsigned long long)t->frames, t->e->nhosts, p50, p99, max, t->nframe_ns);
	}
	if (t->nkey_ns > 0) {
		qsort(t->key_ns, t->nkey_ns, sizeof *t->key_ns, cmp_u64);
		log_info("tui: %zu keys answered, key to screen median %.3f ms, worst %.3f ms",
			 t->nkey_ns, (double)t->key_ns[t->nkey_ns / 2] / 1e6,
			 (double)t->key_ns[t->nkey_ns - 1] / 1e6);
	}
}

/* In this order: the way out closes the VNC viewers, then the consoles. */
static const struct tui_pane_ops *const panes[] = { &tui_vnc_pane, &tui_console_pane,
								    &tui_events_pane, &tui_graph_pane,
								    &tui_wall_pane, &tui_screen_pane, NULL };

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
	uv_timer_init(e->loop, &t.data_frame);
	t.data_frame.data = &t;
	engine_add_observer(t.e, &obs);
	t.marked = xcalloc(t.e->nhosts ? t.e->nhosts : 1, 1);
	t.host_temp = xcalloc(t.e->nhosts ? t.e->nhosts : 1, sizeof *t.host_temp);
	t.host_watts = xcalloc(t.e->nhosts ? t.e->nhosts : 1, sizeof *t.host_watts);
	for (i = 0; i < t.e->nhosts; i++)
		t.host_temp[i] = t.host_watts[i] = NAN;
	t.order_dirty = 1;
	t.list_y = -1;
	memset(t.col_x, -1, sizeof t.col_x);
	tui_columns_default(&t);
	tui_cmdline_init(&t);
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
	tui_columns_load(&t); /* after the log can take its complaints */
	t.sort_jump = 0;

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
	uv_close((uv_handle_t *)&t.data_frame, NULL);
	uv_run(e->loop, UV_RUN_DEFAULT);
	for (i = 0; i < t.nlog; i++)
		free(t.log[i]);
	free(t.order);
	free(t.marked);
	free(t.host_temp);
	free(t.host_watts);
	free(t.targets);
	filter_free(t.filt);
	tui_cmdline_free(&t);
	free(t.frame_ns);
	free(t.key_ns);
	return 0;
}