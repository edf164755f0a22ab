// SPDX-License-Identifier: MIT
// Page replacement: the interface's contract, worked examples, pinning, invariants.
// UNIT_SRCS: kernel/mm/reclaim/reclaim.c kernel/mm/reclaim/ghost.c kernel/mm/reclaim/fifo_lru.c
// UNIT_SRCS: kernel/mm/reclaim/clock.c kernel/mm/reclaim/arc.c
// UNIT_SRCS: kernel/mm/reclaim/car.c kernel/mm/reclaim/cart.c
#include "unit.h"
#include "mm/reclaim.h"
#include "mm/reclaim/internal.h"
#include "uapi/errno.h"

static void *
t_alloc(size_t size, void *arg)
{
	return malloc(size);
}

static void
t_free(void *p, void *arg)
{
	free(p);
}

static void *
t_alloc_fail(size_t size, void *arg)
{
	return NULL;
}

static struct reclaim_params
params(size_t c)
{
	return (struct reclaim_params){ .capacity = c, .mem = { t_alloc, t_free, NULL } };
}

/* Entries with keys 0x100 + i, so that ents[i] is "page i". */
static void
entries(struct reclaim_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		reclaim_entry_init(&e[i], 0x100 + i);
}

static const char *
sizes(struct reclaim *r, struct reclaim_stats *st)
{
	reclaim_get_stats(r, st);
	return reclaim_check(r);
}

TEST(registry_finds_every_policy)
{
	static const char *names[] = { "clock", "arc", "car", "cart", "fifo", "lru" };
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct reclaim_policy *pol = reclaim_policy_find(names[i]);

		CHECK(pol != NULL);
		if (pol)
			CHECK_STR(pol->name, names[i]);
	}
	while (reclaim_policy_at(n))
		n++;
	CHECK_EQ(n, ARRAY_SIZE(names));
	CHECK(reclaim_policy_find("ARC") == NULL);
	CHECK(reclaim_policy_find(NULL) == NULL);
	CHECK(reclaim_policy_select("lru") == &reclaim_lru);
	CHECK(reclaim_policy_select("bogus") == &reclaim_clock);
	CHECK(reclaim_policy_select(NULL) == &reclaim_clock);
}

TEST(init_rejects_bad_parameters)
{
	for (size_t i = 0; reclaim_policy_at(i); i++) {
		const struct reclaim_policy *pol = reclaim_policy_at(i);
		struct reclaim_params prm = params(0);
		struct reclaim r;

		CHECK_EQ(reclaim_init(&r, pol, &prm), -EINVAL);
		prm = params((size_t)RECLAIM_MAX_CAPACITY + 1);
		CHECK_EQ(reclaim_init(&r, pol, &prm), -EINVAL);
		prm = params(4);
		prm.mem.alloc = NULL;
		CHECK_EQ(reclaim_init(&r, pol, &prm), -EINVAL);
		prm.mem.alloc = t_alloc_fail;
		CHECK_EQ(reclaim_init(&r, pol, &prm), -ENOMEM);
		CHECK_EQ(reclaim_init(&r, NULL, &prm), -EINVAL);
	}
}

TEST(bad_calls_return_errors_and_change_nothing)
{
	for (size_t i = 0; reclaim_policy_at(i); i++) {
		struct reclaim_params prm = params(2);
		struct reclaim_entry e[3];
		struct reclaim r;

		entries(e, 3);
		CHECK_EQ(reclaim_init(&r, reclaim_policy_at(i), &prm), 0);
		CHECK(reclaim_victim(&r, RECLAIM_KEY_NONE) == NULL);
		CHECK_EQ(reclaim_access(&r, &e[0]), -EINVAL);
		CHECK_EQ(reclaim_evicted(&r, &e[0]), -EINVAL);
		CHECK_EQ(reclaim_remove(&r, &e[0]), -EINVAL);
		CHECK_EQ(reclaim_insert(&r, &e[0]), 0);
		CHECK_EQ(reclaim_insert(&r, &e[0]), -EBUSY);
		CHECK_EQ(reclaim_insert(&r, &e[1]), 0);
		CHECK_EQ(reclaim_insert(&r, &e[2]), -ENOSPC);
		CHECK(!reclaim_entry_resident(&e[2]));
		CHECK_EQ(r.resident, 2);
		CHECK(reclaim_check(&r) == NULL);
		CHECK_EQ(reclaim_remove(&r, &e[0]), 0);
		CHECK_EQ(reclaim_remove(&r, &e[0]), -EINVAL);
		CHECK_EQ(reclaim_insert(&r, &e[2]), 0);
		CHECK(reclaim_check(&r) == NULL);
		reclaim_destroy(&r);
	}
}

