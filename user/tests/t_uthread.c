// SPDX-License-Identifier: MIT
/*
 * User-level threads, N:1: every user thread of user/lib/uthread on the one
 * kernel thread of the test, switched by the library's own assembly.  The
 * tests cover cooperative yield order, many threads, join and detach,
 * preemption by the timer signal (a busy loop loses the CPU; a mutex keeps
 * a counter exact although the timer lands inside the critical section),
 * the mutex's FIFO hand-off, condition variables, both kinds of
 * cancellation and cleanup handlers, errno per user thread, stacks with
 * guard pages that are freed, and deadlock detection.  The M:N tests are in
 * t_uthread_mn.c.
 *
 * A check that fails inside a user thread exits the whole test process,
 * which is what a failed check always does.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uthread/uthread.h"
#include "utest.h"
#include "uthread_test.h"

#define PREEMPT_US 1000

void
ut_uthread_run(int workers, unsigned preempt_us, void *(*fn)(void *), void *arg, void **res)
{
	struct uthread_opts o = { .workers = workers, .preempt_us = preempt_us };
	int r = uthread_main(&o, fn, arg, res);

	if (r != 0)
		FAIL("uthread_main: %s", ut_errname(-r));
}

uthread_t
ut_uthread_spawn(void *(*fn)(void *), void *arg)
{
	uthread_t t;
	int r = uthread_create(&t, fn, arg);

	if (r != 0)
		FAIL("uthread_create: %s", ut_errname(-r));
	return t;
}

void *
ut_uthread_join(uthread_t t)
{
	void *v;
	int r = uthread_join(t, &v);

	if (r != 0)
		FAIL("uthread_join: %s", ut_errname(-r));
	return v;
}

/* ---------------------------------------------------------------- yield */

static char order[32];
static int norder;

static void *
yield_thrice(void *arg)
{
	for (int i = 0; i < 3; i++) {
		order[norder++] = 'a' + (intptr_t)arg;
		uthread_yield();
	}
	return NULL;
}

static void *
yield_main(void *arg)
{
	uthread_t t[3];

	(void)arg;
	uthread_yield();	/* alone: returns at once */
	for (intptr_t i = 0; i < 3; i++)
		t[i] = ut_uthread_spawn(yield_thrice, (void *)i);
	for (int i = 0; i < 3; i++)
		ut_uthread_join(t[i]);
	return NULL;
}

TEST(uthread_yield_round_robin, "N:1: uthread_yield passes the CPU round robin (abcabcabc)")
{
	ut_uthread_run(1, 0, yield_main, NULL, NULL);
	order[norder] = 0;
	if (strcmp(order, "abcabcabc") != 0)
		FAIL("order %s, expected abcabcabc", order);
}

/* ---------------------------------------------------------------- many threads, join */

#define MANY 300

static int many_ran;

static void *
square_after_yields(void *arg)
{
	intptr_t i = (intptr_t)arg;

	for (int k = 0; k < 3; k++)
		uthread_yield();
	many_ran++;
	return (void *)(i * i);
}

static void *
many_main(void *arg)
{
	static uthread_t t[MANY];

	(void)arg;
	for (intptr_t i = 0; i < MANY; i++)
		t[i] = ut_uthread_spawn(square_after_yields, (void *)i);
	for (intptr_t i = 0; i < MANY; i++)
		CHECK_EQ((intptr_t)ut_uthread_join(t[i]), i * i);
	return (void *)7;
}

TEST(uthread_many_threads_join_values, "N:1: 300 threads run and join returns each one's value")
{
	struct uthread_stats s;
	void *res;

	ut_uthread_run(1, 0, many_main, NULL, &res);
	CHECK_EQ((intptr_t)res, 7);
	CHECK_EQ(many_ran, MANY);
	uthread_stats(&s);
	CHECK_EQ(s.created, MANY + 1);
	CHECK_EQ(s.stacks_mapped, 0);
	CHECK_EQ(s.workers_used, 1);
}

static int late_flag;

static void *
late_detached(void *arg)
{
	(void)arg;
	for (int k = 0; k < 5; k++)
		uthread_yield();
	late_flag = 1;
	return NULL;
}

