/* SPDX-License-Identifier: MIT */
/*
 * The scratch disks the storage ktests run against, as tests/storage/
 * disks.sh makes them (keep the two in step).  Each sector holds the
 * pattern of block/testpattern.h under the disk's tag.
 */
#pragma once

#include "block/blk.h"
#include "block/testpattern.h"
#include "core/ktest.h"
#include "mm/slab.h"

#define KT_VDA_TAG 'A'          /* virtio, MSI-X, 16384 sectors */
#define KT_VDA_SECTORS 16384
#define KT_VDB_TAG 'B'          /* virtio, INTx, MBR */
#define KT_SDA_TAG 'C'          /* IDE primary master, 8192 sectors */
#define KT_SDA_SECTORS 8192
#define KT_SDB_TAG 'D'          /* IDE secondary master, GPT */
#define KT_DISK_SECTORS 16384   /* vdb, sdb */
#define KT_SDC_TAG 'E'          /* IDE secondary slave, 200 GiB sparse: pattern in sectors 0-63 */
#define KT_SDC_SECTORS (200ull << 21)

/* The disk called name, or fail the test. */
#define KT_DISK(var, name)                                                     \
	struct blkdev *var = blkdev_find(name);                                \
	do {                                                                   \
		if (!var) {                                                    \
			printk(KERN_ERR "ktest:   no disk %s (run with the scratch disks of tests/storage/disks.sh)\n", \
			       name);                                          \
			return -1;                                             \
		}                                                              \
	} while (0)

/*
 * The disk holds tag's pattern at 1 KiB block blk of d: a raw read, around
 * any cache (the buffer cache and write-behind tests ask what reached it).
 */
static inline bool
kt_disk_has(struct blkdev *d, uint64_t blk, uint8_t tag)
{
	void *raw = kmalloc(2 * BLK_SECTOR_SIZE);
	bool yes = raw && blk_read(d, blk * 2, raw, 2) == 0 &&
		   blk_pattern_check(raw, tag, blk * 2 + d->start, 2) == 2;

	kfree(raw);
	return yes;
}