TEST(clock_gives_a_second_chance)
{
	struct reclaim_params prm = params(3);
	struct reclaim_entry e[4];
	struct reclaim r;

	entries(e, 4);
	CHECK_EQ(reclaim_init(&r, &reclaim_clock, &prm), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(reclaim_insert(&r, &e[i]), 0);
	reclaim_access(&r, &e[0]);
	/* The hand clears page 0's bit and passes on to page 1. */
	CHECK(reclaim_victim(&r, RECLAIM_KEY_NONE) == &e[1]);
	CHECK_EQ(e[0].referenced, 0);
	/* Until the caller evicts it, the victim stays under the hand. */
	CHECK(reclaim_victim(&r, RECLAIM_KEY_NONE) == &e[1]);
	CHECK_EQ(reclaim_evicted(&r, &e[1]), 0);
	CHECK_EQ(reclaim_insert(&r, &e[3]), 0);
	CHECK(reclaim_victim(&r, RECLAIM_KEY_NONE) == &e[2]);
	CHECK(reclaim_check(&r) == NULL);
	reclaim_destroy(&r);
}

/* Belady's sequence by hand: FIFO evicts by age, LRU by last use. */
TEST(fifo_and_lru_pick_oldest_and_least_recent)
{
	struct reclaim_params prm = params(3);
	struct reclaim_entry e[3];
	struct reclaim f, l;

	entries(e, 3);
	CHECK_EQ(reclaim_init(&f, &reclaim_fifo, &prm), 0);
	CHECK_EQ(reclaim_init(&l, &reclaim_lru, &prm), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(reclaim_insert(&f, &e[i]), 0);
	reclaim_access(&f, &e[0]);
	CHECK(reclaim_victim(&f, RECLAIM_KEY_NONE) == &e[0]);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(reclaim_remove(&f, &e[i]), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(reclaim_insert(&l, &e[i]), 0);
	reclaim_access(&l, &e[0]);
	CHECK(reclaim_victim(&l, RECLAIM_KEY_NONE) == &e[1]);
	reclaim_destroy(&f);
	reclaim_destroy(&l);
}

/*
 * ARC, c = 4.  Pages 1-4 arrive (T1); 1 is hit (to T2).  Page 5's fault
 * evicts 2 (|T1| = 3 > p = 0) into B1.  Page 2's refault is a B1 hit: p
 * grows to 1 before the replacement, which evicts 3, and 2 lands in T2.
 */
TEST(arc_worked_example)
{
	struct reclaim_params prm = params(4);
	struct reclaim_entry e[6];
	struct reclaim_stats st;
	struct reclaim r;

	entries(e, 6);
	CHECK_EQ(reclaim_init(&r, &reclaim_arc, &prm), 0);
	for (int i = 1; i <= 4; i++)
		CHECK_EQ(reclaim_insert(&r, &e[i]), 0);
	reclaim_access(&r, &e[1]);
	CHECK_EQ(e[1].list, RECLAIM_LIST_T2);
	CHECK(reclaim_victim(&r, e[5].key) == &e[2]);
	CHECK_EQ(reclaim_evicted(&r, &e[2]), 0);
	CHECK_EQ(reclaim_insert(&r, &e[5]), 0);
	CHECK(sizes(&r, &st) == NULL);
	CHECK_EQ(st.t1, 3);
	CHECK_EQ(st.b1, 1);
	CHECK_EQ(st.p, 0);
	CHECK(reclaim_victim(&r, e[2].key) == &e[3]);
	CHECK(sizes(&r, &st) == NULL);
	CHECK_EQ(st.p, 1);
	CHECK_EQ(reclaim_evicted(&r, &e[3]), 0);
	CHECK_EQ(reclaim_insert(&r, &e[2]), 0);
	CHECK_EQ(e[2].list, RECLAIM_LIST_T2);
	CHECK(sizes(&r, &st) == NULL);
	CHECK_EQ(st.p, 1);   /* adapted once, not again on insertion */
	CHECK_EQ(st.t1, 2);
	CHECK_EQ(st.t2, 2);
	CHECK_EQ(st.b1, 1);
	CHECK_EQ(st.ghost_hits_b1, 1);
	/* Background reclaim: |T1| = 2 > p = 1, so T1's LRU page, 4. */
	CHECK(reclaim_victim(&r, RECLAIM_KEY_NONE) == &e[4]);
	reclaim_destroy(&r);
}

/* CAR: the T1 hand promotes a referenced page to T2 instead of evicting it. */
TEST(car_promotes_when_the_hand_passes)
{
	struct reclaim_params prm = params(3);
	struct reclaim_entry e[5];
	struct reclaim_stats st;
	struct reclaim r;

	entries(e, 5);
	CHECK_EQ(reclaim_init(&r, &reclaim_car, &prm), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(reclaim_insert(&r, &e[i]), 0);
	reclaim_access(&r, &e[0]);
	CHECK_EQ(e[0].list, RECLAIM_LIST_T1);   /* a hit moves nothing */
	CHECK(reclaim_victim(&r, e[3].key) == &e[1]);
	CHECK_EQ(e[0].list, RECLAIM_LIST_T2);
	CHECK_EQ(e[0].referenced, 0);
	CHECK_EQ(reclaim_evicted(&r, &e[1]), 0);
	CHECK_EQ(reclaim_insert(&r, &e[3]), 0);
	CHECK(sizes(&r, &st) == NULL);
	CHECK_EQ(st.t1, 2);
	CHECK_EQ(st.t2, 1);
	CHECK_EQ(st.b1, 1);
	/* Page 1 refaults from B1: p goes up, the page goes to T2. */
	CHECK(reclaim_victim(&r, e[1].key) == &e[2]);
	CHECK_EQ(reclaim_evicted(&r, &e[2]), 0);
	CHECK_EQ(reclaim_insert(&r, &e[1]), 0);
	CHECK_EQ(e[1].list, RECLAIM_LIST_T2);
	CHECK(sizes(&r, &st) == NULL);
	CHECK_EQ(st.p, 1);
	reclaim_destroy(&r);
}

/*
 * CART: a page referenced in T1 turns long-term when the hand passes it;
 * only short-term pages are evicted from T1, long-term ones move to T2.
 */
TEST(cart_filters_short_and_long_term)
{
	struct reclaim_params prm = params(4);
	struct reclaim_entry e[8];
	struct reclaim_stats st;
	struct reclaim r;

	entries(e, 8);
	CHECK_EQ(reclaim_init(&r, &reclaim_cart, &prm), 0);
	for (int i = 1; i <= 4; i++)
		CHECK_EQ(reclaim_insert(&r, &e[i]), 0);
	reclaim_access(&r, &e[1]);
	CHECK(reclaim_victim(&r, e[5].key) == &e[2]);
	CHECK_EQ(e[1].filter, RECLAIM_FILTER_L);
	CHECK_EQ(e[1].list, RECLAIM_LIST_T1);
	for (int i = 2; i <= 4; i++) {   /* evict 2, 3, 4 for 5, 6, 7 */
		CHECK(reclaim_victim(&r, e[i + 3].key) == &e[i]);
		CHECK_EQ(reclaim_evicted(&r, &e[i]), 0);
		CHECK_EQ(reclaim_insert(&r, &e[i + 3]), 0);
		CHECK(reclaim_check(&r) == NULL);
	}
	/* Page 1 is at the head now: long-term, so it moves to T2. */
	CHECK(reclaim_victim(&r, RECLAIM_KEY_NONE) == &e[5]);
	CHECK_EQ(e[1].list, RECLAIM_LIST_T2);
	CHECK(sizes(&r, &st) == NULL);
	CHECK_EQ(st.t2, 1);
	CHECK_EQ(st.b1, 3);
	/* A refault from B1 comes back long-term. */
	CHECK_EQ(reclaim_evicted(&r, &e[5]), 0);
	CHECK_EQ(reclaim_insert(&r, &e[2]), 0);
	CHECK_EQ(e[2].filter, RECLAIM_FILTER_L);
	CHECK(sizes(&r, &st) == NULL);
	CHECK(st.p >= 1);
	reclaim_destroy(&r);
}

TEST(ghost_table_bounded_and_consistent)
{
	size_t n = 5;
	void *mem = malloc(reclaim_ghost_bytes(n));
	struct ghost_table g;

	reclaim_ghost_init(&g, mem, n);
	for (uint64_t k = 0; k < 5; k++)
		CHECK_EQ(reclaim_ghost_add(&g, k & 1 ? GHOST_B2 : GHOST_B1, k * 1024), 0);
	CHECK_EQ(reclaim_ghost_add(&g, GHOST_B1, 77), -ENOSPC);
	CHECK_EQ(reclaim_ghost_len(&g, GHOST_B1), 3);
	CHECK_EQ(reclaim_ghost_find(&g, 1024), GHOST_B2);
	CHECK_EQ(reclaim_ghost_find(&g, 77), -1);
	/* Re-adding a key moves it: one key, one ghost. */
	CHECK_EQ(reclaim_ghost_add(&g, GHOST_B2, 0), 0);
	CHECK_EQ(reclaim_ghost_find(&g, 0), GHOST_B2);
	CHECK_EQ(reclaim_ghost_used(&g), 5);
	reclaim_ghost_drop_lru(&g, GHOST_B1);   /* 2048 */
	CHECK_EQ(reclaim_ghost_find(&g, 2048), -1);
	reclaim_ghost_forget(&g, 4096);
	reclaim_ghost_forget(&g, 12345);        /* absent: nothing happens */
	CHECK_EQ(reclaim_ghost_used(&g), 3);
	CHECK(reclaim_ghost_check(&g) == NULL);
	reclaim_ghost_drop_lru(&g, GHOST_B1);
	reclaim_ghost_drop_lru(&g, GHOST_B1);   /* empty: nothing happens */
	CHECK(reclaim_ghost_check(&g) == NULL);
	free(mem);
}

/* Every fourth page is pinned: at most 5 of the 6 frames. */
static bool
fourth_key_pinned(const struct reclaim_entry *e, void *arg)
{
	(*(int *)arg)++;
	return (e->key & 3) == 0;
}

TEST(pin_callback_is_honoured)
{
	for (size_t i = 0; reclaim_policy_at(i); i++) {
		struct reclaim_params prm = params(6);
		struct reclaim_entry e[20];
		struct reclaim r;
		int calls = 0;

		prm.is_pinned = fourth_key_pinned;
		prm.pin_arg = &calls;
		entries(e, 20);
		CHECK_EQ(reclaim_init(&r, reclaim_policy_at(i), &prm), 0);
		for (int k = 0; k < 20; k++) {
			if (r.resident == 6) {
				struct reclaim_entry *v = reclaim_victim(&r, e[k].key);

				CHECK(v && (v->key & 3));
				if (!v)
					break;
				CHECK_EQ(reclaim_evicted(&r, v), 0);
			}
			CHECK_EQ(reclaim_insert(&r, &e[k]), 0);
			reclaim_access(&r, &e[(k * 5) % (k + 1)]);
		}
		CHECK(calls > 0);
		CHECK(reclaim_check(&r) == NULL);
		reclaim_destroy(&r);
	}
}

/* ---- random operations, checking the invariants after each ---------- */

#define FZ_PAGES 64
#define FZ_CAP   12

static uint64_t fz_rng = 88172645463325252ull;

static unsigned
fz(unsigned n)
{
	fz_rng ^= fz_rng << 13;
	fz_rng ^= fz_rng >> 7;
	fz_rng ^= fz_rng << 17;
	return (unsigned)(fz_rng % n);
}

static size_t
count_unpinned(const struct reclaim_entry *e, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += reclaim_entry_resident(&e[i]) && !e[i].pinned;
	return k;
}

/* Evict up to `n` pages with no incoming page, as a reclaim thread would. */
static void
fz_background(struct reclaim *r, struct reclaim_entry *e, size_t npages, unsigned n)
{
	while (n--) {
		struct reclaim_entry *v = reclaim_victim(r, RECLAIM_KEY_NONE);

		CHECK((v == NULL) == (count_unpinned(e, npages) == 0));
		if (!v)
			return;
		CHECK(!v->pinned && reclaim_entry_resident(v));
		CHECK_EQ(reclaim_evicted(r, v), 0);
	}
}

static void
fz_step(struct reclaim *r, struct reclaim_entry *e)
{
	struct reclaim_entry *x = &e[fz(FZ_PAGES)];
	unsigned op = fz(100);

	if (op < 8) {
		x->pinned = !x->pinned;
	} else if (op < 12) {
		fz_background(r, e, FZ_PAGES, 1 + fz(FZ_CAP));
	} else if (op < 16) {
		if (reclaim_entry_resident(x))
			CHECK_EQ(reclaim_remove(r, x), 0);
	} else if (reclaim_entry_resident(x)) {
		CHECK_EQ(reclaim_access(r, x), 0);
	} else {
		if (r->resident == FZ_CAP) {
			struct reclaim_entry *v = reclaim_victim(r, x->key);

			CHECK((v == NULL) == (count_unpinned(e, FZ_PAGES) == 0));
			if (!v)
				return;
			CHECK(!v->pinned);
			CHECK_EQ(reclaim_evicted(r, v), 0);
		}
		CHECK_EQ(reclaim_insert(r, x), 0);
	}
}

TEST(random_operations_keep_every_invariant)
{
	for (size_t i = 0; reclaim_policy_at(i); i++) {
		const struct reclaim_policy *pol = reclaim_policy_at(i);
		struct reclaim_params prm = params(FZ_CAP);
		struct reclaim_entry e[FZ_PAGES];
		struct reclaim_stats st;
		struct reclaim r;
		const char *why = NULL;

		entries(e, FZ_PAGES);
		CHECK_EQ(reclaim_init(&r, pol, &prm), 0);
		for (int step = 0; step < 20000 && !why && !unit_failed; step++) {
			fz_step(&r, e);
			why = reclaim_check(&r);
		}
		if (why)
			printf("  %s: %s\n", pol->name, why);
		CHECK(why == NULL);
		reclaim_get_stats(&r, &st);
		CHECK_EQ(st.inserts - st.evictions - st.removes, r.resident);
		CHECK_EQ(st.t1 + st.t2, r.resident);
		reclaim_destroy(&r);
	}
}

/*
 * Reclaim running far ahead of faults evicts everything: the ghost pool
 * must stay within its preallocated bound, and refaults still find ghosts.
 */
TEST(background_reclaim_keeps_history_bounded)
{
	static const char *adaptive[] = { "arc", "car", "cart" };

	for (size_t i = 0; i < 3; i++) {
		struct reclaim_params prm = params(8);
		struct reclaim_entry e[40];
		struct reclaim_stats st;
		struct reclaim r;

		entries(e, 40);
		CHECK_EQ(reclaim_init(&r, reclaim_policy_find(adaptive[i]), &prm), 0);
		for (int round = 0; round < 4; round++) {
			for (int k = 0; k < 8; k++)
				CHECK_EQ(reclaim_insert(&r, &e[(round * 8 + k) % 40]), 0);
			for (int k = 0; k < 8; k++)
				reclaim_access(&r, &e[(round * 8 + k * 3) % 40]);
			fz_background(&r, e, 40, 8);
			CHECK_EQ(r.resident, 0);
			CHECK(sizes(&r, &st) == NULL);
			CHECK(st.b1 + st.b2 <= 9);
		}
		/* The last round's pages are remembered. */
		CHECK_EQ(reclaim_insert(&r, &e[31]), 0);
		reclaim_get_stats(&r, &st);
		CHECK_EQ(st.ghost_hits_b1 + st.ghost_hits_b2, 1);
		CHECK(reclaim_check(&r) == NULL);
		reclaim_destroy(&r);
	}
}

/*
 * Fill the directory (demand paging with hits, so both ghost lists grow),
 * then evict every resident page with no fault waiting: the pool fills
 * and each eviction must drop an old ghost to record the new one.
 */
TEST(runaway_reclaim_still_records_the_latest_ghosts)
{
	static const char *adaptive[] = { "arc", "car", "cart" };

	for (size_t i = 0; i < 3; i++) {
		struct reclaim_params prm = params(8);
		struct reclaim_entry e[64];
		struct reclaim_stats st;
		struct reclaim_entry *last = NULL;
		struct reclaim r;

		entries(e, 64);
		CHECK_EQ(reclaim_init(&r, reclaim_policy_find(adaptive[i]), &prm), 0);
		for (int step = 0; step < 400; step++) {
			struct reclaim_entry *x = &e[(step * 7 + step / 9) % (step & 1 ? 12 : 64)];

			if (reclaim_entry_resident(x)) {
				reclaim_access(&r, x);
				continue;
			}
			if (r.resident == 8)
				CHECK_EQ(reclaim_evicted(&r, reclaim_victim(&r, x->key)), 0);
			CHECK_EQ(reclaim_insert(&r, x), 0);
		}
		while (r.resident) {
			last = reclaim_victim(&r, RECLAIM_KEY_NONE);
			CHECK_EQ(reclaim_evicted(&r, last), 0);
			CHECK(sizes(&r, &st) == NULL);
			CHECK(st.b1 + st.b2 <= 9);
		}
		CHECK_EQ(st.b1 + st.b2, 9);   /* the pool is full */
		reclaim_get_stats(&r, &st);
		CHECK_EQ(reclaim_insert(&r, last), 0);
		CHECK_EQ(r.stats.ghost_hits_b1 + r.stats.ghost_hits_b2,
			 st.ghost_hits_b1 + st.ghost_hits_b2 + 1);
		CHECK(reclaim_check(&r) == NULL);
		reclaim_destroy(&r);
	}
}
