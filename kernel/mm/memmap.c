// SPDX-License-Identifier: MIT
/*
 * Memory-map normalization by sweeping boundaries.
 *
 * Collect every range's start and end as boundaries, sort them, and for each
 * elementary interval between two neighbouring boundaries take the most
 * restrictive type among the ranges covering it.  Neighbouring intervals of
 * the same type merge.  O(n^2) in the number of entries, which is small.
 */
#include "mm/memmap.h"

static int
rank(uint32_t type)
{
	switch (type) {
	case MEM_USABLE: return 1;
	case MEM_ACPI_RECLAIM: return 2;
	case MEM_ACPI_NVS: return 3;
	case MEM_BAD: return 5;
	default: return 4;   /* reserved and unknown types */
	}
}

static void
sort_u64(uint64_t *a, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t v = a[i];
		unsigned j = i;
		for (; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

/* Type covering [lo, hi), or 0 if nothing does. */
static uint32_t
covering_type(const struct mem_range *r, unsigned n, uint64_t lo, uint64_t hi)
{
	uint32_t best = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t end = r[i].base + r[i].len;
		if (r[i].base <= lo && end >= hi && (best == 0 || rank(r[i].type) > rank(best)))
			best = r[i].type;
	}
	return best;
}

unsigned
memmap_normalize(struct mem_range *r, unsigned n, unsigned cap)
{
	uint64_t bounds[2 * BOOT_MAX_MMAP];
	struct mem_range in[BOOT_MAX_MMAP], *last = NULL;
	unsigned nb = 0, nin = 0, out = 0;

	for (unsigned i = 0; i < n && nin < BOOT_MAX_MMAP; i++) {
		if (r[i].len == 0 || r[i].base + r[i].len < r[i].base)
			continue;   /* empty or wrapping entries are dropped */
		in[nin++] = r[i];
		bounds[nb++] = r[i].base;
		bounds[nb++] = r[i].base + r[i].len;
	}
	sort_u64(bounds, nb);
	for (unsigned i = 0; i + 1 < nb; i++) {
		uint64_t lo = bounds[i], hi = bounds[i + 1];
		uint32_t t;

		if (lo == hi || (t = covering_type(in, nin, lo, hi)) == 0)
			continue;
		if (last && last->type == t && last->base + last->len == lo) {
			last->len += hi - lo;
			continue;
		}
		if (out == cap)
			break;
		r[out] = (struct mem_range){ lo, hi - lo, t };
		last = &r[out++];
	}
	return out;
}

uint64_t
memmap_total(const struct mem_range *r, unsigned n, uint32_t type)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < n; i++)
		if (r[i].type == type)
			t += r[i].len;
	return t;
}
