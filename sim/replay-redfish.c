/*
 * replay-redfish.c - the Redfish side of bmcsim --replay: a capture's (or a
 * mockup's) resource tree served over bmcsim's HTTPS server.
 *
 * The rules of redfish.c hold, with the tree in place of the model: the
 * service root, /redfish and odata are public; a login at the sessions
 * collection makes a session (redfish-session.c: the --user and password of
 * bmcsim, not the capture's); everything else needs its token or Basic
 * credentials.  The tree is read-only: GET only, no actions, no $expand
 * (collections are served as captured).
 */
#include "config.h"

#include <string.h>

#include "core/xalloc.h"
#include "redfish.h"
#include "replay.h"

static struct sim_redfish_bmc *replay_rb;

/* Does p name the sessions collection (the root's Links.Sessions, or the usual)? */
static int is_sessions(struct sim_replay *rp, const char *p)
{
	json_t *root = sim_replay_resource(rp, ROOT);
	const char *named = json_string_value(json_object_get(
	    json_object_get(json_object_get(root, "Links"), "Sessions"), "@odata.id"));
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		n--;
	if (named != NULL && strlen(named) == n && strncmp(named, p, n) == 0)
		return 1;
	return n == strlen(ROOT "/SessionService/Sessions") &&
	       strncmp(p, ROOT "/SessionService/Sessions", n) == 0;
}

static int is_public(const char *p)
{
	return strcmp(p, "/redfish") == 0 || strcmp(p, ROOT) == 0 || strcmp(p, ROOT "/") == 0 ||
	       strcmp(p, ROOT "/odata") == 0 || strcmp(p, ROOT "/$metadata") == 0;
}

static void reply_resource(struct sim_replay *rp, const struct http_req *q, struct http_reply *r)
{
	json_t *body = sim_replay_resource(rp, q->path);

	if (body == NULL && strcmp(q->path, "/redfish") == 0) {
		sim_http_reply_json(r, 200, json_pack("{s:s}", "v1", ROOT "/"));
		return;
	}
	if (body == NULL) {
		sim_http_reply_error(r, 404, "ResourceMissingAtURI",
				     "The resource at the URI %s was not found.", q->path);
		return;
	}
	if (!sim_http_parse_method_is(q, "GET")) {
		sim_http_reply_not_allowed(r, "GET");
		return;
	}
	sim_http_reply_json(r, 200, json_incref(body));
}

static void route(struct sim_bmc *b, const struct http_req *q, struct http_reply *r)
{
	struct sim_replay *rp = b->sim->replay;
	const char *sessions = ROOT "/SessionService/Sessions/";

	if (is_public(q->path)) {
		reply_resource(rp, q, r);
		return;
	}
	if (is_sessions(rp, q->path) && sim_http_parse_method_is(q, "POST")) {
		sim_redfish_session_login(b->redfish, q, r);
		return;
	}
	if (sim_redfish_session_authenticate(b->redfish, q, r) != 0)
		return;
	/* Our own sessions, not the capture's. */
	if (strncmp(q->path, sessions, strlen(sessions)) == 0) {
		sim_redfish_session_route(b->redfish, q, r, q->path + strlen(sessions));
		return;
	}
	reply_resource(rp, q, r);
}

int sim_replay_redfish_start(struct sim *s, char **err)
{
	replay_rb = xcalloc(1, sizeof *replay_rb);
	replay_rb->b = &s->bmcs[0];
	s->bmcs[0].redfish = replay_rb;
	s->bmcs[0].redfish_port = s->opt.redfish_base_port > 0 ? s->opt.redfish_base_port : -1;
	if (sim_http_start(s, route, err) != 0) {
		s->bmcs[0].redfish = NULL;
		free(replay_rb);
		replay_rb = NULL;
		return -1;
	}
	return 0;
}

void sim_replay_redfish_stop(struct sim *s)
{
	if (replay_rb == NULL)
		return;
	sim_http_stop(s);
	s->bmcs[0].redfish = NULL;
	secure_zero(replay_rb->sessions, sizeof replay_rb->sessions);
	free(replay_rb);
	replay_rb = NULL;
}
