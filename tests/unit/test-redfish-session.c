/*
 * test-redfish-session.c - the rules every Redfish login follows, backend's
 * and VNC relay's alike (redfish/session.c), and the TLS trust decisions
 * under them (tls/trust.c, tls/pin.c): the URL rule, what a login's answer
 * means, what a 401 leads to, and trust on first use against known_hosts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/fleet.h"
#include "core/paths.h"
#include "core/xalloc.h"
#include "redfish/session.h"
#include "runner.h"
#include "tls/pin.h"
#include "tls/trust.h"

static void state_here(void)
{
	char *home = xasprintf("%s/state", test_tmpdir());
	char *dir = xasprintf("%s/bmctop", home);

	setenv("XDG_STATE_HOME", home, 1);
	ASSERT_EQ(paths_mkdir_p(dir, 0700), 0);
	free(dir);
	free(home);
}

static struct host_config config(const char *url, enum fleet_tls tls)
{
	struct host_config hc;

	memset(&hc, 0, sizeof hc);
	hc.name = "bmc1";
	hc.address = "127.0.0.1";
	hc.user = "admin";
	hc.redfish_url = (char *)url;
	hc.timeout_ms = 1500;
	hc.tls = tls;
	return hc;
}

static struct rf_response answer(long status, const char *token)
{
	struct rf_response rsp;

	memset(&rsp, 0, sizeof rsp);
	rsp.status = status;
	snprintf(rsp.token, sizeof rsp.token, "%s", token);
	snprintf(rsp.location, sizeof rsp.location, "/redfish/v1/SessionService/Sessions/7");
	return rsp;
}

TEST(session_init_keeps_the_url_rule)
{
	struct host_config plain = config("http://127.0.0.1:8000", TLS_TOFU);
	struct host_config insecure = config("http://127.0.0.1:8000/", TLS_INSECURE);
	struct rf_session s;
	char *err = NULL;

	ASSERT_EQ(rf_session_init(&s, &plain, &err), BMC_ECONFIG);
	ASSERT_CONTAINS(err, "plain HTTP");
	free(err);
	ASSERT_EQ(rf_session_init(&s, &insecure, &err), 0);
	ASSERT_STREQ(s.base, "http://127.0.0.1:8000");
	rf_session_free(&s);
}

TEST(session_opts_pin_what_is_trusted)
{
	struct host_config pin = config("https://127.0.0.1:1", TLS_PIN);
	struct host_config tofu = config("https://127.0.0.1:1", TLS_TOFU);
	struct rf_request_opts o;
	struct rf_session s;
	char *err = NULL;

	pin.tls_pin = "sha256//a=;sha256//b=";
	ASSERT_EQ(rf_session_init(&s, &pin, &err), 0);
	rf_session_opts(&s, &o, "GET", "https://127.0.0.1:1/redfish/v1/", RF_BODY_RESOURCE);
	ASSERT_STREQ(o.pin, "sha256//a=;sha256//b=");
	ASSERT_EQ(o.verify, 0);
	ASSERT_EQ(o.timeout_ms, 1500);
	ASSERT_EQ(o.token, NULL);
	rf_session_free(&s);
	ASSERT_EQ(rf_session_init(&s, &tofu, &err), 0);
	rf_session_opts(&s, &o, "GET", "x", RF_BODY_RESOURCE);
	ASSERT_EQ(o.pin, NULL);
	s.trusted = 1;
	snprintf(s.pin, sizeof s.pin, "sha256//k=");
	rf_session_opts(&s, &o, "GET", "x", RF_BODY_RESOURCE);
	ASSERT_STREQ(o.pin, "sha256//k=");
	rf_session_free(&s);
}

TEST(session_tofu_learns_then_holds_the_key)
{
	struct host_config hc = config("https://127.0.0.1:1", TLS_TOFU);
	struct rf_session s, again;
	char *err = NULL;
	int want = 0;

	state_here();
	ASSERT_EQ(rf_session_init(&s, &hc, &err), 0);
	ASSERT_EQ(rf_session_trust_begin(&s, &want, &err), 0);
	ASSERT_EQ(want, 1);
	ASSERT_EQ(rf_session_trust_learn(&s, "", &err), BMC_ETLS);
	ASSERT_CONTAINS(err, "cannot read the TLS key");
	free(err);
	ASSERT_EQ(rf_session_trust_learn(&s, "sha256//first=", &err), 0);
	ASSERT(s.trusted);
	rf_session_free(&s);

	want = 0;
	ASSERT_EQ(rf_session_init(&again, &hc, &err), 0);
	ASSERT_EQ(rf_session_trust_begin(&again, &want, &err), 0);
	ASSERT_EQ(want, 0);
	ASSERT(again.trusted);
	ASSERT_STREQ(again.pin, "sha256//first=");
	ASSERT_EQ(rf_session_trust_learn(&again, "sha256//other=", &err), BMC_ETLS);
	ASSERT_CONTAINS(err, "changed: known sha256//first=, now sha256//other=");
	ASSERT_CONTAINS(err, "no credential was sent");
	ASSERT_CONTAINS(err, "bmctop trust bmc1");
	free(err);
	rf_session_free(&again);
}

TEST(session_login_answers)
{
	struct host_config hc = config("https://127.0.0.1:1", TLS_INSECURE);
	struct rf_session s;
	struct rf_response rsp;
	char *err = NULL;

	ASSERT_EQ(rf_session_init(&s, &hc, &err), 0);
	rsp = answer(401, "");
	ASSERT_EQ(rf_session_login_done(&s, &rsp), RF_LOGIN_REFUSED);
	rsp = answer(400, "");
	ASSERT_EQ(rf_session_login_done(&s, &rsp), RF_LOGIN_REFUSED);
	rsp = answer(403, "");
	ASSERT_EQ(rf_session_login_done(&s, &rsp), RF_LOGIN_REFUSED);
	rsp = answer(405, "");
	ASSERT_EQ(rf_session_login_done(&s, &rsp), RF_LOGIN_NO_SESSIONS);
	ASSERT_EQ(s.no_sessions, 405);
	rsp = answer(201, "");
	ASSERT_EQ(rf_session_login_done(&s, &rsp), RF_LOGIN_FAILED);
	rsp = answer(201, "tok");
	rsp.error = BMC_ETIMEDOUT;
	ASSERT_EQ(rf_session_login_done(&s, &rsp), RF_LOGIN_FAILED);
	ASSERT_STREQ(s.token, "");
	ASSERT_EQ(s.gen, 0);
	rsp = answer(201, "tok");
	ASSERT_EQ(rf_session_login_done(&s, &rsp), RF_LOGIN_OK);
	ASSERT_STREQ(s.token, "tok");
	ASSERT_STREQ(s.location, "/redfish/v1/SessionService/Sessions/7");
	ASSERT_EQ(s.gen, 1);
	rf_session_free(&s);
}

TEST(session_expiry_relogs_once)
{
	struct rf_session s;

	memset(&s, 0, sizeof s);
	s.gen = 2;
	ASSERT_EQ(rf_session_expired(&s, 0), RF_EXPIRED_RELOGIN);
	ASSERT_EQ(rf_session_expired(&s, 1), RF_EXPIRED_REFUSED);
	rf_session_accepted(&s, 1); /* an answer to the token before */
	ASSERT_EQ(rf_session_expired(&s, 1), RF_EXPIRED_REFUSED);
	rf_session_accepted(&s, 2);
	ASSERT_EQ(rf_session_expired(&s, 1), RF_EXPIRED_LOST);
}

