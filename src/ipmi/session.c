/*
 * ipmi/session.c - the RMCP+ session state machine for one BMC.
 *
 * Session setup is a chain of single packets (auth capabilities, Open
 * Session, RAKP 1 and 3, Set Session Privilege), each retransmitted on its
 * own timer; afterwards requests go out one at a time from a FIFO.  One
 * outstanding request per BMC is deliberate: BMCs are small machines that
 * answer slowly and drop what they cannot buffer, and the fleet gets its
 * parallelism from many BMCs, not from many requests to one.
 *
 * Every packet from the BMC is checked before it can change anything:
 * integrity, session ID, a replay window on sequence numbers, and a match
 * on netFn, command and rqSeq with the request in flight.  A packet that
 * fails is dropped and counted (the owner's counters), never trusted.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/capture.h"
#include "core/cred.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/host.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "ipmi/session-internal.h"
#include "ipmi/session.h"
#include "ipmi/sol.h"

/* A BMC drops an idle session after 60 s by default (IPMI v2.0 22.18). */
#define KEEPALIVE_MS 45000
/* A session idle this long may be gone: a timeout re-opens it once. */
#define STALE_MS 20000
/* Close Session is polite, not essential: wait this long at most. */
#define CLOSE_WAIT_MS 500
/* The shortest retransmission timeout the round-trip estimate may give. */
#define MIN_RTO_MS 500

static void session_send_next(struct ipmi_session *s);

const char *ipmi_session_state_name(enum ipmi_session_state st)
{
	static const char *const names[] = { "idle",	"resolving", "authcap", "open session",
					     "rakp1",	"rakp3",     "setpriv", "active",
					     "closing", "closed" };

	return names[st];
}

static const char *host_name(const struct ipmi_session *s)
{
	return s->par.name;
}

unsigned ipmi_session_max_attempts(const struct ipmi_session *s)
{
	unsigned n = s->par.retries > 0 ? (unsigned)s->par.retries : 1;

	return n < s->par.min_attempts ? s->par.min_attempts : n;
}

/* The password and K_g, checked against IPMI's limits.  0, or -1 with *err set. */
static int check_secrets(const struct ipmi_session_params *par, char **err)
{
	const struct secret *pw, *kg;
	char *e = NULL;

	pw = par->password(par->cfg_ctx, &e);
	if (pw == NULL) {
		*err = e;
		return -1;
	}
	if (pw->len > IPMI_MAX_PASSWORD) {
		*err = xasprintf("IPMI password is longer than %d bytes (IPMI v2.0 limit)",
				 IPMI_MAX_PASSWORD);
		return -1;
	}
	kg = par->kg(par->cfg_ctx, &e);
	if (kg == NULL) {
		*err = e;
		return -1;
	}
	if (kg->len > IPMI_MAX_PASSWORD) {
		*err = xasprintf("IPMI BMC key (K_g) is longer than %d bytes", IPMI_MAX_PASSWORD);
		return -1;
	}
	return 0;
}

/* The suite to try first, and after it in auto mode.  0, or -1 with *err set. */
static int choose_suite(struct ipmi_session *s, char **err)
{
	const struct ipmi_session_params *par = &s->par;
	struct ipmi_cipher c;

	if (par->cipher_suite == CIPHER_SUITE_AUTO) {
		s->suite = par->cached_suite > 0 ? par->cached_suite : 17;
		s->suite_fallback = s->suite == 17 ? 3 : 0;
		return 0;
	}
	s->suite = par->cipher_suite;
	s->suite_fixed = 1;
	if (ipmi_cipher_lookup(s->suite, &c) != 0) {
		*err = xasprintf("cipher suite %d is not supported", s->suite);
		return -1;
	}
	if (c.integrity == IPMI_INTEG_NONE)
		log_warn("%s: cipher suite %d has no integrity protection; used because the fleet file names it",
			 par->name, s->suite);
	return 0;
}

static void on_datagram(void *ctx, const uint8_t *buf, size_t len, int truncated);

