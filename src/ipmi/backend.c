/*
 * ipmi/backend.c - the IPMI operations table: poll, power, boot, identify.
 *
 * Each operation is a job: a short chain of IPMI requests on the host's
 * session, each step started by the previous step's response.  A poll reads
 * the device ID once, then chassis status, sensors (the SDR repository,
 * from the on-disk cache when the repository's timestamps say it has not
 * changed), the SEL when its add timestamp moved, and the FRU inventory.
 * Every response is checked for its completion code and length before use.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/xalloc.h"
#include "ipmi/fru.h"
#include "ipmi/host-session.h"
#include "ipmi/sdr-cache.h"
#include "ipmi/sdr.h"
#include "ipmi/sel.h"
#include "ipmi/session.h"



#define CC_RESERVATION_CANCELED 0xC5
#define CC_CANNOT_RETURN_BYTES 0xCA

#define MAX_SDR_RECORDS 4096
#define MAX_SEL_READ 4096
#define MAX_EVENTS_KEPT 512
#define SDR_CHUNK 16
#define FRU_CHUNK_MAX 32
#define FRU_MAX_SIZE 4096
#define MAX_RESERVE_RETRIES 5

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
};

static struct ipmi_host *ipmi_of(struct bmc_host *h)
{
	return h->backend_data;
}

static void job_free(struct ipmi_job *j)
{
	sdr_cache_free(&j->cache);
	free(j->readings);
	free(j->events);
	free(j->fru);
	free(j);
}

static void job_finish(struct ipmi_job *j, int status)
{
	struct bmc_host *h = j->h;
	bmc_op_cb cb = j->cb;
	void *arg = j->arg;

	job_free(j);
	cb(h, status, arg);
}

/* A failed step: say what failed on the host, then finish. */
static void job_fail(struct ipmi_job *j, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void job_fail(struct ipmi_job *j, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	host_set_errorv(j->h, status, fmt, ap);
	va_end(ap);
	job_finish(j, status);
}

static void on_response(struct ipmi_session *s, int status, const struct ipmi_response *rsp,
			void *arg)
{
	struct ipmi_job *j = arg;

	if (status != 0) {
		/* The session already put the reason on the host. */
		job_finish(j, status);
		return;
	}
	j->next(j, rsp);
}

static void job_send(struct ipmi_job *j, uint8_t netfn, uint8_t cmd, const uint8_t *data,
		     size_t len, step_fn next, const char *name)
{
	int rc;

	j->next = next;
	j->step_name = name;
	rc = ipmi_session_request(&j->ih->session, netfn, cmd, data, len, on_response, j);
	if (rc != 0)
		job_finish(j, rc);
}

/* Fail on a non-zero completion code; returns 1 if the job ended. */
static int check_ccode(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (rsp->ccode == 0)
		return 0;
	job_fail(j, BMC_ECOMPLETION, "%s failed: %s (completion code 0x%02x)", j->step_name,
		 ipmi_ccode_str(rsp->ccode), rsp->ccode);
	return 1;
}

static int check_len(struct ipmi_job *j, const struct ipmi_response *rsp, size_t need)
{
	if (rsp->len >= need)
		return 0;
	j->h->counters[CNT_DROP_MALFORMED]++;
	job_fail(j, BMC_EPROTO, "%s: response of %zu bytes, expected at least %zu", j->step_name,
		 rsp->len, need);
	return 1;
}

/* Vendors by IANA enterprise number. */
static const char *vendor_name(uint32_t iana)
{
	static const struct {
		uint32_t id;
		const char *name;
	} vendors[] = {
		{ 2, "IBM" },	       { 11, "HPE" },	   { 343, "Intel" },
		{ 674, "Dell" },       { 4128, "ARM" },	   { 7154, "Quanta" },
		{ 10876, "Supermicro" }, { 15370, "Gigabyte" }, { 19046, "Lenovo" },
		{ 20974, "AMI" },      { 40092, "ASRock Rack" }, { 49622, "OpenBMC" },
		{ 52538, "NVIDIA" },   { 4753, "OpenIPMI" },
	};
	size_t i;

	for (i = 0; i < sizeof vendors / sizeof vendors[0]; i++)
		if (vendors[i].id == iana)
			return vendors[i].name;
	return NULL;
}

/* Poll steps, in order. */

static void poll_power(struct ipmi_job *j);
static void poll_sensors(struct ipmi_job *j);
static void poll_events(struct ipmi_job *j);
static void poll_inventory(struct ipmi_job *j);
static void poll_done(struct ipmi_job *j);

static void on_device_id(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	struct ipmi_host *ih = j->ih;
	struct bmc_host *h = j->h;
	const char *vendor;
	char buf[64];

	if (check_ccode(j, rsp) || check_len(j, rsp, 11))
		return;
	ih->have_device_id = 1;
	ih->manufacturer = rsp->data[6] | (uint32_t)rsp->data[7] << 8 |
			   (uint32_t)(rsp->data[8] & 0x0f) << 16;
	ih->product = (uint16_t)(rsp->data[9] | rsp->data[10] << 8);
	snprintf(ih->firmware, sizeof ih->firmware, "%u.%02x", rsp->data[2] & 0x7f, rsp->data[3]);
	vendor = vendor_name(ih->manufacturer);
	if (vendor == NULL) {
		snprintf(buf, sizeof buf, "IANA %u", ih->manufacturer);
		vendor = buf;
	}
	host_set_string(&h->vendor, vendor);
	if (h->model == NULL) {
		snprintf(buf, sizeof buf, "product 0x%04x", ih->product);
		host_set_string(&h->model, buf);
	}
	host_set_string(&h->firmware, ih->firmware);
	h->protocol = SRC_IPMI;
	poll_power(j);
}

static const char *last_power_event(uint8_t b)
{
	if (b & 0x10)
		return "powered on by IPMI command";
	if (b & 0x08)
		return "power fault";
	if (b & 0x04)
		return "interlock";
	if (b & 0x02)
		return "overload";
	if (b & 0x01)
		return "AC failed";
	return "none recorded";
}

static void parse_chassis_status(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	struct bmc_host *h = j->h;
	enum bmc_health health = BMC_HEALTH_OK;

	h->power = (rsp->data[0] & 0x01) ? BMC_POWER_ON : BMC_POWER_OFF;
	host_set_string(&h->last_power_event, last_power_event(rsp->data[1]));
	if (rsp->data[0] & 0x1e) /* overload, interlock, power fault, control fault */
		health = BMC_HEALTH_CRITICAL;
	else if (rsp->data[2] & 0x0d) /* intrusion, drive fault, cooling fault */
		health = BMC_HEALTH_WARNING;
	j->ih->chassis_health = health;
}

static void on_chassis_status(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (check_ccode(j, rsp) || check_len(j, rsp, 3))
		return;
	parse_chassis_status(j, rsp);
	host_changed(j->h, CHANGED_READINGS);
	poll_sensors(j);
}

static void poll_power(struct ipmi_job *j)
{
	if (!(j->what & POLL_POWER)) {
		poll_sensors(j);
		return;
	}
	job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_GET_CHASSIS_STATUS, NULL, 0, on_chassis_status,
		 "Get Chassis Status");
}

