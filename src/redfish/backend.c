/*
 * redfish/backend.c - the Redfish operations table: attach, probe, poll,
 * power, boot, trust, close.
 *
 * Each operation is a job (redfish/job.c) that settles TLS trust on the
 * service root before any credential leaves, logs in or waits for the
 * host's one session, and then runs its own steps: the poll's chain
 * (redfish/poll.c), a Reset action, a boot override PATCH read back, or,
 * for "bmctop trust", only the root to record the key it shows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/backend.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "redfish/job.h"
#include "redfish/push.h"
#include "tls/trust.h"

/* A poll's caller, told after push (redfish/push.h) heard how it went. */
struct poll_call {
	bmc_op_cb cb;
	void *arg;
};

static void on_polled(struct bmc_host *h, int status, void *arg)
{
	struct poll_call pc = *(struct poll_call *)arg;

	free(arg);
	rf_push_poll_done(h, status);
	pc.cb(h, status, pc.arg);
}

static int rf_poll(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg)
{
	struct poll_call *pc = xmalloc(sizeof *pc);
	struct rf_job *j;

	pc->cb = cb;
	pc->arg = arg;
	j = rf_job_new(h, what, on_polled, pc);

	j->then = rf_poll_system;
	rf_job_start(j);
	return 0;
}

/* Whether a Redfish service answers here: the service root, no credentials. */
static int rf_probe(struct bmc_host *h, bmc_op_cb cb, void *arg)
{
	struct rf_job *j = rf_job_new(h, 0, cb, arg);

	j->probe_only = 1;
	rf_job_start(j);
	return 0;
}

/*
 * Power: each bmctop action as the ResetTypes it may be sent as, in order,
 * the first the system allows (ResetType@Redfish.AllowableValues or its
 * ActionInfo; a system that lists none is taken to allow all).  The table
 * in bmctop(1) says the same.  PushPowerButton is a fallback only where
 * the power state says what the press does.  power cycle without PowerCycle
 * is emulated: ForceOff, the state re-read until Off (bounded), then On.
 */

#define CYCLE_READS	 60   /* state re-reads while waiting for Off */
#define CYCLE_READ_DELAY 1000 /* ms before each */

struct reset_rule {
	const char *type;
	enum bmc_power when; /* BMC_POWER_UNKNOWN: whatever the state */
};

