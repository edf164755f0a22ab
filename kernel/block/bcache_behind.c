// SPDX-License-Identifier: MIT
/*
 * Ordered write-behind: writes that reach the disk later, but in the
 * order they were made.
 *
 * A file system without a journal stays consistent across a crash only if
 * its metadata writes reach the disk in a safe order (ext2's soft-updates
 * rules, kernel/fs/ext2fs/super.c).  The simplest way to keep the order is
 * to write through: each write waits for the disk before the next starts.
 * That makes every create or unlink wait for three or four disk writes.
 *
 * bwrite_behind() keeps the order without the wait.  It puts the new
 * contents in the cache at once (so every later read sees them) and
 * appends a copy of the block, as it is at that moment, to the device's
 * queue.  The queue has one write on the disk at a time: the completion
 * of each (an interrupt) starts the next, so the disk goes through exactly
 * the states write-through would have given it, just later, and nobody
 * waits in between.  A crash loses the queue's tail, as it would lose
 * writes a write-through caller had not made yet; what is on the disk is
 * always a prefix.  (A kernel thread could do the writing, but each write
 * would then cost two thread switches, often on another CPU; chaining from
 * the completion costs none.)
 *
 * Why a copy per write and not one dirty buffer per block (what a delayed
 * write, bdirty, does): a block changed twice with other writes between
 * must reach the disk in both versions, the first before those other
 * writes and the second after them, so each version is kept until it is
 * written.  A write to the block at the queue's tail, not yet started,
 * replaces that entry's copy instead: no other write comes between them.
 *
 * Joining.  "After everything before it" is more than most changes need.
 * bwrite_behind_after() is for a write whose caller names the few blocks
 * it really needs on the disk first (soft updates' dependencies).  Such a
 * write may replace the copy in its block's newest entry that has not
 * started, even far from the tail, when every named block's newest entry
 * is ahead of that one (may_join_locked): the change then reaches the disk
 * earlier than its turn, but never before what it needs.  Entries between
 * that one and the tail lose nothing they needed from its old contents: a
 * change undoing that would itself need one of them, and so go last.  Each
 * block remembers its newest unstarted entry (buf->bwb_newest), and
 * entries are numbered in queue order (pos), so the test is a comparison.
 *
 * Waiting on purpose.  Joining needs entries that have not started, so the
 * head waits for the write-back age (bcache_writeback_age_ns, what
 * /proc/sys/vm/dirty_expire_centisecs sets) before it starts; a timer
 * starts it then.  Anyone who waits for the queue (sync, fsync, a writer
 * over the limit) hurries it: w->hurry counts them, and while it is
 * non-zero the head starts at once.  bwrite_behind_start() starts what is
 * queued without waiting (data write-back, whose next batch will wait for
 * the links it just queued).  A crash loses what has
 * not started, at most the age's worth of changes, as on Linux.
 *
 * Costs and limits.  The disk does at most the writes write-through would
 * do, and fewer as writes join; what changes is who waits and when.  The
 * queue may hold at most 1/16 of memory;
 * a writer past that waits for the disk to catch up, so a long stream
 * of changes runs at the disk's pace.  A queued block stays in the cache
 * (the entry holds a reference) so a reread cannot fetch the old contents
 * from the disk.  sync_dev() and bwrite_behind_wait() wait for the queue.
 *
 * Errors.  A write that fails breaks the order the later writes count on,
 * so none of them is written: the queue is dropped, the device's
 * write-behind is marked failed, and every later bwrite_behind() and
 * bwrite_behind_wait() returns the error (-EIO), which fsync and sync pass
 * on.  A kernel message names the block.
 *
 * Locks: each queue's lock (struct bwb) is a leaf but for its wait queue
 * and the timer list's lock (ktimer_arm); it is taken in interrupt context
 * and never held with the cache's lock or while submitting I/O.
 */
#include "block/bcache_internal.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "uapi/errno.h"

