/*
 * redfish-trust.c - known_hosts for Redfish TLS keys (trust on first use).
 *
 * One line per host: NAME URL sha256//BASE64.  The file is small (one line
 * per Redfish host) and rewritten whole, through a temporary file and a
 * rename, whenever a key is recorded or replaced by "bmctop trust".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"
#include "redfish-trust.h"
#include "xalloc.h"

int trust_lookup(const char *host, const char *url, char *out, size_t outlen)
{
	char *path = paths_state_file("known_hosts");
	FILE *fp = fopen(path, "r");
	char line[1024], name[256], u[512], pin[128];
	int rc = -1;

	free(path);
	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL) {
		if (sscanf(line, "%255s %511s %127s", name, u, pin) == 3 &&
		    strcmp(name, host) == 0 && strcmp(u, url) == 0) {
			snprintf(out, outlen, "%s", pin);
			rc = 0;
		}
	}
	fclose(fp);
	return rc;
}

int trust_store(const char *host, const char *url, const char *pin)
{
	char *path = paths_state_file("known_hosts");
	char *tmp = xasprintf("%s.tmp", path);
	FILE *in = fopen(path, "r"), *out;
	char line[1024], name[256], u[512];
	int rc = 0;

	out = fopen(tmp, "w");
	if (out == NULL) {
		rc = -errno;
		goto done;
	}
	chmod(tmp, 0600);
	while (in != NULL && fgets(line, sizeof line, in) != NULL) {
		if (sscanf(line, "%255s %511s", name, u) == 2 && strcmp(name, host) == 0 &&
		    strcmp(u, url) == 0)
			continue;
		fputs(line, out);
	}
	fprintf(out, "%s %s %s\n", host, url, pin);
	if (fclose(out) != 0 || rename(tmp, path) != 0)
		rc = -errno;
done:
	if (in != NULL)
		fclose(in);
	free(tmp);
	free(path);
	return rc;
}
