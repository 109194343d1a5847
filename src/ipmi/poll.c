/*
 * ipmi/poll.c - the IPMI backend's poll: Get Device ID (once, and with each
 * inventory poll), Get Chassis Status, then the fetchers of ipmi/poll-*.c,
 * then the host's health from its sensors and the chassis.
 */
#include "config.h"

#include <stdio.h>

#include "ipmi/poll.h"

static void poll_next(struct ipmi_job *j);

/* Vendors by IANA enterprise number. */
static const char *vendor_name(uint32_t iana)
{
	static const struct {
		uint32_t id;
		const char *name;
	} vendors[] = {
	    {2, "IBM"},	       {11, "HPE"},	   {343, "Intel"},	   {674, "Dell"},
	    {4128, "ARM"},     {7154, "Quanta"},   {10876, "Supermicro"},  {15370, "Gigabyte"},
	    {19046, "Lenovo"}, {20974, "AMI"},	   {40092, "ASRock Rack"}, {49622, "OpenBMC"},
	    {52538, "NVIDIA"}, {4753, "OpenIPMI"},
	};
	size_t i;

	for (i = 0; i < sizeof vendors / sizeof vendors[0]; i++)
		if (vendors[i].id == iana)
			return vendors[i].name;
	return NULL;
}

static void on_device_id(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	struct ipmi_host *ih = j->ih;
	struct bmc_host *h = j->h;
	const char *vendor;
	char buf[64];

	if (ipmi_job_check_ccode(j, rsp) || ipmi_job_check_len(j, rsp, 11))
		return;
	ih->have_device_id = 1;
	ih->manufacturer =
	    rsp->data[6] | (uint32_t)rsp->data[7] << 8 | (uint32_t)(rsp->data[8] & 0x0f) << 16;
	ih->product = (uint16_t)(rsp->data[9] | rsp->data[10] << 8);
	snprintf(ih->firmware, sizeof ih->firmware, "%u.%02x", rsp->data[2] & 0x7f, rsp->data[3]);
	vendor = vendor_name(ih->manufacturer);
	if (vendor == NULL) {
		snprintf(buf, sizeof buf, "IANA %u", ih->manufacturer);
		vendor = buf;
	}
	host_set_string(&h->vendor, vendor);
	if (h->model == NULL) {
		snprintf(buf, sizeof buf, "product 0x%04x", ih->product);
		host_set_string(&h->model, buf);
	}
	host_set_string(&h->firmware, ih->firmware);
	h->protocol = SRC_IPMI;
	poll_next(j);
}

static const char *last_power_event(uint8_t b)
{
	if (b & 0x10)
		return "powered on by IPMI command";
	if (b & 0x08)
		return "power fault";
	if (b & 0x04)
		return "interlock";
	if (b & 0x02)
		return "overload";
	if (b & 0x01)
		return "AC failed";
	return "none recorded";
}

void ipmi_poll_parse_chassis_status(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	struct bmc_host *h = j->h;
	enum bmc_health health = BMC_HEALTH_OK;

	h->power = (rsp->data[0] & 0x01) ? BMC_POWER_ON : BMC_POWER_OFF;
	host_set_string(&h->last_power_event, last_power_event(rsp->data[1]));
	if (rsp->data[0] & 0x1e) /* overload, interlock, power fault, control fault */
		health = BMC_HEALTH_CRITICAL;
	else if (rsp->data[2] & 0x0d) /* intrusion, drive fault, cooling fault */
		health = BMC_HEALTH_WARNING;
	j->ih->chassis_health = health;
}

static void on_chassis_status(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (ipmi_job_check_ccode(j, rsp) || ipmi_job_check_len(j, rsp, 3))
		return;
	ipmi_poll_parse_chassis_status(j, rsp);
	host_changed(j->h, CHANGED_READINGS);
	poll_next(j);
}

static void poll_power(struct ipmi_job *j)
{
	ipmi_job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_GET_CHASSIS_STATUS, NULL, 0,
		      on_chassis_status, "Get Chassis Status");
}

/* The end of a poll: the host's health from its sensors and the chassis. */
static void poll_done(struct ipmi_job *j)
{
	struct bmc_host *h = j->h;
	enum bmc_health health = host_rollup_health(h);

	if (j->ih->chassis_health > health)
		health = j->ih->chassis_health;
	if (health == BMC_HEALTH_UNKNOWN && (j->what & POLL_SENSORS))
		health = j->ih->chassis_health ? j->ih->chassis_health : BMC_HEALTH_OK;
	h->health = health;
	host_clear_error(h);
	ipmi_job_finish(j, 0);
}

/* The steps after Get Device ID, in order; each ends with j->step_done. */
static const struct {
	unsigned what; /* POLL_* */
	void (*run)(struct ipmi_job *j);
} steps[] = {
    {POLL_POWER, poll_power},
    {POLL_POWER, ipmi_poll_boot},
    {POLL_SENSORS, ipmi_poll_sensors},
    {POLL_EVENTS, ipmi_poll_events},
    {POLL_INVENTORY, ipmi_poll_inventory},
    {POLL_CAPTURE, ipmi_poll_capture},
};

/* Run the next step the poll asked for; after the last, the roll-up. */
static void poll_next(struct ipmi_job *j)
{
	while (j->poll_step < sizeof steps / sizeof steps[0]) {
		unsigned i = j->poll_step++;

		if (j->what & steps[i].what) {
			steps[i].run(j);
			return;
		}
	}
	poll_done(j);
}

int ipmi_poll_start(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg)
{
	struct ipmi_job *j = ipmi_job_new(h, JOB_POLL, cb, arg);

	j->what = what;
	j->step_done = poll_next;
	if (!j->ih->have_device_id || (what & POLL_INVENTORY)) {
		ipmi_job_send(j, IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, NULL, 0, on_device_id,
			      "Get Device ID");
		return 0;
	}
	poll_next(j);
	return 0;
}
