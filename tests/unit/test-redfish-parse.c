/*
 * test-redfish-parse.c - Redfish payloads to the host model, over every
 * mockup set in tests/data/redfish (values checked against the files by
 * hand), then hostile input: wrong types, missing members, deep nesting,
 * oversized bodies, and links that try to leave the service.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"
#include "redfish/http.h"
#include "redfish/parse.h"
#include "runner.h"

/* Load <set>/redfish/v1/<path>/index.json through redfish_json_load(). */
static json_t *load(const char *set, const char *path)
{
	const char *top = getenv("SRCDIR");
	char *file, *body, *err = NULL;
	size_t len = 0, got;
	json_t *j;
	FILE *f;

	if (top == NULL)
		test_skip("SRCDIR is not set");
	file = xasprintf("%s/tests/data/redfish/%s/redfish/v1/%s%sindex.json", top, set, path,
			 path[0] ? "/" : "");
	f = fopen(file, "rb");
	if (f == NULL)
		test_fail(__FILE__, __LINE__, "cannot open %s", file);
	body = xmalloc(RF_BODY_MAX);
	while ((got = fread(body + len, 1, RF_BODY_MAX - len, f)) > 0)
		len += got;
	fclose(f);
	j = redfish_json_load(body, len, &err);
	if (j == NULL)
		test_fail(__FILE__, __LINE__, "%s: %s", file, err);
	free(body);
	free(file);
	return j;
}

struct sensors {
	struct bmc_sensor *s;
	size_t n, cap;
};

static const struct bmc_sensor *find(const struct sensors *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->s[i].name, name) == 0)
			return &l->s[i];
	test_fail(__FILE__, __LINE__, "no sensor named \"%s\" among %zu", name, l->n);
}

/* Parse one file with an extractor into l. */
static void sensors_from(struct sensors *l, const char *set, const char *path,
			 int (*parse)(json_t *, struct bmc_sensor **, size_t *, size_t *))
{
	json_t *j = load(set, path);

	ASSERT_EQ(parse(j, &l->s, &l->n, &l->cap), 0);
	json_decref(j);
}

static int has_threshold(const struct bmc_sensor *s, enum bmc_threshold t, double v)
{
	return (s->threshold_mask & (1u << t)) && s->threshold[t] == v;
}

/* Every sensor in l is ok, except those the set says are not. */
static void assert_all_ok(const struct sensors *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->s[i].status != BMC_HEALTH_OK)
			test_fail(__FILE__, __LINE__, "sensor \"%s\" is %s, the BMC says OK",
				  l->s[i].name, bmc_health_name(l->s[i].status));
}

static void events_from(const char *set, const char *path, struct bmc_event **ev, size_t *n)
{
	json_t *j = load(set, path);

	ASSERT_EQ(rf_parse_log_entries(j, ev, n), 0);
	json_decref(j);
}

static void assert_newest_first(const struct bmc_event *ev, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (ev[i].timestamp > ev[i - 1].timestamp)
			test_fail(__FILE__, __LINE__, "event %zu is newer than event %zu", i,
				  i - 1);
}

/* DMTF public-rackmount1: the spec baseline, with every resource kind. */

TEST(redfish_dmtf_rackmount_root_system)
{
	json_t *j = load("dmtf-public-rackmount1", "");
	struct rf_root r;
	struct rf_system s;
	char **links;
	size_t n;

	ASSERT_EQ(rf_parse_root(j, &r), 0);
	json_decref(j);
	ASSERT_STREQ(r.redfish_version, "1.15.0");
	ASSERT_STREQ(r.vendor_string, "");
	ASSERT_EQ(r.vendor, RF_VENDOR_DMTF);
	ASSERT_STREQ(r.uuid, "92384634-2938-2342-8820-489239905423");
	ASSERT_EQ(r.expand_levels, 6);
	ASSERT_STREQ(r.systems, "/redfish/v1/Systems");
	ASSERT_STREQ(r.chassis, "/redfish/v1/Chassis");
	ASSERT_STREQ(r.managers, "/redfish/v1/Managers");
	ASSERT_STREQ(r.session_service, "/redfish/v1/SessionService");
	ASSERT_STREQ(r.sessions, "/redfish/v1/SessionService/Sessions");

	j = load("dmtf-public-rackmount1", "Systems");
	ASSERT_EQ(rf_parse_collection(j, &links, &n), 0);
	json_decref(j);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(links[0], "/redfish/v1/Systems/437XR1138R2");
	rf_free_links(links, n);

	j = load("dmtf-public-rackmount1", "Systems/437XR1138R2");
	ASSERT_EQ(rf_parse_system(j, &s), 0);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_ON);
	ASSERT_EQ(s.health, BMC_HEALTH_WARNING); /* HealthRollup, not Health (OK) */
	ASSERT_STREQ(s.manufacturer, "Contoso");
	ASSERT_STREQ(s.model, "3500");
	ASSERT_STREQ(s.serial, "437XR1138R2");
	ASSERT_STREQ(s.bios_version, "P79 v1.45 (12/06/2017)");
	ASSERT_STREQ(s.reset_target,
		     "/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset");
	ASSERT_STREQ(s.reset_action_info, "");
	ASSERT_EQ(s.nreset_types, 8);
	ASSERT_STREQ(s.reset_types[0], "On");
	ASSERT_STREQ(s.reset_types[7], "PushPowerButton");
	ASSERT_STREQ(s.boot_target, "Pxe");
	ASSERT_STREQ(s.boot_enabled, "Once");
	ASSERT_STREQ(s.log_services, "/redfish/v1/Systems/437XR1138R2/LogServices");
}

TEST(redfish_dmtf_rackmount_chassis_manager)
{
	json_t *j = load("dmtf-public-rackmount1", "Chassis/1U");
	struct rf_chassis c;
	struct rf_manager m;

	ASSERT_EQ(rf_parse_chassis(j, &c), 0);
	json_decref(j);
	ASSERT_EQ(c.health, BMC_HEALTH_OK);
	ASSERT_STREQ(c.model, "3500RX");
	ASSERT_STREQ(c.serial, "437XR1138R2");
	ASSERT_STREQ(c.thermal, "/redfish/v1/Chassis/1U/Thermal");
	ASSERT_STREQ(c.power, "/redfish/v1/Chassis/1U/Power");
	ASSERT_STREQ(c.sensors, "/redfish/v1/Chassis/1U/Sensors");
	ASSERT_STREQ(c.thermal_subsystem, "/redfish/v1/Chassis/1U/ThermalSubsystem");
	ASSERT_STREQ(c.power_subsystem, "/redfish/v1/Chassis/1U/PowerSubsystem");

	j = load("dmtf-public-rackmount1", "Managers/BMC");
	ASSERT_EQ(rf_parse_manager(j, &m), 0);
	ASSERT_EQ(rf_manager_vendor(j), RF_VENDOR_OTHER);
	json_decref(j);
	ASSERT_STREQ(m.model, "Joo Janta 200");
	ASSERT_STREQ(m.firmware, "1.45.455b66-rev4");
	ASSERT_STREQ(m.log_services, "/redfish/v1/Managers/BMC/LogServices");
	ASSERT_EQ(m.console.graphical_enabled, 1);
	ASSERT_STREQ(m.console.graphical_types, "KVMIP");
	ASSERT_EQ(m.console.serial_enabled, 1);
	ASSERT_STREQ(m.console.serial_types, "Telnet,SSH,IPMI");
}

TEST(redfish_dmtf_rackmount_thermal_power)
{
	struct sensors l = {0};
	const struct bmc_sensor *x;

	sensors_from(&l, "dmtf-public-rackmount1", "Chassis/1U/Thermal", rf_parse_thermal);
	ASSERT_EQ(l.n, 5); /* 3 temperatures, 2 fans */
	x = find(&l, "CPU1 Temp");
	ASSERT_STREQ(x->type, "temperature");
	ASSERT_STREQ(x->unit, "C");
	ASSERT_EQ(x->source, SRC_REDFISH);
	ASSERT(x->has_value);
	ASSERT_NEAR(x->value, 41, 1e-9);
	ASSERT(has_threshold(x, TH_UNC, 42));
	ASSERT(has_threshold(x, TH_UCR, 45));
	ASSERT(has_threshold(x, TH_UNR, 48));
	ASSERT_EQ(x->threshold_mask, 1u << TH_UNC | 1u << TH_UCR | 1u << TH_UNR);
	ASSERT_EQ(x->status, BMC_HEALTH_OK);
	/* Disabled: kept, but without a value or a status. */
	x = find(&l, "CPU2 Temp");
	ASSERT(!x->has_value);
	ASSERT_EQ(x->status, BMC_HEALTH_UNKNOWN);
	ASSERT_STREQ(x->state, "Disabled");
	x = find(&l, "Chassis Intake Temp");
	ASSERT_NEAR(x->value, 25, 1e-9);
	ASSERT(has_threshold(x, TH_LNC, 10));
	ASSERT(has_threshold(x, TH_LCR, 5));
	ASSERT(has_threshold(x, TH_LNR, 0));
	ASSERT_EQ(x->threshold_mask, 0x3Fu);
	x = find(&l, "BaseBoard System Fan");
	ASSERT_STREQ(x->type, "fan");
	ASSERT_STREQ(x->unit, "RPM");
	ASSERT_NEAR(x->value, 2100, 1e-9);
	ASSERT(has_threshold(x, TH_LNR, 0));

	sensors_from(&l, "dmtf-public-rackmount1", "Chassis/1U/Power", rf_parse_power);
	ASSERT_EQ(l.n, 5 + 4);
	x = find(&l, "System Input Power");
	ASSERT_STREQ(x->type, "power");
	ASSERT_STREQ(x->unit, "W");
	ASSERT_NEAR(x->value, 344, 1e-9);
	ASSERT_EQ(x->status, BMC_HEALTH_OK);
	x = find(&l, "VRM1 Voltage");
	ASSERT_STREQ(x->unit, "V");
	ASSERT_NEAR(x->value, 12, 1e-9);
	ASSERT(has_threshold(x, TH_LNC, 11.5));
	ASSERT(has_threshold(x, TH_UNC, 12.5));
	ASSERT(has_threshold(x, TH_UNR, 15));
	ASSERT_EQ(x->status, BMC_HEALTH_OK);
	x = find(&l, "Power Supply Bay");
	ASSERT_NEAR(x->value, 325, 1e-9);
	ASSERT_EQ(x->status, BMC_HEALTH_WARNING); /* the supply's own Health */
	free(l.s);
}

TEST(redfish_dmtf_rackmount_sensors)
{
	static const char *const members[] = {"AmbientTemp",
					      "CPU1Temp",
					      "CPUFan1",
					      "PS1Energy",
					      "PS2Energy",
					      "Battery1StateOfHealth",
					      "Battery1InputCurrent",
					      "PS1InputPower"};
	struct sensors l = {0};
	const struct bmc_sensor *x;
	size_t i;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		char *path = xasprintf("Chassis/1U/Sensors/%s", members[i]);

		sensors_from(&l, "dmtf-public-rackmount1", path, rf_parse_sensor);
		free(path);
	}
	ASSERT_EQ(l.n, 7); /* PS2Energy is Absent */
	/* No ReadingType: the type comes from ReadingUnits "Cel". */
	x = find(&l, "Ambient Temperature");
	ASSERT_STREQ(x->type, "temperature");
	ASSERT_STREQ(x->unit, "C");
	ASSERT_NEAR(x->value, 22.5, 1e-9);
	/* 44 is above UpperCaution 42, and the BMC says Warning too. */
	x = find(&l, "CPU #1 Temperature");
	ASSERT_NEAR(x->value, 44, 1e-9);
	ASSERT(has_threshold(x, TH_UNC, 42)); /* not UpperCautionUser (40) */
	ASSERT(has_threshold(x, TH_UCR, 45));
	ASSERT(has_threshold(x, TH_UNR, 50));
	ASSERT_EQ(x->threshold_mask, 1u << TH_UNC | 1u << TH_UCR | 1u << TH_UNR);
	ASSERT_EQ(x->status, BMC_HEALTH_WARNING);
	x = find(&l, "Power Supply #1 Energy");
	ASSERT_STREQ(x->type, "energy");
	ASSERT_STREQ(x->unit, "kWh");
	ASSERT_NEAR(x->value, 7855, 1e-9);
	x = find(&l, "Battery #1 State of Health");
	ASSERT_STREQ(x->unit, "%");
	ASSERT(has_threshold(x, TH_LCR, 30));
	ASSERT_EQ(x->status, BMC_HEALTH_OK);
	x = find(&l, "Battery #1 Input Current");
	ASSERT_STREQ(x->type, "current");
	ASSERT_STREQ(x->unit, "A");
	x = find(&l, "Power Supply #1 Input Power");
	ASSERT_STREQ(x->type, "power");
	ASSERT_NEAR(x->value, 374, 1e-9);
	ASSERT(has_threshold(x, TH_UCR, 525));
	free(l.s);
}

