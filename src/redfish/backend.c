/*
 * redfish/backend.c - the Redfish operations table: poll, power, boot,
 * trust, close.
 *
 * A poll is a chain of requests: the service root (which also settles TLS
 * trust before any credential leaves), a session login when there is no
 * token yet (Basic auth instead, only when the service offers no
 * sessions), the first system, the chassis sensors, the first manager, and
 * the event log.  Every link comes from the service and is resolved against
 * its origin first (redfish_resolve_link): a link elsewhere is not followed.
 *
 * Logins are what lock accounts, so each one counts.  A BMC has at most one
 * session of ours: one job logs in (or deletes the old session first) while
 * the others wait for it (session_open).  A 401 mid-poll means the session
 * expired: it is DELETEd, then one new login, and the request repeated.  A
 * login refused (400, 401, 403), or a new session refused at once, is an
 * authentication failure: the host parks until someone asks.  No sessions
 * at all (404, 405, 501) is said once and not asked again; busy (429, 503)
 * waits as long as the BMC asks (Retry-After), within bounds.
 *
 * The chain itself runs one request at a time.  Sensors are the exception:
 * a collection's members are fetched through a small queue (struct rf_item)
 * with at most RF_IN_FLIGHT requests at once, the two connections per BMC
 * that redfish/http.c allows, and each item keeps its own results so that
 * the order of the sensors does not depend on which answer came first.
 * With $expand (when the service root offers it) a collection brings its
 * members along and the queue only fetches what the service left as links.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/backend.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "redfish/http.h"
#include "redfish/parse.h"
#include "redfish/session.h"
#include "tls/trust.h"

#define RF_IN_FLIGHT	  2    /* requests at once per host: "two connections per BMC" */
#define MAX_SENSOR_GETS	  256  /* member GETs in one poll */
#define MAX_ITEMS	  1024 /* queued resources in one poll, expanded ones included */
#define MAX_PAGES	  16   /* Members@odata.nextLink pages followed per collection */
#define MAX_CHASSIS_TRIED 8
#define RETRY_AFTER_MAX	  300 /* s: a BMC may ask us to wait up to the scheduler's longest backoff */

struct rf_host {
	struct rf_session s;		/* the service, its TLS key, our one session */
	struct rf_job *session_owner;	/* the job logging in (deleting the old session first) */
	struct rf_job *session_waiters; /* jobs waiting for it to end */
	uint64_t busy_until;		/* uv_now(): the BMC asked us to wait until then */
	char busy_message[800];
	int basic; /* no sessions offered: Basic auth on every request */
	struct rf_root root;
	int have_root;
	struct rf_system sys;
	char system_url[RF_LINK_MAX];
	char manager_logs[RF_LINK_MAX];
	int manager_read;
	unsigned manager_caps;
	void (*closed)(struct bmc_host *h);
};

struct rf_job;
typedef void (*rf_step)(struct rf_job *j, json_t *body, struct rf_response *rsp);

/* What a queued resource is, and so how its body is read. */
enum item_kind {
	ITEM_SENSOR,
	ITEM_FAN,
	ITEM_SUPPLY,
	ITEM_SUPPLY_METRICS,
	ITEM_THERMAL_METRICS,
	ITEM_THERMAL_SUBSYSTEM,
	ITEM_POWER_SUBSYSTEM,
	ITEM_LEGACY_THERMAL,
	ITEM_LEGACY_POWER,
	ITEM_COLLECTION /* of member_kind */
};

struct rf_item {
	char *link;
	enum item_kind kind, member_kind;
	size_t parent; /* ITEM_SUPPLY_METRICS: the supply's item */
	unsigned page;
	int done;
	struct bmc_sensor *s;
	size_t n, cap;
};

struct rf_job {
	struct bmc_host *h;
	struct rf_host *rh;
	unsigned what;
	bmc_op_cb cb;
	void *arg;
	rf_step next;
	rf_step with_system; /* what get_system() continues with */
	char url[RF_LINK_MAX];
	const char *method;
	char *body;
	int relogged;
	int want_pin;
	int probe_only;
	enum bmc_power_action action;
	enum bmc_boot_device device;
	int persistent;
	int patched;
	unsigned gen;		  /* rh->s.gen when the last request (or 401) was sent */
	unsigned auth_seen;	  /* rh->s.auth_failures when the job started */
	int sent_token;		  /* the last request carried the session's token */
	struct rf_job *wait_next; /* in rh->session_waiters */
	void (*then)(struct rf_job *j);	  /* what the job does once logged in */
	void (*resume)(struct rf_job *j); /* after a re-login mid-queue */
	/* A request interrupted by an expired token, repeated after login. */
	rf_step retry_step;
	char retry_link[RF_LINK_MAX];
	const char *retry_method;
	char *retry_body;
	/* sensors: the queue */
	struct rf_item *items;
	size_t nitems, next_item;
	unsigned in_flight, gets;
	int queue_401, canceled;
	int queue_error;
	char queue_message[800];
	void (*queue_done)(struct rf_job *j);
	struct rf_chassis chassis;
	int stage;	      /* 0 Sensors, 1 Thermal/PowerSubsystem, 2 legacy Thermal/Power */
	char **chassis_links; /* tried in order until one has sensors */
	size_t nchassis, chassis_index;
	/* events */
	json_t *log_members;
	unsigned log_pages;
	int log_on_manager;
};

static struct rf_host *rf_of(struct bmc_host *h)
{
	return h->backend_data;
}

static void queue_clear(struct rf_job *j)
{
	size_t i;

	for (i = 0; i < j->nitems; i++) {
		free(j->items[i].link);
		free(j->items[i].s);
	}
	free(j->items);
	j->items = NULL;
	j->nitems = j->next_item = 0;
	j->gets = 0;
	j->queue_401 = 0;
	j->queue_error = 0;
}

static void session_open(struct rf_job *j);
static void job_finish(struct rf_job *j, int status);

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
			job_finish(w, status); /* the owner has said why, on the host */
	}
}

