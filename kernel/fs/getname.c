// SPDX-License-Identifier: MIT
/*
 * Path names from user space.  A name is copied whole into a kernel
 * buffer of PATH_MAX bytes before any walk starts, so a program changing
 * its string meanwhile cannot confuse the walk.  Errors come in Linux's
 * order: a bad pointer is EFAULT, a name without its NUL within PATH_MAX
 * bytes ENAMETOOLONG, an empty name ENOENT unless the call allows it.
 */
#include "fs/internal.h"
#include "fs/vfs_ops.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"

/* Copy a user path into a new PATH_MAX buffer.  => the buffer or ERR_PTR. */
char *
getname(const char *upath, bool empty_ok)
{
	char *buf;
	long n;

	if (!upath)
		return ERR_PTR(-EFAULT);
	buf = kmalloc(PATH_MAX);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(buf, upath, PATH_MAX);
	if (n == 0 && !empty_ok)
		n = -ENOENT;
	if (n < 0) {
		kfree(buf);
		return ERR_PTR(n);
	}
	return buf;
}

/* Free what getname returned (errors and NULL are ignored). */
void
putname(char *name)
{
	if (name && !IS_ERR(name))
		kfree(name);
}
