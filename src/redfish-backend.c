/*
 * redfish-backend.c - the Redfish operations table: poll, power, close.
 *
 * A poll is a chain of GETs: the service root (which also settles TLS
 * trust before any credential leaves), a session login when there is no
 * token yet, the first system, the first chassis with its sensors (legacy
 * Thermal and Power, else the Sensors collection), and the first manager.
 * Every link comes from the service and is resolved against its origin
 * first (redfish_resolve_link): a link elsewhere is not followed.  A 401
 * mid-poll means the token expired: log in once more and repeat the GET.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "log.h"
#include "redfish-http.h"
#include "redfish-parse.h"
#include "redfish-trust.h"
#include "xalloc.h"

#define MAX_SENSOR_GETS 256

struct rf_host {
	struct rf_http *http;
	char *base; /* https://host:port */
	char pin[72];
	int trusted;
	char token[256];
	char session[RF_LINK_MAX]; /* our session's URL, to DELETE */
	struct rf_root root;
	int have_root;
	struct rf_system sys;
	char system_url[RF_LINK_MAX];
	int busy_requests;
	void (*closed)(struct bmc_host *h);
};

struct rf_job;
typedef void (*rf_step)(struct rf_job *j, json_t *body, struct rf_response *rsp);

struct rf_job {
	struct bmc_host *h;
	struct rf_host *rh;
	unsigned what;
	bmc_op_cb cb;
	void *arg;
	rf_step next;
	char url[RF_LINK_MAX];
	const char *method;
	char *body;
	int relogged;
	int want_pin;
	enum bmc_power_action action;
	void (*then)(struct rf_job *j); /* what the job does once logged in */
	/* A request interrupted by an expired token, repeated after login. */
	rf_step retry_step;
	char retry_link[RF_LINK_MAX];
	const char *retry_method;
	char *retry_body;
	/* sensors */
	struct bmc_sensor *sensors;
	size_t nsensors, cap;
	char **links;
	size_t nlinks, link_index;
	struct rf_chassis chassis;
	int tried_legacy;
	char **chassis_links; /* tried in order until one has sensors */
	size_t nchassis, chassis_index;
};

static struct rf_host *rf_of(struct bmc_host *h)
{
	return h->backend_data;
}

