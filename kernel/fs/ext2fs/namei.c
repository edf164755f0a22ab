// SPDX-License-Identifier: MIT
/*
 * Directories and names on ext2: the VFS's inode operations, each one
 * library call under the volume lock, followed by a refresh of the VFS
 * inodes whose disk inodes it changed (link counts, sizes, times).
 *
 * Removing a name never frees the inode here: the library keeps an inode
 * that lost its last link allocated (an "orphan"), the VFS inode's link
 * count drops to zero, and the inode's storage goes when its last user
 * does (e2_evict_inode).  An unlinked file that is still open keeps its
 * data until it is closed, as Unix promises.
 */
#include "fs/ext2fs/ext2fs.h"
#include "core/printk.h"
#include "lib/string.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

static uint32_t
nr_of(const struct inode *ino)
{
	return (uint32_t)ino->ino;
}

/*
 * A directory found under a name in dir must name dir as its "..": any
 * other answer means a hard link to a directory or a loop in the tree
 * (a damaged volume), which would let a path walk go round for ever.
 */
static int
check_subdir(struct e2vol *v, uint32_t dir, uint32_t nr)
{
	struct ext2_stat st;
	uint32_t up = 0;
	int r = ext2_getattr(v->fs, nr, &st);

	if (r || !S_ISDIR(st.mode))
		return r == -EIO ? e2_report(v, r) : r;
	r = ext2_lookup(v->fs, nr, "..", 2, &up);
	if (r && r != -ENOENT)
		return e2_report(v, r);         /* its first block is damaged: said so */
	if (!r && nr != dir && up == dir)
		return 0;
	pr_err("ext2: %s: directory %u is named in directory %u but its \"..\" is %u "
	       "(a directory loop); run e2fsck\n", v->name, nr, dir, up);
	return -EIO;
}

/* => v->lock held.  Keep what the lookup of name learnt (see e2vol.hint). */
static void
keep_hint(struct e2vol *v, const char *name, size_t len)
{
	if (len > sizeof(v->hint_name))
		v->hint.dir = 0;
	v->hint_len = (uint8_t)len;
	memcpy(v->hint_name, name, MIN(len, sizeof(v->hint_name)));
}

/*
 * => v->lock held, about to change a directory.  The hint for name in dir,
 * if the last lookup left one; either way none is left, since the change
 * makes it stale.
 */
static const struct ext2_dir_hint *
take_hint(struct e2vol *v, struct inode *dir, const char *name, size_t len,
	  struct ext2_dir_hint *out)
{
	bool same = v->hint.dir && v->hint.dir == nr_of(dir) && v->hint_len == len &&
		    memcmp(v->hint_name, name, len) == 0;

	*out = v->hint;
	v->hint.dir = 0;
	return same ? out : NULL;
}

static struct inode *
e2_lookup(struct inode *dir, const char *name, size_t len)
{
	struct e2vol *v = e2_vol(dir->sb);
	struct inode *ino;
	uint32_t nr;
	int r;

	mutex_lock(&v->lock);
	r = ext2_lookup_hint(v->fs, nr_of(dir), name, len, &nr, &v->hint);
	keep_hint(v, name, len);
	if (!r)
		r = check_subdir(v, nr_of(dir), nr);
	if (r)
		ino = ERR_PTR(r == -ENOENT || r == -ENAMETOOLONG ? r : e2_report(v, r));
	else
		ino = e2_iget_locked(v, nr);
	mutex_unlock(&v->lock);
	return ino;
}

static void
to_ext2_new(const struct vfs_new *nw, struct ext2_new *en)
{
	en->mode = nw->mode;
	en->uid = nw->uid;
	en->gid = nw->gid;
	en->rdev_major = MAJOR(nw->rdev);
	en->rdev_minor = MINOR(nw->rdev);
	en->hint = NULL;
}

/* After a create: the new inode for the VFS, and the parent's new attributes. */
static int
created(struct e2vol *v, struct inode *dir, int r, uint32_t nr, struct inode **out)
{
	struct inode *ino;

	if (r)
		return r == -EIO ? e2_report(v, r) : r;
	ino = e2_iget_locked(v, nr);
	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	*out = ino;
	return e2_refresh(v, dir);
}

