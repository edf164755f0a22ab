// SPDX-License-Identifier: MIT
/*
 * Calls that make and remove names: mkdir, mkdirat, mknod, mknodat, rmdir,
 * unlink, unlinkat, rename, renameat, renameat2, link, linkat, symlink,
 * symlinkat.  Each copies its names in and calls the VFS (dirops.c,
 * rename.c).
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/vfs_ops.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

/* Run fn on one copied-in path. */
#define WITH_NAME(upath, empty_ok, expr)                                \
	({                                                              \
		char *path = getname(upath, empty_ok);                  \
		long __r = IS_ERR(path) ? PTR_ERR(path) : (expr);       \
		putname(path);                                          \
		__r;                                                    \
	})

/* The user's dev_t (glibc's makedev encoding) as the kernel's. */
static dev_t
dev_decode(unsigned u)
{
	return MKDEV((u >> 8) & 0xfff, (u & 0xff) | ((u >> 12) & 0xfff00));
}

/* mkdirat(2). */
long
sys_mkdirat(int dirfd, const char *upath, uint32_t mode)
{
	return WITH_NAME(upath, false, vfs_mkdirat(dirfd, path, mode));
}

/* mkdir(2). */
long
sys_mkdir(const char *upath, uint32_t mode)
{
	return sys_mkdirat(AT_FDCWD, upath, mode);
}

/* mknodat(2). */
long
sys_mknodat(int dirfd, const char *upath, uint32_t mode, unsigned dev)
{
	return WITH_NAME(upath, false, vfs_mknodat(dirfd, path, mode, dev_decode(dev)));
}

/* mknod(2). */
long
sys_mknod(const char *upath, uint32_t mode, unsigned dev)
{
	return sys_mknodat(AT_FDCWD, upath, mode, dev);
}

/* unlinkat(2). */
long
sys_unlinkat(int dirfd, const char *upath, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return WITH_NAME(upath, false, vfs_unlinkat(dirfd, path, flags));
}

/* unlink(2). */
long
sys_unlink(const char *upath)
{
	return sys_unlinkat(AT_FDCWD, upath, 0);
}

/* rmdir(2). */
long
sys_rmdir(const char *upath)
{
	return sys_unlinkat(AT_FDCWD, upath, AT_REMOVEDIR);
}

/* Two names copied in, then fn. */
static long
two_names(const char *u1, const char *u2, bool empty1, char **p1, char **p2)
{
	*p1 = getname(u1, empty1);
	*p2 = IS_ERR(*p1) ? NULL : getname(u2, false);
	if (IS_ERR(*p1))
		return PTR_ERR(*p1);
	if (IS_ERR(*p2)) {
		putname(*p1);
		return PTR_ERR(*p2);
	}
	return 0;
}

/* renameat2(2). */
long
sys_renameat2(int odirfd, const char *uold, int ndirfd, const char *unew, unsigned flags)
{
	char *o, *n;
	long r = two_names(uold, unew, false, &o, &n);

	if (r)
		return r;
	r = vfs_renameat2(odirfd, o, ndirfd, n, flags);
	putname(o);
	putname(n);
	return r;
}

/* renameat(2). */
long
sys_renameat(int odirfd, const char *uold, int ndirfd, const char *unew)
{
	return sys_renameat2(odirfd, uold, ndirfd, unew, 0);
}

/* rename(2). */
long
sys_rename(const char *uold, const char *unew)
{
	return sys_renameat2(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

/* linkat(2). */
long
sys_linkat(int odirfd, const char *uold, int ndirfd, const char *unew, int flags)
{
	char *o, *n;
	long r;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = two_names(uold, unew, flags & AT_EMPTY_PATH, &o, &n);
	if (r)
		return r;
	r = vfs_linkat(odirfd, o, ndirfd, n, flags);
	putname(o);
	putname(n);
	return r;
}

/* link(2): does not follow a link in oldpath, as on Linux. */
long
sys_link(const char *uold, const char *unew)
{
	return sys_linkat(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

/* symlinkat(2). */
long
sys_symlinkat(const char *utarget, int dirfd, const char *upath)
{
	char *t, *p;
	long r = two_names(utarget, upath, false, &t, &p);

	if (r)
		return r;
	r = vfs_symlinkat(t, dirfd, p);
	putname(t);
	putname(p);
	return r;
}

/* symlink(2). */
long
sys_symlink(const char *utarget, const char *upath)
{
	return sys_symlinkat(utarget, AT_FDCWD, upath);
}
