// SPDX-License-Identifier: MIT
/*
 * User-level threads, M:N: user threads multiplexed over several kernel
 * threads that the library made with clone().  A user thread blocked in a
 * system call holds only its own kernel thread, so the others go on (and
 * that proves there is more than one: the two sides report different tids);
 * each kernel thread has its own TLS block; mutexes and condition variables
 * work with threads really running at once; threads are joined, detached
 * and cancelled across kernel threads; and a deadlock is still detected.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <unistd.h>

#include "utest.h"
#include "uthread_test.h"

/* In .tdata: each worker's copy must start with this value. */
static _Thread_local int tls_probe = 12345;

/* ---------------------------------------------------------------- blocking, tids, TLS */

struct side {
	pid_t pid, tid;
	int *tls_addr;
	int tls_value;
};

static struct {
	int fd[2];
	int reader_ready;
	struct side reader, writer;
} pp;

static void
note_side(struct side *s)
{
	s->pid = getpid();
	s->tid = gettid();
	s->tls_addr = &tls_probe;
	s->tls_value = tls_probe;
}

static void *
pipe_reader(void *arg)
{
	char c;

	(void)arg;
	note_side(&pp.reader);
	__atomic_store_n(&pp.reader_ready, 1, __ATOMIC_SEQ_CST);
	/* Blocks this kernel thread in the kernel until the writer, which
	 * must therefore run on another one, writes. */
	CHECK_EQ(read(pp.fd[0], &c, 1), 1);
	CHECK_EQ(gettid(), pp.reader.tid);
	return NULL;
}

static void *
pipe_writer(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&pp.reader_ready, __ATOMIC_SEQ_CST))
		uthread_yield();
	note_side(&pp.writer);
	CHECK_EQ(write(pp.fd[1], "x", 1), 1);
	return NULL;
}

static void *
pipe_main(void *arg)
{
	uthread_t r, w;

	(void)arg;
	CHECK_OK(pipe(pp.fd));
	r = ut_uthread_spawn(pipe_reader, NULL);
	w = ut_uthread_spawn(pipe_writer, NULL);
	ut_uthread_join(r);
	ut_uthread_join(w);
	return NULL;
}

TEST(uthread_mn_blocking_syscall_blocks_one_worker, "M:N: read() blocks one kernel thread only")
{
	struct uthread_stats s;

	ut_uthread_run(2, 0, pipe_main, NULL, NULL);
	CHECK(pp.reader.tid != pp.writer.tid);
	CHECK_EQ(pp.reader.pid, getpid());	/* CLONE_THREAD: one process */
	CHECK_EQ(pp.writer.pid, getpid());
	uthread_stats(&s);
	CHECK(s.workers_used >= 2);
}

TEST(uthread_mn_tls_per_worker, "M:N: each kernel thread has its own TLS block")
{
	ut_uthread_run(2, 0, pipe_main, NULL, NULL);
	CHECK_EQ(pp.reader.tls_value, 12345);
	CHECK_EQ(pp.writer.tls_value, 12345);
	CHECK(pp.reader.tls_addr != pp.writer.tls_addr);
}

/* ---------------------------------------------------------------- mutex, condvar */

#define MN_THREADS	8
#define MN_ITERS	20000

static struct uthread_mutex mn_lock = UTHREAD_MUTEX_INIT;
static volatile long mn_count;

static void *
mn_increment(void *arg)
{
	(void)arg;
	for (int i = 0; i < MN_ITERS; i++) {
		CHECK_EQ(uthread_mutex_lock(&mn_lock), 0);
		long v = mn_count;

		for (volatile int d = 0; d < 10; d++)
			;
		mn_count = v + 1;
		if (i % 2000 == 0)
			uthread_yield();	/* sleep while holding it: others queue up */
		CHECK_EQ(uthread_mutex_unlock(&mn_lock), 0);
	}
	return NULL;
}

static void *
mn_count_main(void *arg)
{
	uthread_t t[MN_THREADS];

	(void)arg;
	for (int i = 0; i < MN_THREADS; i++)
		t[i] = ut_uthread_spawn(mn_increment, NULL);
	for (int i = 0; i < MN_THREADS; i++)
		ut_uthread_join(t[i]);
	return NULL;
}

