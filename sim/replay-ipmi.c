/*
 * replay-ipmi.c - the IPMI side of bmcsim --replay: commands inside a
 * session answered from a capture's ipmi.txt.
 *
 * Sessions, channels and Serial over LAN stay bmcsim's own (ipmi-cmd.c's
 * table): a capture holds no keys.  A request recorded byte for byte gets
 * its recorded answer.  SDR records, SEL entries and the FRU image are
 * answered at any offset and length from what replay.c put together, and
 * a reservation is not checked (the capture's were the BMC's of then).
 * Anything else is "invalid command" (0xC1), or "not present" (0xCB) for
 * a command the capture has with other request data.
 */
#include "config.h"

#include <string.h>

#include "ipmi-internal.h"
#include "replay.h"

#define CC_CANNOT_RETURN 0xCA

/* The commands bmcsim's own table keeps answering. */
static int own_command(uint8_t netfn, uint8_t cmd)
{
	static const uint8_t app[] = {
	    IPMI_CMD_GET_CHANNEL_AUTH_CAPS,
	    IPMI_CMD_SET_SESSION_PRIVILEGE,
	    IPMI_CMD_CLOSE_SESSION,
	    IPMI_CMD_GET_CHANNEL_INFO,
	    IPMI_CMD_ACTIVATE_PAYLOAD,
	    IPMI_CMD_DEACTIVATE_PAYLOAD,
	    IPMI_CMD_GET_PAYLOAD_ACTIVATION_STATUS,
	    IPMI_CMD_GET_PAYLOAD_INSTANCE_INFO,
	    IPMI_CMD_GET_CHANNEL_PAYLOAD_SUPPORT,
	    IPMI_CMD_GET_CHANNEL_PAYLOAD_VERSION,
	    IPMI_CMD_GET_CHANNEL_CIPHER_SUITES,
	};
	size_t i;

	if (netfn == IPMI_NETFN_TRANSPORT)
		return cmd == IPMI_CMD_SET_SOL_CONFIG || cmd == IPMI_CMD_GET_SOL_CONFIG;
	if (netfn != IPMI_NETFN_APP)
		return 0;
	for (i = 0; i < sizeof app; i++)
		if (app[i] == cmd)
			return 1;
	return 0;
}

static const struct sim_replay_answer *find_exact(struct sim_replay *rp,
						  const struct ipmi_msg_request *rq, int *same_cmd)
{
	size_t i;

	*same_cmd = 0;
	for (i = 0; i < rp->nanswers; i++) {
		const struct sim_replay_answer *a = &rp->answers[i];

		if (a->netfn != rq->netfn || a->cmd != rq->cmd)
			continue;
		*same_cmd = 1;
		if (a->req_len == rq->len && memcmp(a->req, rq->data, rq->len) == 0)
			return a;
	}
	return NULL;
}

/* Get SDR / Get SEL Entry: reservation, id, offset, count. */
static int answer_record(const struct sim_replay_record *recs, size_t n,
			 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	uint16_t id;
	size_t i, off, count;

	if (rq->len < 6 || n == 0)
		return 0;
	id = (uint16_t)(rq->data[2] | rq->data[3] << 8);
	off = rq->data[4];
	count = rq->data[5];
	for (i = 0; i < n; i++) {
		const struct sim_replay_record *rec = &recs[i];
		uint8_t next[2] = {(uint8_t)rec->next, (uint8_t)(rec->next >> 8)};

		if (rec->id != id)
			continue;
		if (off > rec->len) {
			r->ccode = CC_OUT_OF_RANGE;
			return 1;
		}
		if (count == 0xff || off + count > rec->len)
			count = rec->len - off;
		if (count + 2 > sizeof r->data) {
			r->ccode = CC_CANNOT_RETURN;
			return 1;
		}
		reply_data(r, next, 2);
		reply_data(r, rec->data + off, count);
		return 1;
	}
	r->ccode = CC_NOT_PRESENT;
	return 1;
}

/* Read FRU Data: id, offset, count. */
static int answer_fru(struct sim_replay *rp, const struct ipmi_msg_request *rq,
		      struct sim_ipmi_reply *r)
{
	size_t off, count;
	uint8_t n;

	if (rq->len < 4 || rp->fru == NULL || rq->data[0] != 0)
		return 0;
	off = rq->data[1] | (size_t)rq->data[2] << 8;
	count = rq->data[3];
	if (off >= rp->fru_len) {
		r->ccode = CC_OUT_OF_RANGE;
		return 1;
	}
	if (off + count > rp->fru_len)
		count = rp->fru_len - off;
	if (count + 1 > sizeof r->data) {
		r->ccode = CC_CANNOT_RETURN;
		return 1;
	}
	n = (uint8_t)count;
	reply_data(r, &n, 1);
	reply_data(r, rp->fru + off, count);
	return 1;
}

int sim_replay_ipmi_answer(struct sim_replay *rp, const struct ipmi_msg_request *rq,
			   struct sim_ipmi_reply *r)
{
	const struct sim_replay_answer *a;
	int same_cmd;

	if (own_command(rq->netfn, rq->cmd))
		return 0;
	a = find_exact(rp, rq, &same_cmd);
	if (a != NULL) {
		r->ccode = a->ccode;
		reply_data(r, a->rsp, a->rsp_len);
		return 1;
	}
	if (rq->netfn == IPMI_NETFN_STORAGE) {
		if (rq->cmd == IPMI_CMD_GET_SDR && answer_record(rp->sdr, rp->nsdr, rq, r))
			return 1;
		if (rq->cmd == IPMI_CMD_GET_SEL_ENTRY && answer_record(rp->sel, rp->nsel, rq, r))
			return 1;
		if (rq->cmd == IPMI_CMD_READ_FRU_DATA && answer_fru(rp, rq, r))
			return 1;
	}
	r->ccode = same_cmd ? CC_NOT_PRESENT : CC_INVALID_CMD;
	return 1;
}
