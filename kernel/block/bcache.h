/* SPDX-License-Identifier: MIT */
/*
 * The buffer cache: recently used disk blocks kept in memory.
 *
 *   struct buf *b = bread(dev, blockno);     read (or find) a block; b is yours
 *   ... read or change b->data ...
 *   bdirty(b);                               changed: write it back later, or
 *   bwrite_sync(b);                          changed: write it now, durably
 *   brelse(b);                               done with it
 *
 * Each device has its own cache of fixed-size blocks (1 KiB until
 * bcache_set_block_size() says otherwise; a file system sets its own block
 * size at mount).  A buffer returned by bread()/bget() is held exclusively
 * (B_BUSY) by the caller until brelse(): another thread asking for the
 * same block sleeps until then.  So a file system can read-modify-write a
 * block without further locking, and never sees a half-finished read.
 *
 * Write guarantees, which the file system's ordering rules (soft updates)
 * build on:
 *   - bwrite_sync(b) returns 0 only when b's contents are on stable
 *     storage: the write has completed, and a device with a volatile write
 *     cache has been told to flush it.  Every write started after it
 *     returns, by any path, therefore reaches the disk after it.
 *   - bwrite_ordered(b) returns when the device has reported the write
 *     complete, without the flush: later writes are issued after it, and a
 *     disk without a volatile cache (write_cache false) has it on the
 *     medium; one with a cache may still reorder the two until the next
 *     flush (bwrite_sync, sync_dev).  Cheaper, for callers that flush at
 *     their own commit points.
 *   - bwrite_behind(dev, blk, data) puts data in the cache now and on the
 *     disk later, after every write queued on dev before it, and before
 *     every write queued after it (bcache_behind.c): the order of
 *     bwrite_ordered without its wait.  bwrite_behind_wait(dev) returns
 *     when everything queued before it is written; sync_dev waits too.
 *   - bwrite_lazy(dev, blk, data) is for a change whose order does not
 *     matter (a directory's times): cached now, queued as an ordered write
 *     by sync_dev, or when the block is written behind anyway, or when
 *     too many such blocks wait.
 *   - bdirty(b) promises nothing about order: delayed writes go out, in
 *     ascending block order, when they are older than the write-back age
 *     (bcache_writeback_age_ns, 5 s by default), when the cache needs the
 *     buffer, or at sync_dev().
 *   - sync_dev(d) returns when every block dirtied before the call is on
 *     stable storage.  Do not hold a buffer while calling it.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "sync/waitqueue.h"

struct blkdev;
struct bcache;
struct bwb_entry;

/* Buffer flags. */
#define B_VALID  0x01     /* data is the block's contents (or newer) */
#define B_DIRTY  0x02     /* newer than the disk: must be written back */
#define B_BUSY   0x04     /* held by a thread, or by I/O in flight */
#define B_RA     0x08     /* read ahead and not yet asked for */
#define B_BEHIND 0x10     /* free-behind: release to the cold end of the LRU */

/*
 * A cached block.  Locks: [c] the cache's lock, [h] whoever holds B_BUSY,
 * [I] fixed while the buffer is in the cache.
 */
struct buf {
	struct bcache *cache;         /* [I] */
	struct blkdev *dev;           /* [I] */
	uint64_t blockno;             /* [I] */
	uint8_t *data;                /* [h] contents, the cache's block size */
	unsigned flags;               /* [c] B_* */
	int refcnt;                   /* [c] holders and waiters, +1 for I/O in flight, +1 per queued write-behind */
	int error;                    /* [c] last I/O error, 0 if none */
	uint64_t dirty_ns;            /* [c] when it became dirty */
	struct list_node hash_node;   /* [c] in its hash bucket */
	struct list_node lru_node;    /* [c] on the LRU list while refcnt == 0 */
	struct list_node dirty_node;  /* [c] on the dirty list while B_DIRTY */
	struct waitq wq;              /* threads waiting for B_BUSY to clear */
	struct bwb_entry *bwb_newest; /* [w] its newest write-behind entry not yet started */
};

struct bcache_stats {
	uint64_t hits, misses;        /* bread() found the block valid / had to read */
	uint64_t ra_blocks;           /* blocks requested by read-ahead */
	uint64_t ra_hits;             /* of those, later asked for */
	uint64_t evictions;           /* buffers reused for another block */
	uint64_t writebacks;          /* blocks written by write-back or sync */
	uint64_t sync_writes;         /* blocks written by bwrite_sync */
	uint64_t freed_behind;        /* buffers released to the cold end */
	unsigned nbuf, capacity, dirty;
	uint32_t ra_window;           /* the read-ahead window now */
};

