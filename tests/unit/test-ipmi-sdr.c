/*
 * test-ipmi-sdr.c - sensor records, reading conversion and state text.
 *
 * The records are written out byte by byte from IPMI v2.0 tables 43-1 and
 * 43-2, and every expected reading is computed by hand from
 * y = L[(M*x + B*10^K1) * 10^K2], so the tests check the spec, not the code.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ipmi/sdr.h"
#include "runner.h"

/* A full threshold temperature record: M=1, B=0, "CPU Temp". */
static const uint8_t temp_rec[] = {
    0x42, 0x00, 0x51, 0x01, 0x33,	/* id 0x0042, SDR v1.5, full, 51 bytes follow */
    0x20, 0x00, 0x30, 0x03, 0x01,	/* owner 0x20 LUN 0, sensor 0x30, processor 1 */
    0x7F, 0x68, 0x01, 0x01,		/* init, caps, temperature, threshold */
    0x95, 0x7A, 0x95, 0x7A,		/* assertion / deassertion masks */
    0x1B, 0x1B,				/* readable LNC LCR UNC UCR; settable the same */
    0x00, 0x01, 0x00,			/* unsigned, degrees C, no modifier unit */
    0x00,				/* linear */
    0x01, 0x00, 0x00, 0x00,		/* M = 1, B = 0 */
    0x00, 0x00,				/* accuracy, direction; K2 = 0, K1 = 0 */
    0x00,				/* analog characteristics */
    0x28, 0x50, 0x0A, 0x7F, 0x00,	/* nominal, normal max/min, sensor max/min */
    0x64, 0x5F, 0x5A, 0x00, 0x05, 0x0A, /* UNR UCR UNC LNR LCR LNC */
    0x02, 0x02,				/* hysteresis + and - */
    0x00, 0x00, 0x00,			/* reserved, reserved, OEM */
    0xC8, 'C',	'P',  'U',  ' ',  'T',	'e', 'm', 'p',
};

/* A compact sensor-specific power supply record, "PS1". */
static const uint8_t psu_rec[] = {
    0x10, 0x00, 0x51, 0x02, 0x1E, /* id 0x0010, compact, 30 bytes follow */
    0x20, 0x00, 0x51, 0x0A, 0x01, /* owner, LUN, sensor 0x51, power supply 1 */
    0x67, 0x40, 0x08, 0x6F,	  /* init, caps, power supply, sensor-specific */
    0x0F, 0x00, 0x0F, 0x00,	  /* assertion / deassertion masks */
    0x0F, 0x00,			  /* discrete reading mask */
    0xC0, 0x00, 0x00,		  /* no analog reading */
    0x00, 0x00,			  /* record sharing */
    0x00, 0x00,			  /* hysteresis */
    0x00, 0x00, 0x00, 0x00,	  /* reserved x3, OEM */
    0xC3, 'P',	'S',  '1',
};

/* A full record with the given conversion factors; returns its length. */
static size_t full_record(uint8_t *r, uint8_t units1, uint8_t base_unit, uint8_t lin, int m, int b,
			  int k1, int k2)
{
	memset(r, 0, 48);
	r[2] = 0x51;
	r[3] = SDR_TYPE_FULL;
	r[4] = 48 + 2 - 5;
	r[12] = 0x02;
	r[13] = 0x01;
	r[20] = units1;
	r[21] = base_unit;
	r[23] = lin;
	r[24] = (uint8_t)(m & 0xFF);
	r[25] = (uint8_t)((m >> 2) & 0xC0);
	r[26] = (uint8_t)(b & 0xFF);
	r[27] = (uint8_t)((b >> 2) & 0xC0);
	r[29] = (uint8_t)((k2 & 0x0F) << 4 | (k1 & 0x0F));
	r[47] = 0xC2;
	r[48] = 'V';
	r[49] = '1';
	return 50;
}

static double convert(uint8_t units1, uint8_t lin, int m, int b, int k1, int k2, uint8_t raw)
{
	uint8_t r[64];
	struct sdr_sensor s;
	size_t len = full_record(r, units1, 4, lin, m, b, k1, k2);

	ASSERT_EQ(sdr_parse_record(r, len, &s), 0);
	return sdr_convert_reading(&s, raw);
}

