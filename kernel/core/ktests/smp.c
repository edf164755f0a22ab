// SPDX-License-Identifier: MIT
/*
 * ktests for the scheduler on several CPUs (they also pass on one):
 * stress (condvar ping-pong across CPUs, create/join storms, a mutex
 * hammered from every CPU), affinity, real-time preemption, and the MLFQ
 * in the kernel.  tests/run-ktest.sh boots them with -smp 1, 2 and 4.
 *
 * Nothing here asserts wall-clock time.  Orders of events are asserted,
 * and the few bounds are in ticks of the kernel's own clock, generous
 * enough for an emulator on a busy host.
 */
#include "core/ktest.h"
#include "core/ktests/sched_helpers.h"
#include "arch/arch.h"
#include "arch/smp.h"
#include "sched/sched.h"
#include "sync/mutex.h"
#include "uapi/errno.h"

#define ALL_CPUS (~0ull)

/* Condvar ping-pong between two threads, on two CPUs when there are two. */
#define PINGS 2000

static struct mutex pp_lock = MUTEX_INIT(pp_lock);
static struct condvar pp_cv;
static int pp_turn;            /* [pp_lock] 0: ping's turn, 1: pong's */
static int pp_count[2];
static volatile int pp_lost;   /* a wait timed out with the turn unchanged */

static void
pp_player(void *arg)
{
	int me = (int)(long)arg;

	mutex_lock(&pp_lock);
	for (int i = 0; i < PINGS; i++) {
		while (pp_turn != me) {
			/* 5 s without the other side's signal can only be a lost wakeup. */
			if (cond_timedwait(&pp_cv, &pp_lock, 5000000000ull) == -ETIMEDOUT &&
			    pp_turn != me) {
				pp_lost = 1;
				mutex_unlock(&pp_lock);
				return;
			}
		}
		pp_count[me]++;
		pp_turn = !me;
		cond_broadcast(&pp_cv);
	}
	mutex_unlock(&pp_lock);
}

KTEST(smp_condvar_ping_pong, "two threads on two CPUs hand a turn back and forth 2000 times, no lost wakeup")
{
	uint64_t m0 = 1ull << 0, m1 = 1ull << kt_test_cpu();
	struct thread *a, *b;

	cond_init(&pp_cv);
	pp_turn = 0;
	pp_count[0] = pp_count[1] = 0;
	pp_lost = 0;
	a = kt_spawn(pp_player, (void *)0L, "ping", SCHED_POLICY_NORMAL, 0, m0);
	b = kt_spawn(pp_player, (void *)1L, "pong", SCHED_POLICY_NORMAL, 0, m1);
	KT_ASSERT(a && b);
	thread_join(a);
	thread_join(b);
	KT_EQ(pp_lost, 0);
	KT_EQ(pp_count[0], PINGS);
	KT_EQ(pp_count[1], PINGS);
	return 0;
}

/* Create and join threads in waves; every one must run exactly once. */
#define STORM_WAVES 20
#define STORM_WAVE  16

static volatile long storm_sum;

static void
storm_thread(void *arg)
{
	__atomic_add_fetch(&storm_sum, (long)arg, __ATOMIC_SEQ_CST);
	if ((long)arg % 3 == 0)
		sched_yield();
}

KTEST(smp_create_join_storm, "320 threads created and joined in waves of 16, each runs once")
{
	unsigned before = sched_nr_threads();
	long expect = 0;

	storm_sum = 0;
	for (int w = 0; w < STORM_WAVES; w++) {
		struct thread *t[STORM_WAVE];

		for (int i = 0; i < STORM_WAVE; i++) {
			long v = w * STORM_WAVE + i + 1;

			t[i] = thread_create(storm_thread, (void *)v, "storm");
			KT_ASSERT(t[i]);
			expect += v;
		}
		for (int i = 0; i < STORM_WAVE; i++)
			KT_EQ(thread_join(t[i]), 0);
	}
	KT_EQ(storm_sum, expect);
	KT_EQ(sched_nr_threads(), before);
	return 0;
}

/* A mutex taken and released from every CPU at once. */
#define HAMMER_THREADS 8
#define HAMMER_ROUNDS  1000

static struct mutex hammer_lock = MUTEX_INIT(hammer_lock);
static long hammer_count;      /* [hammer_lock] */
static volatile int hammer_inside, hammer_overlap;
static volatile uint64_t hammer_cpus;

