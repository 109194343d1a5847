/*
 * ipmi/poll.h - the IPMI backend's poll, step by step: device ID and
 * chassis status (ipmi/poll.c), then sensors (ipmi/poll-sdr.c), the event
 * log (ipmi/poll-sel.c) and the inventory (ipmi/poll-fru.c), each step
 * skipped when the poll did not ask for it, then the health roll-up.
 * ipmi/poll.c runs the steps from a table; a step ends by calling
 * j->step_done, so the fetchers never call back into poll.c.
 */
#ifndef BMCTOP_IPMI_POLL_H
#define BMCTOP_IPMI_POLL_H

#include "ipmi/job.h"

/* The backend's poll operation: what is a mask of POLL_*. */
int ipmi_poll_start(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg);
/* Power and health from a Get Chassis Status response (3 bytes at least). */
void ipmi_poll_parse_chassis_status(struct ipmi_job *j, const struct ipmi_response *rsp);

/* A severity of the codecs (0 ok, 1 warning, 2 or more critical) as health. */
static inline enum bmc_health ipmi_poll_health(int sev)
{
	return sev >= 2 ? BMC_HEALTH_CRITICAL : sev == 1 ? BMC_HEALTH_WARNING : BMC_HEALTH_OK;
}

/* The fetchers: each runs its requests, then j->step_done(j). */
void ipmi_poll_sensors(struct ipmi_job *j);
void ipmi_poll_events(struct ipmi_job *j);
void ipmi_poll_inventory(struct ipmi_job *j);
/* ipmi/poll-boot.c: the boot override, and the device a boot flags
 * selector byte names. */
void ipmi_poll_boot(struct ipmi_job *j);
enum bmc_boot_device ipmi_boot_device_from_selector(uint8_t sel);
void ipmi_poll_capture(struct ipmi_job *j);

#endif
