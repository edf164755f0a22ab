/* SPDX-License-Identifier: MIT */
/*
 * The hung-task detector (hung.c): threads of processes that sleep
 * uninterruptibly for longer than hung_task_timeout_s are named on the
 * console with their kernel backtrace, once.
 */
#pragma once

#include "sched/sched.h"

/* Seconds; 0: do not look.  /proc/sys/kernel/hung_task_timeout_secs. */
extern unsigned hung_task_timeout_s;

void hung_task_start(void);
void hung_task_set_timeout(unsigned seconds);

/*
 * One look at t (the thread list's lock held, or t otherwise kept alive).
 * => true when this look found t asleep for timeout_ns and reported it.
 */
bool hung_judge(struct thread *t, uint64_t now_ns, uint64_t timeout_ns);

/* The return addresses of switched-out t's kernel frames, innermost first. */
unsigned hung_backtrace(const struct thread *t, uint64_t *ret, unsigned max);