TEST(sdr_full_temperature)
{
	struct sdr_sensor s;

	ASSERT_EQ(sdr_parse_record(temp_rec, sizeof(temp_rec), &s), 0);
	ASSERT_EQ(s.record_id, 0x0042);
	ASSERT_EQ(s.record_type, SDR_TYPE_FULL);
	ASSERT_EQ(s.owner_id, 0x20);
	ASSERT_EQ(s.number, 0x30);
	ASSERT_EQ(s.entity_id, 0x03);
	ASSERT_EQ(s.entity_instance, 0x01);
	ASSERT_EQ(s.sensor_type, 0x01);
	ASSERT_EQ(s.reading_type, 0x01);
	ASSERT(s.has_analog);
	ASSERT_EQ(s.m, 1);
	ASSERT_EQ(s.b, 0);
	ASSERT_STREQ(s.name, "CPU Temp");
	ASSERT_STREQ(sdr_unit_name(&s), "C");
	ASSERT_STREQ(sdr_sensor_type_name(s.sensor_type), "temperature");
	ASSERT_NEAR(sdr_convert_reading(&s, 0x2D), 45.0, 1e-9);
	ASSERT_EQ(s.threshold_readable, SDR_TH_LNC | SDR_TH_LCR | SDR_TH_UNC | SDR_TH_UCR);
	ASSERT_EQ(s.threshold_raw[SDR_UNR], 0x64);
	ASSERT_EQ(s.threshold_raw[SDR_UCR], 0x5F);
	ASSERT_EQ(s.threshold_raw[SDR_UNC], 0x5A);
	ASSERT_EQ(s.threshold_raw[SDR_LNR], 0x00);
	ASSERT_EQ(s.threshold_raw[SDR_LCR], 0x05);
	ASSERT_EQ(s.threshold_raw[SDR_LNC], 0x0A);
	ASSERT_NEAR(sdr_convert_reading(&s, s.threshold_raw[SDR_UCR]), 95.0, 1e-9);
}

TEST(sdr_voltage_factors)
{
	uint8_t r[64];
	struct sdr_sensor s;
	size_t len;

	/* M=300 needs the two high bits; B=-2 is 0x3FE; K1=1, K2=-3. */
	len = full_record(r, 0x00, 4, 0, 300, -2, 1, -3);
	ASSERT_EQ(r[24], 0x2C);
	ASSERT_EQ(r[25], 0x40);
	ASSERT_EQ(r[26], 0xFE);
	ASSERT_EQ(r[27], 0xC0);
	ASSERT_EQ(r[29], 0xD1);
	ASSERT_EQ(sdr_parse_record(r, len, &s), 0);
	ASSERT_EQ(s.m, 300);
	ASSERT_EQ(s.b, -2);
	ASSERT_EQ(s.k1, 1);
	ASSERT_EQ(s.k2, -3);
	ASSERT_STREQ(s.name, "V1");
	ASSERT_STREQ(sdr_unit_name(&s), "V");
	/* (300 * 40 - 2 * 10) / 1000 */
	ASSERT_NEAR(sdr_convert_reading(&s, 40), 11.98, 1e-9);
	/* M=5, B=-2, K1=1, K2=-2: (5 * 250 - 20) / 100 */
	ASSERT_NEAR(convert(0x00, 0, 5, -2, 1, -2, 250), 12.30, 1e-9);
	/* Negative M: -1 is 0x3FF. */
	ASSERT_NEAR(convert(0x00, 0, -1, 0, 0, 0, 7), -7.0, 1e-9);
	/* K1=-8, K2=7 are the extremes of a 4-bit signed field. */
	ASSERT_NEAR(convert(0x00, 0, 0, 100, -8, 7, 0), 100.0 * 1e-8 * 1e7, 1e-9);
}

TEST(sdr_signed_formats)
{
	/* One's complement: 0xFE is -1, 0x80 is -127, 0xFF is -0. */
	ASSERT_NEAR(convert(0x40, 0, 1, 0, 0, 0, 0xFE), -1.0, 1e-9);
	ASSERT_NEAR(convert(0x40, 0, 1, 0, 0, 0, 0x80), -127.0, 1e-9);
	ASSERT_NEAR(convert(0x40, 0, 1, 0, 0, 0, 0xFF), 0.0, 1e-9);
	ASSERT_NEAR(convert(0x40, 0, 1, 0, 0, 0, 0x05), 5.0, 1e-9);
	/* Two's complement: 0xFE is -2, 0x80 is -128. */
	ASSERT_NEAR(convert(0x80, 0, 1, 0, 0, 0, 0xFE), -2.0, 1e-9);
	ASSERT_NEAR(convert(0x80, 0, 1, 0, 0, 0, 0x80), -128.0, 1e-9);
	ASSERT_NEAR(convert(0x80, 0, 1, 0, 0, 0, 0x7F), 127.0, 1e-9);
	/* Unsigned: 0xFE is 254. */
	ASSERT_NEAR(convert(0x00, 0, 1, 0, 0, 0, 0xFE), 254.0, 1e-9);
	/* No analog reading at all. */
	ASSERT(isnan(convert(0xC0, 0, 1, 0, 0, 0, 0x10)));
}

