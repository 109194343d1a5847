/*
 * redfish/parse.c - Redfish payloads to the host model: the service root and
 * its vendor, collections and links, system, chassis, manager, the error
 * body of a refused action and the boot override targets.  Sensors are in
 * parse-sensors.c and the event log in parse-logs.c; all read through
 * redfish/json.h, so nothing a BMC sends is trusted.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"
#include "redfish/json.h"
#include "redfish/parse.h"

#define RF_EXPAND_LEVELS_MAX 6 /* the most DSP0266 allows */

/* Vendors. */

const char *rf_vendor_name(enum rf_vendor v)
{
	switch (v) {
	case RF_VENDOR_DELL:
		return "Dell iDRAC";
	case RF_VENDOR_HPE:
		return "HPE iLO";
	case RF_VENDOR_LENOVO:
		return "Lenovo XCC";
	case RF_VENDOR_SUPERMICRO:
		return "Supermicro";
	case RF_VENDOR_OPENBMC:
		return "OpenBMC";
	case RF_VENDOR_AMI:
		return "AMI MegaRAC";
	case RF_VENDOR_DMTF:
		return "DMTF mockup";
	case RF_VENDOR_OTHER:
		break;
	}
	return "unknown";
}

/* Oem section keys, as vendors spell them. */
static const struct {
	const char *key;
	enum rf_vendor vendor;
} oem_keys[] = {
    {"Dell", RF_VENDOR_DELL},
    {"Hpe", RF_VENDOR_HPE},
    {"Hp", RF_VENDOR_HPE},
    {"Lenovo", RF_VENDOR_LENOVO},
    {"Supermicro", RF_VENDOR_SUPERMICRO},
    {"Ami", RF_VENDOR_AMI},
    {"OpenBmc", RF_VENDOR_OPENBMC},
};

/* Whole words (and longer names anywhere) that identify a vendor in free text. */
static const struct {
	const char *text;
	int whole_word;
	enum rf_vendor vendor;
} vendor_words[] = {
    {"Dell", 1, RF_VENDOR_DELL},
    {"iDRAC", 1, RF_VENDOR_DELL},
    {"HPE", 1, RF_VENDOR_HPE},
    {"HP", 1, RF_VENDOR_HPE},
    {"Hewlett", 0, RF_VENDOR_HPE},
    {"ProLiant", 0, RF_VENDOR_HPE},
    {"iLO", 1, RF_VENDOR_HPE},
    {"Lenovo", 0, RF_VENDOR_LENOVO},
    {"XClarity", 0, RF_VENDOR_LENOVO},
    {"Supermicro", 0, RF_VENDOR_SUPERMICRO},
    {"Super Micro", 0, RF_VENDOR_SUPERMICRO},
    {"OpenBMC", 0, RF_VENDOR_OPENBMC},
    {"AMI", 1, RF_VENDOR_AMI},
    {"American Megatrends", 0, RF_VENDOR_AMI},
    {"MegaRAC", 0, RF_VENDOR_AMI},
    {"DMTF", 1, RF_VENDOR_DMTF},
};

static enum rf_vendor vendor_from_text(const char *s)
{
	size_t i;

	if (s == NULL)
		return RF_VENDOR_OTHER;
	for (i = 0; i < sizeof(vendor_words) / sizeof(vendor_words[0]); i++) {
		size_t len = strlen(vendor_words[i].text);
		const char *p;

		for (p = strcasestr(s, vendor_words[i].text); p != NULL;
		     p = strcasestr(p + 1, vendor_words[i].text)) {
			if (!vendor_words[i].whole_word)
				return vendor_words[i].vendor;
			if ((p == s || !isalnum((unsigned char)p[-1])) &&
			    !isalnum((unsigned char)p[len]))
				return vendor_words[i].vendor;
		}
	}
	return RF_VENDOR_OTHER;
}

static enum rf_vendor vendor_from_oem(json_t *o)
{
	json_t *oem = rf_json_obj(o, "Oem");
	size_t i;

