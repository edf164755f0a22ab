// SPDX-License-Identifier: MIT
/*
 * Page reclaim: taking frames away from user pages when memory is short.
 *
 * Which pages.  Every private user page (anonymous memory, and the private
 * copies of file pages that a MAP_PRIVATE mapping or an ELF segment makes)
 * is "managed": PG_ANON, reverse-mapped (mm/rmap.c) and known to the page
 * replacement policy chosen with keel.reclaim= (mm/reclaim.h).  Shared
 * anonymous memory is not managed (a page of it must stay one page for all
 * its mappers, which a swap-in would break without a shared memory object),
 * nor is the page cache's own memory, whose owner evicts it (mm/vm.h,
 * struct vm_cache_ops), nor ramfs data, which is the storage itself.
 *
 * The states of a managed page:
 *
 *                 fault, fork                   evict: unmap every PTE,
 *   free --------------------------> MAPPED ---- write if dirty --------+
 *    ^                             (in policy)                          |
 *    |                               ^    |                             v
 *    |        swap-in (read)         |    | last PTE gone,       STANDBY (page buffer,
 *    +-------------------------------+    | copy still in swap   FIFO, in swap cache,
 *    |                                    +-------------------->  not in policy)
 *    |  oldest standby page is reused          rescue: a fault finds   |
 *    +----------------------------------------- it here, no I/O -------+
 *
 * plus LOCKED (PG_LOCKED) while one thread evicts it or reads it in: the
 * policy skips it, and a fault that finds it in the swap cache waits.
 *
 * The swap cache maps a swap entry to the page that holds its contents in
 * memory, so that a page shared by several processes after fork, swapped
 * out from all of them, is read in once: the first fault reads it and the
 * others find it.  A page in the swap cache is only ever mapped read-only,
 * so it always equals its slot on disk and can be evicted again without a
 * write; the first write either takes the page out of the cache (when the
 * writer is its only user) or copies it (copy-on-write).
 *
 * Page buffering (VMS's free list): an evicted page goes back to the
 * allocator only when it is the oldest of the page buffer and a frame is
 * wanted; until then it keeps its identity in the swap cache, and a fault
 * on it "rescues" it without I/O.  So a page that was evicted by mistake
 * costs a fault, not a disk read.
 *
 * Clean private file pages (PG_FILECLEAN: filled from the file, never
 * written) are dropped instead of written: the PTE is cleared and the next
 * fault reads the file again.
 *
 * Eviction of a page P, one at a time:
 *   1. the policy names P (reclaim_victim); if a PTE's accessed bit is
 *      set, clear it, tell the policy (reclaim_access) and ask again;
 *   2. lock P (PG_LOCKED), take a reference to P and to each mapper's mm;
 *   3. lock every mapper's mm->lock, in address order, waiting at most
 *      20 ms for each (a busy mm means "skip this page").  Reclaim never
 *      runs with an mm->lock held: a fault short of memory unlocks first
 *      (mm/kswapd.c), and a swap read is done without the lock
 *      (vm_swap_prefetch); so a lock holder never waits for reclaim, and
 *      two reclaimers take locks in the same order;
 *   4. give P a swap slot (unless it is a clean file copy or already in
 *      the swap cache), replace every PTE by the swap entry (or 0), shoot
 *      down the TLBs, drop the reverse map, unlock the mms;
 *   5. write P to its slot if it was not already there;
 *   6. unlock P: it goes to the page buffer, or, if a fault mapped it
 *      again in the meantime, stays.
 *
 * Lock order: mm->lock (a mutex, in the fault path) -> vmr_lock (this
 * file's spinlock) -> swap_lock -> the frame allocator.  Nothing that may
 * allocate from the slab runs under vmr_lock (slab grows under its own lock
 * and then calls the frame allocator), and no I/O.
 */
#include "mm/pageout.h"
#include "mm/vm_internal.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "mm/tlb.h"
#include "arch/arch.h"
#include "core/panic.h"
#include "core/printk.h"
#include "sync/waitqueue.h"
#include "uapi/errno.h"

#define SC_HASH      1024

struct spinlock vmr_lock = SPINLOCK_INIT("vmr");
struct vm_reclaim_stats vmr_stats;

