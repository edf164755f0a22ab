// SPDX-License-Identifier: MIT
/*
 * ktests for address spaces: VMA splitting and merging, zero-fill on demand,
 * copy-on-write and frame accounting, run on address spaces built inside
 * the kernel (no user program needed).
 */
#include "core/ktest.h"
#include "arch/arch.h"
#include "arch/x86_64/paging.h"
#include "lib/avl.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define A 0x10000000ull
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)

/*
 * Free frames, counting pages the slab allocator holds as free: its caches
 * grow and shrink on their own, so only frames used elsewhere (page
 * tables, user pages) should move this number.
 */
static uint64_t
free_frames(void)
{
	struct kmalloc_stats ks;

	kmalloc_stats(&ks);
	return pmm_free_pages() + ks.slab_pages + ks.large_pages;
}

static unsigned
count_vmas(struct mm *mm)
{
	return (unsigned)mm->vmas.count;
}

static paddr_t
frame_at(struct mm *mm, uint64_t va)
{
	pte_t *pte = paging_walk(mm->pml4, va, NULL);

	return pte && (*pte & PTE_P) ? (*pte & PTE_ADDR) : 0;
}

static bool
writable_at(struct mm *mm, uint64_t va)
{
	pte_t *pte = paging_walk(mm->pml4, va, NULL);

	return pte && (*pte & PTE_P) && (*pte & PTE_W);
}

static uint8_t
peek(struct mm *mm, uint64_t va)
{
	paddr_t pa = frame_at(mm, va);

	return pa ? ((uint8_t *)phys_to_virt(pa))[va & 0xFFF] : 0xEE;
}