int ipmi_session_init(struct ipmi_session *s, const struct ipmi_session_params *par, char **err)
{
	memset(s, 0, sizeof *s);
	s->par = *par;
	if (par->user != NULL && strlen(par->user) > IPMI_MAX_USER) {
		*err = xasprintf("IPMI user name \"%s\" is longer than %d bytes", par->user,
				 IPMI_MAX_USER);
		return -1;
	}
	if (check_secrets(par, err) != 0 || choose_suite(s, err) != 0)
		return -1;
	s->privilege = (uint8_t)par->privilege;
	if (uv_ip4_addr(par->address, par->port, (struct sockaddr_in *)&s->ep.addr) == 0 ||
	    uv_ip6_addr(par->address, par->port, (struct sockaddr_in6 *)&s->ep.addr) == 0)
		s->addr_ok = 1;
	s->ep.recv = on_datagram;
	s->ep.ctx = s;
	if (par->transport != NULL) {
		s->transport = par->transport;
		ipmi_transport_ref(s->transport);
	} else {
		s->transport = ipmi_transport_get(par->loop);
	}
	uv_timer_init(par->loop, &s->timer);
	s->timer.data = s;
	if (s->addr_ok)
		ipmi_transport_add(s->transport, &s->ep);
	return 0;
}

/* Fail everything queued; callbacks may queue more, which stay queued. */
static void fail_requests(struct ipmi_session *s, int status)
{
	struct ipmi_request *list = s->queue_head, *r;

	if (s->inflight != NULL) {
		s->inflight->next = list;
		list = s->inflight;
		s->inflight = NULL;
	}
	s->queue_head = s->queue_tail = NULL;
	while (list != NULL) {
		r = list;
		list = r->next;
		if (r->cb != NULL)
			r->cb(s, status, NULL, r->arg);
		free(r);
	}
}

void ipmi_session_wipe_keys(struct ipmi_session *s)
{
	ipmi_rakp_wipe(&s->rakp);
	secure_zero(&s->keys, sizeof s->keys);
	s->have_keys = 0;
}

void ipmi_session_reset(struct ipmi_session *s)
{
	uv_timer_stop(&s->timer);
	ipmi_session_wipe_keys(s);
	s->bmc_sid = 0;
	s->in_seq = 0;
	s->in_seen = 0;
	if (s->state != IPMI_S_CLOSING && s->state != IPMI_S_CLOSED)
		s->state = IPMI_S_IDLE;
}

/* The session failed: tell the owner why, fail the queue, start over later. */
void ipmi_session_fail(struct ipmi_session *s, int status, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	ipmi_session_reset(s);
	if (s->close_requested) {
		free(msg);
		ipmi_session_close_finish(s);
		return;
	}
	s->par.error(s->par.ctx, status, msg);
	free(msg);
	fail_requests(s, status);
}

void ipmi_session_send_packet(struct ipmi_session *s)
{
	int rc = ipmi_transport_send(s->transport, &s->ep, s->pkt, s->pkt_len);

	s->par.counters[CNT_TX]++;
	if (rc != 0)
		log_debug("%s: send failed: %s", host_name(s), uv_strerror(rc));
}

static void on_timer(uv_timer_t *t);

void ipmi_session_arm_timer(struct ipmi_session *s, uint64_t ms)
{
	uv_timer_start(&s->timer, on_timer, ms, 0);
}

/* Authenticated IPMI request packet for r, with a fresh sequence number. */
static void build_request(struct ipmi_session *s, const struct ipmi_request *r)
{
	uint8_t msg[96], iv[16];
	ssize_t n = ipmi_msg_build_request(msg, sizeof msg, r->netfn, r->cmd, s->rqseq, r->data,
					   r->len);

	crypto_random(iv, sizeof iv);
	if (++s->out_seq == 0)
		s->out_seq = 1;
	n = ipmi_rmcpp_build(s->pkt, sizeof s->pkt, IPMI_PAYLOAD_IPMI, s->bmc_sid, s->out_seq, msg,
			     (size_t)n, &s->keys, iv);
	if (n < 0)
		fatal("ipmi: request packet does not fit");
	s->pkt_len = (size_t)n;
}

/*
 * Reads that give the same answer however often they are sent.  Only these
 * are retransmitted on the round-trip estimate; anything that changes the
 * BMC (chassis control, boot options, a reservation, which cancels the one
 * before) waits out the configured timeout, as before.
 */
