/*
 * cli/demo.c - "bmctop --demo": the dashboard on a simulated fleet.
 *
 * Starts bmcsim, the project's BMC simulator, as a child with its 64-host
 * demo profile on loopback ports the kernel picks, waits (bounded) until it
 * says it is ready, opens the dashboard on the fleet file it wrote, and
 * stops it by its pid once the dashboard has closed its BMC sessions.
 *
 * Everything lives in one private 0700 directory removed at the end: the
 * random password (a 0600 file handed over with --password-file, never in
 * argv), the fleet file, bmcsim's log, and the engine's state.  The state
 * is private so that the demo never touches the user's caches or
 * known_hosts: the simulator makes a new TLS key each run, which trust on
 * first use would otherwise take for a changed key the next time.  bmcsim
 * gets bmctop's environment without the variables the user's own fleet
 * keeps secrets in (cred_child_env), as every child of bmctop does.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<sys/prctl.h>)
#include <sys/prctl.h>
#endif
#endif

#include "cli/demo.h"
#include "core/cred.h"
#include "core/paths.h"
#include "core/xalloc.h"
#include "tui/tui.h"

#define DEMO_COUNT	   "64"
#define DEMO_REDFISH_SHARE "25" /* percent of the demo's BMCs that also speak Redfish */
#define DEMO_READY_SECONDS 30	/* a loaded machine; it takes well under 1 s here */
#define DEMO_STOP_MS	   3000 /* SIGTERM, then SIGKILL after this */

struct demo {
	char *dir;
	char *password_file, *fleet_file, *ready_file, *log_file, *state_dir;
	pid_t pid;
};

static int executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/*
 * Where bmcsim is: $BMCTOP_BMCSIM; beside this bmctop (the build tree, or
 * bindir once installed), found through /proc/self/exe; libexecdir; PATH.
 */
static char *find_bmcsim(void)
{
	const char *env = getenv("BMCTOP_BMCSIM"), *path = getenv("PATH");
	char self[PATH_MAX], *slash, *try;
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		return executable(env) ? xstrdup(env) : NULL;
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			try = xasprintf("%s/bmcsim", self);
			if (executable(try))
				return try;
			free(try);
			try = xasprintf("%s/sim/bmcsim", self);
			if (executable(try))
				return try;
			free(try);
		}
	}
	try = xasprintf("%s/bmcsim", BMCTOP_LIBEXECDIR);
	if (executable(try))
		return try;
	free(try);
	while (path != NULL && *path != '\0') {
		size_t len = strcspn(path, ":");

		try = xasprintf("%.*s/bmcsim", (int)len, len ? path : ".");
		if (executable(try))
			return try;
		free(try);
		path += len;
		if (*path == ':')
			path++;
	}
	return NULL;
}

/* A password of 16 letters and digits, unbiased. */
static int random_password(char *out, size_t len)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[64];
	size_t got = 0, i;

	while (got < len - 1) {
		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
			return -1;
		for (i = 0; i < sizeof r && got < len - 1; i++)
			if (r[i] < 248) /* 248 = 4 * 62: keeps every character equally likely */
				out[got++] = set[r[i] % 62];
	}
	out[got] = '\0';
	secure_zero(r, sizeof r);
	return 0;
}

static int write_secret(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	size_t len = strlen(text);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		rc = -EIO;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void demo_free(struct demo *d)
{
	if (d->dir != NULL)
		nftw(d->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(d->password_file);
	free(d->fleet_file);
	free(d->ready_file);
	free(d->log_file);
	free(d->state_dir);
	free(d->dir);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The last lines bmcsim wrote, for an error message. */
static void print_log_tail(const char *path)
{
	char buf[2048];
	FILE *fp = fopen(path, "r");
	size_t n;
	long size;

	if (fp == NULL)
		return;
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0, SEEK_SET);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	if (n > 0)
		fprintf(stderr, "bmcsim said:\n%s%s", buf, buf[n - 1] == '\n' ? "" : "\n");
}

static int spawn_bmcsim(struct demo *d, const char *bmcsim)
{
	char *argv[] = {(char *)bmcsim,
			"--demo",
			"--count",
			DEMO_COUNT,
			"--redfish-share",
			DEMO_REDFISH_SHARE,
			"--port",
			"0",
			"--fleet-out",
			d->fleet_file,
			"--ready-file",
			d->ready_file,
			"--password-file",
			d->password_file,
			NULL};
	pid_t parent = getpid();
	char **env = cred_child_env(); /* before fork: the child only execs */
	int fd, err;

	fflush(NULL);
	d->pid = fork();
	if (d->pid != 0) {
		err = d->pid < 0 ? -errno : 0;
		strv_free(env);
		return err;
	}
	/* The child: its own process group, so that a ^C meant for the
	 * dashboard is handled by bmctop, which then stops bmcsim in order. */
	setpgid(0, 0);
#ifdef PR_SET_PDEATHSIG
	/* Should bmctop die without cleaning up, bmcsim goes with it. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
#else
	(void)parent;
#endif
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	fd = paths_open_append(d->log_file);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	signal(SIGPIPE, SIG_DFL); /* bmctop's SIG_IGN would outlive exec */
	execve(bmcsim, argv, env);
	fprintf(stderr, "cannot run %s: %s\n", bmcsim, strerror(errno));
	_exit(127);
}

static int file_ready(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_size > 0;
}

/* 0 once bmcsim is ready; else it has exited or is too slow (message given). */
static int wait_ready(struct demo *d)
{
	int status, i;

	for (i = 0; i < DEMO_READY_SECONDS * 20; i++) {
		if (file_ready(d->ready_file) && file_ready(d->fleet_file))
			return 0;
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			fprintf(stderr,
				"bmctop: the simulator (bmcsim) exited before it was ready\n");
			print_log_tail(d->log_file);
			return -1;
		}
		sleep_ms(50);
	}
	fprintf(stderr, "bmctop: the simulator (bmcsim) was not ready after %d s\n",
		DEMO_READY_SECONDS);
	print_log_tail(d->log_file);
	return -1;
}

/* Stop bmcsim by its pid: SIGTERM, then SIGKILL if it lingers. */
static void stop_bmcsim(struct demo *d)
{
	int status, i;

	if (d->pid <= 0)
		return;
	kill(d->pid, SIGTERM);
	for (i = 0; i < DEMO_STOP_MS / 20; i++) {
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			return;
		}
		sleep_ms(20);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &status, 0);
	d->pid = 0;
}

