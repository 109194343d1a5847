/*
 * tui/terminal.c - libvterm glue: a host's terminal screen, fed bytes, drawn
 * with curses, and keys turned into the bytes the host's modes ask for.
 *
 * Bytes go into libvterm, whose damage callbacks only tell the owner a
 * frame is wanted (the owner coalesces them), so a megabyte of boot log
 * costs a few dozen frames, not one per read.  Keys go the other way
 * through libvterm's keyboard functions, so the cursor keys follow the
 * modes the host asked for, and libvterm's output callback hands the bytes
 * to the owner's write callback; answers to the host's terminal queries
 * (cursor position, device attributes) travel the same way.  Lines
 * libvterm scrolls off the top are kept, compactly, in a scrollback ring.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <vterm.h>
#include <wchar.h>

#include "core/xalloc.h"
#include "tui/terminal.h"

struct terminal {
	VTerm *vt;
	VTermScreen *screen;
	int rows, cols;
	int cursor_visible;
	struct scrollback sb;
	struct terminal_callbacks cb;
	void *ctx;
};

/* Colours. */

static const uint8_t basic_rgb[8][3] = { { 0, 0, 0 },	  { 205, 0, 0 },   { 0, 205, 0 },
					 { 205, 205, 0 }, { 0, 0, 238 },   { 205, 0, 205 },
					 { 0, 205, 205 }, { 229, 229, 229 } };

