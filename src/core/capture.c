/*
 * core/capture.c - the recorder of `bmctop capture` (see core/capture.h).
 *
 * Redfish bodies are redacted and written as they arrive (a collection
 * served in pages once its last page is in, all pages' members in one, so
 * that the tree can be served without queries); IPMI answers are
 * kept until the end, because a FRU serial number can only be found once
 * the whole FRU image has been read (in chunks, by offset): it is rebuilt
 * from the chunks, its serial fields replaced and its area checksums fixed,
 * and the chunks are cut again from the redacted image.  Every redaction
 * is remembered by where it was (resource and property, or IPMI command)
 * and what kind it was, never by value, for the README.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/capture.h"
#include "core/errors.h"
#include "core/xalloc.h"

#define MAX_LINES	 65536 /* IPMI answers kept */
#define MAX_RESOURCES	 16384
#define MAX_PLACEHOLDERS 4096
#define MAX_REDACTIONS	 4096
#define MAX_DEPTH	 32 /* of a resource path, in segments */

#define NETFN_APP	0x06
#define NETFN_STORAGE	0x0a
#define NETFN_TRANSPORT 0x0c
#define CMD_DEVICE_GUID 0x08
#define CMD_SYSTEM_GUID 0x37
#define CMD_USER_NAME	0x46
#define CMD_READ_FRU	0x11
#define CMD_LAN_CONFIG	0x02

struct capture *capture_recorder;

enum kind { K_SERIAL, K_UUID, K_MAC, K_IP, K_HOSTNAME, K_USER, K_TOKEN, K__MAX };

static const char *const kind_names[K__MAX] = {
    "serial number", "UUID", "MAC address", "IP address", "host name", "user name", "token"};

struct placeholder {
	char *orig, *repl;
};

struct ipmi_line {
	uint8_t netfn, cmd, ccode;
	uint8_t *req, *rsp;
	size_t req_len, rsp_len;
};

/* A collection served in pages: written once its last page is in. */
struct pending {
	char *path;
	json_t *body;
};

struct capture {
	int dirfd;
	unsigned flags;
	int status; /* the first error */
	char *error;
	char **paths; /* resources written */
	size_t npaths, skipped;
	struct pending *pending;
	size_t npending;
	json_t **expanded; /* members read inside their collections */
	size_t nexpanded;
	struct ipmi_line *lines;
	size_t nlines, lines_cap, lines_dropped;
	struct placeholder ph[MAX_PLACEHOLDERS];
	size_t nph;
	unsigned counter[K__MAX];
	char **redactions; /* "where: kind", for the README */
	size_t nredactions, redactions_dropped;
};

