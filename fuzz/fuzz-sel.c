/*
 * fuzz-sel.c - libFuzzer target for the SEL codecs.
 *
 * Describes each 16-byte window of the input into buffers of several sizes,
 * so truncation of the text is exercised as much as the parsing.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ipmi/sel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = {1, 9, 40, 200};
	struct sel_record r;
	struct sel_info si;
	const uint8_t *rec;
	uint16_t next;
	size_t n;
	char text[200];

	if (sel_parse_record(data, size, &r) != 0)
		return 0;
	for (size_t off = 0; off + 16 <= size; off += 16) {
		sel_parse_record(data + off, 16, &r);
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			size_t len = sel_describe(&r, text, sizes[i]);

			if (len >= sizes[i] || strlen(text) != len)
				__builtin_trap();
		}
		(void)sel_severity(&r);
		(void)sel_unix_time(&r);
	}
	(void)sel_parse_info(data, size, &si);
	if (sel_parse_get_entry(data, size, &next, &rec, &n) == 0 &&
	    sel_parse_record(rec, n, &r) == 0)
		sel_describe(&r, text, sizeof(text));
	return 0;
}