static int rgb_to_basic(const VTermColor *c)
{
	int best = 0, i;
	long best_d = -1;

	for (i = 0; i < 8; i++) {
		long dr = c->rgb.red - basic_rgb[i][0], dg = c->rgb.green - basic_rgb[i][1],
		     db = c->rgb.blue - basic_rgb[i][2], d = dr * dr + dg * dg + db * db;

		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

static int cube_level(int v)
{
	return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40;
}

/* The nearest colour of xterm's 6x6x6 cube or its grey ramp. */
static int rgb_to_256(const VTermColor *c)
{
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };
	int r = cube_level(c->rgb.red), g = cube_level(c->rgb.green), b = cube_level(c->rgb.blue);
	int avg = (c->rgb.red + c->rgb.green + c->rgb.blue) / 3;
	int grey = avg > 238 ? 23 : avg < 8 ? 0 : (avg - 8) / 10, gv = 8 + 10 * grey;
	long dc = (long)(level[r] - c->rgb.red) * (level[r] - c->rgb.red) +
		  (long)(level[g] - c->rgb.green) * (level[g] - c->rgb.green) +
		  (long)(level[b] - c->rgb.blue) * (level[b] - c->rgb.blue);
	long dg = (long)(gv - c->rgb.red) * (gv - c->rgb.red) +
		  (long)(gv - c->rgb.green) * (gv - c->rgb.green) +
		  (long)(gv - c->rgb.blue) * (gv - c->rgb.blue);

	return dg < dc ? 232 + grey : 16 + 36 * r + 6 * g + b;
}

/* A VTerm colour as a curses colour number; -1 for the default.  Bright
 * colours on an 8-colour terminal become bold (*bold) on the basic ones. */
static int curses_color(const struct terminal *tm, const struct terminal_palette *pal,
			const VTermColor *col, int fg, int *bold)
{
	int ncolors = pal->colors ? COLORS : 0;
	VTermColor c = *col;

	if (fg ? VTERM_COLOR_IS_DEFAULT_FG(col) : VTERM_COLOR_IS_DEFAULT_BG(col))
		return -1;
	if (VTERM_COLOR_IS_INDEXED(col)) {
		int idx = col->indexed.idx;

		if (idx < 8 || idx < ncolors)
			return idx;
		if (idx < 16) {
			if (fg)
				*bold = 1;
			return idx - 8;
		}
		vterm_screen_convert_color_to_rgb(tm->screen, &c);
	}
	return ncolors >= 256 ? rgb_to_256(&c) : rgb_to_basic(&c);
}

static int pair_for(struct terminal_palette *pal, int fg, int bg)
{
	int key = (fg + 1) * 257 + (bg + 1);

	if (fg < 0 && bg < 0)
		return 0;
	if (pal->pair_of == NULL) {
		pal->pair_of = xcalloc(257 * 257, sizeof *pal->pair_of);
		pal->next_pair = pal->first_pair;
		pal->max_pair = COLOR_PAIRS < 32767 ? COLOR_PAIRS : 32767;
	}
	if (pal->pair_of[key] != 0)
		return pal->pair_of[key];
	if (pal->next_pair >= pal->max_pair) {
		/* Out of pairs: start over; this frame redraws every cell. */
		memset(pal->pair_of, 0, 257 * 257 * sizeof *pal->pair_of);
		pal->next_pair = pal->first_pair;
		if (pal->next_pair >= pal->max_pair)
			return 0;
	}
	init_pair((short)pal->next_pair, (short)fg, (short)bg);
	pal->pair_of[key] = pal->next_pair;
	return pal->next_pair++;
}

/* Drawing one cell. */

static uint8_t pack_attrs(const VTermScreenCellAttrs *a)
{
	return (uint8_t)((a->bold ? SB_BOLD : 0) | (a->underline ? SB_UNDERLINE : 0) |
			 (a->italic ? SB_ITALIC : 0) | (a->blink ? SB_BLINK : 0) |
			 (a->reverse ? SB_REVERSE : 0));
}

/*
 * Draw one cell libvterm says is width columns wide (1 or 2) at y, x.
 * Whatever the terminal would show at another width, or not at all,
 * becomes '?', so one odd character cannot shift the rest of the line.
 */
static void draw_cell(struct terminal *tm, struct terminal_palette *pal, int y, int x, int width,
		      const uint32_t *chars, int nchars, uint8_t attrs, const VTermColor *fg,
		      const VTermColor *bg, int highlight)
{
	static const wchar_t blank[] = L" ";
	wchar_t wc[CCHARW_MAX + 1];
	attr_t a = 0;
	int bold = 0, pair = 0, i, n = 0, shown = 1;
	cchar_t cc;

	if (nchars == 0 || chars[0] == 0) {
		wc[n++] = L' ';
	} else if (chars[0] < 0x20 || (chars[0] >= 0x7f && chars[0] < 0xa0) ||
		   wcwidth((wchar_t)chars[0]) != width) {
		wc[n++] = L'?';
	} else {
		shown = width;
		for (i = 0; i < nchars && i < CCHARW_MAX - 1 && chars[i] != 0; i++)
			wc[n++] = (wchar_t)chars[i];
	}
	wc[n] = L'\0';
	if (attrs & SB_BOLD)
		a |= A_BOLD;
	if (attrs & SB_UNDERLINE)
		a |= A_UNDERLINE;
	if (attrs & SB_ITALIC)
		a |= A_ITALIC;
	if (attrs & SB_BLINK)
		a |= A_BLINK;
	if (attrs & SB_REVERSE)
		a |= A_REVERSE;
	if (pal->colors) {
		int f = curses_color(tm, pal, fg, 1, &bold);
		int b = curses_color(tm, pal, bg, 0, &bold);

		pair = pair_for(pal, f, b);
	}
	if (bold)
		a |= A_BOLD;
	if (highlight) {
		a = (a ^ A_REVERSE) | A_BOLD;
		if (pal->colors)
			pair = pal->highlight_pair;
	}
	if (setcchar(&cc, wc, a, (short)pair, NULL) != OK) {
		shown = 1;
		setcchar(&cc, L"?", a, (short)pair, NULL);
	}
	mvadd_wch(y, x, &cc);
	if (shown < width) {
		setcchar(&cc, blank, a, (short)pair, NULL);
		mvadd_wch(y, x + 1, &cc);
	}
}

/* Scrollback: cells keep VTerm's colours as the four bytes they are. */

static uint32_t pack_color(const VTermColor *c)
{
	return (uint32_t)c->rgb.type << 24 | (uint32_t)c->rgb.red << 16 |
	       (uint32_t)c->rgb.green << 8 | c->rgb.blue;
}

static VTermColor unpack_color(uint32_t v)
{
	VTermColor c;

	c.rgb.type = (uint8_t)(v >> 24);
	c.rgb.red = (uint8_t)(v >> 16);
	c.rgb.green = (uint8_t)(v >> 8);
	c.rgb.blue = (uint8_t)v;
	return c;
}

static int on_sb_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct terminal *tm = user;
	struct sb_cell *line;
	int n = cols, i;

	while (n > 0 && cells[n - 1].chars[0] == 0 && VTERM_COLOR_IS_DEFAULT_BG(&cells[n - 1].bg) &&
	       !cells[n - 1].attrs.reverse)
		n--;
	line = n > 0 ? xcalloc((size_t)n, sizeof *line) : NULL;
	for (i = 0; i < n; i++) {
		line[i].ch = cells[i].chars[0];
		line[i].fg = pack_color(&cells[i].fg);
		line[i].bg = pack_color(&cells[i].bg);
		line[i].attrs = pack_attrs(&cells[i].attrs);
	}
	if (scrollback_push(&tm->sb, line, n) && tm->cb.dropped != NULL)
		tm->cb.dropped(tm->ctx);
	return 1;
}

