// SPDX-License-Identifier: MIT
/*
 * Parallel CPU work: does the scheduler use the second CPU?  Two processes
 * each compute the same fixed amount, with no system call in the loop.
 * First both are pinned to one CPU (the single-CPU time: they take turns),
 * then they are free to run anywhere.  With two CPUs and a scheduler that
 * spreads them, the second run takes half as long as the first:
 *
 *	cpu_2proc_1cpu   ms   both processes on one CPU, start to both reaped
 *	cpu_2proc_free   ms   the same, free to spread
 *	cpu_parallel_2p  x    free over pinned: 0.5 is perfect, 1.0 no gain
 *
 * Each is the best of osb.reps rounds.  A machine with one CPU gets skips.
 */
#define _GNU_SOURCE
#include "osbench.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile uint64_t osb_sink;

/* About 0.1 s of host time per call at full size under TCG. */
static void
osb_compute(size_t steps)
{
	uint64_t x = 88172645463325252ull;

	for (size_t i = 0; i < steps; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	osb_sink = x;
}

/* Fork two workers, reap both.  => seconds from the first fork, or -1. */
static double
osb_two_workers(size_t steps)
{
	pid_t pid[2];
	double t0 = osb_now();

	for (int i = 0; i < 2; i++) {
		if ((pid[i] = fork()) < 0)
			return osb_fail("fork");
		if (pid[i] == 0) {
			osb_compute(steps);
			_exit(0);
		}
	}
	for (int i = 0; i < 2; i++)
		if (osb_reap(pid[i], "worker") < 0)
			return -1;
	return osb_now() - t0;
}

/* The best of osb.reps rounds under the CPU mask @mask.  => seconds, or -1. */
static double
osb_best_round(const cpu_set_t *mask, size_t steps)
{
	double best = -1;

	if (sched_setaffinity(0, sizeof(*mask), mask) < 0)
		return osb_fail("sched_setaffinity");
	for (int r = 0; r < osb.reps; r++) {
		double t = osb_two_workers(steps);

		if (t < 0)
			return -1;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

void
osb_run_cpu(void)
{
	static const char *const names[] = { "cpu_2proc_1cpu", "cpu_2proc_free", "cpu_parallel_2p" };
	size_t steps = osb_size(10000000, 300000);
	cpu_set_t all, one;
	double pinned, free;

	if (osb_filtered("cpu_"))
		return;
	if (sched_getaffinity(0, sizeof(all), &all) < 0) {
		for (int i = 0; i < 3; i++)
			osb_error(names[i], "sched_getaffinity: %s", strerror(errno));
		return;
	}
	if (CPU_COUNT(&all) < 2) {
		for (int i = 0; i < 3; i++)
			osb_skip(names[i], "one CPU: nothing to run in parallel");
		return;
	}
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &all)) {
			CPU_SET(c, &one);
			break;
		}
	pinned = osb_best_round(&one, steps);
	free = pinned < 0 ? -1 : osb_best_round(&all, steps);
	if (sched_setaffinity(0, sizeof(all), &all) < 0 && free >= 0)
		free = osb_fail("restoring the CPU mask");
	if (pinned < 0 || free < 0) {
		osb_error_why(names[0]);
		osb_error(names[1], "not measured: %s failed", names[0]);
		osb_error(names[2], "not measured: %s failed", names[0]);
		return;
	}
	osb_metric(names[0], pinned * 1e3, "ms");
	osb_metric(names[1], free * 1e3, "ms");
	osb_metric(names[2], free / pinned, "x");
}
