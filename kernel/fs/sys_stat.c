// SPDX-License-Identifier: MIT
/*
 * Asking about files: stat, lstat, fstat, newfstatat, statx, readlink,
 * readlinkat, access, faccessat, faccessat2.  The VFS answers in a struct
 * kstat; this file lays it out as Linux's x86-64 struct stat or struct
 * statx.
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

/* Lay a kstat out as x86-64 struct stat in user memory. */
static int
put_stat(const struct kstat *k, struct stat *ust)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = dev_encode((dev_t)k->dev);
	st.st_ino = k->ino;
	st.st_nlink = k->nlink;
	st.st_mode = k->mode;
	st.st_uid = k->uid;
	st.st_gid = k->gid;
	st.st_rdev = dev_encode(k->rdev);
	st.st_size = (long)k->size;
	st.st_blksize = k->blksize;
	st.st_blocks = (long)k->blocks;
	st.st_atime_sec = (unsigned long)k->atime.tv_sec;
	st.st_atime_nsec = (unsigned long)k->atime.tv_nsec;
	st.st_mtime_sec = (unsigned long)k->mtime.tv_sec;
	st.st_mtime_nsec = (unsigned long)k->mtime.tv_nsec;
	st.st_ctime_sec = (unsigned long)k->ctime.tv_sec;
	st.st_ctime_nsec = (unsigned long)k->ctime.tv_nsec;
	return copy_to_user(ust, &st, sizeof(st));
}

/* newfstatat(2) (fstatat). */
long
sys_newfstatat(int dirfd, const char *upath, struct stat *ust, int flags)
{
	char *path = getname(upath, flags & AT_EMPTY_PATH);
	struct kstat k;
	long r;

	if (IS_ERR(path))
		return PTR_ERR(path);
	r = vfs_statat(dirfd, path, flags, &k);
	putname(path);
	return r ? r : put_stat(&k, ust);
}

/* stat(2). */
long
sys_stat(const char *path, struct stat *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, 0);
}

/* lstat(2). */
long
sys_lstat(const char *path, struct stat *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

/* fstat(2) (O_PATH descriptors work). */
long
sys_fstat(int fd, struct stat *ust)
{
	struct file *f = fget_raw(fd);
	struct kstat k;
	long r;

	if (!f)
		return -EBADF;
	r = vfs_getattr(&f->path, &k);
	file_put(f);
	return r ? r : put_stat(&k, ust);
}

/* A timespec as a statx timestamp. */
static struct statx_timestamp
sx_time(struct timespec ts)
{
	return (struct statx_timestamp){ ts.tv_sec, (uint32_t)ts.tv_nsec, 0 };
}

/* Lay a kstat out as struct statx in user memory. */
static int
put_statx(const struct kstat *k, struct statx *ustx)
{
	struct statx sx;

	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS | STATX_BTIME | STATX_MNT_ID;
	sx.stx_blksize = k->blksize;
	sx.stx_attributes = k->mount_root ? STATX_ATTR_MOUNT_ROOT : 0;
	sx.stx_attributes_mask = STATX_ATTR_MOUNT_ROOT;
	sx.stx_nlink = k->nlink;
	sx.stx_uid = k->uid;
	sx.stx_gid = k->gid;
	sx.stx_mode = (uint16_t)k->mode;
	sx.stx_ino = k->ino;
	sx.stx_size = k->size;
	sx.stx_blocks = k->blocks;
	sx.stx_atime = sx_time(k->atime);
	sx.stx_btime = sx_time(k->btime);
	sx.stx_ctime = sx_time(k->ctime);
	sx.stx_mtime = sx_time(k->mtime);
	sx.stx_rdev_major = MAJOR(k->rdev);
	sx.stx_rdev_minor = MINOR(k->rdev);
	sx.stx_dev_major = MAJOR((dev_t)k->dev);
	sx.stx_dev_minor = MINOR((dev_t)k->dev);
	sx.stx_mnt_id = k->mnt_id;
	return copy_to_user(ustx, &sx, sizeof(sx));
}

/* statx(2): everything Keel knows is filled in whatever the mask asks. */
long
sys_statx(int dirfd, const char *upath, int flags, unsigned mask, struct statx *ustx)
{
	struct kstat k;
	char *path;
	long r;

	if (mask & STATX__RESERVED)
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	path = getname(upath, flags & AT_EMPTY_PATH);
	if (IS_ERR(path))
		return PTR_ERR(path);
	r = vfs_statat(dirfd, path, flags, &k);
	putname(path);
	return r ? r : put_statx(&k, ustx);
}

/* readlinkat(2): the target, not NUL-terminated, cut at size. */
long
sys_readlinkat(int dirfd, const char *upath, char *ubuf, int size)
{
	char *path, *buf;
	long r;

	if (size <= 0)
		return -EINVAL;
	path = getname(upath, true);
	if (IS_ERR(path))
		return PTR_ERR(path);
	buf = kmalloc(PATH_MAX);
	r = buf ? vfs_readlinkat(dirfd, path, buf, MIN((size_t)size, (size_t)PATH_MAX)) : -ENOMEM;
	if (r >= 0 && copy_to_user(ubuf, buf, (size_t)r))
		r = -EFAULT;
	kfree(buf);
	putname(path);
	return r;
}

/* readlink(2). */
long
sys_readlink(const char *path, char *buf, int size)
{
	return sys_readlinkat(AT_FDCWD, path, buf, size);
}

/* faccessat2(2). */
long
sys_faccessat2(int dirfd, const char *upath, int mode, int flags)
{
	char *path = getname(upath, flags & AT_EMPTY_PATH);
	long r;

	if (IS_ERR(path))
		return PTR_ERR(path);
	r = vfs_faccessat(dirfd, path, mode, flags);
	putname(path);
	return r;
}

/* faccessat(2) (no flags argument). */
long
sys_faccessat(int dirfd, const char *path, int mode)
{
	return sys_faccessat2(dirfd, path, mode, 0);
}

/* access(2). */
long
sys_access(const char *path, int mode)
{
	return sys_faccessat2(AT_FDCWD, path, mode, 0);
}
