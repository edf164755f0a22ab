// SPDX-License-Identifier: MIT
/*
 * The page cache (see pcache.h): pages in a page tree, frames from the
 * frame allocator, dirty counts, and reclaim of clean pages.
 *
 * Each frame's struct page says it belongs to the cache (PG_CACHE, owner
 * = the cache, index = the page number, priv = the struct pcache_page),
 * so the VM can find its way from a frame back to the cache when it
 * reclaims; PG_DIRTY mirrors PCP_DIRTY.
 */
#include "fs/pcache.h"
#include "arch/arch.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "uapi/errno.h"

/* Every cache, for reclaim.  Lock order: pcache_list_lock, then a cache's lock. */
static struct spinlock pcache_list_lock = SPINLOCK_INIT("pcache_list");
static struct list_node pcache_list = LIST_INIT(pcache_list);   /* [pcache_list_lock] */
static uint64_t total_pages;                                    /* [a] */
static uint64_t total_dirty;                                    /* [a] */

static struct page *
frame_of(const void *data)
{
	return pa_to_page(virt_to_phys(data));
}

void
pcache_init(struct pcache *pc)
{
	memset(pc, 0, sizeof(*pc));
	spin_init(&pc->lock, "pcache");
	spin_lock(&pcache_list_lock);
	list_push_back(&pcache_list, &pc->node);
	spin_unlock(&pcache_list_lock);
	/* Memory pressure takes clean cached pages too (mm/kswapd.c). */
	static bool offered;
	if (!__atomic_exchange_n(&offered, true, __ATOMIC_ACQ_REL))
		vm_add_shrinker(pcache_reclaim);
}

/* Free a page taken out of its tree.  => pc->lock held. */
static void
page_free_locked(struct pcache *pc, struct pcache_page *pg)
{
	struct page *f = frame_of(pg->data);

	if (pg->flags & PCP_DIRTY) {
		pc->ndirty--;
		__atomic_sub_fetch(&total_dirty, 1, __ATOMIC_RELAXED);
	}
	f->flags &= ~(PG_CACHE | PG_DIRTY);
	f->owner = NULL;
	__atomic_sub_fetch(&total_pages, 1, __ATOMIC_RELAXED);
	page_put(f);            /* a mapping may still hold the frame */
	kfree(pg);
}

struct truncate_arg {
	struct pcache *pc;
	void (*drop)(struct pcache_page *, void *);
	void *arg;
};

static void
truncate_one(void *item, void *arg)
{
	struct truncate_arg *t = arg;

	page_free_locked(t->pc, item);
}

/*
 * drop runs first, with no spinlock held (it may free disk blocks); the
 * owner's lock keeps the pages from changing meanwhile.
 */
void
pcache_truncate(struct pcache *pc, uint64_t from, void (*drop)(struct pcache_page *, void *),
		void *arg)
{
	struct truncate_arg t = { pc, drop, arg };

	for (uint64_t i = pt_next(&pc->pages, from); drop && i != UINT64_MAX;
	     i = pt_next(&pc->pages, i + 1))
		drop(pt_lookup(&pc->pages, i), arg);
	spin_lock(&pc->lock);
	pt_truncate(&pc->pages, from, truncate_one, &t);
	spin_unlock(&pc->lock);
}

void
pcache_destroy(struct pcache *pc, void (*drop)(struct pcache_page *, void *), void *arg)
{
	pcache_truncate(pc, 0, drop, arg);
	spin_lock(&pcache_list_lock);
	list_remove(&pc->node);
	spin_unlock(&pcache_list_lock);
}

struct pcache_page *
pcache_find(struct pcache *pc, uint64_t index)
{
	struct pcache_page *pg;

	spin_lock(&pc->lock);
	pg = pt_lookup(&pc->pages, index);
	if (pg)
		pg->busy++;
	spin_unlock(&pc->lock);
	return pg;
}

void
pcache_release(struct pcache *pc, struct pcache_page *pg)
{
	spin_lock(&pc->lock);
	pg->busy--;
	spin_unlock(&pc->lock);
}

void
pcache_remove(struct pcache *pc, struct pcache_page *pg)
{
	spin_lock(&pc->lock);
	pt_remove(&pc->pages, pg->index);
	page_free_locked(pc, pg);
	spin_unlock(&pc->lock);
}