static void capture_fail(struct capture *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void capture_fail(struct capture *c, int status, const char *fmt, ...)
{
	va_list ap;

	if (c->status != 0)
		return;
	c->status = status;
	va_start(ap, fmt);
	c->error = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Placeholders. */

static void note_redaction(struct capture *c, enum kind k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note_redaction(struct capture *c, enum kind k, const char *fmt, ...)
{
	va_list ap;
	char *where;

	if (c->nredactions >= MAX_REDACTIONS) {
		c->redactions_dropped++;
		return;
	}
	va_start(ap, fmt);
	where = xvasprintf(fmt, ap);
	va_end(ap);
	c->redactions = xreallocarray(c->redactions, c->nredactions + 1, sizeof *c->redactions);
	c->redactions[c->nredactions++] = xasprintf("%s: %s", where, kind_names[k]);
	free(where);
}

/* A new placeholder of kind k shaped like orig. */
static char *make_placeholder(struct capture *c, enum kind k, const char *orig)
{
	unsigned n = ++c->counter[k];
	size_t len = strlen(orig);

	switch (k) {
	case K_SERIAL:
		return len > 1 ? xasprintf("S%0*u", (int)len - 1, n) : xasprintf("S%u", n);
	case K_UUID:
		return xasprintf("00000000-0000-4000-8000-%012x", n);
	case K_MAC:
		return xasprintf("02:00:00:00:%02x:%02x", (n >> 8) & 0xff, n & 0xff);
	case K_IP:
		if (strchr(orig, ':') != NULL)
			return xasprintf("2001:db8::%x", n);
		return xasprintf("192.0.2.%u", n % 254 + 1);
	case K_HOSTNAME:
		return xasprintf("host%u.example", n);
	case K_USER:
		return xasprintf("user%u", n);
	default:
		return xstrdup("REDACTED");
	}
}

/* The placeholder for orig: the same one each time orig is seen. */
static const char *placeholder(struct capture *c, enum kind k, const char *orig)
{
	static char overflow[64];
	char *repl;
	size_t i;

	for (i = 0; i < c->nph; i++)
		if (strcmp(c->ph[i].orig, orig) == 0)
			return c->ph[i].repl;
	repl = make_placeholder(c, k, orig);
	if (c->nph == MAX_PLACEHOLDERS) {
		snprintf(overflow, sizeof overflow, "%s", repl);
		free(repl);
		return overflow;
	}
	c->ph[c->nph].orig = xstrdup(orig);
	c->ph[c->nph].repl = repl;
	return c->ph[c->nph++].repl;
}

/* Redfish: which properties are redacted, as what. */

static const struct {
	const char *name;
	enum kind kind;
} redfish_keys[] = {
    {"SerialNumber", K_SERIAL},
    {"UUID", K_UUID},
    {"ServiceEntryPointUUID", K_UUID},
    {"MACAddress", K_MAC},
    {"PermanentMACAddress", K_MAC},
    {"MacAddress", K_MAC},
    {"Address", K_IP},
    {"Gateway", K_IP},
    {"IPAddress", K_IP},
    {"NameServers", K_IP},
    {"StaticNameServers", K_IP},
    {"HostName", K_HOSTNAME},
    {"FQDN", K_HOSTNAME},
    {"UserName", K_USER},
    {"Token", K_TOKEN},
    {"Password", K_TOKEN},
};

static int looks_like_mac(const char *s)
{
	size_t i;

	if (strlen(s) != 17)
		return 0;
	for (i = 0; i < 17; i++) {
		int sep = i % 3 == 2;

		if (sep ? (s[i] != ':' && s[i] != '-')
			: strchr("0123456789abcdefABCDEF", s[i]) == NULL)
			return 0;
	}
	return 1;
}

static int looks_like_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* The kind a string value of property key is redacted as, or K__MAX. */
static enum kind redfish_kind(const char *key, const char *value)
{
	size_t i;

	if (value[0] == '\0')
		return K__MAX;
	for (i = 0; i < sizeof redfish_keys / sizeof redfish_keys[0]; i++) {
		if (strcmp(key, redfish_keys[i].name) != 0)
			continue;
		if (redfish_keys[i].kind == K_IP && !looks_like_ip(value))
			return looks_like_mac(value) ? K_MAC : K__MAX;
		return redfish_keys[i].kind;
	}
	return looks_like_mac(value) ? K_MAC : K__MAX;
}

static void redact_json(struct capture *c, json_t *v, const char *res, const char *ptr, int depth);

/*
 * Free text (a log entry's Message, a Description): a string with a space
 * in it, under a key that names neither a link nor a version.  Addresses
 * written into it, and values already replaced elsewhere (a serial number
 * quoted in a message), are replaced by their placeholders too.
 */
static int is_free_text(const char *key, const char *value)
{
	return key[0] != '@' && strstr(key, "Version") == NULL && strstr(key, "odata") == NULL &&
	       strchr(value, ' ') != NULL;
}

static int is_word_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '.' || ch == ':' || ch == '-' || ch == '_';
}

/* The kind of the address-like word w, or K__MAX. */
static enum kind word_kind(const char *w)
{
	if (looks_like_mac(w))
		return K_MAC;
	return looks_like_ip(w) ? K_IP : K__MAX;
}

/* The length of the longest placeholder original at s, or 0 (with *repl). */
static size_t known_at(const struct capture *c, const char *s, const char **repl)
{
	size_t i, best = 0;

	for (i = 0; i < c->nph; i++) {
		size_t n = strlen(c->ph[i].orig);

		if (n >= 4 && n > best && strncmp(s, c->ph[i].orig, n) == 0) {
			best = n;
			*repl = c->ph[i].repl;
		}
	}
	return best;
}

/* text with its addresses and known values replaced, or NULL when nothing was. */
static char *redact_text(struct capture *c, const char *text, const char *res, const char *ptr)
{
	struct strbuf {
		char *p;
		size_t len, cap;
	} out = {NULL, 0, 0};
	const char *s = text;
	int changed = 0;

	while (*s != '\0') {
		const char *repl = NULL, *add = s;
		size_t take = 1, skip = 1;

		if (s == text || !is_word_char(s[-1])) {
			size_t n = 0, known = known_at(c, s, &repl);
			enum kind k;

			size_t m;
			char *w;

			while (is_word_char(s[n]))
				n++;
			/* Trailing punctuation ends a sentence, not an address. */
			for (m = n; m > 0 && strchr(".:-", s[m - 1]) != NULL; m--)
				;
			w = xstrndup(s, m);
			k = m > 0 && m < 64 ? word_kind(w) : K__MAX;
			if (known > 0 && !is_word_char(s[known])) {
				skip = known;
			} else if (k != K__MAX) {
				repl = placeholder(c, k, w);
				note_redaction(c, k, "%s %s (in text)", res, ptr);
				skip = m;
			} else {
				repl = NULL;
				skip = take = n > 0 ? n : 1;
			}
			free(w);
		}
		if (repl != NULL) {
			add = repl;
			take = strlen(repl);
			changed = 1;
		}
		if (out.len + take + 1 > out.cap) {
			out.cap = (out.len + take + 1) * 2;
			out.p = xrealloc(out.p, out.cap);
		}
		memcpy(out.p + out.len, add, take);
		out.len += take;
		s += skip;
	}
	if (!changed) {
		free(out.p);
		return NULL;
	}
	out.p[out.len] = '\0';
	return out.p;
}

/* Replace v (a string under key, at res and ptr) in its container. */
static json_t *redact_string(struct capture *c, const char *key, json_t *v, const char *res,
			     const char *ptr)
{
	enum kind k = redfish_kind(key, json_string_value(v));

	if (k == K__MAX && is_free_text(key, json_string_value(v))) {
		char *text = redact_text(c, json_string_value(v), res, ptr);
		json_t *repl = text ? json_string(text) : NULL;

		free(text);
		return repl;
	}
	if (k == K__MAX)
		return NULL;
	note_redaction(c, k, "%s %s", res, ptr);
	return json_string(placeholder(c, k, json_string_value(v)));
}

static void redact_member(struct capture *c, json_t *parent, const char *key, size_t index,
			  json_t *v, const char *res, const char *ptr, int depth)
{
	json_t *repl;

	if (!json_is_string(v)) {
		redact_json(c, v, res, ptr, depth + 1);
		return;
	}
	repl = redact_string(c, key, v, res, ptr);
	if (repl == NULL)
		return;
	if (json_is_object(parent))
		json_object_set_new(parent, key, repl);
	else
		json_array_set_new(parent, index, repl);
}

static void redact_json(struct capture *c, json_t *v, const char *res, const char *ptr, int depth)
{
	const char *key;
	json_t *m, *el;
	size_t i;
	void *tmp;

	if (depth > 64)
		return;
	if (json_is_object(v)) {
		json_object_foreach_safe(v, tmp, key, m)
		{
			char *sub = xasprintf("%s/%s", ptr, key);

			if (json_is_array(m)) {
				/* Arrays of strings (NameServers) are redacted by their key. */
				json_array_foreach(m, i, el)
				{
					char *at = xasprintf("%s/%zu", sub, i);

					redact_member(c, m, key, i, el, res, at, depth);
					free(at);
				}
			} else {
				redact_member(c, v, key, 0, m, res, sub, depth);
			}
			free(sub);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m)
		{
			char *sub = xasprintf("%s/%zu", ptr, i);

			redact_member(c, v, "", i, m, res, sub, depth);
			free(sub);
		}
	}
}

/* Files. */

static int open_or_make_dir(struct capture *c, int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(parent, name, 0700) != 0 && errno != EEXIST)
			return -1;
		fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	(void)c;
	return fd;
}

/* Write data as name in dirfd: a new file, 0600, never through a link. */
static int write_file(struct capture *c, int dirfd, const char *name, const char *data, size_t len)
{
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
	int fd;
	size_t off = 0;

	flags |= (c->flags & CAPTURE_FORCE) ? O_TRUNC : O_EXCL;
	fd = openat(dirfd, name, flags, 0600);
	if (fd < 0)
		return -1;
	if (fchmod(fd, 0600) != 0) {
		close(fd);
		return -1;
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	return close(fd);
}

/* The resource path of url (after scheme and authority, without query),
 * split into segments; 0, or -1 when it is no path to record. */
static int url_segments(const char *url, char *buf, size_t cap, char **seg, size_t *nseg)
{
	const char *p = strstr(url, "://");
	size_t n;
	char *s, *save = NULL;

	p = p != NULL ? strchr(p + 3, '/') : url;
	if (p == NULL)
		return -1;
	n = strcspn(p, "?#");
	if (n >= cap)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (strncmp(buf, "/redfish", 8) != 0 || (buf[8] != '\0' && buf[8] != '/'))
		return -1;
	*nseg = 0;
	for (s = strtok_r(buf, "/", &save); s != NULL; s = strtok_r(NULL, "/", &save)) {
		const char *q;

		if (*nseg == MAX_DEPTH || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
			return -1;
		for (q = s; *q; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7f || *q == '\\')
				return -1;
		seg[(*nseg)++] = s;
	}
	return *nseg > 0 ? 0 : -1;
}

/* The resource path of url, normalized (/redfish/v1/A/B); 0 or -1. */
static int url_path(const char *url, char *path, size_t cap)
{
	char buf[1024], *seg[MAX_DEPTH];
	size_t nseg, i, len = 0;

	if (url_segments(url, buf, sizeof buf, seg, &nseg) != 0)
		return -1;
	path[0] = '\0';
	for (i = 0; i < nseg; i++) {
		int n = snprintf(path + len, cap - len, "/%s", seg[i]);

		if (n < 0 || (size_t)n >= cap - len)
			return -1;
		len += (size_t)n;
	}
	return 0;
}

static int already_written(struct capture *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->npaths; i++)
		if (strcmp(c->paths[i], path) == 0)
			return 1;
	return 0;
}

/* The body as JSON, redacted unless asked not to; NULL when it is not JSON. */
static json_t *resource_json(struct capture *c, const char *path, const char *body, size_t len)
{
	json_error_t jerr;
	json_t *j = json_loadb(body, len, JSON_DECODE_ANY, &jerr);

	if (j != NULL && !(c->flags & CAPTURE_KEEP_SECRETS))
		redact_json(c, j, path, "", 0);
	return j;
}

static char *json_text(json_t *j)
{
	return json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) |
				 JSON_ENCODE_ANY);
}

