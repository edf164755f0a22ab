// SPDX-License-Identifier: MIT
/*
 * ktests of the block layer on the scratch disks: partitions as devices,
 * many requests in flight, several threads at once, and the IDE queue's
 * C-LOOK order.
 */
#include "block/ktest_disks.h"
#include "block/internal.h"
#include "arch/arch.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "uapi/errno.h"

static int
check_part(const char *name, uint64_t start, uint64_t count, int partno)
{
	struct blkdev *p = blkdev_find(name);

	KT_ASSERT(p != NULL);
	KT_ASSERT(p->parent != NULL);
	KT_EQ(p->start, start);
	KT_EQ(p->nsectors, count);
	KT_EQ(p->partno, partno);
	KT_EQ(p->major, p->parent->major);
	KT_EQ(p->minor, p->parent->minor + (uint32_t)partno);
	KT_ASSERT(blkdev_find_devt(p->major, p->minor) == p);
	return 0;
}

/* Read sector s of a partition; it must hold the disk's pattern at start + s. */
static int
read_through(const char *name, uint8_t tag, uint64_t s)
{
	struct blkdev *p = blkdev_find(name);
	void *buf = kmalloc(BLK_SECTOR_SIZE);
	int r = -1;

	if (p && buf && blk_read(p, s, buf, 1) == 0)
		r = blk_pattern_check(buf, tag, p->start + s, 1) == 1 ? 0 : -1;
	kfree(buf);
	return r;
}

KTEST(blk_mbr_partitions_become_devices,
      "vdb's MBR (two primaries, an extended with one logical) gives vdb1, vdb2, vdb5 at the right offsets")
{
	KT_EQ(check_part("vdb1", 2048, 2048, 1), 0);
	KT_EQ(check_part("vdb2", 4096, 4096, 2), 0);
	KT_EQ(check_part("vdb5", 10240, 2048, 5), 0);
	KT_ASSERT(blkdev_find("vdb3") == NULL);     /* the extended container is no device */
	KT_ASSERT(blkdev_find("vdb4") == NULL);
	KT_EQ(read_through("vdb1", KT_VDB_TAG, 0), 0);
	KT_EQ(read_through("vdb5", KT_VDB_TAG, 2047), 0);
	return 0;
}

KTEST(blk_gpt_partitions_become_devices, "sdb's GPT gives sdb1 and sdb2 at the right offsets")
{
	KT_EQ(check_part("sdb1", 2048, 1024, 1), 0);
	KT_EQ(check_part("sdb2", 4096, 2048, 2), 0);
	KT_ASSERT(blkdev_find("sdb3") == NULL);
	KT_EQ(read_through("sdb1", KT_SDB_TAG, 1023), 0);
	KT_EQ(read_through("sdb2", KT_SDB_TAG, 7), 0);
	KT_ASSERT(blkdev_find("sda1") == NULL);     /* no table, no partitions */
	return 0;
}

