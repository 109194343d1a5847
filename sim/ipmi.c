/*
 * ipmi.c - bmcsim's RMCP+ server: one UDP socket per simulated BMC, each
 * datagram taken apart (ASF ping, session-less request, session setup,
 * session packet) and handed to the file that answers it: session setup
 * (ipmi-session.c), the IPMI commands a management tool uses
 * (ipmi-cmd.c), Serial over LAN (ipmi-sol.c).
 *
 * The codecs are the engine's own (ipmi/msg.c, ipmi/rakp.c, ipmi/sol.c)
 * used from the other end, so real clients (ipmitool, FreeIPMI) check
 * them too.  Built for ten thousand BMCs in one process: a socket's data
 * pointer is its BMC, a session ID carries its slot number (lookups are
 * O(1)), every packet is received into and built in static buffers, and a
 * session is allocated once and reused.  Faults are applied at the edges:
 * loss on receive and send (ipmi-send.c), latency through a fixed pool of
 * timers, dead and rebooting BMCs that read and drop.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "core/bytes.h"
#include "core/xalloc.h"
#include "ipmi-internal.h"

/* One datagram at a time on one loop: these buffers are never shared. */
static uint8_t rx_buf[65536];
static uint8_t scratch[IPMI_MAX_PACKET * 2];
static uint8_t msg_buf[IPMI_MAX_PACKET];
static uint8_t pkt_buf[IPMI_MAX_PACKET];

/* Build the response message for rq into msg_buf; returns its length. */
static size_t response_msg(const struct ipmi_msg_request *rq, const struct sim_ipmi_reply *r)
{
	ssize_t n = ipmi_msg_build_response(msg_buf, sizeof(msg_buf), rq, r->ccode, r->data,
					    r->ccode == CC_OK ? r->len : 0);

	return n > 0 ? (size_t)n : 0;
}

/* Packets. */

static void on_asf(struct sim_ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *buf,
		   size_t len)
{
	uint8_t pong[28] = {0x06, 0x00, 0xff, RMCP_CLASS_ASF};

	/* Presence Ping: IANA 4542, type 0x80; the Pong says IPMI is supported. */
	if (len < 12 || get_le32(buf + 4) != 0xbe110000u || buf[8] != 0x80) {
		ib->is->malformed++;
		return;
	}
	pong[4] = 0x00;
	pong[5] = 0x00;
	pong[6] = 0x11;
	pong[7] = 0xbe;
	pong[8] = 0x40;
	pong[9] = buf[9];
	pong[11] = 0x10;
	pong[12 + 2] = 0x11;
	pong[12 + 3] = 0xbe;
	pong[12 + 8] = 0x81; /* IPMI supported, ASF 1.0 */
	sim_ipmi_send_packet(ib, addr, pong, sizeof(pong));
}

/* Session-less requests (Get Channel Auth Caps and friends) in either format. */
static void on_sessionless(struct sim_ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *msg,
			   size_t len, int v15)
{
	struct ipmi_msg_request rq;
	struct sim_ipmi_reply r;
	size_t n;

	if (ipmi_msg_parse_request(msg, len, &rq) != 0) {
		ib->is->malformed++;
		return;
	}
	sim_ipmi_cmd_dispatch(ib, NULL, &rq, &r);
	n = response_msg(&rq, &r);
	if (n == 0)
		return;
	if (v15) {
		ssize_t m = ipmi_v15_build(pkt_buf, sizeof(pkt_buf), msg_buf, n);

		if (m > 0)
			sim_ipmi_send_packet(ib, addr, pkt_buf, (size_t)m);
	} else {
		sim_ipmi_send_rmcpp(ib, addr, IPMI_PAYLOAD_IPMI, 0, 0, msg_buf, n, NULL);
	}
}

