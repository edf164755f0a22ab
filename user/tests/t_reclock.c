// SPDX-License-Identifier: MIT
/*
 * POSIX record locks through fcntl: F_GETLK, F_SETLK, F_SETLKW and the
 * open-file-description (OFD) forms.  A process never conflicts with its
 * own POSIX locks, so what a lock looks like from outside is asked by a
 * forked child (probe): it reports the first lock blocking its request,
 * which shows how ranges were split and merged.  Conflicts go both ways
 * between parent and child; the tests cover unlock on any close, release
 * at exit, waiting, EDEADLK and a wait ended by a signal.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

static int
open_file(void)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	ut_write_all(fd, "0123456789abcdefghijklmnopqrstuvwxyz", 36);
	return fd;
}

/* fcntl with a struct flock for [start, start+len).  => 0 or errno. */
static int
lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl) < 0 ? errno : 0;
}

/* F_GETLK as another process sees it. */
static struct flock
probe(int fd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	int p[2];

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		close(p[0]);
		CHECK_OK(fcntl(fd, F_GETLK, &fl));
		ut_write_all(p[1], &fl, sizeof(fl));
		_exit(0);
	}
	close(p[1]);
	ut_read_exact(p[0], &fl, sizeof(fl));
	close(p[0]);
	ut_wait_exit(pid, 0);
	return fl;
}

/* The child's view must be: blocked by a lock of type on [start, start+len). */
#define CHECK_BLOCKED_BY(fd, qstart, want_type, want_start, want_len)		\
	do {									\
		struct flock got_ = probe(fd, F_WRLCK, qstart, 0);		\
		CHECK_EQ(got_.l_type, want_type);				\
		CHECK_EQ(got_.l_whence, SEEK_SET);				\
		CHECK_EQ(got_.l_start, want_start);				\
		CHECK_EQ(got_.l_len, want_len);					\
	} while (0)

/* Run fn in a child with the same file open and return its exit status. */
static int
in_child(int fd, int (*fn)(int fd))
{
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(fn(fd));
	int st = ut_wait(pid);
	CHECK(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int
child_conflicts(int fd)
{
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 10), EAGAIN);	/* parent's write lock */
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 5, 1), EAGAIN);
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 10, 5), 0);		/* next to it: free */
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 20, 5), 0);		/* shares the read lock */
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 22, 1), EAGAIN);	/* but cannot write there */
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 12, 1), 0);		/* converts its own lock */
	return 0;
}

TEST(reclock_conflicts_parent_child, "write locks exclude, read locks share, between two processes")
{
	int fd = open_file();

	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 10), 0);
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 20, 10), 0);
	CHECK_EQ(in_child(fd, child_conflicts), 0);
	/* The child's locks went with it. */
	CHECK_EQ(probe(fd, F_WRLCK, 10, 10).l_type, F_UNLCK);
	CHECK_BLOCKED_BY(fd, 0, F_WRLCK, 0, 10);
	CHECK_BLOCKED_BY(fd, 10, F_RDLCK, 20, 10);
	/* A process's own locks never block it. */
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 100), 0);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	CHECK_OK(fcntl(fd, F_GETLK, &fl));
	CHECK_EQ(fl.l_type, F_UNLCK);
}

TEST(reclock_getlk_reports_holder, "F_GETLK describes the blocking lock and its holder's pid")
{
	int fd = open_file(), p[2];
	char c;

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 10, 5), 0);
		ut_write_all(p[1], "x", 1);
		pause();
		_exit(0);
	}
	ut_read_exact(p[0], &c, 1);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	CHECK_OK(fcntl(fd, F_GETLK, &fl));
	CHECK_EQ(fl.l_type, F_RDLCK);
	CHECK_EQ(fl.l_whence, SEEK_SET);
	CHECK_EQ(fl.l_start, 10);
	CHECK_EQ(fl.l_len, 5);
	CHECK_EQ(fl.l_pid, pid);
	/* A read request is not blocked by a read lock. */
	fl = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET };
	CHECK_OK(fcntl(fd, F_GETLK, &fl));
	CHECK_EQ(fl.l_type, F_UNLCK);
	/* Relative to the position: SEEK_CUR at 12 with a negative length covers 7..11. */
	CHECK_OK(lseek(fd, 12, SEEK_SET));
	fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_CUR, .l_start = 0, .l_len = -5 };
	CHECK_OK(fcntl(fd, F_GETLK, &fl));
	CHECK_EQ(fl.l_type, F_RDLCK);
	CHECK_EQ(fl.l_start, 10);
	kill(pid, SIGKILL);
	ut_wait_signal(pid, SIGKILL);
}

