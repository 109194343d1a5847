/*
 * ipmi/sdr.c - Sensor Data Record decoding, reading conversion, and the
 * names and severities of sensor states.
 *
 * The discrete state tables here (generic reading types 0x01-0x0C, table
 * 42-2, and sensor-specific offsets, table 42-3) are the only copy: the SEL
 * code renders one event offset by asking sdr_discrete_text() and
 * sdr_discrete_severity() about a single state bit.  A record must agree
 * with its own length byte and be long enough for its type, so a record
 * cut short by a broken BMC or a short read is refused, never read past.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "ipmi/fru.h"
#include "ipmi/sdr.h"

#define SDR_HEADER_LEN	  5
#define SDR_FULL_ID_AT	  47 /* offset of the ID string type/length byte */
#define SDR_COMPACT_ID_AT 31
#define READING_THRESHOLD 0x01
#define READING_SPECIFIC  0x6F
#define ANALOG_NONE	  3 /* units byte 1 bits 7:6: no numeric reading */
#define ARRAY_LEN(a)	  (sizeof(a) / sizeof((a)[0]))

static int sign_extend(unsigned v, unsigned bits)
{
	unsigned sign = 1u << (bits - 1);

	v &= (1u << bits) - 1;
	return (int)(v ^ sign) - (int)sign;
}

static void copy_printable(const uint8_t *p, size_t n, char *name, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n && p[i] != '\0' && k + 1 < cap; i++)
		name[k++] = (p[i] >= 0x20 && p[i] < 0x7F) ? (char)p[i] : '?';
	while (k > 0 && name[k - 1] == ' ')
		k--;
	name[k] = '\0';
}

/*
 * The ID string uses the FRU type/length encoding with a 5-bit length, and
 * type 00 meaning Unicode rather than binary.  BMCs that claim Unicode send
 * plain ASCII in practice, so types 00 and 11 both decode as 8-bit text; the
 * packed forms reuse the FRU decoder.  NUL padding ends the name.
 */
static void decode_id_string(const uint8_t *p, size_t avail, char *name, size_t cap)
{
	uint8_t type = p[0] >> 6;
	size_t n = p[0] & 0x1F;
	uint8_t field[1 + 31];
	char text[FRU_FIELD_MAX];

	name[0] = '\0';
	if (n > avail - 1)
		n = avail - 1;
	if (type == 0 || type == 3) {
		copy_printable(p + 1, n, name, cap);
		return;
	}
	field[0] = (uint8_t)(type << 6 | n);
	memcpy(field + 1, p + 1, n);
	if (fru_decode_field(field, field + 1 + n, text, sizeof(text)) > 0)
		copy_printable((const uint8_t *)text, strlen(text), name, cap);
}

static void parse_full_body(const uint8_t *rec, struct sdr_sensor *out)
{
	out->analog_format = out->units1 >> 6;
	out->linearization = rec[23] & 0x7F;
	out->m = (int16_t)sign_extend(rec[24] | (unsigned)(rec[25] & 0xC0) << 2, 10);
	out->b = (int16_t)sign_extend(rec[26] | (unsigned)(rec[27] & 0xC0) << 2, 10);
	out->k2 = (int8_t)sign_extend(rec[29] >> 4, 4);
	out->k1 = (int8_t)sign_extend(rec[29] & 0x0F, 4);
	/*
	 * A discrete sensor in a full record often leaves the analog format
	 * at 0 by default; only believe a number when the sensor is a
	 * threshold sensor or names a real unit.
	 */
	out->has_analog = out->analog_format != ANALOG_NONE &&
			  (out->reading_type == READING_THRESHOLD || out->base_unit != 0);
	if (out->reading_type == READING_THRESHOLD)
		out->threshold_readable = rec[18] & 0x3F;
	out->threshold_raw[SDR_UNR] = rec[36];
	out->threshold_raw[SDR_UCR] = rec[37];
	out->threshold_raw[SDR_UNC] = rec[38];
	out->threshold_raw[SDR_LNR] = rec[39];
	out->threshold_raw[SDR_LCR] = rec[40];
	out->threshold_raw[SDR_LNC] = rec[41];
}

