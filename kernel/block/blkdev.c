// SPDX-License-Identifier: MIT
/*
 * Block devices: the registry and the per-disk request queue.
 *
 * Life of a request:
 *
 *   blk_submit ──check──> queue (elevator order) ──dispatch──> driver submit()
 *        │                      ^                                   │
 *        │ bad range: -EINVAL   │ -EBUSY: hardware full             │ interrupt
 *        v                      └───────────────────────────────────┤
 *    (nothing changed)                                              v
 *                    done() <── blk_complete: count it, dispatch the next
 *
 * A disk has at most max_inflight requests in the driver's hands; the
 * others wait on its queue.  Completion makes room, so blk_complete() starts
 * the next waiting request before it calls done(): the disk is kept busy
 * even while the submitter is still waking up.  That is interrupt-driven
 * I/O with requests in flight: nobody polls, and a thread issuing several
 * requests (read-ahead, write-back) has them all travelling at once.
 *
 * Locks, in order: notify_mutex (calls to listeners such as devfs) ->
 * blkdev_mutex (the registry list) -> qlock (one disk's queue and
 * counters; taken in interrupt context too) -> waitq locks.  No lock is held while a driver's submit() or a request's
 * done() runs, so drivers may call back into the block layer freely.
 */
#include "block/blk.h"
#include "block/internal.h"
#include "block/bcache.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sync/mutex.h"
#include "uapi/errno.h"

#define BLKEXT_MAJOR 259   /* Linux's major for partitions past the disk's minors */
#define PART_MINORS  16    /* minors a disk reserves: itself and 15 partitions */

/*
 * notify_mutex serializes calls to listeners and guards the listener list;
 * it is taken before blkdev_mutex, which guards the device list and device
 * numbers and is never held while foreign code runs.
 */
static struct mutex notify_mutex = MUTEX_INIT(notify_mutex);
static struct mutex blkdev_mutex = MUTEX_INIT(blkdev_mutex);
static struct list_node blkdevs = LIST_INIT(blkdevs);        /* [blkdev_mutex] */
static struct list_node listeners = LIST_INIT(listeners);    /* [notify_mutex] */
static uint32_t next_ext_minor;                              /* [blkdev_mutex] */

void
blk_init(void)
{
	bcache_writeback_start();
}

/* The device called name, or d itself if it is already registered. */
static struct blkdev *
find_locked(const char *name, const struct blkdev *self)
{
	list_for_each(n, &blkdevs) {
		struct blkdev *d = list_entry(n, struct blkdev, list_node);

		if (strcmp(d->name, name) == 0 || d == self)
			return d;
	}
	return NULL;
}

struct blkdev *
blkdev_find(const char *name)
{
	struct blkdev *d;

	mutex_lock(&blkdev_mutex);
	d = find_locked(name, NULL);
	mutex_unlock(&blkdev_mutex);
	return d;
}

struct blkdev *
blkdev_find_devt(uint32_t major, uint32_t minor)
{
	struct blkdev *found = NULL;

	mutex_lock(&blkdev_mutex);
	list_for_each(n, &blkdevs) {
		struct blkdev *d = list_entry(n, struct blkdev, list_node);

		if (d->major == major && d->minor == minor) {
			found = d;
			break;
		}
	}
	mutex_unlock(&blkdev_mutex);
	return found;
}

/* The i-th device registered, or NULL.  Devices are never removed. */
static struct blkdev *
nth_device(unsigned i)
{
	struct blkdev *found = NULL;

	mutex_lock(&blkdev_mutex);
	list_for_each(n, &blkdevs) {
		if (i-- == 0) {
			found = list_entry(n, struct blkdev, list_node);
			break;
		}
	}
	mutex_unlock(&blkdev_mutex);
	return found;
}

/* No registry lock is held while fn runs, so it may look devices up. */
int
blkdev_for_each(int (*fn)(struct blkdev *d, void *arg), void *arg)
{
	struct blkdev *d;
	int r = 0;

	for (unsigned i = 0; r == 0 && (d = nth_device(i)) != NULL; i++)
		r = fn(d, arg);
	return r;
}

/*
 * => notify_mutex held.  Bring l up to date.  Devices are only ever
 * appended, so "told" (how many l has heard of) names the next one.
 */
static void
announce_locked(struct blkdev_listener *l)
{
	struct blkdev *d;

	while ((d = nth_device(l->told)) != NULL) {
		l->told++;
		l->added(d, l->arg);
	}
}

void
blkdev_listen(struct blkdev_listener *l)
{
	mutex_lock(&notify_mutex);
	l->told = 0;
	list_push_back(&listeners, &l->node);
	announce_locked(l);
	mutex_unlock(&notify_mutex);
}

