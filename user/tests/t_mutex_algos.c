// SPDX-License-Identifier: MIT
/*
 * Mutual exclusion from plain loads and stores: Peterson's algorithm for two
 * threads and Lamport's bakery for N, run on real kernel threads (pthreads),
 * so on a multiprocessor they run at the same instant.
 *
 * Each thread enters the critical section over and over for a bounded time.
 * Inside, it bumps an atomic occupancy count (more than one inside at once is
 * a violation) and does a deliberately unprotected read-modify-write of a
 * counter (a violation loses an update).  With the right fences the
 * algorithms must never fail, and those tests assert it.
 *
 * Why fences: the proofs assume that memory operations happen in program
 * order.  x86 keeps almost all of that order (TSO) but not store -> load: a
 * store waits in the CPU's store buffer while later loads already read the
 * cache.  Peterson's "want[i] = 1; turn = j; while (want[j] && turn == j)"
 * can then read want[j] == 0 on both CPUs before either store is visible,
 * and both enter.  An mfence (here __atomic_thread_fence(__ATOMIC_SEQ_CST))
 * between the stores and the loads drains the store buffer first.  The
 * bakery needs the same after "choosing[i] = 1" and after publishing its
 * number.  Without fences (only compiler barriers, so the compiler keeps
 * program order and the hardware alone reorders) the tests report how many
 * violations they saw; they do not fail when a run happens to see none, and
 * on one CPU, where threads only interleave, they skip.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "utest.h"

#define ALGO_MAX	4
#define RUN_NS		300000000LL	/* a fenced run: 0.3 s */
#define DEMO_NS		1000000000LL	/* a run without fences: at most 1 s */
#define ENOUGH		1000		/* a demonstration stops at this many */

enum algo_kind { PETERSON, BAKERY };

struct algo {
	enum algo_kind kind;
	int n;
	int fenced;
	long long budget_ns;
	int want[2];			/* Peterson */
	int turn;
	int choosing[ALGO_MAX];		/* bakery */
	int number[ALGO_MAX];
	int inside;			/* threads in the critical section now */
	long overlaps;			/* times a thread found another inside */
	volatile long counter;		/* bumped without any lock of its own */
	long entries[ALGO_MAX];
	int started;
	int stop;
};

struct worker {
	struct algo *a;
	int i;
};

static void
store(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static int
load(int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Between the stores that announce intent and the loads that check the
 * others: a full fence, or only a compiler barrier. */
static void
store_load_fence(struct algo *a)
{
	if (a->fenced)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	else
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* Waiting spins; with more threads than CPUs the one we wait for may not be
 * running, so give the CPU away now and then. */
static void
relax(unsigned *spins)
{
	__builtin_ia32_pause();
	if (++*spins % 64 == 0)
		sched_yield();
}

static void
peterson_lock(struct algo *a, int i)
{
	int j = 1 - i;
	unsigned spins = 0;

	store(&a->want[i], 1);
	store(&a->turn, j);
	store_load_fence(a);
	while (load(&a->want[j]) && load(&a->turn) == j)
		relax(&spins);
}

static void
peterson_unlock(struct algo *a, int i)
{
	__atomic_store_n(&a->want[i], 0, __ATOMIC_RELEASE);
}

/* Lamport: take a number one above every number in view, then wait for
 * each thread that is choosing or holds a smaller (number, index). */
static void
bakery_lock(struct algo *a, int i)
{
	int max = 0;
	unsigned spins = 0;

	store(&a->choosing[i], 1);
	store_load_fence(a);
	for (int j = 0; j < a->n; j++) {
		int nj = load(&a->number[j]);

		if (nj > max)
			max = nj;
	}
	store(&a->number[i], max + 1);
	store(&a->choosing[i], 0);
	store_load_fence(a);
	for (int j = 0; j < a->n; j++) {
		if (j == i)
			continue;
		while (load(&a->choosing[j]))
			relax(&spins);
		for (;;) {
			int nj = load(&a->number[j]), ni = a->number[i];

			if (nj == 0 || nj > ni || (nj == ni && j > i))
				break;
			relax(&spins);
		}
	}
}

static void
bakery_unlock(struct algo *a, int i)
{
	__atomic_store_n(&a->number[i], 0, __ATOMIC_RELEASE);
}

static void
critical_section(struct algo *a)
{
	if (__atomic_fetch_add(&a->inside, 1, __ATOMIC_RELAXED) != 0)
		__atomic_fetch_add(&a->overlaps, 1, __ATOMIC_RELAXED);
	long v = a->counter;

	for (volatile int d = 0; d < 3; d++)
		;
	a->counter = v + 1;
	__atomic_fetch_sub(&a->inside, 1, __ATOMIC_RELAXED);
}

/* Spread the threads over the CPUs we may use, so they really run at once
 * (best effort: an error just leaves the placement to the kernel). */
static void
pin_to_cpu(int i)
{
	cpu_set_t allowed, one;
	int k = 0, want;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0 || CPU_COUNT(&allowed) == 0)
		return;
	want = i % CPU_COUNT(&allowed);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed) || k++ != want)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		sched_setaffinity(0, sizeof(one), &one);	/* this thread only */
		return;
	}
}

