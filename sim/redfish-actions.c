/*
 * redfish-actions.c - what a Redfish client may change on a simulated BMC:
 * the ComputerSystem.Reset action (each ResetType mapped onto the model's
 * power, reset and NMI) and a PATCH of the system's Boot override.
 */
#include "config.h"

#include <string.h>

#include "redfish.h"

const char *const sim_redfish_actions_reset_types[] = {
    "On",	  "ForceOn", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart",
    "PowerCycle", "Nmi",     NULL};

static const struct {
	const char *target;
	uint8_t device;
} boot_targets[] = {
    {"None", 0}, {"Pxe", 1}, {"Hdd", 2}, {"Cd", 5}, {"BiosSetup", 6},
};

#define NBOOT (sizeof boot_targets / sizeof boot_targets[0])

json_t *sim_redfish_actions_boot_targets(void)
{
	json_t *targets = json_array();
	size_t i;

	for (i = 0; i < NBOOT; i++)
		json_array_append_new(targets, json_string(boot_targets[i].target));
	return targets;
}

const char *sim_redfish_actions_boot_target_name(uint8_t device)
{
	size_t i;

	for (i = 0; i < NBOOT; i++)
		if (boot_targets[i].device == device)
			return boot_targets[i].target;
	return "None";
}

void sim_redfish_actions_reset(struct sim_bmc *b, const struct http_req *q, struct http_reply *r)
{
	json_t *j = json_loadb(q->body, q->body_len, JSON_REJECT_DUPLICATES, NULL);
	const char *type = json_string_value(json_object_get(j, "ResetType"));
	size_t i;

	for (i = 0; type != NULL && sim_redfish_actions_reset_types[i] != NULL; i++)
		if (strcmp(type, sim_redfish_actions_reset_types[i]) == 0)
			break;
	if (type == NULL || sim_redfish_actions_reset_types[i] == NULL) {
		sim_http_reply_error(
		    r, 400, "ActionParameterNotSupported",
		    "ResetType %s%s%s is not in the list of acceptable values: On, ForceOn, "
		    "ForceOff, GracefulShutdown, GracefulRestart, ForceRestart, PowerCycle, Nmi.",
		    type ? "\"" : "(missing)", type ? type : "", type ? "\"" : "");
		json_decref(j);
		return;
	}
	if (strcmp(type, "On") == 0 || strcmp(type, "ForceOn") == 0) {
		if (!b->power)
			sim_set_power(b, 1);
	} else if (strcmp(type, "ForceOff") == 0 || strcmp(type, "GracefulShutdown") == 0) {
		if (b->power)
			sim_set_power(b, 0);
	} else if (strcmp(type, "Nmi") == 0) {
		sim_console_print(b, "\r\nNMI received for unknown reason.\r\n");
	} else if (b->power) {
		sim_reset(b);
	} else if (strcmp(type, "PowerCycle") == 0) {
		sim_set_power(b, 1);
	}
	json_decref(j);
	r->status = 204;
}

void sim_redfish_actions_patch_system(struct sim_bmc *b, const struct http_req *q,
				      struct http_reply *r)
{
	json_t *j = json_loadb(q->body, q->body_len, JSON_REJECT_DUPLICATES, NULL);
	json_t *boot = json_object_get(j, "Boot");
	const char *target, *enabled, *key;
	int device = -1, persistent;
	json_t *v;
	size_t i;

	if (!json_is_object(j) || !json_is_object(boot)) {
		sim_http_reply_error(r, 400, "PropertyNotWritable",
			    "Only Boot (BootSourceOverrideTarget, BootSourceOverrideEnabled) can "
			    "be changed here.");
		json_decref(j);
		return;
	}
	json_object_foreach(j, key, v)
	{
		if (strcmp(key, "Boot") != 0) {
			sim_http_reply_error(r, 400, "PropertyNotWritable",
				    "The property %.64s is a read only property.", key);
			json_decref(j);
			return;
		}
	}
	target = json_string_value(json_object_get(boot, "BootSourceOverrideTarget"));
	enabled = json_string_value(json_object_get(boot, "BootSourceOverrideEnabled"));
	if (json_object_get(boot, "BootSourceOverrideTarget") != NULL) {
		for (i = 0; target != NULL && i < NBOOT; i++)
			if (strcmp(target, boot_targets[i].target) == 0)
				device = boot_targets[i].device;
		if (device < 0) {
			sim_http_reply_error(r, 400, "PropertyValueNotInList",
				    "The value of BootSourceOverrideTarget is not in the list of "
				    "acceptable values: None, Pxe, Hdd, Cd, BiosSetup.");
			json_decref(j);
			return;
		}
	}
	persistent = b->boot_persistent;
	if (enabled != NULL) {
		if (strcmp(enabled, "Once") == 0) {
			persistent = 0;
		} else if (strcmp(enabled, "Continuous") == 0) {
			persistent = 1;
		} else if (strcmp(enabled, "Disabled") == 0) {
			device = 0;
		} else {
			sim_http_reply_error(r, 400, "PropertyValueNotInList",
				    "The value of BootSourceOverrideEnabled is not in the list of "
				    "acceptable values: Disabled, Once, Continuous.");
			json_decref(j);
			return;
		}
	} else if (json_object_get(boot, "BootSourceOverrideEnabled") != NULL) {
		sim_http_reply_error(r, 400, "PropertyValueTypeError",
			    "BootSourceOverrideEnabled must be a string.");
		json_decref(j);
		return;
	}
	if (device >= 0)
		b->boot_device = (uint8_t)device;
	b->boot_persistent = persistent;
	json_decref(j);
	r->status = 204;
}
