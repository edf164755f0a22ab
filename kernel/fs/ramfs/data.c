// SPDX-License-Identifier: MIT
/*
 * ramfs file contents: pages from the frame allocator in a page tree.
 *
 * A page exists only where something was written (or fallocate reserved
 * one), so holes cost nothing and read as zeros.  Writers hold the inode's
 * lock for the whole write; the data_lock spinlock is held only to look at
 * or change the tree, so copying to and from user memory happens with no
 * spinlock held.  A reader takes a reference on the page it copies from,
 * so a truncate running meanwhile cannot free it under the copy.  The
 * fault path (readpage) takes only data_lock, never the inode's lock: a
 * write whose source buffer is a not-yet-touched mapping of the same file
 * faults into readpage while holding the inode lock, and must not
 * deadlock.
 */
#include "fs/ramfs/ramfs.h"
#include "fs/uio.h"
#include "fs/vfs_ops.h"
#include "arch/arch.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/falloc.h"
#include "uapi/fcntl.h"

/* A regular file's data. */
static struct ramfs_file *
rf_of(struct inode *ino)
{
	return ino->priv;
}

/* The ramfs super block data of ino. */
static struct ramfs_sb *
rsb_of(struct inode *ino)
{
	return ino->sb->priv;
}

/* Give a new regular file its (empty) page tree. */
int
ramfs_file_init(struct inode *ino)
{
	struct ramfs_file *rf = kzalloc(sizeof(*rf));

	if (!rf)
		return -ENOMEM;
	spin_init(&rf->data_lock, "ramfs_data");
	ino->priv = rf;
	return 0;
}

/* The struct page of a data page's kernel address. */
static struct page *
page_of(void *va)
{
	return pa_to_page(virt_to_phys(va));
}

/* pt_truncate's callback: drop one data page. */
static void
drop_page(void *va, void *rsb)
{
	page_put(page_of(va));
	__atomic_sub_fetch(&((struct ramfs_sb *)rsb)->pages, 1, __ATOMIC_RELAXED);
}

/* => ino->lock held (or the inode unreachable). */
void
ramfs_file_resize(struct inode *ino, uint64_t size)
{
	struct ramfs_file *rf = rf_of(ino);
	uint64_t tail;
	void *last;

	spin_lock(&rf->data_lock);
	pt_truncate(&rf->pages, DIV_ROUND_UP(size, PAGE_SIZE), drop_page, rsb_of(ino));
	tail = size & (PAGE_SIZE - 1);
	last = tail ? pt_lookup(&rf->pages, size / PAGE_SIZE) : NULL;
	if (last)
		memset((char *)last + tail, 0, PAGE_SIZE - tail);
	ino->size = size;
	ino->blocks = rf->pages.count * (PAGE_SIZE / 512);
	spin_unlock(&rf->data_lock);
}

/* Free all of a file's data (its last link and user are gone). */
void
ramfs_file_free(struct inode *ino)
{
	if (!ino->priv)
		return;
	ramfs_file_resize(ino, 0);
	kfree(ino->priv);
	ino->priv = NULL;
}

/* The page at index with a reference, or NULL for a hole.  Also returns the size. */
static void *
get_page(struct ramfs_file *rf, struct inode *ino, uint64_t index, uint64_t *size)
{
	void *va;

	spin_lock(&rf->data_lock);
	*size = ino->size;
	va = pt_lookup(&rf->pages, index);
	if (va)
		page_get(page_of(va));
	spin_unlock(&rf->data_lock);
	return va;
}

/* Read page by page; holes read as zeros, no lock held while copying. */
static long
ramfs_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *ino = f->inode;
	struct ramfs_file *rf = rf_of(ino);
	long done = 0, r;

	while (uio_resid(u)) {
		uint64_t size, off = *pos & (PAGE_SIZE - 1), n;
		void *va = get_page(rf, ino, *pos / PAGE_SIZE, &size);

		n = *pos < size ? MIN(MIN(PAGE_SIZE - off, size - *pos), uio_resid(u)) : 0;
		r = !n ? 0 : va ? uio_copy_out(u, (char *)va + off, n) : uio_zero_out(u, n);
		if (va)
			page_put(page_of(va));
		if (r <= 0) {
			if (r < 0 && !done)
				return r;
			break;
		}
		*pos += (uint64_t)r;
		done += r;
		if ((uint64_t)r < n)
			break;
	}
	return done;
}

