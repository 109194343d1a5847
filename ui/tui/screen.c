/*
 * tui/screen.c - the Screen tab (6): the selected host's graphical console
 * as a picture, refreshed every 3 s while the tab is shown and stopped
 * when it is not; and what the tab and the wall (tui/wall.c) share: the
 * shots (a read-only RFB client each, vnc/rfbclient.h) and the placing of
 * their pictures.
 *
 * Curses draws text only.  A picture is written straight to the terminal
 * after curses' refresh (tui_screen_after_refresh), with the cursor saved
 * and restored around it, into cells curses holds with a placeholder (see
 * hold_cells), so curses leaves them alone while the picture stays and
 * repaints them when it goes; a kitty picture is an image of its own,
 * deleted by its id.  A picture is written again only
 * when it changed, moved, or curses repainted the screen, so an idle tab
 * costs nothing.  Nothing here waits: the client lives on the loop.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "tui/screen.h"
#include "vnc/rfbclient.h"

#define TAB_REFRESH_MS 3000
#define MAX_PLACED     64
/* A lean shot's own copy at most this size (a wall tile is smaller). */
#define LEAN_W 400
#define LEAN_H 300

struct tui_shot {
	struct tui *t;
	size_t host;
	struct vnc_screen *s; /* NULL once ended */
	int abandoned;	      /* stopped by its owner: the end frees it */
	int parked;	      /* not started: the host's credentials were rejected */
	int lean;	      /* the client keeps no picture: copy holds a small one */
	uint8_t *copy;
	int cw, ch;
	char msg[200];	    /* why it ended, or why it did not start */
	int64_t updated_ms; /* the last picture's wall time */
	uint64_t started_ns, first_ns;
	int fw, fh; /* the screen's size */
	unsigned id;
	/* The bytes last made for the terminal, and what they were made for. */
	struct pix_out out;
	uint64_t out_gen;
	int out_y, out_x, out_rows, out_cols;
};

struct placed {
	struct tui_shot *sh;
	unsigned id;
	int y, x, rows, cols;
	int pw, ph; /* the picture's pixels */
	enum pix_method m;
};

struct tui_screen {
	enum pix_method method;
	enum pix_blocks_mode mode;
	char method_text[64];
	unsigned next_id;
	struct tui_shot *tab; /* the Screen tab's */
	int tab_drawn;	      /* the tab was drawn in this frame */
	int force;	      /* curses repaints everything in this frame */
	struct placed now[MAX_PLACED], before[MAX_PLACED];
	size_t nnow, nbefore;
	uint64_t frames_written;
};

/* Shots. */

static void on_shot(struct vnc_screen *s, enum vnc_screen_event ev, int status, const char *msg,
		    void *arg)
{
	struct tui_shot *sh = arg;
	const struct vnc_fb *fb;

	if (ev == VNC_SCREEN_ENDED) {
		sh->s = NULL;
		if (sh->abandoned) {
			pix_out_free(&sh->out);
			free(sh->copy);
			free(sh);
			return;
		}
		snprintf(sh->msg, sizeof sh->msg, "%s", msg != NULL ? msg : "ended");
		(void)status;
		tui_mark_dirty(sh->t);
		return;
	}
	fb = vnc_screen_fb(s);
	if (fb == NULL)
		return;
	if (sh->first_ns == 0) {
		sh->first_ns = uv_hrtime();
		log_info("%s: screen: first picture %dx%d in %.3f s",
			 sh->t->e->hosts[sh->host].cfg->name, fb->w, fb->h,
			 (double)(sh->first_ns - sh->started_ns) / 1e9);
	}
	sh->fw = fb->w;
	sh->fh = fb->h;
	if (sh->lean) {
		/* The client frees its picture after this: keep a tile's worth. */
		pix_fit(fb->w, fb->h, LEAN_W, LEAN_H, 1, &sh->cw, &sh->ch);
		sh->copy = xrealloc(sh->copy, (size_t)sh->cw * (size_t)sh->ch * 3);
		vnc_screen_scale(s, sh->copy, sh->cw, sh->ch);
	}
	sh->updated_ms = engine_wall_ms();
	tui_mark_dirty(sh->t);
}

