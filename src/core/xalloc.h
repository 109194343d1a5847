/*
 * core/xalloc.h - allocation that cannot fail.
 *
 * Every allocation in bmctop goes through these.  On failure they call the
 * fatal hook (the TUI installs one that restores the terminal) and abort, so
 * callers never check for NULL.
 */
#ifndef BMCTOP_XALLOC_H
#define BMCTOP_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Called once before a fatal exit; the TUI restores the terminal here. */
void xalloc_set_fatal_hook(void (*hook)(void));
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Overwrite memory that held a secret in a way the compiler keeps. */
void secure_zero(void *p, size_t n);
/* Strip white space at both ends in place; returns the new start. */
char *str_trim(char *s);
/* Free a NULL-terminated array of strings and the array (NULL is fine). */
void strv_free(char **v);

#endif
