/*
 * tui/list.c - the host list: which hosts show (the filter language of
 * core/filter.c and the @ group), in what order (any column, either way),
 * and how each row is drawn at the width the terminal has.
 *
 * The columns are tui/columns.c's; those chosen keep their order and drop
 * by priority when the list is narrow, the host column grows to the
 * longest name, and the error takes what is left.  Only the visible rows
 * are drawn, so the cost of a frame does not grow with the fleet beyond
 * the filter and the sort.
 */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "core/record.h"
#include "core/xalloc.h"
#include "tui/graph.h"
#include "tui/internal.h"

const char *tui_sort_name(enum tui_sort s)
{
	static const char *const names[] = { "name", "health", "temperature", "power" };

	return names[s];
}

/* Sorting. */

const char *tui_list_sort_text(const struct tui *t, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s", tui_column(t->sort_col)->name, t->sort_desc ? "desc" : "asc");
	return buf;
}

static void sort_changed(struct tui *t)
{
	char err[200];

	t->sort_jump = 1;
	t->order_dirty = 1;
	if (tui_columns_save(t, err, sizeof err) != 0)
		tui_logf(t, "%s", err);
	tui_mark_dirty(t);
}

void tui_list_sort_by(struct tui *t, int c, int desc)
{
	t->sort_col = c;
	t->sort_desc = desc;
	/* An old enum some callers still read: anything but fleet order. */
	t->sort = c == TCOL_NAME && !desc ? SORT_NAME : SORT_HEALTH;
	sort_changed(t);
}

void tui_list_sort_cycle(struct tui *t)
{
	static const int cycle[] = { TCOL_NAME, TCOL_HEALTH, TCOL_TEMP, TCOL_WATTS };
	size_t i, n = sizeof cycle / sizeof cycle[0];

	for (i = 0; i < n && cycle[i] != t->sort_col; i++)
		;
	i = i < n ? (i + 1) % n : 0;
	tui_list_sort_by(t, cycle[i], tui_column(cycle[i])->desc);
}

/* The next column on screen (all chosen ones before the first frame). */
void tui_list_sort_step(struct tui *t, int step)
{
	int i, at = -1, c, tries, any = 0;

	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i] == t->sort_col)
			at = i;
		any |= t->col_x[t->cols[i]] >= 0;
	}
	if (t->ncols == 0)
		return;
	if (at < 0)
		at = step > 0 ? -1 : 0;
	for (tries = 0; tries < t->ncols; tries++) {
		at = ((at + step) % t->ncols + t->ncols) % t->ncols;
		c = t->cols[at];
		if (!any || t->col_x[c] >= 0)
			break;
	}
	c = t->cols[at];
	tui_list_sort_by(t, c, tui_column(c)->desc);
}

void tui_list_sort_reverse(struct tui *t)
{
	tui_list_sort_by(t, t->sort_col, !t->sort_desc);
}

static struct tui *sort_tui;