struct reclaim vmr_policy;                             /* [R] */
bool vmr_policy_ready;                                 /* [I] after vm_reclaim_init */
static struct list_node standby = LIST_INIT(standby);  /* [R] the page buffer, oldest first */
static uint64_t nstandby;                              /* [R] */
static struct page *sc_hash[SC_HASH];                  /* [R] chained through page->priv */
struct waitq vmr_io_wq = WAITQ_INIT(vmr_io_wq);         /* a PG_LOCKED page was unlocked */


static bool
rec_pinned(const struct reclaim_entry *e, void *arg)
{
	return page_of_rec(e)->flags & PG_LOCKED;
}

static void *
pol_alloc(size_t size, void *arg)
{
	return kmalloc(size);
}

static void
pol_free(void *p, void *arg)
{
	kfree(p);
}

void
vm_reclaim_init(const char *name)
{
	const struct reclaim_policy *pol = reclaim_policy_select(name);
	struct reclaim_params prm = { .mem = { pol_alloc, pol_free, NULL },
				      .is_pinned = rec_pinned };
	struct pmm_stats st;

	pmm_stats(&st);
	prm.capacity = st.total_pages;
	if (name && !reclaim_policy_find(name))
		pr_warn("reclaim: no policy \"%s\"; using %s\n", name, pol->name);
	if (reclaim_init(&vmr_policy, pol, &prm))
		panic("reclaim: cannot set up the %s policy", pol->name);
	rmap_init();
	vmr_policy_ready = true;
	pr_info("reclaim: policy %s (%s)\n", pol->name, pol->desc);
}

const char *
vm_reclaim_policy_name(void)
{
	return vmr_policy_ready ? vmr_policy.policy->name : "none";
}

void
vm_reclaim_get_stats(struct reclaim_stats *st)
{
	spin_lock(&vmr_lock);
	reclaim_get_stats(&vmr_policy, st);
	spin_unlock(&vmr_lock);
}

static uint64_t nswapcache;       /* [R] */
static uint64_t npinned;          /* [R] pages with rec.pinned set (mlock) */

void
vm_set_pinned_locked(struct page *p, bool pin)
{
	if (p->rec.pinned != pin)
		npinned += pin ? 1 : -1;
	p->rec.pinned = pin;
}

void
vm_reclaim_counters(struct vm_reclaim_stats *out)
{
	struct reclaim_stats st;
	*out = vmr_stats;
	spin_lock(&vmr_lock);
	reclaim_get_stats(&vmr_policy, &st);
	out->resident = vmr_policy.resident;
	out->standby = nstandby;
	out->swapcache = nswapcache;
	out->mlocked = npinned;
	spin_unlock(&vmr_lock);
	out->ghost_hits = st.ghost_hits_b1 + st.ghost_hits_b2;
}

/* The capacity is every frame of the machine, so an insertion cannot fail. */
void
vm_policy_insert_locked(struct page *p)
{
	if (reclaim_insert(&vmr_policy, &p->rec))
		panic("reclaim: cannot insert frame %#llx", (unsigned long long)page_to_pa(p));
}

/* ---- the swap cache and the page buffer (vmr_lock held) ---- */

static unsigned
sc_bucket(swp_entry_t e)
{
	return (unsigned)((e >> SWP_SLOT_SHIFT) * 31 + swp_area(e)) % SC_HASH;
}

static struct page *
sc_lookup_locked(swp_entry_t e)
{
	for (struct page *p = sc_hash[sc_bucket(e)]; p; p = (struct page *)p->priv)
		if (p->index == e)
			return p;
	return NULL;
}

/* The cache takes a reference; the slot's "cached" flag is the caller's. */
void
vm_swapcache_insert_locked(struct page *p, swp_entry_t e)
{
	unsigned b = sc_bucket(e);

	p->flags |= PG_SWAPCACHE;
	nswapcache++;
	p->index = e;
	p->priv = (uint64_t)sc_hash[b];
	sc_hash[b] = p;
	page_get(p);
}

static void
standby_add_locked(struct page *p)
{
	p->flags |= PG_STANDBY;
	list_push_back(&standby, &p->node);
	nstandby++;
}

static void
standby_del_locked(struct page *p)
{
	list_remove(&p->node);
	p->flags &= ~PG_STANDBY;
	nstandby--;
}

