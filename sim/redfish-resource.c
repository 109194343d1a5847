/*
 * redfish-resource.c - the Redfish resource tree of a simulated BMC:
 * service root, systems, chassis with sensors (and the legacy Thermal and
 * Power), managers, the SEL as log entries, the session service.
 *
 * Every resource is built from the model on every GET, so a client always
 * sees the model's state of the moment; readings and thresholds are given
 * at the sensor's IPMI resolution, so both protocols agree.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "redfish.h"

/* Links and small pieces of JSON. */

static json_t *odata_link(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static json_t *odata_link(const char *fmt, ...)
{
	char url[HTTP_PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(url, sizeof url, fmt, ap);
	va_end(ap);
	return json_pack("{s:s}", "@odata.id", url);
}

static const char *health_name(enum sim_health h)
{
	return h == SIM_CRITICAL ? "Critical" : h == SIM_WARNING ? "Warning" : "OK";
}

static json_t *status_obj(const char *state, enum sim_health h)
{
	return json_pack("{s:s, s:s, s:s}", "State", state, "Health", health_name(h),
			 "HealthRollup", health_name(h));
}

static json_t *collection(const char *type, const char *id, const char *name, json_t *members)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:I}", "@odata.type", type, "@odata.id", id, "Name",
			 name, "Members", members, "Members@odata.count",
			 (json_int_t)json_array_size(members));
}

static json_t *string_array(const char *const *v)
{
	json_t *a = json_array();

	for (; *v != NULL; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static json_t *service_root(struct sim_bmc *b)
{
	char uuid[40];

	/* Stable per BMC, so a client can tell the simulated BMCs apart. */
	snprintf(uuid, sizeof uuid, "b3c5d1a0-0000-4000-8000-%012x", b->index);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
			 " s:{s:{s:b, s:b, s:b, s:b, s:i}, s:b, s:b, s:b},"
			 " s:o, s:o, s:o, s:o, s:{s:o}}",
			 "@odata.type", "#ServiceRoot.v1_15_0.ServiceRoot", "@odata.id", ROOT, "Id",
			 "RootService", "Name", "Root Service", "RedfishVersion", "1.17.0", "UUID",
			 uuid, "Vendor", "bmcsim", "Product", b->product[0] ? b->product : "bmcsim",
			 "ProtocolFeaturesSupported", "ExpandQuery", "ExpandAll", 1, "Levels", 1,
			 "Links", 1, "NoLinks", 1, "MaxLevels", 1, "FilterQuery", 0, "SelectQuery",
			 0, "OnlyMemberQuery", 0, "Systems", odata_link(ROOT "/Systems"), "Chassis",
			 odata_link(ROOT "/Chassis"), "Managers", odata_link(ROOT "/Managers"),
			 "SessionService", odata_link(ROOT "/SessionService"), "Links", "Sessions",
			 odata_link(ROOT "/SessionService/Sessions"));
}

static json_t *system_json(struct sim_bmc *b)
{
	const char *enabled = b->boot_device == 0  ? "Disabled"
			      : b->boot_persistent ? "Continuous"
						   : "Once";
	json_t *targets = sim_redfish_actions_boot_targets();
	int ipmi_port = ntohs(b->ipmi_addr.ss_family == AF_INET6
				  ? ((struct sockaddr_in6 *)&b->ipmi_addr)->sin6_port
				  : ((struct sockaddr_in *)&b->ipmi_addr)->sin_port);

	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o,"
	    " s:{s:s, s:s, s:s, s:o},"
	    " s:{s:i, s:{s:b, s:i}, s:{s:b}},"
	    " s:{s:b, s:i, s:[]},"
	    " s:{s:{s:s, s:o}},"
	    " s:o, s:{s:[o], s:[o]}}",
	    "@odata.type", "#ComputerSystem.v1_20_0.ComputerSystem", "@odata.id", ROOT "/Systems/1",
	    "Id", "1", "Name", b->name, "SystemType", "Physical", "Manufacturer", b->manufacturer,
	    "Model", b->product, "SerialNumber", b->serial, "PartNumber", b->part, "BiosVersion",
	    "SIMBIOS 2.14.1", "PowerState", b->power ? "On" : "Off", "Status",
	    status_obj(b->power ? "Enabled" : "StandbyOffline", sim_bmc_health(b)), "Boot",
	    "BootSourceOverrideTarget", sim_redfish_actions_boot_target_name(b->boot_device),
	    "BootSourceOverrideEnabled", enabled, "BootSourceOverrideMode", "UEFI",
	    "BootSourceOverrideTarget@Redfish.AllowableValues", targets, "SerialConsole",
	    "MaxConcurrentSessions", 1, "IPMI", "ServiceEnabled", 1, "Port", ipmi_port, "SSH",
	    "ServiceEnabled", 0, "GraphicalConsole", "ServiceEnabled", 0, "MaxConcurrentSessions",
	    0, "ConnectTypesSupported", "Actions", "#ComputerSystem.Reset", "target",
	    ROOT "/Systems/1/Actions/ComputerSystem.Reset", "ResetType@Redfish.AllowableValues",
	    string_array(sim_redfish_actions_reset_types), "LogServices",
	    odata_link(ROOT "/Systems/1/LogServices"), "Links", "Chassis",
	    odata_link(ROOT "/Chassis/1"), "ManagedBy", odata_link(ROOT "/Managers/1"));
}

