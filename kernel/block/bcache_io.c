// SPDX-License-Identifier: MIT
/*
 * The buffer cache's I/O: demand reads, read-ahead, write-back and sync.
 *
 * Buffers of consecutive blocks travel together: a "bio" is one block
 * request whose segments are the buffers' memory, so a read-ahead window
 * or a run of dirty blocks costs one disk command, not one per block.
 *
 * Who holds a buffer during I/O:
 *   - a demand read (bread) or bwrite_sync: the calling thread, which
 *     keeps B_BUSY and sleeps on a batch until the interrupt says done;
 *   - read-ahead and write-back: the I/O itself (an "async" bio took a
 *     reference and B_BUSY); the completion, in interrupt context, marks
 *     the buffers valid or clean and lets go of them.
 *
 * Write-back: a kernel thread wakes every second and writes the buffers
 * that have been dirty longer than bcache_writeback_age_ns, oldest first,
 * sorted by block number.  sync_dev() writes every buffer dirtied before
 * it started, waits for them, then flushes the device's write cache.
 *
 * Locks: the cache's lock (see bcache_internal.h), and each batch's lock,
 * a leaf taken in completions after the cache's lock is dropped.
 */
#include "block/bcache_internal.h"
#include "block/internal.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "uapi/errno.h"

#define BC_WB_INTERVAL_NS 1000000000ull

uint64_t bcache_writeback_age_ns = 5000000000ull;

/* Several bios a thread waits for as one. */
struct bio_batch {
	struct spinlock lock;         /* protects pending, error; leaf */
	unsigned pending;             /* bios not yet done, +1 while still submitting */
	int error;                    /* the first error */
	struct blk_completion done;
};

struct bio {
	struct blk_request rq;
	struct bcache *c;
	unsigned n;
	struct buf *bufs[BLK_MAX_SEGS];
	bool async;                   /* the I/O holds the buffers: release them at the end */
	struct bio_batch *batch;      /* or NULL */
};

static void
batch_init(struct bio_batch *bb)
{
	spin_init(&bb->lock, "bio_batch");
	bb->pending = 1;
	bb->error = 0;
	blk_completion_init(&bb->done);
}

static void
batch_put(struct bio_batch *bb, int error)
{
	bool last;

	spin_lock(&bb->lock);
	if (error && !bb->error)
		bb->error = error;
	last = --bb->pending == 0;
	spin_unlock(&bb->lock);
	if (last)
		blk_completion_signal(&bb->done);
}

/* Drop the submitter's own count and wait for the rest.  => the first error. */
static int
batch_wait(struct bio_batch *bb)
{
	batch_put(bb, 0);
	blk_completion_wait(&bb->done);
	return bb->error;
}

/* => c->lock held.  One buffer's I/O is over. */
static void
buf_io_done_locked(struct bio *bio, struct buf *b, int status)
{
	struct bcache *c = bio->c;

	if (status == 0 && bio->rq.op == BLK_OP_READ) {
		b->flags |= B_VALID;
	} else if (status == 0) {
		bcache_clean_locked(c, b);
		if (bio->async)
			c->stats.writebacks++;
		else
			c->stats.sync_writes++;
	}
	b->error = status;
	if (bio->async) {
		b->flags &= ~B_BUSY;
		waitq_wake_all(&b->wq);
		c->io_held--;
		bcache_unhold_locked(c, b, false);
	}
}

/* The completion of a bio; usually in interrupt context. */
static void
bio_done(struct blk_request *rq)
{
	struct bio *bio = container_of(rq, struct bio, rq);
	struct bcache *c = bio->c;

	if (rq->status && rq->op == BLK_OP_WRITE)
		pr_err("bcache: %s: writing blocks %llu+%u failed (%d); they stay dirty\n",
		       c->dev->name, (unsigned long long)bio->bufs[0]->blockno, bio->n, rq->status);
	spin_lock(&c->lock);
	for (unsigned i = 0; i < bio->n; i++)
		buf_io_done_locked(bio, bio->bufs[i], rq->status);
	spin_unlock(&c->lock);
	if (bio->batch)
		batch_put(bio->batch, rq->status);
	kfree(bio);
}

