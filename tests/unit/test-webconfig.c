/*
 * test-webconfig.c - the exporter-toolkit web configuration subset and
 * basic auth against bcrypt hashes.
 */
#include "config.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/webconfig.h"
#include "runner.h"

static int parse(struct webconfig *wc, const char *text, char **errors)
{
	return webconfig_parse(wc, "/etc/bmctop/web.yml", text, strlen(text), errors);
}

static char *bcrypt_of(const char *pw)
{
	char salt[64];
	struct crypt_data cd;
	const char *s = crypt_gensalt_rn("$2b$", 4, NULL, 0, salt, sizeof salt);

	memset(&cd, 0, sizeof cd);
	ASSERT(s != NULL);
	return strdup(crypt_rn(pw, s, &cd, (int)sizeof cd));
}

TEST(webconfig_reads_tls_and_users)
{
	struct webconfig wc;
	char *errors = NULL, *hash = bcrypt_of("s3cret"), text[512];

	snprintf(text, sizeof text,
		 "# web config\n---\ntls_server_config:\n  cert_file: server.crt\n"
		 "  key_file: \"/keys/server.key\"  \nbasic_auth_users:\n  alice: '%s'\n"
		 "  bob: %s # comment\n",
		 hash, hash);
	ASSERT_EQ(parse(&wc, text, &errors), 0);
	ASSERT_STREQ(wc.cert_file, "/etc/bmctop/server.crt");
	ASSERT_STREQ(wc.key_file, "/keys/server.key");
	ASSERT_EQ(wc.nusers, 2);
	ASSERT_STREQ(wc.users[1].name, "bob");
	ASSERT_STREQ(wc.users[1].hash, hash);
	webconfig_free(&wc);
	free(hash);
}

TEST(webconfig_errors_name_file_and_line)
{
	struct webconfig wc;
	char *errors = NULL;

	ASSERT_EQ(parse(&wc, "tls_server_config:\n  cert_file: a\n  client_ca_file: c\n"
			     "basic_auth_users:\n  eve: plaintext\nhttp_server_config:\n",
			&errors),
		  -1);
	ASSERT(strstr(errors, "/etc/bmctop/web.yml:3: tls_server_config: client_ca_file is not "
			      "supported") != NULL);
	ASSERT(strstr(errors, "/etc/bmctop/web.yml:5: basic_auth_users: eve: the password must be a "
			      "bcrypt hash") != NULL);
	ASSERT(strstr(errors, "web.yml:6: http_server_config is not supported") != NULL);
	ASSERT(strstr(errors, "needs both cert_file and key_file") != NULL);
	free(errors);
}

static char *basic(const char *userpass)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(userpass), i, o = 6;
	char *out = malloc(6 + (n + 2) / 3 * 4 + 1);

	memcpy(out, "Basic ", 6);
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)userpass[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)userpass[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)userpass[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

TEST(webconfig_checks_basic_auth)
{
	struct webconfig wc;
	char *errors = NULL, *hash = bcrypt_of("s3cret"), text[256], *h;

	snprintf(text, sizeof text, "basic_auth_users:\n  alice: %s\n", hash);
	ASSERT_EQ(parse(&wc, text, &errors), 0);
	h = basic("alice:s3cret");
	ASSERT_EQ(webconfig_check_auth(&wc, h), 1);
	ASSERT_EQ(wc.ncache, 1);
	/* Again: from the cache, which holds only what passed. */
	ASSERT_EQ(webconfig_check_auth(&wc, h), 1);
	ASSERT_EQ(wc.ncache, 1);
	free(h);
	h = basic("alice:wrong");
	ASSERT_EQ(webconfig_check_auth(&wc, h), 0);
	free(h);
	h = basic("mallory:s3cret");
	ASSERT_EQ(webconfig_check_auth(&wc, h), 0);
	free(h);
	h = basic("alice");
	ASSERT_EQ(webconfig_check_auth(&wc, h), 0);
	free(h);
	ASSERT_EQ(webconfig_check_auth(&wc, ""), 0);
	ASSERT_EQ(webconfig_check_auth(&wc, "Basic !!!"), 0);
	ASSERT_EQ(webconfig_check_auth(&wc, "Bearer abc"), 0);
	ASSERT_EQ(wc.ncache, 1);
	webconfig_free(&wc);
	/* No users: no authentication asked. */
	ASSERT_EQ(parse(&wc, "tls_server_config:\n  cert_file: a\n  key_file: b\n", &errors), 0);
	ASSERT_EQ(webconfig_check_auth(&wc, ""), 1);
	webconfig_free(&wc);
	free(hash);
}
