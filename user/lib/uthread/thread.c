// SPDX-License-Identifier: MIT
/*
 * A user thread's life: its memory, its first switch-in, exit, join and
 * detach.
 *
 * One mmap holds everything a thread owns:
 *
 *	map                                                      map + map_len
 *	| guard page (PROT_NONE) | stack, growing down  ...  | struct uthread |
 *	                         ^ stack_lo
 *
 * so a stack overflow faults on the guard page instead of silently running
 * into other memory, and freeing a thread is one munmap.  A thread cannot
 * unmap the stack it runs on, so that is always done by someone else after
 * the thread's last switch: its joiner, or, for a detached thread, whoever
 * the worker runs next (uth_finish_switch via worker->reap).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "internal.h"

static size_t
round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

static size_t
page_size(void)
{
	size_t p = getauxval(AT_PAGESZ);

	return p ? p : 4096;
}

/*
 * The frame uth_ctx_switch() pops (switch.S): FPU control words, r15..r12,
 * rbx, rbp, and the return address.  The control words are the creator's,
 * as POSIX threads inherit the floating-point environment.
 */
static void
build_first_frame(struct uthread *t)
{
	uintptr_t top = ((uintptr_t)t - 16) & ~(uintptr_t)15;
	uint64_t *frame = (uint64_t *)(top - 72);	/* ret leaves rsp = top */
	uint16_t fcw;
	uint32_t mxcsr;

	__asm__ volatile("fnstcw %0" : "=m"(fcw));
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	memset(frame, 0, 72);
	memcpy(&frame[0], &fcw, sizeof(fcw));
	memcpy(&frame[1], &mxcsr, sizeof(mxcsr));
	frame[6] = (uintptr_t)t;			/* rbx: uth_thread_entry's argument */
	frame[8] = (uintptr_t)uth_thread_entry;		/* the return address */
	t->sp = frame;
}

/* A new thread, not yet on any queue, or NULL with *err set. */
struct uthread *
uth_thread_new(void *(*fn)(void *), void *arg, int *err)
{
	size_t page = page_size();
	size_t tcb = round_up(sizeof(struct uthread), 64);
	size_t len = page + round_up(uth_rt.stack_size + tcb, page);
	char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
			 -1, 0);

	if (map == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}
	if (mprotect(map, page, PROT_NONE) < 0) {
		*err = -errno;
		munmap(map, len);
		return NULL;
	}
	__atomic_add_fetch(&uth_rt.stats.stacks_mapped, 1, __ATOMIC_RELAXED);

	struct uthread *t = (struct uthread *)(map + len - tcb);

	memset(t, 0, sizeof(*t));
	t->map = map;
	t->map_len = len;
	t->stack_lo = map + page;
	t->stack_size = (char *)t - (map + page);
	t->fn = fn;
	t->arg = arg;
	t->state = UTH_RUNNABLE;
	/* It will start inside a switch, as if it had called uth_lock(): its
	 * uth_finish_switch() drops this level. */
	t->preempt_off = 1;
	build_first_frame(t);
	return t;
}

void
uth_thread_unmap(struct uthread *t)
{
	munmap(t->map, t->map_len);
	__atomic_sub_fetch(&uth_rt.stats.stacks_mapped, 1, __ATOMIC_RELAXED);
}

void
uth_link_all_locked(struct uthread *t)
{
	t->all_prev = NULL;
	t->all_next = uth_rt.all;
	if (uth_rt.all)
		uth_rt.all->all_prev = t;
	uth_rt.all = t;
}

void
uth_unlink_all_locked(struct uthread *t)
{
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		uth_rt.all = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
}

/* Where a new thread's first switch lands (via uth_thread_entry). */
void
uth_thread_start(struct uthread *self)
{
	uth_finish_switch(self);
	uthread_exit(self->fn(self->arg));
}

uthread_t
uthread_self(void)
{
	struct uth_worker *w = uth_cur;

	return w ? w->current : NULL;
}

