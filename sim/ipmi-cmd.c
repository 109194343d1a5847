/*
 * ipmi-cmd.c - the IPMI commands bmcsim answers: one table of {network
 * function, command, least privilege, handler}, the handlers (device,
 * channel and session commands, chassis and boot options, sensors, SDR,
 * SEL, FRU), and the records they serve.
 *
 * A request outside a session is answered only if its entry says so (Get
 * Channel Authentication Capabilities, Cipher Suites, System GUID);
 * inside one, the session's privilege must reach the entry's.  A command
 * not in the table is "invalid command", counted, and told on stderr with
 * --verbose.  A request shorter than its entry's least length is refused
 * before the handler runs; handlers check only what depends on the data.
 * The Serial over LAN commands live with SOL (ipmi-sol.c).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/bytes.h"
#include "ipmi-internal.h"
#include "replay.h"

/* Records the BMC serves: SDR, SEL, FRU. */

/* A Full Sensor Record (table 43-1) for sensor i; returns its length. */
static size_t sdr_record(const struct sim_bmc *b, size_t i, uint8_t *out)
{
	const struct sim_sensor *s = &b->sensors[i];
	size_t name_len = strlen(s->name);
	int discrete = s->kind == SIM_DISCRETE;
	uint16_t m = (uint16_t)(s->m & 0x3ff), bb = (uint16_t)(s->b & 0x3ff);
	uint8_t *p = out + 5, readable = 0;
	uint16_t assert_mask = 0, deassert_mask = 0;
	double th[6];

	memset(out, 0, 48 + name_len);
	put_le16(out, (uint16_t)(i + 1));
	out[2] = 0x51;
	out[3] = 0x01;
	out[4] = (uint8_t)(43 + name_len);
	/* Threshold order in the record: UNR, UCR, UNC, LNR, LCR, LNC. */
	th[0] = NAN, th[1] = s->ucr, th[2] = s->unc, th[3] = NAN, th[4] = s->lcr, th[5] = s->lnc;
	if (!discrete) {
		readable = (uint8_t)((!isnan(s->lnc) ? 0x01 : 0) | (!isnan(s->lcr) ? 0x02 : 0) |
				     (!isnan(s->unc) ? 0x08 : 0) | (!isnan(s->ucr) ? 0x10 : 0));
		/* Events: lower thresholds going low, upper going high; bits 12-14
		 * say which lower (assert mask) or upper (deassert mask)
		 * comparisons the reading returns. */
		assert_mask =
		    (uint16_t)((readable & 0x01 ? 0x0001 : 0) | (readable & 0x02 ? 0x0004 : 0) |
			       (readable & 0x08 ? 0x0080 : 0) | (readable & 0x10 ? 0x0200 : 0));
		deassert_mask = assert_mask;
		assert_mask |= (uint16_t)((readable & 0x07) << 12);
		deassert_mask |= (uint16_t)(((readable >> 3) & 0x07) << 12);
	} else {
		assert_mask = deassert_mask = 0x0003; /* presence, failure */
	}
	p[0] = IPMI_BMC_SLAVE_ADDR;
	p[1] = 0x00;
	p[2] = s->number;
	p[3] = discrete ? 0x0a : s->kind == SIM_FAN ? 0x1d : s->kind == SIM_TEMP ? 0x03 : 0x07;
	p[4] = 0x01;
	p[5] = 0x7f;
	p[6] = discrete ? 0x40 : 0x48;
	p[7] = s->ipmi_type;
	p[8] = discrete ? 0x6f : 0x01;
	put_le16(p + 9, assert_mask);
	put_le16(p + 11, deassert_mask);
	if (discrete) {
		put_le16(p + 13, 0x0003);
	} else {
		p[13] = readable;
		p[14] = readable;
	}
	p[15] = discrete ? 0xc0 : 0x00; /* unsigned analog; discrete: no reading */
	p[16] = s->unit;
	p[18] = 0x00; /* linear */
	p[19] = (uint8_t)(m & 0xff);
	p[20] = (uint8_t)((m >> 8) << 6);
	p[21] = (uint8_t)(bb & 0xff);
	p[22] = (uint8_t)((bb >> 8) << 6);
	p[24] = (uint8_t)(((s->k2 & 0x0f) << 4) | (s->k1 & 0x0f));
	if (!discrete) {
		p[25] = 0x01; /* nominal reading given */
		p[26] = sim_sensor_raw(s, s->nominal);
		p[29] = 0xff;
		p[30] = 0x00;
		for (int t = 0; t < 6; t++)
			p[31 + t] = isnan(th[t]) ? 0 : sim_sensor_raw(s, th[t]);
	}
	p[42] = (uint8_t)(0xc0 | name_len);
	memcpy(p + 43, s->name, name_len);
	return 48 + name_len;
}

