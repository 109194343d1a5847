/*
 * tui/wall.c - the wall (W, :wall): the screens of the marked hosts, or of
 * the hosts shown when none are marked, as labelled tiles (4x4 on a 200x60
 * terminal, 2x2 on 80x24), a page at a time (PgDn PgUp).  Only the tiles
 * on the page have a client (tui/screen.h), started a few hundred
 * milliseconds apart so their refreshes (every 5 s) come round-robin, and
 * all stopped when the wall closes.  Arrows move the selection; Enter opens
 * the VNC relay and viewer as V does; Esc or q leaves.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/internal.h"
#include "tui/screen.h"

#define KEY_ESC		27
#define WALL_MAX	16   /* tiles on a page, and clients open at once */
#define WALL_REFRESH_MS 5000 /* each tile */
#define WALL_STAGGER_MS 300  /* between two clients' starts */

struct tui_wall {
	int open;
	size_t *hosts; /* fleet indices */
	size_t nhosts;
	size_t sel;
	int gr, gc; /* the grid */
	int body;
	struct tui_shot *shot[WALL_MAX]; /* the page's tiles' */
	size_t shot_host[WALL_MAX];
	uv_timer_t stagger;
	int from_marks;
};

static size_t per_page(const struct tui_wall *w)
{
	return (size_t)w->gr * (size_t)w->gc;
}

/* The grid for the body: tiles at least 38 columns and 10 lines. */
static void grid(struct tui_wall *w)
{
	int gc = COLS / 38, gr = (w->body - 1) / 10;

	w->gc = gc < 1 ? 1 : gc > 4 ? 4 : gc;
	w->gr = gr < 1 ? 1 : gr > 4 ? 4 : gr;
}

static void stop_shot(struct tui_wall *w, size_t i)
{
	tui_shot_stop(w->shot[i]);
	w->shot[i] = NULL;
}

static void stop_all(struct tui_wall *w)
{
	size_t i;

	for (i = 0; i < WALL_MAX; i++)
		stop_shot(w, i);
	uv_timer_stop(&w->stagger);
}

/* Start the next tile of the page without a client; stop when all have one. */
static void on_stagger(uv_timer_t *timer)
{
	struct tui *t = timer->data;
	struct tui_wall *w = t->wall;
	size_t first, i;

	if (!w->open || w->nhosts == 0) {
		uv_timer_stop(timer);
		return;
	}
	first = w->sel / per_page(w) * per_page(w);
	for (i = 0; i < per_page(w) && first + i < w->nhosts; i++) {
		size_t host = w->hosts[first + i];

		if (w->shot[i] != NULL && w->shot_host[i] == host &&
		    !tui_shot_stale(w->shot[i], &t->e->hosts[host]))
			continue;
		stop_shot(w, i);
		w->shot[i] = tui_shot_start(t, &t->e->hosts[host], WALL_REFRESH_MS, 1);
		w->shot_host[i] = host;
		tui_mark_dirty(t);
		return;
	}
	uv_timer_stop(timer);
}

/* The page or the grid changed: stop what is off it, start the rest. */
static void sync_page(struct tui *t, struct tui_wall *w)
{
	size_t first = w->sel / per_page(w) * per_page(w), i;

	for (i = 0; i < WALL_MAX; i++)
		if (w->shot[i] != NULL && (i >= per_page(w) || first + i >= w->nhosts ||
					   w->hosts[first + i] != w->shot_host[i]))
			stop_shot(w, i);
	if (!uv_is_active((uv_handle_t *)&w->stagger))
		uv_timer_start(&w->stagger, on_stagger, 0, WALL_STAGGER_MS);
}

