// SPDX-License-Identifier: MIT
/*
 * Scheduling seen from user space, with every actor pinned to one CPU so
 * that only the scheduler's choices decide who runs.  Each test asserts an
 * order of events or a count, never a duration:
 *
 *   FIFO       a SCHED_FIFO thread that wakes while a normal thread spins
 *              on its CPU runs at once and keeps the CPU: the spinner makes
 *              no progress at all while the FIFO thread computes.
 *   PI         pthread mutexes with PTHREAD_PRIO_INHERIT (musl: the
 *              FUTEX_LOCK_PI protocol): low L holds the lock, high H waits,
 *              medium M computes; L runs at H's priority, so H gets the
 *              lock before M finishes.  A plain mutex, the control, shows
 *              the inversion: M first.
 *   MLFQ       an interactive process woken through a pipe by a CPU hog
 *              runs before the other hogs get a turn.
 *
 * The real-time tests need the privilege to use SCHED_FIFO (they SKIP
 * without it); all keep their real-time work far below Linux's throttle
 * (95% of each second), so they mean the same on Linux.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smp_util.h"
#include "utest.h"

#define MAX_CPUS 64

static int
last_cpu(void)
{
	int cpu[MAX_CPUS], n = smp_cpus(cpu, MAX_CPUS);

	return cpu[n - 1];
}

/* ------------------------------------------------------------ FIFO */

struct spin_shared {
	volatile unsigned long progress;   /* the normal spinner's loop count */
	volatile int stop;
};

#define FIFO_ROUNDS 20
#define FIFO_WORK   2000000    /* loop steps of computing per round, a few ms */

TEST(smp_fifo_preempts_spinner, "a SCHED_FIFO thread waking beside a spinning normal one runs at once and the spinner stalls")
{
	struct spin_shared *sh = smp_shared(sizeof(*sh));
	int cpu = last_cpu(), stalled = 0;
	unsigned long before, during, after;
	volatile unsigned long x = 0;
	pid_t pid;

	smp_pin(cpu);
	smp_watchdog(8, "the FIFO scenario");
	if ((pid = ut_fork()) == 0) {
		while (!sh->stop)
			sh->progress++;     /* never blocks: only preemption takes its CPU */
		_exit(0);
	}
	while (sh->progress == 0)
		ut_msleep(1);           /* the spinner is running */
	smp_fifo_or_skip(10);       /* the spinner stays SCHED_OTHER */
	for (int r = 0; r < FIFO_ROUNDS; r++) {
		before = sh->progress;
		/* The spinner has the CPU while we sleep (on a busy host it may take a few tries) ... */
		for (int i = 0; i < 1000 && sh->progress == before; i++)
			ut_msleep(1);
		during = sh->progress;  /* ... and we are back while it still spins */
		for (int k = 0; k < FIFO_WORK; k++)
			x += k;
		after = sh->progress;
		if (during == before)
			FAIL("round %d: the spinner never ran while the FIFO thread slept", r);
		if (after != during)
			FAIL("round %d: the spinner ran %lu steps while the FIFO thread computed",
			     r, after - during);
		stalled++;
	}
	sh->stop = 1;
	ut_msleep(1);
	ut_wait_exit(pid, 0);
	CHECK_EQ(stalled, FIFO_ROUNDS);
}

/* ------------------------------------------------------------ PI */

static struct {
	pthread_mutex_t m;
	volatile int seq, l_locked, go, l_unlock, h_got, m_done;
} pi;

static int
event(void)
{
	return __atomic_add_fetch(&pi.seq, 1, __ATOMIC_SEQ_CST);
}

static void
compute(long steps)
{
	volatile long x = 0;

	for (long k = 0; k < steps; k++)
		x += k;
}

static void *
pi_low(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pi.m);
	pi.l_locked = 1;
	while (!pi.go)              /* needs the CPU to get on: never sleeps */
		;
	compute(1000000);
	pi.l_unlock = event();
	pthread_mutex_unlock(&pi.m);
	return NULL;
}

static void *
pi_high(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pi.m);
	pi.h_got = event();
	pthread_mutex_unlock(&pi.m);
	return NULL;
}

static void *
pi_medium(void *arg)
{
	(void)arg;
	compute(3000000);
	pi.m_done = event();
	return NULL;
}

/* A FIFO thread at prio on our CPU (it inherits our one-CPU mask). */
static pthread_t
spawn_fifo(void *(*fn)(void *), int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	pthread_attr_t a;
	pthread_t t;

	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&a, SCHED_FIFO);
	pthread_attr_setschedparam(&a, &sp);
	CHECK_EQ(pthread_create(&t, &a, fn, NULL), 0);
	pthread_attr_destroy(&a);
	return t;
}

/*
 * The orchestrator runs at FIFO 50 on the same CPU, above everyone: L
 * takes the lock; H is started and, being above L, runs and blocks on the
 * lock before L runs again; M is started and L told to go on.  From then
 * on, priorities alone order the rest, so no step waits on a duration.
 */
