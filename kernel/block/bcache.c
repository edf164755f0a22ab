// SPDX-License-Identifier: MIT
/*
 * The buffer cache: lookup, holding and replacement.  (bcache_io.c moves
 * the data: reads, read-ahead, write-back, sync.)
 *
 * Each device's cache is a hash table of buffers keyed by block number,
 * an LRU list and a dirty list.  A buffer is in one of these states:
 *
 *            bread/bget                        brelse
 *   on LRU  ------------> held (B_BUSY, refcnt>0) ------> on LRU (refcnt 0)
 *   (refcnt 0)              |  ^                           (hot end; the cold
 *     |  ^                  |  | I/O done                   end if freed behind)
 *     |  | I/O done         v  |
 *     |  +------------- I/O in flight (B_BUSY, the I/O's reference)
 *     |  read-ahead, write-back take unheld buffers
 *     v
 *   evicted: reused for another block (clean ones only, coldest first)
 *
 * This is the classic Unix getblk() design.  The LRU list holds exactly
 * the buffers nobody holds, coldest first, so replacement takes the first
 * clean one from the front.  A dirty buffer is never reused before it is
 * written; when only dirty ones are left, write-back is started and the
 * thread waits.  When every buffer is held, the cache grows past its
 * capacity rather than deadlock (a thread may legitimately hold many).
 *
 * The road to a unified buffer/page cache: a buffer is keyed by (device,
 * block) and its memory is either a whole page (4 KiB blocks) or a
 * sub-page slab object.  Unifying means giving the memory to the page
 * cache instead: keep pages keyed by (device, page index), and make a
 * buffer a view of bsize bytes at offset (block * bsize) % PAGE_SIZE of
 * its page, as Linux's buffer_heads are.  bread() then becomes "find or
 * read the page, return the view", and the LRU and write-back move to the
 * page level.  The interface above (bread/bdirty/bwrite_sync/brelse) does
 * not change.
 */
#include "block/bcache_internal.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/timer.h"
#include "uapi/errno.h"

static struct list_node *
bucket(struct bcache *c, uint64_t blk)
{
	return &c->hash[(blk * 0x9E3779B97F4A7C15ull) >> 56 & (BC_HASH - 1)];
}

static struct buf *
hash_find_locked(struct bcache *c, uint64_t blk)
{
	list_for_each(n, bucket(c, blk)) {
		struct buf *b = list_entry(n, struct buf, hash_node);

		if (b->blockno == blk)
			return b;
	}
	return NULL;
}

static struct bcache *
cache_new(struct blkdev *dev)
{
	struct bcache *c = kzalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->dev = dev;
	spin_init(&c->lock, "bcache");
	c->bsize = BC_DEFAULT_BSIZE;
	c->spb = BC_DEFAULT_BSIZE / BLK_SECTOR_SIZE;
	c->capacity = BC_DEFAULT_CAP;
	c->free_behind_run = BC_DEFAULT_CAP / 4;
	for (int i = 0; i < BC_HASH; i++)
		list_init(&c->hash[i]);
	list_init(&c->lru);
	list_init(&c->dirty);
	ra_init(&c->ra);
	waitq_init(&c->free_wq);
	bwb_init(&c->behind);
	return c;
}

/* Protects the list of caches and each device's cache pointer.  Leaf. */
static struct spinlock caches_lock = SPINLOCK_INIT("bcache_list");
#define BC_MAX_CACHES 64
static struct bcache *caches[BC_MAX_CACHES];    /* [caches_lock] */
static unsigned ncaches;                        /* [caches_lock] */

struct bcache *
bcache_of(struct blkdev *dev)
{
	struct bcache *c = READ_ONCE(dev->cache), *fresh;

	if (c)
		return c;
	fresh = cache_new(dev);
	if (!fresh)
		return NULL;
	spin_lock(&caches_lock);
	if (!dev->cache && ncaches < BC_MAX_CACHES) {
		caches[ncaches++] = fresh;
		WRITE_ONCE(dev->cache, fresh);
		fresh = NULL;
	}
	c = dev->cache;
	spin_unlock(&caches_lock);
	kfree(fresh);
	return c;
}

