/*
 * redfish/http.c - libcurl's multi-socket interface on libuv.
 *
 * curl tells us which sockets to watch (socket callback) and when to call it
 * back (timer callback); libuv watches them and calls
 * curl_multi_socket_action(), after which finished transfers are collected.
 * This is the pattern of curl's docs/examples/multi-uv.c, written for our
 * loop.  Redirects are never followed (a BMC must not send us elsewhere),
 * bodies are capped, and a server's key can be pinned or reported.
 *
 * Secrets (a login body, Basic credentials, a session token) live only in
 * buffers this file owns, sent without a copy where libcurl allows it, and
 * are wiped before they are freed.  libcurl still copies what it sends (a
 * small body goes out with the headers, through its upload buffer for TLS)
 * and what it receives: its memory comes from allocators here that wipe
 * every block they free, and OpenSSL cleans its plaintext buffers too.
 */
#include "config.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/capture.h"
#include "core/errors.h"
#include "core/xalloc.h"
#include "redfish/http.h"
#include "tls/pin.h"

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
	int get; /* a GET, which bmctop capture records */
	int (*on_data)(void *arg, const char *buf, size_t n); /* a stream: the body's reader */
	int streaming; /* ... and the answer is a 200: bytes go to on_data */
	int stopped;   /* ... which said to stop */
	char errbuf[CURL_ERROR_SIZE];
	char *secret; /* the body, when it holds a secret */
	size_t secret_len;
	struct rf_xfer *prev, *next;
};

#define RF_MAX_IDLE_CONNECTIONS 256

static struct rf_http *https;
static int curl_ready;

static void check_done(struct rf_http *h);

/* libcurl's allocators: each block remembers its size, and is wiped when freed. */

#define WIPE_HEADER sizeof(max_align_t) /* keeps the alignment malloc gives */

static void *wipe_malloc(size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - WIPE_HEADER)
		return NULL;
	p = malloc(n + WIPE_HEADER);
	if (p == NULL)
		return NULL;
	memcpy(p, &n, sizeof n);
	return p + WIPE_HEADER;
}

static size_t wipe_size(const void *p)
{
	size_t n;

	memcpy(&n, (const unsigned char *)p - WIPE_HEADER, sizeof n);
	return n;
}

static void wipe_free(void *p)
{
	unsigned char *block;

	if (p == NULL)
		return;
	block = (unsigned char *)p - WIPE_HEADER;
	secure_zero(block, WIPE_HEADER + wipe_size(p));
	free(block);
}

static void *wipe_realloc(void *p, size_t n)
{
	void *q;

	if (p == NULL)
		return wipe_malloc(n);
	q = wipe_malloc(n);
	if (q == NULL)
		return NULL;
	memcpy(q, p, wipe_size(p) < n ? wipe_size(p) : n);
	wipe_free(p);
	return q;
}

static char *wipe_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = wipe_malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

static void *wipe_calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	p = wipe_malloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

