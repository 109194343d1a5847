/*
 * replay.c - loading a capture for bmcsim --replay (see replay.h).
 *
 * Everything is read at start and checked: a resource that is not JSON, a
 * line of ipmi.txt that is not "NETFN CMD REQUEST -> CCODE RESPONSE", a
 * symbolic link anywhere in DIR, is an error naming the file (and line)
 * rather than a BMC that answers strangely later.  SDR records, SEL
 * entries and the FRU image are put together here from the reads the
 * capture recorded (each read is of part of one), so that a client reading
 * them in other chunks gets the same bytes.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "replay.h"

#define MAX_FILE      (16u << 20)
#define MAX_DEPTH     24
#define MAX_RESOURCES 65536
#define MAX_ANSWERS   65536
#define FRU_MAX	      65536
#define NETFN_STORAGE 0x0a
#define CMD_READ_FRU  0x11
#define CMD_GET_SDR   0x23
#define CMD_GET_SEL   0x43

/* Read a regular file at name in dirfd, never through a link. */
static char *read_at(int dirfd, const char *name, const char *shown, size_t *len, char **err)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t off = 0;

	if (fd < 0) {
		*err = xasprintf("%s: %s", shown, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_FILE) {
		*err = xasprintf("%s: not a regular file of at most %u bytes", shown, MAX_FILE);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	*len = off;
	return buf;
}

static int add_resource(struct sim_replay *rp, const char *path, int dirfd, const char *shown,
			char **err)
{
	json_error_t jerr;
	size_t len;
	char *text = read_at(dirfd, "index.json", shown, &len, err);
	json_t *j;

	if (text == NULL)
		return -1;
	j = json_loadb(text, len, 0, &jerr);
	free(text);
	if (j == NULL) {
		*err = xasprintf("%s:%d: not JSON: %s", shown, jerr.line, jerr.text);
		return -1;
	}
	if (rp->nres == MAX_RESOURCES) {
		json_decref(j);
		*err = xasprintf("%s: more than %u resources in the capture", shown, MAX_RESOURCES);
		return -1;
	}
	rp->res = xreallocarray(rp->res, rp->nres + 1, sizeof *rp->res);
	rp->res[rp->nres].path = xstrdup(path);
	rp->res[rp->nres].body = j;
	rp->nres++;
	return 0;
}

/* The tree under dirfd, whose resource path is path. */
static int load_tree(struct sim_replay *rp, int dirfd, const char *path, const char *shown,
		     int depth, char **err)
{
	int dup_fd = dup(dirfd), rc = 0;
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *e;

	if (d == NULL) {
		*err = xasprintf("%s: %s", shown, strerror(errno));
		if (dup_fd >= 0)
			close(dup_fd);
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		struct stat st;
		char *sub_shown;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sub_shown = xasprintf("%s/%s", shown, e->d_name);
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			*err = xasprintf("%s: %s", sub_shown, strerror(errno));
			rc = -1;
		} else if (S_ISLNK(st.st_mode)) {
			*err = xasprintf("%s: a symbolic link; a capture holds none", sub_shown);
			rc = -1;
		} else if (strcmp(e->d_name, "index.json") == 0) {
			rc = add_resource(rp, path, dirfd, sub_shown, err);
		} else if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd, e->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			char *sub_path = xasprintf("%s/%s", path, e->d_name);

			if (depth >= MAX_DEPTH || fd < 0) {
				*err = xasprintf("%s: %s", sub_shown,
						 fd < 0 ? strerror(errno) : "nested too deep");
				rc = -1;
			} else {
				rc = load_tree(rp, fd, sub_path, sub_shown, depth + 1, err);
			}
			if (fd >= 0)
				close(fd);
			free(sub_path);
		}
		free(sub_shown);
	}
	closedir(d);
	return rc;
}

json_t *sim_replay_resource(struct sim_replay *rp, const char *path)
{
	size_t n = strlen(path), i;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (i = 0; i < rp->nres; i++)
		if (strlen(rp->res[i].path) == n && strncmp(rp->res[i].path, path, n) == 0)
			return rp->res[i].body;
	return NULL;
}