/* Write text as path/index.json under the capture's directory. */
static void write_resource(struct capture *c, const char *path, const char *text, size_t len)
{
	char buf[1024], *seg[MAX_DEPTH], *save = NULL, *p;
	size_t nseg = 0, i;
	int fd;

	snprintf(buf, sizeof buf, "%s", path);
	for (p = strtok_r(buf, "/", &save); p != NULL && nseg < MAX_DEPTH;
	     p = strtok_r(NULL, "/", &save))
		seg[nseg++] = p;
	fd = dup(c->dirfd);
	for (i = 0; i < nseg && fd >= 0; i++) {
		int sub = open_or_make_dir(c, fd, seg[i]);

		close(fd);
		fd = sub;
	}
	if (fd < 0 || write_file(c, fd, "index.json", text, len) != 0) {
		capture_fail(c, BMC_EIO, "cannot write %s/index.json in the capture: %s", path + 1,
			     strerror(errno));
	} else {
		c->paths = xreallocarray(c->paths, c->npaths + 1, sizeof *c->paths);
		c->paths[c->npaths++] = xstrdup(path);
	}
	if (fd >= 0)
		close(fd);
}

/* A paged collection as one: every page's members, and no next page. */
static void write_pending(struct capture *c, size_t i)
{
	struct pending *pd = &c->pending[i];
	char *text;

	json_object_del(pd->body, "Members@odata.nextLink");
	text = json_text(pd->body);
	if (text != NULL)
		write_resource(c, pd->path, text, strlen(text));
	free(text);
	json_decref(pd->body);
	free(pd->path);
	c->pending[i] = c->pending[--c->npending];
}

