/*
 * replay.h - bmcsim --replay DIR: one BMC that answers from a capture
 * (bmctop capture, bmctop(1)) or from a plain Redfish mockup tree.
 *
 * replay.c loads DIR whole at start, so a malformed file is an error
 * naming file:line before anything listens: DIR/redfish/v1/.../index.json
 * (every resource, parsed) and DIR/ipmi.txt ("NETFN CMD REQUEST -> CCODE
 * RESPONSE" in hex, one answer a line).  replay-redfish.c serves the tree
 * over bmcsim's HTTPS server with its session rules (redfish-session.c);
 * replay-ipmi.c answers IPMI commands inside bmcsim's own RMCP+ sessions:
 * recorded requests exactly, SDR, SEL and FRU reads at any offset from the
 * records and images the capture holds, anything else "invalid command".
 */
#ifndef BMCSIM_REPLAY_H
#define BMCSIM_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "ipmi/msg.h"
#include "sim.h"

struct json_t; /* jansson's; not included, for bmcsim.c */
struct sim_ipmi_reply;

/* One recorded IPMI answer. */
struct sim_replay_answer {
	uint8_t netfn, cmd, ccode;
	uint8_t req[64], rsp[256];
	size_t req_len, rsp_len;
};

/* A record (SDR, SEL entry) put together from reads at offsets. */
struct sim_replay_record {
	uint16_t id, next;
	uint8_t data[256];
	size_t len;
};

struct sim_replay_resource {
	char *path; /* /redfish/v1/..., no trailing slash */
	struct json_t *body;
};

struct sim_replay {
	char *dir;
	struct sim_replay_resource *res;
	size_t nres;
	struct sim_replay_answer *answers;
	size_t nanswers;
	struct sim_replay_record *sdr, *sel;
	size_t nsdr, nsel;
	uint8_t *fru; /* FRU 0's image as read */
	size_t fru_len;
	int have_ipmi;
};

/* replay.c */
/* Load dir; 0, or -1 with *err (malloc'd) naming the file and line. */
int sim_replay_load(struct sim_replay **out, const char *dir, char **err);
void sim_replay_free(struct sim_replay *rp);
/* The resource at path (no query, trailing slash ignored), or NULL. */
struct json_t *sim_replay_resource(struct sim_replay *rp, const char *path);
/* Parse ipmi.txt's text (name for messages); 0 or -1 with *err. */
int sim_replay_parse_ipmi(struct sim_replay *rp, const char *text, const char *name, char **err);

/* replay-redfish.c: serve the tree on the first BMC (its redfish_port). */
int sim_replay_redfish_start(struct sim *s, char **err);
void sim_replay_redfish_stop(struct sim *s);

/* replay-ipmi.c: answer rq in a session; 0 when bmcsim's own table should
 * (session, channel and SOL commands). */
int sim_replay_ipmi_answer(struct sim_replay *rp, const struct ipmi_msg_request *rq,
			   struct sim_ipmi_reply *r);

#endif
