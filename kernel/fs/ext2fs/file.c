// SPDX-License-Identifier: MIT
/*
 * Open regular files on ext2: read, write, mmap, fsync.
 *
 * Every operation works one page at a time in two halves: under the
 * volume lock it finds (or reads in) the page, reserves blocks for new
 * data, and takes a reference to the frame; then, with no lock held, it
 * copies between the frame and the caller.  Copying with the lock held
 * would deadlock: the caller's buffer may be a not-yet-touched mapping of
 * an ext2 file (a program's own data segment), whose page fault needs the
 * same lock.  Writers hold the inode's lock throughout, as on ramfs, so
 * writes and truncates of one file do not interleave.
 */
#include "fs/ext2fs/ext2fs.h"
#include "fs/uio.h"
#include "lib/string.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

#define PAGE PCACHE_PAGE_SIZE

/* The frame holding byte pos, referenced, or NULL (past the end: *err 0). */
static void *
frame_for_read(struct e2vol *v, struct e2i *e, uint64_t pos, uint64_t *size, int *err)
{
	struct pcache_page *pg = NULL;
	uint64_t index = pos / PAGE;
	void *data = NULL;

	*err = 0;
	mutex_lock(&v->lock);
	*size = e->size;
	if (pos < e->size && !(pg = pcache_find(&e->pc, index))) {
		/* A miss while reading forward: this page and the next ones, in one batch. */
		if (index == e->ra_next)
			e2_readahead(v, e, index);
		pg = e2_page_get(v, e, index, true, err);   /* cached now, unless that failed */
	}
	if (pg) {
		e->ra_next = index + 1;
		data = pcache_get_data(pg);
		pcache_release(&e->pc, pg);
	}
	mutex_unlock(&v->lock);
	return data;
}

static long
e2_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct e2vol *v = e2_vol(f->inode->sb);
	struct e2i *e = e2_inode(f->inode);
	long done = 0;

	while (uio_resid(u)) {
		uint64_t size, off = *pos % PAGE, n;
		int err;
		void *data = frame_for_read(v, e, *pos, &size, &err);
		long r;

		if (!data)
			return done ? done : err;
		n = MIN(MIN(PAGE - off, size - *pos), (uint64_t)uio_resid(u));
		r = uio_copy_out(u, (uint8_t *)data + off, n);
		pcache_put_data(data);
		if (r <= 0)
			return done ? done : r;
		*pos += (uint64_t)r;
		done += r;
		if ((uint64_t)r < n)
			break;
	}
	return done;
}

/*
 * The page for a write of [off, off + n) of page index: dirty, with blocks
 * reserved, and held (busy) until the copy into it is done, so write-back
 * leaves it alone meanwhile: the file's size does not cover the new bytes
 * yet, and write-back would take the page's reservations for a tail past
 * the end.
 */
static struct pcache_page *
page_for_write(struct e2vol *v, struct e2i *e, uint64_t index, uint32_t off, uint32_t n,
	       int *err)
{
	struct pcache_page *pg;

	mutex_lock(&v->lock);
	*err = ext2_readonly(v->fs) ? -EROFS : 0;
	pg = *err ? NULL : e2_page_get(v, e, index, true, err);
	if (pg && (*err = e2_page_reserve(v, e, pg, off, off + n))) {
		pcache_release(&e->pc, pg);
		pg = NULL;
	}
	if (pg) {
		pcache_dirty(&e->pc, pg);
		e2i_mark_dirty(v, e);
	}
	mutex_unlock(&v->lock);
	return pg;
}

/* One page's worth of a write.  => bytes copied or -errno.  => ino->lock held. */
static long
write_chunk(struct e2vol *v, struct e2i *e, struct inode *ino, struct uio *u, uint64_t pos)
{
	uint32_t off = pos % PAGE, n = (uint32_t)MIN((uint64_t)(PAGE - off), uio_resid(u));
	int err;
	struct pcache_page *pg = page_for_write(v, e, pos / PAGE, off, n, &err);
	long r;

	if (!pg)
		return err;
	/* The page cannot go meanwhile: it is busy, and truncate needs ino->lock. */
	r = uio_copy_in(u, (uint8_t *)pg->data + off, n);
	mutex_lock(&v->lock);
	if (r > 0 && pos + (uint64_t)r > e->size) {
		e->size = pos + (uint64_t)r;
		ino->size = e->size;
	}
	if (r > 0)
		e->attr_dirty = true;
	pcache_release(&e->pc, pg);
	mutex_unlock(&v->lock);
	return r;
}

