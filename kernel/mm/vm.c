// SPDX-License-Identifier: MIT
/*
 * Address spaces and their VMAs: create, fork, map, unmap, protect, brk.
 *
 * Every operation that changes the layout works in three steps: split the
 * VMAs at the edges of the affected range so that the range is made of
 * whole VMAs, change those VMAs (or drop them with their pages), then merge
 * neighbours that became identical again.  So munmap() of a page in the
 * middle of a mapping leaves two VMAs, and mprotect() back to the old
 * protection leaves one.
 *
 * Fork copies the VMAs and the page tables but not the pages: every private
 * writable page becomes read-only in both parent and child, and each frame's
 * reference count says how many address spaces still share it.  The first
 * write by either side is a fault that copies (mm/fault.c).
 */
#include "mm/vm.h"
#include "mm/vm_internal.h"
#include "mm/pageout.h"
#include "mm/kmap.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "mm/tlb.h"
#include "arch/arch.h"
#include "arch/smp.h"
#include "arch/x86_64/paging.h"
#include "core/panic.h"
#include "lib/string.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

static struct kmem_cache *vma_cache;
struct vm_file_ops vm_file_ops;
/* Every address space, for swapoff.  Order: a leaf (nothing is taken under it). */
struct spinlock mm_list_lock = SPINLOCK_INIT("mm_list");
struct list_node mm_list = LIST_INIT(mm_list);       /* [mm_list_lock] */

void
vm_set_file_ops(const struct vm_file_ops *ops)
{
	vm_file_ops = *ops;
}

static int
vma_cmp(const struct avl_node *a, const struct avl_node *b)
{
	uint64_t x = avl_entry(a, struct vma, node)->start;
	uint64_t y = avl_entry(b, struct vma, node)->start;

	return (x > y) - (x < y);
}

static int
vma_key_cmp(const void *key, const struct avl_node *n)
{
	uint64_t k = *(const uint64_t *)key, s = avl_entry(n, struct vma, node)->start;

	return (k > s) - (k < s);
}

struct vma *
vma_find(struct mm *mm, uint64_t addr)
{
	struct avl_node *n = avl_floor(&mm->vmas, &addr, vma_key_cmp);
	struct vma *v = n ? avl_entry(n, struct vma, node) : NULL;

	return v && addr < v->end ? v : NULL;
}

/* The first VMA that ends above addr (it may start above addr). */
struct vma *
vma_first_from(struct mm *mm, uint64_t addr)
{
	struct vma *v = vma_find(mm, addr);
	struct avl_node *n;

	if (v)
		return v;
	n = avl_lower_bound(&mm->vmas, &addr, vma_key_cmp);
	return n ? avl_entry(n, struct vma, node) : NULL;
}

struct vma *
vma_next(struct vma *v)
{
	struct avl_node *n = avl_next(&v->node);

	return n ? avl_entry(n, struct vma, node) : NULL;
}

static struct vma *
vma_prev(struct vma *v)
{
	struct avl_node *n = avl_prev(&v->node);

	return n ? avl_entry(n, struct vma, node) : NULL;
}

struct vma *
vma_new(uint64_t start, uint64_t end, uint32_t prot, uint32_t flags)
{
	struct vma *v = kmem_cache_alloc(vma_cache);

	if (!v)
		return NULL;
	memset(v, 0, sizeof(*v));
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	return v;
}

static void
vma_free(struct vma *v)
{
	if (v->file && vm_file_ops.put)
		vm_file_ops.put(v->file);
	kmem_cache_free(vma_cache, v);
}

void
vma_insert(struct mm *mm, struct vma *v)
{
	if (avl_insert(&mm->vmas, &v->node, vma_cmp))
		panic("vma_insert: overlapping VMA at %#llx", (unsigned long long)v->start);
}

/* ---- page-table helpers ---- */

static paddr_t
pt_alloc(void)
{
	return pmm_alloc_zeroed(0);
}

static void
pt_free(paddr_t pa)
{
	pmm_free(pa, 0);
}

pte_t *
vm_pte(struct mm *mm, uint64_t va, bool create)
{
	return paging_walk(mm->pml4, va, create ? pt_alloc : NULL);
}

