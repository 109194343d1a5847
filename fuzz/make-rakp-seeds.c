/*
 * make-rakp-seeds.c - writes fuzz/corpus/rakp: the session set-up messages
 * a BMC sends, built with the engine's own server-side builders for the
 * fixed state fuzz-rakp.c checks against, so that seeds reach the success
 * paths (good auth codes and ICVs) of every cipher suite, beside refusals
 * and near misses (one byte short, one byte long, a flipped auth code).
 *
 *   cc -D_GNU_SOURCE -Isrc -Ifuzz -Ifuzz/stub -o /tmp/mk fuzz/make-rakp-seeds.c \
 *      src/ipmi/rakp.c src/core/crypto.c src/core/xalloc.c $(pkg-config --libs openssl)
 *   /tmp/mk fuzz/corpus/rakp
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipmi/rakp.h"
#include "rakp-fixed-state.h"

static const char *dir;

static void put(const char *name, const uint8_t *p, size_t len)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(p, 1, len, fp) != len || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

/* A good message, then the near misses a parser must refuse. */
static void put_variants(const char *name, const uint8_t *p, size_t len)
{
	uint8_t buf[128];
	char n[128];

	put(name, p, len);
	snprintf(n, sizeof n, "%s-short", name);
	put(n, p, len - 1);
	memcpy(buf, p, len);
	buf[len] = 0xff;
	snprintf(n, sizeof n, "%s-long", name);
	put(n, buf, len + 1);
	buf[len - 1] ^= 0x01;
	snprintf(n, sizeof n, "%s-badcode", name);
	put(n, buf, len);
}

int main(int argc, char **argv)
{
	static const int suites[] = {0, 1, 2, 3, 15, 16, 17};
	static const uint8_t statuses[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x09,
					   0x0d, 0x0f, 0x10, 0x11, 0x12, 0x13};
	uint8_t buf[128];
	char name[64];
	size_t len;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		struct ipmi_open_session_rsp o = {0};
		struct ipmi_rakp r;
		int s = suites[i];

		rakp_fixed_state(&r, s);
		o.tag = 0x01;
		o.max_priv = 4;
		o.console_sid = r.console_sid;
		o.bmc_sid = r.bmc_sid;
		o.auth = r.cipher.auth;
		o.integrity = r.cipher.integrity;
		o.confidentiality = r.cipher.confidentiality;
		len = ipmi_open_session_rsp_build(buf, &o);
		snprintf(name, sizeof name, "open-session-suite%d", s);
		put(name, buf, len);

		len = ipmi_rakp2_build(buf, sizeof buf, 0x02, 0, &r);
		snprintf(name, sizeof name, "rakp2-suite%d", s);
		put_variants(name, buf, len);

		ipmi_rakp_derive_keys(&r);
		len = ipmi_rakp4_build(buf, sizeof buf, 0x03, 0, &r);
		snprintf(name, sizeof name, "rakp4-suite%d", s);
		put_variants(name, buf, len);

		/* fuzz-rakp.c hands the whole input to the RAKP 3 check. */
		len = ipmi_rakp3_build(buf, sizeof buf, 0x03, 0, &r);
		if (len > 8) {
			snprintf(name, sizeof name, "rakp3-code-suite%d", s);
			put_variants(name, buf + 8, len - 8);
		}
		ipmi_rakp_wipe(&r);
	}
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		struct ipmi_open_session_rsp o = {0};
		struct ipmi_rakp r;

		o.tag = 0x01;
		o.status = statuses[i];
		o.console_sid = 0xa0a2a3a4;
		len = ipmi_open_session_rsp_build(buf, &o);
		snprintf(name, sizeof name, "open-session-status%02x", statuses[i]);
		put(name, buf, len);
		rakp_fixed_state(&r, 3);
		len = ipmi_rakp2_build(buf, sizeof buf, 0x02, statuses[i], &r);
		snprintf(name, sizeof name, "rakp2-status%02x", statuses[i]);
		put(name, buf, len);
		len = ipmi_rakp4_build(buf, sizeof buf, 0x03, statuses[i], &r);
		snprintf(name, sizeof name, "rakp4-status%02x", statuses[i]);
		put(name, buf, len);
		ipmi_rakp_wipe(&r);
	}
	return 0;
}
