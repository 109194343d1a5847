/*
 * tui/help.c - the help overlay, generated from the tables that bind the
 * keys (and, later, the commands): tui/keys.c's bindings[], each pane's
 * (the console's prefix keys), in sections under their own headings.
 *
 * The overlay takes the whole height the terminal has and scrolls (j k,
 * PgDn PgUp, g G); / searches it, case-insensitively, and n N go to the
 * next and previous line that matches.  Esc, q and ? close it.
 *
 * It calls only tui/draw.c, so every file above may open or close it.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/internal.h"

#define KEY_ESC 27

struct help_line {
	const char *names; /* NULL: a section heading in help */
	const char *help;
};

struct tui_help {
	struct help_line *lines;
	size_t nlines;
	size_t top;
	char search[48];
	int typing;
	size_t match; /* line of the last match, nlines for none */
	int not_found;
};

static void add_line(struct tui_help *hp, const char *names, const char *help)
{
	hp->lines = xreallocarray(hp->lines, hp->nlines + 1, sizeof *hp->lines);
	hp->lines[hp->nlines].names = names;
	hp->lines[hp->nlines].help = help;
	hp->nlines++;
}

/* Shown from its first line, searching nothing yet. */
static void help_show(struct tui *t, struct tui_help *hp)
{
	hp->match = hp->nlines;
	t->help = hp;
	t->dialog = DIALOG_HELP;
}

void tui_help_open(struct tui *t, const struct tui_help_source *src, size_t nsrc)
{
	struct tui_help *hp;
	const char *names, *help;
	size_t s, i;

	tui_help_close(t);
	hp = xcalloc(1, sizeof *hp);
	for (s = 0; s < nsrc; s++) {
		if (s > 0)
			add_line(hp, "", "");
		add_line(hp, NULL, src[s].title);
		for (i = 0; src[s].line(t, i, &names, &help); i++)
			if (names != NULL)
				add_line(hp, names, help);
	}
	help_show(t, hp);
}

void tui_help_open_keys(struct tui *t, const char *title, const struct tui_key_help *keys,
			size_t n)
{
	struct tui_help *hp;
	size_t i;

	tui_help_close(t);
	hp = xcalloc(1, sizeof *hp);
	add_line(hp, NULL, title);
	for (i = 0; i < n; i++)
		add_line(hp, keys[i].names, keys[i].help);
	help_show(t, hp);
}

void tui_help_close(struct tui *t)
{
	if (t->help == NULL)
		return;
	free(t->help->lines);
	free(t->help);
	t->help = NULL;
}

/* Lines of the overlay that show the table, at the size the screen has. */
static int body_rows(void)
{
	int h = LINES - 2;

	return h > 4 ? h - 4 : 1;
}

static int width(void)
{
	return COLS > 82 ? 78 : COLS - 2;
}

static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i, k;

	if (hay == NULL)
		return 0;
	for (i = 0; hay[i] != '\0'; i++) {
		for (k = 0; k < n && hay[i + k] != '\0'; k++)
			if (tolower((unsigned char)hay[i + k]) != tolower((unsigned char)needle[k]))
				break;
		if (k == n)
			return 1;
	}
	return 0;
}

static int line_matches(const struct tui_help *hp, size_t i)
{
	return hp->search[0] != '\0' && (contains(hp->lines[i].names, hp->search) ||
					 contains(hp->lines[i].help, hp->search));
}

static size_t max_top(const struct tui_help *hp)
{
	size_t rows = (size_t)body_rows();

	return hp->nlines > rows ? hp->nlines - rows : 0;
}

static void scroll_to(struct tui_help *hp, long top)
{
	if (top > (long)max_top(hp))
		top = (long)max_top(hp);
	hp->top = top < 0 ? 0 : (size_t)top;
}

/* The next line that matches from `from` on in direction dir (1 or -1). */
static void find(struct tui *t, long from, int dir)
{
	struct tui_help *hp = t->help;
	long i;

	hp->not_found = 0;
	for (i = from; i >= 0 && i < (long)hp->nlines; i += dir) {
		if (line_matches(hp, (size_t)i)) {
			hp->match = (size_t)i;
			if ((size_t)i < hp->top || (size_t)i >= hp->top + (size_t)body_rows())
				scroll_to(hp, i - 1);
			return;
		}
	}
	hp->not_found = 1;
}

