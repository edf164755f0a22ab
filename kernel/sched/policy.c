// SPDX-License-Identifier: MIT
/*
 * The front of the scheduling policy: one per-CPU queue holding two
 * classes, real time before normal (policy.h says how the kernel calls
 * it).  This file keeps the running task's time account, decides where a
 * task that stops running goes back in, and leaves the ordering inside a
 * class to rt.c and mlfq.c.
 *
 * Time.  The running task is charged for the time since it was last
 * charged at every tick and when it stops, so a task that always blocks
 * between two ticks is charged all the same.  A charge may end the task's
 * turn (its MLFQ allotment or its SCHED_RR slice is used up): it is then
 * marked turn_over, and leaves the CPU at the tick if a task at least as
 * good is waiting, or else simply begins a new turn.
 *
 * Where a stopped task goes.  A task that sleeps is on no list until
 * schedq_enqueue().  A yield puts it at the tail of its list; a normal
 * task's yield also lets the next pick pass it over for any other normal
 * task, even one on a lower level.  POSIX puts every SCHED_OTHER task at
 * one priority, and programs yield to let another one run (a spinning
 * thread, to the holder of its lock): if the holder had sunk lower than
 * the spinner, a yield that stays within the spinner's level would give
 * it nothing until the next boost.  Passing over is once only, so a
 * yield buys no CPU time.  A preempted
 * task goes to the head, so a task that a higher one interrupted resumes
 * first among its equals, unless its turn was over: then to the tail,
 * which is what makes equals take turns.
 *
 * Pure: no locks (the caller holds the run-queue lock), no hardware.
 */
#include "sched/policy_class.h"
#include "uapi/errno.h"

#define MS 1000000ull

/* Nanoseconds: 4 ms at the top, doubling every two levels below nice 0's home. */
const struct sched_params sched_params_default = {
	.quantum = { 4 * MS, 4 * MS, 4 * MS, 4 * MS, 4 * MS, 8 * MS,
		     8 * MS, 16 * MS, 16 * MS, 32 * MS, 32 * MS, 64 * MS },
	.boost_period = 1000 * MS,
	.rr_quantum = 100 * MS,
};

static bool
is_rt(const struct sched_entity *se)
{
	return se->policy != SCHED_POLICY_NORMAL;
}

void
sched_entity_init(struct sched_entity *se)
{
	*se = (struct sched_entity){ .policy = SCHED_POLICY_NORMAL };
	list_init(&se->node);
	se->level = mlfq_home_level(0);
}

void
schedq_init(struct schedq *q, const struct sched_params *params)
{
	q->params = params;
	q->curr = NULL;
	q->yielded = NULL;
	q->last_boost = 0;
	q->nr_boosts = 0;
	rt_init(q);
	mlfq_init(q);
}

unsigned
schedq_nr_queued(const struct schedq *q)
{
	return q->nr_rt + q->nr_normal;
}

static void
class_enqueue(struct schedq *q, struct sched_entity *se, bool head)
{
	if (is_rt(se))
		rt_enqueue(q, se, head);
	else
		mlfq_enqueue(q, se, head);
}

static void
class_dequeue(struct schedq *q, struct sched_entity *se)
{
	if (is_rt(se))
		rt_dequeue(q, se);
	else
		mlfq_dequeue(q, se);
}

void
schedq_boost(struct schedq *q, uint64_t now)
{
	q->last_boost = now;
	q->nr_boosts++;
	mlfq_boost(q, now);
}

static void
boost_if_due(struct schedq *q, uint64_t now)
{
	uint64_t period = q->params->boost_period;

	if (period && now >= q->last_boost + period)
		schedq_boost(q, now);
}

/* Charge the running task for the time since its last charge. */
static void
charge(struct schedq *q, struct sched_entity *se, uint64_t now)
{
	uint64_t delta = now > se->exec_start ? now - se->exec_start : 0;
	bool over;

	se->exec_start = now;
	se->sum_exec += delta;
	over = is_rt(se) ? rt_charge(q, se, delta) : mlfq_charge(q, se, delta);
	if (over)
		se->turn_over = true;
}

int
schedq_enqueue(struct schedq *q, struct sched_entity *se, uint64_t now, enum schedq_enq how)
{
	if (se->queued || se == q->curr)
		return -EBUSY;
	boost_if_due(q, now);
	if (is_rt(se))
		se->rr_left = 0;
	else if (how == SCHEDQ_NEW || se->stamp < q->last_boost)
		mlfq_go_home(se, now);       /* rules 3 and 6 */
	else if (q->params->reset_on_sleep)
		se->used = 0;                /* the gameable rule */
	se->turn_over = false;
	class_enqueue(q, se, false);
	return 0;
}

