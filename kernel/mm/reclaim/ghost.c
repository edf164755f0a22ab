// SPDX-License-Identifier: MIT
/*
 * Ghost history: the keys of pages evicted recently, kept after the pages
 * themselves are gone.  A later fault on such a key tells an adaptive
 * policy that it evicted the page too early, and from which list (B1:
 * pages seen once, B2: pages seen twice or more), which is the signal ARC,
 * CAR and CART steer by.
 *
 * Records live in one preallocated array; a hash of the key picks a bucket
 * whose chain (by record index) is searched.  The LRU order of B1 and B2 is
 * an intrusive list through the records, so every operation is O(1) on
 * average and none allocates.
 */
#include "mm/reclaim/internal.h"
#include "uapi/errno.h"

/* Fibonacci hashing: multiply by 2^64 / phi and keep the top bits. */
static uint32_t
ghost_hash(const struct ghost_table *g, uint64_t key)
{
	return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & g->hmask;
}

static size_t
ghost_nbuckets(size_t n)
{
	size_t b = 1;

	while (b < n)
		b <<= 1;
	return b;
}

size_t
reclaim_ghost_bytes(size_t n)
{
	size_t recs = ALIGN_UP(n * sizeof(struct ghost_rec), 8);

	return recs + ghost_nbuckets(n) * sizeof(uint32_t);
}

void
reclaim_ghost_init(struct ghost_table *g, void *mem, size_t n)
{
	size_t nb = ghost_nbuckets(n);

	g->recs = mem;
	g->buckets = (uint32_t *)((char *)mem + ALIGN_UP(n * sizeof(struct ghost_rec), 8));
	g->nrecs = (uint32_t)n;
	g->hmask = (uint32_t)(nb - 1);
	list_init(&g->free);
	list_init(&g->lists[GHOST_B1]);
	list_init(&g->lists[GHOST_B2]);
	g->len[GHOST_B1] = g->len[GHOST_B2] = 0;
	for (size_t i = 0; i < nb; i++)
		g->buckets[i] = GHOST_NONE;
	for (size_t i = 0; i < n; i++)
		list_push_back(&g->free, &g->recs[i].link);
}

static uint32_t
ghost_lookup(const struct ghost_table *g, uint64_t key)
{
	uint32_t i = g->buckets[ghost_hash(g, key)];

	while (i != GHOST_NONE && g->recs[i].key != key)
		i = g->recs[i].hnext;
	return i;
}

int
reclaim_ghost_find(const struct ghost_table *g, uint64_t key)
{
	uint32_t i = ghost_lookup(g, key);

	return i == GHOST_NONE ? -1 : g->recs[i].list;
}

/* Unlink record i from its hash chain and list, and free it. */
static void
ghost_release(struct ghost_table *g, uint32_t i)
{
	struct ghost_rec *rec = &g->recs[i];
	uint32_t *pp = &g->buckets[ghost_hash(g, rec->key)];

	while (*pp != i)
		pp = &g->recs[*pp].hnext;
	*pp = rec->hnext;
	g->len[rec->list]--;
	list_remove(&rec->link);
	list_push_back(&g->free, &rec->link);
}

void
reclaim_ghost_forget(struct ghost_table *g, uint64_t key)
{
	uint32_t i = ghost_lookup(g, key);

	if (i != GHOST_NONE)
		ghost_release(g, i);
}

int
reclaim_ghost_add(struct ghost_table *g, int list, uint64_t key)
{
	struct ghost_rec *rec;
	uint32_t h;

	/* One key, one ghost: an older record of it is stale now. */
	reclaim_ghost_forget(g, key);
	if (list_empty(&g->free))
		return -ENOSPC;
	rec = list_entry(list_pop_front(&g->free), struct ghost_rec, link);
	h = ghost_hash(g, key);
	rec->key = key;
	rec->list = (uint8_t)list;
	rec->hnext = g->buckets[h];
	g->buckets[h] = (uint32_t)(rec - g->recs);
	list_push_back(&g->lists[list], &rec->link);
	g->len[list]++;
	return 0;
}

void
reclaim_ghost_drop_lru(struct ghost_table *g, int list)
{
	struct list_node *n = g->lists[list].next;

	if (n == &g->lists[list])
		return;
	ghost_release(g, (uint32_t)(list_entry(n, struct ghost_rec, link) - g->recs));
}

void
reclaim_ghost_make_room(struct ghost_table *g, size_t t1, size_t c)
{
	size_t b1 = g->len[GHOST_B1];

	if (reclaim_ghost_used(g) < g->nrecs)
		return;
	if (b1 && (t1 + b1 >= c || !g->len[GHOST_B2]))
		reclaim_ghost_drop_lru(g, GHOST_B1);
	else
		reclaim_ghost_drop_lru(g, GHOST_B2);
}

/* Every record on list `list` is tagged so and found by its key. */
static const char *
ghost_check_list(const struct ghost_table *g, int list, size_t *seen)
{
	size_t n = 0;

	list_for_each(pos, &g->lists[list]) {
		const struct ghost_rec *rec = list_entry(pos, struct ghost_rec, link);

		if (rec->list != list)
			return "ghost: record on the wrong list";
		if (ghost_lookup(g, rec->key) != (uint32_t)(rec - g->recs))
			return "ghost: record not found by its key (or key twice)";
		if (++n > g->nrecs)
			return "ghost: list longer than the pool";
	}
	if (n != g->len[list])
		return "ghost: list length does not match its count";
	*seen += n;
	return NULL;
}

const char *
reclaim_ghost_check(const struct ghost_table *g)
{
	size_t used = 0, nfree = 0, chained = 0;
	const char *why;

	if ((why = ghost_check_list(g, GHOST_B1, &used)) ||
	    (why = ghost_check_list(g, GHOST_B2, &used)))
		return why;
	list_for_each(pos, &g->free) {
		if (++nfree > g->nrecs)
			return "ghost: free list longer than the pool";
	}
	if (used + nfree != g->nrecs)
		return "ghost: records lost (in use + free != pool)";
	for (uint32_t b = 0; b <= g->hmask; b++) {
		for (uint32_t i = g->buckets[b]; i != GHOST_NONE; i = g->recs[i].hnext) {
			if (++chained > used)
				return "ghost: hash chains hold more than the lists";
		}
	}
	if (chained != used)
		return "ghost: hash chains hold fewer than the lists";
	return NULL;
}
