// SPDX-License-Identifier: MIT
/*
 * virtio-blk: the paravirtual disk of QEMU and most hypervisors.
 *
 * A virtio disk is a SCSI-style interface rather than an IDE one: instead
 * of programming registers for one command at a time, the driver queues
 * self-describing request blocks and the device works through them in any
 * order, many at once.  Each request is a descriptor chain
 *
 *   header (type, sector)  ->  data buffers ...  ->  status byte
 *   device reads               device reads (write)  device writes
 *                              or writes (read)
 *
 * on the device's one virtqueue.  Completion is interrupt-driven: the
 * device puts the chain on the used ring and raises MSI-X entry 0 (or the
 * shared INTx line, in which case the ISR register says whether it was
 * us).  The handler collects every finished chain under the queue lock,
 * then, with the lock dropped, hands each request back to the block layer,
 * which may start the next one from right there.
 *
 * Headers and status bytes live in arrays indexed by the chain's head
 * descriptor, allocated once in DMA-able memory: a chain head is unique
 * while the request is in flight, so no allocation happens per request.
 *
 * A watchdog stands in for a lost interrupt.  If a completion the device
 * posted is still uncollected a whole watch period later, no interrupt
 * came for it (the handler would have taken it within microseconds), and
 * everything waiting on that disk would sleep for ever.  While requests
 * are in flight a timer looks at the used ring once a second and collects
 * what has waited that long, with a kernel message, as the ATA driver's
 * watchdog fails a command the drive never answered.  It costs nothing
 * per request but a flag test; the timer runs only while the disk is busy.
 *
 * Lock: vq->lock (the rings, the header arrays, the watch's state; a leaf
 * but for the timer list's lock, taken by ktimer_arm, and taken in the
 * interrupt handler and the watch timer too).  It is never held while
 * calling the block layer.
 */
#include "block/blk.h"
#include "drivers/virtio.h"
#include "drivers/virtio_blk.h"
#include "core/printk.h"
#include "lib/format.h"
#include "mm/slab.h"
#include "sched/timer.h"
#include "uapi/errno.h"

#define VIRTIO_BLK_TRANSITIONAL 0x1001
#define VIRTIO_BLK_MODERN       0x1042
#define VD_MAJOR                254       /* Linux gives virtblk a dynamic major; 254 is usual */
#define VD_MINORS               16
#define VD_QUEUE_MAX            256

/* Feature bits. */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

/* Device configuration. */
#define VBLK_CFG_CAPACITY 0
#define VBLK_CFG_SIZE_MAX 8
#define VBLK_CFG_SEG_MAX  12
#define VBLK_CFG_BLK_SIZE 20

/* Request types and status. */
#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2
#define VBLK_STATUS_PENDING 0xFF

#define VBLK_WATCH_NS 1000000000ull       /* the watchdog's period */
#define VBLK_STALL_LOOKS 3                /* looks with no progress before it notifies again */

struct vblk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
} __packed;

struct vblk {
	struct blkdev disk;
	struct virtio_pci vp;
	struct virtq *vq;               /* NULL until set up (an early interrupt sees that) */
	struct vblk_hdr *hdr;           /* [vq->lock] by chain head */
	uint8_t *status;                /* [vq->lock] by chain head; the device writes it */
	unsigned seg_max;               /* [I] data descriptors per request */
	uint64_t interrupts;            /* [vq->lock] handled, for tests */
	struct ktimer watch;            /* the lost-interrupt watchdog (armed under vq->lock) */
	bool watching;                  /* [vq->lock] watch is armed */
	uint16_t watch_seen;            /* [vq->lock] the used index at the last look */
	uint64_t rescued;               /* [vq->lock] completions the watch collected */
	unsigned stalled_looks;         /* [vq->lock] looks in a row with no completion */
	uint64_t stalls;                /* [vq->lock] times it found the device silent */
	unsigned drop_irqs;             /* [vq->lock] interrupts to ignore (a test's lost interrupt) */
	unsigned drop_kicks;            /* [vq->lock] notifications to skip (a test's lost one) */
};

static unsigned vd_count;           /* [pci_mutex]: probes run under it */

