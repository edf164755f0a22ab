// SPDX-License-Identifier: MIT
/*
 * ktests of the buffer cache on the scratch disks: hits and misses, LRU
 * eviction, delayed writes and sync, periodic write-back, bwrite_sync,
 * exclusive holding, the read-ahead window, free-behind, block sizes.
 * Each test uses blocks (or a partition's fresh cache) no other test uses.
 * With the default 1 KiB blocks, block b is sectors 2b and 2b + 1.
 */
#include "block/ktest_disks.h"
#include "block/bcache.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "uapi/errno.h"

#define SPB 2   /* sectors per 1 KiB block */

KTEST(bcache_hit_and_miss, "bread misses, then hits; the data is the disk's; past the end is -EINVAL")
{
	KT_DISK(vda, "vda");
	struct bcache_stats s0, s1, s2;
	struct buf *b;

	bcache_get_stats(vda, &s0);
	b = bread(vda, 1000);
	KT_ASSERT(!IS_ERR(b));
	KT_EQ(blk_pattern_check(b->data, KT_VDA_TAG, 2000, SPB), SPB);
	brelse(b);
	bcache_get_stats(vda, &s1);
	KT_EQ(s1.misses, s0.misses + 1);
	b = bread(vda, 1000);
	KT_ASSERT(!IS_ERR(b));
	brelse(b);
	bcache_get_stats(vda, &s2);
	KT_EQ(s2.hits, s1.hits + 1);
	KT_EQ(s2.misses, s1.misses);
	KT_ASSERT(bcache_cached(vda, 1000));
	KT_EQ(PTR_ERR(bread(vda, KT_VDA_SECTORS / SPB)), -EINVAL);
	return 0;
}

KTEST(bcache_lru_eviction, "64 scattered blocks through a 32-buffer cache: the coldest go, the newest stay")
{
	KT_DISK(p, "vdb1");                 /* a cache no other test uses */
	struct bcache_stats s0, s1;
	struct buf *b;

	KT_EQ(bcache_set_limits(p, 32, 0), 0);
	bcache_get_stats(p, &s0);
	for (uint64_t blk = 0; blk < 128; blk += 2) {     /* stride 2: no read-ahead */
		b = bread(p, blk);
		KT_ASSERT(!IS_ERR(b));
		brelse(b);
	}
	bcache_get_stats(p, &s1);
	KT_EQ(s1.nbuf, 32);
	KT_EQ(s1.evictions - s0.evictions, 32);
	KT_ASSERT(!bcache_cached(p, 0));
	KT_ASSERT(!bcache_cached(p, 62));
	KT_ASSERT(bcache_cached(p, 64));
	KT_ASSERT(bcache_cached(p, 126));
	b = bread(p, 0);                                   /* read again, correctly */
	KT_ASSERT(!IS_ERR(b));
	KT_EQ(blk_pattern_check(b->data, KT_VDB_TAG, 2048, SPB), SPB);
	brelse(b);
	return 0;
}

/* Overwrite block blk with tag's pattern through the cache, as a delayed write. */
static int
dirty_block(struct blkdev *d, uint64_t blk, uint8_t tag)
{
	struct buf *b = bget(d, blk);

	KT_ASSERT(!IS_ERR(b));
	blk_pattern_fill(b->data, tag, blk * SPB + d->start, SPB);
	bdirty(b);
	brelse(b);
	return 0;
}

KTEST(bcache_dirty_then_sync, "delayed writes stay in memory until sync_dev writes them and flushes")
{
	KT_DISK(vda, "vda");
	uint64_t age = bcache_writeback_age_ns;
	struct bcache_stats s0, s1;
	struct blk_stats d0, d1;

	bcache_writeback_age_ns = 3600000000000ull;       /* no periodic write-back now */
	bcache_get_stats(vda, &s0);
	KT_EQ(dirty_block(vda, 3000, 'S'), 0);
	KT_EQ(dirty_block(vda, 3001, 'S'), 0);
	bcache_get_stats(vda, &s1);
	KT_EQ(s1.dirty, s0.dirty + 2);
	KT_ASSERT(kt_disk_has(vda, 3000, KT_VDA_TAG));      /* not written yet */
	blk_get_stats(vda, &d0);
	KT_EQ(sync_dev(vda), 0);
	blk_get_stats(vda, &d1);
	bcache_writeback_age_ns = age;
	KT_ASSERT(kt_disk_has(vda, 3000, 'S'));
	KT_ASSERT(kt_disk_has(vda, 3001, 'S'));
	bcache_get_stats(vda, &s1);
	KT_EQ(s1.dirty, 0);
	KT_ASSERT(s1.writebacks >= s0.writebacks + 2);
	KT_EQ(d1.writes, d0.writes + 1);                  /* two adjacent blocks, one request */
	KT_ASSERT(d1.flushes > d0.flushes);
	return 0;
}