/* The page at index, made if missing.  => ino->lock held; NULL: no memory. */
static void *
page_for_write(struct ramfs_file *rf, struct inode *ino, uint64_t index)
{
	void *va = pt_lookup(&rf->pages, index);    /* only writers change the tree */
	paddr_t pa;
	int r;

	if (va)
		return va;
	pa = pmm_alloc_zeroed(0);
	if (!pa)
		return NULL;
	va = phys_to_virt(pa);
	spin_lock(&rf->data_lock);
	/* A shared mapping's fault may have filled the hole meanwhile. */
	void *have = pt_lookup(&rf->pages, index);
	r = have ? 0 : pt_insert(&rf->pages, index, va);
	spin_unlock(&rf->data_lock);
	if (have || r) {
		pmm_free(pa, 0);
		return have;
	}
	__atomic_add_fetch(&rsb_of(ino)->pages, 1, __ATOMIC_RELAXED);
	return va;
}

/* One page's worth of a write.  => bytes copied or -errno. */
static long
write_chunk(struct inode *ino, struct uio *u, uint64_t pos)
{
	struct ramfs_file *rf = rf_of(ino);
	uint64_t off = pos & (PAGE_SIZE - 1), n = MIN(PAGE_SIZE - off, uio_resid(u));
	void *va = page_for_write(rf, ino, pos / PAGE_SIZE);
	long r;

	if (!va)
		return -ENOSPC;
	r = uio_copy_in(u, (char *)va + off, n);
	if (r > 0) {
		spin_lock(&rf->data_lock);
		if (pos + (uint64_t)r > ino->size)
			ino->size = pos + (uint64_t)r;
		ino->blocks = rf->pages.count * (PAGE_SIZE / 512);
		spin_unlock(&rf->data_lock);
	}
	return r;
}

/* Write page by page under the inode lock, growing the file. */
static long
ramfs_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *ino = f->inode;
	long done = 0, r = 0;

	mutex_lock(&ino->lock);
	if (file_flags(f) & O_APPEND)
		*pos = ino->size;
	if (*pos >= ino->sb->max_bytes && uio_resid(u)) {
		mutex_unlock(&ino->lock);
		return -EFBIG;
	}
	if (uio_resid(u) > ino->sb->max_bytes - *pos)
		u->resid = ino->sb->max_bytes - *pos;
	while (uio_resid(u)) {
		r = write_chunk(ino, u, *pos);
		if (r <= 0)
			break;
		*pos += (uint64_t)r;
		done += r;
	}
	if (done)
		inode_touch(ino, ATTR_MTIME | ATTR_CTIME);
	mutex_unlock(&ino->lock);
	return done ? done : r;
}

/* The fault path: one page of the file for a private mapping. */
static int
ramfs_readpage(struct file *f, uint64_t off, void *page)
{
	struct inode *ino = f->inode;
	struct ramfs_file *rf = rf_of(ino);
	uint64_t n = 0;
	void *va;

	spin_lock(&rf->data_lock);
	va = pt_lookup(&rf->pages, off / PAGE_SIZE);
	if (off < ino->size)
		n = MIN((uint64_t)PAGE_SIZE, ino->size - off);
	if (va && n)
		memcpy(page, va, n);
	else
		n = 0;
	spin_unlock(&rf->data_lock);
	memset((char *)page + n, 0, PAGE_SIZE - n);
	return 0;
}

/*
 * A shared mapping maps the file's own pages, so the mapping and read()
 * and write() see one copy.  A hole gets a page now: a later write through
 * the mapping must land in the file.  Only data_lock is taken, like
 * readpage, so a fault inside a write to the same file cannot deadlock.
 */
