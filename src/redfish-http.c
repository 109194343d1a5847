/*
 * redfish-http.c - libcurl's multi-socket interface on libuv.
 *
 * curl tells us which sockets to watch (socket callback) and when to call it
 * back (timer callback); libuv watches them and calls
 * curl_multi_socket_action(), after which finished transfers are collected.
 * This is the pattern of curl's docs/examples/multi-uv.c, written for our
 * loop.  Redirects are never followed (a BMC must not send us elsewhere),
 * bodies are capped, and a server's key can be pinned or reported.
 */
#include "config.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errors.h"
#include "redfish-http.h"
#include "xalloc.h"

struct rf_http {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;
	unsigned refs;
	unsigned open_handles;
	void (*closed_cb)(void *arg);
	void *closed_arg;
	struct rf_xfer *xfers;	   /* in flight, for cancelation */
	struct rf_socket *sockets; /* watched, closed on release */
	struct rf_http *next;
};

struct rf_socket {
	uv_poll_t poll;
	curl_socket_t fd;
	struct rf_http *http;
	struct rf_socket *prev, *next;
};

struct rf_xfer {
	CURL *easy;
	struct curl_slist *headers;
	rf_http_cb cb;
	void *arg;
	struct rf_response rsp;
	size_t cap;
	size_t max_body;
	int too_big;
	int want_pin;
	char errbuf[CURL_ERROR_SIZE];
	char *userpwd;
	struct rf_xfer *prev, *next;
};

#define RF_MAX_IDLE_CONNECTIONS 256

static struct rf_http *https;
static int curl_ready;

static void check_done(struct rf_http *h);

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct rf_xfer *x = arg;
	size_t len = size * n;

	if (x->rsp.len + len > x->max_body) {
		x->too_big = 1;
		return 0;
	}
	if (x->rsp.len + len + 1 > x->cap) {
		x->cap = (x->rsp.len + len + 1) * 2;
		x->rsp.body = xrealloc(x->rsp.body, x->cap);
	}
	memcpy(x->rsp.body + x->rsp.len, data, len);
	x->rsp.len += len;
	x->rsp.body[x->rsp.len] = '\0';
	return len;
}

static void header_value(const char *line, size_t len, const char *name, char *out,
			 size_t outlen)
{
	size_t nl = strlen(name), v;

	if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	for (v = nl + 1; v < len && (line[v] == ' ' || line[v] == '\t'); v++)
		;
	while (len > v && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	if (len - v >= outlen)
		return; /* too long to be honest: ignore rather than truncate */
	memcpy(out, line + v, len - v);
	out[len - v] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct rf_xfer *x = arg;
	size_t len = size * n;

	header_value(data, len, "X-Auth-Token", x->rsp.token, sizeof x->rsp.token);
	header_value(data, len, "Location", x->rsp.location, sizeof x->rsp.location);
	return len;
}

/* sha256//BASE64 of the public key in a PEM certificate. */
static int pin_of_pem(const char *pem, char *out, size_t outlen)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	unsigned char *der = NULL, digest[32], b64[48];
	int len, rc = -1;

	if (cert != NULL) {
		len = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
		if (len > 0 && EVP_Digest(der, (size_t)len, digest, NULL, EVP_sha256(), NULL) == 1) {
			EVP_EncodeBlock(b64, digest, 32);
			snprintf(out, outlen, "sha256//%s", b64);
			rc = 0;
		}
		OPENSSL_free(der);
		X509_free(cert);
	}
	BIO_free(bio);
	return rc;
}