static void *
detach_main(void *arg)
{
	uthread_t t = ut_uthread_spawn(late_detached, NULL);

	(void)arg;
	CHECK_EQ(uthread_detach(t), 0);
	CHECK_EQ(uthread_join(t, NULL), -EINVAL);	/* detached: not joinable */
	CHECK_EQ(uthread_join(uthread_self(), NULL), -EDEADLK);
	return (void *)3;
}

TEST(uthread_main_waits_for_detached, "uthread_main waits for every thread, detached ones too")
{
	struct uthread_stats s;
	void *res;

	ut_uthread_run(1, 0, detach_main, NULL, &res);
	CHECK_EQ((intptr_t)res, 3);
	CHECK_EQ(late_flag, 1);
	uthread_stats(&s);
	CHECK_EQ(s.stacks_mapped, 0);
}

static void *
nested_main(void *arg)
{
	uthread_t t;

	(void)arg;
	CHECK_EQ(uthread_main(NULL, nested_main, NULL, NULL), -EBUSY);
	CHECK_EQ(uthread_create(&t, NULL, NULL), -EINVAL);
	return NULL;
}

TEST(uthread_bad_arguments, "uthread_main and uthread_create refuse bad options and misuse")
{
	struct uthread_opts many = { .workers = UTHREAD_MAX_WORKERS + 1 };
	struct uthread_opts preempt_mn = { .workers = 2, .preempt_us = 1000 };
	struct uthread_opts tiny = { .stack_size = 100 };
	uthread_t t;

	CHECK_EQ(uthread_main(&many, nested_main, NULL, NULL), -EINVAL);
	CHECK_EQ(uthread_main(&preempt_mn, nested_main, NULL, NULL), -EINVAL);
	CHECK_EQ(uthread_main(&tiny, nested_main, NULL, NULL), -EINVAL);
	CHECK_EQ(uthread_main(NULL, NULL, NULL, NULL), -EINVAL);
	CHECK_EQ(uthread_create(&t, nested_main, NULL), -EINVAL);	/* not in a user thread */
	CHECK(uthread_self() == NULL);
	ut_uthread_run(1, 0, nested_main, NULL, NULL);
}

/* ---------------------------------------------------------------- preemption */

static volatile int spin_release;

static void *
spin_until_released(void *arg)
{
	(void)arg;
	while (!spin_release)
		;		/* no yield, no system call */
	return NULL;
}

static void *
release_spinner(void *arg)
{
	(void)arg;
	spin_release = 1;
	return NULL;
}

static void *
preempt_main(void *arg)
{
	uthread_t a = ut_uthread_spawn(spin_until_released, NULL);
	uthread_t b = ut_uthread_spawn(release_spinner, NULL);

	(void)arg;
	ut_uthread_join(a);
	ut_uthread_join(b);
	return NULL;
}

TEST(uthread_preempt_busy_loop, "N:1 + timer signal: a thread spinning without yield loses the CPU")
{
	struct uthread_stats s;

	ut_uthread_run(1, PREEMPT_US, preempt_main, NULL, NULL);
	uthread_stats(&s);
	CHECK(s.preemptions > 0);
}

/*
 * The counter's read-modify-write is stretched out so that ticks land inside
 * the critical section; the threads keep going until the timer has preempted
 * them many times and the mutex has made threads sleep, so the exact total
 * means something.
 */
#define CS_THREADS 4

static struct uthread_mutex count_lock = UTHREAD_MUTEX_INIT;
static volatile long counter;
static long iters[CS_THREADS];

static int
enough_contention(void)
{
	struct uthread_stats s;

	uthread_stats(&s);
	return s.preemptions >= 30 && s.mutex_waits >= 10;
}

static void *
count_in_cs(void *arg)
{
	intptr_t me = (intptr_t)arg;

	while (iters[me] < 1000 || !enough_contention()) {
		CHECK_EQ(uthread_mutex_lock(&count_lock), 0);
		long v = counter;

		for (volatile int d = 0; d < 200; d++)
			;
		counter = v + 1;
		CHECK_EQ(uthread_mutex_unlock(&count_lock), 0);
		iters[me]++;
	}
	return NULL;
}