	for (i = 0; i < sizeof(oem_keys) / sizeof(oem_keys[0]); i++)
		if (rf_json_obj(oem, oem_keys[i].key) != NULL)
			return oem_keys[i].vendor;
	return RF_VENDOR_OTHER;
}

/*
 * Vendor, then Oem keys, then Product.  Stock bmcweb says none of them, but
 * it is the service that names its manager "bmc"; DMTF's mockups carry its
 * copyright.
 */
static enum rf_vendor root_vendor(json_t *j)
{
	enum rf_vendor v;
	const char *mps, *copyright;

	v = vendor_from_text(rf_json_str(j, "Vendor"));
	if (v == RF_VENDOR_OTHER)
		v = vendor_from_oem(j);
	if (v == RF_VENDOR_OTHER)
		v = vendor_from_text(rf_json_str(j, "Product"));
	if (v != RF_VENDOR_OTHER)
		return v;
	mps = rf_json_link(rf_json_obj(j, "Links"), "ManagerProvidingService");
	if (mps != NULL && strcmp(mps, "/redfish/v1/Managers/bmc") == 0)
		return RF_VENDOR_OPENBMC;
	copyright = rf_json_str(j, "@Redfish.Copyright");
	if (copyright != NULL && strstr(copyright, "DMTF") != NULL)
		return RF_VENDOR_DMTF;
	return RF_VENDOR_OTHER;
}

enum rf_vendor rf_manager_vendor(json_t *j)
{
	return vendor_from_oem(j);
}

/* Service root, collections, system, chassis, manager. */

int rf_parse_root(json_t *j, struct rf_root *out)
{
	json_t *expand;
	int levels = 0, all = 0;
	double max;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return -1;
	rf_json_copy_text(out->redfish_version, sizeof(out->redfish_version),
			  rf_json_str(j, "RedfishVersion"));
	rf_json_copy_text(out->vendor_string, sizeof(out->vendor_string), rf_json_str(j, "Vendor"));
	rf_json_copy_text(out->product, sizeof(out->product), rf_json_str(j, "Product"));
	rf_json_copy_text(out->uuid, sizeof(out->uuid), rf_json_str(j, "UUID"));
	out->vendor = root_vendor(j);

	/* $expand=.($levels=N) when Levels is offered; bare $expand=. is one level. */
	expand = rf_json_obj(rf_json_obj(j, "ProtocolFeaturesSupported"), "ExpandQuery");
	rf_json_bool(expand, "Levels", &levels);
	rf_json_bool(expand, "ExpandAll", &all);
	if (levels) {
		out->expand_levels = 1;
		if (rf_json_num(expand, "MaxLevels", &max) && max >= 1)
			out->expand_levels =
			    max < RF_EXPAND_LEVELS_MAX ? (int)max : RF_EXPAND_LEVELS_MAX;
	} else if (all) {
		out->expand_levels = 1;
	}
	/* Sensors and fans are subordinate resources: "." (NoLinks) is enough;
	 * "*" also does when that is all a service offers. */
	if (rf_json_bool(expand, "NoLinks", &all) && all)
		snprintf(out->expand, sizeof(out->expand), "%s", levels ? ".($levels=1)" : ".");
	else if (rf_json_bool(expand, "ExpandAll", &all) && all)
		snprintf(out->expand, sizeof(out->expand), "%s", levels ? "*($levels=1)" : "*");

	rf_json_copy_whole(out->systems, sizeof(out->systems), rf_json_link(j, "Systems"));
	rf_json_copy_whole(out->chassis, sizeof(out->chassis), rf_json_link(j, "Chassis"));
	rf_json_copy_whole(out->managers, sizeof(out->managers), rf_json_link(j, "Managers"));
	rf_json_copy_whole(out->session_service, sizeof(out->session_service),
			   rf_json_link(j, "SessionService"));
	rf_json_copy_whole(out->sessions, sizeof(out->sessions),
			   rf_json_link(rf_json_obj(j, "Links"), "Sessions"));
	return 0;
}