int sdr_parse_record(const uint8_t *rec, size_t len, struct sdr_sensor *out)
{
	size_t id_at;

	memset(out, 0, sizeof(*out));
	if (rec == NULL || len < SDR_HEADER_LEN || (size_t)rec[4] + SDR_HEADER_LEN != len)
		return -1;
	out->record_id = get_le16(rec);
	out->record_type = rec[3];
	if (rec[3] == SDR_TYPE_FULL)
		id_at = SDR_FULL_ID_AT;
	else if (rec[3] == SDR_TYPE_COMPACT)
		id_at = SDR_COMPACT_ID_AT;
	else
		return 1;
	if (len <= id_at)
		return -1;
	out->owner_id = rec[5];
	out->owner_lun = rec[6] & 0x03;
	out->number = rec[7];
	out->entity_id = rec[8];
	out->entity_instance = rec[9];
	out->sensor_type = rec[12];
	out->reading_type = rec[13];
	out->units1 = rec[20];
	out->base_unit = rec[21];
	out->modifier_unit = rec[22];
	if (rec[3] == SDR_TYPE_FULL)
		parse_full_body(rec, out);
	else
		out->analog_format = out->units1 >> 6;
	decode_id_string(rec + id_at, len - id_at, out->name, sizeof(out->name));
	return 0;
}

static double raw_to_signed(uint8_t format, uint8_t raw)
{
	switch (format) {
	case 1:
		return (raw & 0x80) ? -(double)(~raw & 0x7F) : (double)raw;
	case 2:
		return (double)(int8_t)raw;
	default:
		return (double)raw;
	}
}

static double linearize(uint8_t l, double y)
{
	switch (l) {
	case 0x00:
		return y;
	case 0x01:
		return log(y);
	case 0x02:
		return log10(y);
	case 0x03:
		return log2(y);
	case 0x04:
		return exp(y);
	case 0x05:
		return pow(10.0, y);
	case 0x06:
		return exp2(y);
	case 0x07:
		return 1.0 / y;
	case 0x08:
		return y * y;
	case 0x09:
		return y * y * y;
	case 0x0A:
		return sqrt(y);
	case 0x0B:
		return cbrt(y);
	default:
		/*
		 * 0x70-0x7F are OEM non-linear: the true factors come from Get
		 * Sensor Reading Factors per reading; the record's factors are
		 * the best approximation we have.
		 */
		return (l >= 0x70 && l <= 0x7F) ? y : NAN;
	}
}

/* NAN when the sensor has no numeric reading or L is undefined there (ln 0, 1/0). */
double sdr_convert_reading(const struct sdr_sensor *s, uint8_t raw)
{
	double x, y;

	if (s->record_type != SDR_TYPE_FULL || s->analog_format == ANALOG_NONE)
		return NAN;
	x = raw_to_signed(s->analog_format, raw);
	y = ((double)s->m * x + (double)s->b * pow(10.0, s->k1)) * pow(10.0, s->k2);
	y = linearize(s->linearization, y);
	return isfinite(y) ? y : NAN;
}

/* Table 43-15, with the short forms a dashboard column has room for. */
static const char *const unit_names[] = {
    "", /* 0 */
    "C",
    "F",
    "K",
    "V",
    "A",
    "W",
    "J",
    "Coulomb",
    "VA",
    "nits", /* 10 */
    "lumen",
    "lux",
    "cd",
    "kPa",
    "PSI",
    "N",
    "CFM",
    "RPM",
    "Hz",
    "us", /* 20 */
    "ms",
    "s",
    "min",
    "h",
    "days",
    "weeks",
    "mil",
    "in",
    "ft",
    "cu in", /* 30 */
    "cu ft",
    "mm",
    "cm",
    "m",
    "cu cm",
    "cu m",
    "l",
    "fl oz",
    "rad",
    "sr", /* 40 */
    "revolutions",
    "cycles",
    "g",
    "oz",
    "lb",
    "ft-lb",
    "oz-in",
    "gauss",
    "gilberts",
    "H", /* 50 */
    "mH",
    "F",
    "uF",
    "ohm",
    "S",
    "mol",
    "Bq",
    "PPM",
    "",
    "dB", /* 60 */
    "dBA",
    "dBC",
    "Gy",
    "Sv",
    "K (color)",
    "bit",
    "kbit",
    "Mbit",
    "Gbit",
    "B", /* 70 */
    "kB",
    "MB",
    "GB",
    "words",
    "dwords",
    "qwords",
    "lines",
    "hits",
    "misses",
    "retries", /* 80 */
    "resets",
    "overflows",
    "underruns",
    "collisions",
    "packets",
    "messages",
    "characters",
    "errors",
    "correctable errors",
    "uncorrectable errors", /* 90 */
    "fatal errors",
    "grams",
};

