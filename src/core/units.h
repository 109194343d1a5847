/*
 * core/units.h - one way to write a reading: fixed decimals per unit, the
 * same in the command line's tables, the dashboard and its detail view.
 *
 * C, RPM, W and % are whole numbers (what BMCs resolve them to); V and A,
 * and any other IPMI unit, have two decimals.  JSON keeps full precision.
 */
#ifndef BMCTOP_UNITS_H
#define BMCTOP_UNITS_H

#include <stddef.h>

/* Decimals a value in unit is written with. */
int units_decimals(const char *unit);
/* The number alone ("45", "12.05"); returns buf. */
char *units_format_value(char *buf, size_t len, double value, const char *unit);
/* The number and its unit: a symbol joined ("45C", "12.05V", "40%"), a word
 * after a space ("5400 RPM"); returns buf. */
char *units_format_reading(char *buf, size_t len, double value, const char *unit);

#endif