int rf_parse_collection(json_t *j, char ***links, size_t *n)
{
	json_t *members = rf_json_array(j, "Members");
	size_t i;

	*links = NULL;
	*n = 0;
	if (members == NULL)
		return -1;
	for (i = 0; i < json_array_size(members); i++) {
		json_t *m = json_array_get(members, i);
		const char *id = rf_json_str(m, "@odata.id");

		if (id == NULL || id[0] == '\0' || strlen(id) >= RF_LINK_MAX)
			continue;
		if (*n % 16 == 0)
			*links = xreallocarray(*links, *n + 16, sizeof(**links));
		(*links)[(*n)++] = xstrdup(id);
	}
	return 0;
}

int rf_member_expanded(json_t *member)
{
	const char *key;
	json_t *v;

	if (!json_is_object(member))
		return 0;
	json_object_foreach(member, key, v) if (strncmp(key, "@odata.", 7) != 0) return 1;
	return 0;
}

int rf_parse_link(json_t *j, const char *key, char *out, size_t outlen)
{
	if (outlen == 0)
		return -1;
	rf_json_copy_whole(out, outlen, rf_json_link(j, key));
	return out[0] != '\0' ? 0 : -1;
}

int rf_parse_next_link(json_t *j, char *out, size_t outlen)
{
	if (outlen == 0)
		return -1;
	rf_json_copy_whole(out, outlen, rf_json_str(j, "Members@odata.nextLink"));
	return out[0] != '\0' ? 0 : -1;
}

void rf_free_links(char **links, size_t n)
{
	size_t i;

	if (links == NULL)
		return;
	for (i = 0; i < n; i++)
		free(links[i]);
	free(links);
}

/*
 * Older schemas give ServiceEnabled and ConnectTypesSupported; ComputerSystem
 * 1.13 and later give one object per protocol (SSH, IPMI, Telnet).
 */
static void parse_console(json_t *j, struct rf_console *c)
{
	static const char *const protocols[] = {"SSH", "IPMI", "Telnet"};
	json_t *g = rf_json_obj(j, "GraphicalConsole"), *s = rf_json_obj(j, "SerialConsole");
	json_t *types;
	size_t i;

	c->graphical_said = rf_json_bool(g, "ServiceEnabled", &c->graphical_enabled);
	types = rf_json_array(g, "ConnectTypesSupported");
	for (i = 0; i < json_array_size(types); i++) {
		json_t *t = json_array_get(types, i);

		if (json_is_string(t))
			rf_json_join_word(c->graphical_types, sizeof(c->graphical_types),
					  json_string_value(t));
	}

	c->serial_said = rf_json_bool(s, "ServiceEnabled", &c->serial_enabled);
	types = rf_json_array(s, "ConnectTypesSupported");
	for (i = 0; i < json_array_size(types); i++) {
		json_t *t = json_array_get(types, i);

		if (json_is_string(t))
			rf_json_join_word(c->serial_types, sizeof(c->serial_types),
					  json_string_value(t));
	}
	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++) {
		int on = 0;

		if (rf_json_bool(rf_json_obj(s, protocols[i]), "ServiceEnabled", &on) && on) {
			c->serial_enabled = 1;
			c->serial_said = 1;
			if (types == NULL)
				rf_json_join_word(c->serial_types, sizeof(c->serial_types),
						  protocols[i]);
		}
	}
}

/* Bits for the words of a comma-joined list, by a case-insensitive match. */
static unsigned caps_of(const char *list, const char *const words[], const unsigned bits[],
			size_t nwords)
{
	unsigned caps = 0;
	size_t i;

	while (*list != '\0') {
		size_t len = strcspn(list, ",");

		for (i = 0; i < nwords; i++)
			if (strlen(words[i]) == len && strncasecmp(list, words[i], len) == 0)
				caps |= bits[i];
		list += len;
		if (*list == ',')
			list++;
	}
	return caps;
}

