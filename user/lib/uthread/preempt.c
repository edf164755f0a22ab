// SPDX-License-Identifier: MIT
/*
 * Preemption of user threads by a timer signal (N:1 mode).
 *
 * setitimer(ITIMER_REAL) sends SIGALRM every time slice.  The kernel
 * delivers it to our one kernel thread wherever the current user thread is,
 * pushing a signal frame (every register, the FPU state, the signal mask)
 * onto that thread's stack.  The handler then switches to the next user
 * thread exactly as uthread_yield() would, from inside the handler.  The
 * preempted thread's stack keeps the handler frame and the signal frame
 * below it; when the thread is scheduled again, its switch returns into the
 * handler, the handler returns, and sigreturn restores the interrupted
 * registers: the thread never notices.
 *
 * What is safe to do in the handler:
 *
 *  - Switching, only if the interrupted code holds no library lock.  Every
 *    spinlock is taken with the thread's preempt_off depth raised; a tick
 *    that finds it raised (or finds the worker in its scheduler loop, with
 *    no current thread) just records preempt_pending and returns, and the
 *    switch happens when the depth falls to zero (uth_preempt_on).  Code in
 *    the C library is not protected this way: without pthreads it does not
 *    lock its internal state, so threads wrap malloc, stdio and the like in
 *    uthread_preempt_disable/enable.
 *  - Only async-signal-safe calls: the switch path uses nothing from the C
 *    library but munmap (to free a detached thread), sigprocmask, and
 *    errno, which the handler saves and restores.
 *  - Minding the signal mask, which belongs to the kernel thread, not to a
 *    user thread.  The kernel blocks SIGALRM while its handler runs, and a
 *    thread switched to from inside the handler would inherit the block, so
 *    preemption would stop.  The handler therefore raises preempt_off and
 *    then unblocks SIGALRM itself before it switches (a tick from then on
 *    only records preempt_pending), and blocks it again before it drops
 *    preempt_off and returns (sigreturn then restores the interrupted
 *    mask).  So a tick can never start a second switch from inside the
 *    handler, and at most two signal frames are ever on a stack.  With
 *    SA_NODEFER instead, ticks nest: on a loaded machine, where the process
 *    is often descheduled right after a delivery, the kernel delivers again
 *    and again before the handler's first instruction, and the pile of
 *    signal frames overflows the stack.
 *
 * SA_RESTART makes a system call interrupted by a tick restart when its
 * thread resumes, instead of failing with EINTR.
 */
#include <errno.h>
#include <signal.h>
#include <sys/time.h>

#include "internal.h"

static struct sigaction old_action;
static sigset_t old_mask;
static sigset_t alrm_only;

static void
on_tick(int sig, siginfo_t *si, void *ctx)
{
	int saved_errno = errno;
	struct uth_worker *w = uth_cur;
	struct uthread *self = w ? w->current : NULL;

	(void)sig;
	(void)si;
	(void)ctx;
	if (!self)
		return;		/* the scheduler loop itself */
	if (self->preempt_off) {
		self->preempt_pending = 1;
		return;
	}
	self->preempt_off++;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	sigprocmask(SIG_UNBLOCK, &alrm_only, NULL);
	if (uth_async_cancel_requested(self))
		uth_cancel_exit(self);
	if (uth_yield_self(self))
		__atomic_add_fetch(&uth_rt.stats.preemptions, 1, __ATOMIC_RELAXED);
	/* Back on the CPU: an asynchronous cancel that came while it was
	 * away takes effect before it runs another instruction of its own. */
	if (uth_async_cancel_requested(self))
		uth_cancel_exit(self);
	sigprocmask(SIG_BLOCK, &alrm_only, NULL);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	self->preempt_off--;
	errno = saved_errno;
}

int
uth_preempt_start(unsigned us)
{
	struct sigaction sa = { .sa_sigaction = on_tick };
	struct itimerval it;

	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&alrm_only);
	sigaddset(&alrm_only, SIGALRM);
	if (sigaction(SIGALRM, &sa, &old_action) < 0)
		return -errno;
	it.it_interval.tv_sec = us / 1000000;
	it.it_interval.tv_usec = us % 1000000;
	it.it_value = it.it_interval;
	if (setitimer(ITIMER_REAL, &it, NULL) < 0) {
		int err = -errno;

		sigaction(SIGALRM, &old_action, NULL);
		return err;
	}
	sigprocmask(SIG_UNBLOCK, &alrm_only, &old_mask);
	return 0;
}

/* Disarm first: a tick already sent is delivered (to on_tick, which finds no
 * current thread) on the return from setitimer, before the old action is
 * back. */
void
uth_preempt_stop(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old_action, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
}

void
uthread_preempt_disable(void)
{
	struct uthread *self = uthread_self();

	if (self)
		uth_preempt_off(self);
}

void
uthread_preempt_enable(void)
{
	struct uthread *self = uthread_self();

	if (self && self->preempt_off > 0)
		uth_preempt_on(self);
}
