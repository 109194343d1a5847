/*
 * fuzz-redfish-json.c - libFuzzer target for Redfish payload parsing.
 *
 * The input is a response body: it goes through the caps of each kind of
 * body (redfish_json_precheck: bytes, values, depth), then
 * redfish_json_load() and, when that accepts it, through every extractor, as
 * if the BMC had sent it for each kind of resource.  Outputs are checked for
 * the promises the header makes: strings terminated, links whole, sensors
 * bounded, events newest first.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redfish/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK_STR(field)                                                                           \
	do {                                                                                       \
		if (memchr((field), '\0', sizeof(field)) == NULL)                                  \
			__builtin_trap();                                                          \
	} while (0)

static void check_console(const struct rf_console *c)
{
	CHECK_STR(c->graphical_types);
	CHECK_STR(c->serial_types);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rf_root root;
	struct rf_system sys;
	struct rf_chassis ch;
	struct rf_manager mgr;
	struct bmc_sensor *s = NULL;
	struct bmc_event *ev = NULL;
	char types[RF_MAX_RESET_TYPES][24], link[RF_LINK_MAX], small[12];
	char **links = NULL, *err = NULL;
	size_t n = 0, cap = 0, i, nlinks = 0, nev = 0, ntypes = 0;
	enum rf_body_kind kind;
	json_t *j;

	/* What the pre-check refuses never parses; what parses has no error, and
	 * what does not parse says why. */
	for (kind = RF_BODY_RESOURCE; kind <= RF_BODY_LOG; kind++) {
		int within = redfish_json_precheck((const char *)data, size, rf_body_limit(kind),
						   NULL) == 0;

		j = redfish_json_load_kind((const char *)data, size, kind, &err);
		if ((j == NULL) == (err == NULL) || (j != NULL && !within))
			__builtin_trap();
		json_decref(j);
		free(err);
		err = NULL;
	}

	j = redfish_json_load((const char *)data, size, &err);
	if (j == NULL) {
		if (err == NULL)
			__builtin_trap();
		free(err);
		return 0;
	}
	if (err != NULL || !json_is_object(j))
		__builtin_trap();

	rf_parse_root(j, &root);
	CHECK_STR(root.redfish_version);
	CHECK_STR(root.vendor_string);
	CHECK_STR(root.product);
	CHECK_STR(root.uuid);
	CHECK_STR(root.systems);
	CHECK_STR(root.sessions);
	(void)rf_vendor_name(root.vendor);
	(void)rf_vendor_name(rf_manager_vendor(j));

	if (rf_parse_collection(j, &links, &nlinks) == 0)
		for (i = 0; i < nlinks; i++)
			if (links[i] == NULL || strlen(links[i]) >= RF_LINK_MAX)
				__builtin_trap();
	rf_free_links(links, nlinks);

	rf_parse_system(j, &sys);
	CHECK_STR(sys.model);
	CHECK_STR(sys.reset_target);
	CHECK_STR(sys.boot_target);
	if (sys.nreset_types > RF_MAX_RESET_TYPES)
		__builtin_trap();
	for (i = 0; i < sys.nreset_types; i++)
		CHECK_STR(sys.reset_types[i]);
	check_console(&sys.console);
	if (rf_parse_action_info(j, types, RF_MAX_RESET_TYPES, &ntypes) == 0 &&
	    ntypes > RF_MAX_RESET_TYPES)
		__builtin_trap();

	if (sys.nboot_targets > RF_MAX_BOOT_TARGETS)
		__builtin_trap();
	for (i = 0; i < sys.nboot_targets; i++)
		CHECK_STR(sys.boot_targets[i]);
	(void)rf_boot_device(sys.boot_target);
	if (rf_console_caps(&sys.console) & CONSOLE_CAP_KNOWN)
		__builtin_trap();
	CHECK_STR(root.expand);
	rf_parse_link(j, "Fans", link, sizeof(link));
	CHECK_STR(link);
	rf_parse_next_link(j, small, sizeof(small));
	CHECK_STR(small);
	rf_parse_error_message(j, small, sizeof(small));
	CHECK_STR(small);
	(void)rf_member_expanded(json_array_get(json_object_get(j, "Members"), 0));

	rf_parse_chassis(j, &ch);
	CHECK_STR(ch.model);
	CHECK_STR(ch.power_subsystem);
	rf_parse_manager(j, &mgr);
	CHECK_STR(mgr.firmware);
	check_console(&mgr.console);

	rf_parse_thermal(j, &s, &n, &cap);
	rf_parse_power(j, &s, &n, &cap);
	rf_parse_sensor(j, &s, &n, &cap);
	rf_parse_fan(j, &s, &n, &cap);
	rf_parse_thermal_metrics(j, &s, &n, &cap);
	rf_parse_power_supply(j, &s, &n, &cap, link, sizeof(link));
	CHECK_STR(link);
	rf_parse_power_supply(j, &s, &n, &cap, small, sizeof(small));
	CHECK_STR(small);
	if (n > 0)
		rf_parse_power_supply_metrics(j, &s[n - 1]);
	if (n > cap || n > 4096)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		CHECK_STR(s[i].name);
		CHECK_STR(s[i].type);
		CHECK_STR(s[i].unit);
		CHECK_STR(s[i].state);
		if (s[i].status > BMC_HEALTH_CRITICAL || s[i].threshold_mask > 0x3F)
			__builtin_trap();
	}
	free(s);

	if (rf_pick_log_entries(j, link, sizeof(link)) == 0 && strlen(link) == 0)
		__builtin_trap();
	rf_pick_log_entries(j, small, sizeof(small));
	CHECK_STR(small);
	rf_parse_log_service(j, small, sizeof(small));
	CHECK_STR(small);
	if (rf_parse_log_entries(j, &ev, &nev) == 0)
		for (i = 0; i < nev; i++) {
			CHECK_STR(ev[i].message);
			CHECK_STR(ev[i].sensor);
			if (i > 0 && ev[i].timestamp > ev[i - 1].timestamp)
				__builtin_trap();
		}
	free(ev);
	json_decref(j);
	return 0;
}