struct tui_shot *tui_shot_start(struct tui *t, struct bmc_host *h, unsigned refresh_ms, int lean)
{
	struct tui_shot *sh = xcalloc(1, sizeof *sh);
	char *err = NULL;

	sh->t = t;
	sh->host = h->index;
	sh->id = ++t->screen->next_id;
	sh->started_ns = uv_hrtime();
	/* A console that logs in with the host's password would spend another
	 * attempt of a password the BMC has rejected: not until r un-parks it. */
	if (h->state == HOST_PARKED) {
		sh->parked = 1;
		snprintf(sh->msg, sizeof sh->msg,
			 "the BMC rejected the credentials; r retries, then the screen shows");
		return sh;
	}
	if (vnc_screen_start(&sh->s, h, NULL, refresh_ms, NULL, on_shot, sh, &err) != 0) {
		sh->s = NULL;
		snprintf(sh->msg, sizeof sh->msg, "%s", err != NULL ? err : "cannot start");
		free(err);
		return sh;
	}
	sh->lean = lean;
	vnc_screen_set_lean(sh->s, lean);
	return sh;
}

void tui_shot_stop(struct tui_shot *sh)
{
	if (sh == NULL)
		return;
	if (sh->s != NULL) {
		sh->abandoned = 1;
		vnc_screen_stop(sh->s);
		return;
	}
	pix_out_free(&sh->out);
	free(sh->copy);
	free(sh);
}

size_t tui_shot_host(const struct tui_shot *sh)
{
	return sh->host;
}

int tui_shot_has_picture(const struct tui_shot *sh)
{
	return sh->s != NULL && vnc_screen_generation(sh->s) > 0 && (!sh->lean || sh->copy != NULL);
}

int tui_shot_ended(const struct tui_shot *sh)
{
	return sh->s == NULL;
}

int tui_shot_stale(const struct tui_shot *sh, const struct bmc_host *h)
{
	return sh->parked && h->state != HOST_PARKED;
}

const char *tui_shot_text(const struct tui_shot *sh, char *buf, size_t len)
{
	char age[16];

	if (sh->s == NULL)
		snprintf(buf, len, "%s", sh->msg);
	else if (!tui_shot_has_picture(sh))
		snprintf(buf, len, "connecting to the graphical console...");
	else
		snprintf(buf, len, "%dx%d  %s  updated %s ago", sh->fw, sh->fh,
			 vnc_screen_encodings_used(sh->s),
			 tui_age(sh->updated_ms, age, sizeof age));
	return buf;
}

/* The method. */

static const char *env_lookup(const char *name)
{
	return getenv(name);
}

static enum pix_blocks_mode blocks_mode(struct tui *t)
{
	const char *ct = getenv("COLORTERM"), *term = getenv("TERM");

	if (!tui_utf8())
		return PIX_ASCII;
	/* tmux takes 24-bit colour from the program and turns it into what
	 * the outer terminal has itself. */
	if ((ct != NULL && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0)) ||
	    getenv("TMUX") != NULL || (term != NULL && strstr(term, "direct") != NULL))
		return PIX_RGB;
	return t->colors >= 256 ? PIX_256 : PIX_RGB;
}

