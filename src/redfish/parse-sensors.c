/*
 * redfish/parse-sensors.c - sensors from Redfish payloads: the Sensors
 * collection's members, the newer ThermalSubsystem and PowerSubsystem
 * resources, and the legacy Thermal and Power arrays.
 *
 * The part that is not obvious is thresholds.  Firmware fills thresholds it
 * does not have with sentinels (iLO 7 uses -1 and 65535), which would turn
 * healthy sensors critical; a set of thresholds that does not order (lower
 * below upper, caution inside critical inside fatal) or that is one value
 * repeated is dropped as a whole.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"
#include "redfish/json.h"
#include "redfish/parse.h"

/* Bounds on what one payload may add, whatever its size. */
#define RF_SENSORS_MAX	  4096 /* sensors in one growable array */
#define RF_ARRAY_SCAN_MAX 1024 /* members read from one legacy array */

/* Sensors. */

/* Threshold member names in enum bmc_threshold order (LNR, LCR, LNC, UNC, UCR, UNR). */
static const char *const legacy_thresholds[TH__MAX] = {
    "LowerThresholdFatal",	 "LowerThresholdCritical", "LowerThresholdNonCritical",
    "UpperThresholdNonCritical", "UpperThresholdCritical", "UpperThresholdFatal",
};
static const char *const sensor_thresholds[TH__MAX] = {
    "LowerFatal", "LowerCritical", "LowerCaution", "UpperCaution", "UpperCritical", "UpperFatal",
};

/* Drop thresholds that cannot be meant (see the top of the file). */
static void check_thresholds(struct bmc_sensor *x)
{
	double prev = 0;
	int count = 0, all_same = 1, i, k;

	/* In slot order LNR..UNR the values must not decrease. */
	for (i = 0; i < TH__MAX; i++) {
		if (!(x->threshold_mask & (1u << i)))
			continue;
		if (count > 0 && x->threshold[i] < prev)
			goto drop;
		if (count > 0 && x->threshold[i] != prev)
			all_same = 0;
		prev = x->threshold[i];
		count++;
	}
	if (count >= 2 && all_same)
		goto drop;
	/* And a lower threshold sits strictly below every upper one. */
	for (i = TH_LNR; i <= TH_LNC; i++)
		for (k = TH_UNC; k <= TH_UNR; k++)
			if ((x->threshold_mask & (1u << i)) && (x->threshold_mask & (1u << k)) &&
			    x->threshold[i] >= x->threshold[k])
				goto drop;
	return;
drop:
	x->threshold_mask = 0;
	memset(x->threshold, 0, sizeof(x->threshold));
}

/* The reading against the thresholds; UNKNOWN when there is no reading. */
static enum bmc_health threshold_status(const struct bmc_sensor *x)
{
	unsigned m = x->threshold_mask;
	double v = x->value;

	if (!x->has_value)
		return BMC_HEALTH_UNKNOWN;
	if (((m & 1u << TH_UNR) && v > x->threshold[TH_UNR]) ||
	    ((m & 1u << TH_UCR) && v > x->threshold[TH_UCR]) ||
	    ((m & 1u << TH_LNR) && v < x->threshold[TH_LNR]) ||
	    ((m & 1u << TH_LCR) && v < x->threshold[TH_LCR]))
		return BMC_HEALTH_CRITICAL;
	if (((m & 1u << TH_UNC) && v > x->threshold[TH_UNC]) ||
	    ((m & 1u << TH_LNC) && v < x->threshold[TH_LNC]))
		return BMC_HEALTH_WARNING;
	return BMC_HEALTH_OK;
}

/* What a member's Status.State means for its reading. */
enum member_state { MEMBER_ENABLED, MEMBER_OFFLINE, MEMBER_ABSENT };

static enum member_state member_state(json_t *m, const char **state)
{
	const char *s = rf_json_str(rf_json_obj(m, "Status"), "State");

