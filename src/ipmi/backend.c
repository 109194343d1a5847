/*
 * ipmi/backend.c - the IPMI operations table: poll, power, boot, identify.
 *
 * Each operation is a job (ipmi/job.c): a short chain of IPMI requests on
 * the host's session, each step started by the previous step's response.
 * The poll is ipmi/poll.c and its fetchers; the actions (chassis control,
 * boot options, identify) and the host's session are here.  Every response
 * is checked for its completion code and length before use.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "backend/backend.h"
#include "core/xalloc.h"
#include "ipmi/host-session.h"
#include "ipmi/poll.h"

static struct ipmi_host *ipmi_of(struct bmc_host *h)
{
	return h->backend_data;
}

static int ipmi_probe(struct bmc_host *h, bmc_op_cb cb, void *arg)
{
	return ipmi_poll_start(h, 0, cb, arg);
}

/* Actions. */

static void action_done(struct ipmi_job *j, const char *what)
{
	host_action_done(j->h, what, 0, "done");
	host_changed(j->h, CHANGED_READINGS);
	ipmi_job_finish(j, 0);
}

static void on_power_refresh(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	char what[64];

	if (rsp->ccode == 0 && rsp->len >= 3)
		ipmi_poll_parse_chassis_status(j, rsp);
	snprintf(what, sizeof what, "power %s", bmc_power_action_name(j->action));
	action_done(j, what);
}

static void on_chassis_control(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (rsp->ccode != 0) {
		char msg[160];

		snprintf(msg, sizeof msg, "Chassis Control (power %s) failed: %s",
			 bmc_power_action_name(j->action), ipmi_ccode_str(rsp->ccode));
		host_action_done(j->h, "power", BMC_ECOMPLETION, msg);
		ipmi_job_fail(j, BMC_ECOMPLETION, "%s", msg);
		return;
	}
	ipmi_job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_GET_CHASSIS_STATUS, NULL, 0, on_power_refresh,
		      "Get Chassis Status");
}

static int ipmi_power(struct bmc_host *h, enum bmc_power_action a, bmc_op_cb cb, void *arg)
{
	static const uint8_t control[] = {
	    [POWER_OFF] = 0x00,	  [POWER_ON] = 0x01,   [POWER_CYCLE] = 0x02,
	    [POWER_RESET] = 0x03, [POWER_SOFT] = 0x05,
	};
	struct ipmi_job *j;
	uint8_t data[1];

	if (a == POWER_STATUS)
		return ipmi_poll_start(h, POLL_POWER, cb, arg);
	j = ipmi_job_new(h, JOB_POWER, cb, arg);
	j->action = a;
	data[0] = control[a];
	ipmi_job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_CHASSIS_CONTROL, data, 1, on_chassis_control,
		      "Chassis Control");
	return 0;
}

static void on_boot_readback(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	struct bmc_host *h = j->h;
	char what[96];

	if (ipmi_job_check_ccode(j, rsp) || ipmi_job_check_len(j, rsp, 4))
		return;
	/* data: parameter version, parameter selector, then the 5 boot flag bytes. */
	/* Some BMCs (ipmi_sim) keep the device but not the valid or persistent
	 * bits, so the device selector is what is checked. */
	h->boot_device = ipmi_boot_device_from_selector(rsp->data[3]);
	h->boot_persistent = (rsp->data[2] & 0x40) != 0;
	if (h->boot_device != j->device) {
		ipmi_job_fail(j, BMC_EPROTO, "the BMC accepted next boot %s but reads back %s",
			      bmc_boot_device_name(j->device),
			      bmc_boot_device_name(h->boot_device));
		return;
	}
	snprintf(what, sizeof what, "next boot %s%s", bmc_boot_device_name(j->device),
		 !j->persistent	      ? ""
		 : h->boot_persistent ? " (persistent)"
				      : " (persistent asked; BMC reports next boot only)");
	action_done(j, what);
}

static void on_boot_set(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	uint8_t data[3] = {0x05, 0x00, 0x00};

	if (ipmi_job_check_ccode(j, rsp))
		return;
	ipmi_job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_GET_BOOT_OPTIONS, data, 3, on_boot_readback,
		      "Get System Boot Options");
}

static int ipmi_boot(struct bmc_host *h, enum bmc_boot_device dev, int persistent, bmc_op_cb cb,
		     void *arg)
{
	static const uint8_t selector[] = {[BOOT_NONE] = 0x00,
					   [BOOT_PXE] = 0x04,
					   [BOOT_DISK] = 0x08,
					   [BOOT_CDROM] = 0x14,
					   [BOOT_BIOS] = 0x18};
	struct ipmi_job *j = ipmi_job_new(h, JOB_BOOT, cb, arg);
	uint8_t data[6] = {0x05, (uint8_t)(0x80 | (persistent ? 0x40 : 0)), selector[dev], 0, 0, 0};

	j->device = dev;
	j->persistent = persistent;
	ipmi_job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_SET_BOOT_OPTIONS, data, sizeof data,
		      on_boot_set, "Set System Boot Options");
	return 0;
}

static void on_identify(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (ipmi_job_check_ccode(j, rsp))
		return;
	action_done(j, "identify");
}

static int ipmi_identify(struct bmc_host *h, int seconds, bmc_op_cb cb, void *arg)
{
	struct ipmi_job *j = ipmi_job_new(h, JOB_IDENTIFY, cb, arg);
	uint8_t data[2] = {(uint8_t)(seconds < 0     ? 0
				     : seconds > 255 ? 255
						     : seconds),
			   (uint8_t)(seconds < 0 ? 1 : 0)};

	ipmi_job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_CHASSIS_IDENTIFY, data, seconds < 0 ? 2 : 1,
		      on_identify, "Chassis Identify");
	return 0;
}

/* Lifecycle. */

static int ipmi_attach(struct bmc_host *h, char **err)
{
	struct ipmi_host *ih = xcalloc(1, sizeof *ih);
	struct ipmi_session_params par;

	ipmi_host_session_params(&par, h);
	if (ipmi_session_init(&ih->session, &par, err) != 0) {
		free(ih);
		return -1;
	}
	h->backend_data = ih;
	return 0;
}

static void on_session_closed(struct ipmi_session *s)
{
	struct bmc_host *h = s->par.ctx;

	ipmi_of(h)->closed(h);
}

static void ipmi_close(struct bmc_host *h, void (*done)(struct bmc_host *h))
{
	struct ipmi_host *ih = ipmi_of(h);

	ih->closed = done;
	ipmi_session_close(&ih->session, on_session_closed);
}

static void ipmi_detach(struct bmc_host *h)
{
	struct ipmi_host *ih = ipmi_of(h);

	if (ih == NULL)
		return;
	free(ih->sdrs);
	free(ih);
	h->backend_data = NULL;
}

const struct bmc_backend ipmi_backend = {
    .name = "ipmi",
    .attach = ipmi_attach,
    .probe = ipmi_probe,
    .poll = ipmi_poll_start,
    .power = ipmi_power,
    .boot = ipmi_boot,
    .identify = ipmi_identify,
    .close = ipmi_close,
    .detach = ipmi_detach,
};
