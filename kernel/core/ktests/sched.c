// SPDX-License-Identifier: MIT
/* ktests for the tick, kernel threads and sleeping. */
#include "core/ktest.h"
#include "arch/arch.h"
#include "arch/x86_64/clock.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "sched/hung.h"
#include "core/panic.h"
#include "lib/string.h"
#include "sync/mutex.h"
#include "sync/waitqueue.h"
#include "uapi/errno.h"

/*
 * Under emulation a busy host can stop the virtual CPU for a while, and the
 * ticks it would have taken meanwhile are lost.  Counting ticks over a
 * second then measures the host's load, not the tick.  So the test watches
 * each tick arrive, with preemption off on one CPU, and measures the
 * intervals: one longer than twice the period is the host's pause, not the
 * tick's rate, and is left out, as is the one after it (the tick after a
 * resumption comes on the timer's old schedule, early).  A wrong rate moves every interval.  The
 * watch lasts a second, or up to five while the host leaves fewer than
 * half a second's worth of intervals.
 */
#define SEC 1000000000ull

KTEST(sched_timer_rate, "the tick fires at its configured rate, within 10%")
{
	uint64_t period = SEC / sched_hz, sum = 0, n = 0, pauses = 0;
	uint64_t start, last_t, last_j, mean;
	bool skip = false;
	struct cpu *c;

	preempt_disable();
	c = this_cpu();
	start = last_t = clock_ns();
	last_j = __atomic_load_n(&c->ticks, __ATOMIC_RELAXED);
	for (uint64_t spent = 0; spent < 5 * SEC && (spent < SEC || n < sched_hz / 2);
	     spent = clock_ns() - start) {
		uint64_t j = __atomic_load_n(&c->ticks, __ATOMIC_RELAXED), now;

		if (j == last_j) {
			cpu_pause();
			continue;
		}
		now = clock_ns();
		if (j - last_j != 1 || now - last_t >= 2 * period) {
			pauses++;
			skip = true;
		} else if (skip) {
			skip = false;   /* the first after a pause is cut short */
		} else {
			sum += now - last_t;
			n++;
		}
		last_j = j;
		last_t = now;
	}
	preempt_enable();
	mean = n ? sum / n : 0;
	printk("ktest:   %llu intervals, mean %llu us (period %llu us), %llu host pauses\n",
	       (unsigned long long)n, (unsigned long long)(mean / 1000),
	       (unsigned long long)(period / 1000), (unsigned long long)pauses);
	KT_ASSERT(n >= 20);
	KT_ASSERT(mean * 10 >= period * 9 && mean * 10 <= period * 11);
	return 0;
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

/* ------------------------------------------------------------ the hung-task detector */

/* A thread that sleeps uninterruptibly until `round` moves, `rounds` times. */
struct stuck {
	struct waitq wq;
	struct spinlock lock;
	int round, rounds;
};

static void
stuck_sleeper(void *arg)
{
	struct stuck *s = arg;

	spin_lock(&s->lock);
	for (int seen = 0; seen < s->rounds; seen++)
		waitq_wait_event(&s->wq, &s->lock, s->round > seen, false);
	spin_unlock(&s->lock);
	thread_exit(0);
}

static void
stuck_next_round(struct stuck *s)
{
	spin_lock(&s->lock);
	s->round++;
	spin_unlock(&s->lock);
	waitq_wake_all(&s->wq);
}

static void
wait_until_asleep(struct thread *t, uint64_t switches_before)
{
	while (READ_ONCE(t->nr_switches) == switches_before || READ_ONCE(t->state) != T_BLOCKED ||
	       READ_ONCE(t->on_cpu))
		sched_yield();
}

/* Does any of t's frames lie in fn? */
static bool
backtrace_has(const struct thread *t, const char *fn)
{
	uint64_t ret[16], off;
	unsigned n = hung_backtrace(t, ret, 16);

	for (unsigned i = 0; i < n; i++) {
		const char *name = ksym_lookup(ret[i] - 1, &off);

		if (name && !strcmp(name, fn))
			return true;
	}
	return false;
}

KTEST(sched_hung_task_named_once,
      "a thread asleep uninterruptibly past the timeout is reported once, with its frames; one that woke in between is not")
{
	static struct stuck s;
	struct thread *t;
	uint64_t now, sw;

	waitq_init(&s.wq);
	spin_init(&s.lock, "kt-stuck");
	s.round = 0;
	s.rounds = 2;
	t = thread_prepare(stuck_sleeper, &s, "kt-stuck", false);
	KT_ASSERT(t != NULL);
	sw = t->nr_switches;
	thread_start_running(t);
	wait_until_asleep(t, sw);
	KT_ASSERT(backtrace_has(t, "stuck_sleeper"));
	now = time_ns();
	KT_ASSERT(!hung_judge(t, now, 5 * SEC));                /* first look: the count noted */
	sw = READ_ONCE(t->nr_switches);
	stuck_next_round(&s);                                   /* it wakes and sleeps again */
	wait_until_asleep(t, sw);
	KT_ASSERT(!hung_judge(t, now + 100 * SEC, 5 * SEC));    /* it ran in between: a new sleep */
	KT_ASSERT(!hung_judge(t, now + 104 * SEC, 5 * SEC));    /* not long enough yet */
	KT_ASSERT(hung_judge(t, now + 105 * SEC, 5 * SEC));     /* now: reported */
	KT_ASSERT(!hung_judge(t, now + 500 * SEC, 5 * SEC));    /* and only once */
	stuck_next_round(&s);
	KT_EQ(thread_join(t), 0);
	return 0;
}

static struct mutex kt_held_mutex = MUTEX_INIT(kt_held_mutex);

static void
mutex_waiter(void *arg)
{
	mutex_lock(&kt_held_mutex);
	mutex_unlock(&kt_held_mutex);
	thread_exit(0);
}

KTEST(sched_hung_report_names_the_mutex_owner,
      "a thread asleep on a mutex is reported with the mutex and the thread that holds it")
{
	struct mutex *m = NULL;
	struct thread *t;
	uint64_t sw;

	mutex_lock(&kt_held_mutex);
	t = thread_prepare(mutex_waiter, NULL, "kt-mwait", false);
	KT_ASSERT(t != NULL);
	sw = t->nr_switches;
	thread_start_running(t);
	wait_until_asleep(t, sw);
	KT_ASSERT(hung_mutex_owner(t, &m) == current());
	KT_ASSERT(m == &kt_held_mutex);
	KT_ASSERT(hung_mutex_owner(current(), &m) == NULL);  /* not waiting */
	mutex_unlock(&kt_held_mutex);
	KT_EQ(thread_join(t), 0);
	return 0;
}

KTEST(sched_hung_watch_covers_the_test_runner,
      "the hung-task detector judges process threads and kernel threads that opted in (the test runner), not idle ones")
{
	KT_ASSERT(hung_watched(current()));                    /* ktest_run set hung_watch */
	KT_ASSERT(!hung_watched(this_cpu()->idle));
	return 0;
}

KTEST(sched_softlockup_judged_by_ticks,
      "ticks finding one thread busy in the kernel for the threshold report it once; a switch, user mode or idle resets the watch")
{
	struct lockup_watch w = { 0 };
	struct thread *me = current(), *idle = this_cpu()->idle;
	uint64_t t0 = time_ns(), sw = me->nr_switches;

	KT_ASSERT(!softlockup_judge(&w, me, true, t0, 20 * SEC));           /* the watch begins */
	KT_ASSERT(!softlockup_judge(&w, me, true, t0 + 19 * SEC, 20 * SEC));
	KT_ASSERT(softlockup_judge(&w, me, true, t0 + 20 * SEC, 20 * SEC)); /* stuck: reported */
	KT_ASSERT(!softlockup_judge(&w, me, true, t0 + 90 * SEC, 20 * SEC)); /* once */
	KT_ASSERT(!softlockup_judge(&w, me, false, t0 + 91 * SEC, 20 * SEC)); /* user mode: reset */
	KT_ASSERT(!softlockup_judge(&w, me, true, t0 + 100 * SEC, 20 * SEC));
	KT_ASSERT(!softlockup_judge(&w, idle, true, t0 + 130 * SEC, 20 * SEC)); /* another thread */
	KT_ASSERT(!softlockup_judge(&w, me, true, t0 + 140 * SEC, 20 * SEC));
	sched_sleep_ns(1000000, false);                                 /* switched out and back */
	KT_ASSERT(READ_ONCE(me->nr_switches) != sw);
	KT_ASSERT(!softlockup_judge(&w, me, true, t0 + 170 * SEC, 20 * SEC));
	KT_ASSERT(softlockup_judge(&w, me, true, t0 + 190 * SEC, 20 * SEC));
	return 0;
}
