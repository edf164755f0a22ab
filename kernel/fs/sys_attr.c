// SPDX-License-Identifier: MIT
/*
 * Calls that change attributes: chmod, fchmod, fchmodat, chown, lchown,
 * fchown, fchownat, umask, truncate, ftruncate, utimensat.  The rules are
 * in attr.c.
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/vfs_ops.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

#define WITH_NAME(upath, empty_ok, expr)                                \
	({                                                              \
		char *path = getname(upath, empty_ok);                  \
		long __r = IS_ERR(path) ? PTR_ERR(path) : (expr);       \
		putname(path);                                          \
		__r;                                                    \
	})

/* fchmodat(2) (three arguments: no flags). */
long
sys_fchmodat(int dirfd, const char *upath, uint32_t mode)
{
	return WITH_NAME(upath, false, vfs_fchmodat(dirfd, path, mode, 0));
}

/* chmod(2). */
long
sys_chmod(const char *upath, uint32_t mode)
{
	return sys_fchmodat(AT_FDCWD, upath, mode);
}

/* fchmod(2). */
long
sys_fchmod(int fd, uint32_t mode)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	r = vfs_fchmod(f, mode);
	file_put(f);
	return r;
}

/* fchownat(2). */
long
sys_fchownat(int dirfd, const char *upath, uint32_t uid, uint32_t gid, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return WITH_NAME(upath, flags & AT_EMPTY_PATH, vfs_fchownat(dirfd, path, uid, gid, flags));
}

/* chown(2): follows links. */
long
sys_chown(const char *upath, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(AT_FDCWD, upath, uid, gid, 0);
}

/* lchown(2): the link itself. */
long
sys_lchown(const char *upath, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(AT_FDCWD, upath, uid, gid, AT_SYMLINK_NOFOLLOW);
}

/* fchown(2). */
long
sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	r = vfs_fchown(f, uid, gid);
	file_put(f);
	return r;
}

/* umask(2). */
long
sys_umask(uint32_t mask)
{
	return vfs_umask(mask);
}

/* truncate(2). */
long
sys_truncate(const char *upath, int64_t length)
{
	return WITH_NAME(upath, false, vfs_truncate(path, length));
}

/* ftruncate(2): EINVAL for a negative length comes first, as on Linux. */
long
sys_ftruncate(int fd, int64_t length)
{
	struct file *f;
	long r;

	if (length < 0)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	r = file_truncate(f, (uint64_t)length);
	file_put(f);
	return r;
}

/* utimensat(fd, NULL, times, 0) is futimens(fd, times). */
long
sys_utimensat(int dirfd, const char *upath, const struct timespec *utimes, int flags)
{
	struct timespec t[2], *tp = NULL;
	struct file *f;
	long r;

	if (utimes) {
		if (copy_from_user(t, utimes, sizeof(t)))
			return -EFAULT;
		tp = t;
	}
	if (upath)
		return WITH_NAME(upath, flags & AT_EMPTY_PATH,
				 vfs_utimensat(dirfd, path, tp, flags));
	if (flags)
		return -EINVAL;
	f = dirfd == AT_FDCWD ? NULL : fget_raw(dirfd);
	if (!f)
		return dirfd == AT_FDCWD ? -EFAULT : -EBADF;
	r = vfs_futimens(f, tp);
	file_put(f);
	return r;
}