static void read_pin(struct rf_xfer *x)
{
	struct curl_certinfo *ci = NULL;
	struct curl_slist *s;

	if (curl_easy_getinfo(x->easy, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL ||
	    ci->num_of_certs < 1)
		return;
	for (s = ci->certinfo[0]; s != NULL; s = s->next)
		if (strncmp(s->data, "Cert:", 5) == 0)
			pin_of_pem(s->data + 5, x->rsp.pin, sizeof x->rsp.pin);
}

static void finish(struct rf_http *h, struct rf_xfer *x, CURLcode code)
{
	if (code == CURLE_OK) {
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->rsp.status);
	} else if (x->too_big) {
		x->rsp.error = BMC_EPROTO;
		snprintf(x->rsp.message, sizeof x->rsp.message,
			 "response body larger than %zu bytes: refused", x->max_body);
	} else {
		switch (code) {
		case CURLE_OPERATION_TIMEDOUT:
		case CURLE_COULDNT_CONNECT:
		case CURLE_COULDNT_RESOLVE_HOST:
			x->rsp.error = BMC_ETIMEDOUT;
			break;
		case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_CONNECT_ERROR:
			x->rsp.error = BMC_ETLS;
			break;
		default:
			x->rsp.error = BMC_EIO;
			break;
		}
		snprintf(x->rsp.message, sizeof x->rsp.message, "%s",
			 x->errbuf[0] ? x->errbuf : curl_easy_strerror(code));
	}
	if (x->want_pin)
		read_pin(x);
	if (x->prev != NULL)
		x->prev->next = x->next;
	else
		h->xfers = x->next;
	if (x->next != NULL)
		x->next->prev = x->prev;
	curl_multi_remove_handle(h->multi, x->easy);
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	if (x->userpwd != NULL) {
		secure_zero(x->userpwd, strlen(x->userpwd));
		free(x->userpwd);
	}
	x->cb(&x->rsp, x->arg);
	free(x->rsp.body);
	free(x);
}

static void check_done(struct rf_http *h)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct rf_xfer *x;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		finish(h, x, msg->data.result);
	}
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	struct rf_socket *s = p->data;
	int flags = 0, running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(s->http->multi, s->fd, flags, &running);
	check_done(s->http);
}

static void on_timeout(uv_timer_t *t)
{
	struct rf_http *h = t->data;
	int running;

	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(h);
}

static int on_curl_timer(CURLM *multi, long ms, void *arg)
{
	struct rf_http *h = arg;

	if (ms < 0)
		uv_timer_stop(&h->timer);
	else
		uv_timer_start(&h->timer, on_timeout, (uint64_t)ms, 0);
	return 0;
}

static void release_handle(struct rf_http *h)
{
	if (--h->open_handles == 0 && h->closed_cb != NULL) {
		void (*cb)(void *) = h->closed_cb;
		void *arg = h->closed_arg;

		free(h);
		cb(arg);
	}
}

static void on_socket_closed(uv_handle_t *handle)
{
	struct rf_socket *s = handle->data;
	struct rf_http *h = s->http;

	free(s);
	release_handle(h);
}

static void socket_close(struct rf_http *h, struct rf_socket *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		h->sockets = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	uv_poll_stop(&s->poll);
	uv_close((uv_handle_t *)&s->poll, on_socket_closed);
}

static int on_curl_socket(CURL *easy, curl_socket_t fd, int action, void *arg, void *sockp)
{
	struct rf_http *h = arg;
	struct rf_socket *s = sockp;
	int events = 0;

	if (action == CURL_POLL_REMOVE) {
		if (s != NULL) {
			curl_multi_assign(h->multi, fd, NULL);
			socket_close(h, s);
		}
		return 0;
	}
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->fd = fd;
		s->http = h;
		uv_poll_init_socket(h->loop, &s->poll, fd);
		s->poll.data = s;
		h->open_handles++;
		curl_multi_assign(h->multi, fd, s);
		s->next = h->sockets;
		if (h->sockets != NULL)
			h->sockets->prev = s;
		h->sockets = s;
	}
	if (action == CURL_POLL_IN || action == CURL_POLL_INOUT)
		events |= UV_READABLE;
	if (action == CURL_POLL_OUT || action == CURL_POLL_INOUT)
		events |= UV_WRITABLE;
	uv_poll_start(&s->poll, events, on_poll);
	return 0;
}

struct rf_http *rf_http_get(uv_loop_t *loop)
{
	struct rf_http *h;

