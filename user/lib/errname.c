// SPDX-License-Identifier: MIT
/*
 * Symbolic errno names.  Test failures print the name because the question
 * is always "which error did the kernel choose", and two errors with similar
 * strerror() texts (EPERM and EACCES) are easy to confuse.
 */
#include <errno.h>
#include <stdio.h>

#include "errname.h"

#define E(x) [x] = #x

static const char *const names[] = {
	[0] = "0",
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
	E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
	E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK),
	E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENODATA),
	E(EOVERFLOW), E(EBADFD), E(ENOTSOCK), E(EOPNOTSUPP), E(ETIMEDOUT),
	E(EALREADY), E(EINPROGRESS), E(ECANCELED), E(EOWNERDEAD),
};

const char *
errname(int err)
{
	static char buf[16];

	if (err >= 0 && err < (int)(sizeof(names) / sizeof(names[0])) && names[err])
		return names[err];
	snprintf(buf, sizeof(buf), "E?%d", err);
	return buf;
}
