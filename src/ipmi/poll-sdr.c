/*
 * ipmi/poll-sdr.c - the poll's sensors: Get SDR Repository Info, the
 * records (from the on-disk cache when the repository's timestamps say it has
 * not changed, else read from the BMC under a reservation, in chunks), then
 * one Get Sensor Reading per sensor the BMC itself owns.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/capture.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/xalloc.h"
#include "ipmi/poll.h"

#define CC_RESERVATION_CANCELED 0xC5

#define MAX_SDR_RECORDS	    4096
#define SDR_CHUNK	    16
#define MAX_RESERVE_RETRIES 5

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
	ipmi_job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_GET_SDR, data, sizeof data, on_get_sdr,
		      "Get SDR");
}

static void on_reserve_sdr(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	if (ipmi_job_check_ccode(j, rsp) || ipmi_job_check_len(j, rsp, 2))
		return;
	j->reservation = (uint16_t)(rsp->data[0] | rsp->data[1] << 8);
	j->record_len = 0;
	request_sdr(j);
}

static void reserve_sdr(struct ipmi_job *j)
{
	ipmi_job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_RESERVE_SDR_REPO, NULL, 0, on_reserve_sdr,
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
		ipmi_job_fail(j, BMC_EPROTO, "SDR repository has more than %d records or loops",
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
			ipmi_job_fail(j, BMC_EPROTO, "SDR reservation kept being canceled");
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
	if (ipmi_job_check_ccode(j, rsp))
		return;
	if (sdr_parse_get_sdr(rsp->data, rsp->len, &next, &bytes, &n) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		ipmi_job_fail(j, BMC_EPROTO, "malformed Get SDR response");
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
			ipmi_job_fail(j, BMC_EPROTO, "Get SDR header of %zu bytes", n);
			return;
		}
		memcpy(j->record, bytes, 5);
		j->record_len = 5;
		j->record_total = (size_t)bytes[4] + 5;
	} else {
		if (n == 0 || j->record_len + n > j->record_total) {
			ipmi_job_fail(j, BMC_EPROTO,
				      "Get SDR returned %zu bytes past the record's end", n);
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
		j->step_done(j);
		return;
	}
	if (ipmi_job_check_ccode(j, rsp))
		return;
	if (sdr_parse_repo_info(rsp->data, rsp->len, &j->repo) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		ipmi_job_fail(j, BMC_EPROTO, "malformed SDR repository info");
		return;
	}
	if (j->repo.record_count == 0) {
		host_set_sensors(j->h, NULL, 0);
		host_changed(j->h, CHANGED_READINGS);
		j->step_done(j);
		return;
	}
	if (ih->have_sdr && ih->sdr_add_ts == j->repo.add_timestamp &&
	    ih->sdr_erase_ts == j->repo.erase_timestamp) {
		read_sensors(j);
		return;
	}
	path = sdr_cache_path(j->h);
	/* bmctop capture records the records: they must be read, not cached. */
	rc = capture_recorder != NULL ? -ENOENT : sdr_cache_load(path, &j->cache);
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

void ipmi_poll_sensors(struct ipmi_job *j)
{
	ipmi_job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_GET_SDR_REPO_INFO, NULL, 0, on_repo_info,
		      "Get SDR Repository Info");
}

static void fill_sensor(const struct sdr_sensor *sd, const struct sdr_reading *rd, int ccode,
			struct bmc_sensor *out)
{
	static const uint8_t readable_bit[TH__MAX] = {SDR_TH_LNR, SDR_TH_LCR, SDR_TH_LNC,
						      SDR_TH_UNC, SDR_TH_UCR, SDR_TH_UNR};
	int i;

	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", sd->name);
	snprintf(out->type, sizeof out->type, "%s", sdr_sensor_kind(sd));
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
		out->status = ipmi_poll_health(sdr_threshold_severity(rd->threshold_bits));
	} else {
		sdr_discrete_text(sd->reading_type, sd->sensor_type, rd->states, out->state,
				  sizeof out->state);
		out->status = ipmi_poll_health(
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
		ipmi_job_send(j, IPMI_NETFN_SENSOR, IPMI_CMD_GET_SENSOR_READING, data, 1,
			      on_sensor_reading, "Get Sensor Reading");
		return;
	}
	host_set_sensors(h, j->readings, j->nreadings);
	j->readings = NULL;
	j->nreadings = 0;
	host_changed(h, CHANGED_READINGS);
	j->step_done(j);
}

static void read_sensors(struct ipmi_job *j)
{
	free(j->readings);
	j->readings = xcalloc(j->ih->nsdrs ? j->ih->nsdrs : 1, sizeof *j->readings);
	j->nreadings = 0;
	j->sensor_index = 0;
	read_next_sensor(j);
}
