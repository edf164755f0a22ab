// SPDX-License-Identifier: MIT
/*
 * The laboratory's assertions: what the literature says must or should
 * hold, checked on the standard grid and on a few extra runs.
 *
 *   opt_bound        OPT is optimal: no policy has more hits, on any trace
 *                    at any size.
 *   belady           FIFO faults more with 4 frames than with 3 on the
 *                    classic sequence; LRU and OPT do not.
 *   stack            LRU and OPT are stack algorithms: more frames never
 *                    mean fewer hits, on every trace.
 *   loop             LRU, FIFO and clock hit nothing on a loop larger than
 *                    the cache.
 *   mixed            ARC, CAR and CART beat LRU on a hot set mixed with
 *                    scans, once the hot set fits (the papers' claim).
 *   scan_resistance  after one long scan the hot set still hits with ARC,
 *                    CAR and CART, while LRU has lost it.
 *   temporal_filter  CART beats CAR and LRU when pages are referenced twice
 *                    in a row and then never again (correlated references).
 *   pinned           no policy ever picks a pinned page, and with every
 *                    page pinned there is no victim.
 *   invariants       each policy's own invariants (list sizes against c,
 *                    targets within range) hold after every reference.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

static int failures;

static void __attribute__((format(printf, 4, 5)))
report(FILE *out, bool ok, const char *detail, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%s policylab/", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	if (!ok && detail)
		fprintf(out, " (%s)", detail);
	fprintf(out, "\n");
	failures += !ok;
}

static const struct lab_row *
find_row(const struct lab_row *rows, size_t n, const char *prefix)
{
	for (size_t r = 0; r < n; r++)
		if (strncmp(rows[r].trace.name, prefix, strlen(prefix)) == 0)
			return &rows[r];
	return NULL;
}

static size_t
policy_index(const char *name)
{
	for (size_t p = 0; p < lab_npolicies; p++)
		if (strcmp(lab_policies[p]->name, name) == 0)
			return p;
	fprintf(stderr, "policylab: no policy %s\n", name);
	exit(2);
}

static uint64_t
faults(const struct sim_result *x)
{
	return x->refs - x->hits;
}

static void
check_opt_bound(FILE *out, const struct lab_row *row)
{
	for (size_t s = 0; s < row->nsizes; s++) {
		char detail[160] = "";
		bool ok = row->opt[s].error == NULL;

		for (size_t p = 0; p < lab_npolicies; p++) {
			const struct sim_result *x = &row->res[s][p];

			if (x->error || x->hits > row->opt[s].hits) {
				snprintf(detail, sizeof(detail), "%s: %s", lab_policies[p]->name,
					 x->error ? x->error : "more hits than OPT");
				ok = false;
			}
		}
		report(out, ok, detail, "opt_bound/%s/c%zu", row->trace.name, row->sizes[s]);
	}
}

static void
check_belady(FILE *out, const struct lab_row *row)
{
	size_t fifo = policy_index("fifo"), lru = policy_index("lru");
	char d[96];

	snprintf(d, sizeof(d), "3 frames: %llu faults, 4 frames: %llu",
		 (unsigned long long)faults(&row->res[0][fifo]),
		 (unsigned long long)faults(&row->res[1][fifo]));
	report(out, faults(&row->res[0][fifo]) == 9 && faults(&row->res[1][fifo]) == 10, d,
	       "belady/fifo_more_frames_more_faults");
	snprintf(d, sizeof(d), "3 frames: %llu faults, 4 frames: %llu",
		 (unsigned long long)faults(&row->res[0][lru]),
		 (unsigned long long)faults(&row->res[1][lru]));
	report(out, faults(&row->res[0][lru]) == 10 && faults(&row->res[1][lru]) == 8, d,
	       "belady/lru_no_anomaly");
	snprintf(d, sizeof(d), "3 frames: %llu faults, 4 frames: %llu",
		 (unsigned long long)faults(&row->opt[0]),
		 (unsigned long long)faults(&row->opt[1]));
	report(out, faults(&row->opt[0]) == 7 && faults(&row->opt[1]) == 6, d,
	       "belady/opt_no_anomaly");
}

/* Sizes grow along a row, so hits must not shrink for LRU and OPT. */
static void
check_stack(FILE *out, const struct lab_row *row)
{
	size_t lru = policy_index("lru");
	bool ok = true;

	for (size_t s = 1; s < row->nsizes; s++) {
		ok &= row->res[s][lru].hits >= row->res[s - 1][lru].hits;
		ok &= row->opt[s].hits >= row->opt[s - 1].hits;
	}
	report(out, ok, "fewer hits with more frames", "stack/lru_opt/%s", row->trace.name);
}

