/*
 * redfish/poll.c - what a poll reads, after the session: the first system,
 * the chassis sensors, the first manager, and the event log.
 *
 * Every link comes from the service and is resolved against its origin
 * first (rf_job_get, through redfish_resolve_link): a link elsewhere is not
 * followed.  The chain runs one request at a time.  Sensors are the
 * exception: a collection's members are fetched through a small queue
 * (struct rf_item) with at most RF_IN_FLIGHT requests at once, the two
 * connections per BMC that redfish/http.c allows, and each item keeps its
 * own results so that the order of the sensors does not depend on which
 * answer came first.  With $expand (when the service root offers it) a
 * collection brings its members along and the queue only fetches what the
 * service left as links.  A chassis' sources (Sensors, the subsystems, the
 * legacy Thermal and Power) are read in that order, each kind of reading
 * from the first that has it, and a host remembers which ones gave
 * something so that later polls skip the others.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "redfish/job.h"

#define RF_IN_FLIGHT	  2    /* requests at once per host: "two connections per BMC" */
#define MAX_SENSOR_GETS	  256  /* member GETs in one poll */
#define MAX_ITEMS	  1024 /* queued resources in one poll, expanded ones included */
#define MAX_PAGES	  16   /* Members@odata.nextLink pages followed per collection */
#define MAX_CHASSIS_TRIED 8
#define PLAN_POLLS	  20 /* polls that read only the sources learnt, then all again */

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
	rf_job_get(j, first, next, RF_BODY_RESOURCE);
}