TEST(sdr_linearizations)
{
	ASSERT_NEAR(convert(0, 0x00, 1, 0, 0, 0, 100), 100.0, 1e-9);
	ASSERT_NEAR(convert(0, 0x01, 1, 0, 0, 0, 100), 4.605170186, 1e-8); /* ln 100 */
	ASSERT_NEAR(convert(0, 0x02, 1, 0, 0, 0, 100), 2.0, 1e-9);	   /* log10 */
	ASSERT_NEAR(convert(0, 0x03, 1, 0, 0, 0, 64), 6.0, 1e-9);	   /* log2 */
	ASSERT_NEAR(convert(0, 0x04, 1, 0, 0, 0, 2), 7.389056099, 1e-8);   /* e^2 */
	ASSERT_NEAR(convert(0, 0x05, 1, 0, 0, 0, 3), 1000.0, 1e-9);	   /* 10^3 */
	ASSERT_NEAR(convert(0, 0x06, 1, 0, 0, 0, 10), 1024.0, 1e-9);	   /* 2^10 */
	ASSERT_NEAR(convert(0, 0x07, 1, 0, 0, 0, 4), 0.25, 1e-9);	   /* 1/x */
	ASSERT_NEAR(convert(0, 0x08, 1, 0, 0, 0, 12), 144.0, 1e-9);	   /* x^2 */
	ASSERT_NEAR(convert(0, 0x09, 1, 0, 0, 0, 5), 125.0, 1e-9);	   /* x^3 */
	ASSERT_NEAR(convert(0, 0x0A, 1, 0, 0, 0, 81), 9.0, 1e-9);	   /* sqrt */
	ASSERT_NEAR(convert(0, 0x0B, 1, 0, 0, 0, 27), 3.0, 1e-9);	   /* cube root */
	/* L applies to the whole bracket: 1/((2 * 5 + 0) * 10^-1) = 1. */
	ASSERT_NEAR(convert(0, 0x07, 2, 0, 0, -1, 5), 1.0, 1e-9);
	/* Undefined points give NAN, not infinity. */
	ASSERT(isnan(convert(0, 0x01, 1, 0, 0, 0, 0)));
	ASSERT(isnan(convert(0, 0x07, 1, 0, 0, 0, 0)));
	ASSERT(isnan(convert(0, 0x0A, -1, 0, 0, 0, 4)));
	/* Reserved linearization codes. */
	ASSERT(isnan(convert(0, 0x0C, 1, 0, 0, 0, 4)));
	/* OEM non-linear falls back to the record's factors. */
	ASSERT_NEAR(convert(0, 0x70, 1, 0, 0, 0, 4), 4.0, 1e-9);
}

TEST(sdr_compact_record)
{
	struct sdr_sensor s;

	ASSERT_EQ(sdr_parse_record(psu_rec, sizeof(psu_rec), &s), 0);
	ASSERT_EQ(s.record_id, 0x0010);
	ASSERT_EQ(s.record_type, SDR_TYPE_COMPACT);
	ASSERT_EQ(s.number, 0x51);
	ASSERT_EQ(s.entity_id, 0x0A);
	ASSERT_EQ(s.sensor_type, 0x08);
	ASSERT_EQ(s.reading_type, 0x6F);
	ASSERT(!s.has_analog);
	ASSERT_EQ(s.threshold_readable, 0);
	ASSERT_STREQ(s.name, "PS1");
	ASSERT_STREQ(sdr_sensor_type_name(s.sensor_type), "power supply");
	ASSERT(isnan(sdr_convert_reading(&s, 0x01)));
}