#define BWB_MIN_LIMIT (1u << 20)        /* bytes queued before writers wait, at least */

struct bwb_entry {
	struct list_node node;      /* [w] in the queue, oldest first */
	struct blk_request rq;      /* its write, while it is the head */
	struct buf *b;              /* the cached block, referenced until written */
	uint64_t seq;               /* [w] the newest write this entry holds */
	uint64_t pos;               /* [I] its place: entries are numbered in queue order */
	uint64_t born_ns;           /* [I] when it was queued */
	void *data;                 /* [w] the block as that write left it */
};

static size_t
bwb_limit(void)
{
	struct pmm_stats st;
	size_t lim;

	pmm_stats(&st);
	lim = (size_t)(st.total_pages * PAGE_SIZE / 16);
	return lim > BWB_MIN_LIMIT ? lim : BWB_MIN_LIMIT;
}

static void pump(struct bcache *c);

/* The head has waited long enough (interrupt context). */
static void
bwb_timer(void *arg)
{
	struct bcache *c = arg;

	spin_lock(&c->behind.lock);
	c->behind.timer_due = 0;
	spin_unlock(&c->behind.lock);
	pump(c);
}

void
bwb_init(struct bwb *w)
{
	spin_init(&w->lock, "bwb");
	list_init(&w->queue);
	waitq_init(&w->done_wq);
	ktimer_init(&w->timer, bwb_timer, container_of(w, struct bcache, behind));
}

/* ------------------------------------------------------------ the writer */

static void entry_done(struct blk_request *rq);

static void
entry_free(struct bwb_entry *e)
{
	kfree(e->data);
	kfree(e);
}

/*
 * The head entry is finished (written, failed, or dropped after an earlier
 * failure): take it out and wake whoever waits for progress.
 */
static void
finish_head(struct bcache *c, struct bwb_entry *e, int r)
{
	struct bwb *w = &c->behind;

	/*
	 * Let go of the buffer first: whoever waits for this entry may expect
	 * the cache to be free of it (bcache_set_block_size after sync_dev).
	 * Written, the disk has this version; a later version pins it again.
	 */
	bcache_unpin(e->b);
	spin_lock(&w->lock);
	list_remove(&e->node);
	w->busy = false;
	w->bytes -= c->bsize;
	w->entries_done = e->pos;
	if (e->seq > w->done)           /* an entry may hold a write newer than later ones */
		w->done = e->seq;
	if (r && !w->error) {
		w->error = r;
		pr_err("bcache: %s: write of block %llu failed (%d); the writes queued after "
		       "it are dropped to keep the order; check the file system\n",
		       c->dev->name, (unsigned long long)e->rq.sector / c->spb, r);
	}
	waitq_wake_all(&w->done_wq);
	spin_unlock(&w->lock);
	entry_free(e);
}

/*
 * => w->lock held.  Whether the head may start now: someone waits for the
 * queue, a write failed (the rest is dropped at once), or the head has
 * been queued for the write-back age.  If not, set the timer for then.
 */
static bool
head_due_locked(struct bwb *w, struct bwb_entry *e)
{
	uint64_t due = e->born_ns + READ_ONCE(bcache_writeback_age_ns);

	if (w->hurry || w->error || e->pos <= w->due_upto || time_ns() >= due)
		return true;
	if (w->timer_due != due) {
		w->timer_due = due;
		ktimer_arm(&w->timer, due);
	}
	return false;
}

/*
 * Start the head entry if nothing is on the disk and it is due.  Called
 * after queueing, from each completion and from the timer.  One CPU at a
 * time runs the loop (pumping); a completion that arrives meanwhile, even
 * inside blk_submit on this CPU, only finishes its entry and leaves the
 * next start to the loop, which looks again under the lock: no recursion,
 * no lost start.
 */
