/*
 * redfish/parse.c - Redfish payloads to the host model, and the link rules.
 *
 * Everything here reads trees a BMC sent, so nothing is trusted: a member of
 * the wrong type counts as absent, text is clipped at a UTF-8 boundary with
 * control characters blanked (it ends up on a terminal), links and enum
 * words are copied whole or not at all, and arrays are bounded.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/xalloc.h"
#include "redfish/parse.h"

/* Bounds on what one payload may add, whatever its size. */
#define RF_SENSORS_MAX	     4096 /* sensors in one growable array */
#define RF_ARRAY_SCAN_MAX    1024 /* members read from one legacy array */
#define RF_EVENTS_MAX	     4096 /* newest log entries kept */
#define RF_EXPAND_LEVELS_MAX 6	  /* the most DSP0266 allows */

/* JSON access that treats a wrong type as absence. */

static json_t *get_obj(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_object(v) ? v : NULL;
}

static json_t *get_array(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_array(v) ? v : NULL;
}

static const char *get_str(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int get_num(json_t *o, const char *key, double *out)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
	double d;

	if (!json_is_number(v))
		return 0;
	d = json_number_value(v);
	if (!isfinite(d))
		return 0;
	*out = d;
	return 1;
}

static int get_bool(json_t *o, const char *key, int *out)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	if (!json_is_boolean(v))
		return 0;
	*out = json_is_true(v);
	return 1;
}

/* o[key]["@odata.id"], the form every Redfish link takes. */
static const char *get_link(json_t *o, const char *key)
{
	return get_str(get_obj(o, key), "@odata.id");
}

/* Bytes in the UTF-8 sequence starting with c (jansson has checked it). */
static size_t utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 1;
}

/*
 * Copy text for display: clipped at a character boundary, with C0 and C1
 * control characters turned into spaces so a BMC cannot send escape
 * sequences to the user's terminal.
 */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t o = 0;

	if (size == 0)
		return;
	while (src != NULL && *src != '\0') {
		unsigned char c = (unsigned char)*src;
		size_t k = utf8_len(c), i;

		for (i = 1; i < k; i++)
			if (src[i] == '\0')
				break;
		if (i < k || o + k >= size)
			break;
		if (c < 0x20 || c == 0x7F || (c == 0xC2 && (unsigned char)src[1] < 0xA0)) {
			dst[o++] = ' ';
		} else {
			memcpy(dst + o, src, k);
			o += k;
		}
		src += k;
	}
	dst[o] = '\0';
}

/* Whether s holds no control character and fits size bytes with its NUL. */
static int fits_clean(const char *s, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i + 1 >= size || c < 0x20 || c == 0x7F ||
		    (c == 0xC2 && (unsigned char)s[i + 1] < 0xA0))
			return 0;
	}
	return size > 0;
}

/*
 * Copy a link or an enumeration word whole, or leave dst empty: half a link
 * or half a reset type is worse than none.
 */
static void copy_whole(char *dst, size_t size, const char *src)
{
	if (size == 0)
		return;
	if (src == NULL || !fits_clean(src, size)) {
		dst[0] = '\0';
		return;
	}
	memcpy(dst, src, strlen(src) + 1);
}

/* Append word to a comma-joined list if it fits whole. */
static void join_word(char *dst, size_t size, const char *word)
{
	size_t used = strlen(dst), len = strlen(word), sep = used ? 1 : 0, i;

	if (len == 0 || used + sep + len >= size)
		return;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)word[i]) && word[i] != '_' && word[i] != '-')
			return;
	if (sep)
		dst[used++] = ',';
	memcpy(dst + used, word, len + 1);
}

static enum bmc_health health_from_string(const char *s)
{
	if (s == NULL)
		return BMC_HEALTH_UNKNOWN;
	if (strcasecmp(s, "OK") == 0)
		return BMC_HEALTH_OK;
	if (strcasecmp(s, "Warning") == 0)
		return BMC_HEALTH_WARNING;
	if (strcasecmp(s, "Critical") == 0)
		return BMC_HEALTH_CRITICAL;
	return BMC_HEALTH_UNKNOWN;
}

/* Status.HealthRollup (this and what it contains), else Status.Health. */
static enum bmc_health status_rollup(json_t *o)
{
	json_t *st = get_obj(o, "Status");
	enum bmc_health h = health_from_string(get_str(st, "HealthRollup"));

	return h != BMC_HEALTH_UNKNOWN ? h : health_from_string(get_str(st, "Health"));
}

static enum bmc_health worst(enum bmc_health a, enum bmc_health b)
{
	return a > b ? a : b;
}

/* Loading. */

static void set_err(char **err, char *msg)
{
	if (err != NULL)
		*err = msg;
	else
		free(msg);
}