KTEST(bcache_periodic_writeback, "the write-back thread writes a buffer dirty longer than the age, unasked")
{
	KT_DISK(vda, "vda");
	uint64_t age = bcache_writeback_age_ns;
	bool written = false;
	struct bcache_stats st;

	bcache_writeback_age_ns = 200000000ull;           /* 0.2 s */
	KT_EQ(dirty_block(vda, 3100, 'U'), 0);
	for (int i = 0; i < 200 && !written; i++) {       /* up to 20 s; about 1 s normally */
		sched_sleep_ns(100000000ull, false);
		written = kt_disk_has(vda, 3100, 'U');
	}
	bcache_writeback_age_ns = age;
	KT_ASSERT(written);
	bcache_get_stats(vda, &st);
	KT_EQ(st.dirty, 0);
	return 0;
}

KTEST(bcache_bwrite_sync_is_durable, "bwrite_sync writes at once, flushes the disk cache, leaves the buffer clean")
{
	KT_DISK(vda, "vda");
	struct bcache_stats s0, s1;
	struct blk_stats d0, d1;
	struct buf *b = bread(vda, 3050);

	KT_ASSERT(!IS_ERR(b));
	bcache_get_stats(vda, &s0);
	blk_get_stats(vda, &d0);
	blk_pattern_fill(b->data, 'T', 3050 * SPB, SPB);
	KT_EQ(bwrite_sync(b), 0);
	blk_get_stats(vda, &d1);
	bcache_get_stats(vda, &s1);
	brelse(b);
	KT_ASSERT(kt_disk_has(vda, 3050, 'T'));
	KT_EQ(d1.writes, d0.writes + 1);
	KT_EQ(d1.flushes, d0.flushes + 1);
	KT_EQ(s1.sync_writes, s0.sync_writes + 1);
	KT_EQ(s1.dirty, s0.dirty);
	return 0;
}

KTEST(bcache_bwrite_ordered_waits_without_flush, "bwrite_ordered writes at once and leaves the buffer clean, with no flush")
{
	KT_DISK(vda, "vda");
	struct blk_stats d0, d1;
	struct bcache_stats s0, s1;
	struct buf *b = bread(vda, 3060);

	KT_ASSERT(!IS_ERR(b));
	blk_get_stats(vda, &d0);
	bcache_get_stats(vda, &s0);
	blk_pattern_fill(b->data, 'O', 3060 * SPB, SPB);
	bdirty(b);
	KT_EQ(bwrite_ordered(b), 0);
	blk_get_stats(vda, &d1);
	bcache_get_stats(vda, &s1);
	brelse(b);
	KT_ASSERT(kt_disk_has(vda, 3060, 'O'));
	KT_EQ(d1.writes, d0.writes + 1);
	KT_EQ(d1.flushes, d0.flushes);
	KT_EQ(s1.dirty, s0.dirty);                /* dirtied, then written: clean again */
	return 0;
}

#define INCREMENTS 300

static void
incrementer(void *arg)
{
	struct blkdev *vda = arg;

	for (int i = 0; i < INCREMENTS; i++) {
		struct buf *b = bread(vda, 3200);
		uint64_t v;

		if (IS_ERR(b))
			return;
		v = *(volatile uint64_t *)b->data;
		if (i % 7 == 0)
			sched_yield();           /* give the other thread a go while we hold it */
		*(volatile uint64_t *)b->data = v + 1;
		bdirty(b);
		brelse(b);
	}
}

