/* SPDX-License-Identifier: MIT */
/*
 * Sleeping locks and their companions.
 *
 * mutex      one owner at a time; waiters sleep instead of spinning, so it
 *            may be held across anything that sleeps (disk I/O, page faults).
 *            Unlock hands the mutex straight to the first waiter.  Waiters
 *            are ordered by real-time priority and FIFO among equals, so
 *            among threads of one priority (all normal threads are one)
 *            nobody starves: bounded waiting.  Owners inherit their
 *            waiters' priority (sync/pi.h) unless made with MUTEX_NO_PI.
 * condvar    wait for a condition protected by a mutex: the wait releases
 *            the mutex and sleeps as one step, so no signal is lost.
 * semaphore  a counter: down() waits while it is zero, up() adds one.
 * rwlock     many readers or one writer (sync/rwlock.h).
 *
 * None of them may be taken in an interrupt handler, which cannot sleep.
 * docs/locking.md says, per primitive, how long a wait can last and how a
 * deadlock shows itself.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "sync/annotate.h"
#include "sync/lockdep.h"
#include "sync/pi.h"
#include "sync/spinlock.h"
#include "sync/waitqueue.h"

/* A thread waiting for a mutex.  Locks: [m] the mutex's lock and pi_lock. */
struct mutex_waiter {
	struct list_node node;        /* [m] in mutex->waiters, by priority */
	void *thread;                 /* [I] */
	struct sync_task *task;       /* [I] */
};

enum {
	MUTEX_NO_PI = 1,        /* owners never inherit (to show inversion) */
	MUTEX_NO_LOCKDEP = 2,   /* not order-checked: held on behalf of user space */
};

/* Locks: [l] lock, [P] pi_lock too while the mutex is contended. */
struct CAPABILITY("mutex") mutex {
	struct spinlock lock;         /* inner lock, rank LOCK_RANK_MUTEX_INNER */
	void *owner;                  /* [l][P] thread holding it, or NULL */
	struct list_node waiters;     /* [l][P] of struct mutex_waiter */
	struct list_node pi_node;     /* [P] on owner's pi_held while contended */
	const char *name;             /* [I] */
	uint8_t flags;                /* [I] MUTEX_* */
	bool owner_died;              /* [l] handed on by pi_task_exit(), not unlock */
	struct lockdep_map ld;        /* the checker's class: the name */
};

#define MUTEX_INIT(n)                                                              \
	{ .lock = SPINLOCK_INIT_RANK("mutex", LOCK_RANK_MUTEX_INNER), .owner = NULL, \
	  .waiters = LIST_INIT((n).waiters), .pi_node = LIST_INIT((n).pi_node),     \
	  .name = #n, .flags = 0, .owner_died = false, .ld = { #n, 0 } }

void mutex_init(struct mutex *m, const char *name);
void mutex_init_flags(struct mutex *m, const char *name, unsigned flags);
void mutex_lock(struct mutex *m) ACQUIRE(m);
bool mutex_trylock(struct mutex *m) TRY_ACQUIRE(true, m);
void mutex_unlock(struct mutex *m) RELEASE(m);
bool mutex_held(struct mutex *m);
/*
 * Wait at most timeout_ns (0: no limit), and stop for a signal if
 * interruptible.  => 0 (held), -ETIMEDOUT or -EINTR (not held).
 */
int mutex_lock_timeout(struct mutex *m, uint64_t timeout_ns, bool interruptible)
	NO_THREAD_SAFETY_ANALYSIS;

/*
 * The pieces of mutex_lock for a caller that must queue under a lock of
 * its own (the PI futexes queue under proc_tree_lock, so that the owner
 * they looked up cannot exit in between).  Not lock-order checked.
 *
 *   mutex_init_owned   a mutex held from the start by owner, another thread
 *   mutex_wait_prepare 1: got it at once; 0: queued (and the owner boosted)
 *   mutex_wait_finish  sleep until handed the mutex: 0, or -ETIMEDOUT /
 *                      -EINTR after leaving the queue
 *   mutex_unlock_handoff  unlock; => the new owner, or NULL if none waited
 */
void mutex_init_owned(struct mutex *m, const char *name, unsigned flags, void *owner);
int mutex_wait_prepare(struct mutex *m, struct mutex_waiter *w);
int mutex_wait_finish(struct mutex *m, struct mutex_waiter *w, uint64_t timeout_ns,
		      bool interruptible);
void *mutex_unlock_handoff(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS;
/* The thread owning m (a snapshot), and whether anyone waits. */
void *mutex_owner(struct mutex *m);
bool mutex_has_waiters(struct mutex *m);

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
	struct spinlock lock;       /* protects count; rank LOCK_RANK_MUTEX_INNER */
	long count;
	struct waitq wq;
};

void sem_init(struct semaphore *s, long count);
void sem_down(struct semaphore *s);
/* => 0, or -EINTR when a signal interrupted the wait. */
int sem_down_interruptible(struct semaphore *s);
bool sem_trydown(struct semaphore *s);
void sem_up(struct semaphore *s);
