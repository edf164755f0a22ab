// SPDX-License-Identifier: MIT
/*
 * Mounting and the calls about whole file systems: mount, umount2,
 * statfs, fstatfs, sync, syncfs, fsync, fdatasync.
 *
 * mount(2) does one of five things, chosen by its flags: remount (new
 * flags for an existing mount), bind (a directory shown at a second
 * place), change propagation (Keel's mounts are all private: accepted and
 * ignored), move (a whole mount to another place, as switch_root does),
 * or attach a new file system found by its type name.  Types Keel lacks
 * ("proc", "sysfs" for now) give ENODEV.
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "sched/cred.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/mount.h"
#include "uapi/stat.h"
#include "uapi/statfs.h"

/* The per-mount MNT_* flags among mount(2)'s MS_* flags. */
static unsigned
mnt_flags_of(unsigned long flags)
{
	return ((flags & MS_RDONLY) ? MNT_RDONLY : 0) | ((flags & MS_NOSUID) ? MNT_NOSUID : 0) |
	       ((flags & MS_NODEV) ? MNT_NODEV : 0) | ((flags & MS_NOEXEC) ? MNT_NOEXEC : 0) |
	       ((flags & MS_NOATIME) ? MNT_NOATIME : 0);
}

/* A new instance of the file system type, attached at `at`. */
static int
do_new_mount(const struct path *at, const char *type, const char *source, unsigned long flags,
	     const void *data)
{
	const struct fs_type *fs;
	struct super_block *sb;
	int r;

	if (!type)
		return -EINVAL;
	fs = vfs_find_fs(type);
	if (!fs || !fs->mount)
		return -ENODEV;
	if (!S_ISDIR(d_inode(at->dentry)->mode))
		return -ENOTDIR;
	if (d_is_dead(at->dentry))
		return -ENOENT;
	r = fs->mount(fs, source, flags, data, &sb);
	if (r)
		return r;
	if (flags & MS_RDONLY)
		sb->flags |= SB_RDONLY;
	return mount_attach(sb, at, mnt_flags_of(flags), source);
}

/* MS_BIND: source's directory (or file) shown again at `at`. */
static int
do_bind(const struct path *at, const char *source, unsigned long flags)
{
	struct path src;
	int r;

	if (!source)
		return -EFAULT;
	r = vfs_path_lookup(AT_FDCWD, source, LOOKUP_FOLLOW, &src);
	if (r)
		return r;
	if (S_ISDIR(d_inode(src.dentry)->mode) != S_ISDIR(d_inode(at->dentry)->mode))
		r = -ENOTDIR;
	else
		r = mount_attach_dentry(src.mnt->sb, dget(src.dentry), at,
					src.mnt->flags & ~MNT_DETACHED, src.mnt->devname);
	path_put(&src);
	return r;
}

/* MS_MOVE: the mount at source moves to `at`. */
static int
do_move(const struct path *at, const char *source)
{
	struct path src;
	int r;

	if (!source)
		return -EFAULT;
	r = vfs_path_lookup(AT_FDCWD, source, LOOKUP_FOLLOW, &src);
	if (r)
		return r;
	if (src.dentry != src.mnt->root)
		r = -EINVAL;
	else if (!S_ISDIR(d_inode(at->dentry)->mode))
		r = -ENOTDIR;
	else
		r = mount_move(src.mnt, at);
	path_put(&src);
	return r;
}

/* mount(2) with kernel strings (root only). */
int
vfs_mount(const char *source, const char *target, const char *type, unsigned long flags,
	  const void *data)
{
	const unsigned long propagation = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;
	struct path at;
	int r;

	if (vfs_cred()->euid != 0)
		return -EPERM;
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~(unsigned long)MS_MGC_MSK;
	r = vfs_path_lookup(AT_FDCWD, target, LOOKUP_FOLLOW, &at);
	if (r)
		return r;
	if (flags & MS_REMOUNT) {
		struct super_block *sb = at.mnt->sb;

		r = at.dentry == at.mnt->root ? 0 : -EINVAL;
		/* The file system first: going read-only writes everything back. */
		if (r == 0 && !(flags & MS_BIND) && sb->ops->remount)
			r = sb->ops->remount(sb, flags);
		if (r == 0)
			mount_set_flags(at.mnt, mnt_flags_of(flags), flags & MS_BIND);
	} else if (flags & MS_BIND) {
		r = do_bind(&at, source, flags);
	} else if (flags & propagation) {
		r = 0;
	} else if (flags & MS_MOVE) {
		r = do_move(&at, source);
	} else {
		r = do_new_mount(&at, type, source, flags, data);
	}
	path_put(&at);
	return r;
}

