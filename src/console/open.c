/*
 * console/open.c - opening a host's console: the fleet entry's console =
 * value names the transport (IPMI SOL, raw TCP or telnet), and this is the
 * one file that knows the transports' ops tables.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "core/engine.h"
#include "core/errors.h"
#include "core/fleet.h"
#include "core/log.h"
#include "core/xalloc.h"

int console_parse_target(const char *spec, enum console_kind *kind, char **host, int *port,
			 char **err)
{
	const char *rest = NULL;

	*host = NULL;
	*port = 0;
	if (spec == NULL || strcmp(spec, "sol") == 0) {
		*kind = CONSOLE_SOL;
		return 0;
	}
	if (strcmp(spec, "none") == 0) {
		*kind = CONSOLE_NONE;
		return 0;
	}
	if (strncmp(spec, "tcp:", 4) == 0) {
		*kind = CONSOLE_TCP;
		rest = spec + 4;
	} else if (strncmp(spec, "telnet:", 7) == 0) {
		*kind = CONSOLE_TELNET;
		rest = spec + 7;
	} else {
		*err = xasprintf("console \"%s\": expected sol, none, tcp:HOST:PORT or "
				 "telnet:HOST:PORT", spec);
		return BMC_ECONFIG;
	}
	if (fleet_parse_hostport(rest, host, port) != 0 || *port <= 0 || *port > 65535) {
		free(*host);
		*host = NULL;
		*err = xasprintf("console \"%s\": expected HOST:PORT after \"%.*s\"", spec,
				 (int)(rest - spec - 1), spec);
		return BMC_ECONFIG;
	}
	return 0;
}

int console_open(struct console **out, struct bmc_host *h, const struct console_callbacks *cb,
		 char **err)
{
	struct console *c;
	enum console_kind kind;
	char *host;
	int port, rc;

	*out = NULL;
	rc = console_parse_target(h->cfg->console, &kind, &host, &port, err);
	if (rc != 0)
		return rc;
	if (kind == CONSOLE_NONE) {
		*err = xasprintf("%s has no console configured (console = none)", h->cfg->name);
		return BMC_ECONFIG;
	}
	c = xcalloc(1, sizeof *c);
	c->host = h;
	c->loop = h->engine->loop;
	c->kind = kind;
	c->target_host = host;
	c->target_port = port;
	c->ops = kind == CONSOLE_SOL ? &console_sol_ops : &console_tcp_ops;
	c->state = CON_CONNECTING;
	c->cb = *cb;
	c->log_fd = -1;
	c->log_at_line_start = 1;
	rc = c->ops->open(c, err);
	if (rc != 0) {
		free(c->state_msg);
		free(c->target_host);
		free(c);
		return rc;
	}
	log_msg(LOG_INFO, "%s: console opened (%s)", h->cfg->name, c->ops->name);
	*out = c;
	return 0;
}
