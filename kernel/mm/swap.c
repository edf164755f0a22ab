// SPDX-License-Identifier: MIT
/*
 * Swap areas and their slots.
 *
 * Each area keeps one 16-bit word per slot: how many PTEs hold the slot's
 * entry, and a flag (SWAP_HAS_CACHE) while a page in memory carries its
 * contents (the swap cache, mm/pageout.c).  A word of 0 is a free slot.
 * The header (slot 0) and the slots mkswap listed as bad hold SWAP_BAD and
 * are never handed out.
 *
 * Allocation is next-fit: a cursor moves through the area and the search
 * starts where the last one ended, so pages evicted together get
 * neighbouring slots (the disk reads them back in order) and a search does
 * not rescan the full front of the area each time.  Areas with a higher
 * priority fill first, as on Linux.
 *
 * Lock order: vmr_lock -> swap_lock -> the allocator.  I/O is done with no
 * lock held; an area stays while any of its slots is in use, because
 * swap_off() waits for that.
 */
#include "mm/swap.h"
#include "mm/pageout.h"
#include "mm/slab.h"
#include "core/printk.h"
#include "lib/string.h"
#include "sync/spinlock.h"
#include "uapi/errno.h"

#define SWAP_HAS_CACHE 0x8000u
#define SWAP_COUNT_MAX 0x7FFEu
#define SWAP_BAD       0xFFFFu
/* The slot map is one kmalloc block: at most 2^21 slots (8 GiB) per area. */
#define SWAP_MAX_SLOTS (1ull << 21)

struct swap_area {
	bool used;                    /* [S] this entry of areas[] is taken */
	bool active;                  /* [S] slots may be allocated */
	const struct swap_backing *b; /* [I] */
	void *dev;                    /* [I] */
	char name[32];                /* [I] */
	uint64_t pages;               /* [I] slots, header included */
	uint64_t nbad;                /* [I] header and bad slots */
	uint16_t *map;                /* [S] per slot: PTE count | SWAP_HAS_CACHE */
	uint64_t inuse;               /* [S] slots whose word is not 0 (bad ones aside) */
	uint64_t cursor;              /* [S] where the next search starts */
	int prio;                     /* [I] */
};

/* Protects every area's map and counts.  Order: after vmr_lock, before the allocator. */
static struct spinlock swap_lock = SPINLOCK_INIT("swap");
static struct swap_area areas[SWAP_MAX_AREAS];     /* [S] */

/* The area and slot word of e, or NULL for an entry naming no used slot. */
static struct swap_area *
area_of_locked(swp_entry_t e, uint16_t **word)
{
	struct swap_area *a = &areas[swp_area(e)];
	uint64_t slot = swp_slot(e);

	if (!a->used || slot == 0 || slot >= a->pages || a->map[slot] == SWAP_BAD)
		return NULL;
	*word = &a->map[slot];
	return a;
}

static uint64_t
find_free_slot_locked(struct swap_area *a)
{
	for (uint64_t n = 0; n < a->pages; n++) {
		uint64_t s = a->cursor;

		a->cursor = a->cursor + 1 >= a->pages ? 1 : a->cursor + 1;
		if (a->map[s] == 0)
			return s;
	}
	return 0;
}

swp_entry_t
swap_slot_alloc(void)
{
	swp_entry_t e = 0;
	int best = -1;

	spin_lock(&swap_lock);
	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		struct swap_area *a = &areas[i];

		if (a->used && a->active && a->inuse + a->nbad < a->pages &&
		    (best < 0 || a->prio > areas[best].prio))
			best = (int)i;
	}
	if (best >= 0) {
		struct swap_area *a = &areas[best];
		uint64_t s = find_free_slot_locked(a);

		if (s) {
			a->map[s] = SWAP_HAS_CACHE;
			a->inuse++;
			e = swp_entry((unsigned)best, s);
		}
	}
	spin_unlock(&swap_lock);
	return e;
}

/* => swap_lock held.  The word became 0: the slot is free again. */
static void
word_changed_locked(struct swap_area *a, uint16_t *w)
{
	if (*w == 0)
		a->inuse--;
}

