/*
 * sim.h - bmcsim's model: N simulated BMCs in one process, one libuv loop.
 *
 * The model (sim.c) owns each BMC's state: power, sensors that drift
 * and cross thresholds, a SEL that grows, FRU strings, boot options and a
 * fake host console (console.c).  The protocol front ends read and change
 * it: the IPMI server (ipmi*.c: RMCP+, SOL) and the Redfish server
 * (redfish*.c, over http.c: HTTPS with session auth).  Files drop the
 * folder's name, as in src/; what each exports starts with sim_ and the
 * file's name (sim_ipmi_session_*, sim_console_*), the model's with sim_
 * alone.  Faults (loss, latency, dead BMCs, reboots, refused logins, slow
 * Redfish) are options of the whole simulation.
 */
#ifndef BMCSIM_SIM_H
#define BMCSIM_SIM_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define SIM_MAX_BMCS 10000
#define SIM_MAX_SENSORS 16
#define SIM_SEL_MAX 512

enum sim_sensor_kind { SIM_TEMP, SIM_FAN, SIM_VOLTAGE, SIM_CURRENT, SIM_POWER, SIM_DISCRETE };

struct sim_sensor {
	char name[17];
	uint8_t number;
	enum sim_sensor_kind kind;
	double value;	 /* current reading, in the unit of kind (C, RPM, V, A, W) */
	double nominal;	 /* drift centre */
	double drift;	 /* amplitude of the drift */
	double lnc, lcr, unc, ucr; /* thresholds; NaN when absent */
	uint16_t discrete_state; /* SIM_DISCRETE: asserted state bits */
	/* How IPMI reports it (and so the resolution every front end shows):
	 * value = (m * raw + b * 10^k1) * 10^k2, raw an unsigned byte. */
	uint8_t ipmi_type; /* sensor type, table 42-3 */
	uint8_t unit;	   /* base unit, table 43-15 */
	int16_t m, b;
	int8_t k1, k2;
	double period_s, phase; /* of the drift */
	uint8_t th_bits;	/* threshold bits last seen (SEL on change) */
};

struct sim_sel_entry {
	uint16_t id;
	uint32_t timestamp;
	uint8_t sensor_type;
	uint8_t sensor_number;
	uint8_t event_dir_type; /* bit 7 deassertion, low 7 bits event/reading type */
	uint8_t data[3];
};

enum sim_health { SIM_HEALTHY, SIM_WARNING, SIM_CRITICAL };

/* Where the fake host's serial console stands (console.c). */
struct sim_console {
	int logged_in;
	char line[128]; /* what was typed since the last newline */
	size_t line_len;
	/* Bytes the host "printed" and no SOL client has taken yet. */
	uint8_t *out;
	size_t out_len, out_cap;
	size_t out_head; /* out[out_head..out_len) is still to be taken */
};

struct sim;

struct sim_bmc {
	struct sim *sim;
	unsigned index;
	char name[32];
	struct sockaddr_storage ipmi_addr; /* where its RMCP+ listens (UDP) */
	int redfish_port;		    /* 0: no Redfish; else HTTPS on ipmi_addr's IP;
					       -1: on a port the kernel picks, which
					       sim_redfish_start() writes back here */

	enum sim_health profile;
	int power; /* 1 on, 0 off */
	int dead;  /* answers nothing */
	uint8_t
	    boot_device; /* IPMI boot flags device selector (0 none, 1 pxe, 2 disk, 6 bios, 5 cd) */
	int boot_persistent;
	uint64_t boot_epoch; /* bumps on each reboot: sessions from before are gone */

	struct sim_sensor sensors[SIM_MAX_SENSORS];
	size_t nsensors;
	struct sim_sel_entry *sel; /* grows to SIM_SEL_MAX entries, then drops the oldest */
	size_t nsel, sel_cap;
	uint16_t next_sel_id;
	uint32_t sel_add_ts, sel_erase_ts;
	uint32_t sdr_add_ts;

	char manufacturer[32], product[32], serial[32], part[32];
	struct sim_console console;

	int authfail;		  /* 0; 1 RAKP 2 "unauthorized name"; 2 RAKP 2 HMAC mismatch */
	uint64_t next_reboot_ms;  /* loop time of the next BMC reboot (0: never) */
	uint64_t down_until_ms;	  /* rebooting: answers nothing until then */
	uint64_t identify_until_ms;
	int identify_forced;
	uint32_t logins, login_failures; /* RAKP 1 received; logins refused */

	void *ipmi;    /* ipmi.c's per-BMC state */
	void *redfish; /* redfish.c's per-BMC state */
	void *http;    /* http.c's per-BMC state */
	unsigned quirks; /* FLEET_WA_* bits: the vendor misbehaviours it shows (--quirk) */
	/* Password attempts as a BMC counts them: RAKP 2 messages that carried
	 * a proof (the user name was found), RAKP 3 messages received. */
	uint32_t rakp2_proofs, rakp3s;
	/* Redfish push (redfish-events.c): whether it offers an SSE stream,
	 * streams open now and ever opened, Redfish logins tried (POSTs to Sessions). */
	int sse;
	uint32_t sse_open, sse_opened, redfish_logins;
	uint32_t sse_replayed; /* events sent again to streams that resumed (Last-Event-ID) */
};

