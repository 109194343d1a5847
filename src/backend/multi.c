/*
 * backend/multi.c - protocol = auto and protocol = both, as one composite
 * backend over the IPMI and Redfish backends.
 *
 * Each protocol gets a host of its own (struct multi_half.sub): a copy of
 * the real host's configuration on a shadow engine that has the same loop
 * and credential cache but no observers.  The sub-backends keep their state
 * behind the sub-host's backend_data and report into it as if it were the
 * only host; when one of their operations ends, what it found is copied
 * onto the real host and the observers are told.  So neither backend knows
 * it is shared, and each keeps its own sessions, counters and errors.
 *
 * auto decides once: a host whose service root (at its `redfish =` URL, else
 * https://ADDRESS) answers an unauthenticated GET is Redfish; anything else
 * is IPMI.  A TLS key that changed also means Redfish, so that the user
 * sees that error instead of a quiet switch to IPMI.  The choice is kept, so
 * an address without Redfish costs one refused connection, not one per
 * poll; only after MULTI_REPROBE failed polls in a row is it asked again.
 *
 * both polls the two at once: Redfish for power, inventory, consoles and
 * events, IPMI for sensors and FRU; each value keeps its source.  When one
 * half fails the other still fills the host, and the error names the half.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/multi.h"
#include "core/log.h"
#include "core/xalloc.h"

#define MULTI_REPROBE 3 /* failed polls in a row before auto asks again */

enum op_kind { OP_POLL, OP_POWER, OP_BOOT, OP_IDENTIFY, OP_TRUST };

struct multi_op {
	struct bmc_host *h;
	enum op_kind kind;
	unsigned what;
	enum bmc_power_action action;
	enum bmc_boot_device device;
	int persistent, seconds;
	bmc_op_cb cb;
	void *arg;
	unsigned pending; /* halves still running (both) */
	int status[2];
};

struct multi_host;

/* sub comes first: the sub-host a callback gets is its half. */
struct multi_half {
	struct bmc_host sub;
	struct multi_host *mh;
	const struct bmc_backend *be;
	int attached;
	int closed;
};

struct multi_host {
	struct bmc_host *h;
	int both;
	struct multi_half half[2]; /* [0] Redfish, [1] IPMI */
	enum bmc_source chosen;	   /* auto: SRC_NONE until decided */
	unsigned failures;
	unsigned closing_left;
	void (*closed)(struct bmc_host *h);
};

#define RF   0
#define IPMI 1

/* Shadow engines, one per real engine, shared by its composite hosts. */
struct shadow {
	struct bmc_engine *real;
	struct bmc_engine engine;
	unsigned refs;
	struct shadow *next;
};

static struct shadow *shadows;

static void forward_action(void *ctx, struct bmc_host *sub, const char *action, int status,
			   const char *msg);

static struct bmc_engine *shadow_get(struct bmc_engine *real)
{
	struct shadow *s;

	for (s = shadows; s != NULL; s = s->next)
		if (s->real == real)
			break;
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->real = real;
		s->engine.loop = real->loop;
		s->engine.fleet = real->fleet;
		s->engine.creds = real->creds;
		s->engine.observers = xcalloc(1, sizeof *s->engine.observers);
		s->engine.observers[0].action_done = forward_action;
		s->engine.nobservers = 1;
		s->next = shadows;
		shadows = s;
	}
	s->refs++;
	return &s->engine;
}

static void shadow_put(struct bmc_engine *engine)
{
	struct shadow **pp, *s;

	for (pp = &shadows; *pp != NULL; pp = &(*pp)->next) {
		s = *pp;
		if (&s->engine == engine) {
			if (--s->refs == 0) {
				*pp = s->next;
				free(s->engine.observers);
				free(s);
			}
			return;
		}
	}
}

static struct multi_host *multi_of(struct bmc_host *h)
{
	return h->backend_data;
}

/* Copying results onto the real host. */