static const char *reading_type(enum sim_sensor_kind k)
{
	static const char *const names[] = {"Temperature", "Rotational", "Voltage",
					    "Current",	   "Power",	 NULL};

	return names[k];
}

static const char *reading_units(enum sim_sensor_kind k)
{
	static const char *const units[] = {"Cel", "RPM", "V", "A", "W", NULL};

	return units[k];
}

static const char *kind_prefix(enum sim_sensor_kind k)
{
	static const char *const prefix[] = {"temperature", "fan",   "voltage",
					     "current",	    "power", NULL};

	return prefix[k];
}

/* The Id of a numeric sensor, bmcweb-like ("temperature_CPU1_Temp"). */
static void sensor_id(const struct sim_sensor *s, char *out, size_t len)
{
	size_t i, n;

	n = (size_t)snprintf(out, len, "%s_", kind_prefix(s->kind));
	for (i = 0; s->name[i] != '\0' && n + 1 < len; i++)
		out[n++] = isalnum((unsigned char)s->name[i]) ? s->name[i] : '_';
	out[n] = '\0';
}

/* The model's verdict, which the IPMI side reports too. */
static enum sim_health sensor_health(const struct sim_sensor *s)
{
	const char *st = sim_sensor_status(s);

	return strcmp(st, "critical") == 0  ? SIM_CRITICAL
	       : strcmp(st, "warning") == 0 ? SIM_WARNING
					    : SIM_HEALTHY;
}

/* Readings and thresholds at the sensor's IPMI resolution, so both sides agree. */
static double at_resolution(const struct sim_sensor *s, double v)
{
	return sim_sensor_real(s, sim_sensor_raw(s, v));
}

static void add_threshold(json_t *th, const struct sim_sensor *s, const char *name, double v)
{
	if (!isnan(v))
		json_object_set_new(th, name, json_pack("{s:f}", "Reading", at_resolution(s, v)));
}

static json_t *sensor_json(const struct sim_sensor *s)
{
	char id[64], url[HTTP_PATH_MAX];
	json_t *th = json_object();

	sensor_id(s, id, sizeof id);
	snprintf(url, sizeof url, ROOT "/Chassis/1/Sensors/%s", id);
	add_threshold(th, s, "LowerCaution", s->lnc);
	add_threshold(th, s, "LowerCritical", s->lcr);
	add_threshold(th, s, "UpperCaution", s->unc);
	add_threshold(th, s, "UpperCritical", s->ucr);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:o, s:o}", "@odata.type",
			 "#Sensor.v1_7_0.Sensor", "@odata.id", url, "Id", id, "Name", s->name,
			 "ReadingType", reading_type(s->kind), "Reading", sim_sensor_value(s),
			 "ReadingUnits", reading_units(s->kind), "Thresholds", th, "Status",
			 status_obj("Enabled", sensor_health(s)));
}