static void
hammer_thread(void *arg)
{
	for (int i = 0; i < HAMMER_ROUNDS; i++) {
		mutex_lock(&hammer_lock);
		if (__atomic_add_fetch(&hammer_inside, 1, __ATOMIC_SEQ_CST) != 1)
			hammer_overlap = 1;
		hammer_count++;
		__atomic_or_fetch(&hammer_cpus, 1ull << this_cpu()->id, __ATOMIC_SEQ_CST);
		__atomic_sub_fetch(&hammer_inside, 1, __ATOMIC_SEQ_CST);
		mutex_unlock(&hammer_lock);
	}
}

KTEST(smp_mutex_hammer, "8 threads spread over every CPU take one mutex 1000 times each, exclusively")
{
	struct thread *t[HAMMER_THREADS];

	hammer_count = 0;
	hammer_overlap = 0;
	hammer_cpus = 0;
	for (int i = 0; i < HAMMER_THREADS; i++) {
		/* One thread per CPU pinned, the rest free to move. */
		uint64_t mask = i < (int)ncpus ? 1ull << i : ALL_CPUS;

		t[i] = kt_spawn(hammer_thread, NULL, "hammer", SCHED_POLICY_NORMAL, 0, mask);
		KT_ASSERT(t[i]);
	}
	for (int i = 0; i < HAMMER_THREADS; i++)
		thread_join(t[i]);
	KT_EQ(hammer_overlap, 0);
	KT_EQ(hammer_count, (long)HAMMER_THREADS * HAMMER_ROUNDS);
	KT_EQ(hammer_cpus, (long)sched_online_mask());   /* every CPU took part */
	return 0;
}

/* A pinned thread checks its CPU at every step of work, sleeps and yields. */
static volatile int pin_bad, pin_stop;
static volatile unsigned pin_steps;

static void
pinned_thread(void *arg)
{
	unsigned want = (unsigned)(long)arg;

	while (!pin_stop) {
		if (this_cpu()->id != want)
			pin_bad = 1;
		pin_steps++;
		if (pin_steps % 64 == 0)
			sched_sleep_ns(1000000ull, false);
		else if (pin_steps % 8 == 0)
			sched_yield();
	}
}

static void
busy_thread(void *arg)
{
	while (!pin_stop)
		__asm__ __volatile__("" ::: "memory");
}

KTEST(sched_affinity_pinning, "a thread pinned to one CPU only ever runs there, among busy threads")
{
	unsigned c = kt_test_cpu();
	struct thread *p, *busy[3];
	struct sched_thread_info info;

	pin_bad = pin_stop = 0;
	pin_steps = 0;
	p = kt_spawn(pinned_thread, (void *)(long)c, "pinned", SCHED_POLICY_NORMAL, 0, 1ull << c);
	KT_ASSERT(p);
	for (int i = 0; i < 3; i++)
		KT_ASSERT(busy[i] = thread_create(busy_thread, NULL, "busy"));
	/* Meanwhile move ourselves around: set_affinity on the caller moves it at once. */
	for (unsigned i = 0; i < 40; i++) {
		unsigned to = i % ncpus;

		KT_EQ(sched_set_affinity(current(), 1ull << to), 0);
		KT_EQ(this_cpu()->id, to);
		sched_sleep_ns(5000000ull, false);
		KT_EQ(this_cpu()->id, to);
	}
	KT_EQ(sched_set_affinity(current(), 0), -EINVAL);   /* no CPU at all */
	pin_stop = 1;
	thread_join(p);
	for (int i = 0; i < 3; i++)
		thread_join(busy[i]);
	kt_restore_self();
	KT_EQ(pin_bad, 0);
	KT_ASSERT(pin_steps > 100);
	sched_thread_info(current(), &info);
	KT_EQ(info.affinity & sched_online_mask(), sched_online_mask());
	return 0;
}

/* A running, never-yielding thread whose mask changes is moved off its CPU. */
static volatile unsigned spin_cpu;

static void
spin_report_thread(void *arg)
{
	while (!pin_stop)
		spin_cpu = this_cpu()->id;
}

KTEST(sched_affinity_moves_running_thread, "changing a running thread's mask moves it to an allowed CPU")
{
	struct thread *t;
	unsigned from = kt_test_cpu(), to = 0;

	if (ncpus < 2) {
		printk("ktest:   one CPU: nothing to move to\n");
		return 0;
	}
	pin_stop = 0;
	spin_cpu = ~0u;
	t = kt_spawn(spin_report_thread, NULL, "spinrep", SCHED_POLICY_NORMAL, 0, 1ull << from);
	KT_ASSERT(t);
	while (spin_cpu != from)
		sched_sleep_ns(1000000ull, false);
	KT_EQ(sched_set_affinity(t, 1ull << to), 0);
	for (int i = 0; i < 1000 && spin_cpu != to; i++)
		sched_sleep_ns(1000000ull, false);
	KT_EQ(spin_cpu, to);
	pin_stop = 1;
	thread_join(t);
	return 0;
}