static int idempotent(const struct ipmi_request *r)
{
	switch (r->netfn << 8 | r->cmd) {
	case IPMI_NETFN_APP << 8 | IPMI_CMD_GET_DEVICE_ID:
	case IPMI_NETFN_APP << 8 | IPMI_CMD_SET_SESSION_PRIVILEGE:
	case IPMI_NETFN_CHASSIS << 8 | 0x01: /* Get Chassis Status */
	case IPMI_NETFN_CHASSIS << 8 | 0x09: /* Get System Boot Options */
	case IPMI_NETFN_SENSOR << 8 | 0x2D:	/* Get Sensor Reading */
	case IPMI_NETFN_STORAGE << 8 | 0x10: /* Get FRU Inventory Area Info */
	case IPMI_NETFN_STORAGE << 8 | 0x11: /* Read FRU Data */
	case IPMI_NETFN_STORAGE << 8 | 0x20: /* Get SDR Repository Info */
	case IPMI_NETFN_STORAGE << 8 | 0x23: /* Get SDR */
	case IPMI_NETFN_STORAGE << 8 | 0x40: /* Get SEL Info */
	case IPMI_NETFN_STORAGE << 8 | 0x43: /* Get SEL Entry */
		return 1;
	}
	return 0;
}

/*
 * How long to wait for this attempt.  The configured timeout, until the BMC
 * has answered a few first attempts; then the round-trip estimate (srtt +
 * 4 rttvar, at least MIN_RTO_MS), doubled on each retry, never above the
 * configured timeout.  On a link that loses packets, a lost request costs
 * half a second instead of the full timeout; a BMC that is slow only now
 * and then still gets its answer taken, as any attempt's answer counts.
 */
static uint64_t attempt_timeout(const struct ipmi_session *s, const struct ipmi_request *r,
				unsigned attempt)
{
	uint64_t max = s->par.timeout_ms, rto;
	unsigned shift = attempt > 1 ? attempt - 1 : 0;

	if (!s->have_rtt || !idempotent(r))
		return max;
	rto = (uint64_t)s->srtt_ms + 4 * (uint64_t)s->rttvar_ms;
	if (rto < MIN_RTO_MS)
		rto = MIN_RTO_MS;
	rto = shift >= 8 ? max : rto << shift;
	return rto < max ? rto : max;
}

/*
 * Whether r may go out once more.  The configured retries, or, for a read
 * retried on the round-trip estimate, as many attempts as fit in the time
 * those retries would have taken at the full timeout: a lossy link then
 * gets more, cheaper, tries, and a dead BMC is given up on no later.
 */
static int may_retry(const struct ipmi_session *s, const struct ipmi_request *r)
{
	uint64_t budget = s->par.timeout_ms * ipmi_session_max_attempts(s);

	if (r->attempts < ipmi_session_max_attempts(s))
		return 1;
	if (r->attempts >= 32 || !s->have_rtt || !idempotent(r))
		return 0;
	return ipmi_session_now(s) - r->first_sent_ms + attempt_timeout(s, r, r->attempts + 1) <=
	       budget;
}

/* A round trip measured on a first attempt (Karn: never on a retry). */
void ipmi_session_rtt_sample(struct ipmi_session *s, uint64_t ms)
{
	uint32_t r = ms > 60000 ? 60000 : (uint32_t)ms;

	if (!s->have_rtt) {
		s->srtt_ms = r;
		s->rttvar_ms = r / 2;
		s->have_rtt = 1;
		return;
	}
	s->rttvar_ms = (3 * s->rttvar_ms + (s->srtt_ms > r ? s->srtt_ms - r : r - s->srtt_ms)) / 4;
	s->srtt_ms = (7 * s->srtt_ms + r) / 8;
}

/* One attempt of r on the wire; the first fixes the rqSeq answers match from. */
static void transmit(struct ipmi_session *s, struct ipmi_request *r)
{
	if (r->attempts++ == 0) {
		r->first_rqseq = s->rqseq;
		r->first_sent_ms = ipmi_session_now(s);
	}
	build_request(s, r);
	ipmi_session_send_packet(s);
}

void ipmi_session_send_request(struct ipmi_session *s, struct ipmi_request *r)
{
	transmit(s, r);
	ipmi_session_arm_timer(s, attempt_timeout(s, r, r->attempts));
}