unsigned
bcache_list(struct bcache **out, unsigned max)
{
	unsigned n;

	spin_lock(&caches_lock);
	n = MIN(ncaches, max);
	memcpy(out, caches, n * sizeof(*out));
	spin_unlock(&caches_lock);
	return n;
}

/* ------------------------------------------------------------ holding */

static void
hold_locked(struct buf *b)
{
	if (b->refcnt++ == 0)
		list_remove(&b->lru_node);
}

/* => c->lock held; it is dropped while asleep. */
static void
wait_unbusy_locked(struct bcache *c, struct buf *b)
{
	while (b->flags & B_BUSY)
		waitq_sleep(&b->wq, &c->lock, 0, false);
}

void
bcache_unhold_locked(struct bcache *c, struct buf *b, bool cold)
{
	if (--b->refcnt > 0)
		return;
	if (cold)
		list_push_front(&c->lru, &b->lru_node);
	else
		list_push_back(&c->lru, &b->lru_node);
	waitq_wake_all(&c->free_wq);
}

/* A queued write-behind holds a reference, as a holder does, but not B_BUSY. */
void
bcache_pin(struct buf *b)
{
	struct bcache *c = b->cache;

	spin_lock(&c->lock);
	b->refcnt++;            /* b is held: already off the LRU */
	spin_unlock(&c->lock);
}

struct buf *
bcache_peek_pin(struct bcache *c, uint64_t blk)
{
	struct buf *b;

	spin_lock(&c->lock);
	if ((b = hash_find_locked(c, blk)) != NULL)
		hold_locked(b);
	spin_unlock(&c->lock);
	return b;
}

void
bcache_unpin(struct buf *b)
{
	struct bcache *c = b->cache;

	spin_lock(&c->lock);
	bcache_unhold_locked(c, b, false);
	spin_unlock(&c->lock);
}

void
bcache_mark_valid(struct buf *b)
{
	struct bcache *c = b->cache;

	spin_lock(&c->lock);
	b->flags |= B_VALID;
	spin_unlock(&c->lock);
}

void
bcache_clean_locked(struct bcache *c, struct buf *b)
{
	if (!(b->flags & B_DIRTY))
		return;
	b->flags &= ~B_DIRTY;
	list_remove(&b->dirty_node);
	c->ndirty--;
}

/* ------------------------------------------------------------ replacement */

static struct buf *
buf_new_locked(struct bcache *c)
{
	struct buf *b = kzalloc(sizeof(*b));

	if (!b)
		return NULL;
	b->data = kmalloc(c->bsize);
	if (!b->data) {
		kfree(b);
		return NULL;
	}
	b->cache = c;
	b->dev = c->dev;
	list_init(&b->hash_node);
	list_init(&b->lru_node);
	list_init(&b->dirty_node);
	waitq_init(&b->wq);
	c->nbuf++;
	return b;
}

/* The coldest clean buffer nobody holds, taken out of the cache; or NULL. */
static struct buf *
evict_locked(struct bcache *c)
{
	list_for_each(n, &c->lru) {
		struct buf *b = list_entry(n, struct buf, lru_node);

		if (b->flags & B_DIRTY)
			continue;
		list_remove(&b->lru_node);
		list_remove(&b->hash_node);
		c->stats.evictions++;
		return b;
	}
	return NULL;
}

/* Give blk a buffer, held (B_BUSY, refcnt 1) and in the hash.  NULL if none. */
static struct buf *
install_locked(struct bcache *c, uint64_t blk, bool may_grow)
{
	struct buf *b = NULL;

	if (c->nbuf < c->capacity)
		b = buf_new_locked(c);
	if (!b)
		b = evict_locked(c);
	if (!b && may_grow)
		b = buf_new_locked(c);
	if (!b)
		return NULL;
	b->blockno = blk;
	b->flags = B_BUSY;
	b->refcnt = 1;
	b->error = 0;
	list_push_back(bucket(c, blk), &b->hash_node);
	return b;
}