static void job_finish(struct rf_job *j, int status)
{
	struct bmc_host *h = j->h;
	bmc_op_cb cb = j->cb;
	void *arg = j->arg;

	free(j->sensors);
	rf_free_links(j->links, j->nlinks);
	rf_free_links(j->chassis_links, j->nchassis);
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

static int job_request(struct rf_job *j);
static void do_login(struct rf_job *j);
static void job_get(struct rf_job *j, const char *link, rf_step next);
static void on_root(struct rf_job *j, json_t *body, struct rf_response *rsp);

static void on_response(struct rf_response *rsp, void *arg)
{
	struct rf_job *j = arg;
	json_t *body = NULL;
	char *err = NULL;

	if (rsp->error == BMC_ECANCELED) {
		job_finish(j, BMC_ECANCELED);
		return;
	}
	if (rsp->error == BMC_ETLS && j->h->cfg->tls == TLS_TOFU && j->rh->trusted &&
	    !j->want_pin) {
		/* The key no longer matches: learn the new one, without credentials,
		 * so the error can show both. */
		j->rh->trusted = 0;
		j->want_pin = 1;
		job_get(j, "/redfish/v1/", on_root);
		return;
	}
	if (rsp->error != 0) {
		job_fail(j, rsp->error, "%s %s: %s", j->method, j->url, rsp->message);
		return;
	}
	if (rsp->status == 401 && j->rh->token[0] != '\0' && !j->relogged) {
		/* The token expired (or the BMC restarted): log in once more. */
		const char *path = strstr(j->url, "/redfish/");

		j->relogged = 1;
		j->rh->token[0] = '\0';
		j->retry_step = j->next;
		j->retry_method = j->method;
		free(j->retry_body);
		j->retry_body = j->body ? xstrdup(j->body) : NULL;
		snprintf(j->retry_link, sizeof j->retry_link, "%s", path ? path : "/redfish/v1/");
		log_info("%s: Redfish session expired; logging in again", j->h->cfg->name);
		do_login(j);
		return;
	}
	if (rsp->status >= 300 && rsp->status != 401 && rsp->status != 503 &&
	    !(rsp->status >= 400 && rsp->status < 500)) {
		job_fail(j, BMC_EPROTO, "%s %s: HTTP %ld (redirects are not followed)", j->method,
			 j->url, rsp->status);
		return;
	}
	if (rsp->len > 0 && rsp->status < 300) {
		body = redfish_json_load(rsp->body, rsp->len, &err);
		if (body == NULL) {
			job_fail(j, BMC_EPROTO, "%s: %s", j->url, err);
			free(err);
			return;
		}
	}
	j->next(j, body, rsp);
	if (body != NULL)
		json_decref(body);
}

static int job_request(struct rf_job *j)
{
	const struct host_config *hc = j->h->cfg;
	struct rf_request_opts o;

	memset(&o, 0, sizeof o);
	o.method = j->method;
	o.url = j->url;
	o.body = j->body;
	o.token = j->rh->token[0] ? j->rh->token : NULL;
	o.timeout_ms = (long)hc->timeout_ms;
	o.verify = hc->tls == TLS_VERIFY;
	o.ca_file = hc->ca_file;
	o.pin = hc->tls == TLS_PIN ? hc->tls_pin : (j->rh->trusted ? j->rh->pin : NULL);
	o.want_pin = j->want_pin;
	o.max_body = RF_BODY_MAX;
	return rf_http_request(j->rh->http, &o, on_response, j);
}

/* GET link (relative to the service) then call next. */
static void job_get(struct rf_job *j, const char *link, rf_step next)
{
	int rc;

	if (redfish_resolve_link(j->rh->base, link, j->url, sizeof j->url) != 0) {
		job_fail(j, BMC_EPROTO, "the BMC links to %s, outside %s: not followed", link,
			 j->rh->base);
		return;
	}
	j->method = "GET";
	free(j->body);
	j->body = NULL;
	j->next = next;
	rc = job_request(j);
	if (rc != 0)
		job_fail(j, rc, "cannot start a request to %s", j->url);
}

static void job_send(struct rf_job *j, const char *method, const char *link, char *body,
		     rf_step next)
{
	int rc;

	if (redfish_resolve_link(j->rh->base, link, j->url, sizeof j->url) != 0) {
		free(body);
		job_fail(j, BMC_EPROTO, "the BMC links to %s, outside %s: not followed", link,
			 j->rh->base);
		return;
	}
	j->method = method;
	free(j->body);
	j->body = body;
	j->next = next;
	rc = job_request(j);
	if (rc != 0)
		job_fail(j, rc, "cannot start a request to %s", j->url);
}

/* Trust and the service root. */

static void poll_system(struct rf_job *j);
static void after_root(struct rf_job *j);

static void on_root(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_host *rh = j->rh;
	struct bmc_host *h = j->h;

	if (j->want_pin) {
		j->want_pin = 0;
		if (rsp->pin[0] == '\0' && h->cfg->tls == TLS_TOFU) {
			job_fail(j, BMC_ETLS, "cannot read the TLS key of %s", rh->base);
			return;
		}
		if (h->cfg->tls == TLS_TOFU) {
			char known[72];

			if (trust_lookup(h->cfg->name, rh->base, known, sizeof known) == 0 &&
			    strcmp(known, rsp->pin) != 0) {
				job_fail(j, BMC_ETLS,
					 "the TLS key of %s changed: known %s, now %s; no credential was sent. If the change is expected, run: bmctop trust %s",
					 rh->base, known, rsp->pin, h->cfg->name);
				return;
			}
			if (trust_store(h->cfg->name, rh->base, rsp->pin) != 0)
				log_warn("%s: cannot record the TLS key in known_hosts", h->cfg->name);
			snprintf(rh->pin, sizeof rh->pin, "%s", rsp->pin);
			rh->trusted = 1;
			log_info("%s: trusting TLS key %s on first use", h->cfg->name, rsp->pin);
		}
	}
	if (rsp->status != 200 || body == NULL) {
		job_fail(j, BMC_EPROTO, "no Redfish service root at %s (HTTP %ld)", j->url,
			 rsp->status);
		return;
	}
	rf_parse_root(body, &rh->root);
	rh->have_root = 1;
	host_set_string(&h->vendor, rf_vendor_name(rh->root.vendor));
	h->protocol = SRC_REDFISH;
	after_root(j);
}

static void start_trust(struct rf_job *j)
{
	struct rf_host *rh = j->rh;
	const struct host_config *hc = j->h->cfg;

	if (hc->tls == TLS_TOFU && !rh->trusted) {
		if (trust_lookup(hc->name, rh->base, rh->pin, sizeof rh->pin) == 0)
			rh->trusted = 1;
		else
			j->want_pin = 1; /* first use: learn the key, send nothing secret */
	}
	job_get(j, "/redfish/v1/", on_root);
}


/* Login. */

static void on_login(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_host *rh = j->rh;
	const char *user = j->h->cfg->user ? j->h->cfg->user : "";

	if (rsp->status == 401 || rsp->status == 403) {
		job_fail(j, BMC_EAUTH,
			 "wrong password for user \"%s\" (the Redfish service refused the login); not retrying until you ask",
			 user);
		return;
	}
	if (rsp->status == 503) {
		job_fail(j, BMC_EBUSY,
			 "the BMC has no free session (maximum sessions reached); backing off without opening more");
		return;
	}
	if (rsp->status < 200 || rsp->status >= 300 || rsp->token[0] == '\0') {
		job_fail(j, BMC_EPROTO, "session login failed (HTTP %ld)", rsp->status);
		return;
	}
	snprintf(rh->token, sizeof rh->token, "%s", rsp->token);
	snprintf(rh->session, sizeof rh->session, "%s", rsp->location);
	j->h->counters[CNT_SESSIONS]++;
	/* Repeat what was interrupted, or go on. */
	if (j->retry_step != NULL) {
		rf_step step = j->retry_step;
		char *again = j->retry_body;

		j->retry_step = NULL;
		j->retry_body = NULL;
		job_send(j, j->retry_method, j->retry_link, again, step);
		return;
	}
	j->then(j);
}

static void do_login(struct rf_job *j)
{
	const struct secret *pw;
	json_t *req;
	char *err = NULL, *body;

	if (j->rh->root.sessions[0] == '\0') {
		job_fail(j, BMC_ENOTSUP, "the service offers no sessions; Basic auth is not supported yet");
		return;
	}
	pw = engine_host_password(j->h, &err);
	if (pw == NULL) {
		job_fail(j, BMC_ECONFIG, "%s", err);
		free(err);
		return;
	}
	req = json_pack("{s:s, s:s%}", "UserName", j->h->cfg->user ? j->h->cfg->user : "",
			"Password", pw->data, pw->len);
	body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	job_send(j, "POST", j->rh->root.sessions, body, on_login);
}

static void after_root(struct rf_job *j)
{
	if (j->rh->token[0] == '\0') {
		do_login(j);
		return;
	}
	j->then(j);
}

/* Systems, chassis, sensors, manager. */

/*
 * GET the first member of the collection in body, then next; when the
 * collection is missing or empty, call on_empty instead.
 */
static void get_first_member(struct rf_job *j, json_t *body, struct rf_response *rsp,
			     rf_step next, void (*on_empty)(struct rf_job *j))
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

static void poll_finished(struct rf_job *j)
{
	host_clear_error(j->h);
	job_finish(j, 0);
}


static void poll_chassis(struct rf_job *j);
static void poll_manager(struct rf_job *j);

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
	host_changed(h, CHANGED_READINGS);
	if (j->what & POLL_SENSORS)
		poll_chassis(j);
	else
		poll_manager(j);
}


