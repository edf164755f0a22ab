// SPDX-License-Identifier: MIT
/*
 * Mutexes, condition variables and semaphores over wait queues.
 *
 * The mutex is a direct-handoff lock: unlock does not just clear the owner
 * and hope the waiter wins a race; it makes the first waiter the owner and
 * wakes it.  That gives a fixed order (priority, then arrival: the seed's
 * "pass the lock on release"), at the cost of a switch per contended
 * hand-over.  The uncontended paths touch only the inner spinlock; the
 * contended ones also keep the priority-inheritance books (pi.c).
 */
#include "sync/mutex.h"
#include "sync/internal.h"
#include "core/panic.h"
#include "uapi/errno.h"

void
mutex_init_flags(struct mutex *m, const char *name, unsigned flags)
{
	spin_init_rank(&m->lock, "mutex", LOCK_RANK_MUTEX_INNER);
	m->owner = NULL;
	list_init(&m->waiters);
	list_init(&m->pi_node);
	m->name = name;
	m->flags = (uint8_t)flags;
	m->owner_died = false;
	m->ld = (struct lockdep_map){ name, 0 };
}

void
mutex_init(struct mutex *m, const char *name)
{
	mutex_init_flags(m, name, 0);
}

void
mutex_init_owned(struct mutex *m, const char *name, unsigned flags, void *owner)
{
	mutex_init_flags(m, name, flags);
	m->owner = owner;
}

int
mutex_wait_prepare(struct mutex *m, struct mutex_waiter *w)
{
	void *self = sync_sched->self();

	spin_lock(&m->lock);
	if (!m->owner) {
		m->owner = self;
		m->owner_died = false;
		spin_unlock(&m->lock);
		return 1;
	}
	if (m->owner == self)
		panic("mutex_lock: %s taken twice by one thread", m->name);
	w->thread = self;
	w->task = sync_sched->task(self);
	list_init(&w->node);
	pi_enqueue(m, w);
	spin_unlock(&m->lock);
	return 0;
}

/*
 * A wakeup that did not make us the owner (there should be none) just
 * sleeps again with the whole timeout.
 */
int
mutex_wait_finish(struct mutex *m, struct mutex_waiter *w, uint64_t timeout_ns,
		  bool interruptible)
{
	int r = 0;
	bool ok;

	spin_lock(&m->lock);
	while (m->owner != w->thread) {
		if (r) {
			pi_dequeue(m, w);      /* timed out or interrupted: leave */
			break;
		}
		sync_sched->set_sleeping(interruptible);
		spin_unlock(&m->lock);
		r = sync_sched->block(timeout_ns, interruptible);
		spin_lock(&m->lock);
	}
	ok = m->owner == w->thread;
	spin_unlock(&m->lock);
	return ok ? 0 : r;
}

int
mutex_lock_timeout(struct mutex *m, uint64_t timeout_ns, bool interruptible)
{
	struct mutex_waiter w;
	int r = 0;

	if (!(m->flags & MUTEX_NO_LOCKDEP))
		lockdep_sleep_acquire(&m->ld);
	if (mutex_wait_prepare(m, &w) == 0)
		r = mutex_wait_finish(m, &w, timeout_ns, interruptible);
	if (r && !(m->flags & MUTEX_NO_LOCKDEP))
		lockdep_sleep_release(&m->ld);
	return r;
}

void
mutex_lock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	mutex_lock_timeout(m, 0, false);
}

bool
mutex_trylock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	bool ok = false;

	spin_lock(&m->lock);
	if (!m->owner) {
		m->owner = sync_sched->self();
		m->owner_died = false;
		ok = true;
	}
	spin_unlock(&m->lock);
	if (ok && !(m->flags & MUTEX_NO_LOCKDEP))
		lockdep_sleep_acquire(&m->ld);
	return ok;
}

void *
mutex_unlock_handoff(struct mutex *m)
{
	void *next = NULL;

	spin_lock(&m->lock);
	if (m->owner != sync_sched->self())
		panic("mutex_unlock: %s not held by this thread", m->name);
	if (list_empty(&m->waiters)) {
		m->owner = NULL;
	} else {
		next = pi_handoff(m);
		m->owner_died = false;
		sync_sched->wake(next);
	}
	spin_unlock(&m->lock);
	return next;
}

void
mutex_unlock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	if (!(m->flags & MUTEX_NO_LOCKDEP))
		lockdep_sleep_release(&m->ld);
	mutex_unlock_handoff(m);
}

bool
mutex_held(struct mutex *m)
{
	return m->owner == sync_sched->self();
}

void *
mutex_owner(struct mutex *m)
{
	return READ_ONCE(m->owner);
}

bool
mutex_has_waiters(struct mutex *m)
{
	bool r;

	spin_lock(&m->lock);
	r = !list_empty(&m->waiters);
	spin_unlock(&m->lock);
	return r;
}

void
pi_task_exit(struct sync_task *st)
{
	struct mutex *m;

	for (int guard = 0; guard < 1024 && (m = pi_first_held(st)) != NULL; guard++) {
		spin_lock(&m->lock);
		if (m->owner == st->thread && !list_empty(&m->waiters)) {
			void *next = pi_handoff(m);

			m->owner_died = true;
			sync_sched->wake(next);
		}
		spin_unlock(&m->lock);
	}
}

void
cond_init(struct condvar *cv)
{
	waitq_init(&cv->wq);
}

static void
release_mutex(void *m) NO_THREAD_SAFETY_ANALYSIS
{
	mutex_unlock(m);
}

int
cond_timedwait(struct condvar *cv, struct mutex *m, uint64_t timeout_ns)
	NO_THREAD_SAFETY_ANALYSIS
{
	int r = waitq_sleep_release(&cv->wq, release_mutex, m, timeout_ns, false);

	mutex_lock(m);
	return r;
}

void
cond_wait(struct condvar *cv, struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	cond_timedwait(cv, m, 0);
}

void
cond_signal(struct condvar *cv)
{
	waitq_wake_one(&cv->wq);
}

void
cond_broadcast(struct condvar *cv)
{
	waitq_wake_all(&cv->wq);
}

void
sem_init(struct semaphore *s, long count)
{
	spin_init_rank(&s->lock, "semaphore", LOCK_RANK_MUTEX_INNER);
	s->count = count;
	waitq_init(&s->wq);
}

static int
sem_down_common(struct semaphore *s, bool interruptible)
{
	int r = 0;

	spin_lock(&s->lock);
	while (s->count == 0) {
		r = waitq_sleep(&s->wq, &s->lock, 0, interruptible);
		if (r)
			break;
	}
	if (r == 0)
		s->count--;
	spin_unlock(&s->lock);
	return r;
}

void
sem_down(struct semaphore *s)
{
	sem_down_common(s, false);
}

int
sem_down_interruptible(struct semaphore *s)
{
	return sem_down_common(s, true);
}

bool
sem_trydown(struct semaphore *s)
{
	bool ok;

	spin_lock(&s->lock);
	ok = s->count > 0;
	if (ok)
		s->count--;
	spin_unlock(&s->lock);
	return ok;
}

void
sem_up(struct semaphore *s)
{
	spin_lock(&s->lock);
	s->count++;
	spin_unlock(&s->lock);
	waitq_wake_one(&s->wq);
}
