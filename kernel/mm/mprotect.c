// SPDX-License-Identifier: MIT
/*
 * mprotect(): change the protection of a range, splitting VMAs at its
 * edges and merging them again when neighbours end up identical.  Present
 * PTEs are rewritten at once; a private page that becomes writable stays
 * read-only in the PTE while it is shared (or is the zero page), so the
 * next write still copies.
 */
#include "mm/vm.h"
#include "mm/vm_internal.h"
#include "mm/pmm.h"
#include "mm/tlb.h"
#include "arch/arch.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

struct prot_ctx {
	const struct vma *v;
};

static void
reprotect_one(pte_t *pte, vaddr_t va, void *arg)
{
	const struct vma *v = ((struct prot_ctx *)arg)->v;
	paddr_t pa = *pte & PTE_ADDR;
	struct page *p = pa_to_page(pa);
	/* A page in the swap cache has the cache's reference too: it stays read-only. */
	bool exclusive = p && !(p->flags & PG_ZERO) && p->refcount == 1;
	bool w = (v->prot & VM_WRITE) && ((v->flags & VM_SHARED) || exclusive);

	*pte &= ~(PTE_W | PTE_NX);
	if (w) {
		*pte |= PTE_W;
		if (p)
			p->flags &= ~PG_FILECLEAN;   /* it may now differ from the file */
	}
	if (!(v->prot & VM_EXEC))
		*pte |= PTE_NX;
	if (!(v->prot & (VM_READ | VM_WRITE | VM_EXEC)))
		*pte &= ~PTE_U;   /* PROT_NONE: keep the frame, deny every access */
	else
		*pte |= PTE_U;
}

/* Is [start, end) mapped without holes? */
static bool
fully_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v = vma_find(mm, start);

	while (v && v->end < end) {
		struct vma *n = vma_next(v);
		if (!n || n->start != v->end)
			return false;
		v = n;
	}
	return v != NULL;
}

int
vm_mprotect(struct mm *mm, uint64_t addr, uint64_t len, int prot)
{
	uint64_t end;
	struct vma *v;
	int r = 0;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	end = addr + len;
	if (end < addr || end > USER_TOP)
		return -ENOMEM;
	if (len == 0)
		return 0;
	mutex_lock(&mm->lock);
	if (!fully_mapped(mm, addr, end)) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = vm_split(mm, addr)) || (r = vm_split(mm, end)))
		goto out;
	for (v = vma_find(mm, addr); v && v->start < end;) {
		struct prot_ctx pc = { v };
		struct vma *next = vma_next(v);

		v->prot = prot & VM_PROT_MASK;
		paging_visit_range(mm->pml4, v->start, v->end, reprotect_one, &pc);
		tlb_flush_range(mm, v->start, v->end);
		v = next;
	}
	/* Merge back: the first and last VMA of the range with their neighbours. */
	v = vma_find(mm, end - 1);
	if (v)
		vm_merge(mm, v);
	v = vma_find(mm, addr);
	if (v)
		vm_merge(mm, v);
out:
	mutex_unlock(&mm->lock);
	return r;
}