static const struct reset_rule *reset_rules(enum bmc_power_action a)
{
	static const struct reset_rule on[] = {{"On", BMC_POWER_UNKNOWN},
					       {"ForceOn", BMC_POWER_UNKNOWN},
					       {"PushPowerButton", BMC_POWER_OFF},
					       {NULL, BMC_POWER_UNKNOWN}};
	static const struct reset_rule off[] = {{"ForceOff", BMC_POWER_UNKNOWN},
						{NULL, BMC_POWER_UNKNOWN}};
	static const struct reset_rule cycle[] = {{"PowerCycle", BMC_POWER_UNKNOWN},
						  {NULL, BMC_POWER_UNKNOWN}};
	static const struct reset_rule reset[] = {{"ForceRestart", BMC_POWER_UNKNOWN},
						  {"PowerCycle", BMC_POWER_UNKNOWN},
						  {"GracefulRestart", BMC_POWER_UNKNOWN},
						  {NULL, BMC_POWER_UNKNOWN}};
	static const struct reset_rule soft[] = {{"GracefulShutdown", BMC_POWER_UNKNOWN},
						 {"PushPowerButton", BMC_POWER_ON},
						 {NULL, BMC_POWER_UNKNOWN}};

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

static int reset_allowed(const struct rf_system *s, const char *type)
{
	size_t i;

	if (s->nreset_types == 0)
		return 1;
	for (i = 0; i < s->nreset_types; i++)
		if (strcmp(s->reset_types[i], type) == 0)
			return 1;
	return 0;
}

/* The first rule of a that s allows in its state: its ResetType, or NULL. */
static const char *reset_choose(const struct rf_system *s, enum bmc_power_action a)
{
	const struct reset_rule *r;

	for (r = reset_rules(a); r->type != NULL; r++)
		if (reset_allowed(s, r->type) &&
		    (r->when == BMC_POWER_UNKNOWN || r->when == s->power))
			return r->type;
	return NULL;
}

static void power_what(const struct rf_job *j, char *out, size_t outlen)
{
	snprintf(out, outlen, "power %s", bmc_power_action_name(j->action));
}

/* A Reset POST that was not accepted: the job fails, saying so. */
static int reset_refused(struct rf_job *j, json_t *body, struct rf_response *rsp, const char *type,
			 const char *after)
{
	char what[32], msg[256] = "";

	if (rsp->status >= 200 && rsp->status < 300)
		return 0;
	power_what(j, what, sizeof what);
	rf_parse_error_message(body, msg, sizeof msg);
	rf_job_fail(j, BMC_ECOMPLETION, "%s: %s refused by the BMC (HTTP %ld)%s%s%s", what, type,
		    rsp->status, msg[0] ? ": " : "", msg, after);
	return 1;
}

static void on_reset(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	const struct reset_rule *first = reset_rules(j->action);
	char what[32], msg[160] = "done";

	if (reset_refused(j, body, rsp, j->reset_type, ""))
		return;
	power_what(j, what, sizeof what);
	if (strcmp(j->reset_type, first->type) != 0)
		snprintf(msg, sizeof msg, "done, as %s (the BMC does not offer %s)", j->reset_type,
			 first->type);
	host_action_done(j->h, what, 0, msg);
	rf_job_finish(j, 0);
}

static void send_reset(struct rf_job *j, const char *type, rf_step next)
{
	json_t *req = json_pack("{s:s}", "ResetType", type);

	j->reset_type = type;
	rf_job_send(j, "POST", j->rh->sys.reset_target, json_dumps(req, JSON_COMPACT), next,
		    RF_BODY_RESOURCE);
	json_decref(req);
}

/* power cycle, emulated. */

static void on_cycle_on(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	char msg[160];

	if (reset_refused(j, body, rsp, j->reset_type, " after ForceOff: the host is off"))
		return;
	if (j->cycle_off)
		snprintf(msg, sizeof msg,
			 "done, emulated: ForceOff, then %s once it read Off (the BMC offers no "
			 "PowerCycle)",
			 j->reset_type);
	else
		snprintf(msg, sizeof msg,
			 "done, as %s: the host was off (the BMC offers no PowerCycle)",
			 j->reset_type);
	host_action_done(j->h, "power cycle", 0, msg);
	rf_job_finish(j, 0);
}

static void cycle_power_on(struct rf_job *j)
{
	send_reset(j, reset_allowed(&j->rh->sys, "On") ? "On" : "ForceOn", on_cycle_on);
}

static void on_cycle_state(struct rf_job *j, json_t *body, struct rf_response *rsp);

static void on_wait_closed(uv_handle_t *t)
{
	free(t);
}

static void on_cycle_wait(uv_timer_t *t)
{
	struct rf_job *j = t->data;
	char link[RF_LINK_MAX];

	j->rh->cycle_wait = NULL;
	j->rh->cycle_job = NULL;
	uv_close((uv_handle_t *)t, on_wait_closed);
	snprintf(link, sizeof link, "%s", strstr(j->rh->system_url, "/redfish/"));
	rf_job_get(j, link, on_cycle_state, RF_BODY_RESOURCE);
}

/* Re-read the power state in a while (rf_close ends the wait, if it comes first). */
static void cycle_wait(struct rf_job *j)
{
	uv_timer_t *t = xmalloc(sizeof *t);

	uv_timer_init(j->h->engine->loop, t);
	t->data = j;
	j->rh->cycle_wait = t;
	j->rh->cycle_job = j;
	uv_timer_start(t, on_cycle_wait, CYCLE_READ_DELAY, 0);
}

static void on_cycle_state(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_system *s = &j->rh->sys;
	char target[RF_LINK_MAX], types[RF_MAX_RESET_TYPES][24];
	size_t ntypes = s->nreset_types;

	/* Keep what was learnt of the Reset action (its ActionInfo among it). */
	snprintf(target, sizeof target, "%s", s->reset_target);
	memcpy(types, s->reset_types, sizeof types);
	if (rf_poll_read_system(j, body, rsp) != 0)
		return;
	snprintf(s->reset_target, sizeof s->reset_target, "%s", target);
	memcpy(s->reset_types, types, sizeof types);
	s->nreset_types = ntypes;
	j->h->power = s->power;
	if (s->power == BMC_POWER_OFF) {
		cycle_power_on(j);
		return;
	}
	if (++j->cycle_reads >= CYCLE_READS) {
		rf_job_fail(
		    j, BMC_ETIMEDOUT,
		    "power cycle: the BMC offers no PowerCycle, so bmctop sent ForceOff, but "
		    "the host still reads %s after %d s; On was not sent",
		    bmc_power_name(s->power), CYCLE_READS * CYCLE_READ_DELAY / 1000);
		return;
	}
	cycle_wait(j);
}

static void on_cycle_off(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	if (reset_refused(j, body, rsp, "ForceOff", " (power cycle emulated: no PowerCycle)"))
		return;
	j->cycle_reads = 0;
	cycle_wait(j);
}

/* Whether power cycle can be emulated here: ForceOff and On (or ForceOn). */
static int cycle_emulable(const struct rf_system *s)
{
	return reset_allowed(s, "ForceOff") &&
	       (reset_allowed(s, "On") || reset_allowed(s, "ForceOn"));
}

static void after_system_for_reset(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_system *s = &j->rh->sys;
	const char *chosen;
	char allowed[256] = "";
	size_t i;

	if (rsp->status != 200 || body == NULL) {
		rf_job_fail(j, BMC_EPROTO, "GET %s: HTTP %ld", j->url, rsp->status);
		return;
	}
	if (j->url[0] != '\0' && strstr(j->url, "ActionInfo") != NULL) {
		/* The ActionInfo named by the system: its allowable reset types. */
		rf_parse_action_info(body, s->reset_types, RF_MAX_RESET_TYPES, &s->nreset_types);
	} else {
		memset(s, 0, sizeof *s);
		rf_parse_system(body, s);
		snprintf(j->rh->system_url, sizeof j->rh->system_url, "%s", j->url);
		if (s->nreset_types == 0 && s->reset_action_info[0] != '\0') {
			char info[RF_LINK_MAX];

			snprintf(info, sizeof info, "%s", s->reset_action_info);
			rf_job_get(j, info, after_system_for_reset, RF_BODY_RESOURCE);
			return;
		}
	}
	if (s->reset_target[0] == '\0') {
		rf_job_fail(j, BMC_ENOTSUP, "the system offers no Reset action");
		return;
	}
	chosen = reset_choose(s, j->action);
	if (chosen != NULL) {
		send_reset(j, chosen, on_reset);
		return;
	}
	if (j->action == POWER_CYCLE && cycle_emulable(s)) {
		if (s->power == BMC_POWER_OFF) {
			cycle_power_on(j);
			return;
		}
		j->cycle_off = 1;
		send_reset(j, "ForceOff", on_cycle_off);
		return;
	}
	for (i = 0; i < s->nreset_types; i++)
		snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
			 i ? ", " : "", s->reset_types[i]);
	rf_job_fail(j, BMC_ENOTSUP, "power %s is not offered by this BMC; it allows: %s",
		    bmc_power_action_name(j->action), allowed);
}

