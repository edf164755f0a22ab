// SPDX-License-Identifier: MIT
/*
 * Eviction: taking one page away from every process that maps it, steps
 * 1-6 of the essay at the top of mm/pageout.c, and the page cache's side
 * of it (struct vm_cache_ops, mm/vm.h).
 */
#include "mm/pageout.h"
#include "mm/vm_internal.h"
#include "mm/pmm.h"
#include "mm/tlb.h"
#include "arch/arch.h"
#include "core/panic.h"
#include "core/printk.h"
#include "sync/waitqueue.h"
#include "uapi/errno.h"

#define MAX_MAPPERS  16
#define SCAN_BATCH   64
#define LOCK_WAIT_NS 20000000ull   /* how long reclaim waits for a mapper's mm->lock */

/* ---- eviction ---- */

struct evict {
	struct page *p;
	unsigned n;                      /* mappers */
	struct mm *mm[MAX_MAPPERS];
	uint64_t va[MAX_MAPPERS];
	unsigned nlocked;
};

/* Can p go at all?  Anonymous pages need a free slot. */
static bool
evictable_locked(const struct page *p)
{
	if (p->flags & (PG_SWAPCACHE | PG_FILECLEAN | PG_RECLAIMABLE))
		return true;
	return swap_available();
}

/*
 * Step 1: the policy's victim, accessed bits harvested, at most *budget
 * entries looked at.  => p locked and referenced, or NULL.
 */
static struct page *
pick_victim(size_t *budget)
{
	struct page *p = NULL;

	spin_lock(&vmr_lock);
	for (; *budget > 0 && vmr_policy_ready; (*budget)--) {
		struct reclaim_entry *e = reclaim_victim(&vmr_policy, RECLAIM_KEY_NONE);

		if (!e)
			break;
		p = page_of_rec(e);
		VMR_INC(pgscan);
		if (rmap_referenced_locked(p)) {
			VMR_INC(referenced);
		} else if (evictable_locked(p) && (p->rmap || (p->flags & PG_RECLAIMABLE))) {
			p->flags |= PG_LOCKED;
			page_get(p);
			spin_unlock(&vmr_lock);
			return p;
		}
		reclaim_access(&vmr_policy, e);      /* a second chance; the hand moves on */
		p = NULL;
	}
	spin_unlock(&vmr_lock);
	return NULL;
}

static bool
seen_before(const struct evict *ev, unsigned i)
{
	for (unsigned k = 0; k < i; k++)
		if (ev->mm[k] == ev->mm[i])
			return true;
	return false;
}

/* Mappers in address order, the order in which their locks are taken. */
static void
sort_mappers(struct evict *ev)
{
	for (unsigned i = 1; i < ev->n; i++)
		for (unsigned k = i; k > 0 && ev->mm[k - 1] > ev->mm[k]; k--) {
			struct mm *m = ev->mm[k];
			uint64_t va = ev->va[k];

			ev->mm[k] = ev->mm[k - 1];
			ev->va[k] = ev->va[k - 1];
			ev->mm[k - 1] = m;
			ev->va[k - 1] = va;
		}
}

/* Steps 2-3: a reference to every mapper and its lock, without waiting. */
static int
lock_mappers(struct evict *ev)
{
	spin_lock(&vmr_lock);
	for (struct rmap_item *it = ev->p->rmap; it; it = it->next) {
		if (ev->n == MAX_MAPPERS || !mm_tryget(it->mm)) {
			spin_unlock(&vmr_lock);
			return -EBUSY;
		}
		ev->mm[ev->n] = it->mm;
		ev->va[ev->n++] = it->va;
	}
	spin_unlock(&vmr_lock);
	sort_mappers(ev);
	for (; ev->nlocked < ev->n; ev->nlocked++) {
		unsigned i = ev->nlocked;

		if (!seen_before(ev, i) &&
		    mutex_lock_timeout(&ev->mm[i]->lock, LOCK_WAIT_NS, false))
			return -EBUSY;
	}
	/* With every mapper's mm locked, no PTE can map p or stop mapping it. */
	spin_lock(&vmr_lock);
	if (rmap_count_locked(ev->p) != ev->n) {
		spin_unlock(&vmr_lock);
		return -EBUSY;
	}
	spin_unlock(&vmr_lock);
	for (unsigned i = 0; i < ev->n; i++) {
		struct vma *v = vma_find(ev->mm[i], ev->va[i]);

		if (v && (v->flags & VM_LOCKED)) {
			spin_lock(&vmr_lock);
			vm_set_pinned_locked(ev->p, true);   /* mlocked: found lazily */
			spin_unlock(&vmr_lock);
			return -EPERM;
		}
	}
	return 0;
}

