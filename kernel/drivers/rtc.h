/* SPDX-License-Identifier: MIT */
/* The CMOS real-time clock: the wall-clock time at boot. */
#pragma once

#include "lib/compiler.h"

/* Seconds since 1970-01-01 UTC, or 0 if the clock cannot be read. */
uint64_t rtc_read_unix_time(uint8_t century_register);