static void start_reset(struct rf_job *j)
{
	rf_poll_get_system(j, after_system_for_reset);
}

static int rf_power(struct bmc_host *h, enum bmc_power_action a, bmc_op_cb cb, void *arg)
{
	struct rf_job *j;

	if (a == POWER_STATUS)
		return rf_poll(h, POLL_POWER, cb, arg);
	j = rf_job_new(h, POLL_POWER, cb, arg);
	j->action = a;
	j->then = start_reset;
	rf_job_start(j);
	return 0;
}

/*
 * Boot override: PATCH the system's Boot, with If-Match when the service
 * gave the system an ETag (so a change made meanwhile is not overwritten:
 * 412), then read it back.
 */

static void on_boot_readback(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct bmc_host *h = j->h;
	struct rf_system *s = &j->rh->sys;
	char what[96];

	if (rf_poll_read_system(j, body, rsp) != 0)
		return;
	h->boot_device = rf_boot_device(s->boot_target);
	h->boot_persistent = strcasecmp(s->boot_enabled, "Continuous") == 0;
	if (h->boot_device != j->device || strcasecmp(s->boot_enabled, "Disabled") == 0) {
		rf_job_fail(j, BMC_EPROTO, "the BMC accepted next boot %s but reads back %s (%s)",
			    bmc_boot_device_name(j->device),
			    s->boot_target[0] ? s->boot_target : "none",
			    s->boot_enabled[0] ? s->boot_enabled : "not enabled");
		return;
	}
	snprintf(what, sizeof what, "next boot %s%s", bmc_boot_device_name(j->device),
		 h->boot_persistent ? " (persistent)" : "");
	host_action_done(h, what, 0, "done");
	host_changed(h, CHANGED_READINGS);
	rf_job_finish(j, 0);
}

static void on_boot_patched(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	char msg[256] = "", link[RF_LINK_MAX];

	if (rsp->status < 200 || rsp->status >= 300) {
		rf_parse_error_message(body, msg, sizeof msg);
		rf_job_fail(j, BMC_ECOMPLETION, "next boot %s refused by the BMC (HTTP %ld)%s%s",
			    bmc_boot_device_name(j->device), rsp->status, msg[0] ? ": " : "", msg);
		return;
	}
	snprintf(link, sizeof link, "%s", strstr(j->rh->system_url, "/redfish/"));
	rf_job_get(j, link, on_boot_readback, RF_BODY_RESOURCE);
}

