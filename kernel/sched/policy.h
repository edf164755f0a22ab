/* SPDX-License-Identifier: MIT */
/*
 * Scheduling policy: which runnable task runs next, and for how long.
 *
 * This is the pure half of the scheduler.  It knows nothing of stacks,
 * CPUs, locks or clocks: it orders `struct sched_entity`s (embedded in the
 * kernel's threads, or in the simulator's jobs) on a per-CPU `struct
 * schedq`, and is told the time.  The same object code runs in the kernel,
 * in the host simulator (tools/schedsim) and in the unit tests.
 *
 * Two classes, the first always ahead of the second:
 *
 *   real time   SCHED_FIFO and SCHED_RR, priorities 1..99 (higher wins);
 *               see rt.c.  A FIFO task runs until it blocks or yields; RR
 *               tasks of one priority take turns of rr_quantum.
 *   normal      a multi-level feedback queue; nice picks a task's home
 *               level.  See the rules at the top of mlfq.c.
 *
 * How the kernel drives it.  Every call is made with the run-queue lock
 * held; `now` is a monotonic clock in the unit of the parameters
 * (nanoseconds in the kernel, microseconds in the simulator).
 *
 *   a task becomes runnable   schedq_enqueue(q, se, now, SCHEDQ_NEW or
 *                             SCHEDQ_WAKEUP); reschedule if
 *                             schedq_preempt_check(q)
 *   every timer tick          reschedule if schedq_tick(q, now)
 *   schedule()                schedq_put_prev(q, now, why) for the task
 *                             that was running, then
 *                             next = schedq_pick_next(q, now); NULL means
 *                             run the idle thread
 *   a queued task leaves      schedq_dequeue(q, se) (migration, kill)
 *   setpriority, sched_setscheduler
 *                             schedq_set_nice(), schedq_set_policy(), then
 *                             reschedule if schedq_preempt_check(q)
 *
 * The running task is q->curr and is on no list, as in sched.c.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"

/* Policies, numbered as Linux numbers SCHED_OTHER, SCHED_FIFO and SCHED_RR. */
enum {
	SCHED_POLICY_NORMAL = 0,
	SCHED_POLICY_FIFO = 1,
	SCHED_POLICY_RR = 2,
};

#define SCHED_RT_PRIO_MIN 1
#define SCHED_RT_PRIO_MAX 99
#define SCHED_NICE_MIN    (-20)
#define SCHED_NICE_MAX    19

/* MLFQ levels, 0 the highest; each band of 5 nice values has a home level. */
#define MLFQ_LEVELS    12
#define MLFQ_NICE_BAND 5

/* How a task joins the queue (schedq_enqueue). */
enum schedq_enq {
	SCHEDQ_NEW,      /* a new task: its home level */
	SCHEDQ_WAKEUP,   /* back from a sleep: it keeps its level and account */
};

/* Why the running task stops running (schedq_put_prev). */
enum schedq_stop {
	SCHEDQ_SLEEP,    /* it blocks or exits: not requeued */
	SCHEDQ_YIELD,    /* it gives the CPU away: tail of its list */
	SCHEDQ_PREEMPT,  /* taken off: head of its list, or tail if its turn was over */
};

/*
 * Tunables, in the caller's time unit.  quantum[l] is both the longest turn
 * at level l and the allotment a task may use there before it drops.
 */
struct sched_params {
	uint64_t quantum[MLFQ_LEVELS];
	uint64_t boost_period;   /* every task returns home this often; 0 never */
	uint64_t rr_quantum;     /* SCHED_RR turn */
	/*
	 * The gameable rule: forget the allotment used whenever a task sleeps.
	 * Kept only so the simulator can show why it is wrong; the kernel never
	 * sets it.
	 */
	bool reset_on_sleep;
};

/* The kernel's values, in nanoseconds. */
extern const struct sched_params sched_params_default;

/*
 * A schedulable thing.  Locks: every field is guarded by the run-queue lock
 * of the CPU whose schedq holds the task ([q]); this code takes no locks.
 */
struct sched_entity {
	struct list_node node;   /* [q] on one list of the schedq while queued */
	uint8_t policy;          /* [q] SCHED_POLICY_* */
	uint8_t rt_prio;         /* [q] 1..99 for FIFO and RR, 0 for normal */
	int8_t nice;             /* [q] -20..19 */
	uint8_t level;           /* [q] MLFQ level, 0 the highest */
	bool queued;             /* [q] on a list (the running task is not) */
	bool turn_over;          /* [q] its turn ended: requeue at the tail */
	uint64_t used;           /* [q] MLFQ: time used at this level so far */
	uint64_t rr_left;        /* [q] SCHED_RR: rest of this turn; 0 = fresh */
	uint64_t exec_start;     /* [q] when it was last charged while running */
	uint64_t stamp;          /* [q] when its level was last decided */
	uint64_t sum_exec;       /* [q] total time charged */
};

/* One CPU's queue.  Locks: all [q], the run-queue lock of that CPU. */
struct schedq {
	const struct sched_params *params;
	struct sched_entity *curr;                   /* running, or NULL (idle) */
	struct list_node rt[SCHED_RT_PRIO_MAX + 1];  /* by priority; [0] unused */
	uint64_t rt_map[2];                          /* bit p: rt[p] not empty */
	struct list_node level[MLFQ_LEVELS];
	unsigned nr_rt, nr_normal;
	struct sched_entity *yielded;                /* normal task passed over by the next pick */
	uint64_t last_boost;                         /* time of the last boost */
	uint64_t nr_boosts;
};

/* A normal task of nice 0, not queued. */
void sched_entity_init(struct sched_entity *se);
void schedq_init(struct schedq *q, const struct sched_params *params);

/* => 0, or -EBUSY if se is queued or running already. */
int schedq_enqueue(struct schedq *q, struct sched_entity *se, uint64_t now, enum schedq_enq how);
/* Take a queued task off.  => 0, -ENOENT if not queued, -EBUSY if running. */
int schedq_dequeue(struct schedq *q, struct sched_entity *se);
/* The next task to run, taken off its list; NULL when nothing is runnable. */
struct sched_entity *schedq_pick_next(struct schedq *q, uint64_t now);
/* The running task stops; charge it and requeue it as `why` says. */
void schedq_put_prev(struct schedq *q, uint64_t now, enum schedq_stop why);
/* The running task yields: schedq_put_prev(q, now, SCHEDQ_YIELD). */
void schedq_yield(struct schedq *q, uint64_t now);
/* Timer tick: charge the running task, boost if due.  => true: reschedule. */
bool schedq_tick(struct schedq *q, uint64_t now);
/* True when a queued task should run instead of the running one. */
bool schedq_preempt_check(const struct schedq *q);
/* Every normal task back to its home level with a fresh allotment. */
void schedq_boost(struct schedq *q, uint64_t now);
/*
 * Clamp nice to -20..19 and move the task's level with its home.  q may be
 * NULL when se is neither queued nor running.
 */
void schedq_set_nice(struct schedq *q, struct sched_entity *se, int nice);
/*
 * => 0, or -EINVAL for an unknown policy or a priority outside its range
 * (1..99 for FIFO and RR, 0 for normal).  q as for schedq_set_nice.
 */
int schedq_set_policy(struct schedq *q, struct sched_entity *se, int policy, int rt_prio);
unsigned schedq_nr_queued(const struct schedq *q);
/* The home level of a nice value. */
int mlfq_home_level(int nice);