static int demo_setup(struct demo *d, const char *bmcsim)
{
	const char *tmp = getenv("TMPDIR");
	char password[17];
	int rc;

	d->dir = xasprintf("%s/bmctop-demo.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(d->dir) == NULL) {
		fprintf(stderr, "bmctop: cannot make a directory for the demo (%s): %s\n", d->dir,
			strerror(errno));
		free(d->dir);
		d->dir = NULL;
		return -1;
	}
	d->password_file = xasprintf("%s/password", d->dir);
	d->fleet_file = xasprintf("%s/fleet.conf", d->dir);
	d->ready_file = xasprintf("%s/ready", d->dir);
	d->log_file = xasprintf("%s/bmcsim.log", d->dir);
	d->state_dir = xasprintf("%s/state", d->dir);
	if (mkdir(d->state_dir, 0700) != 0) {
		fprintf(stderr, "bmctop: cannot make %s: %s\n", d->state_dir, strerror(errno));
		return -1;
	}
	if (random_password(password, sizeof password) != 0) {
		fprintf(stderr, "bmctop: no randomness for the demo's password\n");
		return -1;
	}
	rc = write_secret(d->password_file, password);
	secure_zero(password, sizeof password);
	if (rc != 0) {
		fprintf(stderr, "bmctop: cannot write %s: %s\n", d->password_file, strerror(-rc));
		return -1;
	}
	rc = spawn_bmcsim(d, bmcsim);
	if (rc != 0) {
		fprintf(stderr, "bmctop: cannot start %s: %s\n", bmcsim, strerror(-rc));
		return -1;
	}
	return wait_ready(d);
}

/*
 * The user's own fleet, read only for the variables its secrets are in,
 * so that bmcsim is started without them; a fleet that does not load has
 * none to hide.
 */
static void hide_user_fleet_env(const char *fleet_path)
{
	char *path = fleet_path != NULL ? xstrdup(fleet_path) : paths_default_fleet();
	char *errors = NULL;
	struct fleet f;

	if (fleet_load(&f, path, &errors) == 0) {
		cred_hide_fleet_env(&f);
		fleet_free(&f);
	}
	free(errors);
	free(path);
}

int demo_run(struct cli *c, int readonly)
{
	struct demo d;
	char *bmcsim;
	int rc = EXIT_SOME_FAILED;

	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "bmctop: the demo is a dashboard and needs a terminal\n");
		return EXIT_USAGE;
	}
	bmcsim = find_bmcsim();
	if (bmcsim == NULL) {
		fprintf(
		    stderr,
		    "bmctop: the demo needs bmcsim, the simulator built with bmctop, and it is "
		    "neither beside this bmctop nor in %s or PATH; set BMCTOP_BMCSIM to its path\n",
		    BMCTOP_LIBEXECDIR);
		return EXIT_USAGE;
	}
	memset(&d, 0, sizeof d);
	hide_user_fleet_env(c->fleet_path);
	if (demo_setup(&d, bmcsim) == 0 && setenv("XDG_STATE_HOME", d.state_dir, 1) == 0) {
		c->fleet_path = d.fleet_file;
		rc = cli_load_fleet(c);
		if (rc == 0 && readonly)
			c->fleet.readonly = 1;
		if (rc == 0 && tui_check_terminal() != 0)
			rc = EXIT_USAGE;
		if (rc == 0) {
			cli_start_engine(c);
			rc = tui_run(&c->engine, c->fleet_path);
		}
		/* Close the BMC sessions while the simulator still answers. */
		cli_finish(c);
	}
	stop_bmcsim(&d);
	demo_free(&d);
	free(bmcsim);
	return rc;
}
