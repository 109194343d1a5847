/*
 * cli/cmd-config.c - "bmctop config check|hosts|groups": validate and show
 * the fleet (hosts and groups are also what shell completion reads).
 *
 * "check" reads every password file it names (so a file readable by others
 * is caught before the dashboard starts) but runs no password-command: a
 * command may prompt or have side effects, and checking should have none.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/cred.h"
#include "core/hostrange.h"
#include "core/xalloc.h"

static void print_secret(const char *key, const struct secret_source *s)
{
	switch (s->kind) {
	case SECRET_NONE:
		return;
	case SECRET_INLINE:
		printf(" %s=***", key);
		return;
	case SECRET_ENV:
		printf(" %s-env=%s", key, s->arg);
		return;
	case SECRET_FILE:
		printf(" %s-file=%s", key, s->arg);
		return;
	case SECRET_COMMAND:
		/* The command line itself may embed a secret. */
		printf(" %s-command=***", key);
		return;
	}
}

static void print_duration(const char *key, uint64_t ms)
{
	if (ms % 1000 == 0)
		printf(" %s=%llus", key, (unsigned long long)(ms / 1000));
	else
		printf(" %s=%llums", key, (unsigned long long)ms);
}

static void print_host(const struct host_config *hc)
{
	char *redfish = fleet_redfish_url(hc);

	printf("%s address=%s protocol=%s ipmi-port=%d redfish=%s", hc->name, hc->address,
	       fleet_protocol_name(hc->protocol), hc->ipmi_port, redfish);
	free(redfish);
	if (hc->user != NULL)
		printf(" user=%s", hc->user);
	print_secret("password", &hc->password);
	print_secret("kg", &hc->kg);
	print_secret("vnc-password", &hc->vnc_password);
	if (hc->cipher_suite == CIPHER_SUITE_AUTO)
		printf(" cipher-suite=auto");
	else
		printf(" cipher-suite=%d", hc->cipher_suite);
	printf(" privilege=%s", fleet_privilege_name(hc->privilege));
	print_duration("interval", hc->interval_ms);
	print_duration("timeout", hc->timeout_ms);
	printf(" retries=%d", hc->retries);
	if (hc->group != NULL)
		printf(" group=%s", hc->group);
	printf(" console=%s vnc=%s tls=%s", hc->console, hc->vnc, fleet_tls_name(hc->tls));
	if (hc->tls_pin != NULL)
		printf(" tls-pin=%s", hc->tls_pin);
	if (hc->ca_file != NULL)
		printf(" ca-file=%s", hc->ca_file);
	if (hc->vnc_viewer != NULL)
		printf(" vnc-viewer=\"%s\"", hc->vnc_viewer);
	printf("\n");
}

/* Check each distinct secret source once; returns the number of failures. */
static int check_secrets(struct cli *c)
{
	struct cred_cache *cache = cred_cache_new();
	int failures = 0;
	size_t i;
	int k;

	for (i = 0; i < c->fleet.nhosts; i++) {
		const struct host_config *hc = &c->fleet.hosts[i];
		const struct secret_source *srcs[] = { &hc->password, &hc->kg, &hc->vnc_password };

		for (k = 0; k < 3; k++) {
			const struct secret_source *s = srcs[k];
			char *err = NULL;
			size_t j;
			int seen = 0;

			if (s->kind != SECRET_FILE && s->kind != SECRET_ENV)
				continue;
			/* Report each source once, not once per host. */
			for (j = 0; j < i && !seen; j++) {
				const struct host_config *o = &c->fleet.hosts[j];
				const struct secret_source *os[] = { &o->password, &o->kg,
								     &o->vnc_password };
				int m;

				for (m = 0; m < 3; m++)
					if (os[m]->kind == s->kind && strcmp(os[m]->arg, s->arg) == 0)
						seen = 1;
			}
			if (seen)
				continue;
			if (s->kind == SECRET_ENV) {
				if (getenv(s->arg) == NULL)
					fprintf(stderr,
						"%s:%d: warning: environment variable %s is not set now; bmctop needs it when it polls\n",
						s->file, s->line, s->arg);
				continue;
			}
			if (cred_cache_get(cache, s, &err) == NULL) {
				fprintf(stderr, "bmctop: %s\n", err);
				free(err);
				failures++;
			}
		}
	}
	cred_cache_free(cache);
	return failures;
}

/* Each group once, in the order the fleet first names it: its size and hosts. */
static void print_groups(const struct fleet *f)
{
	const char **names = xcalloc(f->nhosts ? f->nhosts : 1, sizeof *names);
	size_t i, j, n;

	for (i = 0; i < f->nhosts; i++) {
		const char *g = f->hosts[i].group;
		char *list;

		if (g == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (f->hosts[j].group != NULL && strcmp(f->hosts[j].group, g) == 0)
				break;
		if (j < i)
			continue;
		for (j = i, n = 0; j < f->nhosts; j++)
			if (f->hosts[j].group != NULL && strcmp(f->hosts[j].group, g) == 0)
				names[n++] = f->hosts[j].name;
		list = hostrange_compress(names, n);
		printf("%s %zu %s\n", g, n, list);
		free(list);
	}
	free(names);
}

int cmd_config(struct cli *c, int argc, char **argv)
{
	static const char *const words[] = { "check", "hosts", "groups" };
	int rc = cli_command_options(c, &argc, argv);
	size_t i;

	if (rc != 0)
		return rc;
	if (argc != 1 || (strcmp(argv[0], "check") != 0 && strcmp(argv[0], "hosts") != 0 &&
			  strcmp(argv[0], "groups") != 0))
		return cli_command_usage(c, argc == 1 ? argv[0] : NULL, words, 3);
	rc = cli_load_fleet(c);
	if (rc != 0)
		return rc;
	if (strcmp(argv[0], "hosts") == 0) {
		for (i = 0; i < c->fleet.nhosts; i++)
			print_host(&c->fleet.hosts[i]);
		return EXIT_ALL_OK;
	}
	if (strcmp(argv[0], "groups") == 0) {
		print_groups(&c->fleet);
		return EXIT_ALL_OK;
	}
	if (check_secrets(c) != 0)
		return EXIT_USAGE;
	printf("%s: OK, %zu host%s\n", c->fleet_path, c->fleet.nhosts,
	       c->fleet.nhosts == 1 ? "" : "s");
	return EXIT_ALL_OK;
}