TEST(sdr_other_types_and_malformed)
{
	static const uint8_t fru_locator[] = {0x05, 0x00, 0x51, 0x11, 0x03, 0x20, 0x00, 0x00};
	uint8_t r[sizeof(temp_rec)];
	struct sdr_sensor s;

	ASSERT_EQ(sdr_parse_record(fru_locator, sizeof(fru_locator), &s), 1);
	ASSERT_EQ(s.record_id, 5);
	ASSERT_EQ(s.record_type, SDR_TYPE_FRU_LOCATOR);
	/* The length byte disagrees with the bytes given. */
	ASSERT_EQ(sdr_parse_record(temp_rec, sizeof(temp_rec) - 1, &s), -1);
	memcpy(r, temp_rec, sizeof(r));
	r[4]++;
	ASSERT_EQ(sdr_parse_record(r, sizeof(r), &s), -1);
	/* Cut at every length, with and without a length byte to match. */
	for (size_t n = 0; n < sizeof(temp_rec); n++) {
		ASSERT_EQ(sdr_parse_record(temp_rec, n, &s), -1);
		memcpy(r, temp_rec, sizeof(r));
		if (n >= 5) {
			r[4] = (uint8_t)(n - 5);
			ASSERT_EQ(sdr_parse_record(r, n, &s), n <= 47 ? -1 : 0);
		}
	}
	for (size_t n = 0; n < sizeof(psu_rec); n++) {
		memcpy(r, psu_rec, sizeof(psu_rec));
		if (n >= 5)
			r[4] = (uint8_t)(n - 5);
		ASSERT_EQ(sdr_parse_record(r, n, &s), n <= 31 ? -1 : 0);
	}
	ASSERT_EQ(sdr_parse_record(NULL, 0, &s), -1);
}

TEST(sdr_id_strings)
{
	uint8_t r[sizeof(psu_rec) + 16];
	struct sdr_sensor s;

	/* 6-bit packed "IPMI": 0x29 0xDC 0xA6. */
	memcpy(r, psu_rec, 31);
	r[31] = 0x83;
	r[32] = 0x29;
	r[33] = 0xDC;
	r[34] = 0xA6;
	r[4] = 35 - 5;
	ASSERT_EQ(sdr_parse_record(r, 35, &s), 0);
	ASSERT_STREQ(s.name, "IPMI");
	/* BCD plus "123 -4". */
	r[31] = 0x43;
	r[32] = 0x12;
	r[33] = 0x3A;
	r[34] = 0xB4;
	ASSERT_EQ(sdr_parse_record(r, 35, &s), 0);
	ASSERT_STREQ(s.name, "123 -4");
	/* NUL padding ends the name; control bytes are replaced. */
	r[31] = 0xC6;
	memcpy(r + 32, "F\x01n1\0\0", 6);
	r[4] = 38 - 5;
	ASSERT_EQ(sdr_parse_record(r, 38, &s), 0);
	ASSERT_STREQ(s.name, "F?n1");
	/* Sixteen characters fill the name exactly. */
	r[31] = 0xD0;
	memcpy(r + 32, "ABCDEFGHIJKLMNOP", 16);
	r[4] = 48 - 5;
	ASSERT_EQ(sdr_parse_record(r, 48, &s), 0);
	ASSERT_STREQ(s.name, "ABCDEFGHIJKLMNOP");
	/* A length beyond the record is clamped to it. */
	r[31] = 0xDF;
	ASSERT_EQ(sdr_parse_record(r, 48, &s), 0);
	ASSERT_STREQ(s.name, "ABCDEFGHIJKLMNOP");
}

TEST(sdr_units_and_types)
{
	struct sdr_sensor s;

	memset(&s, 0, sizeof(s));
	s.base_unit = 6;
	ASSERT_STREQ(sdr_unit_name(&s), "W");
	s.base_unit = 18;
	ASSERT_STREQ(sdr_unit_name(&s), "RPM");
	s.base_unit = 5;
	ASSERT_STREQ(sdr_unit_name(&s), "A");
	s.base_unit = 7;
	ASSERT_STREQ(sdr_unit_name(&s), "J");
	s.base_unit = 92;
	ASSERT_STREQ(sdr_unit_name(&s), "grams");
	s.base_unit = 200;
	ASSERT_STREQ(sdr_unit_name(&s), "");
	s.base_unit = 0;
	s.units1 = 0x01;
	ASSERT_STREQ(sdr_unit_name(&s), "%");
	ASSERT_STREQ(sdr_sensor_type_name(0x02), "voltage");
	ASSERT_STREQ(sdr_sensor_type_name(0x03), "current");
	ASSERT_STREQ(sdr_sensor_type_name(0x04), "fan");
	ASSERT_STREQ(sdr_sensor_type_name(0x0B), "power");
	ASSERT_STREQ(sdr_sensor_type_name(0x05), "physical security");
	ASSERT_STREQ(sdr_sensor_type_name(0x2C), "FRU state");
	ASSERT_STREQ(sdr_sensor_type_name(0x00), "unknown");
	ASSERT_STREQ(sdr_sensor_type_name(0x80), "unknown");
	ASSERT_STREQ(sdr_sensor_type_name(0xC5), "oem");
}