/*
 * A SCHED_FIFO thread made runnable on a CPU where a normal thread
 * computes takes that CPU at once: within two ticks of being started, and
 * the normal thread makes no progress at all while it runs.
 */
static volatile unsigned long hog_iters;
static volatile int hog_stop;
static volatile uint64_t fifo_start_jiffies;
static volatile unsigned long fifo_saw_before, fifo_saw_after;

static void
hog_thread(void *arg)
{
	while (!hog_stop)
		hog_iters++;
}

static void
fifo_thread(void *arg)
{
	fifo_start_jiffies = sched_jiffies();
	fifo_saw_before = hog_iters;
	kt_burn_cpu(20000000ull);              /* 20 ms of CPU */
	fifo_saw_after = hog_iters;
}

KTEST(sched_fifo_preempts_normal, "a SCHED_FIFO thread preempts a busy normal thread within two ticks")
{
	unsigned c = kt_test_cpu();
	struct thread *hog, *f;
	uint64_t started;

	hog_iters = 0;
	hog_stop = 0;
	hog = kt_spawn(hog_thread, NULL, "hog", SCHED_POLICY_NORMAL, 0, 1ull << c);
	KT_ASSERT(hog);
	while (hog_iters < 1000)              /* the hog is running */
		sched_sleep_ns(1000000ull, false);
	started = sched_jiffies();
	f = kt_spawn(fifo_thread, NULL, "fifo", SCHED_POLICY_FIFO, 10, 1ull << c);
	KT_ASSERT(f);
	thread_join(f);
	hog_stop = 1;
	thread_join(hog);
	printk("ktest:   FIFO thread ran %llu tick(s) after it was started\n",
	       (unsigned long long)(fifo_start_jiffies - started));
	KT_ASSERT(fifo_start_jiffies - started <= 2);
	KT_EQ(fifo_saw_after, fifo_saw_before);   /* the hog never ran meanwhile */
	return 0;
}

/*
 * MLFQ in the kernel: a CPU hog sinks to the bottom levels while an
 * interactive thread (sleeps a tick, computes a moment) stays near its
 * home level, and its wakeups preempt the hog: it runs within a few ticks
 * of its timer (bound: 4 ticks past the sleep, where waiting out the
 * hog's turn at a low level would take 8 or more).  "Near": the allotment
 * outlives sleeps (rule 4 in mlfq.c), so even a thread using a little CPU
 * drifts down a level every few allotments until the boost.  An emulator
 * on a busy host also charges a thread for time the host took from its
 * virtual CPU, now and then a lot of it, so the assertions are about most
 * rounds, not every one: in at least 3 of 4 rounds after the first ten the
 * sleeper is at least two levels above the hog and wakes within the bound.
 */
#define INTERACTIVE_ROUNDS 40
#define WARMUP_ROUNDS      10
#define WAKE_BOUND_TICKS   4

static volatile int hog_max_level, ia_rounds_ok, ia_levels_ok, ia_worst_late, ia_worst_level;

static void
interactive_thread(void *arg)
{
	struct thread *hog = arg;

	for (int i = 0; i < INTERACTIVE_ROUNDS; i++) {
		uint64_t j0 = sched_jiffies(), late;
		struct sched_thread_info info;
		int level;

		sched_sleep_ns(1000000000ull / sched_hz, false);   /* one tick */
		late = sched_jiffies() - j0;
		level = current()->se.level;
		sched_thread_info(hog, &info);
		hog_max_level = MAX(hog_max_level, info.level);
		if (i >= WARMUP_ROUNDS) {
			ia_worst_late = MAX(ia_worst_late, (int)late);
			ia_worst_level = MAX(ia_worst_level, level);
			ia_rounds_ok += late <= 1 + WAKE_BOUND_TICKS;
			ia_levels_ok += level + 2 <= info.level;
		}
		kt_burn_cpu(50000ull);                 /* 0.05 ms of work */
	}
}

