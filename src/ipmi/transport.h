/*
 * ipmi/transport.h - the UDP sockets IPMI sessions share, and the endpoints
 * they dispatch datagrams to.
 *
 * A transport knows addresses, not sessions: whoever talks to a BMC
 * registers an endpoint (the BMC's address and port, and a callback with
 * its context), and every datagram from that address goes to the callback.
 * One transport per loop serves every BMC; ten thousand BMCs cost two file
 * descriptors.
 */
#ifndef BMCTOP_IPMI_TRANSPORT_H
#define BMCTOP_IPMI_TRANSPORT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct ipmi_transport;

struct ipmi_endpoint {
	struct sockaddr_storage addr; /* the remote end: datagrams from here come to recv */
	/* A datagram from addr; truncated when it did not fit the buffer
	 * (then buf holds only its first len bytes, and it should be dropped). */
	void (*recv)(void *ctx, const uint8_t *buf, size_t len, int truncated);
	void *ctx;

	/* The transport's own. */
	struct ipmi_endpoint *hash_next;
	int registered;
};

/* The loop's shared sockets (one more reference). */
struct ipmi_transport *ipmi_transport_get(uv_loop_t *loop);
/* A transport of one's own, with its own sockets (one reference). */
struct ipmi_transport *ipmi_transport_new(uv_loop_t *loop);
/* One more reference to t. */
void ipmi_transport_ref(struct ipmi_transport *t);
/* Start or stop dispatching datagrams from ep->addr to ep (ep->addr must not
 * change while it is added). */
void ipmi_transport_add(struct ipmi_transport *t, struct ipmi_endpoint *ep);
void ipmi_transport_remove(struct ipmi_transport *t, struct ipmi_endpoint *ep);
/* Send a datagram to ep->addr; 0 or a negative libuv code. */
int ipmi_transport_send(struct ipmi_transport *t, const struct ipmi_endpoint *ep,
			const uint8_t *buf, size_t len);
/* Drop one reference; the last closes the sockets, then calls cb. */
void ipmi_transport_release(struct ipmi_transport *t, void (*cb)(void *arg), void *arg);

#endif
