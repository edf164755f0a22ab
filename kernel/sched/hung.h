/* SPDX-License-Identifier: MIT */
/*
 * Watches for a stuck kernel (hung.c): threads of processes that sleep
 * uninterruptibly for longer than hung_task_timeout_s, and CPUs that run
 * one thread in the kernel for 20 s without a switch, are named on the
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

/* Does the detector judge t: a process's thread, or a kernel thread that set hung_watch? */
bool hung_watched(const struct thread *t);

struct mutex;
/* The thread holding the mutex t sleeps on (*m), or NULL: a snapshot for the report. */
const struct thread *hung_mutex_owner(const struct thread *t, struct mutex **m);

/* The return addresses of switched-out t's kernel frames, innermost first. */
unsigned hung_backtrace(const struct thread *t, uint64_t *ret, unsigned max);

/* One CPU's soft-lockup watch: the thread its ticks keep finding busy in the kernel. */
struct lockup_watch {
	struct thread *t;
	uint64_t switches;        /* t's nr_switches when the watch began */
	uint64_t since_ns;
	bool reported;
};

/* The tick's part (interrupt context): where it found this CPU. */
void softlockup_tick(bool user, uint64_t pc, uint64_t fp);
/* One tick's look.  => true when t has been busy in the kernel for thresh_ns (once). */
bool softlockup_judge(struct lockup_watch *w, struct thread *t, bool in_kernel, uint64_t now_ns,
		      uint64_t thresh_ns);