int ipmi_session_send_payload(struct ipmi_session *s, enum ipmi_payload_type type,
			      const uint8_t *payload, size_t len)
{
	uint8_t pkt[IPMI_MAX_PACKET], iv[16];
	ssize_t n;
	int rc;

	if (s->state != IPMI_S_ACTIVE || !s->have_keys)
		return BMC_EAGAIN;
	crypto_random(iv, sizeof iv);
	if (++s->out_seq == 0)
		s->out_seq = 1;
	n = ipmi_rmcpp_build(pkt, sizeof pkt, type, s->bmc_sid, s->out_seq, payload, len, &s->keys,
			     iv);
	if (n < 0)
		return BMC_EPROTO;
	s->par.counters[CNT_TX]++;
	rc = ipmi_transport_send(s->transport, &s->ep, pkt, (size_t)n);
	if (rc != 0)
		log_debug("%s: send failed: %s", host_name(s), uv_strerror(rc));
	return rc;
}

/* An internal request used during setup and for keepalive. */
struct ipmi_request *ipmi_session_new_request(uint8_t netfn, uint8_t cmd, const uint8_t *data,
					      size_t len, ipmi_rsp_cb cb, void *arg)
{
	struct ipmi_request *r = xcalloc(1, sizeof *r);

	r->netfn = netfn;
	r->cmd = cmd;
	if (len > 0) /* data may be NULL then, and memcpy must not see NULL */
		memcpy(r->data, data, len);
	r->len = len;
	r->cb = cb;
	r->arg = arg;
	return r;
}

static void session_send_next(struct ipmi_session *s)
{
	struct ipmi_request *r;

	if (s->inflight != NULL || s->state == IPMI_S_CLOSING || s->state == IPMI_S_CLOSED)
		return;
	if (s->state != IPMI_S_ACTIVE) {
		if (s->state == IPMI_S_IDLE && s->queue_head != NULL)
			ipmi_session_setup_start(s);
		return;
	}
	r = s->queue_head;
	if (r == NULL) {
		ipmi_session_arm_timer(s, KEEPALIVE_MS);
		return;
	}
	s->queue_head = r->next;
	if (s->queue_head == NULL)
		s->queue_tail = NULL;
	r->next = NULL;
	s->inflight = r;
	s->rqseq = (uint8_t)((s->rqseq + 1) & 0x3f);
	ipmi_session_send_request(s, r);
}

int ipmi_session_request(struct ipmi_session *s, uint8_t netfn, uint8_t cmd, const uint8_t *data,
			 size_t len, ipmi_rsp_cb cb, void *arg)
{
	struct ipmi_request *r;

	if (s->state == IPMI_S_CLOSING || s->state == IPMI_S_CLOSED || s->close_requested)
		return BMC_ECANCELED;
	if (len > sizeof r->data)
		return BMC_EPROTO;
	r = ipmi_session_new_request(netfn, cmd, data, len, cb, arg);
	if (s->queue_tail != NULL)
		s->queue_tail->next = r;
	else
		s->queue_head = r;
	s->queue_tail = r;
	if (s->state == IPMI_S_ACTIVE && s->inflight == NULL)
		uv_timer_stop(&s->timer);
	session_send_next(s);
	return 0;
}

static void on_keepalive_rsp(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			     void *arg)
{
}

/*
 * For a timeout message: empty when nothing came from the BMC while the
 * attempts that just ran out were outstanding; otherwise it did answer and
 * every answer was dropped, and buf says so with the host's drop counters,
 * so that a BMC sending bad AuthCodes is not taken for a network problem.
 * since_ms is when the first attempt went out: the valid packet that
 * started this step arrived before it, so it is not counted.
 */
void ipmi_session_dropped_answers(struct ipmi_session *s, uint64_t since_ms, char *buf, size_t len)
{
	static const struct {
		enum bmc_counter counter;
		const char *what;
	} reasons[] = {
		{ CNT_DROP_INTEGRITY, "failed the integrity check" },
		{ CNT_DROP_SESSION_ID, "carried another session ID" },
		{ CNT_DROP_SEQUENCE, "were replayed or outside the sequence window" },
		{ CNT_DROP_MISMATCH, "did not match the request" },
		{ CNT_DROP_MALFORMED, "were malformed" },
		{ CNT_DROP_PADDING, "had bad padding" },
	};
	size_t i, used;
	const char *sep = "";

	buf[0] = '\0';
	if (s->last_rx_ms == 0 || s->last_rx_ms <= since_ms)
		return;
	used = (size_t)snprintf(buf, len, ": the BMC answered, but every answer was dropped (so far");
	for (i = 0; i < sizeof reasons / sizeof reasons[0] && used < len; i++) {
		uint64_t n = s->par.counters[reasons[i].counter];

		if (n == 0)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s %llu %s", sep,
					 (unsigned long long)n, reasons[i].what);
		sep = ",";
	}
	if (used < len)
		snprintf(buf + used, len - used, ")");
}


