/*
 * sim-redfish.c - bmcsim's Redfish side: one HTTPS server per simulated BMC
 * that has a redfish_port, all on the simulation's libuv loop.
 *
 * TLS runs over memory BIOs: bytes from the socket are written into the SSL
 * object's read BIO, and whatever OpenSSL puts in its write BIO goes out
 * with uv_write, so OpenSSL never touches a socket and nothing blocks.  One
 * key and self-signed certificate, made in memory at start, serve every BMC.
 *
 * Each connection handles one request at a time (HTTP/1.1 keep-alive; a
 * pipelined request waits in the buffer).  Resources are built from the
 * model on every GET, so a client always sees the model's state of the
 * moment.  A dead or rebooting BMC's listener does not accept: the kernel's
 * backlog takes the connection and the client times out, as with a hung BMC.
 */
#include "config.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/xalloc.h"
#include "sim.h"

#define RF_HEAD_MAX	   8192	 /* request line and headers */
#define RF_BODY_MAX	   65536 /* request body */
#define RF_IN_MAX	   (RF_HEAD_MAX + RF_BODY_MAX)
#define RF_PATH_MAX	   256
#define RF_MAX_SESSIONS	   4
#define RF_SESSION_TIMEOUT 600		/* seconds idle */
#define RF_MAX_CONNS	   32		/* per BMC; more are closed at once */
#define RF_IDLE_MS	   60000	/* a connection must finish a request this often */
#define RF_LINGER_MS	   2000		/* after a last answer, wait this long for EOF */
#define RF_RBIO_MAX	   (256 * 1024) /* stop reading while this much waits */
#define RF_REVIVE_MS	   1000
#define RF_BACKLOG	   64

#define ROOT "/redfish/v1"
#define MSG  "Base.1.16."

struct rf_session {
	unsigned id;
	int live;
	char token[33];
	uint64_t epoch;
	uint64_t last_used;
};

struct rf_bmc {
	struct sim_bmc *b;
	uv_tcp_t listener;
	int held; /* a connection left unaccepted while the BMC was dead */
	struct rf_session sessions[RF_MAX_SESSIONS];
	unsigned next_session;
	unsigned nconns;
};

struct rf_conn {
	uv_tcp_t tcp;
	uv_timer_t timer; /* idle limit, or the delay of a pending response */
	struct rf_bmc *rb;
	SSL *ssl;
	BIO *rbio, *wbio; /* network side: we fill rbio and drain wbio */
	char *in;
	size_t in_len, in_cap;
	uint64_t epoch;
	int closing;
	int close_after; /* close once what is queued is written */
	int reading;
	int lingering; /* answered and shut down for writing; reading until EOF */
	uv_shutdown_t shut;
	char *pending; /* a delayed response, plaintext */
	size_t pending_len;
	unsigned writes;
	int handles;
	struct rf_conn *prev, *next;
};

struct rf_server {
	struct sim *sim;
	SSL_CTX *ctx;
	struct rf_bmc *bmcs;
	size_t nbmcs;
	uv_timer_t revive;
	struct rf_conn *conns;
	unsigned open_handles;
};

static struct rf_server *server;

/* The server goes once its last handle has closed. */
static void server_release(void)
{
	if (--server->open_handles > 0)
		return;
	SSL_CTX_free(server->ctx);
	free(server->bmcs);
	free(server);
	server = NULL;
}

/* Requests. */

struct rf_req {
	char method[8];
	char path[RF_PATH_MAX];
	int expand;
	int http10;
	int keep_alive;
	int close;
	long clen;
	int chunked;
	char token[130];
	int token_too_long;
	char auth[400];
	const char *body;
	size_t body_len;
};

struct rf_reply {
	int status;
	json_t *body;
	char headers[512];
	size_t hlen;
	int close;
};

static void reply_header(struct rf_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void reply_header(struct rf_reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->headers + r->hlen, sizeof r->headers - r->hlen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof r->headers - r->hlen)
		r->hlen += (size_t)n;
}

static void reply_json(struct rf_reply *r, int status, json_t *body)
{
	r->status = status;
	if (r->body != NULL)
		json_decref(r->body);
	r->body = body;
}

/* A Redfish error body (DSP0266 "error" object with one message). */
static void reply_error(struct rf_reply *r, int status, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void reply_error(struct rf_reply *r, int status, const char *id, const char *fmt, ...)
{
	char msg[256], mid[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(mid, sizeof mid, MSG "%s", id);
	reply_json(r, status,
		   json_pack("{s:{s:s, s:s, s:[{s:s, s:s, s:s, s:s}]}}", "error", "code", mid,
			     "message", msg, "@Message.ExtendedInfo", "MessageId", mid, "Message",
			     msg, "Severity", "Critical", "Resolution", "None."));
}

static const char *status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 411:
		return "Length Required";
	case 413:
		return "Payload Too Large";
	case 414:
		return "URI Too Long";
	case 431:
		return "Request Header Fields Too Large";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Error";
	}
}

/* Links and small pieces of JSON. */