static void on_session_packet(struct sim_ipmi_bmc *ib, const struct sockaddr *addr,
			      const uint8_t *buf, size_t len, uint32_t sid)
{
	struct sim_ipmi_sess *ss = sim_ipmi_session_find(ib, sid);
	struct ipmi_rmcpp_packet p;
	struct ipmi_session_keys tmp;
	struct ipmi_msg_request rq;
	struct sim_ipmi_reply r;
	size_t n;
	int sol = (buf[5] & 0x3f) == IPMI_PAYLOAD_SOL, rc;

	if (ss == NULL || ss->state != SS_ACTIVE) {
		ib->is->malformed++;
		if (ib->is->sim->opt.verbose)
			fprintf(stderr, "bmcsim: %s: packet for no active session (0x%08x)\n",
				ib->b->name, sid);
		return;
	}
	rc = ipmi_rmcpp_parse(buf, len, sol ? sim_ipmi_sol_keys(ss, &tmp) : &ss->rakp.keys, &p,
			      scratch, sizeof(scratch));
	if (rc != 0 || !sim_ipmi_session_seq_accept(ss, p.seq)) {
		ib->is->malformed++;
		if (ib->is->sim->opt.verbose)
			fprintf(stderr, "bmcsim: %s: session packet dropped (%s)\n", ib->b->name,
				rc != 0 ? "codec" : "sequence number");
		return;
	}
	ss->last_ms = sim_ipmi_now(ib);
	sim_ipmi_session_save_peer(ss, addr);
	if (p.type == IPMI_PAYLOAD_SOL) {
		sim_ipmi_sol_receive(ss, p.payload, p.payload_len);
		return;
	}
	if (p.type != IPMI_PAYLOAD_IPMI ||
	    ipmi_msg_parse_request(p.payload, p.payload_len, &rq) != 0) {
		ib->is->malformed++;
		return;
	}
	sim_ipmi_cmd_dispatch(ib, ss, &rq, &r);
	n = response_msg(&rq, &r);
	/* nochecksumcheck: Supermicro X9 firmware gets the data checksum wrong. */
	if (n > 0 && sim_ipmi_quirk(ib, FLEET_WA_NOCHECKSUMCHECK))
		msg_buf[n - 1] ^= 0x01;
	if (n > 0)
		sim_ipmi_send_rmcpp(ib, addr, IPMI_PAYLOAD_IPMI, ss->console_sid, ++ss->out_seq,
				    msg_buf, n, &ss->rakp.keys);
	if (r.after == AFTER_CLOSE_SELF)
		sim_ipmi_session_free(ss);
	else if (r.after == AFTER_SOL_ATTACH)
		sim_console_attach(ib->b);
}

static void handle_packet(struct sim_ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *buf,
			  size_t len)
{
	struct ipmi_rmcpp_packet p;
	const uint8_t *msg;
	size_t mlen;
	uint32_t sid;

	if (len < 5 || buf[0] != 0x06 || buf[2] != 0xff) {
		ib->is->malformed++;
		return;
	}
	if ((buf[3] & 0x1f) == RMCP_CLASS_ASF) {
		on_asf(ib, addr, buf, len);
		return;
	}
	if ((buf[3] & 0x1f) != RMCP_CLASS_IPMI) {
		ib->is->malformed++;
		return;
	}
	if (buf[4] == 0x00) {
		if (ipmi_v15_parse(buf, len, &msg, &mlen) != 0) {
			ib->is->malformed++;
			return;
		}
		on_sessionless(ib, addr, msg, mlen, 1);
		return;
	}
	/* IPMI v1.5 sessions (MD5, cleartext passwords) are not offered. */
	if (buf[4] != 0x06 || len < 16) {
		ib->is->malformed++;
		return;
	}
	sim_ipmi_session_check_epoch(ib);
	sid = get_le32(buf + 6);
	if (sid != 0) {
		on_session_packet(ib, addr, buf, len, sid);
		return;
	}
	if (ipmi_rmcpp_parse(buf, len, NULL, &p, scratch, sizeof(scratch)) != 0) {
		ib->is->malformed++;
		return;
	}
	switch (p.type) {
	case IPMI_PAYLOAD_OPEN_SESSION_REQ:
		sim_ipmi_session_open(ib, addr, p.payload, p.payload_len);
		break;
	case IPMI_PAYLOAD_RAKP1:
		sim_ipmi_session_rakp1(ib, addr, p.payload, p.payload_len);
		break;
	case IPMI_PAYLOAD_RAKP3:
		sim_ipmi_session_rakp3(ib, addr, p.payload, p.payload_len);
		break;
	case IPMI_PAYLOAD_IPMI:
		on_sessionless(ib, addr, p.payload, p.payload_len, 0);
		break;
	default:
		ib->is->malformed++;
		break;
	}
}

/* A datagram that arrived (len beyond rx_buf: truncated): dead BMCs and
 * simulated loss drop it, the rest is answered. */
static void receive(struct sim_ipmi_bmc *ib, const struct sockaddr *from, const uint8_t *buf,
		    size_t len)
{
	struct sim *s = ib->is->sim;

	s->rx++;
	if (len > sizeof(rx_buf) || !sim_bmc_alive(ib->b, uv_now(s->loop)) ||
	    (s->opt.loss > 0 && sim_rand01(s) < s->opt.loss)) {
		s->dropped++;
		return;
	}
	handle_packet(ib, from, buf, len);
}

