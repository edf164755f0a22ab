// SPDX-License-Identifier: MIT
/*
 * Processes: creating one (fork, exit, wait), loading a program into it
 * (fork, execve of this binary with --exit-now, wait), and two processes
 * passing one byte back and forth through a pair of pipes.  The pipe
 * round trip is measured twice: free to run on two CPUs, which measures
 * wake-ups across CPUs, and with both processes pinned to one CPU with
 * sched_setaffinity, which measures a switch from one process to another.
 */
#define _GNU_SOURCE
#include "osbench.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int
osb_reap(pid_t pid, const char *what)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return osb_fail("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		static char msg[96];

		snprintf(msg, sizeof(msg), "%s child ended with wait status 0x%x", what, st);
		return osb_failmsg(msg);
	}
	return 0;
}

static int
osb_fork_exit(void *ctx, long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return osb_fail("fork");
		if (pid == 0)
			_exit(0);
		if (osb_reap(pid, "fork") < 0)
			return -1;
	}
	return 0;
}

static int
osb_fork_exec(void *ctx, long n)
{
	char *argv[] = { (char *)osb.self, "--exit-now", NULL };

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return osb_fail("fork");
		if (pid == 0) {
			execve(osb.self, argv, environ);
			_exit(127);
		}
		if (osb_reap(pid, "execve") < 0)
			return -1;
	}
	return 0;
}

/* The child's side of the ping-pong: echo bytes until the pipe closes. */
static void
osb_echo(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1) {
		if (write(out, &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

/* One round trip from the parent's side. */
static int
osb_ping(int out, int in)
{
	char c = 'p';

	if (write(out, &c, 1) != 1)
		return osb_fail("pipe write");
	if (read(in, &c, 1) != 1)
		return osb_fail("pipe read");
	return 0;
}

/*
 * A fresh child per batch.  The clock starts after one round trip, so the
 * fork and the child's start-up are not counted, and stops before the
 * child is reaped.
 */
static int
osb_pingpong(void *ctx, long n)
{
	int to[2], from[2], ret = 0;
	pid_t pid;

	if (pipe(to) < 0)
		return osb_fail("pipe");
	if (pipe(from) < 0) {
		osb_fail("pipe");
		close(to[0]);
		close(to[1]);
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		osb_fail("fork");
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		return -1;
	}
	if (pid == 0) {
		close(to[1]);
		close(from[0]);
		osb_echo(to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	ret = osb_ping(to[1], from[0]);
	osb_clock_start();
	for (long i = 0; i < n && ret == 0; i++)
		ret = osb_ping(to[1], from[0]);
	osb_clock_stop();
	close(to[1]);
	close(from[0]);
	if (osb_reap(pid, "ping-pong") < 0)
		return -1;
	return ret;
}

/* Pin this process (and so the children it forks) to its first allowed CPU. */
static void
osb_pinned_pingpong(void)
{
	const char *name = "pipe_pingpong_pinned";
	cpu_set_t old, one;
	int cpu;

	if (osb_filtered(name))
		return;
	if (sched_getaffinity(0, sizeof(old), &old) < 0) {
		osb_error(name, "sched_getaffinity: %s", strerror(errno));
		return;
	}
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &old); cpu++)
		;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0) {
		osb_error(name, "sched_setaffinity: %s", strerror(errno));
		return;
	}
	osb_time_loop(name, osb_pingpong, NULL);
	if (sched_setaffinity(0, sizeof(old), &old) < 0)
		osb_error(name, "restoring the CPU mask: %s", strerror(errno));
}

void
osb_run_proc(void)
{
	fflush(stdout);
	osb_time_loop("fork_exit_wait", osb_fork_exit, NULL);
	osb_time_loop("fork_exec_wait", osb_fork_exec, NULL);
	osb_time_loop("pipe_pingpong", osb_pingpong, NULL);
	osb_pinned_pingpong();
}
