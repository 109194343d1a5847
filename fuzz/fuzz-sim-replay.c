/*
 * fuzz-sim-replay.c - libFuzzer target for bmcsim --replay's ipmi.txt: the
 * input is the file's text; when it parses, SDR, SEL and FRU reads at the
 * offsets and lengths a client might ask (and past them) are answered from
 * what it held, and every recorded request is asked again.  Each answer
 * must fit the reply buffer.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "ipmi-internal.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ask(struct sim_replay *rp, uint8_t netfn, uint8_t cmd, const uint8_t *req, size_t len)
{
	struct ipmi_msg_request rq;
	struct sim_ipmi_reply r;

	memset(&rq, 0, sizeof rq);
	memset(&r, 0, sizeof r);
	rq.netfn = netfn;
	rq.cmd = cmd;
	rq.data = req;
	rq.len = len;
	sim_replay_ipmi_answer(rp, &rq, &r);
	if (r.len > sizeof r.data)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_replay *rp = xcalloc(1, sizeof *rp);
	char *text = xstrndup((const char *)data, size), *err = NULL;
	size_t i;

	rp->dir = xstrdup("fuzz");
	if (sim_replay_parse_ipmi(rp, text, "ipmi.txt", &err) == 0) {
		for (i = 0; i < rp->nanswers; i++)
			ask(rp, rp->answers[i].netfn, rp->answers[i].cmd, rp->answers[i].req,
			    rp->answers[i].req_len);
		for (unsigned off = 0; off < 300; off += 37) {
			uint8_t rec[6] = {0, 0, 0, 0, (uint8_t)off, (uint8_t)(off * 7)};
			uint8_t fru[4] = {0, (uint8_t)off, (uint8_t)(off >> 8), (uint8_t)off};

			ask(rp, IPMI_NETFN_STORAGE, IPMI_CMD_GET_SDR, rec, sizeof rec);
			ask(rp, IPMI_NETFN_STORAGE, IPMI_CMD_GET_SEL_ENTRY, rec, sizeof rec);
			ask(rp, IPMI_NETFN_STORAGE, IPMI_CMD_READ_FRU_DATA, fru, sizeof fru);
		}
	}
	free(err);
	free(text);
	sim_replay_free(rp);
	return 0;
}
