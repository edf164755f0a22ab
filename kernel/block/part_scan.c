// SPDX-License-Identifier: MIT
/*
 * Reading a disk's partition table at registration and registering each
 * partition as a block device of its own (vda1, vda2, ...): a window on
 * the disk whose requests the block layer shifts by the partition's start.
 */
#include "block/internal.h"
#include "block/part.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"

struct scan_ctx {
	struct blkdev *disk;
	void *sector;            /* linear, so no bounce per read */
};

static int
read_sector(void *arg, uint64_t lba, void *buf)
{
	struct scan_ctx *c = arg;
	int r = blk_read(c->disk, lba, c->sector, 1);

	if (r == 0)
		memcpy(buf, c->sector, BLK_SECTOR_SIZE);
	return r;
}

static const char *
scheme_name(enum part_scheme s)
{
	return s == PART_SCHEME_GPT ? "GPT" : s == PART_SCHEME_MBR ? "MBR" : "none";
}

int
blk_scan_partitions(struct blkdev *d)
{
	struct scan_ctx c = { .disk = d };
	struct part_table *t = kmalloc(sizeof(*t));
	int r;

	if (d->parent)
		return -EINVAL;
	c.sector = kmalloc(BLK_SECTOR_SIZE);
	if (!t || !c.sector) {
		r = -ENOMEM;
		goto out;
	}
	r = part_parse(d->name, read_sector, &c, d->nsectors, t);
	if (r) {
		pr_warn("part: %s: cannot read the partition table (%d)\n", d->name, r);
		goto out;
	}
	if (t->scheme != PART_SCHEME_NONE)
		pr_info("part: %s: %s, %d partitions\n", d->name, scheme_name(t->scheme), t->n);
	for (int i = 0; i < t->n; i++) {
		int e = blkdev_register_partition(d, t->p[i].index, t->p[i].start, t->p[i].count);

		if (e)
			pr_warn("part: %s: partition %d not registered (%d)\n", d->name,
				t->p[i].index, e);
	}
out:
	kfree(c.sector);
	kfree(t);
	return r;
}
