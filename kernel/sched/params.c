// SPDX-License-Identifier: MIT
/*
 * Changing how a thread is scheduled: policy and real-time priority, nice,
 * affinity, and the priority that priority inheritance lends.
 *
 * A thread has a base policy (what sched_setscheduler() asked for) and an
 * effective one, which is what its sched_entity carries and the policy code
 * orders by.  They differ only while priority inheritance lends the thread
 * a real-time priority above its own (sync/pi.c decides, sched_pi_lend()
 * applies): it then runs as SCHED_FIFO at the lent priority, and its MLFQ
 * level and account wait untouched for its return (policy.c keeps them).
 *
 * Every change is made under the thread's run-queue lock, and then the
 * CPU is asked to reschedule if the change means another thread should run
 * (a raised thread beats the running one, or the running one fell below a
 * queued one).
 */
#include "sched/sched.h"
#include "sched/internal.h"
#include "uapi/errno.h"

static bool
policy_is_rt(int policy)
{
	return policy == SCHED_POLICY_FIFO || policy == SCHED_POLICY_RR;
}

/* The schedq holding t, or NULL when it is on none.  => rq->lock */
static struct schedq *
q_of(struct runqueue *rq, struct thread *t)
{
	return t->se.queued || rq->sq.curr == &t->se ? &rq->sq : NULL;
}

/* Make se carry the effective policy.  => rq->lock held. */
static void
apply_effective_locked(struct runqueue *rq, struct thread *t)
{
	int base = policy_is_rt(t->base_policy) ? t->base_rt_prio : 0;
	int policy = t->base_policy, prio = t->base_rt_prio;

	if (t->pi_prio > base) {
		policy = SCHED_POLICY_FIFO;
		prio = t->pi_prio;
	}
	if (t->se.policy == policy && t->se.rt_prio == prio)
		return;
	schedq_set_policy(q_of(rq, t), &t->se, policy, prio);
	if (t->on_rq)
		check_preempt_locked(rq);
}

int
sched_setscheduler(struct thread *t, int policy, int rt_prio)
{
	struct runqueue *rq;

	if (policy_is_rt(policy) ? rt_prio < SCHED_RT_PRIO_MIN || rt_prio > SCHED_RT_PRIO_MAX
				 : policy != SCHED_POLICY_NORMAL || rt_prio != 0)
		return -EINVAL;
	rq = lock_thread_rq(t);
	t->base_policy = (uint8_t)policy;
	t->base_rt_prio = (uint8_t)rt_prio;
	apply_effective_locked(rq, t);
	spin_unlock(&rq->lock);
	/* Its own priority orders it among mutex waiters and may pass down a chain. */
	pi_set_base(&t->sync, rt_prio);
	return 0;
}

void
sched_getscheduler(struct thread *t, int *policy, int *rt_prio)
{
	*policy = READ_ONCE(t->base_policy);
	*rt_prio = READ_ONCE(t->base_rt_prio);
}

void
sched_pi_lend(void *thread, int rt_prio)
{
	struct thread *t = thread;
	struct runqueue *rq = lock_thread_rq(t);

	t->pi_prio = (uint8_t)rt_prio;
	apply_effective_locked(rq, t);
	spin_unlock(&rq->lock);
}

void
sched_set_nice(struct thread *t, int nice)
{
	struct runqueue *rq = lock_thread_rq(t);

	schedq_set_nice(t->se.queued ? &rq->sq : NULL, &t->se, nice);
	if (t->on_rq)
		check_preempt_locked(rq);
	spin_unlock(&rq->lock);
}

int
sched_get_nice(struct thread *t)
{
	return READ_ONCE(t->se.nice);
}

int
sched_set_affinity(struct thread *t, uint64_t mask)
{
	struct runqueue *rq;

	if (!(mask & sched_online_mask()))
		return -EINVAL;
	rq = lock_thread_rq(t);
	WRITE_ONCE(t->affinity, mask);
	if (cpu_allowed(t, t->cpu)) {
		spin_unlock(&rq->lock);
		return 0;
	}
	if (t->se.queued) {
		schedq_dequeue(&rq->sq, &t->se);
		place_and_queue(t, rq);                 /* unlocks */
		return 0;
	}
	if (rq->sq.curr == &t->se)
		resched_cpu(rq->id);     /* its next switch moves it (put_prev_locked) */
	/* Asleep or in flight: its next placement reads the new mask. */
	spin_unlock(&rq->lock);
	if (t == current())
		sched_yield();
	return 0;
}

uint64_t
sched_get_affinity(struct thread *t)
{
	return READ_ONCE(t->affinity) & sched_online_mask();
}

uint64_t
sched_rr_interval_ns(struct thread *t)
{
	const struct sched_params *p = &sched_params_default;

	if (READ_ONCE(t->base_policy) == SCHED_POLICY_RR)
		return p->rr_quantum;
	if (READ_ONCE(t->base_policy) == SCHED_POLICY_FIFO)
		return 0;
	return p->quantum[READ_ONCE(t->se.level)];
}

/* A new thread inherits its creator's base policy, nice and affinity. */
void
sched_fork_params(struct thread *child, struct thread *parent)
{
	sched_entity_init(&child->se);
	child->affinity = ~0ull;
	if (!parent || parent->tid == 0)
		return;
	child->base_policy = parent->base_policy;
	child->base_rt_prio = parent->base_rt_prio;
	child->se.policy = parent->base_policy;
	child->se.rt_prio = parent->base_rt_prio;
	child->se.nice = parent->se.nice;
	child->se.level = (uint8_t)mlfq_home_level(parent->se.nice);
	child->affinity = parent->affinity;
	child->sync.base_prio = policy_is_rt(parent->base_policy) ? parent->base_rt_prio : 0;
	child->sync.eff_prio = child->sync.base_prio;
}