TEST(redfish_dmtf_rackmount_log)
{
	char link[RF_LINK_MAX];
	struct bmc_event *ev;
	size_t n;
	json_t *j = load("dmtf-public-rackmount1", "Systems/437XR1138R2/LogServices");

	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries");
	j = load("dmtf-public-rackmount1", "Systems/437XR1138R2/LogServices/Log1");
	ASSERT_EQ(rf_parse_log_service(j, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries");

	events_from("dmtf-public-rackmount1", "Systems/437XR1138R2/LogServices/Log1/Entries", &ev,
		    &n);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(ev[0].id, 2);
	ASSERT_EQ(ev[0].timestamp, 1331131500); /* 2012-03-07T14:45:00Z */
	ASSERT_STREQ(ev[0].message, "Temperature threshold exceeded");
	ASSERT_STREQ(ev[0].sensor, "Temperature");
	ASSERT_EQ(ev[0].severity, BMC_HEALTH_CRITICAL);
	ASSERT_EQ(ev[0].source, SRC_REDFISH);
	ASSERT_EQ(ev[1].id, 1);
	ASSERT_EQ(ev[1].timestamp, 1331131440);
	free(ev);
}

TEST(redfish_dmtf_bladed)
{
	struct sensors l = {0};
	const struct bmc_sensor *x;
	struct rf_root r;
	struct rf_system s;
	struct bmc_event *ev;
	char link[RF_LINK_MAX];
	size_t n;
	json_t *j = load("dmtf-public-bladed", "");

	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_DMTF);
	j = load("dmtf-public-bladed", "Systems/529QB9450R6");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_ON);
	ASSERT_STREQ(s.model, "SX1000");
	ASSERT_STREQ(s.serial, "529QB9450R6");

	sensors_from(&l, "dmtf-public-bladed", "Chassis/Blade1/Thermal", rf_parse_thermal);
	ASSERT_EQ(l.n, 2);
	x = find(&l, "CPU Temp");
	ASSERT_NEAR(x->value, 62, 1e-9);
	ASSERT(has_threshold(x, TH_UNC, 75));
	ASSERT(has_threshold(x, TH_UCR, 90));
	ASSERT(has_threshold(x, TH_UNR, 95));
	x = find(&l, "CPU Fan");
	ASSERT_NEAR(x->value, 6000, 1e-9);
	ASSERT(has_threshold(x, TH_LNR, 2000));
	assert_all_ok(&l);
	free(l.s);

	j = load("dmtf-public-bladed", "Managers/Blade1BMC/LogServices");
	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "/redfish/v1/Managers/Blade1BMC/LogServices/Log/Entries");
	events_from("dmtf-public-bladed", "Managers/Blade1BMC/LogServices/Log/Entries", &ev, &n);
	ASSERT_EQ(n, 0);
	free(ev);
}

/* HPE iLO 5, 6 and 7. */

TEST(redfish_hpe_ilo5_dl325)
{
	const char *set = "hpe-ilo5-dl325-gen10plus";
	struct sensors l = {0};
	const struct bmc_sensor *x;
	struct rf_root r;
	struct rf_system s;
	struct rf_manager m;
	struct bmc_event *ev;
	char link[RF_LINK_MAX];
	size_t n;
	json_t *j = load(set, "");

	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_HPE);
	ASSERT_STREQ(r.vendor_string, "HPE");
	ASSERT_STREQ(r.product, "ProLiant DL325 Gen10 Plus");
	ASSERT_STREQ(r.redfish_version, "1.6.0");
	ASSERT_EQ(r.expand_levels, 1);
	ASSERT_STREQ(rf_vendor_name(r.vendor), "HPE iLO");

	j = load(set, "Systems/1");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_ON);
	ASSERT_STREQ(s.manufacturer, "HPE");
	ASSERT_STREQ(s.model, "ProLiant DL325 Gen10 Plus");
	ASSERT_STREQ(s.serial, "MXQ019020B");
	ASSERT_STREQ(s.bios_version, "A43 v2.52 (10/29/2021)");
	ASSERT_EQ(s.nreset_types, 7);
	ASSERT_STREQ(s.reset_types[1], "ForceOff");

	sensors_from(&l, set, "Chassis/1/Thermal", rf_parse_thermal);
	x = find(&l, "01-Inlet Ambient");
	ASSERT_NEAR(x->value, 17, 1e-9);
	ASSERT(has_threshold(x, TH_UCR, 42));
	ASSERT(has_threshold(x, TH_UNR, 47));
	ASSERT_EQ(x->threshold_mask,
		  1u << TH_UCR | 1u << TH_UNR); /* UpperThresholdUser is not one */
	x = find(&l, "02-CPU 1");
	ASSERT_EQ(x->threshold_mask, 1u << TH_UCR); /* UpperThresholdFatal: null */
	x = find(&l, "Fan 1");
	ASSERT_STREQ(x->unit, "%");
	ASSERT_NEAR(x->value, 35, 1e-9);
	for (n = 0; n < l.n; n++)
		ASSERT(strcmp(l.s[n].name, "Fan 2") != 0); /* Absent */
	sensors_from(&l, set, "Chassis/1/Power", rf_parse_power);
	x = find(&l, "Power Control 0"); /* PowerControl without a Name */
	ASSERT_NEAR(x->value, 97, 1e-9);
	x = find(&l, "HpeServerPowerSupply 1");
	ASSERT_NEAR(x->value, 46, 1e-9);
	assert_all_ok(&l);
	free(l.s);

	j = load(set, "Managers/1");
	rf_parse_manager(j, &m);
	ASSERT_EQ(rf_manager_vendor(j), RF_VENDOR_HPE);
	json_decref(j);
	ASSERT_STREQ(m.model, "iLO 5");
	ASSERT_STREQ(m.firmware, "iLO 5 v2.46");
	ASSERT_STREQ(m.console.serial_types, "SSH,IPMI,Oem");

	j = load(set, "Systems/1/LogServices");
	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "/redfish/v1/Systems/1/LogServices/IML/Entries");
	events_from(set, "Systems/1/LogServices/IML/Entries", &ev, &n);
	ASSERT_EQ(n, 143);
	ASSERT_EQ(ev[0].id, 143);
	ASSERT_EQ(ev[0].timestamp, 1647004694); /* 2022-03-11T13:18:14Z */
	ASSERT_STREQ(ev[0].message,
		     "Marvell 2P 25GbE SFP28 QL41232HQCU-HC OCP3 Adapter Connectivity status "
		     "changed to OK for adapter in slot 10, port 1");
	ASSERT_EQ(ev[0].severity, BMC_HEALTH_OK);
	ASSERT_EQ(ev[n - 1].timestamp, 0); /* "0000-00-00T00:00:00Z" sorts last */
	assert_newest_first(ev, n);
	free(ev);
}

TEST(redfish_hpe_ilo5_dl360)
{
	const char *set = "hpe-ilo5-dl360-gen10plus";
	struct sensors l = {0};
	const struct bmc_sensor *x;
	struct rf_root r;
	struct rf_system s;
	struct rf_manager m;
	struct bmc_event *ev;
	size_t n;
	json_t *j = load(set, "");

	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_HPE);
	ASSERT_STREQ(r.redfish_version, "1.20.0");
	j = load(set, "Systems/1");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_STREQ(s.model, "ProLiant DL360 Gen10 Plus - SIMULATED");
	ASSERT_STREQ(s.serial, "MXQ2390RHW");
	ASSERT_STREQ(s.bios_version, "U46 v2.34 (03/11/2025)");

	sensors_from(&l, set, "Chassis/1/Thermal", rf_parse_thermal);
	x = find(&l, "02-CPU 1");
	ASSERT_NEAR(x->value, 40, 1e-9);
	ASSERT(has_threshold(x, TH_UCR, 70));
	x = find(&l, "Fan 1");
	ASSERT_NEAR(x->value, 26, 1e-9);
	sensors_from(&l, set, "Chassis/1/Power", rf_parse_power);
	x = find(&l, "Power Control 0");
	ASSERT_NEAR(x->value, 150, 1e-9);
	x = find(&l, "HpeServerPowerSupply 0");
	ASSERT_NEAR(x->value, 75, 1e-9);
	assert_all_ok(&l);
	free(l.s);

	j = load(set, "Managers/1");
	rf_parse_manager(j, &m);
	json_decref(j);
	ASSERT_STREQ(m.firmware, "iLO 5 v3.11");

	events_from(set, "Systems/1/LogServices/IML/Entries", &ev, &n);
	ASSERT_EQ(n, 142);
	/* Two entries at 08:49:50: the higher Id first. */
	ASSERT_EQ(ev[0].id, 142);
	ASSERT_EQ(ev[1].id, 141);
	ASSERT_EQ(ev[0].timestamp, ev[1].timestamp);
	assert_newest_first(ev, n);
	free(ev);
}

TEST(redfish_hpe_ilo6_dl380a)
{
	const char *set = "hpe-ilo6-dl380a-gen11";
	struct sensors l = {0}, t = {0};
	const struct bmc_sensor *x;
	struct rf_system s;
	struct rf_chassis c;
	struct rf_manager m;
	struct bmc_event *ev;
	size_t n, i;
	json_t *j = load(set, "Systems/1");

	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_STREQ(s.serial, "2M2D2J00L4");
	ASSERT_STREQ(s.model, "ProLiant DL380a Gen11 -- SIMULATED");
	j = load(set, "Chassis/1");
	rf_parse_chassis(j, &c);
	json_decref(j);
	ASSERT_STREQ(c.sensors, "/redfish/v1/Chassis/1/Sensors");
	ASSERT_STREQ(c.power_subsystem, "/redfish/v1/Chassis/1/PowerSubsystem");

	/* Sensor resources with neither ReadingType nor ReadingUnits: HPE's temperature map. */
	for (i = 0; i <= 52; i++) {
		char *path = xasprintf("Chassis/1/Sensors/%zu", i);

		sensors_from(&l, set, path, rf_parse_sensor);
		free(path);
	}
	ASSERT_EQ(l.n, 53 - 24); /* 24 of them are Absent */
	x = find(&l, "01-Inlet Ambient");
	ASSERT_STREQ(x->type, "temperature");
	ASSERT_STREQ(x->unit, "C");
	ASSERT_NEAR(x->value, 24, 1e-9);
	ASSERT_EQ(x->threshold_mask, 1u << TH_UCR | 1u << TH_UNR); /* UpperCaution: {} */
	ASSERT(has_threshold(x, TH_UCR, 42));
	ASSERT(has_threshold(x, TH_UNR, 47));
	x = find(&l, "51.1-XLR8R 14-GPU ASIC");
	ASSERT_EQ(x->threshold_mask, 0); /* {"Reading": null} */
	ASSERT_NEAR(x->value, 55, 1e-9);
	x = find(&l, "33.1-PCI 2-Network controller");
	ASSERT(has_threshold(x, TH_UNC, 100));
	ASSERT_NEAR(x->value, 94, 1e-9);
	assert_all_ok(&l);

	/* The legacy view of the same sensors agrees. */
	sensors_from(&t, set, "Chassis/1/Thermal", rf_parse_thermal);
	x = find(&t, "02-CPU 1 PkgTmp");
	ASSERT_NEAR(x->value, 61, 1e-9);
	ASSERT(has_threshold(x, TH_UCR, 91));
	x = find(&t, "Fan 1");
	ASSERT_NEAR(x->value, 23, 1e-9);
	ASSERT_STREQ(x->unit, "%");
	sensors_from(&t, set, "Chassis/1/Power", rf_parse_power);
	x = find(&t, "Power Control 0");
	ASSERT_NEAR(x->value, 565, 1e-9);
	x = find(&t, "HpeServerPowerSupply 3");
	ASSERT_NEAR(x->value, 57, 1e-9);
	assert_all_ok(&t);
	free(l.s);
	free(t.s);

	j = load(set, "Managers/1");
	rf_parse_manager(j, &m);
	json_decref(j);
	ASSERT_STREQ(m.model, "iLO 6");
	ASSERT_STREQ(m.firmware, "iLO 6 v1.66");

	events_from(set, "Systems/1/LogServices/IML/Entries", &ev, &n);
	ASSERT_EQ(n, 117);
	ASSERT_EQ(ev[0].id, 117);
	ASSERT_EQ(ev[0].timestamp, 1749708322);
	/* The entry iLO could not date goes last, with its warning. */
	ASSERT_EQ(ev[n - 1].id, 3);
	ASSERT_EQ(ev[n - 1].timestamp, 0);
	ASSERT_EQ(ev[n - 1].severity, BMC_HEALTH_WARNING);
	ASSERT_CONTAINS(ev[n - 1].message, "Intrusion Alert Detection");
	free(ev);
}