/*
 * The base unit alone: a modifier unit or rate ("per second") would need a
 * composed string, and sensors that use them are rare enough to show bare.
 */
const char *sdr_unit_name(const struct sdr_sensor *s)
{
	if (s->units1 & 0x01)
		return "%";
	if (s->base_unit < ARRAY_LEN(unit_names))
		return unit_names[s->base_unit];
	return "";
}

/*
 * Table 42-3 in lower case.  IPMI has no power sensor type: 0x0B "other
 * units-based sensor" is what BMCs (OpenBMC among them) use for watt meters,
 * so it is reported as "power".
 */
static const char *const sensor_type_names[] = {
    NULL,
    "temperature",
    "voltage",
    "current",
    "fan",
    "physical security",
    "platform security",
    "processor",
    "power supply",
    "power unit",
    "cooling device",
    "power",
    "memory",
    "drive slot",
    "POST memory resize",
    "system firmware progress",
    "event logging disabled",
    "watchdog 1",
    "system event",
    "critical interrupt",
    "button",
    "module/board",
    "microcontroller",
    "add-in card",
    "chassis",
    "chip set",
    "other FRU",
    "cable/interconnect",
    "terminator",
    "system boot",
    "boot error",
    "OS boot",
    "OS stop/shutdown",
    "slot/connector",
    "system ACPI power state",
    "watchdog 2",
    "platform alert",
    "entity presence",
    "monitor ASIC",
    "LAN",
    "management subsystem health",
    "battery",
    "session audit",
    "version change",
    "FRU state",
};

const char *sdr_sensor_type_name(uint8_t sensor_type)
{
	if (sensor_type < ARRAY_LEN(sensor_type_names) && sensor_type_names[sensor_type] != NULL)
		return sensor_type_names[sensor_type];
	if (sensor_type >= 0xC0)
		return "oem";
	return "unknown";
}

const char *sdr_sensor_kind(const struct sdr_sensor *s)
{
	/* Dell's "Pwr Consumption" and others: the current type, in watts. */
	if (s->sensor_type == 0x03 && strcmp(sdr_unit_name(s), "W") == 0)
		return "power";
	return sdr_sensor_type_name(s->sensor_type);
}

int sdr_parse_reading(const uint8_t *data, size_t len, struct sdr_reading *out)
{
	memset(out, 0, sizeof(*out));
	if (data == NULL || len < 2)
		return -1;
	out->raw = data[0];
	out->scanning_disabled = !(data[1] & 0x40);
	out->unavailable = !!(data[1] & 0x20);
	if (len >= 3) {
		out->threshold_bits = data[2] & 0x3F;
		out->states = data[2];
	}
	if (len >= 4)
		out->states |= (uint16_t)((data[3] & 0x7F) << 8);
	return 0;
}

int sdr_threshold_severity(uint8_t threshold_bits)
{
	if (threshold_bits & (SDR_TH_LCR | SDR_TH_LNR | SDR_TH_UCR | SDR_TH_UNR))
		return 2;
	if (threshold_bits & (SDR_TH_LNC | SDR_TH_UNC))
		return 1;
	return 0;
}

/* One state of a discrete sensor: its name and severity when asserted. */
struct state_name {
	const char *text;
	int severity;
};

struct state_table {
	uint8_t code; /* reading type (generic) or sensor type (sensor-specific) */
	const struct state_name *states;
	size_t nstates;
};

static const struct state_name threshold_states[] = {
    {"Lower Non-critical going low", 1},    {"Lower Non-critical going high", 1},
    {"Lower Critical going low", 2},	    {"Lower Critical going high", 2},
    {"Lower Non-recoverable going low", 2}, {"Lower Non-recoverable going high", 2},
    {"Upper Non-critical going low", 1},    {"Upper Non-critical going high", 1},
    {"Upper Critical going low", 2},	    {"Upper Critical going high", 2},
    {"Upper Non-recoverable going low", 2}, {"Upper Non-recoverable going high", 2},
};

static const struct state_name usage_states[] = {
    {"Transition to Idle", 0},
    {"Transition to Active", 0},
    {"Transition to Busy", 0},
};

static const struct state_name digital_states[] = {
    {"State Deasserted", 0},
    {"State Asserted", 0},
};

static const struct state_name predictive_states[] = {
    {"Predictive Failure deasserted", 0},
    {"Predictive Failure asserted", 1},
};

