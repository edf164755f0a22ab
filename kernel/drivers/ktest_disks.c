// SPDX-License-Identifier: MIT
/*
 * ktests of the disk drivers against QEMU's devices: PCI finds them, and
 * virtio-blk (MSI-X and INTx) and IDE read the scratch disks' pattern,
 * write and read back, flush, and report errors for sectors past the end.
 * The host checks the written sectors after the run (tests/storage/disks.sh).
 */
#include "block/ktest_disks.h"
#include "drivers/ata.h"
#include "drivers/pci.h"
#include "drivers/virtio_blk.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "uapi/errno.h"

struct pci_census {
	int virtio_msix, virtio_intx, ide, bar64, behind_bridge;
};

static int
census(struct pci_dev *d, void *arg)
{
	struct pci_census *c = arg;

	if (d->vendor == 0x1AF4 && d->driver && strcmp(d->driver->name, "virtio-blk") == 0) {
		c->virtio_msix += d->irq_mode == PCI_IRQ_MSIX;
		c->virtio_intx += d->irq_mode == PCI_IRQ_INTX;
		c->behind_bridge += d->bus != 0;
		for (int i = 0; i < PCI_NUM_BARS; i++)
			c->bar64 += d->bar[i].is64 && d->bar[i].size && d->bar[i].base;
	}
	if (d->class_code == 0x01 && d->subclass == 0x01 && d->driver &&
	    strcmp(d->driver->name, "ata") == 0)
		c->ide++;
	return 0;
}

KTEST(blk_pci_finds_disk_controllers,
      "PCI finds both virtio disks (one on MSI-X, one on INTx behind a bridge, 64-bit BARs decoded) and the IDE controller")
{
	struct pci_census c = { 0 };

	KT_ASSERT(pci_find(0x1AF4, 0x1001, 0) != NULL);
	pci_for_each_dev(census, &c);
	KT_EQ(c.virtio_msix, 1);
	KT_EQ(c.virtio_intx, 1);
	KT_EQ(c.ide, 1);
	KT_ASSERT(c.bar64 >= 2);
	KT_EQ(c.behind_bridge, 1);
	return 0;
}

/* Read count sectors at sector into linear memory and check the pattern. */
static int
read_check(struct blkdev *d, uint8_t tag, uint64_t sector, uint32_t count, uint64_t pattern_at)
{
	void *buf = kmalloc((size_t)count * BLK_SECTOR_SIZE);
	int r = -1;

	if (buf && blk_read(d, sector, buf, count) == 0)
		r = blk_pattern_check(buf, tag, pattern_at, count) == count ? 0 : -1;
	kfree(buf);
	return r;
}

KTEST(blk_virtio_reads_pattern,
      "virtio-blk reads the pattern back: first, last, scattered sectors, by interrupt, also into stack memory")
{
	KT_DISK(vda, "vda");
	KT_DISK(vdb, "vdb");
	uint64_t irq_a = virtio_blk_interrupts(vda), irq_b = virtio_blk_interrupts(vdb);
	uint8_t onstack[2 * BLK_SECTOR_SIZE];

	KT_EQ(vda->nsectors, KT_VDA_SECTORS);
	KT_EQ(read_check(vda, KT_VDA_TAG, 0, 64, 0), 0);
	KT_EQ(read_check(vda, KT_VDA_TAG, KT_VDA_SECTORS - 1, 1, KT_VDA_SECTORS - 1), 0);
	KT_EQ(read_check(vda, KT_VDA_TAG, 12345, 7, 12345), 0);
	KT_EQ(read_check(vdb, KT_VDB_TAG, 20, 3, 20), 0);      /* the INTx disk */
	KT_EQ(blk_read(vda, 777, onstack, 2), 0);               /* bounced */
	KT_EQ(blk_pattern_check(onstack, KT_VDA_TAG, 777, 2), 2);
	KT_ASSERT(virtio_blk_interrupts(vda) > irq_a);
	KT_ASSERT(virtio_blk_interrupts(vdb) > irq_b);
	return 0;
}

/* One request of count sectors at sector over a single linear buffer. */
static int
one_request(struct blkdev *d, enum blk_op op, uint64_t sector, uint32_t count, void *buf)
{
	struct blk_request *rq = kzalloc(sizeof(*rq));
	int r;

	if (!rq)
		return -ENOMEM;
	rq->op = op;
	rq->sector = sector;
	rq->count = count;
	rq->nseg = 1;
	rq->seg[0] = (struct blk_seg){ buf, count * BLK_SECTOR_SIZE };
	r = blk_submit_wait(d, rq);
	kfree(rq);
	return r;
}

struct lost {
	int done;                       /* set by the completion (atomic) */
	int status;
};