static void add_synthesized(struct sim_replay *rp, const char *path, json_t *body)
{
	json_object_set_new(body, "@odata.id", json_string(path));
	json_object_set_new(body, "Oem", json_pack("{s{sb}}", "Bmcsim", "SynthesizedByReplay", 1));
	rp->res = xreallocarray(rp->res, rp->nres + 1, sizeof *rp->res);
	rp->res[rp->nres].path = xstrdup(path);
	rp->res[rp->nres].body = body;
	rp->nres++;
}

/*
 * A partial mockup may leave out the service root or a top collection
 * whose members it has: make them, as a service would list them.
 */
static void synthesize(struct sim_replay *rp)
{
	static const char *const colls[] = {"Systems", "Chassis", "Managers"};
	size_t k, i;

	for (k = 0; k < sizeof colls / sizeof colls[0]; k++) {
		char *coll = xasprintf("/redfish/v1/%s", colls[k]);
		size_t n = strlen(coll);
		json_t *members = json_array();

		for (i = 0; i < rp->nres; i++) {
			const char *p = rp->res[i].path;

			if (strncmp(p, coll, n) == 0 && p[n] == '/' &&
			    strchr(p + n + 1, '/') == NULL)
				json_array_append_new(members, json_pack("{ss}", "@odata.id", p));
		}
		if (json_array_size(members) > 0 && sim_replay_resource(rp, coll) == NULL)
			add_synthesized(rp, coll,
					json_pack("{sssssIso}", "Name", colls[k], "@odata.type",
						  "#Collection.Collection", "Members@odata.count",
						  (json_int_t)json_array_size(members), "Members",
						  members));
		else
			json_decref(members);
		free(coll);
	}
	if (sim_replay_resource(rp, "/redfish/v1") == NULL) {
		json_t *root =
		    json_pack("{sssssss{s{ss}}}", "@odata.type", "#ServiceRoot.v1_5_0.ServiceRoot",
			      "Name", "Root Service", "RedfishVersion", "1.6.0", "Links",
			      "Sessions", "@odata.id", "/redfish/v1/SessionService/Sessions");

		for (k = 0; k < sizeof colls / sizeof colls[0]; k++) {
			char *coll = xasprintf("/redfish/v1/%s", colls[k]);

			if (sim_replay_resource(rp, coll) != NULL)
				json_object_set_new(root, colls[k],
						    json_pack("{ss}", "@odata.id", coll));
			free(coll);
		}
		add_synthesized(rp, "/redfish/v1", root);
	}
}

/* ipmi.txt */

/* Hex digits at *p up to a blank, into out (at most cap bytes); "-" is none. */
static int parse_hex(const char **p, uint8_t *out, size_t cap, size_t *len)
{
	const char *s = *p;

	*len = 0;
	if (*s == '-' && (s[1] == ' ' || s[1] == '\t' || s[1] == '\0' || s[1] == '\n')) {
		*p = s + 1;
		return 0;
	}
	while (isxdigit((unsigned char)s[0])) {
		unsigned v;

		if (!isxdigit((unsigned char)s[1]) || *len == cap)
			return -1;
		sscanf(s, "%2x", &v);
		out[(*len)++] = (uint8_t)v;
		s += 2;
	}
	if (s == *p || (*s != ' ' && *s != '\t' && *s != '\0' && *s != '\n'))
		return -1;
	*p = s;
	return 0;
}

static void skip_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