void
blkdev_unlisten(struct blkdev_listener *l)
{
	mutex_lock(&notify_mutex);
	list_remove(&l->node);
	mutex_unlock(&notify_mutex);
}

static void
announce_all(void)
{
	mutex_lock(&notify_mutex);
	list_for_each(n, &listeners)
		announce_locked(list_entry(n, struct blkdev_listener, node));
	mutex_unlock(&notify_mutex);
}

static void
queue_init(struct blkdev *d)
{
	spin_init(&d->qlock, d->name);
	list_init(&d->queue);
	list_init(&d->list_node);
	d->head_pos = 0;
	memset(&d->stats, 0, sizeof(d->stats));
}

/*
 * Add d to the registry, then tell the listeners.  Nothing in d is touched
 * before the name is known to be free: a second registration of a device
 * already on the list must not re-initialize its list node or queue.
 * => 0 or -EEXIST.
 */
static int
registry_add(struct blkdev *d)
{
	mutex_lock(&blkdev_mutex);
	if (find_locked(d->name, d)) {
		mutex_unlock(&blkdev_mutex);
		return -EEXIST;
	}
	queue_init(d);
	if (d->parent) {
		if (d->partno < PART_MINORS) {
			d->major = d->parent->major;
			d->minor = d->parent->minor + (uint32_t)d->partno;
		} else {
			d->major = BLKEXT_MAJOR;
			d->minor = next_ext_minor++;
		}
	}
	list_push_back(&blkdevs, &d->list_node);
	mutex_unlock(&blkdev_mutex);
	announce_all();
	return 0;
}

int
blkdev_register(struct blkdev *d)
{
	int r;

	if (!d->name[0] || !d->ops || !d->ops->submit || d->max_inflight == 0 ||
	    d->sector_size != BLK_SECTOR_SIZE || d->nsectors == 0)
		return -EINVAL;
	if (d->parent || d->start || d->partno)
		return -EINVAL;                     /* partitions are the block layer's */
	r = registry_add(d);
	if (r)
		return r;
	pr_info("blk: %s: %llu sectors (%llu MiB)%s%s\n", d->name,
		(unsigned long long)d->nsectors,
		(unsigned long long)(blkdev_bytes(d) >> 20),
		d->readonly ? ", read-only" : "", d->write_cache ? ", write cache" : "");
	blk_scan_partitions(d);
	return 0;
}

