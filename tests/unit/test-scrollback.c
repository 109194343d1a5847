/*
 * test-scrollback.c - the console pane's scrollback ring and its search:
 * lines dropped when the ring is full, the reader's place kept while output
 * streams, lines taken back when the screen grows, and search over text
 * with wide characters (their right halves are SB_CONTINUATION cells).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "runner.h"
#include "tui/scrollback.h"

/* A line of cells from ASCII text, as the terminal glue would push it. */
static void push_text(struct scrollback *sb, const char *text, int *dropped)
{
	int n = (int)strlen(text), i, d;
	struct sb_cell *cells = n > 0 ? xcalloc((size_t)n, sizeof *cells) : NULL;

	for (i = 0; i < n; i++) {
		cells[i].ch = text[i] == ' ' ? 0 : (uint32_t)(unsigned char)text[i];
		cells[i].fg = 0x02000000u | (uint32_t)i;
		cells[i].attrs = (uint8_t)(i % 2 ? SB_BOLD : 0);
	}
	d = scrollback_push(sb, cells, n);
	if (dropped != NULL)
		*dropped = d;
}

/* Line i of the ring as text. */
static void line_text(const struct scrollback *sb, size_t i, char *out, size_t len)
{
	uint32_t buf[128];
	int n = scrollback_text(sb, i, buf, 128), k;

	for (k = 0; k < n && (size_t)k + 1 < len; k++)
		out[k] = buf[k] < 128 ? (char)buf[k] : '?';
	out[k] = '\0';
}

static void u32(const char *s, uint32_t *out, size_t *n)
{
	for (*n = 0; s[*n] != '\0'; (*n)++)
		out[*n] = (uint32_t)(unsigned char)s[*n];
}

TEST(scrollback_keeps_lines_in_order)
{
	struct scrollback sb;
	char text[64];
	int dropped = -1;

	scrollback_init(&sb, 4);
	ASSERT_EQ(sb.count, 0);
	push_text(&sb, "first", &dropped);
	ASSERT_EQ(dropped, 0);
	push_text(&sb, "", NULL);
	push_text(&sb, "a b", NULL);
	ASSERT_EQ(sb.count, 3);
	line_text(&sb, 0, text, sizeof text);
	ASSERT_STREQ(text, "first");
	ASSERT_EQ(scrollback_line(&sb, 1)->ncells, 0);
	line_text(&sb, 2, text, sizeof text);
	ASSERT_STREQ(text, "a b"); /* a blank cell reads as a space */
	ASSERT_EQ(scrollback_line(&sb, 0)->cells[3].fg, 0x02000003u);
	ASSERT_EQ(scrollback_line(&sb, 0)->cells[3].attrs, SB_BOLD);
	scrollback_free(&sb);
	ASSERT_EQ(sb.count, 0);
}

TEST(scrollback_full_ring_drops_the_oldest)
{
	struct scrollback sb;
	char text[64], want[16];
	int dropped = 0, i, drops = 0;

	scrollback_init(&sb, 3);
	for (i = 0; i < 10; i++) {
		snprintf(want, sizeof want, "line %d", i);
		push_text(&sb, want, &dropped);
		drops += dropped;
	}
	ASSERT_EQ(drops, 7);
	ASSERT_EQ(sb.count, 3);
	line_text(&sb, 0, text, sizeof text);
	ASSERT_STREQ(text, "line 7");
	line_text(&sb, 2, text, sizeof text);
	ASSERT_STREQ(text, "line 9");
	scrollback_free(&sb);
}

TEST(scrollback_reader_keeps_their_place)
{
	struct scrollback sb;
	int i;

	scrollback_init(&sb, 100);
	for (i = 0; i < 10; i++)
		push_text(&sb, "x", NULL);
	ASSERT_EQ(scrollback_top(&sb), 10); /* following the output */
	push_text(&sb, "y", NULL);
	ASSERT_EQ(sb.scroll, 0);
	ASSERT_EQ(scrollback_top(&sb), 11);

	scrollback_scroll_to(&sb, 4);
	ASSERT_EQ(scrollback_top(&sb), 7);
	push_text(&sb, "z", NULL);
	ASSERT_EQ(sb.scroll, 5); /* same lines in view */
	ASSERT_EQ(scrollback_top(&sb), 7);

	scrollback_scroll_to(&sb, -3);
	ASSERT_EQ(sb.scroll, 0);
	scrollback_scroll_to(&sb, 1000);
	ASSERT_EQ(sb.scroll, sb.count);
	ASSERT_EQ(scrollback_top(&sb), 0);
	scrollback_free(&sb);
}

