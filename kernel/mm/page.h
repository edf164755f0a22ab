/* SPDX-License-Identifier: MIT */
/*
 * struct page: the kernel's record of one 4 KiB physical frame.  There is
 * one for every frame in the machine, in one array indexed by frame number
 * (pfn) minus the first pfn.  Pure C: the buddy allocator's host tests use
 * it as it is.
 *
 * Locks: [z] the zone lock (pmm), [a] atomic, [R] vmr_lock (mm/pageout.c),
 * [o] the frame's owner (the slab cache, the page cache, the address space
 * that maps it).
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "mm/reclaim.h"

struct rmap_item;

enum {
	PG_FREE     = 1u << 0,   /* on a buddy free list (head of a block) */
	PG_RESERVED = 1u << 1,   /* never allocatable: firmware, kernel image */
	PG_SLAB     = 1u << 2,   /* owned by the slab allocator */
	PG_KMALLOC  = 1u << 3,   /* a large kmalloc block (order in ->order) */
	PG_PAGETABLE = 1u << 4,
	PG_ANON     = 1u << 5,   /* a private user page: reverse-mapped, reclaimable */
	PG_CACHE    = 1u << 6,   /* in the page cache */
	PG_DIRTY    = 1u << 7,
	PG_LOCKED   = 1u << 8,   /* under I/O or pinned: never evicted */
	PG_REFERENCED = 1u << 9,
	PG_ZERO     = 1u << 10,  /* the shared zero page */
	PG_SWAPCACHE = 1u << 11, /* in the swap cache: index is its swap entry */
	PG_STANDBY  = 1u << 12,  /* on the page buffer: evicted, clean, identity kept */
	PG_FILECLEAN = 1u << 13, /* a private copy of a file page, never written */
	PG_RECLAIMABLE = 1u << 14, /* a page-cache page its owner lets reclaim take */
	PG_READAHEAD = 1u << 15, /* read from swap for a fault that will map it */
};

struct page {
	struct list_node node;   /* [z] free list, or [o] LRU / cache list */
	uint32_t flags;          /* [z]/[o] PG_* */
	uint8_t order;           /* [z] block order when PG_FREE or PG_KMALLOC */
	int32_t refcount;        /* [a] mappings and other references */
	void *owner;             /* [o] slab cache, inode mapping or anon owner */
	uint64_t index;          /* [o] file page index, swap slot, ... */
	uint64_t priv;           /* [o] owner's use */
	struct reclaim_entry rec; /* page replacement; locks in mm/reclaim.h */
	struct rmap_item *rmap;   /* [R] the PTEs mapping it (mm/rmap.c), PG_ANON only */
};

#define MAX_ORDER 10     /* largest block: 2^10 pages = 4 MiB */
