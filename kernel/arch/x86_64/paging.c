// SPDX-License-Identifier: MIT
/*
 * Page-table walking and TLB maintenance for x86-64.  See paging.h for the
 * address split.  The TLB caches translations; after changing a present entry
 * the kernel must invalidate it (invlpg for one page, a %cr3 reload for all
 * non-global entries), or the CPU keeps using the old one.
 */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/pcid.h"
#include "lib/string.h"

static inline pte_t *
table_va(paddr_t pa)
{
	return (pte_t *)(pa + DIRECT_MAP_BASE);
}

static pte_t fixmap_pt[PT_ENTRIES] __aligned(4096);
static unsigned fixmap_next;

pte_t *
paging_walk(paddr_t pml4_pa, vaddr_t va, pt_alloc_fn alloc)
{
	pte_t *table = table_va(pml4_pa);

	for (int level = 3; level > 0; level--) {
		pte_t *e = &table[PT_INDEX(va, level)];

		if (!(*e & PTE_P)) {
			paddr_t pt;
			if (!alloc || !(pt = alloc()))
				return NULL;
			*e = pt | PTE_P | PTE_W | PTE_U;
		} else if (*e & PTE_PS) {
			return NULL;
		}
		table = table_va(*e & PTE_ADDR);
	}
	return &table[PT_INDEX(va, 0)];
}

int
paging_map_large(paddr_t pml4_pa, vaddr_t va, paddr_t pa, uint64_t flags,
		 pt_alloc_fn alloc)
{
	pte_t *table = table_va(pml4_pa);

	for (int level = 3; level > 1; level--) {
		pte_t *e = &table[PT_INDEX(va, level)];

		if (!(*e & PTE_P)) {
			paddr_t pt = alloc ? alloc() : 0;
			if (!pt)
				return -1;
			*e = pt | PTE_P | PTE_W;
		}
		table = table_va(*e & PTE_ADDR);
	}
	table[PT_INDEX(va, 1)] = pa | flags | PTE_PS | PTE_P;
	return 0;
}

static void
visit_level(pte_t *table, int level, vaddr_t base, vaddr_t start, vaddr_t end,
	    pte_visit_fn fn, void *arg, bool all)
{
	uint64_t span = 1ull << (12 + 9 * level);

	for (int i = PT_INDEX(start, level); i < PT_ENTRIES; i++) {
		vaddr_t lo = base + (uint64_t)i * span, hi = lo + span;

		if (lo >= end)
			return;
		if ((level == 0 && all) ? !table[i] : !(table[i] & PTE_P))
			continue;
		if (level == 0) {
			fn(&table[i], lo, arg);
		} else if (!(table[i] & PTE_PS)) {
			visit_level(table_va(table[i] & PTE_ADDR), level - 1, lo,
				    MAX(start, lo), MIN(end, hi), fn, arg, all);
		}
	}
}

void
paging_visit_range(paddr_t pml4_pa, vaddr_t start, vaddr_t end, pte_visit_fn fn,
		   void *arg)
{
	if (start < end)
		visit_level(table_va(pml4_pa), 3, 0, start, end, fn, arg, false);
}

void
paging_visit_entries(paddr_t pml4_pa, vaddr_t start, vaddr_t end, pte_visit_fn fn,
		     void *arg)
{
	if (start < end)
		visit_level(table_va(pml4_pa), 3, 0, start, end, fn, arg, true);
}

static void
free_level(pte_t *table, int level, void (*free_pt)(paddr_t))
{
	for (int i = 0; i < PT_ENTRIES; i++) {
		if (!(table[i] & PTE_P) || (table[i] & PTE_PS))
			continue;
		if (level > 1)
			free_level(table_va(table[i] & PTE_ADDR), level - 1, free_pt);
		free_pt(table[i] & PTE_ADDR);
		table[i] = 0;
	}
}

void
paging_free_user_tables(paddr_t pml4_pa, void (*free_pt)(paddr_t))
{
	pte_t *pml4 = table_va(pml4_pa);

	for (int i = 0; i < 256; i++) {
		if (!(pml4[i] & PTE_P))
			continue;
		free_level(table_va(pml4[i] & PTE_ADDR), 2, free_pt);
		free_pt(pml4[i] & PTE_ADDR);
		pml4[i] = 0;
	}
}

void
paging_flush_page(vaddr_t va)
{
	invlpg(va);
}

void
paging_flush_all(void)
{
	write_cr3(read_cr3());
}

void
paging_switch_root(paddr_t pml4_pa)
{
	write_cr3(pml4_pa);
}

void
paging_cpu_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
	write_cr4(read_cr4() | CR4_PGE);
	pcid_cpu_init();
}

void
fixmap_install(paddr_t pml4_pa, pt_alloc_fn alloc)
{
	pte_t *table = table_va(pml4_pa);

	/* Walk (creating) down to the page directory that covers the fixmap. */
	for (int level = 3; level > 1; level--) {
		pte_t *e = &table[PT_INDEX(FIXMAP_BASE, level)];
		if (!(*e & PTE_P))
			*e = alloc() | PTE_P | PTE_W;
		table = table_va(*e & PTE_ADDR);
	}
	table[PT_INDEX(FIXMAP_BASE, 1)] = ((uint64_t)fixmap_pt - KERNEL_VMA) | PTE_P | PTE_W;
}

void *
fixmap_map(paddr_t pa, size_t len)
{
	paddr_t base = pa & ~0xFFFull;
	size_t pages = (pa - base + len + 0xFFF) >> 12;
	unsigned slot = fixmap_next;

	if (slot + pages > FIXMAP_SLOTS)
		return NULL;
	fixmap_next += pages;
	for (size_t i = 0; i < pages; i++) {
		vaddr_t va = FIXMAP_BASE + (slot + i) * 4096;
		fixmap_pt[slot + i] = (base + i * 4096) | PTE_P | PTE_W | PTE_PCD |
				      PTE_PWT | PTE_NX | PTE_G;
		invlpg(va);
	}
	return (void *)(FIXMAP_BASE + slot * 4096 + (pa - base));
}