static void copy_string(char **dst, const char *src)
{
	if (src != NULL)
		host_set_string(dst, src);
}

/* A copy of n records of size bytes whose enum bmc_source field (at
 * src_at) says src where it said nothing; NULL when n is 0. */
static void *copy_tagged(const void *from, size_t n, size_t size, size_t src_at,
			 enum bmc_source src)
{
	uint8_t *copy;
	enum bmc_source *tag;
	size_t i;

	if (n == 0)
		return NULL;
	copy = xcalloc(n, size);
	memcpy(copy, from, n * size);
	for (i = 0; i < n; i++) {
		tag = (enum bmc_source *)(copy + i * size + src_at);
		if (*tag == SRC_NONE)
			*tag = src;
	}
	return copy;
}

static void copy_sensors(struct bmc_host *h, const struct bmc_host *from, enum bmc_source src)
{
	host_set_sensors(h,
			 copy_tagged(from->sensors, from->nsensors, sizeof *from->sensors,
				     offsetof(struct bmc_sensor, source), src),
			 from->nsensors);
}

static void copy_events(struct bmc_host *h, const struct bmc_host *from, enum bmc_source src)
{
	host_set_events(h,
			copy_tagged(from->events, from->nevents, sizeof *from->events,
				    offsetof(struct bmc_event, source), src),
			from->nevents);
}

static void copy_inventory(struct bmc_host *h, const struct bmc_host *from)
{
	struct bmc_kv *kv = NULL;
	size_t i;

	if (from->ninventory == 0)
		return;
	kv = xcalloc(from->ninventory, sizeof *kv);
	for (i = 0; i < from->ninventory; i++) {
		kv[i].key = xstrdup(from->inventory[i].key);
		kv[i].value = xstrdup(from->inventory[i].value);
	}
	host_set_inventory(h, kv, from->ninventory);
}

/* Identity and state: power, health, names, boot, consoles. */
static void copy_identity(struct bmc_host *h, const struct bmc_host *from)
{
	if (from->power != BMC_POWER_UNKNOWN)
		h->power = from->power;
	copy_string(&h->vendor, from->vendor);
	copy_string(&h->model, from->model);
	copy_string(&h->serial, from->serial);
	copy_string(&h->firmware, from->firmware);
	copy_string(&h->last_power_event, from->last_power_event);
	h->boot_device = from->boot_device;
	h->boot_persistent = from->boot_persistent;
	if (from->console_caps & CONSOLE_CAP_KNOWN)
		h->console_caps = from->console_caps;
}

static void sum_counters(struct bmc_host *h, const struct multi_host *mh)
{
	int c;

	for (c = 0; c < CNT__MAX; c++) {
		if (c == CNT_POLLS || c == CNT_POLL_FAILURES)
			continue; /* the engine counts those on the real host */
		h->counters[c] = mh->half[RF].sub.counters[c] + mh->half[IPMI].sub.counters[c];
	}
}

static enum bmc_health worse(enum bmc_health a, enum bmc_health b)
{
	return a > b ? a : b;
}

/* auto: the one half that ran is the host. */
static void merge_one(struct multi_host *mh, int i, int status)
{
	struct bmc_host *h = mh->h, *sub = &mh->half[i].sub;
	enum bmc_source src = i == RF ? SRC_REDFISH : SRC_IPMI;

	copy_identity(h, sub);
	h->health = sub->health;
	h->protocol = sub->protocol != SRC_NONE ? sub->protocol : h->protocol;
	copy_sensors(h, sub, src);
	copy_events(h, sub, src);
	copy_inventory(h, sub);
	sum_counters(h, mh);
	if (status == 0)
		host_clear_error(h);
	else if (sub->error != NULL)
		host_set_error(h, status, "%s", sub->error);
	else
		host_set_error(h, status, "%s", bmc_strerror(status));
}