static int find_pending(struct capture *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->npending; i++)
		if (strcmp(c->pending[i].path, path) == 0)
			return (int)i;
	return -1;
}

static int has_member(json_t *members, json_t *m)
{
	const char *id = json_string_value(json_object_get(m, "@odata.id"));
	json_t *x;
	size_t k;

	if (id == NULL)
		return 0;
	json_array_foreach(members, k, x)
	{
		const char *xid = json_string_value(json_object_get(x, "@odata.id"));

		if (xid != NULL && strcmp(xid, id) == 0)
			return 1;
	}
	return 0;
}

/* A later page of a pending collection: its members join the first's (a
 * page read again adds nothing). */
static void add_page(struct capture *c, size_t i, json_t *page)
{
	json_t *members = json_object_get(c->pending[i].body, "Members");
	json_t *more = json_object_get(page, "Members");
	json_t *next = json_object_get(page, "Members@odata.nextLink");
	json_t *m;
	size_t k;

	if (json_is_array(members) && json_is_array(more)) {
		json_array_foreach(more, k, m)
		{
			if (!has_member(members, m))
				json_array_append(members, m);
		}
	}
	if (json_is_string(next))
		json_object_set(c->pending[i].body, "Members@odata.nextLink", next);
	else
		write_pending(c, i);
}

