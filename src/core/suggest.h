/*
 * core/suggest.h - "did you mean": the closest of a list of names to a
 * mistyped one, for the command line's commands and options (and any other
 * front end that takes words from a person).
 */
#ifndef BMCTOP_SUGGEST_H
#define BMCTOP_SUGGEST_H

#include <stddef.h>

/* Edits (insert, delete, change, swap two neighbours) from a to b; a large
 * number for words longer than 62 bytes. */
size_t suggest_distance(const char *a, const char *b);
/*
 * The name among names[0..n) closest to word, when it is close enough to be
 * what was meant (one edit for words of two to four letters, two for longer
 * ones), or the one name that word begins; NULL otherwise.
 */
const char *suggest_closest(const char *word, const char *const *names, size_t n);

#endif
