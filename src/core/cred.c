/*
 * core/cred.c - secret sources: environment, private files, commands; and the
 * environment a child process gets.
 *
 * A command is run through /bin/sh with stdin from /dev/null; its first line
 * of output is the secret.  It runs before the event loop starts, so a
 * blocking wait (bounded by CRED_COMMAND_TIMEOUT_MS) is acceptable here.
 *
 * bmctop's own environment may hold secrets (every *-env key of the fleet
 * names one), and children inherit the environment whole; so every child
 * (a password-command, the VNC viewer, the demo's bmcsim) is started with
 * cred_child_env(), the environment minus those variables.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cred.h"
#include "core/xalloc.h"

#define CRED_COMMAND_TIMEOUT_MS 30000

extern char **environ;

/*
 * Variables no child gets besides the fleet's: VNC viewers (TigerVNC's
 * vncviewer) take a password from VNC_PASSWORD, which would both leak a
 * password meant for something else and override the relay's one-time
 * password file.
 */
static const char *const always_hidden[] = { "VNC_PASSWORD", "VNC_PASSWD" };

static char **hidden;
static size_t nhidden;

void cred_hide_env(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0')
		return;
	for (i = 0; i < nhidden; i++)
		if (strcmp(hidden[i], name) == 0)
			return;
	hidden = xreallocarray(hidden, nhidden + 1, sizeof *hidden);
	hidden[nhidden++] = xstrdup(name);
}

static void hide_sources(const struct host_config *hc)
{
	const struct secret_source *srcs[] = { &hc->password, &hc->kg, &hc->vnc_password };
	size_t i;

	for (i = 0; i < sizeof srcs / sizeof srcs[0]; i++)
		if (srcs[i]->kind == SECRET_ENV)
			cred_hide_env(srcs[i]->arg);
}

void cred_hide_fleet_env(const struct fleet *f)
{
	size_t i;

	hide_sources(&f->defaults);
	for (i = 0; i < f->nhosts; i++)
		hide_sources(&f->hosts[i]);
}

/* Whether the NAME=VALUE entry names a variable no child may see. */
static int is_hidden(const char *entry)
{
	size_t n = strcspn(entry, "="), i;

	for (i = 0; i < sizeof always_hidden / sizeof always_hidden[0]; i++)
		if (strlen(always_hidden[i]) == n && strncmp(always_hidden[i], entry, n) == 0)
			return 1;
	for (i = 0; i < nhidden; i++)
		if (strlen(hidden[i]) == n && strncmp(hidden[i], entry, n) == 0)
			return 1;
	return 0;
}

char **cred_child_env(void)
{
	size_t n = 0, out = 0, i;
	char **env;

	while (environ != NULL && environ[n] != NULL)
		n++;
	env = xcalloc(n + 1, sizeof *env);
	for (i = 0; i < n; i++)
		if (!is_hidden(environ[i]))
			env[out++] = xstrdup(environ[i]);
	env[out] = NULL;
	return env;
}

static const char *key_prefix(const struct secret_source *src)
{
	/* The fleet file line tells the user which key this was. */
	return src->file ? src->file : "fleet file";
}

/* Keep only the first line, without its line ending. */
static void first_line(struct secret *s)
{
	char *nl = memchr(s->data, '\n', s->len);

	if (nl != NULL)
		s->len = (size_t)(nl - s->data);
	if (s->len > 0 && s->data[s->len - 1] == '\r')
		s->len--;
	s->data[s->len] = '\0';
}

int cred_check_private(const char *path, const char *what, char **err)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		*err = xasprintf("%s: cannot read %s: %s", path, what, strerror(errno));
		return -1;
	}
	if ((st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) != 0) {
		*err = xasprintf("%s: %s is readable by group or others (mode %03o): run chmod 600 %s",
				 path, what, (unsigned)(st.st_mode & 0777), path);
		return -1;
	}
	return 0;
}

