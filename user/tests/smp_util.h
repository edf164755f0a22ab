/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the multiprocessor tests (t_smp*.c): CPUs, pinning, a watchdog
 * that turns a hang into a failure with a message, and memory shared
 * between forked processes.
 */
#pragma once

#define _GNU_SOURCE
#include <sched.h>
#include <stddef.h>

/* The CPUs this process may use, in order; => how many (at most max). */
int smp_cpus(int *cpu, int max);
/* Pin the calling thread to one CPU (FAIL if refused). */
void smp_pin(int cpu);
/* The CPU the calling thread runs on, by the getcpu system call itself. */
int smp_getcpu_syscall(void);
/* Field 39 (processor) of /proc/self/stat, or of /proc/self/task/TID/stat if tid. */
int smp_stat_processor(int tid);
/*
 * After `seconds`, fail the test with "watchdog: <what> did not finish in N s
 * (hang, deadlock or lost wakeup)", from whichever process armed it; the
 * runner then kills the test's process group.  0 disarms.
 */
void smp_watchdog(unsigned seconds, const char *what);
/* Zeroed memory shared with children forked after the call. */
void *smp_shared(size_t size);
/* Become SCHED_FIFO at prio (SKIP if the system refuses: no privilege). */
void smp_fifo_or_skip(int prio);
