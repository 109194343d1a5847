/*
 * test-ipmi-session.c - the RMCP+ session state machine, opened through
 * struct ipmi_session_params with no host, against a fake BMC on 127.0.0.1.
 *
 * The fake BMC answers with the engine's own codecs (ipmi/msg.c and the
 * BMC-side builders of ipmi/rakp.c, as fuzz/make-rakp-seeds.c drives them),
 * on a UDP socket of its own on a port the kernel picks; its faults (a
 * wrong password, a lost answer, garbage first) are switches in struct
 * fake_bmc.  Nothing here asserts a time: only what went over the wire and
 * what the session counted and reported.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "core/errors.h"
#include "core/host.h"
#include "core/xalloc.h"
#include "ipmi/msg.h"
#include "ipmi/rakp.h"
#include "ipmi/session.h"
#include "runner.h"

#define BMC_SID 0x11223344u
#define SUITE	3

struct fake_bmc {
	uv_udp_t udp;
	int port;
	const char *password;	/* what the BMC holds for the user */
	uint8_t rakp2_status;	/* non-zero: refuse RAKP 1 with it */
	unsigned lose_requests; /* IPMI requests to leave unanswered */
	int garbage_first;	/* before the first answer, send junk and a foreign session */
	/* Vendor defects (FreeIPMI's names): supermicro20's RAKP 2 one byte
	 * long; nochecksumcheck's wrong data checksums; intel20's user names
	 * found only NUL-padded to 16 bytes, RAKP 3 over the unpadded name. */
	int long_rakp2, bad_checksum, intel;

	struct ipmi_rakp rakp;
	uint32_t console_sid;
	uint32_t seq;
	int have_keys;
	struct sockaddr_storage peer;
	/* What came in. */
	unsigned authcaps, opens, rakp1s, rakp3s, requests;
	unsigned closes;
};

struct run {
	uv_loop_t loop;
	struct fake_bmc bmc;
	struct ipmi_session s;
	uint64_t counters[CNT__MAX];
	struct secret password, kg;
	int error_status;
	char *error_msg;
	int rsp_status;
	int rsp_ccode;
	int answered;
	int closed;
	uv_timer_t guard;
	unsigned wa_in_use;
	uint64_t wa_fixups;
	unsigned learned_used, learned_tried;
};

static void bmc_send(struct fake_bmc *b, const uint8_t *buf, size_t len)
{
	uv_buf_t ub = uv_buf_init((char *)buf, (unsigned)len);

	ASSERT(uv_udp_try_send(&b->udp, &ub, 1, (const struct sockaddr *)&b->peer) == (int)len);
}

static void bmc_send_rmcpp(struct fake_bmc *b, enum ipmi_payload_type type, const uint8_t *payload,
			   size_t len)
{
	uint8_t pkt[IPMI_MAX_PACKET];
	ssize_t n = ipmi_rmcpp_build(pkt, sizeof pkt, type, 0, 0, payload, len, NULL, NULL);

	ASSERT(n > 0);
	bmc_send(b, pkt, (size_t)n);
}

static void bmc_authcap(struct fake_bmc *b, const uint8_t *buf, size_t len)
{
	static const uint8_t caps[8] = {0x01, 0x80, 0x04, 0x02, 0, 0, 0, 0};
	struct ipmi_msg_request rq;
	const uint8_t *msg;
	size_t mlen;
	uint8_t rsp[64], pkt[128];
	ssize_t n;

	ASSERT_EQ(ipmi_v15_parse(buf, len, &msg, &mlen), 0);
	ASSERT_EQ(ipmi_msg_parse_request(msg, mlen, &rq), 0);
	ASSERT_EQ(rq.cmd, IPMI_CMD_GET_CHANNEL_AUTH_CAPS);
	b->authcaps++;
	n = ipmi_msg_build_response(rsp, sizeof rsp, &rq, 0, caps, sizeof caps);
	n = ipmi_v15_build(pkt, sizeof pkt, rsp, (size_t)n);
	bmc_send(b, pkt, (size_t)n);
}