/*
 * Get block blockno of dev, read from the disk unless cached, and hold it.
 * => the buffer, or ERR_PTR(-EINVAL) past the end of the device,
 *    ERR_PTR(-EIO) when the read failed, ERR_PTR(-ENOMEM).  May sleep.
 */
struct buf *bread(struct blkdev *dev, uint64_t blockno) __must_check;
/* Like bread() without reading: for a caller about to overwrite all of it. */
struct buf *bget(struct blkdev *dev, uint64_t blockno) __must_check;
/* => b held.  Mark it changed (and valid); write-back will write it. */
void bdirty(struct buf *b);
/* => b held.  Write it now and make it durable; see the guarantees above. */
int bwrite_sync(struct buf *b) __must_check;
/* => b held.  Write it now and wait for the device, without a cache flush. */
int bwrite_ordered(struct buf *b) __must_check;
/*
 * Ordered write-behind of a whole block (the cache's block size) that the
 * caller does not hold.  => 0, or -EIO once a queued write has failed
 * (nothing later is written), -EROFS, -EINVAL, -ENOMEM.  May sleep: a
 * writer waits while the queue holds more than its limit.
 */
int bwrite_behind(struct blkdev *dev, uint64_t blockno, const void *data) __must_check;
/* A whole block whose change may reach the disk at any later point.  => as bwrite_behind. */
int bwrite_lazy(struct blkdev *dev, uint64_t blockno, const void *data) __must_check;
/*
 * bwrite_behind for a change that needs only the blocks in deps[0..n) on
 * the disk first (their contents as passed to bwrite_behind* before this
 * call), not every write queued before it.  The write may then join the
 * block's newest queued entry, wherever it is in the queue, as long as
 * every dep's newest entry is ahead of that one; else it is queued last.
 */
int bwrite_behind_after(struct blkdev *dev, uint64_t blockno, const void *data,
			const uint64_t *deps, unsigned n) __must_check;
/* Wait for every write queued on dev before the call.  => 0 or the queue's error. */
int bwrite_behind_wait(struct blkdev *dev) __must_check;
/*
 * bwrite_behind_after (deps NULL: bwrite_behind) and bwrite_lazy for len
 * bytes at off of the block, from data (an inode in its table block): the
 * rest is the cached block's, read first if it is not cached, so the
 * caller copies a few hundred bytes instead of the block, twice.
 */
int bpatch_behind(struct blkdev *dev, uint64_t blockno, uint32_t off, uint32_t len,
		  const void *data, const uint64_t *deps, unsigned n) __must_check;
int bpatch_lazy(struct blkdev *dev, uint64_t blockno, uint32_t off, uint32_t len,
		const void *data) __must_check;
/*
 * Start every write queued on dev so far without waiting for its age or
 * for it (someone will wait for them soon: no point in holding them back).
 */
void bwrite_behind_start(struct blkdev *dev);

struct bwb_stats {
	uint64_t queued;              /* writes accepted */
	uint64_t done;                /* the newest write on the disk (or dropped) */
	uint64_t merged;              /* writes that replaced the tail's copy */
	uint64_t coalesced;           /* writes that joined an older entry (bwrite_behind_after) */
	size_t bytes, limit;          /* copies waiting; writers wait past limit */
	unsigned lazy;                /* lazily written blocks not yet queued */
	int error;
};
void bwrite_behind_stats(struct blkdev *dev, struct bwb_stats *st);

/* => b held.  Let go of it. */
void brelse(struct buf *b);
/* Write every dirty block of dev and flush the device.  => 0 or the first error. */
int sync_dev(struct blkdev *dev);
/* sync_dev() on every device with a cache. */
int bcache_sync_all(void);

/* Block size of dev's cache (bytes).  Set only while no buffer is held. */
uint32_t bcache_block_size(struct blkdev *dev);
/* Write back and drop every buffer, then use `size` (512..4096, a power of two). */
int bcache_set_block_size(struct blkdev *dev, uint32_t size) __must_check;
/* How many buffers dev's cache may keep, and when free-behind starts (run length; 0 off). */
int bcache_set_limits(struct blkdev *dev, unsigned capacity, unsigned free_behind_run);
/* Is block blockno cached and valid?  (For tests: no side effects.) */
bool bcache_cached(struct blkdev *dev, uint64_t blockno);
void bcache_get_stats(struct blkdev *dev, struct bcache_stats *st);

/* Write-back tuning: dirty buffers older than this are written (default 5 s). */
extern uint64_t bcache_writeback_age_ns;
/* Start the write-back thread (from blk_init). */
void bcache_writeback_start(void);