static void
pump(struct bcache *c)
{
	struct bwb *w = &c->behind;

	spin_lock(&w->lock);
	if (w->pumping) {
		spin_unlock(&w->lock);
		return;
	}
	w->pumping = true;
	while (!w->busy && !list_empty(&w->queue)) {
		struct bwb_entry *e = list_entry(w->queue.next, struct bwb_entry, node);
		int r = w->error;

		if (!head_due_locked(w, e))
			break;
		w->busy = true;         /* the head's copy now belongs to the disk */
		if (e->b->bwb_newest == e)
			e->b->bwb_newest = NULL;   /* no later write may join it */
		spin_unlock(&w->lock);
		if (r == 0) {
			e->rq.op = BLK_OP_WRITE;
			e->rq.sector = e->b->blockno * c->spb;
			e->rq.count = c->spb;
			e->rq.nseg = 1;
			e->rq.seg[0] = (struct blk_seg){ e->data, c->bsize };
			e->rq.done = entry_done;
			e->rq.private = c;
			r = blk_submit(c->dev, &e->rq);
		}
		if (r)
			finish_head(c, e, r);
		spin_lock(&w->lock);
	}
	w->pumping = false;
	spin_unlock(&w->lock);
}

/* A write finished (often in interrupt context): next, please. */
static void
entry_done(struct blk_request *rq)
{
	struct bcache *c = rq->private;

	finish_head(c, container_of(rq, struct bwb_entry, rq), rq->status);
	pump(c);
}

/* ------------------------------------------------------------ the interface */

/* Wait while the queue is over its limit.  => 0 or the queue's error. */
static int
throttle(struct bcache *c)
{
	struct bwb *w = &c->behind;
	size_t limit = READ_ONCE(w->limit) ? 0 : bwb_limit();   /* the first time */
	int r;

	spin_lock(&w->lock);
	if (limit)
		w->limit = limit;
	if (w->bytes < w->limit || w->error) {
		r = w->error;
		spin_unlock(&w->lock);
		return r;
	}
	w->hurry++;                     /* full: the queue runs now, whatever its age */
	spin_unlock(&w->lock);
	pump(c);
	spin_lock(&w->lock);
	while (w->bytes >= w->limit && !w->error)
		waitq_sleep(&w->done_wq, &w->lock, 0, false);
	w->hurry--;
	r = w->error;
	spin_unlock(&w->lock);
	return r;
}

/* Where b is on the lazy list, or -1. */
static int
lazy_index_locked(const struct bwb *w, const struct buf *b)
{
	for (unsigned i = 0; i < w->nlazy; i++)
		if (w->lazy[i] == b)
			return (int)i;
	return -1;
}

/* If b waits as a lazy block, take it off the list.  => whether it was there (pinned). */
static bool
lazy_forget_locked(struct bwb *w, struct buf *b)
{
	int i = lazy_index_locked(w, b);

	if (i >= 0)
		w->lazy[i] = w->lazy[--w->nlazy];
	return i >= 0;
}

/* What a new write of a block must come after. */
struct after {
	bool all;               /* every write queued before it (bwrite_behind) */
	struct buf **deps;      /* else these blocks' writes so far (pinned, or NULL: not cached) */
	unsigned n;
};

/*
 * => w->lock held.  May b's new contents join its newest unstarted entry
 * e instead of going last?  At the tail, always: nothing is queued after
 * it.  Further back only when every block the change needs is written by
 * an entry ahead of e (or started, or not queued at all): the disk then
 * never holds the change without what it needs, and whatever the entries
 * between e and the tail needed from e's old contents is still there,
 * since a change undoing it would itself need one of them (and so could
 * not join e).
 */
static bool
may_join_locked(struct bwb *w, struct bwb_entry *e, const struct after *a)
{
	if (!e)
		return false;
	if (&e->node == w->queue.prev)
		return true;
	if (a->all)
		return false;
	for (unsigned i = 0; i < a->n; i++) {
		struct bwb_entry *d = a->deps[i] ? a->deps[i]->bwb_newest : NULL;

		if (d && d->pos > e->pos)
			return false;
	}
	return true;
}

