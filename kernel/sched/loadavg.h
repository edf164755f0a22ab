/* SPDX-License-Identifier: MIT */
/*
 * Load averages: the three numbers at the start of /proc/loadavg (and of
 * uptime and top), the number of threads wanting a CPU, averaged over the
 * last 1, 5 and 15 minutes.
 *
 * They are exponentially decaying averages, computed the way Linux
 * computes them, in fixed point because the kernel does no floating point.
 * Every LOADAVG_PERIOD_S seconds the scheduler counts the active threads n
 * (runnable or running, plus user threads in an uninterruptible sleep) and
 * each average moves a fixed fraction of the way towards n:
 *
 *	load = load * e + n * (1 - e),	e = exp(-5 s / 60 s), exp(-5/300), exp(-5/900)
 *
 * so a sample five minutes old still weighs exp(-5) = 0.7% in the 1-minute
 * average: "the last minute" is a time constant, not a window.  Numbers
 * are in units of 1/LOADAVG_ONE (2048, 11 bits of fraction); e is stored
 * the same way, exp(-5/60) * 2048 = 1884 and so on.
 *
 * Pure code with no locks: the caller (sched/stats.c) serializes updates.
 */
#pragma once

#include "lib/compiler.h"

#define LOADAVG_SHIFT    11
#define LOADAVG_ONE      (1ul << LOADAVG_SHIFT)
#define LOADAVG_PERIOD_S 5

/* exp(-5/60), exp(-5/300), exp(-5/900) in units of 1/2048. */
#define LOADAVG_EXP_1    1884
#define LOADAVG_EXP_5    2014
#define LOADAVG_EXP_15   2037

struct loadavg {
	unsigned long avg[3];   /* 1, 5 and 15 minutes, in 1/LOADAVG_ONE */
};

/* One sample: n threads were active. */
void loadavg_sample(struct loadavg *la, unsigned n);
/* Split a fixed-point average into the integer part and hundredths, as printed. */
void loadavg_split(unsigned long avg, unsigned long *whole, unsigned long *hundredths);