static const struct sim_sensor *sensor_by_id(struct sim_bmc *b, const char *id)
{
	char want[64];
	size_t i;

	for (i = 0; i < b->nsensors; i++) {
		if (b->sensors[i].kind == SIM_DISCRETE)
			continue;
		sensor_id(&b->sensors[i], want, sizeof want);
		if (strcmp(want, id) == 0)
			return &b->sensors[i];
	}
	return NULL;
}

static json_t *sensors_json(struct sim_bmc *b, int expand)
{
	json_t *members = json_array();
	char id[64];
	size_t i;

	for (i = 0; i < b->nsensors; i++) {
		if (b->sensors[i].kind == SIM_DISCRETE)
			continue;
		if (expand) {
			json_array_append_new(members, sensor_json(&b->sensors[i]));
		} else {
			sensor_id(&b->sensors[i], id, sizeof id);
			json_array_append_new(members,
					      odata_link(ROOT "/Chassis/1/Sensors/%s", id));
		}
	}
	return collection("#SensorCollection.SensorCollection", ROOT "/Chassis/1/Sensors",
			  "Sensors", members);
}

static void legacy_threshold(json_t *o, const struct sim_sensor *s, const char *name, double v)
{
	if (!isnan(v))
		json_object_set_new(o, name, json_real(at_resolution(s, v)));
}

static json_t *legacy_reading(const struct sim_sensor *s, size_t i, const char *reading)
{
	char id[16];
	json_t *o;

	snprintf(id, sizeof id, "%zu", i);
	o = json_pack("{s:s, s:s, s:f, s:o}", "MemberId", id, "Name", s->name, reading,
		      sim_sensor_value(s), "Status", status_obj("Enabled", sensor_health(s)));
	legacy_threshold(o, s, "LowerThresholdNonCritical", s->lnc);
	legacy_threshold(o, s, "LowerThresholdCritical", s->lcr);
	legacy_threshold(o, s, "UpperThresholdNonCritical", s->unc);
	legacy_threshold(o, s, "UpperThresholdCritical", s->ucr);
	return o;
}

/* The legacy Thermal resource, for clients older than the Sensors collection. */
static json_t *thermal_json(struct sim_bmc *b)
{
	json_t *temps = json_array(), *fans = json_array(), *o;
	size_t i;

	for (i = 0; i < b->nsensors; i++) {
		const struct sim_sensor *s = &b->sensors[i];

		if (s->kind == SIM_TEMP) {
			json_array_append_new(temps, legacy_reading(s, i, "ReadingCelsius"));
		} else if (s->kind == SIM_FAN) {
			o = legacy_reading(s, i, "Reading");
			json_object_set_new(o, "ReadingUnits", json_string("RPM"));
			json_array_append_new(fans, o);
		}
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "@odata.type", "#Thermal.v1_7_0.Thermal",
			 "@odata.id", ROOT "/Chassis/1/Thermal", "Id", "Thermal", "Name", "Thermal",
			 "Temperatures", temps, "Fans", fans);
}

static json_t *power_json(struct sim_bmc *b)
{
	json_t *volts = json_array(), *control = json_array();
	size_t i;

	for (i = 0; i < b->nsensors; i++) {
		const struct sim_sensor *s = &b->sensors[i];

		if (s->kind == SIM_VOLTAGE)
			json_array_append_new(volts, legacy_reading(s, i, "ReadingVolts"));
		else if (s->kind == SIM_POWER)
			json_array_append_new(control, legacy_reading(s, i, "PowerConsumedWatts"));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "@odata.type", "#Power.v1_7_0.Power",
			 "@odata.id", ROOT "/Chassis/1/Power", "Id", "Power", "Name", "Power",
			 "PowerControl", control, "Voltages", volts);
}

