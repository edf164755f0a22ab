// SPDX-License-Identifier: MIT
/*
 * Mutexes, condition variables and semaphores over wait queues.
 *
 * The mutex is a direct-handoff lock: unlock does not just clear the owner
 * and hope the waiter wins a race; it makes the first waiter the owner and
 * wakes it.  That gives FIFO order (the seed's "pass the lock on release"),
 * at the cost of a switch per contended hand-over.
 */
#include "sync/mutex.h"
#include "core/panic.h"
#include "uapi/errno.h"

void
mutex_init(struct mutex *m, const char *name)
{
	spin_init(&m->lock, name);
	m->owner = NULL;
	list_init(&m->waiters);
	m->name = name;
}

void
mutex_lock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	void *self = sync_sched->self();
	struct wait_entry e = { .thread = self };

	spin_lock(&m->lock);
	if (!m->owner) {
		m->owner = self;
		spin_unlock(&m->lock);
		return;
	}
	if (m->owner == self)
		panic("mutex_lock: %s taken twice by one thread", m->name);
	list_init(&e.node);
	list_push_back(&m->waiters, &e.node);
	while (m->owner != self) {
		sync_sched->set_sleeping(false);
		spin_unlock(&m->lock);
		sync_sched->block(0, false);
		spin_lock(&m->lock);
	}
	spin_unlock(&m->lock);
}

bool
mutex_trylock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	bool ok = false;

	spin_lock(&m->lock);
	if (!m->owner) {
		m->owner = sync_sched->self();
		ok = true;
	}
	spin_unlock(&m->lock);
	return ok;
}

void
mutex_unlock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	struct list_node *n;

	spin_lock(&m->lock);
	if (m->owner != sync_sched->self())
		panic("mutex_unlock: %s not held by this thread", m->name);
	n = list_pop_front(&m->waiters);
	if (n) {
		struct wait_entry *e = list_entry(n, struct wait_entry, node);
		m->owner = e->thread;
		sync_sched->wake(e->thread);
	} else {
		m->owner = NULL;
	}
	spin_unlock(&m->lock);
}

bool
mutex_held(struct mutex *m)
{
	return m->owner == sync_sched->self();
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
	spin_init(&s->lock, "semaphore");
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
