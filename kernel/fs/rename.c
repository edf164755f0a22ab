// SPDX-License-Identifier: MIT
/*
 * rename(2): the one call that changes two directories at once.
 *
 * Locking.  Both parent directories must be locked so neither name can
 * change under us.  Two threads renaming between the same two directories
 * in opposite directions would deadlock if each locked its own source
 * first, so a rename across directories first takes the file system's
 * rename_lock (only one such rename runs per file system) and then locks
 * an ancestor before its descendant.  That also freezes the shape of the
 * tree, so "is the source an ancestor of the target?" has a stable answer:
 * moving a directory into its own subtree would cut it loose (EINVAL),
 * and replacing an ancestor of the source would remove a non-empty
 * directory (ENOTEMPTY).
 *
 * After the checks (permission and sticky bit in both directories; types
 * must agree; a replaced directory must be empty; no mountpoints) the file
 * system moves the entry, then the dentry cache follows: the moved dentry
 * gets its new parent and name, the replaced one is dropped.
 */
#include "fs/internal.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

struct rename_ctx {
	struct nameidata ond, nnd;
	struct dentry *odir, *ndir;         /* the parents */
	struct dentry *old, *new;           /* the names, referenced */
	struct dentry *trap;                /* one parent above the other: its child on the way */
	bool locked, sb_locked;
	unsigned flags;
};

/* Lock both parents: the rename lock, then an ancestor before its descendant. */
static void
lock_parents(struct rename_ctx *c)
{
	struct inode *oi = d_inode(c->odir), *ni = d_inode(c->ndir);
	bool ndir_first = false;

	c->trap = NULL;
	if (c->odir == c->ndir) {
		mutex_lock(&oi->lock);
	} else {
		mutex_lock(&oi->sb->rename_lock);
		c->sb_locked = true;
		dcache_lock_acquire();
		c->trap = d_ancestor_child_locked(c->odir, c->ndir);
		if (!c->trap) {
			c->trap = d_ancestor_child_locked(c->ndir, c->odir);
			ndir_first = c->trap != NULL;
		}
		dcache_lock_release();
		if (ndir_first) {
			mutex_lock(&ni->lock);
			mutex_lock(&oi->lock);
		} else {
			mutex_lock(&oi->lock);
			mutex_lock(&ni->lock);
		}
	}
	c->locked = true;
}

/* Release everything rename_walk and lock_parents took. */
static void
rename_done(struct rename_ctx *c)
{
	if (c->old && !IS_ERR(c->old))
		dput(c->old);
	if (c->new && !IS_ERR(c->new))
		dput(c->new);
	if (c->locked) {
		mutex_unlock(&d_inode(c->odir)->lock);
		if (c->ndir != c->odir)
			mutex_unlock(&d_inode(c->ndir)->lock);
	}
	if (c->sb_locked)
		mutex_unlock(&d_inode(c->odir)->sb->rename_lock);
	nd_release(&c->ond);
	nd_release(&c->nnd);
}

/* The walks, and the checks that need no locks. */
static int
rename_walk(struct rename_ctx *c, int odirfd, const char *opath, int ndirfd, const char *npath)
{
	int r = nd_init(&c->ond, odirfd, opath, 0);

	if (r == 0)
		r = nd_walk_parent(&c->ond);
	if (r)
		return r;
	r = nd_init(&c->nnd, ndirfd, npath, 0);
	if (r == 0)
		r = nd_walk_parent(&c->nnd);
	if (r)
		return r;
	if (c->ond.path.mnt != c->nnd.path.mnt)
		return -EXDEV;
	if (c->ond.last_type != LAST_NORM || c->nnd.last_type != LAST_NORM)
		return -EBUSY;
	c->odir = c->ond.path.dentry;
	c->ndir = c->nnd.path.dentry;
	return mnt_want_write(&c->ond.path);
}

