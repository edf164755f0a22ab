// SPDX-License-Identifier: MIT
/*
 * Process life: fork and vfork, exit and exit_group, wait4 and waitid with
 * their options (WNOHANG, WUNTRACED, WCONTINUED, WNOWAIT), the exit status
 * encoding, zombies that wait to be reaped, orphans that are handed to a
 * new parent, and the SIGCHLD that tells a parent a child changed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

TEST(fork_returns_twice, "fork returns the child's pid to the parent and 0 to the child")
{
	int p[2];
	pid_t seen = 0;

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		pid_t me = getpid();
		ut_write_all(p[1], &me, sizeof(me));
		_exit(0);
	}
	ut_read_exact(p[0], &seen, sizeof(seen));
	CHECK(pid > 0);
	CHECK_EQ(seen, pid);
	CHECK(pid != getpid());
	ut_wait_exit(pid, 0);
}

TEST(fork_copies_memory, "after fork each process writes its own copy of memory")
{
	static volatile int global = 1;
	volatile int local = 2;

	pid_t pid = ut_fork();
	if (pid == 0) {
		global = 10;
		local = 20;
		_exit(global + local == 30 ? 0 : 1);
	}
	ut_wait_exit(pid, 0);
	CHECK_EQ(global, 1);
	CHECK_EQ(local, 2);
}

TEST(fork_shares_file_offset, "parent and child share the offset of an inherited fd")
{
	ut_write_file("f", "");
	int fd = CHECK_OK(open("f", O_RDWR));
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_write_all(fd, "child", 5);
		_exit(0);
	}
	ut_wait_exit(pid, 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
}

TEST(fork_child_parent_ids, "the child's getppid is the parent's getpid")
{
	pid_t parent = getpid();
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(getppid() == parent ? 0 : 1);
	ut_wait_exit(pid, 0);
}

TEST(vfork_shares_memory_until_exit, "vfork suspends the parent and shares memory until _exit")
{
	static volatile int shared;

	shared = 0;
	pid_t pid = vfork();
	if (pid == 0) {
		shared = 42;
		_exit(7);
	}
	CHECK(pid > 0);
	CHECK_EQ(shared, 42);
	ut_wait_exit(pid, 7);
}

TEST(exit_status_low_byte, "only the low 8 bits of the exit status reach the parent")
{
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(256 + 3);
	ut_wait_exit(pid, 3);
	pid = ut_fork();
	if (pid == 0)
		syscall(SYS_exit_group, 255);
	ut_wait_exit(pid, 255);
}

TEST(wait_reports_signal_death, "a child killed by a signal is WIFSIGNALED with that signal")
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK_OK(kill(pid, SIGKILL));
	ut_wait_signal(pid, SIGKILL);
}

TEST(wait_wnohang, "WNOHANG returns 0 while the child runs, then its pid")
{
	int st;
	int p[2];

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		char c;
		read(p[0], &c, 1);
		_exit(4);
	}
	CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
	CHECK_EQ(write(p[1], "go", 1), 1);
	ut_wait_exit(pid, 4);
}

TEST(wait_echild, "waiting with no children, or for a non-child, is ECHILD")
{
	int st;

	CHECK_ERR(wait(&st), ECHILD);
	CHECK_ERR(waitpid(1, &st, 0), ECHILD);
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
}

TEST(wait_bad_args, "wait4 with unknown options is EINVAL, with a bad status pointer EFAULT")
{
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(0);
	CHECK_ERR(syscall(SYS_wait4, pid, NULL, 0x10000, NULL), EINVAL);
	/* Linux reaps the child before it fails to store the status, so this
	 * is the last wait. */
	CHECK_ERR(syscall(SYS_wait4, pid, UT_BAD_PTR, 0, NULL), EFAULT);
}

TEST(wait_any_and_specific, "waitpid(-1) takes any child; waitpid(pid) only that one")
{
	pid_t a = ut_fork();

	if (a == 0)
		_exit(1);
	pid_t b = ut_fork();
	if (b == 0)
		_exit(2);
	ut_wait_exit(b, 2);
	int st;
	CHECK_EQ(waitpid(-1, &st, 0), a);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
}

TEST(wait_process_group, "waitpid(-pgid) waits only for children in that group")
{
	int st;
	pid_t a = ut_fork();

	if (a == 0) {
		setpgid(0, 0);
		_exit(5);
	}
	setpgid(a, a);
	pid_t b = ut_fork();
	if (b == 0) {
		ut_msleep(20);
		_exit(6);
	}
	CHECK_EQ(waitpid(-a, &st, 0), a);
	CHECK_EQ(WEXITSTATUS(st), 5);
	CHECK_ERR(waitpid(-a, &st, WNOHANG), ECHILD);
	ut_wait_exit(b, 6);
}

TEST(wait4_rusage, "wait4 fills a struct rusage for the reaped child")
{
	struct rusage ru;
	int st;

	memset(&ru, 0xff, sizeof(ru));
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(0);
	CHECK_EQ(wait4(pid, &st, 0, &ru), pid);
	CHECK(ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
	CHECK(ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000);
}

TEST(waitid_exited, "waitid reports an exit in siginfo: CLD_EXITED, pid, status")
{
	siginfo_t si;
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(9);
	memset(&si, 0, sizeof(si));
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED));
	CHECK_EQ(si.si_signo, SIGCHLD);
	CHECK_EQ(si.si_code, CLD_EXITED);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_status, 9);
	CHECK_EQ(si.si_uid, getuid());
}

