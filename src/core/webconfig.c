/*
 * core/webconfig.c - read the exporter-toolkit web configuration and
 * check basic-auth credentials against it.
 *
 * The file is YAML, of which this reads two levels of "key: value" (two
 * top-level maps, tls_server_config and basic_auth_users), plain or quoted
 * scalars and comments.  Passwords are checked with libxcrypt's crypt_rn,
 * which knows bcrypt; a user name that is not in the file is checked
 * against a known user's hash all the same, so the answer takes as long
 * whether or not the name exists.
 */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/crypto.h"
#include "core/webconfig.h"
#include "core/xalloc.h"

#define WEBCONFIG_MAX_BYTES (64 * 1024)

struct parse {
	struct webconfig *wc;
	const char *name;
	char *errors;
	size_t nerrors;
	int line;
	enum { TOP_NONE, TOP_TLS, TOP_USERS } section;
};

static void add_error(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_error(struct parse *p, const char *fmt, ...)
{
	char msg[300], line[400];
	size_t have = p->errors ? strlen(p->errors) : 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(line, sizeof line, "%s:%d: %s\n", p->name, p->line, msg);
	p->errors = xrealloc(p->errors, have + strlen(line) + 1);
	memcpy(p->errors + have, line, strlen(line) + 1);
	p->nerrors++;
}

static size_t trim_right(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return n;
}

/* A scalar: 'single' or "double" quoted (no escapes taken), or plain up to
 * a comment.  NULL with an error when a quote is not closed. */
static char *scalar(struct parse *p, const char *v, size_t n)
{
	char *out;
	size_t i;

	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	if (n > 0 && (*v == '\'' || *v == '"')) {
		const char *close = memchr(v + 1, *v, n - 1);

		if (close == NULL) {
			add_error(p, "a quoted value is not closed");
			return NULL;
		}
		out = xmalloc((size_t)(close - v));
		memcpy(out, v + 1, (size_t)(close - v - 1));
		out[close - v - 1] = '\0';
		return out;
	}
	for (i = 0; i < n; i++) {
		if (v[i] == '#' && (i == 0 || v[i - 1] == ' ' || v[i - 1] == '\t')) {
			n = i;
			break;
		}
	}
	n = trim_right(v, n);
	out = xmalloc(n + 1);
	memcpy(out, v, n);
	out[n] = '\0';
	return out;
}

/* A file named in the configuration, relative to the configuration's folder. */
static char *resolve(const char *config, char *file)
{
	const char *slash = strrchr(config, '/');
	size_t dl;
	char *out;

	if (file[0] == '/' || slash == NULL)
		return file;
	dl = (size_t)(slash - config) + 1;
	out = xmalloc(dl + strlen(file) + 1);
	memcpy(out, config, dl);
	strcpy(out + dl, file);
	free(file);
	return out;
}

static void set_tls_key(struct parse *p, const char *key, char *value)
{
	char **slot = NULL;

	if (strcmp(key, "cert_file") == 0)
		slot = &p->wc->cert_file;
	else if (strcmp(key, "key_file") == 0)
		slot = &p->wc->key_file;
	if (slot == NULL) {
		add_error(p, "tls_server_config: %s is not supported by bmctop (cert_file and key_file are)",
			  key);
	} else if (*slot != NULL) {
		add_error(p, "tls_server_config: %s is given twice", key);
	} else if (value[0] == '\0') {
		add_error(p, "tls_server_config: %s needs a file name", key);
	} else {
		*slot = resolve(p->name, value);
		return;
	}
	free(value);
}

static void add_user(struct parse *p, const char *name, char *hash)
{
	struct webconfig *wc = p->wc;
	size_t i;

	for (i = 0; i < wc->nusers; i++) {
		if (strcmp(wc->users[i].name, name) == 0) {
			add_error(p, "basic_auth_users: %s is given twice", name);
			free(hash);
			return;
		}
	}
	if (strncmp(hash, "$2a$", 4) != 0 && strncmp(hash, "$2b$", 4) != 0 &&
	    strncmp(hash, "$2y$", 4) != 0) {
		add_error(p, "basic_auth_users: %s: the password must be a bcrypt hash ($2b$..., from "
			     "htpasswd -nB or mkpasswd -m bcrypt)",
			  name);
		free(hash);
		return;
	}
	wc->users = xreallocarray(wc->users, wc->nusers + 1, sizeof *wc->users);
	wc->users[wc->nusers].name = xstrdup(name);
	wc->users[wc->nusers].hash = hash;
	wc->nusers++;
}

static void parse_line(struct parse *p, const char *s, size_t n)
{
	size_t indent = 0, kl;
	const char *colon;
	char key[128], *value;

	while (indent < n && s[indent] == ' ')
		indent++;
	if (indent < n && s[indent] == '\t') {
		add_error(p, "indent with spaces, not tabs");
		return;
	}
	s += indent;
	n = trim_right(s, n - indent);
	if (n == 0 || s[0] == '#')
		return;
	if (n == 3 && strncmp(s, "---", 3) == 0 && indent == 0)
		return;
	colon = memchr(s, ':', n);
	if (colon == NULL || (colon + 1 < s + n && colon[1] != ' ' && colon[1] != '\t')) {
		add_error(p, "expected \"key: value\"");
		return;
	}
	kl = (size_t)(colon - s);
	if (kl == 0 || kl >= sizeof key) {
		add_error(p, "a key is empty or too long");
		return;
	}
	memcpy(key, s, kl);
	key[kl] = '\0';
	value = scalar(p, colon + 1, n - kl - 1);
	if (value == NULL)
		return;
	if (indent == 0) {
		p->section = TOP_NONE;
		if (value[0] != '\0')
			add_error(p, "%s: expected a map below it", key);
		else if (strcmp(key, "tls_server_config") == 0)
			p->section = TOP_TLS;
		else if (strcmp(key, "basic_auth_users") == 0)
			p->section = TOP_USERS;
		else
			add_error(p, "%s is not supported by bmctop (tls_server_config and basic_auth_users are)",
				  key);
		free(value);
		return;
	}
	if (p->section == TOP_TLS)
		set_tls_key(p, key, value);
	else if (p->section == TOP_USERS)
		add_user(p, key, value);
	else
		free(value);
}

int webconfig_parse(struct webconfig *wc, const char *name, const char *text, size_t len,
		    char **errors)
{
	struct parse p = { wc, name, NULL, 0, 0, TOP_NONE };
	size_t pos = 0;

	memset(wc, 0, sizeof *wc);
	wc->path = xstrdup(name);
	crypto_random(wc->cache_key, sizeof wc->cache_key);
	*errors = NULL;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		p.line++;
		if (memchr(text + pos, '\0', n) != NULL)
			add_error(&p, "a NUL byte");
		else
			parse_line(&p, text + pos, n);
		pos += n + 1;
	}
	p.line++;
	if ((wc->cert_file == NULL) != (wc->key_file == NULL))
		add_error(&p, "tls_server_config needs both cert_file and key_file");
	if (p.nerrors > 0) {
		*errors = p.errors;
		webconfig_free(wc);
		return -1;
	}
	return 0;
}

