/*
 * cli/cmd-sol.c - "bmctop sol HOST": a host's serial console in this terminal.
 *
 * With stdin a terminal it puts the terminal in raw mode, passes keys
 * through, and understands ssh-style escapes at the start of a line (~.
 * ~B ~S ~~ ~?); the terminal is restored on every way out, signals and
 * fatal errors included.  With stdin not a terminal it is a pipe for
 * scripts: stdin goes to the console, the console to stdout, and after
 * stdin's end it waits for the output to stay quiet for --idle ms.
 *
 * The console never drops input: when console_write() says BMC_EAGAIN we
 * hold the rest and stop reading stdin, and a short tick retries until the
 * queue drains.  Status lines go to stderr, never into the console output.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "backend/backend.h"
#include "cli/cli.h"
#include "console/console.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/xalloc.h"

#define IN_SIZE		65536
#define TICK_MS		20
#define DEFAULT_IDLE_MS 500
/* Pipe mode gives up after this long without a working console. */
#define PIPE_GIVE_UP_MS 30000

enum input_kind { IN_STREAM, IN_FILE };

struct sol {
	struct cli *cli;
	struct bmc_host *host;
	uv_loop_t *loop;
	struct console *con;
	int interactive;
	int idle_ms;

	enum input_kind in_kind;
	union {
		uv_tty_t tty;
		uv_pipe_t pipe;
	} in_handle;
	int in_open, reading, eof;
	uv_fs_t fs_req;
	int fs_pending;
	uint8_t in[IN_SIZE];
	size_t in_len, in_off; /* read from stdin, not yet handed on */
	uint8_t out[2 * IN_SIZE];
	size_t out_len; /* escapes applied, not yet accepted by the console */
	unsigned pauses;

	int at_line_start, after_tilde;

	uv_timer_t tick;
	int tick_open;
	uv_signal_t sigs[3];
	size_t nsigs;
	int handles_open;
	int paused;

	int ever_active;
	int stealing;
	uint64_t last_rx_ms, drained_ms, inactive_since_ms;

	int quitting, status;
};

/* The terminal as we found it; static so signal handlers can restore it. */
static struct termios saved_termios;
static volatile sig_atomic_t raw_mode_on;

static void restore_terminal(void)
{
	if (raw_mode_on) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
		raw_mode_on = 0;
	}
}

/* A crash must not leave the user's terminal raw. */
static void on_fatal_signal(int sig)
{
	if (raw_mode_on)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	raise(sig); /* SA_RESETHAND: the default action now */
}

static int enter_raw_mode(void)
{
	static const int fatal_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	struct sigaction sa;
	struct termios raw;
	size_t i;

	if (tcgetattr(STDIN_FILENO, &saved_termios) != 0)
		return -errno;
	raw = saved_termios;
	cfmakeraw(&raw);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof fatal_sigs / sizeof fatal_sigs[0]; i++)
		sigaction(fatal_sigs[i], &sa, NULL);
	xalloc_set_fatal_hook(restore_terminal);
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) != 0)
		return -errno;
	raw_mode_on = 1;
	return 0;
}