static void
lost_done(struct blk_request *rq)
{
	struct lost *l = rq->private;

	l->status = rq->status;
	__atomic_store_n(&l->done, 1, __ATOMIC_RELEASE);
}

/* A fault the watchdog must mend: lose the next n of something.  => its counter. */
typedef uint64_t (*lose_fn)(struct blkdev *d, unsigned n);

/*
 * Read 8 sectors at sector with the next interrupt or notification lost
 * (lose), and wait up to 10 s for the watchdog to get the read done
 * anyway; its counter must have moved.  On a failure the request stays
 * the device's: its memory is left alone.
 */
static int
read_with_lost(struct blkdev *d, uint8_t tag, uint64_t sector, lose_fn lose)
{
	struct blk_request *rq = kzalloc(sizeof(*rq));
	struct lost *l = kzalloc(sizeof(*l));
	void *buf = kmalloc(8 * BLK_SECTOR_SIZE);
	uint64_t before;

	KT_ASSERT(rq && l && buf);
	before = lose(d, 1);
	*rq = (struct blk_request){ .op = BLK_OP_READ, .sector = sector, .count = 8, .nseg = 1,
				    .done = lost_done, .private = l };
	rq->seg[0] = (struct blk_seg){ buf, 8 * BLK_SECTOR_SIZE };
	KT_EQ(blk_submit(d, rq), 0);
	for (int i = 0; i < 1000 && !__atomic_load_n(&l->done, __ATOMIC_ACQUIRE); i++)
		(void)sched_sleep_ns(10000000, false);
	KT_ASSERT(__atomic_load_n(&l->done, __ATOMIC_ACQUIRE));
	KT_EQ(l->status, 0);
	KT_EQ(blk_pattern_check(buf, tag, sector, 8), 8);
	KT_ASSERT(lose(d, 0) >= before + 1);
	kfree(buf);
	kfree(l);
	kfree(rq);
	return 0;
}

KTEST(blk_virtio_watchdog_notifies_a_silent_device,
      "a virtio-blk request whose notification of the device is lost is taken after the watchdog notifies it again")
{
	KT_DISK(vda, "vda");

	KT_EQ(read_with_lost(vda, KT_VDA_TAG, 5432, virtio_blk_lose_kicks), 0);
	KT_EQ(read_check(vda, KT_VDA_TAG, 200, 8, 200), 0);
	return 0;
}

KTEST(blk_virtio_watchdog_collects_lost_completions,
      "a virtio-blk completion whose interrupt is lost (MSI-X and INTx) is collected by the driver's watchdog within seconds, with the right data")
{
	KT_DISK(vda, "vda");
	KT_DISK(vdb, "vdb");

	KT_EQ(read_with_lost(vda, KT_VDA_TAG, 4321, virtio_blk_lose_interrupts), 0);
	KT_EQ(read_with_lost(vdb, KT_VDB_TAG, 77, virtio_blk_lose_interrupts), 0);
	KT_EQ(read_check(vda, KT_VDA_TAG, 100, 8, 100), 0);     /* and interrupts work again */
	return 0;
}

struct fill {
	int left, errors;               /* atomics: requests not done, and failed */
};

static void
fill_done(struct blk_request *rq)
{
	struct fill *f = rq->private;

	if (rq->status)
		__atomic_add_fetch(&f->errors, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&f->left, 1, __ATOMIC_RELEASE);
}

#define FILL_RQ 18
#define FILL_BASE 10240         /* sectors no other ktest writes (9216..13823 stay as made) */

/*
 * Requests that take virtio's ring to its last descriptor (14 of 16 pages
 * and one of 2: 18 * 14 + 4 = 256 descriptors), then three more that must
 * wait for room, all submitted with interrupts off so nothing is collected
 * meanwhile.  Every one reads its own sectors: a request refused for want
 * of room must not touch the header or status of one in flight.
 */