static int on_sb_popline(int cols, VTermScreenCell *cells, void *user)
{
	struct terminal *tm = user;
	VTermColor fg, bg;
	struct sb_line l;
	int i;

	if (!scrollback_pop(&tm->sb, &l))
		return 0;
	vterm_state_get_default_colors(vterm_obtain_state(tm->vt), &fg, &bg);
	for (i = 0; i < cols; i++) {
		memset(&cells[i], 0, sizeof cells[i]);
		cells[i].width = 1;
		cells[i].fg = fg;
		cells[i].bg = bg;
		if (i < l.ncells) {
			cells[i].chars[0] = l.cells[i].ch;
			cells[i].fg = unpack_color(l.cells[i].fg);
			cells[i].bg = unpack_color(l.cells[i].bg);
			cells[i].attrs.bold = !!(l.cells[i].attrs & SB_BOLD);
			cells[i].attrs.underline = !!(l.cells[i].attrs & SB_UNDERLINE);
			cells[i].attrs.italic = !!(l.cells[i].attrs & SB_ITALIC);
			cells[i].attrs.blink = !!(l.cells[i].attrs & SB_BLINK);
			cells[i].attrs.reverse = !!(l.cells[i].attrs & SB_REVERSE);
		}
	}
	free(l.cells);
	return 1;
}

/* Screen callbacks: only ask for a frame. */

static int on_damage(VTermRect rect, void *user)
{
	struct terminal *tm = user;

	tm->cb.damage(tm->ctx);
	return 1;
}

static int on_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
{
	struct terminal *tm = user;

	tm->cursor_visible = visible;
	tm->cb.damage(tm->ctx);
	return 1;
}

static int on_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct terminal *tm = user;

	if (prop == VTERM_PROP_CURSORVISIBLE)
		tm->cursor_visible = val->boolean;
	return 1;
}

static const VTermScreenCallbacks screen_callbacks = {
	.damage = on_damage,
	.movecursor = on_movecursor,
	.settermprop = on_settermprop,
	.sb_pushline = on_sb_pushline,
	.sb_popline = on_sb_popline,
};

static void on_vterm_output(const char *s, size_t len, void *user)
{
	struct terminal *tm = user;

	tm->cb.write(tm->ctx, s, len);
}

/* Life. */

