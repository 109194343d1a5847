/*
 * ipmi/session-setup.c - opening an RMCP+ session: the address, Get Channel
 * Authentication Capabilities, Open Session (with auto mode's fall back
 * from suite 17 to 3), RAKP 1-4 and Set Session Privilege Level.
 *
 * Each step is a single packet retransmitted on its own timer.  A lost
 * RAKP answer restarts the handshake from Open Session (BMCs do not answer
 * a repeated RAKP message), a bounded number of times.  A wrong password
 * is found in RAKP 2 and never retried: BMCs lock accounts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/errors.h"
#include "core/host.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "ipmi/session-internal.h"
#include "ipmi/session.h"

/* In auto mode, how long suite 17 may go unanswered before trying 3. */
#define SUITE_PROBE_MS 1000

/* Workarounds (FreeIPMI's catalogue, FLEET_WA_*). */

int ipmi_session_wa_allowed(const struct ipmi_session *s, unsigned w)
{
	return (s->par.wa_force & w) != 0 || s->par.wa_detect;
}

void ipmi_session_wa_note(struct ipmi_session *s, unsigned w, uint64_t n)
{
	if (!(s->wa & w))
		log_info("%s: working around a known BMC defect (FreeIPMI's \"%s\")", s->par.name,
			 fleet_workaround_name((unsigned)__builtin_ctz(w)));
	s->wa |= w;
	if (s->par.wa_in_use != NULL)
		*s->par.wa_in_use |= w;
	if (s->par.wa_fixups != NULL)
		*s->par.wa_fixups += n;
}

/* Tell the owner what this host taught us, to remember across runs: the
 * detected workarounds that worked (used), and the probes spent. */
static void wa_learned(struct ipmi_session *s, unsigned used)
{
	if (s->par.wa_learned != NULL)
		s->par.wa_learned(s->par.cfg_ctx, used & ~s->par.wa_force, s->par.wa_tried);
}

/* Intel's firmware (intel20) looks user names up NUL-padded to 16 bytes. */
static void pad_user(struct ipmi_rakp *r)
{
	memset(r->user + r->user_len, 0, IPMI_MAX_USER - r->user_len);
	r->user_len = IPMI_MAX_USER;
}

/* Session setup packets: unauthenticated, session ID 0. */
static void send_setup_payload(struct ipmi_session *s, enum ipmi_payload_type type,
			       const uint8_t *payload, size_t len)
{
	ssize_t n = ipmi_rmcpp_build(s->pkt, sizeof s->pkt, type, 0, 0, payload, len, NULL, NULL);

	if (n < 0)
		fatal("ipmi: setup packet does not fit");
	s->pkt_len = (size_t)n;
	ipmi_session_send_packet(s);
}

static void send_authcap(struct ipmi_session *s)
{
	uint8_t msg[32];
	uint8_t data[2] = {0x8E, s->privilege}; /* this channel, IPMI v2.0 data */
	ssize_t n =
	    ipmi_msg_build_request(msg, sizeof msg, IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_AUTH_CAPS,
				   s->rqseq, data, sizeof data);

	n = ipmi_v15_build(s->pkt, sizeof s->pkt, msg, (size_t)n);
	s->pkt_len = (size_t)n;
	s->state = IPMI_S_AUTHCAP;
	ipmi_session_send_packet(s);
}

static void send_open_session(struct ipmi_session *s)
{
	struct ipmi_cipher c;
	uint8_t payload[32];

	ipmi_cipher_lookup(s->suite, &c);
	do {
		crypto_random(&s->console_sid, sizeof s->console_sid);
	} while (s->console_sid == 0);
	s->tag++;
	ipmi_open_session_build(payload, s->tag, s->privilege, s->console_sid, &c);
	s->state = IPMI_S_OPEN;
	send_setup_payload(s, IPMI_PAYLOAD_OPEN_SESSION_REQ, payload, sizeof payload);
}

static uint64_t setup_timeout(struct ipmi_session *s)
{
	uint64_t t = s->par.timeout_ms;

	if (s->state == IPMI_S_OPEN && s->suite_fallback != 0 && t > SUITE_PROBE_MS)
		return SUITE_PROBE_MS;
	return t;
}

