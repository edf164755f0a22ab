// SPDX-License-Identifier: MIT
/*
 * Reading, writing and moving about in an open file: the checks every
 * file gets before its own operation runs.
 *
 * The position.  Regular files and directories keep one position per open
 * file, shared by dup()ed descriptors and forked processes; pos_lock makes
 * each read, write, lseek or getdents see and advance it as one step, so
 * two processes appending through one shared descriptor never write over
 * each other.  Streams (pipes, FIFOs, terminals) have no position: their
 * reads and writes run without the lock, and pread/pwrite on them give
 * ESPIPE.
 */
#include "fs/internal.h"
#include "fs/uio.h"
#include "fs/vfs_ops.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/ioctls.h"
#include "uapi/stat.h"

/* Does this file serialize its position (regular files and directories)? */
static bool
atomic_pos(struct file *f)
{
	return S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode);
}

/* Validate a transfer: position and size.  => 0 or -errno. */
static int
rw_check(struct file *f, struct uio *u, const uint64_t *ppos)
{
	if (ppos && (f->mode & FMODE_STREAM))
		return -ESPIPE;
	if (ppos && (int64_t)*ppos < 0)
		return -EINVAL;
	if (ppos && (int64_t)(*ppos + uio_resid(u)) < 0)
		return -EINVAL;
	if (uio_resid(u) > (size_t)MAX_RW_COUNT)
		u->resid = (size_t)MAX_RW_COUNT;
	return 0;
}

typedef long (*rw_op)(struct file *f, struct uio *u, uint64_t *pos);

/* Run op at *ppos or at the file position. */
static long
rw_at(struct file *f, struct uio *u, const uint64_t *ppos, rw_op op)
{
	uint64_t pos;
	long r;

	if (ppos) {
		pos = *ppos;
		return op(f, u, &pos);
	}
	if (!atomic_pos(f))
		return op(f, u, &f->pos);
	mutex_lock(&f->pos_lock);
	pos = f->pos;
	r = op(f, u, &pos);
	f->pos = pos;
	mutex_unlock(&f->pos_lock);
	return r;
}

/* Is time a at or before time b? */
static bool
ts_before_or_at(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec);
}

/*
 * Record an access, the "relatime" way (Linux's default): only when the
 * last recorded access is older than the last change, or a day old, so
 * reads do not turn into a stream of inode updates.  => ino->lock held.
 */
static void
touch_atime_locked(struct file *f)
{
	struct inode *ino = f->inode;
	struct timespec now;

	if ((f->flags & O_NOATIME) || (f->path.mnt->flags & (MNT_NOATIME | MNT_RDONLY)) ||
	    (ino->sb->flags & SB_RDONLY))
		return;
	vfs_now(&now);
	if (ts_before_or_at(ino->atime, ino->mtime) || ts_before_or_at(ino->atime, ino->ctime) ||
	    now.tv_sec - ino->atime.tv_sec >= 24 * 3600)
		ino->atime = now;
}

/* read and pread: checks, then the file's read at the right position. */
long
file_read(struct file *f, struct uio *u, const uint64_t *ppos)
{
	long n;
	int r;

	if (!(f->mode & FMODE_READ))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->ops->read)
		return -EINVAL;
	if (!uio_access_ok(u))
		return -EFAULT;
	r = rw_check(f, u, ppos);
	if (r)
		return r;
	n = rw_at(f, u, ppos, f->ops->read);
	if (n > 0 && S_ISREG(f->inode->mode)) {
		mutex_lock(&f->inode->lock);
		touch_atime_locked(f);
		mutex_unlock(&f->inode->lock);
	}
	return n;
}

/* write and pwrite: checks, setuid dropped, then the file's write. */
long
file_write(struct file *f, struct uio *u, const uint64_t *ppos)
{
	struct inode *ino = f->inode;
	int r;

	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	if (!uio_access_ok(u))
		return -EFAULT;
	r = rw_check(f, u, ppos);
	if (r)
		return r;
	if (S_ISREG(ino->mode) && (READ_ONCE(ino->mode) & (S_ISUID | S_ISGID))) {
		mutex_lock(&ino->lock);
		inode_kill_suid(ino);
		mutex_unlock(&ino->lock);
	}
	return rw_at(f, u, ppos, f->ops->write);
}