static size_t fru_field(uint8_t *p, const char *text)
{
	size_t n = strlen(text);

	if (n > 63)
		n = 63;
	p[0] = (uint8_t)(0xc0 | n);
	memcpy(p + 1, text, n);
	return 1 + n;
}

/* Close an area: end marker, pad to 8 bytes, length and checksum. */
static size_t fru_area_end(uint8_t *area, size_t n)
{
	area[n++] = 0xc1;
	while ((n + 1) % 8)
		area[n++] = 0;
	area[1] = (uint8_t)((n + 1) / 8);
	area[n] = ipmi_checksum(area, n);
	return n + 1;
}

/* The FRU image (Platform Management FRU Information Storage Definition):
 * common header, chassis, board and product info areas.  Returns its size. */
static size_t fru_image(const struct sim_bmc *b, uint8_t *out)
{
	char buf[32];
	size_t n = 8, start;
	const uint32_t mfg_minutes = 14716800; /* 2023-12-25, minutes since 1996 */

	memset(out, 0, 512);
	out[0] = 0x01;
	/* Chassis. */
	start = n;
	out[2] = (uint8_t)(start / 8);
	out[n] = 0x01;
	out[n + 2] = 0x17; /* rack mount chassis */
	n += 3;
	n += fru_field(out + n, "CH-PART-1");
	snprintf(buf, sizeof(buf), "CSN%06u", b->index + 1);
	n += fru_field(out + n, buf);
	n = start + fru_area_end(out + start, n - start);
	/* Board. */
	start = n;
	out[3] = (uint8_t)(start / 8);
	out[n] = 0x01;
	out[n + 3] = mfg_minutes & 0xff;
	out[n + 4] = (mfg_minutes >> 8) & 0xff;
	out[n + 5] = (mfg_minutes >> 16) & 0xff;
	n += 6;
	n += fru_field(out + n, b->manufacturer);
	n += fru_field(out + n, "SIM-MB-2000");
	snprintf(buf, sizeof(buf), "BSN%06u", b->index + 1);
	n += fru_field(out + n, buf);
	n += fru_field(out + n, "MB-PART-42");
	n += fru_field(out + n, "");
	n = start + fru_area_end(out + start, n - start);
	/* Product. */
	start = n;
	out[4] = (uint8_t)(start / 8);
	out[n] = 0x01;
	n += 3;
	n += fru_field(out + n, b->manufacturer);
	n += fru_field(out + n, b->product);
	n += fru_field(out + n, b->part);
	n += fru_field(out + n, "1.0");
	n += fru_field(out + n, b->serial);
	snprintf(buf, sizeof(buf), "ASSET-%06u", b->index + 1);
	n += fru_field(out + n, buf);
	n += fru_field(out + n, "");
	n = start + fru_area_end(out + start, n - start);
	out[7] = ipmi_checksum(out, 7);
	return n;
}

/* Index of SEL entry id (0x0000 first, 0xFFFF last), or -1. */
static long sel_find(const struct sim_bmc *b, uint16_t id)
{
	if (b->nsel == 0)
		return -1;
	if (id == 0x0000)
		return 0;
	if (id == 0xffff)
		return (long)b->nsel - 1;
	for (size_t i = 0; i < b->nsel; i++)
		if (b->sel[i].id == id)
			return (long)i;
	return -1;
}

