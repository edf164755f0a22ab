// SPDX-License-Identifier: MIT
/*
 * ramfs: a file system that lives entirely in memory, and the smallest
 * complete example of one.  Keel's root file system (unpacked from the
 * initramfs), tmpfs and devtmpfs are all ramfs.
 *
 * The in-memory inode is the file.  A directory keeps a list of
 * (name -> inode) entries; a regular file keeps its pages (data.c); a
 * symbolic link keeps its target string.  An inode lives as long as it has
 * links (SB_PINNED tells the VFS not to free a linked inode when its last
 * reference goes) and, once unlinked, until the last reference goes
 * (evict_inode).  When the file system is unmounted, put_super frees what
 * is left.
 *
 * The directory list is the truth; the dentry cache above is only a copy,
 * so ramfs answers lookups from its list like any disk file system.
 * Entries carry increasing cookies that serve as readdir positions: an
 * entry removed while a directory is being read cannot make the reader
 * skip or repeat another.
 *
 * Locks: the VFS holds each directory's inode->lock around these calls,
 * and the lock of a victim or link source (see fs/fs.h).
 */
#include "fs/ramfs/ramfs.h"
#include "fs/internal.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

#define BOGO_DIRENT_SIZE 20     /* a directory's size grows by this per entry, as tmpfs's */

static const struct inode_ops ramfs_dir_iops;
static const struct inode_ops ramfs_file_iops;
static const struct inode_ops ramfs_link_iops;
static const struct file_ops ramfs_dir_fops;

/* A directory's entry list. */
static struct ramfs_dir *
dir_of(struct inode *ino)
{
	return ino->priv;
}

/* A new inode of any type with its per-type storage. */
struct inode *
ramfs_new_inode(struct super_block *sb, const struct vfs_new *nw, struct inode *parent)
{
	struct inode *ino = inode_alloc(sb, nw->mode);
	struct ramfs_dir *d;

	if (!ino)
		return NULL;
	ino->uid = nw->uid;
	ino->gid = nw->gid;
	ino->rdev = nw->rdev;
	ino->iops = &ramfs_file_iops;
	if (S_ISDIR(nw->mode)) {
		d = kzalloc(sizeof(*d));
		ino->priv = d;
		if (d) {
			list_init(&d->entries);
			d->next_cookie = 2;
			d->parent = parent ? parent : ino;
		}
		ino->nlink = 2;
		ino->iops = &ramfs_dir_iops;
		ino->fops = &ramfs_dir_fops;
	} else if (S_ISREG(nw->mode)) {
		ramfs_file_init(ino);
		ino->fops = &ramfs_file_ops;
	} else if (S_ISLNK(nw->mode)) {
		ino->iops = &ramfs_link_iops;
	}
	if ((S_ISDIR(nw->mode) || S_ISREG(nw->mode)) && !ino->priv) {
		inode_free(ino);
		return NULL;
	}
	__atomic_add_fetch(&((struct ramfs_sb *)sb->priv)->inodes, 1, __ATOMIC_RELAXED);
	return ino;
}

/* Free an inode's storage (no links, no references left). */
void
ramfs_evict(struct inode *ino)
{
	if (S_ISREG(ino->mode))
		ramfs_file_free(ino);
	else
		kfree(ino->priv);
	ino->priv = NULL;
	__atomic_sub_fetch(&((struct ramfs_sb *)ino->sb->priv)->inodes, 1, __ATOMIC_RELAXED);
}