static int cmp_hosts(const void *a, const void *b)
{
	const struct bmc_host *x = &sort_tui->e->hosts[*(const size_t *)a];
	const struct bmc_host *y = &sort_tui->e->hosts[*(const size_t *)b];
	int r = tui_column_cmp(sort_tui->sort_col, x, y, sort_tui->sort_desc);

	if (r != 0)
		return r;
	/* Fleet order is the name order the user wrote; keep it stable. */
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Filtering. */

int tui_list_set_filter(struct tui *t, const char *expr)
{
	snprintf(t->filter, sizeof t->filter, "%s", expr);
	t->order_dirty = 1;
	tui_list_reorder(t);
	return t->filt_err[0] ? -1 : 0;
}

/* Parse t->filter when it changed; a filter that does not parse keeps the
 * last one that did, and says why in the message line. */
static void compile_filter(struct tui *t)
{
	struct filter *f = NULL;

	if (strcmp(t->filter, t->filt_src) == 0 && (t->filt != NULL || t->filt_err[0] != '\0' ||
						    t->filter[0] == '\0'))
		return;
	snprintf(t->filt_src, sizeof t->filt_src, "%s", t->filter);
	if (filter_parse(t->filter, &f, t->filt_err, sizeof t->filt_err) != 0)
		return;
	t->filt_err[0] = '\0';
	filter_free(t->filt);
	t->filt = f;
}

static int matches(const struct tui *t, const struct bmc_host *h, int64_t now)
{
	if (t->group != NULL && (h->cfg->group == NULL || strcmp(h->cfg->group, t->group) != 0))
		return 0;
	return filter_match(t->filt, h, now);
}

void tui_list_reorder(struct tui *t)
{
	struct bmc_engine *e = t->e;
	size_t keep = t->norder ? t->order[t->selected < t->norder ? t->selected : 0] : 0;
	int64_t now = engine_wall_ms();
	size_t i;

	compile_filter(t);
	if (t->order == NULL)
		t->order = xcalloc(e->nhosts ? e->nhosts : 1, sizeof *t->order);
	t->norder = 0;
	for (i = 0; i < e->nhosts; i++)
		if (matches(t, &e->hosts[i], now))
			t->order[t->norder++] = i;
	sort_tui = t;
	if (t->sort_col != TCOL_NAME || t->sort_desc)
		qsort(t->order, t->norder, sizeof *t->order, cmp_hosts);
	t->order_dirty = 0;
	/* A sort just chosen shows its top (the hottest hosts, the worst);
	 * otherwise the selection follows its host as readings move rows. */
	if (t->sort_jump) {
		t->sort_jump = 0;
		t->selected = 0;
		t->top = 0;
		return;
	}
	t->selected = 0;
	for (i = 0; i < t->norder; i++) {
		if (t->order[i] == keep) {
			t->selected = i;
			break;
		}
	}
}

/* Layout. */

/* The host list's width: the screen's, less a pane beside it. */
static int list_width(const struct tui *t)
{
	int w = t->list_cols > 0 && t->list_cols < COLS ? t->list_cols : COLS;

	return w - tui_header_side_cols(t);
}

/* The longest name, measured once: the fleet does not change while it runs,
 * and every row of every frame asks. */
static int name_width(struct tui *t)
{
	size_t i, w = 8;

	if (t->name_w > 0)
		return t->name_w;
	for (i = 0; i < t->e->nhosts; i++)
		if (strlen(t->e->hosts[i].cfg->name) > w)
			w = strlen(t->e->hosts[i].cfg->name);
	t->name_w = w > 32 ? 32 : (int)w;
	return t->name_w;
}

static int col_width(struct tui *t, int c)
{
	return c == TCOL_NAME ? name_width(t) : tui_column(c)->width;
}

/* Which chosen columns fit: drop the highest priority first.  The error
 * keeps 32 columns (most of a message) against the extra columns
 * (priority 3 and up), 20 against the rest. */
static void layout(struct tui *t, int width, int shown[TCOL__MAX])
{
	int used, i, prio, has_error = 0, room;

	for (i = 0; i < t->ncols; i++) {
		shown[i] = 1;
		has_error |= t->cols[i] == TCOL_ERROR;
	}
	for (prio = 9; prio >= 1; prio--) {
		used = 2; /* the mark */
		for (i = 0; i < t->ncols; i++)
			if (shown[i] && t->cols[i] != TCOL_ERROR)
				used += col_width(t, t->cols[i]) + 1;
		room = !has_error ? 0 : prio >= 3 ? 32 : 20;
		if (width - used >= room)
			break;
		for (i = 0; i < t->ncols; i++)
			if (tui_column(t->cols[i])->priority == prio)
				shown[i] = 0;
	}
}

static int utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && strcmp(cs, "UTF-8") == 0;
}

/* The sort arrow after a title: arrows in UTF-8, ^ and v otherwise; none
 * in fleet order (the name column ascending). */
static const char *arrow(const struct tui *t, int c)
{
	if (c != t->sort_col || (c == TCOL_NAME && !t->sort_desc))
		return "";
	if (utf8())
		return t->sort_desc ? "\xe2\x86\x93" : "\xe2\x86\x91";
	return t->sort_desc ? "v" : "^";
}

static void put_cell(int y, int x, int w, int right, const char *text, const char *suffix)
{
	char buf[160];
	int tlen = (int)strlen(text), slen = suffix[0] ? 1 : 0, room = w - slen;

	if (tlen > room)
		tlen = room;
	if (right)
		snprintf(buf, sizeof buf, "%*s%.*s%s", room - tlen, "", tlen, text, suffix);
	else
		snprintf(buf, sizeof buf, "%.*s%s%*s", tlen, text, suffix, room - tlen, "");
	mvaddstr(y, x, buf);
}

static void draw_header(struct tui *t, int y, const int shown[TCOL__MAX])
{
	int i, x = 2, width = list_width(t);

	for (i = 0; i < TCOL__MAX; i++)
		t->col_x[i] = -1;
	t->list_y = y;
	tui_set_color(t, PAIR_TITLE, 1);
	mvhline(y, 0, ' ', width);
	for (i = 0; i < t->ncols && x < width; i++) {
		int c = t->cols[i], w = col_width(t, c);
		const struct tui_column *col = tui_column(c);

		if (!shown[i])
			continue;
		if (w == 0 || x + w > width)
			w = width - x;
		t->col_x[c] = x;
		put_cell(y, x, w, col->right, col->title, arrow(t, c));
		x += w + 1;
	}
	tui_set_color(t, PAIR_TITLE, 0);
}

static size_t unseen(struct tui *t, const struct bmc_host *h)
{
	struct recorder *r = record_of(t->e);

	return r != NULL ? record_unseen(r, h) : 0;
}