static void sel_record(const struct sim_sel_entry *e, uint8_t out[16])
{
	put_le16(out, e->id);
	out[2] = 0x02;
	put_le32(out + 3, e->timestamp);
	put_le16(out + 7, 0x0020);
	out[9] = 0x04;
	out[10] = e->sensor_type;
	out[11] = e->sensor_number;
	out[12] = e->event_dir_type;
	memcpy(out + 13, e->data, 3);
}

/* Commands. */

static void cmd_get_device_id(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			      const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	static const uint8_t id[15] = {
	    0x20, 0x81, 0x02, 0x15,
	    0x02, 0x8f,	      /* SDRs; fw 2.15; IPMI 2.0; chassis FRU SEL SDR sensors */
	    0x00, 0x00, 0x00, /* manufacturer: unspecified (a simulator) */
	    0x5c, 0x0b,	      /* product */
	    0x00, 0x00, 0x00, 0x00};

	reply_data(r, id, sizeof(id));
}

static void cmd_auth_caps(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			  const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	int v20 = rq->len >= 1 && (rq->data[0] & 0x80);
	/* Channel 1; v1.5 auth types: none offered; non-null user names only. */
	uint8_t caps[8] = {
	    0x01, (uint8_t)(v20 ? 0x80 : 0x00), 0x04, (uint8_t)(v20 ? 0x02 : 0x00), 0, 0, 0, 0};

	/* authcap (Asus, Intel, Sun ELOM firmware): the answer denies the
	 * non-null user names the BMC takes and claims a K_g it does not have. */
	if (sim_ipmi_quirk(ib, FLEET_WA_AUTHCAP))
		caps[2] = 0x20;
	reply_data(r, caps, sizeof(caps));
}

static void cmd_cipher_suites(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			      const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	/* Suite records: start of record, suite ID, auth, integrity, confidentiality. */
	static const uint8_t records[] = {0xc0, 0x03, 0x01, 0x41, 0x81,
					  0xc0, 0x11, 0x03, 0x44, 0x81};
	size_t index, off, n;

	index = rq->data[2] & 0x3f;
	off = index * 16;
	n = off < sizeof(records) ? sizeof(records) - off : 0;
	if (n > 16)
		n = 16;
	r->data[r->len++] = 0x01;
	if (n > 0)
		reply_data(r, records + off, n);
}

static void cmd_set_priv(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	uint8_t want;

	want = rq->data[0] & 0x0f;
	if (want == 0) {
		r->data[r->len++] = ss->priv;
		return;
	}
	if (want < PRIV_USER || want > PRIV_ADMIN) {
		r->ccode = CC_INVALID_DATA;
		return;
	}
	if (want > ss->max_priv) {
		r->ccode = CC_PRIV_TOO_HIGH;
		return;
	}
	ss->priv = want;
	r->data[r->len++] = want;
}

static void cmd_close_session(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			      const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	uint32_t sid;
	struct sim_ipmi_sess *other;

	sid = get_le32(rq->data);
	if (sid == ss->bmc_sid) {
		r->after = AFTER_CLOSE_SELF;
		return;
	}
	other = sim_ipmi_session_find(ss->ib, sid);
	if (other == NULL) {
		r->ccode = CC_INVALID_SESSION;
		return;
	}
	sim_ipmi_session_free(other);
}

static void cmd_chassis_status(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			       const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	uint64_t now = sim_ipmi_now(ib);
	int identify = b->identify_forced ? 2 : now < b->identify_until_ms ? 1 : 0;
	uint8_t st[4] = {(uint8_t)(0x20 | (b->power ? 0x01 : 0)), 0x00,
			 (uint8_t)(0x40 | identify << 4), 0x00};

	reply_data(r, st, sizeof(st));
}