static void after_system_for_boot(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_system *s = &j->rh->sys;
	const char *target = rf_boot_target(j->device);
	char allowed[512] = "", link[RF_LINK_MAX];
	json_t *req;
	size_t i;
	int ok;

	if (rf_poll_read_system(j, body, rsp) != 0)
		return;
	ok = s->nboot_targets == 0; /* no list: the service will say */
	for (i = 0; i < s->nboot_targets; i++) {
		if (strcmp(s->boot_targets[i], target) == 0)
			ok = 1;
		snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
			 i ? ", " : "", s->boot_targets[i]);
	}
	if (!ok) {
		rf_job_fail(j, BMC_ENOTSUP,
			    "next boot %s (%s) is not offered by this BMC; it allows: %s",
			    bmc_boot_device_name(j->device), target, allowed);
		return;
	}
	/* The service's ETag (header, else @odata.etag) guards the PATCH: If-Match. */
	snprintf(j->if_match, sizeof j->if_match, "%s",
		 rf_etag_valid(rsp->etag) ? rsp->etag : s->etag);
	req = json_pack("{s:{s:s, s:s}}", "Boot", "BootSourceOverrideTarget", target,
			"BootSourceOverrideEnabled", j->persistent ? "Continuous" : "Once");
	snprintf(link, sizeof link, "%s", strstr(j->url, "/redfish/"));
	rf_job_send(j, "PATCH", link, json_dumps(req, JSON_COMPACT), on_boot_patched,
		    RF_BODY_RESOURCE);
	json_decref(req);
}

static void start_boot(struct rf_job *j)
{
	rf_poll_get_system(j, after_system_for_boot);
}

static int rf_boot(struct bmc_host *h, enum bmc_boot_device dev, int persistent, bmc_op_cb cb,
		   void *arg)
{
	struct rf_job *j;

	if (dev == BOOT_NONE)
		return BMC_ENOTSUP;
	j = rf_job_new(h, 0, cb, arg);
	j->device = dev;
	j->persistent = persistent;
	j->then = start_boot;
	rf_job_start(j);
	return 0;
}

/* "bmctop trust HOST": record whatever key the BMC shows now. */

static void on_trust_root(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	char msg[160];

	if (rsp->pin[0] == '\0') {
		rf_job_fail(j, BMC_ETLS, "cannot read the TLS key of %s", j->rh->s.base);
		return;
	}
	if (trust_store(j->h->cfg->name, j->rh->s.base, rsp->pin) != 0) {
		rf_job_fail(j, BMC_EIO, "cannot write known_hosts");
		return;
	}
	snprintf(j->rh->s.pin, sizeof j->rh->s.pin, "%s", rsp->pin);
	j->rh->s.trusted = 1;
	snprintf(msg, sizeof msg, "now trusting %s", rsp->pin);
	host_action_done(j->h, "trust", 0, msg);
	rf_job_finish(j, 0);
}

static int rf_trust(struct bmc_host *h, bmc_op_cb cb, void *arg)
{
	struct rf_job *j = rf_job_new(h, 0, cb, arg);

	j->rh->s.trusted = 0; /* no pin on this request: we want to see the new key */
	j->want_pin = 1;
	rf_job_get(j, "/redfish/v1/", on_trust_root, RF_BODY_RESOURCE);
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

	rf_host_of(h)->closed(h);
}

static void on_session_deleted(struct rf_response *rsp, void *arg)
{
	struct bmc_host *h = arg;

	rf_http_release(rf_host_of(h)->s.http, on_http_released, h);
}

static void rf_close(struct bmc_host *h, void (*done)(struct bmc_host *h))
{
	struct rf_host *rh = rf_host_of(h);

	rh->closed = done;
	rf_push_stop(h);
	if (rh->cycle_wait != NULL) {
		struct rf_job *j = rh->cycle_job;

		/* A power cycle waiting for Off: it ends here, before the On. */
		uv_timer_stop(rh->cycle_wait);
		uv_close((uv_handle_t *)rh->cycle_wait, on_wait_closed);
		rh->cycle_wait = NULL;
		rh->cycle_job = NULL;
		rf_job_fail(j, BMC_ECANCELED,
			    "power cycle: ended while waiting for the host to power off");
	}
	if (rf_session_delete(&rh->s, 1000, on_session_deleted, h) != 0)
		rf_http_release(rh->s.http, on_http_released, h);
}

static void rf_detach(struct bmc_host *h)
{
	struct rf_host *rh = rf_host_of(h);

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