static json_t *chassis_json(struct sim_bmc *b)
{
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o,"
	    " s:o, s:o, s:o, s:{s:[o], s:[o]}}",
	    "@odata.type", "#Chassis.v1_23_0.Chassis", "@odata.id", ROOT "/Chassis/1", "Id", "1",
	    "Name", "Chassis", "ChassisType", "RackMount", "Manufacturer", b->manufacturer, "Model",
	    b->product, "SerialNumber", b->serial, "PartNumber", b->part, "PowerState",
	    b->power ? "On" : "Off", "Status", status_obj("Enabled", sim_bmc_health(b)), "Sensors",
	    odata_link(ROOT "/Chassis/1/Sensors"), "Thermal", odata_link(ROOT "/Chassis/1/Thermal"),
	    "Power", odata_link(ROOT "/Chassis/1/Power"), "Links", "ComputerSystems",
	    odata_link(ROOT "/Systems/1"), "ManagedBy", odata_link(ROOT "/Managers/1"));
}

static json_t *manager_json(struct sim_bmc *b)
{
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:{s:[o], s:[o]}}", "@odata.type",
	    "#Manager.v1_19_0.Manager", "@odata.id", ROOT "/Managers/1", "Id", "1", "Name",
	    "Manager", "ManagerType", "BMC", "Model", "bmcsim", "FirmwareVersion",
	    "bmcsim " PACKAGE_VERSION, "Status", status_obj("Enabled", SIM_HEALTHY), "LogServices",
	    odata_link(ROOT "/Managers/1/LogServices"), "Links", "ManagerForServers",
	    odata_link(ROOT "/Systems/1"), "ManagerForChassis", odata_link(ROOT "/Chassis/1"));
}

static json_t *log_services_json(const char *id)
{
	return collection("#LogServiceCollection.LogServiceCollection", id, "Log Services",
			  json_pack("[o]", odata_link(ROOT "/Managers/1/LogServices/SEL")));
}

static json_t *log_service_json(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o}", "@odata.type",
			 "#LogService.v1_5_0.LogService", "@odata.id",
			 ROOT "/Managers/1/LogServices/SEL", "Id", "SEL", "Name",
			 "System Event Log", "LogEntryType", "SEL", "OverWritePolicy",
			 "WrapsWhenFull", "MaxNumberOfRecords", SIM_SEL_MAX, "Entries",
			 odata_link(ROOT "/Managers/1/LogServices/SEL/Entries"), "Status",
			 status_obj("Enabled", SIM_HEALTHY));
}

/* IPMI sensor types to LogEntry SensorType names (the common ones). */
static const char *sel_sensor_type(uint8_t t)
{
	switch (t) {
	case 0x01:
		return "Temperature";
	case 0x02:
		return "Voltage";
	case 0x03:
		return "Current";
	case 0x04:
		return "Fan";
	case 0x07:
		return "Processor";
	case 0x08:
		return "Power Supply / Converter";
	case 0x09:
		return "PowerUnit";
	case 0x0c:
		return "Memory";
	case 0x12:
		return "System Event";
	case 0x1d:
		return "System Boot/Restart";
	case 0x20:
		return "OS Stop/Shutdown";
	case 0x22:
		return "System ACPI PowerState";
	case 0x23:
		return "Watchdog";
	default:
		return NULL;
	}
}

