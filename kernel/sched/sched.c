// SPDX-License-Identifier: MIT
/*
 * The scheduler core: per-CPU run queues ordered by the policy of
 * policy.h (real time before a multi-level feedback queue), the context
 * switch, sleeping, and the tick.
 *
 * Each CPU has a run queue holding a `struct schedq`; the running thread
 * is the queue's `curr` and is on none of its lists.  sched_switch() runs
 * with the run-queue lock held and interrupts off: it hands the running
 * thread back to the policy (schedq_put_prev: requeued if it is still
 * RUNNABLE, or if it was preempted, because a thread caught by the timer
 * halfway into a sleep must not be lost: it stays queued and finishes going
 * to sleep when it next runs), asks the policy for the next one
 * (schedq_pick_next; none means the idle thread), and switches stacks.  The
 * lock is released by whichever thread runs next on this CPU: the one
 * returning from its own context_switch(), or a new thread in
 * thread_entry().
 *
 * A thread that may no longer run here (its affinity changed) is not
 * requeued: it is marked `migrate` and, once it is off the CPU (on_cpu
 * clear, in sched_finish_switch), goes on rq->moving; sched_post_switch()
 * then places it on an allowed CPU like a wakeup.  Dead threads take the
 * same road to their joiner or the reaper.
 *
 * The tick charges the running thread (the policy may end its turn or
 * demote it), attributes the tick to user, system or idle time, runs the
 * periodic MLFQ boost (inside schedq_tick), and every BALANCE_MS calls the
 * load balancer (wake.c).
 *
 * Lock order: wait-queue locks and mutex internals, then the PI lock, then
 * run-queue locks (two at once only in address order), then timer_lock.
 * See docs/locking.md for the whole list.
 */
#include "sched/sched.h"
#include "sched/internal.h"
#include "sched/hung.h"
#include "sched/timer.h"
#include "arch/arch.h"
#include "arch/smp.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"
#include "core/printk.h"
#include "uapi/errno.h"

#define BALANCE_MS 100

unsigned sched_hz = HZ_DEFAULT;
struct runqueue runqueues[CPU_MAX];
static volatile uint64_t jiffies;
struct sched_hooks sched_hooks;

static struct runqueue *
this_rq(void)
{
	return this_cpu()->rq;
}

uint64_t
sched_jiffies(void)
{
	return jiffies;
}

static void
account(struct runqueue *rq, struct thread *prev, struct thread *next, uint64_t now)
{
	prev->run_ns += now - prev->last_start_ns;
	next->last_start_ns = now;
	next->nr_switches++;
	rq->stat.nr_switches++;
}

/*
 * Give the running thread back to the policy.  A thread that may not stay
 * on this CPU is set aside for sched_finish_switch().  => rq->lock held.
 */
static void
put_prev_locked(struct runqueue *rq, struct thread *prev, enum switch_why why, uint64_t now)
{
	bool stays = prev->state == T_RUNNABLE || why != SWITCH_SLEEP;

	if (stays && !cpu_allowed(prev, rq->id)) {
		schedq_put_prev(&rq->sq, now, SCHEDQ_SLEEP);
		prev->migrate = true;        /* on_rq stays set: nobody else queues it */
		return;
	}
	if (!stays) {
		schedq_put_prev(&rq->sq, now, SCHEDQ_SLEEP);
		prev->on_rq = false;
		return;
	}
	/* A sleep that a wakeup cancelled counts as preempted: it resumes first. */
	schedq_put_prev(&rq->sq, now, why == SWITCH_YIELD ? SCHEDQ_YIELD : SCHEDQ_PREEMPT);
}

static struct thread *
pick_next_locked(struct runqueue *rq, uint64_t now)
{
	struct sched_entity *se = schedq_pick_next(&rq->sq, now);

	return se ? thread_of_se(se) : rq->idle;
}

