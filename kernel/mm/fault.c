// SPDX-License-Identifier: MIT
/*
 * The page-fault path: where demand paging, zero-fill and copy-on-write
 * happen.
 *
 * A user access to a page whose PTE is missing or too weak traps (#PF) with
 * the address in %cr2 and an error code saying read/write/execute and
 * present/not-present.  vm_fault() then decides, in this order, holding
 * mm->lock (a mutex: the path may allocate frames and read files, and
 * sleep) the whole time:
 *
 *   1. Find the VMA containing the address.  None: is it just below a
 *      stack VMA (VM_GROWSDOWN)?  Then grow the stack; otherwise the
 *      access is to unmapped memory: -EFAULT, which becomes SIGSEGV with
 *      SEGV_MAPERR.
 *   2. Check the access against the VMA's protection.  A write to a
 *      read-only VMA, an instruction fetch from a non-executable one, any
 *      access to PROT_NONE: -EACCES, SIGSEGV with SEGV_ACCERR.
 *   3. PTE not present:
 *        anonymous, read   -> map the one shared zero page, read-only
 *                             (zero-fill on demand costs no frame yet);
 *        anonymous, write  -> a new zeroed frame, writable;
 *        file-backed       -> a new frame filled from the file.
 *   4. PTE present but not writable, VMA writable (copy-on-write):
 *        the zero page     -> a new zeroed frame;
 *        frame shared (refcount > 1) -> copy it to a new frame, drop one
 *                             reference to the old;
 *        frame not shared  -> the last sharer writes: make the PTE
 *                             writable, no copy.
 *   5. Otherwise the PTE was already fine (another thread fixed it, or the
 *      TLB held a stale entry): flush the entry and retry.
 *
 * Every change to a PTE of the running address space is followed by an
 * INVLPG of that page.
 */
#include "mm/vm.h"
#include "mm/vm_internal.h"
#include "mm/pmm.h"
#include "mm/tlb.h"
#include "arch/arch.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"
#include "lib/string.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

struct vm_stats vm_stats;
static paddr_t zero_page;

paddr_t
vm_zero_page(void)
{
	return zero_page;
}

void
vm_zero_page_init(void)
{
	zero_page = pmm_alloc_zeroed(0);
	if (!zero_page)
		panic("vm: no memory for the zero page");
	pa_to_page(zero_page)->flags |= PG_ZERO;
}

static uint64_t
pte_flags(const struct vma *v, bool writable)
{
	uint64_t f = PTE_P | PTE_U;

	if (writable)
		f |= PTE_W;
	if (!(v->prot & VM_EXEC))
		f |= PTE_NX;
	return f;
}

/* Fill a fresh frame from the VMA's file, zeroing past file_limit. */
static int
fill_from_file(const struct vma *v, uint64_t va, void *page)
{
	uint64_t off = (v->pgoff << PAGE_SHIFT) + (va - v->start);
	int r;

	if (off >= v->file_limit)
		return 0;   /* an ELF segment's zero-filled tail: the frame is already zero */
	if (!vm_file_ops.readpage)
		return -EIO;
	r = vm_file_ops.readpage(v->file, off, page);
	if (r < 0)
		return r;
	if (v->file_limit - off < PAGE_SIZE)
		memset((uint8_t *)page + (v->file_limit - off), 0,
		       PAGE_SIZE - (v->file_limit - off));
	return 0;
}

