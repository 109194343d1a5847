/*
 * http.h - bmcsim's HTTP/1.1 server (http.c over libuv, TLS from
 * http-tls.c, requests parsed by http-parse.c), which knows nothing of
 * Redfish but its error body: it hands each complete request of a BMC to
 * the handler it was started with, and sends the reply the handler fills.
 */
#ifndef BMCSIM_HTTP_H
#define BMCSIM_HTTP_H

#include <jansson.h>
#include <openssl/ssl.h>
#include <stddef.h>

#include "sim.h"

#define HTTP_HEAD_MAX 8192  /* request line and headers */
#define HTTP_BODY_MAX 65536 /* request body */
#define HTTP_PATH_MAX 256

struct http_req {
	char method[8];
	char path[HTTP_PATH_MAX];
	int expand;
	int http10;
	int keep_alive;
	int close;
	long clen;
	int chunked;
	char token[130];
	int token_too_long;
	char auth[400];
	const char *body;
	size_t body_len;
	char query[HTTP_PATH_MAX];    /* after '?', percent-decoded; "" when none */
	char last_event_id[32];	      /* Last-Event-ID, "" when none (or too long) */
};

struct http_reply {
	int status;
	json_t *body;
	char headers[512];
	size_t hlen;
	int close;
	/* An event stream (text/event-stream) held open instead of a JSON
	 * answer: stream_first (malloc'd, taken) is sent after the head. */
	int stream;
	char *stream_first;
	size_t stream_first_len;
};

/* Answers one request of BMC b: r comes zeroed and is sent as filled. */
typedef void sim_http_handler(struct sim_bmc *b, const struct http_req *q, struct http_reply *r);

/* http-parse.c: the request head, pure. */
/* Parse the head (request line and headers, NUL-terminated, without the
 * blank line).  0, or an HTTP status for a request we refuse. */
int sim_http_parse_head(char *head, struct http_req *q);
int sim_http_parse_method_is(const struct http_req *q, const char *m);

/* http-tls.c: one key and self-signed certificate, made in memory. */
SSL_CTX *sim_http_tls_ctx(char **err);

/* http.c: replies and the server. */
void sim_http_reply_header(struct http_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sim_http_reply_json(struct http_reply *r, int status, json_t *body);
/* A Redfish error body (DSP0266 "error" object with one message): every
 * refusal of this server, its own included, is one. */
void sim_http_reply_error(struct http_reply *r, int status, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* 404 for path, in the words of the Base registry. */
void sim_http_reply_missing(struct http_reply *r, const char *path);

/* 405, naming the methods the resource allows. */
void sim_http_reply_not_allowed(struct http_reply *r, const char *allow);

/* Send text to every event stream open on b; a stream whose client reads
 * too slowly (HTTP_OUT_HIGH waiting) is closed instead. */
void sim_http_stream_send(struct sim_bmc *b, const char *text, size_t len);
/* Close b's event streams (as a network fault would). */
void sim_http_stream_drop(struct sim_bmc *b);

/* Listen on every BMC whose redfish_port is set (-1: a port the kernel
 * picks, written back). */
int sim_http_start(struct sim *s, sim_http_handler *handle, char **err);
/* Close listeners and connections; run the loop once more to free them. */
void sim_http_stop(struct sim *s);

#ifdef BMCSIM_FUZZ
/* Fuzz targets only: connections without sockets or TLS; see http.c. */
struct http_conn;
void sim_http_fuzz_start(struct sim *s, sim_http_handler *handle,
			 void (*sent)(const char *buf, size_t len));
struct http_conn *sim_http_fuzz_open(struct sim_bmc *b);
int sim_http_fuzz_feed(struct http_conn *c, const char *buf, size_t len);
void sim_http_fuzz_close(struct http_conn *c);
#endif

#endif
