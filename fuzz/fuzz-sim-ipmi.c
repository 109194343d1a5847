/*
 * fuzz-sim-ipmi.c - libFuzzer target for bmcsim's RMCP+ server
 * (sim/ipmi*.c) on one simulated BMC: ASF ping, v1.5 Get Channel Auth
 * Caps, Open Session, RAKP 1 and 3, session packets with every payload
 * type, the IPMI commands and Serial over LAN.
 *
 * The target is also a console that knows the password: at start-up it
 * logs in twice (cipher suites 3 and 17) with the engine's own RAKP code,
 * so inputs can be wrapped in valid session packets with those sessions'
 * keys and reach what only an authenticated console reaches.  The first
 * byte of an input says how the rest is sent:
 *
 *   bits 0-2  0 raw datagram; 1 sessionless RMCP+ payload, type in the next
 *             byte; 2 v1.5 IPMI request; 3 IPMI request in a session; 4
 *             session payload of any type (next byte); 5 SOL payload in a
 *             session with SOL active; 6 IPMI request in a session at a
 *             sequence number the next byte moves; 7 session payload with
 *             the integrity or encryption left out (next byte)
 *   bit 3     which session (suite 3 or 17)
 *   bit 4     mode 1: a RAKP 1 or 3 gets the session ID of the BMC's last
 *             Open Session Response, so half-open sessions are reachable
 *   bits 4-5  mode 5: SOL activated with encryption, authentication
 *
 * Requests built here (modes 2, 3 and 6) take netFn/LUN, rqSeq/LUN and
 * command from the input and get correct checksums.  Sessions persist
 * across inputs; one that an input may have ended or desynchronized is
 * probed and, if gone, logged in again, which must always work.  Every
 * IPMI reply in a session must verify with the session's keys.  Nothing
 * touches a socket: bmcsim's sends are handed over by its fuzz hook.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-sim.h"
#include "ipmi/msg.h"
#include "ipmi/rakp.h"
#include "ipmi/sol.h"
#include "sim.h"

#define USER	 "fuzzer"
#define PASSWORD "fuzz-ipmi-pw"
#define MAX_SENT 16

static uv_loop_t loop;
static struct sim sim;
static struct sockaddr_in peer;

/* What the BMC sent while handling the last datagram. */
static uint8_t sent[MAX_SENT][IPMI_MAX_PACKET];
static size_t sent_len[MAX_SENT], nsent;
static uint32_t opened_sid; /* from the last Open Session Response */

struct console {
	int suite;
	uint32_t console_sid, bmc_sid;
	uint32_t seq;
	uint8_t rqseq;
	struct ipmi_rakp rakp;
	int doubt;     /* an input may have closed or desynchronized the session */
	int sol_flags; /* SOL activated with these aux bits by us; -1 unknown */
};

static struct console consoles[2] = {{.suite = 3}, {.suite = 17}};

static void on_sent(const uint8_t *buf, size_t len)
{
	static uint8_t scratch[IPMI_MAX_PACKET];
	struct ipmi_open_session_rsp osr;
	struct ipmi_rmcpp_packet p;

	if (ipmi_rmcpp_parse(buf, len, NULL, &p, scratch, sizeof(scratch)) == 0 &&
	    p.type == IPMI_PAYLOAD_OPEN_SESSION_RSP &&
	    ipmi_open_session_parse(p.payload, p.payload_len, &osr) == 0 && osr.status == 0)
		opened_sid = osr.bmc_sid;
	if (nsent == MAX_SENT || len > IPMI_MAX_PACKET)
		return;
	memcpy(sent[nsent], buf, len);
	sent_len[nsent++] = len;
}

static void deliver(const uint8_t *buf, size_t len)
{
	nsent = 0;
	sim_ipmi_fuzz_receive(&sim.bmcs[0], (const struct sockaddr *)&peer, buf, len);
}

/* 0, or -1 when the packet does not fit and nothing was sent. */
static int send_rmcpp(enum ipmi_payload_type type, uint32_t sid, uint32_t seq,
		      const uint8_t *payload, size_t len, const struct ipmi_session_keys *keys)
{
	static const uint8_t iv[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
				       0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01};
	uint8_t pkt[IPMI_MAX_PACKET + 64];
	ssize_t n = ipmi_rmcpp_build(pkt, sizeof(pkt), type, sid, seq, payload, len, keys, iv);

	if (n <= 0)
		return -1;
	deliver(pkt, (size_t)n);
	return 0;
}