static int
e2_mknod(struct inode *dir, const char *name, size_t len, const struct vfs_new *nw,
	 struct inode **out)
{
	struct e2vol *v = e2_vol(dir->sb);
	struct ext2_dir_hint hint;
	struct ext2_new en;
	uint32_t nr = 0;
	int r;

	to_ext2_new(nw, &en);
	mutex_lock(&v->lock);
	en.hint = take_hint(v, dir, name, len, &hint);
	r = S_ISREG(nw->mode) ? ext2_create(v->fs, nr_of(dir), name, len, &en, &nr)
			      : ext2_mknod(v->fs, nr_of(dir), name, len, &en, &nr);
	r = created(v, dir, r, nr, out);
	mutex_unlock(&v->lock);
	return r;
}

static int
e2_mkdir(struct inode *dir, const char *name, size_t len, const struct vfs_new *nw,
	 struct inode **out)
{
	struct e2vol *v = e2_vol(dir->sb);
	struct ext2_dir_hint hint;
	struct ext2_new en;
	uint32_t nr = 0;
	int r;

	to_ext2_new(nw, &en);
	mutex_lock(&v->lock);
	en.hint = take_hint(v, dir, name, len, &hint);
	r = ext2_mkdir(v->fs, nr_of(dir), name, len, &en, &nr);
	r = created(v, dir, r, nr, out);
	mutex_unlock(&v->lock);
	return r;
}

static int
e2_symlink(struct inode *dir, const char *name, size_t len, const char *target,
	   const struct vfs_new *nw, struct inode **out)
{
	struct e2vol *v = e2_vol(dir->sb);
	struct ext2_dir_hint hint;
	struct ext2_new en;
	uint32_t nr = 0;
	int r;

	to_ext2_new(nw, &en);
	mutex_lock(&v->lock);
	en.hint = take_hint(v, dir, name, len, &hint);
	r = ext2_symlink(v->fs, nr_of(dir), name, len, target, strlen(target), &en, &nr);
	r = created(v, dir, r, nr, out);
	mutex_unlock(&v->lock);
	return r;
}

/* After a change: refresh each of the (up to four) inodes named. */
static int
refresh_all(struct e2vol *v, int r, struct inode *a, struct inode *b, struct inode *c,
	    struct inode *d)
{
	struct inode *all[4] = { a, b, c, d };

	if (r)
		return r == -EIO ? e2_report(v, r) : r;
	for (int i = 0; i < 4 && !r; i++)
		if (all[i])
			r = e2_refresh(v, all[i]);
	return r;
}

static int
e2_link(struct inode *src, struct inode *dir, const char *name, size_t len)
{
	struct e2vol *v = e2_vol(dir->sb);
	struct ext2_dir_hint hint;
	int r;

	mutex_lock(&v->lock);
	take_hint(v, dir, name, len, &hint);
	r = ext2_link(v->fs, nr_of(src), nr_of(dir), name, len);
	r = refresh_all(v, r, src, dir, NULL, NULL);
	mutex_unlock(&v->lock);
	return r;
}

static int
e2_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct e2vol *v = e2_vol(dir->sb);
	uint32_t orphan;
	struct ext2_dir_hint hint;
	int r;

	mutex_lock(&v->lock);
	r = ext2_unlink_hinted(v->fs, nr_of(dir), name, len, take_hint(v, dir, name, len, &hint),
			       &orphan);
	r = refresh_all(v, r, dir, victim, NULL, NULL);
	mutex_unlock(&v->lock);
	return r;
}

static int
e2_rmdir(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct e2vol *v = e2_vol(dir->sb);
	uint32_t orphan;
	struct ext2_dir_hint hint;
	int r;

	mutex_lock(&v->lock);
	take_hint(v, dir, name, len, &hint);
	r = ext2_rmdir(v->fs, nr_of(dir), name, len, &orphan);
	r = refresh_all(v, r, dir, victim, NULL, NULL);
	mutex_unlock(&v->lock);
	return r;
}