/* Sensors: repository info, records (cache or BMC), then readings. */

static char *sdr_cache_path(struct bmc_host *h)
{
	char *dir = paths_state_file("sdr");
	char *name, *path, *c;

	paths_mkdir_p(dir, 0700);
	name = xasprintf("%s-%s-%d.sdr", h->cfg->name, h->cfg->address, h->cfg->ipmi_port);
	for (c = name; *c != '\0'; c++)
		if (*c == '/' || *c == ':')
			*c = '_';
	path = xasprintf("%s/%s", dir, name);
	free(name);
	free(dir);
	return path;
}

static void read_sensors(struct ipmi_job *j);

/* Decode cached or fresh records into the host's sensor list. */
static void use_records(struct ipmi_job *j, const struct sdr_cache *c)
{
	struct ipmi_host *ih = j->ih;
	size_t i;

	free(ih->sdrs);
	ih->sdrs = xcalloc(c->nrecords ? c->nrecords : 1, sizeof *ih->sdrs);
	ih->nsdrs = 0;
	for (i = 0; i < c->nrecords; i++) {
		struct sdr_sensor *s = &ih->sdrs[ih->nsdrs];

		if (sdr_parse_record(c->records[i], c->lengths[i], s) != 0)
			continue;
		/* Sensors behind other controllers need bridging: not read. */
		if (s->owner_id != IPMI_BMC_SLAVE_ADDR || s->owner_lun != 0)
			continue;
		ih->nsdrs++;
	}
	ih->have_sdr = 1;
	ih->sdr_add_ts = c->add_timestamp;
	ih->sdr_erase_ts = c->erase_timestamp;
}

static void on_get_sdr(struct ipmi_job *j, const struct ipmi_response *rsp);