static void choose_method(struct tui *t, struct tui_screen *sc)
{
	int chosen = t->e->fleet != NULL ? t->e->fleet->screen_graphics : PIX_AUTO;
	static const char *const mode_names[] = {"24-bit", "256 colours", "ASCII"};

	sc->method = chosen == PIX_AUTO ? pix_detect(env_lookup) : (enum pix_method)chosen;
	sc->mode = blocks_mode(t);
	if (sc->method == PIX_BLOCKS)
		snprintf(sc->method_text, sizeof sc->method_text, "%s, %s%s",
			 sc->mode == PIX_ASCII ? "ASCII" : "half-blocks", mode_names[sc->mode],
			 chosen == PIX_AUTO ? ", auto" : "");
	else
		snprintf(sc->method_text, sizeof sc->method_text, "%s%s",
			 sc->method == PIX_KITTY   ? "kitty graphics"
			 : sc->method == PIX_SIXEL ? "sixel"
						   : "no pictures (screen-graphics = none)",
			 chosen == PIX_AUTO ? ", auto" : "");
}

enum pix_method tui_screen_method(struct tui *t)
{
	return t->screen->method;
}

const char *tui_screen_method_text(struct tui *t)
{
	return t->screen->method_text;
}

/* Placing pictures. */

/* A cell's size in pixels (the terminal's, else 8x16). */
static void cell_pixels(int *cw, int *ch)
{
	struct winsize ws;

	*cw = 8;
	*ch = 16;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_xpixel > 0 && ws.ws_ypixel > 0 &&
	    ws.ws_col > 0 && ws.ws_row > 0) {
		*cw = ws.ws_xpixel / ws.ws_col;
		*ch = ws.ws_ypixel / ws.ws_row;
	}
	if (*cw < 2 || *ch < 2) {
		*cw = 8;
		*ch = 16;
	}
}

/*
 * The cells a picture of fw x fh takes in rows x cols, by method, and the
 * pixels it is drawn with: half-blocks have two square pixels a cell;
 * kitty and sixel draw pixels, fitted with the cell's real size so the
 * aspect holds whatever the font.
 */
static void cells_for(enum pix_method m, int fw, int fh, int rows, int cols, int *r, int *c,
		      int *pw, int *ph)
{
	int cw, ch;

	if (m == PIX_BLOCKS) {
		pix_fit(fw, fh, cols, rows * 2, 1, pw, ph);
		*ph &= ~1;
		if (*ph < 2)
			*ph = 2;
		*c = *pw;
		*r = *ph / 2;
		return;
	}
	cell_pixels(&cw, &ch);
	pix_fit(fw, fh, cols * cw, rows * ch, 1, pw, ph);
	*c = (*pw + cw - 1) / cw;
	*r = (*ph + ch - 1) / ch;
}

/*
 * The picture's cells in curses' own screen: a space in bold, which shows
 * as nothing but is not blank to curses, the same each frame.  Curses then
 * never rewrites them while the picture stays, never clears across them to
 * tidy a neighbour (it would clear a blank run), and repaints them itself
 * when the picture goes.
 */
static void hold_cells(const struct placed *p)
{
	int r;

	attron(A_BOLD);
	for (r = 0; r < p->rows; r++)
		mvhline(p->y + r, p->x, ' ', p->cols);
	attroff(A_BOLD);
}

int tui_shot_place(struct tui *t, struct tui_shot *sh, int y, int x, int rows, int cols)
{
	struct tui_screen *sc = t->screen;
	struct placed *p;
	int r, c, pw, ph;

	if (sc->method == PIX_NONE || !tui_shot_has_picture(sh) || rows < 1 || cols < 2 ||
	    sc->nnow >= MAX_PLACED)
		return 0;
	cells_for(sc->method, sh->fw, sh->fh, rows, cols, &r, &c, &pw, &ph);
	p = &sc->now[sc->nnow++];
	p->sh = sh;
	p->id = sh->id;
	p->y = y;
	p->x = x;
	p->rows = r;
	p->cols = c;
	p->pw = pw;
	p->ph = ph;
	p->m = sc->method;
	if (is_cleared(curscr) || is_cleared(stdscr))
		sc->force = 1;
	hold_cells(p);
	return r;
}

static int same_place(const struct placed *a, const struct placed *b)
{
	return a->id == b->id && a->y == b->y && a->x == b->x && a->rows == b->rows &&
	       a->cols == b->cols && a->m == b->m;
}