/* lseek: the file's own rule, under the position lock. */
int64_t
file_llseek(struct file *f, int64_t off, int whence)
{
	int64_t pos;

	if (!f->ops->llseek)
		return -ESPIPE;
	if (whence < SEEK_SET || whence > SEEK_HOLE)
		return -EINVAL;
	if (atomic_pos(f))
		mutex_lock(&f->pos_lock);
	pos = f->ops->llseek(f, off, whence);
	if (pos >= 0)
		f->pos = (uint64_t)pos;
	if (atomic_pos(f))
		mutex_unlock(&f->pos_lock);
	return pos;
}

/*
 * The ioctls any file answers (the descriptor ones, FIOCLEX and FIONCLEX,
 * are the system call's): FIONBIO and FIOASYNC set status flags, FIONREAD
 * on a regular file counts the bytes after the position.  Everything else
 * goes to the file's own ioctl.
 */
long
file_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	unsigned bit;
	int on, r;

	switch (cmd) {
	case FIONBIO:
	case FIOASYNC:
		r = get_user(on, (int *)arg);
		if (r)
			return r;
		bit = cmd == FIONBIO ? O_NONBLOCK : O_ASYNC;
		return file_set_flags(f, (file_flags(f) & ~bit) | (on ? bit : 0));
	case FIONREAD:
		if (!S_ISREG(f->inode->mode))
			break;
		on = (int)MIN((int64_t)0x7fffffff,
			      MAX((int64_t)0, (int64_t)(READ_ONCE(f->inode->size) - f->pos)));
		return put_user(on, (int *)arg);
	}
	if (f->ops->ioctl)
		return f->ops->ioctl(f, cmd, arg);
	return -ENOTTY;
}

/* fsync and fdatasync: the file's own, or EINVAL when it has none. */
int
file_fsync(struct file *f, bool datasync)
{
	if (!f->ops->fsync)
		return -EINVAL;
	return f->ops->fsync(f, datasync);
}

/* ftruncate: a regular file open for writing. */
int
file_truncate(struct file *f, uint64_t size)
{
	if (!S_ISREG(f->inode->mode) || !(f->mode & FMODE_WRITE))
		return -EINVAL;
	return vfs_set_size(f->inode, size);
}

/* getdents: entries from the file position, the directory locked. */
int
file_readdir(struct file *f, struct dir_context *ctx)
{
	struct inode *ino = f->inode;
	int r;

	if (!f->ops->readdir)
		return -ENOTDIR;
	mutex_lock(&f->pos_lock);
	ctx->pos = f->pos;
	mutex_lock(&ino->lock);
	r = (ino->flags & I_DEAD) ? -ENOENT : f->ops->readdir(f, ctx);
	touch_atime_locked(f);
	mutex_unlock(&ino->lock);
	f->pos = ctx->pos;
	mutex_unlock(&f->pos_lock);
	return r;
}

/* Kernel I/O on a file: a kernel buffer, at *pos (advanced), or in order for streams. */
static long
kernel_rw(struct file *f, void *buf, size_t n, uint64_t *pos, bool write)
{
	bool stream = f->mode & FMODE_STREAM;
	struct uio u;
	long r;

	uio_init_kernel(&u, buf, n);
	r = write ? file_write(f, &u, stream ? NULL : pos) : file_read(f, &u, stream ? NULL : pos);
	if (r > 0 && !stream)
		*pos += (uint64_t)r;
	return r;
}

/* Kernel reads (exec, the initramfs): at *pos, advancing it. */
long
kernel_read(struct file *f, void *buf, size_t n, uint64_t *pos)
{
	return kernel_rw(f, buf, n, pos, false);
}

/* Kernel writes: at *pos, advancing it. */
long
kernel_write(struct file *f, const void *buf, size_t n, uint64_t *pos)
{
	return kernel_rw(f, (void *)buf, n, pos, true);
}
