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
 *        file, shared      -> the file's own cached frame;
 *        file, private, read or execute -> the file's cached frame too,
 *                             read-only, as Linux does: every process
 *                             running a program shares its text, and the
 *                             first write copies (step 4);
 *        file, private, write (or a page the file only partly fills, in a
 *                             writable mapping: its tail must read as
 *                             zero) -> a new frame filled from the file.
 *   4. PTE present but not writable, VMA writable (copy-on-write):
 *        the zero page     -> a new zeroed frame;
 *        frame shared (refcount > 1), or the file's own cached frame
 *                          -> copy it to a new frame, drop one reference
 *                             to the old;
 *        frame not shared  -> the last sharer writes: make the PTE
 *                             writable, no copy.
 *   5. Otherwise the PTE was already fine (another thread fixed it, or the
 *      TLB held a stale entry): flush the entry and retry.
 *
 * A not-present PTE that holds a swap entry is read back in first (or found
 * in the swap cache or the page buffer, mm/pageout.c), then step 4 applies
 * to a write.  When a frame cannot be had, the fault returns -ENOMEM with
 * mm->lock still held; vm_fault() drops the lock, waits for memory
 * (mm/kswapd.c) and tries again, so that reclaim can take this address
 * space's pages too.
 *
 * Every change to a PTE of the running address space is followed by an
 * INVLPG of that page.
 */
#include "mm/vm.h"
#include "mm/vm_internal.h"
#include "mm/pageout.h"
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

uint64_t
vm_pte_prot(const struct vma *v, bool writable)
{
	uint64_t f = PTE_P | PTE_U;

	if (writable)
		f |= PTE_W;
	if (!(v->prot & VM_EXEC))
		f |= PTE_NX;
	return f;
}

/* Where in the VMA's file the page at va lies. */
static uint64_t
file_off(const struct vma *v, uint64_t va)
{
	return (v->pgoff << PAGE_SHIFT) + (va - v->start);
}

