// SPDX-License-Identifier: MIT
/*
 * Threads: creating and joining one (clone with a new stack, exit, the
 * futex wake that join waits on), and two threads of one process handing a
 * turn back and forth, first through a raw futex word, then through a
 * pthread mutex and condition variable (which adds the mutex hand-off).
 *
 * The futex ping-pong keeps one word, `turn`: the main thread sets it to 1
 * and wakes the partner, then sleeps while it stays 1; the partner sleeps
 * while it is 0, sets it back to 0 and wakes the main thread.  FUTEX_WAIT
 * compares the word with the expected value inside the kernel, so a wake
 * that comes before the wait is never lost.  If the kernel rejects the
 * futex call outright, both sides fall back to spinning on the word so the
 * run still ends, and the metric reports the error.
 */
#include "osbench.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* futex(2) operations (Linux ABI); musl ships no <linux/futex.h>. */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_PRIVATE_FLAG	128

static void *
osb_thread_nop(void *arg)
{
	return arg;
}

static int
osb_create_join(void *ctx, long n)
{
	for (long i = 0; i < n; i++) {
		pthread_t t;
		int err = pthread_create(&t, NULL, osb_thread_nop, NULL);

		if (err) {
			errno = err;
			return osb_fail("pthread_create");
		}
		err = pthread_join(t, NULL);
		if (err) {
			errno = err;
			return osb_fail("pthread_join");
		}
	}
	return 0;
}

/* State shared by the two threads of one ping-pong batch. */
struct osb_pp {
	long rounds;		/* round trips, the untimed first one included */
	atomic_int turn;	/* futex: 1 = partner's turn, 0 = main's turn */
	atomic_int futex_err;	/* first unexpected errno from futex(2) */
	pthread_mutex_t lock;	/* condvar variant: protects cturn */
	pthread_cond_t cond;
	int cturn;		/* condvar variant: as turn, under lock */
};

static void
osb_futex(struct osb_pp *pp, int op, int val)
{
	long r = syscall(SYS_futex, &pp->turn, op | FUTEX_PRIVATE_FLAG, val, NULL, NULL, 0);

	if (r < 0 && errno != EAGAIN && errno != EINTR) {
		int zero = 0;

		atomic_compare_exchange_strong(&pp->futex_err, &zero, errno);
	}
}

/* Sleep while the turn word still holds @val. */
static void
osb_futex_await(struct osb_pp *pp, int val)
{
	while (atomic_load(&pp->turn) == val)
		osb_futex(pp, FUTEX_WAIT, val);
}

static void *
osb_futex_partner(void *arg)
{
	struct osb_pp *pp = arg;

	for (long i = 0; i < pp->rounds; i++) {
		osb_futex_await(pp, 0);
		atomic_store(&pp->turn, 0);
		osb_futex(pp, FUTEX_WAKE, 1);
	}
	return NULL;
}

static void
osb_futex_main(struct osb_pp *pp)
{
	atomic_store(&pp->turn, 1);
	osb_futex(pp, FUTEX_WAKE, 1);
	osb_futex_await(pp, 1);
}

static void *
osb_cond_partner(void *arg)
{
	struct osb_pp *pp = arg;

	pthread_mutex_lock(&pp->lock);
	for (long i = 0; i < pp->rounds; i++) {
		while (pp->cturn == 0)
			pthread_cond_wait(&pp->cond, &pp->lock);
		pp->cturn = 0;
		pthread_cond_signal(&pp->cond);
	}
	pthread_mutex_unlock(&pp->lock);
	return NULL;
}

static void
osb_cond_main(struct osb_pp *pp)
{
	pthread_mutex_lock(&pp->lock);
	pp->cturn = 1;
	pthread_cond_signal(&pp->cond);
	while (pp->cturn == 1)
		pthread_cond_wait(&pp->cond, &pp->lock);
	pthread_mutex_unlock(&pp->lock);
}

/*
 * One batch: start the partner, play one untimed round so its start-up is
 * not counted, then time n rounds.
 */
static int
osb_pingpong(long n, void *(*partner)(void *), void (*round)(struct osb_pp *))
{
	struct osb_pp pp = { .rounds = n + 1 };
	pthread_t t;
	int err;

	pthread_mutex_init(&pp.lock, NULL);
	pthread_cond_init(&pp.cond, NULL);
	err = pthread_create(&t, NULL, partner, &pp);
	if (err) {
		errno = err;
		return osb_fail("pthread_create");
	}
	round(&pp);
	osb_clock_start();
	for (long i = 0; i < n; i++)
		round(&pp);
	osb_clock_stop();
	pthread_join(t, NULL);
	if (pp.futex_err) {
		errno = pp.futex_err;
		return osb_fail("futex");
	}
	return 0;
}

static int
osb_futex_pp(void *ctx, long n)
{
	return osb_pingpong(n, osb_futex_partner, osb_futex_main);
}

static int
osb_cond_pp(void *ctx, long n)
{
	return osb_pingpong(n, osb_cond_partner, osb_cond_main);
}

void
osb_run_thread(void)
{
	osb_time_loop("thread_create_join", osb_create_join, NULL);
	osb_time_loop("futex_pingpong", osb_futex_pp, NULL);
	osb_time_loop("condvar_pingpong", osb_cond_pp, NULL);
}