static void request_sdr(struct ipmi_job *j)
{
	uint8_t data[6];
	uint8_t offset = 0, count = 0xFF;

	if (j->partial) {
		offset = (uint8_t)j->record_len;
		if (j->record_len == 0)
			count = 5; /* the header, which gives the length */
		else
			count = (uint8_t)(j->record_total - j->record_len < SDR_CHUNK
						  ? j->record_total - j->record_len
						  : SDR_CHUNK);
	}
	sdr_build_get_sdr(data, j->reservation, j->record_id, offset, count);
	job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_GET_SDR, data, sizeof data, on_get_sdr, "Get SDR");
}

static void on_reserve_sdr(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (check_ccode(j, rsp) || check_len(j, rsp, 2))
		return;
	j->reservation = (uint16_t)(rsp->data[0] | rsp->data[1] << 8);
	j->record_len = 0;
	request_sdr(j);
}

static void reserve_sdr(struct ipmi_job *j)
{
	job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_RESERVE_SDR_REPO, NULL, 0, on_reserve_sdr,
		 "Reserve SDR Repository");
}

static void sdr_read_done(struct ipmi_job *j)
{
	char *path = sdr_cache_path(j->h);
	int rc;

	j->cache.add_timestamp = j->repo.add_timestamp;
	j->cache.erase_timestamp = j->repo.erase_timestamp;
	rc = sdr_cache_save(path, &j->cache);
	if (rc != 0)
		log_warn("%s: cannot write SDR cache %s: %s", j->h->cfg->name, path, strerror(-rc));
	free(path);
	use_records(j, &j->cache);
	read_sensors(j);
}

static void next_record(struct ipmi_job *j, uint16_t next)
{
	sdr_cache_add(&j->cache, j->record, j->record_len);
	j->records_read++;
	j->record_len = 0;
	if (next == 0xFFFF || next == j->record_id) {
		sdr_read_done(j);
		return;
	}
	if (j->records_read >= MAX_SDR_RECORDS) {
		job_fail(j, BMC_EPROTO, "SDR repository has more than %d records or loops",
			 MAX_SDR_RECORDS);
		return;
	}
	j->record_id = next;
	request_sdr(j);
}

static void on_get_sdr(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	uint16_t next;
	const uint8_t *bytes;
	size_t n;

	if (rsp->ccode == CC_RESERVATION_CANCELED) {
		if (++j->reserve_retries > MAX_RESERVE_RETRIES) {
			job_fail(j, BMC_EPROTO, "SDR reservation kept being canceled");
			return;
		}
		reserve_sdr(j);
		return;
	}
	if (!j->partial && (rsp->ccode == CC_CANNOT_RETURN_BYTES || rsp->ccode == 0xFF ||
			    rsp->ccode == 0xC7 || rsp->ccode == 0xC8)) {
		/* Whole-record reads refused: read in pieces. */
		j->partial = 1;
		j->record_len = 0;
		request_sdr(j);
		return;
	}
	if (check_ccode(j, rsp))
		return;
	if (sdr_parse_get_sdr(rsp->data, rsp->len, &next, &bytes, &n) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		job_fail(j, BMC_EPROTO, "malformed Get SDR response");
		return;
	}
	if (!j->partial) {
		if (n < 5 || n > sizeof j->record || (size_t)bytes[4] + 5 != n) {
			/* A truncated whole read: fall back to pieces. */
			j->partial = 1;
			j->record_len = 0;
			request_sdr(j);
			return;
		}
		memcpy(j->record, bytes, n);
		j->record_len = n;
		next_record(j, next);
		return;
	}
	if (j->record_len == 0) {
		if (n != 5) {
			job_fail(j, BMC_EPROTO, "Get SDR header of %zu bytes", n);
			return;
		}
		memcpy(j->record, bytes, 5);
		j->record_len = 5;
		j->record_total = (size_t)bytes[4] + 5;
	} else {
		if (n == 0 || j->record_len + n > j->record_total) {
			job_fail(j, BMC_EPROTO, "Get SDR returned %zu bytes past the record's end", n);
			return;
		}
		memcpy(j->record + j->record_len, bytes, n);
		j->record_len += n;
	}
	if (j->record_len < j->record_total) {
		request_sdr(j);
		return;
	}
	next_record(j, next);
}

