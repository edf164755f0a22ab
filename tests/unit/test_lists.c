// SPDX-License-Identifier: MIT
// Intrusive lists and bitmaps.
// UNIT_SRCS: kernel/lib/bitmap.c
#include "unit.h"
#include "lib/list.h"
#include "lib/bitmap.h"

struct item {
	int v;
	struct list_node node;
};

TEST(list_queue_and_stack)
{
	struct list_node h;
	struct item it[5];
	int expect = 0;

	list_init(&h);
	CHECK(list_empty(&h));
	for (int i = 0; i < 5; i++) {
		it[i].v = i;
		list_push_back(&h, &it[i].node);
	}
	list_for_each(n, &h)
		CHECK_EQ(list_entry(n, struct item, node)->v, expect++);
	CHECK_EQ(expect, 5);
	list_remove(&it[2].node);
	CHECK(!list_linked(&it[2].node));
	list_push_front(&h, &it[2].node);
	CHECK_EQ(list_entry(list_pop_front(&h), struct item, node)->v, 2);
	CHECK_EQ(list_entry(list_pop_front(&h), struct item, node)->v, 0);
	list_for_each_safe(n, &h)
		list_remove(n);
	CHECK(list_empty(&h));
	CHECK(list_pop_front(&h) == NULL);
}

TEST(bitmap_runs)
{
	uint64_t b[4] = { 0 };

	bitmap_set_range(b, 0, 64);
	bitmap_set(b, 70);
	CHECK(bitmap_test(b, 63));
	CHECK(!bitmap_test(b, 64));
	CHECK_EQ(bitmap_find_clear_run(b, 256, 0, 1), 64);
	CHECK_EQ(bitmap_find_clear_run(b, 256, 0, 6), 64);
	CHECK_EQ(bitmap_find_clear_run(b, 256, 0, 7), 71);
	CHECK_EQ(bitmap_find_clear_run(b, 256, 0, 300), (long long)(size_t)-1);
	CHECK_EQ(bitmap_count_set(b, 256), 65);
	bitmap_clear_range(b, 10, 5);
	CHECK_EQ(bitmap_find_clear_run(b, 256, 0, 5), 10);
	CHECK_EQ(bitmap_count_set(b, 256), 60);
}
