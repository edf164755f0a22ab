/* SPDX-License-Identifier: MIT */
/*
 * Page reclaim inside mm/: what vm.c, fault.c, mremap.c, swap.c and the
 * ktests share.  The design is the essay at the top of mm/pageout.c.
 */
#pragma once

#include "mm/vm.h"
#include "mm/page.h"
#include "mm/swap.h"
#include "arch/x86_64/paging.h"
#include "sync/spinlock.h"
#include "sync/waitqueue.h"

/* One mapping of a frame: the PTE for va in mm.  [R] */
struct rmap_item {
	struct rmap_item *next;
	struct mm *mm;
	uint64_t va;
};

/*
 * vmr_lock protects the reclaim state: the policy, the page buffer, the
 * swap cache, every frame's rmap list and its PG_SWAPCACHE / PG_STANDBY /
 * PG_LOCKED flags.  Order: mm->lock -> vmr_lock -> swap_lock -> the
 * allocator.  Nothing that allocates (slab) runs under it.
 */
extern struct spinlock vmr_lock;

/* ---- rmap.c ---- */
struct rmap_item *rmap_item_alloc(void);
void rmap_item_free(struct rmap_item *it);
void rmap_add_locked(struct page *p, struct rmap_item *it, struct mm *mm, uint64_t va);
/* => the item unlinked (free it after dropping vmr_lock), or NULL if none. */
struct rmap_item *rmap_remove_locked(struct page *p, struct mm *mm, uint64_t va);
void rmap_move_locked(struct page *p, struct mm *mm, uint64_t from, uint64_t to);
/* Test and clear the accessed bit in every PTE mapping p. */
bool rmap_referenced_locked(struct page *p);
unsigned rmap_count_locked(const struct page *p);
void rmap_init(void);

/* ---- pageout.c: the states of a user page ---- */
/* A private page was mapped at va of mm (fault, fork, swap-in).  => 0, -ENOMEM */
int vm_page_mapped(struct mm *mm, uint64_t va, struct page *p);
/* The PTE at va, which held old (a frame or a swap entry), was cleared. */
void vm_pte_dropped(struct mm *mm, uint64_t va, pte_t old);
/* A present PTE moved from `from` to `to` (mremap). */
void vm_pte_moved(struct mm *mm, uint64_t from, uint64_t to, pte_t pte);
/* fork copies the PTE pte at va into child.  => 0, -ENOMEM */
int vm_pte_forked(struct mm *child, uint64_t va, pte_t pte);
/* A write to a read-only private page mapped once: may the writer keep it? */
bool vm_page_reuse(struct page *p);
/*
 * The fault path met a swap entry: map its page with PTE bits flags
 * (read-only), writable too if write and nobody else holds it.  block:
 * read the page, or wait for its I/O, with mm->lock held (swapoff).
 * => mm->lock held; 0 or -errno.
 */
int vm_swap_fault(struct mm *mm, uint64_t va, pte_t *pte, uint64_t flags, bool write,
		  bool block);
/*
 * With !block, a page that must be read (or is under I/O) gives -EAGAIN:
 * the caller drops mm->lock, calls vm_swap_prefetch(), and faults again,
 * so no address space stays locked while a disk works.
 */
int vm_swap_prefetch(swp_entry_t e);
/* mlock: pin (or let go of) every resident page of [start, end). */
void vm_pin_range(struct mm *mm, uint64_t start, uint64_t end, bool pin);
/*
 * Evict up to `want` pages with the policy's help.  => pages freed into the
 * page buffer or the allocator.  May sleep (I/O); hold no mm->lock.
 */
unsigned vm_reclaim_pages(unsigned want);
/* Give the oldest page of the page buffer back to the allocator.  => false if empty. */
bool vm_standby_release(void);
/* Take the oldest page of the page buffer for reuse.  => 0 if empty. */
paddr_t vm_standby_take(void);
uint64_t vm_standby_pages(void);
/* swapoff met a present PTE: if its page is cached from area with no other holder, uncache it. */
void vm_swapoff_page(pte_t pte, unsigned area);
/* swapoff: bring every page of the area back.  => 0, -ENOMEM */
int vm_swapoff_area(unsigned area);
/* An area came or went: reclaim may now evict anonymous pages. */
void vm_reclaim_swap_changed(void);

/* ---- pageout.c's state, shared with evict.c (vmr_lock held where _locked) ---- */
#define TRACKED (PG_ANON | PG_RECLAIMABLE)    /* pages reclaim knows */
extern struct reclaim vmr_policy;             /* [R] */
extern bool vmr_policy_ready;                 /* [I] */
extern struct waitq vmr_io_wq;                /* a PG_LOCKED page was unlocked */
/* An unlocked page lost its mappings: place it.  => true: drop the cache's reference. */
bool vm_settle_locked(struct page *p);
void vm_swapcache_insert_locked(struct page *p, swp_entry_t e);
void vm_set_pinned_locked(struct page *p, bool pin);
/* Into the policy; its capacity is every frame, so this cannot fail. */
void vm_policy_insert_locked(struct page *p);

static inline struct page *
page_of_rec(const struct reclaim_entry *e)
{
	return container_of(e, struct page, rec);
}

/* ---- kswapd.c: watermarks, the reclaim thread, waiting for memory ---- */
/* A frame for a user page; never sleeps.  => 0 when memory is short. */
paddr_t vm_frame_alloc(void);
/*
 * The caller's allocation failed: reclaim directly, wait for kswapd, and as
 * a last resort call the OOM killer.  Hold no mm->lock.  => 0 to retry,
 * -EINTR (a signal is pending: return to user mode), -ENOMEM.
 */
int vm_wait_for_memory(void);
/* The same, making room for about `want` frames (fork copies many tables). */
int vm_wait_for_pages(unsigned want);
/* Is free memory below the low watermark (wake kswapd)? */
void vm_kswapd_poke(void);

/* The counters (struct in mm/vm.h); [a] relaxed atomics. */
extern struct vm_reclaim_stats vmr_stats;
#define VMR_INC(f) __atomic_add_fetch(&vmr_stats.f, 1, __ATOMIC_RELAXED)
