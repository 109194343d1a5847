/*
 * core/host.h - the values a host holds: power, health, sensors, events,
 * inventory, counters.
 *
 * Plain data with no loop in it, so the codecs and payload parsers that
 * fill sensors and events need not pull in libuv.  struct bmc_host is here
 * too: what the engine knows of one BMC, filled in by its backend.  When
 * the host is polled is the scheduler's business and lives in core/sched.c,
 * reached through h->index; what the backend keeps is behind backend_data.
 * The functions are in core/host.c.
 */
#ifndef BMCTOP_HOST_H
#define BMCTOP_HOST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum bmc_power { BMC_POWER_UNKNOWN, BMC_POWER_ON, BMC_POWER_OFF };
enum bmc_health { BMC_HEALTH_UNKNOWN, BMC_HEALTH_OK, BMC_HEALTH_WARNING, BMC_HEALTH_CRITICAL };

enum bmc_host_state {
	HOST_NEW,	  /* not polled yet */
	HOST_OK,	  /* last poll succeeded */
	HOST_UNREACHABLE, /* no answer; backing off */
	HOST_ERROR,	  /* answered, but something failed; backing off */
	HOST_PARKED	  /* credentials rejected: not retried until asked */
};

/* Console capabilities a BMC advertised (connect types, case-folded). */
enum bmc_console_cap {
	CONSOLE_CAP_KVMIP = 1,	       /* GraphicalConsole KVMIP */
	CONSOLE_CAP_GFX_OEM = 2,       /* GraphicalConsole Oem */
	CONSOLE_CAP_SERIAL_IPMI = 4,   /* SerialConsole IPMI (SOL) */
	CONSOLE_CAP_SERIAL_SSH = 8,    /* SerialConsole SSH */
	CONSOLE_CAP_SERIAL_TELNET = 16,
	CONSOLE_CAP_SERIAL_OEM = 32,
	CONSOLE_CAP_KNOWN = 1u << 31 /* the BMC was asked; the bits above are its answer */
};

enum bmc_power_action { POWER_STATUS, POWER_ON, POWER_OFF, POWER_CYCLE, POWER_RESET, POWER_SOFT };
enum bmc_boot_device { BOOT_NONE, BOOT_PXE, BOOT_DISK, BOOT_BIOS, BOOT_CDROM };

/* Where a value came from, when a host is polled over both protocols. */
enum bmc_source { SRC_NONE, SRC_IPMI, SRC_REDFISH };

/* Threshold slots, in the order IPMI lists them. */
enum bmc_threshold { TH_LNR, TH_LCR, TH_LNC, TH_UNC, TH_UCR, TH_UNR, TH__MAX };

struct bmc_sensor {
	char name[48];
	char type[24]; /* temperature, fan, voltage, current, power, ... */
	char unit[16]; /* C, RPM, V, A, W, %, or the IPMI unit name */
	double value;
	int has_value;
	enum bmc_health status;
	double threshold[TH__MAX];
	unsigned threshold_mask; /* bit n set: threshold[n] is valid */
	char state[96];		 /* discrete sensors: asserted states, as text */
	enum bmc_source source;
};

struct bmc_event {
	uint32_t id;
	int64_t timestamp; /* Unix seconds; 0 when the BMC did not know */
	char sensor[48];
	char message[160];
	enum bmc_health severity;
	enum bmc_source source;
};

struct bmc_kv {
	char *key;
	char *value;
};

/* Per-host counters; names in bmc_counter_name(). */
enum bmc_counter {
	CNT_POLLS,
	CNT_POLL_FAILURES,
	CNT_TX,
	CNT_RX,
	CNT_RETRANSMITS,
	CNT_SESSIONS,
	CNT_DROP_INTEGRITY,
	CNT_DROP_SESSION_ID,
	CNT_DROP_SEQUENCE,
	CNT_DROP_MISMATCH,
	CNT_DROP_MALFORMED,
	CNT_DROP_PADDING,
	CNT_PUSH_STREAMS, /* Redfish push: event streams opened */
	CNT_PUSH_EVENTS,  /* ... events received on them */
	CNT_PUSH_DROPPED, /* ... events over the size cap (the stream was dropped) */
	CNT__MAX
};