/* One request over n buffers of consecutive blocks. */
static void
submit_run(struct bcache *c, enum blk_op op, struct buf **bufs, unsigned n, bool async,
	   struct bio_batch *bb)
{
	struct bio *bio = kzalloc(sizeof(*bio));
	int r;

	if (!bio) {
		struct bio tmp = { .c = c, .n = n, .async = async };

		memcpy(tmp.bufs, bufs, n * sizeof(*bufs));
		tmp.rq.op = op;
		spin_lock(&c->lock);
		for (unsigned i = 0; i < n; i++)
			buf_io_done_locked(&tmp, bufs[i], -ENOMEM);
		spin_unlock(&c->lock);
		if (bb)
			batch_put(bb, -ENOMEM);
		return;
	}
	bio->c = c;
	bio->n = n;
	bio->async = async;
	bio->batch = bb;
	memcpy(bio->bufs, bufs, n * sizeof(*bufs));
	bio->rq.op = op;
	bio->rq.sector = bufs[0]->blockno * c->spb;
	bio->rq.count = n * c->spb;
	bio->rq.nseg = (uint16_t)n;
	for (unsigned i = 0; i < n; i++)
		bio->rq.seg[i] = (struct blk_seg){ bufs[i]->data, c->bsize };
	bio->rq.done = bio_done;
	r = blk_submit(c->dev, &bio->rq);
	if (r) {
		bio->rq.status = r;
		bio_done(&bio->rq);
	}
}

/* Submit buffers sorted by block number, consecutive runs as one request each. */
static void
submit_sorted(struct bcache *c, enum blk_op op, struct buf **bufs, unsigned n, bool async,
	      struct bio_batch *bb)
{
	unsigned max = blk_max_segs(c->dev);

	if (c->dev->max_sectors)
		max = MAX(1u, MIN(max, c->dev->max_sectors / c->spb));
	for (unsigned i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && j - i < max && bufs[j]->blockno == bufs[j - 1]->blockno + 1;)
			j++;
		if (bb) {
			spin_lock(&bb->lock);
			bb->pending++;
			spin_unlock(&bb->lock);
		}
		submit_run(c, op, bufs + i, j - i, async, bb);
	}
}

int
bcache_read_sync(struct bcache *c, struct buf *b)
{
	struct bio_batch bb;

	batch_init(&bb);
	submit_sorted(c, BLK_OP_READ, &b, 1, false, &bb);
	return batch_wait(&bb);
}

void
bcache_readahead(struct bcache *c, uint64_t start, uint64_t end)
{
	struct buf *run[BLK_MAX_SEGS];
	unsigned n = 0, grabbed = 0;

	for (uint64_t blk = start; blk < end; blk++) {
		struct buf *b = bcache_grab_for_readahead(c, blk);

		grabbed += b != NULL;
		if (b && (n == 0 || run[n - 1]->blockno + 1 == blk) && n < BLK_MAX_SEGS) {
			run[n++] = b;
			continue;
		}
		if (n)
			submit_sorted(c, BLK_OP_READ, run, n, true, NULL);
		n = 0;
		if (b)
			run[n++] = b;
	}
	if (n)
		submit_sorted(c, BLK_OP_READ, run, n, true, NULL);
	spin_lock(&c->lock);
	c->stats.ra_blocks += grabbed;
	spin_unlock(&c->lock);
}

/* => c->lock held.  Take an unheld dirty buffer for write-back I/O. */
static void
take_for_io_locked(struct bcache *c, struct buf *b)
{
	b->refcnt++;
	list_remove(&b->lru_node);
	b->flags |= B_BUSY;
	c->io_held++;
}

static void
sort_by_block(struct buf **bufs, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct buf *b = bufs[i];
		unsigned j = i;

		for (; j > 0 && bufs[j - 1]->blockno > b->blockno; j--)
			bufs[j] = bufs[j - 1];
		bufs[j] = b;
	}
}

/*
 * => c->lock held.  Gather up to max unheld dirty buffers dirtied at or
 * before `before` (ns); *held_out gets a held one that qualifies, if any.
 */
