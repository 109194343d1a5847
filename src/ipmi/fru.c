/*
 * ipmi/fru.c - FRU inventory decoding: common header, chassis, board and
 * product info areas, and type/length fields.
 *
 * A FRU image comes from an EEPROM the BMC merely relays, so it is often
 * half-written or vendor-mangled.  Each area is bounded by its own length
 * byte and by the image, and must checksum to zero before any field is
 * believed; a bad area is skipped and counted, never partly trusted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ipmi/fru.h"

#define FRU_END_OF_FIELDS 0xC1
/* 1996-01-01 00:00 UTC, the epoch of the board manufacturing date. */
#define FRU_DATE_EPOCH 820454400LL

/* A bounded string being written; it stays NUL-terminated throughout. */
struct text_out {
	char *buf;
	size_t cap;
	size_t pos;
};

static void text_init(struct text_out *t, char *buf, size_t cap)
{
	t->buf = buf;
	t->cap = cap;
	t->pos = 0;
	if (cap > 0)
		buf[0] = '\0';
}

static void text_putc(struct text_out *t, char c)
{
	if (t->pos + 1 >= t->cap)
		return;
	t->buf[t->pos++] = c;
	t->buf[t->pos] = '\0';
}

/* Trailing blanks are padding, not content: vendors pad fixed-size fields. */
static void text_trim(struct text_out *t)
{
	while (t->pos > 0 && t->buf[t->pos - 1] == ' ')
		t->buf[--t->pos] = '\0';
}

static void decode_binary(const uint8_t *p, size_t n, struct text_out *t)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		text_putc(t, hex[p[i] >> 4]);
		text_putc(t, hex[p[i] & 0x0F]);
	}
}

/* BCD plus: two characters a byte, the high nibble first. */
static void decode_bcd_plus(const uint8_t *p, size_t n, struct text_out *t)
{
	static const char bcd[] = "0123456789 -.???";

	for (size_t i = 0; i < n; i++) {
		text_putc(t, bcd[p[i] >> 4]);
		text_putc(t, bcd[p[i] & 0x0F]);
	}
}

/* 6-bit packed ASCII: four characters in three bytes, the first in the low bits. */
static void decode_six_bit(const uint8_t *p, size_t n, struct text_out *t)
{
	size_t nchars = n * 8 / 6;

	for (size_t i = 0; i < nchars; i++) {
		size_t bit = i * 6;
		size_t byte = bit / 8;
		unsigned v = p[byte];

		if (byte + 1 < n)
			v |= (unsigned)p[byte + 1] << 8;
		text_putc(t, (char)(((v >> (bit % 8)) & 0x3F) + 0x20));
	}
}

static void decode_ascii(const uint8_t *p, size_t n, struct text_out *t)
{
	for (size_t i = 0; i < n; i++)
		text_putc(t, (p[i] >= 0x20 && p[i] < 0x7F) ? (char)p[i] : '?');
}

/*
 * The end-of-fields marker 0xC1 is not a field: it consumes nothing and
 * returns 0, so a loop `while ((n = fru_decode_field(...)) > 0)` stops on it.
 */
int fru_decode_field(const uint8_t *p, const uint8_t *end, char *out, size_t outlen)
{
	struct text_out t;
	uint8_t tl;
	size_t n;

	text_init(&t, out, outlen);
	if (p == NULL || end == NULL || p >= end)
		return -1;
	tl = p[0];
	if (tl == FRU_END_OF_FIELDS)
		return 0;
	n = tl & 0x3F;
	if (n > (size_t)(end - p) - 1)
		return -1;
	switch (tl >> 6) {
	case 0:
		decode_binary(p + 1, n, &t);
		break;
	case 1:
		decode_bcd_plus(p + 1, n, &t);
		break;
	case 2:
		decode_six_bit(p + 1, n, &t);
		break;
	default:
		decode_ascii(p + 1, n, &t);
		break;
	}
	text_trim(&t);
	return (int)(n + 1);
}