/* Put r back at the head of the queue and start over on a new session. */
static void reopen_for(struct ipmi_session *s, struct ipmi_request *r)
{
	r->reopened = 1;
	r->attempts = 0;
	s->inflight = NULL;
	r->next = s->queue_head;
	s->queue_head = r;
	if (s->queue_tail == NULL)
		s->queue_tail = r;
	ipmi_session_reset(s);
	ipmi_session_setup_start(s);
}

static void on_timer(uv_timer_t *t)
{
	struct ipmi_session *s = t->data;
	struct ipmi_request *r = s->inflight;
	char why[320];

	switch (s->state) {
	case IPMI_S_AUTHCAP:
	case IPMI_S_OPEN:
	case IPMI_S_RAKP1:
	case IPMI_S_RAKP3:
		ipmi_session_setup_timeout(s);
		return;
	case IPMI_S_SETPRIV:
	case IPMI_S_ACTIVE:
		if (r == NULL) {
			/* Idle: keep the session alive. */
			if (s->state == IPMI_S_ACTIVE)
				ipmi_session_request(s, IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, NULL, 0,
						     on_keepalive_rsp, NULL);
			return;
		}
		if (s->state == IPMI_S_ACTIVE && r->attempts == 1 && !r->reopened &&
		    ipmi_session_now(s) > s->last_rx_ms + s->par.timeout_ms + STALE_MS) {
			/* Idle long enough that the BMC may have dropped the session
			 * (its timeout, a reboot): open a new one and send this
			 * request there, once, instead of failing the poll. */
			log_info(
			    "%s: no answer on a session idle for %llu s; opening a new one",
			    host_name(s),
			    (unsigned long long)((ipmi_session_now(s) - s->last_rx_ms) / 1000));
			reopen_for(s, r);
			return;
		}
		if (s->state == IPMI_S_ACTIVE && !may_retry(s, r) && !r->reopened &&
		    s->par.payload == NULL) {
			/* The BMC answered on this session a moment ago and now says
			 * nothing: it may have rebooted and forgotten the session.
			 * One new session decides; a dead BMC fails its setup.  (A
			 * console session is left to fail: its payload would need
			 * activating again, which its owner does on the error.) */
			log_info("%s: session went silent mid-poll; opening a new one", host_name(s));
			reopen_for(s, r);
			return;
		}
		if (may_retry(s, r)) {
			/* A new rqSeq: some BMCs (ipmi_sim) ignore a request whose
			 * rqSeq they have answered, so a lost answer would never
			 * come again.  A late answer to an earlier attempt is
			 * still taken (see on_session_packet). */
			s->par.counters[CNT_RETRANSMITS]++;
			s->rqseq = (uint8_t)((s->rqseq + 1) & 0x3f);
			ipmi_session_send_request(s, r);
			return;
		}
		ipmi_session_dropped_answers(s, r->first_sent_ms, why, sizeof why);
		ipmi_session_fail(s, BMC_ETIMEDOUT,
				  "no %sresponse from the BMC at %s port %d (netfn 0x%02x cmd 0x%02x, %u attempts of %llu ms)%s",
				  why[0] != '\0' ? "valid " : "", s->par.address, s->par.port,
				  r->netfn, r->cmd, r->attempts,
				  (unsigned long long)s->par.timeout_ms, why);
		return;
	case IPMI_S_CLOSING:
		ipmi_session_close_finish(s);
		return;
	case IPMI_S_IDLE:
	case IPMI_S_RESOLVING:
	case IPMI_S_CLOSED:
		return;
	}
}

/* Replay protection: accept each sequence number once, within a window. */
static int seq_acceptable(struct ipmi_session *s, uint32_t seq)
{
	uint32_t diff;

	if (seq == 0)
		return 0;
	if (s->in_seq == 0) {
		s->in_seq = seq;
		s->in_seen = 1;
		return 1;
	}
	diff = seq - s->in_seq;
	if (diff != 0 && diff <= 32) {
		s->in_seen = diff >= 32 ? 1 : (s->in_seen << diff) | 1;
		s->in_seq = seq;
		return 1;
	}
	diff = s->in_seq - seq;
	if (diff < 16 && !(s->in_seen & (1u << diff))) {
		s->in_seen |= 1u << diff;
		return 1;
	}
	return 0;
}

