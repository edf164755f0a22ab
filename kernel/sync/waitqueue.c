// SPDX-License-Identifier: MIT
/* Wait queues.  See waitqueue.h for the protocol that avoids lost wakeups. */
#include "sync/waitqueue.h"

const struct sync_sched_ops *sync_sched;

void
sync_sched_install(const struct sync_sched_ops *ops)
{
	sync_sched = ops;
}

void
waitq_init(struct waitq *wq)
{
	spin_init_rank(&wq->lock, "waitq", LOCK_RANK_WAITQ);
	list_init(&wq->waiters);
}

int
waitq_sleep_release(struct waitq *wq, void (*release)(void *), void *arg,
		    uint64_t timeout_ns, bool interruptible)
{
	struct wait_entry e = { .thread = sync_sched->self(), .exclusive = true };
	int r;

	list_init(&e.node);
	spin_lock(&wq->lock);
	list_push_back(&wq->waiters, &e.node);
	sync_sched->set_sleeping(interruptible);
	spin_unlock(&wq->lock);
	if (release)
		release(arg);

	r = sync_sched->block(timeout_ns, interruptible);

	spin_lock(&wq->lock);
	if (list_linked(&e.node))
		list_remove(&e.node);
	spin_unlock(&wq->lock);
	return r;
}

static void
release_spin(void *lk)
{
	spin_unlock(lk);
}

int
waitq_sleep(struct waitq *wq, struct spinlock *lk, uint64_t timeout_ns,
	    bool interruptible)
{
	int r = waitq_sleep_release(wq, lk ? release_spin : NULL, lk, timeout_ns,
				    interruptible);

	if (lk)
		spin_lock(lk);
	return r;
}

void
waitq_wake_one(struct waitq *wq)
{
	struct list_node *n;

	spin_lock(&wq->lock);
	n = list_pop_front(&wq->waiters);
	if (n)
		sync_sched->wake(list_entry(n, struct wait_entry, node)->thread);
	spin_unlock(&wq->lock);
}

void
waitq_wake_all(struct waitq *wq)
{
	struct list_node *n;

	spin_lock(&wq->lock);
	while ((n = list_pop_front(&wq->waiters)) != NULL)
		sync_sched->wake(list_entry(n, struct wait_entry, node)->thread);
	spin_unlock(&wq->lock);
}

bool
waitq_has_waiters(struct waitq *wq)
{
	bool r;

	spin_lock(&wq->lock);
	r = !list_empty(&wq->waiters);
	spin_unlock(&wq->lock);
	return r;
}
