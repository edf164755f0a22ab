// SPDX-License-Identifier: MIT
/*
 * Synthetic page-reference traces, each the textbook shape of one kind of
 * program behaviour: a loop over more pages than fit (LRU's worst case), a
 * scan that never comes back, skewed popularity (Zipf), a hot working set
 * disturbed by scans (where ARC and its descendants earn their keep), and
 * the twelve references of Belady's anomaly.  Every random choice comes
 * from a seeded generator, so a trace is the same on every run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

uint64_t
lab_rand(struct lab_rng *g)
{
	uint64_t z = (g->s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint32_t
lab_below(struct lab_rng *g, uint32_t n)
{
	return (uint32_t)(lab_rand(g) % n);
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "policylab: out of memory\n");
		exit(2);
	}
	return p;
}

static void
trace_alloc(struct trace *t, const char *name, size_t n, bool measured)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->refs = xcalloc(n, sizeof(*t->refs));
	t->n = n;
	if (measured)
		t->measure = xcalloc(n, 1);
}

/* Page numbers are given out in order of first use, so universe = max + 1. */
static void
trace_finish(struct trace *t)
{
	uint32_t max = 0;

	for (size_t i = 0; i < t->n; i++)
		max = t->refs[i] > max ? t->refs[i] : max;
	t->universe = t->n ? max + 1 : 0;
}

void
trace_free(struct trace *t)
{
	free(t->refs);
	free(t->measure);
	memset(t, 0, sizeof(*t));
}

void
trace_loop(struct trace *t, uint32_t pages, uint32_t rounds)
{
	char name[32];

	snprintf(name, sizeof(name), "loop-%u", pages);
	trace_alloc(t, name, (size_t)pages * rounds, false);
	for (size_t i = 0; i < t->n; i++)
		t->refs[i] = (uint32_t)(i % pages);
	trace_finish(t);
}

void
trace_scan(struct trace *t, uint32_t pages)
{
	trace_alloc(t, "scan", pages, false);
	for (size_t i = 0; i < t->n; i++)
		t->refs[i] = (uint32_t)i;
	trace_finish(t);
}

/*
 * P(rank k) is proportional to 1/k^alpha.  The cumulative distribution is
 * tabulated once and searched by bisection for each draw.
 */
void
trace_zipf(struct trace *t, uint32_t pages, double alpha, size_t n, uint64_t seed)
{
	double *cdf = xcalloc(pages, sizeof(*cdf));
	struct lab_rng g = { seed };
	double sum = 0;
	char name[32];

	for (uint32_t k = 0; k < pages; k++) {
		sum += 1.0 / pow((double)(k + 1), alpha);
		cdf[k] = sum;
	}
	snprintf(name, sizeof(name), "zipf-%u", pages);
	trace_alloc(t, name, n, false);
	for (size_t i = 0; i < n; i++) {
		double u = (double)(lab_rand(&g) >> 11) / 9007199254740992.0 * sum;
		uint32_t lo = 0, hi = pages - 1;

		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		t->refs[i] = lo;
	}
	free(cdf);
	trace_finish(t);
}

void
trace_mixed(struct trace *t, uint32_t hot, unsigned scan_pct, size_t n, uint64_t seed)
{
	struct lab_rng g = { seed };
	uint32_t next_scan = hot;   /* scan pages follow the hot set's numbers */
	char name[32];

	snprintf(name, sizeof(name), "mixed-%u", hot);
	trace_alloc(t, name, n, false);
	for (size_t i = 0; i < n; i++) {
		if (lab_below(&g, 100) < scan_pct)
			t->refs[i] = next_scan++;
		else
			t->refs[i] = lab_below(&g, hot);
	}
	trace_finish(t);
}

/*
 * Correlated references: the hot set again, but each newcomer is touched
 * twice in a row and never again, as when a program reads a page and at
 * once writes it back.  Two references, no lasting use.
 */
void
trace_corr(struct trace *t, uint32_t hot, unsigned new_pct, size_t n, uint64_t seed)
{
	struct lab_rng g = { seed };
	uint32_t next = hot;
	char name[32];

	snprintf(name, sizeof(name), "corr-%u", hot);
	trace_alloc(t, name, n, false);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && lab_below(&g, 100) < new_pct) {
			t->refs[i++] = next;
			t->refs[i] = next++;
		} else {
			t->refs[i] = lab_below(&g, hot);
		}
	}
	trace_finish(t);
}

void
trace_scanflush(struct trace *t, uint32_t hot, uint32_t scan, uint64_t seed)
{
	struct lab_rng g = { seed };
	size_t warm = (size_t)hot * 16, after = (size_t)hot * 2, i = 0;
	char name[32];

	snprintf(name, sizeof(name), "scanflush-%u", hot);
	trace_alloc(t, name, warm + scan + after, true);
	/* Warm: every hot page at least once, then at random. */
	for (; i < warm; i++)
		t->refs[i] = i < hot ? (uint32_t)i : lab_below(&g, hot);
	for (uint32_t k = 0; k < scan; k++, i++)
		t->refs[i] = hot + k;
	for (; i < t->n; i++) {
		t->refs[i] = lab_below(&g, hot);
		t->measure[i] = 1;
	}
	trace_finish(t);
}

void
trace_belady(struct trace *t)
{
	static const uint32_t seq[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };

	trace_alloc(t, "belady", sizeof(seq) / sizeof(seq[0]), false);
	memcpy(t->refs, seq, sizeof(seq));
	trace_finish(t);
}

/* A trace from a file: one page number per line ('#' starts a comment). */
int
trace_read(struct trace *t, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 4096;
	char line[128];
	const char *base = strrchr(path, '/');

	if (!f)
		return -1;
	trace_alloc(t, base ? base + 1 : path, cap, false);
	t->n = 0;
	while (fgets(line, sizeof(line), f)) {
		char *end;
		unsigned long v = strtoul(line, &end, 0);

		if (end == line || v >= UINT32_MAX)
			continue;
		if (t->n == cap) {
			uint32_t *more = realloc(t->refs, 2 * cap * sizeof(*t->refs));

			if (!more) {
				fclose(f);
				return -1;
			}
			t->refs = more;
			cap *= 2;
		}
		t->refs[t->n++] = (uint32_t)v;
	}
	fclose(f);
	trace_finish(t);
	return 0;
}