int
swap_dup(swp_entry_t e)
{
	struct swap_area *a;
	uint16_t *w;
	int r = -EINVAL;

	spin_lock(&swap_lock);
	a = area_of_locked(e, &w);
	if (a && *w != 0 && (*w & ~SWAP_HAS_CACHE) < SWAP_COUNT_MAX) {
		(*w)++;
		r = 0;
	}
	spin_unlock(&swap_lock);
	return r;
}

unsigned
swap_put(swp_entry_t e)
{
	struct swap_area *a;
	unsigned left = 0;
	uint16_t *w;

	spin_lock(&swap_lock);
	a = area_of_locked(e, &w);
	if (a && (*w & ~SWAP_HAS_CACHE)) {
		(*w)--;
		left = *w & ~SWAP_HAS_CACHE;
		word_changed_locked(a, w);
	}
	spin_unlock(&swap_lock);
	return left;
}

void
swap_uncache(swp_entry_t e)
{
	struct swap_area *a;
	uint16_t *w;

	spin_lock(&swap_lock);
	a = area_of_locked(e, &w);
	if (a && (*w & SWAP_HAS_CACHE)) {
		*w &= ~SWAP_HAS_CACHE;
		word_changed_locked(a, w);
	}
	spin_unlock(&swap_lock);
}

void
swap_cache_claim(swp_entry_t e)
{
	struct swap_area *a;
	uint16_t *w;

	spin_lock(&swap_lock);
	a = area_of_locked(e, &w);
	if (a && !(*w & SWAP_HAS_CACHE)) {
		if (*w == 0)
			a->inuse++;
		*w |= SWAP_HAS_CACHE;
	}
	spin_unlock(&swap_lock);
}

bool
swap_entry_active(swp_entry_t e)
{
	bool on;

	spin_lock(&swap_lock);
	on = areas[swp_area(e)].used && areas[swp_area(e)].active;
	spin_unlock(&swap_lock);
	return on;
}

unsigned
swap_count(swp_entry_t e)
{
	struct swap_area *a;
	unsigned n = 0;
	uint16_t *w;

	spin_lock(&swap_lock);
	a = area_of_locked(e, &w);
	if (a)
		n = *w & ~SWAP_HAS_CACHE;
	spin_unlock(&swap_lock);
	return n;
}

uint64_t
swap_area_used(unsigned area)
{
	uint64_t n;

	spin_lock(&swap_lock);
	n = area < SWAP_MAX_AREAS && areas[area].used ? areas[area].inuse : 0;
	spin_unlock(&swap_lock);
	return n;
}

bool
swap_available(void)
{
	uint64_t total, free;

	swap_totals(&total, &free);
	return free > 0;
}

/* The backing of e's area, for I/O outside the lock. */
static struct swap_area *
area_for_io(swp_entry_t e)
{
	struct swap_area *a;
	uint16_t *w;

	spin_lock(&swap_lock);
	a = area_of_locked(e, &w);
	spin_unlock(&swap_lock);
	return a;
}

int
swap_read_page(swp_entry_t e, void *page)
{
	struct swap_area *a = area_for_io(e);

	return a ? a->b->read(a->dev, swp_slot(e), page) : -EINVAL;
}

int
swap_write_page(swp_entry_t e, const void *page)
{
	struct swap_area *a = area_for_io(e);

	return a ? a->b->write(a->dev, swp_slot(e), page) : -EINVAL;
}

/* ---- swapon, swapoff ---- */

static int
lowest_prio_locked(void)
{
	int lo = 0;

	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++)
		if (areas[i].used && areas[i].prio <= lo)
			lo = areas[i].prio - 1;
	return lo;
}

