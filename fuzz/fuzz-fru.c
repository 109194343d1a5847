/*
 * fuzz-fru.c - libFuzzer target for the FRU codecs.
 *
 * Besides parsing the whole image, walks the input as a chain of
 * type/length fields, the way an area's fields are read.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ipmi/fru.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_terminated(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fru_info fi;
	const uint8_t *p = data, *end = data + size;
	char out[FRU_FIELD_MAX];
	uint16_t area_size;
	int words, n;

	if (fru_parse(data, size, &fi) == 0) {
		check_terminated(fi.chassis_type, FRU_FIELD_MAX);
		check_terminated(fi.board_mfg_date, FRU_FIELD_MAX);
		check_terminated(fi.board_serial, FRU_FIELD_MAX);
		check_terminated(fi.product_asset_tag, FRU_FIELD_MAX);
	}
	(void)fru_parse_area_info(data, size, &area_size, &words);
	while ((n = fru_decode_field(p, end, out, sizeof(out))) > 0) {
		check_terminated(out, sizeof(out));
		p += n;
	}
	if (size > 0)
		(void)fru_decode_field(data, end, out, 5);
	return 0;
}
