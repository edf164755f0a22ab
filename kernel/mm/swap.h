/* SPDX-License-Identifier: MIT */
/*
 * Swap: where an anonymous page goes when memory is short and its contents
 * must be kept.
 *
 * A swap area is a block device (or partition) laid out as Linux's mkswap
 * writes it: page 0 is the header, ending in the signature "SWAPSPACE2",
 * and every later page is a slot that holds one page.  A page that has been
 * swapped out is remembered in the PTEs that mapped it: a not-present PTE
 * holding a swap entry, the area's number and the slot's.
 *
 *   63          52 51                       12 11    6 5   2 1 0
 *   [   zero     ][          slot           ][ zero ][area][1][0]
 *                                                           |  `- P = 0: not present
 *                                                           `--- a swap entry (not 0)
 *
 * The CPU ignores every other bit of a not-present entry, so the encoding is
 * the kernel's own choice.  Each slot has a count of the PTEs holding its
 * entry, plus a flag while a page in memory (the swap cache) carries its
 * contents; the slot is free when both are gone.
 *
 * mm/ cannot call the block layer (it sits above), so whoever turns swap on
 * hands in a struct swap_backing: how to read and write one page of the
 * area.  The system call (syscall/sys_swap.c) makes it from a block device.
 */
#pragma once

#include "lib/compiler.h"

typedef uint64_t swp_entry_t;   /* the PTE value itself */

#define SWP_MARK        (1ull << 1)
#define SWP_AREA_SHIFT  2
#define SWP_AREA_BITS   4
#define SWAP_MAX_AREAS  (1u << SWP_AREA_BITS)
#define SWP_SLOT_SHIFT  12
#define SWP_SLOT_MAX    ((1ull << 40) - 1)

static inline swp_entry_t
swp_entry(unsigned area, uint64_t slot)
{
	return (slot << SWP_SLOT_SHIFT) | ((uint64_t)area << SWP_AREA_SHIFT) | SWP_MARK;
}

static inline bool
pte_is_swap(uint64_t pte)
{
	return !(pte & 1) && (pte & SWP_MARK);
}

static inline unsigned
swp_area(swp_entry_t e)
{
	return (unsigned)(e >> SWP_AREA_SHIFT) & (SWAP_MAX_AREAS - 1);
}

static inline uint64_t
swp_slot(swp_entry_t e)
{
	return (e >> SWP_SLOT_SHIFT) & SWP_SLOT_MAX;
}

/* How to reach an area's pages: slot n is the n-th page of the device. */
struct swap_backing {
	int (*read)(void *dev, uint64_t slot, void *page);
	int (*write)(void *dev, uint64_t slot, const void *page);
	void (*release)(void *dev);   /* swapoff is done with dev */
};

/*
 * Turn swap on: slots 1 .. pages-1 of dev (slot 0 is the header).  bad
 * lists slots mkswap marked unusable (nbad of them).  prio: higher first;
 * -1 for "after every area already on".  => 0, -EBUSY (dev already on),
 * -EINVAL (fewer than 2 pages), -ENOSPC (too many areas), -ENOMEM.
 */
int swap_on(const struct swap_backing *b, void *dev, const char *name, uint64_t pages,
	    const uint32_t *bad, unsigned nbad, int prio);
/*
 * Bring every page of dev's area back into memory and forget the area.
 * => 0, -EINVAL (not on), -ENOMEM (memory is too short: the area stays on).
 */
int swap_off(void *dev);

struct swap_info {
	char name[32];
	uint64_t pages;      /* slots, counting the header */
	uint64_t used;       /* slots in use */
	int prio;
};
/* The i-th active area; -ENOENT past the last. */
int swap_area_info(unsigned i, struct swap_info *out);
/* Totals over every area, in pages. */
void swap_totals(uint64_t *total, uint64_t *free);

/* ---- slots, for mm/ (locks: swap_lock, after vmr_lock) ---- */
/* A free slot, its "cached" flag set; 0 when every area is full. */
swp_entry_t swap_slot_alloc(void);
/* One more PTE holds e (fork).  => 0, or -EINVAL for a bad entry. */
int swap_dup(swp_entry_t e);
/* One PTE fewer holds e.  => the PTEs still holding it. */
unsigned swap_put(swp_entry_t e);
/* The swap cache let go of e: free the slot if no PTE holds it. */
void swap_uncache(swp_entry_t e);
/* A slot already held by PTEs gets a page in the swap cache (swap-in). */
void swap_cache_claim(swp_entry_t e);
/* May e's area still take pages (not being turned off)? */
bool swap_entry_active(swp_entry_t e);
/* PTEs holding e now. */
unsigned swap_count(swp_entry_t e);
int swap_read_page(swp_entry_t e, void *page);
int swap_write_page(swp_entry_t e, const void *page);
/* Slots of an area still in use (swapoff waits for 0). */
uint64_t swap_area_used(unsigned area);
/* Is any area on (so anonymous pages can be evicted)? */
bool swap_available(void);