int
schedq_dequeue(struct schedq *q, struct sched_entity *se)
{
	if (se == q->curr)
		return -EBUSY;
	if (!se->queued)
		return -ENOENT;
	if (se == q->yielded)
		q->yielded = NULL;
	class_dequeue(q, se);
	return 0;
}

void
schedq_put_prev(struct schedq *q, uint64_t now, enum schedq_stop why)
{
	struct sched_entity *se = q->curr;
	bool head;

	if (!se)
		return;
	charge(q, se, now);
	q->curr = NULL;
	head = why == SCHEDQ_PREEMPT && !se->turn_over;
	se->turn_over = false;
	if (why == SCHEDQ_SLEEP)
		return;
	if (why == SCHEDQ_YIELD) {
		se->rr_left = 0;
		if (!is_rt(se))
			q->yielded = se;
	}
	class_enqueue(q, se, head);
}

void
schedq_yield(struct schedq *q, uint64_t now)
{
	schedq_put_prev(q, now, SCHEDQ_YIELD);
}

/*
 * The scheduler should not be called without putting the running task
 * back first; if it is, the task is treated as preempted rather than lost.
 */
struct sched_entity *
schedq_pick_next(struct schedq *q, uint64_t now)
{
	struct sched_entity *se;

	if (q->curr)
		schedq_put_prev(q, now, SCHEDQ_PREEMPT);
	boost_if_due(q, now);
	se = rt_pick(q);
	if (!se)
		se = mlfq_pick_skip(q, q->yielded);
	q->yielded = NULL;
	if (se) {
		se->exec_start = now;
		se->turn_over = false;
	}
	q->curr = se;
	return se;
}

bool
schedq_preempt_check(const struct schedq *q)
{
	const struct sched_entity *se = q->curr;
	int rtp = rt_best_prio(q), l;

	if (!se)
		return schedq_nr_queued(q) > 0;
	if (is_rt(se))
		return rtp > se->rt_prio;
	if (rtp)
		return true;
	l = mlfq_best_level(q);
	return l >= 0 && l < se->level;
}

/* Is a queued task at least as good as se (so that se's turn can pass)? */
static bool
has_rival(const struct schedq *q, const struct sched_entity *se)
{
	int l;

	if (is_rt(se))
		return rt_best_prio(q) >= se->rt_prio;
	if (rt_best_prio(q))
		return true;
	l = mlfq_best_level(q);
	return l >= 0 && l <= se->level;
}

bool
schedq_tick(struct schedq *q, uint64_t now)
{
	struct sched_entity *se = q->curr;

	if (se)
		charge(q, se, now);
	boost_if_due(q, now);
	if (!se)
		return schedq_nr_queued(q) > 0;
	if (se->turn_over) {
		if (has_rival(q, se))
			return true;
		se->turn_over = false;   /* nobody to hand over to: a new turn */
	}
	return schedq_preempt_check(q);
}

void
schedq_set_nice(struct schedq *q, struct sched_entity *se, int nice)
{
	bool requeue = se->queued && !is_rt(se);
	int old_home = mlfq_home_level(se->nice), home, level;

	nice = MAX(SCHED_NICE_MIN, MIN(SCHED_NICE_MAX, nice));
	home = mlfq_home_level(nice);
	if (requeue)
		mlfq_dequeue(q, se);
	se->nice = nice;
	/* Keep the distance from home: a demoted task stays demoted. */
	level = se->level + home - old_home;
	se->level = MAX(home, MIN(MLFQ_LEVELS - 1, level));
	if (requeue)
		mlfq_enqueue(q, se, false);
}

/*
 * A task's MLFQ level and account are left alone while it is real time, so
 * a task lent a real-time priority for a while (priority inheritance)
 * comes back to the normal class where it was.
 */
int
schedq_set_policy(struct schedq *q, struct sched_entity *se, int policy, int rt_prio)
{
	bool rt = policy == SCHED_POLICY_FIFO || policy == SCHED_POLICY_RR;
	bool queued = se->queued;

	if (!rt && policy != SCHED_POLICY_NORMAL)
		return -EINVAL;
	if (rt ? rt_prio < SCHED_RT_PRIO_MIN || rt_prio > SCHED_RT_PRIO_MAX : rt_prio != 0)
		return -EINVAL;
	if (queued)
		class_dequeue(q, se);
	se->policy = policy;
	se->rt_prio = rt_prio;
	se->rr_left = 0;
	if (queued)
		class_enqueue(q, se, false);
	return 0;
}