	*state = s;
	if (s == NULL)
		return MEMBER_ENABLED;
	if (strcasecmp(s, "Absent") == 0)
		return MEMBER_ABSENT;
	if (strcasecmp(s, "Disabled") == 0 || strcasecmp(s, "UnavailableOffline") == 0 ||
	    strcasecmp(s, "StandbyOffline") == 0)
		return MEMBER_OFFLINE;
	return MEMBER_ENABLED;
}

static struct bmc_sensor *sensor_append(struct bmc_sensor **s, size_t *n, size_t *cap)
{
	struct bmc_sensor *x;

	if (*n >= RF_SENSORS_MAX)
		return NULL;
	if (*n >= *cap) {
		size_t ncap = *cap < 16 ? 16 : *cap * 2;

		*s = xreallocarray(*s, ncap, sizeof(**s));
		*cap = ncap;
	}
	x = &(*s)[(*n)++];
	memset(x, 0, sizeof(*x));
	x->source = SRC_REDFISH;
	return x;
}

/*
 * Name a member of a legacy array: Name, else the kind and MemberId.  Names
 * that repeat within the array (HPE calls every supply
 * "HpeServerPowerSupply") get the MemberId appended.
 */
static void member_name(char *dst, size_t size, json_t *arr, size_t index, const char *kind)
{
	json_t *m = json_array_get(arr, index);
	const char *name = rf_json_str(m, "Name"), *id = rf_json_str(m, "MemberId");
	char buf[128];
	size_t i, same = 0, n = json_array_size(arr);

	if (id == NULL)
		id = rf_json_str(m, "Id");
	if (name == NULL || name[0] == '\0') {
		if (id != NULL)
			snprintf(buf, sizeof(buf), "%s %s", kind, id);
		else
			snprintf(buf, sizeof(buf), "%s %zu", kind, index);
		rf_json_copy_text(dst, size, buf);
		return;
	}
	for (i = 0; i < n && i < RF_ARRAY_SCAN_MAX; i++) {
		const char *other = rf_json_str(json_array_get(arr, i), "Name");

		if (other != NULL && strcmp(other, name) == 0)
			same++;
	}
	if (same > 1 && id != NULL) {
		snprintf(buf, sizeof(buf), "%s %s", name, id);
		rf_json_copy_text(dst, size, buf);
		return;
	}
	rf_json_copy_text(dst, size, name);
}

struct member_spec {
	const char *kind; /* for names of unnamed members: "Temperature" */
	const char *type, *unit;
	const char *reading;	       /* member holding the value */
	const char *reading_alt;       /* a second choice, or NULL */
	const char *const *thresholds; /* legacy_thresholds, or NULL */
	int status_is_not_the_meter;   /* PowerControl: State is the power limit's */
};

/*
 * One member of a legacy Thermal or Power array.  The status is the rf_json_worst
 * of Status.Health and the reading against the thresholds; an offline
 * member keeps its name but no value.
 */
static void parse_member(json_t *arr, size_t index, const struct member_spec *spec,
			 struct bmc_sensor **s, size_t *n, size_t *cap)
{
	json_t *m = json_array_get(arr, index);
	struct bmc_sensor tmp, *x;
	const char *state;
	enum member_state ms;
	enum bmc_health health;
	double v;
	int i;