void tui_wall_open(struct tui *t)
{
	struct tui_wall *w = t->wall;
	size_t i;

	if (w == NULL)
		return;
	free(w->hosts);
	w->hosts = xcalloc(t->e->nhosts ? t->e->nhosts : 1, sizeof *w->hosts);
	w->nhosts = 0;
	w->from_marks = t->nmarked > 0;
	if (w->from_marks) {
		for (i = 0; i < t->e->nhosts; i++)
			if (t->marked[i])
				w->hosts[w->nhosts++] = i;
	} else {
		for (i = 0; i < t->norder; i++)
			w->hosts[w->nhosts++] = t->order[i];
	}
	if (w->nhosts == 0) {
		tui_statusf(t, "wall: no hosts shown");
		return;
	}
	if (tui_screen_method(t) == PIX_NONE) {
		tui_statusf(t, "wall: pictures are off (screen-graphics = none)");
		return;
	}
	w->open = 1;
	w->sel = 0;
	w->body = LINES - 2;
	grid(w);
	sync_page(t, w);
	tui_statusf(t, "wall: arrows move, Enter opens a viewer, PgDn PgUp pages, Esc back");
	tui_mark_dirty(t);
}

void tui_wall_key_open(struct tui *t, int key)
{
	(void)key;
	tui_wall_open(t);
}

static void wall_close(struct tui *t, struct tui_wall *w)
{
	w->open = 0;
	stop_all(w);
	tui_mark_dirty(t);
}

/* Drawing. */

static void draw_tile(struct tui *t, struct tui_wall *w, size_t i, size_t pos, int y, int x, int th,
		      int tw)
{
	const struct bmc_host *h = &t->e->hosts[w->hosts[pos]];
	struct tui_shot *sh =
	    w->shot[i] != NULL && w->shot_host[i] == w->hosts[pos] ? w->shot[i] : NULL;
	char text[200];
	int pair = tui_health_pair(h->health), taken = 0;

	if (pos == w->sel)
		attron(A_REVERSE);
	mvhline(y, x, ' ', tw - 1);
	mvprintw(y, x, " %-.*s ", tw - 3, h->cfg->name);
	tui_set_color(t, pair, 1);
	printw("%s %s", bmc_power_name(h->power), bmc_health_name(h->health));
	tui_set_color(t, pair, 0);
	if (pos == w->sel)
		attroff(A_REVERSE);
	if (sh != NULL && tui_shot_stale(sh, h) && !uv_is_active((uv_handle_t *)&w->stagger))
		uv_timer_start(&w->stagger, on_stagger, 0, WALL_STAGGER_MS);
	if (sh != NULL)
		taken = tui_shot_place(t, sh, y + 1, x, th - 2, tw - 1);
	if (taken == 0) {
		tui_set_color(t, PAIR_DIM, 1);
		mvaddnstr(y + 2, x + 1,
			  sh != NULL ? tui_shot_text(sh, text, sizeof text) : "waiting", tw - 3);
		tui_set_color(t, PAIR_DIM, 0);
	}
}

static void wall_draw(struct tui *t)
{
	struct tui_wall *w = t->wall;
	size_t first, i, pages;
	int th, tw;

	if (w == NULL || !w->open)
		return;
	th = (w->body - 1) / w->gr;
	tw = COLS / w->gc;
	first = w->sel / per_page(w) * per_page(w);
	pages = (w->nhosts + per_page(w) - 1) / per_page(w);
	tui_set_color(t, PAIR_TITLE, 1);
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 1, "WALL  %zu hosts (%s)  page %zu/%zu  via %s", w->nhosts,
		 w->from_marks ? "marked" : "shown", first / per_page(w) + 1, pages,
		 tui_screen_method_text(t));
	tui_set_color(t, PAIR_TITLE, 0);
	for (i = 0; i < per_page(w) && first + i < w->nhosts; i++)
		draw_tile(t, w, i, first + i, 1 + (int)(i / (size_t)w->gc) * th,
			  (int)(i % (size_t)w->gc) * tw, th, tw);
}

/* The pane. */

static void wall_init(struct tui *t)
{
	t->wall = xcalloc(1, sizeof *t->wall);
	uv_timer_init(t->e->loop, &t->wall->stagger);
	t->wall->stagger.data = t;
}

