// SPDX-License-Identifier: MIT
/*
 * The scheduler: per-CPU run queues, round-robin with a time slice,
 * preemption from the timer tick.
 *
 * Each CPU has a run queue of RUNNABLE threads that are not running; the
 * running thread is cpu->current and is not on the queue.  schedule() runs
 * with the run-queue lock held and interrupts off: it puts the current thread
 * back at the tail if it is still RUNNABLE (or if it was preempted: a thread
 * caught by the timer halfway into a sleep must not be lost, so it stays
 * queued and finishes going to sleep when it next runs), takes the head, and
 * switches stacks.  The lock is released by whichever thread runs next on
 * this CPU: the one returning from its own context_switch(), or a new
 * thread in thread_start().
 *
 * Lock order: rq->lock, then timer_lock; wait-queue locks come before rq
 * locks (a wake happens with the wait-queue lock held).
 */
#include "sched/sched.h"
#include "sched/internal.h"
#include "sched/timer.h"
#include "arch/arch.h"
#include "arch/smp.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"
#include "core/printk.h"
#include "uapi/errno.h"

unsigned sched_hz = HZ_DEFAULT;
static struct runqueue runqueues[CPU_MAX];
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

static int
slice_ticks(void)
{
	/* 10 ms slices, at least one tick. */
	return MAX(1u, sched_hz / 100);
}

/* Queue t on rq.  => rq->lock held. */
void
rq_enqueue_locked(struct runqueue *rq, struct thread *t)
{
	list_push_back(&rq->queue, &t->rq_node);
	rq->nr_queued++;
	t->on_rq = true;
}

static struct thread *
rq_pick_locked(struct runqueue *rq)
{
	struct list_node *n = list_pop_front(&rq->queue);

	if (!n)
		return rq->idle;
	rq->nr_queued--;
	return list_entry(n, struct thread, rq_node);
}

static void
account(struct thread *prev, struct thread *next)
{
	uint64_t now = clock_ns();

	prev->run_ns += now - prev->last_start_ns;
	next->last_start_ns = now;
	next->nr_switches++;
}

/*
 * The heart of it.  preempt: the thread is being switched out involuntarily
 * and stays runnable whatever its state says.
 */
static void
__schedule(bool preempt)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = c->rq;
	struct thread *prev = c->current, *next;
	bool intena;

	spin_lock(&rq->lock);
	c->need_resched = false;
	if (prev != rq->idle) {
		if (prev->state == T_RUNNABLE || preempt)
			rq_enqueue_locked(rq, prev);
		else
			prev->on_rq = false;
	}
	next = rq_pick_locked(rq);
	if (next != prev) {
		intena = c->intena;
		account(prev, next);
		c->current = next;
		next->cpu = c->id;
		next->on_cpu = true;
		if (next->slice <= 0)
			next->slice = slice_ticks();
		tss_set_rsp0(c, next->kstack_top);
		if (sched_hooks.switch_mm)
			sched_hooks.switch_mm(prev, next);
		context_switch(&prev->ksp, next->ksp);
		/* Back in prev, possibly much later. */
		sched_finish_switch();
		c = this_cpu();
		c->intena = intena;
		rq = c->rq;
	}
	spin_unlock(&rq->lock);
	if (!list_empty(&rq->dead))
		sched_post_switch();
}

/*
 * After a switch: the thread we left is off the CPU now.  A dead detached
 * thread goes to the reaper.  => rq->lock held.
 */
void
sched_finish_switch(void)
{
	struct cpu *c = this_cpu();
	struct thread *prev = c->rq->last;

	c->rq->last = c->current;
	if (prev && prev != c->current) {
		__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
		if (prev->state == T_DEAD)
			list_push_back(&c->rq->dead, &prev->rq_node);
	}
}

/* Announce the deaths finish_switch() collected, without the rq lock. */
void
sched_post_switch(void)
{
	for (;;) {
		struct runqueue *rq;
		struct list_node *n;
		unsigned long f = arch_irq_save();

		rq = this_rq();
		spin_lock(&rq->lock);
		n = list_pop_front(&rq->dead);
		spin_unlock(&rq->lock);
		arch_irq_restore(f);
		if (!n)
			return;
		thread_announce_death(list_entry(n, struct thread, rq_node));
	}
}

void
schedule(void)
{
	__schedule(false);
}

void
sched_yield(void)
{
	__schedule(true);
}

static void
sched_preempt(struct trap_frame *tf)
{
	__schedule(true);
}

void
sched_set_state(int state)
{
	current()->state = state;
}

static bool
cpu_idle(unsigned cpu)
{
	return READ_ONCE(cpus[cpu].current) == runqueues[cpu].idle &&
	       READ_ONCE(runqueues[cpu].nr_queued) == 0;
}

