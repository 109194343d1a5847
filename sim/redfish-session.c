/*
 * redfish-session.c - Redfish sessions on a simulated BMC: login (POST to
 * SessionService/Sessions), the X-Auth-Token or Basic credentials every
 * other request needs, a session's GET and DELETE.
 *
 * RF_MAX_SESSIONS per BMC; a session lapses after RF_SESSION_TIMEOUT
 * seconds unused or when the BMC reboots.  Tokens and passwords are
 * compared in constant time and wiped from every buffer that held them.
 */
#include "config.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"
#include "redfish.h"

static uint64_t now_ms(struct sim_redfish_bmc *rb)
{
	return uv_now(rb->b->sim->loop);
}

int sim_redfish_session_valid(struct sim_redfish_bmc *rb, struct sim_redfish_session *s)
{
	if (!s->live)
		return 0;
	if (s->epoch != rb->b->boot_epoch ||
	    now_ms(rb) - s->last_used > (uint64_t)RF_SESSION_TIMEOUT * 1000) {
		secure_zero(s->token, sizeof s->token);
		s->live = 0;
		return 0;
	}
	return 1;
}

static struct sim_redfish_session *session_by_token(struct sim_redfish_bmc *rb, const char *token)
{
	size_t i;

	if (strlen(token) != 32)
		return NULL;
	for (i = 0; i < RF_MAX_SESSIONS; i++) {
		struct sim_redfish_session *s = &rb->sessions[i];

		if (sim_redfish_session_valid(rb, s) && CRYPTO_memcmp(s->token, token, 32) == 0)
			return s;
	}
	return NULL;
}

static struct sim_redfish_session *session_by_id(struct sim_redfish_bmc *rb, const char *id)
{
	char want[16];
	size_t i;

	for (i = 0; i < RF_MAX_SESSIONS; i++) {
		struct sim_redfish_session *s = &rb->sessions[i];

		snprintf(want, sizeof want, "%u", s->id);
		if (sim_redfish_session_valid(rb, s) && strcmp(want, id) == 0)
			return s;
	}
	return NULL;
}

static int credentials_ok(struct sim *s, const char *user, const char *pw, size_t pwlen)
{
	size_t want = strlen(s->opt.password);
	int ok = strcmp(user, s->opt.user) == 0;

	/* Compare the password in constant time even when the user is wrong. */
	if (pwlen != want || CRYPTO_memcmp(pw, s->opt.password, want) != 0)
		ok = 0;
	return ok;
}

/* Authorization: Basic base64(user:password). */
static int basic_ok(struct sim_redfish_bmc *rb, const char *auth)
{
	unsigned char dec[300];
	const char *b64;
	size_t len, pad = 0;
	char *colon;
	int n, ok;

	if (strncasecmp(auth, "Basic ", 6) != 0)
		return 0;
	b64 = auth + 6;
	while (*b64 == ' ')
		b64++;
	len = strlen(b64);
	if (len == 0 || len % 4 != 0 || len / 4 * 3 >= sizeof dec)
		return 0;
	n = EVP_DecodeBlock(dec, (const unsigned char *)b64, (int)len);
	if (n < 0)
		return 0;
	while (pad < 2 && len > pad && b64[len - 1 - pad] == '=')
		pad++;
	n -= (int)pad;
	dec[n] = '\0';
	colon = memchr(dec, ':', (size_t)n);
	if (colon == NULL || memchr(dec, '\0', (size_t)n) != NULL) {
		secure_zero(dec, sizeof dec);
		return 0;
	}
	*colon = '\0';
	ok = credentials_ok(rb->b->sim, (char *)dec, colon + 1,
			    (size_t)n - (size_t)(colon + 1 - (char *)dec));
	secure_zero(dec, sizeof dec);
	return ok;
}

int sim_redfish_session_authenticate(struct sim_redfish_bmc *rb, const struct http_req *q,
				     struct http_reply *r)
{
	struct sim_redfish_session *s;