#define BC_WB_ROUNDS 8      /* write-back attempts before growing instead */

static bool
lru_has_dirty_locked(struct bcache *c)
{
	list_for_each(n, &c->lru)
		if (list_entry(n, struct buf, lru_node)->flags & B_DIRTY)
			return true;
	return false;
}

/*
 * Find or make the buffer for blk and hold it.  When no buffer can be
 * reused: write back unheld dirty ones and wait, wait for I/O in flight to
 * release some, and only when every buffer is held by a thread (or writes
 * keep failing, so dirty buffers cannot be cleaned), grow.
 */
static struct buf *
getblk(struct bcache *c, uint64_t blk)
{
	struct buf *b;
	int rounds = 0;

	spin_lock(&c->lock);
	for (;;) {
		if ((b = hash_find_locked(c, blk)) != NULL) {
			hold_locked(b);
			wait_unbusy_locked(c, b);
			b->flags |= B_BUSY;
			break;
		}
		if ((b = install_locked(c, blk, false)) != NULL)
			break;
		if (rounds++ < BC_WB_ROUNDS && lru_has_dirty_locked(c)) {
			spin_unlock(&c->lock);
			bcache_writeback_some(c, 16, 0);
			spin_lock(&c->lock);
		} else if (c->io_held) {
			waitq_sleep(&c->free_wq, &c->lock, 0, false);
		} else if ((b = install_locked(c, blk, true)) != NULL) {
			break;
		} else {
			break;                                  /* out of memory */
		}
	}
	spin_unlock(&c->lock);
	return b;
}

struct buf *
bcache_grab_for_readahead(struct bcache *c, uint64_t blk)
{
	struct buf *b = NULL;

	spin_lock(&c->lock);
	if (!hash_find_locked(c, blk) && (b = install_locked(c, blk, false)) != NULL) {
		b->flags |= B_RA;
		c->io_held++;
	}
	spin_unlock(&c->lock);
	return b;
}

/* ------------------------------------------------------------ the interface */

static int
check_block(struct bcache *c, uint64_t blk)
{
	uint64_t n = c->dev->nsectors / c->spb;

	return blk < n ? 0 : -EINVAL;
}

static struct buf *
get_common(struct blkdev *dev, uint64_t blk, bool read)
{
	struct bcache *c = bcache_of(dev);
	uint64_t ra_start = 0, ra_end = 0;
	struct buf *b;
	int r;

	if (!c)
		return ERR_PTR(-ENOMEM);
	if (check_block(c, blk))
		return ERR_PTR(-EINVAL);
	if (read) {
		spin_lock(&c->lock);
		ra_access(&c->ra, blk, BC_RA_MAX, c->dev->nsectors / c->spb, &ra_start, &ra_end);
		c->stats.ra_window = c->ra.window;
		spin_unlock(&c->lock);
	}
	b = getblk(c, blk);
	if (!b)
		return ERR_PTR(-ENOMEM);
	/* Start the read-ahead first, so it travels together with our own read. */
	if (ra_end > ra_start)
		bcache_readahead(c, ra_start, ra_end);
	if (!read)
		return b;
	spin_lock(&c->lock);
	if (b->flags & B_VALID)
		c->stats.hits++;
	else
		c->stats.misses++;
	if (b->flags & B_RA)
		c->stats.ra_hits++;
	b->flags &= ~B_RA;
	if (ra_free_behind(&c->ra, c->free_behind_run))
		b->flags |= B_BEHIND;
	spin_unlock(&c->lock);
	if (!(b->flags & B_VALID) && (r = bcache_read_sync(c, b)) != 0) {
		brelse(b);
		return ERR_PTR(r);
	}
	return b;
}

