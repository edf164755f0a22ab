// SPDX-License-Identifier: MIT
/*
 * ktests of the system calls themselves, with real user memory: a test
 * maps a scratch area in a fresh address space, puts its arguments there
 * and calls the sys_* handlers as the system-call entry would.
 */
#include "fs/ktests/ktfs.h"
#include "fs/syscalls.h"
#include "ipc/pipe.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "uapi/dirent.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/ioctls.h"
#include "uapi/poll.h"
#include "uapi/stat.h"
#include "uapi/statfs.h"
#include "uapi/time.h"
#include "uapi/uio.h"

long sys_poll(struct pollfd *ufds, unsigned nfds, int timeout_ms);
long sys_select(int n, fd_set *uin, fd_set *uout, fd_set *uex, struct timeval *utv);

STATIC_ASSERT(sizeof(struct stat) == 144, "x86-64 struct stat");
STATIC_ASSERT(offsetof(struct stat, st_size) == 48, "st_size");
STATIC_ASSERT(offsetof(struct stat, st_mtime_sec) == 88, "st_mtime");
STATIC_ASSERT(sizeof(struct statx) == 256, "struct statx");
STATIC_ASSERT(offsetof(struct statx, stx_mtime) == 0x70, "stx_mtime");
STATIC_ASSERT(offsetof(struct statx, stx_mnt_id) == 0x90, "stx_mnt_id");
STATIC_ASSERT(sizeof(struct pollfd) == 8, "struct pollfd");
STATIC_ASSERT(offsetof(struct linux_dirent64, d_name) == 19, "linux_dirent64");

/* Put a string into user memory at u; => u as a user pointer. */
static char *
ustr(uint64_t u, const char *s)
{
	if (copy_to_user((void *)u, s, strlen(s) + 1))
		return NULL;
	return (char *)u;
}