struct terminal *terminal_new(int rows, int cols, size_t scrollback_lines,
			      const struct terminal_callbacks *cb, void *ctx)
{
	struct terminal *tm = xcalloc(1, sizeof *tm);

	tm->cb = *cb;
	tm->ctx = ctx;
	tm->rows = rows;
	tm->cols = cols;
	tm->cursor_visible = 1;
	scrollback_init(&tm->sb, scrollback_lines);
	tm->vt = vterm_new(rows, cols);
	vterm_set_utf8(tm->vt, 1);
	vterm_output_set_callback(tm->vt, on_vterm_output, tm);
	tm->screen = vterm_obtain_screen(tm->vt);
	vterm_screen_set_callbacks(tm->screen, &screen_callbacks, tm);
	vterm_screen_enable_altscreen(tm->screen, 1);
	vterm_screen_set_damage_merge(tm->screen, VTERM_DAMAGE_SCROLL);
	vterm_screen_reset(tm->screen, 1);
	return tm;
}

void terminal_free(struct terminal *tm)
{
	if (tm == NULL)
		return;
	scrollback_free(&tm->sb);
	vterm_free(tm->vt);
	free(tm);
}

void terminal_resize(struct terminal *tm, int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	if (rows == tm->rows && cols == tm->cols)
		return;
	vterm_set_size(tm->vt, rows, cols);
	vterm_screen_flush_damage(tm->screen);
	tm->rows = rows;
	tm->cols = cols;
}

int terminal_rows(const struct terminal *tm)
{
	return tm->rows;
}

int terminal_cols(const struct terminal *tm)
{
	return tm->cols;
}

struct scrollback *terminal_scrollback(struct terminal *tm)
{
	return &tm->sb;
}

void terminal_feed(struct terminal *tm, const uint8_t *buf, size_t len)
{
	vterm_input_write(tm->vt, (const char *)buf, len);
	vterm_screen_flush_damage(tm->screen);
}

/* Keys toward the host. */

static VTermKey vterm_key_of(int key, VTermModifier *mod)
{
	*mod = VTERM_MOD_NONE;
	if (key >= KEY_F(1) && key <= KEY_F(63))
		return VTERM_KEY_FUNCTION(key - KEY_F0);
	switch (key) {
	case KEY_ENTER:
		return VTERM_KEY_ENTER;
	case KEY_BTAB:
		*mod = VTERM_MOD_SHIFT;
		return VTERM_KEY_TAB;
	case KEY_BACKSPACE:
		return VTERM_KEY_BACKSPACE;
	case KEY_UP:
		return VTERM_KEY_UP;
	case KEY_DOWN:
		return VTERM_KEY_DOWN;
	case KEY_LEFT:
		return VTERM_KEY_LEFT;
	case KEY_RIGHT:
		return VTERM_KEY_RIGHT;
	case KEY_SR:
		*mod = VTERM_MOD_SHIFT;
		return VTERM_KEY_UP;
	case KEY_SF:
		*mod = VTERM_MOD_SHIFT;
		return VTERM_KEY_DOWN;
	case KEY_SLEFT:
		*mod = VTERM_MOD_SHIFT;
		return VTERM_KEY_LEFT;
	case KEY_SRIGHT:
		*mod = VTERM_MOD_SHIFT;
		return VTERM_KEY_RIGHT;
	case KEY_IC:
		return VTERM_KEY_INS;
	case KEY_DC:
		return VTERM_KEY_DEL;
	case KEY_HOME:
		return VTERM_KEY_HOME;
	case KEY_END:
		return VTERM_KEY_END;
	case KEY_PPAGE:
		return VTERM_KEY_PAGEUP;
	case KEY_NPAGE:
		return VTERM_KEY_PAGEDOWN;
	}
	return VTERM_KEY_NONE;
}

int terminal_key(struct terminal *tm, int key, int is_code)
{
	if (!is_code && (key < 0x20 || key == 0x7f)) {
		char b = (char)key;

		tm->cb.write(tm->ctx, &b, 1);
	} else if (!is_code) {
		vterm_keyboard_unichar(tm->vt, (uint32_t)key, VTERM_MOD_NONE);
	} else {
		VTermModifier mod;
		VTermKey k = vterm_key_of(key, &mod);

		if (k == VTERM_KEY_NONE)
			return 0; /* a key the host could not be told about */
		vterm_keyboard_key(tm->vt, k, mod);
	}
	return 1;
}

