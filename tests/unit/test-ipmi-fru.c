/*
 * test-ipmi-fru.c - FRU images: all three info areas, checksums, bounds,
 * and each type/length encoding.
 *
 * Images are assembled here from the FRU Information Storage Definition
 * v1.0 layouts; checksums are computed by the test, so a test that breaks
 * one does so on purpose.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ipmi/fru.h"
#include "runner.h"

static uint8_t zero_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)(0x100 - sum);
}

/*
 * An info area: fixed bytes (version and length first), then the fields as
 * 8-bit ASCII, the end marker, padding and checksum.  Returns its length.
 */
static size_t area(uint8_t *out, const uint8_t *fixed, size_t nfixed, const char *const *fields,
		   size_t nfields)
{
	size_t pos = nfixed;

	memcpy(out, fixed, nfixed);
	for (size_t i = 0; i < nfields; i++) {
		size_t n = strlen(fields[i]);

		out[pos++] = (uint8_t)(0xC0 | n);
		memcpy(out + pos, fields[i], n);
		pos += n;
	}
	out[pos++] = 0xC1;
	while ((pos + 1) % 8 != 0)
		out[pos++] = 0x00;
	out[1] = (uint8_t)((pos + 1) / 8);
	out[pos] = zero_checksum(out, pos);
	return pos + 1;
}

/* A complete image: header, chassis at 8, then board, then product. */
static size_t build_image(uint8_t *img)
{
	static const uint8_t chassis_fixed[] = {0x01, 0x00, 0x17};
	static const char *const chassis_fields[] = {"CH-PART-1", "CHS0001"};
	static const uint8_t board_fixed[] = {0x01, 0x00, 0x19, 0xF1, 0x9F, 0xC0};
	static const char *const board_fields[] = {"Acme", "Board X", "BS123", "BP-9", ""};
	static const uint8_t product_fixed[] = {0x01, 0x00, 0x19};
	static const char *const product_fields[] = {"Acme Inc", "Server 9000", "SV-9000",
						     "Rev B",	 "PS4242",	"ASSET-7"};
	size_t pos = 8;

	memset(img, 0, 512);
	img[0] = 0x01;
	img[2] = (uint8_t)(pos / 8);
	pos += area(img + pos, chassis_fixed, sizeof(chassis_fixed), chassis_fields, 2);
	img[3] = (uint8_t)(pos / 8);
	pos += area(img + pos, board_fixed, sizeof(board_fixed), board_fields, 5);
	img[4] = (uint8_t)(pos / 8);
	pos += area(img + pos, product_fixed, sizeof(product_fixed), product_fields, 6);
	img[7] = zero_checksum(img, 7);
	return pos;
}

static void fix_header(uint8_t *img)
{
	img[7] = zero_checksum(img, 7);
}

TEST(fru_all_areas)
{
	uint8_t img[512];
	size_t len = build_image(img);
	struct fru_info fi;

	ASSERT_EQ(fru_parse(img, len, &fi), 0);
	ASSERT_STREQ(fi.chassis_type, "Rack Mount Chassis");
	ASSERT_STREQ(fi.chassis_part, "CH-PART-1");
	ASSERT_STREQ(fi.chassis_serial, "CHS0001");
	/* 0xC09FF1 minutes after 1996-01-01 00:00 UTC. */
	ASSERT_STREQ(fi.board_mfg_date, "2020-01-01T13:37:00Z");
	ASSERT_STREQ(fi.board_manufacturer, "Acme");
	ASSERT_STREQ(fi.board_product, "Board X");
	ASSERT_STREQ(fi.board_serial, "BS123");
	ASSERT_STREQ(fi.board_part, "BP-9");
	ASSERT_STREQ(fi.product_manufacturer, "Acme Inc");
	ASSERT_STREQ(fi.product_name, "Server 9000");
	ASSERT_STREQ(fi.product_part, "SV-9000");
	ASSERT_STREQ(fi.product_version, "Rev B");
	ASSERT_STREQ(fi.product_serial, "PS4242");
	ASSERT_STREQ(fi.product_asset_tag, "ASSET-7");
	ASSERT_EQ(fi.bad_checksums, 0);
}

TEST(fru_bad_area_checksum_skipped)
{
	uint8_t img[512];
	size_t len = build_image(img);
	struct fru_info fi;

	img[img[3] * 8 + 7] ^= 0x01; /* a byte inside the board area */
	ASSERT_EQ(fru_parse(img, len, &fi), 0);
	ASSERT_EQ(fi.bad_checksums, 1);
	ASSERT_STREQ(fi.board_manufacturer, "");
	ASSERT_STREQ(fi.board_mfg_date, "");
	ASSERT_STREQ(fi.chassis_part, "CH-PART-1");
	ASSERT_STREQ(fi.product_name, "Server 9000");
}

TEST(fru_bad_header)
{
	uint8_t img[512];
	size_t len = build_image(img);
	struct fru_info fi;

	ASSERT_EQ(fru_parse(img, 7, &fi), -1);
	ASSERT_EQ(fru_parse(NULL, 0, &fi), -1);
	img[6] = 0x01; /* checksum now wrong */
	ASSERT_EQ(fru_parse(img, len, &fi), -1);
	img[6] = 0x00;
	img[0] = 0x02; /* unknown format version */
	fix_header(img);
	ASSERT_EQ(fru_parse(img, len, &fi), -1);
}