/*
 * The caps of each kind.  The largest real payloads in the vendor mockups
 * (tests/data/redfish, pretty-printed as the services send them): a
 * resource 48 KB and 1,100 values (a Supermicro manager, an iLO 6 legacy
 * Thermal); an expanded Sensors collection 37 KB for 53 sensors; a page of
 * log entries 340 KB and 6,500 values (654 OpenBMC journal entries).  A
 * resource gets ten times its largest; a collection room for the 1024
 * members the backend reads at most, 40 values each; a log page ten times
 * its largest.  Each parse then costs at most a few tens of MB.
 */
static const struct rf_body_limit body_limits[] = {
    [RF_BODY_RESOURCE] = {"a resource", 512 * 1024, 16384},
    [RF_BODY_COLLECTION] = {"a collection", 2 * 1024 * 1024, 65536},
    [RF_BODY_LOG] = {"a page of log entries", RF_BODY_MAX, 131072},
};

const struct rf_body_limit *rf_body_limit(enum rf_body_kind kind)
{
	return &body_limits[kind <= RF_BODY_LOG ? kind : RF_BODY_RESOURCE];
}

/*
 * A body's values, counted as { [ and , outside strings, plus one: each
 * container opens with a bracket and each member after the first follows a
 * comma, so the count is never below half the values jansson would make.
 */
struct json_shape {
	size_t values;
	int deep; /* brackets nest deeper than RF_DEPTH_MAX */
};

/* Count a body's values and check its nesting, outside strings, stopping at max values. */
static struct json_shape json_shape(const char *p, size_t len, size_t max)
{
	struct json_shape sh = {1, 0};
	int depth = 0, in_string = 0, escaped = 0;
	size_t i;

	for (i = 0; i < len && sh.values <= max; i++) {
		char c = p[i];

		if (in_string) {
			if (escaped)
				escaped = 0;
			else if (c == '\\')
				escaped = 1;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '{' || c == '[') {
			sh.values++;
			if (++depth > RF_DEPTH_MAX) {
				sh.deep = 1;
				break;
			}
		} else if (c == ',') {
			sh.values++;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return sh;
}

int redfish_json_precheck(const char *body, size_t len, const struct rf_body_limit *lim, char **err)
{
	struct json_shape sh;

	if (len > lim->max_bytes) {
		set_err(err,
			xasprintf("the BMC sent %zu bytes, over the limit of %zu bytes for %s; "
				  "refused",
				  len, lim->max_bytes, lim->what));
		return -1;
	}
	sh = json_shape(body, len, lim->max_values);
	if (sh.deep) {
		set_err(err, xasprintf("the BMC sent JSON nested deeper than %d levels; refused as "
				       "hostile or broken",
				       RF_DEPTH_MAX));
		return -1;
	}
	if (sh.values > lim->max_values) {
		set_err(err, xasprintf("the BMC sent more than the %zu JSON values allowed for %s; "
				       "refused as hostile or broken",
				       lim->max_values, lim->what));
		return -1;
	}
	return 0;
}

static const char *json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	default:
		return "an object";
	}
}

/*
 * Size, values and nesting are measured before parsing, not after: jansson
 * recurses per level and allocates per value, so a hostile body must be
 * refused before it reaches the parser.
 */