static void on_repo_info(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	struct ipmi_host *ih = j->ih;
	char *path;
	int rc;

	if (rsp->ccode == 0xC1) {
		/* No SDR repository (VirtualBMC, pyghmi): a BMC without sensors. */
		host_set_sensors(j->h, NULL, 0);
		host_changed(j->h, CHANGED_READINGS);
		poll_events(j);
		return;
	}
	if (check_ccode(j, rsp))
		return;
	if (sdr_parse_repo_info(rsp->data, rsp->len, &j->repo) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		job_fail(j, BMC_EPROTO, "malformed SDR repository info");
		return;
	}
	if (j->repo.record_count == 0) {
		host_set_sensors(j->h, NULL, 0);
		host_changed(j->h, CHANGED_READINGS);
		poll_events(j);
		return;
	}
	if (ih->have_sdr && ih->sdr_add_ts == j->repo.add_timestamp &&
	    ih->sdr_erase_ts == j->repo.erase_timestamp) {
		read_sensors(j);
		return;
	}
	path = sdr_cache_path(j->h);
	rc = sdr_cache_load(path, &j->cache);
	if (rc == 0 && j->cache.add_timestamp == j->repo.add_timestamp &&
	    j->cache.erase_timestamp == j->repo.erase_timestamp && j->cache.nrecords > 0) {
		free(path);
		use_records(j, &j->cache);
		sdr_cache_free(&j->cache);
		read_sensors(j);
		return;
	}
	if (rc == -EINVAL)
		log_warn("%s: SDR cache %s is corrupt; reading the repository again",
			 j->h->cfg->name, path);
	free(path);
	sdr_cache_free(&j->cache);
	memset(&j->cache, 0, sizeof j->cache);
	j->record_id = 0;
	j->records_read = 0;
	j->partial = 0;
	reserve_sdr(j);
}

static void poll_sensors(struct ipmi_job *j)
{
	if (!(j->what & POLL_SENSORS)) {
		poll_events(j);
		return;
	}
	job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_GET_SDR_REPO_INFO, NULL, 0, on_repo_info,
		 "Get SDR Repository Info");
}

static enum bmc_health severity_health(int sev)
{
	return sev >= 2 ? BMC_HEALTH_CRITICAL : sev == 1 ? BMC_HEALTH_WARNING : BMC_HEALTH_OK;
}

static void fill_sensor(const struct sdr_sensor *sd, const struct sdr_reading *rd, int ccode,
			struct bmc_sensor *out)
{
	static const uint8_t readable_bit[TH__MAX] = { SDR_TH_LNR, SDR_TH_LCR, SDR_TH_LNC,
						       SDR_TH_UNC, SDR_TH_UCR, SDR_TH_UNR };
	int i;

	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", sd->name);
	snprintf(out->type, sizeof out->type, "%s", sdr_sensor_type_name(sd->sensor_type));
	snprintf(out->unit, sizeof out->unit, "%s", sdr_unit_name(sd));
	out->source = SRC_IPMI;
	out->status = BMC_HEALTH_UNKNOWN;
	if (sd->reading_type == 0x01 && sd->has_analog) {
		for (i = 0; i < TH__MAX; i++) {
			if (sd->threshold_readable & readable_bit[i]) {
				out->threshold[i] = sdr_convert_reading(sd, sd->threshold_raw[i]);
				out->threshold_mask |= 1u << i;
			}
		}
	}
	if (ccode != 0) {
		snprintf(out->state, sizeof out->state, "%s", ipmi_ccode_str((uint8_t)ccode));
		return;
	}
	if (rd->unavailable || rd->scanning_disabled) {
		snprintf(out->state, sizeof out->state, "%s",
			 rd->unavailable ? "reading unavailable" : "scanning disabled");
		return;
	}
	if (sd->reading_type == 0x01) {
		if (sd->has_analog) {
			out->value = sdr_convert_reading(sd, rd->raw);
			out->has_value = 1;
		}
		out->status = severity_health(sdr_threshold_severity(rd->threshold_bits));
	} else {
		sdr_discrete_text(sd->reading_type, sd->sensor_type, rd->states, out->state,
				  sizeof out->state);
		out->status = severity_health(
			sdr_discrete_severity(sd->reading_type, sd->sensor_type, rd->states));
	}
}

static void read_next_sensor(struct ipmi_job *j);

static void on_sensor_reading(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	const struct sdr_sensor *sd = &j->ih->sdrs[j->sensor_index];
	struct sdr_reading rd;

	memset(&rd, 0, sizeof rd);
	if (rsp->ccode == 0 && sdr_parse_reading(rsp->data, rsp->len, &rd) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		rd.unavailable = 1;
	}
	fill_sensor(sd, &rd, rsp->ccode, &j->readings[j->nreadings++]);
	j->sensor_index++;
	read_next_sensor(j);
}

static void read_next_sensor(struct ipmi_job *j)
{
	struct ipmi_host *ih = j->ih;
	struct bmc_host *h = j->h;
	uint8_t data[1];

	if (j->sensor_index < ih->nsdrs) {
		data[0] = ih->sdrs[j->sensor_index].number;
		job_send(j, IPMI_NETFN_SENSOR, IPMI_CMD_GET_SENSOR_READING, data, 1, on_sensor_reading,
			 "Get Sensor Reading");
		return;
	}
	host_set_sensors(h, j->readings, j->nreadings);
	j->readings = NULL;
	j->nreadings = 0;
	host_changed(h, CHANGED_READINGS);
	poll_events(j);
}