static void *
count_main(void *arg)
{
	uthread_t t[CS_THREADS];

	(void)arg;
	for (intptr_t i = 0; i < CS_THREADS; i++)
		t[i] = ut_uthread_spawn(count_in_cs, (void *)i);
	for (int i = 0; i < CS_THREADS; i++)
		ut_uthread_join(t[i]);
	return NULL;
}

TEST(uthread_mutex_exact_under_preemption, "N:1 + preemption: a mutex-protected counter is exact")
{
	long total = 0;

	ut_uthread_run(1, PREEMPT_US, count_main, NULL, NULL);
	for (int i = 0; i < CS_THREADS; i++)
		total += iters[i];
	CHECK_EQ(counter, total);
}

/* errno belongs to the kernel thread; the library keeps one per user thread. */
static volatile int errno_rounds[2];

static void *
errno_keeper(void *arg)
{
	intptr_t me = (intptr_t)arg;

	errno = 1000 + me;
	while (errno_rounds[me] < 50 || errno_rounds[!me] < 50) {
		if (errno != 1000 + me)
			FAIL("thread %d saw errno %d", (int)me, errno);
		errno_rounds[me]++;
		if (errno_rounds[me] % 10 == 0)
			uthread_yield();
		for (volatile int d = 0; d < 20000; d++)
			;
	}
	return NULL;
}

static void *
errno_main(void *arg)
{
	uthread_t a = ut_uthread_spawn(errno_keeper, (void *)0);
	uthread_t b = ut_uthread_spawn(errno_keeper, (void *)1);

	(void)arg;
	ut_uthread_join(a);
	ut_uthread_join(b);
	return NULL;
}

TEST(uthread_errno_per_thread, "errno survives yields and preemption, one per user thread")
{
	ut_uthread_run(1, PREEMPT_US, errno_main, NULL, NULL);
}

/* ---------------------------------------------------------------- mutex, condvar */

static struct uthread_mutex fifo_lock = UTHREAD_MUTEX_INIT;
static char got_lock[8];
static int ngot;

static void *
take_and_note(void *arg)
{
	CHECK_EQ(uthread_mutex_lock(&fifo_lock), 0);
	got_lock[ngot++] = '0' + (intptr_t)arg;
	CHECK_EQ(uthread_mutex_unlock(&fifo_lock), 0);
	return NULL;
}

static void *
fifo_main(void *arg)
{
	uthread_t t[3];

	(void)arg;
	CHECK_EQ(uthread_mutex_lock(&fifo_lock), 0);
	CHECK_EQ(uthread_mutex_lock(&fifo_lock), -EDEADLK);
	for (intptr_t i = 1; i <= 3; i++)
		t[i - 1] = ut_uthread_spawn(take_and_note, (void *)i);
	uthread_yield();	/* 1, 2, 3 now sleep on the mutex, in that order */
	CHECK_EQ(uthread_mutex_trylock(&fifo_lock), -EBUSY);
	CHECK_EQ(uthread_mutex_unlock(&fifo_lock), 0);	/* handed to 1 */
	CHECK_EQ(uthread_mutex_unlock(&fifo_lock), -EPERM);
	take_and_note((void *)0);	/* queues behind 2 and 3 */
	for (int i = 0; i < 3; i++)
		ut_uthread_join(t[i]);
	return NULL;
}

TEST(uthread_mutex_fifo_handoff, "unlock hands the mutex to the first sleeper: no barging")
{
	ut_uthread_run(1, 0, fifo_main, NULL, NULL);
	got_lock[ngot] = 0;
	if (strcmp(got_lock, "1230") != 0)
		FAIL("lock order %s, expected 1230", got_lock);
}

TEST(uthread_condvar_producer_consumer, "N:1: a bounded buffer with condvars loses nothing")
{
	ut_pc_run(1, 0);
	ut_pc_run(1, PREEMPT_US);
}

/* ---------------------------------------------------------------- deadlock */

