// SPDX-License-Identifier: MIT
/*
 * The MC146818-compatible CMOS clock, read through index/data ports
 * 0x70/0x71.  It ticks in seconds, usually in BCD, and is read twice until
 * two reads agree, because an update may be in progress between them.
 */
#include "drivers/rtc.h"
#include "arch/arch.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define REG_SEC 0x00
#define REG_MIN 0x02
#define REG_HOUR 0x04
#define REG_DAY 0x07
#define REG_MON 0x08
#define REG_YEAR 0x09
#define REG_A 0x0A
#define REG_B 0x0B
#define A_UPDATING 0x80
#define B_24H 0x02
#define B_BINARY 0x04

struct rtc_time {
	unsigned sec, min, hour, day, mon, year, century;
};

static uint8_t
cmos(uint8_t reg)
{
	arch_outb(CMOS_INDEX, reg | 0x80);   /* bit 7 keeps NMIs off while we read */
	return arch_inb(CMOS_DATA);
}

static void
read_once(struct rtc_time *t, uint8_t cent)
{
	for (int i = 0; i < 100000 && (cmos(REG_A) & A_UPDATING); i++)
		arch_cpu_relax();
	t->sec = cmos(REG_SEC);
	t->min = cmos(REG_MIN);
	t->hour = cmos(REG_HOUR);
	t->day = cmos(REG_DAY);
	t->mon = cmos(REG_MON);
	t->year = cmos(REG_YEAR);
	t->century = cent ? cmos(cent) : 0;
}

static unsigned
bcd(unsigned v)
{
	return (v & 0x0F) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t
days_since_epoch(unsigned y, unsigned m, unsigned d)
{
	/* Shift so the year starts in March: leap days fall at the end. */
	uint64_t yy = m <= 2 ? y - 1 : y, mm = m <= 2 ? m + 9 : m - 3;
	uint64_t era_days = 365 * yy + yy / 4 - yy / 100 + yy / 400;

	return era_days + (153 * mm + 2) / 5 + d - 1 - 719468;
}

uint64_t
rtc_read_unix_time(uint8_t century_register)
{
	struct rtc_time a, b;
	uint8_t regb;
	unsigned year;

	do {
		read_once(&a, century_register);
		read_once(&b, century_register);
	} while (a.sec != b.sec || a.min != b.min || a.hour != b.hour || a.day != b.day);
	regb = cmos(REG_B);
	if (!(regb & B_BINARY)) {
		bool pm = a.hour & 0x80;
		a.sec = bcd(a.sec);
		a.min = bcd(a.min);
		a.hour = bcd(a.hour & 0x7F) | (pm ? 0x80 : 0);
		a.day = bcd(a.day);
		a.mon = bcd(a.mon);
		a.year = bcd(a.year);
		a.century = bcd(a.century);
	}
	if (!(regb & B_24H) && (a.hour & 0x80))
		a.hour = ((a.hour & 0x7F) + 12) % 24;
	year = a.century ? a.century * 100 + a.year : 2000 + a.year;
	if (a.mon < 1 || a.mon > 12 || a.day < 1 || a.day > 31 || a.hour > 23 || a.min > 59)
		return 0;
	return days_since_epoch(year, a.mon, a.day) * 86400 + a.hour * 3600 + a.min * 60 + a.sec;
}
