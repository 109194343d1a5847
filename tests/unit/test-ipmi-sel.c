/*
 * test-ipmi-sel.c - SEL entries: parsing, text, severity and timestamps.
 *
 * Entries are laid out by hand from IPMI v2.0 section 32.1; the texts come
 * from the SDR module's shared state tables.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ipmi/sdr.h"
#include "ipmi/sel.h"
#include "runner.h"

static const uint8_t upper_critical[] = {
    0x01, 0x00, 0x02,	    /* record 1, system event */
    0x00, 0x00, 0x00, 0x60, /* timestamp 0x60000000 */
    0x20, 0x00, 0x04,	    /* generator: BMC, EvM rev 2.0 */
    0x01, 0x30, 0x01,	    /* temperature #0x30, assertion, threshold */
    0x59, 0x5A, 0x55,	    /* reading and threshold present, UCR going high */
};

static const uint8_t psu_failure[] = {
    0x02, 0x00, 0x02, 0x10, 0x00, 0x00, 0x60,
    0x20, 0x00, 0x04, 0x08, 0x51, 0x6F, /* power supply #0x51, sensor-specific */
    0x01, 0xFF, 0xFF,			/* offset 1: failure detected */
};

static const uint8_t psu_ac_back[] = {
    0x03, 0x00, 0x02, 0x20, 0x00, 0x00, 0x60, 0x20, 0x00, 0x04, 0x08, 0x51, 0xEF, /* deassertion */
    0x03, 0xFF, 0xFF, /* offset 3: AC lost */
};

static void parse(const uint8_t *p, struct sel_record *r)
{
	ASSERT_EQ(sel_parse_record(p, 16, r), 0);
}

TEST(sel_threshold_going_high)
{
	struct sel_record r;
	char buf[160];
	size_t n;

	parse(upper_critical, &r);
	ASSERT_EQ(r.record_id, 1);
	ASSERT_EQ(r.record_type, 0x02);
	ASSERT_EQ(r.timestamp, 0x60000000);
	ASSERT_EQ(r.generator_id, 0x0020);
	ASSERT_EQ(r.evm_rev, 0x04);
	ASSERT_EQ(r.sensor_type, 0x01);
	ASSERT_EQ(r.sensor_number, 0x30);
	ASSERT_EQ(r.event_type, 0x01);
	ASSERT(!r.deassertion);
	ASSERT_EQ(r.event_data[0], 0x59);
	ASSERT_MEMEQ(r.raw, upper_critical, 16);
	n = sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf,
		     "Temperature #0x30: Upper Critical going high, reading 0x5A, threshold 0x55");
	ASSERT_EQ(n, strlen(buf));
	ASSERT_EQ(sel_severity(&r), 2);
	ASSERT_EQ(sel_unix_time(&r), 0x60000000);
}

TEST(sel_threshold_without_values)
{
	uint8_t p[16];
	struct sel_record r;
	char buf[160];

	memcpy(p, upper_critical, 16);
	p[13] = 0x07; /* bytes 2 and 3 unspecified, UNC going high */
	parse(p, &r);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Temperature #0x30: Upper Non-critical going high");
	ASSERT_EQ(sel_severity(&r), 1);
	p[13] = 0x10; /* threshold only, LNC going low */
	parse(p, &r);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Temperature #0x30: Lower Non-critical going low, threshold 0x55");
	p[12] = 0x81;
	p[13] = 0x09;
	parse(p, &r);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Temperature #0x30: Upper Critical going high (deasserted)");
	ASSERT_EQ(sel_severity(&r), 0);
}

TEST(sel_power_supply)
{
	struct sel_record r;
	char buf[160];

	parse(psu_failure, &r);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Power Supply #0x51: Power Supply Failure detected");
	ASSERT_EQ(sel_severity(&r), 2);

	parse(psu_ac_back, &r);
	ASSERT(r.deassertion);
	ASSERT_EQ(r.event_type, 0x6F);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Power Supply #0x51: Power Supply AC lost (deasserted)");
	ASSERT_EQ(sel_severity(&r), 0);
}

TEST(sel_other_sensors)
{
	uint8_t p[16];
	struct sel_record r;
	char buf[160];

	memcpy(p, psu_failure, 16);
	p[10] = 0x0C; /* memory, correctable ECC */
	p[13] = 0x00;
	parse(p, &r);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Memory #0x51: Correctable ECC");
	ASSERT_EQ(sel_severity(&r), 1);
	p[10] = 0x10; /* event logging disabled, log cleared */
	p[13] = 0x02;
	parse(p, &r);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Event Logging Disabled #0x51: Log Area Reset/Cleared");
	ASSERT_EQ(sel_severity(&r), 0);
	p[10] = 0x80; /* a type no table names */
	parse(p, &r);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Sensor type 0x80 #0x51: State 0x02");
	p[10] = 0x07;
	p[12] = 0x72; /* OEM event/reading type */
	parse(p, &r);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Processor #0x51: OEM event type 0x72, offset 0x02");
	ASSERT_EQ(sel_severity(&r), 0);
	p[12] = 0x0B; /* generic redundancy: lost */
	p[13] = 0x01;
	parse(p, &r);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Processor #0x51: Redundancy Lost");
	ASSERT_EQ(sel_severity(&r), 2);
}