	if (!json_is_object(m))
		return;
	ms = member_state(m, &state);
	if (ms == MEMBER_ABSENT)
		return;
	memset(&tmp, 0, sizeof(tmp));
	if (rf_json_num(m, spec->reading, &v) ||
	    (spec->reading_alt && rf_json_num(m, spec->reading_alt, &v))) {
		tmp.value = v;
		tmp.has_value = 1;
	}
	for (i = 0; spec->thresholds && i < TH__MAX; i++)
		if (rf_json_num(m, spec->thresholds[i], &v)) {
			tmp.threshold[i] = v;
			tmp.threshold_mask |= 1u << i;
		}
	health = rf_json_health(rf_json_str(rf_json_obj(m, "Status"), "Health"));
	if (ms == MEMBER_OFFLINE && !spec->status_is_not_the_meter) {
		tmp.has_value = 0;
		health = BMC_HEALTH_UNKNOWN;
		rf_json_copy_text(tmp.state, sizeof(tmp.state), state);
	} else if (ms == MEMBER_OFFLINE) {
		health = BMC_HEALTH_UNKNOWN;
	} else if (!tmp.has_value && health == BMC_HEALTH_UNKNOWN) {
		return; /* nothing to show: no reading, no health, not offline */
	}
	x = sensor_append(s, n, cap);
	if (x == NULL)
		return;
	*x = tmp;
	x->source = SRC_REDFISH;
	member_name(x->name, sizeof(x->name), arr, index, spec->kind);
	rf_json_copy_text(x->type, sizeof(x->type), spec->type);
	rf_json_copy_text(x->unit, sizeof(x->unit), spec->unit);
	check_thresholds(x);
	x->status = rf_json_worst(health, threshold_status(x));
	if (x->status == BMC_HEALTH_UNKNOWN && x->has_value)
		x->status = BMC_HEALTH_OK;
}

static void parse_array(json_t *j, const char *key, const struct member_spec *spec,
			struct bmc_sensor **s, size_t *n, size_t *cap)
{
	json_t *arr = rf_json_array(j, key);
	size_t i;

	for (i = 0; i < json_array_size(arr) && i < RF_ARRAY_SCAN_MAX; i++)
		parse_member(arr, i, spec, s, n, cap);
}

int rf_parse_thermal(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap)
{
	static const struct member_spec temps = {
	    "Temperature", "temperature", "C", "ReadingCelsius", NULL, legacy_thresholds, 0};
	static const struct member_spec fans_rpm = {
	    "Fan", "fan", "RPM", "Reading", "ReadingRPM", legacy_thresholds, 0};
	static const struct member_spec fans_pct = {
	    "Fan", "fan", "%", "Reading", NULL, legacy_thresholds, 0};
	json_t *fans = rf_json_array(j, "Fans");
	size_t i;

	if (!json_is_object(j))
		return -1;
	parse_array(j, "Temperatures", &temps, s, n, cap);
	/* ReadingUnits is per fan: iLO gives Percent, most others RPM (the default). */
	for (i = 0; i < json_array_size(fans) && i < RF_ARRAY_SCAN_MAX; i++) {
		const char *u = rf_json_str(json_array_get(fans, i), "ReadingUnits");

		parse_member(fans, i, u && strcasecmp(u, "Percent") == 0 ? &fans_pct : &fans_rpm, s,
			     n, cap);
	}
	return 0;
}

int rf_parse_power(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap)
{
	static const struct member_spec control = {
	    "Power Control", "power", "W", "PowerConsumedWatts", NULL, NULL, 1};
	static const struct member_spec volts = {"Voltage", "voltage",	       "V", "ReadingVolts",
						 NULL,	    legacy_thresholds, 0};
	static const struct member_spec supplies = {
	    "Power Supply", "power", "W", "LastPowerOutputWatts", "PowerOutputWatts", NULL, 0};

	if (!json_is_object(j))
		return -1;
	parse_array(j, "PowerControl", &control, s, n, cap);
	parse_array(j, "Voltages", &volts, s, n, cap);
	parse_array(j, "PowerSupplies", &supplies, s, n, cap);
	return 0;
}