/*
 * Members read expanded are resources too: kept, and written at their own
 * paths at the end unless they were read by themselves, so that a client
 * that does not expand finds them.
 */
static void keep_expanded(struct capture *c, json_t *coll)
{
	json_t *members = json_object_get(coll, "Members"), *m;
	size_t k;

	json_array_foreach(members, k, m)
	{
		const char *id = json_string_value(json_object_get(m, "@odata.id"));

		/* A resource has an Id; a link, or a part of one (#), is not one. */
		if (id == NULL || strchr(id, '#') != NULL || json_object_get(m, "Id") == NULL)
			continue;
		if (c->nexpanded == MAX_RESOURCES)
			return;
		c->expanded = xreallocarray(c->expanded, c->nexpanded + 1, sizeof *c->expanded);
		c->expanded[c->nexpanded++] = json_incref(m);
	}
}

static void write_expanded(struct capture *c)
{
	char path[1024], *text;
	size_t k;

	for (k = 0; k < c->nexpanded; k++) {
		json_t *m = c->expanded[k];

		if (url_path(json_string_value(json_object_get(m, "@odata.id")), path,
			     sizeof path) == 0 &&
		    !already_written(c, path) && c->npaths < MAX_RESOURCES) {
			text = json_text(m);
			if (text != NULL)
				write_resource(c, path, text, strlen(text));
			free(text);
		}
		json_decref(m);
	}
	free(c->expanded);
}

void capture_redfish(struct capture *c, const char *method, const char *url, long status,
		     const char *body, size_t len)
{
	char path[1024], *text;
	json_t *j;
	int pi;

	if (strcmp(method, "GET") != 0 || status < 200 || status >= 300 || body == NULL || len == 0)
		return;
	if (url_path(url, path, sizeof path) != 0 || c->npaths >= MAX_RESOURCES) {
		c->skipped++;
		return;
	}
	pi = find_pending(c, path);
	if (pi < 0 && already_written(c, path))
		return;
	j = resource_json(c, path, body, len);
	if (j == NULL) {
		c->skipped++;
		return;
	}
	keep_expanded(c, j);
	if (pi >= 0) {
		add_page(c, (size_t)pi, j);
	} else if (json_is_string(json_object_get(j, "Members@odata.nextLink")) &&
		   c->npending < MAX_DEPTH) {
		c->pending = xreallocarray(c->pending, c->npending + 1, sizeof *c->pending);
		c->pending[c->npending].path = xstrdup(path);
		c->pending[c->npending++].body = json_incref(j);
	} else if (c->flags & CAPTURE_KEEP_SECRETS) {
		write_resource(c, path, body, len); /* as the BMC wrote it */
	} else {
		text = json_text(j);
		if (text != NULL)
			write_resource(c, path, text, strlen(text));
		free(text);
	}
	json_decref(j);
}

/* IPMI. */

static void redact_bytes(struct capture *c, enum kind k, uint8_t *p, size_t len, const char *fmt,
			 ...) __attribute__((format(printf, 5, 6)));

/* Replace len bytes (a GUID, an address) by a placeholder counting up. */
static void redact_bytes(struct capture *c, enum kind k, uint8_t *p, size_t len, const char *fmt,
			 ...)
{
	unsigned n = ++c->counter[k];
	va_list ap;
	char *where;

	memset(p, 0, len);
	if (k == K_IP && len == 4) {
		p[0] = 192;
		p[2] = 2;
		p[3] = (uint8_t)(n % 254 + 1);
	} else if (k == K_MAC && len == 6) {
		p[0] = 2;
		p[5] = (uint8_t)n;
	} else if (len > 0) {
		p[len - 1] = (uint8_t)n;
		p[len / 2] = 0x40; /* a version 4 GUID's shape */
	}
	va_start(ap, fmt);
	where = xvasprintf(fmt, ap);
	va_end(ap);
	note_redaction(c, k, "%s", where);
	free(where);
}

