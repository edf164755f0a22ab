/* SPDX-License-Identifier: MIT */
/*
 * The physical frame allocator: a buddy allocator (mm/buddy.c) over every
 * usable frame of the machine, behind one lock.  Before it exists, early
 * boot takes pages from a simple bump allocator.
 */
#pragma once

#include "lib/compiler.h"
#include "mm/page.h"

struct boot_info;

/* Normalize the memory map, reserve what is in use, start the bump allocator. */
void pmm_early_init(struct boot_info *bi);
/* One zeroed page before pmm_init(); 0 when memory below 4 GiB runs out. */
paddr_t pmm_early_alloc(void);
/* Build the frame array and hand every free frame to the buddy allocator. */
void pmm_init(void);

/* A 2^order block of frames, or 0 when there is none. */
paddr_t pmm_alloc(unsigned order) __must_check;
paddr_t pmm_alloc_zeroed(unsigned order) __must_check;
void pmm_free(paddr_t pa, unsigned order);

/* Give back frames reserved at boot for [start, end) (a boot module that has been used). */
void pmm_release_boot_range(paddr_t start, paddr_t end);

struct page *pa_to_page(paddr_t pa);
paddr_t page_to_pa(const struct page *p);
/* Reference counts for shared frames (COW, page cache). */
void page_get(struct page *p);
/* Drops a reference; frees the frame (order 0) when it was the last. */
void page_put(struct page *p);

struct pmm_stats {
	uint64_t total_pages;    /* usable frames managed */
	uint64_t free_pages;
	uint64_t reserved_pages;
	uint64_t max_pfn;
};
void pmm_stats(struct pmm_stats *st);
uint64_t pmm_free_pages(void);
/* Highest physical address of any memory (for the direct map). */
uint64_t pmm_phys_end(void);