unsigned rf_console_caps(const struct rf_console *c)
{
	static const char *const gwords[] = {"KVMIP", "Oem"};
	static const unsigned gbits[] = {CONSOLE_CAP_KVMIP, CONSOLE_CAP_GFX_OEM};
	static const char *const swords[] = {"IPMI", "SSH", "Telnet", "Oem"};
	static const unsigned sbits[] = {CONSOLE_CAP_SERIAL_IPMI, CONSOLE_CAP_SERIAL_SSH,
					 CONSOLE_CAP_SERIAL_TELNET, CONSOLE_CAP_SERIAL_OEM};
	unsigned caps = 0;

	if (c->graphical_enabled || !c->graphical_said)
		caps |= caps_of(c->graphical_types, gwords, gbits, 2);
	if (c->serial_enabled || !c->serial_said)
		caps |= caps_of(c->serial_types, swords, sbits, 4);
	return caps;
}

static void copy_words(json_t *arr, char types[][24], size_t max, size_t *n)
{
	size_t i;

	*n = 0;
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *t = json_array_get(arr, i);
		const char *w = json_string_value(t);

		if (*n >= max)
			break;
		if (w == NULL || w[0] == '\0' || !rf_json_fits_clean(w, 24))
			continue;
		rf_json_copy_whole(types[(*n)++], 24, w);
	}
}

int rf_parse_system(json_t *j, struct rf_system *out)
{
	json_t *reset, *boot;
	const char *ps;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return -1;
	/* Powering on or off, or paused: the machine has power. */
	ps = rf_json_str(j, "PowerState");
	if (ps != NULL && strcasecmp(ps, "Off") == 0)
		out->power = BMC_POWER_OFF;
	else if (ps != NULL &&
		 (strcasecmp(ps, "On") == 0 || strcasecmp(ps, "PoweringOn") == 0 ||
		  strcasecmp(ps, "PoweringOff") == 0 || strcasecmp(ps, "Paused") == 0))
		out->power = BMC_POWER_ON;
	out->health = rf_json_rollup(j);
	rf_json_copy_text(out->manufacturer, sizeof(out->manufacturer),
			  rf_json_str(j, "Manufacturer"));
	rf_json_copy_text(out->model, sizeof(out->model), rf_json_str(j, "Model"));
	rf_json_copy_text(out->serial, sizeof(out->serial), rf_json_str(j, "SerialNumber"));
	rf_json_copy_text(out->bios_version, sizeof(out->bios_version),
			  rf_json_str(j, "BiosVersion"));

	reset = rf_json_obj(rf_json_obj(j, "Actions"), "#ComputerSystem.Reset");
	rf_json_copy_whole(out->reset_target, sizeof(out->reset_target),
			   rf_json_str(reset, "target"));
	rf_json_copy_whole(out->reset_action_info, sizeof(out->reset_action_info),
			   rf_json_str(reset, "@Redfish.ActionInfo"));
	copy_words(rf_json_array(reset, "ResetType@Redfish.AllowableValues"), out->reset_types,
		   RF_MAX_RESET_TYPES, &out->nreset_types);

	boot = rf_json_obj(j, "Boot");
	rf_json_copy_whole(out->boot_target, sizeof(out->boot_target),
			   rf_json_str(boot, "BootSourceOverrideTarget"));
	rf_json_copy_whole(out->boot_enabled, sizeof(out->boot_enabled),
			   rf_json_str(boot, "BootSourceOverrideEnabled"));
	copy_words(rf_json_array(boot, "BootSourceOverrideTarget@Redfish.AllowableValues"),
		   out->boot_targets, RF_MAX_BOOT_TARGETS, &out->nboot_targets);
	rf_json_copy_whole(out->log_services, sizeof(out->log_services),
			   rf_json_link(j, "LogServices"));
	parse_console(j, &out->console);
	if (rf_etag_valid(rf_json_str(j, "@odata.etag")))
		snprintf(out->etag, sizeof(out->etag), "%s", rf_json_str(j, "@odata.etag"));
	return 0;
}