static void typing_key(struct tui *t, int key)
{
	struct tui_help *hp = t->help;
	size_t n = strlen(hp->search);

	if (key == KEY_ESC) {
		hp->typing = 0;
		hp->search[0] = '\0';
	} else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		hp->typing = 0;
		hp->match = hp->nlines;
		find(t, 0, 1);
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (n > 0)
			hp->search[n - 1] = '\0';
	} else if (key >= 32 && key < 127 && n + 1 < sizeof hp->search) {
		hp->search[n] = (char)key;
		hp->search[n + 1] = '\0';
	}
}

int tui_help_key(struct tui *t, int key)
{
	struct tui_help *hp = t->help;
	long page = body_rows() > 1 ? body_rows() - 1 : 1;

	if (hp == NULL)
		return 0;
	if (hp->typing) {
		typing_key(t, key);
		return 1;
	}
	switch (key) {
	case 'j':
	case KEY_DOWN:
		scroll_to(hp, (long)hp->top + 1);
		break;
	case 'k':
	case KEY_UP:
		scroll_to(hp, (long)hp->top - 1);
		break;
	case ' ':
	case KEY_NPAGE:
	case 'f' & 0x1f:
		scroll_to(hp, (long)hp->top + page);
		break;
	case KEY_PPAGE:
	case 'b' & 0x1f:
		scroll_to(hp, (long)hp->top - page);
		break;
	case 'g':
	case KEY_HOME:
		scroll_to(hp, 0);
		break;
	case 'G':
	case KEY_END:
		scroll_to(hp, (long)max_top(hp));
		break;
	case '/':
		hp->typing = 1;
		hp->search[0] = '\0';
		break;
	case 'n':
		find(t, hp->match < hp->nlines ? (long)hp->match + 1 : 0, 1);
		break;
	case 'N':
		find(t, hp->match < hp->nlines ? (long)hp->match - 1 : (long)hp->nlines - 1, -1);
		break;
	case 'q':
	case '?':
	case KEY_ESC:
		tui_help_close(t);
		return 0;
	default:
		break;
	}
	return 1;
}

void tui_help_draw(struct tui *t)
{
	struct tui_help *hp = t->help;
	int w = width(), h, y, x, row, rows = body_rows();
	char title[64], foot[96];
	size_t i, last;

	if (hp == NULL)
		return;
	last = hp->top + (size_t)rows < hp->nlines ? hp->top + (size_t)rows : hp->nlines;
	snprintf(title, sizeof title, "Keys  %zu-%zu of %zu", hp->top + 1, last, hp->nlines);
	h = tui_draw_dialog(w, rows + 4, title, &y, &x);
	for (i = hp->top, row = 0; i < hp->nlines && row < h - 4; i++, row++) {
		const struct help_line *l = &hp->lines[i];
		int hl = line_matches(hp, i) && !hp->typing;

		if (hl)
			tui_set_color(t, PAIR_MARK, 1);
		if (l->names == NULL) {
			attron(A_BOLD);
			mvaddnstr(y + 1 + row, x + 2, l->help, w - 4);
			attroff(A_BOLD);
		} else {
			tui_draw_key_line(y + 1 + row, x, w, 12, l->names, l->help);
		}
		if (hl)
			tui_set_color(t, PAIR_MARK, 0);
	}
	mvhline(y + h - 3, x + 1, ACS_HLINE, w - 2);
	if (hp->typing)
		snprintf(foot, sizeof foot, "/%s  (Enter searches, Esc cancels)", hp->search);
	else if (hp->not_found)
		snprintf(foot, sizeof foot, "\"%s\" not found  (/ searches again, Esc q closes)",
			 hp->search);
	else
		snprintf(foot, sizeof foot,
			 "j k PgDn PgUp g G scroll  / search  n N  Esc q closes");
	mvaddnstr(y + h - 2, x + 2, foot, w - 4);
}
