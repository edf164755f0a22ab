/* SPDX-License-Identifier: MIT */
/*
 * Wait queues: where threads sleep until an event.
 *
 * The classic lost-wakeup race is closed the xv6 way: the sleeper holds the
 * lock that protects its condition while it queues itself and marks itself
 * asleep, and only then drops that lock and gives up the CPU.  A waker
 * changes the condition under the same lock, so it either runs before the
 * sleeper checked (and the sleeper sees the new condition) or after it was
 * queued (and wakes it).  A wake that lands between "marked asleep" and
 * "gave up the CPU" just makes the switch return at once.
 *
 * sync/ is the ground floor, so it cannot call the scheduler by name; the
 * scheduler installs struct sync_sched_ops at boot instead.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "sync/spinlock.h"

struct waitq {
	struct spinlock lock;          /* protects waiters; rank LOCK_RANK_WAITQ */
	struct list_node waiters;      /* of struct wait_entry */
};

struct wait_entry {
	struct list_node node;
	void *thread;
	bool exclusive;                /* wake_one wakes only the first of these */
};

#define WAITQ_INIT(name) { SPINLOCK_INIT_RANK("waitq", LOCK_RANK_WAITQ), LIST_INIT((name).waiters) }

void waitq_init(struct waitq *wq);
/*
 * Sleep on wq.  lk (may be NULL) is the caller's lock protecting the
 * condition: held on entry, dropped while asleep, held again on return.
 * timeout_ns 0 means no timeout.
 * => returns 0 when woken, -ETIMEDOUT, or -EINTR (interruptible only).
 */
int waitq_sleep(struct waitq *wq, struct spinlock *lk, uint64_t timeout_ns,
		bool interruptible);
/*
 * The general form: queue, mark asleep, then call release(arg) (which drops
 * whatever protects the condition, a spinlock or a mutex), then sleep.
 * Nothing is re-acquired on return.
 */
int waitq_sleep_release(struct waitq *wq, void (*release)(void *), void *arg,
			uint64_t timeout_ns, bool interruptible);
void waitq_wake_one(struct waitq *wq);
void waitq_wake_all(struct waitq *wq);
bool waitq_has_waiters(struct waitq *wq);

/* Sleep until cond is true; cond is evaluated with lk held. */
#define waitq_wait_event(wq, lk, cond, interruptible)                         \
	({                                                                    \
		int __r = 0;                                                  \
		while (!(cond)) {                                             \
			__r = waitq_sleep(wq, lk, 0, interruptible);          \
			if (__r)                                              \
				break;                                        \
		}                                                             \
		__r;                                                          \
	})

struct sync_task;

/* What sync/ needs from the scheduler. */
struct sync_sched_ops {
	void *(*self)(void);                 /* the current thread */
	void (*set_sleeping)(bool interruptible);
	/* Give up the CPU until woken: 0, -ETIMEDOUT or -EINTR. */
	int (*block)(uint64_t timeout_ns, bool interruptible);
	void (*wake)(void *thread);
	struct sync_task *(*task)(void *thread);   /* its embedded sync_task */
	/* Run the thread with real-time priority prio lent (0: its own). */
	void (*set_prio)(void *thread, int prio);
};
void sync_sched_install(const struct sync_sched_ops *ops);
extern const struct sync_sched_ops *sync_sched;