/*
 * One datagram per readiness.  With ten thousand sockets each BMC rarely
 * has more than one datagram queued, and libuv's UDP handle reads until
 * EAGAIN, which doubled the receive system calls; epoll is level-triggered,
 * so a second datagram is read on the next turn of the loop.
 */
static void on_readable(uv_poll_t *h, int status, int events)
{
	struct sim_ipmi_bmc *ib = h->data;
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	ssize_t nread;

	(void)events;
	if (status < 0 || ib->closed)
		return;
	nread = recvfrom(ib->fd, rx_buf, sizeof(rx_buf), MSG_DONTWAIT | MSG_TRUNC,
			 (struct sockaddr *)&from, &fromlen);
	if (nread > 0)
		receive(ib, (const struct sockaddr *)&from, rx_buf, (size_t)nread);
}

/* Start and stop. */

static int bind_address(struct sim *s, unsigned i, int port, struct sockaddr_storage *out,
			char **err)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

	memset(out, 0, sizeof(*out));
	if (uv_ip4_addr(s->opt.address, port, sin) == 0) {
		uint32_t a = ntohl(sin->sin_addr.s_addr);

		if (s->opt.addresses != 1)
			a += i;
		if ((a >> 24) != 127) {
			*err = xasprintf("address %s%s is not on loopback (127.0.0.0/8): bmcsim "
					 "serves loopback only",
					 s->opt.address, s->opt.addresses != 1 ? " + count" : "");
			return -1;
		}
		sin->sin_addr.s_addr = htonl(a);
		return 0;
	}
	if (uv_ip6_addr(s->opt.address, port, sin6) == 0 &&
	    memcmp(&sin6->sin6_addr, &in6addr_loopback, sizeof(in6addr_loopback)) == 0 &&
	    s->opt.addresses == 1)
		return 0;
	*err = xasprintf("address %s: expected 127.x.y.z or ::1 (with one address for ::1)",
			 s->opt.address);
	return -1;
}

static int start_bmc(struct sim_ipmi *is, unsigned i, char **err)
{
	struct sim *s = is->sim;
	struct sim_ipmi_bmc *ib = &is->bmcs[i];
	struct sim_bmc *b = &s->bmcs[i];
	int port = 0, rc = 0;
	socklen_t namelen = sizeof(b->ipmi_addr);
	char host[64];

	ib->b = b;
	ib->is = is;
	b->ipmi = ib;
	/* A GUID per BMC, stable for a given index. */
	for (int k = 0; k < 16; k++)
		ib->guid[k] = (uint8_t)(0x5a ^ (k * 37) ^ ((i >> (8 * (k % 3))) & 0xff));
	if (s->opt.base_port > 0)
		port = s->opt.addresses == 1 ? s->opt.base_port + (int)i : s->opt.base_port;
	else if (s->opt.addresses != 1 && i > 0)
		port = ntohs(((struct sockaddr_in *)&s->bmcs[0].ipmi_addr)->sin_port);
	if (port > 65535) {
		*err = xasprintf("port %d for BMC %u is beyond 65535: lower --port or --count",
				 port, i + 1);
		return -1;
	}
	if (bind_address(s, i, port, &b->ipmi_addr, err) != 0)
		return -1;
	ib->fd = socket(b->ipmi_addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ib->fd < 0 ||
	    bind(ib->fd, (const struct sockaddr *)&b->ipmi_addr,
		 b->ipmi_addr.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						    : sizeof(struct sockaddr_in)) != 0 ||
	    getsockname(ib->fd, (struct sockaddr *)&b->ipmi_addr, &namelen) != 0)
		rc = uv_translate_sys_error(errno);
	if (rc == 0 && (rc = uv_poll_init_socket(s->loop, &ib->poll, ib->fd)) == 0) {
		ib->poll.data = ib;
		is->nopen++;
		rc = uv_poll_start(&ib->poll, UV_READABLE, on_readable);
	}
	if (rc != 0) {
		if (i >= is->nopen && ib->fd >= 0)
			close(ib->fd); /* no handle to close it at stop */

		uv_ip_name((const struct sockaddr *)&b->ipmi_addr, host, sizeof(host));
		*err = xasprintf("BMC %u: cannot listen on UDP %s port %d: %s%s", i + 1, host, port,
				 uv_strerror(rc),
				 rc == UV_EMFILE ? " (raise the open file limit: ulimit -n)" : "");
		return -1;
	}
	return 0;
}

