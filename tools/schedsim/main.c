// SPDX-License-Identifier: MIT
/*
 * schedsim: compare CPU scheduling policies on workloads, by simulation.
 *
 *   schedsim                    the whole report (docs/scheduling.md has it)
 *   schedsim SECTION...         only some of: worked tables mm1 mlfq inversion
 *   schedsim --seed N ...       another seed for the random traces
 *   schedsim --check            the assertions `make check` runs, as
 *                               PASS/FAIL lines
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"
#include "scenarios.h"
#include "checks.h"

static uint64_t seed_offset;

static void
print_worked(void)
{
	double w[WORKED_NPOL];

	section_worked(true, w);
}

static void
print_tables(void)
{
	struct trace *tr[] = {
		trace_batch(), trace_cpu(), trace_io(IO_SEED + seed_offset),
		trace_mix(MIX_SEED + seed_offset),
		trace_poisson(20000, 12.5, 10, POISSON_SEED + seed_offset),
	};
	struct summary m[16];

	printf("\n== Policies on each trace (times in ms; p95 = 95th percentile over jobs)\n");
	for (unsigned i = 0; i < ARRAY_SIZE(tr); i++) {
		section_table(tr[i], true, m, (int)ARRAY_SIZE(m));
		trace_free(tr[i]);
	}
	printf("\n(poisson: 20000 jobs, mean gap 12.5 ms, mean service 10 ms: rho = 0.8)\n");
}

static void
print_mm1(void)
{
	struct mm1_result r;

	printf("\n== Queueing theory: M/M/1 against the simulator\n");
	section_mm1(true, MM1_JOBS, 0.5, POISSON_SEED + seed_offset, &r);
	section_mm1(true, MM1_JOBS, 0.7, POISSON_SEED + 1 + seed_offset, &r);
}

static void
print_mlfq(void)
{
	struct mlfq_levels lv;

	printf("\n== Keel's MLFQ: demotion, gaming, starvation\n");
	section_mlfq_levels(true, &lv);
	printf("\n  Gaming the quantum (trace gamer):\n");
	gamer_share(&pol_keel, true);
	gamer_share(&pol_keel_naive, true);
	printf("\n  Starvation (trace stream):\n");
	stream_hog_gap(&pol_keel, true);
	stream_hog_gap(&pol_keel_noboost, true);
}

static void
print_inversion(void)
{
	static const int ks[] = { 1, 2, 4, 8 };
	double without[4], with[4];

	section_inversion(true, 4, ks, without, with);
}

static const struct {
	const char *name;
	void (*fn)(void);
} sections[] = {
	{ "worked", print_worked },
	{ "tables", print_tables },
	{ "mm1", print_mm1 },
	{ "mlfq", print_mlfq },
	{ "inversion", print_inversion },
};

static void
usage(void)
{
	fprintf(stderr, "usage: schedsim [--seed N] [--check] [worked|tables|mm1|mlfq|inversion]...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	bool any = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			seed_offset = strtoull(argv[++i], NULL, 0);
			continue;
		}
		if (strcmp(argv[i], "--check") == 0)
			return checks_run() ? 0 : 1;
		unsigned k;

		for (k = 0; k < ARRAY_SIZE(sections); k++)
			if (strcmp(argv[i], sections[k].name) == 0)
				break;
		if (k == ARRAY_SIZE(sections))
			usage();
		sections[k].fn();
		any = true;
	}
	if (!any)
		for (unsigned k = 0; k < ARRAY_SIZE(sections); k++)
			sections[k].fn();
	return 0;
}
