/*
 * sim.c - the state of every simulated BMC: sensors, SEL, FRU strings,
 * power, boot options, reboots.  Protocol front ends read and change it.
 *
 * A sensor's reading is a pure function of time (its nominal value, a slow
 * sine of its own period and phase), so a tick costs one sin() per sensor
 * and a frozen model (tick 0) keeps the readings computed at start.  Every
 * value is reported at the resolution of the sensor's IPMI conversion
 * (M, B, K1, K2), so the IPMI and Redfish sides and --dump agree exactly.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "sim.h"

#define SEL_GEN_ID_BMC 0x0020
/* Sensor types and offsets the model logs (IPMI v2.0 table 42-3). */
#define ST_PROCESSOR   0x07
#define ST_MEMORY      0x0C
#define ST_BOOT	       0x1D /* System Boot / Restart Initiated */
#define ST_ACPI	       0x22 /* System ACPI Power State */
#define ST_PSU	       0x08
#define ET_SPECIFIC    0x6F
#define ET_THRESHOLD   0x01
#define REBOOT_DOWN_MS 3000
#define DEMO_COUNT     64

struct sensor_template {
	const char *name;
	enum sim_sensor_kind kind;
	uint8_t ipmi_type, unit;
	int16_t m, b;
	int8_t k1, k2;
	double nominal, drift, off_nominal; /* off_nominal NaN: power does not matter */
	double lnc, lcr, unc, ucr;
};

#define NA NAN
/* The sensors every simulated BMC has; numbers are index + 1. */
static const struct sensor_template sensor_set[] = {
    {"CPU1 Temp", SIM_TEMP, 0x01, 1, 1, 0, 0, 0, 45, 6, 30, NA, NA, 85, 95},
    {"CPU2 Temp", SIM_TEMP, 0x01, 1, 1, 0, 0, 0, 43, 6, 29, NA, NA, 85, 95},
    {"Inlet Temp", SIM_TEMP, 0x01, 1, 1, 0, 0, 0, 24, 3, NA, 5, NA, 38, 45},
    {"FAN1", SIM_FAN, 0x04, 18, 60, 0, 0, 0, 5400, 420, NA, 1200, 600, NA, NA},
    {"FAN2", SIM_FAN, 0x04, 18, 60, 0, 0, 0, 5100, 420, NA, 1200, 600, NA, NA},
    {"12V", SIM_VOLTAGE, 0x02, 4, 7, 0, 0, -2, 12.04, 0.15, NA, 11.41, 10.5, 12.6, 13.23},
    {"3.3V", SIM_VOLTAGE, 0x02, 4, 16, 5, 1, -3, 3.298, 0.04, NA, 3.138, 2.978, 3.458, 3.634},
    {"Pwr Consumption", SIM_POWER, 0x03, 6, 4, 0, 0, 0, 236, 40, 8, NA, NA, 720, 800},
    {"PSU1 Current", SIM_CURRENT, 0x03, 5, 1, 0, 0, -1, 1.2, 0.3, 0.1, NA, NA, 15, 20},
    {"PSU1 Status", SIM_DISCRETE, ST_PSU, 0, 1, 0, 0, 0, 0, 0, NA, NA, NA, NA, NA},
};
#define NSENSORS     (sizeof(sensor_set) / sizeof(sensor_set[0]))
#define SENSOR_INLET 2
#define SENSOR_CPU1  0
#define PSU_PRESENT  0x0001
#define PSU_FAILURE  0x0002