KTEST(bcache_holding_is_exclusive, "two threads read-modify-write one block 300 times each: no update is lost")
{
	KT_DISK(vda, "vda");
	struct thread *t[2];
	struct buf *b = bget(vda, 3200);
	uint64_t v;

	KT_ASSERT(!IS_ERR(b));
	memset(b->data, 0, SPB * BLK_SECTOR_SIZE);
	bdirty(b);
	brelse(b);
	for (int i = 0; i < 2; i++) {
		t[i] = thread_create(incrementer, vda, "bcache_inc");
		KT_ASSERT(t[i]);
	}
	for (int i = 0; i < 2; i++)
		thread_join(t[i]);
	b = bread(vda, 3200);
	KT_ASSERT(!IS_ERR(b));
	v = *(uint64_t *)b->data;
	brelse(b);
	KT_EQ(v, 2 * INCREMENTS);
	KT_EQ(sync_dev(vda), 0);
	return 0;
}

KTEST(bcache_readahead_window_grows,
      "sequential breads open a read-ahead window that doubles to 32; later blocks are already read; few disk requests")
{
	static const uint32_t window[] = { 0, 2, 4, 8, 16, 32, 32, 32 };
	KT_DISK(p, "sdb1");                               /* a fresh cache, on IDE */
	struct bcache_stats s0, s1;
	struct blk_stats d0, d1;

	bcache_get_stats(p, &s0);
	blk_get_stats(p, &d0);
	for (uint64_t blk = 0; blk < 40; blk++) {
		struct buf *b = bread(p, blk);
		struct bcache_stats st;

		KT_ASSERT(!IS_ERR(b));
		KT_EQ(blk_pattern_check(b->data, KT_SDB_TAG, 2048 + blk * SPB, SPB), SPB);
		brelse(b);
		bcache_get_stats(p, &st);
		KT_EQ(st.ra_window, window[MIN(blk, 7ull)]);
	}
	bcache_get_stats(p, &s1);
	blk_get_stats(p, &d1);
	KT_EQ(s1.misses - s0.misses, 2);                  /* blocks 0 and 1 */
	KT_EQ(s1.ra_hits - s0.ra_hits, 38);
	KT_ASSERT(d1.reads - d0.reads <= 12);             /* 40 blocks in a dozen requests */
	return 0;
}

static void
read_range(struct blkdev *p, uint64_t first, uint64_t n)
{
	for (uint64_t blk = first; blk < first + n; blk++) {
		struct buf *b = bread(p, blk);

		if (!IS_ERR(b))
			brelse(b);
	}
}

KTEST(bcache_free_behind_protects_the_cache,
      "a 400-block sequential read through a 64-buffer cache keeps the hot blocks with free-behind, evicts them without")
{
	KT_DISK(p, "vdb2");
	struct bcache_stats s0, s1;

	KT_EQ(bcache_set_limits(p, 64, 16), 0);
	bcache_get_stats(p, &s0);
	read_range(p, 1000, 4);                           /* the hot set */
	read_range(p, 1100, 400);                         /* a long stream */
	for (uint64_t blk = 1000; blk < 1004; blk++)
		KT_ASSERT(bcache_cached(p, blk));
	bcache_get_stats(p, &s1);
	KT_ASSERT(s1.freed_behind - s0.freed_behind >= 300);
	/* The same without free-behind: plain LRU loses the hot set. */
	KT_EQ(bcache_set_limits(p, 64, 0), 0);
	read_range(p, 1600, 4);
	read_range(p, 1610, 400);
	KT_ASSERT(!bcache_cached(p, 1600));
	return 0;
}

KTEST(bcache_block_size_change, "the block size changes only with no buffer held; 4 KiB blocks read right")
{
	KT_DISK(sda, "sda");
	struct buf *b = bread(sda, 2);

	KT_ASSERT(!IS_ERR(b));
	KT_EQ(bcache_set_block_size(sda, 4096), -EBUSY);
	KT_EQ(bcache_set_block_size(sda, 3000), -EINVAL);
	brelse(b);
	KT_EQ(bcache_set_block_size(sda, 4096), 0);
	KT_EQ(bcache_block_size(sda), 4096);
	b = bread(sda, 1);                                /* sectors 8-15 */
	KT_ASSERT(!IS_ERR(b));
	KT_EQ(blk_pattern_check(b->data, KT_SDA_TAG, 8, 8), 8);
	brelse(b);
	KT_EQ(bcache_set_block_size(sda, 1024), 0);
	return 0;
}