TEST(redfish_hpe_ilo7_dl360_sentinel_thresholds)
{
	const char *set = "hpe-ilo7-dl360-gen12";
	struct sensors l = {0};
	const struct bmc_sensor *x;
	struct rf_root r;
	struct rf_system s;
	struct rf_manager m;
	struct bmc_event *ev;
	size_t n;
	json_t *j = load(set, "");

	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_HPE);
	ASSERT_STREQ(r.product, "HPE ProLiant Compute DL360 Gen12 -- SIMULATED");
	j = load(set, "Systems/1");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_ON);
	ASSERT_STREQ(s.serial, "3M1D2V13TW");

	/* Voltages with every threshold 65535 and reading 0: not critical. */
	sensors_from(&l, set, "Chassis/1/Power", rf_parse_power);
	x = find(&l, "Voltage 0");
	ASSERT_EQ(x->threshold_mask, 0);
	ASSERT_EQ(x->status, BMC_HEALTH_OK);
	x = find(&l, "Power Control 0");
	ASSERT_NEAR(x->value, 217, 1e-9);
	/* An SFP at 0 with thresholds -1: not critical either. */
	sensors_from(&l, set, "Chassis/1/Thermal", rf_parse_thermal);
	x = find(&l, "37.2-PCI 2-SFP+ (SFF-8432)");
	ASSERT_EQ(x->threshold_mask, 0);
	x = find(&l, "01-Inlet Ambient");
	ASSERT_NEAR(x->value, 18, 1e-9);
	sensors_from(&l, set, "Chassis/1/Sensors/25", rf_parse_sensor);
	ASSERT_EQ(l.s[l.n - 1].threshold_mask, 0);
	assert_all_ok(&l);
	free(l.s);

	j = load(set, "Managers/1");
	rf_parse_manager(j, &m);
	json_decref(j);
	ASSERT_STREQ(m.model, "iLO 7");
	ASSERT_STREQ(m.firmware, "1.14.00 May 28 2025");
	ASSERT_EQ(m.console.graphical_enabled, 1);

	events_from(set, "Systems/1/LogServices/IML/Entries", &ev, &n);
	ASSERT_EQ(n, 5);
	ASSERT_EQ(ev[0].id, 5);
	ASSERT_CONTAINS(ev[0].message, "DriveOfflineCleared");
	ASSERT_EQ(ev[4].id, 1);
	ASSERT_STREQ(ev[4].message, "IML Cleared (iLO user: Administrator)");
	free(ev);
}

/* Gigabyte on AMI MegaRAC. */

TEST(redfish_ami_megarac)
{
	const char *set = "gigabyte-h262-z63-ami-megarac";
	struct sensors l = {0};
	const struct bmc_sensor *x;
	struct rf_root r;
	struct rf_system s;
	struct rf_manager m;
	struct bmc_event *ev;
	char types[RF_MAX_RESET_TYPES][24], link[RF_LINK_MAX];
	size_t n;
	json_t *j = load(set, "");

	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_AMI);
	ASSERT_STREQ(r.vendor_string, "AMI");
	ASSERT_STREQ(r.product, "AMI Redfish Server");
	ASSERT_EQ(r.expand_levels, 5);

	j = load(set, "Systems/Self");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_ON);
	ASSERT_STREQ(s.manufacturer, "GIGABYTE");
	ASSERT_STREQ(s.model, "H262-Z63-00");
	ASSERT_STREQ(s.serial, "GJG9NF512A000302");
	ASSERT_STREQ(s.bios_version, "C27");
	ASSERT_EQ(s.nreset_types, 0);
	ASSERT_STREQ(s.reset_action_info, "/redfish/v1/Systems/Self/ResetActionInfo");
	ASSERT_STREQ(s.reset_target, "/redfish/v1/Systems/Self/Actions/ComputerSystem.Reset");
	j = load(set, "Systems/Self/ResetActionInfo");
	ASSERT_EQ(rf_parse_action_info(j, types, RF_MAX_RESET_TYPES, &n), 0);
	json_decref(j);
	ASSERT_EQ(n, 4);
	ASSERT_STREQ(types[0], "GracefulShutdown");
	ASSERT_STREQ(types[3], "On");

	sensors_from(&l, set, "Chassis/Self/Thermal", rf_parse_thermal);
	ASSERT_EQ(l.n, 17); /* 20, of which 3 Absent */
	x = find(&l, "CPU0_TEMP");
	ASSERT_NEAR(x->value, 40, 1e-9);
	ASSERT(has_threshold(x, TH_LCR, 0));
	ASSERT(has_threshold(x, TH_LNC, 5));
	ASSERT(has_threshold(x, TH_UNC, 97));
	ASSERT(has_threshold(x, TH_UCR, 100));
	sensors_from(&l, set, "Chassis/Self/Power", rf_parse_power);
	/* State "Disabled" on PowerControl is the power limit's; the meter still reads. */
	x = find(&l, "Chassis Power Control");
	ASSERT_NEAR(x->value, 100, 1e-9);
	ASSERT_EQ(x->status, BMC_HEALTH_OK);
	x = find(&l, "P_12V");
	ASSERT_NEAR(x->value, 12.155, 1e-9);
	ASSERT(has_threshold(x, TH_LCR, 10.27));
	ASSERT(has_threshold(x, TH_UNC, 13.13));
	for (n = 0; n < l.n; n++)
		ASSERT(strcmp(l.s[n].name, "nil") != 0); /* supplies with nothing in them */
	sensors_from(&l, set, "Chassis/Self/Sensors/Power", rf_parse_sensor);
	x = find(&l, "Power Consumption Monitor");
	ASSERT_STREQ(x->type, "power");
	ASSERT_STREQ(x->unit, "W");
	ASSERT_NEAR(x->value, 196, 1e-9);
	sensors_from(&l, set, "Chassis/Self/Sensors/Energy", rf_parse_sensor);
	x = find(&l, "Power Energy Monitor");
	ASSERT_STREQ(x->type, "energy");
	ASSERT_STREQ(x->unit, "J");
	assert_all_ok(&l);
	free(l.s);

	j = load(set, "Managers/Self");
	rf_parse_manager(j, &m);
	json_decref(j);
	ASSERT_STREQ(m.firmware, "12.84.13");
	ASSERT_STREQ(m.console.serial_types, "IPMI");

	j = load(set, "Managers/Self/LogServices");
	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "/redfish/v1/Managers/Self/LogServices/SEL/Entries");
	events_from(set, "Managers/Self/LogServices/SEL/Entries", &ev, &n);
	ASSERT_EQ(n, 10);
	ASSERT_EQ(ev[0].id, 151);
	ASSERT_EQ(ev[0].timestamp, 1646856155); /* 2022-03-09T20:02:35+00:00 */
	ASSERT_STREQ(ev[0].sensor, "System Event");
	ASSERT_STREQ(ev[0].message, "0x0580FF");
	ASSERT_EQ(ev[1].id, 150);
	ASSERT_EQ(ev[9].id, 1);
	assert_newest_first(ev, n);
	free(ev);
}

/* Intel S2600BPB: no Vendor at all, Redfish 1.1. */

TEST(redfish_intel_s2600bpb)
{
	const char *set = "intel-s2600bpb";
	struct sensors l = {0};
	const struct bmc_sensor *x;
	struct rf_root r;
	struct rf_system s;
	struct rf_manager m;
	struct bmc_event *ev;
	char link[RF_LINK_MAX];
	size_t n;
	json_t *j = load(set, "");

	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_OTHER);
	ASSERT_STREQ(r.redfish_version, "1.1.0");
	ASSERT_EQ(r.expand_levels, 0);
	ASSERT_STREQ(r.sessions, "/redfish/v1/SessionService/Sessions");

	j = load(set, "Systems/QSBP74100021");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_STREQ(s.manufacturer, "Intel Corporation");
	ASSERT_STREQ(s.model, "S2600BPB");
	ASSERT_STREQ(s.serial, "QSBP74100021");
	ASSERT_EQ(s.nreset_types, 7);

	sensors_from(&l, set, "Chassis/RackMount/Baseboard/Thermal", rf_parse_thermal);
	x = find(&l, "BB Inlet Temp");
	ASSERT_NEAR(x->value, 22, 1e-9);
	ASSERT(has_threshold(x, TH_UNC, 60));
	ASSERT(has_threshold(x, TH_UCR, 65));
	ASSERT(has_threshold(x, TH_LNC, 10));
	ASSERT(has_threshold(x, TH_LCR, 5));
	x = find(&l, "Sys Fan 1A");
	ASSERT_STREQ(x->unit, "RPM");
	ASSERT_NEAR(x->value, 17910, 1e-9);
	ASSERT(has_threshold(x, TH_LNC, 810));
	ASSERT(has_threshold(x, TH_LCR, 630));
	sensors_from(&l, set, "Chassis/RackMount/Baseboard/Power", rf_parse_power);
	x = find(&l, "Server Power Control");
	ASSERT_NEAR(x->value, 148, 1e-9);
	x = find(&l, "BB +12.0V");
	ASSERT_NEAR(x->value, 12.212, 1e-3);
	/* Two supplies share a name and report no watts: told apart, health only. */
	x = find(&l, "Power Supply Bay 1");
	ASSERT(!x->has_value);
	ASSERT_EQ(x->status, BMC_HEALTH_OK);
	find(&l, "Power Supply Bay 0");
	free(l.s);

	j = load(set, "Managers/BMC");
	rf_parse_manager(j, &m);
	json_decref(j);
	ASSERT_STREQ(m.firmware, "1.93.870cf4f0");
	ASSERT_EQ(m.console.serial_enabled, 0);
	ASSERT_STREQ(m.console.serial_types, "SSH,IPMI");

	j = load(set, "Systems/QSBP74100021/LogServices");
	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "/redfish/v1/Systems/QSBP74100021/LogServices/SEL/Entries");
	events_from(set, "Systems/QSBP74100021/LogServices/SEL/Entries", &ev, &n);
	ASSERT_EQ(n, 10);
	/* Ids 9 and 10 share a second: 10 is newer (numbers, not text). */
	ASSERT_EQ(ev[0].id, 10);
	ASSERT_EQ(ev[1].id, 9);
	ASSERT_EQ(ev[0].timestamp, 1597259262);
	ASSERT_STREQ(ev[0].sensor, "Session Audit");
	ASSERT_STREQ(ev[0].message, "Invalid Username or Password - User ID 0x3");
	free(ev);
}

/* Stock OpenBMC bmcweb: a root that names nobody, a system that is off. */

TEST(redfish_openbmc_bmcweb)
{
	const char *set = "openbmc-bmcweb-stock";
	struct sensors l = {0};
	struct rf_root r;
	struct rf_system s;
	struct rf_chassis c;
	struct rf_manager m;
	struct bmc_event *ev;
	char types[RF_MAX_RESET_TYPES][24], link[RF_LINK_MAX];
	char **links;
	size_t n;
	json_t *j = load(set, "");

	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_OPENBMC);
	ASSERT_STREQ(r.vendor_string, "");
	ASSERT_EQ(r.expand_levels, 0);
	ASSERT_STREQ(r.redfish_version, "1.17.0");

	j = load(set, "Systems/system");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_OFF);
	ASSERT_EQ(s.health, BMC_HEALTH_OK);
	ASSERT_STREQ(s.model, "");
	ASSERT_STREQ(s.reset_action_info, "/redfish/v1/Systems/system/ResetActionInfo");
	ASSERT_EQ(s.console.graphical_enabled, 1);
	ASSERT_EQ(s.console.serial_enabled, 1);
	ASSERT_STREQ(s.console.serial_types, "SSH,IPMI");
	j = load(set, "Systems/system/ResetActionInfo");
	ASSERT_EQ(rf_parse_action_info(j, types, RF_MAX_RESET_TYPES, &n), 0);
	json_decref(j);
	ASSERT_EQ(n, 8);
	ASSERT_STREQ(types[6], "PowerCycle");

	j = load(set, "Chassis/chassis");
	rf_parse_chassis(j, &c);
	json_decref(j);
	ASSERT_STREQ(c.sensors, "/redfish/v1/Chassis/chassis/Sensors");
	j = load(set, "Chassis/chassis/Sensors");
	ASSERT_EQ(rf_parse_collection(j, &links, &n), 0);
	json_decref(j);
	ASSERT_EQ(n, 0);
	rf_free_links(links, n);
	/* An emulated board: no readings, so no sensors, and no error either. */
	sensors_from(&l, set, "Chassis/chassis/Thermal", rf_parse_thermal);
	sensors_from(&l, set, "Chassis/chassis/Power", rf_parse_power);
	ASSERT_EQ(l.n, 0);
	free(l.s);

	j = load(set, "Managers/bmc");
	rf_parse_manager(j, &m);
	ASSERT_EQ(rf_manager_vendor(j), RF_VENDOR_OPENBMC);
	json_decref(j);
	ASSERT_STREQ(m.model, "OpenBmc");
	ASSERT_STREQ(m.firmware, "2.15.0-dev-686-g100c36de90");

	j = load(set, "Systems/system/LogServices");
	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "/redfish/v1/Systems/system/LogServices/EventLog/Entries");
	events_from(set, "Systems/system/LogServices/EventLog/Entries", &ev, &n);
	ASSERT_EQ(n, 0);
	free(ev);
	/* The journal: Ids are microseconds, too big for an id; the place in the list stands in. */
	events_from(set, "Managers/bmc/LogServices/Journal/Entries", &ev, &n);
	ASSERT_EQ(n, 654);
	ASSERT_EQ(ev[0].timestamp, 1692292913);
	ASSERT_EQ(ev[0].id, 654);
	ASSERT_STREQ(
	    ev[0].message,
	    "health-monitor: DEASSERT: sensor CPU is under the upper threshold critical high");
	ASSERT_EQ(ev[1].severity, BMC_HEALTH_WARNING);
	ASSERT_CONTAINS(ev[1].message, "ASSERT: sensor CPU is above");
	ASSERT_STREQ(ev[n - 1].message, "kernel: Booting Linux on physical CPU 0x0");
	assert_newest_first(ev, n);
	free(ev);
}