static const struct state_name limit_states[] = {
    {"Limit Not Exceeded", 0},
    {"Limit Exceeded", 1},
};

static const struct state_name performance_states[] = {
    {"Performance Met", 0},
    {"Performance Lags", 1},
};

static const struct state_name severity_states[] = {
    {"Transition to OK", 0},
    {"Transition to Non-Critical from OK", 1},
    {"Transition to Critical from less severe", 2},
    {"Transition to Non-recoverable from less severe", 2},
    {"Transition to Non-Critical from more severe", 1},
    {"Transition to Critical from Non-recoverable", 2},
    {"Transition to Non-recoverable", 2},
    {"Monitor", 0},
    {"Informational", 0},
};

static const struct state_name presence_states[] = {
    {"Device Absent", 0},
    {"Device Present", 0},
};

static const struct state_name enabled_states[] = {
    {"Device Disabled", 0},
    {"Device Enabled", 0},
};

static const struct state_name availability_states[] = {
    {"Transition to Running", 0},  {"Transition to In Test", 0},    {"Transition to Power Off", 0},
    {"Transition to On Line", 0},  {"Transition to Off Line", 1},   {"Transition to Off Duty", 1},
    {"Transition to Degraded", 1}, {"Transition to Power Save", 0}, {"Install Error", 2},
};

static const struct state_name redundancy_states[] = {
    {"Fully Redundant", 0},
    {"Redundancy Lost", 2},
    {"Redundancy Degraded", 1},
    {"Non-redundant: Sufficient Resources from Redundant", 1},
    {"Non-redundant: Sufficient Resources from Insufficient Resources", 1},
    {"Non-redundant: Insufficient Resources", 2},
    {"Redundancy Degraded from Fully Redundant", 1},
    {"Redundancy Degraded from Non-redundant", 1},
};

static const struct state_name acpi_device_states[] = {
    {"D0 Power State", 0},
    {"D1 Power State", 0},
    {"D2 Power State", 0},
    {"D3 Power State", 0},
};

static const struct state_table generic_tables[] = {
    {0x01, threshold_states, ARRAY_LEN(threshold_states)},
    {0x02, usage_states, ARRAY_LEN(usage_states)},
    {0x03, digital_states, ARRAY_LEN(digital_states)},
    {0x04, predictive_states, ARRAY_LEN(predictive_states)},
    {0x05, limit_states, ARRAY_LEN(limit_states)},
    {0x06, performance_states, ARRAY_LEN(performance_states)},
    {0x07, severity_states, ARRAY_LEN(severity_states)},
    {0x08, presence_states, ARRAY_LEN(presence_states)},
    {0x09, enabled_states, ARRAY_LEN(enabled_states)},
    {0x0A, availability_states, ARRAY_LEN(availability_states)},
    {0x0B, redundancy_states, ARRAY_LEN(redundancy_states)},
    {0x0C, acpi_device_states, ARRAY_LEN(acpi_device_states)},
};

static const struct state_name physical_security_states[] = {
    {"General Chassis Intrusion", 1}, {"Drive Bay Intrusion", 1}, {"I/O Card Area Intrusion", 1},
    {"Processor Area Intrusion", 1},  {"LAN Leash Lost", 1},	  {"Unauthorized Dock/Undock", 1},
    {"Fan Area Intrusion", 1},
};

static const struct state_name processor_states[] = {
    {"IERR", 2},
    {"Thermal Trip", 2},
    {"FRB1/BIST failure", 2},
    {"FRB2/Hang in POST failure", 2},
    {"FRB3/Processor Startup/Initialization failure", 2},
    {"Configuration Error", 2},
    {"SM BIOS Uncorrectable CPU-complex Error", 2},
    {"Presence detected", 0},
    {"Disabled", 1},
    {"Terminator Presence Detected", 0},
    {"Throttled", 1},
    {"Uncorrectable Machine Check Exception", 2},
    {"Correctable Machine Check Error", 1},
};

static const struct state_name power_supply_states[] = {
    {"Presence detected", 0},	    {"Power Supply Failure detected", 2},
    {"Predictive Failure", 1},	    {"Power Supply AC lost", 2},
    {"AC lost or out-of-range", 2}, {"AC out-of-range, but present", 1},
    {"Configuration error", 1},	    {"Inactive (standby)", 0},
};

