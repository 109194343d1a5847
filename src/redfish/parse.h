/*
 * redfish/parse.h - Redfish payloads to the host model: pure functions over
 * JSON already parsed (jansson), plus the body caps and the link rules.
 * Implemented by json.c (caps, loading), link.c (the link rule), parse.c
 * (root, system, chassis, manager), parse-sensors.c and parse-logs.c.
 *
 * Real services differ in which resources they offer and how they fill
 * them; every extractor tolerates missing or wrong-typed members (the value
 * is skipped, never trusted) and never follows a link itself: it returns
 * links for the I/O layer to fetch, after redfish_resolve_link() has checked
 * that they stay on the service's own origin.
 */
#ifndef BMCTOP_REDFISH_PARSE_H
#define BMCTOP_REDFISH_PARSE_H

#include <jansson.h>
#include <stddef.h>

#include "core/host.h"

#define RF_LINK_MAX 512
#define RF_BODY_MAX (4 * 1024 * 1024) /* no body is bigger: the cap of the largest kind */
#define RF_DEPTH_MAX 32		      /* deeper JSON is refused */

/*
 * What a body is, for the caps on it: a resource (service root, system,
 * chassis, manager, one sensor, a legacy Thermal or Power), a collection
 * (Members, perhaps expanded: sensors, fans, supplies, chassis, log
 * services) or a page of log entries.  The parsed tree costs far more than
 * the text (an 8 MiB [{},{},...] is 2.8 million objects, 650 MB), so the
 * number of JSON values is capped as well as the bytes, before parsing.
 */
enum rf_body_kind { RF_BODY_RESOURCE, RF_BODY_COLLECTION, RF_BODY_LOG };

struct rf_body_limit {
	const char *what; /* "a resource", "a collection", "a page of log entries" */
	size_t max_bytes;
	size_t max_values; /* JSON values, counted as { [ and , outside strings */
};

const struct rf_body_limit *rf_body_limit(enum rf_body_kind kind);

/*
 * Whether body stays within lim (bytes, values) and RF_DEPTH_MAX, from one
 * pass over the text, without parsing: 0, or -1 with *err (malloc'd, for a
 * person, naming the limit; err may be NULL).
 */
int redfish_json_precheck(const char *body, size_t len, const struct rf_body_limit *lim,
			  char **err);

/*
 * Parse a response body of that kind, within its caps.  NULL with *err
 * (malloc'd, for a person; err may be NULL) on malformed JSON, a body over
 * a cap, or a top level that is not an object.
 */
json_t *redfish_json_load_kind(const char *body, size_t len, enum rf_body_kind kind, char **err);
/* The same with the caps of the largest kind (a page of log entries). */
json_t *redfish_json_load(const char *body, size_t len, char **err);

/*
 * Resolve link (an @odata.id, a Location header, or a URL) against the
 * service's base URL ("https://host:port").  Writes an absolute URL into out.
 * Returns 0, or -1 when the link leaves the origin (another scheme, host or
 * port), is not a path under /redfish/, holds control characters, spaces,
 * "..", or does not fit.
 */
int redfish_resolve_link(const char *base, const char *link, char *out, size_t outlen);

enum rf_vendor { RF_VENDOR_OTHER, RF_VENDOR_DELL, RF_VENDOR_HPE, RF_VENDOR_LENOVO,
		 RF_VENDOR_SUPERMICRO, RF_VENDOR_OPENBMC, RF_VENDOR_AMI, RF_VENDOR_DMTF };
const char *rf_vendor_name(enum rf_vendor v); /* "Dell iDRAC", "HPE iLO", ... */

struct rf_root {
	char redfish_version[16];
	char vendor_string[64]; /* ServiceRoot Vendor, "" if absent */
	char product[64];
	char uuid[64];
	enum rf_vendor vendor;	 /* from Vendor, Oem keys, Product */
	int expand_levels;	 /* ProtocolFeaturesSupported.ExpandQuery: Levels/ExpandAll */
	char expand[24];	 /* the $expand value for one level of Members, "" if none */
	char systems[RF_LINK_MAX];
	char chassis[RF_LINK_MAX];
	char managers[RF_LINK_MAX];
	char session_service[RF_LINK_MAX];
	char sessions[RF_LINK_MAX]; /* Links.Sessions */
};

int rf_parse_root(json_t *j, struct rf_root *out);

/* Members[*].@odata.id of a collection; *links malloc'd array of malloc'd strings. */
int rf_parse_collection(json_t *j, char ***links, size_t *n);
void rf_free_links(char **links, size_t n);
/*
 * Whether a collection member carries the resource itself ($expand), not
 * only its link: any member besides the @odata annotations.
 */
int rf_member_expanded(json_t *member);
/* j[key]["@odata.id"] copied whole into out; 0, or -1 when absent. */
int rf_parse_link(json_t *j, const char *key, char *out, size_t outlen);
/* Members@odata.nextLink, the next page of a collection; 0, or -1 when last. */
int rf_parse_next_link(json_t *j, char *out, size_t outlen);

#define RF_MAX_RESET_TYPES 16
#define RF_MAX_BOOT_TARGETS 32

struct rf_console {
	int graphical_enabled;	  /* GraphicalConsole.ServiceEnabled */
	int graphical_said;	  /* ... was present at all */
	char graphical_types[128]; /* ConnectTypesSupported, comma-joined: "KVMIP,OEM" */
	int serial_enabled;
	int serial_said;
	char serial_types[128];	   /* "SSH,IPMI" ... */
};

/*
 * CONSOLE_CAP_* bits for what c offers: the connect types of each console
 * that is enabled (or does not say), compared case-insensitively.
 */
unsigned rf_console_caps(const struct rf_console *c);