KTEST(blk_virtio_full_ring_keeps_requests_apart,
      "virtio-blk requests that fill the ring to its last descriptor, and three more that wait for room, all read the right sectors")
{
	KT_DISK(vda, "vda");
	struct blk_request *rqs = kzalloc(FILL_RQ * sizeof(*rqs));
	struct fill f = { FILL_RQ, 0 };
	uint8_t *pages[FILL_RQ][16] = { { 0 } };
	unsigned long flags;
	int r = 0;

	KT_ASSERT(rqs);
	for (int i = 0; i < FILL_RQ; i++) {
		unsigned nseg = i < 14 ? 16 : i == 14 ? 2 : 1;

		rqs[i] = (struct blk_request){ .op = BLK_OP_READ, .sector = FILL_BASE + (uint64_t)i * 128,
					       .count = nseg * 8, .nseg = (uint16_t)nseg,
					       .done = fill_done, .private = &f };
		for (unsigned k = 0; k < nseg; k++) {
			KT_ASSERT((pages[i][k] = kmalloc(PAGE_SIZE)) != NULL);
			rqs[i].seg[k] = (struct blk_seg){ pages[i][k], PAGE_SIZE };
		}
	}
	flags = arch_irq_save();
	for (int i = 0; i < FILL_RQ && !r; i++)
		r = blk_submit(vda, &rqs[i]);
	arch_irq_restore(flags);
	KT_EQ(r, 0);
	for (int i = 0; i < 10000 && __atomic_load_n(&f.left, __ATOMIC_ACQUIRE); i++)
		(void)sched_sleep_ns(1000000, false);
	KT_EQ(__atomic_load_n(&f.left, __ATOMIC_ACQUIRE), 0);  /* else they stay the disk's */
	KT_EQ(f.errors, 0);
	for (int i = 0; i < FILL_RQ; i++)
		for (unsigned k = 0; k < rqs[i].nseg; k++) {
			KT_EQ(blk_pattern_check(pages[i][k], KT_VDA_TAG, FILL_BASE + (uint64_t)i * 128 + k * 8, 8), 8);
			kfree(pages[i][k]);
		}
	kfree(rqs);
	return 0;
}

KTEST(blk_ata_reads_pattern,
      "IDE PIO reads the pattern back, an interrupt per sector, including one request longer than a command")
{
	KT_DISK(sda, "sda");
	void *big = kmalloc(300 * BLK_SECTOR_SIZE);
	uint64_t irqs;
	int r;

	KT_ASSERT(big);
	KT_EQ(ata_set_dma(sda, false), 0);                     /* programmed I/O */
	irqs = ata_interrupts(sda);
	KT_EQ(sda->nsectors, KT_SDA_SECTORS);
	KT_EQ(read_check(sda, KT_SDA_TAG, 0, 8, 0), 0);
	KT_EQ(read_check(sda, KT_SDA_TAG, KT_SDA_SECTORS - 2, 2, KT_SDA_SECTORS - 2), 0);
	r = one_request(sda, BLK_OP_READ, 1000, 300, big);     /* the driver issues 256 + 44 */
	KT_EQ(ata_set_dma(sda, true), 0);
	KT_EQ(r, 0);
	KT_EQ(blk_pattern_check(big, KT_SDA_TAG, 1000, 300), 300);
	KT_ASSERT(ata_interrupts(sda) >= irqs + 8 + 2 + 300);  /* one per sector */
	kfree(big);
	return 0;
}

KTEST(blk_ata_dma_moves_data,
      "IDE bus-master DMA: 300 sectors across 64 KiB boundaries in two commands, a few interrupts, same data as PIO")
{
	KT_DISK(sda, "sda");
	uint8_t *big = kmalloc(300 * BLK_SECTOR_SIZE);
	uint64_t cmds = ata_dma_commands(sda), irqs = ata_interrupts(sda);

	KT_ASSERT(big);
	KT_EQ(ata_set_dma(sda, true), 0);
	KT_EQ(one_request(sda, BLK_OP_READ, 3000, 300, big), 0);
	KT_EQ(blk_pattern_check(big, KT_SDA_TAG, 3000, 300), 300);
	KT_EQ(ata_dma_commands(sda), cmds + 2);                /* 256 + 44 sectors */
	KT_ASSERT(ata_interrupts(sda) - irqs <= 4);
	blk_pattern_fill(big, 'Y', 5000, 300);                 /* and back out */
	KT_EQ(one_request(sda, BLK_OP_WRITE, 5000, 300, big), 0);
	KT_EQ(ata_set_dma(sda, false), 0);                     /* read it back by PIO */
	memset(big, 0, 300 * BLK_SECTOR_SIZE);
	KT_EQ(one_request(sda, BLK_OP_READ, 5000, 300, big), 0);
	KT_EQ(ata_set_dma(sda, true), 0);
	KT_EQ(blk_pattern_check(big, 'Y', 5000, 300), 300);
	kfree(big);
	return 0;
}

/* Write tag's pattern at sector, read it back, flush. */
static int
write_readback_flush(struct blkdev *d, uint8_t tag, uint64_t sector, uint32_t count)
{
	void *buf = kmalloc((size_t)count * BLK_SECTOR_SIZE);
	struct blk_stats before, after;

	KT_ASSERT(buf);
	blk_get_stats(d, &before);
	blk_pattern_fill(buf, tag, sector, count);
	KT_EQ(blk_write(d, sector, buf, count), 0);
	memset(buf, 0, (size_t)count * BLK_SECTOR_SIZE);
	KT_EQ(blk_read(d, sector, buf, count), 0);
	KT_EQ(blk_pattern_check(buf, tag, sector, count), count);
	KT_EQ(blk_flush(d), 0);
	blk_get_stats(d, &after);
	KT_EQ(after.flushes, before.flushes + 1);
	KT_ASSERT(after.sectors_written >= before.sectors_written + count);
	kfree(buf);
	return 0;
}