KTEST(fs_sys_open_read_write, "open, write, lseek, read with user buffers; bad pointers: EFAULT")
{
	struct kt_env e;
	uint64_t u;
	char back[16];
	long fd;

	KT_EQ(kt_enter(&e, "/kt/sys"), 0);
	u = kt_user(&e, 65536);
	KT_ASSERT(u);
	fd = sys_openat(AT_FDCWD, ustr(u, "f"), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	KT_EQ(fd, 0);                                   /* the lowest free descriptor */
	KT_EQ(sys_write((int)fd, ustr(u + 100, "user data"), 9), 9);
	KT_EQ(sys_lseek((int)fd, 0, SEEK_SET), 0);
	KT_EQ(sys_lseek((int)fd, -1, SEEK_SET), -EINVAL);
	KT_EQ(sys_lseek((int)fd, 0, 99), -EINVAL);
	KT_EQ(sys_read((int)fd, (void *)(u + 200), sizeof(back)), 9);
	KT_EQ(copy_from_user(back, (void *)(u + 200), 9), 0);
	KT_ASSERT(memcmp(back, "user data", 9) == 0);
	KT_EQ(sys_pread64((int)fd, (void *)(u + 200), 4, 5), 4);
	KT_EQ(sys_pread64((int)fd, (void *)(u + 200), 4, -1), -EINVAL);
	KT_EQ(sys_read((int)fd, back, sizeof(back)), -EFAULT);          /* a kernel address */
	KT_EQ(sys_read(77, (void *)u, 1), -EBADF);
	KT_EQ(sys_openat(AT_FDCWD, (const char *)back, O_RDONLY, 0), -EFAULT);
	KT_EQ(sys_openat(AT_FDCWD, NULL, O_RDONLY, 0), -EFAULT);
	KT_EQ(sys_openat(AT_FDCWD, ustr(u, ""), O_RDONLY, 0), -ENOENT);
	KT_EQ(clear_user((void *)u, 8192), 0);
	KT_EQ(copy_to_user((void *)u, "x", 1), 0);
	memset(back, 0, sizeof(back));
	for (uint64_t i = 0; i < 4096; i += 16)        /* 4096 bytes, no NUL */
		KT_EQ(copy_to_user((void *)(u + i), "aaaaaaaaaaaaaaaa", 16), 0);
	KT_EQ(sys_openat(AT_FDCWD, (const char *)u, O_RDONLY, 0), -ENAMETOOLONG);
	KT_EQ(sys_close((int)fd), 0);
	KT_EQ(sys_close((int)fd), -EBADF);
	kt_leave(&e);
	return 0;
}

KTEST(fs_sys_stat, "stat, fstat and statx fill Linux's layouts")
{
	struct kt_env e;
	struct stat st;
	struct statx sx;
	uint64_t u;

	KT_EQ(kt_enter(&e, "/kt/stat"), 0);
	u = kt_user(&e, 8192);
	KT_ASSERT(u);
	KT_EQ(kt_write_file("f", "12345", 5, 0640), 0);
	KT_EQ(sys_stat(ustr(u, "f"), (struct stat *)(u + 1024)), 0);
	KT_EQ(copy_from_user(&st, (void *)(u + 1024), sizeof(st)), 0);
	KT_EQ(st.st_mode, S_IFREG | 0640);
	KT_EQ(st.st_size, 5);
	KT_EQ(st.st_nlink, 1);
	KT_EQ(st.st_blksize, 4096);
	KT_EQ(sys_statx(AT_FDCWD, ustr(u, "f"), 0, STATX_BASIC_STATS, (struct statx *)(u + 2048)),
	      0);
	KT_EQ(copy_from_user(&sx, (void *)(u + 2048), sizeof(sx)), 0);
	KT_EQ(sx.stx_size, 5);
	KT_EQ(sx.stx_ino, st.st_ino);
	KT_EQ(sx.stx_mode, S_IFREG | 0640);
	KT_ASSERT(sx.stx_mask & STATX_BTIME);
	KT_EQ(sys_statx(AT_FDCWD, ustr(u, "f"), 0, STATX__RESERVED, (struct statx *)(u + 2048)),
	      -EINVAL);
	KT_EQ(sys_newfstatat(AT_FDCWD, ustr(u, "f"), (struct stat *)(u + 1024), 0x8000), -EINVAL);
	KT_EQ(sys_fstat(3, (struct stat *)(u + 1024)), -EBADF);
	KT_EQ(sys_stat(ustr(u, "f"), (struct stat *)&st), -EFAULT);
	kt_leave(&e);
	return 0;
}

KTEST(fs_sys_descriptors, "dup, dup2, dup3, fcntl and close-on-exec behave as on Linux")
{
	struct kt_env e;
	struct files *t;
	long fd, n;
	uint64_t u;

	KT_EQ(kt_enter(&e, "/kt/fds"), 0);
	u = kt_user(&e, 4096);
	t = files_current();
	fd = sys_openat(AT_FDCWD, ustr(u, "."), O_RDONLY, 0);
	KT_EQ(fd, 0);
	KT_EQ(sys_dup(0), 1);
	KT_EQ(sys_dup2(0, 5), 5);
	KT_EQ(sys_dup2(5, 5), 5);
	KT_EQ(sys_dup2(9, 9), -EBADF);
	KT_EQ(sys_dup3(0, 0, 0), -EINVAL);
	KT_EQ(sys_dup3(0, 6, O_CLOEXEC), 6);
	KT_EQ(sys_dup3(0, 7, O_RDWR), -EINVAL);
	KT_EQ(sys_fcntl(6, F_GETFD, 0), FD_CLOEXEC);
	KT_EQ(sys_fcntl(5, F_GETFD, 0), 0);
	KT_EQ(sys_fcntl(0, F_DUPFD, 3), 2 + 1);         /* lowest free >= 3 */
	KT_EQ(sys_fcntl(0, F_DUPFD_CLOEXEC, 100), 100);
	KT_EQ(sys_fcntl(0, F_DUPFD, FILES_MAX), -EINVAL);
	KT_EQ(sys_fcntl(5, F_SETFD, FD_CLOEXEC), 0);
	KT_EQ(sys_fcntl(0, F_SETFL, O_NONBLOCK | O_APPEND), 0);
	KT_EQ(sys_fcntl(1, F_GETFL, 0) & (O_NONBLOCK | O_APPEND | O_ACCMODE),
	      O_NONBLOCK | O_APPEND | O_RDONLY);        /* shared by dup */
	KT_EQ(sys_ioctl(1, FIOCLEX, 0), 0);
	files_close_on_exec(t);                         /* exec: 1, 5, 6 and 100 go */
	KT_EQ(sys_fcntl(1, F_GETFD, 0), -EBADF);
	KT_EQ(sys_fcntl(100, F_GETFD, 0), -EBADF);
	KT_EQ(sys_fcntl(0, F_GETFD, 0), 0);
	KT_EQ(sys_fcntl(3, F_GETFD, 0), 0);
	KT_EQ(sys_close_range(0, ~0u, 0), 0);
	KT_EQ(sys_fcntl(0, F_GETFD, 0), -EBADF);
	KT_EQ(sys_close_range(5, 4, 0), -EINVAL);
	/* The 1025th descriptor does not exist. */
	KT_EQ(sys_openat(AT_FDCWD, ustr(u, "."), O_RDONLY, 0), 0);
	for (n = 1; n < FILES_MAX; n++)
		KT_EQ(sys_dup(0), n);
	KT_EQ(sys_dup(0), -EMFILE);
	KT_EQ(sys_openat(AT_FDCWD, ustr(u, "."), O_RDONLY, 0), -EMFILE);
	KT_EQ(sys_close_range(0, ~0u, 0), 0);
	kt_leave(&e);
	return 0;
}

KTEST(fs_sys_getdents64, "getdents64 returns records with names, types and resumable offsets")
{
	struct kt_env e;
	char buf[512], names[64] = "";
	long fd, n, total = 0;
	uint64_t u;

	KT_EQ(kt_enter(&e, "/kt/dents"), 0);
	u = kt_user(&e, 4096);
	KT_EQ(kt_write_file("alpha", "", 0, 0644), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "beta", 0755), 0);
	fd = sys_openat(AT_FDCWD, ustr(u, "."), O_RDONLY | O_DIRECTORY, 0);
	KT_ASSERT(fd >= 0);
	KT_EQ(sys_getdents64((int)fd, (void *)u, 10), -EINVAL);    /* too small for one */
	/* One record per call (32 bytes), so the offsets must resume correctly. */
	while ((n = sys_getdents64((int)fd, (void *)u, 32)) > 0) {
		struct linux_dirent64 *d = (struct linux_dirent64 *)buf;
		KT_EQ(copy_from_user(buf, (void *)u, (size_t)n), 0);
		KT_EQ(d->d_reclen, n);
		strlcat(names, d->d_name, sizeof(names));
		strlcat(names, d->d_type == DT_DIR ? "/ " : " ", sizeof(names));
		total++;
	}
	KT_EQ(n, 0);
	KT_EQ(total, 4);
	KT_ASSERT(strcmp(names, "./ ../ alpha beta/ ") == 0);
	KT_EQ(sys_lseek((int)fd, 0, SEEK_SET), 0);
	n = sys_getdents64((int)fd, (void *)u, sizeof(buf));
	KT_EQ(n, 24 + 24 + 32 + 24);                    /* ".", "..", "alpha", "beta" */
	KT_EQ(kt_write_file("plain", "", 0, 0644), 0);
	fd = sys_openat(AT_FDCWD, ustr(u, "plain"), O_RDONLY, 0);
	KT_EQ(sys_getdents64((int)fd, (void *)u, sizeof(buf)), -ENOTDIR);
	kt_leave(&e);
	return 0;
}

