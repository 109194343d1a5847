/*
 * sim-ipmi.c - bmcsim's RMCP+ server: one UDP socket per simulated BMC,
 * session setup (Open Session, RAKP 1-4 for cipher suites 3 and 17), the
 * IPMI commands a management tool uses (chassis, boot options, SDR,
 * sensors, SEL, FRU, channel and session commands), and Serial over LAN.
 *
 * The codecs are the engine's own (ipmi/msg.c, ipmi/rakp.c, ipmi/sol.c)
 * used from the other end, so real clients (ipmitool, FreeIPMI) check
 * them too.  Built for ten thousand BMCs in one process: a socket's data
 * pointer is its BMC, a session ID carries its slot number (lookups are
 * O(1)), every packet is received into and built in static buffers, and a
 * session is allocated once and reused.  Faults are applied at the edges:
 * loss on receive and send, latency through a fixed pool of timers, dead
 * and rebooting BMCs that read and drop.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>

#include "core/bytes.h"
#include "core/crypto.h"
#include "core/xalloc.h"
#include "ipmi/msg.h"
#include "ipmi/rakp.h"
#include "ipmi/sol.h"
#include "sim.h"

#define SESS_SLOTS	8
#define SESSION_IDLE_MS 60000
#define SEQ_WINDOW	16
#define SOL_SIZE	256 /* payload size we announce each way */
#define SOL_CHUNK	200 /* characters per packet to the console */
#define SOL_RETRY_MS	500
#define SOL_RETRIES	8
#define SOL_TIMER_MS	100
/* Replies held back for --latency/--jitter at once: bmctop may have 4096
 * polls and 512 slow ones in flight, each waiting for one reply. */
#define DELAY_POOL	16384
#define RMCP_CLASS_ASF	0x06
#define RMCP_CLASS_IPMI 0x07
#define PRIV_CALLBACK	1
#define PRIV_USER	2
#define PRIV_OPERATOR	3
#define PRIV_ADMIN	4


#define CC_OK		   0x00
#define CC_INVALID_CMD	   0xC1
#define CC_RESERVATION	   0xC5
#define CC_REQ_LEN	   0xC7
#define CC_OUT_OF_RANGE	   0xC9
#define CC_NOT_PRESENT	   0xCB
#define CC_INVALID_DATA	   0xCC
#define CC_INSUFFICIENT	   0xD4
#define CC_PARAM_UNSUPP	   0x80
#define CC_PRIV_TOO_HIGH   0x81
#define CC_INVALID_SESSION 0x87

/* RMCP+ status codes (table 13-15). */
#define ST_NO_RESOURCES	  0x01
#define ST_INVALID_SID	  0x02
#define ST_INVALID_AUTH	  0x04
#define ST_INVALID_INTEG  0x05
#define ST_INVALID_ROLE	  0x09
#define ST_UNAUTH_NAME	  0x0D
#define ST_INVALID_ICV	  0x0F
#define ST_INVALID_CONF	  0x10
#define ST_NO_SUITE_MATCH 0x11

enum sess_state { SS_FREE, SS_OPENED, SS_RAKP2, SS_ACTIVE };

struct ipmi_bmc;

struct ipmi_sess {
	enum sess_state state;
	struct ipmi_bmc *ib;
	uint8_t slot; /* 1..SESS_SLOTS, the low byte of bmc_sid */
	uint32_t bmc_sid, console_sid;
	int suite;
	uint8_t max_priv, priv;
	struct ipmi_rakp rakp;	   /* keys after RAKP 3 */
	uint32_t in_high, in_seen; /* highest sequence number taken; bitmap below it */
	uint32_t out_seq;
	uint64_t last_ms, epoch;
	struct sockaddr_storage peer;

	/* Serial over LAN, while this session holds the payload. */
	int sol, sol_encrypt, sol_auth;
	uint8_t sol_tx_seq, sol_last_tx_seq;
	size_t sol_tx_len;
	uint8_t sol_tx[SOL_CHUNK];
	uint64_t sol_tx_ms;
	unsigned sol_tries;
	uint8_t sol_rx_seq, sol_rx_count;
	struct ipmi_sess *sol_prev, *sol_next; /* list of sessions with SOL active */
};

struct ipmi_bmc {
	uv_poll_t poll; /* on fd: see on_readable */
	int fd;
	struct sim_bmc *b;
	struct ipmi_sim *is;
	struct ipmi_sess *sess[SESS_SLOTS]; /* allocated on first use, then reused */
	struct ipmi_sess *sol_holder;
	uint16_t sdr_resv, sel_resv;
	uint8_t guid[16];
	int closed;
};

/* A reply waiting out the simulated latency. */
struct delayed {
	uv_timer_t timer;
	struct ipmi_bmc *ib;
	struct sockaddr_storage peer;
	size_t len;
	uint8_t buf[IPMI_MAX_PACKET];
	struct delayed *next;
};

struct ipmi_sim {
	struct sim *sim;
	struct ipmi_bmc *bmcs;
	size_t nopen; /* sockets still to close at stop */
	uv_timer_t sol_timer;
	int sol_timer_on;
	struct ipmi_sess *sol_list;
	struct delayed *pool, *free_delayed;
	uint64_t sessions, login_failures, sol_activations, unknown_cmds, malformed, delay_full;
};

/* What a command asks for once its response is out. */
enum after { AFTER_NONE, AFTER_CLOSE_SELF, AFTER_SOL_ATTACH };

struct reply {
	uint8_t ccode;
	uint8_t data[256];
	size_t len;
	enum after after;
};

/* One datagram at a time on one loop: these buffers are never shared. */
static uint8_t rx_buf[65536];
static uint8_t scratch[IPMI_MAX_PACKET * 2];
static uint8_t msg_buf[IPMI_MAX_PACKET];
static uint8_t pkt_buf[IPMI_MAX_PACKET];

#ifdef BMCSIM_FUZZ
/* Fuzz builds: a BMC without a socket (fd -1) shows each send here first. */
static void (*fuzz_sent)(const uint8_t *buf, size_t len);
#endif

static uint64_t now_ms(struct ipmi_bmc *ib)
{
	return uv_now(ib->is->sim->loop);
}

/* Sending: loss, then latency, then the socket. */

static void udp_send_now(struct ipmi_bmc *ib, const struct sockaddr *peer, const uint8_t *buf,
			 size_t len)
{
	socklen_t plen = peer->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						     : sizeof(struct sockaddr_in);

#ifdef BMCSIM_FUZZ
	if (ib->fd < 0 && fuzz_sent != NULL)
		fuzz_sent(buf, len);
#endif
	if (ib->closed || sendto(ib->fd, buf, len, MSG_DONTWAIT, peer, plen) < 0) {
		ib->is->sim->dropped++;
		return;
	}
	ib->is->sim->tx++;
}

static void on_delayed(uv_timer_t *t)
{
	struct delayed *d = t->data;
	struct ipmi_sim *is = d->ib->is;

	udp_send_now(d->ib, (const struct sockaddr *)&d->peer, d->buf, d->len);
	d->next = is->free_delayed;
	is->free_delayed = d;
}