/*
 * Zapping a range clears its PTEs first, shoots down the TLBs, and only
 * then lets go of the frames: until every CPU has dropped its translation,
 * a frame may still be written through it, so it must not be reused yet.
 * The cleared entries wait in a small batch; a full batch is flushed and
 * released early.
 */
#define ZAP_BATCH 32

struct zap_ctx {
	struct mm *mm;
	unsigned n;
	uint64_t lo, hi;            /* the range the batch's entries came from */
	uint64_t va[ZAP_BATCH];
	pte_t old[ZAP_BATCH];
};

static void
zap_flush(struct zap_ctx *z)
{
	if (!z->n)
		return;
	tlb_flush_range(z->mm, z->lo, z->hi);
	for (unsigned i = 0; i < z->n; i++)
		vm_pte_dropped(z->mm, z->va[i], z->old[i]);
	z->n = 0;
}

static void
zap_one(pte_t *pte, vaddr_t va, void *arg)
{
	struct zap_ctx *z = arg;

	if (z->n == ZAP_BATCH)
		zap_flush(z);
	if (z->n == 0)
		z->lo = va;
	z->hi = va + PAGE_SIZE;
	z->va[z->n] = va;
	z->old[z->n++] = *pte;
	if (*pte & PTE_P)
		z->mm->rss--;
	*pte = 0;
}

/* Unmap and release the pages (and swap slots) of [start, end).  => mm->lock held. */
void
vm_zap_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct zap_ctx z = { .mm = mm };

	paging_visit_entries(mm->pml4, start, end, zap_one, &z);
	zap_flush(&z);
}

static void
zap_range(struct mm *mm, uint64_t start, uint64_t end)
{
	vm_zap_range(mm, start, end);
}

/* ---- splitting and merging ---- */

/* Make addr a VMA boundary if a VMA straddles it.  => 0 or -ENOMEM. */
static int
split_at(struct mm *mm, uint64_t addr)
{
	struct vma *v = vma_find(mm, addr), *n;

	if (!v || v->start == addr)
		return 0;
	n = vma_new(addr, v->end, v->prot, v->flags);
	if (!n)
		return -ENOMEM;
	n->file = v->file;
	n->file_limit = v->file_limit;
	if (n->file && vm_file_ops.get)
		vm_file_ops.get(n->file);
	n->pgoff = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);
	v->end = addr;
	vma_insert(mm, n);
	return 0;
}

static bool
mergeable(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->file != b->file)
		return false;
	if (a->file && (a->pgoff + ((a->end - a->start) >> PAGE_SHIFT) != b->pgoff ||
			a->file_limit != b->file_limit))
		return false;
	return true;
}

/* Merge v with its neighbours where they became identical. */
static void
try_merge(struct mm *mm, struct vma *v)
{
	struct vma *p = vma_prev(v), *n = vma_next(v);

	if (n && mergeable(v, n)) {
		v->end = n->end;
		avl_remove(&mm->vmas, &n->node);
		vma_free(n);
	}
	if (p && mergeable(p, v)) {
		p->end = v->end;
		avl_remove(&mm->vmas, &v->node);
		vma_free(v);
	}
}

int
vm_split(struct mm *mm, uint64_t addr)
{
	return split_at(mm, addr);
}

void
vm_merge(struct mm *mm, struct vma *v)
{
	try_merge(mm, v);
}

/* Remove every mapping in [start, end).  => mm->lock held; 0 or -ENOMEM. */
int
unmap_range_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v;
	int r;

	if ((r = split_at(mm, start)) || (r = split_at(mm, end)))
		return r;
	while ((v = vma_first_from(mm, start)) && v->start < end) {
		zap_range(mm, v->start, v->end);
		avl_remove(&mm->vmas, &v->node);
		vma_free(v);
	}
	return 0;
}

/* ---- life cycle ---- */

void
vm_init(void)
{
	vma_cache = kmem_cache_create("vma", sizeof(struct vma), 8);
	if (!vma_cache)
		panic("vm_init: no memory");
	vm_zero_page_init();
}