static json_t *odata_link(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static json_t *odata_link(const char *fmt, ...)
{
	char url[RF_PATH_MAX];
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

static uint64_t now_ms(void)
{
	return uv_now(server->sim->loop);
}

/* Sessions. */

static int session_valid(struct rf_bmc *rb, struct rf_session *s)
{
	if (!s->live)
		return 0;
	if (s->epoch != rb->b->boot_epoch ||
	    now_ms() - s->last_used > (uint64_t)RF_SESSION_TIMEOUT * 1000) {
		secure_zero(s->token, sizeof s->token);
		s->live = 0;
		return 0;
	}
	return 1;
}

static struct rf_session *session_by_token(struct rf_bmc *rb, const char *token)
{
	size_t i;

	if (strlen(token) != 32)
		return NULL;
	for (i = 0; i < RF_MAX_SESSIONS; i++) {
		struct rf_session *s = &rb->sessions[i];

		if (session_valid(rb, s) && CRYPTO_memcmp(s->token, token, 32) == 0)
			return s;
	}
	return NULL;
}

static struct rf_session *session_by_id(struct rf_bmc *rb, const char *id)
{
	char want[16];
	size_t i;

	for (i = 0; i < RF_MAX_SESSIONS; i++) {
		struct rf_session *s = &rb->sessions[i];

		snprintf(want, sizeof want, "%u", s->id);
		if (session_valid(rb, s) && strcmp(want, id) == 0)
			return s;
	}
	return NULL;
}

static int credentials_ok(struct sim *s, const char *user, const char *pw, size_t pwlen)
{
	size_t want = strlen(s->opt.password);
	int ok = strcmp(user, s->opt.user) == 0;

	/* Compare the password in constant time even when the user is wrong. */
	if (pwlen != want || CRYPTO_memcmp(pw, s->opt.password, want) != 0)
		ok = 0;
	return ok;
}

/* Authorization: Basic base64(user:password). */
static int basic_ok(struct rf_bmc *rb, const char *auth)
{
	unsigned char dec[300];
	const char *b64;
	size_t len, pad = 0;
	char *colon;
	int n, ok;

	if (strncasecmp(auth, "Basic ", 6) != 0)
		return 0;
	b64 = auth + 6;
	while (*b64 == ' ')
		b64++;
	len = strlen(b64);
	if (len == 0 || len % 4 != 0 || len / 4 * 3 >= sizeof dec)
		return 0;
	n = EVP_DecodeBlock(dec, (const unsigned char *)b64, (int)len);
	if (n < 0)
		return 0;
	while (pad < 2 && len > pad && b64[len - 1 - pad] == '=')
		pad++;
	n -= (int)pad;
	dec[n] = '\0';
	colon = memchr(dec, ':', (size_t)n);
	if (colon == NULL || memchr(dec, '\0', (size_t)n) != NULL) {
		secure_zero(dec, sizeof dec);
		return 0;
	}
	*colon = '\0';
	ok = credentials_ok(server->sim, (char *)dec, colon + 1,
			    (size_t)n - (size_t)(colon + 1 - (char *)dec));
	secure_zero(dec, sizeof dec);
	return ok;
}

/* 0 when the request may go on; else r holds the 401. */
static int authenticate(struct rf_bmc *rb, const struct rf_req *q, struct rf_reply *r)
{
	struct rf_session *s;

	if (q->token[0] != '\0' && !q->token_too_long) {
		s = session_by_token(rb, q->token);
		if (s != NULL) {
			s->last_used = now_ms();
			return 0;
		}
	} else if (q->auth[0] != '\0' && !rb->b->authfail && basic_ok(rb, q->auth)) {
		return 0;
	}
	reply_header(r, "WWW-Authenticate: Basic realm=\"bmcsim\"\r\n");
	reply_error(r, 401, "NoValidSession",
		    "There is no valid session established with the implementation.");
	return -1;
}

static json_t *session_json(const struct rf_session *s, const char *user)
{
	char id[16], url[RF_PATH_MAX];

	snprintf(id, sizeof id, "%u", s->id);
	snprintf(url, sizeof url, ROOT "/SessionService/Sessions/%u", s->id);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "@odata.type", "#Session.v1_6_0.Session",
			 "@odata.id", url, "Id", id, "Name", "User Session", "UserName", user);
}

static void session_login(struct rf_bmc *rb, const struct rf_req *q, struct rf_reply *r)
{
	struct sim *sim = server->sim;
	struct rf_session *slot = NULL;
	const char *user = NULL, *pw = NULL;
	unsigned char raw[16];
	json_error_t jerr;
	json_t *j;
	size_t i, pwlen = 0;
	int ok;

	j = json_loadb(q->body, q->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (j != NULL && json_is_object(j)) {
		user = json_string_value(json_object_get(j, "UserName"));
		pw = json_string_value(json_object_get(j, "Password"));
		pwlen = json_string_length(json_object_get(j, "Password"));
	}
	if (user == NULL || pw == NULL) {
		reply_error(r, 400, "PropertyMissing",
			    "The login needs UserName and Password, as strings in a JSON object.");
		json_decref(j);
		return;
	}
	ok = credentials_ok(sim, user, pw, pwlen) && !rb->b->authfail;
	json_decref(j); /* the password goes with it; jansson does not keep copies */
	if (!ok) {
		reply_error(r, 401, "InsufficientPrivilege",
			    "The user name or password is not correct.");
		return;
	}
	for (i = 0; i < RF_MAX_SESSIONS && slot == NULL; i++)
		if (!session_valid(rb, &rb->sessions[i]))
			slot = &rb->sessions[i];
	if (slot == NULL) {
		reply_error(r, 503, "SessionLimitExceeded",
			    "The session could not be created: maximum sessions (%d) reached.",
			    RF_MAX_SESSIONS);
		return;
	}
	if (RAND_bytes(raw, sizeof raw) != 1) {
		reply_error(r, 503, "GeneralError", "No randomness for a session token.");
		return;
	}
	for (i = 0; i < sizeof raw; i++)
		snprintf(slot->token + 2 * i, 3, "%02x", raw[i]);
	slot->id = ++rb->next_session;
	slot->live = 1;
	slot->epoch = rb->b->boot_epoch;
	slot->last_used = now_ms();
	reply_header(r, "X-Auth-Token: %s\r\nLocation: " ROOT "/SessionService/Sessions/%u\r\n",
		     slot->token, slot->id);
	reply_json(r, 201, session_json(slot, sim->opt.user));
}

/* Resources. */

static const char *const reset_types[] = {
    "On",	  "ForceOn", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart",
    "PowerCycle", "Nmi",     NULL};

static const struct {
	const char *target;
	uint8_t device;
} boot_targets[] = {
    {"None", 0}, {"Pxe", 1}, {"Hdd", 2}, {"Cd", 5}, {"BiosSetup", 6},
};

#define NBOOT (sizeof boot_targets / sizeof boot_targets[0])

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

static const char *boot_target_name(uint8_t device)
{
	size_t i;

	for (i = 0; i < NBOOT; i++)
		if (boot_targets[i].device == device)
			return boot_targets[i].target;
	return "None";
}

static json_t *system_json(struct sim_bmc *b)
{
	const char *enabled = b->boot_device == 0  ? "Disabled"
			      : b->boot_persistent ? "Continuous"
						   : "Once";
	json_t *targets = json_array();
	size_t i;
	int ipmi_port = ntohs(b->ipmi_addr.ss_family == AF_INET6
				  ? ((struct sockaddr_in6 *)&b->ipmi_addr)->sin6_port
				  : ((struct sockaddr_in *)&b->ipmi_addr)->sin_port);

	for (i = 0; i < NBOOT; i++)
		json_array_append_new(targets, json_string(boot_targets[i].target));
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
	    "BootSourceOverrideTarget", boot_target_name(b->boot_device),
	    "BootSourceOverrideEnabled", enabled, "BootSourceOverrideMode", "UEFI",
	    "BootSourceOverrideTarget@Redfish.AllowableValues", targets, "SerialConsole",
	    "MaxConcurrentSessions", 1, "IPMI", "ServiceEnabled", 1, "Port", ipmi_port, "SSH",
	    "ServiceEnabled", 0, "GraphicalConsole", "ServiceEnabled", 0, "MaxConcurrentSessions",
	    0, "ConnectTypesSupported", "Actions", "#ComputerSystem.Reset", "target",
	    ROOT "/Systems/1/Actions/ComputerSystem.Reset", "ResetType@Redfish.AllowableValues",
	    string_array(reset_types), "LogServices", odata_link(ROOT "/Systems/1/LogServices"),
	    "Links", "Chassis", odata_link(ROOT "/Chassis/1"), "ManagedBy",
	    odata_link(ROOT "/Managers/1"));
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
	char id[64], url[RF_PATH_MAX];
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

static json_t *sel_entry_json(struct sim_bmc *b, const struct sim_sel_entry *e)
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
	char id[16], url[RF_PATH_MAX], created[32], msg[160], name[24];
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
		json_array_append_new(members, sel_entry_json(b, &b->sel[i]));
	return collection("#LogEntryCollection.LogEntryCollection",
			  ROOT "/Managers/1/LogServices/SEL/Entries", "SEL Entries", members);
}

/* Actions and changes. */

static void system_reset(struct sim_bmc *b, const struct rf_req *q, struct rf_reply *r)
{
	json_t *j = json_loadb(q->body, q->body_len, JSON_REJECT_DUPLICATES, NULL);
	const char *type = json_string_value(json_object_get(j, "ResetType"));
	size_t i;

	for (i = 0; type != NULL && reset_types[i] != NULL; i++)
		if (strcmp(type, reset_types[i]) == 0)
			break;
	if (type == NULL || reset_types[i] == NULL) {
		reply_error(
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

static void system_patch(struct sim_bmc *b, const struct rf_req *q, struct rf_reply *r)
{
	json_t *j = json_loadb(q->body, q->body_len, JSON_REJECT_DUPLICATES, NULL);
	json_t *boot = json_object_get(j, "Boot");
	const char *target, *enabled, *key;
	int device = -1, persistent;
	json_t *v;
	size_t i;

	if (!json_is_object(j) || !json_is_object(boot)) {
		reply_error(r, 400, "PropertyNotWritable",
			    "Only Boot (BootSourceOverrideTarget, BootSourceOverrideEnabled) can "
			    "be changed here.");
		json_decref(j);
		return;
	}
	json_object_foreach(j, key, v)
	{
		if (strcmp(key, "Boot") != 0) {
			reply_error(r, 400, "PropertyNotWritable",
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
			reply_error(r, 400, "PropertyValueNotInList",
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
			reply_error(r, 400, "PropertyValueNotInList",
				    "The value of BootSourceOverrideEnabled is not in the list of "
				    "acceptable values: Disabled, Once, Continuous.");
			json_decref(j);
			return;
		}
	} else if (json_object_get(boot, "BootSourceOverrideEnabled") != NULL) {
		reply_error(r, 400, "PropertyValueTypeError",
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

/* Routing. */

static int method_is(const struct rf_req *q, const char *m)
{
	return strcmp(q->method, m) == 0;
}

static void not_allowed(struct rf_reply *r, const char *allow)
{
	reply_header(r, "Allow: %s\r\n", allow);
	reply_error(r, 405, "OperationNotAllowed", "The HTTP method is not allowed for this URI.");
}

/* GET-only resources: path -> builder. */
static json_t *get_resource(struct rf_bmc *rb, const struct rf_req *q, int *found)
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
			if (session_valid(rb, &rb->sessions[i]))
				json_array_append_new(
				    m, q->expand
					   ? session_json(&rb->sessions[i], server->sim->opt.user)
					   : odata_link(ROOT "/SessionService/Sessions/%u",
							rb->sessions[i].id));
		return collection("#SessionCollection.SessionCollection",
				  ROOT "/SessionService/Sessions", "Sessions", m);
	}
	if (strcmp(p, ROOT "/Systems") == 0)
		return collection(
		    "#ComputerSystemCollection.ComputerSystemCollection", ROOT "/Systems",
		    "Computer Systems",
		    json_pack("[o]", q->expand ? system_json(b) : odata_link(ROOT "/Systems/1")));
	if (strcmp(p, ROOT "/Systems/1") == 0)
		return system_json(b);
	if (strcmp(p, ROOT "/Systems/1/LogServices") == 0)
		return log_services_json(ROOT "/Systems/1/LogServices");
	if (strcmp(p, ROOT "/Chassis") == 0)
		return collection(
		    "#ChassisCollection.ChassisCollection", ROOT "/Chassis", "Chassis Collection",
		    json_pack("[o]", q->expand ? chassis_json(b) : odata_link(ROOT "/Chassis/1")));
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
		return collection(
		    "#ManagerCollection.ManagerCollection", ROOT "/Managers", "Manager Collection",
		    json_pack("[o]", q->expand ? manager_json(b) : odata_link(ROOT "/Managers/1")));
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
				return sel_entry_json(b, &b->sel[i]);
		}
	}
	*found = 0;
	return NULL;
}

/* The unauthenticated resources: 1 when p is one of them (r is then set). */
static int route_public(struct rf_bmc *rb, const struct rf_req *q, struct rf_reply *r)
{
	const char *p = q->path;
	json_t *body;

	if (strcmp(p, "/redfish") == 0)
		body = json_pack("{s:s}", "v1", ROOT "/");
	else if (strcmp(p, ROOT) == 0)
		body = service_root(rb->b);
	else if (strcmp(p, ROOT "/odata") == 0)
		body = json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "@odata.context", ROOT "/$metadata",
				 "value", "name", "Service", "kind", "Singleton", "url", ROOT "/");
	else
		return 0;
	if (method_is(q, "GET")) {
		reply_json(r, 200, body);
	} else {
		json_decref(body);
		not_allowed(r, "GET");
	}
	return 1;
}

static void route_session(struct rf_bmc *rb, const struct rf_req *q, struct rf_reply *r,
			  const char *id)
{
	struct rf_session *s = session_by_id(rb, id);

	if (s == NULL) {
		reply_error(r, 404, "ResourceMissingAtURI",
			    "The resource at the URI %s was not found.", q->path);
	} else if (method_is(q, "DELETE")) {
		secure_zero(s->token, sizeof s->token);
		s->live = 0;
		r->status = 204;
	} else if (method_is(q, "GET")) {
		reply_json(r, 200, session_json(s, server->sim->opt.user));
	} else {
		not_allowed(r, "GET, DELETE");
	}
}

static void route(struct rf_bmc *rb, const struct rf_req *q, struct rf_reply *r)
{
	const char *p = q->path;
	const char *sessions = ROOT "/SessionService/Sessions/";
	json_t *body;
	int found;

	if (route_public(rb, q, r))
		return;
	if (strcmp(p, ROOT "/SessionService/Sessions") == 0 && method_is(q, "POST")) {
		session_login(rb, q, r);
		return;
	}
	if (authenticate(rb, q, r) != 0)
		return;
	if (strncmp(p, sessions, strlen(sessions)) == 0) {
		route_session(rb, q, r, p + strlen(sessions));
		return;
	}
	if (strcmp(p, ROOT "/Systems/1/Actions/ComputerSystem.Reset") == 0) {
		if (method_is(q, "POST"))
			system_reset(rb->b, q, r);
		else
			not_allowed(r, "POST");
		return;
	}
	if (strcmp(p, ROOT "/Systems/1") == 0 && method_is(q, "PATCH")) {
		system_patch(rb->b, q, r);
		return;
	}
	body = get_resource(rb, q, &found);
	if (!found) {
		reply_error(r, 404, "ResourceMissingAtURI",
			    "The resource at the URI %s was not found.", p);
	} else if (method_is(q, "GET")) {
		reply_json(r, 200, body);
	} else {
		json_decref(body);
		if (strcmp(p, ROOT "/Systems/1") == 0)
			not_allowed(r, "GET, PATCH");
		else if (strcmp(p, ROOT "/SessionService/Sessions") == 0)
			not_allowed(r, "GET, POST");
		else
			not_allowed(r, "GET");
	}
}

/* HTTP. */

static void trim(char **s, char **end)
{
	while (*s < *end && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*end > *s && ((*end)[-1] == ' ' || (*end)[-1] == '\t'))
		(*end)--;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Does the query ask for $expand (any of ".", "*", "~", with or without levels)? */
static int query_expands(const char *q, size_t len)
{
	char dec[RF_PATH_MAX];
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < sizeof dec; i++) {
		if (q[i] == '%' && i + 2 < len && hexval(q[i + 1]) >= 0 && hexval(q[i + 2]) >= 0) {
			dec[n++] = (char)(hexval(q[i + 1]) * 16 + hexval(q[i + 2]));
			i += 2;
		} else {
			dec[n++] = q[i];
		}
	}
	dec[n] = '\0';
	return strstr(dec, "$expand=") != NULL;
}

/*
 * Parse the head (request line and headers, NUL-terminated, without the
 * blank line).  0, or an HTTP status for a request we refuse.
 */
static int parse_head(char *head, struct rf_req *q)
{
	char *end = head + strlen(head), *line = head, *next, *eol, *sp1, *sp2, *target, *qm;
	size_t plen;

	memset(q, 0, sizeof *q);
	q->clen = -1;
	eol = strstr(line, "\r\n");
	if (eol == NULL)
		eol = end;
	next = eol < end ? eol + 2 : end;
	*eol = '\0';
	sp1 = strchr(line, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (sp1 == NULL || sp2 == NULL || (size_t)(sp1 - line) >= sizeof q->method)
		return 400;
	memcpy(q->method, line, (size_t)(sp1 - line));
	target = sp1 + 1;
	*sp2 = '\0';
	if (strcmp(sp2 + 1, "HTTP/1.1") == 0)
		q->http10 = 0;
	else if (strcmp(sp2 + 1, "HTTP/1.0") == 0)
		q->http10 = 1;
	else
		return strncmp(sp2 + 1, "HTTP/", 5) == 0 ? 505 : 400;
	if (target[0] != '/')
		return 400;
	qm = strchr(target, '?');
	plen = qm ? (size_t)(qm - target) : strlen(target);
	if (plen >= sizeof q->path)
		return 414;
	memcpy(q->path, target, plen);
	while (plen > 1 && q->path[plen - 1] == '/')
		q->path[--plen] = '\0';
	if (qm != NULL)
		q->expand = query_expands(qm + 1, strlen(qm + 1));

	for (line = next; line < end; line = next) {
		char *colon, *name, *name_end, *val, *val_end;

		eol = strstr(line, "\r\n");
		if (eol == NULL)
			eol = end;
		next = eol < end ? eol + 2 : end;
		if (line[0] == ' ' || line[0] == '\t')
			return 400; /* obsolete line folding */
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon == NULL)
			return 400;
		name = line;
		name_end = colon;
		val = colon + 1;
		val_end = eol;
		trim(&val, &val_end);
		if (name_end == name || name_end[-1] == ' ' || name_end[-1] == '\t')
			return 400;
#define IS(h) ((size_t)(name_end - name) == strlen(h) && strncasecmp(name, h, strlen(h)) == 0)
		if (IS("Content-Length")) {
			long v = 0;
			char *c;

			if (val == val_end || val_end - val > 9)
				return 400;
			for (c = val; c < val_end; c++) {
				if (!isdigit((unsigned char)*c))
					return 400;
				v = v * 10 + (*c - '0');
			}
			if (q->clen >= 0 && q->clen != v)
				return 400;
			q->clen = v;
		} else if (IS("Transfer-Encoding")) {
			q->chunked = 1;
		} else if (IS("X-Auth-Token")) {
			if ((size_t)(val_end - val) >= sizeof q->token)
				q->token_too_long = 1;
			else
				memcpy(q->token, val, (size_t)(val_end - val));
		} else if (IS("Authorization")) {
			if ((size_t)(val_end - val) < sizeof q->auth)
				memcpy(q->auth, val, (size_t)(val_end - val));
		} else if (IS("Connection")) {
			char *c;

			for (c = val; c + 5 <= val_end; c++)
				if (strncasecmp(c, "close", 5) == 0)
					q->close = 1;
			for (c = val; c + 10 <= val_end; c++)
				if (strncasecmp(c, "keep-alive", 10) == 0)
					q->keep_alive = 1;
		}
#undef IS
	}
	if (q->chunked)
		return 501;
	if (q->clen > RF_BODY_MAX)
		return 413;
	return 0;
}

/* Connections. */

static void conn_close(struct rf_conn *c);
static void conn_pump(struct rf_conn *c);
static void on_conn_timer(uv_timer_t *t);
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

/* Done once what is queued is out, and no delayed answer is still to come. */
static int conn_finished(const struct rf_conn *c)
{
	return c->close_after && c->writes == 0 && c->pending == NULL;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	(void)req;
	(void)status;
}

/*
 * Close after the last answer without losing it: closing a socket with
 * unread bytes (say, the rest of a refused 1 MB body) sends a reset that
 * can destroy the answer in flight, so shut down writing and read (and
 * drop) what comes until the peer closes or RF_LINGER_MS pass.
 */
static void conn_linger(struct rf_conn *c)
{
	if (c->lingering || c->closing)
		return;
	c->lingering = 1;
	if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
		conn_close(c);
		return;
	}
	uv_timer_start(&c->timer, on_conn_timer, RF_LINGER_MS, 0);
	if (!c->reading && uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
		c->reading = 1;
}

struct rf_write {
	uv_write_t req;
	struct rf_conn *c;
	char *buf;
};

static void on_written(uv_write_t *req, int status)
{
	struct rf_write *w = (struct rf_write *)req;
	struct rf_conn *c = w->c;

	free(w->buf);
	free(w);
	c->writes--;
	if (status < 0)
		conn_close(c);
	else if (conn_finished(c))
		conn_linger(c);
}

/* Send whatever OpenSSL has produced. */
static void conn_flush(struct rf_conn *c)
{
	size_t pending;

	while (!c->closing && !c->lingering && (pending = BIO_ctrl_pending(c->wbio)) > 0) {
		struct rf_write *w = xmalloc(sizeof *w);
		uv_buf_t buf;
		int n;

		w->c = c;
		w->buf = xmalloc(pending);
		n = BIO_read(c->wbio, w->buf, (int)pending);
		if (n <= 0) {
			free(w->buf);
			free(w);
			break;
		}
		buf = uv_buf_init(w->buf, (unsigned)n);
		if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_written) != 0) {
			free(w->buf);
			free(w);
			conn_close(c);
			return;
		}
		c->writes++;
	}
	if (conn_finished(c))
		conn_linger(c);
}

#ifdef BMCSIM_FUZZ
/* Fuzz builds: a connection without TLS (ssl NULL) hands its answers here. */
static void (*fuzz_sent)(const char *buf, size_t len);
#endif

static void conn_send_plain(struct rf_conn *c, const char *buf, size_t len)
{
#ifdef BMCSIM_FUZZ
	if (c->ssl == NULL) {
		fuzz_sent(buf, len);
		return;
	}
#endif
	if (len > 0 && SSL_write(c->ssl, buf, (int)len) <= 0)
		c->close_after = 1;
	conn_flush(c);
}

static void on_conn_timer(uv_timer_t *t)
{
	struct rf_conn *c = t->data;

	if (c->pending != NULL && !c->lingering) {
		char *buf = c->pending;

		c->pending = NULL;
		conn_send_plain(c, buf, c->pending_len);
		free(buf);
		if (c->closing)
			return;
		uv_timer_start(&c->timer, on_conn_timer, RF_IDLE_MS, 0);
		conn_pump(c);
		return;
	}
	conn_close(c); /* idle, or too slow to finish a request */
}

/* Serialize a reply and send it now, or after the configured delay. */
static void conn_reply(struct rf_conn *c, struct rf_reply *r, int keep)
{
	char *body = r->body ? json_dumps(r->body, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	size_t blen = body ? strlen(body) : 0;
	unsigned delay = server->sim->opt.redfish_delay_ms;
	char *out;
	int hl;

	if (r->status == 0)
		r->status = 500;
	if (r->close)
		keep = 0;
	out = xasprintf("HTTP/1.1 %d %s\r\n"
			"Content-Type: application/json; charset=utf-8\r\n"
			"Content-Length: %zu\r\n"
			"OData-Version: 4.0\r\n"
			"Cache-Control: no-store\r\n"
			"%.*s"
			"Connection: %s\r\n\r\n",
			r->status, status_text(r->status), blen, (int)r->hlen, r->headers,
			keep ? "keep-alive" : "close");
	hl = (int)strlen(out);
	if (blen > 0) {
		out = xrealloc(out, (size_t)hl + blen + 1);
		memcpy(out + hl, body, blen + 1);
	}
	free(body);
	if (r->body != NULL)
		json_decref(r->body);
	/* The token went out in a header: do not leave it in freed memory. */
	secure_zero(r->headers, sizeof r->headers);
	if (!keep)
		c->close_after = 1;
	if (delay > 0) {
		c->pending = out;
		c->pending_len = (size_t)hl + blen;
		uv_timer_start(&c->timer, on_conn_timer, delay, 0);
		return;
	}
	conn_send_plain(c, out, (size_t)hl + blen);
	secure_zero(out, (size_t)hl);
	free(out);
}

static void conn_refuse(struct rf_conn *c, int status, const char *why)
{
	struct rf_reply r;

	memset(&r, 0, sizeof r);
	reply_error(&r, status, status == 413 ? "RequestTooLarge" : "MalformedRequest", "%s", why);
	r.close = 1;
	conn_reply(c, &r, 0);
}

/* Handle one complete request from the buffer: 1 done, 0 need more bytes. */
static int conn_request(struct rf_conn *c)
{
	char head[RF_HEAD_MAX];
	struct rf_reply r;
	struct rf_req q;
	char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	size_t head_len, total;
	int keep, bad;

	if (end == NULL) {
		if (c->in_len >= RF_HEAD_MAX)
			conn_refuse(c, 431, "The request head is larger than 8 KiB.");
		return 0;
	}
	head_len = (size_t)(end - c->in) + 4;
	if (head_len > RF_HEAD_MAX) {
		conn_refuse(c, 431, "The request head is larger than 8 KiB.");
		return 0;
	}
	/* Parsed from a copy: the head is parsed again while a body comes in. */
	memcpy(head, c->in, head_len - 4);
	head[head_len - 4] = '\0';
	bad = parse_head(head, &q);
	secure_zero(head, head_len);
	if (bad != 0) {
		conn_refuse(c, bad,
			    bad == 413 ? "The request body is larger than 64 KiB."
			    : bad == 501
				? "Transfer-Encoding is not supported; send Content-Length."
			    : bad == 414 ? "The URI is too long."
					 : "The request is not valid HTTP/1.1.");
		return 0;
	}
	if (q.clen < 0 && (method_is(&q, "POST") || method_is(&q, "PATCH"))) {
		conn_refuse(c, 411, "POST and PATCH need a Content-Length.");
		return 0;
	}
	total = head_len + (size_t)(q.clen > 0 ? q.clen : 0);
	if (c->in_len < total) {
		if (total > c->in_cap) {
			c->in_cap = total;
			c->in = xrealloc(c->in, c->in_cap);
		}
		return 0;
	}
	q.body = c->in + head_len;
	q.body_len = total - head_len;
	keep = q.http10 ? q.keep_alive && !q.close : !q.close;
	memset(&r, 0, sizeof r);
	if (c->epoch != c->rb->b->boot_epoch || !sim_bmc_alive(c->rb->b, now_ms())) {
		/* The BMC rebooted or died under this connection: drop it. */
		conn_close(c);
		return 0;
	}
	route(c->rb, &q, &r);
	secure_zero(q.auth, sizeof q.auth);
	secure_zero(q.token, sizeof q.token);
	/* The body may hold a password: wipe it before the buffer moves on. */
	secure_zero(c->in, total);
	memmove(c->in, c->in + total, c->in_len - total);
	c->in_len -= total;
	conn_reply(c, &r, keep);
	if (!c->closing && c->pending == NULL)
		uv_timer_start(&c->timer, on_conn_timer, RF_IDLE_MS, 0);
	return 1;
}

/* Decrypt what has arrived and answer complete requests, one at a time. */
static void conn_pump(struct rf_conn *c)
{
	while (!c->closing && !c->close_after && c->pending == NULL) {
		while (1) {
			int n, err;

			if (c->in_len == c->in_cap) {
				if (c->in_cap >= RF_IN_MAX)
					break;
				c->in_cap = c->in_cap * 2 > RF_IN_MAX ? RF_IN_MAX : c->in_cap * 2;
				c->in = xrealloc(c->in, c->in_cap);
			}
			n = SSL_read(c->ssl, c->in + c->in_len, (int)(c->in_cap - c->in_len));
			if (n > 0) {
				c->in_len += (size_t)n;
				continue;
			}
			err = SSL_get_error(c->ssl, n);
			if (err == SSL_ERROR_WANT_READ)
				break;
			/* Closed by the peer, or a TLS error: send any alert, then close. */
			ERR_clear_error();
			c->close_after = 1;
			conn_flush(c);
			return;
		}
		if (conn_request(c) != 1)
			break;
	}
	if (!c->closing)
		conn_flush(c);
	if (!c->closing && !c->reading && BIO_ctrl_pending(c->rbio) < RF_RBIO_MAX) {
		if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
			c->reading = 1;
	}
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static char slab[65536];

	(void)h;
	(void)suggested;
	/* One loop, one read at a time: the bytes go into the BIO at once. */
	*buf = uv_buf_init(slab, sizeof slab);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct rf_conn *c = s->data;

	if (nread < 0) {
		conn_close(c);
		return;
	}
	if (nread == 0 || c->lingering)
		return;
	if (BIO_write(c->rbio, buf->base, (int)nread) != (int)nread) {
		conn_close(c);
		return;
	}
	/* Bounded: a client that sends while its answer waits is paused. */
	if (BIO_ctrl_pending(c->rbio) >= RF_RBIO_MAX) {
		uv_read_stop(s);
		c->reading = 0;
	}
	conn_pump(c);
}

static void on_conn_closed(uv_handle_t *h)
{
	struct rf_conn *c = h->data;

	if (--c->handles > 0)
		return;
	SSL_free(c->ssl); /* frees both BIOs */
	if (c->in != NULL)
		secure_zero(c->in, c->in_cap);
	free(c->in);
	free(c->pending);
	free(c);
	server_release();
}

static void conn_close(struct rf_conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	c->rb->nconns--;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		server->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
	uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

/* A connection with its handles initialized and counted, no socket yet. */
static struct rf_conn *conn_new(struct rf_bmc *rb)
{
	struct rf_conn *c = xcalloc(1, sizeof *c);
	uv_loop_t *loop = server->sim->loop;

	uv_tcp_init(loop, &c->tcp);
	uv_timer_init(loop, &c->timer);
	c->tcp.data = c;
	c->timer.data = c;
	c->handles = 2;
	c->rb = rb;
	server->open_handles++;
	rb->nconns++;
	c->next = server->conns;
	if (c->next != NULL)
		c->next->prev = c;
	server->conns = c;
	return c;
}

static void rf_accept(struct rf_bmc *rb)
{
	struct rf_conn *c = conn_new(rb);

	if (uv_accept((uv_stream_t *)&rb->listener, (uv_stream_t *)&c->tcp) != 0) {
		conn_close(c);
		return;
	}
	if (rb->nconns > RF_MAX_CONNS || !sim_bmc_alive(rb->b, now_ms())) {
		conn_close(c);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	c->epoch = rb->b->boot_epoch;
	c->ssl = SSL_new(server->ctx);
	c->rbio = BIO_new(BIO_s_mem());
	c->wbio = BIO_new(BIO_s_mem());
	if (c->ssl == NULL || c->rbio == NULL || c->wbio == NULL)
		fatal("bmcsim: out of memory for a TLS connection");
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	SSL_set_accept_state(c->ssl);
	c->in_cap = 4096;
	c->in = xmalloc(c->in_cap);
	uv_timer_start(&c->timer, on_conn_timer, RF_IDLE_MS, 0);
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
		conn_close(c);
		return;
	}
	c->reading = 1;
}

static void on_connection(uv_stream_t *listener, int status)
{
	struct rf_bmc *rb = listener->data;

	if (status < 0)
		return;
	if (!sim_bmc_alive(rb->b, now_ms())) {
		/* Leave it unaccepted: libuv stops watching the listener until
		 * the BMC comes back (on_revive) and the kernel backlog fills. */
		rb->held = 1;
		uv_timer_again(&server->revive);
		return;
	}
	rf_accept(rb);
}

static void on_revive(uv_timer_t *t)
{
	size_t i;
	int still_held = 0;

	for (i = 0; i < server->nbmcs; i++) {
		struct rf_bmc *rb = &server->bmcs[i];

		if (!rb->held)
			continue;
		if (!sim_bmc_alive(rb->b, now_ms())) {
			still_held = 1;
			continue;
		}
		rb->held = 0;
		rf_accept(rb); /* a stale connection, probably; it resumes listening */
	}
	if (!still_held)
		uv_timer_stop(t);
}

/* TLS. */

static EVP_PKEY *make_key(void)
{
	EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
	EVP_PKEY *key = NULL;

	if (kctx == NULL || EVP_PKEY_keygen_init(kctx) <= 0 ||
	    EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx, NID_X9_62_prime256v1) <= 0 ||
	    EVP_PKEY_keygen(kctx, &key) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(kctx);
	return key;
}

/* A self-signed certificate for 127.0.0.1, ::1 and localhost, valid a year. */
static X509 *make_cert(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX v3;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	int ok = 0;

	if (x == NULL || RAND_bytes(serial, sizeof serial) != 1)
		goto out;
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof serial, NULL);
	if (bn == NULL || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto out;
	X509_set_version(x, 2);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"bmcsim", -1, -1,
				   0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"bmcsim simulated BMC", -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
				  "IP:127.0.0.1,IP:::1,DNS:localhost");
	if (ext == NULL || !X509_add_ext(x, ext, -1)) {
		X509_EXTENSION_free(ext);
		goto out;
	}
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, "critical,CA:FALSE");
	if (ext != NULL)
		X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ok = X509_sign(x, key, EVP_sha256()) > 0;
out:
	BN_free(bn);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static SSL_CTX *make_ctx(char **err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	EVP_PKEY *key = make_key();
	X509 *cert = key ? make_cert(key) : NULL;

	if (ctx == NULL || cert == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		const char *reason = ERR_reason_error_string(ERR_get_error());

		*err = xasprintf("cannot set up TLS for Redfish: %s",
				 reason ? reason : "OpenSSL failed");
		SSL_CTX_free(ctx);
		ctx = NULL;
	}
	if (ctx != NULL) {
		/* Clients that come back resume with a ticket (no server cache:
		 * with ten thousand BMCs it would be one more table to sweep). */
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
		SSL_CTX_set_num_tickets(ctx, 1);
	}
	X509_free(cert);
	EVP_PKEY_free(key);
	return ctx;
}

/* Start and stop. */

static int listen_bmc(struct rf_bmc *rb, char **err)
{
	struct sim_bmc *b = rb->b;
	struct sockaddr_storage addr = b->ipmi_addr;
	struct sockaddr_storage got;
	char ip[64] = "?";
	int rc, len = sizeof got;
	in_port_t port = (in_port_t)(b->redfish_port > 0 ? b->redfish_port : 0);

	/* Initialized first: a failure here is cleaned up by closing it. */
	uv_tcp_init(server->sim->loop, &rb->listener);
	rb->listener.data = rb;
	server->open_handles++;
	if (b->redfish_port > 65535) {
		*err =
		    xasprintf("%s: Redfish port %d is out of range; choose a lower --redfish-port",
			      b->name, b->redfish_port);
		return -1;
	}
	if (addr.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&addr)->sin6_port = htons(port);
		uv_ip6_name((struct sockaddr_in6 *)&addr, ip, sizeof ip);
	} else {
		((struct sockaddr_in *)&addr)->sin_port = htons(port);
		uv_ip4_name((struct sockaddr_in *)&addr, ip, sizeof ip);
	}
	rc = uv_tcp_bind(&rb->listener, (struct sockaddr *)&addr, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&rb->listener, RF_BACKLOG, on_connection);
	if (rc == 0)
		rc = uv_tcp_getsockname(&rb->listener, (struct sockaddr *)&got, &len);
	if (rc != 0) {
		*err = xasprintf("%s: cannot listen for Redfish on %s port %d: %s", b->name, ip,
				 (int)port, uv_strerror(rc));
		return -1;
	}
	b->redfish_port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
							  : ((struct sockaddr_in *)&got)->sin_port);
	return 0;
}

/*
 * Which BMCs serve Redfish: opt.redfish_share percent of them, spread evenly
 * over the fleet; ports from opt.redfish_base_port on, else picked by the
 * kernel.  A BMC whose port is set already keeps it.
 */
static void choose_redfish_bmcs(struct sim *s)
{
	unsigned share = s->opt.redfish_share;
	size_t i, k = 0;

	for (i = 0; i < s->nbmcs; i++) {
		struct sim_bmc *b = &s->bmcs[i];

		if (b->redfish_port != 0 || (i + 1) * share / 100 == i * share / 100)
			continue;
		b->redfish_port =
		    s->opt.redfish_base_port > 0 ? s->opt.redfish_base_port + (int)k++ : -1;
	}
}

int sim_redfish_start(struct sim *s, char **err)
{
	size_t i, n = 0;

	if (server != NULL) {
		*err = xasprintf("the Redfish side is already running");
		return -1;
	}
	server = xcalloc(1, sizeof *server);
	server->sim = s;
	server->ctx = make_ctx(err);
	if (server->ctx == NULL) {
		free(server);
		server = NULL;
		return -1;
	}
	choose_redfish_bmcs(s);
	for (i = 0; i < s->nbmcs; i++)
		if (s->bmcs[i].redfish_port != 0)
			n++;
	server->bmcs = xcalloc(n ? n : 1, sizeof *server->bmcs);
	uv_timer_init(s->loop, &server->revive);
	uv_timer_start(&server->revive, on_revive, RF_REVIVE_MS, RF_REVIVE_MS);
	uv_timer_stop(&server->revive);
	server->open_handles++;
	for (i = 0; i < s->nbmcs; i++) {
		struct sim_bmc *b = &s->bmcs[i];
		struct rf_bmc *rb;

		if (b->redfish_port == 0)
			continue;
		rb = &server->bmcs[server->nbmcs++];
		rb->b = b;
		b->redfish = rb;
		if (listen_bmc(rb, err) != 0) {
			sim_redfish_stop(s);
			return -1;
		}
	}
	return 0;
}

static void on_server_handle_closed(uv_handle_t *h)
{
	(void)h;
	server_release();
}

void sim_redfish_stop(struct sim *s)
{
	size_t i;

	if (server == NULL)
		return;
	for (i = 0; i < server->nbmcs; i++) {
		server->bmcs[i].b->redfish = NULL;
		secure_zero(server->bmcs[i].sessions, sizeof server->bmcs[i].sessions);
		uv_close((uv_handle_t *)&server->bmcs[i].listener, on_server_handle_closed);
	}
	while (server->conns != NULL)
		conn_close(server->conns);
	(void)s;
	/* Connections and the rest are freed in their close callbacks; the
	 * caller runs the loop once more to let them finish. */
	uv_close((uv_handle_t *)&server->revive, on_server_handle_closed);
}

#ifdef BMCSIM_FUZZ
/*
 * For fuzz/fuzz-sim-http.c: every BMC's Redfish state with no listeners
 * and no TLS.  A connection from sim_redfish_fuzz_open() has no socket and
 * no SSL object; sim_redfish_fuzz_feed() puts plaintext where SSL_read
 * would have, answers go to `sent`, and after sim_redfish_fuzz_close() one
 * turn of the loop frees the connection.
 */
void sim_redfish_fuzz_start(struct sim *s, void (*sent)(const char *buf, size_t len))
{
	size_t i;

	server = xcalloc(1, sizeof *server);
	server->sim = s;
	server->bmcs = xcalloc(s->nbmcs, sizeof *server->bmcs);
	server->nbmcs = s->nbmcs;
	server->open_handles = 1; /* never released */
	for (i = 0; i < s->nbmcs; i++) {
		server->bmcs[i].b = &s->bmcs[i];
		s->bmcs[i].redfish = &server->bmcs[i];
	}
	fuzz_sent = sent;
}

struct rf_conn *sim_redfish_fuzz_open(struct sim_bmc *b)
{
	struct rf_conn *c = conn_new(b->redfish);

	c->epoch = b->boot_epoch;
	c->in_cap = 4096;
	c->in = xmalloc(c->in_cap);
	return c;
}

/* 0 while the connection takes more; -1 once the server ends it. */
int sim_redfish_fuzz_feed(struct rf_conn *c, const char *buf, size_t len)
{
	while (len > 0 && !c->closing && !c->close_after) {
		size_t n;

		if (c->in_len == c->in_cap) {
			if (c->in_cap >= RF_IN_MAX)
				break; /* as conn_pump: the rest would wait unread */
			c->in_cap = c->in_cap * 2 > RF_IN_MAX ? RF_IN_MAX : c->in_cap * 2;
			c->in = xrealloc(c->in, c->in_cap);
		}
		n = c->in_cap - c->in_len < len ? c->in_cap - c->in_len : len;
		memcpy(c->in + c->in_len, buf, n);
		c->in_len += n;
		buf += n;
		len -= n;
		while (!c->closing && !c->close_after && c->pending == NULL && conn_request(c) == 1)
			;
	}
	return c->closing || c->close_after ? -1 : 0;
}

void sim_redfish_fuzz_close(struct rf_conn *c)
{
	conn_close(c);
}
#endif
