/*
 * paths.c - XDG base directory lookup and directory creation.
 *
 * State directories are created 0700: they hold SDR caches, TLS known hosts
 * and console logs, none of which other local users should read.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"
#include "xalloc.h"

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