TEST(fru_out_of_bounds)
{
	uint8_t img[512];
	size_t len = build_image(img);
	struct fru_info fi;
	uint8_t product = img[4];

	img[4] = 0xFF; /* product area far past the image */
	fix_header(img);
	ASSERT_EQ(fru_parse(img, len, &fi), 0);
	ASSERT_STREQ(fi.product_name, "");
	ASSERT_STREQ(fi.board_product, "Board X");
	/* An area length running past the image. */
	img[4] = product;
	fix_header(img);
	img[product * 8 + 1] = 0xFF;
	ASSERT_EQ(fru_parse(img, len, &fi), 0);
	ASSERT_STREQ(fi.product_name, "");
	ASSERT_EQ(fi.bad_checksums, 0);
	/* Every truncation of a good image parses without reading past it. */
	len = build_image(img);
	for (size_t n = 0; n <= len; n++)
		fru_parse(img, n, &fi);
	ASSERT_EQ(fru_parse(img, len - 1, &fi), 0);
	ASSERT_STREQ(fi.product_name, "");
	ASSERT_STREQ(fi.board_serial, "BS123");
}

TEST(fru_field_overruns_area)
{
	uint8_t img[512];
	size_t len = build_image(img);
	size_t board = (size_t)img[3] * 8;
	struct fru_info fi;

	/* The product name claims 63 bytes: the area's own end stops it. */
	img[board + 6 + 5] = 0xFF;
	img[board + (size_t)img[board + 1] * 8 - 1] = 0;
	img[board + (size_t)img[board + 1] * 8 - 1] =
	    zero_checksum(img + board, (size_t)img[board + 1] * 8 - 1);
	ASSERT_EQ(fru_parse(img, len, &fi), 0);
	ASSERT_STREQ(fi.board_manufacturer, "Acme");
	ASSERT_STREQ(fi.board_product, "");
	ASSERT_STREQ(fi.board_serial, "");
}

TEST(fru_field_encodings)
{
	static const uint8_t six_bit[] = {0x83, 0x29, 0xDC, 0xA6};
	static const uint8_t bcd[] = {0x43, 0x12, 0x3A, 0xB4};
	static const uint8_t bin[] = {0x02, 0x01, 0xAB};
	static const uint8_t ascii[] = {0xC5, 'A', 0x07, 'B', ' ', ' '};
	static const uint8_t latin1[] = {0xC2, 0xE9, 'x'};
	static const uint8_t empty[] = {0xC0};
	static const uint8_t end[] = {0xC1};
	char out[FRU_FIELD_MAX];

	ASSERT_EQ(fru_decode_field(six_bit, six_bit + sizeof(six_bit), out, sizeof(out)), 4);
	ASSERT_STREQ(out, "IPMI");
	ASSERT_EQ(fru_decode_field(bcd, bcd + sizeof(bcd), out, sizeof(out)), 4);
	ASSERT_STREQ(out, "123 -4");
	ASSERT_EQ(fru_decode_field(bin, bin + sizeof(bin), out, sizeof(out)), 3);
	ASSERT_STREQ(out, "01AB");
	ASSERT_EQ(fru_decode_field(ascii, ascii + sizeof(ascii), out, sizeof(out)), 6);
	ASSERT_STREQ(out, "A?B");
	ASSERT_EQ(fru_decode_field(latin1, latin1 + sizeof(latin1), out, sizeof(out)), 3);
	ASSERT_STREQ(out, "?x");
	ASSERT_EQ(fru_decode_field(empty, empty + 1, out, sizeof(out)), 1);
	ASSERT_STREQ(out, "");
	ASSERT_EQ(fru_decode_field(end, end + 1, out, sizeof(out)), 0);
	ASSERT_STREQ(out, "");
}

TEST(fru_field_bounds)
{
	static const uint8_t longer[] = {0xC8, 'A', 'B', 'C'};
	static const uint8_t text[] = {0xC6, 'a', 'b', 'c', 'd', 'e', 'f'};
	static const uint8_t six_bit[] = {0x83, 0x29, 0xDC, 0xA6};
	char out[4];

	memset(out, 'x', sizeof(out));
	ASSERT_EQ(fru_decode_field(longer, longer + sizeof(longer), out, sizeof(out)), -1);
	ASSERT_STREQ(out, "");
	ASSERT_EQ(fru_decode_field(longer, longer, out, sizeof(out)), -1);
	/* Output truncated, still terminated; consumed count unaffected. */
	ASSERT_EQ(fru_decode_field(text, text + sizeof(text), out, sizeof(out)), 7);
	ASSERT_STREQ(out, "abc");
	ASSERT_EQ(fru_decode_field(text, text + sizeof(text), out, 0), 7);
	/* A 6-bit field cut short is refused, not half-read. */
	for (size_t n = 0; n < sizeof(six_bit); n++)
		ASSERT_EQ(fru_decode_field(six_bit, six_bit + n, out, sizeof(out)), -1);
}

TEST(fru_area_info)
{
	static const uint8_t rsp[] = {0x00, 0x01, 0x01};
	uint16_t size = 0;
	int words = 0;

	ASSERT_EQ(fru_parse_area_info(rsp, 2, &size, &words), -1);
	ASSERT_EQ(fru_parse_area_info(rsp, sizeof(rsp), &size, &words), 0);
	ASSERT_EQ(size, 256);
	ASSERT_EQ(words, 1);
}
