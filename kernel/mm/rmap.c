// SPDX-License-Identifier: MIT
/*
 * The reverse map: from a frame to the PTEs that map it.
 *
 * Page replacement starts from a frame (the policy names a victim), but a
 * frame is reached by the MMU through PTEs, and all of them must be changed
 * before the frame can go.  Keel keeps, per private frame, a short list of
 * (address space, virtual address) pairs, one per PTE; page->rmap heads it.
 *
 * Why per frame rather than per region (Linux's anon_vma, which finds the
 * PTEs by searching every VMA that could map the page): a private page is
 * mapped once, or a few times after fork, so a per-frame list is short; it
 * is exact (no searching, no false candidates); it survives mremap by a
 * simple update of va; and its code is a singly linked list.  The price is
 * one 24-byte item per mapping, allocated in the fault path (before the
 * lock is taken) and at fork.
 *
 * The lists and the walk of a mapper's page table below run under vmr_lock
 * alone, without mm->lock: an item exists exactly while its PTE may hold
 * the frame, and mm_destroy() removes the items before freeing the page
 * tables, so the walk never meets a freed table.  The PTE is compared with
 * the frame before it is touched, and the accessed bit is cleared with an
 * atomic AND, which neither loses a concurrent write of the PTE by the
 * fault path (that holds mm->lock, not vmr_lock) nor an MMU update.
 */
#include "mm/pageout.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "core/panic.h"

static struct kmem_cache *rmap_cache;

void
rmap_init(void)
{
	rmap_cache = kmem_cache_create("rmap", sizeof(struct rmap_item), 8);
	if (!rmap_cache)
		panic("rmap_init: no memory");
}

struct rmap_item *
rmap_item_alloc(void)
{
	return kmem_cache_alloc(rmap_cache);
}

void
rmap_item_free(struct rmap_item *it)
{
	if (it)
		kmem_cache_free(rmap_cache, it);
}

void
rmap_add_locked(struct page *p, struct rmap_item *it, struct mm *mm, uint64_t va)
{
	it->mm = mm;
	it->va = va;
	it->next = p->rmap;
	p->rmap = it;
}

struct rmap_item *
rmap_remove_locked(struct page *p, struct mm *mm, uint64_t va)
{
	for (struct rmap_item **pp = &p->rmap; *pp; pp = &(*pp)->next) {
		struct rmap_item *it = *pp;

		if (it->mm == mm && it->va == va) {
			*pp = it->next;
			return it;
		}
	}
	return NULL;
}

void
rmap_move_locked(struct page *p, struct mm *mm, uint64_t from, uint64_t to)
{
	for (struct rmap_item *it = p->rmap; it; it = it->next) {
		if (it->mm == mm && it->va == from) {
			it->va = to;
			return;
		}
	}
}

unsigned
rmap_count_locked(const struct page *p)
{
	unsigned n = 0;

	for (const struct rmap_item *it = p->rmap; it; it = it->next)
		n++;
	return n;
}

/*
 * Harvest the MMU's accessed bits.  No TLB flush follows: a CPU that still
 * caches the translation will not set the bit again until the entry leaves
 * its TLB, so a reference may be missed; that costs a page its second
 * chance, never correctness.
 */
bool
rmap_referenced_locked(struct page *p)
{
	paddr_t pa = page_to_pa(p);
	bool young = false;

	for (struct rmap_item *it = p->rmap; it; it = it->next) {
		pte_t *pte = paging_walk(it->mm->pml4, it->va, NULL);

		if (!pte || (*pte & (PTE_P | PTE_ADDR)) != (pa | PTE_P))
			continue;
		if (__atomic_fetch_and(pte, ~PTE_A, __ATOMIC_RELAXED) & PTE_A)
			young = true;
	}
	return young;
}