static uint64_t rng_next(uint64_t *state)
{
	/* xorshift64*: fast, and a seed gives the same fleet every run. */
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

double sim_rand01(struct sim *s)
{
	return (double)(rng_next(&s->rng) >> 11) / 9007199254740992.0;
}

uint8_t sim_sensor_raw(const struct sim_sensor *s, double v)
{
	double x = (v / pow(10, s->k2) - s->b * pow(10, s->k1)) / s->m;

	if (s->kind == SIM_DISCRETE || !(x > 0))
		return 0;
	return x >= 255 ? 255 : (uint8_t)floor(x + 0.5);
}

double sim_sensor_real(const struct sim_sensor *s, uint8_t raw)
{
	return (s->m * (double)raw + s->b * pow(10, s->k1)) * pow(10, s->k2);
}

double sim_sensor_value(const struct sim_sensor *s)
{
	if (s->kind == SIM_DISCRETE)
		return s->discrete_state;
	return sim_sensor_real(s, sim_sensor_raw(s, s->value));
}

uint8_t sim_sensor_threshold_bits(const struct sim_sensor *s)
{
	uint8_t raw, bits = 0;

	if (s->kind == SIM_DISCRETE)
		return 0;
	/* Compare raw bytes, as a client comparing the SDR's raw thresholds does. */
	raw = sim_sensor_raw(s, s->value);
	if (!isnan(s->lnc) && raw <= sim_sensor_raw(s, s->lnc))
		bits |= 0x01;
	if (!isnan(s->lcr) && raw <= sim_sensor_raw(s, s->lcr))
		bits |= 0x02;
	if (!isnan(s->unc) && raw >= sim_sensor_raw(s, s->unc))
		bits |= 0x08;
	if (!isnan(s->ucr) && raw >= sim_sensor_raw(s, s->ucr))
		bits |= 0x10;
	return bits;
}

static enum sim_health sensor_health(const struct sim_sensor *s)
{
	uint8_t bits;

	if (s->kind == SIM_DISCRETE)
		return s->discrete_state & PSU_FAILURE ? SIM_CRITICAL : SIM_HEALTHY;
	bits = sim_sensor_threshold_bits(s);
	if (bits & 0x12)
		return SIM_CRITICAL;
	return bits ? SIM_WARNING : SIM_HEALTHY;
}

const char *sim_sensor_status(const struct sim_sensor *s)
{
	static const char *const names[] = {"ok", "warning", "critical"};

	return names[sensor_health(s)];
}

enum sim_health sim_bmc_health(const struct sim_bmc *b)
{
	enum sim_health h = SIM_HEALTHY;

	for (size_t i = 0; i < b->nsensors; i++) {
		enum sim_health sh = sensor_health(&b->sensors[i]);

		if (sh > h)
			h = sh;
	}
	return h;
}

int sim_bmc_alive(const struct sim_bmc *b, uint64_t now_ms)
{
	return !b->dead && now_ms >= b->down_until_ms;
}

void sim_sel_add(struct sim_bmc *b, uint8_t sensor_type, uint8_t sensor_number, uint8_t dir_type,
		 const uint8_t data[3])
{
	struct sim_sel_entry *e;

	/* A full log drops its oldest entry, so the newest are always there. */
	if (b->nsel == SIM_SEL_MAX) {
		memmove(b->sel, b->sel + 1, (SIM_SEL_MAX - 1) * sizeof(b->sel[0]));
		b->nsel--;
	}
	/* Most logs stay short: ten thousand full-size ones would be 60 MB. */
	if (b->nsel == b->sel_cap) {
		b->sel_cap = b->sel_cap ? 2 * b->sel_cap : 8;
		if (b->sel_cap > SIM_SEL_MAX)
			b->sel_cap = SIM_SEL_MAX;
		b->sel = xreallocarray(b->sel, b->sel_cap, sizeof(b->sel[0]));
	}
	e = &b->sel[b->nsel++];
	/* IDs 0x0000 and 0xFFFF mean "first" and "last" in Get SEL Entry. */
	if (b->next_sel_id == 0 || b->next_sel_id >= 0xfffe)
		b->next_sel_id = 1;
	e->id = b->next_sel_id++;
	e->timestamp = (uint32_t)time(NULL);
	e->sensor_type = sensor_type;
	e->sensor_number = sensor_number;
	e->event_dir_type = dir_type;
	memcpy(e->data, data, 3);
	b->sel_add_ts = e->timestamp;
	if (b->sim->sel_added != NULL)
		b->sim->sel_added(b, e);
}

/* Log threshold crossings since the last look, as a BMC's event generator does. */
static void sensor_log_crossings(struct sim_bmc *b, struct sim_sensor *s)
{
	/* Event offsets (table 42-2) of going-low lower and going-high upper thresholds. */
	static const struct {
		uint8_t bit, offset;
	} events[] = {{0x01, 0x00}, {0x02, 0x02}, {0x08, 0x07}, {0x10, 0x09}};
	uint8_t bits = sim_sensor_threshold_bits(s), changed = bits ^ s->th_bits;

	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		double th;
		uint8_t data[3];

		if (!(changed & events[i].bit))
			continue;
		th = events[i].bit == 0x01   ? s->lnc
		     : events[i].bit == 0x02 ? s->lcr
		     : events[i].bit == 0x08 ? s->unc
					     : s->ucr;
		data[0] = 0x50 | events[i].offset; /* trigger reading and threshold follow */
		data[1] = sim_sensor_raw(s, s->value);
		data[2] = sim_sensor_raw(s, th);
		sim_sel_add(b, s->ipmi_type, s->number,
			    (uint8_t)((bits & events[i].bit ? 0x00 : 0x80) | ET_THRESHOLD), data);
	}
	s->th_bits = bits;
}

