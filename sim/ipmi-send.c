/*
 * ipmi-send.c - how bmcsim's RMCP+ server sends: simulated loss, then
 * simulated latency through a fixed pool of timers (never an allocation
 * per packet), then the BMC's UDP socket.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sys/socket.h>

#include "core/crypto.h"
#include "ipmi-internal.h"

/* One datagram at a time on one loop: this buffer is never shared. */
static uint8_t pkt_buf[IPMI_MAX_PACKET];

#ifdef BMCSIM_FUZZ
void (*sim_ipmi_send_fuzz_hook)(const uint8_t *buf, size_t len);
#endif

static void udp_send_now(struct sim_ipmi_bmc *ib, const struct sockaddr *peer, const uint8_t *buf,
			 size_t len)
{
	socklen_t plen = peer->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						     : sizeof(struct sockaddr_in);

#ifdef BMCSIM_FUZZ
	if (ib->fd < 0 && sim_ipmi_send_fuzz_hook != NULL)
		sim_ipmi_send_fuzz_hook(buf, len);
#endif
	if (ib->closed || sendto(ib->fd, buf, len, MSG_DONTWAIT, peer, plen) < 0) {
		ib->is->sim->dropped++;
		return;
	}
	ib->is->sim->tx++;
}

static void on_delayed(uv_timer_t *t)
{
	struct sim_ipmi_delayed *d = t->data;
	struct sim_ipmi *is = d->ib->is;

	udp_send_now(d->ib, (const struct sockaddr *)&d->peer, d->buf, d->len);
	d->next = is->free_delayed;
	is->free_delayed = d;
}

void sim_ipmi_send_packet(struct sim_ipmi_bmc *ib, const struct sockaddr *peer, const uint8_t *buf,
			  size_t len)
{
	struct sim_ipmi *is = ib->is;
	struct sim *s = is->sim;
	struct sim_ipmi_delayed *d;
	double delay;

	if (s->opt.loss > 0 && sim_rand01(s) < s->opt.loss) {
		s->dropped++;
		return;
	}
	if (is->pool == NULL) {
		udp_send_now(ib, peer, buf, len);
		return;
	}
	delay = s->opt.latency_ms + s->opt.jitter_ms * sim_rand01(s);
	d = is->free_delayed;
	if (d == NULL || len > sizeof(d->buf)) {
		/* The pool is sized for any sane load; past it, a dropped reply. */
		is->delay_full++;
		s->dropped++;
		return;
	}
	is->free_delayed = d->next;
	d->ib = ib;
	memcpy(&d->peer, peer,
	       peer->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					   : sizeof(struct sockaddr_in));
	d->len = len;
	memcpy(d->buf, buf, len);
	uv_timer_start(&d->timer, on_delayed, (uint64_t)delay, 0);
}

void sim_ipmi_send_rmcpp(struct sim_ipmi_bmc *ib, const struct sockaddr *peer,
			 enum ipmi_payload_type type, uint32_t sid, uint32_t seq,
			 const uint8_t *payload, size_t len, const struct ipmi_session_keys *keys)
{
	uint8_t iv[16];
	ssize_t n;

	if (keys && keys->confidentiality != IPMI_CONF_NONE)
		crypto_random(iv, sizeof(iv));
	n = ipmi_rmcpp_build(pkt_buf, sizeof(pkt_buf), type, sid, seq, payload, len, keys, iv);
	if (n > 0)
		sim_ipmi_send_packet(ib, peer, pkt_buf, (size_t)n);
}