/* Step 3: nothing mapped yet. */
static int
fault_missing(struct mm *mm, const struct vma *v, uint64_t va, pte_t *pte,
	      unsigned access)
{
	bool write = access & VM_WRITE;
	paddr_t pa;
	int r;

	if (v->file && (v->flags & VM_SHARED)) {
		/* A shared file mapping maps the file's own page: no copy. */
		uint64_t off = (v->pgoff << PAGE_SHIFT) + (va - v->start);
		if (!vm_file_ops.getpage)
			return -EIO;
		if ((r = vm_file_ops.getpage(v->file, off, &pa)) < 0)
			return r;
		*pte = pa | pte_flags(v, v->prot & VM_WRITE);
		mm->rss++;
		return 0;
	}
	if (!v->file && !write && !(access & VM_FAULT_FORCE)) {
		*pte = zero_page | pte_flags(v, false);
		vm_stats.zero_fill_faults++;
		mm->rss++;
		return 0;
	}
	pa = pmm_alloc_zeroed(0);
	if (!pa)
		return -ENOMEM;
	if (v->file && (r = fill_from_file(v, va, phys_to_virt(pa))) < 0) {
		pmm_free(pa, 0);
		return r;
	}
	if (!v->file)
		vm_stats.zero_fill_faults++;
	*pte = pa | pte_flags(v, (v->prot & VM_WRITE) && (write || (v->flags & VM_SHARED)));
	mm->rss++;
	return 0;
}

/* Step 4: a write to a present, read-only PTE of a writable VMA. */
static int
fault_cow(struct mm *mm, const struct vma *v, uint64_t va, pte_t *pte)
{
	paddr_t old = *pte & PTE_ADDR, pa;
	struct page *p = pa_to_page(old);

	if (old != zero_page && __atomic_load_n(&p->refcount, __ATOMIC_ACQUIRE) == 1) {
		*pte |= PTE_W;       /* the last sharer: reuse the frame */
		vm_stats.cow_reuses++;
		return 0;
	}
	pa = old == zero_page ? pmm_alloc_zeroed(0) : pmm_alloc(0);
	if (!pa)
		return -ENOMEM;
	if (old == zero_page) {
		vm_stats.zero_fill_faults++;
	} else {
		memcpy(phys_to_virt(pa), phys_to_virt(old), PAGE_SIZE);
		vm_stats.cow_faults++;
	}
	*pte = pa | pte_flags(v, true);
	/* Other CPUs may still see the old frame: make them drop it first. */
	tlb_flush_range(mm, va, va + PAGE_SIZE);
	vm_put_frame(old);
	return 0;
}

static bool
access_allowed(const struct vma *v, unsigned access)
{
	if (access & VM_FAULT_FORCE)
		return true;
	if ((access & VM_WRITE) && !(v->prot & VM_WRITE))
		return false;
	if ((access & VM_EXEC) && !(v->prot & VM_EXEC))
		return false;
	return v->prot & (VM_READ | VM_WRITE | VM_EXEC);
}

/* Step 1's second half: a touch just below a stack grows it. */
static struct vma *
grow_stack(struct mm *mm, uint64_t addr)
{
	struct vma *v = vma_first_from(mm, addr);
	uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE);

	if (!v || !(v->flags & VM_GROWSDOWN) || v->start - start > (256ull << 20))
		return NULL;
	/* Keep a guard gap to the mapping below. */
	if (start < USER_MIN_ADDR + PAGE_SIZE || vma_find(mm, start - PAGE_SIZE))
		return NULL;
	v->start = start;
	v->pgoff = 0;
	return v;
}

static int
vm_fault_locked(struct mm *mm, uint64_t addr, unsigned access)
{
	uint64_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	struct vma *v = vma_find(mm, addr);
	pte_t *pte;

	if (!v && !(v = grow_stack(mm, addr)))
		return -EFAULT;
	if (!access_allowed(v, access))
		return -EACCES;
	pte = vm_pte(mm, va, true);
	if (!pte)
		return -ENOMEM;
	if (!(*pte & PTE_P)) {
		int r = fault_missing(mm, v, va, pte, access);
		if (r)
			return r;
	} else if ((access & VM_WRITE) && !(*pte & PTE_W)) {
		int r;
		if (!(v->prot & VM_WRITE) && (access & VM_FAULT_FORCE)) {
			paging_flush_page(va);
			return 0;   /* the kernel writes through the direct map */
		}
		if ((r = fault_cow(mm, v, va, pte)))
			return r;
	}
	paging_flush_page(va);
	return 0;
}