static void send_packet(struct ipmi_bmc *ib, const struct sockaddr *peer, const uint8_t *buf,
			size_t len)
{
	struct ipmi_sim *is = ib->is;
	struct sim *s = is->sim;
	struct delayed *d;
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

static void send_rmcpp(struct ipmi_bmc *ib, const struct sockaddr *peer,
		       enum ipmi_payload_type type, uint32_t sid, uint32_t seq,
		       const uint8_t *payload, size_t len, const struct ipmi_session_keys *keys)
{
	uint8_t iv[16];
	ssize_t n;

	if (keys && keys->confidentiality != IPMI_CONF_NONE)
		crypto_random(iv, sizeof(iv));
	n = ipmi_rmcpp_build(pkt_buf, sizeof(pkt_buf), type, sid, seq, payload, len, keys, iv);
	if (n > 0)
		send_packet(ib, peer, pkt_buf, (size_t)n);
}

/* Sessions. */

static void sol_list_remove(struct ipmi_sim *is, struct ipmi_sess *ss)
{
	if (ss->sol_prev)
		ss->sol_prev->sol_next = ss->sol_next;
	else if (is->sol_list == ss)
		is->sol_list = ss->sol_next;
	if (ss->sol_next)
		ss->sol_next->sol_prev = ss->sol_prev;
	ss->sol_prev = ss->sol_next = NULL;
}

static void sol_deactivate(struct ipmi_sess *ss)
{
	if (!ss->sol)
		return;
	ss->sol = 0;
	ss->sol_tx_len = 0;
	ss->sol_tx_seq = 0;
	if (ss->ib->sol_holder == ss)
		ss->ib->sol_holder = NULL;
	sol_list_remove(ss->ib->is, ss);
}

static void sess_free(struct ipmi_sess *ss)
{
	sol_deactivate(ss);
	ipmi_rakp_wipe(&ss->rakp);
	ss->state = SS_FREE;
	ss->bmc_sid = 0;
}

/* A BMC reboot forgets every session. */
static void check_epoch(struct ipmi_bmc *ib)
{
	for (int i = 0; i < SESS_SLOTS; i++) {
		struct ipmi_sess *ss = ib->sess[i];

		if (ss && ss->state != SS_FREE && ss->epoch != ib->b->boot_epoch)
			sess_free(ss);
	}
}

static struct ipmi_sess *sess_alloc(struct ipmi_bmc *ib)
{
	uint64_t now = now_ms(ib);
	struct ipmi_sess *ss = NULL, *oldest = NULL;
	uint8_t r[3];

	for (int i = 0; i < SESS_SLOTS && ss == NULL; i++) {
		struct ipmi_sess *c = ib->sess[i];

		if (c == NULL) {
			c = ib->sess[i] = xcalloc(1, sizeof(*c));
			c->ib = ib;
			c->slot = (uint8_t)(i + 1);
		}
		if (c->state != SS_FREE && now - c->last_ms > SESSION_IDLE_MS)
			sess_free(c);
		if (c->state == SS_FREE)
			ss = c;
		else if (c->state != SS_ACTIVE && (oldest == NULL || c->last_ms < oldest->last_ms))
			oldest = c;
	}
	/* Half-open sessions give way to new ones, as on BMCs under a scan. */
	if (ss == NULL && oldest != NULL) {
		sess_free(oldest);
		ss = oldest;
	}
	if (ss == NULL)
		return NULL;
	crypto_random(r, sizeof(r));
	ss->bmc_sid = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | ss->slot;
	ss->last_ms = now;
	ss->epoch = ib->b->boot_epoch;
	ss->in_high = ss->in_seen = 0;
	ss->out_seq = 0;
	return ss;
}

static struct ipmi_sess *sess_find(struct ipmi_bmc *ib, uint32_t bmc_sid)
{
	unsigned slot = bmc_sid & 0xff;
	struct ipmi_sess *ss;

	if (slot < 1 || slot > SESS_SLOTS)
		return NULL;
	ss = ib->sess[slot - 1];
	if (ss == NULL || ss->state == SS_FREE || ss->bmc_sid != bmc_sid)
		return NULL;
	return ss;
}

/* The session sequence number rule (IPMI v2.0 6.12.13): new numbers up to
 * 16 ahead, or not yet seen within 16 behind the highest. */
static int seq_accept(struct ipmi_sess *ss, uint32_t seq)
{
	uint32_t ahead = seq - ss->in_high, behind = ss->in_high - seq;

	if (seq == 0)
		return 0;
	if (ss->in_high == 0) {
		ss->in_high = seq;
		ss->in_seen = 0;
		return 1;
	}
	if (ahead >= 1 && ahead <= SEQ_WINDOW) {
		ss->in_seen = ahead >= 32 ? 0 : (ss->in_seen << ahead) | (1u << (ahead - 1));
		ss->in_high = seq;
		return 1;
	}
	if (behind >= 1 && behind <= SEQ_WINDOW && !(ss->in_seen & (1u << (behind - 1)))) {
		ss->in_seen |= 1u << (behind - 1);
		return 1;
	}
	return 0;
}

static const struct ipmi_session_keys *sess_keys(struct ipmi_sess *ss, int sol,
						 struct ipmi_session_keys *tmp)
{
	if (!sol || (ss->sol_encrypt && ss->sol_auth))
		return &ss->rakp.keys;
	/* SOL activated without encryption or authentication uses less. */
	*tmp = ss->rakp.keys;
	if (!ss->sol_encrypt)
		tmp->confidentiality = IPMI_CONF_NONE;
	if (!ss->sol_auth)
		tmp->integrity = IPMI_INTEG_NONE;
	return tmp;
}

/* Serial over LAN. */

static void sol_send(struct ipmi_sess *ss, const struct sol_packet *p)
{
	uint8_t buf[SOL_HEADER_LEN + SOL_CHUNK];
	struct ipmi_session_keys tmp;
	ssize_t n = sol_build(buf, sizeof(buf), p);

	if (n < 0)
		return;
	send_rmcpp(ss->ib, (const struct sockaddr *)&ss->peer, IPMI_PAYLOAD_SOL, ss->console_sid,
		   ++ss->out_seq, buf, (size_t)n, sess_keys(ss, 1, &tmp));
}

static void sol_send_data(struct ipmi_sess *ss)
{
	struct sol_packet p = {0};

	p.seq = ss->sol_tx_seq;
	p.data = ss->sol_tx;
	p.len = ss->sol_tx_len;
	ss->sol_tx_ms = now_ms(ss->ib);
	ss->sol_tries++;
	sol_send(ss, &p);
}

/* Send the host's next characters if nothing is waiting for an ack. */
static void sol_pump(struct ipmi_sess *ss)
{
	if (!ss->sol || ss->sol_tx_len > 0)
		return;
	ss->sol_tx_len = sim_console_take(ss->ib->b, ss->sol_tx, sizeof(ss->sol_tx));
	if (ss->sol_tx_len == 0)
		return;
	ss->sol_tx_seq = sol_next_seq(ss->sol_last_tx_seq);
	ss->sol_last_tx_seq = ss->sol_tx_seq;
	ss->sol_tries = 0;
	sol_send_data(ss);
}

static void on_console_output(struct sim_bmc *b)
{
	struct ipmi_sim *is = b->sim->ipmi;
	struct ipmi_bmc *ib = &is->bmcs[b->index];

	if (ib->sol_holder)
		sol_pump(ib->sol_holder);
}

static void on_sol_timer(uv_timer_t *t)
{
	struct ipmi_sim *is = t->data;
	uint64_t now = uv_now(is->sim->loop);

	for (struct ipmi_sess *ss = is->sol_list, *next; ss; ss = next) {
		next = ss->sol_next;
		if (ss->sol_tx_len == 0 || now - ss->sol_tx_ms < SOL_RETRY_MS)
			continue;
		if (ss->sol_tries >= SOL_RETRIES) {
			/* The console is gone or deaf: these characters are lost. */
			ss->sol_tx_len = 0;
			sol_pump(ss);
			continue;
		}
		sol_send_data(ss);
	}
}

static void sol_receive_packet(struct ipmi_sess *ss, const uint8_t *payload, size_t len)
{
	struct sol_packet p;

	if (!ss->sol || sol_parse(payload, len, &p) != 0) {
		ss->ib->is->malformed++;
		return;
	}
	if (p.ack_seq != 0 && p.ack_seq == ss->sol_tx_seq && ss->sol_tx_len > 0) {
		if (p.flags & SOL_OP_NACK) {
			/* The console is full: wait a retry interval, then resend. */
			ss->sol_tx_ms = now_ms(ss->ib);
		} else {
			size_t took = p.accepted < ss->sol_tx_len ? p.accepted : ss->sol_tx_len;

			memmove(ss->sol_tx, ss->sol_tx + took, ss->sol_tx_len - took);
			ss->sol_tx_len -= took;
			if (ss->sol_tx_len > 0) {
				/* What it did not take goes again under a new number. */
				ss->sol_tx_seq = sol_next_seq(ss->sol_last_tx_seq);
				ss->sol_last_tx_seq = ss->sol_tx_seq;
				ss->sol_tries = 0;
				sol_send_data(ss);
			} else {
				ss->sol_tx_seq = 0;
			}
		}
	}
	if (p.seq != 0) {
		struct sol_packet ack = {0};
		int dup = p.seq == ss->sol_rx_seq;

		ack.ack_seq = p.seq;
		ack.accepted = dup ? ss->sol_rx_count : (uint8_t)p.len;
		sol_send(ss, &ack);
		if (!dup) {
			ss->sol_rx_seq = p.seq;
			ss->sol_rx_count = (uint8_t)p.len;
			sim_console_input(ss->ib->b, p.data, p.len);
		}
	}
	sol_pump(ss);
}

/* Records the BMC serves: SDR, SEL, FRU. */

/* A Full Sensor Record (table 43-1) for sensor i; returns its length. */
static size_t sdr_record(const struct sim_bmc *b, size_t i, uint8_t *out)
{
	const struct sim_sensor *s = &b->sensors[i];
	size_t name_len = strlen(s->name);
	int discrete = s->kind == SIM_DISCRETE;
	uint16_t m = (uint16_t)(s->m & 0x3ff), bb = (uint16_t)(s->b & 0x3ff);
	uint8_t *p = out + 5, readable = 0;
	uint16_t assert_mask = 0, deassert_mask = 0;
	double th[6];

	memset(out, 0, 48 + name_len);
	put_le16(out, (uint16_t)(i + 1));
	out[2] = 0x51;
	out[3] = 0x01;
	out[4] = (uint8_t)(43 + name_len);
	/* Threshold order in the record: UNR, UCR, UNC, LNR, LCR, LNC. */
	th[0] = NAN, th[1] = s->ucr, th[2] = s->unc, th[3] = NAN, th[4] = s->lcr, th[5] = s->lnc;
	if (!discrete) {
		readable = (uint8_t)((!isnan(s->lnc) ? 0x01 : 0) | (!isnan(s->lcr) ? 0x02 : 0) |
				     (!isnan(s->unc) ? 0x08 : 0) | (!isnan(s->ucr) ? 0x10 : 0));
		/* Events: lower thresholds going low, upper going high; bits 12-14
		 * say which lower (assert mask) or upper (deassert mask)
		 * comparisons the reading returns. */
		assert_mask =
		    (uint16_t)((readable & 0x01 ? 0x0001 : 0) | (readable & 0x02 ? 0x0004 : 0) |
			       (readable & 0x08 ? 0x0080 : 0) | (readable & 0x10 ? 0x0200 : 0));
		deassert_mask = assert_mask;
		assert_mask |= (uint16_t)((readable & 0x07) << 12);
		deassert_mask |= (uint16_t)(((readable >> 3) & 0x07) << 12);
	} else {
		assert_mask = deassert_mask = 0x0003; /* presence, failure */
	}
	p[0] = IPMI_BMC_SLAVE_ADDR;
	p[1] = 0x00;
	p[2] = s->number;
	p[3] = discrete ? 0x0a : s->kind == SIM_FAN ? 0x1d : s->kind == SIM_TEMP ? 0x03 : 0x07;
	p[4] = 0x01;
	p[5] = 0x7f;
	p[6] = discrete ? 0x40 : 0x48;
	p[7] = s->ipmi_type;
	p[8] = discrete ? 0x6f : 0x01;
	put_le16(p + 9, assert_mask);
	put_le16(p + 11, deassert_mask);
	if (discrete) {
		put_le16(p + 13, 0x0003);
	} else {
		p[13] = readable;
		p[14] = readable;
	}
	p[15] = discrete ? 0xc0 : 0x00; /* unsigned analog; discrete: no reading */
	p[16] = s->unit;
	p[18] = 0x00; /* linear */
	p[19] = (uint8_t)(m & 0xff);
	p[20] = (uint8_t)((m >> 8) << 6);
	p[21] = (uint8_t)(bb & 0xff);
	p[22] = (uint8_t)((bb >> 8) << 6);
	p[24] = (uint8_t)(((s->k2 & 0x0f) << 4) | (s->k1 & 0x0f));
	if (!discrete) {
		p[25] = 0x01; /* nominal reading given */
		p[26] = sim_sensor_raw(s, s->nominal);
		p[29] = 0xff;
		p[30] = 0x00;
		for (int t = 0; t < 6; t++)
			p[31 + t] = isnan(th[t]) ? 0 : sim_sensor_raw(s, th[t]);
	}
	p[42] = (uint8_t)(0xc0 | name_len);
	memcpy(p + 43, s->name, name_len);
	return 48 + name_len;
}

static size_t fru_field(uint8_t *p, const char *text)
{
	size_t n = strlen(text);

	if (n > 63)
		n = 63;
	p[0] = (uint8_t)(0xc0 | n);
	memcpy(p + 1, text, n);
	return 1 + n;
}

/* Close an area: end marker, pad to 8 bytes, length and checksum. */
static size_t fru_area_end(uint8_t *area, size_t n)
{
	area[n++] = 0xc1;
	while ((n + 1) % 8)
		area[n++] = 0;
	area[1] = (uint8_t)((n + 1) / 8);
	area[n] = ipmi_checksum(area, n);
	return n + 1;
}

/* The FRU image (Platform Management FRU Information Storage Definition):
 * common header, chassis, board and product info areas.  Returns its size. */
static size_t fru_image(const struct sim_bmc *b, uint8_t *out)
{
	char buf[32];
	size_t n = 8, start;
	const uint32_t mfg_minutes = 14716800; /* 2023-12-25, minutes since 1996 */

	memset(out, 0, 512);
	out[0] = 0x01;
	/* Chassis. */
	start = n;
	out[2] = (uint8_t)(start / 8);
	out[n] = 0x01;
	out[n + 2] = 0x17; /* rack mount chassis */
	n += 3;
	n += fru_field(out + n, "CH-PART-1");
	snprintf(buf, sizeof(buf), "CSN%06u", b->index + 1);
	n += fru_field(out + n, buf);
	n = start + fru_area_end(out + start, n - start);
	/* Board. */
	start = n;
	out[3] = (uint8_t)(start / 8);
	out[n] = 0x01;
	out[n + 3] = mfg_minutes & 0xff;
	out[n + 4] = (mfg_minutes >> 8) & 0xff;
	out[n + 5] = (mfg_minutes >> 16) & 0xff;
	n += 6;
	n += fru_field(out + n, b->manufacturer);
	n += fru_field(out + n, "SIM-MB-2000");
	snprintf(buf, sizeof(buf), "BSN%06u", b->index + 1);
	n += fru_field(out + n, buf);
	n += fru_field(out + n, "MB-PART-42");
	n += fru_field(out + n, "");
	n = start + fru_area_end(out + start, n - start);
	/* Product. */
	start = n;
	out[4] = (uint8_t)(start / 8);
	out[n] = 0x01;
	n += 3;
	n += fru_field(out + n, b->manufacturer);
	n += fru_field(out + n, b->product);
	n += fru_field(out + n, b->part);
	n += fru_field(out + n, "1.0");
	n += fru_field(out + n, b->serial);
	snprintf(buf, sizeof(buf), "ASSET-%06u", b->index + 1);
	n += fru_field(out + n, buf);
	n += fru_field(out + n, "");
	n = start + fru_area_end(out + start, n - start);
	out[7] = ipmi_checksum(out, 7);
	return n;
}

/* Index of SEL entry id (0x0000 first, 0xFFFF last), or -1. */
static long sel_find(const struct sim_bmc *b, uint16_t id)
{
	if (b->nsel == 0)
		return -1;
	if (id == 0x0000)
		return 0;
	if (id == 0xffff)
		return (long)b->nsel - 1;
	for (size_t i = 0; i < b->nsel; i++)
		if (b->sel[i].id == id)
			return (long)i;
	return -1;
}

static void sel_record(const struct sim_sel_entry *e, uint8_t out[16])
{
	put_le16(out, e->id);
	out[2] = 0x02;
	put_le32(out + 3, e->timestamp);
	put_le16(out + 7, 0x0020);
	out[9] = 0x04;
	out[10] = e->sensor_type;
	out[11] = e->sensor_number;
	out[12] = e->event_dir_type;
	memcpy(out + 13, e->data, 3);
}

/* Commands. */

static void reply_data(struct reply *r, const void *data, size_t len)
{
	memcpy(r->data + r->len, data, len);
	r->len += len;
}

static void cmd_get_device_id(struct reply *r)
{
	static const uint8_t id[15] = {
	    0x20, 0x81, 0x02, 0x15,
	    0x02, 0x8f,	      /* SDRs; fw 2.15; IPMI 2.0; chassis FRU SEL SDR sensors */
	    0x00, 0x00, 0x00, /* manufacturer: unspecified (a simulator) */
	    0x5c, 0x0b,	      /* product */
	    0x00, 0x00, 0x00, 0x00};

	reply_data(r, id, sizeof(id));
}

static void cmd_auth_caps(const struct ipmi_msg_request *rq, struct reply *r)
{
	int v20 = rq->len >= 1 && (rq->data[0] & 0x80);
	/* Channel 1; v1.5 auth types: none offered; non-null user names only. */
	uint8_t caps[8] = {
	    0x01, (uint8_t)(v20 ? 0x80 : 0x00), 0x04, (uint8_t)(v20 ? 0x02 : 0x00), 0, 0, 0, 0};

	if (rq->len < 2) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	reply_data(r, caps, sizeof(caps));
}

static void cmd_cipher_suites(const struct ipmi_msg_request *rq, struct reply *r)
{
	/* Suite records: start of record, suite ID, auth, integrity, confidentiality. */
	static const uint8_t records[] = {0xc0, 0x03, 0x01, 0x41, 0x81,
					  0xc0, 0x11, 0x03, 0x44, 0x81};
	size_t index, off, n;

	if (rq->len < 3) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	index = rq->data[2] & 0x3f;
	off = index * 16;
	n = off < sizeof(records) ? sizeof(records) - off : 0;
	if (n > 16)
		n = 16;
	r->data[r->len++] = 0x01;
	if (n > 0)
		reply_data(r, records + off, n);
}

static void cmd_set_priv(struct ipmi_sess *ss, const struct ipmi_msg_request *rq, struct reply *r)
{
	uint8_t want;

	if (rq->len < 1) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	want = rq->data[0] & 0x0f;
	if (want == 0) {
		r->data[r->len++] = ss->priv;
		return;
	}
	if (want < PRIV_USER || want > PRIV_ADMIN) {
		r->ccode = CC_INVALID_DATA;
		return;
	}
	if (want > ss->max_priv) {
		r->ccode = CC_PRIV_TOO_HIGH;
		return;
	}
	ss->priv = want;
	r->data[r->len++] = want;
}

static void cmd_close_session(struct ipmi_sess *ss, const struct ipmi_msg_request *rq,
			      struct reply *r)
{
	uint32_t sid;
	struct ipmi_sess *other;

	if (rq->len < 4) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	sid = get_le32(rq->data);
	if (sid == ss->bmc_sid) {
		r->after = AFTER_CLOSE_SELF;
		return;
	}
	other = sess_find(ss->ib, sid);
	if (other == NULL) {
		r->ccode = CC_INVALID_SESSION;
		return;
	}
	sess_free(other);
}

static void cmd_activate_payload(struct ipmi_sess *ss, const struct ipmi_msg_request *rq,
				 struct reply *r)
{
	struct ipmi_bmc *ib = ss->ib;
	uint8_t out[12];

	if (rq->len < 6) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	if ((rq->data[0] & 0x3f) != IPMI_PAYLOAD_SOL) {
		r->ccode = SOL_CC_TYPE_DISABLED;
		return;
	}
	if ((rq->data[1] & 0x0f) != 1) {
		r->ccode = CC_INVALID_DATA;
		return;
	}
	if (ib->sol_holder != NULL) {
		r->ccode = SOL_CC_ALREADY_ACTIVE;
		return;
	}
	if ((rq->data[2] & SOL_AUX_ENCRYPT) && ss->rakp.keys.confidentiality == IPMI_CONF_NONE) {
		r->ccode = SOL_CC_NO_ENCRYPTION;
		return;
	}
	ss->sol = 1;
	ss->sol_encrypt = (rq->data[2] & SOL_AUX_ENCRYPT) != 0;
	ss->sol_auth = (rq->data[2] & SOL_AUX_AUTHENTICATE) != 0;
	ss->sol_tx_len = 0;
	ss->sol_tx_seq = ss->sol_last_tx_seq = 0;
	ss->sol_rx_seq = ss->sol_rx_count = 0;
	ib->sol_holder = ss;
	ss->sol_next = ib->is->sol_list;
	ss->sol_prev = NULL;
	if (ss->sol_next)
		ss->sol_next->sol_prev = ss;
	ib->is->sol_list = ss;
	ib->is->sol_activations++;
	memset(out, 0, 4);
	put_le16(out + 4, SOL_SIZE);
	put_le16(out + 6, SOL_SIZE);
	put_le16(out + 8, ntohs(((const struct sockaddr_in *)&ib->b->ipmi_addr)->sin_port));
	put_le16(out + 10, 0xffff);
	reply_data(r, out, sizeof(out));
	r->after = AFTER_SOL_ATTACH;
}

static void cmd_deactivate_payload(struct ipmi_sess *ss, const struct ipmi_msg_request *rq,
				   struct reply *r)
{
	if (rq->len < 2) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	if ((rq->data[0] & 0x3f) != IPMI_PAYLOAD_SOL || (rq->data[1] & 0x0f) != 1 ||
	    ss->ib->sol_holder == NULL) {
		r->ccode = SOL_CC_ALREADY_ACTIVE; /* here: already deactivated */
		return;
	}
	if (ss->ib->sol_holder != ss) {
		/* Taken over: tell the holder, as the spec has a BMC do, with a
		 * packet whose status says "SOL deactivating". */
		struct sol_packet bye = {.flags = SOL_ST_DEACTIVATING};

		sol_send(ss->ib->sol_holder, &bye);
	}
	sol_deactivate(ss->ib->sol_holder);
}

static void cmd_payload_status(struct ipmi_sess *ss, const struct ipmi_msg_request *rq,
			       struct reply *r)
{
	if (rq->len < 1) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	if ((rq->data[0] & 0x3f) == IPMI_PAYLOAD_SOL) {
		r->data[r->len++] = 1;
		r->data[r->len++] = ss->ib->sol_holder ? 1 : 0;
	} else {
		r->data[r->len++] = 0;
		r->data[r->len++] = 0;
	}
	r->data[r->len++] = 0;
}

static void cmd_payload_instance(struct ipmi_sess *ss, const struct ipmi_msg_request *rq,
				 struct reply *r)
{
	uint8_t out[12] = {0};

	if (rq->len < 2) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	if ((rq->data[0] & 0x3f) != IPMI_PAYLOAD_SOL || (rq->data[1] & 0x0f) != 1) {
		r->ccode = CC_INVALID_DATA;
		return;
	}
	if (ss->ib->sol_holder) {
		put_le32(out, ss->ib->sol_holder->bmc_sid);
		out[4] = 1; /* serial port 1 */
	}
	reply_data(r, out, sizeof(out));
}

static void cmd_chassis_status(struct sim_bmc *b, uint64_t now, struct reply *r)
{
	int identify = b->identify_forced ? 2 : now < b->identify_until_ms ? 1 : 0;
	uint8_t st[4] = {(uint8_t)(0x20 | (b->power ? 0x01 : 0)), 0x00,
			 (uint8_t)(0x40 | identify << 4), 0x00};

	reply_data(r, st, sizeof(st));
}

static void cmd_chassis_control(struct sim_bmc *b, const struct ipmi_msg_request *rq,
				struct reply *r)
{
	if (rq->len < 1) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	switch (rq->data[0] & 0x0f) {
	case 0x00: /* power down */
	case 0x05: /* soft shutdown */
		sim_set_power(b, 0);
		break;
	case 0x01:
		sim_set_power(b, 1);
		break;
	case 0x02: /* power cycle */
	case 0x03: /* hard reset */
		sim_reset(b);
		break;
	case 0x04: /* diagnostic interrupt */
		sim_console_print(b, "\r\nKernel panic - not syncing: NMI: Not continuing\r\n");
		break;
	default:
		r->ccode = CC_INVALID_DATA;
		break;
	}
}

static void cmd_identify(struct sim_bmc *b, uint64_t now, const struct ipmi_msg_request *rq)
{
	unsigned seconds = rq->len >= 1 ? rq->data[0] : 15;

	b->identify_forced = rq->len >= 2 && (rq->data[1] & 0x01);
	b->identify_until_ms = now + seconds * 1000ULL;
}

static void cmd_get_boot_options(struct sim_bmc *b, const struct ipmi_msg_request *rq,
				 struct reply *r)
{
	uint8_t param;

	if (rq->len < 3) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	param = rq->data[0] & 0x7f;
	r->data[r->len++] = 0x01; /* parameter version */
	r->data[r->len++] = param;
	switch (param) {
	case 0: /* set in progress */
	case 3: /* service partition scan */
	case 1:
	case 2:
		r->data[r->len++] = 0;
		break;
	case 4: /* boot info acknowledge */
		r->data[r->len++] = 0;
		r->data[r->len++] = 0;
		break;
	case 5: /* boot flags */
		r->data[r->len++] =
		    (uint8_t)((b->boot_device ? 0x80 : 0) | (b->boot_persistent ? 0x40 : 0));
		r->data[r->len++] = (uint8_t)(b->boot_device << 2);
		r->data[r->len++] = 0;
		r->data[r->len++] = 0;
		r->data[r->len++] = 0;
		break;
	default:
		r->len = 0;
		r->ccode = CC_PARAM_UNSUPP;
		break;
	}
}

static void cmd_set_boot_options(struct sim_bmc *b, const struct ipmi_msg_request *rq,
				 struct reply *r)
{
	if (rq->len < 1) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	switch (rq->data[0] & 0x7f) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
		break;
	case 5:
		if (rq->len < 3) {
			r->ccode = CC_REQ_LEN;
			return;
		}
		b->boot_device = (rq->data[1] & 0x80) ? (rq->data[2] >> 2) & 0x0f : 0;
		b->boot_persistent = (rq->data[1] & 0x40) != 0;
		break;
	default:
		r->ccode = CC_PARAM_UNSUPP;
		break;
	}
}

