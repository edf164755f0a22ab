// SPDX-License-Identifier: MIT
/*
 * The policies schedsim compares.
 *
 *   FCFS        first come, first served: one FIFO queue, never preempts.
 *   SJF         shortest job first, non-preemptive: the ready job whose
 *               next CPU burst is shortest runs to the end of that burst.
 *               It knows burst lengths, which a real kernel never does;
 *               that is why it is the yardstick and not a design.
 *   RR q        round robin: FIFO, but a job that has run for q while
 *               others wait goes to the back.  Checked at each tick.
 *   Prio        static priority, preemptive: the best priority runs, FIFO
 *               among equals; a better job arriving preempts.
 *   Prio-NP     the same, non-preemptive.
 *   Keel MLFQ   the kernel's policy code (sched/policy.c), called exactly
 *               as the kernel calls it; jobs with a real-time policy in the
 *               trace use its SCHED_FIFO/SCHED_RR classes.
 */
#include <stdio.h>
#include "sim.h"

static struct job *
job_at(struct list_node *n)
{
	return list_entry(n, struct job, node);
}

static void
nothing(struct sim *s)
{
}

static bool
never(struct sim *s)
{
	return false;
}

/* ---------------------------------------------------------------- FCFS, RR */

static void
fifo_ready(struct sim *s, struct job *j, bool is_new)
{
	list_push_back(&s->ready, &j->node);
}

static struct job *
fifo_pick(struct sim *s)
{
	struct list_node *n = list_pop_front(&s->ready);

	return n ? job_at(n) : NULL;
}

static void
fifo_stop(struct sim *s, struct job *j, enum sim_stop why)
{
	if (why == STOP_PREEMPT)
		list_push_back(&s->ready, &j->node);
}

/* The running job's turn is over if it has had q and someone is waiting. */
static bool
rr_tick(struct sim *s)
{
	if (s->now - s->curr->slice_start < s->pol->quantum)
		return false;
	if (list_empty(&s->ready)) {
		s->curr->slice_start = s->now;     /* alone: a new turn */
		return false;
	}
	return true;
}

const struct sim_policy pol_fcfs = {
	"FCFS", nothing, fifo_ready, fifo_pick, fifo_stop, never, NULL, NULL, 0,
};

#define RR(ms) { "RR q=" #ms "ms", nothing, fifo_ready, fifo_pick, fifo_stop, never, \
		 rr_tick, NULL, ms * MSEC }
const struct sim_policy pol_rr[4] = { RR(1), RR(5), RR(20), RR(100) };

/* ---------------------------------------------------------------- SJF */

/* Length of the job's next CPU burst (the rest of it, if it is in one). */
static uint64_t
next_burst(const struct job *j)
{
	for (int pc = j->pc; pc < j->spec->nops; pc++)
		if (j->spec->ops[pc].kind == OP_CPU)
			return pc == j->pc ? j->left : j->spec->ops[pc].t;
	return 0;
}

static struct job *
sjf_pick(struct sim *s)
{
	struct job *best = NULL;

	list_for_each(n, &s->ready)
		if (!best || next_burst(job_at(n)) < next_burst(best))
			best = job_at(n);
	if (best)
		list_remove(&best->node);
	return best;
}

const struct sim_policy pol_sjf = {
	"SJF", nothing, fifo_ready, sjf_pick, fifo_stop, never, NULL, NULL, 0,
};

/* ---------------------------------------------------------------- priority */

/* Queue j behind its equals, or (head) in front of them. */
static void
prio_insert(struct sim *s, struct job *j, bool head)
{
	list_for_each(n, &s->ready) {
		struct job *o = job_at(n);

		if (o->eff_prio < j->eff_prio || (head && o->eff_prio == j->eff_prio)) {
			list_insert_between(&j->node, n->prev, n);
			return;
		}
	}
	list_push_back(&s->ready, &j->node);
}

static void
prio_ready(struct sim *s, struct job *j, bool is_new)
{
	prio_insert(s, j, false);
}

static void
prio_stop(struct sim *s, struct job *j, enum sim_stop why)
{
	if (why == STOP_PREEMPT)
		prio_insert(s, j, true);
}