/* Sensor.ReadingType to the model's type and unit. */
static const struct {
	const char *reading_type, *type, *unit;
} reading_types[] = {
    {"Temperature", "temperature", "C"},
    {"Rotational", "fan", "RPM"},
    {"Voltage", "voltage", "V"},
    {"Current", "current", "A"},
    {"Power", "power", "W"},
    {"Percent", "percent", "%"},
    {"Humidity", "humidity", "%"},
    {"Frequency", "frequency", "Hz"},
    {"EnergyJoules", "energy", "J"},
    {"EnergykWh", "energy", "kWh"},
    {"EnergyWh", "energy", "Wh"},
    {"PowerFactor", "power factor", ""},
    {"Pressure", "pressure", "Pa"},
    {"LiquidFlow", "liquid flow", "L/min"},
    {"AirFlow", "air flow", "ft3/min"},
    {"Altitude", "altitude", "m"},
};

/* UCUM units as Redfish writes them, to the model's. */
static const struct {
	const char *ucum, *type, *unit;
} ucum_units[] = {
    {"Cel", "temperature", "C"}, {"RPM", "fan", "RPM"},	    {"{rev}/min", "fan", "RPM"},
    {"V", "voltage", "V"},	 {"A", "current", "A"},	    {"W", "power", "W"},
    {"%", "percent", "%"},	 {"Hz", "frequency", "Hz"}, {"J", "energy", "J"},
    {"kW.h", "energy", "kWh"},	 {"W.h", "energy", "Wh"},   {"Pa", "pressure", "Pa"},
};

/*
 * Type and unit from ReadingType, else from ReadingUnits.  iLO 6 and 7 give
 * neither, but only their temperature map ("sea of sensors") lives there.
 */
static void sensor_kind(json_t *j, struct bmc_sensor *x)
{
	const char *rt = rf_json_str(j, "ReadingType"), *ru = rf_json_str(j, "ReadingUnits");
	const char *unit = NULL, *type = NULL, *hpe;
	size_t i;

	for (i = 0; rt && i < sizeof(reading_types) / sizeof(reading_types[0]); i++)
		if (strcmp(rt, reading_types[i].reading_type) == 0) {
			type = reading_types[i].type;
			unit = reading_types[i].unit;
		}
	for (i = 0; ru && i < sizeof(ucum_units) / sizeof(ucum_units[0]); i++)
		if (strcmp(ru, ucum_units[i].ucum) == 0) {
			if (type == NULL)
				type = ucum_units[i].type;
			unit = ucum_units[i].unit;
		}
	hpe = rf_json_str(rf_json_obj(rf_json_obj(j, "Oem"), "Hpe"), "@odata.type");
	if (type == NULL && rt == NULL && ru == NULL && hpe && strstr(hpe, "HpeSeaOfSensors")) {
		type = "temperature";
		unit = "C";
	}
	if (type == NULL) {
		/* An unknown ReadingType in lower case, as IPMI type names are. */
		rf_json_copy_text(x->type, sizeof(x->type), rt ? rt : "other");
		for (i = 0; x->type[i] != '\0'; i++)
			x->type[i] = (char)tolower((unsigned char)x->type[i]);
	} else {
		rf_json_copy_text(x->type, sizeof(x->type), type);
	}
	rf_json_copy_text(x->unit, sizeof(x->unit), unit ? unit : ru);
}