/* Fill a fresh frame from the VMA's file, zeroing past file_limit. */
static int
fill_from_file(const struct vma *v, uint64_t va, void *page)
{
	uint64_t off = file_off(v, va);
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

/*
 * Map pa, a file's own cached frame (referenced by getpage or getpage_ro),
 * at va.  => 0, or an error with the reference given back.
 */
static int
map_file_frame(struct mm *mm, const struct vma *v, uint64_t va, pte_t *pte, paddr_t pa,
	       bool writable)
{
	struct page *p = pa_to_page(pa);
	int r;

	/* A page its cache lets reclaim take is reverse-mapped like a private one. */
	if (p && (p->flags & PG_RECLAIMABLE) && (r = vm_page_mapped(mm, va, p))) {
		page_put(p);
		return r;
	}
	*pte = pa | vm_pte_prot(v, writable);
	mm->rss++;
	return 0;
}

/* A shared file mapping maps the file's own page: no copy. */
static int
fault_shared_file(struct mm *mm, const struct vma *v, uint64_t va, pte_t *pte)
{
	paddr_t pa;
	int r;

	if (!vm_file_ops.getpage)
		return -EIO;
	if ((r = vm_file_ops.getpage(v->file, file_off(v, va), &pa)) < 0)
		return r;
	return map_file_frame(mm, v, va, pte, pa, v->prot & VM_WRITE);
}

/*
 * A private mapping's read of a file page maps the file's cached frame,
 * read-only, when the file system offers it (getpage_ro) and the page
 * needs no zeroed tail: a writable mapping's last, partial page gets a
 * copy whose bytes past the file's part are zero, as ELF asks for a data
 * segment's bss; a read-only one maps the file's page as it is, as Linux
 * does for the end of a program's text.  => 1: not this way (copy).
 *
 * Besides sharing one copy of a program's text among its processes, this
 * keeps the frames that hold code in the page cache.  When every process
 * copied its text, the frames went back to the allocator at exit and came
 * back as kernel stacks and heap, and under QEMU's TCG a frame it once ran
 * code from stays "code" to it: each store to it took the slow path, and
 * a system call on such a stack cost 10 to 130 us instead of 0.3.
 */
static int
fault_private_file_ro(struct mm *mm, const struct vma *v, uint64_t va, pte_t *pte)
{
	uint64_t off = file_off(v, va);
	paddr_t pa;
	int r;

	if (!vm_file_ops.getpage_ro || off >= v->file_limit ||
	    ((v->prot & VM_WRITE) && v->file_limit - off < PAGE_SIZE))
		return 1;
	if ((r = vm_file_ops.getpage_ro(v->file, off, &pa)) < 0)
		return r == -ENODATA ? 1 : r;
	return map_file_frame(mm, v, va, pte, pa, false);
}

/* A zeroed frame for a user page, or 0 (the caller returns -ENOMEM and waits). */
static paddr_t
user_frame(bool zero)
{
	paddr_t pa = vm_frame_alloc();

	if (pa && zero)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

/* Step 3: nothing mapped yet. */
static int
fault_missing(struct mm *mm, const struct vma *v, uint64_t va, pte_t *pte,
	      unsigned access)
{
	bool write = access & VM_WRITE, writable;
	paddr_t pa;
	int r;

	if (v->file && (v->flags & VM_SHARED))
		return fault_shared_file(mm, v, va, pte);
	if (!v->file && !write && !(access & VM_FAULT_FORCE)) {
		*pte = zero_page | vm_pte_prot(v, false);
		vm_stats.zero_fill_faults++;
		mm->rss++;
		return 0;
	}
	if (v->file && !write && !(access & VM_FAULT_FORCE) &&
	    (r = fault_private_file_ro(mm, v, va, pte)) <= 0)
		return r;
	pa = user_frame(true);
	if (!pa)
		return -ENOMEM;
	if (v->file && (r = fill_from_file(v, va, phys_to_virt(pa))) < 0) {
		pmm_free(pa, 0);
		return r;
	}
	writable = (v->prot & VM_WRITE) && (write || (v->flags & VM_SHARED));
	/* Private pages are reclaimable; shared anonymous ones stay (mm/pageout.c). */
	if (!(v->flags & VM_SHARED) && (r = vm_page_mapped(mm, va, pa_to_page(pa)))) {
		pmm_free(pa, 0);
		return r;
	}
	if (v->file && !writable && !(access & VM_FAULT_FORCE))
		pa_to_page(pa)->flags |= PG_FILECLEAN;   /* may be dropped and read again */
	if (!v->file)
		vm_stats.zero_fill_faults++;
	*pte = pa | vm_pte_prot(v, writable);
	mm->rss++;
	return 0;
}

/*
 * Step 4: a write to a present, read-only PTE of a writable VMA.  Also the
 * kernel's forced write to a read-only one (writable false): the page
 * becomes this address space's own but stays read-only to the user.
 */
static int
fault_cow(struct mm *mm, const struct vma *v, uint64_t va, pte_t *pte, bool writable)
{
	paddr_t old = *pte & PTE_ADDR, pa;
	pte_t old_pte = *pte;
	struct page *p = pa_to_page(old);
	int r;

	/* A file's cached frame in a private mapping is the file's: never take it over. */
	bool file_frame = p && !(v->flags & VM_SHARED) && !(p->flags & (PG_ANON | PG_SWAPCACHE));

	if (old != zero_page && !file_frame && vm_page_reuse(p)) {
		p->flags &= ~PG_FILECLEAN;
		if (writable)
			*pte |= PTE_W;       /* the last sharer: reuse the frame */
		vm_stats.cow_reuses++;
		return 0;
	}
	pa = user_frame(old == zero_page);
	if (!pa)
		return -ENOMEM;
	if (!(v->flags & VM_SHARED) && (r = vm_page_mapped(mm, va, pa_to_page(pa)))) {
		pmm_free(pa, 0);
		return r;
	}
	if (old == zero_page) {
		vm_stats.zero_fill_faults++;
	} else {
		memcpy(phys_to_virt(pa), phys_to_virt(old), PAGE_SIZE);
		vm_stats.cow_faults++;
	}
	*pte = pa | vm_pte_prot(v, writable);
	/* Other CPUs may still see the old frame: make them drop it first. */
	tlb_flush_range(mm, va, va + PAGE_SIZE);
	vm_pte_dropped(mm, va, old_pte);
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

int
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
	if (pte_is_swap(*pte)) {
		int r = vm_swap_fault(mm, va, pte, vm_pte_prot(v, false),
				      (access & VM_WRITE) && (v->prot & VM_WRITE), false);
		if (r)
			return r;
	}
	if (!(*pte & PTE_P)) {
		int r = fault_missing(mm, v, va, pte, access);
		if (r)
			return r;
	} else if ((access & VM_WRITE) && !(*pte & PTE_W)) {
		int r;
		/*
		 * The kernel writes through the direct map into a read-only
		 * mapping: into a frame of this address space's own, never
		 * the file's or one a fork shares.
		 */
		bool ro = !(v->prot & VM_WRITE) && (access & VM_FAULT_FORCE);

		if (ro && (v->flags & VM_SHARED)) {
			paging_flush_page(va);
			return 0;       /* a shared mapping's frame is the file's anyway */
		}
		if ((r = fault_cow(mm, v, va, pte, !ro)))
			return r;
	}
	paging_flush_page(va);
	return 0;
}

/*
 * Run one fault, and with mm->lock held afterwards call done(arg) (which
 * may use the page); short of memory, wait without the lock and try again.
 */
static int
fault_and(struct mm *mm, uint64_t addr, unsigned access, void (*done)(struct mm *, void *),
	  void *arg)
{
	swp_entry_t e = 0;
	int r;

	for (;;) {
		mutex_lock(&mm->lock);
		r = vm_fault_locked(mm, addr, access);
		if (r == 0 && done)
			done(mm, arg);
		if (r == -EAGAIN) {     /* a swap read: do it without the lock */
			pte_t *pte = vm_pte(mm, addr, false);
			e = pte ? *pte : 0;
		}
		mutex_unlock(&mm->lock);
		if (r == -EAGAIN && pte_is_swap(e))
			r = vm_swap_prefetch(e);
		if (r == -EAGAIN || (r == 0 && e)) {
			e = 0;
			continue;
		}
		if (r != -ENOMEM)
			return r;
		if ((r = vm_wait_for_memory()))
			return r;
	}
}

int
vm_fault(struct mm *mm, uint64_t addr, unsigned access)
{
	if (addr >= USER_TOP)
		return -EFAULT;
	VMR_INC(pgfault);
	return fault_and(mm, addr, access, NULL, NULL);
}

int
vm_populate_range(struct mm *mm, uint64_t addr, uint64_t len)
{
	for (uint64_t va = addr; va < addr + len; va += PAGE_SIZE) {
		struct vma *v;
		unsigned access = VM_READ;
		int r;

		mutex_lock(&mm->lock);
		v = vma_find(mm, va);
		if (v && (v->prot & VM_WRITE))
			access = VM_WRITE;
		mutex_unlock(&mm->lock);
		if (!v)
			continue;
		if ((r = fault_and(mm, va, access, NULL, NULL)) && r != -EFAULT && r != -EACCES)
			return r;
	}
	return 0;
}

void
vm_populate(struct mm *mm, uint64_t addr, uint64_t len)
{
	(void)vm_populate_range(mm, addr, len);
}

struct remote_copy {
	uint64_t uaddr;
	void *buf;
	size_t n;
	bool to_user;
};

static void
remote_copy_page(struct mm *mm, void *arg)
{
	struct remote_copy *rc = arg;
	pte_t *pte = vm_pte(mm, rc->uaddr, false);
	uint8_t *page;

	if (!pte || !(*pte & PTE_P))
		return;
	page = (uint8_t *)phys_to_virt(*pte & PTE_ADDR) + (rc->uaddr & (PAGE_SIZE - 1));
	if (rc->to_user) {
		struct page *p = pa_to_page(*pte & PTE_ADDR);

		if (p)
			p->flags &= ~PG_FILECLEAN;   /* no longer what the file holds */
		memcpy(page, rc->buf, rc->n);
		return;
	}
	memcpy(rc->buf, page, rc->n);
}

static int
remote_copy(struct mm *mm, uint64_t uaddr, uint8_t *buf, size_t n, bool to_user)
{
	while (n) {
		size_t chunk = MIN(n, (size_t)(PAGE_SIZE - (uaddr & (PAGE_SIZE - 1))));
		struct remote_copy rc = { uaddr, buf, chunk, to_user };
		unsigned access = to_user ? VM_WRITE | VM_FAULT_FORCE : VM_READ;
		int r = fault_and(mm, uaddr, access, remote_copy_page, &rc);

		if (r)
			return r;
		uaddr += chunk;
		buf += chunk;
		n -= chunk;
	}
	return 0;
}

int
vm_write_remote(struct mm *mm, uint64_t uaddr, const void *src, size_t n)
{
	return remote_copy(mm, uaddr, (uint8_t *)src, n, true);
}

int
vm_read_remote(struct mm *mm, uint64_t uaddr, void *dst, size_t n)
{
	return remote_copy(mm, uaddr, dst, n, false);
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
	/* Out of memory with a signal pending (the OOM killer's SIGKILL, perhaps):
	 * user mode takes it on the way back; a kernel access fails. */
	if (r == -EINTR && (tf->cs & 3))
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