/* both: Redfish's identity and events, IPMI's sensors and FRU, each when it answered. */
static void merge_both(struct multi_host *mh, const int status[2])
{
	struct bmc_host *h = mh->h;
	struct bmc_host *rf = &mh->half[RF].sub, *ipmi = &mh->half[IPMI].sub;
	int rf_ok = mh->half[RF].attached && status[RF] == 0;
	int ipmi_ok = mh->half[IPMI].attached && status[IPMI] == 0;
	char *note = NULL;

	if (ipmi_ok)
		copy_identity(h, ipmi);
	if (rf_ok)
		copy_identity(h, rf); /* Redfish wins where both know */
	if (ipmi_ok && (ipmi->nsensors > 0 || !rf_ok))
		copy_sensors(h, ipmi, SRC_IPMI);
	else if (rf_ok)
		copy_sensors(h, rf, SRC_REDFISH);
	if (rf_ok && (rf->nevents > 0 || !ipmi_ok))
		copy_events(h, rf, SRC_REDFISH);
	else if (ipmi_ok)
		copy_events(h, ipmi, SRC_IPMI);
	if (ipmi_ok)
		copy_inventory(h, ipmi);
	h->health = worse(rf_ok ? rf->health : BMC_HEALTH_UNKNOWN, host_rollup_health(h));
	h->protocol = rf_ok && ipmi_ok ? SRC_NONE
		      : rf_ok	       ? SRC_REDFISH
		      : ipmi_ok	       ? SRC_IPMI
				       : SRC_NONE;
	sum_counters(h, mh);
	if (!rf_ok && !ipmi_ok) {
		host_set_error(h, mh->half[RF].attached ? status[RF] : status[IPMI],
			       "redfish: %s; ipmi: %s",
			       rf->error	       ? rf->error
			       : mh->half[RF].attached ? bmc_strerror(status[RF])
						       : "not configured",
			       ipmi->error		 ? ipmi->error
			       : mh->half[IPMI].attached ? bmc_strerror(status[IPMI])
							 : "not configured");
		return;
	}
	if (mh->half[RF].attached && !rf_ok)
		note = xasprintf("redfish: %s", rf->error ? rf->error : bmc_strerror(status[RF]));
	else if (mh->half[IPMI].attached && !ipmi_ok)
		note =
		    xasprintf("ipmi: %s", ipmi->error ? ipmi->error : bmc_strerror(status[IPMI]));
	host_clear_error(h);
	/* Half an answer is an answer; the half that failed is still named. */
	h->error = note;
}

/* Operations. */

static int half_start(struct multi_op *op, int i, bmc_op_cb cb);

static void op_end(struct multi_op *op, int status)
{
	struct bmc_host *h = op->h;
	bmc_op_cb cb = op->cb;
	void *arg = op->arg;

	free(op);
	host_changed(h, CHANGED_STATE | CHANGED_READINGS | CHANGED_EVENTS | CHANGED_INVENTORY);
	cb(h, status, arg);
}

static int half_of(const struct multi_host *mh, const struct bmc_host *sub)
{
	return sub == &mh->half[RF].sub ? RF : IPMI;
}

static void on_auto_done(struct bmc_host *sub, int status, void *arg)
{
	struct multi_op *op = arg;
	struct multi_host *mh = multi_of(op->h);
	int i = half_of(mh, sub);

	if (status == BMC_ECANCELED) {
		op_end(op, status);
		return;
	}
	merge_one(mh, i, status);
	if (op->kind == OP_POLL) {
		if (status == 0 || status == BMC_EAUTH) {
			mh->failures = 0;
		} else if (++mh->failures >= MULTI_REPROBE && mh->half[RF].attached &&
			   mh->half[IPMI].attached) {
			log_info("%s: %d failed polls over %s; asking again which protocol answers",
				 op->h->cfg->name, MULTI_REPROBE, i == RF ? "Redfish" : "IPMI");
			mh->chosen = SRC_NONE;
			mh->failures = 0;
		}
	}
	op_end(op, status);
}

