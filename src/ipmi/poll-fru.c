/*
 * ipmi/poll-fru.c - the poll's inventory: Get FRU Inventory Area Info,
 * Read FRU Data in chunks (smaller when the BMC says a chunk is too big),
 * then the board, product and chassis fields as the host's inventory.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "ipmi/fru.h"
#include "ipmi/poll.h"

#define FRU_CHUNK_MAX 32
#define FRU_MAX_SIZE  4096

static void add_kv(struct bmc_kv **kv, size_t *n, const char *key, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	*kv = xreallocarray(*kv, *n + 1, sizeof **kv);
	(*kv)[*n].key = xstrdup(key);
	(*kv)[*n].value = xstrdup(value);
	(*n)++;
}

static void fru_done(struct ipmi_job *j)
{
	struct bmc_host *h = j->h;
	struct ipmi_host *ih = j->ih;
	struct fru_info fi;
	struct bmc_kv *kv = NULL;
	size_t n = 0;
	char buf[32];

	memset(&fi, 0, sizeof fi);
	if (j->fru != NULL && fru_parse(j->fru, j->fru_offset, &fi) != 0)
		log_warn("%s: FRU data has an invalid header", h->cfg->name);
	add_kv(&kv, &n, "bmc.vendor", h->vendor);
	snprintf(buf, sizeof buf, "%u", ih->manufacturer);
	add_kv(&kv, &n, "bmc.manufacturer_id", buf);
	snprintf(buf, sizeof buf, "0x%04x", ih->product);
	add_kv(&kv, &n, "bmc.product_id", buf);
	add_kv(&kv, &n, "bmc.firmware", ih->firmware);
	add_kv(&kv, &n, "chassis.type", fi.chassis_type);
	add_kv(&kv, &n, "chassis.part_number", fi.chassis_part);
	add_kv(&kv, &n, "chassis.serial_number", fi.chassis_serial);
	add_kv(&kv, &n, "board.manufacturer", fi.board_manufacturer);
	add_kv(&kv, &n, "board.product", fi.board_product);
	add_kv(&kv, &n, "board.serial_number", fi.board_serial);
	add_kv(&kv, &n, "board.part_number", fi.board_part);
	add_kv(&kv, &n, "board.manufacture_date", fi.board_mfg_date);
	add_kv(&kv, &n, "product.manufacturer", fi.product_manufacturer);
	add_kv(&kv, &n, "product.name", fi.product_name);
	add_kv(&kv, &n, "product.part_number", fi.product_part);
	add_kv(&kv, &n, "product.version", fi.product_version);
	add_kv(&kv, &n, "product.serial_number", fi.product_serial);
	add_kv(&kv, &n, "product.asset_tag", fi.product_asset_tag);
	if (fi.bad_checksums > 0) {
		snprintf(buf, sizeof buf, "%d", fi.bad_checksums);
		add_kv(&kv, &n, "fru.areas_with_bad_checksums", buf);
	}
	host_set_inventory(h, kv, n);
	if (fi.product_name[0] != '\0')
		host_set_string(&h->model, fi.product_name);
	else if (fi.board_product[0] != '\0')
		host_set_string(&h->model, fi.board_product);
	if (fi.product_serial[0] != '\0')
		host_set_string(&h->serial, fi.product_serial);
	else if (fi.board_serial[0] != '\0')
		host_set_string(&h->serial, fi.board_serial);
	host_changed(h, CHANGED_INVENTORY);
	j->step_done(j);
}

static void on_fru_data(struct ipmi_job *j, const struct ipmi_response *rsp);

static void request_fru_chunk(struct ipmi_job *j)
{
	uint16_t left = (uint16_t)(j->fru_size - j->fru_offset);
	uint8_t data[4] = {0, (uint8_t)j->fru_offset, (uint8_t)(j->fru_offset >> 8),
			   (uint8_t)(left < j->fru_chunk ? left : j->fru_chunk)};

	ipmi_job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_READ_FRU_DATA, data, sizeof data, on_fru_data,
		      "Read FRU Data");
}

static void on_fru_data(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	size_t n;

	if ((rsp->ccode == CC_CANNOT_RETURN_BYTES || rsp->ccode == 0xC7 || rsp->ccode == 0xC8) &&
	    j->fru_chunk > 8) {
		j->fru_chunk /= 2;
		request_fru_chunk(j);
		return;
	}
	if (ipmi_job_check_ccode(j, rsp) || ipmi_job_check_len(j, rsp, 1))
		return;
	n = rsp->data[0];
	if (n == 0 || n + 1 > rsp->len || n > (size_t)(j->fru_size - j->fru_offset)) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		ipmi_job_fail(j, BMC_EPROTO, "Read FRU Data returned a bad count (%zu)", n);
		return;
	}
	memcpy(j->fru + j->fru_offset, rsp->data + 1, n);
	j->fru_offset = (uint16_t)(j->fru_offset + n);
	if (j->fru_offset < j->fru_size)
		request_fru_chunk(j);
	else
		fru_done(j);
}

static void on_fru_info(struct ipmi_job *j, const struct ipmi_response *rsp)
{
	uint16_t size;
	int words;

	if (rsp->ccode != 0) {
		/* No FRU device 0: the inventory has what Get Device ID gave. */
		fru_done(j);
		return;
	}
	if (fru_parse_area_info(rsp->data, rsp->len, &size, &words) != 0) {
		j->h->counters[CNT_DROP_MALFORMED]++;
		ipmi_job_fail(j, BMC_EPROTO, "malformed FRU area info");
		return;
	}
	if (size > FRU_MAX_SIZE)
		size = FRU_MAX_SIZE;
	if (size < 8) {
		fru_done(j);
		return;
	}
	j->fru_size = size;
	j->fru_offset = 0;
	j->fru_chunk = FRU_CHUNK_MAX;
	j->fru = xcalloc(size, 1);
	request_fru_chunk(j);
}

void ipmi_poll_inventory(struct ipmi_job *j)
{
	uint8_t data[1] = {0};

	ipmi_job_send(j, IPMI_NETFN_STORAGE, IPMI_CMD_GET_FRU_AREA_INFO, data, 1, on_fru_info,
		      "Get FRU Inventory Area Info");
}
