// SPDX-License-Identifier: MIT
/*
 * The real-time scheduling class: SCHED_FIFO and SCHED_RR, as POSIX
 * defines them.
 *
 * Each priority 1..99 has a FIFO list, and a bitmap says which lists are
 * non-empty, so the best task is found with one count-leading-zeros.  A
 * real-time task always runs before every normal task (policy.c asks this
 * class first), and a higher priority always preempts a lower one.
 *
 *   SCHED_FIFO  runs until it blocks, yields or is preempted by a higher
 *               priority; the tick never takes it off.  Preempted, it goes
 *               back to the head of its list; woken or yielding, to the
 *               tail.
 *   SCHED_RR    the same, except that after rr_quantum of CPU its turn is
 *               over: it goes to the tail of its list, so tasks of equal
 *               priority rotate.  Tasks of other priorities are unaffected.
 *
 * There is no allotment and no boost: a real-time task that never blocks
 * starves every normal task, which is what it asked for.  (Linux adds a
 * throttle for that; Keel's kernel may add one above this code.)
 */
#include "sched/policy_class.h"

void
rt_init(struct schedq *q)
{
	for (int p = 0; p <= SCHED_RT_PRIO_MAX; p++)
		list_init(&q->rt[p]);
	q->rt_map[0] = q->rt_map[1] = 0;
	q->nr_rt = 0;
}

void
rt_enqueue(struct schedq *q, struct sched_entity *se, bool head)
{
	unsigned p = se->rt_prio;

	if (head)
		list_push_front(&q->rt[p], &se->node);
	else
		list_push_back(&q->rt[p], &se->node);
	q->rt_map[p / 64] |= 1ull << (p % 64);
	se->queued = true;
	q->nr_rt++;
}

void
rt_dequeue(struct schedq *q, struct sched_entity *se)
{
	unsigned p = se->rt_prio;

	list_remove(&se->node);
	if (list_empty(&q->rt[p]))
		q->rt_map[p / 64] &= ~(1ull << (p % 64));
	se->queued = false;
	q->nr_rt--;
}

int
rt_best_prio(const struct schedq *q)
{
	if (q->rt_map[1])
		return 64 + 63 - __builtin_clzll(q->rt_map[1]);
	if (q->rt_map[0])
		return 63 - __builtin_clzll(q->rt_map[0]);
	return 0;
}

struct sched_entity *
rt_pick(struct schedq *q)
{
	int p = rt_best_prio(q);
	struct sched_entity *se;

	if (!p)
		return NULL;
	se = list_entry(q->rt[p].next, struct sched_entity, node);
	rt_dequeue(q, se);
	if (!se->rr_left)
		se->rr_left = q->params->rr_quantum;
	return se;
}

/* => true when an RR task has used its turn; it gets a fresh one. */
bool
rt_charge(struct schedq *q, struct sched_entity *se, uint64_t delta)
{
	if (se->policy != SCHED_POLICY_RR)
		return false;
	if (!se->rr_left)
		se->rr_left = q->params->rr_quantum;
	if (delta < se->rr_left) {
		se->rr_left -= delta;
		return false;
	}
	se->rr_left = q->params->rr_quantum;
	return true;
}
