/*
 * test-fleet.c - the fleet file parser: every key, ranges, and each error
 * path naming FILE:LINE and what was expected.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fleet.h"
#include "core/xalloc.h"
#include "runner.h"

static int parse(struct fleet *f, const char *text, char **err)
{
	return fleet_parse(f, "t.conf", text, strlen(text), err);
}

/* Parse text expecting failure; returns the error text (caller frees). */
static char *parse_err(const char *text)
{
	struct fleet f;
	char *err = NULL;

	if (parse(&f, text, &err) == 0) {
		fleet_free(&f);
		test_fail(__FILE__, __LINE__, "expected an error for:\n%s", text);
	}
	return err;
}

TEST(defaults_and_ranges)
{
	struct fleet f;
	char *err = NULL;
	const char *text = "# a fleet\n"
			   "[defaults]\n"
			   "user = admin\n"
			   "password-env = BMC_PASSWORD\n"
			   "interval = 2m\n"
			   "timeout = 500ms\n"
			   "retries = 5\n"
			   "cipher-suite = 17\n"
			   "privilege = admin\n"
			   "\n"
			   "[host node[01-40]]\n"
			   "address = 127.0.0.1\n"
			   "ipmi-port = [9001-9040]   # one port per host\n"
			   "group = rack1\n"
			   "[host solo]\n"
			   "address = bmc.dc1.example\n"
			   "protocol = redfish\n"
			   "user = root\n";
	const struct host_config *h;

	ASSERT_EQ(parse(&f, text, &err), 0);
	ASSERT_EQ(f.nhosts, 41);
	h = fleet_find(&f, "node07");
	ASSERT(h != NULL);
	ASSERT_STREQ(h->address, "127.0.0.1");
	ASSERT_EQ(h->ipmi_port, 9007);
	ASSERT_STREQ(h->user, "admin");
	ASSERT_EQ(h->password.kind, SECRET_ENV);
	ASSERT_STREQ(h->password.arg, "BMC_PASSWORD");
	ASSERT_EQ(h->password.line, 4);
	ASSERT_EQ(h->interval_ms, 120000);
	ASSERT_EQ(h->timeout_ms, 500);
	ASSERT_EQ(h->retries, 5);
	ASSERT_EQ(h->cipher_suite, 17);
	ASSERT_EQ(h->privilege, PRIV_ADMIN);
	ASSERT_STREQ(h->group, "rack1");
	h = fleet_find(&f, "solo");
	ASSERT(h != NULL);
	ASSERT_EQ(h->protocol, PROTO_REDFISH);
	ASSERT_STREQ(h->user, "root");
	ASSERT_EQ(h->ipmi_port, 623);
	ASSERT(h->group == NULL);
	fleet_free(&f);
}

TEST(builtin_defaults)
{
	struct fleet f;
	char *err = NULL;
	const struct host_config *h;
	char *url;

	ASSERT_EQ(parse(&f, "[host a]\naddress = 127.0.0.2\n", &err), 0);
	h = &f.hosts[0];
	ASSERT_EQ(h->protocol, PROTO_AUTO);
	ASSERT_EQ(h->interval_ms, 30000);
	ASSERT_EQ(h->timeout_ms, 2000);
	ASSERT_EQ(h->retries, 3);
	ASSERT_EQ(h->cipher_suite, CIPHER_SUITE_AUTO);
	ASSERT_EQ(h->privilege, PRIV_OPERATOR);
	ASSERT_EQ(h->tls, TLS_TOFU);
	ASSERT_STREQ(h->console, "sol");
	ASSERT_STREQ(h->vnc, "auto");
	url = fleet_redfish_url(h);
	ASSERT_STREQ(url, "https://127.0.0.2");
	free(url);
	ASSERT_EQ(f.max_in_flight, 0); /* adaptive */
	fleet_free(&f);
}

TEST(defaults_after_hosts_still_apply)
{
	struct fleet f;
	char *err = NULL;

	ASSERT_EQ(parse(&f, "[host a]\naddress = x.example\n[defaults]\nuser = ops\n", &err), 0);
	ASSERT_STREQ(f.hosts[0].user, "ops");
	fleet_free(&f);
}

