/*
 * vnc/target.c - resolving a host's graphical console target, and the
 * vendor console profiles (data/consoles/NAME.conf).
 *
 * A profile is KEY = VALUE lines with # comments: title, status (tested,
 * untested, unsupported), url (a pattern), auth (none, redfish-session),
 * max-frame-out, reason, notes.  Unknown keys are errors, so a typo in a
 * corrected profile is caught rather than ignored.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"
#include "core/xalloc.h"
#include "vnc/target.h"

#ifndef BMCTOP_DATADIR
#define BMCTOP_DATADIR "/usr/local/share/bmctop"
#endif

#define PROFILE_MAX_SIZE 16384

const char *vnc_profile_status_name(enum vnc_profile_status s)
{
	static const char *const names[] = {"tested", "untested", "unsupported"};

	return names[s];
}

void vnc_profile_free(struct vnc_profile *p)
{
	free(p->name);
	free(p->title);
	free(p->url);
	free(p->reason);
	free(p->notes);
	free(p->path);
	memset(p, 0, sizeof *p);
}

int vnc_profile_parse(const char *path, const char *name, const char *text, struct vnc_profile *p,
		      char **err)
{
	char *copy = xstrdup(text), *line, *save = NULL;
	int lineno = 0, rc = 0;

	memset(p, 0, sizeof *p);
	p->name = xstrdup(name);
	p->path = xstrdup(path);
	p->status = VNC_UNTESTED;
	for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *eq, *key, *val, *hash;

		lineno++;
		hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		key = str_trim(line);
		if (*key == '\0')
			continue;
		eq = strchr(key, '=');
		if (eq == NULL) {
			*err = xasprintf("%s: \"%s\": expected KEY = VALUE", path, key);
			rc = BMC_ECONFIG;
			break;
		}
		*eq = '\0';
		key = str_trim(key);
		val = str_trim(eq + 1);
		if (strcmp(key, "title") == 0) {
			free(p->title);
			p->title = xstrdup(val);
		} else if (strcmp(key, "status") == 0) {
			if (strcmp(val, "tested") == 0)
				p->status = VNC_TESTED;
			else if (strcmp(val, "untested") == 0)
				p->status = VNC_UNTESTED;
			else if (strcmp(val, "unsupported") == 0)
				p->status = VNC_UNSUPPORTED;
			else
				rc = BMC_ECONFIG;
		} else if (strcmp(key, "url") == 0) {
			free(p->url);
			p->url = xstrdup(val);
		} else if (strcmp(key, "auth") == 0) {
			if (strcmp(val, "redfish-session") == 0)
				p->redfish_session = 1;
			else if (strcmp(val, "none") != 0)
				rc = BMC_ECONFIG;
		} else if (strcmp(key, "max-frame-out") == 0) {
			char *end;
			long n = strtol(val, &end, 10);

			if (*end != '\0' || n < 16 || n > 16 * 1024 * 1024)
				rc = BMC_ECONFIG;
			else
				p->max_frame_out = (size_t)n;
		} else if (strcmp(key, "reason") == 0) {
			free(p->reason);
			p->reason = xstrdup(val);
		} else if (strcmp(key, "notes") == 0) {
			free(p->notes);
			p->notes = xstrdup(val);
		} else {
			*err = xasprintf("%s: unknown key \"%s\" (title, status, url, auth, "
					 "max-frame-out, reason, notes)",
					 path, key);
			rc = BMC_ECONFIG;
			break;
		}
		if (rc != 0) {
			if (*err == NULL)
				*err = xasprintf("%s: bad value for %s: \"%s\"", path, key, val);
			break;
		}
	}
	free(copy);
	if (rc == 0 && p->status != VNC_UNSUPPORTED && p->url == NULL) {
		*err = xasprintf("%s: no url = line", path);
		rc = BMC_ECONFIG;
	}
	if (rc == 0 && p->title == NULL)
		p->title = xstrdup(name);
	if (rc != 0)
		vnc_profile_free(p);
	return rc;
}

static char *read_small_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;

	if (fp == NULL)
		return NULL;
	buf = xmalloc(PROFILE_MAX_SIZE + 1);
	n = fread(buf, 1, PROFILE_MAX_SIZE, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

int vnc_profile_load(const char *name, struct vnc_profile *p, char **err)
{
	char *config = paths_config_dir();
	char *dirs[3];
	size_t i;
	int rc = BMC_ENOTSUP;

	*err = NULL;
	dirs[0] = xasprintf("%s/consoles", config);
	dirs[1] = xstrdup(BMCTOP_DATADIR "/consoles");
#ifdef BMCTOP_SRCDIR
	dirs[2] = xstrdup(BMCTOP_SRCDIR "/data/consoles");
#else
	dirs[2] = xstrdup(dirs[1]);
#endif
	free(config);
	for (i = 0; i < 3; i++) {
		char *path = xasprintf("%s/%s.conf", dirs[i], name);
		char *text = read_small_file(path);

		if (text != NULL) {
			rc = vnc_profile_parse(path, name, text, p, err);
			free(text);
			free(path);
			break;
		}
		free(path);
	}
	if (rc == BMC_ENOTSUP)
		*err = xasprintf("no console profile \"%s\" (looked for %s.conf in %s and %s)",
				 name, name, dirs[0], dirs[1]);
	for (i = 0; i < 3; i++)
		free(dirs[i]);
	return rc;
}

void vnc_target_free(struct vnc_target *t)
{
	free(t->host);
	free(t->path);
	free(t->url);
	free(t->origin);
	free(t->profile);
	memset(t, 0, sizeof *t);
}

/* HOST[:PORT] (HOST may be [v6]) of an authority; port defaults to def. */
static int split_authority(const char *a, size_t len, char **host, int *port, int def)
{
	char *copy = xstrndup(a, len);
	int rc;

	if (strchr(copy, ':') == NULL || (copy[0] == '[' && copy[len - 1] == ']')) {
		if (copy[0] == '[') {
			*host = xstrndup(copy + 1, len - 2);
		} else {
			*host = copy;
			copy = NULL;
		}
		*port = def;
		rc = (*host)[0] != '\0' ? 0 : -1;
		if (rc != 0) {
			free(*host);
			*host = NULL;
		}
	} else {
		rc = fleet_parse_hostport(copy, host, port);
	}
	free(copy);
	return rc;
}