/* Supermicro: a GB300 NVL (NVIDIA OpenBMC inside) and an X12 SYS-510T. */

TEST(redfish_supermicro_gb300)
{
	static const char *const members[] = {
	    "Chassis_0_FAN_1_FRONT", "Chassis_0_FAN_1_PWM", "Chassis_0_Front_IO_Temp_0",
	    "Chassis_0_LeakDetector_0_ColdPlate", "Chassis_0_TotalHSC_Power_0"};
	const char *set = "supermicro-gb300-nvl";
	struct sensors l = {0};
	const struct bmc_sensor *x;
	struct rf_root r;
	struct rf_system s;
	struct rf_chassis c;
	struct rf_manager m;
	char link[RF_LINK_MAX];
	size_t i;
	json_t *j = load(set, "");

	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_SUPERMICRO);
	ASSERT_STREQ(r.product, "GB NVL");
	ASSERT_EQ(r.expand_levels, 6);

	j = load(set, "Systems/System_0");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_ON);
	ASSERT_STREQ(s.manufacturer, "Supermicro");
	ASSERT_STREQ(s.serial, "S964512X5913271");
	ASSERT_STREQ(s.bios_version, "");
	ASSERT_STREQ(s.console.graphical_types, "KVMIP");

	j = load(set, "Chassis/Chassis_0");
	rf_parse_chassis(j, &c);
	json_decref(j);
	ASSERT_STREQ(c.serial, "HA258S046822");
	ASSERT_STREQ(c.thermal, "");
	ASSERT_STREQ(c.sensors, "/redfish/v1/Chassis/Chassis_0/Sensors");

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		char *path = xasprintf("Chassis/Chassis_0/Sensors/%s", members[i]);

		sensors_from(&l, set, path, rf_parse_sensor);
		free(path);
	}
	ASSERT_EQ(l.n, 5);
	x = find(&l, "Chassis 0 FAN 1 FRONT");
	ASSERT_STREQ(x->type, "fan");
	ASSERT_STREQ(x->unit, "RPM");
	ASSERT_NEAR(x->value, 11702, 1e-9);
	ASSERT(has_threshold(x, TH_LCR, 2204));
	x = find(&l, "Chassis 0 FAN 1 PWM");
	ASSERT_STREQ(x->unit, "%");
	ASSERT_NEAR(x->value, 40, 1e-9);
	x = find(&l, "Chassis 0 Front IO Temp 0");
	ASSERT_NEAR(x->value, 24.437, 1e-9);
	ASSERT(has_threshold(x, TH_UNC, 40));
	ASSERT(has_threshold(x, TH_UCR, 43));
	ASSERT(has_threshold(x, TH_UNR, 45));
	x = find(&l, "Chassis 0 LeakDetector 0 ColdPlate");
	ASSERT_STREQ(x->type, "voltage");
	ASSERT(has_threshold(x, TH_LCR, 1.3));
	ASSERT(has_threshold(x, TH_UCR, 2.0));
	x = find(&l, "Chassis 0 TotalHSC Power 0");
	ASSERT_NEAR(x->value, 1355.398772, 1e-9);
	assert_all_ok(&l);
	free(l.s);

	j = load(set, "Managers/BMC_0");
	rf_parse_manager(j, &m);
	ASSERT_EQ(rf_manager_vendor(j), RF_VENDOR_OPENBMC);
	json_decref(j);
	ASSERT_STREQ(m.firmware, "70.01.00.09");

	/* SEL over FaultLog, EventLog, Dump, PostCodes... */
	j = load(set, "Systems/System_0/LogServices");
	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "/redfish/v1/Systems/System_0/LogServices/SEL/Entries");
	j = load(set, "Managers/BMC_0/LogServices");
	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "/redfish/v1/Managers/BMC_0/LogServices/EventLog/Entries");
}

TEST(redfish_supermicro_sys510t)
{
	const char *set = "supermicro-sys510t-mr-partial";
	struct rf_root r;
	struct rf_system s;
	size_t i;
	json_t *j = load(set, "");

	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_SUPERMICRO);
	ASSERT_STREQ(r.redfish_version, "1.14.0");
	ASSERT_EQ(r.expand_levels, 2);

	j = load(set, "Systems/1");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_ON);
	ASSERT_EQ(s.health, BMC_HEALTH_CRITICAL);
	ASSERT_STREQ(s.model, "SYS-510T-MR-EI018");
	ASSERT_STREQ(s.serial, "S482931X2814218");
	ASSERT_STREQ(s.boot_target, "Hdd");
	ASSERT_STREQ(s.boot_enabled, "Continuous");
	/* "GracefulShutdownGracefulRestart" (sic) does not fit a reset type: dropped, not cut. */
	ASSERT_EQ(s.nreset_types, 5);
	for (i = 0; i < s.nreset_types; i++)
		ASSERT(strncmp(s.reset_types[i], "GracefulShutdown", 16) != 0);
	ASSERT_STREQ(s.reset_action_info, "/redfish/v1/Systems/1/ResetActionInfo");
	ASSERT_EQ(s.console.graphical_enabled, 1);
	ASSERT_EQ(s.console.serial_enabled, 1);
	ASSERT_STREQ(s.console.serial_types, "SSH,IPMI");
}

/* Dell iDRAC 9. */

TEST(redfish_dell_r6515)
{
	const char *set = "dell-idrac9-r6515-partial";
	struct rf_root r;
	struct rf_system s;
	char **links;
	size_t n;
	json_t *j = load(set, "");

	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_DELL);
	ASSERT_STREQ(r.vendor_string, "Dell");
	ASSERT_STREQ(r.product, "Integrated Dell Remote Access Controller");
	ASSERT_EQ(r.expand_levels, 1);
	ASSERT_STREQ(rf_vendor_name(r.vendor), "Dell iDRAC");

	j = load(set, "Systems");
	ASSERT_EQ(rf_parse_collection(j, &links, &n), 0);
	json_decref(j);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(links[0], "/redfish/v1/Systems/System.Embedded.1");
	rf_free_links(links, n);

	j = load(set, "Systems/System.Embedded.1");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_ON);
	ASSERT_STREQ(s.manufacturer, "Dell Inc.");
	ASSERT_STREQ(s.model, "PowerEdge R6515");
	ASSERT_STREQ(s.serial, "CNCMU0005400IJ");
	ASSERT_STREQ(s.bios_version, "2.2.4");
	ASSERT_EQ(s.nreset_types, 8);
	ASSERT_STREQ(s.reset_types[7], "PowerCycle");
}

TEST(redfish_dell_r640)
{
	const char *set = "dell-idrac9-r640-partial";
	struct sensors l = {0};
	const struct bmc_sensor *x;
	struct rf_system s;
	struct rf_manager m;
	json_t *j = load(set, "Systems/System.Embedded.1");

	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_ON);
	ASSERT_STREQ(s.model, "PowerEdge R640");
	ASSERT_STREQ(s.serial, "CNIVC008350990");
	ASSERT_STREQ(s.bios_version, "2.23.0");
	ASSERT_EQ(s.console.graphical_enabled, 1);
	ASSERT_STREQ(s.console.graphical_types, "KVMIP");

	j = load(set, "Managers/iDRAC.Embedded.1");
	rf_parse_manager(j, &m);
	ASSERT_EQ(rf_manager_vendor(j), RF_VENDOR_DELL);
	json_decref(j);
	ASSERT_STREQ(m.model, "14G Monolithic");
	ASSERT_STREQ(m.firmware, "7.00.00.172");
	ASSERT_EQ(m.console.serial_enabled, 0);
	ASSERT_STREQ(m.console.serial_types, "");

	sensors_from(&l, set, "Chassis/System.Embedded.1/Power", rf_parse_power);
	x = find(&l, "System Power Control");
	ASSERT_NEAR(x->value, 158, 1e-9);
	x = find(&l, "PS1 Status");
	ASSERT_NEAR(x->value, 142.5, 1e-9);
	/* Power-good "voltages" with ReadingVolts null: health only. */
	x = find(&l, "System Board DIMM PG");
	ASSERT(!x->has_value);
	ASSERT_EQ(x->threshold_mask, 0);
	ASSERT_EQ(x->status, BMC_HEALTH_OK);
	free(l.s);
}

/* Hostile and broken input. */

static json_t *parse(const char *text)
{
	char *err = NULL;
	json_t *j = redfish_json_load(text, strlen(text), &err);

	if (j == NULL)
		test_fail(__FILE__, __LINE__, "%s: %s", text, err);
	return j;
}

/* {"a": [[...]]} with k brackets: k + 1 levels. */
static char *nested(size_t k)
{
	char *s = xmalloc(2 * k + 8), *p = s;

	p += sprintf(p, "{\"a\":");
	memset(p, '[', k);
	memset(p + k, ']', k);
	strcpy(p + 2 * k, "}");
	return s;
}

static char *load_err(const char *text, size_t len)
{
	char *err = NULL;
	json_t *j = redfish_json_load(text, len, &err);

	if (j != NULL)
		test_fail(__FILE__, __LINE__, "expected an error for %.60s", text);
	ASSERT(err != NULL);
	return err;
}

TEST(redfish_load_errors)
{
	char *err, *deep, *big;

	err = load_err("{\"a\": ", 6);
	ASSERT_CONTAINS(err, "malformed JSON");
	free(err);
	err = load_err("[1, 2]", 6);
	ASSERT_CONTAINS(err, "an array");
	free(err);
	err = load_err("\"str\"", 5);
	ASSERT_CONTAINS(err, "a string");
	free(err);
	err = load_err("", 0);
	ASSERT_CONTAINS(err, "empty");
	free(err);

	/* 33 levels refused, 32 accepted; brackets inside strings do not count. */
	deep = nested(32);
	err = load_err(deep, strlen(deep));
	ASSERT_CONTAINS(err, "nested deeper than 32");
	free(err);
	free(deep);
	deep = nested(31);
	json_decref(parse(deep));
	free(deep);
	json_decref(parse("{\"a\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[\"}"));

	/* A million levels: refused before the parser recurses. */
	deep = xmalloc(1000001);
	memset(deep, '[', 1000000);
	deep[1000000] = '\0';
	err = load_err(deep, 1000000);
	ASSERT_CONTAINS(err, "nested deeper");
	free(err);
	free(deep);

	/* Over the size cap, even if it is valid JSON. */
	big = xmalloc(RF_BODY_MAX + 16);
	memset(big, ' ', RF_BODY_MAX + 16);
	big[0] = '{';
	big[RF_BODY_MAX + 14] = '}';
	err = load_err(big, RF_BODY_MAX + 15);
	ASSERT_CONTAINS(err, "over the limit of");
	free(err);
	free(big);

	/* A NUL inside the body is malformed, not a shorter body. */
	err = load_err("{}\0{}", 5);
	free(err);
	/* Errors can be ignored. */
	ASSERT(redfish_json_load("[", 1, NULL) == NULL);
}

/* {"Members":[{},{},...]} with n members: 2n + 2 values as counted. */
static char *wide(size_t n, size_t *len)
{
	char *s = xmalloc(3 * n + 32), *p = s;
	size_t i;

	p += sprintf(p, "{\"Members\":[");
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s{}", i ? "," : "");
	p += sprintf(p, "]}");
	*len = (size_t)(p - s);
	return s;
}

