/*
 * bmcsim.c - main() of bmcsim, the project's BMC simulator: options, the
 * password, the open-file limit, the fleet file that points bmctop at the
 * simulated BMCs, signals, and the summary printed on exit.
 *
 * The password comes from a 0600 file, never from argv.  Without one, and
 * with --fleet-out, a random password is made and written beside the fleet
 * file, so "bmcsim --fleet-out F" alone gives a working fleet.  The Redfish
 * side (redfish*.c, http*.c) is referenced weakly: a bmcsim built without it says
 * so when asked for a Redfish share, instead of failing to link.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "core/fleet.h"
#include "core/xalloc.h"
#include "replay.h"
#include "sim.h"

#pragma weak sim_redfish_start
#pragma weak sim_redfish_stop

/* Sockets besides one per BMC: stdio, the loop's own, Redfish listeners. */
#define SPARE_FDS 64

struct app {
	uv_loop_t *loop;
	struct sim sim;
	uv_signal_t sigint, sigterm, sigusr1;
	uv_timer_t deadline;
	const char *dump_path, *fleet_path, *ready_path, *password_path, *replay_dir;
	struct sim_replay *replay; /* --replay DIR, loaded */
	char *generated_pw_path;
	int redfish_started, replay_started, stopping;
	uint64_t started_ms;
};

static void usage(FILE *f)
{
	fputs(
	    "usage: bmcsim [--count N] [--address 127.0.0.1] [--port P|0] [--spread]\n"
	    "              [--user U] [--password-file F] [--fleet-out FILE] [--ready-file FILE]\n"
	    "              [--dump FILE] [--loss R] [--latency MS] [--jitter MS] [--dead PCT]\n"
	    "              [--reboot-every S] [--authfail PCT] [--redfish-share PCT]\n"
	    "              [--quirk NAME[,NAME...]] [--quirk-share PCT]\n"
	    "              [--redfish-port P] [--redfish-delay MS] [--sse-share PCT]\n"
	    "              [--seed N] [--tick MS]\n"
	    "              [--speed X] [--storm AT:PCT] [--demo] [--max-seconds S]\n"
	    "              [--verbose] [--replay DIR]\n"
	    "Simulates N BMCs (IPMI v2.0 RMCP+, SOL, Redfish) on loopback.  See bmcsim(1).\n",
	    f);
}

static int parse_uint(const char *opt, const char *v, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || v[0] == '-' || n > max) {
		fprintf(stderr, "bmcsim: %s: expected a whole number 0 to %lu, got \"%s\"\n", opt,
			max, v);
		return -1;
	}
	*out = n;
	return 0;
}

/* A rate as 0.02 or 2%. */
static int parse_rate(const char *opt, const char *v, double *out)
{
	char *end;
	double r = strtod(v, &end);

	if (end != v && *end == '%' && end[1] == '\0')
		r /= 100;
	else if (end == v || *end != '\0')
		r = -1;
	if (!(r >= 0 && r <= 1)) {
		fprintf(stderr,
			"bmcsim: %s: expected a rate 0 to 1 (or 0%% to 100%%), got \"%s\"\n", opt,
			v);
		return -1;
	}
	*out = r;
	return 0;
}

/* The password: the first line of a file nobody else may read. */
static int read_password(const char *path, char *out, size_t cap)
{
	struct stat st;
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "bmcsim: cannot open password file %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
		fprintf(
		    stderr,
		    "bmcsim: password file %s is readable by group or others; run: chmod 600 %s\n",
		    path, path);
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		fprintf(stderr, "bmcsim: cannot read password file %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0' || strlen(buf) >= cap) {
		fprintf(stderr,
			"bmcsim: password file %s: the first line must hold a password of 1 to %zu "
			"characters\n",
			path, cap - 1);
		secure_zero(buf, sizeof(buf));
		return -1;
	}
	memcpy(out, buf, strlen(buf) + 1);
	secure_zero(buf, sizeof(buf));
	return 0;
}

static FILE *create_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return NULL;
	}
	return f;
}