/* Where should a thread that becomes runnable go?  Prefer an idle CPU. */
static unsigned
select_cpu(struct thread *t)
{
	uint64_t online = smp_online_mask();

	if (ncpus == 1 || cpu_idle(t->cpu))
		return t->cpu;
	for (unsigned i = 0; i < ncpus; i++)
		if ((online & (1ull << i)) && cpu_idle(i))
			return i;
	return t->cpu;
}

/* A thread was queued on cpu: have it looked at soon. */
static void
kick(unsigned cpu)
{
	if (READ_ONCE(cpus[cpu].current) != runqueues[cpu].idle)
		return;   /* a busy CPU picks it up at its next tick */
	cpus[cpu].need_resched = true;
	if (cpu != this_cpu()->id)
		smp_send_ipi(cpu, VEC_IPI_RESCHED);
}

/* Lock the run queue t sits on (t->cpu can change until we hold it). */
static struct runqueue *
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

/* Put a runnable, unqueued thread on the best CPU's queue. */
static void
place_and_queue(struct thread *t, struct runqueue *locked)
{
	unsigned target = select_cpu(t);
	struct runqueue *rq = &runqueues[target];

	if (rq == locked) {
		rq_enqueue_locked(rq, t);
		spin_unlock(&locked->lock);
	} else {
		t->on_rq = true;           /* claimed: no other waker will queue it */
		spin_unlock(&locked->lock);
		spin_lock(&rq->lock);
		t->cpu = target;
		list_push_back(&rq->queue, &t->rq_node);
		rq->nr_queued++;
		spin_unlock(&rq->lock);
	}
	kick(target);
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

/* A new thread's first run: the same placement as a wakeup. */
void
sched_start_new(struct thread *t)
{
	struct runqueue *rq = lock_thread_rq(t);

	place_and_queue(t, rq);
}

/* Take one queued thread from a busier CPU.  => true if one moved here. */
static bool
steal_work(void)
{
	struct cpu *me = this_cpu();
	struct runqueue *mine = me->rq;

	for (unsigned i = 0; i < ncpus; i++) {
		struct runqueue *v = &runqueues[i], *first, *second;
		struct list_node *n = NULL;

		if (i == me->id || READ_ONCE(v->nr_queued) == 0)
			continue;
		first = v < mine ? v : mine;
		second = v < mine ? mine : v;
		spin_lock(&first->lock);
		spin_lock(&second->lock);
		if (v->nr_queued && (n = list_pop_front(&v->queue)) != NULL) {
			struct thread *t = list_entry(n, struct thread, rq_node);
			v->nr_queued--;
			t->cpu = me->id;
			list_push_back(&mine->queue, n);
			mine->nr_queued++;
		}
		spin_unlock(&second->lock);
		spin_unlock(&first->lock);
		if (n)
			return true;
	}
	return false;
}

bool
sched_wake_interruptible(struct thread *t)
{
	return t->state == T_SLEEPING ? sched_wake(t) : false;
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
		__schedule(true);
}

void
sched_tick(void)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;

	c->ticks++;
	if (c->id == 0) {
		jiffies++;
		ktimer_run_expired(clock_ns());
	}
	if (t == c->rq->idle) {
		if (c->rq->nr_queued)
			c->need_resched = true;
		return;
	}
	if (--t->slice <= 0 && c->rq->nr_queued)
		c->need_resched = true;
}

/* The tick also samples where the time goes: user or kernel mode. */
static void
tick(bool from_user)
{
	struct thread *t = this_cpu()->current;

	if (from_user)
		t->user_ticks++;
	else
		t->sys_ticks++;
	if (sched_hooks.tick && t->proc)
		sched_hooks.tick(t, from_user);
	sched_tick();
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

static const struct sync_sched_ops sync_ops = {
	.self = sync_self,
	.set_sleeping = sync_set_sleeping,
	.block = sched_block,
	.wake = sync_wake,
};

/* This CPU's run queue, with the running context as its idle thread. */
static void
rq_init_this_cpu(void *stack)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = &runqueues[c->id];

	spin_init(&rq->lock, "rq");
	list_init(&rq->queue);
	list_init(&rq->dead);
	c->rq = rq;
	rq->idle = thread_adopt_boot_context(c->id, stack);
	rq->last = rq->idle;
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
	irq_set_handler(VEC_IPI_RESCHED, resched_ipi, NULL);
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
		if (this_rq()->nr_queued || (ncpus > 1 && steal_work())) {
			arch_irq_enable();
			schedule();
			continue;
		}
		/* sti;hlt: an interrupt cannot slip in between the check and the halt. */
		arch_wait_for_interrupt();
	}
}