TEST(sdr_reading_parse)
{
	struct sdr_reading rd;
	static const uint8_t two[] = {0x2D, 0xC0};
	static const uint8_t off[] = {0x2D, 0x80};
	static const uint8_t unavail[] = {0x00, 0x60};
	static const uint8_t three[] = {0x60, 0xC0, 0x18};
	static const uint8_t four[] = {0x00, 0xC0, 0x02, 0x81};

	ASSERT_EQ(sdr_parse_reading(two, 1, &rd), -1);
	ASSERT_EQ(sdr_parse_reading(two, sizeof(two), &rd), 0);
	ASSERT_EQ(rd.raw, 0x2D);
	ASSERT(!rd.scanning_disabled);
	ASSERT(!rd.unavailable);
	ASSERT_EQ(rd.threshold_bits, 0);
	ASSERT_EQ(rd.states, 0);
	ASSERT_EQ(sdr_parse_reading(off, sizeof(off), &rd), 0);
	ASSERT(rd.scanning_disabled);
	ASSERT_EQ(sdr_parse_reading(unavail, sizeof(unavail), &rd), 0);
	ASSERT(rd.unavailable);
	ASSERT(!rd.scanning_disabled);
	ASSERT_EQ(sdr_parse_reading(three, sizeof(three), &rd), 0);
	ASSERT_EQ(rd.threshold_bits, SDR_TH_UNC | SDR_TH_UCR);
	ASSERT_EQ(sdr_threshold_severity(rd.threshold_bits), 2);
	/* Byte 4 bit 7 is reserved. */
	ASSERT_EQ(sdr_parse_reading(four, sizeof(four), &rd), 0);
	ASSERT_EQ(rd.states, 0x0102);
}

TEST(sdr_threshold_severity_levels)
{
	ASSERT_EQ(sdr_threshold_severity(0), 0);
	ASSERT_EQ(sdr_threshold_severity(SDR_TH_LNC), 1);
	ASSERT_EQ(sdr_threshold_severity(SDR_TH_UNC), 1);
	ASSERT_EQ(sdr_threshold_severity(SDR_TH_LCR | SDR_TH_LNC), 2);
	ASSERT_EQ(sdr_threshold_severity(SDR_TH_UCR), 2);
	ASSERT_EQ(sdr_threshold_severity(SDR_TH_LNR), 2);
	ASSERT_EQ(sdr_threshold_severity(SDR_TH_UNR), 2);
}

