/* SPDX-License-Identifier: MIT */
/*
 * uthread: threads in user space, built on nothing but system calls.
 *
 * A program hands its first user thread to uthread_main(), which runs it and
 * every thread it creates until all have finished.  Two modes:
 *
 *	N:1	opts.workers = 1.  Every user thread runs on the calling kernel
 *		thread; a switch just swaps registers and stacks.  Threads
 *		yield cooperatively, or, with opts.preempt_us > 0, a timer
 *		signal (setitimer ITIMER_REAL, SIGALRM) takes the CPU from a
 *		thread that does not.  A system call that blocks stops them all.
 *	M:N	opts.workers = K > 1.  The calling thread and K-1 kernel threads
 *		made with clone() each run a scheduler loop over one shared run
 *		queue; a blocking system call stops only its own kernel thread.
 *		Scheduling is cooperative (no preemption in this mode).
 *
 * Threads come with mutexes (atomic exchange, FIFO waiters, the lock passed
 * on release), condition variables, join/detach, and cancellation, deferred
 * or asynchronous (the latter needs preemption), with cleanup handlers.
 *
 * Functions return 0 or a negative errno.  The design, and what may and may
 * not be called from user threads, is in docs/threads.md.
 */
#pragma once

#include <stddef.h>

struct uthread;
typedef struct uthread *uthread_t;

#define UTHREAD_MAX_WORKERS	16

struct uthread_opts {
	int workers;		/* kernel threads: 1 = N:1, more = M:N (0 means 1) */
	unsigned preempt_us;	/* N:1 only: time slice in microseconds, 0 = cooperative */
	size_t stack_size;	/* per user thread, 0 = UTHREAD_STACK_DEFAULT */
};

#define UTHREAD_STACK_DEFAULT	(64 * 1024)
#define UTHREAD_STACK_MIN	(16 * 1024)

/*
 * Run fn(arg) as the first user thread and schedule every thread until all
 * have finished (the first thread ending does not end the others).  Its
 * return value is stored in *result (if result is not NULL).  Returns 0, or
 * -EINVAL (bad options), -EBUSY (already running), -ENOMEM / -EAGAIN (no
 * memory, no kernel thread), or -EDEADLK: every remaining thread was blocked
 * with none left to wake it; they are abandoned and their stacks freed.
 */
int uthread_main(const struct uthread_opts *opts, void *(*fn)(void *), void *arg, void **result);

/* Threads.  uthread_t handles stay valid until joined (or, detached, until
 * the thread ends) and never outlive uthread_main(). */
int uthread_create(uthread_t *t, void *(*fn)(void *), void *arg);
_Noreturn void uthread_exit(void *retval);
int uthread_join(uthread_t t, void **retval);	/* a cancellation point */
int uthread_detach(uthread_t t);
uthread_t uthread_self(void);			/* NULL outside a user thread */
void uthread_yield(void);			/* a cancellation point */

/* The usable stack of a thread: [*lo, *lo + *size); the guard page sits just
 * below *lo. */
void uthread_stack(uthread_t t, void **lo, size_t *size);

/*
 * Preemption off and on again (they nest).  The timer signal may stop a
 * thread anywhere, including inside the C library, which does not lock its
 * own state when the process has a single kernel thread: wrap malloc,
 * stdio and the like in these when preemption is on.
 */
void uthread_preempt_disable(void);
void uthread_preempt_enable(void);

/*
 * Mutex: one atomic exchange when free; otherwise the caller sleeps in FIFO
 * order and unlock hands the mutex straight to the first sleeper, so a
 * waiter is overtaken by nobody (bounded waiting).  Not recursive.
 */
/* A wait queue: sleeping threads in FIFO order, under an exchange spinlock. */
struct uth_waitq {
	int lock;
	struct uthread *head, *tail;
};

struct uthread_mutex {
	int locked;			/* the exchange word: 0 free, 1 held */
	struct uthread *owner;
	struct uth_waitq waiters;
};

struct uthread_cond {
	struct uth_waitq waiters;
};

#define UTHREAD_MUTEX_INIT	{ 0, NULL, { 0, NULL, NULL } }
#define UTHREAD_COND_INIT	{ { 0, NULL, NULL } }

int uthread_mutex_lock(struct uthread_mutex *m);	/* a cancellation point */
int uthread_mutex_trylock(struct uthread_mutex *m);	/* -EBUSY if held */
int uthread_mutex_unlock(struct uthread_mutex *m);	/* -EPERM if not the owner */
int uthread_cond_wait(struct uthread_cond *c, struct uthread_mutex *m);	/* a cancellation point */
int uthread_cond_signal(struct uthread_cond *c);
int uthread_cond_broadcast(struct uthread_cond *c);

/*
 * Cancellation.  A cancelled thread ends as if by uthread_exit(UTHREAD_CANCELED),
 * after running its cleanup handlers, newest first.  Deferred (the default):
 * only at a cancellation point (uthread_yield, uthread_mutex_lock,
 * uthread_cond_wait, uthread_join, uthread_testcancel), including while
 * blocked in one.  Asynchronous: also wherever the preemption timer stops
 * it, so even a loop with no cancellation point ends.
 */
#define UTHREAD_CANCELED	((void *)-1)

enum { UTHREAD_CANCEL_ENABLE, UTHREAD_CANCEL_DISABLE };
enum { UTHREAD_CANCEL_DEFERRED, UTHREAD_CANCEL_ASYNCHRONOUS };

int uthread_cancel(uthread_t t);
void uthread_testcancel(void);
int uthread_setcancelstate(int state, int *oldstate);
int uthread_setcanceltype(int type, int *oldtype);

/* A cleanup handler lives in the caller's frame; push and pop pair up like
 * braces within one function. */
struct uthread_cleanup {
	void (*fn)(void *);
	void *arg;
	struct uthread_cleanup *next;
};

void uthread_cleanup_push(struct uthread_cleanup *c, void (*fn)(void *), void *arg);
void uthread_cleanup_pop(struct uthread_cleanup *c, int execute);

/* Counters since uthread_main() started (or of the last run, after it). */
struct uthread_stats {
	unsigned long switches;		/* thread-to-thread and thread-to-scheduler */
	unsigned long preemptions;	/* switches forced by the timer signal */
	unsigned long mutex_waits;	/* uthread_mutex_lock calls that had to sleep */
	unsigned long created;
	long stacks_mapped;		/* thread stacks mapped right now */
	int workers_used;		/* kernel threads that ran a user thread */
};

void uthread_stats(struct uthread_stats *s);
