/*
 * cli/cmd-capture.c - `bmctop capture HOST DIR`: one poll of one host,
 * everything read recorded (core/capture.h) for `bmcsim --replay DIR`.
 *
 * A host that may speak both protocols (protocol = auto or both) is polled
 * twice, once over each with the other turned off, so the capture holds
 * the whole of what bmctop reads over Redfish and the whole over IPMI: a
 * poll under auto or both reads only part of each.  One of the two may
 * fail (a BMC without Redfish); the capture is kept when either worked.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/capture.h"
#include "core/sched.h"

static int start_poll(struct bmc_host *h, bmc_op_cb cb, void *cb_arg, void *arg)
{
	(void)arg;
	return engine_poll(h, POLL_ALL | POLL_CAPTURE, cb, cb_arg);
}

/* Load the fleet into c and find the host called name in it: 0, or an exit
 * status (said on stderr; c is finished then). */
static int load_host(struct cli *c, const char *fleet_path, const char *name,
		     struct host_config **hc)
{
	size_t i;
	int rc;

	memset(c, 0, sizeof *c);
	c->fleet_path = fleet_path;
	rc = cli_load_fleet(c);
	if (rc != 0) {
		cli_finish(c);
		return rc;
	}
	for (i = 0; i < c->fleet.nhosts; i++) {
		if (strcmp(c->fleet.hosts[i].name, name) == 0) {
			*hc = &c->fleet.hosts[i];
			return 0;
		}
	}
	fprintf(stderr, "bmctop: capture: no host %s in %s (give one host by its name)\n", name,
		c->fleet_path);
	cli_finish(c);
	return EXIT_USAGE;
}

/*
 * One poll of name: the first pass over Redfish (IPMI when that is all the
 * host has), the second over IPMI; *more says whether a second is due.
 * 0 when it worked, 1 when the poll failed (said on stderr), EXIT_USAGE.
 */
static int capture_pass(const char *fleet_path, const char *name, int second, int *more)
{
	enum fleet_protocol proto;
	struct cli c;
	struct host_config *hc;
	struct bmc_host *h = NULL;
	size_t i;
	int rc, status = 0;

	rc = load_host(&c, fleet_path, name, &hc);
	if (rc != 0)
		return rc;
	*more = !second && (hc->protocol == PROTO_AUTO || hc->protocol == PROTO_BOTH);
	proto = second || hc->protocol == PROTO_IPMI ? PROTO_IPMI : PROTO_REDFISH;
	hc->protocol = proto;
	cli_start_engine(&c);
	for (i = 0; i < c.engine.nhosts; i++)
		if (c.engine.hosts[i].cfg == hc)
			h = &c.engine.hosts[i];
	rc = h != NULL ? cli_require_backend(&h, 1) : EXIT_USAGE;
	if (rc == 0 && sched_fanout(&c.engine, &h, 1, start_poll, NULL, &status) != 0) {
		fprintf(stderr, "bmctop: %s: %s%s\n", name,
			proto == PROTO_REDFISH ? "Redfish: " : "IPMI: ",
			h->error ? h->error : bmc_strerror(status));
		rc = 1;
	}
	cli_finish(&c);
	return rc;
}

/* Is name a host of the fleet?  Before DIR is made.  0 or EXIT_USAGE. */
static int check_host(const char *fleet_path, const char *name)
{
	struct host_config *hc;
	struct cli c;
	int rc = load_host(&c, fleet_path, name, &hc);

	if (rc == 0)
		cli_finish(&c);
	return rc;
}

int cmd_capture(struct cli *c, int argc, char **argv)
{
	struct capture *cap = NULL;
	size_t resources, answers;
	unsigned flags;
	char *err = NULL;
	int rc = cli_command_options(c, &argc, argv), worked = 0, more = 0, r;

	if (rc != 0)
		return rc;
	if (argc != 2)
		return cli_command_usage(c, NULL, NULL, 0);
	flags = (c->no_redact ? CAPTURE_KEEP_SECRETS : 0) | (c->force ? CAPTURE_FORCE : 0);
	rc = check_host(c->fleet_path, argv[0]);
	if (rc != 0)
		return rc;
	rc = capture_open(&cap, argv[1], flags, &err);
	if (rc != 0) {
		fprintf(stderr, "bmctop: capture: %s\n", err);
		free(err);
		return rc == BMC_ECONFIG ? EXIT_USAGE : EXIT_SOME_FAILED;
	}
	capture_recorder = cap;
	r = capture_pass(c->fleet_path, argv[0], 0, &more);
	worked += r == 0;
	if (more) {
		r = capture_pass(c->fleet_path, argv[0], 1, &more);
		worked += r == 0;
	}
	capture_recorder = NULL;
	rc = capture_close(cap, "Captured with: bmctop capture HOST DIR.", &resources, &answers,
			   &err);
	if (rc != 0) {
		fprintf(stderr, "bmctop: capture: %s\n", err);
		free(err);
		return EXIT_SOME_FAILED;
	}
	if (r == EXIT_USAGE)
		return EXIT_USAGE;
	fprintf(stderr,
		"bmctop: captured %zu Redfish resources and %zu IPMI answers from %s into %s%s\n",
		resources, answers, argv[0], argv[1],
		flags & CAPTURE_KEEP_SECRETS ? " (NOT redacted)"
					     : "; check its README before you send it");
	return worked > 0 ? EXIT_ALL_OK : EXIT_SOME_FAILED;
}