int
vm_fault(struct mm *mm, uint64_t addr, unsigned access)
{
	int r;

	if (addr >= USER_TOP)
		return -EFAULT;
	mutex_lock(&mm->lock);
	r = vm_fault_locked(mm, addr, access);
	mutex_unlock(&mm->lock);
	return r;
}

void
vm_populate(struct mm *mm, uint64_t addr, uint64_t len)
{
	for (uint64_t va = addr; va < addr + len; va += PAGE_SIZE) {
		struct vma *v;
		unsigned access = VM_READ;

		mutex_lock(&mm->lock);
		v = vma_find(mm, va);
		if (v && (v->prot & VM_WRITE))
			access = VM_WRITE;
		if (v)
			vm_fault_locked(mm, va, access);
		mutex_unlock(&mm->lock);
	}
}

int
vm_write_remote(struct mm *mm, uint64_t uaddr, const void *src, size_t n)
{
	const uint8_t *s = src;

	while (n) {
		uint64_t off = uaddr & (PAGE_SIZE - 1);
		size_t chunk = MIN(n, (size_t)(PAGE_SIZE - off));
		pte_t *pte;
		int r;

		mutex_lock(&mm->lock);
		r = vm_fault_locked(mm, uaddr, VM_WRITE | VM_FAULT_FORCE);
		pte = r ? NULL : vm_pte(mm, uaddr, false);
		if (pte)
			memcpy((uint8_t *)phys_to_virt(*pte & PTE_ADDR) + off, s, chunk);
		mutex_unlock(&mm->lock);
		if (r)
			return r;
		uaddr += chunk;
		s += chunk;
		n -= chunk;
	}
	return 0;
}

int
vm_read_remote(struct mm *mm, uint64_t uaddr, void *dst, size_t n)
{
	uint8_t *d = dst;

	while (n) {
		uint64_t off = uaddr & (PAGE_SIZE - 1);
		size_t chunk = MIN(n, (size_t)(PAGE_SIZE - off));
		pte_t *pte;
		int r;

		mutex_lock(&mm->lock);
		r = vm_fault_locked(mm, uaddr, VM_READ);
		pte = r ? NULL : vm_pte(mm, uaddr, false);
		if (pte)
			memcpy(d, (uint8_t *)phys_to_virt(*pte & PTE_ADDR) + off, chunk);
		mutex_unlock(&mm->lock);
		if (r)
			return r;
		uaddr += chunk;
		d += chunk;
		n -= chunk;
	}
	return 0;
}

long
vm_map_file_private(struct mm *mm, uint64_t addr, uint64_t len, int prot,
		    struct file *file, uint64_t off, uint64_t file_limit)
{
	long r = vm_mmap(mm, addr, len, prot, MAP_PRIVATE | MAP_FIXED, file, off);
	struct vma *v;

	if (r < 0)
		return r;
	mutex_lock(&mm->lock);
	v = vma_find(mm, (uint64_t)r);
	if (v && v->file == file)
		v->file_limit = file_limit;
	mutex_unlock(&mm->lock);
	return r;
}

/* The #PF handler: user addresses go through vm_fault(). */
static bool
page_fault_trap(struct trap_frame *tf)
{
	uint64_t addr = arch_fault_address();
	struct thread *t = current();
	unsigned access = (tf->error & PF_WRITE) ? VM_WRITE :
			  (tf->error & PF_INSTR) ? VM_EXEC : VM_READ;
	int r;

	if (addr >= USER_TOP || !t->mm || (tf->error & PF_RSVD))
		return false;
	/* The fault path sleeps (mutex, allocation): allow interrupts again. */
	if (tf->rflags & RFLAGS_IF)
		arch_irq_enable();
	r = vm_fault(t->mm, addr, access);
	if (r == 0)
		return true;
	t->fault_addr = addr;
	t->fault_accerr = r == -EACCES;
	t->fault_bus = r == -ENXIO || r == -EIO;
	return false;
}

void
vm_trap_init(void)
{
	trap_set_handler(T_PF, page_fault_trap);
}