/* The entry for name in dir, or NULL.  => dir locked. */
static struct ramfs_dirent *
find_entry(struct inode *dir, const char *name, size_t len)
{
	struct ramfs_dir *d = dir_of(dir);

	for (struct list_node *n = d->entries.next; n != &d->entries; n = n->next) {
		struct ramfs_dirent *e = list_entry(n, struct ramfs_dirent, node);
		if (e->len == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return NULL;
}

/* A new entry (not yet in a directory).  NULL: no memory. */
static struct ramfs_dirent *
new_entry(const char *name, size_t len, struct inode *ino)
{
	struct ramfs_dirent *e = kmalloc(sizeof(*e) + len + 1);

	if (!e)
		return NULL;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	e->len = len;
	e->inode = ino;
	return e;
}

/* Put e at the end of dir's list with the next cookie. */
static void
add_entry(struct inode *dir, struct ramfs_dirent *e)
{
	struct ramfs_dir *d = dir_of(dir);

	e->cookie = d->next_cookie++;
	list_push_back(&d->entries, &e->node);
	dir->size += BOGO_DIRENT_SIZE;
	inode_touch(dir, ATTR_MTIME | ATTR_CTIME);
}

/* Take e out of dir and free it.  => dir locked. */
static void
remove_entry(struct inode *dir, struct ramfs_dirent *e)
{
	list_remove(&e->node);
	kfree(e);
	dir->size -= BOGO_DIRENT_SIZE;
	inode_touch(dir, ATTR_MTIME | ATTR_CTIME);
}

/* lookup: the inode an entry names, referenced. */
static struct inode *
ramfs_lookup(struct inode *dir, const char *name, size_t len)
{
	struct ramfs_dirent *e = find_entry(dir, name, len);

	if (!e)
		return ERR_PTR(-ENOENT);
	ihold(e->inode);
	return e->inode;
}

/* Make an inode and name it in dir. */
static int
create_named(struct inode *dir, const char *name, size_t len, const struct vfs_new *nw,
	     struct inode **out)
{
	struct ramfs_dirent *e = new_entry(name, len, NULL);
	struct inode *ino;

	if (!e)
		return -ENOSPC;
	ino = ramfs_new_inode(dir->sb, nw, dir);
	if (!ino) {
		kfree(e);
		return -ENOSPC;
	}
	e->inode = ino;
	add_entry(dir, e);
	if (S_ISDIR(nw->mode))
		dir->nlink++;       /* the new directory's ".." */
	*out = ino;
	return 0;
}

/* mknod and mkdir: a new inode under a new name. */
static int
ramfs_mknod(struct inode *dir, const char *name, size_t len, const struct vfs_new *nw,
	    struct inode **out)
{
	return create_named(dir, name, len, nw, out);
}

/* symlink: an inode holding a copy of target. */
static int
ramfs_symlink(struct inode *dir, const char *name, size_t len, const char *target,
	      const struct vfs_new *nw, struct inode **out)
{
	size_t tlen = strlen(target);
	char *copy = kmalloc(tlen + 1);
	int r;

	if (!copy)
		return -ENOSPC;
	memcpy(copy, target, tlen + 1);
	r = create_named(dir, name, len, nw, out);
	if (r) {
		kfree(copy);
		return r;
	}
	(*out)->priv = copy;
	(*out)->size = tlen;
	return 0;
}

/* link: another entry for src. */
static int
ramfs_link(struct inode *src, struct inode *dir, const char *name, size_t len)
{
	struct ramfs_dirent *e = new_entry(name, len, src);

	if (!e)
		return -ENOSPC;
	add_entry(dir, e);
	src->nlink++;
	inode_touch(src, ATTR_CTIME);
	return 0;
}

/* unlink: the entry goes, and one of victim's links. */
static int
ramfs_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct ramfs_dirent *e = find_entry(dir, name, len);

	if (!e || e->inode != victim)
		return -ENOENT;
	remove_entry(dir, e);
	victim->nlink--;
	inode_touch(victim, ATTR_CTIME);
	return 0;
}

/* rmdir: victim (empty) goes, and the parent loses its "..". */
static int
ramfs_rmdir(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct ramfs_dirent *e = find_entry(dir, name, len);

	if (!e || e->inode != victim)
		return -ENOENT;
	remove_entry(dir, e);
	victim->nlink = 0;
	dir->nlink--;
	inode_touch(victim, ATTR_CTIME);
	return 0;
}

/* Is the directory empty? */
static bool
ramfs_is_empty(struct inode *dir)
{
	return list_empty(&dir_of(dir)->entries);
}

/* A directory changes parent: its ".." moves, and with it one link. */
static void
reparent(struct inode *child, struct inode *odir, struct inode *ndir)
{
	if (!S_ISDIR(child->mode) || odir == ndir)
		return;
	dir_of(child)->parent = ndir;
	odir->nlink--;
	ndir->nlink++;
}

/* RENAME_EXCHANGE: the two entries swap inodes. */
static int
rename_exchange(const struct rename_args *ra, struct ramfs_dirent *se, struct ramfs_dirent *te)
{
	se->inode = ra->target;
	te->inode = ra->src;
	reparent(ra->src, ra->odir, ra->ndir);
	reparent(ra->target, ra->ndir, ra->odir);
	inode_touch(ra->odir, ATTR_MTIME | ATTR_CTIME);
	inode_touch(ra->ndir, ATTR_MTIME | ATTR_CTIME);
	return 0;
}

/* rename: move an entry, replacing any target. */
static int
ramfs_rename(const struct rename_args *ra)
{
	struct ramfs_dirent *se = find_entry(ra->odir, ra->oname, ra->olen);
	struct ramfs_dirent *te = find_entry(ra->ndir, ra->nname, ra->nlen), *ne = NULL;

	if (!se || se->inode != ra->src || (te ? te->inode : NULL) != ra->target)
		return -ENOENT;
	if (ra->flags & RENAME_EXCHANGE)
		return rename_exchange(ra, se, te);
	if (!te && !(ne = new_entry(ra->nname, ra->nlen, ra->src)))
		return -ENOSPC;
	if (te) {
		/* The replaced inode loses this name; a directory also its "..". */
		if (S_ISDIR(ra->target->mode)) {
			ra->target->nlink = 0;
			ra->ndir->nlink--;
		} else {
			ra->target->nlink--;
		}
		inode_touch(ra->target, ATTR_CTIME);
		te->inode = ra->src;
		inode_touch(ra->ndir, ATTR_MTIME | ATTR_CTIME);
	} else {
		add_entry(ra->ndir, ne);
	}
	remove_entry(ra->odir, se);
	reparent(ra->src, ra->odir, ra->ndir);
	inode_touch(ra->src, ATTR_CTIME);
	return 0;
}

/* readdir: "." and "..", then entries by cookie from ctx->pos. */
static int
ramfs_readdir(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct ramfs_dir *d = dir_of(dir);

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->ino, mode_to_dtype(S_IFDIR)))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, d->parent->ino, mode_to_dtype(S_IFDIR)))
			return 0;
		ctx->pos = 2;
	}
	for (struct list_node *n = d->entries.next; n != &d->entries; n = n->next) {
		struct ramfs_dirent *e = list_entry(n, struct ramfs_dirent, node);
		if (e->cookie < ctx->pos)
			continue;
		if (!ctx->emit(ctx, e->name, e->len, e->inode->ino, mode_to_dtype(e->inode->mode)))
			return 0;
		ctx->pos = e->cookie + 1;
	}
	return 0;
}