static unsigned
gather_locked(struct bcache *c, struct buf **bufs, unsigned max, uint64_t before,
	      struct buf **held_out)
{
	unsigned n = 0;

	list_for_each(p, &c->dirty) {
		struct buf *b = list_entry(p, struct buf, dirty_node);

		if (n == max || b->dirty_ns > before)
			break;                       /* the list is oldest first */
		if (b->refcnt == 0) {
			take_for_io_locked(c, b);
			bufs[n++] = b;
		} else if (held_out && !*held_out) {
			*held_out = b;
		}
	}
	return n;
}

unsigned
bcache_writeback_some(struct bcache *c, unsigned max, uint64_t age_ns)
{
	struct buf *bufs[BC_BATCH];
	uint64_t now = time_ns();
	unsigned n;

	spin_lock(&c->lock);
	n = gather_locked(c, bufs, MIN(max, (unsigned)BC_BATCH),
			  age_ns ? (now > age_ns ? now - age_ns : 0) : UINT64_MAX, NULL);
	spin_unlock(&c->lock);
	sort_by_block(bufs, n);
	submit_sorted(c, BLK_OP_WRITE, bufs, n, true, NULL);
	return n;
}

/* => c->lock held, b held by someone else.  Wait until they let go. */
static void
wait_for_holder_locked(struct bcache *c, struct buf *b)
{
	b->refcnt++;
	while (b->flags & B_BUSY)
		waitq_sleep(&b->wq, &c->lock, 0, false);
	bcache_unhold_locked(c, b, false);
}

int
sync_dev(struct blkdev *dev)
{
	struct bcache *c = READ_ONCE(dev->cache);
	uint64_t t0 = time_ns();
	int behind, err = 0;

	if (c)
		bwb_push_lazy(c);
	behind = bwrite_behind_wait(dev);       /* ordered writes first: they are older */

	while (c) {
		struct buf *bufs[BC_BATCH], *held = NULL;
		struct bio_batch bb;
		unsigned n;

		spin_lock(&c->lock);
		n = gather_locked(c, bufs, BC_BATCH, t0, &held);
		if (n == 0 && held)
			wait_for_holder_locked(c, held);
		spin_unlock(&c->lock);
		if (n == 0 && !held)
			break;
		batch_init(&bb);
		sort_by_block(bufs, n);
		submit_sorted(c, BLK_OP_WRITE, bufs, n, true, &bb);
		if ((err = batch_wait(&bb)) != 0)
			break;
	}
	if (err == 0 && dev->write_cache)
		err = blk_flush(dev);
	return err ? err : behind;
}

int
bcache_sync_all(void)
{
	struct bcache *all[64];
	unsigned n = bcache_list(all, 64);
	int err = 0;

	for (unsigned i = 0; i < n; i++) {
		int r = sync_dev(all[i]->dev);

		if (r && !err)
			err = r;
	}
	return err;
}

/* Write b, held by the caller, and wait for the device to complete it. */
static int
write_now(struct buf *b)
{
	struct bcache *c = b->cache;
	struct bio_batch bb;

	spin_lock(&c->lock);
	b->flags |= B_VALID;
	spin_unlock(&c->lock);
	batch_init(&bb);
	submit_sorted(c, BLK_OP_WRITE, &b, 1, false, &bb);
	return batch_wait(&bb);
}

int
bwrite_ordered(struct buf *b)
{
	return write_now(b);
}

int
bwrite_sync(struct buf *b)
{
	int r = write_now(b);

	if (r == 0 && b->dev->write_cache)
		r = blk_flush(b->dev);
	return r;
}

static void
writeback_thread(void *arg)
{
	struct bcache *all[64];

	for (;;) {
		unsigned n;

		sched_sleep_ns(BC_WB_INTERVAL_NS, false);
		n = bcache_list(all, 64);
		for (unsigned i = 0; i < n; i++)
			while (bcache_writeback_some(all[i], BC_BATCH, bcache_writeback_age_ns) ==
			       BC_BATCH)
				;
	}
}

void
bcache_writeback_start(void)
{
	if (!thread_create_detached(writeback_thread, NULL, "bflush"))
		pr_err("bcache: cannot start the write-back thread; only sync writes back\n");
}