struct sim_options {
	unsigned count;		/* BMCs */
	char address[64];	/* first loopback address, e.g. 127.0.0.1 */
	int addresses;		/* 1: all on one address, distinct ports; else spread over
				   127.0.0.1.. 127.0.x.y (one port each) */
	int base_port;		/* first UDP port (0: pick free ones) */
	unsigned redfish_share; /* percent of BMCs that also serve Redfish */
	int redfish_base_port;
	char user[17];
	char password[21];	 /* never printed */
	double loss;		 /* 0..1 packet loss each way */
	unsigned latency_ms, jitter_ms;
	unsigned dead_pct;	 /* percent of BMCs that never answer */
	unsigned reboot_every_s; /* 0: never; else BMCs reboot (lose sessions) this often */
	unsigned authfail_pct;	 /* percent of BMCs that reject every login */
	unsigned redfish_delay_ms;
	unsigned seed;
	int demo;		 /* the 64-host demo profile mix */
	unsigned tick_ms;	 /* model tick (drift, SEL, reboots); 0 freezes the model */
	int verbose;		 /* log unknown commands and dropped packets to stderr */
	double speed;		 /* simulated seconds per real second for drift (1 when 0) */
	unsigned quirks;	 /* --quirk: FLEET_WA_* bits */
	unsigned quirk_share;	 /* --quirk-share: percent of BMCs that have them (100) */
	unsigned storm_pct;	 /* --storm: this percent of BMCs go critical at once... */
	double storm_at_s;	 /* ...this many simulated seconds in */
	unsigned sse_share;	 /* --sse-share: percent of Redfish BMCs that offer SSE (100) */
};

struct sim {
	uv_loop_t *loop;
	struct sim_options opt;
	struct sim_bmc *bmcs;
	size_t nbmcs;
	uv_timer_t tick; /* drives drift, SEL growth, reboots */
	uint64_t rng;
	/* Counters for the summary printed at exit / on SIGUSR1. */
	uint64_t rx, tx, dropped;
	uint64_t start_ms; /* loop time at sim_init: drift is a function of time since */
	int stormed;	   /* --storm has struck */
	/* Set by a protocol front end: the host printed something (SOL pushes it). */
	void (*console_output)(struct sim_bmc *b);
	/* Set by the Redfish front end: a log entry was added (pushed as an event). */
	void (*sel_added)(struct sim_bmc *b, const struct sim_sel_entry *e);
	void *ipmi; /* ipmi.c's whole-simulation state */
	struct sim_replay *replay; /* --replay: answers from a capture (replay.h), or NULL */
};

/* sim.c: the model. */
int sim_init(struct sim *s, uv_loop_t *loop, const struct sim_options *opt, char **err);
void sim_free(struct sim *s);
void sim_tick(struct sim *s, uint64_t now_ms);
void sim_set_power(struct sim_bmc *b, int on); /* logs SEL, starts a boot log on the console */
void sim_reset(struct sim_bmc *b);
/* The BMC itself restarts: sessions and streams are gone, it answers nothing for a moment. */
void sim_bmc_reboot(struct sim_bmc *b, uint64_t now_ms);
void sim_sel_add(struct sim_bmc *b, uint8_t sensor_type, uint8_t sensor_number, uint8_t dir_type,
		 const uint8_t data[3]);
double sim_rand01(struct sim *s);
enum sim_health sim_bmc_health(const struct sim_bmc *b);
/* The sensor's reading as IPMI reports it: raw byte and that byte converted. */
uint8_t sim_sensor_raw(const struct sim_sensor *s, double v);
double sim_sensor_real(const struct sim_sensor *s, uint8_t raw);
double sim_sensor_value(const struct sim_sensor *s);
/* Threshold bits (LNC 0x01, LCR 0x02, UNC 0x08, UCR 0x10) of the reading. */
uint8_t sim_sensor_threshold_bits(const struct sim_sensor *s);
/* "ok", "warning" or "critical" for one sensor. */
const char *sim_sensor_status(const struct sim_sensor *s);
/* The BMC is answering now (not dead, not rebooting). */
int sim_bmc_alive(const struct sim_bmc *b, uint64_t now_ms);

/* console.c: the fake host behind SOL. */
void sim_console_input(struct sim_bmc *b, const uint8_t *buf, size_t len);
void sim_console_print(struct sim_bmc *b, const char *text);
/* Take up to cap bytes of pending host output. */
size_t sim_console_take(struct sim_bmc *b, uint8_t *buf, size_t cap);
/* A console client connected: show a fresh prompt. */
void sim_console_attach(struct sim_bmc *b);
/* The host powered on: print the boot log and a login prompt. */
void sim_console_boot(struct sim_bmc *b);
void sim_console_free(struct sim_bmc *b);

/* ipmi.c: the RMCP+ server. */
int sim_ipmi_start(struct sim *s, char **err);
/* Close the sockets and timers (run the loop once more to finish), then free. */
void sim_ipmi_stop(struct sim *s);
void sim_ipmi_free(struct sim *s);

struct sim_ipmi_stats {
	uint64_t sessions, login_failures, sol_activations;
	uint64_t unknown_cmds; /* requests answered "invalid command" */
	uint64_t malformed;    /* packets dropped as malformed, unauthentic or replayed */
	uint64_t delay_full;   /* replies dropped because the latency pool was full */
};

void sim_ipmi_stats(const struct sim *s, struct sim_ipmi_stats *st);

#ifdef BMCSIM_FUZZ
/* Fuzz targets only: the IPMI server without sockets; see ipmi.c. */
void sim_ipmi_fuzz_start(struct sim *s, void (*sent)(const uint8_t *buf, size_t len));
void sim_ipmi_fuzz_receive(struct sim_bmc *b, const struct sockaddr *from, const uint8_t *buf,
			   size_t len);
#endif

/* redfish.c: the Redfish server, over http.c. */
int sim_redfish_start(struct sim *s, char **err);
void sim_redfish_stop(struct sim *s);

#ifdef BMCSIM_FUZZ
/* Fuzz targets only: Redfish without sockets or TLS; connections come
 * from sim_http_fuzz_open() (http.h). */
void sim_redfish_fuzz_start(struct sim *s, void (*sent)(const char *buf, size_t len));
#endif

#endif
