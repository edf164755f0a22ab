// SPDX-License-Identifier: MIT
/*
 * The kernel side of the slab allocator: slab pages and large kmalloc
 * blocks come from the frame allocator and are reached through the direct
 * map.  The frame's struct page records what the frame is used for, so a
 * stray kfree() of a wild pointer is caught rather than obeyed.
 */
#include "mm/slab.h"
#include "mm/pmm.h"
#include "arch/arch.h"
#include "core/panic.h"

static size_t large_pages;   /* [a] */

static void *
slab_page_alloc(void)
{
	paddr_t pa = pmm_alloc(0);

	if (!pa)
		return NULL;
	pa_to_page(pa)->flags |= PG_SLAB;
	return phys_to_virt(pa);
}

static void
slab_page_free(void *va)
{
	paddr_t pa = virt_to_phys(va);

	pa_to_page(pa)->flags &= ~PG_SLAB;
	pmm_free(pa, 0);
}

static const struct slab_pages kernel_slab_pages = {
	.alloc = slab_page_alloc,
	.free = slab_page_free,
};

void *
kmalloc_large(size_t size)
{
	unsigned order = 0;
	paddr_t pa;
	struct page *p;

	while ((size_t)PAGE_SIZE << order < size)
		order++;
	if (order > MAX_ORDER || !(pa = pmm_alloc(order)))
		return NULL;
	p = pa_to_page(pa);
	p->flags |= PG_KMALLOC;
	p->order = order;
	__atomic_add_fetch(&large_pages, 1ul << order, __ATOMIC_RELAXED);
	return phys_to_virt(pa);
}

void
kfree_large(const void *va)
{
	paddr_t pa = virt_to_phys(va);
	struct page *p = pa_to_page(pa);
	unsigned order;

	if (!p || !(p->flags & PG_KMALLOC))
		panic("kfree: %p was not allocated by kmalloc", va);
	order = p->order;
	p->flags &= ~PG_KMALLOC;
	__atomic_sub_fetch(&large_pages, 1ul << order, __ATOMIC_RELAXED);
	pmm_free(pa, order);
}

size_t
kmalloc_large_pages(void)
{
	return __atomic_load_n(&large_pages, __ATOMIC_RELAXED);
}

/* Called once the frame allocator runs. */
void
kmalloc_kernel_init(void)
{
	slab_set_pages(&kernel_slab_pages);
	kmalloc_init();
}
