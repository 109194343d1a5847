/*
 * redfish/job.h - the Redfish backend's insides, shared by its three files:
 * the per-host state and the job (job.c: requests, answers, the session),
 * the poll (poll.c: system, chassis and sensors, manager, events), and the
 * operations table (backend.c).  Not for use outside src/redfish/.
 */
#ifndef BMCTOP_REDFISH_JOB_H
#define BMCTOP_REDFISH_JOB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h"
#include "redfish/http.h"
#include "redfish/parse.h"
#include "redfish/session.h"

struct rf_host {
	struct rf_session s;		/* the service, its TLS key, our one session */
	struct rf_job *session_owner;	/* the job logging in (deleting the old session first) */
	struct rf_job *session_waiters; /* jobs waiting for it to end */
	uint64_t busy_until;		/* uv_now(): the BMC asked us to wait until then */
	char busy_message[800];
	int basic; /* no sessions offered: Basic auth on every request */
	struct rf_root basic_root; /* the root of the service whose login said it has none */
	uv_timer_t *cycle_wait;	   /* an emulated power cycle waiting to re-read the state */
	struct rf_job *cycle_job;  /* ... and its job */
	struct rf_root root;
	int have_root;
	int root_fresh; /* read by a probe just now: the next job starts from it */
	struct rf_system sys;
	char system_url[RF_LINK_MAX];
	char manager_logs[RF_LINK_MAX];
	int manager_read;
	unsigned manager_caps;
	/* The chassis sources worth reading (a bit per rf_job.stage), learnt by a poll. */
	unsigned sensor_plan; /* 0: not known, every source is read */
	size_t plan_chassis;  /* the chassis (index in the collection) it was learnt on */
	unsigned plan_age;    /* polls since it was learnt */
	void (*closed)(struct bmc_host *h);
	struct rf_push *push; /* the event stream (redfish/push.c), NULL when none */
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
	ITEM_LOG_ENTRY, /* one LogEntry, listed by its collection as a link only */
	ITEM_COLLECTION /* of member_kind */
};

struct rf_item {
	char *link;
	enum item_kind kind, member_kind;
	size_t parent; /* ITEM_SUPPLY_METRICS: the supply's item */
	size_t origin; /* 1 + the item whose body queued this one; 0: the poll did */
	unsigned page;
	int done;
	struct bmc_sensor *s;
	size_t n, cap;
	json_t *entry; /* ITEM_LOG_ENTRY: its body */
};

struct rf_job {
	struct bmc_host *h;
	struct rf_host *rh;
	unsigned what;
	bmc_op_cb cb;
	void *arg;
	rf_step next;
	enum rf_body_kind kind; /* of the answer to the request in flight, for its caps */
	rf_step with_system;	/* what get_system() continues with */
	char url[RF_LINK_MAX];
	const char *method;
	char *body;
	size_t reading; /* 1 + the item whose body is being read; 0: none */
	int relogged;
	int want_pin;
	int probe_only;
	enum bmc_power_action action;
	const char *reset_type; /* the ResetType POSTed last */
	int cycle_off;		/* power cycle emulated: ForceOff was sent */
	unsigned cycle_reads;	/* ... and the state re-read so many times */
	enum bmc_boot_device device;
	int persistent;
	int patched;
	char if_match[128];		  /* what a PATCH sends as If-Match, "" for none */
	unsigned gen;			  /* rh->s.gen when the last request (or 401) was sent */
	unsigned auth_seen;		  /* rh->s.auth_failures when the job started */
	int sent_token;			  /* the last request carried the session's token */
	struct rf_job *wait_next;	  /* in rh->session_waiters */
	void (*then)(struct rf_job *j);	  /* what the job does once logged in */
	void (*resume)(struct rf_job *j); /* after a re-login mid-queue */
	/* A request interrupted by an expired token, repeated after login. */
	rf_step retry_step;
	enum rf_body_kind retry_kind;
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
	int stage;		   /* 0 Sensors, 1 Thermal/PowerSubsystem, 2 legacy Thermal/Power */
	int learning;		   /* every stage is read, and rh->sensor_plan learnt from them */
	unsigned stages_used;	   /* bit per stage that gave a kind of reading */
	struct bmc_sensor *merged; /* this chassis' sensors so far, per kind (rf_sensors_merge) */
	size_t nmerged, capmerged;
	char **chassis_links; /* tried in order until one has sensors */
	size_t nchassis, chassis_index;
	/* events */
	json_t *log_members;
	unsigned log_pages;
	int log_on_manager;
	int log_linked; /* the entries listed as links only were fetched */
};

static inline struct rf_host *rf_host_of(struct bmc_host *h)
{
	return h->backend_data;
}

/* A job for h; it starts with rf_job_start (or a request of its own). */
struct rf_job *rf_job_new(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg);
/* Settle TLS trust, read the service root, log in (or wait for the login), then j->then. */
void rf_job_start(struct rf_job *j);
/* End j with status: its callback runs, j is freed. */
void rf_job_finish(struct rf_job *j, int status);
/* The same, with a message for a person on the host. */
void rf_job_fail(struct rf_job *j, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* GET link (relative to the service) then call next with its body, capped as kind. */
void rf_job_get(struct rf_job *j, const char *link, rf_step next, enum rf_body_kind kind);
/* method (POST, PATCH) link with body (JSON, taken), then next. */
void rf_job_send(struct rf_job *j, const char *method, const char *link, char *body, rf_step next,
		 enum rf_body_kind kind);
/* The options of a request of this host, credentials included; 0 or BMC_ECONFIG. */
int rf_job_request_opts(struct bmc_host *h, struct rf_request_opts *o, const char *method,
			const char *url, enum rf_body_kind kind);
/* A request carrying the session's token got 401: delete, log in again, go on (j->resume). */
void rf_job_session_refused(struct rf_job *j);
/* The message for a body over its cap. */
void rf_job_too_big_message(char *out, size_t outlen, const char *method, const char *url,
			    const struct rf_body_limit *lim);
/* Free the sensor queue's items. */
void rf_job_queue_clear(struct rf_job *j);

/* poll.c: the poll's chain from the first system on (a job's then). */
void rf_poll_system(struct rf_job *j);
/* GET the service's first system, then call then with its body. */
void rf_poll_get_system(struct rf_job *j, rf_step then);
/* A system's body into rh->sys (and its URL): 0, or -1 with the job failed. */
int rf_poll_read_system(struct rf_job *j, json_t *body, struct rf_response *rsp);

#endif