/* A setup step was answered: stop its timer, and time a first attempt. */
static void setup_answered(struct ipmi_session *s)
{
	uv_timer_stop(&s->timer);
	if (s->setup_attempts == 1)
		ipmi_session_rtt_sample(s, ipmi_session_now(s) - s->step_start_ms);
}

static void setup_step(struct ipmi_session *s, void (*send)(struct ipmi_session *s))
{
	s->setup_attempts = 1;
	s->step_start_ms = ipmi_session_now(s);
	send(s);
	ipmi_session_arm_timer(s, setup_timeout(s));
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct ipmi_session *s = req->data;

	s->resolving = 0;
	if (s->state == IPMI_S_CLOSING || s->close_requested) {
		if (res != NULL)
			uv_freeaddrinfo(res);
		ipmi_session_close_finish(s);
		return;
	}
	if (status != 0 || res == NULL) {
		ipmi_session_fail(s, BMC_ETIMEDOUT, "cannot resolve %s: %s", s->par.address,
				  uv_strerror(status));
		return;
	}
	memcpy(&s->ep.addr, res->ai_addr, res->ai_addrlen);
	if (s->ep.addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&s->ep.addr)->sin6_port = htons(s->par.port);
	else
		((struct sockaddr_in *)&s->ep.addr)->sin_port = htons(s->par.port);
	uv_freeaddrinfo(res);
	s->addr_ok = 1;
	ipmi_transport_add(s->transport, &s->ep);
	setup_step(s, send_authcap);
}

