/* SPDX-License-Identifier: MIT */
/*
 * The policy laboratory: Keel's page-replacement policies (the kernel's own
 * files, kernel/mm/reclaim/) run on the host over synthetic page-reference
 * traces, beside OPT, which needs to know the future and so exists only
 * here.  trace.c makes the traces, sim.c replays them, main.c prints the
 * table and check.c asserts what the literature says should hold.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mm/reclaim.h"

/* A trace: page numbers 0 .. universe-1, in reference order. */
struct trace {
	char name[32];
	uint32_t *refs;
	size_t n;
	uint32_t universe;
	/*
	 * Optional: refs[i] counts towards the "measured" hit ratio when
	 * measure[i] is set (the hot-set references after a scan).
	 */
	uint8_t *measure;
};

/* A small seeded generator (splitmix64), the same on every host. */
struct lab_rng {
	uint64_t s;
};
uint64_t lab_rand(struct lab_rng *g);
/* Uniform in [0, n). */
uint32_t lab_below(struct lab_rng *g, uint32_t n);

void trace_free(struct trace *t);
/* Cyclic references over `pages` pages, `rounds` times. */
void trace_loop(struct trace *t, uint32_t pages, uint32_t rounds);
/* One pass over `pages` pages never seen again. */
void trace_scan(struct trace *t, uint32_t pages);
/* Zipf-distributed references over `pages` pages with exponent alpha. */
void trace_zipf(struct trace *t, uint32_t pages, double alpha, size_t n, uint64_t seed);
/*
 * A hot set of `hot` pages, referenced at random, mixed with one-time scans:
 * every reference is a scan page with probability scan_pct percent.
 */
void trace_mixed(struct trace *t, uint32_t hot, unsigned scan_pct, size_t n, uint64_t seed);
/*
 * A hot set of `hot` pages, and new pages each referenced twice in a row
 * and never again (new_pct percent of the steps).
 */
void trace_corr(struct trace *t, uint32_t hot, unsigned new_pct, size_t n, uint64_t seed);
/*
 * Warm a hot set of `hot` pages, then scan `scan` new pages once, then use
 * the hot set again; the references after the scan are `measure`d.
 */
void trace_scanflush(struct trace *t, uint32_t hot, uint32_t scan, uint64_t seed);
/* Read page numbers, one a line; -1 if the file cannot be read. */
int trace_read(struct trace *t, const char *path);
/* 1 2 3 4 1 2 5 1 2 3 4 5: FIFO faults more with 4 frames than with 3. */
void trace_belady(struct trace *t);

struct sim_result {
	uint64_t refs, hits;
	uint64_t measured, measured_hits;
	const char *error;   /* NULL, or the first broken rule */
};

struct sim_opts {
	size_t check_every;   /* run reclaim_check() every N references; 0: never */
	unsigned pin_pct;     /* pin a page at each reference with this % chance */
	uint64_t seed;
};

/* The caller-given allocator the policies get here: malloc and free. */
void *lab_alloc(size_t size, void *arg);
void lab_free(void *p, void *arg);

/* Replay t through a Keel policy with c frames. */
void sim_run(const struct reclaim_policy *pol, const struct trace *t, size_t c,
	     const struct sim_opts *o, struct sim_result *res);
/* Belady's OPT: evict the page whose next use is furthest away. */
void sim_opt(const struct trace *t, size_t c, struct sim_result *res);

static inline double
sim_ratio(uint64_t hits, uint64_t refs)
{
	return refs ? (double)hits / (double)refs : 0.0;
}

/*
 * The standard experiment: each row is one trace at several cache sizes,
 * with OPT's result and each policy's.
 */
#define LAB_MAX_SIZES    4
#define LAB_MAX_POLICIES 8
#define LAB_MAX_ROWS     8

struct lab_row {
	struct trace trace;
	size_t sizes[LAB_MAX_SIZES];
	size_t nsizes;
	struct sim_result opt[LAB_MAX_SIZES];
	struct sim_result res[LAB_MAX_SIZES][LAB_MAX_POLICIES];
};

/* grid.c: build the standard traces, replay them all, and free them. */
size_t lab_grid_run(struct lab_row *rows, uint64_t seed);
/* Replay one row's trace at its sizes, for every policy and OPT. */
void lab_row_run(struct lab_row *row, uint64_t seed);
void lab_grid_free(struct lab_row *rows, size_t n);

/* The policies the table compares, in its column order (OPT apart). */
extern const struct reclaim_policy *const lab_policies[];
extern const size_t lab_npolicies;

/* grid.c: the table of hit ratios. */
void lab_table(FILE *out, const struct lab_row *rows, size_t n, bool faults);
/* check.c: every assertion, one "PASS x" / "FAIL x" line each; returns failures. */
int lab_check(FILE *out, const struct lab_row *rows, size_t n, uint64_t seed);