TEST(session_login_url_falls_back_and_stays_home)
{
	struct host_config hc = config("https://127.0.0.1:1", TLS_INSECURE);
	struct rf_session s;
	struct rf_root root;
	char url[RF_LINK_MAX], *err = NULL;

	memset(&root, 0, sizeof root);
	ASSERT_EQ(rf_session_init(&s, &hc, &err), 0);
	ASSERT_EQ(rf_session_login_url(&s, &root, url, sizeof url), 0);
	ASSERT_STREQ(url, "https://127.0.0.1:1/redfish/v1/SessionService/Sessions");
	snprintf(root.sessions, sizeof root.sessions, "https://10.0.0.9/redfish/v1/Sessions");
	ASSERT_EQ(rf_session_login_url(&s, &root, url, sizeof url), -1);
	rf_session_free(&s);
}

TEST(tls_pin_lists)
{
	ASSERT(tls_pin_listed("sha256//a=;sha256//b=", "sha256//b="));
	ASSERT(tls_pin_listed("sha256//a=", "sha256//a="));
	ASSERT(!tls_pin_listed("sha256//ab=", "sha256//a"));
	ASSERT(!tls_pin_listed("", "sha256//a="));
}

TEST(trust_policy_by_mode)
{
	struct host_config hc = config(NULL, TLS_PIN);
	char *why = NULL;

	state_here();
	hc.tls_pin = "sha256//a=;sha256//b=";
	ASSERT_EQ(trust_policy_check(&hc, "https://h:443", "wss://h/kvm", "sha256//b=", 0, &why),
		  0);
	ASSERT_EQ(trust_policy_check(&hc, "https://h:443", "wss://h/kvm", "sha256//c=", 1, &why),
		  BMC_ETLS);
	ASSERT_CONTAINS(why, "wss://h/kvm: the TLS key sha256//c= is not trusted (tls = pin)");
	free(why);
	hc.tls = TLS_VERIFY;
	ASSERT_EQ(trust_policy_check(&hc, "https://h:443", "t", "sha256//c=", 0, &why), BMC_ETLS);
	free(why);
	ASSERT_EQ(trust_policy_check(&hc, "https://h:443", "t", "sha256//c=", 1, &why), 0);
	hc.tls = TLS_INSECURE;
	ASSERT_EQ(trust_policy_check(&hc, "https://h:443", "t", "sha256//c=", 0, &why), 0);
	hc.tls = TLS_TOFU;
	ASSERT_EQ(trust_policy_check(&hc, "https://h:443", "t", "sha256//k=", 0, &why), 0);
	ASSERT_EQ(trust_policy_check(&hc, "https://h:443", "t", "sha256//k=", 0, &why), 0);
	ASSERT_EQ(trust_policy_check(&hc, "https://h:443", "t", "sha256//z=", 0, &why), BMC_ETLS);
	ASSERT_CONTAINS(why, "the TLS key of https://h:443 changed: known sha256//k=, now "
			     "sha256//z=; nothing was sent");
	free(why);
}
