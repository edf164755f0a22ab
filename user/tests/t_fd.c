// SPDX-License-Identifier: MIT
/*
 * The file-descriptor table: dup, dup2, dup3 and fcntl's descriptor and
 * status-flag commands, and the RLIMIT_NOFILE bound on descriptor numbers.
 * A duplicate shares the open file (offset and status flags) but not the
 * close-on-exec flag, which belongs to the descriptor.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

TEST(dup_lowest_free, "dup returns the lowest free descriptor")
{
	int a = CHECK_OK(open("/", O_RDONLY));
	int b = CHECK_OK(open("/", O_RDONLY));

	close(a);
	CHECK_EQ(dup(b), a);
	CHECK_ERR(dup(-1), EBADF);
	CHECK_ERR(dup(9999), EBADF);
}

TEST(dup_shares_offset_and_flags, "a duplicate shares the file offset and status flags")
{
	char c;

	ut_write_file("f", "abcd");
	int a = CHECK_OK(open("f", O_RDONLY));
	int b = CHECK_OK(dup(a));
	CHECK_EQ(read(a, &c, 1), 1);
	CHECK_EQ(read(b, &c, 1), 1);
	CHECK_EQ(c, 'b');
	CHECK_OK(fcntl(a, F_SETFL, O_NONBLOCK));
	CHECK(fcntl(b, F_GETFL) & O_NONBLOCK);
}

TEST(dup_clears_cloexec, "dup and dup2 give a descriptor without FD_CLOEXEC")
{
	int a = CHECK_OK(open("/", O_RDONLY | O_CLOEXEC));

	CHECK_EQ(fcntl(CHECK_OK(dup(a)), F_GETFD), 0);
	CHECK_EQ(dup2(a, 50), 50);
	CHECK_EQ(fcntl(50, F_GETFD), 0);
}

TEST(dup2_replaces_open_fd, "dup2 onto an open fd closes it first, silently")
{
	char c;

	ut_write_file("a", "A");
	ut_write_file("b", "B");
	int a = CHECK_OK(open("a", O_RDONLY));
	int b = CHECK_OK(open("b", O_RDONLY));
	CHECK_EQ(dup2(a, b), b);
	CHECK_EQ(read(b, &c, 1), 1);
	CHECK_EQ(c, 'A');
}

TEST(dup2_same_fd, "dup2(fd, fd) returns fd if valid and EBADF if not")
{
	int a = CHECK_OK(open("/", O_RDONLY | O_CLOEXEC));

	CHECK_EQ(dup2(a, a), a);
	CHECK_EQ(fcntl(a, F_GETFD), FD_CLOEXEC);	/* untouched */
	CHECK_ERR(dup2(77, 77), EBADF);
	CHECK_ERR(dup2(-1, 5), EBADF);
	CHECK_ERR(dup2(a, -1), EBADF);
}