static int
ramfs_getpage(struct file *f, uint64_t off, paddr_t *pa)
{
	struct inode *ino = f->inode;
	struct ramfs_file *rf = rf_of(ino);
	paddr_t fresh = 0;
	void *va;

	for (;;) {
		spin_lock(&rf->data_lock);
		if (off >= ino->size) {
			spin_unlock(&rf->data_lock);
			if (fresh)
				pmm_free(fresh, 0);
			return -ENXIO;
		}
		va = pt_lookup(&rf->pages, off / PAGE_SIZE);
		if (!va && fresh && pt_insert(&rf->pages, off / PAGE_SIZE, phys_to_virt(fresh)) == 0) {
			va = phys_to_virt(fresh);
			fresh = 0;
			__atomic_add_fetch(&rsb_of(ino)->pages, 1, __ATOMIC_RELAXED);
			ino->blocks = rf->pages.count * (PAGE_SIZE / 512);
		}
		if (va)
			page_get(page_of(va));
		spin_unlock(&rf->data_lock);
		if (va)
			break;
		if (fresh || !(fresh = pmm_alloc_zeroed(0)))
			return -ENOMEM;
	}
	if (fresh)
		pmm_free(fresh, 0);
	*pa = virt_to_phys(va);
	return 0;
}

/* A private mapping reading the file: its page if there is one; a hole is copied (zero). */
static int
ramfs_getpage_ro(struct file *f, uint64_t off, paddr_t *pa)
{
	struct inode *ino = f->inode;
	struct ramfs_file *rf = rf_of(ino);
	void *va = NULL;
	int r = -ENXIO;

	spin_lock(&rf->data_lock);
	if (off < ino->size) {
		va = pt_lookup(&rf->pages, off / PAGE_SIZE);
		r = va ? 0 : -ENODATA;
	}
	if (va)
		page_get(page_of(va));
	spin_unlock(&rf->data_lock);
	if (va)
		*pa = virt_to_phys(va);
	return r;
}

/* Nothing to flush: memory is where the data lives. */
static int
ramfs_fsync(struct file *f, bool datasync)
{
	return 0;       /* memory is where the data lives: nothing to flush */
}

const struct file_ops ramfs_file_ops = {
	.read = ramfs_read,
	.write = ramfs_write,
	.llseek = generic_file_llseek,
	.fsync = ramfs_fsync,
	.getpage = ramfs_getpage,
	.getpage_ro = ramfs_getpage_ro,
	.readpage = ramfs_readpage,
};

/*
 * fallocate: give every page of the range its frame now.  Pages past the
 * end (FALLOC_FL_KEEP_SIZE) stay zero until a write lands there, since
 * nothing can write beyond the size without moving it, and a truncate
 * frees them as it frees any page past the end.  If memory runs out, the
 * pages made past the end are given back and the call fails with ENOSPC.
 * => ino->lock held.
 */
int
ramfs_fallocate(struct inode *ino, int mode, uint64_t off, uint64_t len)
{
	struct ramfs_file *rf = rf_of(ino);
	uint64_t first = off / PAGE_SIZE, last = (off + len - 1) / PAGE_SIZE;

	if (mode & ~FALLOC_FL_KEEP_SIZE)
		return -EOPNOTSUPP;
	if (last - first + 1 > pmm_free_pages())
		return -ENOSPC;     /* hopeless: do not empty the machine first */
	for (uint64_t i = first; i <= last; i++) {
		if (!page_for_write(rf, ino, i)) {
			ramfs_file_resize(ino, ino->size);
			return -ENOSPC;
		}
	}
	spin_lock(&rf->data_lock);
	if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > ino->size)
		ino->size = off + len;
	ino->blocks = rf->pages.count * (PAGE_SIZE / 512);
	spin_unlock(&rf->data_lock);
	if (!(mode & FALLOC_FL_KEEP_SIZE))
		inode_touch(ino, ATTR_MTIME | ATTR_CTIME);
	return 0;
}