/* The heart of it: switch from the running thread to the policy's choice. */
void
sched_switch(enum switch_why why)
{
	/*
	 * Interrupts go off before this CPU's queue is chosen: an interrupt
	 * in between could preempt us and let us resume on another CPU, still
	 * holding the first CPU's queue in hand (and so run a thread that
	 * CPU is running).  Callers may come with interrupts on
	 * (preempt_enable, the end of a system call).
	 */
	unsigned long flags = arch_irq_save();
	struct cpu *c = this_cpu();
	struct runqueue *rq = c->rq;
	struct thread *prev = c->current, *next;
	uint64_t now;
	bool intena;

	spin_lock(&rq->lock);
	c->need_resched = false;
	now = clock_ns();
	if (prev != rq->idle)
		put_prev_locked(rq, prev, why, now);
	next = pick_next_locked(rq, now);
	if (next != prev) {
		intena = c->intena;
		account(rq, prev, next, now);
		c->current = next;
		next->cpu = c->id;
		next->on_cpu = true;
		tss_set_rsp0(c, next->kstack_top);
		if (sched_hooks.switch_mm)
			sched_hooks.switch_mm(prev, next);
		context_switch(&prev->ksp, next->ksp);
		/* Back in prev, possibly much later, possibly on another CPU. */
		sched_finish_switch();
		c = this_cpu();
		c->intena = intena;
		rq = c->rq;
	}
	spin_unlock(&rq->lock);
	arch_irq_restore(flags);
	if (!list_empty(&rq->dead) || !list_empty(&rq->moving))
		sched_post_switch();
}

/*
 * After a switch: the thread we left is off the CPU now.  A dead thread
 * goes to be announced, one that must change CPU to be placed anew.
 * => rq->lock held.
 */
void
sched_finish_switch(void)
{
	struct cpu *c = this_cpu();
	struct thread *prev = c->rq->last;

	c->rq->last = c->current;
	if (!prev || prev == c->current)
		return;
	__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
	if (prev->state == T_DEAD)
		list_push_back(&c->rq->dead, &prev->rq_node);
	else if (prev->migrate)
		list_push_back(&c->rq->moving, &prev->rq_node);
}

/* Pop one thread off one of this CPU's hand-over lists. */
static struct thread *
pop_handover(bool dead)
{
	unsigned long f = arch_irq_save();
	struct runqueue *rq = this_rq();
	struct list_node *n;

	spin_lock(&rq->lock);
	n = list_pop_front(dead ? &rq->dead : &rq->moving);
	spin_unlock(&rq->lock);
	arch_irq_restore(f);
	return n ? list_entry(n, struct thread, rq_node) : NULL;
}

/* Announce deaths and re-place migrating threads, without the rq lock held. */
void
sched_post_switch(void)
{
	struct thread *t;

	while ((t = pop_handover(false)) != NULL) {
		struct runqueue *rq = lock_thread_rq(t);

		t->migrate = false;
		place_and_queue(t, rq);
	}
	while ((t = pop_handover(true)) != NULL)
		thread_announce_death(t);
}

void
schedule(void)
{
	sched_switch(SWITCH_SLEEP);
}

void
sched_yield(void)
{
	sched_switch(SWITCH_YIELD);
}

static void
sched_preempt(struct trap_frame *tf)
{
	sched_switch(SWITCH_PREEMPT);
}

void
sched_preempt_point(void)
{
	struct cpu *c = this_cpu();

	if (c->need_resched && c->preempt_count == 0)
		sched_switch(SWITCH_PREEMPT);
}

void
sched_set_state(int state)
{
	current()->state = state;
}

static void
timeout_fire(void *arg)
{
	struct thread *t = arg;

	t->timed_out = true;
	sched_wake(t);
}

/*
 * Give up the CPU after the caller set the state to SLEEPING or BLOCKED.
 * => 0 when woken, -ETIMEDOUT, or -EINTR for a pending signal.
 */
int
sched_block(uint64_t timeout_ns, bool interruptible)
{
	struct thread *t = current();
	struct ktimer timer;

	if (interruptible && t->sig_pending) {
		t->state = T_RUNNABLE;
		return -EINTR;
	}
	t->timed_out = false;
	if (timeout_ns) {
		ktimer_init(&timer, timeout_fire, t);
		ktimer_arm(&timer, clock_ns() + timeout_ns);
	}
	schedule();
	if (timeout_ns)
		ktimer_cancel(&timer);
	t->state = T_RUNNABLE;
	if (t->timed_out)
		return -ETIMEDOUT;
	if (interruptible && t->sig_pending)
		return -EINTR;
	return 0;
}

int
sched_sleep_ns(uint64_t ns, bool interruptible)
{
	int r;

	current()->state = interruptible ? T_SLEEPING : T_BLOCKED;
	r = sched_block(ns ? ns : 1, interruptible);
	return r == -ETIMEDOUT ? 0 : r;
}

void
preempt_disable(void)
{
	unsigned long f = arch_irq_save();

	this_cpu()->preempt_count++;
	arch_irq_restore(f);
}

void
preempt_enable(void)
{
	unsigned long f = arch_irq_save();
	struct cpu *c = this_cpu();

	c->preempt_count--;
	arch_irq_restore(f);
	if (c->preempt_count == 0 && c->need_resched && (f & RFLAGS_IF))
		sched_switch(SWITCH_PREEMPT);
}

