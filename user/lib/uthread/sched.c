// SPDX-License-Identifier: MIT
/*
 * The scheduler core: the exchange spinlock, preemption depth, queues, the
 * switch from one user thread to the next, sleeping on and waking from wait
 * queues, and the loop every worker (kernel thread) runs when it has no user
 * thread.  internal.h explains the protocol: the run-queue lock is held
 * across every switch and released by whoever runs next.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define FUTEX_WAIT_PRIVATE	128
#define FUTEX_WAKE_PRIVATE	129

struct uth_runtime uth_rt;
_Thread_local struct uth_worker *uth_cur;

/* An unrecoverable misuse or broken invariant: say so and die by SIGABRT.
 * Not abort(): on a worker made with clone() the C library does not know
 * its own thread id. */
_Noreturn void
uth_panic(const char *msg)
{
	sigset_t abrt;

	if (write(2, "uthread: ", 9) < 0 || write(2, msg, strlen(msg)) < 0 ||
	    write(2, "\n", 1) < 0) {
		/* nothing more to say */
	}
	signal(SIGABRT, SIG_DFL);
	sigemptyset(&abrt);
	sigaddset(&abrt, SIGABRT);
	sigprocmask(SIG_UNBLOCK, &abrt, NULL);
	syscall(SYS_tgkill, getpid(), gettid(), SIGABRT);
	_exit(134);
}

void
uth_spin_lock(int *l)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE) != 0) {
		while (__atomic_load_n(l, __ATOMIC_RELAXED) != 0) {
			__builtin_ia32_pause();
			if (++spins % 256 == 0)
				sched_yield();
		}
	}
}

void
uth_spin_unlock(int *l)
{
	/* The notes' unlock is an exchange too; its old value must be 1. */
	if (__atomic_exchange_n(l, 0, __ATOMIC_RELEASE) != 1)
		uth_panic("unlock of a spinlock that is not held");
}

/*
 * Preemption depth.  The compiler must not move memory accesses across the
 * change (the timer handler reads it on this same kernel thread), hence the
 * signal fences; no CPU fence is needed for a handler on the same CPU.
 */
void
uth_preempt_off(struct uthread *self)
{
	self->preempt_off++;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* Drop one level; never switches (used inside the switch path itself, where
 * a deferred yield would recurse: switch, finish, yield, switch, ...). */
static void
preempt_drop(struct uthread *self)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (self->preempt_off <= 0)
		uth_panic("preemption enabled more often than disabled");
	self->preempt_off--;
}

/* Drop one level; at zero, take the tick that was put off meanwhile. */
void
uth_preempt_on(struct uthread *self)
{
	preempt_drop(self);
	if (self->preempt_off == 0 && self->preempt_pending && uth_yield_self(self))
		__atomic_add_fetch(&uth_rt.stats.preemptions, 1, __ATOMIC_RELAXED);
}

/* A library spinlock: preemption off first, so the timer never switches
 * away from a thread holding one (the next thread would spin forever on the
 * one kernel thread).  self is NULL in a worker's own loop. */
void
uth_lock(struct uthread *self, int *l)
{
	if (self)
		uth_preempt_off(self);
	uth_spin_lock(l);
}

void
uth_unlock(struct uthread *self, int *l)
{
	uth_spin_unlock(l);
	if (self)
		uth_preempt_on(self);
}

void
uth_queue_push(struct uth_waitq *q, struct uthread *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
}

struct uthread *
uth_queue_pop(struct uth_waitq *q)
{
	struct uthread *t = q->head;

	if (t) {
		q->head = t->next;
		if (!q->head)
			q->tail = NULL;
		t->next = NULL;
	}
	return t;
}

/* Take t out of q wherever it is; 0 if it was not there. */
int
uth_queue_remove(struct uth_waitq *q, struct uthread *t)
{
	struct uthread *prev = NULL;

	for (struct uthread *p = q->head; p; prev = p, p = p->next) {
		if (p != t)
			continue;
		if (prev)
			prev->next = p->next;
		else
			q->head = p->next;
		if (q->tail == p)
			q->tail = prev;
		p->next = NULL;
		return 1;
	}
	return 0;
}

/*
 * The run queue links threads through run_next, not next: a thread that a
 * cancel has made runnable is still on its wait queue until it takes itself
 * off (uth_wait_locked), so for that moment it is on both.
 */
static void
runq_push(struct uthread *t)
{
	t->run_next = NULL;
	if (uth_rt.runq.tail)
		uth_rt.runq.tail->run_next = t;
	else
		uth_rt.runq.head = t;
	uth_rt.runq.tail = t;
}

