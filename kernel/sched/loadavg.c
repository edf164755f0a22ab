// SPDX-License-Identifier: MIT
/*
 * The load-average arithmetic; see loadavg.h for what the numbers mean.
 *
 * Rounding.  Plain truncation would make an average that should settle at
 * n stop just below it: once load is within a few units of n*2048, the
 * step n*2048*(1-e) - load*(1-e) truncates to nothing.  So when the average
 * is rising (the sample is at or above it) the step is rounded up, and a
 * steady load of 1 reads exactly 1.00 in the end; when it is falling the
 * step is rounded down, so an idle machine decays all the way to 0.00.
 */
#include "sched/loadavg.h"

static const unsigned long loadavg_exp[3] = { LOADAVG_EXP_1, LOADAVG_EXP_5, LOADAVG_EXP_15 };

static unsigned long
decay(unsigned long load, unsigned long e, unsigned long active)
{
	unsigned long next = load * e + active * (LOADAVG_ONE - e);

	if (active >= load)
		next += LOADAVG_ONE - 1;
	return next >> LOADAVG_SHIFT;
}

void
loadavg_sample(struct loadavg *la, unsigned n)
{
	unsigned long active = (unsigned long)n << LOADAVG_SHIFT;

	for (int i = 0; i < 3; i++)
		la->avg[i] = decay(la->avg[i], loadavg_exp[i], active);
}

/* Hundredths are rounded to nearest, so 0.995 and up shows as the next whole. */
void
loadavg_split(unsigned long avg, unsigned long *whole, unsigned long *hundredths)
{
	unsigned long h = (avg * 100 + LOADAVG_ONE / 2) >> LOADAVG_SHIFT;

	*whole = h / 100;
	*hundredths = h % 100;
}
