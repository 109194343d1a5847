/*
 * fuzz-redfish-link.c - libFuzzer target for redfish_resolve_link().
 *
 * The input is "BASE\nLINK".  Whatever the pair, out must be a string that
 * fits; when the link is accepted, the URL must start with the base's
 * origin, go under /redfish/, and hold nothing that could leave it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redfish/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = {1, 8, 40, RF_LINK_MAX};
	const uint8_t *nl = memchr(data, '\n', size);
	char *base, *link, out[RF_LINK_MAX];
	size_t blen, olen, i;

	if (nl == NULL)
		return 0;
	blen = (size_t)(nl - data);
	base = strndup((const char *)data, blen);
	link = strndup((const char *)nl + 1, size - blen - 1);
	if (base == NULL || link == NULL)
		abort();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(out, 'x', sizeof(out));
		if (redfish_resolve_link(base, link, out, sizes[i]) != 0) {
			if (out[0] != '\0')
				__builtin_trap();
			continue;
		}
		if (memchr(out, '\0', sizes[i]) == NULL)
			__builtin_trap();
		/* The origin is the base's, to the byte; then comes a path under /redfish/. */
		olen = strcspn(base, "/") + 2;
		olen += strcspn(base + olen, "/");
		if (strncmp(out, base, olen) != 0 || strncmp(out + olen, "/redfish/", 9) != 0 ||
		    strstr(out, "..") != NULL || strpbrk(out, " \\\r\n\t#") != NULL)
			__builtin_trap();
	}
	free(base);
	free(link);
	return 0;
}
