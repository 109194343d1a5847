/*
 * test-units.c - one number format: decimals per unit, unit symbols.
 */
#include "config.h"

#include "core/units.h"
#include "runner.h"

TEST(decimals_per_unit)
{
	char b[32];

	ASSERT_STREQ(units_format_value(b, sizeof b, 45.4, "C"), "45");
	ASSERT_STREQ(units_format_value(b, sizeof b, 5412.0, "RPM"), "5412");
	ASSERT_STREQ(units_format_value(b, sizeof b, 12.046, "V"), "12.05");
	ASSERT_STREQ(units_format_value(b, sizeof b, 1.5, "A"), "1.50");
	ASSERT_STREQ(units_format_value(b, sizeof b, 3.0, "Watts per hour"), "3.00");
	ASSERT_STREQ(units_format_value(b, sizeof b, -0.2, "C"), "0");
	ASSERT_STREQ(units_format_value(b, sizeof b, -3.0, "C"), "-3");
}

TEST(reading_with_its_unit)
{
	char b[32];

	ASSERT_STREQ(units_format_reading(b, sizeof b, 45.0, "C"), "45C");
	ASSERT_STREQ(units_format_reading(b, sizeof b, 12.0, "V"), "12.00V");
	ASSERT_STREQ(units_format_reading(b, sizeof b, 5400.0, "RPM"), "5400 RPM");
	ASSERT_STREQ(units_format_reading(b, sizeof b, 40.0, "%"), "40%");
	ASSERT_STREQ(units_format_reading(b, sizeof b, 2.0, ""), "2.00");
}
