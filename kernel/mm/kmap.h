/* SPDX-License-Identifier: MIT */
/*
 * The kernel's half of every address space: the direct map of physical
 * memory, the kernel image with per-section permissions, the fixmap, and
 * kernel virtual ranges for stacks and device registers.
 */
#pragma once

#include "lib/compiler.h"

/* Build the kernel page tables and switch to them (uses early pages). */
void kmap_init(void);
/* Physical address of the kernel PML4; user address spaces copy its top half. */
paddr_t kmap_root(void);

/* Kernel virtual ranges (mm/kva.c). */
void *kva_alloc(size_t pages) __must_check;
/* Page-table pages made for the KVA window so far (they are kept). */
uint64_t kva_page_table_pages(void);
void kva_free(void *va, size_t pages);
/* Map device registers uncached; returns the virtual address or NULL. */
void *kva_map_phys(paddr_t pa, size_t len);
void kva_unmap(void *va, size_t len);

/*
 * Kernel stacks: KSTACK_SIZE bytes of mapped memory with an unmapped guard
 * page below, so an overflow faults instead of corrupting the neighbour.
 * Returns the lowest usable address, or NULL.
 */
void *kstack_alloc(void);
void kstack_free(void *base);
/* True if va lies in a kernel stack's guard page (for the fault message). */
bool kstack_is_guard(uint64_t va);