static void
check_loop(FILE *out, const struct lab_row *row, uint32_t pages)
{
	const char *names[] = { "lru", "fifo", "clock" };

	for (size_t s = 0; s < row->nsizes; s++) {
		if (row->sizes[s] >= pages)
			continue;
		for (size_t i = 0; i < 3; i++) {
			const struct sim_result *x = &row->res[s][policy_index(names[i])];

			report(out, x->hits == 0, "hits on a loop larger than the cache",
			       "loop/%s_no_hits/c%zu", names[i], row->sizes[s]);
		}
	}
}

static const char *const adaptive[] = { "arc", "car", "cart" };

/*
 * Never worse than LRU, and strictly better wherever LRU leaves more than
 * one point of hit ratio on the table (OPT - LRU > 1%).
 */
static void
check_mixed(FILE *out, const struct lab_row *row)
{
	size_t lru = policy_index("lru");
	char d[96];

	for (size_t s = 0; s < row->nsizes; s++) {
		const struct sim_result *l = &row->res[s][lru];
		bool room = (row->opt[s].hits - l->hits) * 100 > l->refs;

		for (size_t i = 0; i < 3; i++) {
			const struct sim_result *x = &row->res[s][policy_index(adaptive[i])];

			snprintf(d, sizeof(d), "%s %.2f%% vs lru %.2f%%", adaptive[i],
				 100 * sim_ratio(x->hits, x->refs),
				 100 * sim_ratio(l->hits, l->refs));
			report(out, room ? x->hits > l->hits : x->hits >= l->hits, d,
			       "mixed/%s_%s_lru/c%zu", adaptive[i], room ? "beats" : "matches",
			       row->sizes[s]);
		}
	}
}

/* After the scan, the hot set should hit; with LRU it must fault back in. */
static void
check_scan_resistance(FILE *out, const struct lab_row *row, size_t hot)
{
	size_t lru = policy_index("lru");
	char d[96];

	for (size_t s = 0; s < row->nsizes; s++) {
		const struct sim_result *l = &row->res[s][lru];
		double lr = sim_ratio(l->measured_hits, l->measured);

		if (row->sizes[s] < hot + hot / 4)
			continue;
		snprintf(d, sizeof(d), "lru %.2f%%", 100 * lr);
		report(out, lr < 0.8, d, "scan_resistance/lru_is_flushed/c%zu", row->sizes[s]);
		for (size_t i = 0; i < 3; i++) {
			const struct sim_result *x = &row->res[s][policy_index(adaptive[i])];
			double xr = sim_ratio(x->measured_hits, x->measured);

			snprintf(d, sizeof(d), "%s %.2f%% vs lru %.2f%%", adaptive[i], 100 * xr,
				 100 * lr);
			report(out, xr >= 0.95 && xr > lr, d, "scan_resistance/%s/c%zu",
			       adaptive[i], row->sizes[s]);
		}
	}
}

/*
 * CART's claim over CAR: a page referenced twice in quick succession is
 * not thereby frequent.  Where the hot set fits, CART must beat CAR and
 * LRU on the correlated-reference trace.
 */
static void
check_temporal(FILE *out, const struct lab_row *row, size_t hot)
{
	size_t cart = policy_index("cart"), car = policy_index("car"), lru = policy_index("lru");
	char d[96];

	for (size_t s = 0; s < row->nsizes; s++) {
		const struct sim_result *x = &row->res[s][cart];

		if (row->sizes[s] < hot + hot / 4)
			continue;
		snprintf(d, sizeof(d), "cart %.2f%%, car %.2f%%, lru %.2f%%",
			 100 * sim_ratio(x->hits, x->refs),
			 100 * sim_ratio(row->res[s][car].hits, x->refs),
			 100 * sim_ratio(row->res[s][lru].hits, x->refs));
		report(out, x->hits > row->res[s][car].hits && x->hits > row->res[s][lru].hits, d,
		       "temporal_filter/cart_beats_car_and_lru/c%zu", row->sizes[s]);
	}
}