static void on_probe_done(struct bmc_host *sub, int status, void *arg)
{
	struct multi_op *op = arg;
	struct multi_host *mh = multi_of(op->h);
	int rc;

	(void)sub;
	if (status == BMC_ECANCELED) {
		op_end(op, status);
		return;
	}
	mh->chosen = status == 0 || status == BMC_ETLS ? SRC_REDFISH : SRC_IPMI;
	log_info("%s: protocol auto: %s", op->h->cfg->name,
		 mh->chosen == SRC_REDFISH ? "the Redfish service answers; using Redfish"
					   : "no Redfish service answers; using IPMI");
	rc = half_start(op, mh->chosen == SRC_REDFISH ? RF : IPMI, on_auto_done);
	if (rc != 0) {
		host_set_error(op->h, rc, "%s", bmc_strerror(rc));
		op_end(op, rc);
	}
}

/* Start op on one half; 0, or a negative code when it did not start. */
static int half_start(struct multi_op *op, int i, bmc_op_cb cb)
{
	struct multi_host *mh = multi_of(op->h);
	struct bmc_host *sub = &mh->half[i].sub;
	const struct bmc_backend *be = mh->half[i].be;
	unsigned what = op->what;

	if (!mh->half[i].attached)
		return BMC_ENOTSUP;
	if (mh->both && op->kind == OP_POLL && mh->half[RF].attached && mh->half[IPMI].attached)
		what &= i == RF ? ~(unsigned)POLL_SENSORS : ~(unsigned)POLL_EVENTS;
	switch (op->kind) {
	case OP_POLL:
		return be->poll ? be->poll(sub, what, cb, op) : BMC_ENOTSUP;
	case OP_POWER:
		return be->power ? be->power(sub, op->action, cb, op) : BMC_ENOTSUP;
	case OP_BOOT:
		return be->boot ? be->boot(sub, op->device, op->persistent, cb, op) : BMC_ENOTSUP;
	case OP_IDENTIFY:
		return be->identify ? be->identify(sub, op->seconds, cb, op) : BMC_ENOTSUP;
	case OP_TRUST:
		return be->trust ? be->trust(sub, cb, op) : BMC_ENOTSUP;
	}
	return BMC_ENOTSUP;
}

/* Which half an action goes to: the chosen one (auto), else Redfish first. */
static int action_half(const struct multi_host *mh, enum op_kind kind)
{
	if (kind == OP_IDENTIFY)
		return mh->half[IPMI].attached ? IPMI : RF;
	if (kind == OP_TRUST)
		return RF;
	if (!mh->both && mh->chosen != SRC_NONE)
		return mh->chosen == SRC_REDFISH ? RF : IPMI;
	return mh->half[RF].attached ? RF : IPMI;
}

static int auto_start(struct multi_op *op)
{
	struct multi_host *mh = multi_of(op->h);
	int rc;

	if (mh->chosen == SRC_NONE) {
		if (!mh->half[RF].attached)
			mh->chosen = SRC_IPMI;
		else if (!mh->half[IPMI].attached)
			mh->chosen = SRC_REDFISH;
	}
	if (mh->chosen == SRC_NONE && op->kind != OP_TRUST) {
		rc = mh->half[RF].be->probe(&mh->half[RF].sub, on_probe_done, op);
		if (rc != 0)
			free(op);
		return rc;
	}
	rc = half_start(op, op->kind == OP_TRUST ? RF : action_half(mh, op->kind), on_auto_done);
	if (rc != 0)
		free(op);
	return rc;
}