TEST(dup3_flags, "dup3 sets O_CLOEXEC, and rejects equal fds and unknown flags with EINVAL")
{
	int a = CHECK_OK(open("/", O_RDONLY));

	CHECK_EQ(dup3(a, 40, O_CLOEXEC), 40);
	CHECK_EQ(fcntl(40, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(dup3(a, 41, 0), 41);
	CHECK_EQ(fcntl(41, F_GETFD), 0);
	/* Raw calls: the C library may check or drop flags itself. */
	CHECK_ERR(syscall(SYS_dup3, a, a, 0), EINVAL);
	CHECK_ERR(syscall(SYS_dup3, a, 42, O_NONBLOCK), EINVAL);
}

TEST(fcntl_dupfd_min, "F_DUPFD returns the lowest free fd at or above its argument")
{
	int a = CHECK_OK(open("/", O_RDONLY));

	CHECK_EQ(fcntl(a, F_DUPFD, 30), 30);
	CHECK_EQ(fcntl(a, F_DUPFD, 30), 31);
	CHECK_EQ(fcntl(31, F_GETFD), 0);
	CHECK_ERR(fcntl(a, F_DUPFD, -1), EINVAL);
}

TEST(fcntl_dupfd_cloexec, "F_DUPFD_CLOEXEC duplicates with FD_CLOEXEC set")
{
	int a = CHECK_OK(open("/", O_RDONLY));
	int b = CHECK_OK(fcntl(a, F_DUPFD_CLOEXEC, 20));

	CHECK_EQ(b, 20);
	CHECK_EQ(fcntl(b, F_GETFD), FD_CLOEXEC);
}

TEST(fcntl_setfd_getfd, "F_SETFD and F_GETFD set and read FD_CLOEXEC")
{
	int a = CHECK_OK(open("/", O_RDONLY));

	CHECK_OK(fcntl(a, F_SETFD, FD_CLOEXEC));
	CHECK_EQ(fcntl(a, F_GETFD), FD_CLOEXEC);
	CHECK_OK(fcntl(a, F_SETFD, 0));
	CHECK_EQ(fcntl(a, F_GETFD), 0);
}

TEST(fcntl_getfl_access_mode, "F_GETFL reports the access mode and O_APPEND")
{
	ut_write_file("f", "");
	int r = CHECK_OK(open("f", O_RDONLY));
	int w = CHECK_OK(open("f", O_WRONLY | O_APPEND));
	int rw = CHECK_OK(open("f", O_RDWR));
	CHECK_EQ(fcntl(r, F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK_EQ(fcntl(w, F_GETFL) & (O_ACCMODE | O_APPEND), O_WRONLY | O_APPEND);
	CHECK_EQ(fcntl(rw, F_GETFL) & O_ACCMODE, O_RDWR);
}

TEST(fcntl_setfl_changes_status_only, "F_SETFL changes O_APPEND/O_NONBLOCK but never the access mode")
{
	ut_write_file("f", "");
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_OK(fcntl(fd, F_SETFL, O_RDWR | O_APPEND | O_NONBLOCK));
	int fl = CHECK_OK(fcntl(fd, F_GETFL));
	CHECK_EQ(fl & O_ACCMODE, O_RDONLY);
	CHECK(fl & O_APPEND);
	CHECK(fl & O_NONBLOCK);
	CHECK_OK(fcntl(fd, F_SETFL, 0));
	CHECK_EQ(fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK), 0);
}

TEST(fcntl_bad_args, "fcntl on a bad fd is EBADF; an unknown command is EINVAL")
{
	int a = CHECK_OK(open("/", O_RDONLY));

	CHECK_ERR(fcntl(-1, F_GETFD), EBADF);
	CHECK_ERR(fcntl(999, F_GETFL), EBADF);
	CHECK_ERR(fcntl(a, 0x7777), EINVAL);
}

TEST(nofile_limit_emfile, "open fails with EMFILE at RLIMIT_NOFILE; dup2 above it is EBADF")
{
	struct rlimit rl = { 16, 16 };
	int last = -1, fd;
	int a = CHECK_OK(open("/", O_RDONLY));

	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	while ((fd = open("/", O_RDONLY)) >= 0)
		last = fd;
	CHECK_EQ(errno, EMFILE);
	CHECK_EQ(last, 15);
	CHECK_ERR(dup(a), EMFILE);
	CHECK_ERR(dup2(a, 16), EBADF);
	CHECK_ERR(fcntl(a, F_DUPFD, 16), EINVAL);
	close(last);
	CHECK_EQ(dup(a), last);
}

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE 2
#endif

/*
 * A process made with CLONE_FILES (but not CLONE_THREAD) shares the
 * caller's table; CLOSE_RANGE_UNSHARE gives it a copy first, so what it
 * closes stays open here, and its exit leaves this table alone.  Twenty
 * rounds: a table freed under the sharer would show up as descriptors
 * that stopped working, or worse.
 */
TEST(close_range_unshare_leaves_the_sharer_alone,
     "close_range(CLOSE_RANGE_UNSHARE) in a CLONE_FILES child closes only its own copies")
{
	int p[2];

	CHECK_OK(pipe(p));
	for (int round = 0; round < 20; round++) {
		char c = 0;
		long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);

		CHECK(pid >= 0);
		if (pid == 0) {
			if (syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_UNSHARE) != 0)
				_exit(1);
			_exit(fcntl(p[0], F_GETFD) == -1 && errno == EBADF ? 0 : 2);
		}
		ut_wait_exit((pid_t)pid, 0);
		CHECK_OK(fcntl(p[0], F_GETFD));
		CHECK_EQ(write(p[1], "u", 1), 1);
		CHECK_EQ(read(p[0], &c, 1), 1);
		CHECK_EQ(c, 'u');
		int d = CHECK_OK(dup(p[1]));
		CHECK_OK(close(d));
	}
	close(p[0]);
	close(p[1]);
}