static void cmd_sensor_reading(struct sim_bmc *b, const struct ipmi_msg_request *rq,
			       struct reply *r)
{
	const struct sim_sensor *s;

	if (rq->len < 1) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	if (rq->data[0] < 1 || rq->data[0] > b->nsensors) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	s = &b->sensors[rq->data[0] - 1];
	if (s->kind == SIM_DISCRETE) {
		uint8_t d[4] = {0, 0xc0, (uint8_t)(s->discrete_state & 0xff),
				(uint8_t)(0x80 | ((s->discrete_state >> 8) & 0x7f))};

		reply_data(r, d, sizeof(d));
	} else {
		uint8_t d[4] = {sim_sensor_raw(s, s->value), 0xc0, sim_sensor_threshold_bits(s),
				0x80};

		reply_data(r, d, sizeof(d));
	}
}

static void cmd_sensor_thresholds(struct sim_bmc *b, const struct ipmi_msg_request *rq,
				  struct reply *r)
{
	const struct sim_sensor *s;
	uint8_t d[7] = {0};

	if (rq->len < 1) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	if (rq->data[0] < 1 || rq->data[0] > b->nsensors) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	s = &b->sensors[rq->data[0] - 1];
	if (s->kind != SIM_DISCRETE) {
		const double th[6] = {s->lnc, s->lcr, NAN, s->unc, s->ucr, NAN};

		for (int i = 0; i < 6; i++) {
			if (isnan(th[i]))
				continue;
			d[0] |= (uint8_t)(1 << i);
			d[1 + i] = sim_sensor_raw(s, th[i]);
		}
	}
	reply_data(r, d, sizeof(d));
}