/* Take p out of the cache and free its slot's flag; the caller drops the reference. */
static void
sc_delete_locked(struct page *p)
{
	struct page **pp = &sc_hash[sc_bucket(p->index)];

	while (*pp && *pp != p)
		pp = (struct page **)&(*pp)->priv;
	if (*pp)
		*pp = (struct page *)p->priv;
	nswapcache--;
	if (p->flags & PG_STANDBY)
		standby_del_locked(p);
	p->flags &= ~(PG_SWAPCACHE | PG_DIRTY | PG_READAHEAD);
	swap_uncache(p->index);
}

/*
 * An unlocked page lost its last mapping, or its slot lost its last PTE:
 * put it where its state says.  => true if the cache let go of it (the
 * caller drops that reference).
 *
 * A page enters the page buffer holding the cache's reference alone, so
 * whoever settles a page drops its own references before releasing
 * vmr_lock: the allocator may take a buffered page the moment the lock is
 * free.  (page_put() may free a frame under vmr_lock: the allocator's
 * lock comes after it.)
 */
bool
vm_settle_locked(struct page *p)
{
	if (p->rmap || (p->flags & (PG_LOCKED | PG_RECLAIMABLE)))
		return false;
	if (reclaim_entry_resident(&p->rec))
		reclaim_remove(&vmr_policy, &p->rec);
	vm_set_pinned_locked(p, false);
	if (!(p->flags & PG_SWAPCACHE))
		return false;
	if (swap_count(p->index) == 0) {
		sc_delete_locked(p);
		return true;
	}
	/* PG_DIRTY: the write to its slot failed, so memory holds the only copy. */
	if (!(p->flags & (PG_STANDBY | PG_DIRTY)))
		standby_add_locked(p);
	return false;
}

uint64_t
vm_standby_pages(void)
{
	return READ_ONCE(nstandby);
}

paddr_t
vm_standby_take(void)
{
	struct page *p = NULL;

	spin_lock(&vmr_lock);
	if (!list_empty(&standby)) {
		p = list_entry(standby.next, struct page, node);
		if (p->refcount != 1)
			panic("pageout: buffered frame %#llx has %d references",
			      (unsigned long long)page_to_pa(p), p->refcount);
		sc_delete_locked(p);    /* its PTEs keep the slot */
	}
	spin_unlock(&vmr_lock);
	if (!p)
		return 0;
	/* The cache's reference becomes the new owner's. */
	p->flags &= ~(PG_ANON | PG_FILECLEAN);
	p->rmap = NULL;
	return page_to_pa(p);
}

bool
vm_standby_release(void)
{
	paddr_t pa = vm_standby_take();

	if (pa)
		pmm_free(pa, 0);
	return pa != 0;
}

/* ---- mapping and unmapping ---- */

int
vm_page_mapped(struct mm *mm, uint64_t va, struct page *p)
{
	struct rmap_item *it = rmap_item_alloc();

	if (!it)
		return -ENOMEM;
	spin_lock(&vmr_lock);
	if (!(p->flags & TRACKED)) {
		p->flags |= PG_ANON;
		p->rmap = NULL;
		reclaim_entry_init(&p->rec, (1ull << 62) | (page_to_pa(p) >> PAGE_SHIFT));
	}
	if (p->flags & PG_STANDBY)
		standby_del_locked(p);
	rmap_add_locked(p, it, mm, va);
	if (!reclaim_entry_resident(&p->rec) && vmr_policy_ready)
		vm_policy_insert_locked(p);
	spin_unlock(&vmr_lock);
	return 0;
}

/* A PTE holding swap entry e went away. */
static void
swap_entry_dropped(struct mm *mm, swp_entry_t e)
{
	struct page *drop = NULL, *p;

	mm->swap_pages--;
	spin_lock(&vmr_lock);
	if (swap_put(e) == 0 && (p = sc_lookup_locked(e)) && vm_settle_locked(p))
		drop = p;
	spin_unlock(&vmr_lock);
	if (drop)
		page_put(drop);
}

