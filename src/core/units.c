/*
 * core/units.c - writing readings with fixed decimals per unit.
 *
 * Fixed rather than shortest ("%g"): a column of voltages lines up, and a
 * value that moves does not change width from one poll to the next.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/units.h"

int units_decimals(const char *unit)
{
	static const char *const whole[] = { "C", "RPM", "W", "%" };
	size_t i;

	for (i = 0; i < sizeof whole / sizeof whole[0]; i++)
		if (unit != NULL && strcmp(unit, whole[i]) == 0)
			return 0;
	return 2;
}

char *units_format_value(char *buf, size_t len, double value, const char *unit)
{
	int decimals = units_decimals(unit);

	snprintf(buf, len, "%.*f", decimals, value);
	/* Rounding a small negative to zero must not print "-0". */
	if (strspn(buf, "-0.") == strlen(buf) && buf[0] == '-')
		memmove(buf, buf + 1, strlen(buf));
	return buf;
}

char *units_format_reading(char *buf, size_t len, double value, const char *unit)
{
	size_t n;

	units_format_value(buf, len, value, unit);
	if (unit == NULL || unit[0] == '\0')
		return buf;
	n = strlen(buf);
	snprintf(buf + n, len - n, "%s%s", strlen(unit) > 1 && unit[0] != '%' ? " " : "", unit);
	return buf;
}
