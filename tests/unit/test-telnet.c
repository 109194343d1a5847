/*
 * test-telnet.c - the telnet client codec: negotiation answers, escaping,
 * CR NUL, subnegotiations, and commands split across reads.
 *
 * The opening exchange is the one QEMU's "-serial telnet" server sends.
 * The flood tests hold the codec to RFC 1143: an answer only when a state
 * changes, and a refusal said once, so a server repeating requests cannot
 * make us queue answers faster than its options actually change.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "console/telnet.h"
#include "runner.h"

struct decoded {
	uint8_t data[512];
	uint8_t reply[514];
	size_t ndata, nreply;
};

static void decode(struct telnet *t, const char *hex, struct decoded *d)
{
	uint8_t in[256];
	size_t n = test_unhex(hex, in);

	memset(d, 0xAA, sizeof *d);
	telnet_decode(t, in, n, d->data, &d->ndata, d->reply, &d->nreply);
	ASSERT(d->ndata <= n);
	ASSERT(d->nreply <= TELNET_REPLY_ROOM(n));
}

static void expect(const uint8_t *got, size_t n, const char *hex)
{
	uint8_t want[256];
	size_t m = test_unhex(hex, want);

	ASSERT_EQ(n, m);
	ASSERT_MEMEQ(got, want, m);
}

TEST(telnet_accepts_qemu_opening)
{
	struct telnet t;
	struct decoded d;

	telnet_init(&t);
	/* WILL ECHO, WILL SGA, WILL BINARY, DO BINARY, then "ok". */
	decode(&t, "fffb01 fffb03 fffb00 fffd00 6f6b", &d);
	expect(d.data, d.ndata, "6f6b");
	expect(d.reply, d.nreply, "fffd01 fffd03 fffd00 fffb00");
	ASSERT(telnet_him(&t, TELNET_OPT_ECHO));
	ASSERT(telnet_him(&t, TELNET_OPT_SGA));
	ASSERT(telnet_him(&t, TELNET_OPT_BINARY));
	ASSERT(telnet_us(&t, TELNET_OPT_BINARY));
	ASSERT_EQ(t.refused, 0);
}

TEST(telnet_refuses_other_options)
{
	struct telnet t;
	struct decoded d;

	telnet_init(&t);
	/* DO TTYPE, DO NAWS, WILL 200, DO ECHO (we never echo). */
	decode(&t, "fffd18 fffd1f fffbc8 fffd01", &d);
	ASSERT_EQ(d.ndata, 0);
	expect(d.reply, d.nreply, "fffc18 fffc1f fffec8 fffc01");
	ASSERT_EQ(t.refused, 4);
	ASSERT(!telnet_us(&t, TELNET_OPT_ECHO));
}

TEST(telnet_never_acknowledges_a_state_twice)
{
	struct telnet t;
	struct decoded d;

	telnet_init(&t);
	decode(&t, "fffb01", &d);
	expect(d.reply, d.nreply, "fffd01");
	/* The same request again is an acknowledgement: no answer, no loop. */
	decode(&t, "fffb01", &d);
	ASSERT_EQ(d.nreply, 0);
	/* WONT of something never on: no answer either. */
	decode(&t, "fffc03 fffe00", &d);
	ASSERT_EQ(d.nreply, 0);
	/* Turning ECHO off is acknowledged once. */
	decode(&t, "fffc01 fffc01", &d);
	expect(d.reply, d.nreply, "fffe01");
	ASSERT(!telnet_him(&t, TELNET_OPT_ECHO));
}

TEST(telnet_refuses_each_option_once)
{
	struct telnet t;
	struct decoded d;

	telnet_init(&t);
	decode(&t, "fffbc8 fffd18", &d);
	expect(d.reply, d.nreply, "fffec8 fffc18");
	/* Asked again, the answer stands: the server heard it already. */
	decode(&t, "fffbc8 fffd18 fffbc8 fffd18 fffcc8 fffe18 fffbc8", &d);
	ASSERT_EQ(d.nreply, 0);
	ASSERT_EQ(t.refused, 2);
	ASSERT(!telnet_him(&t, 200));
	ASSERT(!telnet_us(&t, 24));
}

TEST(telnet_wont_and_will_toggle_echo)
{
	struct telnet t;
	struct decoded d;

	telnet_init(&t);
	decode(&t, "fffb01 fffb01 fffb01", &d);
	expect(d.reply, d.nreply, "fffd01");
	decode(&t, "fffc01", &d);
	expect(d.reply, d.nreply, "fffe01");
	ASSERT(!telnet_him(&t, TELNET_OPT_ECHO));
	/* Each change of state is answered once, however often it happens. */
	decode(&t, "fffb01 fffb01 fffc01 fffc01 fffb01", &d);
	expect(d.reply, d.nreply, "fffd01 fffe01 fffd01");
	ASSERT(telnet_him(&t, TELNET_OPT_ECHO));
}

/* IAC verb opt for every verb and every option: what a flooding server sends. */
static size_t flood_round(uint8_t *out)
{
	static const uint8_t verbs[] = {TELNET_WILL, TELNET_DO, TELNET_DONT, TELNET_WONT};
	size_t n = 0, v;
	unsigned opt;

	for (v = 0; v < sizeof verbs; v++)
		for (opt = 0; opt < 256; opt++) {
			out[n++] = TELNET_IAC;
			out[n++] = verbs[v];
			out[n++] = (uint8_t)opt;
		}
	return n;
}