/* The first reply of the given type that parses with keys; 0 or -1. */
static int find_reply(enum ipmi_payload_type type, const struct ipmi_session_keys *keys,
		      struct ipmi_rmcpp_packet *p, uint8_t *scratch)
{
	for (size_t i = 0; i < nsent; i++)
		if (ipmi_rmcpp_parse(sent[i], sent_len[i], keys, p, scratch, IPMI_MAX_PACKET) ==
			0 &&
		    p->type == type)
			return 0;
	return -1;
}

/* Session setup: one payload out, the reply's payload back (into scratch). */
static int setup_step(enum ipmi_payload_type type, const uint8_t *payload, size_t len,
		      enum ipmi_payload_type want, struct ipmi_rmcpp_packet *p, uint8_t *scratch)
{
	send_rmcpp(type, 0, 0, payload, len, NULL);
	return find_reply(want, NULL, p, scratch);
}

static int ipmi_request(struct console *c, uint8_t netfn, uint8_t cmd, const uint8_t *data,
			size_t len, uint8_t *ccode);

/* Log in as a console would; -1 when the BMC refused a valid login. */
static int login(struct console *c)
{
	static uint8_t scratch[IPMI_MAX_PACKET];
	struct ipmi_open_session_rsp osr;
	struct ipmi_rmcpp_packet p;
	struct ipmi_rakp2 m2;
	struct ipmi_rakp4 m4;
	struct ipmi_cipher ci;
	uint8_t buf[64], rm[16], admin = 4, ccode;
	size_t n;

	ipmi_rakp_wipe(&c->rakp);
	c->console_sid++;
	ipmi_cipher_lookup(c->suite, &ci);
	n = ipmi_open_session_build(buf, 1, admin, c->console_sid, &ci);
	if (setup_step(IPMI_PAYLOAD_OPEN_SESSION_REQ, buf, n, IPMI_PAYLOAD_OPEN_SESSION_RSP, &p,
		       scratch) != 0 ||
	    ipmi_open_session_parse(p.payload, p.payload_len, &osr) != 0 || osr.status != 0)
		return -1;
	c->bmc_sid = osr.bmc_sid;
	for (int i = 0; i < 16; i++)
		rm[i] = (uint8_t)(c->console_sid * 7 + (uint32_t)i);
	if (ipmi_rakp_init(&c->rakp, c->suite, 0x10 | admin, USER, strlen(USER),
			   (const uint8_t *)PASSWORD, strlen(PASSWORD), NULL, 0, c->console_sid,
			   rm) != 0)
		return -1;
	c->rakp.bmc_sid = c->bmc_sid;
	n = ipmi_rakp1_build(buf, sizeof(buf), 2, &c->rakp);
	if (setup_step(IPMI_PAYLOAD_RAKP1, buf, n, IPMI_PAYLOAD_RAKP2, &p, scratch) != 0 ||
	    ipmi_rakp2_parse(p.payload, p.payload_len, &m2) != 0 || m2.status != 0 ||
	    ipmi_rakp2_verify(&c->rakp, &m2) != 0)
		return -1;
	ipmi_rakp_derive_keys(&c->rakp);
	n = ipmi_rakp3_build(buf, sizeof(buf), 3, 0, &c->rakp);
	if (setup_step(IPMI_PAYLOAD_RAKP3, buf, n, IPMI_PAYLOAD_RAKP4, &p, scratch) != 0 ||
	    ipmi_rakp4_parse(p.payload, p.payload_len, &m4) != 0 || m4.status != 0 ||
	    ipmi_rakp4_verify(&c->rakp, &m4) != 0)
		return -1;
	c->seq = 0;
	c->doubt = 0;
	c->sol_flags = -1;
	/* Set Session Privilege Level: administrator, so every command is open. */
	if (ipmi_request(c, 0x06, 0x3b, &admin, 1, &ccode) != 0 || ccode != 0)
		return -1;
	return 0;
}

/*
 * A payload in c's session; keys NULL for the session's own.  The sequence
 * number moves on only for a packet the BMC will take (sent, with the keys
 * it expects), so ours stay inside its window of 16.
 */
static void session_send(struct console *c, enum ipmi_payload_type type, const uint8_t *payload,
			 size_t len, const struct ipmi_session_keys *keys, int authentic)
{
	if (keys == NULL)
		keys = &c->rakp.keys;
	if (send_rmcpp(type, c->bmc_sid, c->seq + 1, payload, len, keys) == 0 && authentic)
		c->seq++;
}