const char *bmc_counter_name(enum bmc_counter c);

struct bmc_backend;
struct bmc_engine;
struct host_config;

struct bmc_host {
	struct bmc_engine *engine;
	const struct host_config *cfg;
	size_t index; /* in engine->hosts, and in any per-host array of a module */

	enum bmc_host_state state;
	enum bmc_power power;
	enum bmc_health health;
	enum bmc_source protocol; /* which backend answered */
	char *vendor;
	char *model;
	char *serial;
	char *firmware;
	char *last_power_event;
	enum bmc_boot_device boot_device;
	int boot_persistent;

	struct bmc_sensor *sensors;
	size_t nsensors;
	struct bmc_event *events;
	size_t nevents;
	struct bmc_kv *inventory;
	size_t ninventory;

	/* Consoles the BMC advertises (Redfish GraphicalConsole/SerialConsole of
	 * the Manager and ComputerSystem): CONSOLE_CAP_* bits, 0 when unknown. */
	unsigned console_caps;

	char *error;	    /* what went wrong last, for a person to read */
	int last_status;    /* 0 or BMC_E* */
	int64_t updated_ms; /* wall clock of the last good poll; 0 never */
	uint64_t counters[CNT__MAX];
	uint64_t poll_ns; /* how long the last poll that finished took (counters[CNT_POLLS] > 0) */
	/* Redfish push (redfish/push.h): "subscribed", "connecting", "unsupported",
	 * "refused", "failed", "off"; NULL when never tried. A static string. */
	const char *push_state;

	const struct bmc_backend *backend;
	void *backend_data;

	/* The last power transition observers were told of (host_changed):
	 * power_from to power_to at power_changed_ms (wall clock; 0 none yet). */
	enum bmc_power power_seen;
	enum bmc_power power_from, power_to;
	int64_t power_changed_ms;
	/* IPMI vendor workarounds in use (FLEET_WA_* bits: forced by the fleet
	 * file or detected), and the packets they saved. */
	unsigned workarounds;
	uint64_t workaround_fixups;
};

/* What changed on a host, for observers. */
enum host_change {
	CHANGED_STATE = 1,
	CHANGED_READINGS = 2,
	CHANGED_EVENTS = 4,
	CHANGED_INVENTORY = 8
};

/* For backends: record results and tell observers. */
void host_set_error(struct bmc_host *h, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void host_set_errorv(struct bmc_host *h, int status, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
void host_clear_error(struct bmc_host *h);
void host_set_string(char **slot, const char *value);
void host_set_sensors(struct bmc_host *h, struct bmc_sensor *s, size_t n);
void host_set_events(struct bmc_host *h, struct bmc_event *ev, size_t n);
void host_set_inventory(struct bmc_host *h, struct bmc_kv *kv, size_t n);
void host_free_inventory(struct bmc_kv *kv, size_t n);
/* Free what the host holds (readings, strings, error), not the host. */
void host_free_values(struct bmc_host *h);
/* Worst of the sensor statuses (and any backend-reported health). */
enum bmc_health host_rollup_health(const struct bmc_host *h);
void host_changed(struct bmc_host *h, unsigned what);
void host_action_done(struct bmc_host *h, const char *action, int status, const char *msg);

const char *bmc_power_name(enum bmc_power p);
const char *bmc_health_name(enum bmc_health hl);
const char *bmc_host_state_name(enum bmc_host_state s);
const char *bmc_power_action_name(enum bmc_power_action a);
const char *bmc_boot_device_name(enum bmc_boot_device d);
const char *bmc_source_name(enum bmc_source s);

#endif
