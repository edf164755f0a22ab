// SPDX-License-Identifier: MIT
/*
 * The standard experiment: which traces, at which cache sizes, and the
 * table printed from their results.  The table and the checks read the
 * same grid, so the numbers in docs/reclaim.md are the ones asserted on.
 */
#include <stdio.h>
#include <string.h>

#include "lab.h"

const struct reclaim_policy *const lab_policies[] = {
	&reclaim_fifo, &reclaim_lru, &reclaim_clock, &reclaim_arc, &reclaim_car, &reclaim_cart,
};
const size_t lab_npolicies = sizeof(lab_policies) / sizeof(lab_policies[0]);

static void
grid_sizes(struct lab_row *row, size_t a, size_t b, size_t c, size_t d)
{
	size_t s[4] = { a, b, c, d };

	row->nsizes = 0;
	for (int i = 0; i < 4; i++)
		if (s[i])
			row->sizes[row->nsizes++] = s[i];
}

static size_t
grid_build(struct lab_row *rows, uint64_t seed)
{
	size_t n = 0;

	memset(rows, 0, LAB_MAX_ROWS * sizeof(*rows));
	trace_loop(&rows[n].trace, 384, 40);
	grid_sizes(&rows[n++], 64, 128, 256, 512);
	trace_scan(&rows[n].trace, 20000);
	grid_sizes(&rows[n++], 64, 128, 256, 512);
	trace_zipf(&rows[n].trace, 4096, 0.9, 200000, seed);
	grid_sizes(&rows[n++], 64, 128, 256, 512);
	trace_mixed(&rows[n].trace, 100, 30, 200000, seed + 1);
	grid_sizes(&rows[n++], 64, 128, 256, 512);
	trace_corr(&rows[n].trace, 200, 30, 200000, seed + 3);
	grid_sizes(&rows[n++], 64, 128, 256, 512);
	trace_scanflush(&rows[n].trace, 100, 8192, seed + 2);
	grid_sizes(&rows[n++], 64, 128, 256, 512);
	trace_belady(&rows[n].trace);
	grid_sizes(&rows[n++], 3, 4, 0, 0);
	return n;
}

void
lab_row_run(struct lab_row *row, uint64_t seed)
{
	struct sim_opts o = { .seed = seed };

	for (size_t s = 0; s < row->nsizes; s++) {
		sim_opt(&row->trace, row->sizes[s], &row->opt[s]);
		for (size_t p = 0; p < lab_npolicies; p++)
			sim_run(lab_policies[p], &row->trace, row->sizes[s], &o, &row->res[s][p]);
	}
}

size_t
lab_grid_run(struct lab_row *rows, uint64_t seed)
{
	size_t n = grid_build(rows, seed);

	for (size_t r = 0; r < n; r++)
		lab_row_run(&rows[r], seed);
	return n;
}

void
lab_grid_free(struct lab_row *rows, size_t n)
{
	for (size_t r = 0; r < n; r++)
		trace_free(&rows[r].trace);
}

enum table_mode { SHOW_RATIO, SHOW_MEASURED, SHOW_FAULTS };

/* One value per column, OPT third as in the textbooks' tables. */
static void
table_line(FILE *out, const struct lab_row *row, size_t s, enum table_mode mode)
{
	const struct sim_result *opt = &row->opt[s];

	fprintf(out, "%-14s %5zu", row->trace.name, row->sizes[s]);
	for (size_t p = 0; p <= lab_npolicies; p++) {
		const struct sim_result *x = p == 2 ? opt : &row->res[s][p < 2 ? p : p - 1];

		if (mode == SHOW_FAULTS)
			fprintf(out, " %7llu", (unsigned long long)(x->refs - x->hits));
		else if (mode == SHOW_MEASURED)
			fprintf(out, " %6.2f%%", 100 * sim_ratio(x->measured_hits, x->measured));
		else
			fprintf(out, " %6.2f%%", 100 * sim_ratio(x->hits, x->refs));
	}
	fprintf(out, "\n");
}

static void
table_head(FILE *out, const char *title)
{
	fprintf(out, "\n%s\n%-14s %5s", title, "trace", "c");
	for (size_t p = 0; p <= lab_npolicies; p++)
		fprintf(out, " %7s", p == 2 ? "OPT" : lab_policies[p < 2 ? p : p - 1]->name);
	fprintf(out, "\n");
}

static bool
is_belady(const struct lab_row *row)
{
	return strcmp(row->trace.name, "belady") == 0;
}

void
lab_table(FILE *out, const struct lab_row *rows, size_t n, bool faults)
{
	table_head(out, faults ? "Page faults (cold misses included)" :
		   "Hit ratio (every reference, cold misses included)");
	for (size_t r = 0; r < n; r++)
		for (size_t s = 0; s < rows[r].nsizes && (faults || !is_belady(&rows[r])); s++)
			table_line(out, &rows[r], s, faults ? SHOW_FAULTS : SHOW_RATIO);
	if (faults)
		return;
	for (size_t r = 0; r < n; r++) {
		if (!rows[r].trace.measure)
			continue;
		table_head(out, "Hot-set hit ratio after the one-time scan");
		for (size_t s = 0; s < rows[r].nsizes; s++)
			table_line(out, &rows[r], s, SHOW_MEASURED);
	}
	for (size_t r = 0; r < n; r++) {
		if (!is_belady(&rows[r]))
			continue;
		table_head(out, "Page faults on 1 2 3 4 1 2 5 1 2 3 4 5 (Belady's anomaly)");
		for (size_t s = 0; s < rows[r].nsizes; s++)
			table_line(out, &rows[r], s, SHOW_FAULTS);
	}
}