TEST(values_of_every_key)
{
	struct fleet f;
	char *err = NULL;
	const char *text =
		"[defaults]\nmax-in-flight = 64\n"
		"[host a]\naddress = ::1\nredfish = https://[::1]:8443\n"
		"console = telnet:127.0.0.1:7000\nvnc = rfb:127.0.0.1:5901\n"
		"tls = pin\ntls-pin = sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
		"ca-file = /etc/ssl/ca.pem\nkg-file = /nonexistent\nvnc-password-env = V\n"
		"[host b]\naddress = b.example\nvnc = wss://b.example/kvm/0\nconsole = tcp:[::1]:4555\n"
		"protocol = both\ncipher-suite = auto\n";

	ASSERT_EQ(parse(&f, text, &err), 0);
	ASSERT_EQ(f.max_in_flight, 64);
	ASSERT_STREQ(f.hosts[0].redfish_url, "https://[::1]:8443");
	ASSERT_STREQ(f.hosts[0].console, "telnet:127.0.0.1:7000");
	ASSERT_EQ(f.hosts[0].tls, TLS_PIN);
	ASSERT_EQ(f.hosts[0].kg.kind, SECRET_FILE);
	ASSERT_EQ(f.hosts[0].vnc_password.kind, SECRET_ENV);
	ASSERT_STREQ(f.hosts[1].vnc, "wss://b.example/kvm/0");
	ASSERT_EQ(f.hosts[1].protocol, PROTO_BOTH);
	fleet_free(&f);
}

TEST(syntax_error_names_line)
{
	char *err = parse_err("[defaults]\nuser = a\n\n\n# c\n\nthis line is wrong\n");

	ASSERT_CONTAINS(err, "t.conf:7:");
	ASSERT_CONTAINS(err, "expected KEY = VALUE");
	free(err);
}

TEST(unknown_key_suggests)
{
	char *err = parse_err("[defaults]\nintervall = 30s\n");

	ASSERT_CONTAINS(err, "t.conf:2:");
	ASSERT_CONTAINS(err, "did you mean \"interval\"");
	free(err);
	err = parse_err("[host a]\naddress = x\nzzzzzzzzzz = 1\n");
	ASSERT_CONTAINS(err, "t.conf:3: unknown key \"zzzzzzzzzz\"");
	free(err);
}

TEST(bad_values_say_what_was_expected)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "[defaults]\ninterval = soon\n", "t.conf:2: bad interval \"soon\": expected a duration" },
		{ "[defaults]\ninterval = 10ms\n", "at least 1s" },
		{ "[defaults]\ntimeout = 2x\n", "t.conf:2: bad timeout" },
		{ "[defaults]\nretries = -1\n", "from 0 to 20" },
		{ "[defaults]\ncipher-suite = 5\n", "auto, 17, 3, 2, 1 or 0" },
		{ "[defaults]\nprivilege = root\n", "user, operator or admin" },
		{ "[defaults]\nprotocol = snmp\n", "auto, ipmi, redfish or both" },
		{ "[defaults]\nipmi-port = 70000\n", "from 1 to 65535" },
		{ "[defaults]\nconsole = serial\n", "sol, none, tcp:HOST:PORT" },
		{ "[defaults]\nconsole = tcp:nohost\n", "tcp:HOST:PORT" },
		{ "[defaults]\nvnc = vnc://x\n", "rfb:HOST:PORT" },
		{ "[defaults]\ntls = maybe\n", "tofu, verify, pin or insecure" },
		{ "[defaults]\ntls-pin = md5//x\n", "sha256//BASE64" },
		{ "[defaults]\nmax-in-flight = 0\n", "from 1 to 65536" },
		{ "[defaults]\npassword-env =\n", "a non-empty value" },
		{ "[host a]\naddress = a\nredfish = ftp://a\n", "https://bmc.example" },
		{ "[host a]\naddress = has space\n", "host name or IP address" },
		{ "[host a]\naddress = a\ngroup = two words\n", "group name" },
		{ "[host a]\naddress = a\ntls = pin\n", "tls = pin needs tls-pin" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err = parse_err(cases[i].text);

		ASSERT_CONTAINS(err, cases[i].want);
		free(err);
	}
}

