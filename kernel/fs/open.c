// SPDX-License-Identifier: MIT
/*
 * open(2): from a name and flags to a struct file.
 *
 * 1. Resolve the name.  With O_CREAT the walk stops at the parent, which
 *    is locked while the last name is looked up and, if missing, created;
 *    a symbolic link there is followed (creating its target), except with
 *    O_EXCL, which never follows and fails on any existing name.
 * 2. Check the result against the flags (may_open): a directory cannot be
 *    opened for writing, a link is not opened at all (O_NOFOLLOW gives
 *    ELOOP), device nodes on a "nodev" mount are refused, and the access
 *    asked for must be allowed.  A file this very call created is exempt
 *    from the permission check: open("f", O_CREAT|O_RDWR, 0444) works.
 * 3. Choose the operations: the inode's own for files and directories,
 *    the registered driver's for a device node, the pipe code's for a FIFO.
 * 4. Call their open, then truncate for O_TRUNC.
 *
 * O_PATH opens only the name: the file can serve as a directory for the
 * *at calls, fstat and fchdir, but reads and writes give EBADF.
 */
#include "fs/internal.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

const struct file_ops *fifo_file_ops;

/* The rwx checks an open with these flags needs. */
static int
acc_mode(int flags)
{
	static const int modes[4] = {
		MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE, MAY_READ | MAY_WRITE
	};
	int a = modes[flags & O_ACCMODE];

	return (flags & O_TRUNC) ? a | MAY_WRITE : a;
}

/* The FMODE_* access of an open with these flags (3: neither, for ioctls). */
static unsigned
fmode_of(int flags)
{
	static const unsigned modes[4] = { FMODE_READ, FMODE_WRITE, FMODE_READ | FMODE_WRITE, 0 };

	return modes[flags & O_ACCMODE];
}

/* The last component of an O_CREAT open: find it or create it.  => 0, 1 (link pushed), -errno. */
static int
open_create_last(struct nameidata *nd, int flags, uint32_t mode, struct path *out,
		 bool *created)
{
	struct inode *dir = d_inode(nd->path.dentry);
	int rofs = mnt_want_write(&nd->path), r;
	struct vfs_new nw;
	struct inode *ino;
	struct dentry *d;

	mutex_lock(&dir->lock);
	d = lookup_dentry_locked(nd->path.dentry, nd->last, nd->last_len);
	if (IS_ERR(d)) {
		mutex_unlock(&dir->lock);
		return (int)PTR_ERR(d);
	}
	if (!d_inode(d)) {
		r = rofs ? rofs : inode_permission(dir, MAY_WRITE | MAY_EXEC);
		if (r == 0 && !dir->iops->mknod)
			r = -EACCES;
		if (r == 0) {
			vfs_new_init(&nw, dir, S_IFREG | (mode & S_IALLUGO &
				     ~READ_ONCE(fs_ctx_current()->umask)), 0);
			r = dir->iops->mknod(dir, nd->last, nd->last_len, &nw, &ino);
		}
		if (r == 0)
			d_add(d, ino);
		mutex_unlock(&dir->lock);
		if (r) {
			dput(d);
			return r;
		}
		*created = true;
		out->mnt = mntget(nd->path.mnt);
		out->dentry = d;
		return 0;
	}
	mutex_unlock(&dir->lock);
	r = 0;
	if (flags & O_EXCL)
		r = -EEXIST;
	else if (S_ISLNK(d_inode(d)->mode) && (nd->flags & LOOKUP_FOLLOW))
		r = nd_follow_link(nd, d);
	if (r) {
		dput(d);
		return r;
	}
	out->mnt = mntget(nd->path.mnt);
	out->dentry = d;
	follow_mounts(out);
	return 0;
}

