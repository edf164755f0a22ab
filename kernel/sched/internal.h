/* SPDX-License-Identifier: MIT */
/*
 * Scheduler internals shared by the files of sched/: sched.c (the switch,
 * the tick, sleeping), wake.c (placement, wakeup preemption, stealing and
 * balancing), params.c (policy, nice, affinity), stats.c (counters) and
 * thread.c (life cycle).
 */
#pragma once

#include "sched/sched.h"
#include "sched/policy.h"

/*
 * One CPU's run queue.  Locks: [l] lock, [c] only the owning CPU,
 * [a] read without the lock (a hint; decisions recheck under it).
 */
struct runqueue {
	struct spinlock lock;        /* see the lock order in sched.c */
	struct schedq sq;            /* [l] the policy's queues; sq.curr runs */
	unsigned id;                 /* [I] the CPU's number */
	struct thread *idle;         /* [I] */
	struct thread *last;         /* [l] thread that ran before the current one */
	struct list_node dead;       /* [l] DEAD threads switched out, to announce */
	struct list_node moving;     /* [l] threads that must leave (affinity) */
	uint64_t next_balance;       /* [c] tick count of the next periodic balance */
	struct sched_cpu_stat stat;  /* [l] counters; see sched_cpu_stat() */
};

extern struct runqueue runqueues[CPU_MAX];

/* How a thread leaves the CPU in __schedule(). */
enum switch_why {
	SWITCH_SLEEP,      /* schedule(): it stays only if its state is RUNNABLE */
	SWITCH_YIELD,      /* sched_yield(): tail of its level */
	SWITCH_PREEMPT,    /* the tick or a wakeup took the CPU */
};

void context_switch(uint64_t *save_sp, uint64_t load_sp);
void sched_finish_switch(void);
void sched_post_switch(void);
void sched_switch(enum switch_why why);
struct thread *thread_adopt_boot_context(unsigned cpu, void *stack);
void sched_start_new(struct thread *t);
void sched_post_switch(void);
void thread_reaper_start(void);
void thread_announce_death(struct thread *t);

static inline struct thread *
thread_of_se(struct sched_entity *se)
{
	return container_of(se, struct thread, se);
}

static inline unsigned
rq_nr_queued(const struct runqueue *rq)
{
	return READ_ONCE(rq->sq.nr_rt) + READ_ONCE(rq->sq.nr_normal);
}

static inline bool
cpu_allowed(const struct thread *t, unsigned cpu)
{
	return READ_ONCE(t->affinity) & (1ull << cpu);
}

/* stats.c: from CPU 0's tick; takes a load-average sample every LOADAVG_PERIOD_S. */
void sched_loadavg_tick(uint64_t now_ns);

/* params.c: apply the priority PI lends (sync_sched_ops.set_prio). */
void sched_pi_lend(void *thread, int rt_prio);

/* wake.c */
struct runqueue *lock_thread_rq(struct thread *t);
void place_and_queue(struct thread *t, struct runqueue *locked);
void resched_cpu(unsigned cpu);
bool sched_steal_work(void);
void sched_balance(void);
/* Re-evaluate the running thread of rq after a priority change.  => rq->lock */
void check_preempt_locked(struct runqueue *rq);
/* params.c: a new thread's scheduling parameters, from its creator. */
void sched_fork_params(struct thread *child, struct thread *parent);

/* fn(t, arg) for every thread, under the thread list's lock: none is freed meanwhile.  fn must not sleep. */
void thread_for_each(void (*fn)(struct thread *t, void *arg), void *arg);