/* OpenSSL wipes its copies of what it decrypted (response headers: tokens). */
static CURLcode on_ssl_ctx(CURL *easy, void *ssl_ctx, void *arg)
{
	(void)easy;
	(void)arg;
#ifdef SSL_OP_CLEANSE_PLAINTEXT
	SSL_CTX_set_options(ssl_ctx, SSL_OP_CLEANSE_PLAINTEXT);
#else
	(void)ssl_ctx;
#endif
	return CURLE_OK;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct rf_xfer *x = arg;
	size_t len = size * n;

	if (x->streaming) {
		if (x->on_data(x->arg, data, len) != 0) {
			x->stopped = 1;
			return 0;
		}
		return len;
	}

	if (x->rsp.len + len > x->max_body || x->rsp.len + len < len) {
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

/* Retry-After: delta-seconds or an HTTP date; seconds from now, -1 if unreadable. */
static long retry_after_seconds(const char *v)
{
	time_t when, now;
	size_t i;

	for (i = 0; v[i] >= '0' && v[i] <= '9'; i++)
		;
	if (i > 0 && v[i] == '\0')
		return i > 7 ? 9999999L : strtol(v, NULL, 10);
	when = curl_getdate(v, NULL);
	if (when == (time_t)-1)
		return -1;
	now = time(NULL);
	return when > now ? (long)(when - now < 9999999 ? when - now : 9999999) : 0;
}

/*
 * The end of a stream request's head: a 200 of text/event-stream is a
 * stream (the reader hears of it with 0 bytes); anything else is an answer.
 */
static void stream_head_end(struct rf_xfer *x)
{
	long status = 0;
	char *type = NULL;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &type);
	x->streaming = status == 200 && type != NULL &&
		       strncasecmp(type, "text/event-stream", 17) == 0;
	if (x->streaming && x->on_data(x->arg, "", 0) != 0)
		x->stopped = 1;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct rf_xfer *x = arg;
	size_t len = size * n;
	char retry[64] = "";

	if (x->on_data != NULL && (len == 2 || len == 1) && (data[0] == '\r' || data[0] == '\n')) {
		stream_head_end(x);
		return x->stopped ? 0 : len;
	}
	header_value(data, len, "X-Auth-Token", x->rsp.token, sizeof x->rsp.token);
	header_value(data, len, "Location", x->rsp.location, sizeof x->rsp.location);
	header_value(data, len, "ETag", x->rsp.etag, sizeof x->rsp.etag);
	header_value(data, len, "Retry-After", retry, sizeof retry);
	if (retry[0] != '\0')
		x->rsp.retry_after = retry_after_seconds(retry);
	return len;
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
			tls_pin_of_pem(s->data + 5, x->rsp.pin, sizeof x->rsp.pin);
}

/* What a request sent may hold a token, Basic credentials or a password: wiped. */
static void request_wipe(struct rf_xfer *x)
{
	struct curl_slist *l;

	for (l = x->headers; l != NULL; l = l->next)
		secure_zero(l->data, strlen(l->data));
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	if (x->secret != NULL)
		rf_secret_free(x->secret, x->secret_len);
	x->secret = NULL;
}

/* Call back with the response of a transfer out of the multi handle, then free it. */
static void xfer_end(struct rf_xfer *x)
{
	curl_easy_cleanup(x->easy);
	request_wipe(x);
	x->cb(&x->rsp, x->arg);
	secure_zero(x->rsp.token, sizeof x->rsp.token);
	free(x->rsp.body);
	free(x);
}

/* Out of the list and the multi handle. */
static void xfer_unlink(struct rf_http *h, struct rf_xfer *x)
{
	if (x->prev != NULL)
		x->prev->next = x->next;
	else
		h->xfers = x->next;
	if (x->next != NULL)
		x->next->prev = x->prev;
	curl_multi_remove_handle(h->multi, x->easy);
}

static void finish(struct rf_http *h, struct rf_xfer *x, CURLcode code)
{
	if (code == CURLE_OK) {
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->rsp.status);
		x->stopped = 0;
		if (capture_recorder != NULL && x->get) {
			char *url = NULL;

			curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url);
			if (url != NULL)
				capture_redfish(capture_recorder, "GET", url, x->rsp.status,
						x->rsp.body, x->rsp.len);
		}
	} else if (x->stopped) {
		x->rsp.error = BMC_ECANCELED;
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->rsp.status);
		snprintf(x->rsp.message, sizeof x->rsp.message, "stream ended by its reader");
	} else if (x->too_big) {
		x->rsp.error = BMC_EPROTO;
		x->rsp.too_big = 1;
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
	xfer_unlink(h, x);
	xfer_end(x);
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

int rf_url_check(const char *url, enum fleet_tls tls, char **why)
{
	if (why != NULL)
		*why = NULL;
	if (strncasecmp(url, "https://", 8) == 0 && url[8] != '\0')
		return 0;
	if (strncasecmp(url, "http://", 7) == 0 && url[7] != '\0') {
		if (tls == TLS_INSECURE)
			return 0;
		if (why != NULL)
			*why = xasprintf("%s is plain HTTP: credentials would travel in clear; use "
					 "https:// or tls = insecure",
					 url);
		return -1;
	}
	if (why != NULL)
		*why =
		    xasprintf("%s is not a Redfish service URL: it must start with https://", url);
	return -1;
}

/* s as the inside of a JSON string at out; the bytes written. */
static size_t json_escape(char *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c == '\n') {
			*p++ = '\\';
			*p++ = 'n';
		} else if (c == '\r') {
			*p++ = '\\';
			*p++ = 'r';
		} else if (c == '\t') {
			*p++ = '\\';
			*p++ = 't';
		} else if (c < 0x20) {
			memcpy(p, "\\u00", 4);
			p[4] = hex[c >> 4];
			p[5] = hex[c & 15];
			p += 6;
		} else {
			*p++ = (char)c;
		}
	}
	return (size_t)(p - out);
}

char *rf_login_body(const char *user, const char *password, size_t password_len, size_t *len)
{
	static const char a[] = "{\"UserName\":\"", b[] = "\",\"Password\":\"", c[] = "\"}";
	size_t ul = strlen(user);
	char *body = xmalloc(sizeof a + sizeof b + sizeof c + 6 * (ul + password_len));
	char *p = body;

	memcpy(p, a, sizeof a - 1);
	p += sizeof a - 1;
	p += json_escape(p, user, ul);
	memcpy(p, b, sizeof b - 1);
	p += sizeof b - 1;
	p += json_escape(p, password, password_len);
	memcpy(p, c, sizeof c);
	*len = (size_t)(p - body) + sizeof c - 1;
	return body;
}

void rf_secret_free(char *secret, size_t len)
{
	if (secret == NULL)
		return;
	secure_zero(secret, len);
	free(secret);
}

static struct rf_http *http_make(uv_loop_t *loop, long per_host)
{
	struct rf_http *h;

	if (!curl_ready) {
		curl_global_init_mem(CURL_GLOBAL_DEFAULT, wipe_malloc, wipe_free, wipe_realloc,
				     wipe_strdup, wipe_calloc);
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
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, per_host);
	uv_timer_init(loop, &h->timer);
	h->timer.data = h;
	h->open_handles = 1;
	return h;
}