/* A status line on stderr, on a line of its own even in raw mode. */
static void status_line(const struct sol *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void status_line(const struct sol *s, const char *fmt, ...)
{
	va_list ap;

	if (s->interactive)
		fputs("\r\n", stderr);
	fputc('[', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(s->interactive ? "]\r\n" : "]\n", stderr);
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};

			poll(&p, 1, 1000);
			continue;
		}
		if (n <= 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void sol_quit(struct sol *s, int status);

static void maybe_done(struct sol *s)
{
	if (s->quitting && s->con == NULL && s->handles_open == 0 && !s->fs_pending)
		uv_stop(s->loop);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct sol *s = h->data;

	s->handles_open--;
	maybe_done(s);
}

static void close_handle(struct sol *s, uv_handle_t *h)
{
	h->data = s;
	uv_close(h, on_handle_closed);
}

static void on_console_done(struct console *c)
{
	struct sol *s = c->user;

	s->con = NULL;
	maybe_done(s);
}

static void stop_input(struct sol *s)
{
	if (s->in_open) {
		s->in_open = 0;
		s->reading = 0;
		close_handle(s, (uv_handle_t *)&s->in_handle);
	}
}

static void sol_quit(struct sol *s, int status)
{
	size_t i;

	if (s->quitting)
		return;
	s->quitting = 1;
	s->status = status;
	restore_terminal();
	stop_input(s);
	if (s->fs_pending)
		uv_cancel((uv_req_t *)&s->fs_req);
	if (s->tick_open)
		close_handle(s, (uv_handle_t *)&s->tick);
	s->tick_open = 0;
	for (i = 0; i < s->nsigs; i++)
		close_handle(s, (uv_handle_t *)&s->sigs[i]);
	s->nsigs = 0;
	if (s->pauses > 0)
		log_info("%s: sol: input paused %u times for backpressure", s->host->cfg->name,
			 s->pauses);
	if (s->con != NULL)
		console_close(s->con, on_console_done);
	maybe_done(s);
}

static void print_help(void)
{
	static const char *const lines[] = {
	    "Escapes, typed at the start of a line:",
	    " ~.  end this session",
	    " ~B  send a break",
	    " ~S  take the console over when another client holds it (SOL)",
	    " ~~  send a single ~",
	    " ~?  this help",
	};
	size_t i;

	fputs("\r\n", stderr);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
		fprintf(stderr, "%s\r\n", lines[i]);
}

static void send_break(struct sol *s)
{
	int rc = console_send_break(s->con);

	if (rc == 0)
		status_line(s, "break sent");
	else if (rc == BMC_ENOTSUP)
		status_line(s, "break: this console (%s) has no way to send one",
			    s->con->ops->name);
	else
		status_line(s, "break not sent: %s",
			    s->con->state == CON_ACTIVE ? bmc_strerror(rc)
							: "the console is not connected");
}

static void steal(struct sol *s)
{
	int rc;

	if (s->con->state != CON_BUSY) {
		status_line(s, "nothing to take over: the console is %s",
			    console_state_name(s->con->state));
		return;
	}
	rc = console_steal(s->con);
	if (rc != 0)
		status_line(s, "cannot take the console over: %s", bmc_strerror(rc));
	else
		status_line(s, "taking the console over from the other client");
}

/* Hand the bytes escapes let through to the console.  0 or BMC_EAGAIN. */
static int flush_out(struct sol *s)
{
	int rc;

	if (s->out_len == 0 || s->quitting || s->con == NULL)
		return 0;
	rc = console_write(s->con, s->out, s->out_len);
	if (rc == BMC_EAGAIN)
		return rc;
	if (rc != 0)
		log_warn("%s: console write: %s; %zu bytes dropped", s->host->cfg->name,
			 bmc_strerror(rc), s->out_len);
	s->out_len = 0;
	return 0;
}

/*
 * Run held stdin bytes through the escape state machine into the console.
 * Returns BMC_EAGAIN when the console is full (the rest stays held), else 0.
 * An escape command first flushes what was typed before it, so a break
 * lands between the right keystrokes.
 */
static int feed_interactive(struct sol *s)
{
	while (s->in_off < s->in_len && !s->quitting) {
		uint8_t b = s->in[s->in_off];

		if (s->after_tilde) {
			if (b == '.' || b == 'B' || b == 'S' || b == '?') {
				if (flush_out(s) == BMC_EAGAIN)
					return BMC_EAGAIN;
				s->after_tilde = 0;
				s->in_off++;
				/* Another escape may follow at once, as after a newline. */
				s->at_line_start = 1;
				if (b == '.')
					sol_quit(s, EXIT_ALL_OK);
				else if (b == 'B')
					send_break(s);
				else if (b == 'S')
					steal(s);
				else
					print_help();
				continue;
			}
			s->after_tilde = 0;
			s->out[s->out_len++] = '~';
			if (b == '~') {
				s->in_off++;
				continue;
			}
			/* Not an escape: the ~ goes through and b is an ordinary key. */
		} else if (b == '~' && s->at_line_start) {
			s->after_tilde = 1;
			s->at_line_start = 0;
			s->in_off++;
			continue;
		}
		s->out[s->out_len++] = b;
		s->at_line_start = b == '\r' || b == '\n';
		s->in_off++;
	}
	return flush_out(s);
}

static int feed_pipe(struct sol *s)
{
	int rc;

	if (s->in_off == s->in_len || s->quitting || s->con == NULL)
		return 0;
	rc = console_write(s->con, s->in + s->in_off, s->in_len - s->in_off);
	if (rc == BMC_EAGAIN)
		return rc;
	if (rc != 0)
		log_warn("%s: console write: %s; %zu bytes dropped", s->host->cfg->name,
			 bmc_strerror(rc), s->in_len - s->in_off);
	s->in_off = s->in_len;
	return 0;
}

/* 0 when everything read from stdin has been handed on. */
static int feed(struct sol *s)
{
	int rc = s->interactive ? feed_interactive(s) : feed_pipe(s);

	if (rc == 0 && s->out_len == 0) {
		s->in_len = 0;
		s->in_off = 0;
	}
	return rc;
}

static void read_more(struct sol *s);

static void on_stdin_eof(struct sol *s, int err)
{
	if (err != 0)
		fprintf(stderr, "bmctop: reading stdin: %s\n", uv_strerror(err));
	s->eof = 1;
	stop_input(s);
	if (s->interactive)
		sol_quit(s, EXIT_SOME_FAILED); /* the terminal went away */
}

static void after_read(struct sol *s)
{
	if (s->quitting)
		return;
	if (feed(s) == BMC_EAGAIN) {
		/* Backpressure: the tick retries; stdin waits. */
		if (s->in_kind == IN_STREAM && s->reading) {
			uv_read_stop((uv_stream_t *)&s->in_handle);
			s->reading = 0;
		}
		if (!s->paused)
			s->pauses++;
		s->paused = 1;
		return;
	}
	s->paused = 0;
	read_more(s);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct sol *s = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)s->in, sizeof s->in);
}

