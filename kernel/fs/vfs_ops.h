/* SPDX-License-Identifier: MIT */
/*
 * The VFS's entry points with kernel arguments: what the system calls
 * (fs/sys_*.c, ipc/), the initramfs and the tests call after copying
 * strings and structures in from user space.  Paths are kernel strings,
 * relative to dirfd (AT_FDCWD: the working directory) of the current
 * thread's tables.  Every function returns 0 (or a count) or -errno.
 */
#pragma once

#include "fs/fs.h"

struct kstat {
	uint64_t dev, ino;
	uint32_t mode, nlink, uid, gid;
	dev_t rdev;
	uint64_t size, blocks;
	uint32_t blksize;
	struct timespec atime, mtime, ctime, btime;
	uint64_t mnt_id;
	bool mount_root;
};

/* ---- descriptors of the current thread (fdtable.c) */
#define FILES_MAX 1024              /* descriptors per process (RLIMIT_NOFILE) */
#define FD_RESERVED ((struct file *)1)

struct files *files_current(void);
/* Descriptors the caller may have: min(RLIMIT_NOFILE, FILES_MAX). */
unsigned fd_limit(void);
/* The file at fd with a reference, or NULL.  fget refuses O_PATH files. */
struct file *fget(int fd);
struct file *fget_raw(int fd);
/* fget for one system call: with a reference only if *ref (then file_put it). */
struct file *fget_light(int fd, bool *ref);
/* The file at fd of another process's table (procfs), with a reference, or NULL. */
struct file *files_file(struct files *t, int fd);
/* Reserve the lowest free descriptor >= min (flags: O_CLOEXEC).  => fd or -EMFILE. */
int fd_alloc(struct files *t, unsigned min, int flags);
/* Fill a reserved descriptor (consumes the caller's reference to f). */
void fd_fill(struct files *t, int fd, struct file *f);
void fd_unreserve(struct files *t, int fd);
int fd_close(struct files *t, int fd);
/* dup2/dup3: newfd becomes a copy of oldfd (flags: O_CLOEXEC). */
int fd_dup_to(struct files *t, int oldfd, int newfd, int flags);
/* FD_CLOEXEC of fd, or -EBADF. */
int fd_get_cloexec(struct files *t, int fd);
int fd_set_cloexec(struct files *t, int fd, bool on);
/* close_range: flags CLOSE_RANGE_CLOEXEC marks instead of closing. */
int fd_close_range(struct files *t, unsigned first, unsigned last, unsigned flags);
/* Slots in the table now (select ignores descriptors at or above it, as Linux). */
unsigned files_max_fd(struct files *t);

/* ---- files (open.c, rw.c) */
struct file *vfs_openat(int dirfd, const char *path, int flags, uint32_t mode);
/* Read or write at *ppos, or at the file position (advancing it) when ppos is NULL. */
long file_read(struct file *f, struct uio *u, const uint64_t *ppos);
long file_write(struct file *f, struct uio *u, const uint64_t *ppos);
int64_t file_llseek(struct file *f, int64_t off, int whence);
long file_ioctl(struct file *f, unsigned cmd, unsigned long arg);
int file_fsync(struct file *f, bool datasync);
int file_truncate(struct file *f, uint64_t size);
/* getdents: emit entries from the file position on. */
int file_readdir(struct file *f, struct dir_context *ctx);
/* Set the status flags F_SETFL may change (O_APPEND, O_NONBLOCK, ...). */
int file_set_flags(struct file *f, unsigned flags);

/* ---- names (dirops.c, rename.c) */
int vfs_mknodat(int dirfd, const char *path, uint32_t mode, dev_t dev);
int vfs_mkdirat(int dirfd, const char *path, uint32_t mode);
int vfs_symlinkat(const char *target, int dirfd, const char *path);
int vfs_linkat(int odirfd, const char *opath, int ndirfd, const char *npath, int flags);
/* flags: AT_REMOVEDIR. */
int vfs_unlinkat(int dirfd, const char *path, int flags);
int vfs_renameat2(int odirfd, const char *opath, int ndirfd, const char *npath,
		  unsigned flags);
/* => the length copied (not NUL-terminated), or -errno. */
long vfs_readlinkat(int dirfd, const char *path, char *buf, size_t size);

/* ---- attributes (attr.c) */
/* flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. */
int vfs_statat(int dirfd, const char *path, int flags, struct kstat *st);
int vfs_getattr(const struct path *p, struct kstat *st);
int vfs_fchmodat(int dirfd, const char *path, uint32_t mode, int flags);
int vfs_fchmod(struct file *f, uint32_t mode);
/* uid or gid (uint32_t)-1: leave it. */
int vfs_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags);
int vfs_fchown(struct file *f, uint32_t uid, uint32_t gid);
/* times NULL: both now; tv_nsec may be UTIME_NOW or UTIME_OMIT. */
int vfs_utimensat(int dirfd, const char *path, const struct timespec times[2], int flags);
int vfs_futimens(struct file *f, const struct timespec times[2]);
int vfs_truncate(const char *path, int64_t size);
/* access(2): mode R_OK|W_OK|X_OK or F_OK; flags AT_EACCESS, AT_SYMLINK_NOFOLLOW. */
int vfs_faccessat(int dirfd, const char *path, int mode, int flags);

/* ---- the process's place (dirs.c) */
int vfs_chdir(const char *path);
int vfs_fchdir(struct file *f);
int vfs_chroot(const char *path);
/* => length including the NUL, or -errno (-ERANGE: buf too small). */
long vfs_getcwd(char *buf, size_t size);
uint32_t vfs_umask(uint32_t mask);

/* ---- mounts (sys_mount.c) */
int vfs_mount(const char *source, const char *target, const char *type, unsigned long flags,
	      const void *data);
int vfs_umount(const char *target, int flags);
int vfs_statfs(const struct path *p, struct statfs *st);
void vfs_sync(void);