struct buf *
bread(struct blkdev *dev, uint64_t blockno)
{
	return get_common(dev, blockno, true);
}

struct buf *
bget(struct blkdev *dev, uint64_t blockno)
{
	return get_common(dev, blockno, false);
}

void
bdirty(struct buf *b)
{
	struct bcache *c = b->cache;

	spin_lock(&c->lock);
	if (!(b->flags & B_DIRTY)) {
		b->flags |= B_DIRTY;
		b->dirty_ns = time_ns();
		list_push_back(&c->dirty, &b->dirty_node);
		c->ndirty++;
	}
	b->flags |= B_VALID;
	spin_unlock(&c->lock);
}

void
brelse(struct buf *b)
{
	struct bcache *c = b->cache;
	bool cold;

	spin_lock(&c->lock);
	cold = (b->flags & B_BEHIND) && !(b->flags & B_DIRTY);
	if (cold)
		c->stats.freed_behind++;
	b->flags &= ~(B_BUSY | B_BEHIND);
	waitq_wake_all(&b->wq);
	bcache_unhold_locked(c, b, cold);
	spin_unlock(&c->lock);
}

/* ------------------------------------------------------------ administration */

int
bcache_set_block_size(struct blkdev *dev, uint32_t size)
{
	struct bcache *c = bcache_of(dev);
	struct list_node gone = LIST_INIT(gone);
	unsigned unheld = 0;

	if (!c)
		return -ENOMEM;
	if (size < BLK_SECTOR_SIZE || size > PAGE_SIZE || (size & (size - 1)))
		return -EINVAL;
	sync_dev(dev);
	spin_lock(&c->lock);
	list_for_each(n, &c->lru)
		unheld++;
	if (unheld != c->nbuf || c->ndirty) {
		spin_unlock(&c->lock);
		return -EBUSY;
	}
	while (!list_empty(&c->lru)) {
		struct buf *b = list_entry(list_pop_front(&c->lru), struct buf, lru_node);

		list_remove(&b->hash_node);
		list_push_back(&gone, &b->lru_node);
	}
	c->nbuf = 0;
	c->bsize = size;
	c->spb = size / BLK_SECTOR_SIZE;
	ra_init(&c->ra);
	spin_unlock(&c->lock);
	while (!list_empty(&gone)) {
		struct buf *b = list_entry(list_pop_front(&gone), struct buf, lru_node);

		kfree(b->data);
		kfree(b);
	}
	return 0;
}

uint32_t
bcache_block_size(struct blkdev *dev)
{
	struct bcache *c = bcache_of(dev);

	return c ? c->bsize : 0;
}

int
bcache_set_limits(struct blkdev *dev, unsigned capacity, unsigned free_behind_run)
{
	struct bcache *c = bcache_of(dev);

	if (!c)
		return -ENOMEM;
	if (capacity < 8)
		return -EINVAL;
	spin_lock(&c->lock);
	c->capacity = capacity;
	c->free_behind_run = free_behind_run;
	spin_unlock(&c->lock);
	return 0;
}

bool
bcache_cached(struct blkdev *dev, uint64_t blockno)
{
	struct bcache *c = bcache_of(dev);
	struct buf *b;
	bool yes;

	if (!c)
		return false;
	spin_lock(&c->lock);
	b = hash_find_locked(c, blockno);
	yes = b && (b->flags & B_VALID);
	spin_unlock(&c->lock);
	return yes;
}

void
bcache_get_stats(struct blkdev *dev, struct bcache_stats *st)
{
	struct bcache *c = bcache_of(dev);

	memset(st, 0, sizeof(*st));
	if (!c)
		return;
	spin_lock(&c->lock);
	*st = c->stats;
	st->nbuf = c->nbuf;
	st->capacity = c->capacity;
	st->dirty = c->ndirty;
	spin_unlock(&c->lock);
}