TEST(reclock_split_and_merge, "locks of one owner split, trim and merge as ranges change")
{
	int fd = open_file();

	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 0, 16), 0);
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 4, 4), 0);		/* R 0-3, W 4-7, R 8-15 */
	CHECK_BLOCKED_BY(fd, 0, F_RDLCK, 0, 4);
	CHECK_BLOCKED_BY(fd, 4, F_WRLCK, 4, 4);
	CHECK_BLOCKED_BY(fd, 8, F_RDLCK, 8, 8);
	CHECK_EQ(probe(fd, F_RDLCK, 0, 0).l_start, 4);		/* only the W blocks a reader */
	CHECK_EQ(lk(fd, F_SETLK, F_UNLCK, 6, 6), 0);		/* R 0-3, W 4-5, R 12-15 */
	CHECK_BLOCKED_BY(fd, 4, F_WRLCK, 4, 2);
	CHECK_BLOCKED_BY(fd, 6, F_RDLCK, 12, 4);
	CHECK_EQ(probe(fd, F_WRLCK, 6, 6).l_type, F_UNLCK);
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 4, 8), 0);		/* R 0-15 again, one lock */
	CHECK_BLOCKED_BY(fd, 0, F_RDLCK, 0, 16);
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 16, 0), 0);		/* touching, to EOF: merged */
	CHECK_BLOCKED_BY(fd, 0, F_RDLCK, 0, 0);
	CHECK_EQ(lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	CHECK_EQ(probe(fd, F_WRLCK, 0, 0).l_type, F_UNLCK);
}

TEST(reclock_unlock_on_any_close, "closing any descriptor of the file drops the process's locks")
{
	int fd = open_file();

	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	int other = CHECK_OK(open("f", O_RDONLY));	/* a separate open, never locked */
	CHECK_BLOCKED_BY(fd, 0, F_WRLCK, 0, 0);
	close(other);
	CHECK_EQ(probe(fd, F_WRLCK, 0, 0).l_type, F_UNLCK);
	/* dup2 over a descriptor of the file closes it too. */
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 0, 1), 0);
	int d = CHECK_OK(dup(fd));
	CHECK_OK(dup2(CHECK_OK(open("/dev/null", O_RDONLY)), d));
	CHECK_EQ(probe(fd, F_WRLCK, 0, 0).l_type, F_UNLCK);
}

TEST(reclock_ofd_locks_follow_description, "OFD locks belong to the open file, not the process")
{
	int fd = open_file();
	int fd2 = CHECK_OK(open("f", O_RDWR));

	CHECK_EQ(lk(fd, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
	/* Another description in the same process conflicts, with POSIX and OFD requests. */
	CHECK_EQ(lk(fd2, F_OFD_SETLK, F_RDLCK, 5, 1), EAGAIN);
	CHECK_EQ(lk(fd2, F_SETLK, F_WRLCK, 9, 1), EAGAIN);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	CHECK_OK(fcntl(fd2, F_OFD_GETLK, &fl));
	CHECK_EQ(fl.l_type, F_WRLCK);
	CHECK_EQ(fl.l_pid, -1);
	/* Closing another descriptor leaves it; a dup shares it. */
	close(fd2);
	int d = CHECK_OK(dup(fd));
	CHECK_EQ(lk(d, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
	close(d);
	CHECK_BLOCKED_BY(fd, 0, F_WRLCK, 0, 10);
	/* l_pid must be 0 for OFD requests. */
	fl = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1 };
	CHECK_ERR(fcntl(fd, F_OFD_SETLK, &fl), EINVAL);
	/* The last close of the description drops it. */
	int keep = CHECK_OK(open("f", O_RDWR));
	close(fd);
	CHECK_EQ(lk(keep, F_OFD_SETLK, F_WRLCK, 0, 0), 0);
}

static int
child_exits_holding(int fd)
{
	return lk(fd, F_SETLK, F_WRLCK, 0, 0);
}

TEST(reclock_released_at_exit, "a process's locks go when it exits; fork does not inherit them")
{
	int fd = open_file();

	CHECK_EQ(in_child(fd, child_exits_holding), 0);
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	CHECK_EQ(in_child(fd, child_exits_holding), EAGAIN);
}

TEST(reclock_setlkw_waits_for_unlock, "F_SETLKW sleeps until the conflicting lock goes")
{
	int fd = open_file(), p[2];
	char c;

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 5), 0);
		ut_write_all(p[1], "x", 1);
		ut_msleep(100);
		ut_write_all(p[1], "y", 1);	/* before the unlock: the parent still waits */
		CHECK_EQ(lk(fd, F_SETLK, F_UNLCK, 0, 5), 0);
		pause();
		_exit(0);
	}
	ut_read_exact(p[0], &c, 1);
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 2, 1), EAGAIN);
	CHECK_EQ(lk(fd, F_SETLKW, F_WRLCK, 2, 1), 0);
	/* The lock came after the unlock, so after the 'y': it is there already. */
	CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'y');
	kill(pid, SIGKILL);
	ut_wait_signal(pid, SIGKILL);
}

