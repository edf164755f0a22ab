/* SPDX-License-Identifier: MIT */
/*
 * Sleeping locks and their companions.
 *
 * mutex      one owner at a time; waiters sleep instead of spinning, so it
 *            may be held across anything that sleeps (disk I/O, page faults).
 *            Unlock hands the mutex straight to the longest waiter (FIFO), so
 *            no waiter starves: bounded waiting.
 * condvar    wait for a condition protected by a mutex: the wait releases
 *            the mutex and sleeps as one step, so no signal is lost.
 * semaphore  a counter: down() waits while it is zero, up() adds one.
 *
 * None of them may be taken in an interrupt handler, which cannot sleep.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "sync/annotate.h"
#include "sync/spinlock.h"
#include "sync/waitqueue.h"

struct CAPABILITY("mutex") mutex {
	struct spinlock lock;       /* protects owner and waiters; leaf */
	void *owner;                /* thread holding it, or NULL */
	struct list_node waiters;   /* of struct wait_entry, FIFO */
	const char *name;
};

#define MUTEX_INIT(n) { SPINLOCK_INIT(#n), NULL, LIST_INIT((n).waiters), #n }

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m) ACQUIRE(m);
bool mutex_trylock(struct mutex *m) TRY_ACQUIRE(true, m);
void mutex_unlock(struct mutex *m) RELEASE(m);
bool mutex_held(struct mutex *m);

struct condvar {
	struct waitq wq;
};

void cond_init(struct condvar *cv);
/* => m held on entry and on return; may sleep. */
void cond_wait(struct condvar *cv, struct mutex *m) REQUIRES(m);
/* => 0, or -ETIMEDOUT after timeout_ns. */
int cond_timedwait(struct condvar *cv, struct mutex *m, uint64_t timeout_ns) REQUIRES(m);
void cond_signal(struct condvar *cv);
void cond_broadcast(struct condvar *cv);

struct semaphore {
	struct spinlock lock;       /* protects count; leaf */
	long count;
	struct waitq wq;
};

void sem_init(struct semaphore *s, long count);
void sem_down(struct semaphore *s);
/* => 0, or -EINTR when a signal interrupted the wait. */
int sem_down_interruptible(struct semaphore *s);
bool sem_trydown(struct semaphore *s);
void sem_up(struct semaphore *s);
