/*
 * ipmi/transport.c - the UDP sockets all IPMI sessions share.
 *
 * One socket per address family serves every BMC on a loop; a datagram is
 * routed to its endpoint by source address and port, through a small
 * chained hash table.  Datagrams from addresses we never sent to are
 * dropped and counted.  The sockets close when the last user lets go.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "ipmi/msg.h"
#include "ipmi/transport.h"

struct ipmi_transport {
	uv_loop_t *loop;
	uv_udp_t udp4, udp6;
	int have4, have6;
	struct ipmi_endpoint **buckets;
	size_t nbuckets, count;
	unsigned refs;
	unsigned open_handles;
	uint64_t unknown_drops;
	void (*closed_cb)(void *arg);
	void *closed_arg;
	struct ipmi_transport *next;
};

static struct ipmi_transport *transports;
/*
 * Datagrams are read RECV_BATCH at a time with recvmmsg(2): libuv hands
 * each one a 64 KiB slice of this buffer.  Only the bytes received touch
 * memory, so the pages in use are a few per slice.
 */
#define RECV_BATCH 16
static uint8_t recv_buf[RECV_BATCH * 65536];

static uint64_t addr_hash(const struct sockaddr_storage *ss)
{
	const uint8_t *p;
	size_t n, i;
	uint16_t port;
	uint64_t h = 1469598103934665603ULL;

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;

		p = (const uint8_t *)&a->sin6_addr;
		n = 16;
		port = a->sin6_port;
	} else {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;

		p = (const uint8_t *)&a->sin_addr;
		n = 4;
		port = a->sin_port;
	}
	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	h = (h ^ (port & 0xff)) * 1099511628211ULL;
	h = (h ^ (port >> 8)) * 1099511628211ULL;
	return h;
}

static int addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	} else {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
}

static void rehash(struct ipmi_transport *t, size_t n)
{
	struct ipmi_endpoint **old = t->buckets;
	size_t oldn = t->nbuckets, i;

	t->buckets = xcalloc(n, sizeof *t->buckets);
	t->nbuckets = n;
	for (i = 0; i < oldn; i++) {
		struct ipmi_endpoint *ep = old[i];

		while (ep != NULL) {
			struct ipmi_endpoint *next = ep->hash_next;
			size_t b = addr_hash(&ep->addr) & (n - 1);

			ep->hash_next = t->buckets[b];
			t->buckets[b] = ep;
			ep = next;
		}
	}
	free(old);
}

static struct ipmi_endpoint *lookup(struct ipmi_transport *t, const struct sockaddr_storage *ss)
{
	struct ipmi_endpoint *ep;

	if (t->nbuckets == 0)
		return NULL;
	for (ep = t->buckets[addr_hash(ss) & (t->nbuckets - 1)]; ep != NULL; ep = ep->hash_next)
		if (addr_equal(&ep->addr, ss))
			return ep;
	return NULL;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	buf->base = (char *)recv_buf;
	buf->len = sizeof recv_buf;
}

static void on_recv(uv_udp_t *udp, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from,
		    unsigned flags)
{
	struct ipmi_transport *t = udp->data;
	struct sockaddr_storage ss;
	struct ipmi_endpoint *ep;

	if (nread <= 0 || from == NULL) /* nothing, or the end of a batch */
		return;
	memset(&ss, 0, sizeof ss);
	if (from->sa_family == AF_INET6)
		memcpy(&ss, from, sizeof(struct sockaddr_in6));
	else
		memcpy(&ss, from, sizeof(struct sockaddr_in));
	ep = lookup(t, &ss);
	if (ep == NULL || (flags & UV_UDP_PARTIAL)) {
		t->unknown_drops++;
		if (ep != NULL)
			ep->recv(ep->ctx, (const uint8_t *)buf->base, (size_t)nread, 1);
		return;
	}
	ep->recv(ep->ctx, (const uint8_t *)buf->base, (size_t)nread, 0);
}

static int open_socket(struct ipmi_transport *t, int family)
{
	uv_udp_t *udp = family == AF_INET6 ? &t->udp6 : &t->udp4;
	int *have = family == AF_INET6 ? &t->have6 : &t->have4;
	int rc;

	if (*have)
		return 0;
	rc = uv_udp_init_ex(t->loop, udp, (unsigned)family | UV_UDP_RECVMMSG);
	if (rc != 0)
		return rc;
	udp->data = t;
	*have = 1;
	t->open_handles++;
	if (family == AF_INET6) {
		struct sockaddr_in6 any;

		uv_ip6_addr("::", 0, &any);
		rc = uv_udp_bind(udp, (const struct sockaddr *)&any, 0);
	} else {
		struct sockaddr_in any;

		uv_ip4_addr("0.0.0.0", 0, &any);
		rc = uv_udp_bind(udp, (const struct sockaddr *)&any, 0);
	}
	if (rc == 0) {
		int size = 4 << 20;

		/* A sweep of thousands of BMCs answers in a burst. */
		uv_recv_buffer_size((uv_handle_t *)udp, &size);
		size = 4 << 20;
		uv_send_buffer_size((uv_handle_t *)udp, &size);
		rc = uv_udp_recv_start(udp, on_alloc, on_recv);
	}
	if (rc != 0)
		log_error("ipmi: cannot open a UDP socket: %s", uv_strerror(rc));
	return rc;
}

