// SPDX-License-Identifier: MIT
// The buddy allocator's logic: splitting, merging, alignment, accounting.
// UNIT_SRCS: kernel/mm/buddy.c
#include "unit.h"
#include "mm/buddy.h"

#define NPAGES 4096

static struct page pages[NPAGES];
static struct buddy_zone z;
static uint64_t rng = 12345;

static uint64_t
next(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return rng >> 33;
}

TEST(split_and_merge_back)
{
	buddy_init(&z, pages, 0, NPAGES);
	buddy_free_range(&z, 0, NPAGES);
	CHECK_EQ(z.free_pages, NPAGES);
	CHECK_EQ(z.nfree[MAX_ORDER], NPAGES >> MAX_ORDER);
	int64_t a = buddy_alloc(&z, 0);
	CHECK(a >= 0);
	/* One split chain: one free block at each order below MAX_ORDER. */
	for (int k = 0; k < MAX_ORDER; k++)
		CHECK_EQ(z.nfree[k], 1);
	buddy_free(&z, (uint64_t)a, 0);
	CHECK_EQ(z.nfree[MAX_ORDER], NPAGES >> MAX_ORDER);
	for (int k = 0; k < MAX_ORDER; k++)
		CHECK_EQ(z.nfree[k], 0);
	CHECK(buddy_check(&z));
}

TEST(unaligned_range_and_offset_zone)
{
	/* A zone whose frames start at pfn 100 with a ragged end. */
	buddy_init(&z, pages, 100, 1000);
	buddy_free_range(&z, 103, 777);
	CHECK_EQ(z.free_pages, 777);
	CHECK(buddy_check(&z));
	for (int i = 0; i < 777; i++) {
		int64_t p = buddy_alloc(&z, 0);
		CHECK(p >= 103 && p < 880);
	}
	CHECK_EQ(buddy_alloc(&z, 0), -1);
	CHECK_EQ(z.free_pages, 0);
}

TEST(random_stress_returns_everything)
{
	static int64_t blk[600];
	static unsigned ord[600];

	buddy_init(&z, pages, 0, NPAGES);
	buddy_free_range(&z, 0, NPAGES);
	for (int round = 0; round < 50; round++) {
		int n = 0;
		for (int i = 0; i < 600; i++) {
			unsigned o = next() % 5;
			int64_t p = buddy_alloc(&z, o);
			if (p < 0)
				continue;
			CHECK_EQ(p & ((1 << o) - 1), 0);
			/* No frame handed out twice: mark and check. */
			for (unsigned j = 0; j < (1u << o); j++) {
				CHECK(pages[p + j].priv == 0);
				pages[p + j].priv = 1;
			}
			blk[n] = p;
			ord[n++] = o;
		}
		CHECK(buddy_check(&z));
		while (n) {
			int i = next() % n;
			for (unsigned j = 0; j < (1u << ord[i]); j++)
				pages[blk[i] + j].priv = 0;
			buddy_free(&z, (uint64_t)blk[i], ord[i]);
			blk[i] = blk[--n];
			ord[i] = ord[n];
		}
		CHECK_EQ(z.free_pages, NPAGES);
		CHECK(buddy_check(&z));
	}
	CHECK_EQ(z.nfree[MAX_ORDER], NPAGES >> MAX_ORDER);
}

TEST(oversized_request_fails)
{
	buddy_init(&z, pages, 0, 64);
	buddy_free_range(&z, 0, 64);
	CHECK_EQ(buddy_alloc(&z, MAX_ORDER + 1), -1);
	CHECK_EQ(buddy_alloc(&z, 7), -1);   /* 128 pages > 64 */
	CHECK(buddy_alloc(&z, 6) >= 0);
}
