/*
 * redfish/parse-logs.c - the event log: which of a system's or manager's log
 * services holds events (the SEL first), and its entries as events, newest
 * first, whatever order the service lists them in.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/xalloc.h"
#include "redfish/json.h"
#include "redfish/parse.h"

#define RF_EVENTS_MAX 4096 /* newest log entries kept */

/* Logs. */

/* Lower is better: the SEL (iLO's IML is its SEL), then event logs. */
static int log_rank(const char *id, const char *entry_type)
{
	static const char *const never[] = {
	    "Dump", "PostCodes", "DebugTokenService", "HostLogger", "Crashdump", "AuditLog", "SL"};
	size_t i;

	if (entry_type != NULL && strcmp(entry_type, "SEL") == 0)
		return 0;
	if (id == NULL)
		return -1;
	if (strcasecmp(id, "SEL") == 0 || strcasecmp(id, "IML") == 0)
		return 0;
	if (strcasestr(id, "Event") != NULL || strncasecmp(id, "Log", 3) == 0)
		return 1;
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (strcasecmp(id, never[i]) == 0)
			return -1;
	return 2;
}

/*
 * Members expanded (LogService objects) give Entries; bare links give the
 * LogService, whose Entries is at "<service>/Entries": DSP0266 fixes that
 * URI since Redfish 1.6.  rf_parse_log_service() reads it for older services.
 */
int rf_pick_log_entries(json_t *j, char *out, size_t outlen)
{
	json_t *members = rf_json_array(j, "Members");
	const char *best = NULL;
	int best_rank = -1, best_expanded = 0;
	size_t i;

	if (outlen > 0)
		out[0] = '\0';
	for (i = 0; i < json_array_size(members); i++) {
		json_t *m = json_array_get(members, i);
		const char *self = rf_json_str(m, "@odata.id"),
			   *entries = rf_json_link(m, "Entries");
		const char *id = rf_json_str(m, "Id");
		int rank;

		if (id == NULL && self != NULL) {
			const char *slash = strrchr(self, '/');

			id = slash ? slash + 1 : self;
		}
		rank = log_rank(id, rf_json_str(m, "LogEntryType"));
		if (rank < 0 || (entries == NULL && self == NULL))
			continue;
		if (best == NULL || rank < best_rank) {
			best = entries ? entries : self;
			best_expanded = entries != NULL;
			best_rank = rank;
		}
	}
	if (best == NULL || outlen == 0 || !rf_json_fits_clean(best, RF_LINK_MAX))
		return -1;
	if (best_expanded) {
		rf_json_copy_whole(out, outlen, best);
	} else {
		size_t len = strlen(best);

		while (len > 0 && best[len - 1] == '/')
			len--;
		if (len == 0 || len + sizeof("/Entries") > outlen)
			return -1;
		memcpy(out, best, len);
		memcpy(out + len, "/Entries", sizeof("/Entries"));
	}
	return out[0] != '\0' ? 0 : -1;
}

int rf_parse_log_service(json_t *j, char *out, size_t outlen)
{
	if (outlen > 0)
		out[0] = '\0';
	rf_json_copy_whole(out, outlen, rf_json_link(j, "Entries"));
	return outlen > 0 && out[0] != '\0' ? 0 : -1;
}

static int days_in_month(int year, int mon)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[mon - 1] + (mon == 2 && leap);
}

/*
 * ISO 8601 as Redfish writes it, "2023-08-16T19:42:58.033389+00:00", to Unix
 * seconds; 0 when it is not a time (iLO writes "0000-00-00T00:00:00Z").
 */
static int64_t parse_iso8601(const char *s)
{
	int year, mon, day, hour, min, sec, off = 0, len = 0;
	struct tm tm;
	const char *p;
	time_t t;

	if (s == NULL ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &day, &hour, &min, &sec, &len) !=
		6 ||
	    len != 19)
		return 0;
	if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon) ||
	    hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 60)
		return 0;
	p = s + len;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;

		if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
			return 0;
		oh = (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
		if (*p == ':')
			p++;
		if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
			return 0;
		om = (p[0] - '0') * 10 + (p[1] - '0');
		if (oh > 23 || om > 59)
			return 0;
		off = sign * (oh * 3600 + om * 60);
		p += 2;
	} else if (*p == 'Z' || *p == 'z') {
		p++;
	}
	if (*p != '\0')
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return 0;
	return (int64_t)t - off;
}

/* A member to sort before it becomes an event. */
struct log_key {
	int64_t timestamp;
	const char *id;
	size_t pos;
	json_t *m;
};