static void on_both_done(struct bmc_host *sub, int status, void *arg)
{
	struct multi_op *op = arg;
	struct multi_host *mh = multi_of(op->h);
	int i = half_of(mh, sub), worst;

	op->status[i] = status;
	if (--op->pending > 0)
		return;
	if (op->status[RF] == BMC_ECANCELED || op->status[IPMI] == BMC_ECANCELED) {
		op_end(op, BMC_ECANCELED);
		return;
	}
	if (op->kind != OP_POLL) {
		merge_one(mh, i, status);
		op_end(op, status);
		return;
	}
	merge_both(mh, op->status);
	worst = (!mh->half[RF].attached || op->status[RF] != 0) &&
			(!mh->half[IPMI].attached || op->status[IPMI] != 0)
		    ? mh->h->last_status
		    : 0;
	op_end(op, worst);
}

static int both_start(struct multi_op *op)
{
	struct multi_host *mh = multi_of(op->h);
	int i, rc, started = 0, first_rc = BMC_ENOTSUP;

	if (op->kind != OP_POLL) {
		op->pending = 1;
		rc = half_start(op, action_half(mh, op->kind), on_both_done);
		if (rc != 0)
			free(op);
		return rc;
	}
	/* Count both before starting either: a half may finish at once. */
	op->pending = (unsigned)(mh->half[RF].attached + mh->half[IPMI].attached) + 1;
	for (i = 0; i < 2; i++) {
		if (!mh->half[i].attached)
			continue;
		rc = half_start(op, i, on_both_done);
		if (rc == 0) {
			started++;
		} else {
			op->status[i] = rc;
			op->pending--;
			first_rc = rc;
		}
	}
	if (started == 0) {
		free(op);
		return first_rc;
	}
	on_both_done(NULL, 0, op); /* drop the extra count */
	return 0;
}

static int multi_start(struct bmc_host *h, struct multi_op *op)
{
	op->h = h;
	return multi_of(h)->both ? both_start(op) : auto_start(op);
}

static struct multi_op *op_new(enum op_kind kind, bmc_op_cb cb, void *arg)
{
	struct multi_op *op = xcalloc(1, sizeof *op);

	op->kind = kind;
	op->cb = cb;
	op->arg = arg;
	return op;
}

static int multi_poll(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg)
{
	struct multi_op *op = op_new(OP_POLL, cb, arg);

	op->what = what;
	return multi_start(h, op);
}

static int multi_power(struct bmc_host *h, enum bmc_power_action a, bmc_op_cb cb, void *arg)
{
	struct multi_op *op = op_new(OP_POWER, cb, arg);

	op->action = a;
	return multi_start(h, op);
}

static int multi_boot(struct bmc_host *h, enum bmc_boot_device dev, int persistent, bmc_op_cb cb,
		      void *arg)
{
	struct multi_op *op = op_new(OP_BOOT, cb, arg);

	op->device = dev;
	op->persistent = persistent;
	return multi_start(h, op);
}

static int multi_identify(struct bmc_host *h, int seconds, bmc_op_cb cb, void *arg)
{
	struct multi_op *op = op_new(OP_IDENTIFY, cb, arg);

	op->seconds = seconds;
	return multi_start(h, op);
}

static int multi_trust(struct bmc_host *h, bmc_op_cb cb, void *arg)
{
	if (!multi_of(h)->half[RF].attached)
		return BMC_ENOTSUP;
	return multi_start(h, op_new(OP_TRUST, cb, arg));
}

/*
 * Actions report through observers; the shadow engine has one, which hands
 * the report to the real host's observers (the sub-backend has logged it).
 */
static void forward_action(void *ctx, struct bmc_host *sub, const char *action, int status,
			   const char *msg)
{
	struct multi_half *half = (struct multi_half *)(void *)sub;
	struct bmc_host *h = half->mh->h;
	struct bmc_engine *e = h->engine;
	size_t i;

	(void)ctx;
	for (i = 0; i < e->nobservers; i++)
		if (e->observers[i].action_done != NULL)
			e->observers[i].action_done(e->observers[i].ctx, h, action, status, msg);
}

/* Lifecycle. */