struct mm *
mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	pte_t *pml4, *kpml4;

	if (!mm)
		return NULL;
	mm->pml4 = pmm_alloc_zeroed(0);
	if (!mm->pml4) {
		kfree(mm);
		return NULL;
	}
	/* The kernel half is shared: copy its PML4 slots. */
	pml4 = phys_to_virt(mm->pml4);
	kpml4 = phys_to_virt(kmap_root());
	for (int i = 256; i < 512; i++)
		pml4[i] = kpml4[i];
	mutex_init(&mm->lock, "mm");
	avl_init(&mm->vmas);
	mm->users = 1;
	tlb_ctx_init(&mm->tlb);
	mm->mmap_top = USER_MMAP_TOP;
	mm->stack_top = USER_STACK_TOP;
	spin_lock(&mm_list_lock);
	list_push_back(&mm_list, &mm->all_node);
	spin_unlock(&mm_list_lock);
	return mm;
}

void
mm_get(struct mm *mm)
{
	__atomic_add_fetch(&mm->users, 1, __ATOMIC_RELAXED);
}

bool
mm_tryget(struct mm *mm)
{
	int n = __atomic_load_n(&mm->users, __ATOMIC_RELAXED);

	while (n > 0)
		if (__atomic_compare_exchange_n(&mm->users, &n, n + 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
	return false;
}

/*
 * Lazy address spaces.  A kernel thread (the idle thread above all) uses
 * only the kernel half, which every address space shares, so switching to
 * one leaves the last user address space loaded: a process that sleeps
 * and wakes on an otherwise idle CPU then finds its page tables and TLB
 * entries still there, and no %cr3 write happens in either direction.
 * The borrowed address space stays in cpu->active_mm, so TLB shootdowns
 * still reach that CPU.  The one duty this adds: before an address space's
 * page tables are freed, no CPU may still have them loaded (mm_unlazy).
 */
void
mm_activate_lazy(struct mm *mm)
{
	if (mm)
		mm_activate(mm);
}

static void
drop_if_loaded(void *mm)
{
	if (this_cpu()->active_mm == mm)
		mm_activate(NULL);
}

/* No CPU keeps mm loaded once this returns.  => mm has no users left. */
static void
mm_unlazy(struct mm *mm)
{
	uint64_t mask = tlb_cpus_using(mm);

	if (mask)
		smp_call_function(mask, drop_if_loaded, mm);
}

static void
mm_destroy(struct mm *mm)
{
	struct avl_node *n;

	spin_lock(&mm_list_lock);
	list_remove(&mm->all_node);
	spin_unlock(&mm_list_lock);
	while ((n = avl_first(&mm->vmas)) != NULL) {
		struct vma *v = avl_entry(n, struct vma, node);
		zap_range(mm, v->start, v->end);
		avl_remove(&mm->vmas, n);
		vma_free(v);
	}
	mm_unlazy(mm);
	paging_free_user_tables(mm->pml4, pt_free);
	pmm_free(mm->pml4, 0);
	kfree(mm);
}

void
mm_put(struct mm *mm)
{
	if (__atomic_sub_fetch(&mm->users, 1, __ATOMIC_ACQ_REL) == 0)
		mm_destroy(mm);
}

void
mm_activate(struct mm *mm)
{
	unsigned long flags = arch_irq_save();   /* one CPU's cache throughout */

	WRITE_ONCE(this_cpu()->active_mm, mm);
	pcid_load(mm ? mm->pml4 : kmap_root(), mm ? &mm->tlb : NULL);
	arch_irq_restore(flags);
}

struct fork_ctx {
	struct mm *child;
	const struct vma *vma;
	bool cow;
	int err;
};

/*
 * Share one page (or swap entry) with the child; private writable pages go
 * COW.  A dirty bit moves to the frame's last writer: the parent keeps it.
 */
static void
fork_one(pte_t *pte, vaddr_t va, void *arg)
{
	struct fork_ctx *fc = arg;
	pte_t *cpte;
	int r;

	if (fc->err)
		return;
	cpte = vm_pte(fc->child, va, true);
	if (!cpte) {
		fc->err = -ENOMEM;
		return;
	}
	if ((r = vm_pte_forked(fc->child, va, *pte))) {
		fc->err = r;
		return;
	}
	if (!(*pte & PTE_P)) {
		*cpte = *pte;         /* a swap entry: both now hold the slot */
		return;
	}
	if (fc->cow)
		*pte &= ~PTE_W;
	*cpte = *pte & ~(PTE_A | PTE_D);
	fc->child->rss++;
}

static int
fork_vma(struct mm *child, const struct vma *pv, struct mm *parent)
{
	struct vma *cv = vma_new(pv->start, pv->end, pv->prot, pv->flags);
	struct fork_ctx fc = { child, pv, false, 0 };

	if (!cv)
		return -ENOMEM;
	cv->file = pv->file;
	cv->pgoff = pv->pgoff;
	cv->file_limit = pv->file_limit;
	cv->flags &= ~VM_LOCKED;    /* memory locks are not inherited (POSIX) */
	if (cv->file && vm_file_ops.get)
		vm_file_ops.get(cv->file);
	vma_insert(child, cv);
	fc.cow = !(pv->flags & VM_SHARED) && (pv->prot & VM_WRITE);
	paging_visit_entries(parent->pml4, pv->start, pv->end, fork_one, &fc);
	return fc.err;
}

static struct mm *mm_fork_once(struct mm *parent, int *errp);

/*
 * Copying the page tables needs memory (tables, reverse-map items); when it
 * is short, give up the half-made copy, wait for reclaim, and start again.
 */
struct mm *
mm_fork(struct mm *parent)
{
	for (int tries = 0; tries < 8; tries++) {
		int err = 0;
		struct mm *child = mm_fork_once(parent, &err);

		/* Room for the tables and one reverse-map item per page, roughly. */
		if (child || err != -ENOMEM || vm_wait_for_pages(512u << tries))
			return child;
	}
	return NULL;
}

static struct mm *
mm_fork_once(struct mm *parent, int *errp)
{
	struct mm *child = mm_create();
	int err = 0;

	if (!child) {
		*errp = -ENOMEM;
		return NULL;
	}
	mutex_lock(&parent->lock);
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->mmap_top = parent->mmap_top;
	child->stack_top = parent->stack_top;
	child->membarrier_private = parent->membarrier_private;   /* as Linux: exec resets it */
	child->arg_start = parent->arg_start;
	child->arg_end = parent->arg_end;
	child->env_start = parent->env_start;
	child->env_end = parent->env_end;
	for (struct avl_node *n = avl_first(&parent->vmas); n && !err; n = avl_next(n))
		err = fork_vma(child, avl_entry(n, struct vma, node), parent);
	/* The parent's writable PTEs just became read-only: drop stale TLB entries. */
	tlb_flush_range(parent, 0, USER_TOP);
	mutex_unlock(&parent->lock);
	if (err) {
		*errp = err;
		mm_put(child);
		return NULL;
	}
	return child;
}

/* ---- mmap ---- */

/* Highest free gap of len bytes below top.  => address or 0. */
static uint64_t
find_free(struct mm *mm, uint64_t len, uint64_t top)
{
	uint64_t hi = top;

	while (hi >= USER_MIN_ADDR + len) {
		struct vma *v = vma_find(mm, hi - 1);
		struct avl_node *n;

		if (!v) {
			uint64_t key = hi - 1;
			n = avl_floor(&mm->vmas, &key, vma_key_cmp);
			v = n ? avl_entry(n, struct vma, node) : NULL;
		}
		if (!v || v->end <= hi - len)
			return hi - len;
		hi = v->start;
	}
	return 0;
}

uint64_t
vm_find_free_locked(struct mm *mm, uint64_t len)
{
	return find_free(mm, len, mm->mmap_top);
}

static bool
range_free(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v = vma_first_from(mm, start);

	return !v || v->start >= end;
}

static int
check_mmap_args(uint64_t addr, uint64_t len, int prot, int flags)
{
	int type = flags & MAP_TYPE;

	if (len == 0 || len > USER_TOP)
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	return 0;
}

/* Choose where a new mapping goes.  => address or -errno. */
static long
place_mapping(struct mm *mm, uint64_t addr, uint64_t len, int flags)
{
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr < USER_MIN_ADDR || addr + len > USER_TOP || addr + len < addr)
			return -EPERM;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
		    !range_free(mm, addr, addr + len))
			return -EEXIST;
		if (unmap_range_locked(mm, addr, addr + len))
			return -ENOMEM;
		return (long)addr;
	}
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	if (addr >= USER_MIN_ADDR && addr + len <= USER_TOP && addr + len > addr &&
	    range_free(mm, addr, addr + len))
		return (long)addr;
	addr = find_free(mm, len, mm->mmap_top);
	return addr ? (long)addr : -ENOMEM;
}