/* Ids compare as numbers when both are, else as text. */
static int compare_ids(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	la = strspn(a, "0123456789");
	lb = strspn(b, "0123456789");
	if (la > 0 && lb > 0 && a[la] == '\0' && b[lb] == '\0') {
		while (la > 1 && *a == '0')
			a++, la--;
		while (lb > 1 && *b == '0')
			b++, lb--;
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return strcmp(a, b);
}

/* Newest first: by time, then by Id, then later in the list first. */
static int compare_newest_first(const void *pa, const void *pb)
{
	const struct log_key *a = pa, *b = pb;
	int c;

	if (a->timestamp != b->timestamp)
		return a->timestamp > b->timestamp ? -1 : 1;
	c = compare_ids(a->id, b->id);
	if (c != 0)
		return -c;
	return a->pos > b->pos ? -1 : a->pos < b->pos;
}

/* The Id as a number when it is one that fits, else the entry's place in the list. */
static uint32_t event_id(const char *id, size_t pos)
{
	char *end;
	unsigned long long v;

	if (id != NULL && isdigit((unsigned char)id[0])) {
		v = strtoull(id, &end, 10);
		if (*end == '\0' && v <= UINT32_MAX)
			return (uint32_t)v;
	}
	return (uint32_t)(pos + 1);
}

int rf_parse_log_entries(json_t *j, struct bmc_event **ev, size_t *n)
{
	json_t *members = rf_json_array(j, "Members");
	struct log_key *keys;
	size_t i, nkeys = 0;

	*ev = NULL;
	*n = 0;
	if (members == NULL)
		return -1;
	keys = xcalloc(json_array_size(members) + 1, sizeof(*keys));
	for (i = 0; i < json_array_size(members); i++) {
		json_t *m = json_array_get(members, i);
		const char *id = rf_json_str(m, "Id");
		const char *created = rf_json_str(m, "Created");

		/* A bare link is an entry not expanded: there is nothing to show. */
		if (id == NULL && created == NULL && rf_json_str(m, "Message") == NULL)
			continue;
		keys[nkeys].timestamp = parse_iso8601(created);
		keys[nkeys].id = id;
		keys[nkeys].pos = i;
		keys[nkeys].m = m;
		nkeys++;
	}
	qsort(keys, nkeys, sizeof(*keys), compare_newest_first);
	if (nkeys > RF_EVENTS_MAX)
		nkeys = RF_EVENTS_MAX;
	if (nkeys > 0)
		*ev = xcalloc(nkeys, sizeof(**ev));
	for (i = 0; i < nkeys; i++) {
		struct bmc_event *e = &(*ev)[i];
		const char *msg = rf_json_str(keys[i].m, "Message");

		if (msg == NULL || msg[0] == '\0')
			msg = rf_json_str(keys[i].m, "MessageId");
		e->id = event_id(keys[i].id, keys[i].pos);
		e->timestamp = keys[i].timestamp;
		rf_json_copy_text(e->sensor, sizeof(e->sensor),
				  rf_json_str(keys[i].m, "SensorType"));
		rf_json_copy_text(e->message, sizeof(e->message), msg);
		e->severity = rf_json_health(rf_json_str(keys[i].m, "Severity"));
		e->source = SRC_REDFISH;
	}
	*n = nkeys;
	free(keys);
	return 0;
}

/* Entries listed as links only. */

struct linked {
	unsigned long long number; /* what the link ends with */
	size_t index;		   /* in Members */
};

static int compare_linked_newest(const void *pa, const void *pb)
{
	const struct linked *a = pa, *b = pb;

	if (a->number != b->number)
		return a->number > b->number ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static int compare_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	return a < b ? -1 : a > b;
}

/* The number a link ends with (".../Entries/151"): 0, or -1 when it does not. */
static int link_number(const char *link, unsigned long long *out)
{
	const char *slash = strrchr(link, '/'), *p;

	if (slash == NULL || slash[1] == '\0' || strlen(slash + 1) > 18)
		return -1;
	for (p = slash + 1; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return -1;
	*out = strtoull(slash + 1, NULL, 10);
	return 0;
}

size_t rf_pick_linked_entries(json_t *members, size_t max, size_t *idx)
{
	size_t i, n = 0, total = json_array_size(members), numbered = 0;
	struct linked *l;

	if (total == 0 || max == 0)
		return 0;
	l = xcalloc(total, sizeof(*l));
	for (i = 0; i < total; i++) {
		json_t *m = json_array_get(members, i);
		const char *id = rf_json_str(m, "@odata.id");

		if (id == NULL || rf_member_expanded(m) || !rf_json_fits_clean(id, RF_LINK_MAX))
			continue;
		l[n].index = i;
		numbered += link_number(id, &l[n].number) == 0;
		n++;
	}
	if (n > 0 && numbered == n)
		qsort(l, n, sizeof(*l), compare_linked_newest);
	else if (n > max)
		memmove(l, l + (n - max), max * sizeof(*l)); /* the last ones listed */
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		idx[i] = l[i].index;
	qsort(idx, n, sizeof(*idx), compare_size);
	free(l);
	return n;
}
