// SPDX-License-Identifier: MIT
/*
 * Making and removing names: mknod, mkdir, symlink, link, unlink, rmdir,
 * and readlink.
 *
 * Each follows one pattern: walk to the parent directory, lock it, look
 * the last name up under the lock (so nobody else can create or remove it
 * meanwhile), check, call the file system, and update the dentry: a new
 * inode turns the negative dentry positive (d_add); a removal turns it
 * negative or kills it (d_delete).  The checks come in Linux's order, so a
 * program sees the same errno for the same mistake.
 */
#include "fs/internal.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "sched/cred.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

/* A parent directory, locked, and the referenced dentry of the last name. */
struct dir_target {
	struct nameidata nd;
	struct inode *dir;
	struct dentry *d;
};

/* Release a target: its dentry, the parent's lock, the walk. */
static void
target_done(struct dir_target *t)
{
	if (t->d && !IS_ERR(t->d))
		dput(t->d);
	if (t->dir)
		mutex_unlock(&t->dir->lock);
	nd_release(&t->nd);
}

/* Walk to the parent of path and lock it.  => 0 with t->dir locked, or -errno. */
static int
target_parent(struct dir_target *t, int dirfd, const char *path, unsigned flags)
{
	int r;

	t->dir = NULL;
	t->d = NULL;
	r = nd_init(&t->nd, dirfd, path, flags);
	if (r == 0)
		r = nd_walk_parent(&t->nd);
	return r;
}

/* Lock the parent and look the last name up under the lock. */
static int
target_lookup(struct dir_target *t)
{
	t->dir = d_inode(t->nd.path.dentry);
	mutex_lock(&t->dir->lock);
	t->d = lookup_dentry_locked(t->nd.path.dentry, t->nd.last, t->nd.last_len);
	return IS_ERR(t->d) ? (int)PTR_ERR(t->d) : 0;
}

/*
 * For the calls that create a name: the last name must be new.
 * => 0 with a negative t->d, the parent locked.
 */
static int
target_create(struct dir_target *t, int dirfd, const char *path, bool is_dir)
{
	int r = target_parent(t, dirfd, path, 0), rofs;

	if (r)
		return r;
	if (t->nd.last_type != LAST_NORM)
		return -EEXIST;
	rofs = mnt_want_write(&t->nd.path);
	r = target_lookup(t);
	if (r)
		return r;
	if (d_inode(t->d))
		return -EEXIST;
	if (t->nd.trailing_slash && !is_dir)
		return -ENOENT;
	if (rofs)
		return rofs;
	return inode_permission(t->dir, MAY_WRITE | MAY_EXEC);
}

