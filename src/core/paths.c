/*
 * core/paths.c - XDG base directory lookup, directory creation and checks, and
 * opening append-only files in those directories.
 *
 * State directories are created 0700: they hold SDR caches, TLS known hosts
 * and console logs, none of which other local users should read.  What is
 * not obvious: bmctop often runs as root, so a directory another user can
 * write to would let them plant a symbolic link where bmctop writes and
 * have root append to or replace any file.  Such a directory is refused
 * (OpenSSH's rule for ~/.ssh), and every file is opened without following
 * a link at its own name as a second guard.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/xalloc.h"

static char *xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	const char *home = getenv("HOME");

	if (v != NULL && v[0] == '/')
		return xasprintf("%s/bmctop", v);
	if (home == NULL || home[0] == '\0')
		home = "/tmp";
	return xasprintf("%s/%s/bmctop", home, fallback);
}

char *paths_config_dir(void)
{
	return xdg_dir("XDG_CONFIG_HOME", ".config");
}

char *paths_state_dir(void)
{
	return xdg_dir("XDG_STATE_HOME", ".local/state");
}

char *paths_default_fleet(void)
{
	const char *env = getenv("BMCTOP_FLEET");
	char *dir, *path;

	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	dir = paths_config_dir();
	path = xasprintf("%s/fleet.conf", dir);
	free(dir);
	return path;
}

static int mkdir_p_now(const char *path, unsigned mode)
{
	char *copy = xstrdup(path);
	char *p;
	int rc = 0;

	for (p = copy + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(copy, mode) != 0 && errno != EEXIST) {
				rc = -errno;
				break;
			}
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	free(copy);
	return rc;
}

/*
 * Directories made (or found) by this process: callers ask for the same
 * few once per host and per file, and each ask was a mkdir per component.
 */
#define MADE_MAX 16
static char *made[MADE_MAX];
static size_t nmade;

void paths_forget_dirs(void)
{
	while (nmade > 0)
		free(made[--nmade]);
}

int paths_mkdir_p(const char *path, unsigned mode)
{
	size_t i;
	int rc;

	for (i = 0; i < nmade; i++)
		if (strcmp(made[i], path) == 0)
			return 0;
	rc = mkdir_p_now(path, mode);
	if (rc == 0 && nmade < MADE_MAX)
		made[nmade++] = xstrdup(path);
	return rc;
}

char *paths_state_file(const char *name)
{
	char *dir = paths_state_dir();
	char *path;

	paths_mkdir_p(dir, 0700);
	path = xasprintf("%s/%s", dir, name);
	free(dir);
	return path;
}

/* Whether a directory of this owner may hold what bmctop trusts: ours or root's. */
static int owner_ok(uid_t uid)
{
	return uid == getuid() || uid == 0;
}

int paths_others_may_write(const struct stat *st)
{
	const struct group *gr;
	const struct passwd *pw;
	char *owner;
	int members = 0, others = 0;

	if ((st->st_mode & S_IWOTH) != 0)
		return 1;
	if ((st->st_mode & S_IWGRP) == 0)
		return 0;
	gr = getgrgid(st->st_gid);
	pw = getpwuid(st->st_uid);
	if (gr == NULL || pw == NULL)
		return 1;
	owner = xstrdup(pw->pw_name);
	for (size_t i = 0; gr->gr_mem[i] != NULL; i++) {
		members++;
		others |= strcmp(gr->gr_mem[i], owner) != 0;
	}
	free(owner);
	setpwent();
	while (!others && (pw = getpwent()) != NULL) {
		if (pw->pw_gid == st->st_gid) {
			members++;
			others |= pw->pw_uid != st->st_uid;
		}
	}
	endpwent();
	return others || members == 0;
}

/*
 * Every directory above dir must be ours or root's, and not writable by
 * others unless sticky (as /tmp): else someone could rename dir away after
 * the check and put a link in its place.
 */
