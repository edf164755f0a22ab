// SPDX-License-Identifier: MIT
/*
 * swapon(2) and swapoff(2): give mm/ a block device to swap to.
 *
 * The path must name a block device node (a disk or a partition); Keel
 * does not swap to regular files.  Its first page must be a Linux swap
 * header, as mkswap writes it:
 *
 *   offset 1024  uint32 version (1)
 *          1028  uint32 last_page     the last usable page (slot)
 *          1032  uint32 nr_badpages
 *          1036  uuid[16], 1052 label[16], 1068 padding[117 words]
 *          1536  uint32 badpages[nr_badpages]
 *          4086  "SWAPSPACE2"         the last 10 bytes of the page
 *
 * This layer sits above both mm/ and the block layer, so it makes the
 * struct swap_backing (read and write one page at slot * 8 sectors) that
 * mm/ calls without knowing about disks.  Both calls need root (Linux:
 * CAP_SYS_ADMIN).
 */
#include "syscall/sys_mm.h"
#include "block/blk.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/usercopy.h"
#include "sched/cred.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

#define SWAP_MAGIC        "SWAPSPACE2"
#define SWAP_MAGIC_OFF    (PAGE_SIZE - 10)
#define SWAP_FLAG_PREFER  0x8000
#define SWAP_FLAG_PRIO    0x7fff
#define SWAP_FLAG_DISCARD 0x10000
#define SWAP_FLAG_DISCARD_ONCE  0x20000
#define SWAP_FLAG_DISCARD_PAGES 0x40000
#define SWAP_MAX_BAD      ((PAGE_SIZE - 1536 - 10) / 4)

struct swap_header_info {
	uint32_t version;
	uint32_t last_page;
	uint32_t nr_badpages;
	uint8_t uuid[16];
	char label[16];
	uint32_t padding[117];
	uint32_t badpages[];
};

static uint32_t
sectors_per_page(struct blkdev *d)
{
	return PAGE_SIZE / d->sector_size;
}

static int
blk_swap_read(void *dev, uint64_t slot, void *page)
{
	struct blkdev *d = dev;

	return blk_read(d, slot * sectors_per_page(d), page, sectors_per_page(d));
}

static int
blk_swap_write(void *dev, uint64_t slot, const void *page)
{
	struct blkdev *d = dev;

	return blk_write(d, slot * sectors_per_page(d), page, sectors_per_page(d));
}

static const struct swap_backing blk_swap = {
	.read = blk_swap_read,
	.write = blk_swap_write,
};

/* The block device a user path names.  => device or ERR_PTR. */
static struct blkdev *
swap_device(const char *upath)
{
	char *path = kmalloc(PAGE_SIZE);
	struct kstat st;
	long r;

	if (!path)
		return ERR_PTR(-ENOMEM);
	r = strncpy_from_user(path, upath, PAGE_SIZE);
	if (r >= 0 && r >= (long)PAGE_SIZE)
		r = -ENAMETOOLONG;
	if (r >= 0)
		r = vfs_statat(AT_FDCWD, path, 0, &st);
	kfree(path);
	if (r < 0)
		return ERR_PTR(r);
	if (!S_ISBLK(st.mode))
		return ERR_PTR(-EINVAL);    /* Keel swaps to block devices only */
	struct blkdev *d = blkdev_find_devt(MAJOR(st.rdev), MINOR(st.rdev));
	return d ? d : ERR_PTR(-ENXIO);
}

/* Check the header in page (read from d).  => usable pages, or -EINVAL. */
static long
check_header(struct blkdev *d, const uint8_t *page)
{
	const struct swap_header_info *h = (const void *)(page + 1024);
	uint64_t dev_pages = blkdev_bytes(d) / PAGE_SIZE;

	if (memcmp(page + SWAP_MAGIC_OFF, SWAP_MAGIC, 10) != 0)
		return -EINVAL;
	if (h->version != 1 || h->last_page == 0 || h->nr_badpages > SWAP_MAX_BAD)
		return -EINVAL;
	/* A header larger than the device (made for another disk) gets the device's size. */
	return (long)MIN((uint64_t)h->last_page + 1, dev_pages);
}

long
sys_swapon(const char *upath, int flags)
{
	const struct swap_header_info *h;
	struct blkdev *d;
	uint8_t *page;
	long pages;
	int prio = -1;

	if (current()->cred->euid != 0)
		return -EPERM;
	if (flags & ~(SWAP_FLAG_PREFER | SWAP_FLAG_PRIO | SWAP_FLAG_DISCARD |
		      SWAP_FLAG_DISCARD_ONCE | SWAP_FLAG_DISCARD_PAGES))
		return -EINVAL;
	if (flags & SWAP_FLAG_PREFER)
		prio = flags & SWAP_FLAG_PRIO;
	d = swap_device(upath);
	if (IS_ERR(d))
		return PTR_ERR(d);
	if (d->readonly)
		return -EROFS;
	if (d->sector_size == 0 || PAGE_SIZE % d->sector_size)
		return -EINVAL;
	page = kmalloc(PAGE_SIZE);
	if (!page)
		return -ENOMEM;
	pages = blk_read(d, 0, page, sectors_per_page(d));
	if (pages == 0)
		pages = check_header(d, page);
	h = (const void *)(page + 1024);
	if (pages >= 0)
		pages = swap_on(&blk_swap, d, d->name, (uint64_t)pages, h->badpages,
				h->nr_badpages, prio);
	kfree(page);
	return pages < 0 ? pages : 0;
}

long
sys_swapoff(const char *upath)
{
	struct blkdev *d;

	if (current()->cred->euid != 0)
		return -EPERM;
	d = swap_device(upath);
	if (IS_ERR(d))
		return PTR_ERR(d);
	return swap_off(d);
}