static char *precheck_err(const char *text, size_t len, const struct rf_body_limit *lim)
{
	char *err = NULL;

	ASSERT(redfish_json_precheck(text, len, lim, &err) == -1);
	ASSERT(err != NULL);
	return err;
}

TEST(redfish_json_precheck_counts_values)
{
	const struct rf_body_limit ten = {"a test body", 1024, 10};
	const char *nine = "[1,2,3,4,5,6,7,8,9]"; /* [ and 8 commas, plus one: 10 */
	const char *ten_members = "[1,2,3,4,5,6,7,8,9,10]";
	char *err;

	ASSERT(redfish_json_precheck(nine, strlen(nine), &ten, NULL) == 0);
	err = precheck_err(ten_members, strlen(ten_members), &ten);
	ASSERT_CONTAINS(err, "more than the 10 JSON values allowed for a test body");
	free(err);
	/* Separators and brackets inside strings are text, escaped quotes included. */
	ASSERT(redfish_json_precheck("{\"a\":\",,,,[[[{{{,,,,\\\",,,,,\"}", 30, &ten, NULL) == 0);
	err = precheck_err("{\"a\":\"\\\\\",\"b\":[1,2,3,4,5,6,7,8]}", 33, &ten);
	ASSERT_CONTAINS(err, "JSON values");
	free(err);
	/* Bytes first: the limit is named. */
	err = precheck_err(nine, strlen(nine), &(struct rf_body_limit){"a tiny body", 8, 100});
	ASSERT_CONTAINS(err, "19 bytes, over the limit of 8 bytes for a tiny body");
	free(err);
	/* Depth too, whatever the value budget. */
	err = precheck_err("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 40,
			   &(struct rf_body_limit){"x", 1024, 1000});
	ASSERT_CONTAINS(err, "nested deeper than 32");
	free(err);
}

TEST(redfish_body_caps_per_kind)
{
	const struct rf_body_limit *res = rf_body_limit(RF_BODY_RESOURCE);
	const struct rf_body_limit *col = rf_body_limit(RF_BODY_COLLECTION);
	const struct rf_body_limit *log = rf_body_limit(RF_BODY_LOG);
	char *body, *err = NULL;
	size_t len;
	json_t *j;

	ASSERT(res->max_bytes < col->max_bytes && col->max_bytes < log->max_bytes);
	ASSERT(res->max_values < col->max_values && col->max_values < log->max_values);
	ASSERT(log->max_bytes == RF_BODY_MAX);

	/* 20000 empty members: 60 KB, small for any byte cap, too many values
	 * for a resource, fine for a collection. */
	body = wide(20000, &len);
	ASSERT(len < res->max_bytes);
	ASSERT(redfish_json_load_kind(body, len, RF_BODY_RESOURCE, &err) == NULL);
	ASSERT_CONTAINS(err, "more than the 16384 JSON values allowed for a resource");
	free(err);
	j = redfish_json_load_kind(body, len, RF_BODY_COLLECTION, &err);
	ASSERT(j != NULL && err == NULL);
	ASSERT_EQ((int)json_array_size(json_object_get(j, "Members")), 20000);
	json_decref(j);
	free(body);

	/* The 8 MiB [{},{},...] of the report: refused on its bytes, by every kind. */
	body = wide(8 * 1024 * 1024 / 3, &len);
	ASSERT(redfish_json_load(body, len, &err) == NULL);
	ASSERT_CONTAINS(err, "over the limit of 4194304 bytes for a page of log entries");
	free(err);
	ASSERT(redfish_json_load_kind(body, len, RF_BODY_COLLECTION, &err) == NULL);
	ASSERT_CONTAINS(err, "bytes for a collection");
	free(err);
	free(body);

	/* A collection's worth of members, too many for any kind: 1.5 MB. */
	body = wide(500000, &len);
	ASSERT(len < col->max_bytes);
	ASSERT(redfish_json_load_kind(body, len, RF_BODY_COLLECTION, &err) == NULL);
	ASSERT_CONTAINS(err, "JSON values allowed for a collection");
	free(err);
	free(body);

	/* One long string is bytes, not values. */
	body = xmalloc(600 * 1024);
	memset(body, 'x', 600 * 1024);
	memcpy(body, "{\"a\":\"", 6);
	memcpy(body + 600 * 1024 - 2, "\"}", 2);
	ASSERT(redfish_json_load_kind(body, 600 * 1024, RF_BODY_RESOURCE, &err) == NULL);
	ASSERT_CONTAINS(err, "over the limit of 524288 bytes for a resource");
	free(err);
	j = redfish_json_load_kind(body, 600 * 1024, RF_BODY_COLLECTION, &err);
	ASSERT(j != NULL);
	json_decref(j);
	free(body);
}

TEST(redfish_url_check)
{
	char *why = NULL;

	ASSERT(rf_url_check("https://10.0.0.1", TLS_VERIFY, &why) == 0 && why == NULL);
	ASSERT(rf_url_check("https://10.0.0.1:8443/", TLS_PIN, &why) == 0);
	ASSERT(rf_url_check("HTTPS://bmc", TLS_TOFU, &why) == 0);
	ASSERT(rf_url_check("http://10.0.0.1", TLS_INSECURE, &why) == 0);
	ASSERT(rf_url_check("https://10.0.0.1", TLS_INSECURE, NULL) == 0);
	/* Plain HTTP with any trust but insecure: the password would travel in clear. */
	ASSERT(rf_url_check("http://10.0.0.1", TLS_VERIFY, &why) == -1);
	ASSERT_CONTAINS(why, "http://10.0.0.1 is plain HTTP: credentials would travel in clear");
	ASSERT_CONTAINS(why, "tls = insecure");
	free(why);
	ASSERT(rf_url_check("http://10.0.0.1", TLS_PIN, NULL) == -1);
	ASSERT(rf_url_check("http://10.0.0.1", TLS_TOFU, NULL) == -1);
	ASSERT(rf_url_check("HTTP://10.0.0.1", TLS_VERIFY, NULL) == -1); /* schemes have no case */
	/* Anything else is not a Redfish URL (curl would guess a scheme). */
	ASSERT(rf_url_check("10.0.0.1", TLS_INSECURE, &why) == -1);
	ASSERT_CONTAINS(why, "https://");
	free(why);
	ASSERT(rf_url_check("ftp://10.0.0.1", TLS_INSECURE, NULL) == -1);
	ASSERT(rf_url_check("", TLS_VERIFY, NULL) == -1);
}

TEST(redfish_login_body)
{
	size_t len;
	char *body = rf_login_body("ad\"min", "p\\w\"d\x01\n\xc3\xa9", 9, &len);
	json_t *j;

	ASSERT_EQ((int)len, (int)strlen(body));
	ASSERT_STREQ(body, "{\"UserName\":\"ad\\\"min\",\"Password\":\"p\\\\w\\\"d\\u0001\\n\xc3\xa9\"}");
	j = json_loads(body, 0, NULL);
	ASSERT(j != NULL);
	ASSERT_STREQ(json_string_value(json_object_get(j, "Password")), "p\\w\"d\x01\n\xc3\xa9");
	json_decref(j);
	rf_secret_free(body, len);
	/* The length is the password's, NULs and all: nothing past it is read. */
	body = rf_login_body("", "secretXXXX", 6, &len);
	ASSERT_STREQ(body, "{\"UserName\":\"\",\"Password\":\"secret\"}");
	rf_secret_free(body, len);
}

TEST(redfish_wrong_types_are_absent)
{
	json_t *j = parse(
	    "{\"RedfishVersion\": 1, \"Vendor\": [\"Dell\"], \"Systems\": \"/redfish/v1/Systems\","
	    " \"Chassis\": {\"@odata.id\": 7}, \"Managers\": {\"@odata.id\": "
	    "\"/redfish/v1/Managers\"},"
	    " \"ProtocolFeaturesSupported\": {\"ExpandQuery\": {\"Levels\": \"yes\", "
	    "\"ExpandAll\": 1}},"
	    " \"Links\": []}");
	struct rf_root r;
	struct rf_system s;
	struct sensors l = {0};
	const struct bmc_sensor *x;
	struct bmc_event *ev;
	char **links;
	size_t n;

	ASSERT_EQ(rf_parse_root(j, &r), 0);
	json_decref(j);
	ASSERT_STREQ(r.redfish_version, "");
	ASSERT_EQ(r.vendor, RF_VENDOR_OTHER);
	ASSERT_STREQ(r.systems, "");
	ASSERT_STREQ(r.chassis, "");
	ASSERT_STREQ(r.managers, "/redfish/v1/Managers");
	ASSERT_EQ(r.expand_levels, 0);
	ASSERT_STREQ(r.sessions, "");

	j = parse("{\"PowerState\": true, \"Status\": \"OK\", \"Model\": 5, \"SerialNumber\": null,"
		  " \"Actions\": {\"#ComputerSystem.Reset\": {\"target\": 1,"
		  " \"ResetType@Redfish.AllowableValues\": [\"On\", 3, null, \"\", \"ForceOff\"]}},"
		  " \"Boot\": \"Pxe\", \"GraphicalConsole\": {\"ServiceEnabled\": \"true\","
		  " \"ConnectTypesSupported\": \"KVMIP\"}}");
	ASSERT_EQ(rf_parse_system(j, &s), 0);
	json_decref(j);
	ASSERT_EQ(s.power, BMC_POWER_UNKNOWN);
	ASSERT_EQ(s.health, BMC_HEALTH_UNKNOWN);
	ASSERT_STREQ(s.model, "");
	ASSERT_STREQ(s.reset_target, "");
	ASSERT_EQ(s.nreset_types, 2);
	ASSERT_STREQ(s.reset_types[1], "ForceOff");
	ASSERT_STREQ(s.boot_target, "");
	ASSERT_EQ(s.console.graphical_enabled, 0);
	ASSERT_STREQ(s.console.graphical_types, "");

	/* Readings as strings are no readings; thresholds as strings are no thresholds. */
	j = parse("{\"Temperatures\": [{\"Name\": \"A\", \"ReadingCelsius\": \"45\","
		  " \"UpperThresholdCritical\": \"40\", \"Status\": {\"Health\": \"OK\"}},"
		  " {\"Name\": \"B\", \"ReadingCelsius\": 45, \"UpperThresholdCritical\": 40},"
		  " {\"Name\": \"C\", \"ReadingCelsius\": 5, \"LowerThresholdNonCritical\": 10,"
		  "  \"Status\": {\"Health\": \"OK\", \"State\": \"Enabled\"}},"
		  " {\"Name\": \"D\", \"ReadingCelsius\": 20, \"UpperThresholdNonCritical\": 30,"
		  "  \"Status\": {\"Health\": \"Critical\"}},"
		  " 7, null, \"x\", {}, {\"ReadingCelsius\": 30, \"MemberId\": \"9\"}],"
		  " \"Fans\": {\"Reading\": 1}}");
	ASSERT_EQ(rf_parse_thermal(j, &l.s, &l.n, &l.cap), 0);
	json_decref(j);
	ASSERT_EQ(l.n, 5);
	x = find(&l, "A");
	ASSERT(!x->has_value);
	ASSERT_EQ(x->threshold_mask, 0);
	ASSERT_EQ(x->status, BMC_HEALTH_OK);
	x = find(&l, "B");
	ASSERT_EQ(x->status, BMC_HEALTH_CRITICAL); /* reading above critical, no Health */
	x = find(&l, "C");
	ASSERT_EQ(x->status, BMC_HEALTH_WARNING); /* below lower non-critical */
	x = find(&l, "D");
	ASSERT_EQ(x->status, BMC_HEALTH_CRITICAL); /* the BMC's word wins when worse */
	x = find(&l, "Temperature 9");
	ASSERT_NEAR(x->value, 30, 1e-9);
	free(l.s);

	/* Extractors refuse what is not an object. */
	j = json_array();
	ASSERT_EQ(rf_parse_root(j, &r), -1);
	ASSERT_EQ(rf_parse_system(j, &s), -1);
	ASSERT_EQ(rf_parse_collection(j, &links, &n), -1);
	ASSERT(links == NULL && n == 0);
	ASSERT_EQ(rf_parse_log_entries(j, &ev, &n), -1);
	ASSERT(ev == NULL && n == 0);
	memset(&l, 0, sizeof(l));
	ASSERT_EQ(rf_parse_sensor(j, &l.s, &l.n, &l.cap), -1);
	ASSERT_EQ(rf_parse_power(NULL, &l.s, &l.n, &l.cap), -1);
	ASSERT_EQ(l.n, 0);
	json_decref(j);

	/* Collections skip members without a usable link. */
	j = parse("{\"Members\": [{\"@odata.id\": \"/redfish/v1/Systems/1\"}, {}, 3,"
		  " {\"@odata.id\": 4}, {\"@odata.id\": \"\"}, {\"@odata.id\": "
		  "\"/redfish/v1/Systems/2\"}]}");
	ASSERT_EQ(rf_parse_collection(j, &links, &n), 0);
	json_decref(j);
	ASSERT_EQ(n, 2);
	ASSERT_STREQ(links[1], "/redfish/v1/Systems/2");
	rf_free_links(links, n);
}

