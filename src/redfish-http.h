/*
 * redfish-http.h - HTTPS requests on the engine's loop: libcurl's multi
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

struct rf_http;

struct rf_response {
	long status;	   /* HTTP status, or 0 when the transfer failed */
	int error;	   /* 0, or BMC_ETIMEDOUT / BMC_ETLS / BMC_EIO / BMC_EPROTO */
	char message[256]; /* what failed, for a person, when error != 0 */
	char *body;
	size_t len;
	char location[512];
	char token[256];   /* X-Auth-Token response header */
	char pin[72];	   /* sha256//BASE64 of the server's key, when asked */
};

typedef void (*rf_http_cb)(struct rf_response *rsp, void *arg);

struct rf_request_opts {
	const char *method; /* GET, POST, PATCH, DELETE */
	const char *url;
	const char *body;   /* JSON, or NULL */
	const char *token;  /* X-Auth-Token to send, or NULL */
	const char *basic_user, *basic_password; /* Basic auth, only when no sessions */
	long timeout_ms;    /* connect and low-speed limit; total is 4 x */
	int verify;	    /* check the chain against CAs (tls = verify) */
	const char *ca_file;
	const char *pin;    /* sha256//... the key must match (tls = pin, tofu) */
	int want_pin;	    /* report the server key's pin in rsp->pin */
	size_t max_body;    /* larger bodies fail the request */
};

struct rf_http *rf_http_get(uv_loop_t *loop);
/* Start a request; 0 (cb will run once) or a negative code. */
int rf_http_request(struct rf_http *h, const struct rf_request_opts *o, rf_http_cb cb, void *arg);
/* Cancel every request (callbacks run with BMC_ECANCELED) when the last
 * user lets go; then close handles and call cb. */
void rf_http_release(struct rf_http *h, void (*cb)(void *arg), void *arg);

#endif