/* => w->lock held.  Entry e, not started, took a write of its block: count it. */
static void
joined_locked(struct bwb *w, struct bwb_entry *e)
{
	e->seq = ++w->queued;
	if (&e->node == w->queue.prev)
		w->merged++;
	else
		w->coalesced++;
}

/*
 * Queue b's contents (b held, already updated).  fresh is a spare entry,
 * used unless an entry of b can take the write (above); it is consumed
 * (set to NULL) when used.  => 0 or the queue's error.
 *
 * The block is copied into fresh before the lock: the completion
 * interrupt takes the same lock on the CPU the disk interrupts, and a
 * block copy inside it kept that CPU spinning (a fifth of the busy time
 * in a create-and-unlink loop).  A join then swaps the two copies'
 * buffers, and fresh leaves with the old one.
 */
static int
enqueue(struct bcache *c, struct buf *b, struct bwb_entry **fresh, const struct after *a)
{
	struct bwb *w = &c->behind;
	struct bwb_entry *e;
	bool pinned = false, lazy_pin;
	int r;

	memcpy((*fresh)->data, b->data, c->bsize);      /* b is held: it cannot change */
	bcache_pin(b);          /* for the new entry; given back if none is made */
	spin_lock(&w->lock);
	lazy_pin = lazy_forget_locked(w, b);    /* this copy carries the lazy change */
	if ((r = w->error) != 0)
		goto out;
	e = b->bwb_newest;
	if (may_join_locked(w, e, a)) {
		void *older = e->data;          /* not started: nobody else uses it */

		e->data = (*fresh)->data;
		(*fresh)->data = older;
		joined_locked(w, e);
		goto out;
	}
	e = *fresh;
	*fresh = NULL;
	e->b = b;
	e->seq = ++w->queued;
	e->pos = ++w->entries;
	e->born_ns = time_ns();
	b->bwb_newest = e;
	pinned = true;
	list_push_back(&w->queue, &e->node);
	w->bytes += c->bsize;
out:
	spin_unlock(&w->lock);
	if (!pinned)
		bcache_unpin(b);
	if (lazy_pin)
		bcache_unpin(b);
	return r;
}

static struct bwb_entry *
entry_new(uint32_t bsize)
{
	struct bwb_entry *e = kzalloc(sizeof(*e));

	if (e && !(e->data = kmalloc(bsize))) {
		kfree(e);
		e = NULL;
	}
	return e;
}

/* Without a queue entry (no memory): write through, after the queue. */
static int
write_through(struct buf *b)
{
	int r = bwrite_behind_wait(b->dev);

	return r ? r : bwrite_ordered(b);
}

static const struct after after_all = { .all = true };

/* What a write changes: len bytes at off of the block, from data. */
struct change {
	uint32_t off, len;
	const void *data;
};

/*
 * Only part of b changed (ch): join b's newest unstarted entry by copying
 * just that part, when it may (may_join_locked), with no new entry and no
 * copy of the whole block.  A lazy change in b is not carried along: b
 * stays on the lazy list.  => 0 (joined), the queue's error, or -EAGAIN
 * (not joined: queue a whole copy).
 */
static int
join_part(struct bcache *c, struct buf *b, const struct after *a, const struct change *ch)
{
	struct bwb *w = &c->behind;
	struct bwb_entry *e;
	int r = -EAGAIN;

	spin_lock(&w->lock);
	e = b->bwb_newest;
	if (w->error) {
		r = w->error;
	} else if (may_join_locked(w, e, a)) {
		memcpy((uint8_t *)e->data + ch->off, (const uint8_t *)b->data + ch->off, ch->len);
		joined_locked(w, e);
		r = 0;
	}
	spin_unlock(&w->lock);
	return r;
}