static void *
contender(void *arg)
{
	struct worker *w = arg;
	struct algo *a = w->a;
	long long end;

	pin_to_cpu(w->i);
	__atomic_add_fetch(&a->started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&a->started, __ATOMIC_SEQ_CST) < a->n)
		sched_yield();		/* start together */
	end = ut_now_ns() + a->budget_ns;
	for (long k = 0; !__atomic_load_n(&a->stop, __ATOMIC_RELAXED); k++) {
		if (a->kind == PETERSON)
			peterson_lock(a, w->i);
		else
			bakery_lock(a, w->i);
		critical_section(a);
		if (a->kind == PETERSON)
			peterson_unlock(a, w->i);
		else
			bakery_unlock(a, w->i);
		a->entries[w->i]++;
		if (k % 256 == 0 && (ut_now_ns() > end ||
				     (!a->fenced && __atomic_load_n(&a->overlaps, __ATOMIC_RELAXED) >= ENOUGH)))
			__atomic_store_n(&a->stop, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Run n contenders; returns the number of violations seen (overlaps, or
 * lost updates if more of those). */
static long
run_algo(struct algo *a)
{
	pthread_t t[ALGO_MAX];
	struct worker w[ALGO_MAX];
	long total = 0, lost;

	for (int i = 0; i < a->n; i++) {
		w[i] = (struct worker){ a, i };
		int err = pthread_create(&t[i], NULL, contender, &w[i]);

		if (err)
			FAIL("pthread_create: %s", ut_errname(err));
	}
	for (int i = 0; i < a->n; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < a->n; i++) {
		if (a->entries[i] == 0)
			FAIL("thread %d never entered the critical section", i);
		total += a->entries[i];
	}
	lost = total - a->counter;
	return lost > a->overlaps ? lost : a->overlaps;
}

static void
check_fenced(enum algo_kind kind, int n)
{
	static struct algo a;

	a = (struct algo){ .kind = kind, .n = n, .fenced = 1, .budget_ns = RUN_NS };
	long v = run_algo(&a);

	if (v != 0)
		FAIL("%ld violations with fences (%ld overlaps, counter %ld)", v, a.overlaps,
		     a.counter);
}

static int
online_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set);
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

static void
demonstrate(enum algo_kind kind, int n, const char *name)
{
	static struct algo a;

	if (online_cpus() < 2)
		SKIP("one CPU: threads only interleave, so store->load reordering cannot show");
	a = (struct algo){ .kind = kind, .n = n, .fenced = 0, .budget_ns = DEMO_NS };
	long v = run_algo(&a);
	long total = 0;

	for (int i = 0; i < n; i++)
		total += a.entries[i];
	printf("%s without fences, %d threads: violations observed: %ld in %ld entries\n", name, n,
	       v, total);
	fflush(stdout);
}

TEST(mutex_algo_peterson_fenced, "Peterson, 2 threads, mfence: mutual exclusion holds")
{
	check_fenced(PETERSON, 2);
}

TEST(mutex_algo_bakery_fenced_2, "bakery, 2 threads, fences: mutual exclusion holds")
{
	check_fenced(BAKERY, 2);
}

TEST(mutex_algo_bakery_fenced_4, "bakery, 4 threads, fences: mutual exclusion holds")
{
	check_fenced(BAKERY, 4);
}

TEST(mutex_algo_peterson_unfenced, "Peterson without mfence: prints the violations seen")
{
	demonstrate(PETERSON, 2, "peterson");
}

TEST(mutex_algo_bakery_unfenced, "bakery without fences, 4 threads: prints violations seen")
{
	demonstrate(BAKERY, 4, "bakery");
}