KTEST(sched_mlfq_hog_sinks_interactive_stays, "MLFQ: a CPU hog is demoted, a sleeper keeps its level and wakes promptly")
{
	unsigned c = kt_test_cpu();
	int home = mlfq_home_level(0), need = (INTERACTIVE_ROUNDS - WARMUP_ROUNDS) * 3 / 4;
	struct thread *hog, *ia;

	hog_iters = 0;
	hog_stop = 0;
	hog_max_level = ia_rounds_ok = ia_levels_ok = ia_worst_late = ia_worst_level = 0;
	hog = kt_spawn(hog_thread, NULL, "hog", SCHED_POLICY_NORMAL, 0, 1ull << c);
	KT_ASSERT(hog);
	ia = kt_spawn(interactive_thread, hog, "interactive", SCHED_POLICY_NORMAL, 0, 1ull << c);
	KT_ASSERT(ia);
	thread_join(ia);
	hog_stop = 1;
	thread_join(hog);
	printk("ktest:   hog reached level %d (home %d); sleeper two levels above it in %d of %d "
	       "rounds, woke within %d ticks in %d (worst: level %d, %d ticks)\n",
	       hog_max_level, home, ia_levels_ok, INTERACTIVE_ROUNDS - WARMUP_ROUNDS,
	       1 + WAKE_BOUND_TICKS, ia_rounds_ok, ia_worst_level, ia_worst_late);
	KT_ASSERT(hog_max_level >= home + 3);
	KT_ASSERT(ia_levels_ok >= need);
	KT_ASSERT(ia_rounds_ok >= need);
	return 0;
}

KTEST(sched_params_checked, "policy, priority, nice and affinity values are checked and read back")
{
	struct thread *self = current();
	struct sched_cpu_stat st;
	int policy, prio;

	KT_EQ(sched_setscheduler(self, SCHED_POLICY_FIFO, 0), -EINVAL);
	KT_EQ(sched_setscheduler(self, SCHED_POLICY_RR, 100), -EINVAL);
	KT_EQ(sched_setscheduler(self, SCHED_POLICY_NORMAL, 5), -EINVAL);
	KT_EQ(sched_setscheduler(self, 7, 0), -EINVAL);
	KT_EQ(sched_setscheduler(self, SCHED_POLICY_RR, 7), 0);
	sched_getscheduler(self, &policy, &prio);
	KT_EQ(policy, SCHED_POLICY_RR);
	KT_EQ(prio, 7);
	KT_EQ(sched_rr_interval_ns(self), sched_params_default.rr_quantum);
	KT_EQ(sched_setscheduler(self, SCHED_POLICY_NORMAL, 0), 0);
	sched_set_nice(self, 40);
	KT_EQ(sched_get_nice(self), SCHED_NICE_MAX);
	sched_set_nice(self, 0);
	KT_EQ(sched_get_nice(self), 0);
	KT_EQ(sched_cpu_stat(CPU_MAX, &st), -EINVAL);
	KT_EQ(sched_cpu_stat(0, &st), 0);
	KT_ASSERT(st.online && st.nr_switches > 0 && st.idle_ticks + st.system_ticks > 0);
	return 0;
}

/* The call-function IPI: each online CPU in the mask runs the function once, interrupts off. */
static volatile unsigned call_hits[CPU_MAX];
static volatile unsigned call_irqs_on;

static void
call_probe(void *arg)
{
	call_hits[this_cpu()->id] += (unsigned)(uint64_t)arg;
	if (arch_irqs_enabled())
		call_irqs_on++;
}

KTEST(smp_call_function_runs_everywhere, "smp_call_function runs a function once on every CPU asked (the caller's directly, the others by IPI), interrupts off, and waits")
{
	uint64_t online = smp_online_mask(), ran;

	for (unsigned i = 0; i < CPU_MAX; i++)
		call_hits[i] = 0;
	call_irqs_on = 0;
	ran = smp_call_function(~0ull, call_probe, (void *)1);
	KT_EQ(ran, online);
	for (unsigned i = 0; i < ncpus; i++)
		KT_EQ(call_hits[i], 1u);
	KT_EQ(call_irqs_on, 0u);
	/* Only the CPUs asked: the last one alone (on one CPU, this one). */
	ran = smp_call_function(1ull << (ncpus - 1), call_probe, (void *)1);
	KT_EQ(ran, 1ull << (ncpus - 1));
	KT_EQ(call_hits[ncpus - 1], 2u);
	for (unsigned i = 0; i + 1 < ncpus; i++)
		KT_EQ(call_hits[i], 1u);
	KT_EQ(smp_call_function(0, call_probe, (void *)1), 0ull);
	return 0;
}
