/*
 * tui/draw.c - the drawing primitives every part of the dashboard uses:
 * colour pairs (with attributes standing in for them on a terminal without
 * colours), frames and boxes, and the short "age" of a reading.
 *
 * Nothing here knows about hosts lists, panes or dialogs; they all draw
 * through these, so a terminal without colours looks the same everywhere.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tui/internal.h"

/* The dashboard's colour pairs, unless the terminal has none or NO_COLOR is set. */
void tui_draw_init_colors(struct tui *t)
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

int tui_health_pair(enum bmc_health hl)
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

/* Colour when there are colours; attributes that mean the same otherwise. */
void tui_set_color(struct tui *t, int pair, int on)
{
	attr_t a;

	if (t->colors)
		a = COLOR_PAIR(pair) | (pair == PAIR_CRIT || pair == PAIR_TITLE ? A_BOLD : 0);
	else
		a = pair == PAIR_CRIT ? A_BOLD : pair == PAIR_WARN ? A_UNDERLINE
				  : pair == PAIR_BAR || pair == PAIR_MARK ? A_REVERSE
				  : pair == PAIR_TITLE ? A_BOLD : 0;
	if (on)
		attron(a);
	else
		attroff(a);
}

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

int tui_draw_dialog(int w, int h, const char *title, int *y, int *x)
{
	if (h > LINES - 2)
		h = LINES - 2;
	*y = (LINES - h) / 2;
	*x = (COLS - w) / 2;
	tui_draw_box(*y, *x, h, w, title);
	return h;
}

void tui_draw_key_line(int y, int x, int w, int name_width, const char *names, const char *help)
{
	mvprintw(y, x + 2, "%-*s", name_width, names);
	mvaddnstr(y, x + name_width + 3, help, w - name_width - 5);
}

const char *tui_age(int64_t updated_ms, char *buf, size_t len)
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