static void cmd_chassis_control(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
				const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	switch (rq->data[0] & 0x0f) {
	case 0x00: /* power down */
	case 0x05: /* soft shutdown */
		sim_set_power(b, 0);
		break;
	case 0x01:
		sim_set_power(b, 1);
		break;
	case 0x02: /* power cycle */
	case 0x03: /* hard reset */
		sim_reset(b);
		break;
	case 0x04: /* diagnostic interrupt */
		sim_console_print(b, "\r\nKernel panic - not syncing: NMI: Not continuing\r\n");
		break;
	default:
		r->ccode = CC_INVALID_DATA;
		break;
	}
}

static void cmd_identify(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	uint64_t now = sim_ipmi_now(ib);
	unsigned seconds = rq->len >= 1 ? rq->data[0] : 15;

	b->identify_forced = rq->len >= 2 && (rq->data[1] & 0x01);
	b->identify_until_ms = now + seconds * 1000ULL;
}

static void cmd_get_boot_options(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
				 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	uint8_t param;

	param = rq->data[0] & 0x7f;
	r->data[r->len++] = 0x01; /* parameter version */
	r->data[r->len++] = param;
	switch (param) {
	case 0: /* set in progress */
	case 3: /* service partition scan */
	case 1:
	case 2:
		r->data[r->len++] = 0;
		break;
	case 4: /* boot info acknowledge */
		r->data[r->len++] = 0;
		r->data[r->len++] = 0;
		break;
	case 5: /* boot flags */
		r->data[r->len++] =
		    (uint8_t)((b->boot_device ? 0x80 : 0) | (b->boot_persistent ? 0x40 : 0));
		r->data[r->len++] = (uint8_t)(b->boot_device << 2);
		r->data[r->len++] = 0;
		r->data[r->len++] = 0;
		r->data[r->len++] = 0;
		break;
	default:
		r->len = 0;
		r->ccode = CC_PARAM_UNSUPP;
		break;
	}
}

static void cmd_set_boot_options(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
				 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	switch (rq->data[0] & 0x7f) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
		break;
	case 5:
		if (rq->len < 3) {
			r->ccode = CC_REQ_LEN;
			return;
		}
		b->boot_device = (rq->data[1] & 0x80) ? (rq->data[2] >> 2) & 0x0f : 0;
		b->boot_persistent = (rq->data[1] & 0x40) != 0;
		break;
	default:
		r->ccode = CC_PARAM_UNSUPP;
		break;
	}
}

static void cmd_sensor_reading(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			       const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	const struct sim_sensor *s;

	if (rq->data[0] < 1 || rq->data[0] > b->nsensors) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	s = &b->sensors[rq->data[0] - 1];
	if (s->kind == SIM_DISCRETE) {
		uint8_t d[4] = {0, 0xc0, (uint8_t)(s->discrete_state & 0xff),
				(uint8_t)(0x80 | ((s->discrete_state >> 8) & 0x7f))};

		reply_data(r, d, sizeof(d));
	} else {
		uint8_t d[4] = {sim_sensor_raw(s, s->value), 0xc0, sim_sensor_threshold_bits(s),
				0x80};

		reply_data(r, d, sizeof(d));
	}
}

static void cmd_sensor_thresholds(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
				  const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	const struct sim_sensor *s;
	uint8_t d[7] = {0};

	if (rq->data[0] < 1 || rq->data[0] > b->nsensors) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	s = &b->sensors[rq->data[0] - 1];
	if (s->kind != SIM_DISCRETE) {
		const double th[6] = {s->lnc, s->lcr, NAN, s->unc, s->ucr, NAN};

		for (int i = 0; i < 6; i++) {
			if (isnan(th[i]))
				continue;
			d[0] |= (uint8_t)(1 << i);
			d[1 + i] = sim_sensor_raw(s, th[i]);
		}
	}
	reply_data(r, d, sizeof(d));
}

/* Reserve SDR Repository / Reserve SEL: a new nonzero ID each time. */
static void reserve(uint16_t *resv, struct sim_ipmi_reply *r)
{
	if (++*resv == 0)
		*resv = 1;
	put_le16(r->data, *resv);
	r->len = 2;
}