/* Reserve SDR Repository / Reserve SEL: a new nonzero ID each time. */
static void reserve(uint16_t *resv, struct reply *r)
{
	if (++*resv == 0)
		*resv = 1;
	put_le16(r->data, *resv);
	r->len = 2;
}

static void cmd_sdr_info(struct sim_bmc *b, struct reply *r)
{
	uint8_t d[14] = {0x51};

	put_le16(d + 1, (uint16_t)b->nsensors);
	put_le16(d + 3, 0);
	put_le32(d + 5, b->sdr_add_ts);
	put_le32(d + 9, 0);
	d[13] = 0x02; /* reserve supported */
	reply_data(r, d, sizeof(d));
}

static void cmd_get_sdr(struct ipmi_bmc *ib, const struct ipmi_msg_request *rq, struct reply *r)
{
	struct sim_bmc *b = ib->b;
	uint8_t rec[64 + 16];
	uint16_t resv, id;
	size_t len, off, count;

	if (rq->len < 6) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	resv = get_le16(rq->data);
	id = get_le16(rq->data + 2);
	off = rq->data[4];
	count = rq->data[5];
	if (off > 0 && resv != ib->sdr_resv) {
		r->ccode = CC_RESERVATION;
		return;
	}
	if (id == 0)
		id = 1;
	if (id == 0xffff)
		id = (uint16_t)b->nsensors;
	if (id < 1 || id > b->nsensors) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	len = sdr_record(b, id - 1, rec);
	if (off > len) {
		r->ccode = CC_OUT_OF_RANGE;
		return;
	}
	if (count == 0xff || off + count > len)
		count = len - off;
	put_le16(r->data, id == b->nsensors ? 0xffff : (uint16_t)(id + 1));
	r->len = 2;
	reply_data(r, rec + off, count);
}

