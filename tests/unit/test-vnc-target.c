/*
 * test-vnc-target.c - console targets (rfb:, ws://, wss://) and the
 * vendor console profiles, including the ones shipped in data/consoles.
 */
#include "config.h"

#include <stdlib.h>

#include "runner.h"
#include "vnc/target.h"

TEST(vnc_target_parse_forms)
{
	struct vnc_target t;
	char *err = NULL;

	ASSERT_EQ(vnc_target_parse("rfb:127.0.0.1:5901", &t, &err), 0);
	ASSERT_EQ(t.transport, VNC_TRANSPORT_RFB);
	ASSERT_STREQ(t.host, "127.0.0.1");
	ASSERT_EQ(t.port, 5901);
	vnc_target_free(&t);
	ASSERT_EQ(vnc_target_parse("wss://bmc.example/kvm/0", &t, &err), 0);
	ASSERT(t.tls);
	ASSERT_EQ(t.port, 443);
	ASSERT_STREQ(t.path, "/kvm/0");
	ASSERT_STREQ(t.origin, "https://bmc.example");
	vnc_target_free(&t);
	ASSERT_EQ(vnc_target_parse("ws://[::1]:6080", &t, &err), 0);
	ASSERT_STREQ(t.host, "::1");
	ASSERT_EQ(t.port, 6080);
	ASSERT_STREQ(t.path, "/");
	vnc_target_free(&t);
	ASSERT_EQ(vnc_target_parse("http://bmc/", &t, &err), BMC_ECONFIG);
	ASSERT_CONTAINS(err, "expected rfb:HOST:PORT");
	free(err);
	ASSERT_EQ(vnc_target_parse("rfb:nohostport", &t, &err), BMC_ECONFIG);
	free(err);
}

TEST(vnc_profile_parse_rules)
{
	struct vnc_profile p;
	char *err = NULL;

	ASSERT_EQ(vnc_profile_parse(
		      "x.conf", "x",
		      "# c\ntitle = X BMC\nstatus = tested\nurl = wss://{redfish}/kvm/0 # here\n"
		      "auth = redfish-session\nmax-frame-out = 1024\n",
		      &p, &err),
		  0);
	ASSERT_STREQ(p.title, "X BMC");
	ASSERT_EQ(p.status, VNC_TESTED);
	ASSERT_STREQ(p.url, "wss://{redfish}/kvm/0");
	ASSERT(p.redfish_session);
	ASSERT_EQ(p.max_frame_out, 1024);
	vnc_profile_free(&p);
	ASSERT_EQ(vnc_profile_parse("x.conf", "x", "url = rfb:a:1\ncolour = red\n", &p, &err),
		  BMC_ECONFIG);
	ASSERT_CONTAINS(err, "unknown key \"colour\"");
	free(err);
	err = NULL;
	ASSERT_EQ(vnc_profile_parse("x.conf", "x", "status = maybe\nurl = rfb:a:1\n", &p, &err),
		  BMC_ECONFIG);
	free(err);
	err = NULL;
	ASSERT_EQ(vnc_profile_parse("x.conf", "x", "status = untested\n", &p, &err), BMC_ECONFIG);
	ASSERT_CONTAINS(err, "no url");
	free(err);
}

TEST(vnc_shipped_profiles_load)
{
	static const char *const names[] = {"openbmc", "idrac", "supermicro", "xcc", "ilo"};
	struct vnc_profile p;
	char *err = NULL;
	size_t i;

	setenv("XDG_CONFIG_HOME", test_tmpdir(), 1);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (vnc_profile_load(names[i], &p, &err) != 0)
			test_fail(__FILE__, __LINE__, "%s: %s", names[i], err ? err : "?");
		if (i == 0) {
			ASSERT_EQ(p.status, VNC_TESTED);
			ASSERT_EQ(p.max_frame_out, 1024);
		} else if (i < 4) {
			ASSERT_EQ(p.status, VNC_UNTESTED);
		} else {
			ASSERT_EQ(p.status, VNC_UNSUPPORTED);
			ASSERT_CONTAINS(p.reason, "proprietary");
		}
		vnc_profile_free(&p);
	}
	ASSERT_EQ(vnc_profile_load("nosuch", &p, &err), BMC_ENOTSUP);
	ASSERT_CONTAINS(err, "no console profile \"nosuch\"");
	free(err);
}
