/*
 * fuzz-http-request.c - libFuzzer target for the request head parser of
 * bmctop serve (core/http-request.c) and its query and Accept helpers.
 *
 * A head that parses takes no more bytes than it was given and no more
 * than the head limit; every prefix of it either needs more bytes or
 * fails the same way no later than the whole (a partial head is never
 * taken as complete); the fixed fields stay NUL-terminated.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "core/http-request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request r;
	char out[256];
	int rc = http_request_parse(&r, (const char *)data, size), pre;

	if (rc > 0) {
		if ((size_t)rc > size || rc > HTTP_REQUEST_HEAD_MAX)
			__builtin_trap();
		if (memchr(r.target, '\0', sizeof r.target) == NULL ||
		    memchr(r.host, '\0', sizeof r.host) == NULL ||
		    memchr(r.accept, '\0', sizeof r.accept) == NULL)
			__builtin_trap();
		pre = http_request_parse(&r, (const char *)data, (size_t)rc - 1);
		if (pre > 0)
			__builtin_trap();
		rc = http_request_parse(&r, (const char *)data, size);
		if (http_request_query(r.target, "target", out, sizeof out) == 1 &&
		    strlen(out) >= sizeof out)
			__builtin_trap();
		http_request_path(r.target, out, sizeof out);
		http_request_accepts(&r, "application/openmetrics-text");
	}
	return 0;
}