static int
status_to_errno(uint8_t s)
{
	return s == VIRTIO_BLK_S_OK ? 0 : s == VIRTIO_BLK_S_UNSUPP ? -EOPNOTSUPP : -EIO;
}

static uint32_t
req_type(enum blk_op op)
{
	return op == BLK_OP_READ ? VIRTIO_BLK_T_IN :
	       op == BLK_OP_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_FLUSH;
}

static int
vblk_submit(struct blkdev *disk, struct blk_request *rq)
{
	struct vblk *vb = disk->driver_data;
	struct virtq_buf bufs[BLK_MAX_SEGS + 2];
	uint16_t head;
	int n = 0, r;

	if (rq->nseg > vb->seg_max)
		return -EINVAL;
	spin_lock(&vb->vq->lock);
	/*
	 * Room first: with no free descriptor, the next head is not free, and
	 * its header and status belong to a request in flight.
	 */
	if (vb->vq->nfree < rq->nseg + 2u) {
		spin_unlock(&vb->vq->lock);
		return -EBUSY;
	}
	head = virtq_next_head_locked(vb->vq);
	vb->hdr[head] = (struct vblk_hdr){ req_type(rq->op), 0, rq->lba };
	vb->status[head] = VBLK_STATUS_PENDING;
	bufs[n++] = (struct virtq_buf){ &vb->hdr[head], sizeof(struct vblk_hdr), false };
	for (unsigned i = 0; i < rq->nseg && rq->op != BLK_OP_FLUSH; i++)
		bufs[n++] = (struct virtq_buf){ rq->seg[i].buf, rq->seg[i].len,
						rq->op == BLK_OP_READ };
	bufs[n++] = (struct virtq_buf){ &vb->status[head], 1, true };
	r = virtq_add_locked(vb->vq, bufs, n, rq);
	if (r == 0) {
		if (vb->drop_kicks)
			vb->drop_kicks--;
		else
			virtq_kick_locked(vb->vq);
		if (!vb->watching) {
			vb->watching = true;
			vb->watch_seen = vb->vq->last_used;
			ktimer_arm(&vb->watch, time_ns() + VBLK_WATCH_NS);
		}
	}
	spin_unlock(&vb->vq->lock);
	return r;
}

static const struct blk_ops vblk_ops = {
	.submit = vblk_submit,
};

/* => vq->lock held.  Move every finished chain's request onto done. */
static void
collect_locked(struct vblk *vb, struct list_node *done)
{
	struct blk_request *rq;
	uint16_t head;
	uint32_t len;

	while ((rq = virtq_pop_used_locked(vb->vq, &head, &len)) != NULL) {
		rq->driver_priv = (void *)(intptr_t)status_to_errno(vb->status[head]);
		list_push_back(done, &rq->node);
	}
}

static void
vblk_irq(struct trap_frame *tf, void *arg)
{
	struct vblk *vb = arg;
	struct list_node done = LIST_INIT(done);

	/* On a shared INTx line, reading the ISR both asks "was it us?" and acks. */
	if (!vb->vp.msix && !(virtio_isr(&vb->vp) & 1))
		return;
	if (!vb->vq)
		return;
	spin_lock(&vb->vq->lock);
	if (vb->drop_irqs) {
		vb->drop_irqs--;
		spin_unlock(&vb->vq->lock);
		return;
	}
	vb->interrupts++;
	collect_locked(vb, &done);
	spin_unlock(&vb->vq->lock);
	blk_complete_list(&done);
}

/*
 * => vq->lock held, from the watchdog.  Requests in the ring and nothing
 * completed for VBLK_STALL_LOOKS looks: the device has not seen them.
 * Under QEMU on a loaded host this happens (about one boot in thirty of
 * the ext2 disk stage): a request made available, the device notified,
 * its notifications on, and the request never taken, so every thread
 * waiting on the disk sleeps for good.  Notifying the device again gets
 * it going; a notification too many is always allowed.  The first time,
 * say so, with the ring's indexes.
 */
