/*
 * fuzz-sdr.c - libFuzzer target for the SDR codecs.
 *
 * The input is tried as a record as-is, then again with its length byte
 * made to agree, so the fuzzer reaches the body decoding and the ID string
 * instead of stopping at the length check; the same bytes also feed the
 * reading, repository info and Get SDR parsers.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ipmi/sdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const uint8_t *rec, size_t len)
{
	struct sdr_sensor s;
	char text[96];

	if (sdr_parse_record(rec, len, &s) != 0)
		return;
	for (unsigned raw = 0; raw < 256; raw += 51)
		(void)sdr_convert_reading(&s, (uint8_t)raw);
	(void)sdr_unit_name(&s);
	(void)sdr_sensor_type_name(s.sensor_type);
	sdr_discrete_text(s.reading_type, s.sensor_type, 0xFFFF, text, sizeof(text));
	sdr_discrete_text(s.reading_type, s.sensor_type, 0x7FFF, text, 7);
	(void)sdr_discrete_severity(s.reading_type, s.sensor_type, 0xFFFF);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t rec[260];
	struct sdr_reading rd;
	struct sdr_repo_info ri;
	const uint8_t *bytes;
	uint16_t next;
	size_t n;
	char text[64];

	exercise(data, size);
	if (size >= 5 && size <= sizeof(rec)) {
		memcpy(rec, data, size);
		rec[4] = (uint8_t)(size - 5);
		exercise(rec, size);
	}
	if (sdr_parse_reading(data, size, &rd) == 0) {
		(void)sdr_threshold_severity(rd.threshold_bits);
		if (size >= 2)
			sdr_discrete_text(data[1] & 0x7F, data[0], rd.states, text, sizeof(text));
	}
	(void)sdr_parse_repo_info(data, size, &ri);
	if (sdr_parse_get_sdr(data, size, &next, &bytes, &n) == 0 && n > 0)
		(void)bytes[n - 1];
	return 0;
}