/* Get LAN Configuration Parameters: which parameters hold addresses. */
static void redact_lan_config(struct capture *c, const uint8_t *req, size_t req_len, uint8_t *rsp,
			      size_t rsp_len)
{
	uint8_t param;

	if (req_len < 2 || rsp_len < 2)
		return;
	param = req[1] & 0x7f;
	if ((param == 3 || param == 12 || param == 14) && rsp_len >= 5)
		redact_bytes(c, K_IP, rsp + 1, 4, "ipmi.txt Get LAN Configuration parameter %u",
			     param);
	else if ((param == 5 || param == 13 || param == 15) && rsp_len >= 7)
		redact_bytes(c, K_MAC, rsp + 1, 6, "ipmi.txt Get LAN Configuration parameter %u",
			     param);
}

static void redact_ipmi(struct capture *c, struct ipmi_line *l)
{
	if (l->ccode != 0)
		return;
	if (l->netfn == NETFN_APP && (l->cmd == CMD_DEVICE_GUID || l->cmd == CMD_SYSTEM_GUID) &&
	    l->rsp_len >= 16)
		redact_bytes(c, K_UUID, l->rsp, 16, "ipmi.txt Get %s GUID",
			     l->cmd == CMD_DEVICE_GUID ? "Device" : "System");
	else if (l->netfn == NETFN_APP && l->cmd == CMD_USER_NAME && l->rsp_len >= 16)
		redact_bytes(c, K_USER, l->rsp, 16, "ipmi.txt Get User Name");
	else if (l->netfn == NETFN_TRANSPORT && l->cmd == CMD_LAN_CONFIG)
		redact_lan_config(c, l->req, l->req_len, l->rsp, l->rsp_len);
}

static int same_line(const struct ipmi_line *a, const struct ipmi_line *b)
{
	return a->netfn == b->netfn && a->cmd == b->cmd && a->ccode == b->ccode &&
	       a->req_len == b->req_len && a->rsp_len == b->rsp_len &&
	       memcmp(a->req, b->req, a->req_len) == 0 && memcmp(a->rsp, b->rsp, a->rsp_len) == 0;
}

void capture_ipmi(struct capture *c, uint8_t netfn, uint8_t cmd, const uint8_t *req, size_t req_len,
		  uint8_t ccode, const uint8_t *rsp, size_t rsp_len)
{
	struct ipmi_line l = {netfn, cmd, ccode, NULL, NULL, req_len, rsp_len};
	size_t i;

	if (c->nlines == MAX_LINES) {
		c->lines_dropped++;
		return;
	}
	l.req = xmalloc(req_len + 1);
	l.rsp = xmalloc(rsp_len + 1);
	if (req_len > 0)
		memcpy(l.req, req, req_len);
	if (rsp_len > 0)
		memcpy(l.rsp, rsp, rsp_len);
	for (i = 0; i < c->nlines; i++) {
		if (same_line(&c->lines[i], &l)) {
			free(l.req);
			free(l.rsp);
			return;
		}
	}
	if (!(c->flags & CAPTURE_KEEP_SECRETS))
		redact_ipmi(c, &l);
	if (c->nlines == c->lines_cap) {
		c->lines_cap = c->lines_cap ? c->lines_cap * 2 : 256;
		c->lines = xreallocarray(c->lines, c->lines_cap, sizeof *c->lines);
	}
	c->lines[c->nlines++] = l;
}

/* FRU: the serial number fields of an image, by area (IPMI FRU spec 1.0). */

#define FRU_MAX 65536

static int is_fru_read(const struct ipmi_line *l, uint8_t id)
{
	return l->netfn == NETFN_STORAGE && l->cmd == CMD_READ_FRU && l->ccode == 0 &&
	       l->req_len >= 4 && l->req[0] == id && l->rsp_len >= 1 &&
	       l->rsp[0] + 1u <= l->rsp_len;
}

