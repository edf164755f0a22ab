/* SPDX-License-Identifier: MIT */
/*
 * The block layer: disks as numbered arrays of sectors.
 *
 * A block device (struct blkdev) is what a disk driver registers: a name
 * (vda, sda), a sector size, a capacity in sectors, and a struct blk_ops
 * whose submit() starts a request on the hardware.  The block layer never
 * calls a driver by name, only through that table.  A partition is a block
 * device too, with no ops of its own: it is a window (start, length) on its
 * parent disk, and the block layer shifts its requests into the parent's
 * sector numbers.
 *
 * I/O is asynchronous underneath: a struct blk_request names an operation
 * (read, write, flush), a first sector, a count, and memory segments; its
 * done() callback runs once when it finishes, often in interrupt context.
 * Each disk has a request queue: the driver says how many requests it can
 * keep in flight at once (virtio: as many as its ring holds; IDE: one per
 * channel), and the rest wait, in disk-scheduling order (elevator.c), until
 * a completion makes room.  blk_read()/blk_write()/blk_flush() are the
 * synchronous wrappers: they submit and sleep until done.
 *
 * Addresses are LBAs: sector n of a disk is simply number n, 0 to
 * capacity - 1.  Nothing above the drivers knows about cylinders, heads or
 * sectors per track (CHS), which old disks used and modern ones only fake.
 *
 * Memory for a request must be linear kernel memory (kmalloc, pmm pages:
 * arch_virt_is_linear), because the device reaches it by physical address
 * (DMA).  blk_read()/blk_write() accept any kernel buffer and bounce
 * through linear memory when needed.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "sync/spinlock.h"

#define BLK_SECTOR_SIZE 512
#define BLK_SECTOR_SHIFT 9
#define BLK_NAME_MAX    16
#define BLK_MAX_SEGS    16

enum blk_op {
	BLK_OP_READ,
	BLK_OP_WRITE,
	BLK_OP_FLUSH,     /* make every completed write durable (empty cache) */
};

struct blk_seg {
	void *buf;        /* linear kernel memory */
	uint32_t len;     /* a multiple of the sector size */
};

struct blkdev;

/*
 * A request.  The submitter fills op, sector, count, seg/nseg, done and
 * private; the block layer owns the rest until done() is called.  After
 * done() returns, the submitter may reuse or free it.
 */
struct blk_request {
	enum blk_op op;
	uint64_t sector;              /* first sector, on the device submitted to */
	uint32_t count;               /* sectors; 0 for a flush */
	uint16_t nseg;
	struct blk_seg seg[BLK_MAX_SEGS];
	void (*done)(struct blk_request *rq);   /* may run in interrupt context */
	void *private;
	int status;                   /* set before done(): 0 or -errno */

	/* Block layer and driver. */
	struct blkdev *disk;          /* the whole disk it runs on */
	uint64_t lba;                 /* first sector on that disk */
	bool barrier;                 /* the elevator must not move work across it */
	struct list_node node;        /* on the queue, or the driver's own list */
	void *driver_priv;            /* free for the driver while it holds rq */
};

struct blk_ops {
	/*
	 * Start rq on the hardware (rq->lba, rq->count, rq->seg) and finish it
	 * later with blk_complete().  Called with no block-layer lock held but
	 * possibly in interrupt context (from another request's completion):
	 * it must not sleep.  => 0 when started; -EBUSY when the hardware is
	 * full (the request goes back on the queue); other -errno fails it.
	 */
	int (*submit)(struct blkdev *disk, struct blk_request *rq);
};

struct blk_stats {
	uint64_t reads, writes, flushes;           /* requests completed */
	uint64_t sectors_read, sectors_written;
	uint64_t errors;
	unsigned inflight, peak_inflight, queued;  /* now, highest seen, waiting */
};

struct bcache;

/*
 * A block device.  The driver fills the [D] fields before blkdev_register();
 * they are read-only afterwards.  Locks: [q] qlock (the request queue),
 * [L] the registry's lock (blkdev.c), [I] immutable once registered.
 */
struct blkdev {
	char name[BLK_NAME_MAX];         /* [D] "vda", "sda"; partitions get "vda1" */
	uint32_t major, minor;           /* [D] Linux numbering: sd 8, vd 254 */
	uint32_t sector_size;            /* [D] logical sector size (512) */
	uint64_t nsectors;               /* [D] capacity */
	uint32_t max_sectors;            /* [D] largest request (0: no limit) */
	uint16_t max_segs;               /* [D] segments per request (0: BLK_MAX_SEGS) */
	unsigned max_inflight;           /* [D] requests the hardware takes at once */
	bool readonly;                   /* [D] */
	bool write_cache;                /* [D] completed writes may sit in a volatile cache */
	const struct blk_ops *ops;       /* [D] NULL for a partition */
	void *driver_data;               /* [D] */

