// SPDX-License-Identifier: MIT
/*
 * ktests of ordered write-behind (bcache_behind.c) on the scratch disks:
 * the cache has a write at once and the disk after the wait, every
 * version of a block reaches the disk, a rewrite of the queue's tail
 * replaces its copy, queued blocks stay cached past the cache's size, and
 * the disk only ever holds a prefix of the writes; lazy writes wait for
 * sync or the block's next ordered write.
 * vda blocks 7000-7600 and the partition vdb5 are used only here.
 */
#include "block/ktest_disks.h"
#include "block/bcache.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"

#define SPB 2           /* sectors per 1 KiB block */
#define RUN 512         /* blocks queued at once: far more than the disk writes meanwhile */

static int
behind(struct blkdev *d, uint64_t blk, uint8_t tag, void *buf)
{
	blk_pattern_fill(buf, tag, blk * SPB + d->start, SPB);
	return bwrite_behind(d, blk, buf);
}

static bool
cache_has(struct blkdev *d, uint64_t blk, uint8_t tag)
{
	struct buf *b = bread(d, blk);
	bool yes = !IS_ERR(b) && blk_pattern_check(b->data, tag, blk * SPB + d->start, SPB) == SPB;

	if (!IS_ERR(b))
		brelse(b);
	return yes;
}

KTEST(bwb_cache_now_disk_after_wait,
      "bwrite_behind: a read sees the block at once, the disk after the wait; a rewrite of the tail is merged")
{
	KT_DISK(vda, "vda");
	uint8_t *buf = kmalloc(SPB * BLK_SECTOR_SIZE);
	struct bwb_stats w0, w1;
	struct blk_stats d0, d1;
	uint64_t last = 7000 + RUN - 1;

	KT_ASSERT(buf);
	bwrite_behind_stats(vda, &w0);
	blk_get_stats(vda, &d0);
	for (uint64_t blk = 7000; blk <= last; blk++)
		KT_EQ(behind(vda, blk, 'W', buf), 0);
	KT_EQ(behind(vda, last, 'V', buf), 0);          /* the tail: replaced, not queued */
	KT_ASSERT(cache_has(vda, 7000, 'W'));
	KT_ASSERT(cache_has(vda, last, 'V'));
	KT_EQ(bwrite_behind_wait(vda), 0);
	bwrite_behind_stats(vda, &w1);
	blk_get_stats(vda, &d1);
	KT_EQ(w1.queued - w0.queued, RUN + 1);
	KT_EQ(w1.merged - w0.merged, 1);
	KT_EQ(w1.done, w1.queued);
	KT_EQ(w1.bytes, 0);
	KT_EQ(d1.writes - d0.writes, RUN);
	for (uint64_t blk = 7000; blk < last; blk++)
		KT_ASSERT(kt_disk_has(vda, blk, 'W'));
	KT_ASSERT(kt_disk_has(vda, last, 'V'));
	KT_EQ(bwrite_behind(vda, KT_VDA_SECTORS / SPB, buf), -EINVAL);
	kfree(buf);
	return 0;
}

KTEST(bwb_every_version_is_written, "a block written, then another, then the first again: both versions go out, the newest last")
{
	KT_DISK(vda, "vda");
	uint8_t *buf = kmalloc(SPB * BLK_SECTOR_SIZE);
	struct bwb_stats w0, w1;
	struct blk_stats d0, d1;

	KT_ASSERT(buf);
	bwrite_behind_stats(vda, &w0);
	blk_get_stats(vda, &d0);
	for (int round = 0; round < 20; round++) {
		KT_EQ(behind(vda, 7590, round & 1 ? 'x' : 'y', buf), 0);
		KT_EQ(behind(vda, 7591, round & 1 ? 'x' : 'y', buf), 0);
	}
	KT_EQ(sync_dev(vda), 0);                        /* waits for the queue too */
	bwrite_behind_stats(vda, &w1);
	blk_get_stats(vda, &d1);
	KT_EQ(w1.done, w1.queued);
	KT_EQ(w1.queued - w0.queued, 40);
	KT_EQ(d1.writes - d0.writes + (w1.merged - w0.merged), 40);
	KT_ASSERT(kt_disk_has(vda, 7590, 'x'));
	KT_ASSERT(kt_disk_has(vda, 7591, 'x'));
	kfree(buf);
	return 0;
}

