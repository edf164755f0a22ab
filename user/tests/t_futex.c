// SPDX-License-Identifier: MIT
/*
 * futex(2): the kernel half of every user-space lock.  FUTEX_WAIT sleeps only
 * if the word still holds the expected value (so a wake between the check
 * and the sleep is never lost), FUTEX_WAKE wakes up to n sleepers,
 * the bitset forms wake selectively, CMP_REQUEUE moves sleepers to another
 * word, and timeouts end a wait with ETIMEDOUT.
 *
 * A test cannot see whether a thread is already asleep, so counts are
 * checked by repeating wakes until the expected sleepers are all accounted
 * for: a correct kernel passes at once, a broken one never does.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "utest.h"

/* Linux's futex operations (linux/futex.h, not shipped with musl). */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_BITSET_MATCH_ANY	0xffffffffu

static long
futex(int *uaddr, int op, int val, const struct timespec *ts, int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

struct waiter {
	int *word;
	int expect;
	unsigned bitset;
	volatile int done;
	long result;
	int err;
};

static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;

	do {
		if (w->bitset)
			w->result = futex(w->word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG,
					  w->expect, NULL, NULL, w->bitset);
		else
			w->result = futex(w->word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, w->expect,
					  NULL, NULL, 0);
		w->err = errno;
	} while (w->result < 0 && w->err == EINTR);
	w->done = 1;
	return NULL;
}

TEST(futex_wait_value_mismatch, "FUTEX_WAIT returns EAGAIN at once when the word has changed")
{
	int word = 1;

	CHECK_ERR(futex(&word, FUTEX_WAIT, 0, NULL, NULL, 0), EAGAIN);
}

TEST(futex_wait_timeout, "FUTEX_WAIT with a relative timeout ends with ETIMEDOUT")
{
	int word = 0;
	struct timespec ts = { 0, 30 * 1000000 };

	long long t0 = ut_now_ns();
	CHECK_ERR(futex(&word, FUTEX_WAIT, 0, &ts, NULL, 0), ETIMEDOUT);
	CHECK(ut_now_ns() - t0 >= 30000000LL);
}

TEST(futex_wait_bitset_absolute, "FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline")
{
	int word = 0;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 20 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY),
		  ETIMEDOUT);
	ts = (struct timespec){ 0, 0 };	/* long past (a negative time would be EINVAL) */
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY),
		  ETIMEDOUT);
}

TEST(futex_wake_no_waiters, "FUTEX_WAKE with nobody waiting returns 0")
{
	int word = 0;

	CHECK_EQ(futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
}

TEST(futex_wake_one_at_a_time, "FUTEX_WAKE(1) never wakes more than one of three sleepers")
{
	static int word;
	struct waiter w[3];
	pthread_t t[3];
	int woken = 0;

	for (int i = 0; i < 3; i++) {
		w[i] = (struct waiter){ .word = &word, .expect = 0 };
		CHECK_EQ(pthread_create(&t[i], NULL, waiter_main, &w[i]), 0);
	}
	while (woken < 3) {
		long n = CHECK_OK(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0));
		CHECK(n == 0 || n == 1);
		woken += n;
		ut_msleep(2);
	}
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK_EQ(w[i].result, 0);
	}
}

TEST(futex_bitset_selects, "FUTEX_WAKE_BITSET wakes only sleepers whose bitset intersects")
{
	static int word;
	struct waiter w = { .word = &word, .expect = 0, .bitset = 0x1 };
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, waiter_main, &w), 0);
	ut_msleep(30);
	for (int i = 0; i < 5; i++) {
		CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0x2), 0);
		CHECK(!w.done);
	}
	while (futex(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0x3) == 0)
		ut_msleep(2);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(w.result, 0);
}

TEST(futex_bitset_zero_einval, "a zero bitset is EINVAL")
{
	int word = 0;

	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, NULL, NULL, 0), EINVAL);
	CHECK_ERR(futex(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL);
}

TEST(futex_cmp_requeue, "FUTEX_CMP_REQUEUE moves sleepers to a second word, checking the value")
{
	static int a, b;
	struct waiter w[2];
	pthread_t t[2];
	long moved = 0;

	for (int i = 0; i < 2; i++) {
		w[i] = (struct waiter){ .word = &a, .expect = 0 };
		CHECK_EQ(pthread_create(&t[i], NULL, waiter_main, &w[i]), 0);
	}
	CHECK_ERR(futex(&a, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 0, (void *)INT_MAX, &b, 1),
		  EAGAIN);
	/* Wake none, move all: repeat until both sleepers have been moved. */
	while (moved < 2) {
		moved += CHECK_OK(futex(&a, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 0,
					(void *)INT_MAX, &b, 0));
		ut_msleep(2);
	}
	CHECK_EQ(moved, 2);
	CHECK_EQ(futex(&a, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0), 0);
	CHECK(!w[0].done && !w[1].done);
	CHECK_EQ(futex(&b, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0), 2);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
}

TEST(futex_bad_args, "futex rejects bad addresses (EFAULT), misalignment (EINVAL), bad ops (ENOSYS)")
{
	int words[2] = { 0, 0 };
	struct timespec bad_ts = { 0, 2000000000 };

	CHECK_ERR(futex(UT_BAD_PTR, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex((int *)((char *)words + 1), FUTEX_WAIT, 0, NULL, NULL, 0), EINVAL);
	CHECK_ERR(futex(words, 99, 0, NULL, NULL, 0), ENOSYS);
	CHECK_ERR(futex(words, FUTEX_WAIT, 0, &bad_ts, NULL, 0), EINVAL);
}

TEST(futex_shared_across_fork, "a shared futex wakes a sleeper in another process")
{
	int *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CHECK(word != MAP_FAILED);
	*word = 0;
	pid_t pid = ut_fork();
	if (pid == 0) {
		while (*word == 0)
			futex(word, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(*word);
	}
	ut_msleep(20);
	__atomic_store_n(word, 3, __ATOMIC_SEQ_CST);
	while (futex(word, FUTEX_WAKE, 1, NULL, NULL, 0) == 0) {
		siginfo_t si = { 0 };

		waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT);
		if (si.si_pid == pid)
			break;	/* it saw the 3 before sleeping */
		ut_msleep(2);
	}
	ut_wait_exit(pid, 3);
}