static void on_stdin_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct sol *s = stream->data;

	(void)buf;
	if (nread == 0)
		return;
	if (nread < 0) {
		on_stdin_eof(s, nread == UV_EOF ? 0 : (int)nread);
		return;
	}
	s->in_len = (size_t)nread;
	s->in_off = 0;
	after_read(s);
}

static void on_file_read(uv_fs_t *req)
{
	struct sol *s = req->data;
	ssize_t n = req->result;

	uv_fs_req_cleanup(req);
	s->fs_pending = 0;
	if (s->quitting) {
		maybe_done(s);
		return;
	}
	if (n <= 0) {
		on_stdin_eof(s, n < 0 ? (int)n : 0);
		return;
	}
	s->in_len = (size_t)n;
	s->in_off = 0;
	after_read(s);
}

/* Ask stdin for more, unless something is still held or it has ended. */
static void read_more(struct sol *s)
{
	uv_buf_t buf;
	int rc;

	if (s->quitting || s->eof || s->in_len > 0 || s->out_len > 0)
		return;
	if (s->in_kind == IN_FILE) {
		if (s->fs_pending)
			return;
		buf = uv_buf_init((char *)s->in, sizeof s->in);
		s->fs_req.data = s;
		rc = uv_fs_read(s->loop, &s->fs_req, STDIN_FILENO, &buf, 1, -1, on_file_read);
		if (rc != 0)
			on_stdin_eof(s, rc);
		else
			s->fs_pending = 1;
		return;
	}
	if (!s->in_open || s->reading)
		return;
	rc = uv_read_start((uv_stream_t *)&s->in_handle, on_alloc, on_stdin_read);
	if (rc != 0)
		on_stdin_eof(s, rc);
	else
		s->reading = 1;
}

static int open_input(struct sol *s)
{
	uv_handle_type type = uv_guess_handle(STDIN_FILENO);
	int rc;

	if (type == UV_TTY) {
		rc = uv_tty_init(s->loop, &s->in_handle.tty, STDIN_FILENO, 1);
	} else if (type == UV_NAMED_PIPE || type == UV_TCP) {
		rc = uv_pipe_init(s->loop, &s->in_handle.pipe, 0);
		if (rc == 0) {
			rc = uv_pipe_open(&s->in_handle.pipe, STDIN_FILENO);
			if (rc != 0) {
				s->handles_open++;
				close_handle(s, (uv_handle_t *)&s->in_handle);
				return rc;
			}
		}
	} else {
		s->in_kind = IN_FILE; /* regular files and devices: the thread pool */
		return 0;
	}
	if (rc != 0)
		return rc;
	s->in_kind = IN_STREAM;
	s->in_handle.tty.data = s;
	s->in_open = 1;
	s->handles_open++;
	return 0;
}

