// SPDX-License-Identifier: MIT
/*
 * policylab: run Keel's page-replacement policies on page-reference traces.
 *
 *     build/policylab                 the table of hit ratios on the
 *                                     standard synthetic traces
 *     build/policylab --check FILE    the assertions: one PASS/FAIL line
 *                                     each, appended to FILE ("-" for
 *                                     stdout); exit status 1 if any failed
 *     build/policylab --trace FILE --sizes 3,4 [--faults]
 *                                     your own trace (one page number per
 *                                     line) at the cache sizes given
 *     --seed N                        other random traces (default 1)
 *     --faults                        page faults instead of hit ratios
 *
 * The policies are the kernel's own files, compiled for the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

struct lab_args {
	const char *check, *trace, *sizes;
	uint64_t seed;
	bool faults;
};

static void
usage(void)
{
	fprintf(stderr, "usage: policylab [--seed N] [--faults] [--check FILE|-]\n"
			"       policylab --trace FILE --sizes C1,C2,... [--faults]\n");
	exit(2);
}

static void
parse_args(int argc, char **argv, struct lab_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--faults") == 0)
			a->faults = true;
		else if (!next)
			usage();
		else if (strcmp(argv[i], "--check") == 0)
			a->check = argv[++i];
		else if (strcmp(argv[i], "--trace") == 0)
			a->trace = argv[++i];
		else if (strcmp(argv[i], "--sizes") == 0)
			a->sizes = argv[++i];
		else if (strcmp(argv[i], "--seed") == 0)
			a->seed = strtoull(argv[++i], NULL, 0);
		else
			usage();
	}
	if (!a->trace != !a->sizes || (a->trace && a->check))
		usage();
}

/* One row from a trace file, at the sizes "a,b,c". */
static int
run_trace_file(const struct lab_args *a)
{
	static struct lab_row row;
	const char *s = a->sizes;

	if (trace_read(&row.trace, a->trace)) {
		perror(a->trace);
		return 2;
	}
	while (*s && row.nsizes < LAB_MAX_SIZES) {
		char *end;
		unsigned long c = strtoul(s, &end, 0);

		if (end == s || c == 0 || c > RECLAIM_MAX_CAPACITY)
			usage();
		row.sizes[row.nsizes++] = c;
		s = *end == ',' ? end + 1 : end;
	}
	lab_row_run(&row, a->seed);
	printf("policylab: %s, %zu references, %u pages\n", row.trace.name, row.trace.n,
	       row.trace.universe);
	lab_table(stdout, &row, 1, a->faults);
	lab_grid_free(&row, 1);
	return 0;
}

static int
run_check(const struct lab_args *a, const struct lab_row *rows, size_t n)
{
	FILE *out = strcmp(a->check, "-") == 0 ? stdout : fopen(a->check, "a");
	int failed;

	if (!out) {
		perror(a->check);
		return 2;
	}
	failed = lab_check(out, rows, n, a->seed);
	if (out != stdout)
		fclose(out);
	printf("policylab: %d assertion%s failed\n", failed, failed == 1 ? "" : "s");
	return failed ? 1 : 0;
}

int
main(int argc, char **argv)
{
	static struct lab_row rows[LAB_MAX_ROWS];
	struct lab_args a = { .seed = 1 };
	size_t n;
	int status = 0;

	parse_args(argc, argv, &a);
	if (a.trace)
		return run_trace_file(&a);
	n = lab_grid_run(rows, a.seed);
	if (a.check) {
		status = run_check(&a, rows, n);
	} else {
		printf("policylab: Keel's replacement policies on synthetic traces (seed %llu)\n",
		       (unsigned long long)a.seed);
		lab_table(stdout, rows, n, a.faults);
	}
	lab_grid_free(rows, n);
	return status;
}
