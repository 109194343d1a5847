/*
 * ipmi/poll-boot.c - the poll's boot override: Get System Boot Options
 * parameter 5 (boot flags, IPMI v2.0 table 28-14) after the chassis
 * status, so the next boot device shown is the BMC's own, whoever set it
 * (bmctop boot, ipmitool chassis bootdev, the BIOS).  A BMC that does not
 * answer the parameter leaves the last known value and fails nothing.
 */
#include "config.h"

#include "ipmi/msg.h"
#include "ipmi/poll.h"

enum bmc_boot_device ipmi_boot_device_from_selector(uint8_t sel)
{
	switch ((sel >> 2) & 0x0f) {
	case 0x1:
		return BOOT_PXE;
	case 0x2:
		return BOOT_DISK;
	case 0x5:
		return BOOT_CDROM;
	case 0x6:
		return BOOT_BIOS;
	}
	return BOOT_NONE;
}

static void on_boot_flags(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	struct bmc_host *h = j->h;

	/* data: parameter version, parameter selector, then the 5 flag bytes:
	 * byte 1 bit 7 valid, bit 6 persistent; byte 2 the device selector. */
	if (rsp->ccode == 0 && rsp->len >= 4) {
		if (rsp->data[2] & 0x80) {
			h->boot_device = ipmi_boot_device_from_selector(rsp->data[3]);
			h->boot_persistent = (rsp->data[2] & 0x40) != 0;
		} else {
			h->boot_device = BOOT_NONE;
			h->boot_persistent = 0;
		}
		host_changed(h, CHANGED_READINGS);
	}
	j->step_done(j);
}

void ipmi_poll_boot(struct ipmi_job *j)
{
	static const uint8_t data[3] = {0x05, 0x00, 0x00};

	ipmi_job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_GET_BOOT_OPTIONS, data, sizeof data,
		      on_boot_flags, "Get System Boot Options");
}
