/*
 * redfish/json.h - access to a BMC's JSON for the Redfish parsers (json.c):
 * a member of the wrong type counts as absent, and text is copied so that
 * nothing a BMC sends reaches a terminal unfiltered.  The body caps and
 * loading are declared in redfish/parse.h, for the backend.
 */
#ifndef BMCTOP_REDFISH_JSON_H
#define BMCTOP_REDFISH_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "core/host.h"

/* o[key] when it is an object / an array / a string / a finite number / a boolean. */
json_t *rf_json_obj(json_t *o, const char *key);
json_t *rf_json_array(json_t *o, const char *key);
const char *rf_json_str(json_t *o, const char *key);
int rf_json_num(json_t *o, const char *key, double *out); /* 1 with *out, or 0 */
int rf_json_bool(json_t *o, const char *key, int *out);	  /* 1 with *out, or 0 */
/* o[key]["@odata.id"], the form every Redfish link takes. */
const char *rf_json_link(json_t *o, const char *key);

/* Text for display: clipped at a character boundary, control characters as spaces. */
void rf_json_copy_text(char *dst, size_t size, const char *src);
/* Whether s holds no control character and fits size bytes with its NUL. */
int rf_json_fits_clean(const char *s, size_t size);
/* A link or an enumeration word whole, or dst left empty. */
void rf_json_copy_whole(char *dst, size_t size, const char *src);
/* Append word (letters, digits, _ and -) to a comma-joined list if it fits whole. */
void rf_json_join_word(char *dst, size_t size, const char *word);

/* "OK", "Warning", "Critical" as a health; anything else UNKNOWN. */
enum bmc_health rf_json_health(const char *s);
/* Status.HealthRollup (this and what it contains), else Status.Health. */
enum bmc_health rf_json_rollup(json_t *o);
enum bmc_health rf_json_worst(enum bmc_health a, enum bmc_health b);

#endif