static void cmd_sel_info(struct sim_bmc *b, struct reply *r)
{
	uint8_t d[14] = {0x51};

	put_le16(d + 1, (uint16_t)b->nsel);
	put_le16(d + 3, (uint16_t)((SIM_SEL_MAX - b->nsel) * 16));
	put_le32(d + 5, b->sel_add_ts);
	put_le32(d + 9, b->sel_erase_ts);
	d[13] = 0x02;
	reply_data(r, d, sizeof(d));
}

static void cmd_get_sel(struct ipmi_bmc *ib, const struct ipmi_msg_request *rq, struct reply *r)
{
	struct sim_bmc *b = ib->b;
	uint8_t rec[16];
	size_t off, count;
	long i;

	if (rq->len < 6) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	off = rq->data[4];
	count = rq->data[5];
	if (off > 0 && get_le16(rq->data) != ib->sel_resv) {
		r->ccode = CC_RESERVATION;
		return;
	}
	i = sel_find(b, get_le16(rq->data + 2));
	if (i < 0) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	if (off > 16) {
		r->ccode = CC_OUT_OF_RANGE;
		return;
	}
	if (count == 0xff || off + count > 16)
		count = 16 - off;
	sel_record(&b->sel[i], rec);
	put_le16(r->data, (size_t)i + 1 < b->nsel ? b->sel[i + 1].id : 0xffff);
	r->len = 2;
	reply_data(r, rec + off, count);
}

