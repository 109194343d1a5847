/*
 * fuzz-filter.c - libFuzzer target for the host filter language: any text
 * parses or fails with a message, and a parsed filter matches hosts
 * without reading out of bounds.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "core/fleet.h"
#include "core/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_config cfg = { .name = "node07", .address = "10.0.0.7", .group = "rack4" };
	struct bmc_sensor s = { .name = "CPU1 Temp", .unit = "C", .value = 81, .has_value = 1 };
	struct bmc_host h = { .cfg = &cfg, .state = HOST_OK, .power = BMC_POWER_ON };
	struct filter *f = NULL;
	char *text, err[160];

	h.sensors = &s;
	h.nsensors = 1;
	h.error = "no response";
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (filter_parse(text, &f, err, sizeof err) == 0) {
		(void)filter_match(f, &h, 1000);
		filter_free(f);
	} else if (err[0] == '\0' || f != NULL) {
		__builtin_trap(); /* an error always says why, and leaves nothing */
	}
	free(text);
	return 0;
}