void ipmi_session_count_drop(struct ipmi_session *s, int why)
{
	enum bmc_counter c = CNT_DROP_MALFORMED;

	switch (why) {
	case IPMI_DROP_INTEGRITY:
	case IPMI_DROP_UNENCRYPTED:
		c = CNT_DROP_INTEGRITY;
		break;
	case IPMI_DROP_PADDING:
		c = CNT_DROP_PADDING;
		break;
	default:
		break;
	}
	s->par.counters[c]++;
}

/*
 * Vendor defects an answer shows, noted for the host (FreeIPMI's names);
 * the reader copes with them: sol_chars_per_packet() with a payload size
 * that cannot be right, the console staying on the session's port whatever
 * port Activate Payload names.  Nothing here costs a login.
 */
static void note_answer_quirks(struct ipmi_session *s, const struct ipmi_request *r,
			       const struct ipmi_response *rsp)
{
	struct sol_activate_rsp ar;

	if (r->netfn != IPMI_NETFN_APP)
		return;
	if (r->cmd == IPMI_CMD_ACTIVATE_PAYLOAD && rsp->ccode == 0 &&
	    sol_parse_activate(rsp->data, rsp->len, &ar) == 0) {
		if (sol_payload_size_bad(ar.inbound_size) || sol_payload_size_bad(ar.outbound_size))
			ipmi_session_wa_note(s, FLEET_WA_SOLPAYLOADSIZE, 1);
		if (ar.port != 0 && ar.port != 623 && ar.port != s->par.port)
			ipmi_session_wa_note(s, FLEET_WA_SOLPORT, 1);
	} else if (r->cmd == IPMI_CMD_GET_PAYLOAD_ACTIVATION_STATUS && rsp->ccode == 0xC1) {
		ipmi_session_wa_note(s, FLEET_WA_SOLSTATUS, 1);
	} else if (r->cmd == IPMI_CMD_GET_CHANNEL_PAYLOAD_SUPPORT && rsp->ccode == 0xC1) {
		ipmi_session_wa_note(s, FLEET_WA_SOLCHANNELSUPPORT, 1);
	}
}

static void on_session_packet(struct ipmi_session *s, const uint8_t *buf, size_t len)
{
	uint8_t scratch[IPMI_MAX_PACKET * 2];
	struct ipmi_rmcpp_packet p;
	struct ipmi_response rsp;
	struct ipmi_request *r = s->inflight;
	int rc;

	rc = ipmi_rmcpp_parse(buf, len, &s->keys, &p, scratch, sizeof scratch);
	if (rc != 0) {
		ipmi_session_count_drop(s, rc);
		return;
	}
	if (p.session_id != s->console_sid) {
		s->par.counters[CNT_DROP_SESSION_ID]++;
		return;
	}
	if (!seq_acceptable(s, p.seq)) {
		s->par.counters[CNT_DROP_SEQUENCE]++;
		return;
	}
	if (p.type != IPMI_PAYLOAD_IPMI) {
		if (s->par.payload != NULL)
			s->par.payload(s->par.ctx, &p);
		else
			s->par.counters[CNT_DROP_MISMATCH]++;
		return;
	}
	rc = ipmi_msg_parse_response(p.payload, p.payload_len, &rsp);
	/* Supermicro X9 firmware gets message checksums wrong (FreeIPMI's
	 * nochecksumcheck); a packet whose integrity code checked out is
	 * taken anyway, and counted. */
	if (rc == IPMI_DROP_CHECKSUM && s->keys.integrity != IPMI_INTEG_NONE &&
	    ipmi_session_wa_allowed(s, FLEET_WA_NOCHECKSUMCHECK)) {
		rc = ipmi_msg_parse_response_unchecked(p.payload, p.payload_len, &rsp);
		if (rc == 0)
			ipmi_session_wa_note(s, FLEET_WA_NOCHECKSUMCHECK, 1);
	}
	if (rc != 0) {
		ipmi_session_count_drop(s, rc);
		return;
	}
	/* An answer to any attempt of this request: each retry took the next
	 * rqSeq after the first. */
	if (r == NULL || rsp.netfn != (r->netfn | 1) || rsp.cmd != r->cmd ||
	    ((uint8_t)(rsp.rqseq - r->first_rqseq) & 0x3f) >= r->attempts) {
		s->par.counters[CNT_DROP_MISMATCH]++;
		return;
	}
	uv_timer_stop(&s->timer);
	if (r->attempts == 1)
		ipmi_session_rtt_sample(s, ipmi_session_now(s) - r->first_sent_ms);
	s->inflight = NULL;
	if (s->state == IPMI_S_CLOSING) {
		free(r);
		ipmi_session_close_finish(s);
		return;
	}
	if (capture_recorder != NULL)
		capture_ipmi(capture_recorder, r->netfn, r->cmd, r->data, r->len, rsp.ccode,
			     rsp.data, rsp.len);
	note_answer_quirks(s, r, &rsp);
	if (r->cb != NULL)
		r->cb(s, 0, &rsp, r->arg);
	free(r);
	session_send_next(s);
}