int
uthread_create(uthread_t *tp, void *(*fn)(void *), void *arg)
{
	struct uthread *self = uthread_self();
	struct uthread *t;
	int err;

	if (!self || !tp || !fn)
		return -EINVAL;
	t = uth_thread_new(fn, arg, &err);
	if (!t)
		return err;
	*tp = t;
	uth_lock(self, &uth_rt.runq.lock);
	uth_link_all_locked(t);
	uth_rt.live++;
	uth_rt.stats.created++;
	uth_make_runnable_locked(t);
	uth_unlock(self, &uth_rt.runq.lock);
	return 0;
}

static void
run_cleanup_handlers(struct uthread *self)
{
	while (self->cleanup) {
		struct uthread_cleanup *c = self->cleanup;

		self->cleanup = c->next;
		c->fn(c->arg);
	}
}

/*
 * The end of a thread.  It wakes its joiner, then takes the run-queue lock
 * before it lets go of its join queue and switches away for good holding
 * it: a joiner that takes the run-queue lock afterwards therefore knows the
 * stack is no longer in use (see reap()).
 */
_Noreturn void
uthread_exit(void *retval)
{
	struct uthread *self = uthread_self();
	int detached;

	if (!self)
		uth_panic("uthread_exit outside a user thread");
	__atomic_store_n(&self->cancel_state, UTHREAD_CANCEL_DISABLE, __ATOMIC_SEQ_CST);
	run_cleanup_handlers(self);
	uth_lock(self, &self->join_wq.lock);
	self->retval = retval;
	self->exited = 1;
	uth_wake_one_locked(&self->join_wq);
	detached = self->detached;
	uth_lock(self, &uth_rt.runq.lock);
	uth_spin_unlock(&self->join_wq.lock);
	self->state = UTH_EXITED;
	if (self == uth_rt.first)
		uth_rt.first_retval = retval;
	if (--uth_rt.live == 0)
		uth_shutdown_locked();
	if (detached) {
		uth_unlink_all_locked(self);
		self->worker->reap = self;
	}
	uth_schedule_locked(self);
	uth_panic("an exited thread ran again");
}

/* Free a thread that has exited and is joined or detached. */
static void
reap(struct uthread *self, struct uthread *t)
{
	uth_lock(self, &uth_rt.runq.lock);	/* waits out t's last switch */
	uth_unlink_all_locked(t);
	uth_unlock(self, &uth_rt.runq.lock);
	uth_thread_unmap(t);
}

int
uthread_join(uthread_t t, void **retval)
{
	struct uthread *self = uthread_self();

	if (!self || !t)
		return -EINVAL;
	if (t == self)
		return -EDEADLK;
	uth_testcancel(self);
	uth_lock(self, &t->join_wq.lock);
	if (t->detached || (t->joiner && t->joiner != self)) {
		uth_unlock(self, &t->join_wq.lock);
		return -EINVAL;
	}
	t->joiner = self;
	while (!t->exited) {
		if (uth_wait_locked(self, &t->join_wq, 1) && uth_cancel_requested(self)) {
			uth_lock(self, &t->join_wq.lock);
			t->joiner = NULL;
			uth_unlock(self, &t->join_wq.lock);
			uth_cancel_exit(self);
		}
		uth_lock(self, &t->join_wq.lock);
	}
	uth_unlock(self, &t->join_wq.lock);
	if (retval)
		*retval = t->retval;
	reap(self, t);
	return 0;
}

int
uthread_detach(uthread_t t)
{
	struct uthread *self = uthread_self();

	if (!self || !t)
		return -EINVAL;
	uth_lock(self, &t->join_wq.lock);
	if (t->detached || t->joiner) {
		uth_unlock(self, &t->join_wq.lock);
		return -EINVAL;
	}
	if (!t->exited) {
		t->detached = 1;	/* it will be freed after its last switch */
		uth_unlock(self, &t->join_wq.lock);
		return 0;
	}
	uth_unlock(self, &t->join_wq.lock);
	reap(self, t);
	return 0;
}

void
uthread_stack(uthread_t t, void **lo, size_t *size)
{
	*lo = t->stack_lo;
	*size = t->stack_size;
}

void
uthread_stats(struct uthread_stats *s)
{
	*s = uth_rt.stats;
	s->stacks_mapped = __atomic_load_n(&uth_rt.stats.stacks_mapped, __ATOMIC_RELAXED);
	s->workers_used = __builtin_popcount(uth_rt.workers_used);
}
