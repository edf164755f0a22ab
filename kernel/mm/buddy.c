// SPDX-License-Identifier: MIT
/*
 * Binary buddy allocator.
 *
 * Free memory is kept as blocks of 2^k frames, each aligned to its own size,
 * on one free list per order k.  A block's "buddy" is the other half of the
 * block of order k+1 that contains it; since both are aligned, the buddy's
 * frame number differs in exactly bit k: buddy = pfn ^ (1 << k).
 *
 *   allocate order k: take a block from list k, or split a larger one,
 *                     putting each unused upper half back on its list;
 *   free order k:     while the buddy is free and of the same order, take it
 *                     off its list and merge, going up one order each time.
 *
 * Only the first frame of a free block is marked PG_FREE and records the
 * order, which is all the merge test needs.  Frames are numbered absolutely
 * (pfns), so alignment is physical alignment.
 */
#include "mm/buddy.h"
#include "lib/string.h"

void
buddy_init(struct buddy_zone *z, struct page *pages, uint64_t base_pfn,
	   uint64_t npages)
{
	z->base_pfn = base_pfn;
	z->npages = npages;
	z->pages = pages;
	z->free_pages = 0;
	for (int k = 0; k <= MAX_ORDER; k++) {
		list_init(&z->free[k]);
		z->nfree[k] = 0;
	}
	for (uint64_t i = 0; i < npages; i++) {
		memset(&pages[i], 0, sizeof(pages[i]));
		list_init(&pages[i].node);
		pages[i].flags = PG_RESERVED;
	}
}

static bool
in_zone(const struct buddy_zone *z, uint64_t pfn)
{
	return pfn >= z->base_pfn && pfn < z->base_pfn + z->npages;
}

static void
push_block(struct buddy_zone *z, uint64_t pfn, unsigned order)
{
	struct page *p = buddy_page(z, pfn);

	p->flags = PG_FREE;
	p->order = order;
	list_push_front(&z->free[order], &p->node);
	z->nfree[order]++;
}

static void
pop_block(struct buddy_zone *z, struct page *p)
{
	list_remove(&p->node);
	z->nfree[p->order]--;
	p->flags = 0;
}

int64_t
buddy_alloc(struct buddy_zone *z, unsigned order)
{
	unsigned k = order;
	struct page *p;
	uint64_t pfn;

	if (order > MAX_ORDER)
		return -1;
	while (k <= MAX_ORDER && list_empty(&z->free[k]))
		k++;
	if (k > MAX_ORDER)
		return -1;
	p = list_entry(z->free[k].next, struct page, node);
	pop_block(z, p);
	pfn = z->base_pfn + (uint64_t)(p - z->pages);
	/* Split: keep the lower half, free the upper half at each level. */
	while (k > order) {
		k--;
		push_block(z, pfn + (1ull << k), k);
	}
	p->order = order;
	z->free_pages -= 1ull << order;
	return (int64_t)pfn;
}

void
buddy_free(struct buddy_zone *z, uint64_t pfn, unsigned order)
{
	z->free_pages += 1ull << order;
	while (order < MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ull << order);
		struct page *b;

		if (!in_zone(z, buddy))
			break;
		b = buddy_page(z, buddy);
		if (!(b->flags & PG_FREE) || b->order != order)
			break;
		pop_block(z, b);
		pfn &= ~(1ull << order);   /* the merged block starts at the lower half */
		order++;
	}
	push_block(z, pfn, order);
}

void
buddy_free_range(struct buddy_zone *z, uint64_t pfn, uint64_t count)
{
	uint64_t end = pfn + count;

	for (uint64_t i = pfn; i < end; i++)
		buddy_page(z, i)->flags = 0;
	/* Free the largest aligned blocks that fit, left to right. */
	while (pfn < end) {
		unsigned order = 0;

		while (order < MAX_ORDER && (pfn & ((2ull << order) - 1)) == 0 &&
		       pfn + (2ull << order) <= end)
			order++;
		buddy_free(z, pfn, order);
		pfn += 1ull << order;
	}
}

bool
buddy_check(const struct buddy_zone *z)
{
	uint64_t total = 0;

	for (int k = 0; k <= MAX_ORDER; k++) {
		uint64_t n = 0;
		list_for_each(it, &z->free[k]) {
			const struct page *p = list_entry(it, struct page, node);
			uint64_t pfn = z->base_pfn + (uint64_t)(p - z->pages);
			if (!(p->flags & PG_FREE) || p->order != k || (pfn & ((1ull << k) - 1)))
				return false;
			n++;
		}
		if (n != z->nfree[k])
			return false;
		total += n << k;
	}
	return total == z->free_pages;
}