int
blkdev_register_partition(struct blkdev *disk, int partno, uint64_t start, uint64_t count)
{
	struct blkdev *p = kzalloc(sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	/* Linux names: sda1, but nvme0n1p1 when the disk name ends in a digit. */
	ksnprintf(p->name, sizeof(p->name), "%s%s%d", disk->name,
		  disk->name[strlen(disk->name) - 1] >= '0' &&
		  disk->name[strlen(disk->name) - 1] <= '9' ? "p" : "", partno);
	p->sector_size = disk->sector_size;
	p->nsectors = count;
	p->readonly = disk->readonly;
	p->write_cache = disk->write_cache;
	p->max_sectors = disk->max_sectors;
	p->max_segs = disk->max_segs;
	p->max_inflight = disk->max_inflight;
	p->parent = disk;
	p->start = start;
	p->partno = partno;
	r = registry_add(p);
	if (r) {
		kfree(p);
		return r;
	}
	pr_info("blk: %s: sectors %llu-%llu (%llu KiB)\n", p->name, (unsigned long long)start,
		(unsigned long long)(start + count - 1), (unsigned long long)(count >> 1));
	return 0;
}

/* ------------------------------------------------------------ requests */

static int
check_request(const struct blkdev *d, const struct blk_request *rq)
{
	uint64_t bytes = 0;

	if (rq->op == BLK_OP_FLUSH)
		return rq->count == 0 && rq->nseg == 0 ? 0 : -EINVAL;
	if (rq->op != BLK_OP_READ && rq->op != BLK_OP_WRITE)
		return -EINVAL;
	if (rq->count == 0 || rq->nseg == 0 || rq->nseg > blk_max_segs(d))
		return -EINVAL;
	if (d->max_sectors && rq->count > d->max_sectors)
		return -EINVAL;
	for (unsigned i = 0; i < rq->nseg; i++) {
		const struct blk_seg *s = &rq->seg[i];

		if (!s->len || s->len % d->sector_size || !arch_virt_is_linear(s->buf) ||
		    !arch_virt_is_linear((const char *)s->buf + s->len - 1))
			return -EINVAL;
		bytes += s->len;
	}
	if (bytes != (uint64_t)rq->count * d->sector_size)
		return -EINVAL;
	if (rq->sector >= d->nsectors || rq->count > d->nsectors - rq->sector)
		return -EINVAL;
	if (rq->op == BLK_OP_WRITE && d->readonly)
		return -EROFS;
	return 0;
}

/* Hand queued requests to the driver while it has room. */
static void
dispatch(struct blkdev *disk)
{
	for (;;) {
		struct blk_request *rq;
		int r;

		spin_lock(&disk->qlock);
		if (disk->stats.inflight >= disk->max_inflight || list_empty(&disk->queue)) {
			spin_unlock(&disk->qlock);
			return;
		}
		rq = list_entry(list_pop_front(&disk->queue), struct blk_request, node);
		disk->stats.queued--;
		disk->stats.inflight++;
		if (disk->stats.inflight > disk->stats.peak_inflight)
			disk->stats.peak_inflight = disk->stats.inflight;
		if (rq->op != BLK_OP_FLUSH)
			disk->head_pos = rq->lba + rq->count;
		spin_unlock(&disk->qlock);

		r = disk->ops->submit(disk, rq);
		if (r == -EBUSY) {
			bool idle;

			/*
			 * Back on the queue for the next completion to start.  If
			 * every request in flight completed while we were trying
			 * (their dispatch ran before rq was back), no completion
			 * is left to come: the hardware has room now, try again.
			 */
			spin_lock(&disk->qlock);
			disk->stats.inflight--;
			disk->stats.queued++;
			list_push_front(&disk->queue, &rq->node);
			idle = disk->stats.inflight == 0;
			spin_unlock(&disk->qlock);
			if (!idle)
				return;
			continue;
		}
		if (r < 0)
			blk_complete(rq, r);
	}
}

static void
account(struct blkdev *disk, const struct blk_request *rq, int status)
{
	struct blk_stats *st = &disk->stats;

	if (status) {
		st->errors++;
		return;
	}
	if (rq->op == BLK_OP_READ) {
		st->reads++;
		st->sectors_read += rq->count;
	} else if (rq->op == BLK_OP_WRITE) {
		st->writes++;
		st->sectors_written += rq->count;
	} else {
		st->flushes++;
	}
}

void
blk_complete(struct blk_request *rq, int status)
{
	struct blkdev *disk = rq->disk;

	spin_lock(&disk->qlock);
	disk->stats.inflight--;
	account(disk, rq, status);
	spin_unlock(&disk->qlock);
	rq->status = status;
	dispatch(disk);
	rq->done(rq);
}

void
blk_complete_list(struct list_node *done)
{
	while (!list_empty(done)) {
		struct blk_request *rq = list_entry(list_pop_front(done), struct blk_request, node);

		blk_complete(rq, (int)(intptr_t)rq->driver_priv);
	}
}

/* A flush on a disk without a volatile cache has nothing to do. */
static bool
flush_is_noop(const struct blkdev *disk, const struct blk_request *rq)
{
	return rq->op == BLK_OP_FLUSH && !disk->write_cache;
}

static void
enqueue(struct blkdev *disk, struct blk_request *rq)
{
	spin_lock(&disk->qlock);
	elv_insert(&disk->queue, rq, disk->head_pos);
	disk->stats.queued++;
	spin_unlock(&disk->qlock);
	dispatch(disk);
}

int
blk_submit(struct blkdev *d, struct blk_request *rq)
{
	struct blkdev *disk = d->parent ? d->parent : d;
	int r = check_request(d, rq);

	if (r)
		return r;
	rq->disk = disk;
	rq->lba = rq->op == BLK_OP_FLUSH ? 0 : rq->sector + d->start;
	rq->barrier = rq->op == BLK_OP_FLUSH;
	rq->status = 0;
	list_init(&rq->node);
	if (flush_is_noop(disk, rq)) {
		spin_lock(&disk->qlock);
		disk->stats.flushes++;
		spin_unlock(&disk->qlock);
		rq->done(rq);
		return 0;
	}
	enqueue(disk, rq);
	return 0;
}

int
blk_submit_unchecked(struct blkdev *d, struct blk_request *rq)
{
	struct blkdev *disk = d->parent ? d->parent : d;

	rq->disk = disk;
	rq->lba = rq->sector + d->start;
	rq->barrier = rq->op == BLK_OP_FLUSH;
	rq->status = 0;
	list_init(&rq->node);
	enqueue(disk, rq);
	return 0;
}

void
blk_get_stats(struct blkdev *d, struct blk_stats *st)
{
	struct blkdev *disk = d->parent ? d->parent : d;

	spin_lock(&disk->qlock);
	*st = disk->stats;
	spin_unlock(&disk->qlock);
}