struct pcache_page *
pcache_add(struct pcache *pc, uint64_t index)
{
	struct pcache_page *pg = kzalloc(sizeof(*pg));
	paddr_t pa = pmm_alloc_zeroed(0);
	struct page *f;
	int r;

	if (!pg || !pa)
		goto fail;
	pg->index = index;
	pg->busy = 1;
	pg->data = phys_to_virt(pa);
	f = pa_to_page(pa);
	f->flags |= PG_CACHE;
	f->owner = pc;
	f->index = index;
	f->priv = (uint64_t)(uintptr_t)pg;
	spin_lock(&pc->lock);
	r = pt_insert(&pc->pages, index, pg);
	spin_unlock(&pc->lock);
	if (r)
		goto fail;
	__atomic_add_fetch(&total_pages, 1, __ATOMIC_RELAXED);
	return pg;
fail:
	if (pa)
		pmm_free(pa, 0);
	kfree(pg);
	return NULL;
}

void
pcache_dirty(struct pcache *pc, struct pcache_page *pg)
{
	spin_lock(&pc->lock);
	if (!(pg->flags & PCP_DIRTY)) {
		pg->flags |= PCP_DIRTY;
		frame_of(pg->data)->flags |= PG_DIRTY;
		pc->ndirty++;
		__atomic_add_fetch(&total_dirty, 1, __ATOMIC_RELAXED);
	}
	spin_unlock(&pc->lock);
}

bool
pcache_page_in_use(const struct pcache_page *pg)
{
	return __atomic_load_n(&frame_of(pg->data)->refcount, __ATOMIC_ACQUIRE) > 1;
}

bool
pcache_clean(struct pcache *pc, struct pcache_page *pg)
{
	bool clean;

	spin_lock(&pc->lock);
	clean = !pcache_page_in_use(pg);
	if (clean && (pg->flags & PCP_DIRTY)) {
		pg->flags &= ~PCP_DIRTY;
		frame_of(pg->data)->flags &= ~PG_DIRTY;
		pc->ndirty--;
		__atomic_sub_fetch(&total_dirty, 1, __ATOMIC_RELAXED);
	}
	spin_unlock(&pc->lock);
	return clean;
}

unsigned
pcache_dirty_batch(struct pcache *pc, uint64_t from, struct pcache_page **out, unsigned max)
{
	unsigned n = 0;

	spin_lock(&pc->lock);
	for (uint64_t i = pt_next(&pc->pages, from); i != UINT64_MAX && n < max && pc->ndirty;
	     i = pt_next(&pc->pages, i + 1)) {
		struct pcache_page *pg = pt_lookup(&pc->pages, i);

		if (pg->flags & PCP_DIRTY)
			out[n++] = pg;
	}
	spin_unlock(&pc->lock);
	return n;
}

void *
pcache_get_data(struct pcache_page *pg)
{
	page_get(frame_of(pg->data));
	return pg->data;
}

void
pcache_put_data(void *data)
{
	page_put(frame_of(data));
}

paddr_t
pcache_map_page(struct pcache_page *pg)
{
	page_get(frame_of(pg->data));
	return virt_to_phys(pg->data);
}

unsigned
pcache_shrink(struct pcache *pc, unsigned nr)
{
	unsigned done = 0;

	spin_lock(&pc->lock);
	for (uint64_t i = pt_next(&pc->pages, 0); i != UINT64_MAX && done < nr;
	     i = pt_next(&pc->pages, i + 1)) {
		struct pcache_page *pg = pt_lookup(&pc->pages, i);

		if ((pg->flags & PCP_DIRTY) || pg->busy || pcache_page_in_use(pg))
			continue;
		pt_remove(&pc->pages, i);
		page_free_locked(pc, pg);
		done++;
	}
	spin_unlock(&pc->lock);
	return done;
}

uint64_t
pcache_total_pages(void)
{
	return __atomic_load_n(&total_pages, __ATOMIC_RELAXED);
}

uint64_t
pcache_dirty_pages(void)
{
	return __atomic_load_n(&total_dirty, __ATOMIC_RELAXED);
}

/*
 * Take from the caches in list order, moving each one visited to the back,
 * so repeated calls spread the loss instead of emptying one file's cache.
 */
unsigned
pcache_reclaim(unsigned nr)
{
	unsigned done = 0, visits;

	spin_lock(&pcache_list_lock);
	visits = 0;
	for (struct list_node *n = pcache_list.next; n != &pcache_list; n = n->next)
		visits++;
	while (done < nr && visits-- > 0) {
		struct list_node *n = list_pop_front(&pcache_list);
		struct pcache *pc = list_entry(n, struct pcache, node);

		list_push_back(&pcache_list, n);
		done += pcache_shrink(pc, nr - done);
	}
	spin_unlock(&pcache_list_lock);
	return done;
}