static int checksum_ok(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

/*
 * Locate the area whose offset (in 8-byte units) is off8.  Returns its
 * length, or 0 when it is absent, out of bounds, of an unknown version or
 * fails its checksum (that last case counted in bad_checksums).
 */
static size_t area_locate(const uint8_t *data, size_t len, uint8_t off8, size_t fixed,
			  struct fru_info *out)
{
	size_t off = (size_t)off8 * 8;
	size_t alen;

	if (off == 0 || off + 2 > len)
		return 0;
	if ((data[off] & 0x0F) != 1)
		return 0;
	alen = (size_t)data[off + 1] * 8;
	if (alen < fixed + 1 || alen > len - off)
		return 0;
	if (!checksum_ok(data + off, alen)) {
		out->bad_checksums++;
		return 0;
	}
	return alen;
}

/* Decode the leading fields of an area into fields[], stopping at its end marker. */
static void area_fields(const uint8_t *p, const uint8_t *end, char *const *fields, size_t nfields)
{
	for (size_t i = 0; i < nfields; i++) {
		int n = fru_decode_field(p, end, fields[i], FRU_FIELD_MAX);

		if (n <= 0)
			return;
		p += n;
	}
}

/* SMBIOS chassis types, which the chassis area uses. */
static const char *const chassis_types[] = {
    NULL,
    "Other",
    "Unknown",
    "Desktop",
    "Low Profile Desktop",
    "Pizza Box",
    "Mini Tower",
    "Tower",
    "Portable",
    "Laptop",
    "Notebook",
    "Hand Held",
    "Docking Station",
    "All in One",
    "Sub Notebook",
    "Space-saving",
    "Lunch Box",
    "Main Server Chassis",
    "Expansion Chassis",
    "SubChassis",
    "Bus Expansion Chassis",
    "Peripheral Chassis",
    "RAID Chassis",
    "Rack Mount Chassis",
    "Sealed-case PC",
    "Multi-system Chassis",
    "Compact PCI",
    "Advanced TCA",
    "Blade",
    "Blade Enclosure",
    "Tablet",
    "Convertible",
    "Detachable",
    "IoT Gateway",
    "Embedded PC",
    "Mini PC",
    "Stick PC",
};

static void parse_chassis(const uint8_t *a, size_t alen, struct fru_info *out)
{
	char *const fields[] = {out->chassis_part, out->chassis_serial};
	uint8_t type = a[2];

	if (type < sizeof(chassis_types) / sizeof(chassis_types[0]) && chassis_types[type] != NULL)
		snprintf(out->chassis_type, sizeof(out->chassis_type), "%s", chassis_types[type]);
	else
		snprintf(out->chassis_type, sizeof(out->chassis_type), "0x%02X", type);
	area_fields(a + 3, a + alen - 1, fields, 2);
}

static void parse_board(const uint8_t *a, size_t alen, struct fru_info *out)
{
	char *const fields[] = {out->board_manufacturer, out->board_product, out->board_serial,
				out->board_part};
	uint32_t minutes = (uint32_t)a[3] | (uint32_t)a[4] << 8 | (uint32_t)a[5] << 16;

	if (minutes != 0) {
		time_t t = (time_t)(FRU_DATE_EPOCH + (long long)minutes * 60);
		struct tm tm;

		if (gmtime_r(&t, &tm) != NULL)
			strftime(out->board_mfg_date, sizeof(out->board_mfg_date),
				 "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	area_fields(a + 6, a + alen - 1, fields, 4);
}

static void parse_product(const uint8_t *a, size_t alen, struct fru_info *out)
{
	char *const fields[] = {out->product_manufacturer, out->product_name,
				out->product_part,	   out->product_version,
				out->product_serial,	   out->product_asset_tag};

	area_fields(a + 3, a + alen - 1, fields, 6);
}

int fru_parse(const uint8_t *data, size_t len, struct fru_info *out)
{
	size_t alen;

	memset(out, 0, sizeof(*out));
	if (data == NULL || len < 8 || (data[0] & 0x0F) != 1 || !checksum_ok(data, 8))
		return -1;
	alen = area_locate(data, len, data[2], 3, out);
	if (alen > 0)
		parse_chassis(data + (size_t)data[2] * 8, alen, out);
	alen = area_locate(data, len, data[3], 6, out);
	if (alen > 0)
		parse_board(data + (size_t)data[3] * 8, alen, out);
	alen = area_locate(data, len, data[4], 3, out);
	if (alen > 0)
		parse_product(data + (size_t)data[4] * 8, alen, out);
	return 0;
}

int fru_parse_area_info(const uint8_t *data, size_t len, uint16_t *size, int *word_access)
{
	if (data == NULL || len < 3)
		return -1;
	*size = (uint16_t)(data[0] | data[1] << 8);
	*word_access = data[2] & 0x01;
	return 0;
}
