/* SPDX-License-Identifier: MIT */
/*
 * x86-64 page-table primitives: 4 levels (PML4, PDPT, PD, PT) of 512 8-byte
 * entries, each level indexed by 9 bits of the virtual address.
 *
 *   63    48 47   39 38   30 29   21 20   12 11        0
 *   [ sign ][ PML4 ][ PDPT ][  PD  ][  PT  ][  offset  ]
 *
 * A table page is found through the direct map.  Page-table pages come from
 * a callback, so these primitives never call the frame allocator by name.
 */
#pragma once

#include "lib/compiler.h"

typedef uint64_t pte_t;

#define PTE_P     (1ull << 0)    /* present */
#define PTE_W     (1ull << 1)    /* writable */
#define PTE_U     (1ull << 2)    /* user accessible */
#define PTE_PWT   (1ull << 3)    /* write-through */
#define PTE_PCD   (1ull << 4)    /* cache disabled */
#define PTE_A     (1ull << 5)    /* accessed (referenced) */
#define PTE_D     (1ull << 6)    /* dirty */
#define PTE_PS    (1ull << 7)    /* large page (PD, PDPT levels) */
#define PTE_G     (1ull << 8)    /* global: survives a %cr3 switch */
#define PTE_SW0   (1ull << 9)    /* free for the OS: Keel marks COW here */
#define PTE_SW1   (1ull << 10)
#define PTE_SW2   (1ull << 11)
#define PTE_NX    (1ull << 63)   /* no execute */
#define PTE_ADDR  0x000FFFFFFFFFF000ull

#define PT_ENTRIES 512
#define PT_INDEX(va, level) (((va) >> (12 + 9 * (level))) & 0x1FF)

#define FIXMAP_BASE  0xFFFFFFFFFFE00000ull
#define FIXMAP_SLOTS 512

/* Allocates one zeroed page-table page; returns its physical address or 0. */
typedef paddr_t (*pt_alloc_fn)(void);

/*
 * Find the level-0 PTE for va under the PML4 at pml4_pa.  With alloc, missing
 * tables are created (intermediate entries get P|W|U, so the leaf alone
 * decides the access).  Returns NULL when a table is missing and alloc is
 * NULL or fails, or when a large page covers va.
 */
pte_t *paging_walk(paddr_t pml4_pa, vaddr_t va, pt_alloc_fn alloc);
/* Map one 2 MiB page (used for the direct map). */
int paging_map_large(paddr_t pml4_pa, vaddr_t va, paddr_t pa, uint64_t flags,
		     pt_alloc_fn alloc);

/*
 * Visit every present leaf PTE of [start, end) under pml4, skipping absent
 * tables whole, so a sparse terabyte costs only the tables that exist.
 */
typedef void (*pte_visit_fn)(pte_t *pte, vaddr_t va, void *arg);
void paging_visit_range(paddr_t pml4_pa, vaddr_t start, vaddr_t end,
			pte_visit_fn fn, void *arg);
/* The same for every non-zero leaf PTE: not-present ones hold swap entries. */
void paging_visit_entries(paddr_t pml4_pa, vaddr_t start, vaddr_t end,
			  pte_visit_fn fn, void *arg);
/* Free the page-table pages of the user half (PML4 slots 0-255). */
void paging_free_user_tables(paddr_t pml4_pa, void (*free_pt)(paddr_t));

void paging_flush_page(vaddr_t va);
void paging_flush_all(void);
void paging_switch_root(paddr_t pml4_pa);
/* Turn on NX, write protection in ring 0, global pages, and PCIDs if chosen. */
void paging_cpu_init(void);

/*
 * Fixed mappings for arch's own device registers (local APIC, I/O APIC,
 * HPET), which must work before the kernel's range allocator exists.  The
 * table that backs them is static.  Maps uncached; returns the address.
 */
void *fixmap_map(paddr_t pa, size_t len);
/* Install the fixmap table into a new kernel PML4. */
void fixmap_install(paddr_t pml4_pa, pt_alloc_fn alloc);