/* Every IPMI reply in c's session must verify and hold a whole response. */
static void check_replies(struct console *c)
{
	static uint8_t scratch[IPMI_MAX_PACKET];
	struct ipmi_rmcpp_packet p;
	struct ipmi_response r;

	for (size_t i = 0; i < nsent; i++) {
		if (sent_len[i] < 16 || sent[i][4] != 0x06 || (sent[i][5] & 0x3f) != 0 ||
		    (uint32_t)(sent[i][6] | sent[i][7] << 8 | sent[i][8] << 16 |
			       (uint32_t)sent[i][9] << 24) != c->console_sid)
			continue;
		if (ipmi_rmcpp_parse(sent[i], sent_len[i], &c->rakp.keys, &p, scratch,
				     sizeof(scratch)) != 0 ||
		    ipmi_msg_parse_response(p.payload, p.payload_len, &r) != 0)
			abort();
	}
}

static int ipmi_request(struct console *c, uint8_t netfn, uint8_t cmd, const uint8_t *data,
			size_t len, uint8_t *ccode)
{
	static uint8_t scratch[IPMI_MAX_PACKET];
	uint8_t msg[IPMI_MAX_PACKET];
	struct ipmi_rmcpp_packet p;
	struct ipmi_response r;
	ssize_t n;

	c->rqseq = (uint8_t)((c->rqseq + 1) & 0x3f);
	n = ipmi_msg_build_request(msg, sizeof(msg), netfn, cmd, c->rqseq, data, len);
	if (n < 0)
		return -1;
	session_send(c, IPMI_PAYLOAD_IPMI, msg, (size_t)n, NULL, 1);
	check_replies(c);
	if (find_reply(IPMI_PAYLOAD_IPMI, &c->rakp.keys, &p, scratch) != 0 ||
	    ipmi_msg_parse_response(p.payload, p.payload_len, &r) != 0 || r.cmd != cmd)
		return -1;
	*ccode = r.ccode;
	return 0;
}

/* The session works, or is made again. */
static void ensure_session(struct console *c)
{
	uint32_t old = c->bmc_sid;
	uint8_t req[4], ccode;

	if (!c->doubt)
		return;
	if (ipmi_request(c, 0x06, 0x01, NULL, 0, &ccode) == 0 && ccode == 0) {
		c->doubt = 0;
		return;
	}
	if (login(c) != 0)
		abort(); /* a valid login must always work */
	/* Close Session on the old one, in case it lives on and holds a slot. */
	for (int i = 0; i < 4; i++)
		req[i] = (uint8_t)(old >> (8 * i));
	(void)ipmi_request(c, 0x06, 0x3c, req, sizeof(req), &ccode);
	consoles[0].sol_flags = consoles[1].sol_flags = -1;
}

/* SOL active in c's session with these aux bits (encrypt 0x80, auth 0x40). */
static void ensure_sol(struct console *c, int flags)
{
	uint8_t req[6], ccode;

	if (c->sol_flags == flags)
		return;
	/* Deactivate ends it for whichever session holds it. */
	sol_build_deactivate(req, 1);
	(void)ipmi_request(c, 0x06, IPMI_CMD_DEACTIVATE_PAYLOAD, req, sizeof(req), &ccode);
	sol_build_activate(req, 1, flags & SOL_AUX_ENCRYPT, flags & SOL_AUX_AUTHENTICATE);
	if (ipmi_request(c, 0x06, IPMI_CMD_ACTIVATE_PAYLOAD, req, sizeof(req), &ccode) != 0 ||
	    ccode != 0)
		abort(); /* it was free and the session encrypts: it must activate */
	consoles[0].sol_flags = consoles[1].sol_flags = -1;
	c->sol_flags = flags;
}