static int
e2_rename(const struct rename_args *ra)
{
	struct e2vol *v = e2_vol(ra->odir->sb);
	uint32_t orphan;
	struct ext2_dir_hint hint;
	int r;

	mutex_lock(&v->lock);
	take_hint(v, ra->odir, ra->oname, ra->olen, &hint);
	if (ra->flags & RENAME_EXCHANGE)
		r = ext2_exchange(v->fs, nr_of(ra->odir), ra->oname, ra->olen, nr_of(ra->ndir),
				  ra->nname, ra->nlen);
	else
		r = ext2_rename(v->fs, nr_of(ra->odir), ra->oname, ra->olen, nr_of(ra->ndir),
				ra->nname, ra->nlen, &orphan);
	r = refresh_all(v, r, ra->odir, ra->ndir != ra->odir ? ra->ndir : NULL, ra->src,
			ra->target);
	mutex_unlock(&v->lock);
	return r;
}

static long
e2_readlink(struct inode *ino, char *buf, size_t size)
{
	struct e2vol *v = e2_vol(ino->sb);
	long r;

	mutex_lock(&v->lock);
	r = ext2_readlink(v->fs, nr_of(ino), buf, size);
	if (r == -EIO)
		e2_report(v, (int)r);
	mutex_unlock(&v->lock);
	return r;
}

/* Stop at the first entry other than "." and "..". */
static int
not_empty_fn(void *arg, const char *name, size_t len, uint32_t ino, unsigned type)
{
	bool dots = (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');

	*(bool *)arg = !dots;
	return !dots;
}

static bool
e2_is_empty(struct inode *dir)
{
	struct e2vol *v = e2_vol(dir->sb);
	bool found = false;
	uint64_t pos = 0;
	int r;

	mutex_lock(&v->lock);
	r = ext2_readdir(v->fs, nr_of(dir), &pos, not_empty_fn, &found);
	if (r)
		e2_report(v, r);
	mutex_unlock(&v->lock);
	return !r && !found;        /* a damaged directory is never "empty" */
}

static int
emit_fn(void *arg, const char *name, size_t len, uint32_t ino, unsigned type)
{
	struct dir_context *ctx = arg;

	return !ctx->emit(ctx, name, len, ino, type);
}

/* getdents: ctx->pos is the byte offset of the next entry in the directory. */
static int
e2_readdir(struct file *f, struct dir_context *ctx)
{
	struct e2vol *v = e2_vol(f->inode->sb);
	int r;

	mutex_lock(&v->lock);
	r = ext2_readdir(v->fs, nr_of(f->inode), &ctx->pos, emit_fn, ctx);
	if (r == -EIO)
		e2_report(v, r);
	mutex_unlock(&v->lock);
	return r;
}

static int64_t
e2_dir_llseek(struct file *f, int64_t off, int whence)
{
	if (whence == SEEK_CUR)
		off += (int64_t)f->pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	return off < 0 ? -EINVAL : off;
}

/* A directory's changes are written as they happen: fsync only flushes the disk. */
static int
e2_dir_fsync(struct file *f, bool datasync)
{
	struct e2vol *v = e2_vol(f->inode->sb);
	int r;

	mutex_lock(&v->lock);
	r = ext2_readonly(v->fs) ? 0 : ext2_sync(v->fs);
	mutex_unlock(&v->lock);
	return r;
}

const struct inode_ops e2_dir_iops = {
	.lookup = e2_lookup,
	.mknod = e2_mknod,
	.mkdir = e2_mkdir,
	.symlink = e2_symlink,
	.link = e2_link,
	.unlink = e2_unlink,
	.rmdir = e2_rmdir,
	.rename = e2_rename,
	.setattr = e2_setattr,
	.is_empty = e2_is_empty,
};

const struct inode_ops e2_file_iops = {
	.setattr = e2_setattr,
};

const struct inode_ops e2_link_iops = {
	.readlink = e2_readlink,
	.setattr = e2_setattr,
};

const struct file_ops e2_dir_fops = {
	.readdir = e2_readdir,
	.llseek = e2_dir_llseek,
	.fsync = e2_dir_fsync,
};
