/*
 * console/console.h - a host's serial console, whatever carries it.
 *
 * One API for IPMI Serial-over-LAN (console/sol.c) and serial over TCP, raw
 * or telnet (console/tcp.c), so the TUI pane and "bmctop sol" do not care
 * which one a host has.  Everything runs on the engine's loop; nothing
 * blocks.  A console never drops a byte it was given: console_write() queues
 * up to CONSOLE_MAX_QUEUED bytes and refuses (BMC_EAGAIN) past
 * that, so the caller can stop reading its own input.
 *
 * Lifecycle: console_open() -> CON_CONNECTING -> CON_ACTIVE.  When the link
 * is lost the console says so (CON_LOST, with the reason), retries on its
 * own with backoff and goes back to CON_ACTIVE.  CON_BUSY means another
 * client holds the BMC's SOL payload; console_steal() takes it over.
 * CON_TAKEN means another client took it from us while we had it: the
 * console says so at once and does not retry; console_steal() takes it
 * back.
 * console_close() ends it politely (SOL: Deactivate Payload) and frees it.
 */
#ifndef BMCTOP_CONSOLE_H
#define BMCTOP_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/engine.h"

enum console_state {
	CON_CONNECTING, /* opening (session, Activate Payload, TCP connect) */
	CON_ACTIVE,	/* bytes flow */
	CON_BUSY,	/* SOL payload already active elsewhere: console_steal() */
	CON_TAKEN,	/* another client took the SOL payload from us: console_steal() */
	CON_LOST,	/* link lost; reconnecting on its own */
	CON_FAILED,	/* gave up (bad credentials, no console configured) */
	CON_CLOSED	/* closed by console_close(); done callback pending/ran */
};

enum console_kind { CONSOLE_NONE, CONSOLE_SOL, CONSOLE_TCP, CONSOLE_TELNET };

/* Most bytes console_write() holds before refusing more. */
#define CONSOLE_MAX_QUEUED (256 * 1024)

struct console;

struct console_callbacks {
	/* Bytes from the host's serial port, in order, each exactly once. */
	void (*data)(void *ctx, struct console *c, const uint8_t *buf, size_t len);
	/* State changed; msg is for a person ("SOL payload already active on
	 * this BMC", "connection lost: no acknowledgement after 7 tries",
	 * "console taken over by another session (...)"). */
	void (*state)(void *ctx, struct console *c, enum console_state st, const char *msg);
	void *ctx;
};

/* What a transport implements (console/sol.c, console/tcp.c). */
struct console_ops {
	const char *name;
	/* Start connecting; report progress through console_set_state(). */
	int (*open)(struct console *c, char **err);
	/* Queue bytes toward the host.  0, or BMC_EAGAIN when full. */
	int (*write)(struct console *c, const uint8_t *buf, size_t len);
	int (*send_break)(struct console *c); /* NULL: not offered */
	int (*steal)(struct console *c);      /* NULL: not offered */
	/* Bytes accepted by write() but not yet delivered to the host. */
	size_t (*queued)(const struct console *c);
	/* Close politely (bounded in time); call console_closed(c) when done. */
	void (*close)(struct console *c);
};

struct console {
	struct bmc_host *host;
	uv_loop_t *loop;
	enum console_kind kind;
	char *target_host; /* tcp/telnet: where to connect */
	int target_port;
	const struct console_ops *ops;
	void *impl; /* the transport's state */
	enum console_state state;
	char *state_msg;
	struct console_callbacks cb;

	/* Console log ($XDG_STATE_HOME/bmctop/consoles/HOST.log, 0600). */
	int log_fd; /* -1: not logging */
	int log_at_line_start;

	uint64_t bytes_in, bytes_out;
	void (*done)(struct console *c);
	void *user; /* for the front end */
};

/* Parse a fleet "console =" value: sol, none, tcp:HOST:PORT, telnet:HOST:PORT. */
int console_parse_target(const char *spec, enum console_kind *kind, char **host, int *port,
			 char **err);

/*
 * Open h's console as its fleet entry says (console = ...).  On success
 * *out is the console; callbacks start arriving from the loop.  0, or a
 * negative BMC_E* with *err for a person (no console configured, ...).
 */
int console_open(struct console **out, struct bmc_host *h, const struct console_callbacks *cb,
		 char **err);
int console_write(struct console *c, const uint8_t *buf, size_t len);
int console_send_break(struct console *c);
int console_steal(struct console *c);
size_t console_queued(const struct console *c);
/* Start or stop logging to the per-host console log.  0 or BMC_E* / *err. */
int console_log_start(struct console *c, char **err);
void console_log_stop(struct console *c);
/* Close; done runs once when the transport has finished (it may run before
 * console_close returns), and c is freed right after it. */
void console_close(struct console *c, void (*done)(struct console *c));
const char *console_state_name(enum console_state st);

/* For transports. */
void console_set_state(struct console *c, enum console_state st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void console_deliver(struct console *c, const uint8_t *buf, size_t len);
void console_closed(struct console *c);

extern const struct console_ops console_sol_ops;
extern const struct console_ops console_tcp_ops; /* raw and telnet */

#endif
