// SPDX-License-Identifier: MIT
/*
 * Kernel page tables.
 *
 * The direct map covers every range of the memory map with 2 MiB pages,
 * writable and no-execute.  The kernel image is mapped again at -2 GiB with
 * 4 KiB pages so each section gets only the rights it needs:
 *
 *   .text           read, execute
 *   .rodata         read
 *   .data .bss      read, write
 *
 * The page under the boot CPU's stack is left unmapped as a guard.  The
 * PML4 entries of the whole kernel half are created here, once, and shared
 * by every address space: a later kernel mapping then never needs to be
 * copied into each process's PML4.
 */
#include "mm/kmap.h"
#include "mm/pmm.h"
#include "arch/arch.h"
#include "arch/x86_64/paging.h"
#include "core/panic.h"
#include "core/printk.h"

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];
extern char bsp_stack[];

static paddr_t kernel_pml4;

paddr_t
kmap_root(void)
{
	return kernel_pml4;
}

static paddr_t
early_pt(void)
{
	paddr_t pa = pmm_early_alloc();

	if (!pa)
		panic("kmap: out of memory for page tables");
	return pa;
}

static void
map_direct(void)
{
	uint64_t end = ALIGN_UP(MAX(pmm_phys_end(), 1ull << 30), 2ull << 20);

	/* One big range keeps this simple; holes cost only page-table space. */
	for (uint64_t pa = 0; pa < end; pa += 2ull << 20)
		if (paging_map_large(kernel_pml4, DIRECT_MAP_BASE + pa, pa,
				     PTE_W | PTE_NX | PTE_G, early_pt) < 0)
			panic("kmap: direct map");
}

static void
map_image_range(char *start, char *end, uint64_t flags)
{
	for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += PAGE_SIZE) {
		pte_t *pte;

		if (va == (uint64_t)bsp_stack - PAGE_SIZE)
			continue;    /* guard page below the boot stack */
		pte = paging_walk(kernel_pml4, va, early_pt);
		*pte = (va - KERNEL_VMA) | flags | PTE_P | PTE_G;
	}
}

void
kmap_init(void)
{
	pte_t *pml4;

	kernel_pml4 = early_pt();
	pml4 = phys_to_virt(kernel_pml4);
	/* Pre-create every kernel-half PDPT so address spaces can share them. */
	for (int i = 256; i < 512; i++)
		pml4[i] = early_pt() | PTE_P | PTE_W;
	map_direct();
	map_image_range(__text_start, __text_end, 0);
	map_image_range(__rodata_start, __rodata_end, PTE_NX);
	map_image_range(__data_start, __kernel_end, PTE_W | PTE_NX);
	fixmap_install(kernel_pml4, early_pt);
	paging_cpu_init();
	paging_switch_root(kernel_pml4);
}