static void cmd_sdr_info(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	uint8_t d[14] = {0x51};

	put_le16(d + 1, (uint16_t)b->nsensors);
	put_le16(d + 3, 0);
	put_le32(d + 5, b->sdr_add_ts);
	put_le32(d + 9, 0);
	d[13] = 0x02; /* reserve supported */
	reply_data(r, d, sizeof(d));
}

static void cmd_get_sdr(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	uint8_t rec[64 + 16];
	uint16_t resv, id;
	size_t len, off, count;

	resv = get_le16(rq->data);
	id = get_le16(rq->data + 2);
	off = rq->data[4];
	count = rq->data[5];
	if (off > 0 && resv != ib->sdr_resv) {
		r->ccode = CC_RESERVATION;
		return;
	}
	if (id == 0)
		id = 1;
	if (id == 0xffff)
		id = (uint16_t)b->nsensors;
	if (id < 1 || id > b->nsensors) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	len = sdr_record(b, id - 1, rec);
	if (off > len) {
		r->ccode = CC_OUT_OF_RANGE;
		return;
	}
	if (count == 0xff || off + count > len)
		count = len - off;
	put_le16(r->data, id == b->nsensors ? 0xffff : (uint16_t)(id + 1));
	r->len = 2;
	reply_data(r, rec + off, count);
}

static void cmd_sel_info(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	uint8_t d[14] = {0x51};

	put_le16(d + 1, (uint16_t)b->nsel);
	put_le16(d + 3, (uint16_t)((SIM_SEL_MAX - b->nsel) * 16));
	put_le32(d + 5, b->sel_add_ts);
	put_le32(d + 9, b->sel_erase_ts);
	d[13] = 0x02;
	reply_data(r, d, sizeof(d));
}

static void cmd_get_sel(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	uint8_t rec[16];
	size_t off, count;
	long i;

	off = rq->data[4];
	count = rq->data[5];
	if (off > 0 && get_le16(rq->data) != ib->sel_resv) {
		r->ccode = CC_RESERVATION;
		return;
	}
	i = sel_find(b, get_le16(rq->data + 2));
	if (i < 0) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	if (off > 16) {
		r->ccode = CC_OUT_OF_RANGE;
		return;
	}
	if (count == 0xff || off + count > 16)
		count = 16 - off;
	sel_record(&b->sel[i], rec);
	put_le16(r->data, (size_t)i + 1 < b->nsel ? b->sel[i + 1].id : 0xffff);
	r->len = 2;
	reply_data(r, rec + off, count);
}

static void cmd_fru_info(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	uint8_t img[512];
	uint8_t d[3];

	if (rq->data[0] != 0) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	put_le16(d, (uint16_t)fru_image(b, img));
	d[2] = 0x00; /* byte access */
	reply_data(r, d, sizeof(d));
}

static void cmd_fru_read(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	struct sim_bmc *b = ib->b;
	uint8_t img[512];
	size_t size, off, count;

	if (rq->data[0] != 0) {
		r->ccode = CC_NOT_PRESENT;
		return;
	}
	size = fru_image(b, img);
	off = (size_t)get_le16(rq->data + 1);
	count = rq->data[3];
	if (off >= size) {
		r->ccode = CC_OUT_OF_RANGE;
		return;
	}
	if (count > 64)
		count = 64;
	if (off + count > size)
		count = size - off;
	r->data[r->len++] = (uint8_t)count;
	reply_data(r, img + off, count);
}

static void cmd_channel_info(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			     const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	uint8_t d[9] = {0x01, 0x04, 0x01, 0x80, 0xf2, 0x1b, 0x00, 0xff, 0xff};
	unsigned active = 0;

	for (int i = 0; i < SESS_SLOTS; i++)
		if (ib->sess[i] && ib->sess[i]->state == SS_ACTIVE)
			active++;
	d[3] |= (uint8_t)active;
	reply_data(r, d, sizeof(d));
}

static void cmd_get_guid(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	reply_data(r, ib->guid, sizeof(ib->guid));
}