/* Make the bytes of p's picture, unless they are made already. */
static int encode(struct tui_screen *sc, struct placed *p)
{
	struct tui_shot *sh = p->sh;
	uint64_t gen = vnc_screen_generation(sh->s);
	int w, h;
	uint8_t *pic;

	if (sh->out.len > 0 && sh->out_gen == gen && sh->out_y == p->y && sh->out_x == p->x &&
	    sh->out_rows == p->rows && sh->out_cols == p->cols)
		return 0;
	sh->out.len = 0;
	w = p->pw;
	h = p->ph;
	if (p->m == PIX_KITTY && w > sh->fw) {
		/* No need to send more pixels than there are. */
		h = (int)((long)h * sh->fw / w);
		w = sh->fw;
	}
	if (w < 1 || h < 1)
		return 0;
	pic = xmalloc((size_t)w * (size_t)h * 3);
	if (sh->lean) {
		struct vnc_fb small = {.w = sh->cw, .h = sh->ch, .rgb = sh->copy};

		vnc_fb_scale(&small, pic, w, h);
	} else {
		vnc_screen_scale(sh->s, pic, w, h);
	}
	if (p->m == PIX_BLOCKS) {
		pix_blocks(&sh->out, pic, w, h, p->y + 1, p->x + 1, sc->mode);
	} else {
		pix_out_printf(&sh->out, "\033[%d;%dH", p->y + 1, p->x + 1);
		if (p->m == PIX_KITTY)
			pix_kitty(&sh->out, pic, w, h, p->cols, p->rows, sh->id);
		else
			pix_sixel(&sh->out, pic, w, h, 128);
	}
	free(pic);
	sh->out_gen = gen;
	sh->out_y = p->y;
	sh->out_x = p->x;
	sh->out_rows = p->rows;
	sh->out_cols = p->cols;
	return 1;
}

/*
 * Write to the terminal.  Its descriptor is non-blocking (the loop polls
 * stdin, the same open terminal), so a large picture meets EAGAIN while
 * the terminal reads: wait for it as curses does, up to a bound, and say
 * whether everything went (if not, the picture is sent again next frame).
 */
static int write_all(const char *s, size_t len)
{
	uint64_t until = uv_hrtime() + 2000000000ull;

	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, s, len);
		struct pollfd pfd = {STDOUT_FILENO, POLLOUT, 0};

		if (n > 0) {
			s += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (uv_hrtime() > until)
			return -1;
		poll(&pfd, 1, 100);
	}
	return 0;
}

/* p is among the n placements of list: 1. */
static int placed_in(const struct placed *list, size_t n, const struct placed *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same_place(&list[i], p))
			return 1;
	return 0;
}

void tui_screen_after_refresh(struct tui *t)
{
	struct tui_screen *sc = t->screen;
	struct pix_out o = {0};
	size_t i;

	if (sc == NULL)
		return;
	/* A dialog over the pictures: none this frame. */
	if (t->dialog != DIALOG_NONE)
		sc->nnow = 0;
	/* Kitty pictures gone or moved: deleted (curses repaints the cells of the others). */
	for (i = 0; i < sc->nbefore; i++)
		if (sc->before[i].m == PIX_KITTY && !placed_in(sc->now, sc->nnow, &sc->before[i]))
			pix_kitty_delete(&o, sc->before[i].id);
	for (i = 0; i < sc->nnow; i++) {
		struct placed *p = &sc->now[i];
		int changed = encode(sc, p);

		if (changed || sc->force || !placed_in(sc->before, sc->nbefore, p)) {
			if (p->m == PIX_KITTY && placed_in(sc->before, sc->nbefore, p))
				pix_kitty_delete(&o, p->id);
			pix_out_add(&o, p->sh->out.s, p->sh->out.len);
		}
	}
	if (o.len > 0) {
		/* Cursor and colours saved around the pictures, for curses. */
		pix_out_add(&o, "\033[0m\0338", 6);
		if (write_all("\0337", 2) != 0 || write_all(o.s, o.len) != 0) {
			write_all("\033[0m\0338", 6);
			sc->force = 2; /* cut short: all of them again next frame */
			tui_mark_dirty(t);
		}
		sc->frames_written++;
	}
	pix_out_free(&o);
	memcpy(sc->before, sc->now, sc->nnow * sizeof sc->now[0]);
	sc->nbefore = sc->nnow;
	sc->nnow = 0;
	sc->force = sc->force == 2 ? 1 : 0;
	/* The tab's client only while the tab is shown. */
	if (!sc->tab_drawn && sc->tab != NULL) {
		tui_shot_stop(sc->tab);
		sc->tab = NULL;
	}
	sc->tab_drawn = 0;
}

