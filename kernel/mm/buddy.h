/* SPDX-License-Identifier: MIT */
/*
 * The buddy allocator's logic, free of locks and hardware, so the host tests
 * run it under sanitizers.  mm/pmm.c wraps it with a lock and the machine's
 * memory map.
 */
#pragma once

#include "mm/page.h"

struct buddy_zone {
	uint64_t base_pfn;                 /* pfn of pages[0] */
	uint64_t npages;
	struct page *pages;
	struct list_node free[MAX_ORDER + 1];
	uint64_t nfree[MAX_ORDER + 1];     /* blocks on each list */
	uint64_t free_pages;
};

/* All pages start reserved; buddy_free_range() makes frames allocatable. */
void buddy_init(struct buddy_zone *z, struct page *pages, uint64_t base_pfn,
		uint64_t npages);
void buddy_free_range(struct buddy_zone *z, uint64_t pfn, uint64_t count);
/* Returns the first pfn of a 2^order block, or -1 when none is free. */
int64_t buddy_alloc(struct buddy_zone *z, unsigned order);
void buddy_free(struct buddy_zone *z, uint64_t pfn, unsigned order);
/* Consistency check for tests: counts agree with the lists. */
bool buddy_check(const struct buddy_zone *z);

static inline struct page *
buddy_page(const struct buddy_zone *z, uint64_t pfn)
{
	return &z->pages[pfn - z->base_pfn];
}