/* Replace field number want of the area at off (fields start at first). */
static void redact_fru_field(struct capture *c, uint8_t *img, size_t size, size_t off, size_t first,
			     unsigned want, const char *area)
{
	size_t alen, p, end;
	unsigned i;

	if (off + 2 > size)
		return;
	alen = img[off + 1] * 8u;
	end = off + alen;
	if (alen == 0 || end > size)
		return;
	p = off + first;
	for (i = 0; p < end - 1 && img[p] != 0xC1; i++) {
		size_t flen = img[p] & 0x3f;

		if (p + 1 + flen > end - 1)
			return;
		if (i == want && flen > 0) {
			char orig[64] = "", *q;
			const char *repl;
			size_t k;
			uint8_t sum = 0;

			memcpy(orig, img + p + 1, flen < sizeof orig ? flen : sizeof orig - 1);
			for (q = orig; *q; q++)
				if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e)
					*q = '?';
			repl = placeholder(c, K_SERIAL, orig);
			for (k = 0; k < flen; k++)
				img[p + 1 + k] =
				    (img[p] >> 6) == 3 ? (uint8_t)repl[k % strlen(repl)] : 0;
			for (k = off; k < end - 1; k++)
				sum = (uint8_t)(sum + img[k]);
			img[end - 1] = (uint8_t)-sum;
			note_redaction(c, K_SERIAL, "ipmi.txt FRU %s area serial number", area);
			return;
		}
		p += 1 + flen;
	}
}

static void redact_fru_image(struct capture *c, uint8_t *img, size_t size)
{
	if (size < 8 || img[0] != 1)
		return;
	/* Chassis: type, part, serial.  Board: date, maker, name, serial.
	 * Product: maker, name, part, version, serial. */
	if (img[2])
		redact_fru_field(c, img, size, img[2] * 8u, 3, 1, "chassis");
	if (img[3])
		redact_fru_field(c, img, size, img[3] * 8u, 6, 2, "board");
	if (img[4])
		redact_fru_field(c, img, size, img[4] * 8u, 3, 4, "product");
}

static void redact_fru(struct capture *c, uint8_t id)
{
	uint8_t *img = xcalloc(1, FRU_MAX);
	size_t i, size = 0;

	for (i = 0; i < c->nlines; i++) {
		const struct ipmi_line *l = &c->lines[i];
		size_t off;

		if (!is_fru_read(l, id))
			continue;
		off = l->req[1] | (size_t)l->req[2] << 8;
		if (off + l->rsp[0] > FRU_MAX)
			continue;
		memcpy(img + off, l->rsp + 1, l->rsp[0]);
		if (off + l->rsp[0] > size)
			size = off + l->rsp[0];
	}
	redact_fru_image(c, img, size);
	for (i = 0; i < c->nlines; i++) {
		struct ipmi_line *l = &c->lines[i];

		if (is_fru_read(l, id))
			memcpy(l->rsp + 1, img + (l->req[1] | (size_t)l->req[2] << 8), l->rsp[0]);
	}
	free(img);
}

static void redact_frus(struct capture *c)
{
	uint8_t seen[256] = {0};
	size_t i;

	for (i = 0; i < c->nlines; i++) {
		const struct ipmi_line *l = &c->lines[i];

		if (l->netfn == NETFN_STORAGE && l->cmd == CMD_READ_FRU && l->req_len >= 1 &&
		    !seen[l->req[0]]) {
			seen[l->req[0]] = 1;
			redact_fru(c, l->req[0]);
		}
	}
}

/* ipmi.txt and README. */

struct text {
	char *buf;
	size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char *s;
	size_t n;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	n = strlen(s);
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->buf = xrealloc(t->buf, t->cap);
	}
	memcpy(t->buf + t->len, s, n + 1);
	t->len += n;
	free(s);
}

static void text_hex(struct text *t, const uint8_t *p, size_t len)
{
	size_t i;

	if (len == 0)
		text_add(t, "-");
	for (i = 0; i < len; i++)
		text_add(t, "%02x", p[i]);
}

static void write_ipmi(struct capture *c)
{
	struct text t = {0};
	size_t i;

	text_add(&t, "# bmctop capture: IPMI requests and their answers, one a line:\n"
		     "# NETFN CMD REQUEST -> CCODE RESPONSE  (hex; REQUEST and RESPONSE are\n"
		     "# the data after the command and after the completion code, - if none)\n");
	for (i = 0; i < c->nlines; i++) {
		const struct ipmi_line *l = &c->lines[i];

		text_add(&t, "%02x %02x ", l->netfn, l->cmd);
		text_hex(&t, l->req, l->req_len);
		text_add(&t, " -> %02x ", l->ccode);
		text_hex(&t, l->rsp, l->rsp_len);
		text_add(&t, "\n");
	}
	if (write_file(c, c->dirfd, "ipmi.txt", t.buf, t.len) != 0)
		capture_fail(c, BMC_EIO, "cannot write ipmi.txt in the capture: %s",
			     strerror(errno));
	free(t.buf);
}

