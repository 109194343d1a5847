/*
 * vnc/relay-login.c - the Redfish session of a relay whose target wants a
 * token (OpenBMC's /kvm/0): the service root (TOFU first), the login, and
 * the DELETE when the relay ends.
 *
 * The rules are redfish/session.c's, the backend's: this file only runs the
 * two requests on the relay's own HTTP client and session, which the
 * relay holds apart from the backend's one session per BMC.  The client
 * is released, and the relay freed, only after a request in flight has
 * answered, so a login that lands after the relay ended is deleted too.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "redfish/http.h"
#include "redfish/parse.h"
#include "redfish/session.h"
#include "vnc/relay-int.h"

static void on_http_released(void *arg)
{
	struct vnc_relay *r = arg;

	r->pending_handles--;
	relay_maybe_finish(r);
}

static void on_session_deleted(struct rf_response *rsp, void *arg)
{
	struct vnc_relay *r = arg;

	if (rsp->error == 0 && rsp->status >= 200 && rsp->status < 300)
		log_info("%s: console's Redfish session deleted", relay_host_name(r));
	else
		log_warn("%s: could not delete the console's Redfish session (%s)",
			 relay_host_name(r), rsp->error ? rsp->message : "HTTP error");
	rf_http_release(r->rfs.http, on_http_released, r);
}

void relay_login_end(struct vnc_relay *r)
{
	if (r->rfs.http == NULL || r->rf_busy)
		return;
	if (rf_session_delete(&r->rfs, 2000, on_session_deleted, r) == 0)
		return;
	rf_http_release(r->rfs.http, on_http_released, r);
}

/* The Redfish session for targets that want a token (OpenBMC's /kvm/0). */

static void on_login(struct rf_response *rsp, void *arg)
{
	struct vnc_relay *r = arg;
	const char *user = r->h->cfg->user ? r->h->cfg->user : "";
	enum rf_login_result res = rf_session_login_done(&r->rfs, rsp);

	r->rf_busy = 0;
	if (r->ending) {
		/* Ended while the login was on its way: a session it made is
		 * deleted now, and the HTTP client released. */
		relay_login_end(r);
		return;
	}
	if (rsp->error != 0) {
		relay_end(r, rsp->error, "Redfish login at %s for the console: %s", r->rfs.base,
			  rsp->message);
		return;
	}
	if (res == RF_LOGIN_REFUSED) {
		relay_end(r, BMC_EAUTH,
			  "wrong password for user \"%s\" (the Redfish service refused the "
			  "console's login); not retrying",
			  user);
		return;
	}
	if (res != RF_LOGIN_OK) {
		relay_end(r, BMC_EPROTO, "Redfish login at %s for the console failed (HTTP %ld)",
			  r->rfs.base, rsp->status);
		return;
	}
	log_info("%s: Redfish session opened for the console", relay_host_name(r));
	r->logged_in(r);
}

static void on_root(struct rf_response *rsp, void *arg)
{
	struct vnc_relay *r = arg;
	const struct host_config *hc = r->h->cfg;
	const struct secret *pw;
	struct rf_root root;
	struct rf_request_opts o;
	char url[RF_LINK_MAX], *err = NULL, *body;
	size_t len;
	json_t *j;

	r->rf_busy = 0;
	if (r->ending) {
		relay_login_end(r);
		return;
	}
	if (rsp->error != 0) {
		relay_end(r, rsp->error, "Redfish service root at %s: %s", r->rfs.base,
			  rsp->message);
		return;
	}
	if (r->rf_want_pin && rf_session_trust_learn(&r->rfs, rsp->pin, &err) != 0) {
		relay_end(r, BMC_ETLS, "%s", err);
		free(err);
		return;
	}
	j = rsp->status == 200 ? redfish_json_load_kind(rsp->body, rsp->len, RF_BODY_RESOURCE, &err)
			       : NULL;
	if (j == NULL) {
		relay_end(r, BMC_EPROTO, "no Redfish service root at %s (HTTP %ld%s%s)",
			  r->rfs.base, rsp->status, err ? ": " : "", err ? err : "");
		free(err);
		return;
	}
	memset(&root, 0, sizeof root);
	rf_parse_root(j, &root);
	json_decref(j);
	/* No sessions at all: the backend would use Basic auth, which gives
	 * no token for the console. */
	if ((root.sessions[0] == '\0' && root.session_service[0] == '\0') ||
	    rf_session_login_url(&r->rfs, &root, url, sizeof url) != 0) {
		relay_end(r, BMC_EPROTO,
			  "the Redfish service at %s offers no sessions to log in with",
			  r->rfs.base);
		return;
	}
	pw = engine_host_password(r->h, &err);
	if (pw == NULL) {
		relay_end(r, BMC_ECONFIG, "%s", err);
		free(err);
		return;
	}
	body = rf_login_body(hc->user ? hc->user : "", pw->data, pw->len, &len);
	rf_session_opts(&r->rfs, &o, "POST", url, RF_BODY_RESOURCE);
	o.secret_body = body; /* taken: sent without a copy, wiped and freed at the end */
	o.secret_len = len;
	if (rf_http_request(r->rfs.http, &o, on_login, r) != 0)
		relay_end(r, BMC_EIO, "cannot start the Redfish login");
	else
		r->rf_busy = 1;
}

void relay_login_start(struct vnc_relay *r, void (*logged_in)(struct vnc_relay *r))
{
	struct rf_request_opts o;
	char *url, *err = NULL;

	r->stage = UP_LOGIN;
	r->logged_in = logged_in;
	r->rfs.http = rf_http_get(r->loop);
	r->pending_handles++; /* released in relay_login_end */
	if (rf_session_trust_begin(&r->rfs, &r->rf_want_pin, &err) != 0) {
		relay_end(r, BMC_ETLS, "%s", err);
		free(err);
		return;
	}
	url = xasprintf("%s/redfish/v1/", r->rfs.base);
	rf_session_opts(&r->rfs, &o, "GET", url, RF_BODY_RESOURCE);
	o.want_pin = r->rf_want_pin;
	if (rf_http_request(r->rfs.http, &o, on_root, r) != 0)
		relay_end(r, BMC_EIO, "cannot start a Redfish request to %s", url);
	else
		r->rf_busy = 1;
	free(url);
}
