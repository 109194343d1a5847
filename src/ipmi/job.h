/*
 * ipmi/job.h - one operation of the IPMI backend as a job: a short chain of
 * IPMI requests on the host's session, each step started by the previous
 * step's response.  The backend's actions (ipmi/backend.c), the poll
 * (ipmi/poll.c) and its fetchers (ipmi/poll-sdr.c, poll-sel.c, poll-fru.c)
 * all run as jobs; this is what they share.
 */
#ifndef BMCTOP_IPMI_JOB_H
#define BMCTOP_IPMI_JOB_H

#include "core/engine.h"
#include "ipmi/sdr-cache.h"
#include "ipmi/sdr.h"
#include "ipmi/sel.h"
#include "ipmi/session.h"

/* Completion code: "cannot return number of requested data bytes". */
#define CC_CANNOT_RETURN_BYTES 0xCA

/* The IPMI backend's state for one host (its backend_data). */
struct ipmi_host {
	struct ipmi_session session;
	int have_device_id;
	uint32_t manufacturer;
	uint16_t product;
	char firmware[16];
	enum bmc_health chassis_health;

	/* SDR repository as last read. */
	int have_sdr;
	uint32_t sdr_add_ts, sdr_erase_ts;
	struct sdr_sensor *sdrs;
	size_t nsdrs;

	int have_sel;
	uint32_t sel_add_ts;
	uint16_t sel_entries;

	void (*closed)(struct bmc_host *h);
};

enum job_kind { JOB_POLL, JOB_POWER, JOB_BOOT, JOB_IDENTIFY };

struct ipmi_job;
typedef void (*step_fn)(struct ipmi_job *j, const struct ipmi_response *rsp);

struct ipmi_job {
	struct bmc_host *h;
	struct ipmi_host *ih;
	enum job_kind kind;
	unsigned what;
	bmc_op_cb cb;
	void *arg;
	step_fn next;
	const char *step_name;

	/* Poll: the next step of ipmi/poll.c's table, and what a step calls
	 * when it is done. */
	unsigned poll_step;
	void (*step_done)(struct ipmi_job *j);

	/* Actions. */
	enum bmc_power_action action;
	enum bmc_boot_device device;
	int persistent;

	/* SDR read. */
	struct sdr_repo_info repo;
	uint16_t reservation;
	uint16_t record_id;
	unsigned reserve_retries;
	int partial;
	uint8_t record[300];
	size_t record_len, record_total;
	struct sdr_cache cache;
	size_t records_read;

	/* Readings. */
	size_t sensor_index;
	struct bmc_sensor *readings;
	size_t nreadings;

	/* SEL. */
	struct sel_info sel;
	uint16_t sel_next;
	struct bmc_event *events;
	size_t nevents;
	size_t sel_read;

	/* FRU. */
	uint8_t *fru;
	uint16_t fru_size;
	uint16_t fru_offset;
	uint8_t fru_chunk;

	/* bmctop capture's reads (ipmi/poll-capture.c). */
	uint8_t cipher_index;
};

/* A job on h for cb (the host's backend_data must be a struct ipmi_host). */
struct ipmi_job *ipmi_job_new(struct bmc_host *h, enum job_kind kind, bmc_op_cb cb, void *arg);
/* Free j and report status to its callback. */
void ipmi_job_finish(struct ipmi_job *j, int status);
/* A failed step: say what failed on the host, then finish. */
void ipmi_job_fail(struct ipmi_job *j, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Send the next step's request; next runs with its response (the job
 * finishes with the session's error instead when there is none). */
void ipmi_job_send(struct ipmi_job *j, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len,
		   step_fn next, const char *name);
/* Fail on a non-zero completion code; returns 1 if the job ended. */
int ipmi_job_check_ccode(struct ipmi_job *j, const struct ipmi_response *rsp);
/* Fail on a response shorter than need (counted as malformed); 1 if the job ended. */
int ipmi_job_check_len(struct ipmi_job *j, const struct ipmi_response *rsp, size_t need);

#endif
