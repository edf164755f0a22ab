// SPDX-License-Identifier: MIT
/*
 * Reading and changing attributes: stat, chmod, chown, utimensat,
 * truncate and access.
 *
 * Every change goes the same way: check who may make it (the owner, or
 * root; for chown only root may give a file away), build a struct iattr
 * with the new ctime, and hand it to the file system's setattr with the
 * inode locked.  Changing the owner of a file drops its setuid and
 * setgid bits, as writing to it does.
 */
#include "fs/internal.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "sched/cred.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

/* The attributes of p's inode, as stat reports them. */
int
vfs_getattr(const struct path *p, struct kstat *st)
{
	struct inode *ino = d_inode(p->dentry);

	mutex_lock(&ino->lock);
	st->dev = ino->sb->dev;
	st->ino = ino->ino;
	st->mode = ino->mode;
	st->nlink = ino->nlink;
	st->uid = ino->uid;
	st->gid = ino->gid;
	st->rdev = ino->rdev;
	st->size = ino->size;
	st->blocks = ino->blocks;
	st->blksize = ino->sb->block_size;
	st->atime = ino->atime;
	st->mtime = ino->mtime;
	st->ctime = ino->ctime;
	st->btime = ino->btime;
	mutex_unlock(&ino->lock);
	st->mnt_id = (uint64_t)p->mnt->id;
	st->mount_root = p->dentry == p->mnt->root;
	return 0;
}

/* Walk flags for the AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH of *at calls. */
static unsigned
at_lookup_flags(int flags)
{
	return ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
	       ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
}

/* stat, lstat, fstatat: look the name up and report its attributes. */
int
vfs_statat(int dirfd, const char *path, int flags, struct kstat *st)
{
	struct path p;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	r = vfs_path_lookup(dirfd, path, at_lookup_flags(flags), &p);
	if (r)
		return r;
	r = vfs_getattr(&p, st);
	path_put(&p);
	return r;
}

/* Apply ia to the inode of p.  => takes and drops ino->lock. */
static int
setattr_locked(struct inode *ino, struct iattr *ia)
{
	vfs_now(&ia->ctime);
	ia->valid |= ATTR_CTIME;
	if (ino->iops && ino->iops->setattr)
		return ino->iops->setattr(ino, ia);
	inode_apply_attr(ino, ia);
	return 0;
}

/* chmod: the owner or root sets the permission bits. */
static int
chmod_path(const struct path *p, uint32_t mode)
{
	struct inode *ino = d_inode(p->dentry);
	const struct cred *c = vfs_cred();
	struct iattr ia = { .valid = ATTR_MODE };
	int r = mnt_want_write(p);

	if (r)
		return r;
	mutex_lock(&ino->lock);
	if (!inode_owner_or_root(ino)) {
		r = -EPERM;
	} else {
		ia.mode = mode & S_IALLUGO;
		/* Only members of the file's group (or root) may set its setgid bit. */
		if (c->fsuid != 0 && !cred_in_group(c, ino->gid))
			ia.mode &= ~S_ISGID;
		r = setattr_locked(ino, &ia);
	}
	mutex_unlock(&ino->lock);
	return r;
}

/* chmod by name; a symbolic link's own mode cannot change (EOPNOTSUPP). */
int
vfs_fchmodat(int dirfd, const char *path, uint32_t mode, int flags)
{
	struct path p;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = vfs_path_lookup(dirfd, path, at_lookup_flags(flags), &p);
	if (r)
		return r;
	r = S_ISLNK(d_inode(p.dentry)->mode) ? -EOPNOTSUPP : chmod_path(&p, mode);
	path_put(&p);
	return r;
}

/* chmod of an open file. */
int
vfs_fchmod(struct file *f, uint32_t mode)
{
	return chmod_path(&f->path, mode);
}

/* Linux's rules: only root gives files away; the owner may pick one of its own groups. */
static int
chown_allowed(struct inode *ino, uint32_t uid, uint32_t gid)
{
	const struct cred *c = vfs_cred();

	if (c->fsuid == 0)
		return 0;
	if (uid != (uint32_t)-1 && uid != ino->uid)
		return -EPERM;
	if (gid != (uint32_t)-1 && gid != ino->gid &&
	    (c->fsuid != ino->uid || !cred_in_group(c, gid)))
		return -EPERM;
	return 0;
}

