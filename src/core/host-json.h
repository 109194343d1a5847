/*
 * core/host-json.h - the JSON form of a host (the contract in bmctop(1)).
 */
#ifndef BMCTOP_HOST_JSON_H
#define BMCTOP_HOST_JSON_H

#include <jansson.h>

#include "core/host.h"

enum host_json_part {
	HJ_SUMMARY = 1,	  /* name, address, power, health, error, ... */
	HJ_SENSORS = 2,
	HJ_EVENTS = 4,
	HJ_INVENTORY = 8,
	HJ_COUNTERS = 16,
	HJ_STATUS = HJ_SUMMARY | HJ_SENSORS | HJ_COUNTERS
};

json_t *host_to_json(const struct bmc_host *h, unsigned parts);
/* ISO 8601 UTC ("2026-11-24T08:00:00Z") of Unix milliseconds into buf. */
void host_json_utc(char *buf, size_t len, int64_t ms);

#endif