int rf_parse_sensor(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap)
{
	json_t *th = rf_json_obj(j, "Thresholds");
	struct bmc_sensor tmp, *x;
	enum member_state ms;
	enum bmc_health health;
	const char *state, *name;
	double v;
	int i;

	if (!json_is_object(j))
		return -1;
	ms = member_state(j, &state);
	if (ms == MEMBER_ABSENT)
		return 0;
	memset(&tmp, 0, sizeof(tmp));
	tmp.source = SRC_REDFISH;
	name = rf_json_str(j, "Name");
	if (name == NULL || name[0] == '\0')
		name = rf_json_str(j, "Id");
	rf_json_copy_text(tmp.name, sizeof(tmp.name), name ? name : "Sensor");
	sensor_kind(j, &tmp);
	if (rf_json_num(j, "Reading", &v)) {
		tmp.value = v;
		tmp.has_value = 1;
	}
	for (i = 0; i < TH__MAX; i++)
		if (rf_json_num(rf_json_obj(th, sensor_thresholds[i]), "Reading", &v)) {
			tmp.threshold[i] = v;
			tmp.threshold_mask |= 1u << i;
		}
	check_thresholds(&tmp);
	health = rf_json_health(rf_json_str(rf_json_obj(j, "Status"), "Health"));
	if (ms == MEMBER_OFFLINE) {
		tmp.has_value = 0;
		health = BMC_HEALTH_UNKNOWN;
		rf_json_copy_text(tmp.state, sizeof(tmp.state), state);
	}
	tmp.status = rf_json_worst(health, threshold_status(&tmp));
	if (tmp.status == BMC_HEALTH_UNKNOWN && tmp.has_value)
		tmp.status = BMC_HEALTH_OK;
	x = sensor_append(s, n, cap);
	if (x == NULL)
		return -1;
	*x = tmp;
	return 0;
}

/* The newer thermal and power schema. */

/* A named reading with a health, as the subsystem resources give them. */
static void append_reading(struct bmc_sensor **s, size_t *n, size_t *cap, const char *name,
			   const char *type, const char *unit, int has_value, double value,
			   enum bmc_health health, const char *state)
{
	struct bmc_sensor *x = sensor_append(s, n, cap);

	if (x == NULL)
		return;
	rf_json_copy_text(x->name, sizeof(x->name), name);
	rf_json_copy_text(x->type, sizeof(x->type), type);
	rf_json_copy_text(x->unit, sizeof(x->unit), unit);
	x->has_value = has_value;
	x->value = has_value ? value : 0;
	x->status = health;
	if (x->status == BMC_HEALTH_UNKNOWN && has_value)
		x->status = BMC_HEALTH_OK;
	if (state != NULL)
		rf_json_copy_text(x->state, sizeof(x->state), state);
}

static const char *name_or_id(json_t *j, const char *fallback)
{
	const char *name = rf_json_str(j, "Name");

	if (name == NULL || name[0] == '\0')
		name = rf_json_str(j, "Id");
	return name != NULL && name[0] != '\0' ? name : fallback;
}

int rf_parse_fan(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap)
{
	json_t *speed = rf_json_obj(j, "SpeedPercent");
	enum member_state ms;
	const char *state;
	double v = 0;
	int rpm, pct = 0;

	if (!json_is_object(j))
		return -1;
	ms = member_state(j, &state);
	if (ms == MEMBER_ABSENT)
		return 0;
	rpm = rf_json_num(speed, "SpeedRPM", &v);
	if (!rpm)
		pct = rf_json_num(speed, "Reading", &v);
	if (ms == MEMBER_OFFLINE) {
		append_reading(s, n, cap, name_or_id(j, "Fan"), "fan", rpm || !pct ? "RPM" : "%", 0,
			       0, BMC_HEALTH_UNKNOWN, state);
		return 0;
	}
	append_reading(s, n, cap, name_or_id(j, "Fan"), "fan", rpm || !pct ? "RPM" : "%",
		       rpm || pct, v,
		       rf_json_health(rf_json_str(rf_json_obj(j, "Status"), "Health")), NULL);
	return 0;
}

/* The last path segment of a link, for readings named only by their source. */
static const char *last_segment(const char *link)
{
	const char *slash;

	if (link == NULL)
		return NULL;
	slash = strrchr(link, '/');
	return slash != NULL && slash[1] != '\0' ? slash + 1 : link;
}