/* The Screen tab. */

int tui_screen_tab_draw(struct tui *t, const struct bmc_host *h, int y, int rows)
{
	struct tui_screen *sc = t->screen;
	char text[256];
	int taken = 0;

	sc->tab_drawn = 1;
	if (sc->tab != NULL && (tui_shot_host(sc->tab) != h->index || tui_shot_stale(sc->tab, h))) {
		tui_shot_stop(sc->tab);
		sc->tab = NULL;
	}
	if (sc->tab == NULL && sc->method != PIX_NONE)
		sc->tab = tui_shot_start(t, &t->e->hosts[h->index], TAB_REFRESH_MS, 0);
	tui_set_color(t, PAIR_TITLE, 1);
	mvprintw(y, 1, "SCREEN  via %s", sc->method_text);
	tui_set_color(t, PAIR_TITLE, 0);
	if (sc->tab == NULL) {
		mvprintw(y + 2, 2, "Pictures are off: screen-graphics = none in the fleet file.");
		return 0;
	}
	tui_shot_text(sc->tab, text, sizeof text);
	printw("   ");
	if (tui_shot_ended(sc->tab))
		tui_set_color(t, PAIR_WARN, 1);
	addnstr(text, COLS - getcurx(stdscr) > 0 ? COLS - getcurx(stdscr) : 0);
	if (tui_shot_ended(sc->tab))
		tui_set_color(t, PAIR_WARN, 0);
	if (rows > 2)
		taken = tui_shot_place(t, sc->tab, y + 1, 1, rows - 2, COLS - 2);
	if (taken == 0 && !tui_shot_ended(sc->tab))
		mvprintw(y + 2, 2, "V opens a VNC viewer on this console; w lists the relays.");
	return 0;
}

/* The pane: the state, and the tab's client closed on the way out. */

static void screen_init(struct tui *t)
{
	t->screen = xcalloc(1, sizeof *t->screen);
	choose_method(t, t->screen);
}

static void screen_free(struct tui *t)
{
	struct tui_screen *sc = t->screen;

	if (sc == NULL)
		return;
	if (sc->frames_written > 0)
		log_info("tui: %llu frames with pictures written (%s)",
			 (unsigned long long)sc->frames_written, sc->method_text);
	tui_shot_stop(sc->tab);
	free(sc);
	t->screen = NULL;
}

static void screen_close_all(struct tui *t, void (*then)(struct tui *t))
{
	struct tui_screen *sc = t->screen;
	struct pix_out o = {0};
	size_t i;

	/* Kitty keeps images after the program ends: take them back. */
	for (i = 0; i < sc->nbefore; i++)
		if (sc->before[i].m == PIX_KITTY)
			pix_kitty_delete(&o, sc->before[i].id);
	if (o.len > 0)
		write_all(o.s, o.len);
	pix_out_free(&o);
	sc->nbefore = 0;
	tui_shot_stop(sc->tab);
	sc->tab = NULL;
	then(t);
}

const struct tui_pane_ops tui_screen_pane = {
    .init = screen_init,
    .free = screen_free,
    .close_all = screen_close_all,
};
