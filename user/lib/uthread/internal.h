/* SPDX-License-Identifier: MIT */
/*
 * uthread internals: the thread control block, the workers (kernel threads
 * that run user threads), the run queue, and the rules that hold them
 * together.
 *
 * States of a user thread:
 *
 *	          create            picked by a worker
 *	(new) ----------> RUNNABLE -------------------> RUNNING ---- exit ---> EXITED
 *	                     ^   ^------ yield ------------'  |                  |
 *	                     |                                | wait             | joined, or
 *	                     '------ wake / cancel ---- BLOCKED <-'              | detached:
 *	                                                                         v freed
 *
 * A RUNNABLE thread is on the run queue, a BLOCKED one on exactly one wait
 * queue (a mutex's, a condition variable's, or a thread's join queue).  The
 * two have separate links: a sleeper woken by a cancel is briefly on both
 * (uth_wait_locked explains why).
 *
 * Switching.  A thread gives up its worker only through uth_schedule_locked(),
 * called with the run-queue lock held.  It picks the next runnable thread and
 * switches straight to it (one stack swap), or, when there is none, to the
 * worker's own scheduler loop, which sleeps.  The lock stays held across the
 * switch and is released by whoever runs next (uth_finish_switch()): until
 * then no other worker can pick up the thread that just left, whose
 * registers are still being saved on its own stack.  This is also what makes
 * "release the mutex and sleep" atomic: a waker must take the run-queue lock
 * to make a sleeper runnable, and the sleeper holds it until it is off its
 * stack.
 *
 * Preemption (N:1 only).  The timer signal arrives on the one kernel thread,
 * in the middle of whatever the current user thread is doing, and switches
 * away from inside the handler.  That is safe only outside the library's own
 * critical sections, so every spinlock acquisition first raises the thread's
 * preempt_off depth; a tick that finds it raised only sets preempt_pending,
 * and the switch happens when the depth drops back to zero.  The depth is
 * per thread, so it travels with the thread across switches: each side of a
 * switch leaves and finds its own count.
 *
 * Lock order (all are exchange spinlocks, each taken with preemption off):
 *
 *	condition variable's queue -> mutex's queue -> a thread's join queue
 *	    -> the run queue (rt.runq.lock)
 *
 * Field tags: [I] immutable after creation, [o] touched only by the thread
 * itself (and its signal handler), [l] rt.runq.lock, [q] the lock of the wait
 * queue the thread is on, [j] the thread's join_wq.lock, [a] atomic.
 */
#pragma once

#include <stdint.h>

#include "uthread.h"

enum uth_state { UTH_RUNNING, UTH_RUNNABLE, UTH_BLOCKED, UTH_EXITED };

struct uth_worker {
	void *sched_sp;			/* [o] saved stack pointer of the scheduler loop */
	struct uthread *current;	/* [l] the user thread it runs; NULL in its loop */
	struct uthread *reap;		/* [l] a detached thread that just exited */
	int index;			/* [I] */
	int tid;			/* [a] zeroed and woken by the kernel at exit */
	void *stack_map;		/* [I] clones only: stack with guard page */
	size_t stack_len;
	void *tls_map;			/* [I] clones only: TLS block and TCB */
	size_t tls_len;
};

struct uthread {
	void *sp;			/* [o] saved stack pointer while switched out */
	struct uth_worker *worker;	/* [l] set by whoever switches to it */
	struct uthread *next;		/* [q] link in a wait queue */
	struct uthread *run_next;	/* [l] link in the run queue */
	struct uthread *all_next;	/* [l] every thread not yet freed, for */
	struct uthread *all_prev;	/* [l] the clean-up at the end */
	int state;			/* [l] enum uth_state */
	volatile int preempt_off;	/* [o] depth; read by the timer handler */
	volatile int preempt_pending;	/* [o] a tick arrived while preempt_off > 0 */
	int saved_errno;		/* [o] errno belongs to the kernel thread */
	void *(*fn)(void *);		/* [I] */
	void *arg;			/* [I] */
	void *retval;			/* [j] */
	struct uth_waitq join_wq;	/* the joiner sleeps here */
	int exited;			/* [j] */
	int detached;			/* [j] */
	struct uthread *joiner;		/* [j] */
	int cancel_pending;		/* [a] */
	int cancel_state;		/* [a] written by the thread only */
	int cancel_type;		/* [a] written by the thread only */
	int cancellable_wait;		/* [l] BLOCKED in a cancellation point */
	int wake_reason;		/* [l] 0, or -ECANCELED */
	struct uthread_cleanup *cleanup;	/* [o] newest first */
	void *map;			/* [I] the mapping: guard page, stack, this struct */
	size_t map_len;
	void *stack_lo;			/* [I] lowest usable stack byte */
	size_t stack_size;
};