static int parse_line(const char *s, struct sim_replay_answer *a)
{
	uint8_t b[1];
	size_t n;

	memset(a, 0, sizeof *a);
	if (parse_hex(&s, b, 1, &n) != 0 || n != 1 || (b[0] & 1) || b[0] > 0x3f)
		return -1;
	a->netfn = b[0];
	skip_blanks(&s);
	if (parse_hex(&s, b, 1, &n) != 0 || n != 1)
		return -1;
	a->cmd = b[0];
	skip_blanks(&s);
	if (parse_hex(&s, a->req, sizeof a->req, &a->req_len) != 0)
		return -1;
	skip_blanks(&s);
	if (strncmp(s, "->", 2) != 0)
		return -1;
	s += 2;
	skip_blanks(&s);
	if (parse_hex(&s, b, 1, &n) != 0 || n != 1)
		return -1;
	a->ccode = b[0];
	skip_blanks(&s);
	if (parse_hex(&s, a->rsp, sizeof a->rsp, &a->rsp_len) != 0)
		return -1;
	skip_blanks(&s);
	return *s == '\0' || *s == '\n' || *s == '\r' ? 0 : -1;
}

static struct sim_replay_record *record_for(struct sim_replay_record **recs, size_t *n, uint16_t id)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*recs)[i].id == id)
			return &(*recs)[i];
	*recs = xreallocarray(*recs, *n + 1, sizeof **recs);
	memset(&(*recs)[*n], 0, sizeof **recs);
	(*recs)[*n].id = id;
	return &(*recs)[(*n)++];
}

/* A Get SDR or Get SEL Entry answer: next id, then bytes at the offset asked. */
static void add_record_read(struct sim_replay_record **recs, size_t *n,
			    const struct sim_replay_answer *a)
{
	uint16_t id = (uint16_t)(a->req[2] | a->req[3] << 8);
	size_t off = a->req[4], len = a->rsp_len - 2;
	struct sim_replay_record *r;

	if (off + len > sizeof r->data)
		return;
	r = record_for(recs, n, id);
	r->next = (uint16_t)(a->rsp[0] | a->rsp[1] << 8);
	memcpy(r->data + off, a->rsp + 2, len);
	if (off + len > r->len)
		r->len = off + len;
}

/* Records read as "the first" (id 0) are also found by their own id. */
static void alias_first(struct sim_replay_record **recs, size_t *n)
{
	size_t i, count = *n;

	for (i = 0; i < count; i++) {
		struct sim_replay_record r = (*recs)[i];
		uint16_t own = (uint16_t)(r.data[0] | r.data[1] << 8);
		struct sim_replay_record *dst;

		if (r.id != 0 || r.len < 2 || own == 0)
			continue;
		dst = record_for(recs, n, own);
		if (dst->len < r.len) {
			memcpy(dst->data, r.data, r.len);
			dst->len = r.len;
			dst->next = r.next;
		}
	}
}

static void add_fru_read(struct sim_replay *rp, const struct sim_replay_answer *a)
{
	size_t off = a->req[1] | (size_t)a->req[2] << 8, len = a->rsp[0];

	if (a->req[0] != 0 || len + 1 > a->rsp_len || off + len > FRU_MAX)
		return;
	if (rp->fru == NULL)
		rp->fru = xcalloc(1, FRU_MAX);
	memcpy(rp->fru + off, a->rsp + 1, len);
	if (off + len > rp->fru_len)
		rp->fru_len = off + len;
}

static void index_answer(struct sim_replay *rp, const struct sim_replay_answer *a)
{
	if (a->netfn != NETFN_STORAGE || a->ccode != 0)
		return;
	if ((a->cmd == CMD_GET_SDR || a->cmd == CMD_GET_SEL) && a->req_len == 6 &&
	    a->rsp_len >= 2) {
		if (a->cmd == CMD_GET_SDR)
			add_record_read(&rp->sdr, &rp->nsdr, a);
		else
			add_record_read(&rp->sel, &rp->nsel, a);
	} else if (a->cmd == CMD_READ_FRU && a->req_len == 4 && a->rsp_len >= 1) {
		add_fru_read(rp, a);
	}
}

