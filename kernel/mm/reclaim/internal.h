/* SPDX-License-Identifier: MIT */
/*
 * What the replacement policies share and nobody else needs: the ghost
 * history (keys of recently evicted pages, in two LRU lists B1 and B2 with
 * a hash index), and small helpers over the resident lists.
 *
 * A ghost table is one block of memory carved at init: `n` records and a
 * power-of-two array of hash buckets.  Records not in use sit on a free
 * list, so adding a ghost never allocates; when the pool is empty the
 * policy must drop a ghost first (each policy has its own rule for which).
 */
#pragma once

#include "mm/reclaim.h"

#define GHOST_NONE UINT32_MAX

enum ghost_list {
	GHOST_B1 = 0,   /* evicted from T1 */
	GHOST_B2 = 1,   /* evicted from T2 */
};

struct ghost_rec {
	uint64_t key;
	struct list_node link;   /* on B1, B2 (front = LRU) or the free list */
	uint32_t hnext;          /* next record in the hash chain */
	uint8_t list;            /* enum ghost_list, when in use */
};

struct ghost_table {
	struct ghost_rec *recs;
	uint32_t *buckets;
	uint32_t nrecs;
	uint32_t hmask;                /* nbuckets - 1 */
	struct list_node free;
	struct list_node lists[2];     /* B1, B2: LRU at the front */
	size_t len[2];
};

/* Bytes reclaim_ghost_init() needs for n records. */
size_t reclaim_ghost_bytes(size_t n);
/* Lay a table for n records over mem (reclaim_ghost_bytes(n) bytes, 8-aligned). */
void reclaim_ghost_init(struct ghost_table *g, void *mem, size_t n);
/* GHOST_B1, GHOST_B2, or -1 when the key has no ghost. */
int reclaim_ghost_find(const struct ghost_table *g, uint64_t key);
/* Forget the key's ghost, if it has one. */
void reclaim_ghost_forget(struct ghost_table *g, uint64_t key);
/* Record key as the MRU ghost of list; -ENOSPC when the pool is empty. */
int reclaim_ghost_add(struct ghost_table *g, int list, uint64_t key);
/* Forget the LRU ghost of list (nothing if it is empty). */
void reclaim_ghost_drop_lru(struct ghost_table *g, int list);
/*
 * Eviction with the pool full (only reclaim running far ahead of faults
 * gets there): drop one ghost first, by ARC's rule, keeping |T1|+|B1| <= c.
 */
void reclaim_ghost_make_room(struct ghost_table *g, size_t t1, size_t c);
/* Debug: NULL when lists, hash and free pool agree. */
const char *reclaim_ghost_check(const struct ghost_table *g);

static inline size_t
reclaim_ghost_len(const struct ghost_table *g, int list)
{
	return g->len[list];
}

static inline size_t
reclaim_ghost_used(const struct ghost_table *g)
{
	return g->len[GHOST_B1] + g->len[GHOST_B2];
}

static inline void
reclaim_count_ghost_hit(struct reclaim *r, int list)
{
	if (list == GHOST_B1)
		r->stats.ghost_hits_b1++;
	else
		r->stats.ghost_hits_b2++;
}

/* The caller's pin flag or callback says this entry must stay. */
static inline bool
reclaim_pinned(const struct reclaim *r, const struct reclaim_entry *e)
{
	if (e->pinned)
		return true;
	return r->params.is_pinned && r->params.is_pinned(e, r->params.pin_arg);
}

static inline struct reclaim_entry *
reclaim_entry_of(struct list_node *n)
{
	return list_entry(n, struct reclaim_entry, link);
}

/* Put e at the back (tail, MRU end) of a list and tag it. */
static inline void
reclaim_list_add(struct list_node *h, struct reclaim_entry *e, uint8_t which)
{
	list_push_back(h, &e->link);
	e->list = which;
}

/* Move e from wherever it is to the back of h. */
static inline void
reclaim_list_move(struct list_node *h, struct reclaim_entry *e, uint8_t which)
{
	list_remove(&e->link);
	reclaim_list_add(h, e, which);
}

/* Take e off its list. */
static inline void
reclaim_list_del(struct reclaim_entry *e)
{
	list_remove(&e->link);
	e->list = RECLAIM_LIST_NONE;
}

/* The first unpinned entry from the front of h, or NULL. */
struct reclaim_entry *reclaim_first_unpinned(struct reclaim *r, struct list_node *h);

/*
 * Debug: walk h and check that it holds exactly n entries, all tagged
 * `which`.  NULL if so, else `why`.
 */
const char *reclaim_check_list(const struct list_node *h, size_t n, uint8_t which,
			       const char *why);

/* Allocate one block through the caller's allocator, zeroed. */
void *reclaim_zalloc(struct reclaim *r, size_t size);
void reclaim_free(struct reclaim *r, void *p);