TEST(telnet_flood_answers_are_bounded)
{
	static uint8_t in[4 * 256 * 3], data[sizeof in], reply[TELNET_REPLY_ROOM(sizeof in)];
	struct telnet t;
	size_t n = flood_round(in), nd, nr, round;

	telnet_init(&t);
	/* The first round: the six changes of ECHO, SGA and BINARY on his side
	 * (on, off), the four of SGA and BINARY on ours, one refusal for each
	 * other option on each side. */
	telnet_decode(&t, in, n, data, &nd, reply, &nr);
	ASSERT_EQ(nd, 0);
	ASSERT_EQ(nr, 3 * (6 + 4 + 253 + 254));
	/* Every later round changes only those ten states again. */
	for (round = 0; round < 100; round++) {
		telnet_decode(&t, in, n, data, &nd, reply, &nr);
		ASSERT_EQ(nr, 3 * 10);
	}
	ASSERT_EQ(t.refused, 253 + 254);
}

TEST(telnet_dont_binary_turns_ours_off)
{
	struct telnet t;
	struct decoded d;

	telnet_init(&t);
	decode(&t, "fffd00", &d);
	expect(d.reply, d.nreply, "fffb00");
	decode(&t, "fffe00", &d);
	expect(d.reply, d.nreply, "fffc00");
	ASSERT(!telnet_us(&t, TELNET_OPT_BINARY));
}

TEST(telnet_iac_iac_is_data)
{
	struct telnet t;
	struct decoded d;

	telnet_init(&t);
	decode(&t, "41 ffff 42 ffff ffff", &d);
	expect(d.data, d.ndata, "41 ff 42 ff ff");
	ASSERT_EQ(d.nreply, 0);
}

TEST(telnet_skips_commands_and_subnegotiation)
{
	struct telnet t;
	struct decoded d;

	telnet_init(&t);
	/* NOP, GA, AYT, a TTYPE subnegotiation holding an escaped FF and SE. */
	decode(&t, "61 fff1 fff9 fff6 62 fffa 18 01 ffff f0 41 fff0 63", &d);
	expect(d.data, d.ndata, "61 62 63");
	ASSERT_EQ(d.nreply, 0);
	ASSERT_EQ(t.subnegotiations, 1);
}

TEST(telnet_split_across_reads)
{
	static const char *parts[] = {"ff",	  "fb",	   "01", "41 ff",
				      "ff 42 ff", "fa 18", "ff", "f0 43"};
	struct telnet t;
	struct decoded d;
	uint8_t data[64], reply[64];
	size_t nd = 0, nr = 0, i;

	telnet_init(&t);
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		decode(&t, parts[i], &d);
		memcpy(data + nd, d.data, d.ndata);
		nd += d.ndata;
		memcpy(reply + nr, d.reply, d.nreply);
		nr += d.nreply;
	}
	expect(data, nd, "41 ff 42 43");
	expect(reply, nr, "fffd01");
}

TEST(telnet_cr_nul_outside_binary)
{
	struct telnet t;
	struct decoded d;

	telnet_init(&t);
	decode(&t, "61 0d00 62 0d0a 63 0d", &d);
	expect(d.data, d.ndata, "61 0d 62 0d0a 63 0d");
	/* The NUL of a CR NUL split across reads is dropped too. */
	decode(&t, "00 64", &d);
	expect(d.data, d.ndata, "64");
	/* In BINARY every byte is data. */
	decode(&t, "fffb00", &d);
	decode(&t, "0d00 00", &d);
	expect(d.data, d.ndata, "0d00 00");
}

TEST(telnet_encode_escapes_and_cr)
{
	struct telnet t;
	struct decoded d;
	const uint8_t in[] = {'a', 0xFF, '\r', 'b', '\r', '\n', 0xFF, '\r'};
	uint8_t out[2 * sizeof in];
	size_t n;

	telnet_init(&t);
	n = telnet_encode(&t, in, sizeof in, out);
	expect(out, n, "61 ffff 0d00 62 0d0a ffff 0d00");
	/* Once we send BINARY, CR goes as it is; 0xFF is still doubled. */
	decode(&t, "fffd00", &d);
	n = telnet_encode(&t, in, sizeof in, out);
	expect(out, n, "61 ffff 0d 62 0d0a ffff 0d");
	n = telnet_break(out);
	expect(out, n, "fff3");
}

TEST(telnet_roundtrip_all_bytes)
{
	struct telnet tx, rx;
	uint8_t in[256], enc[512], dec[512], reply[516];
	size_t n, nd, nr, i;

	telnet_init(&tx);
	telnet_init(&rx);
	for (i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	/* Both ends binary, as QEMU sets them up: the bytes come back unchanged. */
	decode(&tx, "fffd00", &(struct decoded){0});
	decode(&rx, "fffb00", &(struct decoded){0});
	n = telnet_encode(&tx, in, sizeof in, enc);
	ASSERT_EQ(n, 257);
	telnet_decode(&rx, enc, n, dec, &nd, reply, &nr);
	ASSERT_EQ(nd, 256);
	ASSERT_MEMEQ(dec, in, 256);
	ASSERT_EQ(nr, 0);
}