json_t *redfish_json_load_kind(const char *body, size_t len, enum rf_body_kind kind, char **err)
{
	json_error_t je;
	json_t *j;

	if (err != NULL)
		*err = NULL;
	if (body == NULL || len == 0) {
		set_err(
		    err,
		    xstrdup("the BMC sent an empty body where a Redfish resource was expected"));
		return NULL;
	}
	if (redfish_json_precheck(body, len, rf_body_limit(kind), err) != 0)
		return NULL;
	/* Any top level, so that a wrong one gets a clearer message below. */
	j = json_loadb(body, len, JSON_DECODE_ANY, &je);
	if (j == NULL) {
		set_err(err, xasprintf("the BMC sent malformed JSON (%s at line %d, column %d)",
				       je.text, je.line, je.column));
		return NULL;
	}
	if (!json_is_object(j)) {
		set_err(err,
			xasprintf(
			    "the BMC sent %s where a Redfish resource (a JSON object) was expected",
			    json_kind(j)));
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *redfish_json_load(const char *body, size_t len, char **err)
{
	return redfish_json_load_kind(body, len, RF_BODY_LOG, err);
}

/* Links. */

struct origin {
	const char *scheme; /* "http" or "https" */
	const char *host;   /* not NUL-terminated */
	size_t hostlen;
	unsigned port;
	const char *end; /* first byte after the authority */
};

/* Parse "scheme://host[:port]" at the start of url. */
static int parse_origin(const char *url, struct origin *o)
{
	const char *p, *a;
	unsigned long port = 0;

	if (strncasecmp(url, "https://", 8) == 0) {
		o->scheme = "https";
		a = url + 8;
		o->port = 443;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		o->scheme = "http";
		a = url + 7;
		o->port = 80;
	} else {
		return -1;
	}
	p = a;
	if (*p == '[') {
		while (*p != '\0' && *p != ']')
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.' && *p != '[')
				return -1;
			else
				p++;
		if (*p != ']')
			return -1;
		p++;
	} else {
		while (isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_')
			p++;
	}
	o->host = a;
	o->hostlen = (size_t)(p - a);
	if (o->hostlen == 0 || memmem(a, o->hostlen, "..", 2) != NULL)
		return -1;
	if (*p == ':') {
		const char *d = ++p;

		while (isdigit((unsigned char)*p) && p - d < 6)
			port = port * 10 + (unsigned long)(*p++ - '0');
		if (p == d || p - d > 5 || port == 0 || port > 65535)
			return -1;
		o->port = (unsigned)port;
	}
	/* Anything else here (userinfo, a stray character) is not an origin. */
	if (*p != '\0' && *p != '/' && *p != '?' && *p != '#')
		return -1;
	o->end = p;
	return 0;
}

static int same_origin(const struct origin *a, const struct origin *b)
{
	return strcmp(a->scheme, b->scheme) == 0 && a->port == b->port &&
	       a->hostlen == b->hostlen && strncasecmp(a->host, b->host, a->hostlen) == 0;
}

/* Characters no link may hold, anywhere, even in a fragment. */
static int link_chars_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7F || c == '\\')
			return 0;
		if (c == '%') {
			if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
				return 0;
			/* Encoded controls, dots and slashes only serve to hide a path. */
			if (s[1] < '2' || strncasecmp(s + 1, "2e", 2) == 0 ||
			    strncasecmp(s + 1, "2f", 2) == 0 || strncasecmp(s + 1, "5c", 2) == 0 ||
			    strncasecmp(s + 1, "7f", 2) == 0)
				return 0;
		}
	}
	return 1;
}

/* A path (up to any query) with no "." or ".." segment, under /redfish/. */
static int path_ok(const char *path, size_t len)
{
	size_t i, seg = 0;

	if (len < 9 || strncmp(path, "/redfish/", 9) != 0)
		return 0;
	for (i = 0; i <= len; i++) {
		if (i == len || path[i] == '/' || path[i] == '?') {
			size_t n = i - seg;

			if ((n == 1 && path[seg] == '.') ||
			    (n == 2 && path[seg] == '.' && path[seg + 1] == '.'))
				return 0;
			if (i < len && path[i] == '?')
				break;
			seg = i + 1;
		}
	}
	return memmem(path, len, "..", 2) == NULL;
}

int redfish_resolve_link(const char *base, const char *link, char *out, size_t outlen)
{
	struct origin b, l;
	const char *path;
	size_t pathlen, originlen;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (base == NULL || link == NULL || out == NULL || outlen == 0)
		return -1;
	if (parse_origin(base, &b) != 0 || !(b.end[0] == '\0' || strcmp(b.end, "/") == 0))
		return -1;
	if (link[0] == '\0' || !link_chars_ok(link))
		return -1;
	if (link[0] == '/' && link[1] != '/') {
		path = link;
	} else if (parse_origin(link, &l) == 0 && same_origin(&b, &l)) {
		path = l.end;
	} else {
		return -1;
	}
	pathlen = strcspn(path, "#");
	if (!path_ok(path, pathlen))
		return -1;
	originlen = (size_t)(b.end - base);
	if (originlen + pathlen >= outlen)
		return -1;
	memcpy(out, base, originlen);
	memcpy(out + originlen, path, pathlen);
	out[originlen + pathlen] = '\0';
	return 0;
}

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
	json_t *oem = get_obj(o, "Oem");
	size_t i;

	for (i = 0; i < sizeof(oem_keys) / sizeof(oem_keys[0]); i++)
		if (get_obj(oem, oem_keys[i].key) != NULL)
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

	v = vendor_from_text(get_str(j, "Vendor"));
	if (v == RF_VENDOR_OTHER)
		v = vendor_from_oem(j);
	if (v == RF_VENDOR_OTHER)
		v = vendor_from_text(get_str(j, "Product"));
	if (v != RF_VENDOR_OTHER)
		return v;
	mps = get_link(get_obj(j, "Links"), "ManagerProvidingService");
	if (mps != NULL && strcmp(mps, "/redfish/v1/Managers/bmc") == 0)
		return RF_VENDOR_OPENBMC;
	copyright = get_str(j, "@Redfish.Copyright");
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
	copy_text(out->redfish_version, sizeof(out->redfish_version), get_str(j, "RedfishVersion"));
	copy_text(out->vendor_string, sizeof(out->vendor_string), get_str(j, "Vendor"));
	copy_text(out->product, sizeof(out->product), get_str(j, "Product"));
	copy_text(out->uuid, sizeof(out->uuid), get_str(j, "UUID"));
	out->vendor = root_vendor(j);

	/* $expand=.($levels=N) when Levels is offered; bare $expand=. is one level. */
	expand = get_obj(get_obj(j, "ProtocolFeaturesSupported"), "ExpandQuery");
	get_bool(expand, "Levels", &levels);
	get_bool(expand, "ExpandAll", &all);
	if (levels) {
		out->expand_levels = 1;
		if (get_num(expand, "MaxLevels", &max) && max >= 1)
			out->expand_levels =
			    max < RF_EXPAND_LEVELS_MAX ? (int)max : RF_EXPAND_LEVELS_MAX;
	} else if (all) {
		out->expand_levels = 1;
	}
	/* Sensors and fans are subordinate resources: "." (NoLinks) is enough;
	 * "*" also does when that is all a service offers. */
	if (get_bool(expand, "NoLinks", &all) && all)
		snprintf(out->expand, sizeof(out->expand), "%s", levels ? ".($levels=1)" : ".");
	else if (get_bool(expand, "ExpandAll", &all) && all)
		snprintf(out->expand, sizeof(out->expand), "%s", levels ? "*($levels=1)" : "*");

	copy_whole(out->systems, sizeof(out->systems), get_link(j, "Systems"));
	copy_whole(out->chassis, sizeof(out->chassis), get_link(j, "Chassis"));
	copy_whole(out->managers, sizeof(out->managers), get_link(j, "Managers"));
	copy_whole(out->session_service, sizeof(out->session_service),
		   get_link(j, "SessionService"));
	copy_whole(out->sessions, sizeof(out->sessions), get_link(get_obj(j, "Links"), "Sessions"));
	return 0;
}

