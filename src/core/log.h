/*
 * core/log.h - the engine's log file.
 *
 * The log goes to $XDG_STATE_HOME/bmctop/bmctop.log.  The command-line front
 * end may also echo warnings to stderr; the TUI never does, since stderr is
 * the terminal it draws on.  Never pass a secret to these functions.
 */
#ifndef BMCTOP_LOG_H
#define BMCTOP_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/*
 * Open (append, 0600, never through a link) the log at path; NULL keeps
 * logging in memory only.  0 or a negative errno (-ELOOP: a link).
 */
int log_open(const char *path);
void log_close(void);
void log_set_level(enum log_level level);
/* Echo messages at or above level to stderr (-1: never). */
void log_set_stderr(int level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