static int
count_dev(struct blkdev *d, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

KTEST(blk_partition_write_is_shifted,
      "writes through vdb1 and sdb2 land at the partition's offset on the disk (the host checks too)")
{
	KT_DISK(vdb1, "vdb1");
	KT_DISK(sdb2, "sdb2");
	void *buf = kmalloc(4 * BLK_SECTOR_SIZE);
	int n = 0;

	KT_ASSERT(buf);
	blk_pattern_fill(buf, 'P', 2048 + 10, 4);          /* tagged with the disk's sector */
	KT_EQ(blk_write(vdb1, 10, buf, 4), 0);
	blk_pattern_fill(buf, 'Q', 4096 + 3, 4);
	KT_EQ(blk_write(sdb2, 3, buf, 4), 0);
	KT_EQ(blk_read(vdb1->parent, 2058, buf, 4), 0);     /* seen through the whole disk */
	KT_EQ(blk_pattern_check(buf, 'P', 2058, 4), 4);
	KT_EQ(blk_flush(vdb1), 0);
	KT_EQ(blk_flush(sdb2), 0);
	blkdev_for_each(count_dev, &n);
	KT_ASSERT(n >= 9);             /* vda vdb vdb1 vdb2 vdb5 sda sdb sdb1 sdb2 */
	kfree(buf);
	return 0;
}

/* ------------------------------------------------------------ in flight */

#define NBATCH 32

struct batch {
	struct spinlock lock;
	int left, errors;
	int order[NBATCH];              /* completion order, by request index */
	int norder;
	struct blk_request *base;       /* the array the requests are in */
	struct blk_completion done;
};

static void
batch_done(struct blk_request *rq)
{
	struct batch *b = rq->private;
	bool last;

	spin_lock(&b->lock);
	b->errors += rq->status != 0;
	b->order[b->norder++] = (int)(rq - b->base);
	last = --b->left == 0;
	spin_unlock(&b->lock);
	if (last)
		blk_completion_signal(&b->done);
}

/* Submit n 8-sector reads at the given sectors, all before waiting. */
static int
submit_batch(struct blkdev *d, const uint64_t *sectors, int n, struct batch *b,
	     struct blk_request *rqs, uint8_t *bufs)
{
	spin_init(&b->lock, "ktest_batch");
	blk_completion_init(&b->done);
	b->left = n;
	b->errors = 0;
	b->norder = 0;
	b->base = rqs;
	for (int i = 0; i < n; i++) {
		struct blk_request *rq = &rqs[i];

		memset(rq, 0, sizeof(*rq));
		rq->op = BLK_OP_READ;
		rq->sector = sectors[i];
		rq->count = 8;
		rq->nseg = 1;
		rq->seg[0] = (struct blk_seg){ bufs + i * 8 * BLK_SECTOR_SIZE, 8 * BLK_SECTOR_SIZE };
		rq->done = batch_done;
		rq->private = b;
		KT_EQ(blk_submit(d, rq), 0);
	}
	return 0;
}

KTEST(blk_many_requests_in_flight,
      "32 reads submitted at once are all in virtio's hands together, complete out of the interrupt, with the right data")
{
	KT_DISK(vda, "vda");
	struct blk_request *rqs = kzalloc(sizeof(*rqs) * NBATCH);
	uint8_t *bufs = kmalloc(NBATCH * 8 * BLK_SECTOR_SIZE);
	struct batch *b = kzalloc(sizeof(*b));
	uint64_t sectors[NBATCH];
	struct blk_stats st;
	unsigned long flags;
	int r;

	KT_ASSERT(rqs && bufs && b);
	for (int i = 0; i < NBATCH; i++)
		sectors[i] = 3000 + (uint64_t)((i * 7) % NBATCH) * 97;
	/*
	 * With interrupts off no completion can be taken, so what the driver
	 * holds once the loop is done is what it accepted at once: all of them
	 * (an IDE drive would hold one and queue the rest).
	 */
	flags = arch_irq_save();
	r = submit_batch(vda, sectors, NBATCH, b, rqs, bufs);
	blk_get_stats(vda, &st);
	arch_irq_restore(flags);
	KT_EQ(r, 0);
	KT_EQ(st.inflight, NBATCH);
	KT_EQ(st.queued, 0);
	blk_completion_wait(&b->done);
	KT_EQ(b->errors, 0);
	KT_EQ(b->norder, NBATCH);
	for (int i = 0; i < NBATCH; i++)
		KT_EQ(blk_pattern_check(bufs + i * 8 * BLK_SECTOR_SIZE, KT_VDA_TAG, sectors[i], 8), 8);
	blk_get_stats(vda, &st);
	KT_EQ(st.inflight, 0);
	KT_ASSERT(st.peak_inflight >= NBATCH);
	kfree(b);
	kfree(bufs);
	kfree(rqs);
	return 0;
}

KTEST(blk_ide_queue_is_served_in_clook_order,
      "requests queued behind a busy IDE drive are served in C-LOOK order: up from the head, then from the lowest")
{
	static const uint64_t sectors[] = { 4000, 100, 3000, 200, 5000, 50 };
	static const uint64_t expect[] = { 4000, 5000, 50, 100, 200, 3000 };
	KT_DISK(sda, "sda");
	struct blk_request *rqs = kzalloc(sizeof(*rqs) * 6);
	uint8_t *bufs = kmalloc(6 * 8 * BLK_SECTOR_SIZE);
	struct batch *b = kzalloc(sizeof(*b));
	unsigned long flags;

	KT_ASSERT(rqs && bufs && b);
	/* With interrupts off, the first request cannot finish before the rest queue up. */
	flags = arch_irq_save();
	KT_EQ(submit_batch(sda, sectors, 6, b, rqs, bufs), 0);
	arch_irq_restore(flags);
	blk_completion_wait(&b->done);
	KT_EQ(b->errors, 0);
	KT_EQ(b->norder, 6);
	for (int i = 0; i < 6; i++) {
		int idx = b->order[i];

		KT_EQ(sectors[idx], expect[i]);
		KT_EQ(blk_pattern_check(bufs + idx * 8 * BLK_SECTOR_SIZE, KT_SDA_TAG, sectors[idx], 8), 8);
	}
	kfree(b);
	kfree(bufs);
	kfree(rqs);
	return 0;
}

/* ------------------------------------------------------------ threads */

#define NTHREADS 4
#define ROUNDS 12

struct worker {
	int id;
	int failures;
};

/* Write, read back, check: its own region of d, tagged with the thread and round. */
static int
round_trip(struct blkdev *d, uint64_t base, uint8_t tag, void *buf)
{
	blk_pattern_fill(buf, tag, base, 16);
	if (blk_write(d, base, buf, 16))
		return 1;
	memset(buf, 0, 16 * BLK_SECTOR_SIZE);
	if (blk_read(d, base, buf, 16))
		return 1;
	return blk_pattern_check(buf, tag, base, 16) != 16;
}

static void
worker_fn(void *arg)
{
	struct worker *w = arg;
	struct blkdev *vda = blkdev_find("vda"), *sda = blkdev_find("sda");
	struct blkdev *vdb = blkdev_find("vdb"), *sdc = blkdev_find("sdc");
	void *buf = kmalloc(16 * BLK_SECTOR_SIZE);

	if (!buf || !vda || !sda || !vdb || !sdc) {
		w->failures++;
		kfree(buf);
		return;
	}
	for (int r = 0; r < ROUNDS; r++) {
		uint8_t tag = (uint8_t)('a' + w->id * ROUNDS + r);

		w->failures += round_trip(vda, 8000 + (uint64_t)w->id * 256 + (uint64_t)r * 16, tag, buf);
		w->failures += round_trip(sda, 2000 + (uint64_t)w->id * 256 + (uint64_t)r * 16, tag, buf);
		/* sdc shares its channel with sdb: one command at a time between them. */
		w->failures += round_trip(sdc, 1000 + (uint64_t)w->id * 256 + (uint64_t)r * 16, tag, buf);
		if (read_through("sdb2", KT_SDB_TAG, (uint64_t)w->id))
			w->failures++;
		if (blk_read(vdb, 100 + (uint64_t)w->id * 16, buf, 16) ||
		    blk_pattern_check(buf, KT_VDB_TAG, 100 + (uint64_t)w->id * 16, 16) != 16)
			w->failures++;
	}
	kfree(buf);
}

KTEST(blk_threads_share_disks,
      "4 threads write and read back their own regions of vda, sda, sdc and read vdb, sdb at once; nothing lands astray")
{
	struct thread *t[NTHREADS];
	struct worker w[NTHREADS];

	for (int i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ .id = i };
		t[i] = thread_create(worker_fn, &w[i], "blkworker");
		KT_ASSERT(t[i]);
	}
	for (int i = 0; i < NTHREADS; i++)
		thread_join(t[i]);
	for (int i = 0; i < NTHREADS; i++)
		KT_EQ(w[i].failures, 0);
	return 0;
}

