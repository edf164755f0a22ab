/* SPDX-License-Identifier: MIT */
/*
 * Clocks and the periodic tick.
 *
 * Keel keeps time with the TSC (a 64-bit counter the CPU increments at a
 * fixed rate) and takes its scheduling tick from the local APIC timer.
 * Neither says its own frequency, so at boot both are measured against a
 * timer whose rate is known by definition: the HPET (its period is in its
 * capability register) or, without one, the 8254 PIT (1.193182 MHz).
 */
#pragma once

#include "lib/compiler.h"

struct clock_info {
	uint64_t tsc_hz;
	uint64_t lapic_hz;        /* after the divide-by-16 */
	const char *reference;    /* "HPET" or "PIT" */
	unsigned tick_hz;
};

extern struct clock_info clock_info;

/* Measure the TSC and the APIC timer against the HPET or PIT. */
void clock_calibrate(void);
/* Nanoseconds since clock_calibrate(), from the TSC. */
uint64_t clock_ns(void);
/*
 * Start the periodic tick on this CPU: tick() runs hz times a second, told
 * whether the interrupt came from user mode (for time accounting).
 */
/* tick(user, pc, fp): where the tick found the CPU (its pc and frame pointer). */
void clock_start_tick(unsigned hz, void (*tick)(bool user, uint64_t pc, uint64_t fp));
/* Busy-wait (for drivers that need a delay before the scheduler runs). */
void clock_udelay(uint64_t us);