static void on_systems(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	get_first_member(j, body, rsp, on_system, no_system);
}

static void poll_system(struct rf_job *j)
{
	if (j->rh->root.systems[0] == '\0') {
		job_fail(j, BMC_EPROTO, "the service root has no Systems link");
		return;
	}
	job_get(j, j->rh->root.systems, on_systems);
}

static void on_thermal(struct rf_job *j, json_t *body, struct rf_response *rsp);
static void on_power(struct rf_job *j, json_t *body, struct rf_response *rsp);

#define MAX_CHASSIS_TRIED 8

static void on_chassis(struct rf_job *j, json_t *body, struct rf_response *rsp);

static void sensors_finish(struct rf_job *j)
{
	struct bmc_host *h = j->h;
	size_t i;

	host_set_sensors(h, j->sensors, j->nsensors);
	j->sensors = NULL;
	j->nsensors = j->cap = 0;
	for (i = 0; i < h->nsensors; i++)
		if (h->sensors[i].status > h->health)
			h->health = h->sensors[i].status;
	host_changed(h, CHANGED_READINGS);
	poll_manager(j);
}

/* Many services list small chassis (risers, FRUs) before the one with the
 * sensors: try them in order, a few at most. */
static void try_next_chassis(struct rf_job *j)
{
	char link[RF_LINK_MAX];

	if (j->chassis_index >= j->nchassis || j->chassis_index >= MAX_CHASSIS_TRIED) {
		sensors_finish(j);
		return;
	}
	snprintf(link, sizeof link, "%s", j->chassis_links[j->chassis_index++]);
	j->tried_legacy = 0;
	rf_free_links(j->links, j->nlinks);
	j->links = NULL;
	j->nlinks = 0;
	job_get(j, link, on_chassis);
}