/* ------------------------------------------------------------ listeners */

struct heard {
	int n, vda, vdb5, sdb2;
};

static void
heard_one(struct blkdev *d, void *arg)
{
	struct heard *h = arg;

	h->n++;
	h->vda += strcmp(d->name, "vda") == 0;
	h->vdb5 += strcmp(d->name, "vdb5") == 0;
	h->sdb2 += strcmp(d->name, "sdb2") == 0;
}

/* A RAM disk for the test: requests complete at once, in the submitter's context. */
static uint8_t ramdisk[64 * BLK_SECTOR_SIZE];

static int
ram_submit(struct blkdev *d, struct blk_request *rq)
{
	uint8_t *p = ramdisk + rq->lba * BLK_SECTOR_SIZE;

	for (unsigned i = 0; i < rq->nseg && rq->op != BLK_OP_FLUSH; i++) {
		if (rq->op == BLK_OP_READ)
			memcpy(rq->seg[i].buf, p, rq->seg[i].len);
		else
			memcpy(p, rq->seg[i].buf, rq->seg[i].len);
		p += rq->seg[i].len;
	}
	blk_complete(rq, 0);
	return 0;
}

static const struct blk_ops ram_ops = { .submit = ram_submit };
static struct blkdev ram = {
	.name = "ktram", .major = 1, .minor = 0, .sector_size = BLK_SECTOR_SIZE,
	.nsectors = 64, .max_inflight = 1, .ops = &ram_ops,
};