struct rf_http *rf_http_new(uv_loop_t *loop)
{
	struct rf_http *h = http_make(loop, 1);

	h->refs = 1;
	return h;
}

void rf_http_cancel(struct rf_http *h, void *arg)
{
	struct rf_xfer *x = h->xfers, *next;

	for (; x != NULL; x = next) {
		next = x->next;
		if (x->arg != arg)
			continue;
		xfer_unlink(h, x);
		x->rsp.error = BMC_ECANCELED;
		snprintf(x->rsp.message, sizeof x->rsp.message, "canceled");
		xfer_end(x);
	}
}

struct rf_http *rf_http_get(uv_loop_t *loop)
{
	struct rf_http *h;

	for (h = https; h != NULL; h = h->next)
		if (h->loop == loop && h->closed_cb == NULL)
			break;
	if (h == NULL) {
		h = http_make(loop, 2);
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

/* A header holding a secret, built and handed to the list without a copy left behind. */
static void add_secret_header(struct rf_xfer *x, char *hdr)
{
	x->headers = curl_slist_append(x->headers, hdr);
	secure_zero(hdr, strlen(hdr));
	free(hdr);
}

/* Authorization: Basic base64(user:password). */
static void add_basic_auth(struct rf_xfer *x, const char *user, const char *password)
{
	size_t ul = strlen(user), pl = strlen(password), n = ul + 1 + pl;
	char *plain = xmalloc(n + 1);
	char *hdr = xmalloc(sizeof "Authorization: Basic " + 4 * (n / 3 + 1) + 1);
	size_t at = strlen("Authorization: Basic ");

	memcpy(plain, user, ul);
	plain[ul] = ':';
	memcpy(plain + ul + 1, password, pl);
	memcpy(hdr, "Authorization: Basic ", at);
	EVP_EncodeBlock((unsigned char *)hdr + at, (const unsigned char *)plain, (int)n);
	rf_secret_free(plain, n + 1);
	add_secret_header(x, hdr);
}

int rf_http_request(struct rf_http *h, const struct rf_request_opts *o, rf_http_cb cb, void *arg)
{
	struct rf_xfer *x = xcalloc(1, sizeof *x);
	CURL *e = curl_easy_init();
	long total;

	x->secret = o->secret_body;
	x->secret_len = o->secret_len;
	if (e == NULL) {
		request_wipe(x);
		free(x);
		return BMC_EIO;
	}
	x->easy = e;
	x->cb = cb;
	x->arg = arg;
	x->max_body = o->max_body ? o->max_body : 8 * 1024 * 1024;
	x->want_pin = o->want_pin;
	x->get = strcmp(o->method, "GET") == 0;
	x->rsp.retry_after = -1;
	x->on_data = o->on_data;
	if (o->accept != NULL && strpbrk(o->accept, "\r\n") == NULL) {
		char *hdr = xasprintf("Accept: %s", o->accept);

		x->headers = curl_slist_append(NULL, hdr);
		free(hdr);
	} else {
		x->headers = curl_slist_append(NULL, "Accept: application/json");
	}
	if (o->last_event_id != NULL && strpbrk(o->last_event_id, "\r\n") == NULL) {
		char *hdr = xasprintf("Last-Event-ID: %s", o->last_event_id);

		x->headers = curl_slist_append(x->headers, hdr);
		free(hdr);
	}
	x->headers = curl_slist_append(x->headers, "OData-Version: 4.0");
	if (o->body != NULL || x->secret != NULL)
		x->headers = curl_slist_append(x->headers, "Content-Type: application/json");
	if (o->token != NULL)
		add_secret_header(x, xasprintf("X-Auth-Token: %s", o->token));
	if (o->basic_user != NULL)
		add_basic_auth(x, o->basic_user, o->basic_password ? o->basic_password : "");
	if (o->if_match != NULL && strpbrk(o->if_match, "\r\n") == NULL) {
		char *hdr = xasprintf("If-Match: %s", o->if_match);

		x->headers = curl_slist_append(x->headers, hdr);
		free(hdr);
	}
	curl_easy_setopt(e, CURLOPT_URL, o->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, o->method);
	if (strcmp(o->method, "GET") == 0)
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	if (x->secret != NULL) {
		/* Sent from our buffer, which lives until the transfer ends. */
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)x->secret_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->secret);
	} else if (o->body != NULL) {
		curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, o->body);
	}
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
	if (o->on_data == NULL) {
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, total);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
				 o->timeout_ms / 1000 > 1 ? o->timeout_ms / 1000 : 1L);
	}
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o->verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o->verify ? 2L : 0L);
	if (o->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
	if (o->pin != NULL)
		curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, o->pin);
	if (o->want_pin)
		curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		request_wipe(x);
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
		xfer_end(x);
	}
	curl_multi_cleanup(h->multi);
	while (h->sockets != NULL)
		socket_close(h, h->sockets);
	uv_timer_stop(&h->timer);
	uv_close((uv_handle_t *)&h->timer, on_timer_closed);
}
