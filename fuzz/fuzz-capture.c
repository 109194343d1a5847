/*
 * fuzz-capture.c - libFuzzer target for the capture's redaction
 * (core/capture.c): a hostile BMC's resource, redacted and written.
 *
 * Each input is one Redfish body captured into a fresh directory, which
 * is removed afterwards.  What the capture writes must be JSON again.
 */
#include "config.h"

#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/fuzz-capture-XXXXXX", file[128];
	struct capture *c = NULL;
	char *err = NULL;
	json_t *j;

	if (mkdtemp(dir) == NULL)
		return 0;
	if (capture_open(&c, dir, CAPTURE_FORCE, &err) == 0) {
		capture_redfish(c, "GET", "https://127.0.0.1/redfish/v1/Systems/1/LogServices/SEL",
				200, (const char *)data, size);
		capture_close(c, NULL, NULL, NULL, &err);
		snprintf(file, sizeof file, "%s/redfish/v1/Systems/1/LogServices/SEL/index.json",
			 dir);
		if (access(file, F_OK) == 0) {
			j = json_load_file(file, JSON_DECODE_ANY, NULL);
			if (j == NULL)
				__builtin_trap();
			json_decref(j);
		}
	}
	free(err);
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}
