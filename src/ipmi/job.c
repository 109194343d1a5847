/*
 * ipmi/job.c - the IPMI backend's jobs: a chain of requests on the host's
 * session, each step's response checked (completion code, length) before
 * the next step runs.  A failure names the step on the host.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>

#include "core/xalloc.h"
#include "ipmi/job.h"

struct ipmi_job *ipmi_job_new(struct bmc_host *h, enum job_kind kind, bmc_op_cb cb, void *arg)
{
	struct ipmi_job *j = xcalloc(1, sizeof *j);

	j->h = h;
	j->ih = h->backend_data;
	j->kind = kind;
	j->cb = cb;
	j->arg = arg;
	return j;
}

static void ipmi_job_free(struct ipmi_job *j)
{
	sdr_cache_free(&j->cache);
	free(j->readings);
	free(j->events);
	free(j->fru);
	free(j);
}

void ipmi_job_finish(struct ipmi_job *j, int status)
{
	struct bmc_host *h = j->h;
	bmc_op_cb cb = j->cb;
	void *arg = j->arg;

	ipmi_job_free(j);
	cb(h, status, arg);
}

void ipmi_job_fail(struct ipmi_job *j, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	host_set_errorv(j->h, status, fmt, ap);
	va_end(ap);
	ipmi_job_finish(j, status);
}

static void on_response(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			void *arg)
{
	struct ipmi_job *j = arg;

	if (status != 0) {
		/* The session already put the reason on the host. */
		ipmi_job_finish(j, status);
		return;
	}
	j->next(j, rsp);
}

void ipmi_job_send(struct ipmi_job *j, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len,
		   step_fn next, const char *name)
{
	int rc;

	j->next = next;
	j->step_name = name;
	rc = ipmi_session_request(&j->ih->session, netfn, cmd, data, len, on_response, j);
	if (rc != 0)
		ipmi_job_finish(j, rc);
}

/* Fail on a non-zero completion code; returns 1 if the job ended. */
int ipmi_job_check_ccode(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (rsp->ccode == 0)
		return 0;
	ipmi_job_fail(j, BMC_ECOMPLETION, "%s failed: %s (completion code 0x%02x)", j->step_name,
		      ipmi_ccode_str(rsp->ccode), rsp->ccode);
	return 1;
}

int ipmi_job_check_len(struct ipmi_job *j, const struct ipmi_response *rsp, size_t need)
{
	if (rsp->len >= need)
		return 0;
	j->h->counters[CNT_DROP_MALFORMED]++;
	ipmi_job_fail(j, BMC_EPROTO, "%s: response of %zu bytes, expected at least %zu",
		      j->step_name, rsp->len, need);
	return 1;
}