/* Move every reading to where time t (seconds since start) puts it. */
static void bmc_update_sensors(struct sim_bmc *b, double t)
{
	for (size_t i = 0; i < b->nsensors; i++) {
		struct sim_sensor *s = &b->sensors[i];
		double centre = s->nominal;

		if (s->kind == SIM_DISCRETE)
			continue;
		if (!b->power && !isnan(sensor_set[i].off_nominal))
			centre = sensor_set[i].off_nominal;
		s->value = centre + s->drift * sin(2 * M_PI * t / s->period_s + s->phase);
		sensor_log_crossings(b, s);
	}
}

static void bmc_init_sensors(struct sim *sim, struct sim_bmc *b)
{
	b->nsensors = NSENSORS;
	for (size_t i = 0; i < NSENSORS; i++) {
		const struct sensor_template *t = &sensor_set[i];
		struct sim_sensor *s = &b->sensors[i];

		snprintf(s->name, sizeof(s->name), "%s", t->name);
		s->number = (uint8_t)(i + 1);
		s->kind = t->kind;
		s->ipmi_type = t->ipmi_type;
		s->unit = t->unit;
		s->m = t->m;
		s->b = t->b;
		s->k1 = t->k1;
		s->k2 = t->k2;
		s->nominal = t->nominal;
		s->drift = t->drift;
		s->lnc = t->lnc;
		s->lcr = t->lcr;
		s->unc = t->unc;
		s->ucr = t->ucr;
		s->period_s = 120 + 480 * sim_rand01(sim);
		s->phase = 2 * M_PI * sim_rand01(sim);
		if (s->kind == SIM_DISCRETE)
			s->discrete_state = PSU_PRESENT;
	}
	/* Warning: the inlet hovers around its upper non-critical threshold.
	 * Critical: CPU1 around its upper critical one, and a failed PSU. */
	if (b->profile == SIM_WARNING) {
		b->sensors[SENSOR_INLET].nominal = 39.5;
		b->sensors[SENSOR_INLET].drift = 2.5;
	} else if (b->profile == SIM_CRITICAL) {
		b->sensors[SENSOR_CPU1].nominal = 97;
		b->sensors[SENSOR_CPU1].drift = 3.5;
		b->sensors[NSENSORS - 1].discrete_state = PSU_PRESENT | PSU_FAILURE;
	}
}

/* Exactly pct percent of n, spread evenly: is member i chosen? */
static int spread_pick(unsigned i, unsigned pct)
{
	return (i + 1) * pct / 100 != i * pct / 100;
}