void terminal_paste(struct terminal *tm, const uint8_t *buf, size_t len)
{
	vterm_keyboard_start_paste(tm->vt);
	tm->cb.write(tm->ctx, (const char *)buf, len);
	vterm_keyboard_end_paste(tm->vt);
}

/* Lines: the scrollback ring, then the screen, numbered from the oldest. */

int terminal_text(struct terminal *tm, size_t v, uint32_t *out, int max)
{
	int n = 0, col;

	if (v < tm->sb.count)
		return scrollback_text(&tm->sb, v, out, max);
	for (col = 0; col < tm->cols && n < max; col++) {
		VTermScreenCell cell;
		VTermPos pos = { .row = (int)(v - tm->sb.count), .col = col };

		vterm_screen_get_cell(tm->screen, pos, &cell);
		out[n++] = cell.chars[0] != 0 ? cell.chars[0] : ' ';
	}
	return n;
}

static void draw_sb_line(struct terminal *tm, struct terminal_palette *pal, int y, int x,
			 const struct sb_line *l, const unsigned char *hl)
{
	VTermColor fg, bg;
	int col, width;

	vterm_state_get_default_colors(vterm_obtain_state(tm->vt), &fg, &bg);
	for (col = 0; col < tm->cols; col += width) {
		const struct sb_cell *c = col < l->ncells ? &l->cells[col] : NULL;
		VTermColor cfg, cbg;

		width = 1;
		if (c != NULL && col + 1 < l->ncells && col + 1 < tm->cols &&
		    l->cells[col + 1].ch == SB_CONTINUATION)
			width = 2;
		if (c == NULL) {
			draw_cell(tm, pal, y, x + col, 1, NULL, 0, 0, &fg, &bg, hl[col]);
			continue;
		}
		cfg = unpack_color(c->fg);
		cbg = unpack_color(c->bg);
		if (c->ch == SB_CONTINUATION)
			draw_cell(tm, pal, y, x + col, 1, NULL, 0, c->attrs, &cfg, &cbg, hl[col]);
		else
			draw_cell(tm, pal, y, x + col, width, &c->ch, 1, c->attrs, &cfg, &cbg,
				  hl[col]);
	}
}

static void draw_screen_line(struct terminal *tm, struct terminal_palette *pal, int y, int x,
			     int row, const unsigned char *hl)
{
	int col, width, n;

	for (col = 0; col < tm->cols; col += width) {
		VTermScreenCell cell;
		VTermPos pos = { .row = row, .col = col };

		vterm_screen_get_cell(tm->screen, pos, &cell);
		width = cell.width == 2 && col + 1 < tm->cols ? 2 : 1;
		for (n = 0; n < VTERM_MAX_CHARS_PER_CELL && cell.chars[n] != 0; n++)
			;
		if (cell.chars[0] == SB_CONTINUATION)
			n = 0;
		draw_cell(tm, pal, y, x + col, width, cell.chars, n, pack_attrs(&cell.attrs),
			  &cell.fg, &cell.bg, hl[col]);
	}
}

void terminal_draw_line(struct terminal *tm, struct terminal_palette *pal, int y, int x, size_t v,
			const unsigned char *hl)
{
	if (v < tm->sb.count)
		draw_sb_line(tm, pal, y, x, scrollback_line(&tm->sb, v), hl);
	else
		draw_screen_line(tm, pal, y, x, (int)(v - tm->sb.count), hl);
}

int terminal_cursor(struct terminal *tm, int *row, int *col)
{
	VTermPos pos;

	if (!tm->cursor_visible)
		return 0;
	vterm_state_get_cursorpos(vterm_obtain_state(tm->vt), &pos);
	if (pos.row < 0 || pos.row >= tm->rows || pos.col < 0 || pos.col >= tm->cols)
		return 0;
	*row = pos.row;
	*col = pos.col;
	return 1;
}

void terminal_palette_free(struct terminal_palette *pal)
{
	free(pal->pair_of);
	pal->pair_of = NULL;
}