/* Queue held buffer b's contents after change ch as an ordered write (or write it through). */
static int
queue_held(struct bcache *c, struct buf *b, const struct after *a, const struct change *ch)
{
	struct bwb_entry *fresh;
	int r;

	if (ch && ch->len < c->bsize && (r = join_part(c, b, a, ch)) != -EAGAIN)
		return r;
	fresh = entry_new(c->bsize);
	r = fresh ? enqueue(c, b, &fresh, a) : write_through(b);
	if (fresh)                      /* merged into the tail: not used */
		entry_free(fresh);
	return r;
}

/*
 * The cache's copy of blockno, held, with the change made in it.  A whole
 * block needs no read; a part changes the cached block (read first if it
 * is not cached).  => the buffer or an ERR_PTR.
 */
static struct buf *
cache_block(struct bcache *c, uint64_t blockno, const struct change *ch)
{
	bool whole = ch->off == 0 && ch->len == c->bsize;
	struct buf *b;

	if (ch->off > c->bsize || ch->len > c->bsize - ch->off)
		return ERR_PTR(-EINVAL);
	b = whole ? bget(c->dev, blockno) : bread(c->dev, blockno);
	if (!IS_ERR(b)) {
		memcpy((uint8_t *)b->data + ch->off, ch->data, ch->len);
		bcache_mark_valid(b);
	}
	return b;
}

static int
write_behind(struct blkdev *dev, uint64_t blockno, const struct change *ch, const struct after *a)
{
	struct bcache *c = bcache_of(dev);
	struct buf *b;
	int r;

	if (!c)
		return -ENOMEM;
	if (dev->readonly)
		return -EROFS;
	if ((r = throttle(c)) != 0)
		return r;
	b = cache_block(c, blockno, ch);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	r = queue_held(c, b, a, ch);
	brelse(b);
	pump(c);
	return r;
}

/* The whole block, from data. */
static struct change
whole(struct blkdev *dev, const void *data)
{
	struct bcache *c = bcache_of(dev);

	return (struct change){ 0, c ? c->bsize : 0, data };
}

int
bwrite_behind(struct blkdev *dev, uint64_t blockno, const void *data)
{
	struct change ch = whole(dev, data);

	return write_behind(dev, blockno, &ch, &after_all);
}

#define BWB_DEPS_MAX 8

/* After deps[0..n), or after everything (all). */
static int
write_after(struct blkdev *dev, uint64_t blockno, const struct change *ch, bool all,
	    const uint64_t *deps, unsigned n)
{
	struct bcache *c = bcache_of(dev);
	struct buf *pinned[BWB_DEPS_MAX];
	struct after a = { .all = all || n > BWB_DEPS_MAX, .deps = pinned, .n = n };
	int r;

	if (!c)
		return -ENOMEM;
	for (unsigned i = 0; i < n && !a.all; i++)      /* pinned: their entries stay put */
		pinned[i] = deps[i] == blockno ? NULL : bcache_peek_pin(c, deps[i]);
	r = write_behind(dev, blockno, ch, &a);
	for (unsigned i = 0; i < n && !a.all; i++)
		if (pinned[i])
			bcache_unpin(pinned[i]);
	return r;
}

int
bwrite_behind_after(struct blkdev *dev, uint64_t blockno, const void *data,
		    const uint64_t *deps, unsigned n)
{
	struct change ch = whole(dev, data);

	return write_after(dev, blockno, &ch, false, deps, n);
}

int
bpatch_behind(struct blkdev *dev, uint64_t blockno, uint32_t off, uint32_t len,
	      const void *data, const uint64_t *deps, unsigned n)
{
	struct change ch = { off, len, data };

	return write_after(dev, blockno, &ch, deps == NULL, deps, n);
}

/*
 * Lazy blocks.  A change whose order does not matter still must not reach
 * the disk before the ordered changes already made to the same block
 * (the block holds both), so it never goes out on its own: it rides with
 * the block's next ordered write, or is queued, as the block is then, by
 * sync_dev.  Writing a block's current contents at the queue's tail is
 * always safe: every ordered change in it is already queued before.
 */