KTEST(fs_sys_pipe_poll_select, "pipe2, FIONREAD, poll and select through user memory")
{
	struct pollfd pfd[3];
	struct kt_env e;
	fd_set set;
	int fds[2];
	uint64_t u;
	int n;

	KT_EQ(kt_enter(&e, "/kt/pollsys"), 0);
	u = kt_user(&e, 4096);
	KT_EQ(sys_pipe2((int *)u, O_DIRECT), -EINVAL);
	KT_EQ(sys_pipe2((int *)u, O_CLOEXEC | O_NONBLOCK), 0);
	KT_EQ(copy_from_user(fds, (void *)u, sizeof(fds)), 0);
	KT_EQ(fds[0], 0);
	KT_EQ(fds[1], 1);
	KT_EQ(sys_fcntl(0, F_GETFD, 0), FD_CLOEXEC);
	KT_EQ(sys_read(0, (void *)u, 1), -EAGAIN);
	KT_EQ(sys_write(1, ustr(u, "ping"), 4), 4);
	KT_EQ(sys_ioctl(0, FIONREAD, u + 64), 0);
	KT_EQ(copy_from_user(&n, (void *)(u + 64), 4), 0);
	KT_EQ(n, 4);
	KT_EQ(sys_pread64(0, (void *)u, 1, 0), -ESPIPE);
	KT_EQ(sys_ioctl(0, 0x5401, u), -ENOTTY);        /* TCGETS: not a terminal */
	pfd[0] = (struct pollfd){ 0, POLLIN, 0 };
	pfd[1] = (struct pollfd){ 1, POLLIN, 0 };
	pfd[2] = (struct pollfd){ 42, POLLIN, 0 };
	KT_EQ(copy_to_user((void *)(u + 128), pfd, sizeof(pfd)), 0);
	KT_EQ(sys_poll((struct pollfd *)(u + 128), 3, 0), 2);
	KT_EQ(copy_from_user(pfd, (void *)(u + 128), sizeof(pfd)), 0);
	KT_EQ(pfd[0].revents, POLLIN);
	KT_EQ(pfd[1].revents, 0);
	KT_EQ(pfd[2].revents, POLLNVAL);
	memset(&set, 0, sizeof(set));
	set.fds_bits[0] = 0x3;                          /* fds 0 and 1, for reading */
	KT_EQ(copy_to_user((void *)(u + 256), &set, sizeof(set)), 0);
	KT_EQ(sys_select(2, (fd_set *)(u + 256), NULL, NULL, NULL), 1);
	KT_EQ(copy_from_user(&set, (void *)(u + 256), sizeof(set)), 0);
	KT_EQ(set.fds_bits[0], 0x1);
	set.fds_bits[0] = 0x8;                          /* fd 3 is not open */
	KT_EQ(copy_to_user((void *)(u + 256), &set, sizeof(set)), 0);
	KT_EQ(sys_select(4, (fd_set *)(u + 256), NULL, NULL, NULL), -EBADF);
	KT_EQ(sys_select(-1, NULL, NULL, NULL, NULL), -EINVAL);
	kt_leave(&e);
	return 0;
}