/* An IPMI request message from input bytes: netFn/LUN, rqSeq/LUN, cmd, data. */
static size_t make_request(const uint8_t *in, size_t len, uint8_t *msg)
{
	if (len < 3 || len - 3 > IPMI_MAX_PACKET - 7)
		return 0;
	msg[0] = IPMI_BMC_SLAVE_ADDR;
	msg[1] = in[0];
	msg[2] = ipmi_checksum(msg, 2);
	msg[3] = IPMI_REMOTE_SWID;
	msg[4] = in[1];
	msg[5] = in[2];
	memcpy(msg + 6, in + 3, len - 3);
	msg[len + 3] = ipmi_checksum(msg + 3, len);
	return len + 4;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_sim_init(&sim, &loop, USER, PASSWORD, 5);
	sim_ipmi_fuzz_start(&sim, on_sent);
	peer.sin_family = AF_INET;
	peer.sin_port = htons(50623);
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < 2; i++) {
		consoles[i].console_sid = 0x0c000000u * (uint32_t)(i + 1);
		if (login(&consoles[i]) != 0)
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct console *c;
	struct ipmi_session_keys keys;
	uint8_t msg[IPMI_MAX_PACKET];
	size_t n;
	int mode;

	if (size < 1 || size > IPMI_MAX_PACKET)
		return 0;
	mode = data[0] & 0x07;
	c = &consoles[(data[0] >> 3) & 1];
	data++;
	size--;
	if (mode >= 3)
		ensure_session(c);
	switch (mode) {
	case 0:
		deliver(data, size);
		break;
	case 1:
		if (size < 1 || size - 1 > sizeof(msg))
			break;
		memcpy(msg, data + 1, size - 1);
		if ((data[-1] & 0x10) && size - 1 >= 8 &&
		    ((data[0] & 0x3f) == IPMI_PAYLOAD_RAKP1 ||
		     (data[0] & 0x3f) == IPMI_PAYLOAD_RAKP3))
			for (int i = 0; i < 4; i++)
				msg[4 + i] = (uint8_t)(opened_sid >> (8 * i));
		send_rmcpp((enum ipmi_payload_type)(data[0] & 0x3f), 0, 0, msg, size - 1, NULL);
		break;
	case 2:
		n = make_request(data, size, msg);
		if (n > 0) {
			uint8_t pkt[IPMI_MAX_PACKET + 32];
			ssize_t m = ipmi_v15_build(pkt, sizeof(pkt), msg, n);

			if (m > 0)
				deliver(pkt, (size_t)m);
		}
		break;
	case 3:
		n = make_request(data, size, msg);
		if (n > 0)
			session_send(c, IPMI_PAYLOAD_IPMI, msg, n, NULL, 1);
		break;
	case 4:
		if (size >= 1)
			session_send(c, (enum ipmi_payload_type)(data[0] & 0x3f), data + 1,
				     size - 1, NULL, 1);
		break;
	case 5: {
		int flags = (data[-1] & 0x10 ? SOL_AUX_ENCRYPT : 0) |
			    (data[-1] & 0x20 ? SOL_AUX_AUTHENTICATE : 0);

		ensure_sol(c, flags);
		keys = c->rakp.keys;
		if (!(flags & SOL_AUX_ENCRYPT))
			keys.confidentiality = IPMI_CONF_NONE;
		if (!(flags & SOL_AUX_AUTHENTICATE))
			keys.integrity = IPMI_INTEG_NONE;
		session_send(c, IPMI_PAYLOAD_SOL, data, size, &keys, 1);
		break;
	}
	case 6:
		n = size >= 1 ? make_request(data + 1, size - 1, msg) : 0;
		if (n > 0) {
			/* A sequence number around the session's: replays, gaps, wraps.
			 * Only a step 1 to 16 ahead moves the BMC's window. */
			int step = (int8_t)data[0];

			if (send_rmcpp(IPMI_PAYLOAD_IPMI, c->bmc_sid, c->seq + (uint32_t)step, msg,
				       n, &c->rakp.keys) == 0 &&
			    step >= 1 && step <= 16 && c->seq + (uint32_t)step != 0)
				c->seq += (uint32_t)step;
		}
		break;
	case 7:
		if (size >= 1) {
			keys = c->rakp.keys;
			if (data[0] & 0x40)
				keys.confidentiality = IPMI_CONF_NONE;
			if (data[0] & 0x80)
				keys.integrity = IPMI_INTEG_NONE;
			session_send(c, (enum ipmi_payload_type)(data[0] & 0x3f), data + 1,
				     size - 1, &keys, (data[0] & 0xc0) == 0);
		}
		break;
	}
	if (mode >= 3)
		check_replies(c);
	if (mode != 2 && mode != 5) {
		/* IPMI commands may close sessions or move SOL, a RAKP 3 that
		 * gives up may end one. */
		consoles[0].doubt = consoles[1].doubt = 1;
		consoles[0].sol_flags = consoles[1].sol_flags = -1;
	}
	return 0;
}
