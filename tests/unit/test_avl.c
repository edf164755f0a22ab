// SPDX-License-Identifier: MIT
// AVL tree: ordering, balance and parent links after random inserts and removals.
// UNIT_SRCS: kernel/lib/avl.c
#include "unit.h"
#include "lib/avl.h"

struct item {
	long key;
	struct avl_node node;
};

static int
cmp(const struct avl_node *a, const struct avl_node *b)
{
	long x = avl_entry(a, struct item, node)->key, y = avl_entry(b, struct item, node)->key;
	return (x > y) - (x < y);
}

static int
kcmp(const void *key, const struct avl_node *n)
{
	long x = *(const long *)key, y = avl_entry(n, struct item, node)->key;
	return (x > y) - (x < y);
}

#define N 3000
static struct item items[N];
static unsigned seed = 1;
static unsigned rnd(void) { seed = seed * 1103515245 + 12345; return (seed >> 16) & 0x7fff; }

TEST(random_insert_remove_stays_balanced)
{
	struct avl_tree t = AVL_INIT;
	static char in[N];

	for (int i = 0; i < N; i++)
		items[i].key = i * 2;
	for (int round = 0; round < 20000; round++) {
		int i = rnd() % N;
		if (in[i]) {
			avl_remove(&t, &items[i].node);
			in[i] = 0;
		} else {
			CHECK(avl_insert(&t, &items[i].node, cmp) == NULL);
			in[i] = 1;
		}
		if (round % 997 == 0)
			CHECK(avl_check(&t, cmp));
	}
	CHECK(avl_check(&t, cmp));
	/* In-order walk is sorted and complete. */
	long prev = -1;
	size_t n = 0;
	for (struct avl_node *x = avl_first(&t); x; x = avl_next(x)) {
		long k = avl_entry(x, struct item, node)->key;
		CHECK(k > prev);
		prev = k;
		n++;
	}
	CHECK_EQ(n, t.count);
	/* Height is logarithmic: at most 1.44 log2(n) + 2. */
	CHECK(t.root == NULL || t.root->height <= 20);
}

TEST(duplicates_and_searches)
{
	struct avl_tree t = AVL_INIT;
	struct item a = { .key = 10 }, b = { .key = 20 }, c = { .key = 30 }, d = { .key = 20 };
	long k;

	avl_insert(&t, &b.node, cmp);
	avl_insert(&t, &a.node, cmp);
	avl_insert(&t, &c.node, cmp);
	CHECK(avl_insert(&t, &d.node, cmp) == &b.node);
	CHECK_EQ(t.count, 3);
	k = 20; CHECK(avl_find(&t, &k, kcmp) == &b.node);
	k = 25; CHECK(avl_find(&t, &k, kcmp) == NULL);
	k = 25; CHECK(avl_lower_bound(&t, &k, kcmp) == &c.node);
	k = 25; CHECK(avl_floor(&t, &k, kcmp) == &b.node);
	k = 5;  CHECK(avl_floor(&t, &k, kcmp) == NULL);
	k = 35; CHECK(avl_lower_bound(&t, &k, kcmp) == NULL);
	CHECK(avl_prev(&a.node) == NULL);
	CHECK(avl_next(&c.node) == NULL);
	CHECK(avl_last(&t) == &c.node);
	avl_remove(&t, &b.node);
	CHECK(avl_check(&t, cmp));
	CHECK(avl_next(&a.node) == &c.node);
}
