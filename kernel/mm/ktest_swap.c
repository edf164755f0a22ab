// SPDX-License-Identifier: MIT
/*
 * ktests for reclaim and swap, on address spaces built inside the kernel
 * and a swap area kept in memory (so no disk is needed): the entry
 * encoding, the slot allocator, eviction and swap-in, the page buffer's
 * rescues, one read for a page shared by fork, swapoff, mlock, the page
 * cache's callbacks, and frame and slot accounting coming back to where
 * it started.  They assume nothing else is reclaimable while they run
 * (ktests run before init).
 */
#include "core/ktest.h"
#include "arch/arch.h"
#include "mm/pageout.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "lib/string.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define A      0x20000000ull
#define ANON   (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define SLOTS  64

struct ram_swap {
	uint8_t *data;          /* SLOTS pages */
	unsigned reads, writes;
};

static int
ram_read(void *dev, uint64_t slot, void *page)
{
	struct ram_swap *rs = dev;

	memcpy(page, rs->data + slot * PAGE_SIZE, PAGE_SIZE);
	rs->reads++;
	return 0;
}

static int
ram_write(void *dev, uint64_t slot, const void *page)
{
	struct ram_swap *rs = dev;

	memcpy(rs->data + slot * PAGE_SIZE, page, PAGE_SIZE);
	rs->writes++;
	return 0;
}

static const struct swap_backing ram_backing = { ram_read, ram_write, NULL };

static uint64_t
free_frames(void)
{
	struct kmalloc_stats ks;

	kmalloc_stats(&ks);
	return pmm_free_pages() + ks.slab_pages + ks.large_pages + vm_standby_pages();
}

static pte_t
pte_at(struct mm *mm, uint64_t va)
{
	pte_t *pte = paging_walk(mm->pml4, va, NULL);

	return pte ? *pte : 0;
}

static uint64_t
counter(uint64_t *field)
{
	return __atomic_load_n(field, __ATOMIC_RELAXED);
}

/* Fill page i of the test mapping with a pattern of its own. */
static int
fill(struct mm *mm, int i)
{
	uint64_t buf[16];

	for (int k = 0; k < 16; k++)
		buf[k] = 0x5a5a000000000000ull + (uint64_t)i * 1000 + (uint64_t)k;
	return vm_write_remote(mm, A + (uint64_t)i * PAGE_SIZE, buf, sizeof(buf));
}

static bool
check(struct mm *mm, int i)
{
	uint64_t buf[16];

	if (vm_read_remote(mm, A + (uint64_t)i * PAGE_SIZE, buf, sizeof(buf)))
		return false;
	for (int k = 0; k < 16; k++)
		if (buf[k] != 0x5a5a000000000000ull + (uint64_t)i * 1000 + (uint64_t)k)
			return false;
	return true;
}

/* Reclaim until every page of [A, A + n pages) of mm is out, or give up. */
static bool
evict_all(struct mm *mm, int n)
{
	for (int round = 0; round < 20; round++) {
		int out = 0;

		vm_reclaim_pages(64);
		for (int i = 0; i < n; i++)
			out += !(pte_at(mm, A + (uint64_t)i * PAGE_SIZE) & PTE_P);
		if (out == n)
			return true;
	}
	return false;
}

static struct ram_swap *
ram_swap_on(void)
{
	struct ram_swap *rs = kzalloc(sizeof(*rs));

	if (!rs)
		return NULL;
	rs->data = kzalloc(SLOTS * PAGE_SIZE);
	if (!rs->data || swap_on(&ram_backing, rs, "ktest-ram", SLOTS, NULL, 0, 1000)) {
		kfree(rs->data);
		kfree(rs);
		return NULL;
	}
	return rs;
}

static void
ram_swap_free(struct ram_swap *rs)
{
	kfree(rs->data);
	kfree(rs);
}

KTEST(swap_entry_encoding, "a swap entry in a not-present PTE keeps its area and slot")
{
	uint64_t slots[] = { 1, 2, 4095, 123456789, SWP_SLOT_MAX };

	for (unsigned a = 0; a < SWAP_MAX_AREAS; a++) {
		for (unsigned i = 0; i < ARRAY_SIZE(slots); i++) {
			swp_entry_t e = swp_entry(a, slots[i]);

			KT_ASSERT(pte_is_swap(e));
			KT_ASSERT(!(e & PTE_P));
			KT_EQ(swp_area(e), a);
			KT_EQ(swp_slot(e), slots[i]);
		}
	}
	KT_ASSERT(!pte_is_swap(0));
	KT_ASSERT(!pte_is_swap(0x1000 | PTE_P | PTE_W));
	return 0;
}

