// SPDX-License-Identifier: MIT
/*
 * Where runnable threads go: wakeup placement, wakeup preemption, idle
 * stealing and the periodic load balance.  All of them honour affinity
 * (a thread runs only on the CPUs in its mask) and none of them moves a
 * thread that is running or still switching out: only threads on a
 * queue's lists move, and a queued thread is never on_cpu (the switch that
 * queued it finishes before the run-queue lock is free again).
 *
 *   placement   a thread that becomes runnable goes to its last CPU if
 *               that is idle, else to any idle allowed CPU, else back to
 *               its last CPU (its cache may still be warm) if allowed,
 *               else to the least loaded allowed CPU.
 *   preemption  after queueing, the policy says whether the newcomer beats
 *               the running thread (a real-time task, or a higher MLFQ
 *               level); if so that CPU reschedules now: a resched IPI, or
 *               a self-IPI that fires the moment interrupts are back on.
 *   stealing    an idle CPU takes one thread from the busiest queue.
 *   balancing   every 100 ms each CPU compares its load (queued + running)
 *               with the busiest CPU's, and pulls half the difference
 *               when it is 2 or more.  Pulling, not pushing: each CPU
 *               changes only what it will run itself.
 *
 * Locks: a thread's queue is found with lock_thread_rq(), which rechecks
 * t->cpu after locking because a migration changes it.  t->cpu changes only
 * under the lock of the queue it leaves, so whoever holds that lock sees a
 * stable value.  Two run-queue locks are taken in address order.
 */
#include "sched/sched.h"
#include "sched/internal.h"
#include "arch/arch.h"
#include "arch/smp.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/trap.h"

static bool
cpu_idle(unsigned cpu)
{
	return READ_ONCE(cpus[cpu].current) == runqueues[cpu].idle &&
	       rq_nr_queued(&runqueues[cpu]) == 0;
}

/* Queued threads plus the running one. */
static unsigned
cpu_load(unsigned cpu)
{
	return rq_nr_queued(&runqueues[cpu]) + (READ_ONCE(cpus[cpu].current) != runqueues[cpu].idle);
}

uint64_t
sched_online_mask(void)
{
	return smp_online_mask() & ((ncpus >= 64) ? ~0ull : (1ull << ncpus) - 1);
}

static unsigned
select_cpu(struct thread *t)
{
	uint64_t ok = READ_ONCE(t->affinity) & sched_online_mask();
	unsigned best = t->cpu, best_load = ~0u;

	if (!ok)
		return t->cpu;    /* cannot happen: sched_set_affinity refuses such masks */
	if ((ok & (1ull << t->cpu)) && cpu_idle(t->cpu))
		return t->cpu;
	for (unsigned i = 0; i < ncpus; i++) {
		unsigned load;

		if (!(ok & (1ull << i)))
			continue;
		if (cpu_idle(i))
			return i;
		load = cpu_load(i);
		if (load < best_load) {
			best = i;
			best_load = load;
		}
	}
	return (ok & (1ull << t->cpu)) ? t->cpu : best;
}

/*
 * Have cpu call the scheduler as soon as it can.  Another CPU gets an IPI.
 * This CPU needs none when the flag will be seen soon anyway: on the way
 * out of an interrupt, or at the end of the system call we are in (as
 * Linux does without kernel preemption); anywhere else a self-IPI fires
 * the moment interrupts are back on.
 */
void
resched_cpu(unsigned cpu)
{
	struct cpu *me = this_cpu();

	WRITE_ONCE(cpus[cpu].need_resched, true);
	if (cpu != me->id)
		smp_send_ipi(cpu, VEC_IPI_RESCHED);
	else if (me->current != me->idle && me->irq_depth == 0 && !me->current->in_syscall)
		smp_send_ipi(cpu, VEC_IPI_RESCHED);
}

void
check_preempt_locked(struct runqueue *rq)
{
	if (schedq_preempt_check(&rq->sq))
		resched_cpu(rq->id);
}

