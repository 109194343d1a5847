/*
 * ipmi-session.c - RMCP+ session establishment in bmcsim: Open Session,
 * RAKP 1-4 for cipher suites 3 and 17, and the session slots.
 *
 * A BMC has SESS_SLOTS sessions, allocated on first use and reused; a
 * session ID carries its slot number in its low byte, so finding one is
 * O(1).  Half-open sessions give way to new ones, as on BMCs under a scan,
 * and a BMC reboot (its boot epoch moves) forgets every session.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <sys/socket.h>

#include "core/crypto.h"
#include "core/xalloc.h"
#include "ipmi-internal.h"

void sim_ipmi_session_free(struct sim_ipmi_sess *ss)
{
	sim_ipmi_sol_deactivate(ss);
	ipmi_rakp_wipe(&ss->rakp);
	ss->state = SS_FREE;
	ss->bmc_sid = 0;
}

void sim_ipmi_session_check_epoch(struct sim_ipmi_bmc *ib)
{
	for (int i = 0; i < SESS_SLOTS; i++) {
		struct sim_ipmi_sess *ss = ib->sess[i];

		if (ss && ss->state != SS_FREE && ss->epoch != ib->b->boot_epoch)
			sim_ipmi_session_free(ss);
	}
}

static struct sim_ipmi_sess *sess_alloc(struct sim_ipmi_bmc *ib)
{
	uint64_t now = sim_ipmi_now(ib);
	struct sim_ipmi_sess *ss = NULL, *oldest = NULL;
	uint8_t r[3];

	for (int i = 0; i < SESS_SLOTS && ss == NULL; i++) {
		struct sim_ipmi_sess *c = ib->sess[i];

		if (c == NULL) {
			c = ib->sess[i] = xcalloc(1, sizeof(*c));
			c->ib = ib;
			c->slot = (uint8_t)(i + 1);
		}
		if (c->state != SS_FREE && now - c->last_ms > SESSION_IDLE_MS)
			sim_ipmi_session_free(c);
		if (c->state == SS_FREE)
			ss = c;
		else if (c->state != SS_ACTIVE && (oldest == NULL || c->last_ms < oldest->last_ms))
			oldest = c;
	}
	/* Half-open sessions give way to new ones, as on BMCs under a scan. */
	if (ss == NULL && oldest != NULL) {
		sim_ipmi_session_free(oldest);
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

struct sim_ipmi_sess *sim_ipmi_session_find(struct sim_ipmi_bmc *ib, uint32_t bmc_sid)
{
	unsigned slot = bmc_sid & 0xff;
	struct sim_ipmi_sess *ss;

	if (slot < 1 || slot > SESS_SLOTS)
		return NULL;
	ss = ib->sess[slot - 1];
	if (ss == NULL || ss->state == SS_FREE || ss->bmc_sid != bmc_sid)
		return NULL;
	return ss;
}

/* The session sequence number rule (IPMI v2.0 6.12.13): new numbers up to
 * 16 ahead, or not yet seen within 16 behind the highest. */
int sim_ipmi_session_seq_accept(struct sim_ipmi_sess *ss, uint32_t seq)
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

void sim_ipmi_session_save_peer(struct sim_ipmi_sess *ss, const struct sockaddr *addr)
{
	memcpy(&ss->peer, addr,
	       addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					   : sizeof(struct sockaddr_in));
}

void sim_ipmi_session_open(struct sim_ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *p,
			    size_t len)
{
	struct ipmi_open_session_req q;
	struct ipmi_open_session_rsp rsp;
	struct ipmi_cipher c;
	struct sim_ipmi_sess *ss = NULL;
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
		struct sim_ipmi_sess *c2 = ib->sess[i];

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
		ss->open_priv = q.max_priv;
		sim_ipmi_session_save_peer(ss, addr);
		rsp.max_priv = ss->max_priv;
		rsp.bmc_sid = ss->bmc_sid;
		rsp.auth = c.auth;
		rsp.integrity = c.integrity;
		rsp.confidentiality = c.confidentiality;
	}
	sim_ipmi_send_rmcpp(ib, addr, IPMI_PAYLOAD_OPEN_SESSION_RSP, 0, 0, out,
		   ipmi_open_session_rsp_build(out, &rsp), NULL);
}