/* A random password for a fleet nobody gave one for, in FLEET.pw. */
static int make_password(struct app *a, char *out, size_t cap)
{
	static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	uint8_t r[16];
	FILE *f;
	size_t n = cap - 1 < sizeof(r) ? cap - 1 : sizeof(r);

	if (RAND_bytes(r, (int)n) != 1)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[r[i] % (sizeof(alphabet) - 1)];
	out[n] = '\0';
	a->generated_pw_path = xasprintf("%s.pw", a->fleet_path);
	f = create_private(a->generated_pw_path);
	if (f == NULL || fprintf(f, "%s\n", out) < 0 || fclose(f) != 0) {
		fprintf(stderr, "bmcsim: cannot write %s: %s\n", a->generated_pw_path,
			strerror(errno));
		return -1;
	}
	a->password_path = a->generated_pw_path;
	return 0;
}

static int bmc_port(const struct sim_bmc *b)
{
	return ntohs(((const struct sockaddr_in *)&b->ipmi_addr)->sin_port);
}

static void bmc_host(const struct sim_bmc *b, char *buf, size_t len)
{
	uv_ip_name((const struct sockaddr *)&b->ipmi_addr, buf, len);
}

/* The fleet file: one [host] per BMC, or one range when ports run in order. */
static int write_fleet(struct app *a)
{
	const struct sim *s = &a->sim;
	char pw[PATH_MAX], host[64], tmp[PATH_MAX + 8];
	int contiguous = s->opt.addresses == 1 && s->nbmcs > 1;
	FILE *f;

	if (realpath(a->password_path, pw) == NULL) {
		fprintf(stderr, "bmcsim: %s: %s\n", a->password_path, strerror(errno));
		return -1;
	}
	for (size_t i = 1; i < s->nbmcs && contiguous; i++)
		if (bmc_port(&s->bmcs[i]) != bmc_port(&s->bmcs[0]) + (int)i ||
		    s->bmcs[i].redfish_port != 0)
			contiguous = 0;
	contiguous = contiguous && s->bmcs[0].redfish_port == 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", a->fleet_path);
	f = create_private(tmp);
	if (f == NULL) {
		fprintf(stderr, "bmcsim: cannot write %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	fprintf(f,
		"# Written by bmcsim for its %zu simulated BMCs; valid while it runs.\n"
		"[defaults]\nuser = %s\npassword-file = %s\nprotocol = ipmi\nconsole = sol\nvnc = "
		"none\n",
		s->nbmcs, s->opt.user, pw);
	if (contiguous) {
		const char *first = s->bmcs[0].name, *last = s->bmcs[s->nbmcs - 1].name;
		size_t prefix = strcspn(first, "0123456789");

		bmc_host(&s->bmcs[0], host, sizeof(host));
		fprintf(f, "\n[host %.*s[%s-%s]]\naddress = %s\nipmi-port = [%d-%d]\n", (int)prefix,
			first, first + prefix, last + prefix, host, bmc_port(&s->bmcs[0]),
			bmc_port(&s->bmcs[s->nbmcs - 1]));
	} else {
		for (size_t i = 0; i < s->nbmcs; i++) {
			const struct sim_bmc *b = &s->bmcs[i];

			bmc_host(b, host, sizeof(host));
			fprintf(f, "\n[host %s]\naddress = %s\nipmi-port = %d\n", b->name, host,
				bmc_port(b));
			if (s->opt.demo) /* racks of 16, for @group and the @ key */
				fprintf(f, "group = rack%zu\n", i / 16 + 1);
			if (b->redfish_port)
				fprintf(f, "protocol = auto\nredfish = https://%s:%d\n",
					b->ipmi_addr.ss_family == AF_INET6 ? "[::1]" : host,
					b->redfish_port);
		}
	}
	if (fclose(f) != 0 || rename(tmp, a->fleet_path) != 0) {
		fprintf(stderr, "bmcsim: cannot write %s: %s\n", a->fleet_path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* The model as JSON, for tests to compare clients' views with. */
static void write_dump(struct app *a)
{
	const struct sim *s = &a->sim;
	static const char *const units[] = {"C", "RPM", "V", "A", "W", ""};
	static const char *const health[] = {"ok", "warning", "critical"};
	char tmp[PATH_MAX + 8];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", a->dump_path);
	f = create_private(tmp);
	if (f == NULL) {
		fprintf(stderr, "bmcsim: cannot write %s: %s\n", tmp, strerror(errno));
		return;
	}
	fputs("[\n", f);
	for (size_t i = 0; i < s->nbmcs; i++) {
		const struct sim_bmc *b = &s->bmcs[i];

		fputs(" {\"name\": ", f);
		json_string(f, b->name);
		fprintf(f,
			", \"port\": %d, \"redfish_port\": %d, \"power\": \"%s\", \"dead\": %s, "
			"\"authfail\": %d, \"health\": \"%s\", \"boot_device\": %u, "
			"\"boot_persistent\": %s, \"sel_entries\": %zu, \"logins\": %u, "
			"\"login_failures\": %u, \"boot_epoch\": %llu,\n",
			bmc_port(b), b->redfish_port, b->power ? "on" : "off",
			b->dead ? "true" : "false", b->authfail, health[sim_bmc_health(b)],
			b->boot_device, b->boot_persistent ? "true" : "false", b->nsel, b->logins,
			b->login_failures, (unsigned long long)b->boot_epoch);
		fprintf(f,
			"  \"sse\": %s, \"sse_open\": %u, \"sse_opened\": %u, "
			"\"sse_replayed\": %u, \"redfish_logins\": %u,\n",
			b->sse ? "true" : "false", b->sse_open, b->sse_opened, b->sse_replayed,
			b->redfish_logins);
		fprintf(f, "  \"rakp2_proofs\": %u, \"rakp3s\": %u, \"quirks\": [", b->rakp2_proofs,
			b->rakp3s);
		for (unsigned q = 0, n = 0; q < FLEET_WA_COUNT; q++)
			if (b->quirks & (1u << q))
				fprintf(f, "%s\"%s\"", n++ ? ", " : "", fleet_workaround_name(q));
		fputs("],\n  \"sensors\": [", f);
		for (size_t k = 0; k < b->nsensors; k++) {
			const struct sim_sensor *sn = &b->sensors[k];

			fprintf(f, "%s{\"name\": ", k ? ", " : "");
			json_string(f, sn->name);
			fprintf(f,
				", \"number\": %u, \"value\": %.6g, \"unit\": \"%s\", \"status\": "
				"\"%s\"}",
				sn->number, sim_sensor_value(sn), units[sn->kind],
				sim_sensor_status(sn));
		}
		fprintf(f, "]}%s\n", i + 1 < s->nbmcs ? "," : "");
	}
	fputs("]\n", f);
	if (fclose(f) != 0 || rename(tmp, a->dump_path) != 0) {
		fprintf(stderr, "bmcsim: cannot write %s: %s\n", a->dump_path, strerror(errno));
		unlink(tmp);
	}
}

static int write_ready(struct app *a)
{
	const struct sim *s = &a->sim;
	char tmp[PATH_MAX + 8], host[64];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", a->ready_path);
	f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, "bmcsim: cannot write %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	bmc_host(&s->bmcs[0], host, sizeof(host));
	fprintf(f, "PID=%ld\nCOUNT=%zu\nADDRESS=%s\nFIRST_PORT=%d\n", (long)getpid(), s->nbmcs,
		host, bmc_port(&s->bmcs[0]));
	if (a->fleet_path)
		fprintf(f, "FLEET=%s\n", a->fleet_path);
	if (a->generated_pw_path)
		fprintf(f, "PASSWORD_FILE=%s\n", a->generated_pw_path);
	if (fclose(f) != 0 || rename(tmp, a->ready_path) != 0) {
		fprintf(stderr, "bmcsim: cannot write %s: %s\n", a->ready_path, strerror(errno));
		return -1;
	}
	return 0;
}

static void print_summary(struct app *a)
{
	struct sim_ipmi_stats st;
	const struct sim *s = &a->sim;
	size_t dead = 0, off = 0;

	for (size_t i = 0; i < s->nbmcs; i++) {
		dead += s->bmcs[i].dead != 0;
		off += !s->bmcs[i].power;
	}
	sim_ipmi_stats(s, &st);
	fprintf(
	    stderr,
	    "bmcsim: %zu BMCs (%zu dead, %zu powered off), up %.1f s; packets: %llu received, "
	    "%llu sent, %llu dropped; sessions %llu, logins refused %llu, SOL activations %llu, "
	    "unknown commands %llu, bad packets %llu\n",
	    s->nbmcs, dead, off, (double)(uv_now(a->loop) - a->started_ms) / 1000.0,
	    (unsigned long long)s->rx, (unsigned long long)s->tx, (unsigned long long)s->dropped,
	    (unsigned long long)st.sessions, (unsigned long long)st.login_failures,
	    (unsigned long long)st.sol_activations, (unsigned long long)st.unknown_cmds,
	    (unsigned long long)st.malformed);
}

static void stop(struct app *a)
{
	if (a->stopping)
		return;
	a->stopping = 1;
	if (a->redfish_started)
		sim_redfish_stop(&a->sim);
	if (a->replay_started)
		sim_replay_redfish_stop(&a->sim);
	sim_ipmi_stop(&a->sim);
	uv_close((uv_handle_t *)&a->sigint, NULL);
	uv_close((uv_handle_t *)&a->sigterm, NULL);
	uv_close((uv_handle_t *)&a->sigusr1, NULL);
	uv_close((uv_handle_t *)&a->deadline, NULL);
	uv_timer_stop(&a->sim.tick);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct app *a = h->data;

	if (signum == SIGUSR1) {
		if (a->dump_path)
			write_dump(a);
		print_summary(a);
		return;
	}
	stop(a);
}

static void on_deadline(uv_timer_t *t)
{
	struct app *a = t->data;

	fprintf(stderr, "bmcsim: --max-seconds reached; stopping\n");
	stop(a);
}

static int raise_fd_limit(size_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= want)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
		fprintf(stderr,
			"bmcsim: %zu BMCs need %zu open files, but the hard limit is %llu; raise "
			"it (ulimit -Hn, or limits.conf) or use fewer BMCs\n",
			want - SPARE_FDS, want, (unsigned long long)rl.rlim_max);
		return -1;
	}
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

enum {
	OPT_COUNT = 256,
	OPT_ADDRESS,
	OPT_PORT,
	OPT_SPREAD,
	OPT_USER,
	OPT_PASSWORD_FILE,
	OPT_LOSS,
	OPT_LATENCY,
	OPT_JITTER,
	OPT_DEAD,
	OPT_REBOOT,
	OPT_AUTHFAIL,
	OPT_QUIRK,
	OPT_QUIRK_SHARE,
	OPT_RF_SHARE,
	OPT_RF_DELAY,
	OPT_RF_PORT,
	OPT_SSE_SHARE,
	OPT_SEED,
	OPT_DEMO,
	OPT_FLEET,
	OPT_READY,
	OPT_DUMP,
	OPT_TICK,
	OPT_MAX_SECONDS,
	OPT_VERBOSE,
	OPT_SPEED,
	OPT_REPLAY,
	OPT_STORM,
	OPT_HELP,
	OPT_VERSION
};

static const struct option long_options[] = {
    {"count", required_argument, NULL, OPT_COUNT},
    {"address", required_argument, NULL, OPT_ADDRESS},
    {"port", required_argument, NULL, OPT_PORT},
    {"spread", no_argument, NULL, OPT_SPREAD},
    {"user", required_argument, NULL, OPT_USER},
    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
    {"loss", required_argument, NULL, OPT_LOSS},
    {"latency", required_argument, NULL, OPT_LATENCY},
    {"jitter", required_argument, NULL, OPT_JITTER},
    {"dead", required_argument, NULL, OPT_DEAD},
    {"reboot-every", required_argument, NULL, OPT_REBOOT},
    {"authfail", required_argument, NULL, OPT_AUTHFAIL},
    {"quirk", required_argument, NULL, OPT_QUIRK},
    {"quirk-share", required_argument, NULL, OPT_QUIRK_SHARE},
    {"redfish-share", required_argument, NULL, OPT_RF_SHARE},
    {"redfish-delay", required_argument, NULL, OPT_RF_DELAY},
    {"redfish-port", required_argument, NULL, OPT_RF_PORT},
    {"sse-share", required_argument, NULL, OPT_SSE_SHARE},
    {"seed", required_argument, NULL, OPT_SEED},
    {"demo", no_argument, NULL, OPT_DEMO},
    {"fleet-out", required_argument, NULL, OPT_FLEET},
    {"ready-file", required_argument, NULL, OPT_READY},
    {"dump", required_argument, NULL, OPT_DUMP},
    {"tick", required_argument, NULL, OPT_TICK},
    {"max-seconds", required_argument, NULL, OPT_MAX_SECONDS},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"speed", required_argument, NULL, OPT_SPEED},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"storm", required_argument, NULL, OPT_STORM},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

/* --quirk NAME[,NAME...]: FreeIPMI's workaround names (bmcsim(1)). */
static int parse_quirks(const char *v, unsigned *bits)
{
	char *bad;

	if (fleet_workarounds_parse(v, bits, &bad) == 0 && *bits != 0)
		return 0;
	fprintf(stderr, "bmcsim: --quirk: unknown quirk \"%s\"; known:", bad ? bad : v);
	for (unsigned i = 0; i < FLEET_WA_COUNT; i++)
		fprintf(stderr, " %s", fleet_workaround_name(i));
	fputc('\n', stderr);
	free(bad);
	return -1;
}

static int parse_options(int argc, char **argv, struct app *a, struct sim_options *o,
			 unsigned long *max_seconds)
{
	unsigned long n;
	int c;

	memset(o, 0, sizeof(*o));
	snprintf(o->address, sizeof(o->address), "127.0.0.1");
	snprintf(o->user, sizeof(o->user), "admin");
	o->addresses = 1;
	o->seed = 1;
	o->tick_ms = 2000;
	o->quirk_share = 100;
	o->sse_share = 100;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		int rc = 0;

		switch (c) {
		case OPT_COUNT:
			rc = parse_uint("--count", optarg, SIM_MAX_BMCS, &n);
			o->count = (unsigned)n;
			break;
		case OPT_ADDRESS:
			if (strlen(optarg) >= sizeof(o->address)) {
				fprintf(stderr, "bmcsim: --address too long\n");
				return -1;
			}
			snprintf(o->address, sizeof(o->address), "%s", optarg);
			break;
		case OPT_PORT:
			rc = parse_uint("--port", optarg, 65535, &n);
			o->base_port = (int)n;
			break;
		case OPT_SPREAD:
			o->addresses = 0;
			break;
		case OPT_USER:
			if (strlen(optarg) == 0 || strlen(optarg) >= sizeof(o->user)) {
				fprintf(stderr, "bmcsim: --user must be 1 to 16 characters\n");
				return -1;
			}
			snprintf(o->user, sizeof(o->user), "%s", optarg);
			break;
		case OPT_PASSWORD_FILE:
			a->password_path = optarg;
			break;
		case OPT_LOSS:
			rc = parse_rate("--loss", optarg, &o->loss);
			break;
		case OPT_LATENCY:
			rc = parse_uint("--latency", optarg, 60000, &n);
			o->latency_ms = (unsigned)n;
			break;
		case OPT_JITTER:
			rc = parse_uint("--jitter", optarg, 60000, &n);
			o->jitter_ms = (unsigned)n;
			break;
		case OPT_DEAD:
			rc = parse_uint("--dead", optarg, 100, &n);
			o->dead_pct = (unsigned)n;
			break;
		case OPT_REBOOT:
			rc = parse_uint("--reboot-every", optarg, 86400, &n);
			o->reboot_every_s = (unsigned)n;
			break;
		case OPT_AUTHFAIL:
			rc = parse_uint("--authfail", optarg, 100, &n);
			o->authfail_pct = (unsigned)n;
			break;
		case OPT_QUIRK:
			rc = parse_quirks(optarg, &o->quirks);
			break;
		case OPT_QUIRK_SHARE:
			rc = parse_uint("--quirk-share", optarg, 100, &n);
			o->quirk_share = (unsigned)n;
			break;
		case OPT_RF_SHARE:
			rc = parse_uint("--redfish-share", optarg, 100, &n);
			o->redfish_share = (unsigned)n;
			break;
		case OPT_RF_DELAY:
			rc = parse_uint("--redfish-delay", optarg, 600000, &n);
			o->redfish_delay_ms = (unsigned)n;
			break;
		case OPT_SSE_SHARE:
			rc = parse_uint("--sse-share", optarg, 100, &n);
			o->sse_share = (unsigned)n;
			break;
		case OPT_RF_PORT:
			rc = parse_uint("--redfish-port", optarg, 65535, &n);
			o->redfish_base_port = (int)n;
			break;
		case OPT_SEED:
			rc = parse_uint("--seed", optarg, 0xffffffffUL, &n);
			o->seed = (unsigned)n;
			break;
		case OPT_DEMO:
			o->demo = 1;
			break;
		case OPT_FLEET:
			a->fleet_path = optarg;
			break;
		case OPT_READY:
			a->ready_path = optarg;
			break;
		case OPT_DUMP:
			a->dump_path = optarg;
			break;
		case OPT_TICK:
			rc = parse_uint("--tick", optarg, 3600000, &n);
			o->tick_ms = (unsigned)n;
			break;
		case OPT_MAX_SECONDS:
			rc = parse_uint("--max-seconds", optarg, 30 * 86400, max_seconds);
			break;
		case OPT_VERBOSE:
			o->verbose = 1;
			break;
		case OPT_SPEED: {
			char *end;

			o->speed = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(o->speed > 0 && o->speed <= 10000)) {
				fprintf(stderr,
					"bmcsim: --speed: expected a factor above 0 and up to "
					"10000, got \"%s\"\n",
					optarg);
				return -1;
			}
			break;
		}
		case OPT_REPLAY:
			a->replay_dir = optarg;
			break;
		case OPT_STORM: {
			char *end;
			unsigned long pct;

			o->storm_at_s = strtod(optarg, &end);
			pct = *end == ':' ? strtoul(end + 1, &end, 10) : 0;
			if (*end != '\0' || !(o->storm_at_s >= 0) || pct < 1 || pct > 100) {
				fprintf(stderr,
					"bmcsim: --storm: expected AT_SECONDS:PERCENT such as 60:5, "
					"got \"%s\"\n",
					optarg);
				return -1;
			}
			o->storm_pct = (unsigned)pct;
			break;
		}
		case OPT_HELP:
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("bmcsim %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
		if (rc != 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(
		    stderr,
		    "bmcsim: unexpected argument \"%s\" (the password goes in --password-file)\n",
		    argv[optind]);
		return -1;
	}
	if (o->count == 0 && !o->demo)
		o->count = 1;
	if (a->replay_dir != NULL && (o->count != 1 || o->demo || o->redfish_share > 0)) {
		fprintf(stderr, "bmcsim: --replay serves one BMC: drop --count, --demo and "
				"--redfish-share\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct app a;
	struct sim_options o;
	unsigned long max_seconds = 0;
	char *err = NULL;
	int rc = 0;

	memset(&a, 0, sizeof(a));
	if (parse_options(argc, argv, &a, &o, &max_seconds) != 0)
		return 2;
	if (a.password_path != NULL) {
		if (read_password(a.password_path, o.password, sizeof(o.password)) != 0)
			return 2;
	} else if (a.fleet_path != NULL) {
		if (make_password(&a, o.password, sizeof(o.password)) != 0)
			return 2;
	} else {
		fprintf(stderr, "bmcsim: give --password-file FILE (0600), or --fleet-out FILE to "
				"have a password made\n");
		return 2;
	}
	if (o.redfish_share > 0 && sim_redfish_start == NULL) {
		fprintf(stderr, "bmcsim: this bmcsim was built without its Redfish side "
				"(sim/redfish.c); drop --redfish-share\n");
		return 2;
	}
	if (a.replay_dir != NULL) {
		if (sim_replay_load(&a.replay, a.replay_dir, &err) != 0) {
			fprintf(stderr, "bmcsim: %s\n", err);
			free(err);
			return 2;
		}
		o.tick_ms = 0; /* the capture is the model */
		fprintf(stderr, "bmcsim: replaying %s: %zu Redfish resources, %zu IPMI answers\n",
			a.replay_dir, a.replay->nres, a.replay->nanswers);
	}
	if (raise_fd_limit((o.count ? o.count : 64) * (o.redfish_share ? 2 : 1) + SPARE_FDS) != 0)
		return 2;

	a.loop = uv_default_loop();
	a.started_ms = uv_now(a.loop);
	if (sim_init(&a.sim, a.loop, &o, &err) != 0 || sim_ipmi_start(&a.sim, &err) != 0) {
		fprintf(stderr, "bmcsim: %s\n", err);
		free(err);
		rc = 2;
		goto out;
	}
	a.sim.replay = a.replay;
	if (a.replay != NULL && a.replay->nres > 0) {
		if (sim_replay_redfish_start(&a.sim, &err) != 0) {
			fprintf(stderr, "bmcsim: Redfish: %s\n", err);
			free(err);
			rc = 2;
			goto out;
		}
		a.replay_started = 1;
	}
	if (o.redfish_share > 0) {
		if (sim_redfish_start(&a.sim, &err) != 0) {
			fprintf(stderr, "bmcsim: Redfish: %s\n", err);
			free(err);
			rc = 2;
			goto out;
		}
		a.redfish_started = 1;
	}
	if ((a.fleet_path && write_fleet(&a) != 0)) {
		rc = 2;
		goto out;
	}
	if (a.dump_path)
		write_dump(&a);
	uv_update_time(a.loop);
	fprintf(stderr, "bmcsim: %zu BMCs listening on %s from port %d in %llu ms\n", a.sim.nbmcs,
		o.address, bmc_port(&a.sim.bmcs[0]),
		(unsigned long long)(uv_now(a.loop) - a.started_ms));
	if (a.ready_path && write_ready(&a) != 0) {
		rc = 2;
		goto out;
	}

	uv_signal_init(a.loop, &a.sigint);
	uv_signal_init(a.loop, &a.sigterm);
	uv_signal_init(a.loop, &a.sigusr1);
	a.sigint.data = a.sigterm.data = a.sigusr1.data = &a;
	uv_signal_start(&a.sigint, on_signal, SIGINT);
	uv_signal_start(&a.sigterm, on_signal, SIGTERM);
	uv_signal_start(&a.sigusr1, on_signal, SIGUSR1);
	uv_timer_init(a.loop, &a.deadline);
	a.deadline.data = &a;
	if (max_seconds > 0)
		uv_timer_start(&a.deadline, on_deadline, max_seconds * 1000, 0);
	uv_run(a.loop, UV_RUN_DEFAULT);
	print_summary(&a);
out:
	if (!a.stopping) {
		if (a.redfish_started)
			sim_redfish_stop(&a.sim);
		if (a.replay_started)
			sim_replay_redfish_stop(&a.sim);
		sim_ipmi_stop(&a.sim);
	}
	if (a.sim.bmcs)
		sim_free(&a.sim);
	uv_run(a.loop, UV_RUN_DEFAULT);
	sim_ipmi_free(&a.sim);
	sim_replay_free(a.replay);
	uv_loop_close(a.loop);
	secure_zero(o.password, sizeof(o.password));
	secure_zero(a.sim.opt.password, sizeof(a.sim.opt.password));
	free(a.generated_pw_path);
	return rc;
}
