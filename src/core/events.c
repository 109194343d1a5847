/*
 * core/events.c - the fleet event ring, in memory and in a ring file.
 *
 * Entry seq lives in slot (seq - 1) % EVENTS_CAP, in memory and in the
 * file (a header, then the slots as struct fleet_event), so an add, a
 * fold or an acknowledgement is one pwrite of one slot.  On open the file's
 * slots are read back; one whose seq does not belong to its slot is
 * dropped.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "core/events.h"
#include "core/host-json.h"
#include "core/paths.h"
#include "core/xalloc.h"

#define MAGIC	   "BMCTEVT1"
#define HEADER	   16
#define SLOT_BYTES (sizeof(struct fleet_event))

struct events {
	struct fleet_event *ring; /* EVENTS_CAP */
	uint64_t next;		  /* seq of the next new entry */
	size_t held;		  /* entries next - held .. next - 1 are there */
	uint64_t version;
	int fd; /* -1: memory only */
	int writer;
};

static const char *const kind_names[FEV__MAX] = {"health", "power", "state", "sensor", "sel"};

const char *fev_kind_name(enum fev_kind k)
{
	return (unsigned)k < FEV__MAX ? kind_names[k] : "?";
}

int fev_kind_parse(const char *name)
{
	int k;

	for (k = 0; k < FEV__MAX; k++)
		if (strcmp(kind_names[k], name) == 0)
			return k;
	return -1;
}

static size_t slot_of(uint64_t seq)
{
	return (size_t)((seq - 1) % EVENTS_CAP);
}

static void slot_write(struct events *ev, const struct fleet_event *e)
{
	ev->version++;
	off_t off = HEADER + (off_t)slot_of(e->seq) * (off_t)SLOT_BYTES;

	/* A failed write loses this entry from the file, not from memory. */
	if (ev->fd >= 0 && ev->writer && pwrite(ev->fd, e, SLOT_BYTES, off) != (ssize_t)SLOT_BYTES)
		return;
}