static bool
prio_preempts(struct sim *s)
{
	return !list_empty(&s->ready) && job_at(s->ready.next)->eff_prio > s->curr->eff_prio;
}

static void
prio_set(struct sim *s, struct job *j, int prio)
{
	if (j->state == J_READY) {
		list_remove(&j->node);
		prio_insert(s, j, false);
	}
}

const struct sim_policy pol_prio = {
	"Prio", nothing, prio_ready, fifo_pick, prio_stop, prio_preempts, NULL, prio_set, 0,
};
const struct sim_policy pol_prio_np = {
	"Prio-NP", nothing, prio_ready, fifo_pick, prio_stop, never, NULL, prio_set, 0,
};

/* ---------------------------------------------------------------- Keel */

/* The kernel's parameters, converted from nanoseconds to microseconds. */
void
sim_keel_params(struct sched_params *p, bool naive, bool boost)
{
	for (int l = 0; l < MLFQ_LEVELS; l++)
		p->quantum[l] = sched_params_default.quantum[l] / 1000;
	p->boost_period = boost ? sched_params_default.boost_period / 1000 : 0;
	p->rr_quantum = sched_params_default.rr_quantum / 1000;
	p->reset_on_sleep = naive;
}

static void
keel_setup(struct sim *s, bool naive, bool boost)
{
	sim_keel_params(&s->params, naive, boost);
	schedq_init(&s->q, &s->params);
	for (int i = 0; i < s->tr->njobs; i++) {
		struct job *j = &s->jobs[i];

		schedq_set_nice(NULL, &j->se, j->spec->nice);
		if (j->spec->policy != SCHED_POLICY_NORMAL &&
		    schedq_set_policy(NULL, &j->se, j->spec->policy, j->spec->prio) < 0)
			fprintf(stderr, "schedsim: %s: bad real-time priority %d\n",
				j->spec->name, j->spec->prio);
	}
}

static void keel_init(struct sim *s) { keel_setup(s, false, true); }
static void keel_init_naive(struct sim *s) { keel_setup(s, true, true); }
static void keel_init_noboost(struct sim *s) { keel_setup(s, false, false); }

static void
keel_ready(struct sim *s, struct job *j, bool is_new)
{
	schedq_enqueue(&s->q, &j->se, s->now, is_new ? SCHEDQ_NEW : SCHEDQ_WAKEUP);
}

static struct job *
keel_pick(struct sim *s)
{
	struct sched_entity *se = schedq_pick_next(&s->q, s->now);

	return se ? sim_job_of(se) : NULL;
}

static void
keel_stop(struct sim *s, struct job *j, enum sim_stop why)
{
	schedq_put_prev(&s->q, s->now, why == STOP_PREEMPT ? SCHEDQ_PREEMPT : SCHEDQ_SLEEP);
}

static bool
keel_preempts(struct sim *s)
{
	return schedq_preempt_check(&s->q);
}

static bool
keel_tick(struct sim *s)
{
	return schedq_tick(&s->q, s->now);
}

/*
 * Priority inheritance as the kernel would do it: lend the waiter's
 * real-time priority to the holder through schedq_set_policy(), and give
 * the holder its own policy back on release.
 */
static void
keel_set_prio(struct sim *s, struct job *j, int prio)
{
	const struct job_spec *sp = j->spec;

	if (prio == sp->prio)
		schedq_set_policy(&s->q, &j->se, sp->policy,
				  sp->policy == SCHED_POLICY_NORMAL ? 0 : sp->prio);
	else
		schedq_set_policy(&s->q, &j->se, sp->policy == SCHED_POLICY_NORMAL ?
				  SCHED_POLICY_FIFO : sp->policy, prio);
}

#define KEEL(name, init) { name, init, keel_ready, keel_pick, keel_stop, keel_preempts, \
			   keel_tick, keel_set_prio, 0 }
const struct sim_policy pol_keel = KEEL("Keel MLFQ", keel_init);
const struct sim_policy pol_keel_naive = KEEL("MLFQ reset-on-sleep", keel_init_naive);
const struct sim_policy pol_keel_noboost = KEEL("MLFQ no boost", keel_init_noboost);
