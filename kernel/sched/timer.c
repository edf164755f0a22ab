// SPDX-License-Identifier: MIT
/*
 * A sorted list of pending timers.  Arming is O(n) in the number of pending
 * timers, expiry O(1) per timer; a timer wheel would scale better, but the
 * number of pending timers in Keel stays small (sleepers, timeouts).
 */
#include "sched/timer.h"
#include "arch/x86_64/clock.h"
#include "sync/spinlock.h"
#include "arch/arch.h"

/* Protects the pending list.  Lock order: after rq locks (wake in callbacks). */
static struct spinlock timer_lock = SPINLOCK_INIT_RANK("timers", LOCK_RANK_TIMER);
static struct list_node pending = LIST_INIT(pending);   /* [timer_lock] */

static int64_t realtime_offset_ns;   /* wall clock minus monotonic */

uint64_t
time_ns(void)
{
	return clock_ns();
}

uint64_t
time_realtime_ns(void)
{
	return (uint64_t)((int64_t)clock_ns() + READ_ONCE(realtime_offset_ns));
}

void
time_set_realtime_ns(uint64_t ns)
{
	WRITE_ONCE(realtime_offset_ns, (int64_t)ns - (int64_t)clock_ns());
}

void
ktimer_init(struct ktimer *t, void (*fn)(void *), void *arg)
{
	list_init(&t->node);
	t->fn = fn;
	t->arg = arg;
	t->armed = false;
	t->running = false;
	t->deadline_ns = 0;
}

void
ktimer_arm(struct ktimer *t, uint64_t deadline_ns)
{
	struct list_node *pos;

	spin_lock(&timer_lock);
	if (t->armed)
		list_remove(&t->node);
	t->deadline_ns = deadline_ns;
	t->armed = true;
	for (pos = pending.next; pos != &pending; pos = pos->next)
		if (list_entry(pos, struct ktimer, node)->deadline_ns > deadline_ns)
			break;
	list_insert_between(&t->node, pos->prev, pos);
	spin_unlock(&timer_lock);
}

bool
ktimer_cancel(struct ktimer *t)
{
	bool was;

	for (;;) {
		spin_lock(&timer_lock);
		was = t->armed;
		if (was) {
			list_remove(&t->node);
			t->armed = false;
		}
		/* A callback running on another CPU may still touch t: wait it out. */
		if (!t->running)
			break;
		spin_unlock(&timer_lock);
		arch_cpu_relax();
	}
	spin_unlock(&timer_lock);
	return was;
}

void
ktimer_run_expired(uint64_t now_ns)
{
	for (;;) {
		struct ktimer *t;

		spin_lock(&timer_lock);
		t = list_first_entry_or_null(&pending, struct ktimer, node);
		if (!t || t->deadline_ns > now_ns) {
			spin_unlock(&timer_lock);
			return;
		}
		list_remove(&t->node);
		t->armed = false;
		t->running = true;
		spin_unlock(&timer_lock);
		/* Called without the lock, so the callback may re-arm. */
		t->fn(t->arg);
		__atomic_store_n(&t->running, false, __ATOMIC_RELEASE);
	}
}
