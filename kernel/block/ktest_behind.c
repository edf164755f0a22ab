// SPDX-License-Identifier: MIT
/*
 * ktests of ordered write-behind (bcache_behind.c) on the scratch disks:
 * the cache has a write at once and the disk after the wait, every
 * version of a block reaches the disk, a rewrite of the queue's tail
 * replaces its copy, queued blocks stay cached past the cache's size, and
 * the disk only ever holds a prefix of the writes; lazy writes wait for
 * sync or the block's next ordered write; a write that names its
 * dependencies joins an older entry only when they are ahead of it; the
 * head waits for the write-back age unless someone waits for the queue.
 * vda blocks 7000-7600 and the partition vdb5 are used only here.
 */
#include "block/ktest_disks.h"
#include "block/bcache.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "uapi/errno.h"

#define SPB 2           /* sectors per 1 KiB block */
#define HOUR_NS 3600000000000ull

/* Set how long the queue's head waits before it starts; => the old age. */
static uint64_t
set_age(uint64_t ns)
{
	uint64_t old = bcache_writeback_age_ns;

	WRITE_ONCE(bcache_writeback_age_ns, ns);
	return old;
}
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
	uint64_t age;
	bool ok = true;

	KT_ASSERT(buf && raw);
	age = set_age(0);                               /* the queue drains at once */
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
	set_age(age);
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

static int
after(struct blkdev *d, uint64_t blk, uint8_t tag, void *buf, const uint64_t *deps, unsigned n)
{
	blk_pattern_fill(buf, tag, blk * SPB + d->start, SPB);
	return bwrite_behind_after(d, blk, buf, deps, n);
}

/*
 * Queue A, B; then A again needing nothing (joins A's entry, ahead of B);
 * A again needing B (B's entry is behind A's: a new entry last); B
 * needing A (A's newest entry is now behind B's: last again).  Four
 * writes reach the disk, the newest versions win.
 */
KTEST(bwb_after_joins_an_older_entry,
      "bwrite_behind_after: a write joins its block's older entry only when every dep is ahead of it")
{
	KT_DISK(vda, "vda");
	uint8_t *buf = kmalloc(SPB * BLK_SECTOR_SIZE);
	const uint64_t a = 7560, b = 7561;
	struct bwb_stats w0, w1;
	struct blk_stats d0, d1;
	uint64_t age = set_age(HOUR_NS);                /* nothing starts before the wait */

	KT_ASSERT(buf);
	KT_EQ(bwrite_behind_wait(vda), 0);
	bwrite_behind_stats(vda, &w0);
	blk_get_stats(vda, &d0);
	KT_EQ(behind(vda, a, 'a', buf), 0);
	KT_EQ(behind(vda, b, 'b', buf), 0);
	KT_EQ(after(vda, a, 'c', buf, NULL, 0), 0);     /* joins entry 1 */
	KT_EQ(after(vda, a, 'd', buf, &b, 1), 0);       /* needs b: entry 3 */
	KT_EQ(after(vda, b, 'e', buf, &a, 1), 0);       /* needs a (entry 3): entry 4 */
	KT_ASSERT(cache_has(vda, a, 'd'));
	KT_ASSERT(kt_disk_has(vda, a, KT_VDA_TAG));     /* still waiting for its age */
	bwrite_behind_stats(vda, &w1);
	KT_EQ(w1.coalesced - w0.coalesced, 1);
	KT_EQ(bwrite_behind_wait(vda), 0);
	bwrite_behind_stats(vda, &w1);
	blk_get_stats(vda, &d1);
	KT_EQ(w1.queued - w0.queued, 5);
	KT_EQ(d1.writes - d0.writes, 4);
	KT_ASSERT(kt_disk_has(vda, a, 'd'));
	KT_ASSERT(kt_disk_has(vda, b, 'e'));
	set_age(age);
	kfree(buf);
	return 0;
}

/* Poll (without waiting on the queue) until blk holds tag on the disk; up to 20 s. */
static bool
reaches_disk(struct blkdev *d, uint64_t blk, uint8_t tag)
{
	for (int i = 0; i < 2000; i++) {
		if (kt_disk_has(d, blk, tag))
			return true;
		sched_sleep_ns(10000000, false);
	}
	return false;
}

KTEST(bwb_head_waits_for_its_age,
      "the queue's head waits for the write-back age (the timer starts it then), a waiter or a start")
{
	KT_DISK(vda, "vda");
	uint8_t *buf = kmalloc(SPB * BLK_SECTOR_SIZE);
	struct blk_stats d0, d1;
	uint64_t age = set_age(HOUR_NS);

	KT_ASSERT(buf);
	KT_EQ(bwrite_behind_wait(vda), 0);
	blk_get_stats(vda, &d0);
	KT_EQ(behind(vda, 7565, 'f', buf), 0);
	sched_sleep_ns(50000000, false);
	blk_get_stats(vda, &d1);
	KT_EQ(d1.writes, d0.writes);                    /* an hour to go */
	KT_ASSERT(kt_disk_has(vda, 7565, KT_VDA_TAG));
	set_age(100000000);                             /* 0.1 s: the next write looks again */
	KT_EQ(behind(vda, 7566, 'g', buf), 0);
	KT_ASSERT(reaches_disk(vda, 7565, 'f'));        /* the timer, not a waiter, started it */
	KT_ASSERT(reaches_disk(vda, 7566, 'g'));
	set_age(HOUR_NS);
	KT_EQ(behind(vda, 7567, 'h', buf), 0);
	KT_EQ(bwrite_behind_wait(vda), 0);              /* a waiter does not wait an hour */
	KT_ASSERT(kt_disk_has(vda, 7567, 'h'));
	KT_EQ(behind(vda, 7568, 'i', buf), 0);
	bwrite_behind_start(vda);                       /* nor does a start, without waiting */
	KT_ASSERT(reaches_disk(vda, 7568, 'i'));
	set_age(age);
	kfree(buf);
	return 0;
}