static void read_sensors(struct ipmi_job *j)
{
	free(j->readings);
	j->readings = xcalloc(j->ih->nsdrs ? j->ih->nsdrs : 1, sizeof *j->readings);
	j->nreadings = 0;
	j->sensor_index = 0;
	read_next_sensor(j);
}

/* Events. */

static void on_sel_entry(struct ipmi_job *j, const struct ipmi_response *rsp);

static void request_sel_entry(struct ipmi_job *j)
{
	uint8_t data[6];

	sel_build_get_entry(data, 0, j->sel_next);
	job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_GET_SEL_ENTRY, data, sizeof data, on_sel_entry,
		 "Get SEL Entry");
}

static void sel_done(struct ipmi_job *j)
{
	struct bmc_host *h = j->h;
	size_t i;

	/* Newest first, keeping the most recent MAX_EVENTS_KEPT. */
	for (i = 0; i < j->nevents / 2; i++) {
		struct bmc_event tmp = j->events[i];

		j->events[i] = j->events[j->nevents - 1 - i];
		j->events[j->nevents - 1 - i] = tmp;
	}
	host_set_events(h, j->events, j->nevents);
	j->events = NULL;
	j->nevents = 0;
	j->ih->have_sel = 1;
	j->ih->sel_add_ts = j->sel.add_timestamp;
	j->ih->sel_entries = j->sel.entries;
	host_changed(h, CHANGED_EVENTS);
	poll_inventory(j);
}

/* The SDR name of the sensor an event is about, when the SDRs are known. */
static const char *sensor_name(const struct ipmi_host *ih, const struct sel_record *r)
{
	static char buf[48];
	size_t i;

	for (i = 0; i < ih->nsdrs; i++)
		if (ih->sdrs[i].number == r->sensor_number &&
		    ih->sdrs[i].owner_id == (r->generator_id & 0xff) &&
		    ih->sdrs[i].sensor_type == r->sensor_type)
			return ih->sdrs[i].name;
	snprintf(buf, sizeof buf, "%s #0x%02x", sdr_sensor_type_name(r->sensor_type),
		 r->sensor_number);
	return buf;
}

static void on_sel_entry(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	uint16_t next;
	const uint8_t *rec;
	size_t n;
	struct sel_record r;
	struct bmc_event *ev;

	if (rsp->ccode == 0xCB && j->sel_read == 0) { /* empty log */
		sel_done(j);
		return;
	}
	if (check_ccode(j, rsp))
		return;
	if (sel_parse_get_entry(rsp->data, rsp->len, &next, &rec, &n) != 0 ||
	    sel_parse_record(rec, n, &r) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		job_fail(j, BMC_EPROTO, "malformed SEL entry");
		return;
	}
	if (j->nevents == MAX_EVENTS_KEPT) {
		memmove(j->events, j->events + 1, (MAX_EVENTS_KEPT - 1) * sizeof *j->events);
		j->nevents--;
	}
	ev = &j->events[j->nevents++];
	memset(ev, 0, sizeof *ev);
	ev->id = r.record_id;
	ev->timestamp = sel_unix_time(&r);
	snprintf(ev->sensor, sizeof ev->sensor, "%s", sensor_name(j->ih, &r));
	sel_describe(&r, ev->message, sizeof ev->message);
	ev->severity = severity_health(sel_severity(&r));
	ev->source = SRC_IPMI;
	j->sel_read++;
	if (next == 0xFFFF || next == j->sel_next || j->sel_read >= MAX_SEL_READ) {
		sel_done(j);
		return;
	}
	j->sel_next = next;
	request_sel_entry(j);
}

static void on_sel_info(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	struct ipmi_host *ih = j->ih;

	if (rsp->ccode == 0xC1) { /* no SEL on this BMC */
		poll_inventory(j);
		return;
	}
	if (check_ccode(j, rsp))
		return;
	if (sel_parse_info(rsp->data, rsp->len, &j->sel) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		job_fail(j, BMC_EPROTO, "malformed SEL info");
		return;
	}
	if (ih->have_sel && ih->sel_add_ts == j->sel.add_timestamp &&
	    ih->sel_entries == j->sel.entries) {
		poll_inventory(j);
		return;
	}
	if (j->sel.entries == 0) {
		sel_done(j);
		return;
	}
	j->events = xcalloc(MAX_EVENTS_KEPT, sizeof *j->events);
	j->nevents = 0;
	j->sel_next = 0;
	j->sel_read = 0;
	request_sel_entry(j);
}