/* With every resident page pinned there is no victim; unpin one and it is. */
static const char *
check_all_pinned(const struct reclaim_policy *pol)
{
	struct reclaim_params prm = { .capacity = 8, .mem = { lab_alloc, lab_free, NULL } };
	struct reclaim_entry e[8];
	const char *why = NULL;
	struct reclaim r;

	if (reclaim_init(&r, pol, &prm))
		return "cannot set the policy up";
	for (int i = 0; i < 8; i++) {
		reclaim_entry_init(&e[i], 100 + (uint64_t)i);
		e[i].pinned = 1;
		if (reclaim_insert(&r, &e[i]))
			why = "insert failed";
		reclaim_access(&r, &e[i & 3]);
	}
	if (!why && reclaim_victim(&r, RECLAIM_KEY_NONE))
		why = "a victim although every page is pinned";
	e[5].pinned = 0;
	if (!why && reclaim_victim(&r, 999) != &e[5])
		why = "the one unpinned page was not chosen";
	if (!why)
		why = reclaim_check(&r);
	reclaim_destroy(&r);
	return why;
}

/* Random pinning while replaying Zipf: sim_run fails on a pinned victim. */
static void
check_pinned(FILE *out)
{
	struct sim_opts o = { .pin_pct = 5, .check_every = 1, .seed = 7 };
	struct trace t;

	trace_zipf(&t, 1024, 0.8, 30000, 11);
	for (size_t p = 0; p < lab_npolicies; p++) {
		struct sim_result res;
		const char *why;

		sim_run(lab_policies[p], &t, 64, &o, &res);
		report(out, !res.error, res.error, "pinned/%s/never_a_victim",
		       lab_policies[p]->name);
		why = check_all_pinned(lab_policies[p]);
		report(out, !why, why, "pinned/%s/all_pinned_no_victim", lab_policies[p]->name);
	}
	trace_free(&t);
}

/* Every invariant after every reference, on shorter traces and small caches. */
static void
check_invariants(FILE *out, uint64_t seed)
{
	static const size_t sizes[] = { 4, 32, 100 };
	struct sim_opts o = { .check_every = 1, .seed = seed };
	struct trace ts[5];

	trace_loop(&ts[0], 120, 40);
	trace_zipf(&ts[1], 2048, 0.8, 20000, seed);
	trace_mixed(&ts[2], 50, 40, 20000, seed + 1);
	trace_scanflush(&ts[3], 40, 1000, seed + 2);
	trace_corr(&ts[4], 50, 30, 20000, seed + 3);
	for (size_t p = 0; p < lab_npolicies; p++) {
		for (size_t i = 0; i < 5; i++) {
			const char *why = NULL;

			for (size_t s = 0; s < 3 && !why; s++) {
				struct sim_result res;

				sim_run(lab_policies[p], &ts[i], sizes[s], &o, &res);
				why = res.error;
			}
			report(out, !why, why, "invariants/%s/%s", lab_policies[p]->name,
			       ts[i].name);
		}
	}
	for (size_t i = 0; i < 5; i++)
		trace_free(&ts[i]);
}

int
lab_check(FILE *out, const struct lab_row *rows, size_t n, uint64_t seed)
{
	const struct lab_row *row;

	failures = 0;
	for (size_t r = 0; r < n; r++) {
		check_opt_bound(out, &rows[r]);
		check_stack(out, &rows[r]);
	}
	if ((row = find_row(rows, n, "belady")))
		check_belady(out, row);
	if ((row = find_row(rows, n, "loop-384")))
		check_loop(out, row, 384);
	if ((row = find_row(rows, n, "mixed-100")))
		check_mixed(out, row);
	if ((row = find_row(rows, n, "corr-200")))
		check_temporal(out, row, 200);
	if ((row = find_row(rows, n, "scanflush-100")))
		check_scan_resistance(out, row, 100);
	check_pinned(out);
	check_invariants(out, seed);
	return failures;
}
