// SPDX-License-Identifier: MIT
/*
 * The read and write family: read, write, pread64, pwrite64, readv,
 * writev, preadv, pwritev, preadv2, pwritev2, lseek.
 *
 * Each call finds the file, describes the user buffers as a struct uio and
 * hands over to file_read/file_write (fs/rw.c), which check the access
 * mode, the buffers and the position, then call the file's operation.
 * Vectors are copied in whole first: at most IOV_MAX (1024) segments, each
 * length below 2^63, the total cut at MAX_RW_COUNT as Linux does.
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/uio.h"
#include "fs/vfs_ops.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

#define UIO_FASTIOV 8       /* vectors this short are copied onto the stack */
#define RWF_HIPRI  0x01
#define RWF_DSYNC  0x02
#define RWF_SYNC   0x04

typedef long (*file_rw)(struct file *f, struct uio *u, const uint64_t *ppos);

/* One buffer at *ppos (NULL: the file position). */
static long
rw_one(int fd, void *buf, size_t count, const uint64_t *ppos, bool write)
{
	bool ref;
	struct file *f = fget_light(fd, &ref);
	struct uio u;
	long r;

	if (!f)
		return -EBADF;
	uio_init_user(&u, buf, count);
	r = ppos && (f->mode & FMODE_STREAM) ? -ESPIPE :
	    write ? file_write(f, &u, ppos) : file_read(f, &u, ppos);
	if (ref)
		file_put(f);
	return r;
}

/* read(2). */
long
sys_read(int fd, void *buf, size_t count)
{
	return rw_one(fd, buf, count, NULL, false);
}

/* write(2). */
long
sys_write(int fd, const void *buf, size_t count)
{
	return rw_one(fd, (void *)buf, count, NULL, true);
}

/* pread64(2): a negative offset is EINVAL before anything else. */
long
sys_pread64(int fd, void *buf, size_t count, int64_t pos)
{
	uint64_t p = (uint64_t)pos;

	return pos < 0 ? -EINVAL : rw_one(fd, buf, count, &p, false);
}

/* pwrite64(2). */
long
sys_pwrite64(int fd, const void *buf, size_t count, int64_t pos)
{
	uint64_t p = (uint64_t)pos;

	return pos < 0 ? -EINVAL : rw_one(fd, (void *)buf, count, &p, true);
}

/*
 * Copy a user vector in.  *kiov starts as the caller's small array and
 * is replaced by a kmalloc'd one for long vectors.
 * => 0 with the total in *total, or -EINVAL / -EFAULT / -ENOMEM.
 */
static int
import_iov(const struct iovec *uiov, int cnt, struct iovec *fast, struct iovec **kiov,
	   size_t *total)
{
	size_t sum = 0;
	struct iovec *big;

	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	if (cnt > UIO_FASTIOV) {
		big = kmalloc((size_t)cnt * sizeof(struct iovec));
		if (!big)
			return -ENOMEM;
		*kiov = big;
	}
	if (copy_from_user(*kiov, uiov, (size_t)cnt * sizeof(struct iovec)))
		return -EFAULT;
	for (int i = 0; i < cnt; i++) {
		size_t len = (*kiov)[i].iov_len;
		if ((int64_t)len < 0)
			return -EINVAL;
		if (len > (size_t)MAX_RW_COUNT - sum)
			(*kiov)[i].iov_len = len = (size_t)MAX_RW_COUNT - sum;
		if (!user_range_ok((uint64_t)(*kiov)[i].iov_base, len))
			return -EFAULT;
		sum += len;
	}
	*total = sum;
	return 0;
}

/* The vector calls: checks in Linux's order, then file_read/file_write. */
static long
rw_vec(int fd, const struct iovec *uiov, int cnt, const uint64_t *ppos, bool write)
{
	struct iovec fast[UIO_FASTIOV], *kiov = fast;
	bool ref;
	struct file *f = fget_light(fd, &ref);
	struct uio u;
	size_t total = 0;
	long r;

	if (!f)
		return -EBADF;
	if (!(f->mode & (write ? FMODE_WRITE : FMODE_READ)))
		r = -EBADF;
	else if (ppos && (f->mode & FMODE_STREAM))
		r = -ESPIPE;
	else
		r = import_iov(uiov, cnt, fast, &kiov, &total);
	if (r == 0) {
		uio_init_iov(&u, kiov, (unsigned)cnt, total, false);
		r = write ? file_write(f, &u, ppos) : file_read(f, &u, ppos);
	}
	if (kiov != fast)
		kfree(kiov);
	if (ref)
		file_put(f);
	return r;
}

/* readv(2). */
long
sys_readv(int fd, const struct iovec *iov, int iovcnt)
{
	return rw_vec(fd, iov, iovcnt, NULL, false);
}

/* writev(2). */
long
sys_writev(int fd, const struct iovec *iov, int iovcnt)
{
	return rw_vec(fd, iov, iovcnt, NULL, true);
}

/* On x86-64 the whole offset is in pos_l; pos_h exists for 32-bit ABIs. */
static long
rw_vec_at(int fd, const struct iovec *iov, int iovcnt, unsigned long pos_l, int flags,
	  bool write, bool v2)
{
	uint64_t pos = pos_l;

	if (flags & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC))
		return -EOPNOTSUPP;
	if (v2 && (int64_t)pos == -1)
		return rw_vec(fd, iov, iovcnt, NULL, write);
	if ((int64_t)pos < 0)
		return -EINVAL;
	return rw_vec(fd, iov, iovcnt, &pos, write);
}

/* preadv(2). */
long
sys_preadv(int fd, const struct iovec *iov, int iovcnt, unsigned long pos_l, unsigned long pos_h)
{
	return rw_vec_at(fd, iov, iovcnt, pos_l, 0, false, false);
}

/* pwritev(2). */
long
sys_pwritev(int fd, const struct iovec *iov, int iovcnt, unsigned long pos_l,
	    unsigned long pos_h)
{
	return rw_vec_at(fd, iov, iovcnt, pos_l, 0, true, false);
}

/* preadv2(2): offset -1 means the file position. */
long
sys_preadv2(int fd, const struct iovec *iov, int iovcnt, unsigned long pos_l,
	    unsigned long pos_h, int flags)
{
	return rw_vec_at(fd, iov, iovcnt, pos_l, flags, false, true);
}

/* pwritev2(2). */
long
sys_pwritev2(int fd, const struct iovec *iov, int iovcnt, unsigned long pos_l,
	     unsigned long pos_h, int flags)
{
	return rw_vec_at(fd, iov, iovcnt, pos_l, flags, true, true);
}

/* lseek(2). */
long
sys_lseek(int fd, int64_t off, int whence)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	r = (whence < SEEK_SET || whence > SEEK_HOLE) ? -EINVAL : file_llseek(f, off, whence);
	file_put(f);
	return r;
}