/* Resolve an open's name; with O_CREAT, make the file if it is missing. */
static int
open_lookup(int dirfd, const char *name, int flags, uint32_t mode, struct path *out,
	    bool *created)
{
	unsigned lflags = ((flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
			  ((flags & O_DIRECTORY) ? LOOKUP_DIRECTORY : 0);
	struct nameidata nd;
	int r;

	if (!(flags & O_CREAT))
		return vfs_path_lookup(dirfd, name, lflags, out);
	if (flags & O_EXCL)
		lflags &= ~LOOKUP_FOLLOW;
	r = nd_init(&nd, dirfd, name, lflags);
	while (r == 0) {
		r = nd_walk_parent(&nd);
		if (r)
			break;
		if (nd.last_type != LAST_NORM || nd.trailing_slash) {
			r = -EISDIR;
			break;
		}
		r = open_create_last(&nd, flags, mode, out, created);
		if (r != 1)
			break;
		r = 0;
	}
	nd_release(&nd);
	return r;
}

/* Does the opened object agree with the flags? */
static int
may_open(const struct path *p, int flags, bool created)
{
	struct inode *ino = d_inode(p->dentry);
	int acc = acc_mode(flags), r;

	switch (ino->mode & S_IFMT) {
	case S_IFLNK:
		return -ELOOP;
	case S_IFDIR:
		if (acc & MAY_WRITE)
			return -EISDIR;
		break;
	case S_IFCHR:
	case S_IFBLK:
		if (p->mnt->flags & MNT_NODEV)
			return -EACCES;
		break;
	}
	if (!created) {
		r = path_permission(p, acc);
		if (r)
			return r;
	}
	if ((flags & O_NOATIME) && !inode_owner_or_root(ino))
		return -EPERM;
	return 0;
}

/* The operations an open inode gets. */
static const struct file_ops *
open_ops(struct inode *ino)
{
	switch (ino->mode & S_IFMT) {
	case S_IFCHR:
		return chrdev_ops(ino->rdev);
	case S_IFIFO:
		return fifo_file_ops;
	case S_IFBLK:
	case S_IFSOCK:
		return NULL;            /* no block layer or sockets yet: ENXIO */
	default:
		return ino->fops;
	}
}

static const struct file_ops no_ops;

/* Check, choose operations, call the driver's open, and truncate. */
static struct file *
do_open(const struct path *p, int flags, bool created)
{
	struct inode *ino = d_inode(p->dentry);
	unsigned fmode = fmode_of(flags);
	struct file *f;
	int r;

	if (flags & O_PATH) {
		f = file_alloc(p, flags, FMODE_PATH);
		if (f)
			f->ops = &no_ops;
		return f ? f : ERR_PTR(-ENOMEM);
	}
	r = may_open(p, flags, created);
	if (r)
		return ERR_PTR(r);
	if (S_ISFIFO(ino->mode) || S_ISSOCK(ino->mode))
		fmode |= FMODE_STREAM;
	f = file_alloc(p, flags, fmode);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->ops = open_ops(ino);
	r = f->ops ? 0 : -ENXIO;
	if (r == 0 && f->ops->open)
		r = f->ops->open(ino, f);
	if (r) {
		file_discard(f);
		return ERR_PTR(r);
	}
	f->flags &= ~O_NOCTTY;          /* the driver's open has seen it */
	if ((flags & O_TRUNC) && S_ISREG(ino->mode) && !created) {
		r = vfs_set_size(ino, 0);
		if (r) {
			file_put(f);
			return ERR_PTR(r);
		}
	}
	return f;
}

/* open(2) with a kernel path.  => file or ERR_PTR. */
struct file *
vfs_openat(int dirfd, const char *name, int flags, uint32_t mode)
{
	struct file *f;
	struct path p;
	bool created = false;
	int r;

	if (flags & __O_TMPFILE)
		return ERR_PTR(-EOPNOTSUPP);
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return ERR_PTR(-EINVAL);
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	r = open_lookup(dirfd, name, flags, mode, &p, &created);
	if (r)
		return ERR_PTR(r);
	f = do_open(&p, flags, created);
	path_put(&p);
	return f;
}

/* Kernel code's open, relative to the current thread's cwd. */
struct file *
vfs_open_kernel(const char *path, int flags, int mode)
{
	return vfs_openat(AT_FDCWD, path, flags, (uint32_t)mode);
}

/* exec's open: execute permission instead of read permission. */
struct file *
vfs_open_exec(int dirfd, const char *name, int flags)
{
	struct inode *ino;
	struct file *f = NULL;
	struct path p;
	int r;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return ERR_PTR(-EINVAL);
	r = vfs_path_lookup(dirfd, name, ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
			    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0), &p);
	if (r)
		return ERR_PTR(r);
	ino = d_inode(p.dentry);
	if (S_ISLNK(ino->mode))
		r = -ELOOP;
	else if (!S_ISREG(ino->mode) || (p.mnt->flags & MNT_NOEXEC))
		r = -EACCES;
	else
		r = inode_permission(ino, MAY_EXEC);
	if (r == 0 && !(f = file_alloc(&p, O_RDONLY | O_LARGEFILE, FMODE_READ)))
		r = -ENOMEM;
	if (r == 0) {
		f->ops = ino->fops;
		r = f->ops && f->ops->open ? f->ops->open(ino, f) : 0;
		if (r)
			file_discard(f);
	}
	path_put(&p);
	return r ? ERR_PTR(r) : f;
}