static void
run_inversion(int protocol)
{
	pthread_mutexattr_t ma;
	pthread_t l, h, m;

	smp_pin(last_cpu());
	smp_watchdog(8, "the priority-inversion scenario");
	pthread_mutexattr_init(&ma);
	CHECK_EQ(pthread_mutexattr_setprotocol(&ma, protocol), 0);
	CHECK_EQ(pthread_mutex_init(&pi.m, &ma), 0);
	smp_fifo_or_skip(50);
	l = spawn_fifo(pi_low, 10);
	while (!pi.l_locked)
		ut_msleep(1);
	h = spawn_fifo(pi_high, 30);
	ut_msleep(2);               /* H runs (it is above L) and blocks on the lock */
	m = spawn_fifo(pi_medium, 20);
	pi.go = 1;
	CHECK_EQ(pthread_join(m, NULL), 0);
	CHECK_EQ(pthread_join(h, NULL), 0);
	CHECK_EQ(pthread_join(l, NULL), 0);
}

TEST(smp_pi_mutex_bounds_inversion, "PTHREAD_PRIO_INHERIT: low holder runs at the waiter's priority (order L unlock, H gets, M done)")
{
	run_inversion(PTHREAD_PRIO_INHERIT);
	if (!(pi.l_unlock < pi.h_got && pi.h_got < pi.m_done))
		FAIL("events: L unlock %d, H got %d, M done %d; expected that order",
		     pi.l_unlock, pi.h_got, pi.m_done);
}

TEST(smp_plain_mutex_shows_inversion, "the control: with a plain mutex the medium thread finishes first (order M, L, H)")
{
	run_inversion(PTHREAD_PRIO_NONE);
	if (!(pi.m_done < pi.l_unlock && pi.l_unlock < pi.h_got))
		FAIL("events: M done %d, L unlock %d, H got %d; expected that order",
		     pi.m_done, pi.l_unlock, pi.h_got);
}

/* ------------------------------------------------------------ MLFQ */

#define HOGS    3
#define WAKES   40

struct mlfq_shared {
	volatile int last;              /* who ran last: 1..HOGS a hog, 0 the sleeper */
	volatile unsigned long turns;   /* hog turns begun: a hog found last != itself */
	volatile unsigned long turns_at_wake;
	volatile int ready, stop, warm;
	unsigned long waited[WAKES];    /* hog turns between a wakeup and the sleeper running */
};

/* Hog 1 also wakes the sleeper, through the pipe, whenever it is ready. */
static void
hog(struct mlfq_shared *sh, int me, int wfd)
{
	unsigned long steps = 0;

	while (!sh->stop) {
		if (sh->last != me) {
			sh->last = me;
			sh->turns++;
		}
		if (++steps == 3000000)
			sh->warm++;         /* it has computed long enough to sink */
		if (me == 1 && sh->ready && sh->warm >= HOGS) {
			sh->ready = 0;
			sh->turns_at_wake = sh->turns;
			if (write(wfd, "w", 1) != 1)
				_exit(2);
		}
	}
	_exit(0);
}

/*
 * The bound: at most WAKES hog turns in all, one per wakeup on average.  A
 * scheduler that did not favour the sleeper (plain round robin) would queue
 * it behind the other two hogs after every wakeup: 2 turns each.  MLFQ
 * wakes it at a higher level than the hogs have sunk to, so it preempts the
 * waker at once: 0 turns, except just after a boost, when every task is
 * home again for the few milliseconds the hogs need to sink.  Turns are
 * counted, not timed.
 */
TEST(smp_mlfq_sleeper_beats_hogs, "a sleeper woken by a CPU hog runs before the other hogs get a turn (40 wakeups)")
{
	struct mlfq_shared *sh = smp_shared(sizeof(*sh));
	unsigned long total = 0, worst = 0;
	pid_t pid[HOGS];
	int p[2];
	char c;

	smp_pin(last_cpu());
	smp_watchdog(9, "the MLFQ scenario");
	CHECK_OK(pipe(p));
	sh->last = -1;
	for (int i = 0; i < HOGS; i++)
		if ((pid[i] = ut_fork()) == 0)
			hog(sh, i + 1, p[1]);
	for (int i = 0; i < WAKES; i++) {
		sh->ready = 1;
		ut_read_exact(p[0], &c, 1);
		sh->waited[i] = sh->turns - sh->turns_at_wake;
		sh->last = 0;
		total += sh->waited[i];
		worst = sh->waited[i] > worst ? sh->waited[i] : worst;
	}
	sh->stop = 1;
	for (int i = 0; i < HOGS; i++)
		ut_wait_exit(pid[i], 0);
	if (total > WAKES)
		FAIL("the sleeper waited %lu hog turns in %d wakeups (worst %lu); bound %d",
		     total, WAKES, worst, WAKES);
}