static void cmd_fru_info(struct sim_bmc *b, const struct ipmi_msg_request *rq, struct reply *r)
{
	uint8_t img[512];
	uint8_t d[3];

	if (rq->len < 1) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	if (rq->data[0] != 0) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	put_le16(d, (uint16_t)fru_image(b, img));
	d[2] = 0x00; /* byte access */
	reply_data(r, d, sizeof(d));
}

static void cmd_fru_read(struct sim_bmc *b, const struct ipmi_msg_request *rq, struct reply *r)
{
	uint8_t img[512];
	size_t size, off, count;

	if (rq->len < 4) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	if (rq->data[0] != 0) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	size = fru_image(b, img);
	off = (size_t)get_le16(rq->data + 1);
	count = rq->data[3];
	if (off >= size) {
		r->ccode = CC_OUT_OF_RANGE;
		return;
	}
	if (count > 64)
		count = 64;
	if (off + count > size)
		count = size - off;
	r->data[r->len++] = (uint8_t)count;
	reply_data(r, img + off, count);
}

static void cmd_sol_config(struct ipmi_bmc *ib, const struct ipmi_msg_request *rq, struct reply *r)
{
	uint16_t port = ntohs(((const struct sockaddr_in *)&ib->b->ipmi_addr)->sin_port);

	if (rq->len < 4) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	r->data[r->len++] = 0x11; /* parameter revision */
	if (rq->data[0] & 0x80)
		return;
	switch (rq->data[1]) {
	case 0: /* set in progress */
		r->data[r->len++] = 0;
		break;
	case 1: /* SOL enable */
		r->data[r->len++] = 1;
		break;
	case 2: /* authentication: user privilege, nothing forced */
		r->data[r->len++] = PRIV_USER;
		break;
	case 3: /* character accumulate interval, send threshold */
		r->data[r->len++] = 0x0c;
		r->data[r->len++] = 0x60;
		break;
	case 4: /* retry count, interval */
		r->data[r->len++] = 0x07;
		r->data[r->len++] = 0x32;
		break;
	case 5: /* bit rates: 115200 */
	case 6:
		r->data[r->len++] = 0x0a;
		break;
	case 7: /* payload channel */
		r->data[r->len++] = 0x01;
		break;
	case 8: /* payload port */
		put_le16(r->data + r->len, port);
		r->len += 2;
		break;
	default:
		r->len = 0;
		r->ccode = CC_PARAM_UNSUPP;
		break;
	}
}

static void cmd_channel_info(struct ipmi_bmc *ib, struct reply *r)
{
	uint8_t d[9] = {0x01, 0x04, 0x01, 0x80, 0xf2, 0x1b, 0x00, 0xff, 0xff};
	unsigned active = 0;

	for (int i = 0; i < SESS_SLOTS; i++)
		if (ib->sess[i] && ib->sess[i]->state == SS_ACTIVE)
			active++;
	d[3] |= (uint8_t)active;
	reply_data(r, d, sizeof(d));
}

/* The privilege a command needs, the least that most BMCs ask for. */
static uint8_t cmd_privilege(uint8_t netfn, uint8_t cmd)
{
	if (netfn == IPMI_NETFN_CHASSIS && (cmd == 0x02 || cmd == 0x04 || cmd == 0x08))
		return PRIV_OPERATOR;
	if (netfn == IPMI_NETFN_TRANSPORT && cmd == 0x21)
		return PRIV_ADMIN;
	if (netfn == IPMI_NETFN_APP && (cmd == 0x38 || cmd == 0x3b || cmd == 0x3c || cmd == 0x54))
		return PRIV_CALLBACK;
	return PRIV_USER;
}

/* Answer one request; ss is NULL outside a session (only the commands the
 * spec allows there are answered). */
static void dispatch(struct ipmi_bmc *ib, struct ipmi_sess *ss, const struct ipmi_msg_request *rq,
		     struct reply *r)
{
	struct sim_bmc *b = ib->b;
	uint64_t now = now_ms(ib);
	uint16_t key = (uint16_t)(rq->netfn << 8 | rq->cmd);

	r->ccode = CC_OK;
	r->len = 0;
	r->after = AFTER_NONE;
	if (ss == NULL && key != (IPMI_NETFN_APP << 8 | 0x38) && key != (IPMI_NETFN_APP << 8 | 0x54) &&
	    key != (IPMI_NETFN_APP << 8 | 0x37)) {
		r->ccode = CC_INSUFFICIENT;
		return;
	}
	if (ss != NULL && ss->priv < cmd_privilege(rq->netfn, rq->cmd)) {
		r->ccode = CC_INSUFFICIENT;
		return;
	}
	switch (key) {
	case IPMI_NETFN_APP << 8 | 0x01:
		cmd_get_device_id(r);
		break;
	case IPMI_NETFN_APP << 8 | 0x37: /* Get System GUID */
		reply_data(r, ib->guid, sizeof(ib->guid));
		break;
	case IPMI_NETFN_APP << 8 | 0x38:
		cmd_auth_caps(rq, r);
		break;
	case IPMI_NETFN_APP << 8 | 0x3b:
		cmd_set_priv(ss, rq, r);
		break;
	case IPMI_NETFN_APP << 8 | 0x3c:
		cmd_close_session(ss, rq, r);
		break;
	case IPMI_NETFN_APP << 8 | 0x42:
		cmd_channel_info(ib, r);
		break;
	case IPMI_NETFN_APP << 8 | IPMI_CMD_ACTIVATE_PAYLOAD:
		cmd_activate_payload(ss, rq, r);
		break;
	case IPMI_NETFN_APP << 8 | IPMI_CMD_DEACTIVATE_PAYLOAD:
		cmd_deactivate_payload(ss, rq, r);
		break;
	case IPMI_NETFN_APP << 8 | IPMI_CMD_GET_PAYLOAD_ACTIVATION_STATUS:
		cmd_payload_status(ss, rq, r);
		break;
	case IPMI_NETFN_APP << 8 | IPMI_CMD_GET_PAYLOAD_INSTANCE_INFO:
		cmd_payload_instance(ss, rq, r);
		break;
	case IPMI_NETFN_APP << 8 | 0x54:
		cmd_cipher_suites(rq, r);
		break;
	case IPMI_NETFN_APP << 8 | 0x4e: { /* Get Channel Payload Support: IPMI, SOL, session setup */
		const uint8_t d[8] = {0x03, 0x00, 0x3f, 0x00, 0, 0, 0, 0};

		reply_data(r, d, sizeof(d));
		break;
	}
	case IPMI_NETFN_APP << 8 | 0x4f: /* Get Channel Payload Version: 1.0 */
		r->data[r->len++] = 0x10;
		break;
	case IPMI_NETFN_CHASSIS << 8 | 0x01:
		cmd_chassis_status(b, now, r);
		break;
	case IPMI_NETFN_CHASSIS << 8 | 0x02:
		cmd_chassis_control(b, rq, r);
		break;
	case IPMI_NETFN_CHASSIS << 8 | 0x04:
		cmd_identify(b, now, rq);
		break;
	case IPMI_NETFN_CHASSIS << 8 | 0x08:
		cmd_set_boot_options(b, rq, r);
		break;
	case IPMI_NETFN_CHASSIS << 8 | 0x09:
		cmd_get_boot_options(b, rq, r);
		break;
	case IPMI_NETFN_SENSOR << 8 | 0x2d:
		cmd_sensor_reading(b, rq, r);
		break;
	case IPMI_NETFN_SENSOR << 8 | 0x27:
		cmd_sensor_thresholds(b, rq, r);
		break;
	case IPMI_NETFN_STORAGE << 8 | 0x10:
		cmd_fru_info(b, rq, r);
		break;
	case IPMI_NETFN_STORAGE << 8 | 0x11:
		cmd_fru_read(b, rq, r);
		break;
	case IPMI_NETFN_STORAGE << 8 | 0x20:
		cmd_sdr_info(b, r);
		break;
	case IPMI_NETFN_STORAGE << 8 | 0x22:
		reserve(&ib->sdr_resv, r);
		break;
	case IPMI_NETFN_STORAGE << 8 | 0x23:
		cmd_get_sdr(ib, rq, r);
		break;
	case IPMI_NETFN_STORAGE << 8 | 0x40:
		cmd_sel_info(b, r);
		break;
	case IPMI_NETFN_STORAGE << 8 | 0x42:
		reserve(&ib->sel_resv, r);
		break;
	case IPMI_NETFN_STORAGE << 8 | 0x43:
		cmd_get_sel(ib, rq, r);
		break;
	case IPMI_NETFN_STORAGE << 8 | 0x48: /* Get SEL Time */
		put_le32(r->data, (uint32_t)time(NULL));
		r->len = 4;
		break;
	case IPMI_NETFN_TRANSPORT << 8 | 0x21: /* Set SOL Configuration: accepted, not kept */
		break;
	case IPMI_NETFN_TRANSPORT << 8 | 0x22:
		cmd_sol_config(ib, rq, r);
		break;
	default:
		ib->is->unknown_cmds++;
		if (ib->is->sim->opt.verbose)
			fprintf(stderr, "bmcsim: %s: no command netfn 0x%02x cmd 0x%02x\n", b->name,
				rq->netfn, rq->cmd);
		r->ccode = CC_INVALID_CMD;
		break;
	}
}

