/*
 * console/console.c - the transport-independent half of a host's serial console:
 * state reports, delivery to the front end, the optional console log, and
 * the calls a front end makes on an open console (through its transport's
 * ops).  Which transport a console uses is chosen in console/open.c, so
 * this file names none of them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "console/console.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/xalloc.h"

const char *console_state_name(enum console_state st)
{
	switch (st) {
	case CON_CONNECTING:
		return "connecting";
	case CON_ACTIVE:
		return "active";
	case CON_BUSY:
		return "busy";
	case CON_TAKEN:
		return "taken over";
	case CON_LOST:
		return "lost";
	case CON_FAILED:
		return "failed";
	case CON_CLOSED:
		return "closed";
	}
	return "?";
}

int console_write(struct console *c, const uint8_t *buf, size_t len)
{
	int rc;

	if (c->state == CON_CLOSED || c->state == CON_FAILED)
		return BMC_ECANCELED;
	if (len == 0)
		return 0;
	rc = c->ops->write(c, buf, len);
	if (rc == 0)
		c->bytes_out += len;
	return rc;
}

int console_send_break(struct console *c)
{
	if (c->state != CON_ACTIVE)
		return BMC_EAGAIN;
	if (c->ops->send_break == NULL)
		return BMC_ENOTSUP;
	return c->ops->send_break(c);
}

int console_steal(struct console *c)
{
	if (c->ops->steal == NULL)
		return BMC_ENOTSUP;
	return c->ops->steal(c);
}

size_t console_queued(const struct console *c)
{
	return c->ops->queued != NULL ? c->ops->queued(c) : 0;
}

/* Host names become file names: keep them to a safe alphabet. */
static char *log_name(const char *host)
{
	char *name = xasprintf("consoles/%s.log", host);
	char *p;

	for (p = name + strlen("consoles/"); *p != '\0'; p++) {
		if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
		      ('0' <= *p && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			*p = '_';
	}
	if (name[strlen("consoles/")] == '.')
		name[strlen("consoles/")] = '_';
	return name;
}

int console_log_start(struct console *c, char **err)
{
	char *name, *path, *dir;
	int fd;

	if (c->log_fd >= 0)
		return 0;
	dir = paths_state_file("consoles");
	if (dir == NULL || paths_mkdir_p(dir, 0700) != 0) {
		*err = xasprintf("cannot create the console log directory %s",
				 dir != NULL ? dir : "(no state directory)");
		free(dir);
		return BMC_EIO;
	}
	free(dir);
	name = log_name(c->host->cfg->name);
	path = paths_state_file(name);
	free(name);
	fd = paths_open_append(path);
	if (fd < 0) {
		*err = xasprintf("cannot open %s: %s", path, paths_strerror(fd));
		free(path);
		return BMC_EIO;
	}
	log_msg(LOG_INFO, "%s: console log %s", c->host->cfg->name, path);
	free(path);
	c->log_fd = fd;
	c->log_at_line_start = 1;
	return 0;
}

void console_log_stop(struct console *c)
{
	if (c->log_fd >= 0)
		close(c->log_fd);
	c->log_fd = -1;
}

static void log_write_all(struct console *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(c->log_fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_msg(LOG_WARN, "%s: console log write failed (%s); logging stopped",
				c->host->cfg->name, n < 0 ? strerror(errno) : "short write");
			console_log_stop(c);
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

/* Copy to the log, with a timestamp at the start of every line. */
static void log_output(struct console *c, const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len && c->log_fd >= 0) {
		const uint8_t *nl;
		size_t chunk;

		if (c->log_at_line_start) {
			char stamp[40];
			struct timespec ts;
			struct tm tm;

			clock_gettime(CLOCK_REALTIME, &ts);
			gmtime_r(&ts.tv_sec, &tm);
			strftime(stamp, sizeof stamp, "[%Y-%m-%dT%H:%M:%S", &tm);
			snprintf(stamp + strlen(stamp), sizeof stamp - strlen(stamp), ".%03ldZ] ",
				 ts.tv_nsec / 1000000);
			log_write_all(c, stamp, strlen(stamp));
			c->log_at_line_start = 0;
		}
		nl = memchr(buf + i, '\n', len - i);
		chunk = nl != NULL ? (size_t)(nl - (buf + i)) + 1 : len - i;
		if (c->log_fd >= 0)
			log_write_all(c, buf + i, chunk);
		if (nl != NULL)
			c->log_at_line_start = 1;
		i += chunk;
	}
}

void console_deliver(struct console *c, const uint8_t *buf, size_t len)
{
	if (len == 0 || c->state == CON_CLOSED)
		return;
	c->bytes_in += len;
	if (c->log_fd >= 0)
		log_output(c, buf, len);
	if (c->cb.data != NULL)
		c->cb.data(c->cb.ctx, c, buf, len);
}

void console_set_state(struct console *c, enum console_state st, const char *fmt, ...)
{
	va_list ap;
	int warn;

	if (c->state == CON_CLOSED && st != CON_CLOSED)
		return; /* closing: the front end no longer wants news */
	free(c->state_msg);
	c->state_msg = NULL;
	if (fmt != NULL) {
		va_start(ap, fmt);
		c->state_msg = xvasprintf(fmt, ap);
		va_end(ap);
	}
	c->state = st;
	warn = st == CON_LOST || st == CON_FAILED || st == CON_TAKEN;
	log_msg(warn ? LOG_WARN : LOG_INFO, "%s: console %s%s%s", c->host->cfg->name,
		console_state_name(st), c->state_msg != NULL ? ": " : "",
		c->state_msg != NULL ? c->state_msg : "");
	if (c->cb.state != NULL)
		c->cb.state(c->cb.ctx, c, st, c->state_msg);
}

void console_close(struct console *c, void (*done)(struct console *c))
{
	if (c->state == CON_CLOSED && c->done != NULL)
		return; /* already closing */
	c->done = done;
	c->state = CON_CLOSED;
	console_log_stop(c);
	c->ops->close(c);
}

void console_closed(struct console *c)
{
	void (*done)(struct console *c) = c->done;

	log_msg(LOG_INFO, "%s: console closed (%llu bytes in, %llu out)", c->host->cfg->name,
		(unsigned long long)c->bytes_in, (unsigned long long)c->bytes_out);
	if (done != NULL)
		done(c);
	free(c->state_msg);
	free(c->target_host);
	free(c);
}