static int
write_lazy(struct blkdev *dev, uint64_t blockno, const struct change *ch)
{
	struct bcache *c = bcache_of(dev);
	struct bwb *w;
	struct buf *b;
	bool listed, kept = false;
	int r;

	if (!c)
		return -ENOMEM;
	if (dev->readonly)
		return -EROFS;
	w = &c->behind;
	b = cache_block(c, blockno, ch);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	bcache_pin(b);                          /* the list's reference, if it takes b */
	spin_lock(&w->lock);
	listed = lazy_index_locked(w, b) >= 0;  /* already waiting, already pinned */
	if ((r = w->error) == 0 && !listed && w->nlazy < BWB_LAZY_MAX) {
		w->lazy[w->nlazy++] = b;
		kept = true;
	}
	spin_unlock(&w->lock);
	if (!kept)
		bcache_unpin(b);
	if (!kept && !listed && r == 0)
		r = queue_held(c, b, &after_all, NULL);     /* the list is full: in order, now */
	brelse(b);
	pump(c);
	return r;
}

int
bwrite_lazy(struct blkdev *dev, uint64_t blockno, const void *data)
{
	struct change ch = whole(dev, data);

	return write_lazy(dev, blockno, &ch);
}

int
bpatch_lazy(struct blkdev *dev, uint64_t blockno, uint32_t off, uint32_t len, const void *data)
{
	struct change ch = { off, len, data };

	return write_lazy(dev, blockno, &ch);
}

void
bwb_push_lazy(struct bcache *c)
{
	struct bwb *w = &c->behind;

	for (;;) {
		struct buf *b = NULL, *h;

		spin_lock(&w->lock);
		if (w->nlazy)
			b = w->lazy[--w->nlazy];
		spin_unlock(&w->lock);
		if (!b)
			break;
		h = bget(c->dev, b->blockno);   /* b itself: pinned, so still cached */
		if (!IS_ERR(h)) {
			(void)queue_held(c, h, &after_all, NULL);   /* an error stays in w->error */
			brelse(h);
		}
		bcache_unpin(b);
	}
	pump(c);
}

void
bwrite_behind_start(struct blkdev *dev)
{
	struct bcache *c = READ_ONCE(dev->cache);

	if (!c)
		return;
	spin_lock(&c->behind.lock);
	c->behind.due_upto = c->behind.entries;
	spin_unlock(&c->behind.lock);
	pump(c);
}

int
bwrite_behind_wait(struct blkdev *dev)
{
	struct bcache *c = READ_ONCE(dev->cache);
	struct bwb *w;
	uint64_t upto;
	int r;

	if (!c)
		return 0;
	w = &c->behind;
	spin_lock(&w->lock);
	upto = w->entries;              /* every write so far is in one of these */
	w->hurry++;
	spin_unlock(&w->lock);
	pump(c);                        /* the head need not wait for its age now */
	spin_lock(&w->lock);
	while (w->entries_done < upto && !list_empty(&w->queue))
		waitq_sleep(&w->done_wq, &w->lock, 0, false);
	w->hurry--;
	r = w->error;
	spin_unlock(&w->lock);
	return r;
}

void
bwrite_behind_stats(struct blkdev *dev, struct bwb_stats *st)
{
	struct bcache *c = READ_ONCE(dev->cache);
	struct bwb *w;

	memset(st, 0, sizeof(*st));
	if (!c)
		return;
	w = &c->behind;
	spin_lock(&w->lock);
	st->queued = w->queued;
	st->done = w->done;
	st->merged = w->merged;
	st->coalesced = w->coalesced;
	st->bytes = w->bytes;
	st->limit = w->limit;
	st->lazy = w->nlazy;
	st->error = w->error;
	spin_unlock(&w->lock);
}