static struct uthread_mutex dl_a = UTHREAD_MUTEX_INIT, dl_b = UTHREAD_MUTEX_INIT;

static void *
lock_ab(void *arg)
{
	struct uthread_mutex *first = arg ? &dl_b : &dl_a;
	struct uthread_mutex *second = arg ? &dl_a : &dl_b;

	uthread_mutex_lock(first);
	uthread_yield();
	uthread_mutex_lock(second);
	FAIL("both mutexes taken: the ABBA schedule did not happen");
}

static void *
deadlock_main(void *arg)
{
	(void)arg;
	ut_uthread_spawn(lock_ab, NULL);
	ut_uthread_spawn(lock_ab, (void *)1);
	return NULL;
}

TEST(uthread_deadlock_detected, "N:1: all threads blocked for ever: uthread_main says EDEADLK")
{
	struct uthread_opts o = { .workers = 1 };
	struct uthread_stats s;

	CHECK_EQ(uthread_main(&o, deadlock_main, NULL, NULL), -EDEADLK);
	uthread_stats(&s);
	CHECK_EQ(s.stacks_mapped, 0);
}

/* ---------------------------------------------------------------- blocking system calls */

static volatile long bystander_runs;
static volatile int sleeper_done;

static void *
bystander(void *arg)
{
	(void)arg;
	while (!sleeper_done) {
		bystander_runs++;
		uthread_yield();
	}
	return NULL;
}

static void *
syscall_main(void *arg)
{
	uthread_t b = ut_uthread_spawn(bystander, NULL);
	struct pollfd none = { .fd = -1 };

	(void)arg;
	uthread_yield();
	long before = bystander_runs;

	CHECK(before > 0);
	CHECK_EQ(poll(&none, 1, 50), 0);	/* 50 ms in the kernel */
	CHECK_EQ(bystander_runs, before);
	sleeper_done = 1;
	ut_uthread_join(b);
	return NULL;
}

TEST(uthread_blocking_syscall_stops_all, "N:1: one thread asleep in the kernel stops all")
{
	ut_uthread_run(1, 0, syscall_main, NULL, NULL);
}

/* ---------------------------------------------------------------- stacks */

static void *
note_stack(void *arg)
{
	void **lo = arg;
	size_t size;
	char here;

	uthread_stack(uthread_self(), lo, &size);
	CHECK(size >= UTHREAD_STACK_DEFAULT);
	CHECK(&here > (char *)*lo && &here < (char *)*lo + size);
	return NULL;
}

static void *
stacks_main(void *arg)
{
	long page = sysconf(_SC_PAGESIZE);
	struct uthread_stats s;

	(void)arg;
	for (int i = 0; i < 1000; i++) {
		void *lo = NULL;
		uthread_t t = ut_uthread_spawn(note_stack, &lo);

		ut_uthread_join(t);
		/* The whole mapping is gone: msync says ENOMEM for unmapped memory. */
		CHECK_ERR(msync((char *)lo - page, page, MS_ASYNC), ENOMEM);
		CHECK_ERR(msync(lo, page, MS_ASYNC), ENOMEM);
	}
	uthread_stats(&s);
	CHECK_EQ(s.stacks_mapped, 1);	/* this thread's own */
	return NULL;
}

TEST(uthread_stacks_released, "1000 create/join: every thread's stack mapping is unmapped")
{
	ut_uthread_run(1, 0, stacks_main, NULL, NULL);
}

static void *
touch_guard(void *arg)
{
	void *lo;
	size_t size;

	(void)arg;
	uthread_stack(uthread_self(), &lo, &size);
	*((volatile char *)lo - 1) = 1;		/* the guard page */
	return NULL;
}

static void *
guard_main(void *arg)
{
	(void)arg;
	ut_uthread_join(ut_uthread_spawn(touch_guard, NULL));
	return NULL;
}

TEST(uthread_stack_guard_page, "the page below a user thread's stack faults (SIGSEGV)")
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		ut_no_core();
		ut_uthread_run(1, 0, guard_main, NULL, NULL);
		_exit(0);
	}
	ut_wait_signal(pid, SIGSEGV);
}