struct uth_runtime {
	struct uth_waitq runq;		/* runnable threads; runq.lock is "the" lock */
	int nworkers;			/* [I] */
	int nidle;			/* [l] workers asleep in their loop */
	int live;			/* [l] threads not yet exited */
	int deadlock;			/* [l] every worker idle, threads still blocked */
	int idle_seq;			/* [a] futex word idle workers sleep on */
	struct uthread *all;		/* [l] */
	size_t stack_size;		/* [I] */
	unsigned preempt_us;		/* [I] */
	int active;			/* uthread_main() is running */
	struct uthread *first;		/* [I] the thread uthread_main() started */
	void *first_retval;		/* [l] what it returned */
	unsigned workers_used;		/* [l] bit per worker */
	struct uthread_stats stats;	/* [l] or [a] */
	struct uth_worker workers[UTHREAD_MAX_WORKERS];
};

extern struct uth_runtime uth_rt;

/* The worker the calling kernel thread is (thread-local: each worker has its
 * own TLS block).  NULL outside uthread_main(). */
extern _Thread_local struct uth_worker *uth_cur;

/* switch.S */
void uth_ctx_switch(void **save_sp, void *load_sp);
void uth_thread_entry(void);
long uth_clone(unsigned long flags, void *stack, int *ptid, int *ctid, void *tls,
	       int (*fn)(void *), void *arg);

/* The exchange spinlock of the notes: xchg returns the old value, so whoever
 * swaps a 0 out owns the lock.  Waiting spins on a plain read (no bus-locked
 * writes while the owner works) and gives the CPU away now and then, since
 * the owner's kernel thread may itself be descheduled. */
void uth_spin_lock(int *l);
void uth_spin_unlock(int *l);

/* sched.c: the switch, and sleeping and waking. */
void uth_lock(struct uthread *self, int *l);
void uth_unlock(struct uthread *self, int *l);
void uth_preempt_off(struct uthread *self);
void uth_preempt_on(struct uthread *self);
void uth_schedule_locked(struct uthread *self);
void uth_finish_switch(struct uthread *self);
void uth_make_runnable_locked(struct uthread *t);
int uth_yield_self(struct uthread *self);
void uth_queue_push(struct uth_waitq *q, struct uthread *t);
struct uthread *uth_queue_pop(struct uth_waitq *q);
int uth_queue_remove(struct uth_waitq *q, struct uthread *t);
int uth_wait_locked(struct uthread *self, struct uth_waitq *q, int cancellable);
struct uthread *uth_wake_one_locked(struct uth_waitq *q);
void uth_cancel_wake(struct uthread *self, struct uthread *t);
void uth_worker_loop(struct uth_worker *w);
void uth_shutdown_locked(void);
_Noreturn void uth_panic(const char *msg);

/* thread.c */
struct uthread *uth_thread_new(void *(*fn)(void *), void *arg, int *err);
void uth_thread_unmap(struct uthread *t);
void uth_link_all_locked(struct uthread *t);
void uth_unlink_all_locked(struct uthread *t);
void uth_thread_start(struct uthread *self);

/* cancel.c */
int uth_cancel_requested(struct uthread *self);
void uth_testcancel(struct uthread *self);
_Noreturn void uth_cancel_exit(struct uthread *self);
int uth_async_cancel_requested(struct uthread *self);

/* preempt.c */
int uth_preempt_start(unsigned us);
void uth_preempt_stop(void);

/* worker.c: kernel threads for M:N */
int uth_workers_start(int n);
void uth_workers_wait(void);
