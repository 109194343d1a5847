/*
 * ipmi/poll-capture.c - the reads only bmctop capture asks for
 * (POLL_CAPTURE): what a report of a strange BMC needs that a poll does
 * not read.  Get Device GUID and Get System GUID, Get Channel
 * Authentication Capabilities as the session saw it, and the channel's
 * cipher suite records (Get Channel Cipher Suites, 16 bytes a time).  The
 * recorder in ipmi/session.c writes them down; a BMC that refuses one is
 * no failure, only one answer less.
 */
#include "config.h"

#include "ipmi/poll.h"

#define CMD_GET_DEVICE_GUID 0x08
#define CHANNEL_CURRENT	    0x0e
#define CIPHER_LIST_MAX	    64 /* the list index is 6 bits */
#define CIPHER_CHUNK	    16
#define LIST_BY_SUITE	    0x80
#define AUTH_CAPS_V20	    0x80
#define PRIV_ADMINISTRATOR  0x04

static void on_cipher_suites(struct ipmi_job *j, const struct ipmi_response *rsp);

static void read_cipher_suites(struct ipmi_job *j, uint8_t index)
{
	uint8_t req[3] = {CHANNEL_CURRENT, 0x00, (uint8_t)(LIST_BY_SUITE | index)};

	j->cipher_index = index;
	ipmi_job_send(j, IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_CIPHER_SUITES, req, sizeof req,
		      on_cipher_suites, "Get Channel Cipher Suites");
}

/* A full chunk (channel number and 16 bytes) means there may be more. */
static void on_cipher_suites(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (rsp->ccode == 0 && rsp->len == 1 + CIPHER_CHUNK &&
	    j->cipher_index + 1 < CIPHER_LIST_MAX) {
		read_cipher_suites(j, (uint8_t)(j->cipher_index + 1));
		return;
	}
	j->step_done(j);
}

static void on_auth_caps(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	(void)rsp;
	read_cipher_suites(j, 0);
}

static void on_system_guid(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	static const uint8_t req[2] = {AUTH_CAPS_V20 | CHANNEL_CURRENT, PRIV_ADMINISTRATOR};

	(void)rsp;
	ipmi_job_send(j, IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_AUTH_CAPS, req, sizeof req,
		      on_auth_caps, "Get Channel Authentication Capabilities");
}

static void on_device_guid(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	(void)rsp;
	ipmi_job_send(j, IPMI_NETFN_APP, IPMI_CMD_GET_SYSTEM_GUID, NULL, 0, on_system_guid,
		      "Get System GUID");
}

void ipmi_poll_capture(struct ipmi_job *j)
{
	ipmi_job_send(j, IPMI_NETFN_APP, CMD_GET_DEVICE_GUID, NULL, 0, on_device_guid,
		      "Get Device GUID");
}