int webconfig_load(struct webconfig *wc, const char *path, char **errors)
{
	char buf[WEBCONFIG_MAX_BYTES + 1], msg[600];
	size_t len;
	FILE *f = fopen(path, "re");

	memset(wc, 0, sizeof *wc);
	if (f == NULL) {
		snprintf(msg, sizeof msg, "%s: %s\n", path, strerror(errno));
		*errors = xstrdup(msg);
		return -1;
	}
	len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (len > WEBCONFIG_MAX_BYTES) {
		snprintf(msg, sizeof msg, "%s: larger than %d bytes\n", path, WEBCONFIG_MAX_BYTES);
		*errors = xstrdup(msg);
		return -1;
	}
	return webconfig_parse(wc, path, buf, len, errors);
}

void webconfig_free(struct webconfig *wc)
{
	size_t i;

	for (i = 0; i < wc->nusers; i++) {
		free(wc->users[i].name);
		free(wc->users[i].hash);
	}
	free(wc->users);
	free(wc->cert_file);
	free(wc->key_file);
	free(wc->path);
	secure_zero(wc, sizeof *wc);
}

static int b64_value(char c)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(alphabet, c) : NULL;

	return p ? (int)(p - alphabet) : -1;
}

/* Decode base64 into out (NUL-terminated): bytes, or -1. */
static int b64_decode(const char *in, char *out, size_t outlen)
{
	size_t n = strlen(in), i, o = 0;
	unsigned acc = 0;
	int bits = 0;

	while (n > 0 && in[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		int v = b64_value(in[i]);

		if (v < 0)
			return -1;
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (char)(acc >> bits & 0xff);
		}
	}
	out[o] = '\0';
	return (int)o;
}