KTEST(blk_virtio_write_readback_flush, "virtio-blk: write sectors 1000-1007, read them back, flush")
{
	KT_DISK(vda, "vda");

	KT_ASSERT(vda->write_cache);          /* QEMU offers VIRTIO_BLK_F_FLUSH */
	return write_readback_flush(vda, 'W', 1000, 8);
}

KTEST(blk_ata_write_readback_flush, "IDE: write sectors 500-507, read them back, FLUSH CACHE")
{
	KT_DISK(sda, "sda");

	return write_readback_flush(sda, 'X', 500, 8);
}

/* A request handed to the hardware without the block layer's range check. */
static int
raw_past_end(struct blkdev *d)
{
	struct blk_request *rq = kzalloc(sizeof(*rq));
	void *buf = kmalloc(BLK_SECTOR_SIZE);
	int r = -1;

	if (rq && buf) {
		rq->op = BLK_OP_READ;
		rq->sector = d->nsectors + 10;
		rq->count = 1;
		rq->nseg = 1;
		rq->seg[0] = (struct blk_seg){ buf, BLK_SECTOR_SIZE };
		r = blk_submit_unchecked_wait(d, rq);
	}
	kfree(rq);
	kfree(buf);
	return r;
}

KTEST(blk_out_of_range_fails_cleanly,
      "sectors past the end: -EINVAL from the block layer, -EIO from the devices themselves; disks still work")
{
	KT_DISK(vda, "vda");
	KT_DISK(sda, "sda");
	KT_DISK(vdb1, "vdb1");
	uint8_t *buf = kmalloc(4 * BLK_SECTOR_SIZE);
	struct blk_stats before, after;

	KT_ASSERT(buf);
	KT_EQ(blk_read(vda, vda->nsectors, buf, 1), -EINVAL);
	KT_EQ(blk_read(vda, vda->nsectors - 1, buf, 2), -EINVAL);
	KT_EQ(blk_read(vda, UINT64_MAX - 1, buf, 4), -EINVAL);
	KT_EQ(blk_read(vda, 0, buf, 0), -EINVAL);
	KT_EQ(blk_write(sda, sda->nsectors, buf, 1), -EINVAL);
	KT_EQ(blk_read(vdb1, vdb1->nsectors, buf, 1), -EINVAL);   /* inside the disk, past the partition */
	blk_get_stats(vda, &before);
	KT_EQ(raw_past_end(vda), -EIO);                            /* VIRTIO_BLK_S_IOERR */
	KT_EQ(raw_past_end(sda), -EIO);                            /* ATA status ERR */
	blk_get_stats(vda, &after);
	KT_EQ(after.errors, before.errors + 1);
	KT_EQ(read_check(vda, KT_VDA_TAG, 5, 1, 5), 0);
	KT_EQ(read_check(sda, KT_SDA_TAG, 5, 1, 5), 0);
	kfree(buf);
	return 0;
}

KTEST(blk_ata_lba48_beyond_128_gib,
      "IDE slave drive of 200 GiB: its pattern reads back; sectors past 2^28 need 48-bit LBA and round-trip")
{
	KT_DISK(sdc, "sdc");
	uint64_t lba = (1ull << 28) + 144;                /* 128 GiB + 72 KiB */
	void *buf = kmalloc(8 * BLK_SECTOR_SIZE);

	KT_ASSERT(buf);
	KT_EQ(sdc->nsectors, KT_SDC_SECTORS);
	KT_EQ(read_check(sdc, KT_SDC_TAG, 0, 64, 0), 0);
	blk_pattern_fill(buf, 'L', lba, 8);
	KT_EQ(blk_write(sdc, lba, buf, 8), 0);
	memset(buf, 0, 8 * BLK_SECTOR_SIZE);
	KT_EQ(blk_read(sdc, lba, buf, 8), 0);
	KT_EQ(blk_pattern_check(buf, 'L', lba, 8), 8);
	KT_EQ(blk_flush(sdc), 0);
	/* A 28-bit command would have wrapped to sector 144: it must still be empty. */
	KT_EQ(blk_read(sdc, 144, buf, 1), 0);
	for (int i = 0; i < BLK_SECTOR_SIZE; i++)
		KT_EQ(((uint8_t *)buf)[i], 0);
	kfree(buf);
	return 0;
}
