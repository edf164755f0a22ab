// SPDX-License-Identifier: MIT
/*
 * Growing, shrinking and moving mappings (mremap), and the advice calls
 * (madvise, mincore, mlock).
 *
 * A move does not copy pages: it carries each present PTE to the new
 * address, so a C library's realloc() of a large block costs page-table
 * updates, not a memcpy of the data.
 */
#include "mm/vm.h"
#include "mm/vm_internal.h"
#include "mm/pageout.h"
#include "mm/pmm.h"
#include "mm/tlb.h"
#include "arch/arch.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

struct move_ctx {
	struct mm *mm;
	int64_t delta;
	int err;
};

static void
move_one(pte_t *pte, vaddr_t va, void *arg)
{
	struct move_ctx *mc = arg;
	pte_t *dst;

	if (mc->err)
		return;
	dst = vm_pte(mc->mm, (uint64_t)((int64_t)va + mc->delta), true);
	if (!dst) {
		mc->err = -ENOMEM;
		return;
	}
	*dst = *pte;
	*pte = 0;
	vm_pte_moved(mc->mm, va, (uint64_t)((int64_t)va + mc->delta), *dst);
}

/* Move the VMA [start, end) to new_start.  => mm->lock held */
static int
move_vma(struct mm *mm, struct vma *v, uint64_t new_start)
{
	struct move_ctx mc = { mm, (int64_t)(new_start - v->start), 0 };
	uint64_t len = v->end - v->start;
	struct vma *n = vma_new(new_start, new_start + len, v->prot, v->flags);

	if (!n)
		return -ENOMEM;
	n->file = v->file;
	n->pgoff = v->pgoff;
	n->file_limit = v->file_limit;
	v->file = NULL;   /* the reference moves to n */
	paging_visit_entries(mm->pml4, v->start, v->end, move_one, &mc);
	tlb_flush_range(mm, v->start, v->end);
	vma_insert(mm, n);
	unmap_range_locked(mm, v->start, v->end);
	return mc.err;
}

static bool
free_between(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v = vma_first_from(mm, start);

	return end <= USER_TOP && end > start && (!v || v->start >= end);
}