KTEST(fs_sys_vectors, "readv and writev gather and scatter; bad vectors are refused")
{
	struct iovec iov[3];
	struct kt_env e;
	char back[16];
	uint64_t u;
	long fd;

	KT_EQ(kt_enter(&e, "/kt/iov"), 0);
	u = kt_user(&e, 8192);
	fd = sys_openat(AT_FDCWD, ustr(u, "v"), O_CREAT | O_RDWR, 0644);
	KT_ASSERT(fd >= 0);
	ustr(u + 100, "abc");
	ustr(u + 200, "defgh");
	iov[0] = (struct iovec){ (void *)(u + 100), 3 };
	iov[1] = (struct iovec){ (void *)(u + 300), 0 };
	iov[2] = (struct iovec){ (void *)(u + 200), 5 };
	KT_EQ(copy_to_user((void *)(u + 1024), iov, sizeof(iov)), 0);
	KT_EQ(sys_writev((int)fd, (struct iovec *)(u + 1024), 3), 8);
	KT_EQ(sys_writev((int)fd, (struct iovec *)(u + 1024), IOV_MAX + 1), -EINVAL);
	KT_EQ(sys_writev((int)fd, (struct iovec *)(u + 1024), -1), -EINVAL);
	iov[0] = (struct iovec){ (void *)(u + 2000), 2 };
	iov[1] = (struct iovec){ (void *)(u + 2100), 10 };
	KT_EQ(copy_to_user((void *)(u + 1024), iov, sizeof(iov)), 0);
	KT_EQ(sys_preadv((int)fd, (struct iovec *)(u + 1024), 2, 1, 0), 7);
	KT_EQ(copy_from_user(back, (void *)(u + 2000), 2), 0);
	KT_EQ(copy_from_user(back + 2, (void *)(u + 2100), 5), 0);
	KT_ASSERT(memcmp(back, "bcdefgh", 7) == 0);
	iov[0] = (struct iovec){ back, 2 };             /* a kernel address */
	KT_EQ(copy_to_user((void *)(u + 1024), iov, sizeof(iov)), 0);
	KT_EQ(sys_readv((int)fd, (struct iovec *)(u + 1024), 1), -EFAULT);
	KT_EQ(sys_readv((int)fd, (struct iovec *)back, 1), -EFAULT);
	kt_leave(&e);
	return 0;
}

long sys_ppoll(struct pollfd *ufds, unsigned nfds, const struct timespec *utmo,
	       const uint64_t *usigmask, size_t sigsetsize);