/* Build the response message for rq into msg_buf; returns its length. */
static size_t response_msg(const struct ipmi_msg_request *rq, const struct reply *r)
{
	ssize_t n = ipmi_msg_build_response(msg_buf, sizeof(msg_buf), rq, r->ccode, r->data,
					    r->ccode == CC_OK ? r->len : 0);

	return n > 0 ? (size_t)n : 0;
}

/* Session setup. */

/* Match proposed algorithms to suite 17 or 3 (any left open are the BMC's
 * choice, strongest first); 0 or an RMCP+ status code. */
static uint8_t choose_suite(const struct ipmi_open_session_req *q, struct ipmi_cipher *c)
{
	static const int suites[] = {17, 3};

	if (q->auth != -1 && q->auth != IPMI_AUTH_HMAC_SHA1 && q->auth != IPMI_AUTH_HMAC_SHA256)
		return ST_INVALID_AUTH;
	if (q->integrity != -1 && q->integrity != IPMI_INTEG_HMAC_SHA1_96 &&
	    q->integrity != IPMI_INTEG_HMAC_SHA256_128)
		return ST_INVALID_INTEG;
	if (q->confidentiality != -1 && q->confidentiality != IPMI_CONF_AES_CBC_128)
		return ST_INVALID_CONF;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		ipmi_cipher_lookup(suites[i], c);
		if ((q->auth == -1 || q->auth == (int)c->auth) &&
		    (q->integrity == -1 || q->integrity == (int)c->integrity) &&
		    (q->confidentiality == -1 || q->confidentiality == (int)c->confidentiality))
			return 0;
	}
	return ST_NO_SUITE_MATCH;
}

static int same_peer(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return 0;
	if (b->sa_family == AF_INET)
		return memcmp(a, b, sizeof(struct sockaddr_in)) == 0;
	return memcmp(a, b, sizeof(struct sockaddr_in6)) == 0;
}

static void save_peer(struct ipmi_sess *ss, const struct sockaddr *addr)
{
	memcpy(&ss->peer, addr,
	       addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					   : sizeof(struct sockaddr_in));
}

static void on_open_session(struct ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *p,
			    size_t len)
{
	struct ipmi_open_session_req q;
	struct ipmi_open_session_rsp rsp;
	struct ipmi_cipher c;
	struct ipmi_sess *ss = NULL;
	uint8_t out[36];

	if (ipmi_open_session_req_parse(p, len, &q) != 0) {
		ib->is->malformed++;
		return;
	}
	memset(&rsp, 0, sizeof(rsp));
	rsp.tag = q.tag;
	rsp.console_sid = q.console_sid;
	rsp.status = choose_suite(&q, &c);
	if (rsp.status == 0 && q.max_priv > PRIV_ADMIN)
		rsp.status = ST_INVALID_ROLE;
	/* A retransmitted request gets the session it already opened. */
	for (int i = 0; i < SESS_SLOTS && rsp.status == 0; i++) {
		struct ipmi_sess *c2 = ib->sess[i];

		if (c2 && c2->state == SS_OPENED && c2->console_sid == q.console_sid &&
		    same_peer(&c2->peer, addr))
			ss = c2;
	}
	if (rsp.status == 0 && ss == NULL) {
		ss = sess_alloc(ib);
		if (ss == NULL)
			rsp.status = ST_NO_RESOURCES;
	}
	if (rsp.status == 0) {
		ss->state = SS_OPENED;
		ss->console_sid = q.console_sid;
		ss->suite = c.suite;
		ss->max_priv = q.max_priv ? q.max_priv : PRIV_ADMIN;
		save_peer(ss, addr);
		rsp.max_priv = ss->max_priv;
		rsp.bmc_sid = ss->bmc_sid;
		rsp.auth = c.auth;
		rsp.integrity = c.integrity;
		rsp.confidentiality = c.confidentiality;
	}
	send_rmcpp(ib, addr, IPMI_PAYLOAD_OPEN_SESSION_RSP, 0, 0, out,
		   ipmi_open_session_rsp_build(out, &rsp), NULL);
}

static void on_rakp1(struct ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *p, size_t len)
{
	struct sim *s = ib->is->sim;
	struct sim_bmc *b = ib->b;
	struct ipmi_rakp1 m1;
	struct ipmi_rakp proof;
	struct ipmi_sess *ss;
	uint8_t out[128], status = 0;
	size_t n;

	if (ipmi_rakp1_parse(p, len, &m1) != 0) {
		ib->is->malformed++;
		return;
	}
	ss = sess_find(ib, m1.bmc_sid);
	if (ss == NULL || (ss->state != SS_OPENED && ss->state != SS_RAKP2)) {
		struct ipmi_rakp none = {0};

		/* RAKP 2 carries the console's session ID, which we do not know here:
		 * answer with the status only, as BMCs do. */
		n = ipmi_rakp2_build(out, sizeof(out), m1.tag, ST_INVALID_SID, &none);
		send_rmcpp(ib, addr, IPMI_PAYLOAD_RAKP2, 0, 0, out, n, NULL);
		return;
	}
	b->logins++;
	ss->last_ms = now_ms(ib);
	if (m1.user_len != strlen(s->opt.user) || memcmp(m1.user, s->opt.user, m1.user_len) != 0 ||
	    b->authfail == 1)
		status = ST_UNAUTH_NAME;
	else if ((m1.role & 0x0f) < PRIV_CALLBACK || (m1.role & 0x0f) > PRIV_ADMIN)
		status = ST_INVALID_ROLE;
	if (ss->state != SS_RAKP2 || memcmp(ss->rakp.rm, m1.rm, 16) != 0) {
		ipmi_rakp_init(&ss->rakp, ss->suite, 0, (const char *)m1.user, m1.user_len,
			       (const uint8_t *)s->opt.password, strlen(s->opt.password), NULL, 0,
			       ss->console_sid, m1.rm);
		ss->rakp.role = m1.role; /* the MACs cover the byte as sent */
		ss->rakp.bmc_sid = ss->bmc_sid;
		memcpy(ss->rakp.guid, ib->guid, 16);
		crypto_random(ss->rakp.rc, sizeof(ss->rakp.rc));
	}
	if (status != 0) {
		b->login_failures++;
		ib->is->login_failures++;
		n = ipmi_rakp2_build(out, sizeof(out), m1.tag, status, &ss->rakp);
		sess_free(ss);
		send_rmcpp(ib, addr, IPMI_PAYLOAD_RAKP2, 0, 0, out, n, NULL);
		return;
	}
	proof = ss->rakp;
	if (b->authfail == 2) {
		/* The BMC holds another password: its proof will not verify. */
		proof.kuid[0] ^= 0x5a;
		b->login_failures++;
		ib->is->login_failures++;
	}
	n = ipmi_rakp2_build(out, sizeof(out), m1.tag, 0, &proof);
	ipmi_rakp_wipe(&proof);
	ss->state = SS_RAKP2;
	ss->max_priv = m1.role & 0x0f;
	save_peer(ss, addr);
	send_rmcpp(ib, addr, IPMI_PAYLOAD_RAKP2, 0, 0, out, n, NULL);
}