static void poll_events(struct ipmi_job *j)
{
	if (!(j->what & POLL_EVENTS)) {
		poll_inventory(j);
		return;
	}
	job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_GET_SEL_INFO, NULL, 0, on_sel_info, "Get SEL Info");
}

/* Inventory. */

static void add_kv(struct bmc_kv **kv, size_t *n, const char *key, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	*kv = xreallocarray(*kv, *n + 1, sizeof **kv);
	(*kv)[*n].key = xstrdup(key);
	(*kv)[*n].value = xstrdup(value);
	(*n)++;
}

static void fru_done(struct ipmi_job *j)
{
	struct bmc_host *h = j->h;
	struct ipmi_host *ih = j->ih;
	struct fru_info fi;
	struct bmc_kv *kv = NULL;
	size_t n = 0;
	char buf[32];

	memset(&fi, 0, sizeof fi);
	if (j->fru != NULL && fru_parse(j->fru, j->fru_offset, &fi) != 0)
		log_warn("%s: FRU data has an invalid header", h->cfg->name);
	add_kv(&kv, &n, "bmc.vendor", h->vendor);
	snprintf(buf, sizeof buf, "%u", ih->manufacturer);
	add_kv(&kv, &n, "bmc.manufacturer_id", buf);
	snprintf(buf, sizeof buf, "0x%04x", ih->product);
	add_kv(&kv, &n, "bmc.product_id", buf);
	add_kv(&kv, &n, "bmc.firmware", ih->firmware);
	add_kv(&kv, &n, "chassis.type", fi.chassis_type);
	add_kv(&kv, &n, "chassis.part_number", fi.chassis_part);
	add_kv(&kv, &n, "chassis.serial_number", fi.chassis_serial);
	add_kv(&kv, &n, "board.manufacturer", fi.board_manufacturer);
	add_kv(&kv, &n, "board.product", fi.board_product);
	add_kv(&kv, &n, "board.serial_number", fi.board_serial);
	add_kv(&kv, &n, "board.part_number", fi.board_part);
	add_kv(&kv, &n, "board.manufacture_date", fi.board_mfg_date);
	add_kv(&kv, &n, "product.manufacturer", fi.product_manufacturer);
	add_kv(&kv, &n, "product.name", fi.product_name);
	add_kv(&kv, &n, "product.part_number", fi.product_part);
	add_kv(&kv, &n, "product.version", fi.product_version);
	add_kv(&kv, &n, "product.serial_number", fi.product_serial);
	add_kv(&kv, &n, "product.asset_tag", fi.product_asset_tag);
	if (fi.bad_checksums > 0) {
		snprintf(buf, sizeof buf, "%d", fi.bad_checksums);
		add_kv(&kv, &n, "fru.areas_with_bad_checksums", buf);
	}
	host_set_inventory(h, kv, n);
	if (fi.product_name[0] != '\0')
		host_set_string(&h->model, fi.product_name);
	else if (fi.board_product[0] != '\0')
		host_set_string(&h->model, fi.board_product);
	if (fi.product_serial[0] != '\0')
		host_set_string(&h->serial, fi.product_serial);
	else if (fi.board_serial[0] != '\0')
		host_set_string(&h->serial, fi.board_serial);
	host_changed(h, CHANGED_INVENTORY);
	poll_done(j);
}

static void on_fru_data(struct ipmi_job *j, const struct ipmi_response *rsp);

static void request_fru_chunk(struct ipmi_job *j)
{
	uint16_t left = (uint16_t)(j->fru_size - j->fru_offset);
	uint8_t data[4] = { 0, (uint8_t)j->fru_offset, (uint8_t)(j->fru_offset >> 8),
			    (uint8_t)(left < j->fru_chunk ? left : j->fru_chunk) };

	job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_READ_FRU_DATA, data, sizeof data, on_fru_data,
		 "Read FRU Data");
}

static void on_fru_data(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	size_t n;

	if ((rsp->ccode == CC_CANNOT_RETURN_BYTES || rsp->ccode == 0xC7 || rsp->ccode == 0xC8) &&
	    j->fru_chunk > 8) {
		j->fru_chunk /= 2;
		request_fru_chunk(j);
		return;
	}
	if (check_ccode(j, rsp) || check_len(j, rsp, 1))
		return;
	n = rsp->data[0];
	if (n == 0 || n + 1 > rsp->len || n > (size_t)(j->fru_size - j->fru_offset)) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		job_fail(j, BMC_EPROTO, "Read FRU Data returned a bad count (%zu)", n);
		return;
	}
	memcpy(j->fru + j->fru_offset, rsp->data + 1, n);
	j->fru_offset = (uint16_t)(j->fru_offset + n);
	if (j->fru_offset < j->fru_size)
		request_fru_chunk(j);
	else
		fru_done(j);
}

