// SPDX-License-Identifier: MIT
/* Helpers of the multiprocessor tests; see smp_util.h. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "smp_util.h"
#include "utest.h"

int
smp_cpus(int *cpu, int max)
{
	cpu_set_t set;
	int n = 0;

	CHECK_OK(sched_getaffinity(0, sizeof(set), &set));
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpu[n++] = c;
	CHECK(n > 0);
	return n;
}

void
smp_pin(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	CHECK_OK(sched_setaffinity(0, sizeof(one), &one));
}

int
smp_getcpu_syscall(void)
{
	unsigned cpu = ~0u, node = ~0u;

	CHECK_OK(syscall(SYS_getcpu, &cpu, &node, NULL));
	CHECK_EQ(node, 0);
	return (int)cpu;
}

int
smp_stat_processor(int tid)
{
	char path[64], buf[1024], *p;
	int field = 3;

	if (tid)
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	else
		snprintf(path, sizeof(path), "/proc/self/stat");
	ut_read_file(path, buf, sizeof(buf));
	/* The name may hold spaces: count fields after its closing parenthesis. */
	p = strrchr(buf, ')');
	CHECK(p != NULL);
	for (p += 2; *p && field < 39; p++)
		if (*p == ' ')
			field++;
	CHECK_EQ(field, 39);
	return atoi(p);
}

static char watchdog_msg[160];

static void
on_watchdog(int sig)
{
	(void)sig;
	if (write(UT_RESULT_FD, watchdog_msg, strlen(watchdog_msg)) < 0)
		_exit(3);
	_exit(1);
}

void
smp_watchdog(unsigned seconds, const char *what)
{
	if (!seconds) {
		alarm(0);
		return;
	}
	/* Watchdogs are written for the default 10 s per test; scale with -t. */
	if (ut_timeout() > 10)
		seconds = seconds * ut_timeout() / 10;
	snprintf(watchdog_msg, sizeof(watchdog_msg),
		 "watchdog: %s did not finish in %u s (hang, deadlock or lost wakeup)\n",
		 what, seconds);
	signal(SIGALRM, on_watchdog);
	alarm(seconds);
}

void *
smp_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		FAIL("mmap shared: %s", ut_errname(errno));
	return p;
}

void
smp_fifo_or_skip(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	/* musl's sched_setscheduler() is a stub (POSIX means a process by it): the system call. */
	if (syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) != 0)
		SKIP("SCHED_FIFO refused (%s)", ut_errname(errno));
}
