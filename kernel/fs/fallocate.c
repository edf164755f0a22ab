// SPDX-License-Identifier: MIT
/*
 * fallocate(2): reserve storage for a byte range of a file now, so later
 * writes there cannot fail for lack of space.  Mode 0 also extends the
 * file to cover the range (the new bytes read as zeros); FALLOC_FL_KEEP_SIZE
 * allocates without changing the size, for a file about to grow.
 *
 * The VFS checks the descriptor and the range in Linux's order, then calls
 * the inode's fallocate operation with the inode locked.  A file system
 * without one cannot reserve space: EOPNOTSUPP, as Linux answers for such
 * file systems.
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/vfs_ops.h"
#include "uapi/errno.h"
#include "uapi/falloc.h"
#include "uapi/stat.h"

/* The checks before the file system sees the call.  => 0 or -errno. */
static int
fallocate_check(struct file *f, int mode, int64_t off, int64_t len)
{
	struct inode *ino = f->inode;
	int64_t end;

	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_FL_KNOWN)
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	if (S_ISFIFO(ino->mode))
		return -ESPIPE;
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode) && !S_ISBLK(ino->mode))
		return -ENODEV;
	if (__builtin_add_overflow(off, len, &end) || (uint64_t)end > ino->sb->max_bytes)
		return -EFBIG;
	if (!ino->iops || !ino->iops->fallocate)
		return -EOPNOTSUPP;
	return 0;
}

/* fallocate(2). */
long
sys_fallocate(int fd, int mode, int64_t off, int64_t len)
{
	struct file *f = fget(fd);
	struct inode *ino;
	long r;

	if (!f)
		return -EBADF;
	ino = f->inode;
	r = fallocate_check(f, mode, off, len);
	if (r == 0) {
		mutex_lock(&ino->lock);
		r = ino->iops->fallocate(ino, mode, (uint64_t)off, (uint64_t)len);
		mutex_unlock(&ino->lock);
	}
	file_put(f);
	return r;
}
