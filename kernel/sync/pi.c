// SPDX-License-Identifier: MIT
/*
 * Priority inheritance: who lends priority to whom.  See pi.h for the
 * idea and the locking; this file keeps three things true under pi_lock:
 *
 *   1. a contended PI mutex is on its owner's pi_held list (and only then);
 *   2. each waiter list is sorted by the waiters' effective priority;
 *   3. each thread's eff_prio is max(base_prio, the first waiter's eff_prio
 *      of every mutex on its pi_held) -- as far as PI_CHAIN_MAX links
 *      from the last change.
 *
 * propagate() restores 3 after a change at one thread: it recomputes that
 * thread, and if its priority moved, repositions it in the waiter list of
 * the mutex it is blocked on and goes on to that mutex's owner.
 */
#include "sync/internal.h"
#include "sync/pi.h"
#include "sync/waitqueue.h"

static struct spinlock pi_lock = SPINLOCK_INIT_RANK("pi", LOCK_RANK_PI);

void
sync_task_init(struct sync_task *st, void *thread)
{
	st->thread = thread;
	st->base_prio = st->eff_prio = 0;
	st->blocked_on = NULL;
	st->waiter = NULL;
	list_init(&st->pi_held);
	st->ld.n = 0;
}

static bool
uses_pi(const struct mutex *m)
{
	return !(m->flags & MUTEX_NO_PI);
}

/* Before the first waiter of lower priority: FIFO among equals. */
static void
insert_waiter(struct mutex *m, struct mutex_waiter *w)
{
	list_for_each(n, &m->waiters) {
		struct mutex_waiter *o = list_entry(n, struct mutex_waiter, node);

		if (o->task->eff_prio < w->task->eff_prio) {
			list_insert_between(&w->node, n->prev, n);
			return;
		}
	}
	list_push_back(&m->waiters, &w->node);
}

static int
top_waiter_prio(const struct mutex *m)
{
	if (list_empty(&m->waiters))
		return 0;
	return list_entry(m->waiters.next, struct mutex_waiter, node)->task->eff_prio;
}

static int
compute_eff(struct sync_task *t)
{
	int p = t->base_prio;

	list_for_each(n, &t->pi_held)
		p = MAX(p, top_waiter_prio(list_entry(n, struct mutex, pi_node)));
	return p;
}

/* Recompute t and carry a change down the chain of owners.  => pi_lock */
static void
propagate(struct sync_task *t)
{
	for (int depth = 0; t && depth < PI_CHAIN_MAX; depth++) {
		int p = compute_eff(t);
		struct mutex *m;

		if (p == t->eff_prio)
			return;
		t->eff_prio = p;
		sync_sched->set_prio(t->thread, p);
		m = t->blocked_on;
		if (!m)
			return;
		list_remove(&t->waiter->node);
		insert_waiter(m, t->waiter);
		if (!uses_pi(m) || !m->owner)
			return;
		t = sync_sched->task(m->owner);
	}
}

void
pi_enqueue(struct mutex *m, struct mutex_waiter *w)
{
	spin_lock(&pi_lock);
	insert_waiter(m, w);
	w->task->blocked_on = m;
	w->task->waiter = w;
	if (uses_pi(m)) {
		struct sync_task *o = sync_sched->task(m->owner);

		if (!list_linked(&m->pi_node))
			list_push_back(&o->pi_held, &m->pi_node);
		propagate(o);
	}
	spin_unlock(&pi_lock);
}

void
pi_dequeue(struct mutex *m, struct mutex_waiter *w)
{
	spin_lock(&pi_lock);
	list_remove(&w->node);
	w->task->blocked_on = NULL;
	w->task->waiter = NULL;
	if (list_empty(&m->waiters) && list_linked(&m->pi_node))
		list_remove(&m->pi_node);
	if (uses_pi(m) && m->owner)
		propagate(sync_sched->task(m->owner));   /* the loan may shrink */
	spin_unlock(&pi_lock);
}

void *
pi_handoff(struct mutex *m)
{
	struct mutex_waiter *w = list_entry(m->waiters.next, struct mutex_waiter, node);
	struct sync_task *old = sync_sched->task(m->owner);

	spin_lock(&pi_lock);
	list_remove(&w->node);
	w->task->blocked_on = NULL;
	w->task->waiter = NULL;
	if (list_linked(&m->pi_node))
		list_remove(&m->pi_node);
	if (uses_pi(m) && !list_empty(&m->waiters))
		list_push_back(&w->task->pi_held, &m->pi_node);
	m->owner = w->thread;
	propagate(old);       /* the old owner gives the loan back */
	propagate(w->task);   /* the new one may inherit from those still waiting */
	spin_unlock(&pi_lock);
	return w->thread;
}

void
pi_set_base(struct sync_task *st, int base_prio)
{
	spin_lock(&pi_lock);
	st->base_prio = base_prio;
	propagate(st);
	spin_unlock(&pi_lock);
}

struct mutex *
pi_first_held(struct sync_task *st)
{
	struct mutex *m;

	spin_lock(&pi_lock);
	m = list_first_entry_or_null(&st->pi_held, struct mutex, pi_node);
	spin_unlock(&pi_lock);
	return m;
}