/* mknod's file types: regular, devices, FIFOs, sockets; not directories. */
static int
mknod_type_ok(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case 0: case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return 0;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

/* mknod: a regular file, device node, FIFO or socket (devices need root). */
int
vfs_mknodat(int dirfd, const char *path, uint32_t mode, dev_t dev)
{
	struct dir_target t;
	struct vfs_new nw;
	struct inode *ino;
	int r = mknod_type_ok(mode);

	if (r)
		return r;
	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	r = target_create(&t, dirfd, path, false);
	if (r == 0 && (S_ISCHR(mode) || S_ISBLK(mode)) && vfs_cred()->fsuid != 0)
		r = -EPERM;
	if (r == 0 && !t.dir->iops->mknod)
		r = -EPERM;
	if (r == 0) {
		mode = (mode & S_IFMT) | (mode & S_IALLUGO & ~READ_ONCE(fs_ctx_current()->umask));
		vfs_new_init(&nw, t.dir, mode, (S_ISCHR(mode) || S_ISBLK(mode)) ? dev : 0);
		r = t.dir->iops->mknod(t.dir, t.nd.last, t.nd.last_len, &nw, &ino);
		if (r == 0)
			d_add(t.d, ino);
	}
	target_done(&t);
	return r;
}

/* mkdir, with the umask applied. */
int
vfs_mkdirat(int dirfd, const char *path, uint32_t mode)
{
	struct dir_target t;
	struct vfs_new nw;
	struct inode *ino;
	int r = target_create(&t, dirfd, path, true);

	if (r == 0 && !t.dir->iops->mkdir)
		r = -EPERM;
	if (r == 0) {
		mode = S_IFDIR | (mode & (S_IRWXU | S_IRWXG | S_IRWXO | S_ISVTX) &
				  ~READ_ONCE(fs_ctx_current()->umask));
		vfs_new_init(&nw, t.dir, mode, 0);
		r = t.dir->iops->mkdir(t.dir, t.nd.last, t.nd.last_len, &nw, &ino);
		if (r == 0)
			d_add(t.d, ino);
	}
	target_done(&t);
	return r;
}

/* symlink: a new name holding target. */
int
vfs_symlinkat(const char *target, int dirfd, const char *path)
{
	struct dir_target t;
	struct vfs_new nw;
	struct inode *ino;
	int r;

	if (!*target)
		return -ENOENT;
	r = target_create(&t, dirfd, path, false);
	if (r == 0 && !t.dir->iops->symlink)
		r = -EPERM;
	if (r == 0) {
		vfs_new_init(&nw, t.dir, S_IFLNK | 0777, 0);
		r = t.dir->iops->symlink(t.dir, t.nd.last, t.nd.last_len, target, &nw, &ino);
		if (r == 0)
			d_add(t.d, ino);
	}
	target_done(&t);
	return r;
}

/* The checks of link(2) once both ends are known.  => the new parent locked. */
static int
link_checks(struct dir_target *t, const struct path *old, struct inode *src)
{
	if (old->mnt != t->nd.path.mnt)
		return -EXDEV;
	if (S_ISDIR(src->mode))
		return -EPERM;
	if (!t->dir->iops->link)
		return -EPERM;
	return 0;
}

/* link: a second name for a non-directory, on the same mount. */
int
vfs_linkat(int odirfd, const char *opath, int ndirfd, const char *npath, int flags)
{
	struct dir_target t;
	struct path old;
	struct inode *src;
	int r;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = vfs_path_lookup(odirfd, opath, ((flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0) |
			    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0), &old);
	if (r)
		return r;
	src = d_inode(old.dentry);
	r = target_create(&t, ndirfd, npath, false);
	if (r == 0)
		r = link_checks(&t, &old, src);
	if (r == 0) {
		mutex_lock(&src->lock);
		r = src->nlink == 0 ? -ENOENT : src->nlink >= 0xFFFF ? -EMLINK :
			t.dir->iops->link(src, t.dir, t.nd.last, t.nd.last_len);
		mutex_unlock(&src->lock);
		if (r == 0) {
			ihold(src);
			d_add(t.d, src);
		}
	}
	target_done(&t);
	path_put(&old);
	return r;
}

/* The victim of unlink or rmdir: permission, sticky bit, type, mount. */
static int
may_remove(struct dir_target *t, bool is_dir)
{
	struct inode *victim = d_inode(t->d);
	int r = inode_permission(t->dir, MAY_WRITE | MAY_EXEC);

	if (r)
		return r;
	r = may_delete(t->dir, victim);
	if (r)
		return r;
	if (is_dir && !S_ISDIR(victim->mode))
		return -ENOTDIR;
	if (!is_dir && S_ISDIR(victim->mode))
		return -EISDIR;
	if (READ_ONCE(t->d->mounted))
		return -EBUSY;
	return 0;
}

/* Walk, lock and look up the victim of unlink or rmdir. */
static int
target_remove(struct dir_target *t, int dirfd, const char *path, bool is_dir)
{
	int r = target_parent(t, dirfd, path, 0);

	if (r)
		return r;
	switch (t->nd.last_type) {
	case LAST_NORM:
		break;
	case LAST_DOTDOT:
		return is_dir ? -ENOTEMPTY : -EISDIR;
	case LAST_DOT:
		return is_dir ? -EINVAL : -EISDIR;
	default:
		return is_dir ? -EBUSY : -EISDIR;
	}
	r = mnt_want_write(&t->nd.path);
	if (r)
		return r;
	r = target_lookup(t);
	if (r)
		return r;
	if (!d_inode(t->d))
		return -ENOENT;
	if (!is_dir && t->nd.trailing_slash)
		return S_ISDIR(d_inode(t->d)->mode) ? -EISDIR : -ENOTDIR;
	return may_remove(t, is_dir);
}

/* unlink one name; the inode goes with its last link and last user. */
static int
do_unlink(int dirfd, const char *path)
{
	struct dir_target t;
	struct inode *victim;
	int r = target_remove(&t, dirfd, path, false);

	if (r == 0) {
		victim = d_inode(t.d);
		mutex_lock(&victim->lock);
		r = t.dir->iops->unlink ? t.dir->iops->unlink(t.dir, t.nd.last, t.nd.last_len,
							      victim) : -EPERM;
		mutex_unlock(&victim->lock);
		if (r == 0)
			d_delete(t.d);
	}
	target_done(&t);
	return r;
}

/* rmdir an empty directory; it is marked dead so nothing new appears in it. */
static int
do_rmdir(int dirfd, const char *path)
{
	struct dir_target t;
	struct inode *victim;
	int r = target_remove(&t, dirfd, path, true);

	if (r == 0) {
		victim = d_inode(t.d);
		mutex_lock(&victim->lock);
		if (!victim->iops->is_empty || !victim->iops->is_empty(victim))
			r = -ENOTEMPTY;
		else
			r = t.dir->iops->rmdir ? t.dir->iops->rmdir(t.dir, t.nd.last,
								    t.nd.last_len, victim) : -EPERM;
		if (r == 0)
			victim->flags |= I_DEAD;
		mutex_unlock(&victim->lock);
		if (r == 0) {
			d_prune_children(t.d);
			d_delete(t.d);
		}
	}
	target_done(&t);
	return r;
}

/* unlinkat: unlink, or rmdir with AT_REMOVEDIR. */
int
vfs_unlinkat(int dirfd, const char *path, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return (flags & AT_REMOVEDIR) ? do_rmdir(dirfd, path) : do_unlink(dirfd, path);
}

/* readlink: a link's target (an empty path reads the link dirfd names). */
long
vfs_readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	struct path p;
	struct inode *ino;
	long r;

	if ((long)size <= 0)
		return -EINVAL;
	r = vfs_path_lookup(dirfd, path, LOOKUP_EMPTY, &p);
	if (r)
		return r;
	ino = d_inode(p.dentry);
	if (!S_ISLNK(ino->mode) || !ino->iops || !ino->iops->readlink) {
		r = *path ? -EINVAL : -ENOENT;
	} else {
		r = ino->iops->readlink(ino, buf, size);
		if (r >= 0 && !(p.mnt->flags & MNT_NOATIME)) {
			mutex_lock(&ino->lock);
			inode_touch(ino, ATTR_ATIME);
			mutex_unlock(&ino->lock);
		}
	}
	path_put(&p);
	return r;
}
