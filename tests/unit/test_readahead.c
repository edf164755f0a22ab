// SPDX-License-Identifier: MIT
// The read-ahead window: it opens on a sequential hit, doubles up to the
// maximum, closes on a jump, batches its requests, stays inside the disk;
// free-behind starts only after a long sequential run.
// UNIT_SRCS: kernel/block/readahead.c
#include "unit.h"
#include "block/readahead.h"

TEST(window_doubles_on_each_sequential_hit_up_to_the_max)
{
	struct ra_state ra;
	uint64_t s, e;
	uint32_t want[] = { 0, 2, 4, 8, 16, 32, 32, 32 };

	ra_init(&ra);
	for (uint64_t b = 100; b < 108; b++) {
		ra_access(&ra, b, 32, 1000000, &s, &e);
		CHECK_EQ(ra.window, want[b - 100]);
	}
}

TEST(requests_cover_the_window_without_overlap_or_gaps)
{
	struct ra_state ra;
	uint64_t s, e, covered_to = 2, issued = 0, requests = 0;   /* 0, 1: demand reads */

	ra_init(&ra);
	for (uint64_t b = 0; b < 500; b++) {
		ra_access(&ra, b, 32, 1000000, &s, &e);
		if (s == e)
			continue;
		CHECK_EQ(s, covered_to);       /* picks up exactly where the last one ended */
		CHECK(e > b + 1 && e <= b + 1 + 32);
		covered_to = e;
		issued += e - s;
		requests++;
	}
	CHECK(covered_to >= 500);
	/* Batched: far fewer requests than blocks. */
	CHECK(requests * 8 < issued);
}

TEST(jump_closes_the_window)
{
	struct ra_state ra;
	uint64_t s, e;

	ra_init(&ra);
	for (uint64_t b = 0; b < 6; b++)
		ra_access(&ra, b, 32, 1000, &s, &e);
	CHECK(ra.window > 0);
	ra_access(&ra, 500, 32, 1000, &s, &e);
	CHECK_EQ(ra.window, 0);
	CHECK_EQ(s, e);
	CHECK_EQ(ra.run, 0);
	ra_access(&ra, 501, 32, 1000, &s, &e);
	CHECK_EQ(ra.window, 2);
	CHECK_EQ(s, 502);
	CHECK_EQ(e, 504);
}

TEST(rereading_a_block_changes_nothing)
{
	struct ra_state ra;
	uint64_t s, e;

	ra_init(&ra);
	ra_access(&ra, 7, 32, 1000, &s, &e);
	ra_access(&ra, 8, 32, 1000, &s, &e);
	ra_access(&ra, 8, 32, 1000, &s, &e);
	CHECK_EQ(ra.window, 2);
	CHECK_EQ(ra.run, 1);
	CHECK_EQ(s, e);
}

TEST(never_past_the_end_of_the_device)
{
	struct ra_state ra;
	uint64_t s, e;

	ra_init(&ra);
	for (uint64_t b = 90; b < 100; b++) {
		ra_access(&ra, b, 32, 100, &s, &e);
		CHECK(e <= 100);
	}
}

TEST(free_behind_only_after_a_long_run)
{
	struct ra_state ra;
	uint64_t s, e;

	ra_init(&ra);
	for (uint64_t b = 0; b < 10; b++) {
		ra_access(&ra, b, 32, 1000, &s, &e);
		CHECK(!ra_free_behind(&ra, 64));
	}
	for (uint64_t b = 10; b < 80; b++)
		ra_access(&ra, b, 32, 1000, &s, &e);
	CHECK(ra_free_behind(&ra, 64));
	CHECK(!ra_free_behind(&ra, 0));            /* 0 turns it off */
	ra_access(&ra, 3, 32, 1000, &s, &e);
	CHECK(!ra_free_behind(&ra, 64));
}