int sim_replay_parse_ipmi(struct sim_replay *rp, const char *text, const char *name, char **err)
{
	const char *line = text;
	unsigned lineno = 0;

	while (*line != '\0') {
		const char *end = strchr(line, '\n'), *p = line;
		struct sim_replay_answer a;

		lineno++;
		skip_blanks(&p);
		if (*p != '#' && *p != '\n' && *p != '\r' && *p != '\0') {
			if (parse_line(p, &a) != 0) {
				*err =
				    xasprintf("%s:%u: expected NETFN CMD REQUEST -> CCODE RESPONSE "
					      "(hex bytes, - for none; bmctop(1))",
					      name, lineno);
				return -1;
			}
			if (rp->nanswers == MAX_ANSWERS) {
				*err = xasprintf("%s:%u: more than %u answers", name, lineno,
						 MAX_ANSWERS);
				return -1;
			}
			rp->answers = xreallocarray(rp->answers, rp->nanswers + 1, sizeof a);
			rp->answers[rp->nanswers++] = a;
			index_answer(rp, &a);
		}
		if (end == NULL)
			break;
		line = end + 1;
	}
	alias_first(&rp->sdr, &rp->nsdr);
	alias_first(&rp->sel, &rp->nsel);
	rp->have_ipmi = 1;
	return 0;
}

static int load_ipmi(struct sim_replay *rp, int dirfd, char **err)
{
	char *shown = xasprintf("%s/ipmi.txt", rp->dir), *text;
	size_t len;
	int rc = -1;

	text = read_at(dirfd, "ipmi.txt", shown, &len, err);
	if (text != NULL) {
		if (memchr(text, '\0', len) != NULL)
			*err = xasprintf("%s: holds a NUL byte; not a capture's text", shown);
		else
			rc = sim_replay_parse_ipmi(rp, text, shown, err);
	}
	free(text);
	free(shown);
	return rc;
}

static int load_redfish(struct sim_replay *rp, int dirfd, char **err)
{
	int fd = openat(dirfd, "redfish", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), v1;
	char *shown = xasprintf("%s/redfish/v1", rp->dir);
	int rc = -1;

	v1 = fd >= 0 ? openat(fd, "v1", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (v1 < 0)
		*err = xasprintf("%s: %s", shown, strerror(errno));
	else
		rc = load_tree(rp, v1, "/redfish/v1", shown, 0, err);
	if (rc == 0)
		synthesize(rp);
	if (v1 >= 0)
		close(v1);
	if (fd >= 0)
		close(fd);
	free(shown);
	return rc;
}

int sim_replay_load(struct sim_replay **out, const char *dir, char **err)
{
	struct sim_replay *rp = xcalloc(1, sizeof *rp);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;
	struct stat st;

	rp->dir = xstrdup(dir);
	if (fd < 0) {
		*err = xasprintf("--replay %s: %s", dir, strerror(errno));
		sim_replay_free(rp);
		return -1;
	}
	if (fstatat(fd, "redfish", &st, AT_SYMLINK_NOFOLLOW) == 0)
		rc = load_redfish(rp, fd, err);
	if (rc == 0 && fstatat(fd, "ipmi.txt", &st, AT_SYMLINK_NOFOLLOW) == 0)
		rc = load_ipmi(rp, fd, err);
	close(fd);
	if (rc == 0 && rp->nres == 0 && !rp->have_ipmi) {
		*err = xasprintf("--replay %s: neither redfish/v1/ nor ipmi.txt there; give a "
				 "directory made by bmctop capture, or a Redfish mockup",
				 dir);
		rc = -1;
	}
	if (rc != 0) {
		sim_replay_free(rp);
		return -1;
	}
	*out = rp;
	return 0;
}

void sim_replay_free(struct sim_replay *rp)
{
	size_t i;

	if (rp == NULL)
		return;
	for (i = 0; i < rp->nres; i++) {
		free(rp->res[i].path);
		json_decref(rp->res[i].body);
	}
	free(rp->res);
	free(rp->answers);
	free(rp->sdr);
	free(rp->sel);
	free(rp->fru);
	free(rp->dir);
	free(rp);
}