/* umount2(2) with a kernel path (root only). */
int
vfs_umount(const char *target, int flags)
{
	struct path p;
	int r;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	if (vfs_cred()->euid != 0)
		return -EPERM;
	r = vfs_path_lookup(AT_FDCWD, target, (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &p);
	if (r)
		return r;
	if (p.dentry != p.mnt->root)
		r = -EINVAL;
	else if (flags & MNT_EXPIRE)
		r = -EAGAIN;        /* never marked: the first MNT_EXPIRE only marks, as Linux */
	else
		r = mount_umount(p.mnt, flags & MNT_DETACH);
	path_put(&p);
	return r;
}

/* statfs of the file system at p, with the mount's flags. */
int
vfs_statfs(const struct path *p, struct statfs *st)
{
	struct super_block *sb = p->dentry->sb;
	unsigned mf = p->mnt->flags;
	int r;

	memset(st, 0, sizeof(*st));
	r = sb->ops->statfs ? sb->ops->statfs(sb, st) : 0;
	if (r)
		return r;
	st->f_fsid.val[0] = (int)sb->dev;
	st->f_flags = ST_VALID | ((mf & MNT_RDONLY) || (sb->flags & SB_RDONLY) ? ST_RDONLY : 0) |
		      ((mf & MNT_NOSUID) ? ST_NOSUID : 0) | ((mf & MNT_NODEV) ? ST_NODEV : 0) |
		      ((mf & MNT_NOEXEC) ? ST_NOEXEC : 0) | ((mf & MNT_NOATIME) ? ST_NOATIME : 0);
	return 0;
}

/* sync(2): every mounted file system's sync_fs. */
void
vfs_sync(void)
{
	struct mount *m[64];
	int n = mount_snapshot(m, 64);

	for (int i = 0; i < n; i++) {
		if (m[i]->sb->ops->sync_fs)
			m[i]->sb->ops->sync_fs(m[i]->sb);
		mntput(m[i]);
	}
}

/* ---------------------------------------------------------------- system calls */

/* Copy a mount's string argument: NULL stays NULL. */
static char *
mount_string(const char *u)
{
	return u ? getname(u, true) : NULL;
}

/* mount(2). */
long
sys_mount(const char *usource, const char *utarget, const char *utype, unsigned long flags,
	  const void *udata)
{
	char *source = mount_string(usource), *target = getname(utarget, false);
	char *type = mount_string(utype), *data = NULL;
	long r = 0;

	if (IS_ERR(source) || IS_ERR(target) || IS_ERR(type))
		r = IS_ERR(target) ? PTR_ERR(target) : IS_ERR(source) ? PTR_ERR(source) :
		    PTR_ERR(type);
	if (r == 0 && udata && !(flags & (MS_BIND | MS_MOVE))) {
		/* options: one page at most, NUL-terminated */
		data = getname(udata, true);
		if (IS_ERR(data))
			r = PTR_ERR(data);
	}
	if (r == 0)
		r = vfs_mount(source, target, type, flags, data);
	putname(source);
	putname(target);
	putname(type);
	putname(data);
	return r;
}

/* umount2(2). */
long
sys_umount2(const char *utarget, int flags)
{
	char *target = getname(utarget, false);
	long r = IS_ERR(target) ? PTR_ERR(target) : vfs_umount(target, flags);

	putname(target);
	return r;
}

/* statfs(2). */
long
sys_statfs(const char *upath, struct statfs *ubuf)
{
	char *path = getname(upath, false);
	struct statfs st;
	struct path p;
	long r = IS_ERR(path) ? PTR_ERR(path) :
		 vfs_path_lookup(AT_FDCWD, path, LOOKUP_FOLLOW, &p);

	putname(path);
	if (r)
		return r;
	r = vfs_statfs(&p, &st);
	path_put(&p);
	return r ? r : copy_to_user(ubuf, &st, sizeof(st));
}

/* fstatfs(2). */
long
sys_fstatfs(int fd, struct statfs *ubuf)
{
	struct file *f = fget_raw(fd);
	struct statfs st;
	long r;

	if (!f)
		return -EBADF;
	r = vfs_statfs(&f->path, &st);
	file_put(f);
	return r ? r : copy_to_user(ubuf, &st, sizeof(st));
}

/* sync(2). */
long
sys_sync(void)
{
	vfs_sync();
	return 0;
}

/* syncfs(2). */
long
sys_syncfs(int fd)
{
	struct file *f = fget(fd);
	struct super_block *sb;

	if (!f)
		return -EBADF;
	sb = f->inode->sb;
	if (sb->ops->sync_fs)
		sb->ops->sync_fs(sb);
	file_put(f);
	return 0;
}

/* fsync and fdatasync of a descriptor. */
static long
do_fsync(int fd, bool datasync)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	r = file_fsync(f, datasync);
	file_put(f);
	return r;
}

/* fsync(2). */
long
sys_fsync(int fd)
{
	return do_fsync(fd, false);
}

/* fdatasync(2). */
long
sys_fdatasync(int fd)
{
	return do_fsync(fd, true);
}