/* IPMI, SOL and session setup. */
static void cmd_payload_support(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
				const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	const uint8_t d[8] = {0x03, 0x00, 0x3f, 0x00, 0, 0, 0, 0};

	/* solchannelsupport: firmware without Get Channel Payload Support. */
	if (sim_ipmi_quirk(ib, FLEET_WA_SOLCHANNELSUPPORT)) {
		r->ccode = CC_INVALID_CMD;
		return;
	}
	reply_data(r, d, sizeof(d));
}

/* Version 1.0 of every payload. */
static void cmd_payload_version(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
				const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	r->data[r->len++] = 0x10;
}

static void cmd_reserve_sdr(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			    const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	reserve(&ib->sdr_resv, r);
}

static void cmd_reserve_sel(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			    const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	reserve(&ib->sel_resv, r);
}

static void cmd_sel_time(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			 const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	put_le32(r->data, (uint32_t)time(NULL));
	r->len = 4;
}

/* Accepted, not kept. */
static void cmd_set_sol_config(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			       const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
}

/* The table. */

struct cmd_entry {
	uint8_t netfn, cmd;
	uint8_t priv;	 /* the least session privilege, as most BMCs ask */
	int sessionless; /* answered outside a session too */
	size_t min_len;	 /* shorter requests get "request data length invalid" */
	sim_ipmi_cmd_fn *handle;
};

/* netfn, command, least privilege, sessionless, least request length, handler */
static const struct cmd_entry commands[] = {
    {IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, PRIV_USER, 0, 0, cmd_get_device_id},
    {IPMI_NETFN_APP, IPMI_CMD_GET_SYSTEM_GUID, PRIV_USER, 1, 0, cmd_get_guid},
    {IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_AUTH_CAPS, PRIV_CALLBACK, 1, 2, cmd_auth_caps},
    {IPMI_NETFN_APP, IPMI_CMD_SET_SESSION_PRIVILEGE, PRIV_CALLBACK, 0, 1, cmd_set_priv},
    {IPMI_NETFN_APP, IPMI_CMD_CLOSE_SESSION, PRIV_CALLBACK, 0, 4, cmd_close_session},
    {IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_INFO, PRIV_USER, 0, 0, cmd_channel_info},
    {IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, PRIV_USER, 0, 6, sim_ipmi_sol_activate},
    {IPMI_NETFN_APP, IPMI_CMD_DEACTIVATE_PAYLOAD, PRIV_USER, 0, 2, sim_ipmi_sol_deactivate_cmd},
    {IPMI_NETFN_APP, IPMI_CMD_GET_PAYLOAD_ACTIVATION_STATUS, PRIV_USER, 0, 1, sim_ipmi_sol_status},
    {IPMI_NETFN_APP, IPMI_CMD_GET_PAYLOAD_INSTANCE_INFO, PRIV_USER, 0, 2, sim_ipmi_sol_instance},
    {IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_PAYLOAD_SUPPORT, PRIV_USER, 0, 0, cmd_payload_support},
    {IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_PAYLOAD_VERSION, PRIV_USER, 0, 0, cmd_payload_version},
    {IPMI_NETFN_APP, IPMI_CMD_GET_CHANNEL_CIPHER_SUITES, PRIV_CALLBACK, 1, 3, cmd_cipher_suites},
    {IPMI_NETFN_CHASSIS, IPMI_CMD_GET_CHASSIS_STATUS, PRIV_USER, 0, 0, cmd_chassis_status},
    {IPMI_NETFN_CHASSIS, IPMI_CMD_CHASSIS_CONTROL, PRIV_OPERATOR, 0, 1, cmd_chassis_control},
    {IPMI_NETFN_CHASSIS, IPMI_CMD_CHASSIS_IDENTIFY, PRIV_OPERATOR, 0, 0, cmd_identify},
    {IPMI_NETFN_CHASSIS, IPMI_CMD_SET_BOOT_OPTIONS, PRIV_OPERATOR, 0, 1, cmd_set_boot_options},
    {IPMI_NETFN_CHASSIS, IPMI_CMD_GET_BOOT_OPTIONS, PRIV_USER, 0, 3, cmd_get_boot_options},
    {IPMI_NETFN_SENSOR, IPMI_CMD_GET_SENSOR_READING, PRIV_USER, 0, 1, cmd_sensor_reading},
    {IPMI_NETFN_SENSOR, IPMI_CMD_GET_SENSOR_THRESHOLDS, PRIV_USER, 0, 1, cmd_sensor_thresholds},
    {IPMI_NETFN_STORAGE, IPMI_CMD_GET_FRU_AREA_INFO, PRIV_USER, 0, 1, cmd_fru_info},
    {IPMI_NETFN_STORAGE, IPMI_CMD_READ_FRU_DATA, PRIV_USER, 0, 4, cmd_fru_read},
    {IPMI_NETFN_STORAGE, IPMI_CMD_GET_SDR_REPO_INFO, PRIV_USER, 0, 0, cmd_sdr_info},
    {IPMI_NETFN_STORAGE, IPMI_CMD_RESERVE_SDR_REPO, PRIV_USER, 0, 0, cmd_reserve_sdr},
    {IPMI_NETFN_STORAGE, IPMI_CMD_GET_SDR, PRIV_USER, 0, 6, cmd_get_sdr},
    {IPMI_NETFN_STORAGE, IPMI_CMD_GET_SEL_INFO, PRIV_USER, 0, 0, cmd_sel_info},
    {IPMI_NETFN_STORAGE, IPMI_CMD_RESERVE_SEL, PRIV_USER, 0, 0, cmd_reserve_sel},
    {IPMI_NETFN_STORAGE, IPMI_CMD_GET_SEL_ENTRY, PRIV_USER, 0, 6, cmd_get_sel},
    {IPMI_NETFN_STORAGE, IPMI_CMD_GET_SEL_TIME, PRIV_USER, 0, 0, cmd_sel_time},
    {IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_SOL_CONFIG, PRIV_ADMIN, 0, 0, cmd_set_sol_config},
    {IPMI_NETFN_TRANSPORT, IPMI_CMD_GET_SOL_CONFIG, PRIV_USER, 0, 4, sim_ipmi_sol_get_config},
};

