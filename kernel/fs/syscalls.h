/* SPDX-License-Identifier: MIT */
/*
 * The file-system system calls, with their real argument types (the
 * dispatch table in syscall/table.c knows them only by name).  Each family
 * lives in one file: sys_rw.c, sys_fd.c, sys_open.c, sys_stat.c,
 * sys_namei.c, sys_attr.c, sys_dir.c, sys_mount.c; pipes and poll are in
 * ipc/, getrandom in drivers/random.c.
 */
#pragma once

#include "lib/compiler.h"

struct iovec;
struct stat;
struct statx;
struct statfs;
struct timespec;
struct linux_dirent;
struct linux_dirent64;

/* sys_rw.c */
long sys_read(int fd, void *buf, size_t count);
long sys_write(int fd, const void *buf, size_t count);
long sys_pread64(int fd, void *buf, size_t count, int64_t pos);
long sys_pwrite64(int fd, const void *buf, size_t count, int64_t pos);
long sys_readv(int fd, const struct iovec *iov, int iovcnt);
long sys_writev(int fd, const struct iovec *iov, int iovcnt);
long sys_preadv(int fd, const struct iovec *iov, int iovcnt, unsigned long pos_l,
		unsigned long pos_h);
long sys_pwritev(int fd, const struct iovec *iov, int iovcnt, unsigned long pos_l,
		 unsigned long pos_h);
long sys_preadv2(int fd, const struct iovec *iov, int iovcnt, unsigned long pos_l,
		 unsigned long pos_h, int flags);
long sys_pwritev2(int fd, const struct iovec *iov, int iovcnt, unsigned long pos_l,
		  unsigned long pos_h, int flags);
long sys_lseek(int fd, int64_t off, int whence);

/* sys_fd.c */
long sys_close(int fd);
long sys_close_range(unsigned first, unsigned last, unsigned flags);
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_fcntl(int fd, int cmd, unsigned long arg);
long sys_ioctl(int fd, unsigned cmd, unsigned long arg);

/* flock.c */
long sys_flock(int fd, int op);

/* sendfile.c, fallocate.c */
long sys_sendfile(int out_fd, int in_fd, int64_t *offset, size_t count);
long sys_copy_file_range(int fd_in, int64_t *off_in, int fd_out, int64_t *off_out, size_t len,
			 unsigned flags);
long sys_fallocate(int fd, int mode, int64_t off, int64_t len);

/* sys_open.c */
long sys_open(const char *path, int flags, uint32_t mode);
long sys_openat(int dirfd, const char *path, int flags, uint32_t mode);
long sys_creat(const char *path, uint32_t mode);

/* sys_stat.c */
long sys_stat(const char *path, struct stat *st);
long sys_lstat(const char *path, struct stat *st);
long sys_fstat(int fd, struct stat *st);
long sys_newfstatat(int dirfd, const char *path, struct stat *st, int flags);
long sys_statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *stx);
long sys_readlink(const char *path, char *buf, int size);
long sys_readlinkat(int dirfd, const char *path, char *buf, int size);
long sys_access(const char *path, int mode);
long sys_faccessat(int dirfd, const char *path, int mode);
long sys_faccessat2(int dirfd, const char *path, int mode, int flags);

/* sys_namei.c */
long sys_mkdir(const char *path, uint32_t mode);
long sys_mkdirat(int dirfd, const char *path, uint32_t mode);
long sys_mknod(const char *path, uint32_t mode, unsigned dev);
long sys_mknodat(int dirfd, const char *path, uint32_t mode, unsigned dev);
long sys_rmdir(const char *path);
long sys_unlink(const char *path);
long sys_unlinkat(int dirfd, const char *path, int flags);
long sys_rename(const char *oldpath, const char *newpath);
long sys_renameat(int odirfd, const char *oldpath, int ndirfd, const char *newpath);
long sys_renameat2(int odirfd, const char *oldpath, int ndirfd, const char *newpath,
		   unsigned flags);
long sys_link(const char *oldpath, const char *newpath);
long sys_linkat(int odirfd, const char *oldpath, int ndirfd, const char *newpath, int flags);
long sys_symlink(const char *target, const char *path);
long sys_symlinkat(const char *target, int dirfd, const char *path);

/* sys_attr.c */
long sys_chmod(const char *path, uint32_t mode);
long sys_fchmod(int fd, uint32_t mode);
long sys_fchmodat(int dirfd, const char *path, uint32_t mode);
long sys_chown(const char *path, uint32_t uid, uint32_t gid);
long sys_lchown(const char *path, uint32_t uid, uint32_t gid);
long sys_fchown(int fd, uint32_t uid, uint32_t gid);
long sys_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags);
long sys_umask(uint32_t mask);
long sys_truncate(const char *path, int64_t length);
long sys_ftruncate(int fd, int64_t length);
long sys_utimensat(int dirfd, const char *path, const struct timespec *times, int flags);

/* sys_dir.c */
long sys_getdents(int fd, struct linux_dirent *dirp, unsigned count);
long sys_getdents64(int fd, struct linux_dirent64 *dirp, unsigned count);
long sys_getcwd(char *buf, size_t size);
long sys_chdir(const char *path);
long sys_fchdir(int fd);
long sys_chroot(const char *path);

/* sys_mount.c */
long sys_mount(const char *source, const char *target, const char *type, unsigned long flags,
	       const void *data);
long sys_umount2(const char *target, int flags);
long sys_statfs(const char *path, struct statfs *buf);
long sys_fstatfs(int fd, struct statfs *buf);
long sys_sync(void);
long sys_syncfs(int fd);
long sys_fsync(int fd);
long sys_fdatasync(int fd);
