// SPDX-License-Identifier: MIT
/*
 * Process groups and sessions, the structure job control is built on:
 * setpgid/getpgid, setsid/getsid, and signals sent to a whole group with
 * kill(-pgid), kill(0) and kill(-1).  Each test runs in its own process
 * group (the runner puts it there), so group-wide signals stay inside it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

HELPER(pause)
{
	for (;;)
		pause();
	return 0;
}

TEST(setpgid_new_group, "setpgid(0, 0) makes the caller leader of a new group")
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		CHECK_OK(setpgid(0, 0));
		CHECK_EQ(getpgid(0), getpid());
		CHECK_EQ(getpgrp(), getpid());
		_exit(0);
	}
	ut_wait_exit(pid, 0);
}

TEST(setpgid_of_child, "a parent may move its child into another group of the session")
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK_OK(setpgid(pid, pid));
	CHECK_EQ(getpgid(pid), pid);
	CHECK_OK(setpgid(pid, getpgrp()));	/* and back into ours */
	CHECK_EQ(getpgid(pid), getpgrp());
	kill(pid, SIGKILL);
	ut_wait_signal(pid, SIGKILL);
}

TEST(setpgid_errors, "setpgid: negative pgid EINVAL, non-child ESRCH, missing group EPERM")
{
	CHECK_ERR(setpgid(0, -1), EINVAL);
	CHECK_ERR(setpgid(1, 0), ESRCH);	/* pid 1 is not our child */
	pid_t pid = ut_fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	/* No group 'pid+pid' exists in our session. */
	CHECK_ERR(setpgid(pid, 0x7ffffff0), EPERM);
	kill(pid, SIGKILL);
	ut_wait_signal(pid, SIGKILL);
}

TEST(setpgid_after_exec_eacces, "once a child has exec'd its parent can no longer move it (EACCES)")
{
	int p[2];
	char c;

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		char *argv[] = { "x", "--helper=pause", NULL };

		close(p[0]);
		CHECK_OK(fcntl(p[1], F_SETFD, FD_CLOEXEC));
		execv(ut_self, argv);
		_exit(99);
	}
	close(p[1]);
	CHECK_EQ(read(p[0], &c, 1), 0);	/* the exec closed the write end */
	CHECK_ERR(setpgid(pid, pid), EACCES);
	kill(pid, SIGKILL);
	ut_wait_signal(pid, SIGKILL);
}

TEST(getpgid_errors, "getpgid and getsid of a pid that does not exist are ESRCH")
{
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(0);
	ut_wait_exit(pid, 0);
	CHECK_ERR(getpgid(pid), ESRCH);
	CHECK_ERR(getsid(pid), ESRCH);
}

TEST(setsid_new_session, "setsid makes a new session and group led by the caller")
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		pid_t old = getsid(0);
		pid_t sid = CHECK_OK(setsid());
		CHECK_EQ(sid, getpid());
		CHECK_EQ(getsid(0), getpid());
		CHECK_EQ(getpgrp(), getpid());
		CHECK(old != sid);
		_exit(0);
	}
	ut_wait_exit(pid, 0);
}

TEST(setsid_group_leader_eperm, "a process group leader cannot setsid (EPERM)")
{
	/* The runner made this test process a group leader. */
	CHECK_EQ(getpgrp(), getpid());
	CHECK_ERR(setsid(), EPERM);
}

TEST(getsid_inherited, "a child shares its parent's session and group")
{
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(getsid(0) == getsid(getppid()) && getpgrp() == getpgid(getppid()) ? 0 : 1);
	ut_wait_exit(pid, 0);
}

/* Fork n children that stay in our group and wait for a signal. */
static void
fork_sleepers(pid_t *kids, int n)
{
	for (int i = 0; i < n; i++) {
		kids[i] = ut_fork();
		if (kids[i] == 0) {
			signal(SIGUSR1, SIG_DFL);
			for (;;)
				pause();
		}
	}
}

TEST(kill_process_group, "kill(-pgid) signals every member of the group")
{
	pid_t kids[3];

	fork_sleepers(kids, 3);
	pid_t leader = kids[0];
	for (int i = 0; i < 3; i++)
		CHECK_OK(setpgid(kids[i], leader));
	CHECK_OK(kill(-leader, SIGUSR1));
	for (int i = 0; i < 3; i++)
		ut_wait_signal(kids[i], SIGUSR1);
	CHECK_ERR(kill(-leader, SIGUSR1), ESRCH);
}

TEST(kill_zero_own_group, "kill(0, sig) signals the caller's whole group, itself included")
{
	pid_t kids[2];

	fork_sleepers(kids, 2);
	ut_catch(SIGUSR1, 0);
	CHECK_OK(kill(0, SIGUSR1));
	CHECK_EQ(ut_sig_count[SIGUSR1], 1);
	ut_wait_signal(kids[0], SIGUSR1);
	ut_wait_signal(kids[1], SIGUSR1);
}

TEST(kill_minus_one, "kill(-1) reaches every process the sender may signal, but not itself")
{
	/* An otherwise unused uid keeps the signal away from anyone else's
	 * processes on the machine. */
	uid_t uid = 40000 + getpid() % 20000;
	pid_t kids[2];

	ut_need_root();
	CHECK_OK(setgid(uid));
	CHECK_OK(setuid(uid));
	fork_sleepers(kids, 2);
	ut_catch(SIGUSR1, 0);
	CHECK_OK(kill(-1, SIGUSR1));
	ut_wait_signal(kids[0], SIGUSR1);
	ut_wait_signal(kids[1], SIGUSR1);
	CHECK_EQ(ut_sig_count[SIGUSR1], 0);
}

TEST(kill_errors, "kill: bad signal EINVAL, no such pid ESRCH, another user's process EPERM")
{
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(0);
	ut_wait_exit(pid, 0);
	CHECK_ERR(kill(getpid(), 65), EINVAL);
	CHECK_ERR(kill(getpid(), -1), EINVAL);
	CHECK_ERR(kill(pid, SIGTERM), ESRCH);
	CHECK_OK(kill(getpid(), 0));	/* signal 0 only checks */
	if (geteuid() == 0)
		ut_become_nobody();
	CHECK_ERR(kill(1, 0), EPERM);
	CHECK_ERR(kill(1, SIGTERM), EPERM);
}