/* Charge this tick to user, system or idle time.  => rq->lock */
static void
tick_account(struct runqueue *rq, struct thread *t, bool user)
{
	if (t == rq->idle) {
		rq->stat.idle_ticks++;
	} else if (user) {
		if (t->se.nice > 0)
			rq->stat.nice_ticks++;
		else
			rq->stat.user_ticks++;
		t->utime_ticks++;
	} else {
		rq->stat.system_ticks++;
		t->stime_ticks++;
	}
}

void
sched_tick(bool user)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = c->rq;
	struct thread *t = c->current;
	bool resched;

	c->ticks++;
	if (c->id == 0) {
		jiffies++;
		ktimer_run_expired(clock_ns());
		sched_loadavg_tick(clock_ns());
	}
	spin_lock(&rq->lock);
	tick_account(rq, t, user);
	resched = schedq_tick(&rq->sq, clock_ns());
	/* Its affinity changed and nothing has moved it yet. */
	if (t != rq->idle && !cpu_allowed(t, c->id))
		resched = true;
	spin_unlock(&rq->lock);
	if (resched)
		c->need_resched = true;
	if (ncpus > 1 && c->ticks >= rq->next_balance) {
		rq->next_balance = c->ticks + MAX(1u, sched_hz * BALANCE_MS / 1000);
		sched_balance();
	}
}

/* The tick also samples where the time goes: user or kernel mode. */
static void
tick(bool user, uint64_t pc, uint64_t fp)
{
	struct thread *t = this_cpu()->current;

	if (sched_hooks.tick && t->proc)
		sched_hooks.tick(t, user);
	sched_tick(user);
	softlockup_tick(user, pc, fp);
}

uint64_t
thread_cpu_time_ns(struct thread *t)
{
	uint64_t run = READ_ONCE(t->run_ns);

	/* A thread on a CPU now has been running since its last switch. */
	if (READ_ONCE(cpus[t->cpu].current) == t)
		run += clock_ns() - READ_ONCE(t->last_start_ns);
	return run;
}

static void *sync_self(void) { return current(); }
static void sync_set_sleeping(bool intr) { current()->state = intr ? T_SLEEPING : T_BLOCKED; }
static void sync_wake(void *t) { sched_wake(t); }
static struct sync_task *sync_task_of(void *t) { return &((struct thread *)t)->sync; }

static const struct sync_sched_ops sync_ops = {
	.self = sync_self,
	.set_sleeping = sync_set_sleeping,
	.block = sched_block,
	.wake = sync_wake,
	.task = sync_task_of,
	.set_prio = sched_pi_lend,
};

/* This CPU's run queue, with the running context as its idle thread. */
static void
rq_init_this_cpu(void *stack)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = &runqueues[c->id];

	spin_init_rank(&rq->lock, "rq", LOCK_RANK_RQ);
	schedq_init(&rq->sq, &sched_params_default);
	rq->sq.last_boost = clock_ns();
	rq->id = c->id;
	list_init(&rq->dead);
	list_init(&rq->moving);
	c->rq = rq;
	rq->idle = thread_adopt_boot_context(c->id, stack);
	rq->last = rq->idle;
	rq->stat.online = true;
	c->current = rq->idle;
	c->idle = rq->idle;
}

static void
resched_ipi(struct trap_frame *tf, void *data)
{
	this_cpu()->need_resched = true;   /* the interrupt's exit path switches */
}

/* An application processor joins: its queue, idle thread and tick. */
static void
sched_cpu_start(struct cpu *c)
{
	rq_init_this_cpu(c->boot_stack);
	clock_start_tick(sched_hz, tick);
}

void
sched_init(void)
{
	rq_init_this_cpu(NULL);
	sync_sched_install(&sync_ops);
	trap_upcalls.preempt = sched_preempt;
	irq_set_handler(VEC_IPI_RESCHED, "ipi-resched", resched_ipi, NULL);
	smp_hooks.cpu_start = sched_cpu_start;
	smp_hooks.cpu_idle = sched_idle_loop;
}

void
sched_start(void)
{
	clock_start_tick(sched_hz, tick);
}

void
sched_idle_loop(void)
{
	for (;;) {
		arch_irq_disable();
		if (rq_nr_queued(this_rq()) || (ncpus > 1 && sched_steal_work())) {
			arch_irq_enable();
			schedule();
			continue;
		}
		/* sti;hlt: an interrupt cannot slip in between the check and the halt. */
		arch_wait_for_interrupt();
	}
}