static void bmc_init(struct sim *sim, struct sim_bmc *b, unsigned i)
{
	const struct sim_options *o = &sim->opt;
	unsigned digits = o->count >= 10000 ? 5 : o->count >= 1000 ? 4 : o->count >= 100 ? 3 : 2;
	double r = sim_rand01(sim);
	uint8_t data[3] = {0x00, 0xff, 0xff};

	b->sim = sim;
	b->index = i;
	snprintf(b->name, sizeof(b->name), "%s%0*u", o->demo ? "node" : "bmc", (int)digits, i + 1);
	b->power = 1;
	b->profile = r < 0.85 ? SIM_HEALTHY : r < 0.95 ? SIM_WARNING : SIM_CRITICAL;
	if (o->demo && o->count == DEMO_COUNT) {
		/* The demo's fixed mix: 40 healthy, 8 warning, 6 critical, 4 off, 6 down. */
		b->profile = i < 40   ? SIM_HEALTHY
			     : i < 48 ? SIM_WARNING
			     : i < 54 ? SIM_CRITICAL
				      : SIM_HEALTHY;
		b->power = !(i >= 54 && i < 58);
		b->dead = i >= 58;
	}
	if (spread_pick(i, o->dead_pct))
		b->dead = 1;
	b->boot_device = 0;
	snprintf(b->manufacturer, sizeof(b->manufacturer), "Bmctop Labs");
	snprintf(b->product, sizeof(b->product), "SimServer 9000");
	snprintf(b->serial, sizeof(b->serial), "PSN%06u", i + 1);
	snprintf(b->part, sizeof(b->part), "SS9K-%02u", 1 + i % 4);
	bmc_init_sensors(sim, b);
	/* The log starts with the host's power-on. */
	b->next_sel_id = 1;
	sim_sel_add(b, ST_BOOT, 0xe0, ET_SPECIFIC, data);
	bmc_update_sensors(b, 0);
	if (b->sensors[NSENSORS - 1].discrete_state & PSU_FAILURE) {
		data[0] = 0x01; /* Power Supply Failure detected */
		sim_sel_add(b, ST_PSU, (uint8_t)NSENSORS, ET_SPECIFIC, data);
	}
	b->sdr_add_ts = b->sel_add_ts;
	if (o->reboot_every_s > 0)
		b->next_reboot_ms =
		    sim->start_ms + (uint64_t)(sim_rand01(sim) * o->reboot_every_s * 1000) + 1;
}

static const char *const demo_chatter[] = {
    "systemd[1]: Started Daily apt download activities.\r\n",
    "kernel: EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro\r\n",
    "sshd[812]: Accepted publickey for deploy from 10.0.0.7 port 50412\r\n",
    "kernel: e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex\r\n",
    "CRON[2231]: (root) CMD (run-parts /etc/cron.hourly)\r\n",
};

/* Seconds into the simulation; a frozen model stays at 0. */
static double model_time(const struct sim *s)
{
	if (s->opt.tick_ms == 0)
		return 0;
	return (double)(uv_now(s->loop) - s->start_ms) / 1000.0 *
	       (s->opt.speed > 0 ? s->opt.speed : 1);
}

static void on_tick(uv_timer_t *t)
{
	struct sim *s = t->data;

	sim_tick(s, uv_now(s->loop));
}

/* --storm: the chosen BMCs' CPU1 runs hot, above its upper critical threshold, for good. */
static void storm_strike(struct sim *s)
{
	for (size_t i = 0; i < s->nbmcs; i++) {
		struct sim_bmc *b = &s->bmcs[i];

		if (b->dead || !spread_pick((unsigned)i, s->opt.storm_pct))
			continue;
		b->sensors[SENSOR_CPU1].nominal = 100;
		b->sensors[SENSOR_CPU1].drift = 1;
	}
	s->stormed = 1;
}

void sim_tick(struct sim *s, uint64_t now_ms)
{
	double t = (double)(now_ms - s->start_ms) / 1000.0 * (s->opt.speed > 0 ? s->opt.speed : 1);

	if (s->opt.storm_pct > 0 && !s->stormed && t >= s->opt.storm_at_s)
		storm_strike(s);

	for (size_t i = 0; i < s->nbmcs; i++) {
		struct sim_bmc *b = &s->bmcs[i];

		if (b->dead)
			continue;
		bmc_update_sensors(b, t);
		if (b->next_reboot_ms && now_ms >= b->next_reboot_ms) {
			sim_bmc_reboot(b, now_ms);
			b->next_reboot_ms = now_ms + (uint64_t)s->opt.reboot_every_s * 1000;
		}
		/* Now and then a correctable memory error, so logs grow on healthy hosts too. */
		if (sim_rand01(s) < 0.0005) {
			const uint8_t data[3] = {0x00, 0xff, 0x03};

			sim_sel_add(b, ST_MEMORY, 0x60, ET_SPECIFIC, data);
		}
		if (s->opt.demo && b->power && sim_rand01(s) < 0.05)
			sim_console_print(b, demo_chatter[rng_next(&s->rng) % 5]);
	}
}

