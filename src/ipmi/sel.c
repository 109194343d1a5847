/*
 * ipmi/sel.c - System Event Log entries: parse, describe, rate.
 *
 * The text and severity of an event offset come from the SDR module's state
 * tables (one state bit asked of sdr_discrete_text()), so a sensor state
 * reads the same in the sensor list and in the log.  A threshold event's
 * reading and threshold are shown raw: converting them needs the sensor's
 * SDR, which the log entry does not carry.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "ipmi/sdr.h"
#include "ipmi/sel.h"

#define SEL_RECORD_LEN	     16
#define SEL_TYPE_OEM_TS	     0xC0 /* 0xC0-0xDF: timestamped OEM */
#define SEL_TYPE_OEM	     0xE0 /* 0xE0-0xFF: OEM, no timestamp */
#define SEL_TS_POST_INIT_MAX 0x20000000u
#define SEL_TS_UNSPECIFIED   0xFFFFFFFFu

int sel_parse_info(const uint8_t *data, size_t len, struct sel_info *out)
{
	memset(out, 0, sizeof(*out));
	if (data == NULL || len < 14)
		return -1;
	out->version = data[0];
	out->entries = get_le16(data + 1);
	out->free_space = get_le16(data + 3);
	out->add_timestamp = get_le32(data + 5);
	out->erase_timestamp = get_le32(data + 9);
	out->operations = data[13];
	return 0;
}

/* Types below 0xC0 other than 0x02 are reserved; they are read as system events. */
int sel_parse_record(const uint8_t *p, size_t len, struct sel_record *out)
{
	memset(out, 0, sizeof(*out));
	if (p == NULL || len < SEL_RECORD_LEN)
		return -1;
	memcpy(out->raw, p, SEL_RECORD_LEN);
	out->record_id = get_le16(p);
	out->record_type = p[2];
	if (out->record_type >= SEL_TYPE_OEM)
		return 0;
	out->timestamp = get_le32(p + 3);
	if (out->record_type >= SEL_TYPE_OEM_TS)
		return 0;
	out->generator_id = get_le16(p + 7);
	out->evm_rev = p[9];
	out->sensor_type = p[10];
	out->sensor_number = p[11];
	out->event_type = p[12] & 0x7F;
	out->deassertion = !!(p[12] & 0x80);
	memcpy(out->event_data, p + 13, 3);
	return 0;
}

int sel_parse_get_entry(const uint8_t *data, size_t len, uint16_t *next_id, const uint8_t **rec,
			size_t *n)
{
	if (data == NULL || len < 2)
		return -1;
	*next_id = get_le16(data);
	*rec = data + 2;
	*n = len - 2;
	return 0;
}

size_t sel_build_get_entry(uint8_t out[6], uint16_t reservation, uint16_t record_id)
{
	out[0] = (uint8_t)(reservation & 0xFF);
	out[1] = (uint8_t)(reservation >> 8);
	out[2] = (uint8_t)(record_id & 0xFF);
	out[3] = (uint8_t)(record_id >> 8);
	out[4] = 0x00;
	out[5] = 0xFF;
	return 6;
}

/* A text being appended to; stays NUL-terminated, truncates quietly. */
struct desc {
	char *buf;
	size_t cap;
	size_t pos;
};