static void job_finish(struct rf_job *j, int status)
{
	struct bmc_host *h = j->h;
	bmc_op_cb cb = j->cb;
	void *arg = j->arg;

	if (j->rh->session_owner == j)
		session_release(j->rh, status ? status : BMC_EPROTO);
	queue_clear(j);
	rf_free_links(j->chassis_links, j->nchassis);
	if (j->log_members != NULL)
		json_decref(j->log_members);
	free(j->body);
	free(j->retry_body);
	free(j);
	cb(h, status, arg);
}

static void job_fail(struct rf_job *j, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void job_fail(struct rf_job *j, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	host_set_errorv(j->h, status, fmt, ap);
	va_end(ap);
	job_finish(j, status);
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
	job_finish(j, BMC_EAUTH);
}

static int job_request(struct rf_job *j, char *secret, size_t secret_len);
static void job_get(struct rf_job *j, const char *link, rf_step next);
static void on_root(struct rf_job *j, json_t *body, struct rf_response *rsp);
static void on_login(struct rf_job *j, json_t *body, struct rf_response *rsp);
static void on_systems(struct rf_job *j, json_t *body, struct rf_response *rsp);
static void on_chassis_list(struct rf_job *j, json_t *body, struct rf_response *rsp);
static void on_managers(struct rf_job *j, json_t *body, struct rf_response *rsp);
static void on_log_services(struct rf_job *j, json_t *body, struct rf_response *rsp);
static void on_log_entries(struct rf_job *j, json_t *body, struct rf_response *rsp);
static void session_refused(struct rf_job *j);

/* What the answer to a step's request is, for the caps on its body. */
static enum rf_body_kind step_kind(rf_step next)
{
	if (next == on_log_entries)
		return RF_BODY_LOG;
	if (next == on_systems || next == on_chassis_list || next == on_managers ||
	    next == on_log_services)
		return RF_BODY_COLLECTION;
	return RF_BODY_RESOURCE;
}

static void too_big_message(char *out, size_t outlen, const char *method, const char *url,
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
	job_fail(j, BMC_EBUSY, "%s", rh->busy_message);
}

/* Keep the request that a 401 interrupted, to repeat it with the new session. */
static void keep_for_retry(struct rf_job *j)
{
	const char *path = strstr(j->url, "/redfish/");

	j->retry_step = j->next;
	j->retry_method = j->method;
	free(j->retry_body);
	j->retry_body = j->body ? xstrdup(j->body) : NULL;
	snprintf(j->retry_link, sizeof j->retry_link, "%s", path ? path : "/redfish/v1/");
}

static void on_response(struct rf_response *rsp, void *arg)
{
	struct rf_job *j = arg;
	enum rf_body_kind kind = step_kind(j->next);
	json_t *body = NULL;
	char *err = NULL;

	if (rsp->error == BMC_ECANCELED) {
		job_finish(j, BMC_ECANCELED);
		return;
	}
	if (rsp->error == BMC_ETLS && j->h->cfg->tls == TLS_TOFU && j->rh->s.trusted &&
	    !j->want_pin) {
		/* The key no longer matches: learn the new one, without credentials,
		 * so the error can show both. */
		j->rh->s.trusted = 0;
		j->want_pin = 1;
		job_get(j, "/redfish/v1/", on_root);
		return;
	}
	if (rsp->too_big) {
		char msg[800];

		too_big_message(msg, sizeof msg, j->method, j->url, rf_body_limit(kind));
		job_fail(j, BMC_EPROTO, "%s", msg);
		return;
	}
	if (rsp->error != 0) {
		job_fail(j, rsp->error, "%s %s: %s", j->method, j->url, rsp->message);
		return;
	}
	if (rsp->status == 401 && j->sent_token) {
		keep_for_retry(j);
		session_refused(j);
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
		job_fail(j, BMC_EPROTO, "%s %s: HTTP %ld (redirects are not followed)", j->method,
			 j->url, rsp->status);
		return;
	}
	if (rsp->len > 0 && rsp->status < 300) {
		body = redfish_json_load_kind(rsp->body, rsp->len, kind, &err);
		if (body == NULL) {
			job_fail(j, BMC_EPROTO, "%s: %s", j->url, err);
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
static int request_opts(struct bmc_host *h, struct rf_request_opts *o, const char *method,
			const char *url, enum rf_body_kind kind)
{
	const struct host_config *hc = h->cfg;
	struct rf_host *rh = rf_of(h);

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
		rc = request_opts(j->h, &o, j->method, j->url, step_kind(j->next));
		if (rc != 0) {
			rf_secret_free(secret, secret_len);
			return rc;
		}
	}
	o.body = j->body;
	o.secret_body = secret;
	o.secret_len = secret_len;
	o.want_pin = j->want_pin;
	j->gen = j->rh->s.gen;
	j->sent_token = o.token != NULL;
	return rf_http_request(j->rh->s.http, &o, on_response, j);
}

/* GET link (relative to the service) then call next. */
static void job_get(struct rf_job *j, const char *link, rf_step next)
{
	int rc;

	if (redfish_resolve_link(j->rh->s.base, link, j->url, sizeof j->url) != 0) {
		job_fail(j, BMC_EPROTO, "the BMC links to %s, outside %s: not followed", link,
			 j->rh->s.base);
		return;
	}
	j->method = "GET";
	free(j->body);
	j->body = NULL;
	j->next = next;
	rc = job_request(j, NULL, 0);
	if (rc != 0)
		job_fail(j, rc, "cannot start a request to %s", j->url);
}

static void job_send(struct rf_job *j, const char *method, const char *link, char *body,
		     rf_step next)
{
	int rc;

	if (redfish_resolve_link(j->rh->s.base, link, j->url, sizeof j->url) != 0) {
		free(body);
		job_fail(j, BMC_EPROTO, "the BMC links to %s, outside %s: not followed", link,
			 j->rh->s.base);
		return;
	}
	j->method = method;
	free(j->body);
	j->body = body;
	j->next = next;
	rc = job_request(j, NULL, 0);
	if (rc != 0)
		job_fail(j, rc, "cannot start a request to %s", j->url);
}

/* Trust and the service root. */

static void after_root(struct rf_job *j);

static void on_root(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_host *rh = j->rh;
	struct bmc_host *h = j->h;

	if (j->want_pin) {
		char *err = NULL;

		j->want_pin = 0;
		if (rf_session_trust_learn(&rh->s, rsp->pin, &err) != 0) {
			job_fail(j, BMC_ETLS, "%s", err);
			free(err);
			return;
		}
	}
	if (rsp->status != 200 || body == NULL) {
		job_fail(j, BMC_EPROTO, "no Redfish service root at %s (HTTP %ld)", j->url,
			 rsp->status);
		return;
	}
	rf_parse_root(body, &rh->root);
	rh->have_root = 1;
	rh->basic = rh->root.sessions[0] == '\0' && rh->root.session_service[0] == '\0';
	if (h->vendor == NULL || rh->root.vendor != RF_VENDOR_OTHER)
		host_set_string(&h->vendor, rf_vendor_name(rh->root.vendor));
	h->protocol = SRC_REDFISH;
	if (j->probe_only) {
		job_finish(j, 0);
		return;
	}
	after_root(j);
}

static void start_trust(struct rf_job *j)
{
	struct rf_host *rh = j->rh;
	char *err = NULL;

	/* First use: learn the key (want_pin), send nothing secret. */
	if (rf_session_trust_begin(&rh->s, &j->want_pin, &err) != 0) {
		job_fail(j, BMC_ETLS, "%s", err);
		free(err);
		return;
	}
	/* The BMC asked us to wait (Retry-After): nothing is sent until then. */
	if (rh->busy_until != 0 && uv_now(j->h->engine->loop) < rh->busy_until) {
		job_fail(j, BMC_EBUSY, "%s", rh->busy_message);
		return;
	}
	job_get(j, "/redfish/v1/", on_root);
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
		job_send(j, j->retry_method, j->retry_link, again, step);
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

/* Said the same way each time, so that it is logged once. */
static void fail_no_sessions(struct rf_job *j)
{
	job_fail(j, BMC_ENOTSUP,
		 "the Redfish service has no sessions (HTTP %ld on its Sessions collection); "
		 "bmctop logs in with one only, so it does not try again until restarted",
		 j->rh->s.no_sessions);
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
		fail_no_sessions(j);
		return;
	case RF_LOGIN_FAILED:
		job_fail(j, BMC_EPROTO, "session login failed (HTTP %ld)", rsp->status);
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
	int rc;

	if (rh->s.no_sessions) {
		fail_no_sessions(j);
		return;
	}
	if (j->auth_seen != rh->s.auth_failures) {
		job_finish(j, BMC_EAUTH); /* refused meanwhile: the host says why */
		return;
	}
	pw = engine_host_password(j->h, &err);
	if (pw == NULL) {
		job_fail(j, BMC_ECONFIG, "%s", err);
		free(err);
		return;
	}
	if (rf_session_login_url(&rh->s, &rh->root, j->url, sizeof j->url) != 0) {
		job_fail(j, BMC_EPROTO, "the BMC's Sessions link %s leaves %s: not followed",
			 rh->root.sessions, rh->s.base);
		return;
	}
	j->method = "POST";
	free(j->body);
	j->body = NULL;
	j->next = on_login;
	body = rf_login_body(user_of(j), pw->data, pw->len, &len);
	rc = job_request(j, body, len);
	if (rc != 0)
		job_fail(j, rc, "cannot start a request to %s", j->url);
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
	if (rh->s.token[0] != '\0') {
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
		job_finish(j, BMC_ECANCELED);
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
	job_fail(j, BMC_EPROTO,
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
static void session_refused(struct rf_job *j)
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

/*
 * GET the first member of the collection in body, then next; when the
 * collection is missing or empty, call on_empty instead.
 */
static void get_first_member(struct rf_job *j, json_t *body, struct rf_response *rsp, rf_step next,
			     void (*on_empty)(struct rf_job *j))
{
	char first[RF_LINK_MAX];
	char **links = NULL;
	size_t n = 0;

	if (rsp->status != 200 || body == NULL || rf_parse_collection(body, &links, &n) != 0 ||
	    n == 0) {
		rf_free_links(links, n);
		on_empty(j);
		return;
	}
	snprintf(first, sizeof first, "%s", links[0]);
	rf_free_links(links, n);
	job_get(j, first, next);
}

static void no_system(struct rf_job *j)
{
	job_fail(j, BMC_EPROTO, "the service lists no system at %s", j->url);
}

/* The queue: sensor resources fetched RF_IN_FLIGHT at a time. */

static size_t queue_add(struct rf_job *j, enum item_kind kind, const char *link)
{
	struct rf_item *it;

	if (j->nitems >= MAX_ITEMS)
		return (size_t)-1;
	if (j->nitems % 16 == 0)
		j->items = xreallocarray(j->items, j->nitems + 16, sizeof *j->items);
	it = &j->items[j->nitems];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->link = xstrdup(link ? link : "");
	return j->nitems++;
}

static size_t queue_add_collection(struct rf_job *j, enum item_kind member_kind, const char *link,
				   unsigned page)
{
	size_t i = queue_add(j, ITEM_COLLECTION, link);

	if (i != (size_t)-1) {
		j->items[i].member_kind = member_kind;
		j->items[i].page = page;
	}
	return i;
}

static void queue_pump(struct rf_job *j);

static void item_read(struct rf_job *j, size_t i, json_t *body);

/* A collection's members: the expanded ones are read now, the others queued. */
static void read_collection(struct rf_job *j, size_t i, json_t *body)
{
	json_t *members = json_object_get(body, "Members"), *m;
	enum item_kind kind = j->items[i].member_kind;
	unsigned page = j->items[i].page;
	char next[RF_LINK_MAX];
	size_t k, at;

	if (!json_is_array(members))
		return;
	json_array_foreach(members, k, m)
	{
		const char *id = json_string_value(json_object_get(m, "@odata.id"));

		if (rf_member_expanded(m)) {
			at = queue_add(j, kind, id);
			if (at == (size_t)-1)
				break;
			j->items[at].done = 1;
			item_read(j, at, m);
		} else if (id != NULL && id[0] != '\0' && strlen(id) < RF_LINK_MAX) {
			if (queue_add(j, kind, id) == (size_t)-1)
				break;
		}
	}
	if (rf_parse_next_link(body, next, sizeof next) == 0 && page + 1 < MAX_PAGES)
		queue_add_collection(j, kind, next, page + 1);
}

/* Read one resource's body into its item, queueing what it links to. */
static void item_read(struct rf_job *j, size_t i, json_t *body)
{
	char link[RF_LINK_MAX];
	struct rf_item *it = &j->items[i];

	switch (it->kind) {
	case ITEM_SENSOR:
		rf_parse_sensor(body, &it->s, &it->n, &it->cap);
		break;
	case ITEM_FAN:
		rf_parse_fan(body, &it->s, &it->n, &it->cap);
		break;
	case ITEM_SUPPLY:
		rf_parse_power_supply(body, &it->s, &it->n, &it->cap, link, sizeof link);
		if (it->n > 0 && link[0] != '\0') {
			size_t at = queue_add(j, ITEM_SUPPLY_METRICS, link);

			if (at != (size_t)-1)
				j->items[at].parent = i;
		}
		break;
	case ITEM_SUPPLY_METRICS: {
		struct rf_item *supply = &j->items[it->parent];

		if (supply->n > 0)
			rf_parse_power_supply_metrics(body, &supply->s[0]);
		break;
	}
	case ITEM_THERMAL_METRICS:
		rf_parse_thermal_metrics(body, &it->s, &it->n, &it->cap);
		break;
	case ITEM_THERMAL_SUBSYSTEM:
		if (rf_parse_link(body, "ThermalMetrics", link, sizeof link) == 0)
			queue_add(j, ITEM_THERMAL_METRICS, link);
		if (rf_parse_link(body, "Fans", link, sizeof link) == 0)
			queue_add_collection(j, ITEM_FAN, link, 0);
		break;
	case ITEM_POWER_SUBSYSTEM:
		if (rf_parse_link(body, "PowerSupplies", link, sizeof link) == 0)
			queue_add_collection(j, ITEM_SUPPLY, link, 0);
		break;
	case ITEM_LEGACY_THERMAL:
		rf_parse_thermal(body, &it->s, &it->n, &it->cap);
		break;
	case ITEM_LEGACY_POWER:
		rf_parse_power(body, &it->s, &it->n, &it->cap);
		break;
	case ITEM_COLLECTION:
		read_collection(j, i, body);
		break;
	}
}

struct rf_queued {
	struct rf_job *j;
	size_t index;
	unsigned gen;	/* rh->s.gen when sent */
	int sent_token; /* the request carried the session's token */
	char url[RF_LINK_MAX];
};

static enum rf_body_kind item_body_kind(const struct rf_item *it)
{
	return it->kind == ITEM_COLLECTION ? RF_BODY_COLLECTION : RF_BODY_RESOURCE;
}

/* A member that does not parse is skipped (the others still count); one over
 * the caps fails the poll, with the limit named. */
static void queued_body(struct rf_job *j, struct rf_queued *q, struct rf_response *rsp)
{
	enum rf_body_kind kind = item_body_kind(&j->items[q->index]);
	char *err = NULL;
	json_t *body;

	if (redfish_json_precheck(rsp->body, rsp->len, rf_body_limit(kind), &err) != 0) {
		j->queue_error = BMC_EPROTO;
		snprintf(j->queue_message, sizeof j->queue_message, "GET %s: %s", q->url, err);
		free(err);
		return;
	}
	body = redfish_json_load_kind(rsp->body, rsp->len, kind, NULL);
	if (body != NULL) {
		item_read(j, q->index, body);
		json_decref(body);
	}
}

static void on_queued_response(struct rf_response *rsp, void *arg)
{
	struct rf_queued *q = arg;
	struct rf_job *j = q->j;

	j->in_flight--;
	if (rsp->error == BMC_ECANCELED) {
		j->canceled = 1;
	} else if (j->canceled || j->queue_error) {
		/* the queue is being wound down: nothing more is read */
	} else if (rsp->too_big) {
		j->queue_error = BMC_EPROTO;
		too_big_message(j->queue_message, sizeof j->queue_message, "GET", q->url,
				rf_body_limit(item_body_kind(&j->items[q->index])));
	} else if (rsp->error != 0) {
		j->queue_error = rsp->error;
		snprintf(j->queue_message, sizeof j->queue_message, "GET %s: %s", q->url,
			 rsp->message);
	} else if (rsp->status == 401 && q->sent_token) {
		j->queue_401 = 1;
		j->gen = q->gen;
	} else {
		if (q->sent_token)
			rf_session_accepted(&j->rh->s, q->gen);
		if (rsp->status == 200 && rsp->len > 0)
			queued_body(j, q, rsp);
	}
	free(q);
	queue_pump(j);
}

/* The links of a collection, with $expand when the service offers it. */
static int queued_url(struct rf_job *j, const struct rf_item *it, char *out, size_t outlen)
{
	size_t len;

	if (redfish_resolve_link(j->rh->s.base, it->link, out, outlen) != 0)
		return -1;
	if (it->kind != ITEM_COLLECTION || j->rh->root.expand[0] == '\0' || it->page > 0 ||
	    strchr(out, '?') != NULL)
		return 0;
	len = strlen(out);
	if ((size_t)snprintf(out + len, outlen - len, "?$expand=%s", j->rh->root.expand) >=
	    outlen - len)
		return -1;
	return 0;
}

static void queue_pump(struct rf_job *j)
{
	while (!j->canceled && !j->queue_error && j->in_flight < RF_IN_FLIGHT &&
	       j->next_item < j->nitems) {
		size_t i = j->next_item++;
		struct rf_request_opts o;
		struct rf_queued *q;

		if (j->items[i].done || j->gets >= MAX_SENSOR_GETS)
			continue;
		j->items[i].done = 1;
		q = xcalloc(1, sizeof *q);
		q->j = j;
		q->index = i;
		if (queued_url(j, &j->items[i], q->url, sizeof q->url) != 0) {
			log_info("%s: the BMC links to %s, outside %s: not followed",
				 j->h->cfg->name, j->items[i].link, j->rh->s.base);
			free(q);
			continue;
		}
		if (request_opts(j->h, &o, "GET", q->url, item_body_kind(&j->items[i])) != 0) {
			free(q);
			continue;
		}
		q->gen = j->rh->s.gen;
		q->sent_token = o.token != NULL;
		if (rf_http_request(j->rh->s.http, &o, on_queued_response, q) != 0) {
			free(q);
			continue;
		}
		j->gets++;
		j->in_flight++;
	}
	if (j->in_flight > 0)
		return;
	if (j->canceled) {
		job_finish(j, BMC_ECANCELED);
		return;
	}
	if (j->queue_error) {
		job_fail(j, j->queue_error, "%s", j->queue_message);
		return;
	}
	if (j->next_item >= j->nitems || j->gets >= MAX_SENSOR_GETS) {
		if (j->queue_401) {
			/* The session ended mid-queue: a new one, then go on. */
			j->queue_401 = 0;
			j->resume = j->queue_done;
			j->retry_step = NULL;
			session_refused(j);
			return;
		}
		j->queue_done(j);
	}
}

/* Start the queue over with the items already added; done runs when it drains. */
static void queue_run(struct rf_job *j, void (*done)(struct rf_job *j))
{
	j->queue_done = done;
	queue_pump(j);
}

/* Sensors in item order, moved out of the queue. */
static void queue_take_sensors(struct rf_job *j, struct bmc_sensor **out, size_t *nout)
{
	size_t i, n = 0, k = 0;

	for (i = 0; i < j->nitems; i++)
		n += j->items[i].n;
	*out = n ? xcalloc(n, sizeof **out) : NULL;
	for (i = 0; i < j->nitems; i++) {
		if (j->items[i].n > 0)
			memcpy(*out + k, j->items[i].s, j->items[i].n * sizeof **out);
		k += j->items[i].n;
	}
	*nout = n;
}

/* Systems, chassis, sensors, manager, events. */

static void poll_chassis(struct rf_job *j);
static void poll_manager(struct rf_job *j);
static void poll_events(struct rf_job *j);

static void poll_finished(struct rf_job *j)
{
	host_clear_error(j->h);
	job_finish(j, 0);
}

static void on_system(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct bmc_host *h = j->h;
	struct rf_system *s = &j->rh->sys;

	if (rsp->status != 200 || body == NULL) {
		job_fail(j, BMC_EPROTO, "GET %s: HTTP %ld", j->url, rsp->status);
		return;
	}
	memset(s, 0, sizeof *s);
	rf_parse_system(body, s);
	snprintf(j->rh->system_url, sizeof j->rh->system_url, "%s", j->url);
	h->power = s->power;
	h->health = s->health;
	if (s->model[0])
		host_set_string(&h->model, s->model);
	if (s->serial[0])
		host_set_string(&h->serial, s->serial);
	/* Disabled means no override, whatever target is still stored. */
	if (s->boot_enabled[0] == '\0' || strcasecmp(s->boot_enabled, "Disabled") == 0)
		h->boot_device = BOOT_NONE;
	else
		h->boot_device = rf_boot_device(s->boot_target);
	h->boot_persistent = strcasecmp(s->boot_enabled, "Continuous") == 0;
	if (j->rh->manager_read)
		h->console_caps =
		    CONSOLE_CAP_KNOWN | rf_console_caps(&s->console) | j->rh->manager_caps;
	host_changed(h, CHANGED_READINGS);
	if (j->what & POLL_SENSORS)
		poll_chassis(j);
	else
		poll_manager(j);
}

static void on_systems(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	get_first_member(j, body, rsp, j->with_system, no_system);
}

/* GET the first member of the service's Systems collection, then `then`
 * (poll, reset and boot all start there). */
static void get_system(struct rf_job *j, rf_step then)
{
	if (j->rh->root.systems[0] == '\0') {
		job_fail(j, BMC_EPROTO, "the service root has no Systems link");
		return;
	}
	j->with_system = then;
	job_get(j, j->rh->root.systems, on_systems);
}

static void poll_system(struct rf_job *j)
{
	get_system(j, on_system);
}

static void on_chassis(struct rf_job *j, json_t *body, struct rf_response *rsp);

static void sensors_finish(struct rf_job *j, struct bmc_sensor *s, size_t n)
{
	struct bmc_host *h = j->h;
	size_t i;

	host_set_sensors(h, s, n);
	for (i = 0; i < h->nsensors; i++)
		if (h->sensors[i].status > h->health)
			h->health = h->sensors[i].status;
	host_changed(h, CHANGED_READINGS);
	queue_clear(j);
	poll_manager(j);
}

/* Many services list small chassis (risers, FRUs) before the one with the
 * sensors: try them in order, a few at most. */
static void try_next_chassis(struct rf_job *j)
{
	char link[RF_LINK_MAX];

	if (j->chassis_index >= j->nchassis || j->chassis_index >= MAX_CHASSIS_TRIED) {
		sensors_finish(j, NULL, 0);
		return;
	}
	snprintf(link, sizeof link, "%s", j->chassis_links[j->chassis_index++]);
	queue_clear(j);
	job_get(j, link, on_chassis);
}

static void chassis_stage(struct rf_job *j);

/* One way of reading this chassis is done: keep what it found, else the next. */
static void stage_done(struct rf_job *j)
{
	struct bmc_sensor *s;
	size_t n;

	queue_take_sensors(j, &s, &n);
	if (n > 0) {
		sensors_finish(j, s, n);
		return;
	}
	free(s);
	queue_clear(j);
	j->stage++;
	chassis_stage(j);
}

/* Sensors collection, else Thermal/PowerSubsystem, else legacy Thermal and Power. */
static void chassis_stage(struct rf_job *j)
{
	const struct rf_chassis *c = &j->chassis;

	for (; j->stage <= 2; j->stage++) {
		if (j->stage == 0 && c->sensors[0] != '\0') {
			queue_add_collection(j, ITEM_SENSOR, c->sensors, 0);
		} else if (j->stage == 1 &&
			   (c->thermal_subsystem[0] != '\0' || c->power_subsystem[0] != '\0')) {
			if (c->thermal_subsystem[0] != '\0')
				queue_add(j, ITEM_THERMAL_SUBSYSTEM, c->thermal_subsystem);
			if (c->power_subsystem[0] != '\0')
				queue_add(j, ITEM_POWER_SUBSYSTEM, c->power_subsystem);
		} else if (j->stage == 2 && (c->thermal[0] != '\0' || c->power[0] != '\0')) {
			if (c->thermal[0] != '\0')
				queue_add(j, ITEM_LEGACY_THERMAL, c->thermal);
			if (c->power[0] != '\0')
				queue_add(j, ITEM_LEGACY_POWER, c->power);
		} else {
			continue;
		}
		queue_run(j, stage_done);
		return;
	}
	try_next_chassis(j);
}

static void on_chassis(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	if (rsp->status != 200 || body == NULL) {
		try_next_chassis(j);
		return;
	}
	memset(&j->chassis, 0, sizeof j->chassis);
	rf_parse_chassis(body, &j->chassis);
	j->stage = 0;
	chassis_stage(j);
}

static void on_chassis_list(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	if (rsp->status != 200 || body == NULL ||
	    rf_parse_collection(body, &j->chassis_links, &j->nchassis) != 0) {
		sensors_finish(j, NULL, 0);
		return;
	}
	j->chassis_index = 0;
	try_next_chassis(j);
}

static void poll_chassis(struct rf_job *j)
{
	if (j->rh->root.chassis[0] == '\0') {
		sensors_finish(j, NULL, 0);
		return;
	}
	job_get(j, j->rh->root.chassis, on_chassis_list);
}

static void on_manager(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_host *rh = j->rh;
	struct bmc_host *h = j->h;
	struct rf_manager m;

	if (rsp->status == 200 && body != NULL) {
		memset(&m, 0, sizeof m);
		rf_parse_manager(body, &m);
		if (m.firmware[0])
			host_set_string(&h->firmware, m.firmware);
		if (rh->root.vendor == RF_VENDOR_OTHER &&
		    rf_manager_vendor(body) != RF_VENDOR_OTHER)
			host_set_string(&h->vendor, rf_vendor_name(rf_manager_vendor(body)));
		snprintf(rh->manager_logs, sizeof rh->manager_logs, "%s", m.log_services);
		rh->manager_caps = rf_console_caps(&m.console);
	}
	/* Asked, whatever the answer: caps from the system alone if need be. */
	rh->manager_read = 1;
	h->console_caps = CONSOLE_CAP_KNOWN | rf_console_caps(&rh->sys.console) | rh->manager_caps;
	host_changed(h, CHANGED_INVENTORY);
	poll_events(j);
}

static void no_manager(struct rf_job *j)
{
	j->rh->manager_read = 1;
	j->h->console_caps = CONSOLE_CAP_KNOWN | rf_console_caps(&j->rh->sys.console);
	poll_events(j);
}

static void on_managers(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	get_first_member(j, body, rsp, on_manager, no_manager);
}

/* The manager once for its consoles and logs, then on inventory polls. */
static void poll_manager(struct rf_job *j)
{
	if (j->rh->root.managers[0] == '\0') {
		no_manager(j);
		return;
	}
	if (j->rh->manager_read && !(j->what & POLL_INVENTORY)) {
		poll_events(j);
		return;
	}
	job_get(j, j->rh->root.managers, on_managers);
}

/* Events: the system's log services, else the manager's. */

static void on_log_entries(struct rf_job *j, json_t *body, struct rf_response *rsp);

static void events_finish(struct rf_job *j)
{
	struct bmc_event *ev = NULL;
	size_t n = 0;
	json_t *all;

	if (j->log_members != NULL) {
		all = json_pack("{s:O}", "Members", j->log_members);
		rf_parse_log_entries(all, &ev, &n);
		json_decref(all);
	}
	host_set_events(j->h, ev, n);
	host_changed(j->h, CHANGED_EVENTS);
	poll_finished(j);
}

static void on_log_entries(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	json_t *members = body ? json_object_get(body, "Members") : NULL;
	char next[RF_LINK_MAX];

	if (rsp->status != 200 || !json_is_array(members)) {
		events_finish(j);
		return;
	}
	if (j->log_members == NULL)
		j->log_members = json_array();
	/* Bounded: the newest few thousand are all anyone reads. */
	if (json_array_size(j->log_members) + json_array_size(members) <= 4 * 4096)
		json_array_extend(j->log_members, members);
	if (rf_parse_next_link(body, next, sizeof next) == 0 && ++j->log_pages < MAX_PAGES) {
		job_get(j, next, on_log_entries);
		return;
	}
	events_finish(j);
}

static void try_manager_logs(struct rf_job *j);

static void on_log_service(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	char entries[RF_LINK_MAX];

	if (rsp->status != 200 || body == NULL ||
	    rf_parse_log_service(body, entries, sizeof entries) != 0) {
		/* DSP0266 fixes <service>/Entries when the service does not say. */
		snprintf(entries, sizeof entries, "%s/Entries", strstr(j->url, "/redfish/"));
	}
	j->log_pages = 0;
	job_get(j, entries, on_log_entries);
}

static void on_log_services(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	json_t *members = body ? json_object_get(body, "Members") : NULL;
	char entries[RF_LINK_MAX];
	size_t len;

	if (rsp->status != 200 || body == NULL ||
	    rf_pick_log_entries(body, entries, sizeof entries) != 0) {
		try_manager_logs(j);
		return;
	}
	j->log_pages = 0;
	if (rf_member_expanded(json_array_get(members, 0))) {
		job_get(j, entries, on_log_entries);
		return;
	}
	/* Bare links: read the chosen service for where its entries are. */
	len = strlen(entries);
	if (len > 8 && strcmp(entries + len - 8, "/Entries") == 0)
		entries[len - 8] = '\0';
	job_get(j, entries, on_log_service);
}

static void try_manager_logs(struct rf_job *j)
{
	if (j->log_on_manager || j->rh->manager_logs[0] == '\0') {
		events_finish(j);
		return;
	}
	j->log_on_manager = 1;
	job_get(j, j->rh->manager_logs, on_log_services);
}

static void poll_events(struct rf_job *j)
{
	if (!(j->what & POLL_EVENTS)) {
		poll_finished(j);
		return;
	}
	if (j->rh->sys.log_services[0] == '\0') {
		try_manager_logs(j);
		return;
	}
	job_get(j, j->rh->sys.log_services, on_log_services);
}

static struct rf_job *job_new(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg)
{
	struct rf_job *j = xcalloc(1, sizeof *j);

	j->h = h;
	j->rh = rf_of(h);
	j->auth_seen = j->rh->s.auth_failures;
	j->what = what;
	j->cb = cb;
	j->arg = arg;
	return j;
}

static int rf_poll(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg)
{
	struct rf_job *j = job_new(h, what, cb, arg);

	j->then = poll_system;
	start_trust(j);
	return 0;
}

/* Whether a Redfish service answers here: the service root, no credentials. */
static int rf_probe(struct bmc_host *h, bmc_op_cb cb, void *arg)
{
	struct rf_job *j = job_new(h, 0, cb, arg);

	j->probe_only = 1;
	start_trust(j);
	return 0;
}

/* Power. */

static const char *const *reset_preferences(enum bmc_power_action a)
{
	static const char *const on[] = {"On", "ForceOn", NULL};
	static const char *const off[] = {"ForceOff", NULL};
	static const char *const cycle[] = {"PowerCycle", NULL};
	static const char *const reset[] = {"ForceRestart", "GracefulRestart", NULL};
	static const char *const soft[] = {"GracefulShutdown", NULL};

	switch (a) {
	case POWER_ON:
		return on;
	case POWER_OFF:
		return off;
	case POWER_CYCLE:
		return cycle;
	case POWER_RESET:
		return reset;
	case POWER_SOFT:
	case POWER_STATUS:
		break;
	}
	return soft;
}

static void on_reset(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	char what[32];

	snprintf(what, sizeof what, "power %s", bmc_power_action_name(j->action));
	if (rsp->status < 200 || rsp->status >= 300) {
		char msg[256] = "";

		rf_parse_error_message(body, msg, sizeof msg);
		job_fail(j, BMC_ECOMPLETION, "%s refused by the BMC (HTTP %ld)%s%s", what,
			 rsp->status, msg[0] ? ": " : "", msg);
		return;
	}
	host_action_done(j->h, what, 0, "done");
	job_finish(j, 0);
}

static void after_system_for_reset(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_system *s = &j->rh->sys;
	const char *const *pref = reset_preferences(j->action);
	const char *chosen = NULL;
	char allowed[256] = "";
	json_t *req;
	size_t i, k;

	if (rsp->status != 200 || body == NULL) {
		job_fail(j, BMC_EPROTO, "GET %s: HTTP %ld", j->url, rsp->status);
		return;
	}
	if (j->url[0] != '\0' && strstr(j->url, "ActionInfo") != NULL) {
		/* The ActionInfo named by the system: its allowable reset types. */
		rf_parse_action_info(body, s->reset_types, RF_MAX_RESET_TYPES, &s->nreset_types);
	} else {
		memset(s, 0, sizeof *s);
		rf_parse_system(body, s);
		if (s->nreset_types == 0 && s->reset_action_info[0] != '\0') {
			char info[RF_LINK_MAX];

			snprintf(info, sizeof info, "%s", s->reset_action_info);
			job_get(j, info, after_system_for_reset);
			return;
		}
	}
	for (k = 0; pref[k] != NULL && chosen == NULL; k++) {
		if (s->nreset_types == 0)
			chosen = pref[k];
		for (i = 0; i < s->nreset_types; i++)
			if (strcmp(s->reset_types[i], pref[k]) == 0)
				chosen = pref[k];
	}
	if (chosen == NULL) {
		for (i = 0; i < s->nreset_types; i++)
			snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed),
				 "%s%s", i ? ", " : "", s->reset_types[i]);
		job_fail(j, BMC_ENOTSUP, "power %s is not offered by this BMC; it allows: %s",
			 bmc_power_action_name(j->action), allowed);
		return;
	}
	if (s->reset_target[0] == '\0') {
		job_fail(j, BMC_ENOTSUP, "the system offers no Reset action");
		return;
	}
	req = json_pack("{s:s}", "ResetType", chosen);
	job_send(j, "POST", s->reset_target, json_dumps(req, JSON_COMPACT), on_reset);
	json_decref(req);
}

static void start_reset(struct rf_job *j)
{
	get_system(j, after_system_for_reset);
}

static int rf_power(struct bmc_host *h, enum bmc_power_action a, bmc_op_cb cb, void *arg)
{
	struct rf_job *j;

	if (a == POWER_STATUS)
		return rf_poll(h, POLL_POWER, cb, arg);
	j = job_new(h, POLL_POWER, cb, arg);
	j->action = a;
	j->then = start_reset;
	start_trust(j);
	return 0;
}

/* Boot override: PATCH the system's Boot, then read it back. */

static void on_boot_readback(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct bmc_host *h = j->h;
	struct rf_system *s = &j->rh->sys;
	char what[96];

	if (rsp->status != 200 || body == NULL) {
		job_fail(j, BMC_EPROTO, "GET %s: HTTP %ld", j->url, rsp->status);
		return;
	}
	memset(s, 0, sizeof *s);
	rf_parse_system(body, s);
	h->boot_device = rf_boot_device(s->boot_target);
	h->boot_persistent = strcasecmp(s->boot_enabled, "Continuous") == 0;
	if (h->boot_device != j->device || strcasecmp(s->boot_enabled, "Disabled") == 0) {
		job_fail(j, BMC_EPROTO, "the BMC accepted next boot %s but reads back %s (%s)",
			 bmc_boot_device_name(j->device),
			 s->boot_target[0] ? s->boot_target : "none",
			 s->boot_enabled[0] ? s->boot_enabled : "not enabled");
		return;
	}
	snprintf(what, sizeof what, "next boot %s%s", bmc_boot_device_name(j->device),
		 h->boot_persistent ? " (persistent)" : "");
	host_action_done(h, what, 0, "done");
	host_changed(h, CHANGED_READINGS);
	job_finish(j, 0);
}

static void on_boot_patched(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	char msg[256] = "", link[RF_LINK_MAX];

	if (rsp->status < 200 || rsp->status >= 300) {
		rf_parse_error_message(body, msg, sizeof msg);
		job_fail(j, BMC_ECOMPLETION, "next boot %s refused by the BMC (HTTP %ld)%s%s",
			 bmc_boot_device_name(j->device), rsp->status, msg[0] ? ": " : "", msg);
		return;
	}
	snprintf(link, sizeof link, "%s", strstr(j->rh->system_url, "/redfish/"));
	job_get(j, link, on_boot_readback);
}

static void after_system_for_boot(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_system *s = &j->rh->sys;
	const char *target = rf_boot_target(j->device);
	char allowed[512] = "", link[RF_LINK_MAX];
	json_t *req;
	size_t i;
	int ok;

	if (rsp->status != 200 || body == NULL) {
		job_fail(j, BMC_EPROTO, "GET %s: HTTP %ld", j->url, rsp->status);
		return;
	}
	memset(s, 0, sizeof *s);
	rf_parse_system(body, s);
	snprintf(j->rh->system_url, sizeof j->rh->system_url, "%s", j->url);
	ok = s->nboot_targets == 0; /* no list: the service will say */
	for (i = 0; i < s->nboot_targets; i++) {
		if (strcmp(s->boot_targets[i], target) == 0)
			ok = 1;
		snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
			 i ? ", " : "", s->boot_targets[i]);
	}
	if (!ok) {
		job_fail(j, BMC_ENOTSUP,
			 "next boot %s (%s) is not offered by this BMC; it allows: %s",
			 bmc_boot_device_name(j->device), target, allowed);
		return;
	}
	req = json_pack("{s:{s:s, s:s}}", "Boot", "BootSourceOverrideTarget", target,
			"BootSourceOverrideEnabled", j->persistent ? "Continuous" : "Once");
	snprintf(link, sizeof link, "%s", strstr(j->url, "/redfish/"));
	job_send(j, "PATCH", link, json_dumps(req, JSON_COMPACT), on_boot_patched);
	json_decref(req);
}

static void start_boot(struct rf_job *j)
{
	get_system(j, after_system_for_boot);
}

static int rf_boot(struct bmc_host *h, enum bmc_boot_device dev, int persistent, bmc_op_cb cb,
		   void *arg)
{
	struct rf_job *j;

	if (dev == BOOT_NONE)
		return BMC_ENOTSUP;
	j = job_new(h, 0, cb, arg);
	j->device = dev;
	j->persistent = persistent;
	j->then = start_boot;
	start_trust(j);
	return 0;
}

/* "bmctop trust HOST": record whatever key the BMC shows now. */

static void on_trust_root(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	char msg[160];

	if (rsp->pin[0] == '\0') {
		job_fail(j, BMC_ETLS, "cannot read the TLS key of %s", j->rh->s.base);
		return;
	}
	if (trust_store(j->h->cfg->name, j->rh->s.base, rsp->pin) != 0) {
		job_fail(j, BMC_EIO, "cannot write known_hosts");
		return;
	}
	snprintf(j->rh->s.pin, sizeof j->rh->s.pin, "%s", rsp->pin);
	j->rh->s.trusted = 1;
	snprintf(msg, sizeof msg, "now trusting %s", rsp->pin);
	host_action_done(j->h, "trust", 0, msg);
	job_finish(j, 0);
}

static int rf_trust(struct bmc_host *h, bmc_op_cb cb, void *arg)
{
	struct rf_job *j = job_new(h, 0, cb, arg);

	j->rh->s.trusted = 0; /* no pin on this request: we want to see the new key */
	j->want_pin = 1;
	job_get(j, "/redfish/v1/", on_trust_root);
	return 0;
}

/* Lifecycle. */

static int rf_attach(struct bmc_host *h, char **err)
{
	struct rf_host *rh = xcalloc(1, sizeof *rh);

	if (rf_session_init(&rh->s, h->cfg, err) != 0) {
		free(rh);
		return -1;
	}
	if (h->cfg->tls == TLS_INSECURE)
		log_warn("%s: tls = insecure: the BMC's identity is not checked", h->cfg->name);
	rh->s.http = rf_http_get(h->engine->loop);
	h->backend_data = rh;
	return 0;
}

static void on_http_released(void *arg)
{
	struct bmc_host *h = arg;

	rf_of(h)->closed(h);
}

static void on_session_deleted(struct rf_response *rsp, void *arg)
{
	struct bmc_host *h = arg;

	rf_http_release(rf_of(h)->s.http, on_http_released, h);
}

static void rf_close(struct bmc_host *h, void (*done)(struct bmc_host *h))
{
	struct rf_host *rh = rf_of(h);

	rh->closed = done;
	if (rf_session_delete(&rh->s, 1000, on_session_deleted, h) != 0)
		rf_http_release(rh->s.http, on_http_released, h);
}

static void rf_detach(struct bmc_host *h)
{
	struct rf_host *rh = rf_of(h);

	if (rh == NULL)
		return;
	rf_session_free(&rh->s);
	free(rh);
	h->backend_data = NULL;
}

const struct bmc_backend redfish_backend = {
    .name = "redfish",
    .attach = rf_attach,
    .probe = rf_probe,
    .poll = rf_poll,
    .power = rf_power,
    .boot = rf_boot,
    .trust = rf_trust,
    .close = rf_close,
    .detach = rf_detach,
};
