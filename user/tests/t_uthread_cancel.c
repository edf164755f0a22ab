// SPDX-License-Identifier: MIT
/*
 * Cancellation of user threads (N:1).  Deferred cancellation must wait for
 * a cancellation point, even while the timer keeps preempting the target;
 * a target asleep in a cancellation point (condition wait, mutex, join) is
 * woken to act on it; a disabled cancel stays pending; asynchronous
 * cancellation stops a loop that has no cancellation point at all, through
 * the preemption signal; and cleanup handlers run newest first, by pop or
 * at exit.
 */
#include <stdint.h>

#include "utest.h"
#include "uthread_test.h"

#define PREEMPT_US 1000

static unsigned long
preemptions(void)
{
	struct uthread_stats s;

	uthread_stats(&s);
	return s.preemptions;
}

/* ---------------------------------------------------------------- deferred */

static volatile int started, cancel_sent, worked_on, reached_end;

/* Runs on after the cancel through several preemptions (not cancellation
 * points), then stops at uthread_testcancel. */
static void *
deferred_target(void *arg)
{
	(void)arg;
	started = 1;
	while (!cancel_sent)
		;
	unsigned long p0 = preemptions();

	while (preemptions() < p0 + 3)
		;
	worked_on = 1;
	uthread_testcancel();
	reached_end = 1;
	return NULL;
}

static void *
deferred_main(void *arg)
{
	uthread_t t = ut_uthread_spawn(deferred_target, NULL);

	(void)arg;
	while (!started)
		uthread_yield();
	CHECK_EQ(uthread_cancel(t), 0);
	cancel_sent = 1;
	while (!worked_on)
		uthread_yield();	/* stay runnable so the target keeps being preempted */
	CHECK(ut_uthread_join(t) == UTHREAD_CANCELED);
	return NULL;
}

TEST(uthread_cancel_deferred_at_points_only, "deferred cancel waits for a cancellation point")
{
	ut_uthread_run(1, PREEMPT_US, deferred_main, NULL, NULL);
	CHECK_EQ(worked_on, 1);
	CHECK_EQ(reached_end, 0);
}

/* ---------------------------------------------------------------- blocked targets */

static struct uthread_mutex cmutex = UTHREAD_MUTEX_INIT;
static struct uthread_cond never = UTHREAD_COND_INIT;
static volatile int cond_waiting, cleanup_unlock_result = 1;

static void
unlock_on_cancel(void *m)
{
	cleanup_unlock_result = uthread_mutex_unlock(m);
}

static void *
wait_forever(void *arg)
{
	struct uthread_cleanup c;

	(void)arg;
	CHECK_EQ(uthread_mutex_lock(&cmutex), 0);
	uthread_cleanup_push(&c, unlock_on_cancel, &cmutex);
	cond_waiting = 1;
	for (;;)
		uthread_cond_wait(&never, &cmutex);	/* never signalled */
	uthread_cleanup_pop(&c, 1);
	return NULL;
}

static void *
cond_cancel_main(void *arg)
{
	uthread_t t = ut_uthread_spawn(wait_forever, NULL);

	(void)arg;
	while (!cond_waiting)
		uthread_yield();
	uthread_yield();	/* now it sleeps in uthread_cond_wait */
	CHECK_EQ(uthread_cancel(t), 0);
	CHECK(ut_uthread_join(t) == UTHREAD_CANCELED);
	/* cond_wait took the mutex back before the cleanup handler ran, and
	 * the handler released it. */
	CHECK_EQ(cleanup_unlock_result, 0);
	CHECK_EQ(uthread_mutex_trylock(&cmutex), 0);
	CHECK_EQ(uthread_mutex_unlock(&cmutex), 0);
	return NULL;
}

TEST(uthread_cancel_wakes_cond_waiter, "cancel in cond_wait ends holding the mutex")
{
	ut_uthread_run(1, 0, cond_cancel_main, NULL, NULL);
}

static struct uthread_mutex held = UTHREAD_MUTEX_INIT;
static volatile int release_worker;

static void *
lock_held(void *arg)
{
	(void)arg;
	uthread_mutex_lock(&held);
	FAIL("got a mutex that was never released");
}

static void *
worker_until_released(void *arg)
{
	(void)arg;
	while (!release_worker)
		uthread_yield();
	return (void *)5;
}

static void *
join_other(void *arg)
{
	ut_uthread_join(arg);
	FAIL("join returned although the joined thread still runs");
}