	struct blkdev *parent;           /* [I] the disk of a partition, else NULL */
	uint64_t start;                  /* [I] first parent sector of a partition */
	int partno;                      /* [I] 0 for a whole disk */

	struct spinlock qlock;           /* protects [q]; leaf (before waitq locks) */
	struct list_node queue;          /* [q] requests waiting for the hardware */
	uint64_t head_pos;               /* [q] sector after the last dispatched request */
	struct blk_stats stats;          /* [q] */

	struct bcache *cache;            /* [I] set once by bcache_of() */
	struct list_node list_node;      /* [L] */
};

/* Start the block layer's threads (write-back).  Call once, from a thread. */
void blk_init(void);

/*
 * Register a disk: it gets its queue, becomes visible to blkdev_find(), and
 * its partition table is read (sub-devices vda1, vda2 ... appear).
 * => 0, or -EINVAL for a malformed device, -EEXIST for a taken name.
 */
int blkdev_register(struct blkdev *d) __must_check;
/* The device called name ("vda1"), or NULL. */
struct blkdev *blkdev_find(const char *name);
/* The device with this device number, or NULL. */
struct blkdev *blkdev_find_devt(uint32_t major, uint32_t minor);
/*
 * Call fn on every device in registration order; stops on non-zero and
 * returns that.  No lock is held while fn runs.  Devices are never removed.
 */
int blkdev_for_each(int (*fn)(struct blkdev *d, void *arg), void *arg);
/*
 * Hearing of devices: devfs makes /dev/vda, /dev/vda1 ... this way.  A
 * listener hears of each device exactly once, in registration order:
 * first those already registered (from blkdev_listen itself), then each
 * new one.  Calls are serialized; added() may sleep and look devices up,
 * but not (un)register listeners.
 */
struct blkdev_listener {
	void (*added)(struct blkdev *d, void *arg);
	void *arg;
	unsigned told;                   /* devices announced so far (blkdev.c) */
	struct list_node node;
};
void blkdev_listen(struct blkdev_listener *l);
void blkdev_unlisten(struct blkdev_listener *l);

/* Segments a request to d may have. */
static inline unsigned
blk_max_segs(const struct blkdev *d)
{
	return d->max_segs && d->max_segs < BLK_MAX_SEGS ? d->max_segs : BLK_MAX_SEGS;
}

/* Size in bytes. */
static inline uint64_t
blkdev_bytes(const struct blkdev *d)
{
	return d->nsectors * d->sector_size;
}

/*
 * Submit asynchronously.  Checks first, changing nothing on error:
 * -EINVAL for a bad op, count, segment list or a range past the end of the
 * device, -EROFS for a write to a read-only device.  On 0, done() will run.
 */
int blk_submit(struct blkdev *d, struct blk_request *rq) __must_check;
/* The driver reports a finished request.  Call with no driver lock held. */
void blk_complete(struct blk_request *rq, int status);
/*
 * blk_complete for each request on a driver's list (linked by rq->node),
 * its status in rq->driver_priv: a driver collects finished requests under
 * its lock, then hands them back with none held.
 */
void blk_complete_list(struct list_node *done);
/* Copy of the disk's counters (a partition reports its disk's). */
void blk_get_stats(struct blkdev *d, struct blk_stats *st);

/* Synchronous I/O; may sleep.  => 0 or -errno (-EIO for a device error). */
int blk_read(struct blkdev *d, uint64_t sector, void *buf, uint32_t count) __must_check;
int blk_write(struct blkdev *d, uint64_t sector, const void *buf, uint32_t count) __must_check;
/* Wait until every completed write is on stable storage. */
int blk_flush(struct blkdev *d) __must_check;
/* A read of consecutive sectors into segments of linear memory (page frames). */
struct blk_sgread {
	uint64_t sector;
	unsigned nseg;
	struct blk_seg seg[BLK_MAX_SEGS];
};
/* Start n such reads at once and wait for all of them.  => 0 or the first error. */
int blk_read_sg(struct blkdev *d, const struct blk_sgread *rd, unsigned n) __must_check;
/* The same for writes (the description reads "from" the segments). */
int blk_write_sg(struct blkdev *d, const struct blk_sgread *rd, unsigned n) __must_check;
/* Submit and sleep until done: rq->status. */
int blk_submit_wait(struct blkdev *d, struct blk_request *rq) __must_check;
/* For tests: hand rq to the driver without the range checks.  => rq->status. */
int blk_submit_unchecked_wait(struct blkdev *d, struct blk_request *rq) __must_check;

/* Partitions (part_scan.c): read d's table and register its partitions. */
int blk_scan_partitions(struct blkdev *d);