static void on_fru_info(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	uint16_t size;
	int words;

	if (rsp->ccode != 0) {
		/* No FRU device 0: the inventory has what Get Device ID gave. */
		fru_done(j);
		return;
	}
	if (fru_parse_area_info(rsp->data, rsp->len, &size, &words) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		job_fail(j, BMC_EPROTO, "malformed FRU area info");
		return;
	}
	if (size > FRU_MAX_SIZE)
		size = FRU_MAX_SIZE;
	if (size < 8) {
		fru_done(j);
		return;
	}
	j->fru_size = size;
	j->fru_offset = 0;
	j->fru_chunk = FRU_CHUNK_MAX;
	j->fru = xcalloc(size, 1);
	request_fru_chunk(j);
}

static void poll_inventory(struct ipmi_job *j)
{
	uint8_t data[1] = { 0 };

	if (!(j->what & POLL_INVENTORY)) {
		poll_done(j);
		return;
	}
	job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_GET_FRU_AREA_INFO, data, 1, on_fru_info,
		 "Get FRU Inventory Area Info");
}

static void poll_done(struct ipmi_job *j)
{
	struct bmc_host *h = j->h;
	enum bmc_health health = host_rollup_health(h);

	if (j->ih->chassis_health > health)
		health = j->ih->chassis_health;
	if (health == BMC_HEALTH_UNKNOWN && (j->what & POLL_SENSORS))
		health = j->ih->chassis_health ? j->ih->chassis_health : BMC_HEALTH_OK;
	h->health = health;
	host_clear_error(h);
	job_finish(j, 0);
}

static struct ipmi_job *job_new(struct bmc_host *h, enum job_kind kind, bmc_op_cb cb, void *arg)
{
	struct ipmi_job *j = xcalloc(1, sizeof *j);

	j->h = h;
	j->ih = ipmi_of(h);
	j->kind = kind;
	j->cb = cb;
	j->arg = arg;
	return j;
}

static int ipmi_poll(struct bmc_host *h, unsigned what, bmc_op_cb cb, void *arg)
{
	struct ipmi_job *j = job_new(h, JOB_POLL, cb, arg);

	j->what = what;
	if (!j->ih->have_device_id || (what & POLL_INVENTORY)) {
		job_send(j, IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, NULL, 0, on_device_id, "Get Device ID");
		return 0;
	}
	poll_power(j);
	return 0;
}

static int ipmi_probe(struct bmc_host *h, bmc_op_cb cb, void *arg)
{
	return ipmi_poll(h, 0, cb, arg);
}

/* Actions. */

static void action_done(struct ipmi_job *j, const char *what)
{
	host_action_done(j->h, what, 0, "done");
	host_changed(j->h, CHANGED_READINGS);
	job_finish(j, 0);
}

static void on_power_refresh(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	char what[64];

	if (rsp->ccode == 0 && rsp->len >= 3)
		parse_chassis_status(j, rsp);
	snprintf(what, sizeof what, "power %s", bmc_power_action_name(j->action));
	action_done(j, what);
}

static void on_chassis_control(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (rsp->ccode != 0) {
		char msg[160];

		snprintf(msg, sizeof msg, "Chassis Control (power %s) failed: %s",
			 bmc_power_action_name(j->action), ipmi_ccode_str(rsp->ccode));
		host_action_done(j->h, "power", BMC_ECOMPLETION, msg);
		job_fail(j, BMC_ECOMPLETION, "%s", msg);
		return;
	}
	job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_GET_CHASSIS_STATUS, NULL, 0, on_power_refresh,
		 "Get Chassis Status");
}

static int ipmi_power(struct bmc_host *h, enum bmc_power_action a, bmc_op_cb cb, void *arg)
{
	static const uint8_t control[] = {
		[POWER_OFF] = 0x00, [POWER_ON] = 0x01,	 [POWER_CYCLE] = 0x02,
		[POWER_RESET] = 0x03, [POWER_SOFT] = 0x05,
	};
	struct ipmi_job *j;
	uint8_t data[1];

	if (a == POWER_STATUS)
		return ipmi_poll(h, POLL_POWER, cb, arg);
	j = job_new(h, JOB_POWER, cb, arg);
	j->action = a;
	data[0] = control[a];
	job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_CHASSIS_CONTROL, data, 1, on_chassis_control,
		 "Chassis Control");
	return 0;
}