int sim_ipmi_start(struct sim *s, char **err)
{
	struct sim_ipmi *is = xcalloc(1, sizeof(*is));

	is->sim = s;
	s->ipmi = is;
	s->console_output = sim_ipmi_sol_console_output;
	is->bmcs = xcalloc(s->nbmcs, sizeof(*is->bmcs));
	uv_timer_init(s->loop, &is->sol_timer);
	is->sol_timer.data = is;
	uv_timer_start(&is->sol_timer, sim_ipmi_sol_timer, SOL_TIMER_MS, SOL_TIMER_MS);
	uv_unref((uv_handle_t *)&is->sol_timer);
	if (s->opt.latency_ms > 0 || s->opt.jitter_ms > 0) {
		is->pool = xcalloc(DELAY_POOL, sizeof(*is->pool));
		for (size_t i = 0; i < DELAY_POOL; i++) {
			uv_timer_init(s->loop, &is->pool[i].timer);
			is->pool[i].timer.data = &is->pool[i];
			is->pool[i].next = is->free_delayed;
			is->free_delayed = &is->pool[i];
		}
	}
	for (unsigned i = 0; i < s->nbmcs; i++)
		if (start_bmc(is, i, err) != 0)
			return -1;
	return 0;
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

void sim_ipmi_stop(struct sim *s)
{
	struct sim_ipmi *is = s->ipmi;

	if (is == NULL)
		return;
	s->console_output = NULL;
	uv_timer_stop(&is->sol_timer);
	uv_close((uv_handle_t *)&is->sol_timer, on_closed);
	for (size_t i = 0; i < is->nopen; i++) {
		is->bmcs[i].closed = 1;
		/* Stopped first, so the descriptor has left epoll before it closes. */
		uv_poll_stop(&is->bmcs[i].poll);
		close(is->bmcs[i].fd);
		uv_close((uv_handle_t *)&is->bmcs[i].poll, on_closed);
	}
	if (is->pool)
		for (size_t i = 0; i < DELAY_POOL; i++)
			uv_close((uv_handle_t *)&is->pool[i].timer, on_closed);
}

void sim_ipmi_free(struct sim *s)
{
	struct sim_ipmi *is = s->ipmi;

	if (is == NULL)
		return;
	/* By pointer into our own array: sim_free may have run already. */
	for (size_t i = 0; i < is->nopen; i++) {
		for (int k = 0; k < SESS_SLOTS; k++) {
			if (is->bmcs[i].sess[k]) {
				ipmi_rakp_wipe(&is->bmcs[i].sess[k]->rakp);
				free(is->bmcs[i].sess[k]);
			}
		}
	}
	free(is->bmcs);
	free(is->pool);
	free(is);
	s->ipmi = NULL;
}

void sim_ipmi_stats(const struct sim *s, struct sim_ipmi_stats *st)
{
	const struct sim_ipmi *is = s->ipmi;

	memset(st, 0, sizeof(*st));
	if (is == NULL)
		return;
	st->sessions = is->sessions;
	st->login_failures = is->login_failures;
	st->sol_activations = is->sol_activations;
	st->unknown_cmds = is->unknown_cmds;
	st->malformed = is->malformed;
	st->delay_full = is->delay_full;
}

#ifdef BMCSIM_FUZZ
/*
 * For fuzz/fuzz-sim-ipmi.c: the server with no sockets, timers or latency
 * pool.  Every BMC's fd is -1, so a send goes to `sent` and then counts as
 * a drop; datagrams come in through sim_ipmi_fuzz_receive() as on_readable
 * would pass them on.  The uv loop need never run.
 */
void sim_ipmi_fuzz_start(struct sim *s, void (*sent)(const uint8_t *buf, size_t len))
{
	struct sim_ipmi *is = xcalloc(1, sizeof(*is));

	is->sim = s;
	s->ipmi = is;
	s->console_output = sim_ipmi_sol_console_output;
	is->bmcs = xcalloc(s->nbmcs, sizeof(*is->bmcs));
	for (unsigned i = 0; i < s->nbmcs; i++) {
		is->bmcs[i].b = &s->bmcs[i];
		is->bmcs[i].is = is;
		is->bmcs[i].fd = -1;
		s->bmcs[i].ipmi = &is->bmcs[i];
	}
	sim_ipmi_send_fuzz_hook = sent;
}

void sim_ipmi_fuzz_receive(struct sim_bmc *b, const struct sockaddr *from, const uint8_t *buf,
			   size_t len)
{
	receive(b->ipmi, from, buf, len);
}
#endif
