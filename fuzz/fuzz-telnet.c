/*
 * fuzz-telnet.c - libFuzzer target for the telnet client codec.
 *
 * Decodes the input whole and again split at a point taken from its first
 * byte: a command split across reads must decode exactly as one read, the
 * outputs must stay inside their documented bounds, every reply must be
 * a well-formed IAC verb option triple, and no option may be refused twice
 * on the same side (RFC 1143: repeated requests draw no more answers).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console/telnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode(struct telnet *t, const uint8_t *in, size_t len, uint8_t *d, size_t *nd,
		   uint8_t *r, size_t *nr)
{
	telnet_decode(t, in, len, d, nd, r, nr);
	if (*nd > len || *nr > TELNET_REPLY_ROOM(len))
		__builtin_trap();
}

/* Trap unless each refusal (DONT, WONT of an option that is now off) is
 * said at most once per option: a refused option stays off for good. */
static void check_refusals_once(const struct telnet *t, const uint8_t *r, size_t n)
{
	uint8_t seen[2][256];
	size_t i;

	memset(seen, 0, sizeof seen);
	for (i = 0; i < n; i += 3) {
		int side = r[i + 1] == TELNET_DONT ? 0 : r[i + 1] == TELNET_WONT ? 1 : -1;
		const uint8_t *q = side == 0 ? t->him : t->us;

		if (side < 0 || q[r[i + 2]] != TELNET_Q_REFUSED)
			continue;
		if (seen[side][r[i + 2]]++)
			__builtin_trap();
	}
	if (t->refused > 2 * 256)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t will_binary[] = {TELNET_IAC, TELNET_WILL, TELNET_OPT_BINARY};
	struct telnet whole, split, peer;
	uint8_t *d1, *r1, *d2, *r2, *enc, *dec, *rep;
	size_t nd1, nr1, nd2a, nr2a, nd2b, nr2b, cut, i, n;

	if (size == 0)
		return 0;
	cut = data[0] % size;
	d1 = malloc(size);
	r1 = malloc(TELNET_REPLY_ROOM(size));
	d2 = malloc(size);
	r2 = malloc(2 * TELNET_REPLY_ROOM(size));
	telnet_init(&whole);
	telnet_init(&split);
	decode(&whole, data, size, d1, &nd1, r1, &nr1);
	decode(&split, data, cut, d2, &nd2a, r2, &nr2a);
	decode(&split, data + cut, size - cut, d2 + nd2a, &nd2b, r2 + nr2a, &nr2b);
	if (nd1 != nd2a + nd2b || memcmp(d1, d2, nd1) != 0)
		__builtin_trap();
	if (nr1 != nr2a + nr2b || memcmp(r1, r2, nr1) != 0 || nr1 % 3 != 0)
		__builtin_trap();
	for (i = 0; i < nr1; i += 3)
		if (r1[i] != TELNET_IAC || r1[i + 1] < TELNET_WILL || r1[i + 1] > TELNET_DONT)
			__builtin_trap();
	check_refusals_once(&whole, r1, nr1);
	if (whole.rx != split.rx || memcmp(whole.him, split.him, sizeof whole.him) != 0 ||
	    memcmp(whole.us, split.us, sizeof whole.us) != 0)
		__builtin_trap();
	/* What we send decodes back to the same bytes at a peer that agrees
	 * with us on BINARY. */
	enc = malloc(2 * size);
	n = telnet_encode(&whole, data, size, enc);
	if (n > 2 * size)
		__builtin_trap();
	telnet_init(&peer);
	if (telnet_us(&whole, TELNET_OPT_BINARY))
		decode(&peer, will_binary, sizeof will_binary, d2, &nd2a, r2, &nr2a);
	dec = malloc(n ? n : 1);
	rep = malloc(TELNET_REPLY_ROOM(n));
	decode(&peer, enc, n, dec, &nd2a, rep, &nr2a);
	if (nd2a != size || memcmp(dec, data, size) != 0 || nr2a != 0)
		__builtin_trap();
	free(dec);
	free(rep);
	free(enc);
	free(d1);
	free(r1);
	free(d2);
	free(r2);
	return 0;
}