static void
stall_check_locked(struct vblk *vb)
{
	struct virtq *q = vb->vq;
	uint16_t used = READ_ONCE(q->used->idx);

	if (!vb->watching || used != vb->watch_seen) {
		vb->stalled_looks = 0;
		return;
	}
	if (++vb->stalled_looks < VBLK_STALL_LOOKS)
		return;
	vb->stalled_looks = 0;                  /* again after as many looks, if need be */
	if (vb->stalls++ == 0)
		pr_warn("virtio-blk %s: %u descriptors in use and no completion for %u s "
			"(avail %u, used %u, collected %u, used flags %#x); notifying the device "
			"again, now and whenever it happens\n", vb->disk.name,
			(unsigned)(q->size - q->nfree), VBLK_STALL_LOOKS,
			(unsigned)READ_ONCE(q->avail->idx), (unsigned)used, (unsigned)q->last_used,
			(unsigned)READ_ONCE(q->used->flags));
	*q->notify = q->index;
}

/*
 * The watchdog (interrupt context, from the tick).  A completion posted
 * before the last look (the used index then, watch_seen) and still not
 * collected lost its interrupt.  Re-armed while requests are in flight;
 * a submit arms it again after it stops.
 */
static void
vblk_watch(void *arg)
{
	struct vblk *vb = arg;
	struct virtq *q = vb->vq;
	struct list_node done = LIST_INIT(done);

	spin_lock(&q->lock);
	if ((int16_t)(vb->watch_seen - q->last_used) > 0) {
		if (vb->rescued++ == 0)
			pr_warn("virtio-blk %s: a completion waited %llu ms without an interrupt; "
				"the watchdog collects such completions from now on\n", vb->disk.name,
				(unsigned long long)(VBLK_WATCH_NS / 1000000));
		collect_locked(vb, &done);
	}
	vb->watching = q->nfree < q->size;
	stall_check_locked(vb);
	vb->watch_seen = READ_ONCE(q->used->idx);
	if (vb->watching)
		ktimer_arm(&vb->watch, time_ns() + VBLK_WATCH_NS);
	spin_unlock(&q->lock);
	blk_complete_list(&done);
}

/* Features, capacity and limits.  => 0 or -errno. */
static int
vblk_configure(struct vblk *vb)
{
	uint64_t want = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_RO |
			1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH |
			1ull << VIRTIO_BLK_F_SIZE_MAX;
	uint64_t f;
	int r = virtio_negotiate(&vb->vp, want);

	if (r)
		return r;
	f = vb->vp.features;
	if ((f & 1ull << VIRTIO_BLK_F_BLK_SIZE) &&
	    virtio_cfg_read32(&vb->vp, VBLK_CFG_BLK_SIZE) != BLK_SECTOR_SIZE)
		return -EOPNOTSUPP;                 /* 4K-sector disks: not yet */
	vb->disk.nsectors = virtio_cfg_read64(&vb->vp, VBLK_CFG_CAPACITY);
	vb->disk.readonly = f & 1ull << VIRTIO_BLK_F_RO;
	vb->disk.write_cache = f & 1ull << VIRTIO_BLK_F_FLUSH;
	vb->seg_max = BLK_MAX_SEGS;
	if (f & 1ull << VIRTIO_BLK_F_SEG_MAX) {
		uint32_t s = virtio_cfg_read32(&vb->vp, VBLK_CFG_SEG_MAX);

		vb->seg_max = s && s < BLK_MAX_SEGS ? s : BLK_MAX_SEGS;
	}
	if (f & 1ull << VIRTIO_BLK_F_SIZE_MAX)        /* each segment <= size_max bytes */
		vb->disk.max_sectors = virtio_cfg_read32(&vb->vp, VBLK_CFG_SIZE_MAX) /
				       BLK_SECTOR_SIZE;
	return 0;
}

/* The queue and the per-head header and status arrays.  => 0 or -errno. */
static int
vblk_setup_queue(struct vblk *vb)
{
	struct virtq *q = virtio_setup_queue(&vb->vp, 0, VD_QUEUE_MAX, 0);

	if (IS_ERR(q))
		return (int)PTR_ERR(q);
	if (q->size < 3)
		return -ENODEV;
	vb->hdr = kzalloc(sizeof(struct vblk_hdr) * q->size);
	vb->status = kzalloc(q->size);
	if (!vb->hdr || !vb->status)
		return -ENOMEM;
	vb->seg_max = MIN(vb->seg_max, (unsigned)q->size - 2u);
	ktimer_init(&vb->watch, vblk_watch, vb);
	vb->vq = q;
	return 0;
}