TEST(uthread_mn_mutex_counter_exact, "M:N, 4 kernel threads: locked increments are exact")
{
	ut_uthread_run(4, 0, mn_count_main, NULL, NULL);
	CHECK_EQ(mn_count, MN_THREADS * MN_ITERS);
}

TEST(uthread_mn_condvar_producer_consumer, "M:N, 3 kernel threads: a bounded buffer loses nothing")
{
	ut_pc_run(3, 0);
}

/* ---------------------------------------------------------------- many, detached */

#define MN_MANY 400

static void *
mn_square(void *arg)
{
	intptr_t i = (intptr_t)arg;

	for (int k = 0; k < 3; k++)
		uthread_yield();
	return (void *)(i * i);
}

static void *
mn_many_main(void *arg)
{
	static uthread_t t[MN_MANY];

	(void)arg;
	for (intptr_t i = 0; i < MN_MANY; i++)
		t[i] = ut_uthread_spawn(mn_square, (void *)i);
	for (intptr_t i = 0; i < MN_MANY; i++)
		CHECK_EQ((intptr_t)ut_uthread_join(t[i]), i * i);
	return NULL;
}

TEST(uthread_mn_many_threads_join, "M:N, 4 kernel threads: 400 threads, join returns each value")
{
	struct uthread_stats s;

	ut_uthread_run(4, 0, mn_many_main, NULL, NULL);
	uthread_stats(&s);
	CHECK_EQ(s.created, MN_MANY + 1);
	CHECK_EQ(s.stacks_mapped, 0);
}

static int detached_done;

static void *
mn_detached(void *arg)
{
	(void)arg;
	for (int k = 0; k < 5; k++)
		uthread_yield();
	__atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *
mn_detach_main(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++)
		CHECK_EQ(uthread_detach(ut_uthread_spawn(mn_detached, NULL)), 0);
	return NULL;
}

TEST(uthread_mn_detached_freed, "M:N: detached threads run to the end and their stacks are freed")
{
	struct uthread_stats s;

	ut_uthread_run(3, 0, mn_detach_main, NULL, NULL);
	CHECK_EQ(detached_done, 50);
	uthread_stats(&s);
	CHECK_EQ(s.stacks_mapped, 0);
}

/* ---------------------------------------------------------------- cancel, deadlock */

static struct uthread_mutex cw_lock = UTHREAD_MUTEX_INIT;
static struct uthread_cond cw_never = UTHREAD_COND_INIT;
static int cw_waiting, cw_cleanup;

static void
cw_unlock(void *arg)
{
	cw_cleanup = uthread_mutex_unlock(arg) == 0;
}

static void *
cw_target(void *arg)
{
	struct uthread_cleanup c;

	(void)arg;
	CHECK_EQ(uthread_mutex_lock(&cw_lock), 0);
	uthread_cleanup_push(&c, cw_unlock, &cw_lock);
	__atomic_store_n(&cw_waiting, 1, __ATOMIC_SEQ_CST);
	for (;;)
		uthread_cond_wait(&cw_never, &cw_lock);
	uthread_cleanup_pop(&c, 0);
	return NULL;
}

static void *
cw_main(void *arg)
{
	uthread_t t = ut_uthread_spawn(cw_target, NULL);

	(void)arg;
	while (!__atomic_load_n(&cw_waiting, __ATOMIC_SEQ_CST))
		uthread_yield();
	CHECK_EQ(uthread_cancel(t), 0);
	CHECK(ut_uthread_join(t) == UTHREAD_CANCELED);
	CHECK_EQ(uthread_mutex_lock(&cw_lock), 0);
	CHECK_EQ(uthread_mutex_unlock(&cw_lock), 0);
	return NULL;
}

TEST(uthread_mn_cancel_cond_waiter, "M:N: cancel reaches a thread asleep in cond_wait")
{
	ut_uthread_run(2, 0, cw_main, NULL, NULL);
	CHECK_EQ(cw_cleanup, 1);
}

