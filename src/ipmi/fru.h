/*
 * ipmi/fru.h - FRU inventory data (Platform Management FRU Information
 * Storage Definition v1.0): common header, chassis, board and product areas.
 *
 * Every offset and length is checked against the data actually read; an
 * area with a bad checksum is skipped and flagged, not trusted.
 */
#ifndef BMCTOP_IPMI_FRU_H
#define BMCTOP_IPMI_FRU_H

#include <stddef.h>
#include <stdint.h>

#define FRU_FIELD_MAX 64

struct fru_info {
	char chassis_type[FRU_FIELD_MAX];
	char chassis_part[FRU_FIELD_MAX];
	char chassis_serial[FRU_FIELD_MAX];
	char board_mfg_date[FRU_FIELD_MAX]; /* ISO 8601 UTC, "" when unspecified */
	char board_manufacturer[FRU_FIELD_MAX];
	char board_product[FRU_FIELD_MAX];
	char board_serial[FRU_FIELD_MAX];
	char board_part[FRU_FIELD_MAX];
	char product_manufacturer[FRU_FIELD_MAX];
	char product_name[FRU_FIELD_MAX];
	char product_part[FRU_FIELD_MAX];
	char product_version[FRU_FIELD_MAX];
	char product_serial[FRU_FIELD_MAX];
	char product_asset_tag[FRU_FIELD_MAX];
	int bad_checksums; /* areas skipped because their checksum was wrong */
};

/* Parse a whole FRU image.  0, or -1 when the common header is invalid. */
int fru_parse(const uint8_t *data, size_t len, struct fru_info *out);
/* Get FRU Inventory Area Info response (table 34-2). */
int fru_parse_area_info(const uint8_t *data, size_t len, uint16_t *size, int *word_access);
/* Decode one type/length field at p (limit end); returns bytes consumed or -1. */
int fru_decode_field(const uint8_t *p, const uint8_t *end, char *out, size_t outlen);

#endif
