// SPDX-License-Identifier: MIT
/*
 * Cancellation: one thread asking another to end.
 *
 * uthread_cancel() only sets the target's cancel_pending flag; the target
 * ends itself, running its cleanup handlers on its own stack, at a moment
 * that depends on its cancel type:
 *
 *	deferred	at the next cancellation point (uthread_yield,
 *			uthread_mutex_lock, uthread_cond_wait, uthread_join,
 *			uthread_testcancel).  If it is asleep in one of those,
 *			the canceller pulls it off its wait queue so it wakes
 *			up to act on the request.  Anywhere else, the thread is
 *			known to be in a consistent state: it holds nothing it
 *			has not said it holds.  (How a sleeper is woken
 *			without touching its wait queue: uth_wait_locked.)
 *	asynchronous	additionally wherever the preemption timer stops it
 *			(preempt.c), which is any instruction outside the
 *			library's own critical sections.  Its cleanup handlers
 *			must then cope with state half way through an update,
 *			which is why the notes call it hard; it is the only way
 *			to stop a loop that never reaches a cancellation point.
 *
 * A thread that has disabled cancellation keeps the request pending until
 * it enables it again.
 */
#include <errno.h>

#include "internal.h"

int
uth_cancel_requested(struct uthread *self)
{
	return __atomic_load_n(&self->cancel_pending, __ATOMIC_SEQ_CST) &&
	       __atomic_load_n(&self->cancel_state, __ATOMIC_RELAXED) == UTHREAD_CANCEL_ENABLE;
}

int
uth_async_cancel_requested(struct uthread *self)
{
	return uth_cancel_requested(self) &&
	       __atomic_load_n(&self->cancel_type, __ATOMIC_RELAXED) == UTHREAD_CANCEL_ASYNCHRONOUS;
}

_Noreturn void
uth_cancel_exit(struct uthread *self)
{
	(void)self;
	uthread_exit(UTHREAD_CANCELED);
}

void
uth_testcancel(struct uthread *self)
{
	if (uth_cancel_requested(self))
		uth_cancel_exit(self);
}

void
uthread_testcancel(void)
{
	struct uthread *self = uthread_self();

	if (self)
		uth_testcancel(self);
}

int
uthread_cancel(uthread_t t)
{
	struct uthread *self = uthread_self();

	if (!self || !t)
		return -EINVAL;
	__atomic_store_n(&t->cancel_pending, 1, __ATOMIC_SEQ_CST);
	if (t == self) {
		if (uth_async_cancel_requested(self))
			uth_cancel_exit(self);
		return 0;
	}
	if (__atomic_load_n(&t->cancel_state, __ATOMIC_SEQ_CST) == UTHREAD_CANCEL_ENABLE)
		uth_cancel_wake(self, t);
	return 0;
}

int
uthread_setcancelstate(int state, int *oldstate)
{
	struct uthread *self = uthread_self();

	if (!self || (state != UTHREAD_CANCEL_ENABLE && state != UTHREAD_CANCEL_DISABLE))
		return -EINVAL;
	if (oldstate)
		*oldstate = self->cancel_state;
	__atomic_store_n(&self->cancel_state, state, __ATOMIC_SEQ_CST);
	if (uth_async_cancel_requested(self))
		uth_cancel_exit(self);
	return 0;
}

int
uthread_setcanceltype(int type, int *oldtype)
{
	struct uthread *self = uthread_self();

	if (!self || (type != UTHREAD_CANCEL_DEFERRED && type != UTHREAD_CANCEL_ASYNCHRONOUS))
		return -EINVAL;
	if (oldtype)
		*oldtype = self->cancel_type;
	__atomic_store_n(&self->cancel_type, type, __ATOMIC_SEQ_CST);
	if (uth_async_cancel_requested(self))
		uth_cancel_exit(self);
	return 0;
}

/*
 * The node is filled in before it is linked, and unlinked before its
 * handler runs, so an asynchronous cancel at any instruction in between
 * runs each handler at most once, and never a half-made one.
 */
void
uthread_cleanup_push(struct uthread_cleanup *c, void (*fn)(void *), void *arg)
{
	struct uthread *self = uthread_self();

	if (!self)
		uth_panic("uthread_cleanup_push outside a user thread");
	c->fn = fn;
	c->arg = arg;
	c->next = self->cleanup;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	self->cleanup = c;
}

void
uthread_cleanup_pop(struct uthread_cleanup *c, int execute)
{
	struct uthread *self = uthread_self();

	if (!self || self->cleanup != c)
		uth_panic("uthread_cleanup_pop does not match the last push");
	self->cleanup = c->next;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (execute)
		c->fn(c->arg);
}
