/*
 * redfish.h - what bmcsim's Redfish files share: one BMC's sessions, and
 * the functions of each file.  Bottom up: redfish-session.c (sessions and
 * authentication), redfish-actions.c (ComputerSystem.Reset, the PATCH of
 * Boot), redfish-resource.c (the resource tree, built from the model on
 * every GET), redfish.c (the router, start and stop).  HTTP is http.c's.
 */
#ifndef BMCSIM_REDFISH_H
#define BMCSIM_REDFISH_H

#include <jansson.h>
#include <stdint.h>

#include "http.h"
#include "sim.h"

#define ROOT		   "/redfish/v1"
#define RF_MAX_SESSIONS	   4
#define RF_SESSION_TIMEOUT 600 /* seconds idle */

struct sim_redfish_session {
	unsigned id;
	int live;
	char token[33];
	uint64_t epoch;
	uint64_t last_used;
};

#define RF_EVENT_RING 64 /* events kept for Last-Event-ID */

struct sim_redfish_event {
	unsigned id;
	char *text; /* "id: N\ndata: {...}\n\n" */
	size_t len;
};

struct sim_redfish_bmc {
	struct sim_bmc *b;
	struct sim_redfish_session sessions[RF_MAX_SESSIONS];
	unsigned next_session;
	/* redfish-events.c: the last events, for a stream that resumes */
	struct sim_redfish_event ring[RF_EVENT_RING];
	unsigned next_event; /* the id of the next event, from 1 */
	size_t pad_next;     /* SubmitTestEvent asked for the next event this big */
};

/* redfish-session.c */
int sim_redfish_session_valid(struct sim_redfish_bmc *rb, struct sim_redfish_session *s);
/* 0 when the request may go on (a session token or Basic credentials);
 * else r holds the 401. */
int sim_redfish_session_authenticate(struct sim_redfish_bmc *rb, const struct http_req *q,
				     struct http_reply *r);
void sim_redfish_session_login(struct sim_redfish_bmc *rb, const struct http_req *q,
			       struct http_reply *r);
/* GET or DELETE of SessionService/Sessions/id. */
void sim_redfish_session_route(struct sim_redfish_bmc *rb, const struct http_req *q,
			       struct http_reply *r, const char *id);
json_t *sim_redfish_session_json(const struct sim_redfish_session *s, const char *user);

/* redfish-actions.c */
extern const char *const sim_redfish_actions_reset_types[]; /* NULL-terminated */
json_t *sim_redfish_actions_boot_targets(void);		    /* the allowable values */
const char *sim_redfish_actions_boot_target_name(uint8_t device);
void sim_redfish_actions_reset(struct sim_bmc *b, const struct http_req *q, struct http_reply *r);
void sim_redfish_actions_patch_system(struct sim_bmc *b, const struct http_req *q,
				      struct http_reply *r);

/* redfish-events.c: the EventService, its stream, SubmitTestEvent, Manager.Reset */
void sim_redfish_events_start(struct sim *s);
/* 1 when q is one of its requests (r is then set). */
int sim_redfish_events_route(struct sim_redfish_bmc *rb, const struct http_req *q,
			     struct http_reply *r);
void sim_redfish_events_free(struct sim_redfish_bmc *rb);

/* redfish-resource.c */
json_t *sim_redfish_resource_sel_entry(struct sim_bmc *b, const struct sim_sel_entry *e);
/* The unauthenticated resources: NULL when path is not one of them. */
json_t *sim_redfish_resource_public(struct sim_bmc *b, const char *path);
/* The others, for GET: *found 0 when there is none at q->path. */
json_t *sim_redfish_resource_get(struct sim_redfish_bmc *rb, const struct http_req *q, int *found);

#endif