static int all_handed_on(const struct sol *s)
{
	return s->in_off == s->in_len && s->out_len == 0 && console_queued(s->con) == 0;
}

static void on_tick(uv_timer_t *timer)
{
	struct sol *s = timer->data;
	uint64_t now = uv_now(s->loop);

	if (s->quitting || s->con == NULL)
		return;
	if (s->in_len > 0 || s->out_len > 0)
		after_read(s);
	if (s->interactive)
		return;
	if (s->con->state == CON_ACTIVE) {
		s->inactive_since_ms = 0;
	} else {
		if (s->inactive_since_ms == 0)
			s->inactive_since_ms = now;
		if (now - s->inactive_since_ms >= PIPE_GIVE_UP_MS) {
			size_t held = s->in_len - s->in_off + console_queued(s->con);

			fprintf(stderr, "bmctop: %s: no working console for %d s; giving up",
				s->host->cfg->name, PIPE_GIVE_UP_MS / 1000);
			if (held > 0)
				fprintf(stderr, " (%zu bytes of input not delivered)", held);
			fputc('\n', stderr);
			sol_quit(s, EXIT_SOME_FAILED);
			return;
		}
	}
	if (!s->eof || s->con->state != CON_ACTIVE || !all_handed_on(s)) {
		s->drained_ms = 0;
		return;
	}
	if (s->drained_ms == 0)
		s->drained_ms = now;
	if (now - s->drained_ms >= (uint64_t)s->idle_ms &&
	    now - s->last_rx_ms >= (uint64_t)s->idle_ms)
		sol_quit(s, EXIT_ALL_OK);
}

static void on_data(void *ctx, struct console *c, const uint8_t *buf, size_t len)
{
	struct sol *s = ctx;
	int rc;

	(void)c;
	s->last_rx_ms = uv_now(s->loop);
	rc = write_all(STDOUT_FILENO, buf, len);
	if (rc != 0 && !s->quitting) {
		restore_terminal();
		fprintf(stderr, "bmctop: writing the console to stdout: %s\n", strerror(-rc));
		sol_quit(s, EXIT_SOME_FAILED);
	}
}

static void on_state(void *ctx, struct console *c, enum console_state st, const char *msg)
{
	struct sol *s = ctx;
	const char *name = c->host->cfg->name;

	switch (st) {
	case CON_CONNECTING:
		if (s->interactive)
			status_line(s, "%s: %s", name, msg != NULL ? msg : "connecting");
		break;
	case CON_ACTIVE:
		status_line(s, s->ever_active ? "reconnected" : "connected");
		if (!s->ever_active && s->interactive)
			status_line(s, "~. ends the session, ~? lists the escapes");
		s->ever_active = 1;
		break;
	case CON_BUSY:
		if (s->cli->steal && !s->stealing) {
			int rc;

			s->stealing = 1;
			status_line(s, "already active elsewhere (%s): taking it over (--steal)",
				    msg != NULL ? msg : "another client");
			rc = console_steal(c);
			if (rc != 0) {
				status_line(s, "cannot take the console over: %s",
					    bmc_strerror(rc));
				sol_quit(s, EXIT_SOME_FAILED);
			}
		} else if (s->interactive) {
			status_line(
			    s,
			    "already active: %s; ~S takes it over, ~. quits (or run with --steal)",
			    msg != NULL ? msg : "another client holds the console");
		} else {
			status_line(s, "already active: %s; run with --steal to take it over",
				    msg != NULL ? msg : "another client holds the console");
			sol_quit(s, EXIT_SOME_FAILED);
		}
		break;
	case CON_TAKEN:
		/* As ipmitool and conman do: the session ends, and says why. */
		status_line(s, "%s", msg != NULL ? msg : "console taken over by another session");
		sol_quit(s, EXIT_SOME_FAILED);
		break;
	case CON_LOST:
		status_line(s, "lost: %s", msg != NULL ? msg : "connection lost");
		break;
	case CON_FAILED:
		status_line(s, "failed: %s", msg != NULL ? msg : "the console cannot be opened");
		sol_quit(s, EXIT_SOME_FAILED);
		break;
	case CON_CLOSED:
		break;
	}
}