static void sensors_done(struct rf_job *j)
{
	/* A Sensors collection whose members could not be read: try the
	 * legacy Thermal and Power resources, then the next chassis. */
	if (j->nsensors == 0 && !j->tried_legacy) {
		j->tried_legacy = 1;
		if (j->chassis.thermal[0] != '\0') {
			job_get(j, j->chassis.thermal, on_thermal);
			return;
		}
		if (j->chassis.power[0] != '\0') {
			job_get(j, j->chassis.power, on_power);
			return;
		}
	}
	if (j->nsensors == 0) {
		try_next_chassis(j);
		return;
	}
	sensors_finish(j);
}

static void next_sensor_member(struct rf_job *j);

static void on_sensor_member(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	if (rsp->status == 200 && body != NULL)
		rf_parse_sensor(body, &j->sensors, &j->nsensors, &j->cap);
	next_sensor_member(j);
}

static void next_sensor_member(struct rf_job *j)
{
	if (j->link_index < j->nlinks && j->link_index < MAX_SENSOR_GETS) {
		char link[RF_LINK_MAX];

		snprintf(link, sizeof link, "%s", j->links[j->link_index++]);
		job_get(j, link, on_sensor_member);
		return;
	}
	sensors_done(j);
}

static void on_sensors(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	if (rsp->status != 200 || body == NULL ||
	    rf_parse_collection(body, &j->links, &j->nlinks) != 0) {
		sensors_done(j);
		return;
	}
	j->link_index = 0;
	next_sensor_member(j);
}

static void on_power(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	if (rsp->status == 200 && body != NULL)
		rf_parse_power(body, &j->sensors, &j->nsensors, &j->cap);
	sensors_done(j);
}

static void on_thermal(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	if (rsp->status == 200 && body != NULL)
		rf_parse_thermal(body, &j->sensors, &j->nsensors, &j->cap);
	if (j->chassis.power[0] != '\0')
		job_get(j, j->chassis.power, on_power);
	else
		sensors_done(j);
}

static void on_chassis(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	if (rsp->status != 200 || body == NULL) {
		try_next_chassis(j);
		return;
	}
	memset(&j->chassis, 0, sizeof j->chassis);
	rf_parse_chassis(body, &j->chassis);
	if (j->chassis.sensors[0] != '\0') {
		job_get(j, j->chassis.sensors, on_sensors);
		return;
	}
	j->tried_legacy = 1;
	if (j->chassis.thermal[0] != '\0')
		job_get(j, j->chassis.thermal, on_thermal);
	else if (j->chassis.power[0] != '\0')
		job_get(j, j->chassis.power, on_power);
	else
		sensors_done(j);
}


static void on_chassis_list(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	if (rsp->status != 200 || body == NULL ||
	    rf_parse_collection(body, &j->chassis_links, &j->nchassis) != 0) {
		sensors_finish(j);
		return;
	}
	j->chassis_index = 0;
	try_next_chassis(j);
}

static void poll_chassis(struct rf_job *j)
{
	if (j->rh->root.chassis[0] == '\0') {
		sensors_finish(j);
		return;
	}
	job_get(j, j->rh->root.chassis, on_chassis_list);
}

static void on_manager(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_manager m;

	if (rsp->status == 200 && body != NULL) {
		memset(&m, 0, sizeof m);
		rf_parse_manager(body, &m);
		if (m.firmware[0])
			host_set_string(&j->h->firmware, m.firmware);
	}
	poll_finished(j);
}

static void on_managers(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	get_first_member(j, body, rsp, on_manager, poll_finished);
}

static void poll_manager(struct rf_job *j)
{
	if (j->rh->root.managers[0] == '\0' || !(j->what & POLL_INVENTORY)) {
		poll_finished(j);
		return;
	}
	job_get(j, j->rh->root.managers, on_managers);
}