/*
 * Cancels racing with wake-ups: threads loop through a contended mutex and a
 * condition variable that another thread broadcasts on without pause, and
 * each is cancelled at some arbitrary moment (asleep in either wait, woken
 * but not yet running, or running).  Every one must end cancelled, none may
 * be left holding the mutex, and nothing may hang or crash.  (This found a
 * thread linked into the run queue and a wait queue through one pointer.)
 */
#define RACERS 12

static struct uthread_mutex race_lock = UTHREAD_MUTEX_INIT;
static struct uthread_cond race_cond = UTHREAD_COND_INIT;
static int race_stop;

static void
unlock_if_mine(void *m)
{
	int r = uthread_mutex_unlock(m);

	if (r != 0 && r != -EPERM)
		FAIL("cleanup unlock: %s", ut_errname(-r));
}

static void *
racer(void *arg)
{
	struct uthread_cleanup c;

	(void)arg;
	uthread_cleanup_push(&c, unlock_if_mine, &race_lock);
	for (;;) {
		CHECK_EQ(uthread_mutex_lock(&race_lock), 0);
		CHECK_EQ(uthread_cond_wait(&race_cond, &race_lock), 0);
		CHECK_EQ(uthread_mutex_unlock(&race_lock), 0);
		uthread_yield();
	}
	uthread_cleanup_pop(&c, 0);
	return NULL;
}

static void *
broadcaster(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&race_stop, __ATOMIC_SEQ_CST)) {
		CHECK_EQ(uthread_mutex_lock(&race_lock), 0);
		uthread_cond_broadcast(&race_cond);
		CHECK_EQ(uthread_mutex_unlock(&race_lock), 0);
		uthread_yield();
	}
	return NULL;
}

static void *
race_main(void *arg)
{
	uthread_t r[RACERS], b;

	(void)arg;
	race_stop = 0;
	for (int i = 0; i < RACERS; i++)
		r[i] = ut_uthread_spawn(racer, NULL);
	b = ut_uthread_spawn(broadcaster, NULL);
	for (int i = 0; i < RACERS; i++) {
		for (int k = 0; k < i % 5; k++)
			uthread_yield();
		CHECK_EQ(uthread_cancel(r[i]), 0);
	}
	for (int i = 0; i < RACERS; i++)
		CHECK(ut_uthread_join(r[i]) == UTHREAD_CANCELED);
	__atomic_store_n(&race_stop, 1, __ATOMIC_SEQ_CST);
	ut_uthread_join(b);
	CHECK_EQ(uthread_mutex_trylock(&race_lock), 0);
	CHECK_EQ(uthread_mutex_unlock(&race_lock), 0);
	return NULL;
}

TEST(uthread_mn_cancel_races_wakeups, "M:N: cancels racing with wake-ups all end cleanly")
{
	for (int round = 0; round < 20; round++)
		ut_uthread_run(4, 0, race_main, NULL, NULL);
}

static struct uthread_mutex mn_a = UTHREAD_MUTEX_INIT, mn_b = UTHREAD_MUTEX_INIT;
static int holding;

static void *
mn_lock_ab(void *arg)
{
	struct uthread_mutex *first = arg ? &mn_b : &mn_a;
	struct uthread_mutex *second = arg ? &mn_a : &mn_b;

	uthread_mutex_lock(first);
	__atomic_add_fetch(&holding, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&holding, __ATOMIC_SEQ_CST) < 2)
		uthread_yield();
	uthread_mutex_lock(second);
	FAIL("both mutexes taken: the ABBA schedule did not happen");
}

static void *
mn_deadlock_main(void *arg)
{
	(void)arg;
	ut_uthread_spawn(mn_lock_ab, NULL);
	ut_uthread_spawn(mn_lock_ab, (void *)1);
	return NULL;
}

TEST(uthread_mn_deadlock_detected, "M:N: an ABBA deadlock makes uthread_main say EDEADLK")
{
	struct uthread_opts o = { .workers = 3 };

	CHECK_EQ(uthread_main(&o, mn_deadlock_main, NULL, NULL), -EDEADLK);
}