static void on_signal(uv_signal_t *sig, int signum)
{
	struct sol *s = sig->data;

	restore_terminal();
	status_line(s, "%s: ending the session", strsignal(signum));
	sol_quit(s, 128 + signum);
}

/* What cli_start_engine does, minus its signal handlers: ours restore the
 * terminal first.  The scheduler is not started; a console needs no polls. */
static void start_engine(struct cli *c)
{
	char *logpath = paths_state_file("bmctop.log");

	if (log_open(logpath) != 0)
		log_open(NULL);
	free(logpath);
	uv_loop_init(&c->loop);
	engine_init(&c->engine, &c->loop, &c->fleet, backend_for_protocol);
	c->engine_started = 1;
}

static int sol_setup(struct sol *s)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct console_callbacks cb = {on_data, on_state, s};
	char *err = NULL;
	size_t i;
	int rc;

	/* Raw first, so that the first status lines already come out right. */
	if (s->interactive) {
		rc = enter_raw_mode();
		if (rc != 0) {
			restore_terminal();
			fprintf(stderr, "bmctop: cannot put the terminal in raw mode: %s\n",
				strerror(-rc));
			return EXIT_SOME_FAILED;
		}
	}
	rc = console_open(&s->con, s->host, &cb, &err);
	if (rc != 0) {
		restore_terminal();
		fprintf(stderr, "bmctop: %s\n", err != NULL ? err : bmc_strerror(rc));
		free(err);
		return rc == BMC_ECONFIG ? EXIT_USAGE : EXIT_SOME_FAILED;
	}
	s->con->user = s;
	if (s->cli->log_console) {
		rc = console_log_start(s->con, &err);
		if (rc != 0) {
			restore_terminal();
			fprintf(stderr, "bmctop: %s: %s\n", s->host->cfg->name, err);
			free(err);
			return EXIT_SOME_FAILED;
		}
	}
	rc = open_input(s);
	if (rc != 0) {
		restore_terminal();
		fprintf(stderr, "bmctop: cannot read stdin: %s\n", uv_strerror(rc));
		return EXIT_SOME_FAILED;
	}
	uv_timer_init(s->loop, &s->tick);
	s->tick.data = s;
	s->tick_open = 1;
	s->handles_open++;
	uv_timer_start(&s->tick, on_tick, TICK_MS, TICK_MS);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		uv_signal_init(s->loop, &s->sigs[i]);
		s->sigs[i].data = s;
		s->nsigs++;
		s->handles_open++;
		uv_signal_start(&s->sigs[i], on_signal, sigs[i]);
	}
	read_more(s);
	return 0;
}

int cmd_sol(struct cli *c, int argc, char **argv)
{
	struct sol *s;
	int rc;

	rc = cli_command_options(c, &argc, argv);
	if (rc != 0)
		return rc;
	if (argc != 1)
		return cli_usage_error(
		    "usage: bmctop [-c FLEET] sol HOST [--steal] [--log] [--idle MS]");
	rc = cli_load_fleet(c);
	if (rc != 0)
		return rc;
	start_engine(c);
	s = xcalloc(1, sizeof *s);
	s->cli = c;
	s->loop = &c->loop;
	s->host = engine_find_host(&c->engine, argv[0]);
	if (s->host == NULL) {
		fprintf(stderr, "bmctop: no host named %s in %s\n", argv[0], c->fleet_path);
		free(s);
		return EXIT_USAGE;
	}
	s->interactive = isatty(STDIN_FILENO);
	s->idle_ms = c->idle_ms > 0 ? c->idle_ms : DEFAULT_IDLE_MS;
	s->at_line_start = 1;
	rc = sol_setup(s);
	if (rc != 0)
		sol_quit(s, rc);
	uv_run(s->loop, UV_RUN_DEFAULT);
	restore_terminal();
	rc = s->status;
	free(s);
	return rc;
}