static int multi_attach(struct bmc_host *h, int both, char **err)
{
	struct multi_host *mh = xcalloc(1, sizeof *mh);
	char *why[2] = {NULL, NULL};
	int i;

	mh->h = h;
	mh->both = both;
	mh->half[RF].be = &redfish_backend;
	mh->half[IPMI].be = &ipmi_backend;
	for (i = 0; i < 2; i++) {
		struct bmc_host *sub = &mh->half[i].sub;

		mh->half[i].mh = mh;
		sub->engine = shadow_get(h->engine);
		sub->cfg = h->cfg;
		sub->index = h->index;
		if (mh->half[i].be->attach(sub, &why[i]) == 0)
			mh->half[i].attached = 1;
	}
	if (!mh->half[RF].attached && !mh->half[IPMI].attached) {
		*err = xasprintf("neither protocol can be used: redfish: %s; ipmi: %s",
				 why[RF] ? why[RF] : "refused", why[IPMI] ? why[IPMI] : "refused");
		for (i = 0; i < 2; i++)
			shadow_put(mh->half[i].sub.engine);
		free(why[RF]);
		free(why[IPMI]);
		free(mh);
		return -1;
	}
	for (i = 0; i < 2; i++)
		if (!mh->half[i].attached && why[i] != NULL)
			log_info("%s: protocol %s: %s not used: %s", h->cfg->name,
				 both ? "both" : "auto", i == RF ? "Redfish" : "IPMI", why[i]);
	free(why[RF]);
	free(why[IPMI]);
	h->backend_data = mh;
	return 0;
}

static int auto_attach(struct bmc_host *h, char **err)
{
	return multi_attach(h, 0, err);
}

static int both_attach(struct bmc_host *h, char **err)
{
	return multi_attach(h, 1, err);
}

static void on_half_closed(struct bmc_host *sub)
{
	struct multi_half *half = (struct multi_half *)(void *)sub;
	struct multi_host *mh = half->mh;

	half->closed = 1;
	if (--mh->closing_left == 0)
		mh->closed(mh->h);
}

static void multi_close(struct bmc_host *h, void (*done)(struct bmc_host *h))
{
	struct multi_host *mh = multi_of(h);
	int i;

	mh->closed = done;
	mh->closing_left = 1;
	for (i = 0; i < 2; i++) {
		if (!mh->half[i].attached || mh->half[i].be->close == NULL)
			continue;
		mh->closing_left++;
		mh->half[i].sub.engine->closing = 1;
		mh->half[i].be->close(&mh->half[i].sub, on_half_closed);
	}
	if (--mh->closing_left == 0)
		done(h);
}

static void multi_detach(struct bmc_host *h)
{
	struct multi_host *mh = multi_of(h);
	int i;

	if (mh == NULL)
		return;
	for (i = 0; i < 2; i++) {
		struct bmc_host *sub = &mh->half[i].sub;

		if (mh->half[i].attached && mh->half[i].be->detach != NULL)
			mh->half[i].be->detach(sub);
		free(sub->vendor);
		free(sub->model);
		free(sub->serial);
		free(sub->firmware);
		free(sub->last_power_event);
		free(sub->sensors);
		free(sub->events);
		host_free_inventory(sub->inventory, sub->ninventory);
		free(sub->error);
		shadow_put(sub->engine);
	}
	free(mh);
	h->backend_data = NULL;
}

const struct bmc_backend auto_backend = {
    .name = "auto",
    .attach = auto_attach,
    .poll = multi_poll,
    .power = multi_power,
    .boot = multi_boot,
    .identify = multi_identify,
    .close = multi_close,
    .trust = multi_trust,
    .detach = multi_detach,
};

const struct bmc_backend both_backend = {
    .name = "both",
    .attach = both_attach,
    .poll = multi_poll,
    .power = multi_power,
    .boot = multi_boot,
    .identify = multi_identify,
    .close = multi_close,
    .trust = multi_trust,
    .detach = multi_detach,
};
