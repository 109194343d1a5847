/*
 * core/http-request.h - the head of an HTTP/1.1 request, parsed from
 * bytes: what `bmctop serve` answers.
 *
 * A pure codec: no sockets, no allocation.  It keeps only what a
 * read-only server needs (method, target, the headers it acts on) and
 * refuses the rest with the status a client should see, so the server
 * never reads a body or guesses at a malformed head.
 */
#ifndef BMCTOP_HTTP_REQUEST_H
#define BMCTOP_HTTP_REQUEST_H

#include <stddef.h>

#define HTTP_REQUEST_HEAD_MAX 8192 /* request line and headers, with the blank line */
#define HTTP_REQUEST_TARGET_MAX 1024

struct http_request {
	char method[8];
	char target[HTTP_REQUEST_TARGET_MAX]; /* as sent: path and query */
	int http_minor;			      /* HTTP/1.<minor> */
	int keep_alive;			      /* the connection stays open after the answer */
	int has_host;
	int accepts_gzip;	  /* Accept-Encoding names gzip (not with q=0) */
	char host[256];		  /* the Host header; empty when absent or too long */
	char accept[256];	  /* truncated when longer: only searched */
	char authorization[512];  /* empty when absent; too long is refused */
	char last_event_id[128];  /* for a text/event-stream endpoint */
};

/*
 * Parse the head at buf[0..len).  Returns the bytes it took (> 0) when the
 * whole head is there, 0 when more bytes are needed (and fit under
 * HTTP_REQUEST_HEAD_MAX), or a negative HTTP status: -400 malformed, -431
 * head too large, -501 a body or transfer coding we do not take, -505 not
 * HTTP/1.x.  Nothing after the head is read.
 */
int http_request_parse(struct http_request *r, const char *buf, size_t len);

/* The path of a target, without its query, into out: 0, or -1 when too long. */
int http_request_path(const char *target, char *out, size_t outlen);
/*
 * The value of key in a target's query, percent-decoded, into out: 1
 * found, 0 absent, -1 malformed (bad escape, NUL, too long).
 */
int http_request_query(const char *target, const char *key, char *out, size_t outlen);
/* The Accept header asks for this media type (case-insensitive, any parameters). */
int http_request_accepts(const struct http_request *r, const char *type);

/* The reason phrase of a status we send. */
const char *http_status_text(int status);

#endif
