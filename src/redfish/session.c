/*
 * redfish/session.c - the Redfish session rules, one copy for the backend
 * and the VNC relay.
 *
 * Nothing here sends on its own except the DELETE: the owners run their
 * requests their own way (the backend through its jobs, with backoff and
 * retries; the relay straight), and ask this module what the URL, the
 * options, the trust and the answers mean.  That is what keeps the two
 * from drifting apart: the relay's login once lost the http:// rule.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "redfish/session.h"
#include "tls/trust.h"

int rf_session_init(struct rf_session *s, const struct host_config *hc, char **err)
{
	char *url = fleet_redfish_url(hc); /* without a trailing slash */

	memset(s, 0, sizeof *s);
	if (rf_url_check(url, hc->tls, err) != 0) {
		free(url);
		return BMC_ECONFIG;
	}
	s->cfg = hc;
	s->base = url;
	return 0;
}

void rf_session_free(struct rf_session *s)
{
	secure_zero(s->token, sizeof s->token);
	free(s->base);
	s->base = NULL;
}

void rf_session_opts(const struct rf_session *s, struct rf_request_opts *o, const char *method,
		     const char *url, enum rf_body_kind kind)
{
	const struct host_config *hc = s->cfg;

	memset(o, 0, sizeof *o);
	o->method = method;
	o->url = url;
	o->timeout_ms = (long)hc->timeout_ms;
	o->verify = hc->tls == TLS_VERIFY;
	o->ca_file = hc->ca_file;
	o->pin = hc->tls == TLS_PIN ? hc->tls_pin : (s->trusted ? s->pin : NULL);
	o->max_body = rf_body_limit(kind)->max_bytes;
}

int rf_session_trust_begin(struct rf_session *s, int *want_pin, char **err)
{
	const struct host_config *hc = s->cfg;
	int found;

	*err = NULL;
	if (hc->tls != TLS_TOFU || s->trusted)
		return 0;
	found = trust_lookup(hc->name, s->base, s->pin, sizeof s->pin);
	if (found < 0) {
		s->pin[0] = '\0';
		*err = trust_unreadable_message(found);
		return BMC_ETLS;
	}
	if (found == 0)
		s->trusted = 1;
	else
		*want_pin = 1;
	return 0;
}

int rf_session_trust_learn(struct rf_session *s, const char *pin, char **err)
{
	const struct host_config *hc = s->cfg;
	char known[TLS_PIN_MAX];
	int rc;

	*err = NULL;
	if (hc->tls != TLS_TOFU)
		return 0;
	if (pin[0] == '\0') {
		*err = xasprintf("cannot read the TLS key of %s", s->base);
		return BMC_ETLS;
	}
	rc = trust_tofu(hc->name, s->base, pin, known, sizeof known);
	if (rc < 0) {
		*err = trust_unreadable_message(rc);
		return BMC_ETLS;
	}
	if (rc == TRUST_CHANGED) {
		*err = trust_changed_message(hc->name, s->base, known, pin, "no credential");
		return BMC_ETLS;
	}
	snprintf(s->pin, sizeof s->pin, "%s", pin);
	s->trusted = 1;
	if (rc == TRUST_NONE)
		log_info("%s: trusting TLS key %s on first use", hc->name, pin);
	return 0;
}

int rf_session_login_url(const struct rf_session *s, const struct rf_root *root, char *out,
			 size_t outlen)
{
	const char *link = root->sessions[0] ? root->sessions : "/redfish/v1/SessionService/Sessions";

	return redfish_resolve_link(s->base, link, out, outlen) == 0 ? 0 : -1;
}

enum rf_login_result rf_session_login_done(struct rf_session *s, const struct rf_response *rsp)
{
	if (rsp->error != 0)
		return RF_LOGIN_FAILED;
	if (rsp->status == 400 || rsp->status == 401 || rsp->status == 403)
		return RF_LOGIN_REFUSED;
	if (rsp->status == 404 || rsp->status == 405 || rsp->status == 501) {
		s->no_sessions = rsp->status;
		return RF_LOGIN_NO_SESSIONS;
	}
	if (rsp->status < 200 || rsp->status >= 300 || rsp->token[0] == '\0')
		return RF_LOGIN_FAILED;
	snprintf(s->token, sizeof s->token, "%s", rsp->token);
	snprintf(s->location, sizeof s->location, "%s", rsp->location);
	s->gen++;
	s->proven = 0;
	return RF_LOGIN_OK;
}

void rf_session_accepted(struct rf_session *s, unsigned gen)
{
	if (gen == s->gen)
		s->proven = 1;
}

enum rf_expired rf_session_expired(const struct rf_session *s, int relogged)
{
	if (!relogged)
		return RF_EXPIRED_RELOGIN;
	return s->proven ? RF_EXPIRED_LOST : RF_EXPIRED_REFUSED;
}

int rf_session_delete(struct rf_session *s, long timeout_ms, rf_http_cb cb, void *arg)
{
	char url[RF_LINK_MAX], token[sizeof s->token];
	struct rf_request_opts o;
	int rc = -1;

	memcpy(token, s->token, sizeof token);
	secure_zero(s->token, sizeof s->token);
	s->proven = 0;
	if (token[0] != '\0' && s->location[0] != '\0' &&
	    redfish_resolve_link(s->base, s->location, url, sizeof url) == 0) {
		rf_session_opts(s, &o, "DELETE", url, RF_BODY_RESOURCE);
		o.token = token;
		if (timeout_ms > 0)
			o.timeout_ms = timeout_ms;
		rc = rf_http_request(s->http, &o, cb, arg) == 0 ? 0 : -1;
	}
	s->location[0] = '\0';
	secure_zero(token, sizeof token);
	return rc;
}
