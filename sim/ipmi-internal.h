/*
 * ipmi-internal.h - what bmcsim's RMCP+ server files share, and nothing
 * outside them sees: one BMC's sockets and sessions, the whole server's
 * counters, and the reply a command handler fills.
 *
 * The files, bottom up: ipmi-send.c (loss, latency, the socket),
 * ipmi-sol.c (Serial over LAN and its payload commands), ipmi-session.c
 * (Open Session, RAKP 1-4, session slots), ipmi-cmd.c (the command table
 * and its handlers), ipmi.c (sockets, packets in, start and stop).  Each
 * calls only the files before it.
 */
#ifndef BMCSIM_IPMI_INTERNAL_H
#define BMCSIM_IPMI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <uv.h>

#include "ipmi/msg.h"
#include "ipmi/rakp.h"
#include "core/fleet.h"
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

struct sim_ipmi_bmc;

struct sim_ipmi_sess {
	enum sess_state state;
	struct sim_ipmi_bmc *ib;
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
	struct sim_ipmi_sess *sol_prev, *sol_next; /* list of sessions with SOL active */
	uint8_t open_priv; /* the privilege the Open Session request named, as sent */
	int sol_deferred;  /* SOL activated with serial alerts deferred */
};

struct sim_ipmi_bmc {
	uv_poll_t poll; /* on fd: see on_readable() in ipmi.c */
	int fd;
	struct sim_bmc *b;
	struct sim_ipmi *is;
	struct sim_ipmi_sess *sess[SESS_SLOTS]; /* allocated on first use, then reused */
	struct sim_ipmi_sess *sol_holder;
	uint16_t sdr_resv, sel_resv;
	uint8_t guid[16];
	int closed;
};

/* A reply waiting out the simulated latency. */
struct sim_ipmi_delayed {
	uv_timer_t timer;
	struct sim_ipmi_bmc *ib;
	struct sockaddr_storage peer;
	size_t len;
	uint8_t buf[IPMI_MAX_PACKET];
	struct sim_ipmi_delayed *next;
};

struct sim_ipmi {
	struct sim *sim;
	struct sim_ipmi_bmc *bmcs;
	size_t nopen; /* sockets still to close at stop */
	uv_timer_t sol_timer;
	int sol_timer_on;
	struct sim_ipmi_sess *sol_list;
	struct sim_ipmi_delayed *pool, *free_delayed;
	uint64_t sessions, login_failures, sol_activations, unknown_cmds, malformed, delay_full;
};

/* What a command asks for once its response is out. */
enum after { AFTER_NONE, AFTER_CLOSE_SELF, AFTER_SOL_ATTACH };

struct sim_ipmi_reply {
	uint8_t ccode;
	uint8_t data[256];
	size_t len;
	enum after after;
};

/* A command handler: ss is NULL outside a session (the table says which
 * commands are answered there); r comes zeroed, completion code CC_OK. */
typedef void sim_ipmi_cmd_fn(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			     const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r);

static inline uint64_t sim_ipmi_now(struct sim_ipmi_bmc *ib)
{
	return uv_now(ib->is->sim->loop);
}

/* The BMC shows vendor misbehaviour q (FLEET_WA_*, bmcsim --quirk). */
static inline int sim_ipmi_quirk(const struct sim_ipmi_bmc *ib, unsigned q)
{
	return (ib->b->quirks & q) != 0;
}

static inline void reply_data(struct sim_ipmi_reply *r, const void *data, size_t len)
{
	memcpy(r->data + r->len, data, len);
	r->len += len;
}

/* ipmi-send.c: sending, with loss, then latency, then the socket. */
void sim_ipmi_send_packet(struct sim_ipmi_bmc *ib, const struct sockaddr *peer, const uint8_t *buf,
			  size_t len);
void sim_ipmi_send_rmcpp(struct sim_ipmi_bmc *ib, const struct sockaddr *peer,
			 enum ipmi_payload_type type, uint32_t sid, uint32_t seq,
			 const uint8_t *payload, size_t len, const struct ipmi_session_keys *keys);
#ifdef BMCSIM_FUZZ
/* Fuzz builds: a BMC without a socket (fd -1) shows each send here first. */
extern void (*sim_ipmi_send_fuzz_hook)(const uint8_t *buf, size_t len);
#endif

/* ipmi-sol.c: Serial over LAN. */
void sim_ipmi_sol_deactivate(struct sim_ipmi_sess *ss);
/* The keys of a SOL packet: activated without encryption or
 * authentication, SOL uses less than the session's. */
const struct ipmi_session_keys *sim_ipmi_sol_keys(struct sim_ipmi_sess *ss,
						  struct ipmi_session_keys *tmp);
void sim_ipmi_sol_receive(struct sim_ipmi_sess *ss, const uint8_t *payload, size_t len);
void sim_ipmi_sol_console_output(struct sim_bmc *b); /* the model's console_output hook */
void sim_ipmi_sol_timer(uv_timer_t *t);		     /* retransmits, every SOL_TIMER_MS */
sim_ipmi_cmd_fn sim_ipmi_sol_activate, sim_ipmi_sol_deactivate_cmd, sim_ipmi_sol_status,
    sim_ipmi_sol_instance, sim_ipmi_sol_get_config;

/* ipmi-session.c: session setup and slots. */
void sim_ipmi_session_free(struct sim_ipmi_sess *ss);
struct sim_ipmi_sess *sim_ipmi_session_find(struct sim_ipmi_bmc *ib, uint32_t bmc_sid);
void sim_ipmi_session_check_epoch(struct sim_ipmi_bmc *ib); /* a reboot forgets every session */
int sim_ipmi_session_seq_accept(struct sim_ipmi_sess *ss, uint32_t seq);
void sim_ipmi_session_save_peer(struct sim_ipmi_sess *ss, const struct sockaddr *addr);
void sim_ipmi_session_open(struct sim_ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *p,
			   size_t len);
void sim_ipmi_session_rakp1(struct sim_ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *p,
			    size_t len);
void sim_ipmi_session_rakp3(struct sim_ipmi_bmc *ib, const struct sockaddr *addr, const uint8_t *p,
			    size_t len);

/* ipmi-cmd.c: answer one request through the command table. */
void sim_ipmi_cmd_dispatch(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			   const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r);

#endif