static void bmc_open_session(struct fake_bmc *b, const struct ipmi_rmcpp_packet *p)
{
	struct ipmi_open_session_req rq;
	struct ipmi_open_session_rsp rsp;
	struct ipmi_cipher c;
	uint8_t out[36];

	ASSERT_EQ(ipmi_open_session_req_parse(p->payload, p->payload_len, &rq), 0);
	b->opens++;
	ASSERT_EQ(ipmi_cipher_lookup(SUITE, &c), 0);
	memset(&rsp, 0, sizeof rsp);
	rsp.tag = rq.tag;
	rsp.max_priv = rq.max_priv;
	rsp.console_sid = rq.console_sid;
	rsp.bmc_sid = BMC_SID;
	rsp.auth = c.auth;
	rsp.integrity = c.integrity;
	rsp.confidentiality = c.confidentiality;
	b->console_sid = rq.console_sid;
	bmc_send_rmcpp(b, IPMI_PAYLOAD_OPEN_SESSION_RSP, out,
		       ipmi_open_session_rsp_build(out, &rsp));
}

static void bmc_rakp1(struct fake_bmc *b, const struct ipmi_rmcpp_packet *p)
{
	struct ipmi_rakp1 m1;
	uint8_t out[128];
	size_t n;

	ASSERT_EQ(ipmi_rakp1_parse(p->payload, p->payload_len, &m1), 0);
	ASSERT_EQ(m1.bmc_sid, BMC_SID);
	b->rakp1s++;
	if (b->intel && m1.user_len != IPMI_MAX_USER) {
		b->rakp.console_sid = b->console_sid;
		n = ipmi_rakp2_build(out, sizeof out, m1.tag, 0x0D, &b->rakp);
		bmc_send_rmcpp(b, IPMI_PAYLOAD_RAKP2, out, n);
		return;
	}
	ASSERT_EQ(ipmi_rakp_init(&b->rakp, SUITE, m1.role, (const char *)m1.user, m1.user_len,
				 (const uint8_t *)b->password, strlen(b->password), NULL, 0,
				 b->console_sid, m1.rm),
		  0);
	b->rakp.bmc_sid = BMC_SID;
	memset(b->rakp.rc, 0x5a, sizeof b->rakp.rc);
	memset(b->rakp.guid, 0xa5, sizeof b->rakp.guid);
	n = ipmi_rakp2_build(out, sizeof out, m1.tag, b->rakp2_status, &b->rakp);
	ASSERT(n > 0);
	if (b->long_rakp2)
		out[n++] = 0;
	bmc_send_rmcpp(b, IPMI_PAYLOAD_RAKP2, out, n);
}

static void bmc_rakp3(struct fake_bmc *b, const struct ipmi_rmcpp_packet *p)
{
	struct ipmi_rakp3 m3;
	uint8_t out[128];
	size_t n;

	ASSERT_EQ(ipmi_rakp3_parse(p->payload, p->payload_len, &m3), 0);
	b->rakp3s++;
	if (b->intel) {
		struct ipmi_rakp r3 = b->rakp;

		r3.user_len = strlen("admin");
		r3.role &= (uint8_t)~0x10;
		ASSERT_EQ(ipmi_rakp3_verify(&r3, m3.auth_code, m3.auth_code_len), 0);
	} else {
		ASSERT_EQ(ipmi_rakp3_verify(&b->rakp, m3.auth_code, m3.auth_code_len), 0);
	}
	ipmi_rakp_derive_keys(&b->rakp);
	b->have_keys = 1;
	b->seq = 0;
	n = ipmi_rakp4_build(out, sizeof out, m3.tag, 0, &b->rakp);
	ASSERT(n > 0);
	bmc_send_rmcpp(b, IPMI_PAYLOAD_RAKP4, out, n);
}

/* An answer on the session, with its keys, to console session ID sid. */
static void bmc_answer(struct fake_bmc *b, const struct ipmi_msg_request *rq, uint32_t sid,
		       const uint8_t *data, size_t len)
{
	uint8_t msg[128], pkt[IPMI_MAX_PACKET], iv[16];
	ssize_t n = ipmi_msg_build_response(msg, sizeof msg, rq, 0, data, len);

	if (b->bad_checksum)
		msg[n - 1] ^= 0x01;
	memset(iv, 0x42, sizeof iv);
	n = ipmi_rmcpp_build(pkt, sizeof pkt, IPMI_PAYLOAD_IPMI, sid, ++b->seq, msg, (size_t)n,
			     &b->rakp.keys, iv);
	ASSERT(n > 0);
	bmc_send(b, pkt, (size_t)n);
}