static const struct cmd_entry *command_find(uint8_t netfn, uint8_t cmd)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].netfn == netfn && commands[i].cmd == cmd)
			return &commands[i];
	return NULL;
}

void sim_ipmi_cmd_dispatch(struct sim_ipmi_bmc *ib, struct sim_ipmi_sess *ss,
			   const struct ipmi_msg_request *rq, struct sim_ipmi_reply *r)
{
	const struct cmd_entry *e = command_find(rq->netfn, rq->cmd);

	r->ccode = CC_OK;
	r->len = 0;
	r->after = AFTER_NONE;
	if (ss == NULL && (e == NULL || !e->sessionless)) {
		r->ccode = CC_INSUFFICIENT;
		return;
	}
	/* A command we do not know needs a user's privilege to be told so. */
	if (ss != NULL && ss->priv < (e != NULL ? e->priv : PRIV_USER)) {
		r->ccode = CC_INSUFFICIENT;
		return;
	}
	if (ss != NULL && ib->is->sim->replay != NULL &&
	    sim_replay_ipmi_answer(ib->is->sim->replay, rq, r)) {
		if (r->ccode == CC_INVALID_CMD) {
			ib->is->unknown_cmds++;
			if (ib->is->sim->opt.verbose)
				fprintf(stderr,
					"bmcsim: %s: the capture has no netfn 0x%02x cmd 0x%02x\n",
					ib->b->name, rq->netfn, rq->cmd);
		}
		return;
	}
	if (e == NULL) {
		ib->is->unknown_cmds++;
		if (ib->is->sim->opt.verbose)
			fprintf(stderr, "bmcsim: %s: no command netfn 0x%02x cmd 0x%02x\n",
				ib->b->name, rq->netfn, rq->cmd);
		r->ccode = CC_INVALID_CMD;
		return;
	}
	if (rq->len < e->min_len) {
		r->ccode = CC_REQ_LEN;
		return;
	}
	e->handle(ib, ss, rq, r);
}