/* The length of the user name the BMC looks up: as sent, or (intel20) the
 * name inside the NUL padding to 16 bytes that Intel's firmware insists
 * on; a name sent unpadded is not found there (SIZE_MAX). */
static size_t lookup_name_len(struct sim_ipmi_bmc *ib, const struct ipmi_rakp1 *m1)
{
	size_t n = m1->user_len;

	if (!sim_ipmi_quirk(ib, FLEET_WA_INTEL20))
		return n;
	if (n != IPMI_MAX_USER)
		return SIZE_MAX;
	while (n > 0 && m1->user[n - 1] == '\0')
		n--;
	return n;
}

/* Start the RAKP exchange for a new RAKP 1, with the vendor quirks in how
 * the keys are hashed: intel20 hashes the user name NUL-padded to 16
 * bytes; opensesspriv (and sun20) the privilege of the Open Session
 * request instead of RAKP 1's. */
static void rakp_start(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
		       const struct ipmi_rakp1 *m1, size_t name_len)
{
	struct sim *s = ib->is->sim;
	uint8_t user[IPMI_MAX_USER];
	size_t user_len = m1->user_len;

	memcpy(user, m1->user, user_len);
	if (sim_ipmi_quirk(ib, FLEET_WA_INTEL20) && name_len <= IPMI_MAX_USER) {
		memset(user + name_len, 0, IPMI_MAX_USER - name_len);
		user_len = IPMI_MAX_USER;
	}
	ipmi_rakp_init(&ss->rakp, ss->suite, 0, (const char *)user, user_len,
		       (const uint8_t *)s->opt.password, strlen(s->opt.password), NULL, 0,
		       ss->console_sid, m1->rm);
	ss->rakp.role = m1->role; /* the MACs cover the byte as sent */
	if (sim_ipmi_quirk(ib, FLEET_WA_OPENSESSPRIV | FLEET_WA_SUN20))
		ss->rakp.role = (uint8_t)((m1->role & 0xf0) | ss->open_priv);
	ss->rakp.bmc_sid = ss->bmc_sid;
	memcpy(ss->rakp.guid, ib->guid, 16);
	crypto_random(ss->rakp.rc, sizeof(ss->rakp.rc));
}

