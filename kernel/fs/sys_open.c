// SPDX-License-Identifier: MIT
/*
 * open, openat and creat.  The descriptor is reserved before the file is
 * opened (so EMFILE comes before anything is created, as on Linux) and
 * filled once the open succeeded.
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/vfs_ops.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

/* openat(2): reserve the descriptor, open, fill it. */
long
sys_openat(int dirfd, const char *upath, int flags, uint32_t mode)
{
	struct files *t = files_current();
	char *path = getname(upath, false);
	struct file *f;
	long fd;

	if (IS_ERR(path))
		return PTR_ERR(path);
	fd = t ? fd_alloc(t, 0, flags & O_CLOEXEC) : -EMFILE;
	if (fd >= 0) {
		f = vfs_openat(dirfd, path, flags, mode);
		if (IS_ERR(f)) {
			fd_unreserve(t, (int)fd);
			fd = PTR_ERR(f);
		} else {
			fd_fill(t, (int)fd, f);
		}
	}
	putname(path);
	return fd;
}

/* open(2) (O_LARGEFILE is implied on 64-bit). */
long
sys_open(const char *path, int flags, uint32_t mode)
{
	return sys_openat(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

/* creat(2). */
long
sys_creat(const char *path, uint32_t mode)
{
	return sys_open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}