void ipmi_session_setup_start(struct ipmi_session *s)
{
	struct addrinfo hints;
	int rc;

	s->handshake_restarts = 0;
	s->wa = s->par.wa_force | (s->par.wa_detect ? s->par.wa_cached : 0);
	s->authcap_doubt = 0;
	if (s->addr_ok) {
		setup_step(s, send_authcap);
		return;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	s->state = IPMI_S_RESOLVING;
	s->resolver.data = s;
	s->resolving = 1;
	rc = uv_getaddrinfo(s->par.loop, &s->resolver, on_resolved, s->par.address, NULL, &hints);
	if (rc != 0) {
		s->resolving = 0;
		ipmi_session_fail(s, BMC_ETIMEDOUT, "cannot resolve %s: %s", s->par.address,
				  uv_strerror(rc));
	}
}

static void send_setpriv(struct ipmi_session *s)
{
	struct ipmi_request *r = s->inflight;

	ipmi_session_send_request(s, r);
}

/* Setup replies. */

static void on_authcap(struct ipmi_session *s, const uint8_t *buf, size_t len)
{
	const uint8_t *msg;
	size_t mlen;
	struct ipmi_response rsp;
	struct ipmi_auth_caps caps;

	if (ipmi_v15_parse(buf, len, &msg, &mlen) != 0 ||
	    ipmi_msg_parse_response(msg, mlen, &rsp) != 0) {
		s->par.counters[CNT_DROP_MALFORMED]++;
		return;
	}
	if (rsp.cmd != IPMI_CMD_GET_CHANNEL_AUTH_CAPS || rsp.rqseq != s->rqseq) {
		s->par.counters[CNT_DROP_MISMATCH]++;
		return;
	}
	setup_answered(s);
	if (rsp.ccode != 0) {
		ipmi_session_fail(s, BMC_EPROTO,
				  "Get Channel Authentication Capabilities failed: %s",
				  ipmi_ccode_str(rsp.ccode));
		return;
	}
	if (ipmi_parse_auth_caps(rsp.data, rsp.len, &caps) != 0) {
		ipmi_session_fail(s, BMC_EPROTO,
				  "malformed authentication capabilities from the BMC");
		return;
	}
	if (!caps.ipmi20) {
		ipmi_session_fail(
		    s, BMC_EREFUSED,
		    "the BMC offers only IPMI v1.5, which bmctop refuses (its logins send the password in clear text or as MD5); enable IPMI v2.0 / RMCP+ on the BMC");
		return;
	}
	s->kg_claimed = caps.kg_set;
	/* Some firmware misreports user names and K_g here (FreeIPMI's authcap):
	 * the login decides; if it works, the host is marked authcap. */
	if ((caps.kg_set && !s->par.kg_given) ||
	    (s->par.user != NULL && s->par.user[0] != '\0' && !caps.non_null_users)) {
		if (ipmi_session_wa_allowed(s, FLEET_WA_AUTHCAP))
			s->authcap_doubt = 1;
		else if (caps.kg_set && !s->par.kg_given)
			log_warn("%s: the BMC has a K_g key set but the fleet file gives none",
				 s->par.name);
	}
	setup_step(s, send_open_session);
}

static int status_means_suite(uint8_t st)
{
	/* Invalid or unmatched algorithms, or no cipher suite match. */
	return (st >= 0x04 && st <= 0x07) || st == 0x10 || st == 0x11;
}

static void send_rakp1(struct ipmi_session *s)
{
	uint8_t payload[64];
	size_t n;

	s->tag++;
	n = ipmi_rakp1_build(payload, sizeof payload, s->tag, &s->rakp);
	s->state = IPMI_S_RAKP1;
	send_setup_payload(s, IPMI_PAYLOAD_RAKP1, payload, n);
}

static void send_rakp3(struct ipmi_session *s)
{
	uint8_t payload[64];
	struct ipmi_rakp r = s->rakp;
	size_t n;

	/* intel20: RAKP 3's code covers the name unpadded, the name-only
	 * lookup bit clear (as FreeIPMI and ipmitool found). */
	if (s->wa & FLEET_WA_INTEL20) {
		while (r.user_len > 0 && r.user[r.user_len - 1] == '\0')
			r.user_len--;
		r.role &= (uint8_t)~0x10;
	}
	s->tag++;
	n = ipmi_rakp3_build(payload, sizeof payload, s->tag, 0, &r);
	ipmi_rakp_wipe(&r);
	s->state = IPMI_S_RAKP3;
	send_setup_payload(s, IPMI_PAYLOAD_RAKP3, payload, n);
}

static void on_open_session(struct ipmi_session *s, const struct ipmi_rmcpp_packet *p)
{
	struct ipmi_open_session_rsp rsp;
	struct ipmi_cipher c;
	const struct secret *pw, *kg;
	const char *user = s->par.user ? s->par.user : "";
	uint8_t rm[16];
	char *err = NULL;

	if (p->type != IPMI_PAYLOAD_OPEN_SESSION_RSP ||
	    ipmi_open_session_parse(p->payload, p->payload_len, &rsp) != 0) {
		s->par.counters[CNT_DROP_MISMATCH]++;
		return;
	}
	if (rsp.tag != s->tag || rsp.console_sid != s->console_sid) {
		s->par.counters[CNT_DROP_MISMATCH]++;
		return;
	}
	setup_answered(s);
	if (rsp.status != 0) {
		if (status_means_suite(rsp.status) && s->suite_fallback != 0) {
			log_info("%s: BMC refused cipher suite %d (%s); trying %d", s->par.name,
				 s->suite, ipmi_rmcpp_status_str(rsp.status), s->suite_fallback);
			s->suite = s->suite_fallback;
			s->suite_fallback = 0;
			setup_step(s, send_open_session);
			return;
		}
		ipmi_session_fail(s,
				  rsp.status == 0x01 || rsp.status == 0x0B ? BMC_EBUSY : BMC_EPROTO,
				  "the BMC refused to open a session with cipher suite %d: %s",
				  s->suite, ipmi_rmcpp_status_str(rsp.status));
		return;
	}
	ipmi_cipher_lookup(s->suite, &c);
	if (rsp.auth != c.auth || rsp.integrity != c.integrity ||
	    rsp.confidentiality != c.confidentiality) {
		if (s->suite_fallback != 0) {
			/* Some BMCs (pyghmi, so VirtualBMC) answer every proposal with
			 * suite 3's algorithms instead of refusing it. */
			log_info("%s: BMC answered cipher suite %d with other algorithms (auth %d, integrity %d, confidentiality %d); trying %d",
				 s->par.name, s->suite, rsp.auth, rsp.integrity,
				 rsp.confidentiality, s->suite_fallback);
			s->suite = s->suite_fallback;
			s->suite_fallback = 0;
			setup_step(s, send_open_session);
			return;
		}
		ipmi_session_fail(s, BMC_EREFUSED,
				  "the BMC chose algorithms we did not offer (auth %d, integrity %d, confidentiality %d for suite %d); refusing the session",
				  rsp.auth, rsp.integrity, rsp.confidentiality, s->suite);
		return;
	}
	if (rsp.bmc_sid == 0) {
		ipmi_session_fail(s, BMC_EPROTO, "the BMC gave session ID 0");
		return;
	}
	s->bmc_sid = rsp.bmc_sid;
	pw = s->par.password(s->par.cfg_ctx, &err);
	kg = pw ? s->par.kg(s->par.cfg_ctx, &err) : NULL;
	if (pw == NULL || kg == NULL) {
		ipmi_session_fail(s, BMC_ECONFIG, "%s", err ? err : "no password");
		free(err);
		return;
	}
	crypto_random(rm, sizeof rm);
	if (ipmi_rakp_init(&s->rakp, s->suite, (uint8_t)(s->privilege | 0x10), user, strlen(user),
			   (const uint8_t *)pw->data, pw->len, (const uint8_t *)kg->data, kg->len,
			   s->console_sid, rm) != 0) {
		ipmi_session_fail(s, BMC_ECONFIG, "user name or password too long for IPMI");
		return;
	}
	s->rakp.bmc_sid = s->bmc_sid;
	if ((s->wa & FLEET_WA_INTEL20) && user[0] != '\0')
		pad_user(&s->rakp);
	setup_step(s, send_rakp1);
}

/*
 * RAKP 2's proof, as the spec has it or with a key exchange auth code one
 * byte too long (Supermicro's Peppercon and Sun's ILOM firmware: FreeIPMI's
 * supermicro20 and sun20).  The code still proves the BMC knows the
 * password, so the defect is recognised here, with no second login.
 */
static int rakp2_check(struct ipmi_session *s, const struct ipmi_rakp2 *m2)
{
	struct ipmi_rakp2 trimmed = *m2;

	if (ipmi_rakp2_verify(&s->rakp, m2) == 0)
		return 0;
	if (!ipmi_session_wa_allowed(s, FLEET_WA_SUPERMICRO20) ||
	    m2->auth_code_len != ipmi_auth_code_len(s->rakp.cipher.auth) + 1)
		return -1;
	trimmed.auth_code_len--;
	if (ipmi_rakp2_verify(&s->rakp, &trimmed) != 0)
		return -1;
	ipmi_session_wa_note(s, FLEET_WA_SUPERMICRO20, 1);
	return 0;
}

/*
 * RAKP 2 said "unauthorized name".  Intel's firmware (FreeIPMI's intel20)
 * finds user names only NUL-padded to 16 bytes: try that once per host,
 * ever (the state directory remembers), with a new handshake.  No password
 * was checked by a BMC that did not know the name, so this costs none.
 */
static int intel20_probe(struct ipmi_session *s)
{
	size_t len = s->par.user ? strlen(s->par.user) : 0;

	if ((s->wa & FLEET_WA_INTEL20) || len == 0 || len >= IPMI_MAX_USER ||
	    !s->par.wa_detect || (s->par.wa_tried & FLEET_WA_INTEL20))
		return 0;
	s->par.wa_tried |= FLEET_WA_INTEL20;
	wa_learned(s, s->par.wa_cached);
	s->wa |= FLEET_WA_INTEL20;
	log_info("%s: the BMC does not know user \"%s\"; trying once with the name padded to 16 bytes, as Intel firmware wants (FreeIPMI's intel20)",
		 s->par.name, s->par.user);
	ipmi_session_wipe_keys(s);
	setup_step(s, send_open_session);
	return 1;
}

static void on_rakp2(struct ipmi_session *s, const struct ipmi_rmcpp_packet *p)
{
	struct ipmi_rakp2 m2;
	const char *user = s->par.user ? s->par.user : "";

	if (p->type != IPMI_PAYLOAD_RAKP2 ||
	    ipmi_rakp2_parse(p->payload, p->payload_len, &m2) != 0) {
		s->par.counters[CNT_DROP_MISMATCH]++;
		return;
	}
	if (m2.tag != s->tag || m2.console_sid != s->console_sid) {
		s->par.counters[CNT_DROP_MISMATCH]++;
		return;
	}
	setup_answered(s);
	if (m2.status == 0x0D && intel20_probe(s))
		return;
	if (m2.status == 0x0D && (s->par.wa_cached & FLEET_WA_INTEL20)) {
		/* Padded as remembered, and refused: another BMC at that address
		 * now, perhaps.  Forget it; the next login goes unpadded. */
		s->par.wa_cached &= ~(unsigned)FLEET_WA_INTEL20;
		wa_learned(s, s->par.wa_cached);
	}
	if (m2.status != 0) {
		int auth = m2.status == 0x0D || m2.status == 0x09 || m2.status == 0x0A ||
			   m2.status == 0x0C;

		ipmi_session_fail(s, auth ? BMC_EAUTH : BMC_EPROTO,
				  "the BMC rejected user \"%s\" at %s privilege: %s", user,
				  fleet_privilege_name(s->par.privilege),
				  ipmi_rmcpp_status_str(m2.status));
		return;
	}
	/* The BMC found the name padded: intel20 is settled, right password or not. */
	if ((s->wa & FLEET_WA_INTEL20) && !(s->par.wa_cached & FLEET_WA_INTEL20) &&
	    !(s->par.wa_force & FLEET_WA_INTEL20)) {
		s->par.wa_cached |= FLEET_WA_INTEL20;
		wa_learned(s, s->par.wa_cached);
	}
	memcpy(s->rakp.rc, m2.rc, sizeof m2.rc);
	memcpy(s->rakp.guid, m2.guid, sizeof m2.guid);
	if (rakp2_check(s, &m2) != 0) {
		/* Wrong password: the BMC's proof does not match ours.  No RAKP 3,
		 * and no retry: BMCs lock accounts after a few failures. */
		ipmi_session_fail(
		    s, BMC_EAUTH,
		    "wrong password for user \"%s\" (the BMC's RAKP 2 did not verify); not retrying until you ask, to avoid locking the account",
		    user);
		return;
	}
	ipmi_rakp_derive_keys(&s->rakp);
	setup_step(s, send_rakp3);
}

static void on_setpriv_rsp(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			   void *arg);

static void on_rakp4(struct ipmi_session *s, const struct ipmi_rmcpp_packet *p)
{
	struct ipmi_rakp4 m4;
	uint8_t data[1] = {s->privilege};

	if (p->type != IPMI_PAYLOAD_RAKP4 ||
	    ipmi_rakp4_parse(p->payload, p->payload_len, &m4) != 0) {
		s->par.counters[CNT_DROP_MISMATCH]++;
		return;
	}
	if (m4.tag != s->tag || m4.console_sid != s->console_sid) {
		s->par.counters[CNT_DROP_MISMATCH]++;
		return;
	}
	setup_answered(s);
	if (m4.status != 0) {
		ipmi_session_fail(s, m4.status == 0x0F ? BMC_EAUTH : BMC_EPROTO,
				  "the BMC refused our RAKP 3: %s",
				  ipmi_rmcpp_status_str(m4.status));
		return;
	}
	if (ipmi_rakp4_verify(&s->rakp, &m4) != 0) {
		if (s->kg_claimed && !s->par.kg_given)
			ipmi_session_fail(s, BMC_EREFUSED,
					  "the BMC has a BMC key (K_g) set and the fleet file gives none (kg-file); its RAKP 4 did not verify, refusing the session");
		else
			ipmi_session_fail(s, BMC_EREFUSED,
					  "the BMC's RAKP 4 integrity check value is wrong (a wrong K_g, or not the BMC we think); refusing the session");
		return;
	}
	s->keys = s->rakp.keys;
	s->have_keys = 1;
	s->out_seq = 0;
	s->in_seq = 0;
	s->in_seen = 0;
	s->state = IPMI_S_SETPRIV;
	s->inflight = ipmi_session_new_request(IPMI_NETFN_APP, IPMI_CMD_SET_SESSION_PRIVILEGE, data,
					       1, on_setpriv_rsp, NULL);
	s->rqseq = (uint8_t)((s->rqseq + 1) & 0x3f);
	send_setpriv(s);
}

static void on_setpriv_rsp(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			   void *arg)
{
	if (status != 0)
		return;
	if (rsp->ccode != 0) {
		ipmi_session_fail(s, BMC_ECONFIG,
				  "the BMC refused %s privilege for user \"%s\": %s; set privilege in the fleet file",
				  fleet_privilege_name(s->par.privilege),
				  s->par.user ? s->par.user : "", ipmi_ccode_str(rsp->ccode));
		return;
	}
	s->state = IPMI_S_ACTIVE;
	s->par.counters[CNT_SESSIONS]++;
	if (s->authcap_doubt)
		ipmi_session_wa_note(s, FLEET_WA_AUTHCAP, 1);
	if (s->wa & FLEET_WA_INTEL20)
		ipmi_session_wa_note(s, FLEET_WA_INTEL20, 0);
	if ((s->wa & ~s->par.wa_force) != s->par.wa_cached) {
		s->par.wa_cached = s->wa & ~s->par.wa_force;
		wa_learned(s, s->par.wa_cached);
	}
	if (!s->suite_fixed && s->par.suite_worked != NULL)
		s->par.suite_worked(s->par.cfg_ctx, s->suite);
	s->suite_fallback = 0;
	log_debug("%s: session open, cipher suite %d", s->par.name, s->suite);
}

void ipmi_session_setup_timeout(struct ipmi_session *s)
{
	char why[320];

	if (s->state == IPMI_S_OPEN && s->suite_fallback != 0) {
		/* Suite 17 unanswered: some BMCs ignore what they do not offer. */
		log_info("%s: no answer to cipher suite %d; trying %d", s->par.name, s->suite,
			 s->suite_fallback);
		s->suite = s->suite_fallback;
		s->suite_fallback = 0;
		setup_step(s, send_open_session);
		return;
	}
	if (s->setup_attempts < ipmi_session_max_attempts(s) &&
	    s->handshake_restarts < 2 * ipmi_session_max_attempts(s)) {
		s->setup_attempts++;
		s->par.counters[CNT_RETRANSMITS]++;
		if (s->state == IPMI_S_RAKP1 || s->state == IPMI_S_RAKP3) {
			/* BMCs (ipmi_sim among them) do not answer a repeated RAKP
			 * message: start the handshake again with a new session. */
			ipmi_session_wipe_keys(s);
			s->handshake_restarts++;
			send_open_session(s);
		} else {
			ipmi_session_send_packet(s);
		}
		ipmi_session_arm_timer(s, setup_timeout(s));
		return;
	}
	ipmi_session_dropped_answers(s, s->step_start_ms, why, sizeof why);
	ipmi_session_fail(s, BMC_ETIMEDOUT,
			  "no %sresponse from the BMC at %s port %d (session setup, %s, %u attempts of %llu ms)%s",
			  why[0] != '\0' ? "valid " : "", s->par.address, s->par.port,
			  ipmi_session_state_name(s->state), s->setup_attempts,
			  (unsigned long long)s->par.timeout_ms, why);
}

void ipmi_session_setup_packet(struct ipmi_session *s, const uint8_t *buf, size_t len)
{
	struct ipmi_rmcpp_packet p;
	uint8_t scratch[IPMI_MAX_PACKET * 2];
	int rc;

	if (s->state == IPMI_S_AUTHCAP) {
		on_authcap(s, buf, len);
		return;
	}
	if (!ipmi_is_rmcpp(buf, len)) {
		s->par.counters[CNT_DROP_MALFORMED]++;
		return;
	}
	rc = ipmi_rmcpp_parse(buf, len, NULL, &p, scratch, sizeof scratch);
	if (rc != 0) {
		ipmi_session_count_drop(s, rc);
		return;
	}
	if (p.session_id != 0 && p.session_id != s->console_sid) {
		s->par.counters[CNT_DROP_SESSION_ID]++;
		return;
	}
	if (s->state == IPMI_S_OPEN)
		on_open_session(s, &p);
	else if (s->state == IPMI_S_RAKP1)
		on_rakp2(s, &p);
	else
		on_rakp4(s, &p);
}