static int check_ancestors(const char *dir, const char *var, char **err)
{
	char *copy = xstrdup(dir);
	char *p;
	struct stat st;
	int rc = 0;

	for (p = strrchr(copy, '/'); p != NULL && p > copy; p = strrchr(copy, '/')) {
		*p = '\0';
		if (stat(copy, &st) != 0)
			continue; /* made by us, 0700, when first needed */
		if (!owner_ok(st.st_uid)) {
			*err = xasprintf("%s, above %s, is owned by another user (uid %u), who "
					 "could replace what bmctop keeps there: set %s to a "
					 "directory of your own",
					 copy, dir, (unsigned)st.st_uid, var);
			rc = -EPERM;
			break;
		}
		if (paths_others_may_write(&st) && (st.st_mode & S_ISVTX) == 0) {
			*err = xasprintf("%s, above %s, is writable by group or others (mode %03o), "
					 "who could replace what bmctop keeps there: run chmod go-w "
					 "%s, or set %s to a directory of your own",
					 copy, dir, (unsigned)(st.st_mode & 0777), copy, var);
			rc = -EPERM;
			break;
		}
	}
	free(copy);
	return rc;
}

int paths_check_private_dir(const char *dir, const char *var, char **err)
{
	struct stat st;
	int rc;

	*err = NULL;
	rc = check_ancestors(dir, var, err);
	if (rc != 0)
		return rc;
	/* A link is someone's choice of where the directory is: whose? */
	if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode) && !owner_ok(st.st_uid)) {
		*err = xasprintf("%s is a symbolic link owned by another user (uid %u); bmctop "
				 "will not use it: remove it, or set %s to a directory of your own",
				 dir, (unsigned)st.st_uid, var);
		return -EPERM;
	}
	if (stat(dir, &st) != 0) {
		if (errno == ENOENT)
			return 0; /* made 0700 when first needed */
		*err = xasprintf("cannot check %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = xasprintf(
		    "%s is not a directory; bmctop keeps its files there: move it away", dir);
		return -ENOTDIR;
	}
	if (!owner_ok(st.st_uid)) {
		*err = xasprintf("%s is owned by another user (uid %u), who could plant links in "
				 "it; bmctop will not use it: remove it, or set %s to a directory "
				 "of your own",
				 dir, (unsigned)st.st_uid, var);
		return -EPERM;
	}
	if (paths_others_may_write(&st)) {
		*err = xasprintf("%s is writable by group or others (mode %03o), who could plant "
				 "links in it; bmctop will not use it: run chmod 700 %s",
				 dir, (unsigned)(st.st_mode & 0777), dir);
		return -EPERM;
	}
	return 0;
}

static int is_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return path != NULL && strncmp(path, dir, n) == 0 && path[n] == '/';
}

int paths_check_dirs(const char *fleet_path, char **err)
{
	char *state = paths_state_dir(), *config = paths_config_dir();
	int rc;

	/*
	 * Made first, so that nobody else can make it between the check and
	 * its use; one that cannot be made is reported by the first write.
	 */
	rc = check_ancestors(state, "XDG_STATE_HOME", err);
	if (rc == 0) {
		paths_mkdir_p(state, 0700);
		rc = paths_check_private_dir(state, "XDG_STATE_HOME", err);
	}
	if (rc == 0 && is_inside(fleet_path, config))
		rc = paths_check_private_dir(config, "XDG_CONFIG_HOME", err);
	free(state);
	free(config);
	return rc;
}

int paths_open_regular(const char *path, int flags, mode_t mode, struct stat *st)
{
	int fd, err;

	/* O_NONBLOCK: a FIFO found here must not hang the open. */
	fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, mode);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

const char *paths_strerror(int err)
{
	if (err == -ELOOP)
		return "it is a symbolic link";
	if (err == -EINVAL)
		return "not a regular file";
	return strerror(-err);
}

int paths_open_append(const char *path)
{
	struct stat st;
	int fd, err;

	fd = paths_open_regular(path, O_WRONLY | O_CREAT | O_APPEND, 0600, &st);
	if (fd < 0)
		return fd;
	/* An older file keeps whatever mode it had; what bmctop logs is private. */
	if ((st.st_mode & 0777) != 0600 && fchmod(fd, 0600) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}