long
vm_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
	struct file *file, uint64_t off)
{
	uint32_t vflags = 0;
	struct vma *v;
	long where;
	int r;

	if ((r = check_mmap_args(addr, len, prot, flags)))
		return r;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!(flags & MAP_ANONYMOUS) && (!file || !IS_ALIGNED(off, PAGE_SIZE)))
		return file ? -EINVAL : -EBADF;
	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		vflags |= VM_SHARED;
	if (flags & MAP_GROWSDOWN)
		vflags |= VM_GROWSDOWN;
	if (flags & MAP_LOCKED)
		vflags |= VM_LOCKED;
	if (flags & MAP_NORESERVE)
		vflags |= VM_NORESERVE;

	mutex_lock(&mm->lock);
	vflags |= mm->def_flags;
	where = place_mapping(mm, addr, len, flags);
	if (where < 0)
		goto out;
	v = vma_new((uint64_t)where, (uint64_t)where + len, prot & VM_PROT_MASK, vflags);
	if (!v) {
		where = -ENOMEM;
		goto out;
	}
	if (file && !(flags & MAP_ANONYMOUS)) {
		v->file = file;
		v->pgoff = off >> PAGE_SHIFT;
		v->file_limit = ~0ull;
		if (vm_file_ops.get)
			vm_file_ops.get(file);
	}
	vma_insert(mm, v);
	try_merge(mm, v);
	mutex_unlock(&mm->lock);
	/*
	 * Shared anonymous memory is populated at once, so pages that fork
	 * later shares exist in both processes.  FIXME: a shared memory object
	 * would let these be lazy too.
	 */
	if ((flags & MAP_POPULATE) || (vflags & VM_LOCKED) || ((vflags & VM_SHARED) && !v->file))
		vm_populate(mm, (uint64_t)where, len);
	return where;