void sim_bmc_reboot(struct sim_bmc *b, uint64_t now_ms)
{
	unsigned every = b->sim->opt.reboot_every_s;

	/* The BMC (not the host) restarts: sessions are gone. */
	b->boot_epoch++;
	b->down_until_ms = now_ms + (every > 0 && every * 1000ULL / 4 < REBOOT_DOWN_MS
					 ? every * 1000ULL / 4
					 : REBOOT_DOWN_MS);
}

void sim_set_power(struct sim_bmc *b, int on)
{
	uint8_t data[3] = {0x00, 0xff, 0xff};

	on = on != 0;
	if (b->power == on)
		return;
	b->power = on;
	if (on) {
		sim_sel_add(b, ST_BOOT, 0xe0, ET_SPECIFIC, data);
		sim_console_boot(b);
	} else {
		data[0] = 0x06; /* S5 / G2: soft off */
		sim_sel_add(b, ST_ACPI, 0xe1, ET_SPECIFIC, data);
		sim_console_print(b, "\r\nreboot: Power down\r\n");
		b->console.logged_in = 0;
	}
	bmc_update_sensors(b, model_time(b->sim));
}

void sim_reset(struct sim_bmc *b)
{
	uint8_t data[3] = {0x01, 0xff, 0xff}; /* initiated by hard reset */

	if (!b->power) {
		sim_set_power(b, 1);
		return;
	}
	sim_sel_add(b, ST_BOOT, 0xe0, ET_SPECIFIC, data);
	sim_console_print(b, "\r\nreboot: Restarting system\r\n");
	b->console.logged_in = 0;
	sim_console_boot(b);
}

int sim_init(struct sim *s, uv_loop_t *loop, const struct sim_options *opt, char **err)
{
	memset(s, 0, sizeof(*s));
	s->loop = loop;
	s->opt = *opt;
	if (s->opt.demo && s->opt.count == 0)
		s->opt.count = DEMO_COUNT;
	if (s->opt.count == 0 || s->opt.count > SIM_MAX_BMCS) {
		*err = xasprintf("--count must be 1 to %d", SIM_MAX_BMCS);
		return -1;
	}
	s->rng = ((uint64_t)s->opt.seed << 1 | 1) * 0x9E3779B97F4A7C15ULL;
	s->start_ms = uv_now(loop);
	s->nbmcs = s->opt.count;
	s->bmcs = xcalloc(s->nbmcs, sizeof(*s->bmcs));
	for (unsigned i = 0; i < s->opt.count; i++)
		bmc_init(s, &s->bmcs[i], i);
	/* Refused logins among the BMCs that answer at all, both kinds in turn. */
	for (unsigned i = 0, live = 0, n = 0; i < s->opt.count; i++) {
		if (s->bmcs[i].dead)
			continue;
		if (spread_pick(live++, s->opt.authfail_pct))
			s->bmcs[i].authfail = 1 + (int)(n++ % 2);
	}
	for (unsigned i = 0; i < s->opt.count; i++)
		if (spread_pick(i, s->opt.quirk_share))
			s->bmcs[i].quirks = s->opt.quirks;
	uv_timer_init(loop, &s->tick);
	s->tick.data = s;
	if (s->opt.tick_ms > 0)
		uv_timer_start(&s->tick, on_tick, s->opt.tick_ms, s->opt.tick_ms);
	return 0;
}

void sim_free(struct sim *s)
{
	uv_timer_stop(&s->tick);
	uv_close((uv_handle_t *)&s->tick, NULL);
	for (size_t i = 0; i < s->nbmcs; i++) {
		sim_console_free(&s->bmcs[i]);
		free(s->bmcs[i].sel);
	}
	free(s->bmcs);
	s->bmcs = NULL;
	s->nbmcs = 0;
}
