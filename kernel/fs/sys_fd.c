// SPDX-License-Identifier: MIT
/*
 * Calls on descriptors themselves: close, close_range, dup, dup2, dup3,
 * fcntl, ioctl.  The table logic is in fdtable.c; this file checks
 * arguments in Linux's order and translates.
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/vfs_ops.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/ioctls.h"

/* close(2). */
long
sys_close(int fd)
{
	struct files *t = files_current();

	return t ? fd_close(t, fd) : -EBADF;
}

/* close_range(2); CLOSE_RANGE_UNSHARE gives the process its own table first. */
long
sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	struct thread *me = current();
	int r;

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if (!me->files)
		return 0;
	/* The process owns the table, so the process layer swaps it (proc.c). */
	if ((flags & CLOSE_RANGE_UNSHARE) && fs_upcalls.unshare_files &&
	    (r = fs_upcalls.unshare_files()) != 0)
		return r;
	return fd_close_range(me->files, first, last, flags & CLOSE_RANGE_CLOEXEC);
}

/* A new descriptor >= min for the file at fd. */
static long
dup_from(int fd, unsigned min, int flags)
{
	struct files *t = files_current();
	struct file *f = fget_raw(fd);
	int nfd;

	if (!f)
		return -EBADF;
	nfd = fd_alloc(t, min, flags);
	if (nfd < 0)
		file_put(f);
	else
		fd_fill(t, nfd, f);
	return nfd;
}

/* dup(2): the lowest free descriptor. */
long
sys_dup(int fd)
{
	return dup_from(fd, 0, 0);
}

/* dup2(2): oldfd == newfd only checks oldfd. */
long
sys_dup2(int oldfd, int newfd)
{
	struct file *f;

	if (oldfd == newfd) {
		/* Nothing to do, but oldfd must be open. */
		f = fget_raw(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return fd_dup_to(files_current(), oldfd, newfd, 0);
}

/* dup3(2): like dup2, but oldfd == newfd is EINVAL and O_CLOEXEC may be set. */
long
sys_dup3(int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_dup_to(files_current(), oldfd, newfd, flags);
}

/* Commands an O_PATH descriptor allows. */
static bool
path_fd_cmd(int cmd)
{
	return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_GETFD || cmd == F_SETFD ||
	       cmd == F_GETFL;
}

/* The fcntl commands. */
static long
do_fcntl(int fd, struct file *f, int cmd, unsigned long arg)
{
	struct files *t = files_current();
	int r;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= fd_limit())
			return -EINVAL;
		return dup_from(fd, (unsigned)arg, cmd == F_DUPFD_CLOEXEC ? O_CLOEXEC : 0);
	case F_GETFD:
		r = fd_get_cloexec(t, fd);
		return r < 0 ? r : (r ? FD_CLOEXEC : 0);
	case F_SETFD:
		return fd_set_cloexec(t, fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return (long)file_flags(f);
	case F_SETFL:
		return file_set_flags(f, (unsigned)arg);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return reclock_fcntl(fd, f, cmd, arg);
	default:
		return -EINVAL;
	}
}

/* fcntl(2). */
long
sys_fcntl(int fd, int cmd, unsigned long arg)
{
	struct file *f = fget_raw(fd);
	long r;

	if (!f)
		return -EBADF;
	if ((f->mode & FMODE_PATH) && !path_fd_cmd(cmd))
		r = -EBADF;
	else
		r = do_fcntl(fd, f, cmd, arg);
	file_put(f);
	return r;
}

/* ioctl(2): the descriptor's own commands, then the file's. */
long
sys_ioctl(int fd, unsigned cmd, unsigned long arg)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	if (cmd == FIOCLEX || cmd == FIONCLEX)
		r = fd_set_cloexec(files_current(), fd, cmd == FIOCLEX);
	else
		r = file_ioctl(f, cmd, arg);
	file_put(f);
	return r;
}