long sys_pselect6(int n, fd_set *uin, fd_set *uout, fd_set *uex, struct timespec *uts,
		  const void *usig);

KTEST(fs_sys_misc, "getdents, readlink, mount, statfs, ppoll and pselect6 through user memory")
{
	struct timespec ts = { 0, 2000000 };
	struct pollfd pfd;
	struct statfs sf;
	struct kt_env e;
	char buf[64];
	uint64_t u;
	long fd, n;

	KT_EQ(kt_enter(&e, "/kt/misc"), 0);
	u = kt_user(&e, 8192);
	KT_EQ(vfs_symlinkat("target", AT_FDCWD, "l"), 0);
	KT_EQ(sys_readlink(ustr(u, "l"), (char *)(u + 512), 3), 3);    /* cut, no NUL */
	KT_EQ(copy_from_user(buf, (void *)(u + 512), 3), 0);
	KT_ASSERT(memcmp(buf, "tar", 3) == 0);
	KT_EQ(sys_readlink(ustr(u, "l"), (char *)(u + 512), 0), -EINVAL);
	/* Old getdents: the type is the record's last byte. */
	fd = sys_openat(AT_FDCWD, ustr(u, "."), O_RDONLY | O_DIRECTORY, 0);
	n = sys_getdents((int)fd, (struct linux_dirent *)(u + 1024), 24);
	KT_EQ(n, 24);
	KT_EQ(copy_from_user(buf, (void *)(u + 1024), 24), 0);
	KT_EQ(buf[18], '.');
	KT_EQ(buf[23], DT_DIR);
	KT_EQ(sys_mkdir(ustr(u, "m"), 0755), 0);
	KT_EQ(sys_mount(ustr(u + 100, "none"), ustr(u + 200, "m"), ustr(u + 300, "tmpfs"), 0,
			ustr(u + 400, "mode=1777")), 0);
	KT_EQ(sys_statfs(ustr(u, "m"), (struct statfs *)(u + 2048)), 0);
	KT_EQ(copy_from_user(&sf, (void *)(u + 2048), sizeof(sf)), 0);
	KT_EQ(sf.f_type, TMPFS_MAGIC);
	KT_ASSERT(sf.f_blocks > 0);
	KT_EQ(sys_mount(ustr(u + 100, "none"), ustr(u + 200, "m"), ustr(u + 300, "nosuchfs"), 0, NULL),
	      -ENODEV);
	KT_EQ(sys_umount2(ustr(u, "m"), 0), 0);
	KT_EQ(sys_umount2(ustr(u, "m"), 0x100), -EINVAL);
	/* ppoll and pselect6 time out on an empty pipe and report no time left. */
	KT_EQ(sys_pipe2((int *)(u + 4000), 0), 0);
	KT_EQ(copy_from_user(buf, (void *)(u + 4000), 8), 0);
	pfd = (struct pollfd){ ((int *)buf)[0], POLLIN, 0 };
	KT_EQ(copy_to_user((void *)(u + 3000), &pfd, sizeof(pfd)), 0);
	KT_EQ(copy_to_user((void *)(u + 3100), &ts, sizeof(ts)), 0);
	KT_EQ(sys_ppoll((struct pollfd *)(u + 3000), 1, (struct timespec *)(u + 3100), NULL, 8), 0);
	KT_EQ(copy_from_user(&ts, (void *)(u + 3100), sizeof(ts)), 0);
	KT_EQ(ts.tv_sec, 0);
	KT_EQ(ts.tv_nsec, 0);
	KT_EQ(sys_ppoll((struct pollfd *)(u + 3000), 1, NULL, (uint64_t *)(u + 3100), 4), -EINVAL);
	ts = (struct timespec){ 0, 1000000 };
	KT_EQ(copy_to_user((void *)(u + 3100), &ts, sizeof(ts)), 0);
	KT_EQ(clear_user((void *)(u + 3200), 128), 0);
	KT_EQ(sys_pselect6(1, NULL, (fd_set *)(u + 3200), NULL, (struct timespec *)(u + 3100), NULL),
	      0);
	ts.tv_nsec = -1;
	KT_EQ(copy_to_user((void *)(u + 3100), &ts, sizeof(ts)), 0);
	KT_EQ(sys_pselect6(1, NULL, NULL, NULL, (struct timespec *)(u + 3100), NULL), -EINVAL);
	kt_leave(&e);
	return 0;
}
