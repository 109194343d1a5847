/*
 * redfish.c - bmcsim's Redfish side: which BMCs serve it, and the router
 * that the HTTP server (http.c) hands each request to: the public
 * resources, login, then everything else behind a session or Basic
 * credentials (resources from redfish-resource.c, sessions from
 * redfish-session.c, actions from redfish-actions.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "redfish.h"

static struct sim_redfish_bmc *rf_bmcs;

/* The unauthenticated resources: 1 when p is one of them (r is then set). */
static int route_public(struct sim_redfish_bmc *rb, const struct http_req *q, struct http_reply *r)
{
	json_t *body = sim_redfish_resource_public(rb->b, q->path);

	if (body == NULL)
		return 0;
	if (sim_http_parse_method_is(q, "GET")) {
		sim_http_reply_json(r, 200, body);
	} else {
		json_decref(body);
		sim_http_reply_not_allowed(r, "GET");
	}
	return 1;
}

static void route(struct sim_bmc *b, const struct http_req *q, struct http_reply *r)
{
	struct sim_redfish_bmc *rb = b->redfish;
	const char *p = q->path;
	const char *sessions = ROOT "/SessionService/Sessions/";
	json_t *body;
	int found;

	if (route_public(rb, q, r))
		return;
	if (strcmp(p, ROOT "/SessionService/Sessions") == 0 &&
	    sim_http_parse_method_is(q, "POST")) {
		sim_redfish_session_login(rb, q, r);
		return;
	}
	if (sim_redfish_session_authenticate(rb, q, r) != 0)
		return;
	if (sim_redfish_events_route(rb, q, r))
		return;
	if (strncmp(p, sessions, strlen(sessions)) == 0) {
		sim_redfish_session_route(rb, q, r, p + strlen(sessions));
		return;
	}
	if (strcmp(p, ROOT "/Systems/1/Actions/ComputerSystem.Reset") == 0) {
		if (sim_http_parse_method_is(q, "POST"))
			sim_redfish_actions_reset(rb->b, q, r);
		else
			sim_http_reply_not_allowed(r, "POST");
		return;
	}
	if (strcmp(p, ROOT "/Systems/1") == 0 && sim_http_parse_method_is(q, "PATCH")) {
		sim_redfish_actions_patch_system(rb->b, q, r);
		return;
	}
	body = sim_redfish_resource_get(rb, q, &found);
	if (!found) {
		sim_http_reply_error(r, 404, "ResourceMissingAtURI",
			    "The resource at the URI %s was not found.", p);
	} else if (sim_http_parse_method_is(q, "GET")) {
		sim_http_reply_json(r, 200, body);
	} else {
		json_decref(body);
		if (strcmp(p, ROOT "/Systems/1") == 0)
			sim_http_reply_not_allowed(r, "GET, PATCH");
		else if (strcmp(p, ROOT "/SessionService/Sessions") == 0)
			sim_http_reply_not_allowed(r, "GET, POST");
		else
			sim_http_reply_not_allowed(r, "GET");
	}
}

/*
 * Which BMCs serve Redfish: opt.redfish_share percent of them, spread evenly
 * over the fleet; ports from opt.redfish_base_port on, else picked by the
 * kernel.  A BMC whose port is set already keeps it.
 */
static void choose_redfish_bmcs(struct sim *s)
{
	unsigned share = s->opt.redfish_share;
	size_t i, k = 0;

	for (i = 0; i < s->nbmcs; i++) {
		struct sim_bmc *b = &s->bmcs[i];

		if (b->redfish_port != 0 || (i + 1) * share / 100 == i * share / 100)
			continue;
		b->redfish_port =
		    s->opt.redfish_base_port > 0 ? s->opt.redfish_base_port + (int)k++ : -1;
	}
}

/* Each BMC that serves Redfish gets its sessions; then HTTP listens. */
static void redfish_bmcs_init(struct sim *s, int all)
{
	size_t i;

	rf_bmcs = xcalloc(s->nbmcs, sizeof *rf_bmcs);
	for (i = 0; i < s->nbmcs; i++) {
		if (!all && s->bmcs[i].redfish_port == 0)
			continue;
		rf_bmcs[i].b = &s->bmcs[i];
		s->bmcs[i].redfish = &rf_bmcs[i];
	}
}

int sim_redfish_start(struct sim *s, char **err)
{
	if (rf_bmcs != NULL) {
		*err = xasprintf("the Redfish side is already running");
		return -1;
	}
	choose_redfish_bmcs(s);
	redfish_bmcs_init(s, 0);
	sim_redfish_events_start(s);
	if (sim_http_start(s, route, err) != 0) {
		/* sim_http_start() stopped what it had started. */
		for (size_t i = 0; i < s->nbmcs; i++)
			s->bmcs[i].redfish = NULL;
		free(rf_bmcs);
		rf_bmcs = NULL;
		return -1;
	}
	return 0;
}

void sim_redfish_stop(struct sim *s)
{
	size_t i;

	if (rf_bmcs == NULL)
		return;
	sim_http_stop(s);
	for (i = 0; i < s->nbmcs; i++) {
		s->bmcs[i].redfish = NULL;
		sim_redfish_events_free(&rf_bmcs[i]);
		secure_zero(rf_bmcs[i].sessions, sizeof rf_bmcs[i].sessions);
	}
	free(rf_bmcs);
	rf_bmcs = NULL;
}

#ifdef BMCSIM_FUZZ
/* For fuzz/fuzz-sim-http.c: every BMC serves Redfish, through the HTTP
 * server's socket-free connections (sim_http_fuzz_open()). */
void sim_redfish_fuzz_start(struct sim *s, void (*sent)(const char *buf, size_t len))
{
	redfish_bmcs_init(s, 1);
	sim_http_fuzz_start(s, route, sent);
}
#endif