long
vm_mremap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len, int flags,
	  uint64_t new_addr)
{
	struct vma *v;
	long r;

	if (!IS_ALIGNED(old, PAGE_SIZE) || new_len == 0 ||
	    (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	v = vma_find(mm, old);
	if (!v || v->start != old || v->end < old + old_len || old_len == 0) {
		/* Keel moves whole mappings only; partial ones are split first. */
		if (v && (r = vm_split(mm, old)) == 0 && (r = vm_split(mm, old + old_len)) == 0)
			v = vma_find(mm, old);
		if (!v || v->start != old || v->end != old + old_len) {
			r = -EFAULT;
			goto out;
		}
	} else if (v->end > old + old_len && (r = vm_split(mm, old + old_len))) {
		goto out;
	}
	if (new_len <= old_len) {
		r = unmap_range_locked(mm, old + new_len, old + old_len);
		r = r ? r : (long)old;
	} else if (!(flags & MREMAP_FIXED) && free_between(mm, v->end, old + new_len)) {
		v->end = old + new_len;           /* grow in place */
		r = (long)old;
	} else if (flags & MREMAP_MAYMOVE) {
		uint64_t dst = new_addr;
		if (flags & MREMAP_FIXED) {
			if (!IS_ALIGNED(dst, PAGE_SIZE) || dst < USER_MIN_ADDR ||
			    (dst < old + old_len && dst + new_len > old) ||
			    unmap_range_locked(mm, dst, dst + new_len)) {
				r = -EINVAL;
				goto out;
			}
		} else if (!(dst = vm_find_free_locked(mm, new_len))) {
			r = -ENOMEM;
			goto out;
		}
		r = move_vma(mm, v, dst);
		if (r == 0) {
			v = vma_find(mm, dst);
			v->end = dst + new_len;
			r = (long)dst;
		}
	} else {
		r = -ENOMEM;
	}
out:
	mutex_unlock(&mm->lock);
	return r;
}

int
vm_madvise(struct mm *mm, uint64_t addr, uint64_t len, int advice)
{
	struct vma *v;
	uint64_t end;

	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (end < addr || end > USER_TOP)
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_FREE:
	case MADV_DONTNEED: case MADV_WILLNEED:
		break;
	default:
		return -EINVAL;
	}
	mutex_lock(&mm->lock);
	for (v = vma_first_from(mm, addr); v && v->start < end; v = vma_next(v)) {
		if ((advice == MADV_DONTNEED || advice == MADV_FREE) &&
		    !(v->flags & (VM_LOCKED | VM_SHARED)))
			vm_zap_range(mm, MAX(v->start, addr), MIN(v->end, end));
	}
	mutex_unlock(&mm->lock);
	if (advice == MADV_WILLNEED)
		vm_populate(mm, addr, end - addr);
	return 0;
}

int
vm_mincore(struct mm *mm, uint64_t addr, uint64_t len, uint8_t *vec)
{
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	int r = 0;

	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (end < addr || end > USER_TOP)
		return -ENOMEM;
	mutex_lock(&mm->lock);
	for (uint64_t va = addr; va < end; va += PAGE_SIZE) {
		pte_t *pte;
		if (!vma_find(mm, va)) {
			r = -ENOMEM;
			break;
		}
		pte = vm_pte(mm, va, false);
		vec[(va - addr) / PAGE_SIZE] = pte && (*pte & PTE_P) ? 1 : 0;
	}
	mutex_unlock(&mm->lock);
	return r;
}

/*
 * mlock/munlock.  Locking marks the VMAs VM_LOCKED, faults every page in
 * (writable ones for writing, so no copy-on-write is left to happen), and
 * pins the pages for the replacement policy.  Unlocking only unpins: a page
 * still locked through another mapping is found by reclaim, which pins it
 * again (mm/pageout.c).  Only the mapped parts of the range are touched.
 */
int
vm_lock_range(struct mm *mm, uint64_t addr, uint64_t len, bool lock)
{
	uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE);
	uint64_t end = ALIGN_UP(addr + len, PAGE_SIZE);
	struct vma *v;
	int r = 0;

	if (end < start || end > USER_TOP)
		return -ENOMEM;
	mutex_lock(&mm->lock);
	if ((r = vm_split(mm, start)) || (r = vm_split(mm, end)))
		goto out;
	for (v = vma_first_from(mm, start); v && v->start < end; v = vma_next(v)) {
		if (lock) {
			v->flags |= VM_LOCKED;
		} else {
			v->flags &= ~VM_LOCKED;
			vm_pin_range(mm, v->start, v->end, false);
		}
	}
out:
	mutex_unlock(&mm->lock);
	for (uint64_t at = start; !r && lock && at < end;) {
		uint64_t lo, hi;

		mutex_lock(&mm->lock);
		v = vma_first_from(mm, at);
		lo = v ? MAX(v->start, at) : end;
		hi = v ? MIN(v->end, end) : end;
		mutex_unlock(&mm->lock);
		if (lo >= end)
			break;
		r = vm_populate_range(mm, lo, hi - lo);
		if (r == 0) {
			mutex_lock(&mm->lock);
			vm_pin_range(mm, lo, hi, true);
			mutex_unlock(&mm->lock);
		}
		at = hi;
	}
	return r == -EINTR ? -EAGAIN : r;
}

int
vm_lock_all(struct mm *mm, int flags)
{
	int r = 0;

	mutex_lock(&mm->lock);
	if (flags & MCL_FUTURE)
		mm->def_flags |= VM_LOCKED;
	else
		mm->def_flags &= ~VM_LOCKED;
	mutex_unlock(&mm->lock);
	if (flags & MCL_CURRENT)
		r = vm_lock_range(mm, USER_MIN_ADDR, USER_TOP - USER_MIN_ADDR - PAGE_SIZE, true);
	return r;
}

int
vm_unlock_all(struct mm *mm)
{
	mutex_lock(&mm->lock);
	mm->def_flags &= ~VM_LOCKED;
	mutex_unlock(&mm->lock);
	return vm_lock_range(mm, USER_MIN_ADDR, USER_TOP - USER_MIN_ADDR - PAGE_SIZE, false);
}