static void bmc_request(struct fake_bmc *b, const uint8_t *buf, size_t len)
{
	static const uint8_t device_id[11] = {0x20, 0x01, 0x02, 0x03, 0x02, 0xbf,
					      0x57, 0x01, 0x00, 0x34, 0x12};
	static const uint8_t junk[10] = {0x06, 0x00, 0xff, 0x07, 1, 2, 3, 4, 5, 6};
	uint8_t scratch[IPMI_MAX_PACKET * 2];
	struct ipmi_rmcpp_packet p;
	struct ipmi_msg_request rq;

	ASSERT_EQ(ipmi_rmcpp_parse(buf, len, &b->rakp.keys, &p, scratch, sizeof scratch), 0);
	ASSERT_EQ(p.session_id, BMC_SID);
	ASSERT_EQ(ipmi_msg_parse_request(p.payload, p.payload_len, &rq), 0);
	b->requests++;
	if (rq.cmd == IPMI_CMD_CLOSE_SESSION) {
		b->closes++;
		bmc_answer(b, &rq, b->console_sid, NULL, 0);
		return;
	}
	if (rq.cmd == IPMI_CMD_SET_SESSION_PRIVILEGE) {
		bmc_answer(b, &rq, b->console_sid, rq.data, 1);
		return;
	}
	if (b->lose_requests > 0) {
		b->lose_requests--;
		return;
	}
	if (b->garbage_first) {
		b->garbage_first = 0;
		bmc_send(b, junk, sizeof junk);
		bmc_answer(b, &rq, b->console_sid ^ 1, device_id, sizeof device_id);
	}
	bmc_answer(b, &rq, b->console_sid, device_id, sizeof device_id);
}

static void bmc_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static uint8_t space[IPMI_MAX_PACKET * 2];

	(void)h;
	(void)suggested;
	*buf = uv_buf_init((char *)space, sizeof space);
}

static void bmc_recv(uv_udp_t *udp, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from,
		     unsigned flags)
{
	struct fake_bmc *b = udp->data;
	const uint8_t *pkt = (const uint8_t *)buf->base;
	uint8_t scratch[IPMI_MAX_PACKET * 2];
	struct ipmi_rmcpp_packet p;
	size_t len = (size_t)nread;

	(void)flags;
	if (nread <= 0 || from == NULL)
		return;
	memcpy(&b->peer, from, sizeof(struct sockaddr_in));
	if (!ipmi_is_rmcpp(pkt, len)) {
		bmc_authcap(b, pkt, len);
		return;
	}
	if (b->have_keys) {
		bmc_request(b, pkt, len);
		return;
	}
	ASSERT_EQ(ipmi_rmcpp_parse(pkt, len, NULL, &p, scratch, sizeof scratch), 0);
	switch (p.type) {
	case IPMI_PAYLOAD_OPEN_SESSION_REQ:
		bmc_open_session(b, &p);
		break;
	case IPMI_PAYLOAD_RAKP1:
		bmc_rakp1(b, &p);
		break;
	case IPMI_PAYLOAD_RAKP3:
		bmc_rakp3(b, &p);
		break;
	default:
		test_fail(__FILE__, __LINE__, "unexpected payload type 0x%02x", p.type);
	}
}

static void bmc_start(uv_loop_t *loop, struct fake_bmc *b)
{
	struct sockaddr_in addr;
	struct sockaddr_storage bound;
	int n = sizeof bound;

	ASSERT_EQ(uv_udp_init(loop, &b->udp), 0);
	b->udp.data = b;
	uv_ip4_addr("127.0.0.1", 0, &addr);
	ASSERT_EQ(uv_udp_bind(&b->udp, (const struct sockaddr *)&addr, 0), 0);
	ASSERT_EQ(uv_udp_getsockname(&b->udp, (struct sockaddr *)&bound, &n), 0);
	b->port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
	ASSERT_EQ(uv_udp_recv_start(&b->udp, bmc_alloc, bmc_recv), 0);
}

/* The session's owner. */

static const struct secret *get_password(void *cfg_ctx, char **err)
{
	struct run *r = cfg_ctx;

	(void)err;
	return &r->password;
}

static const struct secret *get_kg(void *cfg_ctx, char **err)
{
	struct run *r = cfg_ctx;

	(void)err;
	return &r->kg;
}

static void on_error(void *ctx, int status, const char *msg)
{
	struct run *r = ctx;

	r->error_status = status;
	free(r->error_msg);
	r->error_msg = xstrdup(msg);
}

static void on_guard(uv_timer_t *t)
{
	(void)t;
	test_fail(__FILE__, __LINE__, "the session never finished");
}