void sim_ipmi_session_rakp1(struct sim_ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *p,
			    size_t len)
{
	struct sim *s = ib->is->sim;
	struct sim_bmc *b = ib->b;
	struct ipmi_rakp1 m1;
	struct ipmi_rakp proof;
	struct sim_ipmi_sess *ss;
	uint8_t out[128], status = 0;
	size_t n, name_len;

	if (ipmi_rakp1_parse(p, len, &m1) != 0) {
		ib->is->malformed++;
		return;
	}
	ss = sim_ipmi_session_find(ib, m1.bmc_sid);
	if (ss == NULL || (ss->state != SS_OPENED && ss->state != SS_RAKP2)) {
		struct ipmi_rakp none = {0};

		/* RAKP 2 carries the console's session ID, which we do not know here:
		 * answer with the status only, as BMCs do. */
		n = ipmi_rakp2_build(out, sizeof(out), m1.tag, ST_INVALID_SID, &none);
		sim_ipmi_send_rmcpp(ib, addr, IPMI_PAYLOAD_RAKP2, 0, 0, out, n, NULL);
		return;
	}
	b->logins++;
	ss->last_ms = sim_ipmi_now(ib);
	name_len = lookup_name_len(ib, &m1);
	if (name_len != strlen(s->opt.user) || memcmp(m1.user, s->opt.user, name_len) != 0 ||
	    b->authfail == 1)
		status = ST_UNAUTH_NAME;
	else if ((m1.role & 0x0f) < PRIV_CALLBACK || (m1.role & 0x0f) > PRIV_ADMIN)
		status = ST_INVALID_ROLE;
	if (ss->state != SS_RAKP2 || memcmp(ss->rakp.rm, m1.rm, 16) != 0)
		rakp_start(ib, ss, &m1, name_len);
	if (status != 0) {
		b->login_failures++;
		ib->is->login_failures++;
		n = ipmi_rakp2_build(out, sizeof(out), m1.tag, status, &ss->rakp);
		sim_ipmi_session_free(ss);
		sim_ipmi_send_rmcpp(ib, addr, IPMI_PAYLOAD_RAKP2, 0, 0, out, n, NULL);
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
	b->rakp2_proofs++;
	/* supermicro20, sun20: a key exchange auth code one byte too long. */
	if (n > 0 && n < sizeof(out) && sim_ipmi_quirk(ib, FLEET_WA_SUPERMICRO20 | FLEET_WA_SUN20))
		out[n++] = 0;
	ss->state = SS_RAKP2;
	ss->max_priv = m1.role & 0x0f;
	sim_ipmi_session_save_peer(ss, addr);
	sim_ipmi_send_rmcpp(ib, addr, IPMI_PAYLOAD_RAKP2, 0, 0, out, n, NULL);
}

/* RAKP 3's auth code; intel20 firmware expects it over the user name
 * without its padding and with the name-only lookup bit clear. */
static int rakp3_check(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
		       const struct ipmi_rakp3 *m3)
{
	struct ipmi_rakp r;
	int rc;

	if (!sim_ipmi_quirk(ib, FLEET_WA_INTEL20))
		return ipmi_rakp3_verify(&ss->rakp, m3->auth_code, m3->auth_code_len);
	r = ss->rakp;
	while (r.user_len > 0 && r.user[r.user_len - 1] == '\0')
		r.user_len--;
	r.role &= (uint8_t)~0x10;
	rc = ipmi_rakp3_verify(&r, m3->auth_code, m3->auth_code_len);
	ipmi_rakp_wipe(&r);
	return rc;
}

void sim_ipmi_session_rakp3(struct sim_ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *p,
			    size_t len)
{
	struct ipmi_rakp3 m3;
	struct sim_ipmi_sess *ss;
	uint8_t out[64];
	size_t n;

	if (ipmi_rakp3_parse(p, len, &m3) != 0) {
		ib->is->malformed++;
		return;
	}
	ib->b->rakp3s++;
	ss = sim_ipmi_session_find(ib, m3.bmc_sid);
	if (ss == NULL || (ss->state != SS_RAKP2 && ss->state != SS_ACTIVE))
		return;
	if (m3.status != 0) {
		/* The console gave up (it did not trust our RAKP 2). */
		sim_ipmi_session_free(ss);
		return;
	}
	if (ib->b->authfail == 2 || rakp3_check(ib, ss, &m3) != 0) {
		ib->b->login_failures++;
		ib->is->login_failures++;
		n = ipmi_rakp4_build(out, sizeof(out), m3.tag, ST_INVALID_ICV, &ss->rakp);
		sim_ipmi_session_free(ss);
		sim_ipmi_send_rmcpp(ib, addr, IPMI_PAYLOAD_RAKP4, 0, 0, out, n, NULL);
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
	ss->last_ms = sim_ipmi_now(ib);
	sim_ipmi_session_save_peer(ss, addr);
	n = ipmi_rakp4_build(out, sizeof(out), m3.tag, 0, &ss->rakp);
	sim_ipmi_send_rmcpp(ib, addr, IPMI_PAYLOAD_RAKP4, 0, 0, out, n, NULL);
}