static void
unlock_mappers(struct evict *ev)
{
	for (unsigned i = 0; i < ev->nlocked; i++)
		if (!seen_before(ev, i))
			mutex_unlock(&ev->mm[i]->lock);
	for (unsigned i = 0; i < ev->n; i++)
		mm_put(ev->mm[i]);
	ev->nlocked = ev->n = 0;
}

/* Step 4: every PTE of p becomes e (0: drop).  => true if a PTE was dirty. */
static bool
unmap_all(struct evict *ev, swp_entry_t e)
{
	paddr_t pa = page_to_pa(ev->p);
	bool dirty = false;

	for (unsigned i = 0; i < ev->n; i++) {
		struct mm *mm = ev->mm[i];
		pte_t *pte = paging_walk(mm->pml4, ev->va[i], NULL);
		struct rmap_item *it;
		pte_t old;

		if (!pte || (*pte & (PTE_P | PTE_ADDR)) != (pa | PTE_P))
			panic("pageout: reverse map names a PTE that does not map the frame");
		if (e && swap_dup(e))
			panic("pageout: swap count overflow");
		old = __atomic_exchange_n(pte, e, __ATOMIC_ACQ_REL);
		dirty |= (old & PTE_D) != 0;
		mm->rss--;
		if (e)
			mm->swap_pages++;
		tlb_flush_range(mm, ev->va[i], ev->va[i] + PAGE_SIZE);
		spin_lock(&vmr_lock);
		it = rmap_remove_locked(ev->p, mm, ev->va[i]);
		spin_unlock(&vmr_lock);
		rmap_item_free(it);
		page_put(ev->p);
	}
	return dirty;
}

/* Step 6: p is unlocked and goes where its state says. */
static void
finish(struct page *p, bool spared)
{
	spin_lock(&vmr_lock);
	p->flags &= ~PG_LOCKED;
	if (spared && reclaim_entry_resident(&p->rec))
		reclaim_access(&vmr_policy, &p->rec);
	if (vm_settle_locked(p))
		page_put(p);
	page_put(p);          /* pick_victim's reference: frees a dropped page */
	spin_unlock(&vmr_lock);
	waitq_wake_all(&vmr_io_wq);
}

