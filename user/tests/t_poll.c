// SPDX-License-Identifier: MIT
/*
 * Waiting on several descriptors: poll, ppoll, select and pselect6 on
 * pipes.  What each reports (POLLIN, POLLOUT, POLLHUP, POLLERR, POLLNVAL),
 * timeouts, and the atomic signal-mask swap that makes ppoll and pselect
 * free of the lost-wakeup race between unblocking a signal and sleeping.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

TEST(poll_pipe_readable, "poll reports POLLIN once a pipe holds data, not before")
{
	int p[2];
	struct pollfd pf;

	CHECK_OK(pipe(p));
	pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK_EQ(poll(&pf, 1, 0), 0);
	CHECK_EQ(pf.revents, 0);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK_EQ(pf.revents, POLLIN);
}

TEST(poll_pipe_writable, "an empty pipe's write end is POLLOUT; a full one is not")
{
	static char buf[65536];
	int p[2];
	struct pollfd pf;

	CHECK_OK(pipe2(p, O_NONBLOCK));
	pf = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK_EQ(pf.revents, POLLOUT);
	while (write(p[1], buf, sizeof(buf)) > 0)
		;
	CHECK_EQ(poll(&pf, 1, 0), 0);
}

TEST(poll_wakes_on_write, "a blocked poll wakes when another process writes")
{
	int p[2];
	struct pollfd pf;

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_msleep(50);
		ut_write_all(p[1], "x", 1);
		_exit(0);
	}
	pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK_EQ(poll(&pf, 1, 10000), 1);
	CHECK(pf.revents & POLLIN);
	ut_wait_exit(pid, 0);
}

TEST(poll_hup_and_err, "POLLHUP when all writers close; POLLERR on a write end without readers")
{
	int p[2];
	struct pollfd pf;

	CHECK_OK(pipe(p));
	close(p[1]);
	pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK(pf.revents & POLLHUP);
	CHECK_OK(pipe(p));
	close(p[0]);
	pf = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK(pf.revents & POLLERR);
}

TEST(poll_bad_and_negative_fds, "a closed fd is POLLNVAL; a negative fd is skipped")
{
	struct pollfd pf[2] = { { .fd = 999, .events = POLLIN }, { .fd = -1, .events = POLLIN } };

	CHECK_EQ(poll(pf, 2, 0), 1);
	CHECK_EQ(pf[0].revents, POLLNVAL);
	CHECK_EQ(pf[1].revents, 0);
}

TEST(poll_timeout_elapses, "poll on nothing ready returns 0 after at least its timeout")
{
	int p[2];
	struct pollfd pf;

	CHECK_OK(pipe(p));
	pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
	long long t0 = ut_now_ns();
	CHECK_EQ(poll(&pf, 1, 50), 0);
	CHECK(ut_now_ns() - t0 >= 50000000LL);
}

TEST(poll_bad_args, "poll with too many fds is EINVAL, with a bad array EFAULT")
{
	struct rlimit rl;

	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
	CHECK_ERR(syscall(SYS_poll, UT_BAD_PTR, 1, 0), EFAULT);
	CHECK_ERR(syscall(SYS_poll, NULL, rl.rlim_cur + 1, 0), EINVAL);
}

static void
block_usr1_and_make_pending(sigset_t *old)
{
	sigset_t s;

	ut_catch(SIGUSR1, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &s, old));
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_EQ(ut_sig_count[SIGUSR1], 0);
}

TEST(ppoll_swaps_mask, "ppoll unblocks a pending signal atomically and returns EINTR")
{
	struct pollfd pf;
	sigset_t none, now;
	int p[2];

	CHECK_OK(pipe(p));
	block_usr1_and_make_pending(&none);
	pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
	struct timespec ts = { 10, 0 };
	CHECK_ERR(ppoll(&pf, 1, &ts, &none), EINTR);
	CHECK_EQ(ut_sig_count[SIGUSR1], 1);
	CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
	CHECK(sigismember(&now, SIGUSR1));	/* the old mask is back */
}

TEST(select_pipe_readable, "select marks a pipe readable only when it has data")
{
	fd_set r;
	struct timeval tv = { 0, 0 };
	int p[2];

	CHECK_OK(pipe(p));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK_EQ(select(p[0] + 1, &r, NULL, NULL, &tv), 0);
	CHECK(!FD_ISSET(p[0], &r));
	CHECK_EQ(write(p[1], "x", 1), 1);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 0, 0 };
	CHECK_EQ(select(p[0] + 1, &r, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(p[0], &r));
}

TEST(select_read_and_write_sets, "select counts every ready bit across its sets")
{
	fd_set r, w;
	struct timeval tv = { 1, 0 };
	int p[2];

	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "x", 1), 1);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	CHECK_EQ(select(p[1] + 1, &r, &w, NULL, &tv), 2);
	CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
}

TEST(select_bad_args, "select on a closed fd is EBADF, a negative nfds is EINVAL")
{
	fd_set r;
	struct timeval tv = { 0, 0 };

	FD_ZERO(&r);
	FD_SET(100, &r);
	CHECK_ERR(select(101, &r, NULL, NULL, &tv), EBADF);
	CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
	tv.tv_usec = -1;
	CHECK_ERR(select(0, NULL, NULL, NULL, &tv), EINVAL);
}

TEST(select_timeout_elapses, "select with no fds sleeps for at least its timeout")
{
	struct timeval tv = { 0, 50000 };

	long long t0 = ut_now_ns();
	CHECK_EQ(select(0, NULL, NULL, NULL, &tv), 0);
	CHECK(ut_now_ns() - t0 >= 50000000LL);
}

TEST(pselect6_swaps_mask, "pselect unblocks a pending signal atomically and returns EINTR")
{
	fd_set r;
	sigset_t none;
	int p[2];

	CHECK_OK(pipe(p));
	block_usr1_and_make_pending(&none);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timespec ts = { 10, 0 };
	CHECK_ERR(pselect(p[0] + 1, &r, NULL, NULL, &ts, &none), EINTR);
	CHECK_EQ(ut_sig_count[SIGUSR1], 1);
}