static long
e2_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *ino = f->inode;
	struct e2vol *v = e2_vol(ino->sb);
	struct e2i *e = e2_inode(ino);
	uint64_t max = ino->sb->max_bytes;
	long done = 0, r = 0;

	mutex_lock(&ino->lock);
	if (file_flags(f) & O_APPEND)
		*pos = READ_ONCE(e->size);
	if (*pos >= max && uio_resid(u)) {
		mutex_unlock(&ino->lock);
		return -EFBIG;
	}
	if (uio_resid(u) > max - *pos)
		u->resid = max - *pos;
	while (uio_resid(u)) {
		if ((r = write_chunk(v, e, ino, u, *pos)) <= 0)
			break;
		*pos += (uint64_t)r;
		done += r;
	}
	mutex_lock(&v->lock);
	if (done) {
		inode_touch(ino, ATTR_MTIME | ATTR_CTIME);
		e->mtime = ino->mtime;
		e->attr_dirty = true;
		e2i_mark_dirty(v, e);
	}
	e2_balance(v, e);
	mutex_unlock(&v->lock);
	mutex_unlock(&ino->lock);
	return done ? done : r;
}

/* A private mapping's page: a copy of the cached one. */
static int
e2_readpage(struct file *f, uint64_t off, void *page)
{
	uint64_t size, n;
	int err;
	void *data = frame_for_read(e2_vol(f->inode->sb), e2_inode(f->inode), off, &size, &err);

	if (!data)
		return err ? err : -ENXIO;
	n = MIN((uint64_t)PAGE, size - off);
	memcpy(page, data, n);
	memset((uint8_t *)page + n, 0, PAGE - n);
	pcache_put_data(data);
	return 0;
}

/*
 * A shared mapping maps the cached page itself.  Opened for writing, the
 * page gets blocks for its holes now (a store through the mapping cannot
 * fail later for lack of space) and counts as dirty while it is mapped.
 * A private mapping that reads (writable false) maps it as it is: a hole
 * reads as a zeroed page in the cache, as read() would see it.
 */
static int
map_page(struct file *f, uint64_t off, paddr_t *pa, bool writable)
{
	struct e2vol *v = e2_vol(f->inode->sb);
	struct e2i *e = e2_inode(f->inode);
	struct pcache_page *pg = NULL;
	int err = 0;

	mutex_lock(&v->lock);
	if (off >= e->size)
		err = -ENXIO;
	else
		pg = e2_page_get(v, e, off / PAGE, true, &err);
	if (pg && writable && !(err = e2_page_reserve(v, e, pg, 0, PAGE))) {
		pcache_dirty(&e->pc, pg);
		e2i_mark_dirty(v, e);
	}
	if (pg && !err)
		*pa = pcache_map_page(pg);
	if (pg)
		pcache_release(&e->pc, pg);
	mutex_unlock(&v->lock);
	return err;
}

static int
e2_getpage(struct file *f, uint64_t off, paddr_t *pa)
{
	struct e2vol *v = e2_vol(f->inode->sb);

	return map_page(f, off, pa, (f->mode & FMODE_WRITE) && !ext2_readonly(v->fs));
}

static int
e2_getpage_ro(struct file *f, uint64_t off, paddr_t *pa)
{
	return map_page(f, off, pa, false);
}

/* fsync: the file's pages, its inode, the free counts, then a device flush. */
static int
e2_fsync(struct file *f, bool datasync)
{
	struct e2vol *v = e2_vol(f->inode->sb);
	int r, s;

	mutex_lock(&v->lock);
	r = e2_writeback(v, e2_inode(f->inode));
	s = ext2_readonly(v->fs) ? 0 : ext2_sync(v->fs);
	mutex_unlock(&v->lock);
	return r ? r : s;
}

const struct file_ops e2_file_fops = {
	.read = e2_read,
	.write = e2_write,
	.llseek = generic_file_llseek,
	.fsync = e2_fsync,
	.readpage = e2_readpage,
	.getpage = e2_getpage,
	.getpage_ro = e2_getpage_ro,
};
