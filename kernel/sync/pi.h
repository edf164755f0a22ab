/* SPDX-License-Identifier: MIT */
/*
 * Priority inheritance for mutexes, and sync/'s per-thread state.
 *
 * Priority inversion: a high-priority thread H waits for a mutex that a
 * low-priority thread L holds, and a medium-priority thread M, which needs
 * no lock at all, keeps L off the CPU, so H waits as long as M likes.  With
 * inheritance, L runs at H's priority while H waits for it, so M cannot
 * get in the way; H's wait is bounded by L's critical section.  Chains are
 * followed: if L itself waits for a mutex held by K, K is raised too, up
 * to PI_CHAIN_MAX links (a longer chain, or a cycle, which is a deadlock,
 * stops the walk rather than looping).
 *
 * The priorities are real-time priorities, 1..99, and 0 for every normal
 * thread.  A normal thread's MLFQ level is not something another thread can
 * lend (it describes the thread's own past), so among normal threads
 * inheritance changes nothing and the MLFQ boost bounds their waits
 * instead.  The scheduler applies a lent priority by running the thread as
 * SCHED_FIFO at that priority (sched/params.c); its own policy returns when
 * the loan ends.
 *
 * All of it is guarded by one lock, pi_lock: every thread's blocked_on,
 * pi_held and priorities, and the waiter lists and owners of contended
 * mutexes.  One lock makes a chain walk easy to reason about (nothing in
 * the chain can change under it) at the price of serializing contended
 * mutex operations across CPUs.  Order: a mutex's inner lock, then
 * pi_lock, then run-queue locks.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "sync/lockdep.h"

#define PI_CHAIN_MAX 8

struct mutex;
struct mutex_waiter;

/*
 * Embedded in every thread.  Locks: [P] pi_lock, [s] the thread itself,
 * [I] set at creation.
 */
struct sync_task {
	void *thread;                 /* [I] the thread this belongs to */
	int base_prio;                /* [P] its own RT priority, 0 for normal */
	int eff_prio;                 /* [P] max(base, what its mutexes' waiters lend) */
	struct mutex *blocked_on;     /* [P] the mutex it waits for, or NULL */
	struct mutex_waiter *waiter;  /* [P] its entry in blocked_on's list */
	struct list_node pi_held;     /* [P] PI mutexes it owns that have waiters */
	struct lockdep_held ld;       /* [s] sleeping locks held, for the checker */
};

void sync_task_init(struct sync_task *st, void *thread);
/* The thread's own priority changed (sched_setscheduler). */
void pi_set_base(struct sync_task *st, int base_prio);
/*
 * The thread is exiting: each contended mutex it still owns passes to its
 * first waiter, marked owner_died (the futex code reports that to user
 * space).  Uncontended ones it forgot are the caller's bug.
 */
void pi_task_exit(struct sync_task *st);
