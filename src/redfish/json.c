/*
 * redfish/json.c - reading a BMC's JSON: the caps on a body before it is
 * parsed, and access to a tree that treats a wrong type as absence.
 *
 * Everything a Redfish parser reads went through here: members of the wrong
 * type count as absent, text is clipped at a UTF-8 boundary with control
 * characters blanked (it ends up on a terminal), links and enumeration
 * words are copied whole or not at all.  The caps are checked on the text
 * (values and nesting counted outside strings) before jansson builds a
 * tree, so a hostile body costs its bytes and no more.
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

/* JSON access that treats a wrong type as absence. */

json_t *rf_json_obj(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_object(v) ? v : NULL;
}

json_t *rf_json_array(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_array(v) ? v : NULL;
}

const char *rf_json_str(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int rf_json_num(json_t *o, const char *key, double *out)
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

int rf_json_bool(json_t *o, const char *key, int *out)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	if (!json_is_boolean(v))
		return 0;
	*out = json_is_true(v);
	return 1;
}

/* o[key]["@odata.id"], the form every Redfish link takes. */
const char *rf_json_link(json_t *o, const char *key)
{
	return rf_json_str(rf_json_obj(o, key), "@odata.id");
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
void rf_json_copy_text(char *dst, size_t size, const char *src)
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
int rf_json_fits_clean(const char *s, size_t size)
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
void rf_json_copy_whole(char *dst, size_t size, const char *src)
{
	if (size == 0)
		return;
	if (src == NULL || !rf_json_fits_clean(src, size)) {
		dst[0] = '\0';
		return;
	}
	memcpy(dst, src, strlen(src) + 1);
}

/* Append word to a comma-joined list if it fits whole. */
void rf_json_join_word(char *dst, size_t size, const char *word)
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

enum bmc_health rf_json_health(const char *s)
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
enum bmc_health rf_json_rollup(json_t *o)
{
	json_t *st = rf_json_obj(o, "Status");
	enum bmc_health h = rf_json_health(rf_json_str(st, "HealthRollup"));

	return h != BMC_HEALTH_UNKNOWN ? h : rf_json_health(rf_json_str(st, "Health"));
}

enum bmc_health rf_json_worst(enum bmc_health a, enum bmc_health b)
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