TEST(scrollback_pop_gives_the_newest_line_back)
{
	struct scrollback sb;
	struct sb_line l;
	char text[64];

	scrollback_init(&sb, 10);
	ASSERT_EQ(scrollback_pop(&sb, &l), 0);
	push_text(&sb, "old", NULL);
	push_text(&sb, "new", NULL);
	scrollback_scroll_to(&sb, 2);
	ASSERT_EQ(scrollback_pop(&sb, &l), 1);
	ASSERT_EQ(l.ncells, 3);
	ASSERT_EQ(l.cells[0].ch, 'n');
	free(l.cells);
	ASSERT_EQ(sb.count, 1);
	ASSERT_EQ(sb.scroll, 1); /* clamped to what is left */
	line_text(&sb, 0, text, sizeof text);
	ASSERT_STREQ(text, "old");
	scrollback_free(&sb);
}

TEST(scrollback_match_steps_over_wide_halves)
{
	/* "a" + a wide character (its right half a continuation cell) + "bc" */
	const uint32_t line[] = { 'a', 0x4e2d, SB_CONTINUATION, 'b', 'c', ' ', 'b', 'c' };
	const uint32_t wide_b[] = { 0x4e2d, 'b' }, bc[] = { 'b', 'c' }, cb[] = { 'c', 'b' };
	unsigned char hl[8];
	int n = 8, k;

	ASSERT_EQ(sb_match_at(line, n, 1, wide_b, 2), 4);
	ASSERT_EQ(sb_match_at(line, n, 2, wide_b, 2), -1); /* not from a right half */
	ASSERT_EQ(sb_match_at(line, n, 0, wide_b, 2), -1);
	ASSERT_EQ(sb_match_at(line, n, 6, bc, 2), 8);
	ASSERT_EQ(sb_match_at(line, n, 7, bc, 2), -1); /* runs off the end */
	ASSERT(sb_line_matches(line, n, bc, 2));
	ASSERT(!sb_line_matches(line, n, cb, 2));

	memset(hl, 0, sizeof hl);
	sb_highlight(line, n, bc, 2, hl);
	for (k = 0; k < n; k++)
		ASSERT_EQ(hl[k], k == 3 || k == 4 || k == 6 || k == 7);
	memset(hl, 0, sizeof hl);
	sb_highlight(line, n, wide_b, 2, hl);
	for (k = 0; k < n; k++)
		ASSERT_EQ(hl[k], k >= 1 && k <= 3);
}

static int ring_text(void *ctx, size_t v, uint32_t *out, int max)
{
	return scrollback_text(ctx, v, out, max);
}

TEST(scrollback_search_both_ways)
{
	struct scrollback sb;
	uint32_t pat[16];
	size_t npat;

	scrollback_init(&sb, 10);
	push_text(&sb, "boot: kernel", NULL);	      /* 0 */
	push_text(&sb, "eth0 link up", NULL);	      /* 1 */
	push_text(&sb, "login: ", NULL);	      /* 2 */
	push_text(&sb, "kernel panic", NULL);	      /* 3 */
	push_text(&sb, "rebooting the kernel", NULL); /* 4 */
	u32("kernel", pat, &npat);

	ASSERT_EQ(sb_search(4, -1, 5, pat, npat, ring_text, &sb), 4);
	ASSERT_EQ(sb_search(3, -1, 5, pat, npat, ring_text, &sb), 3);
	ASSERT_EQ(sb_search(2, -1, 5, pat, npat, ring_text, &sb), 0);
	ASSERT_EQ(sb_search(1, 1, 5, pat, npat, ring_text, &sb), 3);
	ASSERT_EQ(sb_search(-1, -1, 5, pat, npat, ring_text, &sb), -1);
	ASSERT_EQ(sb_search(5, 1, 5, pat, npat, ring_text, &sb), -1);
	u32("panic!", pat, &npat);
	ASSERT_EQ(sb_search(4, -1, 5, pat, npat, ring_text, &sb), -1);
	ASSERT_EQ(sb_search(4, -1, 5, pat, 0, ring_text, &sb), -1); /* nothing to look for */
	scrollback_free(&sb);
}
