// SPDX-License-Identifier: MIT
/*
 * swapoff: bring every page of a swap area back into memory.
 *
 * The area stops taking new pages first (swap_off() marks it inactive);
 * then every address space is walked, and each PTE holding an entry of the
 * area is faulted in exactly as a user access would (vm_swap_fault()), so
 * the swap cache still makes a page shared by several processes one page.
 * A present page that the cache still ties to the area is let go of once no
 * PTE holds its slot.  When memory runs short the walk reclaims directly
 * (other areas, clean pages, the page buffer) without the OOM killer; if
 * that frees nothing, swapoff fails with -ENOMEM and the area stays on.
 *
 * Address spaces are collected with a reference under mm_list_lock, then
 * walked one at a time under their own mm->lock.  The walk repeats until
 * the area has no slot in use, since a page being evicted when swapoff
 * began lands in the area after the walk has passed its address space.
 */
#include "mm/pageout.h"
#include "mm/vm_internal.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "uapi/errno.h"

#define SWAPOFF_PASSES 4

struct swapoff_ctx {
	struct mm *mm;
	const struct vma *v;
	unsigned area;
	int err;
};

static void
swapoff_one(pte_t *pte, vaddr_t va, void *arg)
{
	struct swapoff_ctx *c = arg;

	if (c->err)
		return;
	if (!pte_is_swap(*pte)) {
		if (*pte & PTE_P)
			vm_swapoff_page(*pte, c->area);
		return;
	}
	if (swp_area(*pte) == c->area)
		c->err = vm_swap_fault(c->mm, va, pte, vm_pte_prot(c->v, false), false, true);
}

static int
swapoff_mm(struct mm *mm, unsigned area)
{
	struct swapoff_ctx c = { .mm = mm, .area = area };

	for (;;) {
		mutex_lock(&mm->lock);
		c.err = 0;
		for (struct vma *v = vma_first_from(mm, 0); v && !c.err; v = vma_next(v)) {
			c.v = v;
			paging_visit_entries(mm->pml4, v->start, v->end, swapoff_one, &c);
		}
		mutex_unlock(&mm->lock);
		if (c.err != -ENOMEM)
			return c.err;
		if (!vm_reclaim_pages(32) && !vm_standby_release())
			return -ENOMEM;     /* nothing else can make room */
	}
}

/* References to every live address space.  => count; *out kmalloc'ed. */
static unsigned
collect_mms(struct mm ***out)
{
	unsigned n = 0, max = 0;
	struct mm **v;

	spin_lock(&mm_list_lock);
	list_for_each(pos, &mm_list)
		max++;
	spin_unlock(&mm_list_lock);
	v = kmalloc((max + 1) * sizeof(*v));
	if (!v)
		return 0;
	spin_lock(&mm_list_lock);
	list_for_each(pos, &mm_list) {
		struct mm *mm = list_entry(pos, struct mm, all_node);

		if (n < max && mm_tryget(mm))
			v[n++] = mm;
	}
	spin_unlock(&mm_list_lock);
	*out = v;
	return n;
}

int
vm_swapoff_area(unsigned area)
{
	for (int pass = 0; pass < SWAPOFF_PASSES && swap_area_used(area); pass++) {
		struct mm **mms = NULL;
		unsigned n = collect_mms(&mms);
		int r = 0;

		for (unsigned i = 0; i < n; i++) {
			if (!r)
				r = swapoff_mm(mms[i], area);
			mm_put(mms[i]);
		}
		kfree(mms);
		if (r)
			return r;
	}
	return swap_area_used(area) ? -EBUSY : 0;
}
