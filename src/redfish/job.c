/*
 * redfish/job.c - one Redfish operation as a chain of requests (a job), and
 * the host's one session that every job shares.
 *
 * A job sends one request at a time and names the step its answer goes to;
 * on_response() deals with what every answer may be before the step sees
 * it: canceled, a TLS key that changed (relearnt without credentials, so
 * the error can show both keys), a body over its cap, busy (429, 503: wait
 * as long as the BMC asks), a redirect (never followed), 401 to a request
 * that carried the token (the session expired).
 *
 * Logins are what lock accounts, so each one counts.  A BMC has at most one
 * session of ours: one job logs in (or deletes the old session first) while
 * the others wait for it (session_open).  A 401 mid-poll means the session
 * expired: it is DELETEd, then one new login, and the request repeated.  A
 * login refused (400, 401, 403), or a new session refused at once, is an
 * authentication failure: the host parks until someone asks.  A login
 * answered 404, 405 or 501 means the service has no sessions after all
 * (whatever its root says): every request then carries HTTP Basic
 * credentials, as sushy's session-or-basic auth does, and the host keeps
 * to Basic while its service root stays the same (use_basic).  What each
 * answer means is redfish/session.c's, shared with the VNC relay.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/capture.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "redfish/job.h"

#define RETRY_AFTER_MAX 300 /* s: a BMC may ask us to wait up to the scheduler's longest backoff */

void rf_job_queue_clear(struct rf_job *j)
{
	size_t i;

	for (i = 0; i < j->nitems; i++) {
		free(j->items[i].link);
		free(j->items[i].s);
		if (j->items[i].entry != NULL)
			json_decref(j->items[i].entry);
	}
	free(j->items);
	j->items = NULL;
	j->nitems = j->next_item = 0;
	j->gets = 0;
	j->queue_401 = 0;
	j->queue_error = 0;
}

static void session_open(struct rf_job *j);

/* The session is settled (status 0) or could not be had: the waiters go on, or end too. */
static void session_release(struct rf_host *rh, int status)
{
	struct rf_job *w = rh->session_waiters, *next;

	rh->session_owner = NULL;
	rh->session_waiters = NULL;
	for (; w != NULL; w = next) {
		next = w->wait_next;
		w->wait_next = NULL;
		if (status == 0)
			session_open(w);
		else
			rf_job_finish(w, status); /* the owner has said why, on the host */
	}
}

void rf_job_finish(struct rf_job *j, int status)
{
	struct bmc_host *h = j->h;
	bmc_op_cb cb = j->cb;
	void *arg = j->arg;

	if (j->rh->session_owner == j)
		session_release(j->rh, status ? status : BMC_EPROTO);
	rf_job_queue_clear(j);
	rf_free_links(j->chassis_links, j->nchassis);
	free(j->merged);
	if (j->log_members != NULL)
		json_decref(j->log_members);
	free(j->body);
	free(j->retry_body);
	free(j);
	cb(h, status, arg);
}

void rf_job_fail(struct rf_job *j, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	host_set_errorv(j->h, status, fmt, ap);
	va_end(ap);
	rf_job_finish(j, status);
}