static int load(struct events *ev)
{
	char magic[HEADER];
	ssize_t n = pread(ev->fd, magic, sizeof magic, 0);
	size_t i;

	if (n == 0 && ev->writer) {
		memset(magic, 0, sizeof magic);
		memcpy(magic, MAGIC, 8);
		return pwrite(ev->fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic ? 0 : -errno;
	}
	if (n != (ssize_t)sizeof magic || memcmp(magic, MAGIC, 8) != 0)
		return -EPROTO;
	n = pread(ev->fd, ev->ring, EVENTS_CAP * SLOT_BYTES, HEADER);
	if (n < 0)
		return -errno;
	memset((char *)ev->ring + n, 0, EVENTS_CAP * SLOT_BYTES - (size_t)n);
	for (i = 0; i < EVENTS_CAP; i++) {
		struct fleet_event *e = &ev->ring[i];

		if (e->seq == 0 || slot_of(e->seq) != i || e->kind >= FEV__MAX) {
			memset(e, 0, sizeof *e);
			continue;
		}
		e->host[sizeof e->host - 1] = e->subject[sizeof e->subject - 1] = '\0';
		e->from[sizeof e->from - 1] = e->to[sizeof e->to - 1] = '\0';
		e->text[sizeof e->text - 1] = '\0';
		if (e->seq >= ev->next)
			ev->next = e->seq + 1;
	}
	/* Slots from an older lap than the newest entries are not shown. */
	for (i = 0; i < EVENTS_CAP; i++)
		if (ev->ring[i].seq != 0 && ev->ring[i].seq + EVENTS_CAP < ev->next)
			memset(&ev->ring[i], 0, sizeof ev->ring[i]);
	while (ev->held < EVENTS_CAP && ev->held + 1 < ev->next &&
	       ev->ring[slot_of(ev->next - 1 - ev->held)].seq != 0)
		ev->held++;
	return 0;
}

int events_open(struct events **out, const char *path, int writer, char **err)
{
	struct events *ev = xcalloc(1, sizeof *ev);
	struct stat st;
	int rc = 0;

	*out = NULL;
	ev->ring = xcalloc(EVENTS_CAP, sizeof *ev->ring);
	ev->next = 1;
	ev->fd = -1;
	ev->writer = writer;
	if (path != NULL) {
		ev->fd = paths_open_regular(path, writer ? O_RDWR | O_CREAT : O_RDONLY, 0600, &st);
		if (ev->fd >= 0 && writer && (st.st_mode & 0777) != 0600 &&
		    fchmod(ev->fd, 0600) != 0)
			rc = -errno;
		rc = ev->fd < 0 ? ev->fd : rc == 0 ? load(ev) : rc;
	}
	if (rc != 0) {
		if (err != NULL)
			*err = xasprintf("cannot use %s: %s", path,
					 rc == -EPROTO ? "not a bmctop event file"
						       : paths_strerror(rc));
		events_close(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

void events_close(struct events *ev)
{
	if (ev == NULL)
		return;
	if (ev->fd >= 0)
		close(ev->fd);
	free(ev->ring);
	free(ev);
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* The host's recent entry this change folds into, or NULL. */
static struct fleet_event *flapping(struct events *ev, int64_t t, const char *host,
				    enum fev_kind kind, const char *subject)
{
	size_t i, n = events_count(ev);

	if (kind == FEV_SEL)
		return NULL;
	for (i = 0; i < n; i++) {
		struct fleet_event *e = &ev->ring[slot_of(ev->next - 1 - i)];

		if (e->seq == 0 || t - e->t > (int64_t)EVENTS_FLAP_S * 1000)
			break;
		if (e->kind == kind && !e->acked && strcmp(e->host, host) == 0 &&
		    strcmp(e->subject, subject != NULL ? subject : "") == 0)
			return e;
	}
	return NULL;
}

const struct fleet_event *events_add(struct events *ev, int64_t t, const char *host,
				     enum fev_kind kind, const char *subject, const char *from,
				     const char *to, int severity, const char *text)
{
	struct fleet_event *e;

	if (host == NULL || (unsigned)kind >= FEV__MAX)
		return NULL;
	e = flapping(ev, t, host, kind, subject);
	if (e != NULL) {
		e->count++;
		e->t = t;
	} else {
		e = &ev->ring[slot_of(ev->next)];
		memset(e, 0, sizeof *e);
		e->seq = ev->next++;
		if (ev->held < EVENTS_CAP)
			ev->held++;
		e->t_first = e->t = t;
		e->count = 1;
		e->kind = (uint8_t)kind;
		copy(e->host, sizeof e->host, host);
		copy(e->subject, sizeof e->subject, subject);
		copy(e->from, sizeof e->from, from);
	}
	copy(e->to, sizeof e->to, to);
	copy(e->text, sizeof e->text, text);
	e->severity = (uint8_t)severity;
	slot_write(ev, e);
	return e;
}

void events_import(struct events *ev, const struct fleet_event *from)
{
	struct fleet_event *e = &ev->ring[slot_of(ev->next)];

	*e = *from;
	e->seq = ev->next++;
	if (ev->held < EVENTS_CAP)
		ev->held++;
	slot_write(ev, e);
}

size_t events_count(const struct events *ev)
{
	return ev->held;
}

const struct fleet_event *events_get(const struct events *ev, size_t i)
{
	if (i >= events_count(ev))
		return NULL;
	return &ev->ring[slot_of(ev->next - 1 - i)];
}

size_t events_since(const struct events *ev, int64_t since_ms, const struct fleet_event **out,
		    size_t max)
{
	size_t i, n = events_count(ev), count = 0;

	for (i = 0; i < n; i++) {
		const struct fleet_event *e = &ev->ring[slot_of(ev->next - 1 - i)];

		if (e->t < since_ms)
			continue;
		if (count < max)
			out[count] = e;
		count++;
	}
	return count;
}

int events_ack(struct events *ev, uint64_t seq)
{
	struct fleet_event *e;

	if (seq == 0 || seq >= ev->next)
		return -ENOENT;
	e = &ev->ring[slot_of(seq)];
	if (e->seq != seq)
		return -ENOENT;
	e->acked = 1;
	slot_write(ev, e);
	return 0;
}

size_t events_ack_matching(struct events *ev, int (*match)(const struct fleet_event *e, void *ctx),
			   void *ctx)
{
	size_t i, n = events_count(ev), count = 0;

	for (i = 0; i < n; i++) {
		struct fleet_event *e = &ev->ring[slot_of(ev->next - 1 - i)];

		if (e->acked || (match != NULL && !match(e, ctx)))
			continue;
		e->acked = 1;
		slot_write(ev, e);
		count++;
	}
	return count;
}

uint64_t events_version(const struct events *ev)
{
	return ev->version;
}

size_t events_unacked(const struct events *ev, const char *host)
{
	size_t i, n = events_count(ev), count = 0;

	for (i = 0; i < n; i++) {
		const struct fleet_event *e = &ev->ring[slot_of(ev->next - 1 - i)];

		if (!e->acked && strcmp(e->host, host) == 0)
			count++;
	}
	return count;
}

json_t *events_to_json(const struct fleet_event *e)
{
	json_t *o = json_object();
	char when[32];

	json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
	host_json_utc(when, sizeof when, e->t);
	json_object_set_new(o, "time", json_string(when));
	host_json_utc(when, sizeof when, e->t_first);
	json_object_set_new(o, "first", json_string(when));
	json_object_set_new(o, "host", json_string(e->host));
	json_object_set_new(o, "kind", json_string(fev_kind_name(e->kind)));
	json_object_set_new(o, "subject", e->subject[0] ? json_string(e->subject) : json_null());
	json_object_set_new(o, "from", json_string(e->from));
	json_object_set_new(o, "to", json_string(e->to));
	json_object_set_new(o, "count", json_integer(e->count));
	json_object_set_new(o, "acked", json_boolean(e->acked));
	json_object_set_new(o, "text", json_string(e->text));
	return o;
}

int events_cursor_before(const struct events_cursor *c, const struct fleet_event *e)
{
	return e->t > c->t || (e->t == c->t && e->seq > c->seq);
}

static int cmp_change(const void *a, const void *b)
{
	const struct fleet_event *x = *(const struct fleet_event *const *)a;
	const struct fleet_event *y = *(const struct fleet_event *const *)b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

size_t events_after(const struct events *ev, const struct events_cursor *c,
		    const struct fleet_event **out, size_t max)
{
	size_t i, n = events_count(ev), count = 0;

	for (i = 0; i < n && count < max; i++) {
		const struct fleet_event *e = &ev->ring[slot_of(ev->next - 1 - i)];

		if (events_cursor_before(c, e))
			out[count++] = e;
	}
	qsort(out, count, sizeof *out, cmp_change);
	return count;
}

void events_cursor_format(const struct fleet_event *e, char *buf, size_t len)
{
	snprintf(buf, len, "%lld-%llu", (long long)e->t, (unsigned long long)e->seq);
}

int events_cursor_parse(const char *s, struct events_cursor *c)
{
	char *end;
	long long t;
	unsigned long long seq;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	t = strtoll(s, &end, 10);
	if (errno != 0 || *end != '-' || end[1] < '0' || end[1] > '9')
		return -1;
	seq = strtoull(end + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	c->t = t;
	c->seq = seq;
	return 0;
}

int events_parse_ago(const char *s, int64_t *out)
{
	char *end;
	double v, scale = 1;

	v = strtod(s, &end);
	if (end == s || !(v > 0))
		return -1;
	if (strcmp(end, "m") == 0)
		scale = 60;
	else if (strcmp(end, "h") == 0)
		scale = 3600;
	else if (strcmp(end, "d") == 0)
		scale = 86400;
	else if (strcmp(end, "w") == 0)
		scale = 7 * 86400;
	else if (strcmp(end, "s") != 0 && *end != '\0')
		return -1;
	v *= scale;
	if (v > 7 * 86400.0 + 0.5)
		return -1;
	*out = (int64_t)(v + 0.5);
	return 0;
}
