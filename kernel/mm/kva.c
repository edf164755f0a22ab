// SPDX-License-Identifier: MIT
/*
 * Kernel virtual ranges: address space for kernel stacks and device
 * registers, handed out from a bitmap of the 4 GiB KVA window.  Allocation
 * is first fit from a moving hint, so freed ranges are not reused at once
 * (which makes use-after-free of a stack fault rather than corrupt).
 */
#include "mm/kmap.h"
#include "mm/pmm.h"
#include "arch/arch.h"
#include "arch/x86_64/paging.h"
#include "lib/bitmap.h"
#include "mm/tlb.h"
#include "sync/spinlock.h"

#define KVA_PAGES (KVA_SIZE / PAGE_SIZE)
#define KSTACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

/* Protects the bitmap and the hint.  Lock order: after pmm's (none nests). */
static struct spinlock kva_lock = SPINLOCK_INIT("kva");
static uint64_t kva_bits[BITMAP_WORDS(KVA_PAGES)];   /* [kva_lock] */
static size_t kva_hint;                              /* [kva_lock] */

void *
kva_alloc(size_t pages)
{
	size_t i;

	spin_lock(&kva_lock);
	i = bitmap_find_clear_run(kva_bits, KVA_PAGES, kva_hint, pages);
	if (i == (size_t)-1)
		i = bitmap_find_clear_run(kva_bits, KVA_PAGES, 0, pages);
	if (i != (size_t)-1) {
		bitmap_set_range(kva_bits, i, pages);
		kva_hint = i + pages;
	}
	spin_unlock(&kva_lock);
	return i == (size_t)-1 ? NULL : (void *)(KVA_BASE + i * PAGE_SIZE);
}

void
kva_free(void *va, size_t pages)
{
	size_t i = ((uint64_t)va - KVA_BASE) / PAGE_SIZE;

	spin_lock(&kva_lock);
	bitmap_clear_range(kva_bits, i, pages);
	spin_unlock(&kva_lock);
}

/*
 * Page tables under the window are never freed: the moving hint sweeps the
 * window, so they build up to cover what has been used (at most 8 MiB for
 * the 4 GiB window), and /proc/meminfo shows how much (KvaPageTables).
 */
static uint64_t kva_pt_pages;         /* [a] */

static paddr_t
pt_alloc(void)
{
	paddr_t pa = pmm_alloc_zeroed(0);

	if (pa)
		__atomic_add_fetch(&kva_pt_pages, 1, __ATOMIC_RELAXED);
	return pa;
}

uint64_t
kva_page_table_pages(void)
{
	return __atomic_load_n(&kva_pt_pages, __ATOMIC_RELAXED);
}

static int
map_page(uint64_t va, paddr_t pa, uint64_t flags)
{
	pte_t *pte = paging_walk(kmap_root(), va, pt_alloc);

	if (!pte)
		return -1;
	*pte = pa | flags | PTE_P | PTE_G;
	return 0;
}

static paddr_t
unmap_page(uint64_t va)
{
	pte_t *pte = paging_walk(kmap_root(), va, NULL);
	paddr_t pa = 0;

	if (pte && (*pte & PTE_P)) {
		pa = *pte & PTE_ADDR;
		*pte = 0;
		tlb_flush_range(NULL, va, va + PAGE_SIZE);
	}
	return pa;
}

void *
kva_map_phys(paddr_t pa, size_t len)
{
	paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	size_t pages = (ALIGN_UP(pa + len, PAGE_SIZE) - base) / PAGE_SIZE;
	uint8_t *va = kva_alloc(pages);

	if (!va)
		return NULL;
	for (size_t i = 0; i < pages; i++) {
		if (map_page((uint64_t)va + i * PAGE_SIZE, base + i * PAGE_SIZE,
			     PTE_W | PTE_NX | PTE_PCD | PTE_PWT) < 0) {
			kva_unmap(va, i * PAGE_SIZE);
			return NULL;
		}
	}
	return va + (pa - base);
}

void
kva_unmap(void *va, size_t len)
{
	uint64_t base = ALIGN_DOWN((uint64_t)va, PAGE_SIZE);
	size_t pages = (ALIGN_UP((uint64_t)va + len, PAGE_SIZE) - base) / PAGE_SIZE;

	for (size_t i = 0; i < pages; i++)
		unmap_page(base + i * PAGE_SIZE);
	kva_free((void *)base, pages);
}

void *
kstack_alloc(void)
{
	uint8_t *va = kva_alloc(KSTACK_PAGES + 1);
	uint8_t *base;

	if (!va)
		return NULL;
	base = va + PAGE_SIZE;   /* va itself stays unmapped: the guard */
	for (size_t i = 0; i < KSTACK_PAGES; i++) {
		paddr_t pa = pmm_alloc(0);
		if (!pa || map_page((uint64_t)base + i * PAGE_SIZE, pa, PTE_W | PTE_NX) < 0) {
			if (pa)
				pmm_free(pa, 0);
			for (size_t j = 0; j < i; j++)
				pmm_free(unmap_page((uint64_t)base + j * PAGE_SIZE), 0);
			kva_free(va, KSTACK_PAGES + 1);
			return NULL;
		}
	}
	return base;
}

void
kstack_free(void *base)
{
	for (size_t i = 0; i < KSTACK_PAGES; i++) {
		paddr_t pa = unmap_page((uint64_t)base + i * PAGE_SIZE);
		if (pa)
			pmm_free(pa, 0);
	}
	kva_free((uint8_t *)base - PAGE_SIZE, KSTACK_PAGES + 1);
}

bool
kstack_is_guard(uint64_t va)
{
	pte_t *pte;

	if (va < KVA_BASE || va >= KVA_BASE + KVA_SIZE ||
	    !bitmap_test(kva_bits, (va - KVA_BASE) / PAGE_SIZE))
		return false;
	pte = paging_walk(kmap_root(), va, NULL);
	return !pte || !(*pte & PTE_P);
}