static int read_file_secret(const struct secret_source *src, struct secret *out, char **err)
{
	const char *path = src->arg;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*err = xasprintf("%s: cannot open password file (%s:%d): %s", path, key_prefix(src),
				 src->line, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*err = xasprintf("%s: password file is not a regular file (%s:%d)", path,
				 key_prefix(src), src->line);
		close(fd);
		return -1;
	}
	if ((st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) != 0) {
		*err = xasprintf(
			"%s: password file is readable by group or others (mode %03o): run chmod 600 %s",
			path, (unsigned)(st.st_mode & 0777), path);
		close(fd);
		return -1;
	}
	out->data = xmalloc(SECRET_MAX + 1);
	out->len = 0;
	while (out->len < SECRET_MAX) {
		n = read(fd, out->data + out->len, SECRET_MAX - out->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		out->len += (size_t)n;
	}
	close(fd);
	first_line(out);
	return 0;
}

static int read_env_secret(const struct secret_source *src, struct secret *out, char **err)
{
	const char *v = getenv(src->arg);

	if (v == NULL) {
		*err = xasprintf("environment variable %s is not set (password-env, %s:%d): export it before starting bmctop",
				 src->arg, key_prefix(src), src->line);
		return -1;
	}
	out->len = strlen(v);
	if (out->len > SECRET_MAX)
		out->len = SECRET_MAX;
	out->data = xstrndup(v, out->len);
	return 0;
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static int run_command_secret(const struct secret_source *src, struct secret *out, char **err)
{
	struct timespec start;
	int pipefd[2];
	int status, timed_out = 0;
	pid_t pid;
	char **env;

	if (pipe(pipefd) != 0) {
		*err = xasprintf("password-command (%s:%d): pipe: %s", key_prefix(src), src->line,
				 strerror(errno));
		return -1;
	}
	/* Made before fork: the child only dup2()s and execs. */
	env = cred_child_env();
	pid = fork();
	if (pid < 0) {
		*err = xasprintf("password-command (%s:%d): fork: %s", key_prefix(src), src->line,
				 strerror(errno));
		strv_free(env);
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		/* bmctop ignores SIGPIPE; an ignored signal stays ignored
		 * across exec, and a pipeline such as "gen | head -1" relies on it. */
		signal(SIGPIPE, SIG_DFL);
		execle("/bin/sh", "sh", "-c", src->arg, (char *)NULL, env);
		_exit(127);
	}
	strv_free(env);
	close(pipefd[1]);
	out->data = xmalloc(SECRET_MAX + 1);
	out->len = 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		long left = CRED_COMMAND_TIMEOUT_MS - elapsed_ms(&start);
		ssize_t n;

		if (left <= 0) {
			timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (out->len == SECRET_MAX) {
			char sink[256];

			n = read(pipefd[0], sink, sizeof sink);
		} else {
			n = read(pipefd[0], out->data + out->len, SECRET_MAX - out->len);
			if (n > 0)
				out->len += (size_t)n;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	first_line(out);
	if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		secret_free(out);
		if (timed_out)
			*err = xasprintf("password-command (%s:%d) did not finish within %d s",
					 key_prefix(src), src->line, CRED_COMMAND_TIMEOUT_MS / 1000);
		else if (WIFEXITED(status))
			*err = xasprintf("password-command (%s:%d) exited with status %d",
					 key_prefix(src), src->line, WEXITSTATUS(status));
		else
			*err = xasprintf("password-command (%s:%d) was killed by signal %d",
					 key_prefix(src), src->line, WTERMSIG(status));
		return -1;
	}
	return 0;
}

int cred_read(const struct secret_source *src, struct secret *out, char **err)
{
	memset(out, 0, sizeof *out);
	switch (src->kind) {
	case SECRET_NONE:
		out->data = xstrdup("");
		return 0;
	case SECRET_INLINE:
		out->len = strlen(src->arg);
		out->data = xstrndup(src->arg, out->len);
		return 0;
	case SECRET_ENV:
		return read_env_secret(src, out, err);
	case SECRET_FILE:
		return read_file_secret(src, out, err);
	case SECRET_COMMAND:
		return run_command_secret(src, out, err);
	}
	*err = xstrdup("unknown secret source");
	return -1;
}

void secret_free(struct secret *s)
{
	if (s->data != NULL) {
		secure_zero(s->data, s->len);
		free(s->data);
	}
	s->data = NULL;
	s->len = 0;
}

struct cred_entry {
	enum secret_kind kind;
	char *arg;
	struct secret secret;
	char *error; /* a failed source fails once, not once per host */
};

struct cred_cache {
	struct cred_entry *entries;
	size_t n;
};

struct cred_cache *cred_cache_new(void)
{
	return xcalloc(1, sizeof(struct cred_cache));
}

const struct secret *cred_cache_get(struct cred_cache *c, const struct secret_source *src,
				    char **err)
{
	struct cred_entry *e;
	size_t i;

	for (i = 0; i < c->n; i++) {
		e = &c->entries[i];
		if (e->kind == src->kind &&
		    ((e->arg == NULL && src->arg == NULL) ||
		     (e->arg != NULL && src->arg != NULL && strcmp(e->arg, src->arg) == 0)))
			goto found;
	}
	c->entries = xreallocarray(c->entries, c->n + 1, sizeof *c->entries);
	e = &c->entries[c->n++];
	memset(e, 0, sizeof *e);
	e->kind = src->kind;
	e->arg = src->arg ? xstrdup(src->arg) : NULL;
	if (cred_read(src, &e->secret, &e->error) != 0)
		e->secret.data = NULL;
found:
	if (e->error != NULL) {
		*err = xstrdup(e->error);
		return NULL;
	}
	return &e->secret;
}

void cred_cache_free(struct cred_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		secret_free(&c->entries[i].secret);
		if (c->entries[i].arg != NULL) {
			secure_zero(c->entries[i].arg, strlen(c->entries[i].arg));
			free(c->entries[i].arg);
		}
		free(c->entries[i].error);
	}
	free(c->entries);
	free(c);
}