KTEST(bwb_queued_blocks_stay_cached, "queued blocks stay in a 16-buffer cache until written; then they may go")
{
	KT_DISK(p, "vdb5");
	uint8_t *buf = kmalloc(SPB * BLK_SECTOR_SIZE);
	bool all = true;

	KT_ASSERT(buf);
	KT_EQ(bcache_set_limits(p, 16, 0), 0);
	for (uint64_t blk = 0; blk < 128; blk += 2)
		KT_EQ(behind(p, blk, 'Q', buf), 0);
	for (uint64_t blk = 0; blk < 128; blk += 2)
		all &= bcache_cached(p, blk) || kt_disk_has(p, blk, 'Q');
	KT_ASSERT(all);
	KT_EQ(bwrite_behind_wait(p), 0);
	for (uint64_t blk = 1; blk < 128; blk += 2) {    /* push the written ones out */
		struct buf *b = bread(p, blk);

		KT_ASSERT(!IS_ERR(b));
		brelse(b);
	}
	KT_ASSERT(!bcache_cached(p, 0));
	for (uint64_t blk = 0; blk < 128; blk += 2) {
		KT_ASSERT(kt_disk_has(p, blk, 'Q'));
		KT_ASSERT(cache_has(p, blk, 'Q'));
	}
	kfree(buf);
	return 0;
}

#define ROUNDS 200

/* The version a block holds on the disk (its first 8 bytes). */
static uint64_t
disk_version(struct blkdev *d, uint64_t blk, uint8_t *raw)
{
	uint64_t v = ~0ull;

	if (blk_read(d, blk * SPB, raw, SPB) == 0)
		memcpy(&v, raw, sizeof(v));
	return v;
}

/*
 * Queue A1 B1 A2 B2 ... and watch the disk while the queue drains: it
 * must only ever hold a prefix, so A is B's version or one ahead.  Read
 * in the order that makes each bound sound while the disk moves on: B
 * then A for "A >= B", A then B for "B >= A - 1".
 */
KTEST(bwb_disk_only_holds_a_prefix, "A and B written alternately 200 times: read while draining, the disk is always a prefix")
{
	KT_DISK(vda, "vda");
	uint8_t *buf = kzalloc(SPB * BLK_SECTOR_SIZE), *raw = kmalloc(SPB * BLK_SECTOR_SIZE);
	struct bwb_stats w;
	unsigned samples = 0;
	bool ok = true;

	KT_ASSERT(buf && raw);
	KT_EQ(bwrite_behind(vda, 7596, buf), 0);        /* both at version 0 */
	KT_EQ(bwrite_behind(vda, 7597, buf), 0);
	KT_EQ(bwrite_behind_wait(vda), 0);
	for (uint64_t v = 1; v <= ROUNDS; v++) {
		memcpy(buf, &v, sizeof(v));
		KT_EQ(bwrite_behind(vda, 7596, buf), 0);
		KT_EQ(bwrite_behind(vda, 7597, buf), 0);
	}
	do {
		uint64_t b = disk_version(vda, 7597, raw), a = disk_version(vda, 7596, raw);

		ok &= a >= b;
		a = disk_version(vda, 7596, raw);
		b = disk_version(vda, 7597, raw);
		ok &= b + 1 >= a;
		samples++;
		bwrite_behind_stats(vda, &w);
	} while (w.done < w.queued && ok);
	KT_ASSERT(ok);
	KT_ASSERT(samples > 1);
	KT_EQ(bwrite_behind_wait(vda), 0);
	KT_EQ(disk_version(vda, 7596, raw), ROUNDS);
	KT_EQ(disk_version(vda, 7597, raw), ROUNDS);
	kfree(buf);
	kfree(raw);
	return 0;
}

KTEST(bwb_lazy_waits_for_sync_or_the_next_write,
      "bwrite_lazy: cached at once; on the disk only after sync_dev, or with the block's next ordered write")
{
	KT_DISK(vda, "vda");
	uint8_t *buf = kmalloc(SPB * BLK_SECTOR_SIZE);
	struct bwb_stats w;

	KT_ASSERT(buf);
	blk_pattern_fill(buf, 'L', 7580 * SPB, SPB);
	KT_EQ(bwrite_lazy(vda, 7580, buf), 0);
	blk_pattern_fill(buf, 'L', 7581 * SPB, SPB);
	KT_EQ(bwrite_lazy(vda, 7581, buf), 0);
	KT_ASSERT(cache_has(vda, 7580, 'L'));
	KT_EQ(bwrite_behind_wait(vda), 0);              /* waits for ordered writes only */
	KT_ASSERT(kt_disk_has(vda, 7580, KT_VDA_TAG));
	bwrite_behind_stats(vda, &w);
	KT_EQ(w.lazy, 2);
	KT_EQ(behind(vda, 7581, 'M', buf), 0);          /* an ordered write takes it along */
	KT_EQ(bwrite_behind_wait(vda), 0);
	KT_ASSERT(kt_disk_has(vda, 7581, 'M'));
	bwrite_behind_stats(vda, &w);
	KT_EQ(w.lazy, 1);
	KT_EQ(sync_dev(vda), 0);                        /* and sync the rest */
	KT_ASSERT(kt_disk_has(vda, 7580, 'L'));
	bwrite_behind_stats(vda, &w);
	KT_EQ(w.lazy, 0);
	kfree(buf);
	return 0;
}