static void on_stagger_closed(uv_handle_t *handle)
{
	struct tui *t = handle->data;

	free(t->wall->hosts);
	free(t->wall);
	t->wall = NULL;
}

static void wall_free(struct tui *t)
{
	if (t->wall == NULL)
		return;
	stop_all(t->wall);
	uv_close((uv_handle_t *)&t->wall->stagger, on_stagger_closed);
}

static void wall_close_all(struct tui *t, void (*then)(struct tui *t))
{
	if (t->wall != NULL)
		wall_close(t, t->wall);
	then(t);
}

static int wall_layout(struct tui *t, int body)
{
	struct tui_wall *w = t->wall;
	int gr, gc;

	if (w == NULL || !w->open)
		return body;
	gr = w->gr;
	gc = w->gc;
	w->body = body;
	grid(w);
	if (gr != w->gr || gc != w->gc)
		sync_page(t, w);
	return 0;
}

static void wall_move(struct tui *t, struct tui_wall *w, long step)
{
	size_t page = w->sel / per_page(w);
	long to = (long)w->sel + step;

	if (to < 0)
		to = 0;
	if (to >= (long)w->nhosts)
		to = (long)w->nhosts - 1;
	w->sel = (size_t)to;
	if (w->sel / per_page(w) != page)
		sync_page(t, w);
}

/* The wall's own keys, for ? while it is shown. */
static const struct tui_key_help wall_keys[] = {
    {"Left Right Up Down h j k l", "move between tiles"},
    {"PgDn PgUp", "the next / previous page of tiles"},
    {"Enter", "open the tile's console in a VNC viewer through a relay (as V)"},
    {"Esc q W", "back to the host list"},
};

static int wall_input(struct tui *t, int key, int is_code)
{
	struct tui_wall *w = t->wall;

	if (w == NULL || !w->open || tui_cmdline_active(t) || t->dialog != DIALOG_NONE)
		return 0;
	(void)is_code;
	switch (key) {
	case KEY_RIGHT:
	case 'l':
		wall_move(t, w, 1);
		break;
	case KEY_LEFT:
	case 'h':
		wall_move(t, w, -1);
		break;
	case KEY_DOWN:
	case 'j':
		wall_move(t, w, w->gc);
		break;
	case KEY_UP:
	case 'k':
		wall_move(t, w, -w->gc);
		break;
	case KEY_NPAGE:
		wall_move(t, w, (long)per_page(w) - (long)(w->sel % per_page(w)));
		break;
	case KEY_PPAGE:
		wall_move(t, w, -(long)(w->sel % per_page(w)) - (long)per_page(w));
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		/* The same as V on the host: a relay and a viewer (not read-only). */
		if (!tui_readonly_refuses(t, "graphical console (a VNC viewer sends input)"))
			tui_vnc_pane.open(t, &t->e->hosts[w->hosts[w->sel]]);
		break;
	case KEY_ESC:
	case 'q':
	case 'W':
		wall_close(t, w);
		break;
	case '?':
		tui_help_open_keys(t, "Wall keys", wall_keys, sizeof wall_keys / sizeof wall_keys[0]);
		break;
	default:
		return 0;
	}
	tui_mark_dirty(t);
	return 1;
}

static void wall_status(struct tui *t, char *buf, size_t len)
{
	struct tui_wall *w = t->wall;
	size_t used = strlen(buf), i, n = 0;

	if (w == NULL || !w->open || used >= len)
		return;
	for (i = 0; i < WALL_MAX; i++)
		n += w->shot[i] != NULL;
	snprintf(buf + used, len - used, "wall %zu open  ", n);
}

const struct tui_pane_ops tui_wall_pane = {
    .init = wall_init,
    .free = wall_free,
    .layout = wall_layout,
    .draw = wall_draw,
    .input = wall_input,
    .status = wall_status,
    .close_all = wall_close_all,
};
