/*
 * ipmi/sel.h - System Event Log records (IPMI v2.0 section 32).
 *
 * Parses SEL info and 16-byte SEL entries, and renders readable text and a
 * severity for the common sensor types and event offsets.  Pure functions.
 */
#ifndef BMCTOP_IPMI_SEL_H
#define BMCTOP_IPMI_SEL_H

#include <stddef.h>
#include <stdint.h>

/* Get SEL Info response (table 31-2). */
struct sel_info {
	uint8_t version;
	uint16_t entries;
	uint16_t free_space;
	uint32_t add_timestamp;
	uint32_t erase_timestamp;
	uint8_t operations;
};

int sel_parse_info(const uint8_t *data, size_t len, struct sel_info *out);

struct sel_record {
	uint16_t record_id;
	uint8_t record_type;  /* 0x02 system event; 0xC0-0xDF timestamped OEM; 0xE0+ OEM */
	uint32_t timestamp;   /* seconds since 1970; <= 0x20000000 means "since init" */
	uint16_t generator_id;
	uint8_t evm_rev;
	uint8_t sensor_type;
	uint8_t sensor_number;
	uint8_t event_type;   /* event/reading type code, 7 bits */
	int deassertion;
	uint8_t event_data[3];
	uint8_t raw[16];
};

/* Parse a 16-byte entry.  0 or -1 (too short). */
int sel_parse_record(const uint8_t *p, size_t len, struct sel_record *out);
/* Get SEL Entry response: next record ID and the entry bytes. */
int sel_parse_get_entry(const uint8_t *data, size_t len, uint16_t *next_id, const uint8_t **rec,
			size_t *n);
/* Get SEL Entry request data (table 31-5): reservation, record ID, offset 0, whole. */
size_t sel_build_get_entry(uint8_t out[6], uint16_t reservation, uint16_t record_id);
/*
 * Readable text: "Temperature #0x30: Upper Critical going high" or
 * "Power Supply #0x51: Power Supply AC lost (deasserted)".  Returns length.
 */
size_t sel_describe(const struct sel_record *r, char *buf, size_t len);
/* The same, with a threshold event's reading and threshold in the units
 * of the sensor's record s ("reading 99 C, threshold 95 C"); s may be NULL. */
struct sdr_sensor;
size_t sel_describe_sensor(const struct sel_record *r, const struct sdr_sensor *s, char *buf,
			   size_t len);
/* 0 informational/ok, 1 warning, 2 critical. */
int sel_severity(const struct sel_record *r);
/* Unix time of the entry, or 0 when the BMC's clock was not set. */
int64_t sel_unix_time(const struct sel_record *r);

#endif
