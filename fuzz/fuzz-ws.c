/*
 * fuzz-ws.c - libFuzzer target for the WebSocket codec: the frame decoder
 * (as a client, and as a server that wants masked frames) fed the input
 * whole and split at a point the input chooses, and the upgrade answer
 * check.  Every event must point inside the buffer it was given, and the
 * pong owed after a ping is that ping's payload.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnc/ws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const uint8_t *data, size_t size, size_t split, uint64_t limit, int masked)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct ws_decoder d;
	size_t off = 0;

	memcpy(buf, data, size);
	ws_decoder_init(&d, limit, masked);
	while (off < size) {
		size_t end = off < split && split < size ? split : size;

		while (off < end) {
			struct ws_event ev;
			ssize_t n = ws_decode(&d, buf + off, end - off, &ev);

			if (n < 0) {
				if (d.error == NULL)
					abort();
				free(buf);
				return;
			}
			if (ev.type == WS_EV_DATA &&
			    (ev.data < buf + off || ev.data + ev.len > buf + end))
				abort();
			if ((ev.type == WS_EV_PING || ev.type == WS_EV_CLOSE) &&
			    ev.len > WS_MAX_CONTROL)
				abort();
			if (ev.type == WS_EV_PING && (n & 1)) {
				uint8_t pong[WS_MAX_CONTROL];
				size_t plen;

				/* The pong owed is the latest ping's payload, once. */
				if (ws_pong_take(&d, pong, &plen) != 1 || plen != ev.len ||
				    memcmp(pong, ev.data, plen) != 0 ||
				    ws_pong_take(&d, pong, &plen) != 0)
					abort();
			}
			if (n == 0)
				abort(); /* bytes were given: something must be consumed */
			off += (size_t)n;
		}
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_upgrade_result res;
	size_t split = size ? data[0] % (size + 1) : 0;

	run(data, size, size, 1024, 0);
	run(data, size, split, 1 << 20, 0);
	run(data, size, split, 200, 1);
	if (ws_upgrade_check((const char *)data, size, "dGhlIHNhbXBsZSBub25jZQ==", "binary",
			     &res) == 1 &&
	    res.head_len > size)
		abort();
	return 0;
}
