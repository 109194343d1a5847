/*
 * ipmi/host-session.c - a session's parameters taken from a host.
 *
 * The one place where an IPMI session meets struct bmc_host: the session
 * itself only sees struct ipmi_session_params, so the backend's and the
 * SOL console's sessions are filled here alike, and a unit test can fill
 * one without a host.
 */
#include "config.h"

#include <string.h>

#include "ipmi/host-session.h"
#include "ipmi/suite-cache.h"

static const struct secret *host_password(void *cfg_ctx, char **err)
{
	return engine_host_password(cfg_ctx, err);
}

static const struct secret *host_kg(void *cfg_ctx, char **err)
{
	return engine_host_kg(cfg_ctx, err);
}

static void host_suite_worked(void *cfg_ctx, int suite)
{
	struct bmc_host *h = cfg_ctx;

	ipmi_suite_cache_put(h->cfg, suite);
}

static void host_wa_learned(void *cfg_ctx, unsigned used, unsigned tried)
{
	struct bmc_host *h = cfg_ctx;

	ipmi_wa_cache_put(h->cfg, used, tried);
}

static void host_error(void *ctx, int status, const char *msg)
{
	host_set_error(ctx, status, "%s", msg);
}

void ipmi_host_session_params(struct ipmi_session_params *par, struct bmc_host *h)
{
	const struct host_config *hc = h->cfg;

	memset(par, 0, sizeof *par);
	par->loop = h->engine->loop;
	par->name = hc->name;
	par->address = hc->address;
	par->port = hc->ipmi_port;
	par->user = hc->user;
	par->password = host_password;
	par->kg = host_kg;
	if (hc->cipher_suite == CIPHER_SUITE_AUTO)
		par->cached_suite = ipmi_suite_cache_get(hc);
	par->suite_worked = host_suite_worked;
	par->cfg_ctx = h;
	par->kg_given = hc->kg.kind != SECRET_NONE;
	par->privilege = hc->privilege;
	par->cipher_suite = hc->cipher_suite;
	par->timeout_ms = hc->timeout_ms;
	par->retries = hc->retries;
	par->counters = h->counters;
	par->error = host_error;
	par->ctx = h;
	par->wa_force = hc->workarounds;
	par->wa_detect = hc->workarounds_detect;
	if (par->wa_detect)
		ipmi_wa_cache_get(hc, &par->wa_cached, &par->wa_tried);
	par->wa_learned = host_wa_learned;
	par->wa_in_use = &h->workarounds;
	par->wa_fixups = &h->workaround_fixups;
	h->workarounds |= hc->workarounds;
}