/* Compare in time that depends only on the lengths. */
static int same_text(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = la != lb;

	for (i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/* Was this header allowed before?  Every slot is compared, in full. */
static int cache_has(const struct webconfig *wc, const uint8_t mac[32])
{
	unsigned char found = 0;
	size_t i, k;

	for (i = 0; i < wc->ncache; i++) {
		unsigned char diff = 0;

		for (k = 0; k < 32; k++)
			diff |= wc->cache[i][k] ^ mac[k];
		found |= diff == 0;
	}
	return found;
}

static void cache_add(struct webconfig *wc, const uint8_t mac[32])
{
	memcpy(wc->cache[wc->cache_next], mac, 32);
	wc->cache_next = (wc->cache_next + 1) % WEBCONFIG_AUTH_CACHE;
	if (wc->ncache < WEBCONFIG_AUTH_CACHE)
		wc->ncache++;
}

/* The bcrypt check of "user:password" in creds (changed in place). */
static int check_password(const struct webconfig *wc, char *creds)
{
	const struct webconfig_user *user = NULL;
	struct crypt_data *cd;
	char *colon = strchr(creds, ':');
	const char *hash, *out;
	size_t i;
	int ok = 0;

	if (colon == NULL)
		return 0;
	*colon = '\0';
	for (i = 0; i < wc->nusers; i++)
		if (same_text(wc->users[i].name, creds) && user == NULL)
			user = &wc->users[i];
	hash = user ? user->hash : wc->users[0].hash;
	cd = xcalloc(1, sizeof *cd);
	out = crypt_rn(colon + 1, hash, cd, (int)sizeof *cd);
	if (out != NULL && user != NULL && same_text(out, hash))
		ok = 1;
	secure_zero(cd, sizeof *cd);
	free(cd);
	return ok;
}

int webconfig_auth_cached(struct webconfig *wc, const char *authorization, uint8_t mac[32])
{
	uint8_t full[CRYPTO_MAX_MAC];
	int found;

	if (wc == NULL || wc->nusers == 0)
		return 1;
	if (strncasecmp(authorization, "Basic ", 6) != 0)
		return -1;
	crypto_hmac(CRYPTO_SHA256, wc->cache_key, sizeof wc->cache_key,
		    (const uint8_t *)authorization, strlen(authorization), full);
	memcpy(mac, full, 32);
	found = cache_has(wc, mac);
	secure_zero(full, sizeof full);
	return found ? 1 : 0;
}

int webconfig_auth_verify(const struct webconfig *wc, const char *authorization)
{
	char creds[400];
	int ok = 0;

	if (strncasecmp(authorization, "Basic ", 6) == 0 &&
	    b64_decode(authorization + 6, creds, sizeof creds) >= 0 && check_password(wc, creds))
		ok = 1;
	secure_zero(creds, sizeof creds);
	return ok;
}

void webconfig_auth_remember(struct webconfig *wc, const uint8_t mac[32])
{
	cache_add(wc, mac);
}

int webconfig_check_auth(struct webconfig *wc, const char *authorization)
{
	uint8_t mac[32];
	int rc = webconfig_auth_cached(wc, authorization, mac);

	if (rc == 0 && webconfig_auth_verify(wc, authorization)) {
		webconfig_auth_remember(wc, mac);
		rc = 1;
	}
	secure_zero(mac, sizeof mac);
	return rc == 1;
}
