/*
 * ipmi/sdr.h - Sensor Data Records and sensor readings.
 *
 * Decodes full (type 0x01) and compact (0x02) sensor records, converts raw
 * readings with the record's M, B, K1, K2 and linearization (IPMI v2.0
 * section 36.3), and turns threshold and discrete state bits into text and
 * a severity.  Pure functions over buffers.
 */
#ifndef BMCTOP_IPMI_SDR_H
#define BMCTOP_IPMI_SDR_H

#include <stddef.h>
#include <stdint.h>

enum sdr_record_type {
	SDR_TYPE_FULL = 0x01,
	SDR_TYPE_COMPACT = 0x02,
	SDR_TYPE_EVENT_ONLY = 0x03,
	SDR_TYPE_FRU_LOCATOR = 0x11,
	SDR_TYPE_MC_LOCATOR = 0x12
};

/* Threshold bits, in the order of Get Sensor Reading byte 3 (table 35-15). */
enum sdr_threshold_bit {
	SDR_TH_LNC = 0x01,
	SDR_TH_LCR = 0x02,
	SDR_TH_LNR = 0x04,
	SDR_TH_UNC = 0x08,
	SDR_TH_UCR = 0x10,
	SDR_TH_UNR = 0x20
};

/* Index of each threshold in sdr_sensor.threshold_raw[] (lower to upper). */
enum sdr_threshold_index { SDR_LNR, SDR_LCR, SDR_LNC, SDR_UNC, SDR_UCR, SDR_UNR };

struct sdr_sensor {
	uint16_t record_id;
	uint8_t record_type; /* SDR_TYPE_FULL or SDR_TYPE_COMPACT */
	uint8_t owner_id;
	uint8_t owner_lun;
	uint8_t number;
	uint8_t entity_id;
	uint8_t entity_instance;
	uint8_t sensor_type;  /* table 42-3: 0x01 temperature, 0x02 voltage, 0x04 fan ... */
	uint8_t reading_type; /* event/reading type: 0x01 threshold, 0x02-0x0C, 0x6F */
	int has_analog;	      /* full record with a numeric reading to convert */
	uint8_t analog_format; /* 0 unsigned, 1 one's complement, 2 two's complement */
	uint8_t linearization; /* table 43-1: 0 linear .. 0x0B cube root */
	int16_t m;	       /* 10-bit signed */
	int16_t b;	       /* 10-bit signed */
	int8_t k1;	       /* B exponent, 4-bit signed */
	int8_t k2;	       /* result exponent, 4-bit signed */
	uint8_t units1;	       /* byte 21: analog format, rate, modifier, percentage */
	uint8_t base_unit;     /* table 43-15 */
	uint8_t modifier_unit;
	uint8_t threshold_readable; /* enum sdr_threshold_bit mask of readable thresholds */
	uint8_t threshold_raw[6];   /* indexed by enum sdr_threshold_index */
	char name[17];		    /* ID string, decoded, NUL-terminated */
};

/*
 * Decode one record (header included: id, version, type, length, body).
 * Returns 0 for a sensor record, 1 for a record of another type (skip it),
 * or -1 when the record is malformed (length field disagrees with len, ...).
 */
int sdr_parse_record(const uint8_t *rec, size_t len, struct sdr_sensor *out);

/* The reading in the sensor's units: L[(M*x + B*10^K1) * 10^K2]. */
double sdr_convert_reading(const struct sdr_sensor *s, uint8_t raw);

/* "C", "RPM", "V", "A", "W", "%" for the common units; IPMI names otherwise. */
const char *sdr_unit_name(const struct sdr_sensor *s);
/* "temperature", "voltage", "current", "fan", "power", ... for sensor_type. */
const char *sdr_sensor_type_name(uint8_t sensor_type);
/* What the sensor measures: its type's name, but "power" for a sensor of
 * the current type whose unit is watts (BMCs type watt meters so). */
const char *sdr_sensor_kind(const struct sdr_sensor *s);

/* Get Sensor Reading response data after the completion code (table 35-15). */
struct sdr_reading {
	uint8_t raw;
	int scanning_disabled;
	int unavailable;	/* "reading/state unavailable" bit */
	uint8_t threshold_bits; /* enum sdr_threshold_bit, threshold sensors */
	uint16_t states;	/* asserted offsets 0-14, discrete sensors */
};

int sdr_parse_reading(const uint8_t *data, size_t len, struct sdr_reading *out);

/* 0 ok, 1 warning (non-critical), 2 critical (critical or non-recoverable). */
int sdr_threshold_severity(uint8_t threshold_bits);
/* Asserted discrete states as text, "A, B"; returns the text length. */
size_t sdr_discrete_text(uint8_t reading_type, uint8_t sensor_type, uint16_t states, char *buf,
			 size_t len);
/* 0 ok, 1 warning, 2 critical for asserted discrete states. */
int sdr_discrete_severity(uint8_t reading_type, uint8_t sensor_type, uint16_t states);

/* Get SDR Repository Info response (table 33-3). */
struct sdr_repo_info {
	uint8_t version;
	uint16_t record_count;
	uint16_t free_space;
	uint32_t add_timestamp;
	uint32_t erase_timestamp;
	uint8_t operations;
};

int sdr_parse_repo_info(const uint8_t *data, size_t len, struct sdr_repo_info *out);
/* Get SDR request data (table 33-6): 6 bytes; count 0xFF reads the whole record. */
size_t sdr_build_get_sdr(uint8_t out[6], uint16_t reservation, uint16_t record_id,
			 uint8_t offset, uint8_t count);
/* Get SDR response: next record ID and the bytes returned. */
int sdr_parse_get_sdr(const uint8_t *data, size_t len, uint16_t *next_id, const uint8_t **bytes,
		      size_t *n);

#endif