int vnc_target_parse(const char *spec, struct vnc_target *t, char **err)
{
	const char *rest, *slash;
	int tls;

	memset(t, 0, sizeof *t);
	*err = NULL;
	if (strncmp(spec, "rfb:", 4) == 0) {
		if (fleet_parse_hostport(spec + 4, &t->host, &t->port) != 0)
			goto bad;
		t->transport = VNC_TRANSPORT_RFB;
		t->url = xstrdup(spec);
		return 0;
	}
	if (strncmp(spec, "ws://", 5) == 0) {
		tls = 0;
		rest = spec + 5;
	} else if (strncmp(spec, "wss://", 6) == 0) {
		tls = 1;
		rest = spec + 6;
	} else {
		goto bad;
	}
	slash = strchr(rest, '/');
	if (slash == NULL)
		slash = rest + strlen(rest);
	if (slash == rest || strpbrk(spec, " \t\r\n") != NULL ||
	    split_authority(rest, (size_t)(slash - rest), &t->host, &t->port, tls ? 443 : 80) != 0)
		goto bad;
	t->transport = VNC_TRANSPORT_WS;
	t->tls = tls;
	t->path = xstrdup(*slash ? slash : "/");
	t->url = xstrdup(spec);
	t->origin = xasprintf("https://%.*s", (int)(slash - rest), rest);
	return 0;
bad:
	vnc_target_free(t);
	*err = xasprintf("\"%s\" is not a console target: expected rfb:HOST:PORT, "
			 "ws://HOST[:PORT]/PATH or wss://HOST[:PORT]/PATH",
			 spec);
	return BMC_ECONFIG;
}

