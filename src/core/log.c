/*
 * core/log.c - append-only log file with UTC timestamps.
 *
 * Writes are line-buffered stdio; the file is opened with O_APPEND and mode
 * 0600 because console and host names may be sensitive, and never through
 * a symbolic link (paths_open_append): bmctop often runs as root, and a
 * planted link would have it append to any file.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/paths.h"

static FILE *log_file;
static enum log_level log_min = LOG_INFO;
static int log_echo = -1;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

int log_open(const char *path)
{
	int fd;

	log_close();
	if (path == NULL)
		return 0;
	fd = paths_open_append(path);
	if (fd < 0)
		return fd;
	log_file = fdopen(fd, "a");
	if (log_file == NULL) {
		close(fd);
		return -errno;
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
	return 0;
}

void log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

void log_set_level(enum log_level level)
{
	log_min = level;
}

void log_set_stderr(int level)
{
	log_echo = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	struct timeval tv;
	struct tm tm;
	char stamp[32];

	if (level < log_min && (log_echo < 0 || (int)level < log_echo))
		return;
	if (log_file != NULL && level >= log_min) {
		gettimeofday(&tv, NULL);
		gmtime_r(&tv.tv_sec, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(log_file, "%s.%03ldZ %s ", stamp, (long)(tv.tv_usec / 1000),
			level_names[level]);
		va_start(ap, fmt);
		vfprintf(log_file, fmt, ap);
		va_end(ap);
		fputc('\n', log_file);
	}
	if (log_echo >= 0 && (int)level >= log_echo) {
		fputs("bmctop: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}
