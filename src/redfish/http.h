/*
 * redfish/http.h - HTTPS requests on the engine's loop: libcurl's multi
 * socket interface driven by libuv (one timer, one poll handle per socket),
 * with the TLS trust rules of the fleet file.
 *
 * Nothing here blocks: a request returns at once and its callback runs
 * from the loop.  Connections are reused, at most two per BMC.
 */
#ifndef BMCTOP_REDFISH_HTTP_H
#define BMCTOP_REDFISH_HTTP_H

#include <stddef.h>
#include <uv.h>

#include "core/fleet.h"

struct rf_http;

struct rf_response {
	long status;	   /* HTTP status, or 0 when the transfer failed */
	int error;	   /* 0, or BMC_ETIMEDOUT / BMC_ETLS / BMC_EIO / BMC_EPROTO */
	char message[256]; /* what failed, for a person, when error != 0 */
	char *body;
	size_t len;
	char location[512];
	char token[256];   /* X-Auth-Token response header */
	char etag[128];	   /* ETag response header, "" if none (or too long) */
	char pin[72];	   /* sha256//BASE64 of the server's key, when asked */
	long retry_after;  /* Retry-After in seconds from now (0 if past), -1 if none */
	int too_big;	   /* error is the body going over max_body */
};

typedef void (*rf_http_cb)(struct rf_response *rsp, void *arg);

struct rf_request_opts {
	const char *method; /* GET, POST, PATCH, DELETE */
	const char *url;
	const char *body;   /* JSON, or NULL (libcurl copies it) */
	/*
	 * Or a body holding a secret (a login): rf_http_request takes it,
	 * whatever it returns, sends it from this buffer without a copy, and
	 * wipes and frees it once the transfer ends.  From rf_login_body().
	 */
	char *secret_body;
	size_t secret_len;
	const char *token;  /* X-Auth-Token to send, or NULL */
	const char *basic_user, *basic_password; /* Basic auth, only when no sessions */
	const char *if_match; /* If-Match: an entity tag the caller checked (rf_etag_valid), or NULL */
	long timeout_ms;    /* connect and low-speed limit; total is 4 x */
	int verify;	    /* check the chain against CAs (tls = verify) */
	const char *ca_file;
	const char *pin;    /* sha256//... the key must match (tls = pin, tofu) */
	int want_pin;	    /* report the server key's pin in rsp->pin */
	size_t max_body;    /* larger bodies fail the request */
	/*
	 * A stream (text/event-stream, redfish/push.c): once the answer is a
	 * 200, its body goes to on_data as it comes, not into rsp->body, and
	 * the request has no total time limit (the caller watches for
	 * silence).  on_data returning nonzero ends the transfer.  Another
	 * status keeps its body (capped by max_body) for the callback.
	 */
	int (*on_data)(void *arg, const char *buf, size_t n);
	const char *accept;	   /* the Accept header's value; application/json when NULL */
	const char *last_event_id; /* Last-Event-ID to send, or NULL */
};

/*
 * The one rule on where a Redfish password may go: an https:// URL, or an
 * http:// one only with tls = insecure.  0, or -1 with *why (malloc'd, for
 * a person; why may be NULL).
 */
int rf_url_check(const char *url, enum fleet_tls tls, char **why);

/*
 * A session login body, {"UserName":...,"Password":...}, built in one
 * buffer of its own (a JSON library would leave copies behind in freed
 * memory); password_len bytes of password are read.  Give it to
 * rf_request_opts.secret_body, or free it with rf_secret_free().
 */
char *rf_login_body(const char *user, const char *password, size_t password_len, size_t *len);
/* Wipe len bytes of a secret, then free it. */
void rf_secret_free(char *secret, size_t len);

struct rf_http *rf_http_get(uv_loop_t *loop);
/* A client of its own, not shared (event streams: one long connection per BMC,
 * apart from the polls' two); let go of it with rf_http_release. */
struct rf_http *rf_http_new(uv_loop_t *loop);
/* End the requests made with this arg: their callbacks run with BMC_ECANCELED. */
void rf_http_cancel(struct rf_http *h, void *arg);
/* Start a request; 0 (cb will run once) or a negative code. */
int rf_http_request(struct rf_http *h, const struct rf_request_opts *o, rf_http_cb cb, void *arg);
/* Cancel every request (callbacks run with BMC_ECANCELED) when the last
 * user lets go; then close handles and call cb. */
void rf_http_release(struct rf_http *h, void (*cb)(void *arg), void *arg);

#endif