static struct rf_job *job_new(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg)
{
	struct rf_job *j = xcalloc(1, sizeof *j);

	j->h = h;
	j->rh = rf_of(h);
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

/* Power. */

static const char *const *reset_preferences(enum bmc_power_action a)
{
	static const char *const on[] = { "On", "ForceOn", NULL };
	static const char *const off[] = { "ForceOff", NULL };
	static const char *const cycle[] = { "PowerCycle", NULL };
	static const char *const reset[] = { "ForceRestart", "GracefulRestart", NULL };
	static const char *const soft[] = { "GracefulShutdown", NULL };

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
		job_fail(j, BMC_ECOMPLETION, "%s refused by the BMC (HTTP %ld)", what, rsp->status);
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
			snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
				 i ? ", " : "", s->reset_types[i]);
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


static void on_systems_for_reset(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	get_first_member(j, body, rsp, after_system_for_reset, no_system);
}

static void start_reset(struct rf_job *j)
{
	job_get(j, j->rh->root.systems, on_systems_for_reset);
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

/* "bmctop trust HOST": record whatever key the BMC shows now. */

static void on_trust_root(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	char msg[160];

	if (rsp->pin[0] == '\0') {
		job_fail(j, BMC_ETLS, "cannot read the TLS key of %s", j->rh->base);
		return;
	}
	if (trust_store(j->h->cfg->name, j->rh->base, rsp->pin) != 0) {
		job_fail(j, BMC_EIO, "cannot write known_hosts");
		return;
	}
	snprintf(j->rh->pin, sizeof j->rh->pin, "%s", rsp->pin);
	j->rh->trusted = 1;
	snprintf(msg, sizeof msg, "now trusting %s", rsp->pin);
	host_action_done(j->h, "trust", 0, msg);
	job_finish(j, 0);
}

static int rf_trust(struct bmc_host *h, bmc_op_cb cb, void *arg)
{
	struct rf_job *j = job_new(h, 0, cb, arg);

	j->rh->trusted = 0; /* no pin on this request: we want to see the new key */
	j->want_pin = 1;
	job_get(j, "/redfish/v1/", on_trust_root);
	return 0;
}

/* Lifecycle. */

static int rf_attach(struct bmc_host *h, char **err)
{
	struct rf_host *rh = xcalloc(1, sizeof *rh);
	char *url = fleet_redfish_url(h->cfg);
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	if (strncmp(url, "http://", 7) == 0 && h->cfg->tls != TLS_INSECURE) {
		*err = xasprintf("%s is plain HTTP: credentials would travel in clear; use https:// or tls = insecure",
				 url);
		free(url);
		free(rh);
		return -1;
	}
	if (h->cfg->tls == TLS_INSECURE)
		log_warn("%s: tls = insecure: the BMC's identity is not checked", h->cfg->name);
	rh->base = url;
	rh->http = rf_http_get(h->engine->loop);
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

	rf_http_release(rf_of(h)->http, on_http_released, h);
}

static void rf_close(struct bmc_host *h, void (*done)(struct bmc_host *h))
{
	struct rf_host *rh = rf_of(h);
	struct rf_request_opts o;
	char url[RF_LINK_MAX];

	rh->closed = done;
	if (rh->token[0] != '\0' && rh->session[0] != '\0' &&
	    redfish_resolve_link(rh->base, rh->session, url, sizeof url) == 0) {
		memset(&o, 0, sizeof o);
		o.method = "DELETE";
		o.url = url;
		o.token = rh->token;
		o.timeout_ms = 1000;
		o.pin = h->cfg->tls == TLS_PIN ? h->cfg->tls_pin : (rh->trusted ? rh->pin : NULL);
		o.verify = h->cfg->tls == TLS_VERIFY;
		o.ca_file = h->cfg->ca_file;
		if (rf_http_request(rh->http, &o, on_session_deleted, h) == 0)
			return;
	}
	rf_http_release(rh->http, on_http_released, h);
}

static void rf_detach(struct bmc_host *h)
{
	struct rf_host *rh = rf_of(h);

	if (rh == NULL)
		return;
	secure_zero(rh->token, sizeof rh->token);
	free(rh->base);
	free(rh);
	h->backend_data = NULL;
}

const struct bmc_backend redfish_backend = {
	.name = "redfish",
	.attach = rf_attach,
	.poll = rf_poll,
	.power = rf_power,
	.trust = rf_trust,
	.close = rf_close,
	.detach = rf_detach,
};
