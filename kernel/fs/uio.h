/* SPDX-License-Identifier: MIT */
/*
 * struct uio: "where the bytes of this read or write go".
 *
 * One read(2) may land in user memory (a plain read), in several user
 * buffers (readv), or in a kernel buffer (exec reading an ELF header, the
 * initramfs writing files).  File operations never care which: they move
 * bytes with uio_copy_out (file -> caller) and uio_copy_in (caller ->
 * file), and the uio walks the segments, checking user pointers as it goes.
 * A fault in user memory ends the copy early: the count says how far it
 * got, as a short read does.
 */
#pragma once

#include "lib/compiler.h"
#include "uapi/uio.h"

struct uio {
	const struct iovec *iov;    /* the current segment and those after it */
	unsigned nr;                /* segments left, the current one included */
	size_t off;                 /* bytes of iov[0] already used */
	size_t resid;               /* bytes left in all */
	bool kernel;                /* the buffers are kernel memory */
	struct iovec one;           /* storage for single-buffer uios */
};

void uio_init_user(struct uio *u, void *ubuf, size_t n);
void uio_init_kernel(struct uio *u, void *kbuf, size_t n);
/* iov must stay valid while the uio is used; total is the sum of the lengths. */
void uio_init_iov(struct uio *u, const struct iovec *iov, unsigned nr, size_t total,
		  bool kernel);

static inline size_t
uio_resid(const struct uio *u)
{
	return u->resid;
}

/* Copy n bytes from src to the caller.  => bytes copied, or -EFAULT if none could be. */
long uio_copy_out(struct uio *u, const void *src, size_t n);
/* Copy n bytes from the caller to dst.  => bytes copied, or -EFAULT if none could be. */
long uio_copy_in(struct uio *u, void *dst, size_t n);
/* Give the caller n zero bytes (holes, /dev/zero). */
long uio_zero_out(struct uio *u, size_t n);
/* Skip n bytes without copying. */
void uio_advance(struct uio *u, size_t n);
/* Do all user segments lie in user space (the access_ok check)?  Kernel uios always do. */
bool uio_access_ok(const struct uio *u);