TEST(sdr_discrete_states)
{
	char buf[256];
	size_t n;

	n = sdr_discrete_text(0x6F, 0x08, 0x0003, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Presence detected, Power Supply Failure detected");
	ASSERT_EQ(n, strlen(buf));
	ASSERT_EQ(sdr_discrete_severity(0x6F, 0x08, 0x0003), 2);
	ASSERT_EQ(sdr_discrete_severity(0x6F, 0x08, 0x0001), 0);
	ASSERT_EQ(sdr_discrete_severity(0x6F, 0x08, 0x0004), 1);
	ASSERT_EQ(sdr_discrete_text(0x6F, 0x08, 0, buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "");

	sdr_discrete_text(0x0B, 0x08, 0x0002, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Redundancy Lost");
	ASSERT_EQ(sdr_discrete_severity(0x0B, 0x08, 0x0002), 2);
	sdr_discrete_text(0x08, 0x25, 0x0002, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Device Present");
	sdr_discrete_text(0x6F, 0x25, 0x0001, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Entity Present");
	ASSERT_EQ(sdr_discrete_severity(0x6F, 0x25, 0x0001), 0);
	sdr_discrete_text(0x6F, 0x29, 0x0002, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Battery failed");
	ASSERT_EQ(sdr_discrete_severity(0x6F, 0x29, 0x0001), 1);
	ASSERT_EQ(sdr_discrete_severity(0x6F, 0x0C, 0x0002), 2);
	ASSERT_EQ(sdr_discrete_severity(0x6F, 0x0C, 0x0001), 1);
	sdr_discrete_text(0x6F, 0x05, 0x0001, buf, sizeof(buf));
	ASSERT_STREQ(buf, "General Chassis Intrusion");
	sdr_discrete_text(0x6F, 0x07, 0x0080, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Presence detected");
	sdr_discrete_text(0x6F, 0x0D, 0x0002, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Drive Fault");
	sdr_discrete_text(0x6F, 0x0F, 0x0004, buf, sizeof(buf));
	ASSERT_STREQ(buf, "System Firmware Progress");
	sdr_discrete_text(0x6F, 0x10, 0x0004, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Log Area Reset/Cleared");
	sdr_discrete_text(0x6F, 0x12, 0x0004, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Undetermined system hardware failure");
	sdr_discrete_text(0x6F, 0x13, 0x0200, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Fatal NMI");
	sdr_discrete_text(0x6F, 0x14, 0x0001, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Power Button pressed");
	sdr_discrete_text(0x6F, 0x09, 0x0010, buf, sizeof(buf));
	ASSERT_STREQ(buf, "AC lost");
	sdr_discrete_text(0x01, 0x01, 0x0200, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Upper Critical going high");
	sdr_discrete_text(0x03, 0x00, 0x0002, buf, sizeof(buf));
	ASSERT_STREQ(buf, "State Asserted");
	/* Reserved offsets and unknown types still show. */
	sdr_discrete_text(0x6F, 0x23, 0x0110, buf, sizeof(buf));
	ASSERT_STREQ(buf, "State 0x04, Timer interrupt");
	sdr_discrete_text(0x6F, 0xC0, 0x8001, buf, sizeof(buf));
	ASSERT_STREQ(buf, "State 0x00, State 0x0F");
	ASSERT_EQ(sdr_discrete_severity(0x6F, 0xC0, 0xFFFF), 0);
}

TEST(sdr_discrete_text_truncates)
{
	char buf[12];
	size_t n;

	memset(buf, 'x', sizeof(buf));
	n = sdr_discrete_text(0x6F, 0x08, 0x0003, buf, sizeof(buf));
	ASSERT_EQ(n, strlen(buf));
	ASSERT(n < sizeof(buf));
	ASSERT_STREQ(buf, "Presence de");
	ASSERT_EQ(sdr_discrete_text(0x6F, 0x08, 0x0003, buf, 0), 0);
}

TEST(sdr_repo_info_and_get_sdr)
{
	static const uint8_t info[] = {0x51, 0x2A, 0x01, 0x00, 0x80, 0x78, 0x56,
				       0x34, 0x12, 0x04, 0x03, 0x02, 0x01, 0x2F};
	static const uint8_t rsp[] = {0x43, 0x00, 0xAA, 0xBB};
	struct sdr_repo_info ri;
	uint8_t req[6];
	static const uint8_t want[] = {0x34, 0x12, 0x42, 0x00, 0x05, 0xFF};
	const uint8_t *bytes;
	uint16_t next;
	size_t n;

	ASSERT_EQ(sdr_parse_repo_info(info, sizeof(info) - 1, &ri), -1);
	ASSERT_EQ(sdr_parse_repo_info(info, sizeof(info), &ri), 0);
	ASSERT_EQ(ri.version, 0x51);
	ASSERT_EQ(ri.record_count, 0x012A);
	ASSERT_EQ(ri.free_space, 0x8000);
	ASSERT_EQ(ri.add_timestamp, 0x12345678);
	ASSERT_EQ(ri.erase_timestamp, 0x01020304);
	ASSERT_EQ(ri.operations, 0x2F);

	ASSERT_EQ(sdr_build_get_sdr(req, 0x1234, 0x0042, 5, 0xFF), 6);
	ASSERT_MEMEQ(req, want, 6);

	ASSERT_EQ(sdr_parse_get_sdr(rsp, 1, &next, &bytes, &n), -1);
	ASSERT_EQ(sdr_parse_get_sdr(rsp, sizeof(rsp), &next, &bytes, &n), 0);
	ASSERT_EQ(next, 0x0043);
	ASSERT_EQ(n, 2);
	ASSERT(bytes == rsp + 2);
	ASSERT_EQ(sdr_parse_get_sdr(rsp, 2, &next, &bytes, &n), 0);
	ASSERT_EQ(n, 0);
}