static const struct state_name power_unit_states[] = {
    {"Power off/down", 0},   {"Power cycle", 0},
    {"240VA power down", 2}, {"Interlock power down", 2},
    {"AC lost", 2},	     {"Soft-power control failure", 2},
    {"Failure detected", 2}, {"Predictive failure", 1},
};

static const struct state_name memory_states[] = {
    {"Correctable ECC", 1},
    {"Uncorrectable ECC", 2},
    {"Parity", 2},
    {"Memory Scrub Failed", 2},
    {"Memory Device Disabled", 1},
    {"Correctable ECC logging limit reached", 1},
    {"Presence Detected", 0},
    {"Configuration Error", 1},
    {"Spare", 0},
    {"Throttled", 1},
    {"Critical Overtemperature", 2},
};

static const struct state_name drive_slot_states[] = {
    {"Drive Present", 0},
    {"Drive Fault", 2},
    {"Predictive Failure", 1},
    {"Hot Spare", 0},
    {"Parity Check In Progress", 0},
    {"In Critical Array", 2},
    {"In Failed Array", 2},
    {"Rebuild In Progress", 1},
    {"Rebuild Aborted", 2},
};

static const struct state_name firmware_progress_states[] = {
    {"System Firmware Error", 2},
    {"System Firmware Hang", 2},
    {"System Firmware Progress", 0},
};

static const struct state_name event_logging_states[] = {
    {"Correctable Memory Error Logging Disabled", 1},
    {"Event Type Logging Disabled", 1},
    {"Log Area Reset/Cleared", 0},
    {"All Event Logging Disabled", 1},
    {"Log Full", 1},
    {"Log Almost Full", 1},
    {"Correctable Machine Check Error Logging Disabled", 1},
};

static const struct state_name watchdog1_states[] = {
    {"BIOS Watchdog Reset", 1},
    {"OS Watchdog Reset", 1},
    {"OS Watchdog Shut Down", 1},
    {"OS Watchdog Power Down", 1},
    {"OS Watchdog Power Cycle", 1},
    {"OS Watchdog NMI/Diagnostic Interrupt", 1},
    {"OS Watchdog Expired, status only", 1},
    {"OS Watchdog pre-timeout Interrupt, non-NMI", 1},
};

static const struct state_name system_event_states[] = {
    {"System Reconfigured", 0},
    {"OEM System Boot Event", 0},
    {"Undetermined system hardware failure", 2},
    {"Entry added to Auxiliary Log", 0},
    {"PEF Action", 0},
    {"Timestamp Clock Sync", 0},
};

static const struct state_name critical_interrupt_states[] = {
    {"NMI/Diag Interrupt", 1},
    {"Bus Timeout", 2},
    {"I/O Channel Check NMI", 2},
    {"Software NMI", 1},
    {"PCI PERR", 2},
    {"PCI SERR", 2},
    {"EISA Fail Safe Timeout", 2},
    {"Bus Correctable Error", 1},
    {"Bus Uncorrectable Error", 2},
    {"Fatal NMI", 2},
    {"Bus Fatal Error", 2},
    {"Bus Degraded", 1},
};

static const struct state_name button_states[] = {
    {"Power Button pressed", 0}, {"Sleep Button pressed", 0},	    {"Reset Button pressed", 0},
    {"FRU latch open", 0},	 {"FRU service request button", 0},
};

static const struct state_name system_boot_states[] = {
    {"Initiated by power up", 0},	 {"Initiated by hard reset", 0},
    {"Initiated by warm reset", 0},	 {"User requested PXE boot", 0},
    {"Automatic boot to diagnostic", 0}, {"OS initiated hard reset", 0},
    {"OS initiated warm reset", 0},	 {"System Restart", 0},
};

static const struct state_name watchdog2_states[] = {
    {"Timer expired, status only", 1},
    {"Hard Reset", 1},
    {"Power Down", 1},
    {"Power Cycle", 1},
    {NULL, 0},
    {NULL, 0},
    {NULL, 0},
    {NULL, 0},
    {"Timer interrupt", 0},
};

static const struct state_name entity_presence_states[] = {
    {"Entity Present", 0},
    {"Entity Absent", 0},
    {"Entity Disabled", 0},
};

static const struct state_name battery_states[] = {
    {"Battery low (predictive failure)", 1},
    {"Battery failed", 2},
    {"Battery presence detected", 0},
};