/* A datagram from the BMC's address, through the transport. */
static void on_datagram(void *ctx, const uint8_t *buf, size_t len, int truncated)
{
	struct ipmi_session *s = ctx;

	if (truncated) {
		s->par.counters[CNT_DROP_MALFORMED]++;
		return;
	}
	s->par.counters[CNT_RX]++;
	/* Any datagram, valid or not: a timeout says whether the BMC answered. */
	s->last_rx_ms = ipmi_session_now(s);
	switch (s->state) {
	case IPMI_S_AUTHCAP:
	case IPMI_S_OPEN:
	case IPMI_S_RAKP1:
	case IPMI_S_RAKP3:
		ipmi_session_setup_packet(s, buf, len);
		break;
	case IPMI_S_SETPRIV:
	case IPMI_S_ACTIVE:
	case IPMI_S_CLOSING:
		if (!s->have_keys) {
			s->par.counters[CNT_DROP_MISMATCH]++;
			return;
		}
		on_session_packet(s, buf, len);
		break;
	case IPMI_S_IDLE:
	case IPMI_S_RESOLVING:
	case IPMI_S_CLOSED:
		/* A late answer to a session we gave up on. */
		s->par.counters[CNT_DROP_SESSION_ID]++;
		break;
	}
}

/* Closing. */

static void on_transport_released(void *arg)
{
	struct ipmi_session *s = arg;
	void (*cb)(struct ipmi_session *) = s->closed_cb;

	s->closed_cb = NULL;
	if (cb != NULL)
		cb(s);
}

static void on_timer_closed(uv_handle_t *h)
{
	struct ipmi_session *s = h->data;

	s->state = IPMI_S_CLOSED;
	ipmi_transport_release(s->transport, on_transport_released, s);
}

void ipmi_session_close_finish(struct ipmi_session *s)
{
	if (s->state == IPMI_S_CLOSED || uv_is_closing((uv_handle_t *)&s->timer))
		return;
	if (s->resolving) {
		/* Wait for the resolver's callback, which calls us again. */
		uv_cancel((uv_req_t *)&s->resolver);
		s->state = IPMI_S_CLOSING;
		return;
	}
	uv_timer_stop(&s->timer);
	ipmi_session_wipe_keys(s);
	s->state = IPMI_S_CLOSING;
	fail_requests(s, BMC_ECANCELED);
	ipmi_transport_remove(s->transport, &s->ep);
	uv_close((uv_handle_t *)&s->timer, on_timer_closed);
}

void ipmi_session_close(struct ipmi_session *s, void (*cb)(struct ipmi_session *s))
{
	uint8_t data[4];

	s->closed_cb = cb;
	s->close_requested = 1;
	if (s->state == IPMI_S_ACTIVE && s->inflight == NULL) {
		struct ipmi_request *r;

		data[0] = (uint8_t)s->bmc_sid;
		data[1] = (uint8_t)(s->bmc_sid >> 8);
		data[2] = (uint8_t)(s->bmc_sid >> 16);
		data[3] = (uint8_t)(s->bmc_sid >> 24);
		fail_requests(s, BMC_ECANCELED);
		r = ipmi_session_new_request(IPMI_NETFN_APP, IPMI_CMD_CLOSE_SESSION, data, 4, NULL,
					     NULL);
		s->inflight = r;
		s->rqseq = (uint8_t)((s->rqseq + 1) & 0x3f);
		s->state = IPMI_S_CLOSING;
		transmit(s, r);
		ipmi_session_arm_timer(s, s->par.timeout_ms < CLOSE_WAIT_MS ? s->par.timeout_ms
									    : CLOSE_WAIT_MS);
		return;
	}
	ipmi_session_close_finish(s);
}