	if (q->token[0] != '\0' && !q->token_too_long) {
		s = session_by_token(rb, q->token);
		if (s != NULL) {
			s->last_used = now_ms(rb);
			return 0;
		}
	} else if (q->auth[0] != '\0' && !rb->b->authfail && basic_ok(rb, q->auth)) {
		return 0;
	}
	sim_http_reply_header(r, "WWW-Authenticate: Basic realm=\"bmcsim\"\r\n");
	sim_http_reply_error(r, 401, "NoValidSession",
		    "There is no valid session established with the implementation.");
	return -1;
}

json_t *sim_redfish_session_json(const struct sim_redfish_session *s, const char *user)
{
	char id[16], url[HTTP_PATH_MAX];

	snprintf(id, sizeof id, "%u", s->id);
	snprintf(url, sizeof url, ROOT "/SessionService/Sessions/%u", s->id);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "@odata.type", "#Session.v1_6_0.Session",
			 "@odata.id", url, "Id", id, "Name", "User Session", "UserName", user);
}

void sim_redfish_session_login(struct sim_redfish_bmc *rb, const struct http_req *q,
			       struct http_reply *r)
{
	struct sim *sim = rb->b->sim;
	struct sim_redfish_session *slot = NULL;
	const char *user = NULL, *pw = NULL;
	unsigned char raw[16];
	json_error_t jerr;
	json_t *j;
	size_t i, pwlen = 0;
	int ok;

	j = json_loadb(q->body, q->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (j != NULL && json_is_object(j)) {
		user = json_string_value(json_object_get(j, "UserName"));
		pw = json_string_value(json_object_get(j, "Password"));
		pwlen = json_string_length(json_object_get(j, "Password"));
	}
	if (user == NULL || pw == NULL) {
		sim_http_reply_error(r, 400, "PropertyMissing",
			    "The login needs UserName and Password, as strings in a JSON object.");
		json_decref(j);
		return;
	}
	rb->b->redfish_logins++;
	ok = credentials_ok(sim, user, pw, pwlen) && !rb->b->authfail;
	json_decref(j); /* the password goes with it; jansson does not keep copies */
	if (!ok) {
		sim_http_reply_error(r, 401, "InsufficientPrivilege",
			    "The user name or password is not correct.");
		return;
	}
	for (i = 0; i < RF_MAX_SESSIONS && slot == NULL; i++)
		if (!sim_redfish_session_valid(rb, &rb->sessions[i]))
			slot = &rb->sessions[i];
	if (slot == NULL) {
		sim_http_reply_error(r, 503, "SessionLimitExceeded",
			    "The session could not be created: maximum sessions (%d) reached.",
			    RF_MAX_SESSIONS);
		return;
	}
	if (RAND_bytes(raw, sizeof raw) != 1) {
		sim_http_reply_error(r, 503, "GeneralError", "No randomness for a session token.");
		return;
	}
	for (i = 0; i < sizeof raw; i++)
		snprintf(slot->token + 2 * i, 3, "%02x", raw[i]);
	slot->id = ++rb->next_session;
	slot->live = 1;
	slot->epoch = rb->b->boot_epoch;
	slot->last_used = now_ms(rb);
	sim_http_reply_header(
	    r, "X-Auth-Token: %s\r\nLocation: " ROOT "/SessionService/Sessions/%u\r\n", slot->token,
	    slot->id);
	sim_http_reply_json(r, 201, sim_redfish_session_json(slot, sim->opt.user));
}

void sim_redfish_session_route(struct sim_redfish_bmc *rb, const struct http_req *q,
			       struct http_reply *r, const char *id)
{
	struct sim_redfish_session *s = session_by_id(rb, id);

	if (s == NULL) {
		sim_http_reply_error(r, 404, "ResourceMissingAtURI",
			    "The resource at the URI %s was not found.", q->path);
	} else if (sim_http_parse_method_is(q, "DELETE")) {
		secure_zero(s->token, sizeof s->token);
		s->live = 0;
		r->status = 204;
	} else if (sim_http_parse_method_is(q, "GET")) {
		sim_http_reply_json(r, 200, sim_redfish_session_json(s, rb->b->sim->opt.user));
	} else {
		sim_http_reply_not_allowed(r, "GET, DELETE");
	}
}
