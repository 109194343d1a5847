/*
 * core/metrics.h - the fleet in the Prometheus text format (0.0.4) or
 * OpenMetrics 1.0, with prometheus ipmi_exporter's metric names.
 *
 * A pure function over hosts: it reads what the engine already has and
 * never asks a BMC for anything, so a scrape costs only the rendering.
 * The names and labels are the contract in bmctop(1) ("serve").
 */
#ifndef BMCTOP_METRICS_H
#define BMCTOP_METRICS_H

#include <stddef.h>

#include "core/host.h"

/* A growing text buffer; zero it to start, metrics_text_free() after. */
struct metrics_text {
	char *data;
	size_t len, cap;
};

enum metrics_flags {
	METRICS_OPENMETRICS = 1, /* OpenMetrics 1.0: counters' TYPE without _total, "# EOF" */
	METRICS_NO_HOST = 2	 /* one host (/probe): no host and group labels, no fleet series */
};

/* What the fleet as a whole is doing, beside the hosts' own values. */
struct metrics_fleet {
	unsigned polls_in_flight;
	unsigned in_flight_limit;
};

/* The content types of the two formats. */
#define METRICS_TYPE_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define METRICS_TYPE_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

/*
 * Append the metrics of hosts[0..n) to out.  fleet may be NULL (no fleet
 * series).  Every label value is escaped and made valid UTF-8.
 */
void metrics_render(struct metrics_text *out, const struct bmc_host *hosts, size_t n,
		    const struct metrics_fleet *fleet, unsigned flags);
/* Append s as a label value: \ " and newline escaped, bad UTF-8 as U+FFFD. */
void metrics_label_value(struct metrics_text *out, const char *s);
void metrics_text_free(struct metrics_text *out);

#endif