int rf_etag_valid(const char *etag)
{
	size_t i;

	if (etag == NULL || etag[0] == '\0')
		return 0;
	for (i = 0; etag[i] != '\0'; i++)
		if (i >= 127 || etag[i] < 0x20 || etag[i] > 0x7e)
			return 0;
	return 1;
}

int rf_parse_action_info(json_t *j, char types[][24], size_t max, size_t *n)
{
	json_t *params = rf_json_array(j, "Parameters");
	size_t i;

	*n = 0;
	if (params == NULL)
		return -1;
	for (i = 0; i < json_array_size(params); i++) {
		json_t *p = json_array_get(params, i);
		const char *name = rf_json_str(p, "Name");

		if (name != NULL && strcmp(name, "ResetType") == 0) {
			copy_words(rf_json_array(p, "AllowableValues"), types, max, n);
			return 0;
		}
	}
	return -1;
}

int rf_parse_chassis(json_t *j, struct rf_chassis *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return -1;
	out->health = rf_json_rollup(j);
	rf_json_copy_text(out->model, sizeof(out->model), rf_json_str(j, "Model"));
	rf_json_copy_text(out->serial, sizeof(out->serial), rf_json_str(j, "SerialNumber"));
	rf_json_copy_whole(out->thermal, sizeof(out->thermal), rf_json_link(j, "Thermal"));
	rf_json_copy_whole(out->power, sizeof(out->power), rf_json_link(j, "Power"));
	rf_json_copy_whole(out->sensors, sizeof(out->sensors), rf_json_link(j, "Sensors"));
	rf_json_copy_whole(out->thermal_subsystem, sizeof(out->thermal_subsystem),
			   rf_json_link(j, "ThermalSubsystem"));
	rf_json_copy_whole(out->power_subsystem, sizeof(out->power_subsystem),
			   rf_json_link(j, "PowerSubsystem"));
	return 0;
}

int rf_parse_manager(json_t *j, struct rf_manager *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return -1;
	rf_json_copy_text(out->model, sizeof(out->model), rf_json_str(j, "Model"));
	rf_json_copy_text(out->firmware, sizeof(out->firmware), rf_json_str(j, "FirmwareVersion"));
	rf_json_copy_whole(out->log_services, sizeof(out->log_services),
			   rf_json_link(j, "LogServices"));
	parse_console(j, &out->console);
	return 0;
}

int rf_parse_error_message(json_t *j, char *out, size_t outlen)
{
	json_t *err = rf_json_obj(j, "error");
	const char *msg =
	    rf_json_str(json_array_get(rf_json_array(err, "@Message.ExtendedInfo"), 0), "Message");

	if (outlen == 0)
		return -1;
	if (msg == NULL)
		msg = rf_json_str(err, "message");
	rf_json_copy_text(out, outlen, msg);
	return out[0] != '\0' ? 0 : -1;
}

/* Boot override targets. */

static const struct {
	enum bmc_boot_device dev;
	const char *target;
} boot_targets[] = {
    {BOOT_NONE, "None"},      {BOOT_PXE, "Pxe"},  {BOOT_DISK, "Hdd"},
    {BOOT_BIOS, "BiosSetup"}, {BOOT_CDROM, "Cd"},
};

const char *rf_boot_target(enum bmc_boot_device d)
{
	size_t i;

	for (i = 0; i < sizeof(boot_targets) / sizeof(boot_targets[0]); i++)
		if (boot_targets[i].dev == d)
			return boot_targets[i].target;
	return "None";
}

enum bmc_boot_device rf_boot_device(const char *target)
{
	size_t i;

	for (i = 0; target != NULL && i < sizeof(boot_targets) / sizeof(boot_targets[0]); i++)
		if (strcasecmp(boot_targets[i].target, target) == 0)
			return boot_targets[i].dev;
	return BOOT_NONE;
}