static void *
blocked_cancel_main(void *arg)
{
	(void)arg;
	CHECK_EQ(uthread_mutex_lock(&held), 0);
	uthread_t locker = ut_uthread_spawn(lock_held, NULL);
	uthread_t worker = ut_uthread_spawn(worker_until_released, NULL);
	uthread_t joiner = ut_uthread_spawn(join_other, worker);

	for (int i = 0; i < 3; i++)
		uthread_yield();	/* locker and joiner are asleep now */
	CHECK_EQ(uthread_cancel(locker), 0);
	CHECK_EQ(uthread_cancel(joiner), 0);
	CHECK(ut_uthread_join(locker) == UTHREAD_CANCELED);
	CHECK(ut_uthread_join(joiner) == UTHREAD_CANCELED);
	/* The cancelled locker left the waiter queue: unlock frees the mutex. */
	CHECK_EQ(uthread_mutex_unlock(&held), 0);
	CHECK_EQ(uthread_mutex_trylock(&held), 0);
	CHECK_EQ(uthread_mutex_unlock(&held), 0);
	/* The cancelled joiner gave up its claim on the worker. */
	release_worker = 1;
	CHECK_EQ((intptr_t)ut_uthread_join(worker), 5);
	return NULL;
}

TEST(uthread_cancel_blocked_in_lock_and_join, "cancel wakes threads asleep in mutex_lock and join")
{
	ut_uthread_run(1, 0, blocked_cancel_main, NULL, NULL);
}

/* ---------------------------------------------------------------- disabled */

static volatile int survived, past_enable;

static void *
cancel_disabled(void *arg)
{
	int old;

	(void)arg;
	CHECK_EQ(uthread_setcancelstate(UTHREAD_CANCEL_DISABLE, &old), 0);
	CHECK_EQ(old, UTHREAD_CANCEL_ENABLE);
	CHECK_EQ(uthread_cancel(uthread_self()), 0);
	uthread_yield();
	uthread_testcancel();
	survived = 1;
	CHECK_EQ(uthread_setcancelstate(UTHREAD_CANCEL_ENABLE, NULL), 0);
	past_enable = 1;	/* deferred: enabling is not a cancellation point */
	uthread_testcancel();
	FAIL("a pending cancel did not act at uthread_testcancel");
}

static void *
disabled_main(void *arg)
{
	(void)arg;
	CHECK(ut_uthread_join(ut_uthread_spawn(cancel_disabled, NULL)) == UTHREAD_CANCELED);
	CHECK_EQ(uthread_setcancelstate(7, NULL), -EINVAL);
	CHECK_EQ(uthread_setcanceltype(7, NULL), -EINVAL);
	return NULL;
}

TEST(uthread_cancel_disabled_stays_pending, "a request waits while cancel is disabled")
{
	ut_uthread_run(1, 0, disabled_main, NULL, NULL);
	CHECK_EQ(survived, 1);
	CHECK_EQ(past_enable, 1);
}

/* ---------------------------------------------------------------- asynchronous */

static volatile long spins;
static volatile int async_cleanup_ran;

static void
note_cleanup(void *arg)
{
	(void)arg;
	async_cleanup_ran++;
}

static void *
spin_forever(void *arg)
{
	struct uthread_cleanup c;

	(void)arg;
	uthread_cleanup_push(&c, note_cleanup, NULL);
	CHECK_EQ(uthread_setcanceltype(UTHREAD_CANCEL_ASYNCHRONOUS, NULL), 0);
	for (;;)
		spins++;	/* no cancellation point, no system call */
	uthread_cleanup_pop(&c, 0);
	return NULL;
}

static void *
async_main(void *arg)
{
	uthread_t t = ut_uthread_spawn(spin_forever, NULL);

	(void)arg;
	while (spins == 0)
		uthread_yield();
	CHECK_EQ(uthread_cancel(t), 0);
	CHECK(ut_uthread_join(t) == UTHREAD_CANCELED);
	return NULL;
}

TEST(uthread_cancel_async_busy_loop, "async cancel stops a loop with no cancellation point")
{
	ut_uthread_run(1, PREEMPT_US, async_main, NULL, NULL);
	CHECK(spins > 0);
	CHECK_EQ(async_cleanup_ran, 1);
}

/* ---------------------------------------------------------------- cleanup handlers */

static char cleanup_log[8];
static int ncleanup;

static void
log_char(void *arg)
{
	cleanup_log[ncleanup++] = *(const char *)arg;
}

static void *
push_four_exit(void *arg)
{
	struct uthread_cleanup a, b, c, d;

	(void)arg;
	uthread_cleanup_push(&a, log_char, "A");
	uthread_cleanup_push(&b, log_char, "B");
	uthread_cleanup_push(&c, log_char, "C");
	uthread_cleanup_push(&d, log_char, "D");
	uthread_cleanup_pop(&d, 1);	/* runs D */
	uthread_cleanup_pop(&c, 0);	/* drops C */
	uthread_exit((void *)9);	/* runs B, then A */
}

static void *
cleanup_main(void *arg)
{
	(void)arg;
	CHECK_EQ((intptr_t)ut_uthread_join(ut_uthread_spawn(push_four_exit, NULL)), 9);
	return NULL;
}

TEST(uthread_cleanup_handlers, "pop(1) runs, pop(0) drops, exit runs the rest, newest first")
{
	ut_uthread_run(1, 0, cleanup_main, NULL, NULL);
	cleanup_log[ncleanup] = 0;
	if (strcmp(cleanup_log, "DBA") != 0)
		FAIL("cleanup order %s, expected DBA", cleanup_log);
}
