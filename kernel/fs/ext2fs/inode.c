// SPDX-License-Identifier: MIT
/*
 * In-core inodes: the bridge between the VFS's struct inode and the inode
 * numbers the ext2 library works with.
 *
 * The disk inode (through the library, which reads it from the buffer
 * cache) is the truth for everything but a regular file's size and mtime
 * while written data is still in the page cache: those live in struct e2i
 * until write-back puts them on disk after the data.  The VFS inode is a
 * copy, refreshed after every operation that may change the disk inode.
 *
 * Life cycle of a struct e2i:
 *
 *   e2_iget_locked   made with the first VFS inode for its number, or
 *                    picked up again by a new VFS inode if it was still
 *                    waiting for write-back
 *   release_inode    the VFS let go of a linked inode: the e2i is freed at
 *                    once when clean, else it stays on the dirty list and
 *                    the flusher frees it after writing it back
 *   evict_inode      the last reference to an unlinked inode went: its
 *                    pages are dropped (reserved blocks given back) and the
 *                    library frees its blocks and number
 *
 * Because the VFS drops an inode from its cache before it calls
 * release_inode, a lookup may build a new VFS inode for the same number
 * before the old one is released; the e2i table, searched under the
 * volume lock, hands it the same e2i, so a file never has two page caches.
 */
#include "fs/ext2fs/ext2fs.h"
#include "fs/internal.h"
#include "core/printk.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/stat.h"

static struct list_node *
chain(struct e2vol *v, uint32_t nr)
{
	return &v->inodes[nr % E2_HASH];
}

static struct e2i *
e2i_lookup(struct e2vol *v, uint32_t nr)
{
	list_for_each(n, chain(v, nr)) {
		struct e2i *e = list_entry(n, struct e2i, hash_node);

		if (e->nr == nr)
			return e;
	}
	return NULL;
}

static struct e2i *
e2i_new(struct e2vol *v, uint32_t nr, const struct ext2_stat *st)
{
	struct e2i *e = kzalloc(sizeof(*e));

	if (!e)
		return NULL;
	e->nr = nr;
	e->mode = st->mode & S_IFMT;
	e->size = st->size;
	if (S_ISREG(e->mode))
		pcache_init(&e->pc);
	list_init(&e->dirty_node);
	list_push_back(chain(v, nr), &e->hash_node);
	return e;
}

void
e2i_free(struct e2vol *v, struct e2i *e)
{
	list_remove(&e->hash_node);
	if (list_linked(&e->dirty_node))
		list_remove(&e->dirty_node);
	if (S_ISREG(e->mode))
		pcache_destroy(&e->pc, NULL, NULL);
	kfree(e);
}

void
e2i_free_all(struct e2vol *v)
{
	for (unsigned i = 0; i < E2_HASH; i++)
		while (!list_empty(&v->inodes[i]))
			e2i_free(v, list_entry(v->inodes[i].next, struct e2i, hash_node));
}

void
e2i_mark_dirty(struct e2vol *v, struct e2i *e)
{
	if (!list_linked(&e->dirty_node))
		list_push_back(&v->dirty, &e->dirty_node);
}

static struct timespec
secs(uint32_t s)
{
	return (struct timespec){ .tv_sec = s, .tv_nsec = 0 };
}

/* The VFS inode's attributes from the disk inode and the in-core state. */
static void
fill_attrs(struct inode *ino, const struct e2i *e, const struct ext2_stat *st)
{
	ino->mode = st->mode;
	ino->uid = st->uid;
	ino->gid = st->gid;
	ino->nlink = st->nlink;
	ino->size = S_ISREG(st->mode) ? e->size : st->size;
	ino->blocks = st->blocks;
	ino->atime = secs(st->atime);
	if (e->attr_dirty) {
		ino->mtime = ino->ctime = e->mtime;
	} else {
		ino->mtime = secs(st->mtime);
		ino->ctime = secs(st->ctime);
	}
	ino->btime = ino->ctime;
}

int
e2_refresh(struct e2vol *v, struct inode *ino)
{
	struct ext2_stat st;
	int r = ext2_getattr(v->fs, (uint32_t)ino->ino, &st);

	if (r)
		return e2_report(v, r);
	fill_attrs(ino, e2_inode(ino), &st);
	return 0;
}

static void
set_ops(struct inode *ino)
{
	switch (ino->mode & S_IFMT) {
	case S_IFDIR:
		ino->iops = &e2_dir_iops;
		ino->fops = &e2_dir_fops;
		break;
	case S_IFREG:
		ino->iops = &e2_file_iops;
		ino->fops = &e2_file_fops;
		break;
	case S_IFLNK:
		ino->iops = &e2_link_iops;
		break;
	default:        /* devices, FIFOs, sockets: the VFS picks their file ops */
		ino->iops = &e2_file_iops;
		break;
	}
}