KTEST(vm_munmap_splits_and_mprotect_merges, "partial munmap splits a VMA; mprotect back merges")
{
	struct mm *mm = mm_create();

	KT_ASSERT(mm);
	KT_EQ(vm_mmap(mm, A, 10 * PAGE_SIZE, PROT_READ | PROT_WRITE, ANON, NULL, 0), (long)A);
	KT_EQ(count_vmas(mm), 1);
	KT_EQ(vm_munmap(mm, A + 4 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
	KT_EQ(count_vmas(mm), 2);
	KT_EQ(vm_mprotect(mm, A + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	KT_EQ(count_vmas(mm), 4);
	KT_EQ(vm_mprotect(mm, A + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KT_EQ(count_vmas(mm), 2);
	/* mprotect over a hole fails with ENOMEM and changes nothing. */
	KT_EQ(vm_mprotect(mm, A, 8 * PAGE_SIZE, PROT_READ), -ENOMEM);
	KT_EQ(count_vmas(mm), 2);
	/* MAP_FIXED over the hole and both neighbours leaves one VMA again. */
	KT_EQ(vm_mmap(mm, A + 3 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, ANON, NULL, 0),
	      (long)(A + 3 * PAGE_SIZE));
	KT_EQ(count_vmas(mm), 1);
	KT_EQ(vm_mmap(mm, A, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED_NOREPLACE, NULL, 0), (long)A);
	KT_EQ(vm_mmap(mm, A, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		      NULL, 0), -EEXIST);
	mm_put(mm);
	return 0;
}

KTEST(vm_zero_fill_costs_no_frame_until_written, "reads map the zero page; the first write copies")
{
	struct mm *mm = mm_create();
	uint64_t before;

	KT_ASSERT(mm);
	KT_EQ(vm_mmap(mm, A, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE, ANON, NULL, 0), (long)A);
	before = pmm_free_pages();
	for (int i = 0; i < 64; i++)
		KT_EQ(vm_fault(mm, A + (uint64_t)i * PAGE_SIZE, VM_READ), 0);
	/* 64 pages read: all the zero page; only page tables were allocated. */
	KT_EQ(frame_at(mm, A), vm_zero_page());
	KT_EQ(frame_at(mm, A + 63 * PAGE_SIZE), vm_zero_page());
	KT_ASSERT(before - pmm_free_pages() <= 3);
	KT_EQ(peek(mm, A + 5), 0);
	KT_EQ(vm_fault(mm, A, VM_WRITE), 0);
	KT_ASSERT(frame_at(mm, A) != vm_zero_page());
	KT_ASSERT(writable_at(mm, A));
	KT_EQ(peek(mm, A + 5), 0);
	mm_put(mm);
	return 0;
}

KTEST(vm_cow_fork_separates_and_reuses, "after fork writes stay private; the last sharer reuses its frame")
{
	uint64_t free_start = free_frames();
	struct mm *parent, *child;
	parent = mm_create();
	paddr_t shared;
	uint8_t v = 42;

	KT_ASSERT(parent);
	KT_EQ(vm_mmap(parent, A, PAGE_SIZE, PROT_READ | PROT_WRITE, ANON, NULL, 0), (long)A);
	KT_EQ(vm_write_remote(parent, A, &v, 1), 0);
	child = mm_fork(parent);
	KT_ASSERT(child);
	shared = frame_at(parent, A);
	KT_EQ(frame_at(child, A), shared);
	KT_EQ(pa_to_page(shared)->refcount, 2);
	KT_ASSERT(!writable_at(parent, A) && !writable_at(child, A));
	/* The child writes: it gets a copy, the parent keeps the original. */
	KT_EQ(vm_fault(child, A, VM_WRITE), 0);
	KT_ASSERT(frame_at(child, A) != shared);
	KT_EQ(peek(child, A), 42);
	v = 7;
	KT_EQ(vm_write_remote(child, A, &v, 1), 0);
	KT_EQ(peek(parent, A), 42);
	KT_EQ(peek(child, A), 7);
	/* The parent is now the only user: its write reuses the frame, no copy. */
	KT_EQ(pa_to_page(shared)->refcount, 1);
	KT_EQ(vm_fault(parent, A, VM_WRITE), 0);
	KT_EQ(frame_at(parent, A), shared);
	mm_put(child);
	mm_put(parent);
	KT_EQ(free_frames(), free_start);
	return 0;
}

KTEST(vm_fork_chain_stays_correct, "fork after fork: every generation sees its own writes")
{
	struct mm *gen[4];
	uint64_t free_start = free_frames();

	gen[0] = mm_create();
	KT_ASSERT(gen[0]);
	KT_EQ(vm_mmap(gen[0], A, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, ANON, NULL, 0), (long)A);
	for (int g = 0; g < 4; g++) {
		uint8_t v = (uint8_t)(10 + g);
		if (g > 0)
			KT_ASSERT((gen[g] = mm_fork(gen[g - 1])));
		KT_EQ(vm_write_remote(gen[g], A + (uint64_t)g * PAGE_SIZE, &v, 1), 0);
	}
	for (int g = 0; g < 4; g++)
		for (int p = 0; p < 4; p++)
			KT_EQ(peek(gen[g], A + (uint64_t)p * PAGE_SIZE), p <= g ? 10 + p : 0xEE);
	for (int g = 3; g >= 0; g--)
		mm_put(gen[g]);
	KT_EQ(free_frames(), free_start);
	return 0;
}

KTEST(vm_fault_errors, "unmapped access is -EFAULT, a write to read-only memory -EACCES")
{
	struct mm *mm = mm_create();

	KT_ASSERT(mm);
	KT_EQ(vm_mmap(mm, A, PAGE_SIZE, PROT_READ, ANON, NULL, 0), (long)A);
	KT_EQ(vm_fault(mm, A + 2 * PAGE_SIZE, VM_READ), -EFAULT);
	KT_EQ(vm_fault(mm, A, VM_WRITE), -EACCES);
	KT_EQ(vm_fault(mm, A, VM_EXEC), -EACCES);
	KT_EQ(vm_mprotect(mm, A, PAGE_SIZE, PROT_NONE), 0);
	KT_EQ(vm_fault(mm, A, VM_READ), -EACCES);
	mm_put(mm);
	return 0;
}

KTEST(vm_brk_grows_and_shrinks, "brk extends the heap, refuses overlaps, and gives memory back")
{
	struct mm *mm = mm_create();

	KT_ASSERT(mm);
	vm_brk_init(mm, A);
	KT_EQ(vm_brk(mm, 0), A);
	KT_EQ(vm_brk(mm, A + 3 * PAGE_SIZE + 5), A + 3 * PAGE_SIZE + 5);
	KT_EQ(vm_fault(mm, A + 3 * PAGE_SIZE, VM_WRITE), 0);
	KT_EQ(vm_mmap(mm, A + 8 * PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON, NULL, 0),
	      (long)(A + 8 * PAGE_SIZE));
	KT_EQ(vm_brk(mm, A + 10 * PAGE_SIZE), A + 3 * PAGE_SIZE + 5);   /* blocked */
	KT_EQ(vm_brk(mm, A + PAGE_SIZE), A + PAGE_SIZE);
	KT_EQ(vm_fault(mm, A + 3 * PAGE_SIZE, VM_READ), -EFAULT);
	mm_put(mm);
	return 0;
}

KTEST(vm_mremap_moves_pages_without_copying, "mremap grows in place or moves page-table entries")
{
	struct mm *mm = mm_create();
	uint8_t v = 99;
	paddr_t pa;
	long r;

	KT_ASSERT(mm);
	KT_EQ(vm_mmap(mm, A, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, ANON, NULL, 0), (long)A);
	KT_EQ(vm_write_remote(mm, A + PAGE_SIZE, &v, 1), 0);
	pa = frame_at(mm, A + PAGE_SIZE);
	KT_EQ(vm_mremap(mm, A, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0), (long)A);   /* in place */
	KT_EQ(vm_mmap(mm, A + 4 * PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON, NULL, 0),
	      (long)(A + 4 * PAGE_SIZE));
	KT_EQ(vm_mremap(mm, A, 4 * PAGE_SIZE, 8 * PAGE_SIZE, 0, 0), -ENOMEM);
	r = vm_mremap(mm, A, 4 * PAGE_SIZE, 8 * PAGE_SIZE, MREMAP_MAYMOVE, 0);
	KT_ASSERT(r > 0 && (uint64_t)r != A);
	KT_EQ(frame_at(mm, (uint64_t)r + PAGE_SIZE), pa);
	KT_EQ(peek(mm, (uint64_t)r + PAGE_SIZE), 99);
	KT_EQ(frame_at(mm, A + PAGE_SIZE), 0);
	mm_put(mm);
	return 0;
}