TEST(reclock_edeadlk_two_processes, "two processes waiting for each other: one gets EDEADLK")
{
	int fd = open_file(), p[2];
	char c;

	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 1, 1), 0);
		ut_write_all(p[1], "x", 1);
		int r = lk(fd, F_SETLKW, F_WRLCK, 0, 1);
		_exit(r == EDEADLK ? 2 : r);
	}
	ut_read_exact(p[0], &c, 1);
	ut_msleep(100);		/* let the child block on byte 0 */
	int r = lk(fd, F_SETLKW, F_WRLCK, 1, 1);
	CHECK(r == 0 || r == EDEADLK);
	if (r == EDEADLK)
		CHECK_OK(lk(fd, F_SETLK, F_UNLCK, 0, 1));	/* now the child gets byte 0 */
	int st = ut_wait(pid);
	CHECK(WIFEXITED(st));
	/* Exactly one of the two saw the cycle. */
	CHECK_EQ(WEXITSTATUS(st), r == EDEADLK ? 0 : 2);
}

/* Hold byte `hold`, say so, then wait for byte `want`.  Exit 2 on EDEADLK. */
static _Noreturn void
hold_then_wait(int fd, int p, int hold, int want)
{
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, hold, 1), 0);
	ut_write_all(p, "x", 1);
	int r = lk(fd, F_SETLKW, F_WRLCK, want, 1);
	_exit(r == EDEADLK ? 2 : r);
}

TEST(reclock_edeadlk_three_processes, "a cycle through three waiting processes is found too")
{
	int fd = open_file(), p[2], deadlocks = 0;
	char c[2];

	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
	CHECK_OK(pipe(p));
	pid_t b = ut_fork();
	if (b == 0)
		hold_then_wait(fd, p[1], 1, 0);		/* B waits for the parent */
	ut_read_exact(p[0], c, 1);			/* B holds byte 1 before C starts */
	pid_t c2 = ut_fork();
	if (c2 == 0)
		hold_then_wait(fd, p[1], 2, 1);		/* C waits for B */
	ut_read_exact(p[0], c + 1, 1);
	ut_msleep(150);		/* let both block (if not, one of them finds the cycle) */
	int r = lk(fd, F_SETLKW, F_WRLCK, 2, 1);	/* the parent waits for C: a cycle */
	CHECK(r == 0 || r == EDEADLK);
	deadlocks += r == EDEADLK;
	CHECK_OK(lk(fd, F_SETLK, F_UNLCK, 0, 0));	/* let B, then C, go on */
	for (int i = 0; i < 2; i++) {
		int st = ut_wait(i ? c2 : b);
		CHECK(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 2));
		deadlocks += WEXITSTATUS(st) == 2;
	}
	CHECK_EQ(deadlocks, 1);		/* whoever closed the cycle, and only it */
}

static void
on_alarm(int sig)
{
	(void)sig;
}

TEST(reclock_setlkw_interrupted, "a signal ends an F_SETLKW wait with EINTR (no SA_RESTART)")
{
	int fd = open_file();
	struct sigaction sa = { .sa_handler = on_alarm };

	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	pid_t pid = ut_fork();
	if (pid == 0) {
		struct itimerval it = { .it_value = { .tv_usec = 100000 } };
		sigemptyset(&sa.sa_mask);
		CHECK_OK(sigaction(SIGALRM, &sa, NULL));
		CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
		CHECK_EQ(lk(fd, F_SETLKW, F_RDLCK, 3, 1), EINTR);
		_exit(0);
	}
	ut_wait_exit(pid, 0);
}

TEST(reclock_bad_args, "record-lock requests with bad types, ranges or access modes fail")
{
	int fd = open_file();
	int ro = CHECK_OK(open("f", O_RDONLY)), wo = CHECK_OK(open("f", O_WRONLY));
	struct flock fl = { .l_type = 7, .l_whence = SEEK_SET };

	CHECK_ERR(fcntl(fd, F_SETLK, &fl), EINVAL);
	fl = (struct flock){ .l_type = F_UNLCK, .l_whence = SEEK_SET };
	CHECK_ERR(fcntl(fd, F_GETLK, &fl), EINVAL);
	fl = (struct flock){ .l_type = F_RDLCK, .l_whence = 9 };
	CHECK_ERR(fcntl(fd, F_SETLK, &fl), EINVAL);
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, -1, 1), EINVAL);
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 2, -3), EINVAL);	/* would start at -1 */
	CHECK_EQ(lk(ro, F_SETLK, F_WRLCK, 0, 1), EBADF);
	CHECK_EQ(lk(wo, F_SETLK, F_RDLCK, 0, 1), EBADF);
	CHECK_EQ(lk(ro, F_SETLK, F_RDLCK, 0, 1), 0);
	CHECK_EQ(lk(wo, F_SETLK, F_WRLCK, 1, 1), 0);
	CHECK_EQ(lk(-1, F_SETLK, F_RDLCK, 0, 1), EBADF);
	CHECK_ERR(fcntl(fd, F_SETLK, UT_BAD_PTR), EFAULT);
}