int rf_parse_collection(json_t *j, char ***links, size_t *n)
{
	json_t *members = get_array(j, "Members");
	size_t i;

	*links = NULL;
	*n = 0;
	if (members == NULL)
		return -1;
	for (i = 0; i < json_array_size(members); i++) {
		json_t *m = json_array_get(members, i);
		const char *id = get_str(m, "@odata.id");

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
	copy_whole(out, outlen, get_link(j, key));
	return out[0] != '\0' ? 0 : -1;
}

int rf_parse_next_link(json_t *j, char *out, size_t outlen)
{
	if (outlen == 0)
		return -1;
	copy_whole(out, outlen, get_str(j, "Members@odata.nextLink"));
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
	json_t *g = get_obj(j, "GraphicalConsole"), *s = get_obj(j, "SerialConsole");
	json_t *types;
	size_t i;

	c->graphical_said = get_bool(g, "ServiceEnabled", &c->graphical_enabled);
	types = get_array(g, "ConnectTypesSupported");
	for (i = 0; i < json_array_size(types); i++) {
		json_t *t = json_array_get(types, i);

		if (json_is_string(t))
			join_word(c->graphical_types, sizeof(c->graphical_types),
				  json_string_value(t));
	}

	c->serial_said = get_bool(s, "ServiceEnabled", &c->serial_enabled);
	types = get_array(s, "ConnectTypesSupported");
	for (i = 0; i < json_array_size(types); i++) {
		json_t *t = json_array_get(types, i);

		if (json_is_string(t))
			join_word(c->serial_types, sizeof(c->serial_types), json_string_value(t));
	}
	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++) {
		int on = 0;

		if (get_bool(get_obj(s, protocols[i]), "ServiceEnabled", &on) && on) {
			c->serial_enabled = 1;
			c->serial_said = 1;
			if (types == NULL)
				join_word(c->serial_types, sizeof(c->serial_types), protocols[i]);
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
		if (w == NULL || w[0] == '\0' || !fits_clean(w, 24))
			continue;
		copy_whole(types[(*n)++], 24, w);
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
	ps = get_str(j, "PowerState");
	if (ps != NULL && strcasecmp(ps, "Off") == 0)
		out->power = BMC_POWER_OFF;
	else if (ps != NULL &&
		 (strcasecmp(ps, "On") == 0 || strcasecmp(ps, "PoweringOn") == 0 ||
		  strcasecmp(ps, "PoweringOff") == 0 || strcasecmp(ps, "Paused") == 0))
		out->power = BMC_POWER_ON;
	out->health = status_rollup(j);
	copy_text(out->manufacturer, sizeof(out->manufacturer), get_str(j, "Manufacturer"));
	copy_text(out->model, sizeof(out->model), get_str(j, "Model"));
	copy_text(out->serial, sizeof(out->serial), get_str(j, "SerialNumber"));
	copy_text(out->bios_version, sizeof(out->bios_version), get_str(j, "BiosVersion"));

	reset = get_obj(get_obj(j, "Actions"), "#ComputerSystem.Reset");
	copy_whole(out->reset_target, sizeof(out->reset_target), get_str(reset, "target"));
	copy_whole(out->reset_action_info, sizeof(out->reset_action_info),
		   get_str(reset, "@Redfish.ActionInfo"));
	copy_words(get_array(reset, "ResetType@Redfish.AllowableValues"), out->reset_types,
		   RF_MAX_RESET_TYPES, &out->nreset_types);

	boot = get_obj(j, "Boot");
	copy_whole(out->boot_target, sizeof(out->boot_target),
		   get_str(boot, "BootSourceOverrideTarget"));
	copy_whole(out->boot_enabled, sizeof(out->boot_enabled),
		   get_str(boot, "BootSourceOverrideEnabled"));
	copy_words(get_array(boot, "BootSourceOverrideTarget@Redfish.AllowableValues"),
		   out->boot_targets, RF_MAX_BOOT_TARGETS, &out->nboot_targets);
	copy_whole(out->log_services, sizeof(out->log_services), get_link(j, "LogServices"));
	parse_console(j, &out->console);
	return 0;
}

int rf_parse_action_info(json_t *j, char types[][24], size_t max, size_t *n)
{
	json_t *params = get_array(j, "Parameters");
	size_t i;

	*n = 0;
	if (params == NULL)
		return -1;
	for (i = 0; i < json_array_size(params); i++) {
		json_t *p = json_array_get(params, i);
		const char *name = get_str(p, "Name");

		if (name != NULL && strcmp(name, "ResetType") == 0) {
			copy_words(get_array(p, "AllowableValues"), types, max, n);
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
	out->health = status_rollup(j);
	copy_text(out->model, sizeof(out->model), get_str(j, "Model"));
	copy_text(out->serial, sizeof(out->serial), get_str(j, "SerialNumber"));
	copy_whole(out->thermal, sizeof(out->thermal), get_link(j, "Thermal"));
	copy_whole(out->power, sizeof(out->power), get_link(j, "Power"));
	copy_whole(out->sensors, sizeof(out->sensors), get_link(j, "Sensors"));
	copy_whole(out->thermal_subsystem, sizeof(out->thermal_subsystem),
		   get_link(j, "ThermalSubsystem"));
	copy_whole(out->power_subsystem, sizeof(out->power_subsystem),
		   get_link(j, "PowerSubsystem"));
	return 0;
}

int rf_parse_manager(json_t *j, struct rf_manager *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return -1;
	copy_text(out->model, sizeof(out->model), get_str(j, "Model"));
	copy_text(out->firmware, sizeof(out->firmware), get_str(j, "FirmwareVersion"));
	copy_whole(out->log_services, sizeof(out->log_services), get_link(j, "LogServices"));
	parse_console(j, &out->console);
	return 0;
}

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
	const char *s = get_str(get_obj(m, "Status"), "State");

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
	const char *name = get_str(m, "Name"), *id = get_str(m, "MemberId");
	char buf[128];
	size_t i, same = 0, n = json_array_size(arr);

	if (id == NULL)
		id = get_str(m, "Id");
	if (name == NULL || name[0] == '\0') {
		if (id != NULL)
			snprintf(buf, sizeof(buf), "%s %s", kind, id);
		else
			snprintf(buf, sizeof(buf), "%s %zu", kind, index);
		copy_text(dst, size, buf);
		return;
	}
	for (i = 0; i < n && i < RF_ARRAY_SCAN_MAX; i++) {
		const char *other = get_str(json_array_get(arr, i), "Name");

		if (other != NULL && strcmp(other, name) == 0)
			same++;
	}
	if (same > 1 && id != NULL) {
		snprintf(buf, sizeof(buf), "%s %s", name, id);
		copy_text(dst, size, buf);
		return;
	}
	copy_text(dst, size, name);
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
 * One member of a legacy Thermal or Power array.  The status is the worst
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
	if (get_num(m, spec->reading, &v) ||
	    (spec->reading_alt && get_num(m, spec->reading_alt, &v))) {
		tmp.value = v;
		tmp.has_value = 1;
	}
	for (i = 0; spec->thresholds && i < TH__MAX; i++)
		if (get_num(m, spec->thresholds[i], &v)) {
			tmp.threshold[i] = v;
			tmp.threshold_mask |= 1u << i;
		}
	health = health_from_string(get_str(get_obj(m, "Status"), "Health"));
	if (ms == MEMBER_OFFLINE && !spec->status_is_not_the_meter) {
		tmp.has_value = 0;
		health = BMC_HEALTH_UNKNOWN;
		copy_text(tmp.state, sizeof(tmp.state), state);
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
	copy_text(x->type, sizeof(x->type), spec->type);
	copy_text(x->unit, sizeof(x->unit), spec->unit);
	check_thresholds(x);
	x->status = worst(health, threshold_status(x));
	if (x->status == BMC_HEALTH_UNKNOWN && x->has_value)
		x->status = BMC_HEALTH_OK;
}

static void parse_array(json_t *j, const char *key, const struct member_spec *spec,
			struct bmc_sensor **s, size_t *n, size_t *cap)
{
	json_t *arr = get_array(j, key);
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
	json_t *fans = get_array(j, "Fans");
	size_t i;

	if (!json_is_object(j))
		return -1;
	parse_array(j, "Temperatures", &temps, s, n, cap);
	/* ReadingUnits is per fan: iLO gives Percent, most others RPM (the default). */
	for (i = 0; i < json_array_size(fans) && i < RF_ARRAY_SCAN_MAX; i++) {
		const char *u = get_str(json_array_get(fans, i), "ReadingUnits");

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
	const char *rt = get_str(j, "ReadingType"), *ru = get_str(j, "ReadingUnits");
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
	hpe = get_str(get_obj(get_obj(j, "Oem"), "Hpe"), "@odata.type");
	if (type == NULL && rt == NULL && ru == NULL && hpe && strstr(hpe, "HpeSeaOfSensors")) {
		type = "temperature";
		unit = "C";
	}
	if (type == NULL) {
		/* An unknown ReadingType in lower case, as IPMI type names are. */
		copy_text(x->type, sizeof(x->type), rt ? rt : "other");
		for (i = 0; x->type[i] != '\0'; i++)
			x->type[i] = (char)tolower((unsigned char)x->type[i]);
	} else {
		copy_text(x->type, sizeof(x->type), type);
	}
	copy_text(x->unit, sizeof(x->unit), unit ? unit : ru);
}

int rf_parse_sensor(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap)
{
	json_t *th = get_obj(j, "Thresholds");
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
	name = get_str(j, "Name");
	if (name == NULL || name[0] == '\0')
		name = get_str(j, "Id");
	copy_text(tmp.name, sizeof(tmp.name), name ? name : "Sensor");
	sensor_kind(j, &tmp);
	if (get_num(j, "Reading", &v)) {
		tmp.value = v;
		tmp.has_value = 1;
	}
	for (i = 0; i < TH__MAX; i++)
		if (get_num(get_obj(th, sensor_thresholds[i]), "Reading", &v)) {
			tmp.threshold[i] = v;
			tmp.threshold_mask |= 1u << i;
		}
	check_thresholds(&tmp);
	health = health_from_string(get_str(get_obj(j, "Status"), "Health"));
	if (ms == MEMBER_OFFLINE) {
		tmp.has_value = 0;
		health = BMC_HEALTH_UNKNOWN;
		copy_text(tmp.state, sizeof(tmp.state), state);
	}
	tmp.status = worst(health, threshold_status(&tmp));
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
	copy_text(x->name, sizeof(x->name), name);
	copy_text(x->type, sizeof(x->type), type);
	copy_text(x->unit, sizeof(x->unit), unit);
	x->has_value = has_value;
	x->value = has_value ? value : 0;
	x->status = health;
	if (x->status == BMC_HEALTH_UNKNOWN && has_value)
		x->status = BMC_HEALTH_OK;
	if (state != NULL)
		copy_text(x->state, sizeof(x->state), state);
}

static const char *name_or_id(json_t *j, const char *fallback)
{
	const char *name = get_str(j, "Name");

	if (name == NULL || name[0] == '\0')
		name = get_str(j, "Id");
	return name != NULL && name[0] != '\0' ? name : fallback;
}

int rf_parse_fan(json_t *j, struct bmc_sensor **s, size_t *n, size_t *cap)
{
	json_t *speed = get_obj(j, "SpeedPercent");
	enum member_state ms;
	const char *state;
	double v = 0;
	int rpm, pct = 0;

	if (!json_is_object(j))
		return -1;
	ms = member_state(j, &state);
	if (ms == MEMBER_ABSENT)
		return 0;
	rpm = get_num(speed, "SpeedRPM", &v);
	if (!rpm)
		pct = get_num(speed, "Reading", &v);
	if (ms == MEMBER_OFFLINE) {
		append_reading(s, n, cap, name_or_id(j, "Fan"), "fan", rpm || !pct ? "RPM" : "%", 0,
			       0, BMC_HEALTH_UNKNOWN, state);
		return 0;
	}
	append_reading(s, n, cap, name_or_id(j, "Fan"), "fan", rpm || !pct ? "RPM" : "%",
		       rpm || pct, v, health_from_string(get_str(get_obj(j, "Status"), "Health")),
		       NULL);
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
	json_t *arr = get_array(j, "TemperatureReadingsCelsius");
	size_t i, before = *n;
	char name[64];
	double v;

	if (!json_is_object(j))
		return -1;
	for (i = 0; i < json_array_size(arr) && i < RF_ARRAY_SCAN_MAX; i++) {
		json_t *m = json_array_get(arr, i);
		const char *dev = get_str(m, "DeviceName");

		if (!get_num(m, "Reading", &v))
			continue;
		if (dev == NULL || dev[0] == '\0')
			dev = last_segment(get_str(m, "DataSourceUri"));
		if (dev == NULL) {
			snprintf(name, sizeof(name), "Temperature %zu", i);
			dev = name;
		}
		append_reading(s, n, cap, dev, "temperature", "C", 1, v, BMC_HEALTH_UNKNOWN, NULL);
	}
	/* Only a summary: it is still better than nothing. */
	for (i = 0; *n == before && i < sizeof(summary) / sizeof(summary[0]); i++)
		if (get_num(get_obj(get_obj(j, "TemperatureSummaryCelsius"), summary[i]), "Reading",
			    &v)) {
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
	has = get_num(j, "PowerOutputWatts", &v) || get_num(j, "LastPowerOutputWatts", &v);
	if (ms == MEMBER_OFFLINE) {
		append_reading(s, n, cap, name_or_id(j, "Power Supply"), "power", "W", 0, 0,
			       BMC_HEALTH_UNKNOWN, state);
		return 0;
	}
	append_reading(s, n, cap, name_or_id(j, "Power Supply"), "power", "W", has, v,
		       health_from_string(get_str(get_obj(j, "Status"), "Health")), NULL);
	if (metrics_len > 0)
		copy_whole(metrics, metrics_len, get_link(j, "Metrics"));
	return 0;
}

int rf_parse_power_supply_metrics(json_t *j, struct bmc_sensor *supply)
{
	double v;

	if (!json_is_object(j) || supply == NULL)
		return -1;
	if (get_num(get_obj(j, "OutputPowerWatts"), "Reading", &v) ||
	    get_num(get_obj(j, "InputPowerWatts"), "Reading", &v)) {
		supply->value = v;
		supply->has_value = 1;
	}
	supply->status =
	    worst(supply->status, health_from_string(get_str(get_obj(j, "Status"), "Health")));
	if (supply->status == BMC_HEALTH_UNKNOWN && supply->has_value)
		supply->status = BMC_HEALTH_OK;
	return 0;
}

int rf_parse_error_message(json_t *j, char *out, size_t outlen)
{
	json_t *err = get_obj(j, "error");
	const char *msg =
	    get_str(json_array_get(get_array(err, "@Message.ExtendedInfo"), 0), "Message");

	if (outlen == 0)
		return -1;
	if (msg == NULL)
		msg = get_str(err, "message");
	copy_text(out, outlen, msg);
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

/* Logs. */

/* Lower is better: the SEL (iLO's IML is its SEL), then event logs. */
static int log_rank(const char *id, const char *entry_type)
{
	static const char *const never[] = {
	    "Dump", "PostCodes", "DebugTokenService", "HostLogger", "Crashdump", "AuditLog", "SL"};
	size_t i;

	if (entry_type != NULL && strcmp(entry_type, "SEL") == 0)
		return 0;
	if (id == NULL)
		return -1;
	if (strcasecmp(id, "SEL") == 0 || strcasecmp(id, "IML") == 0)
		return 0;
	if (strcasestr(id, "Event") != NULL || strncasecmp(id, "Log", 3) == 0)
		return 1;
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (strcasecmp(id, never[i]) == 0)
			return -1;
	return 2;
}

/*
 * Members expanded (LogService objects) give Entries; bare links give the
 * LogService, whose Entries is at "<service>/Entries": DSP0266 fixes that
 * URI since Redfish 1.6.  rf_parse_log_service() reads it for older services.
 */
int rf_pick_log_entries(json_t *j, char *out, size_t outlen)
{
	json_t *members = get_array(j, "Members");
	const char *best = NULL;
	int best_rank = -1, best_expanded = 0;
	size_t i;

	if (outlen > 0)
		out[0] = '\0';
	for (i = 0; i < json_array_size(members); i++) {
		json_t *m = json_array_get(members, i);
		const char *self = get_str(m, "@odata.id"), *entries = get_link(m, "Entries");
		const char *id = get_str(m, "Id");
		int rank;

		if (id == NULL && self != NULL) {
			const char *slash = strrchr(self, '/');

			id = slash ? slash + 1 : self;
		}
		rank = log_rank(id, get_str(m, "LogEntryType"));
		if (rank < 0 || (entries == NULL && self == NULL))
			continue;
		if (best == NULL || rank < best_rank) {
			best = entries ? entries : self;
			best_expanded = entries != NULL;
			best_rank = rank;
		}
	}
	if (best == NULL || outlen == 0 || !fits_clean(best, RF_LINK_MAX))
		return -1;
	if (best_expanded) {
		copy_whole(out, outlen, best);
	} else {
		size_t len = strlen(best);

		while (len > 0 && best[len - 1] == '/')
			len--;
		if (len == 0 || len + sizeof("/Entries") > outlen)
			return -1;
		memcpy(out, best, len);
		memcpy(out + len, "/Entries", sizeof("/Entries"));
	}
	return out[0] != '\0' ? 0 : -1;
}

int rf_parse_log_service(json_t *j, char *out, size_t outlen)
{
	if (outlen > 0)
		out[0] = '\0';
	copy_whole(out, outlen, get_link(j, "Entries"));
	return outlen > 0 && out[0] != '\0' ? 0 : -1;
}

static int days_in_month(int year, int mon)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[mon - 1] + (mon == 2 && leap);
}

/*
 * ISO 8601 as Redfish writes it, "2023-08-16T19:42:58.033389+00:00", to Unix
 * seconds; 0 when it is not a time (iLO writes "0000-00-00T00:00:00Z").
 */
static int64_t parse_iso8601(const char *s)
{
	int year, mon, day, hour, min, sec, off = 0, len = 0;
	struct tm tm;
	const char *p;
	time_t t;

	if (s == NULL ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &day, &hour, &min, &sec, &len) !=
		6 ||
	    len != 19)
		return 0;
	if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon) ||
	    hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 60)
		return 0;
	p = s + len;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;

		if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
			return 0;
		oh = (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
		if (*p == ':')
			p++;
		if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
			return 0;
		om = (p[0] - '0') * 10 + (p[1] - '0');
		if (oh > 23 || om > 59)
			return 0;
		off = sign * (oh * 3600 + om * 60);
		p += 2;
	} else if (*p == 'Z' || *p == 'z') {
		p++;
	}
	if (*p != '\0')
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return 0;
	return (int64_t)t - off;
}

/* A member to sort before it becomes an event. */
struct log_key {
	int64_t timestamp;
	const char *id;
	size_t pos;
	json_t *m;
};

/* Ids compare as numbers when both are, else as text. */
static int compare_ids(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	la = strspn(a, "0123456789");
	lb = strspn(b, "0123456789");
	if (la > 0 && lb > 0 && a[la] == '\0' && b[lb] == '\0') {
		while (la > 1 && *a == '0')
			a++, la--;
		while (lb > 1 && *b == '0')
			b++, lb--;
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return strcmp(a, b);
}

/* Newest first: by time, then by Id, then later in the list first. */
static int compare_newest_first(const void *pa, const void *pb)
{
	const struct log_key *a = pa, *b = pb;
	int c;

	if (a->timestamp != b->timestamp)
		return a->timestamp > b->timestamp ? -1 : 1;
	c = compare_ids(a->id, b->id);
	if (c != 0)
		return -c;
	return a->pos > b->pos ? -1 : a->pos < b->pos;
}

/* The Id as a number when it is one that fits, else the entry's place in the list. */
static uint32_t event_id(const char *id, size_t pos)
{
	char *end;
	unsigned long long v;

	if (id != NULL && isdigit((unsigned char)id[0])) {
		v = strtoull(id, &end, 10);
		if (*end == '\0' && v <= UINT32_MAX)
			return (uint32_t)v;
	}
	return (uint32_t)(pos + 1);
}

int rf_parse_log_entries(json_t *j, struct bmc_event **ev, size_t *n)
{
	json_t *members = get_array(j, "Members");
	struct log_key *keys;
	size_t i, nkeys = 0;

	*ev = NULL;
	*n = 0;
	if (members == NULL)
		return -1;
	keys = xcalloc(json_array_size(members) + 1, sizeof(*keys));
	for (i = 0; i < json_array_size(members); i++) {
		json_t *m = json_array_get(members, i);
		const char *id = get_str(m, "Id");
		const char *created = get_str(m, "Created");

		/* A bare link is an entry not expanded: there is nothing to show. */
		if (id == NULL && created == NULL && get_str(m, "Message") == NULL)
			continue;
		keys[nkeys].timestamp = parse_iso8601(created);
		keys[nkeys].id = id;
		keys[nkeys].pos = i;
		keys[nkeys].m = m;
		nkeys++;
	}
	qsort(keys, nkeys, sizeof(*keys), compare_newest_first);
	if (nkeys > RF_EVENTS_MAX)
		nkeys = RF_EVENTS_MAX;
	if (nkeys > 0)
		*ev = xcalloc(nkeys, sizeof(**ev));
	for (i = 0; i < nkeys; i++) {
		struct bmc_event *e = &(*ev)[i];
		const char *msg = get_str(keys[i].m, "Message");

		if (msg == NULL || msg[0] == '\0')
			msg = get_str(keys[i].m, "MessageId");
		e->id = event_id(keys[i].id, keys[i].pos);
		e->timestamp = keys[i].timestamp;
		copy_text(e->sensor, sizeof(e->sensor), get_str(keys[i].m, "SensorType"));
		copy_text(e->message, sizeof(e->message), msg);
		e->severity = health_from_string(get_str(keys[i].m, "Severity"));
		e->source = SRC_REDFISH;
	}
	*n = nkeys;
	free(keys);
	return 0;
}