TEST(redfish_text_is_clipped_and_cleaned)
{
	struct rf_system s;
	struct rf_root r;
	struct sensors l = {0};
	char *text;
	json_t *j;
	size_t i;

	/* 63 bytes fit a 64-byte field; a 2-byte character at 62 is left out whole. */
	text = xasprintf("{\"Model\": \"%061d\\u00e9\\u00e9\","
			 " \"SerialNumber\": \"ok\\u001b[2Jx\\u009b1m\\u0007\"}",
			 0);
	j = parse(text);
	free(text);
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(strlen(s.model), 63);
	ASSERT_STREQ(s.model + 61, "\xc3\xa9");
	ASSERT_EQ(s.model[60], '0');
	ASSERT_STREQ(s.serial, "ok [2Jx 1m ");
	/* Words and links with control characters are not cleaned but refused. */
	j = parse("{\"Boot\": {\"BootSourceOverrideTarget\": \"Pxe\\u001b[2J\"},"
		  " \"LogServices\": {\"@odata.id\": \"/redfish/v1/\\u0085x\"},"
		  " \"Actions\": {\"#ComputerSystem.Reset\": {"
		  " \"ResetType@Redfish.AllowableValues\": [\"On\\n\", \"ForceOff\"]}}}");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_STREQ(s.boot_target, "");
	ASSERT_STREQ(s.log_services, "");
	ASSERT_EQ(s.nreset_types, 1);
	ASSERT_STREQ(s.reset_types[0], "ForceOff");

	j = parse(
	    "{\"Name\": \"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	    "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	    "\\u00e9\\u00e9\\u00e9\\u00e9\", \"Reading\": 1, \"ReadingType\": \"Weird\\nType\"}");
	ASSERT_EQ(rf_parse_sensor(j, &l.s, &l.n, &l.cap), 0);
	json_decref(j);
	ASSERT_EQ(strlen(l.s[0].name), 46); /* 23 characters of 2 bytes in 48 */
	for (i = 0; i < strlen(l.s[0].name); i += 2)
		ASSERT_MEMEQ(l.s[0].name + i, "\xc3\xa9", 2);
	ASSERT_STREQ(l.s[0].type, "weird type");
	ASSERT_STREQ(l.s[0].unit, "");
	free(l.s);

	/* A link that does not fit is left out, not cut. */
	text = xasprintf("{\"Systems\": {\"@odata.id\": \"/redfish/v1/%0600d\"}}", 0);
	j = parse(text);
	free(text);
	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_STREQ(r.systems, "");
}

TEST(redfish_sensor_bounds)
{
	struct sensors l = {0};
	json_t *j = json_object(), *arr = json_array();
	size_t i;

	for (i = 0; i < 5000; i++) {
		json_t *m = json_object();

		json_object_set_new(m, "Name", json_string("same"));
		json_object_set_new(m, "MemberId", json_integer((json_int_t)i));
		json_object_set_new(m, "ReadingVolts", json_real(1.5));
		json_array_append_new(arr, m);
	}
	json_object_set_new(j, "Voltages", arr);
	ASSERT_EQ(rf_parse_power(j, &l.s, &l.n, &l.cap), 0);
	ASSERT_EQ(rf_parse_power(j, &l.s, &l.n, &l.cap), 0);
	ASSERT_EQ(rf_parse_power(j, &l.s, &l.n, &l.cap), 0);
	ASSERT_EQ(rf_parse_power(j, &l.s, &l.n, &l.cap), 0);
	ASSERT_EQ(rf_parse_power(j, &l.s, &l.n, &l.cap), 0);
	json_decref(j);
	ASSERT_EQ(l.n, 4096);
	ASSERT(l.cap >= l.n);
	free(l.s);
}

TEST(redfish_thresholds_sanity)
{
	struct sensors l = {0};
	const struct bmc_sensor *x;
	json_t *j =
	    parse("{\"Voltages\": ["
		  " {\"Name\": \"order\", \"ReadingVolts\": 12, \"LowerThresholdCritical\": 13,"
		  "  \"UpperThresholdCritical\": 11},"
		  " {\"Name\": \"upside\", \"ReadingVolts\": 12, \"UpperThresholdNonCritical\": 14,"
		  "  \"UpperThresholdCritical\": 13},"
		  " {\"Name\": \"one\", \"ReadingVolts\": 0, \"LowerThresholdCritical\": 65535},"
		  " {\"Name\": \"fine\", \"ReadingVolts\": 14, \"LowerThresholdFatal\": 10,"
		  "  \"UpperThresholdNonCritical\": 13, \"UpperThresholdCritical\": 13, "
		  "\"UpperThresholdFatal\": 15}"
		  "]}");

	ASSERT_EQ(rf_parse_power(j, &l.s, &l.n, &l.cap), 0);
	json_decref(j);
	ASSERT_EQ(find(&l, "order")->threshold_mask, 0);
	ASSERT_EQ(find(&l, "upside")->threshold_mask, 0);
	/* One threshold alone cannot be told from a sentinel: kept, and it fires. */
	ASSERT_EQ(find(&l, "one")->status, BMC_HEALTH_CRITICAL);
	x = find(&l, "fine");
	ASSERT_EQ(x->threshold_mask, 1u << TH_LNR | 1u << TH_UNC | 1u << TH_UCR | 1u << TH_UNR);
	ASSERT_EQ(x->status, BMC_HEALTH_CRITICAL);
	free(l.s);
}

TEST(redfish_log_entries_edges)
{
	struct bmc_event *ev;
	size_t n;
	char link[RF_LINK_MAX];
	json_t *j = parse(
	    "{\"Members\": ["
	    " {\"@odata.id\": \"/redfish/v1/x/Entries/1\"},"
	    " {\"Id\": \"a\", \"Created\": \"2024-01-01T00:00:00-05:00\", \"Message\": \"tz\"},"
	    " {\"Id\": \"b\", \"Created\": \"2024-01-01T04:00:00.999Z\", \"Severity\": \"Bogus\","
	    "  \"MessageId\": \"Only.Id\"},"
	    " {\"Id\": \"c\", \"Created\": \"yesterday\", \"Message\": 5},"
	    " {\"Id\": 4, \"Created\": \"2024-02-30T00:00:00Z\"},"
	    " {\"Id\": \"99999999999\", \"Created\": \"2024-01-01T05:00:00+0100\"}"
	    "]}");

	ASSERT_EQ(rf_parse_log_entries(j, &ev, &n), 0);
	json_decref(j);
	ASSERT_EQ(n, 5);
	ASSERT_STREQ(ev[0].message, "tz");
	ASSERT_EQ(ev[0].timestamp, 1704085200); /* 2024-01-01T05:00:00Z */
	ASSERT_EQ(ev[1].timestamp, 1704081600);
	ASSERT_STREQ(ev[1].message, "Only.Id");
	ASSERT_EQ(ev[1].severity, BMC_HEALTH_UNKNOWN);
	ASSERT_EQ(ev[2].timestamp, 1704081600); /* +01:00 */
	ASSERT_EQ(ev[2].id, 6);			/* too big for an id: place in the list */
	/* Neither "yesterday" nor February 30 is a time. */
	ASSERT_EQ(ev[4].timestamp, 0);
	ASSERT_STREQ(ev[4].message, "");
	free(ev);

	j = parse("{\"Members\": []}");
	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), -1);
	ASSERT_STREQ(link, "");
	ASSERT_EQ(rf_parse_log_service(j, link, sizeof(link)), -1);
	json_decref(j);
	/* Expanded members: their own Entries link, SEL by LogEntryType. */
	j = parse("{\"Members\": ["
		  " {\"Id\": \"Journal\", \"Entries\": {\"@odata.id\": \"/redfish/v1/J/Entries\"}},"
		  " {\"Id\": \"Dump\", \"Entries\": {\"@odata.id\": \"/redfish/v1/D/Entries\"}},"
		  " {\"Id\": \"Weird\", \"LogEntryType\": \"SEL\","
		  "  \"Entries\": {\"@odata.id\": \"/redfish/v1/W/Entries\"}}]}");
	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), 0);
	ASSERT_STREQ(link, "/redfish/v1/W/Entries");
	ASSERT_EQ(rf_pick_log_entries(j, link, 10), -1);
	json_decref(j);
	j = parse("{\"Members\": [{\"@odata.id\": \"/redfish/v1/Managers/1/LogServices/Dump\"}]}");
	ASSERT_EQ(rf_pick_log_entries(j, link, sizeof(link)), -1);
	json_decref(j);
}

/* Links. */

static void link_ok(const char *base, const char *link, const char *want)
{
	char out[RF_LINK_MAX];

	if (redfish_resolve_link(base, link, out, sizeof(out)) != 0)
		test_fail(__FILE__, __LINE__, "%s against %s refused", link, base);
	ASSERT_STREQ(out, want);
}

static void link_refused(const char *base, const char *link)
{
	char out[RF_LINK_MAX];

	memset(out, 'x', sizeof(out));
	if (redfish_resolve_link(base, link, out, sizeof(out)) == 0)
		test_fail(__FILE__, __LINE__, "%s against %s accepted as %s", link, base, out);
	ASSERT_STREQ(out, "");
}

TEST(redfish_links)
{
	const char *b = "https://bmc1.example:8443";
	char out[64], *longlink;

	link_ok(b, "/redfish/v1/Systems/1", "https://bmc1.example:8443/redfish/v1/Systems/1");
	link_ok(b, "/redfish/v1", "https://bmc1.example:8443/redfish/v1");
	link_ok(b, "/redfish/v1/", "https://bmc1.example:8443/redfish/v1/");
	link_ok("https://bmc1.example:8443/", "/redfish/v1/",
		"https://bmc1.example:8443/redfish/v1/");
	/* Fragments (iLO's "Thermal#Fans/0") are stripped; queries kept. */
	link_ok(b, "/redfish/v1/Chassis/1/Thermal#Fans/0",
		"https://bmc1.example:8443/redfish/v1/Chassis/1/Thermal");
	link_ok(b, "/redfish/v1/Systems?$expand=.($levels=1)",
		"https://bmc1.example:8443/redfish/v1/Systems?$expand=.($levels=1)");
	link_ok(b, "/redfish/v1/Systems/System.Embedded.1",
		"https://bmc1.example:8443/redfish/v1/Systems/System.Embedded.1");
	/* Absolute URLs on the same origin, however spelled. */
	link_ok(b, "https://bmc1.example:8443/redfish/v1/SessionService/Sessions/7",
		"https://bmc1.example:8443/redfish/v1/SessionService/Sessions/7");
	link_ok(b, "HTTPS://BMC1.EXAMPLE:8443/redfish/v1/x",
		"https://bmc1.example:8443/redfish/v1/x");
	link_ok("https://10.0.0.5", "https://10.0.0.5:443/redfish/v1/x",
		"https://10.0.0.5/redfish/v1/x");
	link_ok("https://[fd00::5]:8443", "https://[fd00::5]:8443/redfish/v1/x",
		"https://[fd00::5]:8443/redfish/v1/x");
	link_ok("http://127.0.0.1:8000", "/redfish/v1/x", "http://127.0.0.1:8000/redfish/v1/x");

	/* Elsewhere. */
	link_refused(b, "https://evil.example:8443/redfish/v1/x");
	link_refused(b, "https://bmc1.example:8444/redfish/v1/x");
	link_refused(b, "https://bmc1.example/redfish/v1/x");
	link_refused(b, "http://bmc1.example:8443/redfish/v1/x");
	link_refused(b, "//evil.example/x");
	link_refused(b, "//bmc1.example:8443/redfish/v1/x");
	link_refused(b, "https://bmc1.example:8443@evil.example/redfish/v1/x");
	link_refused(b, "https://user@bmc1.example:8443/redfish/v1/x");
	link_refused(b, "https://bmc1.example.evil.example:8443/redfish/v1/x");
	link_refused(b, "javascript:alert(1)");
	link_refused(b, "file:///etc/passwd");
	link_refused(b, "ftp://bmc1.example:8443/redfish/v1/x");
	/* Not under /redfish/, or trying to climb out. */
	link_refused(b, "/redfish/v1/../../etc/passwd");
	link_refused(b, "/redfish/v1/%2e%2e/%2E%2E/etc");
	link_refused(b, "/redfish/v1/..");
	link_refused(b, "/redfish/./v1");
	link_refused(b, "/redfish/v1/a%2fb");
	link_refused(b, "/redfish");
	link_refused(b, "/redfishv1/x");
	link_refused(b, "/etc/passwd");
	link_refused(b, "/");
	link_refused(b, "redfish/v1/Systems");
	link_refused(b, "Systems/1");
	link_refused(b, "");
	/* Characters no link holds. */
	link_refused(b, "/redfish/v1/Systems/1 HTTP/1.1");
	link_refused(b, "/redfish/v1/x\r\nHost: evil");
	link_refused(b, "/redfish/v1/x\t");
	link_refused(b, "/redfish/v1\\..\\x");
	link_refused(b, "/redfish/v1/x%0d%0aHost:evil");
	link_refused(b, "/redfish/v1/x%zz");
	link_refused(b, "/redfish/v1/\xc3\xa9");
	/* Bad bases. */
	link_refused("bmc1.example", "/redfish/v1/x");
	link_refused("https://", "/redfish/v1/x");
	link_refused("https://bmc1.example:99999", "/redfish/v1/x");
	link_refused("https://bmc1.example:0", "/redfish/v1/x");
	link_refused("https://bmc1.example/some/path", "/redfish/v1/x");
	link_refused("https://bmc1.example:84x3", "/redfish/v1/x");

	/* Too long for out: refused, out still a string. */
	longlink = xmalloc(4096);
	memcpy(longlink, "/redfish/v1/", 12);
	memset(longlink + 12, 'a', 4000);
	longlink[4012] = '\0';
	link_refused(b, longlink);
	free(longlink);
	memset(out, 'x', sizeof(out));
	ASSERT_EQ(redfish_resolve_link(b, "/redfish/v1/Systems/1/a/b/c/d/e/f", out, 40), -1);
	ASSERT_STREQ(out, "");
	ASSERT_EQ(redfish_resolve_link(b, "/redfish/v1/Systems/1", out, 47), 0);
	ASSERT_EQ(redfish_resolve_link(b, "/redfish/v1/Systems/1", out, 46), -1);
	ASSERT_EQ(redfish_resolve_link(b, "/redfish/v1/x", out, 0), -1);
	ASSERT_EQ(redfish_resolve_link(NULL, "/redfish/v1/x", out, sizeof(out)), -1);
	ASSERT_EQ(redfish_resolve_link(b, NULL, out, sizeof(out)), -1);
}

