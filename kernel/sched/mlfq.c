// SPDX-License-Identifier: MIT
/*
 * The normal scheduling class: a multi-level feedback queue (MLFQ).
 *
 * A scheduler cannot know how long a task will compute before it blocks,
 * so it learns from what the task did.  A task that keeps using the CPU is
 * probably a batch job and can wait; one that blocks soon after it starts
 * is probably interactive and should run the moment it wakes.  The queue
 * has MLFQ_LEVELS levels, 0 the highest, each a FIFO list.  The rules:
 *
 *  1. Higher level first.  The task at the head of the highest non-empty
 *     level runs (real-time tasks come before every level, see rt.c).  A
 *     task that wakes at a higher level than the running one preempts it.
 *  2. Equal levels take turns (round robin).
 *  3. A task starts at its home level: a new task, and every task after a
 *     boost.  nice sets home: nice -20..-16 is level 0, -15..-11 level 1,
 *     ..., 0..4 level 4, ..., 15..19 level 7.  A nice-0 task has eight
 *     levels to fall through; negative nice reaches levels it never can.
 *  4. Allotment.  At level l a task may use quantum[l] of CPU in all.  The
 *     account runs on across turns, sleeps and yields; when it is used up
 *     the task drops one level (the bottom keeps it) with a fresh account,
 *     and its turn ends.  So giving up the CPU early keeps a task's level,
 *     but only until its total reaches the allotment: a task that computes
 *     for 99% of a quantum and then sleeps for a moment, to stay on top,
 *     drops exactly as fast as one that never sleeps.  (The older rule,
 *     "a task that blocks before its quantum ends keeps its level and
 *     starts afresh", can be gamed that way; params->reset_on_sleep
 *     restores it for the simulator's comparison.)
 *  5. Lower levels have longer quanta: tasks down there are CPU-bound, so
 *     fewer switches cost less, and nobody is waiting on a keystroke.
 *  6. Boost.  Every boost_period each normal task goes home with a fresh
 *     account.  Without it, a steady supply of short tasks at the high
 *     levels would starve the tasks below for ever, and a batch job that
 *     turned interactive would stay at the bottom.  Queued tasks move at
 *     once; a sleeping task moves when it wakes, because its stamp (the
 *     time its level was last decided) is older than the boost.
 *  7. A task preempted before its turn ended returns to the head of its
 *     level and loses nothing; one whose turn ended goes to the tail.
 *
 * Rules 1-2 and 4-5 are the multi-level queue of CTSS; 6 and the allotment
 * accounting of 4 are the refinements that make it hard to starve or game.
 *
 * Pure: no locks (the caller holds the run-queue lock), no hardware.
 */
#include "sched/policy_class.h"

STATIC_ASSERT((SCHED_NICE_MAX - SCHED_NICE_MIN) / MLFQ_NICE_BAND < MLFQ_LEVELS,
	      "every home level must exist");

int
mlfq_home_level(int nice)
{
	nice = MAX(SCHED_NICE_MIN, MIN(SCHED_NICE_MAX, nice));
	return (nice - SCHED_NICE_MIN) / MLFQ_NICE_BAND;
}

void
mlfq_init(struct schedq *q)
{
	for (int l = 0; l < MLFQ_LEVELS; l++)
		list_init(&q->level[l]);
	q->nr_normal = 0;
}

void
mlfq_go_home(struct sched_entity *se, uint64_t now)
{
	se->level = mlfq_home_level(se->nice);
	se->used = 0;
	se->stamp = now;
}

void
mlfq_enqueue(struct schedq *q, struct sched_entity *se, bool head)
{
	if (head)
		list_push_front(&q->level[se->level], &se->node);
	else
		list_push_back(&q->level[se->level], &se->node);
	se->queued = true;
	q->nr_normal++;
}

void
mlfq_dequeue(struct schedq *q, struct sched_entity *se)
{
	list_remove(&se->node);
	se->queued = false;
	q->nr_normal--;
}

int
mlfq_best_level(const struct schedq *q)
{
	if (!q->nr_normal)
		return -1;
	for (int l = 0; l < MLFQ_LEVELS; l++)
		if (!list_empty(&q->level[l]))
			return l;
	return -1;
}

struct sched_entity *
mlfq_pick(struct schedq *q)
{
	int l = mlfq_best_level(q);
	struct sched_entity *se;

	if (l < 0)
		return NULL;
	se = list_entry(q->level[l].next, struct sched_entity, node);
	mlfq_dequeue(q, se);
	return se;
}

struct sched_entity *
mlfq_pick_skip(struct schedq *q, const struct sched_entity *skip)
{
	struct sched_entity *se;
	int l = mlfq_best_level(q);

	if (l < 0)
		return NULL;
	se = list_entry(q->level[l].next, struct sched_entity, node);
	if (se == skip && q->nr_normal > 1) {
		if (se->node.next != &q->level[l])
			se = list_entry(se->node.next, struct sched_entity, node);
		else
			while (++l < MLFQ_LEVELS)
				if (!list_empty(&q->level[l])) {
					se = list_entry(q->level[l].next, struct sched_entity, node);
					break;
				}
	}
	mlfq_dequeue(q, se);
	return se;
}

/*
 * Rule 4: add delta to the task's account at its level.  => true when the
 * allotment is used up: the task has dropped a level and its turn is over.
 */
bool
mlfq_charge(struct schedq *q, struct sched_entity *se, uint64_t delta)
{
	se->used += delta;
	if (se->used < q->params->quantum[se->level])
		return false;
	if (se->level < MLFQ_LEVELS - 1)
		se->level++;
	se->used = 0;
	return true;
}

/*
 * Rule 6.  Queued tasks are moved level by level from the top, so tasks
 * that were ahead before the boost stay ahead among those sharing a home.
 */
void
mlfq_boost(struct schedq *q, uint64_t now)
{
	struct list_node all;
	struct list_node *n;

	list_init(&all);
	for (int l = 0; l < MLFQ_LEVELS; l++)
		while ((n = list_pop_front(&q->level[l])) != NULL)
			list_push_back(&all, n);
	q->nr_normal = 0;
	while ((n = list_pop_front(&all)) != NULL) {
		struct sched_entity *se = list_entry(n, struct sched_entity, node);

		mlfq_go_home(se, now);
		mlfq_enqueue(q, se, false);
	}
	if (q->curr && q->curr->policy == SCHED_POLICY_NORMAL)
		mlfq_go_home(q->curr, now);
}
