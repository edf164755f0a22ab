// SPDX-License-Identifier: MIT
/*
 * Copying between files inside the kernel: sendfile(2) and
 * copy_file_range(2).
 *
 * The idea.  A program that copies a file to a socket or a pipe with read
 * and write moves every byte twice across the user boundary: into its own
 * buffer, then out again, with two system calls per buffer.  sendfile
 * says "move count bytes from this file to that one" in one call, so the
 * bytes never enter user space at all.  That is the "zero-copy" idea; how
 * far a kernel takes it is a matter of degree.  Linux goes further than
 * Keel: it hands references to the page-cache pages themselves to a pipe
 * (splice), so file data reaches the network card without being copied
 * by the CPU.  Keel takes the first step only: each chunk goes from the
 * source file into one kernel buffer and from there to the destination,
 * through the files' ordinary read and write operations.  No user copy,
 * no per-chunk system call, any destination that can be written.
 *
 * Positions.  The source is read at *offset when the caller passes one
 * (then its file position is left alone and *offset is advanced) or at
 * its file position (advanced).  The source must be a file with a
 * position (regular file or block device); the destination may be
 * anything open for writing but an O_APPEND file, as on Linux.  A short
 * read (the end of the source) or a short or failed write ends the copy;
 * the count moved so far is the result, and an error only when nothing
 * moved.
 *
 * copy_file_range is the same loop between two regular files, each with
 * an optional offset, refusing an overlapping copy within one file.
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/uio.h"
#include "fs/vfs_ops.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

#define XFER_CHUNK 4096

/*
 * Copy up to count bytes from in at *ipos to out at *opos (NULL: out's file
 * position, or a stream), advancing the positions by what was written.
 * => bytes moved, or -errno if none.
 */
static long
xfer(struct file *in, uint64_t *ipos, struct file *out, uint64_t *opos, size_t count)
{
	char *buf = kmalloc(XFER_CHUNK);
	long done = 0, r = 0;

	if (!buf)
		return -ENOMEM;
	while ((size_t)done < count) {
		struct uio u;
		long got, put;

		uio_init_kernel(&u, buf, MIN((size_t)XFER_CHUNK, count - (size_t)done));
		got = r = file_read(in, &u, ipos);
		if (got <= 0)
			break;
		uio_init_kernel(&u, buf, (size_t)got);
		put = r = file_write(out, &u, opos);
		if (put <= 0)
			break;
		*ipos += (uint64_t)put;
		if (opos)
			*opos += (uint64_t)put;
		done += put;
		if (put < got)
			break;
	}
	kfree(buf);
	return done ? done : r;
}

/*
 * Read a user offset pointer (NULL: none).  A negative offset is EINVAL for
 * sendfile; copy_file_range takes it as a huge one (its range check then
 * says EOVERFLOW, as Linux does).  => 0, -EFAULT, -EINVAL.
 */
static int
get_offset(const int64_t *uoff, uint64_t *out, bool negative_ok)
{
	int64_t v;

	if (!uoff)
		return 0;
	if (get_user(v, uoff))
		return -EFAULT;
	if (v < 0 && !negative_ok)
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

/* sendfile's checks on the two files, in Linux's order.  => 0 or -errno. */
static int
sendfile_check(struct file *in, struct file *out, bool have_offset)
{
	if (!(in->mode & FMODE_READ))
		return -EBADF;
	if (have_offset && (in->mode & FMODE_STREAM))
		return -ESPIPE;
	if (!out)
		return -EBADF;
	if (!(out->mode & FMODE_WRITE))
		return -EBADF;
	if (!S_ISREG(in->inode->mode) && !S_ISBLK(in->inode->mode))
		return -EINVAL;
	if (file_flags(out) & O_APPEND)
		return -EINVAL;
	return 0;
}

/* The copy itself: at *offset, or at in's position (read once, written back after). */
static long
sendfile_files(struct file *in, struct file *out, int64_t *uoff, size_t count)
{
	uint64_t pos = 0;
	int r = get_offset(uoff, &pos, false);
	long n;

	if (r)
		return r;
	if (!uoff)
		pos = READ_ONCE(in->pos);
	count = MIN(count, (size_t)MAX_RW_COUNT);
	n = xfer(in, &pos, out, NULL, count);
	if (n <= 0)
		return n;
	if (!uoff) {
		WRITE_ONCE(in->pos, pos);
		return n;
	}
	return put_user((int64_t)pos, uoff) ? -EFAULT : n;
}

/* sendfile(2). */
long
sys_sendfile(int out_fd, int in_fd, int64_t *uoff, size_t count)
{
	struct file *in = fget(in_fd), *out;
	long r;

	if (!in)
		return -EBADF;
	out = fget(out_fd);
	r = sendfile_check(in, out, uoff != NULL);
	if (r == 0)
		r = sendfile_files(in, out, uoff, count);
	if (out)
		file_put(out);
	file_put(in);
	return r;
}

/* copy_file_range's checks, in Linux's order.  => 0 or -errno. */
static int
cfr_check(struct file *in, uint64_t ipos, struct file *out, uint64_t opos, size_t len)
{
	uint64_t end;

	if (S_ISDIR(in->inode->mode) || S_ISDIR(out->inode->mode))
		return -EISDIR;
	if (!S_ISREG(in->inode->mode) || !S_ISREG(out->inode->mode))
		return -EINVAL;
	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE) ||
	    (file_flags(out) & O_APPEND))
		return -EBADF;
	if (__builtin_add_overflow(ipos, len, &end) || __builtin_add_overflow(opos, len, &end) ||
	    (int64_t)ipos < 0 || (int64_t)opos < 0)
		return -EOVERFLOW;
	if (in->inode == out->inode && ipos < opos + len && opos < ipos + len)
		return -EINVAL;     /* overlapping ranges of one file */
	return 0;
}

/* Both files found: offsets in, checks, the copy, offsets (or positions) out. */
static long
cfr_files(struct file *in, int64_t *uoff_in, struct file *out, int64_t *uoff_out, size_t len)
{
	uint64_t ipos = READ_ONCE(in->pos), opos = READ_ONCE(out->pos);
	long r = get_offset(uoff_in, &ipos, true);

	if (r == 0)
		r = get_offset(uoff_out, &opos, true);
	if (r == 0)
		r = cfr_check(in, ipos, out, opos, len);
	if (r || len == 0)
		return r;
	r = xfer(in, &ipos, out, &opos, MIN(len, (size_t)MAX_RW_COUNT));
	if (r <= 0)
		return r;
	if (uoff_in ? put_user((int64_t)ipos, uoff_in) : (WRITE_ONCE(in->pos, ipos), 0))
		return -EFAULT;
	if (uoff_out ? put_user((int64_t)opos, uoff_out) : (WRITE_ONCE(out->pos, opos), 0))
		return -EFAULT;
	return r;
}

/* copy_file_range(2). */
long
sys_copy_file_range(int fd_in, int64_t *uoff_in, int fd_out, int64_t *uoff_out, size_t len,
		    unsigned flags)
{
	struct file *in, *out;
	long r;

	if (!(in = fget(fd_in)))
		return -EBADF;
	if (!(out = fget(fd_out))) {
		file_put(in);
		return -EBADF;
	}
	r = flags ? -EINVAL : cfr_files(in, uoff_in, out, uoff_out, len);
	file_put(out);
	file_put(in);
	return r;
}
