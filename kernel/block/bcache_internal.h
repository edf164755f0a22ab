/* SPDX-License-Identifier: MIT */
/* The buffer cache's private parts, shared by bcache.c and bcache_io.c. */
#pragma once

#include "block/bcache.h"
#include "sched/timer.h"
#include "block/blk.h"
#include "block/readahead.h"
#include "sync/spinlock.h"

#define BC_HASH           256
#define BC_DEFAULT_BSIZE  1024
#define BC_DEFAULT_CAP    1024     /* buffers per device */
#define BC_RA_MAX         32       /* read-ahead window, blocks */
#define BC_BATCH          64       /* buffers gathered for one round of write-back */

/*
 * A device's ordered write-behind queue (bcache_behind.c).  Locks: [w]
 * lock, a leaf but for the wait queue's lock, taken in interrupt context;
 * never held with the cache's lock or while submitting I/O.
 */
#define BWB_LAZY_MAX 32     /* lazily written blocks kept before the oldest is queued */

struct bwb {
	struct spinlock lock;
	struct list_node queue;             /* [w] struct bwb_entry, oldest first */
	bool busy;                          /* [w] the head entry is being written */
	bool pumping;                       /* [w] a CPU is starting entries (pump) */
	uint64_t queued, done;              /* [w] writes accepted / the newest on the disk */
	uint64_t merged;                    /* [w] writes that replaced the tail's copy */
	uint64_t coalesced;                 /* [w] writes taken by an older entry (deps allowed it) */
	uint64_t entries, entries_done;     /* [w] entries made / written, in queue order */
	unsigned hurry;                     /* [w] threads waiting: start the head now */
	uint64_t due_upto;                  /* [w] entries up to this pos start now (bwrite_behind_start) */
	uint64_t timer_due;                 /* [w] when the timer is set to start the head; 0: not set */
	struct ktimer timer;                /* starts the head once it has waited long enough */
	size_t bytes, limit;                /* [w] copies queued; writers wait past limit */
	int error;                          /* [w] a write failed: nothing more is written */
	struct buf *lazy[BWB_LAZY_MAX];     /* [w] changed by bwrite_lazy, not yet queued; pinned */
	unsigned nlazy;                     /* [w] */
	struct waitq done_wq;               /* waiters for progress (drain, throttle) */
};

void bwb_init(struct bwb *w);
/* Queue every lazily written block of c (sync_dev, before it waits). */
void bwb_push_lazy(struct bcache *c);

/*
 * One device's cache.  Locks: [c] lock, [I] immutable.  Lock order: lock
 * -> the allocator's locks -> waitq locks.  It is taken in interrupt
 * context (I/O completion) and never held while submitting I/O.
 */
struct bcache {
	struct blkdev *dev;                 /* [I] */
	struct spinlock lock;
	uint32_t bsize;                     /* [c] block size, bytes */
	uint32_t spb;                       /* [c] sectors per block */
	unsigned nbuf, capacity;            /* [c] buffers allocated / allowed */
	unsigned free_behind_run;           /* [c] sequential run that starts free-behind */
	unsigned ndirty;                    /* [c] */
	unsigned io_held;                   /* [c] buffers held by asynchronous I/O */
	struct list_node hash[BC_HASH];     /* [c] */
	struct list_node lru;               /* [c] unheld buffers, coldest first */
	struct list_node dirty;             /* [c] dirty buffers, oldest first */
	struct ra_state ra;                 /* [c] the device's read stream */
	struct bcache_stats stats;          /* [c] */
	struct waitq free_wq;               /* threads waiting for a reusable buffer */
	struct bwb behind;                  /* ordered write-behind (own lock) */
};

/* bcache.c */
struct bcache *bcache_of(struct blkdev *dev);
/* => c->lock held.  A held buffer's last reference went: back on the LRU. */
void bcache_unhold_locked(struct bcache *c, struct buf *b, bool cold);
/* => b held.  Keep it in the cache after brelse until bcache_unpin (write-behind). */
void bcache_pin(struct buf *b);
void bcache_unpin(struct buf *b);
/* The cached buffer for blk, pinned (not held: no B_BUSY), or NULL.  bcache_unpin it. */
struct buf *bcache_peek_pin(struct bcache *c, uint64_t blk);
/* => b held.  Its data is now the block's contents (or newer). */
void bcache_mark_valid(struct buf *b);
/* => c->lock held.  b was dirty and is now written. */
void bcache_clean_locked(struct bcache *c, struct buf *b);
/* The buffer for blk without sleeping, held by I/O; NULL if cached or none free. */
struct buf *bcache_grab_for_readahead(struct bcache *c, uint64_t blk);

/* bcache_io.c */
/* Read b (held by the caller) from the disk and wait.  => 0 or -errno. */
int bcache_read_sync(struct bcache *c, struct buf *b);
/* Start read-ahead of blocks [start, end), without waiting. */
void bcache_readahead(struct bcache *c, uint64_t start, uint64_t end);
/*
 * Start writing up to max (<= BC_BATCH) of the oldest unheld dirty buffers
 * that have been dirty for at least age_ns (0: any).  => how many started.
 */
unsigned bcache_writeback_some(struct bcache *c, unsigned max, uint64_t age_ns);
/* Every cache, for write-back and sync. */
unsigned bcache_list(struct bcache **out, unsigned max);