KTEST(swap_slot_allocator, "slots are handed out once, bad ones never, and come back")
{
	struct ram_swap *rs = kzalloc(sizeof(*rs));
	uint32_t bad[] = { 3 };
	swp_entry_t got[8];
	uint64_t total, free;

	KT_ASSERT(rs);
	/* 9 pages: the header, 8 slots, slot 3 bad: 7 usable. */
	KT_EQ(swap_on(&ram_backing, rs, "ktest-slots", 9, bad, 1, 1000), 0);
	KT_EQ(swap_on(&ram_backing, rs, "ktest-slots", 9, NULL, 0, 1000), -EBUSY);
	swap_totals(&total, &free);
	KT_EQ(total, 7);
	for (int i = 0; i < 7; i++) {
		got[i] = swap_slot_alloc();
		KT_ASSERT(got[i] && swp_slot(got[i]) != 0 && swp_slot(got[i]) != 3);
		for (int k = 0; k < i; k++)
			KT_ASSERT(got[k] != got[i]);
	}
	KT_EQ(swap_slot_alloc(), 0);
	swap_totals(&total, &free);
	KT_EQ(free, 0);
	for (int i = 0; i < 7; i++) {
		KT_EQ(swap_dup(got[i]), 0);        /* a PTE takes it */
		swap_uncache(got[i]);              /* the cache lets go: still held */
		KT_EQ(swap_count(got[i]), 1);
		KT_EQ(swap_put(got[i]), 0);        /* the PTE goes: free */
		KT_EQ(swap_dup(got[i]), -EINVAL);  /* a free slot cannot be shared */
	}
	swap_totals(&total, &free);
	KT_EQ(free, 7);
	KT_EQ(swap_off(rs), 0);
	KT_EQ(swap_off(rs), -EINVAL);
	kfree(rs);
	return 0;
}

KTEST(swap_out_in_and_rescue, "evicted pages come back intact: from the page buffer without I/O, else read")
{
	struct ram_swap *rs = ram_swap_on();
	uint64_t start, rescues, pswpin, pswpout;
	struct mm *mm;

	KT_ASSERT(rs);
	start = free_frames();
	mm = mm_create();
	KT_ASSERT(mm);
	KT_EQ(vm_mmap(mm, A, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, ANON, NULL, 0), (long)A);
	for (int i = 0; i < 8; i++)
		KT_EQ(fill(mm, i), 0);
	pswpout = counter(&vmr_stats.pswpout);
	KT_ASSERT(evict_all(mm, 8));
	KT_EQ(counter(&vmr_stats.pswpout) - pswpout, 8);
	KT_EQ(rs->writes, 8);
	KT_ASSERT(pte_is_swap(pte_at(mm, A)));
	KT_EQ(mm->rss, 0);
	KT_EQ(mm->swap_pages, 8);
	/* Still in the page buffer: a fault rescues it, no read. */
	rescues = counter(&vmr_stats.rescues);
	pswpin = counter(&vmr_stats.pswpin);
	KT_ASSERT(check(mm, 0));
	KT_EQ(counter(&vmr_stats.rescues) - rescues, 1);
	KT_EQ(counter(&vmr_stats.pswpin), pswpin);
	/* Once the buffer is given back, only the disk has it. */
	while (vm_standby_release())
		;
	KT_ASSERT(check(mm, 1));
	KT_EQ(counter(&vmr_stats.pswpin) - pswpin, 1);
	KT_EQ(rs->reads, 1);
	for (int i = 2; i < 8; i++)
		KT_ASSERT(check(mm, i));
	/* Read back but still cached: evicting again needs no write. */
	KT_ASSERT(evict_all(mm, 8));
	KT_EQ(rs->writes, 8);
	for (int i = 0; i < 8; i++)
		KT_ASSERT(check(mm, i));
	mm_put(mm);
	KT_EQ(free_frames(), start);
	KT_EQ(swap_off(rs), 0);
	ram_swap_free(rs);
	return 0;
}

KTEST(swap_fork_shared_page_read_once, "a page shared by fork and swapped out is read in once for both")
{
	struct ram_swap *rs = ram_swap_on();
	uint64_t start, pswpin, hits, total, free;
	struct mm *parent, *child;
	uint8_t v = 0x77;

	KT_ASSERT(rs);
	start = free_frames();
	parent = mm_create();
	KT_ASSERT(parent);
	KT_EQ(vm_mmap(parent, A, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, ANON, NULL, 0), (long)A);
	for (int i = 0; i < 4; i++)
		KT_EQ(fill(parent, i), 0);
	child = mm_fork(parent);
	KT_ASSERT(child);
	KT_ASSERT(evict_all(parent, 4));
	KT_ASSERT(pte_is_swap(pte_at(child, A)));
	KT_EQ(pte_at(child, A), pte_at(parent, A));
	KT_EQ(swap_count(pte_at(parent, A)), 2);
	while (vm_standby_release())
		;
	pswpin = counter(&vmr_stats.pswpin);
	hits = counter(&vmr_stats.swapcache_hits);
	KT_ASSERT(check(child, 0));
	KT_ASSERT(check(parent, 0));
	KT_EQ(counter(&vmr_stats.pswpin) - pswpin, 1);
	KT_EQ(counter(&vmr_stats.swapcache_hits) - hits, 1);
	KT_EQ(pte_at(child, A) & PTE_ADDR, pte_at(parent, A) & PTE_ADDR);
	/* The child writes: a private copy; the parent still sees the original. */
	KT_EQ(vm_write_remote(child, A, &v, 1), 0);
	KT_ASSERT((pte_at(child, A) & PTE_ADDR) != (pte_at(parent, A) & PTE_ADDR));
	KT_ASSERT(check(parent, 0));
	/* Exit frees the slots still held by PTEs. */
	mm_put(child);
	mm_put(parent);
	swap_totals(&total, &free);
	KT_EQ(free, total);
	KT_EQ(free_frames(), start);
	KT_EQ(swap_off(rs), 0);
	ram_swap_free(rs);
	return 0;
}