TEST(redfish_vendor_names)
{
	json_t *j;
	struct rf_root r;

	ASSERT_STREQ(rf_vendor_name(RF_VENDOR_LENOVO), "Lenovo XCC");
	ASSERT_STREQ(rf_vendor_name(RF_VENDOR_OTHER), "unknown");
	ASSERT_STREQ(rf_vendor_name((enum rf_vendor)99), "unknown");
	/* Lenovo says "Lenovo"; older XCCs only say so in Oem. */
	j = parse("{\"Vendor\": \"Lenovo\"}");
	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_LENOVO);
	j = parse("{\"Oem\": {\"Lenovo\": {}}}");
	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_LENOVO);
	j = parse("{\"Oem\": {\"Hp\": {}}}");
	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_HPE);
	j = parse("{\"Product\": \"Lenovo XClarity Controller\"}");
	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_LENOVO);
	/* "AMI" as a word only: not inside "Dynamic". */
	j = parse("{\"Product\": \"Dynamic Server\"}");
	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_EQ(r.vendor, RF_VENDOR_OTHER);
}

/* The newer schema: ThermalSubsystem and PowerSubsystem (DMTF rackmount1). */

TEST(redfish_dmtf_thermal_power_subsystems)
{
	const char *set = "dmtf-public-rackmount1";
	struct sensors l = { 0 };
	char link[RF_LINK_MAX];
	json_t *j;

	j = load(set, "Chassis/1U/ThermalSubsystem");
	ASSERT_EQ(rf_parse_link(j, "Fans", link, sizeof(link)), 0);
	ASSERT_STREQ(link, "/redfish/v1/Chassis/1U/ThermalSubsystem/Fans");
	ASSERT_EQ(rf_parse_link(j, "ThermalMetrics", link, sizeof(link)), 0);
	ASSERT_STREQ(link, "/redfish/v1/Chassis/1U/ThermalSubsystem/ThermalMetrics");
	ASSERT_EQ(rf_parse_link(j, "NoSuchThing", link, sizeof(link)), -1);
	ASSERT_STREQ(link, "");
	json_decref(j);

	sensors_from(&l, set, "Chassis/1U/ThermalSubsystem/Fans/Bay1", rf_parse_fan);
	sensors_from(&l, set, "Chassis/1U/ThermalSubsystem/ThermalMetrics",
		     rf_parse_thermal_metrics);
	ASSERT_EQ(l.n, 3);
	ASSERT_STREQ(find(&l, "Fan Bay 1")->unit, "RPM");
	ASSERT_NEAR(find(&l, "Fan Bay 1")->value, 2200, 0.001);
	ASSERT_STREQ(find(&l, "Fan Bay 1")->type, "fan");
	ASSERT_NEAR(find(&l, "Intake")->value, 24.8, 0.001);
	ASSERT_NEAR(find(&l, "Exhaust")->value, 40.5, 0.001);
	ASSERT_STREQ(find(&l, "Exhaust")->unit, "C");
	ASSERT_EQ(find(&l, "Exhaust")->source, SRC_REDFISH);
	assert_all_ok(&l);

	/* Bay 1 is there, with its watts in its metrics; Bay 2 is absent. */
	j = load(set, "Chassis/1U/PowerSubsystem/PowerSupplies/Bay1");
	ASSERT_EQ(rf_parse_power_supply(j, &l.s, &l.n, &l.cap, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/Bay1/Metrics");
	ASSERT_EQ(l.n, 4);
	ASSERT(!l.s[3].has_value);
	ASSERT_EQ(l.s[3].status, BMC_HEALTH_WARNING);
	j = load(set, "Chassis/1U/PowerSubsystem/PowerSupplies/Bay1/Metrics");
	ASSERT_EQ(rf_parse_power_supply_metrics(j, &l.s[3]), 0);
	json_decref(j);
	ASSERT_STREQ(l.s[3].name, "Power Supply Bay 1");
	ASSERT_NEAR(l.s[3].value, 937.4, 0.001);
	ASSERT_STREQ(l.s[3].unit, "W");
	ASSERT_EQ(l.s[3].status, BMC_HEALTH_WARNING);
	j = load(set, "Chassis/1U/PowerSubsystem/PowerSupplies/Bay2");
	ASSERT_EQ(rf_parse_power_supply(j, &l.s, &l.n, &l.cap, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_EQ(l.n, 4);
	ASSERT_STREQ(link, "");
	free(l.s);
}

TEST(redfish_subsystem_members_hostile)
{
	struct sensors l = { 0 };
	char link[RF_LINK_MAX];
	json_t *j;

	/* Percent when there is no RPM; offline keeps the name, not a value. */
	j = parse("{\"Name\":\"F1\",\"SpeedPercent\":{\"Reading\":37}}");
	ASSERT_EQ(rf_parse_fan(j, &l.s, &l.n, &l.cap), 0);
	json_decref(j);
	j = parse("{\"Id\":\"F2\",\"SpeedPercent\":{\"SpeedRPM\":\"fast\"},"
		  "\"Status\":{\"State\":\"UnavailableOffline\"}}");
	ASSERT_EQ(rf_parse_fan(j, &l.s, &l.n, &l.cap), 0);
	json_decref(j);
	ASSERT_EQ(l.n, 2);
	ASSERT_STREQ(l.s[0].unit, "%");
	ASSERT_NEAR(l.s[0].value, 37, 0.001);
	ASSERT_STREQ(l.s[1].name, "F2");
	ASSERT(!l.s[1].has_value);
	ASSERT_STREQ(l.s[1].state, "UnavailableOffline");
	/* Readings named by their source only; wrong types skipped; summary unused. */
	j = parse("{\"TemperatureReadingsCelsius\":[{\"Reading\":30,\"DataSourceUri\":"
		  "\"/redfish/v1/Chassis/1/Sensors/Inlet\"},{\"Reading\":\"hot\"},7],"
		  "\"TemperatureSummaryCelsius\":{\"Intake\":{\"Reading\":29}}}");
	ASSERT_EQ(rf_parse_thermal_metrics(j, &l.s, &l.n, &l.cap), 0);
	json_decref(j);
	ASSERT_EQ(l.n, 3);
	ASSERT_STREQ(l.s[2].name, "Inlet");
	/* Only a summary: used. */
	j = parse("{\"TemperatureSummaryCelsius\":{\"Intake\":{\"Reading\":29}}}");
	ASSERT_EQ(rf_parse_thermal_metrics(j, &l.s, &l.n, &l.cap), 0);
	json_decref(j);
	ASSERT_EQ(l.n, 4);
	ASSERT_STREQ(l.s[3].name, "Intake Temp");
	/* A supply whose metrics link leaves the vocabulary of links is dropped whole. */
	j = parse("{\"Name\":\"PSU\",\"Metrics\":{\"@odata.id\":\"/redfish/v1/x\\u0001\"}}");
	ASSERT_EQ(rf_parse_power_supply(j, &l.s, &l.n, &l.cap, link, sizeof(link)), 0);
	json_decref(j);
	ASSERT_STREQ(link, "");
	ASSERT_EQ(rf_parse_power_supply_metrics(NULL, &l.s[4]), -1);
	j = parse("{\"InputPowerWatts\":{\"Reading\":120}}");
	ASSERT_EQ(rf_parse_power_supply_metrics(j, &l.s[4]), 0);
	json_decref(j);
	ASSERT_NEAR(l.s[4].value, 120, 0.001);
	ASSERT_EQ(l.s[4].status, BMC_HEALTH_OK);
	free(l.s);
}

TEST(redfish_collections_expand_and_pages)
{
	struct rf_root r;
	char link[RF_LINK_MAX];
	json_t *j;

	j = load("dmtf-public-rackmount1", "");
	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_STREQ(r.expand, ".($levels=1)");
	j = load("openbmc-bmcweb-stock", "");
	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_STREQ(r.expand, "");
	j = parse("{\"ProtocolFeaturesSupported\":{\"ExpandQuery\":{\"ExpandAll\":true}}}");
	rf_parse_root(j, &r);
	json_decref(j);
	ASSERT_STREQ(r.expand, "*");

	j = parse("{\"Members\":[{\"@odata.id\":\"/redfish/v1/a\"},"
		  "{\"@odata.id\":\"/redfish/v1/b\",\"Reading\":3},7],"
		  "\"Members@odata.nextLink\":\"/redfish/v1/c?$skip=2\"}");
	ASSERT(!rf_member_expanded(json_array_get(json_object_get(j, "Members"), 0)));
	ASSERT(rf_member_expanded(json_array_get(json_object_get(j, "Members"), 1)));
	ASSERT(!rf_member_expanded(json_array_get(json_object_get(j, "Members"), 2)));
	ASSERT_EQ(rf_parse_next_link(j, link, sizeof(link)), 0);
	ASSERT_STREQ(link, "/redfish/v1/c?$skip=2");
	json_decref(j);
	j = parse("{\"Members\":[],\"Members@odata.nextLink\":5}");
	ASSERT_EQ(rf_parse_next_link(j, link, sizeof(link)), -1);
	json_decref(j);
}

TEST(redfish_console_caps)
{
	struct rf_manager m;
	struct rf_system s;
	json_t *j;

	j = load("dmtf-public-rackmount1", "Managers/BMC");
	rf_parse_manager(j, &m);
	json_decref(j);
	ASSERT_EQ(rf_console_caps(&m.console),
		  CONSOLE_CAP_KVMIP | CONSOLE_CAP_SERIAL_IPMI | CONSOLE_CAP_SERIAL_SSH |
		      CONSOLE_CAP_SERIAL_TELNET);
	/* Intel: serial console listed but disabled. */
	j = load("intel-s2600bpb", "Managers/BMC");
	rf_parse_manager(j, &m);
	json_decref(j);
	ASSERT_EQ(rf_console_caps(&m.console), CONSOLE_CAP_KVMIP);
	/* Per-protocol objects (ComputerSystem 1.13+): SSH and IPMI enabled. */
	j = load("openbmc-bmcweb-stock", "Systems/system");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_EQ(rf_console_caps(&s.console),
		  CONSOLE_CAP_KVMIP | CONSOLE_CAP_SERIAL_IPMI | CONSOLE_CAP_SERIAL_SSH);
	/* Case-insensitive; no ServiceEnabled means what it lists. */
	j = parse("{\"GraphicalConsole\":{\"ConnectTypesSupported\":[\"kvmip\",\"OEM\"]},"
		  "\"SerialConsole\":{\"ServiceEnabled\":false,\"ConnectTypesSupported\":[\"SSH\"]}}");
	rf_parse_manager(j, &m);
	json_decref(j);
	ASSERT_EQ(rf_console_caps(&m.console), CONSOLE_CAP_KVMIP | CONSOLE_CAP_GFX_OEM);
}

TEST(redfish_boot_targets_and_errors)
{
	struct rf_system s;
	char msg[64];
	json_t *j;
	size_t i;
	int pxe = 0;

	j = load("dmtf-public-rackmount1", "Systems/437XR1138R2");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_STREQ(s.boot_target, "Pxe");
	ASSERT_STREQ(s.boot_enabled, "Once");
	ASSERT_EQ(s.nboot_targets, 10);
	for (i = 0; i < s.nboot_targets; i++)
		pxe |= strcmp(s.boot_targets[i], "Pxe") == 0;
	ASSERT(pxe);
	ASSERT_STREQ(rf_boot_target(BOOT_PXE), "Pxe");
	ASSERT_STREQ(rf_boot_target(BOOT_DISK), "Hdd");
	ASSERT_STREQ(rf_boot_target(BOOT_BIOS), "BiosSetup");
	ASSERT_STREQ(rf_boot_target(BOOT_CDROM), "Cd");
	ASSERT_EQ(rf_boot_device("biossetup"), BOOT_BIOS);
	ASSERT_EQ(rf_boot_device("Usb"), BOOT_NONE);
	ASSERT_EQ(rf_boot_device(NULL), BOOT_NONE);

	j = parse("{\"error\":{\"message\":\"general\",\"@Message.ExtendedInfo\":"
		  "[{\"Message\":\"The value 'x' is not\\u001b[31m allowed.\"}]}}");
	ASSERT_EQ(rf_parse_error_message(j, msg, sizeof(msg)), 0);
	ASSERT_STREQ(msg, "The value 'x' is not [31m allowed.");
	json_decref(j);
	j = parse("{\"error\":{\"message\":\"general\"}}");
	ASSERT_EQ(rf_parse_error_message(j, msg, sizeof(msg)), 0);
	ASSERT_STREQ(msg, "general");
	json_decref(j);
	j = parse("{\"error\":7}");
	ASSERT_EQ(rf_parse_error_message(j, msg, sizeof(msg)), -1);
	json_decref(j);
}

/* Sources per kind of reading: each kind from the first source that has it. */

/* Whether one of temperature, fan, voltage and power is missing: the poll reads on. */
static int lack_kind(const struct sensors *l)
{
	static const char *const kinds[] = {"temperature", "fan", "voltage", "power"};
	size_t k;

	for (k = 0; k < 4; k++)
		if (!rf_sensors_have_kind(l->s, l->n, kinds[k]))
			return 1;
	return 0;
}

static size_t count_type(const struct sensors *l, const char *type)
{
	size_t i, k = 0;

	for (i = 0; i < l->n; i++)
		k += strcmp(l->s[i].type, type) == 0;
	return k;
}

/* Merge what src holds into l (as the poll does with one source), then free src. */
static size_t merge_source(struct sensors *l, struct sensors *src)
{
	size_t added = rf_sensors_merge(&l->s, &l->n, &l->cap, src->s, src->n);

	free(src->s);
	memset(src, 0, sizeof(*src));
	return added;
}

/* AMI MegaRAC: Sensors has power and energy only; Thermal the temperatures; Power the volts. */
TEST(redfish_sources_per_kind_ami)
{
	const char *set = "gigabyte-h262-z63-ami-megarac";
	struct sensors l = {0}, src = {0};

	sensors_from(&src, set, "Chassis/Self/Sensors/Power", rf_parse_sensor);
	sensors_from(&src, set, "Chassis/Self/Sensors/Energy", rf_parse_sensor);
	ASSERT_EQ(merge_source(&l, &src), 2);
	ASSERT(lack_kind(&l));
	ASSERT_EQ(count_type(&l, "temperature"), 0); /* what bmctop showed before */

	sensors_from(&src, set, "Chassis/Self/Thermal", rf_parse_thermal);
	sensors_from(&src, set, "Chassis/Self/Power", rf_parse_power);
	/* 17 temperatures (20 less 3 Absent) and 28 voltages; the Power resource's
	 * PowerControl is power, which the Sensors collection gave already. */
	ASSERT_EQ(merge_source(&l, &src), 17 + 28);
	ASSERT_EQ(count_type(&l, "temperature"), 17);
	ASSERT_EQ(count_type(&l, "voltage"), 28);
	ASSERT_EQ(count_type(&l, "power"), 1);
	ASSERT_EQ(count_type(&l, "fan"), 0); /* the payload has no fans */
	ASSERT_NEAR(find(&l, "CPU0_TEMP")->value, 40, 1e-9);
	ASSERT_NEAR(find(&l, "Power Consumption Monitor")->value, 196, 1e-9);
	for (size_t i = 0; i < l.n; i++)
		ASSERT(strcmp(l.s[i].name, "Chassis Power Control") != 0);
	ASSERT(lack_kind(&l)); /* still no fan: nothing more to read though */
	free(l.s);
}

/* iLO 6: the Sensors collection is HPE's temperature map; fans and supplies live in the subsystems. */
TEST(redfish_sources_per_kind_ilo6)
{
	const char *set = "hpe-ilo6-dl380a-gen11";
	struct sensors l = {0}, src = {0};
	char link[RF_LINK_MAX], *path;
	size_t i;
	json_t *j;

	for (i = 0; i <= 52; i++) {
		path = xasprintf("Chassis/1/Sensors/%zu", i);
		sensors_from(&src, set, path, rf_parse_sensor);
		free(path);
	}
	ASSERT_EQ(merge_source(&l, &src), 29);
	ASSERT(lack_kind(&l));

	for (i = 0; i <= 5; i++) {
		path = xasprintf("Chassis/1/ThermalSubsystem/Fans/%zu", i);
		sensors_from(&src, set, path, rf_parse_fan);
		free(path);
	}
	sensors_from(&src, set, "Chassis/1/ThermalSubsystem/ThermalMetrics",
		     rf_parse_thermal_metrics);
	for (i = 0; i <= 3; i++) {
		path = xasprintf("Chassis/1/PowerSubsystem/PowerSupplies/%zu", i);
		j = load(set, path);
		ASSERT_EQ(rf_parse_power_supply(j, &src.s, &src.n, &src.cap, link, sizeof(link)),
			  0);
		json_decref(j);
		free(path);
	}
	merge_source(&l, &src);
	ASSERT_EQ(count_type(&l, "temperature"), 29); /* ThermalMetrics' copies left out */
	ASSERT_EQ(count_type(&l, "fan"), 6);
	ASSERT_EQ(count_type(&l, "power"), 4);
	ASSERT(lack_kind(&l)); /* no voltage: the legacy Power is read too */

	sensors_from(&src, set, "Chassis/1/Thermal", rf_parse_thermal);
	sensors_from(&src, set, "Chassis/1/Power", rf_parse_power);
	ASSERT_EQ(merge_source(&l, &src), 0); /* it has no volts, and the rest is known */
	ASSERT_EQ(l.n, 29 + 6 + 4);
	free(l.s);
}

/* DMTF rackmount1: Sensors has no Rotational sensor; the fans come from ThermalSubsystem. */
TEST(redfish_sources_per_kind_dmtf)
{
	const char *set = "dmtf-public-rackmount1";
	static const char *const members[] = {"AmbientTemp", "CPUFan1",	   "PS1Energy",
					      "PS1Out12V", "ExhaustTemp", "TotalPower"};
	struct sensors l = {0}, src = {0};
	size_t i, before;
	char *path;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		path = xasprintf("Chassis/1U/Sensors/%s", members[i]);
		sensors_from(&src, set, path, rf_parse_sensor);
		free(path);
	}
	merge_source(&l, &src);
	ASSERT(lack_kind(&l));
	ASSERT_EQ(count_type(&l, "fan"), 0);
	ASSERT_EQ(count_type(&l, "percent"), 1); /* CPU #1 Fan Speed, as a duty in percent */
	before = l.n;
	sensors_from(&src, set, "Chassis/1U/ThermalSubsystem/Fans/Bay1", rf_parse_fan);
	sensors_from(&src, set, "Chassis/1U/ThermalSubsystem/ThermalMetrics",
		     rf_parse_thermal_metrics);
	ASSERT_EQ(merge_source(&l, &src), 1);
	ASSERT_EQ(l.n, before + 1);
	ASSERT_NEAR(find(&l, "Fan Bay 1")->value, 2200, 0.001);
	ASSERT(!lack_kind(&l));
	free(l.s);
}

/* The merge adds kinds only, bounded like every other parser. */
TEST(redfish_sources_merge_edges)
{
	struct sensors l = {0};
	struct bmc_sensor add[3];

	memset(add, 0, sizeof(add));
	snprintf(add[0].type, sizeof(add[0].type), "fan");
	snprintf(add[1].type, sizeof(add[1].type), "fan");
	snprintf(add[2].type, sizeof(add[2].type), "temperature");
	ASSERT(!rf_sensors_have_kind(NULL, 0, "fan"));
	ASSERT_EQ(rf_sensors_merge(&l.s, &l.n, &l.cap, add, 0), 0);
	ASSERT_EQ(rf_sensors_merge(&l.s, &l.n, &l.cap, add, 2), 2); /* one source: both fans */
	ASSERT_EQ(rf_sensors_merge(&l.s, &l.n, &l.cap, add, 3), 1); /* only the new kind */
	ASSERT_EQ(l.n, 3);
	ASSERT_STREQ(l.s[2].type, "temperature");
	free(l.s);
}

/* An ETag goes into a request header: only printable ASCII, bounded. */
TEST(redfish_etag)
{
	struct rf_system s;
	char longtag[200];
	json_t *j;

	j = load("gigabyte-h262-z63-ami-megarac", "Systems/Self");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_STREQ(s.etag, "W/\"1649881751\"");
	j = load("dmtf-public-rackmount1", "Systems/437XR1138R2");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_STREQ(s.etag, "");
	ASSERT(rf_etag_valid("\"27ffd39c216000b3013c84008394dffd\""));
	ASSERT(!rf_etag_valid(NULL));
	ASSERT(!rf_etag_valid(""));
	ASSERT(!rf_etag_valid("W/\"1\"\r\nX-Evil: 1"));
	ASSERT(!rf_etag_valid("\"caf\xc3\xa9\""));
	memset(longtag, 'a', sizeof(longtag) - 1);
	longtag[sizeof(longtag) - 1] = '\0';
	ASSERT(!rf_etag_valid(longtag));
	longtag[128] = '\0';
	ASSERT(!rf_etag_valid(longtag)); /* 128 bytes */
	longtag[127] = '\0';
	ASSERT(rf_etag_valid(longtag)); /* 127 */
	j = json_pack("{s:s}", "@odata.etag", "\"a\"\n\"b\"");
	rf_parse_system(j, &s);
	json_decref(j);
	ASSERT_STREQ(s.etag, "");
}

/* Entries listed as links only: the newest few, by number when they have one. */
TEST(redfish_pick_linked_entries)
{
	size_t idx[4], n;
	json_t *j;

	j = json_loads("[{\"@odata.id\": \"/redfish/v1/L/Entries/9\"},"
		       " {\"@odata.id\": \"/redfish/v1/L/Entries/151\", \"Message\": \"x\"},"
		       " {\"@odata.id\": \"/redfish/v1/L/Entries/10\"},"
		       " {\"@odata.id\": \"/redfish/v1/L/Entries/2\"},"
		       " {\"@odata.id\": \"/redfish/v1/L/Entries/100\"},"
		       " {\"@odata.id\": \"/redfish/v1/L/Entries/11\"}, 7, {}]",
		       0, NULL);
	n = rf_pick_linked_entries(j, 3, idx);
	ASSERT_EQ(n, 3); /* 100, 11, 10: the expanded 151 is no link */
	ASSERT_EQ(idx[0], 2);
	ASSERT_EQ(idx[1], 4);
	ASSERT_EQ(idx[2], 5);
	ASSERT_EQ(rf_pick_linked_entries(j, 0, idx), 0);
	json_decref(j);

	/* Names, not numbers: the last ones listed. */
	j = json_loads("[{\"@odata.id\": \"/redfish/v1/L/Entries/a\"},"
		       " {\"@odata.id\": \"/redfish/v1/L/Entries/3\"},"
		       " {\"@odata.id\": \"/redfish/v1/L/Entries/b\"},"
		       " {\"@odata.id\": \"/redfish/v1/L/Entries/c\"}]",
		       0, NULL);
	n = rf_pick_linked_entries(j, 2, idx);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(idx[0], 2);
	ASSERT_EQ(idx[1], 3);
	json_decref(j);
	ASSERT_EQ(rf_pick_linked_entries(NULL, 4, idx), 0);
}