TEST(waitid_wnowait_keeps_zombie, "WNOWAIT peeks at a dead child and leaves it to be reaped")
{
	siginfo_t si;
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(3);
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	CHECK_EQ(si.si_pid, pid);
	CHECK_OK(waitid(P_ALL, 0, &si, WEXITED | WNOWAIT));
	CHECK_EQ(si.si_pid, pid);
	ut_wait_exit(pid, 3);
}

TEST(waitid_bad_args, "waitid without a state to wait for, or with a bad idtype, is EINVAL")
{
	siginfo_t si;
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(0);
	CHECK_ERR(waitid(P_PID, pid, &si, 0), EINVAL);
	CHECK_ERR(syscall(SYS_waitid, 42, pid, &si, WEXITED, NULL), EINVAL);
	memset(&si, 0, sizeof(si));
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOHANG));	/* may be 0 if still running */
	if (si.si_pid == 0)
		ut_wait_exit(pid, 0);
}

TEST(waitid_wnohang_nothing, "waitid WNOHANG with a running child returns 0 and si_pid 0")
{
	siginfo_t si;
	pid_t pid = ut_fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	memset(&si, 0xff, sizeof(si));
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOHANG));
	CHECK_EQ(si.si_pid, 0);
	kill(pid, SIGKILL);
	ut_wait_signal(pid, SIGKILL);
}

TEST(wait_untraced_and_continued, "WUNTRACED reports a stop and WCONTINUED the continue")
{
	int st;
	pid_t pid = ut_fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK_OK(kill(pid, SIGSTOP));
	CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
	CHECK(WIFSTOPPED(st));
	CHECK_EQ(WSTOPSIG(st), SIGSTOP);
	CHECK_OK(kill(pid, SIGCONT));
	CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
	CHECK(WIFCONTINUED(st));
	CHECK_OK(kill(pid, SIGTERM));
	ut_wait_signal(pid, SIGTERM);
}

TEST(waitid_stopped_and_continued, "waitid WSTOPPED/WCONTINUED give CLD_STOPPED and CLD_CONTINUED")
{
	siginfo_t si;
	pid_t pid = ut_fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK_OK(kill(pid, SIGSTOP));
	CHECK_OK(waitid(P_PID, pid, &si, WSTOPPED));
	CHECK_EQ(si.si_code, CLD_STOPPED);
	CHECK_EQ(si.si_status, SIGSTOP);
	CHECK_OK(kill(pid, SIGCONT));
	CHECK_OK(waitid(P_PID, pid, &si, WCONTINUED));
	CHECK_EQ(si.si_code, CLD_CONTINUED);
	kill(pid, SIGKILL);
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED));
	CHECK_EQ(si.si_code, CLD_KILLED);
	CHECK_EQ(si.si_status, SIGKILL);
}

TEST(zombie_until_reaped, "a dead child stays (as a zombie) until waited for")
{
	siginfo_t si;
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(0);
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));	/* surely dead now */
	CHECK_OK(kill(pid, 0));	/* the zombie still holds its pid */
	CHECK_EQ(getpgid(pid), getpgid(0));
	ut_wait_exit(pid, 0);
	CHECK_ERR(kill(pid, 0), ESRCH);
}

TEST(orphan_reparented, "when a parent dies its child gets a new parent and is still reaped")
{
	int p[2];

	CHECK_OK(pipe(p));
	pid_t mid = ut_fork();
	if (mid == 0) {
		pid_t first = getpid();
		pid_t gc = ut_fork();
		if (gc == 0) {
			close(p[0]);
			while (getppid() == first)
				ut_msleep(5);
			pid_t now = getppid();
			ut_write_all(p[1], &now, sizeof(now));
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	ut_wait_exit(mid, 0);
	pid_t newparent = 0;
	ut_read_exact(p[0], &newparent, sizeof(newparent));
	CHECK(newparent != mid);
	CHECK(newparent > 0);
}

static volatile pid_t chld_from;
static volatile int chld_status;

static void
on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_status = si->si_status;
	chld_from = si->si_pid;
}

TEST(sigchld_on_child_exit, "a parent gets SIGCHLD with the child's pid and status")
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(12);
	while (chld_from == 0)
		ut_msleep(1);
	CHECK_EQ(chld_from, pid);
	CHECK_EQ(chld_status, 12);
	ut_wait_exit(pid, 12);
}

TEST(sigchld_ignored_autoreaps, "with SIGCHLD set to SIG_IGN children are reaped at once")
{
	int st;

	signal(SIGCHLD, SIG_IGN);
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(0);
	/* wait blocks until the child is gone, then finds nothing to reap. */
	CHECK_ERR(waitpid(pid, &st, 0), ECHILD);
}

TEST(getpid_gettid_main_thread, "in a single-threaded process gettid equals getpid")
{
	CHECK_EQ(gettid(), getpid());
	CHECK_EQ(syscall(SYS_getpid), getpid());
	CHECK(getppid() > 0);
}