	for (h = https; h != NULL; h = h->next)
		if (h->loop == loop && h->closed_cb == NULL)
			break;
	if (h == NULL) {
		if (!curl_ready) {
			curl_global_init(CURL_GLOBAL_DEFAULT);
			curl_ready = 1;
		}
		h = xcalloc(1, sizeof *h);
		h->loop = loop;
		h->multi = curl_multi_init();
		curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
		curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
		curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
		curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
		/* Small BMCs fall over under many connections. */
		curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 2L);
		uv_timer_init(loop, &h->timer);
		h->timer.data = h;
		h->open_handles = 1;
		h->next = https;
		https = h;
	}
	h->refs++;
	/* Keep both connections of every BMC for the next poll, up to a bound
	 * that leaves file descriptors for everything else. */
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS,
			  (long)(h->refs * 2 < RF_MAX_IDLE_CONNECTIONS ? h->refs * 2
								 : RF_MAX_IDLE_CONNECTIONS));
	return h;
}

int rf_http_request(struct rf_http *h, const struct rf_request_opts *o, rf_http_cb cb, void *arg)
{
	struct rf_xfer *x = xcalloc(1, sizeof *x);
	CURL *e = curl_easy_init();
	long total;

	if (e == NULL) {
		free(x);
		return BMC_EIO;
	}
	x->easy = e;
	x->cb = cb;
	x->arg = arg;
	x->max_body = o->max_body ? o->max_body : 8 * 1024 * 1024;
	x->want_pin = o->want_pin;
	x->headers = curl_slist_append(NULL, "Accept: application/json");
	x->headers = curl_slist_append(x->headers, "OData-Version: 4.0");
	if (o->body != NULL)
		x->headers = curl_slist_append(x->headers, "Content-Type: application/json");
	if (o->token != NULL) {
		char *hdr = xasprintf("X-Auth-Token: %s", o->token);

		x->headers = curl_slist_append(x->headers, hdr);
		secure_zero(hdr, strlen(hdr));
		free(hdr);
	}
	curl_easy_setopt(e, CURLOPT_URL, o->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, o->method);
	if (strcmp(o->method, "GET") == 0)
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	if (o->body != NULL)
		curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, o->body);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms);
	total = o->timeout_ms * 10 > 30000 ? o->timeout_ms * 10 : 30000;
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, total);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->timeout_ms / 1000 > 1 ? o->timeout_ms / 1000 : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o->verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o->verify ? 2L : 0L);
	if (o->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
	if (o->pin != NULL)
		curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, o->pin);
	if (o->want_pin)
		curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
	if (o->basic_user != NULL) {
		x->userpwd = xasprintf("%s:%s", o->basic_user, o->basic_password ? o->basic_password : "");
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERPWD, x->userpwd);
	}
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		curl_slist_free_all(x->headers);
		curl_easy_cleanup(e);
		free(x->userpwd);
		free(x);
		return BMC_EIO;
	}
	x->next = h->xfers;
	if (h->xfers != NULL)
		h->xfers->prev = x;
	h->xfers = x;
	return 0;
}

static void on_timer_closed(uv_handle_t *handle)
{
	release_handle(handle->data);
}

void rf_http_release(struct rf_http *h, void (*cb)(void *arg), void *arg)
{
	struct rf_http **pp;
	if (--h->refs > 0) {
		cb(arg);
		return;
	}
	for (pp = &https; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	}
	h->closed_cb = cb;
	h->closed_arg = arg;
	/* Cancel what is left: their callbacks see BMC_ECANCELED. */
	while (h->xfers != NULL) {
		struct rf_xfer *x = h->xfers;

		h->xfers = x->next;
		x->rsp.error = BMC_ECANCELED;
		snprintf(x->rsp.message, sizeof x->rsp.message, "canceled");
		curl_multi_remove_handle(h->multi, x->easy);
		curl_easy_cleanup(x->easy);
		curl_slist_free_all(x->headers);
		free(x->userpwd);
		x->cb(&x->rsp, x->arg);
		free(x->rsp.body);
		free(x);
	}
	curl_multi_cleanup(h->multi);
	while (h->sockets != NULL)
		socket_close(h, h->sockets);
	uv_timer_stop(&h->timer);
	uv_close((uv_handle_t *)&h->timer, on_timer_closed);
}