/* A new VFS inode on e with the attributes st. */
static struct inode *
vfs_inode_new(struct e2vol *v, struct e2i *e, const struct ext2_stat *st)
{
	struct inode *ino = inode_alloc(v->sb, st->mode);

	if (!ino)
		return NULL;
	ino->ino = e->nr;
	ino->priv = e;
	ino->rdev = MKDEV(st->rdev_major, st->rdev_minor);
	fill_attrs(ino, e, st);
	set_ops(ino);
	e->vfs = ino;
	return ino;
}

struct inode *
e2_iget_locked(struct e2vol *v, uint32_t nr)
{
	struct inode *ino = inode_find(v->sb, nr);
	struct ext2_stat st;
	struct e2i *e;
	bool fresh;
	int r;

	if (ino)
		return ino;         /* inodes enter the cache only under vol->lock */
	if ((r = ext2_getattr(v->fs, nr, &st)))
		return ERR_PTR(e2_report(v, r));
	e = e2i_lookup(v, nr);
	if (!e && (st.nlink == 0 || (st.mode & S_IFMT) == 0)) {
		pr_err("ext2: %s: a directory entry names inode %u, which is not in use\n",
		       v->name, nr);
		return ERR_PTR(-EIO);
	}
	fresh = !e;
	if (fresh && !(e = e2i_new(v, nr, &st)))
		return ERR_PTR(-ENOMEM);
	if ((st.mode & S_IFMT) != e->mode)
		return ERR_PTR(-EIO);
	if (!(ino = vfs_inode_new(v, e, &st))) {
		if (fresh)
			e2i_free(v, e);
		return ERR_PTR(-ENOMEM);
	}
	return inode_hash_insert(ino);
}

/* The last reference to a linked inode: keep its e2i only while it is dirty. */
void
e2_release_inode(struct inode *ino)
{
	struct e2vol *v = e2_vol(ino->sb);
	struct e2i *e = e2_inode(ino);

	mutex_lock(&v->lock);
	if (e->vfs == ino) {
		e->vfs = NULL;
		if (!list_linked(&e->dirty_node))
			e2i_free(v, e);
	}
	mutex_unlock(&v->lock);
}

/* The last reference to an unlinked inode: its data, blocks and number go. */
void
e2_evict_inode(struct inode *ino)
{
	struct e2vol *v = e2_vol(ino->sb);
	struct e2i *e = e2_inode(ino);
	int r;

	mutex_lock(&v->lock);
	if (S_ISREG(e->mode))
		e2_pages_cut(v, e, 0);
	r = ext2_readonly(v->fs) ? -EROFS : ext2_inode_free(v->fs, e->nr);
	if (r)
		pr_warn("ext2: %s: cannot free unlinked inode %u (error %d); e2fsck will free it\n",
			v->name, e->nr, r);
	e2i_free(v, e);
	mutex_unlock(&v->lock);
}

/* Truncate or extend a regular file's data and its in-core size. */
static int
resize(struct e2vol *v, struct e2i *e, uint64_t size)
{
	int r;

	if (size > ext2_max_file_size(v->fs))
		return -EFBIG;
	if (size < e->size)
		e2_pages_cut(v, e, size);
	else if (size > e->size && (r = e2_page_zero(v, e, e->size, size)))
		return r;
	if ((r = ext2_truncate(v->fs, e->nr, size)))
		return e2_report(v, r);
	e->size = size;
	return 0;
}

/* The library's attribute mask for the VFS's. */
static void
to_ext2_attr(const struct iattr *ia, struct ext2_setattr *sa)
{
	sa->mask = 0;
	if (ia->valid & ATTR_MODE)
		sa->mask |= EXT2_SET_MODE;
	if (ia->valid & ATTR_UID)
		sa->mask |= EXT2_SET_UID;
	if (ia->valid & ATTR_GID)
		sa->mask |= EXT2_SET_GID;
	if (ia->valid & ATTR_ATIME)
		sa->mask |= EXT2_SET_ATIME;
	if (ia->valid & ATTR_MTIME)
		sa->mask |= EXT2_SET_MTIME;
	sa->mode = ia->mode;
	sa->uid = ia->uid;
	sa->gid = ia->gid;
	sa->atime = (uint32_t)ia->atime.tv_sec;
	sa->mtime = (uint32_t)ia->mtime.tv_sec;
}

/* chmod, chown, utimensat, truncate.  => ino->lock held. */
int
e2_setattr(struct inode *ino, const struct iattr *ia)
{
	struct e2vol *v = e2_vol(ino->sb);
	struct e2i *e = e2_inode(ino);
	struct ext2_setattr sa;
	int r = 0;

	mutex_lock(&v->lock);
	if ((ia->valid & ATTR_SIZE) && S_ISREG(e->mode))
		r = resize(v, e, ia->size);
	to_ext2_attr(ia, &sa);
	if (!r && sa.mask && (r = ext2_setattr(v->fs, e->nr, &sa)))
		r = e2_report(v, r);
	if (!r && (ia->valid & ATTR_MTIME) && e->attr_dirty)
		e->mtime = secs(sa.mtime);
	if (!r && (ia->valid & ATTR_SIZE) && e->attr_dirty)
		vfs_now(&e->mtime);
	if (!r)
		r = e2_refresh(v, ino);
	mutex_unlock(&v->lock);
	return r;
}