/* Expand a profile's url pattern for h. */
static char *expand_url(const struct bmc_host *h, const char *pattern)
{
	char *redfish = fleet_redfish_url(h->cfg);
	const char *authority = strstr(redfish, "://");
	char *out = xstrdup(""), *tmp;
	const char *p = pattern;
	size_t alen;

	authority = authority ? authority + 3 : redfish;
	alen = strcspn(authority, "/");
	while (*p != '\0') {
		if (strncmp(p, "{address}", 9) == 0) {
			tmp = xasprintf("%s%s", out,
					h->cfg->address ? h->cfg->address : h->cfg->name);
			p += 9;
		} else if (strncmp(p, "{redfish}", 9) == 0) {
			tmp = xasprintf("%s%.*s", out, (int)alen, authority);
			p += 9;
		} else {
			tmp = xasprintf("%s%c", out, *p);
			p++;
		}
		free(out);
		out = tmp;
	}
	free(redfish);
	return out;
}

/* The profile a vendor (as the backends name it) calls for, or NULL. */
static const char *profile_for_vendor(const char *vendor)
{
	static const struct {
		const char *prefix;
		const char *profile;
	} map[] = {{"OpenBMC", "openbmc"}, {"Dell", "idrac"}, {"Supermicro", "supermicro"},
		   {"Lenovo", "xcc"},	   {"HPE", "ilo"},    {"Hewlett", "ilo"}};
	size_t i;

	for (i = 0; vendor != NULL && i < sizeof map / sizeof map[0]; i++)
		if (strncmp(vendor, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].profile;
	return NULL;
}

int vnc_target_resolve(const struct bmc_host *h, struct vnc_target *t, char **err)
{
	const char *spec = h->cfg->vnc ? h->cfg->vnc : "auto";
	const char *name = spec;
	struct vnc_profile p;
	char *url;
	int rc;

	*err = NULL;
	memset(t, 0, sizeof *t);
	if (strcmp(spec, "none") == 0) {
		*err =
		    xasprintf("%s has no graphical console configured (vnc = none)", h->cfg->name);
		return BMC_ENOTSUP;
	}
	if (strncmp(spec, "rfb:", 4) == 0 || strncmp(spec, "ws://", 5) == 0 ||
	    strncmp(spec, "wss://", 6) == 0)
		return vnc_target_parse(spec, t, err);
	if (strcmp(spec, "auto") == 0) {
		name = profile_for_vendor(h->vendor);
		if (name == NULL) {
			*err = xasprintf(
			    "%s: bmctop does not know where this BMC's graphical console is (%s); "
			    "set vnc = rfb:HOST:PORT, ws(s)://URL or a vendor profile (openbmc, "
			    "idrac, supermicro, xcc) for it in the fleet file",
			    h->cfg->name, h->vendor ? h->vendor : "its vendor is not known yet");
			return BMC_ENOTSUP;
		}
	}
	rc = vnc_profile_load(name, &p, err);
	if (rc != 0)
		return rc;
	if (p.status == VNC_UNSUPPORTED) {
		*err = xasprintf("%s: graphical consoles of %s are not supported: %s", h->cfg->name,
				 p.title, p.reason ? p.reason : "no reason given");
		vnc_profile_free(&p);
		return BMC_ENOTSUP;
	}
	url = expand_url(h, p.url);
	rc = vnc_target_parse(url, t, err);
	free(url);
	if (rc == 0) {
		t->redfish_session = p.redfish_session;
		t->max_frame_out = p.max_frame_out;
		t->profile = xstrdup(p.name);
		t->status = p.status;
	} else {
		char *inner = *err;

		*err = xasprintf("%s: %s", p.path, inner);
		free(inner);
	}
	vnc_profile_free(&p);
	return rc;
}