static void write_readme(struct capture *c, const char *note)
{
	struct text t = {0};
	size_t i;

	text_add(&t,
		 "A capture made by bmctop %s (bmctop capture): what bmctop read from one BMC\n"
		 "in one poll.  Serve it again with: bmcsim --replay DIR (bmcsim(1)).\n\n",
		 PACKAGE_VERSION);
	if (note != NULL)
		text_add(&t, "%s\n\n", note);
	text_add(&t, "redfish/v1/.../index.json  %zu Redfish resources, as a DMTF mockup tree\n",
		 c->npaths);
	text_add(&t,
		 "ipmi.txt                   %zu IPMI answers: NETFN CMD REQUEST -> CCODE "
		 "RESPONSE, in hex\n\n",
		 c->nlines);
	if (c->skipped || c->lines_dropped)
		text_add(&t,
			 "Not kept: %zu Redfish answers (not JSON, a query, or too many), %zu "
			 "IPMI answers (too many).\n\n",
			 c->skipped, c->lines_dropped);
	if (c->flags & CAPTURE_KEEP_SECRETS) {
		text_add(&t, "NOT REDACTED (--no-redact): serial numbers, UUIDs, addresses, names "
			     "and tokens are as the BMC gave them.\n");
	} else {
		text_add(&t,
			 "Redacted: each value below was replaced by a placeholder of the same "
			 "shape\n(the same value by the same placeholder).  Check before you send "
			 "this: %zu redactions.\n",
			 c->nredactions + c->redactions_dropped);
		for (i = 0; i < c->nredactions; i++)
			text_add(&t, "  %s\n", c->redactions[i]);
		if (c->redactions_dropped)
			text_add(&t, "  ... and %zu more\n", c->redactions_dropped);
		text_add(&t, "Free text is not redacted: event messages, names and descriptions "
			     "may still\nname hosts, addresses or users, and so may resource "
			     "paths (directory names).\n");
	}
	if (write_file(c, c->dirfd, "README", t.buf, t.len) != 0)
		capture_fail(c, BMC_EIO, "cannot write README in the capture: %s", strerror(errno));
	free(t.buf);
}

/* Opening and closing. */

static int dir_is_empty(int fd)
{
	int dup_fd = dup(fd);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *e;
	int empty = 1;

	if (d == NULL) {
		if (dup_fd >= 0)
			close(dup_fd);
		return 0;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

int capture_open(struct capture **out, const char *dir, unsigned flags, char **err)
{
	struct capture *c;
	int fd;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		*err = xasprintf("cannot make %s: %s", dir, strerror(errno));
		return BMC_EIO;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf(
		    "cannot open %s: %s%s", dir, strerror(errno),
		    errno == ELOOP || errno == ENOTDIR ? " (not a directory, or a link)" : "");
		return BMC_EIO;
	}
	if (!(flags & CAPTURE_FORCE) && !dir_is_empty(fd)) {
		close(fd);
		*err = xasprintf("%s is not empty; give an empty or new directory (or --force to "
				 "write into it)",
				 dir);
		return BMC_ECONFIG;
	}
	c = xcalloc(1, sizeof *c);
	c->dirfd = fd;
	c->flags = flags;
	*out = c;
	return 0;
}

int capture_close(struct capture *c, const char *note, size_t *resources, size_t *answers,
		  char **err)
{
	size_t i;
	int status;

	while (c->npending > 0)
		write_pending(c, 0);
	free(c->pending);
	write_expanded(c);
	if (!(c->flags & CAPTURE_KEEP_SECRETS))
		redact_frus(c);
	if (c->nlines > 0)
		write_ipmi(c);
	write_readme(c, note);
	if (resources != NULL)
		*resources = c->npaths;
	if (answers != NULL)
		*answers = c->nlines;
	status = c->status;
	if (status != 0)
		*err = c->error;
	else
		free(c->error);
	close(c->dirfd);
	for (i = 0; i < c->npaths; i++)
		free(c->paths[i]);
	free(c->paths);
	for (i = 0; i < c->nlines; i++) {
		free(c->lines[i].req);
		free(c->lines[i].rsp);
	}
	free(c->lines);
	for (i = 0; i < c->nph; i++) {
		free(c->ph[i].orig);
		free(c->ph[i].repl);
	}
	for (i = 0; i < c->nredactions; i++)
		free(c->redactions[i]);
	free(c->redactions);
	free(c);
	return status;
}