/* lseek on a directory: a cookie position (SEEK_SET, SEEK_CUR only). */
static int64_t
ramfs_dir_llseek(struct file *f, int64_t off, int whence)
{
	if (whence == SEEK_CUR)
		off += (int64_t)f->pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	return off < 0 ? -EINVAL : off;
}

/* readlink: the stored target. */
static long
ramfs_readlink(struct inode *ino, char *buf, size_t size)
{
	size_t n = MIN(size, (size_t)ino->size);

	memcpy(buf, ino->priv, n);
	return (long)n;
}

/* => ino->lock held. */
static int
ramfs_setattr(struct inode *ino, const struct iattr *ia)
{
	if ((ia->valid & ATTR_SIZE) && S_ISREG(ino->mode))
		ramfs_file_resize(ino, ia->size);
	inode_apply_attr(ino, ia);
	return 0;
}

/* fsync on a directory: nothing to flush. */
static int
ramfs_dir_fsync(struct file *f, bool datasync)
{
	return 0;
}

static const struct inode_ops ramfs_dir_iops = {
	.lookup = ramfs_lookup,
	.mknod = ramfs_mknod,
	.mkdir = ramfs_mknod,
	.symlink = ramfs_symlink,
	.link = ramfs_link,
	.unlink = ramfs_unlink,
	.rmdir = ramfs_rmdir,
	.rename = ramfs_rename,
	.setattr = ramfs_setattr,
	.is_empty = ramfs_is_empty,
};

static const struct inode_ops ramfs_file_iops = {
	.setattr = ramfs_setattr,
	.fallocate = ramfs_fallocate,
};

static const struct inode_ops ramfs_link_iops = {
	.readlink = ramfs_readlink,
	.setattr = ramfs_setattr,
};

static const struct file_ops ramfs_dir_fops = {
	.readdir = ramfs_readdir,
	.llseek = ramfs_dir_llseek,
	.fsync = ramfs_dir_fsync,
};

/*
 * Unmount: free every entry of dir.  Subdirectories go on work (through
 * their unused hash_node) instead of being freed recursively, so a deep
 * tree cannot overflow the kernel stack; other inodes are freed with their
 * last link.
 */
void
ramfs_dir_dismantle(struct inode *dir, struct list_node *work)
{
	struct ramfs_dir *d = dir_of(dir);
	struct list_node *n;

	while ((n = list_pop_front(&d->entries)) != NULL) {
		struct ramfs_dirent *e = list_entry(n, struct ramfs_dirent, node);
		struct inode *ino = e->inode;

		kfree(e);
		if (S_ISDIR(ino->mode)) {
			list_push_back(work, &ino->hash_node);
		} else if (--ino->nlink == 0) {
			ramfs_evict(ino);
			inode_free(ino);
		}
	}
}
