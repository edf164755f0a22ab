// SPDX-License-Identifier: MIT
/*
 * Mutexes and condition variables for user threads.
 *
 * The mutex is the notes' exchange lock, made to block instead of spin:
 *
 *	lock:	xchg(&locked, 1) == 0?  done, in one instruction.
 *		Otherwise take the waiter queue's spinlock, try the exchange
 *		once more (the owner may have left meanwhile), and sleep in
 *		FIFO order.
 *	unlock:	under the queue's spinlock: if someone sleeps, make the first
 *		sleeper the owner and wake it, leaving `locked` at 1 ("pass
 *		the lock on release"); only with no sleeper does `locked`
 *		go back to 0.
 *
 * Because a released mutex with sleepers never becomes free, a newcomer's
 * exchange cannot overtake them: every waiter gets the mutex after at most
 * as many critical sections as there were threads queued ahead of it
 * (bounded waiting).  The price is a switch per hand-off.
 *
 * The condition variable is the notes' cond_wait: enqueue, release the
 * world mutex, sleep (the two made atomic by holding the condition's queue
 * lock until the sleep, see uth_wait_locked), then re-acquire the mutex.
 *
 * Lock order: cond queue -> mutex queue -> run queue.
 */
#include <errno.h>

#include "internal.h"

static struct uthread *
owner_of(struct uthread_mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
}

static void
set_owner(struct uthread_mutex *m, struct uthread *t)
{
	__atomic_store_n(&m->owner, t, __ATOMIC_RELAXED);
}

/* The contended path; a non-cancellable sleep when cond_wait re-acquires. */
static int
mutex_lock_slow(struct uthread *self, struct uthread_mutex *m, int cancellable)
{
	for (;;) {
		uth_lock(self, &m->waiters.lock);
		if (__atomic_exchange_n(&m->locked, 1, __ATOMIC_ACQUIRE) == 0) {
			set_owner(m, self);
			uth_unlock(self, &m->waiters.lock);
			return 0;
		}
		__atomic_add_fetch(&uth_rt.stats.mutex_waits, 1, __ATOMIC_RELAXED);
		if (uth_wait_locked(self, &m->waiters, cancellable) == 0)
			return 0;	/* handed over: the unlocker made us the owner */
		if (uth_cancel_requested(self))
			uth_cancel_exit(self);
	}
}

static int
mutex_lock(struct uthread *self, struct uthread_mutex *m, int cancellable)
{
	if (__atomic_exchange_n(&m->locked, 1, __ATOMIC_ACQUIRE) == 0) {
		set_owner(m, self);
		return 0;
	}
	return mutex_lock_slow(self, m, cancellable);
}

int
uthread_mutex_lock(struct uthread_mutex *m)
{
	struct uthread *self = uthread_self();

	if (!self)
		return -EINVAL;
	if (owner_of(m) == self)
		return -EDEADLK;
	uth_testcancel(self);
	return mutex_lock(self, m, 1);
}

int
uthread_mutex_trylock(struct uthread_mutex *m)
{
	struct uthread *self = uthread_self();

	if (!self)
		return -EINVAL;
	if (__atomic_exchange_n(&m->locked, 1, __ATOMIC_ACQUIRE) != 0)
		return -EBUSY;
	set_owner(m, self);
	return 0;
}

static void
mutex_unlock(struct uthread *self, struct uthread_mutex *m)
{
	uth_lock(self, &m->waiters.lock);
	if (m->waiters.head) {
		set_owner(m, m->waiters.head);
		uth_wake_one_locked(&m->waiters);
	} else {
		set_owner(m, NULL);
		if (__atomic_exchange_n(&m->locked, 0, __ATOMIC_RELEASE) != 1)
			uth_panic("a held mutex was not locked");
	}
	uth_unlock(self, &m->waiters.lock);
}

int
uthread_mutex_unlock(struct uthread_mutex *m)
{
	struct uthread *self = uthread_self();

	if (!self || owner_of(m) != self)
		return -EPERM;
	mutex_unlock(self, m);
	return 0;
}

/*
 * Returns 0 after a wake-up (which may be spurious: callers loop on their
 * condition), always with the mutex held.  A cancel ends the thread here,
 * also with the mutex held, as its cleanup handlers expect.
 */
int
uthread_cond_wait(struct uthread_cond *c, struct uthread_mutex *m)
{
	struct uthread *self = uthread_self();
	int r;

	if (!self || owner_of(m) != self)
		return -EPERM;
	uth_testcancel(self);
	uth_lock(self, &c->waiters.lock);
	mutex_unlock(self, m);
	r = uth_wait_locked(self, &c->waiters, 1);
	mutex_lock(self, m, 0);
	if (r && uth_cancel_requested(self))
		uth_cancel_exit(self);
	return 0;
}

int
uthread_cond_signal(struct uthread_cond *c)
{
	struct uthread *self = uthread_self();

	uth_lock(self, &c->waiters.lock);
	uth_wake_one_locked(&c->waiters);
	uth_unlock(self, &c->waiters.lock);
	return 0;
}

int
uthread_cond_broadcast(struct uthread_cond *c)
{
	struct uthread *self = uthread_self();

	uth_lock(self, &c->waiters.lock);
	while (uth_wake_one_locked(&c->waiters))
		;
	uth_unlock(self, &c->waiters.lock);
	return 0;
}