json_t *sim_redfish_resource_sel_entry(struct sim_bmc *b, const struct sim_sel_entry *e)
{
	static const char *const threshold_events[] = {
	    "lower non-critical going low",    "lower non-critical going high",
	    "lower critical going low",	       "lower critical going high",
	    "lower non-recoverable going low", "lower non-recoverable going high",
	    "upper non-critical going low",    "upper non-critical going high",
	    "upper critical going low",	       "upper critical going high",
	    "upper non-recoverable going low", "upper non-recoverable going high",
	};
	static const struct {
		uint8_t type, offset;
		const char *text, *severity;
	} specific[] = {
	    {0x07, 0x00, "IERR", "Critical"},
	    {0x08, 0x00, "presence detected", "OK"},
	    {0x08, 0x01, "power supply failure detected", "Critical"},
	    {0x08, 0x03, "power supply input lost", "Critical"},
	    {0x0c, 0x00, "correctable ECC", "Warning"},
	    {0x0c, 0x01, "uncorrectable ECC", "Critical"},
	    {0x1d, 0x00, "initiated by power up", "OK"},
	    {0x1d, 0x01, "initiated by hard reset", "OK"},
	    {0x1d, 0x02, "initiated by warm reset", "OK"},
	    {0x22, 0x00, "S0/G0: working", "OK"},
	    {0x22, 0x05, "G2: soft off", "OK"},
	    {0x22, 0x06, "S4/S5: soft off", "OK"},
	};
	const char *type = sel_sensor_type(e->sensor_type), *severity = "OK";
	const char *sensor = NULL, *what = NULL;
	int deassert = (e->event_dir_type & 0x80) != 0;
	unsigned offset = e->data[0] & 0x0f;
	char id[16], url[HTTP_PATH_MAX], created[32], msg[160], name[24];
	time_t t = (time_t)e->timestamp;
	struct tm tm;
	json_t *o;
	size_t i;

	for (i = 0; i < b->nsensors; i++)
		if (b->sensors[i].number == e->sensor_number)
			sensor = b->sensors[i].name;
	if (sensor == NULL && type != NULL)
		sensor = type;
	if (sensor == NULL) {
		snprintf(name, sizeof name, "sensor %u", e->sensor_number);
		sensor = name;
	}
	if ((e->event_dir_type & 0x7f) == 0x01 && offset < 12) {
		if (!deassert)
			severity =
			    offset >= 2 && offset != 6 && offset != 7 ? "Critical" : "Warning";
		snprintf(msg, sizeof msg, "%s: %s %s", sensor, threshold_events[offset],
			 deassert ? "deasserted" : "asserted");
	} else {
		for (i = 0; i < sizeof specific / sizeof specific[0]; i++)
			if (specific[i].type == e->sensor_type && specific[i].offset == offset) {
				what = specific[i].text;
				if (!deassert)
					severity = specific[i].severity;
			}
		if (what != NULL)
			snprintf(msg, sizeof msg, "%s: %s%s", sensor, what,
				 deassert ? " (deasserted)" : "");
		else
			snprintf(msg, sizeof msg, "%s: event offset %u %s", sensor, offset,
				 deassert ? "deasserted" : "asserted");
	}
	gmtime_r(&t, &tm);
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	snprintf(id, sizeof id, "%u", e->id);
	snprintf(url, sizeof url, ROOT "/Managers/1/LogServices/SEL/Entries/%u", e->id);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "@odata.type",
		      "#LogEntry.v1_15_0.LogEntry", "@odata.id", url, "Id", id, "Name", "SEL Entry",
		      "EntryType", "SEL", "Created", created, "Severity", severity, "Message", msg,
		      "SensorNumber", e->sensor_number, "EntryCode",
		      deassert ? "Deassert" : "Assert");
	if (type != NULL)
		json_object_set_new(o, "SensorType", json_string(type));
	return o;
}

/* Entries come inline, as most BMCs send them (no $expand needed). */
static json_t *sel_entries_json(struct sim_bmc *b)
{
	json_t *members = json_array();
	size_t i;

	for (i = 0; i < b->nsel; i++)
		json_array_append_new(members, sim_redfish_resource_sel_entry(b, &b->sel[i]));
	return collection("#LogEntryCollection.LogEntryCollection",
			  ROOT "/Managers/1/LogServices/SEL/Entries", "SEL Entries", members);
}

/* A collection of one member, id/1: inline with $expand, else a link. */
static json_t *one_member(const char *type, const char *id, const char *name, struct sim_bmc *b,
			  int expand, json_t *(*build)(struct sim_bmc *b))
{
	return collection(type, id, name,
			  json_pack("[o]", expand ? build(b) : odata_link("%s/1", id)));
}

