// SPDX-License-Identifier: MIT
/* ktests for the tick, kernel threads and sleeping. */
#include "core/ktest.h"
#include "arch/arch.h"
#include "arch/x86_64/clock.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "sync/waitqueue.h"
#include "uapi/errno.h"

/*
 * Under emulation a busy host can starve the virtual CPU and make it miss
 * ticks; that can only lower the count, so a few tries are allowed and one
 * within 10% passes.  A wrong rate fails every try.
 */
KTEST(sched_timer_rate, "the tick fires at its configured rate, within 10%")
{
	struct cpu *c = this_cpu();

	for (int attempt = 0; attempt < 3; attempt++) {
		uint64_t t0 = clock_ns(), j0 = c->ticks, dt, ticks, expect;

		sched_sleep_ns(1000000000ull, false);
		dt = clock_ns() - t0;
		ticks = c->ticks - j0;
		expect = dt * sched_hz / 1000000000ull;
		printk("ktest:   %llu ticks in %llu ms, expected %llu\n",
		       (unsigned long long)ticks, (unsigned long long)(dt / 1000000),
		       (unsigned long long)expect);
		if (ticks * 10 >= expect * 9 && ticks * 10 <= expect * 11)
			return 0;
	}
	return -1;
}

static void
square_thread(void *arg)
{
	long n = (long)arg;

	sched_yield();
	thread_exit((int)(n * n));
}

KTEST(sched_thread_create_join, "threads run, exit with a code, and join returns it")
{
	struct thread *t[6];
	unsigned before = sched_nr_threads();

	for (long i = 0; i < 6; i++) {
		t[i] = thread_create(square_thread, (void *)(i + 1), "square");
		KT_ASSERT(t[i]);
	}
	for (long i = 0; i < 6; i++)
		KT_EQ(thread_join(t[i]), (i + 1) * (i + 1));
	KT_EQ(sched_nr_threads(), before);
	return 0;
}

static volatile int spin_flag;

static void
spinner(void *arg)
{
	/* Never yields: only the timer can take the CPU away. */
	while (!spin_flag)
		arch_cpu_relax();
}

KTEST(sched_preempts_busy_thread, "a thread that never yields is preempted by the tick")
{
	struct thread *t;

	spin_flag = 0;
	t = thread_create(spinner, NULL, "spinner");
	KT_ASSERT(t);
	/* If preemption did not work, this thread would never run again. */
	sched_sleep_ns(50000000ull, false);
	spin_flag = 1;
	thread_join(t);
	return 0;
}

KTEST(sched_sleep_duration, "sleeping 100 ms takes at least 100 ms and not much longer")
{
	uint64_t t0 = clock_ns(), dt;

	KT_EQ(sched_sleep_ns(100000000ull, false), 0);
	dt = clock_ns() - t0;
	KT_ASSERT(dt >= 100000000ull);
	KT_ASSERT(dt < 400000000ull);
	return 0;
}

KTEST(sched_waitq_timeout, "a wait nobody ends returns -ETIMEDOUT after its timeout")
{
	struct waitq wq;
	uint64_t t0 = clock_ns();

	waitq_init(&wq);
	KT_EQ(waitq_sleep(&wq, NULL, 30000000ull, false), -ETIMEDOUT);
	KT_ASSERT(clock_ns() - t0 >= 30000000ull);
	KT_ASSERT(!waitq_has_waiters(&wq));
	return 0;
}