static void on_rakp3(struct ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *p, size_t len)
{
	struct ipmi_rakp3 m3;
	struct ipmi_sess *ss;
	uint8_t out[64];
	size_t n;

	if (ipmi_rakp3_parse(p, len, &m3) != 0) {
		ib->is->malformed++;
		return;
	}
	ss = sess_find(ib, m3.bmc_sid);
	if (ss == NULL || (ss->state != SS_RAKP2 && ss->state != SS_ACTIVE))
		return;
	if (m3.status != 0) {
		/* The console gave up (it did not trust our RAKP 2). */
		sess_free(ss);
		return;
	}
	if (ib->b->authfail == 2 ||
	    ipmi_rakp3_verify(&ss->rakp, m3.auth_code, m3.auth_code_len) != 0) {
		ib->b->login_failures++;
		ib->is->login_failures++;
		n = ipmi_rakp4_build(out, sizeof(out), m3.tag, ST_INVALID_ICV, &ss->rakp);
		sess_free(ss);
		send_rmcpp(ib, addr, IPMI_PAYLOAD_RAKP4, 0, 0, out, n, NULL);
		return;
	}
	if (ss->state == SS_RAKP2) {
		ipmi_rakp_derive_keys(&ss->rakp);
		ss->state = SS_ACTIVE;
		ss->priv = ss->max_priv < PRIV_USER ? ss->max_priv : PRIV_USER;
		ss->in_high = ss->in_seen = 0;
		ss->out_seq = 0;
		ib->is->sessions++;
	}
	ss->last_ms = now_ms(ib);
	save_peer(ss, addr);
	n = ipmi_rakp4_build(out, sizeof(out), m3.tag, 0, &ss->rakp);
	send_rmcpp(ib, addr, IPMI_PAYLOAD_RAKP4, 0, 0, out, n, NULL);
}

/* Packets. */

static void on_asf(struct ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *buf, size_t len)
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
	send_packet(ib, addr, pong, sizeof(pong));
}

/* Session-less requests (Get Channel Auth Caps and friends) in either format. */
static void on_sessionless(struct ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *msg,
			   size_t len, int v15)
{
	struct ipmi_msg_request rq;
	struct reply r;
	size_t n;

	if (ipmi_msg_parse_request(msg, len, &rq) != 0) {
		ib->is->malformed++;
		return;
	}
	dispatch(ib, NULL, &rq, &r);
	n = response_msg(&rq, &r);
	if (n == 0)
		return;
	if (v15) {
		ssize_t m = ipmi_v15_build(pkt_buf, sizeof(pkt_buf), msg_buf, n);

		if (m > 0)
			send_packet(ib, addr, pkt_buf, (size_t)m);
	} else {
		send_rmcpp(ib, addr, IPMI_PAYLOAD_IPMI, 0, 0, msg_buf, n, NULL);
	}
}

static void on_session_packet(struct ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *buf,
			      size_t len, uint32_t sid)
{
	struct ipmi_sess *ss = sess_find(ib, sid);
	struct ipmi_rmcpp_packet p;
	struct ipmi_session_keys tmp;
	struct ipmi_msg_request rq;
	struct reply r;
	size_t n;
	int sol = (buf[5] & 0x3f) == IPMI_PAYLOAD_SOL, rc;

	if (ss == NULL || ss->state != SS_ACTIVE) {
		ib->is->malformed++;
		if (ib->is->sim->opt.verbose)
			fprintf(stderr, "bmcsim: %s: packet for no active session (0x%08x)\n",
				ib->b->name, sid);
		return;
	}
	rc = ipmi_rmcpp_parse(buf, len, sess_keys(ss, sol, &tmp), &p, scratch, sizeof(scratch));
	if (rc != 0 || !seq_accept(ss, p.seq)) {
		ib->is->malformed++;
		if (ib->is->sim->opt.verbose)
			fprintf(stderr, "bmcsim: %s: session packet dropped (%s)\n", ib->b->name,
				rc != 0 ? "codec" : "sequence number");
		return;
	}
	ss->last_ms = now_ms(ib);
	save_peer(ss, addr);
	if (p.type == IPMI_PAYLOAD_SOL) {
		sol_receive_packet(ss, p.payload, p.payload_len);
		return;
	}
	if (p.type != IPMI_PAYLOAD_IPMI ||
	    ipmi_msg_parse_request(p.payload, p.payload_len, &rq) != 0) {
		ib->is->malformed++;
		return;
	}
	dispatch(ib, ss, &rq, &r);
	n = response_msg(&rq, &r);
	if (n > 0)
		send_rmcpp(ib, addr, IPMI_PAYLOAD_IPMI, ss->console_sid, ++ss->out_seq, msg_buf, n,
			   &ss->rakp.keys);
	if (r.after == AFTER_CLOSE_SELF)
		sess_free(ss);
	else if (r.after == AFTER_SOL_ATTACH)
		sim_console_attach(ib->b);
}

static void handle_packet(struct ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *buf,
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
	check_epoch(ib);
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
		on_open_session(ib, addr, p.payload, p.payload_len);
		break;
	case IPMI_PAYLOAD_RAKP1:
		on_rakp1(ib, addr, p.payload, p.payload_len);
		break;
	case IPMI_PAYLOAD_RAKP3:
		on_rakp3(ib, addr, p.payload, p.payload_len);
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
static void receive(struct ipmi_bmc *ib, const struct sockaddr *from, const uint8_t *buf,
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
	struct ipmi_bmc *ib = h->data;
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

static int start_bmc(struct ipmi_sim *is, unsigned i, char **err)
{
	struct sim *s = is->sim;
	struct ipmi_bmc *ib = &is->bmcs[i];
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
	struct ipmi_sim *is = xcalloc(1, sizeof(*is));

	is->sim = s;
	s->ipmi = is;
	s->console_output = on_console_output;
	is->bmcs = xcalloc(s->nbmcs, sizeof(*is->bmcs));
	uv_timer_init(s->loop, &is->sol_timer);
	is->sol_timer.data = is;
	uv_timer_start(&is->sol_timer, on_sol_timer, SOL_TIMER_MS, SOL_TIMER_MS);
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
	struct ipmi_sim *is = s->ipmi;

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
	struct ipmi_sim *is = s->ipmi;

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
	const struct ipmi_sim *is = s->ipmi;

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
	struct ipmi_sim *is = xcalloc(1, sizeof(*is));

	is->sim = s;
	s->ipmi = is;
	s->console_output = on_console_output;
	is->bmcs = xcalloc(s->nbmcs, sizeof(*is->bmcs));
	for (unsigned i = 0; i < s->nbmcs; i++) {
		is->bmcs[i].b = &s->bmcs[i];
		is->bmcs[i].is = is;
		is->bmcs[i].fd = -1;
		s->bmcs[i].ipmi = &is->bmcs[i];
	}
	fuzz_sent = sent;
}

void sim_ipmi_fuzz_receive(struct sim_bmc *b, const struct sockaddr *from, const uint8_t *buf,
			   size_t len)
{
	receive(b->ipmi, from, buf, len);
}
#endif
