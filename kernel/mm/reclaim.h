/* SPDX-License-Identifier: MIT */
/*
 * Page replacement: which resident page to give up when memory runs short.
 *
 * One interface, several policies (clock, ARC, CAR, CART, and FIFO and LRU
 * for comparison), chosen at boot with keel.reclaim=.  The policies are
 * pure C: the kernel calls them, and the host laboratory in tools/policylab/
 * runs the very same files on page-reference traces.
 *
 * The caller owns the pages; a policy only orders them.  Each page embeds a
 * struct reclaim_entry (struct page has one, `rec`) naming the page's
 * identity by a 64-bit key, such as a hash of (object, offset), so that a
 * page read back in after eviction is recognised.  The life of an entry:
 *
 *     reclaim_entry_init(e, key)
 *     reclaim_insert(r, e)          the page became resident; the adaptive
 *                                   policies look its key up in their ghost
 *                                   history here
 *     reclaim_access(r, e) ...      the page was referenced (as the MMU's
 *                                   accessed bit says it was)
 *     e = reclaim_victim(r, key)    memory is short: which page should go?
 *                                   Never a pinned one.  The entry stays
 *                                   where it is until the caller decides.
 *     reclaim_evicted(r, e)         it went: the policy remembers its key
 *   or reclaim_remove(r, e)         it was freed for another reason (unmap,
 *                                   truncate): no history is kept
 *
 * Ghost history holds keys only, in a pool sized from the capacity and
 * allocated once by reclaim_init() through the caller's allocator: nothing
 * allocates while reclaiming.
 *
 * Locks: [r] one lock, the caller's, covers a struct reclaim and the list
 * fields of its entries; [o] the page's owner sets the key and the pin.
 * For clock, CAR and CART a hit is nothing but `referenced = 1`, so a
 * caller may set that byte itself without [r], as the MMU sets an accessed
 * bit (a lost update costs one second chance).  ARC and LRU move the entry
 * on a hit and need reclaim_access() under [r].
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"

/* Which resident list an entry is on.  One-list policies use T1 only. */
enum reclaim_list {
	RECLAIM_LIST_NONE = 0,   /* not resident, as far as the policy knows */
	RECLAIM_LIST_T1 = 1,     /* clock/FIFO/LRU: the list; ARC...: recency */
	RECLAIM_LIST_T2 = 2,     /* ARC, CAR, CART: frequency */
};

/* CART's temporal filter: short-term or long-term utility. */
enum reclaim_filter {
	RECLAIM_FILTER_S = 0,
	RECLAIM_FILTER_L = 1,
};

/* Keys are the caller's; this one value means "no key". */
#define RECLAIM_KEY_NONE UINT64_MAX

struct reclaim_entry {
	struct list_node link;   /* [r] place on the policy's resident list */
	uint64_t key;            /* [o] identity of the page's contents */
	uint8_t list;            /* [r] enum reclaim_list */
	uint8_t referenced;      /* [r] set on access, cleared by the hand */
	uint8_t pinned;          /* [o] mlocked or under I/O: never a victim */
	uint8_t filter;          /* [r] CART: enum reclaim_filter */
};

/* Memory for a policy's state, asked for at init and given back at destroy. */
struct reclaim_alloc {
	void *(*alloc)(size_t size, void *arg);
	void (*free)(void *p, void *arg);
	void *arg;
};

struct reclaim_params {
	size_t capacity;          /* c: how many pages may be resident */
	struct reclaim_alloc mem;
	/*
	 * Optional: a second opinion on pinning beside e->pinned, for a caller
	 * that keeps the state elsewhere (PG_LOCKED in struct page).
	 */
	bool (*is_pinned)(const struct reclaim_entry *e, void *arg);
	void *pin_arg;
};

