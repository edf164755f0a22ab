// SPDX-License-Identifier: MIT
/*
 * uthread_main(): set up the runtime, make the first user thread, start the
 * workers and the preemption timer, run worker 0's scheduler loop on the
 * caller's own kernel thread and stack, and afterwards tear it all down.
 *
 * The order matters in two places.  The first thread is counted live before
 * any clone starts, so a clone that finds the run queue empty goes to sleep
 * instead of deciding that everything has already finished; and it is queued
 * only once all workers are up, so a failure to start one can still be
 * unwound before any user code has run.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

static int
check_opts(const struct uthread_opts *in, struct uthread_opts *o)
{
	if (in)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	if (o->workers == 0)
		o->workers = 1;
	if (o->stack_size == 0)
		o->stack_size = UTHREAD_STACK_DEFAULT;
	if (o->workers < 0 || o->workers > UTHREAD_MAX_WORKERS)
		return -EINVAL;
	if (o->preempt_us && o->workers > 1)
		return -EINVAL;		/* preemption is N:1 only */
	if (o->stack_size < UTHREAD_STACK_MIN || o->stack_size > (1ul << 30))
		return -EINVAL;
	return 0;
}

static void
reset(const struct uthread_opts *o)
{
	memset(&uth_rt.runq, 0, sizeof(uth_rt.runq));
	memset(&uth_rt.stats, 0, sizeof(uth_rt.stats));
	memset(uth_rt.workers, 0, sizeof(uth_rt.workers));
	uth_rt.nworkers = o->workers;
	uth_rt.nidle = uth_rt.live = uth_rt.deadlock = 0;
	uth_rt.all = NULL;
	uth_rt.stack_size = o->stack_size;
	uth_rt.preempt_us = o->preempt_us;
	uth_rt.workers_used = 0;
	uth_rt.first_retval = NULL;
	for (int i = 0; i < UTHREAD_MAX_WORKERS; i++)
		uth_rt.workers[i].index = i;
}

/* Free every thread still around: exited but never joined, or, after a
 * deadlock, asleep for ever. */
static void
free_all(void)
{
	while (uth_rt.all) {
		struct uthread *t = uth_rt.all;

		uth_unlink_all_locked(t);
		uth_thread_unmap(t);
	}
}

/* Stop workers that started before a failure; nothing user-visible ran. */
static void
abandon_start(struct uthread *first)
{
	uth_spin_lock(&uth_rt.runq.lock);
	uth_rt.live = 0;
	uth_shutdown_locked();
	uth_spin_unlock(&uth_rt.runq.lock);
	uth_workers_wait();
	uth_unlink_all_locked(first);
	uth_thread_unmap(first);
}

static int
start(struct uthread *first, const struct uthread_opts *o)
{
	int err;

	uth_link_all_locked(first);
	uth_rt.live = 1;
	uth_rt.stats.created = 1;
	err = uth_workers_start(o->workers);
	if (!err && o->preempt_us)
		err = uth_preempt_start(o->preempt_us);
	if (err)
		abandon_start(first);
	return err;
}

int
uthread_main(const struct uthread_opts *opts, void *(*fn)(void *), void *arg, void **result)
{
	struct uthread_opts o;
	struct uthread *first;
	int err = check_opts(opts, &o);

	if (err || !fn)
		return err ? err : -EINVAL;
	if (__atomic_exchange_n(&uth_rt.active, 1, __ATOMIC_ACQUIRE))
		return -EBUSY;
	reset(&o);
	first = uth_thread_new(fn, arg, &err);
	if (!first || (err = start(first, &o)) != 0)
		goto out;
	uth_rt.first = first;
	uth_cur = &uth_rt.workers[0];
	uth_spin_lock(&uth_rt.runq.lock);
	uth_make_runnable_locked(first);
	uth_spin_unlock(&uth_rt.runq.lock);

	uth_worker_loop(&uth_rt.workers[0]);

	if (o.preempt_us)
		uth_preempt_stop();
	uth_workers_wait();
	uth_cur = NULL;
	err = uth_rt.deadlock ? -EDEADLK : 0;
	if (result)
		*result = uth_rt.first_retval;
	free_all();
out:
	uth_rt.first = NULL;
	__atomic_store_n(&uth_rt.active, 0, __ATOMIC_RELEASE);
	return err;
}