static const struct state_table specific_tables[] = {
    {0x05, physical_security_states, ARRAY_LEN(physical_security_states)},
    {0x07, processor_states, ARRAY_LEN(processor_states)},
    {0x08, power_supply_states, ARRAY_LEN(power_supply_states)},
    {0x09, power_unit_states, ARRAY_LEN(power_unit_states)},
    {0x0C, memory_states, ARRAY_LEN(memory_states)},
    {0x0D, drive_slot_states, ARRAY_LEN(drive_slot_states)},
    {0x0F, firmware_progress_states, ARRAY_LEN(firmware_progress_states)},
    {0x10, event_logging_states, ARRAY_LEN(event_logging_states)},
    {0x11, watchdog1_states, ARRAY_LEN(watchdog1_states)},
    {0x12, system_event_states, ARRAY_LEN(system_event_states)},
    {0x13, critical_interrupt_states, ARRAY_LEN(critical_interrupt_states)},
    {0x14, button_states, ARRAY_LEN(button_states)},
    {0x1D, system_boot_states, ARRAY_LEN(system_boot_states)},
    {0x23, watchdog2_states, ARRAY_LEN(watchdog2_states)},
    {0x25, entity_presence_states, ARRAY_LEN(entity_presence_states)},
    {0x29, battery_states, ARRAY_LEN(battery_states)},
};

static const struct state_name *state_lookup(uint8_t reading_type, uint8_t sensor_type,
					     unsigned offset)
{
	const struct state_table *tables = generic_tables;
	size_t ntables = ARRAY_LEN(generic_tables);
	uint8_t code = reading_type;

	if (reading_type == READING_SPECIFIC) {
		tables = specific_tables;
		ntables = ARRAY_LEN(specific_tables);
		code = sensor_type;
	}
	for (size_t i = 0; i < ntables; i++) {
		if (tables[i].code != code)
			continue;
		if (offset < tables[i].nstates && tables[i].states[offset].text != NULL)
			return &tables[i].states[offset];
		return NULL;
	}
	return NULL;
}

/* An offset no table names still shows, as "State 0x0B", rather than vanish. */
size_t sdr_discrete_text(uint8_t reading_type, uint8_t sensor_type, uint16_t states, char *buf,
			 size_t len)
{
	size_t pos = 0;

	if (buf == NULL || len == 0)
		return 0;
	buf[0] = '\0';
	for (unsigned off = 0; off < 16; off++) {
		const struct state_name *st;
		int n;

		if (!(states & (1u << off)))
			continue;
		st = state_lookup(reading_type, sensor_type, off);
		if (st != NULL)
			n = snprintf(buf + pos, len - pos, "%s%s", pos ? ", " : "", st->text);
		else
			n = snprintf(buf + pos, len - pos, "%sState 0x%02X", pos ? ", " : "", off);
		if (n < 0 || (size_t)n >= len - pos)
			return strlen(buf);
		pos += (size_t)n;
	}
	return pos;
}

int sdr_discrete_severity(uint8_t reading_type, uint8_t sensor_type, uint16_t states)
{
	int worst = 0;

	for (unsigned off = 0; off < 16; off++) {
		const struct state_name *st;

		if (!(states & (1u << off)))
			continue;
		st = state_lookup(reading_type, sensor_type, off);
		if (st != NULL && st->severity > worst)
			worst = st->severity;
	}
	return worst;
}

int sdr_parse_repo_info(const uint8_t *data, size_t len, struct sdr_repo_info *out)
{
	memset(out, 0, sizeof(*out));
	if (data == NULL || len < 14)
		return -1;
	out->version = data[0];
	out->record_count = get_le16(data + 1);
	out->free_space = get_le16(data + 3);
	out->add_timestamp = get_le32(data + 5);
	out->erase_timestamp = get_le32(data + 9);
	out->operations = data[13];
	return 0;
}

size_t sdr_build_get_sdr(uint8_t out[6], uint16_t reservation, uint16_t record_id, uint8_t offset,
			 uint8_t count)
{
	out[0] = (uint8_t)(reservation & 0xFF);
	out[1] = (uint8_t)(reservation >> 8);
	out[2] = (uint8_t)(record_id & 0xFF);
	out[3] = (uint8_t)(record_id >> 8);
	out[4] = offset;
	out[5] = count;
	return 6;
}

int sdr_parse_get_sdr(const uint8_t *data, size_t len, uint16_t *next_id, const uint8_t **bytes,
		      size_t *n)
{
	if (data == NULL || len < 2)
		return -1;
	*next_id = get_le16(data);
	*bytes = data + 2;
	*n = len - 2;
	return 0;
}