void
vm_pte_dropped(struct mm *mm, uint64_t va, pte_t old)
{
	struct rmap_item *it;
	struct page *p;
	bool uncached;

	if (pte_is_swap(old)) {
		swap_entry_dropped(mm, old);
		return;
	}
	if (!(old & PTE_P) || !(p = pa_to_page(old & PTE_ADDR)) || (p->flags & PG_ZERO))
		return;
	if (!(p->flags & TRACKED)) {
		page_put(p);
		return;
	}
	spin_lock(&vmr_lock);
	it = rmap_remove_locked(p, mm, va);
	uncached = vm_settle_locked(p);
	if (uncached)
		page_put(p);
	page_put(p);
	spin_unlock(&vmr_lock);
	rmap_item_free(it);
}

void
vm_pte_moved(struct mm *mm, uint64_t from, uint64_t to, pte_t pte)
{
	struct page *p;

	if (!(pte & PTE_P) || !(p = pa_to_page(pte & PTE_ADDR)) || !(p->flags & TRACKED))
		return;
	spin_lock(&vmr_lock);
	rmap_move_locked(p, mm, from, to);
	spin_unlock(&vmr_lock);
}

int
vm_pte_forked(struct mm *child, uint64_t va, pte_t pte)
{
	struct page *p;
	int r;

	if (pte_is_swap(pte)) {
		if (swap_dup(pte))
			return -ENOMEM;
		child->swap_pages++;
		return 0;
	}
	if (!(p = pa_to_page(pte & PTE_ADDR)) || (p->flags & PG_ZERO))
		return 0;
	page_get(p);
	if ((p->flags & TRACKED) && (r = vm_page_mapped(child, va, p))) {
		page_put(p);
		return r;
	}
	return 0;
}

bool
vm_page_reuse(struct page *p)
{
	bool ok;

	if (!(p->flags & PG_SWAPCACHE))
		return __atomic_load_n(&p->refcount, __ATOMIC_ACQUIRE) == 1;
	spin_lock(&vmr_lock);
	ok = (p->flags & PG_SWAPCACHE) && !(p->flags & PG_LOCKED) && p->rmap &&
	     !p->rmap->next && p->refcount == 2 && swap_count(p->index) == 0;
	if (ok)
		sc_delete_locked(p);
	spin_unlock(&vmr_lock);
	if (ok)
		page_put(p);
	return ok;
}

void
vm_pin_range(struct mm *mm, uint64_t start, uint64_t end, bool pin)
{
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		pte_t *pte = paging_walk(mm->pml4, va, NULL);
		struct page *p;

		if (!pte || !(*pte & PTE_P) || !(p = pa_to_page(*pte & PTE_ADDR)))
			continue;
		spin_lock(&vmr_lock);
		if (p->flags & TRACKED)
			vm_set_pinned_locked(p, pin);
		spin_unlock(&vmr_lock);
	}
}

/* ---- swap-in ---- */

/* Map p (locked by the caller, with a reference for the PTE) where e was. */
static int
map_swapped(struct mm *mm, uint64_t va, pte_t *pte, struct page *p, swp_entry_t e,
	    uint64_t flags, bool write)
{
	struct rmap_item *it = rmap_item_alloc();
	bool exclusive = false;

	spin_lock(&vmr_lock);
	p->flags &= ~PG_LOCKED;
	if (!it) {
		if (vm_settle_locked(p))
			page_put(p);
		page_put(p);
		spin_unlock(&vmr_lock);
		waitq_wake_all(&vmr_io_wq);
		return -ENOMEM;
	}
	/* Its last holder writing, or swapoff emptying the area: out of the cache. */
	if (swap_put(e) == 0 && !p->rmap && (write || !swap_entry_active(e))) {
		exclusive = write;
		sc_delete_locked(p);
		page_put(p);      /* the cache's; ours remains */
	}
	p->flags &= ~(PG_FILECLEAN | PG_READAHEAD);
	rmap_add_locked(p, it, mm, va);
	if (!reclaim_entry_resident(&p->rec)) {
		p->rec.key = e;
		vm_policy_insert_locked(p);
	}
	spin_unlock(&vmr_lock);
	waitq_wake_all(&vmr_io_wq);
	mm->swap_pages--;
	mm->rss++;
	*pte = page_to_pa(p) | flags | (exclusive ? PTE_W | PTE_D : 0);
	return 0;
}