/* Steps 4-5 for a page whose mappers are locked.  => 0 or -errno. */
static int
page_out(struct evict *ev)
{
	struct page *p = ev->p;
	bool clean_file = (p->flags & PG_FILECLEAN) && !(p->flags & PG_SWAPCACHE);
	bool write = false;
	swp_entry_t e = 0;
	int r = 0;

	for (unsigned i = 0; i < ev->n && clean_file; i++) {
		pte_t *pte = paging_walk(ev->mm[i]->pml4, ev->va[i], NULL);

		if (pte && (*pte & (PTE_W | PTE_D))) {
			clean_file = false;   /* written after all: it must go to swap */
			p->flags &= ~PG_FILECLEAN;
		}
	}
	if (!clean_file && !(p->flags & PG_SWAPCACHE) && !swap_available())
		return -ENOSPC;
	if (!clean_file && !(p->flags & PG_SWAPCACHE)) {
		if (!(e = swap_slot_alloc()))
			return -ENOSPC;
		spin_lock(&vmr_lock);
		vm_swapcache_insert_locked(p, e);
		spin_unlock(&vmr_lock);
		write = true;
	} else if (!clean_file) {
		e = p->index;
	}
	if (unmap_all(ev, e) && !write && e)
		write = true;             /* a cached page is never writable; be safe */
	spin_lock(&vmr_lock);
	if (e)
		p->rec.key = e;
	if (reclaim_entry_resident(&p->rec))
		reclaim_evicted(&vmr_policy, &p->rec);
	spin_unlock(&vmr_lock);
	unlock_mappers(ev);
	if (clean_file) {
		VMR_INC(dropped_clean);
	} else if (write) {
		r = swap_write_page(e, phys_to_virt(page_to_pa(p)));
		VMR_INC(pswpout);
		if (r) {
			VMR_INC(swap_io_errors);
			p->flags |= PG_DIRTY;     /* memory holds the only good copy */
			pr_warn("swap: write of slot %llu failed (%d)\n",
				(unsigned long long)swp_slot(e), r);
		}
	}
	return 0;
}

/* A page-cache page: unmap, write back if dirty, let the owner drop it. */
static int
cache_out(struct evict *ev)
{
	struct page *p = ev->p;
	const struct vm_cache_ops *ops = ((struct vm_cache_owner *)p->owner)->ops;
	int r = 0;

	if (unmap_all(ev, 0))
		p->flags |= PG_DIRTY;
	unlock_mappers(ev);
	if ((p->flags & PG_DIRTY) && (r = ops->writeback(p)) == 0)
		p->flags &= ~PG_DIRTY;
	if (r == 0 && (r = ops->drop(p)) == 0) {
		spin_lock(&vmr_lock);
		p->flags &= ~PG_RECLAIMABLE;
		if (reclaim_entry_resident(&p->rec))
			reclaim_evicted(&vmr_policy, &p->rec);
		spin_unlock(&vmr_lock);
		VMR_INC(dropped_clean);
	}
	return r;
}

void
vm_cache_page_add(struct page *p)
{
	spin_lock(&vmr_lock);
	if (!(p->flags & TRACKED)) {
		p->flags |= PG_RECLAIMABLE;
		p->rmap = NULL;
		reclaim_entry_init(&p->rec, (uint64_t)p->owner * 31 + p->index);
		if (vmr_policy_ready)
			vm_policy_insert_locked(p);
	}
	spin_unlock(&vmr_lock);
}

void
vm_cache_page_remove(struct page *p)
{
	spin_lock(&vmr_lock);
	while (p->flags & PG_LOCKED)           /* being evicted: let that finish */
		waitq_sleep(&vmr_io_wq, &vmr_lock, 0, false);
	if ((p->flags & PG_RECLAIMABLE) && reclaim_entry_resident(&p->rec))
		reclaim_remove(&vmr_policy, &p->rec);
	p->flags &= ~PG_RECLAIMABLE;
	spin_unlock(&vmr_lock);
}

static int
evict_one(struct page *p)
{
	struct evict ev = { .p = p };
	int r = lock_mappers(&ev);

	if (r == 0)
		r = (p->flags & PG_RECLAIMABLE) ? cache_out(&ev) : page_out(&ev);
	if (r)
		unlock_mappers(&ev);
	finish(p, r != 0);
	return r;
}

/*
 * Every resident page may need one look to clear its accessed bit and a
 * second to be taken (a clock's two sweeps), so that is the budget: when
 * it runs out, nothing is evictable now.
 */
unsigned
vm_reclaim_pages(unsigned want)
{
	size_t budget = 2 * READ_ONCE(vmr_policy.resident) + SCAN_BATCH;
	unsigned freed = 0;

	for (unsigned tries = 0; freed < want && tries < want * 4 + 16; tries++) {
		struct page *p = pick_victim(&budget);

		if (!p)
			break;
		if (evict_one(p) == 0)
			freed++;
	}
	return freed;
}