static enum bmc_boot_device boot_device_from_selector(uint8_t sel)
{
	switch ((sel >> 2) & 0x0f) {
	case 0x1:
		return BOOT_PXE;
	case 0x2:
		return BOOT_DISK;
	case 0x5:
		return BOOT_CDROM;
	case 0x6:
		return BOOT_BIOS;
	}
	return BOOT_NONE;
}

static void on_boot_readback(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	struct bmc_host *h = j->h;
	char what[96];

	if (check_ccode(j, rsp) || check_len(j, rsp, 4))
		return;
	/* data: parameter version, parameter selector, then the 5 boot flag bytes. */
	/* Some BMCs (ipmi_sim) keep the device but not the valid or persistent
	 * bits, so the device selector is what is checked. */
	h->boot_device = boot_device_from_selector(rsp->data[3]);
	h->boot_persistent = (rsp->data[2] & 0x40) != 0;
	if (h->boot_device != j->device) {
		job_fail(j, BMC_EPROTO,
			 "the BMC accepted next boot %s but reads back %s",
			 bmc_boot_device_name(j->device), bmc_boot_device_name(h->boot_device));
		return;
	}
	snprintf(what, sizeof what, "next boot %s%s", bmc_boot_device_name(j->device),
		 !j->persistent ? "" : h->boot_persistent ? " (persistent)"
							 : " (persistent asked; BMC reports next boot only)");
	action_done(j, what);
}

static void on_boot_set(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	uint8_t data[3] = { 0x05, 0x00, 0x00 };

	if (check_ccode(j, rsp))
		return;
	job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_GET_BOOT_OPTIONS, data, 3, on_boot_readback,
		 "Get System Boot Options");
}

static int ipmi_boot(struct bmc_host *h, enum bmc_boot_device dev, int persistent, bmc_op_cb cb,
		     void *arg)
{
	static const uint8_t selector[] = { [BOOT_NONE] = 0x00, [BOOT_PXE] = 0x04,
					    [BOOT_DISK] = 0x08, [BOOT_CDROM] = 0x14,
					    [BOOT_BIOS] = 0x18 };
	struct ipmi_job *j = job_new(h, JOB_BOOT, cb, arg);
	uint8_t data[6] = { 0x05, (uint8_t)(0x80 | (persistent ? 0x40 : 0)), selector[dev], 0, 0,
			    0 };

	j->device = dev;
	j->persistent = persistent;
	job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_SET_BOOT_OPTIONS, data, sizeof data, on_boot_set,
		 "Set System Boot Options");
	return 0;
}

static void on_identify(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (check_ccode(j, rsp))
		return;
	action_done(j, "identify");
}

static int ipmi_identify(struct bmc_host *h, int seconds, bmc_op_cb cb, void *arg)
{
	struct ipmi_job *j = job_new(h, JOB_IDENTIFY, cb, arg);
	uint8_t data[2] = { (uint8_t)(seconds < 0 ? 0 : seconds > 255 ? 255 : seconds),
			    (uint8_t)(seconds < 0 ? 1 : 0) };

	job_send(j, IPMI_NETFN_CHASSIS, IPMI_CMD_CHASSIS_IDENTIFY, data, seconds < 0 ? 2 : 1, on_identify,
		 "Chassis Identify");
	return 0;
}

/* Lifecycle. */

static int ipmi_attach(struct bmc_host *h, char **err)
{
	struct ipmi_host *ih = xcalloc(1, sizeof *ih);
	struct ipmi_session_params par;

	ipmi_host_session_params(&par, h);
	if (ipmi_session_init(&ih->session, &par, err) != 0) {
		free(ih);
		return -1;
	}
	h->backend_data = ih;
	return 0;
}

static void on_session_closed(struct ipmi_session *s)
{
	struct bmc_host *h = s->par.ctx;

	ipmi_of(h)->closed(h);
}

static void ipmi_close(struct bmc_host *h, void (*done)(struct bmc_host *h))
{
	struct ipmi_host *ih = ipmi_of(h);

	ih->closed = done;
	ipmi_session_close(&ih->session, on_session_closed);
}

static void ipmi_detach(struct bmc_host *h)
{
	struct ipmi_host *ih = ipmi_of(h);

	if (ih == NULL)
		return;
	free(ih->sdrs);
	free(ih);
	h->backend_data = NULL;
}

const struct bmc_backend ipmi_backend = {
	.name = "ipmi",
	.attach = ipmi_attach,
	.probe = ipmi_probe,
	.poll = ipmi_poll,
	.power = ipmi_power,
	.boot = ipmi_boot,
	.identify = ipmi_identify,
	.close = ipmi_close,
	.detach = ipmi_detach,
};