/* chown: checks, then the new owner, and setuid/setgid dropped from non-directories. */
static int
chown_path(const struct path *p, uint32_t uid, uint32_t gid)
{
	struct inode *ino = d_inode(p->dentry);
	struct iattr ia = { .valid = 0 };
	int r = mnt_want_write(p);

	if (r)
		return r;
	mutex_lock(&ino->lock);
	r = chown_allowed(ino, uid, gid);
	if (r == 0) {
		if (uid != (uint32_t)-1) {
			ia.valid |= ATTR_UID;
			ia.uid = uid;
		}
		if (gid != (uint32_t)-1) {
			ia.valid |= ATTR_GID;
			ia.gid = gid;
		}
		ia.mode = ino->mode & S_IALLUGO;
		if (!S_ISDIR(ino->mode)) {
			ia.mode &= ~S_ISUID;
			if ((ino->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
				ia.mode &= ~S_ISGID;
			ia.valid |= ATTR_MODE;
		}
		r = setattr_locked(ino, &ia);
	}
	mutex_unlock(&ino->lock);
	return r;
}

/* chown by name (AT_SYMLINK_NOFOLLOW: the link itself). */
int
vfs_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)
{
	struct path p;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = vfs_path_lookup(dirfd, path, at_lookup_flags(flags), &p);
	if (r)
		return r;
	r = chown_path(&p, uid, gid);
	path_put(&p);
	return r;
}

/* chown of an open file. */
int
vfs_fchown(struct file *f, uint32_t uid, uint32_t gid)
{
	return chown_path(&f->path, uid, gid);
}

/* A tv_nsec utimensat accepts: a real value or UTIME_NOW / UTIME_OMIT. */
static bool
nsec_valid(long ns)
{
	return (ns >= 0 && ns < NSEC_PER_SEC) || ns == UTIME_NOW || ns == UTIME_OMIT;
}

/* Setting times: to "now" needs write access or ownership, to a given time ownership. */
static int
utimes_path(const struct path *p, const struct timespec *times)
{
	struct inode *ino = d_inode(p->dentry);
	struct iattr ia = { .valid = ATTR_ATIME | ATTR_MTIME };
	bool explicit = false;
	int r = mnt_want_write(p);

	if (r)
		return r;
	vfs_now(&ia.atime);
	ia.mtime = ia.atime;
	for (int i = 0; times && i < 2; i++) {
		unsigned bit = i ? ATTR_MTIME : ATTR_ATIME;
		if (times[i].tv_nsec == UTIME_OMIT) {
			ia.valid &= ~bit;
		} else if (times[i].tv_nsec != UTIME_NOW) {
			explicit = true;
			*(i ? &ia.mtime : &ia.atime) = times[i];
		}
	}
	mutex_lock(&ino->lock);
	if (!inode_owner_or_root(ino))
		r = explicit ? -EPERM : inode_permission(ino, MAY_WRITE);
	if (r == 0)
		r = setattr_locked(ino, &ia);
	mutex_unlock(&ino->lock);
	return r;
}

/* Validate times.  => 0, 1 (both UTIME_OMIT: nothing to do) or -EINVAL. */
static int
utimes_check(const struct timespec *times)
{
	if (times && (!nsec_valid(times[0].tv_nsec) || !nsec_valid(times[1].tv_nsec)))
		return -EINVAL;
	if (times && times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
		return 1;       /* nothing to change */
	return 0;
}

/* utimensat by name. */
int
vfs_utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
	struct path p;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = utimes_check(times);
	if (r)
		return r < 0 ? r : 0;
	r = vfs_path_lookup(dirfd, path, at_lookup_flags(flags), &p);
	if (r)
		return r;
	r = utimes_path(&p, times);
	path_put(&p);
	return r;
}

/* utimensat on an open file (futimens). */
int
vfs_futimens(struct file *f, const struct timespec times[2])
{
	int r = utimes_check(times);

	return r ? (r < 0 ? r : 0) : utimes_path(&f->path, times);
}

/* Change a regular file's size.  => permission already checked. */
int
vfs_set_size(struct inode *ino, uint64_t size)
{
	struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME, .size = size };
	int r;

	if (size > ino->sb->max_bytes)
		return -EFBIG;
	vfs_now(&ia.mtime);
	mutex_lock(&ino->lock);
	inode_kill_suid(ino);
	r = setattr_locked(ino, &ia);
	mutex_unlock(&ino->lock);
	return r;
}

/* truncate(2): a regular file the caller may write. */
int
vfs_truncate(const char *path, int64_t size)
{
	struct path p;
	struct inode *ino;
	int r;

	if (size < 0)
		return -EINVAL;
	r = vfs_path_lookup(AT_FDCWD, path, LOOKUP_FOLLOW, &p);
	if (r)
		return r;
	ino = d_inode(p.dentry);
	if (S_ISDIR(ino->mode))
		r = -EISDIR;
	else if (!S_ISREG(ino->mode))
		r = -EINVAL;
	else
		r = path_permission(&p, MAY_WRITE);
	if (r == 0)
		r = vfs_set_size(ino, (uint64_t)size);
	path_put(&p);
	return r;
}

/*
 * access(2) asks with the real ids (so a setuid program can check for its
 * caller); AT_EACCESS asks with the effective ones.  The thread's
 * credentials are swapped for the check: only the thread itself reads them.
 */
int
vfs_faccessat(int dirfd, const char *path, int mode, int flags)
{
	struct thread *t = current();
	const struct cred *saved = t->cred;
	struct cred real;
	struct path p;
	int r;

	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (saved && !(flags & AT_EACCESS)) {
		real = *saved;
		real.fsuid = saved->uid;
		real.fsgid = saved->gid;
		t->cred = &real;
	}
	r = vfs_path_lookup(dirfd, path, at_lookup_flags(flags), &p);
	if (r == 0) {
		if (mode)
			r = path_permission(&p, mode);
		path_put(&p);
	}
	t->cred = (struct cred *)saved;
	return r;
}