static void draw_row(struct tui *t, int y, const struct bmc_host *h, int selected,
		     const int shown[TCOL__MAX])
{
	int i, x = 2, width = list_width(t);

	if (selected)
		attron(A_REVERSE);
	mvhline(y, 0, ' ', width);
	if (t->marked[h->index]) {
		if (!selected)
			tui_set_color(t, PAIR_MARK, 1);
		mvaddch(y, 0, '*');
		if (!selected)
			tui_set_color(t, PAIR_MARK, 0);
	}

	for (i = 0; i < t->ncols && x < width; i++) {
		int c = t->cols[i], w = col_width(t, c), pair;
		char buf[48];
		const char *text;

		if (!shown[i])
			continue;
		if (w == 0 || x + w > width)
			w = width - x;
		if (c == TCOL_TREND || c == TCOL_WTREND) {
			char spark[GRAPH_SPARK_BYTES(64)];

			/* Exactly w cells, some of them three bytes: drawn as is. */
			mvaddstr(y, x, tui_column_spark(t, c, h, w < 64 ? w : 64, spark,
							sizeof spark));
			x += w + 1;
			continue;
		}
		text = tui_column_text(t, c, h, buf, sizeof buf, &pair);
		/* Narrow: the gist of the error, with the full text in the detail view. */
		if (c == TCOL_ERROR && h->error != NULL && w < 30 && h->state == HOST_UNREACHABLE)
			text = "unreachable";
		else if (c == TCOL_ERROR && h->error != NULL && w < 30 && h->state == HOST_PARKED)
			text = "auth failed (r: retry)";
		if (pair && !selected)
			tui_set_color(t, pair, 1);
		put_cell(y, x, w, tui_column(c)->right, text, "");
		if (pair && !selected)
			tui_set_color(t, pair, 0);
		x += w + 1;
	}
	/* Fleet events not yet acknowledged (E lists them): the name bold and
	 * underlined, so the rows' text (and what scripts read) stays as it is;
	 * the "new" column counts them. */
	if (t->col_x[TCOL_NAME] >= 0 && unseen(t, h))
		mvchgat(y, t->col_x[TCOL_NAME], (int)strlen(h->cfg->name),
			A_BOLD | A_UNDERLINE | (selected ? A_REVERSE : 0), 0, NULL);
	if (selected)
		attroff(A_REVERSE);
}

void tui_list_draw(struct tui *t, int y0, int rows)
{
	int shown[TCOL__MAX], side = tui_header_side_cols(t);
	size_t i;

	if (t->ncols == 0)
		tui_columns_default(t);
	layout(t, list_width(t), shown);
	draw_header(t, y0, shown);
	if (side > 0)
		tui_header_draw_side(t, y0, list_width(t) + 1, rows, side - 1);
	rows--;
	if (rows < 1)
		return;
	if (t->selected >= t->norder && t->norder > 0)
		t->selected = t->norder - 1;
	if (t->selected < t->top)
		t->top = t->selected;
	if (t->selected >= t->top + (size_t)rows)
		t->top = t->selected - (size_t)rows + 1;
	if (t->top + (size_t)rows > t->norder)
		t->top = t->norder > (size_t)rows ? t->norder - (size_t)rows : 0;
	for (i = t->top; i < t->norder && i < t->top + (size_t)rows; i++)
		draw_row(t, y0 + 1 + (int)(i - t->top), &t->e->hosts[t->order[i]],
			 i == t->selected, shown);
	if (t->norder == 0)
		mvprintw(y0 + 2, 2, t->e->nhosts ? "No host matches the filter." :
						   "The fleet file defines no hosts.");
}

int tui_list_click(struct tui *t, int y, int x, int dbl)
{
	size_t pos;
	int c, best = -1;

	if (t->view != VIEW_LIST || t->list_y < 0 || y >= LINES - 2)
		return 0;
	if (y < t->list_y)
		return 1; /* the fleet header */
	if (y == t->list_y) {
		/* The header: sort by the column under the click; again: reverse. */
		for (c = 0; c < TCOL__MAX; c++)
			if (t->col_x[c] >= 0 && t->col_x[c] <= x &&
			    (best < 0 || t->col_x[c] > t->col_x[best]))
				best = c;
		if (best < 0)
			return 1;
		if (best == t->sort_col)
			tui_list_sort_reverse(t);
		else
			tui_list_sort_by(t, best, tui_column(best)->desc);
		return 1;
	}
	pos = t->top + (size_t)(y - t->list_y - 1);
	if (pos >= t->norder)
		return 1;
	if (pos == t->selected && dbl)
		return 2;
	t->selected = pos;
	t->detail_scroll = 0;
	return 1;
}

void tui_list_key_sort_step(struct tui *t, int key)
{
	tui_list_sort_step(t, key == '<' ? -1 : 1);
}

void tui_list_key_sort_reverse(struct tui *t, int key)
{
	(void)key;
	tui_list_sort_reverse(t);
}
