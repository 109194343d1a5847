/*
 * tui/scrollback.h - the lines a console's terminal scrolled off the top, in
 * a bounded ring, with the reader's place in them and search over text.
 *
 * Pure: no curses, no libvterm, no loop.  Cells carry the terminal glue's
 * colours as opaque numbers; search works on lines of characters, so the
 * same functions search the ring and the screen below it.
 */
#ifndef BMCTOP_TUI_SCROLLBACK_H
#define BMCTOP_TUI_SCROLLBACK_H

#include <stddef.h>
#include <stdint.h>

/* The right half of a wide character (libvterm's marker, kept as is). */
#define SB_CONTINUATION ((uint32_t)-1)

enum { SB_BOLD = 1, SB_UNDERLINE = 2, SB_ITALIC = 4, SB_BLINK = 8, SB_REVERSE = 16 };

/* One cell: its first character only, colours as the glue packed them. */
struct sb_cell {
	uint32_t ch;
	uint32_t fg, bg;
	uint8_t attrs; /* SB_* */
};

struct sb_line {
	struct sb_cell *cells;
	int ncells;
};

struct scrollback {
	struct sb_line *lines; /* a ring of cap lines, allocated on the first push */
	size_t cap, first, count;
	size_t scroll; /* lines the reader is scrolled back; 0 follows the output */
};

void scrollback_init(struct scrollback *sb, size_t cap);
void scrollback_free(struct scrollback *sb);
/* Keep n cells as the newest line: the ring owns them now (NULL when n is
 * 0, else from the xmalloc family).  Returns 1 if the oldest line was
 * dropped to make room.  A reader scrolled back keeps looking at the same
 * lines. */
int scrollback_push(struct scrollback *sb, struct sb_cell *cells, int n);
/* Take the newest line back into *out (its cells are then the caller's to
 * free); returns 0 if there is none. */
int scrollback_pop(struct scrollback *sb, struct sb_line *out);
/* Line i, 0 the oldest; i < sb->count. */
const struct sb_line *scrollback_line(const struct scrollback *sb, size_t i);
/* Scroll to lines_up lines back, within 0 and the lines kept. */
void scrollback_scroll_to(struct scrollback *sb, long lines_up);
/* The line at the top of the view: the ring's lines, then the screen's,
 * numbered from the oldest. */
size_t scrollback_top(const struct scrollback *sb);
/* The characters of line i, one per column (blank cells as spaces);
 * returns the columns filled, at most max. */
int scrollback_text(const struct scrollback *sb, size_t i, uint32_t *out, int max);

/* Search.  A line is n characters, one per column; the right halves of
 * wide characters (SB_CONTINUATION) are stepped over. */

/* The column after a match of pat at col, or -1. */
int sb_match_at(const uint32_t *line, int n, int col, const uint32_t *pat, size_t npat);
int sb_line_matches(const uint32_t *line, int n, const uint32_t *pat, size_t npat);
/* Set hl[col] to 1 for each column of line that is part of a match (hl
 * has at least n entries; the others are left alone). */
void sb_highlight(const uint32_t *line, int n, const uint32_t *pat, size_t npat, unsigned char *hl);
/* Line v's text into out, at most max characters; returns the count. */
typedef int (*sb_text_fn)(void *ctx, size_t v, uint32_t *out, int max);
/* The first line from `from` toward older (dir -1) or newer (dir 1) lines,
 * within 0 and total, whose text contains pat; -1 if none or pat is empty. */
long sb_search(long from, int dir, long total, const uint32_t *pat, size_t npat, sb_text_fn text,
	       void *ctx);

#endif