/* e is not in memory: read it into a new frame.  => the page, locked, or ERR_PTR. */
static struct page *
read_in(swp_entry_t e)
{
	paddr_t pa = vm_frame_alloc();
	struct page *p;
	int r;

	if (!pa)
		return ERR_PTR(-ENOMEM);
	p = pa_to_page(pa);
	p->flags |= PG_ANON | PG_LOCKED;
	p->rmap = NULL;
	reclaim_entry_init(&p->rec, e);
	spin_lock(&vmr_lock);
	if (sc_lookup_locked(e)) {     /* another fault read it meanwhile */
		spin_unlock(&vmr_lock);
		p->flags = 0;
		pmm_free(pa, 0);
		return NULL;
	}
	vm_swapcache_insert_locked(p, e);
	swap_cache_claim(e);
	spin_unlock(&vmr_lock);
	r = swap_read_page(e, phys_to_virt(pa));
	VMR_INC(pswpin);
	VMR_INC(pgmajfault);
	if (r == 0)
		return p;
	VMR_INC(swap_io_errors);
	spin_lock(&vmr_lock);
	p->flags &= ~PG_LOCKED;
	sc_delete_locked(p);
	spin_unlock(&vmr_lock);
	waitq_wake_all(&vmr_io_wq);
	page_put(p);
	page_put(p);
	return ERR_PTR(r < 0 ? r : -EIO);
}

int
vm_swap_fault(struct mm *mm, uint64_t va, pte_t *pte, uint64_t flags, bool write, bool block)
{
	swp_entry_t e = *pte;
	struct page *p;

	for (;;) {
		spin_lock(&vmr_lock);
		p = sc_lookup_locked(e);
		if (p && (p->flags & PG_LOCKED)) {
			if (!block) {
				spin_unlock(&vmr_lock);
				return -EAGAIN;
			}
			waitq_sleep(&vmr_io_wq, &vmr_lock, 0, false);
			spin_unlock(&vmr_lock);
			continue;
		}
		if (p) {
			if (p->flags & PG_STANDBY) {
				standby_del_locked(p);
				if (!(p->flags & PG_READAHEAD))
					VMR_INC(rescues);
			} else {
				VMR_INC(swapcache_hits);
			}
			p->flags |= PG_LOCKED;
			page_get(p);
			spin_unlock(&vmr_lock);
			break;
		}
		spin_unlock(&vmr_lock);
		if (!block)
			return -EAGAIN;
		p = read_in(e);
		if (IS_ERR(p))
			return PTR_ERR(p);
		if (p)
			break;
	}
	return map_swapped(mm, va, pte, p, e, flags, write);
}

/*
 * A fault met entry e out of memory, or under I/O, and dropped mm->lock:
 * bring the page in (or wait for the I/O) without holding any lock, and
 * leave it in the swap cache and the page buffer, where the fault, tried
 * again, finds it.  => 0 or -errno.
 */
int
vm_swap_prefetch(swp_entry_t e)
{
	struct page *p;

	for (;;) {
		spin_lock(&vmr_lock);
		p = sc_lookup_locked(e);
		if (p && (p->flags & PG_LOCKED)) {
			waitq_sleep(&vmr_io_wq, &vmr_lock, 0, false);
			spin_unlock(&vmr_lock);
			continue;
		}
		spin_unlock(&vmr_lock);
		if (p || swap_count(e) == 0)
			return 0;      /* in memory already, or nobody wants it now */
		p = read_in(e);
		if (IS_ERR(p))
			return PTR_ERR(p);
		if (!p)
			continue;
		spin_lock(&vmr_lock);
		p->flags = (p->flags & ~PG_LOCKED) | PG_READAHEAD;
		if (vm_settle_locked(p))
			page_put(p);
		page_put(p);       /* ours: the cache keeps it, in the page buffer */
		spin_unlock(&vmr_lock);
		waitq_wake_all(&vmr_io_wq);
		return 0;
	}
}

void
vm_swapoff_page(pte_t pte, unsigned area)
{
	struct page *p = pa_to_page(pte & PTE_ADDR);
	bool drop = false;

	if (!p || !(p->flags & PG_SWAPCACHE))
		return;
	spin_lock(&vmr_lock);
	if ((p->flags & PG_SWAPCACHE) && swp_area(p->index) == area &&
	    !(p->flags & PG_LOCKED) && swap_count(p->index) == 0) {
		sc_delete_locked(p);
		drop = true;
	}
	spin_unlock(&vmr_lock);
	if (drop)
		page_put(p);
}