TEST(sel_timestamps)
{
	uint8_t p[16];
	struct sel_record r;

	memcpy(p, upper_critical, 16);
	memcpy(p + 3, "\x00\x10\x00\x00", 4); /* 4096 s after BMC init */
	parse(p, &r);
	ASSERT_EQ(sel_unix_time(&r), 0);
	memcpy(p + 3, "\x00\x00\x00\x20", 4);
	parse(p, &r);
	ASSERT_EQ(sel_unix_time(&r), 0);
	memcpy(p + 3, "\x01\x00\x00\x20", 4);
	parse(p, &r);
	ASSERT_EQ(sel_unix_time(&r), 0x20000001);
	memcpy(p + 3, "\xFF\xFF\xFF\xFF", 4);
	parse(p, &r);
	ASSERT_EQ(sel_unix_time(&r), 0);
}

TEST(sel_oem_records)
{
	static const uint8_t oem_ts[] = {0x04, 0x00, 0xC1, 0x00, 0x00, 0x00, 0x60, 0xA2,
					 0x02, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
	static const uint8_t oem[] = {0x05, 0x00, 0xE0, 0x00, 0x00, 0x00, 0x60, 0xA2,
				      0x02, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
	struct sel_record r;
	char buf[160];

	parse(oem_ts, &r);
	ASSERT_EQ(r.record_type, 0xC1);
	ASSERT_EQ(r.timestamp, 0x60000000);
	ASSERT_EQ(r.sensor_type, 0);
	ASSERT_MEMEQ(r.raw, oem_ts, 16);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "OEM record 0xC1, manufacturer 0x0002A2: 01 02 03 04 05 06");
	ASSERT_EQ(sel_severity(&r), 0);
	ASSERT_EQ(sel_unix_time(&r), 0x60000000);

	parse(oem, &r);
	ASSERT_EQ(r.timestamp, 0);
	sel_describe(&r, buf, sizeof(buf));
	ASSERT_STREQ(buf, "OEM record 0xE0: 00 00 00 60 A2 02 00 01 02 03 04 05 06");
	ASSERT_EQ(sel_unix_time(&r), 0);
	ASSERT_EQ(sel_severity(&r), 0);
}

TEST(sel_short_and_truncated)
{
	struct sel_record r;
	char buf[10];
	size_t n;

	for (size_t len = 0; len < 16; len++)
		ASSERT_EQ(sel_parse_record(upper_critical, len, &r), -1);
	ASSERT_EQ(sel_parse_record(NULL, 16, &r), -1);
	parse(upper_critical, &r);
	memset(buf, 'x', sizeof(buf));
	n = sel_describe(&r, buf, sizeof(buf));
	ASSERT_EQ(n, strlen(buf));
	ASSERT_STREQ(buf, "Temperatu");
	ASSERT_EQ(sel_describe(&r, buf, 0), 0);
}

TEST(sel_info_and_get_entry)
{
	static const uint8_t info[] = {0x51, 0x10, 0x00, 0x00, 0x40, 0x01, 0x00,
				       0x00, 0x60, 0x02, 0x00, 0x00, 0x60, 0x0F};
	static const uint8_t rsp[] = {0xFF, 0xFF, 0x01, 0x00, 0x02};
	static const uint8_t want[] = {0x78, 0x56, 0x34, 0x12, 0x00, 0xFF};
	struct sel_info si;
	uint8_t req[6];
	const uint8_t *rec;
	uint16_t next;
	size_t n;

	ASSERT_EQ(sel_parse_info(info, 13, &si), -1);
	ASSERT_EQ(sel_parse_info(info, sizeof(info), &si), 0);
	ASSERT_EQ(si.version, 0x51);
	ASSERT_EQ(si.entries, 16);
	ASSERT_EQ(si.free_space, 0x4000);
	ASSERT_EQ(si.add_timestamp, 0x60000001);
	ASSERT_EQ(si.erase_timestamp, 0x60000002);
	ASSERT_EQ(si.operations, 0x0F);

	ASSERT_EQ(sel_build_get_entry(req, 0x5678, 0x1234), 6);
	ASSERT_MEMEQ(req, want, 6);

	ASSERT_EQ(sel_parse_get_entry(rsp, 1, &next, &rec, &n), -1);
	ASSERT_EQ(sel_parse_get_entry(rsp, sizeof(rsp), &next, &rec, &n), 0);
	ASSERT_EQ(next, 0xFFFF);
	ASSERT_EQ(n, 3);
	ASSERT(rec == rsp + 2);
}

/* With the sensor's record: values in its units, as ipmitool shows them. */
TEST(sel_threshold_values_converted)
{
	struct sel_record r;
	struct sdr_sensor s;
	char buf[160];

	memset(&s, 0, sizeof s);
	s.record_type = SDR_TYPE_FULL;
	s.has_analog = 1;
	s.reading_type = 0x01;
	s.sensor_type = 0x01;
	s.m = 1;
	s.base_unit = 1; /* degrees C */
	parse(upper_critical, &r);
	sel_describe_sensor(&r, &s, buf, sizeof(buf));
	ASSERT_STREQ(buf,
		     "Temperature #0x30: Upper Critical going high, reading 90 C, threshold 85 C");
	s.m = 5;
	s.k2 = -1; /* x * 0.5 */
	sel_describe_sensor(&r, &s, buf, sizeof(buf));
	ASSERT_STREQ(buf, "Temperature #0x30: Upper Critical going high, "
			  "reading 45 C, threshold 42.5 C");
	sel_describe_sensor(&r, NULL, buf, sizeof(buf));
	ASSERT_STREQ(buf,
		     "Temperature #0x30: Upper Critical going high, reading 0x5A, threshold 0x55");
}
