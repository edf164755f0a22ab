// SPDX-License-Identifier: MIT
/*
 * User/kernel I/O vectors.  Copies to and from user memory go a page at a
 * time, so a buffer that is bad half-way gives a short count (what Linux
 * returns) instead of losing the bytes already moved.
 */
#include "fs/uio.h"
#include "lib/string.h"
#include "arch/arch.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"

/* A uio over nr segments totalling total bytes. */
void
uio_init_iov(struct uio *u, const struct iovec *iov, unsigned nr, size_t total, bool kernel)
{
	u->iov = iov;
	u->nr = nr;
	u->off = 0;
	u->resid = total;
	u->kernel = kernel;
}

/* A uio over one user buffer. */
void
uio_init_user(struct uio *u, void *ubuf, size_t n)
{
	u->one = (struct iovec){ ubuf, n };
	uio_init_iov(u, &u->one, 1, n, false);
}

/* A uio over one kernel buffer. */
void
uio_init_kernel(struct uio *u, void *kbuf, size_t n)
{
	u->one = (struct iovec){ kbuf, n };
	uio_init_iov(u, &u->one, 1, n, true);
}

/* The next piece to copy: at most n bytes, within one segment and one user page. */
static size_t
uio_chunk(struct uio *u, size_t n, char **where)
{
	size_t len;

	while (u->nr && u->off == u->iov->iov_len) {
		u->iov++;
		u->nr--;
		u->off = 0;
	}
	if (!u->nr)
		return 0;
	*where = (char *)u->iov->iov_base + u->off;
	len = MIN(n, u->iov->iov_len - u->off);
	if (!u->kernel)
		len = MIN(len, PAGE_SIZE - ((uint64_t)*where & (PAGE_SIZE - 1)));
	return len;
}

/* Skip n bytes of the caller's buffers. */
void
uio_advance(struct uio *u, size_t n)
{
	char *where;

	n = MIN(n, u->resid);
	while (n) {
		size_t len = uio_chunk(u, n, &where);
		if (!len)
			break;
		u->off += len;
		u->resid -= len;
		n -= len;
	}
}

/*
 * The one copy loop.  dir_out: kernel buf -> caller; otherwise caller -> buf.
 * A NULL buf with dir_out gives zeros.
 */
static long
uio_move(struct uio *u, void *buf, size_t n, bool dir_out)
{
	size_t done = 0;
	char *where;

	n = MIN(n, u->resid);
	while (done < n) {
		size_t len = uio_chunk(u, n - done, &where);
		int r = 0;

		if (!len)
			break;
		if (u->kernel && dir_out)
			buf ? memcpy(where, (char *)buf + done, len) : memset(where, 0, len);
		else if (u->kernel)
			memcpy((char *)buf + done, where, len);
		else if (dir_out)
			r = buf ? copy_to_user(where, (char *)buf + done, len) :
				  clear_user(where, len);
		else
			r = copy_from_user((char *)buf + done, where, len);
		if (r)
			return done ? (long)done : -EFAULT;
		u->off += len;
		u->resid -= len;
		done += len;
	}
	return (long)done;
}

/* Give the caller n bytes from src. */
long
uio_copy_out(struct uio *u, const void *src, size_t n)
{
	return uio_move(u, (void *)src, n, true);
}

/* Take n bytes from the caller into dst. */
long
uio_copy_in(struct uio *u, void *dst, size_t n)
{
	return uio_move(u, dst, n, false);
}

/* Give the caller n zero bytes. */
long
uio_zero_out(struct uio *u, size_t n)
{
	return uio_move(u, NULL, n, true);
}

/* Are all of a user uio's segments inside user space? */
bool
uio_access_ok(const struct uio *u)
{
	if (u->kernel)
		return true;
	for (unsigned i = 0; i < u->nr; i++)
		if (!user_range_ok((uint64_t)u->iov[i].iov_base, u->iov[i].iov_len))
			return false;
	return true;
}