int rf_parse_thermal_metrics(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap)
{
	static const char *const summary[] = {"Internal", "Intake", "Ambient", "Exhaust"};
	json_t *arr = rf_json_array(j, "TemperatureReadingsCelsius");
	size_t i, before = *n;
	char name[64];
	double v;

	if (!json_is_object(j))
		return -1;
	for (i = 0; i < json_array_size(arr) && i < RF_ARRAY_SCAN_MAX; i++) {
		json_t *m = json_array_get(arr, i);
		const char *dev = rf_json_str(m, "DeviceName");

		if (!rf_json_num(m, "Reading", &v))
			continue;
		if (dev == NULL || dev[0] == '\0')
			dev = last_segment(rf_json_str(m, "DataSourceUri"));
		if (dev == NULL) {
			snprintf(name, sizeof(name), "Temperature %zu", i);
			dev = name;
		}
		append_reading(s, n, cap, dev, "temperature", "C", 1, v, BMC_HEALTH_UNKNOWN, NULL);
	}
	/* Only a summary: it is still better than nothing. */
	for (i = 0; *n == before && i < sizeof(summary) / sizeof(summary[0]); i++)
		if (rf_json_num(
			rf_json_obj(rf_json_obj(j, "TemperatureSummaryCelsius"), summary[i]),
			"Reading", &v)) {
			snprintf(name, sizeof(name), "%s Temp", summary[i]);
			append_reading(s, n, cap, name, "temperature", "C", 1, v,
				       BMC_HEALTH_UNKNOWN, NULL);
		}
	return 0;
}

int rf_parse_power_supply(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap, char *metrics,
			  size_t metrics_len)
{
	enum member_state ms;
	const char *state;
	double v = 0;
	int has;

	if (metrics_len > 0)
		metrics[0] = '\0';
	if (!json_is_object(j))
		return -1;
	ms = member_state(j, &state);
	if (ms == MEMBER_ABSENT)
		return 0;
	/* PowerSupply 1.0-1.2 still carried the output watts themselves. */
	has = rf_json_num(j, "PowerOutputWatts", &v) || rf_json_num(j, "LastPowerOutputWatts", &v);
	if (ms == MEMBER_OFFLINE) {
		append_reading(s, n, cap, name_or_id(j, "Power Supply"), "power", "W", 0, 0,
			       BMC_HEALTH_UNKNOWN, state);
		return 0;
	}
	append_reading(s, n, cap, name_or_id(j, "Power Supply"), "power", "W", has, v,
		       rf_json_health(rf_json_str(rf_json_obj(j, "Status"), "Health")), NULL);
	if (metrics_len > 0)
		rf_json_copy_whole(metrics, metrics_len, rf_json_link(j, "Metrics"));
	return 0;
}

int rf_parse_power_supply_metrics(json_t *j, struct bmc_sensor *supply)
{
	double v;

	if (!json_is_object(j) || supply == NULL)
		return -1;
	if (rf_json_num(rf_json_obj(j, "OutputPowerWatts"), "Reading", &v) ||
	    rf_json_num(rf_json_obj(j, "InputPowerWatts"), "Reading", &v)) {
		supply->value = v;
		supply->has_value = 1;
	}
	supply->status = rf_json_worst(
	    supply->status, rf_json_health(rf_json_str(rf_json_obj(j, "Status"), "Health")));
	if (supply->status == BMC_HEALTH_UNKNOWN && supply->has_value)
		supply->status = BMC_HEALTH_OK;
	return 0;
}

/* Sources per kind of reading. */

int rf_sensors_have_kind(const struct bmc_sensor *s, size_t n, const char *type)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s[i].type, type) == 0)
			return 1;
	return 0;
}

size_t rf_sensors_merge(struct bmc_sensor **s, size_t *n, size_t *cap, const struct bmc_sensor *add,
			size_t nadd)
{
	size_t before = *n, i;
	struct bmc_sensor *x;

	for (i = 0; i < nadd; i++) {
		if (rf_sensors_have_kind(*s, before, add[i].type))
			continue;
		x = sensor_append(s, n, cap);
		if (x == NULL)
			break;
		*x = add[i];
	}
	return *n - before;
}