TEST(structure_errors)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "user = a\n", "t.conf:1: \"user\" outside any section" },
		{ "[defaults\n", "t.conf:1: section header not closed" },
		{ "[hosts a]\n", "t.conf:1: unknown section [hosts a]" },
		{ "[defaults]\n[defaults]\n", "t.conf:2: second [defaults] section (the first is on line 1)" },
		{ "[host a b]\naddress = x\n", "t.conf:1: bad host name" },
		{ "[host a]\n", "t.conf:1: [host a] has no address" },
		{ "[host a]\naddress = x\n[host a]\naddress = y\n", "t.conf:3: host \"a\" is defined twice (also on line 1)" },
		{ "[host n[1-3]]\naddress = x\n[host n2]\naddress = y\n", "t.conf:3: host \"n2\" is defined twice" },
		{ "[defaults]\naddress = x\n", "t.conf:2: \"address\" belongs in a [host] section" },
		{ "[host a]\naddress = x\nmax-in-flight = 3\n", "belongs in [defaults]" },
		{ "[host a]\n= x\n", "t.conf:2: missing key" },
		{ "[defaults]\nipmi-port = [1-2]\n", "t.conf:2: range in [defaults]" },
		{ "[host a]\naddress = x\n[host b]\naddress = x\n",
		  "t.conf:3: hosts a and b have the same address and ipmi-port (x:623)" },
		{ "[host n[1-2]]\naddress = 127.0.0.1\nipmi-port = 9000\n",
		  "hosts n1 and n2 have the same address and ipmi-port (127.0.0.1:9000)" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err = parse_err(cases[i].text);

		ASSERT_CONTAINS(err, cases[i].want);
		free(err);
	}
}

TEST(shared_address_allowed_when_endpoints_differ)
{
	struct fleet f;
	char *err = NULL;
	static const char text[] = "[host n[1-2]]\naddress = 127.0.0.1\nipmi-port = [9001-9002]\n"
				   "[host r[1-2]]\naddress = 127.0.0.1\nprotocol = redfish\n"
				   "redfish = https://127.0.0.1:[8001-8002]\n";

	ASSERT_EQ(fleet_parse(&f, "t.conf", text, strlen(text), &err), 0);
	ASSERT_EQ(f.nhosts, 4);
	fleet_free(&f);
}

TEST(range_errors)
{
	char *err = parse_err("[host n[01-40]]\naddress = 127.0.0.1\nipmi-port = [9001-9039]\n");

	ASSERT_CONTAINS(err, "t.conf:3: range of 39 does not match the 40 hosts");
	free(err);
	err = parse_err("[host solo]\naddress = 127.0.0.[1-4]\n");
	ASSERT_CONTAINS(err, "t.conf:2: range of 4 in a value, but the section name");
	free(err);
	err = parse_err("[host n[1-4]-x[1-3]]\naddress = a\n");
	ASSERT_CONTAINS(err, "t.conf:1:");
	ASSERT_CONTAINS(err, "differ in length");
	free(err);
	err = parse_err("[host n[1-2]]\naddress = a\nipmi-port = [70000-70001]\n");
	ASSERT_CONTAINS(err, "t.conf:3: bad ipmi-port \"70000\"");
	free(err);
}

TEST(several_errors_reported_together)
{
	char *err = parse_err("[defaults]\nretries = x\ntimeout = y\n");

	ASSERT_CONTAINS(err, "t.conf:2:");
	ASSERT_CONTAINS(err, "t.conf:3:");
	free(err);
}

TEST(durations)
{
	uint64_t ms;

	ASSERT_EQ(fleet_parse_duration("30s", &ms), 0);
	ASSERT_EQ(ms, 30000);
	ASSERT_EQ(fleet_parse_duration("2m", &ms), 0);
	ASSERT_EQ(ms, 120000);
	ASSERT_EQ(fleet_parse_duration("500ms", &ms), 0);
	ASSERT_EQ(ms, 500);
	ASSERT_EQ(fleet_parse_duration("1.5s", &ms), 0);
	ASSERT_EQ(ms, 1500);
	ASSERT_EQ(fleet_parse_duration("1h", &ms), 0);
	ASSERT_EQ(ms, 3600000);
	ASSERT_EQ(fleet_parse_duration("45", &ms), 0);
	ASSERT_EQ(ms, 45000);
	ASSERT_EQ(fleet_parse_duration("", &ms), -1);
	ASSERT_EQ(fleet_parse_duration("s", &ms), -1);
	ASSERT_EQ(fleet_parse_duration("-1s", &ms), -1);
	ASSERT_EQ(fleet_parse_duration("3 days", &ms), -1);
	ASSERT_EQ(fleet_parse_duration("10d", &ms), -1);
	ASSERT_EQ(fleet_parse_duration("1e9h", &ms), -1);
}

