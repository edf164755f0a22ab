// SPDX-License-Identifier: MIT
/*
 * Directory calls: getdents, getdents64, getcwd, chdir, fchdir, chroot.
 *
 * getdents fills a kernel buffer from the file system's readdir (which
 * runs with the directory locked) and copies it out afterwards, so no
 * lock is held while user memory is touched.  Each record's d_off is the
 * position of the entry after it: lseek there resumes the listing.
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "uapi/dirent.h"
#include "uapi/errno.h"

#define DIRENT_BOUNCE 16384     /* bytes of records per call, at most */

struct getdents_ctx {
	struct dir_context ctx;
	char *buf;
	size_t used, cap;
	int64_t *prev_off;          /* d_off of the record before, filled in later */
	bool old_format;            /* struct linux_dirent rather than linux_dirent64 */
	bool too_small;
};

/* A record's length: header, name, NUL (and type byte), padded to 8. */
static size_t
reclen_of(bool old_format, size_t len)
{
	if (old_format)
		return ALIGN_UP(offsetof(struct linux_dirent, d_name) + len + 2, sizeof(long));
	return ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8ul);
}

/* Add one record to the buffer; false when it does not fit. */
static bool
emit(struct dir_context *dc, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct getdents_ctx *g = container_of(dc, struct getdents_ctx, ctx);
	size_t rl = reclen_of(g->old_format, len);
	char *rec = g->buf + g->used;

	if (g->used + rl > g->cap) {
		g->too_small = g->used == 0;
		return false;
	}
	if (g->prev_off)
		*g->prev_off = (int64_t)dc->pos;
	memset(rec, 0, rl);
	if (g->old_format) {
		struct linux_dirent *d = (struct linux_dirent *)rec;
		d->d_ino = ino;
		d->d_reclen = (unsigned short)rl;
		memcpy(d->d_name, name, len);
		rec[rl - 1] = (char)type;
		g->prev_off = (int64_t *)&d->d_off;
	} else {
		struct linux_dirent64 *d = (struct linux_dirent64 *)rec;
		d->d_ino = ino;
		d->d_reclen = (uint16_t)rl;
		d->d_type = (uint8_t)type;
		memcpy(d->d_name, name, len);
		g->prev_off = &d->d_off;
	}
	g->used += rl;
	return true;
}

/* getdents and getdents64 through a kernel buffer. */
static long
do_getdents(int fd, void *udirp, unsigned count, bool old_format)
{
	struct getdents_ctx g = { .ctx.emit = emit, .old_format = old_format };
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	g.cap = MIN((size_t)count, (size_t)DIRENT_BOUNCE);
	g.buf = kmalloc(g.cap ? g.cap : 1);
	r = g.buf ? file_readdir(f, &g.ctx) : -ENOMEM;
	if (r == 0 && g.prev_off)
		*g.prev_off = (int64_t)g.ctx.pos;
	if (r == 0 && g.too_small)
		r = -EINVAL;
	if (r == 0 && g.used && copy_to_user(udirp, g.buf, g.used))
		r = -EFAULT;
	kfree(g.buf);
	file_put(f);
	return r ? r : (long)g.used;
}

/* getdents64(2). */
long
sys_getdents64(int fd, struct linux_dirent64 *dirp, unsigned count)
{
	return do_getdents(fd, dirp, count, false);
}

/* getdents(2), the older record layout. */
long
sys_getdents(int fd, struct linux_dirent *dirp, unsigned count)
{
	return do_getdents(fd, dirp, count, true);
}

/* getcwd(2): the length with the NUL, or ERANGE. */
long
sys_getcwd(char *ubuf, size_t size)
{
	char *buf = kmalloc(PATH_MAX);
	long r;

	if (!buf)
		return -ENOMEM;
	r = vfs_getcwd(buf, MIN(size, (size_t)PATH_MAX));
	if (r > 0 && copy_to_user(ubuf, buf, (size_t)r))
		r = -EFAULT;
	kfree(buf);
	return r;
}

/* chdir(2). */
long
sys_chdir(const char *upath)
{
	char *path = getname(upath, false);
	long r = IS_ERR(path) ? PTR_ERR(path) : vfs_chdir(path);

	putname(path);
	return r;
}

/* fchdir(2) (O_PATH descriptors work). */
long
sys_fchdir(int fd)
{
	struct file *f = fget_raw(fd);
	long r;

	if (!f)
		return -EBADF;
	r = vfs_fchdir(f);
	file_put(f);
	return r;
}

/* chroot(2). */
long
sys_chroot(const char *upath)
{
	char *path = getname(upath, false);
	long r = IS_ERR(path) ? PTR_ERR(path) : vfs_chroot(path);

	putname(path);
	return r;
}