static void desc_add(struct desc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void desc_add(struct desc *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (d->pos + 1 >= d->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(d->buf + d->pos, d->cap - d->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	d->pos += (size_t)n < d->cap - d->pos ? (size_t)n : d->cap - d->pos - 1;
}

static void desc_hex(struct desc *d, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		desc_add(d, "%s%02X", i ? " " : "", p[i]);
}

/* "Power Supply #0x51: " from the lower-case vocabulary name. */
static void desc_sensor(struct desc *d, const struct sel_record *r)
{
	const char *name = sdr_sensor_type_name(r->sensor_type);
	int word_start = 1;

	if (strcmp(name, "unknown") == 0 || strcmp(name, "oem") == 0) {
		desc_add(d, "Sensor type 0x%02X #0x%02X: ", r->sensor_type, r->sensor_number);
		return;
	}
	for (const char *c = name; *c != '\0'; c++) {
		char ch = *c;

		if (word_start && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		word_start = (ch == ' ' || ch == '/' || ch == '-');
		desc_add(d, "%c", ch);
	}
	desc_add(d, " #0x%02X: ", r->sensor_number);
}

static int has_state_table(uint8_t event_type)
{
	return (event_type >= 0x01 && event_type <= 0x0C) || event_type == 0x6F;
}

/* A threshold event's raw byte: converted with the sensor's record
 * ("99 C"), when it is known and analog, else in hex as the BMC sent it. */
static void desc_value(struct desc *d, const char *what, uint8_t raw, const struct sdr_sensor *s)
{
	double v = s != NULL && s->has_analog ? sdr_convert_reading(s, raw) : NAN;
	char num[32];
	size_t n;

	if (!isfinite(v) || s->reading_type != 0x01) {
		desc_add(d, ", %s 0x%02X", what, raw);
		return;
	}
	snprintf(num, sizeof num, "%.2f", v);
	n = strlen(num);
	while (n > 0 && num[n - 1] == '0')
		num[--n] = '\0';
	if (n > 0 && num[n - 1] == '.')
		num[--n] = '\0';
	desc_add(d, ", %s %s%s%s", what, num, sdr_unit_name(s)[0] ? " " : "", sdr_unit_name(s));
}

static void desc_event(struct desc *d, const struct sel_record *r, const struct sdr_sensor *s)
{
	unsigned offset = r->event_data[0] & 0x0F;
	char text[128];

	if (!has_state_table(r->event_type)) {
		desc_add(d, "%s event type 0x%02X, offset 0x%02X",
			 r->event_type >= 0x70 ? "OEM" : "Unknown", r->event_type, offset);
		return;
	}
	sdr_discrete_text(r->event_type, r->sensor_type, (uint16_t)(1u << offset), text,
			  sizeof(text));
	desc_add(d, "%s", text);
	if (r->event_type != 0x01)
		return;
	/* Event data 1 bits 7:6 and 5:4 say whether bytes 2 and 3 hold the values. */
	if ((r->event_data[0] >> 6) == 1)
		desc_value(d, "reading", r->event_data[1], s);
	if (((r->event_data[0] >> 4) & 0x03) == 1)
		desc_value(d, "threshold", r->event_data[2], s);
}

size_t sel_describe(const struct sel_record *r, char *buf, size_t len)
{
	return sel_describe_sensor(r, NULL, buf, len);
}

size_t sel_describe_sensor(const struct sel_record *r, const struct sdr_sensor *s, char *buf,
			   size_t len)
{
	struct desc d = {buf, len, 0};

	if (buf == NULL || len == 0)
		return 0;
	buf[0] = '\0';
	if (r->record_type >= SEL_TYPE_OEM) {
		desc_add(&d, "OEM record 0x%02X: ", r->record_type);
		desc_hex(&d, r->raw + 3, 13);
	} else if (r->record_type >= SEL_TYPE_OEM_TS) {
		desc_add(&d, "OEM record 0x%02X, manufacturer 0x%06X: ", r->record_type,
			 (unsigned)(r->raw[7] | r->raw[8] << 8 | r->raw[9] << 16));
		desc_hex(&d, r->raw + 10, 6);
	} else {
		desc_sensor(&d, r);
		desc_event(&d, r, s);
		if (r->deassertion)
			desc_add(&d, " (deasserted)");
	}
	return d.pos;
}

/* A deasserted state is the condition going away, so it is never a fault. */
int sel_severity(const struct sel_record *r)
{
	if (r->record_type >= SEL_TYPE_OEM_TS || r->deassertion || !has_state_table(r->event_type))
		return 0;
	return sdr_discrete_severity(r->event_type, r->sensor_type,
				     (uint16_t)(1u << (r->event_data[0] & 0x0F)));
}

int64_t sel_unix_time(const struct sel_record *r)
{
	if (r->record_type >= SEL_TYPE_OEM || r->timestamp == SEL_TS_UNSPECIFIED ||
	    r->timestamp <= SEL_TS_POST_INIT_MAX)
		return 0;
	return (int64_t)r->timestamp;
}