static void wa_learned(void *cfg_ctx, unsigned used, unsigned tried)
{
	struct run *r = cfg_ctx;

	r->learned_used = used;
	r->learned_tried = tried;
}

/* A run whose session may detect workarounds, with what earlier runs
 * learned: the workarounds that worked, the probes already spent. */
static void run_init_wa(struct run *r, const char *bmc_password, int detect, unsigned cached,
			unsigned tried)
{
	struct ipmi_session_params par;
	char *err = NULL;

	memset(r, 0, sizeof *r);
	ASSERT_EQ(uv_loop_init(&r->loop), 0);
	r->bmc.password = bmc_password;
	bmc_start(&r->loop, &r->bmc);
	r->password.data = (char *)"secret";
	r->password.len = strlen("secret");
	r->kg.data = (char *)"";
	r->rsp_status = 1;
	memset(&par, 0, sizeof par);
	par.loop = &r->loop;
	par.name = "bmc0";
	par.address = "127.0.0.1";
	par.port = r->bmc.port;
	par.user = "admin";
	par.password = get_password;
	par.kg = get_kg;
	par.cfg_ctx = r;
	par.privilege = PRIV_ADMIN;
	par.cipher_suite = SUITE;
	par.timeout_ms = 200;
	par.retries = 3;
	par.counters = r->counters;
	par.error = on_error;
	par.ctx = r;
	par.wa_detect = detect;
	par.wa_cached = cached;
	par.wa_tried = tried;
	par.wa_learned = wa_learned;
	par.wa_in_use = &r->wa_in_use;
	par.wa_fixups = &r->wa_fixups;
	ASSERT_EQ(ipmi_session_init(&r->s, &par, &err), 0);
	uv_timer_init(&r->loop, &r->guard);
	uv_timer_start(&r->guard, on_guard, 20000, 0);
}

static void run_init(struct run *r, const char *bmc_password)
{
	run_init_wa(r, bmc_password, 0, 0, 0);
}

static void on_closed(struct ipmi_session *s)
{
	struct run *r = s->par.ctx;

	r->closed = 1;
}

static void on_rsp(struct ipmi_session *s, int status, const struct ipmi_response *rsp, void *arg)
{
	struct run *r = arg;

	r->answered++;
	r->rsp_status = status;
	r->rsp_ccode = rsp != NULL ? rsp->ccode : -1;
	ASSERT(rsp == NULL || rsp->len == 11);
	ipmi_session_close(s, on_closed);
}

