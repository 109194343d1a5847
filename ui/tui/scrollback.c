/*
 * tui/scrollback.c - a console's scrollback ring and the search over lines
 * of text (see tui/scrollback.h).
 *
 * Lines come in as the terminal drops them, trailing blanks already left
 * out by the glue, so a ring of thousands of mostly short lines stays
 * small.  A line of 1024 characters is the longest search looks at.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/scrollback.h"

#define LINE_MAX_CHARS 1024

void scrollback_init(struct scrollback *sb, size_t cap)
{
	memset(sb, 0, sizeof *sb);
	sb->cap = cap > 0 ? cap : 1;
}

static struct sb_line *line_at(const struct scrollback *sb, size_t i)
{
	return &sb->lines[(sb->first + i) % sb->cap];
}

void scrollback_free(struct scrollback *sb)
{
	size_t i;

	for (i = 0; sb->lines != NULL && i < sb->count; i++)
		free(line_at(sb, i)->cells);
	free(sb->lines);
	sb->lines = NULL;
	sb->count = 0;
	sb->first = 0;
	sb->scroll = 0;
}

int scrollback_push(struct scrollback *sb, struct sb_cell *cells, int n)
{
	struct sb_line *l;
	int dropped = 0;

	if (sb->lines == NULL)
		sb->lines = xcalloc(sb->cap, sizeof *sb->lines);
	if (sb->count == sb->cap) {
		l = line_at(sb, 0);
		free(l->cells);
		sb->first = (sb->first + 1) % sb->cap;
		sb->count--;
		dropped = 1;
	}
	l = line_at(sb, sb->count++);
	l->ncells = n;
	l->cells = cells;
	if (sb->scroll > 0 && sb->scroll < sb->count)
		sb->scroll++;
	return dropped;
}

int scrollback_pop(struct scrollback *sb, struct sb_line *out)
{
	struct sb_line *l;

	if (sb->count == 0)
		return 0;
	l = line_at(sb, --sb->count);
	*out = *l;
	l->cells = NULL;
	l->ncells = 0;
	if (sb->scroll > sb->count)
		sb->scroll = sb->count;
	return 1;
}

const struct sb_line *scrollback_line(const struct scrollback *sb, size_t i)
{
	return line_at(sb, i);
}

void scrollback_scroll_to(struct scrollback *sb, long lines_up)
{
	if (lines_up < 0)
		lines_up = 0;
	if ((size_t)lines_up > sb->count)
		lines_up = (long)sb->count;
	sb->scroll = (size_t)lines_up;
}

size_t scrollback_top(const struct scrollback *sb)
{
	size_t scroll = sb->scroll < sb->count ? sb->scroll : sb->count;

	return sb->count - scroll;
}

int scrollback_text(const struct scrollback *sb, size_t i, uint32_t *out, int max)
{
	const struct sb_line *l = line_at(sb, i);
	int n = 0, col;

	for (col = 0; col < l->ncells && n < max; col++)
		out[n++] = l->cells[col].ch != 0 ? l->cells[col].ch : ' ';
	return n;
}

int sb_match_at(const uint32_t *line, int n, int col, const uint32_t *pat, size_t npat)
{
	size_t j = 0;

	if (col >= n || line[col] == SB_CONTINUATION)
		return -1;
	while (j < npat) {
		if (col >= n)
			return -1;
		if (line[col] == SB_CONTINUATION) {
			col++;
			continue;
		}
		if (line[col] != pat[j])
			return -1;
		col++;
		j++;
	}
	return col;
}

int sb_line_matches(const uint32_t *line, int n, const uint32_t *pat, size_t npat)
{
	int col;

	for (col = 0; col < n; col++)
		if (sb_match_at(line, n, col, pat, npat) >= 0)
			return 1;
	return 0;
}

void sb_highlight(const uint32_t *line, int n, const uint32_t *pat, size_t npat, unsigned char *hl)
{
	int col, end, k;

	for (col = 0; col < n; col++) {
		end = sb_match_at(line, n, col, pat, npat);
		for (k = col; end > 0 && k < end; k++)
			hl[k] = 1;
	}
}

long sb_search(long from, int dir, long total, const uint32_t *pat, size_t npat, sb_text_fn text,
	       void *ctx)
{
	uint32_t buf[LINE_MAX_CHARS];
	long v;

	if (npat == 0)
		return -1;
	for (v = from; v >= 0 && v < total; v += dir) {
		int n = text(ctx, (size_t)v, buf, LINE_MAX_CHARS);

		if (sb_line_matches(buf, n, pat, npat))
			return v;
	}
	return -1;
}