static void auth_fail(struct rf_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The credentials were refused: the host parks (BMC_EAUTH), and jobs that
 * were already running do not log in again (do_login); only one started
 * since, by someone who asked, does.
 */
static void auth_fail(struct rf_job *j, const char *fmt, ...)
{
	va_list ap;

	j->rh->s.auth_failures++;
	va_start(ap, fmt);
	host_set_errorv(j->h, BMC_EAUTH, fmt, ap);
	va_end(ap);
	rf_job_finish(j, BMC_EAUTH);
}

static int job_request(struct rf_job *j, char *secret, size_t secret_len);
static void on_root(struct rf_job *j, json_t *body, struct rf_response *rsp);
static void on_login(struct rf_job *j, json_t *body, struct rf_response *rsp);

void rf_job_too_big_message(char *out, size_t outlen, const char *method, const char *url,
			    const struct rf_body_limit *lim)
{
	snprintf(out, outlen,
		 "%s %s: the BMC sent more than the limit of %zu bytes for %s; refused", method,
		 url, lim->max_bytes, lim->what);
}

/*
 * 429 or 503: wait as long as the BMC asks (Retry-After, up to
 * RETRY_AFTER_MAX), and nothing is sent to it meanwhile; without
 * Retry-After the scheduler's backoff is the wait.
 */
static void back_off(struct rf_job *j, const struct rf_response *rsp)
{
	struct rf_host *rh = j->rh;
	long wait = rsp->retry_after > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : rsp->retry_after;
	char how[96] = "backing off";

	if (wait > 0) {
		rh->busy_until = uv_now(j->h->engine->loop) + (uint64_t)wait * 1000;
		snprintf(how, sizeof how, "waiting %ld s before asking again, as it asked", wait);
	}
	if (j->next == on_login && rsp->status == 503)
		snprintf(
		    rh->busy_message, sizeof rh->busy_message,
		    "the BMC is busy: no free session (maximum sessions reached, HTTP 503); %s, "
		    "without opening more",
		    how);
	else
		snprintf(rh->busy_message, sizeof rh->busy_message,
			 "the BMC is busy (HTTP %ld on %s %s); %s", rsp->status, j->method, j->url,
			 how);
	rf_job_fail(j, BMC_EBUSY, "%s", rh->busy_message);
}

/* Keep the request that a 401 interrupted, to repeat it with the new session. */
static void keep_for_retry(struct rf_job *j)
{
	const char *path = strstr(j->url, "/redfish/");

	j->retry_step = j->next;
	j->retry_kind = j->kind;
	j->retry_method = j->method;
	free(j->retry_body);
	j->retry_body = j->body ? xstrdup(j->body) : NULL;
	snprintf(j->retry_link, sizeof j->retry_link, "%s", path ? path : "/redfish/v1/");
}

static void on_response(struct rf_response *rsp, void *arg)
{
	struct rf_job *j = arg;
	enum rf_body_kind kind = j->kind;
	json_t *body = NULL;
	char *err = NULL;

	if (capture_recorder != NULL && rsp->error == 0 && !rsp->too_big)
		capture_redfish(capture_recorder, j->method, j->url, rsp->status, rsp->body,
				rsp->len);
	if (rsp->error == BMC_ECANCELED) {
		rf_job_finish(j, BMC_ECANCELED);
		return;
	}
	if (rsp->error == BMC_ETLS && j->h->cfg->tls == TLS_TOFU && j->rh->s.trusted &&
	    !j->want_pin) {
		/* The key no longer matches: learn the new one, without credentials,
		 * so the error can show both. */
		j->rh->s.trusted = 0;
		j->want_pin = 1;
		rf_job_get(j, "/redfish/v1/", on_root, RF_BODY_RESOURCE);
		return;
	}
	if (rsp->too_big) {
		char msg[800];

		rf_job_too_big_message(msg, sizeof msg, j->method, j->url, rf_body_limit(kind));
		rf_job_fail(j, BMC_EPROTO, "%s", msg);
		return;
	}
	if (rsp->error != 0) {
		rf_job_fail(j, rsp->error, "%s %s: %s", j->method, j->url, rsp->message);
		return;
	}
	if (rsp->status == 401 && j->sent_token) {
		keep_for_retry(j);
		rf_job_session_refused(j);
		return;
	}
	if (j->sent_token)
		rf_session_accepted(&j->rh->s, j->gen);
	if (rsp->status == 401 && j->rh->basic && !j->sent_token && j->next != on_root) {
		auth_fail(
		    j,
		    "wrong password for user \"%s\" (the Redfish service refused Basic auth); "
		    "not retrying until you ask",
		    j->h->cfg->user ? j->h->cfg->user : "");
		return;
	}
	if (rsp->status == 429 || rsp->status == 503) {
		back_off(j, rsp);
		return;
	}
	if (rsp->status >= 300 && rsp->status < 400) {
		rf_job_fail(j, BMC_EPROTO, "%s %s: HTTP %ld (redirects are not followed)",
			    j->method, j->url, rsp->status);
		return;
	}
	if (rsp->len > 0 && rsp->status < 300) {
		body = redfish_json_load_kind(rsp->body, rsp->len, kind, &err);
		if (body == NULL) {
			rf_job_fail(j, BMC_EPROTO, "%s: %s", j->url, err);
			free(err);
			return;
		}
	} else if (rsp->len > 0 && rsp->status >= 400) {
		/* An error body, for its message; a broken one is just not read. */
		body = redfish_json_load_kind(rsp->body, rsp->len, RF_BODY_RESOURCE, NULL);
	}
	j->next(j, body, rsp);
	if (body != NULL)
		json_decref(body);
}

/* Fill the options every request of this host shares, credentials included. */
int rf_job_request_opts(struct bmc_host *h, struct rf_request_opts *o, const char *method,
			const char *url, enum rf_body_kind kind)
{
	const struct host_config *hc = h->cfg;
	struct rf_host *rh = rf_host_of(h);

	rf_session_opts(&rh->s, o, method, url, kind);
	o->token = rh->s.token[0] ? rh->s.token : NULL;
	if (rh->basic && o->token == NULL) {
		char *err = NULL;
		const struct secret *pw = engine_host_password(h, &err);

		if (pw == NULL) {
			host_set_error(h, BMC_ECONFIG, "%s", err);
			free(err);
			return BMC_ECONFIG;
		}
		o->basic_user = hc->user ? hc->user : "";
		o->basic_password = pw->data;
	}
	return 0;
}

/* Send j's request; secret, when not NULL, is the body (and is taken). */
static int job_request(struct rf_job *j, char *secret, size_t secret_len)
{
	struct rf_request_opts o;
	int rc;

	/* Before the service root is read, trust is not settled: nothing secret. */
	if (j->next == on_root) {
		rf_session_opts(&j->rh->s, &o, j->method, j->url, RF_BODY_RESOURCE);
	} else {
		rc = rf_job_request_opts(j->h, &o, j->method, j->url, j->kind);
		if (rc != 0) {
			rf_secret_free(secret, secret_len);
			return rc;
		}
	}
	o.body = j->body;
	if (j->if_match[0] != '\0' && strcmp(j->method, "PATCH") == 0)
		o.if_match = j->if_match;
	o.secret_body = secret;
	o.secret_len = secret_len;
	o.want_pin = j->want_pin;
	j->gen = j->rh->s.gen;
	j->sent_token = o.token != NULL;
	return rf_http_request(j->rh->s.http, &o, on_response, j);
}

/* Send method with body (taken) and the secret body (taken), then call next. */
static void job_issue(struct rf_job *j, const char *method, char *body, rf_step next,
		      enum rf_body_kind kind, char *secret, size_t secret_len)
{
	int rc;

	j->method = method;
	free(j->body);
	j->body = body;
	j->next = next;
	j->kind = kind;
	rc = job_request(j, secret, secret_len);
	if (rc != 0)
		rf_job_fail(j, rc, "cannot start a request to %s", j->url);
}

void rf_job_send(struct rf_job *j, const char *method, const char *link, char *body, rf_step next,
		 enum rf_body_kind kind)
{
	if (redfish_resolve_link(j->rh->s.base, link, j->url, sizeof j->url) != 0) {
		free(body);
		rf_job_fail(j, BMC_EPROTO, "the BMC links to %s, outside %s: not followed", link,
			    j->rh->s.base);
		return;
	}
	job_issue(j, method, body, next, kind, NULL, 0);
}

void rf_job_get(struct rf_job *j, const char *link, rf_step next, enum rf_body_kind kind)
{
	rf_job_send(j, "GET", link, NULL, next, kind);
}

/* Trust and the service root. */

/*
 * Whether a root read now is the service that had no sessions: the same
 * version, identity and session links.  A firmware update that brings
 * sessions changes at least one of them (RedfishVersion, as a rule).
 */
static int same_service(const struct rf_root *a, const struct rf_root *b)
{
	return strcmp(a->redfish_version, b->redfish_version) == 0 &&
	       strcmp(a->uuid, b->uuid) == 0 && strcmp(a->product, b->product) == 0 &&
	       strcmp(a->vendor_string, b->vendor_string) == 0 &&
	       strcmp(a->sessions, b->sessions) == 0 &&
	       strcmp(a->session_service, b->session_service) == 0;
}

static void after_root(struct rf_job *j);

static void on_root(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_host *rh = j->rh;
	struct bmc_host *h = j->h;

	if (j->want_pin) {
		char *err = NULL;

		j->want_pin = 0;
		if (rf_session_trust_learn(&rh->s, rsp->pin, &err) != 0) {
			rf_job_fail(j, BMC_ETLS, "%s", err);
			free(err);
			return;
		}
	}
	if (rsp->status != 200 || body == NULL) {
		rf_job_fail(j, BMC_EPROTO, "no Redfish service root at %s (HTTP %ld)", j->url,
			    rsp->status);
		return;
	}
	rf_parse_root(body, &rh->root);
	rh->have_root = 1;
	if (rh->s.no_sessions && !same_service(&rh->basic_root, &rh->root)) {
		log_info("%s: the Redfish service root changed; trying a session login again",
			 h->cfg->name);
		rh->s.no_sessions = 0;
	}
	rh->basic = (rh->root.sessions[0] == '\0' && rh->root.session_service[0] == '\0') ||
		    rh->s.no_sessions != 0;
	if (h->vendor == NULL || rh->root.vendor != RF_VENDOR_OTHER)
		host_set_string(&h->vendor, rf_vendor_name(rh->root.vendor));
	h->protocol = SRC_REDFISH;
	if (j->probe_only) {
		rh->root_fresh = 1;
		rf_job_finish(j, 0);
		return;
	}
	after_root(j);
}

void rf_job_start(struct rf_job *j)
{
	struct rf_host *rh = j->rh;
	char *err = NULL;

	/* First use: learn the key (want_pin), send nothing secret. */
	if (rf_session_trust_begin(&rh->s, &j->want_pin, &err) != 0) {
		rf_job_fail(j, BMC_ETLS, "%s", err);
		free(err);
		return;
	}
	/* The BMC asked us to wait (Retry-After): nothing is sent until then. */
	if (rh->busy_until != 0 && uv_now(j->h->engine->loop) < rh->busy_until) {
		rf_job_fail(j, BMC_EBUSY, "%s", rh->busy_message);
		return;
	}
	/* protocol = auto: the probe that chose Redfish read the root (and
	 * settled trust) an instant ago; the poll it starts goes on from it. */
	if (rh->root_fresh && rh->have_root && !j->want_pin) {
		rh->root_fresh = 0;
		after_root(j);
		return;
	}
	rh->root_fresh = 0;
	rf_job_get(j, "/redfish/v1/", on_root, RF_BODY_RESOURCE);
}

/* Login: one session per BMC, made by one job while the others wait. */

/* Go on once the session exists: repeat what a 401 interrupted, or go on. */
static void job_continue(struct rf_job *j)
{
	if (j->retry_step != NULL) {
		rf_step step = j->retry_step;
		char *again = j->retry_body;

		j->retry_step = NULL;
		j->retry_body = NULL;
		rf_job_send(j, j->retry_method, j->retry_link, again, step, j->retry_kind);
		return;
	}
	if (j->resume != NULL) {
		void (*resume)(struct rf_job *) = j->resume;

		j->resume = NULL;
		resume(j);
		return;
	}
	j->then(j);
}

static const char *user_of(const struct rf_job *j)
{
	return j->h->cfg->user ? j->h->cfg->user : "";
}

/*
 * The login was answered 404, 405 or 501: no sessions here after all.  The
 * password was not refused (that is 400, 401 or 403), so HTTP Basic is no
 * second try of it; a Basic request refused with 401 parks the host like a
 * refused login (on_response).  Remembered with the root it came with, so
 * later polls do not log in again until that root changes (same_service:
 * a BMC whose firmware update brings sessions).
 */
static void use_basic(struct rf_job *j)
{
	struct rf_host *rh = j->rh;

	log_info("%s: the Redfish service has no sessions (HTTP %ld on its Sessions collection); "
		 "using HTTP Basic authentication",
		 j->h->cfg->name, rh->s.no_sessions);
	rh->basic = 1;
	rh->basic_root = rh->root;
	session_release(rh, 0);
	job_continue(j);
}

static void on_login(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_host *rh = j->rh;

	switch (rf_session_login_done(&rh->s, rsp)) {
	case RF_LOGIN_REFUSED:
		auth_fail(j,
			  "wrong password for user \"%s\" (the Redfish service refused the login "
			  "with HTTP %ld); not retrying until you ask",
			  user_of(j), rsp->status);
		return;
	case RF_LOGIN_NO_SESSIONS:
		use_basic(j);
		return;
	case RF_LOGIN_FAILED:
		rf_job_fail(j, BMC_EPROTO, "session login failed (HTTP %ld)", rsp->status);
		return;
	case RF_LOGIN_OK:
		break;
	}
	j->h->counters[CNT_SESSIONS]++;
	session_release(rh, 0);
	job_continue(j);
}

/* POST the credentials to the Sessions collection; j owns the session. */
static void do_login(struct rf_job *j)
{
	struct rf_host *rh = j->rh;
	const struct secret *pw;
	char *err = NULL, *body;
	size_t len;

	if (j->auth_seen != rh->s.auth_failures) {
		rf_job_finish(j, BMC_EAUTH); /* refused meanwhile: the host says why */
		return;
	}
	pw = engine_host_password(j->h, &err);
	if (pw == NULL) {
		rf_job_fail(j, BMC_ECONFIG, "%s", err);
		free(err);
		return;
	}
	if (rf_session_login_url(&rh->s, &rh->root, j->url, sizeof j->url) != 0) {
		rf_job_fail(j, BMC_EPROTO, "the BMC's Sessions link %s leaves %s: not followed",
			    rh->root.sessions, rh->s.base);
		return;
	}
	body = rf_login_body(user_of(j), pw->data, pw->len, &len);
	job_issue(j, "POST", NULL, on_login, RF_BODY_RESOURCE, body, len);
}

/*
 * Go on with this host's session: wait while another job logs in, use the
 * session there is, or log in.
 */
static void session_open(struct rf_job *j)
{
	struct rf_host *rh = j->rh;

	/* The owner itself back here (its login relearned the TLS key after a
	 * failed handshake): it logs in again rather than wait for itself. */
	if (rh->session_owner == j) {
		do_login(j);
		return;
	}
	if (rh->session_owner != NULL) {
		j->wait_next = rh->session_waiters;
		rh->session_waiters = j;
		return;
	}
	if (rh->s.token[0] != '\0' || rh->basic) {
		job_continue(j);
		return;
	}
	rh->session_owner = j;
	do_login(j);
}

struct rf_drop {
	struct rf_job *j;
	void (*next)(struct rf_job *j);
};

static void on_session_dropped(struct rf_response *rsp, void *arg)
{
	struct rf_drop *d = arg;
	struct rf_job *j = d->j;
	void (*next)(struct rf_job *) = d->next;

	free(d);
	if (rsp->error == BMC_ECANCELED) {
		rf_job_finish(j, BMC_ECANCELED);
		return;
	}
	next(j); /* whatever the answer: the token is forgotten */
}

/* DELETE the session (j owns it), forget and wipe its token, then next. */
static void session_delete(struct rf_job *j, void (*next)(struct rf_job *j))
{
	struct rf_drop *d = xmalloc(sizeof *d);

	d->j = j;
	d->next = next;
	if (rf_session_delete(&j->rh->s, 0, on_session_dropped, d) != 0) {
		free(d);
		next(j);
	}
}

static void fail_session_refused(struct rf_job *j)
{
	auth_fail(j,
		  "the Redfish service accepted the login of user \"%s\" but refuses its session "
		  "(HTTP 401 right after logging in); not retrying until you ask",
		  user_of(j));
}

static void fail_session_lost(struct rf_job *j)
{
	rf_job_fail(j, BMC_EPROTO,
		    "the Redfish service ended the session twice in one operation (HTTP 401); "
		    "logging in again at the next poll");
}

static void relogin(struct rf_job *j)
{
	log_info("%s: Redfish session expired; logging in again", j->h->cfg->name);
	do_login(j);
}

/*
 * A request that carried the session's token got 401.  The session is
 * DELETEd before anything else: then one new login.  If this job already
 * logged in again and that new session was never accepted, the service
 * refuses us: an authentication failure, not a reason for more logins.
 */
void rf_job_session_refused(struct rf_job *j)
{
	struct rf_host *rh = j->rh;
	int again = j->relogged;

	j->relogged = 1;
	if (rh->session_owner != NULL || j->gen != rh->s.gen) {
		/* Another job is replacing, or has replaced, that session. */
		session_open(j);
		return;
	}
	rh->session_owner = j;
	switch (rf_session_expired(&rh->s, again)) {
	case RF_EXPIRED_RELOGIN:
		session_delete(j, relogin);
		break;
	case RF_EXPIRED_REFUSED:
		session_delete(j, fail_session_refused);
		break;
	case RF_EXPIRED_LOST:
		session_delete(j, fail_session_lost);
		break;
	}
}

static void after_root(struct rf_job *j)
{
	/* Without sessions every request carries Basic credentials instead. */
	if (j->rh->basic) {
		j->then(j);
		return;
	}
	session_open(j);
}

struct rf_job *rf_job_new(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg)
{
	struct rf_job *j = xcalloc(1, sizeof *j);

	j->h = h;
	j->rh = rf_host_of(h);
	j->auth_seen = j->rh->s.auth_failures;
	j->what = what;
	j->cb = cb;
	j->arg = arg;
	return j;
}