struct runqueue *
lock_thread_rq(struct thread *t)
{
	for (;;) {
		unsigned cpu = READ_ONCE(t->cpu);
		struct runqueue *rq = &runqueues[cpu];

		spin_lock(&rq->lock);
		if (READ_ONCE(t->cpu) == cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

static void
enqueue_locked(struct runqueue *rq, struct thread *t)
{
	enum schedq_enq how = t->nr_switches ? SCHEDQ_WAKEUP : SCHEDQ_NEW;

	schedq_enqueue(&rq->sq, &t->se, clock_ns(), how);
}

/*
 * Put a runnable thread that is on no queue on the best CPU for it.
 * => locked (t's current queue) held; released on return.
 */
void
place_and_queue(struct thread *t, struct runqueue *locked)
{
	unsigned target = select_cpu(t);
	struct runqueue *rq = &runqueues[target];
	bool resched;

	t->on_rq = true;              /* claimed: no other waker will queue it */
	if (rq != locked) {
		t->cpu = target;      /* under the old lock: see the top of the file */
		t->nr_migrations++;
		spin_unlock(&locked->lock);
		spin_lock(&rq->lock);
		rq->stat.nr_migrations++;
	}
	enqueue_locked(rq, t);
	resched = rq->sq.curr == NULL || schedq_preempt_check(&rq->sq);
	spin_unlock(&rq->lock);
	if (resched)
		resched_cpu(target);
}

bool
sched_wake(struct thread *t)
{
	struct runqueue *rq = lock_thread_rq(t);

	if (t->state != T_SLEEPING && t->state != T_BLOCKED) {
		spin_unlock(&rq->lock);
		return false;
	}
	t->state = T_RUNNABLE;
	if (t->on_rq) {            /* it had not finished going to sleep */
		spin_unlock(&rq->lock);
		return true;
	}
	place_and_queue(t, rq);
	return true;
}

bool
sched_wake_interruptible(struct thread *t)
{
	return t->state == T_SLEEPING ? sched_wake(t) : false;
}

/* A new thread's first run: the same placement as a wakeup. */
void
sched_start_new(struct thread *t)
{
	struct runqueue *rq = lock_thread_rq(t);

	place_and_queue(t, rq);
}

static void
lock_two(struct runqueue *a, struct runqueue *b)
{
	spin_lock(a < b ? &a->lock : &b->lock);
	spin_lock(a < b ? &b->lock : &a->lock);
}

static void
unlock_two(struct runqueue *a, struct runqueue *b)
{
	spin_unlock(&a->lock);
	spin_unlock(&b->lock);
}

static struct thread *
first_movable(struct list_node *list, unsigned cpu)
{
	list_for_each(n, list) {
		struct thread *t = thread_of_se(list_entry(n, struct sched_entity, node));

		if (cpu_allowed(t, cpu) && !READ_ONCE(t->on_cpu))
			return t;
	}
	return NULL;
}

/*
 * A queued thread of src that may run on cpu: CPU-bound ones (the lowest
 * MLFQ levels) first, since moving them costs the least in lost warmth
 * per unit of work.  => both queue locks held.
 */
static struct thread *
pick_movable(struct runqueue *src, unsigned cpu)
{
	struct thread *t;

	for (int l = MLFQ_LEVELS - 1; l >= 0; l--)
		if ((t = first_movable(&src->sq.level[l], cpu)) != NULL)
			return t;
	for (int p = 1; p <= SCHED_RT_PRIO_MAX; p++)
		if ((t = first_movable(&src->sq.rt[p], cpu)) != NULL)
			return t;
	return NULL;
}

static void
move_locked(struct runqueue *src, struct runqueue *dst, struct thread *t)
{
	schedq_dequeue(&src->sq, &t->se);
	t->cpu = dst->id;
	t->nr_migrations++;
	dst->stat.nr_migrations++;
	schedq_enqueue(&dst->sq, &t->se, clock_ns(), SCHEDQ_WAKEUP);
}

/* The other CPU with the most queued threads, or -1. */
static int
busiest_cpu(unsigned me, unsigned *load)
{
	int best = -1;

	*load = 0;
	for (unsigned i = 0; i < ncpus; i++) {
		unsigned l = rq_nr_queued(&runqueues[i]);

		/* An idle CPU with a queue has been sent for and will run it. */
		if (READ_ONCE(cpus[i].current) == runqueues[i].idle)
			continue;
		if (i != me && l > *load) {
			best = (int)i;
			*load = l;
		}
	}
	return best;
}

/* An idle CPU takes one thread.  => true if one moved here.  Interrupts off. */
bool
sched_steal_work(void)
{
	unsigned me = this_cpu()->id, load;
	struct runqueue *mine = &runqueues[me];
	int v = busiest_cpu(me, &load);
	struct thread *t = NULL;

	if (v < 0)
		return false;
	lock_two(mine, &runqueues[v]);
	if ((t = pick_movable(&runqueues[v], me)) != NULL)
		move_locked(&runqueues[v], mine, t);
	unlock_two(mine, &runqueues[v]);
	return t != NULL;
}

/* The periodic balance, from this CPU's tick. */
void
sched_balance(void)
{
	unsigned me = this_cpu()->id, qload, mine_load = cpu_load(me), moved = 0, want;
	struct runqueue *mine = &runqueues[me], *src;
	int v = busiest_cpu(me, &qload);

	if (v < 0 || cpu_load((unsigned)v) < mine_load + 2)
		return;
	want = (cpu_load((unsigned)v) - mine_load) / 2;
	src = &runqueues[v];
	lock_two(mine, src);
	while (moved < want) {
		struct thread *t = pick_movable(src, me);

		if (!t)
			break;
		move_locked(src, mine, t);
		mine->stat.nr_balance_moves++;
		moved++;
	}
	if (moved && (mine->sq.curr == NULL || schedq_preempt_check(&mine->sq)))
		this_cpu()->need_resched = true;
	unlock_two(mine, src);
}
