/*
 * core/suggest.c - "did you mean": edit distance (a swap of two neighbours
 * counts as one edit) to a list of names.
 *
 * A short word is only a few edits from anything ("ls" is two from "sel"),
 * so the allowance shrinks with the word: a suggestion that is a guess is
 * worse than none.
 */
#include "config.h"

#include <string.h>

#include "core/suggest.h"

size_t suggest_distance(const char *a, const char *b)
{
	unsigned char d[64][64];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la >= 63 || lb >= 63)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned char)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned char)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1u < best)
				best = d[i - 1][j] + 1u;
			if (d[i][j - 1] + 1u < best)
				best = d[i][j - 1] + 1u;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1u < best)
				best = d[i - 2][j - 2] + 1u;
			d[i][j] = (unsigned char)best;
		}
	}
	return d[la][lb];
}

/* The one name word begins, or NULL when none or several do. */
static const char *unique_prefix_of(const char *word, const char *const *names, size_t n)
{
	const char *found = NULL;
	size_t i, len = strlen(word);

	if (len == 0)
		return NULL;
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], word, len) != 0)
			continue;
		if (found != NULL)
			return NULL;
		found = names[i];
	}
	return found;
}

const char *suggest_closest(const char *word, const char *const *names, size_t n)
{
	size_t len = strlen(word), allowed = len >= 5 ? 2 : len >= 2 ? 1 : 0, best_d = allowed + 1;
	const char *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		size_t d = suggest_distance(word, names[i]);

		/* A tie goes to a name the word begins ("of": off, not on). */
		if (d < best_d ||
		    (d == best_d && best != NULL && strncmp(names[i], word, len) == 0 &&
		     strncmp(best, word, len) != 0)) {
			best_d = d;
			best = names[i];
		}
	}
	return best != NULL ? best : unique_prefix_of(word, names, n);
}
