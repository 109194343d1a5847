/*
 * core/fleet.h - the fleet file: which BMCs to watch and how to reach them.
 *
 * The file is INI-like: one [defaults] section and any number of
 * [host NAME] sections whose names and values may hold ranges
 * (node[01-40]); see bmctop.conf(5).  Parsing expands every host fully, so
 * the rest of the engine sees a flat array of host configurations.
 */
#ifndef BMCTOP_FLEET_H
#define BMCTOP_FLEET_H

#include <stddef.h>
#include <stdint.h>

enum fleet_protocol { PROTO_AUTO, PROTO_IPMI, PROTO_REDFISH, PROTO_BOTH };
enum fleet_tls { TLS_TOFU, TLS_VERIFY, TLS_PIN, TLS_INSECURE };

/* IPMI privilege levels, with the values the IPMI spec gives them. */
enum fleet_privilege { PRIV_USER = 2, PRIV_OPERATOR = 3, PRIV_ADMIN = 4 };

#define CIPHER_SUITE_AUTO (-1)

/* FreeIPMI's catalogue of IPMI 2.0 and SOL misbehaviours, under its names
 * (the "workarounds" key; bmcsim --quirk). */
enum fleet_workaround {
	FLEET_WA_AUTHCAP = 1u << 0,
	FLEET_WA_NOCHECKSUMCHECK = 1u << 1,
	FLEET_WA_INTEL20 = 1u << 2,
	FLEET_WA_SUPERMICRO20 = 1u << 3,
	FLEET_WA_SUN20 = 1u << 4,
	FLEET_WA_OPENSESSPRIV = 1u << 5,
	FLEET_WA_SOLPAYLOADSIZE = 1u << 6,
	FLEET_WA_SOLPORT = 1u << 7,
	FLEET_WA_SOLSTATUS = 1u << 8,
	FLEET_WA_SOLCHANNELSUPPORT = 1u << 9,
	FLEET_WA_SERIALALERTSDEFERRED = 1u << 10,
};
#define FLEET_WA_COUNT 11

enum secret_kind { SECRET_NONE, SECRET_INLINE, SECRET_ENV, SECRET_FILE, SECRET_COMMAND };

/* Where a secret comes from; the secret itself is read by core/cred.c. */
struct secret_source {
	enum secret_kind kind;
	char *arg;	  /* variable name, path, command, or the inline value */
	const char *file; /* where it was configured, for error messages */
	int line;
};

struct host_config {
	char *name;
	char *address;
	char *user;
	struct secret_source password;
	struct secret_source kg;	   /* IPMI BMC key (K_g) */
	struct secret_source vnc_password; /* password for the BMC's VNC server */
	enum fleet_protocol protocol;
	uint64_t interval_ms;
	uint64_t timeout_ms;
	int retries;
	int cipher_suite; /* CIPHER_SUITE_AUTO or 0, 1, 2, 3, 17 */
	enum fleet_privilege privilege;
	int ipmi_port;
	char *redfish_url; /* NULL: https://ADDRESS */
	char *group;
	char *console; /* sol | none | tcp:HOST:PORT | telnet:HOST:PORT */
	char *vnc;     /* auto | none | rfb:HOST:PORT | ws(s)://URL | profile */
	char *vnc_viewer; /* viewer command template (%h %p %f), NULL: auto */
	enum fleet_tls tls;
	char *tls_pin;
	char *ca_file;
	int line; /* line of the [host] header it came from */
	/* IPMI workarounds (FLEET_WA_* bits): those forced on, and whether
	 * bmctop may detect others itself ("workarounds = none" forbids it). */
	unsigned workarounds;
	int workarounds_detect;
	int redfish_push; /* redfish-push: 1 auto (subscribe where offered), 0 no */
};

struct fleet {
	char *path;
	struct host_config defaults;
	struct host_config *hosts;
	size_t nhosts;
	unsigned max_in_flight;
	unsigned redfish_push_max; /* redfish-push-max: event streams open at once; 0: 1000 */
	int has_inline_secret;
	int readonly; /* readonly = yes, or bmctop --readonly: the dashboard only looks */
	/* Alert hooks (core/alert.c): the command (split at spaces, no
	 * shell), which fleet events run it (FLEET_ALERT_* bits), at most
	 * once per host per alert_interval_ms, and the terminal bell. */
	char *alert_command;
	unsigned alert_on;
	uint64_t alert_interval_ms;
	int alert_bell;
	/* screen-graphics = auto|kitty|sixel|blocks|none: 0..4 in that order
	 * (the dashboard's Screen tab and wall, tui/pixels.h). */
	int screen_graphics;
};

/* alert-on = names (bmctop.conf(5)). */
enum {
	FLEET_ALERT_CRITICAL = 1,    /* health went critical */
	FLEET_ALERT_WARNING = 2,     /* health went warning */
	FLEET_ALERT_RECOVERED = 4,   /* health back to ok */
	FLEET_ALERT_UNREACHABLE = 8, /* stopped answering (or error) */
	FLEET_ALERT_REACHABLE = 16,  /* answers again */
	FLEET_ALERT_PARKED = 32,     /* credentials rejected */
	FLEET_ALERT_POWER = 64,	     /* power on/off */
	FLEET_ALERT_SENSOR = 128,    /* a sensor crossed a threshold */
	FLEET_ALERT_SEL = 256,	     /* a new event-log entry */
	FLEET_ALERT_DEFAULT = FLEET_ALERT_CRITICAL | FLEET_ALERT_UNREACHABLE | FLEET_ALERT_PARKED
};

/* The most errors one load reports before giving up. */
#define FLEET_MAX_ERRORS 20

/*
 * Load a fleet file.  On failure returns a negative count of errors and sets
 * *errors to a malloc'd text, one "FILE:LINE: message" per line.
 */
int fleet_load(struct fleet *fleet, const char *path, char **errors);
/* Same, from memory; name is used in messages and as the path. */
int fleet_parse(struct fleet *fleet, const char *name, const char *text, size_t len,
		char **errors);
void fleet_free(struct fleet *fleet);

const struct host_config *fleet_find(const struct fleet *fleet, const char *name);

/* "30s", "2m", "500ms", "1.5s", "1h"; a bare number is seconds. */
int fleet_parse_duration(const char *s, uint64_t *ms);

const char *fleet_protocol_name(enum fleet_protocol p);
const char *fleet_tls_name(enum fleet_tls t);
const char *fleet_privilege_name(enum fleet_privilege p);
/* The name of workaround bit i (0 .. FLEET_WA_COUNT-1). */
const char *fleet_workaround_name(unsigned i);
/* Parse "name,name,..." into FLEET_WA_* bits: 0, or -1 with *bad set to
 * the first unknown name (malloc'd). */
int fleet_workarounds_parse(const char *list, unsigned *bits, char **bad);
/* "name, name" for the bits set, or "none"; returns buf. */
const char *fleet_workarounds_format(unsigned bits, char *buf, size_t len);
/* The Redfish base URL of a host (its redfish key, or https://ADDRESS),
 * without a trailing slash (malloc'd). */
char *fleet_redfish_url(const struct host_config *hc);

/* Parse "HOST:PORT" (HOST may be [v6]); host is malloc'd.  0 or -1. */
int fleet_parse_hostport(const char *s, char **host, int *port);
/* screen-graphics' value: 0..4 (auto, kitty, sixel, blocks, none), or -1. */
int fleet_screen_graphics_parse(const char *v);
#define FLEET_SCREEN_GRAPHICS_NAMES "auto, kitty, sixel, blocks or none"

#endif