struct ipmi_transport *ipmi_transport_get(uv_loop_t *loop)
{
	struct ipmi_transport *t;

	for (t = transports; t != NULL; t = t->next)
		if (t->loop == loop && t->closed_cb == NULL)
			break;
	if (t == NULL) {
		t = xcalloc(1, sizeof *t);
		t->loop = loop;
		t->next = transports;
		transports = t;
	}
	t->refs++;
	return t;
}

/*
 * Not in the shared list, so ipmi_transport_get never hands it out.  Two
 * sessions with one BMC (polling and a console) cannot share a socket here,
 * since datagrams are routed by the BMC's address and port alone.
 */
struct ipmi_transport *ipmi_transport_new(uv_loop_t *loop)
{
	struct ipmi_transport *t = xcalloc(1, sizeof *t);

	t->loop = loop;
	t->refs = 1;
	return t;
}

void ipmi_transport_ref(struct ipmi_transport *t)
{
	t->refs++;
}

void ipmi_transport_add(struct ipmi_transport *t, struct ipmi_endpoint *ep)
{
	size_t b;

	if (ep->registered)
		return;
	if (t->count + 1 > t->nbuckets)
		rehash(t, t->nbuckets ? t->nbuckets * 2 : 64);
	b = addr_hash(&ep->addr) & (t->nbuckets - 1);
	ep->hash_next = t->buckets[b];
	t->buckets[b] = ep;
	t->count++;
	ep->registered = 1;
}

void ipmi_transport_remove(struct ipmi_transport *t, struct ipmi_endpoint *ep)
{
	struct ipmi_endpoint **pp;

	if (!ep->registered)
		return;
	for (pp = &t->buckets[addr_hash(&ep->addr) & (t->nbuckets - 1)]; *pp != NULL;
	     pp = &(*pp)->hash_next) {
		if (*pp == ep) {
			*pp = ep->hash_next;
			t->count--;
			break;
		}
	}
	ep->hash_next = NULL;
	ep->registered = 0;
}

struct send_req {
	uv_udp_send_t req;
	uint8_t data[IPMI_MAX_PACKET];
};

static void on_sent(uv_udp_send_t *req, int status)
{
	free(req->data);
}

int ipmi_transport_send(struct ipmi_transport *t, const struct ipmi_endpoint *ep,
			const uint8_t *buf, size_t len)
{
	int family = ep->addr.ss_family;
	uv_udp_t *udp = family == AF_INET6 ? &t->udp6 : &t->udp4;
	uv_buf_t b;
	int rc = open_socket(t, family);
	struct send_req *sr;

	if (rc != 0)
		return rc;
	b = uv_buf_init((char *)buf, (unsigned)len);
	rc = uv_udp_try_send(udp, &b, 1, (const struct sockaddr *)&ep->addr);
	if (rc >= 0)
		return 0;
	if (rc != UV_EAGAIN)
		return rc;
	/* The socket buffer is full: queue a copy. */
	sr = xmalloc(sizeof *sr);
	memcpy(sr->data, buf, len);
	sr->req.data = sr;
	b = uv_buf_init((char *)sr->data, (unsigned)len);
	rc = uv_udp_send(&sr->req, udp, &b, 1, (const struct sockaddr *)&ep->addr, on_sent);
	if (rc != 0)
		free(sr);
	return rc;
}

static void transport_free(struct ipmi_transport *t)
{
	struct ipmi_transport **pp;

	for (pp = &transports; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	if (t->unknown_drops > 0)
		log_info("ipmi: dropped %llu datagrams from unknown addresses",
			 (unsigned long long)t->unknown_drops);
	free(t->buckets);
	free(t);
}

static void on_udp_closed(uv_handle_t *h)
{
	struct ipmi_transport *t = h->data;

	if (--t->open_handles == 0) {
		void (*cb)(void *) = t->closed_cb;
		void *arg = t->closed_arg;

		transport_free(t);
		cb(arg);
	}
}

void ipmi_transport_release(struct ipmi_transport *t, void (*cb)(void *arg), void *arg)
{
	if (--t->refs > 0) {
		cb(arg);
		return;
	}
	t->closed_cb = cb;
	t->closed_arg = arg;
	if (t->open_handles == 0) {
		transport_free(t);
		cb(arg);
		return;
	}
	if (t->have4)
		uv_close((uv_handle_t *)&t->udp4, on_udp_closed);
	if (t->have6)
		uv_close((uv_handle_t *)&t->udp6, on_udp_closed);
}