/* Counters kept by the common layer, and a snapshot of the list sizes. */
struct reclaim_stats {
	uint64_t inserts;
	uint64_t accesses;
	uint64_t victims;        /* victims returned */
	uint64_t no_victim;      /* victim asked for, none evictable */
	uint64_t evictions;
	uint64_t removes;
	uint64_t ghost_hits_b1;  /* insertions whose key was in B1 */
	uint64_t ghost_hits_b2;
	uint64_t scanned;        /* entries the hands looked at */
	size_t t1, t2, b1, b2;   /* list sizes now */
	size_t p, q;             /* adaptive targets now (ARC/CAR/CART) */
};

struct reclaim;

/*
 * A policy.  The common layer (reclaim.c) checks arguments and keeps the
 * counters, so the operations below see only valid requests:
 *   insert: e is not resident and the policy has room (resident < c);
 *   access, evicted, remove: e is resident in this policy;
 *   victim: returns a resident, unpinned entry or NULL, and must not loop
 *           forever when everything is pinned.
 */
struct reclaim_policy {
	const char *name;
	const char *desc;
	int (*init)(struct reclaim *r);
	void (*destroy)(struct reclaim *r);
	void (*access)(struct reclaim *r, struct reclaim_entry *e);
	void (*insert)(struct reclaim *r, struct reclaim_entry *e);
	struct reclaim_entry *(*victim)(struct reclaim *r, uint64_t incoming);
	void (*evicted)(struct reclaim *r, struct reclaim_entry *e);
	void (*remove)(struct reclaim *r, struct reclaim_entry *e);
	/* Debug: check every invariant; NULL if they hold, else what broke. */
	const char *(*check)(const struct reclaim *r);
	void (*sizes)(const struct reclaim *r, struct reclaim_stats *st);
};

struct reclaim {
	const struct reclaim_policy *policy;   /* [I] */
	struct reclaim_params params;          /* [I] */
	size_t resident;                       /* [r] entries on its lists */
	struct reclaim_stats stats;            /* [r] counters */
	void *priv;                            /* [r] the policy's state */
};

/* The policies, by name ("clock", "arc", "car", "cart", "fifo", "lru"). */
const struct reclaim_policy *reclaim_policy_find(const char *name);
/* keel.reclaim=NAME: that policy, or clock when NAME is NULL or unknown. */
const struct reclaim_policy *reclaim_policy_select(const char *name);
/* The i-th policy in the registry, NULL past the end. */
const struct reclaim_policy *reclaim_policy_at(size_t i);
extern const struct reclaim_policy reclaim_clock, reclaim_arc, reclaim_car,
	reclaim_cart, reclaim_fifo, reclaim_lru;

/* 0, -EINVAL (capacity 0 or too large, no allocator) or -ENOMEM. */
int reclaim_init(struct reclaim *r, const struct reclaim_policy *pol,
		 const struct reclaim_params *params) __must_check;
void reclaim_destroy(struct reclaim *r);

void reclaim_entry_init(struct reclaim_entry *e, uint64_t key);
static inline bool
reclaim_entry_resident(const struct reclaim_entry *e)
{
	return e->list != RECLAIM_LIST_NONE;
}

/* -EBUSY if e is already resident, -ENOSPC if c entries are resident. */
int reclaim_insert(struct reclaim *r, struct reclaim_entry *e) __must_check;
/* -EINVAL if e is not resident. */
int reclaim_access(struct reclaim *r, struct reclaim_entry *e);
/*
 * Choose the entry to evict, never a pinned one; NULL when none can go.
 * `incoming` is the key of the page the frame is wanted for, or
 * RECLAIM_KEY_NONE (background reclaim): ARC's choice depends on it.
 */
struct reclaim_entry *reclaim_victim(struct reclaim *r, uint64_t incoming);
int reclaim_evicted(struct reclaim *r, struct reclaim_entry *e);
int reclaim_remove(struct reclaim *r, struct reclaim_entry *e);

/* NULL when every invariant of the policy holds, else a description. */
const char *reclaim_check(const struct reclaim *r);
void reclaim_get_stats(const struct reclaim *r, struct reclaim_stats *st);

/* Largest capacity accepted: ghost records are indexed by uint32_t. */
#define RECLAIM_MAX_CAPACITY (1u << 28)
