// SPDX-License-Identifier: MIT
// Page trees: sparse indexes, growth in height, truncation that frees empty nodes.
// UNIT_SRCS: kernel/fs/pagetree.c
#include <stdint.h>
#include "unit.h"
#include "fs/pagetree.h"
#include "mm/slab.h"

static long nodes;

void *
kzalloc(size_t size)
{
	nodes++;
	return calloc(1, size);
}

void
kfree(const void *p)
{
	if (p)
		nodes--;
	free((void *)p);
}

static int dropped;

static void
drop(void *item, void *arg)
{
	dropped++;
	*(long *)arg += (long)(uintptr_t)item;
}

TEST(sparse_indexes)
{
	struct page_tree t = { 0 };
	uint64_t idx[] = { 0, 1, 511, 512, 262143, 262144, 1ull << 28, (1ull << 36) - 1 };
	long sum = 0;

	for (unsigned i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		CHECK_EQ(pt_insert(&t, idx[i], (void *)(uintptr_t)(i + 1)), 0);
	CHECK_EQ(t.count, 8);
	CHECK_EQ(t.height, 4);
	for (unsigned i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		CHECK_EQ((uintptr_t)pt_lookup(&t, idx[i]), i + 1);
	CHECK(pt_lookup(&t, 2) == NULL);
	CHECK(pt_lookup(&t, 1ull << 40) == NULL);
	CHECK_EQ(pt_next(&t, 2), 511);
	CHECK_EQ(pt_next(&t, 262145), 1ull << 28);
	CHECK_EQ(pt_next(&t, (1ull << 36)), UINT64_MAX);
	pt_truncate(&t, 512, drop, &sum);
	CHECK_EQ(dropped, 5);
	CHECK_EQ(sum, 4 + 5 + 6 + 7 + 8);
	CHECK_EQ(t.count, 3);
	CHECK_EQ((uintptr_t)pt_lookup(&t, 511), 3);
	CHECK(pt_lookup(&t, 512) == NULL);
	pt_truncate(&t, 0, drop, &sum);
	CHECK_EQ(t.count, 0);
	CHECK(t.root == NULL);
	CHECK_EQ(nodes, 0);                     /* every node freed */
}

TEST(too_far_is_efbig)
{
	struct page_tree t = { 0 };

	CHECK_EQ(pt_insert(&t, 1ull << 45, (void *)1), -27);   /* -EFBIG */
	CHECK_EQ(pt_insert(&t, (1ull << 45) - 1, (void *)1), 0);
	CHECK_EQ(t.height, PT_MAX_HEIGHT);
	pt_truncate(&t, 0, drop, &(long){ 0 });
	CHECK_EQ(nodes, 0);
}