static void walk_close(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void run_finish(struct run *r)
{
	ASSERT(r->closed);
	uv_walk(&r->loop, walk_close, NULL);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	ASSERT_EQ(uv_loop_close(&r->loop), 0);
	ipmi_rakp_wipe(&r->bmc.rakp);
	free(r->error_msg);
}

/* Loop until the session has closed (the guard timer and the BMC keep the
 * loop alive otherwise). */
static void run_until_closed(struct run *r)
{
	while (!r->closed)
		uv_run(&r->loop, UV_RUN_ONCE);
}

TEST(ipmi_session_handshake_to_established)
{
	struct run r;

	run_init(&r, "secret");
	ASSERT_EQ(r.s.state, IPMI_S_IDLE);
	ASSERT_EQ(
	    ipmi_session_request(&r.s, IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, NULL, 0, on_rsp, &r),
	    0);
	run_until_closed(&r);
	ASSERT_EQ(r.answered, 1);
	ASSERT_EQ(r.rsp_status, 0);
	ASSERT_EQ(r.rsp_ccode, 0);
	ASSERT_EQ(r.error_status, 0);
	ASSERT_EQ(r.counters[CNT_SESSIONS], 1);
	ASSERT_EQ(r.counters[CNT_RETRANSMITS], 0);
	ASSERT_EQ(r.bmc.authcaps, 1);
	ASSERT_EQ(r.bmc.opens, 1);
	ASSERT_EQ(r.bmc.rakp1s, 1);
	ASSERT_EQ(r.bmc.rakp3s, 1);
	/* Set Session Privilege, Get Device ID, Close Session. */
	ASSERT_EQ(r.bmc.requests, 3);
	ASSERT_EQ(r.bmc.closes, 1);
	ASSERT_EQ(r.counters[CNT_TX], 7);
	ASSERT_EQ(r.counters[CNT_RX], 7);
	ASSERT_EQ(r.s.state, IPMI_S_CLOSED);
	run_finish(&r);
}

TEST(ipmi_session_wrong_password_not_retried)
{
	struct run r;

	run_init(&r, "another");
	ASSERT_EQ(
	    ipmi_session_request(&r.s, IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, NULL, 0, on_rsp, &r),
	    0);
	run_until_closed(&r);
	ASSERT_EQ(r.error_status, BMC_EAUTH);
	ASSERT_CONTAINS(r.error_msg, "wrong password for user \"admin\"");
	ASSERT_CONTAINS(r.error_msg, "not retrying");
	ASSERT_EQ(r.answered, 1);
	ASSERT_EQ(r.rsp_status, BMC_EAUTH);
	/* One RAKP 1, no RAKP 3, no second try with the password. */
	ASSERT_EQ(r.bmc.rakp1s, 1);
	ASSERT_EQ(r.bmc.rakp3s, 0);
	ASSERT_EQ(r.bmc.opens, 1);
	ASSERT_EQ(r.counters[CNT_RETRANSMITS], 0);
	ASSERT_EQ(r.counters[CNT_SESSIONS], 0);
	run_finish(&r);
}

TEST(ipmi_session_unknown_user_refused)
{
	struct run r;

	run_init(&r, "secret");
	r.bmc.rakp2_status = 0x0D; /* unauthorized name */
	ASSERT_EQ(
	    ipmi_session_request(&r.s, IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, NULL, 0, on_rsp, &r),
	    0);
	run_until_closed(&r);
	ASSERT_EQ(r.error_status, BMC_EAUTH);
	ASSERT_CONTAINS(r.error_msg, "the BMC rejected user \"admin\" at admin privilege");
	ASSERT_EQ(r.rsp_status, BMC_EAUTH);
	ASSERT_EQ(r.bmc.rakp1s, 1);
	ASSERT_EQ(r.bmc.rakp3s, 0);
	ASSERT_EQ(r.counters[CNT_RETRANSMITS], 0);
	run_finish(&r);
}

TEST(ipmi_session_retransmits_a_lost_answer)
{
	struct run r;

	run_init(&r, "secret");
	r.bmc.lose_requests = 1;
	ASSERT_EQ(
	    ipmi_session_request(&r.s, IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, NULL, 0, on_rsp, &r),
	    0);
	run_until_closed(&r);
	ASSERT_EQ(r.rsp_status, 0);
	ASSERT_EQ(r.rsp_ccode, 0);
	ASSERT_EQ(r.error_status, 0);
	ASSERT_EQ(r.counters[CNT_RETRANSMITS], 1);
	ASSERT_EQ(r.counters[CNT_SESSIONS], 1);
	/* Set Session Privilege, Get Device ID twice, Close Session. */
	ASSERT_EQ(r.bmc.requests, 4);
	run_finish(&r);
}

TEST(ipmi_session_drops_and_counts_junk)
{
	struct run r;
	uint8_t junk[4] = {1, 2, 3, 4};

	run_init(&r, "secret");
	r.bmc.garbage_first = 1;
	/* A datagram too big for the buffer never reaches a state. */
	r.s.ep.recv(r.s.ep.ctx, junk, sizeof junk, 1);
	ASSERT_EQ(r.counters[CNT_DROP_MALFORMED], 1);
	ASSERT_EQ(r.counters[CNT_RX], 0);
	/* A late datagram to a session that is not open. */
	r.s.ep.recv(r.s.ep.ctx, junk, sizeof junk, 0);
	ASSERT_EQ(r.counters[CNT_DROP_SESSION_ID], 1);
	ASSERT_EQ(r.s.state, IPMI_S_IDLE);
	ASSERT_EQ(
	    ipmi_session_request(&r.s, IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, NULL, 0, on_rsp, &r),
	    0);
	run_until_closed(&r);
	ASSERT_EQ(r.rsp_status, 0);
	ASSERT_EQ(r.answered, 1);
	/* The junk and the answer under another session ID, each counted. */
	ASSERT_EQ(r.counters[CNT_DROP_MALFORMED], 2);
	ASSERT_EQ(r.counters[CNT_DROP_SESSION_ID], 2);
	ASSERT_EQ(r.counters[CNT_RETRANSMITS], 0);
	run_finish(&r);
}

/* Vendor defects (FreeIPMI's workarounds), found without risking the account. */

static void request_device_id(struct run *r)
{
	ASSERT_EQ(
	    ipmi_session_request(&r->s, IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, NULL, 0, on_rsp, r),
	    0);
	run_until_closed(r);
}

TEST(ipmi_session_long_rakp2_recognised_without_a_second_login)
{
	struct run r;

	run_init_wa(&r, "secret", 1, 0, 0);
	r.bmc.long_rakp2 = 1;
	request_device_id(&r);
	ASSERT_EQ(r.error_status, 0);
	ASSERT_EQ(r.rsp_ccode, 0);
	ASSERT_EQ(r.bmc.rakp1s, 1);
	ASSERT_EQ(r.wa_in_use, FLEET_WA_SUPERMICRO20);
	ASSERT_EQ(r.wa_fixups, 1);
	ASSERT_EQ(r.learned_used, FLEET_WA_SUPERMICRO20);
	run_finish(&r);
}

TEST(ipmi_session_long_rakp2_wrong_password_one_attempt)
{
	struct run r;

	run_init_wa(&r, "another", 1, 0, 0);
	r.bmc.long_rakp2 = 1;
	request_device_id(&r);
	ASSERT_EQ(r.error_status, BMC_EAUTH);
	ASSERT_CONTAINS(r.error_msg, "wrong password");
	ASSERT_EQ(r.bmc.rakp1s, 1);
	ASSERT_EQ(r.bmc.rakp3s, 0);
	ASSERT_EQ(r.wa_in_use, 0);
	run_finish(&r);
}

TEST(ipmi_session_long_rakp2_refused_with_workarounds_none)
{
	struct run r;

	run_init_wa(&r, "secret", 0, 0, 0);
	r.bmc.long_rakp2 = 1;
	request_device_id(&r);
	ASSERT_EQ(r.error_status, BMC_EAUTH);
	ASSERT_EQ(r.bmc.rakp1s, 1);
	ASSERT_EQ(r.bmc.rakp3s, 0);
	run_finish(&r);
}

TEST(ipmi_session_bad_checksums_taken_when_authenticated)
{
	struct run r;

	run_init_wa(&r, "secret", 1, 0, 0);
	r.bmc.bad_checksum = 1;
	request_device_id(&r);
	ASSERT_EQ(r.error_status, 0);
	ASSERT_EQ(r.rsp_ccode, 0);
	ASSERT_EQ(r.wa_in_use, FLEET_WA_NOCHECKSUMCHECK);
	/* Set Session Privilege, Get Device ID, Close Session. */
	ASSERT_EQ(r.wa_fixups, 3);
	ASSERT_EQ(r.counters[CNT_RETRANSMITS], 0);
	run_finish(&r);
}

TEST(ipmi_session_intel_padded_name_probed_once)
{
	struct run r;

	run_init_wa(&r, "secret", 1, 0, 0);
	r.bmc.intel = 1;
	request_device_id(&r);
	ASSERT_EQ(r.error_status, 0);
	ASSERT_EQ(r.rsp_ccode, 0);
	/* Refused by name, then found padded: two handshakes, one proof. */
	ASSERT_EQ(r.bmc.opens, 2);
	ASSERT_EQ(r.bmc.rakp1s, 2);
	ASSERT_EQ(r.bmc.rakp3s, 1);
	ASSERT_EQ(r.wa_in_use, FLEET_WA_INTEL20);
	ASSERT_EQ(r.learned_used, FLEET_WA_INTEL20);
	ASSERT_EQ(r.learned_tried, FLEET_WA_INTEL20);
	run_finish(&r);
}

TEST(ipmi_session_intel_probe_not_made_twice)
{
	struct run r;

	run_init_wa(&r, "secret", 1, 0, FLEET_WA_INTEL20);
	r.bmc.intel = 1;
	request_device_id(&r);
	ASSERT_EQ(r.error_status, BMC_EAUTH);
	ASSERT_CONTAINS(r.error_msg, "unauthorized name");
	ASSERT_EQ(r.bmc.rakp1s, 1);
	run_finish(&r);
}

TEST(ipmi_session_intel_remembered_then_refused_is_forgotten)
{
	struct run r;

	run_init_wa(&r, "secret", 1, FLEET_WA_INTEL20, FLEET_WA_INTEL20);
	r.bmc.rakp2_status = 0x0D;
	request_device_id(&r);
	ASSERT_EQ(r.error_status, BMC_EAUTH);
	ASSERT_EQ(r.bmc.rakp1s, 1);
	ASSERT_EQ(r.learned_used, 0);
	ASSERT_EQ(r.learned_tried, FLEET_WA_INTEL20);
	run_finish(&r);
}