static struct uthread *
runq_pop(void)
{
	struct uthread *t = uth_rt.runq.head;

	if (t) {
		uth_rt.runq.head = t->run_next;
		if (!uth_rt.runq.head)
			uth_rt.runq.tail = NULL;
		t->run_next = NULL;
	}
	return t;
}

static void
futex(int *word, int op, int val)
{
	syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

/* => rq lock held */
void
uth_make_runnable_locked(struct uthread *t)
{
	t->state = UTH_RUNNABLE;
	runq_push(t);
	if (uth_rt.nidle > 0) {
		__atomic_add_fetch(&uth_rt.idle_seq, 1, __ATOMIC_RELEASE);
		futex(&uth_rt.idle_seq, FUTEX_WAKE_PRIVATE, 1);
	}
}

/* Every thread has finished (or none can run): wake every idle worker so
 * its loop sees that and ends.  => rq lock held */
void
uth_shutdown_locked(void)
{
	__atomic_add_fetch(&uth_rt.idle_seq, 1, __ATOMIC_RELEASE);
	futex(&uth_rt.idle_seq, FUTEX_WAKE_PRIVATE, INT_MAX);
}

/* => rq lock held */
static void
run_on(struct uth_worker *w, struct uthread *t)
{
	t->state = UTH_RUNNING;
	t->worker = w;
	w->current = t;
	uth_rt.workers_used |= 1u << w->index;
	uth_rt.stats.switches++;
}

/*
 * The second half of every switch, run by the thread that was switched to:
 * release the run-queue lock its predecessor took, free a detached thread
 * that has just left its stack for good, and drop the preemption level this
 * thread took before it switched out.  A tick put off meanwhile is not taken
 * here: that would nest a switch inside the switch, and a stream of ticks
 * would pile such frames up until the stack overflowed.  The caller's next
 * uth_preempt_on, or simply the next tick, takes it.
 * <= rq lock held (by the predecessor)
 */
void
uth_finish_switch(struct uthread *self)
{
	struct uth_worker *w = self->worker;
	struct uthread *dead = w->reap;

	w->reap = NULL;
	uth_spin_unlock(&uth_rt.runq.lock);
	if (dead)
		uth_thread_unmap(dead);
	errno = self->saved_errno;
	preempt_drop(self);
}

/*
 * Give the worker to the next runnable thread, or to its scheduler loop if
 * there is none.  Returns when some worker (maybe another one) runs this
 * thread again; an exited thread never returns.
 * => rq lock held (taken with uth_lock), self->state already changed
 * <= rq lock released, that preemption level dropped
 */
void
uth_schedule_locked(struct uthread *self)
{
	struct uth_worker *w = self->worker;
	struct uthread *next = runq_pop();

	if (next == self) {
		self->state = UTH_RUNNING;
		uth_spin_unlock(&uth_rt.runq.lock);
		preempt_drop(self);
		return;
	}
	/* errno lives in the kernel thread's TLS; each user thread keeps its own. */
	self->saved_errno = errno;
	if (next) {
		run_on(w, next);
		uth_ctx_switch(&self->sp, next->sp);
	} else {
		w->current = NULL;
		uth_rt.stats.switches++;
		uth_ctx_switch(&self->sp, w->sched_sp);
	}
	uth_finish_switch(self);	/* self->worker may be another worker now */
}

/* Let the next runnable thread run; returns 1 if anything else ran.  Never
 * takes a put-off tick itself (see uth_finish_switch). */
int
uth_yield_self(struct uthread *self)
{
	uth_lock(self, &uth_rt.runq.lock);
	self->preempt_pending = 0;
	if (!uth_rt.runq.head) {
		uth_spin_unlock(&uth_rt.runq.lock);
		preempt_drop(self);
		return 0;
	}
	self->state = UTH_RUNNABLE;
	runq_push(self);
	uth_schedule_locked(self);
	return 1;
}

/* A cancellation point on both sides of the switch: a request that came
 * while this thread was away acts before it runs on. */
void
uthread_yield(void)
{
	struct uthread *self = uthread_self();

	if (!self)
		return;
	uth_testcancel(self);
	uth_yield_self(self);
	uth_testcancel(self);
}

/*
 * Sleep on q: the notes' cond_wait step "ATOMICALLY { unlock(cvar->mutex);
 * kernel_please_pause_this_thread(); }".  The run-queue lock is taken before
 * q's lock is dropped and kept until this thread is off its stack, so a
 * waker (who needs the run-queue lock) cannot slip in between.
 *
 * Cancellation never touches q from outside: q may live in memory its owner
 * frees as soon as the sleeper is woken (a joined thread's join queue, a
 * condition variable on a stack).  uthread_cancel() only makes a BLOCKED
 * thread in a cancellable sleep runnable, under the run-queue lock, with
 * wake_reason -ECANCELED, leaving it on q.  The thread then takes itself off
 * q under q's lock.  If a waker dequeued it first, the wake-up happened
 * (it may have been handed a mutex) and counts: 0 is returned and the
 * cancel waits for the next cancellation point.  Checking cancel_pending
 * under the run-queue lock, just before becoming BLOCKED, closes the gap
 * between "checked" and "asleep".
 *
 * => q->lock held (taken with uth_lock)
 * <= q->lock released with its preemption level; returns 0 when woken,
 *    -ECANCELED when a cancel request woke it or was already pending
 */
int
uth_wait_locked(struct uthread *self, struct uth_waitq *q, int cancellable)
{
	int still_queued;

	self->wake_reason = 0;
	uth_queue_push(q, self);
	uth_lock(self, &uth_rt.runq.lock);
	if (cancellable && uth_cancel_requested(self)) {
		uth_unlock(self, &uth_rt.runq.lock);
		uth_queue_remove(q, self);
		uth_unlock(self, &q->lock);
		return -ECANCELED;
	}
	self->cancellable_wait = cancellable;
	self->state = UTH_BLOCKED;
	uth_spin_unlock(&q->lock);
	uth_schedule_locked(self);
	uth_preempt_on(self);		/* the level q->lock was taken with */
	if (self->wake_reason == 0)
		return 0;
	uth_lock(self, &q->lock);
	still_queued = uth_queue_remove(q, self);
	uth_unlock(self, &q->lock);
	return still_queued ? -ECANCELED : 0;
}

/*
 * Wake the first sleeper of q, if any, and return it.  A sleeper that a
 * cancel has already made runnable is only dequeued: it will see that the
 * wake-up reached it (uth_wait_locked).
 * => q->lock held
 */
struct uthread *
uth_wake_one_locked(struct uth_waitq *q)
{
	struct uthread *t = uth_queue_pop(q);

	if (!t)
		return NULL;
	uth_spin_lock(&uth_rt.runq.lock);	/* preemption is already off */
	if (t->state == UTH_BLOCKED) {
		t->wake_reason = 0;
		uth_make_runnable_locked(t);
	}
	uth_spin_unlock(&uth_rt.runq.lock);
	return t;
}

/* If t sleeps in a cancellable wait, make it runnable to act on a cancel. */
void
uth_cancel_wake(struct uthread *self, struct uthread *t)
{
	uth_lock(self, &uth_rt.runq.lock);
	if (t->state == UTH_BLOCKED && t->cancellable_wait) {
		t->wake_reason = -ECANCELED;
		uth_make_runnable_locked(t);
	}
	uth_unlock(self, &uth_rt.runq.lock);
}

/* No runnable thread: sleep until uth_make_runnable_locked() or
 * uth_shutdown_locked() bumps idle_seq.  Reading idle_seq under the lock and
 * letting FUTEX_WAIT compare it again makes a wake-up in between impossible
 * to lose.  => rq lock held, and again on return */
static void
idle_sleep(void)
{
	int seq = __atomic_load_n(&uth_rt.idle_seq, __ATOMIC_ACQUIRE);

	uth_rt.nidle++;
	uth_spin_unlock(&uth_rt.runq.lock);
	futex(&uth_rt.idle_seq, FUTEX_WAIT_PRIVATE, seq);
	uth_spin_lock(&uth_rt.runq.lock);
	uth_rt.nidle--;
}

/*
 * The scheduler loop of one worker, on the worker's own stack: run whatever
 * is runnable; when nothing is, sleep on a futex.  Ends when every thread has
 * finished, or when this worker is the last one to go idle while threads
 * remain: then no user thread runs anywhere and none is runnable, and only a
 * running thread can wake a sleeping one, so they never will (deadlock).
 */
void
uth_worker_loop(struct uth_worker *w)
{
	uth_spin_lock(&uth_rt.runq.lock);
	for (;;) {
		struct uthread *t = runq_pop();

		if (t) {
			run_on(w, t);
			uth_ctx_switch(&w->sched_sp, t->sp);
			/* Back, lock held: the thread blocked or exited and
			 * nothing else was runnable. */
			if (w->reap) {
				struct uthread *dead = w->reap;

				w->reap = NULL;
				uth_spin_unlock(&uth_rt.runq.lock);
				uth_thread_unmap(dead);
				uth_spin_lock(&uth_rt.runq.lock);
			}
			continue;
		}
		if (uth_rt.live == 0 || uth_rt.deadlock)
			break;
		if (uth_rt.nidle == uth_rt.nworkers - 1) {
			uth_rt.deadlock = 1;
			uth_shutdown_locked();
			break;
		}
		idle_sleep();
	}
	uth_spin_unlock(&uth_rt.runq.lock);
}