KTEST(blk_listener_hears_every_device_once,
      "a listener (as devfs uses) hears of every device once: those there before it, partitions, and a new disk")
{
	struct heard h = { 0 }, count = { 0 };
	struct blkdev_listener l = { .added = heard_one, .arg = &h };
	static bool registered;
	uint8_t *buf = kmalloc(BLK_SECTOR_SIZE);

	KT_ASSERT(buf);
	blkdev_listen(&l);
	blkdev_for_each(count_dev, &count.n);
	KT_EQ(h.n, count.n);
	KT_EQ(h.vda, 1);
	KT_EQ(h.vdb5, 1);
	KT_EQ(h.sdb2, 1);
	if (!registered) {                  /* a device can be registered only once */
		KT_EQ(blkdev_register(&ram), 0);
		registered = true;
		KT_EQ(h.n, count.n + 1);
	}
	KT_EQ(blkdev_register(&ram), -EEXIST);
	blkdev_unlisten(&l);
	memset(buf, 0x5A, BLK_SECTOR_SIZE);    /* the block layer drives it like any disk */
	KT_EQ(blk_write(&ram, 63, buf, 1), 0);
	KT_EQ(ramdisk[63 * BLK_SECTOR_SIZE + 7], 0x5A);
	KT_EQ(blk_read(&ram, 64, buf, 1), -EINVAL);
	kfree(buf);
	return 0;
}

/*
 * A driver whose ring holds one request.  Asked for a second, it finds the
 * first finished (as if its interrupt ran between the refusal and the
 * requeue) and refuses with -EBUSY: nothing is in flight any more, so no
 * completion will come to start the refused request.  The block layer
 * must retry it at once.
 */
static struct blk_request *fake_held;
static int fake_done;

static int
fake_submit(struct blkdev *disk, struct blk_request *rq)
{
	struct blk_request *first = fake_held;

	if (!first) {
		fake_held = rq;
		return 0;
	}
	fake_held = NULL;
	blk_complete(first, 0);
	return -EBUSY;
}

static void
fake_rq_done(struct blk_request *rq)
{
	fake_done++;
}

static const struct blk_ops fake_ops = { .submit = fake_submit };

KTEST(blk_refused_request_runs_when_the_ring_drained, "a request refused by a full driver is retried when every request in flight finished meanwhile")
{
	struct blkdev *d = kzalloc(sizeof(*d));
	struct blk_request *rq = kzalloc(2 * sizeof(*rq));
	uint8_t *buf = kmalloc(2 * BLK_SECTOR_SIZE);

	KT_ASSERT(d && rq && buf);
	memcpy(d->name, "ktfake", 7);
	d->sector_size = BLK_SECTOR_SIZE;
	d->nsectors = 64;
	d->max_inflight = 4;
	d->ops = &fake_ops;
	spin_init(&d->qlock, "ktfake");
	list_init(&d->queue);
	fake_held = NULL;
	fake_done = 0;
	for (int i = 0; i < 2; i++) {
		rq[i].op = BLK_OP_READ;
		rq[i].sector = (uint64_t)i;
		rq[i].count = 1;
		rq[i].nseg = 1;
		rq[i].seg[0] = (struct blk_seg){ buf + i * BLK_SECTOR_SIZE, BLK_SECTOR_SIZE };
		rq[i].done = fake_rq_done;
		KT_EQ(blk_submit(d, &rq[i]), 0);
	}
	KT_EQ(fake_done, 1);                 /* the first, finished by the driver */
	KT_ASSERT(fake_held == &rq[1]);      /* the second is with the driver, not stranded */
	KT_EQ(d->stats.queued, 0u);
	blk_complete(&rq[1], 0);
	KT_EQ(fake_done, 2);
	KT_EQ(d->stats.inflight, 0u);
	kfree(buf);
	kfree(rq);
	kfree(d);
	return 0;
}