/* GET-only resources: path -> builder. */
json_t *sim_redfish_resource_get(struct sim_redfish_bmc *rb, const struct http_req *q, int *found)
{
	struct sim_bmc *b = rb->b;
	const char *p = q->path;
	const char *sensors = ROOT "/Chassis/1/Sensors/";
	const char *entries = ROOT "/Managers/1/LogServices/SEL/Entries/";
	size_t i;

	*found = 1;
	if (strcmp(p, ROOT "/SessionService") == 0)
		return json_pack("{s:s, s:s, s:s, s:s, s:b, s:i, s:o}", "@odata.type",
				 "#SessionService.v1_1_8.SessionService", "@odata.id",
				 ROOT "/SessionService", "Id", "SessionService", "Name",
				 "Session Service", "ServiceEnabled", 1, "SessionTimeout",
				 RF_SESSION_TIMEOUT, "Sessions",
				 odata_link(ROOT "/SessionService/Sessions"));
	if (strcmp(p, ROOT "/SessionService/Sessions") == 0) {
		json_t *m = json_array();

		for (i = 0; i < RF_MAX_SESSIONS; i++)
			if (sim_redfish_session_valid(rb, &rb->sessions[i]))
				json_array_append_new(
				    m, q->expand ? sim_redfish_session_json(&rb->sessions[i],
									    rb->b->sim->opt.user)
						 : odata_link(ROOT "/SessionService/Sessions/%u",
							      rb->sessions[i].id));
		return collection("#SessionCollection.SessionCollection",
				  ROOT "/SessionService/Sessions", "Sessions", m);
	}
	if (strcmp(p, ROOT "/Systems") == 0)
		return one_member("#ComputerSystemCollection.ComputerSystemCollection",
				  ROOT "/Systems", "Computer Systems", b, q->expand, system_json);
	if (strcmp(p, ROOT "/Systems/1") == 0)
		return system_json(b);
	if (strcmp(p, ROOT "/Systems/1/LogServices") == 0)
		return log_services_json(ROOT "/Systems/1/LogServices");
	if (strcmp(p, ROOT "/Chassis") == 0)
		return one_member("#ChassisCollection.ChassisCollection", ROOT "/Chassis",
				  "Chassis Collection", b, q->expand, chassis_json);
	if (strcmp(p, ROOT "/Chassis/1") == 0)
		return chassis_json(b);
	if (strcmp(p, ROOT "/Chassis/1/Sensors") == 0)
		return sensors_json(b, q->expand);
	if (strncmp(p, sensors, strlen(sensors)) == 0) {
		const struct sim_sensor *s = sensor_by_id(b, p + strlen(sensors));

		if (s != NULL)
			return sensor_json(s);
	}
	if (strcmp(p, ROOT "/Chassis/1/Thermal") == 0)
		return thermal_json(b);
	if (strcmp(p, ROOT "/Chassis/1/Power") == 0)
		return power_json(b);
	if (strcmp(p, ROOT "/Managers") == 0)
		return one_member("#ManagerCollection.ManagerCollection", ROOT "/Managers",
				  "Manager Collection", b, q->expand, manager_json);
	if (strcmp(p, ROOT "/Managers/1") == 0)
		return manager_json(b);
	if (strcmp(p, ROOT "/Managers/1/LogServices") == 0)
		return log_services_json(ROOT "/Managers/1/LogServices");
	if (strcmp(p, ROOT "/Managers/1/LogServices/SEL") == 0)
		return log_service_json();
	if (strcmp(p, ROOT "/Managers/1/LogServices/SEL/Entries") == 0)
		return sel_entries_json(b);
	if (strncmp(p, entries, strlen(entries)) == 0) {
		for (i = 0; i < b->nsel; i++) {
			char id[16];

			snprintf(id, sizeof id, "%u", b->sel[i].id);
			if (strcmp(id, p + strlen(entries)) == 0)
				return sim_redfish_resource_sel_entry(b, &b->sel[i]);
		}
	}
	*found = 0;
	return NULL;
}

json_t *sim_redfish_resource_public(struct sim_bmc *b, const char *path)
{
	if (strcmp(path, "/redfish") == 0)
		return json_pack("{s:s}", "v1", ROOT "/");
	if (strcmp(path, ROOT) == 0) {
		json_t *root = service_root(b);

		json_object_set_new(root, "EventService", odata_link(ROOT "/EventService"));
		return root;
	}
	if (strcmp(path, ROOT "/odata") == 0)
		return json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "@odata.context", ROOT "/$metadata",
				 "value", "name", "Service", "kind", "Singleton", "url", ROOT "/");
	return NULL;
}