static void no_system(struct rf_job *j)
{
	rf_job_fail(j, BMC_EPROTO, "the service lists no system at %s", j->url);
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
	it->origin = j->reading;
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
static void item_read_kind(struct rf_job *j, size_t i, json_t *body);

static void item_read(struct rf_job *j, size_t i, json_t *body)
{
	size_t outer = j->reading;

	j->reading = i + 1;
	item_read_kind(j, i, body);
	j->reading = outer;
}

static void item_read_kind(struct rf_job *j, size_t i, json_t *body)
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
	case ITEM_LOG_ENTRY:
		if (it->entry == NULL)
			it->entry = json_incref(body);
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
		rf_job_too_big_message(j->queue_message, sizeof j->queue_message, "GET", q->url,
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
		if (rf_job_request_opts(j->h, &o, "GET", q->url, item_body_kind(&j->items[i])) !=
		    0) {
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
		rf_job_finish(j, BMC_ECANCELED);
		return;
	}
	if (j->queue_error) {
		rf_job_fail(j, j->queue_error, "%s", j->queue_message);
		return;
	}
	if (j->next_item >= j->nitems || j->gets >= MAX_SENSOR_GETS) {
		if (j->queue_401) {
			/* The session ended mid-queue: a new one, then go on. */
			j->queue_401 = 0;
			j->resume = j->queue_done;
			j->retry_step = NULL;
			rf_job_session_refused(j);
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

/*
 * Sensors in the order of the tree the items were found in (each item, then
 * what its body linked to, in the order listed), moved out of the queue.
 * Answers arrive in any order, and what they link to is queued as they do,
 * so the queue's own order is not the same from one poll to the next.
 */
static void queue_take_sensors(struct rf_job *j, struct bmc_sensor **out, size_t *nout)
{
	size_t n = 0, k = 0, top = 0, i, cursor, *first, *next, *stack;

	for (i = 0; i < j->nitems; i++)
		n += j->items[i].n;
	*out = n ? xcalloc(n, sizeof **out) : NULL;
	*nout = n;
	if (n == 0)
		return;
	/* Lists of 1 + item: first[0] the items the poll queued, first[p + 1]
	 * those item p's body queued; next[i] the one after item i. */
	first = xcalloc(j->nitems + 1, sizeof *first);
	next = xcalloc(j->nitems, sizeof *next);
	stack = xcalloc(j->nitems, sizeof *stack);
	for (i = j->nitems; i-- > 0;) {
		next[i] = first[j->items[i].origin];
		first[j->items[i].origin] = i + 1;
	}
	/* Depth first: an item, then what it queued, then the item after it. */
	cursor = first[0];
	for (;;) {
		if (cursor == 0) {
			if (top == 0)
				break;
			cursor = stack[--top];
			continue;
		}
		i = cursor - 1;
		if (j->items[i].n > 0)
			memcpy(*out + k, j->items[i].s, j->items[i].n * sizeof **out);
		k += j->items[i].n;
		stack[top++] = next[i];
		cursor = first[i + 1];
	}
	free(stack);
	free(next);
	free(first);
}

/* Systems, chassis, sensors, manager, events. */

static void poll_chassis(struct rf_job *j);
static void poll_manager(struct rf_job *j);
static void poll_events(struct rf_job *j);

static void poll_finished(struct rf_job *j)
{
	host_clear_error(j->h);
	rf_job_finish(j, 0);
}

int rf_poll_read_system(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct rf_system *s = &j->rh->sys;

	if (rsp->status != 200 || body == NULL) {
		rf_job_fail(j, BMC_EPROTO, "GET %s: HTTP %ld", j->url, rsp->status);
		return -1;
	}
	memset(s, 0, sizeof *s);
	rf_parse_system(body, s);
	snprintf(j->rh->system_url, sizeof j->rh->system_url, "%s", j->url);
	return 0;
}

static void on_system(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	struct bmc_host *h = j->h;
	struct rf_system *s = &j->rh->sys;

	if (rf_poll_read_system(j, body, rsp) != 0)
		return;
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
void rf_poll_get_system(struct rf_job *j, rf_step then)
{
	if (j->rh->root.systems[0] == '\0') {
		rf_job_fail(j, BMC_EPROTO, "the service root has no Systems link");
		return;
	}
	j->with_system = then;
	rf_job_get(j, j->rh->root.systems, on_systems, RF_BODY_COLLECTION);
}

void rf_poll_system(struct rf_job *j)
{
	rf_poll_get_system(j, on_system);
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
	rf_job_queue_clear(j);
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
	rf_job_queue_clear(j);
	rf_job_get(j, link, on_chassis, RF_BODY_RESOURCE);
}

static void chassis_stage(struct rf_job *j);

/* Start reading the current chassis' sources from the first. */
static void chassis_begin(struct rf_job *j, int learning)
{
	free(j->merged);
	j->merged = NULL;
	j->nmerged = j->capmerged = 0;
	j->stages_used = 0;
	j->stage = 0;
	j->learning = learning;
	chassis_stage(j);
}

/* This chassis has given all it will: keep its sensors and what was learnt. */
static void chassis_done(struct rf_job *j)
{
	struct rf_host *rh = j->rh;
	struct bmc_sensor *s = j->merged;
	size_t n = j->nmerged;

	if (n == 0 && !j->learning) {
		/* What the plan named has gone: walk every source again. */
		rh->sensor_plan = 0;
		chassis_begin(j, 1);
		return;
	}
	if (n == 0) {
		try_next_chassis(j);
		return;
	}
	if (j->learning) {
		rh->sensor_plan = j->stages_used;
		rh->plan_chassis = j->chassis_index - 1;
		rh->plan_age = 0;
	} else {
		rh->plan_age++;
	}
	j->merged = NULL;
	j->nmerged = j->capmerged = 0;
	sensors_finish(j, s, n);
}

/* One source is read: keep the kinds of reading no earlier source gave. */
static void stage_done(struct rf_job *j)
{
	struct bmc_sensor *s;
	size_t n;

	queue_take_sensors(j, &s, &n);
	if (rf_sensors_merge(&j->merged, &j->nmerged, &j->capmerged, s, n) > 0)
		j->stages_used |= 1u << j->stage;
	free(s);
	rf_job_queue_clear(j);
	j->stage++;
	chassis_stage(j);
}

/* Whether the chassis has no reading of kind a, or none of b, yet. */
static int lacking(const struct rf_job *j, const char *a, const char *b)
{
	return !rf_sensors_have_kind(j->merged, j->nmerged, a) ||
	       !rf_sensors_have_kind(j->merged, j->nmerged, b);
}

/*
 * Sensors collection, then Thermal/PowerSubsystem, then legacy Thermal and
 * Power, each kind of reading from the first that has it (rf_sensors_merge),
 * until every kind has one.  Once a poll has learnt which sources gave
 * something, the next ones read only those, on the same chassis, and walk
 * them all again every PLAN_POLLS polls or when they give nothing.
 */
static void chassis_stage(struct rf_job *j)
{
	const struct rf_chassis *c = &j->chassis;
	int thermal = lacking(j, "temperature", "fan"), power = lacking(j, "power", "voltage");

	for (; j->stage <= 2; j->stage++) {
		if (!thermal && !power)
			break;
		if (!j->learning && !(j->rh->sensor_plan & (1u << j->stage)))
			continue;
		if (j->stage == 0 && c->sensors[0] != '\0') {
			queue_add_collection(j, ITEM_SENSOR, c->sensors, 0);
		} else if (j->stage == 1 && ((thermal && c->thermal_subsystem[0] != '\0') ||
					     (power && c->power_subsystem[0] != '\0'))) {
			if (thermal && c->thermal_subsystem[0] != '\0')
				queue_add(j, ITEM_THERMAL_SUBSYSTEM, c->thermal_subsystem);
			if (power && c->power_subsystem[0] != '\0')
				queue_add(j, ITEM_POWER_SUBSYSTEM, c->power_subsystem);
		} else if (j->stage == 2 &&
			   ((thermal && c->thermal[0] != '\0') || (power && c->power[0] != '\0'))) {
			if (thermal && c->thermal[0] != '\0')
				queue_add(j, ITEM_LEGACY_THERMAL, c->thermal);
			if (power && c->power[0] != '\0')
				queue_add(j, ITEM_LEGACY_POWER, c->power);
		} else {
			continue;
		}
		queue_run(j, stage_done);
		return;
	}
	chassis_done(j);
}

static void on_chassis(struct rf_job *j, json_t *body, struct rf_response *rsp)
{
	const struct rf_host *rh = j->rh;

	if (rsp->status != 200 || body == NULL) {
		try_next_chassis(j);
		return;
	}
	memset(&j->chassis, 0, sizeof j->chassis);
	rf_parse_chassis(body, &j->chassis);
	chassis_begin(j, rh->sensor_plan == 0 || rh->plan_chassis != j->chassis_index - 1 ||
			     rh->plan_age >= PLAN_POLLS);
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
	rf_job_get(j, j->rh->root.chassis, on_chassis_list, RF_BODY_COLLECTION);
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
	rf_job_get(j, j->rh->root.managers, on_managers, RF_BODY_COLLECTION);
}

/* Events: the system's log services, else the manager's. */

#define MAX_LINKED_ENTRIES 50 /* log entries listed as links only: the newest fetched */

static void on_log_entries(struct rf_job *j, json_t *body, struct rf_response *rsp);
static void events_finish(struct rf_job *j);

/* The fetched entries take the place of the links: the log is whole again. */
static void linked_entries_done(struct rf_job *j)
{
	json_t *listed = j->log_members, *all = json_array(), *m;
	size_t i;

	json_array_foreach(listed, i, m)
	{
		if (rf_member_expanded(m))
			json_array_append(all, m);
	}
	for (i = 0; i < j->nitems; i++)
		if (j->items[i].entry != NULL)
			json_array_append(all, j->items[i].entry);
	json_decref(listed);
	j->log_members = all;
	rf_job_queue_clear(j);
	events_finish(j);
}

/*
 * Entries the service listed as links only (no $expand, or one it
 * ignored): fetch the newest MAX_LINKED_ENTRIES through the queue.  0 when
 * there are none, 1 when the queue runs (it calls events_finish again).
 */
static int fetch_linked_entries(struct rf_job *j)
{
	size_t idx[MAX_LINKED_ENTRIES], n, i;
	json_t *m;

	if (j->log_linked || j->log_members == NULL)
		return 0;
	j->log_linked = 1;
	n = rf_pick_linked_entries(j->log_members, MAX_LINKED_ENTRIES, idx);
	if (n == 0)
		return 0;
	rf_job_queue_clear(j);
	for (i = 0; i < n; i++) {
		m = json_array_get(j->log_members, idx[i]);
		queue_add(j, ITEM_LOG_ENTRY, json_string_value(json_object_get(m, "@odata.id")));
	}
	queue_run(j, linked_entries_done);
	return 1;
}

static void events_finish(struct rf_job *j)
{
	struct bmc_event *ev = NULL;
	size_t n = 0;
	json_t *all;

	if (fetch_linked_entries(j))
		return;

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
		rf_job_get(j, next, on_log_entries, RF_BODY_LOG);
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
	rf_job_get(j, entries, on_log_entries, RF_BODY_LOG);
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
		rf_job_get(j, entries, on_log_entries, RF_BODY_LOG);
		return;
	}
	/* Bare links: read the chosen service for where its entries are. */
	len = strlen(entries);
	if (len > 8 && strcmp(entries + len - 8, "/Entries") == 0)
		entries[len - 8] = '\0';
	rf_job_get(j, entries, on_log_service, RF_BODY_RESOURCE);
}

static void try_manager_logs(struct rf_job *j)
{
	if (j->log_on_manager || j->rh->manager_logs[0] == '\0') {
		events_finish(j);
		return;
	}
	j->log_on_manager = 1;
	rf_job_get(j, j->rh->manager_logs, on_log_services, RF_BODY_COLLECTION);
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
	rf_job_get(j, j->rh->sys.log_services, on_log_services, RF_BODY_COLLECTION);
}