struct rf_system {
	enum bmc_power power;	 /* PowerState On/Off/PoweringOn/PoweringOff */
	enum bmc_health health;	 /* Status.HealthRollup, else Status.Health */
	char manufacturer[64];
	char model[64];
	char serial[64];
	char bios_version[64];
	char reset_target[RF_LINK_MAX];	   /* Actions.#ComputerSystem.Reset.target */
	char reset_action_info[RF_LINK_MAX]; /* ...@Redfish.ActionInfo */
	char reset_types[RF_MAX_RESET_TYPES][24]; /* ResetType@Redfish.AllowableValues */
	size_t nreset_types;
	char boot_target[24];	 /* Boot.BootSourceOverrideTarget */
	char boot_enabled[24];	 /* Boot.BootSourceOverrideEnabled: Once, Continuous, Disabled */
	char boot_targets[RF_MAX_BOOT_TARGETS][24]; /* BootSourceOverrideTarget@Redfish.AllowableValues */
	size_t nboot_targets;
	char log_services[RF_LINK_MAX];
	struct rf_console console;
	char etag[128]; /* @odata.etag, when rf_etag_valid() */
};

int rf_parse_system(json_t *j, struct rf_system *out);
/*
 * Whether a peer's entity tag may go into an If-Match header: 1 to 127
 * bytes, each printable ASCII (no CR, LF or other control to split the
 * header with).
 */
int rf_etag_valid(const char *etag);
/* An ActionInfo resource: Parameters[Name=ResetType].AllowableValues. */
int rf_parse_action_info(json_t *j, char types[][24], size_t max, size_t *n);

struct rf_chassis {
	enum bmc_health health;
	char model[64];
	char serial[64];
	char thermal[RF_LINK_MAX];	      /* legacy Thermal */
	char power[RF_LINK_MAX];	      /* legacy Power */
	char sensors[RF_LINK_MAX];	      /* Sensors collection */
	char thermal_subsystem[RF_LINK_MAX];
	char power_subsystem[RF_LINK_MAX];
};

int rf_parse_chassis(json_t *j, struct rf_chassis *out);

struct rf_manager {
	char model[64];
	char firmware[64];
	char log_services[RF_LINK_MAX];
	struct rf_console console;
};

int rf_parse_manager(json_t *j, struct rf_manager *out);

/*
 * Sensors: append to a growable array (*s, *n, *cap), source SRC_REDFISH,
 * type temperature/fan/voltage/current/power, units C/RPM/V/A/W/%, status
 * from Status.Health and the reading against the thresholds (upper/lower
 * non-critical -> warning, critical or fatal -> critical).
 */
int rf_parse_thermal(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap);
int rf_parse_power(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap);
/* One Sensor resource (from the Sensors collection, expanded or not). */
int rf_parse_sensor(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap);

/*
 * The newer schema (ThermalSubsystem, PowerSubsystem): one Fan (RPM, else
 * percent), the temperatures of a ThermalMetrics resource, one PowerSupply
 * (its health, with the link of its PowerSupplyMetrics in metrics, "" if
 * none), and that metrics resource's output (else input) watts put on the
 * supply's sensor.
 */
int rf_parse_fan(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap);
int rf_parse_thermal_metrics(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap);
int rf_parse_power_supply(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap,
			  char *metrics, size_t metrics_len);
int rf_parse_power_supply_metrics(json_t *j, struct bmc_sensor *supply);

/*
 * A chassis offers its readings in up to three sources, preferred first:
 * the Sensors collection, ThermalSubsystem/PowerSubsystem, then the legacy
 * Thermal and Power.  Firmware fills them unevenly (AMI MegaRAC's Sensors
 * holds only power and energy, its Thermal the temperatures), so each kind
 * of reading (the model's type: temperature, fan, voltage, power, ...) is
 * taken from the first source that has any of it.  rf_sensors_merge()
 * appends the sensors of the next source in order whose type none of *s had
 * before the call, and returns how many it added.
 */
size_t rf_sensors_merge(struct bmc_sensor **s, size_t *n, size_t *cap, const struct bmc_sensor *add,
			size_t nadd);
/* Whether one of the n sensors is of that type. */
int rf_sensors_have_kind(const struct bmc_sensor *s, size_t n, const char *type);

/*
 * The message of a Redfish error body (error.@Message.ExtendedInfo[0].Message,
 * else error.message), as display text; 0, or -1 when there is none.
 */
int rf_parse_error_message(json_t *j, char *out, size_t outlen);

/* bmctop's boot devices as BootSourceOverrideTarget words, and back. */
const char *rf_boot_target(enum bmc_boot_device d);
enum bmc_boot_device rf_boot_device(const char *target);

/* LogService collection -> the link of the entries of the best log (SEL, then Event log). */
int rf_pick_log_entries(json_t *log_services_expanded_or_collection, char *out, size_t outlen);
/* A LogEntry collection (Members inline) -> events, newest first. */
int rf_parse_log_entries(json_t *j, struct bmc_event **ev, size_t *n);

/*
 * The members of a LogEntry collection served as links only (no entry in
 * them), the newest max of them: by the number their links end with when
 * each does (record ids grow), else the last max listed (services list
 * oldest first).  Their indexes in members go to idx (room for max), in
 * the collection's order; returns how many.
 */
size_t rf_pick_linked_entries(json_t *members, size_t max, size_t *idx);

/*
 * A LogService resource -> the link of its Entries.  0, or -1 when it has
 * none (for services that list LogServices without expanding them).
 */
int rf_parse_log_service(json_t *j, char *out, size_t outlen);

/*
 * The vendor a Manager's Oem section names, RF_VENDOR_OTHER if none.  For
 * services whose root says nothing about who made them (stock OpenBMC).
 */
enum rf_vendor rf_manager_vendor(json_t *j);

#endif
