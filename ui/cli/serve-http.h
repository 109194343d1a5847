/*
 * cli/serve-http.h - the small HTTP/1.1 server of `bmctop serve`: GET and
 * HEAD only, keep-alive, optional TLS and basic auth from a web
 * configuration (core/webconfig.h), on the engine's loop.
 *
 * Every resource is bounded: connections (SERVE_HTTP_MAX_CONNS: when all
 * are taken, the oldest that has not sent a request yet is closed for the
 * new one, and if every one has, the new one is closed), the request head
 * (HTTP_REQUEST_HEAD_MAX), the time to send the first head (or finish one
 * that has started) and the time a connection may sit idle, and the bytes
 * queued toward each client (over high water its requests are not read
 * until it catches up).
 */
#ifndef BMCTOP_CLI_SERVE_HTTP_H
#define BMCTOP_CLI_SERVE_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/http-request.h"
#include "core/webconfig.h"

#define SERVE_HTTP_MAX_CONNS 64
#define SERVE_HTTP_HEAD_TIMEOUT_MS 10000 /* for the first request, or one that has started */
#define SERVE_HTTP_IDLE_TIMEOUT_MS 60000 /* between requests of a kept-alive connection */

#define SERVE_STREAM_QUEUE_MAX (256 * 1024) /* bytes a stream's client may fall behind */

#define SERVE_AUTH_JOBS_MAX 2 /* new credentials checked (bcrypt) at once, off the loop */

struct serve_stream;

/* What a handler answers; body must stay valid until the handler returns
 * to the server (it is sent or copied then). */
struct serve_reply {
	int status;
	const char *content_type;
	const char *content_encoding; /* "gzip", or NULL */
	const char *body;
	size_t body_len;
	/*
	 * A stream (text/event-stream): when set (and the request is a GET),
	 * the head goes out without a length, the connection stays open, and
	 * opened is called at once with the stream to write on; body is not
	 * sent.  The client's further requests are not read.
	 */
	void (*opened)(void *arg, struct serve_stream *st);
	void *opened_arg;
};

/* Answer one request whose path (no query) is path. */
typedef void (*serve_handler)(void *ctx, const struct http_request *req, const char *path,
			      struct serve_reply *reply);

struct serve_http_stats {
	size_t conns;	     /* open now */
	uint64_t requests;   /* answered, errors included */
	uint64_t refused;    /* connections closed for want of a slot */
	uint64_t evicted;    /* silent connections closed to make room */
	uint64_t timeouts;   /* connections closed by a timer */
	uint64_t auth_busy;  /* requests answered 503: too many passwords being checked */
};

struct serve_http;

/*
 * Listen on addr:port (a numeric address; port 0 picks one) and answer
 * with handler.  web may be NULL (plain HTTP, no auth); with a
 * certificate it speaks only TLS, with users it asks for basic auth.
 * NULL with *err (malloc'd) when it cannot listen or load the TLS files.
 */
struct serve_http *serve_http_start(uv_loop_t *loop, const char *addr, int port,
				    struct webconfig *web, serve_handler handler, void *ctx,
				    char **err);
/* The port it listens on. */
int serve_http_port(const struct serve_http *s);
void serve_http_get_stats(const struct serve_http *s, struct serve_http_stats *st);
/* Close the listener and every connection; the server frees itself once
 * its handles are closed, then calls done (may be NULL). */
void serve_http_stop(struct serve_http *s, void (*done)(void *arg), void *arg);

/*
 * Write on a stream: 0, or -1 when the stream is ending (the client went,
 * or fell more than SERVE_STREAM_QUEUE_MAX bytes behind: it is then sent
 * last, when not NULL, and closed, never buffered without bound).
 */
int serve_stream_write(struct serve_stream *st, const char *p, size_t n, const char *last);
/* Be told (once) when the stream's connection is closed, by either side or
 * by serve_http_stop(); st is gone after gone returns. */
void serve_stream_on_gone(struct serve_stream *st, void (*gone)(void *arg), void *arg);

/* Is addr (numeric) a loopback address: 127.0.0.0/8 or ::1. */
int serve_http_is_loopback(const char *addr);

#endif