out:
	mutex_unlock(&mm->lock);
	return where;
}

int
vm_munmap(struct mm *mm, uint64_t addr, uint64_t len)
{
	int r;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || len == 0 || addr + len < addr ||
	    addr + len > USER_TOP)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	r = unmap_range_locked(mm, addr, addr + len);
	mutex_unlock(&mm->lock);
	return r;
}

/* ---- brk ---- */

void
vm_brk_init(struct mm *mm, uint64_t start)
{
	mm->brk_start = mm->brk = ALIGN_UP(start, PAGE_SIZE);
}

uint64_t
vm_brk(struct mm *mm, uint64_t newbrk)
{
	uint64_t old, oldtop, newtop;
	struct vma *v;

	mutex_lock(&mm->lock);
	old = mm->brk;
	if (newbrk < mm->brk_start || newbrk >= mm->mmap_top)
		goto out;
	oldtop = ALIGN_UP(old, PAGE_SIZE);
	newtop = ALIGN_UP(newbrk, PAGE_SIZE);
	if (newtop > oldtop) {
		if (!range_free(mm, oldtop, newtop))
			goto out;
		v = vma_new(oldtop, newtop, VM_READ | VM_WRITE, VM_HEAP | mm->def_flags);
		if (!v)
			goto out;
		vma_insert(mm, v);
		try_merge(mm, v);
	} else if (newtop < oldtop && unmap_range_locked(mm, newtop, oldtop)) {
		goto out;
	}
	mm->brk = newbrk;
	if ((mm->def_flags & VM_LOCKED) && newtop > oldtop) {
		mutex_unlock(&mm->lock);
		vm_populate(mm, oldtop, newtop - oldtop);   /* mlockall(MCL_FUTURE) */
		return newbrk;
	}
out:
	newbrk = mm->brk;
	mutex_unlock(&mm->lock);
	return newbrk;
}