/* Look up both names under the locks and check what they are. */
static int
rename_lookup(struct rename_ctx *c)
{
	struct inode *src, *dst;

	c->old = lookup_dentry_locked(c->odir, c->ond.last, c->ond.last_len);
	if (IS_ERR(c->old))
		return (int)PTR_ERR(c->old);
	src = d_inode(c->old);
	if (!src)
		return -ENOENT;
	if (!S_ISDIR(src->mode) && (c->ond.trailing_slash ||
	    (!(c->flags & RENAME_EXCHANGE) && c->nnd.trailing_slash)))
		return -ENOTDIR;
	if (c->old == c->trap)
		return -EINVAL;
	c->new = lookup_dentry_locked(c->ndir, c->nnd.last, c->nnd.last_len);
	if (IS_ERR(c->new))
		return (int)PTR_ERR(c->new);
	dst = d_inode(c->new);
	if ((c->flags & RENAME_NOREPLACE) && dst)
		return -EEXIST;
	if ((c->flags & RENAME_EXCHANGE) && !dst)
		return -ENOENT;
	if (c->new == c->trap)
		return (c->flags & RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
	return 0;
}

/* May the caller take victim out of dir (and, moving a directory, rewrite its "..")? */
static int
may_move(struct inode *dir, struct inode *victim, bool cross)
{
	int r = inode_permission(dir, MAY_WRITE | MAY_EXEC);

	if (r == 0)
		r = may_delete(dir, victim);
	if (r == 0 && cross && S_ISDIR(victim->mode))
		r = inode_permission(victim, MAY_WRITE);
	return r;
}

/* Permission, sticky bits, type agreement, mountpoints. */
static int
rename_checks(struct rename_ctx *c)
{
	struct inode *odir = d_inode(c->odir), *ndir = d_inode(c->ndir);
	struct inode *src = d_inode(c->old), *dst = d_inode(c->new);
	bool cross = odir != ndir;
	int r = may_move(odir, src, cross);

	if (r)
		return r;
	if (dst && (c->flags & RENAME_EXCHANGE))
		r = may_move(ndir, dst, cross);
	else if (dst)
		r = may_move(ndir, dst, false);
	else
		r = inode_permission(ndir, MAY_WRITE | MAY_EXEC);
	if (r)
		return r;
	if (dst && !(c->flags & RENAME_EXCHANGE)) {
		if (S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
			return -ENOTDIR;
		if (!S_ISDIR(src->mode) && S_ISDIR(dst->mode))
			return -EISDIR;
	}
	if (READ_ONCE(c->old->mounted) || READ_ONCE(c->new->mounted))
		return -EBUSY;
	return odir->iops->rename ? 0 : -EPERM;
}

/* Lock the moved and the replaced inode (lower address first), then call the file system. */
static int
rename_commit(struct rename_ctx *c)
{
	struct inode *src = d_inode(c->old), *dst = d_inode(c->new);
	struct inode *a = src, *b = dst;
	struct rename_args ra = {
		.odir = d_inode(c->odir), .ndir = d_inode(c->ndir),
		.oname = c->ond.last, .olen = c->ond.last_len,
		.nname = c->nnd.last, .nlen = c->nnd.last_len,
		.src = src, .target = dst, .flags = c->flags,
	};
	int r;

	if (b && b < a) {
		a = dst;
		b = src;
	}
	mutex_lock(&a->lock);
	if (b)
		mutex_lock(&b->lock);
	r = 0;
	if (dst && S_ISDIR(dst->mode) && !(c->flags & RENAME_EXCHANGE) &&
	    (!dst->iops->is_empty || !dst->iops->is_empty(dst)))
		r = -ENOTEMPTY;
	if (r == 0)
		r = ra.odir->iops->rename(&ra);
	if (r == 0 && dst && S_ISDIR(dst->mode) && !(c->flags & RENAME_EXCHANGE))
		dst->flags |= I_DEAD;
	if (b)
		mutex_unlock(&b->lock);
	mutex_unlock(&a->lock);
	return r;
}

/* Make the dentry cache agree with the rename the file system did. */
static int
rename_dcache(struct rename_ctx *c)
{
	/*
	 * The file system has done the rename.  Should the cache fail to
	 * follow (no memory for a long name), it forgets both names instead:
	 * the next lookups ask the file system again.
	 */
	if (c->flags & RENAME_EXCHANGE) {
		if (d_exchange(c->old, c->new)) {
			d_drop(c->old);
			d_drop(c->new);
		}
		return 0;
	}
	/* The target name's dentry (negative, or the replaced file) gives way to the moved one. */
	if (d_inode(c->new))
		d_prune_children(c->new);
	d_drop(c->new);
	if (d_move(c->old, c->ndir, c->nnd.last, c->nnd.last_len))
		d_drop(c->old);
	return 0;
}

/* rename, renameat, renameat2 with kernel paths. */
int
vfs_renameat2(int odirfd, const char *opath, int ndirfd, const char *npath, unsigned flags)
{
	struct rename_ctx c;
	int r;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL;     /* no file system of Keel's has whiteouts */
	memset(&c, 0, sizeof(c));
	c.flags = flags;
	r = rename_walk(&c, odirfd, opath, ndirfd, npath);
	if (r == 0) {
		lock_parents(&c);
		r = rename_lookup(&c);
	}
	/* Two names of one inode (hard links): nothing to do. */
	if (r == 0 && d_inode(c.old) == d_inode(c.new)) {
		rename_done(&c);
		return 0;
	}
	if (r == 0)
		r = rename_checks(&c);
	if (r == 0)
		r = rename_commit(&c);
	if (r == 0)
		r = rename_dcache(&c);
	rename_done(&c);
	return r;
}