static void
vblk_fill_disk(struct vblk *vb)
{
	struct blkdev *d = &vb->disk;

	if (vd_count < 26)
		ksnprintf(d->name, sizeof(d->name), "vd%c", 'a' + vd_count);
	else
		ksnprintf(d->name, sizeof(d->name), "vd%c%c", 'a' + vd_count / 26 - 1,
			  'a' + vd_count % 26);
	d->major = VD_MAJOR;
	d->minor = VD_MINORS * vd_count++;
	d->sector_size = BLK_SECTOR_SIZE;
	d->max_segs = (uint16_t)vb->seg_max;
	d->max_inflight = vb->vq->size / 3;     /* one-segment requests fill the ring */
	d->ops = &vblk_ops;
	d->driver_data = vb;
}

/*
 * A device that fails half-way keeps its state (never freed), because its
 * interrupt handler may already be installed and must find valid memory.
 */
static int
vblk_probe(struct pci_dev *pdev, const struct pci_id *id)
{
	struct vblk *vb = kzalloc(sizeof(*vb));
	int r, mode;

	if (!vb)
		return -ENOMEM;
	if ((r = virtio_pci_init(&vb->vp, pdev)) != 0) {
		kfree(vb);
		return r;
	}
	pci_enable(pdev, PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER);
	mode = pci_irq_setup(pdev, "virtio-blk", vblk_irq, vb, PCI_IRQ_ALLOW_MSI);
	if (mode < 0) {
		kfree(vb);
		return mode;
	}
	vb->vp.msix = mode == PCI_IRQ_MSIX;
	if ((r = vblk_configure(vb)) != 0 || (r = vblk_setup_queue(vb)) != 0) {
		virtio_fail(&vb->vp);
		return r;
	}
	virtio_driver_ok(&vb->vp);
	vblk_fill_disk(vb);
	pr_info("virtio-blk %s: %llu sectors, queue %u, up to %u segments%s\n", vb->disk.name,
		(unsigned long long)vb->disk.nsectors, vb->vq->size, vb->seg_max,
		vb->disk.write_cache ? ", flush" : "");
	return blkdev_register(&vb->disk);
}

static const struct pci_id vblk_ids[] = {
	{ VIRTIO_VENDOR, VIRTIO_BLK_TRANSITIONAL, 0, 0 },
	{ VIRTIO_VENDOR, VIRTIO_BLK_MODERN, 0, 0 },
	{ 0, 0, 0, 0 },
};

static struct pci_driver vblk_driver = {
	.name = "virtio-blk",
	.ids = vblk_ids,
	.probe = vblk_probe,
};

void
virtio_blk_init(void)
{
	pci_register_driver(&vblk_driver);
}

/* The virtio disk under d, or NULL. */
static struct vblk *
vblk_of(struct blkdev *d)
{
	if (d->parent)
		d = d->parent;
	return d->ops == &vblk_ops ? d->driver_data : NULL;
}

uint64_t
virtio_blk_interrupts(struct blkdev *d)
{
	struct vblk *vb = vblk_of(d);
	uint64_t n;

	if (!vb)
		return 0;
	spin_lock(&vb->vq->lock);
	n = vb->interrupts;
	spin_unlock(&vb->vq->lock);
	return n;
}

/*
 * Fault injection: the disk under d drops its next n interrupts (irqs) or
 * notifications.  => how often the watchdog has mended that fault so far.
 */
static uint64_t
lose(struct blkdev *d, bool irqs, unsigned n)
{
	struct vblk *vb = vblk_of(d);
	uint64_t mended;

	if (!vb)
		return 0;
	spin_lock(&vb->vq->lock);
	*(irqs ? &vb->drop_irqs : &vb->drop_kicks) = n;
	mended = irqs ? vb->rescued : vb->stalls;
	spin_unlock(&vb->vq->lock);
	return mended;
}

uint64_t
virtio_blk_lose_kicks(struct blkdev *d, unsigned n)
{
	return lose(d, false, n);
}

uint64_t
virtio_blk_lose_interrupts(struct blkdev *d, unsigned n)
{
	return lose(d, true, n);
}
