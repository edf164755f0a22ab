// SPDX-License-Identifier: MIT
/*
 * uthread_switch: what a thread switch costs in user space and in the
 * kernel.
 *
 *	uthread_switch [--smoke]
 *
 * Two threads hand the CPU to each other many times, and the time per
 * switch is printed in microseconds, in osbench's format:
 *
 *	metric uthread_yield_n1 <us> us		N:1 uthread_yield: registers and
 *						stack swapped in user space
 *	metric uthread_condvar_n1 <us> us	N:1 round trip through a uthread
 *						mutex and condition variable
 *	metric kthread_futex_switch <us> us	two kernel threads on one CPU
 *						waking each other with futex(2)
 *	metric kthread_sched_yield_switch <us> us
 *						two kernel threads on one CPU
 *						calling sched_yield(2)
 *
 * The kernel threads are pinned to one CPU so that every hand-off really is
 * a context switch (on two CPUs they would just run side by side); if
 * pinning fails, a "note <name> not pinned to one CPU" line says so.  Each
 * figure is the best of three runs.
 * Nothing is asserted: this is a measurement, see docs/threads.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "uthread/uthread.h"

#define FUTEX_WAIT_PRIVATE	128
#define FUTEX_WAKE_PRIVATE	129

static long rounds = 200000;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Best of three runs of fn, which returns the seconds per switch, or < 0. */
static void
report(const char *name, double (*fn)(void), const char *note)
{
	double best = -1;

	for (int i = 0; i < 3; i++) {
		double t = fn();

		if (t < 0) {
			printf("error %s %s\n", name, strerror(errno));
			return;
		}
		if (best < 0 || t < best)
			best = t;
	}
	if (note)
		printf("note %s %s\n", name, note);
	printf("metric %s %.4f us\n", name, best * 1e6);
	fflush(stdout);
}

/* ---------------------------------------------------------------- user threads */

static void *
yielder(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++)
		uthread_yield();
	return NULL;
}

static void *
yield_pair(void *arg)
{
	uthread_t t;

	if (uthread_create(&t, yielder, NULL) != 0)
		return (void *)-1;
	uthread_yield();	/* the partner is running: start the clock */
	*(double *)arg = now();
	yielder(NULL);
	uthread_join(t, NULL);
	return NULL;
}

static double
run_uthread(void *(*pair)(void *))
{
	struct uthread_opts o = { .workers = 1 };
	struct uthread_stats s;
	double t0 = 0, t1;
	void *res;
	int r = uthread_main(&o, pair, &t0, &res);

	t1 = now();
	if (r != 0 || res != NULL) {
		errno = r ? -r : ENOMEM;
		return -1;
	}
	uthread_stats(&s);
	return (t1 - t0) / s.switches;	/* a few set-up switches make it pessimistic */
}

static double
uthread_yield_n1(void)
{
	return run_uthread(yield_pair);
}

static struct uthread_mutex cv_lock = UTHREAD_MUTEX_INIT;
static struct uthread_cond cv = UTHREAD_COND_INIT;
static int cv_turn;

static void *
cv_partner(void *arg)
{
	(void)arg;
	uthread_mutex_lock(&cv_lock);
	for (long i = 0; i < rounds; i++) {
		while (cv_turn == 0)
			uthread_cond_wait(&cv, &cv_lock);
		cv_turn = 0;
		uthread_cond_signal(&cv);
	}
	uthread_mutex_unlock(&cv_lock);
	return NULL;
}

static void *
cv_pair(void *arg)
{
	uthread_t t;

	if (uthread_create(&t, cv_partner, NULL) != 0)
		return (void *)-1;
	*(double *)arg = now();
	uthread_mutex_lock(&cv_lock);
	for (long i = 0; i < rounds; i++) {
		cv_turn = 1;
		uthread_cond_signal(&cv);
		while (cv_turn == 1)
			uthread_cond_wait(&cv, &cv_lock);
	}
	uthread_mutex_unlock(&cv_lock);
	uthread_join(t, NULL);
	return NULL;
}

static double
uthread_condvar_n1(void)
{
	return run_uthread(cv_pair);
}

/* ---------------------------------------------------------------- kernel threads */

static int turn;	/* futex word: 1 = partner's turn, 0 = main's */

static void
futex(int op, int val)
{
	syscall(SYS_futex, &turn, op, val, NULL, NULL, 0);
}

static void *
futex_partner(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == 0)
			futex(FUTEX_WAIT_PRIVATE, 0);
		__atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
		futex(FUTEX_WAKE_PRIVATE, 1);
	}
	return NULL;
}

static double
kthread_futex(void)
{
	pthread_t t;
	double t0;

	turn = 0;
	if ((errno = pthread_create(&t, NULL, futex_partner, NULL)) != 0)
		return -1;
	t0 = now();
	for (long i = 0; i < rounds; i++) {
		__atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
		futex(FUTEX_WAKE_PRIVATE, 1);
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == 1)
			futex(FUTEX_WAIT_PRIVATE, 1);
	}
	double t1 = now();

	pthread_join(t, NULL);
	return (t1 - t0) / (2.0 * rounds);
}

static void *
sched_yielder(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++)
		sched_yield();
	return NULL;
}

static double
kthread_sched_yield(void)
{
	pthread_t t;
	double t0, t1;

	if ((errno = pthread_create(&t, NULL, sched_yielder, NULL)) != 0)
		return -1;
	t0 = now();
	sched_yielder(NULL);
	t1 = now();
	pthread_join(t, NULL);
	return (t1 - t0) / (2.0 * rounds);
}

int
main(int argc, char **argv)
{
	cpu_set_t one;
	const char *note = NULL;

	if (argc > 1 && strcmp(argv[1], "--smoke") == 0)
		rounds = 2000;
	else if (argc > 1) {
		fprintf(stderr, "usage: uthread_switch [--smoke]\n");
		return 2;
	}
	printf("uthread_switch: start\n");
	report("uthread_yield_n1", uthread_yield_n1, NULL);
	report("uthread_condvar_n1", uthread_condvar_n1, NULL);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() > 0 ? sched_getcpu() : 0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		note = "not pinned to one CPU";
	report("kthread_futex_switch", kthread_futex, note);
	report("kthread_sched_yield_switch", kthread_sched_yield, note);
	printf("uthread_switch: done\n");
	return 0;
}