KTEST(swap_off_brings_pages_back, "swapoff reads every page of the area back into its address space")
{
	struct ram_swap *rs = ram_swap_on();
	struct mm *mm = mm_create();

	KT_ASSERT(rs && mm);
	KT_EQ(vm_mmap(mm, A, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, ANON, NULL, 0), (long)A);
	for (int i = 0; i < 8; i++)
		KT_EQ(fill(mm, i), 0);
	KT_ASSERT(evict_all(mm, 8));
	while (vm_standby_release())
		;
	KT_EQ(swap_off(rs), 0);
	for (int i = 0; i < 8; i++)
		KT_ASSERT(pte_at(mm, A + (uint64_t)i * PAGE_SIZE) & PTE_P);
	KT_EQ(mm->swap_pages, 0);
	for (int i = 0; i < 8; i++)
		KT_ASSERT(check(mm, i));
	mm_put(mm);
	ram_swap_free(rs);
	return 0;
}

KTEST(swap_mlock_pins_pages, "mlocked pages are never evicted; munlock makes them reclaimable")
{
	struct ram_swap *rs = ram_swap_on();
	struct mm *mm = mm_create();
	struct vm_reclaim_stats st;

	KT_ASSERT(rs && mm);
	KT_EQ(vm_mmap(mm, A, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, ANON, NULL, 0), (long)A);
	for (int i = 0; i < 8; i++)
		KT_EQ(fill(mm, i), 0);
	KT_EQ(vm_lock_range(mm, A, 4 * PAGE_SIZE, true), 0);
	vm_reclaim_counters(&st);
	KT_EQ(st.mlocked, 4);
	for (int round = 0; round < 10; round++)
		vm_reclaim_pages(64);
	for (int i = 0; i < 4; i++)
		KT_ASSERT(pte_at(mm, A + (uint64_t)i * PAGE_SIZE) & PTE_P);
	for (int i = 4; i < 8; i++)
		KT_ASSERT(pte_is_swap(pte_at(mm, A + (uint64_t)i * PAGE_SIZE)));
	KT_EQ(vm_lock_range(mm, A, 4 * PAGE_SIZE, false), 0);
	vm_reclaim_counters(&st);
	KT_EQ(st.mlocked, 0);
	KT_ASSERT(evict_all(mm, 8));
	for (int i = 0; i < 8; i++)
		KT_ASSERT(check(mm, i));
	mm_put(mm);
	KT_EQ(swap_off(rs), 0);
	ram_swap_free(rs);
	return 0;
}

/* A page cache of four pages that counts what reclaim asks of it. */
struct fake_cache {
	struct vm_cache_owner owner;
	int writebacks, drops;
};

static int
fake_writeback(struct page *p)
{
	((struct fake_cache *)p->owner)->writebacks++;
	return 0;
}

static int
fake_drop(struct page *p)
{
	((struct fake_cache *)p->owner)->drops++;
	page_put(p);               /* the cache's own reference */
	return 0;
}

static const struct vm_cache_ops fake_ops = { fake_writeback, fake_drop };

KTEST(reclaim_page_cache_callbacks, "a cache page is written back if dirty, then dropped by its owner")
{
	struct fake_cache fc = { { &fake_ops }, 0, 0 };
	uint64_t start = free_frames();

	for (int i = 0; i < 4; i++) {
		paddr_t pa = pmm_alloc(0);
		struct page *p;

		KT_ASSERT(pa);
		p = pa_to_page(pa);
		p->owner = &fc;
		p->index = (uint64_t)i;
		if (i == 2)
			p->flags |= PG_DIRTY;
		vm_cache_page_add(p);
	}
	for (int round = 0; round < 10 && fc.drops < 4; round++)
		vm_reclaim_pages(16);
	KT_EQ(fc.drops, 4);
	KT_EQ(fc.writebacks, 1);
	KT_EQ(free_frames(), start);
	return 0;
}