static char *write_file(const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", test_tmpdir(), name);
	FILE *fp = fopen(path, "w");

	ASSERT(fp != NULL);
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return path;
}

TEST(load_from_file_and_missing_file)
{
	struct fleet f;
	char *err = NULL;
	char *path = write_file("f.conf", "[host a]\naddress = 127.0.0.1\n", 0644);

	ASSERT_EQ(fleet_load(&f, path, &err), 0);
	ASSERT_EQ(f.nhosts, 1);
	fleet_free(&f);
	ASSERT(fleet_load(&f, "/nonexistent/fleet.conf", &err) != 0);
	ASSERT_CONTAINS(err, "/nonexistent/fleet.conf: cannot open fleet file");
	free(err);
	free(path);
}

TEST(inline_password_needs_private_file)
{
	struct fleet f;
	char *err = NULL;
	char *path = write_file("s.conf", "[defaults]\npassword = hunter2\n[host a]\naddress = x\n", 0640);

	ASSERT(fleet_load(&f, path, &err) != 0);
	ASSERT_CONTAINS(err, "readable by group or others");
	ASSERT_CONTAINS(err, "chmod 600");
	ASSERT(strstr(err, "hunter2") == NULL);
	free(err);
	chmod(path, 0600);
	ASSERT_EQ(fleet_load(&f, path, &err), 0);
	ASSERT_EQ(f.hosts[0].password.kind, SECRET_INLINE);
	fleet_free(&f);
	free(path);
}

TEST(fleet_file_others_can_write_is_refused)
{
	struct fleet f;
	char *err = NULL;
	char *path = write_file("w.conf",
				"[defaults]\npassword-command = /bin/true\n[host a]\naddress = x\n",
				0646);

	ASSERT(fleet_load(&f, path, &err) != 0);
	ASSERT_CONTAINS(err, "writable by group or others (mode 646)");
	ASSERT_CONTAINS(err, "chmod go-w");
	free(err);
	err = NULL;
	/* A group of someone else's (nogroup has no member but could): refused. */
	if (geteuid() == 0 && chown(path, (uid_t)-1, 65534) == 0) {
		chmod(path, 0664);
		ASSERT(fleet_load(&f, path, &err) != 0);
		ASSERT_CONTAINS(err, "writable by group or others (mode 664)");
		free(err);
		err = NULL;
		/* root's own group, holding root alone (as a user-private group): fine. */
		ASSERT_EQ(chown(path, (uid_t)-1, 0), 0);
		ASSERT_EQ(fleet_load(&f, path, &err), 0);
		fleet_free(&f);
	}
	chmod(path, 0644);
	ASSERT_EQ(fleet_load(&f, path, &err), 0);
	fleet_free(&f);
	free(path);
}

TEST(errors_never_echo_inline_secrets)
{
	char *err = parse_err("[host a]\naddress = x\npassword = s3cret\nbogus = 1\n");

	ASSERT(strstr(err, "s3cret") == NULL);
	free(err);
}

TEST(nul_byte_is_an_error)
{
	struct fleet f;
	char *err = NULL;
	static const char text[] = "[host a]\naddress = x\x00y\n";

	ASSERT(fleet_parse(&f, "t.conf", text, sizeof text - 1, &err) != 0);
	ASSERT_CONTAINS(err, "t.conf:2: NUL byte");
	free(err);
}

TEST(hostport)
{
	char *host = NULL;
	int port = 0;

	ASSERT_EQ(fleet_parse_hostport("127.0.0.1:5900", &host, &port), 0);
	ASSERT_STREQ(host, "127.0.0.1");
	ASSERT_EQ(port, 5900);
	free(host);
	ASSERT_EQ(fleet_parse_hostport("[::1]:23", &host, &port), 0);
	ASSERT_STREQ(host, "::1");
	ASSERT_EQ(port, 23);
	free(host);
	ASSERT_EQ(fleet_parse_hostport("x:0", NULL, NULL), -1);
	ASSERT_EQ(fleet_parse_hostport(":80", NULL, NULL), -1);
	ASSERT_EQ(fleet_parse_hostport("[::1]23", NULL, NULL), -1);
}