static int
claim_area(const struct swap_backing *b, void *dev, const char *name, uint64_t pages,
	   uint16_t *map, uint64_t nbad, int prio)
{
	int idx = -ENOSPC;

	spin_lock(&swap_lock);
	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		if (areas[i].used && areas[i].dev == dev) {
			idx = -EBUSY;
			break;
		}
		if (!areas[i].used && idx == -ENOSPC)
			idx = (int)i;
	}
	if (idx >= 0) {
		struct swap_area *a = &areas[idx];

		*a = (struct swap_area){ .used = true, .active = true, .b = b, .dev = dev,
					 .pages = pages, .nbad = nbad, .map = map, .cursor = 1,
					 .prio = prio < 0 ? lowest_prio_locked() : prio };
		strlcpy(a->name, name, sizeof(a->name));
	}
	spin_unlock(&swap_lock);
	return idx;
}

int
swap_on(const struct swap_backing *b, void *dev, const char *name, uint64_t pages,
	const uint32_t *bad, unsigned nbad, int prio)
{
	uint64_t marked = 1;
	uint16_t *map;
	int idx;

	if (pages > SWAP_MAX_SLOTS)
		pages = SWAP_MAX_SLOTS;
	if (pages < 2)
		return -EINVAL;
	map = kzalloc(pages * sizeof(*map));
	if (!map)
		return -ENOMEM;
	map[0] = SWAP_BAD;
	for (unsigned i = 0; i < nbad; i++) {
		if (bad[i] > 0 && bad[i] < pages && map[bad[i]] != SWAP_BAD) {
			map[bad[i]] = SWAP_BAD;
			marked++;
		}
	}
	idx = claim_area(b, dev, name, pages, map, marked, prio);
	if (idx < 0) {
		kfree(map);
		return idx;
	}
	pr_info("swap: on %s: %llu KiB, priority %d\n", name,
		(unsigned long long)((pages - marked) * 4), areas[idx].prio);
	vm_reclaim_swap_changed();
	return 0;
}

static int
find_area(void *dev)
{
	int idx = -EINVAL;

	spin_lock(&swap_lock);
	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++)
		if (areas[i].used && areas[i].active && areas[i].dev == dev)
			idx = (int)i;
	if (idx >= 0)
		areas[idx].active = false;     /* no new slots while it empties */
	spin_unlock(&swap_lock);
	return idx;
}

int
swap_off(void *dev)
{
	int idx = find_area(dev), r;
	struct swap_area *a;
	uint16_t *map;

	if (idx < 0)
		return idx;
	a = &areas[idx];
	r = vm_swapoff_area((unsigned)idx);
	spin_lock(&swap_lock);
	if (r == 0 && a->inuse != 0)
		r = -ENOMEM;
	if (r) {
		a->active = true;
		spin_unlock(&swap_lock);
		pr_warn("swap: off %s failed (%d): %llu slots still in use\n", a->name, r,
			(unsigned long long)a->inuse);
		return r;
	}
	map = a->map;
	a->used = false;
	a->map = NULL;
	spin_unlock(&swap_lock);
	pr_info("swap: off %s\n", a->name);
	kfree(map);
	if (a->b->release)
		a->b->release(a->dev);
	return 0;
}

int
swap_area_info(unsigned i, struct swap_info *out)
{
	unsigned seen = 0;
	int r = -ENOENT;

	spin_lock(&swap_lock);
	for (unsigned k = 0; k < SWAP_MAX_AREAS; k++) {
		struct swap_area *a = &areas[k];

		if (!a->used || seen++ != i)
			continue;
		strlcpy(out->name, a->name, sizeof(out->name));
		out->pages = a->pages - a->nbad;
		out->used = a->inuse;
		out->prio = a->prio;
		r = 0;
		break;
	}
	spin_unlock(&swap_lock);
	return r;
}

void
swap_totals(uint64_t *total, uint64_t *free)
{
	uint64_t t = 0, u = 0;

	spin_lock(&swap_lock);
	for (unsigned k = 0; k < SWAP_MAX_AREAS; k++) {
		if (!areas[k].used || !areas[k].active)
			continue;
		t += areas[k].pages - areas[k].nbad;
		u += areas[k].inuse;
	}
	spin_unlock(&swap_lock);
	*total = t;
	*free = t > u ? t - u : 0;
}
