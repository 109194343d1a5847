/*
 * cli/cmd-screenshot.c - "bmctop screenshot HOST [-o FILE.png]": one picture
 * of a host's graphical console, as a PNG.
 *
 * The picture comes from vnc/rfbclient.c (through a relay, read-only).  The
 * file is created new (O_EXCL), never through a link (O_NOFOLLOW), mode
 * 0600: a console may show a password prompt's neighbours, keys, tokens.
 * A partial file is removed.  BMCTOP_VNC_ENCODINGS (tests) sets the
 * encodings asked for, e.g. "zrle" or "tight".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/xalloc.h"
#include "vnc/rfbclient.h"

#define SHOT_TIMEOUT_MS 60000

struct shot {
	struct cli *cli;
	struct vnc_screen *s;
	uv_timer_t timer;
	int done, ended, status;
	char *msg;
	struct vnc_fb fb; /* a copy of the first picture */
	char encodings[96];
	uint64_t t0, t1;
};

static struct shot shot;

static void on_screen(struct vnc_screen *s, enum vnc_screen_event ev, int status, const char *msg,
		      void *arg)
{
	struct shot *sh = arg;
	const struct vnc_fb *fb;

	if (ev == VNC_SCREEN_CHANGED) {
		if (sh->done)
			return;
		fb = vnc_screen_fb(s);
		sh->fb = *fb;
		sh->fb.rgb = xmalloc((size_t)fb->w * fb->h * 3);
		memcpy(sh->fb.rgb, fb->rgb, (size_t)fb->w * fb->h * 3);
		snprintf(sh->encodings, sizeof sh->encodings, "%s", vnc_screen_encodings_used(s));
		sh->t1 = uv_hrtime();
		sh->done = 1;
		vnc_screen_stop(s);
		return;
	}
	sh->ended = 1;
	sh->s = NULL;
	sh->status = status;
	sh->msg = xstrdup(msg);
	uv_timer_stop(&sh->timer);
	uv_stop(&sh->cli->loop);
}

static void on_timeout(uv_timer_t *t)
{
	struct shot *sh = t->data;

	if (sh->s != NULL && !sh->done) {
		free(sh->msg);
		sh->msg = xstrdup("no picture from the console in 60 s");
		sh->status = BMC_ETIMEDOUT;
		vnc_screen_stop(sh->s);
	}
}

static void on_signal(struct bmc_engine *e, int signum)
{
	if (shot.s != NULL)
		vnc_screen_stop(shot.s);
	else
		uv_stop(&shot.cli->loop);
}

static void on_timer_closed(uv_handle_t *h)
{
}

/* Write the picture as an 8-bit RGB PNG to a new file.  0, or -1 with why. */
static int write_png(const char *path, const struct vnc_fb *fb, char *why, size_t whylen)
{
	png_structp png;
	png_infop info;
	FILE *f;
	int fd, y;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, whylen, "%s", errno == EEXIST ? "it exists" : strerror(errno));
		return -1;
	}
	f = fdopen(fd, "wb");
	if (f == NULL) {
		snprintf(why, whylen, "%s", strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (png == NULL || info == NULL || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, info ? &info : NULL);
		fclose(f);
		unlink(path);
		snprintf(why, whylen, "%s", "the PNG could not be written");
		return -1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)fb->w, (png_uint_32)fb->h, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < fb->h; y++)
		png_write_row(png, fb->rgb + (size_t)y * fb->w * 3);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	if (fclose(f) != 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

/* HOST-YYYYmmddTHHMMSSZ.png, any '/' in the name made '_'. */
static char *default_name(const char *host)
{
	char stamp[32], *name, *p;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	name = xasprintf("%s-%s.png", host, stamp);
	for (p = name; *p != '\0'; p++)
		if (*p == '/')
			*p = '_';
	return name;
}

static int take_picture(struct shot *sh, struct bmc_host *h)
{
	struct vnc_target t;
	const char *encodings = getenv("BMCTOP_VNC_ENCODINGS");
	char *err = NULL;
	int rc;

	rc = vnc_target_resolve(h, &t, &err);
	if (rc != 0) {
		fprintf(stderr, "bmctop: %s\n", err);
		free(err);
		return rc == BMC_ENOTSUP || rc == BMC_ECONFIG ? EXIT_USAGE : EXIT_SOME_FAILED;
	}
	sh->t0 = uv_hrtime();
	if (encodings != NULL && encodings[0] == '\0')
		encodings = NULL;
	rc = vnc_screen_start(&sh->s, h, &t, 0, encodings, on_screen, sh, &err);
	if (rc != 0) {
		vnc_target_free(&t);
		fprintf(stderr, "bmctop: %s: %s\n", h->cfg->name, err);
		free(err);
		return rc == BMC_ECONFIG ? EXIT_USAGE : EXIT_SOME_FAILED;
	}
	sh->cli->engine.on_signal = on_signal;
	uv_timer_init(&sh->cli->loop, &sh->timer);
	sh->timer.data = sh;
	uv_timer_start(&sh->timer, on_timeout, SHOT_TIMEOUT_MS, 0);
	while (!sh->ended && uv_run(&sh->cli->loop, UV_RUN_ONCE) != 0)
		;
	sh->cli->engine.on_signal = NULL;
	uv_close((uv_handle_t *)&sh->timer, on_timer_closed);
	if (!sh->done) {
		fprintf(stderr, "bmctop: %s: %s\n", h->cfg->name, sh->msg ? sh->msg : "no picture");
		return sh->status == BMC_ECONFIG ? EXIT_USAGE : EXIT_SOME_FAILED;
	}
	return 0;
}

int cmd_screenshot(struct cli *c, int argc, char **argv)
{
	struct bmc_host *h;
	struct shot *sh = &shot;
	char why[256], *path;
	int rc = cli_command_options(c, &argc, argv);

	if (rc != 0)
		return rc;
	if (argc != 1)
		return cli_usage_error("usage: bmctop [-c FLEET] screenshot HOST [-o FILE.png]");
	rc = cli_console_host(c, argv[0], &h);
	if (rc != 0)
		return rc;
	memset(sh, 0, sizeof *sh);
	sh->cli = c;
	rc = take_picture(sh, h);
	free(sh->msg);
	if (rc != 0) {
		free(sh->fb.rgb);
		return rc;
	}
	path = c->output ? xstrdup(c->output) : default_name(h->cfg->name);
	if (write_png(path, &sh->fb, why, sizeof why) != 0) {
		fprintf(stderr, "bmctop: cannot write %s: %s\n", path, why);
		rc = EXIT_SOME_FAILED;
	} else {
		printf("%s %dx%d %s %.3fs\n", path, sh->fb.w, sh->fb.h, sh->encodings,
		       (double)(sh->t1 - sh->t0) / 1e9);
	}
	free(path);
	free(sh->fb.rgb);
	return rc;
}
